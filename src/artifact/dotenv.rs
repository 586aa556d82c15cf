//! dotenv files (`.env`, `.env.*`, `*.env`): `KEY=VALUE` entries with quotes,
//! `export`, comments and multi-line quoted values.
//!
//! A secret-looking key with a real value is a finding even when no provider rule
//! knows the value's format; a secret under a client-exposed prefix (`NEXT_PUBLIC_`,
//! `VITE_`, ...) is critical, because the build inlines it into the browser bundle.
//! Templates (`.env.example`, `.env.sample`, ...) only report real-looking values.

use super::ReaderEnv;
use crate::engine::checks::shannon_entropy;
use crate::engine::placeholder::is_placeholder;
use crate::finding::{Detection, DetectionBuilder};
use crate::origin::Origin;
use crate::rules::Severity;

/// Rule id of a secret found by its key name rather than its format.
pub const DOTENV_RULE: &str = "generic-dotenv-secret";
/// Shortest value taken for a secret by key name alone: shorter ones are flags,
/// ports and ids far more often than credentials.
const MIN_VALUE_LEN: usize = 8;
/// Entropy (bits per character) a template value needs to look real, not a slot.
const TEMPLATE_MIN_ENTROPY: f64 = 3.5;
/// Length a template value needs to look real.
const TEMPLATE_MIN_LEN: usize = 16;

/// Prefixes that frameworks inline into client bundles.
pub const CLIENT_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "VITE_",
    "REACT_APP_",
    "EXPO_PUBLIC_",
    "NUXT_PUBLIC_",
    "GATSBY_",
    "PUBLIC_",
];

/// Key fragments that name a secret.
const SECRET_KEY_PARTS: &[&str] = &[
    "SECRET",
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "AUTH_KEY",
    "MASTER_KEY",
    "CREDENTIAL",
];

/// Keys holding a connection URL whose password is the secret.
const URL_KEYS: &[&str] = &[
    "DATABASE_URL",
    "DB_URL",
    "POSTGRES_URL",
    "POSTGRESQL_URL",
    "MYSQL_URL",
    "MONGODB_URI",
    "MONGO_URL",
    "MONGO_URI",
    "REDIS_URL",
    "AMQP_URL",
    "RABBITMQ_URL",
    "BROKER_URL",
    "CELERY_BROKER_URL",
];

/// Key fragments that name something public or a pointer to a secret, not a secret.
const NOT_SECRET_PARTS: &[&str] = &[
    "PUBLISHABLE",
    "ANON_KEY",
    "PUBLIC_KEY",
    "SITE_KEY",
    "SITEKEY",
    "_ID",
    "_URL",
    "_URI",
    "_NAME",
    "_PATH",
    "_FILE",
    "_HOST",
    "_PORT",
    "_ENDPOINT",
    "_TTL",
    "_EXPIRES",
    "_EXPIRY",
    "_LENGTH",
    "_TYPE",
    "_HEADER",
    "_ALGORITHM",
];

/// `Some(template)` when `name` (a lower-case file name) is a dotenv file.
pub fn dotenv_name(name: &str) -> Option<bool> {
    let is_env =
        name == ".env" || name.starts_with(".env.") || (name.ends_with(".env") && name.len() > 4);
    if !is_env {
        return None;
    }
    Some(
        [
            "example", "sample", "template", "dist", "defaults", "tmpl", "tpl",
        ]
        .iter()
        .any(|t| name.contains(t)),
    )
}

/// One `KEY=VALUE` entry with byte spans into the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    /// The value without its quotes.
    pub value_start: usize,
    pub value_end: usize,
}

/// Parse every entry of a dotenv file. Lines that are not entries are skipped.
pub fn parse(data: &[u8]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let line_end = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |i| at + i);
        let next = parse_line(data, at, line_end, &mut out);
        at = next.max(line_end + 1);
    }
    out
}

fn skip_blank(data: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && (data[i] == b' ' || data[i] == b'\t') {
        i += 1;
    }
    i
}

