//! Shared helpers for integration tests: run the real binary, make fake secrets.
#![allow(dead_code)]

use assert_cmd::Command;
use leakhound::rules::generate::Generator;
use serde_json::Value;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

static SEED: AtomicU64 = AtomicU64::new(0x5eed);

/// A fresh fake but format-valid value for a generator placeholder, e.g. `fake("github:ghp")`.
pub fn fake(spec: &str) -> String {
    let seed = SEED.fetch_add(1, Ordering::Relaxed) ^ std::process::id() as u64;
    Generator::new(seed).value(spec).expect("known placeholder")
}

/// Expand every placeholder in a template.
pub fn expand(template: &str) -> String {
    let seed = SEED.fetch_add(1, Ordering::Relaxed) ^ std::process::id() as u64;
    Generator::new(seed)
        .expand(template)
        .expect("known placeholders")
}

/// A fake Slack bot token.
pub fn slack_token() -> String {
    format!(
        "xoxb-{}-{}-{}",
        fake("digits:12"),
        fake("digits:13"),
        fake("alnum:24")
    )
}

/// A fake Shopify admin token.
pub fn shopify_token() -> String {
    format!("shpat_{}", fake("hex:32"))
}

/// A fake SendGrid key.
pub fn sendgrid_key() -> String {
    format!("SG.{}.{}", fake("base64url:22"), fake("base64url:43"))
}

/// The leakhound binary under test.
pub fn leakhound() -> Command {
    let mut c = Command::cargo_bin("leakhound").expect("binary built");
    c.env_remove("NO_COLOR");
    c
}

/// The outcome of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Run leakhound with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = leakhound()
        .current_dir(dir)
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `leakhound scan --format json <args>` in `dir`.
pub fn scan_json(dir: &Path, args: &[&str]) -> Run {
    let mut full = vec!["scan", "--format", "json"];
    full.extend_from_slice(args);
    run_in(dir, &full)
}

/// The findings of `rule` in a JSON report.
pub fn findings_of<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

/// All (rule_id, path, line, column) occurrences in a JSON report.
pub fn occurrences(report: &Value) -> Vec<(String, String, u64, u64)> {
    let mut out = Vec::new();
    for f in report["findings"].as_array().expect("findings") {
        for o in f["occurrences"].as_array().expect("occurrences") {
            out.push((
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                o["path"].as_str().unwrap_or_default().to_string(),
                o["line"].as_u64().unwrap_or(0),
                o["column"].as_u64().unwrap_or(0),
            ));
        }
    }
    out.sort();
    out
}

/// The SARIF 2.1.0 JSON schema (testdata/sarif/README.md says where it comes from), compiled once.
fn sarif_validator() -> &'static jsonschema::Validator {
    static V: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let text = include_str!("../../testdata/sarif/sarif-schema-2.1.0.json");
        let schema: Value = serde_json::from_str(text).expect("schema is JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles")
    })
}

/// Panic with every schema violation if `log` is not valid SARIF 2.1.0.
pub fn assert_valid_sarif(log: &Value) {
    let errors: Vec<String> = sarif_validator()
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF is not schema-valid:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(log).unwrap_or_default()
    );
}

/// `leakhound scan --format sarif <args>` in `dir`; the log is schema-checked.
pub fn scan_sarif(dir: &Path, args: &[&str]) -> (Run, Value) {
    let mut full = vec!["scan", "--format", "sarif"];
    full.extend_from_slice(args);
    let run = run_in(dir, &full);
    let log = run.json();
    assert_valid_sarif(&log);
    (run, log)
}

/// The `git` CLI set up for reproducible test repositories: no user or system
/// configuration, a fixed identity, `main` as the first branch, nothing signed,
/// and local submodules allowed. Callers add the subcommand and its arguments.
pub fn git_command(dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new("git");
    c.current_dir(dir)
        .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
        .args(["-c", "init.defaultBranch=main"])
        .args(["-c", "protocol.file.allow=always"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com");
    c
}
