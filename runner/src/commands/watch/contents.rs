//! The content of every exercise file as the watcher last knew it, so that
//! only a real change counts as a save. Being opened, read or compiled (by
//! `cat`, a second `memlings`, rust-analyzer's `cargo check`, or the runner
//! itself) leaves the content alone and is never taken for a save.

use std::hash::{Hash, Hasher};
use std::path::Path;

use crate::registry::Registry;
use crate::workspace::Workspace;

pub struct Contents {
    /// One hash per registry index; a missing file has a hash of its own.
    hashes: Vec<u64>,
}

impl Contents {
    /// Takes every exercise's content as it is now.
    pub fn take(ws: &Workspace, registry: &Registry) -> Contents {
        Contents {
            hashes: registry
                .exercises
                .iter()
                .map(|ex| hash_file(&ws.exercise_file(ex)))
                .collect(),
        }
    }

    /// Remembers exercise `index`'s content as it is now (before it is
    /// checked, or after the runner wrote it).
    pub fn refresh(&mut self, index: usize, path: &Path) {
        self.hashes[index] = hash_file(path);
    }

    /// Whether exercise `index`'s file differs from what was last known,
    /// remembering the new content if so.
    pub fn changed(&mut self, index: usize, path: &Path) -> bool {
        let now = hash_file(path);
        let changed = self.hashes[index] != now;
        self.hashes[index] = now;
        changed
    }
}

fn hash_file(path: &Path) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::read(path).ok().hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_new_content_is_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.rs");
        std::fs::write(&path, "fn a() {}").unwrap();
        let mut contents = Contents {
            hashes: vec![hash_file(&path)],
        };
        assert!(!contents.changed(0, &path), "unchanged");
        std::fs::write(&path, "fn a() {}").unwrap();
        assert!(!contents.changed(0, &path), "rewritten with the same bytes");
        std::fs::write(&path, "fn a() { 1; }").unwrap();
        assert!(contents.changed(0, &path), "new content");
        assert!(!contents.changed(0, &path), "the change is remembered");
        std::fs::remove_file(&path).unwrap();
        assert!(contents.changed(0, &path), "removed");
    }
}
