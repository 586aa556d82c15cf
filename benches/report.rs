//! SARIF rendering and suppression throughput on generated findings.
//! `cargo bench --bench report` prints the median of several runs for each case.
//! The findings are built in memory from generated fake values; nothing is written.

use leakhound::finding::{Finding, Occurrence, occurrence_fingerprint, redact, secret_id};
use leakhound::origin::Origin;
use leakhound::report::{Report, Suppressed};
use leakhound::rules::generate::Generator;
use leakhound::rules::{RuleSet, Severity};
use leakhound::scan::StatsSnapshot;
use leakhound::suppress::{AllowSpec, Allowlist, Baseline, Suppression};
use std::time::{Duration, Instant};

/// Runs per case; the median is reported.
const RUNS: usize = 7;
/// Findings per case: GitHub's per-run result limit, the largest log leakhound writes.
const FINDINGS: usize = 25_000;
/// Occurrences per finding.
const OCCURRENCES: usize = 2;

fn findings(n: usize) -> Vec<Finding> {
    let mut g = Generator::new(7);
    (0..n)
        .map(|i| {
            let secret = g.value("github:ghp").expect("generator");
            let sid = secret_id("github-pat-classic", secret.as_bytes());
            let occurrences = (0..OCCURRENCES)
                .map(|k| {
                    let origin = Origin::File {
                        path: format!("src/m{:03}/f{i:05}_{k}.rs", i % 500),
                    };
                    let path = origin.display();
                    Occurrence {
                        kind: origin.kind(),
                        fingerprint: occurrence_fingerprint(&sid, &path),
                        path,
                        line: 10 + k,
                        column: 13,
                        end_column: 53,
                        preview: format!("let token = \"{}\";", redact(&secret)),
                        blob_id: None,
                        commit: None,
                        tag: None,
                        original: None,
                        note: None,
                        inline_allowed: false,
                        origin,
                    }
                })
                .collect();
            Finding {
                rule_id: "github-pat-classic".into(),
                secret_id: sid,
                severity: if i % 4 == 0 {
                    Severity::Critical
                } else {
                    Severity::High
                },
                redacted: redact(&secret),
                secret,
                occurrences,
            }
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn report<'a>(
    findings: &'a [Finding],
    stats: &'a StatsSnapshot,
    rules: &'a RuleSet,
    show_secrets: bool,
) -> Report<'a> {
    Report {
        findings,
        stats,
        rules,
        suppressed: Suppressed::default(),
        show_secrets,
        verbose: false,
        target: "folder",
        elapsed: Duration::ZERO,
        footer: None,
        tree_paths: None,
        vcs: None,
        sarif_all_rules: false,
        sarif_category: None,
    }
}

fn main() {
    let rules = RuleSet::shipped().expect("rules");
    let stats = StatsSnapshot::default();
    let all = findings(FINDINGS);
    let report = |f, show| report(f, &stats, &rules, show);
    let r = report(&all, false);
    let (bytes, _) = leakhound::report::sarif::render(&r).expect("render");
    let d = time(|| leakhound::report::sarif::render(&r).expect("render"));
    println!(
        "sarif render: {FINDINGS} findings x {OCCURRENCES} occurrences -> {:.1} MB: median {:.0} ms",
        bytes.len() as f64 / 1e6,
        d.as_secs_f64() * 1e3
    );
    let r = report(&all, true);
    let d = time(|| leakhound::report::sarif::render(&r).expect("render"));
    println!(
        "sarif render with --show-secrets (redacting previews): median {:.0} ms",
        d.as_secs_f64() * 1e3
    );
    let mut json = Vec::new();
    let r = report(&all, false);
    let d = time(|| {
        json.clear();
        leakhound::report::json::write(&r, &mut json).expect("json")
    });
    println!(
        "json render (for comparison): median {:.0} ms",
        d.as_secs_f64() * 1e3
    );

    // Suppression: a baseline with every secret, plus a global allowlist.
    let mut s = Suppression::inline_only();
    s.baseline = Some(Baseline::from_findings(&all, None));
    s.global = Some(
        Allowlist::compile(&AllowSpec {
            paths: vec!["testdata/**".into(), "**/*.snap".into()],
            regexes: vec!["^ghp_0000".into()],
            stopwords: vec!["fixture".into()],
            ..Default::default()
        })
        .expect("allowlist"),
    );
    let d = time(|| {
        let mut f = all.clone();
        let c = s.apply(&mut f);
        assert!(f.is_empty());
        c
    });
    let clone = time(|| all.clone());
    println!(
        "suppress: {FINDINGS} findings against a {FINDINGS}-entry baseline and a 2-glob allowlist: median {:.0} ms (of which {:.0} ms cloning the input)",
        d.as_secs_f64() * 1e3,
        clone.as_secs_f64() * 1e3
    );
}
