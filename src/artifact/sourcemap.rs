//! Source maps and the generated files (minified bundles) they describe:
//! resolve a bundle's detections to their original source positions, expand a
//! map's `sourcesContent` into virtual files, and flag public maps that publish
//! original source.
//!
//! Bundles need no reader of their own: the engine already reports exact line
//! and column on multi-megabyte lines and windows its previews; this module
//! adds the original location, loading the map only when there is a finding.
//! Broken maps never fail a scan: the detection keeps its generated position and
//! gets a note saying why no original position is given.

use super::{Child, Expansion, Files, OwnText, ReaderEnv, file_name};
use crate::finding::{Detection, OriginalLocation};
use crate::location::LineIndex;
use crate::origin::Origin;
use serde::Deserialize;
use serde::de::IgnoredAny;
use sourcemap::{DecodedMap, SourceMap};
use std::path::{Path, PathBuf};

/// Rule id of the informational "source map publishes original source" finding.
pub const PUBLIC_MAP_RULE: &str = "source-map-sources-content";
/// The value every public-map detection carries, so all such maps form one finding.
pub const PUBLIC_MAP_MARKER: &[u8] = b"sourcesContent";
/// Longest reference URL quoted in a note (data URLs are never quoted).
const MAX_NOTE_URL_CHARS: usize = 120;
/// Lines either side of the mapped line searched for a secret when the mapping
/// points at its enclosing statement rather than the literal itself; minifiers
/// map at least every statement, so the literal is rarely more than a few away.
const MAX_SEARCH_LINES: usize = 500;
/// Nesting of index-map sections followed when listing sources (the spec allows
/// one level; a little slack for tools that nest).
const MAX_SECTION_DEPTH: usize = 4;

/// Whether `data` is JSON shaped like a source map (for maps not named `.map`).
pub fn looks_like_map(data: &[u8]) -> bool {
    let head = &data[..data.len().min(super::SNIFF_BYTES)];
    let body = strip_junk(head).trim_ascii_start();
    if !body.starts_with(b"{") {
        return false;
    }
    let has = |k: &[u8]| memchr::memmem::find(head, k).is_some();
    has(b"\"version\"") && (has(b"\"mappings\"") || has(b"\"sections\"") || has(b"\"sources\""))
}

/// `)]}'` anti-XSSI prefix some servers put before a map.
fn strip_junk(data: &[u8]) -> &[u8] {
    if data.starts_with(b")]}") {
        match memchr::memchr(b'\n', data) {
            Some(i) => &data[i + 1..],
            None => &[],
        }
    } else {
        data
    }
}

/// The `sourceMappingURL` of a generated file: found on its last non-empty line
/// (`//# sourceMappingURL=...` for JS, `/*# sourceMappingURL=... */` for CSS).
pub fn reference_in_tail(data: &[u8]) -> Option<String> {
    let trimmed = data.trim_ascii_end();
    let start = memchr::memrchr(b'\n', trimmed).map_or(0, |i| i + 1);
    let last = trimmed[start..].trim_ascii_start();
    if last.starts_with(b"//# sourceMappingURL=") || last.starts_with(b"//@ sourceMappingURL=") {
        return match sourcemap::locate_sourcemap_reference_slice(last) {
            Ok(Some(r)) => Some(r.get_url().to_string()),
            _ => None,
        };
    }
    let css = last.strip_prefix(b"/*# sourceMappingURL=")?;
    let css = css.trim_ascii_end();
    let css = css.strip_suffix(b"*/").unwrap_or(css).trim_ascii_end();
    std::str::from_utf8(css).ok().map(str::to_string)
}

/// A map that could be used, or why not.
enum Loaded {
    /// No map referenced and none next to the file.
    Absent,
    /// A usable map, and the folder its relative `sources` are resolved against.
    Map(Box<SourceMap>, PathBuf),
    /// A map was expected but cannot be used; the note says why.
    Broken(String),
}

