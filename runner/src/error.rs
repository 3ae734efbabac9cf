//! Errors a user can act on. Each renders as one line that says what is wrong
//! and how to fix it; `main` prints it and exits with code 2.

use std::path::PathBuf;

use crate::invocation::learner_command;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error(
        "no exercise named `{name}`{suggestion}; run `{}` to see them all",
        learner_command("list")
    )]
    UnknownExercise { name: String, suggestion: String },

    #[error("{path}:{line}: the exercise registry is malformed: {message}")]
    MalformedRegistry {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error("{path}: {message}")]
    InvalidRegistry { path: PathBuf, message: String },

    #[error("the exercise file {path} is missing; run `{}` to restore it", learner_command(&format!("reset {name}")))]
    MissingExerciseFile { name: String, path: PathBuf },

    #[error(
        "cannot find the memlings workspace (a folder with runner/exercises.toml) from {start}; run memlings from inside your clone"
    )]
    NoWorkspace { start: PathBuf },

    #[error("{0}")]
    Other(String),
}
