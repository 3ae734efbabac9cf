//! Watch mode as a learner drives it: the real binary in a sandbox, real
//! file events, and stdin piped, so it reads one letter + Enter per key.
//! Every test states the progress file it starts from and writes the files
//! it relies on, so it passes whatever state the exercises/ it copies are in.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Sandbox;

/// First checks compile the workspace's dependencies in each sandbox, on a
/// machine busy with other tests: be generous.
const TIMEOUT: Duration = Duration::from_secs(600);

/// The last row of every watch screen.
const END_OF_SCREEN: &str = "q quit";

/// The last row of the list in line mode.
const END_OF_LIST: &str = "q back";

struct Watch {
    child: Child,
    stdin: ChildStdin,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    /// Output from a terminal: escape codes and carriage returns are
    /// dropped before anything is compared.
    tty: bool,
}

fn collect(mut from: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

impl Watch {
    fn start(sb: &Sandbox, args: &[&str], columns: Option<usize>) -> Watch {
        let mut command = Command::new(env!("CARGO_BIN_EXE_memlings"));
        command.arg("watch").args(args);
        match columns {
            Some(columns) => command.env("COLUMNS", columns.to_string()),
            None => command.env_remove("COLUMNS"),
        };
        Watch::spawn(sb, command, false)
    }

    /// `memlings` in a terminal of its own (a pty from util-linux `script`),
    /// reading single keys in raw mode.
    #[cfg(target_os = "linux")]
    fn start_in_terminal(sb: &Sandbox, cols: usize, rows: usize) -> Watch {
        let mut command = Command::new("script");
        command.args([
            "--quiet",
            "--flush",
            "--return",
            "--command",
            &format!(
                "stty cols {cols} rows {rows}; exec '{}'",
                env!("CARGO_BIN_EXE_memlings")
            ),
            "/dev/null",
        ]);
        Watch::spawn(sb, command, true)
    }

    fn spawn(sb: &Sandbox, mut command: Command, tty: bool) -> Watch {
        command
            .current_dir(&sb.root)
            .env_remove("NO_COLOR")
            .env_remove("MEMLINGS_BUILD_DIR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        Watch {
            child,
            stdin,
            stdout,
            stderr,
            tty,
        }
    }

    fn output(&self) -> String {
        let text = self.stdout.lock().unwrap().clone();
        if self.tty {
            strip_terminal_codes(&text)
        } else {
            text
        }
    }

    /// Where the output ends now: later waits look only past it.
    fn mark(&self) -> usize {
        self.output().len()
    }

    fn since(&self, mark: usize) -> String {
        self.output()[mark..].to_string()
    }

    /// Waits until `text` appears past `from`; returns where it ends.
    #[track_caller]
    fn wait_for(&mut self, from: usize, text: &str) -> usize {
        let start = Instant::now();
        loop {
            if let Some(at) = self.output()[from..].find(text) {
                return from + at + text.len();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // It may have printed the text just before ending.
                std::thread::sleep(Duration::from_millis(200));
                if let Some(at) = self.output()[from..].find(text) {
                    return from + at + text.len();
                }
                panic!(
                    "watch ended ({status}) without printing {text:?}\n{}",
                    self.dump()
                );
            }
            if start.elapsed() > TIMEOUT {
                panic!("no {text:?} within {TIMEOUT:?}\n{}", self.dump());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for `first`, then for the end of the screen after it; returns
    /// the screen's text.
    #[track_caller]
    fn wait_screen(&mut self, from: usize, first: &str) -> String {
        let at = self.wait_for(from, first);
        let end = self.wait_for(at, END_OF_SCREEN);
        self.output()[from..end].to_string()
    }

    fn press(&mut self, key: &str) {
        self.send(&format!("{key}\n"));
    }

    /// Bytes as a terminal would send them.
    fn send(&mut self, bytes: &str) {
        self.stdin.write_all(bytes.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn dump(&self) -> String {
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            self.output(),
            self.stderr.lock().unwrap()
        )
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Text as a terminal shows it: no escape sequences, no carriage returns.
fn strip_terminal_codes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_escape = false;
    for c in text.chars() {
        match (in_escape, c) {
            (false, '\u{1b}') => in_escape = true,
            (true, c) if c.is_ascii_alphabetic() => in_escape = false,
            (true, _) | (false, '\r') => {}
            (false, c) => out.push(c),
        }
    }
    out
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `memlings ARGS` run to its end in the sandbox.
fn memlings(sb: &Sandbox, args: &[&str]) -> Ran {
    let out = Command::new(env!("CARGO_BIN_EXE_memlings"))
        .args(args)
        .current_dir(&sb.root)
        .env_remove("MEMLINGS_BUILD_DIR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn registry_field(sb: &Sandbox, name: &str, key: &str) -> String {
    let registry = std::fs::read_to_string(sb.root.join("runner/exercises.toml")).unwrap();
    let entry = registry
        .split("\n[[exercise]]\n")
        .find(|e| e.contains(&format!("name = \"{name}\"")))
        .unwrap_or_else(|| panic!("no exercise {name}"));
    entry
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
        .unwrap()
        .trim_end_matches('"')
        .to_string()
}

fn file_of(sb: &Sandbox, name: &str, tree: &str) -> PathBuf {
    let chapter = registry_field(sb, name, "chapter");
    sb.root.join(tree).join(chapter).join(format!("{name}.rs"))
}

fn exercise_path(sb: &Sandbox, name: &str) -> PathBuf {
    file_of(sb, name, "exercises")
}

/// Puts the reference solution in the learner's place.
fn solve(sb: &Sandbox, name: &str) {
    std::fs::copy(file_of(sb, name, "solutions"), exercise_path(sb, name)).unwrap();
}

/// The exercise under the list's cursor (the row marked `> `).
#[track_caller]
fn selected(list: &str) -> String {
    let row = list
        .lines()
        .rfind(|l| l.starts_with("> "))
        .unwrap_or_else(|| panic!("no selected row in\n{list}"));
    // "> ▶ PART NAME status file" or ">   PART NAME status file"
    row.split_whitespace()
        .filter(|t| *t != ">" && *t != "▶")
        .nth(1)
        .unwrap()
        .to_string()
}

/// The exercises in course order, with their book sections.
fn exercises(sb: &Sandbox) -> Vec<(String, String)> {
    let registry = std::fs::read_to_string(sb.root.join("runner/exercises.toml")).unwrap();
    registry
        .split("\n[[exercise]]\n")
        .skip(1)
        .map(|entry| {
            let field = |key: &str| {
                entry
                    .lines()
                    .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
                    .unwrap_or_else(|| panic!("no {key} in {entry}"))
                    .trim_end_matches('"')
                    .to_string()
            };
            (field("name"), field("book"))
        })
        .collect()
}

fn names(sb: &Sandbox) -> Vec<String> {
    exercises(sb).into_iter().map(|(name, _)| name).collect()
}

fn set_progress(sb: &Sandbox, current: &str, done: &[&str]) {
    let done: Vec<String> = done.iter().map(|n| format!("\"{n}\"")).collect();
    std::fs::write(
        sb.root.join(".memlings-state.toml"),
        format!("current = \"{current}\"\ndone = [{}]\n", done.join(", ")),
    )
    .unwrap();
}

#[track_caller]
fn current_in_progress_file(sb: &Sandbox) -> String {
    let text = std::fs::read_to_string(sb.root.join(".memlings-state.toml")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("current = \""))
        .unwrap_or_else(|| panic!("no current exercise in\n{text}"))
        .trim_end_matches('"')
        .to_string()
}

/// An exercise file that fails to compile, whatever the learner had.
fn break_exercise(path: &Path) {
    std::fs::write(path, "compile_error!(\"left for later\");\nfn main() {}\n").unwrap();
}

fn append(path: &Path, text: &str) {
    let mut content = std::fs::read_to_string(path).unwrap();
    content.push_str(text);
    std::fs::write(path, content).unwrap();
}

/// A real save of the current exercise: once its check is on screen, every
/// file event that came before it has been handled.
#[track_caller]
fn save_current_and_wait(w: &mut Watch, path: &Path, name: &str, round: usize) -> String {
    let mark = w.mark();
    append(path, &format!("\n// saved again ({round})\n"));
    w.wait_screen(mark, &format!("Checking {name}"))
}

#[test]
fn reading_compiling_and_checking_are_never_taken_for_a_save() {
    let sb = Sandbox::new();
    let names = names(&sb);
    let (first, current, other) = (&names[0], &names[1], &names[2]);
    // The first exercise stays pending, so a check-all that moved the
    // learner to the first pending one would move them.
    break_exercise(&exercise_path(&sb, first));
    set_progress(&sb, current, &[]);
    let current_path = exercise_path(&sb, current);
    let other_path = exercise_path(&sb, other);

    let mut w = Watch::start(&sb, &[], None);
    w.wait_screen(0, &format!("Checking {current}"));

    let mut round = 0;
    let mut after = |w: &mut Watch, what: &str, since: usize| {
        round += 1;
        save_current_and_wait(w, &current_path, current, round);
        let text = w.since(since);
        assert!(
            !text.contains("Switched"),
            "{what} was taken for a save:\n{}",
            w.dump()
        );
        assert_eq!(&current_in_progress_file(&sb), current, "after {what}");
    };

    let mark = w.mark();
    for path in [&current_path, &other_path] {
        let ok = Command::new("cat")
            .arg(path)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok);
    }
    after(&mut w, "`cat` of two exercise files", mark);

    let mark = w.mark();
    let check = Command::new(env!("CARGO_BIN_EXE_memlings"))
        .args(["check", other])
        .current_dir(&sb.root)
        .env_remove("MEMLINGS_BUILD_DIR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&check.stdout).contains(other.as_str()),
        "the second memlings did not check {other}"
    );
    after(
        &mut w,
        &format!("`memlings check {other}` in a second process"),
        mark,
    );

    // What rust-analyzer runs after every save: it compiles every exercise.
    let mark = w.mark();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .args([
            "check",
            "-p",
            "memlings-exercises",
            "--offline",
            "--keep-going",
            "--message-format=short",
        ])
        .current_dir(&sb.root)
        .env("CARGO_TARGET_DIR", sb.root.join("target/rust-analyzer"))
        .output()
        .unwrap();
    // The first exercise does not compile, on purpose: proof that cargo
    // got as far as compiling the exercises.
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("left for later"),
        "cargo check did not compile the exercises:\n{said}"
    );
    after(&mut w, "`cargo check -p memlings-exercises`", mark);

    let mark = w.mark();
    w.press("c");
    let screen = w.wait_screen(mark, "Checking every exercise");
    assert!(
        screen.contains(&format!("✗ {first} does not compile")),
        "{screen}"
    );
    assert_eq!(
        &current_in_progress_file(&sb),
        current,
        "`c` moved the learner"
    );
    assert!(screen.contains("Current exercise: exercises/"), "{screen}");
    after(&mut w, "the `c` key's check of every exercise", mark);

    // A real change of another exercise's content is a save.
    let mark = w.mark();
    append(&other_path, "\n// the learner's change\n");
    let screen = w.wait_screen(mark, &format!("Switched to {other} because you saved it."));
    assert!(screen.contains(&format!("Checking {other}")), "{screen}");
    assert_eq!(&current_in_progress_file(&sb), other);
}

#[test]
fn a_pass_waits_for_n_and_p_goes_back() {
    let sb = Sandbox::new();
    let names = names(&sb);
    let (first, second) = (&names[0], &names[1]);
    solve(&sb, first);
    set_progress(&sb, first, &[]);

    let mut w = Watch::start(&sb, &[], None);
    let screen = w.wait_screen(0, &format!("Checking {first}"));
    assert!(screen.contains(&format!("✓ {first} passes")), "{screen}");
    assert!(
        screen.contains(&format!(
            "✓ {first} is done. Press n to move on to {second}."
        )),
        "{screen}"
    );
    assert!(screen.contains("n next · p previous · l list"), "{screen}");
    assert_eq!(&current_in_progress_file(&sb), first, "moved on unasked");

    let mark = w.mark();
    w.press("n");
    w.wait_screen(mark, &format!("Checking {second}"));
    assert_eq!(&current_in_progress_file(&sb), second);

    let mark = w.mark();
    w.press("p");
    let screen = w.wait_screen(mark, &format!("Checking {first}"));
    assert!(screen.contains(&format!("✓ {first} passes")), "{screen}");
    assert_eq!(&current_in_progress_file(&sb), first);

    let mark = w.mark();
    w.press("p");
    let screen = w.wait_screen(mark, "This is the first exercise.");
    assert!(!screen.contains("Checking"), "{screen}");
    assert_eq!(&current_in_progress_file(&sb), first);
}

#[test]
fn auto_advance_moves_on_as_soon_as_a_save_passes() {
    let sb = Sandbox::new();
    let names = names(&sb);
    let (first, second) = (&names[0], &names[1]);
    break_exercise(&exercise_path(&sb, first));
    set_progress(&sb, first, &[]);

    let mut w = Watch::start(&sb, &["--auto-advance"], None);
    w.wait_screen(0, &format!("✗ {first} does not compile"));

    let mark = w.mark();
    solve(&sb, first);
    w.wait_screen(
        mark,
        &format!("✓ {first} passes. Well done! Next up: {second}"),
    );
    assert_eq!(&current_in_progress_file(&sb), second);
}

impl Watch {
    /// Presses `key` in the list and returns the list drawn after it.
    #[track_caller]
    fn list_key(&mut self, key: &str) -> String {
        let mark = self.mark();
        self.press(key);
        let end = self.wait_for(mark, END_OF_LIST);
        self.output()[mark..end].to_string()
    }
}

#[test]
fn the_list_moves_chooses_filters_and_resets() {
    let sb = Sandbox::new();
    let names = names(&sb);
    set_progress(&sb, &names[0], &[&names[1]]);
    // Written before the watcher starts: a write while it runs would be a
    // save, and switch to it.
    let target = &names[3];
    let path = exercise_path(&sb, target);
    let mine = "// the learner's version, kept as a backup\nfn main() {}\n";
    std::fs::write(&path, mine).unwrap();

    let mut w = Watch::start(&sb, &[], None);
    w.wait_screen(0, &format!("Checking {}", names[0]));

    // Down twice, then Enter makes the third one current and checks it.
    let list = w.list_key("l");
    assert!(list.contains("Exercises (all exercises"), "{list}");
    assert!(list.contains("j down · k up"), "{list}");
    assert_eq!(
        selected(&list),
        names[0],
        "the cursor starts on the current one"
    );
    assert_eq!(selected(&w.list_key("j")), names[1]);
    assert_eq!(selected(&w.list_key("j")), names[2]);
    assert_eq!(selected(&w.list_key("k")), names[1]);
    assert_eq!(selected(&w.list_key("j")), names[2]);
    let mark = w.mark();
    w.press("");
    w.wait_screen(mark, &format!("Checking {}", names[2]));
    assert_eq!(current_in_progress_file(&sb), names[2]);

    // Done only: the cursor lands on the one done exercise.
    w.list_key("l");
    let list = w.list_key("d");
    assert!(list.contains("Exercises (done only, 1 of"), "{list}");
    assert_eq!(selected(&list), names[1]);
    assert!(!list.contains(&format!(" {} ", names[0])), "{list}");
    let list = w.list_key("p");
    assert!(list.contains("Exercises (pending only"), "{list}");
    assert!(!list.contains(&format!(" {} ", names[1])), "{list}");
    w.list_key("p");
    let list = w.list_key("d");
    assert_eq!(selected(&list), names[1]);
    let mark = w.mark();
    w.press("");
    w.wait_screen(mark, &format!("Checking {}", names[1]));
    assert_eq!(current_in_progress_file(&sb), names[1]);

    // r resets the one under the cursor, after asking, with a backup; the
    // runner's own write is no save.
    w.list_key("l");
    w.list_key("j");
    assert_eq!(&selected(&w.list_key("j")), target);
    let mark = w.mark();
    w.press("r");
    let at = w.wait_for(mark, "[y/N]");
    w.press("y");
    let at = w.wait_for(at, "Restored");
    w.wait_for(at, END_OF_LIST);
    let now = std::fs::read_to_string(&path).unwrap();
    assert_ne!(now, mine, "not reset");
    let backups: Vec<String> = std::fs::read_dir(sb.root.join(".memlings-backups"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        backups.iter().any(|b| b == mine),
        "no backup of the learner's version"
    );

    let mark = w.mark();
    w.press("q");
    w.wait_for(mark, END_OF_SCREEN);
    save_current_and_wait(&mut w, &exercise_path(&sb, &names[1]), &names[1], 1);
    assert!(!w.since(mark).contains("Switched"), "{}", w.dump());
    assert_eq!(current_in_progress_file(&sb), names[1]);
}

#[test]
fn go_makes_any_exercise_current() {
    let sb = Sandbox::new();
    let names = names(&sb);
    set_progress(&sb, &names[0], &[]);
    let out = memlings(&sb, &["go", &names[2]]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains(&format!("Current exercise: {} (pending)", names[2])),
        "{}",
        out.stdout
    );
    assert_eq!(current_in_progress_file(&sb), names[2]);
    let list = memlings(&sb, &["list"]).stdout;
    let marked = list.lines().find(|l| l.starts_with('▶')).unwrap();
    assert!(marked.contains(&format!(" {} ", names[2])), "{list}");

    let typo = format!("{}x", names[0]);
    let out = memlings(&sb, &["go", &typo]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.trim_end(),
        format!(
            "error: no exercise named `{typo}` (did you mean `{}`?); run `memlings list` to see them all",
            names[0]
        )
    );
    assert_eq!(
        current_in_progress_file(&sb),
        names[2],
        "a typo moved the learner"
    );
}

#[test]
fn at_120_columns_words_stay_whole_and_the_book_link_has_its_own_row() {
    let sb = Sandbox::new();
    let exercises = exercises(&sb);
    let (name, book) = &exercises[0];
    let words: Vec<String> = (0..50).map(|i| format!("word{i:02}")).collect();
    let message = words.join(" ");
    std::fs::write(
        exercise_path(&sb, name),
        format!("compile_error!(\"{message}\");\nfn main() {{}}\n"),
    )
    .unwrap();
    set_progress(&sb, name, &[]);

    let mut w = Watch::start(&sb, &[], Some(120));
    let screen = w.wait_screen(0, &format!("✗ {name} does not compile"));
    for line in screen.lines() {
        assert!(
            line.chars().count() <= 120,
            "wider than 120: {line:?}\n{screen}"
        );
    }
    let tokens: Vec<&str> = screen.split_whitespace().collect();
    let found = tokens.windows(words.len()).any(|window| {
        window
            .iter()
            .zip(&words)
            .all(|(a, b)| a.trim_start_matches('"') == b)
    });
    assert!(found, "the message's words were split:\n{screen}");
    assert!(
        screen
            .lines()
            .any(|l| l == format!("Book: book/src/{book}")),
        "no row of its own for the book link:\n{screen}"
    );
}

#[test]
fn narrow_screens_shorten_the_book_link_rather_than_break_it() {
    let sb = Sandbox::new();
    let exercises = exercises(&sb);
    let (name, book) = &exercises[0];
    break_exercise(&exercise_path(&sb, name));
    set_progress(&sb, name, &[]);
    let page = format!("book/src/{}", book.split('#').next().unwrap());
    let width = page.len() + 1;

    let mut w = Watch::start(&sb, &["--manual"], Some(width));
    let screen = w.wait_screen(0, &format!("✗ {name} does not compile"));
    assert!(screen.lines().any(|l| l == page), "{screen}");
    assert!(
        screen.lines().all(|l| l.chars().count() <= width),
        "{screen}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn in_a_terminal_arrow_keys_move_the_list_and_enter_chooses() {
    let sb = Sandbox::new();
    let names = names(&sb);
    set_progress(&sb, &names[0], &[]);

    let mut w = Watch::start_in_terminal(&sb, 100, 40);
    w.wait_screen(0, &format!("Checking {}", names[0]));
    let screen_end = w.wait_for(0, "keys: n next · p previous");
    assert!(
        w.output()[..screen_end].contains("Book: book/src/"),
        "{}",
        w.dump()
    );

    let list_end = "q/Esc back";
    let mark = w.mark();
    w.send("l");
    let end = w.wait_for(mark, list_end);
    assert_eq!(selected(&w.output()[mark..end]), names[0]);
    let mark = w.mark();
    w.send("\x1b[B");
    let end = w.wait_for(mark, list_end);
    assert_eq!(
        selected(&w.output()[mark..end]),
        names[1],
        "Down moves the cursor"
    );
    let mark = w.mark();
    w.send("\x1b[B");
    w.wait_for(mark, list_end);
    let mark = w.mark();
    w.send("\x1b[A");
    let end = w.wait_for(mark, list_end);
    assert_eq!(
        selected(&w.output()[mark..end]),
        names[1],
        "Up moves it back"
    );
    let mark = w.mark();
    w.send("\r");
    w.wait_screen(mark, &format!("Checking {}", names[1]));
    assert_eq!(current_in_progress_file(&sb), names[1]);

    // Esc leaves the list without choosing.
    let mark = w.mark();
    w.send("l");
    let at = w.wait_for(mark, list_end);
    w.send("\x1b[B");
    let at = w.wait_for(at, list_end);
    w.send("\x1b");
    w.wait_for(at, "q quit");
    assert_eq!(current_in_progress_file(&sb), names[1]);

    let mark = w.mark();
    w.send("q");
    w.wait_for(mark, "Bye!");
}

#[test]
fn r_asks_first_then_resets_the_current_exercise_with_a_backup() {
    let sb = Sandbox::new();
    let names = names(&sb);
    let name = &names[0];
    let path = exercise_path(&sb, name);
    let mine = "// the learner's version\nfn main() {}\n";
    std::fs::write(&path, mine).unwrap();
    set_progress(&sb, name, &[]);

    let mut w = Watch::start(&sb, &[], None);
    w.wait_screen(0, &format!("Checking {name}"));

    let mark = w.mark();
    w.press("r");
    w.wait_for(mark, "[y/N]");
    w.press("n");
    w.wait_screen(mark, "Not reset.");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), mine);

    let mark = w.mark();
    w.press("r");
    w.wait_for(mark, "[y/N]");
    w.press("y");
    let screen = w.wait_screen(mark, &format!("Checking {name}"));
    assert!(screen.contains("Restored"), "{screen}");
    assert_ne!(std::fs::read_to_string(&path).unwrap(), mine);
    let backup = std::fs::read_dir(sb.root.join(".memlings-backups"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .any(|b| b == mine);
    assert!(backup, "no backup of the learner's version");

    // The runner's own write is not checked again as if it were a save.
    let mark = w.mark();
    save_current_and_wait(&mut w, &path, name, 1);
    let checks = w.since(mark).matches(&format!("Checking {name}")).count();
    assert_eq!(checks, 1, "{}", w.dump());
}

#[test]
fn under_manual_enter_checks_and_the_footer_says_so() {
    let sb = Sandbox::new();
    let names = names(&sb);
    let name = &names[0];
    let path = exercise_path(&sb, name);
    break_exercise(&path);
    set_progress(&sb, name, &[]);

    let mut w = Watch::start(&sb, &["--manual"], None);
    let screen = w.wait_screen(0, &format!("✗ {name} does not compile"));
    assert!(screen.contains("(Enter alone) check · n next"), "{screen}");
    solve(&sb, name);
    let mark = w.mark();
    w.press("");
    let screen = w.wait_screen(mark, &format!("Checking {name}"));
    assert!(screen.contains(&format!("✓ {name} passes")), "{screen}");
}
