//! Loading rule files: the embedded shipped set and user files.

use super::syntax::{RuleDef, RuleFile};
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// A rule together with the file it came from, for error messages.
#[derive(Debug, Clone)]
pub struct SourcedRule {
    pub def: RuleDef,
    pub source: String,
    /// Embedded in the binary: the test suite compiled its regex and ran its
    /// examples, so a scan may compile the regex lazily, on first use.
    pub shipped: bool,
}

/// A rule file that could not be read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
}

/// Parse one rule file's text; `name` is used in errors.
pub fn parse_rule_file(name: &str, text: &str) -> Result<Vec<SourcedRule>, LoadError> {
    let file: RuleFile = toml::from_str(text).map_err(|e| LoadError::Parse {
        file: name.to_string(),
        message: toml_error_line(text, &e),
    })?;
    Ok(file
        .rules
        .into_iter()
        .map(|def| SourcedRule {
            def,
            source: name.to_string(),
            shipped: false,
        })
        .collect())
}

/// Format a TOML error as `line N: message` without echoing file contents.
pub fn toml_error_line(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim().to_string();
    match e.span() {
        Some(span) => {
            let line = text.as_bytes()[..span.start.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            format!("line {line}: {msg}")
        }
        None => msg,
    }
}

/// Every shipped rule, in file order.
pub fn shipped_rules() -> Result<Vec<SourcedRule>, LoadError> {
    let mut all = Vec::new();
    for (name, text) in EMBEDDED_RULE_FILES {
        let rules = parse_rule_file(&format!("rules/{name}"), text)?;
        all.extend(
            rules
                .into_iter()
                .map(|r| SourcedRule { shipped: true, ..r }),
        );
    }
    Ok(all)
}

/// Read and parse a user rule file from disk.
pub fn rule_file_from_path(path: &Path) -> Result<Vec<SourcedRule>, LoadError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        file: name.clone(),
        source,
    })?;
    parse_rule_file(&name, &text)
}
