//! # Exercise `arenas`: pymalloc, whole
//!
//! Book: book/src/pools/pymalloc.md, section "Your turn: arenas".
//!
//! The pool exercise built one pool. This one builds the allocator that
//! CPython 3.11 puts behind `PyObject_Malloc` on a 64-bit build, and it
//! implements `memlings_python::Allocator`, so the reference heap can run
//! Python programs on it (`memlings py FILE --heap yours`) and
//! `memlings bench` can time it against the system allocator.
//!
//! - A request of 1 to 512 bytes gets a block of its size class from a
//!   16 KiB pool; 0 bytes, or more than 512, go to the system allocator
//!   (`std::alloc`), as `_PyObject_Malloc` passes them to
//!   `PyMem_RawMalloc`. Both count in `stats()`.
//! - Pools are carved, one at a time, from 1 MiB arenas. Each arena here is
//!   aligned to 1 MiB, so rounding a block's address down to 1 MiB finds
//!   its arena, and down to 16 KiB its pool. (CPython's `mmap` only aligns
//!   to 4 KiB, so its arenas lose one pool of 64 to alignment; these lose
//!   none.) The header of each pool is a `PoolHeader` in its arena's
//!   `pools`; its first 48 bytes are left for it, as in the pool exercise.
//! - **usedpools**: per size class, a doubly linked list of the pools that
//!   have blocks in use and free blocks (`nextpool`, `prevpool`). An
//!   allocation takes a block from the first pool of its class's list. A
//!   pool that becomes full leaves the list; when one of its blocks is
//!   freed it goes back on the *front*. A pool that becomes empty leaves
//!   the list for its arena's `freepools` (a stack), and may come back for
//!   any class.
//! - A pool's blocks are handed out as CPython does it, one step ahead: a
//!   new pool returns its first block and puts the second on its free list;
//!   when an allocation takes the last block of the free list, the next
//!   block is carved onto the list at once, or, if none is left, the pool
//!   is full and leaves usedpools. So a pool on usedpools always has a
//!   free block.
//! - **usable_arenas**: the arenas with a free pool (never carved, or
//!   empty), sorted by `nfreepools`, fewest first; a new pool comes from
//!   the first. An arena that gets a pool back moves right, past every
//!   arena with fewer free pools, and becomes the first of those with as
//!   many as it now has. When its last pool is freed, the arena goes back
//!   to the system, unless it is the last arena of the list (bpo-37257).
//! - `reallocate` keeps a small block where it is when the new size fits
//!   in its block and is more than 3/4 of it; otherwise it allocates,
//!   copies and frees. A system block is reallocated by the system.
//!
//! Everything that touches raw memory is written for you (`Arena`, the
//! links, the system blocks, `locate`), and so is `census`, which reads
//! your arenas and pools for `sys._debugmallocstats()` (the next
//! exercise, `malloc_stats`, prints its report). You write the lists:
//! `link_front`, `unlink`, `allocate_small`, `allocate_from_new_pool`,
//! `free_small`, `insert_to_freepool`, then `allocate`, `reallocate` and
//! `free`, and keep the counts that `stats` and `census` read. The one
//! `unsafe` call left to you is the copy of a moved block
//! (`std::ptr::copy_nonoverlapping`): say in a `// SAFETY:` comment why
//! it is sound. Once the check passes, run it under Miri: `cargo +nightly miri run -p memlings-exercises --bin arenas`.
//!
//! ```
//! let mut a = Pymalloc::default();
//! let x = a.allocate(20).unwrap();            // class 1: arena 0, pool 0, offset 48
//! let y = a.allocate(20).unwrap();            // offset 80
//! a.free(x);
//! let z = a.allocate(30).unwrap();            // x's block again (LIFO)
//! assert_eq!(z.addr, x.addr);
//! let big = a.allocate(1000).unwrap();        // the system's
//! assert_eq!(a.stats().blocks, 3);
//! ```

use std::alloc::{self, Layout};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ptr::NonNull;

