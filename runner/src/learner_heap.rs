//! Which of the learner's heaps `memlings py --heap yours` runs, and what
//! it is made of.
//!
//! The registry says which exercises provide a heap or a layer of one (an
//! entry's `heap` key). The most complete is the last of them in course
//! order whose check the learner has passed: later exercises build on
//! earlier ones. With none passed it is the first, which the output then
//! calls unfinished.
//!
//! So the capstone's heap grows as its exercises pass: with `arenas` the
//! last passed, the reference heap runs on the learner's allocator alone;
//! once `object_header` passes (it provides GC links on that allocator),
//! its list functions link the collector's lists too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::error::UserError;
use crate::registry::{Exercise, HeapPart, Layer, Registry};
use crate::state::State;
use crate::workspace::Workspace;

/// The learner's heap that `--heap yours` runs.
pub struct LearnerHeap {
    pub ws: Workspace,
    /// The exercise that provides it.
    pub exercise: Exercise,
    pub part: HeapPart,
    /// `exercises/<chapter>/<name>.rs`.
    pub file: PathBuf,
    /// The learner's progress marks the exercise done.
    pub done: bool,
    /// The learner's files the heap is built from: the exercise, then the
    /// earlier exercises it uses (their own versions, not the solutions).
    pub pieces: Vec<Piece>,
}

/// One of the learner's files in their heap.
pub struct Piece {
    pub name: String,
    /// As the learner knows it: `exercises/<chapter>/<name>.rs`.
    pub shown: String,
    /// Passed its check, by the progress file.
    pub done: bool,
    /// `todo!()`s still in the file.
    pub todos: usize,
}

/// Of the exercises that provide a heap or a layer, the last one passed,
/// else the first; `None` when no exercise provides one.
pub fn choose<'r>(
    registry: &'r Registry,
    done: &BTreeSet<String>,
) -> Option<(&'r Exercise, &'r HeapPart)> {
    choose_among(registry, done, None)
}

/// [`choose`] among the exercises that provide `layer` (any, for `None`).
pub fn choose_among<'r>(
    registry: &'r Registry,
    done: &BTreeSet<String>,
    layer: Option<Layer>,
) -> Option<(&'r Exercise, &'r HeapPart)> {
    let mut providers = registry
        .exercises
        .iter()
        .filter_map(|ex| ex.heap.as_ref().map(|part| (ex, part)))
        .filter(|(_, part)| layer.is_none_or(|layer| part.provides == layer));
    let first = providers.clone().next()?;
    Some(
        providers
            .rfind(|(ex, _)| done.contains(&ex.name))
            .unwrap_or(first),
    )
}

impl LearnerHeap {
    /// The heap of the workspace around `dir`, as the learner's progress
    /// chooses it.
    pub fn find(dir: &Path) -> Result<LearnerHeap, UserError> {
        let ws = Workspace::discover(dir).map_err(|_| {
            UserError::Other(
                "--heap yours runs the heap your exercises build, so it needs the memlings workspace: run it from inside the memlings folder"
                    .into(),
            )
        })?;
        Self::find_in(ws, None)?.ok_or_else(|| {
            UserError::Other(format!(
                "no exercise in {} provides a heap (a `heap = {{ provides = ... }}` key), so there is none of yours to run; use --heap reference",
                crate::workspace::REGISTRY
            ))
        })
    }

    /// The learner's allocator in `ws`, as the progress chooses it among
    /// the exercises that provide one; `None` when none does.
    pub fn find_allocator(ws: Workspace) -> Result<Option<LearnerHeap>, UserError> {
        Self::find_in(ws, Some(Layer::Allocator))
    }

    fn find_in(ws: Workspace, layer: Option<Layer>) -> Result<Option<LearnerHeap>, UserError> {
        let registry = Registry::load(&ws.registry())?;
        let (state, _) = State::load(&ws, &registry);
        let Some((ex, part)) = choose_among(&registry, &state.done, layer) else {
            return Ok(None);
        };
        let pieces = std::iter::once(&ex.name)
            .chain(&ex.uses)
            .filter_map(|name| registry.get(name).ok())
            .map(|piece| {
                let file = ws.exercise_file(piece);
                Piece {
                    name: piece.name.clone(),
                    shown: ws.display(&file),
                    done: state.is_done(&piece.name),
                    todos: std::fs::read_to_string(&file)
                        .map_or(0, |text| crate::check::todos::lines(&text).len()),
                }
            })
            .collect();
        Ok(Some(LearnerHeap {
            file: ws.exercise_file(ex),
            done: state.is_done(&ex.name),
            part: part.clone(),
            exercise: ex.clone(),
            pieces,
            ws,
        }))
    }

