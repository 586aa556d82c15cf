//! Proving from a rule's pattern that every match spells one of its keywords,
//! and how far from the start of the match that keyword can begin.
//!
//! The matcher uses the proof two ways. A rule whose keyword is provably inside
//! every match runs only around keyword hits (a keyword that is only context,
//! like `ABLY_KEY=` before a token without a prefix, makes the rule run over the
//! whole blob instead). When the proof also bounds the keyword's offset from the
//! match start by `before`, every match starts within `before` bytes before some
//! keyword hit, so the matcher tries anchored searches at just those positions
//! instead of searching windows.
//!
//! The analysis is sound, not complete: `None` only means it could not prove it.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind};

/// Most literals the extractor may enumerate for one suffix of a pattern:
/// `(?i)` doubles the literals per letter, so this covers a case-insensitive
/// 8-letter keyword followed by a short alternation.
const LITERAL_LIMIT: usize = 512;

/// What the analysis proved about a pattern's matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proof {
    /// Every match contains a keyword occurrence that starts at most this many
    /// bytes after the match start (`None`: at an unbounded offset).
    pub before: Option<usize>,
}

/// Whether every string `hir` matches contains one of `keywords` (lower case),
/// compared ASCII case-insensitively, and at what offset.
pub fn prove(hir: &Hir, keywords: &[Vec<u8>]) -> Option<Proof> {
    let keywords: Vec<&[u8]> = keywords
        .iter()
        .filter(|k| !k.is_empty())
        .map(Vec::as_slice)
        .collect();
    offset(hir, &keywords).map(|before| Proof { before })
}

/// The earliest offset of a keyword in `bytes` (compared in lower case).
fn keyword_at(bytes: &[u8], keywords: &[&[u8]]) -> Option<usize> {
    let lower = bytes.to_ascii_lowercase();
    keywords
        .iter()
        .filter_map(|k| lower.windows(k.len()).position(|w| w == *k))
        .min()
}

fn add(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    a.zip(b).map(|(a, b)| a + b)
}

/// `Some(before)` when every match of `hir` contains a keyword starting at most
/// `before` bytes (`None`: unbounded) after the match start; `None` when that
/// cannot be proved.
fn offset(hir: &Hir, keywords: &[&[u8]]) -> Option<Option<usize>> {
    match hir.kind() {
        HirKind::Literal(lit) => keyword_at(&lit.0, keywords).map(Some),
        HirKind::Capture(c) => offset(&c.sub, keywords),
        HirKind::Repetition(r) if r.min >= 1 => offset(&r.sub, keywords),
        HirKind::Alternation(subs) => {
            let mut worst = Some(0);
            for s in subs {
                let o = offset(s, keywords)?;
                worst = worst.zip(o).map(|(a, b): (usize, usize)| a.max(b));
            }
            Some(worst)
        }
        HirKind::Concat(subs) => concat_offset(subs, keywords),
        _ => None,
    }
}

/// A concatenation proves a keyword at the first position `i` where one of
/// these holds: `subs[i]` proves one on its own; the literals every match of
/// `subs[i..]` starts with all contain one (a keyword split across a class and
/// a literal, `xox[bp]-`, `(?:sk|rk)_live_`); or a run of fixed bytes (literals
/// and one-letter case classes from `(?i)`) starting at `i` spells one.
fn concat_offset(subs: &[Hir], keywords: &[&[u8]]) -> Option<Option<usize>> {
    let mut prefix = Some(0);
    for i in 0..subs.len() {
        let mut best: Option<Option<usize>> = offset(&subs[i], keywords);
        if let Some(o) = extracted_offset(&subs[i..], keywords) {
            best = Some(min_offset(best, o));
        }
        if let Some(o) = run_offset(&subs[i..], keywords) {
            best = Some(min_offset(best, o));
        }
        if let Some(o) = best {
            return Some(add(prefix, o));
        }
        prefix = add(prefix, subs[i].properties().maximum_len());
    }
    None
}

fn min_offset(a: Option<Option<usize>>, b: usize) -> Option<usize> {
    match a {
        Some(Some(a)) => Some(a.min(b)),
        _ => Some(b),
    }
}

/// The largest earliest keyword offset over the prefix literals of `subs`, when
/// they are finite and every one contains a keyword.
fn extracted_offset(subs: &[Hir], keywords: &[&[u8]]) -> Option<usize> {
    if !matches!(
        subs.first().map(Hir::kind),
        Some(
            HirKind::Literal(_) | HirKind::Class(_) | HirKind::Alternation(_) | HirKind::Capture(_)
        )
    ) {
        return None;
    }
    let hir = Hir::concat(subs.to_vec());
    let seq = Extractor::new()
        .kind(ExtractKind::Prefix)
        .limit_total(LITERAL_LIMIT)
        .extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() {
        return None;
    }
    let mut worst = 0;
    for lit in literals {
        worst = worst.max(keyword_at(lit.as_bytes(), keywords)?);
    }
    Some(worst)
}

