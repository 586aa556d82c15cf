//! gitleaks rule ids mapped to the leakhound rules that find the same credentials.

/// gitleaks rule ids and the leakhound rules that find the same credentials, so
/// `.gitleaksignore` entries and disabled rules carry over.
pub const GITLEAKS_RULE_ALIASES: &[(&str, &[&str])] = &[
    ("aws-access-token", &["aws-access-key-id"]),
    ("github-pat", &["github-pat-classic"]),
    ("github-oauth", &["github-oauth-token"]),
    (
        "github-app-token",
        &["github-app-user-token", "github-app-installation-token"],
    ),
    (
        "stripe-access-token",
        &[
            "stripe-secret-key",
            "stripe-test-secret-key",
            "stripe-restricted-key",
        ],
    ),
    (
        "private-key",
        &[
            "private-key-rsa",
            "private-key-ec",
            "private-key-dsa",
            "private-key-pkcs8",
        ],
    ),
    ("sendgrid-api-token", &["sendgrid-api-key"]),
    ("gcp-api-key", &["google-api-key"]),
    ("jwt", &["generic-jwt"]),
];

/// Whether a leakhound rule id answers to a gitleaks rule id.
pub fn gitleaks_rule_matches(gitleaks_id: &str, rule_id: &str) -> bool {
    gitleaks_id == rule_id
        || GITLEAKS_RULE_ALIASES
            .iter()
            .any(|(g, ours)| *g == gitleaks_id && ours.contains(&rule_id))
}
