//! `memlings reset NAME`: brings back the original exercise (its starting
//! code in `runner/pristine/`, so no git is needed), after saving the
//! learner's version where the message says.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use colored::Colorize;

use super::Session;
use crate::pristine;
use crate::registry::Exercise;

pub fn run(session: &Session, name: &str) -> Result<ExitCode> {
    let ex = session.registry.get(name)?;
    println!("{}", reset(session, ex)?);
    let mut state = session.load_state();
    state.record(&ex.name, false);
    state.save(&session.registry)?;
    Ok(ExitCode::SUCCESS)
}

/// Restores `ex` and returns the message to show.
pub fn reset(session: &Session, ex: &Exercise) -> Result<String> {
    let original = pristine::original(&session.ws, ex)?;
    let path = session.ws.exercise_file(ex);
    let rel = ex.exercise_rel();
    let message = match std::fs::read(&path) {
        Ok(current) if current == original => {
            return Ok(format!(
                "{rel} is already in its original state; nothing to do."
            ));
        }
        Ok(current) => {
            let backup = backup(session, ex, &current)?;
            format!(
                "{} {rel} to its original. Your version is saved as {}",
                "Restored".green().bold(),
                session.ws.display(&backup).bold()
            )
        }
        Err(_) => format!("{} {rel}, which was missing.", "Restored".green().bold()),
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&path, original).with_context(|| format!("cannot write {rel}"))?;
    Ok(message)
}

/// Saves `content` under a name not yet taken.
fn backup(session: &Session, ex: &Exercise, content: &[u8]) -> Result<PathBuf> {
    let dir = session.ws.backups_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = (1..)
        .map(|n| dir.join(format!("{}-{n}.rs", ex.name)))
        .find(|p| !p.exists())
        .expect("some backup number is free");
    std::fs::write(&path, content)
        .with_context(|| format!("cannot write the backup {}", path.display()))?;
    Ok(path)
}
