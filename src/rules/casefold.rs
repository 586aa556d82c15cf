//! Case-insensitive regexes run as lower-case regexes over lower-cased bytes.
//!
//! Under `(?i)` every letter is a two-byte class (`[Kk]`), so the regex engine
//! extracts thousands of case variants from a few words, gives up on a literal
//! prefilter and runs its DFA over every byte. If every class in a pattern holds
//! both cases of each letter it holds ("case-closed"), the pattern matches `x` at a
//! span exactly when its lower-case form matches `x.to_ascii_lowercase()` at the
//! same span; the lower-case form is plain literals the engine can skip to.
//! Measured on the folder benchmark: `generic-api-key` 560 -> 950 MB/s, the
//! lower-casing pass included.

use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Hir, HirKind, Repetition};

/// The lower-case form of `hir`, or `None` if `hir` is not case-closed (it has a
/// letter that must be one case, as in `ghp_`), where the two would differ.
pub fn lowercase_form(hir: &Hir) -> Option<Hir> {
    Some(match hir.kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(lit) => {
            if lit.0.iter().any(u8::is_ascii_alphabetic) {
                return None;
            }
            Hir::literal(lit.0.clone())
        }
        HirKind::Class(Class::Bytes(c)) => Hir::class(Class::Bytes(lowercase_class(c)?)),
        HirKind::Class(Class::Unicode(c)) => {
            // Only ASCII classes appear with Unicode off; anything else stays as is.
            let ranges = c.ranges().iter().map(|r| {
                let (s, e) = (u32::from(r.start()), u32::from(r.end()));
                (s <= 0x7F && e <= 0x7F).then(|| ClassBytesRange::new(s as u8, e as u8))
            });
            let bytes = ClassBytes::new(ranges.collect::<Option<Vec<_>>>()?);
            Hir::class(Class::Bytes(lowercase_class(&bytes)?))
        }
        // Word boundaries and line anchors see the same classes of byte either way.
        HirKind::Look(look) => Hir::look(*look),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(lowercase_form(&r.sub)?),
        }),
        HirKind::Capture(c) => Hir::capture(regex_syntax::hir::Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(lowercase_form(&c.sub)?),
        }),
        HirKind::Concat(subs) => {
            Hir::concat(subs.iter().map(lowercase_form).collect::<Option<_>>()?)
        }
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.iter().map(lowercase_form).collect::<Option<_>>()?)
        }
    })
}

/// `class` without its upper-case letters, if it holds each letter in both cases
/// or neither.
fn lowercase_class(class: &ClassBytes) -> Option<ClassBytes> {
    let has = |b: u8| {
        class
            .ranges()
            .iter()
            .any(|r| r.start() <= b && b <= r.end())
    };
    if (b'a'..=b'z').any(|l| has(l) != has(l.to_ascii_uppercase())) {
        return None;
    }
    let mut upper = ClassBytes::new([ClassBytesRange::new(b'A', b'Z')]);
    upper.negate();
    let mut lower = class.clone();
    lower.intersect(&upper);
    Some(lower)
}

/// Whether lower-casing changed anything worth a lower-cased copy of the input:
/// the pattern has letters at all.
pub fn has_letters(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).any(|b| b.is_ascii_alphabetic())),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).any(|ch| ch.is_ascii_alphabetic())),
        HirKind::Repetition(r) => has_letters(&r.sub),
        HirKind::Capture(c) => has_letters(&c.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(has_letters),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Look(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta;

    fn parse(p: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(p)
            .unwrap()
    }

    fn spans(re: &meta::Regex, data: &[u8]) -> Vec<(usize, usize)> {
        re.find_iter(data).map(|m| (m.start(), m.end())).collect()
    }

    #[test]
    fn case_sensitive_letters_are_not_folded() {
        assert!(lowercase_form(&parse("ghp_[A-Za-z0-9]{36}")).is_none());
        assert!(
            lowercase_form(&parse("(?i)key=(?-i:[a-z]+)")).is_none(),
            "[a-z] without (?i) is one case"
        );
        assert!(lowercase_form(&parse("(?i)key=[A-Za-z0-9]+")).is_some());
        assert!(lowercase_form(&parse("[0-9]{4}-[0-9]{4}")).is_some());
        assert!(has_letters(&parse("(?i)key")));
        assert!(!has_letters(&parse("[0-9]{4}-[0-9]{4}")));
    }

    #[test]
    fn the_lowercase_form_on_lowercased_input_matches_the_same_spans() {
        let pattern = r"(?i)\b(?:env|arg)\s+[a-z0-9_]{0,8}(?:api[_.\-]?key|secret)\s*[:=]\s*(?P<secret>[A-Za-z0-9_\-+/=]{8,})";
        let original = crate::rules::compile::compile_regex(pattern).unwrap();
        let folded = crate::rules::compile::compile_rule_regex(pattern).unwrap();
        assert!(folded.on_lowercase);
        let folded = folded.regex;
        assert_eq!(
            folded
                .group_info()
                .to_index(regex_automata::PatternID::ZERO, "secret"),
            Some(1)
        );
        for text in [
            "ENV ACME_API_KEY = AbCdEf0123456789",
            "env x_Secret: ZZZZzzzz9999 and ARG Y_api.key=abcDEF123456",
            "no match: Api-Key = short, ENVIRONMENT SECRET=AAAAAAAAAAAA",
        ] {
            let lower = text.to_ascii_lowercase();
            assert_eq!(
                spans(&folded, lower.as_bytes()),
                spans(&original, text.as_bytes()),
                "{text}"
            );
        }
    }
}
