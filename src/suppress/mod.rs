//! Suppressions: inline `leakhound:allow` markers (`inline`, detection time),
//! config allowlists (`allowlist`), baselines (`baseline`) and `.gitleaksignore`
//! fingerprints. Report-time suppressions are applied once per scan, after
//! grouping, by [`Suppression::apply`]; it does no I/O: a baseline to write is
//! returned to the caller.
//!
//! Counts in [`Suppressed`] are occurrences (places a secret was dropped from).

pub mod allowlist;
pub mod baseline;
pub mod inline;

pub use allowlist::{AllowError, AllowSpec, Allowlist, MIN_COMMIT_PREFIX, relative_to};
pub use baseline::{BASELINE_SCHEMA, Baseline, BaselineEntry, BaselineError, MAX_BASELINE_BYTES};
pub use inline::{INLINE_MARKERS, has_inline_allow};

use crate::compat::gitleaks::ignore::GitleaksIgnore;
use crate::finding::Finding;
use serde::Serialize;
use std::collections::HashSet;
use std::path::PathBuf;

/// How many findings were suppressed, by mechanism.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Suppressed {
    pub inline: u64,
    pub allowlist: u64,
    pub baseline: u64,
}

/// What [`Suppression::apply`] leaves for the caller to do.
#[derive(Debug, Default)]
pub struct Applied {
    pub suppressed: Suppressed,
    /// The baseline to write (`--write-baseline`), with its path.
    pub baseline_to_write: Option<(PathBuf, Baseline)>,
}

/// Every suppression a scan applies, built once from flags and the config file.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Honour inline markers (off with `--no-filters`).
    pub inline: bool,
    /// The global `[allow]` list.
    pub global: Option<Allowlist>,
    /// `[[allow.rule]]` lists by rule id.
    pub per_rule: Vec<(String, Allowlist)>,
    /// Accepted secret ids (`--baseline`).
    pub baseline: Option<Baseline>,
    /// `.gitleaksignore` entries found at the scan root.
    pub gitleaks_ignore: Vec<GitleaksIgnore>,
    /// Write the (post-allowlist) findings here as a baseline (`--write-baseline`).
    pub write_baseline: Option<PathBuf>,
    /// The scan root as sources display it; paths are matched relative to it.
    pub root: Option<String>,
}

impl Default for Suppression {
    fn default() -> Self {
        Suppression::inline_only()
    }
}

impl Suppression {
    /// Inline markers only: what a scan does without a config, baseline or flags.
    pub fn inline_only() -> Suppression {
        Suppression {
            inline: true,
            global: None,
            per_rule: Vec::new(),
            baseline: None,
            gitleaks_ignore: Vec::new(),
            write_baseline: None,
            root: None,
        }
    }

    /// Nothing suppressed (`--no-filters`).
    pub fn none() -> Suppression {
        Suppression {
            inline: false,
            ..Suppression::inline_only()
        }
    }

    /// Drop suppressed findings and occurrences; with `--write-baseline`, the
    /// baseline to write is returned (its secrets are then suppressed too).
    /// Order: inline markers, allowlists, then the baseline (`.gitleaksignore`
    /// counts as baseline: it lists accepted findings).
    pub fn apply(&self, findings: &mut Vec<Finding>) -> Applied {
        let mut s = Suppressed::default();
        let root = self.root.as_deref();
        for f in findings.iter_mut() {
            let before = f.occurrences.len() as u64;
            if self.inline {
                f.occurrences.retain(|o| !o.inline_allowed);
                s.inline += before - f.occurrences.len() as u64;
            }
            let lists: Vec<&Allowlist> = self
                .global
                .iter()
                .chain(
                    self.per_rule
                        .iter()
                        .filter(|(id, _)| *id == f.rule_id)
                        .map(|(_, a)| a),
                )
                .collect();
            let mid = f.occurrences.len() as u64;
            if lists.iter().any(|a| a.allows_secret(f.secret.as_bytes())) {
                f.occurrences.clear();
            } else {
                f.occurrences
                    .retain(|o| !lists.iter().any(|a| a.allows_occurrence(o, root)));
            }
            s.allowlist += mid - f.occurrences.len() as u64;
            if !self.gitleaks_ignore.is_empty() {
                let n = f.occurrences.len() as u64;
                let rule = f.rule_id.clone();
                f.occurrences.retain(|o| {
                    !self
                        .gitleaks_ignore
                        .iter()
                        .any(|g| g.matches(&rule, o, root))
                });
                s.baseline += n - f.occurrences.len() as u64;
            }
        }
        findings.retain(|f| !f.occurrences.is_empty());
        let mut accepted: HashSet<String> = self
            .baseline
            .as_ref()
            .map(Baseline::ids)
            .unwrap_or_default();
        let mut baseline_to_write = None;
        if let Some(path) = &self.write_baseline {
            let mut b = Baseline::from_findings(findings, root);
            if let Some(old) = &self.baseline {
                b.merge(old);
            }
            accepted.extend(b.ids());
            baseline_to_write = Some((path.clone(), b));
        }
        if !accepted.is_empty() {
            findings.retain(|f| {
                let drop = accepted.contains(&f.secret_id);
                if drop {
                    s.baseline += f.occurrences.len() as u64;
                }
                !drop
            });
        }
        Applied {
            suppressed: s,
            baseline_to_write,
        }
    }
}
