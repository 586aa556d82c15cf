//! The coverage table in `docs/rules.md`: for every provider, leakhound's rules
//! and which peer catalogues also cover each credential type, plus the types
//! peers cover that leakhound leaves out on purpose (`rules/omitted/*.toml`).
//!
//! `leakhound rules coverage` prints the table; `--write FILE` replaces the part
//! of FILE between [`BEGIN_MARKER`] and [`END_MARKER`]; `--check FILE` fails when
//! that part is not current (the test suite runs it on `docs/rules.md`).

use super::syntax::{PEER_NAMES, RuleDef};
use anyhow::Context as _;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded_omitted.rs"));

/// Start of the generated block in a markdown file.
pub const BEGIN_MARKER: &str = "<!-- coverage:begin -->";
/// End of the generated block.
pub const END_MARKER: &str = "<!-- coverage:end -->";
/// The command that regenerates the shipped documentation.
pub const REGENERATE: &str = "cargo run -- rules coverage --write docs/rules.md";

/// The column heading of each peer catalogue, in [`PEER_NAMES`] order.
const PEER_HEADINGS: &[&str] = &[
    "gitleaks",
    "Betterleaks / Kingfisher 2.x",
    "Kingfisher 1.x",
    "TruffleHog",
];

/// A file of deliberately omitted credential types.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OmittedFile {
    #[serde(default)]
    pub omitted: Vec<Omitted>,
}

/// One credential type a peer detects that leakhound has no rule for, on purpose.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Omitted {
    pub provider: String,
    /// The credential type, as the peer names it.
    #[serde(rename = "type")]
    pub kind: String,
    /// Peer catalogues that detect it (names as in a rule's `peers`).
    pub peers: Vec<String>,
    pub reason: Reason,
    /// For [`Reason::Covered`]: the leakhound rule that finds it.
    #[serde(default)]
    pub rule: Option<String>,
    /// One sentence of detail (what the value is, why no rule can tell it apart).
    #[serde(default)]
    pub note: String,
}

/// Why a credential type has no rule of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// An identifier (account id, client id, project id), not a secret.
    NotSecret,
    /// No prefix, checksum or fixed context tells it from any random string of
    /// its alphabet; the generic rules see it when a secret-naming key holds it.
    NoStableFormat,
    /// Found by another leakhound rule (named in `rule`).
    Covered,
    /// Public by design (meant to ship to browsers) and not worth a recogniser.
    Public,
    /// The provider or the credential format no longer exists.
    Retired,
}

impl Reason {
    fn describe(self) -> &'static str {
        match self {
            Reason::NotSecret => "identifier, not a secret",
            Reason::NoStableFormat => "no stable format or context",
            Reason::Covered => "found by another rule",
            Reason::Public => "public by design",
            Reason::Retired => "provider or format retired",
        }
    }
}

/// An `omitted` entry with the file it came from.
#[derive(Debug, Clone)]
pub struct SourcedOmitted {
    pub entry: Omitted,
    pub source: String,
}

/// Every shipped omitted entry, in file order.
pub fn shipped_omitted() -> Result<Vec<SourcedOmitted>, super::load::LoadError> {
    let mut all = Vec::new();
    for (name, text) in EMBEDDED_OMITTED_FILES {
        let source = format!("rules/omitted/{name}");
        let file: OmittedFile =
            toml::from_str(text).map_err(|e| super::load::LoadError::Parse {
                file: source.clone(),
                message: super::load::toml_error_line(text, &e),
            })?;
        all.extend(file.omitted.into_iter().map(|entry| SourcedOmitted {
            entry,
            source: source.clone(),
        }));
    }
    Ok(all)
}

