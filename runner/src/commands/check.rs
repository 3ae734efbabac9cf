//! `memlings check [NAME]` / `memlings check --all`.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use crate::check::render;
use crate::workbook::Workbook;
use crate::{invocation, progress};

pub fn run(book: &mut Workbook, name: Option<&str>, all: bool) -> Result<ExitCode> {
    if all {
        return check_all(book);
    }
    let ex = book.pick(name)?;
    book.require_file(ex)?;
    let (index, name) = (book.index(&ex.name)?, ex.name.clone());
    let checked = book.check(index)?;
    print!(
        "{}",
        render::with_detail(&checked.report, render::Detail::Everything)
    );
    if checked.first_pass {
        println!("{}", progress::summary(&book.registry, &book.progress));
    }
    let passed = checked.report.verdict.passed();
    if !passed {
        println!(
            "\n{} {}",
            "Stuck?".bold(),
            invocation::command(&book.ws.root, &format!("hint {name}")).cyan()
        );
    }
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn check_all(book: &mut Workbook) -> Result<ExitCode> {
    let bar = progress::bar(book.registry.exercises.len() as u64, "checking");
    let reports = book.check_all(|_| bar.inc(1))?;
    bar.finish_and_clear();
    for report in &reports {
        println!("{}", render::headline(report));
    }
    println!("\n{}", progress::summary(&book.registry, &book.progress));
    let all_pass = reports.iter().all(|r| r.verdict.passed());
    Ok(if all_pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
