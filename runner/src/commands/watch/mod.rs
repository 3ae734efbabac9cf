//! `memlings` / `memlings watch`: the learner's main loop. Shows the current
//! exercise's check, re-checks when an exercise's content changes, and
//! answers single keys (one letter + Enter when stdin is not a terminal, or
//! under `--manual`): moving forward and back, an interactive list, hints,
//! checking all, resetting. After a pass it waits for `n` unless
//! `--auto-advance` asks it to move on at once.

mod contents;
mod events;
mod list_view;
mod screen;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{channel, Receiver};

use anyhow::Result;
use colored::Colorize;

use crate::check::render;
use crate::progress;
use crate::workbook::{Checked, Workbook};
use contents::Contents;
use events::{Event, Key};
use list_view::{Action, ListView};

/// How the loop behaves, from the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Check on Enter instead of watching files.
    pub manual: bool,
    /// Move on to the next pending exercise as soon as a save makes the
    /// current one pass, instead of waiting for `n`.
    pub auto_advance: bool,
}

pub fn run(book: &mut Workbook, options: Options) -> Result<ExitCode> {
    let (tx, rx) = channel();
    let keys_raw = !options.manual && std::io::stdin().is_terminal();
    // Taken before the watcher starts, so no write can slip in between.
    let contents = Contents::take(&book.ws, &book.registry);
    let _watcher = if options.manual {
        None
    } else {
        Some(events::watch_files(&book.ws.exercises_dir(), tx.clone())?)
    };
    let _raw = if keys_raw {
        Some(events::RawMode::enter()?)
    } else {
        None
    };
    if keys_raw {
        events::read_keys(tx);
    } else {
        events::read_lines(tx);
    }
    let mut ui = Ui {
        book,
        raw: keys_raw,
        options,
        contents,
        last: String::new(),
        deferred: Vec::new(),
    };
    ui.check_current(Why::Start, None)?;
    ui.event_loop(&rx)?;
    Ok(ExitCode::SUCCESS)
}

/// Why the current exercise is being checked: only a save may move the
/// learner on by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    Start,
    Saved,
    /// The learner chose it, or asked for a check.
    Asked,
}

struct Ui<'a> {
    book: &'a mut Workbook,
    raw: bool,
    options: Options,
    contents: Contents,
    /// The current exercise's screen as last shown, footer aside, to show
    /// again when the list closes.
    last: String,
    /// Files written while a question or the list was open.
    deferred: Vec<PathBuf>,
}

