//! Config allowlists (`[allow]`, `[[allow.rule]]`): path globs and regexes,
//! secret regexes and stopwords, commits. Applied at report time.

use crate::finding::Occurrence;
use globset::{GlobSet, GlobSetBuilder};

/// Shortest commit prefix an allowlist or `.gitleaksignore` entry may use (git's
/// default abbreviation): shorter ones would match unrelated commits.
pub const MIN_COMMIT_PREFIX: usize = 7;

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

#[cfg(test)]
mod tests {
    use super::*;

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
