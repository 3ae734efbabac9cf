//! The real `memlings` binary, run on a temporary copy of the workspace, as a
//! learner would meet it: each test asserts the exit code and what the user
//! reads.

mod common;

use common::Sandbox;

#[test]
fn a_solved_exercise_passes_and_counts_as_done() {
    let sb = Sandbox::new();
    sb.solve("units");
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(0);
    out.assert_stdout_has("✓ units passes (3 cases)");
    out.assert_stdout_has("1/");
    sb.memlings(&["list"]).assert_stdout_has("done");
}

#[test]
fn a_wrong_answer_shows_a_diff_of_expected_against_actual() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| {
        src.replace("Unit::KB => 1000,", "Unit::KB => 1024,")
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has("✗ units: 2 of 3 cases do not match the expected output");
    out.assert_stdout_has("  - 1 kB = 1000 bytes");
    out.assert_stdout_has("  + 1 kB = 1024 bytes");
    out.assert_stdout_has("memlings hint units");
}

#[test]
fn the_untouched_exercise_lists_its_todos() {
    let sb = Sandbox::new();
    let out = sb.memlings(&["check"]);
    out.assert_code(1);
    out.assert_stdout_has("`todo!()` still waiting in exercises/01_bits_and_bytes/units.rs line");
}

#[test]
fn a_compile_error_shows_the_compilers_message_at_the_learners_file() {
    let sb = Sandbox::new();
    sb.edit("units", |src| {
        src.replace(
            "pub fn bits_to_bytes(bits: u64) -> u64 {",
            "pub fn bits_to_bytes(bits: u64) -> u64 { let x: u8 = \"no\";",
        )
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has("✗ units does not compile");
    out.assert_stdout_has("error[E0308]: mismatched types");
    out.assert_stdout_has("exercises/01_bits_and_bytes/units.rs:");
}

#[test]
fn a_loop_that_never_ends_is_stopped_by_the_time_limit() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| {
        src.replace("bits.div_ceil(8)", "loop { std::hint::spin_loop(); }")
    });
    let out = sb.memlings(&["check", "units", "--time-limit", "2"]);
    out.assert_code(1);
    out.assert_stdout_has("✗ units did not finish within 2 s; is there a loop that never ends?");
    // The case that finished before the loop is not reported as lost.
    out.assert_stdout_has("case `bits_to_bytes` did not report");
}

#[test]
fn printing_without_end_is_stopped_by_the_output_cap() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| {
        src.replace("bits.div_ceil(8)", "loop { println!(\"spam\"); }")
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has(
        "✗ units printed more than 1 MiB; is there a print in a loop that never ends?",
    );
}

#[test]
fn exiting_early_with_success_does_not_pass() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| {
        src.replace("bits.div_ceil(8)", "std::process::exit(0)")
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has("stopped before the check finished");
}

