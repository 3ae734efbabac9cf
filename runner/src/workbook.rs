//! The workbook as the learner works through it: the workspace, the registry
//! of exercises and the learner's progress, held together, with the moves
//! every command makes (check one, check all, go to one, step forward or
//! back, reset one, save). Commands and watch mode are views over this type;
//! it knows nothing of them, and prints nothing but the warning about an
//! unreadable progress file.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::check::compile::SourceTree;
use crate::check::sandbox::Limits;
use crate::check::{Checker, Report};
use crate::error::UserError;
use crate::registry::{Exercise, Registry};
use crate::state::State;
use crate::workspace::Workspace;
use crate::{pristine, term};

pub struct Workbook {
    pub ws: Workspace,
    pub registry: Registry,
    /// Done exercises and the current one, as last saved or since changed.
    pub progress: State,
    pub limits: Limits,
    pub color: bool,
}

/// What checking one exercise found.
pub struct Checked {
    pub report: Report,
    /// True when this check solved the exercise for the first time.
    pub first_pass: bool,
}

/// What resetting an exercise did to the learner's file.
#[derive(Debug)]
pub enum Reset {
    /// The file already held the starting code.
    AlreadyOriginal,
    /// The learner's version was saved at `backup` (workspace-relative).
    Restored { backup: String },
    /// The file was missing and is back.
    WasMissing,
}

impl Workbook {
    /// Opens the workbook around the current folder; `time_limit` is how long
    /// a check may run once compiled.
    pub fn open(time_limit: Duration) -> Result<Workbook> {
        let cwd = std::env::current_dir()?;
        let ws = Workspace::discover(&cwd)?;
        crate::invocation::remember_workspace(&ws.root);
        Workbook::at(ws, time_limit)
    }

    /// Opens the workbook of `ws`: its registry and the learner's progress.
    pub fn at(ws: Workspace, time_limit: Duration) -> Result<Workbook> {
        let registry = Registry::load(&ws.registry())?;
        let (progress, warning) = State::load(&ws, &registry);
        if let Some(warning) = warning {
            term::warn(&warning);
        }
        Ok(Workbook {
            ws,
            registry,
            progress,
            limits: Limits {
                time: time_limit,
                ..Limits::default()
            },
            color: colored::control::SHOULD_COLORIZE.should_colorize(),
        })
    }

    pub fn checker(&self, tree: SourceTree) -> Checker<'_> {
        Checker {
            ws: &self.ws,
            registry: &self.registry,
            tree,
            limits: self.limits,
            color: self.color,
            jobs: None,
        }
    }

    /// A checker of the learner's own files.
    pub fn learner_checker(&self) -> Checker<'_> {
        self.checker(SourceTree::exercises(&self.ws))
    }

    pub fn current(&self) -> &Exercise {
        &self.registry.exercises[self.progress.current]
    }

    /// The exercise a command names, or the current one.
    pub fn pick(&self, name: Option<&str>) -> Result<&Exercise> {
        match name {
            Some(name) => Ok(self.registry.get(name)?),
            None => Ok(self.current()),
        }
    }

    /// The registry index of the exercise named `name`.
    pub fn index(&self, name: &str) -> Result<usize> {
        let ex = self.registry.get(name)?;
        Ok(self
            .registry
            .index_of(&ex.name)
            .expect("get found it in the registry"))
    }

    /// Fails with a clear message when the learner's exercise file is gone.
    pub fn require_file(&self, ex: &Exercise) -> Result<()> {
        if !self.ws.exercise_file(ex).is_file() {
            return Err(UserError::MissingExerciseFile {
                name: ex.name.clone(),
                path: ex.exercise_rel().into(),
            }
            .into());
        }
        Ok(())
    }

    /// Checks the learner's exercise at `index`, records the result and
    /// saves. The current exercise does not move.
    pub fn check(&mut self, index: usize) -> Result<Checked> {
        let ex = &self.registry.exercises[index];
        let report = self.learner_checker().check(ex)?;
        let first_pass = self.progress.record(&ex.name, report.verdict.passed());
        self.save()?;
        Ok(Checked { report, first_pass })
    }

    /// Checks every exercise, records each result and saves; `each` hears of
    /// every report as it comes. The current exercise stays where the
    /// learner put it: a check is no reason to move them.
    pub fn check_all(&mut self, each: impl Fn(&Report) + Sync) -> Result<Vec<Report>> {
        let exercises: Vec<_> = self.registry.exercises.iter().collect();
        let reports = self.learner_checker().check_many(&exercises, each)?;
        for report in &reports {
            self.progress
                .record(&report.exercise, report.verdict.passed());
        }
        self.save()?;
        Ok(reports)
    }

    /// Makes the exercise at `index` the current one and saves.
    pub fn go(&mut self, index: usize) -> Result<()> {
        self.progress.current = index;
        self.save()
    }

    /// Where `n` goes: see [`State::forward`].
    pub fn forward(&self) -> Option<usize> {
        self.progress.forward(&self.registry)
    }

    /// Where `p` goes: the exercise before the current one.
    pub fn back(&self) -> Option<usize> {
        self.progress.back()
    }

    /// The next pending exercise after the current one, wrapping around.
    pub fn next_pending(&self) -> Option<usize> {
        self.progress.next_pending(&self.registry)
    }

    pub fn all_done(&self) -> bool {
        self.progress.first_pending(&self.registry).is_none()
    }

    /// Restores the exercise at `index` to its starting code, keeping the
    /// learner's version as a backup first, marks it not done and saves.
    pub fn reset(&mut self, index: usize) -> Result<Reset> {
        let ex = &self.registry.exercises[index];
        let original = pristine::original(&self.ws, ex)?;
        let path = self.ws.exercise_file(ex);
        let rel = ex.exercise_rel();
        let outcome = match std::fs::read(&path) {
            Ok(current) if current == original => Reset::AlreadyOriginal,
            Ok(current) => Reset::Restored {
                backup: self.ws.display(&self.backup(ex, &current)?),
            },
            Err(_) => Reset::WasMissing,
        };
        if !matches!(outcome, Reset::AlreadyOriginal) {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            std::fs::write(&path, original).with_context(|| format!("cannot write {rel}"))?;
        }
        // Reset means starting over, so the exercise counts as not done
        // even when its file was untouched.
        let name = ex.name.clone();
        self.progress.record(&name, false);
        self.save()?;
        Ok(outcome)
    }

    /// Saves `content` under a backup name not yet taken.
    fn backup(&self, ex: &Exercise, content: &[u8]) -> Result<PathBuf> {
        let dir = self.ws.backups_dir();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let path = (1..)
            .map(|n| dir.join(format!("{}-{n}.rs", ex.name)))
            .find(|p| !p.exists())
            .expect("some backup number is free");
        std::fs::write(&path, content)
            .with_context(|| format!("cannot write the backup {}", path.display()))?;
        Ok(path)
    }

    /// Writes the progress to the workspace's state file.
    pub fn save(&self) -> Result<()> {
        self.progress.save(&self.registry)
    }
}

