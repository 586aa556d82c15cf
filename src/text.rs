//! Text that came from scanned content, made safe to print: file names,
//! previews, commit authors, archive entry names and URLs may carry terminal
//! escape sequences (`ESC[2J`, OSC 8 links) meant to rewrite what the user sees.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `s` with every control character (C0, DEL, C1) written as a visible Rust-style
/// escape (`\u{1b}`), so a terminal shows it instead of obeying it; tab is kept.
/// Text without control characters is returned unchanged, without a copy.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\t'
        // Bidirectional overrides reorder what is shown (CVE-2021-42574).
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::escape_control;

    #[test]
    fn escapes_terminal_sequences_and_keeps_plain_text() {
        assert_eq!(escape_control("src/a b.js"), "src/a b.js");
        assert!(matches!(
            escape_control("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            escape_control("x\u{1b}[2J\u{1b}[32mNo secrets found.\n"),
            "x\\u{1b}[2J\\u{1b}[32mNo secrets found.\\u{a}"
        );
        assert_eq!(
            escape_control("\u{1b}]8;;http://e\u{7}"),
            "\\u{1b}]8;;http://e\\u{7}"
        );
        assert_eq!(
            escape_control("a\u{9b}b\u{202e}c\td"),
            "a\\u{9b}b\\u{202e}c\td"
        );
    }
}
