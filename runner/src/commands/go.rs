//! `memlings go NAME`: makes any exercise the current one, done or not, so
//! the learner can go back to one or skip ahead without saving its file.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use super::Session;

pub fn run(session: &Session, name: &str) -> Result<ExitCode> {
    let ex = session.registry.get(name)?;
    let mut state = session.load_state();
    state.current = session
        .registry
        .index_of(&ex.name)
        .expect("get found it in the registry");
    state.save(&session.registry)?;
    let status = if state.is_done(&ex.name) {
        "done".green()
    } else {
        "pending".yellow()
    };
    println!(
        "Current exercise: {} ({status}), {}\nRun `memlings` to work on it.",
        ex.name.bold(),
        ex.exercise_rel()
    );
    Ok(ExitCode::SUCCESS)
}
