//! `memlings hint [NAME]`.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use super::Session;

pub fn run(session: &Session, name: Option<&str>) -> Result<ExitCode> {
    let state = session.load_state();
    let ex = session.pick(name, &state)?;
    print!("{}", text(ex));
    Ok(ExitCode::SUCCESS)
}

/// The hint with a pointer to the book section it comes from.
pub fn text(ex: &crate::registry::Exercise) -> String {
    format!(
        "{} {}\n{}\n\n{} book/src/{}\n",
        "Hint for".bold(),
        ex.name.bold(),
        ex.hint.trim_end(),
        "Read more:".dimmed(),
        ex.book
    )
}
