//! SARIF 2.1.0 output for GitHub code scanning. The only module that imports
//! serde-sarif.
//!
//! Shape: one `reportingDescriptor` per rule that fired (every rule with
//! `--sarif-all-rules`), one `result` per finding (one secret, however many
//! places carry it), its occurrences as `locations`. No raw secret appears in a
//! message or snippet, even with `--show-secrets` (then it is only in the
//! result's `secret` property). `partialFingerprints["leakhound/v1"]` is the
//! secret-keyed id, so an alert follows the secret when code moves around it.
//!
//! Severity mapping (GitHub's bands: over 9.0 critical, 7.0-8.9 high, 4.0-6.9
//! medium, below low): critical 9.5, high 8.0, medium 5.5, low 3.0, info 1.0.
//! Levels: critical and high are `error`, medium `warning`, low and info `note`.

use super::Report;
use crate::finding::{Finding, Occurrence};
use crate::origin::Origin;
use crate::rules::{CompiledRule, Severity};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactContent, ArtifactLocation, Invocation, Location, LogicalLocation, Message,
    MultiformatMessageString, Notification, PhysicalLocation, PropertyBag, Region,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    RunAutomationDetails, Sarif, Tool, ToolComponent, VersionControlDetails,
};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// GitHub rejects a run with more results than this.
pub const MAX_RESULTS_PER_RUN: usize = 25_000;
/// GitHub rejects a result with more locations than this.
pub const MAX_LOCATIONS_PER_RESULT: usize = 1_000;
/// GitHub rejects a run with more rules than this.
pub const MAX_RULES_PER_RUN: usize = 25_000;
/// GitHub keeps at most this many tags per rule.
pub const MAX_TAGS_PER_RULE: usize = 20;
/// GitHub rejects an upload larger than this once gzip-compressed.
pub const MAX_GZIP_BYTES: usize = 10 * 1024 * 1024;
/// The partial fingerprint leakhound owns: the secret-keyed id (never a line number).
pub const FINGERPRINT_KEY: &str = "leakhound/v1";
/// GitHub's own fingerprint; set only when the upload action cannot compute it.
pub const LINE_HASH_KEY: &str = "primaryLocationLineHash";
/// Base id for repository-relative URIs.
pub const SRCROOT: &str = "%SRCROOT%";
/// `tool.driver.informationUri`.
pub const INFORMATION_URI: &str = "https://github.com/leakhound/leakhound";
/// CWE-798: use of hard-coded credentials (GitHub shows CWE tags on alerts).
const CWE_TAG: &str = "external/cwe/cwe-798";

/// Characters escaped in a URI path (RFC 3986 reserved and unsafe characters; `/` kept).
const URI_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// `security-severity` as GitHub wants it: a decimal string.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn level_str(s: Severity) -> &'static str {
    match level(s) {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        _ => "note",
    }
}

/// Write the SARIF log; limit warnings go to stderr (and into the run as notifications).
pub fn write(r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let (bytes, warnings) = render(r)?;
    for w in &warnings {
        eprintln!("leakhound: warning: {w}");
    }
    out.write_all(&bytes)
}

/// The SARIF log as JSON bytes and the limit warnings it needed, shrunk until it
/// fits GitHub's upload limit. Deterministic: findings are kept by severity, then
/// in report order.
pub fn render(r: &Report<'_>) -> std::io::Result<(Vec<u8>, Vec<String>)> {
    render_limited(r, MAX_RESULTS_PER_RUN, MAX_GZIP_BYTES)
}

fn render_limited(
    r: &Report<'_>,
    max_results: usize,
    max_gzip: usize,
) -> std::io::Result<(Vec<u8>, Vec<String>)> {
    let mut order: Vec<usize> = (0..r.findings.len()).collect();
    // Stable: equal severities keep the report's deterministic order.
    order.sort_by_key(|&i| std::cmp::Reverse(r.findings[i].severity));
    let mut keep = order.len().min(max_results);
    loop {
        let mut warnings = Vec::new();
        if keep < r.findings.len() {
            warnings.push(format!(
                "SARIF: {} of {} findings written (GitHub limits: {MAX_RESULTS_PER_RUN} results per run, {} MB gzip-compressed); the most severe were kept, use --format json for all",
                keep,
                r.findings.len(),
                MAX_GZIP_BYTES / (1024 * 1024)
            ));
        }
        let mut kept: Vec<usize> = order[..keep].to_vec();
        kept.sort_unstable();
        let log = build(r, &kept, &mut warnings);
        let mut bytes = serde_json::to_vec_pretty(&log).map_err(std::io::Error::other)?;
        bytes.push(b'\n');
        // Compressed is never larger than raw here: only gzip when raw is over the limit.
        if keep == 0 || bytes.len() <= max_gzip || gzip_len(&bytes)? <= max_gzip {
            return Ok((bytes, warnings));
        }
        keep /= 2;
    }
}

