//! `leakhound url` settings, validated from its flags.

use super::args::UrlArgs;
use super::config::{OutputConfig, load_settings};
use crate::rules::RuleSet;
use crate::source::web::{CrawlOptions, Limits};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Most requests per second accepted by `--rate` (more is not polite to anyone's site).
const MAX_RATE: f64 = 1000.0;
/// Most workers accepted by `--concurrency`.
const MAX_CONCURRENCY: usize = 64;

/// `leakhound url` settings.
#[derive(Debug, Clone)]
pub struct UrlConfig {
    pub rules: Arc<RuleSet>,
    pub out: OutputConfig,
    pub crawl: CrawlOptions,
    pub save: Option<PathBuf>,
}

impl UrlConfig {
    /// Validate `url` flags: http(s) start URLs, well-formed headers and cookies, sane limits.
    pub fn from_args(a: &UrlArgs) -> Result<Self> {
        let mut out = OutputConfig::from_args(&a.common)?;
        let mut starts = Vec::new();
        for s in &a.urls {
            let u = match url::Url::parse(s) {
                Ok(u) => u,
                Err(url::ParseError::RelativeUrlWithoutBase) => {
                    bail!("`{s}` is not a URL; did you mean https://{s} ?")
                }
                Err(e) => bail!("`{s}` is not a URL: {e}"),
            };
            if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
                bail!("`{s}`: only http:// and https:// URLs can be audited");
            }
            starts.push(crate::source::web::scope::normalize(u));
        }
        let mut headers = Vec::new();
        for h in &a.header {
            let Some((name, value)) = h.split_once(':') else {
                bail!("--header `{h}` is not of the form 'Name: value'");
            };
            let name = name.trim();
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
            {
                bail!("--header: `{name}` is not a valid header name");
            }
            let value = value.trim();
            if value.bytes().any(|b| b == b'\r' || b == b'\n') {
                bail!("--header {name}: the value must be on one line");
            }
            headers.push((name.to_string(), value.to_string()));
        }
        if !a.cookie.is_empty() {
            if a.cookie
                .iter()
                .any(|c| !c.contains('=') || c.contains(['\r', '\n', ';']))
            {
                bail!("--cookie takes one NAME=VALUE per flag");
            }
            headers.push(("Cookie".to_string(), a.cookie.join("; ")));
        }
        if a.max_requests == 0 || a.max_bytes == 0 || a.max_response_size == 0 {
            bail!("--max-requests, --max-bytes and --max-response-size must be at least 1");
        }
        if a.timeout == 0 || a.time_budget == 0 {
            bail!("--timeout and --time-budget must be at least 1 second");
        }
        if a.concurrency == 0 || a.concurrency > MAX_CONCURRENCY {
            bail!("--concurrency must be between 1 and {MAX_CONCURRENCY}");
        }
        if !(a.rate > 0.0 && a.rate <= MAX_RATE) {
            bail!("--rate must be more than 0 and at most {MAX_RATE} requests per second");
        }
        if a.allow_host
            .iter()
            .any(|h| h.trim().is_empty() || h.contains(['/', ':']))
        {
            bail!("--allow-host takes a host name (no scheme, port or path)");
        }
        let (rules, suppress) = load_settings(&a.common, Path::new("."))?;
        out.suppress = Arc::new(suppress);
        Ok(UrlConfig {
            rules: Arc::new(rules),
            out,
            save: a.save.clone(),
            crawl: CrawlOptions {
                starts,
                allow_hosts: a.allow_host.clone(),
                headers,
                probes: !a.no_probe,
                insecure: a.insecure,
                limits: Limits {
                    max_requests: a.max_requests,
                    max_bytes: a.max_bytes,
                    max_response_bytes: a.max_response_size,
                    timeout: Duration::from_secs(a.timeout),
                    time_budget: Duration::from_secs(a.time_budget),
                    concurrency: a.concurrency,
                    rate: a.rate,
                },
                resolver: Arc::new(crate::http::guard::SystemResolver),
            },
        })
    }
}
