//! `memlings bench [TRACE...]`: replay allocation traces on the learner's
//! allocator and on the system allocator, and show how they compare.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use colored::Colorize;

use crate::bench::program::{self, Ran};
use crate::bench::{self, table, traces};
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
            bench::system_alone(&loaded, budget)
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
                Ran::Reports { reports, stopped } => bench::rows(&loaded, &reports, stopped),
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