/// The gzip size, measured at the fastest level (twice as fast on a 40 MB log); its
/// output is larger than the default level's in practice, so the check errs on the
/// safe side.
fn gzip_len(bytes: &[u8]) -> std::io::Result<usize> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

/// Replaces raw secrets with their redactions (previews carry raw values under `--show-secrets`).
struct Redactor {
    ac: Option<aho_corasick::AhoCorasick>,
    redacted: Vec<String>,
}

impl Redactor {
    fn new(r: &Report<'_>) -> Redactor {
        if !r.show_secrets {
            return Redactor {
                ac: None,
                redacted: Vec::new(),
            };
        }
        let mut pairs: Vec<(&str, &str)> = r
            .findings
            .iter()
            .filter(|f| !f.secret.is_empty())
            .map(|f| (f.secret.as_str(), f.redacted.as_str()))
            .collect();
        // Longest first, so a secret containing another is replaced whole.
        pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        pairs.dedup_by(|a, b| a.0 == b.0);
        let ac = aho_corasick::AhoCorasickBuilder::new()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(pairs.iter().map(|p| p.0))
            .ok();
        Redactor {
            ac,
            redacted: pairs.iter().map(|p| p.1.to_string()).collect(),
        }
    }

    fn clean(&self, text: &str) -> String {
        match &self.ac {
            Some(ac) => ac.replace_all(text, &self.redacted),
            None => text.to_string(),
        }
    }
}

