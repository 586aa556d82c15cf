//! `leakhound git --format sarif`: history findings are schema-valid SARIF with
//! commit provenance, the repository in `versionControlProvenance`, and a
//! `primaryLocationLineHash` only for files code scanning cannot hash itself.

mod common;

use common::*;
use std::path::Path;

fn git(dir: &Path, args: &[&str]) {
    let out = git_command(dir).args(args).output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

#[test]
fn history_sarif_has_provenance_and_hashes_only_files_gone_from_head() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    let kept = slack_token();
    let gone = shopify_token();
    std::fs::write(d.join("kept.py"), format!("SLACK = '{kept}'\n")).unwrap();
    std::fs::write(d.join("gone.rb"), format!("TOKEN = '{gone}'\n")).unwrap();
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "add config"]);
    git(d, &["rm", "-q", "gone.rb"]);
    git(d, &["commit", "-qm", "remove the token file"]);
    // A remote whose URL carries a credential: it must not reach the report.
    git(
        d,
        &[
            "remote",
            "add",
            "origin",
            "https://ci:hunter2hunter2@example.com/acme/app.git",
        ], // leakhound:allow fake
    );

    let run = run_in(d, &["git", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains(&kept) && !run.stdout.contains(&gone));
    assert!(!run.stdout.contains("hunter2"), "remote credential leaked");
    let log = run.json();
    assert_valid_sarif(&log);

    let vcs = &log["runs"][0]["versionControlProvenance"][0];
    assert_eq!(vcs["repositoryUri"], "https://example.com/acme/app.git");
    assert_eq!(vcs["branch"], "main");
    assert_eq!(vcs["revisionId"].as_str().map(str::len), Some(40));

    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "{results:#?}");
    let by_uri = |uri: &str| {
        results
            .iter()
            .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
            .unwrap_or_else(|| panic!("no result for {uri}: {results:#?}"))
    };
    let kept_result = by_uri("kept.py");
    let gone_result = by_uri("gone.rb");
    // Still in HEAD: GitHub's upload action hashes the line itself.
    assert!(kept_result["partialFingerprints"]["primaryLocationLineHash"].is_null());
    // Only in history: leakhound supplies a stable, secret-keyed hash.
    assert!(gone_result["partialFingerprints"]["primaryLocationLineHash"].is_string());
    for r in [kept_result, gone_result] {
        assert!(r["partialFingerprints"]["leakhound/v1"].is_string());
        let text = r.to_string();
        assert_eq!(r["properties"]["commit"].as_str().map(str::len), Some(40));
        assert!(r["properties"]["date"].is_string());
        assert!(
            text.contains("dev@example.com"),
            "author in properties: {text}"
        );
    }
}
