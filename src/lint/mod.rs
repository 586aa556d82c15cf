//! The rule checker behind `leakhound rules check` and the test suite: lints
//! every rule and runs its examples and negatives through the full engine.

pub mod example_syntax;
pub mod uniqueness;

use crate::engine::Matcher;
use crate::engine::matcher::Hit;
use crate::rules::compile::{CompiledRule, RuleSet};
use crate::rules::generate::Generator;
use crate::rules::load::SourcedRule;
use crate::rules::specificity::{Rank, Specificity};
use crate::rules::syntax::PEER_NAMES;
use example_syntax::{FileSyntax, MIN_CONTEXT_SYNTAXES, classify};
use std::collections::{BTreeMap, BTreeSet};
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
    /// Which quality lint this is (`None`: the rule is broken: it does not
    /// compile, an example is missed, a negative is matched).
    pub lint: Option<Lint>,
}

/// The quality lints of issue 13 (a rule that fails one still works; it is not
/// yet a good rule). Each has a stable name, for lists of known debt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lint {
    /// The description does not name the provider.
    DescriptionNamesProvider,
    /// The description is a template shared by many providers.
    DescriptionTemplate,
    /// The rotation steps do not name the provider.
    RotationNamesProvider,
    /// The rotation steps are nearly the same text as another provider's.
    RotationTemplate,
    /// One provider is spelled several ways.
    ProviderSpelling,
    /// A context-keyed rule is tested in too few file syntaxes.
    ContextSyntaxes,
    /// No negative reaches the regex (none contains a keyword).
    NegativeNearMiss,
    /// An example is also matched by another rule, undeclared or undecided.
    Overlap,
}

impl Lint {
    /// The lint's stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Lint::DescriptionNamesProvider => "description-names-provider",
            Lint::DescriptionTemplate => "description-template",
            Lint::RotationNamesProvider => "rotation-names-provider",
            Lint::RotationTemplate => "rotation-template",
            Lint::ProviderSpelling => "provider-spelling",
            Lint::ContextSyntaxes => "context-syntaxes",
            Lint::NegativeNearMiss => "negative-near-miss",
            Lint::Overlap => "overlap",
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: rule `{}`: {}", self.source, self.rule, self.message)?;
        match self.lint {
            Some(lint) => write!(f, " [{}]", lint.as_str()),
            None => Ok(()),
        }
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
                        lint: None,
                    });
                }
            }
            if report.problems.is_empty() {
                report.problems.push(Problem {
                    source: e.source_file,
                    rule: e.rule,
                    message: e.message,
                    lint: None,
                });
            }
            return report;
        }
    };
    let mut matcher = Matcher::new(Arc::clone(&set));
    matcher.include_public = true;
    let mut overlaps = Overlaps::default();
    for t in targets {
        report.rules_checked += 1;
        lint(t, strictness, &set, &mut report.problems);
        let Some(ri) = set.rules.iter().position(|r| r.def.id == t.def.id) else {
            continue;
        };
        let path = example_path(&t.def);
        let mut syntaxes = BTreeSet::new();
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
            let raw = matcher.scan_unresolved(text.as_bytes(), Some(&path));
            overlaps.record(&set, ri, n, &raw);
            let mut hits = raw;
            matcher.resolve(&mut hits);
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
            let own: Vec<&Hit> = hits.iter().filter(|h| h.rule as usize == ri).collect();
            syntaxes.extend(own.iter().map(|h| classify(&text, h.secret_start, h.start)));
            if own.is_empty() {
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
        if strictness == Strictness::Shipped {
            lint_syntaxes(t, &set.rules[ri], &syntaxes, &mut report.problems);
        }
        let mut reaches_regex = false;
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
            let lower = text.to_ascii_lowercase();
            reaches_regex |= t
                .def
                .keywords
                .iter()
                .any(|k| lower.contains(&k.to_ascii_lowercase()));
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
        if strictness == Strictness::Shipped && !t.def.negatives.is_empty() && !reaches_regex {
            report.problems.push(lint_problem(
                t,
                Lint::NegativeNearMiss,
                "no negative contains a keyword, so none reaches the regex: add near-misses \
                 (the provider's public or test key, an id, a placeholder, a wrong length)",
            ));
        }
    }
    let target_rules: Vec<usize> = targets
        .iter()
        .filter_map(|t| set.rules.iter().position(|r| r.def.id == t.def.id))
        .collect();
    if strictness == Strictness::Shipped {
        overlaps.report(&set, &target_rules, targets, &mut report.problems);
        for (i, lint, message) in uniqueness::lint(targets, context) {
            report
                .problems
                .push(lint_problem(&targets[i], lint, message));
        }
    }
    report
}

/// Pairs of rules that found overlapping secrets in one example: (rule, other
/// rule) -> the example of `rule` (0-based) where it happened first.
#[derive(Default)]
struct Overlaps {
    pairs: BTreeMap<(usize, usize), usize>,
}

