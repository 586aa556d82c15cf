//! Archives (zip, jar, war, whl, tar; tar.gz and tgz via the gzip reader), read in
//! memory: each entry is scanned as a virtual file `archive.zip!path/in/archive`,
//! nested archives included, within depth, entry-count, size and ratio limits.

use crate::engine::Matcher;
use crate::origin::Origin;
use crate::pipeline::{ScanContext, SkipKind};
use std::io::Read;

/// Archives nested deeper than this are not opened: real artifacts nest two or
/// three levels (an app zip holding a jar holding a jar); more is a bomb.
pub const MAX_ARCHIVE_DEPTH: usize = 4;
/// Entries read from one archive; the rest is skipped and reported.
pub const MAX_ARCHIVE_ENTRIES: usize = 20_000;
/// Largest ratio of an entry's size to its compressed size: source and text
/// compress about 10:1; far beyond that is a decompression bomb.
pub const MAX_ENTRY_RATIO: u64 = 200;
/// Compressed sizes below this are not ratio-checked (tiny entries have huge ratios).
const RATIO_FLOOR_BYTES: u64 = 4 * 1024;

/// Which archive format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Zip,
    Tar,
}

/// The archive format of a blob named `name` (lower case), by name or magic bytes.
pub fn format(name: &str, data: &[u8]) -> Option<Format> {
    const ZIP_NAMES: &[&str] = &[
        ".zip", ".jar", ".war", ".ear", ".whl", ".aar", ".apk", ".nupkg", ".vsix", ".xpi", ".crx",
        ".egg",
    ];
    if data.starts_with(b"PK\x03\x04")
        && (ZIP_NAMES.iter().any(|e| name.ends_with(e)) || !name.contains('.'))
    {
        return Some(Format::Zip);
    }
    if data.get(257..262) == Some(b"ustar") {
        return Some(Format::Tar);
    }
    None
}

/// How many archive layers `origin` is already inside.
fn depth(origin: &Origin) -> usize {
    match origin {
        Origin::Artifact { parent, .. } => 1 + depth(parent),
        _ => 0,
    }
}

/// Scan every entry of an archive. Always claims the blob (it is binary).
pub fn scan_archive(
    ctx: &ScanContext,
    matcher: &mut Matcher,
    data: &[u8],
    origin: &Origin,
    format: Format,
) -> bool {
    let shown = origin.display();
    if depth(origin) >= MAX_ARCHIVE_DEPTH {
        ctx.stats.skip(
            shown,
            SkipKind::ArtifactLimit,
            format!("archive nested more than {MAX_ARCHIVE_DEPTH} levels deep"),
            data.len() as u64,
        );
        return false;
    }
    let result = match format {
        Format::Zip => scan_zip(ctx, matcher, data, origin),
        Format::Tar => scan_tar(ctx, matcher, data, origin),
    };
    if let Err(e) = result {
        ctx.stats.skip(
            shown,
            SkipKind::Unreadable,
            format!("corrupt archive: {e}"),
            data.len() as u64,
        );
        return false;
    }
    true
}

fn child(origin: &Origin, name: &str) -> Origin {
    Origin::Artifact {
        parent: Box::new(origin.clone()),
        inner: name.to_string(),
    }
}

fn too_many(ctx: &ScanContext, origin: &Origin, left: usize) {
    ctx.stats.skip(
        origin.display(),
        SkipKind::ArtifactLimit,
        format!("more than {MAX_ARCHIVE_ENTRIES} entries: {left} not scanned"),
        0,
    );
}

/// Read one entry of declared `size` (and `compressed` size, when known) within limits.
fn read_entry(
    ctx: &ScanContext,
    entry_origin: &Origin,
    reader: impl Read,
    size: u64,
    compressed: Option<u64>,
) -> Option<Vec<u8>> {
    let limit = ctx.options.max_file_size;
    if size > limit {
        ctx.stats.skip(
            entry_origin.display(),
            SkipKind::TooLarge,
            format!("{size} bytes over the --max-file-size limit"),
            size,
        );
        return None;
    }
    if let Some(c) = compressed
        && c >= RATIO_FLOOR_BYTES
        && size / c.max(1) > MAX_ENTRY_RATIO
    {
        ctx.stats.skip(
            entry_origin.display(),
            SkipKind::ArtifactLimit,
            format!("compression ratio over {MAX_ENTRY_RATIO}:1"),
            size,
        );
        return None;
    }
    let mut buf = Vec::with_capacity(size.min(limit) as usize);
    match reader.take(limit + 1).read_to_end(&mut buf) {
        Ok(_) if buf.len() as u64 <= limit => Some(buf),
        Ok(_) => {
            ctx.stats.skip(
                entry_origin.display(),
                SkipKind::TooLarge,
                "decompresses past the --max-file-size limit",
                size,
            );
            None
        }
        Err(e) => {
            ctx.stats.skip(
                entry_origin.display(),
                SkipKind::Unreadable,
                format!("cannot read archive entry: {e}"),
                size,
            );
            None
        }
    }
}

fn scan_zip(
    ctx: &ScanContext,
    matcher: &mut Matcher,
    data: &[u8],
    origin: &Origin,
) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(data)).map_err(|e| e.to_string())?;
    let n = zip.len();
    for i in 0..n {
        if i >= MAX_ARCHIVE_ENTRIES {
            too_many(ctx, origin, n - i);
            break;
        }
        let entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                ctx.stats.skip(
                    format!("{}!#{i}", origin.display()),
                    SkipKind::Unreadable,
                    format!("cannot read archive entry: {e}"),
                    0,
                );
                continue;
            }
        };
        if !entry.is_file() {
            continue;
        }
        let name = entry.name().to_string();
        let (size, compressed) = (entry.size(), entry.compressed_size());
        let o = child(origin, &name);
        if let Some(buf) = read_entry(ctx, &o, entry, size, Some(compressed)) {
            ctx.scan_blob(matcher, &buf, &o);
        }
    }
    Ok(())
}

fn scan_tar(
    ctx: &ScanContext,
    matcher: &mut Matcher,
    data: &[u8],
    origin: &Origin,
) -> Result<(), String> {
    let mut archive = tar::Archive::new(data);
    let entries = archive.entries().map_err(|e| e.to_string())?;
    for (i, entry) in entries.enumerate() {
        if i >= MAX_ARCHIVE_ENTRIES {
            too_many(ctx, origin, 1);
            break;
        }
        let entry = entry.map_err(|e| e.to_string())?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = match entry.path() {
            Ok(p) => p.to_string_lossy().into_owned(),
            Err(_) => format!("#{i}"),
        };
        let size = entry.size();
        let o = child(origin, &name);
        if let Some(buf) = read_entry(ctx, &o, entry, size, None) {
            ctx.scan_blob(matcher, &buf, &o);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_name_and_magic() {
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(format("app.jar", b"PK\x03\x04rest"), Some(Format::Zip));
        assert_eq!(format("bundle", b"PK\x03\x04rest"), Some(Format::Zip));
        assert_eq!(format("doc.docx", b"PK\x03\x04rest"), None);
        assert_eq!(format("x.tar", &tar), Some(Format::Tar));
        assert_eq!(format("x.txt", b"plain"), None);
    }
}
