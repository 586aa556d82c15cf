//! The scan context shared by all workers: rules, collector, statistics, and the
//! per-blob step that turns bytes into detections.

use crate::engine::Matcher;
use crate::finding::{Collector, Detection, preview};
use crate::location::Locator;
use crate::origin::Origin;
use crate::rules::RuleSet;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes looked at for a NUL to call a blob binary (git uses the same 8 KiB).
pub const BINARY_SNIFF_BYTES: usize = 8 * 1024;
/// Skipped entries listed individually in the summary; counts stay exact past it.
pub const MAX_LISTED_SKIPS: usize = 10_000;
/// Default `--max-file-size`: larger blobs are skipped and reported.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 50 * 1024 * 1024;

/// Why something was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipKind {
    /// Policy: NUL bytes in the first 8 KiB.
    Binary,
    /// Policy: larger than `--max-file-size`.
    TooLarge,
    /// Policy: FIFO, socket, device: never opened.
    NotRegular,
    /// Policy: symbolic link not followed.
    Symlink,
    /// Policy: a symbolic link loop.
    SymlinkLoop,
    /// Policy: a Git LFS pointer (content lives elsewhere).
    LfsPointer,
    /// Policy: a git submodule (not entered).
    Submodule,
    /// Policy: an artifact whose expansion hit a limit (nested archive depth, entry count, ratio).
    ArtifactLimit,
    /// Incomplete: could not be read (permission, I/O error, vanished).
    Unreadable,
    /// Incomplete: a missing or corrupt git object.
    CorruptObject,
}

impl SkipKind {
    /// Whether this skip means content the user asked for was not scanned.
    pub fn makes_incomplete(self) -> bool {
        matches!(self, SkipKind::Unreadable | SkipKind::CorruptObject)
    }
}

/// One thing that was not scanned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Skip {
    pub path: String,
    pub reason: SkipKind,
    pub detail: String,
}

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
    /// Count one scanned blob of `len` bytes.
    pub fn scanned(&self, len: usize) {
        self.blobs_scanned.fetch_add(1, Ordering::Relaxed);
        self.bytes_scanned.fetch_add(len as u64, Ordering::Relaxed);
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
        let mut g = self.skips.lock().unwrap_or_else(|p| p.into_inner());
        let c = g.0.entry(reason).or_default();
        c.count += 1;
        c.bytes += bytes;
        if g.1.len() < MAX_LISTED_SKIPS || reason.makes_incomplete() {
            g.1.push(Skip {
                path: path.into(),
                reason,
                detail: detail.into(),
            });
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

/// Options the per-blob step needs.
#[derive(Debug, Clone)]
pub struct BlobOptions {
    pub max_file_size: u64,
    pub show_secrets: bool,
    pub include_public: bool,
}

/// Everything workers share.
pub struct ScanContext {
    pub rules: Arc<RuleSet>,
    pub options: BlobOptions,
    pub collector: Collector,
    pub stats: Stats,
}

impl ScanContext {
    /// A fresh context.
    pub fn new(rules: Arc<RuleSet>, options: BlobOptions) -> Self {
        ScanContext {
            rules,
            options,
            collector: Collector::default(),
            stats: Stats::default(),
        }
    }

    /// A matcher for one worker thread.
    pub fn matcher(&self) -> Matcher {
        let mut m = Matcher::new(Arc::clone(&self.rules));
        m.include_public = self.options.include_public;
        m
    }

    /// Scan one blob seen at `origin`: binary and size policy, artifact expansion,
    /// rules. Returns false when the blob was skipped.
    pub fn scan_blob(&self, matcher: &mut Matcher, data: &[u8], origin: &Origin) -> bool {
        self.scan_blob_with(matcher, data, origin, crate::artifact::files_for(origin))
    }

    /// [`ScanContext::scan_blob`] with an explicit source of the files an artifact
    /// refers to (a crawled site serves a bundle's map from what it fetched).
    pub fn scan_blob_with(
        &self,
        matcher: &mut Matcher,
        data: &[u8],
        origin: &Origin,
        files: &dyn crate::artifact::Files,
    ) -> bool {
        if data.len() as u64 > self.options.max_file_size {
            self.stats.skip(
                origin.display(),
                SkipKind::TooLarge,
                format!("{} bytes over the --max-file-size limit", data.len()),
                data.len() as u64,
            );
            return false;
        }
        if let Some(scanned) = crate::artifact::scan_with(self, matcher, data, origin, files) {
            return scanned;
        }
        if is_binary(data) {
            self.stats.skip(
                origin.display(),
                SkipKind::Binary,
                "binary content (NUL byte)",
                data.len() as u64,
            );
            return false;
        }
        self.stats.scanned(data.len());
        let detections = self.detect(matcher, data, std::slice::from_ref(origin));
        self.collector.add(detections);
        true
    }

    /// Run the rules over `data` and locate every hit for each of `origins`
    /// (the same blob seen in several places).
    pub fn detect(&self, matcher: &mut Matcher, data: &[u8], origins: &[Origin]) -> Vec<Detection> {
        let Some(first) = origins.first() else {
            return Vec::new();
        };
        let hits = matcher.scan(data, first.path());
        if hits.is_empty() {
            return Vec::new();
        }
        let spans: Vec<(usize, usize)> = hits
            .iter()
            .map(|h| (h.secret_start, h.secret_end))
            .collect();
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_by_key(|&i| hits[i].secret_start);
        let mut locator = Locator::new(data);
        let mut out = Vec::with_capacity(hits.len() * origins.len());
        for i in order {
            let h = hits[i];
            let rule = &self.rules.rules[h.rule as usize];
            let pos = locator.locate(h.secret_start);
            let secret = h.secret(data);
            let (chars, _) = crate::location::count_units(secret);
            let line_text = &data[pos.line_start..crate::location::line_end(data, h.secret_end)];
            let inline_allowed = crate::suppress::has_inline_allow(line_text);
            let pv = preview(
                data,
                pos.line_start,
                h.secret_start,
                h.secret_end,
                &spans,
                self.options.show_secrets,
            );
            for origin in origins {
                out.push(Detection {
                    rule_id: rule.def.id.clone(),
                    secret: secret.to_vec(),
                    origin: origin.clone(),
                    line: pos.line,
                    column: pos.column,
                    end_column: pos.column + chars,
                    preview: pv.clone(),
                    blob_id: None,
                    original: None,
                    severity: None,
                    note: None,
                    inline_allowed,
                });
            }
        }
        out
    }
}

/// NUL in the first 8 KiB: git's own test for binary content.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_SNIFF_BYTES)]).is_some()
}
