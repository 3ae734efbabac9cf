//! Accepted snapshots: insta `.snap` files under `runner/snapshots/<exercise>/`,
//! one per case. insta writes them (from the solutions, in
//! `runner/tests/snapshots.rs`); the runner only reads them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Case name to accepted text, for one exercise.
pub type Snapshots = BTreeMap<String, String>;

pub fn load(dir: &Path) -> Result<Snapshots> {
    let mut snaps = Snapshots::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(snaps);
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "snap") {
            let case = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read snapshot {}", path.display()))?;
            snaps.insert(case, body(&text).to_string());
        }
    }
    Ok(snaps)
}

/// The snapshot files in `dir` (for orphan checks).
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

/// Strips insta's metadata header (`---` ... `---`).
fn body(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            return &rest[end + 5..];
        }
    }
    text
}

/// How two renderings are compared: line endings and trailing blank space
/// never decide a result.
pub fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_body_under_insta_metadata() {
        let snap = "---\nsource: runner/tests/snapshots.rs\nexpression: output\n---\na\nb\n";
        assert_eq!(normalize(body(snap)), "a\nb");
    }
}
