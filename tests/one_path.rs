//! One scan path: `scan` on a checkout, `git` on its history and `staged` on
//! the same content give the same findings (apart from provenance), because
//! every source runs the same Scanner with the same artifact readers: dotenv
//! parsing and client-prefix escalation, source maps resolved in the same tree,
//! `sourcesContent`, archives, gzip logs. Messages never leak into provenance.

mod common;

use common::*;
use serde_json::Value;
use sourcemap::SourceMapBuilder;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn write(dir: &Path, rel: &str, data: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

fn stripe_key() -> String {
    format!("sk_live_{}", fake("alnum:24"))
}

/// A minified bundle holding `secret` on line 1 and its map (with the original
/// source embedded) saying it comes from `src/config.ts` line 2.
fn bundle_and_map(secret: &str) -> (String, String) {
    let prefix = "(()=>{const k=\"";
    let js = format!(
        "{prefix}{secret}\";fetch(\"/api\",{{headers:{{k}}}})}})();\n//# sourceMappingURL=app.js.map\n"
    );
    let source = format!("// config\nexport const KEY = \"{secret}\";\n");
    let mut b = SourceMapBuilder::new(Some("app.js"));
    let id = b.add_source("../src/config.ts");
    b.set_source_contents(id, Some(&source));
    b.add(0, 0, 0, 0, Some("../src/config.ts"), None, false);
    b.add(
        0,
        prefix.len() as u32 - 1,
        1,
        "export const KEY = ".len() as u32,
        Some("../src/config.ts"),
        None,
        false,
    );
    let mut out = Vec::new();
    b.into_sourcemap().to_writer(&mut out).unwrap();
    (js, String::from_utf8(out).unwrap())
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

/// Every secret the tree holds, with where it is; written into `dir`.
struct Tree {
    secrets: Vec<String>,
}

fn write_tree(dir: &Path) -> Tree {
    let client = stripe_key();
    let server = fake("github:ghp");
    let db_password = fake("alnum:24");
    let (js, map) = bundle_and_map(&stripe_key());
    let bundled = js.split('"').nth(1).unwrap().to_string();
    let in_zip = fake("github:ghp");
    let in_log = fake("github:ghp");
    write(
        dir,
        ".env.production",
        format!(
            "NEXT_PUBLIC_STRIPE_KEY={client}\nGITHUB_TOKEN={server}\nDB_PASSWORD={db_password}\nPORT=8080\n"
        ),
    );
    write(dir, "dist/app.js", &js);
    write(dir, "dist/app.js.map", &map);
    write(
        dir,
        "vendor/plugin.jar",
        zip_of(&[(
            "config/app.properties",
            format!("github.token={in_zip}\n").as_bytes(),
        )]),
    );
    write(
        dir,
        "logs/app.log.1.gz",
        gzip(&format!("GET /repos Authorization: token {in_log}\n")),
    );
    write(dir, "README.md", "# demo\n");
    Tree {
        secrets: vec![client, server, db_password, bundled, in_zip, in_log],
    }
}

/// What must be identical between sources: rule, secret, severity, and each
/// occurrence's path, position, original location and note.
fn comparable(report: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in report["findings"].as_array().unwrap() {
        for o in f["occurrences"].as_array().unwrap() {
            if o["kind"] == "commit-message" {
                continue;
            }
            out.insert(format!(
                "{} {} {} {}:{}:{}-{} original={} note={}",
                f["rule_id"],
                f["secret_id"],
                f["severity"],
                o["path"],
                o["line"],
                o["column"],
                o["end_column"],
                o["original"],
                o["note"],
            ));
        }
    }
    out
}

fn json_of(dir: &Path, args: &[&str]) -> Value {
    let run = run_in(dir, args);
    assert_eq!(run.code, 1, "{:?}: {}\n{}", args, run.stderr, run.stdout);
    run.json()
}

#[test]
fn git_and_staged_find_what_scan_finds_on_the_same_content() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    let tree = write_tree(d);
    // An older secret removed before HEAD: history has it, HEAD's files do not.
    let gone = fake("github:ghp");
    write(d, "old/notes.txt", format!("token {gone}\n"));
    git(d, &["add", "-A"]);
    // Staged (nothing committed yet): the whole tree is new.
    let staged = json_of(d, &["staged", "--format", "json"]);
    git(d, &["commit", "-qm", "add app"]);
    std::fs::remove_file(d.join("old/notes.txt")).unwrap();
    git(d, &["commit", "-qam", "drop notes"]);

    let scanned = json_of(d, &["scan", "--format", "json", "."]);
    let history = json_of(d, &["git", "--format", "json", "."]);
    let want = comparable(&scanned);

    // The readers ran: dotenv escalation, the bundle's original, the map's
    // source, the jar entry, the gzip log.
    let text = want.iter().cloned().collect::<Vec<_>>().join("\n");
    for needle in [
        "\".env.production\":1:",
        "\"critical\"",
        "\"dist/app.js\":1:",
        "\"source\":\"src/config.ts\"",
        "\"dist/app.js.map!../src/config.ts\":2:",
        "\"vendor/plugin.jar!config/app.properties\":1:",
        "\"logs/app.log.1.gz!app.log.1\":1:",
        "generic-dotenv-secret",
    ] {
        assert!(text.contains(needle), "scan lacks {needle}:\n{text}");
    }
    assert!(!text.contains("PORT"), "{text}");
    let shown = json_of(d, &["scan", "--format", "json", "--show-secrets", "."]);
    let found: BTreeSet<&str> = shown["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["secret"].as_str())
        .collect();
    for s in &tree.secrets {
        assert!(found.contains(s.as_str()), "{s} not found: {found:?}");
    }

    // History: the same findings on HEAD's files, plus the removed one.
    let mut got = comparable(&history);
    let old: Vec<String> = got
        .iter()
        .filter(|r| r.contains("\"old/notes.txt\""))
        .cloned()
        .collect();
    assert_eq!(old.len(), 1, "{got:#?}");
    for r in &old {
        got.remove(r);
    }
    assert_eq!(got, want, "git vs scan");
    assert_eq!(
        comparable(&staged).len(),
        want.len() + 1,
        "staged also has old/notes.txt"
    );
    let mut staged_rows = comparable(&staged);
    staged_rows.retain(|r| !r.contains("\"old/notes.txt\""));
    assert_eq!(staged_rows, want, "staged vs scan");

    // A history occurrence names its commit; the bundle's map came from that commit's tree.
    let bundle = history["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["occurrences"].as_array().unwrap())
        .find(|o| o["path"] == "dist/app.js")
        .unwrap();
    assert_eq!(bundle["kind"], "git");
    assert_eq!(bundle["original"]["source"], "src/config.ts");
    assert!(bundle["commit"]["id"].as_str().is_some());
}

#[test]
fn a_map_resolves_against_its_own_commit_not_the_worktree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    let (js, map) = bundle_and_map(&stripe_key());
    write(d, "dist/app.js", &js);
    write(d, "dist/app.js.map", &map);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "build"]);
    // The worktree loses the map; history still has it in the commit.
    std::fs::remove_file(d.join("dist/app.js.map")).unwrap();
    let report = json_of(d, &["git", "--format", "json", "."]);
    let o = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["occurrences"].as_array().unwrap())
        .find(|o| o["path"] == "dist/app.js")
        .expect("bundle finding");
    assert_eq!(o["original"]["source"], "src/config.ts", "{report:#}");
    assert_eq!(o["original"]["line"], 2);
}