fn build(r: &Report<'_>, kept: &[usize], warnings: &mut Vec<String>) -> Sarif {
    // Rules: those that fired, sorted by id; or every rule in rule-set order.
    let mut rule_ids: Vec<&str> = if r.sarif_all_rules {
        r.rules.rules.iter().map(|c| c.def.id.as_str()).collect()
    } else {
        let mut ids: Vec<&str> = kept
            .iter()
            .map(|&i| r.findings[i].rule_id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    // A finding whose rule is not in the rule set still gets a (bare) descriptor.
    let mut described: std::collections::HashSet<&str> = rule_ids.iter().copied().collect();
    for &i in kept {
        let id = r.findings[i].rule_id.as_str();
        if described.insert(id) {
            rule_ids.push(id);
        }
    }
    if rule_ids.len() > MAX_RULES_PER_RUN {
        warnings.push(format!(
            "SARIF: {} rules described, GitHub's limit is {MAX_RULES_PER_RUN}; rules without results were dropped",
            rule_ids.len()
        ));
        let fired: std::collections::HashSet<&str> = kept
            .iter()
            .map(|&i| r.findings[i].rule_id.as_str())
            .collect();
        rule_ids.retain(|id| fired.contains(id));
    }
    let index: HashMap<&str, usize> = rule_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let descriptors: Vec<ReportingDescriptor> = rule_ids
        .iter()
        .map(|id| descriptor(id, r.rules.get(id)))
        .collect();

    let redactor = Redactor::new(r);
    let mut results = Vec::with_capacity(kept.len());
    let mut truncated_locations = 0usize;
    for &i in kept {
        let f = &r.findings[i];
        let rule = r.rules.get(&f.rule_id);
        let (res, dropped) = result(r, f, rule, index[f.rule_id.as_str()], &redactor);
        truncated_locations += dropped;
        results.push(res);
    }
    if truncated_locations > 0 {
        warnings.push(format!(
            "SARIF: {truncated_locations} locations left out (GitHub's limit is {MAX_LOCATIONS_PER_RESULT} per result); the result's `occurrences` property has the full count"
        ));
    }

    let driver = ToolComponent::builder()
        .name("leakhound")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(descriptors)
        .build();
    let notifications: Vec<Notification> = warnings
        .iter()
        .map(|w| {
            Notification::builder()
                .message(Message::from(w.as_str()))
                .level(json!("warning"))
                .build()
        })
        .chain(r.stats.incomplete_reasons().into_iter().map(|reason| {
            Notification::builder()
                .message(Message::from(format!("not scanned: {reason}").as_str()))
                .level(json!("error"))
                .build()
        }))
        .collect();
    let invocation = if notifications.is_empty() {
        Invocation::builder()
            .execution_successful(r.complete())
            .build()
    } else {
        Invocation::builder()
            .execution_successful(r.complete())
            .tool_execution_notifications(notifications)
            .build()
    };
    let has_history = kept
        .iter()
        .any(|&i| r.findings[i].occurrences.iter().any(|o| o.commit.is_some()));
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .column_kind(json!("unicodeCodePoints"))
        .invocations(vec![invocation]);
    let run = match (r.sarif_category, has_history) {
        (Some(cat), true) => run
            .automation_details(RunAutomationDetails::builder().id(cat).build())
            .version_control_provenance(vec![provenance(r)])
            .build(),
        (Some(cat), false) => run
            .automation_details(RunAutomationDetails::builder().id(cat).build())
            .build(),
        (None, true) => run.version_control_provenance(vec![provenance(r)]).build(),
        (None, false) => run.build(),
    };
    Sarif::builder()
        .schema(serde_sarif::sarif::SCHEMA_URL)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn provenance(r: &Report<'_>) -> VersionControlDetails {
    let (uri, rev, branch) = match r.vcs {
        Some(v) => (
            v.repository_uri.clone(),
            v.revision_id.clone(),
            v.branch.clone(),
        ),
        None => {
            // Without repository details, the working directory names the repository.
            let cwd = std::env::current_dir().unwrap_or_default();
            (file_uri(&cwd.to_string_lossy()), None, None)
        }
    };
    match (rev, branch) {
        (Some(rev), Some(b)) => VersionControlDetails::builder()
            .repository_uri(uri)
            .revision_id(rev)
            .branch(b)
            .build(),
        (Some(rev), None) => VersionControlDetails::builder()
            .repository_uri(uri)
            .revision_id(rev)
            .build(),
        (None, Some(b)) => VersionControlDetails::builder()
            .repository_uri(uri)
            .branch(b)
            .build(),
        (None, None) => VersionControlDetails::builder().repository_uri(uri).build(),
    }
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

fn tag_slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The tags a rule carries: `security`, `secret`, CWE-798, its provider (at most 20).
pub fn rule_tags(provider: &str) -> Vec<String> {
    let mut tags = vec![
        "security".to_string(),
        "secret".to_string(),
        CWE_TAG.to_string(),
    ];
    let p = tag_slug(provider);
    if !p.is_empty() && !tags.contains(&p) {
        tags.push(p);
    }
    tags.truncate(MAX_TAGS_PER_RULE);
    tags
}

fn descriptor(id: &str, rule: Option<&CompiledRule>) -> ReportingDescriptor {
    let Some(rule) = rule else {
        return ReportingDescriptor::builder().id(id).build();
    };
    let d = &rule.def;
    let description = if d.description.trim().is_empty() {
        d.name.clone()
    } else {
        d.description.trim().to_string()
    };
    let rotation = d.rotation_markdown();
    let provider = if d.provider.is_empty() {
        String::new()
    } else {
        format!(" ({})", d.provider)
    };
    let markdown = format!(
        "**{}**{provider}\n\n{description}\n\n### How to rotate\n\n{rotation}\n\nDetails: `leakhound rules explain {id}`.",
        d.name
    );
    let help_text = format!("{description}\n\nHow to rotate:\n{rotation}");
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_string(),
        json!(security_severity(d.severity)),
    );
    props.insert(
        "precision".to_string(),
        json!(if d.is_generic() { "medium" } else { "high" }),
    );
    let base = ReportingDescriptor::builder()
        .id(id)
        .name(d.name.as_str())
        .short_description(text(d.name.as_str()))
        .full_description(text(description))
        .help(
            MultiformatMessageString::builder()
                .text(help_text)
                .markdown(markdown)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level_str(d.severity)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(rule_tags(&d.provider))
                .additional_properties(props)
                .build(),
        );
    if d.rotation.revoke_url.starts_with("https://") {
        base.help_uri(d.rotation.revoke_url.as_str()).build()
    } else {
        base.build()
    }
}

/// Whether GitHub's upload action can hash this occurrence's line itself: the file
/// must be in the checked-out tree. History findings in deleted files, commit
/// messages and stdin cannot be hashed, so leakhound supplies the hash.
fn action_can_hash(r: &Report<'_>, o: &Occurrence) -> bool {
    if o.origin.url().is_some() {
        // A URL is not a file in the repository: GitHub cannot hash its line.
        return false;
    }
    let Some(path) = o.origin.file_path() else {
        return false;
    };
    if o.commit.is_none() {
        return !matches!(o.origin, Origin::Stdin);
    }
    match r.tree_paths {
        None => true,
        Some(tree) => tree.contains(path),
    }
}

fn result(
    r: &Report<'_>,
    f: &Finding,
    rule: Option<&CompiledRule>,
    rule_index: usize,
    redactor: &Redactor,
) -> (SarifResult, usize) {
    let name = rule.map_or(f.rule_id.as_str(), |c| c.def.name.as_str());
    let hint = rule.map(|c| c.def.rotation_hint()).unwrap_or_default();
    // The primary location: the first occurrence GitHub can show in the current tree.
    let primary = f
        .occurrences
        .iter()
        .position(|o| action_can_hash(r, o))
        .unwrap_or(0);
    let mut ordered: Vec<&Occurrence> = Vec::with_capacity(f.occurrences.len());
    if let Some(p) = f.occurrences.get(primary) {
        ordered.push(p);
    }
    ordered.extend(
        f.occurrences
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != primary)
            .map(|(_, o)| o),
    );
    let dropped = ordered.len().saturating_sub(MAX_LOCATIONS_PER_RESULT);
    ordered.truncate(MAX_LOCATIONS_PER_RESULT);

    let mut message = format!("{name} `{}`", f.redacted);
    if let Some(o) = ordered.first() {
        match &o.origin {
            Origin::GitMessage { commit } => message.push_str(&format!(
                " in the message of commit {}",
                crate::origin::short(&commit.id)
            )),
            _ => message.push_str(&format!(" in {}", redactor.clean(&o.path))),
        }
    }
    if f.occurrences.len() > 1 {
        message.push_str(&format!(
            " and {} more place{}",
            f.occurrences.len() - 1,
            if f.occurrences.len() == 2 { "" } else { "s" }
        ));
    }
    message.push_str(&format!(". {hint}"));

    let locations: Vec<Location> = ordered.iter().map(|o| location(o, redactor)).collect();
    let mut related = Vec::new();
    for o in &ordered {
        if let Some(orig) = &o.original {
            let id = related.len() as i64;
            related.push(
                Location::builder()
                    .id(id)
                    .physical_location(
                        PhysicalLocation::builder()
                            .artifact_location(
                                ArtifactLocation::builder()
                                    .uri(encode_uri_ref(&orig.source))
                                    .build(),
                            )
                            .region(
                                Region::builder()
                                    .start_line(orig.line.max(1) as i64)
                                    .start_column(orig.column.max(1) as i64)
                                    .build(),
                            )
                            .build(),
                    )
                    .message(Message::from(
                        format!(
                            "original source of {}:{} (via its source map)",
                            redactor.clean(&o.path),
                            o.line
                        )
                        .as_str(),
                    ))
                    .build(),
            );
        }
    }

    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.secret_id.clone());
    if let Some(o) = ordered.first()
        && !action_can_hash(r, o)
    {
        // GitHub's format is `<hash>:<n>`; the secret id stays stable across runs.
        fingerprints.insert(LINE_HASH_KEY.to_string(), format!("{}:1", f.secret_id));
    }

    let mut props = BTreeMap::new();
    props.insert("secretId".to_string(), json!(f.secret_id));
    props.insert("redacted".to_string(), json!(f.redacted));
    props.insert("severity".to_string(), json!(f.severity.as_str()));
    props.insert("occurrences".to_string(), json!(f.occurrences.len()));
    if let Some(o) = ordered.first() {
        props.insert("kind".to_string(), json!(o.kind));
        if let Some(c) = &o.commit {
            props.insert("commit".to_string(), json!(c.id));
            props.insert(
                "author".to_string(),
                json!(format!("{} <{}>", c.author_name, c.author_email)),
            );
            props.insert("date".to_string(), json!(c.date));
        }
        if let Some(n) = &o.note {
            props.insert("note".to_string(), json!(n));
        }
    }
    if r.show_secrets {
        props.insert("secret".to_string(), json!(f.secret));
    }

    let base = SarifResult::builder()
        .rule_id(f.rule_id.as_str())
        .rule_index(rule_index as i64)
        .level(level(f.severity))
        .message(Message::from(message.as_str()))
        .locations(locations)
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag::builder().additional_properties(props).build());
    let res = if related.is_empty() {
        base.build()
    } else {
        base.related_locations(related).build()
    };
    (res, dropped)
}

