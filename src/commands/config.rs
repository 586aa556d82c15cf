//! `leakhound config`: validate a leakhound.toml, import a gitleaks config.

use super::plural;
use crate::cli::args::ConfigCommand;
use crate::lint::{Strictness, check_rules};
use crate::rules::load::shipped_rules;
use anyhow::{Context, Result};
use std::io::Write;

/// `leakhound config check|import-gitleaks`.
pub fn run(cmd: ConfigCommand) -> Result<u8> {
    use crate::cli::config_file::{CONFIG_FILE_NAME, LoadedConfig};
    let mut stdout = std::io::stdout().lock();
    match cmd {
        ConfigCommand::Check { file } => {
            let path = file.unwrap_or_else(|| std::path::PathBuf::from(CONFIG_FILE_NAME));
            let loaded = LoadedConfig::read(&path)?;
            let shipped = shipped_rules()?;
            let resolved = loaded.resolve(&shipped)?;
            let report = check_rules(&resolved.custom, &resolved.rules, Strictness::User);
            for p in &report.problems {
                writeln!(stdout, "{p}")?;
            }
            let c = &loaded.config;
            writeln!(
                stdout,
                "{}: {} custom rule{} ({} examples, {} negatives), {} disabled, {} severity override{}, {} rule allowlist{}: {} problem{}",
                loaded.file,
                resolved.custom.len(),
                plural(resolved.custom.len()),
                report.examples_run,
                report.negatives_run,
                c.extend.disable.len(),
                c.severity.len(),
                plural(c.severity.len()),
                c.allow.rules.len(),
                plural(c.allow.rules.len()),
                report.problems.len(),
                plural(report.problems.len())
            )?;
            Ok(if report.problems.is_empty() { 0 } else { 1 })
        }
        ConfigCommand::ImportGitleaks { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let out = crate::compat::gitleaks::import::convert(&file.display().to_string(), &text)?;
            stdout.write_all(out.toml.as_bytes())?;
            if !out.unconverted.is_empty() {
                eprintln!(
                    "leakhound: {} item{} could not be converted; they are listed as comments in the output",
                    out.unconverted.len(),
                    plural(out.unconverted.len())
                );
            }
            Ok(0)
        }
    }
}
