//! The baseline: the system allocator (malloc, through `std::alloc::System`)
//! behind the same [`Allocator`] trait, one call per block.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::NonNull;

use memlings_python::heap::ALIGNMENT;
use memlings_python::{Allocator, AllocatorStats, Block};

use crate::meter::malloc_chunk;

/// malloc, block by block. It goes to `System` directly, not through the
/// global allocator, so it is measured the same in any program; its heap
/// bytes are the malloc chunks of its live blocks ([`malloc_chunk`]), as
/// a learner's allocator is charged for what it takes.
///
/// `free` and `reallocate` trust the block they are given (a map of live
/// blocks to check it against would be timed too, and the baseline is
/// malloc alone), so making one is `unsafe`: see [`SystemMalloc::new`].
#[derive(Debug)]
pub struct SystemMalloc {
    stats: AllocatorStats,
    held: usize,
}

/// Never below the alignment: Rust's `System` serves a request smaller than
/// its alignment with `posix_memalign`, and the baseline is plain malloc.
fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.max(ALIGNMENT), ALIGNMENT).ok()
}

impl SystemMalloc {
    /// # Safety
    ///
    /// Only blocks this allocator handed out and did not free since may be
    /// passed to its `reallocate` and `free`, with the size they were given:
    /// the replay, which keeps each block in its slot, does exactly that.
    pub unsafe fn new() -> Self {
        SystemMalloc {
            stats: AllocatorStats::default(),
            held: 0,
        }
    }

    /// The bytes of the chunks malloc holds for the live blocks.
    pub fn heap_bytes(&self) -> usize {
        self.held
    }
}

// SAFETY: each block is malloc's, of at least the size asked for, 16-byte
// aligned on 64-bit glibc, live until freed.
unsafe impl Allocator for SystemMalloc {
    fn allocate(&mut self, size: usize) -> Option<Block> {
        let layout = layout(size)?;
        // SAFETY: the layout's size is at least ALIGNMENT, never zero.
        let addr = NonNull::new(unsafe { System.alloc(layout) })?;
        self.stats.blocks += 1;
        self.stats.bytes += size;
        self.held += malloc_chunk(layout.size());
        Some(Block { addr, size })
    }

    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block> {
        let old = layout(block.size)?;
        let new = layout(size)?;
        // SAFETY: by the contract of `new`, the block came from this
        // allocator, is live, and has this size: so `old` is the
        // layout the block was allocated with, and `new.size()` is non-zero
        // and a valid layout size for the same alignment.
        let addr = NonNull::new(unsafe { System.realloc(block.addr.as_ptr(), old, new.size()) })?;
        self.stats.bytes = self.stats.bytes - block.size + size;
        self.held = self.held - malloc_chunk(old.size()) + malloc_chunk(new.size());
        Some(Block { addr, size })
    }

    fn free(&mut self, block: Block) {
        let Some(layout) = layout(block.size) else {
            return;
        };
        // SAFETY: as in `reallocate`; the replay never uses the block again.
        unsafe { System.dealloc(block.addr.as_ptr(), layout) };
        self.stats.blocks -= 1;
        self.stats.bytes -= block.size;
        self.held -= malloc_chunk(layout.size());
    }

    fn stats(&self) -> AllocatorStats {
        self.stats
    }
}
