//! Suppressions: inline `leakhound:allow` markers, config allowlists, baselines.

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
