//! `leakhound.toml`: custom rules, disabled rules, severity overrides and
//! allowlists (docs/ci.md and /README show the shape). Parsed strictly: an
//! unknown key, a bad value, an unknown rule id or a pattern that does not
//! compile is a one-line error naming the file, the line and the key.

use crate::rules::load::{SourcedRule, toml_error_line};
use crate::rules::{RuleDef, Severity};
use crate::suppress::{AllowSpec, Allowlist};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The file looked for at the scan root.
pub const CONFIG_FILE_NAME: &str = "leakhound.toml";
/// Largest config file read: configs are hand-written; this bounds a mistaken path.
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub extend: Extend,
    /// Rule id -> severity name.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub allow: AllowConfig,
    /// Custom rules, in the rules/*.toml format; a shipped id replaces that rule.
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleDef>,
}

/// `[extend]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Extend {
    /// Shipped rule ids to turn off.
    #[serde(default)]
    pub disable: Vec<String>,
}

/// `[allow]`, the global allowlist, and each `[[allow.rule]]` list for one rule
/// (one shape: a rule list has an `id` and no nested lists; `resolve` checks).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AllowConfig {
    /// `[[allow.rule]]` only: the rule the list is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub path_regexes: Vec<String>,
    #[serde(default)]
    pub regexes: Vec<String>,
    #[serde(default)]
    pub stopwords: Vec<String>,
    #[serde(default)]
    pub commits: Vec<String>,
    /// Why these are allowed (kept for reviewers; not used for matching).
    #[serde(default)]
    pub reason: String,
    /// `[allow]` only: the `[[allow.rule]]` lists.
    #[serde(default, rename = "rule", skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<AllowConfig>,
}

impl AllowConfig {
    fn spec(&self) -> AllowSpec {
        AllowSpec {
            paths: self.paths.clone(),
            path_regexes: self.path_regexes.clone(),
            regexes: self.regexes.clone(),
            stopwords: self.stopwords.clone(),
            commits: self.commits.clone(),
        }
    }

    fn is_empty(&self) -> bool {
        self.paths.is_empty()
            && self.path_regexes.is_empty()
            && self.regexes.is_empty()
            && self.stopwords.is_empty()
            && self.commits.is_empty()
    }
}

/// A config file that cannot be used: `file: line N: key `k`: message`.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub message: String,
}

/// A parsed config with its text (for line numbers) and name (for errors).
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub file: String,
    pub text: String,
    pub config: ConfigFile,
}

/// What a config turns into: the rules to run and the allowlists to apply.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Shipped rules minus disabled ones, custom rules added, severities overridden.
    pub rules: Vec<SourcedRule>,
    /// The config's own `[[rule]]`s (what `config check` runs examples for).
    pub custom: Vec<SourcedRule>,
    pub global: Option<Allowlist>,
    pub per_rule: Vec<(String, Allowlist)>,
}

/// The 1-based line of the first `needle` in `text` (0 when absent).
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map(|at| text[..at].bytes().filter(|&b| b == b'\n').count() + 1)
        .unwrap_or(0)
}

/// The line of a string value as written (any TOML quoting), or of a key.
fn line_of_value(text: &str, value: &str) -> usize {
    for q in ["\"", "'", "'''", "\"\"\""] {
        let n = line_of(text, &format!("{q}{value}{q}"));
        if n > 0 {
            return n;
        }
    }
    let n = line_of(text, value);
    if n > 0 { n } else { 1 }
}

/// The key on `line` (1-based): `name` in `name = ...`, or a `[table]` header. Only
/// identifier-like keys are echoed, never values.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?.trim();
    let key = if l.starts_with('[') {
        l.trim_matches(|c| c == '[' || c == ']')
    } else {
        l.split_once('=')?.0.trim()
    };
    let key = key.trim_matches(|c| c == '"' || c == '\'');
    (!key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)))
    .then(|| key.to_string())
}

impl LoadedConfig {
    /// Parse `text`; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<LoadedConfig, ConfigError> {
        let config: ConfigFile = toml::from_str(text).map_err(|e| {
            let mut message = toml_error_line(text, &e);
            if !message.contains('`')
                && let Some(span) = e.span()
            {
                let line = text.as_bytes()[..span.start.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                if let Some(k) = key_on_line(text, line) {
                    message = message.replacen(
                        &format!("line {line}: "),
                        &format!("line {line}: key `{k}`: "),
                        1,
                    );
                }
            }
            ConfigError {
                file: file.to_string(),
                message,
            }
        })?;
        Ok(LoadedConfig {
            file: file.to_string(),
            text: text.to_string(),
            config,
        })
    }