/// Every output format, with and without `--verbose`, for one command line.
fn all_outputs(dir: &Path, base: &[&str]) -> String {
    let mut all = String::new();
    for format in ["human", "json", "jsonl", "sarif"] {
        for verbose in [false, true] {
            let mut args: Vec<&str> = base.to_vec();
            args.extend(["--format", format]);
            if verbose {
                args.push("--verbose");
            }
            let run = run_in(dir, &args);
            assert!(run.code == 1, "{args:?}: {}\n{}", run.stderr, run.stdout);
            all.push_str(&run.stdout);
            all.push_str(&run.stderr);
        }
    }
    all
}

/// No 8-character piece of `secret` in `text`.
fn assert_no_piece(text: &str, secret: &str) {
    for i in 0..=secret.len().saturating_sub(8) {
        let piece = &secret[i..i + 8];
        assert!(!text.contains(piece), "output shows {piece:?} of a secret");
    }
}

#[test]
fn secrets_in_commit_and_tag_messages_are_found_and_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "README.md", "# demo\n");
    git(d, &["add", "-A"]);
    let in_subject = fake("github:ghp");
    let in_body = fake("github:ghp");
    git(
        d,
        &[
            "commit",
            "-qm",
            &format!("deploy with {in_subject}"),
            "-m",
            &format!("token {in_body}"),
        ],
    );
    let in_tag = fake("github:ghp");
    git(
        d,
        &["tag", "-a", "v1.0", "-m", &format!("release key {in_tag}")],
    );
    let in_note = fake("github:ghp");
    git(d, &["notes", "add", "-m", &format!("ops note {in_note}")]);

    let report = json_of(d, &["git", "--format", "json", "."]);
    let kinds: BTreeSet<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["occurrences"].as_array().unwrap())
        .map(|o| o["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(kinds.contains("commit-message"), "{report:#}");
    assert!(kinds.contains("tag-message"), "{report:#}");
    assert!(kinds.contains("git"), "the note blob: {report:#}");
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        4,
        "{report:#}"
    );
    let tag = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["occurrences"].as_array().unwrap())
        .find(|o| o["kind"] == "tag-message")
        .unwrap();
    assert_eq!(tag["path"], "tag v1.0 (message)");
    assert_eq!(tag["tag"]["name"], "v1.0");

    let all = all_outputs(d, &["git", "."]);
    for s in [&in_subject, &in_body, &in_tag, &in_note] {
        assert_no_piece(&all, s);
    }
}
