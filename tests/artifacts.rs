//! Build artifacts on real files: minified bundles with source maps, maps'
//! original sources, dotenv files and logs, scanned by the real binary.

mod common;

use common::*;
use serde_json::Value;
use sourcemap::SourceMapBuilder;
use std::fs;
use std::io::Write;
use std::path::Path;

const SOURCE: &str = "webpack:///src/config.ts";

/// A one-line minified bundle holding `secret`, its source map (with
/// `sourcesContent` when `with_content`), and where the secret is in both.
struct Bundle {
    js: String,
    map: String,
    /// 1-based line and scalar column of the secret in the bundle.
    column: u64,
    /// 1-based line and scalar column of the secret in src/config.ts.
    orig_line: u64,
    orig_column: u64,
}

fn bundle(secret: &str, file: &str, with_content: bool) -> Bundle {
    // Non-ASCII before the secret: é is one UTF-16 unit, 😀 two; the map counts UTF-16.
    let prefix = "(()=>{var g=\"é😀x\",k=\"";
    let js = format!("{prefix}{secret}\";console.log(g,k)}})();");
    let quote16 = prefix.encode_utf16().count() as u32 - 1;
    let source =
        format!("// config\nexport const greeting = \"é😀x\";\nexport const KEY = \"{secret}\";\n");
    let key_line = "export const KEY = ";
    let mut b = SourceMapBuilder::new(Some(file));
    let id = b.add_source(SOURCE);
    if with_content {
        b.set_source_contents(id, Some(&source));
    }
    b.add(0, 0, 0, 0, Some(SOURCE), None, false);
    b.add(0, 6, 1, 0, Some(SOURCE), None, false);
    b.add(
        0,
        quote16,
        2,
        key_line.len() as u32,
        Some(SOURCE),
        None,
        false,
    );
    b.add(
        0,
        quote16 + 1 + secret.len() as u32 + 1,
        2,
        60,
        Some(SOURCE),
        None,
        false,
    );
    let mut out = Vec::new();
    b.into_sourcemap().to_writer(&mut out).unwrap();
    Bundle {
        js,
        map: String::from_utf8(out).unwrap(),
        column: prefix.chars().count() as u64 + 1,
        orig_line: 3,
        orig_column: key_line.len() as u64 + 2,
    }
}

fn write(dir: &Path, rel: &str, data: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, data).unwrap();
}

fn occ<'a>(finding: &'a Value, path: &str) -> &'a Value {
    finding["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["path"] == path)
        .unwrap_or_else(|| panic!("no occurrence at {path}: {finding:#}"))
}

/// A format-valid account-scoped Stripe live key (`sk_live_51` + 97).
fn stripe() -> String {
    format!("sk_live_51{}", fake("alnum:97"))
}