    /// One or two lines: which layers of the heap are the learner's, from
    /// which exercises, and which of those files are not finished.
    pub fn describe(&self) -> Vec<String> {
        let name = &self.exercise.name;
        let shown = self.ws.display(&self.file);
        let layers = match self.part.provides {
            Layer::Storage => {
                let mut yours = vec![format!("storage from {name} ({shown})")];
                let mut theirs = Vec::new();
                for (layer, from, ready_made) in [
                    ("sizes", &self.part.sizes, "ready-made"),
                    // A storage heap that names no collector of the
                    // learner's has the only one an exercise can reach,
                    // memlings_python's NoCollector.
                    (
                        "collector",
                        &self.part.collector,
                        "none yet (cycles are never freed)",
                    ),
                ] {
                    if from.is_empty() {
                        theirs.push(format!("{layer}: {ready_made}"));
                    } else {
                        yours.push(format!("{layer} from {}", from.join(" + ")));
                    }
                }
                std::iter::once(yours.join(", "))
                    .chain(theirs)
                    .collect::<Vec<_>>()
                    .join("; ")
            }
            Layer::Allocator => format!(
                "allocator from {name} ({shown}); storage, collector, sizes: the reference heap's"
            ),
            Layer::GcLinks => format!(
                "GC lists from {name} ({shown}), allocator from {}; storage, collector passes, sizes: the reference heap's",
                self.part.allocator.as_deref().unwrap_or_default()
            ),
        };
        let mut lines = vec![format!("your heap: {layers}")];
        let unfinished = self.unfinished();
        if !unfinished.is_empty() {
            let names: Vec<&str> = unfinished.iter().map(String::as_str).collect();
            lines.push(format!(
                "not finished yet: {}; what the program prints may differ from CPython until they pass",
                join_and(&names)
            ));
        }
        lines
    }

    /// Each of the learner's files in the heap that is not finished, with
    /// why: `pools (2 todo!() left)`, `sizes (its check has not passed)`.
    pub fn unfinished(&self) -> Vec<String> {
        self.pieces
            .iter()
            .filter_map(|p| match (p.todos, p.done) {
                (0, true) => None,
                (0, false) => Some(format!("{} (its check has not passed)", p.name)),
                (1, _) => Some(format!("{} (1 todo!() left)", p.name)),
                (n, _) => Some(format!("{} ({n} todo!() left)", p.name)),
            })
            .collect()
    }
}

pub fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTRY: &str = r#"
[[exercise]]
name = "sizes"
part = "II"
chapter = "a"
book = "x.md"
hint = "h"

[[exercise]]
name = "storage"
part = "III"
chapter = "b"
book = "x.md"
hint = "h"
uses = ["sizes"]
heap = { provides = "storage", type = "H", sizes = ["sizes"] }

[[exercise]]
name = "between"
part = "IV"
chapter = "c"
book = "x.md"
hint = "h"

