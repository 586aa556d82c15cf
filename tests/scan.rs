//! `leakhound scan` on real folders: detection, positions, redaction, skips, exit codes.

mod common;

use common::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;

#[test]
fn finds_planted_secrets_at_exact_positions() {
    let dir = tempfile::tempdir().unwrap();
    let slack = slack_token();
    let shop = shopify_token();
    let sg = sendgrid_key();
    fs::create_dir_all(dir.path().join("src/deep")).unwrap();
    fs::write(
        dir.path().join("src/app.py"),
        format!("import os\n\nSLACK = \"{slack}\"\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("src/deep/shop.rb"),
        format!("# config\n  token: '{shop}'  # shop\nx = 1\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("mail.env"),
        format!("A=1\nB=2\nC=3\nSENDGRID={sg}\n"),
    )
    .unwrap();
    fs::write(dir.path().join("clean.txt"), "nothing to see here\n").unwrap();

    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let got = occurrences(&run.json());
    let want = vec![
        (
            "sendgrid-api-key".to_string(),
            "mail.env".to_string(),
            4,
            10,
        ),
        (
            "shopify-access-token".to_string(),
            "src/deep/shop.rb".to_string(),
            2,
            11,
        ),
        (
            "slack-bot-token".to_string(),
            "src/app.py".to_string(),
            3,
            10,
        ),
    ];
    assert_eq!(got, want);
    let report = run.json();
    let f = &report["findings"][0];
    assert_eq!(
        f["occurrences"][0]["end_column"].as_u64().unwrap(),
        10 + sg.len() as u64
    );
    assert_eq!(report["summary"]["complete"], true);
    assert_eq!(report["summary"]["blobs_scanned"], 4);
}

#[test]
fn clean_folder_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("readme.md"),
        "api_key = YOUR_API_KEY\npassword = changeme\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("lock.json"),
        "\"integrity\": \"sha512-q0s6Yb4R8d2F5mYQ0hqfW3Ks3GJvEw==\"\n",
    )
    .unwrap();
    let run = run_in(dir.path(), &["scan", "."]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("No secrets found."), "{}", run.stdout);
}

#[test]
fn secrets_are_redacted_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let token = slack_token();
    fs::write(dir.path().join("a.js"), format!("const t = '{token}';\n")).unwrap();
    for format in ["human", "json", "jsonl"] {
        let run = run_in(dir.path(), &["scan", "--format", format]);
        assert_eq!(run.code, 1);
        assert!(
            !run.stdout.contains(&token),
            "{format} output leaks the secret"
        );
        assert!(
            !run.stdout.contains(&token[8..]),
            "{format} output leaks part of the secret"
        );
        assert!(!run.stderr.contains(&token[8..]));
        let shown = run_in(dir.path(), &["scan", "--format", format, "--show-secrets"]);
        assert!(
            shown.stdout.contains(&token),
            "{format} --show-secrets must show it"
        );
    }
    let json = scan_json(dir.path(), &[]).json();
    assert_eq!(
        json["findings"][0]["redacted"],
        format!("xoxb…({} chars)", token.len())
    );
    assert!(json["findings"][0].get("secret").is_none());
    assert_eq!(json["findings"][0]["secret_id"].as_str().unwrap().len(), 32);
}

#[test]
fn one_finding_per_secret_with_every_occurrence() {
    let dir = tempfile::tempdir().unwrap();
    let token = shopify_token();
    for name in ["a.txt", "b.txt", "c/d.txt"] {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, format!("x\nshop={token}\n")).unwrap();
    }
    let report = scan_json(dir.path(), &[]).json();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["occurrences"].as_array().unwrap().len(), 3);
    assert_eq!(report["summary"]["secrets"], 1);
    assert_eq!(report["summary"]["occurrences"], 3);
}

