//! `memlings list`.

use std::process::ExitCode;

use anyhow::Result;

use super::Session;
use crate::progress;

pub fn run(session: &Session) -> Result<ExitCode> {
    let state = session.load_state();
    print!("{}", progress::table(session, &state));
    println!("\n{}", progress::summary(&session.registry, &state));
    Ok(ExitCode::SUCCESS)
}
