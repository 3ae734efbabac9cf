//! `memlings bench`: allocation traces replayed on the learner's allocator
//! and on the system allocator in the same run, as the malloc lab measures
//! them (the replay itself is the `memlings-bench` crate).
//!
//! - [`traces`]: which trace files, read and validated before anything runs;
//! - [`program`]: the program that replays them on the learner's allocator,
//!   built from their file and run in the sandbox (their code is untrusted);
//! - [`table`]: the results, one row per trace, and the scores.

pub mod program;
pub mod table;
pub mod traces;

use memlings_bench::program::Outcome;

/// One trace's results.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The trace as the user knows it.
    pub shown: String,
    pub ops: usize,
    /// `None` when there is no allocator of the learner's to run.
    pub yours: Option<Outcome>,
    pub system: Outcome,
}
