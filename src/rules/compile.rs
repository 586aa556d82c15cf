//! Compiling rule definitions into a [`RuleSet`]: one Aho-Corasick automaton over
//! every keyword, and one regex per rule.

use super::load::SourcedRule;
use super::syntax::RuleDef;
use crate::engine::checks::{CHECK_NAMES, Check};
use aho_corasick::{MatchKind, dfa::DFA};
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex_automata::meta;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Largest compiled regex a rule may have: bounds memory and build time.
const REGEX_SIZE_LIMIT: usize = 8 * 1024 * 1024;
/// Window radius used around keyword hits when a regex's longest match is unbounded.
pub const UNBOUNDED_MATCH_WINDOW: usize = 64 * 1024;

/// A rule that cannot be used, with the file and rule it came from.
#[derive(Debug, thiserror::Error)]
#[error("{source_file}: rule `{rule}`: {message}")]
pub struct RuleError {
    pub source_file: String,
    pub rule: String,
    pub message: String,
}

/// A rule ready to run.
#[derive(Debug)]
pub struct CompiledRule {
    pub def: RuleDef,
    pub source: String,
    /// Compiled on first use for shipped rules (most rules never see their keyword
    /// in a small scan, and compiling all of them is most of a pre-commit run's
    /// start-up); compiled eagerly for user rules so their errors surface at load.
    regex: OnceLock<Result<meta::Regex, String>>,
    /// Capture group index of `secret` (0 = whole match).
    pub secret_group: usize,
    pub checks: Vec<Check>,
    pub paths: Option<GlobSet>,
    pub stopwords: Vec<Vec<u8>>,
    pub allow_regexes: Vec<regex::bytes::Regex>,
    /// Longest possible match in bytes, capped for unbounded regexes.
    pub window: usize,
}

impl CompiledRule {
    /// The rule's regex, compiled now if this is its first use; `None` only if a
    /// shipped pattern failed to compile, which the rules test rules out.
    pub fn regex(&self) -> Option<&meta::Regex> {
        self.regex
            .get_or_init(|| compile_regex(&self.def.regex))
            .as_ref()
            .ok()
    }

    /// Whether this rule applies to a blob at `path` (rules without `paths` apply everywhere).
    pub fn applies_to(&self, path: Option<&str>) -> bool {
        match (&self.paths, path) {
            (None, _) => true,
            (Some(set), Some(p)) => set.is_match(p),
            (Some(_), None) => false,
        }
    }
}

/// All rules, compiled and shared immutably by every worker.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<CompiledRule>,
    /// Every keyword in one Aho-Corasick DFA, used through its concrete type so the
    /// overlapping search is monomorphised (through `AhoCorasick` every byte is a
    /// virtual call).
    pub keywords: DFA,
    /// Keyword pattern index -> rules that keyword can start.
    pub keyword_rules: Vec<Vec<u32>>,
}

fn err(r: &SourcedRule, message: impl Into<String>) -> RuleError {
    RuleError {
        source_file: r.source.clone(),
        rule: r.def.id.clone(),
        message: message.into(),
    }
}

/// Whether an id is lower-case kebab case.
pub fn id_well_formed(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Compile one rule's regex with leakhound's matching semantics: raw bytes,
/// ASCII classes and word boundaries (so the fast DFA never falls back on
/// non-ASCII input).
pub fn compile_regex(pattern: &str) -> Result<meta::Regex, String> {
    meta::Builder::new()
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(false)
                .utf8(false),
        )
        .configure(
            meta::Config::new()
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                .utf8_empty(false),
        )
        .build(pattern)
        .map_err(|e| e.to_string())
}

/// Parse a rule's pattern (with the same syntax settings as [`compile_regex`])
/// for what the matcher needs before any regex is built: the `secret` group's
/// index and the longest possible match.
fn pattern_shape(pattern: &str) -> Result<(Option<usize>, Option<usize>), String> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string())?;
    Ok((secret_group_index(&hir), hir.properties().maximum_len()))
}

/// The capture index of the group named `secret` (the numbering regex-automata uses).
fn secret_group_index(hir: &regex_syntax::hir::Hir) -> Option<usize> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(c) if c.name.as_deref() == Some("secret") => Some(c.index as usize),
        HirKind::Capture(c) => secret_group_index(&c.sub),
        HirKind::Repetition(r) => secret_group_index(&r.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().find_map(secret_group_index)
        }
        _ => None,
    }
}

