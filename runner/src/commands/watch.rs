//! `memlings` / `memlings watch`: the learner's main loop. Shows the current
//! exercise's check, re-checks on every save, moves on when it passes, and
//! answers single keys (one letter + Enter when stdin is not a terminal, or
//! under `--manual`).

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::Duration;

use anyhow::{Context, Result};
use colored::Colorize;
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode, DebounceEventResult};

use super::{check, hint, reset, Session};
use crate::check::render;
use crate::progress;
use crate::state::State;

enum Event {
    Saved(PathBuf),
    Key(char),
    /// Stdin closed: nothing more can be asked of us.
    InputClosed,
    WatchError(String),
}

pub fn run(session: &Session, manual: bool) -> Result<ExitCode> {
    let (tx, rx) = channel();
    let keys_raw = !manual && std::io::stdin().is_terminal();
    let _watcher = if manual {
        None
    } else {
        Some(watch_files(&session.ws.exercises_dir(), tx.clone())?)
    };
    let _raw = if keys_raw {
        Some(RawMode::enter()?)
    } else {
        None
    };
    if keys_raw {
        read_keys(tx);
    } else {
        read_lines(tx);
    }
    let mut ui = Ui {
        session,
        state: session.load_state(),
        raw: keys_raw,
        manual,
        checked: HashMap::new(),
    };
    ui.check_current(None)?;
    ui.event_loop(&rx)?;
    Ok(ExitCode::SUCCESS)
}

struct Ui<'a> {
    session: &'a Session,
    state: State,
    raw: bool,
    manual: bool,
    /// The content each exercise had when it was last checked. Editors and
    /// `cp` often report one save as several events, and `reset` writes
    /// files itself: a file whose content has not changed since its last
    /// check is not checked again, so no message is wiped for nothing.
    checked: HashMap<usize, u64>,
}

