//! Produces and checks the accepted snapshots: every solution runs through
//! the same harness a learner's code does, and each case's rendering must
//! match `runner/snapshots/<exercise>/<case>.snap`.
//!
//! After changing a check or a solution on purpose:
//!     cargo insta test -p memlings --test snapshots --review
//! or, without cargo-insta, `INSTA_UPDATE=always cargo test -p memlings
//! --test snapshots` and read the changed files. `MEMLINGS_ONLY=a,b` limits
//! the run to some exercises while others are being written.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use memlings::check::compile::{Compiled, Package, SourceTree};
use memlings::check::protocol::CaseResult;
use memlings::check::sandbox::Limits;
use memlings::registry::Registry;
use memlings::workspace::Workspace;

#[test]
fn solutions_render_their_accepted_snapshots() {
    let ws = Workspace::discover(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let registry = Registry::load(&ws.registry()).unwrap();
    let only: Option<Vec<String>> = std::env::var("MEMLINGS_ONLY")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let exercises: Vec<_> = registry
        .exercises
        .iter()
        .filter(|ex| only.as_ref().is_none_or(|o| o.contains(&ex.name)))
        .collect();
    let package = Package::prepare(&ws, &SourceTree::solutions(&ws), &registry.exercises).unwrap();
    let names: Vec<&str> = exercises.iter().map(|e| e.name.as_str()).collect();
    let built = package.build(&names, false).unwrap();

    // Every exercise is checked even when an earlier one fails, so one
    // broken solution does not hide the state of the rest.
    let mut failed = Vec::new();
    for ex in exercises {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let binary = match &built[&ex.name] {
                Compiled::Binary(path) => path,
                Compiled::Errors(text) => panic!("the solution does not compile:\n{text}"),
            };
            for (case, result) in memlings::check::run_cases(binary, Limits::default()).unwrap() {
                let text = match result {
                    CaseResult::Rendered(text) => {
                        text.replace(&format!("{}/", ws.root.display()), "")
                    }
                    CaseResult::Panicked(msg) => panic!("case `{case}` panicked: {msg}"),
                };
                insta::with_settings!({
                    snapshot_path => ws.snapshot_dir(ex),
                    prepend_module_to_snapshot => false,
                    omit_expression => true,
                }, {
                    insta::assert_snapshot!(case, text);
                });
            }
        }));
        if outcome.is_err() {
            failed.push(ex.name.clone());
        }
    }
    assert!(
        failed.is_empty(),
        "snapshots differ or solutions fail for: {}",
        failed.join(", ")
    );
}
