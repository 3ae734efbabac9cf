//! `memlings verify --mutants`, run on a temporary copy of the workspace:
//! the score it reports, and that a mutant the check misses fails the run
//! and is named with its reason.

mod common;

use common::Sandbox;

const CATALOGUE: &str = "runner/checks/01_bits_and_bytes/units.mutants.toml";

#[test]
fn mutants_report_a_score_and_a_survivor_fails_the_run() {
    let sb = Sandbox::new();
    let catalogue = sb.root.join(CATALOGUE);
    let shipped = std::fs::read_to_string(&catalogue).unwrap();
    let count = shipped.matches("[[mutant]]").count();
    assert!(count >= 10, "units ships with {count} mutants");

    let out = sb.memlings(&["verify", "--mutants", "--only", "units"]);
    out.assert_code(0);
    out.assert_stdout_has(&format!("  units  {count:>3}/{count:<3} 100%\n"));
    out.assert_stdout_has("✓ every mutant was caught");

    // `main` is not run by the check, so a change there survives: the
    // fixture stands for a mistake the check cannot see.
    std::fs::write(
        &catalogue,
        format!(
            "{shipped}\n[[mutant]]\nreason = \"greets differently\"\n\
             replace = \"1 GiB = {{}} MB\"\nwith = \"1 GiB is {{}} MB\"\n"
        ),
    )
    .unwrap();
    let out = sb.memlings(&["verify", "--mutants", "--only", "units"]);
    out.assert_code(1);
    let total = count + 1;
    out.assert_stdout_has(&format!("  units  {count:>3}/{total:<3}"));
    out.assert_stdout_has(&format!("survived #{total}: greets differently\n"));
    out.assert_stdout_has("✗ 1 mutant(s) survived, 0 catalogue error(s)");
}

#[test]
fn a_mutant_that_does_not_compile_is_a_catalogue_error_not_a_catch() {
    let sb = Sandbox::new();
    let catalogue = sb.root.join(CATALOGUE);
    let shipped = std::fs::read_to_string(&catalogue).unwrap();
    std::fs::write(
        &catalogue,
        format!(
            "{shipped}\n[[mutant]]\nreason = \"not Rust\"\n\
             replace = \"bits.div_ceil(8)\"\nwith = \"bits.div_ceil(\\\"8\\\")\"\n\
             \n[[mutant]]\nreason = \"not there\"\nreplace = \"no such text\"\nwith = \"x\"\n"
        ),
    )
    .unwrap();
    let out = sb.memlings(&["verify", "--mutants", "--only", "units"]);
    out.assert_code(1);
    let count = shipped.matches("[[mutant]]").count();
    out.assert_stdout_has(&format!(
        "  - {CATALOGUE}, mutant {}: does not compile, and realistic mistakes compile; fix its `with` (error[E0308]: mismatched types)\n",
        count + 1
    ));
    out.assert_stdout_has(&format!(
        "  - {CATALOGUE}, mutant {}: its `replace` text is not in solutions/01_bits_and_bytes/units.rs; copy it exactly from there (spaces and line breaks count)\n",
        count + 2
    ));
    out.assert_stdout_has("✗ 0 mutant(s) survived, 2 catalogue error(s)");
}
