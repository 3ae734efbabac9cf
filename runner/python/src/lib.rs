//! A small subset of Python, run on a heap you can swap.
//!
//! The interpreter owns names, frames and control flow; every object lives
//! on a [`Heap`], which owns storage and reference counts and names its
//! cycle collector and size model (the layers are listed in [`heap`]). The
//! reference heap (the `memlings-heap` crate) and, from Part III on, the
//! learner's own heap implement the same traits, so the same program runs
//! on both and its answers can be put beside CPython's.
//!
//! Entry points: [`run_program`] (makes the heap, runs on a thread with a
//! deep stack) and [`run_on`] (your heap, this thread).
//!
//! # The subset
//!
//! - Statements: expressions, assignment (to names, attributes, items,
//!   and `a, b = ...` unpacking, chained `a = b = ...`), augmented
//!   assignment, `del`, `pass`, `if`/`elif`/`else`, `for ... in` with
//!   `break`/`continue`, `def` (positional parameters; `return`), `class`
//!   (no base classes; methods, class attributes, `__init__`, `__del__`),
//!   `global`, `assert`, `import gc, sys, weakref`.
//! - Expressions: int (any size), float, str (and f-strings), None,
//!   True/False; list, tuple and dict displays; `+ - * / // % **`, bit
//!   operators, unary `- + ~`, `not`, `and`, `or`, comparisons (chained),
//!   `is`, `in`, conditional expressions; calls; attributes; indexing and
//!   slicing (reading).
//! - Built-ins: print (sep, end), len, id, type, isinstance, repr, str,
//!   int, float, bool, list, tuple, dict(), range, abs, min, max, sum, and
//!   `enumerate`/`zip` in a `for` header. Methods: list append, extend,
//!   insert, pop, remove, clear, copy, index, count, reverse; dict get,
//!   pop, setdefault, clear, copy, and keys/values/items in a `for`
//!   header; str split, join, strip, lstrip, rstrip, replace, upper,
//!   lower, startswith, endswith, find, count.
//! - `gc`: collect, get_count, get_threshold, set_threshold, enable,
//!   disable, isenabled, freeze, is_tracked. `sys`: getrefcount,
//!   getsizeof, getallocatedblocks (on a heap with an allocator),
//!   _debugmallocstats (on a heap whose allocator has pools; to stderr).
//!   `weakref.ref` (with a callback; calling it).
//!
//! Anything else stops the program before it runs (or at the line, for a
//! name only known at run time) with a one-line "unsupported" error.
//!
//! Every reference the interpreter holds is counted where CPython 3.11
//! holds one, and the GC objects CPython allocates behind the scenes
//! (iterators, argument tuples, a class's descriptors) are allocated too,
//! so `sys.getrefcount`, `gc.get_count()` and the collector's results
//! match python3 on the corpus in `examples/`.

pub mod ast;
pub mod builtin;
pub mod compare;
pub mod compile;
pub mod dot;
pub mod error;
pub mod format;
pub mod graph;
pub mod heap;
mod interp;
pub mod lexer;
pub mod object;
pub mod parser;
pub mod repr;
pub mod trace;
mod walk;
pub mod wire;

pub use error::{ErrorKind, PyError};
pub use heap::{
    Allocator, AllocatorStats, ArenaCensus, Block, Collector, GcLinks, GcSettings, Heap,
    NoCollector, PoolCensus, PoolCensusEntry, PyGcHead, Runtime, SizeModel,
};
pub use object::{Class, Dict, Instance, List, ObjId, Object, WeakRef};

/// The default step limit: statements executed, all frames included.
pub const DEFAULT_MAX_STEPS: u64 = 1_000_000;

/// Deep Python recursion (up to CPython's 1000 frames) needs more native
/// stack than a main thread has in a debug build.
const STACK_BYTES: usize = 512 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Options {
    /// Statements a run may execute before it is stopped.
    pub max_steps: u64,
    /// Record a picture of memory after each statement.
    pub trace: bool,
    /// Record the object graph at the end, as Graphviz DOT.
    pub dot: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_steps: DEFAULT_MAX_STEPS,
            trace: false,
            dot: false,
        }
    }
}

/// What a run produced. Everything printed before an error is kept.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// What the program printed.
    pub stdout: String,
    /// What CPython would print to stderr besides the traceback (the
    /// "Exception ignored in" notes of failing `__del__` methods).
    pub stderr: String,
    /// With `trace`: the program's output with a picture after each
    /// statement.
    pub trace: Option<String>,
    /// With `dot`: the object graph after the last statement.
    pub dot: Option<String>,
    /// Why the program stopped early, if it did.
    pub error: Option<PyError>,
}

impl Output {
    /// The runner's exit code: 0, 1 when the program raised, 2 when it
    /// could not run (bad input, the step limit).
    pub fn exit_code(&self) -> u8 {
        self.error.as_ref().map_or(0, PyError::exit_code)
    }
}

/// Runs `source` (from `path`, for messages) on a new `H`, on a thread
/// with a deep stack.
pub fn run_program<H: Heap + Default>(source: &str, path: &str, options: &Options) -> Output {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("memlings-python".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || {
                let mut heap = H::default();
                run_on(&mut heap, source, path, options)
            });
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|panic| Output {
                error: Some(PyError {
                    path: path.to_string(),
                    line: None,
                    kind: ErrorKind::Internal(panic_message(panic.as_ref())),
                }),
                ..Output::default()
            }),
            Err(_) => {
                let mut heap = H::default();
                run_on(&mut heap, source, path, options)
            }
        }
    })
}

/// Runs `source` on `heap`, on this thread.
pub fn run_on<H: Heap>(heap: &mut H, source: &str, path: &str, options: &Options) -> Output {
    let program = match compile::compile(source) {
        Ok(p) => p,
        Err(e) => {
            return Output {
                error: Some(e.at_path(path)),
                ..Output::default()
            }
        }
    };
    let mut interp = interp::Interp::new(&program, options);
    if options.trace {
        interp.tracer = Some(trace::Tracer::new(source));
    }
    // A heap that panics (a learner's, with a bug) stops the program, but
    // what it printed until then is kept: it shows where things went wrong.
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        interp.setup(heap);
        let mut result = interp.run_module(heap);
        let dot = options.dot.then(|| dot::render(&interp.graph(heap)));
        let fatal = matches!(&result, Err(e) if !matches!(e.kind, ErrorKind::Raised { .. }));
        if !fatal {
            if let Err(e) = interp.teardown(heap) {
                result = Err(e);
            }
        }
        (result, dot)
    }));
    let (result, dot) = match run {
        Ok(ran) => ran,
        Err(panic) => (
            Err(PyError {
                path: path.to_string(),
                line: None,
                kind: ErrorKind::Internal(panic_message(panic.as_ref())),
            }),
            None,
        ),
    };
    Output {
        stdout: std::mem::take(&mut interp.stdout),
        stderr: std::mem::take(&mut interp.stderr),
        trace: interp.tracer.take().map(|t| t.finish()),
        dot,
        error: result.err().map(|e| e.at_path(path)),
    }
}

/// The text a panic was raised with.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic".into())
}
