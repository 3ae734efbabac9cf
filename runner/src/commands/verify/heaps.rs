//! The registry's `heap` declarations hold: each names a type in its
//! solution's file that is the layer it says, because the program `--heap
//! yours` would build on it compiles against the solution.

use anyhow::Result;

use crate::check::compile::Compiled;
use crate::heap_program::{self, HeapSource};
use crate::registry::Exercise;
use crate::workbook::Workbook;

/// A problem for each declaration that does not compile. Exercises whose
/// solution is missing are left out: `structure` reports them.
pub fn problems(session: &Workbook) -> Result<Vec<String>> {
    let ws = &session.ws;
    let declared: Vec<(&Exercise, std::path::PathBuf)> = session
        .registry
        .exercises
        .iter()
        .filter(|ex| ex.heap.is_some())
        .map(|ex| (ex, ws.solution_file(ex)))
        .filter(|(_, file)| file.is_file())
        .collect();
    if declared.is_empty() {
        return Ok(Vec::new());
    }
    let sources: Vec<HeapSource> = declared
        .iter()
        .filter_map(|(ex, file)| {
            ex.heap.as_ref().map(|part| HeapSource {
                name: &ex.name,
                file,
                part,
            })
        })
        .collect();
    let package = heap_program::package(
        ws,
        "verify-heaps",
        "`memlings verify`, the registry's heap declarations",
        &sources,
    )?;
    let names: Vec<&str> = sources.iter().map(|s| s.name).collect();
    let mut built = package.build(&names, false)?;
    let mut problems = Vec::new();
    for (ex, _) in &declared {
        if let Some(Compiled::Errors(text)) = built.remove(&ex.name) {
            let part = ex.heap.as_ref().expect("only declared heaps are built");
            problems.push(format!(
                "{}: the registry says it provides {} `{}`, but the `--heap yours` program on it does not compile:\n{}",
                ex.solution_rel(),
                part.provides.name(),
                part.type_name,
                super::indent(ws.relative_in(&text).trim_end())
            ));
        }
    }
    Ok(problems)
}
