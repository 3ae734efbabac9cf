//! What the watch loop reacts to, gathered on one channel: writes to files
//! under `exercises/` (reads and opens are filtered out here, and the loop
//! compares contents too), and keys, read either as single key presses from
//! a terminal or as one letter + Enter per line from anything else.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

pub enum Event {
    /// Something may have written this file; only a changed content makes
    /// it a save.
    FileWritten(PathBuf),
    Key(Key),
    /// Stdin closed: nothing more can be asked of us.
    InputClosed,
    WatchError(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    Up,
    Down,
    Home,
    End,
    Esc,
    /// Ctrl-C in a raw terminal: quit from wherever the learner is.
    Interrupt,
}

/// Editors save in bursts (truncate, write, rename): the burst is reported
/// once it has been quiet this long, so the file is read whole.
const QUIET: Duration = Duration::from_millis(100);

/// Whether an event kind can mean new content. Opening, reading and closing
/// a file unwritten (`cat`, a compiler, a check of another exercise) cannot;
/// neither can a change of permissions or times.
pub fn may_change_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) | EventKind::Create(_) | EventKind::Remove(_) => true,
        // A backend that cannot tell: let the content comparison decide.
        EventKind::Any | EventKind::Other => true,
    }
}

/// Watches `dir` for writes to `.rs` files, for as long as the returned
/// watcher lives.
pub fn watch_files(dir: &Path, tx: Sender<Event>) -> Result<RecommendedWatcher> {
    let (raw_tx, raw_rx) = channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(raw_tx).with_context(|| {
        format!(
            "cannot watch files here; run `{}` instead",
            crate::invocation::learner_command("watch --manual")
        )
    })?;
    watcher
        .watch(dir, RecursiveMode::Recursive)
        .with_context(|| {
            format!(
                "cannot watch {}; run `{}` instead",
                dir.display(),
                crate::invocation::learner_command("watch --manual")
            )
        })?;
    std::thread::spawn(move || debounce(&raw_rx, &tx));
    Ok(watcher)
}

/// Forwards each written path once per burst, in the order first seen.
fn debounce(raw: &Receiver<notify::Result<notify::Event>>, tx: &Sender<Event>) {
    let mut burst: Vec<PathBuf> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    loop {
        let next = if burst.is_empty() {
            raw.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            raw.recv_timeout(QUIET)
        };
        match next {
            Ok(Ok(event)) => {
                if !may_change_content(&event.kind) {
                    continue;
                }
                for path in event.paths {
                    if path.extension().is_some_and(|e| e == "rs") && seen.insert(path.clone()) {
                        burst.push(path);
                    }
                }
            }
            Ok(Err(err)) => {
                if tx.send(Event::WatchError(err.to_string())).is_err() {
                    return;
                }
            }
            Err(quiet_or_closed) => {
                seen.clear();
                for path in burst.drain(..) {
                    if tx.send(Event::FileWritten(path)).is_err() {
                        return;
                    }
                }
                if quiet_or_closed == RecvTimeoutError::Disconnected {
                    return;
                }
            }
        }
    }
}

/// Single key presses from a terminal in raw mode.
pub fn read_keys(tx: Sender<Event>) {
    std::thread::spawn(move || loop {
        let key = match event::read() {
            Ok(TermEvent::Key(key)) if key.kind == KeyEventKind::Press => key,
            Ok(_) => continue,
            Err(_) => {
                let _ = tx.send(Event::InputClosed);
                return;
            }
        };
        let key = match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Key::Interrupt,
            KeyCode::Char(c) => Key::Char(c.to_ascii_lowercase()),
            KeyCode::Enter => Key::Enter,
            KeyCode::Up => Key::Up,
            KeyCode::Down => Key::Down,
            KeyCode::Home => Key::Home,
            KeyCode::End => Key::End,
            KeyCode::Esc => Key::Esc,
            _ => continue,
        };
        if tx.send(Event::Key(key)).is_err() {
            return;
        }
    });
}

/// One key per line, for a pipe or `--manual`: the line's first letter, or
/// Enter for an empty line.
pub fn read_lines(tx: Sender<Event>) {
    std::thread::spawn(move || {
        let mut line = String::new();
        loop {
            line.clear();
            match std::io::stdin().read_line(&mut line) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(Event::InputClosed);
                    return;
                }
                Ok(_) => {
                    if tx.send(Event::Key(line_key(&line))).is_err() {
                        return;
                    }
                }
            }
        }
    });
}

fn line_key(line: &str) -> Key {
    line.trim()
        .chars()
        .next()
        .map_or(Key::Enter, |c| Key::Char(c.to_ascii_lowercase()))
}

/// Single-key input for as long as it lives; the terminal is restored when
/// it drops, also on an error path.
pub struct RawMode;

impl RawMode {
    pub fn enter() -> Result<RawMode> {
        crossterm::terminal::enable_raw_mode().with_context(|| {
            format!(
                "cannot read single keys from this terminal; try `{}`",
                crate::invocation::learner_command("watch --manual")
            )
        })?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, MetadataKind, RemoveKind, RenameMode};

    #[test]
    fn reading_a_file_is_not_a_write() {
        for kind in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
        ] {
            assert!(!may_change_content(&kind), "{kind:?}");
        }
    }

    #[test]
    fn writing_renaming_creating_and_removing_may_change_content() {
        for kind in [
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Create(CreateKind::File),
            EventKind::Remove(RemoveKind::File),
            EventKind::Any,
        ] {
            assert!(may_change_content(&kind), "{kind:?}");
        }
    }

    #[test]
    fn a_burst_of_writes_is_one_event_per_file_and_reads_are_dropped() {
        let (raw_tx, raw_rx) = channel();
        let (tx, rx) = channel();
        let event = |kind: EventKind, path: &str| {
            Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
        };
        let open = EventKind::Access(AccessKind::Open(AccessMode::Any));
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        raw_tx.send(event(open, "/w/read.rs")).unwrap();
        raw_tx.send(event(write, "/w/a.rs")).unwrap();
        raw_tx.send(event(write, "/w/notes.txt")).unwrap();
        raw_tx.send(event(write, "/w/b.rs")).unwrap();
        raw_tx.send(event(write, "/w/a.rs")).unwrap();
        drop(raw_tx);
        // Ends when the raw channel closes, after the last burst is out.
        let worker = std::thread::spawn(move || debounce(&raw_rx, &tx));
        let got: Vec<PathBuf> = rx
            .iter()
            .map(|e| match e {
                Event::FileWritten(path) => path,
                _ => panic!("only writes are reported"),
            })
            .collect();
        worker.join().unwrap();
        assert_eq!(got, [PathBuf::from("/w/a.rs"), PathBuf::from("/w/b.rs")]);
    }

    #[test]
    fn a_line_is_its_first_letter_and_an_empty_line_is_enter() {
        assert_eq!(line_key("N\n"), Key::Char('n'));
        assert_eq!(line_key("  list\n"), Key::Char('l'));
        assert_eq!(line_key("\n"), Key::Enter);
    }
}
