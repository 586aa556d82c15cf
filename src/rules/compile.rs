//! Compiling rule definitions into a [`RuleSet`]: one Aho-Corasick automaton over
//! every keyword, and one regex per rule.

use super::casefold;
use super::keyword_proof;
use super::load::SourcedRule;
use super::specificity::{Specificity, secret_prefix_len};
use super::syntax::RuleDef;
use crate::engine::checks::{CHECK_NAMES, Check};
use crate::engine::keywords::Keywords;
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex_automata::meta;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Largest compiled regex a rule may have: bounds memory and build time.
const REGEX_SIZE_LIMIT: usize = 8 * 1024 * 1024;
/// Most memory one rule's lazy DFA may build up per worker before it is
/// cleared and rebuilt. The default (2 MiB) makes the big generic patterns
/// (alternations of secret names before a bounded repetition) thrash on dense
/// input until the regex engine gives up on the DFA and falls back to a much
/// slower NFA search: `generic-api-key` over a scanner's own test fixtures ran
/// 5x slower. Caches grow only as states are built; small patterns stay small.
const REGEX_CACHE_CAPACITY: usize = 16 * 1024 * 1024;
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
    regex: OnceLock<Result<RuleRegex, String>>,
    /// Capture group index of `secret` (0 = whole match).
    pub secret_group: usize,
    pub checks: Vec<Check>,
    pub paths: Option<GlobSet>,
    pub stopwords: Vec<Vec<u8>>,
    pub allow_regexes: Vec<regex::bytes::Regex>,
    /// Longest possible match in bytes, capped for unbounded regexes.
    pub window: usize,
    /// Every match contains one of the rule's keywords, so windows of
    /// [`window`](Self::window) bytes around keyword hits cover every match. Rules
    /// whose keyword is only context (`ABLY_KEY=` before a keyless token) run over
    /// whole blobs up to [`WHOLE_BLOB_LIMIT`].
    pub keyword_in_match: bool,
    /// Every match starts at most this many bytes before a keyword hit, so the
    /// matcher tries anchored searches at the positions in
    /// `[hit start - anchor_before, hit start]` instead of searching windows.
    /// Set when the keyword proof bounds the offset by [`MAX_ANCHORED_STARTS`].
    pub anchor_before: Option<usize>,
    /// Rank in the overlap order: which rule's hit survives when two overlap.
    pub specificity: Specificity,
    /// Indices (into [`RuleSet::rules`]) of the rules this one names in
    /// `overlaps`, sorted; filled in by [`RuleSet::from_compiled`].
    pub declared_overlaps: Vec<u32>,
}

/// Most anchored searches per keyword hit: past this, a window search (one
/// unanchored pass over the window) is cheaper than trying every start.
pub const MAX_ANCHORED_STARTS: usize = 8;

/// Blobs up to this size run rules whose keyword need not be inside the match over
/// the whole blob; larger ones only around keyword hits.
pub const WHOLE_BLOB_LIMIT: usize = 256 * 1024;

impl CompiledRule {
    /// The rule's regex, compiled now if this is its first use; `None` only if a
    /// shipped pattern failed to compile, which the rules test rules out.
    pub fn regex(&self) -> Option<&RuleRegex> {
        self.regex
            .get_or_init(|| compile_rule_regex(&self.def.regex))
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
    /// Every keyword, in one automaton.
    pub keywords: Keywords,
    /// Keyword pattern index -> rules that keyword can start.
    pub keyword_rules: Vec<Vec<u32>>,
    /// Keyword pattern index -> its length in bytes.
    pub keyword_len: Vec<usize>,
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
    meta_builder().build(pattern).map_err(|e| e.to_string())
}

fn meta_builder() -> meta::Builder {
    let mut b = meta::Builder::new();
    b.syntax(
        regex_automata::util::syntax::Config::new()
            .unicode(false)
            .utf8(false),
    )
    .configure(
        meta::Config::new()
            .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
            .hybrid_cache_capacity(REGEX_CACHE_CAPACITY)
            .utf8_empty(false),
    );
    b
}

fn parse(pattern: &str) -> Result<regex_syntax::hir::Hir, String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string())
}

/// A rule's regex as the matcher runs it.
#[derive(Debug)]
pub struct RuleRegex {
    pub regex: meta::Regex,
    /// The regex is the lower-case form of a case-insensitive pattern and runs
    /// over the lower-cased blob (same offsets); see [`super::casefold`].
    pub on_lowercase: bool,
}

/// Compile a rule's pattern, in its lower-case form where that is exact.
pub fn compile_rule_regex(pattern: &str) -> Result<RuleRegex, String> {
    let hir = parse(pattern)?;
    let lower = casefold::has_letters(&hir)
        .then(|| casefold::lowercase_form(&hir))
        .flatten();
    let on_lowercase = lower.is_some();
    let regex = meta_builder()
        .build_from_hir(lower.as_ref().unwrap_or(&hir))
        .map_err(|e| e.to_string())?;
    Ok(RuleRegex {
        regex,
        on_lowercase,
    })
}

