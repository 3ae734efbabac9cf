//! A throwaway copy of the workbook as a learner first gets it, and helpers
//! to run the `memlings` binary in it.
//!
//! The copy's exercises are the starting code in `runner/pristine/`, never
//! the exercises of the tree the tests run in: there a learner may have
//! solved, half done or broken any of them, and `cargo test` must still
//! pass. Nothing of the learner's (progress, backups, build products) is
//! copied, and the copy is no git repository, as a ZIP download is not.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Sandbox {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// What a run needs from a tree, besides the exercises.
const COPIED: [&str; 6] = [
    "Cargo.toml",
    "Cargo.lock",
    // The exercises' package manifest; learners do not edit it.
    "exercises/Cargo.toml",
    "solutions",
    "runner",
    "book",
];

impl Sandbox {
    /// A fresh copy of this repository's workbook.
    pub fn new() -> Sandbox {
        Sandbox::copy_of(&repo_root())
    }

    /// A fresh copy of the workbook in `tree`, with the starting code as its
    /// exercises whatever `tree`'s own exercises hold.
    pub fn copy_of(tree: &Path) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("memlings");
        std::fs::create_dir_all(root.join("exercises")).unwrap();
        for item in COPIED {
            copy(&tree.join(item), &root.join(item));
        }
        let pristine = tree.join("runner/pristine");
        assert!(pristine.is_dir(), "{} is missing", pristine.display());
        copy(&pristine, &root.join("exercises"));
        Sandbox { _dir: dir, root }
    }

    pub fn memlings(&self, args: &[&str]) -> Output {
        self.memlings_with_env(args, &[])
    }

    /// Runs `memlings` with these environment variables set.
    pub fn memlings_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_memlings"))
            .args(args)
            .current_dir(&self.root)
            .env_remove("NO_COLOR")
            .env_remove("MEMLINGS_BUILD_DIR")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn rel(&self, name: &str, tree: &str) -> PathBuf {
        let registry = std::fs::read_to_string(self.root.join("runner/exercises.toml")).unwrap();
        let entry = registry
            .split("[[exercise]]")
            .find(|e| e.contains(&format!("name = \"{name}\"")))
            .unwrap_or_else(|| panic!("no exercise {name}"));
        let chapter = entry
            .lines()
            .find_map(|l| l.strip_prefix("chapter = \""))
            .unwrap()
            .trim_end_matches('"');
        self.root
            .join(tree)
            .join(chapter)
            .join(format!("{name}.rs"))
    }

    pub fn exercise_path(&self, name: &str) -> PathBuf {
        self.rel(name, "exercises")
    }

    /// The exercise's starting code, which `reset` restores.
    pub fn pristine_path(&self, name: &str) -> PathBuf {
        self.rel(name, "runner/pristine")
    }

    /// Puts the reference solution in the learner's place.
    pub fn solve(&self, name: &str) {
        std::fs::copy(self.rel(name, "solutions"), self.exercise_path(name)).unwrap();
    }

    pub fn edit(&self, name: &str, change: impl FnOnce(&str) -> String) {
        let path = self.exercise_path(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let changed = change(&text);
        assert_ne!(text, changed, "the edit changed nothing");
        std::fs::write(&path, changed).unwrap();
    }

    /// Progress with exactly these exercises done, as checks would leave it.
    pub fn set_done(&self, done: &[&str]) {
        let done: Vec<String> = done.iter().map(|n| format!("\"{n}\"")).collect();
        std::fs::write(
            self.root.join(".memlings-state.toml"),
            format!("done = [{}]\n", done.join(", ")),
        )
        .unwrap();
    }

    /// Appends `entry` (the keys of an `[[exercise]]` table) to the
    /// registry, for a fixture exercise the curriculum does not have.
    pub fn add_to_registry(&self, entry: &str) {
        let path = self.root.join("runner/exercises.toml");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&format!("\n[[exercise]]\n{entry}"));
        std::fs::write(&path, text).unwrap();
    }

    /// The text of the file at `rel`.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Writes `text` at `rel`, making its folder.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Some exercise other than the first, whatever the curriculum holds.
    pub fn second_exercise(&self) -> String {
        self.exercise_names().swap_remove(1)
    }

    /// Every exercise in the registry, in learning order.
    pub fn exercise_names(&self) -> Vec<String> {
        let registry = std::fs::read_to_string(self.root.join("runner/exercises.toml")).unwrap();
        registry
            .lines()
            .filter_map(|l| l.strip_prefix("name = \""))
            .map(|name| name.trim_end_matches('"').to_string())
            .collect()
    }
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        if from
            .file_name()
            .is_some_and(|n| n == "target" || n == "build")
        {
            return;
        }
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else if from.is_file() {
        // Editors' and authors' temporary files may vanish mid-copy.
        let _ = std::fs::copy(from, to);
    }
}

impl Output {
    #[track_caller]
    pub fn assert_code(&self, code: i32) {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
    }

    #[track_caller]
    pub fn assert_stdout_has(&self, text: &str) {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
    }

    #[track_caller]
    pub fn assert_stderr_has(&self, text: &str) {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\n--- stderr\n{}",
            self.stderr
        );
    }

    /// Stderr is exactly this one line.
    #[track_caller]
    pub fn assert_stderr_line(&self, line: &str) {
        assert_eq!(self.stderr.trim_end(), line, "stderr");
    }
}
