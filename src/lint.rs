//! The rule checker behind `leakhound rules check` and the test suite: lints
//! every rule and runs its examples and negatives through the full engine.

use crate::engine::Matcher;
use crate::rules::compile::RuleSet;
use crate::rules::generate::Generator;
use crate::rules::load::SourcedRule;
use std::sync::Arc;

/// Minimum examples and negatives a shipped rule must carry.
pub const MIN_EXAMPLES: usize = 2;

/// Shortest rotation steps a shipped rule may carry: a sentence naming where to
/// revoke, what to re-issue and where to update is longer than this.
pub const MIN_ROTATION_STEPS: usize = 80;

/// How demanding the checker is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Shipped rules: description, provider, rotation, and at least two examples and negatives.
    Shipped,
    /// User rules: only what is written is checked.
    User,
}

/// One problem with one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub source: String,
    pub rule: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: rule `{}`: {}", self.source, self.rule, self.message)
    }
}

/// The outcome of checking a set of rules.
#[derive(Debug, Default)]
pub struct Report {
    pub rules_checked: usize,
    pub examples_run: usize,
    pub negatives_run: usize,
    pub problems: Vec<Problem>,
}

/// The seed used to expand a rule's n-th example: stable per rule and example.
pub fn example_seed(rule_id: &str, kind: &str, n: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in rule_id
        .bytes()
        .chain(kind.bytes())
        .chain((n as u64).to_le_bytes())
    {
        h ^= b as u64;
        h = h.wrapping_mul(0x1000_0000_01b3);
    }
    h
}

/// The path an example is scanned as: the rule's first path glob made concrete.
pub fn example_path(rule: &crate::rules::RuleDef) -> String {
    match rule.paths.first() {
        Some(glob) => glob
            .trim_start_matches("**/")
            .replace("**", "x")
            .replace('*', "x"),
        None => "example.txt".to_string(),
    }
}

