//! What `memlings check` shows of a learner's run: both output streams,
//! labelled and capped, every changed line, every `todo!()` left in the
//! file, and a hint command that works where the learner is.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::Sandbox;

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn println_eprintln_and_dbg_are_all_shown_each_under_its_label() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| {
        src.replace(
            "bits.div_ceil(8)",
            "{ println!(\"to stdout {bits}\"); eprintln!(\"to stderr {bits}\"); dbg!(bits.div_ceil(8)) }",
        )
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(0);
    out.assert_stdout_has("Your code printed (stdout):\n  to stdout 0\n  to stdout 1\n");
    out.assert_stdout_has("Your code printed (stderr):\n  to stderr 0\n");
    // dbg! names the file as the learner knows it, not by absolute path.
    out.assert_stdout_has("  [exercises/01_bits_and_bytes/units.rs:");
    out.assert_stdout_has("] bits.div_ceil(8) = 0\n");
    let stdout_at = out.stdout.find("(stdout):").unwrap();
    let stderr_at = out.stdout.find("(stderr):").unwrap();
    assert!(stdout_at < stderr_at, "stdout first:\n{}", out.stdout);
}

#[test]
fn a_long_stream_is_cut_with_a_note_of_how_many_lines_are_left() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| {
        src.replace(
            "bits.div_ceil(8)",
            "{ if bits == 0 { for i in 0..1234 { eprintln!(\"line {i}\"); } } bits.div_ceil(8) }",
        )
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(0);
    out.assert_stdout_has("  line 999\n  ... 234 more lines\n");
    assert!(!out.stdout.contains("line 1000"), "{}", out.stdout);
}

#[test]
fn check_shows_every_changed_line_of_a_long_diff() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| {
        src.replace(
            "(amount as u128 * from.bytes() as u128) as f64 / to.bytes() as f64",
            "amount as f64 * 0.0",
        )
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    let changed = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("  - ") || l.starts_with("  + "))
        .count();
    assert!(
        changed > 24,
        "a diff long enough to be cut:\n{}",
        out.stdout
    );
    assert!(!out.stdout.contains("more changed line"), "{}", out.stdout);
    // The last row of the conversions case is there, expected and actual.
    out.assert_stdout_has("  + 3 GiB = 0.0 GB\n");
}

#[test]
fn every_todo_left_in_the_file_is_listed_not_only_the_ones_the_check_reached() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| {
        src.replace("bits.div_ceil(8)", "todo!()").replace(
            "fn main() {",
            "/// Not called by the check; a `todo!()` in a doc comment is no call.\n\
             #[allow(dead_code)]\nfn later() -> u8 {\n    // todo!() in a comment\n    todo!(\"someday\")\n}\n\nfn main() {",
        )
    });
    let text = std::fs::read_to_string(sb.exercise_path("units")).unwrap();
    let reached = line_of(&text, "    todo!()");
    let unreached = line_of(&text, "todo!(\"someday\")");
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has(&format!(
        "`todo!()` still waiting in exercises/01_bits_and_bytes/units.rs lines {reached}, {unreached}\n"
    ));
}

#[test]
fn a_todo_is_placed_by_where_it_panicked_not_by_what_its_message_says() {
    let sb = Sandbox::new();
    sb.solve("units");
    // A message that looks like a place: only the panic's own fields count.
    sb.edit("units", |src| {
        src.replace("bits.div_ceil(8)", "todo!(\"(at fake.rs:99)\")")
    });
    let text = std::fs::read_to_string(sb.exercise_path("units")).unwrap();
    let line = line_of(&text, "todo!(\"(at fake.rs:99)\")");
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has(&format!(
        "`todo!()` still waiting in exercises/01_bits_and_bytes/units.rs line {line}\n"
    ));
    out.assert_stdout_has(&format!("todo!() at line {line}"));
    assert!(!out.stdout.contains("fake.rs line"), "{}", out.stdout);
    assert!(!out.stdout.contains("line 99"), "{}", out.stdout);
}

#[test]
fn the_hint_command_is_memlings_when_installed() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| src.replace("bits.div_ceil(8)", "bits / 8"));
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has("Stuck? memlings hint units\n");
}

