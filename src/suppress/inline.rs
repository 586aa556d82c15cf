//! Inline markers (`leakhound:allow` and the markers gitleaks and
//! detect-secrets users already write): applied at detection time, per line.

/// Inline markers that suppress findings on their line. `gitleaks:allow` and
/// `pragma: allowlist secret` are honoured for users migrating from gitleaks and
/// detect-secrets.
pub const INLINE_MARKERS: &[&str] = &[
    "leakhound:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

/// Whether a line carries an inline ignore marker.
pub fn has_inline_allow(line: &[u8]) -> bool {
    INLINE_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(line, m.as_bytes()).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_found_in_any_comment_syntax() {
        for line in [
            "token = 'x' # leakhound:allow",
            "const t = 'x'; // gitleaks:allow",
            "int t = 1; /* leakhound:allow */",
            "<!-- leakhound:allow --> <key>x</key>",
            "select 'x'; -- pragma: allowlist secret",
            "key = x ; leakhound:allow",
        ] {
            assert!(has_inline_allow(line.as_bytes()), "{line}");
        }
        assert!(!has_inline_allow(b"token = 'x' # leakhound: allow"));
        assert!(!has_inline_allow(b"token = 'x' # allow"));
    }
}
