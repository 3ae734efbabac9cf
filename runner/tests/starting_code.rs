//! The starting code kept in `runner/pristine/`, through the real binary:
//! `reset` restores it without git (as in a ZIP download), `verify` ties it
//! to `exercises/` in the authors' tree, and every test's Sandbox starts from
//! it, whatever the learner has done to the exercises of the tree the tests
//! run in.

mod common;

use std::path::Path;

use common::Sandbox;

/// A `PATH` that holds no programs at all, so no `git` can be found.
fn path_without_git(sb: &Sandbox) -> String {
    let empty = sb.root.join("no-programs");
    std::fs::create_dir_all(&empty).unwrap();
    empty.display().to_string()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn reset_needs_no_git_for_an_edited_or_a_deleted_exercise() {
    let sb = Sandbox::new();
    assert!(
        !sb.root.join(".git").exists(),
        "like a ZIP download, the sandbox has no git history"
    );
    let path = path_without_git(&sb);
    let no_git = [("PATH", path.as_str())];

    let original = read(&sb.pristine_path("units"));
    sb.edit("units", |src| src.replace("todo!(", "unimplemented!("));
    let out = sb.memlings_with_env(&["reset", "units"], &no_git);
    out.assert_code(0);
    out.assert_stdout_has(
        "Restored exercises/01_bits_and_bytes/units.rs to its original. Your version is saved as .memlings-backups/units-1.rs",
    );
    assert_eq!(read(&sb.exercise_path("units")), original);
    assert!(read(&sb.root.join(".memlings-backups/units-1.rs")).contains("unimplemented!("));

    let other = sb.second_exercise();
    std::fs::remove_file(sb.exercise_path(&other)).unwrap();
    let out = sb.memlings_with_env(&["reset", &other], &no_git);
    out.assert_code(0);
    out.assert_stdout_has("which was missing.");
    assert_eq!(
        read(&sb.exercise_path(&other)),
        read(&sb.pristine_path(&other))
    );
}

#[test]
fn reset_without_its_starting_code_says_how_to_get_it_back() {
    let sb = Sandbox::new();
    std::fs::remove_file(sb.pristine_path("units")).unwrap();
    sb.edit("units", |src| format!("{src}\n// mine\n"));
    let out = sb.memlings(&["reset", "units"]);
    out.assert_code(2);
    out.assert_stderr_line("error: cannot read the starting code of `units` (runner/pristine/01_bits_and_bytes/units.rs): it is missing; restore the folder runner/pristine/ from the memlings repository");
    assert!(
        read(&sb.exercise_path("units")).ends_with("// mine\n"),
        "the learner's work is untouched"
    );
}

#[test]
fn a_sandbox_starts_from_the_starting_code_whatever_the_learner_did() {
    // A learner's tree: one exercise solved, one half done, one that does
    // not compile, one deleted, a file of their own, progress, backups and
    // build products.
    let learner = Sandbox::new();
    let names = learner.exercise_names();
    learner.solve(&names[0]);
    learner.edit(&names[1], |src| src.replacen("todo!(", "0; todo!(", 1));
    std::fs::write(learner.exercise_path(&names[2]), "this is not rust").unwrap();
    std::fs::remove_file(learner.exercise_path(&names[3])).unwrap();
    std::fs::write(learner.root.join("exercises/scratch.rs"), "fn main() {}").unwrap();
    std::fs::write(
        learner.root.join(".memlings-state.toml"),
        format!("current = \"{}\"\ndone = [\"{}\"]\n", names[2], names[0]),
    )
    .unwrap();
    for junk in [".memlings-backups/units-1.rs", "target/memlings/junk"] {
        let path = learner.root.join(junk);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "junk").unwrap();
    }

    let sb = Sandbox::copy_of(&learner.root);
    for name in &names {
        assert_eq!(
            read(&sb.exercise_path(name)),
            read(&learner.pristine_path(name)),
            "{name} is its starting code"
        );
    }
    for left_behind in [
        "exercises/scratch.rs",
        ".memlings-state.toml",
        ".memlings-backups",
        "target",
        ".git",
    ] {
        assert!(
            !sb.root.join(left_behind).exists(),
            "{left_behind} was copied"
        );
    }
    let out = sb.memlings(&["list"]);
    out.assert_code(0);
    out.assert_stdout_has(&format!("0/{}", names.len()));
}

