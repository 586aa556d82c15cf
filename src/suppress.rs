//! Suppressions: inline `leakhound:allow` markers, config allowlists, baselines
//! and `.gitleaksignore` fingerprints. Applied once per scan, after grouping, by
//! [`Suppression::apply`] (called from `app::finish`).
//!
//! Counts in [`Suppressed`] are occurrences (places a secret was dropped from).

use crate::finding::{Finding, Occurrence};
use crate::report::Suppressed;
use globset::{GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// Inline markers that suppress findings on their line. `gitleaks:allow` and
/// `pragma: allowlist secret` are honoured for users migrating from gitleaks and
/// detect-secrets.
pub const INLINE_MARKERS: &[&str] = &[
    "leakhound:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

/// Schema identifier of a baseline file.
pub const BASELINE_SCHEMA: &str = "leakhound/baseline/v1";
/// Largest baseline file read: tens of thousands of entries fit easily; this
/// bounds a mistaken path.
pub const MAX_BASELINE_BYTES: u64 = 64 * 1024 * 1024;
/// Shortest commit prefix an allowlist or `.gitleaksignore` entry may use (git's
/// default abbreviation): shorter ones would match unrelated commits.
pub const MIN_COMMIT_PREFIX: usize = 7;

/// Whether a line carries an inline ignore marker.
pub fn has_inline_allow(line: &[u8]) -> bool {
    INLINE_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(line, m.as_bytes()).is_some())
}

/// An allowlist as written (global `[allow]` or one `[[allow.rule]]`).
#[derive(Debug, Clone, Default)]
pub struct AllowSpec {
    /// Globs on the repository-relative path.
    pub paths: Vec<String>,
    /// Regexes on the repository-relative path (what gitleaks' `paths` are).
    pub path_regexes: Vec<String>,
    /// Regexes on the secret.
    pub regexes: Vec<String>,
    /// A secret containing one of these (ASCII case-insensitive) is dropped.
    pub stopwords: Vec<String>,
    /// Commit ids (or prefixes of at least [`MIN_COMMIT_PREFIX`]) whose occurrences are dropped.
    pub commits: Vec<String>,
}

/// Which part of an allowlist failed to compile.
#[derive(Debug, thiserror::Error)]
#[error("{key} entry {value:?}: {message}")]
pub struct AllowError {
    /// `paths`, `path_regexes`, `regexes`, `commits`.
    pub key: &'static str,
    pub value: String,
    pub message: String,
}

/// A compiled allowlist.
#[derive(Debug, Clone)]
pub struct Allowlist {
    paths: Option<GlobSet>,
    path_regexes: Vec<regex::Regex>,
    regexes: Vec<regex::bytes::Regex>,
    stopwords: Vec<Vec<u8>>,
    commits: Vec<String>,
}

impl Allowlist {
    /// Compile globs and regexes; the first bad entry is an error naming it.
    pub fn compile(spec: &AllowSpec) -> Result<Allowlist, AllowError> {
        let paths = if spec.paths.is_empty() {
            None
        } else {
            let mut b = GlobSetBuilder::new();
            for p in &spec.paths {
                let g = globset::GlobBuilder::new(p)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| AllowError {
                        key: "paths",
                        value: p.clone(),
                        message: e.kind().to_string(),
                    })?;
                b.add(g);
            }
            Some(b.build().map_err(|e| AllowError {
                key: "paths",
                value: spec.paths.join(", "),
                message: e.to_string(),
            })?)
        };
        let path_regexes = spec
            .path_regexes
            .iter()
            .map(|p| {
                regex::Regex::new(p).map_err(|e| AllowError {
                    key: "path_regexes",
                    value: p.clone(),
                    message: one_line(&e.to_string()),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let regexes = spec
            .regexes
            .iter()
            .map(|p| {
                regex::bytes::Regex::new(p).map_err(|e| AllowError {
                    key: "regexes",
                    value: p.clone(),
                    message: one_line(&e.to_string()),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        for c in &spec.commits {
            if c.len() < MIN_COMMIT_PREFIX || !c.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(AllowError {
                    key: "commits",
                    value: c.clone(),
                    message: format!(
                        "must be a commit id (at least {MIN_COMMIT_PREFIX} hex digits)"
                    ),
                });
            }
        }
        Ok(Allowlist {
            paths,
            path_regexes,
            regexes,
            stopwords: spec
                .stopwords
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| s.to_ascii_lowercase().into_bytes())
                .collect(),
            commits: spec
                .commits
                .iter()
                .map(|c| c.to_ascii_lowercase())
                .collect(),
        })
    }

    /// Whether the secret itself is allowed (regexes, stopwords): drops the whole finding.
    pub fn allows_secret(&self, secret: &[u8]) -> bool {
        if self.regexes.iter().any(|r| r.is_match(secret)) {
            return true;
        }
        if self.stopwords.is_empty() {
            return false;
        }
        let lower = secret.to_ascii_lowercase();
        self.stopwords
            .iter()
            .any(|w| memchr::memmem::find(&lower, w).is_some())
    }

    /// Whether one occurrence is allowed by path or commit.
    pub fn allows_occurrence(&self, o: &Occurrence, root: Option<&str>) -> bool {
        if let Some(c) = &o.commit
            && self.commits.iter().any(|p| c.id.starts_with(p.as_str()))
        {
            return true;
        }
        if self.paths.is_none() && self.path_regexes.is_empty() {
            return false;
        }
        let mut candidates: Vec<String> = Vec::with_capacity(2);
        for p in [o.origin.path(), o.origin.file_path()]
            .into_iter()
            .flatten()
        {
            let rel = relative_to(p, root);
            if !candidates.contains(&rel) {
                candidates.push(rel);
            }
        }
        candidates.iter().any(|p| {
            self.paths.as_ref().is_some_and(|g| g.is_match(p))
                || self.path_regexes.iter().any(|r| r.is_match(p))
        })
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `path` relative to the scan root (`root` as the source displays it, e.g. `/tmp/repo`
/// or `sub`); paths outside it are returned unchanged (git paths already are relative).
pub fn relative_to(path: &str, root: Option<&str>) -> String {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    if let Some(root) = root {
        let root = root.trim_end_matches('/');
        if !root.is_empty()
            && let Some(rest) = p.strip_prefix(root)
            && let Some(rest) = rest.strip_prefix('/')
        {
            return rest.to_string();
        }
    }
    p.to_string()
}

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

/// One `.gitleaksignore` line: `commit:file:rule:line` or `file:rule:line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitleaksIgnore {
    pub commit: Option<String>,
    pub path: String,
    pub rule: String,
    pub line: usize,
}

/// gitleaks rule ids and the leakhound rules that find the same credentials, so
/// `.gitleaksignore` entries and disabled rules carry over.
pub const GITLEAKS_RULE_ALIASES: &[(&str, &[&str])] = &[
    ("aws-access-token", &["aws-access-key-id"]),
    ("github-pat", &["github-pat-classic"]),
    ("github-oauth", &["github-oauth-token"]),
    (
        "github-app-token",
        &["github-app-user-token", "github-app-installation-token"],
    ),
    (
        "stripe-access-token",
        &[
            "stripe-secret-key",
            "stripe-test-secret-key",
            "stripe-restricted-key",
        ],
    ),
    (
        "private-key",
        &[
            "private-key-rsa",
            "private-key-ec",
            "private-key-dsa",
            "private-key-pkcs8",
        ],
    ),
    ("sendgrid-api-token", &["sendgrid-api-key"]),
    ("gcp-api-key", &["google-api-key"]),
    ("jwt", &["generic-jwt"]),
];

/// Whether a leakhound rule id answers to a gitleaks rule id.
pub fn gitleaks_rule_matches(gitleaks_id: &str, rule_id: &str) -> bool {
    gitleaks_id == rule_id
        || GITLEAKS_RULE_ALIASES
            .iter()
            .any(|(g, ours)| *g == gitleaks_id && ours.contains(&rule_id))
}

/// Parse a `.gitleaksignore` file; returns entries and the 1-based numbers of lines that are not fingerprints.
pub fn parse_gitleaksignore(text: &str) -> (Vec<GitleaksIgnore>, Vec<usize>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // Split from the right: the path may itself contain ':'.
        let mut parts = line.rsplitn(3, ':');
        let (Some(num), Some(rule), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
            bad.push(n + 1);
            continue;
        };
        let Ok(num) = num.parse::<usize>() else {
            bad.push(n + 1);
            continue;
        };
        let (commit, path) = match rest.split_once(':') {
            Some((c, p))
                if c.len() >= MIN_COMMIT_PREFIX
                    && c.len() <= 64
                    && c.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                (Some(c.to_ascii_lowercase()), p)
            }
            _ => (None, rest),
        };
        if path.is_empty() || rule.is_empty() {
            bad.push(n + 1);
            continue;
        }
        out.push(GitleaksIgnore {
            commit,
            path: path.to_string(),
            rule: rule.to_string(),
            line: num,
        });
    }
    (out, bad)
}

impl GitleaksIgnore {
    fn matches(&self, rule_id: &str, o: &Occurrence, root: Option<&str>) -> bool {
        if o.line != self.line || !gitleaks_rule_matches(&self.rule, rule_id) {
            return false;
        }
        if let (Some(want), Some(c)) = (&self.commit, &o.commit)
            && !c.id.starts_with(want.as_str())
        {
            return false;
        }
        relative_to(&o.path, root) == relative_to(&self.path, None)
    }
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

    /// Drop suppressed findings and occurrences; write the baseline if asked.
    /// Order: inline markers, allowlists, then the baseline (`.gitleaksignore`
    /// counts as baseline: it lists accepted findings).
    pub fn apply(&self, findings: &mut Vec<Finding>) -> std::io::Result<Suppressed> {
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
        if let Some(path) = &self.write_baseline {
            let mut b = Baseline::from_findings(findings, root);
            if let Some(old) = &self.baseline {
                b.merge(old);
            }
            b.write(path).map_err(|e| {
                std::io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
            })?;
            eprintln!(
                "leakhound: wrote {} ({} secret{} accepted)",
                path.display(),
                b.secrets.len(),
                if b.secrets.len() == 1 { "" } else { "s" }
            );
            accepted.extend(b.ids());
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
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_found_in_any_comment_syntax() {
        for line in [
            "token = 'x' # leakhound:allow",
            "const t = 'x'; // gitleaks:allow",
            "int t = 1; /* leakhound:allow */",
            "<!-- leakhound:allow --> <key>x</key>",
            "select 'x'; -- pragma: allowlist secret",
            "key = x ; leakhound:allow",
        ] {
            assert!(has_inline_allow(line.as_bytes()), "{line}");
        }
        assert!(!has_inline_allow(b"token = 'x' # leakhound: allow"));
        assert!(!has_inline_allow(b"token = 'x' # allow"));
    }

    #[test]
    fn gitleaksignore_lines_parse_from_the_right() {
        let (e, bad) = parse_gitleaksignore(
            "# comment\n\
             0123456789abcdef0123456789abcdef01234567:src/a:b.txt:generic-api-key:12\n\
             config/.env:slack-bot-token:3\n\
             nonsense\n\
             a:b:c\n",
        );
        assert_eq!(bad, vec![4, 5]);
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[0].commit.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(e[0].path, "src/a:b.txt");
        assert_eq!(e[0].rule, "generic-api-key");
        assert_eq!(e[0].line, 12);
        assert_eq!(e[1].commit, None);
        assert_eq!(e[1].path, "config/.env");
    }

    #[test]
    fn relative_paths_strip_the_root() {
        assert_eq!(relative_to("/tmp/r/a/b.txt", Some("/tmp/r")), "a/b.txt");
        assert_eq!(relative_to("/tmp/r/a/b.txt", Some("/tmp/r/")), "a/b.txt");
        assert_eq!(relative_to("./a.txt", None), "a.txt");
        assert_eq!(
            relative_to("/tmp/rx/a.txt", Some("/tmp/r")),
            "/tmp/rx/a.txt"
        );
        assert_eq!(relative_to("sub/a.txt", Some("sub")), "a.txt");
    }

    #[test]
    fn bad_allow_entries_are_named() {
        let e = Allowlist::compile(&AllowSpec {
            regexes: vec!["(".into()],
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.key, "regexes");
        let e = Allowlist::compile(&AllowSpec {
            commits: vec!["abc".into()],
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.key, "commits");
        let e = Allowlist::compile(&AllowSpec {
            paths: vec!["a/[".into()],
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.key, "paths");
    }
}
