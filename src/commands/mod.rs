//! Subcommands: one file each, wiring only (validated config in, exit code out).
//! [`output`] holds what every scanning command shares: grouping, suppression,
//! the report and the exit code.

pub mod config;
pub mod git;
pub mod hook;
pub mod output;
pub mod rules;
pub mod scan;
pub mod staged;
pub mod url;

use crate::cli::args::{Cli, Command};
use anyhow::Result;

/// Exit code for errors and incomplete scans.
pub const EXIT_ERROR: u8 = 2;

/// Run a command; returns the process exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(args) => scan::run(&args),
        Command::Git(args) => git::run(&args),
        Command::Staged(args) => staged::run(&args),
        Command::Url(args) => url::run(&args),
        Command::Rules { command } => rules::run(command),
        Command::Hook { command } => hook::run(command),
        Command::Config { command } => config::run(command),
    }
}

/// `s` when `n` is not one.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