impl Ui<'_> {
    fn event_loop(&mut self, rx: &Receiver<Event>) -> Result<()> {
        while let Ok(event) = rx.recv() {
            match event {
                Event::Saved(path) => self.saved(&path)?,
                Event::Key('q') | Event::InputClosed => break,
                Event::Key('h') => {
                    let ex = &self.session.registry.exercises[self.state.current];
                    self.print(&format!("\n{}", hint::text(ex)));
                    self.footer();
                }
                Event::Key('l') => {
                    self.print(&format!("\n{}", progress::table(self.session, &self.state)));
                    self.footer();
                }
                Event::Key('n') => match self.state.next_pending(&self.session.registry) {
                    Some(next) if next != self.state.current => {
                        self.state.current = next;
                        self.state.save(&self.session.registry)?;
                        self.check_current(None)?;
                    }
                    _ => {
                        self.print("\nNo other exercise is pending.\n");
                        self.footer();
                    }
                },
                Event::Key('c') => self.check_all()?,
                Event::Key('r') => self.reset(rx)?,
                Event::Key('\n') => self.check_current(None)?,
                Event::Key(_) => self.footer(),
                Event::WatchError(err) => {
                    self.print(&format!(
                        "\n{} watching files failed ({err}); restart with `memlings watch --manual` and press Enter to check\n",
                        "warning:".yellow().bold()
                    ));
                }
            }
        }
        self.print(
            "\nBye! Your progress is saved; run `memlings` to pick up where you left off.\n",
        );
        Ok(())
    }

    /// A saved exercise file: re-check it, switching to it if the learner
    /// is working on another exercise than the current one.
    fn saved(&mut self, path: &Path) -> Result<()> {
        let ws = &self.session.ws;
        let Some(index) = self
            .session
            .registry
            .exercises
            .iter()
            .position(|ex| same_file(&ws.exercise_file(ex), path))
        else {
            return Ok(());
        };
        if self.checked.get(&index) == Some(&content_hash(path)) {
            return Ok(());
        }
        let note = (index != self.state.current).then(|| {
            format!(
                "Switched to {} because you saved it.",
                self.session.registry.exercises[index].name.bold()
            )
        });
        self.state.current = index;
        self.check_current(note)
    }

    /// Checks the current exercise; when it passes, says so and moves to the
    /// next pending one, which is then shown too.
    fn check_current(&mut self, note: Option<String>) -> Result<()> {
        let registry = &self.session.registry;
        let ex = &registry.exercises[self.state.current];
        self.clear();
        if let Some(note) = &note {
            self.print(&format!("{note}\n\n"));
        }
        if !self.session.ws.exercise_file(ex).is_file() {
            self.print(&format!(
                "{} {} is missing. Press r to restore it.\n",
                "✗".red().bold(),
                ex.exercise_rel()
            ));
            self.footer();
            return Ok(());
        }
        self.print(&format!("Checking {}...\n", ex.name.bold()));
        let hash = content_hash(&self.session.ws.exercise_file(ex));
        let report = self.session.learner_checker().check(ex)?;
        self.checked.insert(self.state.current, hash);
        let passed = report.verdict.passed();
        let first_time = self.state.record(&ex.name, passed);
        self.clear();
        if passed {
            self.print(&self.fit(&render::full(&report), ex));
            match self.state.next_pending(registry) {
                Some(next) => {
                    self.state.current = next;
                    self.state.save(registry)?;
                    let next_ex = &registry.exercises[next];
                    let lead = if first_time {
                        "passes. Well done!"
                    } else {
                        "still passes."
                    };
                    return self.check_current(Some(format!(
                        "{} {} {lead} Next up: {} ({})",
                        "✓".green().bold(),
                        ex.name.bold(),
                        next_ex.name.bold(),
                        next_ex.book.dimmed()
                    )));
                }
                None => {
                    self.state.save(registry)?;
                    self.print(&format!(
                        "\n{} Every exercise in the workbook is done. `memlings list` shows them all.\n",
                        "🎉".bold()
                    ));
                }
            }
        } else {
            self.state.save(registry)?;
            let mut text = note.map(|n| format!("{n}\n\n")).unwrap_or_default();
            text.push_str(&render::full(&report));
            self.print(&self.fit(&text, ex));
        }
        self.footer();
        Ok(())
    }

    fn check_all(&mut self) -> Result<()> {
        self.clear();
        let reports =
            check::every_exercise(self.session, &mut self.state, "checking all exercises")?;
        let text: String = reports
            .iter()
            .map(|report| format!("{}\n", render::headline(report)))
            .collect();
        self.print(&text);
        self.footer();
        Ok(())
    }

    fn reset(&mut self, rx: &Receiver<Event>) -> Result<()> {
        let ex = &self.session.registry.exercises[self.state.current];
        self.print(&format!(
            "\nReset {} to its original? Your version will be saved in .memlings-backups/. [y/N] ",
            ex.exercise_rel().bold()
        ));
        // Saves that arrive while the question is open are not an answer.
        let answer = loop {
            match rx.recv() {
                Ok(Event::Key(c)) => break c,
                Ok(Event::InputClosed) | Err(_) => break 'n',
                Ok(_) => continue,
            }
        };
        if answer != 'y' {
            self.print("\nNot reset.\n");
            self.footer();
            return Ok(());
        }
        let message = match reset::reset(self.session, ex) {
            Ok(message) => message,
            Err(err) => format!("{} {err:#}", "error:".red().bold()),
        };
        self.state.record(&ex.name, false);
        self.check_current(Some(message))
    }

    fn footer(&self) {
        self.print(&self.footer_text());
    }

    fn footer_text(&self) -> String {
        let registry = &self.session.registry;
        let ex = &registry.exercises[self.state.current];
        let keys = if self.raw {
            "keys: h hint · l list · n next · c check all · r reset · q quit"
        } else if self.manual {
            "type a letter and Enter: (Enter alone) check · h hint · l list · n next · c check all · r reset · q quit"
        } else {
            "type a letter and Enter: h hint · l list · n next · c check all · r reset · q quit"
        };
        format!(
            "\n{}\nCurrent exercise: {}  (book: {})\n{}\n",
            progress::summary(registry, &self.state),
            ex.exercise_rel().bold(),
            ex.book,
            keys.dimmed()
        )
    }

    /// Cuts a report to what fits above the footer, so the verdict and the
    /// note at the top never scroll out of sight.
    fn fit(&self, text: &str, ex: &crate::registry::Exercise) -> String {
        let (cols, rows) = match crossterm::terminal::size() {
            Ok((cols, rows)) if self.raw => (cols.max(20) as usize, rows as usize),
            _ => return text.to_string(),
        };
        // Long lines wrap, so budget in screen rows, not lines.
        let screen_rows = |line: &str| visible_width(line).div_ceil(cols).max(1);
        let footer_rows: usize = self.footer_text().lines().map(screen_rows).sum();
        let room = rows.saturating_sub(footer_rows + 1).max(8);
        let mut used = 0;
        let mut kept = Vec::new();
        let lines: Vec<&str> = text.lines().collect();
        for line in &lines {
            let need = screen_rows(line);
            if used + need > room - 1 {
                break;
            }
            used += need;
            kept.push(*line);
        }
        if kept.len() == lines.len() {
            return text.to_string();
        }
        let mut out = kept.join("\n");
        out.push_str(&format!(
            "\n{}\n",
            format!(
                "... {} more lines: `memlings check {}` shows everything",
                lines.len() - kept.len(),
                ex.name
            )
            .dimmed()
        ));
        out
    }

    fn clear(&self) {
        if self.raw {
            self.print("\x1b[2J\x1b[H");
        }
    }

    /// Raw mode turns off the terminal's newline translation; put it back.
    fn print(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        if self.raw {
            let _ = out.write_all(text.replace('\n', "\r\n").as_bytes());
        } else {
            let _ = out.write_all(text.as_bytes());
        }
        let _ = out.flush();
    }
}

