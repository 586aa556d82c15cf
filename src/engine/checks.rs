//! Named validators a rule applies to its secret (`checks = ["github-crc32"]`),
//! and Shannon entropy.

use crate::rules::generate::{base62_fixed, luhn_valid};
use base64::Engine as _;

/// A validator a rule can name in `checks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    GithubCrc32,
    NpmCrc32,
    Jwt,
    Luhn,
    AwsKeyId,
    PypiMacaroon,
    Digit,
    Letter,
    Upper,
    Lower,
    NotHash,
    NotUuid,
    Base64Key,
    BasicAuth,
    SlackToken,
    StripeKey,
    Base58Check,
}

/// Every check name, for error messages and docs.
pub const CHECK_NAMES: &[&str] = &[
    "github-crc32",
    "npm-crc32",
    "jwt",
    "luhn",
    "aws-key-id",
    "pypi-macaroon",
    "digit",
    "letter",
    "upper",
    "lower",
    "not-hash",
    "not-uuid",
    "base64-key",
    "basic-auth",
    "slack-token",
    "stripe-key",
    "base58check",
];

/// Body length of a legacy Stripe key (`sk_live_` + 24).
const STRIPE_LEGACY_LEN: usize = 24;
/// Shortest body of an account-scoped Stripe key (`sk_live_51...`): 99 characters
/// today, and Stripe says lengths may change, so 90 leaves room for that while
/// still rejecting the mid-length strings no Stripe key has.
const STRIPE_SCOPED_MIN_LEN: usize = 90;

/// Prefixes an AWS access key id can start with.
const AWS_KEY_PREFIXES: &[&[u8]] = &[
    b"AKIA", b"ASIA", b"ABIA", b"ACCA", b"AGPA", b"AIDA", b"AIPA", b"ANPA", b"ANVA", b"APKA",
    b"AROA", b"ASCA",
];

impl Check {
    /// Look a check up by its rule-file name.
    pub fn parse(name: &str) -> Option<Check> {
        Some(match name {
            "github-crc32" => Check::GithubCrc32,
            "npm-crc32" => Check::NpmCrc32,
            "jwt" => Check::Jwt,
            "luhn" => Check::Luhn,
            "aws-key-id" => Check::AwsKeyId,
            "pypi-macaroon" => Check::PypiMacaroon,
            "digit" => Check::Digit,
            "letter" => Check::Letter,
            "upper" => Check::Upper,
            "lower" => Check::Lower,
            "not-hash" => Check::NotHash,
            "not-uuid" => Check::NotUuid,
            "base64-key" => Check::Base64Key,
            "basic-auth" => Check::BasicAuth,
            "slack-token" => Check::SlackToken,
            "stripe-key" => Check::StripeKey,
            "base58check" => Check::Base58Check,
            _ => return None,
        })
    }

    /// Whether `secret` passes this check.
    pub fn passes(self, secret: &[u8]) -> bool {
        match self {
            Check::GithubCrc32 | Check::NpmCrc32 => crc32_token_valid(secret),
            Check::Jwt => jwt_valid(secret),
            Check::Luhn => {
                let digits: Vec<u8> = secret
                    .iter()
                    .filter(|b| b.is_ascii_digit())
                    .map(|b| b - b'0')
                    .collect();
                digits.len() >= 8 && luhn_valid(&digits)
            }
            Check::AwsKeyId => {
                secret.len() == 20
                    && AWS_KEY_PREFIXES.contains(&&secret[..4])
                    && secret[4..]
                        .iter()
                        .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(b))
            }
            Check::PypiMacaroon => pypi_valid(secret),
            Check::Digit => secret.iter().any(u8::is_ascii_digit),
            Check::Letter => secret.iter().any(u8::is_ascii_alphabetic),
            Check::Upper => secret.iter().any(u8::is_ascii_uppercase),
            Check::Lower => secret.iter().any(u8::is_ascii_lowercase),
            Check::NotHash => !is_hex_digest(secret),
            Check::NotUuid => !is_uuid(secret),
            Check::SlackToken => slack_token_valid(secret),
            Check::StripeKey => stripe_key_valid(secret),
            Check::Base64Key => {
                let trimmed: Vec<u8> = secret
                    .iter()
                    .copied()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                base64::engine::general_purpose::STANDARD
                    .decode(&trimmed)
                    .is_ok()
            }
            Check::BasicAuth => basic_auth_valid(secret),
            Check::Base58Check => base58check_valid(secret),
        }
    }
}

