//! Logs: plain (`*.log`, `*.log.N`, JSON lines) logs are scanned as text by the
//! rules in `rules/logs.toml` (Authorization headers, cookies, credentials in
//! URLs and query strings) plus every provider rule; gzip-rotated logs
//! (`app.log.2.gz`) are decompressed here and scanned as a virtual file.

use crate::engine::Matcher;
use crate::origin::Origin;
use crate::pipeline::{ScanContext, SkipKind};
use std::io::Read;

/// Largest ratio of decompressed to compressed size accepted: text logs compress
/// about 10:1; far beyond that is a decompression bomb, not a log.
pub const MAX_GZIP_RATIO: u64 = 200;

/// Decompress a gzip blob and scan its content as `<name without .gz>` inside it.
pub fn scan_gzip(ctx: &ScanContext, matcher: &mut Matcher, data: &[u8], origin: &Origin) -> bool {
    let shown = origin.display();
    let limit = ctx
        .options
        .max_file_size
        .min((data.len() as u64).saturating_mul(MAX_GZIP_RATIO));
    let mut out = Vec::new();
    let mut decoder = flate2::read::MultiGzDecoder::new(data).take(limit + 1);
    if let Err(e) = decoder.read_to_end(&mut out) {
        ctx.stats.skip(
            shown,
            SkipKind::Unreadable,
            format!("gzip data cannot be decompressed: {e}"),
            data.len() as u64,
        );
        return false;
    }
    if out.len() as u64 > limit {
        ctx.stats.skip(
            shown,
            SkipKind::ArtifactLimit,
            format!(
                "decompresses to more than {limit} bytes (size limit or {MAX_GZIP_RATIO}:1 ratio)"
            ),
            data.len() as u64,
        );
        return false;
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
    let child = Origin::Artifact {
        parent: Box::new(origin.clone()),
        inner,
    };
    ctx.scan_blob(matcher, &out, &child)
}
