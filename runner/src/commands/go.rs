//! `memlings go NAME`: makes any exercise the current one, done or not, so
//! the learner can go back to one or skip ahead without saving its file.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use crate::workbook::Workbook;

pub fn run(book: &mut Workbook, name: &str) -> Result<ExitCode> {
    let index = book.index(name)?;
    book.go(index)?;
    let ex = book.current();
    let status = if book.progress.is_done(&ex.name) {
        "done".green()
    } else {
        "pending".yellow()
    };
    println!(
        "Current exercise: {} ({status}), {}\nRun `{}` to work on it.",
        ex.name.bold(),
        ex.exercise_rel(),
        crate::invocation::learner_command("")
    );
    Ok(ExitCode::SUCCESS)
}
