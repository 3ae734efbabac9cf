//! The `[[bin]]` lists of exercises/Cargo.toml and solutions/Cargo.toml,
//! which follow the registry: one binary per exercise, so rust-analyzer and
//! `cargo run --bin NAME` know each file. `verify` names what is missing or
//! left over; `verify --update-pristine` writes the lists from the registry,
//! keeping the rest of each manifest as it is.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result};

use crate::registry::Registry;

/// The two manifests that list every exercise.
pub const TREES: [&str; 2] = ["exercises", "solutions"];

/// `(name, path)` of every binary the registry asks for, in its order.
fn wanted(registry: &Registry) -> Vec<(String, String)> {
    registry
        .exercises
        .iter()
        .map(|ex| (ex.name.clone(), format!("{}/{}.rs", ex.chapter, ex.name)))
        .collect()
}

/// `(name, path)` of every `[[bin]]` in a manifest's text.
fn listed(text: &str) -> BTreeSet<(String, String)> {
    toml::from_str::<toml::Table>(text)
        .ok()
        .and_then(|t| t.get("bin").and_then(|b| b.as_array()).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|b| {
            Some((
                b.get("name")?.as_str()?.to_string(),
                b.get("path")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// What `verify` reports about one tree's manifest.
pub fn problems(root: &Path, tree: &str, registry: &Registry) -> Vec<String> {
    let text = std::fs::read_to_string(root.join(tree).join("Cargo.toml")).unwrap_or_default();
    let bins = listed(&text);
    let mut problems = Vec::new();
    for want in wanted(registry) {
        if !bins.contains(&want) {
            problems.push(format!(
                "{tree}/Cargo.toml: add [[bin]] name = \"{}\" path = \"{}\" (or run `memlings verify --update-pristine`, which writes the list from the registry)",
                want.0, want.1
            ));
        }
    }
    for (name, _) in &bins {
        if registry.index_of(name).is_none() {
            problems.push(format!(
                "{tree}/Cargo.toml: bin `{name}` is not in the registry"
            ));
        }
    }
    problems
}

/// Rewrites one tree's `[[bin]]` list from the registry when it differs;
/// `true` if the file changed.
pub fn update(root: &Path, tree: &str, registry: &Registry) -> Result<bool> {
    let path = root.join(tree).join("Cargo.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("cannot read {tree}/Cargo.toml"))?;
    let bins = wanted(registry);
    if listed(&text) == bins.iter().cloned().collect::<BTreeSet<_>>() {
        return Ok(false);
    }
    let new = with_bins(&text, &bins);
    toml::from_str::<toml::Table>(&new).with_context(|| {
        format!("{tree}/Cargo.toml would not be valid TOML with a new [[bin]] list; fix it by hand")
    })?;
    std::fs::write(&path, new).with_context(|| format!("cannot write {tree}/Cargo.toml"))?;
    Ok(true)
}

/// `text` with every `[[bin]]` table taken out and `bins` written at the end.
/// A table runs from its header to the next header, so comments and tables
/// around the list stay where they are.
fn with_bins(text: &str, bins: &[(String, String)]) -> String {
    let mut kept = String::new();
    let mut in_bin = false;
    for line in text.lines() {
        let header = line.trim_start();
        if header.starts_with('[') {
            in_bin = header.starts_with("[[bin]]");
        }
        if !in_bin {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    let mut out = kept.trim_end().to_string();
    out.push('\n');
    for (name, path) in bins {
        out.push_str(&format!(
            "\n[[bin]]\nname = \"{name}\"\npath = \"{path}\"\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bin_list_is_replaced_and_the_rest_kept() {
        let text = "# top\n[package]\nname = \"x\"\n\n[[bin]]\nname = \"old\"\npath = \"a/old.rs\"\n\n[dependencies]\ny = \"1\"\n\n[[bin]]\nname = \"gone\"\npath = \"b/gone.rs\"\n";
        let bins = vec![
            ("one".to_string(), "c/one.rs".to_string()),
            ("two".to_string(), "c/two.rs".to_string()),
        ];
        let new = with_bins(text, &bins);
        assert_eq!(
            new,
            "# top\n[package]\nname = \"x\"\n\n[dependencies]\ny = \"1\"\n\n[[bin]]\nname = \"one\"\npath = \"c/one.rs\"\n\n[[bin]]\nname = \"two\"\npath = \"c/two.rs\"\n"
        );
        assert_eq!(listed(&new), bins.iter().cloned().collect());
        assert_eq!(with_bins(&new, &bins), new, "a second run changes nothing");
    }
}