use memlings_python::{Allocator, AllocatorStats, ArenaCensus, Block, PoolCensus, PoolCensusEntry};

/// Block sizes and addresses are multiples of this (64-bit CPython).
pub const ALIGNMENT: usize = 16;
/// Requests up to this many bytes are pymalloc's.
pub const SMALL_REQUEST_THRESHOLD: usize = 512;
/// Size classes 0 to 31: blocks of 16 to 512 bytes.
pub const NB_SMALL_SIZE_CLASSES: usize = 32;
/// A pool, and its alignment.
pub const POOL_SIZE: usize = 16 * 1024;
/// The bytes at the start of a pool its header takes.
pub const POOL_OVERHEAD: usize = 48;
/// An arena, and here its alignment too.
pub const ARENA_SIZE: usize = 1024 * 1024;
/// Pools in an arena.
pub const POOLS_PER_ARENA: usize = ARENA_SIZE / POOL_SIZE;
/// The link that ends a free list (offset 0 is a pool's header).
pub const END: usize = 0;
/// The size class of a pool that never had one (CPython: `DUMMY_SIZE_IDX`).
pub const NO_CLASS: usize = usize::MAX;

/// The size class of a request, `None` when it is the system's.
pub fn size_class(nbytes: usize) -> Option<usize> {
    (1..=SMALL_REQUEST_THRESHOLD)
        .contains(&nbytes)
        .then(|| (nbytes - 1) / ALIGNMENT)
}

/// The size of the blocks of class `szidx`.
pub fn block_size(szidx: usize) -> usize {
    (szidx + 1) * ALIGNMENT
}

/// A pool: the index of its arena, and its index in the arena (0 to 63).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PoolId {
    pub arena: usize,
    pub pool: usize,
}

/// CPython 3.11's `struct pool_header`, beside the pool's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolHeader {
    /// Blocks in use (CPython: `ref.count`).
    pub count: usize,
    /// The offset of the first free block, `None` when there is none.
    pub freeblock: Option<usize>,
    /// The neighbours on its class's usedpools list.
    pub nextpool: Option<PoolId>,
    pub prevpool: Option<PoolId>,
    /// The size class, `NO_CLASS` until the pool is first used.
    pub szidx: usize,
    /// Where the next never-used block starts.
    pub nextoffset: usize,
    /// The largest `nextoffset` at which a whole block still fits.
    pub maxnextoffset: usize,
}

impl PoolHeader {
    /// The header of a pool just carved from its arena: no class yet.
    fn carved() -> PoolHeader {
        PoolHeader {
            count: 0,
            freeblock: None,
            nextpool: None,
            prevpool: None,
            szidx: NO_CLASS,
            nextoffset: POOL_OVERHEAD,
            maxnextoffset: POOL_OVERHEAD,
        }
    }
}

/// Hashes an address with one multiplication: std's default hasher
/// resists attacks that no allocator's own addresses can mount, and
/// costs more than the rest of a `free`.
#[derive(Default)]
pub struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        // Addresses end in zero bits; the shift brings mixed ones down.
        let h = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }
}

/// A map keyed by addresses, hashed by [`AddressHasher`].
type ByAddress<K, V> = HashMap<K, V, BuildHasherDefault<AddressHasher>>;

/// One arena: 1 MiB from the system, and the books of its pools.
pub struct Arena {
    /// `ARENA_SIZE` bytes aligned to `ARENA_SIZE`, freed by `Drop`.
    base: NonNull<u8>,
    /// The headers of the pools carved so far: pool `i` is at
    /// `base + i * POOL_SIZE`, and the next one to carve is `pools.len()`
    /// (CPython: `pool_address`).
    pub pools: Vec<PoolHeader>,
    /// Empty pools, the last pushed on top (CPython: `freepools`).
    pub freepools: Vec<usize>,
    /// Pools never carved plus empty pools.
    pub nfreepools: usize,
}

