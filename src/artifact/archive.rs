//! Archives (zip, jar, war, whl, tar; tar.gz and tgz via the gzip reader), read in
//! memory: each entry is scanned as a virtual file `archive.zip!path/in/archive`,
//! nested archives included, within depth, entry-count, size and ratio limits.

use super::{Child, Expansion, ReaderEnv};
use crate::origin::Origin;
use crate::skip::{Skip, SkipKind};
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

/// Read every entry of an archive, handing each to `children` as it is read.
pub fn read_archive(
    data: &[u8],
    origin: &Origin,
    format: Format,
    env: &ReaderEnv<'_>,
    children: &mut dyn FnMut(Child),
) -> Expansion {
    let mut exp = Expansion::container();
    let shown = origin.display();
    if depth(origin) >= MAX_ARCHIVE_DEPTH {
        exp.skips.push(Skip::new(
            shown,
            SkipKind::ArtifactLimit,
            format!("archive nested more than {MAX_ARCHIVE_DEPTH} levels deep"),
            data.len() as u64,
        ));
        return exp;
    }
    let mut reader = EntryReader {
        origin,
        limit: env.max_file_size,
        skips: &mut exp.skips,
        children,
    };
    let result = match format {
        Format::Zip => read_zip(&mut reader, data),
        Format::Tar => read_tar(&mut reader, data),
    };
    if let Err(e) = result {
        exp.skips.push(Skip::new(
            shown,
            SkipKind::Unreadable,
            format!("corrupt archive: {e}"),
            data.len() as u64,
        ));
    }
    exp
}

/// Reads entries of one archive within the limits and hands them on.
struct EntryReader<'r> {
    origin: &'r Origin,
    limit: u64,
    skips: &'r mut Vec<Skip>,
    children: &'r mut dyn FnMut(Child),
}

impl EntryReader<'_> {
    fn name(&self, inner: &str) -> String {
        format!("{}!{inner}", self.origin.display())
    }

    fn skip(&mut self, inner: &str, reason: SkipKind, detail: impl Into<String>, bytes: u64) {
        let path = self.name(inner);
        self.skips.push(Skip::new(path, reason, detail, bytes));
    }

    fn too_many(&mut self, left: usize) {
        self.skips.push(Skip::new(
            self.origin.display(),
            SkipKind::ArtifactLimit,
            format!("more than {MAX_ARCHIVE_ENTRIES} entries: {left} not scanned"),
            0,
        ));
    }

    /// Read entry `inner` of declared `size` (and `compressed` size, when known)
    /// within the limits, and hand it on.
    fn entry(&mut self, inner: String, reader: impl Read, size: u64, compressed: Option<u64>) {
        let limit = self.limit;
        if size > limit {
            self.skip(
                &inner,
                SkipKind::TooLarge,
                format!("{size} bytes over the --max-file-size limit"),
                size,
            );
            return;
        }
        if let Some(c) = compressed
            && c >= RATIO_FLOOR_BYTES
            && size / c.max(1) > MAX_ENTRY_RATIO
        {
            self.skip(
                &inner,
                SkipKind::ArtifactLimit,
                format!("compression ratio over {MAX_ENTRY_RATIO}:1"),
                size,
            );
            return;
        }
        let mut buf = Vec::with_capacity(size.min(limit) as usize);
        match reader.take(limit + 1).read_to_end(&mut buf) {
            Ok(_) if buf.len() as u64 <= limit => (self.children)(Child { inner, data: buf }),
            Ok(_) => self.skip(
                &inner,
                SkipKind::TooLarge,
                "decompresses past the --max-file-size limit",
                size,
            ),
            Err(e) => self.skip(
                &inner,
                SkipKind::Unreadable,
                format!("cannot read archive entry: {e}"),
                size,
            ),
        }
    }
}

fn read_zip(r: &mut EntryReader<'_>, data: &[u8]) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(data)).map_err(|e| e.to_string())?;
    let n = zip.len();
    for i in 0..n {
        if i >= MAX_ARCHIVE_ENTRIES {
            r.too_many(n - i);
            break;
        }
        let entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                r.skip(
                    &format!("#{i}"),
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
        r.entry(name, entry, size, Some(compressed));
    }
    Ok(())
}

fn read_tar(r: &mut EntryReader<'_>, data: &[u8]) -> Result<(), String> {
    let mut archive = tar::Archive::new(data);
    let entries = archive.entries().map_err(|e| e.to_string())?;
    for (i, entry) in entries.enumerate() {
        if i >= MAX_ARCHIVE_ENTRIES {
            r.too_many(1);
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
        r.entry(name, entry, size, None);
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
