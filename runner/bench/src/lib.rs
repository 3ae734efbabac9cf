//! Allocation traces, replayed on an allocator as the CS:APP malloc lab's
//! driver replays them: first a checked pass (every block aligned, no two
//! live blocks overlapping, every block's contents kept), then timed passes.
//!
//! - [`trace`]: the text format and its parser;
//! - [`replay`]: the checked pass and the timed pass, on any
//!   [`memlings_python::Allocator`];
//! - [`meter`]: the heap bytes an allocator holds, counted by a global
//!   allocator, with malloc's chunk sizes;
//! - [`system`]: the baseline, the system allocator behind the same trait;
//! - [`score`]: utilization and throughput into one number;
//! - [`program`]: the `main` of the program `memlings bench` builds around a
//!   learner's allocator, and the lines it reports in;
//! - [`record`]: an allocator that writes down what a heap asks of it, which
//!   records the traces of real Python programs (`tests/recorded.rs`).
//!
//! The same code replays in the learner's (sandboxed) process and in the
//! baseline, so the two are measured alike.

pub mod meter;
pub mod program;
pub mod record;
pub mod replay;
pub mod score;
pub mod system;
pub mod trace;

pub use replay::{check, time, Checked, Incorrect, Timed};
pub use trace::{Kind, Op, Trace, TraceError, MAX_REQUEST};