#[test]
fn json_output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..20 {
        fs::write(
            dir.path().join(format!("f{i}.txt")),
            format!("k = {}\nt = {}\n", shopify_token(), slack_token()),
        )
        .unwrap();
    }
    let a = scan_json(dir.path(), &["--threads", "4"]).stdout;
    let b = scan_json(dir.path(), &["--threads", "1"]).stdout;
    assert_eq!(a, b);
}

#[test]
fn binary_oversize_fifo_and_symlinks_are_skipped_not_hung() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let token = shopify_token();
    fs::write(
        d.join("blob.bin"),
        [b"\0\x01\x02 ".as_slice(), token.as_bytes()].concat(),
    )
    .unwrap();
    fs::write(d.join("big.txt"), format!("{}{token}", "a".repeat(2048))).unwrap();
    std::process::Command::new("mkfifo")
        .arg(d.join("pipe"))
        .status()
        .unwrap();
    std::os::unix::fs::symlink("loop-b", d.join("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", d.join("loop-b")).unwrap();
    fs::create_dir(d.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", d.join("sub/up")).unwrap();
    fs::write(d.join("ok.txt"), "fine\n").unwrap();

    let run = scan_json(d, &["--max-file-size", "1024", "--verbose"]);
    assert_eq!(
        run.code, 0,
        "policy skips do not make a scan fail: {}",
        run.stderr
    );
    let report = run.json();
    let skipped = report["summary"]["skipped"].clone();
    assert_eq!(skipped["binary"]["count"], 1);
    assert_eq!(skipped["too-large"]["count"], 1);
    assert_eq!(skipped["not-regular"]["count"], 1);
    assert_eq!(skipped["symlink"]["count"], 3);
    assert_eq!(report["summary"]["complete"], true);
    let files: Vec<String> = report["summary"]["skipped_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["path"].as_str().unwrap(),
                s["reason"].as_str().unwrap()
            )
        })
        .collect();
    assert!(files.contains(&"pipe not-regular".to_string()), "{files:?}");
    assert!(files.contains(&"blob.bin binary".to_string()), "{files:?}");

    // Following links: the loop is detected and reported, never followed forever.
    let run = scan_json(d, &["--follow-symlinks"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert!(
        report["summary"]["skipped"]["symlink-loop"]["count"]
            .as_u64()
            .unwrap()
            >= 1,
        "{}",
        run.stdout
    );
    assert_eq!(report["summary"]["skipped"]["not-regular"]["count"], 1);
}

#[test]
fn unreadable_file_makes_the_scan_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    let token = slack_token();
    fs::write(d.join("found.txt"), format!("t={token}\n")).unwrap();
    fs::write(d.join("secret.txt"), "hidden\n").unwrap();
    fs::set_permissions(d.join("secret.txt"), fs::Permissions::from_mode(0o000)).unwrap();

    // Root reads anything, so as root run the scan as an unprivileged user.
    let bin = assert_cmd::cargo::cargo_bin("leakhound");
    let mut cmd = if unsafe { libc::geteuid() } == 0 {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    let out = cmd
        .current_dir(d)
        .args(["scan", "--format", "json", "."])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "incomplete scans exit 2 even with findings: {stderr}"
    );
    assert!(stderr.contains("scan incomplete"), "{stderr}");
    assert!(stderr.contains("secret.txt"), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["summary"]["complete"], false);
    assert!(
        report["summary"]["incomplete_reasons"][0]
            .as_str()
            .unwrap()
            .contains("permission denied")
    );
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        1,
        "findings are still reported"
    );
}

#[test]
fn twenty_megabyte_single_line_reports_the_right_column() {
    let dir = tempfile::tempdir().unwrap();
    let token = shopify_token();
    let mut line = String::with_capacity(21 << 20);
    while line.len() < 20 << 20 {
        line.push_str("var a=function(b){return b+1},c=\"é\";");
    }
    let prefix_chars = line.chars().count();
    line.push_str(&format!("x=\"{token}\";"));
    line.push_str(&"z=1;".repeat(1000));
    fs::write(dir.path().join("bundle.min.js"), &line).unwrap();
    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let occ = occurrences(&run.json());
    assert_eq!(
        occ,
        vec![(
            "shopify-access-token".into(),
            "bundle.min.js".into(),
            1,
            prefix_chars as u64 + 4
        )]
    );
    let preview = run.json()["findings"][0]["occurrences"][0]["preview"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        preview.chars().count() < 120,
        "preview is a short window: {preview}"
    );
}

