//! Where scan time goes, per rule, over a folder.
//!
//! ```text
//! cargo run --release --example rule_profile -- DIR [TOP]
//! ```
//!
//! Runs the real matcher (keyword scan, windows, regexes, checks) over every file
//! under DIR with per-rule timing switched on, and prints the keyword scan's time,
//! the keywords with the most hits and the rules that cost the most. Use it to find
//! keywords that fire too often and regexes without a literal to skip to.
//! `LIST_CONTEXT_RULES=1` also lists the rules whose keyword is not provably
//! inside every match.

use anyhow::{Context, Result};
use leakhound::engine::Matcher;
use leakhound::engine::keywords::KeywordHit;
use leakhound::rules::RuleSet;
use std::sync::Arc;
use std::time::Duration;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().context("usage: rule_profile DIR [TOP]")?;
    let top: usize = args.get(1).map_or(Ok(25), |s| s.parse())?;
    let rules = Arc::new(RuleSet::shipped()?);
    let n = rules.rules.len();
    let mut matcher = Matcher::new(Arc::clone(&rules));
    matcher.profile = Some(vec![Duration::ZERO; n + 1]);
    let mut keyword_hits = vec![0u64; rules.keyword_rules.len()];
    let mut found: Vec<KeywordHit> = Vec::new();
    let mut bytes = 0u64;
    let mut findings = 0usize;
    let (mut windows, mut window_bytes) = (0usize, 0usize);
    let mut rule_window_bytes = vec![0usize; n];
    for entry in ignore::WalkBuilder::new(dir).build().flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(data) = std::fs::read(entry.path()) else {
            continue;
        };
        bytes += data.len() as u64;
        let path = entry.path().to_string_lossy();
        findings += matcher.scan(&data, Some(&path)).len();
        found.clear();
        rules.keywords.find_all(&data, &mut found);
        for h in &found {
            keyword_hits[h.pattern as usize] += 1;
        }
        // The windows the matcher would search (merged per rule, as it does).
        let mut last: Vec<Option<(usize, usize)>> = vec![None; n];
        for h in &found {
            for &ri in &rules.keyword_rules[h.pattern as usize] {
                let r = &rules.rules[ri as usize];
                if !r.keyword_in_match || r.anchor_before.is_some() {
                    continue;
                }
                let (s, e) = (
                    h.end.saturating_sub(r.window),
                    (h.end + r.window).min(data.len()),
                );
                match &mut last[ri as usize] {
                    Some(w) if s <= w.1 => w.1 = w.1.max(e),
                    slot => {
                        if let Some(w) = slot.take() {
                            windows += 1;
                            window_bytes += w.1 - w.0;
                            rule_window_bytes[ri as usize] += w.1 - w.0;
                        }
                        *slot = Some((s, e));
                    }
                }
            }
        }
        for (ri, w) in last.into_iter().enumerate() {
            if let Some(w) = w {
                windows += 1;
                window_bytes += w.1 - w.0;
                rule_window_bytes[ri] += w.1 - w.0;
            }
        }
    }
    let profile = matcher.profile.take().unwrap_or_default();
    let regex_total: Duration = profile[..n].iter().sum();
    println!(
        "{:.1} MB, {findings} hits; keyword scan {:.2} s, rules {:.2} s",
        bytes as f64 / 1048576.0,
        profile[n].as_secs_f64(),
        regex_total.as_secs_f64()
    );
    println!(
        "{} of {n} rules have a keyword inside every match (run around keyword hits), {} of them at a bounded offset (anchored searches)",
        rules.rules.iter().filter(|r| r.keyword_in_match).count(),
        rules
            .rules
            .iter()
            .filter(|r| r.anchor_before.is_some())
            .count()
    );
    // The others run over whole blobs up to 256 KiB: list them to see which could
    // be proved (a keyword the analysis cannot see through, say).
    if std::env::var_os("LIST_CONTEXT_RULES").is_some() {
        for r in rules.rules.iter().filter(|r| !r.keyword_in_match) {
            println!("  context keyword: {} {:?}", r.def.id, r.def.keywords);
        }
        for r in rules
            .rules
            .iter()
            .filter(|r| r.keyword_in_match && r.anchor_before.is_none())
        {
            println!("  window-searched: {} {:?}", r.def.id, r.def.keywords);
        }
    }
    println!(
        "window-searched rules: {windows} windows, {:.1} MB searched ({:.1}x the bytes)",
        window_bytes as f64 / 1048576.0,
        window_bytes as f64 / bytes.max(1) as f64
    );
    let mut by_window: Vec<usize> = (0..n).filter(|&i| rule_window_bytes[i] > 0).collect();
    by_window.sort_by_key(|&i| std::cmp::Reverse(rule_window_bytes[i]));
    for &i in by_window.iter().take(top) {
        println!(
            "  {:>8.1} MB in windows of up to {} bytes  {}",
            rule_window_bytes[i] as f64 / 1048576.0,
            rules.rules[i].window,
            rules.rules[i].def.id
        );
    }
    let windowed: Duration = (0..n)
        .filter(|&i| rules.rules[i].keyword_in_match)
        .map(|i| profile[i])
        .sum();
    println!(
        "rules with the keyword in every match {:.2} s, context-keyword rules {:.2} s",
        windowed.as_secs_f64(),
        (regex_total - windowed).as_secs_f64()
    );
    let mut kws: Vec<usize> = (0..keyword_hits.len()).collect();
    kws.sort_by_key(|&i| std::cmp::Reverse(keyword_hits[i]));
    println!("\nhottest keywords (hits: rules they start):");
    for &i in kws.iter().take(top) {
        let ids: Vec<&str> = rules.keyword_rules[i]
            .iter()
            .map(|&r| rules.rules[r as usize].def.id.as_str())
            .collect();
        println!("  {:>9}: {}", keyword_hits[i], ids.join(", "));
    }
    let mut rs: Vec<usize> = (0..n).collect();
    rs.sort_by_key(|&i| std::cmp::Reverse(profile[i]));
    println!("\ncostliest rules (seconds):");
    for &i in rs.iter().take(top) {
        println!(
            "  {:>7.3}  {}",
            profile[i].as_secs_f64(),
            rules.rules[i].def.id
        );
    }
    Ok(())
}
