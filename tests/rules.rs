//! Every shipped rule's examples are found by that rule and its negatives are not.

use leakhound::lint::{Strictness, check_rules};
use leakhound::rules::load::shipped_rules;

#[test]
fn every_shipped_rule_passes_its_examples_and_negatives() {
    let rules = shipped_rules().expect("shipped rules parse");
    let report = check_rules(&rules, &rules, Strictness::Shipped);
    let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
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
