//! Where things live. Every path the runner touches is derived here, so the
//! layout is written down once: the folders of a workspace, where an
//! exercise sits in each of them, and how a path reads to the user
//! (relative to the workspace root).

use std::path::{Path, PathBuf};

use crate::error::UserError;
use crate::registry::Exercise;

pub use crate::registry::REGISTRY;

/// The learner's exercises.
pub const EXERCISES: &str = "exercises";
/// The reference solutions, laid out like [`EXERCISES`].
pub const SOLUTIONS: &str = "solutions";
/// One check per exercise, laid out like [`EXERCISES`], and the harness.
pub const CHECKS: &str = "runner/checks";
/// The starting code as shipped, laid out like [`EXERCISES`].
pub const PRISTINE: &str = "runner/pristine";
/// One folder of expected outputs per exercise.
pub const SNAPSHOTS: &str = "runner/snapshots";
/// The allocation traces `memlings bench` replays by default.
pub const TRACES: &str = "runner/traces";

/// Where `ex` sits in any folder laid out like `exercises/`.
pub fn in_tree(ex: &Exercise) -> String {
    format!("{}/{}.rs", ex.chapter, ex.name)
}

impl Exercise {
    /// The learner's file, relative to the workspace root.
    pub fn exercise_rel(&self) -> String {
        format!("{EXERCISES}/{}", in_tree(self))
    }

    pub fn solution_rel(&self) -> String {
        format!("{SOLUTIONS}/{}", in_tree(self))
    }

    pub fn check_rel(&self) -> String {
        format!("{CHECKS}/{}", in_tree(self))
    }

    /// The catalogue of realistic mistakes its check must catch, beside
    /// the check (see `crate::mutants`).
    pub fn mutants_rel(&self) -> String {
        format!("{CHECKS}/{}/{}.mutants.toml", self.chapter, self.name)
    }
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    /// Finds the workspace containing `start` by walking up to the first
    /// folder that holds the registry.
    pub fn discover(start: &Path) -> Result<Workspace, UserError> {
        let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
        start
            .ancestors()
            .find(|dir| dir.join(REGISTRY).is_file())
            .map(|root| Workspace {
                root: root.to_path_buf(),
            })
            .ok_or(UserError::NoWorkspace { start })
    }

    pub fn registry(&self) -> PathBuf {
        self.root.join(REGISTRY)
    }

    pub fn exercises_dir(&self) -> PathBuf {
        self.root.join(EXERCISES)
    }

    pub fn solutions_dir(&self) -> PathBuf {
        self.root.join(SOLUTIONS)
    }

    pub fn exercise_file(&self, ex: &Exercise) -> PathBuf {
        self.root.join(ex.exercise_rel())
    }

    pub fn solution_file(&self, ex: &Exercise) -> PathBuf {
        self.root.join(ex.solution_rel())
    }

    pub fn check_file(&self, ex: &Exercise) -> PathBuf {
        self.root.join(ex.check_rel())
    }

    pub fn mutants_file(&self, ex: &Exercise) -> PathBuf {
        self.root.join(ex.mutants_rel())
    }

    /// The exercise's starting code, as shipped: what `reset` restores.
    pub fn pristine_file(&self, ex: &Exercise) -> PathBuf {
        self.pristine_dir().join(in_tree(ex))
    }

    /// Laid out like `exercises/`, holding only the starting code.
    pub fn pristine_dir(&self) -> PathBuf {
        self.root.join(PRISTINE)
    }

    pub fn snapshot_dir(&self, ex: &Exercise) -> PathBuf {
        self.snapshots_root().join(&ex.name)
    }

    pub fn snapshots_root(&self) -> PathBuf {
        self.root.join(SNAPSHOTS)
    }

    pub fn harness_support(&self) -> PathBuf {
        self.root.join(CHECKS).join("harness.rs")
    }

    /// The Python bridge's crate, which heaps from Part III on implement.
    pub fn python_crate(&self) -> PathBuf {
        self.root.join("runner/python")
    }

    /// The trace replay's crate, which `memlings bench` runs an allocator in.
    pub fn bench_crate(&self) -> PathBuf {
        self.root.join("runner/bench")
    }

    pub fn traces_dir(&self) -> PathBuf {
        self.root.join(TRACES)
    }

    /// The reference heap's crate, which runs a learner's allocator.
    pub fn heap_crate(&self) -> PathBuf {
        self.root.join("runner/heap")
    }

    pub fn book_src(&self) -> PathBuf {
        self.root.join("book/src")
    }

    pub fn state_file(&self) -> PathBuf {
        self.root.join(".memlings-state.toml")
    }

    pub fn backups_dir(&self) -> PathBuf {
        self.root.join(".memlings-backups")
    }

    /// Build products of the runner, kept apart from the workspace's own
    /// `target/` so a check never waits for rust-analyzer's lock on it.
    pub fn build_dir(&self) -> PathBuf {
        match std::env::var_os("MEMLINGS_BUILD_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => self.root.join("target/memlings"),
        }
    }

    /// A path as the user should see it: relative to the workspace root.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// `text` (a compiler or panic message, a path) with every path inside
    /// the workspace written relative to its root, as the user knows it.
    pub fn relative_in(&self, text: &str) -> String {
        let root = format!("{}/", self.root.display());
        text.replace(&root, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_workspace_files_relative_to_its_root() {
        let ws = Workspace {
            root: PathBuf::from("/home/me/memlings"),
        };
        let text = "error at /home/me/memlings/exercises/01_a/one.rs:3:5 and /elsewhere/x.rs";
        assert_eq!(
            ws.relative_in(text),
            "error at exercises/01_a/one.rs:3:5 and /elsewhere/x.rs"
        );
        assert_eq!(
            ws.display(Path::new("/home/me/memlings/runner/pristine/01_a/one.rs")),
            "runner/pristine/01_a/one.rs"
        );
        assert_eq!(ws.display(Path::new("/elsewhere/x.rs")), "/elsewhere/x.rs");
    }
}
