//! The reference heap's allocator: Rust's global allocator, block by block.
//!
//! CPython asks `PyObject_Malloc` for every object and pymalloc carves the
//! small requests out of pools (Part V builds that). This allocator does no
//! pooling: each block is one `std::alloc::alloc` of the requested size,
//! aligned to [`ALIGNMENT`] as pymalloc's blocks are, so a request size is
//! all the reference heap's choices depend on, and the counts in
//! [`Allocator::stats`] are exactly the blocks the heap holds.
//!
//! `free` and `reallocate` are safe functions that take a [`Block`], whose
//! fields anyone can fill in. So the allocator keeps every block it handed
//! out, and refuses one it does not know: that is what makes passing the
//! block's address to `dealloc`/`realloc` sound.

use std::alloc::{self, Layout};
use std::collections::HashMap;
use std::ptr::NonNull;

use memlings_python::heap::ALIGNMENT;
use memlings_python::{Allocator, AllocatorStats, Block};

#[derive(Debug, Default)]
pub struct SystemAllocator {
    /// Each live block's address and the size it was asked for.
    live: HashMap<NonNull<u8>, usize>,
    bytes: usize,
}

/// The layout a request of `size` bytes is allocated with: a 0-byte request
/// gets a byte of its own (the global allocator takes no empty layout), as
/// CPython's `malloc(0)` gets a distinct pointer. `None` when the size
/// cannot be a layout at all (over `isize::MAX` once aligned).
fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.max(1), ALIGNMENT).ok()
}

impl SystemAllocator {
    pub fn new() -> Self {
        Self::default()
    }

    /// The size `block` was allocated with, if this allocator handed it out
    /// and it was not freed since.
    fn known(&self, block: Block) -> usize {
        match self.live.get(&block.addr) {
            Some(&size) => size,
            None => panic!("{block:?} was not handed out by this allocator, or was freed already"),
        }
    }
}

// SAFETY: each block is its own allocation from Rust's global allocator,
// of the layout `allocate` made, live until `free` takes it back.
unsafe impl Allocator for SystemAllocator {
    fn allocate(&mut self, size: usize) -> Option<Block> {
        let layout = layout(size)?;
        // SAFETY: `layout` has a non-zero size (at least one byte), the one
        // requirement of `alloc`.
        let addr = NonNull::new(unsafe { alloc::alloc(layout) })?;
        self.live.insert(addr, size);
        self.bytes += size;
        Some(Block { addr, size })
    }

    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block> {
        let old_size = self.known(block);
        let old = layout(old_size).expect("it was allocated with this layout");
        // Checks that the new size, aligned, still fits in an isize.
        let new = layout(size)?;
        // SAFETY: `block.addr` is live in `self.live`, so it came from
        // `alloc`/`realloc` of this global allocator with layout `old` (the
        // size recorded with it) and has not been freed; `new.size()` is
        // non-zero and, being a valid layout's size with the same alignment,
        // does not overflow isize once rounded up to it.
        let addr = NonNull::new(unsafe { alloc::realloc(block.addr.as_ptr(), old, new.size()) })?;
        self.live.remove(&block.addr);
        self.live.insert(addr, size);
        self.bytes = self.bytes - old_size + size;
        Some(Block { addr, size })
    }

    fn free(&mut self, block: Block) {
        let size = self.known(block);
        self.live.remove(&block.addr);
        self.bytes -= size;
        let layout = layout(size).expect("it was allocated with this layout");
        // SAFETY: `block.addr` was live in `self.live` (checked just above),
        // so it was allocated by the global allocator with `layout` and not
        // freed; it is now out of `self.live`, so it cannot be freed twice.
        unsafe { alloc::dealloc(block.addr.as_ptr(), layout) };
    }

    fn stats(&self) -> AllocatorStats {
        AllocatorStats {
            blocks: self.live.len(),
            bytes: self.bytes,
        }
    }
}

impl Drop for SystemAllocator {
    /// Blocks still out when the allocator goes (a heap dropped without
    /// freeing its objects) are given back rather than leaked.
    fn drop(&mut self) {
        for (addr, size) in self.live.drain() {
            let layout = layout(size).expect("it was allocated with this layout");
            // SAFETY: every address in `self.live` came from the global
            // allocator with the layout of its recorded size and was not
            // freed (freeing removes it); draining removes each one once.
            unsafe { alloc::dealloc(addr.as_ptr(), layout) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_counted_aligned_and_keep_their_contents() {
        let mut a = SystemAllocator::new();
        let empty = a.allocate(0).expect("a 0-byte request gets a block");
        let b = a.allocate(24).expect("memory");
        assert_ne!(empty.addr, b.addr, "a 0-byte block is a block of its own");
        assert_eq!(b.addr.as_ptr() as usize % ALIGNMENT, 0);
        assert_eq!(
            a.stats(),
            AllocatorStats {
                blocks: 2,
                bytes: 24
            }
        );

        // SAFETY: `b` is a live block of 24 bytes, so its first 24 bytes
        // may be written.
        unsafe {
            b.addr
                .as_ptr()
                .copy_from_nonoverlapping([7u8; 24].as_ptr(), 24)
        };
        let grown = a.reallocate(b, 600).expect("memory");
        let mut kept = [0u8; 24];
        // SAFETY: `grown` is a live block of 600 bytes whose first 24 were
        // initialized before the move (realloc keeps them).
        unsafe {
            grown
                .addr
                .as_ptr()
                .copy_to_nonoverlapping(kept.as_mut_ptr(), 24)
        };
        assert_eq!(kept, [7; 24]);
        assert_eq!(
            a.stats(),
            AllocatorStats {
                blocks: 2,
                bytes: 600
            }
        );

        let shrunk = a.reallocate(grown, 0).expect("memory");
        a.free(shrunk);
        a.free(empty);
        assert_eq!(a.stats(), AllocatorStats::default());
    }

    #[test]
    #[should_panic(expected = "not handed out by this allocator")]
    fn a_block_freed_twice_is_refused() {
        let mut a = SystemAllocator::new();
        let b = a.allocate(8).expect("memory");
        a.free(b);
        a.free(b);
    }

    #[test]
    fn blocks_left_out_are_given_back_on_drop() {
        let mut a = SystemAllocator::new();
        for size in [1, 100, 1000] {
            a.allocate(size).expect("memory");
        }
        assert_eq!(a.stats().blocks, 3);
        // Under Miri, a leak here fails the test.
        drop(a);
    }
}
