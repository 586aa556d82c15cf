//! Overlapping rules: at scan time the more specific rule's finding wins (the
//! order in `src/rules/specificity.rs`); `rules check` flags overlaps no rule
//! declares, and the quality lints flag rules that are not yet real rules.

mod common;

use common::*;
use leakhound::lint::{Lint, Strictness, check_rules};
use leakhound::rules::load::parse_rule_file;
use std::fs;

/// One custom rule in the rule-file format; `extra` goes before the rotation.
fn rule(id: &str, keyword: &str, regex: &str, examples: &[&str], extra: &str) -> String {
    format!(
        r#"
[[rule]]
id = "{id}"
name = "Acme {id}"
description = "An Acme Cloud {id}: deploys and reads every project of the Acme organisation."
provider = "Acme"
severity = "high"
keywords = ["{keyword}"]
regex = '''{regex}'''
examples = {examples:?}
negatives = ["{keyword} = short", "{keyword}: ${{ACME}}"]
{extra}
[rule.rotation]
revoke_url = "https://console.acme.example/settings/tokens"
steps = "1. Revoke it in the Acme console under Settings → Tokens.\n2. Issue a new one for the one pipeline that needs it.\n3. Check the Acme audit log for {id} use."
"#
    )
}

/// A prefixed token rule and a context-keyed rule that both find `acme_...`
/// assigned to `ACME_KEY`.
fn prefixed_and_context(extra_on_context: &str) -> String {
    let prefixed = rule(
        "acme-token",
        "acme_",
        r"\b(?P<secret>acme_[a-z0-9]{32})\b",
        &[
            "ACME_KEY=acme_{{lowernum:32}}",
            "t = 'acme_{{lowernum:32}}'",
        ],
        "",
    );
    let context = rule(
        "acme-key",
        "acme_key",
        r#"(?i)acme_key["']?\s*[=:]\s*["']?(?P<secret>[a-z0-9_]{20,40})\b"#,
        &[
            "ACME_KEY={{lowernum:32}}",
            "acme_key: {{lowernum:32}}",
            r#"{"acme_key": "{{lowernum:32}}"}"#,
            "ACME_KEY=acme_{{lowernum:32}}",
        ],
        extra_on_context,
    );
    format!("{prefixed}{context}")
}

fn found_rules(dir: &std::path::Path) -> Vec<String> {
    let run = scan_json(dir, &[]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let mut rules: Vec<String> = occurrences(&run.json())
        .into_iter()
        .map(|(r, ..)| r)
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn the_prefixed_rule_wins_over_a_context_keyed_one_at_scan_time() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("leakhound.toml"), prefixed_and_context("")).unwrap();
    fs::write(
        d.join("app.cfg"),
        format!("ACME_KEY=acme_{}\n", fake("lowernum:32")),
    )
    .unwrap();
    assert_eq!(found_rules(d), ["acme-token"]);
    // Without the overlap, the context-keyed rule reports on its own.
    fs::write(
        d.join("app.cfg"),
        format!("ACME_KEY={}\n", fake("lowernum:32")),
    )
    .unwrap();
    assert_eq!(found_rules(d), ["acme-key"]);
}

#[test]
fn between_equally_specific_rules_the_declaring_one_wins_and_otherwise_both_stay() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let first = rule(
        "acme-deploy-key",
        "acme",
        r"(?i)acme_deploy_key\s*=\s*(?P<secret>[a-z0-9]{32})\b",
        &[
            "ACME_DEPLOY_KEY={{lowernum:32}}",
            "acme_deploy_key = {{lowernum:32}}",
        ],
        "",
    );
    let second = |extra: &str| {
        rule(
            "acme-any-key",
            "acme",
            r"(?i)acme_[a-z]+_key\s*=\s*(?P<secret>[a-z0-9]{32})\b",
            &[
                "ACME_BUILD_KEY={{lowernum:32}}",
                "acme_run_key = {{lowernum:32}}",
            ],
            extra,
        )
    };
    fs::write(
        d.join("app.cfg"),
        format!("ACME_DEPLOY_KEY={}\n", fake("lowernum:32")),
    )
    .unwrap();
    fs::write(d.join("leakhound.toml"), format!("{first}{}", second(""))).unwrap();
    assert_eq!(found_rules(d), ["acme-any-key", "acme-deploy-key"]);
    let declared = second("overlaps = [\"acme-deploy-key\"]");
    fs::write(d.join("leakhound.toml"), format!("{first}{declared}")).unwrap();
    assert_eq!(found_rules(d), ["acme-any-key"]);
}

fn lints(text: &str) -> Vec<(String, Option<Lint>, String)> {
    let rules = parse_rule_file("acme.toml", text).unwrap();
    check_rules(&rules, &rules, Strictness::Shipped)
        .problems
        .into_iter()
        .map(|p| (p.rule, p.lint, p.message))
        .collect()
}

