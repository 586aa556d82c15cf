//! The crawler: a bounded, polite, same-origin fetch of everything a browser
//! loads from the start URLs, plus guessed maps, bundler manifests and probes.
//!
//! Workers pull tasks from one queue; every request waits for the rate limiter;
//! each limit (requests, bytes, time, response size, timeout) that is reached
//! makes the crawl incomplete, with the reason. Redirects are followed here, one
//! hop at a time, each hop scope-checked and loop-checked.

use super::discover::{self, RefKind};
use super::probe::{self, ProbeKind, Soft404};
use super::record::{Outcome, UrlRecord};
use super::scope::{self, Scope, display_url};
use crate::http::guard::Resolve;
use crate::http::{Client, ClientConfig, FetchError, Method, Request, Response};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// Default `--max-requests`: a large single-page app loads 50-300 files; 500
/// covers that with room for probes and guessed maps, and stays polite.
pub const DEFAULT_MAX_REQUESTS: u64 = 500;
/// Default `--max-bytes`: 200 MB of decoded responses, held in memory until scanned.
pub const DEFAULT_MAX_BYTES: u64 = 200 * 1000 * 1000;
/// Default `--max-response-size`: the folder scan's per-file limit (the largest
/// real bundles and maps are tens of megabytes).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = crate::scan::policy::DEFAULT_MAX_FILE_SIZE;
/// Default `--timeout` in seconds, per request (connect, headers and body).
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default `--time-budget` in seconds for the whole crawl.
pub const DEFAULT_TIME_BUDGET_SECS: u64 = 600;
/// Default `--concurrency`: requests in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// Default `--rate`: requests per second, across all workers.
pub const DEFAULT_RATE: f64 = 10.0;
/// Redirect hops followed for one URL (browsers allow 20; real sites use 1-3).
pub const MAX_REDIRECTS: usize = 10;
/// How long an idle worker waits before re-checking the queue.
const IDLE_WAIT: Duration = Duration::from_millis(50);

/// The crawl's limits.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_requests: u64,
    pub max_bytes: u64,
    pub max_response_bytes: u64,
    pub timeout: Duration,
    pub time_budget: Duration,
    pub concurrency: usize,
    /// Requests per second.
    pub rate: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_requests: DEFAULT_MAX_REQUESTS,
            max_bytes: DEFAULT_MAX_BYTES,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            time_budget: Duration::from_secs(DEFAULT_TIME_BUDGET_SECS),
            concurrency: DEFAULT_CONCURRENCY,
            rate: DEFAULT_RATE,
        }
    }
}

/// What to crawl and how.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    pub starts: Vec<Url>,
    /// Hosts (any port) added to the scope.
    pub allow_hosts: Vec<String>,
    /// Headers sent to the start URLs' origins only (`--header`, `--cookie`).
    pub headers: Vec<(String, String)>,
    /// Probe the documented exposure list.
    pub probes: bool,
    pub insecure: bool,
    pub limits: Limits,
    /// Name resolution (the system's outside tests).
    pub resolver: Arc<dyn Resolve>,
}

/// What a fetched response is, for the scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// A source map anyone can download.
    SourceMap,
    /// A probed file that should not be served.
    Probe(ProbeKind),
}

/// A response kept for scanning.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Where the content was finally served from (after redirects).
    pub url: Url,
    pub kind: &'static str,
    pub body: Vec<u8>,
    /// For a script or stylesheet: the URL key of its fetched source map.
    pub map: Option<String>,
    pub exposure: Option<Exposure>,
}

/// The result of a crawl.
#[derive(Debug, Default)]
pub struct Crawl {
    pub fetched: Vec<Fetched>,
    /// Every URL with its outcome, sorted by URL.
    pub records: Vec<UrlRecord>,
    /// Why the crawl is incomplete (limits reached, start URLs or referenced files unreadable).
    pub incomplete: Vec<String>,
    pub requests: u64,
    pub bytes: u64,
    pub elapsed: Duration,
}

/// How a URL came to be crawled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    Start,
    Referenced,
    Guessed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Page,
    Asset(RefKind),
    /// A bundler manifest (JSON).
    BundlerManifest,
    Probe(ProbeKind),
    Soft404Check,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Asset(RefKind::Script) => "script",
            Kind::Asset(RefKind::Style) => "style",
            Kind::Asset(RefKind::Map) => "map",
            Kind::Asset(RefKind::Manifest) | Kind::BundlerManifest => "manifest",
            Kind::Probe(_) => "probe",
            Kind::Soft404Check => "soft-404-check",
        }
    }
}

