//! History scanning: every commit reachable from the chosen refs, oldest first;
//! each commit's tree diffed against its first parent (or the empty tree) for
//! added and changed blobs; each unique blob read and scanned once, credited to
//! the commit that first introduced it at each path.

use super::objects::{Hits, Job, id_bytes, run_workers};
use super::{commit_meta, lossy, open_repo};
use crate::blob::BlobId;
use crate::finding::Detection;
use crate::origin::{CommitMeta, Origin, TagMeta};
use crate::scan::{Scanner, Sink};
use crate::skip::SkipKind;
use anyhow::{Context, Result};
use gix::bstr::{BStr, BString};
use gix::hash::ObjectId;
use gix::prelude::FindExt;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// Object cache for the enumerating thread: consecutive commits share most
/// trees, and 64 MiB holds the hot trees of large monorepos.
const TREE_CACHE_BYTES: usize = 64 * 1024 * 1024;
/// Commit messages longer than this are scanned only up to it: messages are
/// prose, and a multi-megabyte one is generated data, not a pasted key.
const MAX_MESSAGE_BYTES: usize = 1024 * 1024;
/// Tags of tags followed from one ref: real repositories have one level; a
/// long chain is crafted, and each link is still scanned once.
const MAX_TAG_CHAIN: usize = 16;

/// What part of the history to scan.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// Worker threads reading and scanning blobs.
    pub threads: usize,
    /// Only commits not reachable from this revision (`--since`).
    pub since: Option<String>,
    /// Start from these revisions instead of every ref (`--branch`).
    pub branches: Vec<String>,
    /// Scan at most this many commits, newest first (`--max-commits`).
    pub max_commits: Option<usize>,
}

/// Path ids: a blob is remembered with the id of the path it was first seen at.
#[derive(Default)]
struct Paths {
    ids: HashMap<BString, u32>,
    names: Vec<String>,
}

/// Marks a blob present in the `--since` history: never reported.
const HIDDEN_PATH: u32 = u32::MAX;

impl Paths {
    fn intern(&mut self, p: &BStr) -> u32 {
        if let Some(&id) = self.ids.get(p) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(p.to_owned(), id);
        self.names.push(lossy(p));
        id
    }
}

/// State of the enumeration, owned by the enumerating thread.
#[derive(Default)]
struct Seen {
    paths: Paths,
    /// Every blob met, with the path it was first met at.
    blobs: HashMap<BlobId, u32>,
    /// Later (path, commit) pairs of blobs met at more than one path; a blob is
    /// read once, and its detections are copied to these origins at the end.
    extras: HashMap<BlobId, Vec<(u32, Arc<CommitMeta>)>>,
    submodules: HashSet<(u32, ObjectId)>,
    /// Tree of each commit already processed, to diff its children against.
    trees: HashMap<ObjectId, ObjectId>,
}

/// Scan the history of the repository at `path`.
pub fn scan_history(
    scanner: &Scanner,
    sink: &Sink,
    path: &Path,
    opts: &HistoryOptions,
) -> Result<()> {
    let mut repo = open_repo(path)?;
    repo.object_cache_size_if_unset(TREE_CACHE_BYTES);
    if repo.is_shallow().unwrap_or(false) {
        sink.stats.note(
            "shallow clone: history is partial; commits before the shallow boundary were not scanned",
        );
    }
    let tips = tips(sink, &repo, &opts.branches)?;
    let hidden: Vec<ObjectId> = match &opts.since {
        Some(spec) => vec![resolve_commit(&repo, spec, "--since")?],
        None => Vec::new(),
    };
    let mut seen = Seen::default();
    if !hidden.is_empty() {
        // Blobs already in the excluded history are known, not new: mark them seen.
        let old = walk(sink, &repo, hidden.clone(), Vec::new(), None);
        for info in &topo_oldest_first(old) {
            enumerate_commit(sink, &repo, &mut seen, info, None);
        }
    }
    let commits = topo_oldest_first(walk(sink, &repo, tips, hidden, opts.max_commits));
    let tags = if opts.branches.is_empty() && opts.since.is_none() {
        tag_messages(sink, &repo)
    } else {
        Vec::new()
    };
    let sync = repo.clone().into_sync();
    let (_, hits) = run_workers(scanner, sink, &sync, opts.threads, |tx| {
        for (data, tag) in tags {
            let origin = Origin::TagMessage { tag: Arc::new(tag) };
            if tx.send(Job::Text { data, origin }).is_err() {
                return;
            }
        }
        for info in &commits {
            if !enumerate_commit(sink, &repo, &mut seen, info, Some(tx)) {
                break;
            }
        }
    });
    fan_out(sink, hits, &seen);
    Ok(())
}