#[test]
fn checker_flags_an_undeclared_overlap_and_accepts_a_declared_one() {
    let undeclared = lints(&prefixed_and_context(""));
    let overlap: Vec<_> = undeclared
        .iter()
        .filter(|p| p.1 == Some(Lint::Overlap))
        .collect();
    assert!(
        overlap.iter().any(|p| p.0 == "acme-token"
            && p.2.contains("also matched by rule `acme-key`")
            && p.2
                .contains("`acme-token` wins (vendor prefix of 5 bytes over context-keyed")),
        "{undeclared:#?}"
    );
    // The context rule's own example with the prefixed token is now found by the
    // prefixed rule instead, which the example check reports as well.
    assert!(
        undeclared
            .iter()
            .any(|p| p.0 == "acme-key" && p.2.contains("found instead by: acme-token")),
        "{undeclared:#?}"
    );
    let declared = lints(&prefixed_and_context("overlaps = [\"acme-token\"]"));
    assert!(
        !declared.iter().any(|p| p.1 == Some(Lint::Overlap)),
        "{declared:#?}"
    );
}

#[test]
fn checker_asks_context_keyed_rules_for_three_file_syntaxes() {
    let two = rule(
        "acme-secret",
        "acme_secret",
        r#"(?i)acme_secret["']?\s*[=:]\s*["']?(?P<secret>[a-z0-9]{32})\b"#,
        &[
            "ACME_SECRET={{lowernum:32}}",
            "acme_secret: {{lowernum:32}}",
        ],
        "",
    );
    let found = lints(&two);
    assert!(
        found.iter().any(|p| p.1 == Some(Lint::ContextSyntaxes)
            && p.2.contains("tested in 2 file syntaxes (env, yaml)")),
        "{found:#?}"
    );
    let three = two.replace(
        r#""acme_secret: {{lowernum:32}}"]"#,
        r#""acme_secret: {{lowernum:32}}", "{\"acme_secret\": \"{{lowernum:32}}\"}"]"#,
    );
    assert_ne!(three, two);
    let found = lints(&three);
    assert!(
        !found.iter().any(|p| p.1 == Some(Lint::ContextSyntaxes)),
        "{found:#?}"
    );
    // A prefixed token needs no context, so one syntax is enough.
    let prefixed = rule(
        "acme-pat",
        "acmepat_",
        r"\b(?P<secret>acmepat_[a-z0-9]{32})\b",
        &["T=acmepat_{{lowernum:32}}", "T=acmepat_{{lowernum:32}}"],
        "",
    );
    assert!(
        !lints(&prefixed)
            .iter()
            .any(|p| p.1 == Some(Lint::ContextSyntaxes))
    );
}

#[test]
fn checker_flags_unknown_peers_templates_and_negatives_that_never_reach_the_regex() {
    let mut text = rule(
        "acme-pat",
        "acmepat_",
        r"\b(?P<secret>acmepat_[a-z0-9]{32})\b",
        &["T=acmepat_{{lowernum:32}}", "T=acmepat_{{lowernum:32}}"],
        "peers = [\"gitleaks\", \"noseyparker\"]",
    )
    .replace(
        r#"negatives = ["acmepat_ = short", "acmepat_: ${ACME}"]"#,
        r#"negatives = ["nothing here", "still nothing"]"#,
    );
    // Three providers with the same description and steps, names swapped.
    for p in ["Bolt", "Crux"] {
        text.push_str(
            &rule(
                &format!("{}-pat", p.to_lowercase()),
                &format!("{}pat_", p.to_lowercase()),
                &format!(r"\b(?P<secret>{}pat_[a-z0-9]{{32}})\b", p.to_lowercase()),
                &[
                    &format!("T={}pat_{{{{lowernum:32}}}}", p.to_lowercase()),
                    &format!("T={}pat_{{{{lowernum:32}}}}", p.to_lowercase()),
                ],
                "",
            )
            .replace("Acme", p),
        );
    }
    let found = lints(&text);
    let has = |rule: &str, lint: Lint| found.iter().any(|p| p.0 == rule && p.1 == Some(lint));
    assert!(
        found
            .iter()
            .any(|p| p.0 == "acme-pat" && p.2.contains("unknown peer \"noseyparker\"")),
        "{found:#?}"
    );
    assert!(has("acme-pat", Lint::NegativeNearMiss), "{found:#?}");
    assert!(has("acme-pat", Lint::DescriptionTemplate), "{found:#?}");
    assert!(has("bolt-pat", Lint::RotationTemplate), "{found:#?}");
    assert!(!has("bolt-pat", Lint::NegativeNearMiss), "{found:#?}");
}
