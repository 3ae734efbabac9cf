//! # Exercise `bump`: a bump allocator with alignment
//!
//! Book: book/src/foundations/stack-and-heap.md, section "Your turn: a bump allocator".
//!
//! The fastest allocator there is: a region of memory and one number, the
//! offset where the free part begins. To allocate, round that offset up to
//! the alignment asked for, hand it out, and move it past the block. There
//! is no `free` for one block; `reset` frees them all at once. The stack
//! makes its frames this way, and so does CPython 3.11 for Python frames.
//!
//! Offsets count from the start of the region (think of the region as
//! starting at address 0, so an offset that is a multiple of 8 is 8-aligned).
//! Implement:
//!
//! - `alloc(size, align)`: `align` must be a power of two, otherwise
//!   `Err(AllocError::BadAlign(align))` (checked first). The block starts at
//!   the first multiple of `align` at or after the free offset, and must end
//!   within the capacity, otherwise `Err(AllocError::OutOfMemory)`. A failed
//!   call changes nothing. A size of 0 is allowed: it still gets an aligned
//!   offset. Sizes and alignments can be anything up to `usize::MAX`, and
//!   nothing may panic: arithmetic that overflows means the block cannot fit.
//! - `used()`: bytes taken so far, padding included (the end of the last block).
//! - `reset()`: everything is free again.
//!
//! ```
//! let mut bump = Bump::new(64);
//! assert_eq!(bump.alloc(1, 1), Ok(0));
//! assert_eq!(bump.alloc(8, 8), Ok(8));   // 7 bytes of padding first
//! assert_eq!(bump.used(), 16);
//! assert_eq!(bump.alloc(4, 3), Err(AllocError::BadAlign(3)));
//! assert_eq!(bump.alloc(49, 1), Err(AllocError::OutOfMemory));
//! ```
//!
//! Run `memlings` and save this file: the check prints a trace of
//! allocations and a map of the bytes.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocError {
    /// The alignment is not a power of two (0 is not one either).
    BadAlign(usize),
    /// The block, with the padding before it, does not fit in what is left.
    OutOfMemory,
}

/// Hands out pieces of a region of `capacity` bytes, front to back.
/// Offsets count from the start of the region.
pub struct Bump {
    capacity: usize,
    /// Where the next block may start: everything before it is taken.
    next: usize,
}

impl Bump {
    pub fn new(capacity: usize) -> Bump {
        Bump { capacity, next: 0 }
    }

    /// Reserves `size` bytes whose offset is a multiple of `align`.
    pub fn alloc(&mut self, size: usize, align: usize) -> Result<usize, AllocError> {
        todo!()
    }

    /// Bytes taken so far, padding included: the end of the last block.
    pub fn used(&self) -> usize {
        todo!()
    }

    /// Frees every block at once: the region is empty again.
    pub fn reset(&mut self) {
        todo!()
    }
}

fn main() {
    // You can experiment here: `cargo run -p memlings-exercises --bin bump`.
    // The check calls the methods above, not `main`.
}