#[derive(Debug, Clone)]
struct Task {
    url: Url,
    kind: Kind,
    why: Why,
    from: Option<String>,
}

/// Why no usable response came back.
#[derive(Debug)]
enum Failure {
    Fetch(FetchError),
    Redirect(String),
    RedirectOut(Url, scope::OutOfScope),
    Limit(Stop),
}

/// A finished request (after redirects).
struct Done {
    task: Task,
    final_url: Url,
    result: Result<Response, Failure>,
}

/// A crawl-wide limit that stopped the crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Requests,
    Bytes,
    Time,
}

impl Stop {
    fn describe(self, l: &Limits) -> String {
        match self {
            Stop::Requests => format!("request limit reached (--max-requests {})", l.max_requests),
            Stop::Bytes => format!("byte limit reached (--max-bytes {})", l.max_bytes),
            Stop::Time => format!(
                "time budget reached (--time-budget {}s)",
                l.time_budget.as_secs()
            ),
        }
    }
}

/// Spaces requests `1/rate` apart across all workers.
struct RateLimiter {
    interval: Duration,
    next: Mutex<Instant>,
}

impl RateLimiter {
    fn new(rate: f64) -> RateLimiter {
        RateLimiter {
            interval: Duration::from_secs_f64(1.0 / rate),
            next: Mutex::new(Instant::now()),
        }
    }

    fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }
}

/// Shared mutable crawl state.
#[derive(Default)]
struct State {
    queue: VecDeque<Task>,
    seen: HashSet<String>,
    in_flight: usize,
    /// Bytes received, and bytes reserved by requests in flight (their caps).
    bytes: u64,
    reserved: u64,
    stop: Option<Stop>,
    done: Vec<Done>,
    records: Vec<UrlRecord>,
    /// Script or stylesheet URL key -> its map's URL key.
    maps: HashMap<String, String>,
    incomplete: Vec<String>,
}

struct Crawler {
    client: Client,
    scope: Scope,
    opts: CrawlOptions,
    rate: RateLimiter,
    requests: AtomicU64,
    start: Instant,
    state: Mutex<State>,
    wake: Condvar,
}

/// Crawl from `opts.starts`; never fails as a whole: problems are in the result.
pub fn crawl(opts: CrawlOptions) -> Crawl {
    let start = Instant::now();
    let mut policy = crate::http::guard::AddressPolicy::default();
    for u in &opts.starts {
        // The user's own start URL may be on an internal address (a staging box,
        // a local dev server): that host, and only it, is trusted there.
        if let (Some(host), Some(port)) = (u.host_str(), u.port_or_known_default())
            && opts
                .resolver
                .resolve(host, port)
                .is_ok_and(|a| a.iter().any(|r| r.internal))
        {
            policy
                .trusted_internal_hosts
                .insert(host.to_ascii_lowercase());
        }
    }
    let client = Client::new(ClientConfig {
        timeout: opts.limits.timeout,
        insecure: opts.insecure,
        resolver: Arc::clone(&opts.resolver),
        policy,
    });
    let crawler = Crawler {
        client,
        scope: Scope::new(&opts.starts, &opts.allow_hosts),
        rate: RateLimiter::new(opts.limits.rate),
        requests: AtomicU64::new(0),
        start,
        state: Mutex::new(State::default()),
        wake: Condvar::new(),
        opts,
    };
    crawler.seed();
    std::thread::scope(|s| {
        for _ in 0..crawler.opts.limits.concurrency.max(1) {
            s.spawn(|| crawler.work());
        }
    });
    crawler.finish()
}