/// Problems with the omitted list: unknown peers, a `covered` entry naming no
/// existing rule, empty fields, duplicates. Each is `(source, message)`.
pub fn check_omitted(omitted: &[SourcedOmitted], rules: &[RuleDef]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for o in omitted {
        let e = &o.entry;
        let what = format!("omitted `{}` / `{}`", e.provider, e.kind);
        let mut say = |m: String| out.push((o.source.clone(), format!("{what}: {m}")));
        if e.provider.trim().is_empty() || e.kind.trim().is_empty() {
            say("provider and type must not be empty".into());
        }
        if e.peers.is_empty() {
            say("peers is empty: list the peer catalogues that detect it".into());
        }
        for p in &e.peers {
            if !PEER_NAMES.contains(&p.as_str()) {
                say(format!(
                    "unknown peer {p:?} (known: {})",
                    PEER_NAMES.join(", ")
                ));
            }
        }
        match (&e.reason, &e.rule) {
            (Reason::Covered, None) => say("reason `covered` needs `rule`".into()),
            (Reason::Covered, Some(id)) if !rules.iter().any(|r| &r.id == id) => {
                say(format!("`rule` names no shipped rule: {id}"))
            }
            (r, Some(_)) if *r != Reason::Covered => {
                say("`rule` is only for reason `covered`".into())
            }
            _ => {}
        }
        if !seen.insert((e.provider.to_lowercase(), e.kind.to_lowercase())) {
            say("listed twice".into());
        }
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The generated markdown block, markers included.
pub fn render(rules: &[RuleDef], omitted: &[SourcedOmitted]) -> String {
    let mut by_provider: BTreeMap<String, (String, Vec<&RuleDef>)> = BTreeMap::new();
    for r in rules {
        by_provider
            .entry(r.provider.to_lowercase())
            .or_insert_with(|| (r.provider.clone(), Vec::new()))
            .1
            .push(r);
    }
    let covered_by = |peer: &str| {
        rules
            .iter()
            .filter(|r| r.peers.iter().any(|p| p == peer))
            .count()
    };
    let mut out = String::new();
    let _ = writeln!(out, "{BEGIN_MARKER}");
    let _ = writeln!(
        out,
        "<!-- Generated from rules/*.toml and rules/omitted/*.toml; do not edit by hand. Regenerate: `{REGENERATE}` -->\n"
    );
    let none = rules.iter().filter(|r| r.peers.is_empty()).count();
    let _ = writeln!(
        out,
        "{} rules for {} providers. Of them, also covered by {}; by no peer catalogue (or not recorded): {none}.\n",
        rules.len(),
        by_provider.len(),
        PEER_NAMES
            .iter()
            .zip(PEER_HEADINGS)
            .map(|(p, h)| format!("{h} {}", covered_by(p)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let _ = writeln!(out, "| Provider | Rule | {} |", PEER_HEADINGS.join(" | "));
    let _ = writeln!(out, "|---|---|{}", "---|".repeat(PEER_HEADINGS.len()));
    for (name, list) in by_provider.values() {
        let mut list = list.clone();
        list.sort_by(|a, b| a.id.cmp(&b.id));
        for (i, r) in list.iter().enumerate() {
            let provider = if i == 0 { cell(name) } else { String::new() };
            let marks: Vec<&str> = PEER_NAMES
                .iter()
                .map(|p| {
                    if r.peers.iter().any(|x| x == p) {
                        "✓"
                    } else {
                        ""
                    }
                })
                .collect();
            let tag = if r.public { " (public)" } else { "" };
            let _ = writeln!(
                out,
                "| {provider} | `{}`{tag} | {} |",
                r.id,
                marks.join(" | ")
            );
        }
    }
    let _ = writeln!(
        out,
        "\n### Left out on purpose\n\nCredential types a peer detects that leakhound has no rule of its own for, and why ({} entries).\n",
        omitted.len()
    );
    let _ = writeln!(out, "| Provider | Credential type | Peers | Reason |");
    let _ = writeln!(out, "|---|---|---|---|");
    let mut omitted: Vec<&Omitted> = omitted.iter().map(|o| &o.entry).collect();
    omitted.sort_by_key(|o| (o.provider.to_lowercase(), o.kind.to_lowercase()));
    for o in omitted {
        let mut reason = o.reason.describe().to_string();
        if let Some(rule) = &o.rule {
            reason.push_str(&format!(" (`{rule}`)"));
        }
        if !o.note.trim().is_empty() {
            reason.push_str(": ");
            reason.push_str(o.note.trim());
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&o.provider),
            cell(&o.kind),
            o.peers.join(", "),
            cell(&reason)
        );
    }
    let _ = writeln!(out, "{END_MARKER}");
    out
}

/// `leakhound rules coverage`: print the table (after checking the omitted
/// list), or write it into `write`, or check that `check` holds it. Returns the
/// exit code: 1 when the omitted list has problems or `check` is out of date.
pub fn command(
    write: Option<&Path>,
    check: Option<&Path>,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<u8> {
    let rules: Vec<RuleDef> = super::load::shipped_rules()?
        .into_iter()
        .map(|r| r.def)
        .collect();
    let omitted = shipped_omitted()?;
    let problems = check_omitted(&omitted, &rules);
    for (source, message) in &problems {
        writeln!(out, "{source}: {message}")?;
    }
    if !problems.is_empty() {
        return Ok(1);
    }
    let block = render(&rules, &omitted);
    let Some(path) = write.or(check) else {
        write!(out, "{block}")?;
        return Ok(0);
    };
    let doc =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let Some(new) = splice(&doc, &block) else {
        anyhow::bail!(
            "{} has no `{BEGIN_MARKER}` ... `{END_MARKER}` block to replace",
            path.display()
        );
    };
    if check.is_some() {
        if new == doc {
            writeln!(out, "{}: coverage table is current", path.display())?;
            return Ok(0);
        }
        writeln!(
            out,
            "{}: coverage table is out of date; regenerate it with `{REGENERATE}`",
            path.display()
        )?;
        return Ok(1);
    }
    if new != doc {
        std::fs::write(path, new).with_context(|| format!("cannot write {}", path.display()))?;
    }
    writeln!(
        out,
        "{}: coverage table of {} rules and {} omitted types written",
        path.display(),
        rules.len(),
        omitted.len()
    )?;
    Ok(0)
}

/// `doc` with its generated block replaced by `block`; `None` when `doc` has
/// no pair of markers.
pub fn splice(doc: &str, block: &str) -> Option<String> {
    let start = doc.find(BEGIN_MARKER)?;
    let end = doc[start..].find(END_MARKER)? + start + END_MARKER.len();
    let rest = doc[end..].strip_prefix('\n').unwrap_or(&doc[end..]);
    Some(format!("{}{block}{rest}", &doc[..start]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, provider: &str, peers: &[&str]) -> RuleDef {
        let text = format!(
            "[[rule]]\nid = {id:?}\nname = \"n\"\nprovider = {provider:?}\nseverity = \"high\"\nregex = \"x\"\npeers = {peers:?}\n"
        );
        let file: super::super::syntax::RuleFile = toml::from_str(&text).unwrap();
        file.rules.into_iter().next().unwrap()
    }

    #[test]
    fn table_groups_rules_by_provider_and_marks_peers() {
        let rules = vec![
            rule("acme-b", "ACME", &["trufflehog"]),
            rule("acme-a", "ACME", &["gitleaks", "betterleaks"]),
            rule("zed-key", "Zed", &[]),
        ];
        let omitted: OmittedFile = toml::from_str(
            "[[omitted]]\nprovider = \"ACME\"\ntype = \"account id\"\npeers = [\"kingfisher\"]\nreason = \"not-secret\"\n",
        )
        .unwrap();
        let omitted: Vec<SourcedOmitted> = omitted
            .omitted
            .into_iter()
            .map(|entry| SourcedOmitted {
                entry,
                source: "t".into(),
            })
            .collect();
        let md = render(&rules, &omitted);
        assert!(md.contains("| ACME | `acme-a` | ✓ | ✓ |  |  |\n|  | `acme-b` |  |  |  | ✓ |\n| Zed | `zed-key` |  |  |  |  |"), "{md}");
        assert!(md.contains("| ACME | account id | kingfisher | identifier, not a secret |"));
        assert!(md.contains("3 rules for 2 providers"));
        let doc = format!("# Title\n\n{BEGIN_MARKER}\nold\n{END_MARKER}\n\nafter\n");
        let new = splice(&doc, &md).unwrap();
        assert_eq!(new, format!("# Title\n\n{md}\nafter\n"));
        assert_eq!(splice(&new, &md).unwrap(), new, "splicing is idempotent");
        assert!(splice("no markers", &md).is_none());
        assert!(check_omitted(&omitted, &rules).is_empty());
    }

    #[test]
    fn omitted_list_problems_are_reported() {
        let file: OmittedFile = toml::from_str(
            "[[omitted]]\nprovider = \"A\"\ntype = \"t\"\npeers = [\"nosey\"]\nreason = \"covered\"\n\
             [[omitted]]\nprovider = \"A\"\ntype = \"T\"\npeers = [\"gitleaks\"]\nreason = \"covered\"\nrule = \"missing\"\n",
        )
        .unwrap();
        let list: Vec<SourcedOmitted> = file
            .omitted
            .into_iter()
            .map(|entry| SourcedOmitted {
                entry,
                source: "f".into(),
            })
            .collect();
        let msgs: Vec<String> = check_omitted(&list, &[]).into_iter().map(|p| p.1).collect();
        let all = msgs.join("\n");
        for want in [
            "unknown peer \"nosey\"",
            "needs `rule`",
            "names no shipped rule: missing",
            "listed twice",
        ] {
            assert!(all.contains(want), "{want}: {all}");
        }
    }
}
