//! `memlings check [NAME]` / `memlings check --all`.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use super::Session;
use crate::check::render;
use crate::{invocation, progress};

pub fn run(session: &Session, name: Option<&str>, all: bool) -> Result<ExitCode> {
    let mut state = session.load_state();
    if all {
        return check_all(session, &mut state);
    }
    let ex = session.pick(name, &state)?;
    session.require_file(ex)?;
    let report = session.learner_checker().check(ex)?;
    print!(
        "{}",
        render::with_detail(&report, render::Detail::Everything)
    );
    let passed = report.verdict.passed();
    if state.record(&ex.name, passed) {
        println!("{}", progress::summary(&session.registry, &state));
    }
    state.save(&session.registry)?;
    if !passed {
        println!(
            "\n{} {}",
            "Stuck?".bold(),
            invocation::command(&session.ws.root, &format!("hint {}", ex.name)).cyan()
        );
    }
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn check_all(session: &Session, state: &mut crate::state::State) -> Result<ExitCode> {
    let reports = every_exercise(session, state, "checking")?;
    for report in &reports {
        println!("{}", render::headline(report));
    }
    println!("\n{}", progress::summary(&session.registry, state));
    let all_pass = reports.iter().all(|r| r.verdict.passed());
    Ok(if all_pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Checks every exercise (with a progress bar), records each result and
/// saves: `check --all` and the watch mode's `c` key. The current exercise
/// stays where the learner put it: a check is no reason to move them.
pub(super) fn every_exercise(
    session: &Session,
    state: &mut crate::state::State,
    label: &str,
) -> Result<Vec<crate::check::Report>> {
    let exercises: Vec<_> = session.registry.exercises.iter().collect();
    let bar = progress::bar(exercises.len() as u64, label);
    let reports = session
        .learner_checker()
        .check_many(&exercises, |_| bar.inc(1))?;
    bar.finish_and_clear();
    for report in &reports {
        state.record(&report.exercise, report.verdict.passed());
    }
    state.save(&session.registry)?;
    Ok(reports)
}
