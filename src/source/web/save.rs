//! `--save DIR`: every fetched response written under a URL-shaped path
//! (`DIR/<host>[_<port>]/<path>`), so `leakhound scan DIR` repeats the audit offline.
//!
//! URLs are hostile input: each path segment is percent-decoded and then reduced
//! to safe characters; `.`, `..` and empty segments are dropped, so nothing is
//! ever written outside `DIR`.

use super::crawl::Fetched;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Longest file or folder name written (most file systems allow 255 bytes).
const MAX_SEGMENT_BYTES: usize = 120;

/// Where `f` is saved under `dir`.
pub fn saved_path(dir: &Path, url: &url::Url) -> PathBuf {
    let mut host = url.host_str().unwrap_or("host").to_string();
    if let Some(p) = url.port() {
        host.push_str(&format!("_{p}"));
    }
    let mut out = dir.join(safe_segment(&host));
    let raw = url.path();
    let segments: Vec<String> = raw
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .filter(|s| !s.is_empty() && s != "." && s != "..")
        .map(|s| safe_segment(&s))
        .collect();
    for s in &segments {
        out.push(s);
    }
    if raw.ends_with('/') || segments.is_empty() {
        out.push("index.html");
    }
    if let Some(q) = url.query() {
        // Distinct query strings are distinct files; the query itself is not written.
        // The tag goes before the extension so readers still recognise `.js` and `.map`.
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tag = format!("@{}", &crate::blob::BlobId::of(q.as_bytes()).to_hex()[..8]);
        let tagged = match name.rfind('.') {
            Some(i) if i > 0 => format!("{}{tag}{}", &name[..i], &name[i..]),
            _ => format!("{name}{tag}"),
        };
        out.set_file_name(tagged);
    }
    out
}

/// `s` with every character but ASCII letters, digits and `._-~@+` replaced by `_`;
/// a name that is only dots becomes `_`.
fn safe_segment(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-~@+".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.chars().all(|c| c == '.') {
        out = "_".to_string();
    }
    if out.len() > MAX_SEGMENT_BYTES {
        let hash = crate::blob::BlobId::of(s.as_bytes()).to_hex();
        out.truncate(MAX_SEGMENT_BYTES - 9);
        out.push('-');
        out.push_str(&hash[..8]);
    }
    out
}

/// Write every fetched response under `dir`; returns the paths written. A path
/// that collides with a folder another URL needs (`/a` and `/a/b.js`) is skipped
/// with a note rather than failing the audit.
pub fn save(dir: &Path, fetched: &[Fetched]) -> Result<(Vec<PathBuf>, Vec<String>)> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    let mut notes = Vec::new();
    for f in fetched {
        let path = saved_path(dir, &f.url);
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(&path, &f.body));
        match result {
            Ok(()) => written.push(path),
            Err(e) => notes.push(format!(
                "--save: {} not written: {e}",
                super::scope::display_url(&f.url)
            )),
        }
    }
    Ok((written, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(url: &str) -> String {
        let u = url::Url::parse(url).unwrap();
        saved_path(Path::new("out"), &u)
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn paths_are_url_shaped_and_stay_inside() {
        assert_eq!(p("https://a.example/"), "out/a.example/index.html");
        assert_eq!(
            p("http://127.0.0.1:8080/assets/app.js"),
            "out/127.0.0.1_8080/assets/app.js"
        );
        assert_eq!(p("https://a.example/.env"), "out/a.example/.env");
        assert_eq!(
            p("https://a.example/%2e%2e/%2e%2e/etc/passwd"),
            "out/a.example/etc/passwd"
        );
        assert_eq!(
            p("https://a.example/a%2fb/..%2f..%2fx"),
            "out/a.example/a_b/.._.._x"
        );
        assert_eq!(
            p("https://a.example/C:%5cwin/x y"),
            "out/a.example/C__win/x_y"
        );
        let q = p("https://a.example/app.js?v=1");
        assert!(
            q.starts_with("out/a.example/app@") && q.ends_with(".js"),
            "{q}"
        );
        assert_eq!(
            p("https://a.example/docs/"),
            "out/a.example/docs/index.html"
        );
    }
}
