//! What every scanning command does once its source is exhausted: group the
//! detections into findings, apply suppressions (writing a baseline when
//! asked), write the report and choose the exit code.

use super::{EXIT_ERROR, plural};
use crate::cli::config::OutputConfig;
use crate::report::{self, Format, Report};
use crate::rules::{RuleSet, Severity};
use crate::scan::Sink;
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
use std::time::Instant;

/// What a history scan knows about the repository, for SARIF: the paths in the
/// checked-out tree (`None`: treat every path as present) and the repository itself.
#[derive(Debug, Clone, Default)]
pub struct RepoContext {
    pub tree_paths: Option<std::collections::HashSet<String>>,
    pub vcs: Option<crate::report::VcsInfo>,
}

/// The end of one scan: what was scanned, how long it took, and what to say after it.
pub struct Finish<'a> {
    pub rules: &'a RuleSet,
    pub out: &'a OutputConfig,
    /// What was scanned, e.g. "folder", "git history", "staged changes".
    pub target: &'a str,
    pub start: Instant,
    /// Printed under a human report that has findings.
    pub footer: Option<String>,
    pub repo: RepoContext,
}

impl Finish<'_> {
    /// Group, suppress, report, and choose the exit code.
    pub fn run(self, sink: Sink) -> Result<u8> {
        let rules = self.rules;
        let out = self.out;
        let stats = sink.stats.snapshot();
        let mut findings = sink.collector.into_findings(|id| base_severity(rules, id));
        let applied = out.suppress.apply(&mut findings);
        if let Some((path, baseline)) = &applied.baseline_to_write {
            baseline
                .write(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "leakhound: wrote {} ({} secret{} accepted)",
                path.display(),
                baseline.secrets.len(),
                plural(baseline.secrets.len())
            );
        }
        let report = Report {
            findings: &findings,
            stats: &stats,
            rules,
            suppressed: applied.suppressed,
            show_secrets: out.show_secrets,
            verbose: out.verbose,
            target: self.target,
            elapsed: self.start.elapsed(),
            footer: if findings.is_empty() {
                None
            } else {
                self.footer
            },
            tree_paths: self.repo.tree_paths.as_ref(),
            vcs: self.repo.vcs.as_ref(),
            sarif_all_rules: out.sarif_all_rules,
            sarif_category: out.sarif_category.as_deref(),
        };
        emit(&report, out)?;
        let reasons = stats.incomplete_reasons();
        if !reasons.is_empty() {
            eprintln!(
                "leakhound: scan incomplete: {} item{} could not be scanned (first: {}); exit code {EXIT_ERROR}",
                reasons.len(),
                plural(reasons.len()),
                reasons[0]
            );
            return Ok(EXIT_ERROR);
        }
        Ok(if findings.is_empty() {
            0
        } else {
            out.exit_code
        })
    }
}

fn base_severity(rules: &RuleSet, id: &str) -> Severity {
    match rules.get(id) {
        Some(r) if r.def.public => Severity::Info,
        Some(r) => r.def.severity,
        None => Severity::High,
    }
}

fn emit(report: &Report<'_>, out: &OutputConfig) -> Result<()> {
    let result = match &out.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            report::write(out.format, report, &mut w, false).and_then(|_| w.flush())
        }
        None => {
            let stdout = std::io::stdout();
            let color = out.format == Format::Human
                && stdout.is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            let mut w = std::io::BufWriter::new(stdout.lock());
            if out.quiet && out.format == Format::Human {
                report::human::write_findings(report, &mut w, color).and_then(|_| w.flush())
            } else {
                report::write(out.format, report, &mut w, color).and_then(|_| w.flush())
            }
        }
    };
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write the report"),
    }
}
