//! An arena: 1 MiB taken from the system at once, cut into 16 KiB pools
//! (`struct arena_object` in CPython 3.11's Objects/obmalloc.c).
//!
//! Unlike CPython's arenas (from `mmap`, page-aligned, so 63 whole pools
//! and 16 KiB lost to alignment), these are aligned to their own size: a
//! block's arena is its address with the low 20 bits cleared, its pool
//! the address with the low 14 bits cleared, and all 64 pools fit.

use std::alloc::{self, Layout};
use std::ptr::{self, NonNull};

use memlings_python::heap::ALIGNMENT;

use super::pool::{PoolHeader, POOL_SIZE};

pub const ARENA_BITS: u32 = 20;
/// 1 MiB in 3.10 and later (256 KiB before).
pub const ARENA_SIZE: usize = 1 << ARENA_BITS;
pub const MAX_POOLS_IN_ARENA: usize = ARENA_SIZE / POOL_SIZE;

/// "No arena", for the index links.
pub const NONE: u32 = u32::MAX;

const GRANULES: usize = ARENA_SIZE / ALIGNMENT;

fn layout() -> Layout {
    Layout::from_size_align(ARENA_SIZE, ARENA_SIZE).expect("1 MiB is a valid layout")
}

/// One entry of the arena table.
#[derive(Debug)]
pub struct ArenaObject {
    /// The arena's memory; `None` for a table entry with no arena.
    pub address: Option<NonNull<u8>>,
    /// Pools carved so far from the start (`pool_address`, as a count).
    pub carved: u32,
    pub nfreepools: u32,
    pub ntotalpools: u32,
    /// Empty pools carved before, singly linked through `nextpool`.
    pub freepools: *mut PoolHeader,
    /// usable_arenas' links (or nothing, for a full or unused arena).
    pub nextarena: u32,
    pub prevarena: u32,
    /// One bit per 16-byte granule: set where a block handed out starts.
    /// It is how `free` knows a block is live before touching its pool,
    /// so a forged or doubly freed `Block` is refused, not obeyed.
    live: Vec<u64>,
}

impl ArenaObject {
    pub fn unused() -> Self {
        ArenaObject {
            address: None,
            carved: 0,
            nfreepools: 0,
            ntotalpools: 0,
            freepools: ptr::null_mut(),
            nextarena: NONE,
            prevarena: NONE,
            live: Vec::new(),
        }
    }

    /// Takes a new arena from the system (`new_arena`'s second half); false
    /// when memory is exhausted.
    pub fn open(&mut self) -> bool {
        // SAFETY: the layout's size is not zero.
        let Some(address) = NonNull::new(unsafe { alloc::alloc(layout()) }) else {
            return false;
        };
        self.address = Some(address);
        self.carved = 0;
        self.nfreepools = MAX_POOLS_IN_ARENA as u32;
        self.ntotalpools = MAX_POOLS_IN_ARENA as u32;
        self.freepools = ptr::null_mut();
        self.live = vec![0; GRANULES / 64];
        true
    }

    /// Gives the arena's memory back; the entry becomes unused.
    pub fn close(&mut self) {
        if let Some(address) = self.address.take() {
            // SAFETY: `address` came from `alloc` with this layout in
            // `open`, and taking it out of `self.address` means it is
            // deallocated once.
            unsafe { alloc::dealloc(address.as_ptr(), layout()) };
        }
        self.live = Vec::new();
        self.freepools = ptr::null_mut();
    }

    /// The arena's first byte, with its provenance.
    #[inline]
    pub fn base(&self) -> *mut u8 {
        self.address.map_or(ptr::null_mut(), NonNull::as_ptr)
    }

    /// The pool numbered `index` from the start, with the arena's
    /// provenance (a pointer only: nothing is read).
    pub fn pool(&self, index: usize) -> *mut PoolHeader {
        self.base().wrapping_add(index * POOL_SIZE).cast()
    }

    /// The byte at `offset`, with the arena's provenance.
    #[inline]
    pub fn at(&self, offset: usize) -> *mut u8 {
        self.base().wrapping_add(offset)
    }

    /// Marks the block at `offset` handed out.
    #[inline]
    pub fn mark(&mut self, offset: usize) {
        let granule = offset / ALIGNMENT;
        self.live[granule / 64] |= 1 << (granule % 64);
    }

    /// Clears the mark of the block at `offset`; false if it had none (not
    /// a block handed out, or freed already).
    #[inline]
    pub fn unmark(&mut self, offset: usize) -> bool {
        let granule = offset / ALIGNMENT;
        let (word, bit) = (granule / 64, 1u64 << (granule % 64));
        let was = self.live[word] & bit != 0;
        self.live[word] &= !bit;
        was
    }

    /// Whether a block handed out starts at `offset`.
    pub fn is_live(&self, offset: usize) -> bool {
        let granule = offset / ALIGNMENT;
        self.live
            .get(granule / 64)
            .is_some_and(|word| word & (1 << (granule % 64)) != 0)
    }
}

impl Drop for ArenaObject {
    fn drop(&mut self) {
        self.close();
    }
}
