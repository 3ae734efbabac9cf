//! The interactive exercise list of watch mode (`l`): a cursor that moves
//! over the exercises, a done/pending filter, and the keys that choose or
//! reset the exercise under the cursor. Pure state and rendering; the watch
//! loop does what an [`Action`] asks.

use colored::Colorize;

use super::events::Key;
use super::screen;
use crate::registry::Registry;
use crate::state::State;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Done,
    Pending,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// Draw the list again.
    Redraw,
    /// Make this exercise current and check it.
    Choose(usize),
    /// Ask, then reset this exercise.
    Reset(usize),
    Back,
    Quit,
}

pub struct ListView {
    pub filter: Filter,
    /// Registry index under the cursor; `None` when the filter shows nothing.
    pub selected: Option<usize>,
    /// A line shown under the list (what the last action did).
    pub message: Option<String>,
    /// Where the cursor was last, to come back to when a filter that
    /// showed nothing is lifted.
    anchor: usize,
}

impl ListView {
    pub fn new(current: usize) -> ListView {
        ListView {
            filter: Filter::All,
            selected: Some(current),
            message: None,
            anchor: current,
        }
    }

    fn shown(&self, registry: &Registry, state: &State) -> Vec<usize> {
        (0..registry.exercises.len())
            .filter(|&i| {
                let done = state.is_done(&registry.exercises[i].name);
                match self.filter {
                    Filter::All => true,
                    Filter::Done => done,
                    Filter::Pending => !done,
                }
            })
            .collect()
    }

    /// Keeps the cursor on a shown exercise: the same one if still shown,
    /// else the nearest after it, else the last.
    pub fn settle(&mut self, registry: &Registry, state: &State) {
        let shown = self.shown(registry, state);
        let s = self.selected.unwrap_or(self.anchor);
        self.selected = if shown.contains(&s) {
            Some(s)
        } else {
            shown
                .iter()
                .copied()
                .find(|&i| i > s)
                .or(shown.last().copied())
        };
        if let Some(s) = self.selected {
            self.anchor = s;
        }
    }

    pub fn handle(&mut self, key: Key, registry: &Registry, state: &State) -> Action {
        self.message = None;
        let shown = self.shown(registry, state);
        let at = self
            .selected
            .and_then(|s| shown.iter().position(|&i| i == s));
        let mut move_to = |pos: usize| {
            if let Some(&i) = shown.get(pos) {
                self.selected = Some(i);
                self.anchor = i;
            }
        };
        match key {
            Key::Down | Key::Char('j') => move_to(at.map_or(0, |a| a + 1)),
            Key::Up | Key::Char('k') => move_to(at.map_or(0, |a| a.saturating_sub(1))),
            Key::Home => move_to(0),
            Key::End => move_to(shown.len().saturating_sub(1)),
            Key::Enter => {
                return match self.selected {
                    Some(i) => Action::Choose(i),
                    None => Action::Redraw,
                }
            }
            Key::Char('r') => {
                return match self.selected {
                    Some(i) => Action::Reset(i),
                    None => Action::Redraw,
                }
            }
            Key::Char('d') => self.toggle(Filter::Done, registry, state),
            Key::Char('p') => self.toggle(Filter::Pending, registry, state),
            Key::Char('q') | Key::Esc => return Action::Back,
            Key::Interrupt => return Action::Quit,
            Key::Char(_) => {}
        }
        Action::Redraw
    }

    fn toggle(&mut self, filter: Filter, registry: &Registry, state: &State) {
        self.filter = if self.filter == filter {
            Filter::All
        } else {
            filter
        };
        self.settle(registry, state);
    }

