//! Synthetic corpora for the throughput benchmark and the quality harness.
//!
//! [`Filler`] writes realistic source-like text in many languages and formats
//! (JS/TS/Python/Go/YAML/JSON lock files/Markdown/minified bundles/CI files)
//! full of the things that trip secret scanners: hex digests, UUIDs, lock-file
//! integrity strings, SRI hashes, base64 images, minified identifiers and git
//! SHAs. [`plant`] turns a rule's own examples, expanded with fresh seeds, into
//! planted secrets with their expected `(rule, secret)` label, and [`score`]
//! compares a scanner's JSON report with those labels.

use super::RuleSet;
use super::generate::Generator;
use crate::engine::Matcher;
use crate::lint::example_path;
use rand::{Rng, SeedableRng, rngs::SmallRng};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

/// A source-like format the filler can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Js,
    Ts,
    Py,
    Go,
    Yaml,
    Ci,
    LockJson,
    Json,
    Markdown,
    Html,
    MinJs,
    Shell,
}

/// Every format, for picking one at random.
pub const LANGS: &[Lang] = &[
    Lang::Js,
    Lang::Ts,
    Lang::Py,
    Lang::Go,
    Lang::Yaml,
    Lang::Ci,
    Lang::LockJson,
    Lang::Json,
    Lang::Markdown,
    Lang::Html,
    Lang::MinJs,
    Lang::Shell,
];

impl Lang {
    /// A file name extension (with any directory hint) for this format.
    pub fn file_name(self, stem: &str) -> String {
        match self {
            Lang::Js => format!("src/{stem}.js"),
            Lang::Ts => format!("src/{stem}.ts"),
            Lang::Py => format!("app/{stem}.py"),
            Lang::Go => format!("pkg/{stem}.go"),
            Lang::Yaml => format!("deploy/{stem}.yaml"),
            Lang::Ci => format!(".github/workflows/{stem}.yml"),
            Lang::LockJson => format!("{stem}/package-lock.json"),
            Lang::Json => format!("config/{stem}.json"),
            Lang::Markdown => format!("docs/{stem}.md"),
            Lang::Html => format!("public/{stem}.html"),
            Lang::MinJs => format!("dist/{stem}.min.js"),
            Lang::Shell => format!("scripts/{stem}.sh"),
        }
    }

    /// Line-comment prefix, for formats that have one.
    fn templates(self) -> &'static [&'static str] {
        match self {
            Lang::Js => JS,
            Lang::Ts => TS,
            Lang::Py => PY,
            Lang::Go => GO,
            Lang::Yaml => YAML,
            Lang::Ci => CI,
            Lang::LockJson => LOCK,
            Lang::Json => JSON,
            Lang::Markdown => MD,
            Lang::Html => HTML,
            Lang::MinJs => MIN,
            Lang::Shell => SH,
        }
    }
}