    /// Read and parse a config file.
    pub fn read(path: &Path) -> Result<LoadedConfig, ConfigError> {
        let file = path.display().to_string();
        let err = |message: String| ConfigError {
            file: file.clone(),
            message,
        };
        let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read: {e}")))?;
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(err(format!("larger than {MAX_CONFIG_BYTES} bytes")));
        }
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        LoadedConfig::parse(&file, &text)
    }

    fn error(&self, line: usize, key: &str, message: impl std::fmt::Display) -> ConfigError {
        ConfigError {
            file: self.file.clone(),
            message: format!("line {line}: key `{key}`: {message}"),
        }
    }

    /// Apply the config to the shipped rules and compile its allowlists.
    pub fn resolve(&self, shipped: &[SourcedRule]) -> Result<Resolved, ConfigError> {
        let c = &self.config;
        let known =
            |id: &str| shipped.iter().any(|r| r.def.id == id) || c.rules.iter().any(|r| r.id == id);
        for id in &c.extend.disable {
            if !known(id) {
                return Err(self.error(
                    line_of_value(&self.text, id),
                    "extend.disable",
                    format!("no rule with id `{id}` (see `leakhound rules list`)"),
                ));
            }
        }
        let mut overrides: BTreeMap<&str, Severity> = BTreeMap::new();
        for (id, sev) in &c.severity {
            let line = line_of_value(&self.text, id);
            if !known(id) {
                return Err(self.error(
                    line,
                    &format!("severity.{id}"),
                    format!("no rule with id `{id}`"),
                ));
            }
            let Some(s) = Severity::parse(sev) else {
                return Err(self.error(
                    line,
                    &format!("severity.{id}"),
                    format!("unknown severity {sev:?} (critical, high, medium, low, info)"),
                ));
            };
            overrides.insert(id.as_str(), s);
        }
        let custom: Vec<SourcedRule> = c
            .rules
            .iter()
            .map(|def| SourcedRule {
                def: def.clone(),
                source: self.file.clone(),
                shipped: false,
            })
            .collect();
        // Each custom rule must compile on its own; the error names its line.
        for r in &custom {
            if let Err(e) = crate::rules::RuleSet::compile(std::slice::from_ref(r)) {
                return Err(self.error(
                    line_of_value(&self.text, &r.def.id),
                    &format!("rule.{}", r.def.id),
                    e.message,
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for r in &custom {
            if !seen.insert(r.def.id.as_str()) {
                return Err(self.error(
                    line_of_value(&self.text, &r.def.id),
                    "rule.id",
                    format!("duplicate rule id `{}`", r.def.id),
                ));
            }
        }
        let mut rules: Vec<SourcedRule> = shipped
            .iter()
            .filter(|s| !custom.iter().any(|c| c.def.id == s.def.id))
            .cloned()
            .chain(custom.iter().cloned())
            .filter(|r| !c.extend.disable.contains(&r.def.id))
            .collect();
        for r in &mut rules {
            if let Some(s) = overrides.get(r.def.id.as_str()) {
                r.def.severity = *s;
            }
        }
        if c.allow.id.is_some() {
            return Err(self.error(
                line_of(&self.text, "[allow]"),
                "allow.id",
                "`id` names the rule of an `[[allow.rule]]` list, not the global `[allow]`",
            ));
        }
        let global = if c.allow.is_empty() {
            None
        } else {
            Some(Allowlist::compile(&c.allow.spec()).map_err(|e| {
                self.error(
                    line_of_value(&self.text, &e.value),
                    &format!("allow.{}", e.key),
                    format!("{:?}: {}", e.value, e.message),
                )
            })?)
        };
        let mut per_rule = Vec::new();
        for a in &c.allow.rules {
            let Some(id) = &a.id else {
                return Err(self.error(
                    line_of(&self.text, "[[allow.rule]]"),
                    "allow.rule.id",
                    "every `[[allow.rule]]` needs the `id` of the rule it allows",
                ));
            };
            if !a.rules.is_empty() {
                return Err(self.error(
                    line_of(&self.text, "[[allow.rule.rule]]"),
                    "allow.rule.rule",
                    "`[[allow.rule]]` lists do not nest",
                ));
            }
            if !known(id) {
                return Err(self.error(
                    line_of_value(&self.text, id),
                    "allow.rule.id",
                    format!("no rule with id `{id}`"),
                ));
            }
            let list = Allowlist::compile(&a.spec()).map_err(|e| {
                self.error(
                    line_of_value(&self.text, &e.value),
                    &format!("allow.rule.{}", e.key),
                    format!("{:?}: {}", e.value, e.message),
                )
            })?;
            per_rule.push((id.clone(), list));
        }
        Ok(Resolved {
            rules,
            custom,
            global,
            per_rule,
        })
    }
}

/// The config for a scan rooted at `root`: `explicit` if given (it must exist),
/// else `root/leakhound.toml` if present.
pub fn find(explicit: Option<&Path>, root: &Path) -> Result<Option<LoadedConfig>, ConfigError> {
    if let Some(p) = explicit {
        return LoadedConfig::read(p).map(Some);
    }
    let p = if root == Path::new(".") {
        std::path::PathBuf::from(CONFIG_FILE_NAME)
    } else {
        root.join(CONFIG_FILE_NAME)
    };
    if p.is_file() {
        LoadedConfig::read(&p).map(Some)
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_for_type_errors() {
        let text = "[allow]\npaths = \"testdata/**\"\n";
        let e = LoadedConfig::parse("x.toml", text).unwrap_err().to_string();
        assert!(e.starts_with("x.toml: line 2"), "{e}");
        assert!(e.contains("`paths`"), "{e}");
    }
}
