//! The traces a bench runs: the files named on the command line (a folder
//! stands for its `*.trace` files), else every trace in `runner/traces/`.
//! All are parsed before anything runs, so a mistake in one is reported at
//! once, in one line with its file and line number.

use std::path::{Path, PathBuf};

use memlings_bench::trace::{self, Trace};

use crate::error::UserError;
use crate::workspace::Workspace;

pub struct Loaded {
    /// Absolute, for the program that replays it.
    pub path: PathBuf,
    pub trace: Trace,
}

/// The traces named by `args` (relative to `cwd`), or the workspace's own.
pub fn load(ws: &Workspace, cwd: &Path, args: &[PathBuf]) -> Result<Vec<Loaded>, UserError> {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    if args.is_empty() {
        files = in_folder(&ws.traces_dir())?
            .into_iter()
            .map(|path| {
                let shown = ws.display(&path);
                (path, shown)
            })
            .collect();
        if files.is_empty() {
            return Err(UserError::Other(format!(
                "no traces in {} (files named *.trace); name one: memlings bench FILE.trace",
                crate::workspace::TRACES
            )));
        }
    }
    for arg in args {
        let path = cwd.join(arg);
        if path.is_dir() {
            let inside = in_folder(&path)?;
            if inside.is_empty() {
                return Err(UserError::Other(format!(
                    "{}: a folder with no *.trace files in it",
                    arg.display()
                )));
            }
            files.extend(inside.into_iter().map(|p| {
                let shown = arg
                    .join(p.file_name().unwrap_or_default())
                    .display()
                    .to_string();
                (p, shown)
            }));
        } else {
            files.push((path, arg.display().to_string()));
        }
    }
    files
        .into_iter()
        .map(|(path, shown)| {
            let trace = trace::load(&path, &shown).map_err(|e| UserError::Other(e.to_string()))?;
            Ok(Loaded { path, trace })
        })
        .collect()
}

/// The `*.trace` files in `dir`, by name.
fn in_folder(dir: &Path) -> Result<Vec<PathBuf>, UserError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| UserError::Other(format!("cannot read {}: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "trace") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}