// Templates: `@i` identifier, `@I` TypeName, `@w` word, `@n` number, `@h` git SHA,
// `@H` sha256 hex, `@m` md5 hex, `@u` UUID, `@s` sha512 integrity, `@r` sha384 SRI,
// `@b` base64 image data, `@v` semver, `@e` env var name, `@x` minified identifier.
const JS: &[&str] = &[
    "import { @I } from './@w/@i.js';",
    "const @i = require('@w-@w');",
    "export function @i(@i, @i) {",
    "  const @i = await fetch(`/api/@w/${@i}`, { headers: { 'Content-Type': 'application/json' } });",
    "  if (!@i || @i.length === 0) return null;",
    "  return @i.map((@i) => @i.@i).filter(Boolean);",
    "}",
    "// TODO(@w): handle the @w case before release",
    "const @i = process.env.@e || '@w';",
    "module.exports = { @i, @i, @i };",
    "  this.@i = new Map(); // cache keyed by @w id",
    "const token = await getToken(@i); // the @w token comes from the session",
    "  @i.on('@w', (@i) => console.log('@w', @i.@i));",
    "const @i = { id: '@u', version: '@v', hash: '@m' };",
    "",
];
const TS: &[&str] = &[
    "export interface @I {",
    "  @i: string;",
    "  @i?: number | null;",
    "  readonly @i: @I[];",
    "}",
    "export class @I implements @I {",
    "  constructor(private readonly @i: @I, private @i: @I) {}",
    "  async @i(@i: string): Promise<@I> {",
    "    const key = `@w:${@i}`; // cache key, not a secret",
    "    return this.@i.get(key) ?? this.@i.@i(@i);",
    "  }",
    "}",
    "type @I = Record<string, @I>;",
    "const @i: @I = { apiKey: config.apiKey, secret: env.@e };",
    "",
];
const PY: &[&str] = &[
    "import @w",
    "from @w.@w import @I, @i",
    "def @i(@i, @i=None, **kwargs):",
    "    \"\"\"Return the @w for @w.\"\"\"",
    "    if @i is None:",
    "        raise ValueError(\"@w must be set\")",
    "    return [@i.@i for @i in @i if @i]",
    "class @I(@I):",
    "    @i = models.CharField(max_length=@n)",
    "    password = os.environ.get(\"@e\")",
    "    api_key = settings.@e",
    "    digest = \"@H\"",
    "    logger.info(\"@w %s\", @i)",
    "",
];
const GO: &[&str] = &[
    "package @w",
    "import (\n\t\"context\"\n\t\"fmt\"\n)",
    "func (@i *@I) @I(ctx context.Context, @i string) (*@I, error) {",
    "\tif err := @i.@I(ctx); err != nil {",
    "\t\treturn nil, fmt.Errorf(\"@w: %w\", err)",
    "\t}",
    "\treturn &@I{@I: @i, @I: @n}, nil",
    "}",
    "type @I struct {\n\t@I string `json:\"@i\"`\n\tToken string `json:\"token\"`\n}",
    "var @i = os.Getenv(\"@e\")",
    "const @I = \"@u\"",
    "",
];
const YAML: &[&str] = &[
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:\n  name: @w-@w\n  labels:\n    app: @w",
    "spec:\n  replicas: @n\n  template:\n    spec:\n      containers:\n        - name: @w\n          image: registry.local/@w:@v",
    "          env:\n            - name: @e\n              valueFrom:\n                secretKeyRef:\n                  name: @w-secret\n                  key: @w",
    "  checksum/config: @H",
    "  uid: @u",
    "# @w @w @w",
    "",
];
const CI: &[&str] = &[
    "name: @w",
    "on:\n  push:\n    branches: [main]",
    "jobs:\n  @w:\n    runs-on: ubuntu-latest\n    steps:",
    "      - uses: actions/checkout@@h",
    "      - uses: actions/setup-node@@h # v4",
    "      - run: npm ci && npm test",
    "        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    "      - run: echo \"sha=@h\" >> $GITHUB_OUTPUT",
    "      - run: sha256sum -c <<< \"@H  dist/@w.tar.gz\"",
    "",
];
const LOCK: &[&str] = &[
    "    \"node_modules/@w-@w\": {\n      \"version\": \"@v\",\n      \"resolved\": \"https://registry.npmjs.org/@w/-/@w-@v.tgz\",\n      \"integrity\": \"sha512-@s\",\n      \"dev\": true\n    },",
    "    \"node_modules/@w\": {\n      \"version\": \"@v\",\n      \"integrity\": \"sha512-@s\",\n      \"license\": \"MIT\"\n    },",
];
const JSON: &[&str] = &[
    "  \"@i\": \"@w\",",
    "  \"@i\": @n,",
    "  \"id\": \"@u\",",
    "  \"sha\": \"@h\",",
    "  \"checksum\": \"@H\",",
    "  \"@i\": { \"@i\": true, \"@i\": [\"@w\", \"@w\"] },",
    "  \"token_url\": \"https://auth.@w.internal/oauth/token\",",
    "  \"icon\": \"data:image/png;base64,@b\",",
];
const MD: &[&str] = &[
    "# @I @I",
    "## @I",
    "Run `npm install @w` and set `@e` to your @w key before starting.",
    "The @w token is read from the environment; never commit it.",
    "| @w | @w | @n |",
    "- [@w](https://docs.@w.dev/@w/@w)",
    "```bash\nexport @e=\"<your token>\"\n```",
    "Release @v (@h) fixes the @w @w.",
    "",
];
const HTML: &[&str] = &[
    "<script src=\"https://cdn.jsdelivr.net/npm/@w@@v/dist/@w.min.js\" integrity=\"sha384-@r\" crossorigin=\"anonymous\"></script>",
    "<link rel=\"stylesheet\" href=\"/static/@w.css?v=@m\">",
    "<div class=\"@w-@w\" data-id=\"@u\"><span>@w @w</span></div>",
    "<img alt=\"@w\" src=\"data:image/png;base64,@b\">",
    "<meta name=\"csrf-token\" content=\"@i\">",
];
const MIN: &[&str] = &[
    "function @x(@x,@x){var @x=@x[@x];return @x&&@x.@x?@x.@x(@x):void 0}",
    "@x.prototype.@i=function(@x){return this.@x.get(@x)||null};",
    "var @x=\"@w\",@x=@n,@x=!0,@x={@x:@x,@x:\"@m\"};",
    "@x(\"@w\",function(@x){@x.exports={@i:@x,key:@x.key,token:@x.token}});",
    "if(!@x)throw new Error(\"@w @w\");",
    "@x=@x||{},@x.@x=\"@h\";",
];
const SH: &[&str] = &[
    "#!/usr/bin/env bash",
    "set -euo pipefail",
    "export @e=\"${@e:-@w}\"",
    "curl -fsSL -H \"Authorization: Bearer $TOKEN\" https://api.@w.io/v1/@w",
    "if [[ -z \"${@e:-}\" ]]; then echo \"@e is not set\" >&2; exit 1; fi",
    "echo \"@H  @w.tar.gz\" | sha256sum -c -",
    "",
];

