//! Which of two rules that find the same token is the more specific one.
//!
//! When two hits' secrets overlap, the matcher keeps the more specific rule's hit
//! and drops the other (`rules check` makes sure a shipped overlap is declared
//! with `overlaps`). The order, from most to least specific:
//!
//! 1. public-by-design recognisers (`public = true`): a Firebase web key is not a
//!    leaked Google key, whatever else matches it;
//! 2. rules whose secret starts with a vendor prefix (a literal of at least
//!    [`MIN_VENDOR_PREFIX`] bytes on every branch, like `ghp_` or `sk-ant-`); among
//!    them the longer prefix wins (`sk-proj-` over `sk-`);
//! 3. context-keyed rules (a secret with no prefix, recognised by the variable
//!    or field it is assigned to);
//! 4. generic catch-alls (`generic-*`).
//!
//! Two rules of the same rank with the same prefix length tie: both hits stay.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

/// Shortest literal a secret must start with to count as a vendor prefix: two
/// bytes (`sk`, `pk`) start ordinary words and identifiers; three (`ghp`, `SG.`,
/// `xox`, `hf_`) are what providers use.
pub const MIN_VENDOR_PREFIX: usize = 3;

/// A rule's rank in the overlap order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    Generic,
    Context,
    Prefixed,
    Public,
}

/// How specific a rule is; a greater value wins an overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Specificity {
    pub rank: Rank,
    /// The secret's shortest literal prefix over all branches, in bytes (0 when it
    /// has none of at least [`MIN_VENDOR_PREFIX`]).
    pub prefix_len: usize,
}

impl Specificity {
    /// The specificity of a rule with this shape.
    pub fn new(public: bool, generic: bool, prefix_len: usize) -> Self {
        let prefix_len = if prefix_len >= MIN_VENDOR_PREFIX {
            prefix_len
        } else {
            0
        };
        let rank = if public {
            Rank::Public
        } else if generic {
            Rank::Generic
        } else if prefix_len > 0 {
            Rank::Prefixed
        } else {
            Rank::Context
        };
        Specificity { rank, prefix_len }
    }

    /// Whether the secret has no vendor prefix, so the rule keys on context.
    pub fn is_context_keyed(&self) -> bool {
        self.prefix_len == 0
    }

    /// A short human explanation, for checker messages.
    pub fn describe(&self) -> String {
        match self.rank {
            Rank::Public => "public-by-design recogniser".to_string(),
            Rank::Generic => "generic rule".to_string(),
            Rank::Context => "context-keyed (no vendor prefix)".to_string(),
            Rank::Prefixed => format!("vendor prefix of {} bytes", self.prefix_len),
        }
    }
}

/// The shortest literal prefix every match of the `secret` group (or of the
/// whole pattern, without one) starts with; 0 when there is none the literal
/// extractor can prove.
pub fn secret_prefix_len(hir: &Hir) -> usize {
    let secret = secret_hir(hir).unwrap_or(hir);
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(secret);
    seq.min_literal_len().unwrap_or(0)
}

fn secret_hir(hir: &Hir) -> Option<&Hir> {
    match hir.kind() {
        HirKind::Capture(c) if c.name.as_deref() == Some("secret") => Some(&c.sub),
        HirKind::Capture(c) => secret_hir(&c.sub),
        HirKind::Repetition(r) => secret_hir(&r.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().find_map(secret_hir),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(pattern: &str) -> usize {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .unwrap();
        secret_prefix_len(&hir)
    }

    #[test]
    fn prefix_is_the_shortest_literal_every_branch_of_the_secret_starts_with() {
        assert_eq!(prefix(r"\b(?P<secret>ghp_[A-Za-z0-9]{36})\b"), 4);
        assert_eq!(prefix(r"(?P<secret>gh[pousr]_[A-Za-z0-9]{36})"), 4);
        assert_eq!(prefix(r"(?P<secret>sk-ant-\w+|sk-\w+)"), 3);
        assert_eq!(prefix(r"(?i)(?P<secret>xox[bp]-\d+)"), 5);
        // Context before the secret is not its prefix.
        assert_eq!(prefix(r"(?i)token\s*=\s*(?P<secret>[a-f0-9]{32})"), 0);
        assert_eq!(prefix(r"(?P<secret>[A-Za-z0-9]{40})"), 0);
        // One branch without a prefix makes the whole secret unprefixed.
        assert_eq!(prefix(r"(?P<secret>vcp_\w{20}|[A-Za-z0-9]{24})"), 0);
        // Without a `secret` group the whole match is the secret.
        assert_eq!(prefix(r"AKIA[A-Z2-7]{16}"), 4);
    }

    #[test]
    fn the_order_is_public_then_longer_prefix_then_context_then_generic() {
        let public = Specificity::new(true, false, 0);
        let long = Specificity::new(false, false, 8);
        let short = Specificity::new(false, false, 3);
        let context = Specificity::new(false, false, 2);
        let generic = Specificity::new(false, true, 5);
        assert!(public > long && long > short && short > context && context > generic);
        assert!(context.is_context_keyed() && !short.is_context_keyed());
        assert_eq!(context, Specificity::new(false, false, 0));
    }
}
