//! Corpus generator for the benchmarks and the quality harness.
//!
//! ```text
//! cargo run --release --example corpus -- bench   DIR [--mb 256] [--plants 300] [--seed 1]
//! cargo run --release --example corpus -- quality DIR [--seed 1] [--bin target/release/leakhound]
//! ```
//!
//! `bench` writes about `--mb` megabytes of source-like text in many formats
//! with `--plants` fake secrets taken from the rules' own examples.
//! `quality` writes a labelled corpus (planted secrets of every rule and hard
//! negatives), runs the scanner over it and prints recall and precision per
//! rule and overall.

use anyhow::{Context, Result, bail};
use leakhound::engine::Matcher;
use leakhound::rules::RuleSet;
use leakhound::rules::corpus::{self, Filler, Lang};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// Recall the harness asks of the whole rule pack.
const RECALL_TARGET: f64 = 0.98;
/// Precision the harness asks of the whole rule pack.
const PRECISION_TARGET: f64 = 0.97;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(mode) = args.first() else {
        bail!("usage: corpus bench|quality DIR [options]");
    };
    let dir = PathBuf::from(args.get(1).context("missing DIR")?);
    let opt = |name: &str| -> Option<String> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let seed: u64 = opt("--seed").map_or(Ok(1), |s| s.parse())?;
    match mode.as_str() {
        "bench" => {
            let mb: usize = opt("--mb").map_or(Ok(256), |s| s.parse())?;
            let plants: usize = opt("--plants").map_or(Ok(300), |s| s.parse())?;
            bench(&dir, mb, plants, seed)
        }
        "quality" => {
            let bin = opt("--bin").unwrap_or_else(|| "target/release/leakhound".into());
            quality(&dir, seed, &bin)
        }
        other => bail!("unknown mode {other:?}: use bench or quality"),
    }
}

fn write_file(root: &Path, rel: &str, body: &[u8]) -> Result<()> {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&p, body).with_context(|| format!("cannot write {}", p.display()))
}

/// Size of one generated file: mostly small sources, some large bundles and lock files.
fn file_size(fill: &mut Filler, lang: Lang) -> usize {
    match lang {
        Lang::MinJs => fill.range(200_000..2_000_000),
        Lang::LockJson => fill.range(100_000..1_500_000),
        _ => {
            if fill.range(0..10) == 0 {
                fill.range(50_000..400_000)
            } else {
                fill.range(1_000..40_000)
            }
        }
    }
}

fn bench(dir: &Path, mb: usize, plants: usize, seed: u64) -> Result<()> {
    let rules = Arc::new(RuleSet::shipped()?);
    let mut matcher = Matcher::new(Arc::clone(&rules));
    let mut fill = Filler::new(seed);
    let target = mb * 1024 * 1024;
    let candidates: Vec<usize> = rules
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.def.public && r.def.paths.is_empty())
        .map(|(i, _)| i)
        .collect();
    let (mut total, mut files, mut planted) = (0usize, 0usize, 0usize);
    let mut body = String::new();
    while total < target {
        let mut lang = fill.lang();
        // Bundles and lock files are big but rarer than sources.
        while matches!(lang, Lang::MinJs | Lang::LockJson) && fill.range(0..4) != 0 {
            lang = fill.lang();
        }
        let rel = format!(
            "d{:03}/{}",
            files % 500,
            lang.file_name(&format!("f{files}"))
        );
        body.clear();
        let size = file_size(&mut fill, lang);
        fill.fill(lang, size / 2, &mut body);
        // Pace plants evenly over the corpus.
        if planted * target <= plants * total && planted < plants {
            let ri = candidates[fill.range(0..candidates.len())];
            let pseed = seed.wrapping_mul(31).wrapping_add(files as u64);
            if let Some(p) = corpus::plant(&mut matcher, ri, files, pseed, &rel) {
                body.push_str(&p.text);
                body.push('\n');
                planted += 1;
            }
        }
        fill.fill(lang, size / 2, &mut body);
        write_file(dir, &rel, body.as_bytes())?;
        total += body.len();
        files += 1;
    }
    println!(
        "wrote {files} files, {:.1} MB, {planted} planted secrets into {}",
        total as f64 / 1048576.0,
        dir.display()
    );
    Ok(())
}

fn quality(dir: &Path, seed: u64, bin: &str) -> Result<()> {
    let rules = Arc::new(RuleSet::shipped()?);
    let q = corpus::quality_corpus(&rules, seed);
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    for (rel, body) in &q.files {
        write_file(dir, rel, body.as_bytes())?;
    }
    let bin = std::fs::canonicalize(bin).with_context(|| format!("no scanner at {bin}"))?;
    let out = Command::new(&bin)
        .args(["scan", "--format", "json", "--show-secrets", "."])
        .current_dir(dir)
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("scanner output is not JSON")?;
    let s = corpus::score(&q.labels, &q.snippets, &report);
    let mut w = std::io::stdout().lock();
    writeln!(
        w,
        "corpus: {} files, {} planted secrets over {} rules, {} hard negatives ({} rule negatives left out: another rule reports them alone)",
        q.files.len(),
        q.labels.len(),
        s.recall.len(),
        q.negatives,
        q.negatives_excluded
    )?;
    writeln!(w, "\nrules below recall {RECALL_TARGET}:")?;
    for (rule, &(p, f)) in &s.recall {
        if (f as f64) < RECALL_TARGET * p as f64 {
            writeln!(w, "  {rule:<45} recall {f}/{p}")?;
        }
    }
    writeln!(w, "\nrules below precision {PRECISION_TARGET}:")?;
    for (rule, &(t, f)) in &s.precision {
        if (t as f64) < PRECISION_TARGET * (t + f) as f64 {
            writeln!(w, "  {rule:<45} precision {t}/{}", t + f)?;
        }
    }
    if !s.false_positives.is_empty() {
        writeln!(w, "\nfalse reports:")?;
        for (rule, path, v) in &s.false_positives {
            writeln!(w, "  {rule:<45} {path}  {v}")?;
        }
    }
    writeln!(
        w,
        "\noverall: recall {:.4} (target {RECALL_TARGET}), precision {:.4} (target {PRECISION_TARGET})",
        s.overall_recall(),
        s.overall_precision()
    )?;
    Ok(())
}
