//! The allocator's behaviour, step by step as obmalloc.c does it. Small
//! enough for Miri (`.ci/miri`), which checks every pointer operation.

use memlings_python::heap::ALIGNMENT;
use memlings_python::{Allocator, AllocatorStats, Block, PoolCensusEntry};

use super::*;

fn addr(block: Block) -> usize {
    block.addr.as_ptr().addr()
}

fn write(block: Block, byte: u8) {
    // SAFETY: every block here is live and at least `block.size` bytes.
    unsafe { block.addr.as_ptr().write_bytes(byte, block.size) };
}

fn read(block: Block) -> Vec<u8> {
    // SAFETY: as in `write`; each block read was written first.
    unsafe { std::slice::from_raw_parts(block.addr.as_ptr(), block.size).to_vec() }
}

fn alloc(a: &mut PoolAllocator, size: usize) -> Block {
    a.allocate(size).expect("memory")
}

/// The used counts of the first arena's pools.
fn pools(a: &PoolAllocator) -> Vec<PoolCensusEntry> {
    a.census().expect("a census").arenas[0].pools.clone()
}

#[test]
fn blocks_are_carved_one_ahead_and_freed_last_in_first_out() {
    let mut a = PoolAllocator::new();
    let first = alloc(&mut a, 24);
    let base = first.addr.as_ptr().addr() & !(ARENA_SIZE - 1);
    assert_eq!(addr(first), base + POOL_OVERHEAD, "after the pool's header");
    let second = alloc(&mut a, 32);
    assert_eq!(
        addr(second),
        addr(first) + 32,
        "the same class, the next block"
    );
    let third = alloc(&mut a, 17);
    let other = alloc(&mut a, 48);
    assert_eq!(
        addr(other),
        base + POOL_SIZE + POOL_OVERHEAD,
        "class 2 takes pool 1"
    );
    a.free(first);
    a.free(third);
    // The last freed is the first handed out again.
    assert_eq!(addr(alloc(&mut a, 20)), addr(third));
    assert_eq!(addr(alloc(&mut a, 20)), addr(first));
    assert_eq!(
        pools(&a),
        [
            PoolCensusEntry { szidx: 1, used: 3 },
            PoolCensusEntry { szidx: 2, used: 1 }
        ]
    );
    for block in [first, second, third, other] {
        assert_eq!(addr(block) % ALIGNMENT, 0);
    }
}

#[test]
fn zero_and_large_requests_go_to_the_system_and_are_counted() {
    let mut a = PoolAllocator::new();
    let zero = alloc(&mut a, 0);
    let large = alloc(&mut a, 513);
    let small = alloc(&mut a, 512);
    assert_eq!(a.census().expect("a census").arenas.len(), 1);
    assert_eq!(pools(&a), [PoolCensusEntry { szidx: 31, used: 1 }]);
    assert_eq!(
        a.stats(),
        AllocatorStats {
            blocks: 3,
            bytes: 1025
        }
    );
    for block in [zero, large, small] {
        a.free(block);
    }
    assert_eq!(a.stats(), AllocatorStats::default());
}

#[test]
fn a_full_pool_leaves_usedpools_and_rejoins_at_the_front() {
    let mut a = PoolAllocator::new();
    // 16 KiB less the header holds 31 blocks of 512 bytes.
    let blocks: Vec<Block> = (0..31 * 2 + 1).map(|_| alloc(&mut a, 512)).collect();
    assert_eq!(
        pools(&a).iter().map(|p| p.used).collect::<Vec<_>>(),
        [31, 31, 1]
    );
    // Pool 0 has room again and goes before pool 2 in usedpools.
    a.free(blocks[5]);
    assert_eq!(addr(alloc(&mut a, 500)), addr(blocks[5]));
    // Pool 0 is full again, so pool 2 serves.
    assert_eq!(addr(alloc(&mut a, 500)), addr(blocks[62]) + 512);
}