/// A reference URL as quoted in a note: the path only (a query string or userinfo
/// could carry a credential, and notes never print secrets).
fn quote_url(url: &str) -> String {
    if url.starts_with("data:") {
        return "inline data: URL".to_string();
    }
    if url.contains("://") {
        return "at a remote URL".to_string();
    }
    let url = url.split(['?', '#']).next().unwrap_or("");
    let s: String = url.chars().take(MAX_NOTE_URL_CHARS).collect();
    if s.len() < url.len() {
        format!("{s}…")
    } else {
        s
    }
}

fn decode(bytes: &[u8], what: &str) -> Result<Box<SourceMap>, String> {
    match sourcemap::decode_slice(bytes) {
        Ok(DecodedMap::Regular(sm)) => Ok(Box::new(sm)),
        Ok(DecodedMap::Index(idx)) => idx.flatten().map(Box::new).map_err(|e| {
            format!("source map {what} is an index map that cannot be flattened: {e}")
        }),
        Ok(DecodedMap::Hermes(h)) => Ok(Box::new((*h).clone())),
        Err(e) => Err(format!("source map {what} is invalid: {e}")),
    }
}

fn load(data: &[u8], origin: &Origin, files: &dyn Files, limit: u64) -> Loaded {
    let generated = origin.path();
    let base: PathBuf = generated
        .and_then(|p| Path::new(p).parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let (bytes, what, map_dir) = match reference_in_tail(data) {
        Some(url) if url.starts_with("data:") => {
            return match sourcemap::decode_data_url(&url) {
                Ok(DecodedMap::Regular(sm)) => Loaded::Map(Box::new(sm), base),
                Ok(DecodedMap::Index(idx)) => match idx.flatten() {
                    Ok(sm) => Loaded::Map(Box::new(sm), base),
                    Err(e) => {
                        Loaded::Broken(format!("inline index source map cannot be flattened: {e}"))
                    }
                },
                Ok(DecodedMap::Hermes(h)) => Loaded::Map(Box::new((*h).clone()), base),
                Err(e) => Loaded::Broken(format!("inline source map is invalid: {e}")),
            };
        }
        Some(url) if url.contains("://") => match files.remote(&url, limit) {
            Some(Ok(Some(b))) => (b, quote_url(&url), base.clone()),
            Some(Err(e)) => {
                return Loaded::Broken(format!("source map at a remote URL cannot be read: {e}"));
            }
            _ => {
                return Loaded::Broken(
                    "source map is at a remote URL and was not fetched".to_string(),
                );
            }
        },
        Some(url) => {
            let clean = url.split(['?', '#']).next().unwrap_or("");
            let decoded = percent_encoding::percent_decode_str(clean).decode_utf8_lossy();
            let rel = decoded.trim_start_matches('/');
            let path = base.join(rel);
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            match files.read(&path, limit) {
                Ok(Some(b)) => (b, quote_url(&url), dir),
                Ok(None) => {
                    return Loaded::Broken(format!(
                        "referenced source map {} not found",
                        quote_url(&url)
                    ));
                }
                Err(e) => {
                    return Loaded::Broken(format!(
                        "referenced source map {} cannot be read: {e}",
                        quote_url(&url)
                    ));
                }
            }
        }
        None => {
            let Some(g) = generated else {
                return Loaded::Absent;
            };
            let sibling = PathBuf::from(format!("{g}.map"));
            match files.read(&sibling, limit) {
                Ok(Some(b)) => (b, format!("{}.map", file_name(g)), base),
                Ok(None) => return Loaded::Absent,
                Err(e) => {
                    return Loaded::Broken(format!(
                        "source map {}.map cannot be read: {e}",
                        file_name(g)
                    ));
                }
            }
        }
    };
    let sm = match decode(&bytes, &what) {
        Ok(sm) => sm,
        Err(note) => return Loaded::Broken(note),
    };
    if let (Some(file), Some(g)) = (sm.get_file(), generated)
        && !file.is_empty()
        && file_name(file) != file_name(g)
    {
        return Loaded::Broken(format!(
            "source map {what} is for {}, not this file; original positions not resolved",
            quote_url(file_name(file).split(['?', '#']).next().unwrap_or(""))
        ));
    }
    Loaded::Map(sm, map_dir)
}

/// Set [`Detection::original`] on each detection in a generated file, or a note
/// saying why it could not be resolved. `dets` must be in position order.
pub fn attach_originals(
    dets: &mut [Detection],
    data: &[u8],
    origin: &Origin,
    files: &dyn Files,
    limit: u64,
) {
    let (sm, map_dir) = match load(data, origin, files, limit) {
        Loaded::Absent => return,
        Loaded::Broken(note) => {
            for d in dets.iter_mut() {
                d.add_note(&note);
            }
            return;
        }
        Loaded::Map(sm, map_dir) => (sm, map_dir),
    };
    let mut indexes = std::collections::HashMap::new();
    for d in dets.iter_mut() {
        match resolve(&sm, &mut indexes, d) {
            Ok(mut loc) => {
                loc.source = source_path(&map_dir, &loc.source);
                d.original = Some(loc);
            }
            Err(note) => d.add_note(note),
        }
    }
}

fn resolve<'m>(
    sm: &'m SourceMap,
    indexes: &mut std::collections::HashMap<u32, LineIndex<'m>>,
    d: &Detection,
) -> Result<OriginalLocation, &'static str> {
    const NO_MAPPING: &str = "source map has no mapping at this position";
    let col16 = d.utf16_column;
    let (line0, col0) = (
        u32::try_from(d.line - 1).map_err(|_| NO_MAPPING)?,
        u32::try_from(col16).map_err(|_| NO_MAPPING)?,
    );
    let token = sm.lookup_token(line0, col0).ok_or(NO_MAPPING)?;
    let raw = token.get_raw_token();
    if raw.dst_line != line0 || !token.has_source() || raw.src_line == u32::MAX {
        return Err(NO_MAPPING);
    }
    let source = token.get_source().ok_or(NO_MAPPING)?.to_string();
    // The secret sits `delta` units after the token start in the generated code; a
    // string literal is copied verbatim, so it sits as far after it in the source.
    let delta = col0.saturating_sub(raw.dst_col);
    let src_col16 = raw.src_col.saturating_add(delta) as usize;
    match sm.get_source_contents(raw.src_id) {
        Some(content) => {
            let index = indexes
                .entry(raw.src_id)
                .or_insert_with(|| LineIndex::new(content.as_bytes()));
            let (line, column) =
                locate_in_source(index, raw.src_line as usize, src_col16, &d.secret).ok_or(
                    "source map does not match this file: the secret is not in the mapped source",
                )?;
            Ok(OriginalLocation {
                source,
                line,
                column,
            })
        }
        None => Ok(OriginalLocation {
            source,
            line: raw.src_line as usize + 1,
            column: src_col16 + 1,
        }),
    }
}

