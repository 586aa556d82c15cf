//! Chunk discovery in JavaScript by careful string scanning (no parser).
//!
//! Bundlers name the files they load lazily in a few fixed shapes, all made of
//! string literals:
//! - `import("./Lazy-3f2a.js")`, `import{a}from"./index-9c1d.js"`, Vite's
//!   `__vite__mapDeps` list, Next.js' `_buildManifest.js`: literals that look like
//!   asset paths;
//! - the webpack runtime's chunk map: `"static/chunks/"+e+"."+{12:"ab12cd"}[e]+".js"`
//!   (also `(({12:"name"})[e]||e)`), whose file names exist only as a concatenation;
//! - the webpack public path `__webpack_require__.p="/_next/"`.
//!
//! A tokenizer skips comments, regular-expression literals and template literals
//! so quotes inside them do not desynchronise the scan. A false candidate costs
//! one in-scope request that answers 404; a parse error loses nothing but chunks.

use std::collections::BTreeSet;

/// String literals longer than this are not asset names (and are skipped whole).
const MAX_LITERAL_BYTES: usize = 512;
/// Entries read from one webpack chunk-map object; real apps have a few thousand.
const MAX_CHUNK_MAP_ENTRIES: usize = 20_000;
/// Candidates taken from one script, so a hostile file cannot flood the queue
/// (the request limit bounds the crawl anyway).
pub const MAX_CANDIDATES_PER_FILE: usize = 5_000;

/// What a script references.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JsRefs {
    /// Asset paths and URLs as written (relative, root-relative or absolute).
    pub assets: BTreeSet<String>,
    /// The webpack public path (`.p="/_next/"`), when assigned to a literal.
    pub public_path: Option<String>,
}

/// One string literal: its decoded value and the byte range of the literal
/// (quotes included).
#[derive(Debug, Clone)]
struct Lit {
    start: usize,
    end: usize,
    value: String,
}

/// Scan `src` for referenced assets.
pub fn scan(src: &[u8]) -> JsRefs {
    let lits = literals(src);
    let mut refs = JsRefs::default();
    // The end of the last chunk-file expression read: its inner literals start none.
    let mut covered = 0;
    for (i, lit) in lits.iter().enumerate() {
        if refs.assets.len() >= MAX_CANDIDATES_PER_FILE {
            break;
        }
        let before = preceding(src, lit.start);
        if before.ends_with(b".p=") && lit.value.starts_with('/') && lit.value.ends_with('/') {
            refs.public_path = Some(lit.value.clone());
            continue;
        }
        let dynamic = before.ends_with(b"import(");
        if is_asset(&lit.value, dynamic) {
            refs.assets.insert(lit.value.clone());
        }
        // A literal followed by `+` may start a webpack chunk-file expression.
        if lit.start >= covered && next_non_space(src, lit.end) == Some(b'+') {
            let (names, end) = chunk_expression(src, &lits, i);
            covered = end;
            for name in names {
                if refs.assets.len() >= MAX_CANDIDATES_PER_FILE {
                    break;
                }
                refs.assets.insert(name);
            }
        }
    }
    refs
}

/// Up to 16 bytes before `at`, whitespace removed.
fn preceding(src: &[u8], at: usize) -> Vec<u8> {
    src[at.saturating_sub(16)..at]
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect()
}

fn next_non_space(src: &[u8], mut at: usize) -> Option<u8> {
    while at < src.len() && src[at].is_ascii_whitespace() {
        at += 1;
    }
    src.get(at).copied()
}

/// Whether a literal names a script, stylesheet or map: a path of URL-safe
/// characters ending in `.js`, `.mjs`, `.cjs`, `.css` or `.map` (a query string may
/// follow). A bare file name counts only in `import(...)` or when it carries a
/// content hash (`chunk-3f2a9c1d.js`), since prose mentions `react-dom.js` too.
pub fn is_asset(v: &str, dynamic: bool) -> bool {
    if v.len() < 4 || v.len() > MAX_LITERAL_BYTES {
        return false;
    }
    let path = v.split(['?', '#']).next().unwrap_or("");
    let lower = path.to_ascii_lowercase();
    if ![".js", ".mjs", ".cjs", ".css", ".map"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return false;
    }
    let body = path
        .strip_prefix("https://")
        .or_else(|| path.strip_prefix("http://"))
        .or_else(|| path.strip_prefix("//"))
        .unwrap_or(path);
    if !body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./~@%+$!".contains(&b))
        || body.contains("//")
    {
        return false;
    }
    if dynamic || body.contains('/') {
        return true;
    }
    has_hash(body)
}

