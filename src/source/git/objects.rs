//! Reading git objects on worker threads: each worker owns a thread-local
//! repository handle, a reusable buffer and a scanner worker, and takes jobs
//! from a bounded channel, so at most `threads + JOB_QUEUE` blobs are in flight.

use super::files::TreeFiles;
use crate::blob::{Blob, BlobId};
use crate::finding::Detection;
use crate::origin::{Origin, short};
use crate::scan::{Scanner, Sink};
use crate::skip::SkipKind;
use gix::hash::ObjectId;
use gix::prelude::{Find, Header};
use std::collections::HashMap;
use std::sync::Mutex;

/// Jobs queued between the enumerator and the workers: enough to keep workers
/// busy while the enumerator diffs the next trees, small enough that queued
/// jobs (ids and origins, not contents) stay a few hundred KB.
const JOB_QUEUE: usize = 4096;

/// One unit of work for a scanning worker.
pub(crate) enum Job {
    /// A blob to read from the object database and scan; `tree` is the tree of
    /// the commit it was seen in, for the files it refers to (a bundle's map).
    Blob {
        id: ObjectId,
        origin: Origin,
        tree: ObjectId,
    },
    /// Bytes already in memory (a commit or tag message).
    Text { data: Vec<u8>, origin: Origin },
}

/// Detections per blob, kept so a blob seen at more places than the one it was
/// scanned under can be reported there too without reading it again.
pub(crate) type Hits = HashMap<BlobId, Vec<Detection>>;

/// Run `produce` on the calling thread while `threads` workers scan the jobs it
/// sends. Returns what `produce` returned and the detections of every blob
/// with hits (not yet added to the collector).
pub(crate) fn run_workers<R>(
    scanner: &Scanner,
    sink: &Sink,
    repo: &gix::ThreadSafeRepository,
    threads: usize,
    produce: impl FnOnce(&crossbeam_channel::Sender<Job>) -> R,
) -> (R, Hits) {
    let hits: Mutex<Hits> = Mutex::new(HashMap::new());
    let (tx, rx) = crossbeam_channel::bounded::<Job>(JOB_QUEUE);
    let out = std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            let rx = rx.clone();
            let hits = &hits;
            s.spawn(move || {
                let repo = repo.to_thread_local();
                let mut worker = scanner.worker();
                let mut buf = Vec::new();
                for job in rx {
                    match job {
                        Job::Blob { id, origin, tree } => {
                            let Some(data) =
                                read_blob(scanner, sink, &repo, &mut buf, &id, &origin)
                            else {
                                continue;
                            };
                            let hex = id.to_string();
                            let blob = Blob {
                                data,
                                git_id: Some(&hex),
                            };
                            let files = TreeFiles { repo: &repo, tree };
                            let dets = scanner
                                .scan(&mut worker, &blob, &origin, &files)
                                .record_into(&sink.stats);
                            if !dets.is_empty() {
                                hits.lock()
                                    .unwrap_or_else(|p| p.into_inner())
                                    .entry(BlobId(id_bytes(&id)))
                                    .or_default()
                                    .extend(dets);
                            }
                        }
                        Job::Text { data, origin } => {
                            sink.record(scanner.scan_text(&mut worker, &data, &origin));
                        }
                    }
                }
            });
        }
        drop(rx);
        let out = produce(&tx);
        drop(tx);
        out
    });
    (out, hits.into_inner().unwrap_or_else(|p| p.into_inner()))
}

/// The 20 bytes of a SHA-1 object id, as a [`BlobId`] key. (Only SHA-1
/// repositories are supported by this build; a longer id would be truncated.)
pub(crate) fn id_bytes(id: &gix::hash::oid) -> [u8; 20] {
    let mut out = [0u8; 20];
    let b = id.as_bytes();
    let n = b.len().min(20);
    out[..n].copy_from_slice(&b[..n]);
    out
}

/// Where a skipped blob was, for the skip list: `path (blob 1a2b3c4d5e6f)`.
fn skip_name(origin: &Origin, id: &gix::hash::oid) -> String {
    format!("{} (blob {})", origin.display(), short(&id.to_string()))
}

/// Read blob `id` into `buf`, applying the size limit before decompressing.
/// `None` when it was skipped (recorded in the stats).
pub(crate) fn read_blob<'b>(
    scanner: &Scanner,
    sink: &Sink,
    repo: &gix::Repository,
    buf: &'b mut Vec<u8>,
    id: &gix::hash::oid,
    origin: &Origin,
) -> Option<&'b [u8]> {
    let corrupt = |detail: String| {
        sink.stats
            .skip(skip_name(origin, id), SkipKind::CorruptObject, detail, 0);
    };
    // A lookup that found nothing or failed: the object is missing or corrupt.
    let lookup_failed = |e: Option<&dyn std::fmt::Display>| -> Option<&'b [u8]> {
        match e {
            None => corrupt(format!("object {id} is missing from the object database")),
            Some(e) => corrupt(format!("object {id} cannot be read: {e}")),
        }
        None
    };
    let header = match repo.objects.try_header(id) {
        Ok(Some(h)) => h,
        Ok(None) => return lookup_failed(None),
        Err(e) => return lookup_failed(Some(&e)),
    };
    if header.kind() != gix::objs::Kind::Blob {
        corrupt(format!(
            "object {id} should be a blob but is a {}",
            header.kind()
        ));
        return None;
    }
    if let Some(skip) = scanner
        .options()
        .policy
        .too_large(&skip_name(origin, id), header.size())
    {
        sink.stats.record(skip);
        return None;
    }
    match repo.objects.try_find(id, buf) {
        Ok(Some(_)) => {}
        Ok(None) => return lookup_failed(None),
        Err(e) => return lookup_failed(Some(&e)),
    }
    sink.stats.blob_read();
    Some(buf.as_slice())
}
