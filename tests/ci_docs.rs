//! The CI examples and the docs' command lines parse with the real CLI, so the
//! documentation cannot rot: docs/examples/*.yml (every `run`/`script` string),
//! and the ```sh blocks of docs/ci.md and README.md.

use clap::Parser;
use leakhound::cli::args::Cli;
use serde_yaml::Value;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Split a shell line into words: quotes, backslash escapes, `#` comments;
/// stops at the first operator (`|`, `||`, `&&`, `;`, `>`, `<`).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    cur.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                cur.push(n)
                            }
                        }
                        _ => cur.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '#' if !in_word => break,
            '|' | '&' | ';' | '>' | '<' => break,
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    // `2>` style redirections leave a trailing fd number.
    if out
        .last()
        .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
        && line.contains('>')
    {
        out.pop();
    }
    out
}

/// Command lines starting with `leakhound` in a shell script (continuations joined).
fn leakhound_lines(script: &str) -> Vec<String> {
    let mut joined = Vec::new();
    let mut cur = String::new();
    for line in script.lines() {
        let t = line.trim_end();
        if let Some(head) = t.strip_suffix('\\') {
            cur.push_str(head);
            cur.push(' ');
            continue;
        }
        cur.push_str(t);
        joined.push(std::mem::take(&mut cur));
    }
    joined
        .into_iter()
        .map(|l| l.trim().trim_start_matches("$ ").to_string())
        .filter(|l| l.starts_with("leakhound "))
        .collect()
}

fn yaml_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(seq) => seq.iter().for_each(|x| yaml_strings(x, out)),
        Value::Mapping(m) => m.values().for_each(|x| yaml_strings(x, out)),
        Value::Tagged(t) => yaml_strings(&t.value, out),
        _ => {}
    }
}

fn sh_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut cur: Option<String> = None;
    for line in markdown.lines() {
        let t = line.trim_start();
        match &mut cur {
            None if t.starts_with("```sh")
                || t.starts_with("```bash")
                || t.starts_with("```console") =>
            {
                cur = Some(String::new())
            }
            Some(_) if t.starts_with("```") => blocks.push(cur.take().unwrap_or_default()),
            Some(b) => {
                b.push_str(t);
                b.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// Parse every line with the real CLI; returns how many were checked.
fn check_lines(source: &str, lines: &[String]) -> usize {
    for line in lines {
        let argv = words(line);
        if let Err(e) = Cli::try_parse_from(&argv) {
            panic!("{source}: this documented command does not parse:\n  {line}\n{e}");
        }
    }
    lines.len()
}

#[test]
fn github_actions_example_parses_and_uploads_what_it_writes() {
    let text = std::fs::read_to_string(root().join("docs/examples/github-actions.yml")).unwrap();
    let doc: Value = serde_yaml::from_str(&text).expect("valid YAML");
    let steps = doc["jobs"]["secrets"]["steps"]
        .as_sequence()
        .expect("steps");
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    let sarif_file = upload["with"]["sarif_file"].as_str().unwrap();
    assert_eq!(
        doc["permissions"]["security-events"].as_str(),
        Some("write"),
        "upload-sarif needs security-events: write"
    );
    let lines: Vec<String> = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .flat_map(leakhound_lines)
        .collect();
    assert!(lines.len() >= 2, "{lines:?}");
    for l in &lines {
        let w = words(l);
        assert!(
            w.windows(2).any(|p| p[0] == "--format" && p[1] == "sarif"),
            "{l}"
        );
        assert!(
            w.windows(2)
                .any(|p| p[0] == "--output" && p[1] == sarif_file),
            "{l}"
        );
        assert!(
            w.iter().any(|x| x == "--baseline"),
            "CI must fail only on new secrets: {l}"
        );
    }
    check_lines("github-actions.yml", &lines);
}

#[test]
fn gitlab_example_parses() {
    let text = std::fs::read_to_string(root().join("docs/examples/gitlab-ci.yml")).unwrap();
    let doc: Value = serde_yaml::from_str(&text).expect("valid YAML");
    assert_eq!(
        doc["leakhound"]["variables"]["GIT_DEPTH"].as_str(),
        Some("0")
    );
    let mut strings = Vec::new();
    yaml_strings(&doc["leakhound"]["script"], &mut strings);
    let lines: Vec<String> = strings.iter().flat_map(|s| leakhound_lines(s)).collect();
    assert!(lines.len() >= 2, "{lines:?}");
    check_lines("gitlab-ci.yml", &lines);
}

#[test]
fn docs_command_lines_parse() {
    let mut total = 0;
    for doc in ["docs/ci.md", "README.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        let lines: Vec<String> = sh_blocks(&text)
            .iter()
            .flat_map(|b| leakhound_lines(b))
            .collect();
        total += check_lines(doc, &lines);
    }
    assert!(total >= 8, "only {total} documented commands checked");
}

#[test]
fn the_word_splitter_handles_quotes_and_operators() {
    assert_eq!(
        words(r#"leakhound git --since "$BASE" --output 'a b.sarif' || true"#),
        [
            "leakhound",
            "git",
            "--since",
            "$BASE",
            "--output",
            "a b.sarif"
        ]
    );
    assert_eq!(
        words("leakhound scan . # comment"),
        ["leakhound", "scan", "."]
    );
    assert_eq!(
        words("leakhound scan . 2> err.txt"),
        ["leakhound", "scan", "."]
    );
    // A command that does not parse is caught.
    assert!(Cli::try_parse_from(words("leakhound scan --no-such-flag")).is_err());
}

#[test]
fn documented_configs_load() {
    let shipped = leakhound::rules::load::shipped_rules().unwrap();
    let mut n = 0;
    for doc in ["docs/ci.md", "README.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        let mut cur: Option<String> = None;
        for line in text.lines() {
            match &mut cur {
                None if line.trim_start().starts_with("```toml") => cur = Some(String::new()),
                Some(b) if line.trim_start().starts_with("```") => {
                    let cfg = leakhound::cli::config_file::LoadedConfig::parse(doc, b)
                        .unwrap_or_else(|e| panic!("{doc}: documented config does not parse: {e}"));
                    cfg.resolve(&shipped)
                        .unwrap_or_else(|e| panic!("{doc}: documented config is invalid: {e}"));
                    n += 1;
                    cur = None;
                }
                Some(b) => {
                    b.push_str(line);
                    b.push('\n');
                }
                None => {}
            }
        }
    }
    assert!(n >= 1, "no documented config found");
}