fn location(o: &Occurrence, redactor: &Redactor) -> Location {
    let snippet = ArtifactContent::builder()
        .text(redactor.clean(&o.preview))
        .build();
    let region = Region::builder()
        .start_line(o.line.max(1) as i64)
        .start_column(o.column.max(1) as i64)
        .end_column(o.end_column.max(o.column + 1) as i64)
        .snippet(snippet)
        .build();
    match &o.origin {
        Origin::GitMessage { commit } => Location::builder()
            .logical_locations(vec![
                LogicalLocation::builder()
                    .name(commit.id.as_str())
                    .kind("commit-message")
                    .build(),
            ])
            .message(Message::from(
                format!("message of commit {}", commit.id).as_str(),
            ))
            .build(),
        Origin::Stdin => Location::builder()
            .physical_location(
                PhysicalLocation::builder()
                    .artifact_location(ArtifactLocation::builder().uri("stdin").build())
                    .region(region)
                    .build(),
            )
            .build(),
        Origin::Url { url, .. } => Location::builder()
            .physical_location(
                PhysicalLocation::builder()
                    .artifact_location(url_location(url))
                    .region(region)
                    .build(),
            )
            .build(),
        Origin::Artifact { inner, .. } => {
            // Lines and columns are inside the embedded file, not the outer one:
            // point at the outer file and name the inner one.
            let outer = match o.origin.url() {
                Some(url) => url_location(url),
                None => artifact_location(o.origin.file_path().unwrap_or_default()),
            };
            Location::builder()
                .physical_location(PhysicalLocation::builder().artifact_location(outer).build())
                .message(Message::from(
                    format!(
                        "inside {}, line {}, column {}",
                        redactor.clean(inner),
                        o.line,
                        o.column
                    )
                    .as_str(),
                ))
                .build()
        }
        _ => {
            let path = o.origin.file_path().unwrap_or(&o.path);
            let phys = PhysicalLocation::builder()
                .artifact_location(artifact_location(path))
                .region(region)
                .build();
            match &o.commit {
                Some(c) => Location::builder()
                    .physical_location(phys)
                    .message(Message::from(
                        format!(
                            "introduced in commit {} by {} on {}",
                            crate::origin::short(&c.id),
                            c.author_name,
                            c.date
                        )
                        .as_str(),
                    ))
                    .build(),
                None => Location::builder().physical_location(phys).build(),
            }
        }
    }
}

