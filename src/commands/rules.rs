//! `leakhound rules`: list, explain and check detection rules.

use super::plural;
use crate::cli::args::RulesCommand;
use crate::lint::{Strictness, check_rules};
use crate::rules::RuleSet;
use crate::rules::load::{rule_file_from_path, shipped_rules};
use anyhow::Result;
use std::io::Write;

/// `leakhound rules list|explain|check|coverage`.
pub fn run(cmd: RulesCommand) -> Result<u8> {
    let mut stdout = std::io::stdout().lock();
    match cmd {
        RulesCommand::List { format } => {
            let rules = RuleSet::shipped()?;
            if format == "json" {
                let list: Vec<_> = rules
                    .rules
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "id": r.def.id, "name": r.def.name, "provider": r.def.provider,
                            "severity": r.def.severity, "keywords": r.def.keywords, "public": r.def.public,
                        })
                    })
                    .collect();
                let doc = serde_json::json!({ "count": list.len(), "rules": list });
                writeln!(stdout, "{}", serde_json::to_string_pretty(&doc)?)?;
            } else {
                for r in &rules.rules {
                    let kw = r.def.keywords.join(", ");
                    let public = if r.def.public { " (public)" } else { "" };
                    writeln!(
                        stdout,
                        "{:<40} {:<9} {}{}  [{}]",
                        r.def.id,
                        r.def.severity.as_str(),
                        r.def.name,
                        public,
                        kw
                    )?;
                }
                writeln!(stdout, "{} rules", rules.rules.len())?;
            }
            Ok(0)
        }
        RulesCommand::Explain { id } => {
            let rules = shipped_rules()?;
            let Some(r) = rules.iter().find(|r| r.def.id == id) else {
                anyhow::bail!("no rule with id `{id}` (see `leakhound rules list`)");
            };
            let d = &r.def;
            writeln!(stdout, "{} — {}", d.id, d.name)?;
            writeln!(
                stdout,
                "provider: {}\nseverity: {}{}",
                d.provider,
                d.severity,
                if d.public {
                    " (public by design: reported only with --include-public)"
                } else {
                    ""
                }
            )?;
            writeln!(stdout, "source:   {}", r.source)?;
            writeln!(stdout, "keywords: {}", d.keywords.join(", "))?;
            writeln!(stdout, "regex:    {}", d.regex)?;
            if !d.checks.is_empty() {
                writeln!(stdout, "checks:   {}", d.checks.join(", "))?;
            }
            if let Some(e) = d.min_entropy {
                writeln!(stdout, "entropy:  at least {e} bits per character")?;
            }
            if !d.paths.is_empty() {
                writeln!(stdout, "paths:    {}", d.paths.join(", "))?;
            }
            writeln!(
                stdout,
                "\n{}\n\nHow to rotate:\n{}",
                d.description,
                d.rotation_markdown()
            )?;
            Ok(0)
        }
        RulesCommand::Check { files } => {
            let shipped = shipped_rules()?;
            let targets = if files.is_empty() {
                shipped.clone()
            } else {
                let mut t = Vec::new();
                for f in &files {
                    t.extend(rule_file_from_path(f)?);
                }
                t
            };
            let report = check_rules(&targets, &shipped, Strictness::Shipped);
            for p in &report.problems {
                writeln!(stdout, "{p}")?;
            }
            writeln!(
                stdout,
                "{} rules checked, {} examples, {} negatives: {} problem{}",
                report.rules_checked,
                report.examples_run,
                report.negatives_run,
                report.problems.len(),
                plural(report.problems.len())
            )?;
            Ok(if report.problems.is_empty() { 0 } else { 1 })
        }
        RulesCommand::Coverage { write, check } => {
            crate::rules::coverage::command(write.as_deref(), check.as_deref(), &mut stdout)
        }
    }
}
