//! `memlings py --heap yours`: the same program on the learner's own heap.
//!
//! The runner cannot link the learner's code into itself, so it writes a
//! small Cargo package (like the check packages of `check::compile`): its
//! `main` includes the learner's exercise file with `#[path]`, runs the
//! program with `memlings_python::run_program` on the learner's heap type,
//! and sends the `Output` back on stdout in the format of
//! `memlings_python::wire`, which both sides share. The binary runs under
//! the same limits as a check.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use memlings_python::{Options, Output};

use crate::check::compile::{Compiled, Package};
use crate::check::sandbox::{self, Ended, Limits};
use crate::registry::Registry;
use crate::state::State;
use crate::workspace::Workspace;

/// The exercise whose heap `--heap yours` runs, and its heap type.
pub const EXERCISE: &str = "refcount_heap";
const HEAP_TYPE: &str = "RefcountHeap";

/// Where the learner's heap lives, found from the current directory.
pub struct LearnerHeap {
    pub ws: Workspace,
    /// `exercises/<chapter>/<name>.rs`.
    pub file: PathBuf,
    /// The learner's progress marks the exercise done.
    pub done: bool,
    /// The learner's files the heap is built from: the exercise, then the
    /// earlier exercises it uses (their own versions, not the solutions).
    pub pieces: Vec<Piece>,
}

/// One of the learner's files in their heap.
pub struct Piece {
    pub name: String,
    /// As the learner knows it: `exercises/<chapter>/<name>.rs`.
    pub shown: String,
    /// Passed its check, by the progress file.
    pub done: bool,
    /// `todo!()`s still in the file.
    pub todos: usize,
}

impl LearnerHeap {
    /// `None` outside a memlings workspace (or with a registry that does not
    /// have the exercise).
    pub fn find() -> Option<LearnerHeap> {
        let cwd = std::env::current_dir().ok()?;
        let ws = Workspace::discover(&cwd).ok()?;
        let registry = Registry::load(&ws.registry()).ok()?;
        let ex = registry.get(EXERCISE).ok()?.clone();
        let (state, _) = State::load(&ws, &registry);
        let mut pieces = Vec::new();
        for name in std::iter::once(&ex.name).chain(&ex.uses) {
            let Ok(piece) = registry.get(name) else {
                continue;
            };
            let file = ws.exercise_file(piece);
            pieces.push(Piece {
                name: name.clone(),
                shown: ws.display(&file),
                done: state.done.contains(name),
                todos: std::fs::read_to_string(&file).map_or(0, |text| count_todos(&text)),
            });
        }
        Some(LearnerHeap {
            file: ws.exercise_file(&ex),
            done: state.done.contains(EXERCISE),
            pieces,
            ws,
        })
    }

    /// One or two lines: which of the learner's files the heap is made of,
    /// and which of them are not finished.
    pub fn describe(&self) -> Vec<String> {
        let Some((heap, rest)) = self.pieces.split_first() else {
            return Vec::new();
        };
        let mut lines = vec![if rest.is_empty() {
            format!("your heap is {}", heap.shown)
        } else {
            let others: Vec<&str> = rest.iter().map(|p| p.shown.as_str()).collect();
            format!(
                "your heap is {}, with your {}",
                heap.shown,
                join_and(&others)
            )
        }];
        let unfinished: Vec<String> = self
            .pieces
            .iter()
            .filter_map(|p| match (p.todos, p.done) {
                (0, true) => None,
                (0, false) => Some(format!("{} (its check has not passed)", p.name)),
                (1, _) => Some(format!("{} (1 todo!() left)", p.name)),
                (n, _) => Some(format!("{} ({n} todo!() left)", p.name)),
            })
            .collect();
        if !unfinished.is_empty() {
            let names: Vec<&str> = unfinished.iter().map(String::as_str).collect();
            lines.push(format!(
                "not finished yet: {}; what the program prints may differ from CPython until they pass",
                join_and(&names)
            ));
        }
        lines
    }
}