#[test]
fn an_empty_pool_is_reused_for_any_class() {
    let mut a = PoolAllocator::new();
    let keep = alloc(&mut a, 100);
    let gone: Vec<Block> = (0..3).map(|_| alloc(&mut a, 16)).collect();
    for &block in gone.iter().rev() {
        a.free(block);
    }
    assert_eq!(pools(&a)[1], PoolCensusEntry { szidx: 0, used: 0 });
    let census = a.census().expect("a census");
    assert_eq!(census.arenas[0].nfreepools, MAX_POOLS_IN_ARENA - 1);
    // Class 0 again: its free list was kept, LIFO, the last freed first.
    assert_eq!(addr(alloc(&mut a, 8)), addr(gone[0]));
    a.free(Block {
        addr: gone[0].addr,
        size: 8,
    });
    // Another class: the freed pool is carved again from its start.
    let b = alloc(&mut a, 200);
    assert_eq!(addr(b), addr(gone[0]));
    assert_eq!(pools(&a)[1], PoolCensusEntry { szidx: 12, used: 1 });
    a.free(b);
    a.free(keep);
}

/// Fills `n` arenas with 512-byte blocks, 64 pools of 31 each.
fn fill_arenas(a: &mut PoolAllocator, n: usize) -> Vec<Vec<Block>> {
    (0..n)
        .map(|_| {
            (0..MAX_POOLS_IN_ARENA * 31)
                .map(|_| alloc(a, 512))
                .collect()
        })
        .collect()
}

#[test]
fn usable_arenas_are_used_fewest_free_pools_first() {
    let mut a = PoolAllocator::new();
    let arenas = fill_arenas(&mut a, 2);
    let base = |b: Block| addr(b) & !(ARENA_SIZE - 1);
    let (first, second) = (base(arenas[0][0]), base(arenas[1][0]));
    assert_ne!(first, second);
    // Two pools free in the first arena, one in the second.
    for pool in [3, 7] {
        for &b in &arenas[0][pool * 31..(pool + 1) * 31] {
            a.free(b);
        }
    }
    for &b in &arenas[1][10 * 31..11 * 31] {
        a.free(b);
    }
    // A new pool comes from the arena with the fewest free pools: the
    // second; then the first, whose freepools give back pool 7 first.
    assert_eq!(base(alloc(&mut a, 64)), second);
    assert_eq!(
        addr(alloc(&mut a, 300)),
        first + 7 * POOL_SIZE + POOL_OVERHEAD
    );
    assert_eq!(
        addr(alloc(&mut a, 200)),
        first + 3 * POOL_SIZE + POOL_OVERHEAD
    );
}

#[test]
fn an_empty_arena_goes_back_unless_it_is_the_last() {
    let mut a = PoolAllocator::new();
    let arenas = fill_arenas(&mut a, 2);
    let census = a.census().expect("a census");
    assert_eq!(census.arenas.len(), 2);
    assert!(census.arenas.iter().all(|arena| arena.nfreepools == 0));
    // Emptying the second arena: the only usable one, so it stays.
    for &b in &arenas[1] {
        a.free(b);
    }
    assert_eq!(a.arenas_held(), 2);
    // Emptying the first: the second is usable after it, so it goes.
    for &b in &arenas[0] {
        a.free(b);
    }
    let census = a.census().expect("a census");
    assert_eq!(census.arenas.len(), 1);
    assert_eq!(census.arenas[0].nfreepools, MAX_POOLS_IN_ARENA);
    assert_eq!(census.arenas[0].pools.len(), MAX_POOLS_IN_ARENA);
    assert_eq!(
        (census.arenas_allocated_total, census.arenas_highwater),
        (2, 2)
    );
    // Two arenas' worth again: the one kept, then a new one, in the table
    // entry given back (the first, so it comes first in the census).
    let more = fill_arenas(&mut a, 2);
    let census = a.census().expect("a census");
    assert_eq!(census.arenas.len(), 2);
    assert_eq!(
        (census.arenas_allocated_total, census.arenas_highwater),
        (3, 2)
    );
    let second = addr(more[1][0]) & !(ARENA_SIZE - 1);
    assert_eq!(census.arenas[0].address, second);
    for b in more.into_iter().flatten() {
        a.free(b);
    }
    assert_eq!(a.arenas_held(), 1, "the last arena is kept");
    assert_eq!(a.stats(), AllocatorStats::default());
}

