//! Grading a class: `memlings grade SUBMISSIONS_DIR`.
//!
//! Each entry of the folder is a student's submission (see `discover`).
//! Only its exercise files are taken (`unpack`), written to a scratch
//! folder in the runner's build folder, and checked there exactly as the
//! learner's own files are (`one`, through `crate::check`): staged copies,
//! the same sandbox and limits, verdicts from how the run ended and what
//! the harness reported under a token the code never sees. The grader's
//! checkout is never written to, except its build folder (`target/memlings/`,
//! or `MEMLINGS_BUILD_DIR`). `score` adds up the weights; `report` writes
//! the formats.
//!
//! Not sealed yet (issue 11): the build is not in a fresh namespace of its
//! own, and there are no hidden cases, so a submission that reads the
//! snapshots or memorizes them can still pass.

pub mod discover;
pub mod one;
pub mod report;
pub mod score;
pub mod unpack;

use anyhow::Result;

use crate::check::Checker;
use crate::registry::Exercise;
use discover::Entry;
pub use one::{Kind, Reason};

/// One graded exercise of one student.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseResult {
    pub exercise: String,
    pub passed: bool,
    pub score: u32,
    pub max_score: u32,
    /// Why it failed; `None` when it passed.
    pub reason: Option<Reason>,
}

#[derive(Debug, Clone)]
pub struct Student {
    pub name: String,
    /// The entry it came from: `alice.zip`, `bob`.
    pub submission: String,
    pub form: discover::Form,
    /// Where the exercise folder was found in it.
    pub root: Option<String>,
    /// Why nothing could be graded, or a note about its name.
    pub problems: Vec<String>,
    pub ignored: Vec<String>,
    pub ignored_elsewhere: usize,
    pub results: Vec<ExerciseResult>,
}

impl Student {
    pub fn score(&self) -> u32 {
        self.results.iter().map(|r| r.score).sum()
    }

    pub fn max_score(&self) -> u32 {
        self.results.iter().map(|r| r.max_score).sum()
    }
}

/// The graded exercises, in registry order.
#[derive(Debug, Clone)]
pub struct Graded {
    pub name: String,
    /// As the learner names it: `exercises/<chapter>/<name>.rs`.
    pub file: String,
    pub weight: u32,
}

#[derive(Debug, Clone)]
pub struct Class {
    pub exercises: Vec<Graded>,
    pub students: Vec<Student>,
    /// Whether the checks ran in Linux namespaces, with the checkout and
    /// the build folder read-only to them (else under the subreaper).
    pub namespaces: bool,
}

impl Class {
    pub fn max_score(&self) -> u32 {
        self.exercises.iter().map(|e| e.weight).sum()
    }
}

/// Grades every submission in `entries` on the exercises `graded`, `jobs`
/// submissions at a time; `tick` hears of every graded exercise.
pub fn grade(
    checker: &Checker,
    entries: &[Entry],
    graded: &[&Exercise],
    jobs: usize,
    tick: impl Fn() + Sync,
) -> Result<Class> {
    let mut students = Vec::new();
    for batch in entries.chunks(jobs.max(1)) {
        let received: Vec<unpack::Received> = batch
            .iter()
            .map(|entry| unpack::receive(entry, &checker.registry.exercises, graded))
            .collect();
        let results = one::grade_batch(checker, &received, graded, &tick)?;
        for ((entry, received), results) in batch.iter().zip(received).zip(results) {
            let mut problems: Vec<String> = entry.name_note.iter().cloned().collect();
            problems.extend(received.problem);
            students.push(Student {
                name: entry.student.clone(),
                submission: entry.file_name.clone(),
                form: entry.form,
                root: received.root,
                problems,
                ignored: received.ignored,
                ignored_elsewhere: received.ignored_elsewhere,
                results,
            });
        }
    }
    Ok(Class {
        exercises: graded
            .iter()
            .map(|ex| Graded {
                name: ex.name.clone(),
                file: ex.exercise_rel(),
                weight: ex.weight(),
            })
            .collect(),
        students,
        namespaces: crate::check::sandbox::seals_folders(),
    })
}
