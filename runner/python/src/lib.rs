//! A small subset of Python, run on a heap you can swap.
//!
//! The interpreter owns names, frames and control flow; every object lives
//! on a [`Heap`], which owns storage, reference counts and the cycle
//! collector. The reference heap (in `solutions/`) and, from Part III on,
//! the learner's own heap implement the same trait, so the same program
//! runs on both and its answers can be put beside CPython's.

pub mod heap;
pub mod object;

pub use heap::{Heap, Runtime};
pub use object::{Class, Dict, Instance, List, ObjId, Object, WeakRef};
