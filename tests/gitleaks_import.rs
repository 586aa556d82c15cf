//! `leakhound config import-gitleaks`: a realistic gitleaks config converts into
//! a leakhound.toml that loads, passes `config check`, and finds what the
//! gitleaks rules found; what cannot convert is listed, never dropped silently.

mod common;

use common::*;
use std::fs;

const GITLEAKS: &str = r#"
title = "ACME gitleaks config"

[extend]
useDefault = true
disabledRules = ["generic-api-key", "github-pat", "made-up-rule"]

[[rules]]
id = "acme-internal-token"
description = "ACME internal service token"
regex = '''\b(acme_[a-z0-9]{32})\b'''
keywords = ["acme_"]
entropy = 3.0
tags = ["internal"]

[[rules]]
id = "acme_session_key"
description = "ACME session key"
regex = '''(?i)acme[_-]?session\s*[:=]\s*['"]?([a-z0-9]{8})-([A-Za-z0-9]{24})['"]?'''
secretGroup = 2
keywords = ["session"]
path = '''\.properties$'''

[[rules.allowlists]]
description = "test sessions"
stopwords = ["qafixture"]

[[rules]]
id = "widget-key"
description = "Widget key without keywords"
regex = '''\b(wdg_live_[0-9a-f]{24})\b'''

[[rules]]
id = "lookbehind-token"
description = "Uses a look-behind (not supported by the regex crate)"
regex = '''(?<=token=)[a-z]{20}'''
keywords = ["token="]

[[rules]]
id = "pem-file"
description = "Path-only rule"
path = '''\.pem$'''

[allowlist]
description = "global allowlist"
paths = ['''(^|/)vendor/''', '''\.lock$''']
regexes = ['''^acme_0{8}''']
stopwords = ["notsecret"]
commits = ["0123456789abcdef0123456789abcdef01234567"]

[[allowlists]]
description = "line-targeted allowlist"
regexTarget = "line"
regexes = ['''EXAMPLE-LINE''']

[[allowlists]]
description = "only for the acme rule"
targetRules = ["acme-internal-token"]
paths = ['''^docs/''']
"#;

#[test]
fn realistic_gitleaks_config_converts_and_works() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join(".gitleaks.toml"), GITLEAKS).unwrap();
    let run = run_in(d, &["config", "import-gitleaks", ".gitleaks.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.stdout.clone();
    assert!(
        run.stderr.contains("could not be converted"),
        "{}",
        run.stderr
    );

    // What could not convert is listed as comments, naming the item.
    let comments: String = out
        .lines()
        .filter(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    for needle in [
        "rule `lookbehind-token`: regex does not compile",
        "rule `pem-file`: no `regex`",
        "rule `widget-key`: keywords derived from the regex: wdg_live_",
        "regexTarget = \"line\"",
        "EXAMPLE-LINE",
        "disabledRules `made-up-rule`",
        "useDefault",
        "rule `acme_session_key` is `acme-session-key`",
        "tags are not carried over",
    ] {
        assert!(
            comments.contains(needle),
            "missing {needle:?} in:\n{comments}"
        );
    }

    // The output is a valid leakhound.toml with the expected content.
    let cfg: toml::Table = toml::from_str(&out).expect("output is TOML");
    let disable: Vec<&str> = cfg["extend"]["disable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(disable, ["generic-api-key", "github-pat-classic"]);
    let rules = cfg["rule"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["acme-internal-token", "acme-session-key", "widget-key"]
    );
    assert_eq!(
        rules[0]["regex"].as_str().unwrap(),
        r"\b(?P<secret>acme_[a-z0-9]{32})\b"
    );
    assert_eq!(rules[0]["min_entropy"].as_float(), Some(3.0));
    assert!(
        rules[1]["regex"]
            .as_str()
            .unwrap()
            .contains("(?P<secret>[A-Za-z0-9]{24})")
    );
    assert_eq!(rules[1]["paths"][0].as_str(), Some("**/*.properties"));
    let allow = &cfg["allow"];
    assert_eq!(allow["path_regexes"].as_array().unwrap().len(), 2);
    assert_eq!(allow["stopwords"][0].as_str(), Some("notsecret"));
    assert_eq!(allow["commits"].as_array().unwrap().len(), 1);
    let per_rule = cfg["allow"]["rule"].as_array().unwrap();
    assert!(
        per_rule
            .iter()
            .any(|a| a["id"].as_str() == Some("acme-session-key")
                && a["stopwords"][0].as_str() == Some("qafixture"))
    );
    assert!(
        per_rule
            .iter()
            .any(|a| a["id"].as_str() == Some("acme-internal-token")
                && a["path_regexes"][0].as_str() == Some("^docs/"))
    );

    // It loads and its rules work in a real scan.
    fs::write(d.join("leakhound.toml"), &out).unwrap();
    let check = run_in(d, &["config", "check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    let acme = format!("acme_{}", fake("lowernum:32"));
    let session = fake("alnum:24");
    let widget = format!("wdg_live_{}", fake("hex:24"));
    fs::create_dir_all(d.join("vendor")).unwrap();
    fs::create_dir_all(d.join("docs")).unwrap();
    fs::write(d.join("app.txt"), format!("t = {acme}\nw = {widget}\n")).unwrap();
    fs::write(d.join("docs/acme.md"), format!("t = {acme}\n")).unwrap();
    fs::write(d.join("vendor/lib.txt"), format!("w = {widget}\n")).unwrap();
    fs::write(
        d.join("svc.properties"),
        format!("acme_session = '{}-{session}'\n", fake("lowernum:8")),
    )
    .unwrap();
    fs::write(
        d.join("svc.txt"),
        format!("acme_session = '{}-{session}'\n", fake("lowernum:8")),
    )
    .unwrap();
    let report = scan_json(d, &[]).json();
    let got: Vec<(String, String)> = occurrences(&report)
        .into_iter()
        .map(|(r, p, _, _)| (r, p))
        .filter(|(r, _)| r.starts_with("acme") || r == "widget-key")
        .collect();
    assert_eq!(
        got,
        vec![
            ("acme-internal-token".to_string(), "app.txt".to_string()),
            ("acme-session-key".to_string(), "svc.properties".to_string()),
            ("widget-key".to_string(), "app.txt".to_string()),
        ]
    );
    let s = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "acme-session-key")
        .unwrap();
    assert_eq!(s["redacted"], format!("{}…(24 chars)", &session[..4]));
}

#[test]
fn a_broken_gitleaks_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("g.toml"), "[[rules]\nid = 1\n").unwrap();
    let run = run_in(dir.path(), &["config", "import-gitleaks", "g.toml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("g.toml: line 1"), "{}", run.stderr);
    let run = run_in(dir.path(), &["config", "import-gitleaks", "missing.toml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);
}
