//! Per-thread matcher: keyword prefilter, regex confirmation, secret checks.

use crate::engine::checks::shannon_entropy;
use crate::engine::placeholder::is_placeholder;
use crate::rules::{CompiledRule, RuleSet};
use aho_corasick::automaton::Automaton as _;
use regex_automata::{Input, meta, util::captures::Captures};
use std::sync::Arc;

/// Blobs up to this size run candidate regexes over the whole blob; larger ones
/// only over windows around keyword hits (one pass either way; windows keep a
/// 50 MB bundle with a handful of keywords from running 30 regexes over 50 MB).
const WHOLE_BLOB_LIMIT: usize = 256 * 1024;
/// Generic rules (no distinctive literal for the regex engine to skip to) run
/// over windows around their keyword hits in small blobs too, unless the windows
/// cover more than 1/`SPARSE_WINDOW_RATIO` of the blob.
const SPARSE_WINDOW_RATIO: usize = 4;

/// One confirmed match of a rule in a blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hit {
    /// Index into [`RuleSet::rules`].
    pub rule: u32,
    pub start: usize,
    pub end: usize,
    pub secret_start: usize,
    pub secret_end: usize,
}

impl Hit {
    /// The secret's bytes within the blob it was found in.
    pub fn secret<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        &data[self.secret_start..self.secret_end]
    }
}

/// Worker-owned scratch for running a shared [`RuleSet`].
pub struct Matcher {
    rules: Arc<RuleSet>,
    caches: Vec<Option<meta::Cache>>,
    captures: Vec<Option<Captures>>,
    candidate: Vec<bool>,
    windows: Vec<Vec<(usize, usize)>>,
    touched: Vec<u32>,
    /// Keep hits of public-by-design rules (reported as `info`).
    pub include_public: bool,
}

impl Matcher {
    /// A matcher with empty scratch for `rules`.
    pub fn new(rules: Arc<RuleSet>) -> Self {
        let n = rules.rules.len();
        Matcher {
            rules,
            caches: (0..n).map(|_| None).collect(),
            captures: (0..n).map(|_| None).collect(),
            candidate: vec![false; n],
            windows: vec![Vec::new(); n],
            touched: Vec::new(),
            include_public: false,
        }
    }

    /// The rules this matcher runs.
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// All hits in `data`; `path` selects path-restricted rules.
    pub fn scan(&mut self, data: &[u8], path: Option<&str>) -> Vec<Hit> {
        let mut hits = Vec::new();
        self.collect_candidates(data);
        let touched = std::mem::take(&mut self.touched);
        for &ri in &touched {
            let ri = ri as usize;
            self.candidate[ri] = false;
            let windows = std::mem::take(&mut self.windows[ri]);
            let rules = Arc::clone(&self.rules);
            let rule = &rules.rules[ri];
            if rule.applies_to(path) {
                let sparse = rule.def.is_generic()
                    && windows.iter().map(|&(s, e)| e - s).sum::<usize>() * SPARSE_WINDOW_RATIO
                        < data.len();
                if data.len() <= WHOLE_BLOB_LIMIT && !sparse {
                    self.run_rule(ri, rule, data, 0, data.len(), &mut hits);
                } else {
                    for &(s, e) in &windows {
                        self.run_rule(ri, rule, data, s, e, &mut hits);
                    }
                }
            }
            let mut windows = windows;
            windows.clear();
            self.windows[ri] = windows;
        }
        self.touched = touched;
        self.touched.clear();
        resolve_overlaps(&self.rules, &mut hits);
        if !self.include_public {
            hits.retain(|h| !self.rules.rules[h.rule as usize].def.public);
        }
        hits
    }

    fn collect_candidates(&mut self, data: &[u8]) {
        let small = data.len() <= WHOLE_BLOB_LIMIT;
        let rules = Arc::clone(&self.rules);
        let input = aho_corasick::Input::new(data);
        // The DFA is built without a size or anchoring limit, so a search cannot fail.
        for m in rules
            .keywords
            .try_find_overlapping_iter(input)
            .into_iter()
            .flatten()
        {
            for &ri in &rules.keyword_rules[m.pattern().as_usize()] {
                let r = ri as usize;
                if !self.candidate[r] {
                    self.candidate[r] = true;
                    self.touched.push(ri);
                }
                let rule = &rules.rules[r];
                if small && !rule.def.is_generic() {
                    continue;
                }
                let w = rule.window;
                let s = m.end().saturating_sub(w);
                let e = (m.start() + w).min(data.len());
                let list = &mut self.windows[r];
                match list.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => list.push((s, e)),
                }
            }
        }
    }

    fn run_rule(
        &mut self,
        ri: usize,
        rule: &CompiledRule,
        data: &[u8],
        start: usize,
        end: usize,
        hits: &mut Vec<Hit>,
    ) {
        let Some(regex) = rule.regex() else { return };
        let cache = self.caches[ri].get_or_insert_with(|| regex.create_cache());
        let caps = self.captures[ri].get_or_insert_with(|| regex.create_captures());
        let mut at = start;
        while at <= end {
            let input = Input::new(data).range(at..end);
            regex.search_captures_with(cache, &input, caps);
            let Some(m) = caps.get_match() else { break };
            if let Some(span) = caps.get_group(rule.secret_group)
                && secret_passes(rule, &data[span.start..span.end])
            {
                hits.push(Hit {
                    rule: ri as u32,
                    start: m.start(),
                    end: m.end(),
                    secret_start: span.start,
                    secret_end: span.end,
                });
            }
            at = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
        }
    }
}

/// Entropy, validators, placeholder filter and the rule's own allowlist.
fn secret_passes(rule: &CompiledRule, secret: &[u8]) -> bool {
    if secret.is_empty() {
        return false;
    }
    if let Some(min) = rule.def.min_entropy
        && shannon_entropy(secret) < min
    {
        return false;
    }
    if !rule.checks.iter().all(|c| c.passes(secret)) {
        return false;
    }
    if is_placeholder(secret) {
        return false;
    }
    if !rule.stopwords.is_empty() {
        let lower = secret.to_ascii_lowercase();
        if rule
            .stopwords
            .iter()
            .any(|w| memchr::memmem::find(&lower, w).is_some())
        {
            return false;
        }
    }
    !rule.allow_regexes.iter().any(|re| re.is_match(secret))
}

/// Which of two overlapping hits wins: public-by-design recognisers shadow
/// everything (a Firebase web key is not a leaked Google key), specific rules
/// shadow generic ones.
fn priority(rule: &CompiledRule) -> u8 {
    if rule.def.public {
        2
    } else if rule.def.is_generic() {
        0
    } else {
        1
    }
}

fn resolve_overlaps(rules: &RuleSet, hits: &mut Vec<Hit>) {
    if hits.len() < 2 {
        return;
    }
    hits.sort_unstable_by_key(|h| (h.secret_start, h.secret_end, h.rule));
    hits.dedup();
    let mut keep = vec![true; hits.len()];
    for i in 0..hits.len() {
        let pi = priority(&rules.rules[hits[i].rule as usize]);
        for j in i + 1..hits.len() {
            if hits[j].secret_start >= hits[i].secret_end {
                break;
            }
            let pj = priority(&rules.rules[hits[j].rule as usize]);
            if pi > pj {
                keep[j] = false;
            } else if pj > pi {
                keep[i] = false;
            }
        }
    }
    let mut k = keep.into_iter();
    hits.retain(|_| k.next().unwrap_or(true));
}
