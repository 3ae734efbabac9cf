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
    #[arg(required_unless_present = "gradescope")]
    pub submissions: Option<PathBuf>,
    /// Grade one submission as Gradescope's autograder: read
    /// /autograder/submission, write /autograder/results/results.json
    #[arg(long, conflicts_with_all = ["submissions", "format", "output"])]
    pub gradescope: bool,
    /// With --gradescope: the submission folder (or MEMLINGS_GRADESCOPE_SUBMISSION)
    #[arg(long, requires = "gradescope", value_name = "DIR")]
    pub submission: Option<PathBuf>,
    /// With --gradescope: where results.json goes (or MEMLINGS_GRADESCOPE_RESULTS)
    #[arg(long, requires = "gradescope", value_name = "FILE")]
    pub results: Option<PathBuf>,
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

/// Gradescope's fixed places, overridable for tests and other platforms.
const GRADESCOPE_SUBMISSION: &str = "/autograder/submission";
const GRADESCOPE_RESULTS: &str = "/autograder/results/results.json";

pub fn run(book: &Workbook, args: &GradeArgs) -> Result<ExitCode> {
    let graded = chosen(book, &args.only)?;
    let entries = match &args.submissions {
        Some(dir) if !args.gradescope => discover::discover(dir)?,
        _ => vec![gradescope_entry(args)?],
    };
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
    if args.gradescope {
        let path = args
            .results
            .clone()
            .or_else(|| std::env::var_os("MEMLINGS_GRADESCOPE_RESULTS").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(GRADESCOPE_RESULTS));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| UserError::Other(format!("cannot create {}: {e}", dir.display())))?;
        }
        let student = &class.students[0];
        report::write_atomically(&path, &report::gradescope::render(student))?;
        eprintln!(
            "{}: {}/{} points, written to {}",
            student.name,
            student.score(),
            student.max_score(),
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let text = report::render(&class, args.format);
    match &args.output {
        Some(path) => report::write_atomically(path, &text)?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The one submission Gradescope hands over: its folder, or the one
/// archive in it when the student uploaded nothing else.
fn gradescope_entry(args: &GradeArgs) -> Result<discover::Entry> {
    let dir = args
        .submission
        .clone()
        .or_else(|| std::env::var_os("MEMLINGS_GRADESCOPE_SUBMISSION").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(GRADESCOPE_SUBMISSION));
    if !dir.is_dir() {
        return Err(UserError::Other(format!(
            "the submission folder {} does not exist; give it with --submission DIR",
            dir.display()
        ))
        .into());
    }
    let folder = discover::Entry {
        student: "submission".into(),
        file_name: "submission".into(),
        path: dir.clone(),
        form: discover::Form::Folder,
        name_note: None,
    };
    let inside = match discover::discover(&dir) {
        Ok(inside) => inside,
        // An empty submission is graded (every file missing), not refused.
        Err(_) => return Ok(folder),
    };
    match inside.as_slice() {
        [only] if only.form != discover::Form::Folder && only.form != discover::Form::Unknown => {
            Ok(only.clone())
        }
        _ => Ok(folder),
    }
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
