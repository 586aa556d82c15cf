//! The TOML shape of a rule file (`rules/*.toml` and `[[rule]]` in a user config).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A rule file: a list of `[[rule]]` tables.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleDef>,
}

/// One detection rule as written by its author.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub provider: String,
    pub severity: Severity,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub regex: String,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub checks: Vec<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub public: bool,
    /// `secret` (default) or `exposure`: a finding about something served or
    /// shipped that should not be (a source map, a `/.git/` directory), not a
    /// credential to rotate.
    #[serde(default, skip_serializing_if = "RuleKind::is_secret")]
    pub kind: RuleKind,
    #[serde(default)]
    pub allow: RuleAllow,
    #[serde(default)]
    pub rotation: Rotation,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negatives: Vec<String>,
    /// Peer catalogues that also cover this credential type, for the coverage
    /// table in `docs/rules.md`: `gitleaks`, `betterleaks` (also Kingfisher 2.x,
    /// which ships Betterleaks' catalogue), `kingfisher` (Kingfisher 1.x),
    /// `trufflehog`. Empty: no peer covers it (or not yet recorded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peers: Vec<String>,
    /// Rules this rule deliberately shares matches with (the same token can be
    /// found by both). Where two hits overlap, the more specific rule wins and
    /// the other's hit is dropped (see `rules::specificity`); `rules check`
    /// flags overlaps that no rule of the pair declares here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overlaps: Vec<String>,
}

/// The peer catalogues a rule's `peers` may name.
pub const PEER_NAMES: &[&str] = &["gitleaks", "betterleaks", "kingfisher", "trufflehog"];

/// What a rule's findings are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// A credential: rotate it.
    #[default]
    Secret,
    /// Something exposed: take it down.
    Exposure,
}

impl RuleKind {
    /// Whether this is the default kind (for serde's `skip_serializing_if`).
    pub fn is_secret(&self) -> bool {
        *self == RuleKind::Secret
    }
}

/// Per-rule allowlist.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleAllow {
    #[serde(default)]
    pub stopwords: Vec<String>,
    #[serde(default)]
    pub regexes: Vec<String>,
}

/// How to rotate a leaked credential of this kind.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    #[serde(default)]
    pub revoke_url: String,
    #[serde(default)]
    pub steps: String,
}

/// How bad a leak of this kind is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Lower-case name as used in rule files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parse a lower-case severity name.
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The reminder appended to every rule's rotation steps.
pub const UNLEAK_REMINDER: &str = "Deleting the secret from the file or rewriting git history does not un-leak it: anyone with a clone, a fork, a CI log or a cached build already has it. Rotate it.";

impl RuleDef {
    /// One line telling the user what to do first.
    pub fn rotation_hint(&self) -> String {
        if self.is_exposure() {
            return format!("What to do: {}", self.rotation.revoke_url);
        }
        if self.rotation.revoke_url.is_empty() {
            "Rotate this credential at its provider, then remove it from the code.".to_string()
        } else {
            format!("Revoke and rotate at {}", self.rotation.revoke_url)
        }
    }

    /// Full rotation guidance in markdown, with the standard reminder.
    pub fn rotation_markdown(&self) -> String {
        let mut out = String::new();
        if !self.rotation.revoke_url.is_empty() {
            out.push_str(&format!("Revoke: <{}>\n\n", self.rotation.revoke_url));
        }
        let steps = self.rotation.steps.trim();
        if !steps.is_empty() {
            out.push_str(steps);
            out.push_str("\n\n");
        }
        out.push_str(UNLEAK_REMINDER);
        out
    }

    /// An informational rule about an exposure (a published source map) rather
    /// than a credential: its match is not a secret to redact or rotate.
    pub fn is_exposure(&self) -> bool {
        self.kind == RuleKind::Exposure || (self.severity == Severity::Info && !self.public)
    }

    /// Whether this rule is a catch-all that a specific rule should win over.
    pub fn is_generic(&self) -> bool {
        self.id.starts_with("generic")
    }
}
