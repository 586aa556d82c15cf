//! What a fetched document makes a browser load: HTML (with `lol_html`, a real
//! streaming HTML parser), bundler manifests and import maps (JSON), and
//! scripts ([`super::js`]).

use super::js;
use std::cell::RefCell;
use std::collections::BTreeSet;

/// Memory the HTML parser may use for one page (it streams; this bounds buffered
/// attribute and text state on hostile input).
const MAX_HTML_PARSER_MEMORY: usize = 32 * 1024 * 1024;
/// Inline script bytes collected from one page for chunk discovery.
const MAX_INLINE_SCRIPT_BYTES: usize = 8 * 1024 * 1024;
/// JSON nesting walked when collecting asset paths from a manifest.
const MAX_JSON_DEPTH: usize = 32;

/// What kind of resource a reference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RefKind {
    Script,
    Style,
    Map,
    /// A Next.js `_buildManifest.js` / `_ssgManifest.js` (a script listing chunks).
    Manifest,
}

impl RefKind {
    /// The kind a path's extension implies (`Script` by default).
    pub fn of_path(path: &str) -> RefKind {
        let p = path
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if p.ends_with(".css") {
            RefKind::Style
        } else if p.ends_with(".map") {
            RefKind::Map
        } else {
            RefKind::Script
        }
    }
}

/// References found in a page.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageRefs {
    /// `(reference as written, kind)`, resolved by the caller against [`PageRefs::base`].
    pub refs: BTreeSet<(String, RefKind)>,
    /// `<base href>`, when the page sets one.
    pub base: Option<String>,
    /// Next.js build id from `__NEXT_DATA__`.
    pub next_build_id: Option<String>,
    /// Chunk references from inline scripts (resolved like the page's own).
    pub inline: js::JsRefs,
}

