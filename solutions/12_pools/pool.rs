//! # Exercise `pool`: a pool of blocks over real bytes
//!
//! Book: book/src/pools/pymalloc.md, section "Your turn: a pool".
//!
//! A pymalloc pool is 16 KiB of memory for blocks of one size class: a
//! 48-byte header, then blocks of one size, back to back. Here the pool's
//! bytes are real: 16 KiB from Rust's allocator, aligned to 16 KiB as
//! CPython's pools are, so rounding any block's address down to 16 KiB
//! finds its pool. The header's fields live in a Rust struct beside the
//! bytes (`PoolHeader`), and the first 48 bytes of the pool are left
//! unused for them, so every offset is the offset CPython would use.
//!
//! Offsets count from the start of the pool. Two ideas to build:
//!
//! - **The free list lives in the free blocks.** A free block is memory
//!   nobody uses, so it can hold the link to the next free block: its
//!   first 8 bytes are the next free block's offset, as a `usize` in
//!   native byte order (`usize::to_ne_bytes`), and `END` (0) ends the
//!   list (offset 0 is the header, never a block, as NULL is never a
//!   block in C). `header.freeblock` is the first free block. `free`
//!   pushes a block on the front, `allocate` pops the front: last freed,
//!   first reused (LIFO).
//! - **Blocks are carved lazily.** A new pool has no free list at all:
//!   `nextoffset` is where the first never-used block starts, and
//!   `maxnextoffset` the last offset at which a whole block still fits.
//!   `allocate` pops the free list; only when it is empty does it carve
//!   the block at `nextoffset` and move `nextoffset` past it; when that
//!   would pass `maxnextoffset`, the pool is full and `allocate` gives
//!   `None`.
//!
//! Implement, from the top down: `PoolHeader::new` (the header of a new
//! pool), `write_link` and `read_link` (the `unsafe` part: a `usize` into
//! and out of a block's bytes), `allocate`, `free`, `free_list` and
//! `block_mut`. Keep every `unsafe` block small and say in a `// SAFETY:`
//! comment why it is sound.
//!
//! ```
//! let mut pool = Pool::new(2);                 // 48-byte blocks
//! assert_eq!(pool.allocate(), Some(48));        // carved
//! assert_eq!(pool.allocate(), Some(96));        // carved
//! pool.block_mut(96)[0] = 7;                    // the block's real bytes
//! assert_eq!(pool.free(48), Ok(()));
//! assert_eq!(pool.free_list(), vec![48]);
//! assert_eq!(pool.allocate(), Some(48));        // reused, not carved
//! assert_eq!(pool.allocate(), Some(144));       // free list empty: carved
//! ```
//!
//! Run `memlings` and save this file: the check prints each call with the
//! header after it, the free list, the bytes of freed blocks, a full pool
//! of every size class, and whether what was written into each block is
//! still there. When it passes, run it under Miri, which checks every
//! pointer operation for undefined behaviour:
//! `cargo +nightly miri run -p memlings-exercises --bin pool`.

use std::alloc::{self, Layout};
use std::ptr::NonNull;

/// Block sizes and block offsets are multiples of this (64-bit CPython).
pub const ALIGNMENT: usize = 16;
/// The size of a pool, and its alignment (64-bit CPython 3.10 and later).
pub const POOL_SIZE: usize = 16 * 1024;
/// The bytes at the start of a pool that its header takes.
pub const POOL_OVERHEAD: usize = 48;
/// Size classes 0 to 31: blocks of 16 to 512 bytes.
pub const NB_SMALL_SIZE_CLASSES: usize = 32;
/// The link that ends a free list.
pub const END: usize = 0;

// ANCHOR: header
/// The fields of CPython 3.11's `struct pool_header` that this exercise
/// needs (the others link pools together; the next exercise needs them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolHeader {
    /// Blocks handed out and not yet freed (CPython: `ref.count`).
    pub count: usize,
    /// The first block of the free list, `None` when the list is empty
    /// (CPython: `freeblock`, NULL when empty).
    pub freeblock: Option<usize>,
    /// The size class: blocks are `(szidx + 1) * 16` bytes.
    pub szidx: usize,
    /// Where the next never-used block starts.
    pub nextoffset: usize,
    /// The largest `nextoffset` at which a whole block still fits.
    pub maxnextoffset: usize,
}
// ANCHOR_END: header

impl PoolHeader {
    /// The header of a new pool of size class `szidx`: nothing handed
    /// out, nothing free yet, nothing carved.
    pub fn new(szidx: usize) -> PoolHeader {
        let size = (szidx + 1) * ALIGNMENT;
        PoolHeader {
            count: 0,
            freeblock: None,
            szidx,
            nextoffset: POOL_OVERHEAD,
            maxnextoffset: POOL_SIZE - size,
        }
    }

