//! Folder source: the `ignore` crate's parallel walker; each walker thread reads
//! and scans the files it visits (as ripgrep does), with its own worker and buffer.

use crate::artifact::FsFiles;
use crate::blob::Blob;
use crate::origin::Origin;
use crate::scan::{Scanner, Sink, Worker};
use crate::skip::SkipKind;
use ignore::{WalkBuilder, WalkState};
use std::fs::{File, Metadata};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// How the folder walk behaves.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub threads: usize,
    pub respect_gitignore: bool,
    pub follow_symlinks: bool,
}

/// Scan every file under `roots`, recording into `sink`.
pub fn scan_paths(
    scanner: &Scanner,
    sink: &Sink,
    roots: &[std::path::PathBuf],
    opts: &WalkOptions,
) {
    let ctx = Ctx { scanner, sink };
    let Some(first) = roots.first() else { return };
    let mut builder = WalkBuilder::new(first);
    for r in &roots[1..] {
        builder.add(r);
    }
    builder
        .threads(opts.threads)
        .hidden(false)
        .parents(opts.respect_gitignore)
        .ignore(false)
        .git_ignore(opts.respect_gitignore)
        .git_global(false)
        .git_exclude(opts.respect_gitignore)
        .require_git(false)
        .follow_links(opts.follow_symlinks)
        .filter_entry(|e| e.file_name() != ".git");
    builder.build_parallel().run(|| {
        let mut worker = scanner.worker();
        let mut buf: Vec<u8> = Vec::new();
        let ctx = &ctx;
        Box::new(move |entry| {
            match entry {
                Ok(entry) => visit(ctx, &mut worker, &mut buf, &entry, opts),
                Err(err) => walk_error(ctx.sink, &err),
            }
            WalkState::Continue
        })
    });
}

/// What every walker thread shares.
struct Ctx<'a> {
    scanner: &'a Scanner,
    sink: &'a Sink,
}

fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./")
        .map(str::to_string)
        .unwrap_or_else(|| s.into_owned())
}

fn visit(
    ctx: &Ctx<'_>,
    worker: &mut Worker,
    buf: &mut Vec<u8>,
    entry: &ignore::DirEntry,
    opts: &WalkOptions,
) {
    let Some(ft) = entry.file_type() else { return };
    let path = entry.path();
    if ft.is_dir() {
        return;
    }
    if ft.is_symlink() {
        // Explicit roots that are links were resolved by the walker; links met inside are not followed.
        if !opts.follow_symlinks {
            ctx.sink.stats.skip(
                display(path),
                SkipKind::Symlink,
                "symbolic link not followed (use --follow-symlinks)",
                0,
            );
        }
        return;
    }
    if !ft.is_file() {
        ctx.sink.stats.skip(
            display(path),
            SkipKind::NotRegular,
            non_regular_kind(&ft),
            0,
        );
        return;
    }
    scan_file(ctx, worker, buf, path);
}

fn non_regular_kind(ft: &std::fs::FileType) -> &'static str {
    if ft.is_fifo() {
        "named pipe (FIFO): never opened"
    } else if ft.is_socket() {
        "socket: never opened"
    } else if ft.is_block_device() || ft.is_char_device() {
        "device file: never opened"
    } else {
        "not a regular file: never opened"
    }
}

/// Read and scan one regular file; `buf` is the worker's reusable buffer.
fn scan_file(ctx: &Ctx<'_>, worker: &mut Worker, buf: &mut Vec<u8>, path: &Path) {
    let stats = &ctx.sink.stats;
    let max = ctx.scanner.options().policy.max_file_size;
    let shown = display(path);
    // O_NONBLOCK: if the path was swapped for a FIFO after the walk looked at it,
    // opening must not block; the fstat below then rejects it.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path);
    let file = match file {
        Ok(f) => f,
        Err(e) => return unreadable(ctx.sink, shown, &e),
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => return unreadable(ctx.sink, shown, &e),
    };
    if !meta.file_type().is_file() {
        stats.skip(
            shown,
            SkipKind::NotRegular,
            non_regular_kind(&meta.file_type()),
            0,
        );
        return;
    }
    if let Some(skip) = ctx.scanner.options().policy.too_large(&shown, meta.len()) {
        stats.record(skip);
        return;
    }
    if let Err(e) = read_into(file, &meta, max, buf) {
        return unreadable(ctx.sink, shown, &e);
    }
    let outcome = ctx.scanner.scan(
        worker,
        &Blob::new(buf),
        &Origin::File { path: shown },
        &FsFiles,
    );
    ctx.sink.record(outcome);
}

fn read_into(file: File, meta: &Metadata, limit: u64, buf: &mut Vec<u8>) -> std::io::Result<()> {
    buf.clear();
    buf.reserve(meta.len() as usize);
    // One byte past the limit, so a file that grew since fstat is still caught by the size check.
    file.take(limit + 1).read_to_end(buf)?;
    Ok(())
}

fn unreadable(sink: &Sink, path: String, e: &std::io::Error) {
    let stats = &sink.stats;
    // A link that loops or points nowhere is a property of the tree, not lost content.
    if e.raw_os_error() == Some(libc::ELOOP) {
        stats.skip(path, SkipKind::SymlinkLoop, "symbolic link loop", 0);
        return;
    }
    if e.kind() == std::io::ErrorKind::NotFound
        && std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
    {
        stats.skip(path, SkipKind::Symlink, "broken symbolic link", 0);
        return;
    }
    let detail = match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::NotFound => "vanished during the scan".to_string(),
        _ => format!("cannot read: {e}"),
    };
    stats.skip(path, SkipKind::Unreadable, detail, 0);
}

fn walk_error(sink: &Sink, err: &ignore::Error) {
    let stats = &sink.stats;
    let mut inner = err;
    let mut path = None;
    loop {
        match inner {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(display(p));
                inner = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                inner = err
            }
            ignore::Error::Loop { child, .. } => {
                stats.skip(
                    display(child),
                    SkipKind::SymlinkLoop,
                    "symbolic link loop",
                    0,
                );
                return;
            }
            ignore::Error::Io(io) => {
                let p = path.unwrap_or_else(|| "<walk>".into());
                if io.kind() == std::io::ErrorKind::NotFound && p == "<walk>" {
                    stats.skip(p, SkipKind::Unreadable, "path does not exist", 0);
                } else {
                    unreadable(sink, p, io);
                }
                return;
            }
            other => {
                stats.skip(
                    path.unwrap_or_else(|| "<walk>".into()),
                    SkipKind::Unreadable,
                    other.to_string(),
                    0,
                );
                return;
            }
        }
    }
}
