//! Grading a batch of submissions: their exercise files are written to a
//! scratch folder per submission slot, and checked in one generated
//! package (one cargo run builds them side by side on every core, over
//! the dependencies already built in the shared target folder), then run
//! in parallel. Each report becomes a result with its reason.
//!
//! Binaries are named by slot (`s0_units`), not by student, so the build
//! folder holds one batch's binaries at a time however large the class,
//! and a file identical to the one the slot last held is not recompiled.

use std::path::PathBuf;

use anyhow::Result;
use similar::TextDiff;

use super::unpack::{Found, Received};
use super::ExerciseResult;
use crate::check::compile::Binary;
use crate::check::stage::write_if_changed;
use crate::check::{CaseOutcome, Checker, Report, Verdict};
use crate::registry::Exercise;
use crate::workspace::{in_tree, EXERCISES};

/// The build folder of the graded submissions' package.
const LABEL: &str = "grade";
/// Lines of one diff or compiler message kept in a reason's detail.
const MAX_DETAIL_LINES: usize = 200;
const MAX_DETAIL_BYTES: usize = 32 << 10;

/// Why an exercise failed, in categories a report can count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    MissingFile,
    Refused,
    CompileError,
    WrongOutput,
    Panicked,
    Timeout,
    Crash,
    OutputLimit,
    MemoryLimit,
    /// The check itself is broken (a missing snapshot): not the student's doing.
    GraderError,
}

impl Kind {
    /// The name in JSON and CSV-minded reports.
    pub fn code(self) -> &'static str {
        match self {
            Kind::MissingFile => "missing_file",
            Kind::Refused => "refused",
            Kind::CompileError => "compile_error",
            Kind::WrongOutput => "wrong_output",
            Kind::Panicked => "panicked",
            Kind::Timeout => "timeout",
            Kind::Crash => "crash",
            Kind::OutputLimit => "output_limit",
            Kind::MemoryLimit => "memory_limit",
            Kind::GraderError => "grader_error",
        }
    }

    /// The name for people.
    pub fn words(self) -> &'static str {
        match self {
            Kind::MissingFile => "missing file",
            Kind::Refused => "refused",
            Kind::CompileError => "compile error",
            Kind::WrongOutput => "wrong output",
            Kind::Panicked => "panicked",
            Kind::Timeout => "timeout",
            Kind::Crash => "crash",
            Kind::OutputLimit => "output limit",
            Kind::MemoryLimit => "memory limit",
            Kind::GraderError => "grader error",
        }
    }

    pub const ALL: [Kind; 10] = [
        Kind::MissingFile,
        Kind::Refused,
        Kind::CompileError,
        Kind::WrongOutput,
        Kind::Panicked,
        Kind::Timeout,
        Kind::Crash,
        Kind::OutputLimit,
        Kind::MemoryLimit,
        Kind::GraderError,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub kind: Kind,
    /// One line.
    pub summary: String,
    /// The diff, the compiler's message, the output: plain text, maybe empty.
    pub detail: String,
}

/// Grades each of `received` (one per slot) on `graded`; results in the
/// order of `graded`, one list per submission.
pub fn grade_batch(
    checker: &Checker,
    received: &[Received],
    graded: &[&Exercise],
    tick: &(impl Fn() + Sync),
) -> Result<Vec<Vec<ExerciseResult>>> {
    let ws = checker.ws;
    let scratch = ws.build_dir().join(LABEL).join("received");
    let mut bins = Vec::new();
    // Per binary: (slot, exercise index).
    let mut planned = Vec::new();
    let mut results: Vec<Vec<Option<ExerciseResult>>> =
        received.iter().map(|_| vec![None; graded.len()]).collect();
    for (slot, got) in received.iter().enumerate() {
        let dir = slot_dir(&scratch, slot);
        for (i, ex) in graded.iter().enumerate() {
            let file = ex.exercise_rel();
            let reason = match got.files.get(&ex.name).unwrap_or(&Found::Missing) {
                Found::Text(text) => {
                    let source = dir.join(EXERCISES).join(in_tree(ex));
                    write_if_changed(&source, text)?;
                    bins.push(Binary {
                        name: format!("s{slot}_{}", ex.name),
                        exercise: ex,
                        source,
                    });
                    planned.push((slot, i));
                    continue;
                }
                Found::Missing => Reason {
                    kind: Kind::MissingFile,
                    summary: format!("{file} is not in the submission"),
                    detail: String::new(),
                },
                Found::Refused(why) => Reason {
                    kind: Kind::Refused,
                    summary: why.clone(),
                    detail: String::new(),
                },
            };
            results[slot][i] = Some(failed(ex, reason));
            tick();
        }
    }
    if !bins.is_empty() {
        let reports = checker.check_binaries(LABEL, &bins, |_| tick())?;
        for ((slot, i), report) in planned.into_iter().zip(reports) {
            let prefix = format!("{}/", ws.display(&slot_dir(&scratch, slot)));
            let shown = |text: &str| crate::term::strip_ansi(&text.replace(&prefix, ""));
            let ex = graded[i];
            results[slot][i] = Some(match reason(&report, &shown) {
                None => ExerciseResult {
                    exercise: ex.name.clone(),
                    passed: true,
                    score: ex.weight(),
                    max_score: ex.weight(),
                    reason: None,
                },
                Some(reason) => failed(ex, reason),
            });
        }
    }
    Ok(results
        .into_iter()
        .map(|slots| {
            slots
                .into_iter()
                .map(|r| r.expect("every exercise is graded"))
                .collect()
        })
        .collect())
}

