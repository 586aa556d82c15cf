//! Which URLs the crawler may fetch, and how URLs are printed.
//!
//! Scope: the origins (scheme, host, port) of the start URLs, plus hosts named
//! with `--allow-host` (any port, http or https). Nothing else is ever fetched:
//! not other hosts, not `file:`, not `data:` (inline maps are decoded by the
//! source-map reader, never fetched).

use std::collections::HashSet;
use url::Url;

/// URLs longer than this are not fetched: real asset URLs are far shorter, and a
/// hostile page could otherwise grow the queue with megabyte-long URLs.
pub const MAX_URL_LEN: usize = 2048;

/// The crawl's scope.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// `scheme://host:port` of each start URL.
    origins: HashSet<String>,
    /// Lower-case hosts from `--allow-host`.
    hosts: HashSet<String>,
}

/// Why a URL is not fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutOfScope {
    /// Not http or https (`file:`, `ftp:`, `javascript:` ...).
    Scheme(String),
    /// Another host (or another port or scheme of a start host).
    Host(String),
    /// Longer than [`MAX_URL_LEN`].
    TooLong,
}

impl std::fmt::Display for OutOfScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutOfScope::Scheme(s) => write!(f, "scheme `{s}:` is never fetched"),
            OutOfScope::Host(h) => write!(f, "out of scope: {h} (widen with --allow-host)"),
            OutOfScope::TooLong => write!(f, "URL longer than {MAX_URL_LEN} characters"),
        }
    }
}

/// `scheme://host:port` of an http(s) URL.
pub fn origin_key(u: &Url) -> String {
    format!(
        "{}://{}:{}",
        u.scheme(),
        u.host_str().unwrap_or("").to_ascii_lowercase(),
        u.port_or_known_default().unwrap_or(0)
    )
}

impl Scope {
    /// The scope of `starts` widened by `allow_hosts`.
    pub fn new(starts: &[Url], allow_hosts: &[String]) -> Scope {
        Scope {
            origins: starts.iter().map(origin_key).collect(),
            hosts: allow_hosts
                .iter()
                .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
                .collect(),
        }
    }

    /// Whether `u` may be fetched.
    pub fn check(&self, u: &Url) -> Result<(), OutOfScope> {
        if !matches!(u.scheme(), "http" | "https") {
            return Err(OutOfScope::Scheme(u.scheme().to_string()));
        }
        if u.as_str().len() > MAX_URL_LEN {
            return Err(OutOfScope::TooLong);
        }
        let host = u.host_str().unwrap_or("").to_ascii_lowercase();
        if self.origins.contains(&origin_key(u)) || self.hosts.contains(&host) {
            Ok(())
        } else {
            Err(OutOfScope::Host(host_port(u)))
        }
    }

    /// Whether `u` is on a start URL's origin (user headers and cookies go only there).
    pub fn is_start_origin(&self, u: &Url) -> bool {
        self.origins.contains(&origin_key(u))
    }
}

/// `host` or `host:port` when the port is not the scheme's default.
pub fn host_port(u: &Url) -> String {
    let host = u.host_str().unwrap_or("");
    match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// `u` without its fragment: the key the crawler deduplicates on.
pub fn normalize(mut u: Url) -> Url {
    u.set_fragment(None);
    u
}

/// Resolve a reference found in a document at `base` (`None` for `data:` URLs
/// and references that do not parse).
pub fn resolve(base: &Url, reference: &str) -> Option<Url> {
    let r = reference.trim();
    if r.is_empty() || r.len() > MAX_URL_LEN || r.starts_with('#') {
        return None;
    }
    if r.len() >= 5 && r[..5].eq_ignore_ascii_case("data:") {
        return None;
    }
    base.join(r).ok().map(normalize)
}

/// A URL as printed: no userinfo, no fragment, each query value replaced by
/// `…` (signed URLs carry credentials in the query), control characters escaped.
pub fn display_url(u: &Url) -> String {
    let mut d = u.clone();
    let _ = d.set_username("");
    let _ = d.set_password(None);
    d.set_fragment(None);
    d.set_query(None);
    let mut s = d.to_string();
    if u.query().is_some() {
        let keys: Vec<String> = u.query_pairs().map(|(k, _)| format!("{k}=…")).collect();
        s.push('?');
        s.push_str(if keys.is_empty() { "…" } else { "" });
        s.push_str(&keys.join("&"));
    }
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The URL path as rules and artifact readers see it: no leading `/`, percent-decoded,
/// `index.html` appended to a folder (`https://a.b/` → `index.html`,
/// `https://a.b/.env` → `.env`).
pub fn rule_path(u: &Url) -> String {
    let raw = u.path();
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let mut p = decoded.trim_start_matches('/').to_string();
    if p.is_empty() || p.ends_with('/') {
        p.push_str("index.html");
    }
    p.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn scope_is_the_start_origins_and_allowed_hosts() {
        let s = Scope::new(&[u("https://app.example/")], &["CDN.example".into()]);
        assert!(s.check(&u("https://app.example/a.js")).is_ok());
        assert!(s.check(&u("https://app.example:443/a.js")).is_ok());
        assert!(
            s.check(&u("http://app.example/a.js")).is_err(),
            "other scheme"
        );
        assert!(
            s.check(&u("https://app.example:8443/a.js")).is_err(),
            "other port"
        );
        assert!(s.check(&u("https://cdn.example:9000/x.map")).is_ok());
        assert_eq!(
            s.check(&u("file:///etc/passwd")),
            Err(OutOfScope::Scheme("file".into()))
        );
        assert_eq!(
            s.check(&u("https://evil.example/x")),
            Err(OutOfScope::Host("evil.example".into()))
        );
        assert!(s.is_start_origin(&u("https://app.example/x")));
        assert!(!s.is_start_origin(&u("https://cdn.example/x")));
    }

    #[test]
    fn printed_urls_hide_credentials() {
        assert_eq!(
            display_url(&u("https://user:pw@a.example/x.js?token=abc&v=1#frag")),
            "https://a.example/x.js?token=…&v=…"
        );
        assert_eq!(display_url(&u("https://a.example/")), "https://a.example/");
    }

    #[test]
    fn rule_paths_look_like_files() {
        assert_eq!(rule_path(&u("https://a.example/")), "index.html");
        assert_eq!(rule_path(&u("https://a.example/.env?x=1")), ".env");
        assert_eq!(
            rule_path(&u("https://a.example/assets/app%20x.js")),
            "assets/app x.js"
        );
        assert_eq!(rule_path(&u("https://a.example/docs/")), "docs/index.html");
    }

    #[test]
    fn references_resolve_against_the_document() {
        let base = u("https://a.example/assets/app.js");
        assert_eq!(
            resolve(&base, "app.js.map").unwrap().as_str(),
            "https://a.example/assets/app.js.map"
        );
        assert_eq!(
            resolve(&base, "/x.js#y").unwrap().as_str(),
            "https://a.example/x.js"
        );
        assert!(resolve(&base, "data:application/json;base64,e30=").is_none());
        assert_eq!(
            resolve(&base, "file:///etc/passwd").unwrap().scheme(),
            "file"
        );
    }
}
