//! # Exercise `malloc_stats`: the report of `sys._debugmallocstats()`
//!
//! Book: book/src/pools/pymalloc.md, section "Your turn: malloc_stats".
//!
//! CPython 3.11's `sys._debugmallocstats()` walks every pool of every
//! arena and prints what it found (`_PyObject_DebugMallocStats` in
//! Objects/obmalloc.c). Here the walk is done for you: a pooled
//! allocator's `census()` hands you a `PoolCensus`, the raw facts (each
//! arena's address and free pools, each carved pool's class and blocks in
//! use, the arena counters). You derive the rest and print it exactly as
//! CPython does, byte for byte:
//!
//! ```text
//! Small block threshold = 512, in 32 size classes.
//!
//! class   size   num pools   blocks in use  avail blocks
//! -----   ----   ---------   -------------  ------------
//!     1     32           1               3           507
//!
//! # arenas allocated total           =                    1
//! # arenas reclaimed                 =                    0
//! # arenas highwater mark            =                    1
//! # arenas allocated current         =                    1
//! 1 arenas * 1048576 bytes/arena     =            1,048,576
//!
//! # bytes in allocated blocks        =                   96
//! # bytes in available blocks        =               16,224
//! 63 unused pools * 16384 bytes      =            1,032,192
//! # bytes lost to pool headers       =                   48
//! # bytes lost to quantization       =                   16
//! # bytes lost to arena alignment    =                    0
//! Total                              =            1,048,576
//! ```
//!
//! - `thousands`: a number with a comma every three digits from the right
//!   (`1,048,576`; `0` is `0`).
//! - `printone`: CPython's `printone`. The label, padded with spaces to 35
//!   columns (a longer label gets no padding), then `=`, then the number
//!   with its commas right-aligned in 21 columns, then a newline. (21
//!   columns hold 16 digits with their commas, ten petabytes: CPython's
//!   buffer is no wider, and no census here comes near it.)
//! - `class_totals`: for each of the 32 classes, the pools in use, their
//!   blocks in use, and their *avail blocks*: the blocks such a pool holds
//!   (`(POOL_SIZE - POOL_OVERHEAD) / size`) minus those in use, free-listed
//!   and never carved alike. An empty pool (no block in use) is in use by
//!   no class: CPython skips it here, and counts it with its arena's free
//!   pools below.
//! - `report`: the threshold line, a blank line, the table's two header
//!   lines and one row per class that has pools (`%5u %6u %11zu %15zu
//!   %13zu`: class, block size, pools, blocks in use, avail blocks), a
//!   blank line, the five arena lines, a blank line, and the seven lines
//!   that account for every byte of the arenas:
//!   - *arenas reclaimed* is the arenas allocated in total minus those held
//!     now, and *N arenas* is those held now, times `ARENA_SIZE`;
//!   - *allocated blocks* and *available blocks* are blocks times their
//!     block size, over all classes;
//!   - *N unused pools* is the sum of the arenas' `nfreepools`;
//!   - *pool headers* is `POOL_OVERHEAD` per pool in use, *quantization*
//!     the bytes at the end of each pool in use that no block fits;
//!   - *arena alignment* is one `POOL_SIZE` for each arena whose address is
//!     not a multiple of `POOL_SIZE` (its first pool starts at the next
//!     boundary, and the arena has room for one pool less);
//!   - *Total* is the sum of the six lines above it.
//!
//!   The report ends with the newline of *Total*. CPython then prints the
//!   map of its arenas (a radix tree), which this workbook does not have.
//!
//! Write `format!` widths rather than counting spaces: `{:>21}`, `{:<35}`.

use memlings_python::PoolCensus;

/// Requests up to this many bytes are pymalloc's.
pub const SMALL_REQUEST_THRESHOLD: usize = 512;
/// Block sizes are multiples of this (64-bit CPython).
pub const ALIGNMENT: usize = 16;
/// Size classes 0 to 31: blocks of 16 to 512 bytes.
pub const NB_SMALL_SIZE_CLASSES: usize = SMALL_REQUEST_THRESHOLD / ALIGNMENT;
/// A pool, and its alignment.
pub const POOL_SIZE: usize = 16 * 1024;
/// The bytes at the start of a pool its header takes.
pub const POOL_OVERHEAD: usize = 48;
/// An arena.
pub const ARENA_SIZE: usize = 1024 * 1024;

/// The size of the blocks of class `szidx` (CPython: `INDEX2SIZE`).
pub fn block_size(szidx: usize) -> usize {
    (szidx + 1) * ALIGNMENT
}

/// What `_PyObject_DebugMallocStats` adds up for one size class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassTotals {
    /// Pools of this class with at least one block in use.
    pub pools: usize,
    /// Their blocks in use.
    pub blocks: usize,
    /// Their other blocks: free-listed or never carved.
    pub avail: usize,
}

/// `value` with a comma between every group of three digits.
pub fn thousands(value: usize) -> String {
    todo!()
}

/// One line of CPython's `printone`.
pub fn printone(label: &str, value: usize) -> String {
    todo!()
}

/// The class table's numbers, for all 32 classes.
pub fn class_totals(census: &PoolCensus) -> [ClassTotals; NB_SMALL_SIZE_CLASSES] {
    todo!()
}

/// The `_PyObject_DebugMallocStats` part of `sys._debugmallocstats()`.
pub fn report(census: &PoolCensus) -> String {
    todo!()
}

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin malloc_stats`.
    use memlings_python::{ArenaCensus, PoolCensusEntry};
    let census = PoolCensus {
        arenas: vec![ArenaCensus {
            address: 0x7f00_0000_0000,
            nfreepools: 63,
            ntotalpools: 64,
            pools: vec![PoolCensusEntry { szidx: 1, used: 3 }],
        }],
        arenas_allocated_total: 1,
        arenas_highwater: 1,
    };
    print!("{}", report(&census)); // the report of the doc comment above
}