/// The message and provenance of every annotated tag a ref points at
/// (following tags of tags), each tag object once.
fn tag_messages(sink: &Sink, repo: &gix::Repository) -> Vec<(Vec<u8>, TagMeta)> {
    let mut out = Vec::new();
    let mut done = HashSet::new();
    let Ok(refs) = repo.references() else {
        return out;
    };
    let Ok(all) = refs.tags() else { return out };
    for r in all.flatten() {
        let mut id = r.id().detach();
        let name = r.name().shorten().to_string();
        // A tag may point at another tag: follow the chain, boundedly.
        for _ in 0..MAX_TAG_CHAIN {
            if !done.insert(id) {
                break;
            }
            let mut buf = Vec::new();
            let Ok(data) = repo.objects.find(&id, &mut buf) else {
                break;
            };
            if data.kind != gix::objs::Kind::Tag {
                break;
            }
            let tag = match gix::objs::TagRef::from_bytes(data.data, repo.object_hash()) {
                Ok(t) => t,
                Err(e) => {
                    sink.stats.skip(
                        format!("tag {name}"),
                        SkipKind::CorruptObject,
                        format!("tag object {id} cannot be read: {e}"),
                        0,
                    );
                    break;
                }
            };
            let (tagger_name, tagger_email, date, timestamp) =
                super::signature(tag.tagger().ok().flatten());
            let message = tag.message[..tag.message.len().min(MAX_MESSAGE_BYTES)].to_vec();
            let target = tag.target();
            out.push((
                message,
                TagMeta {
                    id: id.to_string(),
                    name: name.clone(),
                    tagger_name,
                    tagger_email,
                    date,
                    timestamp,
                },
            ));
            id = target;
        }
    }
    out
}

/// Add every blob's detections, and a copy for each further place it was seen.
fn fan_out(sink: &Sink, hits: Hits, seen: &Seen) {
    for (blob, dets) in hits {
        if let Some(more) = seen.extras.get(&blob) {
            for (pid, commit) in more {
                let Some(path) = seen.paths.names.get(*pid as usize) else {
                    continue;
                };
                let copies: Vec<Detection> = dets
                    .iter()
                    .map(|d| {
                        let mut d = d.clone();
                        d.origin = Origin::GitCommit {
                            commit: Arc::clone(commit),
                            path: path.clone(),
                        };
                        d
                    })
                    .collect();
                sink.collector.add(copies);
            }
        }
        sink.collector.add(dets);
    }
}

