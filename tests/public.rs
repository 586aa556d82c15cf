//! Public-by-design keys (Stripe publishable, reCAPTCHA site, Firebase web
//! apiKey, Sentry public DSN, Algolia search-only, Mapbox public) are not
//! secrets: no finding by default, `info` findings with `--include-public`.

mod common;

use common::{fake, scan_json};
use leakhound::lint::{example_path, example_seed};
use leakhound::rules::generate::Generator;
use leakhound::rules::load::shipped_rules;

const PUBLIC_RULES: &[&str] = &[
    "stripe-publishable-key",
    "recaptcha-site-key",
    "firebase-web-api-key",
    "sentry-public-dsn",
    "algolia-search-api-key",
    "mapbox-public-token",
];

/// Writes every example of every public rule into `dir`, plus one real secret.
fn write_public_examples(dir: &std::path::Path) -> String {
    let rules = shipped_rules().expect("shipped rules");
    for id in PUBLIC_RULES {
        let r = rules
            .iter()
            .find(|r| r.def.id == *id)
            .unwrap_or_else(|| panic!("rule {id} ships"));
        assert!(r.def.public, "{id} is marked public");
        let name = example_path(&r.def);
        for (n, ex) in r.def.examples.iter().enumerate() {
            let text = Generator::new(example_seed(id, "e2e", n))
                .expand(ex)
                .expect("example expands");
            let sub = dir.join(format!("{id}-{n}"));
            std::fs::create_dir_all(&sub).unwrap();
            std::fs::write(sub.join(&name), format!("{text}\n")).unwrap();
        }
    }
    let secret = format!("sk_live_{}", fake("alnum:24"));
    std::fs::write(
        dir.join("server.env"),
        format!("STRIPE_SECRET_KEY={secret}\n"),
    )
    .unwrap();
    secret
}

fn rule_ids(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn public_keys_are_not_findings_by_default() {
    let dir = tempfile::tempdir().unwrap();
    write_public_examples(dir.path());
    let run = scan_json(dir.path(), &["."]);
    assert_eq!(
        run.code, 1,
        "the real Stripe secret is found: {}",
        run.stderr
    );
    let ids = rule_ids(&run.json());
    assert_eq!(
        ids,
        vec![("stripe-secret-key".to_string(), "critical".to_string())],
        "only the secret key is reported"
    );
}

#[test]
fn include_public_reports_them_as_info() {
    let dir = tempfile::tempdir().unwrap();
    write_public_examples(dir.path());
    let run = scan_json(dir.path(), &["--include-public", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let ids = rule_ids(&run.json());
    for id in PUBLIC_RULES {
        let sev: Vec<&str> = ids
            .iter()
            .filter(|(r, _)| r == id)
            .map(|(_, s)| s.as_str())
            .collect();
        assert!(
            !sev.is_empty(),
            "{id} reported with --include-public: {ids:?}"
        );
        assert!(sev.iter().all(|s| *s == "info"), "{id} is info: {sev:?}");
    }
}
