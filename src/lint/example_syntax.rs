//! Which file syntax a rule example writes its secret in, so the checker can ask
//! a context-keyed rule (one whose secret has no vendor prefix) for examples in
//! several syntaxes: a rule tested only on `KEY=value` lines says nothing about
//! the same key in YAML or JSON.
//!
//! The syntax is read from the text on the secret's line before the secret,
//! with the opening quote removed:
//!
//! | syntax | recognised by (before the secret) |
//! |---|---|
//! | `env` | `NAME=` at the line start, no space around `=` (dotenv, shell, `export NAME=`, Dockerfile `ENV`) |
//! | `yaml` | `name:` or `- name:` then a space, at the line start (YAML, also HTTP-header-like lines) |
//! | `json` | `"name":` (a double-quoted key, then `:`) anywhere in the line |
//! | `toml` | `name =` with a space before `=`, the (possibly dotted) key first on the line (TOML, INI, properties, HCL, bare Python) |
//! | `code` | a declaration (`const`, `let`, `var`, `def`, `$x`, `this.x`, ...) first on the line, `:=`, `=>`, `->`, a call `(` or keyword argument `f(key=`, an index `[` |
//! | `xml` | `<tag>` or `attr="` inside a tag |
//! | `cli` | a command-line flag (`--token `, `-p`, `-H '...: `) |
//! | `url` | a query parameter (`?key=`, `&key=`) or URL userinfo (`://user:`) |
//!
//! Anything else (prose, a bare token) is `other`, which counts as no syntax.

use regex::Regex;
use std::sync::OnceLock;

/// A file syntax an example can write its secret in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileSyntax {
    Env,
    Yaml,
    Json,
    Toml,
    Code,
    Xml,
    Cli,
    Url,
    Other,
}

impl FileSyntax {
    /// The name used in checker messages.
    pub fn as_str(self) -> &'static str {
        match self {
            FileSyntax::Env => "env",
            FileSyntax::Yaml => "yaml",
            FileSyntax::Json => "json",
            FileSyntax::Toml => "toml",
            FileSyntax::Code => "code",
            FileSyntax::Xml => "xml",
            FileSyntax::Cli => "cli",
            FileSyntax::Url => "url",
            FileSyntax::Other => "other",
        }
    }
}

/// Distinct syntaxes a context-keyed shipped rule's examples must cover.
pub const MIN_CONTEXT_SYNTAXES: usize = 3;