impl Arena {
    fn layout() -> Layout {
        // A power of two, far below isize::MAX: cannot fail.
        Layout::from_size_align(ARENA_SIZE, ARENA_SIZE).expect("a valid layout")
    }

    /// A new arena, every pool free; `None` when the system has no memory.
    fn new() -> Option<Arena> {
        // SAFETY: the layout's size is not zero.
        let base = NonNull::new(unsafe { alloc::alloc(Self::layout()) })?;
        Some(Arena {
            base,
            pools: Vec::new(),
            freepools: Vec::new(),
            nfreepools: POOLS_PER_ARENA,
        })
    }

    /// The arena's address: a multiple of `ARENA_SIZE`.
    pub fn address(&self) -> usize {
        self.base.as_ptr().addr()
    }

    /// Whether `offset` is the start of a block that `pool` has carved.
    fn is_block(&self, pool: usize, offset: usize) -> bool {
        // More pools than fit would be past the arena's end.
        let Some(h) = self.pools.get(pool).filter(|_| pool < POOLS_PER_ARENA) else {
            return false;
        };
        h.szidx != NO_CLASS
            && offset >= POOL_OVERHEAD
            && offset < h.nextoffset
            && (offset - POOL_OVERHEAD).is_multiple_of(block_size(h.szidx))
    }

    /// A pointer to the block at `offset` in `pool`.
    fn block(&self, pool: usize, offset: usize) -> NonNull<u8> {
        assert!(self.is_block(pool, offset), "no block at {pool}:{offset}");
        // SAFETY: a carved block lies inside the pool (`is_block`), and the
        // pool inside the arena's allocation, so the offset stays in bounds.
        unsafe { self.base.add(pool * POOL_SIZE + offset) }
    }

    /// Writes the link to `next` (or `END`) into the first 8 bytes of a block.
    fn write_link(&mut self, pool: usize, block: usize, next: Option<usize>) {
        let at = self.block(pool, block).cast::<usize>();
        // SAFETY: the block is inside the arena and at least 16 bytes long,
        // and its address is a multiple of 16, so an aligned usize fits;
        // `&mut self` means no one reads the arena's bytes meanwhile.
        unsafe { at.write(next.unwrap_or(END)) }
    }

    /// Reads the link in the first 8 bytes of a free block.
    fn read_link(&self, pool: usize, block: usize) -> Option<usize> {
        let at = self.block(pool, block).cast::<usize>();
        // SAFETY: as in `write_link`; a block on a free list had its link
        // written when it went there, so the 8 bytes are initialized.
        let next = unsafe { at.read() };
        // A link overwritten after the free (a use after free) must not
        // lead to memory outside the pool's blocks.
        assert!(
            next == END || self.is_block(pool, next),
            "the free list of pool {pool} is corrupt: a link says {next}"
        );
        (next != END).then_some(next)
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        // SAFETY: `base` came from `alloc` with this layout, in `new`, and
        // is freed only here, once.
        unsafe { alloc::dealloc(self.base.as_ptr(), Self::layout()) }
    }
}

/// Where a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In one of the arenas: which pool, at which offset in it.
    Pool(PoolId, usize),
    /// From the system allocator.
    System,
}

/// What the arenas have done, as `sys._debugmallocstats()` reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArenaCounts {
    /// Arenas taken from the system, ever.
    pub allocated_total: usize,
    /// Arenas given back.
    pub reclaimed: usize,
    /// Arenas held now.
    pub current: usize,
    /// The most arenas held at once (CPython: `narenas_highwater`).
    pub highwater: usize,
}