const WORDS: &[&str] = &[
    "user",
    "account",
    "order",
    "invoice",
    "cart",
    "payment",
    "session",
    "client",
    "server",
    "config",
    "cache",
    "queue",
    "worker",
    "job",
    "event",
    "handler",
    "router",
    "request",
    "response",
    "token",
    "auth",
    "login",
    "profile",
    "settings",
    "search",
    "index",
    "report",
    "export",
    "import",
    "upload",
    "download",
    "file",
    "image",
    "thumbnail",
    "video",
    "stream",
    "message",
    "channel",
    "notify",
    "email",
    "template",
    "render",
    "layout",
    "theme",
    "style",
    "button",
    "modal",
    "form",
    "input",
    "field",
    "value",
    "state",
    "store",
    "reducer",
    "action",
    "effect",
    "hook",
    "context",
    "provider",
    "service",
    "client",
    "adapter",
    "driver",
    "pool",
    "connection",
    "database",
    "table",
    "column",
    "record",
    "model",
    "schema",
    "migration",
    "query",
    "filter",
    "sort",
    "page",
    "limit",
    "offset",
    "cursor",
    "batch",
    "retry",
    "timeout",
    "deadline",
    "metric",
    "trace",
    "span",
    "logger",
    "level",
    "debug",
    "error",
    "warning",
    "build",
    "deploy",
    "release",
    "version",
    "feature",
    "flag",
    "toggle",
    "experiment",
    "tenant",
    "region",
    "zone",
    "cluster",
    "node",
    "pod",
    "volume",
    "secret",
    "key",
    "password",
    "credential",
    "permission",
    "role",
    "policy",
    "scope",
    "grant",
    "audit",
    "webhook",
    "api",
    "gateway",
    "proxy",
    "balancer",
    "health",
    "status",
    "monitor",
    "alert",
    "dashboard",
];
const ENV: &[&str] = &[
    "API_URL",
    "DATABASE_URL",
    "REDIS_HOST",
    "LOG_LEVEL",
    "NODE_ENV",
    "PORT",
    "API_KEY",
    "SECRET_KEY",
    "AUTH_TOKEN",
    "STRIPE_SECRET_KEY",
    "AWS_REGION",
    "SENTRY_DSN",
    "APP_ENV",
];

/// Writes filler text of one format.
pub struct Filler {
    rng: SmallRng,
}

impl Filler {
    /// A filler whose output is a pure function of `seed`.
    pub fn new(seed: u64) -> Self {
        Filler {
            rng: SmallRng::seed_from_u64(seed),
        }
    }

    /// A random format.
    pub fn lang(&mut self) -> Lang {
        LANGS[self.rng.random_range(0..LANGS.len())]
    }

    /// Random number in `range`.
    pub fn range(&mut self, range: std::ops::Range<usize>) -> usize {
        self.rng.random_range(range)
    }

