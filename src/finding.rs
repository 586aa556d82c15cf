//! Grouping matches into findings: one per (rule, secret), with every occurrence,
//! a secret-keyed id, redacted previews and stable fingerprints.

use crate::location::LineIndex;
use crate::origin::Origin;
use crate::rules::Severity;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// Characters of context shown on each side of a secret in a preview.
const PREVIEW_CONTEXT_CHARS: usize = 32;
/// Characters of the secret revealed by redaction, at most.
const REDACT_SHOW_CHARS: usize = 4;

/// `hex(sha256("leakhound/v1\0" ‖ rule_id ‖ "\0" ‖ secret))[..32]`: the baseline
/// key and SARIF fingerprint. It names a secret without revealing it.
pub fn secret_id(rule_id: &str, secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"leakhound/v1\0");
    h.update(rule_id.as_bytes());
    h.update(b"\0");
    h.update(secret);
    hex::encode(h.finalize())[..32].to_string()
}

/// A fingerprint for one occurrence: the secret and the file it is in, never the
/// line, so it survives code moving around it.
pub fn occurrence_fingerprint(secret_id: &str, path: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"leakhound/v1/occurrence\0");
    h.update(secret_id.as_bytes());
    h.update(b"\0");
    h.update(path.as_bytes());
    hex::encode(h.finalize())[..32].to_string()
}

/// `ghp_…(40 chars)`: a few leading characters and the length. Short secrets
/// reveal proportionally less.
pub fn redact(secret: &str) -> String {
    let n = secret.chars().count();
    let show = REDACT_SHOW_CHARS.min(n / 4);
    let head: String = secret.chars().take(show).map(printable).collect();
    format!("{head}…({n} chars)")
}

fn printable(c: char) -> char {
    if c.is_control() { ' ' } else { c }
}

/// A line window around `[start, end)` of `data` where every span in `secrets`
/// (including this one) is replaced by its redaction; `show` keeps raw values.
pub fn preview(
    data: &[u8],
    line_start: usize,
    start: usize,
    end: usize,
    secrets: &[(usize, usize)],
    show: bool,
) -> String {
    let line_end = crate::location::line_end(data, end);
    let from = back_chars(data, line_start, start, PREVIEW_CONTEXT_CHARS);
    let to = forward_chars(data, end, line_end, PREVIEW_CONTEXT_CHARS);
    let mut out = String::new();
    if from > line_start {
        out.push('…');
    }
    let mut at = from;
    let mut spans: Vec<(usize, usize)> = secrets
        .iter()
        .copied()
        .filter(|&(s, e)| s < to && e > from)
        .collect();
    spans.sort_unstable();
    for (s, e) in spans {
        if s < at {
            continue;
        }
        out.push_str(&clean(&data[at..s]));
        let raw = String::from_utf8_lossy(&data[s..e.min(data.len())]);
        if show {
            out.push_str(&clean(raw.as_bytes()))
        } else {
            out.push_str(&redact(&raw))
        }
        at = e;
    }
    if at < to {
        out.push_str(&clean(&data[at..to]));
    }
    if to < line_end {
        out.push('…');
    }
    out.trim().to_string()
}

fn clean(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(printable)
        .collect()
}

fn back_chars(data: &[u8], floor: usize, from: usize, n: usize) -> usize {
    let mut at = from;
    let mut seen = 0;
    while at > floor && seen < n {
        at -= 1;
        if data[at] & 0xC0 != 0x80 {
            seen += 1;
        }
    }
    at
}

fn forward_chars(data: &[u8], from: usize, ceil: usize, n: usize) -> usize {
    let mut at = from;
    let mut seen = 0;
    while at < ceil && seen < n {
        at += 1;
        while at < ceil && data[at] & 0xC0 == 0x80 {
            at += 1;
        }
        seen += 1;
    }
    at.min(ceil)
}

/// A location in an original source, resolved through a source map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginalLocation {
    pub source: String,
    pub line: usize,
    pub column: usize,
}