    /// The list in at most `rows` rows (all of it when `None`), scrolled to
    /// keep the cursor in sight. `raw` says whether arrows work.
    pub fn render(
        &self,
        registry: &Registry,
        state: &State,
        width: Option<usize>,
        rows: Option<usize>,
        raw: bool,
    ) -> String {
        let shown = self.shown(registry, state);
        let filter = match self.filter {
            Filter::All => "all exercises",
            Filter::Done => "done only",
            Filter::Pending => "pending only",
        };
        let mut out = format!(
            "{} ({filter}, {} of {})\n\n",
            "Exercises".bold(),
            shown.len(),
            registry.exercises.len()
        );
        let name_width = registry
            .exercises
            .iter()
            .map(|ex| ex.name.len())
            .max()
            .unwrap_or(4);
        let keys: &[&str] = if raw {
            &[
                "↑/↓ or j/k move",
                "Enter make current",
                "r reset",
                "d done only",
                "p pending only",
                "q/Esc back",
            ]
        } else {
            &[
                "j down",
                "k up",
                "(Enter alone) make current",
                "r reset",
                "d done only",
                "p pending only",
                "q back",
            ]
        };
        let lead = if raw { "" } else { "type a letter and Enter: " };
        let mut tail = String::new();
        if let Some(message) = &self.message {
            tail.push_str(&format!("\n{message}\n"));
        }
        tail.push('\n');
        for row in screen::wrap_items(lead, keys, " · ", width) {
            tail.push_str(&format!("{}\n", row.dimmed()));
        }
        // The header, a blank row, the tail: the rest is for exercises.
        let room = rows.map(|r| r.saturating_sub(2 + tail.lines().count()).max(3));
        let (first, last) = window(&shown, self.selected, room);
        if shown.is_empty() {
            out.push_str(&format!(
                "  {}\n",
                match self.filter {
                    Filter::Done => "No exercise is done yet.",
                    _ => "Every exercise is done.",
                }
            ));
        }
        for &i in &shown[first..last] {
            let ex = &registry.exercises[i];
            let current = if i == state.current { "▶" } else { " " };
            let status = if state.is_done(&ex.name) {
                format!("{:<8}", "done").green()
            } else {
                format!("{:<8}", "pending").yellow()
            };
            let mut row = format!(
                "{current} {:<4} {:<name_width$}  {status}",
                ex.part, ex.name
            );
            let file = format!(" {}", ex.exercise_rel());
            if width.is_none_or(|w| screen::visible_width(&row) + file.len() <= w) {
                row.push_str(&file.dimmed().to_string());
            }
            if Some(i) == self.selected {
                // Marked in plain text too, for pipes and NO_COLOR.
                out.push_str(&format!("{}\n", format!("> {row}").reversed()));
            } else {
                out.push_str(&format!("  {row}\n"));
            }
        }
        if last < shown.len() || first > 0 {
            out.push_str(&format!(
                "  {}\n",
                format!("({}-{} of {})", first + 1, last, shown.len()).dimmed()
            ));
        }
        out.push_str(&tail);
        out
    }
}