#[test]
fn bundle_secret_reports_original_location_and_is_one_secret_with_the_map_source() {
    let dir = tempfile::tempdir().unwrap();
    let secret = stripe();
    let b = bundle(&secret, "app.js", true);
    write(
        dir.path(),
        "dist/assets/app.js",
        format!("{}\n//# sourceMappingURL=app.js.map\n", b.js),
    );
    write(dir.path(), "dist/assets/app.js.map", &b.map);
    let run = scan_json(dir.path(), &["dist"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let found = findings_of(&report, "stripe-secret-key");
    assert_eq!(found.len(), 1, "one secret, one finding: {report:#}");
    let f = found[0];
    assert_eq!(f["occurrences"].as_array().unwrap().len(), 2, "{f:#}");
    let gen_occ = occ(f, "dist/assets/app.js");
    assert_eq!(gen_occ["line"], 1);
    assert_eq!(gen_occ["column"], b.column);
    assert_eq!(gen_occ["end_column"], b.column + secret.len() as u64);
    assert_eq!(gen_occ["original"]["source"], SOURCE);
    assert_eq!(gen_occ["original"]["line"], b.orig_line);
    assert_eq!(gen_occ["original"]["column"], b.orig_column);
    assert!(gen_occ.get("note").is_none(), "{gen_occ:#}");
    let src = occ(f, &format!("dist/assets/app.js.map!{SOURCE}"));
    assert_eq!(src["kind"], "artifact");
    assert_eq!(
        (src["line"].as_u64(), src["column"].as_u64()),
        (Some(b.orig_line), Some(b.orig_column))
    );
    assert!(!run.stdout.contains(&secret), "redacted by default");
}

#[test]
fn inline_data_url_and_sibling_maps_resolve() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let (s1, s2) = (stripe(), stripe());
    let inline = bundle(&s1, "inline.js", false);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&inline.map);
    write(
        dir.path(),
        "out/inline.js",
        format!(
            "{}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,{b64}\n",
            inline.js
        ),
    );
    // No reference comment: the sibling `X.js.map` is used.
    let sib = bundle(&s2, "sib.js", false);
    write(dir.path(), "out/sib.js", &sib.js);
    write(dir.path(), "out/sib.js.map", &sib.map);
    let report = scan_json(dir.path(), &["out"]).json();
    for (path, b) in [("out/inline.js", &inline), ("out/sib.js", &sib)] {
        let f = findings_of(&report, "stripe-secret-key")
            .into_iter()
            .find(|f| f["occurrences"][0]["path"] == path)
            .unwrap_or_else(|| panic!("{path}: {report:#}"));
        let o = occ(f, path);
        assert_eq!(o["column"], b.column, "{path}");
        assert_eq!(o["original"]["source"], SOURCE, "{path}");
        assert_eq!(o["original"]["line"], b.orig_line, "{path}");
        // Without sourcesContent the column comes from the mapping itself.
        assert_eq!(o["original"]["column"], b.orig_column, "{path}");
    }
    // No sourcesContent: nothing published, no informational finding.
    assert!(findings_of(&report, "source-map-sources-content").is_empty());
}

#[test]
fn index_maps_with_sections_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let secret = stripe();
    let b = bundle(&secret, "app.js", true);
    // The bundle starts on line 3 of the file: one section per part.
    let header = "/* header */\nvar x=1;\n";
    let first = bundle("nothing", "app.js", false);
    let index = format!(
        r#"{{"version":3,"file":"app.js","sections":[{{"offset":{{"line":0,"column":0}},"map":{}}},{{"offset":{{"line":2,"column":0}},"map":{}}}]}}"#,
        first.map, b.map
    );
    write(
        dir.path(),
        "build/app.js",
        format!("{header}{}\n//# sourceMappingURL=app.js.map\n", b.js),
    );
    write(dir.path(), "build/app.js.map", &index);
    let report = scan_json(dir.path(), &["build"]).json();
    let f = findings_of(&report, "stripe-secret-key");
    assert_eq!(f.len(), 1, "{report:#}");
    let o = occ(f[0], "build/app.js");
    assert_eq!(
        (o["line"].as_u64(), o["column"].as_u64()),
        (Some(3), Some(b.column))
    );
    assert_eq!(o["original"]["line"], b.orig_line, "{o:#}");
    assert_eq!(o["original"]["column"], b.orig_column);
    // The section's sourcesContent is expanded as a virtual file too.
    occ(f[0], &format!("build/app.js.map!{SOURCE}"));
}

#[test]
fn public_map_with_sources_content_is_an_info_finding() {
    let dir = tempfile::tempdir().unwrap();
    let clean = bundle("nothing-to-see", "app.js", true);
    write(dir.path(), "dist/app.js", &clean.js);
    write(dir.path(), "dist/app.js.map", &clean.map);
    write(dir.path(), "dist/chunk.js.map", &clean.map);
    // Outside a build folder (a library's own test fixture) it is not reported.
    write(dir.path(), "tools/fixture.js.map", &clean.map);
    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let f = findings_of(&report, "source-map-sources-content");
    assert_eq!(f.len(), 1, "all public maps form one finding: {report:#}");
    assert_eq!(f[0]["severity"], "info");
    assert_eq!(f[0]["rule_name"], "Source map publishes original source");
    assert!(
        f[0]["rotation"]["hint"]
            .as_str()
            .unwrap()
            .contains("https://"),
        "{:#}",
        f[0]
    );
    let paths: Vec<&str> = f[0]["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["dist/app.js.map", "dist/chunk.js.map"]);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        1,
        "{report:#}"
    );
}

