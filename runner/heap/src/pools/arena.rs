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

/// Words of the live map per arena: one bit per 16-byte granule.
const WORDS_PER_ARENA: usize = ARENA_SIZE / ALIGNMENT / 64;

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
}

/// One bit per 16-byte granule of every arena, set where a block handed
/// out starts. It is how `free` knows a block is live before touching its
/// pool, so a forged or doubly freed `Block` is refused, not obeyed. One
/// vector for all arenas, indexed by arena table index, so finding a bit
/// takes no load beyond the word itself.
#[derive(Default)]
pub struct LiveMap {
    words: Vec<u64>,
}

impl std::fmt::Debug for LiveMap {
    /// The bits set, not the thousands of words.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let live: u32 = self.words.iter().map(|w| w.count_ones()).sum();
        write!(
            f,
            "LiveMap {{ arenas: {}, live: {live} }}",
            self.words.len() / WORDS_PER_ARENA
        )
    }
}

impl LiveMap {
    /// Makes room for arena `index` (its bits are clear: an arena is given
    /// back only once all its blocks are free).
    pub fn cover(&mut self, index: u32) {
        let need = (index as usize + 1) * WORDS_PER_ARENA;
        if self.words.len() < need {
            // Exactly: the map's bytes count against utilization.
            self.words.reserve_exact(need - self.words.len());
            self.words.resize(need, 0);
        }
    }

    #[inline]
    fn at(index: u32, offset: usize) -> (usize, u64) {
        let granule = offset / ALIGNMENT;
        (
            index as usize * WORDS_PER_ARENA + granule / 64,
            1 << (granule % 64),
        )
    }

    /// Marks the block at `offset` of arena `index` handed out.
    #[inline]
    pub fn mark(&mut self, index: u32, offset: usize) {
        let (word, bit) = Self::at(index, offset);
        self.words[word] |= bit;
    }

    /// Clears the mark of the block at `offset` of arena `index`; false if
    /// it had none (not a block handed out, or freed already).
    #[inline]
    pub fn unmark(&mut self, index: u32, offset: usize) -> bool {
        let (word, bit) = Self::at(index, offset);
        let was = self.words[word] & bit != 0;
        self.words[word] &= !bit;
        was
    }

    /// Whether a block handed out starts at `offset` of arena `index`.
    pub fn is_live(&self, index: u32, offset: usize) -> bool {
        let (word, bit) = Self::at(index, offset);
        self.words.get(word).is_some_and(|w| w & bit != 0)
    }
}

impl Drop for ArenaObject {
    fn drop(&mut self) {
        self.close();
    }
}
