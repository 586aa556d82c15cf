//! `leakhound.toml`: every key honoured by a real scan, every bad config rejected
//! with one line naming the file, the line and the key; `config check`.

mod common;

use common::*;
use std::fs;
use std::path::Path;

const ACME_RULE: &str = r#"
[[rule]]
id = "acme-internal-token"
name = "ACME internal service token"
severity = "medium"
keywords = ["acme_"]
regex = '''\b(?P<secret>acme_[a-z0-9]{32})\b'''
examples = ["token = acme_{{lowernum:32}}"]
negatives = ["token = acme_example"]
[rule.rotation]
revoke_url = "https://acme.example/tokens"
steps = "Revoke in the ACME console."
"#;

fn acme() -> String {
    format!("acme_{}", fake("lowernum:32"))
}

fn rules_found(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let run = scan_json(dir, args);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    occurrences(&run.json())
        .into_iter()
        .map(|(r, p, _, _)| (r, p))
        .collect()
}

#[test]
fn custom_rules_disable_and_severity_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("app.py"),
        format!(
            "A = '{}'\nS = '{}'\nG = '{}'\n",
            acme(),
            slack_token(),
            shopify_token()
        ),
    )
    .unwrap();
    // Without a config the custom rule does not exist.
    let before = rules_found(d, &[]);
    assert!(!before.iter().any(|(r, _)| r == "acme-internal-token"));
    assert!(before.iter().any(|(r, _)| r == "slack-bot-token"));
    fs::write(
        d.join("leakhound.toml"),
        format!(
            "[extend]\ndisable = [\"shopify-access-token\"]\n\n[severity]\n\"slack-bot-token\" = \"low\"\n{ACME_RULE}"
        ),
    )
    .unwrap();
    let run = scan_json(d, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let by_rule = |id: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == id)
            .cloned()
    };
    let acme = by_rule("acme-internal-token").expect("custom rule fires");
    assert_eq!(acme["severity"], "medium");
    assert_eq!(acme["rule_name"], "ACME internal service token");
    assert_eq!(
        acme["rotation"]["revoke_url"],
        "https://acme.example/tokens"
    );
    assert!(
        by_rule("shopify-access-token").is_none(),
        "disabled rule ran"
    );
    assert_eq!(by_rule("slack-bot-token").unwrap()["severity"], "low");
    // SARIF carries the overridden severity too.
    let (_, log) = scan_sarif(d, &[]);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let slack = rules.iter().find(|r| r["id"] == "slack-bot-token").unwrap();
    assert_eq!(slack["properties"]["security-severity"], "3.0");
}

#[test]
fn global_allowlist_keys_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("testdata/deep")).unwrap();
    fs::create_dir_all(d.join("vendor")).unwrap();
    fs::create_dir_all(d.join("src")).unwrap();
    fs::write(
        d.join("testdata/deep/a.txt"),
        format!("t = {}\n", slack_token()),
    )
    .unwrap();
    fs::write(d.join("vendor/b.txt"), format!("t = {}\n", slack_token())).unwrap();
    let dummy = format!("shpat_{}", fake("hex:32"));
    fs::write(d.join("src/c.txt"), format!("t = {dummy}\n")).unwrap();
    let stop = format!(
        "xoxb-{}-{}-{}QATEAM{}",
        fake("digits:12"),
        fake("digits:13"),
        fake("alnum:10"),
        fake("alnum:9")
    );
    fs::write(d.join("src/d.txt"), format!("t = {stop}\n")).unwrap();
    fs::write(d.join("src/live.txt"), format!("t = {}\n", sendgrid_key())).unwrap();
    let all = rules_found(d, &[]);
    assert_eq!(all.len(), 5, "{all:?}");
    fs::write(
        d.join("leakhound.toml"),
        format!(
            r#"
[allow]
paths = ["testdata/**"]
path_regexes = ['''^vendor/''']
regexes = ['''^{}''']
stopwords = ["qateam"]
reason = "fixtures"
"#,
            &dummy[..14]
        ),
    )
    .unwrap();
    let run = scan_json(d, &[]);
    let left = occurrences(&run.json());
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].1, "src/live.txt");
    assert_eq!(run.json()["summary"]["suppressed"]["allowlist"], 4);
    // Scanning the folder from elsewhere: globs stay relative to the scan root.
    let parent = d.parent().unwrap();
    let name = d.file_name().unwrap().to_str().unwrap();
    let run = scan_json(parent, &[name]);
    assert_eq!(occurrences(&run.json()).len(), 1, "{}", run.stdout);
    let abs = d.to_str().unwrap();
    let run = scan_json(Path::new("/"), &[abs]);
    assert_eq!(occurrences(&run.json()).len(), 1, "{}", run.stdout);
    // --no-filters shows everything again.
    assert_eq!(rules_found(d, &["--no-filters"]).len(), 5);
}

