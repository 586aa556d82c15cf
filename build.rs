//! Embeds every `rules/*.toml` file (the rules) and every `rules/omitted/*.toml`
//! file (credential types left out on purpose) into the binary.
use std::{env, fs, path::Path};

/// Writes `OUT_DIR/{out}`: a static `name` listing (file name, contents) of
/// every `.toml` file directly in `dir`, sorted by name.
fn embed(dir: &Path, name: &str, doc: &str, out: &str) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut text =
        format!("/// {doc}: (file name, contents).\npub static {name}: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let file = f.file_name().unwrap().to_string_lossy();
        text.push_str(&format!(
            "    ({file:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    text.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join(out);
    fs::write(dest, text).unwrap();
}

fn main() {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    embed(
        &rules,
        "EMBEDDED_RULE_FILES",
        "Shipped rule files",
        "embedded_rules.rs",
    );
    embed(
        &rules.join("omitted"),
        "EMBEDDED_OMITTED_FILES",
        "Credential types left out on purpose",
        "embedded_omitted.rs",
    );
}