/// Parse a rule's pattern (with the same syntax settings as [`compile_regex`])
/// for what the matcher needs before any regex is built: the `secret` group's
/// index and the longest possible match.
fn pattern_shape(pattern: &str, keywords: &[String]) -> Result<Shape, String> {
    let hir = parse(pattern)?;
    let keywords: Vec<Vec<u8>> = keywords
        .iter()
        .map(|k| k.to_ascii_lowercase().into_bytes())
        .collect();
    Ok(Shape {
        secret_group: secret_group_index(&hir),
        max_len: hir.properties().maximum_len(),
        proof: keyword_proof::prove(&hir, &keywords),
        prefix_len: secret_prefix_len(&hir),
    })
}

/// What the matcher needs to know about a pattern before any regex is built.
struct Shape {
    secret_group: Option<usize>,
    max_len: Option<usize>,
    proof: Option<keyword_proof::Proof>,
    prefix_len: usize,
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
    let shape = pattern_shape(&def.regex, &def.keywords)
        .map_err(|e| err(r, format!("regex does not compile: {e}")))?;
    let Some(secret_group) = shape.secret_group else {
        return Err(err(r, "regex has no named group `secret`"));
    };
    let regex = OnceLock::new();
    if !r.shipped {
        let compiled = compile_rule_regex(&def.regex)
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
    let window = shape
        .max_len
        .map_or(UNBOUNDED_MATCH_WINDOW, |m| m.min(UNBOUNDED_MATCH_WINDOW));
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
        keyword_in_match: shape.proof.is_some(),
        anchor_before: shape
            .proof
            .and_then(|p| p.before)
            .filter(|&b| b <= MAX_ANCHORED_STARTS),
        specificity: Specificity::new(def.public, def.is_generic(), shape.prefix_len),
        declared_overlaps: Vec::new(),
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
    pub fn from_compiled(mut rules: Vec<CompiledRule>) -> Result<RuleSet, RuleError> {
        let ids: std::collections::HashMap<String, u32> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.def.id.clone(), i as u32))
            .collect();
        for r in &mut rules {
            let mut declared: Vec<u32> = r
                .def
                .overlaps
                .iter()
                .filter_map(|o| ids.get(o).copied())
                .collect();
            declared.sort_unstable();
            r.declared_overlaps = declared;
        }
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
        let keyword_len = patterns.iter().map(Vec::len).collect();
        let keywords = Keywords::new(&patterns).map_err(|e| RuleError {
            source_file: "<rules>".into(),
            rule: "*".into(),
            message: e.to_string(),
        })?;
        Ok(RuleSet {
            rules,
            keywords,
            keyword_rules,
            keyword_len,
        })
    }

    /// Which of rules `a` and `b` (indices) wins where their hits overlap:
    /// `Greater` keeps `a`'s hit, `Less` keeps `b`'s, `Equal` keeps both. The more
    /// specific rule wins (see [`super::specificity`]); between equally specific
    /// rules, the one that declares the other in `overlaps` wins.
    pub fn precedence(&self, a: usize, b: usize) -> std::cmp::Ordering {
        let (ra, rb) = (&self.rules[a], &self.rules[b]);
        let declares = |r: &CompiledRule, other: usize| {
            r.declared_overlaps.binary_search(&(other as u32)).is_ok()
        };
        ra.specificity
            .cmp(&rb.specificity)
            .then_with(|| declares(ra, b).cmp(&declares(rb, a)))
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
            let group = pattern_shape(&r.def.regex, &r.def.keywords)
                .unwrap()
                .secret_group;
            let re = compile_rule_regex(&r.def.regex).unwrap().regex;
            let want = re
                .group_info()
                .to_index(regex_automata::PatternID::ZERO, "secret");
            assert_eq!(group, want, "rule {}", r.def.id);
        }
    }

    #[test]
    fn keyword_in_match_is_proved_only_where_the_regex_spells_a_keyword() {
        let shape = |re: &str, kws: &[&str]| {
            let kws: Vec<String> = kws.iter().map(|k| k.to_string()).collect();
            pattern_shape(re, &kws).unwrap().proof.is_some()
        };
        assert!(shape(r"(?P<secret>ghp_[A-Za-z0-9]{36})", &["ghp_"]));
        assert!(shape(
            r"(?i)\b(?:api|app)_?key\s*=\s*(?P<secret>\w+)",
            &["key"]
        ));
        assert!(shape(r"(?:^|\W)(?P<secret>xox(?:b|p)-\d+)", &["xox"]));
        // The keyword is context before the token, not part of it.
        assert!(!shape(
            r"(?P<secret>[a-z]{6}\.[a-z]{6}:[a-z]{43})",
            &["ably"]
        ));
        // Not every branch has it.
        assert!(!shape(
            r"(?P<secret>sk_live_\w+|rk_live_\w+)",
            &["sk_live_"]
        ));
        // A class splits the keyword: not provable, so not claimed.
        assert!(!shape(r"(?P<secret>xox[bp]-\d+)", &["xoxb-"]));
        // Optional parts prove nothing.
        assert!(!shape(r"(?:token=)?(?P<secret>\w{20})", &["token"]));
        let set = RuleSet::shipped().unwrap();
        let proved = set.rules.iter().filter(|r| r.keyword_in_match).count();
        assert!(
            proved * 2 > set.rules.len(),
            "{proved} of {}",
            set.rules.len()
        );
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
