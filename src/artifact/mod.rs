//! Artifact readers: recognise build outputs (bundles, source maps, dotenv files,
//! logs, gzip-rotated logs, archives) by name and content, expand them into child blobs with
//! richer locations, and enrich detections (original positions, severity, notes).
//!
//! The engine never does I/O; a reader that needs another file (the `.map` next to
//! a bundle) asks a [`Files`] implementation, so tests can hand in memory.

pub mod archive;
pub mod bundle;
pub mod dotenv;
pub mod log;
pub mod sourcemap;

use crate::engine::Matcher;
use crate::origin::Origin;
use crate::pipeline::ScanContext;
use std::path::Path;

/// Bytes at the start of a blob inspected to sniff a source map or a log.
pub const SNIFF_BYTES: usize = 4 * 1024;

/// What kind of artifact a blob is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Generated JavaScript or CSS (possibly minified, possibly with a source map).
    Generated,
    /// A source map (by name, or JSON that looks like one).
    SourceMap,
    /// A dotenv file; `template` for `.env.example` and friends.
    Dotenv { template: bool },
    /// A gzip-compressed file (rotated logs, `.tar.gz`): decompressed and scanned.
    Gzip,
    /// A zip or tar archive: every entry scanned as a virtual file.
    Archive(archive::Format),
    /// Anything else: scanned as plain text.
    Plain,
}

/// Reads files an artifact refers to (a bundle's source map).
pub trait Files {
    /// The bytes of `path`, `Ok(None)` when it does not exist; at most `limit` bytes
    /// are accepted (larger is an error).
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>>;

    /// The bytes behind an absolute URL reference (`https://cdn/app.js.map`), when
    /// this source has them (a crawled site); `None`: URLs are not followed here.
    fn remote(&self, _url: &str, _limit: u64) -> Option<std::io::Result<Option<Vec<u8>>>> {
        None
    }
}

/// Reads referenced files from the local file system.
pub struct FsFiles;

impl Files for FsFiles {
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
        use std::io::Read;
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Ok(None);
        }
        if meta.len() > limit {
            return Err(std::io::Error::other(format!(
                "{} bytes, over the size limit",
                meta.len()
            )));
        }
        let mut buf = Vec::with_capacity(meta.len() as usize);
        file.take(limit + 1).read_to_end(&mut buf)?;
        Ok(Some(buf))
    }
}

/// No referenced files available (git history, stdin).
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _path: &Path, _limit: u64) -> std::io::Result<Option<Vec<u8>>> {
        Ok(None)
    }
}

/// The last path component of `path`.
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Classify a blob by its name and, where names lie, its content.
pub fn detect(path: Option<&str>, data: &[u8]) -> Kind {
    let name = path.map(file_name).unwrap_or("").to_ascii_lowercase();
    if name.ends_with(".map") {
        return Kind::SourceMap;
    }
    if (name.ends_with(".gz") || name.ends_with(".tgz")) && data.starts_with(&[0x1f, 0x8b]) {
        return Kind::Gzip;
    }
    if let Some(f) = archive::format(&name, data) {
        return Kind::Archive(f);
    }
    if let Some(template) = dotenv::dotenv_name(&name) {
        return Kind::Dotenv { template };
    }
    if [".js", ".mjs", ".cjs", ".css"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        return Kind::Generated;
    }
    if sourcemap::looks_like_map(data) {
        return Kind::SourceMap;
    }
    if sourcemap::reference_in_tail(data).is_some() {
        return Kind::Generated;
    }
    Kind::Plain
}

/// Where referenced files come from by default: the disk for file origins, nowhere otherwise.
pub fn files_for(origin: &Origin) -> &'static dyn Files {
    match origin {
        Origin::File { .. } => &FsFiles,
        _ => &NoFiles,
    }
}

/// Scan `data` as an artifact if it is one, reading referenced files through
/// `files`. `None` means "not an artifact": the caller scans it as plain text.
pub fn scan_with(
    ctx: &ScanContext,
    matcher: &mut Matcher,
    data: &[u8],
    origin: &Origin,
    files: &dyn Files,
) -> Option<bool> {
    let kind = detect(origin.path(), data);
    if kind == Kind::Plain {
        return None;
    }
    if kind == Kind::Gzip {
        return Some(log::scan_gzip(ctx, matcher, data, origin));
    }
    if let Kind::Archive(format) = kind {
        return Some(archive::scan_archive(ctx, matcher, data, origin, format));
    }
    if crate::pipeline::is_binary(data) {
        // Let the caller record the binary skip as usual.
        return None;
    }
    match kind {
        Kind::Generated => bundle::scan_generated(ctx, matcher, data, origin, files),
        Kind::SourceMap => {
            if !sourcemap::scan_map(ctx, matcher, data, origin) {
                return None;
            }
        }
        Kind::Dotenv { template } => dotenv::scan_dotenv(ctx, matcher, data, origin, template),
        Kind::Gzip | Kind::Archive(_) | Kind::Plain => return None,
    }
    Some(true)
}
