//! The allocator: CPython 3.11's `pymalloc_alloc`, `pymalloc_free` and
//! `pymalloc_realloc`, with the arena management around them.
//!
//! The hot path does what obmalloc does, no more: a request's class indexes
//! `usedpools`, whose head pool's free list gives the block; a freed
//! block's pool is its address rounded down, and the pool's header says the
//! rest. What is added is one lookup that obmalloc does with its radix tree
//! (`address_in_range`): which arena, if any, a freed address is in, by a
//! binary search over the arenas' addresses, and one bit per block, so that
//! `free`, a safe function, refuses a block it did not hand out.

use std::ptr;

use memlings_python::heap::ALIGNMENT;
use memlings_python::{Allocator, AllocatorStats, Block};

use super::arena::{ArenaObject, LiveMap, ARENA_BITS, ARENA_SIZE, MAX_POOLS_IN_ARENA, NONE};
use super::pool::{self, PoolHeader, POOL_SIZE};
use super::size_class::{block_size, class_of, NB_SMALL_SIZE_CLASSES};
use crate::SystemAllocator;

/// `INITIAL_ARENA_OBJECTS`: the arena table's first size; it doubles.
const INITIAL_ARENA_OBJECTS: usize = 16;

/// pymalloc for the reference heap: 32 size classes of 16-byte steps, 16 KiB
/// pools, 1 MiB arenas; requests of 0 or more than 512 bytes go to the
/// system allocator, which counts them as CPython 3.11 counts its raw
/// blocks.
#[derive(Debug)]
pub struct PoolAllocator {
    /// Per class, the pools with a free block, doubly linked (null: none).
    pub(super) usedpools: [*mut PoolHeader; NB_SMALL_SIZE_CLASSES],
    /// The arena table (`arenas`, `maxarenas` its length).
    pub(super) arenas: Vec<ArenaObject>,
    /// Unused table entries; the last is the list's head.
    unused: Vec<u32>,
    /// Arenas with a free pool, fewest free pools first (`usable_arenas`).
    pub(super) usable_arenas: u32,
    /// Per count of free pools, the last usable arena with that count.
    nfp2lasta: [u32; MAX_POOLS_IN_ARENA + 1],
    /// Every arena held, sorted by address.
    by_address: Vec<Held>,
    live: LiveMap,
    pub(super) ntimes_arena_allocated: usize,
    pub(super) narenas_highwater: usize,
    /// Pool blocks handed out, and the bytes asked for in them (as the
    /// blocks given back say: a block's size is only for the counts).
    blocks: usize,
    bytes: usize,
    /// Requests of 0 or more than 512 bytes.
    system: SystemAllocator,
}

impl Default for PoolAllocator {
    fn default() -> Self {
        Self::new()
    }
}

impl PoolAllocator {
    pub fn new() -> Self {
        PoolAllocator {
            usedpools: [ptr::null_mut(); NB_SMALL_SIZE_CLASSES],
            arenas: Vec::new(),
            unused: Vec::new(),
            usable_arenas: NONE,
            nfp2lasta: [NONE; MAX_POOLS_IN_ARENA + 1],
            by_address: Vec::new(),
            live: LiveMap::default(),
            ntimes_arena_allocated: 0,
            narenas_highwater: 0,
            blocks: 0,
            bytes: 0,
            system: SystemAllocator::new(),
        }
    }

    pub(super) fn live_map(&self) -> &LiveMap {
        &self.live
    }

    /// Arenas held now.
    pub fn arenas_held(&self) -> usize {
        self.by_address.len()
    }

    /// The arena `addr` lies in, if it is one of ours.
    #[inline]
    pub(super) fn arena_of(&self, addr: usize) -> Option<Held> {
        let key = addr >> ARENA_BITS;
        self.by_address
            .binary_search_by_key(&key, |held| held.key)
            .ok()
            .map(|i| self.by_address[i])
    }

    fn arena(&mut self, index: u32) -> &mut ArenaObject {
        &mut self.arenas[index as usize]
    }