#[test]
fn reallocation_keeps_the_block_unless_a_quarter_is_saved() {
    let mut a = PoolAllocator::new();
    let b = alloc(&mut a, 64);
    write(b, 7);
    // 49 bytes still need more than 3/4 of 64: the block stays.
    let same = a.reallocate(b, 49).expect("memory");
    assert_eq!(addr(same), addr(b));
    // 48 is 3/4: it moves to a 48-byte block, with its first 48 bytes.
    let moved = a.reallocate(same, 48).expect("memory");
    assert_ne!(addr(moved), addr(b));
    assert_eq!(read(moved), [7; 48]);
    // Growing past 512 moves it to the system, contents kept.
    let big = a.reallocate(moved, 600).expect("memory");
    assert_eq!(&read(big)[..48], [7; 48]);
    // A system block stays the system's, even made small.
    let small = a.reallocate(big, 16).expect("memory");
    assert_eq!(read(small), [7; 16]);
    assert_eq!(a.census().expect("a census").arenas[0].pools[0].used, 0);
    assert_eq!(a.stats().blocks, 1);
    a.free(small);
    assert_eq!(a.stats(), AllocatorStats::default());
}

#[test]
#[should_panic(expected = "not handed out by this allocator, or was freed already")]
fn a_block_freed_twice_is_refused() {
    let mut a = PoolAllocator::new();
    let b = alloc(&mut a, 40);
    let _keep = alloc(&mut a, 40);
    a.free(b);
    a.free(b);
}

#[test]
#[should_panic(expected = "not handed out by this allocator, or was freed already")]
fn an_address_inside_a_block_is_refused() {
    let mut a = PoolAllocator::new();
    let b = alloc(&mut a, 64);
    let inside = std::ptr::NonNull::new(b.addr.as_ptr().wrapping_add(16)).expect("not null");
    a.free(Block {
        addr: inside,
        size: 16,
    });
}

#[test]
fn random_churn_keeps_contents_and_counts() {
    let ops = if cfg!(miri) { 600 } else { 60_000 };
    let mut a = PoolAllocator::new();
    let mut live: Vec<(Block, u8)> = Vec::new();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in 0..ops {
        let r = next();
        if live.len() < 8 || (r % 5 < 3 && live.len() < 3000) {
            let size = match r % 11 {
                0 => 0,
                1 => 513 + (r >> 8) as usize % 600,
                _ => 1 + (r >> 8) as usize % 512,
            };
            let block = alloc(&mut a, size);
            write(block, i as u8);
            live.push((block, i as u8));
        } else {
            let at = (r >> 16) as usize % live.len();
            let (block, byte) = live.swap_remove(at);
            assert!(read(block).iter().all(|&b| b == byte), "contents lost");
            if r % 7 == 0 {
                let size = (r >> 24) as usize % 700;
                let moved = a.reallocate(block, size).expect("memory");
                let kept = block.size.min(size);
                assert!(read(moved)[..kept].iter().all(|&b| b == byte));
                write(moved, byte);
                live.push((moved, byte));
            } else {
                a.free(block);
            }
        }
    }
    let census = a.census().expect("a census");
    let in_pools: usize = census
        .arenas
        .iter()
        .flat_map(|arena| &arena.pools)
        .map(|pool| pool.used)
        .sum();
    let small = live
        .iter()
        .filter(|(b, _)| a.arena_of(addr(*b)).is_some())
        .count();
    assert_eq!(in_pools, small);
    assert_eq!(a.stats().blocks, live.len());
    for (block, _) in live {
        a.free(block);
    }
    assert_eq!(a.stats(), AllocatorStats::default());
    assert_eq!(a.arenas_held(), 1);
}
