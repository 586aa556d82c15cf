//! `leakhound config import-gitleaks`: convert a gitleaks config (`.gitleaks.toml`)
//! into a `leakhound.toml`. Custom rules (id, description, regex, keywords,
//! entropy, secretGroup, simple paths) and allowlists (paths, regexes,
//! stopwords, commits) convert; what cannot be expressed is listed as a TOML
//! comment in the output, never dropped silently.

use super::aliases::gitleaks_rule_matches;
use crate::rules::compile::{compile_regex, id_well_formed};
use anyhow::{Result, bail};
use regex_syntax::ast::{self, Ast};
use toml::{Table, Value};

/// Longest name taken from a gitleaks description.
const MAX_NAME_CHARS: usize = 80;
/// Shortest literal accepted as a derived keyword: shorter ones would wake the
/// rule on almost every file.
const MIN_DERIVED_KEYWORD: usize = 3;
/// Most derived keywords per rule (case-insensitive prefixes can explode).
const MAX_DERIVED_KEYWORDS: usize = 16;

/// The converted config and the items that could not be converted.
#[derive(Debug, Default)]
pub struct Imported {
    /// The leakhound.toml text, comments included.
    pub toml: String,
    /// One line per item not converted (also in `toml` as comments).
    pub unconverted: Vec<String>,
    /// One line per conversion worth a reviewer's look (also in `toml`).
    pub notes: Vec<String>,
}