    /// Append about `bytes` bytes of `lang` text to `out`, ending with a newline.
    pub fn fill(&mut self, lang: Lang, bytes: usize, out: &mut String) {
        let start = out.len();
        let t = lang.templates();
        let sep = if lang == Lang::MinJs { "" } else { "\n" };
        if lang == Lang::LockJson {
            out.push_str("{\n  \"name\": \"app\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n");
        }
        while out.len() - start < bytes {
            let tpl = t[self.rng.random_range(0..t.len())];
            self.expand(tpl, out);
            out.push_str(sep);
            if lang == Lang::MinJs && self.rng.random_range(0..200) == 0 {
                out.push('\n');
            }
        }
        if lang == Lang::LockJson {
            out.push_str("    \"\": {}\n  }\n}");
        }
        out.push('\n');
    }

    /// One filler line (or short block) of `lang`, newline-terminated.
    pub fn line(&mut self, lang: Lang, out: &mut String) {
        let t = lang.templates();
        let tpl = t[self.rng.random_range(0..t.len())];
        self.expand(tpl, out);
        out.push('\n');
    }

    fn word(&mut self) -> &'static str {
        WORDS[self.rng.random_range(0..WORDS.len())]
    }

    fn chars(&mut self, alphabet: &[u8], n: usize, out: &mut String) {
        for _ in 0..n {
            out.push(alphabet[self.rng.random_range(0..alphabet.len())] as char);
        }
    }

    fn expand(&mut self, tpl: &str, out: &mut String) {
        const HEX: &[u8] = b"0123456789abcdef";
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const ID: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$";
        let mut chars = tpl.chars();
        while let Some(c) = chars.next() {
            if c != '@' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('i') => {
                    let a = self.word();
                    let b = self.word();
                    out.push_str(a);
                    let mut bc = b.chars();
                    if let Some(f) = bc.next() {
                        out.push(f.to_ascii_uppercase());
                        out.push_str(bc.as_str());
                    }
                }
                Some('I') => {
                    for _ in 0..2 {
                        let w = self.word();
                        let mut wc = w.chars();
                        if let Some(f) = wc.next() {
                            out.push(f.to_ascii_uppercase());
                            out.push_str(wc.as_str());
                        }
                    }
                }
                Some('w') => {
                    let w = self.word();
                    out.push_str(w);
                }
                Some('n') => {
                    let n = self.rng.random_range(0..5000u32);
                    let _ = write!(out, "{n}");
                }
                Some('h') => self.chars(HEX, 40, out),
                Some('H') => self.chars(HEX, 64, out),
                Some('m') => self.chars(HEX, 32, out),
                Some('u') => {
                    for (i, n) in [8, 4, 4, 4, 12].into_iter().enumerate() {
                        if i > 0 {
                            out.push('-');
                        }
                        self.chars(HEX, n, out);
                    }
                }
                Some('s') => {
                    self.chars(B64, 86, out);
                    out.push_str("==");
                }
                Some('r') => self.chars(B64, 64, out),
                Some('b') => {
                    let n = self.rng.random_range(200..1500);
                    self.chars(B64, n, out);
                    out.push('=');
                }
                Some('v') => {
                    let (a, b, c) = (
                        self.rng.random_range(0..20u32),
                        self.rng.random_range(0..40u32),
                        self.rng.random_range(0..100u32),
                    );
                    let _ = write!(out, "{a}.{b}.{c}");
                }
                Some('e') => out.push_str(ENV[self.rng.random_range(0..ENV.len())]),
                Some('x') => {
                    let n = self.rng.random_range(1..3);
                    self.chars(ID, n, out);
                }
                Some(other) => {
                    out.push('@');
                    out.push(other);
                }
                None => out.push('@'),
            }
        }
    }
}

/// One planted secret: the rule that must find it, where, and its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label {
    pub path: String,
    pub rule: String,
    pub secret: String,
}

/// A rule example expanded with a fresh seed, and what its rule finds in it.
#[derive(Debug, Clone)]
pub struct Planted {
    /// The example text to write into a file.
    pub text: String,
    /// Secrets the rule itself finds in `text` (normally one).
    pub secrets: Vec<String>,
}