/// A run of 6+ characters that mixes letters and digits between `-`, `.` or `_`.
fn has_hash(name: &str) -> bool {
    name.split(['-', '.', '_']).any(|part| {
        part.len() >= 6
            && part.bytes().any(|b| b.is_ascii_digit())
            && part.bytes().any(|b| b.is_ascii_alphabetic())
            && part.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Every string literal in `src`, skipping comments, regex and template literals.
fn literals(src: &[u8]) -> Vec<Lit> {
    let mut out = Vec::new();
    let mut i = 0;
    // Whether a `/` here would start a regex (after an operator) rather than divide.
    let mut regex_ok = true;
    while i < src.len() {
        let b = src[i];
        match b {
            b'"' | b'\'' => {
                let (end, value) = string_literal(src, i);
                if let Some(v) = value {
                    out.push(Lit {
                        start: i,
                        end,
                        value: v,
                    });
                }
                i = end;
                regex_ok = false;
            }
            b'`' => {
                i = template_end(src, i);
                regex_ok = false;
            }
            b'/' if src.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &src[i..]).map_or(src.len(), |n| i + n + 1);
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&src[i + 2..], b"*/").map_or(src.len(), |n| i + 2 + n + 2);
            }
            b'/' if regex_ok => {
                i = regex_end(src, i);
                regex_ok = false;
            }
            b if b.is_ascii_whitespace() => i += 1,
            b if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80 => {
                let start = i;
                while i < src.len()
                    && (src[i].is_ascii_alphanumeric()
                        || src[i] == b'_'
                        || src[i] == b'$'
                        || src[i] >= 0x80)
                {
                    i += 1;
                }
                // After a keyword like `return` or `typeof`, a `/` starts a regex.
                regex_ok = matches!(
                    &src[start..i],
                    b"return"
                        | b"typeof"
                        | b"case"
                        | b"do"
                        | b"else"
                        | b"in"
                        | b"of"
                        | b"void"
                        | b"yield"
                        | b"await"
                        | b"delete"
                        | b"throw"
                        | b"new"
                );
            }
            b')' | b']' | b'}' => {
                i += 1;
                regex_ok = false;
            }
            _ => {
                i += 1;
                regex_ok = true;
            }
        }
    }
    out
}