/// A fetched URL is its own absolute artifact URI (the printable form, with the
/// `…` that hides query values percent-encoded).
fn url_location(url: &str) -> ArtifactLocation {
    const NON_ASCII: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');
    ArtifactLocation::builder()
        .uri(utf8_percent_encode(url, NON_ASCII).to_string())
        .build()
}

/// A repository-relative path becomes `uri` + `%SRCROOT%`; an absolute path under
/// the working directory is made relative first; any other absolute path is a `file://` URI.
fn artifact_location(path: &str) -> ArtifactLocation {
    match repo_relative(path) {
        Some(rel) => ArtifactLocation::builder()
            .uri(utf8_percent_encode(&rel, URI_PATH).to_string())
            .uri_base_id(SRCROOT)
            .build(),
        None => ArtifactLocation::builder().uri(file_uri(path)).build(),
    }
}

/// `path` relative to the working directory, `/`-separated; `None` for a path outside it.
pub fn repo_relative(path: &str) -> Option<String> {
    let p = std::path::Path::new(path);
    if p.is_absolute() {
        let cwd = std::env::current_dir().ok()?;
        let rel = p.strip_prefix(&cwd).ok()?;
        return Some(rel.to_string_lossy().into_owned());
    }
    let mut s = path;
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    Some(s.to_string())
}

fn file_uri(abs: &str) -> String {
    let p = utf8_percent_encode(abs, URI_PATH).to_string();
    if p.starts_with('/') {
        format!("file://{p}")
    } else {
        format!("file:///{p}")
    }
}

/// A source-map source (`webpack:///src/a.ts`, `../src/a.ts`) as a URI reference.
fn encode_uri_ref(s: &str) -> String {
    match s.split_once("://") {
        Some((scheme, rest))
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            format!("{scheme}://{}", utf8_percent_encode(rest, URI_PATH))
        }
        _ => utf8_percent_encode(s, URI_PATH).to_string(),
    }
}

