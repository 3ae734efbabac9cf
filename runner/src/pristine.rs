//! The starting code of each exercise, kept in `runner/pristine/` (laid out
//! like `exercises/`), so `reset` can bring it back and the tests can start
//! from it.
//!
//! The copy lives in the workspace rather than in git history (a ZIP
//! download has none) or in the runner binary: under `cargo run` the runner
//! is rebuilt from this same tree anyway, and an installed runner used on a
//! newer clone must restore the starters that the clone's checks were
//! written for, just as it reads the clone's checks and snapshots. Learners
//! edit `exercises/`, never `runner/`, so the copy stays as shipped.
//!
//! In the authors' tree the two folders must agree: `memlings verify`
//! reports every difference, and `memlings verify --update-pristine`
//! records `exercises/` again.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::UserError;
use crate::registry::{Exercise, Registry};
use crate::workspace::Workspace;

pub use crate::workspace::PRISTINE as DIR;

/// The command that records the exercises as they are.
pub const RECORD: &str = "memlings verify --update-pristine";

/// The exercise as shipped.
pub fn original(ws: &Workspace, ex: &Exercise) -> Result<Vec<u8>> {
    let path = ws.pristine_file(ex);
    std::fs::read(&path).map_err(|err| {
        let why = match err.kind() {
            std::io::ErrorKind::NotFound => "it is missing".to_string(),
            _ => err.to_string(),
        };
        UserError::Other(format!(
            "cannot read the starting code of `{}` ({}): {why}; restore the folder {DIR}/ from the memlings repository",
            ex.name,
            ws.display(&path)
        ))
        .into()
    })
}

/// One way `runner/pristine/` disagrees with `exercises/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// An exercise whose starting code was never recorded.
    Unrecorded { exercise: String, pristine: String },
    /// The exercise file is not its recorded starting code.
    Differs {
        exercise: String,
        pristine: String,
        line: usize,
    },
    /// A file in `runner/pristine/` that no exercise owns.
    Orphan { pristine: String },
}

impl Drift {
    /// The exercise file the drift is about (`exercises/...`), if any.
    pub fn exercise(&self) -> Option<&str> {
        match self {
            Drift::Unrecorded { exercise, .. } | Drift::Differs { exercise, .. } => Some(exercise),
            Drift::Orphan { .. } => None,
        }
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::Unrecorded { exercise, pristine } => write!(
                f,
                "{exercise}: its starting code is not recorded in {pristine}; run `{RECORD}`"
            ),
            Drift::Differs {
                exercise,
                pristine,
                line,
            } => write!(
                f,
                "{exercise}: differs from its recorded starting code {pristine} (first at line {line}), which `reset` restores and the tests start from; changed it on purpose? run `{RECORD}`"
            ),
            Drift::Orphan { pristine } => write!(
                f,
                "{pristine}: the starting code of no exercise in the registry; run `{RECORD}` to remove it"
            ),
        }
    }
}

/// Every way `runner/pristine/` disagrees with the exercise files on disk.
/// Exercises whose file is missing are skipped: verify reports those itself.
pub fn drift(ws: &Workspace, registry: &Registry) -> Vec<Drift> {
    let mut found = Vec::new();
    for ex in &registry.exercises {
        let Ok(current) = std::fs::read(ws.exercise_file(ex)) else {
            continue;
        };
        let pristine = ws.display(&ws.pristine_file(ex));
        match std::fs::read(ws.pristine_file(ex)) {
            Err(_) => found.push(Drift::Unrecorded {
                exercise: ex.exercise_rel(),
                pristine,
            }),
            Ok(kept) if kept != current => found.push(Drift::Differs {
                exercise: ex.exercise_rel(),
                pristine,
                line: first_different_line(&kept, &current),
            }),
            Ok(_) => {}
        }
    }
    for file in orphans(ws, registry) {
        found.push(Drift::Orphan {
            pristine: ws.display(&file),
        });
    }
    found
}

/// What [`record`] changed, as paths relative to the workspace.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recorded {
    pub written: Vec<String>,
    pub removed: Vec<String>,
}

/// Makes `runner/pristine/` hold exactly the exercise files as they are now.
/// Files whose content is already right are not touched.
pub fn record(ws: &Workspace, registry: &Registry) -> Result<Recorded> {
    let mut recorded = Recorded::default();
    for ex in &registry.exercises {
        let source = ws.exercise_file(ex);
        let current = std::fs::read(&source).with_context(|| {
            format!(
                "cannot record the starting code of `{}`: cannot read {}",
                ex.name,
                ex.exercise_rel()
            )
        })?;
        let kept = ws.pristine_file(ex);
        if std::fs::read(&kept).ok().as_deref() == Some(current.as_slice()) {
            continue;
        }
        if let Some(dir) = kept.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", ws.display(dir)))?;
        }
        std::fs::write(&kept, &current)
            .with_context(|| format!("cannot write {}", ws.display(&kept)))?;
        recorded.written.push(ws.display(&kept));
    }
    for file in orphans(ws, registry) {
        std::fs::remove_file(&file)
            .with_context(|| format!("cannot remove {}", ws.display(&file)))?;
        recorded.removed.push(ws.display(&file));
        // A chapter folder left empty goes too; one still in use stays.
        if let Some(dir) = file.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
    Ok(recorded)
}