/// The slice of `shown` to draw: all of it if it fits, else `room` entries
/// around the selection.
fn window(shown: &[usize], selected: Option<usize>, room: Option<usize>) -> (usize, usize) {
    let Some(room) = room.filter(|&r| r < shown.len()) else {
        return (0, shown.len());
    };
    let at = selected
        .and_then(|s| shown.iter().position(|&i| i == s))
        .unwrap_or(0);
    let first = at.saturating_sub(room / 2).min(shown.len() - room);
    (first, first + room)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        let mut text = String::new();
        for name in ["alpha", "beta", "gamma", "delta"] {
            text.push_str(&format!(
                "[[exercise]]\nname = \"{name}\"\npart = \"I\"\nchapter = \"c\"\nbook = \"b.md\"\nhint = \"h\"\n"
            ));
        }
        Registry::parse(&text, std::path::Path::new("exercises.toml")).unwrap()
    }

    fn state(done: &[&str]) -> State {
        let mut state = State::empty(std::path::PathBuf::from("unused"));
        for name in done {
            state.record(name, true);
        }
        state
    }

    #[test]
    fn arrows_and_j_k_move_within_the_list() {
        let (registry, state) = (registry(), state(&[]));
        let mut view = ListView::new(0);
        assert_eq!(view.handle(Key::Down, &registry, &state), Action::Redraw);
        assert_eq!(view.selected, Some(1));
        view.handle(Key::Char('j'), &registry, &state);
        view.handle(Key::Char('j'), &registry, &state);
        view.handle(Key::Char('j'), &registry, &state);
        assert_eq!(view.selected, Some(3), "stops at the end");
        view.handle(Key::Up, &registry, &state);
        view.handle(Key::Char('k'), &registry, &state);
        assert_eq!(view.selected, Some(1));
        view.handle(Key::Home, &registry, &state);
        assert_eq!(view.selected, Some(0));
        view.handle(Key::Char('k'), &registry, &state);
        assert_eq!(view.selected, Some(0), "stops at the start");
        view.handle(Key::End, &registry, &state);
        assert_eq!(view.selected, Some(3));
    }

    #[test]
    fn enter_chooses_and_r_resets_the_selected_one() {
        let (registry, state) = (registry(), state(&[]));
        let mut view = ListView::new(2);
        assert_eq!(
            view.handle(Key::Enter, &registry, &state),
            Action::Choose(2)
        );
        assert_eq!(
            view.handle(Key::Char('r'), &registry, &state),
            Action::Reset(2)
        );
        assert_eq!(view.handle(Key::Esc, &registry, &state), Action::Back);
        assert_eq!(view.handle(Key::Char('q'), &registry, &state), Action::Back);
        assert_eq!(view.handle(Key::Interrupt, &registry, &state), Action::Quit);
    }

    #[test]
    fn filters_show_done_or_pending_and_move_the_cursor_onto_them() {
        let (registry, state) = (registry(), state(&["beta", "delta"]));
        let mut view = ListView::new(0);
        view.handle(Key::Char('d'), &registry, &state);
        assert_eq!(view.filter, Filter::Done);
        assert_eq!(view.selected, Some(1), "alpha is hidden; beta is next");
        view.handle(Key::Down, &registry, &state);
        assert_eq!(view.selected, Some(3), "gamma is skipped");
        let text = view.render(&registry, &state, None, None, true);
        assert!(text.contains("beta") && text.contains("delta"), "{text}");
        assert!(!text.contains("alpha") && !text.contains("gamma"), "{text}");
        view.handle(Key::Char('p'), &registry, &state);
        assert_eq!(view.filter, Filter::Pending);
        assert_eq!(view.selected, Some(2));
        view.handle(Key::Char('p'), &registry, &state);
        assert_eq!(view.filter, Filter::All, "the same key again shows all");
    }

    #[test]
    fn an_empty_filter_says_so_and_enter_does_nothing() {
        let (registry, state) = (registry(), state(&[]));
        let mut view = ListView::new(0);
        view.handle(Key::Char('d'), &registry, &state);
        assert_eq!(view.selected, None);
        assert_eq!(view.handle(Key::Enter, &registry, &state), Action::Redraw);
        let text = view.render(&registry, &state, None, None, false);
        assert!(text.contains("No exercise is done yet."), "{text}");
        view.handle(Key::Char('d'), &registry, &state);
        assert_eq!(view.selected, Some(0), "back where it was");
    }

    #[test]
    fn lifting_an_empty_filter_puts_the_cursor_back() {
        let (registry, state) = (registry(), state(&[]));
        let mut view = ListView::new(0);
        view.handle(Key::Down, &registry, &state);
        view.handle(Key::Down, &registry, &state);
        view.handle(Key::Char('d'), &registry, &state);
        view.handle(Key::Char('d'), &registry, &state);
        assert_eq!(view.selected, Some(2));
    }

    #[test]
    fn the_selected_and_the_current_exercise_are_marked() {
        let (registry, mut state) = (registry(), state(&[]));
        state.current = 1;
        let mut view = ListView::new(1);
        view.handle(Key::Down, &registry, &state);
        let text = view.render(&registry, &state, None, None, false);
        assert!(text.contains("\n  ▶ I    beta"), "{text}");
        assert!(text.contains(">   I    gamma"), "{text}");
        assert!(text.contains("(Enter alone) make current"), "{text}");
        view.handle(Key::Up, &registry, &state);
        let text = view.render(&registry, &state, None, None, true);
        assert!(text.contains("> ▶ I    beta"), "{text}");
        assert!(text.contains("↑/↓ or j/k move"), "{text}");
    }

    #[test]
    fn a_long_list_scrolls_to_keep_the_cursor_in_sight() {
        let shown: Vec<usize> = (0..20).collect();
        assert_eq!(window(&shown, Some(0), Some(5)), (0, 5));
        assert_eq!(window(&shown, Some(10), Some(5)), (8, 13));
        assert_eq!(window(&shown, Some(19), Some(5)), (15, 20));
        assert_eq!(window(&shown, Some(3), None), (0, 20));
    }
}
