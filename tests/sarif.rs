//! `--format sarif`: schema-valid SARIF 2.1.0 that GitHub code scanning accepts,
//! with no raw secret in it, stable fingerprints, history provenance and
//! source-map locations.

mod common;

use common::*;
use leakhound::finding::{
    Finding, Occurrence, OriginalLocation, occurrence_fingerprint, secret_id,
};
use leakhound::origin::{CommitMeta, Origin};
use leakhound::report::{Report, Suppressed, VcsInfo};
use leakhound::rules::{RuleSet, Severity};
use leakhound::scan::StatsSnapshot;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::sync::Arc;

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

fn plant(dir: &std::path::Path) -> (String, String, String) {
    let slack = slack_token();
    let shop = shopify_token();
    let sg = sendgrid_key();
    fs::create_dir_all(dir.join("src/deep")).unwrap();
    fs::write(
        dir.join("src/app.py"),
        format!("import os\n\nSLACK = \"{slack}\"\n"),
    )
    .unwrap();
    fs::write(
        dir.join("src/deep/shop file.rb"),
        format!("# config\n  token: '{shop}'  # shop\n"),
    )
    .unwrap();
    fs::write(dir.join("mail.env"), format!("A=1\nSENDGRID={sg}\n")).unwrap();
    (slack, shop, sg)
}

#[test]
fn folder_scan_is_schema_valid_and_github_ready() {
    let dir = tempfile::tempdir().unwrap();
    let (slack, shop, sg) = plant(dir.path());
    let (run, log) = scan_sarif(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for secret in [&slack, &shop, &sg] {
        assert!(!run.stdout.contains(secret.as_str()), "raw secret in SARIF");
        assert!(
            !run.stdout.contains(&secret[8..]),
            "part of a secret in SARIF"
        );
    }
    assert_eq!(log["version"], "2.1.0");
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "leakhound");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );

    // One descriptor per rule that fired, each GitHub-ready.
    let rules = driver["rules"].as_array().unwrap();
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "sendgrid-api-key",
            "shopify-access-token",
            "slack-bot-token"
        ]
    );
    for r in rules {
        let sev = r["properties"]["security-severity"]
            .as_str()
            .expect("string");
        let n: f64 = sev.parse().unwrap();
        assert!((0.1..=10.0).contains(&n));
        let tags: Vec<&str> = r["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(
            tags.contains(&"security") && tags.contains(&"secret"),
            "{tags:?}"
        );
        assert!(tags.len() <= 20);
        let md = r["help"]["markdown"].as_str().unwrap();
        assert!(md.contains("How to rotate"), "{md}");
        assert!(md.contains("does not un-leak it"), "{md}");
        assert!(r["shortDescription"]["text"].as_str().unwrap().len() > 3);
        assert!(r["fullDescription"]["text"].as_str().unwrap().len() > 3);
    }
    let slack_rule = rules.iter().find(|r| r["id"] == "slack-bot-token").unwrap();
    assert!(
        slack_rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("https://")
    );

    // Results: one per secret, repository-relative locations, redacted snippets.
    let json = scan_json(dir.path(), &[]).json();
    let res = results(&log);
    assert_eq!(res.len(), 3);
    for r in res {
        let rule_id = r["ruleId"].as_str().unwrap();
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], rule_id);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let jf = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == rule_id)
            .unwrap();
        assert_eq!(r["partialFingerprints"]["leakhound/v1"], jf["secret_id"]);
        assert!(
            r["partialFingerprints"]
                .get("primaryLocationLineHash")
                .is_none(),
            "the upload action computes it for files in the tree"
        );
        let rule_name = jf["rule_name"].as_str().unwrap();
        assert!(r["message"]["text"].as_str().unwrap().contains(rule_name));
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let o = &jf["occurrences"][0];
        assert_eq!(loc["region"]["startLine"], o["line"]);
        assert_eq!(loc["region"]["startColumn"], o["column"]);
        assert_eq!(loc["region"]["endColumn"], o["end_column"]);
        assert!(
            loc["region"]["snippet"]["text"]
                .as_str()
                .unwrap()
                .contains("…(")
        );
    }
    let uris: HashSet<&str> = res
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        HashSet::from(["mail.env", "src/app.py", "src/deep/shop%20file.rb"])
    );
    let slack_res = res
        .iter()
        .find(|r| r["ruleId"] == "slack-bot-token")
        .unwrap();
    assert_eq!(slack_res["level"], "error");
}

