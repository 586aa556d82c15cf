//! Validated scan configuration, built from flags and `leakhound.toml`.

use super::args::{CommonArgs, GitArgs, ScanArgs, StagedArgs};
use crate::compat::gitleaks::ignore::parse_gitleaksignore;
use crate::report::Format;
use crate::rules::RuleSet;
use crate::scan::{Policy, ScanOptions};
use crate::suppress::{Baseline, Suppression};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The gitleaks ignore file honoured at the scan root.
pub const GITLEAKSIGNORE: &str = ".gitleaksignore";

/// The rules and suppressions a scan rooted at `root` uses: `--config FILE` or
/// `root/leakhound.toml` (custom rules, disabled rules, severities, allowlists),
/// `--baseline`, `--write-baseline`, `root/.gitleaksignore`; `--no-filters` turns
/// every suppression off (the config's rules still apply). Every scanning command
/// (`scan`, `git`, `staged`) calls this once.
pub fn load_settings(common: &CommonArgs, root: &Path) -> Result<(RuleSet, Suppression)> {
    let shipped = crate::rules::load::shipped_rules()?;
    let config = super::config_file::find(common.config.as_deref(), root)?;
    let resolved = match &config {
        Some(c) => Some(c.resolve(&shipped)?),
        None => None,
    };
    let rules = match &resolved {
        Some(r) => RuleSet::compile(&r.rules)?,
        None => RuleSet::compile(&shipped)?,
    };
    // Allowlist paths are relative to the folder holding the config file: the scan
    // root for `root/leakhound.toml`, the file's own folder for `--config FILE`.
    let base = match &common.config {
        Some(file) => file.parent().unwrap_or(Path::new("")).to_path_buf(),
        None => root.to_path_buf(),
    };
    let root_display = {
        let s = base.to_string_lossy();
        let s = s
            .strip_prefix("./")
            .unwrap_or(&s)
            .trim_end_matches('/')
            .to_string();
        (!s.is_empty() && s != ".").then_some(s)
    };
    if common.no_filters {
        let mut s = Suppression::none();
        s.root = root_display;
        s.write_baseline = common.write_baseline.clone();
        return Ok((rules, s));
    }
    let mut s = Suppression::inline_only();
    s.root = root_display;
    if let Some(r) = resolved {
        s.global = r.global;
        s.per_rule = r.per_rule;
    }
    if let Some(b) = &common.baseline {
        s.baseline = Some(Baseline::read(b)?);
    }
    s.write_baseline = common.write_baseline.clone();
    let ignore = root.join(GITLEAKSIGNORE);
    if ignore.is_file() {
        let text = std::fs::read_to_string(&ignore)
            .with_context(|| format!("cannot read {}", ignore.display()))?;
        let (entries, bad) = parse_gitleaksignore(&text);
        if let Some(first) = bad.first() {
            eprintln!(
                "leakhound: warning: {}: {} line{} not of the form commit:file:rule:line or file:rule:line (first: line {first}); ignored",
                ignore.display(),
                bad.len(),
                if bad.len() == 1 { "" } else { "s" }
            );
        }
        s.gitleaks_ignore = entries;
    }
    Ok((rules, s))
}

/// Settings shared by every scanning command.
#[derive(Debug, Clone)]
pub struct OutputConfig {
    pub format: Format,
    pub output: Option<PathBuf>,
    pub show_secrets: bool,
    pub exit_code: u8,
    pub quiet: bool,
    pub verbose: bool,
    pub threads: usize,
    /// What the scanner reports (size policy, raw secrets, public keys).
    pub scan: ScanOptions,
    /// SARIF: describe every rule (`--sarif-all-rules`).
    pub sarif_all_rules: bool,
    /// SARIF: `runAutomationDetails.id` (`--sarif-category`).
    pub sarif_category: Option<String>,
    /// What the report suppresses. `from_args` gives inline markers only (none
    /// with `--no-filters`); [`load_settings`] adds the config file and baseline.
    pub suppress: Arc<Suppression>,
}