/// Write `dist/app.js` with `js` and a `sourceMappingURL` comment pointing at `url`.
fn write_linked(dir: &Path, js: &str, url: &str) {
    write(
        dir,
        "dist/app.js",
        format!("{js}\n//# sourceMappingURL={url}\n"),
    );
}

/// Scan `dist/app.js` (holding a secret) next to whatever `setup` writes; return
/// its one occurrence.
fn broken_case(setup: impl FnOnce(&Path, &Bundle)) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let secret = stripe();
    let b = bundle(&secret, "app.js", true);
    setup(dir.path(), &b);
    let run = scan_json(dir.path(), &["dist/app.js"]);
    assert_eq!(
        run.code, 1,
        "a broken map never fails the scan: {}",
        run.stderr
    );
    let report = run.json();
    assert_eq!(report["summary"]["complete"], true);
    let f = findings_of(&report, "stripe-secret-key");
    assert_eq!(f.len(), 1, "{report:#}");
    let o = occ(f[0], "dist/app.js").clone();
    assert_eq!(
        (o["line"].as_u64(), o["column"].as_u64()),
        (Some(1), Some(b.column))
    );
    assert!(o.get("original").is_none(), "{o:#}");
    o
}

fn note(o: &Value) -> &str {
    o["note"]
        .as_str()
        .unwrap_or_else(|| panic!("no note: {o:#}"))
}

#[test]
fn truncated_map_json_gives_a_note() {
    let o = broken_case(|d, b| {
        write_linked(d, &b.js, "app.js.map");
        write(d, "dist/app.js.map", &b.map[..b.map.len() / 2]);
    });
    assert!(
        note(&o).contains("source map app.js.map is invalid"),
        "{o:#}"
    );
}

#[test]
fn out_of_range_mappings_give_a_note() {
    // "AKAA" points at source #5 of a map with one source.
    let o = broken_case(|d, b| {
        write_linked(d, &b.js, "app.js.map");
        write(
            d,
            "dist/app.js.map",
            r#"{"version":3,"file":"app.js","sources":["a.ts"],"names":[],"mappings":"AKAA"}"#,
        );
    });
    assert!(note(&o).contains("invalid"), "{o:#}");
}

#[test]
fn mappings_before_the_secret_line_give_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let secret = stripe();
    write(
        dir.path(),
        "dist/app.js",
        format!("var a=1;\nvar k=\"{secret}\";\n"),
    );
    write(
        dir.path(),
        "dist/app.js.map",
        r#"{"version":3,"file":"app.js","sources":["a.ts"],"names":[],"mappings":"AAAA"}"#,
    );
    let report = scan_json(dir.path(), &["dist"]).json();
    let o = occ(findings_of(&report, "stripe-secret-key")[0], "dist/app.js");
    assert_eq!(
        (o["line"].as_u64(), o["column"].as_u64()),
        (Some(2), Some(8))
    );
    assert!(o.get("original").is_none());
    assert!(note(o).contains("no mapping at this position"), "{o:#}");
}

#[test]
fn missing_referenced_map_gives_a_note() {
    let o = broken_case(|d, b| {
        write_linked(d, &b.js, "maps/app.js.map");
    });
    assert!(
        note(&o).contains("referenced source map maps/app.js.map not found"),
        "{o:#}"
    );
}