/// Expand `rule`'s `n`-th example (cycled) with `seed` and find what the rule
/// reports in it when scanned at `path`. `None` when the rule finds nothing.
pub fn plant(
    matcher: &mut Matcher,
    rule_index: usize,
    n: usize,
    seed: u64,
    path: &str,
) -> Option<Planted> {
    let rules = Arc::clone(matcher.rules());
    let def = &rules.rules[rule_index].def;
    if def.examples.is_empty() {
        return None;
    }
    let ex = &def.examples[n % def.examples.len()];
    let text = Generator::new(seed).expand(ex).ok()?;
    let secrets: Vec<String> = matcher
        .scan(text.as_bytes(), Some(path))
        .iter()
        .filter(|h| h.rule as usize == rule_index)
        .map(|h| String::from_utf8_lossy(h.secret(text.as_bytes())).into_owned())
        .collect();
    (!secrets.is_empty()).then_some(Planted { text, secrets })
}

/// The assignment an example line makes (`NAME=value`, `NAME: "value"`), if it is one.
fn assignment(text: &str) -> Option<(String, String)> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let re = RE
        .get_or_init(|| {
            regex::Regex::new(
                r#"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*[:=]\s*["']?([^"'\s]+)["']?\s*;?\s*$"#,
            )
            .ok()
        })
        .as_ref()?;
    let c = re.captures(text)?;
    Some((c[1].to_string(), c[2].to_string()))
}

/// Rewrite an example `NAME=value` line in `lang`'s own assignment style, so
/// planted secrets sit in varied realistic contexts, not only the rule author's.
pub fn restyle(lang: Lang, text: &str) -> Option<String> {
    let (name, value) = assignment(text)?;
    Some(match lang {
        Lang::Js | Lang::Ts => format!("const {name} = \"{value}\";"),
        Lang::Py => format!("{name} = '{value}'"),
        Lang::Go => format!("\t{name} := \"{value}\""),
        Lang::Yaml | Lang::Ci => format!("  {name}: \"{value}\""),
        Lang::Json | Lang::LockJson => format!("  \"{name}\": \"{value}\","),
        Lang::Shell => format!("export {name}=\"{value}\""),
        Lang::Markdown => format!("```\n{name}={value}\n```"),
        Lang::Html | Lang::MinJs => format!("var {name}=\"{value}\";"),
    })
}

/// A path-restricted rule's concrete file name (the glob made concrete).
pub fn restricted_path(def: &super::RuleDef) -> Option<String> {
    (!def.paths.is_empty()).then(|| example_path(def))
}

/// Per-rule and overall scores.
#[derive(Debug, Default, Clone)]
pub struct Score {
    /// rule id -> (planted, found by that rule).
    pub recall: BTreeMap<String, (usize, usize)>,
    /// rule id -> (true reports, false reports).
    pub precision: BTreeMap<String, (usize, usize)>,
    /// False reports: (rule, path, redacted value).
    pub false_positives: Vec<(String, String, String)>,
    /// Planted secrets that were not found: (rule, path).
    pub misses: Vec<(String, String)>,
}

impl Score {
    /// Overall recall over every planted secret.
    pub fn overall_recall(&self) -> f64 {
        let (p, f) = self
            .recall
            .values()
            .fold((0, 0), |a, &(p, f)| (a.0 + p, a.1 + f));
        if p == 0 { 1.0 } else { f as f64 / p as f64 }
    }

    /// Overall precision over every reported occurrence.
    pub fn overall_precision(&self) -> f64 {
        let (t, f) = self
            .precision
            .values()
            .fold((0, 0), |a, &(t, f)| (a.0 + t, a.1 + f));
        if t + f == 0 {
            1.0
        } else {
            t as f64 / (t + f) as f64
        }
    }
}