    /// `new_arena`: an unused table entry (the table doubles when there is
    /// none) given a fresh arena.
    fn new_arena(&mut self) -> Option<u32> {
        if self.unused.is_empty() {
            let old = self.arenas.len();
            let new = if old == 0 {
                INITIAL_ARENA_OBJECTS
            } else {
                old * 2
            };
            self.arenas.resize_with(new, ArenaObject::unused);
            // The list's head is the lowest new index, as CPython links them.
            self.unused.extend((old as u32..new as u32).rev());
        }
        let index = self.unused.pop()?;
        if !self.arenas[index as usize].open() {
            self.unused.push(index);
            return None;
        }
        let base = self.arenas[index as usize].base();
        let key = base.addr() >> ARENA_BITS;
        let at = self.by_address.partition_point(|held| held.key < key);
        self.by_address.insert(at, Held { key, index, base });
        self.live.cover(index);
        self.ntimes_arena_allocated += 1;
        self.narenas_highwater = self.narenas_highwater.max(self.by_address.len());
        Some(index)
    }

    /// `allocate_from_new_pool`: the class has no pool with a free block;
    /// take an empty pool from the first usable arena (a fresh arena if
    /// none), link it into usedpools and hand out its first block.
    fn allocate_from_new_pool(&mut self, szidx: usize) -> Option<*mut u8> {
        if self.usable_arenas == NONE {
            let index = self.new_arena()?;
            let arena = self.arena(index);
            arena.nextarena = NONE;
            arena.prevarena = NONE;
            let nf = arena.nfreepools as usize;
            self.usable_arenas = index;
            self.nfp2lasta[nf] = index;
        }
        let index = self.usable_arenas;
        let nf = self.arenas[index as usize].nfreepools as usize;
        // It was the last with this many free pools; once it has one fewer
        // it is the first with that many, so the last too.
        if self.nfp2lasta[nf] == index {
            self.nfp2lasta[nf] = NONE;
        }
        if nf > 1 {
            self.nfp2lasta[nf - 1] = index;
        }
        let arena = &mut self.arenas[index as usize];
        let pool = if !arena.freepools.is_null() {
            let pool = arena.freepools;
            // SAFETY: freepools holds carved pool headers of this arena.
            arena.freepools = unsafe { (*pool).nextpool };
            pool
        } else {
            let pool = arena.pool(arena.carved as usize);
            // SAFETY: carved < ntotalpools (a free pool remains and none is
            // on freepools), so this pool lies inside the live arena.
            unsafe { pool::carve(pool, index) };
            arena.carved += 1;
            pool
        };
        arena.nfreepools -= 1;
        if arena.nfreepools == 0 {
            let next = arena.nextarena;
            self.usable_arenas = next;
            if next != NONE {
                self.arena(next).prevarena = NONE;
            }
        }
        // The class had no usable pool: this one is the list.
        // SAFETY: `pool` is a carved, empty header of a live arena.
        unsafe {
            (*pool).nextpool = ptr::null_mut();
            (*pool).prevpool = ptr::null_mut();
        }
        self.usedpools[szidx] = pool;
        // SAFETY: as above.
        Some(unsafe { pool::first_block(pool, szidx) })
    }

    #[inline]
    fn allocate_small(&mut self, szidx: usize) -> Option<*mut u8> {
        let pool = self.usedpools[szidx];
        let block = if pool.is_null() {
            self.allocate_from_new_pool(szidx)?
        } else {
            // SAFETY: a pool in usedpools is carved and has a free block.
            let (block, full) = unsafe { pool::take(pool) };
            if full {
                // A full pool leaves every list; it is usedpools' head.
                // SAFETY: as above; its successor, if any, is a carved pool.
                unsafe {
                    let next = (*pool).nextpool;
                    if !next.is_null() {
                        (*next).prevpool = ptr::null_mut();
                    }
                    self.usedpools[szidx] = next;
                }
            }
            block
        };
        // SAFETY: the header of the block's pool is initialized.
        let index = unsafe { (*pool::pool_of(block)).arenaindex };
        self.live.mark(index, block.addr() & ARENA_MASK);
        Some(block)
    }

    /// Links a pool that was full to the front of its class's usedpools.
    ///
    /// # Safety
    /// `pool` is a carved pool in no list.
    unsafe fn insert_to_usedpool(&mut self, pool: *mut PoolHeader) {
        // SAFETY: by the contract; the head, if any, is a carved pool.
        unsafe {
            let szidx = (*pool).szidx as usize;
            let head = self.usedpools[szidx];
            (*pool).nextpool = head;
            (*pool).prevpool = ptr::null_mut();
            if !head.is_null() {
                (*head).prevpool = pool;
            }
            self.usedpools[szidx] = pool;
        }
    }

