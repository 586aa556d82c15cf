//! Validated scan configuration, built from flags (and later `leakhound.toml`).

use super::args::{CommonArgs, GitArgs, ScanArgs, StagedArgs};
use crate::pipeline::BlobOptions;
use crate::report::Format;
use anyhow::{Result, bail};
use std::path::PathBuf;

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
    pub blob: BlobOptions,
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
            format: a.format,
            output: a.output.clone(),
            show_secrets: a.show_secrets,
            exit_code: a.exit_code,
            quiet: a.quiet,
            verbose: a.verbose,
            threads,
            blob: BlobOptions {
                max_file_size: a.max_file_size,
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
    pub stdin: bool,
    pub out: OutputConfig,
    pub walk: crate::source::fs::WalkOptions,
}

impl ScanConfig {
    /// Validate `scan` flags: every path must exist; `-` (stdin) must stand alone.
    pub fn from_args(a: &ScanArgs) -> Result<Self> {
        let out = OutputConfig::from_args(&a.common)?;
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
        Ok(ScanConfig {
            paths: a.paths.clone(),
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
    pub out: OutputConfig,
    pub history: crate::source::git::HistoryOptions,
}

impl GitConfig {
    /// Validate `git` flags.
    pub fn from_args(a: &GitArgs) -> Result<Self> {
        let out = OutputConfig::from_args(&a.common)?;
        if a.max_commits == Some(0) {
            bail!("--max-commits must be at least 1");
        }
        if a.since.as_deref().is_some_and(str::is_empty) || a.branch.iter().any(String::is_empty) {
            bail!("--since and --branch need a revision");
        }
        Ok(GitConfig {
            repo: a.repo.clone(),
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
    pub out: OutputConfig,
}

impl StagedConfig {
    /// Validate `staged` flags.
    pub fn from_args(a: &StagedArgs) -> Result<Self> {
        Ok(StagedConfig {
            repo: a.repo.clone(),
            out: OutputConfig::from_args(&a.common)?,
        })
    }
}
