//! `memlings reset NAME`: brings back the original exercise (its starting
//! code in `runner/pristine/`, so no git is needed), after saving the
//! learner's version where the message says.

use std::process::ExitCode;

use anyhow::Result;

use crate::workbook::Workbook;

pub fn run(book: &mut Workbook, name: &str) -> Result<ExitCode> {
    let index = book.index(name)?;
    let outcome = book.reset(index)?;
    let rel = book.registry.exercises[index].exercise_rel();
    println!("{}", outcome.message(&rel));
    Ok(ExitCode::SUCCESS)
}
