//! Checking an exercise: compile its check binary, run it under limits, and
//! compare each case's rendering with the accepted snapshot.

mod cargo;
pub mod compile;
mod judges;
pub mod protocol;
pub mod render;
pub mod sandbox;
pub(crate) mod stage;
pub mod todos;

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Result;

use crate::registry::{Exercise, Registry};
use crate::snapshot;
use crate::workspace::Workspace;
use compile::{Binary, Compiled, Package, SourceTree};
use protocol::{CaseResult, Panic};
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
    /// An allocation failed at the memory limit (in bytes).
    OutOfMemory(u64),
    /// Crashed, or stopped before the check finished.
    Crashed(String),
    /// The run did what exercise code must not (changed the files that
    /// judge it); what it did, in words. It gets no credit.
    Refused(String),
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
    /// Panics the case caught and rendered into its text (`panicked: ...`).
    pub caught: Vec<Panic>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseOutcome {
    Matches,
    Differs(String),
    Panicked(Panic),
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
    /// How many rustc processes and check runs at once; `None` is one per core.
    pub jobs: Option<usize>,
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
        let bins: Vec<Binary> = exercises
            .iter()
            .map(|ex| Binary {
                name: ex.name.clone(),
                exercise: ex,
                source: self.tree.file(ex),
            })
            .collect();
        self.check_built(&package, &bins, done)
    }

    /// Checks each of `bins` (exercise code from anywhere, several versions
    /// of one exercise if need be) exactly as a learner's file is checked,
    /// in one generated package in the build folder `label`: one cargo run,
    /// then the runs in parallel. `done` is called once per finished report.
    pub fn check_binaries(
        &self,
        label: &str,
        bins: &[Binary],
        done: impl Fn(&Report) + Sync,
    ) -> Result<Vec<Report>> {
        let package = Package::prepare_binaries(
            self.ws,
            label,
            &format!("memlings {label}"),
            &self.registry.exercises,
            bins,
        )?;
        self.check_built(&package, bins, done)
    }

    fn check_built(
        &self,
        package: &Package,
        bins: &[Binary],
        done: impl Fn(&Report) + Sync,
    ) -> Result<Vec<Report>> {
        // Every snapshot is read before any exercise runs: what a run does
        // to the files cannot change how it, or another, is judged.
        let mut expected: HashMap<String, snapshot::Snapshots> = HashMap::new();
        let mut exercises: Vec<&Exercise> = Vec::new();
        for bin in bins {
            let ex = bin.exercise;
            if !expected.contains_key(&ex.name) {
                expected.insert(ex.name.clone(), snapshot::load(&self.ws.snapshot_dir(ex))?);
                exercises.push(ex);
            }
        }
        let judges = judges::Judges::read(self.ws, &exercises);
        let names: Vec<&str> = bins.iter().map(|bin| bin.name.as_str()).collect();
        let compiled = package.build_with_jobs(&names, self.color, self.jobs)?;

        let slots: Vec<Mutex<Option<Result<Report>>>> =
            bins.iter().map(|_| Mutex::new(None)).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let workers = self
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .max(1)
            .min(bins.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(bin) = bins.get(i) else { break };
                    let mut result = self.run_one(
                        bin,
                        &compiled[&bin.name],
                        &expected[&bin.exercise.name],
                        package,
                    );
                    // Sealed folders cannot have changed by the run; a change
                    // there is an author's edit, which must stay.
                    let changed = if sandbox::seals_folders() {
                        Vec::new()
                    } else {
                        judges.restore(self.ws)
                    };
                    if let (Ok(report), false) = (&mut result, changed.is_empty()) {
                        report.verdict = Verdict::Refused(format!(
                            "it changed {} while it ran (memlings put back the original); exercise code must not write to the workbook's files",
                            changed.join(", ")
                        ));
                    }
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

    fn run_one(
        &self,
        bin: &Binary,
        compiled: &Compiled,
        expected: &snapshot::Snapshots,
        package: &Package,
    ) -> Result<Report> {
        let ex = bin.exercise;
        let mut report = Report {
            exercise: ex.name.clone(),
            verdict: Verdict::Passed,
            cases: Vec::new(),
            program_output: String::new(),
            program_stderr: String::new(),
            exercise_file: self.relative_paths(&bin.source.display().to_string()),
            todo_lines: std::fs::read_to_string(
                package
                    .compiled_source(&bin.name)
                    .map_or_else(|| bin.source.clone(), Path::to_path_buf),
            )
            .map(|source| todos::lines(&source))
            .unwrap_or_default(),
        };
        let shown = |text: &str| self.relative_paths(&package.shown_paths(&bin.name, text));
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
        let sealed = [self.ws.root.clone(), self.ws.build_dir()];
        let ran = run_binary(binary, limits, &sealed)?;
        report.program_output = shown(&ran.parsed.program_output);
        report.program_stderr = shown(&ran.run.stderr);

        // Cases in the order the check ran them, then any accepted snapshot
        // the run never reached.
        let mut case_names: Vec<String> =
            ran.parsed.frames.iter().map(|f| f.case.clone()).collect();
        let missing_snapshot = case_names
            .iter()
            .find(|n| !expected.contains_key(*n))
            .cloned();
        for name in expected.keys() {
            if !case_names.contains(name) {
                case_names.push(name.clone());
            }
        }
        let mut rendered: HashMap<String, (CaseResult, Vec<Panic>)> = ran
            .parsed
            .frames
            .iter()
            .map(|f| (f.case.clone(), (f.result.clone(), f.caught.clone())))
            .collect();
        let shown_panic = |panic: Panic| Panic {
            message: shown(&panic.message),
            ..panic.map_file(shown)
        };
        for name in case_names {
            let want = expected.get(&name).map(|s| snapshot::normalize(s));
            let (result, caught) = match rendered.remove(&name) {
                Some((result, caught)) => (Some(result), caught),
                None => (None, Vec::new()),
            };
            let caught = caught.into_iter().map(shown_panic).collect();
            let actual = match result {
                None => CaseOutcome::NotRun,
                Some(CaseResult::Panicked(panic)) => CaseOutcome::Panicked(shown_panic(panic)),
                Some(CaseResult::Rendered(text)) => {
                    let text = snapshot::normalize(&shown(&text));
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
                caught,
            });
        }

        report.verdict = match ran.crash(limits) {
            Some(verdict) => verdict,
            None => match missing_snapshot {
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
        self.ws.relative_in(text)
    }
}

/// A finished run of a check binary, with its frames read.
struct Ran {
    run: sandbox::Run,
    parsed: protocol::Parsed,
    /// The size of an allocation that failed, as the harness reported it.
    failed_allocation: Option<u64>,
}

impl Ran {
    /// Why the run cannot pass whatever its cases say, from facts: how the
    /// process ended, and what the harness reported with the token.
    fn crash(&self, limits: Limits) -> Option<Verdict> {
        let verdict = match self.run.ended {
            Ended::TimedOut => Verdict::TimedOut(limits.time),
            Ended::OutputCapped => Verdict::OutputCapped(limits.output_bytes),
            Ended::Signaled(_) if self.failed_allocation.is_some() => {
                Verdict::OutOfMemory(limits.memory_bytes.unwrap_or(0))
            }
            Ended::Signaled(signal) => Verdict::Crashed(signal_crash(signal, &self.run.stderr)),
            _ if self.parsed.broken.is_some() => Verdict::Crashed(format!(
                "its report to memlings is garbled ({}); this is a bug in the check, not in your code",
                self.parsed.broken.as_deref().unwrap_or_default()
            )),
            Ended::Exited(0) if self.parsed.finished => return None,
            Ended::Exited(0) => Verdict::Crashed(
                "it stopped before the check finished (does your code call `process::exit`?)"
                    .to_string(),
            ),
            Ended::Exited(code) if self.parsed.finished => Verdict::Crashed(format!(
                "it exited with status {code} after the check finished (a run that passes exits with 0; does your code call `process::exit`?)"
            )),
            Ended::Exited(code) => Verdict::Crashed(format!(
                "it stopped before the check finished, with exit status {code} (does your code call `process::exit`?)"
            )),
        };
        Some(verdict)
    }
}

/// Words a crash by a signal. The signal decides that it is a crash; the
/// text on stderr only picks the explanation, so code that prints Rust's
/// stack-overflow message can at worst get a wrong hint, never a pass.
#[cfg(unix)]
fn signal_crash(signal: i32, stderr: &str) -> String {
    let overflow = stderr.contains("has overflowed its stack");
    match signal {
        // Rust's handler prints its message, then aborts.
        libc::SIGSEGV | libc::SIGBUS | libc::SIGABRT if overflow => {
            "it overflowed the stack; look for a recursion that never stops".to_string()
        }
        libc::SIGSEGV => {
            "it was killed by signal 11 (SIGSEGV: a memory access out of bounds)".to_string()
        }
        libc::SIGABRT => "it aborted (signal 6, SIGABRT)".to_string(),
        libc::SIGKILL => "it was killed by signal 9 (SIGKILL)".to_string(),
        _ => format!("it was killed by signal {signal}"),
    }
}

#[cfg(not(unix))]
fn signal_crash(signal: i32, _stderr: &str) -> String {
    format!("it was killed by signal {signal}")
}

/// Runs a compiled check binary and reads its frames. `sealed` folders are
/// read-only for it where the platform allows.
fn run_binary(binary: &std::path::Path, limits: Limits, sealed: &[PathBuf]) -> Result<Ran> {
    let token = fresh_token();
    let mut run = sandbox::run_sealed(binary, &[], &token, limits, sealed)?;
    let parsed = protocol::parse(&run.stdout, &token);
    let failed_allocation = protocol::failed_allocation(&run.stderr, &token);
    run.stderr = protocol::strip_frames(&run.stderr, &token);
    Ok(Ran {
        run,
        parsed,
        failed_allocation,
    })
}

/// Each case's raw result, in the order the check ran them: what snapshots
/// are made from.
pub fn run_cases(binary: &std::path::Path, limits: Limits) -> Result<Vec<(String, CaseResult)>> {
    // The workspace the binary was built in, read-only while it runs.
    let sealed: Vec<PathBuf> = Workspace::discover(binary)
        .map(|ws| vec![ws.root])
        .unwrap_or_default();
    let ran = run_binary(binary, limits, &sealed)?;
    if let Some(verdict) = ran.crash(limits) {
        anyhow::bail!(
            "the check did not finish ({verdict:?}): {}",
            ran.run.stderr.trim()
        );
    }
    Ok(ran
        .parsed
        .frames
        .into_iter()
        .map(|f| (f.case, f.result))
        .collect())
}

/// A token exercise code cannot predict: std's hasher keys are seeded from
/// the operating system's randomness.
pub(crate) fn fresh_token() -> String {
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
