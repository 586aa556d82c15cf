//! Reporters: human, JSON, JSON Lines (SARIF lives in `sarif.rs`). They only
//! format what the scan produced; they never re-read files.

pub mod human;
pub mod json;

use crate::finding::Finding;
use crate::pipeline::StatsSnapshot;
use crate::rules::RuleSet;
use serde::Serialize;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
}

/// How many findings were suppressed, by mechanism.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Suppressed {
    pub inline: u64,
    pub allowlist: u64,
    pub baseline: u64,
}

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
        Format::Sarif => crate::report::json::write_sarif_placeholder(report, out),
    }
}
