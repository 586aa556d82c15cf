//! `leakhound staged`: what is about to be committed (pre-commit hooks).

use super::output::{Finish, RepoContext};
use crate::cli::args::StagedArgs;
use crate::cli::config::StagedConfig;
use crate::scan::{Scanner, Sink};
use anyhow::Result;
use std::sync::Arc;
use std::time::Instant;

/// Printed under a human report when `leakhound staged` finds secrets.
const STAGED_FOOTER: &str = "\
The staged change adds the secret(s) above. To proceed:
  - remove the secret (load it from the environment or a secret manager), `git add` the file again,
    and rotate it if it was ever pushed or shared;
  - or, for a false positive, add a `leakhound:allow` comment on that line.
`git commit --no-verify` skips this check, at your own risk.";

/// Scan the staged changes of the repository the arguments name.
pub fn run(args: &StagedArgs) -> Result<u8> {
    let cfg = StagedConfig::from_args(args)?;
    let scanner = Scanner::new(Arc::clone(&cfg.rules), cfg.out.scan.clone());
    let sink = Sink::default();
    let start = Instant::now();
    crate::source::git::scan_staged(&scanner, &sink, &cfg.repo, cfg.out.threads)?;
    Finish {
        rules: &cfg.rules,
        out: &cfg.out,
        target: "staged changes",
        start,
        footer: Some(STAGED_FOOTER.to_string()),
        repo: RepoContext::default(),
    }
    .run(sink)
}
