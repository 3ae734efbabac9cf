//! A throwaway copy of the workspace (a git repository, as a clone is) and
//! helpers to run the `memlings` binary in it.

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

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("memlings");
        let repo = repo_root();
        // The root files are copied first: their folder must exist.
        std::fs::create_dir_all(&root).unwrap();
        for item in [
            "Cargo.toml",
            "Cargo.lock",
            "exercises",
            "solutions",
            "runner",
            "book",
        ] {
            copy(&repo.join(item), &root.join(item));
        }
        // A clone is a git repository: `reset` finds originals in it.
        for args in [
            &["init", "-q"][..],
            &["add", "-A"],
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-qm",
                "copy",
            ],
        ] {
            let ok = Command::new("git")
                .args(args)
                .current_dir(&root)
                .status()
                .unwrap()
                .success();
            assert!(ok, "git {args:?} failed");
        }
        Sandbox { _dir: dir, root }
    }

    pub fn memlings(&self, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_memlings"))
            .args(args)
            .current_dir(&self.root)
            .env_remove("NO_COLOR")
            .env_remove("MEMLINGS_BUILD_DIR")
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

    /// Some exercise other than the first, whatever the curriculum holds.
    pub fn second_exercise(&self) -> String {
        let registry = std::fs::read_to_string(self.root.join("runner/exercises.toml")).unwrap();
        registry
            .lines()
            .filter_map(|l| l.strip_prefix("name = \""))
            .nth(1)
            .unwrap()
            .trim_end_matches('"')
            .to_string()
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