/// Files under `runner/pristine/` that are not the starting code of an
/// exercise in the registry.
fn orphans(ws: &Workspace, registry: &Registry) -> Vec<PathBuf> {
    let known: BTreeSet<PathBuf> = registry
        .exercises
        .iter()
        .map(|ex| ws.pristine_file(ex))
        .collect();
    files_under(&ws.pristine_dir())
        .into_iter()
        .filter(|file| !known.contains(file))
        .collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The 1-based number of the first line where `a` and `b` differ (one past
/// the shorter text's last line when one is a prefix of the other).
fn first_different_line(a: &[u8], b: &[u8]) -> usize {
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    1 + a[..same].iter().filter(|&&c| c == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTRY: &str = "[[exercise]]\nname = \"one\"\npart = \"I\"\nchapter = \"01_a\"\nbook = \"a.md\"\nhint = \"h\"\n\n\
                            [[exercise]]\nname = \"two\"\npart = \"I\"\nchapter = \"02_b\"\nbook = \"b.md\"\nhint = \"h\"\n";

    /// A workspace whose exercises and starting code agree.
    fn workspace() -> (tempfile::TempDir, Workspace, Registry) {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace {
            root: dir.path().to_path_buf(),
        };
        std::fs::create_dir_all(ws.root.join("runner")).unwrap();
        std::fs::write(ws.registry(), REGISTRY).unwrap();
        let registry = Registry::load(&ws.registry()).unwrap();
        for ex in &registry.exercises {
            for file in [ws.exercise_file(ex), ws.pristine_file(ex)] {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(file, format!("// {}\nfn main() {{}}\n", ex.name)).unwrap();
            }
        }
        (dir, ws, registry)
    }

    #[test]
    fn agreeing_folders_have_no_drift_and_record_nothing() {
        let (_dir, ws, registry) = workspace();
        assert_eq!(drift(&ws, &registry), vec![]);
        assert_eq!(record(&ws, &registry).unwrap(), Recorded::default());
    }

    #[test]
    fn each_kind_of_drift_is_found_and_recording_clears_it() {
        let (_dir, ws, registry) = workspace();
        let [one, two] = &registry.exercises[..] else {
            panic!("two exercises")
        };
        std::fs::write(ws.exercise_file(one), "// one\nfn main() { todo!() }\n").unwrap();
        std::fs::remove_file(ws.pristine_file(two)).unwrap();
        let stray = ws.pristine_dir().join("03_gone/gone.rs");
        std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
        std::fs::write(&stray, "old").unwrap();

        let found = drift(&ws, &registry);
        assert_eq!(
            found,
            vec![
                Drift::Differs {
                    exercise: "exercises/01_a/one.rs".into(),
                    pristine: "runner/pristine/01_a/one.rs".into(),
                    line: 2,
                },
                Drift::Unrecorded {
                    exercise: "exercises/02_b/two.rs".into(),
                    pristine: "runner/pristine/02_b/two.rs".into(),
                },
                Drift::Orphan {
                    pristine: "runner/pristine/03_gone/gone.rs".into()
                },
            ]
        );
        for problem in &found {
            assert!(
                problem.to_string().ends_with(&format!(
                    "run `memlings verify --update-pristine`{}",
                    if matches!(problem, Drift::Orphan { .. }) {
                        " to remove it"
                    } else {
                        ""
                    }
                )),
                "{problem}"
            );
        }

        let recorded = record(&ws, &registry).unwrap();
        assert_eq!(
            recorded.written,
            ["runner/pristine/01_a/one.rs", "runner/pristine/02_b/two.rs"]
        );
        assert_eq!(recorded.removed, ["runner/pristine/03_gone/gone.rs"]);
        assert!(!stray.parent().unwrap().exists(), "its empty folder goes");
        assert_eq!(drift(&ws, &registry), vec![]);
        assert_eq!(
            original(&ws, one).unwrap(),
            b"// one\nfn main() { todo!() }\n"
        );
    }

    #[test]
    fn a_missing_starting_code_is_a_one_line_user_error() {
        let (_dir, ws, registry) = workspace();
        let one = &registry.exercises[0];
        std::fs::remove_file(ws.pristine_file(one)).unwrap();
        let err = original(&ws, one).unwrap_err();
        assert!(err.downcast_ref::<UserError>().is_some());
        assert_eq!(
            err.to_string(),
            "cannot read the starting code of `one` (runner/pristine/01_a/one.rs): it is missing; restore the folder runner/pristine/ from the memlings repository"
        );
    }

    #[test]
    fn the_first_different_line_is_counted_from_one() {
        assert_eq!(first_different_line(b"a\nb\n", b"a\nc\n"), 2);
        assert_eq!(first_different_line(b"x", b"y"), 1);
        assert_eq!(first_different_line(b"a\n", b"a\nb\n"), 2);
    }
}