/// One place a secret was found in one blob: the scanner's output, before
/// grouping. Spans are byte offsets into the blob it was found in.
#[derive(Debug, Clone)]
pub struct Detection {
    pub rule_id: String,
    pub secret: Vec<u8>,
    pub origin: Origin,
    /// Byte span `[start, end)` of the secret in its blob.
    pub span: (usize, usize),
    pub line: usize,
    pub column: usize,
    pub end_column: usize,
    /// 0-based UTF-16 column of the secret's start (what source maps use).
    pub utf16_column: usize,
    /// Redacted context (raw only when the user asked for secrets).
    pub preview: String,
    pub blob_id: Option<String>,
    pub original: Option<OriginalLocation>,
    /// Raised severity for this occurrence (e.g. a client-exposed env prefix).
    pub severity: Option<Severity>,
    /// Extra explanation, e.g. "the build inlines NEXT_PUBLIC_ values into the browser bundle".
    pub note: Option<String>,
    /// The line carries an inline ignore marker (`leakhound:allow`).
    pub inline_allowed: bool,
}

impl Detection {
    /// Add `note` after any note the detection already has.
    pub fn add_note(&mut self, note: &str) {
        self.note = Some(match self.note.take() {
            Some(n) if !n.is_empty() => format!("{n}; {note}"),
            _ => note.to_string(),
        });
    }
}

/// Turns secret spans in one blob into [`Detection`]s: position through the
/// blob's one [`LineIndex`], a preview in which every known secret span of the
/// blob is redacted, and the inline-allow marker of the line.
pub struct DetectionBuilder<'a> {
    index: LineIndex<'a>,
    /// Every secret span found in the blob, redacted in each preview.
    spans: Vec<(usize, usize)>,
    show_secrets: bool,
}

impl<'a> DetectionBuilder<'a> {
    /// A builder for `data` whose previews redact `spans` (unless `show_secrets`).
    pub fn new(data: &'a [u8], spans: Vec<(usize, usize)>, show_secrets: bool) -> Self {
        DetectionBuilder {
            index: LineIndex::new(data),
            spans,
            show_secrets,
        }
    }

    /// The blob's bytes.
    pub fn data(&self) -> &'a [u8] {
        self.index.data()
    }

    /// Also redact `span` in later previews (a secret a reader found).
    pub fn add_span(&mut self, span: (usize, usize)) {
        if !self.spans.contains(&span) {
            self.spans.push(span);
        }
    }

    /// The position of byte `offset`.
    pub fn position(&mut self, offset: usize) -> crate::location::Position {
        self.index.position(offset)
    }

    /// A detection of `rule_id` for the secret at `span`, seen at `origin`.
    pub fn build(&mut self, rule_id: &str, span: (usize, usize), origin: &Origin) -> Detection {
        let data = self.index.data();
        let (s, e) = span;
        let pos = self.index.position(s);
        let secret = &data[s..e];
        let (chars, _) = crate::location::count_units(secret);
        let line_text = &data[pos.line_start..crate::location::line_end(data, e)];
        Detection {
            rule_id: rule_id.to_string(),
            secret: secret.to_vec(),
            origin: origin.clone(),
            span,
            line: pos.line,
            column: pos.column,
            end_column: pos.column + chars,
            utf16_column: pos.utf16_column,
            preview: preview(data, pos.line_start, s, e, &self.spans, self.show_secrets),
            blob_id: None,
            original: None,
            severity: None,
            note: None,
            inline_allowed: crate::suppress::inline::has_inline_allow(line_text),
        }
    }
}

/// One occurrence of a finding's secret.
#[derive(Debug, Clone, Serialize)]
pub struct Occurrence {
    /// Serialised only for `url` scans, as `url`: the URL the content was fetched
    /// from (printable: no userinfo, query values hidden).
    #[serde(
        rename = "url",
        serialize_with = "serialize_url",
        skip_serializing_if = "has_no_url"
    )]
    pub origin: Origin,
    pub kind: &'static str,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_column: usize,
    pub fingerprint: String,
    pub preview: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blob_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<crate::origin::CommitMeta>,
    /// The annotated tag whose message holds the secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<crate::origin::TagMeta>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<OriginalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip)]
    pub inline_allowed: bool,
}

fn has_no_url(o: &Origin) -> bool {
    o.url().is_none()
}

fn serialize_url<S: serde::Serializer>(o: &Origin, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(o.url().unwrap_or_default())
}

impl Occurrence {
    fn sort_key(&self) -> (String, i64, usize, usize, String) {
        let ts = self.commit.as_ref().map_or(0, |c| c.timestamp);
        (
            self.path.clone(),
            ts,
            self.line,
            self.column,
            self.commit
                .as_ref()
                .map(|c| c.id.clone())
                .unwrap_or_default(),
        )
    }
}