#[test]
fn verify_names_a_starter_changed_but_not_recorded_and_update_pristine_records_it() {
    let sb = Sandbox::new();
    sb.edit("units", |src| format!("{src}// a clearer comment\n"));
    let line = read(&sb.exercise_path("units")).lines().count();

    let out = sb.memlings(&["verify"]);
    out.assert_code(1);
    out.assert_stdout_has("✗ 1 problem(s) in ");
    out.assert_stdout_has(&format!(
        "  - exercises/01_bits_and_bytes/units.rs: differs from its recorded starting code runner/pristine/01_bits_and_bytes/units.rs (first at line {line}), which `reset` restores and the tests start from; changed it on purpose? run `memlings verify --update-pristine`"
    ));

    let out = sb.memlings(&["verify", "--update-pristine"]);
    out.assert_code(0);
    out.assert_stdout_has("Recorded runner/pristine/01_bits_and_bytes/units.rs\n");
    out.assert_stdout_has("exercises verified");
    assert_eq!(
        read(&sb.pristine_path("units")),
        read(&sb.exercise_path("units"))
    );
    sb.memlings(&["reset", "units"])
        .assert_stdout_has("already in its original state");
    sb.memlings(&["verify", "--update-pristine"])
        .assert_stdout_has("The starting code in runner/pristine/ already matches exercises/.");
}

/// In a learner's clone, recording would make their work the code `reset`
/// restores: a solved exercise is never recorded as a starter.
#[test]
fn update_pristine_refuses_to_record_a_solved_exercise() {
    let sb = Sandbox::new();
    let kept = read(&sb.pristine_path("units"));
    sb.solve("units");
    let out = sb.memlings(&["verify", "--update-pristine"]);
    out.assert_code(2);
    out.assert_stderr_has("error: nothing recorded: a starting file must compile and fail its check, but exercises/01_bits_and_bytes/units.rs (✓ units passes");
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert_eq!(read(&sb.pristine_path("units")), kept);
}

/// Adding an exercise to the registry needs no hand edit of the manifests:
/// `verify` names what is missing, `verify --update-pristine` writes the
/// `[[bin]]` lists and keeps the rest of each manifest.
#[test]
fn update_pristine_writes_the_manifests_bin_lists_from_the_registry() {
    let sb = Sandbox::new();
    let exercises = sb.root.join("exercises/Cargo.toml");
    let solutions = sb.root.join("solutions/Cargo.toml");
    let units = "[[bin]]\nname = \"units\"\npath = \"01_bits_and_bytes/units.rs\"\n";
    let text = read(&exercises);
    assert!(text.contains(units), "{text}");
    std::fs::write(&exercises, text.replace(units, "")).unwrap();
    let text = read(&solutions);
    std::fs::write(
        &solutions,
        format!("{text}\n[[bin]]\nname = \"stray\"\npath = \"99_none/stray.rs\"\n"),
    )
    .unwrap();

    let out = sb.memlings(&["verify"]);
    out.assert_code(1);
    out.assert_stdout_has("  - exercises/Cargo.toml: add [[bin]] name = \"units\" path = \"01_bits_and_bytes/units.rs\" (or run `memlings verify --update-pristine`, which writes the list from the registry)\n");
    out.assert_stdout_has("  - solutions/Cargo.toml: bin `stray` is not in the registry\n");

    let out = sb.memlings(&["verify", "--update-pristine"]);
    out.assert_code(0);
    out.assert_stdout_has("Wrote the [[bin]] list of exercises/Cargo.toml from the registry\n");
    out.assert_stdout_has("Wrote the [[bin]] list of solutions/Cargo.toml from the registry\n");
    out.assert_stdout_has("exercises verified");
    let text = read(&exercises);
    assert!(text.contains(units), "{text}");
    // The rest of the manifest is kept.
    assert!(
        text.contains("[lints.rust]\ndead_code = \"allow\""),
        "{text}"
    );
    assert!(
        text.contains("[dependencies]\nmemlings-python = "),
        "{text}"
    );
    assert!(!read(&solutions).contains("stray"));
    for name in sb.exercise_names() {
        assert!(
            text.contains(&format!("name = \"{name}\"\n")),
            "{name}: {text}"
        );
    }

    let out = sb.memlings(&["verify", "--update-pristine"]);
    out.assert_code(0);
    assert!(!out.stdout.contains("Wrote the [[bin]]"), "{}", out.stdout);
}