struct Patterns {
    declaration: Regex,
    json: Regex,
    env: Regex,
    yaml: Regex,
    toml: Regex,
    code: Regex,
    xml: Regex,
    cli: Regex,
    url: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |p: &str| Regex::new(p).expect("syntax pattern compiles");
        Patterns {
            declaration: re(
                r"^\s*(?:(?:this|self)\.|(?:const|let|var|val|final|static|private|public|String|string|def|my|local)\s)",
            ),
            json: re(r#""[^"]+"\s*:\s*$"#),
            env: re(r"^\s*(?:export\s+|ENV\s+|set\s+|setx\s+)?[A-Za-z_][A-Za-z0-9_.\-]*=$"),
            yaml: re(r#"^\s*(?:-\s+)?['"]?[A-Za-z0-9_.\-/]+['"]?:\s+(?:[|>][-+]?\s*)?$"#),
            toml: re(r#"^\s*['"]?[A-Za-z0-9_.\-]+['"]?\s+=\s*$"#),
            code: re(concat!(
                r":=\s*$|=>\s*$|->\s*$|[(\[,]\s*$|[(,]\s*[A-Za-z_]\w*\s*=\s*$|",
                r"(?:^|[\s(])(?:const|let|var|val|final|static|private|public|String|string|def|my|local)\s.*=\s*$|",
                r"\$[A-Za-z_][\w\[\]'\x22]*\s*=\s*$|[A-Za-z_]\.[A-Za-z_][\w]*\s*=\s*$|:\s*$"
            )),
            xml: re(r#"<[A-Za-z_][\w.\-:]*>\s*$|<[A-Za-z_][^>]*\s[\w.\-:]+=$"#),
            cli: re(r#"(?:^|\s)--?[A-Za-z][\w\-]*(?:\s+|=)$|(?:^|\s)-[a-zA-Z]$|-H\s+['"][^'"]*:\s*(?:\w+\s+)?$"#),
            url: re(r"[?&][\w.\-]+=$|://[^/\s:@]*:$|://$"),
        }
    })
}

/// The syntax an example writes its secret in: read from the text before the
/// secret on its line. When that is a URL or says nothing (a key inside a
/// connection string), the syntax of the file the URL or string is written in
/// counts, read from the text before the whole match, if it says something.
pub fn classify(text: &str, secret_start: usize, match_start: usize) -> FileSyntax {
    match classify_at(text, secret_start) {
        s @ (FileSyntax::Url | FileSyntax::Other) => match classify_at(text, match_start) {
            FileSyntax::Other => s,
            container => container,
        },
        s => s,
    }
}

/// The syntax of the line `text[line_start..at]` leads up to.
fn classify_at(text: &str, secret_start: usize) -> FileSyntax {
    let Some(before) = text.get(..secret_start) else {
        return FileSyntax::Other;
    };
    let line = before.rsplit('\n').next().unwrap_or(before);
    // The opening quote (or backtick) of the value, and a scheme word such as
    // `Bearer ` in a header value, belong to the value, not the syntax.
    let lead = line.trim_end_matches(['"', '\'', '`']);
    let p = patterns();
    let is = |re: &Regex| re.is_match(lead);
    if is(&p.url) {
        FileSyntax::Url
    } else if is(&p.declaration) {
        FileSyntax::Code
    } else if is(&p.cli) {
        FileSyntax::Cli
    } else if is(&p.xml) {
        FileSyntax::Xml
    } else if is(&p.json) && line.len() > lead.len() && line.ends_with('"') {
        FileSyntax::Json
    } else if is(&p.env) {
        FileSyntax::Env
    } else if is(&p.yaml) {
        FileSyntax::Yaml
    } else if is(&p.toml) {
        FileSyntax::Toml
    } else if is(&p.code) || is(&p.json) {
        FileSyntax::Code
    } else {
        FileSyntax::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax_of(line: &str) -> FileSyntax {
        let at = line.find("SECRET").expect("marker");
        classify(line, at, at)
    }

    #[test]
    fn each_syntax_is_recognised_from_the_text_before_the_secret() {
        let cases = [
            ("ACME_TOKEN=SECRET", FileSyntax::Env),
            ("export ACME_TOKEN=\"SECRET\"", FileSyntax::Env),
            ("first line\n  acme_token: SECRET", FileSyntax::Yaml),
            ("    - acme-key: 'SECRET'", FileSyntax::Yaml),
            (r#"{"acme_token": "SECRET"}"#, FileSyntax::Json),
            (r#"  "acmeKey" : "SECRET","#, FileSyntax::Json),
            ("acme_token = \"SECRET\"", FileSyntax::Toml),
            ("acme.api.key = SECRET", FileSyntax::Toml),
            ("const acmeToken = \"SECRET\";", FileSyntax::Code),
            ("token := \"SECRET\"", FileSyntax::Code),
            ("'acme_key' => 'SECRET',", FileSyntax::Code),
            ("client = Acme(api_key=\"SECRET\")", FileSyntax::Code),
            ("Acme.new(\"SECRET\")", FileSyntax::Code),
            ("$acme_key = 'SECRET';", FileSyntax::Code),
            ("this.acmeToken = 'SECRET'", FileSyntax::Code),
            ("let acme = { token: \"SECRET\" }", FileSyntax::Code),
            ("  acmeToken: \"SECRET\",", FileSyntax::Yaml),
            ("headers = {\"x-acme-key\": \"SECRET\"}", FileSyntax::Json),
            ("<apiKey>SECRET</apiKey>", FileSyntax::Xml),
            ("<add key=\"AcmeKey\" value=\"SECRET\"/>", FileSyntax::Xml),
            ("acme login --token SECRET", FileSyntax::Cli),
            (
                "curl -H 'Authorization: Bearer SECRET' https://x",
                FileSyntax::Cli,
            ),
            ("https://api.acme.io/v1?api_key=SECRET", FileSyntax::Url),
            ("https://user:SECRET@acme.io", FileSyntax::Url),
            ("the acme key is SECRET", FileSyntax::Other),
            ("SECRET", FileSyntax::Other),
        ];
        for (line, want) in cases {
            assert_eq!(syntax_of(line), want, "{line}");
        }
        // A key inside a connection string or a URL: the syntax is the one the
        // string is written in, if the text before the match says.
        let cases = [
            (
                "AZURE_CONN=\"Endpoint=x;AccountKey=SECRET\"",
                "Endpoint",
                FileSyntax::Env,
            ),
            (
                "  sas_url: https://acme.blob.core.windows.net/c?sv=1&sig=SECRET",
                "https",
                FileSyntax::Yaml,
            ),
            (
                "GET https://acme.blob.core.windows.net/c?sv=1&sig=SECRET",
                "https",
                FileSyntax::Url,
            ),
            (
                "Endpoint=x;AccountKey=SECRET",
                "Endpoint",
                FileSyntax::Other,
            ),
        ];
        for (text, start, want) in cases {
            let secret = text.find("SECRET").unwrap();
            let start = text.find(start).unwrap();
            assert_eq!(classify(text, secret, start), want, "{text}");
        }
    }
}
