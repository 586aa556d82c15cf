//! `leakhound staged`: the index against `HEAD`. Each staged file whose blob
//! differs from `HEAD`'s is scanned, and only findings on lines the staged
//! change adds are kept, so a secret already committed does not block an
//! unrelated commit.

use super::files::IndexFiles;
use super::objects::read_blob;
use super::{lossy, open_repo};
use crate::blob::Blob;
use crate::origin::Origin;
use crate::scan::{Scanner, Sink};
use crate::skip::SkipKind;
use anyhow::{Context, Result};
use gix::hash::ObjectId;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Deleted files compared with a new file to detect a rename-with-edits: a
/// bounded number keeps a commit that deletes thousands of files fast.
const MAX_RENAME_CANDIDATES: usize = 16;
/// A new file is treated as a renamed deleted one when at most this share of
/// its lines are new (git's default rename similarity is 50%).
const RENAME_MAX_NEW_LINE_SHARE: f64 = 0.5;

/// One staged file to scan, with the content it replaces (if any).
struct Change {
    path: String,
    new: ObjectId,
    old: Option<ObjectId>,
    /// Deleted files that may be this one's rename source.
    rename_from: Vec<ObjectId>,
}

/// Scan what is staged in the repository containing `path`.
pub fn scan_staged(scanner: &Scanner, sink: &Sink, path: &Path, threads: usize) -> Result<()> {
    let repo = open_repo(path)?;
    if repo.is_bare() {
        anyhow::bail!(
            "{} is a bare repository: it has no index to check",
            path.display()
        );
    }
    let head = head_entries(&repo)?;
    let index = load_index(&repo)?;
    let mut in_index: HashSet<&[u8]> = HashSet::new();
    // Every staged regular file, for the files a staged bundle refers to.
    let mut staged_files: HashMap<Vec<u8>, ObjectId> = HashMap::new();
    let head_blobs: HashSet<ObjectId> = head.values().map(|(id, _)| *id).collect();
    let mut changes = Vec::new();
    for e in index.entries() {
        let p = e.path(&index);
        in_index.insert(p.as_ref());
        if e.stage() == gix::index::entry::Stage::Unconflicted
            && matches!(
                e.mode,
                gix::index::entry::Mode::FILE | gix::index::entry::Mode::FILE_EXECUTABLE
            )
        {
            staged_files.insert(p.to_vec(), e.id);
        }
        if e.stage() != gix::index::entry::Stage::Unconflicted
            || e.flags.contains(gix::index::entry::Flags::INTENT_TO_ADD)
        {
            continue;
        }
        let in_head = head.get(p.as_ref() as &[u8]);
        if in_head.is_some_and(|(id, _)| *id == e.id) {
            continue;
        }
        let mode = e.mode;
        if mode == gix::index::entry::Mode::COMMIT {
            sink.stats.skip(
                lossy(p),
                SkipKind::Submodule,
                format!("submodule at commit {} (not entered)", e.id),
                0,
            );
            continue;
        }
        if mode != gix::index::entry::Mode::FILE
            && mode != gix::index::entry::Mode::FILE_EXECUTABLE
            && mode != gix::index::entry::Mode::SYMLINK
        {
            continue;
        }
        let old = in_head
            .filter(|(_, m)| m.is_blob_or_symlink())
            .map(|(id, _)| *id);
        if old.is_none() && head_blobs.contains(&e.id) {
            // Moved or copied without edits: nothing new.
            continue;
        }
        changes.push(Change {
            path: lossy(p),
            new: e.id,
            old,
            rename_from: Vec::new(),
        });
    }
    // Deleted files: rename sources for new files.
    let deleted: Vec<ObjectId> = head
        .iter()
        .filter(|(p, (_, m))| m.is_blob() && !in_index.contains(p.as_slice()))
        .map(|(_, (id, _))| *id)
        .take(MAX_RENAME_CANDIDATES)
        .collect();
    for c in changes.iter_mut().filter(|c| c.old.is_none()) {
        c.rename_from = deleted.clone();
    }
    let sync = repo.into_sync();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .context("cannot start worker threads")?;
    pool.install(|| {
        changes.par_iter().for_each_init(
            || {
                (
                    sync.to_thread_local(),
                    scanner.worker(),
                    Vec::new(),
                    Vec::new(),
                )
            },
            |(repo, worker, buf, old_buf), c| {
                let origin = Origin::Staged {
                    path: c.path.clone(),
                };
                let Some(data) = read_blob(scanner, sink, repo, buf, &c.new, &origin) else {
                    return;
                };
                let hex = c.new.to_string();
                let blob = Blob {
                    data,
                    git_id: Some(&hex),
                };
                let files = IndexFiles {
                    repo,
                    entries: &staged_files,
                };
                let dets = scanner
                    .scan(worker, &blob, &origin, &files)
                    .record_into(&sink.stats);
                if dets.is_empty() {
                    return;
                }
                let added = added_lines(scanner, sink, repo, old_buf, data, c);
                // A detection inside a child blob (an archive entry, a map's
                // source) has no line of the staged file: it is new unless the
                // committed version already held the same secret.
                let old_secrets = if dets
                    .iter()
                    .any(|d| matches!(d.origin, Origin::Artifact { .. }))
                {
                    old_child_secrets(scanner, sink, repo, worker, old_buf, c)
                } else {
                    HashSet::new()
                };
                let kept: Vec<_> = dets
                    .into_iter()
                    .filter(|d| match d.origin {
                        Origin::Artifact { .. } => {
                            !old_secrets.contains(&(d.rule_id.clone(), d.secret.clone()))
                        }
                        _ => added.as_ref().is_none_or(|a| a.contains(&d.line)),
                    })
                    .collect();
                sink.collector.add(kept);
            },
        );
    });
    Ok(())
}

