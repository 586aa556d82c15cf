//! The application: turns a parsed command line into a scan and an exit code.

use crate::cli::args::{Cli, Command, ConfigCommand, HookCommand, RulesCommand};
use crate::cli::config::{GitConfig, OutputConfig, ScanConfig, StagedConfig};
use crate::pipeline::ScanContext;
use crate::report::{self, Format, Report};
use crate::rules::check::{Strictness, check_rules};
use crate::rules::load::{rule_file_from_path, shipped_rules};
use crate::rules::{RuleSet, Severity};
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Instant;

/// Exit code for errors and incomplete scans.
pub const EXIT_ERROR: u8 = 2;

/// Run a command; returns the process exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(args) => {
            let cfg = ScanConfig::from_args(&args)?;
            run_scan(&cfg)
        }
        Command::Git(args) => run_git(&GitConfig::from_args(&args)?),
        Command::Staged(args) => run_staged(&StagedConfig::from_args(&args)?),
        Command::Rules { command } => run_rules(command),
        Command::Hook { command } => run_hook(command),
        Command::Config { command } => run_config(command),
    }
}

fn run_config(cmd: ConfigCommand) -> Result<u8> {
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
            let out = crate::cli::gitleaks_import::convert(&file.display().to_string(), &text)?;
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

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn run_hook(cmd: HookCommand) -> Result<u8> {
    use crate::hook::{Installed, install, uninstall};
    match cmd {
        HookCommand::Install { hook, force, repo } => {
            let msg = match install(&repo, hook, force)? {
                Installed::New(p) => format!("installed {}", p.display()),
                Installed::Updated(p) => format!("updated {}", p.display()),
                Installed::Replaced(p) => format!("replaced {} (--force)", p.display()),
                Installed::AlreadyCurrent(p) => {
                    format!("{} is already installed and current", p.display())
                }
            };
            println!("leakhound: {msg}");
        }
        HookCommand::Uninstall { hook, repo } => match uninstall(&repo, hook)? {
            Some(p) => println!("leakhound: removed {}", p.display()),
            None => println!("leakhound: no {} hook installed", hook.file_name()),
        },
    }
    Ok(0)
}

fn run_scan(cfg: &ScanConfig) -> Result<u8> {
    let ctx = ScanContext::new(Arc::clone(&cfg.rules), cfg.out.blob.clone());
    let start = Instant::now();
    if cfg.stdin {
        crate::source::stdin::scan_stdin(&ctx);
    } else {
        crate::source::fs::scan_paths(&ctx, &cfg.paths, &cfg.walk);
    }
    finish(ctx, &cfg.out, "folder", start, None)
}

fn run_git(cfg: &GitConfig) -> Result<u8> {
    let ctx = ScanContext::new(Arc::clone(&cfg.rules), cfg.out.blob.clone());
    let start = Instant::now();
    crate::source::git::scan_history(&ctx, &cfg.repo, &cfg.history)?;
    let repo = if cfg.out.format == Format::Sarif {
        sarif_repo_context(&cfg.repo)
    } else {
        RepoContext::default()
    };
    finish_with(ctx, &cfg.out, "git history", start, None, &repo)
}

/// HEAD's paths (so SARIF knows which history findings are in files code scanning
/// cannot hash) and the repository's identity, for `versionControlProvenance`.
/// A repository whose HEAD cannot be read leaves both out rather than failing the report.
fn sarif_repo_context(repo: &std::path::Path) -> RepoContext {
    let details = crate::source::git::details::repo_details(repo).ok();
    RepoContext {
        tree_paths: crate::source::git::head_tree_paths(repo).ok(),
        vcs: details.map(|d| crate::report::VcsInfo {
            repository_uri: d.uri,
            revision_id: d.head,
            branch: d.branch,
        }),
    }
}

/// Printed under a human report when `leakhound staged` finds secrets.
const STAGED_FOOTER: &str = "\
The staged change adds the secret(s) above. To proceed:
  - remove the secret (load it from the environment or a secret manager), `git add` the file again,
    and rotate it if it was ever pushed or shared;
  - or, for a false positive, add a `leakhound:allow` comment on that line.
`git commit --no-verify` skips this check, at your own risk.";

fn run_staged(cfg: &StagedConfig) -> Result<u8> {
    let ctx = ScanContext::new(Arc::clone(&cfg.rules), cfg.out.blob.clone());
    let start = Instant::now();
    crate::source::git::scan_staged(&ctx, &cfg.repo, cfg.out.threads)?;
    finish(
        ctx,
        &cfg.out,
        "staged changes",
        start,
        Some(STAGED_FOOTER.to_string()),
    )
}

/// Group, suppress, report, and choose the exit code. Shared by every scanning command.
pub fn finish(
    ctx: ScanContext,
    out: &OutputConfig,
    target: &str,
    start: Instant,
    footer: Option<String>,
) -> Result<u8> {
    finish_with(ctx, out, target, start, footer, &RepoContext::default())
}

/// What a history scan knows about the repository, for SARIF: the paths in the
/// checked-out tree (`None`: treat every path as present) and the repository itself.
#[derive(Debug, Clone, Default)]
pub struct RepoContext {
    pub tree_paths: Option<std::collections::HashSet<String>>,
    pub vcs: Option<crate::report::VcsInfo>,
}

/// [`finish`] with repository details (the `git` command passes HEAD's tree paths).
pub fn finish_with(
    ctx: ScanContext,
    out: &OutputConfig,
    target: &str,
    start: Instant,
    footer: Option<String>,
    repo: &RepoContext,
) -> Result<u8> {
    let rules = Arc::clone(&ctx.rules);
    let stats = ctx.stats.snapshot();
    let mut findings = ctx.collector.into_findings(|id| base_severity(&rules, id));
    let suppressed = out
        .suppress
        .apply(&mut findings)
        .context("cannot apply suppressions")?;
    let report = Report {
        findings: &findings,
        stats: &stats,
        rules: &rules,
        suppressed,
        show_secrets: out.show_secrets,
        verbose: out.verbose,
        target,
        elapsed: start.elapsed(),
        footer: if findings.is_empty() { None } else { footer },
        tree_paths: repo.tree_paths.as_ref(),
        vcs: repo.vcs.as_ref(),
        sarif_all_rules: out.sarif_all_rules,
        sarif_category: out.sarif_category.as_deref(),
    };
    emit(&report, out)?;
    let reasons = stats.incomplete_reasons();
    if !reasons.is_empty() {
        eprintln!(
            "leakhound: scan incomplete: {} item{} could not be scanned (first: {}); exit code {EXIT_ERROR}",
            reasons.len(),
            if reasons.len() == 1 { "" } else { "s" },
            reasons[0]
        );
        return Ok(EXIT_ERROR);
    }
    Ok(if findings.is_empty() {
        0
    } else {
        out.exit_code
    })
}

fn base_severity(rules: &RuleSet, id: &str) -> Severity {
    match rules.get(id) {
        Some(r) if r.def.public => Severity::Info,
        Some(r) => r.def.severity,
        None => Severity::High,
    }
}

fn emit(report: &Report<'_>, out: &OutputConfig) -> Result<()> {
    let result = match &out.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            report::write(out.format, report, &mut w, false).and_then(|_| w.flush())
        }
        None => {
            let stdout = std::io::stdout();
            let color = out.format == Format::Human
                && stdout.is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            let mut w = std::io::BufWriter::new(stdout.lock());
            if out.quiet && out.format == Format::Human {
                report::human::write_findings(report, &mut w, color).and_then(|_| w.flush())
            } else {
                report::write(out.format, report, &mut w, color).and_then(|_| w.flush())
            }
        }
    };
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write the report"),
    }
}

fn run_rules(cmd: RulesCommand) -> Result<u8> {
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
                if report.problems.len() == 1 { "" } else { "s" }
            )?;
            Ok(if report.problems.is_empty() { 0 } else { 1 })
        }
        RulesCommand::Coverage { write, check } => {
            crate::rules::coverage::command(write.as_deref(), check.as_deref(), &mut stdout)
        }
    }
}