/// Parse the entry starting on the line `[start, end)`; returns where the next
/// line starts when a quoted value ran past `end`.
fn parse_line(data: &[u8], start: usize, end: usize, out: &mut Vec<Entry>) -> usize {
    let mut i = skip_blank(data, start, end);
    if data[i..end].starts_with(b"export ") || data[i..end].starts_with(b"export\t") {
        i = skip_blank(data, i + 7, end);
    }
    let key_start = i;
    while i < end && (data[i].is_ascii_alphanumeric() || matches!(data[i], b'_' | b'.' | b'-')) {
        i += 1;
    }
    if i == key_start || data[key_start].is_ascii_digit() {
        return end;
    }
    let key = String::from_utf8_lossy(&data[key_start..i]).into_owned();
    i = skip_blank(data, i, end);
    if data.get(i) != Some(&b'=') || i >= end {
        return end;
    }
    i = skip_blank(data, i + 1, end);
    match data.get(i) {
        Some(&q @ (b'"' | b'\'' | b'`')) if i < end => {
            let vstart = i + 1;
            let mut j = vstart;
            while j < data.len() && data[j] != q {
                if q == b'"' && data[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            if j >= data.len() {
                // Unterminated quote: take the rest of the line.
                out.push(Entry {
                    key,
                    value_start: vstart.min(end),
                    value_end: end,
                });
                return end;
            }
            out.push(Entry {
                key,
                value_start: vstart,
                value_end: j,
            });
            memchr::memchr(b'\n', &data[j..]).map_or(data.len(), |n| j + n)
        }
        _ => {
            let vstart = i;
            let mut vend = end;
            // An unquoted value ends at ` #` (inline comment).
            let mut k = vstart;
            while k < end {
                if data[k] == b'#' && k > vstart && (data[k - 1] == b' ' || data[k - 1] == b'\t') {
                    vend = k;
                    break;
                }
                k += 1;
            }
            while vend > vstart && data[vend - 1].is_ascii_whitespace() {
                vend -= 1;
            }
            out.push(Entry {
                key,
                value_start: vstart,
                value_end: vend,
            });
            end
        }
    }
}

/// The client-exposed prefix of `key`, if any.
pub fn client_prefix(key: &str) -> Option<&'static str> {
    let upper = key.to_ascii_uppercase();
    CLIENT_PREFIXES
        .iter()
        .copied()
        .find(|p| upper.starts_with(p))
}

/// What a key says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Secret,
    ConnectionUrl,
    Other,
}

fn key_kind(key: &str) -> KeyKind {
    let upper = key.to_ascii_uppercase();
    let bare = client_prefix(&upper).map_or(upper.as_str(), |p| &upper[p.len()..]);
    if URL_KEYS.iter().any(|k| bare.ends_with(k))
        || bare.ends_with("_CONNECTION_STRING")
        || (bare.ends_with("_DSN") && bare.contains("DATABASE"))
    {
        return KeyKind::ConnectionUrl;
    }
    if NOT_SECRET_PARTS.iter().any(|p| bare.contains(p)) {
        return KeyKind::Other;
    }
    let secret = SECRET_KEY_PARTS.iter().any(|p| bare.contains(p))
        || bare.ends_with("_PWD")
        || bare.ends_with("_PASS")
        || bare == "PASSWORD"
        || bare == "SECRET";
    if secret {
        KeyKind::Secret
    } else {
        KeyKind::Other
    }
}

/// Whether `value` is a real value rather than a flag, number, path or slot.
fn real_value(value: &[u8]) -> bool {
    if value.len() < MIN_VALUE_LEN || is_placeholder(value) {
        return false;
    }
    if value.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if [&b"true"[..], b"false", b"null", b"none", b"undefined"].contains(&lower.as_slice()) {
        return false;
    }
    // A file path or URL is where a secret lives, not the secret.
    !(value.starts_with(b"/")
        || value.starts_with(b"./")
        || value.starts_with(b"~/")
        || value.starts_with(b"http://")
        || value.starts_with(b"https://"))
}

/// The password span inside a `scheme://user:password@host` value.
fn url_password(value: &[u8]) -> Option<(usize, usize)> {
    let scheme_end = memchr::memmem::find(value, b"://")? + 3;
    let rest = &value[scheme_end..];
    let at = memchr::memrchr(b'@', rest.split(|&b| b == b'/').next().unwrap_or(rest))?;
    let colon = memchr::memchr(b':', &rest[..at])?;
    let (s, e) = (scheme_end + colon + 1, scheme_end + at);
    (e > s).then_some((s, e))
}

fn looks_real_in_template(secret: &[u8]) -> bool {
    secret.len() >= TEMPLATE_MIN_LEN
        && shannon_entropy(secret) >= TEMPLATE_MIN_ENTROPY
        && secret.iter().any(u8::is_ascii_digit)
        && secret.iter().any(u8::is_ascii_alphabetic)
}

fn is_generic(env: &ReaderEnv<'_>, rule_id: &str) -> bool {
    env.rules.get(rule_id).is_none_or(|r| r.def.is_generic())
}

fn is_public(env: &ReaderEnv<'_>, rule_id: &str) -> bool {
    env.rules.get(rule_id).is_some_and(|r| r.def.public)
}