/// The commits to start from: the given revisions, or every ref (branches,
/// remote branches, tags peeled through annotated tags, stash, notes) and HEAD.
fn tips(sink: &Sink, repo: &gix::Repository, branches: &[String]) -> Result<Vec<ObjectId>> {
    let mut out = Vec::new();
    if !branches.is_empty() {
        for b in branches {
            out.push(resolve_commit(repo, b, "--branch")?);
        }
        return Ok(out);
    }
    if let Ok(id) = repo.head_id() {
        out.push(id.detach());
    }
    let refs = repo.references().context("cannot list references")?;
    for r in refs.all().context("cannot list references")? {
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                sink.stats.skip(
                    "<refs>",
                    SkipKind::CorruptObject,
                    format!("unreadable reference: {e}"),
                    0,
                );
                continue;
            }
        };
        let name = r.name().as_bstr().to_string();
        let id = match r.into_fully_peeled_id() {
            Ok(id) => id.detach(),
            Err(e) => {
                sink.stats.skip(
                    name,
                    SkipKind::CorruptObject,
                    format!("reference cannot be resolved: {e}"),
                    0,
                );
                continue;
            }
        };
        match repo.find_header(id) {
            Ok(h) if h.kind() == gix::objs::Kind::Commit => out.push(id),
            Ok(h) => sink.stats.note(format!(
                "reference {name} points at a {}, not a commit: not scanned",
                h.kind()
            )),
            Err(e) => sink.stats.skip(
                name,
                SkipKind::CorruptObject,
                format!("reference target {id} cannot be read: {e}"),
                0,
            ),
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Resolve a revision given on the command line to a commit.
fn resolve_commit(repo: &gix::Repository, spec: &str, flag: &str) -> Result<ObjectId> {
    let full = format!("{spec}^{{commit}}");
    let id = repo
        .rev_parse_single(full.as_str())
        .with_context(|| format!("{flag} {spec}: not a commit in this repository"))?;
    Ok(id.detach())
}

/// One commit of the walk: its id and parents.
struct Info {
    id: ObjectId,
    parents: Vec<ObjectId>,
    time: i64,
}

/// Commits reachable from `tips` and not from `hidden`, newest first, at most `limit`.
fn walk(
    sink: &Sink,
    repo: &gix::Repository,
    tips: Vec<ObjectId>,
    hidden: Vec<ObjectId>,
    limit: Option<usize>,
) -> Vec<Info> {
    if tips.is_empty() {
        return Vec::new();
    }
    let platform = repo.rev_walk(tips).with_hidden(hidden).sorting(
        gix::revision::walk::Sorting::ByCommitTime(Default::default()),
    );
    let iter = match platform.all() {
        Ok(it) => it,
        Err(e) => {
            sink.stats.skip(
                "<history>",
                SkipKind::CorruptObject,
                format!("cannot walk the commit graph: {e}"),
                0,
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for item in iter {
        if limit.is_some_and(|n| out.len() >= n) {
            break;
        }
        match item {
            Ok(info) => out.push(Info {
                id: info.id,
                parents: info.parent_ids.iter().copied().collect(),
                time: info.commit_time.unwrap_or(0),
            }),
            Err(e) => {
                sink.stats.skip(
                    "<history>",
                    SkipKind::CorruptObject,
                    format!("commit graph walk stopped: {e}"),
                    0,
                );
                break;
            }
        }
    }
    out
}

/// Order commits so every parent comes before its children (oldest commit
/// time first among the ready ones), so "first seen" means "introduced".
fn topo_oldest_first(commits: Vec<Info>) -> Vec<Info> {
    let index: HashMap<ObjectId, usize> =
        commits.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut pending = vec![0usize; commits.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); commits.len()];
    for (i, c) in commits.iter().enumerate() {
        for p in &c.parents {
            if let Some(&pi) = index.get(p) {
                pending[i] += 1;
                children[pi].push(i);
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<(i64, ObjectId, usize)>> = BinaryHeap::new();
    for (i, c) in commits.iter().enumerate() {
        if pending[i] == 0 {
            ready.push(Reverse((c.time, c.id, i)));
        }
    }
    let mut order = Vec::with_capacity(commits.len());
    while let Some(Reverse((_, _, i))) = ready.pop() {
        order.push(i);
        for &ch in &children[i] {
            pending[ch] -= 1;
            if pending[ch] == 0 {
                ready.push(Reverse((commits[ch].time, commits[ch].id, ch)));
            }
        }
    }
    let mut slots: Vec<Option<Info>> = commits.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Diff one commit against its first parent and queue what it introduces
/// (`tx: None` only records blobs as seen). Returns false when the workers are gone.
fn enumerate_commit(
    sink: &Sink,
    repo: &gix::Repository,
    seen: &mut Seen,
    info: &Info,
    tx: Option<&crossbeam_channel::Sender<Job>>,
) -> bool {
    let mut buf = Vec::new();
    let (tree, meta, message) = match repo.objects.find_commit(&info.id, &mut buf) {
        Ok(c) => {
            let meta = Arc::new(commit_meta(&info.id, &c));
            let msg = &c.message[..c.message.len().min(MAX_MESSAGE_BYTES)];
            (c.tree(), meta, msg.to_vec())
        }
        Err(e) => {
            sink.stats.skip(
                format!("commit {}", info.id),
                SkipKind::CorruptObject,
                format!("commit {} cannot be read: {e}", info.id),
                0,
            );
            return true;
        }
    };
    seen.trees.insert(info.id, tree);
    if let Some(tx) = tx
        && tx
            .send(Job::Text {
                data: message,
                origin: Origin::GitMessage {
                    commit: Arc::clone(&meta),
                },
            })
            .is_err()
    {
        return false;
    }
    let parent_tree = info
        .parents
        .first()
        .and_then(|p| parent_tree(repo, seen, p));
    let changes = match diff_trees(repo, parent_tree, tree) {
        Ok(c) => c,
        Err(e) => {
            sink.stats.skip(
                format!("commit {}", info.id),
                SkipKind::CorruptObject,
                format!("tree of commit {} cannot be read: {e}", info.id),
                0,
            );
            return true;
        }
    };
    for ch in changes {
        use gix::diff::tree::recorder::Change;
        let (mode, oid, path) = match ch {
            Change::Addition {
                entry_mode,
                oid,
                path,
                ..
            }
            | Change::Modification {
                entry_mode,
                oid,
                path,
                ..
            } => (entry_mode, oid, path),
            Change::Deletion { .. } => continue,
        };
        if mode.is_commit() {
            let pid = seen.paths.intern(path.as_ref());
            if tx.is_some() && seen.submodules.insert((pid, oid)) {
                sink.stats.skip(
                    lossy(path.as_ref()),
                    SkipKind::Submodule,
                    format!("submodule at commit {oid} (not entered)"),
                    0,
                );
            }
            continue;
        }
        if !mode.is_blob_or_symlink() {
            continue;
        }
        let pid = seen.paths.intern(path.as_ref());
        let key = BlobId(id_bytes(&oid));
        let Some(tx) = tx else {
            seen.blobs.entry(key).or_insert(HIDDEN_PATH);
            continue;
        };
        match seen.blobs.get(&key) {
            None => {
                seen.blobs.insert(key, pid);
                let origin = Origin::GitCommit {
                    commit: Arc::clone(&meta),
                    path: seen.paths.names[pid as usize].clone(),
                };
                if tx
                    .send(Job::Blob {
                        id: oid,
                        origin,
                        tree,
                    })
                    .is_err()
                {
                    return false;
                }
            }
            Some(&first) if first == HIDDEN_PATH || first == pid => {}
            Some(_) => {
                let more = seen.extras.entry(key).or_default();
                if !more.iter().any(|(p, _)| *p == pid) {
                    more.push((pid, Arc::clone(&meta)));
                }
            }
        }
    }
    true
}

/// The tree of a parent commit; `None` (diff against the empty tree) when the
/// parent is outside the repository (shallow clone) or unreadable.
fn parent_tree(repo: &gix::Repository, seen: &Seen, parent: &ObjectId) -> Option<ObjectId> {
    if let Some(t) = seen.trees.get(parent) {
        return Some(*t);
    }
    let mut buf = Vec::new();
    repo.objects
        .find_commit(parent, &mut buf)
        .ok()
        .map(|c| c.tree())
}

/// Changes turning `old` (or the empty tree) into `new`, with full paths.
fn diff_trees(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: ObjectId,
) -> Result<Vec<gix::diff::tree::recorder::Change>> {
    let mut old_buf = Vec::new();
    let mut new_buf = Vec::new();
    let old_iter = match old {
        Some(id) => repo.objects.find_tree_iter(&id, &mut old_buf)?,
        None => gix::objs::TreeRefIter::from_bytes(&[], repo.object_hash()),
    };
    let new_iter = repo.objects.find_tree_iter(&new, &mut new_buf)?;
    let mut recorder = gix::diff::tree::Recorder::default();
    gix::diff::tree(
        old_iter,
        new_iter,
        gix::diff::tree::State::default(),
        &repo.objects,
        &mut recorder,
    )?;
    Ok(recorder.records)
}