/// The SARIF log for `r` as a JSON value (tests and tools that post-process it).
pub fn to_value(r: &Report<'_>) -> std::io::Result<Value> {
    let (bytes, _) = render(r)?;
    serde_json::from_slice(&bytes).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_fall_in_githubs_bands() {
        let band = |s: Severity| security_severity(s).parse::<f64>().unwrap();
        assert!(band(Severity::Critical) > 9.0);
        assert!((7.0..9.0).contains(&band(Severity::High)));
        assert!((4.0..7.0).contains(&band(Severity::Medium)));
        assert!(band(Severity::Low) < 4.0 && band(Severity::Low) >= 0.1);
        assert!(band(Severity::Info) < band(Severity::Low));
    }

    #[test]
    fn uris_are_relative_and_escaped() {
        assert_eq!(repo_relative("./a/b c.txt").unwrap(), "a/b c.txt");
        let loc = artifact_location("dir/a b#1.txt");
        assert_eq!(loc.uri.as_deref(), Some("dir/a%20b%231.txt"));
        assert_eq!(loc.uri_base_id.as_deref(), Some(SRCROOT));
        let abs = artifact_location("/definitely/not/under/cwd.txt");
        assert_eq!(
            abs.uri.as_deref(),
            Some("file:///definitely/not/under/cwd.txt")
        );
        assert!(abs.uri_base_id.is_none());
        assert_eq!(
            encode_uri_ref("webpack:///src/a b.ts"),
            "webpack:///src/a%20b.ts"
        );
    }

    fn findings(n: usize) -> Vec<Finding> {
        (0..n)
            .map(|i| {
                let secret = format!("ghp_{i:036}");
                let sid = crate::finding::secret_id("github-pat-classic", secret.as_bytes());
                let origin = Origin::File {
                    path: format!("f{i:03}.txt"),
                };
                Finding {
                    rule_id: "github-pat-classic".into(),
                    secret_id: sid.clone(),
                    severity: if i % 3 == 0 {
                        Severity::Critical
                    } else {
                        Severity::Medium
                    },
                    redacted: crate::finding::redact(&secret),
                    secret,
                    occurrences: vec![Occurrence {
                        kind: origin.kind(),
                        path: origin.display(),
                        line: 1,
                        column: 1,
                        end_column: 41,
                        fingerprint: sid,
                        preview: "x".into(),
                        blob_id: None,
                        commit: None,
                        tag: None,
                        original: None,
                        note: None,
                        inline_allowed: false,
                        origin,
                    }],
                }
            })
            .collect()
    }

    fn kept_paths(bytes: &[u8]) -> Vec<String> {
        let v: Value = serde_json::from_slice(bytes).unwrap();
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn result_and_size_limits_keep_the_most_severe_deterministically() {
        let rules = crate::rules::RuleSet::shipped().unwrap();
        let stats = crate::scan::StatsSnapshot::default();
        let f = findings(12);
        let r = Report {
            findings: &f,
            stats: &stats,
            rules: &rules,
            suppressed: Default::default(),
            show_secrets: false,
            verbose: false,
            target: "folder",
            elapsed: std::time::Duration::ZERO,
            footer: None,
            tree_paths: None,
            vcs: None,
            sarif_all_rules: false,
            sarif_category: None,
        };
        // Result limit: the 4 critical findings (0, 3, 6, 9) survive, in report order.
        let (bytes, warnings) = render_limited(&r, 4, MAX_GZIP_BYTES).unwrap();
        assert_eq!(
            kept_paths(&bytes),
            ["f000.txt", "f003.txt", "f006.txt", "f009.txt"]
        );
        assert!(warnings[0].contains("4 of 12 findings"), "{warnings:?}");
        assert_eq!(render_limited(&r, 4, MAX_GZIP_BYTES).unwrap().0, bytes);
        // Size limit: halved until the compressed log fits.
        let (full, _) = render_limited(&r, 100, MAX_GZIP_BYTES).unwrap();
        let limit = gzip_len(&full).unwrap() - 1;
        let (small, warnings) = render_limited(&r, 100, limit).unwrap();
        assert!(gzip_len(&small).unwrap() <= limit);
        let kept = kept_paths(&small);
        assert!(kept.len() < 12 && !kept.is_empty(), "{kept:?}");
        assert_eq!(kept[0], "f000.txt");
        assert!(
            warnings[0].contains(&format!("{} of 12", kept.len())),
            "{warnings:?}"
        );
    }

    #[test]
    fn tags_are_capped_and_slugged() {
        let t = rule_tags("Amazon Web Services (AWS)");
        assert_eq!(t.last().unwrap(), "amazon-web-services-aws");
        assert!(t.len() <= MAX_TAGS_PER_RULE);
    }
}
