//! `memlings bench [TRACE...]`: replay allocation traces on the learner's
//! allocator and on the system allocator, and show how they compare.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use colored::Colorize;

use memlings_bench::program::{self as replay, Outcome, Report, Who};

use crate::bench::program::{self, Ran};
use crate::bench::{table, traces, Row};
use crate::learner_heap::{join_and, LearnerHeap};
use crate::term;
use crate::workbook::Workbook;

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Trace files, or folders of `*.trace` files [default: every trace in
    /// runner/traces/]
    #[arg(value_name = "TRACE")]
    pub traces: Vec<PathBuf>,

    /// Milliseconds of timed replays per trace and allocator (the best
    /// round counts)
    #[arg(long, value_name = "MS", default_value_t = 50,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub budget: u64,
}

pub fn run(book: &Workbook, args: &BenchArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir()?;
    let loaded = traces::load(&book.ws, &cwd, &args.traces)?;
    let budget = Duration::from_millis(args.budget);
    let note = "note:".cyan().bold();
    let rows = match LearnerHeap::find_allocator(book.ws.clone())? {
        None => {
            eprintln!(
                "{note} no exercise provides an allocator yet (Part V's do), so the traces run on the system allocator alone"
            );
            loaded
                .iter()
                .map(|t| Row {
                    shown: t.trace.name.clone(),
                    ops: t.trace.ops.len(),
                    yours: None,
                    system: replay::run_system(&t.trace, budget),
                })
                .collect()
        }
        Some(learner) => {
            eprintln!(
                "{note} your allocator: {} from {} ({}), against the system allocator (malloc), built with optimizations",
                learner.part.type_name,
                learner.exercise.name,
                learner.ws.display(&learner.file)
            );
            let unfinished = learner.unfinished();
            if !unfinished.is_empty() {
                let names: Vec<&str> = unfinished.iter().map(String::as_str).collect();
                eprintln!("{note} not finished yet: {}", join_and(&names));
            }
            // Each trace is replayed twice per allocator besides its timed
            // rounds: the check's limit, and room for those.
            let time = book.limits.time + budget * 4 * loaded.len() as u32;
            match program::run(&learner, &loaded, budget, time)? {
                Ran::CompileErrors(text) => {
                    eprintln!("{}", text.trim_end());
                    term::error(&format!(
                        "your allocator ({}) does not compile: fix the errors above (`{}`)",
                        learner.ws.display(&learner.file),
                        crate::invocation::command(
                            &learner.ws.root,
                            &format!("check {}", learner.exercise.name)
                        )
                    ));
                    return Ok(ExitCode::from(2));
                }
                Ran::Reports { reports, stopped } => rows(&loaded, reports, stopped),
            }
        }
    };
    let rendered = table::render(&rows);
    print!("{}", rendered.text);
    Ok(if rendered.all_correct {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The rows from the program's reports. A trace it did not report on is
/// the one it stopped on, or one after it.
fn rows(loaded: &[traces::Loaded], reports: Vec<Report>, stopped: Option<String>) -> Vec<Row> {
    let mut first_missing = true;
    loaded
        .iter()
        .enumerate()
        .map(|(index, t)| {
            let find = |who| {
                reports
                    .iter()
                    .find(|r| r.trace == index && r.who == who)
                    .map(|r| r.outcome.clone())
            };
            let mut missing = || {
                let why = match (&stopped, first_missing) {
                    (Some(why), true) => format!("the program stopped on this trace: {why}"),
                    (Some(_), false) => "the program stopped on an earlier trace".to_string(),
                    (None, _) => "the program reported nothing on it".to_string(),
                };
                first_missing = false;
                Outcome::NotRun(why)
            };
            let yours = find(Who::Yours).unwrap_or_else(&mut missing);
            Row {
                shown: t.trace.name.clone(),
                ops: t.trace.ops.len(),
                yours: Some(yours),
                // Its replay follows the learner's in the program: it only
                // failed to report because the learner's replay went wrong.
                system: find(Who::System).unwrap_or(Outcome::NotRun(String::new())),
            }
        })
        .collect()
}