#[test]
fn printing_an_imitation_of_a_result_does_not_pass() {
    let sb = Sandbox::new();
    let forged: String = std::fs::read_dir(sb.root.join("runner/snapshots/units"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    sb.edit("units", |src| {
        src.replace(
            "todo!(\"return 1 for Byte",
            &format!("{{ println!({forged:?}); println!(\"\\n✓ units passes\"); std::process::exit(0) }}; todo!(\""),
        )
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has("stopped before the check finished");
}

#[test]
fn a_missing_exercise_file_says_how_to_restore_it() {
    let sb = Sandbox::new();
    std::fs::remove_file(sb.exercise_path("units")).unwrap();
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(2);
    out.assert_stderr_line("error: the exercise file exercises/01_bits_and_bytes/units.rs is missing; run `memlings reset units` to restore it");
    sb.memlings(&["reset", "units"]).assert_code(0);
    assert!(sb.exercise_path("units").is_file());
}

#[test]
fn an_unknown_name_is_one_line_with_a_suggestion() {
    let sb = Sandbox::new();
    let out = sb.memlings(&["check", "unit"]);
    out.assert_code(2);
    out.assert_stderr_line("error: no exercise named `unit` (did you mean `units`?); run `memlings list` to see them all");
    sb.memlings(&["hint", "nope"]).assert_code(2);
    sb.memlings(&["reset", "nope"]).assert_code(2);
}

#[test]
fn a_corrupt_state_file_is_set_aside_and_rebuilt() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.root.join(".memlings-state.toml"),
        "current = [[[ not toml",
    )
    .unwrap();
    let out = sb.memlings(&["list"]);
    out.assert_code(0);
    out.assert_stderr_has("warning: the progress file .memlings-state.toml was unreadable");
    assert!(sb.root.join(".memlings-state.toml.corrupt").is_file());
    out.assert_stdout_has("0/");
    // The next run works from the rebuilt file without complaint.
    sb.memlings(&["check"]);
    let again = sb.memlings(&["list"]);
    assert!(!again.stderr.contains("warning"), "{}", again.stderr);
}

#[test]
fn reset_restores_the_original_and_keeps_the_learners_version() {
    let sb = Sandbox::new();
    let original = std::fs::read_to_string(sb.exercise_path("units")).unwrap();
    sb.edit("units", |src| format!("{src}\n// my work in progress\n"));
    let out = sb.memlings(&["reset", "units"]);
    out.assert_code(0);
    out.assert_stdout_has("Your version is saved as .memlings-backups/units-1.rs");
    assert_eq!(
        std::fs::read_to_string(sb.exercise_path("units")).unwrap(),
        original
    );
    let backup = std::fs::read_to_string(sb.root.join(".memlings-backups/units-1.rs")).unwrap();
    assert!(backup.ends_with("// my work in progress\n"));
    // A second reset with nothing changed touches nothing.
    sb.memlings(&["reset", "units"])
        .assert_stdout_has("already in its original state");
    assert!(!sb.root.join(".memlings-backups/units-2.rs").exists());
}

#[test]
fn a_malformed_registry_names_the_line() {
    let sb = Sandbox::new();
    let path = sb.root.join("runner/exercises.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("name = \"units\"", "name = \"units", 1),
    )
    .unwrap();
    let out = sb.memlings(&["list"]);
    out.assert_code(2);
    let line = text.lines().position(|l| l == "name = \"units\"").unwrap() + 1;
    out.assert_stderr_has(&format!(
        "error: {}:{line}: the exercise registry is malformed",
        path.display()
    ));
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
}

#[test]
fn a_registry_naming_a_missing_file_is_one_line() {
    let sb = Sandbox::new();
    let path = sb.root.join("runner/exercises.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n[[exercise]]\nname = \"ghost\"\npart = \"I\"\nchapter = \"01_bits_and_bytes\"\nbook = \"introduction.md\"\nhint = \"boo\"\n");
    std::fs::write(&path, text).unwrap();
    let out = sb.memlings(&["check", "ghost"]);
    out.assert_code(2);
    out.assert_stderr_line("error: the exercise file exercises/01_bits_and_bytes/ghost.rs is missing; run `memlings reset ghost` to restore it");
}

#[test]
fn a_broken_exercise_never_changes_another_exercises_result() {
    let sb = Sandbox::new();
    sb.solve("units");
    let other = sb.second_exercise();
    std::fs::write(sb.exercise_path(&other), "this is not rust").unwrap();
    let out = sb.memlings(&["check", "--all"]);
    out.assert_code(1);
    out.assert_stdout_has("✓ units passes");
    out.assert_stdout_has(&format!("✗ {other} does not compile"));
}

#[test]
fn no_color_is_honored_and_pipes_get_plain_text() {
    let sb = Sandbox::new();
    let out = sb.memlings(&["list", "--color", "always"]);
    assert!(out.stdout.contains('\u{1b}'));
    let plain = sb.memlings(&["list"]);
    assert!(!plain.stdout.contains('\u{1b}'), "a pipe is not a terminal");
}

#[test]
fn running_out_of_memory_is_a_clear_crash() {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.edit("units", |src| {
        src.replace("bits.div_ceil(8)", "vec![1u8; 1 << 36].len() as u64")
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has("✗ units crashed: it ran out of memory (the limit is 2048 MiB)");
}
