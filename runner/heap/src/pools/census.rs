//! The census: every arena held, and in each the pools carved so far, read
//! from the pools' own headers as `_PyObject_DebugMallocStats` reads them.
//! Also a pool's blocks one by one, for the book's pictures.

use memlings_python::{ArenaCensus, PoolCensus, PoolCensusEntry};

use super::allocator::PoolAllocator;
use super::pool::{self, POOL_OVERHEAD, POOL_SIZE};
use super::size_class::block_size;

/// What one block-sized stretch of a pool is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockState {
    InUse,
    /// On the free list, at this position from its head (0 is handed out
    /// next).
    Free(usize),
    /// Past `nextoffset`: never handed out.
    Uncarved,
}

/// One carved pool, block by block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolBlocks {
    pub szidx: usize,
    pub block_size: usize,
    /// From the first block after the header to the last whole one.
    pub blocks: Vec<BlockState>,
}

impl PoolAllocator {
    pub(super) fn take_census(&self) -> PoolCensus {
        let arenas = self
            .arenas
            .iter()
            .filter(|arena| arena.address.is_some())
            .map(|arena| ArenaCensus {
                address: arena.base().addr(),
                nfreepools: arena.nfreepools as usize,
                ntotalpools: arena.ntotalpools as usize,
                pools: (0..arena.carved as usize)
                    .map(|i| {
                        let pool = arena.pool(i);
                        // SAFETY: the first `carved` pools of a live arena
                        // have initialized headers.
                        let (szidx, used) = unsafe { ((*pool).szidx, (*pool).count) };
                        PoolCensusEntry {
                            szidx: szidx as usize,
                            used: used as usize,
                        }
                    })
                    .collect(),
            })
            .collect();
        PoolCensus {
            arenas,
            arenas_allocated_total: self.ntimes_arena_allocated,
            arenas_highwater: self.narenas_highwater,
        }
    }

    /// The blocks of carved pool `pool` of the `arena`-th arena held (in
    /// table order, as in the census), or `None` if there is no such pool.
    pub fn pool_blocks(&self, arena: usize, pool: usize) -> Option<PoolBlocks> {
        let (index, arena) = self
            .arenas
            .iter()
            .enumerate()
            .filter(|(_, a)| a.address.is_some())
            .nth(arena)?;
        if pool >= arena.carved as usize {
            return None;
        }
        let header = arena.pool(pool);
        // SAFETY: a carved pool's header is initialized.
        let (szidx, mut next, nextoffset) = unsafe {
            (
                (*header).szidx as usize,
                (*header).freeblock,
                (*header).nextoffset as usize,
            )
        };
        let size = block_size(szidx);
        let count = pool::blocks_per_pool(szidx);
        let start = pool * POOL_SIZE;
        let mut blocks: Vec<BlockState> = (0..count)
            .map(|i| {
                let offset = POOL_OVERHEAD + i * size;
                if self.live_map().is_live(index as u32, start + offset) {
                    BlockState::InUse
                } else if offset >= nextoffset {
                    BlockState::Uncarved
                } else {
                    // Carved and not in use: it must be on the free list,
                    // which the walk below finds.
                    BlockState::Free(usize::MAX)
                }
            })
            .collect();
        let mut position = 0;
        while !next.is_null() {
            let offset = next.addr() - header.addr();
            let i = (offset - POOL_OVERHEAD) / size;
            blocks[i] = BlockState::Free(position);
            position += 1;
            // SAFETY: a free-list entry is a free block of this pool, its
            // first 8 bytes the next entry.
            next = unsafe { next.cast::<*mut u8>().read() };
        }
        Some(PoolBlocks {
            szidx,
            block_size: size,
            blocks,
        })
    }
}
