//! Reporters: human, JSON, JSON Lines, SARIF (`sarif.rs`). They only
//! format what the scan produced; they never re-read files.

pub mod human;
pub mod json;
pub mod sarif;

use crate::finding::Finding;
use crate::rules::RuleSet;
use crate::scan::StatsSnapshot;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
}

pub use crate::suppress::Suppressed;

/// Everything a reporter needs.
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub stats: &'a StatsSnapshot,
    pub rules: &'a RuleSet,
    pub suppressed: Suppressed,
    pub show_secrets: bool,
    pub verbose: bool,
    /// What was scanned, e.g. "folder", "git history", "staged changes".
    pub target: &'a str,
    pub elapsed: std::time::Duration,
    /// Extra guidance printed after a human report (e.g. how to unblock a commit).
    pub footer: Option<String>,
    /// Paths (repository-relative) present in the current tree; `None` treats every
    /// path as present. SARIF sets `primaryLocationLineHash` itself for history
    /// findings whose file is gone, since GitHub cannot hash a missing file.
    pub tree_paths: Option<&'a std::collections::HashSet<String>>,
    /// The repository scanned, for SARIF `versionControlProvenance`.
    pub vcs: Option<&'a VcsInfo>,
    /// SARIF only: describe every rule, not just those that fired (`--sarif-all-rules`).
    pub sarif_all_rules: bool,
    /// SARIF only: `runAutomationDetails.id` (`--sarif-category`).
    pub sarif_category: Option<&'a str>,
}

/// The repository a history scan read, for SARIF `versionControlProvenance`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VcsInfo {
    /// Absolute URI of the repository (`https://...` or `file:///...`).
    pub repository_uri: String,
    /// The commit checked out (HEAD), when known.
    pub revision_id: Option<String>,
    /// The branch scanned, when known.
    pub branch: Option<String>,
}

impl Report<'_> {
    /// Whether everything the user asked for was scanned.
    pub fn complete(&self) -> bool {
        self.stats.incomplete_reasons().is_empty()
    }

    /// Total occurrences across findings.
    pub fn occurrence_count(&self) -> usize {
        self.findings.iter().map(|f| f.occurrences.len()).sum()
    }
}

/// Write `report` in `format`.
pub fn write(
    format: Format,
    report: &Report<'_>,
    out: &mut dyn std::io::Write,
    color: bool,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::write(report, out, color),
        Format::Json => json::write(report, out),
        Format::Jsonl => json::write_lines(report, out),
        Format::Sarif => sarif::write(report, out),
    }
}