/// Passwords in an HTTP Basic credential that only a documentation example uses.
const BASIC_PLACEHOLDER_PASSWORDS: &[&str] =
    &["password", "pass", "secret", "changeme", "test", "admin"];

/// Base64 of `user:password` (RFC 7617) with printable text and a non-trivial password.
fn basic_auth_valid(secret: &[u8]) -> bool {
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(secret) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return false;
    };
    let Some((user, pass)) = text.split_once(':') else {
        return false;
    };
    !user.is_empty()
        && pass.len() >= 4
        && !text.chars().any(char::is_control)
        && !BASIC_PLACEHOLDER_PASSWORDS.contains(&pass.to_ascii_lowercase().as_str())
        && !crate::engine::placeholder::is_placeholder(pass.as_bytes())
}

/// Base58 (Bitcoin alphabet) whose last four decoded bytes are the first four of
/// the double SHA-256 of the rest: Bitcoin WIF keys and BIP32 extended keys.
fn base58check_valid(s: &[u8]) -> bool {
    bs58::decode(s).with_check(None).into_vec().is_ok()
}

/// `<prefix>_` + 30 base62 + 6 base62 CRC32 digits of the 30 (GitHub, npm).
fn crc32_token_valid(token: &[u8]) -> bool {
    let Some(us) = token.iter().position(|&b| b == b'_') else {
        return false;
    };
    let rest = &token[us + 1..];
    if rest.len() != 36 || !rest.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (body, sum) = rest.split_at(30);
    base62_fixed(crc32fast::hash(body), 6).as_bytes() == sum
}

/// Slack `xox?-` tokens: numeric segments (team, user, bot ids) are ids, so they
/// never start with `0`; the final segment is random and mixes letters and digits
/// or cases.
fn slack_token_valid(token: &[u8]) -> bool {
    let mut segs: Vec<&[u8]> = token.split(|&b| b == b'-').collect();
    let Some(last) = segs.pop() else { return false };
    if segs.len() < 2 {
        return false;
    }
    let ids_ok = segs[1..]
        .iter()
        .filter(|s| s.len() > 1 && s.iter().all(u8::is_ascii_digit))
        .all(|s| s[0] != b'0');
    let letters = last.iter().any(u8::is_ascii_alphabetic);
    let mixed = last.iter().any(u8::is_ascii_digit)
        || (last.iter().any(u8::is_ascii_uppercase) && last.iter().any(u8::is_ascii_lowercase));
    ids_ok && letters && mixed
}

/// Stripe `sk_`/`rk_`/`pk_` keys come in two length classes: legacy (24
/// characters after the mode) and account-scoped (98 or more, starting with a digit).
fn stripe_key_valid(key: &[u8]) -> bool {
    let body = ["_live_", "_test_"]
        .iter()
        .find_map(|m| memchr::memmem::find(key, m.as_bytes()).map(|i| &key[i + m.len()..]));
    let Some(body) = body else { return false };
    body.len() == STRIPE_LEGACY_LEN
        || (body.len() >= STRIPE_SCOPED_MIN_LEN && body[0].is_ascii_digit())
}

