//! The learner's progress: which exercises are done and which one is current.
//! Kept in `.memlings-state.toml` at the workspace root (ignored by git). A
//! missing file is a fresh start; an unreadable one is set aside and rebuilt,
//! never fatal.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::registry::Registry;
use crate::workspace::Workspace;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct StateFile {
    current: Option<String>,
    #[serde(default)]
    done: BTreeSet<String>,
}

#[derive(Debug, Clone)]
pub struct State {
    path: PathBuf,
    /// Index into the registry of the exercise the learner is on.
    pub current: usize,
    pub done: BTreeSet<String>,
}

const HEADER: &str = "# memlings progress (yours alone, ignored by git).\n\
# Deleting it starts the workbook over; your exercise files are untouched.\n";

impl State {
    /// Loads progress. The second value is a warning to show when the file
    /// had to be rebuilt.
    pub fn load(ws: &Workspace, registry: &Registry) -> (State, Option<String>) {
        let path = ws.state_file();
        let mut warning = None;
        let file = match std::fs::read_to_string(&path) {
            Err(_) => StateFile::default(),
            Ok(text) => match toml::from_str::<StateFile>(&text) {
                Ok(file) => file,
                Err(_) => {
                    let aside = path.with_extension("toml.corrupt");
                    let _ = std::fs::rename(&path, &aside);
                    warning = Some(format!(
                        "the progress file {} was unreadable; it is kept as {} and progress starts over (solved exercises are found again when checked)",
                        ws.display(&path),
                        ws.display(&aside)
                    ));
                    StateFile::default()
                }
            },
        };
        let done: BTreeSet<String> = file
            .done
            .into_iter()
            .filter(|name| registry.index_of(name).is_some())
            .collect();
        let mut state = State {
            path,
            current: 0,
            done,
        };
        state.current = file
            .current
            .and_then(|name| registry.index_of(&name))
            .unwrap_or_else(|| state.first_pending(registry).unwrap_or(0));
        (state, warning)
    }

    pub fn save(&self, registry: &Registry) -> Result<()> {
        let file = StateFile {
            current: Some(registry.exercises[self.current].name.clone()),
            done: self.done.clone(),
        };
        let text = format!("{HEADER}{}", toml::to_string(&file)?);
        // Write then rename, so a crash mid-write never leaves half a file.
        let tmp = self.path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    pub fn is_done(&self, name: &str) -> bool {
        self.done.contains(name)
    }

    pub fn first_pending(&self, registry: &Registry) -> Option<usize> {
        registry
            .exercises
            .iter()
            .position(|ex| !self.done.contains(&ex.name))
    }

    /// The next pending exercise after the current one, wrapping around.
    pub fn next_pending(&self, registry: &Registry) -> Option<usize> {
        let n = registry.exercises.len();
        (1..=n)
            .map(|step| (self.current + step) % n)
            .find(|&i| !self.done.contains(&registry.exercises[i].name))
    }

    /// Where `n` goes: the next pending exercise after the current one, or
    /// when none is pending, simply the next one. `None` at the very end.
    pub fn forward(&self, registry: &Registry) -> Option<usize> {
        match self.next_pending(registry) {
            Some(next) if next != self.current => Some(next),
            Some(_) => None,
            None => (self.current + 1 < registry.exercises.len()).then_some(self.current + 1),
        }
    }

    /// Where `p` goes: the exercise before the current one, done or not.
    pub fn back(&self) -> Option<usize> {
        self.current.checked_sub(1)
    }

    /// Progress with nothing done, kept at `path` (for tests).
    #[cfg(test)]
    pub(crate) fn empty(path: PathBuf) -> State {
        State {
            path,
            current: 0,
            done: BTreeSet::new(),
        }
    }

    /// Records a check's result. Returns true when this solved the exercise
    /// for the first time.
    pub fn record(&mut self, name: &str, passed: bool) -> bool {
        if passed {
            self.done.insert(name.to_string())
        } else {
            self.done.remove(name);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(n: usize) -> Registry {
        let text: String = (0..n)
            .map(|i| {
                format!(
                    "[[exercise]]\nname = \"e{i}\"\npart = \"I\"\nchapter = \"c\"\nbook = \"b.md\"\nhint = \"h\"\n"
                )
            })
            .collect();
        Registry::parse(&text, std::path::Path::new("exercises.toml")).unwrap()
    }

    #[test]
    fn forward_goes_to_the_next_pending_exercise_skipping_done_ones() {
        let registry = registry(4);
        let mut state = State::empty(PathBuf::new());
        state.record("e1", true);
        assert_eq!(state.forward(&registry), Some(2));
        state.current = 3;
        assert_eq!(
            state.forward(&registry),
            Some(0),
            "wraps around to what is left"
        );
    }

    #[test]
    fn forward_with_nothing_else_pending_steps_on_until_the_end() {
        let registry = registry(3);
        let mut state = State::empty(PathBuf::new());
        for name in ["e0", "e1", "e2"] {
            state.record(name, true);
        }
        assert_eq!(state.forward(&registry), Some(1));
        state.current = 2;
        assert_eq!(state.forward(&registry), None);
        state.done.remove("e2");
        assert_eq!(
            state.forward(&registry),
            None,
            "the current one is the only pending"
        );
    }

    #[test]
    fn back_goes_to_the_previous_exercise_done_or_not() {
        let mut state = State::empty(PathBuf::new());
        assert_eq!(state.back(), None);
        state.current = 2;
        state.record("e1", true);
        assert_eq!(state.back(), Some(1));
    }
}
