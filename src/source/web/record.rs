//! The crawl log: every URL fetched, not found, failed or skipped, with its reason.

use serde::Serialize;

/// What happened to one URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Fetched and scanned.
    Fetched,
    /// A guessed URL (probe, manifest, `.map`) that is not there: an error status,
    /// the site's catch-all page, or not the expected kind of file.
    NotFound,
    /// Could not be fetched or used (network error, error status on a referenced
    /// file, redirect loop, limit).
    Failed,
    /// Never requested: out of scope, a refused address, or a crawl limit reached first.
    Skipped,
}

impl Outcome {
    /// Lower-case label.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fetched => "fetched",
            Outcome::NotFound => "not-found",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
        }
    }
}

/// One URL in the crawl log.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct UrlRecord {
    /// The URL as printed (no userinfo, query values hidden).
    pub url: String,
    pub outcome: Outcome,
    /// `page`, `script`, `style`, `map`, `manifest`, `probe`, `soft-404-check`.
    pub kind: &'static str,
    /// HTTP status of the final response, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Decoded body bytes received.
    pub bytes: u64,
    /// Why (for anything but a plain fetch), e.g. `out of scope: cdn.example`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// The document that referenced this URL (absent for start URLs and probes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}
