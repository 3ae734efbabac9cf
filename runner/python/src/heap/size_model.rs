//! The size model layer: what `sys.getsizeof` reports, and how a list's
//! item array grows. Neither changes what a program computes, only what it
//! measures, so a heap may take its sizes from anywhere (the reference
//! heap's model, or the learner's Part II exercises).

use crate::object::ObjId;

/// Sizes for the objects of heap `H`, on a 64-bit CPython 3.11.
pub trait SizeModel<H> {
    /// `sys.getsizeof(obj)`: the object alone, not what it refers to.
    fn getsizeof(heap: &H, id: ObjId) -> usize;

    /// The capacity a list of `size` items with `allocated` slots gets when
    /// resized to `newsize` items (CPython's `list_resize`).
    fn list_capacity(allocated: usize, size: usize, newsize: usize) -> usize;
}