/// pymalloc.
#[derive(Default)]
pub struct Pymalloc {
    /// Every arena by its index; `None` for an index whose arena went back
    /// to the system (CPython: `allarenas`, and `address == 0`).
    arenas: Vec<Option<Arena>>,
    /// Indices of `arenas` free for a new arena, the last freed on top
    /// (CPython: `unused_arena_objects`).
    unused: Vec<usize>,
    /// Each arena's index, by its address.
    by_address: ByAddress<usize, usize>,
    /// The first pool of each class's usedpools list.
    usedpools: [Option<PoolId>; NB_SMALL_SIZE_CLASSES],
    /// The arenas with a free pool, by `nfreepools` ascending.
    usable_arenas: Vec<usize>,
    /// The system's blocks, with the size each was asked for.
    system: ByAddress<NonNull<u8>, usize>,
    /// What `stats` reports.
    blocks: usize,
    bytes: usize,
    counts: ArenaCounts,
}

impl Pymalloc {
    // ----- what is written for you: raw memory, and looking -----

    fn arena(&self, index: usize) -> &Arena {
        self.arenas[index].as_ref().expect("a live arena")
    }

    fn arena_mut(&mut self, index: usize) -> &mut Arena {
        self.arenas[index].as_mut().expect("a live arena")
    }

    fn header(&self, id: PoolId) -> &PoolHeader {
        &self.arena(id.arena).pools[id.pool]
    }

    fn header_mut(&mut self, id: PoolId) -> &mut PoolHeader {
        &mut self.arena_mut(id.arena).pools[id.pool]
    }

    fn read_link(&self, id: PoolId, block: usize) -> Option<usize> {
        self.arena(id.arena).read_link(id.pool, block)
    }

    fn write_link(&mut self, id: PoolId, block: usize, next: Option<usize>) {
        self.arena_mut(id.arena).write_link(id.pool, block, next)
    }

    /// The address of a block.
    fn block_addr(&self, id: PoolId, offset: usize) -> NonNull<u8> {
        self.arena(id.arena).block(id.pool, offset)
    }

    /// Takes 1 MiB from the system for a new arena, and returns its index:
    /// the last one freed, else a new one. `None` if the system has none.
    fn new_arena(&mut self) -> Option<usize> {
        let arena = Arena::new()?;
        let index = match self.unused.pop() {
            Some(index) => {
                self.arenas[index] = Some(arena);
                index
            }
            None => {
                self.arenas.push(Some(arena));
                self.arenas.len() - 1
            }
        };
        let address = self.arena(index).address();
        self.by_address.insert(address, index);
        self.counts.allocated_total += 1;
        self.counts.current += 1;
        self.counts.highwater = self.counts.highwater.max(self.counts.current);
        Some(index)
    }

    /// Gives the arena at `index` back to the system. It must be off
    /// `usable_arenas` already.
    fn release_arena(&mut self, index: usize) {
        if let Some(arena) = self.arenas[index].take() {
            self.by_address.remove(&arena.address());
            self.unused.push(index);
            self.counts.reclaimed += 1;
            self.counts.current -= 1;
        }
    }

    /// Where the block at `addr` is: which pool and offset, or the system.
    /// Panics if `addr` is neither (a block this allocator never handed
    /// out, or one whose pool is gone).
    pub fn locate(&self, addr: NonNull<u8>) -> Place {
        let addr_bits = addr.as_ptr().addr();
        let base = addr_bits & !(ARENA_SIZE - 1);
        if let Some(&arena) = self.by_address.get(&base) {
            let pool = (addr_bits - base) / POOL_SIZE;
            let offset = (addr_bits - base) % POOL_SIZE;
            assert!(
                self.arena(arena).is_block(pool, offset),
                "{addr:?} is in arena {arena} but is no block of it"
            );
            return Place::Pool(PoolId { arena, pool }, offset);
        }
        assert!(
            self.system.contains_key(&addr),
            "{addr:?} was not handed out by this allocator, or was freed already"
        );
        Place::System
    }

    fn system_layout(size: usize) -> Option<Layout> {
        Layout::from_size_align(size.max(1), ALIGNMENT).ok()
    }

    /// A block from the system allocator (`PyMem_RawMalloc`).
    fn system_allocate(&mut self, size: usize) -> Option<NonNull<u8>> {
        let layout = Self::system_layout(size)?;
        // SAFETY: the layout's size is at least 1.
        let addr = NonNull::new(unsafe { alloc::alloc(layout) })?;
        self.system.insert(addr, size);
        Some(addr)
    }

