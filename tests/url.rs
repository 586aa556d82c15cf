//! `leakhound url` against real-looking deployed sites served by a local HTTP
//! server on 127.0.0.1 that each test starts. Nothing here touches any other address.

mod common;

use common::*;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the test server answers for one path.
#[derive(Clone)]
enum Route {
    Ok {
        ctype: &'static str,
        body: Vec<u8>,
        headers: Vec<(&'static str, String)>,
    },
    Redirect(String),
    /// Headers at once, then nothing for this long.
    Slow(Duration),
    /// An endless body (`a` bytes), streamed; the counter says how much was sent.
    Endless(Arc<AtomicU64>),
}

fn ok(ctype: &'static str, body: impl Into<Vec<u8>>) -> Route {
    Route::Ok {
        ctype,
        body: body.into(),
        headers: Vec::new(),
    }
}

/// A local site: routes by path, an optional catch-all page (an SPA), and the log
/// of every path requested.
struct Site {
    base: String,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    server: Arc<tiny_http::Server>,
}

impl Drop for Site {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

impl Site {
    fn start(routes: HashMap<String, Route>, catch_all: Option<Vec<u8>>) -> Site {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("ip").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let routes = Arc::new(Mutex::new(routes));
        let (srv, lg, rt) = (Arc::clone(&server), Arc::clone(&log), Arc::clone(&routes));
        std::thread::spawn(move || {
            for req in srv.incoming_requests() {
                let route = rt
                    .lock()
                    .unwrap()
                    .get(req.url().split('?').next().unwrap_or(""))
                    .cloned();
                let catch_all = catch_all.clone();
                lg.lock().unwrap().push(req.url().to_string());
                std::thread::spawn(move || answer(req, route, catch_all));
            }
        });
        Site {
            base: format!("http://127.0.0.1:{port}"),
            port,
            log,
            routes,
            server,
        }
    }