#[test]
fn show_secrets_puts_the_value_only_in_a_property() {
    let dir = tempfile::tempdir().unwrap();
    let token = slack_token();
    fs::write(
        dir.path().join("a.js"),
        format!("const t = '{token}'; // {token}\n"),
    )
    .unwrap();
    let (_, log) = scan_sarif(dir.path(), &["--show-secrets"]);
    let r = &results(&log)[0];
    assert_eq!(r["properties"]["secret"], token.as_str());
    let mut without = r.clone();
    without["properties"]
        .as_object_mut()
        .unwrap()
        .remove("secret");
    let text = serde_json::to_string(&without).unwrap();
    assert!(
        !text.contains(&token[8..]),
        "secret outside the property: {text}"
    );
    let snippet = r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
        .as_str()
        .unwrap();
    assert!(snippet.contains("xoxb…("), "{snippet}");
}

#[test]
fn fingerprints_survive_lines_added_above_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let token = shopify_token();
    let file = dir.path().join("conf.yml");
    fs::write(&file, format!("shop: {token}\n")).unwrap();
    let (_, before) = scan_sarif(dir.path(), &[]);
    fs::write(&file, format!("# header\n# more\n\n\nshop: {token}\n")).unwrap();
    let (_, after) = scan_sarif(dir.path(), &[]);
    let fp = |log: &Value| results(log)[0]["partialFingerprints"].clone();
    let line = |log: &Value| {
        results(log)[0]["locations"][0]["physicalLocation"]["region"]["startLine"].clone()
    };
    assert_eq!(line(&before), 1);
    assert_eq!(line(&after), 5);
    assert_eq!(fp(&before), fp(&after));
}

#[test]
fn all_rules_and_category() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("clean.txt"), "nothing\n").unwrap();
    let (run, log) = scan_sarif(
        dir.path(),
        &["--sarif-all-rules", "--sarif-category", "leakhound/folder"],
    );
    assert_eq!(run.code, 0);
    let shipped = RuleSet::shipped().unwrap().rules.len();
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        shipped
    );
    assert_eq!(
        log["runs"][0]["automationDetails"]["id"],
        "leakhound/folder"
    );
    assert!(results(&log).is_empty());
    // Without the flag, only rules that fired are described.
    let (_, log) = scan_sarif(dir.path(), &[]);
    assert!(
        log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(log["runs"][0].get("automationDetails").is_none());
}

#[test]
fn output_file_and_stdin_are_valid_too() {
    let dir = tempfile::tempdir().unwrap();
    let token = sendgrid_key();
    fs::write(dir.path().join("x.txt"), format!("k={token}\n")).unwrap();
    let run = run_in(
        dir.path(),
        &["scan", "-f", "sarif", "-o", "out.sarif", "x.txt"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let log: Value =
        serde_json::from_slice(&fs::read(dir.path().join("out.sarif")).unwrap()).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(results(&log).len(), 1);

    let out = leakhound()
        .current_dir(dir.path())
        .args(["scan", "--format", "sarif", "-"])
        .write_stdin(format!("token {token}\n"))
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let r = &results(&log)[0];
    assert!(
        r["partialFingerprints"]
            .get("primaryLocationLineHash")
            .is_some(),
        "stdin cannot be hashed by the upload action"
    );
}

/// The shape of a SARIF log is pinned by a golden file (version normalised).
/// Regenerate with `UPDATE_GOLDEN=1 cargo test --test sarif golden`.
#[test]
fn golden_shape() {
    let dir = tempfile::tempdir().unwrap();
    // Fixed values from a fixed seed so the golden file is stable.
    let mut g = leakhound::rules::generate::Generator::new(42);
    let shop = format!("shpat_{}", g.value("hex:32").unwrap());
    let slack = format!(
        "xoxb-{}-{}-{}",
        g.value("digits:12").unwrap(),
        g.value("digits:13").unwrap(),
        g.value("alnum:24").unwrap()
    );
    fs::write(dir.path().join("a.rb"), format!("x = 1\nshop = '{shop}'\n")).unwrap();
    fs::write(dir.path().join("b.py"), format!("SLACK = \"{slack}\"\n")).unwrap();
    fs::write(dir.path().join("c.py"), format!("again = \"{slack}\"\n")).unwrap();
    let (_, mut log) = scan_sarif(dir.path(), &["--sarif-category", "golden"]);
    let driver = &mut log["runs"][0]["tool"]["driver"];
    driver["version"] = Value::from("VERSION");
    driver["semanticVersion"] = Value::from("VERSION");
    // Rule prose belongs to the rule files; the golden file pins the shape around it.
    for rule in driver["rules"].as_array_mut().unwrap() {
        rule["fullDescription"]["text"] = Value::from("DESCRIPTION");
        rule["help"]["text"] = Value::from("HELP");
        rule["help"]["markdown"] = Value::from("HELP (markdown)");
    }
    let got = serde_json::to_string_pretty(&log).unwrap() + "\n";
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sarif/golden.sarif.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&path, &got).unwrap();
    }
    let want = fs::read_to_string(&path).expect("golden file (UPDATE_GOLDEN=1 writes it)");
    assert_eq!(got, want, "SARIF shape changed; UPDATE_GOLDEN=1 to accept");
}

