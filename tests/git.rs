//! `leakhound git` and `leakhound staged` on real repositories built with the git CLI.

mod common;

use common::*;
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

fn git_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = git_command(dir);
    c.args(args);
    c
}

fn check(out: Output, args: &[&str]) -> String {
    assert!(
        out.status.success(),
        "git {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn git(dir: &Path, args: &[&str]) -> String {
    check(git_cmd(dir, args).output().expect("git runs"), args)
}

/// Commit everything with an author and a fixed, increasing date.
fn commit_as(dir: &Path, msg: &str, author: &str, n: u32) -> String {
    let date = format!("2024-01-{:02}T10:00:00+02:00", n.clamp(1, 28));
    let args = ["add", "-A"];
    git(dir, &args);
    let args = ["commit", "-qm", msg, "--allow-empty"];
    let out = git_cmd(dir, &args)
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .unwrap();
    check(out, &args);
    git(dir, &["rev-parse", "HEAD"])
}

fn commit(dir: &Path, msg: &str) -> String {
    commit_as(dir, msg, "Dev", 1)
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

fn init() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), "README.md", "# demo\n");
    commit(dir.path(), "init");
    dir
}

fn history(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["git", "--format", "json"];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

fn staged(dir: &Path) -> Run {
    run_in(dir, &["staged", "--format", "json"])
}

/// Findings whose redacted secret matches `secret`'s, by (secret_id, occurrences).
fn finding_for<'a>(report: &'a Value, secret: &str) -> Option<&'a Value> {
    let redacted = leakhound::finding::redact(secret);
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["redacted"] == redacted.as_str())
}

fn occ(report: &Value, secret: &str) -> Vec<Value> {
    finding_for(report, secret)
        .map(|f| f["occurrences"].as_array().unwrap().clone())
        .unwrap_or_default()
}

