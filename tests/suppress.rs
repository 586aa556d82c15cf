//! Suppressions on real scans: inline markers in many comment syntaxes, baselines,
//! `.gitleaksignore`, commit allowlists, the summary counts and `--no-filters`.

mod common;

use common::*;
use leakhound::finding::{Finding, Occurrence, occurrence_fingerprint, secret_id};
use leakhound::origin::{CommitMeta, Origin};
use leakhound::rules::Severity;
use leakhound::suppress::{AllowSpec, Allowlist, Suppression};
use serde_json::Value;
use std::fs;
use std::sync::Arc;

#[test]
fn inline_markers_work_in_every_comment_syntax() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let files: Vec<(&str, String)> = vec![
        (
            "a.py",
            format!("TOKEN = '{}'  # leakhound:allow\n", slack_token()),
        ),
        (
            "b.js",
            format!("const t = '{}'; // gitleaks:allow\n", slack_token()),
        ),
        (
            "c.c",
            format!("char *t = \"{}\"; /* leakhound:allow */\n", slack_token()),
        ),
        (
            "d.html",
            format!(
                "<meta content=\"{}\"> <!-- leakhound:allow -->\n",
                slack_token()
            ),
        ),
        (
            "e.sql",
            format!("SELECT '{}'; -- pragma: allowlist secret\n", slack_token()),
        ),
        (
            "f.ini",
            format!("token = {} ; leakhound:allow\n", slack_token()),
        ),
        (
            "g.yml",
            format!("token: {} # pragma: allowlist secret\n", slack_token()),
        ),
    ];
    for (name, text) in &files {
        fs::write(d.join(name), text).unwrap();
    }
    // The marker covers only its own line.
    let live = slack_token();
    fs::write(
        d.join("h.py"),
        format!("# leakhound:allow\nTOKEN = '{live}'\n"),
    )
    .unwrap();
    let run = scan_json(d, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let left = occurrences(&report);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].1, "h.py");
    assert_eq!(report["summary"]["suppressed"]["inline"], files.len());
    // --no-filters reports them all.
    let all = occurrences(&scan_json(d, &["--no-filters"]).json());
    assert_eq!(all.len(), files.len() + 1);
    // The human summary says how many and why.
    let human = run_in(d, &["scan", "."]);
    assert!(
        human
            .stdout
            .contains(&format!("Suppressed: {} by inline ignore", files.len())),
        "{}",
        human.stdout
    );
}