#[test]
fn per_rule_allowlists_touch_only_their_rule() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("docs")).unwrap();
    fs::write(
        d.join("docs/guide.md"),
        format!("slack {}\nshop {}\n", slack_token(), shopify_token()),
    )
    .unwrap();
    let keep = sendgrid_key();
    let drop = format!(
        "SG.{}.{}",
        fake("base64url:22"),
        "QATEAMKEY".to_string() + &fake("base64url:33")
    );
    fs::write(d.join("mail.txt"), format!("a {keep}\nb {drop}\n")).unwrap();
    fs::write(
        d.join("leakhound.toml"),
        r#"
[[allow.rule]]
id = "slack-bot-token"
paths = ["docs/**"]
reason = "documented example"

[[allow.rule]]
id = "sendgrid-api-key"
stopwords = ["qateamkey"]

[[allow.rule]]
id = "shopify-access-token"
regexes = ['''^nomatch''']
"#,
    )
    .unwrap();
    let got = rules_found(d, &[]);
    let rules: Vec<&str> = got.iter().map(|(r, _)| r.as_str()).collect();
    assert!(!rules.contains(&"slack-bot-token"), "{got:?}");
    assert!(
        rules.contains(&"shopify-access-token"),
        "other rules in docs/ stay: {got:?}"
    );
    assert_eq!(
        rules.iter().filter(|r| **r == "sendgrid-api-key").count(),
        1,
        "{got:?}"
    );
}

