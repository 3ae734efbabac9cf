//! The memlings runner as a library: the binary in `main.rs` is a thin shell
//! over these modules, and the integration tests drive the same code.

pub mod bench;
pub mod check;
pub mod commands;
pub mod error;
pub mod grade;
pub mod heap_program;
pub mod hint;
pub mod invocation;
pub mod learner_heap;
pub mod mutants;
pub mod pristine;
pub mod progress;
pub mod registry;
pub mod snapshot;
pub mod state;
pub mod term;
pub mod workbook;
pub mod workspace;
