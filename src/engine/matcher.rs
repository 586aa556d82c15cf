//! Per-thread matcher: keyword prefilter, regex confirmation, secret checks.

use crate::engine::checks::shannon_entropy;
use crate::engine::keywords::KeywordHit;
use crate::engine::placeholder::is_placeholder;
use crate::rules::compile::WHOLE_BLOB_LIMIT;
use crate::rules::{CompiledRule, RuleSet};
use regex_automata::{Input, meta, util::captures::Captures};
use std::sync::Arc;

/// A candidate rule runs over windows around its keyword hits (so a 50 MB bundle
/// with a handful of keywords does not run 30 regexes over 50 MB, and a rule whose
/// keyword occurs once in a source file does not scan the whole file), unless the
/// windows cover more than 1/`SPARSE_WINDOW_RATIO` of the blob, where one pass
/// over the whole blob is cheaper than many short searches.
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
    keyword_hits: Vec<KeywordHit>,
    /// The blob lower-cased, for rules whose regex runs in lower-case form; filled
    /// on first use in each scan.
    lowercase: Vec<u8>,
    lowercase_ready: bool,
    /// When set, time spent per rule (index into [`RuleSet::rules`]) and in the
    /// keyword scan (last slot) is added here; for `examples/rule_profile.rs`.
    pub profile: Option<Vec<std::time::Duration>>,
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
            keyword_hits: Vec::new(),
            lowercase: Vec::new(),
            lowercase_ready: false,
            profile: None,
            include_public: false,
        }
    }

    /// The rules this matcher runs.
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// All hits in `data`; `path` selects path-restricted rules. Where hits
    /// overlap only the most specific rule's stay.
    pub fn scan(&mut self, data: &[u8], path: Option<&str>) -> Vec<Hit> {
        let mut hits = self.scan_unresolved(data, path);
        self.resolve(&mut hits);
        hits
    }

    /// Turn [`scan_unresolved`](Self::scan_unresolved)'s hits into
    /// [`scan`](Self::scan)'s: overlaps resolved, public keys dropped unless
    /// [`include_public`](Self::include_public).
    pub fn resolve(&self, hits: &mut Vec<Hit>) {
        resolve_overlaps(&self.rules, hits);
        if !self.include_public {
            hits.retain(|h| !self.rules.rules[h.rule as usize].def.public);
        }
    }

    /// Every rule's hits in `data`, overlapping ones and public-by-design ones
    /// included, in no particular order: what the overlap lint looks at.
    pub fn scan_unresolved(&mut self, data: &[u8], path: Option<&str>) -> Vec<Hit> {
        let mut hits = Vec::new();
        self.lowercase_ready = false;
        let clock = self.profile.as_ref().map(|_| std::time::Instant::now());
        self.collect_candidates(data);
        if let (Some(p), Some(t)) = (self.profile.as_mut(), clock) {
            let last = p.len() - 1;
            p[last] += t.elapsed();
        }
        let touched = std::mem::take(&mut self.touched);
        for &ri in &touched {
            let ri = ri as usize;
            self.candidate[ri] = false;
            let windows = std::mem::take(&mut self.windows[ri]);
            let rules = Arc::clone(&self.rules);
            let rule = &rules.rules[ri];
            if rule.applies_to(path) {
                let clock = self.profile.as_ref().map(|_| std::time::Instant::now());
                let covered: usize = windows.iter().map(|&(s, e)| e - s).sum();
                let whole = if rule.anchor_before.is_some() {
                    false
                } else if rule.keyword_in_match {
                    covered * SPARSE_WINDOW_RATIO >= data.len()
                } else {
                    data.len() <= WHOLE_BLOB_LIMIT
                };
                if rule.anchor_before.is_some() {
                    let mut windows = windows;
                    self.run_anchored(ri, rule, data, &mut windows, &mut hits);
                    windows.clear();
                    self.windows[ri] = windows;
                    if let (Some(p), Some(t)) = (self.profile.as_mut(), clock) {
                        p[ri] += t.elapsed();
                    }
                    continue;
                }
                if whole {
                    self.run_rule(ri, rule, data, 0, data.len(), &mut hits);
                } else {
                    for &(s, e) in &windows {
                        self.run_rule(ri, rule, data, s, e, &mut hits);
                    }
                }
                if let (Some(p), Some(t)) = (self.profile.as_mut(), clock) {
                    p[ri] += t.elapsed();
                }
            }
            let mut windows = windows;
            windows.clear();
            self.windows[ri] = windows;
        }
        self.touched = touched;
        self.touched.clear();
        hits
    }

    fn collect_candidates(&mut self, data: &[u8]) {
        let rules = Arc::clone(&self.rules);
        let mut found = std::mem::take(&mut self.keyword_hits);
        found.clear();
        rules.keywords.find_all(data, &mut found);
        for m in &found {
            for &ri in &rules.keyword_rules[m.pattern as usize] {
                let r = ri as usize;
                if !self.candidate[r] {
                    self.candidate[r] = true;
                    self.touched.push(ri);
                }
                // Anchored rules collect the match starts to try, as inclusive
                // ranges; the others the windows to search.
                let (s, e) = match rules.rules[r].anchor_before {
                    Some(before) => {
                        let start = m.end - rules.keyword_len[m.pattern as usize];
                        (start.saturating_sub(before), start)
                    }
                    None => {
                        let w = rules.rules[r].window;
                        (m.end.saturating_sub(w), (m.end + w).min(data.len()))
                    }
                };
                let list = &mut self.windows[r];
                match list.last_mut() {
                    Some(last) if s <= last.1 && s >= last.0 => last.1 = last.1.max(e),
                    _ => list.push((s, e)),
                }
            }
        }
        self.keyword_hits = found;
    }

    /// Run an anchored rule: an anchored search at every candidate start, in
    /// order, skipping starts inside the last match. Every match starts at a
    /// candidate (the keyword proof), and a match anchored at a start the
    /// unanchored search would pass over cannot exist, so this finds exactly
    /// the matches one unanchored pass over the blob would.
    fn run_anchored(
        &mut self,
        ri: usize,
        rule: &CompiledRule,
        data: &[u8],
        starts: &mut [(usize, usize)],
        hits: &mut Vec<Hit>,
    ) {
        let Some(compiled) = rule.regex() else { return };
        if !starts.is_sorted() {
            starts.sort_unstable();
        }
        let regex = &compiled.regex;
        if compiled.on_lowercase {
            self.make_lowercase(data);
        }
        let haystack: &[u8] = if compiled.on_lowercase {
            &self.lowercase
        } else {
            data
        };
        let cache = self.caches[ri].get_or_insert_with(|| regex.create_cache());
        let caps = self.captures[ri].get_or_insert_with(|| regex.create_captures());
        // Starts below `next` were tried already or lie inside a match.
        let mut next = 0;
        for &(s, e) in starts.iter() {
            let mut p = s.max(next);
            while p <= e && p < haystack.len() {
                let input = Input::new(haystack)
                    .range(p..)
                    .anchored(regex_automata::Anchored::Yes);
                regex.search_captures_with(cache, &input, caps);
                let Some(m) = caps.get_match() else {
                    p += 1;
                    next = p;
                    continue;
                };
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
                next = m.end().max(m.start() + 1);
                p = next;
            }
        }
    }

    /// Fill [`Self::lowercase`] with `data` lower-cased, once per scan, for
    /// rules whose regex runs in lower-case form.
    fn make_lowercase(&mut self, data: &[u8]) {
        if !self.lowercase_ready {
            self.lowercase.clear();
            self.lowercase
                .extend(data.iter().map(u8::to_ascii_lowercase));
            self.lowercase_ready = true;
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
        let Some(compiled) = rule.regex() else { return };
        let regex = &compiled.regex;
        if compiled.on_lowercase {
            self.make_lowercase(data);
        }
        let haystack: &[u8] = if compiled.on_lowercase {
            &self.lowercase
        } else {
            data
        };
        let cache = self.caches[ri].get_or_insert_with(|| regex.create_cache());
        let caps = self.captures[ri].get_or_insert_with(|| regex.create_captures());
        let mut at = start;
        while at <= end {
            let input = Input::new(haystack).range(at..end);
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

/// Where two hits' secrets overlap, keep only the hit of the rule that wins
/// [`RuleSet::precedence`] (the order is in [`crate::rules::specificity`]); hits
/// of rules that tie all stay.
fn resolve_overlaps(rules: &RuleSet, hits: &mut Vec<Hit>) {
    if hits.len() < 2 {
        return;
    }
    hits.sort_unstable_by_key(|h| (h.secret_start, h.secret_end, h.rule));
    hits.dedup();
    let mut keep = vec![true; hits.len()];
    for i in 0..hits.len() {
        for j in i + 1..hits.len() {
            if hits[j].secret_start >= hits[i].secret_end {
                break;
            }
            match rules.precedence(hits[i].rule as usize, hits[j].rule as usize) {
                std::cmp::Ordering::Greater => keep[j] = false,
                std::cmp::Ordering::Less => keep[i] = false,
                std::cmp::Ordering::Equal => {}
            }
        }
    }
    let mut k = keep.into_iter();
    hits.retain(|_| k.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::generate::Generator;

    fn ids(m: &Matcher, hits: &[Hit]) -> Vec<String> {
        let mut ids: Vec<String> = hits
            .iter()
            .map(|h| m.rules().rules[h.rule as usize].def.id.clone())
            .collect();
        ids.sort();
        ids
    }

    /// A token whose keyword is part of it is found through a window around the
    /// keyword; a token whose keyword is only context is found anywhere in a
    /// small blob, however far the keyword is; in a large blob only near it.
    #[test]
    fn windows_cover_keyword_tokens_and_whole_blobs_cover_context_keywords() {
        let rules = Arc::new(RuleSet::shipped().unwrap());
        let github = rules.get("github-pat-classic").unwrap();
        assert!(github.keyword_in_match);
        assert!(!rules.get("ably-api-key").unwrap().keyword_in_match);
        let mut generator = Generator::new(7);
        let mut m = Matcher::new(Arc::clone(&rules));
        let filler = "let total = count + offset; // nothing to see here\n".repeat(1500);
        let body = generator
            .expand(&format!(
                "// ably realtime client\n{filler}const t = \"{{{{github:ghp}}}}\";\n{filler}\
                 const k = \"{{{{alnum:6}}}}.{{{{alnum:6}}}}:{{{{base64url:43}}}}\";\n"
            ))
            .unwrap();
        assert!(body.len() < WHOLE_BLOB_LIMIT);
        let hits = m.scan(body.as_bytes(), None);
        assert_eq!(ids(&m, &hits), ["ably-api-key", "github-pat-classic"]);

        // Past the whole-blob limit the context keyword must be near the token.
        let big_filler = filler.repeat(4);
        let far = format!(
            "// ably\n{big_filler}{}",
            &body[body.find("const t").unwrap()..]
        );
        assert!(far.len() > WHOLE_BLOB_LIMIT);
        let hits = m.scan(far.as_bytes(), None);
        assert_eq!(ids(&m, &hits), ["github-pat-classic"]);
    }

    /// Anchored searches at the candidate starts find exactly what one
    /// unanchored pass over the blob finds, for every shipped rule that runs
    /// anchored, on a text made of every rule's examples.
    #[test]
    fn anchored_rules_find_what_a_full_pass_finds() {
        let rules = Arc::new(RuleSet::shipped().unwrap());
        let mut generator = Generator::new(11);
        let mut text = String::new();
        for (i, r) in rules.rules.iter().enumerate() {
            for ex in r.def.examples.iter().chain(&r.def.negatives) {
                text.push_str(&generator.expand(ex).unwrap());
                text.push_str(if i % 3 == 0 { " " } else { "\n" });
            }
        }
        let data = text.as_bytes();
        let lower = data.to_ascii_lowercase();
        let mut m = Matcher::new(Arc::clone(&rules));
        m.include_public = true;
        let hits = m.scan_unresolved(data, None);
        let mut anchored = 0;
        for (ri, rule) in rules.rules.iter().enumerate() {
            if rule.anchor_before.is_none() || !rule.def.paths.is_empty() {
                continue;
            }
            anchored += 1;
            let compiled = rule.regex().unwrap();
            let hay: &[u8] = if compiled.on_lowercase { &lower } else { data };
            let mut caps = compiled.regex.create_captures();
            let mut want = Vec::new();
            let mut at = 0;
            while at <= hay.len() {
                compiled
                    .regex
                    .captures(Input::new(hay).range(at..), &mut caps);
                let Some(found) = caps.get_match() else { break };
                let span = caps.get_group(rule.secret_group).unwrap();
                if secret_passes(rule, &data[span.start..span.end]) {
                    want.push((found.start(), found.end()));
                }
                at = found.end().max(found.start() + 1);
            }
            let mut got: Vec<(usize, usize)> = hits
                .iter()
                .filter(|h| h.rule as usize == ri)
                .map(|h| (h.start, h.end))
                .collect();
            got.sort_unstable();
            assert_eq!(got, want, "rule {}", rule.def.id);
        }
        assert!(
            anchored * 2 > rules.rules.len(),
            "{anchored} anchored rules"
        );
    }
}
