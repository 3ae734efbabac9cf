//! `memlings grade SUBMISSIONS_DIR`: grade a class (see `crate::grade`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::check::compile::SourceTree;
use crate::error::UserError;
use crate::grade::{self, discover, report};
use crate::progress;
use crate::registry::Exercise;
use crate::workbook::Workbook;

#[derive(Debug, clap::Args)]
pub struct GradeArgs {
    /// The folder with one submission per student: a copy of the
    /// repository or of its exercises/ folder, as a folder, .zip, .tar or
    /// .tar.gz
    pub submissions: PathBuf,
    /// The report's format
    #[arg(long, value_enum, default_value_t = report::Format::Markdown)]
    pub format: report::Format,
    /// Write the report to FILE (atomically) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Submissions graded at once, and compiler processes (default: one per core)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub jobs: Option<u64>,
    /// Only these exercises (default: every exercise in the registry)
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub only: Vec<String>,
}

pub fn run(book: &Workbook, args: &GradeArgs) -> Result<ExitCode> {
    let graded = chosen(book, &args.only)?;
    let entries = discover::discover(&args.submissions)?;
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(2, |n| n.get()),
        |n| n as usize,
    );
    let mut checker = book.checker(SourceTree {
        label: "grade".into(),
        dir: book.ws.build_dir().join("grade/received"),
    });
    checker.jobs = Some(jobs);
    // Compiler diagnostics go into reports: no terminal colors there.
    checker.color = false;
    let bar = progress::bar((entries.len() * graded.len()) as u64, "grading");
    let class = grade::grade(&checker, &entries, &graded, jobs, || bar.inc(1))?;
    bar.finish_and_clear();
    let text = report::render(&class, args.format);
    match &args.output {
        Some(path) => report::write_atomically(path, &text)?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn chosen<'b>(book: &'b Workbook, only: &[String]) -> Result<Vec<&'b Exercise>> {
    if only.is_empty() {
        return Ok(book.registry.exercises.iter().collect());
    }
    let mut graded = Vec::new();
    for name in only {
        graded.push(book.registry.get(name)?);
    }
    // Registry order, whatever order they were named in, and each once.
    graded.sort_by_key(|ex| book.registry.index_of(&ex.name));
    graded.dedup_by(|a, b| a.name == b.name);
    if graded.is_empty() {
        return Err(UserError::Other("--only names no exercise".into()).into());
    }
    Ok(graded)
}
