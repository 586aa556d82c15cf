//! The scanner: the one per-blob entry point every source calls (folders,
//! stdin, git history, the index, archive entries and source-map sources
//! through recursion, a crawled site). [`Scanner::scan`] is pure: bytes and an
//! origin in, an [`Outcome`] (detections, skips, counts) out; callers group,
//! fan out, filter and record it.
//!
//! Per blob: the [`policy`] (size, LFS pointer, binary), then the artifact
//! reader for its kind (child blobs are scanned in turn), then the engine over
//! its own text, then the reader's annotations.

pub mod policy;
pub mod stats;

use crate::artifact::{self, Child, Files, NoFiles, OwnText, ReaderEnv};
use crate::blob::Blob;
use crate::engine::Matcher;
use crate::finding::{Detection, DetectionBuilder};
use crate::origin::Origin;
use crate::rules::RuleSet;
use crate::skip::Skip;
pub use policy::Policy;
pub use stats::{Stats, StatsSnapshot};
use std::sync::Arc;

/// Options that change what the scanner reports.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    pub policy: Policy,
    /// Raw secrets in previews (`--show-secrets`).
    pub show_secrets: bool,
    /// Keep public-by-design keys, reported as info (`--include-public`).
    pub include_public: bool,
}

/// Compiled rules and options, shared immutably by every worker.
pub struct Scanner {
    rules: Arc<RuleSet>,
    options: ScanOptions,
}

/// One worker thread's scratch.
pub struct Worker {
    matcher: Matcher,
}

/// Everything scanning one blob produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub detections: Vec<Detection>,
    pub skips: Vec<Skip>,
    /// Blobs and bytes the engine looked at (the blob itself and its children).
    pub blobs_scanned: u64,
    pub bytes_scanned: u64,
}

impl Outcome {
    /// Whether nothing was scanned (the blob was skipped).
    pub fn skipped(&self) -> bool {
        self.blobs_scanned == 0 && self.detections.is_empty()
    }

    /// Add the counts and skips to `stats`, returning the detections.
    pub fn record_into(self, stats: &Stats) -> Vec<Detection> {
        stats.scanned(self.blobs_scanned, self.bytes_scanned);
        for s in self.skips {
            stats.record(s);
        }
        self.detections
    }
}

impl Scanner {
    /// A scanner running `rules`.
    pub fn new(rules: Arc<RuleSet>, options: ScanOptions) -> Self {
        Scanner { rules, options }
    }

    /// The rules it runs.
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// Its options.
    pub fn options(&self) -> &ScanOptions {
        &self.options
    }

    /// Scratch for one worker thread.
    pub fn worker(&self) -> Worker {
        Worker {
            matcher: Matcher::new(Arc::clone(&self.rules)),
        }
    }

    /// Scan one blob seen at `origin`; `files` resolves what it refers to (a
    /// bundle's source map) in the same tree: a folder, a commit, the index.
    pub fn scan(
        &self,
        worker: &mut Worker,
        blob: &Blob<'_>,
        origin: &Origin,
        files: &dyn Files,
    ) -> Outcome {
        let mut out = Outcome::default();
        let name = match blob.git_id {
            Some(id) => format!("{} (blob {})", origin.display(), crate::origin::short(id)),
            None => origin.display(),
        };
        if crate::scan::policy::is_lfs_pointer(blob.data) {
            out.skips.push(policy::lfs_skip(&name, blob.data.len()));
            return out;
        }
        self.scan_into(worker, blob.data, origin, &name, files, true, &mut out);
        if let Some(id) = blob.git_id {
            for d in &mut out.detections {
                d.blob_id = Some(id.to_string());
            }
        }
        out
    }

    /// Scan `data` as text only: no artifact reader (commit and tag messages).
    pub fn scan_text(&self, worker: &mut Worker, data: &[u8], origin: &Origin) -> Outcome {
        let mut out = Outcome::default();
        if data.is_empty() || policy::is_binary(data) {
            return out;
        }
        out.blobs_scanned = 1;
        out.bytes_scanned = data.len() as u64;
        let (dets, _) = self.detect(worker, data, origin, false);
        out.detections = dets;
        out
    }

    /// The policy, the reader and the engine for one blob (or child blob);
    /// `counted` says whether its bytes count as scanned.
    #[allow(clippy::too_many_arguments)]
    fn scan_into(
        &self,
        worker: &mut Worker,
        data: &[u8],
        origin: &Origin,
        name: &str,
        files: &dyn Files,
        counted: bool,
        out: &mut Outcome,
    ) {
        if let Some(skip) = self.options.policy.too_large(name, data.len() as u64) {
            out.skips.push(skip);
            return;
        }
        let kind = artifact::detect(origin.path(), data);
        let env = ReaderEnv {
            rules: &self.rules,
            include_public: self.options.include_public,
            max_file_size: self.options.policy.max_file_size,
        };
        let children_counted = artifact::children_counted(kind);
        // Children are scanned as the reader yields them, so an archive's entries
        // are never all in memory at once.
        let expansion = artifact::read(kind, data, origin, &env, &mut |child: Child| {
            let o = Origin::Artifact {
                parent: Box::new(origin.clone()),
                inner: child.inner,
            };
            let child_name = o.display();
            self.scan_into(
                worker,
                &child.data,
                &o,
                &child_name,
                &NoFiles,
                children_counted,
                out,
            );
        });
        let Some(exp) = expansion else {
            if policy::is_binary(data) {
                out.skips.push(policy::binary_skip(name, data.len()));
                return;
            }
            self.count(out, data, counted);
            let (dets, _) = self.detect(worker, data, origin, false);
            out.detections.extend(dets);
            return;
        };
        out.skips.extend(exp.skips);
        if exp.counted {
            self.count(out, data, counted);
        }
        if let OwnText::Scan { include_public } = exp.own_text {
            let (mut dets, mut builder) = self.detect(worker, data, origin, include_public);
            artifact::annotate(kind, origin, files, &env, &mut builder, &mut dets);
            out.detections.extend(dets);
        }
        out.detections.extend(exp.detections);
    }

    fn count(&self, out: &mut Outcome, data: &[u8], counted: bool) {
        if counted {
            out.blobs_scanned += 1;
            out.bytes_scanned += data.len() as u64;
        }
    }

    /// Run the rules over `data` and turn every hit into a detection at `origin`.
    fn detect<'d>(
        &self,
        worker: &mut Worker,
        data: &'d [u8],
        origin: &Origin,
        include_public: bool,
    ) -> (Vec<Detection>, DetectionBuilder<'d>) {
        let m = &mut worker.matcher;
        m.include_public = include_public || self.options.include_public;
        let mut hits = m.scan(data, origin.path());
        hits.sort_by_key(|h| h.secret_start);
        let spans = hits
            .iter()
            .map(|h| (h.secret_start, h.secret_end))
            .collect();
        let mut builder = DetectionBuilder::new(data, spans, self.options.show_secrets);
        let dets = hits
            .iter()
            .map(|h| {
                let rule = &self.rules.rules[h.rule as usize];
                builder.build(&rule.def.id, (h.secret_start, h.secret_end), origin)
            })
            .collect();
        (dets, builder)
    }
}

/// Where sources record what the scanner returned: statistics, and detections
/// grouped into findings once the scan ends.
#[derive(Default)]
pub struct Sink {
    pub stats: Stats,
    pub collector: crate::finding::Collector,
}

impl Sink {
    /// Record one blob's outcome.
    pub fn record(&self, outcome: Outcome) {
        let dets = outcome.record_into(&self.stats);
        self.collector.add(dets);
    }
}