/// Runs `exe check units` in the sandbox, started through `launcher` (a
/// shell) if given, with colors off.
fn check_units(sb: &Sandbox, exe: &Path, launcher: Option<&Path>) -> String {
    let mut cmd = match launcher {
        Some(shell) => {
            let mut cmd = Command::new(shell);
            // Not the last command, so the shell forks instead of exec'ing:
            // the runner's parent is then the shell.
            cmd.arg("-c").arg("\"$0\" check units; exit $?").arg(exe);
            cmd
        }
        None => {
            let mut cmd = Command::new(exe);
            cmd.args(["check", "units"]);
            cmd
        }
    };
    let out = cmd
        .current_dir(&sb.root)
        .env("NO_COLOR", "1")
        .env_remove("MEMLINGS_BUILD_DIR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn under_the_workspace_target_folder_the_hint_command_is_cargo_run() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| src.replace("bits.div_ceil(8)", "bits / 8"));
    // Where `cargo run` and `cargo build` put the runner.
    let exe = sb.root.join("target/debug/memlings");
    std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_memlings"), &exe).unwrap();
    let stdout = check_units(&sb, &exe, None);
    assert!(
        stdout.contains("Stuck? cargo run -- hint units\n"),
        "{stdout}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn started_by_cargo_the_hint_command_is_cargo_run() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| src.replace("bits.div_ceil(8)", "bits / 8"));
    // A shell named `cargo` stands in for cargo: the runner sees its
    // parent's name, and the binary stays outside the sandbox's target/.
    let dir = tempfile::tempdir().unwrap();
    let cargo = dir.path().join("cargo");
    std::fs::copy("/bin/sh", &cargo).unwrap();
    let stdout = check_units(&sb, Path::new(env!("CARGO_BIN_EXE_memlings")), Some(&cargo));
    assert!(
        stdout.contains("Stuck? cargo run -- hint units\n"),
        "{stdout}"
    );
}

/// Shortcuts that pass on small numbers; the check's big rows catch each.
#[test]
fn units_fails_every_shortcut_that_only_works_on_small_numbers() {
    const PRODUCT: &str = "(amount as u128 * from.bytes() as u128) as f64 / to.bytes() as f64";
    let shortcuts: [(&str, &str, &str); 6] = [
        (
            "u64 product",
            PRODUCT,
            "(amount * from.bytes()) as f64 / to.bytes() as f64",
        ),
        (
            "saturating u64 product",
            PRODUCT,
            "amount.saturating_mul(from.bytes()) as f64 / to.bytes() as f64",
        ),
        (
            "all in f64",
            PRODUCT,
            "amount as f64 * from.bytes() as f64 / to.bytes() as f64",
        ),
        (
            "ratio first",
            PRODUCT,
            "amount as f64 * (from.bytes() as f64 / to.bytes() as f64)",
        ),
        ("(bits + 7) / 8", "bits.div_ceil(8)", "(bits + 7) / 8"),
        (
            "through f64",
            "bits.div_ceil(8)",
            "(bits as f64 / 8.0).ceil() as u64",
        ),
    ];
    let sb = Sandbox::new();
    for (what, from, to) in shortcuts {
        sb.solve("units");
        sb.edit("units", |src| src.replace(from, to));
        let out = sb.memlings(&["check", "units"]);
        assert_eq!(out.code, 1, "{what} passed:\n{}", out.stdout);
        assert!(
            out.stdout.contains("do not match") || out.stdout.contains("does not match"),
            "{what}:\n{}",
            out.stdout
        );
    }
}

/// The one-line errors name commands too: under cargo they must be ones
/// that work there.
#[test]
fn started_by_cargo_errors_and_notes_name_cargo_run() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let cargo = dir.path().join("cargo");
    std::fs::copy("/bin/sh", &cargo).unwrap();
    std::fs::remove_file(sb.exercise_path("units")).unwrap();
    let run = |args: &str| {
        let out = Command::new(&cargo)
            .arg("-c")
            .arg(format!("\"$0\" {args}; exit $?"))
            .arg(env!("CARGO_BIN_EXE_memlings"))
            .current_dir(&sb.root)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout)
    };
    let went = run("go bump");
    assert!(went.contains("Run `cargo run` to work on it."), "{went}");
    let unknown = run("hint unit");
    assert!(
        unknown.contains("run `cargo run -- list` to see them all"),
        "{unknown}"
    );
    let missing = run("check units");
    assert!(
        missing.contains("run `cargo run -- reset units` to restore it"),
        "{missing}"
    );
}