    /// Add or replace a route (for routes that name the server's own port).
    fn add(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_string(), route);
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn requested(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn header(k: &str, v: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap()
}

fn answer(req: tiny_http::Request, route: Option<Route>, catch_all: Option<Vec<u8>>) {
    let route = match (route, catch_all) {
        (Some(r), _) => r,
        (None, Some(page)) => ok("text/html", page),
        (None, None) => {
            let _ =
                req.respond(tiny_http::Response::from_string("Not Found").with_status_code(404));
            return;
        }
    };
    let _ = match route {
        Route::Ok {
            ctype,
            body,
            headers,
        } => {
            let mut r =
                tiny_http::Response::from_data(body).with_header(header("Content-Type", ctype));
            for (k, v) in headers {
                r.add_header(header(k, &v));
            }
            req.respond(r)
        }
        Route::Redirect(to) => {
            req.respond(tiny_http::Response::empty(302).with_header(header("Location", &to)))
        }
        Route::Slow(d) => {
            std::thread::sleep(d);
            req.respond(tiny_http::Response::from_string("late"))
        }
        Route::Endless(sent) => req.respond(tiny_http::Response::new(
            tiny_http::StatusCode(200),
            vec![header("Content-Type", "application/javascript")],
            Endless(sent),
            None,
            None,
        )),
    };
}

/// An endless stream of `a`, counting what was read (sent).
struct Endless(Arc<AtomicU64>);

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        buf.fill(b'a');
        self.0.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A brotli stream holding `data` in one uncompressed meta-block (RFC 7932 §9.2).
fn brotli_stored(data: &[u8]) -> Vec<u8> {
    let header = (((data.len() - 1) as u32) << 4) | (1 << 20);
    let mut out = header.to_le_bytes()[..3].to_vec();
    out.extend_from_slice(data);
    out.push(0x03);
    out
}

/// A format-valid account-scoped Stripe live key (`sk_live_51` + 97).
fn stripe() -> String {
    format!("sk_live_51{}", fake("alnum:97"))
}

/// A one-line bundle exporting `secret`, and its source map (with the original
/// source in `sourcesContent`, where the secret is on line 3).
fn bundle_with_map(secret: &str, file: &str, source: &str) -> (String, String) {
    let prefix = "export const K=\"";
    let js = format!("{prefix}{secret}\";");
    let original = format!("// config\n// the key\nexport const K = \"{secret}\";\n");
    let mut b = sourcemap::SourceMapBuilder::new(Some(file));
    let id = b.add_source(source);
    b.set_source_contents(id, Some(&original));
    b.add(0, 0, 2, 0, Some(source), None, false);
    b.add(0, prefix.len() as u32 - 1, 2, 17, Some(source), None, false);
    let mut out = Vec::new();
    b.into_sourcemap().to_writer(&mut out).unwrap();
    (js, String::from_utf8(out).unwrap())
}

fn url_json(args: &[&str]) -> (Run, Value) {
    let mut full = vec!["url", "--format", "json", "--rate", "200"];
    full.extend_from_slice(args);
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &full);
    let report = run.json();
    (run, report)
}

fn urls_of(f: &Value) -> BTreeSet<String> {
    f["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["url"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The summary's record for `url`.
fn record<'a>(report: &'a Value, url: &str) -> &'a Value {
    report["summary"]["urls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["url"] == url)
        .unwrap_or_else(|| panic!("{url} not in the URL list: {:#}", report["summary"]["urls"]))
}

/// A Vite build: entry chunk loading a lazy chunk that holds a Stripe key (with
/// its map), a vendor chunk served gzip-compressed via modulepreload, an admin
/// chunk only the Vite manifest names (brotli), a published but unreferenced
/// map, an exposed `/.env` and `/.git/config`.
fn vite_site() -> (Site, String, String, String) {
    let key = stripe();
    let pat = fake("github:ghp");
    let env_secret = fake("alnum:32");
    let (lazy_js, lazy_map) = bundle_with_map(&key, "Lazy-4f5a6b7c.js", "../../src/config.ts");
    let mut r = HashMap::new();
    r.insert(
        "/".to_string(),
        ok(
            "text/html",
            r#"<!doctype html><html><head>
<script type="module" crossorigin src="/assets/index-1a2b3c4d.js"></script>
<link rel="modulepreload" crossorigin href="/assets/vendor-9e8d7c6b.js">
</head><body><div id="app"></div></body></html>"#,
        ),
    );
    r.insert(
        "/assets/index-1a2b3c4d.js".into(),
        ok(
            "application/javascript",
            r#"import{v as a}from"./vendor-9e8d7c6b.js";const r=()=>import("./Lazy-4f5a6b7c.js");a(r);"#,
        ),
    );
    r.insert(
        "/assets/vendor-9e8d7c6b.js".into(),
        Route::Ok {
            ctype: "application/javascript",
            body: gzip(b"export function v(f){return f}\n"),
            headers: vec![("Content-Encoding", "gzip".into())],
        },
    );
    // Published, not referenced: found by guessing `<bundle>.map`.
    r.insert(
        "/assets/vendor-9e8d7c6b.js.map".into(),
        ok(
            "application/json",
            r#"{"version":3,"sources":["../node_modules/v.js"],"names":[],"mappings":"AAAA"}"#,
        ),
    );
    r.insert(
        "/assets/Lazy-4f5a6b7c.js".into(),
        ok(
            "application/javascript",
            format!("{lazy_js}\n//# sourceMappingURL=Lazy-4f5a6b7c.js.map\n"),
        ),
    );
    r.insert(
        "/assets/Lazy-4f5a6b7c.js.map".into(),
        ok("application/json", lazy_map),
    );
    r.insert(
        "/.vite/manifest.json".into(),
        ok(
            "application/json",
            r#"{"index.html":{"file":"assets/index-1a2b3c4d.js","isEntry":true,"dynamicImports":["src/Admin.vue"]},"src/Admin.vue":{"file":"assets/Admin-0a1b2c3d.js","isDynamicEntry":true}}"#,
        ),
    );
    r.insert(
        "/assets/Admin-0a1b2c3d.js".into(),
        Route::Ok {
            ctype: "application/javascript",
            body: brotli_stored(format!("const t=\"{pat}\";export default t;").as_bytes()),
            headers: vec![("Content-Encoding", "br".into())],
        },
    );
    r.insert(
        "/.env".into(),
        ok(
            "text/plain",
            format!("NODE_ENV=production\nSESSION_SECRET={env_secret}\n"),
        ),
    );
    r.insert(
        "/.git/config".into(),
        ok(
            "text/plain",
            "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n",
        ),
    );
    (Site::start(r, None), key, pat, env_secret)
}

#[test]
fn vite_site_lazy_chunks_maps_manifest_and_exposures() {
    let (site, key, pat, env_secret) = vite_site();
    let (run, report) = url_json(&[&site.url("/")]);
    assert_eq!(run.code, 1, "{}\n{}", run.stderr, run.stdout);
    assert_eq!(
        report["summary"]["complete"], true,
        "{:#}",
        report["summary"]
    );
    assert_eq!(report["summary"]["target"], "site");

    // The lazily loaded chunk's key, located in the bundle and, through the map,
    // in the original source; the map's sourcesContent holds it too.
    let stripe = findings_of(&report, "stripe-secret-key");
    assert_eq!(stripe.len(), 1, "{report:#}");
    let lazy = site.url("/assets/Lazy-4f5a6b7c.js");
    let occ = stripe[0]["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["path"] == lazy.as_str())
        .unwrap_or_else(|| panic!("{:#}", stripe[0]));
    assert_eq!(occ["kind"], "url");
    assert_eq!(occ["url"], lazy.as_str());
    assert_eq!(
        (occ["line"].as_u64(), occ["column"].as_u64()),
        (Some(1), Some(17))
    );
    // `../../src/config.ts` from `/assets/`: one folder above the site's root.
    assert_eq!(occ["original"]["source"], "../src/config.ts", "{occ:#}");
    assert_eq!(occ["original"]["line"], 3);
    assert_eq!(occ["original"]["column"], 19);
    assert!(urls_of(stripe[0]).contains(&format!("{lazy}.map")));

    // The chunk only the Vite manifest names, brotli-encoded.
    let gh = findings_of(&report, "github-pat-classic");
    assert_eq!(
        urls_of(gh[0]),
        BTreeSet::from([site.url("/assets/Admin-0a1b2c3d.js")])
    );

    // Both maps are exposures with their URLs: referenced and guessed.
    let maps = findings_of(&report, "source-map-sources-content");
    assert_eq!(
        urls_of(maps[0]),
        BTreeSet::from([
            format!("{lazy}.map"),
            site.url("/assets/vendor-9e8d7c6b.js.map")
        ])
    );
    assert_eq!(
        record(&report, &site.url("/assets/vendor-9e8d7c6b.js.map"))["outcome"],
        "fetched"
    );

    // /.git/ is critical; /.env is an exposure and its secret is scanned as dotenv.
    let git = findings_of(&report, "exposed-git-directory");
    assert_eq!(git[0]["severity"], "critical");
    assert_eq!(urls_of(git[0]), BTreeSet::from([site.url("/.git/config")]));
    assert_eq!(
        urls_of(findings_of(&report, "exposed-dotenv-file")[0]),
        BTreeSet::from([site.url("/.env")])
    );
    let dotenv = findings_of(&report, "generic-dotenv-secret");
    assert_eq!(urls_of(dotenv[0]), BTreeSet::from([site.url("/.env")]));

    // Probes that are not there are listed as not found; nothing is dropped.
    assert_eq!(
        record(&report, &site.url("/.env.local"))["outcome"],
        "not-found"
    );
    assert_eq!(
        record(&report, &site.url("/assets/vendor-9e8d7c6b.js"))["outcome"],
        "fetched"
    );
    for secret in [&key, &pat, &env_secret] {
        assert!(!run.stdout.contains(secret.as_str()), "redacted by default");
    }
}

#[test]
fn saved_tree_scans_to_the_same_secrets() {
    let (site, ..) = vite_site();
    let out = tempfile::tempdir().unwrap();
    let saved = out.path().join("saved");
    let saved_s = saved.to_str().unwrap();
    let (run, live) = url_json(&[&site.url("/"), "--save", saved_s]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let host = saved.join(format!("127.0.0.1_{}", site.port));
    assert!(host.join("assets/Lazy-4f5a6b7c.js.map").is_file());
    assert!(host.join("index.html").is_file());
    let offline = scan_json(out.path(), &["saved"]);
    assert_eq!(offline.code, 1, "{}", offline.stderr);
    let offline = offline.json();
    // Secrets (not exposures, which are facts about what a URL serves) match one for one.
    let secrets = |r: &Value| -> BTreeSet<(String, String)> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                let id = f["rule_id"].as_str().unwrap();
                !id.starts_with("exposed-") && id != "source-map-sources-content"
            })
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().into(),
                    f["secret_id"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    assert_eq!(secrets(&live), secrets(&offline), "{offline:#}");
    assert!(secrets(&live).len() >= 3, "{live:#}");
    // The saved bundle still resolves through its saved map.
    let stripe = findings_of(&offline, "stripe-secret-key");
    let bundle_occ = stripe[0]["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| {
            o["path"]
                .as_str()
                .unwrap()
                .ends_with("assets/Lazy-4f5a6b7c.js")
        })
        .unwrap();
    assert_eq!(bundle_occ["original"]["line"], 3);
}

#[test]
fn nextjs_site_webpack_chunk_map_and_build_manifest() {
    let pat = fake("github:ghp");
    let slack = slack_token();
    let mut r = HashMap::new();
    r.insert(
        "/".to_string(),
        ok(
            "text/html",
            r#"<!DOCTYPE html><html><head>
<script src="/_next/static/chunks/webpack-5d6e7f8a.js" defer=""></script>
<script src="/_next/static/chunks/main-1f2e3d4c.js" defer=""></script>
</head><body><div id="__next"></div>
<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}},"page":"/","query":{},"buildId":"Xk3_build-42","nextExport":true}</script>
</body></html>"#,
        ),
    );
    r.insert(
        "/_next/static/chunks/webpack-5d6e7f8a.js".into(),
        ok(
            "application/javascript",
            r#"!function(){"use strict";var d={};d.p="/_next/",d.u=function(e){return"static/chunks/"+(({96:"framework"})[e]||e)+"."+({96:"0a1b2c3d",412:"9f8e7d6c"})[e]+".js"},self.d=d}();"#,
        ),
    );
    r.insert(
        "/_next/static/chunks/main-1f2e3d4c.js".into(),
        ok(
            "application/javascript",
            "(self.webpackChunk=self.webpackChunk||[]).push([[179],{}]);",
        ),
    );
    r.insert(
        "/_next/static/chunks/framework.0a1b2c3d.js".into(),
        ok("application/javascript", "/* react */"),
    );
    r.insert(
        "/_next/static/chunks/412.9f8e7d6c.js".into(),
        ok("application/javascript", format!("(self.webpackChunk=self.webpackChunk||[]).push([[412],{{7:function(e,t){{t.token=\"{pat}\"}}}}]);")),
    );
    r.insert(
        "/_next/static/Xk3_build-42/_buildManifest.js".into(),
        ok(
            "application/javascript",
            r#"self.__BUILD_MANIFEST=function(s){return{__rewrites:{afterFiles:[],beforeFiles:[],fallback:[]},"/":[s,"static/chunks/pages/index-2b3c4d5e.js"],"/about":[s,"static/chunks/pages/about-6f7a8b9c.js"],sortedPages:["/","/about"]}}("static/chunks/412.9f8e7d6c.js"),self.__BUILD_MANIFEST_CB&&self.__BUILD_MANIFEST_CB();"#,
        ),
    );
    r.insert("/_next/static/Xk3_build-42/_ssgManifest.js".into(), ok("application/javascript", r#"self.__SSG_MANIFEST=new Set(["\u002Fabout"]);self.__SSG_MANIFEST_CB&&self.__SSG_MANIFEST_CB()"#));
    r.insert(
        "/_next/static/chunks/pages/index-2b3c4d5e.js".into(),
        ok("application/javascript", "export default 1;"),
    );
    r.insert(
        "/_next/static/chunks/pages/about-6f7a8b9c.js".into(),
        ok("application/javascript", format!("const hook=\"{slack}\";")),
    );
    let site = Site::start(r, None);
    let (run, report) = url_json(&[&site.url("/"), "--no-probe"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        urls_of(findings_of(&report, "github-pat-classic")[0]),
        BTreeSet::from([site.url("/_next/static/chunks/412.9f8e7d6c.js")]),
        "chunk found through the webpack runtime's chunk map"
    );
    assert_eq!(
        urls_of(findings_of(&report, "slack-bot-token")[0]),
        BTreeSet::from([site.url("/_next/static/chunks/pages/about-6f7a8b9c.js")]),
        "page chunk found through _buildManifest.js"
    );
    assert_eq!(
        record(
            &report,
            &site.url("/_next/static/chunks/framework.0a1b2c3d.js")
        )["outcome"],
        "fetched"
    );
    assert_eq!(
        record(
            &report,
            &site.url("/_next/static/Xk3_build-42/_ssgManifest.js")
        )["outcome"],
        "fetched"
    );
    // --no-probe: no exposure probes requested.
    assert!(
        !site
            .requested()
            .iter()
            .any(|p| p.starts_with("/.env") || p.starts_with("/.git"))
    );
}

#[test]
fn spa_catch_all_pages_are_never_exposures() {
    let page = r#"<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body></body></html>"#;
    let mut r = HashMap::new();
    r.insert(
        "/assets/app-1a2b3c.js".to_string(),
        ok("application/javascript", "console.log(1)"),
    );
    let site = Site::start(r, Some(page.as_bytes().to_vec()));
    let (run, report) = url_json(&[&site.url("/")]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);
    assert!(
        report["findings"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    for probe in [
        "/.env",
        "/.git/config",
        "/.git/HEAD",
        "/.npmrc",
        "/index.html.bak",
    ] {
        let rec = record(&report, &site.url(probe));
        assert_eq!(rec["outcome"], "not-found", "{rec:#}");
        assert_eq!(rec["status"], 200);
    }
    assert!(
        record(&report, &site.url("/.env"))["reason"]
            .as_str()
            .unwrap()
            .contains("soft 404")
    );
    // The guessed map answered with the catch-all page is not a map.
    assert_eq!(
        record(&report, &site.url("/assets/app-1a2b3c.js.map"))["outcome"],
        "not-found"
    );
}

#[test]
fn hostile_site_is_bounded_and_never_leaves_scope() {
    let sent = Arc::new(AtomicU64::new(0));
    let mut r = HashMap::new();
    r.insert(
        "/".to_string(),
        ok(
            "text/html",
            r#"<html><head>
<script src="/loop-a.js"></script><script src="/slow.js"></script><script src="/huge.js"></script>
<script src="/app.js"></script><script src="/passwd.js"></script>
<script src="https://evil.example/x.js"></script></head></html>"#,
        ),
    );
    r.insert("/loop-a.js".into(), Route::Redirect("/loop-b.js".into()));
    r.insert("/loop-b.js".into(), Route::Redirect("/loop-a.js".into()));
    r.insert("/slow.js".into(), Route::Slow(Duration::from_secs(8)));
    r.insert("/huge.js".into(), Route::Endless(Arc::clone(&sent)));
    r.insert(
        "/app.js".into(),
        ok(
            "application/javascript",
            "var a=1;\n//# sourceMappingURL=https://maps.evil.example/app.js.map\n",
        ),
    );
    r.insert(
        "/passwd.js".into(),
        ok(
            "application/javascript",
            "var b=2;\n//# sourceMappingURL=file:///etc/passwd\n",
        ),
    );
    let site = Site::start(r, None);
    let started = Instant::now();
    let (run, report) = url_json(&[
        &site.url("/"),
        "--no-probe",
        "--timeout",
        "2",
        "--max-response-size",
        "1000000",
    ]);
    let took = started.elapsed();
    assert_eq!(run.code, 2, "limits reached: incomplete\n{}", run.stderr);
    let s = &report["summary"];
    assert_eq!(s["complete"], false);
    let reasons = s["incomplete_reasons"].to_string();
    assert!(
        reasons.contains("slow.js") && reasons.contains("timed out"),
        "{reasons}"
    );
    assert!(
        reasons.contains("huge.js") && reasons.contains("--max-response-size (1000000 bytes)"),
        "{reasons}"
    );
    assert!(run.stderr.contains("scan incomplete"), "{}", run.stderr);

    let loop_rec = record(&report, &site.url("/loop-a.js"));
    assert_eq!(loop_rec["outcome"], "failed");
    assert!(
        loop_rec["reason"]
            .as_str()
            .unwrap()
            .contains("redirect loop"),
        "{loop_rec:#}"
    );
    let evil = record(&report, "https://evil.example/x.js");
    assert_eq!(evil["outcome"], "skipped");
    assert!(evil["reason"].as_str().unwrap().contains("out of scope"));
    let map = record(&report, "https://maps.evil.example/app.js.map");
    assert_eq!(map["outcome"], "skipped");
    assert_eq!(map["from"], site.url("/app.js").as_str());
    let passwd = record(&report, "file:///etc/passwd");
    assert_eq!(passwd["outcome"], "skipped");
    assert!(
        passwd["reason"].as_str().unwrap().contains("file:"),
        "{passwd:#}"
    );
    // The endless body was cut off near the limit, not read to the end.
    assert!(
        sent.load(Ordering::Relaxed) < 64 * 1000 * 1000,
        "{} bytes sent",
        sent.load(Ordering::Relaxed)
    );
    assert!(took < Duration::from_secs(30), "{took:?}");
    // Only this server was asked, and never for a local file.
    assert!(
        !site.requested().iter().any(|p| p.contains("/etc/")),
        "{:?}",
        site.requested()
    );
}

#[test]
fn a_100_mb_response_stops_at_the_default_limit() {
    let sent = Arc::new(AtomicU64::new(0));
    let mut r = HashMap::new();
    r.insert(
        "/".to_string(),
        ok("text/html", r#"<script src="/bundle.js"></script>"#),
    );
    r.insert("/bundle.js".into(), Route::Endless(Arc::clone(&sent)));
    let site = Site::start(r, None);
    let (run, report) = url_json(&[&site.url("/"), "--no-probe"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let rec = record(&report, &site.url("/bundle.js"));
    assert_eq!(rec["outcome"], "failed");
    let limit = leakhound::source::web::crawl::DEFAULT_MAX_RESPONSE_BYTES;
    assert!(limit < 100 * 1000 * 1000);
    assert!(
        rec["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("--max-response-size ({limit} bytes)")),
        "{rec:#}"
    );
    let n = sent.load(Ordering::Relaxed);
    assert!(
        n < 100 * 1000 * 1000,
        "{n} bytes sent: the client must stop reading at the limit"
    );
}

#[test]
fn request_limit_makes_the_scan_incomplete() {
    let mut r = HashMap::new();
    r.insert(
        "/".to_string(),
        ok("text/html", r#"<script src="/a.js"></script><script src="/b.js"></script><script src="/c.js"></script>"#),
    );
    for p in ["/a.js", "/b.js", "/c.js"] {
        r.insert(p.to_string(), ok("application/javascript", "1"));
    }
    let site = Site::start(r, None);
    let (run, report) = url_json(&[
        &site.url("/"),
        "--no-probe",
        "--max-requests",
        "3",
        "--concurrency",
        "1",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let reasons = report["summary"]["incomplete_reasons"].to_string();
    assert!(
        reasons.contains("request limit reached (--max-requests 3)"),
        "{reasons}"
    );
    let skipped: Vec<&Value> = report["summary"]["urls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["outcome"] == "skipped")
        .collect();
    assert!(!skipped.is_empty(), "{report:#}");
    assert!(site.requested().len() <= 3, "{:?}", site.requested());
}

#[test]
fn requests_are_rate_limited() {
    let mut r = HashMap::new();
    let scripts: String = (0..6)
        .map(|i| format!("<script src=\"/s{i}.js\"></script>"))
        .collect();
    r.insert("/".to_string(), ok("text/html", scripts));
    for i in 0..6 {
        r.insert(format!("/s{i}.js"), ok("application/javascript", "1"));
    }
    let site = Site::start(r, None);
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let run = run_in(
        dir.path(),
        &[
            "url",
            "--format",
            "json",
            "--no-probe",
            "--rate",
            "5",
            &site.url("/"),
        ],
    );
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let n = site.requested().len();
    assert!(
        n >= 13,
        "page, soft-404 check, 3 manifests, 6 scripts, their maps: {n}"
    );
    // n requests at 5/s take at least (n-1)/5 seconds.
    let floor = Duration::from_millis((n as u64 - 1) * 200);
    assert!(
        took >= floor,
        "{n} requests in {took:?}, expected at least {floor:?}"
    );
}

#[test]
fn headers_cookies_and_user_agent() {
    let mut r = HashMap::new();
    r.insert("/".to_string(), ok("text/html", "<p>hi</p>"));
    let site = Site::start(r, None);
    // A second server records request headers.
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen2 = Arc::clone(&seen);
    let handle = std::thread::spawn(move || {
        while let Ok(Some(req)) = server.recv_timeout(Duration::from_secs(20)) {
            let h: Vec<String> = req
                .headers()
                .iter()
                .map(|h| format!("{}: {}", h.field, h.value))
                .collect();
            seen2.lock().unwrap().push(h.join("\n"));
            let _ = req.respond(
                tiny_http::Response::from_string("<p>x</p>")
                    .with_header(header("Content-Type", "text/html")),
            );
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(
        dir.path(),
        &[
            "url",
            "--no-probe",
            "--rate",
            "100",
            "--header",
            "X-Staging: let-me-in",
            "--cookie",
            "session=abc",
            &format!("http://127.0.0.1:{port}/"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = seen.lock().unwrap().join("\n---\n").to_ascii_lowercase();
    assert!(all.contains("x-staging: let-me-in"), "{all}");
    assert!(all.contains("cookie: session=abc"), "{all}");
    assert!(
        all.contains(&format!(
            "user-agent: leakhound/{} (+https://github.com/leakhound/leakhound)",
            env!("CARGO_PKG_VERSION")
        )),
        "{all}"
    );
    assert!(!run.stdout.contains("abc"), "header values never printed");
    drop(site);
    let _ = handle;
}

#[test]
fn sarif_and_jsonl_locate_findings_by_url() {
    let (site, ..) = vite_site();
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(
        dir.path(),
        &["url", "--format", "sarif", "--rate", "200", &site.url("/")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let log = run.json();
    assert_valid_sarif(&log);
    let uris: BTreeSet<String> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        uris.contains(&site.url("/assets/Admin-0a1b2c3d.js")),
        "{uris:?}"
    );
    assert!(
        uris.iter().all(|u| u.starts_with("http://127.0.0.1:")),
        "{uris:?}"
    );

    let run = run_in(
        dir.path(),
        &["url", "--format", "jsonl", "--rate", "200", &site.url("/")],
    );
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert!(summary["urls"].as_array().unwrap().len() > 10);
    assert!(lines.iter().any(|l| l["rule_id"] == "stripe-secret-key"));
}

#[test]
fn human_output_lists_urls_with_verbose() {
    let (site, key, ..) = vite_site();
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["url", "--rate", "200", &site.url("/")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("(--verbose lists them)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&site.url("/assets/Lazy-4f5a6b7c.js")));
    assert!(
        run.stdout.contains("original ../src/config.ts:3:19"),
        "{}",
        run.stdout
    );
    let verbose = run_in(
        dir.path(),
        &["url", "--rate", "200", "--verbose", &site.url("/")],
    );
    assert!(
        verbose.stdout.contains(&format!(
            "not-found 404 probe    {}",
            site.url("/.env.local")
        )),
        "{}",
        verbose.stdout
    );
    assert!(!verbose.stdout.contains(&key));
}

#[test]
fn bad_arguments_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["url", "example.com"],
        vec!["url", "file:///etc/passwd"],
        vec!["url", "http://127.0.0.1:1/", "--header", "no colon"],
        vec!["url", "http://127.0.0.1:1/", "--rate", "0"],
    ] {
        let run = run_in(dir.path(), &args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("leakhound: error"), "{}", run.stderr);
    }
}

/// A resolver that pretends `public.test` is a public host while it points at the
/// local test server, and classifies everything else as the system would.
#[derive(Debug)]
struct PretendPublic {
    port: u16,
}

impl leakhound::http::guard::Resolve for PretendPublic {
    fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> std::io::Result<Vec<leakhound::http::guard::Resolved>> {
        let local = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        match host {
            "public.test" => Ok(vec![leakhound::http::guard::Resolved {
                addr: local,
                internal: false,
            }]),
            // A name that resolves to loopback, as a DNS-rebinding attacker's would.
            "rebind.test" => Ok(vec![leakhound::http::guard::Resolved {
                addr: local,
                internal: true,
            }]),
            other => leakhound::http::guard::SystemResolver.resolve(other, port),
        }
    }
}

#[test]
fn a_public_site_cannot_redirect_the_crawler_to_loopback() {
    let mut r = HashMap::new();
    r.insert(
        "/".to_string(),
        ok(
            "text/html",
            r#"<script src="http://rebind.test/r.js"></script><script src="/go.js"></script>"#,
        ),
    );
    let site = Site::start(r, None);
    let port = site.port;
    // /go.js redirects to the loopback address of this very server.
    site.add(
        "/go.js",
        Route::Redirect(format!("http://127.0.0.1:{port}/secret.js")),
    );
    site.add("/secret.js", ok("application/javascript", "internal"));
    let opts = leakhound::source::web::CrawlOptions {
        starts: vec![url::Url::parse(&format!("http://public.test:{port}/")).unwrap()],
        // Even hosts the user allowed are refused on internal addresses.
        allow_hosts: vec!["127.0.0.1".into(), "rebind.test".into()],
        headers: Vec::new(),
        probes: false,
        insecure: false,
        limits: leakhound::source::web::Limits {
            rate: 200.0,
            ..Default::default()
        },
        resolver: Arc::new(PretendPublic { port }),
    };
    let crawl = leakhound::source::web::crawl(opts);
    let rec = |u: &str| {
        crawl
            .records
            .iter()
            .find(|r| r.url == u)
            .unwrap_or_else(|| panic!("{u} not in {:#?}", crawl.records))
    };
    let page = rec(&format!("http://public.test:{port}/"));
    assert_eq!(
        page.outcome,
        leakhound::source::web::Outcome::Fetched,
        "{page:?}"
    );
    let go = rec(&format!("http://public.test:{port}/go.js"));
    assert_eq!(
        go.outcome,
        leakhound::source::web::Outcome::Skipped,
        "{go:?}"
    );
    assert!(
        go.reason.contains("refused") && go.reason.contains("127.0.0.1"),
        "{go:?}"
    );
    let rebind = rec("http://rebind.test/r.js");
    assert_eq!(
        rebind.outcome,
        leakhound::source::web::Outcome::Skipped,
        "{rebind:?}"
    );
    assert!(rebind.reason.contains("internal address"), "{rebind:?}");
    assert!(
        crawl.incomplete.is_empty(),
        "refusals are policy: {:?}",
        crawl.incomplete
    );
    let asked = site.requested();
    assert_eq!(
        asked.iter().filter(|p| p.contains("secret")).count(),
        0,
        "{asked:?}"
    );
    assert_eq!(
        asked.iter().filter(|p| p.contains("r.js")).count(),
        0,
        "{asked:?}"
    );
}
