//! Baselines: the secrets a team has accepted, keyed by `secret_id` only.

use super::allowlist::relative_to;
use crate::finding::Finding;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

/// Schema identifier of a baseline file.
pub const BASELINE_SCHEMA: &str = "leakhound/baseline/v1";
/// Largest baseline file read: tens of thousands of entries fit easily; this
/// bounds a mistaken path.
pub const MAX_BASELINE_BYTES: u64 = 64 * 1024 * 1024;

/// One accepted secret in a baseline file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub rule_id: String,
    pub secret_id: String,
    /// `ghp_…(40 chars)`: enough for a reviewer to recognise it, never the secret.
    pub redacted: String,
    /// Where it was seen when the baseline was written (informational; matching is by `secret_id`).
    pub paths: Vec<String>,
}

/// A baseline file: the secrets a team has accepted (already rotated, or test
/// values). Matching is by `secret_id` only, so moving code or adding lines never
/// makes an accepted secret new, and a merge of two baselines is a sorted union.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub schema: String,
    pub secrets: Vec<BaselineEntry>,
}

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: not a leakhound baseline: {message}")]
    Parse { file: String, message: String },
}

impl Baseline {
    /// The baseline for `findings`: sorted by rule and secret id, paths sorted, no raw values.
    pub fn from_findings(findings: &[Finding], root: Option<&str>) -> Baseline {
        let mut by_id: BTreeMap<(String, String), (String, BTreeSet<String>)> = BTreeMap::new();
        for f in findings {
            let e = by_id
                .entry((f.rule_id.clone(), f.secret_id.clone()))
                .or_insert_with(|| (f.redacted.clone(), BTreeSet::new()));
            for o in &f.occurrences {
                e.1.insert(relative_to(&o.path, root));
            }
        }
        Baseline {
            schema: BASELINE_SCHEMA.to_string(),
            secrets: by_id
                .into_iter()
                .map(|((rule_id, secret_id), (redacted, paths))| BaselineEntry {
                    rule_id,
                    secret_id,
                    redacted,
                    paths: paths.into_iter().collect(),
                })
                .collect(),
        }
    }

    /// Add `other`'s entries (a rewritten baseline keeps what it already accepted).
    pub fn merge(&mut self, other: &Baseline) {
        let mut all: BTreeMap<(String, String), BaselineEntry> = BTreeMap::new();
        for e in self.secrets.iter().chain(&other.secrets) {
            let k = (e.rule_id.clone(), e.secret_id.clone());
            match all.get_mut(&k) {
                Some(have) => {
                    let mut paths: BTreeSet<String> = have.paths.drain(..).collect();
                    paths.extend(e.paths.iter().cloned());
                    have.paths = paths.into_iter().collect();
                }
                None => {
                    all.insert(k, e.clone());
                }
            }
        }
        self.secrets = all.into_values().collect();
    }

    /// Read a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let file = path.display().to_string();
        let len = std::fs::metadata(path)
            .map_err(|source| BaselineError::Io {
                file: file.clone(),
                source,
            })?
            .len();
        if len > MAX_BASELINE_BYTES {
            return Err(BaselineError::Parse {
                file,
                message: format!("larger than {MAX_BASELINE_BYTES} bytes"),
            });
        }
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
            file: file.clone(),
            source,
        })?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError::Parse {
            file: file.clone(),
            // serde_json's messages name the line and column, never the content.
            message: e.to_string(),
        })?;
        if b.schema != BASELINE_SCHEMA {
            return Err(BaselineError::Parse {
                file,
                message: format!("schema is {:?}, expected {BASELINE_SCHEMA:?}", b.schema),
            });
        }
        Ok(b)
    }

    /// Write the baseline as pretty JSON with a trailing newline (diff-friendly).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(path, text)
    }

    /// The secret ids it accepts.
    pub fn ids(&self) -> HashSet<String> {
        self.secrets.iter().map(|e| e.secret_id.clone()).collect()
    }
}