    /// `PyMem_RawRealloc`: the block stays the system's, whatever its size.
    fn system_reallocate(&mut self, addr: NonNull<u8>, size: usize) -> Option<NonNull<u8>> {
        let old = *self.system.get(&addr).expect("a live system block");
        let old_layout = Self::system_layout(old).expect("it was allocated with it");
        let new_layout = Self::system_layout(size)?;
        // SAFETY: `addr` is in `system`, so it came from the global
        // allocator with `old_layout` and is live; the new size is non-zero
        // and a valid layout's size with the same alignment.
        let moved =
            NonNull::new(unsafe { alloc::realloc(addr.as_ptr(), old_layout, new_layout.size()) })?;
        self.system.remove(&addr);
        self.system.insert(moved, size);
        Some(moved)
    }

    /// `PyMem_RawFree`.
    fn system_free(&mut self, addr: NonNull<u8>) {
        let size = self.system.remove(&addr).expect("a live system block");
        let layout = Self::system_layout(size).expect("it was allocated with it");
        // SAFETY: `addr` was in `system`: allocated with this layout and
        // live; it is out of `system` now, so it cannot be freed twice.
        unsafe { alloc::dealloc(addr.as_ptr(), layout) }
    }

    /// The pools on class `szidx`'s usedpools list, front first.
    pub fn usedpools(&self, szidx: usize) -> Vec<PoolId> {
        let mut list = Vec::new();
        let mut next = self.usedpools[szidx];
        while let Some(id) = next {
            assert!(
                list.len() <= self.arenas.len() * POOLS_PER_ARENA,
                "usedpools[{szidx}] goes round in a cycle"
            );
            list.push(id);
            next = self.header(id).nextpool;
        }
        list
    }

    /// `usable_arenas`, front first: each arena's index and `nfreepools`.
    pub fn usable_arenas(&self) -> Vec<(usize, usize)> {
        self.usable_arenas
            .iter()
            .map(|&i| (i, self.arena(i).nfreepools))
            .collect()
    }

    /// A pool's header, if its arena is live and the pool was carved.
    pub fn pool_header(&self, id: PoolId) -> Option<PoolHeader> {
        self.arenas
            .get(id.arena)?
            .as_ref()?
            .pools
            .get(id.pool)
            .copied()
    }

    /// An arena's empty pools, top first; `None` if the arena is not live.
    pub fn freepools(&self, arena: usize) -> Option<Vec<usize>> {
        let arena = self.arenas.get(arena)?.as_ref()?;
        Some(arena.freepools.iter().rev().copied().collect())
    }

    /// The indices of the live arenas.
    pub fn live_arenas(&self) -> Vec<usize> {
        (0..self.arenas.len())
            .filter(|&i| self.arenas[i].is_some())
            .collect()
    }

    pub fn arena_counts(&self) -> ArenaCounts {
        self.counts
    }

    /// What `_PyObject_DebugMallocStats` reads, for `sys._debugmallocstats()`:
    /// the live arenas in the order of `arenas` (CPython's `allarenas`),
    /// each with its carved pools in address order.
    fn pool_census(&self) -> PoolCensus {
        let arenas = self
            .arenas
            .iter()
            .flatten()
            .map(|arena| ArenaCensus {
                address: arena.address(),
                nfreepools: arena.nfreepools,
                ntotalpools: POOLS_PER_ARENA,
                pools: arena
                    .pools
                    .iter()
                    .map(|h| PoolCensusEntry {
                        szidx: h.szidx,
                        used: h.count,
                    })
                    .collect(),
            })
            .collect();
        PoolCensus {
            arenas,
            arenas_allocated_total: self.counts.allocated_total,
            arenas_highwater: self.counts.highwater,
        }
    }

    // ----- what you write -----

    /// Puts pool `id` (of class `szidx`) on the front of usedpools[szidx].
    fn link_front(&mut self, szidx: usize, id: PoolId) {
        todo!()
    }