/// Where an original source lives, for the report: a relative entry of `sources`
/// is resolved against the map's folder (`dist/assets/` + `../../src/a.ts` is
/// `src/a.ts`), so the user can open it; URLs (`webpack:///src/a.ts`) and absolute
/// paths stay as the map wrote them.
fn source_path(map_dir: &Path, source: &str) -> String {
    if source.contains("://") || source.starts_with('/') || map_dir.as_os_str().is_empty() {
        return source.to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    let joined = map_dir.join(source);
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

/// The 1-based (line, scalar column) of `secret` in the source `index` covers:
/// at the mapped position when it is there, else its occurrence nearest the
/// mapped line within [`MAX_SEARCH_LINES`]. Work is bounded by that window, so
/// many findings in one bundle stay linear.
fn locate_in_source(
    index: &mut LineIndex<'_>,
    line0: usize,
    col16: usize,
    secret: &[u8],
) -> Option<(usize, usize)> {
    let bytes = index.data();
    let last = index.lines().checked_sub(1)?;
    if let Some((s, e)) = index.line_span(line0) {
        let line_text = String::from_utf8_lossy(&bytes[s..e]);
        let mut units = 0;
        for (i, ch) in line_text.char_indices() {
            if units == col16 {
                if line_text.as_bytes()[i..].starts_with(secret) {
                    return Some((line0 + 1, line_text[..i].chars().count() + 1));
                }
                break;
            }
            units += ch.len_utf16();
        }
    }
    let (from, _) = index.line_span(line0.saturating_sub(MAX_SEARCH_LINES).min(last))?;
    let (_, to) = index.line_span((line0 + MAX_SEARCH_LINES).min(last))?;
    let mut best: Option<(usize, usize)> = None;
    for at in memchr::memmem::find_iter(&bytes[from..to], secret) {
        let abs = from + at;
        let line = index.line_of(abs);
        let better =
            best.is_none_or(|(l, _)| (line + 1).abs_diff(line0 + 1) < l.abs_diff(line0 + 1));
        if better {
            best = Some((line + 1, index.position(abs).column));
        }
    }
    best
}

/// The parts of a source map a scan needs; mappings are not decoded.
#[derive(Deserialize)]
struct RawMap {
    #[serde(default, rename = "sourceRoot")]
    source_root: Option<String>,
    #[serde(default)]
    sources: Vec<Option<String>>,
    #[serde(default, rename = "sourcesContent")]
    sources_content: Vec<Option<String>>,
    #[serde(default)]
    sections: Vec<RawSection>,
    #[serde(default)]
    mappings: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct RawSection {
    #[serde(default)]
    map: Option<RawMap>,
}

/// The source name as the `sourcemap` crate reports it (with `sourceRoot`).
fn prefixed(root: Option<&str>, source: &str) -> String {
    match root.filter(|r| !r.is_empty()) {
        Some(root)
            if source.is_empty()
                || !(source.starts_with('/')
                    || source.starts_with("http:")
                    || source.starts_with("https:")) =>
        {
            format!("{}/{source}", root.strip_suffix('/').unwrap_or(root))
        }
        _ => source.to_string(),
    }
}

fn collect_sources(map: RawMap, depth: usize, out: &mut Vec<(String, String)>) {
    let root = map.source_root.as_deref();
    for (i, content) in map.sources_content.into_iter().enumerate() {
        let Some(content) = content else { continue };
        let name = map
            .sources
            .get(i)
            .and_then(|s| s.as_deref())
            .map_or_else(|| format!("source-{i}"), |s| prefixed(root, s));
        out.push((name, content));
    }
    if depth < MAX_SECTION_DEPTH {
        for s in map.sections {
            if let Some(m) = s.map {
                collect_sources(m, depth + 1, out);
            }
        }
    }
}

/// Read a source map blob: each `sourcesContent` entry becomes a child blob,
/// plus the informational public-map finding. `None` when `data` is not a
/// readable map (the scanner then scans it as plain text).
pub fn read_map(
    data: &[u8],
    origin: &Origin,
    env: &ReaderEnv<'_>,
    children: &mut dyn FnMut(Child),
) -> Option<Expansion> {
    let map = serde_json::from_slice::<RawMap>(strip_junk(data)).ok()?;
    if map.mappings.is_none() && map.sections.is_empty() {
        return None;
    }
    let mut sources = Vec::new();
    collect_sources(map, 0, &mut sources);
    let count = sources.len();
    let mut detections = Vec::new();
    // A crawled site's maps are reported by the crawl itself (every map it finds is published).
    if count > 0
        && !matches!(origin, Origin::Url { .. })
        && let Some(d) = public_map_detection(data, origin, env, count)
    {
        detections.push(d);
    }
    for (inner, content) in sources {
        children(Child {
            inner,
            data: content.into_bytes(),
        });
    }
    Some(Expansion {
        own_text: OwnText::Skip,
        counted: true,
        detections,
        skips: Vec::new(),
    })
}

fn public_map_detection(
    data: &[u8],
    origin: &Origin,
    env: &ReaderEnv<'_>,
    n: usize,
) -> Option<Detection> {
    let rule = env.rules.get(PUBLIC_MAP_RULE)?;
    if !rule.applies_to(origin.path()) {
        return None;
    }
    let at = memchr::memmem::find(data, b"\"sourcesContent\"").map_or(0, |i| i + 1);
    // Only the lines before the marker matter for its position.
    let pos = LineIndex::new(&data[..at]).position(at);
    Some(Detection {
        rule_id: PUBLIC_MAP_RULE.to_string(),
        secret: PUBLIC_MAP_MARKER.to_vec(),
        origin: origin.clone(),
        span: (at, at + PUBLIC_MAP_MARKER.len()),
        line: pos.line,
        column: pos.column,
        end_column: pos.column + PUBLIC_MAP_MARKER.len(),
        utf16_column: pos.utf16_column,
        preview: format!(
            "\"sourcesContent\": {n} original source{} published",
            if n == 1 { "" } else { "s" }
        ),
        blob_id: None,
        original: None,
        severity: None,
        note: Some(
            "anyone who can download this map can read the original source it embeds".to_string(),
        ),
        inline_allowed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_sources_resolve_against_the_map_folder() {
        let dir = Path::new("dist/assets");
        assert_eq!(source_path(dir, "../../src/config.ts"), "src/config.ts");
        assert_eq!(source_path(dir, "./app.ts"), "dist/assets/app.ts");
        assert_eq!(source_path(dir, "../../../up.ts"), "../up.ts");
        assert_eq!(
            source_path(dir, "webpack:///src/a.ts"),
            "webpack:///src/a.ts"
        );
        assert_eq!(source_path(Path::new(""), "../a.ts"), "../a.ts");
    }

    #[test]
    fn finds_the_reference_on_the_last_line() {
        assert_eq!(
            reference_in_tail(b"var a=1;\n//# sourceMappingURL=app.js.map\n\n").as_deref(),
            Some("app.js.map")
        );
        assert_eq!(
            reference_in_tail(b"a{b:c}\n/*# sourceMappingURL=app.css.map */").as_deref(),
            Some("app.css.map")
        );
        assert_eq!(
            reference_in_tail(b"// sourceMappingURL= in prose\nvar a;"),
            None
        );
        assert_eq!(reference_in_tail(b""), None);
    }

    #[test]
    fn sniffs_maps_by_content() {
        assert!(looks_like_map(
            br#"{"version":3,"sources":["a.ts"],"mappings":"AAAA"}"#
        ));
        assert!(looks_like_map(b")]}'\n{\"version\":3,\"mappings\":\"\"}"));
        assert!(!looks_like_map(br#"{"name":"pkg","version":"1.0.0"}"#));
        assert!(!looks_like_map(b"version mappings"));
    }

    #[test]
    fn notes_never_quote_query_strings_or_remote_urls() {
        assert_eq!(quote_url("app.js.map?token=abc"), "app.js.map");
        assert_eq!(
            quote_url("https://u:p@cdn.io/app.js.map"),
            "at a remote URL"
        );
        assert_eq!(
            quote_url("data:application/json;base64,e30="),
            "inline data: URL"
        );
    }

    #[test]
    fn locates_the_secret_in_the_original_source() {
        let src = "// é😀\nconst k = \"SECRET123\";\n";
        // Mapped exactly (UTF-16 column 11 on line 1, 0-based).
        let mut starts = LineIndex::new(src.as_bytes());
        assert_eq!(starts.line_span(1), Some((10, 32)));
        assert_eq!(
            locate_in_source(&mut starts, 1, 11, b"SECRET123"),
            Some((2, 12))
        );
        // Mapped to the statement start: found on the nearest line instead.
        assert_eq!(
            locate_in_source(&mut starts, 1, 0, b"SECRET123"),
            Some((2, 12))
        );
        assert_eq!(
            locate_in_source(&mut starts, 0, 0, b"SECRET123"),
            Some((2, 12))
        );
        // A mapping past the end still searches the last lines.
        assert_eq!(
            locate_in_source(&mut starts, 99, 0, b"SECRET123"),
            Some((2, 12))
        );
        assert_eq!(locate_in_source(&mut starts, 0, 0, b"ABSENT"), None);
        // Far outside the search window: not claimed.
        let far = format!("k = \"SECRET123\"\n{}", "x\n".repeat(MAX_SEARCH_LINES + 5));
        let mut far_starts = LineIndex::new(far.as_bytes());
        assert_eq!(
            locate_in_source(&mut far_starts, MAX_SEARCH_LINES + 4, 0, b"SECRET123"),
            None
        );
    }
}