// ---- hand-built reports: history findings, source-map locations, limits ----

fn stats() -> StatsSnapshot {
    StatsSnapshot {
        blobs_scanned: 1,
        blobs_read: 1,
        bytes_scanned: 10,
        skip_counts: BTreeMap::new(),
        skipped: Vec::new(),
        notes: Vec::new(),
        ..Default::default()
    }
}

fn occurrence(origin: Origin, line: usize, sid: &str) -> Occurrence {
    let path = origin.display();
    Occurrence {
        kind: origin.kind(),
        fingerprint: occurrence_fingerprint(sid, &path),
        path,
        line,
        column: 5,
        end_column: 45,
        preview: "k = ghp_…(40 chars)".to_string(),
        blob_id: None,
        commit: origin.commit().map(|c| (**c).clone()),
        tag: None,
        original: None,
        note: None,
        inline_allowed: false,
        origin,
    }
}

fn finding(rule: &str, secret: &str, occurrences: Vec<Occurrence>) -> Finding {
    Finding {
        rule_id: rule.to_string(),
        secret_id: secret_id(rule, secret.as_bytes()),
        severity: Severity::High,
        redacted: leakhound::finding::redact(secret),
        secret: secret.to_string(),
        occurrences,
    }
}

fn report<'a>(
    findings: &'a [Finding],
    stats: &'a StatsSnapshot,
    rules: &'a RuleSet,
    tree: Option<&'a HashSet<String>>,
    vcs: Option<&'a VcsInfo>,
) -> Report<'a> {
    Report {
        findings,
        stats,
        rules,
        suppressed: Suppressed::default(),
        show_secrets: false,
        verbose: false,
        target: "git history",
        elapsed: std::time::Duration::ZERO,
        footer: None,
        tree_paths: tree,
        vcs,
        sarif_all_rules: false,
        sarif_category: None,
    }
}

fn commit(id: &str) -> Arc<CommitMeta> {
    Arc::new(CommitMeta {
        id: id.to_string(),
        author_name: "Ada Lovelace".to_string(),
        author_email: "ada@example.com".to_string(),
        date: "2024-05-01T10:00:00Z".to_string(),
        timestamp: 1_714_557_600,
    })
}

#[test]
fn history_findings_carry_provenance_and_a_line_hash_only_when_the_file_is_gone() {
    let rules = RuleSet::shipped().unwrap();
    let stats = stats();
    let gone_secret = fake("github:ghp");
    let kept_secret = fake("github:ghp");
    let gone_sid = secret_id("github-pat-classic", gone_secret.as_bytes());
    let kept_sid = secret_id("github-pat-classic", kept_secret.as_bytes());
    let c = commit("0123456789abcdef0123456789abcdef01234567");
    let findings = vec![
        finding(
            "github-pat-classic",
            &gone_secret,
            vec![occurrence(
                Origin::GitCommit {
                    commit: Arc::clone(&c),
                    path: "old/deleted.env".into(),
                },
                3,
                &gone_sid,
            )],
        ),
        finding(
            "github-pat-classic",
            &kept_secret,
            vec![occurrence(
                Origin::GitCommit {
                    commit: Arc::clone(&c),
                    path: "src/live.rs".into(),
                },
                7,
                &kept_sid,
            )],
        ),
    ];
    let tree: HashSet<String> = HashSet::from(["src/live.rs".to_string()]);
    let vcs = VcsInfo {
        repository_uri: "https://github.com/acme/app".into(),
        revision_id: Some("fedcba9876543210fedcba9876543210fedcba98".into()),
        branch: Some("main".into()),
    };
    let r = report(&findings, &stats, &rules, Some(&tree), Some(&vcs));
    let log = leakhound::report::sarif::to_value(&r).unwrap();
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    let prov = &run["versionControlProvenance"][0];
    assert_eq!(prov["repositoryUri"], "https://github.com/acme/app");
    assert_eq!(
        prov["revisionId"],
        vcs.revision_id.clone().unwrap().as_str()
    );
    assert_eq!(prov["branch"], "main");
    let res = results(&log);
    let by_uri = |uri: &str| {
        res.iter()
            .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
            .unwrap()
    };
    let gone = by_uri("old/deleted.env");
    assert_eq!(
        gone["partialFingerprints"]["primaryLocationLineHash"],
        format!("{gone_sid}:1")
    );
    assert_eq!(
        gone["partialFingerprints"]["leakhound/v1"],
        gone_sid.as_str()
    );
    assert_eq!(gone["properties"]["commit"], c.id.as_str());
    assert_eq!(
        gone["properties"]["author"],
        "Ada Lovelace <ada@example.com>"
    );
    assert_eq!(gone["properties"]["date"], "2024-05-01T10:00:00Z");
    let live = by_uri("src/live.rs");
    assert!(
        live["partialFingerprints"]
            .get("primaryLocationLineHash")
            .is_none()
    );
    assert_eq!(
        live["partialFingerprints"]["leakhound/v1"],
        kept_sid.as_str()
    );

    // Without tree information every path counts as present.
    let r = report(&findings, &stats, &rules, None, None);
    let log = leakhound::report::sarif::to_value(&r).unwrap();
    assert_valid_sarif(&log);
    assert!(results(&log).iter().all(|r| {
        r["partialFingerprints"]
            .get("primaryLocationLineHash")
            .is_none()
    }));
    // The working directory names the repository when nothing better is known.
    let uri = log["runs"][0]["versionControlProvenance"][0]["repositoryUri"]
        .as_str()
        .unwrap();
    assert!(uri.starts_with("file:///"), "{uri}");
}