#[test]
fn map_for_a_different_file_gives_a_note() {
    let o = broken_case(|d, b| {
        write_linked(d, &b.js, "app.js.map");
        let other = bundle("nothing", "vendor.js", true);
        write(d, "dist/app.js.map", &other.map);
    });
    assert!(
        note(&o).contains("is for vendor.js, not this file"),
        "{o:#}"
    );
    // Without a `file` field the mismatch shows as the secret missing from the source.
    let o = broken_case(|d, b| {
        write_linked(d, &b.js, "app.js.map");
        let other = bundle(&stripe(), "app.js", true)
            .map
            .replace(r#""file":"app.js","#, "");
        write(d, "dist/app.js.map", other);
    });
    assert!(note(&o).contains("does not match this file"), "{o:#}");
}

#[test]
fn a_txt_file_holding_a_source_map_is_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let secret = stripe();
    let b = bundle(&secret, "app.js", true);
    write(dir.path(), "notes.txt", &b.map);
    let report = scan_json(dir.path(), &[]).json();
    let f = findings_of(&report, "stripe-secret-key");
    assert_eq!(f.len(), 1, "{report:#}");
    let o = occ(f[0], &format!("notes.txt!{SOURCE}"));
    assert_eq!(
        (o["line"].as_u64(), o["column"].as_u64()),
        (Some(b.orig_line), Some(b.orig_column))
    );
}

#[test]
fn dotenv_client_prefix_is_critical_and_placeholders_are_not_findings() {
    let dir = tempfile::tempdir().unwrap();
    let gh = fake("github:ghp");
    let client_secret = fake("alnum:32");
    let server = fake("alnum:40");
    let pem_body = fake("base64:64");
    let db_pw = fake("alnum:20");
    let env = format!(
        "# deploy settings\n\
         NEXT_PUBLIC_GITHUB_TOKEN={gh}\n\
         VITE_SIGNING_SECRET=\"{client_secret}\"\n\
         export SERVER_API_KEY='{server}'\n\
         DATABASE_URL=postgres://app:{db_pw}@db.internal:5432/app\n\
         EMPTY_SECRET=\n\
         STRIPE_SECRET_KEY=changeme\n\
         AUTH_TOKEN=${{AUTH_TOKEN}}\n\
         OPENAI_API_KEY=your-api-key-here\n\
         NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_live_{}\n\
         JWT_SECRET_PATH=/run/secrets/jwt\n\
         PORT=3000\n\
         MULTI_PRIVATE_KEY=\"line-one-{pem_body}\n\
         line-two\"\n",
        fake("alnum:24")
    );
    write(dir.path(), ".env.production", env);
    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let mut got: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["occurrences"][0]["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort_by_key(|g| g.1);
    let want: Vec<(String, u64, String)> = vec![
        ("github-pat-classic".into(), 2, "critical".into()),
        ("generic-dotenv-secret".into(), 3, "critical".into()),
        ("generic-dotenv-secret".into(), 4, "high".into()),
        ("postgres-url-password".into(), 5, "critical".into()),
        ("generic-dotenv-secret".into(), 13, "high".into()),
    ];
    assert_eq!(got, want, "{report:#}");
    let by_line = |line: u64| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["occurrences"][0]["line"] == line)
            .unwrap()
    };
    let n2 = note(&by_line(2)["occurrences"][0]);
    assert!(
        n2.contains("NEXT_PUBLIC_") && n2.contains("browser bundle"),
        "{n2}"
    );
    assert!(note(&by_line(3)["occurrences"][0]).contains("VITE_"));
    assert_eq!(by_line(3)["occurrences"][0]["column"], 22);
    assert!(
        by_line(4)["occurrences"][0]
            .get("note")
            .is_none_or(|n| !n.as_str().unwrap().contains("browser"))
    );
}

#[test]
fn dotenv_templates_report_only_real_looking_values() {
    let dir = tempfile::tempdir().unwrap();
    let gh = fake("github:ghp");
    let real = fake("alnum:40");
    write(
        dir.path(),
        ".env.example",
        format!(
            "API_KEY=your-key-here\nSESSION_SECRET=\nDB_PASSWORD=postgres\nADMIN_PASSWORD=supersecret\n\
             GITHUB_TOKEN={gh}\nSIGNING_SECRET={real}\n"
        ),
    );
    let report = scan_json(dir.path(), &[]).json();
    let got: Vec<(String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["occurrences"][0]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("github-pat-classic".to_string(), 5),
            ("generic-dotenv-secret".to_string(), 6)
        ],
        "{report:#}"
    );
}