#[derive(Default)]
struct InlineScript {
    kind: InlineKind,
    text: String,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum InlineKind {
    #[default]
    Js,
    ImportMap,
    NextData,
    OtherData,
}

/// Parse `html` for everything it loads.
pub fn html(html: &[u8]) -> PageRefs {
    let out = RefCell::new(PageRefs::default());
    let current = RefCell::new(InlineScript::default());
    let inline_js = RefCell::new(String::new());
    let import_maps = RefCell::new(Vec::<String>::new());
    {
        let add = |r: &str, k: RefKind| {
            let r = r.trim();
            if !r.is_empty() {
                out.borrow_mut().refs.insert((r.to_string(), k));
            }
        };
        let settings = lol_html::Settings::new()
            .with_memory_settings(
                lol_html::MemorySettings::new()
                    .with_max_allowed_memory_usage(MAX_HTML_PARSER_MEMORY),
            )
            .append_element_content_handler(lol_html::element!("script", |el| {
                if let Some(src) = el.get_attribute("src") {
                    add(&src, RefKind::Script);
                }
                let ty = el
                    .get_attribute("type")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let id = el.get_attribute("id").unwrap_or_default();
                let kind = match ty.trim() {
                    "importmap" => InlineKind::ImportMap,
                    _ if id == "__NEXT_DATA__" => InlineKind::NextData,
                    "" | "module" | "text/javascript" | "application/javascript" => InlineKind::Js,
                    _ => InlineKind::OtherData,
                };
                *current.borrow_mut() = InlineScript {
                    kind,
                    text: String::new(),
                };
                Ok(())
            }))
            .append_element_content_handler(lol_html::text!("script", |t| {
                let mut cur = current.borrow_mut();
                if cur.text.len() < MAX_INLINE_SCRIPT_BYTES {
                    cur.text.push_str(t.as_str());
                }
                if t.last_in_text_node() {
                    let text = std::mem::take(&mut cur.text);
                    match cur.kind {
                        InlineKind::Js => {
                            let mut all = inline_js.borrow_mut();
                            if all.len() < MAX_INLINE_SCRIPT_BYTES {
                                all.push_str(&text);
                                all.push('\n');
                            }
                        }
                        InlineKind::ImportMap => import_maps.borrow_mut().push(text),
                        InlineKind::NextData => {
                            out.borrow_mut().next_build_id = next_build_id(&text);
                        }
                        InlineKind::OtherData => {}
                    }
                }
                Ok(())
            }))
            .append_element_content_handler(lol_html::element!("link[href]", |el| {
                let rel = el
                    .get_attribute("rel")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let r#as = el
                    .get_attribute("as")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let href = el.get_attribute("href").unwrap_or_default();
                let rels: Vec<&str> = rel.split_ascii_whitespace().collect();
                if rels.contains(&"modulepreload")
                    || (rels.iter().any(|r| *r == "preload" || *r == "prefetch")
                        && r#as == "script")
                {
                    add(&href, RefKind::Script);
                } else if rels.contains(&"stylesheet")
                    || (rels.iter().any(|r| *r == "preload" || *r == "prefetch") && r#as == "style")
                {
                    add(&href, RefKind::Style);
                }
                Ok(())
            }))
            .append_element_content_handler(lol_html::element!("base[href]", |el| {
                let mut o = out.borrow_mut();
                if o.base.is_none() {
                    o.base = el.get_attribute("href");
                }
                Ok(())
            }));
        let mut rewriter = lol_html::HtmlRewriter::new(settings, |_: &[u8]| {});
        // A page the parser gives up on still yields what was found before the error.
        let _ = rewriter.write(html).and_then(|_| rewriter.end());
    }
    let mut refs = out.into_inner();
    refs.inline = js::scan(inline_js.into_inner().as_bytes());
    for map in import_maps.into_inner() {
        for r in import_map(map.as_bytes()) {
            refs.refs.insert((r, RefKind::Script));
        }
    }
    refs
}

/// `buildId` from Next.js' `__NEXT_DATA__` JSON (letters, digits, `-` and `_` only,
/// since it becomes a path segment).
fn next_build_id(json: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    let id = v.get("buildId")?.as_str()?;
    (!id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then(|| id.to_string())
}

/// Every module URL an import map names (`imports` and `scopes` values).
pub fn import_map(json: &[u8]) -> Vec<String> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(json) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(imports) = v.get("imports").and_then(|i| i.as_object()) {
        out.extend(
            imports
                .values()
                .filter_map(|s| s.as_str().map(str::to_string)),
        );
    }
    if let Some(scopes) = v.get("scopes").and_then(|s| s.as_object()) {
        for scope in scopes.values().filter_map(|s| s.as_object()) {
            out.extend(
                scope
                    .values()
                    .filter_map(|s| s.as_str().map(str::to_string)),
            );
        }
    }
    // Bare-specifier prefixes map to folders (`"lib/": "/js/lib/"`): not files.
    out.retain(|s| !s.ends_with('/'));
    out
}

/// Asset paths in a bundler manifest: every string value that names a script,
/// stylesheet or map (Vite's `file`/`css`/`assets`, CRA's `files` and
/// `entrypoints`), as written.
pub fn manifest(json: &[u8]) -> Option<Vec<String>> {
    let v: serde_json::Value = serde_json::from_slice(json).ok()?;
    if !v.is_object() {
        return None;
    }
    let mut out = BTreeSet::new();
    walk(&v, 0, &mut out);
    Some(out.into_iter().collect())
}

fn walk(v: &serde_json::Value, depth: usize, out: &mut BTreeSet<String>) {
    if depth > MAX_JSON_DEPTH || out.len() >= js::MAX_CANDIDATES_PER_FILE {
        return;
    }
    match v {
        serde_json::Value::String(s) if js::is_asset(s, true) => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, depth + 1, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, depth + 1, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_a_page_loads() {
        let page = br#"<!doctype html><html><head><base href="/app/">
<script type="importmap">{"imports":{"vue":"/js/vue-3.4.js","lib/":"/js/lib/"},"scopes":{"/x/":{"a":"./a.js"}}}</script>
<link rel="modulepreload" href="/assets/vendor-1a2b3c.js"><link rel="preload" as="script" href="p.js">
<link rel="stylesheet" href="/assets/index-4d5e6f.css"><link rel="icon" href="/favicon.ico">
<script type="module" crossorigin src="/assets/index-7a8b9c.js"></script>
<script>window.__ENV__={"API":"https://api.example"};import("/assets/Late-0a1b2c.js")</script>
<script id="__NEXT_DATA__" type="application/json">{"props":{},"buildId":"b1d-ID_9"}</script>
<script type="text/template"><script src="/not-a-script.js"></script></head></html>"#;
        let r = html(page);
        let got: Vec<(&str, RefKind)> = r.refs.iter().map(|(s, k)| (s.as_str(), *k)).collect();
        assert_eq!(
            got,
            vec![
                ("./a.js", RefKind::Script),
                ("/assets/index-4d5e6f.css", RefKind::Style),
                ("/assets/index-7a8b9c.js", RefKind::Script),
                ("/assets/vendor-1a2b3c.js", RefKind::Script),
                ("/js/vue-3.4.js", RefKind::Script),
                ("p.js", RefKind::Script),
            ]
        );
        assert_eq!(r.base.as_deref(), Some("/app/"));
        assert_eq!(r.next_build_id.as_deref(), Some("b1d-ID_9"));
        assert!(r.inline.assets.contains("/assets/Late-0a1b2c.js"));
    }

    #[test]
    fn manifests_list_their_files() {
        let vite = br#"{"index.html":{"file":"assets/index-1a2b3c.js","isEntry":true,"dynamicImports":["src/Admin.vue"],"css":["assets/index-4d5e6f.css"]},
            "src/Admin.vue":{"file":"assets/Admin-7a8b9c.js","isDynamicEntry":true}}"#;
        assert_eq!(
            manifest(vite).unwrap(),
            vec![
                "assets/Admin-7a8b9c.js",
                "assets/index-1a2b3c.js",
                "assets/index-4d5e6f.css"
            ]
        );
        let cra = br#"{"files":{"main.js":"/static/js/main.1a2b3c4d.js","main.js.map":"/static/js/main.1a2b3c4d.js.map","index.html":"/index.html"},"entrypoints":["static/js/main.1a2b3c4d.js"]}"#;
        assert_eq!(manifest(cra).unwrap().len(), 3);
        assert!(manifest(b"<html>").is_none());
        let pwa = br#"{"name":"App","icons":[{"src":"/icon.png"}]}"#;
        assert_eq!(manifest(pwa).unwrap(), Vec::<String>::new());
    }
}