#[test]
fn source_map_originals_become_related_locations() {
    let rules = RuleSet::shipped().unwrap();
    let stats = stats();
    let secret = fake("github:ghp");
    let sid = secret_id("github-pat-classic", secret.as_bytes());
    let mut o = occurrence(
        Origin::File {
            path: "dist/app.min.js".into(),
        },
        1,
        &sid,
    );
    o.column = 18_004;
    o.end_column = 18_044;
    o.original = Some(OriginalLocation {
        source: "webpack:///src/config.ts".into(),
        line: 12,
        column: 7,
    });
    let inner = occurrence(
        Origin::Artifact {
            parent: Box::new(Origin::File {
                path: "dist/app.min.js.map".into(),
            }),
            inner: "webpack:///src/config.ts".into(),
        },
        12,
        &sid,
    );
    let findings = vec![finding("github-pat-classic", &secret, vec![o, inner])];
    let r = report(&findings, &stats, &rules, None, None);
    let log = leakhound::report::sarif::to_value(&r).unwrap();
    assert_valid_sarif(&log);
    let res = &results(&log)[0];
    let rel = &res["relatedLocations"][0];
    assert_eq!(
        rel["physicalLocation"]["artifactLocation"]["uri"],
        "webpack:///src/config.ts"
    );
    assert_eq!(rel["physicalLocation"]["region"]["startLine"], 12);
    assert_eq!(rel["physicalLocation"]["region"]["startColumn"], 7);
    let locs = res["locations"].as_array().unwrap();
    assert_eq!(locs.len(), 2);
    assert_eq!(locs[0]["physicalLocation"]["region"]["startColumn"], 18_004);
    // The embedded file's line numbers are not the outer file's: no region, a message instead.
    assert_eq!(
        locs[1]["physicalLocation"]["artifactLocation"]["uri"],
        "dist/app.min.js.map"
    );
    assert!(locs[1]["physicalLocation"].get("region").is_none());
    assert!(
        locs[1]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("webpack:///src/config.ts")
    );
    assert!(!serde_json::to_string(&log).unwrap().contains(&secret[8..]));
}

#[test]
fn limits_truncate_deterministically() {
    let rules = RuleSet::shipped().unwrap();
    let stats = stats();
    // One finding with more locations than GitHub accepts.
    let secret = fake("github:ghp");
    let sid = secret_id("github-pat-classic", secret.as_bytes());
    let occs: Vec<Occurrence> = (0..1_005)
        .map(|i| {
            occurrence(
                Origin::File {
                    path: format!("f{i:04}.txt"),
                },
                1,
                &sid,
            )
        })
        .collect();
    let findings = vec![finding("github-pat-classic", &secret, occs)];
    let r = report(&findings, &stats, &rules, None, None);
    let (bytes, warnings) = leakhound::report::sarif::render(&r).unwrap();
    let log: Value = serde_json::from_slice(&bytes).unwrap();
    assert_valid_sarif(&log);
    let res = &results(&log)[0];
    assert_eq!(res["locations"].as_array().unwrap().len(), 1_000);
    assert_eq!(res["properties"]["occurrences"], 1_005);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("5 locations left out"), "{warnings:?}");
    let notes = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("left out")
    );
    let (again, _) = leakhound::report::sarif::render(&r).unwrap();
    assert_eq!(bytes, again);
}

#[test]
fn the_schema_check_rejects_invalid_sarif() {
    let bad = serde_json::json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "x" } },
                   "results": [{ "message": { "text": "m" }, "level": "fatal" }] }]
    });
    let caught = std::panic::catch_unwind(|| assert_valid_sarif(&bad));
    assert!(
        caught.is_err(),
        "an invalid level must fail the schema check"
    );
}
