//! `memlings py FILE`: run a Python program of the subset on a heap, and
//! with `--compare` put its output beside the real CPython's.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use colored::Colorize;

use memlings_heap::PooledHeap;
use memlings_python::compare::{self, Row};
use memlings_python::{ErrorKind, Options, Output};

use crate::check::sandbox::{self, Ended, Limits};
use crate::error::UserError;
use crate::learner_heap::LearnerHeap;
use crate::term;

mod yours;

/// Which heap runs the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HeapChoice {
    /// The reference heap that ships with memlings (CPython 3.11's rules)
    Reference,
    /// Your own heap, compiled on the fly: the last exercise you passed
    /// that provides a heap or a layer of one (refcount_heap in Part III)
    Yours,
}

#[derive(Debug, clap::Args)]
pub struct PyArgs {
    /// The Python file to run (the subset of Python the book uses)
    pub file: PathBuf,

    /// The heap to run it on [default: yours once an exercise that provides
    /// one is done, else reference]
    #[arg(long, value_enum)]
    pub heap: Option<HeapChoice>,

    /// Also run it with python3 and show both outputs side by side; exits
    /// 1 if they differ
    #[arg(long)]
    pub compare: bool,

    /// After each statement, draw the names, the objects (type, value,
    /// refcount) and the references between them
    #[arg(long, conflicts_with = "compare")]
    pub trace: bool,

    /// Write the object graph at the end of the program as Graphviz DOT
    /// (render it with `dot -Tsvg OUT.dot -o graph.svg`)
    #[arg(long, value_name = "OUT.dot")]
    pub dot: Option<PathBuf>,

    /// Stop the program after this many statements (a runaway loop guard)
    #[arg(long, value_name = "N", default_value_t = memlings_python::DEFAULT_MAX_STEPS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_steps: u64,
}

pub fn run(args: &PyArgs, python_time_limit: Duration) -> Result<ExitCode> {
    let source = read_source(&args.file)?;
    let shown = args.file.display().to_string();
    let options = Options {
        max_steps: args.max_steps,
        trace: args.trace,
        dot: args.dot.is_some(),
    };
    let heap = args.heap;
    let learner = choose_heap(heap)?;
    let heap_name = match &learner {
        None => "memlings, reference heap".to_string(),
        Some(learner) => format!("memlings, your heap ({})", learner.exercise.name),
    };
    let output = match learner {
        Some(learner) => {
            if heap.is_none() {
                eprintln!(
                    "{} running on your heap ({}); --heap reference for the reference heap",
                    "note:".cyan().bold(),
                    learner.exercise.name
                );
            }
            for line in learner.describe() {
                eprintln!("{} {line}", "note:".cyan().bold());
            }
            match yours::run(&learner, &args.file, &shown, &options, python_time_limit)? {
                yours::Ran::Output(output) => output,
                yours::Ran::CompileErrors(text) => {
                    eprintln!("{}", text.trim_end());
                    term::error(&format!(
                        "your heap ({}) does not compile: fix the errors above (`{}`), or run on the reference heap with --heap reference",
                        learner.ws.display(&learner.file),
                        crate::invocation::command(
                            &learner.ws.root,
                            &format!("check {}", learner.exercise.name)
                        )
                    ));
                    return Ok(ExitCode::from(2));
                }
                yours::Ran::Failed(why) => {
                    return Err(UserError::Other(format!(
                        "the program could not run on your heap ({}): {why}",
                        learner.exercise.name
                    ))
                    .into());
                }
            }
        }
        None => memlings_python::run_program::<PooledHeap>(&source, &shown, &options),
    };
    if let (Some(path), Some(dot)) = (&args.dot, &output.dot) {
        std::fs::write(path, dot)
            .map_err(|e| UserError::Other(format!("cannot write {}: {e}", path.display())))?;
    }
    if let Some(err) = &output.error {
        if !matches!(err.kind, ErrorKind::Raised { .. }) {
            // Nothing meaningful to compare: say what is wrong, once.
            print_program_output(args, &output);
            return Err(UserError::Other(err.to_string()).into());
        }
    }
    if args.compare {
        return compare_with_cpython(args, &output, &heap_name, python_time_limit);
    }
    print_program_output(args, &output);
    if let Some(path) = &args.dot {
        eprintln!(
            "{} the object graph is in {} (draw it: dot -Tsvg {} -o graph.svg)",
            "note:".cyan().bold(),
            path.display(),
            path.display()
        );
    }
    match &output.error {
        Some(err) => {
            term::error(&err.to_string());
            Ok(ExitCode::from(err.exit_code()))
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

/// The learner's heap to run on, or `None` for the reference heap: the one
/// asked for, else the learner's once the exercise that provides it is done.
fn choose_heap(asked: Option<HeapChoice>) -> Result<Option<LearnerHeap>> {
    let cwd = std::env::current_dir()?;
    match asked {
        Some(HeapChoice::Reference) => Ok(None),
        Some(HeapChoice::Yours) => Ok(Some(LearnerHeap::find(&cwd)?)),
        // Outside a workspace, or with nothing of the learner's passed, the
        // reference heap runs without a word.
        None => Ok(LearnerHeap::find(&cwd).ok().filter(|learner| learner.done)),
    }
}

/// The file as UTF-8 text, or a one-line reason it is not.
fn read_source(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ if path.is_dir() => "it is a directory".to_string(),
            _ => e.to_string(),
        };
        UserError::Other(format!("cannot read {}: {why}", path.display()))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        UserError::Other(format!(
            "{} is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
        .into()
    })
}

fn print_program_output(args: &PyArgs, output: &Output) {
    match (&output.trace, args.trace) {
        (Some(trace), true) => print!("{trace}"),
        _ => print!("{}", output.stdout),
    }
    if !output.stderr.is_empty() {
        eprint!("{}", output.stderr);
    }
}

/// What python3 printed, and how it ended.
struct CPython {
    version: String,
    stdout: String,
    /// The exception line of an uncaught exception (last line of stderr).
    exception: Option<String>,
}

fn run_cpython(file: &Path, limit: Duration) -> Result<CPython> {
    let missing = || {
        UserError::Other(
            "python3 is not installed or not on PATH: --compare needs it to run the real CPython (install Python 3.11, or run without --compare)"
                .into(),
        )
    };
    let python = find_on_path("python3").ok_or_else(missing)?;
    // The same runner as the checks: a time limit, an output cap, and every
    // process the program starts killed when it ends.
    let limits = Limits {
        time: limit,
        output_bytes: CPYTHON_OUTPUT_CAP,
        memory_bytes: None,
    };
    let run = |args: &[String]| {
        let command = sandbox::Command {
            program: &python,
            args,
            env: &[
                ("PYTHONIOENCODING", "utf-8"),
                ("PYTHONDONTWRITEBYTECODE", "1"),
            ],
            stdin_line: None,
        };
        sandbox::run_command(&command, limits, &[])
    };
    let version = run(&["--version".to_string()])?;
    let version = version
        .stdout
        .trim()
        .trim_start_matches("Python ")
        .to_string();
    let ran = run(&[file.display().to_string()])?;
    let success = match ran.ended {
        Ended::Exited(code) => code == 0,
        Ended::Signaled(_) => false,
        Ended::TimedOut => {
            return Err(UserError::Other(format!(
                "python3 did not finish {} within {} s; raise the limit with --time-limit",
                file.display(),
                limit.as_secs()
            ))
            .into())
        }
        Ended::OutputCapped => {
            return Err(UserError::Other(format!(
                "python3 printed more than {} MiB running {}; is there a print in a loop that never ends?",
                CPYTHON_OUTPUT_CAP >> 20,
                file.display()
            ))
            .into())
        }
    };
    let exception = (!success).then(|| {
        ran.stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("(python3 failed with no message)")
            .to_string()
    });
    Ok(CPython {
        version,
        stdout: ran.stdout,
        exception,
    })
}

/// Bytes of output python3 may print for one comparison.
const CPYTHON_OUTPUT_CAP: usize = 16 << 20;

/// Where `name` is on `PATH`: the sandbox executes a path, it looks nothing up.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| {
            let exe = format!("{name}{}", std::env::consts::EXE_SUFFIX);
            [dir.join(name), dir.join(exe)]
        })
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

