//! The quality harness in the test suite: every non-public rule's kind planted
//! in varied files and formats among hard negatives, scanned by the real binary.

mod common;

use leakhound::rules::RuleSet;
use leakhound::rules::corpus::{PLANTS_PER_RULE, quality_corpus, score};
use std::sync::Arc;

/// Overall recall the rule pack must reach on the labelled corpus.
const MIN_RECALL: f64 = 0.98;
/// Overall precision the rule pack must reach on the labelled corpus.
const MIN_PRECISION: f64 = 0.97;

#[test]
fn rule_pack_recall_and_precision_on_labelled_corpus() {
    let rules = Arc::new(RuleSet::shipped().unwrap());
    let q = quality_corpus(&rules, 0x9a11_7e57);
    let dir = tempfile::tempdir().unwrap();
    for (rel, body) in &q.files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    let run = common::scan_json(dir.path(), &["--show-secrets", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let s = score(&q.labels, &q.snippets, &run.json());

    let non_public = rules
        .rules
        .iter()
        .filter(|r| !r.def.public && r.def.kind != leakhound::rules::syntax::RuleKind::Exposure)
        .count();
    assert_eq!(
        s.recall.len(),
        non_public,
        "every non-public rule is planted"
    );
    assert!(q.labels.len() >= PLANTS_PER_RULE * non_public);
    assert!(
        q.negatives * 2 >= q.labels.len(),
        "a comparable number of hard negatives: {} for {} plants",
        q.negatives,
        q.labels.len()
    );
    assert!(
        s.overall_recall() >= MIN_RECALL,
        "recall {:.4}; missed: {:?}",
        s.overall_recall(),
        s.misses
    );
    assert!(
        s.overall_precision() >= MIN_PRECISION,
        "precision {:.4}; false reports: {:?}",
        s.overall_precision(),
        s.false_positives
    );
}

#[test]
fn scorer_counts_misses_and_false_reports() {
    use leakhound::rules::corpus::Label;
    let labels = vec![
        Label {
            path: "a.py".into(),
            rule: "r1".into(),
            secret: "s1".into(),
        },
        Label {
            path: "b.py".into(),
            rule: "r1".into(),
            secret: "s2".into(),
        },
    ];
    let mut snippets = std::collections::HashMap::new();
    snippets.insert("a.py".to_string(), vec!["KEY=s1".to_string()]);
    let report = serde_json::json!({"findings": [
        {"rule_id": "r1", "secret": "s1", "occurrences": [{"path": "a.py"}]},
        {"rule_id": "r2", "secret": "zz", "occurrences": [{"path": "c.py"}]},
    ]});
    let s = score(&labels, &snippets, &report);
    assert_eq!(s.recall["r1"], (2, 1));
    assert_eq!(s.misses, vec![("r1".to_string(), "b.py".to_string())]);
    assert_eq!(s.precision["r2"], (0, 1));
    assert!((s.overall_precision() - 0.5).abs() < 1e-9);
    assert!((s.overall_recall() - 0.5).abs() < 1e-9);
}
