//! `memlings list`.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use crate::progress;
use crate::workbook::Workbook;

pub fn run(book: &Workbook) -> Result<ExitCode> {
    print!("{}", progress::table(&book.registry, &book.progress));
    println!("\n{}", progress::summary(&book.registry, &book.progress));
    println!(
        "{}",
        format!(
            "Make any exercise current with `{}`, or press l in watch mode to choose one.",
            crate::invocation::learner_command("go NAME")
        )
        .dimmed()
    );
    Ok(ExitCode::SUCCESS)
}
