//! The command line: one module per subcommand.

mod bench;
mod check;
mod go;
mod grade;
mod hint;
mod list;
mod py;
mod reset;
mod verify;
mod watch;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::term::ColorChoice;
use crate::workbook::Workbook;

/// Learn how Python manages memory by building it in Rust.
///
/// Run `memlings` with no command to start the workbook: it shows the
/// current exercise and checks it each time you save; when it passes, press
/// `n` to move on. The book is in `book/` (`mdbook serve book --open`).
#[derive(Debug, Parser)]
#[command(name = "memlings", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// When to use colors (NO_COLOR is honored under `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Seconds a check may run once compiled, unless its exercise asks for more
    #[arg(long, global = true, value_name = "SECS", default_value_t = crate::registry::DEFAULT_TIME_LIMIT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub time_limit: u64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work through the exercises: check on every save, `n` moves on after a pass
    ///
    /// Keys: n next pending exercise · p previous · l list (↑/↓ or j/k,
    /// Enter makes one current, r resets it, d done only, p pending only,
    /// q back) · h hint · c check all (you stay where you are) · r reset ·
    /// q quit. When stdin is not a terminal, type the letter and Enter.
    Watch {
        /// Check when you press Enter instead of watching files (for file
        /// systems where watching does not work, such as some network drives)
        #[arg(long)]
        manual: bool,
        /// Move on as soon as a save makes the exercise pass, instead of
        /// showing the pass and waiting for `n`
        #[arg(long)]
        auto_advance: bool,
    },
    /// Make an exercise the current one (`memlings` then starts there)
    Go { name: String },
    /// Show every exercise, done or pending, and your progress
    List,
    /// Check one exercise (the current one if no name is given)
    #[command(visible_alias = "run")]
    Check {
        /// The exercise to check
        name: Option<String>,
        /// Check every exercise and update your progress
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
    /// Show the hint for an exercise (the current one if no name is given)
    Hint { name: Option<String> },
    /// Restore an exercise to its original; your version is kept as a backup
    Reset { name: String },
    /// Run a Python program on a heap (and beside python3 with --compare)
    ///
    /// The program must stay inside the subset the book uses (classes without
    /// inheritance, functions without defaults, for loops, lists, tuples,
    /// dicts, the gc, sys and weakref modules); anything else is named in a
    /// one-line error. With --compare, python3 runs it too (stopped after
    /// --time-limit seconds) and the two outputs are shown side by side.
    ///
    /// Exit codes: 0 ran (and, with --compare, matched python3), 1 the
    /// program raised an exception or the outputs differ, 2 bad input (no
    /// such file, not UTF-8, syntax error, outside the subset, step limit).
    Py(py::PyArgs),
    /// Replay allocation traces on your allocator and the system's, and score them
    ///
    /// Each trace (runner/traces/*.trace, or the files given) is replayed on
    /// the allocator of the last Part V exercise you passed (else the first)
    /// and on the system allocator, in one program built with
    /// optimizations. For each: correctness (blocks aligned to 16, no two
    /// live blocks overlapping, contents kept), utilization (peak live bytes
    /// over peak heap bytes), throughput (operations per second) and a score
    /// (60 × utilization + 40 × throughput against the system's, capped at
    /// 1). Without an allocator exercise, the system allocator runs alone.
    ///
    /// Exit codes: 0 every replay was correct, 1 one was not, 2 bad input
    /// (a malformed trace, your allocator does not compile).
    Bench(bench::BenchArgs),
    /// For instructors: grade a folder of submissions, one per student
    ///
    /// Each entry of SUBMISSIONS is a student (named by it): a copy of the
    /// repository or of its exercises/ folder, as a folder, .zip, .tar or
    /// .tar.gz. Only the exercise files are taken; each is checked as
    /// `memlings check` checks it, and scores its registry weight (default
    /// 1) if it passes. Not sealed yet: see docs/grading.md.
    ///
    /// Exit codes: 0 the report was written, 2 bad input (no such folder,
    /// no submissions in it, an unknown exercise in --only).
    Grade(grade::GradeArgs),
    /// For authors and CI: prove every exercise is complete and consistent
    Verify {
        /// Before verifying, record the exercise files as their starting code
        /// (in runner/pristine/, what `reset` restores)
        #[arg(long, conflicts_with = "mutants")]
        update_pristine: bool,
        /// Instead, run each exercise's mutant catalogue (realistic mistakes,
        /// as edits of its solution) and report which its check misses
        #[arg(long)]
        mutants: bool,
        /// With --mutants: only these exercises
        #[arg(
            long,
            requires = "mutants",
            value_delimiter = ',',
            value_name = "NAME,..."
        )]
        only: Vec<String>,
        /// With --mutants: only every N-th mutant of each catalogue (the same
        /// ones each time)
        #[arg(long, requires = "mutants", value_name = "N", default_value_t = 1,
              value_parser = clap::value_parser!(u64).range(1..))]
        sample: u64,
    },
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    // `py` runs any file, inside the workspace or not.
    if let Some(Command::Py(args)) = &cli.command {
        return py::run(args, Duration::from_secs(cli.time_limit));
    }
    let mut book = Workbook::open(Duration::from_secs(cli.time_limit))?;
    match cli.command.unwrap_or(Command::Watch {
        manual: false,
        auto_advance: false,
    }) {
        Command::Watch {
            manual,
            auto_advance,
        } => watch::run(
            &mut book,
            watch::Options {
                manual,
                auto_advance,
            },
        ),
        Command::Go { name } => go::run(&mut book, &name),
        Command::List => list::run(&book),
        Command::Check { name, all } => check::run(&mut book, name.as_deref(), all),
        Command::Hint { name } => hint::run(&book, name.as_deref()),
        Command::Reset { name } => reset::run(&mut book, &name),
        Command::Verify {
            mutants: true,
            only,
            sample,
            ..
        } => verify::mutants::run(&book, &only, sample as usize),
        Command::Verify {
            update_pristine, ..
        } => verify::run(&book, update_pristine),
        Command::Bench(args) => bench::run(&book, &args),
        Command::Grade(args) => grade::run(&book, &args),
        Command::Py(_) => unreachable!("handled before the workbook opens"),
    }
}