fn content_hash(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::read(path).ok().hash(&mut h);
    h.finish()
}

/// Columns a line takes on screen: escape sequences take none.
fn visible_width(line: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in line.chars() {
        match (in_escape, c) {
            (false, '\u{1b}') => in_escape = true,
            (true, c) if c.is_ascii_alphabetic() => in_escape = false,
            (true, _) => {}
            (false, _) => width += 1,
        }
    }
    width
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

fn watch_files(
    dir: &Path,
    tx: Sender<Event>,
) -> Result<notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>> {
    let mut debouncer = new_debouncer(
        Duration::from_millis(200),
        move |result: DebounceEventResult| match result {
            Ok(events) => {
                for event in events {
                    if event.path.extension().is_some_and(|e| e == "rs") {
                        let _ = tx.send(Event::Saved(event.path));
                    }
                }
            }
            Err(err) => {
                let _ = tx.send(Event::WatchError(err.to_string()));
            }
        },
    )
    .context("cannot watch files here; run `memlings watch --manual` instead")?;
    debouncer
        .watcher()
        .watch(dir, RecursiveMode::Recursive)
        .with_context(|| {
            format!(
                "cannot watch {}; run `memlings watch --manual` instead",
                dir.display()
            )
        })?;
    Ok(debouncer)
}

fn read_keys(tx: Sender<Event>) {
    std::thread::spawn(move || loop {
        let key = match event::read() {
            Ok(TermEvent::Key(key)) if key.kind == KeyEventKind::Press => key,
            Ok(_) => continue,
            Err(_) => {
                let _ = tx.send(Event::InputClosed);
                return;
            }
        };
        let c = match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => 'q',
            KeyCode::Char(c) => c.to_ascii_lowercase(),
            KeyCode::Enter => '\n',
            KeyCode::Esc => 'n',
            _ => continue,
        };
        if tx.send(Event::Key(c)).is_err() {
            return;
        }
    });
}

fn read_lines(tx: Sender<Event>) {
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
                    let c = line
                        .trim()
                        .chars()
                        .next()
                        .map_or('\n', |c| c.to_ascii_lowercase());
                    if tx.send(Event::Key(c)).is_err() {
                        return;
                    }
                }
            }
        }
    });
}

/// Single-key input for as long as it lives; the terminal is restored when
/// it drops, also on an error path.
struct RawMode;

impl RawMode {
    fn enter() -> Result<RawMode> {
        crossterm::terminal::enable_raw_mode()
            .context("cannot read single keys from this terminal; try `memlings watch --manual`")?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}
