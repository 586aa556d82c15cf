//! Well-known exposures probed on every start origin (unless `--no-probe`), and
//! how a response is told apart from a "soft 404".
//!
//! Many single-page apps answer `200 index.html` for every path. A probe is
//! reported only when its body (1) differs from the answer to a random path on
//! the same origin, (2) differs from the start page, and (3) has the shape of
//! what was probed for (a dotenv file has `KEY=VALUE` lines, `.git/HEAD` is a
//! ref, a `.DS_Store` has its magic bytes). Never an HTML page.

/// What a probe looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProbeKind {
    /// `/.env` and friends: an exposure, and scanned as a dotenv file.
    Dotenv,
    /// `/.git/HEAD`: the repository can be downloaded.
    GitHead,
    /// `/.git/config`.
    GitConfig,
    /// `/.npmrc` (often holds an `_authToken`).
    Npmrc,
    /// `/.DS_Store` (lists the folder's files).
    DsStore,
    /// A backup copy of the entry HTML.
    Backup,
    /// `/env.js`, `/config.js`: runtime configuration scripts; scanned, not an exposure.
    RuntimeConfig,
}

/// The documented probe list: path (relative to the origin) and kind. Backups of
/// the entry page are added by [`backup_paths`].
pub const PROBES: &[(&str, ProbeKind)] = &[
    ("/.env", ProbeKind::Dotenv),
    ("/.env.production", ProbeKind::Dotenv),
    ("/.env.local", ProbeKind::Dotenv),
    ("/.git/HEAD", ProbeKind::GitHead),
    ("/.git/config", ProbeKind::GitConfig),
    ("/env.js", ProbeKind::RuntimeConfig),
    ("/config.js", ProbeKind::RuntimeConfig),
    ("/.npmrc", ProbeKind::Npmrc),
    ("/.DS_Store", ProbeKind::DsStore),
];

/// Suffixes of backup copies editors and deploy scripts leave next to a file.
const BACKUP_SUFFIXES: &[&str] = &[".bak", ".old", ".orig", "~"];

/// Bundler manifests fetched on each start origin to find chunks (discovery,
/// not exposures: they are meant to be served or are harmless).
pub const MANIFESTS: &[&str] = &[
    "/.vite/manifest.json",
    "/manifest.json",
    "/asset-manifest.json",
];

/// Backup paths of the entry page at `path` (`/` means `/index.html`).
pub fn backup_paths(path: &str) -> Vec<String> {
    let mut dir_file = path.to_string();
    if dir_file.ends_with('/') || dir_file.is_empty() {
        dir_file.push_str("index.html");
    }
    BACKUP_SUFFIXES
        .iter()
        .map(|s| format!("{dir_file}{s}"))
        .collect()
}

impl ProbeKind {
    /// Whether a 2xx response to this probe is an exposure to report.
    pub fn is_exposure(self) -> bool {
        !matches!(self, ProbeKind::RuntimeConfig)
    }

    /// Whether `body` has the shape this probe looks for.
    pub fn matches(self, body: &[u8]) -> bool {
        if self != ProbeKind::DsStore && looks_like_html(body) {
            return false;
        }
        let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
        match self {
            ProbeKind::Dotenv => assignment_lines(&text, '=') > 0,
            ProbeKind::Npmrc => assignment_lines(&text, '=') > 0,
            ProbeKind::GitHead => {
                let t = text.trim();
                t.starts_with("ref: refs/")
                    || (t.len() == 40 && t.bytes().all(|b| b.is_ascii_hexdigit()))
                    || (t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            }
            ProbeKind::GitConfig => text.lines().any(|l| l.trim() == "[core]"),
            ProbeKind::DsStore => body.starts_with(b"\x00\x00\x00\x01Bud1"),
            ProbeKind::Backup => !body.is_empty(),
            ProbeKind::RuntimeConfig => !body.is_empty(),
        }
    }

    /// Backups are HTML by nature: judged only by differing from the soft 404.
    pub fn allows_html(self) -> bool {
        matches!(self, ProbeKind::Backup)
    }
}

/// Lines of the form `KEY<sep>VALUE` with a plausible key (comments and blank
/// lines ignored); any other non-empty line makes the file not match.
fn assignment_lines(text: &str, sep: char) -> usize {
    let mut n = 0;
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') {
            continue;
        }
        let l = l.strip_prefix("export ").unwrap_or(l);
        let Some((key, _)) = l.split_once(sep) else {
            return 0;
        };
        let key = key.trim();
        let ok = !key.is_empty()
            && key.len() <= 128
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-:/@".contains(&b));
        if !ok {
            return 0;
        }
        n += 1;
    }
    n
}

/// Whether `body` starts like an HTML document.
pub fn looks_like_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(1024)];
    let trimmed = head.trim_ascii_start();
    let lower = trimmed
        .iter()
        .take(64)
        .map(|b| b.to_ascii_lowercase())
        .collect::<Vec<u8>>();
    lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || lower.starts_with(b"<head")
        || lower.starts_with(b"<body")
        || lower.starts_with(b"<!--")
        || lower.starts_with(b"<meta")
        || lower.starts_with(b"<title")
}

/// What the origin answers for a path that does not exist.
#[derive(Debug, Clone, Default)]
pub struct Soft404 {
    /// The body of a 2xx answer to a random path; `None` when the origin answers
    /// such paths with an error status (a well-behaved server).
    pub body: Option<Vec<u8>>,
}

impl Soft404 {
    /// Whether `body` (a 2xx answer to a guessed path) is the origin's catch-all page.
    pub fn is_catch_all(&self, body: &[u8], start_page: Option<&[u8]>) -> bool {
        self.body.as_deref() == Some(body) || start_page == Some(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_match_only_the_shape_they_look_for() {
        assert!(
            ProbeKind::Dotenv.matches(b"# prod\nDATABASE_URL=postgres://u:p@h/db\nexport A=1\n")
        );
        assert!(!ProbeKind::Dotenv.matches(b"<!DOCTYPE html><html><body>app</body></html>"));
        assert!(!ProbeKind::Dotenv.matches(b"Not Found"));
        assert!(!ProbeKind::Dotenv.matches(b"{\"error\": \"not found\"}"));
        assert!(ProbeKind::GitHead.matches(b"ref: refs/heads/main\n"));
        assert!(!ProbeKind::GitHead.matches(b"ref: nothing"));
        assert!(ProbeKind::GitConfig.matches(b"[core]\n\trepositoryformatversion = 0\n"));
        assert!(!ProbeKind::GitConfig.matches(b"core = 1"));
        assert!(ProbeKind::DsStore.matches(b"\x00\x00\x00\x01Bud1\x00\x00"));
        assert!(!ProbeKind::DsStore.matches(b"Bud1"));
        assert!(ProbeKind::Npmrc.matches(b"//registry.npmjs.org/:_authToken=abc\n"));
    }

    #[test]
    fn backups_of_the_entry_page() {
        assert_eq!(
            backup_paths("/"),
            vec![
                "/index.html.bak",
                "/index.html.old",
                "/index.html.orig",
                "/index.html~"
            ]
        );
        assert_eq!(backup_paths("/app/home.html")[0], "/app/home.html.bak");
    }

    #[test]
    fn catch_all_pages_are_recognised() {
        let s = Soft404 {
            body: Some(b"<html>app</html>".to_vec()),
        };
        assert!(s.is_catch_all(b"<html>app</html>", None));
        assert!(!s.is_catch_all(b"A=1", None));
        assert!(Soft404::default().is_catch_all(b"x", Some(b"x")));
    }
}