#[derive(Default)]
struct Out {
    disable: Vec<String>,
    allow: Table,
    rule_allows: Vec<Table>,
    rules: Vec<Table>,
    unconverted: Vec<String>,
    notes: Vec<String>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn push_all(t: &mut Table, key: &str, vals: Vec<String>) {
    if vals.is_empty() {
        return;
    }
    let entry = t
        .entry(key.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(a) = entry {
        for v in vals {
            let v = Value::String(v);
            if !a.contains(&v) {
                a.push(v);
            }
        }
    }
}

/// Convert gitleaks config text; `name` is used in errors.
pub fn convert(name: &str, text: &str) -> Result<Imported> {
    let doc: Table = match toml::from_str(text) {
        Ok(d) => d,
        Err(e) => bail!("{name}: {}", crate::rules::load::toml_error_line(text, &e)),
    };
    let shipped = crate::rules::load::shipped_rules()?;
    let mut out = Out::default();
    for (key, value) in &doc {
        match key.as_str() {
            "title" | "description" => {}
            "extend" => extend(value, &shipped, &mut out),
            "rules" => match value.as_array() {
                Some(rules) => {
                    for r in rules {
                        match r.as_table() {
                            Some(t) => rule(t, &mut out),
                            None => out
                                .unconverted
                                .push("a `rules` entry that is not a table".into()),
                        }
                    }
                }
                None => out
                    .unconverted
                    .push("`rules` is not an array of tables".into()),
            },
            "allowlist" => match value.as_table() {
                Some(t) => allowlist(t, None, "[allowlist]", &mut out),
                None => out.unconverted.push("`allowlist` is not a table".into()),
            },
            "allowlists" => {
                for (i, a) in value.as_array().into_iter().flatten().enumerate() {
                    match a.as_table() {
                        Some(t) => {
                            allowlist(t, None, &format!("[[allowlists]] #{}", i + 1), &mut out)
                        }
                        None => out
                            .unconverted
                            .push("an `allowlists` entry that is not a table".into()),
                    }
                }
            }
            other => out
                .unconverted
                .push(format!("top-level key `{other}` (unknown to the importer)")),
        }
    }
    if !out.rules.is_empty() {
        out.notes.push(
            "imported rules have severity \"high\" (gitleaks rules carry none); adjust per rule"
                .into(),
        );
    }
    Ok(render(name, doc.get("title").and_then(Value::as_str), out))
}

fn extend(v: &Value, shipped: &[crate::rules::load::SourcedRule], out: &mut Out) {
    let Some(t) = v.as_table() else {
        out.unconverted.push("`extend` is not a table".into());
        return;
    };
    for (k, val) in t {
        match k.as_str() {
            "useDefault" => out.notes.push(
                "[extend] useDefault: leakhound always runs its own shipped rules; gitleaks' default rules are not imported".into(),
            ),
            "disabledRules" => {
                for id in strings(Some(val)) {
                    let ours: Vec<String> = shipped
                        .iter()
                        .filter(|r| gitleaks_rule_matches(&id, &r.def.id))
                        .map(|r| r.def.id.clone())
                        .collect();
                    if ours.is_empty() {
                        out.unconverted.push(format!(
                            "[extend] disabledRules `{id}`: no leakhound rule with that id or an equivalent"
                        ));
                    } else {
                        if ours != [id.clone()] {
                            out.notes.push(format!(
                                "[extend] disabledRules `{id}` disables leakhound's {}",
                                ours.join(", ")
                            ));
                        }
                        for o in ours {
                            if !out.disable.contains(&o) {
                                out.disable.push(o);
                            }
                        }
                    }
                }
            }
            other => out.unconverted.push(format!(
                "[extend] {other}: extending another gitleaks config is not supported; import that file too"
            )),
        }
    }
}

fn slug_id(id: &str) -> String {
    let mut s = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_string()
}

fn rule(t: &Table, out: &mut Out) {
    let raw_id = t
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let label = if raw_id.is_empty() {
        "a rule without an id".to_string()
    } else {
        format!("rule `{raw_id}`")
    };
    if raw_id.is_empty() {
        out.unconverted.push(format!("{label}: no id"));
        return;
    }
    let id = slug_id(&raw_id);
    if !id_well_formed(&id) {
        out.unconverted
            .push(format!("{label}: id cannot be made kebab case"));
        return;
    }
    if id != raw_id {
        out.notes.push(format!(
            "{label} is `{id}` (leakhound ids are lower-case kebab case)"
        ));
    }
    let Some(regex) = t.get("regex").and_then(Value::as_str) else {
        out.unconverted.push(format!(
            "{label}: no `regex` (path-only rules are not supported: leakhound rules find secrets in content)"
        ));
        return;
    };
    let group = t
        .get("secretGroup")
        .and_then(Value::as_integer)
        .unwrap_or(0);
    let regex = match secret_regex(regex, group) {
        Ok(r) => r,
        Err(e) => {
            out.unconverted.push(format!(
                "{label}: regex does not compile in leakhound (look-around and backreferences are not supported): {e}"
            ));
            return;
        }
    };
    if let Err(e) = compile_regex(&regex) {
        out.unconverted.push(format!(
            "{label}: regex does not compile in leakhound (look-around and backreferences are not supported): {}",
            e.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
        return;
    }
    let mut keywords: Vec<String> = strings(t.get("keywords"))
        .into_iter()
        .map(|k| k.to_ascii_lowercase())
        .filter(|k| !k.is_empty() && k.is_ascii())
        .collect();
    keywords.dedup();
    if keywords.is_empty() {
        match derive_keywords(&regex) {
            Some(k) => {
                out.notes.push(format!(
                    "{label}: keywords derived from the regex: {}",
                    k.join(", ")
                ));
                keywords = k;
            }
            None => {
                out.unconverted.push(format!(
                    "{label}: no keywords, and none could be derived from the regex (leakhound needs one to prefilter)"
                ));
                return;
            }
        }
    }
    let description = t
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    let name = if description.is_empty() {
        raw_id.clone()
    } else {
        description
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(MAX_NAME_CHARS)
            .collect()
    };
    let mut r = Table::new();
    r.insert("id".into(), Value::String(id.clone()));
    r.insert("name".into(), Value::String(name));
    if !description.is_empty() {
        r.insert("description".into(), Value::String(description));
    }
    r.insert("severity".into(), Value::String("high".into()));
    r.insert(
        "keywords".into(),
        Value::Array(keywords.into_iter().map(Value::String).collect()),
    );
    r.insert("regex".into(), Value::String(regex));
    if let Some(e) = t.get("entropy") {
        let e = e.as_float().or_else(|| e.as_integer().map(|i| i as f64));
        match e {
            Some(e) if (0.0..=8.0).contains(&e) => {
                r.insert("min_entropy".into(), Value::Float(e));
            }
            _ => out
                .unconverted
                .push(format!("{label}: entropy is not a number from 0 to 8")),
        }
    }
    if let Some(p) = t.get("path").and_then(Value::as_str) {
        match path_regex_to_glob(p) {
            Some(g) => {
                r.insert("paths".into(), Value::Array(vec![Value::String(g)]));
            }
            None => out.unconverted.push(format!(
                "{label}: path regex {p:?} has no glob equivalent; the rule now runs on every file (add `paths` globs)"
            )),
        }
    }
    for (k, _) in t {
        match k.as_str() {
            "id" | "description" | "regex" | "secretGroup" | "keywords" | "entropy" | "path"
            | "allowlist" | "allowlists" => {}
            "tags" => out
                .notes
                .push(format!("{label}: tags are not carried over")),
            other => out
                .unconverted
                .push(format!("{label}: `{other}` has no leakhound equivalent")),
        }
    }
    if let Some(a) = t.get("allowlist").and_then(Value::as_table) {
        allowlist(a, Some(&id), &format!("{label} allowlist"), out);
    }
    for (i, a) in t
        .get("allowlists")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(a) = a.as_table() {
            allowlist(a, Some(&id), &format!("{label} allowlists #{}", i + 1), out);
        }
    }
    out.rules.push(r);
}

/// The regex with its secret in the named group `secret`: gitleaks' `secretGroup`
/// (or, without one, its first capture group, or the whole match).
pub fn secret_regex(regex: &str, group: i64) -> Result<String, String> {
    let parsed = ast::parse::ParserBuilder::new()
        .build()
        .parse(regex)
        .map_err(|e| e.kind().to_string())?;
    let mut groups: Vec<(u32, ast::Span, Option<String>)> = Vec::new();
    collect_groups(&parsed, &mut groups);
    if groups.iter().any(|g| g.2.as_deref() == Some("secret")) && group == 0 {
        return Ok(regex.to_string());
    }
    let want = if group > 0 {
        u32::try_from(group).map_err(|_| "secretGroup out of range".to_string())?
    } else if groups.is_empty() {
        return Ok(format!("(?P<secret>{regex})"));
    } else {
        1
    };
    let Some((_, span, name)) = groups.iter().find(|g| g.0 == want) else {
        return Err(format!("secretGroup {want} does not exist in the regex"));
    };
    let start = span.start.offset;
    let mut s = regex.to_string();
    match name {
        None => s.replace_range(start..start + 1, "(?P<secret>"),
        Some(n) => {
            // `(?P<n>` or `(?<n>`: rename the group.
            let head = &regex[start..];
            let open = head.find('<').ok_or("malformed named group")?;
            let from = start + open + 1;
            s.replace_range(from..from + n.len(), "secret");
            if groups
                .iter()
                .any(|g| g.2.as_deref() == Some("secret") && g.0 != want)
            {
                return Err("the regex already has another group named `secret`".into());
            }
        }
    }
    Ok(s)
}

fn collect_groups(a: &Ast, out: &mut Vec<(u32, ast::Span, Option<String>)>) {
    match a {
        Ast::Group(g) => {
            match &g.kind {
                ast::GroupKind::CaptureIndex(i) => out.push((*i, g.span, None)),
                ast::GroupKind::CaptureName { name, .. } => {
                    out.push((name.index, g.span, Some(name.name.clone())))
                }
                ast::GroupKind::NonCapturing(_) => {}
            }
            collect_groups(&g.ast, out);
        }
        Ast::Repetition(r) => collect_groups(&r.ast, out),
        Ast::Alternation(alt) => alt.asts.iter().for_each(|x| collect_groups(x, out)),
        Ast::Concat(c) => c.asts.iter().for_each(|x| collect_groups(x, out)),
        _ => {}
    }
}

/// Keywords from the literal prefixes every match must start with.
fn derive_keywords(regex: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(regex)
        .ok()?;
    let mut ex = Extractor::new();
    ex.kind(ExtractKind::Prefix);
    let seq = ex.extract(&hir);
    let lits = seq.literals()?;
    let mut out: Vec<String> = Vec::new();
    for l in lits {
        let s = std::str::from_utf8(l.as_bytes()).ok()?.to_ascii_lowercase();
        if s.len() < MIN_DERIVED_KEYWORD || !s.is_ascii() {
            return None;
        }
        if !out.contains(&s) {
            out.push(s);
        }
    }
    (!out.is_empty() && out.len() <= MAX_DERIVED_KEYWORDS).then_some(out)
}

/// A few common gitleaks path regexes as globs: `\.ext$`, `(^|/)name$`, `name$`.
fn path_regex_to_glob(p: &str) -> Option<String> {
    let body = p.strip_suffix('$')?;
    let (body, anchored_dir) = match body
        .strip_prefix("(^|/)")
        .or_else(|| body.strip_prefix("(?:^|/)"))
    {
        Some(b) => (b, true),
        None => (body.strip_prefix('^').unwrap_or(body), false),
    };
    let mut lit = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let n = chars.next()?;
                if n.is_ascii_alphanumeric() {
                    return None;
                }
                lit.push(n);
            }
            c if c.is_ascii_alphanumeric() || "-_/".contains(c) => lit.push(c),
            _ => return None,
        }
    }
    if lit.is_empty() {
        return None;
    }
    if let Some(ext) = lit.strip_prefix('.')
        && !anchored_dir
        && !p.starts_with('^')
        && !ext.contains('/')
    {
        return Some(format!("**/*.{ext}"));
    }
    if p.starts_with('^') && !anchored_dir {
        return Some(lit);
    }
    Some(format!("**/{lit}"))
}