/// 1-based numbers of lines in `new` that the change adds; `None` means every line.
fn added_lines(
    scanner: &Scanner,
    sink: &Sink,
    repo: &gix::Repository,
    old_buf: &mut Vec<u8>,
    new: &[u8],
    c: &Change,
) -> Option<HashSet<usize>> {
    let origin = Origin::Staged {
        path: c.path.clone(),
    };
    if let Some(old) = c.old {
        let old_data = read_blob(scanner, sink, repo, old_buf, &old, &origin)?;
        return Some(line_additions(old_data, new));
    }
    // A new path: the closest deleted file, if similar enough, is its rename source.
    let total = new.split(|&b| b == b'\n').count().max(1);
    let mut best: Option<HashSet<usize>> = None;
    for cand in &c.rename_from {
        let small_enough = gix::prelude::Header::try_header(&repo.objects, cand)
            .ok()
            .flatten()
            .is_some_and(|h| h.size() <= scanner.options().policy.max_file_size);
        let mut b = Vec::new();
        if !small_enough {
            continue;
        }
        let Ok(Some(_)) = gix::prelude::Find::try_find(&repo.objects, cand, &mut b) else {
            continue;
        };
        let added = line_additions(&b, new);
        if best.as_ref().is_none_or(|x| added.len() < x.len()) {
            best = Some(added);
        }
    }
    best.filter(|a| (a.len() as f64) <= total as f64 * RENAME_MAX_NEW_LINE_SHARE)
}

/// (rule, secret) pairs inside the child blobs of the committed version of a
/// changed file (empty for a new file).
fn old_child_secrets(
    scanner: &Scanner,
    sink: &Sink,
    repo: &gix::Repository,
    worker: &mut crate::scan::Worker,
    old_buf: &mut Vec<u8>,
    c: &Change,
) -> HashSet<(String, Vec<u8>)> {
    let Some(old) = c.old else {
        return HashSet::new();
    };
    let origin = Origin::Staged {
        path: c.path.clone(),
    };
    let Some(data) = read_blob(scanner, sink, repo, old_buf, &old, &origin) else {
        return HashSet::new();
    };
    scanner
        .scan(worker, &Blob::new(data), &origin, &crate::artifact::NoFiles)
        .detections
        .into_iter()
        .filter(|d| matches!(d.origin, Origin::Artifact { .. }))
        .map(|d| (d.rule_id, d.secret))
        .collect()
}

/// Lines of `new` (1-based) not in `old`, by a histogram line diff.
pub(crate) fn line_additions(old: &[u8], new: &[u8]) -> HashSet<usize> {
    use gix::diff::blob::{Algorithm, Diff, InternedInput};
    let input = InternedInput::new(old, new);
    let diff = Diff::compute(Algorithm::Histogram, &input);
    let mut out = HashSet::new();
    for h in diff.hunks() {
        for i in h.after {
            out.insert(i as usize + 1);
        }
    }
    out
}

/// Paths of `HEAD`'s tree with their blob id and mode (empty when `HEAD` is unborn).
fn head_entries(
    repo: &gix::Repository,
) -> Result<HashMap<Vec<u8>, (ObjectId, gix::objs::tree::EntryMode)>> {
    Ok(super::head_files(repo)?
        .into_iter()
        .map(|e| (e.filepath.into(), (e.oid, e.mode)))
        .collect())
}

/// The index git is committing: `GIT_INDEX_FILE` when a hook runs (git points it
/// at the lock file holding exactly what `git commit -a` or `git commit PATH`
/// will commit), else the repository's index; no index yet means nothing staged.
fn load_index(repo: &gix::Repository) -> Result<gix::index::File> {
    let path = match std::env::var_os("GIT_INDEX_FILE") {
        Some(p) if !p.is_empty() => std::path::PathBuf::from(p),
        _ => repo.index_path(),
    };
    if !path.exists() {
        return Ok(gix::index::File::from_state(
            gix::index::State::new(repo.object_hash()),
            path,
        ));
    }
    gix::index::File::at(&path, repo.object_hash(), false, Default::default())
        .with_context(|| format!("cannot read the index {}", path.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn additions_are_new_lines_only() {
        let old = b"a\nb\nc\n";
        let new = b"a\nb\nSECRET\nc\nd\n";
        let mut got: Vec<_> = super::line_additions(old, new).into_iter().collect();
        got.sort();
        assert_eq!(got, vec![3, 5]);
        assert_eq!(super::line_additions(b"", b"x\ny\n").len(), 2);
    }
}