/// `todo!(` calls outside line comments.
fn count_todos(text: &str) -> usize {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .map(|code| code.matches("todo!(").count())
        .sum()
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// How a run on the learner's heap went.
pub enum Ran {
    Output(Output),
    /// The learner's file does not compile: rustc's messages.
    CompileErrors(String),
    /// The binary itself failed (a crash outside the interpreter, a limit).
    Failed(String),
}

pub fn run(
    learner: &LearnerHeap,
    file: &Path,
    shown: &str,
    options: &Options,
    time: Duration,
) -> Result<Ran> {
    let ws = &learner.ws;
    let package = Package::generate(
        ws,
        "py-yours",
        "py-yours",
        "`memlings py --heap yours`",
        &[(EXERCISE.to_string(), main_source(&learner.file))],
    )?;
    let color = colored::control::SHOULD_COLORIZE.should_colorize();
    let mut built = package.build(&[EXERCISE], color)?;
    let binary = match built.remove(EXERCISE) {
        Some(Compiled::Binary(path)) => path,
        Some(Compiled::Errors(text)) => {
            let root = format!("{}/", ws.root.display());
            return Ok(Ran::CompileErrors(text.replace(&root, "")));
        }
        None => anyhow::bail!("cargo reported nothing for your heap"),
    };

    let args = vec![
        file.display().to_string(),
        shown.to_string(),
        options.max_steps.to_string(),
        u8::from(options.trace).to_string(),
        u8::from(options.dot).to_string(),
    ];
    let limits = Limits {
        time,
        // Traces of long programs are big; the cap only stops a flood.
        output_bytes: 64 << 20,
        ..Limits::default()
    };
    // The learner's code may read the workspace, never change it.
    let sealed = [ws.root.clone(), ws.build_dir()];
    let run = sandbox::run_sealed(&binary, &args, "", limits, &sealed)?;
    let why = match run.ended {
        Ended::Exited(0) => {
            return Ok(memlings_python::wire::decode(&run.stdout)
                .map(Ran::Output)
                .unwrap_or_else(|| Ran::Failed("its output could not be read".into())))
        }
        Ended::Exited(code) => format!("it exited with code {code}"),
        Ended::Signaled(signal) => format!("it was killed by signal {signal}"),
        Ended::TimedOut => format!(
            "it did not finish within {} s (raise the limit with --time-limit)",
            time.as_secs()
        ),
        Ended::OutputCapped => "it printed too much".into(),
    };
    let detail = run.stderr.trim();
    Ok(Ran::Failed(if detail.is_empty() {
        why
    } else {
        format!("{why}:\n{detail}")
    }))
}

/// The generated `main`: run the program on the learner's heap, then write
/// its `Output` in the shared wire format (`memlings_python::wire`).
fn main_source(exercise: &Path) -> String {
    format!(
        r#"// Generated by memlings: do not edit.
#[path = {exercise:?}]
#[allow(dead_code, unused)]
mod exercise;

use std::io::Write;

use memlings_python::Options;

fn main() {{
    let args: Vec<String> = std::env::args().collect();
    let source = match std::fs::read_to_string(&args[1]) {{
        Ok(source) => source,
        Err(e) => {{
            eprintln!("cannot read {{}}: {{e}}", args[1]);
            std::process::exit(3);
        }}
    }};
    let options = Options {{
        max_steps: args[3].parse().unwrap_or(memlings_python::DEFAULT_MAX_STEPS),
        trace: args[4] == "1",
        dot: args[5] == "1",
    }};
    // The learner's panics are reported in the output, not on stderr.
    std::panic::set_hook(Box::new(|_| {{}}));
    let output = memlings_python::run_program::<exercise::{HEAP_TYPE}>(&source, &args[2], &options);
    let out = memlings_python::wire::encode(&output);
    let _ = std::io::stdout().write_all(&out);
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heap_names_its_pieces_and_the_unfinished_ones() {
        let piece = |name: &str, done: bool, todos: usize| Piece {
            name: name.into(),
            shown: format!("exercises/x/{name}.rs"),
            done,
            todos,
        };
        let heap = LearnerHeap {
            ws: Workspace { root: "/w".into() },
            file: "/w/exercises/x/heap.rs".into(),
            done: true,
            pieces: vec![
                piece("heap", true, 0),
                piece("a", false, 3),
                piece("b", false, 0),
            ],
        };
        assert_eq!(
            heap.describe(),
            [
                "your heap is exercises/x/heap.rs, with your exercises/x/a.rs and exercises/x/b.rs",
                "not finished yet: a (3 todo!() left) and b (its check has not passed); what the program prints may differ from CPython until they pass",
            ]
        );
        assert_eq!(
            count_todos("todo!()\n// todo!()\nx(); // todo!(\"later\")\n"),
            1
        );
    }
}