fn allowlist(t: &Table, rule_id: Option<&str>, label: &str, out: &mut Out) {
    let target_rules = strings(t.get("targetRules"));
    let condition = t
        .get("condition")
        .and_then(Value::as_str)
        .unwrap_or("OR")
        .to_ascii_uppercase();
    let fields = ["paths", "regexes", "stopwords", "commits"]
        .iter()
        .filter(|k| t.get(**k).is_some())
        .count();
    if condition == "AND" && fields > 1 {
        out.unconverted.push(format!(
            "{label}: condition = \"AND\" over several fields (leakhound allowlists match any one field); add it by hand"
        ));
        return;
    }
    let target = t
        .get("regexTarget")
        .and_then(Value::as_str)
        .unwrap_or("secret");
    let mut entry = Table::new();
    let path_regexes = strings(t.get("paths"));
    for p in &path_regexes {
        if regex::Regex::new(p).is_err() {
            out.unconverted
                .push(format!("{label}: path regex {p:?} does not compile"));
        }
    }
    push_all(
        &mut entry,
        "path_regexes",
        path_regexes
            .into_iter()
            .filter(|p| regex::Regex::new(p).is_ok())
            .collect(),
    );
    let regexes = strings(t.get("regexes"));
    if target == "secret" {
        for p in &regexes {
            if regex::bytes::Regex::new(p).is_err() {
                out.unconverted
                    .push(format!("{label}: regex {p:?} does not compile"));
            }
        }
        push_all(
            &mut entry,
            "regexes",
            regexes
                .into_iter()
                .filter(|p| regex::bytes::Regex::new(p).is_ok())
                .collect(),
        );
    } else if !regexes.is_empty() {
        out.unconverted.push(format!(
            "{label}: regexTarget = {target:?}: {} regex{} on the whole {target} (leakhound allowlist regexes match the secret): {}",
            regexes.len(),
            if regexes.len() == 1 { "" } else { "es" },
            regexes.iter().map(|r| format!("{r:?}")).collect::<Vec<_>>().join(", ")
        ));
    }
    push_all(&mut entry, "stopwords", strings(t.get("stopwords")));
    let commits: Vec<String> = strings(t.get("commits"));
    for c in &commits {
        if c.len() < crate::suppress::MIN_COMMIT_PREFIX || !c.bytes().all(|b| b.is_ascii_hexdigit())
        {
            out.unconverted
                .push(format!("{label}: commit {c:?} is not a commit id"));
        }
    }
    push_all(
        &mut entry,
        "commits",
        commits
            .into_iter()
            .filter(|c| {
                c.len() >= crate::suppress::MIN_COMMIT_PREFIX
                    && c.bytes().all(|b| b.is_ascii_hexdigit())
            })
            .collect(),
    );
    for (k, _) in t {
        if ![
            "paths",
            "regexes",
            "stopwords",
            "commits",
            "regexTarget",
            "condition",
            "targetRules",
            "description",
        ]
        .contains(&k.as_str())
        {
            out.unconverted
                .push(format!("{label}: `{k}` has no leakhound equivalent"));
        }
    }
    if entry.is_empty() {
        return;
    }
    let reason = t
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("imported from gitleaks {label}"));
    let ids: Vec<String> = match rule_id {
        Some(id) => vec![id.to_string()],
        None => target_rules.iter().map(|r| slug_id(r)).collect(),
    };
    if ids.is_empty() {
        for (k, v) in entry {
            if let Value::Array(vals) = v {
                push_all(
                    &mut out.allow,
                    &k,
                    vals.into_iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect(),
                );
            }
        }
        let r = out
            .allow
            .entry("reason".to_string())
            .or_insert_with(|| Value::String(String::new()));
        if let Value::String(s) = r {
            if !s.is_empty() {
                s.push_str("; ");
            }
            s.push_str(&reason);
        }
    } else {
        for id in ids {
            let mut e = Table::new();
            e.insert("id".into(), Value::String(id));
            e.extend(entry.clone());
            e.insert("reason".into(), Value::String(reason.clone()));
            out.rule_allows.push(e);
        }
    }
}

