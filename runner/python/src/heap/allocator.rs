//! The allocator layer: where an object's bytes come from. A heap asks for
//! a block of a request size and gives it back when the object dies, as
//! CPython's objects ask `PyObject_Malloc`. Part V puts pymalloc here:
//! pools of same-sized blocks carved out of arenas.
//!
//! The storage layer decides what to request (an object's header and
//! fixed part, a list's item array, a dict's keys table); the allocator
//! only sees sizes, as obmalloc does.

use std::ptr::NonNull;

/// Every block is aligned to this many bytes (obmalloc's `ALIGNMENT` on a
/// 64-bit build of CPython 3.11).
pub const ALIGNMENT: usize = 16;

/// A block handed out by an [`Allocator`]: `size` bytes from `addr`,
/// aligned to [`ALIGNMENT`], valid until it is freed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Block {
    pub addr: NonNull<u8>,
    /// The size that was asked for (a pool may hand out more).
    pub size: usize,
}

/// What `sys.getallocatedblocks()` and a memory report read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllocatorStats {
    /// Blocks handed out and not yet freed.
    pub blocks: usize,
    /// The bytes asked for in those blocks.
    pub bytes: usize,
}

/// Where a heap's bytes come from.
pub trait Allocator {
    /// A block of at least `size` bytes (a request of 0 still gets a block
    /// of its own, as `malloc(0)` does in CPython's allocators), or `None`
    /// when memory is exhausted.
    fn allocate(&mut self, size: usize) -> Option<Block>;

    /// Moves `block` to one of `size` bytes, keeping its contents up to the
    /// smaller size. On `None` the old block is still valid.
    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block>;

    /// Gives back a block this allocator handed out.
    fn free(&mut self, block: Block);

    fn stats(&self) -> AllocatorStats;
}
