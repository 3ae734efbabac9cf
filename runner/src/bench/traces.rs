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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(loaded: &[Loaded]) -> Vec<&str> {
        loaded.iter().map(|t| t.trace.name.as_str()).collect()
    }

    #[test]
    fn files_and_folders_as_given_else_the_workspaces_own() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("runner/traces")).unwrap();
        std::fs::create_dir_all(root.join("mine")).unwrap();
        for (rel, text) in [
            ("runner/traces/b.trace", "a 0 8\n"),
            ("runner/traces/a.trace", "a 0 8\nf 0\n"),
            ("runner/traces/notes.txt", "not a trace"),
            ("mine/x.trace", "a 1 16\n"),
            ("one.trace", "f 3\n"),
        ] {
            std::fs::write(root.join(rel), text).unwrap();
        }
        let ws = Workspace {
            root: root.to_path_buf(),
        };
        let default = load(&ws, root, &[]).unwrap();
        assert_eq!(
            names(&default),
            ["runner/traces/a.trace", "runner/traces/b.trace"]
        );
        let given = load(&ws, root, &["mine".into()]).unwrap();
        assert_eq!(names(&given), ["mine/x.trace"]);
        assert!(given[0].path.is_absolute());
        // The first mistake stops everything, in one line.
        let Err(err) = load(&ws, root, &["mine".into(), "one.trace".into()]) else {
            panic!("one.trace frees what was never allocated");
        };
        assert_eq!(
            err.to_string(),
            "one.trace:1: `f 3` frees id 3, which was never allocated"
        );
        std::fs::create_dir_all(root.join("empty")).unwrap();
        let Err(err) = load(&ws, root, &["empty".into()]) else {
            panic!("an empty folder holds no traces");
        };
        assert_eq!(
            err.to_string(),
            "empty: a folder with no *.trace files in it"
        );
    }
}