impl OutputConfig {
    /// Validate the shared flags.
    pub fn from_args(a: &CommonArgs) -> Result<Self> {
        let threads = match a.threads {
            Some(0) => bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        if a.max_file_size == 0 {
            bail!("--max-file-size must be at least 1 byte");
        }
        Ok(OutputConfig {
            format: a.format.into(),
            output: a.output.clone(),
            show_secrets: a.show_secrets,
            exit_code: a.exit_code,
            quiet: a.quiet,
            verbose: a.verbose,
            threads,
            sarif_all_rules: a.sarif_all_rules,
            sarif_category: a.sarif_category.clone(),
            suppress: Arc::new(if a.no_filters {
                Suppression::none()
            } else {
                Suppression::inline_only()
            }),
            scan: ScanOptions {
                policy: Policy {
                    max_file_size: a.max_file_size,
                },
                show_secrets: a.show_secrets,
                include_public: a.include_public,
            },
        })
    }
}

/// `leakhound scan` settings.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub paths: Vec<PathBuf>,
    /// The rules to run (shipped, adjusted by the config file).
    pub rules: Arc<RuleSet>,
    pub stdin: bool,
    pub out: OutputConfig,
    pub walk: crate::source::fs::WalkOptions,
}

impl ScanConfig {
    /// Validate `scan` flags: every path must exist; `-` (stdin) must stand alone.
    pub fn from_args(a: &ScanArgs) -> Result<Self> {
        let mut out = OutputConfig::from_args(&a.common)?;
        let stdin = a.paths.iter().any(|p| p.as_os_str() == "-");
        if stdin && a.paths.len() > 1 {
            bail!("`-` (standard input) cannot be combined with other paths");
        }
        if !stdin {
            for p in &a.paths {
                if std::fs::symlink_metadata(p).is_err() {
                    bail!("path does not exist: {}", p.display());
                }
            }
        }
        // The scan root: the first PATH if it is a folder, else the working directory.
        let root = match a.paths.first() {
            Some(p) if !stdin && p.is_dir() => p.clone(),
            _ => PathBuf::from("."),
        };
        let (rules, suppress) = load_settings(&a.common, &root)?;
        out.suppress = Arc::new(suppress);
        Ok(ScanConfig {
            paths: a.paths.clone(),
            rules: Arc::new(rules),
            stdin,
            walk: crate::source::fs::WalkOptions {
                threads: out.threads,
                respect_gitignore: a.respect_gitignore,
                follow_symlinks: a.follow_symlinks,
            },
            out,
        })
    }
}

/// `leakhound git` settings.
#[derive(Debug, Clone)]
pub struct GitConfig {
    pub repo: PathBuf,
    /// The rules to run (shipped, adjusted by the repository's config file).
    pub rules: Arc<RuleSet>,
    pub out: OutputConfig,
    pub history: crate::source::git::HistoryOptions,
}

impl GitConfig {
    /// Validate `git` flags.
    pub fn from_args(a: &GitArgs) -> Result<Self> {
        let mut out = OutputConfig::from_args(&a.common)?;
        if a.max_commits == Some(0) {
            bail!("--max-commits must be at least 1");
        }
        if a.since.as_deref().is_some_and(str::is_empty) || a.branch.iter().any(String::is_empty) {
            bail!("--since and --branch need a revision");
        }
        let (rules, suppress) = load_settings(&a.common, &a.repo)?;
        out.suppress = Arc::new(suppress);
        Ok(GitConfig {
            repo: a.repo.clone(),
            rules: Arc::new(rules),
            history: crate::source::git::HistoryOptions {
                threads: out.threads,
                since: a.since.clone(),
                branches: a.branch.clone(),
                max_commits: a.max_commits,
            },
            out,
        })
    }
}

/// `leakhound staged` settings.
#[derive(Debug, Clone)]
pub struct StagedConfig {
    pub repo: PathBuf,
    /// The rules to run (shipped, adjusted by the repository's config file).
    pub rules: Arc<RuleSet>,
    pub out: OutputConfig,
}

impl StagedConfig {
    /// Validate `staged` flags.
    pub fn from_args(a: &StagedArgs) -> Result<Self> {
        let mut out = OutputConfig::from_args(&a.common)?;
        let (rules, suppress) = load_settings(&a.common, &a.repo)?;
        out.suppress = Arc::new(suppress);
        Ok(StagedConfig {
            repo: a.repo.clone(),
            rules: Arc::new(rules),
            out,
        })
    }
}
