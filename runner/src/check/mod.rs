//! Checking an exercise: compile its check binary, run it under limits, and
//! compare each case's rendering with the accepted snapshot.

pub mod compile;
pub mod protocol;
pub mod render;
pub mod sandbox;
pub mod todos;

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Result;

use crate::registry::{Exercise, Registry};
use crate::snapshot;
use crate::workspace::Workspace;
use compile::{Compiled, Package, SourceTree};
use protocol::CaseResult;
use sandbox::{Ended, Limits};

/// Everything a user needs to know about one check.
#[derive(Debug, Clone)]
pub struct Report {
    pub exercise: String,
    pub verdict: Verdict,
    pub cases: Vec<CaseReport>,
    /// What the exercise printed itself (debug prints and the like).
    pub program_output: String,
    /// What the exercise wrote to stderr (`eprintln!`, `dbg!`).
    pub program_stderr: String,
    /// The checked file, as the learner names it (`exercises/...rs`).
    pub exercise_file: String,
    /// Every line of that file that still calls `todo!`, reached or not.
    pub todo_lines: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// Ran to the end, but some case differs from its snapshot or panicked.
    Failed,
    CompileError(String),
    TimedOut(Duration),
    OutputCapped(usize),
    /// Ran out of memory, crashed, or stopped before the check finished.
    Crashed(String),
    /// The check has no accepted snapshot for a case (an authoring bug).
    MissingSnapshot(String),
}

impl Verdict {
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Passed)
    }
}

#[derive(Debug, Clone)]
pub struct CaseReport {
    pub name: String,
    pub expected: Option<String>,
    pub actual: CaseOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseOutcome {
    Matches,
    Differs(String),
    Panicked(String),
    /// The run ended before this case reported.
    NotRun,
}

/// Checks exercises from one source tree.
pub struct Checker<'a> {
    pub ws: &'a Workspace,
    pub registry: &'a Registry,
    pub tree: SourceTree,
    pub limits: Limits,
    /// Passes colors through to compiler diagnostics.
    pub color: bool,
}

impl<'a> Checker<'a> {
    pub fn check(&self, ex: &Exercise) -> Result<Report> {
        let mut reports = self.check_many(&[ex], |_| {})?;
        Ok(reports.remove(0))
    }