/// Score a leakhound JSON report (made with `--show-secrets`) against labels.
/// `snippets` maps a path to the planted example texts in it: a report of a
/// value inside a planted example (for example the key id next to a planted
/// AWS secret) is a true report, though not one the labels ask for.
pub fn score(
    labels: &[Label],
    snippets: &HashMap<String, Vec<String>>,
    report: &serde_json::Value,
) -> Score {
    let mut s = Score::default();
    let mut found: HashSet<(String, String, String)> = HashSet::new();
    let empty = Vec::new();
    for f in report["findings"].as_array().unwrap_or(&empty) {
        let rule = f["rule_id"].as_str().unwrap_or_default().to_string();
        let secret = f["secret"].as_str().unwrap_or_default().to_string();
        for o in f["occurrences"].as_array().unwrap_or(&empty) {
            let path = o["path"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("./")
                .to_string();
            let entry = s.precision.entry(rule.clone()).or_default();
            let in_snippet = snippets
                .get(&path)
                .is_some_and(|v| v.iter().any(|t| t.contains(&secret)));
            if in_snippet {
                entry.0 += 1;
            } else {
                entry.1 += 1;
                let shown: String = secret.chars().take(12).collect();
                s.false_positives
                    .push((rule.clone(), path.clone(), format!("{shown}…")));
            }
            found.insert((path, rule.clone(), secret.clone()));
        }
    }
    for l in labels {
        let e = s.recall.entry(l.rule.clone()).or_default();
        e.0 += 1;
        if found.contains(&(l.path.clone(), l.rule.clone(), l.secret.clone())) {
            e.1 += 1;
        } else {
            s.misses.push((l.rule.clone(), l.path.clone()));
        }
    }
    s
}

/// A labelled quality corpus in memory: files, labels and planted snippets.
#[derive(Debug, Default)]
pub struct QualityCorpus {
    /// (relative path, contents).
    pub files: Vec<(String, String)>,
    pub labels: Vec<Label>,
    pub snippets: HashMap<String, Vec<String>>,
    /// Hard negatives written (rule negatives, hashes, placeholders, public keys, ...).
    pub negatives: usize,
    /// Rule negatives left out because some other rule reports them on their own.
    pub negatives_excluded: usize,
}

/// Pick one of the open shared files, or open a new one with some filler.
fn take_file(
    fill: &mut Filler,
    open: &mut Vec<(Lang, String, String)>,
    file_no: &mut usize,
) -> usize {
    if open.len() < 40 || fill.range(0..4) == 0 {
        let lang = fill.lang();
        *file_no += 1;
        let path = format!("q{:03}/{}", file_no, lang.file_name(&format!("f{file_no}")));
        let mut body = String::new();
        let size = fill.range(200..3000);
        fill.fill(lang, size, &mut body);
        open.push((lang, path, body));
        open.len() - 1
    } else {
        fill.range(0..open.len())
    }
}

/// Plants per rule in the quality corpus.
pub const PLANTS_PER_RULE: usize = 3;

/// Build the quality corpus: `PLANTS_PER_RULE` planted secrets of every
/// non-public rule (but crawl-only exposure rules) in varied files, and about as
/// many hard negatives.
pub fn quality_corpus(rules: &Arc<RuleSet>, seed: u64) -> QualityCorpus {
    let mut q = QualityCorpus::default();
    let mut matcher = Matcher::new(Arc::clone(rules));
    let mut fill = Filler::new(seed);
    let mut file_no = 0usize;
    // Shared files collect plants and negatives: (lang, path, contents).
    let mut open: Vec<(Lang, String, String)> = Vec::new();
    for (ri, rule) in rules.rules.iter().enumerate() {
        let def = &rule.def;
        if def.kind == crate::rules::syntax::RuleKind::Exposure {
            // Reported by `leakhound url` about what a site serves, never found in files.
            continue;
        }
        for n in 0..PLANTS_PER_RULE {
            let pseed =
                seed ^ (ri as u64 * 7919 + n as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            if let Some(rp) = restricted_path(def) {
                // A file whose name the rule's path globs require, holding only the example.
                file_no += 1;
                let path = format!("q{file_no:03}/{rp}");
                let Some(p) = plant(&mut matcher, ri, n, pseed, &path) else {
                    continue;
                };
                if def.public {
                    q.negatives += 1;
                } else {
                    for sct in &p.secrets {
                        q.labels.push(Label {
                            path: path.clone(),
                            rule: def.id.clone(),
                            secret: sct.clone(),
                        });
                    }
                    q.snippets
                        .entry(path.clone())
                        .or_default()
                        .push(p.text.clone());
                }
                q.files.push((path, format!("{}\n", p.text)));
                continue;
            }
            let fi = take_file(&mut fill, &mut open, &mut file_no);
            let path = open[fi].1.clone();
            let Some(p) = plant(&mut matcher, ri, n, pseed, &path) else {
                continue;
            };
            let (lang, _, body) = &mut open[fi];
            let lang = *lang;
            // Every second plant of a `NAME=value` example in the file's own style.
            let text = match restyle(lang, &p.text) {
                Some(t) if n % 2 == 1 && p.secrets.iter().all(|sct| t.contains(sct.as_str())) => t,
                _ => p.text.clone(),
            };
            let p = Planted { text, ..p };
            body.push_str(&p.text);
            body.push('\n');
            fill.line(lang, body);
            if def.public {
                q.negatives += 1;
            } else {
                for sct in &p.secrets {
                    q.labels.push(Label {
                        path: path.clone(),
                        rule: def.id.clone(),
                        secret: sct.clone(),
                    });
                }
                q.snippets.entry(path).or_default().push(p.text);
            }
        }
        // The rule's own negatives, if no rule reports them on their own.
        for (n, neg) in def.negatives.iter().enumerate() {
            let nseed =
                seed ^ (ri as u64 * 104_729 + n as u64 + 7).wrapping_mul(0xff51_afd7_ed55_8ccd);
            let Ok(text) = Generator::new(nseed).expand(neg) else {
                continue;
            };
            let (path, restricted) = match restricted_path(def) {
                Some(rp) => {
                    file_no += 1;
                    (format!("q{file_no:03}/{rp}"), true)
                }
                None => {
                    let fi = take_file(&mut fill, &mut open, &mut file_no);
                    (open[fi].1.clone(), false)
                }
            };
            if !matcher.scan(text.as_bytes(), Some(&path)).is_empty() {
                q.negatives_excluded += 1;
                continue;
            }
            q.negatives += 1;
            if restricted {
                q.files.push((path, format!("{text}\n")));
            } else if let Some(f) = open.iter_mut().find(|f| f.1 == path) {
                f.2.push_str(&text);
                f.2.push('\n');
                let lang = f.0;
                fill.line(lang, &mut f.2);
            }
        }
    }
    // Generic hard negatives: placeholders, hashes, fixtures in their usual places.
    const HARD: &[(Lang, &str)] = &[
        (Lang::Py, "api_key = \"YOUR_API_KEY\""),
        (Lang::Py, "password = \"changeme\"  # local dev only"),
        (
            Lang::Shell,
            "export AWS_SECRET_ACCESS_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ),
        (Lang::Yaml, "  token: ${API_TOKEN}"),
        (Lang::Yaml, "  password: \"{{ .Values.db.password }}\""),
        (Lang::Js, "const secret = process.env.JWT_SECRET;"),
        (
            Lang::Ts,
            "const apiKey: string = import.meta.env.VITE_API_KEY;",
        ),
        (
            Lang::Markdown,
            "Set `STRIPE_SECRET_KEY=sk_live_...` in your environment.",
        ),
        (
            Lang::Go,
            "\tassert.Equal(t, \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\", sum)",
        ),
        (
            Lang::Ci,
            "      - uses: actions/cache@0c45773b623bea8c8e75f6c82b208c3cf94ea4f9",
        ),
        (Lang::Json, "  \"secret\": \"<secret>\","),
        (Lang::Py, "SECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]"),
    ];
    for (i, &(lang, line)) in HARD.iter().cycle().take(HARD.len() * 4).enumerate() {
        file_no += 1;
        let path = format!("n{i:03}/{}", lang.file_name(&format!("h{file_no}")));
        let mut body = String::new();
        fill.fill(lang, 400, &mut body);
        body.push_str(line);
        body.push('\n');
        fill.fill(lang, 400, &mut body);
        q.files.push((path, body));
        q.negatives += 1;
    }
    // Hash-heavy files: lock files, SRI pages, CI pins, data URIs.
    for (i, lang) in [
        Lang::LockJson,
        Lang::Html,
        Lang::Ci,
        Lang::Json,
        Lang::MinJs,
    ]
    .into_iter()
    .cycle()
    .take(100)
    .enumerate()
    {
        let path = format!("h{i:03}/{}", lang.file_name(&format!("hash{i}")));
        let mut body = String::new();
        fill.fill(lang, 4000, &mut body);
        q.negatives += 1;
        q.files.push((path, body));
    }
    q.files
        .extend(open.into_iter().map(|(_, path, body)| (path, body)));
    q
}