impl Crawler {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Start pages first, then per origin the soft-404 check, manifests and probes.
    fn seed(&self) {
        let mut st = self.lock();
        let starts = self.opts.starts.clone();
        for u in &starts {
            self.enqueue(&mut st, u.clone(), Kind::Page, Why::Start, None);
        }
        let mut origins = HashSet::new();
        for u in &starts {
            if !origins.insert(scope::origin_key(u)) {
                continue;
            }
            let guess = |path: &str, kind: Kind, st: &mut State| {
                if let Ok(target) = u.join(path) {
                    self.enqueue(st, target, kind, Why::Guessed, None);
                }
            };
            let random = format!("/leakhound-soft-404-check-{:016x}", rand::random::<u64>());
            guess(&random, Kind::Soft404Check, &mut st);
            for m in probe::MANIFESTS {
                guess(m, Kind::BundlerManifest, &mut st);
            }
            if self.opts.probes {
                for (path, kind) in probe::PROBES {
                    guess(path, Kind::Probe(*kind), &mut st);
                }
                for path in probe::backup_paths(u.path()) {
                    guess(&path, Kind::Probe(ProbeKind::Backup), &mut st);
                }
            }
        }
    }

    /// Queue `url` once; record it as skipped when out of scope.
    fn enqueue(&self, st: &mut State, url: Url, kind: Kind, why: Why, from: Option<&Url>) {
        let url = scope::normalize(url);
        if !st.seen.insert(url.as_str().to_string()) {
            return;
        }
        let from = from.map(display_url);
        if let Err(e) = self.scope.check(&url) {
            st.records.push(UrlRecord {
                url: display_url(&url),
                outcome: Outcome::Skipped,
                kind: kind.label(),
                status: None,
                bytes: 0,
                reason: e.to_string(),
                from,
            });
            return;
        }
        st.queue.push_back(Task {
            url,
            kind,
            why,
            from,
        });
    }

    fn work(&self) {
        while let Some((task, cap)) = self.next_task() {
            let done = self.fetch(task, cap);
            let found = self.discover(&done);
            let mut st = self.lock();
            st.in_flight -= 1;
            st.reserved -= cap;
            if let Ok(r) = &done.result {
                st.bytes += r.body.len() as u64;
            }
            for (url, kind, why, map_of) in found {
                if let Some(of) = map_of {
                    st.maps
                        .insert(of, scope::normalize(url.clone()).to_string());
                }
                self.enqueue(&mut st, url, kind, why, Some(&done.final_url));
            }
            st.done.push(done);
            drop(st);
            self.wake.notify_all();
        }
        self.wake.notify_all();
    }