#[test]
fn invalid_utf8_content_and_file_names() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let token = shopify_token();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9-\xff.cfg");
    let content = [
        b"\xff\xfe bad \xc3 bytes\nkey: ".as_slice(),
        token.as_bytes(),
        b" \xe9\n",
    ]
    .concat();
    fs::write(dir.path().join(name), content).unwrap();
    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let occ = occurrences(&run.json());
    assert_eq!(occ.len(), 1);
    assert_eq!((occ[0].2, occ[0].3), (2, 6));
    assert!(occ[0].1.starts_with("caf"), "{}", occ[0].1);
}

#[test]
fn stdin_is_one_blob() {
    let token = sendgrid_key();
    let out = leakhound()
        .args(["scan", "-", "--format", "json"])
        .write_stdin(format!("line1\nkey={token}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        occurrences(&report),
        vec![("sendgrid-api-key".into(), "<stdin>".into(), 2, 5)]
    );
}

#[test]
fn exit_codes_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("t.txt"), format!("t={}\n", slack_token())).unwrap();
    assert_eq!(run_in(dir.path(), &["scan", "--exit-code", "7"]).code, 7);
    let missing = run_in(dir.path(), &["scan", "no/such/path"]);
    assert_eq!(missing.code, 2);
    assert_eq!(
        missing.stderr.lines().count(),
        1,
        "one clear line: {}",
        missing.stderr
    );
    assert!(missing.stderr.contains("no/such/path"));
    assert_eq!(run_in(dir.path(), &["scan", "--threads", "0"]).code, 2);
}

#[test]
fn gitignore_is_ignored_by_default_and_git_dir_always_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("dist")).unwrap();
    fs::create_dir_all(d.join(".git")).unwrap();
    fs::write(d.join(".gitignore"), "dist/\n").unwrap();
    fs::write(d.join("dist/app.js"), format!("k='{}'\n", shopify_token())).unwrap();
    fs::write(d.join(".git/config"), format!("k='{}'\n", shopify_token())).unwrap();
    let occ = occurrences(&scan_json(d, &[]).json());
    assert_eq!(occ.len(), 1);
    assert_eq!(occ[0].1, "dist/app.js");
    let respected = scan_json(d, &["--respect-gitignore"]);
    assert_eq!(respected.code, 0, "{}", respected.stdout);
}

#[test]
fn human_output_is_grouped_with_rotation_hint_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.txt"),
        format!("a={}\nb={}\n", slack_token(), shopify_token()),
    )
    .unwrap();
    let run = run_in(dir.path(), &["scan"]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains("\x1b["), "no colour when not a TTY");
    assert_eq!(
        run.stdout.matches("\na.txt\n").count() + run.stdout.starts_with("a.txt\n") as usize,
        1,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("→ Revoke and rotate at https://"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Found 2 secrets (2 occurrences)"),
        "{}",
        run.stdout
    );
    let quiet = run_in(dir.path(), &["scan", "--quiet"]);
    assert!(!quiet.stdout.contains("Scanned"), "{}", quiet.stdout);
    assert!(quiet.stdout.contains("slack-bot-token"));
}

#[test]
fn placeholders_and_documented_examples_are_not_findings() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("docs.md"),
        "SLACK=xoxb-000000000000-000000000000-xxxxxxxxxxxxxxxxxxxxxxxx\nSHOPIFY=shpat_${SHOPIFY_TOKEN}\nkey: {{ .Values.sendgrid }}\n",
    )
    .unwrap();
    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}
