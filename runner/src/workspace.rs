//! Where things live. Every path the runner touches is derived here, so the
//! layout is written down once.

use std::path::{Path, PathBuf};

use crate::error::UserError;
use crate::registry::Exercise;

/// The registry's path inside a workspace; also how a workspace is recognized.
pub const REGISTRY: &str = "runner/exercises.toml";

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
        self.root.join("exercises")
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

    /// The exercise's starting code, as shipped: what `reset` restores.
    pub fn pristine_file(&self, ex: &Exercise) -> PathBuf {
        self.pristine_dir()
            .join(&ex.chapter)
            .join(format!("{}.rs", ex.name))
    }

    /// Laid out like `exercises/`, holding only the starting code.
    pub fn pristine_dir(&self) -> PathBuf {
        self.root.join("runner/pristine")
    }

    pub fn snapshot_dir(&self, ex: &Exercise) -> PathBuf {
        self.root.join("runner/snapshots").join(&ex.name)
    }

    pub fn snapshots_root(&self) -> PathBuf {
        self.root.join("runner/snapshots")
    }

    pub fn harness_support(&self) -> PathBuf {
        self.root.join("runner/checks/harness.rs")
    }

    /// The Python bridge's crate, which heaps from Part III on implement.
    pub fn python_crate(&self) -> PathBuf {
        self.root.join("runner/python")
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
}
