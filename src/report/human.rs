//! Human output: findings grouped by file, a rotation hint on each, a summary.

use super::Report;
use crate::origin::short;
use crate::rules::Severity;
use crate::skip::SkipKind;
use std::collections::BTreeMap;
use std::io::Write;

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.paint(code, &format!("{:<8}", s.as_str()))
    }
}

/// Human-readable byte count.
pub fn human_bytes(n: u64) -> String {
    const UNITS: &[&str] = &["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Write the report for a person.
pub fn write(r: &Report<'_>, out: &mut dyn Write, color: bool) -> std::io::Result<()> {
    let st = Style { on: color };
    // Group occurrences by the file they are in.
    let mut by_file: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (fi, f) in r.findings.iter().enumerate() {
        for (oi, o) in f.occurrences.iter().enumerate() {
            by_file.entry(o.path.clone()).or_default().push((fi, oi));
        }
    }
    for (path, mut items) in by_file {
        items.sort_by_key(|&(fi, oi)| {
            let o = &r.findings[fi].occurrences[oi];
            (o.line, o.column, fi)
        });
        writeln!(out, "{}", st.paint("1", &path))?;
        for (fi, oi) in items {
            let f = &r.findings[fi];
            let o = &f.occurrences[oi];
            let rule = r.rules.get(&f.rule_id).map(|c| &c.def);
            let name = rule.map_or(f.rule_id.as_str(), |d| d.name.as_str());
            let pos = format!("{}:{}", o.line, o.column);
            writeln!(
                out,
                "  {:<9} {} {}  {}",
                pos,
                st.severity(f.severity),
                name,
                st.paint("2", &format!("[{}]", f.rule_id))
            )?;
            writeln!(out, "            {}", o.preview)?;
            if !rule.is_some_and(|d| d.is_exposure()) {
                let secret = if r.show_secrets {
                    f.secret.clone()
                } else {
                    f.redacted.clone()
                };
                writeln!(
                    out,
                    "            secret {}  id {}",
                    secret,
                    st.paint("2", &f.secret_id)
                )?;
            }
            if let Some(c) = &o.commit {
                writeln!(
                    out,
                    "            commit {} by {} <{}> on {}",
                    short(&c.id),
                    c.author_name,
                    c.author_email,
                    c.date
                )?;
            }
            if let Some(orig) = &o.original {
                writeln!(
                    out,
                    "            original {}:{}:{}",
                    orig.source, orig.line, orig.column
                )?;
            }
            if let Some(note) = &o.note {
                writeln!(out, "            note: {note}")?;
            }
            if let Some(d) = rule {
                writeln!(
                    out,
                    "            {} {}",
                    st.paint("32", "→"),
                    d.rotation_hint()
                )?;
            }
        }
        writeln!(out)?;
    }
    summary(r, out, &st)
}

fn summary(r: &Report<'_>, out: &mut dyn Write, st: &Style) -> std::io::Result<()> {
    let s = r.stats;
    let files: std::collections::BTreeSet<&str> = r
        .findings
        .iter()
        .flat_map(|f| f.occurrences.iter().map(|o| o.path.as_str()))
        .collect();
    let headline = if r.findings.is_empty() {
        st.paint("32", "No secrets found.")
    } else {
        st.paint(
            "1;31",
            &format!(
                "Found {} secret{} ({} occurrence{}) in {} location{}.",
                r.findings.len(),
                plural(r.findings.len()),
                r.occurrence_count(),
                plural(r.occurrence_count()),
                files.len(),
                plural(files.len())
            ),
        )
    };
    writeln!(out, "{headline}")?;
    writeln!(
        out,
        "Scanned {} {} ({}) in {:.2}s.",
        s.blobs_scanned,
        if s.blobs_scanned == 1 {
            "blob"
        } else {
            "blobs"
        },
        human_bytes(s.bytes_scanned),
        r.elapsed.as_secs_f64()
    )?;
    if !s.skip_counts.is_empty() {
        let total: u64 = s.skip_counts.values().map(|c| c.count).sum();
        let parts: Vec<String> = s
            .skip_counts
            .iter()
            .map(|(k, c)| format!("{} {}", c.count, skip_label(*k)))
            .collect();
        writeln!(
            out,
            "Skipped {total}: {}.{}",
            parts.join(", "),
            if r.verbose {
                ""
            } else {
                " (--verbose lists them)"
            }
        )?;
    }
    if !s.urls.is_empty() {
        crawl_summary(r, out)?;
    }
    let sup = r.suppressed;
    if sup.inline + sup.allowlist + sup.baseline > 0 {
        writeln!(
            out,
            "Suppressed: {} by inline ignore, {} by allowlist, {} by baseline.",
            sup.inline, sup.allowlist, sup.baseline
        )?;
    }
    if r.verbose {
        for sk in &s.skipped {
            writeln!(
                out,
                "  skipped {} ({}): {}",
                sk.path,
                skip_label(sk.reason),
                sk.detail
            )?;
        }
    }
    for n in &s.notes {
        writeln!(out, "note: {n}")?;
    }
    let reasons = s.incomplete_reasons();
    if !reasons.is_empty() {
        writeln!(
            out,
            "{}",
            st.paint(
                "1;33",
                &format!(
                    "INCOMPLETE: {} item{} could not be scanned:",
                    reasons.len(),
                    plural(reasons.len())
                )
            )
        )?;
        for reason in reasons.iter().take(20) {
            writeln!(out, "  {reason}")?;
        }
        if reasons.len() > 20 {
            writeln!(
                out,
                "  … and {} more (see --format json)",
                reasons.len() - 20
            )?;
        }
    }
    if let Some(footer) = &r.footer {
        writeln!(out, "{footer}")?;
    }
    Ok(())
}

/// `url` scans: URL counts by outcome, and with `--verbose` every URL.
fn crawl_summary(r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    use crate::source::web::Outcome;
    let urls = &r.stats.urls;
    let count = |o: Outcome| urls.iter().filter(|u| u.outcome == o).count();
    let bytes: u64 = urls.iter().map(|u| u.bytes).sum();
    writeln!(
        out,
        "Fetched {} URL{} ({}); {} not found, {} failed, {} skipped.{}",
        count(Outcome::Fetched),
        plural(count(Outcome::Fetched)),
        human_bytes(bytes),
        count(Outcome::NotFound),
        count(Outcome::Failed),
        count(Outcome::Skipped),
        if r.verbose {
            ""
        } else {
            " (--verbose lists them)"
        }
    )?;
    if r.verbose {
        for u in urls {
            let status = u
                .status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "-".into());
            let mut line = format!(
                "  {:<9} {:>3} {:<8} {}",
                u.outcome.as_str(),
                status,
                u.kind,
                printable(&u.url)
            );
            if !u.reason.is_empty() {
                line.push_str(&format!(" ({})", printable(&u.reason)));
            }
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// `s` with control characters shown as `?` (URLs and errors come from the site).
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Short label for a skip kind.
pub fn skip_label(k: SkipKind) -> &'static str {
    match k {
        SkipKind::Binary => "binary",
        SkipKind::TooLarge => "over size limit",
        SkipKind::NotRegular => "not a regular file",
        SkipKind::Symlink => "symlink",
        SkipKind::SymlinkLoop => "symlink loop",
        SkipKind::LfsPointer => "LFS pointer",
        SkipKind::Submodule => "submodule",
        SkipKind::ArtifactLimit => "artifact limit",
        SkipKind::Unreadable => "unreadable",
        SkipKind::CorruptObject => "corrupt object",
    }
}

/// Findings only, without the summary (`--quiet`).
pub fn write_findings(r: &Report<'_>, out: &mut dyn Write, color: bool) -> std::io::Result<()> {
    let quiet = Report { footer: None, ..*r };
    let mut buf = Vec::new();
    write(&quiet, &mut buf, color)?;
    // The summary starts after the last blank line of the findings block.
    let text = String::from_utf8_lossy(&buf);
    let cut = if r.findings.is_empty() {
        0
    } else {
        text.rfind("\n\n").map_or(0, |i| i + 2)
    };
    out.write_all(text[..cut].as_bytes())
}