impl Ui<'_> {
    fn event_loop(&mut self, rx: &Receiver<Event>) -> Result<()> {
        while let Ok(event) = rx.recv() {
            if !self.handle(event, rx)? {
                break;
            }
        }
        self.print(&format!(
            "\nBye! Your progress is saved; run `{}` to pick up where you left off.\n",
            crate::invocation::learner_command("")
        ));
        Ok(())
    }

    /// Handles one event on the exercise screen; false means quit.
    fn handle(&mut self, event: Event, rx: &Receiver<Event>) -> Result<bool> {
        match event {
            Event::FileWritten(path) => self.file_written(&path)?,
            Event::Key(Key::Char('q') | Key::Interrupt) | Event::InputClosed => return Ok(false),
            Event::Key(Key::Char('h')) => {
                self.print(&format!("\n{}", crate::hint::text(self.book.current())));
                self.footer();
            }
            Event::Key(Key::Char('l')) => return self.list(rx),
            Event::Key(Key::Char('n')) => self.forward()?,
            Event::Key(Key::Char('p')) => self.back()?,
            Event::Key(Key::Char('c')) => self.check_all()?,
            Event::Key(Key::Char('r')) => {
                let current = self.book.progress.current;
                if let Some(message) = self.ask_and_reset(current, rx)? {
                    self.check_current(Why::Asked, Some(message))?;
                } else {
                    self.print("\nNot reset.\n");
                    self.footer();
                }
                for path in std::mem::take(&mut self.deferred) {
                    self.file_written(&path)?;
                }
            }
            Event::Key(Key::Enter) => self.check_current(Why::Asked, None)?,
            Event::Key(_) => self.footer(),
            Event::WatchError(err) => {
                self.print(&format!(
                    "\n{} watching files failed ({err}); restart with `{}` and press Enter to check\n",
                    "warning:".yellow().bold(),
                    crate::invocation::learner_command("watch --manual")
                ));
            }
        }
        Ok(true)
    }

    /// Something wrote a file under exercises/. Only a new content is a
    /// save: then the exercise is checked, and becomes current if it was not.
    fn file_written(&mut self, path: &Path) -> Result<()> {
        let (ws, registry) = (&self.book.ws, &self.book.registry);
        let Some(index) = registry
            .exercises
            .iter()
            .position(|ex| same_file(&ws.exercise_file(ex), path))
        else {
            return Ok(());
        };
        let file = ws.exercise_file(&registry.exercises[index]);
        if !self.contents.changed(index, &file) {
            return Ok(());
        }
        let mut note = None;
        if index != self.book.progress.current {
            // Another exercise's file going away is no save of it.
            if !file.is_file() {
                return Ok(());
            }
            note = Some(format!(
                "Switched to {} because you saved it.",
                registry.exercises[index].name.bold()
            ));
            self.book.progress.current = index;
        }
        self.check_current(Why::Saved, note)
    }

    /// Checks the current exercise and shows the report. A pass waits for
    /// `n`, unless auto-advance is on and a save made it pass.
    fn check_current(&mut self, why: Why, note: Option<String>) -> Result<()> {
        let index = self.book.progress.current;
        let ex = self.book.registry.exercises[index].clone();
        let file = self.book.ws.exercise_file(&ex);
        let mut text = note.map(|n| format!("{n}\n\n")).unwrap_or_default();
        if !file.is_file() {
            self.contents.refresh(index, &file);
            self.book.save()?;
            text.push_str(&format!(
                "{} {} is missing. Press r to restore it.\n",
                "✗".red().bold(),
                ex.exercise_rel()
            ));
            self.show(text);
            return Ok(());
        }
        self.clear();
        self.print(&format!("{text}Checking {}...\n", ex.name.bold()));
        // Remembered before compiling: a save during the check is then
        // still a change, and checked again.
        self.contents.refresh(index, &file);
        let Checked {
            report,
            first_pass: first_time,
        } = self.book.check(index)?;
        let passed = report.verdict.passed();
        if passed && why == Why::Saved && self.options.auto_advance {
            if let Some(next) = self.book.next_pending() {
                self.book.go(next)?;
                let next_ex = self.book.registry.exercises[next].clone();
                let lead = if first_time {
                    "passes. Well done!"
                } else {
                    "still passes."
                };
                return self.check_current(
                    Why::Saved,
                    Some(format!(
                        "{} {} {lead} Next up: {} ({})",
                        "✓".green().bold(),
                        ex.name.bold(),
                        next_ex.name.bold(),
                        next_ex.book.dimmed()
                    )),
                );
            }
        }
        text.push_str(&render::full(&report));
        if passed && self.book.all_done() {
            text.push_str(&format!(
                "\n{} Every exercise in the workbook is done. Press l to see them all.\n",
                "🎉".bold()
            ));
        }
        self.show(text);
        Ok(())
    }

    /// `n`: on to the next pending exercise (or the next one, when all are
    /// done).
    fn forward(&mut self) -> Result<()> {
        match self.book.forward() {
            Some(next) => self.go(next),
            None => {
                let last = self.book.all_done();
                self.print(if last {
                    "\nThis is the last exercise. Press p to go back, or l to choose one.\n"
                } else {
                    "\nNo other exercise is pending; this is the last one left.\n"
                });
                self.footer();
                Ok(())
            }
        }
    }

    /// `p`: back to the exercise before the current one.
    fn back(&mut self) -> Result<()> {
        match self.book.back() {
            Some(previous) => self.go(previous),
            None => {
                self.print("\nThis is the first exercise.\n");
                self.footer();
                Ok(())
            }
        }
    }

    fn go(&mut self, index: usize) -> Result<()> {
        self.book.go(index)?;
        self.check_current(Why::Asked, None)
    }

    /// `c`: checks every exercise and records the results. The learner
    /// stays on the exercise they were on: a check is no reason to move
    /// them, and `n` moves on when they want to.
    fn check_all(&mut self) -> Result<()> {
        self.clear();
        self.print("Checking every exercise...\n");
        // What is compiled now is known content, never a save.
        self.contents = Contents::take(&self.book.ws, &self.book.registry);
        let bar = progress::bar(
            self.book.registry.exercises.len() as u64,
            "checking all exercises",
        );
        let reports = self.book.check_all(|_| bar.inc(1))?;
        bar.finish_and_clear();
        let text: String = reports
            .iter()
            .map(|report| format!("{}\n", render::headline(report)))
            .collect();
        self.show(text);
        Ok(())
    }

    /// The interactive list; false means quit.
    fn list(&mut self, rx: &Receiver<Event>) -> Result<bool> {
        let mut view = ListView::new(self.book.progress.current);
        let mut current_reset = false;
        let mut draw = true;
        loop {
            if std::mem::take(&mut draw) {
                self.draw_list(&view);
            }
            let key = match rx.recv() {
                Ok(Event::Key(key)) => key,
                // Nothing to show for it until the list closes.
                Ok(Event::FileWritten(path)) => {
                    self.deferred.push(path);
                    continue;
                }
                Ok(Event::WatchError(err)) => {
                    view.message = Some(format!("watching files failed: {err}"));
                    draw = true;
                    continue;
                }
                Ok(Event::InputClosed) | Err(_) => return Ok(false),
            };
            draw = true;
            match view.handle(key, &self.book.registry, &self.book.progress) {
                Action::Redraw => {}
                Action::Choose(index) => {
                    self.absorb_deferred();
                    self.go(index)?;
                    return Ok(true);
                }
                Action::Reset(index) => {
                    self.draw_list(&view);
                    view.message = Some(match self.ask_and_reset(index, rx)? {
                        Some(message) => {
                            current_reset |= index == self.book.progress.current;
                            message
                        }
                        None => "Not reset.".to_string(),
                    });
                    view.settle(&self.book.registry, &self.book.progress);
                }
                Action::Back => {
                    let current_changed = self.absorb_deferred();
                    if current_reset || current_changed {
                        self.check_current(Why::Asked, None)?;
                    } else {
                        self.show(self.last.clone());
                    }
                    return Ok(true);
                }
                Action::Quit => return Ok(false),
            }
        }
    }

    fn draw_list(&self, view: &ListView) {
        let rows = if self.raw {
            crossterm::terminal::size().ok().map(|(_, r)| r as usize)
        } else {
            None
        };
        let text = view.render(
            &self.book.registry,
            &self.book.progress,
            screen::width(),
            rows,
            self.raw,
        );
        self.clear();
        self.print(if self.raw { "" } else { "\n" });
        self.print(&text);
    }

    /// Takes in what was written while the list was open without switching
    /// exercises (the learner was choosing one); true if the current
    /// exercise's content changed.
    fn absorb_deferred(&mut self) -> bool {
        let mut current_changed = false;
        for path in std::mem::take(&mut self.deferred) {
            let ws = &self.book.ws;
            let found = self
                .book
                .registry
                .exercises
                .iter()
                .position(|ex| same_file(&ws.exercise_file(ex), &path));
            if let Some(index) = found {
                let file = ws.exercise_file(&self.book.registry.exercises[index]);
                if self.contents.changed(index, &file) && index == self.book.progress.current {
                    current_changed = true;
                }
            }
        }
        current_changed
    }

    /// Asks whether to reset exercise `index`, and does it (with a backup)
    /// if the answer is y. Returns the message to show, or `None` if not.
    fn ask_and_reset(&mut self, index: usize, rx: &Receiver<Event>) -> Result<Option<String>> {
        let ex = self.book.registry.exercises[index].clone();
        self.print(&format!(
            "\nReset {} to its original? Your version will be saved in .memlings-backups/. [y/N] ",
            ex.exercise_rel().bold()
        ));
        let yes = loop {
            match rx.recv() {
                Ok(Event::Key(key)) => break key == Key::Char('y'),
                Ok(Event::FileWritten(path)) => self.deferred.push(path),
                Ok(Event::WatchError(_)) => {}
                Ok(Event::InputClosed) | Err(_) => break false,
            }
        };
        if !yes {
            return Ok(None);
        }
        let message = match self.book.reset(index) {
            Ok(outcome) => outcome.message(&ex.exercise_rel()),
            Err(err) => {
                // Whatever stopped the reset, the learner asked to start
                // this exercise over.
                self.book.progress.record(&ex.name, false);
                self.book.save()?;
                format!("{} {err:#}", "error:".red().bold())
            }
        };
        // The runner's own write is no save by the learner.
        self.contents
            .refresh(index, &self.book.ws.exercise_file(&ex));
        Ok(Some(message))
    }

    /// Clears the screen (in a terminal) and shows `body` above the footer,
    /// cut to fit when it would push the top out of sight.
    fn show(&mut self, body: String) {
        let width = screen::width();
        let footer = self.footer_text(width);
        let mut shown = match width {
            Some(w) => screen::wrap(&body, w),
            None => body.clone(),
        };
        if self.raw {
            if let Ok((_, rows)) = crossterm::terminal::size() {
                let room = (rows as usize)
                    .saturating_sub(footer.lines().count() + 1)
                    .max(8);
                let name = &self.book.current().name;
                shown = screen::fit(&shown, room, |n| {
                    format!(
                        "... {n} more lines: `{}` shows everything",
                        crate::invocation::learner_command(&format!("check {name}"))
                    )
                    .dimmed()
                    .to_string()
                });
            }
        }
        self.last = body;
        self.clear();
        self.print(&shown);
        self.print(&footer);
    }

    fn footer(&self) {
        self.print(&self.footer_text(screen::width()));
    }

    /// Progress, what `n` does once the exercise is done, the exercise and
    /// its book section (a row of its own), and the keys.
    fn footer_text(&self, width: Option<usize>) -> String {
        let registry = &self.book.registry;
        let ex = self.book.current();
        let mut rows = vec![
            String::new(),
            progress::summary(registry, &self.book.progress),
        ];
        if self.book.progress.is_done(&ex.name) {
            rows.push(match self.book.forward() {
                Some(next) => format!(
                    "{} {} is done. Press {} to move on to {}.",
                    "✓".green().bold(),
                    ex.name.bold(),
                    "n".bold(),
                    registry.exercises[next].name.bold()
                ),
                None => format!(
                    "{} {} is done, and so is every exercise.",
                    "✓".green().bold(),
                    ex.name.bold()
                ),
            });
        }
        rows.push(format!("Current exercise: {}", ex.exercise_rel().bold()));
        rows.extend(screen::book_row(&ex.book, width));
        let mut keys = Vec::new();
        if self.options.manual {
            keys.push("(Enter alone) check");
        }
        keys.extend([
            "n next",
            "p previous",
            "l list",
            "h hint",
            "c check all",
            "r reset",
            "q quit",
        ]);
        let lead = if self.raw {
            "keys: "
        } else {
            "type a letter and Enter: "
        };
        rows.extend(
            screen::wrap_items(lead, &keys, " · ", width)
                .into_iter()
                .map(|row| row.dimmed().to_string()),
        );
        let mut text = rows.join("\n");
        text.push('\n');
        text
    }

    fn clear(&self) {
        if self.raw {
            self.print("\x1b[2J\x1b[H");
        }
    }

    /// Wraps to the screen's width; in raw mode also puts back the carriage
    /// returns the terminal no longer adds.
    fn print(&self, text: &str) {
        let text = match screen::width() {
            Some(w) => screen::wrap(text, w),
            None => text.to_string(),
        };
        let mut out = std::io::stdout().lock();
        if self.raw {
            let _ = out.write_all(text.replace('\n', "\r\n").as_bytes());
        } else {
            let _ = out.write_all(text.as_bytes());
        }
        let _ = out.flush();
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}