/// Check `targets` in the context of `context` (all rules that would run with
/// them; targets override context rules with the same id).
pub fn check_rules(
    targets: &[SourcedRule],
    context: &[SourcedRule],
    strictness: Strictness,
) -> Report {
    let mut report = Report::default();
    // The checker is what vouches for shipped rules, so it compiles every
    // target's regex now instead of trusting the lazy path.
    let targets: Vec<SourcedRule> = targets
        .iter()
        .map(|t| SourcedRule {
            shipped: false,
            ..t.clone()
        })
        .collect();
    let targets = targets.as_slice();
    let mut all: Vec<SourcedRule> = context
        .iter()
        .filter(|c| !targets.iter().any(|t| t.def.id == c.def.id))
        .cloned()
        .collect();
    // Duplicate ids among the targets are an error in their own right.
    let mut ids = std::collections::HashSet::new();
    for t in targets {
        if !ids.insert(t.def.id.as_str()) {
            report.problems.push(problem(t, "duplicate rule id"));
        }
    }
    all.extend(targets.iter().cloned());
    let set = match RuleSet::compile(&all) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            // Find every rule that fails on its own, so one run lists them all.
            for t in targets {
                if let Err(e) = RuleSet::compile(std::slice::from_ref(t)) {
                    report.problems.push(Problem {
                        source: e.source_file,
                        rule: e.rule,
                        message: e.message,
                    });
                }
            }
            if report.problems.is_empty() {
                report.problems.push(Problem {
                    source: e.source_file,
                    rule: e.rule,
                    message: e.message,
                });
            }
            return report;
        }
    };
    let mut matcher = Matcher::new(Arc::clone(&set));
    matcher.include_public = true;
    for t in targets {
        report.rules_checked += 1;
        lint(t, strictness, &mut report.problems);
        let Some(ri) = set.rules.iter().position(|r| r.def.id == t.def.id) else {
            continue;
        };
        let path = example_path(&t.def);
        for (n, ex) in t.def.examples.iter().enumerate() {
            report.examples_run += 1;
            let text = match Generator::new(example_seed(&t.def.id, "example", n)).expand(ex) {
                Ok(s) => s,
                Err(e) => {
                    report
                        .problems
                        .push(problem(t, format!("example {}: {e}", n + 1)));
                    continue;
                }
            };
            let lower = text.to_ascii_lowercase();
            if !t
                .def
                .keywords
                .iter()
                .any(|k| lower.contains(&k.to_ascii_lowercase()))
            {
                report.problems.push(problem(
                    t,
                    format!(
                        "example {} contains none of the keywords, so the prefilter would drop it",
                        n + 1
                    ),
                ));
                continue;
            }
            let hits = matcher.scan(text.as_bytes(), Some(&path));
            // Generic rules run over windows around their keyword hits, so
            // their matches must contain a keyword.
            if t.def.is_generic()
                && let Some(h) = hits.iter().find(|h| h.rule as usize == ri)
            {
                let matched = lower.as_bytes()[h.start..h.end].to_vec();
                let matched = String::from_utf8_lossy(&matched);
                if !t
                    .def
                    .keywords
                    .iter()
                    .any(|k| matched.contains(&k.to_ascii_lowercase()))
                {
                    report.problems.push(problem(
                        t,
                        format!("example {}: the match contains none of the keywords", n + 1),
                    ));
                }
            }
            if !hits.iter().any(|h| h.rule as usize == ri) {
                let others: Vec<&str> = hits
                    .iter()
                    .map(|h| set.rules[h.rule as usize].def.id.as_str())
                    .collect();
                let why = if others.is_empty() {
                    String::new()
                } else {
                    format!(" (found instead by: {})", others.join(", "))
                };
                report.problems.push(problem(
                    t,
                    format!("example {} is not found by this rule{why}: {ex}", n + 1),
                ));
            }
        }
        for (n, neg) in t.def.negatives.iter().enumerate() {
            report.negatives_run += 1;
            let text = match Generator::new(example_seed(&t.def.id, "negative", n)).expand(neg) {
                Ok(s) => s,
                Err(e) => {
                    report
                        .problems
                        .push(problem(t, format!("negative {}: {e}", n + 1)));
                    continue;
                }
            };
            if matcher
                .scan(text.as_bytes(), Some(&path))
                .iter()
                .any(|h| h.rule as usize == ri)
            {
                report.problems.push(problem(
                    t,
                    format!("negative {} is matched by this rule: {neg}", n + 1),
                ));
            }
        }
    }
    report
}

fn problem(t: &SourcedRule, message: impl Into<String>) -> Problem {
    Problem {
        source: t.source.clone(),
        rule: t.def.id.clone(),
        message: message.into(),
    }
}

fn lint(t: &SourcedRule, strictness: Strictness, out: &mut Vec<Problem>) {
    let d = &t.def;
    if strictness == Strictness::User {
        return;
    }
    if d.description.trim().is_empty() {
        out.push(problem(t, "description is empty"));
    }
    if d.provider.trim().is_empty() {
        out.push(problem(t, "provider is empty"));
    }
    if d.examples.len() < MIN_EXAMPLES {
        out.push(problem(
            t,
            format!("needs at least {MIN_EXAMPLES} examples"),
        ));
    }
    if d.negatives.len() < MIN_EXAMPLES {
        out.push(problem(
            t,
            format!("needs at least {MIN_EXAMPLES} negatives"),
        ));
    }
    if !d.rotation.revoke_url.starts_with("https://") {
        out.push(problem(t, "rotation.revoke_url must be an https:// URL"));
    }
    if d.rotation.steps.trim().is_empty() {
        out.push(problem(t, "rotation.steps is empty"));
    } else if d.rotation.steps.trim().len() < MIN_ROTATION_STEPS {
        out.push(problem(
            t,
            format!(
                "rotation.steps is too short to be concrete (under {MIN_ROTATION_STEPS} characters)"
            ),
        ));
    }
}
