//! The glue between the crawler and the scanner: every fetched response becomes
//! a blob with an `Origin::Url`, scanned by the normal per-blob step (artifact
//! readers included), and every exposure the crawl found becomes a detection.
//!
//! This is the only place the crawl calls into the scanner
//! (`Scanner::scan` and `Sink::record`).

use super::crawl::{Crawl, Exposure, Fetched};
use super::probe::ProbeKind;
use super::scope::{display_url, rule_path};
use crate::artifact::Files;
use crate::finding::Detection;
use crate::origin::Origin;
use crate::scan::{Scanner, Sink};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// The origin a fetched response is scanned under.
pub fn origin_of(f: &Fetched) -> Origin {
    Origin::Url {
        url: display_url(&f.url),
        path: rule_path(&f.url),
    }
}

/// Scan everything the crawl fetched, in parallel, and add the crawl's exposures.
pub fn scan_crawl(scanner: &Scanner, sink: &Sink, crawl: &Crawl) {
    let by_url: HashMap<&str, &Fetched> =
        crawl.fetched.iter().map(|f| (f.url.as_str(), f)).collect();
    crawl.fetched.par_iter().for_each_init(
        || scanner.worker(),
        |worker, f| {
            let origin = origin_of(f);
            if let Some(e) = f.exposure {
                sink.collector.add(vec![exposure(e, f, &origin)]);
            }
            let map = f
                .map
                .as_deref()
                .and_then(|m| by_url.get(m))
                .map(|m| m.body.as_slice());
            let blob = crate::blob::Blob::new(&f.body);
            sink.record(scanner.scan(worker, &blob, &origin, &FetchedMap(map)));
        },
    );
}

/// Serves a bundle its source map as the crawler found it (by `sourceMappingURL`,
/// `SourceMap` header or guess), whatever path or URL the reader asks for: the
/// crawler already resolved the reference with URL semantics and kept it in scope.
/// Nothing is ever read from disk.
struct FetchedMap<'a>(Option<&'a [u8]>);

impl Files for FetchedMap<'_> {
    fn read(&self, _path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
        Ok(self
            .0
            .filter(|m| m.len() as u64 <= limit)
            .map(<[u8]>::to_vec))
    }

    fn remote(&self, url: &str, limit: u64) -> Option<std::io::Result<Option<Vec<u8>>>> {
        Some(self.read(Path::new(url), limit))
    }
}

/// The detection for one exposure: rule, a marker that groups all occurrences of
/// the same exposure into one finding, and a preview that quotes no content.
fn exposure(e: Exposure, f: &Fetched, origin: &Origin) -> Detection {
    let (rule, marker, preview, note): (&str, &[u8], String, &str) = match e {
        Exposure::SourceMap => (
            crate::artifact::sourcemap::PUBLIC_MAP_RULE,
            crate::artifact::sourcemap::PUBLIC_MAP_MARKER,
            map_summary(&f.body),
            "anyone can download this map: it names the original files and, with sourcesContent, holds their source",
        ),
        Exposure::Probe(ProbeKind::GitHead | ProbeKind::GitConfig) => (
            "exposed-git-directory",
            b"/.git/",
            format!("GET {} answers with git's own content", f.url.path()),
            "the whole repository, history included, can be downloaded from here",
        ),
        Exposure::Probe(ProbeKind::Dotenv) => (
            "exposed-dotenv-file",
            b"dotenv",
            format!("GET {} answers with a dotenv file", f.url.path()),
            "its secrets are reported as their own findings",
        ),
        Exposure::Probe(ProbeKind::Npmrc) => (
            "exposed-sensitive-file",
            b".npmrc",
            format!("GET {} answers with an npm config file", f.url.path()),
            "an .npmrc often holds a registry token",
        ),
        Exposure::Probe(ProbeKind::DsStore) => (
            "exposed-sensitive-file",
            b".DS_Store",
            format!("GET {} answers with a macOS folder index", f.url.path()),
            "a .DS_Store lists the names of the files in its folder",
        ),
        Exposure::Probe(ProbeKind::Backup | ProbeKind::RuntimeConfig) => (
            "exposed-sensitive-file",
            b"backup",
            format!("GET {} answers with a backup copy of a page", f.url.path()),
            "backup copies are often older builds with secrets since removed",
        ),
    };
    Detection {
        rule_id: rule.to_string(),
        secret: marker.to_vec(),
        origin: origin.clone(),
        span: (0, 0),
        line: 1,
        column: 1,
        end_column: 1,
        utf16_column: 0,
        preview,
        blob_id: None,
        original: None,
        severity: None,
        note: Some(note.to_string()),
        inline_allowed: false,
    }
}

/// `N original sources published` or that the map names files only.
fn map_summary(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Counts {
        #[serde(default)]
        sources: Vec<serde::de::IgnoredAny>,
        #[serde(default, rename = "sourcesContent")]
        contents: Vec<Option<serde::de::IgnoredAny>>,
    }
    let body = body.strip_prefix(b")]}'".as_slice()).unwrap_or(body);
    match serde_json::from_slice::<Counts>(body) {
        Ok(c) => {
            let with = c.contents.iter().filter(|x| x.is_some()).count();
            if with > 0 {
                format!(
                    "source map publishes {with} original source{} (sourcesContent)",
                    if with == 1 { "" } else { "s" }
                )
            } else {
                format!(
                    "source map names {} original file{} (no sourcesContent)",
                    c.sources.len(),
                    if c.sources.len() == 1 { "" } else { "s" }
                )
            }
        }
        Err(_) => "source map published".to_string(),
    }
}