/// The end of the quoted literal at `start` and its value when short enough to be
/// an asset name. An unterminated literal ends at the line end.
fn string_literal(src: &[u8], start: usize) -> (usize, Option<String>) {
    let quote = src[start];
    let mut i = start + 1;
    let mut value = Vec::new();
    let mut keep = true;
    while i < src.len() {
        let b = src[i];
        if b == quote {
            let v = keep.then(|| String::from_utf8_lossy(&value).into_owned());
            return (i + 1, v);
        }
        if b == b'\n' {
            return (i, None);
        }
        if b == b'\\' {
            let (decoded, len) = escape(&src[i..]);
            if let Some(c) = decoded {
                let mut buf = [0u8; 4];
                value.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            i += len;
        } else {
            value.push(b);
            i += 1;
        }
        if value.len() > MAX_LITERAL_BYTES {
            keep = false;
            value.clear();
        }
    }
    (src.len(), None)
}

/// Decode the escape at the start of `s` (`\\u002F`, `\\x2f`, `\\n`, ...): the
/// character (if any) and the bytes consumed.
fn escape(s: &[u8]) -> (Option<char>, usize) {
    let hex = |from: usize, n: usize| -> Option<u32> {
        let digits = s.get(from..from + n)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    match s.get(1) {
        None => (None, 1),
        Some(b'u') if s.get(2) == Some(&b'{') => {
            let end = s.iter().position(|&b| b == b'}').unwrap_or(s.len().min(12));
            let v = std::str::from_utf8(&s[3..end.max(3)])
                .ok()
                .and_then(|h| u32::from_str_radix(h, 16).ok());
            (v.and_then(char::from_u32), end + 1)
        }
        Some(b'u') => (hex(2, 4).and_then(char::from_u32), 6.min(s.len())),
        Some(b'x') => (hex(2, 2).and_then(char::from_u32), 4.min(s.len())),
        Some(b'n') => (Some('\n'), 2),
        Some(b't') => (Some('\t'), 2),
        Some(&c) if c.is_ascii() => (Some(c as char), 2),
        Some(_) => (None, 2),
    }
}

/// The end of the template literal at `start` (`${...}` skipped by brace depth).
fn template_end(src: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    let mut depth = 0usize;
    while i < src.len() {
        match src[i] {
            b'\\' => i += 1,
            b'`' if depth == 0 => return i + 1,
            b'$' if depth == 0 && src.get(i + 1) == Some(&b'{') => {
                depth = 1;
                i += 1;
            }
            b'{' if depth > 0 => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    src.len()
}

/// The end of the regex literal at `start` (character classes may hold `/`).
fn regex_end(src: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    let mut class = false;
    while i < src.len() {
        match src[i] {
            b'\\' => i += 1,
            b'\n' => return i,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => return i + 1,
            _ => {}
        }
        i += 1;
    }
    src.len()
}

/// One term of a chunk-file expression.
#[derive(Debug)]
enum Term {
    Lit(String),
    /// The chunk id variable.
    Id,
    /// `{...}[id]`, optionally `|| id`.
    Map(Vec<(String, String)>, bool),
}

/// Expand `"prefix"+e+"."+{1:"ab"}[e]+".js"` starting at literal `i` into file
/// names, one per chunk id (none when the shape does not match), and where the
/// expression ends.
fn chunk_expression(src: &[u8], lits: &[Lit], i: usize) -> (Vec<String>, usize) {
    let mut terms = vec![Term::Lit(lits[i].value.clone())];
    let mut at = lits[i].end;
    let mut ident: Option<Vec<u8>> = None;
    loop {
        at = skip_ws(src, at);
        if src.get(at) != Some(&b'+') {
            break;
        }
        at = skip_ws(src, at + 1);
        let Some((term, end)) = parse_term(src, lits, at, &mut ident) else {
            break;
        };
        terms.push(term);
        at = end;
    }
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    for t in &terms {
        if let Term::Map(entries, _) = t {
            ids.extend(entries.iter().map(|(k, _)| k.as_str()));
        }
    }
    let last_is_ext =
        matches!(terms.last(), Some(Term::Lit(s)) if is_asset(&format!("x{s}"), true));
    if ids.is_empty() || !last_is_ext {
        return (Vec::new(), at);
    }
    let mut out = Vec::new();
    'ids: for id in ids {
        let mut name = String::new();
        for t in &terms {
            match t {
                Term::Lit(s) => name.push_str(s),
                Term::Id => name.push_str(id),
                Term::Map(entries, fallback) => {
                    match entries.iter().find(|(k, _)| k == id) {
                        Some((_, v)) => name.push_str(v),
                        None if *fallback => name.push_str(id),
                        // A chunk without an entry in this map is not emitted by it.
                        None => continue 'ids,
                    }
                }
            }
        }
        out.push(name);
        if out.len() >= MAX_CANDIDATES_PER_FILE {
            break;
        }
    }
    (out, at)
}

fn skip_ws(src: &[u8], mut at: usize) -> usize {
    while at < src.len() && src[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

fn ident_at(src: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let mut end = at;
    while end < src.len()
        && (src[end].is_ascii_alphanumeric() || src[end] == b'_' || src[end] == b'$')
    {
        end += 1;
    }
    (end > at && !src[at].is_ascii_digit()).then(|| (&src[at..end], end))
}

fn parse_term(
    src: &[u8],
    lits: &[Lit],
    at: usize,
    ident: &mut Option<Vec<u8>>,
) -> Option<(Term, usize)> {
    match src.get(at)? {
        b'"' | b'\'' => {
            let lit = lits.iter().find(|l| l.start == at)?;
            Some((Term::Lit(lit.value.clone()), lit.end))
        }
        // `({..})[e]` or `(e)`, else `({..}[e]||e)`.
        b'(' => parse_map(src, lits, at, ident).or_else(|| {
            let (term, end) = parse_map(src, lits, skip_ws(src, at + 1), ident)?;
            let end = skip_ws(src, end);
            (src.get(end) == Some(&b')')).then_some((term, end + 1))
        }),
        b'{' => parse_map(src, lits, at, ident),
        _ => {
            let (name, end) = ident_at(src, at)?;
            same_ident(ident, name)?;
            Some((Term::Id, end))
        }
    }
}

/// Remember the chunk id variable's name, or check it is the same one.
fn same_ident(ident: &mut Option<Vec<u8>>, name: &[u8]) -> Option<()> {
    match ident {
        Some(n) if n.as_slice() != name => None,
        Some(_) => Some(()),
        None => {
            *ident = Some(name.to_vec());
            Some(())
        }
    }
}

/// `{k:"v",...}[e]` (the object possibly parenthesised), optionally `||e`.
fn parse_map(
    src: &[u8],
    lits: &[Lit],
    at: usize,
    ident: &mut Option<Vec<u8>>,
) -> Option<(Term, usize)> {
    let (mut at, paren) = if src.get(at) == Some(&b'(') {
        (skip_ws(src, at + 1), true)
    } else {
        (at, false)
    };
    if src.get(at) != Some(&b'{') {
        // `(e)`: a plain identifier in parentheses.
        let (name, end) = ident_at(src, at)?;
        let end = skip_ws(src, end);
        if paren && src.get(end) != Some(&b')') {
            return None;
        }
        same_ident(ident, name)?;
        return Some((Term::Id, end + usize::from(paren)));
    }
    at += 1;
    let mut entries = Vec::new();
    loop {
        at = skip_ws(src, at);
        match src.get(at)? {
            b'}' => {
                at += 1;
                break;
            }
            b',' => {
                at += 1;
                continue;
            }
            _ => {}
        }
        let (key, end) = match src.get(at)? {
            b'"' | b'\'' => {
                let lit = lits.iter().find(|l| l.start == at)?;
                (lit.value.clone(), lit.end)
            }
            _ => {
                let mut end = at;
                while end < src.len()
                    && (src[end].is_ascii_alphanumeric() || src[end] == b'_' || src[end] == b'$')
                {
                    end += 1;
                }
                if end == at {
                    return None;
                }
                (String::from_utf8_lossy(&src[at..end]).into_owned(), end)
            }
        };
        at = skip_ws(src, end);
        if src.get(at) != Some(&b':') {
            return None;
        }
        at = skip_ws(src, at + 1);
        if !matches!(src.get(at)?, b'"' | b'\'') {
            return None;
        }
        let lit = lits.iter().find(|l| l.start == at)?;
        entries.push((key, lit.value.clone()));
        at = lit.end;
        if entries.len() > MAX_CHUNK_MAP_ENTRIES {
            return None;
        }
    }
    if paren {
        at = skip_ws(src, at);
        if src.get(at) != Some(&b')') {
            return None;
        }
        at += 1;
    }
    at = skip_ws(src, at);
    if src.get(at) != Some(&b'[') {
        return None;
    }
    let (name, end) = ident_at(src, skip_ws(src, at + 1))?;
    same_ident(ident, name)?;
    at = skip_ws(src, end);
    if src.get(at) != Some(&b']') {
        return None;
    }
    at = skip_ws(src, at + 1);
    let mut fallback = false;
    if src[at..].starts_with(b"||") {
        let (name, end) = ident_at(src, skip_ws(src, at + 2))?;
        same_ident(ident, name)?;
        fallback = true;
        at = end;
    }
    Some((Term::Map(entries, fallback), at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assets(src: &str) -> Vec<String> {
        scan(src.as_bytes()).assets.into_iter().collect()
    }

    #[test]
    fn finds_imports_and_asset_literals() {
        let src = r#"import{a as b}from"./index-9c1d2e3f.js";const l=()=>import("./Lazy.js");
            const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["assets/Admin-4f5a6b7c.js","assets/Admin-1a2b3c4d.css"])))=>i.map(i=>d[i]);
            console.log("see react-dom.js for details", 'http://x.example/a.js');"#;
        assert_eq!(
            assets(src),
            vec![
                "./Lazy.js",
                "./index-9c1d2e3f.js",
                "assets/Admin-1a2b3c4d.css",
                "assets/Admin-4f5a6b7c.js",
                "http://x.example/a.js"
            ]
        );
    }

    #[test]
    fn quotes_in_comments_regexes_and_templates_do_not_desync() {
        let src = r#"var r=/["']/g; // it's "fine"
            /* don't "stop" */ var t=`a${"x"}'b`; var s="static/js/ok-1a2b3c.js";
            var q=a/2/b, w=x.replace(/'/g,"\\'"); var u='./u.js';"#;
        assert_eq!(assets(src), vec!["./u.js", "static/js/ok-1a2b3c.js"]);
    }

    #[test]
    fn expands_webpack_chunk_maps() {
        let cra = r#"n.u=function(e){return"static/js/"+e+"."+{12:"a1b2c3d4",345:"e5f6a7b8"}[e]+".chunk.js"}"#;
        assert_eq!(
            assets(cra),
            vec![
                "static/js/12.a1b2c3d4.chunk.js",
                "static/js/345.e5f6a7b8.chunk.js"
            ]
        );
        let next = r#"d.p="/_next/",d.u=function(e){return"static/chunks/"+(({96:"framework"})[e]||e)+"."+({96:"0a1b2c3d",412:"9f8e7d6c"})[e]+".js"}"#;
        let refs = scan(next.as_bytes());
        assert_eq!(refs.public_path.as_deref(), Some("/_next/"));
        assert_eq!(
            refs.assets.into_iter().collect::<Vec<_>>(),
            vec![
                "static/chunks/412.9f8e7d6c.js",
                "static/chunks/framework.0a1b2c3d.js"
            ]
        );
        // A concatenation that is not a chunk map yields nothing.
        assert!(assets(r#"x="a/"+b+".js""#).is_empty());
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(
            assets(r#"x="\u002Fstatic\u002Fchunks\u002Fpages\u002Findex-1a2b3c4d.js""#),
            vec!["/static/chunks/pages/index-1a2b3c4d.js"]
        );
    }
}