fn compare_with_cpython(
    args: &PyArgs,
    ours: &Output,
    heap_name: &str,
    limit: Duration,
) -> Result<ExitCode> {
    let theirs = run_cpython(&args.file, limit)?;
    let mut left = ours.stdout.clone();
    if let Some(line) = ours.error.as_ref().and_then(|e| e.exception_line()) {
        push_line(&mut left, &format!("[raised] {line}"));
    }
    let mut right = theirs.stdout.clone();
    if let Some(line) = &theirs.exception {
        push_line(&mut right, &format!("[raised] {line}"));
    }
    let rows = compare::rows(&left, &right);
    print!(
        "{}",
        render_side_by_side(&rows, heap_name, &format!("CPython {}", theirs.version))
    );
    let differing = rows.iter().filter(|r| !r.same()).count();
    if differing == 0 {
        println!(
            "{} identical output ({} {})",
            "✓".green().bold(),
            rows.len(),
            if rows.len() == 1 { "line" } else { "lines" }
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} {} of {} {} (marked ✗)",
            "✗".red().bold(),
            differing,
            rows.len(),
            if rows.len() == 1 {
                "line differs"
            } else {
                "lines differ"
            }
        );
        Ok(ExitCode::FAILURE)
    }
}

fn push_line(text: &mut String, line: &str) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(line);
    text.push('\n');
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Two columns with a marker column: `✗` on each row that differs (and
/// color when the terminal has it), so it reads without color too.
fn render_side_by_side(rows: &[Row], left_title: &str, right_title: &str) -> String {
    let missing = "(no line)";
    let col = rows
        .iter()
        .map(|r| width(r.left.as_deref().unwrap_or(missing)))
        .chain([width(left_title)])
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    out.push_str(&format!(
        "  {}{} │ {}\n",
        left_title.bold(),
        " ".repeat(col - width(left_title)),
        right_title.bold()
    ));
    out.push_str(&format!(
        "  {}─┼─{}\n",
        "─".repeat(col),
        "─".repeat(width(right_title).max(8))
    ));
    for row in rows {
        let left = row.left.as_deref().unwrap_or(missing);
        let right = row.right.as_deref().unwrap_or(missing);
        let pad = " ".repeat(col - width(left));
        if row.same() {
            out.push_str(&format!("  {left}{pad} │ {right}\n"));
        } else {
            out.push_str(&format!(
                "{} {}{pad} │ {}\n",
                "✗".red().bold(),
                left.red(),
                right.green()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_by_side_marks_each_differing_row() {
        let rows = compare::rows("2\n3\n", "2\n2\nextra\n");
        let text = crate::term::strip_ansi(&render_side_by_side(&rows, "ours", "CPython 3.11.7"));
        assert_eq!(
            text,
            "  ours      │ CPython 3.11.7\n  ──────────┼───────────────\n  2         │ 2\n✗ 3         │ 2\n✗ (no line) │ extra\n"
        );
    }
}
