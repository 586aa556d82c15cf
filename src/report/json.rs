//! JSON and JSON Lines output; the schema is documented in docs/json-output.md.

use super::{Report, Suppressed};
use crate::finding::{Finding, Occurrence};
use crate::scan::stats::SkipCount;
use crate::skip::{Skip, SkipKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// Schema identifier carried by every JSON report.
pub const SCHEMA: &str = "leakhound/report/v1";

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Rotation<'a> {
    revoke_url: &'a str,
    hint: String,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    provider: &'a str,
    severity: &'a str,
    secret_id: &'a str,
    redacted: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    rotation: Rotation<'a>,
    occurrences: &'a [Occurrence],
}

#[derive(Serialize)]
struct Summary<'a> {
    target: &'a str,
    complete: bool,
    incomplete_reasons: Vec<String>,
    secrets: usize,
    occurrences: usize,
    blobs_scanned: u64,
    bytes_scanned: u64,
    blobs_read: u64,
    skipped: &'a BTreeMap<SkipKind, SkipCount>,
    skipped_files: &'a [Skip],
    suppressed: Suppressed,
    notes: &'a [String],
    /// `url` scans: every URL fetched, not found, failed or skipped.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    urls: &'a [crate::source::web::UrlRecord],
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary<'a>,
}

fn finding<'a>(r: &'a Report<'_>, f: &'a Finding) -> JsonFinding<'a> {
    let rule = r.rules.get(&f.rule_id).map(|c| &c.def);
    JsonFinding {
        rule_id: &f.rule_id,
        rule_name: rule.map_or("", |d| d.name.as_str()),
        provider: rule.map_or("", |d| d.provider.as_str()),
        severity: f.severity.as_str(),
        secret_id: &f.secret_id,
        redacted: &f.redacted,
        secret: r.show_secrets.then_some(f.secret.as_str()),
        rotation: Rotation {
            revoke_url: rule.map_or("", |d| d.rotation.revoke_url.as_str()),
            hint: rule.map(|d| d.rotation_hint()).unwrap_or_default(),
        },
        occurrences: &f.occurrences,
    }
}

fn summary<'a>(r: &'a Report<'_>) -> Summary<'a> {
    Summary {
        target: r.target,
        complete: r.complete(),
        incomplete_reasons: r.stats.incomplete_reasons(),
        secrets: r.findings.len(),
        occurrences: r.occurrence_count(),
        blobs_scanned: r.stats.blobs_scanned,
        bytes_scanned: r.stats.bytes_scanned,
        blobs_read: r.stats.blobs_read,
        skipped: &r.stats.skip_counts,
        skipped_files: &r.stats.skipped,
        suppressed: r.suppressed,
        notes: &r.stats.notes,
        urls: &r.stats.urls,
    }
}

/// One JSON document with findings and summary.
pub fn write(r: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let doc = Document {
        schema: SCHEMA,
        tool: Tool {
            name: "leakhound",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: r.findings.iter().map(|f| finding(r, f)).collect(),
        summary: summary(r),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// One finding per line, then one summary line (`"type": "summary"`).
pub fn write_lines(r: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Line<T: Serialize> {
        #[serde(rename = "type")]
        kind: &'static str,
        #[serde(flatten)]
        body: T,
    }
    for f in r.findings {
        serde_json::to_writer(
            &mut *out,
            &Line {
                kind: "finding",
                body: finding(r, f),
            },
        )?;
        writeln!(out)?;
    }
    serde_json::to_writer(
        &mut *out,
        &Line {
            kind: "summary",
            body: summary(r),
        },
    )?;
    writeln!(out)
}