    /// Compiles all the given checks in one cargo run, then runs them in
    /// parallel. `done` is called once per finished report.
    pub fn check_many(
        &self,
        exercises: &[&Exercise],
        done: impl Fn(&Report) + Sync,
    ) -> Result<Vec<Report>> {
        let package = Package::prepare(self.ws, &self.tree, &self.registry.exercises)?;
        let names: Vec<&str> = exercises.iter().map(|ex| ex.name.as_str()).collect();
        let mut compiled = package.build(&names, self.color)?;

        let slots: Vec<Mutex<Option<Result<Report>>>> =
            exercises.iter().map(|_| Mutex::new(None)).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let workers = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(exercises.len().max(1));
        let compiled_ref: HashMap<String, Compiled> = std::mem::take(&mut compiled);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(ex) = exercises.get(i) else { break };
                    let result = self.run_one(ex, &compiled_ref[&ex.name]);
                    if let Ok(report) = &result {
                        done(report);
                    }
                    *slots[i].lock().unwrap() = Some(result);
                });
            }
        });
        slots
            .into_iter()
            .map(|slot| slot.into_inner().unwrap().expect("every slot is filled"))
            .collect()
    }

    fn run_one(&self, ex: &Exercise, compiled: &Compiled) -> Result<Report> {
        let mut report = Report {
            exercise: ex.name.clone(),
            verdict: Verdict::Passed,
            cases: Vec::new(),
            program_output: String::new(),
            program_stderr: String::new(),
            exercise_file: self.relative_paths(&self.tree.file(ex).display().to_string()),
            todo_lines: std::fs::read_to_string(self.tree.file(ex))
                .map(|source| todos::lines(&source))
                .unwrap_or_default(),
        };
        let binary = match compiled {
            Compiled::Errors(text) => {
                report.verdict = Verdict::CompileError(self.relative_paths(text));
                return Ok(report);
            }
            Compiled::Binary(path) => path,
        };
        let mut limits = self.limits;
        if let Some(secs) = ex.time_limit_secs {
            limits.time = limits.time.max(Duration::from_secs(secs));
        }
        let (run, parsed) = run_binary(binary, limits)?;
        report.program_output = self.relative_paths(&parsed.program_output);
        report.program_stderr = self.relative_paths(&run.stderr);

        let expected = snapshot::load(&self.ws.snapshot_dir(ex))?;
        // Cases in the order the check ran them, then any accepted snapshot
        // the run never reached.
        let mut case_names: Vec<String> = parsed.frames.iter().map(|f| f.case.clone()).collect();
        let missing_snapshot = case_names
            .iter()
            .find(|n| !expected.contains_key(*n))
            .cloned();
        for name in expected.keys() {
            if !case_names.contains(name) {
                case_names.push(name.clone());
            }
        }
        let mut rendered: HashMap<String, CaseResult> = parsed
            .frames
            .into_iter()
            .map(|f| (f.case, f.result))
            .collect();
        for name in case_names {
            let want = expected.get(&name).map(|s| snapshot::normalize(s));
            let actual = match rendered.remove(&name) {
                None => CaseOutcome::NotRun,
                Some(CaseResult::Panicked(msg)) => CaseOutcome::Panicked(self.relative_paths(&msg)),
                Some(CaseResult::Rendered(text)) => {
                    let text = snapshot::normalize(&self.relative_paths(&text));
                    if want.as_deref() == Some(text.as_str()) {
                        CaseOutcome::Matches
                    } else {
                        CaseOutcome::Differs(text)
                    }
                }
            };
            report.cases.push(CaseReport {
                name,
                expected: want,
                actual,
            });
        }

        report.verdict = match run.ended {
            Ended::TimedOut => Verdict::TimedOut(limits.time),
            Ended::OutputCapped => Verdict::OutputCapped(limits.output_bytes),
            _ if out_of_memory(&run.stderr) => Verdict::Crashed(format!(
                "it ran out of memory (the limit is {} MiB); look for a loop that keeps allocating",
                limits.memory_bytes.unwrap_or(0) >> 20
            )),
            _ if run.stderr.contains("has overflowed its stack") => Verdict::Crashed(
                "it overflowed the stack; look for a recursion that never stops".to_string(),
            ),
            Ended::Signaled(signal) => {
                Verdict::Crashed(format!("it was killed by signal {signal}"))
            }
            _ if !parsed.finished => Verdict::Crashed(
                "it stopped before the check finished (does your code call `process::exit`?)"
                    .to_string(),
            ),
            _ => match missing_snapshot {
                Some(case) => Verdict::MissingSnapshot(case),
                None if report
                    .cases
                    .iter()
                    .all(|c| c.actual == CaseOutcome::Matches) =>
                {
                    Verdict::Passed
                }
                None => Verdict::Failed,
            },
        };
        Ok(report)
    }

    /// Compiler and panic messages name files by absolute path; the learner
    /// knows them as `exercises/...`.
    fn relative_paths(&self, text: &str) -> String {
        let root = format!("{}/", self.ws.root.display());
        text.replace(&root, "")
    }
}

/// Runs a compiled check binary and reads its frames.
fn run_binary(
    binary: &std::path::Path,
    limits: Limits,
) -> Result<(sandbox::Run, protocol::Parsed)> {
    let token = fresh_token();
    let run = sandbox::run(binary, &token, limits)?;
    let parsed = protocol::parse(&run.stdout, &token);
    Ok((run, parsed))
}

/// Each case's raw result, in the order the check ran them: what snapshots
/// are made from.
pub fn run_cases(binary: &std::path::Path, limits: Limits) -> Result<Vec<(String, CaseResult)>> {
    let (run, parsed) = run_binary(binary, limits)?;
    if !parsed.finished {
        anyhow::bail!(
            "the check did not finish ({:?}): {}",
            run.ended,
            run.stderr.trim()
        );
    }
    Ok(parsed
        .frames
        .into_iter()
        .map(|f| (f.case, f.result))
        .collect())
}

fn out_of_memory(stderr: &str) -> bool {
    stderr.contains("memory allocation of")
}

/// A token exercise code cannot predict: std's hasher keys are seeded from
/// the operating system's randomness.
fn fresh_token() -> String {
    let mut token = String::from("memlings-");
    for _ in 0..2 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        token.push_str(&format!("{:016x}", h.finish()));
    }
    token
}