fn findings(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["secret_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (a, b) = (slack_token(), shopify_token());
    fs::write(d.join("one.py"), format!("A = '{a}'\nB = '{b}'\n")).unwrap();
    fs::write(d.join("two.py"), format!("A = '{a}'\n")).unwrap();
    let first = scan_json(d, &[]).json();
    assert_eq!(findings(&first).len(), 2);

    // Writing the baseline accepts everything: nothing left to report, exit 0.
    let run = scan_json(d, &["--write-baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("wrote baseline.json (2 secrets accepted)"),
        "{}",
        run.stderr
    );
    let text = fs::read_to_string(d.join("baseline.json")).unwrap();
    assert!(
        !text.contains(&a) && !text.contains(&a[8..]),
        "raw secret in baseline"
    );
    assert!(!text.contains(&b[8..]), "raw secret in baseline");
    let base: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(base["schema"], "leakhound/baseline/v1");
    let entries = base["secrets"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    // Sorted by rule id; paths sorted; redacted preview present.
    assert_eq!(entries[0]["rule_id"], "shopify-access-token");
    assert_eq!(entries[1]["rule_id"], "slack-bot-token");
    assert_eq!(entries[1]["paths"], serde_json::json!(["one.py", "two.py"]));
    assert!(
        entries[1]["redacted"]
            .as_str()
            .unwrap()
            .starts_with("xoxb…(")
    );
    let mut ids: Vec<String> = entries
        .iter()
        .map(|e| e["secret_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, findings(&first));
    // Writing it again gives the same bytes (diff-friendly).
    scan_json(d, &["--write-baseline", "baseline.json"]);
    assert_eq!(fs::read_to_string(d.join("baseline.json")).unwrap(), text);

    // Rescan with the baseline: nothing new, even after lines move.
    fs::write(
        d.join("one.py"),
        format!("\n\n# moved\nB = '{b}'\nA = '{a}'\n"),
    )
    .unwrap();
    let run = scan_json(d, &["--baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    assert!(findings(&report).is_empty());
    assert_eq!(report["summary"]["suppressed"]["baseline"], 3);

    // A new secret: exactly one new finding.
    let c = sendgrid_key();
    fs::write(d.join("three.py"), format!("C = '{c}'\n")).unwrap();
    let run = scan_json(d, &["--baseline", "baseline.json"]);
    assert_eq!(run.code, 1);
    let report = run.json();
    let left = occurrences(&report);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].0, "sendgrid-api-key");
    // SARIF with the baseline carries only the new one, and is valid.
    let (_, log) = scan_sarif(d, &["--baseline", "baseline.json"]);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);
    // --no-filters ignores the baseline.
    assert_eq!(
        findings(&scan_json(d, &["--baseline", "baseline.json", "--no-filters"]).json()).len(),
        3
    );
    // A broken baseline is an error, not an empty baseline.
    fs::write(
        d.join("bad.json"),
        "{\"schema\": \"other\", \"secrets\": []}",
    )
    .unwrap();
    let run = scan_json(d, &["--baseline", "bad.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad.json"), "{}", run.stderr);
}

#[test]
fn summary_counts_each_mechanism() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let accepted = shopify_token();
    fs::write(d.join("a.txt"), format!("x = {accepted}\n")).unwrap();
    scan_json(d, &["--write-baseline", "b.json"]);
    fs::create_dir(d.join("fixtures")).unwrap();
    fs::write(d.join("fixtures/f.txt"), format!("t = {}\n", slack_token())).unwrap();
    fs::write(
        d.join("c.txt"),
        format!("t = {} # leakhound:allow\n", slack_token()),
    )
    .unwrap();
    fs::write(
        d.join("leakhound.toml"),
        "[allow]\npaths = [\"fixtures/**\"]\n",
    )
    .unwrap();
    let run = scan_json(d, &["--baseline", "b.json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let s = &run.json()["summary"]["suppressed"];
    assert_eq!(
        (
            s["inline"].as_u64(),
            s["allowlist"].as_u64(),
            s["baseline"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    let human = run_in(d, &["scan", "--baseline", "b.json", "."]);
    assert!(
        human
            .stdout
            .contains("Suppressed: 1 by inline ignore, 1 by allowlist, 1 by baseline."),
        "{}",
        human.stdout
    );
}

#[test]
fn gitleaksignore_fingerprints_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("cfg")).unwrap();
    fs::write(
        d.join("cfg/app.env"),
        format!("A=1\nSLACK={}\nOTHER={}\n", slack_token(), slack_token()),
    )
    .unwrap();
    fs::write(
        d.join("k.txt"),
        format!("x\ny\naws AKIA{}\n", fake("base32:16")),
    )
    .unwrap();
    let before = occurrences(&scan_json(d, &[]).json());
    assert!(
        before.iter().any(|o| o.0 == "aws-access-key-id"),
        "{before:?}"
    );
    fs::write(
        d.join(".gitleaksignore"),
        "# accepted\ncfg/app.env:slack-bot-token:2\n0123456789abcdef0123456789abcdef01234567:k.txt:aws-access-token:3\nnot a fingerprint\n",
    )
    .unwrap();
    let run = scan_json(d, &[]);
    let left = occurrences(&run.json());
    assert_eq!(
        left.iter()
            .map(|o| (o.0.as_str(), o.1.as_str(), o.2))
            .collect::<Vec<_>>(),
        vec![("slack-bot-token", "cfg/app.env", 3)],
        "{left:?}"
    );
    assert_eq!(run.json()["summary"]["suppressed"]["baseline"], 2);
    assert!(
        run.stderr
            .contains(".gitleaksignore: 1 line not of the form"),
        "{}",
        run.stderr
    );
}

fn history_finding(commit: &str) -> Finding {
    let secret = fake("github:ghp");
    let sid = secret_id("github-pat-classic", secret.as_bytes());
    let c = Arc::new(CommitMeta {
        id: commit.to_string(),
        author_name: "A".into(),
        author_email: "a@example.com".into(),
        date: "2024-01-01T00:00:00Z".into(),
        timestamp: 0,
    });
    let origin = Origin::GitCommit {
        commit: c,
        path: "src/a.rs".into(),
    };
    Finding {
        rule_id: "github-pat-classic".into(),
        secret_id: sid.clone(),
        severity: Severity::High,
        redacted: leakhound::finding::redact(&secret),
        secret,
        occurrences: vec![Occurrence {
            kind: origin.kind(),
            fingerprint: occurrence_fingerprint(&sid, "src/a.rs"),
            path: "src/a.rs".into(),
            line: 1,
            column: 1,
            end_column: 41,
            preview: String::new(),
            blob_id: None,
            commit: origin.commit().map(|c| (**c).clone()),
            tag: None,
            original: None,
            note: None,
            inline_allowed: false,
            origin,
        }],
    }
}

#[test]
fn commit_allowlists_drop_history_occurrences() {
    let allowed = "aaaaaaa1111111111111111111111111111111111";
    let mut list = vec![
        history_finding(allowed),
        history_finding("bbbbbbb2222222222222222222222222222222222"),
    ];
    let mut s = Suppression::inline_only();
    s.global = Some(
        Allowlist::compile(&AllowSpec {
            commits: vec!["aaaaaaa1".into()],
            ..Default::default()
        })
        .unwrap(),
    );
    let counts = s.apply(&mut list).suppressed;
    assert_eq!(counts.allowlist, 1);
    assert_eq!(list.len(), 1);
    assert!(
        list[0].occurrences[0]
            .commit
            .as_ref()
            .unwrap()
            .id
            .starts_with("bbbbbbb")
    );
}
