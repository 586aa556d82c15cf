//! The global placeholder filter: values that look like a secret's slot, not a secret.

/// Substrings (compared case-insensitively) that mark a documented example or a
/// template slot rather than a live credential.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "example",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "changeme",
    "change_me",
    "replace_me",
    "replaceme",
    "dummy",
    "redacted",
    "xxxxxx",
    "******",
    "......",
    "${",
    "{{",
    "}}",
    "<",
    ">",
    "process.env",
    "import.meta.env",
    "os.environ",
    "getenv",
    "env(",
    "env[",
    "%(",
    "1234567890",
    "0123456789",
    "abcdefghij",
    "insert_",
    "not_a_real",
    "notareal",
    "fake_",
];

/// Longest run of one repeated character a real random secret plausibly has.
const MAX_REPEAT_RUN: usize = 6;

/// Whether `secret` is a placeholder, template slot or documented example value.
pub fn is_placeholder(secret: &[u8]) -> bool {
    if secret.is_empty() {
        return true;
    }
    let lower = secret.to_ascii_lowercase();
    if PLACEHOLDER_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(&lower, m.as_bytes()).is_some())
    {
        return true;
    }
    if secret
        .windows(MAX_REPEAT_RUN + 1)
        .any(|w| w.iter().all(|&c| c == w[0]))
    {
        return true;
    }
    // A value that is an environment or template variable reference: $VAR, %VAR%.
    if (secret[0] == b'$'
        && secret[1..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_'))
        || (secret.len() > 2 && secret[0] == b'%' && secret[secret.len() - 1] == b'%')
    {
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn recognises_placeholders() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "YOUR_API_KEY",
            "xxxxxxxxxxxxxxxx",
            "changeme",
            "<token>",
            "${GITHUB_TOKEN}",
            "{{ .Values.apiKey }}",
            "process.env.STRIPE_KEY",
            "$SECRET_KEY",
            "%API_TOKEN%",
            "sk_live_000000000000000000000000",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        for s in ["ghp_R4nd0mB1tsHereQz8kLmP2vX9wYt", "wq8Zr2Lk9PmXn4Vb"] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }
}