fn toml_section(header: &str, t: &Table) -> String {
    let body = toml::to_string(t).unwrap_or_default();
    format!("{header}\n{body}\n")
}

fn render(name: &str, title: Option<&str>, out: Out) -> Imported {
    let mut s = String::new();
    s.push_str(&format!(
        "# leakhound.toml converted from {name} by `leakhound config import-gitleaks`.\n"
    ));
    if let Some(t) = title {
        s.push_str(&format!("# gitleaks title: {}\n", t.replace('\n', " ")));
    }
    s.push_str("# Review it, then run `leakhound config check`.\n");
    if !out.unconverted.is_empty() {
        s.push_str("#\n# NOT CONVERTED (add these by hand or drop them knowingly):\n");
        for u in &out.unconverted {
            s.push_str(&format!("#   - {}\n", u.replace('\n', " ")));
        }
    }
    if !out.notes.is_empty() {
        s.push_str("#\n# Notes:\n");
        for n in &out.notes {
            s.push_str(&format!("#   - {}\n", n.replace('\n', " ")));
        }
    }
    s.push('\n');
    if !out.disable.is_empty() {
        let mut t = Table::new();
        t.insert(
            "disable".into(),
            Value::Array(out.disable.iter().cloned().map(Value::String).collect()),
        );
        s.push_str(&toml_section("[extend]", &t));
    }
    if !out.allow.is_empty() {
        s.push_str(&toml_section("[allow]", &out.allow));
    }
    for a in &out.rule_allows {
        s.push_str(&toml_section("[[allow.rule]]", a));
    }
    for r in &out.rules {
        s.push_str(&toml_section("[[rule]]", r));
    }
    Imported {
        toml: s,
        unconverted: out.unconverted,
        notes: out.notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_groups_are_named() {
        assert_eq!(secret_regex("abc", 0).unwrap(), "(?P<secret>abc)");
        assert_eq!(
            secret_regex(r"key=(x)(y+)", 2).unwrap(),
            r"key=(x)(?P<secret>y+)"
        );
        assert_eq!(
            secret_regex(r"key=(?:a|b)(z+)", 0).unwrap(),
            r"key=(?:a|b)(?P<secret>z+)"
        );
        assert_eq!(
            secret_regex(r"k=(?P<tok>z+)", 1).unwrap(),
            r"k=(?P<secret>z+)"
        );
        assert!(secret_regex(r"k=(z)", 3).is_err());
    }

    #[test]
    fn simple_path_regexes_become_globs() {
        assert_eq!(
            path_regex_to_glob(r"\.npmrc$").as_deref(),
            Some("**/*.npmrc")
        );
        assert_eq!(
            path_regex_to_glob(r"(^|/)config\.yml$").as_deref(),
            Some("**/config.yml")
        );
        assert_eq!(
            path_regex_to_glob(r"^deploy/secrets\.env$").as_deref(),
            Some("deploy/secrets.env")
        );
        assert_eq!(path_regex_to_glob(r"(.*?)(jpg|png)$"), None);
    }

    #[test]
    fn keywords_come_from_literal_prefixes() {
        assert_eq!(
            derive_keywords(r"\b(acme_[a-z0-9]{32})\b"),
            Some(vec!["acme_".to_string()])
        );
        assert_eq!(derive_keywords(r"[a-z]{32}"), None);
    }
}