/// The keyword offset in the run of fixed bytes `subs` starts with, if the run
/// spells a keyword.
fn run_offset(subs: &[Hir], keywords: &[&[u8]]) -> Option<usize> {
    let mut run: Vec<u8> = Vec::new();
    for sub in subs {
        let Some(bytes) = fixed_bytes(sub) else { break };
        run.extend(bytes);
        if let Some(o) = keyword_at(&run, keywords) {
            return Some(o);
        }
    }
    None
}

/// The lower-case bytes `hir` always matches, if it is a literal or a class of
/// one ASCII letter in both cases (what `(?i)` makes of a letter).
fn fixed_bytes(hir: &Hir) -> Option<Vec<u8>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(lit.0.to_ascii_lowercase()),
        HirKind::Class(Class::Bytes(c)) => {
            let mut bytes = c.ranges().iter().flat_map(|r| r.start()..=r.end());
            let (a, b) = (bytes.next()?, bytes.next());
            let single = match b {
                None => true,
                Some(b) => a.eq_ignore_ascii_case(&b) && a != b && bytes.next().is_none(),
            };
            single.then(|| vec![a.to_ascii_lowercase()])
        }
        HirKind::Class(Class::Unicode(c)) => {
            let mut chars = c.ranges().iter().flat_map(|r| r.start()..=r.end());
            let (a, b) = (chars.next()?, chars.next());
            let single = a.is_ascii()
                && match b {
                    None => true,
                    Some(b) => a.eq_ignore_ascii_case(&b) && a != b && chars.next().is_none(),
                };
            single.then(|| vec![(a as u8).to_ascii_lowercase()])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proof(re: &str, kws: &[&str]) -> Option<Proof> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(re)
            .unwrap();
        let kws: Vec<Vec<u8>> = kws.iter().map(|k| k.as_bytes().to_vec()).collect();
        prove(&hir, &kws)
    }

    fn before(re: &str, kws: &[&str]) -> Option<usize> {
        proof(re, kws).expect("proved").before
    }

    #[test]
    fn keywords_spelled_by_the_pattern_are_proved_with_their_offset() {
        assert_eq!(
            before(r"\b(?P<secret>ghp_[A-Za-z0-9]{36})\b", &["ghp_"]),
            Some(0)
        );
        assert_eq!(
            before(r"(?:^|\W)(?P<secret>xox(?:b|p)-\d+)", &["xox"]),
            Some(1)
        );
        assert_eq!(
            before(r"(?i)\b(?:api|app)_?key\s*=\s*(?P<secret>\w+)", &["key"]),
            Some(4)
        );
        // A class splits the keyword; the extracted literals still spell it.
        assert_eq!(
            before(r"(?P<secret>xox[bp]-\d+)", &["xoxb-", "xoxp-"]),
            Some(0)
        );
        assert_eq!(
            before(r"(?P<secret>(?:sk|rk)_test_\w+)", &["sk_test_", "rk_test_"]),
            Some(0)
        );
        // A long case-insensitive keyword is a run of one-letter classes.
        assert_eq!(
            before(r"(?i)authorization:\s*(?P<secret>\w+)", &["authorization"]),
            Some(0)
        );
        // Every branch has it, at different offsets: the worst counts.
        assert_eq!(
            before(
                r"(?P<secret>sk_live_\w+|x_rk_live_\w+)",
                &["sk_live_", "rk_live_"]
            ),
            Some(2)
        );
        // An unbounded part before the keyword: proved, offset unbounded.
        assert_eq!(before(r"[a-z]+_token=(?P<secret>\w+)", &["_token="]), None);
        assert!(proof(r"[a-z]+_token=(?P<secret>\w+)", &["_token="]).is_some());
        assert_eq!(
            before(r"[a-z]{0,8}_token=(?P<secret>\w+)", &["_token="]),
            Some(8)
        );
    }

    #[test]
    fn context_keywords_and_unprovable_patterns_are_not_claimed() {
        // The keyword is context before the token, not part of it.
        assert!(proof(r"(?P<secret>[a-z]{6}\.[a-z]{6}:[a-z]{43})", &["ably"]).is_none());
        // Not every branch has it.
        assert!(proof(r"(?P<secret>sk_live_\w+|rk_live_\w+)", &["sk_live_"]).is_none());
        // Optional parts prove nothing.
        assert!(proof(r"(?:token=)?(?P<secret>\w{20})", &["token"]).is_none());
        // A class that allows a byte the keyword does not have.
        assert!(proof(r"(?P<secret>api[_.\-]pass\w+)", &["api_pass"]).is_none());
    }
}
