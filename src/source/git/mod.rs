//! Git sources: history (every commit reachable from every ref) and the index
//! (`leakhound staged`). This module tree is the only place that imports gix.

pub mod details;
mod files;
pub mod history;
pub mod objects;
pub mod staged;

pub use history::{HistoryOptions, scan_history};
pub use staged::scan_staged;

use crate::origin::CommitMeta;
use anyhow::{Context, Result};
use gix::bstr::ByteSlice;
use std::collections::HashSet;
use std::path::Path;

/// Open the repository containing `path` (a worktree, a linked worktree, a bare
/// repository or any folder inside one), ignoring the user's and system git
/// configuration and `GIT_*` environment variables, so a scan is reproducible.
pub fn open_repo(path: &Path) -> Result<gix::Repository> {
    let start =
        std::fs::canonicalize(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut first_err = None;
    for dir in start.ancestors() {
        match gix::open_opts(dir, gix::open::Options::isolated()) {
            Ok(repo) => return Ok(repo),
            Err(e) => {
                if first_err.is_none() {
                    first_err = Some(e);
                }
            }
        }
    }
    let detail = first_err.map(|e| e.to_string()).unwrap_or_default();
    anyhow::bail!(
        "{} is not inside a git repository ({detail})",
        path.display()
    )
}

/// Every path in the tree of `HEAD` (files, symlinks and submodules; not folders).
/// An unborn `HEAD` (no commits yet) gives an empty set.
pub fn head_tree_paths(repo: &Path) -> Result<HashSet<String>> {
    let repo = open_repo(repo)?;
    Ok(head_files(&repo)?
        .into_iter()
        .map(|e| lossy(e.filepath.as_ref()))
        .collect())
}

/// The non-folder entries of `HEAD`'s tree (none when `HEAD` is unborn).
pub(crate) fn head_files(
    repo: &gix::Repository,
) -> Result<Vec<gix::traverse::tree::recorder::Entry>> {
    let tree_id = repo
        .head_tree_id_or_empty()
        .context("cannot resolve HEAD to a tree")?;
    let tree = repo
        .find_tree(tree_id.detach())
        .context("cannot read HEAD's tree")?;
    let files = tree
        .traverse()
        .breadthfirst
        .files()
        .context("cannot walk HEAD's tree")?;
    Ok(files.into_iter().filter(|e| !e.mode.is_tree()).collect())
}

/// A git path (bytes, usually but not always UTF-8) as a display string.
pub(crate) fn lossy(path: &gix::bstr::BStr) -> String {
    path.to_str_lossy().into_owned()
}

/// Name, e-mail, RFC 3339 date and epoch seconds of a signature (author,
/// tagger); non-UTF-8 names are converted lossily.
fn signature(sig: Option<gix::actor::SignatureRef<'_>>) -> (String, String, String, i64) {
    match sig {
        Some(sig) => {
            let (date, ts) = match sig.time() {
                Ok(t) => (
                    t.format(gix::date::time::format::ISO8601_STRICT)
                        .unwrap_or_else(|_| t.seconds.to_string()),
                    t.seconds,
                ),
                Err(_) => (String::new(), 0),
            };
            (
                sig.name.trim().to_str_lossy().into_owned(),
                sig.email.trim().to_str_lossy().into_owned(),
                date,
                ts,
            )
        }
        None => Default::default(),
    }
}

/// Provenance for one commit from its raw object: id, author, RFC 3339 author
/// date. The message is not kept: it is scanned, and its text could hold the
/// very secret a report must not print.
pub(crate) fn commit_meta(id: &gix::hash::oid, commit: &gix::objs::CommitRef<'_>) -> CommitMeta {
    let (author_name, author_email, date, timestamp) = signature(commit.author().ok());
    CommitMeta {
        id: id.to_string(),
        author_name,
        author_email,
        date,
        timestamp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .expect("git runs")
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn head_tree_paths_lists_files_in_head_only() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git(d, &["init", "-q"]);
        assert!(head_tree_paths(d).unwrap().is_empty(), "unborn HEAD");
        std::fs::create_dir(d.join("src")).unwrap();
        std::fs::write(d.join("src/a.rs"), "a\n").unwrap();
        std::fs::write(d.join("b.txt"), "b\n").unwrap();
        git(d, &["add", "."]);
        git(d, &["commit", "-qm", "one"]);
        std::fs::write(d.join("staged-only.txt"), "c\n").unwrap();
        git(d, &["add", "staged-only.txt"]);
        let paths = head_tree_paths(&d.join("src")).unwrap();
        let want: HashSet<String> = ["src/a.rs", "b.txt"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(paths, want);
    }
}