#[test]
fn secret_added_then_deleted_is_found_with_its_commit_and_author() {
    let dir = init();
    let d = dir.path();
    let token = slack_token();
    write(
        d,
        "app/config.py",
        &format!("import os\nSLACK = '{token}'\n"),
    );
    let added = commit_as(d, "add slack config\n\nlonger body", "Alice Adder", 5);
    write(
        d,
        "app/config.py",
        "import os\nSLACK = os.environ['SLACK']\n",
    );
    commit_as(d, "use env", "Bob", 6);
    let r = history(d, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let o = occ(&report, &token);
    assert_eq!(o.len(), 1, "{report:#}");
    assert_eq!(o[0]["kind"], "git");
    assert_eq!(o[0]["path"], "app/config.py");
    assert_eq!(o[0]["line"], 2);
    assert_eq!(o[0]["commit"]["id"], added.as_str());
    assert_eq!(o[0]["commit"]["author_name"], "Alice Adder");
    assert_eq!(o[0]["commit"]["author_email"], "dev@example.com");
    assert_eq!(o[0]["commit"]["date"], "2024-01-05T10:00:00+02:00");
    // The message is scanned, never copied into provenance: it could hold a secret.
    assert!(o[0]["commit"].get("summary").is_none(), "{report:#}");
    assert!(o[0]["blob_id"].as_str().is_some_and(|b| b.len() == 40));
    assert!(!r.stdout.contains(&token), "redacted by default");
    assert_eq!(report["summary"]["target"], "git history");
    // `scan` still looks at the working tree only: the secret is gone there.
    assert_eq!(scan_json(d, &["."]).code, 0);
}

#[test]
fn secret_only_in_a_deleted_file() {
    let dir = init();
    let d = dir.path();
    let key = sendgrid_key();
    write(d, "old/mail.env", &format!("SENDGRID_API_KEY={key}\n"));
    let added = commit(d, "mail");
    std::fs::remove_dir_all(d.join("old")).unwrap();
    commit(d, "drop mail");
    let report = history(d, &[]).json();
    let o = occ(&report, &key);
    assert_eq!(o.len(), 1, "{report:#}");
    assert_eq!(o[0]["path"], "old/mail.env");
    assert_eq!(o[0]["commit"]["id"], added.as_str());
}

#[test]
fn secret_only_on_a_non_default_branch_and_branch_selection() {
    let dir = init();
    let d = dir.path();
    git(d, &["checkout", "-qb", "feature/x"]);
    let token = shopify_token();
    write(d, "shop.txt", &format!("shopify={token}\n"));
    let on_branch = commit(d, "shop");
    git(d, &["checkout", "-q", "main"]);
    let report = history(d, &[]).json();
    let o = occ(&report, &token);
    assert_eq!(o.len(), 1, "{report:#}");
    assert_eq!(o[0]["commit"]["id"], on_branch.as_str());
    // --branch main leaves the feature branch out.
    let main_only = history(d, &["--branch", "main"]);
    assert_eq!(main_only.code, 0, "{}", main_only.stdout);
    assert_eq!(history(d, &["--branch", "feature/x"]).code, 1);
    let bad = run_in(d, &["git", "--branch", "no-such-branch"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("no-such-branch"), "{}", bad.stderr);
}

#[test]
fn secret_only_in_an_annotated_tag_tree() {
    let dir = init();
    let d = dir.path();
    git(d, &["checkout", "-qb", "release-tmp"]);
    let token = fake("github:ghp");
    write(d, "release.cfg", &format!("token={token}\n"));
    let tagged = commit(d, "release build");
    git(d, &["tag", "-a", "v1.0", "-m", "release 1.0"]);
    git(d, &["checkout", "-q", "main"]);
    git(d, &["branch", "-qD", "release-tmp"]);
    let report = history(d, &[]).json();
    let o = occ(&report, &token);
    assert_eq!(o.len(), 1, "{report:#}");
    assert_eq!(o[0]["commit"]["id"], tagged.as_str());
}

#[test]
fn secret_in_a_merge_resolution() {
    let dir = init();
    let d = dir.path();
    write(d, "settings.ini", "mode=base\n");
    commit(d, "base");
    git(d, &["checkout", "-qb", "side"]);
    write(d, "settings.ini", "mode=side\n");
    commit(d, "side");
    git(d, &["checkout", "-q", "main"]);
    write(d, "settings.ini", "mode=main\n");
    commit(d, "main");
    let out = git_cmd(d, &["merge", "-q", "side"]).output().unwrap();
    assert!(!out.status.success(), "expected a conflict");
    let token = slack_token();
    write(d, "settings.ini", &format!("mode=merged\nslack={token}\n"));
    git(d, &["add", "settings.ini"]);
    git(d, &["commit", "-qm", "merge side"]);
    let merge = git(d, &["rev-parse", "HEAD"]);
    assert_eq!(
        git(d, &["rev-list", "--parents", "-n1", "HEAD"])
            .split(' ')
            .count(),
        3
    );
    let report = history(d, &[]).json();
    let o = occ(&report, &token);
    assert_eq!(o.len(), 1, "{report:#}");
    assert_eq!(o[0]["commit"]["id"], merge.as_str());
    assert_eq!(o[0]["line"], 2);
}

#[test]
fn same_secret_in_five_files_across_ten_commits_is_one_finding_and_each_blob_is_read_once() {
    let dir = init();
    let d = dir.path();
    let token = shopify_token();
    let mut firsts = Vec::new();
    for i in 0..3 {
        write(
            d,
            &format!("svc{i}/.env"),
            &format!("# service {i}\nSHOPIFY={token}\n"),
        );
        firsts.push(commit_as(d, &format!("svc{i}"), "Dev", 2 + i));
    }
    // The same blob at two more paths.
    let same = format!("# shared\nSHOPIFY={token}\n");
    write(d, "shared/a.env", &same);
    firsts.push(commit_as(d, "shared a", "Dev", 5));
    write(d, "shared/b.env", &same);
    firsts.push(commit_as(d, "shared b", "Dev", 6));
    // Five more commits that keep every file in the tree; one deletes and
    // restores a file (the same blob comes back at the same path).
    for i in 0..5 {
        write(d, "notes.txt", &format!("note {i}\n"));
        if i == 1 {
            std::fs::remove_file(d.join("svc0/.env")).unwrap();
        }
        if i == 3 {
            write(d, "svc0/.env", &format!("# service 0\nSHOPIFY={token}\n"));
        }
        commit_as(d, &format!("note {i}"), "Dev", 7 + i);
    }
    assert_eq!(git(d, &["rev-list", "--count", "HEAD"]), "11");
    let r = history(d, &[]);
    let report = r.json();
    let findings: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["redacted"] == leakhound::finding::redact(&token).as_str())
        .collect();
    assert_eq!(findings.len(), 1, "one secret: {report:#}");
    let o = findings[0]["occurrences"].as_array().unwrap();
    let mut got: Vec<(String, String)> = o
        .iter()
        .map(|o| {
            (
                o["path"].as_str().unwrap().to_string(),
                o["commit"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = [
        "svc0/.env",
        "svc1/.env",
        "svc2/.env",
        "shared/a.env",
        "shared/b.env",
    ]
    .iter()
    .zip(&firsts)
    .map(|(p, c)| (p.to_string(), c.clone()))
    .collect();
    want.sort();
    assert_eq!(
        got, want,
        "each path credited to the commit that introduced it"
    );
    // Every blob in the repository was read exactly once.
    let blobs = git(
        d,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objecttype)",
        ],
    )
    .lines()
    .filter(|l| *l == "blob")
    .count();
    assert_eq!(
        report["summary"]["blobs_read"], blobs as u64,
        "{:#}",
        report["summary"]
    );
    assert_eq!(report["summary"]["secrets"], 1);
    assert_eq!(report["summary"]["occurrences"], 5);
}

#[test]
fn secret_in_a_commit_message() {
    let dir = init();
    let d = dir.path();
    let token = slack_token();
    write(d, "a.txt", "a\n");
    let id = commit(d, &format!("fix bot\n\nused token {token} to test"));
    let report = history(d, &[]).json();
    let o = occ(&report, &token);
    assert_eq!(o.len(), 1, "{report:#}");
    assert_eq!(o[0]["kind"], "commit-message");
    assert_eq!(o[0]["commit"]["id"], id.as_str());
    assert_eq!(o[0]["line"], 3);
}

#[test]
fn since_reports_only_new_commits() {
    let dir = init();
    let d = dir.path();
    let old = slack_token();
    write(d, "old.txt", &format!("slack={old}\n"));
    commit(d, "old secret");
    git(d, &["branch", "base"]);
    let new = shopify_token();
    write(d, "new.txt", &format!("shopify={new}\n"));
    commit(d, "new secret");
    // The old blob copied to a new path in a new commit is not new content.
    std::fs::copy(d.join("old.txt"), d.join("copy-of-old.txt")).unwrap();
    commit(d, "copy");
    let r = history(d, &["--since", "base"]);
    assert_eq!(r.code, 1);
    let report = r.json();
    assert_eq!(occ(&report, &new).len(), 1, "{report:#}");
    assert!(occ(&report, &old).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["blobs_read"], 1, "only new.txt is read");
    // Nothing new since HEAD.
    assert_eq!(history(d, &["--since", "HEAD"]).code, 0);
    // --max-commits 1: only the newest commit (the copy) is looked at.
    let newest = history(d, &["--max-commits", "1"]).json();
    assert!(occ(&newest, &new).is_empty());
    assert_eq!(occ(&newest, &old).len(), 1);
}

#[test]
fn staged_blocks_a_staged_secret_with_guidance() {
    let dir = init();
    let d = dir.path();
    let token = slack_token();
    write(d, "cfg.py", &format!("x = 1\nSLACK = '{token}'\n"));
    git(d, &["add", "cfg.py"]);
    let r = staged(d);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let o = occ(&report, &token);
    assert_eq!(o.len(), 1, "{report:#}");
    assert_eq!(o[0]["kind"], "staged");
    assert_eq!(o[0]["path"], "cfg.py");
    assert_eq!(o[0]["line"], 2);
    assert_eq!(report["summary"]["target"], "staged changes");
    let human = run_in(d, &["staged"]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("leakhound:allow"), "{}", human.stdout);
    assert!(human.stdout.contains("--no-verify"), "{}", human.stdout);
    assert!(!human.stdout.contains(&token));
    // Unstaged edits are not what will be committed.
    write(d, "cfg.py", "x = 1\n");
    assert_eq!(staged(d).code, 1, "the index still holds the secret");
}

#[test]
fn staged_ignores_a_secret_already_committed_and_passes_clean_changes() {
    let dir = init();
    let d = dir.path();
    let token = shopify_token();
    write(d, "keys.env", &format!("A=1\nSHOPIFY={token}\nB=2\n"));
    commit(d, "old");
    write(d, "keys.env", &format!("A=1\nSHOPIFY={token}\nB=3\nC=4\n"));
    write(d, "clean.txt", "nothing here\n");
    git(d, &["add", "-A"]);
    let r = staged(d);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Adding a second secret to the same file is caught, the old one is not reported.
    let second = slack_token();
    write(
        d,
        "keys.env",
        &format!("A=1\nSHOPIFY={token}\nB=3\nSLACK={second}\n"),
    );
    git(d, &["add", "-A"]);
    let report = staged(d).json();
    assert_eq!(occ(&report, &second).len(), 1, "{report:#}");
    assert!(occ(&report, &token).is_empty(), "{report:#}");
    // Nothing staged at all.
    git(d, &["reset", "-q"]);
    assert_eq!(staged(d).code, 0);
}

#[test]
fn staged_works_with_no_commits_yet() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    assert_eq!(staged(d).code, 0, "no index yet");
    let token = sendgrid_key();
    write(d, "mail.env", &format!("SENDGRID={token}\n"));
    git(d, &["add", "mail.env"]);
    let report = staged(d).json();
    assert_eq!(occ(&report, &token).len(), 1, "{report:#}");
}

#[test]
fn staged_rename_does_not_report_old_lines() {
    let dir = init();
    let d = dir.path();
    let token = slack_token();
    write(
        d,
        "a/secret.cfg",
        &format!("one\ntwo\nslack={token}\nthree\nfour\n"),
    );
    write(d, "b/other.cfg", &format!("other\nslack={token}\n"));
    commit(d, "committed");
    git(d, &["mv", "a/secret.cfg", "moved.cfg"]);
    assert_eq!(staged(d).code, 0, "a pure rename adds nothing");
    // Rename with an edit: only the edited line is new.
    std::fs::create_dir(d.join("c")).unwrap();
    git(d, &["mv", "b/other.cfg", "c/other2.cfg"]);
    write(d, "c/other2.cfg", &format!("other\nslack={token}\nmore\n"));
    git(d, &["add", "-A"]);
    assert_eq!(staged(d).code, 0, "{}", staged(d).stdout);
    // A rename that adds a new secret is still caught.
    let fresh = shopify_token();
    write(
        d,
        "c/other2.cfg",
        &format!("other\nslack={token}\nmore\nshop={fresh}\n"),
    );
    git(d, &["add", "-A"]);
    let report = staged(d).json();
    assert_eq!(occ(&report, &fresh).len(), 1, "{report:#}");
    assert!(occ(&report, &token).is_empty(), "{report:#}");
}

#[test]
fn staged_in_a_linked_worktree_and_deleted_files() {
    let dir = init();
    let d = dir.path();
    write(d, "gone.txt", &format!("k={}\n", slack_token()));
    commit(d, "will delete");
    let wt = tempfile::tempdir().unwrap();
    let wt_path = wt.path().join("wt");
    git(
        d,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "wt-branch",
            wt_path.to_str().unwrap(),
        ],
    );
    let w = wt_path.as_path();
    git(w, &["rm", "-q", "gone.txt"]);
    assert_eq!(staged(w).code, 0, "deleting a file adds nothing");
    let token = shopify_token();
    write(w, "sub/wt.txt", &format!("shop={token}\n"));
    git(w, &["add", "sub/wt.txt"]);
    let report = staged(w).json();
    assert_eq!(occ(&report, &token).len(), 1, "{report:#}");
    assert_eq!(occ(&report, &token)[0]["path"], "sub/wt.txt");
    // From a subfolder, and via --repo.
    assert_eq!(run_in(&w.join("sub"), &["staged"]).code, 1);
    assert_eq!(
        run_in(d, &["staged", "--repo", w.to_str().unwrap()]).code,
        1
    );
    // The main worktree's index is separate.
    assert_eq!(staged(d).code, 0);
}

#[test]
fn shallow_clone_notes_partial_history() {
    let src = init();
    let s = src.path();
    let old = slack_token();
    write(s, "a.txt", &format!("slack={old}\n"));
    commit(s, "old");
    std::fs::remove_file(s.join("a.txt")).unwrap();
    commit(s, "remove");
    let head = shopify_token();
    write(s, "b.txt", &format!("shop={head}\n"));
    commit(s, "head");
    let dst = tempfile::tempdir().unwrap();
    let url = format!("file://{}", s.display());
    git(dst.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let c = dst.path().join("c");
    let r = history(&c, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let notes = report["summary"]["notes"].to_string();
    assert!(
        notes.contains("shallow clone: history is partial"),
        "{notes}"
    );
    assert_eq!(occ(&report, &head).len(), 1);
    assert!(occ(&report, &old).is_empty());
    assert_eq!(
        report["summary"]["complete"], true,
        "shallow is partial, not broken"
    );
}

#[test]
fn corrupt_object_makes_the_scan_incomplete_but_others_are_found() {
    let dir = init();
    let d = dir.path();
    let lost = slack_token();
    let kept = shopify_token();
    write(d, "lost.txt", &format!("slack={lost}\n"));
    write(d, "kept.txt", &format!("shop={kept}\n"));
    commit(d, "two secrets");
    let blob = git(d, &["rev-parse", "HEAD:lost.txt"]);
    let obj = d.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    assert!(obj.exists(), "loose object expected");
    std::fs::remove_file(&obj).unwrap();
    let r = history(d, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = r.json();
    assert_eq!(occ(&report, &kept).len(), 1);
    assert_eq!(report["summary"]["complete"], false);
    let skipped = report["summary"]["skipped_files"].to_string();
    assert!(
        skipped.contains("corrupt-object") && skipped.contains(&blob),
        "{skipped}"
    );
    assert!(r.stderr.contains("incomplete"), "{}", r.stderr);
    // A corrupted (not missing) object too.
    let blob2 = git(d, &["rev-parse", "HEAD:kept.txt"]);
    let obj2 = d.join(".git/objects").join(&blob2[..2]).join(&blob2[2..]);
    let mut perms = std::fs::metadata(&obj2).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&obj2, perms).unwrap();
    std::fs::write(&obj2, b"not zlib at all").unwrap();
    let r = history(d, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.json()["summary"]["skipped_files"]
            .to_string()
            .contains(&blob2)
    );
}

#[test]
fn bare_repository() {
    let src = init();
    let s = src.path();
    let token = sendgrid_key();
    write(s, "m.env", &format!("SENDGRID={token}\n"));
    let id = commit(s, "mail");
    let dst = tempfile::tempdir().unwrap();
    git(
        dst.path(),
        &["clone", "-q", "--bare", s.to_str().unwrap(), "b.git"],
    );
    let b = dst.path().join("b.git");
    let r = run_in(dst.path(), &["git", "--format", "json", "b.git"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let o = occ(&r.json(), &token);
    assert_eq!(o[0]["commit"]["id"], id.as_str());
    let st = run_in(&b, &["staged"]);
    assert_eq!(st.code, 2);
    assert!(st.stderr.contains("bare"), "{}", st.stderr);
}

#[test]
fn non_utf8_path_and_author_name() {
    use std::io::Write;
    use std::os::unix::ffi::OsStrExt;
    let dir = init();
    let d = dir.path();
    let token = slack_token();
    let name = OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(d.join(name), format!("slack={token}\n")).unwrap();
    git(d, &["add", "-A"]);
    // git itself re-encodes author names, so write a Latin-1 one by hand.
    let tree = git(d, &["write-tree"]);
    let parent = git(d, &["rev-parse", "HEAD"]);
    let mut raw = format!("tree {tree}\nparent {parent}\n").into_bytes();
    raw.extend_from_slice(b"author Jos\xe9 <jose@example.com> 1700000000 +0100\n");
    raw.extend_from_slice(b"committer Jos\xe9 <jose@example.com> 1700000000 +0100\n\nlatin1\n");
    let mut child = git_cmd(
        d,
        &[
            "hash-object",
            "-w",
            "-t",
            "commit",
            "--literally",
            "--stdin",
        ],
    )
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    child.stdin.take().unwrap().write_all(&raw).unwrap();
    let id = check(child.wait_with_output().unwrap(), &["hash-object"]);
    git(d, &["update-ref", "refs/heads/main", &id]);
    let r = history(d, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let o = occ(&r.json(), &token);
    assert_eq!(o.len(), 1);
    assert_eq!(o[0]["path"], "caf\u{fffd}.txt");
    assert_eq!(o[0]["commit"]["id"], id.as_str());
    assert_eq!(o[0]["commit"]["author_name"], "Jos\u{fffd}");
    assert_eq!(o[0]["commit"]["date"], "2023-11-14T23:13:20+01:00");
    let human = run_in(d, &["git"]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("Jos\u{fffd}"), "{}", human.stdout);
}

#[test]
fn submodules_lfs_pointers_and_large_blobs_are_skipped_with_reasons() {
    let dir = init();
    let d = dir.path();
    let head = git(d, &["rev-parse", "HEAD"]);
    git(
        d,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},vendor/lib"),
        ],
    );
    write(
        d,
        "big.bin",
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    );
    let large_secret = slack_token();
    write(
        d,
        "large.txt",
        &format!("{}\nslack={large_secret}\n", "x".repeat(5000)),
    );
    git(d, &["add", "big.bin", "large.txt"]);
    git(d, &["commit", "-qm", "odd entries"]);
    let r = history(d, &["--max-file-size", "4096"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let s = &r.json()["summary"];
    assert_eq!(s["skipped"]["submodule"]["count"], 1, "{s:#}");
    assert_eq!(s["skipped"]["lfs-pointer"]["count"], 1, "{s:#}");
    assert_eq!(s["skipped"]["too-large"]["count"], 1, "{s:#}");
    assert_eq!(s["complete"], true);
    let files = s["skipped_files"].to_string();
    assert!(
        files.contains("vendor/lib") && files.contains("large.txt"),
        "{files}"
    );
    // Without the limit the large file's secret is found.
    assert_eq!(history(d, &[]).code, 1);
}

#[test]
fn staged_reads_the_index_git_is_committing() {
    // `git commit -a` and `git commit PATH` run the hook with GIT_INDEX_FILE set
    // to a temporary index; that is what gets committed, not .git/index.
    let dir = init();
    let d = dir.path();
    let token = shopify_token();
    write(d, "README.md", &format!("# demo\nshop={token}\n"));
    let alt = d.join(".git/alt-index");
    let out = git_cmd(d, &["add", "README.md"])
        .env("GIT_INDEX_FILE", &alt)
        .output()
        .unwrap();
    check(out, &["add"]);
    assert_eq!(staged(d).code, 0, ".git/index has nothing staged");
    let out = leakhound()
        .current_dir(d)
        .args(["staged", "--format", "json"])
        .env("GIT_INDEX_FILE", &alt)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(occ(&report, &token)[0]["line"], 2);
}

#[test]
fn secret_only_in_a_stash() {
    let dir = init();
    let d = dir.path();
    let token = sendgrid_key();
    write(d, "README.md", &format!("# demo\nkey={token}\n"));
    git(d, &["stash", "-q"]);
    assert!(
        std::fs::read_to_string(d.join("README.md"))
            .unwrap()
            .starts_with("# demo\n")
    );
    let report = history(d, &[]).json();
    let o = occ(&report, &token);
    assert!(!o.is_empty(), "{report:#}");
    assert_eq!(o[0]["path"], "README.md");
}
