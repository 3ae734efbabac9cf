//! The staged sources of one check binary: copies, in the build folder, of
//! the exercise, the exercises it uses (from the reference solutions, so an
//! exercise is judged on its own), its check and the harness.
//!
//! The binary is compiled from these copies, never from the live files, so
//! what judges a run is what the runner read before it started. Copies are
//! only rewritten when their content changes, so cargo's fingerprints hold.
//! Compiler and panic messages name the copies; [`PathMap`] turns them
//! back into the paths the learner knows.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::registry::Exercise;
use crate::workspace::{in_tree, Workspace};

/// Staged copy to the path shown for it, longest staged path first.
#[derive(Debug, Clone, Default)]
pub struct PathMap {
    pairs: Vec<(String, String)>,
}

impl PathMap {
    fn add(&mut self, staged: &Path, shown: String) {
        self.pairs.push((staged.display().to_string(), shown));
        self.pairs
            .sort_by_key(|(staged, _)| std::cmp::Reverse(staged.len()));
    }

    /// `text` with every staged path replaced by the one the learner knows.
    pub fn apply(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (staged, shown) in &self.pairs {
            if text.contains(staged.as_str()) {
                text = text.replace(staged.as_str(), shown);
            }
        }
        text
    }
}

/// Where one exercise's staged files are.
pub struct Staged {
    pub exercise: PathBuf,
    pub check: PathBuf,
    pub harness: PathBuf,
    pub paths: PathMap,
    /// The check declares its own `#[global_allocator]` (wrapping the
    /// harness's `OomReport`), so the generated `main` must not.
    pub own_allocator: bool,
}

/// Stages `ex` from `source` (the learner's file, a solution, a mutant of
/// one) for the binary `bin` under `root`:
/// `<root>/<bin>/tree/<chapter>/<name>.rs`, with each exercise it `uses`
/// beside it, where its `#[path = "../<chapter>/<name>.rs"]` includes
/// expect them. `harness` is the harness's staged copy.
pub fn stage(
    ws: &Workspace,
    root: &Path,
    bin: &str,
    ex: &Exercise,
    source: &Path,
    uses: &[&Exercise],
    harness: &Path,
) -> Result<Staged> {
    let dir = root.join(bin);
    let tree = dir.join("tree");
    let mut paths = PathMap::default();

    let exercise = tree.join(in_tree(ex));
    copy(source, &exercise)?;
    paths.add(&exercise, ws.display(source));
    for dep in uses {
        let from = ws.solution_file(dep);
        let to = tree.join(in_tree(dep));
        copy(&from, &to)?;
        paths.add(&to, ws.display(&from));
    }
    let check = dir.join("check.rs");
    let check_text = copy(&ws.check_file(ex), &check)?;
    paths.add(&check, ex.check_rel());
    paths.add(harness, ws.display(&ws.harness_support()));
    Ok(Staged {
        exercise,
        check,
        harness: harness.to_path_buf(),
        paths,
        // Checks are the authors' files, so their text can be trusted here.
        own_allocator: check_text.contains("#[global_allocator]"),
    })
}

/// Stages the harness, shared by every binary of a package.
pub fn stage_harness(ws: &Workspace, root: &Path) -> Result<PathBuf> {
    let to = root.join("harness.rs");
    copy(&ws.harness_support(), &to)?;
    Ok(to)
}

/// Copies `from` to `to`, and returns what it copied. A file that cannot be
/// read becomes one that does not compile and says why, so that only its
/// own binary fails.
fn copy(from: &Path, to: &Path) -> Result<String> {
    let content = match std::fs::read_to_string(from) {
        Ok(text) => text,
        Err(e) => format!(
            "compile_error!({:?});\n",
            format!("memlings cannot read {}: {e}", from.display())
        ),
    };
    write_if_changed(to, &content)?;
    Ok(content)
}

/// Writes `content` unless the file already holds exactly that, so its
/// modification time (cargo's fingerprint) only moves with a real change.
pub fn write_if_changed(path: &Path, content: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(content) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the build folder {}", dir.display()))?;
    }
    std::fs::write(path, content).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_paths_read_as_the_learners() {
        let mut map = PathMap::default();
        map.add(
            Path::new("/b/stage/units/tree/01_x/units.rs"),
            "exercises/01_x/units.rs".into(),
        );
        map.add(
            Path::new("/b/stage/harness.rs"),
            "runner/checks/harness.rs".into(),
        );
        assert_eq!(
            map.apply("error at /b/stage/units/tree/01_x/units.rs:3:5 and /b/stage/harness.rs:9"),
            "error at exercises/01_x/units.rs:3:5 and runner/checks/harness.rs:9"
        );
    }
}
