//! Lints across rules: a description or rotation text written once and pasted
//! into many rules with the provider's name swapped is a template, and tells the
//! user nothing about the provider that leaked. Also catches one provider
//! spelled two ways (which splits it in the coverage table).

use super::Lint;
use crate::rules::load::SourcedRule;
use std::collections::{HashMap, HashSet};

/// Most providers one description (with provider and rule names masked) may be
/// shared by: a family of one provider's tokens may share wording, two providers
/// may happen to, a third is a template.
pub const MAX_PROVIDERS_PER_DESCRIPTION: usize = 2;

/// Word-trigram Jaccard similarity above which two rules' rotation steps (with
/// provider names masked) count as the same text: 0.7 still flags a template
/// with a console page renamed; two honest texts for different providers
/// measured here stay under 0.5.
pub const MAX_ROTATION_SIMILARITY: f64 = 0.7;

/// A word (of four letters or more) that the texts of at most this many other
/// providers use is specific: a console page, a setting, a CLI, a product name.
pub const RARE_WORD_MAX_PROVIDERS: usize = 4;

/// Specific words a description or rotation text that does not name its
/// provider must use instead.
pub const MIN_RARE_WORDS: usize = 3;

/// One problem found by these lints: (rule index into the targets, lint, message).
pub type Finding = (usize, Lint, String);

/// The lower-case words of a provider (or rule) name, two letters or more.
fn provider_words(provider: &str) -> Vec<String> {
    provider
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 2)
        .map(|w| w.to_ascii_lowercase())
        .collect()
}

/// Lower-case words of `text` with every word of `mask` replaced by `#`.
fn masked_words(text: &str, mask: &HashSet<String>) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_ascii_lowercase();
            if mask.contains(&w) {
                "#".to_string()
            } else {
                w
            }
        })
        .collect()
}

fn mask_for(r: &SourcedRule) -> HashSet<String> {
    let d = &r.def;
    let mut mask: HashSet<String> = provider_words(&d.provider).into_iter().collect();
    mask.extend(provider_words(&d.name));
    mask.extend(d.keywords.iter().map(|k| k.to_ascii_lowercase()));
    mask
}

fn trigrams(words: &[String]) -> HashSet<u64> {
    use std::hash::{Hash, Hasher};
    words
        .windows(3)
        .map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect()
}

fn jaccard(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let inter = a.intersection(b).count();
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// Whether `text` names the provider: one of its words of three letters or more,
/// or the provider name as written.
pub fn names_provider(text: &str, provider: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if lower.contains(&provider.to_ascii_lowercase()) {
        return true;
    }
    let words: HashSet<String> = masked_words(text, &HashSet::new()).into_iter().collect();
    provider_words(provider)
        .iter()
        .any(|w| w.len() >= 3 && words.contains(w))
}

/// Lower-case words of four letters or more in `text`.
fn long_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 4)
        .map(|w| w.to_ascii_lowercase())
        .collect()
}

/// For each target, whether `text_of` it names its provider or uses
/// [`MIN_RARE_WORDS`] words few other providers' texts use.
fn specific_texts(
    targets: &[SourcedRule],
    pool: &[&SourcedRule],
    text_of: impl Fn(&SourcedRule) -> &str,
) -> Vec<bool> {
    let mut users: HashMap<String, HashSet<String>> = HashMap::new();
    for r in pool {
        for w in long_words(text_of(r)) {
            users
                .entry(w)
                .or_default()
                .insert(r.def.provider.to_ascii_lowercase());
        }
    }
    targets
        .iter()
        .map(|t| {
            let text = text_of(t);
            let own = t.def.provider.to_ascii_lowercase();
            names_provider(text, &t.def.provider)
                || long_words(text)
                    .iter()
                    .filter(|w| {
                        users
                            .get(*w)
                            .map_or(0, |u| u.len() - usize::from(u.contains(&own)))
                            <= RARE_WORD_MAX_PROVIDERS
                    })
                    .count()
                    >= MIN_RARE_WORDS
        })
        .collect()
}

