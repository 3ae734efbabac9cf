//! Running catalogues: every mutant of the exercises asked for, and each
//! solution unchanged beside them, compiled in one generated package and
//! judged exactly as a learner's file is (see `crate::check`).
//!
//! One package for all of them lets cargo build the binaries side by side
//! on every core, and the shared target folder means the dependencies are
//! never rebuilt; a mutant whose text did not change since the last run is
//! not recompiled either, because staged files keep their timestamps.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::apply::apply;
use super::catalogue::{self, CatalogueError, Mutant};
use crate::check::compile::Binary;
use crate::check::stage::write_if_changed;
use crate::check::{CaseOutcome, Checker, Report, Verdict};
use crate::registry::Exercise;

/// Fewest mutants that count (not equivalent) a catalogue may have.
pub const MIN_COUNTED: usize = 10;

/// The build folder of the mutants' package.
const LABEL: &str = "mutants";

/// What happened to one mutant that was built and run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// The check failed it; how, in a few words.
    Caught(String),
    /// The check passed it.
    Survived,
}

#[derive(Debug, Clone)]
pub struct Tried {
    /// Its place in the catalogue, from 1.
    pub number: usize,
    pub mutant: Mutant,
    pub fate: Fate,
}

/// One exercise's catalogue, run.
#[derive(Debug, Clone)]
pub struct Scored {
    pub exercise: String,
    pub tried: Vec<Tried>,
    /// Catalogue errors and a failing solution: each one line, each a
    /// reason to fail whatever the score.
    pub errors: Vec<CatalogueError>,
}

impl Scored {
    fn counted(&self) -> impl Iterator<Item = &Tried> {
        self.tried.iter().filter(|t| t.mutant.counts())
    }

    /// Mutants that count, and were run.
    pub fn total(&self) -> usize {
        self.counted().count()
    }

    pub fn caught(&self) -> usize {
        self.counted()
            .filter(|t| matches!(t.fate, Fate::Caught(_)))
            .count()
    }

    pub fn survivors(&self) -> impl Iterator<Item = &Tried> {
        self.counted().filter(|t| t.fate == Fate::Survived)
    }

    pub fn equivalents(&self) -> impl Iterator<Item = &Tried> {
        self.tried.iter().filter(|t| !t.mutant.counts())
    }
}

/// How long the run took: building every binary, then running them.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Mutants built and run (the unchanged solutions not included).
    pub mutants: usize,
    pub build: Duration,
    pub run: Duration,
}

/// Runs the catalogues of `exercises`; with `sample` = k > 1, only every
/// k-th mutant of each (k, 2k, ...), so that a sample is the same each
/// time. `each` hears of every binary that finished running.
pub fn run(
    checker: &Checker,
    exercises: &[&Exercise],
    sample: usize,
    each: impl Fn() + Sync,
) -> Result<(Vec<Scored>, Timing)> {
    let ws = checker.ws;
    let mutated_dir = ws.build_dir().join(LABEL).join("mutated");
    let mut scored = Vec::new();
    let mut bins = Vec::new();
    // Per binary: its exercise's index in `scored`, and which mutant it is
    // (none for the unchanged solution).
    let mut planned: Vec<(usize, Option<(usize, Mutant)>)> = Vec::new();
    let mut sources: Vec<PathBuf> = Vec::new();

    for ex in exercises {
        let index = scored.len();
        let mut this = Scored {
            exercise: ex.name.clone(),
            tried: Vec::new(),
            errors: Vec::new(),
        };
        let file = ex.mutants_rel();
        let Ok(text) = std::fs::read_to_string(ws.mutants_file(ex)) else {
            this.errors.push(CatalogueError {
                file,
                mutant: None,
                what: format!(
                    "no mutant catalogue; write at least {MIN_COUNTED} realistic mistakes \
                     there (README: \"Writing mutants\")"
                ),
            });
            scored.push(this);
            continue;
        };
        let mutants = match catalogue::parse(&file, &text) {
            Ok(mutants) => mutants,
            Err(e) => {
                this.errors.push(e);
                scored.push(this);
                continue;
            }
        };
        let counted = mutants.iter().filter(|m| m.counts()).count();
        if counted < MIN_COUNTED {
            this.errors.push(CatalogueError {
                file: file.clone(),
                mutant: None,
                what: format!(
                    "{counted} mutant(s) that count (not equivalent); a catalogue needs at least {MIN_COUNTED}"
                ),
            });
        }
        let solution = ws.solution_file(ex);
        let solution_text = std::fs::read_to_string(&solution)
            .with_context(|| format!("cannot read {}", ex.solution_rel()))?;
        bins.push((ex.name.clone(), *ex, solution));
        planned.push((index, None));
        for (i, mutant) in mutants.into_iter().enumerate() {
            let number = i + 1;
            if sample > 1 && number % sample != 0 {
                continue;
            }
            match apply(&solution_text, &ex.solution_rel(), &mutant) {
                Err(e) => this.errors.push(CatalogueError {
                    file: file.clone(),
                    mutant: Some(number),
                    what: e.to_string(),
                }),
                Ok(text) => {
                    let source = mutated_dir.join(format!("{}-{number}.rs", ex.name));
                    write_if_changed(&source, &text)?;
                    sources.push(source.clone());
                    bins.push((format!("{}-m{number}", ex.name), *ex, source));
                    planned.push((index, Some((number, mutant))));
                }
            }
        }
        scored.push(this);
    }

    let bins: Vec<Binary> = bins
        .into_iter()
        .map(|(name, exercise, source)| Binary {
            name,
            exercise,
            source,
        })
        .collect();
    let started = Instant::now();
    let first_report: Mutex<Option<Instant>> = Mutex::new(None);
    let reports = checker.check_binaries(LABEL, &bins, |_| {
        first_report
            .lock()
            .unwrap()
            .get_or_insert_with(Instant::now);
        each();
    })?;
    let built = first_report
        .into_inner()
        .unwrap()
        .unwrap_or_else(Instant::now);
    let timing = Timing {
        mutants: planned.iter().filter(|(_, m)| m.is_some()).count(),
        build: built - started,
        run: built.elapsed(),
    };

    let mut solution_fails = vec![false; scored.len()];
    for ((index, which), report) in planned.into_iter().zip(&reports) {
        let this = &mut scored[index];
        let ex = exercises[index];
        let Some((number, mutant)) = which else {
            if !report.verdict.passed() {
                solution_fails[index] = true;
                this.errors.push(CatalogueError {
                    file: ex.solution_rel(),
                    mutant: None,
                    what: "the solution does not pass its check, so no mutant of it can be judged; run `memlings verify`".into(),
                });
            }
            continue;
        };
        let error = |what: String| CatalogueError {
            file: ex.mutants_rel(),
            mutant: Some(number),
            what,
        };
        let fate = match &report.verdict {
            Verdict::CompileError(text) => {
                this.errors.push(error(format!(
                    "does not compile, and realistic mistakes compile; fix its `with` ({})",
                    first_error(text)
                )));
                continue;
            }
            Verdict::Passed => Fate::Survived,
            _ => Fate::Caught(how_caught(report)),
        };
        if let (Some(_), Fate::Caught(how)) = (&mutant.equivalent, &fate) {
            this.errors.push(error(format!(
                "marked `equivalent`, but the check catches it ({how}); delete `equivalent`"
            )));
        }
        this.tried.push(Tried {
            number,
            mutant,
            fate,
        });
    }
    for (this, failed) in scored.iter_mut().zip(solution_fails) {
        if failed {
            this.tried.clear();
        }
        // Errors found before the build and after it, in catalogue order.
        this.errors.sort_by_key(|e| e.mutant);
    }
    Ok((scored, timing))
}

