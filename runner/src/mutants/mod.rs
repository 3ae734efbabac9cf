//! Mutation testing of the checks, for authors: a check is only as good as
//! the wrong answers it rejects. Each exercise has a catalogue of realistic
//! mistakes beside its check, written as small edits of the reference
//! solution; `memlings verify --mutants` makes each edit, checks the result
//! as a learner's file is checked, and names every mistake that passes.
//!
//! One job per module: [`catalogue`] reads a catalogue, [`apply`] makes one
//! edit, [`run`] builds, runs and scores them.

pub mod apply;
pub mod catalogue;
pub mod run;

pub use run::{run, Fate, Scored, Timing, Tried, MIN_COUNTED};