/// Template descriptions and rotation steps (shared across providers, or naming
/// nothing specific), and providers spelled two ways, among `targets` (compared
/// with `all`).
pub fn lint(targets: &[SourcedRule], all: &[SourcedRule]) -> Vec<Finding> {
    let mut out = Vec::new();
    let key = |r: &SourcedRule| r.def.id.clone();
    let target_ids: HashSet<String> = targets.iter().map(key).collect();
    // Targets first, then context rules not overridden by a target.
    let pool: Vec<&SourcedRule> = targets
        .iter()
        .chain(all.iter().filter(|r| !target_ids.contains(&r.def.id)))
        .collect();

    let descriptions = specific_texts(targets, &pool, |r| &r.def.description);
    let steps = specific_texts(targets, &pool, |r| &r.def.rotation.steps);
    for (i, t) in targets.iter().enumerate() {
        if t.def.is_generic() {
            continue;
        }
        if !descriptions[i] && !t.def.description.trim().is_empty() {
            out.push((
                i,
                Lint::DescriptionNamesProvider,
                format!(
                    "description names neither the provider ({}) nor anything specific to it \
                     (at least {MIN_RARE_WORDS} words few other providers' descriptions use)",
                    t.def.provider
                ),
            ));
        }
        if !steps[i] && !t.def.rotation.steps.trim().is_empty() {
            out.push((
                i,
                Lint::RotationNamesProvider,
                format!(
                    "rotation.steps name neither the provider ({}) nor anything specific to it \
                     (its console page, setting or CLI): say where to revoke and what to check",
                    t.def.provider
                ),
            ));
        }
    }

    // Descriptions: masked text -> providers that use it.
    let mut by_text: HashMap<Vec<String>, HashSet<String>> = HashMap::new();
    let masked: Vec<Vec<String>> = pool
        .iter()
        .map(|r| masked_words(&r.def.description, &mask_for(r)))
        .collect();
    for (r, m) in pool.iter().zip(&masked) {
        by_text
            .entry(m.clone())
            .or_default()
            .insert(r.def.provider.to_ascii_lowercase());
    }
    for (i, m) in masked.iter().take(targets.len()).enumerate() {
        let n = by_text.get(m).map_or(0, HashSet::len);
        if n > MAX_PROVIDERS_PER_DESCRIPTION && !m.is_empty() {
            out.push((
                i,
                Lint::DescriptionTemplate,
                format!(
                    "description is a template shared by {n} providers: say what this {} credential grants",
                    targets[i].def.provider
                ),
            ));
        }
    }

    // Rotation steps: near-identical text for a different provider.
    let shingles: Vec<HashSet<u64>> = pool
        .iter()
        .map(|r| trigrams(&masked_words(&r.def.rotation.steps, &mask_for(r))))
        .collect();
    for i in 0..targets.len() {
        let provider = targets[i].def.provider.to_ascii_lowercase();
        let twin = (0..pool.len()).find(|&j| {
            j != i
                && pool[j].def.provider.to_ascii_lowercase() != provider
                && jaccard(&shingles[i], &shingles[j]) > MAX_ROTATION_SIMILARITY
        });
        if let Some(j) = twin {
            out.push((
                i,
                Lint::RotationTemplate,
                format!(
                    "rotation.steps are nearly the same text as rule `{}` ({}): write the steps for {}",
                    pool[j].def.id, pool[j].def.provider, targets[i].def.provider
                ),
            ));
        }
    }

    // One provider, two spellings.
    let mut spellings: HashMap<String, HashSet<&str>> = HashMap::new();
    for r in &pool {
        let norm: String = r
            .def
            .provider
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        spellings.entry(norm).or_default().insert(&r.def.provider);
    }
    for (i, t) in targets.iter().enumerate() {
        let norm: String = t
            .def
            .provider
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        if let Some(s) = spellings.get(&norm)
            && s.len() > 1
        {
            let mut s: Vec<&&str> = s.iter().collect();
            s.sort();
            out.push((
                i,
                Lint::ProviderSpelling,
                format!(
                    "provider is spelled several ways across rules: {}",
                    s.iter()
                        .map(|x| format!("{x:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, provider: &str, description: &str, steps: &str) -> SourcedRule {
        let text = format!(
            "[[rule]]\nid = {id:?}\nname = \"{provider} key\"\nprovider = {provider:?}\ndescription = {description:?}\nseverity = \"high\"\nkeywords = [\"k\"]\nregex = \"x\"\n[rule.rotation]\nsteps = {steps:?}\n"
        );
        crate::rules::load::parse_rule_file("t.toml", &text)
            .unwrap()
            .remove(0)
    }

    #[test]
    fn templates_are_flagged_and_provider_specific_text_is_not() {
        let template_steps = "1. Revoke the key in the dashboard.\n2. Create a new key.\n3. Update every place that used it (CI secrets, env files).\n4. Review the audit log.";
        let rules = vec![
            rule(
                "a-key",
                "Acme",
                "The Acme API key; grants API access.",
                &template_steps.replace("dashboard", "Acme dashboard"),
            ),
            rule(
                "b-key",
                "Bolt",
                "The Bolt API key; grants API access.",
                &template_steps.replace("dashboard", "Bolt dashboard"),
            ),
            rule(
                "c-key",
                "Crux",
                "The Crux API key; grants API access.",
                "1. In the Crux console open Settings → Service tokens and delete the token.\n2. Issue a new service token scoped to one workspace.\n3. Redeploy the workers that read CRUX_TOKEN.",
            ),
            rule(
                "d-key",
                "crux",
                "A Crux deploy key that can push builds.",
                "Rotate under Crux → Deploy keys; rebuild the pipelines that push, then check the deploy history.",
            ),
        ];
        let found = lint(&rules, &rules);
        let msgs = |i: usize| -> Vec<&str> {
            found
                .iter()
                .filter(|f| f.0 == i)
                .map(|f| f.2.as_str())
                .collect()
        };
        assert!(
            msgs(0)
                .iter()
                .any(|m| m.contains("template shared by 3 providers")),
            "{found:?}"
        );
        assert!(
            msgs(0)
                .iter()
                .any(|m| m.contains("nearly the same text as rule `b-key`")),
            "{found:?}"
        );
        assert!(
            !msgs(2).iter().any(|m| m.contains("nearly the same")),
            "{found:?}"
        );
        assert!(
            msgs(3).iter().any(|m| m.contains("spelled several ways")),
            "{found:?}"
        );
        assert!(names_provider(
            "Delete it in the Google Cloud console",
            "Google Cloud"
        ));
        assert!(names_provider(
            "Open the X developer portal, then Twitter settings",
            "X (Twitter)"
        ));
        assert!(!names_provider("Revoke it in the dashboard", "Acme"));
    }
}