    /// The size of this pool's blocks.
    pub fn block_size(&self) -> usize {
        (self.szidx + 1) * ALIGNMENT
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeError {
    /// The offset is not the start of a block this pool has carved.
    NotABlock(usize),
    /// No block of this pool is in use: this is a double free.
    NothingInUse,
}

/// A pool: its header, and 16 KiB of memory it owns.
pub struct Pool {
    header: PoolHeader,
    /// The start of the pool's bytes: `POOL_SIZE` bytes from the global
    /// allocator, aligned to `POOL_SIZE`, zeroed (as the fresh memory
    /// CPython's arenas get from `mmap` reads as zeros), freed by `Drop`.
    base: NonNull<u8>,
}

impl Pool {
    fn layout() -> Layout {
        // A power of two, and nowhere near isize::MAX: cannot fail.
        Layout::from_size_align(POOL_SIZE, POOL_SIZE).expect("a valid layout")
    }

    /// A new, empty pool for blocks of size class `szidx` (0 to 31).
    pub fn new(szidx: usize) -> Pool {
        assert!(
            szidx < NB_SMALL_SIZE_CLASSES,
            "size class {szidx} does not exist"
        );
        let header = PoolHeader::new(szidx);
        // SAFETY: the layout's size is not zero.
        let bytes = unsafe { alloc::alloc_zeroed(Self::layout()) };
        let Some(base) = NonNull::new(bytes) else {
            alloc::handle_alloc_error(Self::layout())
        };
        Pool { header, base }
    }

    /// A copy of the header, to look at.
    pub fn header(&self) -> PoolHeader {
        self.header
    }

    /// The address of the pool's first byte: a multiple of `POOL_SIZE`.
    pub fn base_address(&self) -> usize {
        self.base.as_ptr() as usize
    }

    /// Whether `offset` is the start of a block this pool has carved, that
    /// lies whole inside the pool.
    pub fn is_block(&self, offset: usize) -> bool {
        let size = self.header.block_size();
        offset >= POOL_OVERHEAD
            && offset < self.header.nextoffset
            && (offset - POOL_OVERHEAD).is_multiple_of(size)
            && offset + size <= POOL_SIZE
    }

    // ANCHOR: links
    /// Writes the link to `next` (or `END`) into the first 8 bytes of `block`.
    fn write_link(&mut self, block: usize, next: Option<usize>) {
        assert!(self.is_block(block), "{block} is not a block of this pool");
        // SAFETY: `block` starts a block inside the pool's allocation and
        // blocks are at least 16 bytes, so the 8 bytes written are ours; the
        // pool and block offsets are multiples of 16, so the usize is
        // aligned. `&mut self` means no reference into the bytes is alive.
        unsafe {
            let link = self.base.as_ptr().add(block).cast::<usize>();
            link.write(next.unwrap_or(END));
        }
    }

    /// Reads the link in the first 8 bytes of `block`.
    fn read_link(&self, block: usize) -> Option<usize> {
        assert!(self.is_block(block), "{block} is not a block of this pool");
        // SAFETY: as in `write_link`, the 8 bytes are inside the allocation
        // and aligned; every byte of the pool was initialized (zeroed) when
        // it was allocated, so any 8 of them are a valid usize. `&self`
        // means no `&mut` into the bytes is alive.
        let next = unsafe { self.base.as_ptr().add(block).cast::<usize>().read() };
        (next != END).then_some(next)
    }
    // ANCHOR_END: links

    // ANCHOR: allocate
    /// Hands out a block: the first free one, else a newly carved one,
    /// else `None` (the pool is full).
    pub fn allocate(&mut self) -> Option<usize> {
        let block = if let Some(block) = self.header.freeblock {
            self.header.freeblock = self.read_link(block);
            block
        } else if self.header.nextoffset <= self.header.maxnextoffset {
            let block = self.header.nextoffset;
            self.header.nextoffset += self.header.block_size();
            block
        } else {
            return None;
        };
        self.header.count += 1;
        Some(block)
    }

    /// Gives the block at `offset` back: it goes on the front of the free list.
    pub fn free(&mut self, offset: usize) -> Result<(), FreeError> {
        if !self.is_block(offset) {
            return Err(FreeError::NotABlock(offset));
        }
        if self.header.count == 0 {
            return Err(FreeError::NothingInUse);
        }
        self.write_link(offset, self.header.freeblock);
        self.header.freeblock = Some(offset);
        self.header.count -= 1;
        Ok(())
    }
    // ANCHOR_END: allocate

    /// The free list, front first, as the links in the blocks say.
    pub fn free_list(&self) -> Vec<usize> {
        // More links than blocks in a pool means the list has a cycle.
        let most = (POOL_SIZE - POOL_OVERHEAD) / self.header.block_size();
        let mut list = Vec::new();
        let mut next = self.header.freeblock;
        while let Some(block) = next {
            assert!(list.len() < most, "the free list goes round in a cycle");
            list.push(block);
            next = self.read_link(block);
        }
        list
    }

    /// The bytes of the block at `offset`, to read and write. Panics if
    /// `offset` is not the start of a carved block.
    pub fn block_mut(&mut self, offset: usize) -> &mut [u8] {
        assert!(
            self.is_block(offset),
            "{offset} is not a block of this pool"
        );
        let size = self.header.block_size();
        // SAFETY: the block's `size` bytes are inside the pool's allocation
        // (`is_block`), initialized (zeroed when allocated, written since
        // only as bytes), and the slice borrows `self` mutably, so nothing
        // else can read or write them while it lives.
        unsafe { std::slice::from_raw_parts_mut(self.base.as_ptr().add(offset), size) }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // SAFETY: `base` came from `alloc_zeroed` with this same layout, in
        // `new`, and is freed only here, once.
        unsafe { alloc::dealloc(self.base.as_ptr(), Self::layout()) }
    }
}

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin pool`, and then under
    // Miri, which stops at the first undefined behaviour it sees:
    //     cargo +nightly miri run -p memlings-exercises --bin pool
    // The check calls the methods above, not `main`.
    let mut pool = Pool::new(2);
    let a = pool.allocate();
    let b = pool.allocate();
    println!("{a:?} {b:?}"); // Some(48) Some(96)
    if let Some(b) = b {
        pool.block_mut(b).fill(0xAB);
        println!("{:?}", pool.free(b)); // Ok(())
        println!("{:02x?}", &pool.block_mut(b)[..12]); // the link to END, then ab ab ab ab
    }
    println!("{:?} {:?}", pool.free_list(), pool.header()); // [96], count 1
    println!("{:?}", pool.allocate()); // Some(96): last freed, first reused
    println!("{:?}", pool.allocate()); // Some(144): carved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carves_in_order_then_reuses_last_freed_first() {
        let mut pool = Pool::new(0);
        let blocks: Vec<usize> = (0..4).map(|_| pool.allocate().unwrap()).collect();
        assert_eq!(blocks, vec![48, 64, 80, 96]);
        pool.free(64).unwrap();
        pool.free(96).unwrap();
        assert_eq!(pool.free_list(), vec![96, 64]);
        assert_eq!(pool.allocate(), Some(96));
        assert_eq!(pool.allocate(), Some(64));
        assert_eq!(pool.allocate(), Some(112));
        assert_eq!(pool.header().count, 5);
    }

    #[test]
    fn the_link_is_in_the_block_and_the_rest_is_kept() {
        let mut pool = Pool::new(3);
        let a = pool.allocate().unwrap();
        let b = pool.allocate().unwrap();
        pool.block_mut(a).fill(0x11);
        pool.block_mut(b).fill(0x22);
        pool.free(a).unwrap();
        pool.free(b).unwrap();
        let bytes = pool.block_mut(b);
        assert_eq!(bytes[..8], a.to_ne_bytes());
        assert!(bytes[8..].iter().all(|&x| x == 0x22));
        assert_eq!(pool.block_mut(a)[..8], END.to_ne_bytes());
    }

    #[test]
    fn every_class_fills_exactly_and_empties() {
        for szidx in 0..NB_SMALL_SIZE_CLASSES {
            let mut pool = Pool::new(szidx);
            let size = (szidx + 1) * ALIGNMENT;
            let mut blocks = Vec::new();
            // Writing every byte of every pool is slow under Miri: a few
            // classes get a pattern, every class gets counted.
            let write = [0, 5, 31].contains(&szidx);
            while let Some(block) = pool.allocate() {
                if write {
                    pool.block_mut(block).fill(szidx as u8);
                }
                blocks.push(block);
            }
            assert_eq!(blocks.len(), (POOL_SIZE - POOL_OVERHEAD) / size);
            for &block in &blocks {
                if write {
                    assert!(pool.block_mut(block).iter().all(|&x| x == szidx as u8));
                }
                pool.free(block).unwrap();
            }
            assert_eq!(pool.header().count, 0);
            assert_eq!(pool.free(blocks[0]), Err(FreeError::NothingInUse));
        }
    }

    #[test]
    fn blocks_are_aligned_and_find_their_pool() {
        let mut pool = Pool::new(4);
        let base = pool.base_address();
        assert_eq!(base % POOL_SIZE, 0);
        for _ in 0..10 {
            let block = pool.allocate().unwrap();
            let address = pool.block_mut(block).as_ptr() as usize;
            assert_eq!(address % ALIGNMENT, 0);
            assert_eq!(address & !(POOL_SIZE - 1), base);
        }
    }

    #[test]
    fn bad_frees_are_refused() {
        let mut pool = Pool::new(1);
        pool.allocate().unwrap();
        for offset in [0, 47, 49, 80, POOL_SIZE] {
            assert_eq!(pool.free(offset), Err(FreeError::NotABlock(offset)));
        }
    }
}