fn slot_dir(scratch: &std::path::Path, slot: usize) -> PathBuf {
    scratch.join(format!("s{slot}"))
}

fn failed(ex: &Exercise, reason: Reason) -> ExerciseResult {
    ExerciseResult {
        exercise: ex.name.clone(),
        passed: false,
        score: 0,
        max_score: ex.weight(),
        reason: Some(reason),
    }
}

/// Why `report` is no pass, from its verdict; `None` for a pass. `shown`
/// turns the scratch paths in a text back into `exercises/...`.
pub fn reason(report: &Report, shown: &impl Fn(&str) -> String) -> Option<Reason> {
    let (kind, summary) = match &report.verdict {
        Verdict::Passed => return None,
        Verdict::CompileError(text) => {
            let text = shown(text);
            let first = text
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("it does not compile")
                .trim()
                .to_string();
            return Some(Reason {
                kind: Kind::CompileError,
                summary: first,
                detail: capped(text.trim_end()),
            });
        }
        Verdict::Failed => return Some(wrong_output(report, shown)),
        Verdict::TimedOut(limit) => (
            Kind::Timeout,
            format!("it did not finish within {} s", limit.as_secs()),
        ),
        Verdict::OutputCapped(bytes) => (
            Kind::OutputLimit,
            format!("it printed more than the {} KiB allowed", bytes >> 10),
        ),
        Verdict::OutOfMemory(limit) => (
            Kind::MemoryLimit,
            format!("it ran out of memory (the limit is {} MiB)", limit >> 20),
        ),
        Verdict::Crashed(why) => (Kind::Crash, shown(why)),
        Verdict::Refused(why) => (Kind::Refused, shown(why)),
        Verdict::MissingSnapshot(case) => (
            Kind::GraderError,
            format!("the check's case `{case}` has no accepted snapshot; the grader's checkout is incomplete"),
        ),
    };
    Some(Reason {
        kind,
        summary,
        detail: capped(shown(&report.program_stderr).trim_end()),
    })
}

/// A run that finished with cases that differ or panicked.
fn wrong_output(report: &Report, shown: &impl Fn(&str) -> String) -> Reason {
    let bad: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.actual != CaseOutcome::Matches)
        .collect();
    let mut detail = String::new();
    let mut differs = 0;
    for case in &bad {
        match &case.actual {
            CaseOutcome::Matches => {}
            CaseOutcome::Differs(actual) => {
                differs += 1;
                let expected = case.expected.clone().unwrap_or_default();
                let expected = format!("{expected}\n");
                let actual = format!("{}\n", shown(actual));
                let diff = TextDiff::from_lines(&expected, &actual)
                    .unified_diff()
                    .context_radius(2)
                    .header(
                        &format!("{} expected", case.name),
                        &format!("{} got", case.name),
                    )
                    .to_string();
                detail.push_str(&diff);
            }
            CaseOutcome::Panicked(panic) => {
                detail.push_str(&format!(
                    "case `{}` panicked: {}\n",
                    case.name,
                    shown(&panic.to_string())
                ));
            }
            CaseOutcome::NotRun => {
                differs += 1;
                detail.push_str(&format!("case `{}` did not run\n", case.name));
            }
        }
    }
    let total = report.cases.len();
    let (kind, summary) = if differs > 0 {
        let first = bad
            .iter()
            .find(|c| !matches!(c.actual, CaseOutcome::Panicked(_)))
            .map_or(String::new(), |c| format!(" (first: `{}`)", c.name));
        (
            Kind::WrongOutput,
            format!(
                "{} of {total} cases do not match the expected output{first}",
                bad.len()
            ),
        )
    } else {
        let first = bad.first().map_or(String::new(), |c| match &c.actual {
            CaseOutcome::Panicked(panic) => format!(
                ": case `{}`: {}",
                c.name,
                shown(&panic.message).lines().next().unwrap_or_default()
            ),
            _ => String::new(),
        });
        (
            Kind::Panicked,
            format!("{} of {total} cases panicked{first}", bad.len()),
        )
    };
    Reason {
        kind,
        summary,
        detail: capped(detail.trim_end()),
    }
}

