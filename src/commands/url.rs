//! `leakhound url`: crawl a deployed site, then scan what was fetched.

use super::output::{Finish, RepoContext};
use crate::cli::args::UrlArgs;
use crate::cli::url::UrlConfig;
use crate::scan::{Scanner, Sink};
use anyhow::Result;
use std::sync::Arc;
use std::time::Instant;

/// Crawl (bounded), scan every fetched response, optionally save them, report.
pub fn run(args: &UrlArgs) -> Result<u8> {
    let cfg = UrlConfig::from_args(args)?;
    let start = Instant::now();
    let crawl = crate::source::web::crawl(cfg.crawl.clone());
    let scanner = Scanner::new(Arc::clone(&cfg.rules), cfg.out.scan.clone());
    let sink = Sink::default();
    crate::source::web::scan::scan_crawl(&scanner, &sink, &crawl);
    if let Some(dir) = &cfg.save {
        let (_, notes) = crate::source::web::save::save(dir, &crawl.fetched)?;
        notes.into_iter().for_each(|n| sink.stats.note(n));
    }
    sink.stats.crawl_log(crawl.records, crawl.incomplete);
    Finish {
        rules: &cfg.rules,
        out: &cfg.out,
        target: "site",
        start,
        footer: None,
        repo: RepoContext::default(),
    }
    .run(sink)
}
