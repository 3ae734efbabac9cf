//! The book's figures of a pool and of an arena (book/src/pools/figures/),
//! drawn from the reference pymalloc's real state in the middle of a
//! Python program run by the interpreter, and checked against the files
//! committed. After a change to the allocator, the heap or the renderer,
//! regenerate them with
//!
//! ```text
//! MEMLINGS_FIGURES=1 cargo test -p memlings-heap --test figures
//! ```
//!
//! and look at the difference before committing it.

use std::path::PathBuf;

use memlings_heap::pools::picture::{arena_svg, pool_svg};
use memlings_heap::pools::{PoolAllocator, PoolBlocks};
use memlings_heap::ReferenceHeap;
use memlings_python::{run_on, Allocator, AllocatorStats, Block, Options, PoolCensus};

/// The program: a table of (int, str) rows built, notes of about 70
/// characters (128-byte blocks) made on the side and dropped, then every
/// third row dropped, as a program that loads a table, works on the side,
/// and filters the table. At the marker (a str of 300 characters, a
/// request nothing else makes) the state is drawn.
const PROGRAM: &str = "\
n = 300
rows = []
for i in range(3000):
    rows.append((i, str(i) * 2))
notes = []
for i in range(600):
    notes.append('n' * 70 + str(i))
del notes
for i in range(0, 3000, 3):
    rows[i] = None
marker = '<' * n
";
/// `PyASCIIObject` (48 bytes), 300 characters and a NUL.
const MARKER: usize = 48 + 300 + 1;
/// The class of the 56-byte tuples and of the strs of 2 to 15 characters
/// (51 to 64 bytes): 64-byte blocks.
const SZIDX: usize = 3;

/// The pools, with a look taken just before the marker's request.
#[derive(Default)]
struct Snapshot {
    inner: PoolAllocator,
    taken: Option<(PoolCensus, PoolBlocks)>,
}

impl Snapshot {
    fn look(&mut self) {
        let census = self.inner.census().expect("pools have a census");
        // The class's pool carved last: where blocks are still carved, and
        // where the program's frees left holes.
        let (arena, pool) = census
            .arenas
            .iter()
            .enumerate()
            .flat_map(|(a, arena)| arena.pools.iter().enumerate().map(move |(p, e)| (a, p, e)))
            .filter(|(_, _, entry)| entry.szidx == SZIDX && entry.used > 0)
            .map(|(a, p, _)| (a, p))
            .next_back()
            .expect("the program's pairs are in 64-byte blocks");
        let blocks = self.inner.pool_blocks(arena, pool).expect("a carved pool");
        self.taken = Some((census, blocks));
    }
}

// SAFETY: every block comes from the wrapped pool allocator, which made the
// promise; this one only looks.
unsafe impl Allocator for Snapshot {
    fn allocate(&mut self, size: usize) -> Option<Block> {
        if size == MARKER && self.taken.is_none() {
            self.look();
        }
        self.inner.allocate(size)
    }

    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block> {
        self.inner.reallocate(block, size)
    }

    fn free(&mut self, block: Block) {
        self.inner.free(block);
    }

    fn stats(&self) -> AllocatorStats {
        self.inner.stats()
    }
}

fn figures() -> Vec<(&'static str, String)> {
    let mut heap = ReferenceHeap::with_allocator(Snapshot::default());
    let out = run_on(&mut heap, PROGRAM, "table.py", &Options::default());
    assert!(out.error.is_none(), "{:?}", out.error);
    let (census, pool) = heap.allocator().taken.clone().expect("the marker was seen");
    let arena = &census.arenas[0];
    vec![
        (
            "pool.svg",
            pool_svg(
                &pool,
                "The last pool of 64-byte blocks carved, once every third row is dropped",
            ),
        ),
        (
            "arena.svg",
            arena_svg(arena, "Its arena at the same moment"),
        ),
    ]
}

#[test]
fn the_figures_are_drawn_from_the_allocator() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../book/src/pools/figures");
    let write = std::env::var_os("MEMLINGS_FIGURES").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (name, svg) in figures() {
        let path = dir.join(name);
        if write {
            std::fs::create_dir_all(&dir).expect("the figures folder");
            std::fs::write(&path, &svg).expect("a figure written");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(svg.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "figures differ from what the allocator draws now: {}\n\
         regenerate them with MEMLINGS_FIGURES=1 cargo test -p memlings-heap --test figures",
        stale.join(", ")
    );
}

#[test]
fn the_pool_shows_every_state_of_a_block() {
    let (_, pool) = figures_state();
    use memlings_heap::pools::BlockState::*;
    assert!(pool.blocks.contains(&InUse));
    assert!(pool.blocks.contains(&Free(0)));
    assert!(pool.blocks.contains(&Uncarved));
    // Every free block found its place on the free list: positions 0..k.
    let mut free: Vec<usize> = pool
        .blocks
        .iter()
        .filter_map(|b| match b {
            Free(k) => Some(*k),
            _ => None,
        })
        .collect();
    free.sort_unstable();
    assert_eq!(free, (0..free.len()).collect::<Vec<_>>());
}

fn figures_state() -> (PoolCensus, PoolBlocks) {
    let mut heap = ReferenceHeap::with_allocator(Snapshot::default());
    let out = run_on(&mut heap, PROGRAM, "table.py", &Options::default());
    assert!(out.error.is_none(), "{:?}", out.error);
    heap.allocator().taken.clone().expect("the marker was seen")
}
