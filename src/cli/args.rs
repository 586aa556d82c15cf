//! Raw command-line flags (clap derive). The library never sees these types:
//! `config.rs` validates them into a [`crate::cli::config::ScanConfig`].

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  leakhound scan                         scan the current folder (build output included)
  leakhound scan dist/ .env.production   scan a build folder and an env file
  leakhound scan --format json -o r.json write a JSON report
  leakhound git                          scan the whole git history of this repository
  leakhound git --since origin/main      scan only commits not yet on origin/main
  leakhound staged                       check what is staged (pre-commit)
  leakhound url https://app.example.com  audit a deployed site (bundles, chunks, maps, /.env)
  cat app.log | leakhound scan -         scan standard input
  leakhound rules list                   list the shipped rules
  leakhound rules explain github-pat-classic

Exit codes: 0 no secrets, 1 secrets found (see --exit-code), 2 error or incomplete scan.";

/// leakhound: find leaked credentials in code, git history and build artifacts, and say how to rotate them.
#[derive(Debug, Parser)]
#[command(name = "leakhound", version, about, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders (and `-` for standard input).
    #[command(after_help = EXAMPLES)]
    Scan(ScanArgs),
    /// Scan git history: every commit reachable from every ref, each unique blob once.
    Git(GitArgs),
    /// Scan staged changes (index vs HEAD); report only secrets on lines the change adds.
    Staged(StagedArgs),
    /// Audit a deployed site: fetch what a visitor's browser loads (pages, scripts, lazy
    /// chunks, source maps) and probe for exposed files, then scan every byte.
    Url(UrlArgs),
    /// List, explain and check detection rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Install or remove leakhound's git hooks (pre-commit, pre-push).
    Hook {
        #[command(subcommand)]
        command: HookCommand,
    },
    /// Check a leakhound.toml, or convert a gitleaks config into one.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

/// `leakhound config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a config file and run its custom rules' examples and negatives.
    Check {
        /// The config file (default: ./leakhound.toml).
        file: Option<PathBuf>,
    },
    /// Convert a gitleaks config (.gitleaks.toml) to leakhound.toml on standard output.
    ImportGitleaks {
        /// The gitleaks config file.
        file: PathBuf,
    },
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Json,
    Jsonl,
    Sarif,
}

impl From<FormatArg> for crate::report::Format {
    fn from(f: FormatArg) -> Self {
        use crate::report::Format;
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Sarif => Format::Sarif,
        }
    }
}

/// `--hook`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookArg {
    PreCommit,
    PrePush,
}

impl From<HookArg> for crate::hook::HookKind {
    fn from(h: HookArg) -> Self {
        match h {
            HookArg::PreCommit => crate::hook::HookKind::PreCommit,
            HookArg::PrePush => crate::hook::HookKind::PrePush,
        }
    }
}

/// `leakhound hook ...`.
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Write the hook into this repository's hooks directory (honours core.hooksPath and worktrees).
    Install {
        /// Which hook.
        #[arg(long, value_enum, default_value = "pre-commit")]
        hook: HookArg,
        /// Replace an existing hook that leakhound did not write.
        #[arg(long)]
        force: bool,
        /// Repository (default: the current directory).
        #[arg(long, default_value = ".")]
        repo: PathBuf,
    },
    /// Remove a hook that leakhound installed (a foreign hook is left alone).
    Uninstall {
        /// Which hook.
        #[arg(long, value_enum, default_value = "pre-commit")]
        hook: HookArg,
        /// Repository (default: the current directory).
        #[arg(long, default_value = ".")]
        repo: PathBuf,
    },
}

/// Flags shared by every scanning command.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Include raw secret values in the output (redacted by default).
    #[arg(long)]
    pub show_secrets: bool,
    /// Skip files and blobs larger than this many bytes (reported as skipped).
    #[arg(long, value_name = "BYTES", default_value_t = crate::scan::policy::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Worker threads (default: number of CPUs).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Exit code to use when secrets are found.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    /// Print findings only: no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// List every skipped file with its reason.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Also report public-by-design keys (Stripe publishable, Firebase web apiKey, ...) as info.
    #[arg(long)]
    pub include_public: bool,
    /// Read this config file instead of `leakhound.toml` at the scan root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report only secrets not in this baseline file (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding to FILE as the accepted baseline (they are then suppressed).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Ignore every suppression: inline markers, config allowlists, baseline, .gitleaksignore.
    #[arg(long)]
    pub no_filters: bool,
    /// SARIF: describe every rule, not only those that fired.
    #[arg(long)]
    pub sarif_all_rules: bool,
    /// SARIF: `runAutomationDetails.id`; give each SARIF upload for one commit its own category.
    #[arg(long, value_name = "ID")]
    pub sarif_category: Option<String>,
}

/// `leakhound scan`.
#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// Files or folders to scan; `-` reads standard input.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Skip files ignored by .gitignore (off by default: build output is usually ignored and must still be audited).
    #[arg(long)]
    pub respect_gitignore: bool,
    /// Follow symbolic links (loops are detected and reported).
    #[arg(long)]
    pub follow_symlinks: bool,
}