/// At most [`MAX_DETAIL_LINES`] lines and [`MAX_DETAIL_BYTES`], with a
/// note of how much more there was.
fn capped(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = if lines.len() <= MAX_DETAIL_LINES {
        text.to_string()
    } else {
        format!(
            "{}\n... {} more lines",
            lines[..MAX_DETAIL_LINES].join("\n"),
            lines.len() - MAX_DETAIL_LINES
        )
    };
    if out.len() > MAX_DETAIL_BYTES {
        let mut end = MAX_DETAIL_BYTES;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        let more = out.len() - end;
        out.truncate(end);
        out.push_str(&format!("\n... {more} more bytes"));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::check::CaseReport;

    fn report(verdict: Verdict, cases: Vec<CaseReport>) -> Report {
        Report {
            exercise: "units".into(),
            verdict,
            cases,
            program_output: String::new(),
            program_stderr: "thread 'main' has overflowed its stack\n".into(),
            exercise_file: "exercises/01_a/units.rs".into(),
            todo_lines: Vec::new(),
        }
    }

    fn kind(verdict: Verdict) -> Kind {
        reason(&report(verdict, Vec::new()), &|t: &str| t.to_string())
            .expect("a failure")
            .kind
    }

    #[test]
    fn each_way_a_run_ends_has_its_kind() {
        assert_eq!(
            kind(Verdict::TimedOut(Duration::from_secs(10))),
            Kind::Timeout
        );
        assert_eq!(kind(Verdict::OutputCapped(1 << 20)), Kind::OutputLimit);
        assert_eq!(kind(Verdict::OutOfMemory(2 << 30)), Kind::MemoryLimit);
        assert_eq!(
            kind(Verdict::Crashed("it overflowed the stack".into())),
            Kind::Crash
        );
        assert_eq!(kind(Verdict::Refused("it changed x".into())), Kind::Refused);
        assert_eq!(
            kind(Verdict::MissingSnapshot("a".into())),
            Kind::GraderError
        );
        assert_eq!(
            kind(Verdict::CompileError("error: x\n".into())),
            Kind::CompileError
        );
        assert!(reason(&report(Verdict::Passed, Vec::new()), &|t: &str| t
            .to_string())
        .is_none());
        let oom = reason(
            &report(Verdict::OutOfMemory(2 << 30), Vec::new()),
            &|t: &str| t.to_string(),
        )
        .unwrap();
        assert_eq!(oom.summary, "it ran out of memory (the limit is 2048 MiB)");
    }

    #[test]
    fn a_wrong_case_is_a_diff_and_a_run_of_panics_is_panicked() {
        let differs = CaseReport {
            name: "sizes".into(),
            expected: Some("a\nb\nc".into()),
            actual: CaseOutcome::Differs("a\nB\nc".into()),
            caught: Vec::new(),
        };
        let panics = CaseReport {
            name: "edge".into(),
            expected: Some("x".into()),
            actual: CaseOutcome::Panicked(crate::check::protocol::Panic {
                message: "not yet implemented".into(),
                at: None,
            }),
            caught: Vec::new(),
        };
        let same = |t: &str| t.to_string();
        let wrong = reason(
            &report(Verdict::Failed, vec![differs, panics.clone()]),
            &same,
        )
        .unwrap();
        assert_eq!(wrong.kind, Kind::WrongOutput);
        assert_eq!(
            wrong.summary,
            "2 of 2 cases do not match the expected output (first: `sizes`)"
        );
        assert!(wrong.detail.contains("-b\n+B\n"), "{}", wrong.detail);
        assert!(wrong
            .detail
            .contains("case `edge` panicked: not yet implemented"));

        let panicked = reason(&report(Verdict::Failed, vec![panics]), &same).unwrap();
        assert_eq!(panicked.kind, Kind::Panicked);
        assert_eq!(
            panicked.summary,
            "1 of 1 cases panicked: case `edge`: not yet implemented"
        );
    }

    #[test]
    fn long_details_are_cut_with_a_note() {
        let text: Vec<String> = (0..300).map(|i| format!("line {i}")).collect();
        let cut = capped(&text.join("\n"));
        assert!(cut.ends_with("... 100 more lines"), "{cut}");
        let wide = capped(&"é".repeat(40_000));
        assert!(wide.ends_with("more bytes"));
        assert!(wide.len() < MAX_DETAIL_BYTES + 40);
    }
}
