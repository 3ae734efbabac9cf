//! The traces recorded from real Python programs: each program of
//! `examples/` run on the reference heap, with a [`Recorder`] as its
//! allocator, writes down the blocks the heap asks for (CPython 3.11's
//! requests: an object's header and fixed part, a list's item array, a
//! dict's keys table) until the program ends.
//!
//! The test checks that the traces in `runner/traces/` are what the
//! programs record today; with `MEMLINGS_RECORD=1` it writes them instead:
//!
//! ```sh
//! MEMLINGS_RECORD=1 cargo test -p memlings-bench --test recorded
//! ```

use std::path::{Path, PathBuf};

use memlings_bench::record::Recorder;
use memlings_bench::trace;
use memlings_heap::{ReferenceHeap, SystemAllocator};
use memlings_python::Options;

/// Most lessons make a hundred blocks or so, too few to time and all alike;
/// the programs that make more are kept.
const MIN_OPS: usize = 200;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The trace `examples/<name>.py` records, as the file's text.
fn record(program: &Path) -> (String, usize) {
    let source = std::fs::read_to_string(program).unwrap();
    let name = program.file_name().unwrap().to_string_lossy().into_owned();
    let (recorder, log) = Recorder::new(SystemAllocator::new());
    let mut heap = ReferenceHeap::with_allocator(recorder);
    let out = memlings_python::run_on(
        &mut heap,
        &source,
        &format!("examples/{name}"),
        &Options::default(),
    );
    assert!(
        out.error
            .as_ref()
            .is_none_or(|e| e.exception_line().is_some()),
        "examples/{name} did not run: {:?}",
        out.error
    );
    // Read before the heap is dropped: what is live when the program ends
    // stays live in the trace, and the replay frees it after the clock.
    let ops = log.borrow().clone();
    drop(heap);
    let header = format!(
        "Recorded from examples/{name} on the reference heap (memlings-heap):\n\
         the blocks it asks its allocator for, as CPython 3.11 asks PyObject_Malloc,\n\
         until the program ends. Regenerate: MEMLINGS_RECORD=1 cargo test -p memlings-bench --test recorded"
    );
    (trace::write(&header, ops.iter().copied()), ops.len())
}

#[test]
fn the_recorded_traces_are_what_the_examples_record() {
    let mut programs: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    programs.sort();
    let writing = std::env::var_os("MEMLINGS_RECORD").is_some();
    let mut stale = Vec::new();
    let mut kept = 0;
    for program in &programs {
        let (text, ops) = record(program);
        // Recorded twice, the same: a trace must not depend on addresses.
        assert_eq!(record(program).0, text, "{}", program.display());
        let stem = program.file_stem().unwrap().to_string_lossy();
        let file = root().join(format!("runner/traces/py_{stem}.trace"));
        if ops < MIN_OPS {
            if writing {
                let _ = std::fs::remove_file(&file);
            }
            assert!(!file.exists(), "{} has too few operations", file.display());
            continue;
        }
        kept += 1;
        trace::parse(&text, &file.display().to_string()).unwrap();
        if writing {
            std::fs::write(&file, &text).unwrap();
        } else if std::fs::read_to_string(&file).ok().as_deref() != Some(&text) {
            stale.push(file.display().to_string());
        }
    }
    assert!(kept >= 5, "only {kept} programs make traces worth keeping");
    assert!(
        stale.is_empty(),
        "recorded traces differ from what the examples record now (regenerate: MEMLINGS_RECORD=1 cargo test -p memlings-bench --test recorded): {stale:?}"
    );
}