impl Reset {
    /// The line to show after resetting the exercise whose file is `rel`.
    pub fn message(&self, rel: &str) -> String {
        use colored::Colorize;
        match self {
            Reset::AlreadyOriginal => {
                format!("{rel} is already in its original state; nothing to do.")
            }
            Reset::Restored { backup } => format!(
                "{} {rel} to its original. Your version is saved as {}",
                "Restored".green().bold(),
                backup.bold()
            ),
            Reset::WasMissing => format!("{} {rel}, which was missing.", "Restored".green().bold()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTRY: &str = "[[exercise]]\nname = \"one\"\npart = \"I\"\nchapter = \"01_a\"\nbook = \"a.md\"\nhint = \"h\"\n\n\
                            [[exercise]]\nname = \"two\"\npart = \"I\"\nchapter = \"02_b\"\nbook = \"b.md\"\nhint = \"h\"\n";

    /// A workbook whose exercises are their starting code.
    fn workbook() -> (tempfile::TempDir, Workbook) {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace {
            root: dir.path().to_path_buf(),
        };
        std::fs::create_dir_all(ws.root.join("runner")).unwrap();
        std::fs::write(ws.registry(), REGISTRY).unwrap();
        let registry = Registry::load(&ws.registry()).unwrap();
        for ex in &registry.exercises {
            for file in [ws.exercise_file(ex), ws.pristine_file(ex)] {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(file, format!("// {}\n", ex.name)).unwrap();
            }
        }
        let book = Workbook::at(ws, Duration::from_secs(1)).unwrap();
        (dir, book)
    }

    fn reopened(book: &Workbook) -> Workbook {
        Workbook::at(book.ws.clone(), Duration::from_secs(1)).unwrap()
    }

    #[test]
    fn reset_backs_up_the_learners_version_and_counts_the_exercise_as_not_done() {
        let (_dir, mut book) = workbook();
        book.progress.record("two", true);
        let file = book.ws.exercise_file(&book.registry.exercises[1]);
        std::fs::write(&file, "// mine\n").unwrap();
        match book.reset(1).unwrap() {
            Reset::Restored { backup } => {
                assert_eq!(backup, ".memlings-backups/two-1.rs");
                let kept = std::fs::read_to_string(book.ws.root.join(backup)).unwrap();
                assert_eq!(kept, "// mine\n");
            }
            other => panic!("expected a restore with a backup, got {other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "// two\n");
        assert!(
            !reopened(&book).progress.is_done("two"),
            "saved as not done"
        );
    }

    #[test]
    fn resetting_untouched_starting_code_writes_nothing_but_still_starts_over() {
        let (_dir, mut book) = workbook();
        book.progress.record("one", true);
        assert!(matches!(book.reset(0).unwrap(), Reset::AlreadyOriginal));
        assert!(!book.ws.backups_dir().exists(), "no backup of the original");
        assert!(!reopened(&book).progress.is_done("one"));
    }

    #[test]
    fn reset_brings_back_a_missing_file() {
        let (_dir, mut book) = workbook();
        let file = book.ws.exercise_file(&book.registry.exercises[0]);
        std::fs::remove_file(&file).unwrap();
        assert!(matches!(book.reset(0).unwrap(), Reset::WasMissing));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "// one\n");
    }

    #[test]
    fn go_is_saved_and_moves_nothing_else() {
        let (_dir, mut book) = workbook();
        book.progress.record("one", true);
        book.go(book.index("two").unwrap()).unwrap();
        let again = reopened(&book);
        assert_eq!(again.current().name, "two");
        assert!(again.progress.is_done("one"));
        assert_eq!(again.back(), Some(0));
        assert!(!again.all_done());
    }

    #[test]
    fn an_unknown_name_is_a_user_error() {
        let (_dir, book) = workbook();
        let err = book.index("three").unwrap_err();
        assert!(err.downcast_ref::<UserError>().is_some(), "{err:#}");
        assert_eq!(book.pick(None).unwrap().name, "one");
    }
}
