//! Git hooks end to end: `leakhound hook install` into real repositories, then real
//! `git commit` and `git push` runs.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

fn git(dir: &Path, args: &[&str]) -> Output {
    git_command(dir)
        .args(args)
        .env("LEAKHOUND_BIN", bin())
        .env_remove("LEAKHOUND_HOOK_FAIL_OPEN")
        .output()
        .expect("git runs")
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("leakhound")
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git_ok(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join("README"), "hello\n").unwrap();
    git_ok(dir.path(), &["add", "README"]);
    git_ok(dir.path(), &["commit", "-qm", "init"]);
    dir
}

fn hook(dir: &Path, args: &[&str]) -> Run {
    let mut full = vec!["hook"];
    full.extend_from_slice(args);
    run_in(dir, &full)
}

fn combined(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn pre_commit_blocks_a_secret_and_keeps_the_index() {
    let dir = repo();
    let d = dir.path();
    assert_eq!(hook(d, &["install"]).code, 0);
    let token = slack_token();
    std::fs::write(
        d.join("config.py"),
        format!("import os\nSLACK = '{token}'\n"),
    )
    .unwrap();
    git_ok(d, &["add", "config.py"]);
    let out = git(d, &["commit", "-m", "add config"]);
    assert!(!out.status.success(), "the commit must be blocked");
    let text = combined(&out);
    assert!(text.contains("config.py"), "{text}");
    assert!(text.contains("2:"), "names the line: {text}");
    assert!(
        text.contains("Slack bot token"),
        "names the credential kind: {text}"
    );
    assert!(
        text.contains("leakhound:allow"),
        "says how to mark a false positive: {text}"
    );
    assert!(text.contains("--no-verify"), "{text}");
    assert!(!text.contains(&token), "never prints the secret: {text}");
    // The index still holds the staged file; HEAD did not move.
    assert!(git_ok(d, &["diff", "--cached", "--name-only"]).contains("config.py"));
    assert_eq!(git_ok(d, &["rev-list", "--count", "HEAD"]).trim(), "1");
}

#[test]
fn clean_change_and_inline_allow_pass() {
    let dir = repo();
    let d = dir.path();
    assert_eq!(hook(d, &["install"]).code, 0);
    std::fs::write(d.join("a.txt"), "just text\n").unwrap();
    git_ok(d, &["add", "a.txt"]);
    git_ok(d, &["commit", "-qm", "clean"]);
    std::fs::write(
        d.join("b.py"),
        format!(
            "TOKEN = '{}'  # leakhound:allow test fixture\n",
            shopify_token()
        ),
    )
    .unwrap();
    git_ok(d, &["add", "b.py"]);
    git_ok(d, &["commit", "-qm", "allowed fixture"]);
}

#[test]
fn an_old_secret_does_not_block_an_unrelated_commit() {
    let dir = repo();
    let d = dir.path();
    std::fs::write(d.join("old.env"), format!("KEY={}\n", shopify_token())).unwrap();
    git_ok(d, &["add", "old.env"]);
    git_ok(d, &["commit", "-qm", "old secret"]);
    assert_eq!(hook(d, &["install"]).code, 0);
    std::fs::write(
        d.join("old.env"),
        format!(
            "{}OTHER=1\n",
            std::fs::read_to_string(d.join("old.env")).unwrap()
        ),
    )
    .unwrap();
    std::fs::write(d.join("new.txt"), "unrelated\n").unwrap();
    git_ok(d, &["add", "."]);
    git_ok(d, &["commit", "-qm", "unrelated change"]);
}

#[test]
fn install_refuses_to_clobber_and_uninstall_removes_only_its_own() {
    let dir = repo();
    let d = dir.path();
    let hooks = PathBuf::from(
        git_ok(
            d,
            &["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
        )
        .trim(),
    );
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::write(hooks.join("pre-commit"), "#!/bin/sh\necho mine\n").unwrap();
    let refused = hook(d, &["install"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    assert_eq!(
        hook(d, &["uninstall"]).code,
        2,
        "a foreign hook is not removed"
    );
    assert!(hooks.join("pre-commit").exists());
    assert_eq!(hook(d, &["install", "--force"]).code, 0);
    assert!(
        std::fs::read_to_string(hooks.join("pre-commit"))
            .unwrap()
            .contains("leakhound-hook")
    );
    let again = hook(d, &["install"]);
    assert!(
        again.stdout.contains("already installed"),
        "{}",
        again.stdout
    );
    assert_eq!(hook(d, &["uninstall"]).code, 0);
    assert!(!hooks.join("pre-commit").exists());
}

#[test]
fn core_hooks_path_is_respected() {
    let dir = repo();
    let d = dir.path();
    git_ok(d, &["config", "core.hooksPath", ".githooks"]);
    assert_eq!(hook(d, &["install"]).code, 0);
    assert!(d.join(".githooks/pre-commit").exists());
    assert!(!d.join(".git/hooks/pre-commit").exists());
    std::fs::write(d.join("k.txt"), format!("k={}\n", shopify_token())).unwrap();
    git_ok(d, &["add", "k.txt"]);
    assert!(!git(d, &["commit", "-qm", "x"]).status.success());
}

#[test]
fn missing_binary_fails_closed_unless_told_to_fail_open() {
    let dir = repo();
    let d = dir.path();
    assert_eq!(hook(d, &["install"]).code, 0);
    std::fs::write(d.join("a.txt"), "x\n").unwrap();
    git_ok(d, &["add", "a.txt"]);
    let run = |fail_open: bool| {
        let mut c = git_command(d);
        c.args(["commit", "-qm", "x"])
            .env("LEAKHOUND_BIN", "/nonexistent/leakhound")
            .env_remove("LEAKHOUND_HOOK_FAIL_OPEN");
        if fail_open {
            c.env("LEAKHOUND_HOOK_FAIL_OPEN", "1");
        }
        c.output().unwrap()
    };
    let closed = run(false);
    assert!(!closed.status.success());
    assert!(
        combined(&closed).contains("cargo install leakhound"),
        "{}",
        combined(&closed)
    );
    assert!(run(true).status.success());
}

#[test]
fn pre_push_blocks_a_secret_committed_with_no_verify() {
    let dir = repo();
    let d = dir.path();
    let remote = tempfile::tempdir().unwrap();
    git_ok(remote.path(), &["init", "-q", "--bare"]);
    git_ok(
        d,
        &["remote", "add", "origin", remote.path().to_str().unwrap()],
    );
    git_ok(d, &["push", "-q", "origin", "main"]);
    assert_eq!(hook(d, &["install"]).code, 0);
    assert_eq!(hook(d, &["install", "--hook", "pre-push"]).code, 0);

    std::fs::write(d.join("clean.txt"), "ok\n").unwrap();
    git_ok(d, &["add", "clean.txt"]);
    git_ok(d, &["commit", "-qm", "clean"]);
    git_ok(d, &["push", "-q", "origin", "main"]);

    std::fs::write(d.join("leak.txt"), format!("t={}\n", slack_token())).unwrap();
    git_ok(d, &["add", "leak.txt"]);
    git_ok(d, &["commit", "-qm", "sneaky", "--no-verify"]);
    std::fs::remove_file(d.join("leak.txt")).unwrap();
    git_ok(d, &["commit", "-qam", "remove it again", "--no-verify"]);
    let out = git(d, &["push", "origin", "main"]);
    assert!(
        !out.status.success(),
        "push must be blocked: {}",
        combined(&out)
    );
    assert!(
        combined(&out).contains("push blocked"),
        "{}",
        combined(&out)
    );
    assert!(combined(&out).contains("leak.txt"), "{}", combined(&out));
    let remote_head = git_ok(remote.path(), &["rev-parse", "main"]);
    let local_clean = git_ok(d, &["rev-parse", "HEAD~2"]);
    assert_eq!(
        remote_head, local_clean,
        "the remote did not receive the secret"
    );

    // A new branch with only clean commits pushes fine.
    git_ok(d, &["checkout", "-qb", "feature", "HEAD~2"]);
    std::fs::write(d.join("f.txt"), "feature\n").unwrap();
    git_ok(d, &["add", "f.txt"]);
    git_ok(d, &["commit", "-qm", "feature"]);
    let out = git(d, &["push", "-q", "origin", "feature"]);
    assert!(out.status.success(), "{}", combined(&out));
}