    /// The next task and its byte cap, or `None` when the crawl is over.
    fn next_task(&self) -> Option<(Task, u64)> {
        let limits = &self.opts.limits;
        let mut st = self.lock();
        loop {
            if st.stop.is_some() {
                return None;
            }
            if !st.queue.is_empty() {
                let stop = if self.requests.load(Ordering::Relaxed) >= limits.max_requests {
                    Some(Stop::Requests)
                } else if self.start.elapsed() >= limits.time_budget {
                    Some(Stop::Time)
                } else {
                    None
                };
                if let Some(s) = stop {
                    st.stop = Some(s);
                    return None;
                }
                // A request reserves its whole cap; one with less than a full
                // response left starts only when nothing else is in flight, so a
                // response cut short by the cap means the byte budget is spent.
                let left = limits.max_bytes.saturating_sub(st.bytes + st.reserved);
                let cap = left.min(limits.max_response_bytes);
                if cap == limits.max_response_bytes || st.in_flight == 0 {
                    if cap == 0 {
                        st.stop = Some(Stop::Bytes);
                        return None;
                    }
                    let task = st.queue.pop_front()?;
                    st.in_flight += 1;
                    st.reserved += cap;
                    return Some((task, cap));
                }
            } else if st.in_flight == 0 {
                return None;
            }
            st = self
                .wake
                .wait_timeout(st, IDLE_WAIT)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Request `task.url`, following in-scope redirects.
    fn fetch(&self, task: Task, cap: u64) -> Done {
        let limits = &self.opts.limits;
        let mut url = task.url.clone();
        let mut chain = vec![url.as_str().to_string()];
        loop {
            if self.requests.fetch_add(1, Ordering::Relaxed) >= limits.max_requests {
                self.requests.fetch_sub(1, Ordering::Relaxed);
                return done(task, url, Err(Failure::Limit(Stop::Requests)));
            }
            self.rate.wait();
            let headers: &[(String, String)] = if self.scope.is_start_origin(&url) {
                &self.opts.headers
            } else {
                &[]
            };
            let req = Request {
                method: Method::Get,
                url: &url,
                headers,
                limit: cap,
            };
            let resp = match self.client.fetch(&req) {
                Ok(r) => r,
                Err(FetchError::TooLarge(_)) if cap < limits.max_response_bytes => {
                    return done(task, url, Err(Failure::Limit(Stop::Bytes)));
                }
                Err(e) => return done(task, url, Err(Failure::Fetch(e))),
            };
            let Some(location) = resp.redirect() else {
                return done(task, url, Ok(resp));
            };
            let Some(next) = scope::resolve(&url, location) else {
                return done(
                    task,
                    url,
                    Err(Failure::Redirect("redirect to an unusable Location".into())),
                );
            };
            if let Err(e) = self.scope.check(&next) {
                return done(task, url, Err(Failure::RedirectOut(next, e)));
            }
            if chain.iter().any(|c| c == next.as_str()) {
                let why = format!(
                    "redirect loop: {} -> {}",
                    display_url(&url),
                    display_url(&next)
                );
                return done(task, url, Err(Failure::Redirect(why)));
            }
            if chain.len() > MAX_REDIRECTS {
                return done(
                    task,
                    url,
                    Err(Failure::Redirect(format!(
                        "more than {MAX_REDIRECTS} redirects"
                    ))),
                );
            }
            chain.push(next.as_str().to_string());
            self.lock().seen.insert(next.as_str().to_string());
            url = next;
        }
    }

    /// What a successful response references: `(url, kind, why, map-of)`, where
    /// `map-of` names the script a map belongs to.
    fn discover(&self, d: &Done) -> Vec<(Url, Kind, Why, Option<String>)> {
        let Ok(resp) = &d.result else {
            return Vec::new();
        };
        if !(200..300).contains(&resp.status) {
            return Vec::new();
        }
        let base = &d.final_url;
        let mut out = Vec::new();
        match content_class(d.task.kind, resp, base) {
            Class::Html => {
                let refs = discover::html(&resp.body);
                let doc_base = refs
                    .base
                    .as_deref()
                    .and_then(|b| base.join(b).ok())
                    .unwrap_or_else(|| base.clone());
                for (r, kind) in &refs.refs {
                    if let Some(u) = scope::resolve(&doc_base, r) {
                        out.push((u, Kind::Asset(*kind), Why::Referenced, None));
                    }
                }
                let next_prefix = refs
                    .refs
                    .iter()
                    .find_map(|(r, _)| r.find("/_next/").map(|i| r[..i + 7].to_string()));
                let pp = refs.inline.public_path.clone().or(next_prefix.clone());
                for a in &refs.inline.assets {
                    if let Some(u) = resolve_asset(&doc_base, a, pp.as_deref()) {
                        out.push((u, Kind::Asset(RefKind::of_path(a)), Why::Referenced, None));
                    }
                }
                if let Some(id) = &refs.next_build_id {
                    let prefix = next_prefix.unwrap_or_else(|| "/_next/".to_string());
                    for f in ["_buildManifest.js", "_ssgManifest.js"] {
                        if let Ok(u) = doc_base.join(&format!("{prefix}static/{id}/{f}")) {
                            out.push((u, Kind::Asset(RefKind::Manifest), Why::Guessed, None));
                        }
                    }
                }
            }
            Class::Script | Class::Style => {
                if matches!(d.task.kind, Kind::Asset(_) | Kind::Page | Kind::Probe(_)) {
                    let script = d.task.kind != Kind::Asset(RefKind::Style)
                        && content_class(d.task.kind, resp, base) == Class::Script;
                    if script {
                        let refs = super::js::scan(&resp.body);
                        for a in &refs.assets {
                            if let Some(u) = resolve_asset(base, a, refs.public_path.as_deref()) {
                                out.push((
                                    u,
                                    Kind::Asset(RefKind::of_path(a)),
                                    Why::Referenced,
                                    None,
                                ));
                            }
                        }
                    }
                    out.extend(map_reference(base, resp));
                }
            }
            Class::Json if d.task.kind == Kind::BundlerManifest => {
                // `/.vite/manifest.json` lists paths relative to the build root, its parent.
                let root = if base.path().contains("/.vite/") {
                    base.join("../").ok()
                } else {
                    base.join("./").ok()
                };
                if let (Some(root), Some(files)) = (root, discover::manifest(&resp.body)) {
                    for f in files {
                        if let Some(u) = scope::resolve(&root, &f) {
                            out.push((u, Kind::Asset(RefKind::of_path(&f)), Why::Referenced, None));
                        }
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// Turn finished requests into the crawl result: judge probes and guesses,
    /// record every URL, list what the scanner gets.
    fn finish(self) -> Crawl {
        let limits = self.opts.limits.clone();
        let mut st = self.state.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Some(stop) = st.stop {
            let why = stop.describe(&limits);
            let left = st.queue.len();
            for t in std::mem::take(&mut st.queue) {
                st.records
                    .push(record(&t, &t.url, Outcome::Skipped, None, 0, why.clone()));
            }
            st.incomplete
                .push(format!("{why}: {left} URL{} not fetched", plural(left)));
        }
        // Per origin: the catch-all answer and the start page, for soft-404 checks.
        let mut soft: HashMap<String, Soft404> = HashMap::new();
        let mut start_pages: HashMap<String, Vec<u8>> = HashMap::new();
        for d in &st.done {
            let key = scope::origin_key(&d.task.url);
            match (&d.result, d.task.kind) {
                (Ok(r), Kind::Soft404Check) => {
                    soft.insert(
                        key,
                        Soft404 {
                            body: (200..300).contains(&r.status).then(|| r.body.clone()),
                        },
                    );
                }
                (Ok(r), Kind::Page) if (200..300).contains(&r.status) => {
                    start_pages.entry(key).or_insert_with(|| r.body.clone());
                }
                _ => {}
            }
        }
        let done = std::mem::take(&mut st.done);
        let mut fetched = Vec::new();
        let mut fetched_keys = HashSet::new();
        for d in done {
            let key = scope::origin_key(&d.task.url);
            let judged = judge(
                &d,
                soft.get(&key),
                start_pages.get(&key).map(Vec::as_slice),
                &limits,
            );
            if let Some(reason) = &judged.incomplete {
                st.incomplete.push(reason.clone());
            }
            let status = d.result.as_ref().ok().map(|r| r.status);
            let bytes = d.result.as_ref().map_or(0, |r| r.body.len() as u64);
            let mut reason = judged.reason;
            if d.final_url != d.task.url {
                let hop = format!("redirected to {}", display_url(&d.final_url));
                reason = if reason.is_empty() {
                    hop
                } else {
                    format!("{hop}; {reason}")
                };
            }
            st.records.push(record(
                &d.task,
                &d.task.url,
                judged.outcome,
                status,
                bytes,
                reason,
            ));
            if let (Outcome::Fetched, Ok(resp)) = (judged.outcome, d.result) {
                fetched_keys.insert(d.final_url.as_str().to_string());
                fetched.push(Fetched {
                    url: d.final_url,
                    kind: d.task.kind.label(),
                    body: resp.body,
                    map: None,
                    exposure: judged.exposure,
                });
            }
        }
        for f in &mut fetched {
            f.map = st
                .maps
                .get(f.url.as_str())
                .filter(|m| fetched_keys.contains(*m))
                .cloned();
        }
        st.records.sort();
        st.incomplete.sort();
        st.incomplete.dedup();
        Crawl {
            fetched,
            records: st.records,
            incomplete: st.incomplete,
            requests: self.requests.load(Ordering::Relaxed),
            bytes: st.bytes,
            elapsed: self.start.elapsed(),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn done(task: Task, final_url: Url, result: Result<Response, Failure>) -> Done {
    Done {
        task,
        final_url,
        result,
    }
}

fn record(
    t: &Task,
    url: &Url,
    outcome: Outcome,
    status: Option<u16>,
    bytes: u64,
    reason: String,
) -> UrlRecord {
    UrlRecord {
        url: display_url(url),
        outcome,
        kind: t.kind.label(),
        status,
        bytes,
        reason,
        from: t.from.clone(),
    }
}

/// How a response is read for discovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Html,
    Script,
    Style,
    Json,
    Map,
    Other,
}

fn content_class(kind: Kind, resp: &Response, url: &Url) -> Class {
    let ctype = resp
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let path = url.path().to_ascii_lowercase();
    if kind == Kind::Asset(RefKind::Map) || path.ends_with(".map") {
        return Class::Map;
    }
    if ctype.contains("html") {
        return Class::Html;
    }
    if ctype.contains("javascript") || ctype.contains("ecmascript") {
        return Class::Script;
    }
    if ctype.contains("css") {
        return Class::Style;
    }
    if ctype.contains("json") || path.ends_with(".json") {
        return Class::Json;
    }
    if [".js", ".mjs", ".cjs"].iter().any(|e| path.ends_with(e)) {
        return Class::Script;
    }
    if path.ends_with(".css") {
        return Class::Style;
    }
    if probe::looks_like_html(&resp.body) {
        return Class::Html;
    }
    Class::Other
}

/// A script's or stylesheet's source map: its `sourceMappingURL`, else a
/// `SourceMap`/`X-SourceMap` header, else the guess `<url>.map`. Inline `data:`
/// maps are read by the source-map reader, not fetched.
fn map_reference(base: &Url, resp: &Response) -> Option<(Url, Kind, Why, Option<String>)> {
    let of = Some(base.as_str().to_string());
    let referenced = crate::artifact::sourcemap::reference_in_tail(&resp.body)
        .or_else(|| resp.header("sourcemap").map(str::to_string))
        .or_else(|| resp.header("x-sourcemap").map(str::to_string));
    match referenced {
        Some(r) if r.trim_start().to_ascii_lowercase().starts_with("data:") => None,
        Some(r) => base
            .join(r.trim())
            .ok()
            .map(|u| (u, Kind::Asset(RefKind::Map), Why::Referenced, of)),
        None => {
            let mut guess = base.clone();
            guess.set_query(None);
            guess.set_path(&format!("{}.map", base.path()));
            Some((guess, Kind::Asset(RefKind::Map), Why::Guessed, of))
        }
    }
}

/// Resolve an asset path found in a script at `doc`. Relative (`./`, `../`),
/// root-relative and absolute paths resolve as a browser would. A bare path
/// (`static/chunks/1.js`, `assets/Lazy.js`) is relative to the bundler's public
/// path: the webpack `.p` when known, else the prefix of `doc`'s path that ends
/// where the candidate's first folder appears (`/_next/static/chunks/main.js` +
/// `static/chunks/1.js` → `/_next/static/chunks/1.js`), else the document's folder.
pub fn resolve_asset(doc: &Url, candidate: &str, public_path: Option<&str>) -> Option<Url> {
    let c = candidate.trim();
    let explicit = c.starts_with("./")
        || c.starts_with("../")
        || c.starts_with('/')
        || c.contains("://")
        || !c.contains('/');
    if explicit {
        return scope::resolve(doc, c);
    }
    if let Some(pp) = public_path {
        return scope::resolve(doc, &format!("{pp}{c}"));
    }
    let first = c.split('/').next().unwrap_or("");
    let path = doc.path();
    if let Some(i) = path.rfind(&format!("/{first}/")) {
        return scope::resolve(doc, &format!("{}{c}", &path[..=i]));
    }
    scope::resolve(doc, c)
}

/// How a finished request ends up in the log and the scan.
struct Judged {
    outcome: Outcome,
    reason: String,
    exposure: Option<Exposure>,
    /// Set when this failure makes the crawl incomplete.
    incomplete: Option<String>,
}

fn judge(d: &Done, soft: Option<&Soft404>, start_page: Option<&[u8]>, limits: &Limits) -> Judged {
    let url = display_url(&d.task.url);
    let guessed = d.task.why == Why::Guessed;
    let j = |outcome, reason: String, incomplete: bool| Judged {
        incomplete: incomplete.then(|| format!("{url}: {reason}")),
        outcome,
        reason,
        exposure: None,
    };
    let resp = match &d.result {
        Ok(r) => r,
        Err(Failure::Limit(stop)) => return j(Outcome::Skipped, stop.describe(limits), true),
        Err(Failure::Fetch(FetchError::Refused(r))) => {
            return j(Outcome::Skipped, format!("refused: {r}"), false);
        }
        Err(Failure::Fetch(FetchError::TooLarge(_))) => {
            let why = format!(
                "response over --max-response-size ({} bytes)",
                limits.max_response_bytes
            );
            return j(Outcome::Failed, why, true);
        }
        Err(Failure::Fetch(e @ FetchError::Timeout(_))) => {
            return j(Outcome::Failed, format!("{e} (--timeout)"), true);
        }
        Err(Failure::Fetch(e)) => return j(Outcome::Failed, e.to_string(), !guessed),
        Err(Failure::Redirect(r)) => {
            return j(Outcome::Failed, r.clone(), d.task.why == Why::Start);
        }
        Err(Failure::RedirectOut(to, e)) => {
            let reason = match e {
                scope::OutOfScope::Host(_) => {
                    format!("redirects out of scope to {}", display_url(to))
                }
                other => format!("redirect to {} not followed: {other}", display_url(to)),
            };
            return j(Outcome::Skipped, reason, d.task.why == Why::Start);
        }
    };
    let ok = (200..300).contains(&resp.status);
    if !ok {
        return match d.task.why {
            Why::Guessed => j(Outcome::NotFound, format!("HTTP {}", resp.status), false),
            Why::Referenced => j(Outcome::Failed, format!("HTTP {}", resp.status), false),
            Why::Start => j(Outcome::Failed, format!("HTTP {}", resp.status), true),
        };
    }
    match d.task.kind {
        Kind::Soft404Check => {
            let reason = if soft.and_then(|s| s.body.as_ref()).is_some() {
                "the site answers unknown paths with a page: probes are compared with it"
            } else {
                "unknown paths get an error status"
            };
            j(Outcome::NotFound, reason.to_string(), false)
        }
        Kind::Probe(p) => {
            let catch_all = soft.is_some_and(|s| s.is_catch_all(&resp.body, start_page))
                || start_page == Some(resp.body.as_slice());
            if catch_all {
                return j(
                    Outcome::NotFound,
                    "the site's catch-all page (soft 404)".into(),
                    false,
                );
            }
            if probe::looks_like_html(&resp.body) && !p.allows_html() {
                return j(
                    Outcome::NotFound,
                    "an HTML page, not the probed file".into(),
                    false,
                );
            }
            if !p.matches(&resp.body) {
                return j(
                    Outcome::NotFound,
                    "not the probed kind of file".into(),
                    false,
                );
            }
            Judged {
                outcome: Outcome::Fetched,
                reason: if p.is_exposure() {
                    "exposed".into()
                } else {
                    String::new()
                },
                exposure: p.is_exposure().then_some(Exposure::Probe(p)),
                incomplete: None,
            }
        }
        Kind::Asset(RefKind::Map) => {
            if !crate::artifact::sourcemap::looks_like_map(&resp.body) {
                let outcome = if guessed {
                    Outcome::NotFound
                } else {
                    Outcome::Failed
                };
                return j(outcome, "not a source map".into(), false);
            }
            Judged {
                outcome: Outcome::Fetched,
                reason: "source map published".into(),
                exposure: Some(Exposure::SourceMap),
                incomplete: None,
            }
        }
        Kind::BundlerManifest | Kind::Asset(RefKind::Manifest) if guessed => {
            let catch_all = soft.is_some_and(|s| s.is_catch_all(&resp.body, start_page))
                || probe::looks_like_html(&resp.body);
            let parsed =
                d.task.kind != Kind::BundlerManifest || discover::manifest(&resp.body).is_some();
            if catch_all || !parsed {
                return j(
                    Outcome::NotFound,
                    "not a manifest (catch-all page)".into(),
                    false,
                );
            }
            j(Outcome::Fetched, String::new(), false)
        }
        _ => j(Outcome::Fetched, String::new(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_asset_paths_resolve_against_the_public_path() {
        let u = |s: &str| Url::parse(s).unwrap();
        let main = u("https://a.example/_next/static/chunks/webpack-1a2b.js");
        assert_eq!(
            resolve_asset(&main, "static/chunks/12.ab.js", None)
                .unwrap()
                .as_str(),
            "https://a.example/_next/static/chunks/12.ab.js"
        );
        assert_eq!(
            resolve_asset(&main, "static/chunks/12.ab.js", Some("/cdn/_next/"))
                .unwrap()
                .as_str(),
            "https://a.example/cdn/_next/static/chunks/12.ab.js"
        );
        let vite = u("https://a.example/assets/index-1a2b.js");
        assert_eq!(
            resolve_asset(&vite, "assets/Lazy-3c4d.js", None)
                .unwrap()
                .as_str(),
            "https://a.example/assets/Lazy-3c4d.js"
        );
        assert_eq!(
            resolve_asset(&vite, "./Lazy-3c4d.js", None)
                .unwrap()
                .as_str(),
            "https://a.example/assets/Lazy-3c4d.js"
        );
        assert_eq!(
            resolve_asset(&vite, "chunk-5e6f7a.js", None)
                .unwrap()
                .as_str(),
            "https://a.example/assets/chunk-5e6f7a.js"
        );
    }
}
