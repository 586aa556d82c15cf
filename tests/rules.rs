//! Every shipped rule's examples are found by that rule and its negatives are not.

use leakhound::lint::{Strictness, check_rules};
use leakhound::rules::load::shipped_rules;
use std::collections::BTreeSet;

/// Quality-lint problems of rules written before the lints existed: one
/// `rule-id lint-name` per line, grouped by rule file. The owner of a file
/// removes its lines as the rules are fixed; a problem not listed fails the test,
/// and so does a listed one that is gone, so the list only shrinks.
const LINT_DEBT: &str = include_str!("lint-debt.txt");

#[test]
fn every_shipped_rule_passes_its_examples_and_negatives() {
    let rules = shipped_rules().expect("shipped rules parse");
    let report = check_rules(&rules, &rules, Strictness::Shipped);
    let debt: BTreeSet<(&str, &str)> = LINT_DEBT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        .collect();
    let mut owed = BTreeSet::new();
    let mut problems = Vec::new();
    for p in &report.problems {
        match p.lint {
            Some(lint) if debt.contains(&(p.rule.as_str(), lint.as_str())) => {
                owed.insert((p.rule.as_str(), lint.as_str()));
            }
            _ => problems.push(p.to_string()),
        }
    }
    for (rule, lint) in debt.difference(&owed) {
        problems.push(format!(
            "tests/lint-debt.txt lists `{rule} {lint}`, which no longer fails: remove the line"
        ));
    }
    assert!(
        problems.is_empty(),
        "{} problems (run `cargo run -- rules check`):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(report.examples_run >= 2 * rules.len());
    assert!(report.negatives_run >= 2 * rules.len());
}

#[test]
fn checker_catches_a_broken_rule() {
    let text = r#"
[[rule]]
id = "acme-token"
name = "ACME token"
severity = "high"
keywords = ["acme_"]
regex = '''\b(?P<secret>acme_[a-z0-9]{32})\b'''
examples = ["token = acme_{{lowernum:16}}"]
negatives = ["token = acme_{{lowernum:32}}"]
"#;
    let rules = leakhound::rules::load::parse_rule_file("custom.toml", text).unwrap();
    let report = check_rules(&rules, &[], Strictness::User);
    let msgs: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("custom.toml: rule `acme-token`: example 1 is not found")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("negative 1 is matched")),
        "{msgs:?}"
    );
}

#[test]
fn rule_errors_name_file_and_rule() {
    let bad = r#"
[[rule]]
id = "bad-one"
name = "Bad"
severity = "high"
keywords = []
regex = '''(?P<secret>x)'''
"#;
    let rules = leakhound::rules::load::parse_rule_file("mine.toml", bad).unwrap();
    let err = leakhound::rules::RuleSet::compile(&rules)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("mine.toml") && err.contains("bad-one") && err.contains("keyword"),
        "{err}"
    );
    let dup = format!("{bad}{bad}").replace("keywords = []", "keywords = [\"x\"]");
    let rules = leakhound::rules::load::parse_rule_file("mine.toml", &dup).unwrap();
    let err = leakhound::rules::RuleSet::compile(&rules)
        .unwrap_err()
        .to_string();
    assert!(err.contains("duplicate"), "{err}");
    let unparsable = leakhound::rules::load::parse_rule_file("x.toml", "[[rule]]\nid = 3\n")
        .unwrap_err()
        .to_string();
    assert!(unparsable.starts_with("x.toml: line 2"), "{unparsable}");
}

#[test]
fn rule_count_is_reported_and_matches_the_readme() {
    let out = assert_cmd::Command::cargo_bin("leakhound")
        .unwrap()
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let count = doc["count"].as_u64().expect("count") as usize;
    assert_eq!(count, doc["rules"].as_array().expect("rules").len());
    assert_eq!(count, shipped_rules().unwrap().len());
    assert!(count >= 200, "{count} rules");
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let stated: usize = readme
        .split("ships **")
        .nth(1)
        .and_then(|rest| rest.split(" rules**").next())
        .and_then(|n| n.trim().parse().ok())
        .expect("README states `ships **N rules**`");
    assert_eq!(
        count, stated,
        "README.md states {stated} rules, the binary has {count}"
    );
}

#[test]
fn coverage_table_in_docs_is_current() {
    let doc = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    let out = assert_cmd::Command::cargo_bin("leakhound")
        .unwrap()
        .args(["rules", "coverage", "--check", doc])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn coverage_check_fails_on_a_stale_table_and_write_fixes_it() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("rules.md");
    std::fs::write(
        &doc,
        "# Rules\n\n<!-- coverage:begin -->\nold table\n<!-- coverage:end -->\n\nafter\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("leakhound")
            .unwrap()
            .args(args)
            .arg(&doc)
            .output()
            .unwrap()
    };
    let stale = run(&["rules", "coverage", "--check"]);
    assert_eq!(stale.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&stale.stdout);
    assert!(
        msg.contains("out of date") && msg.contains("rules coverage --write docs/rules.md"),
        "{msg}"
    );
    assert!(run(&["rules", "coverage", "--write"]).status.success());
    let text = std::fs::read_to_string(&doc).unwrap();
    assert!(
        text.starts_with("# Rules\n\n<!-- coverage:begin -->"),
        "{text}"
    );
    assert!(text.ends_with("<!-- coverage:end -->\n\nafter\n"), "{text}");
    assert!(text.contains("| `github-pat-classic` |"), "{text}");
    assert!(run(&["rules", "coverage", "--check"]).status.success());
}