[[exercise]]
name = "pools"
part = "V"
chapter = "d"
book = "x.md"
hint = "h"
heap = { provides = "allocator", type = "Pools" }
"#;

    fn registry() -> Registry {
        Registry::parse(REGISTRY, Path::new("x.toml")).unwrap()
    }

    fn chosen(done: &[&str]) -> Option<String> {
        let registry = registry();
        let done = done.iter().map(|s| s.to_string()).collect();
        choose(&registry, &done).map(|(ex, _)| ex.name.clone())
    }

    #[test]
    fn the_last_provider_passed_is_chosen_else_the_first() {
        assert_eq!(chosen(&[]).as_deref(), Some("storage"));
        assert_eq!(chosen(&["sizes", "between"]).as_deref(), Some("storage"));
        assert_eq!(chosen(&["storage"]).as_deref(), Some("storage"));
        assert_eq!(chosen(&["pools"]).as_deref(), Some("pools"));
        assert_eq!(chosen(&["storage", "pools"]).as_deref(), Some("pools"));
        let none = Registry::parse(
            &REGISTRY.replace("heap = ", "# heap = "),
            Path::new("x.toml"),
        )
        .unwrap();
        assert!(choose(&none, &BTreeSet::new()).is_none());
    }

    #[test]
    fn an_allocator_is_chosen_among_the_allocators_only() {
        let registry = registry();
        let pick = |done: &[&str]| {
            let done = done.iter().map(|s| s.to_string()).collect();
            choose_among(&registry, &done, Some(Layer::Allocator)).map(|(ex, _)| ex.name.clone())
        };
        // The storage heap passed is no allocator: the first allocator it is.
        assert_eq!(pick(&["storage"]).as_deref(), Some("pools"));
        assert_eq!(pick(&[]).as_deref(), Some("pools"));
        let storage_only = Registry::parse(
            &REGISTRY.replace("heap = { provides = \"allocator\"", "# heap = {"),
            Path::new("x.toml"),
        )
        .unwrap();
        assert!(choose_among(&storage_only, &BTreeSet::new(), Some(Layer::Allocator)).is_none());
    }

    fn heap(name: &str, pieces: Vec<Piece>) -> LearnerHeap {
        let registry = registry();
        let ex = registry.get(name).unwrap().clone();
        LearnerHeap {
            ws: Workspace { root: "/w".into() },
            file: format!("/w/exercises/{}/{name}.rs", ex.chapter).into(),
            done: true,
            part: ex.heap.clone().unwrap(),
            exercise: ex,
            pieces,
        }
    }

    fn piece(name: &str, done: bool, todos: usize) -> Piece {
        Piece {
            name: name.into(),
            shown: format!("exercises/x/{name}.rs"),
            done,
            todos,
        }
    }

    #[test]
    fn a_storage_heap_names_the_learners_layers_and_the_unfinished_files() {
        let heap = heap(
            "storage",
            vec![
                piece("storage", true, 0),
                piece("sizes", false, 3),
                piece("other", false, 0),
            ],
        );
        assert_eq!(
            heap.describe(),
            [
                "your heap: storage from storage (exercises/b/storage.rs), sizes from sizes; collector: none yet (cycles are never freed)",
                "not finished yet: sizes (3 todo!() left) and other (its check has not passed); what the program prints may differ from CPython until they pass",
            ]
        );
    }

    #[test]
    fn gc_links_are_chosen_once_passed_and_name_their_allocator() {
        let text = format!(
            "{REGISTRY}\n[[exercise]]\nname = \"links\"\npart = \"V\"\nchapter = \"e\"\nbook = \"x.md\"\nhint = \"h\"\nuses = [\"pools\"]\nheap = {{ provides = \"gc_links\", type = \"Links\", allocator = \"pools\" }}\n"
        );
        let registry = Registry::parse(&text, Path::new("x.toml")).unwrap();
        let pick = |done: &[&str]| {
            let done = done.iter().map(|s| s.to_string()).collect();
            choose(&registry, &done).map(|(ex, _)| ex.name.clone())
        };
        // Only the allocator passed: it runs alone, as before.
        assert_eq!(pick(&["pools"]).as_deref(), Some("pools"));
        assert_eq!(pick(&["pools", "links"]).as_deref(), Some("links"));
        let ex = registry.get("links").unwrap().clone();
        let heap = LearnerHeap {
            ws: Workspace { root: "/w".into() },
            file: "/w/exercises/e/links.rs".into(),
            done: true,
            part: ex.heap.clone().unwrap(),
            exercise: ex,
            pieces: vec![piece("links", true, 0), piece("pools", true, 0)],
        };
        assert_eq!(
            heap.describe(),
            ["your heap: GC lists from links (exercises/e/links.rs), allocator from pools; storage, collector passes, sizes: the reference heap's"]
        );
    }

    #[test]
    fn an_allocator_runs_in_the_reference_heap_and_says_so() {
        let heap = heap("pools", vec![piece("pools", false, 1)]);
        assert_eq!(
            heap.describe(),
            [
                "your heap: allocator from pools (exercises/d/pools.rs); storage, collector, sizes: the reference heap's",
                "not finished yet: pools (1 todo!() left); what the program prints may differ from CPython until they pass",
            ]
        );
    }
}
