//! `memlings hint [NAME]`.

use std::process::ExitCode;

use anyhow::Result;

use crate::workbook::Workbook;

pub fn run(book: &Workbook, name: Option<&str>) -> Result<ExitCode> {
    print!("{}", crate::hint::text(book.pick(name)?));
    Ok(ExitCode::SUCCESS)
}
