//! Where scan time goes, per keyword and per rule, over a folder.
//!
//! ```text
//! cargo run --release --example rule_profile -- DIR [TOP]
//! ```
//!
//! Prints the keywords with the most prefilter hits, and the rules whose regexes
//! take the most time when run the way the matcher runs them (whole blob when a
//! keyword hit, as for files up to 256 KiB). Use it to find keywords that fire
//! too often and regexes without a literal the regex engine can skip to.

use aho_corasick::automaton::Automaton as _;
use anyhow::{Context, Result};
use leakhound::rules::RuleSet;
use std::time::{Duration, Instant};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().context("usage: rule_profile DIR [TOP]")?;
    let top: usize = args.get(1).map_or(Ok(25), |s| s.parse())?;
    let rules = RuleSet::shipped()?;
    let mut patterns: Vec<String> = vec![String::new(); rules.keyword_rules.len()];
    for r in &rules.rules {
        for k in &r.def.keywords {
            let k = k.to_ascii_lowercase();
            for (pi, list) in rules.keyword_rules.iter().enumerate() {
                if patterns[pi].is_empty()
                    && list
                        .iter()
                        .any(|&ri| rules.rules[ri as usize].def.id == r.def.id)
                    && rules.rules[list[0] as usize]
                        .def
                        .keywords
                        .iter()
                        .any(|kk| kk.to_ascii_lowercase() == k)
                {
                    patterns[pi] = k.clone();
                }
            }
        }
    }
    let mut kw_hits = vec![0u64; patterns.len()];
    let mut rule_time = vec![Duration::ZERO; rules.rules.len()];
    let mut rule_runs = vec![0u64; rules.rules.len()];
    let mut kw_time = Duration::ZERO;
    let mut bytes = 0u64;
    for entry in ignore::WalkBuilder::new(dir).build().flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(data) = std::fs::read(entry.path()) else {
            continue;
        };
        bytes += data.len() as u64;
        let t = Instant::now();
        let mut cand = vec![false; rules.rules.len()];
        let input = aho_corasick::Input::new(&data);
        for m in rules
            .keywords
            .try_find_overlapping_iter(input)
            .into_iter()
            .flatten()
        {
            kw_hits[m.pattern().as_usize()] += 1;
            for &ri in &rules.keyword_rules[m.pattern().as_usize()] {
                cand[ri as usize] = true;
            }
        }
        kw_time += t.elapsed();
        let path = entry.path().to_string_lossy();
        for (ri, c) in cand.iter().enumerate() {
            // Path-restricted rules only run on their files, as in the matcher.
            if *c && rules.rules[ri].applies_to(Some(&path)) {
                let t = Instant::now();
                let n = rules.rules[ri].regex().map_or(0, |re| {
                    re.find_iter(regex_automata::Input::new(&data)).count()
                });
                std::hint::black_box(n);
                rule_time[ri] += t.elapsed();
                rule_runs[ri] += 1;
            }
        }
    }
    let total: Duration = rule_time.iter().sum();
    println!(
        "{:.1} MB; keyword scan {:.2} s, regexes {:.2} s",
        bytes as f64 / 1048576.0,
        kw_time.as_secs_f64(),
        total.as_secs_f64()
    );
    let mut kws: Vec<usize> = (0..patterns.len()).collect();
    kws.sort_by_key(|&i| std::cmp::Reverse(kw_hits[i]));
    println!("\nhottest keywords (hits, rules):");
    for &i in kws.iter().take(top) {
        let ids: Vec<&str> = rules.keyword_rules[i]
            .iter()
            .map(|&r| rules.rules[r as usize].def.id.as_str())
            .collect();
        println!(
            "  {:>9}  {:<16} {}",
            kw_hits[i],
            patterns[i],
            ids.join(", ")
        );
    }
    let mut rs: Vec<usize> = (0..rules.rules.len()).collect();
    rs.sort_by_key(|&i| std::cmp::Reverse(rule_time[i]));
    println!("\nslowest rules (seconds, blobs run on):");
    for &i in rs.iter().take(top) {
        println!(
            "  {:>7.3}  {:>6}  {}",
            rule_time[i].as_secs_f64(),
            rule_runs[i],
            rules.rules[i].def.id
        );
    }
    Ok(())
}