/// The first line of rustc's first error, without its color codes.
fn first_error(text: &str) -> String {
    let plain = crate::term::strip_ansi(text);
    plain
        .lines()
        .find(|l| l.starts_with("error"))
        .unwrap_or("no message")
        .trim()
        .to_string()
}

/// In a few words, what gave a mutant away.
fn how_caught(report: &Report) -> String {
    match &report.verdict {
        Verdict::TimedOut(limit) => format!("timed out after {} s", limit.as_secs()),
        Verdict::OutputCapped(_) => "printed past the output cap".into(),
        Verdict::OutOfMemory(limit) => format!("ran out of memory at {} MiB", limit >> 20),
        Verdict::Crashed(why) => format!("crashed: {why}"),
        Verdict::Refused(why) => format!("refused: {why}"),
        Verdict::MissingSnapshot(case) => format!("case `{case}` has no snapshot"),
        Verdict::Passed | Verdict::CompileError(_) | Verdict::Failed => {
            match report
                .cases
                .iter()
                .find(|c| c.actual != CaseOutcome::Matches)
            {
                Some(case) => match case.actual {
                    CaseOutcome::Panicked(_) => format!("case `{}` panicked", case.name),
                    CaseOutcome::NotRun => format!("case `{}` never ran", case.name),
                    _ => format!("case `{}` differs", case.name),
                },
                None => "failed".into(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tried(number: usize, equivalent: bool, fate: Fate) -> Tried {
        Tried {
            number,
            mutant: Mutant {
                reason: format!("mistake {number}"),
                replace: "a".into(),
                with: "b".into(),
                occurrence: None,
                equivalent: equivalent.then(|| "no input tells".to_string()),
            },
            fate,
        }
    }

    #[test]
    fn equivalent_mutants_are_listed_but_not_counted() {
        let scored = Scored {
            exercise: "one".into(),
            tried: vec![
                tried(1, false, Fate::Caught("case `a` differs".into())),
                tried(2, false, Fate::Survived),
                tried(3, true, Fate::Survived),
                tried(4, false, Fate::Caught("timed out after 10 s".into())),
            ],
            errors: Vec::new(),
        };
        assert_eq!((scored.caught(), scored.total()), (2, 3));
        let survivors: Vec<usize> = scored.survivors().map(|t| t.number).collect();
        assert_eq!(survivors, [2]);
        let equivalents: Vec<usize> = scored.equivalents().map(|t| t.number).collect();
        assert_eq!(equivalents, [3]);
    }

    #[test]
    fn a_compile_error_is_named_by_its_first_error_line() {
        let rustc = "\u{1b}[1m\u{1b}[38;5;9merror[E0308]\u{1b}[0m: mismatched types\n --> x.rs:3:5\nerror: aborting";
        assert_eq!(first_error(rustc), "error[E0308]: mismatched types");
    }
}