    /// `insert_to_freepool`: a pool just emptied leaves usedpools for its
    /// arena's freepools, and the arena moves up usable_arenas to stay
    /// sorted, or goes back to the system if it is empty and not the last.
    ///
    /// # Safety
    /// `pool` is a carved pool of arena `index`, in its class's usedpools.
    unsafe fn insert_to_freepool(&mut self, pool: *mut PoolHeader, index: u32) {
        // SAFETY: by the contract; its neighbours are carved pools.
        unsafe {
            let (next, prev) = ((*pool).nextpool, (*pool).prevpool);
            if !next.is_null() {
                (*next).prevpool = prev;
            }
            if prev.is_null() {
                self.usedpools[(*pool).szidx as usize] = next;
            } else {
                (*prev).nextpool = next;
            }
            let arena = &mut self.arenas[index as usize];
            (*pool).nextpool = arena.freepools;
            arena.freepools = pool;
        }
        let ao = &self.arenas[index as usize];
        let (nf, prevarena, nextarena) = (ao.nfreepools as usize, ao.prevarena, ao.nextarena);
        let lastnf = self.nfp2lasta[nf];
        if lastnf == index {
            // It was the last with nf free pools; the one before it, if it
            // has nf too, is now.
            self.nfp2lasta[nf] =
                if prevarena != NONE && self.arenas[prevarena as usize].nfreepools as usize == nf {
                    prevarena
                } else {
                    NONE
                };
        }
        let nf = nf + 1;
        let ao = &mut self.arenas[index as usize];
        ao.nfreepools = nf as u32;

        if nf == ao.ntotalpools as usize && nextarena != NONE {
            // Empty, and not the last usable arena (bpo-37257: the last one
            // is kept, so a program that frees and allocates around one
            // pool does not take and return an arena each time).
            self.unlink_usable(index);
            self.release(index);
            return;
        }
        if nf == 1 {
            // It was full, in no list: it goes first.
            let head = self.usable_arenas;
            let ao = self.arena(index);
            ao.nextarena = head;
            ao.prevarena = NONE;
            if head != NONE {
                self.arena(head).prevarena = index;
            }
            self.usable_arenas = index;
            if self.nfp2lasta[1] == NONE {
                self.nfp2lasta[1] = index;
            }
            return;
        }
        if self.nfp2lasta[nf] == NONE {
            self.nfp2lasta[nf] = index;
        }
        if lastnf == index {
            // Still in order: it was the last of those with one fewer.
            return;
        }
        // Move it after `lastnf`, the last arena with its old count.
        self.unlink_usable(index);
        let after = self.arenas[lastnf as usize].nextarena;
        {
            let ao = self.arena(index);
            ao.prevarena = lastnf;
            ao.nextarena = after;
        }
        if after != NONE {
            self.arena(after).prevarena = index;
        }
        self.arena(lastnf).nextarena = index;
    }

    /// Takes arena `index` out of usable_arenas.
    fn unlink_usable(&mut self, index: u32) {
        let (prev, next) = {
            let ao = &self.arenas[index as usize];
            (ao.prevarena, ao.nextarena)
        };
        if prev == NONE {
            self.usable_arenas = next;
        } else {
            self.arena(prev).nextarena = next;
        }
        if next != NONE {
            self.arena(next).prevarena = prev;
        }
    }

    /// Gives arena `index`'s memory back; its table entry heads the unused.
    fn release(&mut self, index: u32) {
        let key = self.arenas[index as usize].base().addr() >> ARENA_BITS;
        if let Ok(at) = self.by_address.binary_search_by_key(&key, |held| held.key) {
            self.by_address.remove(at);
        }
        let ao = self.arena(index);
        ao.close();
        ao.nextarena = NONE;
        ao.prevarena = NONE;
        self.unused.push(index);
    }

