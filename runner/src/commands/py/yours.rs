//! `memlings py --heap yours`: the same program on the learner's own heap.
//!
//! `learner_heap` chooses the heap and `heap_program` writes the package
//! that runs it; this builds it and runs the binary under the same limits
//! as a check.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use memlings_python::{Options, Output};

use crate::check::compile::Compiled;
use crate::check::sandbox::{self, Ended, Limits};
use crate::heap_program::{self, HeapSource};
use crate::learner_heap::LearnerHeap;

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
    let name = learner.exercise.name.as_str();
    let package = heap_program::package(
        ws,
        "py-yours",
        "`memlings py --heap yours`",
        &[HeapSource {
            name,
            file: &learner.file,
            part: &learner.part,
        }],
    )?;
    let color = colored::control::SHOULD_COLORIZE.should_colorize();
    let mut built = package.build(&[name], color)?;
    let binary = match built.remove(name) {
        Some(Compiled::Binary(path)) => path,
        Some(Compiled::Errors(text)) => return Ok(Ran::CompileErrors(ws.relative_in(&text))),
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