/// Judge the engine's detections in a dotenv file (found with public-by-design
/// rules included) entry by entry: public values are dropped, a provider rule
/// beats generic ones, a secret-naming key with a real value is a finding even
/// when no rule knows its format, and a client-exposed key makes it critical.
pub fn enrich(
    builder: &mut DetectionBuilder<'_>,
    origin: &Origin,
    template: bool,
    env: &ReaderEnv<'_>,
    dets: Vec<Detection>,
) -> Vec<Detection> {
    let data = builder.data();
    let entries = parse(data);
    let entry_of = |d: &Detection| {
        entries.iter().position(|e| {
            d.span.0 >= e.value_start && d.span.0 < e.value_end.max(e.value_start + 1)
        })
    };
    let mut by_entry: Vec<Vec<Detection>> = vec![Vec::new(); entries.len()];
    let mut out = Vec::new();
    for d in dets {
        match entry_of(&d) {
            Some(i) => by_entry[i].push(d),
            None if is_public(env, &d.rule_id) && !env.include_public => {}
            None => out.push(d),
        }
    }
    for (entry, mut found) in entries.iter().zip(by_entry) {
        let kind = key_kind(&entry.key);
        let value = &data[entry.value_start..entry.value_end];
        // A value a public-by-design rule recognises is not a leak, whatever its key says.
        let public_value = found.iter().any(|d| is_public(env, &d.rule_id));
        if !env.include_public {
            found.retain(|d| !is_public(env, &d.rule_id));
        }
        // The parser is the authority for key-name findings.
        found
            .retain(|d| d.rule_id != DOTENV_RULE || (kind == KeyKind::Secret && real_value(value)));
        if found.iter().any(|d| !is_generic(env, &d.rule_id)) {
            found.retain(|d| !is_generic(env, &d.rule_id));
        } else if found.len() > 1 {
            // Several generic rules on one value: keep one (the key-name one when present).
            let keep = found
                .iter()
                .position(|d| d.rule_id == DOTENV_RULE)
                .unwrap_or(0);
            let d = found.swap_remove(keep);
            found = vec![d];
        }
        if found.is_empty() && !public_value && env.rules.get(DOTENV_RULE).is_some() {
            let span = match kind {
                KeyKind::Secret if real_value(value) => Some((entry.value_start, entry.value_end)),
                KeyKind::ConnectionUrl => url_password(value)
                    .map(|(s, e)| (entry.value_start + s, entry.value_start + e))
                    .filter(|&(s, e)| !is_placeholder(&data[s..e])),
                _ => None,
            };
            if let Some(span) = span {
                builder.add_span(span);
                let mut d = builder.build(DOTENV_RULE, span, origin);
                d.note = Some(format!("{} names a secret", entry.key));
                found.push(d);
            }
        }
        if template {
            found.retain(|d| !is_generic(env, &d.rule_id) || looks_real_in_template(&d.secret));
        }
        if let Some(prefix) = client_prefix(&entry.key) {
            for d in &mut found {
                if is_public(env, &d.rule_id) {
                    continue;
                }
                d.severity = Some(Severity::Critical);
                d.add_note(&format!(
                    "{} is client-exposed: the build inlines {prefix}* values into the browser bundle, so every visitor gets this secret",
                    entry.key
                ));
            }
        }
        out.extend(found);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        parse(text.as_bytes())
            .into_iter()
            .map(|e| (e.key, text[e.value_start..e.value_end].to_string()))
            .collect()
    }

    #[test]
    fn parses_quotes_export_comments_and_multiline() {
        let text = "# comment\nexport A=1\nB = 'two words' # c\nC=\"x\\\"y\"\nD=plain # note\nE=\"line1\nline2\"\nF=\n bad line\nG=`tick`\n";
        assert_eq!(
            values(text),
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "two words".into()),
                ("C".into(), "x\\\"y".into()),
                ("D".into(), "plain".into()),
                ("E".into(), "line1\nline2".into()),
                ("F".into(), "".into()),
                ("G".into(), "tick".into()),
            ]
        );
    }

    #[test]
    fn key_kinds() {
        assert_eq!(key_kind("STRIPE_SECRET_KEY"), KeyKind::Secret);
        assert_eq!(key_kind("NEXT_PUBLIC_API_TOKEN"), KeyKind::Secret);
        assert_eq!(key_kind("DB_PASSWORD"), KeyKind::Secret);
        assert_eq!(key_kind("DATABASE_URL"), KeyKind::ConnectionUrl);
        assert_eq!(
            key_kind("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY"),
            KeyKind::Other
        );
        assert_eq!(key_kind("AUTH0_CLIENT_ID"), KeyKind::Other);
        assert_eq!(key_kind("TOKEN_URL"), KeyKind::Other);
        assert_eq!(key_kind("PORT"), KeyKind::Other);
    }

    #[test]
    fn url_passwords() {
        let v = b"postgres://app:s3cr3tPassw0rd@db.internal:5432/app"; // leakhound:allow fake
        let (s, e) = url_password(v).unwrap();
        assert_eq!(&v[s..e], b"s3cr3tPassw0rd");
        assert_eq!(url_password(b"postgres://localhost/app"), None);
    }

    #[test]
    fn names() {
        assert_eq!(dotenv_name(".env"), Some(false));
        assert_eq!(dotenv_name(".env.production"), Some(false));
        assert_eq!(dotenv_name(".env.example"), Some(true));
        assert_eq!(dotenv_name("prod.env"), Some(false));
        assert_eq!(dotenv_name("environment.ts"), None);
    }
}