/// One secret found by one rule, with every place it occurs.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub secret_id: String,
    pub severity: Severity,
    /// Redacted secret: `ghp_…(40 chars)`.
    pub redacted: String,
    /// The raw secret; only serialised with `--show-secrets`.
    #[serde(skip)]
    pub secret: String,
    pub occurrences: Vec<Occurrence>,
}

/// Detections keyed by (rule id, raw secret).
type Groups = HashMap<(String, Vec<u8>), Vec<Detection>>;

/// Collects detections from all workers, grouped by (rule, secret).
#[derive(Default)]
pub struct Collector {
    groups: Mutex<Groups>,
}

impl Collector {
    /// Add one blob's detections.
    pub fn add(&self, detections: Vec<Detection>) {
        if detections.is_empty() {
            return;
        }
        let mut g = self.groups.lock().unwrap_or_else(|p| p.into_inner());
        for d in detections {
            g.entry((d.rule_id.clone(), d.secret.clone()))
                .or_default()
                .push(d);
        }
    }

    /// Build sorted findings; `base_severity` gives a rule's (possibly overridden) severity.
    pub fn into_findings(self, base_severity: impl Fn(&str) -> Severity) -> Vec<Finding> {
        let groups = self.groups.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut findings: Vec<Finding> = groups
            .into_iter()
            .map(|((rule_id, secret), dets)| {
                let sid = secret_id(&rule_id, &secret);
                let mut severity = base_severity(&rule_id);
                let mut occurrences: Vec<Occurrence> = Vec::with_capacity(dets.len());
                for d in dets {
                    if let Some(s) = d.severity {
                        severity = severity.max(s);
                    }
                    let path = d.origin.display();
                    occurrences.push(Occurrence {
                        kind: d.origin.kind(),
                        fingerprint: occurrence_fingerprint(&sid, &path),
                        path,
                        line: d.line,
                        column: d.column,
                        end_column: d.end_column,
                        preview: d.preview,
                        blob_id: d.blob_id,
                        commit: d.origin.commit().map(|c| (**c).clone()),
                        tag: d.origin.tag().map(|t| (**t).clone()),
                        original: d.original,
                        note: d.note,
                        inline_allowed: d.inline_allowed,
                        origin: d.origin,
                    });
                }
                occurrences.sort_by_key(|a| a.sort_key());
                occurrences.dedup_by(|a, b| a.sort_key() == b.sort_key());
                let secret = String::from_utf8_lossy(&secret).into_owned();
                Finding {
                    redacted: redact(&secret),
                    secret,
                    rule_id,
                    secret_id: sid,
                    severity,
                    occurrences,
                }
            })
            .collect();
        sort_findings(&mut findings);
        findings
    }
}

/// Deterministic order: by first occurrence's path and position, then rule.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let ka = a.occurrences.first().map(|o| o.sort_key());
        let kb = b.occurrences.first().map(|o| o.sort_key());
        ka.cmp(&kb)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.secret_id.cmp(&b.secret_id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_most_of_the_secret() {
        assert_eq!(
            redact("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            "ghp_…(40 chars)"
        );
        assert_eq!(redact("hunter22"), "hu…(8 chars)");
        assert_eq!(redact("abc"), "…(3 chars)");
    }

    #[test]
    fn preview_never_contains_the_secret() {
        let data = b"const key = \"sk_live_SECRETSECRETSECRET\"; // other";
        let s = 13;
        let e = s + "sk_live_SECRETSECRETSECRET".len();
        let p = preview(data, 0, s, e, &[(s, e)], false);
        assert!(!p.contains("SECRETSECRET"), "{p}");
        assert!(p.contains("sk_l…(26 chars)"), "{p}");
        assert!(preview(data, 0, s, e, &[(s, e)], true).contains("SECRETSECRET"));
    }

    #[test]
    fn secret_id_is_stable_and_keyed() {
        assert_eq!(secret_id("a", b"x"), secret_id("a", b"x"));
        assert_ne!(secret_id("a", b"x"), secret_id("b", b"x"));
        assert_eq!(secret_id("a", b"x").len(), 32);
    }
}
