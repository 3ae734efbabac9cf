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
///
/// # Safety
///
/// A heap writes into the blocks it is given (the reference heap puts each
/// object's header there, and links the collector's lists through it), so
/// an implementation promises, for every block it hands out until that
/// block is freed or moved: `size` bytes from `addr` are valid for reads
/// and writes, aligned to [`ALIGNMENT`], and overlap no other live block;
/// `reallocate` keeps the contents as documented. Breaking that makes the
/// heap's safe code write over memory it does not own, so implementing the
/// trait is `unsafe`: its `unsafe impl` is where the promise is made.
pub unsafe trait Allocator {
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

    /// The pools and arenas, for `sys._debugmallocstats()`. `None` for an
    /// allocator without pools (the program then stops with a one-line
    /// "unsupported" error).
    fn census(&self) -> Option<PoolCensus> {
        None
    }
}

/// A pooled allocator's state, raw, as `_PyObject_DebugMallocStats` walks
/// it in CPython 3.11's Objects/obmalloc.c: every arena held now, and in
/// each the pools carved so far. `sys._debugmallocstats()` derives its
/// report from this (blocks available, bytes lost to headers,
/// quantization and alignment); the book's pictures draw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolCensus {
    /// The arenas held now, in the order of the allocator's arena table.
    pub arenas: Vec<ArenaCensus>,
    /// Arenas taken from the system since the start (`ntimes_arena_allocated`).
    pub arenas_allocated_total: usize,
    /// The most arenas held at once (`narenas_highwater`).
    pub arenas_highwater: usize,
}

/// One arena of a [`PoolCensus`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArenaCensus {
    /// The address of its first byte. An arena that does not start on a
    /// pool boundary loses the bytes before the first one to alignment.
    pub address: usize,
    /// Pools free in it: never carved, or carved and empty (`nfreepools`).
    pub nfreepools: usize,
    /// Pools it can hold (`ntotalpools`: 64 for an aligned 1 MiB arena).
    pub ntotalpools: usize,
    /// The pools carved so far, in address order (up to `pool_address`),
    /// empty ones included.
    pub pools: Vec<PoolCensusEntry>,
}

/// One carved pool of an [`ArenaCensus`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolCensusEntry {
    /// Its size class (`szidx`): blocks of `16 * (szidx + 1)` bytes. For
    /// an empty pool, the class it last served.
    pub szidx: usize,
    /// Blocks in use (`ref.count`); 0 for an empty pool.
    pub used: usize,
}