    /// Takes pool `id` off its class's usedpools list.
    fn unlink(&mut self, id: PoolId) {
        todo!()
    }

    /// `pymalloc_alloc`: a block of class `szidx`, as (pool, offset).
    fn allocate_small(&mut self, szidx: usize) -> Option<(PoolId, usize)> {
        todo!()
    }

    /// `allocate_from_new_pool`: usedpools[szidx] is empty, so take a pool
    /// from the first usable arena (a new arena if there is none): an
    /// empty one from its freepools, else carve the next.
    fn allocate_from_new_pool(&mut self, szidx: usize) -> Option<(PoolId, usize)> {
        todo!()
    }

    /// `pymalloc_free`: the block at `offset` goes on its pool's free list.
    fn free_small(&mut self, id: PoolId, offset: usize) {
        todo!()
    }

    /// `insert_to_freepool`: pool `id` is empty. It leaves usedpools for
    /// its arena's freepools; the arena goes back to the system if all its
    /// pools are free and it is not the last usable arena, else it takes
    /// its place in `usable_arenas`.
    fn insert_to_freepool(&mut self, id: PoolId) {
        todo!()
    }
}

// SAFETY: every block handed out is inside an arena this allocator holds
// (or a live system block), 16-byte aligned, and lent to one owner until it
// is freed: keeping that true is what the lists you write are for, and the
// check tests it (no two live blocks overlap, contents survive).
unsafe impl Allocator for Pymalloc {
    fn allocate(&mut self, size: usize) -> Option<Block> {
        todo!()
    }

    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block> {
        todo!()
    }

    fn free(&mut self, block: Block) {
        todo!()
    }

    fn stats(&self) -> AllocatorStats {
        AllocatorStats {
            blocks: self.blocks,
            bytes: self.bytes,
        }
    }

    fn census(&self) -> Option<PoolCensus> {
        Some(self.pool_census())
    }
}

