//! Logs: plain (`*.log`, `*.log.N`, JSON lines) logs are scanned as text by the
//! rules in `rules/logs.toml` (Authorization headers, cookies, credentials in
//! URLs and query strings) plus every provider rule; gzip-rotated logs
//! (`app.log.2.gz`) are decompressed here and scanned as a virtual file.

use super::{Child, Expansion, ReaderEnv};
use crate::origin::Origin;
use crate::skip::{Skip, SkipKind};
use std::io::Read;

/// Largest ratio of decompressed to compressed size accepted: text logs compress
/// about 10:1; far beyond that is a decompression bomb, not a log.
pub const MAX_GZIP_RATIO: u64 = 200;

/// Decompress a gzip blob; its content is one child, `<name without .gz>`.
pub fn read_gzip(
    data: &[u8],
    origin: &Origin,
    env: &ReaderEnv<'_>,
    children: &mut dyn FnMut(Child),
) -> Expansion {
    let mut exp = Expansion::container();
    let shown = origin.display();
    let limit = env
        .max_file_size
        .min((data.len() as u64).saturating_mul(MAX_GZIP_RATIO));
    let mut out = Vec::new();
    let mut decoder = flate2::read::MultiGzDecoder::new(data).take(limit + 1);
    if let Err(e) = decoder.read_to_end(&mut out) {
        exp.skips.push(Skip::new(
            shown,
            SkipKind::Unreadable,
            format!("gzip data cannot be decompressed: {e}"),
            data.len() as u64,
        ));
        return exp;
    }
    if out.len() as u64 > limit {
        exp.skips.push(Skip::new(
            shown,
            SkipKind::ArtifactLimit,
            format!(
                "decompresses to more than {limit} bytes (size limit or {MAX_GZIP_RATIO}:1 ratio)"
            ),
            data.len() as u64,
        ));
        return exp;
    }
    let name = origin.path().map(super::file_name).unwrap_or("");
    let lower = name.to_ascii_lowercase();
    let inner = if lower.ends_with(".tgz") {
        format!("{}.tar", &name[..name.len() - 4])
    } else if lower.ends_with(".gz") {
        name[..name.len() - 3].to_string()
    } else {
        name.to_string()
    };
    children(Child { inner, data: out });
    exp
}