#[test]
fn explicit_config_file_and_config_check() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("a.txt"), format!("x {}\n", acme())).unwrap();
    fs::write(d.join("custom.toml"), ACME_RULE).unwrap();
    assert!(rules_found(d, &[]).is_empty());
    let found = rules_found(d, &["--config", "custom.toml"]);
    assert_eq!(
        found,
        vec![("acme-internal-token".to_string(), "a.txt".to_string())]
    );

    let run = run_in(d, &["config", "check", "custom.toml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("1 custom rule (1 examples, 1 negatives)"),
        "{}",
        run.stdout
    );
    // An example that the rule does not find is a problem, exit 1.
    fs::write(
        d.join("leakhound.toml"),
        ACME_RULE.replace(
            "token = acme_{{lowernum:32}}",
            "token = acme_{{lowernum:8}}",
        ),
    )
    .unwrap();
    let run = run_in(d, &["config", "check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("example 1 is not found by this rule"),
        "{}",
        run.stdout
    );
    // A missing --config file is an error, not an empty config.
    let run = run_in(d, &["scan", "--config", "nope.toml", "."]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nope.toml"), "{}", run.stderr);
}

/// Each bad config: the scan exits 2 with one line naming file, line and key.
#[test]
fn bad_configs_are_rejected_with_file_line_and_key() {
    let cases: &[(&str, &str, &str)] = &[
        ("[allow]\nreason = \"x\"\nfoo = 1\n", "line 3", "foo"),
        ("colour = \"red\"\n", "line 1", "colour"),
        ("[extend]\ndisabled = [\"x\"]\n", "line 2", "disabled"),
        ("[allow]\npaths = \"testdata/**\"\n", "line 2", "paths"),
        (
            "[severity]\n\"slack-bot-token\" = \"hgh\"\n",
            "line 2",
            "severity.slack-bot-token",
        ),
        (
            "[severity]\n\"no-such-rule\" = \"low\"\n",
            "line 2",
            "severity.no-such-rule",
        ),
        (
            "[extend]\ndisable = [\n  \"slack-bot-token\",\n  \"not-a-rule\",\n]\n",
            "line 4",
            "extend.disable",
        ),
        (
            "[allow]\nregexes = ['''(unclosed''']\n",
            "line 2",
            "allow.regexes",
        ),
        ("[allow]\npaths = [\"a/[\"]\n", "line 2", "allow.paths"),
        ("[allow]\ncommits = [\"xyz\"]\n", "line 2", "allow.commits"),
        (
            "\n[[allow.rule]]\nid = \"nope-rule\"\npaths = [\"x\"]\n",
            "line 3",
            "allow.rule.id",
        ),
        (
            "[[allow.rule]]\nid = \"slack-bot-token\"\npath = [\"x\"]\n",
            "line 3",
            "path",
        ),
        (
            "\n[[allow.rule]]\npaths = [\"x\"]\n",
            "line 2",
            "allow.rule.id",
        ),
        (
            "\n[allow]\nid = \"slack-bot-token\"\n",
            "line 2",
            "allow.id",
        ),
        (
            "[[rule]]\nid = \"my-rule\"\nname = \"Mine\"\nseverity = \"high\"\nregex = '''my_[a-z]{10}'''\nkeywords = [\"my_\"]\n",
            "line 2",
            "rule.my-rule",
        ),
        (
            "[[rule]]\nid = \"my-rule\"\nname = \"Mine\"\nseverity = \"high\"\nregex = '''(?P<secret>my_[a-z]{10})'''\n",
            "line 2",
            "rule.my-rule",
        ),
        (
            "[[rule]]\nid = \"my-rule\"\nname = \"Mine\"\nseverity = \"high\"\nregex = 'x'\ncolor = 1\n",
            "line 6",
            "color",
        ),
        ("[allow\npaths = []\n", "line 1", ""),
    ];
    for (text, line, key) in cases {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("leakhound.toml"), text).unwrap();
        fs::write(dir.path().join("a.txt"), "nothing\n").unwrap();
        let run = run_in(dir.path(), &["scan", "."]);
        assert_eq!(
            run.code, 2,
            "accepted a bad config:\n{text}\n{}",
            run.stdout
        );
        let err = run.stderr.trim();
        assert_eq!(err.lines().count(), 1, "not one line: {err}");
        assert!(err.contains("leakhound.toml: "), "no file in: {err}");
        assert!(
            err.contains(&format!("{line}:")),
            "expected {line} in: {err}\n---\n{text}"
        );
        assert!(
            key.is_empty() || err.contains(&format!("`{key}`")),
            "expected key `{key}` in: {err}\n---\n{text}"
        );
        assert!(!err.contains("panicked"), "{err}");
        // `config check` reports the same error.
        let check = run_in(dir.path(), &["config", "check"]);
        assert_eq!(check.code, 2);
        assert_eq!(check.stderr.trim(), err);
    }
}

/// `.ci/run` scans the repository with its own leakhound.toml: it must be clean.
#[test]
fn the_project_scans_itself_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = run_in(
        root,
        &["scan", "--respect-gitignore", "--format", "json", "."],
    );
    assert_eq!(run.code, 0, "self-scan found secrets: {}", run.stdout);
    let check = run_in(root, &["config", "check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}

/// With `--config FILE`, allowlist paths are relative to the file's folder, so a
/// repository-root config works for `scan dist/` too.
#[test]
fn explicit_config_paths_are_relative_to_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("dist/vendor")).unwrap();
    fs::write(
        d.join("dist/vendor/lib.js"),
        format!("t='{}'\n", slack_token()),
    )
    .unwrap();
    fs::write(d.join("dist/app.js"), format!("t='{}'\n", slack_token())).unwrap();
    fs::write(
        d.join("leakhound.toml"),
        "[allow]\npaths = [\"dist/vendor/**\"]\n",
    )
    .unwrap();
    let found = rules_found(d, &["--config", "leakhound.toml", "dist"]);
    assert_eq!(
        found,
        vec![("slack-bot-token".to_string(), "dist/app.js".to_string())]
    );
    // Without --config, `scan dist` reads dist/leakhound.toml (there is none): both found.
    assert_eq!(rules_found(d, &["dist"]).len(), 2);
}