fn jwt_valid(token: &[u8]) -> bool {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = token.split(|&b| b == b'.');
    let (Some(h), Some(p)) = (parts.next(), parts.next()) else {
        return false;
    };
    let decode_obj = |seg: &[u8]| -> Option<serde_json::Map<String, serde_json::Value>> {
        let trimmed: &[u8] = seg
            .strip_suffix(b"==")
            .or_else(|| seg.strip_suffix(b"="))
            .unwrap_or(seg);
        let bytes = b64.decode(trimmed).ok()?;
        match serde_json::from_slice(&bytes).ok()? {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        }
    };
    matches!(decode_obj(h), Some(ref m) if m.contains_key("alg")) && decode_obj(p).is_some()
}

fn pypi_valid(token: &[u8]) -> bool {
    let Some(body) = token.strip_prefix(b"pypi-") else {
        return false;
    };
    // Decode a prefix only: the macaroon location sits in its first bytes.
    let take = body.len().min(64) / 4 * 4;
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&body[..take]) else {
        return false;
    };
    memchr::memmem::find(&bytes, b"pypi.org").is_some()
}

/// A bare hex digest of a common hash length.
pub fn is_hex_digest(s: &[u8]) -> bool {
    matches!(s.len(), 32 | 40 | 56 | 64 | 96 | 128) && s.iter().all(u8::is_ascii_hexdigit)
}

/// An 8-4-4-4-12 hex UUID.
pub fn is_uuid(s: &[u8]) -> bool {
    s.len() == 36
        && s.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Shannon entropy of `s` in bits per byte.
pub fn shannon_entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::generate::Generator;

    #[test]
    fn github_checksum_accepts_generated_and_rejects_bad() {
        let mut g = Generator::new(11);
        for _ in 0..20 {
            assert!(Check::GithubCrc32.passes(g.value("github:ghp").unwrap().as_bytes()));
            assert!(!Check::GithubCrc32.passes(g.value("github-bad:ghp").unwrap().as_bytes()));
            assert!(Check::NpmCrc32.passes(g.value("npm").unwrap().as_bytes()));
        }
    }

    #[test]
    fn jwt_and_pypi_structure() {
        let mut g = Generator::new(5);
        assert!(Check::Jwt.passes(g.value("jwt").unwrap().as_bytes()));
        assert!(!Check::Jwt.passes(b"eyJub3QiOiJqd3QifQ.eyJ4IjoxfQ.abc"));
        assert!(Check::PypiMacaroon.passes(g.value("pypi").unwrap().as_bytes()));
        assert!(!Check::PypiMacaroon.passes(b"pypi-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    }

    #[test]
    fn slack_segments_and_stripe_length_classes() {
        let mut g = Generator::new(9);
        for _ in 0..20 {
            let bot = format!(
                "xoxb-{}-{}-{}",
                g.value("digits:12").unwrap(),
                g.value("digits:13").unwrap(),
                g.value("alnum:24").unwrap()
            );
            assert!(Check::SlackToken.passes(bot.as_bytes()), "{bot}");
            let legacy = format!("sk_live_{}", g.value("alnum:24").unwrap());
            assert!(Check::StripeKey.passes(legacy.as_bytes()), "{legacy}");
            let scoped = format!("sk_live_51{}", g.value("alnum:97").unwrap());
            assert!(Check::StripeKey.passes(scoped.as_bytes()), "{scoped}");
            let odd = format!("sk_live_{}", g.value("alnum:40").unwrap());
            assert!(!Check::StripeKey.passes(odd.as_bytes()), "{odd}");
        }
        assert!(
            !Check::SlackToken.passes(b"xoxb-012345678912-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx")
        );
        assert!(
            !Check::SlackToken.passes(b"xoxb-123456789012-1234567890123-000000000000000000000000")
        );
    }

    #[test]
    fn aws_and_shapes() {
        assert!(Check::AwsKeyId.passes(b"AKIA2345672345672345"));
        assert!(!Check::AwsKeyId.passes(b"AKIA1111111111111111"));
        assert!(is_uuid(b"123e4567-e89b-42d3-a456-426614174000"));
        assert!(is_hex_digest(b"da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        assert!(shannon_entropy(b"aaaa") < 0.01);
        assert!(shannon_entropy(b"abcdefgh") > 2.9);
    }
}