impl Drop for Pymalloc {
    /// The system's blocks still out go back; the arenas free themselves.
    fn drop(&mut self) {
        let live: Vec<NonNull<u8>> = self.system.keys().copied().collect();
        for addr in live {
            self.system_free(addr);
        }
    }
}

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin arenas`, and under Miri:
    //     cargo +nightly miri run -p memlings-exercises --bin arenas
    // The check calls the allocator through `Allocator`, not `main`.
    let mut a = Pymalloc::default();
    let blocks: Vec<Block> = [20, 20, 48, 600]
        .iter()
        .filter_map(|&n| a.allocate(n))
        .collect();
    for b in &blocks {
        println!("{:>4} bytes: {:?}", b.size, a.locate(b.addr)); // pools 0, 0, 1, then System
    }
    a.free(blocks[0]);
    println!("{:?}", a.allocate(30).map(|b| a.locate(b.addr))); // pool 0, offset 48 again
    println!("{:?} {:?}", a.stats(), a.usable_arenas()); // 4 blocks, [(0, 62)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(a: &Pymalloc, b: Block) -> (usize, usize, usize) {
        match a.locate(b.addr) {
            Place::Pool(id, offset) => (id.arena, id.pool, offset),
            Place::System => panic!("{b:?} is the system's"),
        }
    }

    #[test]
    fn blocks_come_from_pools_of_their_class_and_are_reused_lifo() {
        let mut a = Pymalloc::default();
        let x = a.allocate(16).unwrap();
        let y = a.allocate(1).unwrap();
        let z = a.allocate(17).unwrap();
        assert_eq!(place(&a, x), (0, 0, 48));
        assert_eq!(place(&a, y), (0, 0, 64));
        assert_eq!(place(&a, z), (0, 1, 48));
        a.free(x);
        a.free(y);
        assert_eq!(a.allocate(5).unwrap().addr, y.addr);
        assert_eq!(a.allocate(5).unwrap().addr, x.addr);
        assert_eq!(
            a.stats(),
            AllocatorStats {
                blocks: 3,
                bytes: 27
            }
        );
    }

    #[test]
    fn a_full_pool_comes_back_to_the_front() {
        let mut a = Pymalloc::default();
        let per_pool = (POOL_SIZE - POOL_OVERHEAD) / 512;
        let first: Vec<Block> = (0..per_pool).map(|_| a.allocate(512).unwrap()).collect();
        assert!(a.usedpools(31).is_empty());
        let next = a.allocate(512).unwrap();
        assert_eq!(place(&a, next).1, 1);
        a.free(first[3]);
        let ids: Vec<usize> = a.usedpools(31).iter().map(|id| id.pool).collect();
        assert_eq!(ids, vec![0, 1]);
        assert_eq!(a.allocate(500).unwrap().addr, first[3].addr);
        assert_eq!(
            a.usedpools(31).iter().map(|id| id.pool).collect::<Vec<_>>(),
            vec![1]
        );
    }

    #[test]
    fn empty_pools_serve_any_class_and_empty_arenas_go_back() {
        let mut a = Pymalloc::default();
        let x = a.allocate(100).unwrap();
        let keep = a.allocate(30).unwrap();
        a.free(x);
        assert_eq!(a.freepools(0), Some(vec![0]));
        let y = a.allocate(300).unwrap();
        assert_eq!(place(&a, y), (0, 0, 48));
        assert_eq!(
            a.pool_header(PoolId { arena: 0, pool: 0 }).unwrap().szidx,
            18
        );
        a.free(y);
        a.free(keep);
        // The only usable arena is the last: kept.
        assert_eq!(a.arena_counts().current, 1);
        assert_eq!(a.usable_arenas(), vec![(0, 64)]);
    }

    #[test]
    fn a_wholly_free_arena_goes_back_unless_it_is_the_last() {
        let mut a = Pymalloc::default();
        let per_arena = POOLS_PER_ARENA * ((POOL_SIZE - POOL_OVERHEAD) / 512);
        let first: Vec<Block> = (0..per_arena).map(|_| a.allocate(512).unwrap()).collect();
        let second = a.allocate(512).unwrap();
        assert_eq!(place(&a, second), (1, 0, 48));
        for &b in &first {
            a.free(b);
        }
        // Arena 0 went before arena 1 in usable_arenas: given back.
        assert_eq!(a.live_arenas(), vec![1]);
        a.free(second);
        assert_eq!(a.live_arenas(), vec![1]);
        let again = a.allocate(16).unwrap();
        assert_eq!(place(&a, again), (1, 0, 48));
        a.free(again);
        assert_eq!(
            a.arena_counts(),
            ArenaCounts {
                allocated_total: 2,
                reclaimed: 1,
                current: 1,
                highwater: 2
            }
        );
    }

    #[test]
    fn contents_survive_reallocation_and_the_system_counts() {
        let mut a = Pymalloc::default();
        let b = a.allocate(40).unwrap();
        // SAFETY: the block is live and 40 bytes long.
        unsafe { b.addr.as_ptr().write_bytes(7, 40) };
        let same = a.reallocate(b, 48).unwrap();
        assert_eq!(same.addr, b.addr);
        let moved = a.reallocate(same, 700).unwrap();
        assert_eq!(a.locate(moved.addr), Place::System);
        // SAFETY: the block is live, at least 40 bytes long, and its first
        // 40 were written above and copied since.
        let kept = unsafe { std::slice::from_raw_parts(moved.addr.as_ptr(), 40) };
        assert!(kept.iter().all(|&x| x == 7));
        let zero = a.allocate(0).unwrap();
        assert_eq!(
            a.stats(),
            AllocatorStats {
                blocks: 2,
                bytes: 700
            }
        );
        let back = a.reallocate(moved, 20).unwrap();
        assert_eq!(a.locate(back.addr), Place::System);
        a.free(back);
        a.free(zero);
        assert_eq!(a.stats(), AllocatorStats::default());
    }
}