impl Overlaps {
    /// Note every other rule's hit that overlaps a hit of `ri` in example `n`.
    /// Generic catch-alls overlap everything by design, and public recognisers
    /// shadow by design (an example they shadow fails on its own).
    fn record(&mut self, set: &RuleSet, ri: usize, n: usize, raw: &[Hit]) {
        let exempt = |r: usize| {
            let d = &set.rules[r].def;
            d.is_generic() || d.public
        };
        if exempt(ri) {
            return;
        }
        for h in raw.iter().filter(|h| h.rule as usize == ri) {
            for o in raw {
                let other = o.rule as usize;
                if other != ri
                    && !exempt(other)
                    && o.secret_start < h.secret_end
                    && h.secret_start < o.secret_end
                {
                    self.pairs.entry((ri, other)).or_insert(n);
                }
            }
        }
    }

    /// A problem for every overlap no rule of the pair declares in `overlaps`,
    /// and for every declared one the specificity order cannot decide.
    fn report(
        &self,
        set: &RuleSet,
        target_rules: &[usize],
        targets: &[SourcedRule],
        out: &mut Vec<Problem>,
    ) {
        for (&(a, b), &n) in &self.pairs {
            let Some(ti) = target_rules.iter().position(|&r| r == a) else {
                continue;
            };
            let (ra, rb) = (&set.rules[a], &set.rules[b]);
            let declared =
                ra.def.overlaps.contains(&rb.def.id) || rb.def.overlaps.contains(&ra.def.id);
            let (sa, sb) = (ra.specificity, rb.specificity);
            let verdict = match set.precedence(a, b) {
                std::cmp::Ordering::Greater => format!("`{}` wins ({})", ra.def.id, why(sa, sb)),
                std::cmp::Ordering::Less => format!("`{}` wins ({})", rb.def.id, why(sb, sa)),
                std::cmp::Ordering::Equal => {
                    out.push(lint_problem(
                        &targets[ti],
                        Lint::Overlap,
                        format!(
                            "example {} is also matched by rule `{}` and neither wins (both {}), \
                             so both report it: narrow one of them, or declare the overlap in \
                             the more specific one's `overlaps`",
                            n + 1,
                            rb.def.id,
                            sa.describe()
                        ),
                    ));
                    continue;
                }
            };
            if !declared {
                out.push(lint_problem(
                    &targets[ti],
                    Lint::Overlap,
                    format!(
                        "example {} is also matched by rule `{}`; at scan time {verdict}. \
                         If that is deliberate, add `overlaps = [\"{}\"]` to this rule; otherwise narrow one of them",
                        n + 1,
                        rb.def.id,
                        rb.def.id
                    ),
                ));
            }
        }
    }
}

/// Why the first of two rules wins an overlap.
fn why(winner: Specificity, loser: Specificity) -> String {
    if winner == loser {
        format!("both {}; it declares the overlap", winner.describe())
    } else {
        format!("{} over {}", winner.describe(), loser.describe())
    }
}

/// A context-keyed rule (no vendor prefix, no `paths`) must be tested in
/// [`MIN_CONTEXT_SYNTAXES`] file syntaxes.
fn lint_syntaxes(
    t: &SourcedRule,
    rule: &CompiledRule,
    seen: &BTreeSet<FileSyntax>,
    out: &mut Vec<Problem>,
) {
    if rule.specificity.rank != Rank::Context || !t.def.paths.is_empty() || t.def.is_exposure() {
        return;
    }
    let real: Vec<&str> = seen
        .iter()
        .filter(|s| **s != FileSyntax::Other)
        .map(|s| s.as_str())
        .collect();
    if real.len() < MIN_CONTEXT_SYNTAXES {
        out.push(lint_problem(
            t,
            Lint::ContextSyntaxes,
            format!(
                "context-keyed rule (its secret has no vendor prefix) is tested in {} file syntax{} ({}); \
                 add examples so at least {MIN_CONTEXT_SYNTAXES} of env, yaml, json, toml, code, xml, cli, url are covered",
                real.len(),
                if real.len() == 1 { "" } else { "es" },
                if real.is_empty() { "none".to_string() } else { real.join(", ") }
            ),
        ));
    }
}

fn problem(t: &SourcedRule, message: impl Into<String>) -> Problem {
    Problem {
        source: t.source.clone(),
        rule: t.def.id.clone(),
        message: message.into(),
        lint: None,
    }
}

fn lint_problem(t: &SourcedRule, lint: Lint, message: impl Into<String>) -> Problem {
    Problem {
        lint: Some(lint),
        ..problem(t, message)
    }
}

fn lint(t: &SourcedRule, strictness: Strictness, set: &RuleSet, out: &mut Vec<Problem>) {
    let d = &t.def;
    let mut seen = BTreeSet::new();
    for p in &d.peers {
        if !PEER_NAMES.contains(&p.as_str()) {
            out.push(problem(
                t,
                format!("unknown peer {p:?} (known: {})", PEER_NAMES.join(", ")),
            ));
        } else if !seen.insert(p) {
            out.push(problem(t, format!("peer {p:?} listed twice")));
        }
    }
    for o in &d.overlaps {
        if o == &d.id || set.get(o).is_none() {
            out.push(problem(t, format!("`overlaps` names no other rule: {o}")));
        }
    }
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
