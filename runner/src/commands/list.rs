//! `memlings list`.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use super::Session;
use crate::progress;

pub fn run(session: &Session) -> Result<ExitCode> {
    let state = session.load_state();
    print!("{}", progress::table(session, &state));
    println!("\n{}", progress::summary(&session.registry, &state));
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