fn rules_by_line(report: &Value, path: &str) -> Vec<(u64, String)> {
    let mut out: Vec<(u64, String)> = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        for o in f["occurrences"].as_array().unwrap() {
            if o["path"] == path {
                out.push((
                    o["line"].as_u64().unwrap(),
                    f["rule_id"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn log_text() -> (String, Vec<(u64, String)>) {
    let basic = expand("{{basic}}");
    let text = format!(
        "2026-12-01T10:00:00Z INFO request_id={} trace_id={} span_id={} GET /health 200\n\
         2026-12-01T10:00:01Z DEBUG GET /admin Authorization: Basic {basic} 200\n\
         2026-12-01T10:00:02Z DEBUG upstream Authorization: Bearer {}9 -> 200\n\
         2026-12-01T10:00:03Z DEBUG Cookie: theme=dark; sessionid={}; lang=en\n\
         2026-12-01T10:00:04Z INFO GET /export?format=csv&api_key={} 200\n\
         2026-12-01T10:00:05Z WARN clone https://ci:{}@git.acme-corp.io/app.git failed\n\
         2026-12-01T10:00:06Z INFO login id_token={}\n\
         2026-12-01T10:00:07Z INFO asset sha256={} etag=\"{}\" X-Request-Id: {}\n\
         {{\"ts\":\"2026-12-01T10:00:08Z\",\"headers\":{{\"authorization\":\"Bearer {}7\"}},\"request_id\":\"{}\"}}\n",
        fake("hex:32"),
        fake("hex:32"),
        fake("hex:16"),
        fake("alnum:39"),
        fake("lowernum:32"),
        fake("alnum:32"),
        fake("alnum:24"),
        fake("jwt"),
        fake("hex:64"),
        fake("hex:40"),
        fake("uuid"),
        fake("alnum:39"),
        fake("uuid"),
    );
    let want = vec![
        (2, "http-basic-auth-header".to_string()),
        (3, "generic-bearer-token".to_string()),
        (4, "http-session-cookie".to_string()),
        (5, "url-query-credential".to_string()),
        (6, "generic-basic-auth-url".to_string()),
        (7, "generic-jwt".to_string()),
        (9, "generic-bearer-token".to_string()),
    ];
    (text, want)
}

#[test]
fn logs_find_headers_cookies_url_credentials_and_jwts_but_not_ids_or_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let (text, want) = log_text();
    write(dir.path(), "logs/app.log", &text);
    let report = scan_json(dir.path(), &[]).json();
    assert_eq!(rules_by_line(&report, "logs/app.log"), want, "{report:#}");
    let basic = findings_of(&report, "http-basic-auth-header");
    assert_eq!(basic[0]["severity"], "high");
}

#[test]
fn rotated_gzip_logs_are_decompressed() {
    let dir = tempfile::tempdir().unwrap();
    let (text, want) = log_text();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    write(dir.path(), "logs/app.log.1.gz", gz.finish().unwrap());
    write(dir.path(), "logs/app.log.2", &text);
    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(
        rules_by_line(&report, "logs/app.log.1.gz!app.log.1"),
        want,
        "{report:#}"
    );
    assert_eq!(rules_by_line(&report, "logs/app.log.2"), want);
    assert_eq!(
        report["summary"]["skipped"]
            .as_object()
            .map_or(0, |m| m.len()),
        0
    );
}

#[test]
fn fifty_megabyte_single_line_bundle_keeps_exact_columns() {
    let dir = tempfile::tempdir().unwrap();
    const SIZE: usize = 50 * 1000 * 1000;
    let chunk = "function a(b,c){return b.map(function(d){return d+c})}var e=[1,2,3];";
    let secrets = [stripe(), stripe(), stripe()];
    let mut js = String::with_capacity(SIZE + 1024);
    let mut want = Vec::new();
    for (i, s) in secrets.iter().enumerate() {
        let target = SIZE / 3 * i + 10;
        while js.len() < target {
            js.push_str(chunk);
        }
        js.push_str("var k=\"");
        want.push(js.len() as u64 + 1);
        js.push_str(s);
        js.push_str("\";");
    }
    while js.len() < SIZE {
        js.push_str(chunk);
    }
    write(dir.path(), "dist/big.js", &js);
    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let mut got: Vec<u64> = Vec::new();
    for f in findings_of(&report, "stripe-secret-key") {
        let o = occ(f, "dist/big.js");
        assert_eq!(o["line"], 1);
        let preview = o["preview"].as_str().unwrap();
        assert!(
            preview.chars().count() < 120,
            "short preview window: {preview}"
        );
        assert!(
            preview.starts_with('…') || o["column"].as_u64() < Some(40),
            "{preview}"
        );
        got.push(o["column"].as_u64().unwrap());
    }
    got.sort();
    assert_eq!(got, want);
    assert_eq!(report["summary"]["bytes_scanned"], js.len() as u64);
}

#[test]
fn launch_demo_finds_every_artifact_kind() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = scan_json(root, &["testdata/launch-demo"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let d = "testdata/launch-demo";
    // Bundle with its original location, and the same secret in the map's source.
    let stripe = findings_of(&report, "stripe-secret-key");
    assert_eq!(stripe.len(), 1, "{report:#}");
    let o = occ(stripe[0], &format!("{d}/dist/assets/app.js"));
    assert_eq!(o["original"]["source"], format!("{d}/src/config.ts"));
    assert_eq!(
        (
            o["original"]["line"].as_u64(),
            o["original"]["column"].as_u64()
        ),
        (Some(5), Some(28))
    );
    let m = occ(
        stripe[0],
        &format!("{d}/dist/assets/app.js.map!../../src/config.ts"),
    );
    assert_eq!(
        (m["line"].as_u64(), m["column"].as_u64()),
        (Some(5), Some(28))
    );
    // The public map.
    let public = findings_of(&report, "source-map-sources-content");
    assert_eq!(public[0]["severity"], "info");
    occ(public[0], &format!("{d}/dist/assets/app.js.map"));
    // dotenv: client-exposed provider key, server secret by key name, DB URL.
    let openai = findings_of(&report, "openai-project-key");
    assert_eq!(openai[0]["severity"], "critical");
    assert!(note(occ(openai[0], &format!("{d}/.env.production"))).contains("VITE_"));
    occ(
        findings_of(&report, "generic-dotenv-secret")[0],
        &format!("{d}/.env.production"),
    );
    occ(
        findings_of(&report, "postgres-url-password")[0],
        &format!("{d}/.env.production"),
    );
    // Log: bearer header, URL credentials, JWT; not the request or trace ids.
    assert_eq!(
        rules_by_line(&report, &format!("{d}/logs/app.log")),
        vec![
            (2, "generic-bearer-token".to_string()),
            (3, "generic-basic-auth-url".to_string()),
            (4, "generic-jwt".to_string()),
        ]
    );
    // The human output (the README's command) shows the original location too.
    let human = run_in(root, &["scan", "testdata/launch-demo"]);
    assert!(
        human
            .stdout
            .contains("original testdata/launch-demo/src/config.ts:5:28"),
        "{}",
        human.stdout
    );
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

#[test]
fn archives_are_scanned_entry_by_entry_with_nesting_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    let gh = fake("github:ghp");
    let server = fake("alnum:40");
    let inner = zip_of(&[(
        "config.properties",
        format!("# cfg\ngithub.token={gh}\n").as_bytes(),
    )]);
    let bomb = vec![b'a'; 20 * 1000 * 1000];
    let outer = zip_of(&[
        ("app/.env", format!("SESSION_SECRET={server}\n").as_bytes()),
        ("lib/inner.jar", &inner),
        ("big/padding.txt", &bomb),
    ]);
    write(dir.path(), "release.zip", outer);
    // A tarball inside gzip: the log inside is found.
    let (log, want) = log_text();
    let mut tar = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(log.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    tar.append_data(&mut h, "logs/app.log", log.as_bytes())
        .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar.into_inner().unwrap()).unwrap();
    write(dir.path(), "site.tgz", gz.finish().unwrap());
    // Five zips deep: the innermost is past the depth limit.
    let mut nested = zip_of(&[(
        "deep.env",
        format!("API_TOKEN={}\n", fake("alnum:32")).as_bytes(),
    )]);
    for i in 0..5 {
        nested = zip_of(&[(&format!("level{i}.zip"), &nested)]);
    }
    write(dir.path(), "nested.zip", nested);

    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(
        rules_by_line(&report, "release.zip!lib/inner.jar!config.properties"),
        vec![(2, "github-pat-classic".to_string())],
        "{report:#}"
    );
    assert_eq!(
        rules_by_line(&report, "release.zip!app/.env"),
        vec![(1, "generic-dotenv-secret".to_string())]
    );
    assert_eq!(
        rules_by_line(&report, "site.tgz!site.tar!logs/app.log"),
        want
    );
    let skipped = report["summary"]["skipped_files"].as_array().unwrap();
    let reason_of = |p: &str| {
        skipped
            .iter()
            .find(|s| s["path"] == p)
            .map(|s| s["reason"].as_str().unwrap().to_string())
    };
    assert_eq!(
        reason_of("release.zip!big/padding.txt").as_deref(),
        Some("artifact-limit"),
        "{skipped:#?}"
    );
    assert!(
        skipped.iter().any(|s| s["reason"] == "artifact-limit"
            && s["path"]
                .as_str()
                .unwrap()
                .starts_with("nested.zip!level4.zip!")),
        "{skipped:#?}"
    );
    assert_eq!(report["summary"]["complete"], true);
}

#[test]
fn many_findings_in_one_bundle_resolve_through_statement_level_mappings() {
    const N: usize = 200;
    let dir = tempfile::tempdir().unwrap();
    let secrets: Vec<String> = (0..N).map(|_| stripe()).collect();
    let mut js = String::new();
    let mut src = String::new();
    let mut gen_columns = Vec::new();
    let mut b = SourceMapBuilder::new(Some("app.js"));
    let id = b.add_source(SOURCE);
    for (i, s) in secrets.iter().enumerate() {
        gen_columns.push((js.len() + format!("var K{i}=\"").len() + 1) as u64);
        // Mapped per statement, as minifiers do: the literal is found in its line.
        b.add(0, js.len() as u32, i as u32, 0, Some(SOURCE), None, false);
        js.push_str(&format!("var K{i}=\"{s}\";"));
        src.push_str(&format!("export const K{i} = \"{s}\";\n"));
    }
    b.set_source_contents(id, Some(&src));
    let mut map = Vec::new();
    b.into_sourcemap().to_writer(&mut map).unwrap();
    write(
        dir.path(),
        "dist/app.js",
        format!("{js}\n//# sourceMappingURL=app.js.map\n"),
    );
    write(dir.path(), "dist/app.js.map", map);
    let report = scan_json(dir.path(), &["dist"]).json();
    let found = findings_of(&report, "stripe-secret-key");
    assert_eq!(found.len(), N);
    for f in found {
        let o = occ(f, "dist/app.js");
        let orig = &o["original"];
        let line = orig["line"].as_u64().unwrap_or_else(|| panic!("{o:#}")) as usize;
        let i = line - 1;
        assert_eq!(
            orig["column"],
            format!("export const K{i} = \"").len() as u64 + 1
        );
        let m = occ(f, &format!("dist/app.js.map!{SOURCE}"));
        assert_eq!(m["line"], line as u64, "{f:#}");
    }
}
