//! Scan statistics shared by every worker: blobs and bytes scanned, skips by
//! reason, scan-level notes.

use crate::skip::{Skip, SkipKind};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Skipped entries listed individually in the summary; counts stay exact past it.
pub const MAX_LISTED_SKIPS: usize = 10_000;

/// Count and bytes of one skip kind.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct SkipCount {
    pub count: u64,
    pub bytes: u64,
}

/// Scan statistics, updated by every worker.
#[derive(Default)]
pub struct Stats {
    pub blobs_scanned: AtomicU64,
    pub bytes_scanned: AtomicU64,
    /// Git blobs read from the object database (each unique blob once).
    pub blobs_read: AtomicU64,
    skips: Mutex<(BTreeMap<SkipKind, SkipCount>, Vec<Skip>)>,
    notes: Mutex<Vec<String>>,
    /// A crawl's URL log and its reasons for being incomplete.
    crawl: Mutex<(Vec<crate::source::web::UrlRecord>, Vec<String>)>,
}

impl Stats {
    /// Count `blobs` scanned blobs of `bytes` bytes in all.
    pub fn scanned(&self, blobs: u64, bytes: u64) {
        self.blobs_scanned.fetch_add(blobs, Ordering::Relaxed);
        self.bytes_scanned.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Count one git blob read from the object database.
    pub fn blob_read(&self) {
        self.blobs_read.fetch_add(1, Ordering::Relaxed);
    }

    /// Record a skip.
    pub fn skip(
        &self,
        path: impl Into<String>,
        reason: SkipKind,
        detail: impl Into<String>,
        bytes: u64,
    ) {
        self.record(Skip::new(path, reason, detail, bytes));
    }

    /// Record a skip a reader or the scanner returned.
    pub fn record(&self, skip: Skip) {
        let mut g = self.skips.lock().unwrap_or_else(|p| p.into_inner());
        let c = g.0.entry(skip.reason).or_default();
        c.count += 1;
        c.bytes += skip.bytes;
        if g.1.len() < MAX_LISTED_SKIPS || skip.reason.makes_incomplete() {
            g.1.push(skip);
        }
    }

    /// Add a scan-level note (e.g. "shallow clone: history is partial").
    pub fn note(&self, note: impl Into<String>) {
        self.notes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(note.into());
    }

    /// Record a crawl's URL log and the reasons it is incomplete (`url` scans).
    pub fn crawl_log(&self, urls: Vec<crate::source::web::UrlRecord>, incomplete: Vec<String>) {
        *self.crawl.lock().unwrap_or_else(|p| p.into_inner()) = (urls, incomplete);
    }

    /// A sorted snapshot.
    pub fn snapshot(&self) -> StatsSnapshot {
        let (urls, source_incomplete) =
            self.crawl.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let g = self.skips.lock().unwrap_or_else(|p| p.into_inner());
        let mut skipped = g.1.clone();
        skipped.sort();
        let mut notes = self.notes.lock().unwrap_or_else(|p| p.into_inner()).clone();
        notes.sort();
        notes.dedup();
        StatsSnapshot {
            blobs_scanned: self.blobs_scanned.load(Ordering::Relaxed),
            bytes_scanned: self.bytes_scanned.load(Ordering::Relaxed),
            blobs_read: self.blobs_read.load(Ordering::Relaxed),
            skip_counts: g.0.clone(),
            skipped,
            notes,
            urls,
            source_incomplete,
        }
    }
}

/// Statistics at the end of a scan.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatsSnapshot {
    pub blobs_scanned: u64,
    pub bytes_scanned: u64,
    pub blobs_read: u64,
    pub skip_counts: BTreeMap<SkipKind, SkipCount>,
    pub skipped: Vec<Skip>,
    pub notes: Vec<String>,
    /// `url` scans: every URL fetched, not found, failed or skipped.
    pub urls: Vec<crate::source::web::UrlRecord>,
    /// Reasons a source gives for an incomplete scan beyond skipped blobs (a crawl limit reached).
    pub source_incomplete: Vec<String>,
}

impl StatsSnapshot {
    /// Reasons the scan is incomplete, one line each.
    pub fn incomplete_reasons(&self) -> Vec<String> {
        self.skipped
            .iter()
            .filter(|s| s.reason.makes_incomplete())
            .map(|s| format!("{}: {}", s.path, s.detail))
            .chain(self.source_incomplete.iter().cloned())
            .collect()
    }
}
