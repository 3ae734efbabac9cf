//! The files that judge a run (the harness, the checks, the accepted
//! snapshots), as the runner read them before anything ran, so that any a
//! run changed can be put back at once. Where the sandbox seals the
//! workspace, a run cannot change them; elsewhere this is what keeps one
//! learner's bug from breaking every later check.

use std::path::PathBuf;

use crate::registry::Exercise;
use crate::workspace::Workspace;

pub struct Judges {
    /// Each file with its content, `None` if it did not exist.
    files: Vec<(PathBuf, Option<Vec<u8>>)>,
}

impl Judges {
    pub fn read(ws: &Workspace, exercises: &[&Exercise]) -> Judges {
        let mut paths = vec![ws.harness_support()];
        for ex in exercises {
            paths.push(ws.check_file(ex));
            paths.extend(crate::snapshot::files(&ws.snapshot_dir(ex)));
        }
        Judges {
            files: paths
                .into_iter()
                .map(|path| {
                    let content = std::fs::read(&path).ok();
                    (path, content)
                })
                .collect(),
        }
    }

    /// Puts back every file that differs from what was read, and names
    /// them (relative to the workspace).
    pub fn restore(&self, ws: &Workspace) -> Vec<String> {
        let mut changed = Vec::new();
        for (path, content) in &self.files {
            let Some(content) = content else { continue };
            if std::fs::read(path).ok().as_ref() == Some(content) {
                continue;
            }
            if let Some(dir) = path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = std::fs::write(path, content);
            changed.push(ws.display(path));
        }
        changed
    }
}
