//! `leakhound git`: every commit reachable from every ref (or a range).

use super::output::{Finish, RepoContext};
use crate::cli::args::GitArgs;
use crate::cli::config::GitConfig;
use crate::report::Format;
use crate::scan::{Scanner, Sink};
use anyhow::Result;
use std::sync::Arc;
use std::time::Instant;

/// Scan the history of the repository the arguments name.
pub fn run(args: &GitArgs) -> Result<u8> {
    let cfg = GitConfig::from_args(args)?;
    let scanner = Scanner::new(Arc::clone(&cfg.rules), cfg.out.scan.clone());
    let sink = Sink::default();
    let start = Instant::now();
    crate::source::git::scan_history(&scanner, &sink, &cfg.repo, &cfg.history)?;
    let repo = if cfg.out.format == Format::Sarif {
        sarif_repo_context(&cfg.repo)
    } else {
        RepoContext::default()
    };
    Finish {
        rules: &cfg.rules,
        out: &cfg.out,
        target: "git history",
        start,
        footer: None,
        repo,
    }
    .run(sink)
}

/// HEAD's paths (so SARIF knows which history findings are in files code scanning
/// cannot hash) and the repository's identity, for `versionControlProvenance`.
/// A repository whose HEAD cannot be read leaves both out rather than failing the report.
fn sarif_repo_context(repo: &std::path::Path) -> RepoContext {
    let details = crate::source::git::details::repo_details(repo).ok();
    RepoContext {
        tree_paths: crate::source::git::head_tree_paths(repo).ok(),
        vcs: details.map(|d| crate::report::VcsInfo {
            repository_uri: d.uri,
            revision_id: d.head,
            branch: d.branch,
        }),
    }
}
