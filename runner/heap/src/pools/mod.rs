//! pymalloc, the reference one: CPython 3.11's small-object allocator
//! (Objects/obmalloc.c, 64-bit build) as an [`Allocator`](memlings_python::Allocator)
//! for the reference heap.
//!
//! | module       | does                                              |
//! |--------------|---------------------------------------------------|
//! | `size_class` | request sizes to the 32 classes of 16 to 512 bytes |
//! | `pool`       | a 16 KiB pool: its 48-byte header, free list, lazy carving |
//! | `arena`      | a 1 MiB arena of 64 pools, aligned to its size    |
//! | `allocator`  | usedpools, freepools, usable arenas sorted by free pools, arenas given back, the 3/4 realloc rule |
//! | `census`     | arenas and pools as `sys._debugmallocstats()` walks them, a pool block by block |
//! | `picture`    | SVG figures of a pool and of an arena, for the book |
//!
//! It is written for speed, where the `arenas` exercise's solution is
//! written to be read: headers live in the pools' own bytes, a block's pool
//! is its address rounded down, and nothing on the hot path hashes.

mod allocator;
mod arena;
mod census;
pub mod picture;
mod pool;
mod size_class;

#[cfg(test)]
mod tests;

pub use allocator::PoolAllocator;
pub use arena::{ARENA_SIZE, MAX_POOLS_IN_ARENA};
pub use census::{BlockState, PoolBlocks};
pub use pool::{POOL_OVERHEAD, POOL_SIZE};
pub use size_class::{block_size, class_of, NB_SMALL_SIZE_CLASSES, SMALL_REQUEST_THRESHOLD};
