//! `leakhound scan`: files and folders on disk, or standard input.

use super::output::{Finish, RepoContext};
use crate::cli::args::ScanArgs;
use crate::cli::config::ScanConfig;
use crate::scan::{Scanner, Sink};
use anyhow::Result;
use std::sync::Arc;
use std::time::Instant;

/// Scan the paths (or stdin) the arguments name.
pub fn run(args: &ScanArgs) -> Result<u8> {
    let cfg = ScanConfig::from_args(args)?;
    let scanner = Scanner::new(Arc::clone(&cfg.rules), cfg.out.scan.clone());
    let sink = Sink::default();
    let start = Instant::now();
    if cfg.stdin {
        crate::source::stdin::scan_stdin(&scanner, &sink);
    } else {
        crate::source::fs::scan_paths(&scanner, &sink, &cfg.paths, &cfg.walk);
    }
    Finish {
        rules: &cfg.rules,
        out: &cfg.out,
        target: "folder",
        start,
        footer: None,
        repo: RepoContext::default(),
    }
    .run(sink)
}