fn compile_rule(r: &SourcedRule) -> Result<CompiledRule, RuleError> {
    let def = &r.def;
    if !id_well_formed(&def.id) {
        return Err(err(r, "id must be lower-case kebab case (a-z, 0-9, '-')"));
    }
    if def.name.trim().is_empty() {
        return Err(err(r, "name is empty"));
    }
    if def.keywords.is_empty() {
        return Err(err(
            r,
            "no keywords: a rule without one would run on every byte",
        ));
    }
    if let Some(k) = def.keywords.iter().find(|k| k.is_empty() || !k.is_ascii()) {
        return Err(err(r, format!("keyword {k:?} must be non-empty ASCII")));
    }
    let (secret_group, max_len) =
        pattern_shape(&def.regex).map_err(|e| err(r, format!("regex does not compile: {e}")))?;
    let Some(secret_group) = secret_group else {
        return Err(err(r, "regex has no named group `secret`"));
    };
    let regex = OnceLock::new();
    if !r.shipped {
        let compiled = compile_regex(&def.regex)
            .map_err(|e| err(r, format!("regex does not compile: {e}")))?;
        let _ = regex.set(Ok(compiled));
    }
    let checks = def
        .checks
        .iter()
        .map(|c| {
            Check::parse(c).ok_or_else(|| {
                err(
                    r,
                    format!("unknown check {c:?} (known: {})", CHECK_NAMES.join(", ")),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let paths = if def.paths.is_empty() {
        None
    } else {
        let mut b = GlobSetBuilder::new();
        for p in &def.paths {
            b.add(Glob::new(p).map_err(|e| err(r, format!("bad path glob {p:?}: {e}")))?);
        }
        Some(
            b.build()
                .map_err(|e| err(r, format!("bad path globs: {e}")))?,
        )
    };
    let allow_regexes = def
        .allow
        .regexes
        .iter()
        .map(|p| {
            regex::bytes::Regex::new(p)
                .map_err(|e| err(r, format!("allow regex {p:?} does not compile: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(e) = def.min_entropy
        && !(0.0..=8.0).contains(&e)
    {
        return Err(err(r, "min_entropy must be between 0 and 8 bits per byte"));
    }
    let window = max_len.map_or(UNBOUNDED_MATCH_WINDOW, |m| m.min(UNBOUNDED_MATCH_WINDOW));
    Ok(CompiledRule {
        def: def.clone(),
        source: r.source.clone(),
        regex,
        secret_group,
        checks,
        paths,
        stopwords: def
            .allow
            .stopwords
            .iter()
            .map(|s| s.to_ascii_lowercase().into_bytes())
            .collect(),
        allow_regexes,
        window,
    })
}

impl RuleSet {
    /// Compile rules; fails on the first bad rule or a duplicate id.
    pub fn compile(rules: &[SourcedRule]) -> Result<RuleSet, RuleError> {
        let mut seen = HashSet::new();
        let mut compiled = Vec::with_capacity(rules.len());
        for r in rules {
            if !seen.insert(r.def.id.clone()) {
                return Err(err(r, "duplicate rule id"));
            }
            compiled.push(compile_rule(r)?);
        }
        Self::from_compiled(compiled)
    }

    /// Build the keyword automaton over already compiled rules.
    pub fn from_compiled(rules: Vec<CompiledRule>) -> Result<RuleSet, RuleError> {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for (ri, rule) in rules.iter().enumerate() {
            for k in &rule.def.keywords {
                let key = k.to_ascii_lowercase().into_bytes();
                let slot = *index.entry(key.clone()).or_insert_with(|| {
                    patterns.push(key);
                    keyword_rules.push(Vec::new());
                    patterns.len() - 1
                });
                if !keyword_rules[slot].contains(&(ri as u32)) {
                    keyword_rules[slot].push(ri as u32);
                }
            }
        }
        // A full DFA: the keyword scan touches every byte of every blob, and with a
        // few hundred short keywords an NFA is several times slower.
        let keywords = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| RuleError {
                source_file: "<rules>".into(),
                rule: "*".into(),
                message: e.to_string(),
            })?;
        Ok(RuleSet {
            rules,
            keywords,
            keyword_rules,
        })
    }

    /// Find a rule by id.
    pub fn get(&self, id: &str) -> Option<&CompiledRule> {
        self.rules.iter().find(|r| r.def.id == id)
    }

    /// Compile the shipped rules.
    pub fn shipped() -> Result<RuleSet, anyhow::Error> {
        let rules = super::load::shipped_rules()?;
        Ok(RuleSet::compile(&rules)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_group_from_the_parse_is_the_one_the_regex_uses() {
        for r in crate::rules::load::shipped_rules().unwrap() {
            let (group, _) = pattern_shape(&r.def.regex).unwrap();
            let re = compile_regex(&r.def.regex).unwrap();
            let want = re
                .group_info()
                .to_index(regex_automata::PatternID::ZERO, "secret");
            assert_eq!(group, want, "rule {}", r.def.id);
        }
    }

    #[test]
    fn shipped_rules_compile_lazily_and_user_rules_eagerly() {
        let shipped = crate::rules::load::shipped_rules().unwrap();
        let set = RuleSet::compile(&shipped[..1]).unwrap();
        assert!(
            set.rules[0].regex.get().is_none(),
            "not compiled before use"
        );
        assert!(set.rules[0].regex().is_some());
        let mut user = shipped[0].clone();
        user.shipped = false;
        user.def.regex = "(?P<secret>a{99999}{99999})".into();
        let e = RuleSet::compile(&[user]).unwrap_err();
        assert!(e.message.contains("does not compile"), "{e}");
    }
}
