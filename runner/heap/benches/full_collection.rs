//! One full collection (`gc.collect()`, generation 2) of the reference heap
//! over the graph of runner/benches/rings.py: 1,000,000 live lists in rings
//! of 10. The graph is built by running that program through the
//! interpreter; the program then stops on a statement outside the subset,
//! so that its objects stay on the heap (a program that ends normally has
//! its module torn down, and everything freed). Prints the time of each
//! collection in milliseconds, one line each: `collect_ms 12.3`.
//! runner/benches/full_collection.sh puts them beside python3's.
//!
//!   cargo bench -p memlings-heap --bench full_collection [-- RUNS]

use std::time::Instant;

use memlings_heap::PooledHeap;
use memlings_python::{Collector, ErrorKind, Heap, ObjId, Options, Runtime};

const PROGRAM: &str = include_str!("../../benches/rings.py");

/// Nothing in the graph has a `__del__` or a weakref.
struct NoCode;

impl<H: Heap> Runtime<H> for NoCode {
    fn finalize(&mut self, _heap: &mut H, obj: ObjId) {
        panic!("the benchmark's graph has no finalizer, but {obj:?} was finalized")
    }

    fn weakref_callback(&mut self, _heap: &mut H, _callback: ObjId, weakref: ObjId) {
        panic!("the benchmark's graph has no weakref, but {weakref:?} called back")
    }
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    let source = format!("{PROGRAM}\nrings.sort()\n");
    let options = Options {
        max_steps: 100_000_000,
        ..Options::default()
    };
    // The heap `memlings py` runs on: headers in pymalloc's blocks.
    let mut heap = PooledHeap::default();
    let built = Instant::now();
    let out = memlings_python::run_on(&mut heap, &source, "rings.py", &options);
    match out.error.map(|e| e.kind) {
        Some(ErrorKind::Unsupported { .. }) => {}
        other => panic!("the program should stop at rings.sort(), not with {other:?}"),
    }
    eprintln!(
        "built {} live objects in {:.0} ms",
        heap.live_objects().len(),
        built.elapsed().as_secs_f64() * 1e3
    );
    for _ in 0..runs {
        let start = Instant::now();
        let found = <<PooledHeap as Heap>::Collector as Collector<PooledHeap>>::collect(
            &mut heap,
            2,
            &mut NoCode,
        );
        let ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(found, 0, "everything in the graph is reachable");
        println!("collect_ms {ms:.1}");
    }
}
