//! Produces and checks the accepted snapshots: every solution runs through
//! the same harness a learner's code does, and each case's rendering must
//! match `runner/snapshots/<exercise>/<case>.snap`.
//!
//! After changing a check or a solution on purpose:
//!     cargo insta test -p memlings --test snapshots --review

use std::path::Path;

use memlings::check::compile::SourceTree;
use memlings::check::protocol::CaseResult;
use memlings::check::sandbox::Limits;
use memlings::check::{compile::Compiled, compile::Package};
use memlings::registry::Registry;
use memlings::workspace::Workspace;

#[test]
fn solutions_render_their_accepted_snapshots() {
    let ws = Workspace::discover(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let registry = Registry::load(&ws.registry()).unwrap();
    let tree = SourceTree::solutions(&ws);
    let package = Package::prepare(&ws, &tree, &registry.exercises).unwrap();
    let names: Vec<&str> = registry.exercises.iter().map(|e| e.name.as_str()).collect();
    let built = package.build(&names, false).unwrap();

    for ex in &registry.exercises {
        let binary = match &built[&ex.name] {
            Compiled::Binary(path) => path,
            Compiled::Errors(text) => {
                panic!("the solution of `{}` does not compile:\n{text}", ex.name)
            }
        };
        for (case, result) in memlings::check::run_cases(binary, Limits::default()).unwrap() {
            let text = match result {
                CaseResult::Rendered(text) => text.replace(&format!("{}/", ws.root.display()), ""),
                CaseResult::Panicked(msg) => panic!("{}: case `{case}` panicked: {msg}", ex.name),
            };
            insta::with_settings!({
                snapshot_path => ws.snapshot_dir(ex),
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(case, text);
            });
        }
    }
}