/// `leakhound git`.
#[derive(Debug, Clone, Args)]
pub struct GitArgs {
    /// Repository: a worktree, a linked worktree, a bare repository, or a folder inside one.
    #[arg(value_name = "REPO", default_value = ".")]
    pub repo: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Only commits not reachable from REV (e.g. origin/main); blobs already in REV's history are not reported.
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Start from REF (branch, tag or commit) instead of every ref; repeatable.
    #[arg(long, value_name = "REF")]
    pub branch: Vec<String>,
    /// Scan at most N commits, newest first.
    #[arg(long, value_name = "N")]
    pub max_commits: Option<usize>,
}

/// `leakhound staged`.
#[derive(Debug, Clone, Args)]
pub struct StagedArgs {
    /// Repository (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `leakhound rules ...`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List rules: id, name, severity, keywords.
    List {
        /// Output format.
        #[arg(long, value_parser = ["human", "json"], default_value = "human")]
        format: String,
    },
    /// Show one rule with its rotation guidance.
    Explain {
        /// Rule id.
        id: String,
    },
    /// Check rule files (default: the shipped rules): ids, regexes, keywords, examples, negatives.
    Check {
        /// Rule files in the rules/*.toml format.
        files: Vec<PathBuf>,
    },
    /// Coverage table: each provider's rules, which peer catalogues (gitleaks,
    /// Betterleaks, Kingfisher, TruffleHog) also cover them, and the credential
    /// types left out on purpose. Printed as markdown unless --write or --check.
    Coverage {
        /// Replace the generated part of this markdown file (between the coverage markers).
        #[arg(long, value_name = "FILE", conflicts_with = "check")]
        write: Option<PathBuf>,
        /// Exit 1 if the generated part of this markdown file is not current.
        #[arg(long, value_name = "FILE")]
        check: Option<PathBuf>,
    },
}

const URL_EXAMPLES: &str = "\
Examples:
  leakhound url https://app.example.com              audit a deployed site (same origin only)
  leakhound url https://app.example.com --allow-host cdn.example.com
                                                     also fetch scripts and maps from the CDN
  leakhound url https://staging.example.com --header 'Authorization: Bearer …' --insecure
                                                     staging behind auth with a self-signed certificate
  leakhound url https://app.example.com --save audit/ && leakhound scan audit/
                                                     keep what was fetched and re-scan it offline
  leakhound url https://app.example.com --format sarif -o site.sarif --verbose

What is fetched: the pages given, what they load (scripts, module preloads, import maps,
stylesheets), chunks loaded lazily (dynamic imports, webpack chunk maps, Vite/CRA/Next.js
manifests), source maps (referenced, SourceMap headers, guessed <file>.map), and probes
(/.env, /.env.production, /.env.local, /.git/HEAD, /.git/config, /env.js, /config.js,
/.npmrc, /.DS_Store, backups of the entry page; --no-probe turns them off).
Only GET requests, only in scope, never a local file; every URL is listed in the summary.

Exit codes: 0 no findings, 1 findings (see --exit-code), 2 error or incomplete (a limit was reached,
a start URL or a referenced file could not be fetched).";

/// `leakhound url`.
#[derive(Debug, Clone, Args)]
#[command(after_help = URL_EXAMPLES)]
pub struct UrlArgs {
    /// Start URLs (http or https). Their origins are the scope.
    #[arg(value_name = "URL", required = true)]
    pub urls: Vec<String>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Also fetch from this host (any port); repeatable.
    #[arg(long, value_name = "HOST")]
    pub allow_host: Vec<String>,
    /// Send this header to the start URLs' origins, e.g. 'Authorization: Bearer x'; repeatable.
    #[arg(long, short = 'H', value_name = "NAME: VALUE")]
    pub header: Vec<String>,
    /// Send this cookie to the start URLs' origins, e.g. 'session=abc'; repeatable.
    #[arg(long, value_name = "NAME=VALUE")]
    pub cookie: Vec<String>,
    /// Do not verify TLS certificates (staging with a self-signed certificate).
    #[arg(long)]
    pub insecure: bool,
    /// Do not probe for exposed files (/.env, /.git/, ...).
    #[arg(long)]
    pub no_probe: bool,
    /// Write every fetched file under DIR (DIR/<host>/<path>) for `leakhound scan DIR`.
    #[arg(long, value_name = "DIR")]
    pub save: Option<PathBuf>,
    /// Requests at most (redirect hops count).
    #[arg(long, value_name = "N", default_value_t = crate::source::web::crawl::DEFAULT_MAX_REQUESTS)]
    pub max_requests: u64,
    /// Decoded response bytes at most, for the whole crawl.
    #[arg(long, value_name = "BYTES", default_value_t = crate::source::web::crawl::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
    /// Decoded bytes at most for one response (a larger one is cut off and reported).
    #[arg(long, value_name = "BYTES", default_value_t = crate::source::web::crawl::DEFAULT_MAX_RESPONSE_BYTES)]
    pub max_response_size: u64,
    /// Seconds one request may take (connect, headers and body).
    #[arg(long, value_name = "SECS", default_value_t = crate::source::web::crawl::DEFAULT_TIMEOUT_SECS)]
    pub timeout: u64,
    /// Seconds the whole crawl may take.
    #[arg(long, value_name = "SECS", default_value_t = crate::source::web::crawl::DEFAULT_TIME_BUDGET_SECS)]
    pub time_budget: u64,
    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = crate::source::web::crawl::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// Requests per second at most.
    #[arg(long, value_name = "N", default_value_t = crate::source::web::crawl::DEFAULT_RATE)]
    pub rate: f64,
}
