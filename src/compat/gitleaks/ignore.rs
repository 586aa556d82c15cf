//! `.gitleaksignore`: gitleaks' list of accepted findings
//! (`commit:file:rule:line` or `file:rule:line`), and the rule-id aliases that
//! let its entries name leakhound rules.

use super::aliases::gitleaks_rule_matches;
use crate::finding::Occurrence;
use crate::suppress::allowlist::{MIN_COMMIT_PREFIX, relative_to};

/// One `.gitleaksignore` line: `commit:file:rule:line` or `file:rule:line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitleaksIgnore {
    pub commit: Option<String>,
    pub path: String,
    pub rule: String,
    pub line: usize,
}

/// Parse a `.gitleaksignore` file; returns entries and the 1-based numbers of lines that are not fingerprints.
pub fn parse_gitleaksignore(text: &str) -> (Vec<GitleaksIgnore>, Vec<usize>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // Split from the right: the path may itself contain ':'.
        let mut parts = line.rsplitn(3, ':');
        let (Some(num), Some(rule), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
            bad.push(n + 1);
            continue;
        };
        let Ok(num) = num.parse::<usize>() else {
            bad.push(n + 1);
            continue;
        };
        let (commit, path) = match rest.split_once(':') {
            Some((c, p))
                if c.len() >= MIN_COMMIT_PREFIX
                    && c.len() <= 64
                    && c.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                (Some(c.to_ascii_lowercase()), p)
            }
            _ => (None, rest),
        };
        if path.is_empty() || rule.is_empty() {
            bad.push(n + 1);
            continue;
        }
        out.push(GitleaksIgnore {
            commit,
            path: path.to_string(),
            rule: rule.to_string(),
            line: num,
        });
    }
    (out, bad)
}

impl GitleaksIgnore {
    /// Whether this entry names occurrence `o` of a `rule_id` finding.
    pub fn matches(&self, rule_id: &str, o: &Occurrence, root: Option<&str>) -> bool {
        if o.line != self.line || !gitleaks_rule_matches(&self.rule, rule_id) {
            return false;
        }
        if let (Some(want), Some(c)) = (&self.commit, &o.commit)
            && !c.id.starts_with(want.as_str())
        {
            return false;
        }
        relative_to(&o.path, root) == relative_to(&self.path, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitleaksignore_lines_parse_from_the_right() {
        let (e, bad) = parse_gitleaksignore(
            "# comment\n\
             0123456789abcdef0123456789abcdef01234567:src/a:b.txt:generic-api-key:12\n\
             config/.env:slack-bot-token:3\n\
             nonsense\n\
             a:b:c\n",
        );
        assert_eq!(bad, vec![4, 5]);
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[0].commit.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(e[0].path, "src/a:b.txt");
        assert_eq!(e[0].rule, "generic-api-key");
        assert_eq!(e[0].line, 12);
        assert_eq!(e[1].commit, None);
        assert_eq!(e[1].path, "config/.env");
    }
}