    /// `pymalloc_free` for a block at `addr` of arena `held`.
    #[inline]
    fn free_small(&mut self, held: Held, addr: usize) {
        let offset = addr & ARENA_MASK;
        if !addr.is_multiple_of(ALIGNMENT) || !self.live.unmark(held.index, offset) {
            refuse(addr);
        }
        // Our own pointer to it, so nothing depends on the caller's
        // pointer beyond its address.
        let block = held.base.wrapping_add(offset);
        let pool = pool::pool_of(block);
        // SAFETY: the block was handed out by its pool and not freed since
        // (its mark was set), so the pool is carved and the block is its.
        let (was_full, used) = unsafe { pool::give(pool, block) };
        self.blocks -= 1;
        if was_full {
            // SAFETY: a full pool is in no list.
            unsafe { self.insert_to_usedpool(pool) };
        } else if used == 0 {
            // SAFETY: a pool with a free block before is in usedpools.
            unsafe { self.insert_to_freepool(pool, held.index) };
        }
    }

    /// Our own pointer to the live pool block at `addr` of arena `held`,
    /// and its block size.
    fn live_small(&self, held: Held, addr: usize) -> (*mut u8, usize) {
        let offset = addr & ARENA_MASK;
        if !addr.is_multiple_of(ALIGNMENT) || !self.live.is_live(held.index, offset) {
            refuse(addr);
        }
        let block = held.base.wrapping_add(offset);
        // SAFETY: a live block's pool is carved (see `free_small`).
        let szidx = unsafe { (*pool::pool_of(block)).szidx };
        (block, block_size(szidx as usize))
    }
}

/// An arena held: its address's key, its table index, its first byte.
#[derive(Debug, Clone, Copy)]
pub(super) struct Held {
    key: usize,
    index: u32,
    base: *mut u8,
}

const ARENA_MASK: usize = ARENA_SIZE - 1;

fn refuse(addr: usize) -> ! {
    panic!("the block at {addr:#x} was not handed out by this allocator, or was freed already")
}

// SAFETY: a small block is one of its pool's blocks, handed out only while
// its live bit is clear (set until `free`), inside an arena this allocator
// holds; a large one is its own system allocation. Both are 16-byte aligned.
unsafe impl Allocator for PoolAllocator {
    #[inline]
    fn allocate(&mut self, size: usize) -> Option<Block> {
        let Some(szidx) = class_of(size) else {
            return self.system.allocate(size);
        };
        let block = self.allocate_small(szidx)?;
        self.blocks += 1;
        self.bytes += size;
        // The block is inside an arena, never at address 0.
        let addr = std::ptr::NonNull::new(block)?;
        Some(Block { addr, size })
    }

    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block> {
        let addr = block.addr.as_ptr().addr();
        let Some(held) = self.arena_of(addr) else {
            // Not ours: the system keeps it, whatever the new size
            // (`_PyObject_Realloc` falls back to `PyMem_RawRealloc`).
            return self.system.reallocate(block, size);
        };
        let (old, mut keep) = self.live_small(held, addr);
        if size <= keep {
            // Shrinking copies only when it saves a quarter of the block.
            if 4 * size > 3 * keep {
                self.bytes = (self.bytes + size).saturating_sub(block.size);
                let addr = std::ptr::NonNull::new(old)?;
                return Some(Block { addr, size });
            }
            keep = size;
        }
        let new = self.allocate(size)?;
        // SAFETY: the old block is live with at least `keep` bytes (its
        // class size, or fewer); the new one was just handed out with at
        // least `size >= keep` bytes, so the two do not overlap.
        unsafe {
            ptr::copy_nonoverlapping(old, new.addr.as_ptr(), keep);
        }
        self.free(block);
        Some(new)
    }

    #[inline]
    fn free(&mut self, block: Block) {
        let addr = block.addr.as_ptr().addr();
        match self.arena_of(addr) {
            Some(held) => {
                self.free_small(held, addr);
                self.bytes = self.bytes.saturating_sub(block.size);
            }
            None => self.system.free(block),
        }
    }

    fn stats(&self) -> AllocatorStats {
        let system = self.system.stats();
        AllocatorStats {
            blocks: self.blocks + system.blocks,
            bytes: self.bytes + system.bytes,
        }
    }

    fn census(&self) -> Option<memlings_python::PoolCensus> {
        Some(self.take_census())
    }
}

// A pool's size is a power of two, which the masking needs.
const _: () = assert!(POOL_SIZE.is_power_of_two() && ARENA_SIZE.is_power_of_two());
