//! A pool: 16 KiB of one size class's blocks, its header in its own first
//! 48 bytes (`struct pool_header` in CPython 3.11's Objects/obmalloc.c).
//!
//! Free blocks are a LIFO list threaded through the blocks themselves (the
//! first 8 bytes of a free block point to the next one), and blocks are
//! carved lazily: `nextoffset` is the first block never handed out, and the
//! free list always holds at least one block until the pool is full, so
//! taking a block never has to look further than the list's head.
//!
//! Every function here takes a pool pointer with the provenance of its
//! arena's allocation, so the blocks it derives may be handed out and
//! written through.

use std::ptr;

use super::size_class::block_size;

pub const POOL_BITS: u32 = 14;
/// 16 KiB in 3.10 and later (4 KiB before).
pub const POOL_SIZE: usize = 1 << POOL_BITS;
pub const POOL_SIZE_MASK: usize = POOL_SIZE - 1;
/// The header, rounded up to the alignment: blocks start after it.
pub const POOL_OVERHEAD: usize = 48;

/// CPython's field order and widths, so the 48 bytes are the same 48.
#[repr(C)]
pub struct PoolHeader {
    /// Blocks handed out (`ref.count`, a union with a pointer in CPython,
    /// hence the padding).
    pub count: u32,
    _padding: u32,
    /// The head of the free list; null when the pool is full.
    pub freeblock: *mut u8,
    /// usedpools' links (both), or freepools' (`nextpool` only).
    pub nextpool: *mut PoolHeader,
    pub prevpool: *mut PoolHeader,
    /// The arena's index in the allocator's arena table.
    pub arenaindex: u32,
    /// The size class it serves (or last served, once empty).
    pub szidx: u32,
    /// Offset of the next block never handed out.
    pub nextoffset: u32,
    /// The last offset a whole block still fits at.
    pub maxnextoffset: u32,
}

const _: () = assert!(std::mem::size_of::<PoolHeader>() == POOL_OVERHEAD);

/// A pool never carved yet has no class: `DUMMY_SIZE_IDX`.
pub const DUMMY_SIZE_IDX: u32 = 0xffff;

/// Blocks of class `szidx` one pool holds.
pub const fn blocks_per_pool(szidx: usize) -> usize {
    (POOL_SIZE - POOL_OVERHEAD) / block_size(szidx)
}

/// The pool a block lies in: its address rounded down to a pool boundary,
/// with the block pointer's provenance (the arena's).
#[inline]
pub fn pool_of(block: *mut u8) -> *mut PoolHeader {
    block.map_addr(|a| a & !POOL_SIZE_MASK).cast()
}

/// Writes a fresh header for a pool carved from `arenaindex`'s arena.
///
/// # Safety
/// `pool` points to the first `POOL_OVERHEAD` bytes of a pool inside a live
/// arena, with the arena's provenance.
pub unsafe fn carve(pool: *mut PoolHeader, arenaindex: u32) {
    // SAFETY: by the contract, the header's bytes are the arena's and
    // writable; `write` does not read the uninitialized bytes.
    unsafe {
        pool.write(PoolHeader {
            count: 0,
            _padding: 0,
            freeblock: ptr::null_mut(),
            nextpool: ptr::null_mut(),
            prevpool: ptr::null_mut(),
            arenaindex,
            szidx: DUMMY_SIZE_IDX,
            nextoffset: 0,
            maxnextoffset: 0,
        })
    };
}

/// Takes the first block of a pool just linked into usedpools for class
/// `szidx` (`allocate_from_new_pool`'s end): if it served that class last,
/// its free list is still good; otherwise it starts again with one block
/// carved ahead.
///
/// # Safety
/// `pool` is a carved, empty pool header (as for [`carve`]).
pub unsafe fn first_block(pool: *mut PoolHeader, szidx: usize) -> *mut u8 {
    // SAFETY: the header is initialized (carved); the blocks at the offsets
    // computed below lie inside the pool, so inside the arena.
    unsafe {
        (*pool).count = 1;
        if (*pool).szidx as usize == szidx {
            let block = (*pool).freeblock;
            (*pool).freeblock = block.cast::<*mut u8>().read();
            return block;
        }
        let size = block_size(szidx);
        (*pool).szidx = szidx as u32;
        (*pool).nextoffset = (POOL_OVERHEAD + 2 * size) as u32;
        (*pool).maxnextoffset = (POOL_SIZE - size) as u32;
        let block = pool.cast::<u8>().add(POOL_OVERHEAD);
        let ahead = block.add(size);
        ahead.cast::<*mut u8>().write(ptr::null_mut());
        (*pool).freeblock = ahead;
        block
    }
}

/// Takes a block from a pool with a free block (in usedpools). Returns it,
/// and whether the pool is now full (`pymalloc_alloc` with
/// `pymalloc_pool_extend`).
///
/// # Safety
/// `pool` is a carved pool header with a non-null free list.
#[inline]
pub unsafe fn take(pool: *mut PoolHeader) -> (*mut u8, bool) {
    // SAFETY: the free list's blocks are free blocks of this pool, each
    // holding the next one's address (or null) in its first 8 bytes; the
    // carved-ahead block is inside the pool (nextoffset <= maxnextoffset).
    unsafe {
        (*pool).count += 1;
        let block = (*pool).freeblock;
        let next = block.cast::<*mut u8>().read();
        if !next.is_null() {
            (*pool).freeblock = next;
            return (block, false);
        }
        if (*pool).nextoffset <= (*pool).maxnextoffset {
            let ahead = pool.cast::<u8>().add((*pool).nextoffset as usize);
            (*pool).nextoffset += block_size((*pool).szidx as usize) as u32;
            ahead.cast::<*mut u8>().write(ptr::null_mut());
            (*pool).freeblock = ahead;
            return (block, false);
        }
        (*pool).freeblock = ptr::null_mut();
        (block, true)
    }
}

/// Puts `block` at the head of its pool's free list. Returns whether the
/// pool was full before (`lastfree == NULL`) and how many blocks are left
/// in use.
///
/// # Safety
/// `block` is a block of `pool` handed out and not freed since, with the
/// arena's provenance.
#[inline]
pub unsafe fn give(pool: *mut PoolHeader, block: *mut u8) -> (bool, u32) {
    // SAFETY: the block is the pool's and no longer in use, so its first 8
    // bytes may hold the link; the header is initialized.
    unsafe {
        let lastfree = (*pool).freeblock;
        block.cast::<*mut u8>().write(lastfree);
        (*pool).freeblock = block;
        (*pool).count -= 1;
        (lastfree.is_null(), (*pool).count)
    }
}
