//! Check for `arenas`: the allocator driven through `Allocator`, each call
//! with where its block landed (arena, pool, offset in the pool, or the
//! system) and `stats()` after it. Blocks carved in order in pools of their
//! class; LIFO reuse; a full pool leaving usedpools and coming back to the
//! front; an empty pool going to its arena's freepools and serving another
//! class, or its own class with its free list as it was; usable_arenas
//! sorted by free pools through a pattern of frees; an arena given back
//! when its last pool empties, except the last usable one (CPython 3.11,
//! bpo-37257); requests of 0 and over 512 bytes from the system, counted;
//! `reallocate` in place or moved (pymalloc_realloc's 3/4 rule), contents
//! kept; a long random sequence with every block's bytes checked; and a
//! Python program on `ReferenceHeap<Pymalloc>`, whose output must be what
//! python3 3.11.7 printed for it; and the census that `census()` (written
//! for the learner) reads from the learner's books: an empty pool still
//! carved, three arenas, and the highwater mark once two went back.

use std::collections::BTreeMap;

use memlings_python::{Allocator, Block, Options};

use crate::exercise::{Place, PoolId, Pymalloc, ARENA_SIZE, POOLS_PER_ARENA};
use crate::harness::{attempt, Case};

pub const CASES: &[Case] = &[
    ("placement", placement),
    ("lifo_reuse", lifo_reuse),
    ("blocks_per_pool", blocks_per_pool),
    ("full_pool_rejoins_front", full_pool_rejoins_front),
    ("empty_pool_reused", empty_pool_reused),
    ("arenas_sorted", arenas_sorted),
    ("arena_released", arena_released),
    ("system_blocks", system_blocks),
    ("reallocate", reallocate),
    ("random_sequence", random_sequence),
    ("python_program", python_program),
    ("census", census),
];

/// Where a block is, in words.
fn place(a: &Pymalloc, block: Block) -> String {
    match attempt(|| a.locate(block.addr)) {
        Ok(Place::Pool(id, offset)) => {
            format!("arena {} pool {:>2} offset {offset:>5}", id.arena, id.pool)
        }
        Ok(Place::System) => "system".to_string(),
        Err(msg) => format!("locate panicked: {msg}"),
    }
}

fn stats(a: &Pymalloc) -> String {
    match attempt(|| a.stats()) {
        Ok(s) => format!("blocks {} bytes {}", s.blocks, s.bytes),
        Err(msg) => format!("stats panicked: {msg}"),
    }
}

fn pools(list: &[PoolId]) -> String {
    let shown: Vec<String> = list
        .iter()
        .map(|id| format!("{}:{}", id.arena, id.pool))
        .collect();
    format!("[{}]", shown.join(", "))
}

fn usedpools(a: &Pymalloc, szidx: usize) -> String {
    match attempt(|| a.usedpools(szidx)) {
        Ok(list) => pools(&list),
        Err(msg) => format!("panicked: {msg}"),
    }
}

fn usable(a: &Pymalloc) -> String {
    match attempt(|| a.usable_arenas()) {
        Ok(list) => {
            let shown: Vec<String> = list
                .iter()
                .map(|(i, nf)| format!("arena {i}: {nf} free"))
                .collect();
            format!("[{}]", shown.join(", "))
        }
        Err(msg) => format!("panicked: {msg}"),
    }
}

fn arenas(a: &Pymalloc) -> String {
    let c = a.arena_counts();
    format!(
        "arenas: live {:?}, allocated total {}, reclaimed {}, current {}",
        a.live_arenas(),
        c.allocated_total,
        c.reclaimed,
        c.current
    )
}

fn header(a: &Pymalloc, arena: usize, pool: usize) -> String {
    match a.pool_header(PoolId { arena, pool }) {
        Some(h) => {
            let free = h.freeblock.map_or("None".to_string(), |f| f.to_string());
            format!(
                "pool {arena}:{pool} class {:>2} count {:>3} freeblock {free:<5} nextoffset {}",
                h.szidx, h.count, h.nextoffset
            )
        }
        None => format!("pool {arena}:{pool}: not carved"),
    }
}

/// `allocate(size)`, logged: where the block landed and the stats after.
fn allocate(out: &mut String, a: &mut Pymalloc, name: &str, size: usize) -> Option<Block> {
    match attempt(|| a.allocate(size)) {
        Ok(Some(block)) => {
            let call = format!("{name} = allocate({size})");
            *out += &format!("{call:<22} {:<30} {}\n", place(a, block), stats(a));
            Some(block)
        }
        Ok(None) => {
            *out += &format!("{name} = allocate({size}) -> None\n");
            None
        }
        Err(msg) => {
            *out += &format!("{name} = allocate({size}) panicked: {msg}\n");
            None
        }
    }
}

fn free(out: &mut String, a: &mut Pymalloc, name: &str, block: Block) {
    let before = place(a, block);
    match attempt(|| a.free(block)) {
        Ok(()) => {
            let call = format!("free({name})");
            *out += &format!("{call:<22} {before:<30} {}\n", stats(a));
        }
        Err(msg) => *out += &format!("free({name}) panicked: {msg}\n"),
    }
}

/// Allocates `n` blocks of `size`, quietly; stops at the first failure.
fn many(a: &mut Pymalloc, n: usize, size: usize) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    for _ in 0..n {
        match attempt(|| a.allocate(size)) {
            Ok(Some(block)) => blocks.push(block),
            Ok(None) => return Err(format!("allocate({size}) -> None")),
            Err(msg) => return Err(format!("allocate({size}) panicked: {msg}")),
        }
    }
    Ok(blocks)
}

fn free_all(a: &mut Pymalloc, blocks: &[Block]) -> Result<(), String> {
    for &block in blocks {
        attempt(|| a.free(block)).map_err(|msg| format!("free panicked: {msg}"))?;
    }
    Ok(())
}

fn placement() -> String {
    let mut out =
        "requests of several classes, in turn: each class carves its own pool\n".to_string();
    let mut a = Pymalloc::default();
    let sizes = [16, 1, 17, 32, 48, 512, 33, 20, 511, 0, 513, 16];
    for (i, &size) in sizes.iter().enumerate() {
        allocate(&mut out, &mut a, &format!("b{i}"), size);
    }
    out += &format!("usable_arenas: {}\n{}\n", usable(&a), arenas(&a));
    for szidx in [0, 1, 2, 31] {
        out += &format!("usedpools[{szidx}]: {}\n", usedpools(&a, szidx));
    }
    out
}

fn lifo_reuse() -> String {
    let mut out = "class 3 (64-byte blocks): six blocks, three freed, four taken\n".to_string();
    let mut a = Pymalloc::default();
    let mut blocks = Vec::new();
    for i in 0..6 {
        blocks.extend(allocate(&mut out, &mut a, &format!("b{i}"), 64));
    }
    out += &format!("  {}\n", header(&a, 0, 0));
    for i in [1, 4, 2] {
        if let Some(&b) = blocks.get(i) {
            free(&mut out, &mut a, &format!("b{i}"), b);
            out += &format!("  {}\n", header(&a, 0, 0));
        }
    }
    out += "the last freed comes back first, then the block carved ahead of time (and the next is carved)\n";
    for i in 6..10 {
        allocate(&mut out, &mut a, &format!("b{i}"), 50);
        out += &format!("  {}\n", header(&a, 0, 0));
    }
    out
}

fn full_pool_rejoins_front() -> String {
    let mut out = "class 31 (512-byte blocks): 31 blocks fill a pool\n".to_string();
    let mut a = Pymalloc::default();
    let first = match many(&mut a, 30, 512) {
        Ok(blocks) => blocks,
        Err(msg) => return out + &msg + "\n",
    };
    out += &format!(
        "30 blocks: {} .. {}; usedpools[31]: {}\n",
        place(&a, first[0]),
        place(&a, first[29]),
        usedpools(&a, 31)
    );
    out += &format!("  {}\n", header(&a, 0, 0));
    let Some(last) = allocate(&mut out, &mut a, "b30", 512) else {
        return out;
    };
    out += &format!(
        "  {}\n  full: usedpools[31]: {}\n",
        header(&a, 0, 0),
        usedpools(&a, 31)
    );
    let Some(next) = allocate(&mut out, &mut a, "b31", 512) else {
        return out;
    };
    let b32 = allocate(&mut out, &mut a, "b32", 512);
    out += &format!("  a new pool: usedpools[31]: {}\n", usedpools(&a, 31));
    free(&mut out, &mut a, "b7", first[7]);
    out += &format!(
        "  back on the front: usedpools[31]: {}\n  {}\n",
        usedpools(&a, 31),
        header(&a, 0, 0)
    );
    allocate(&mut out, &mut a, "b33", 500);
    out += &format!("  full again: usedpools[31]: {}\n", usedpools(&a, 31));
    free(&mut out, &mut a, "b30", last);
    free(&mut out, &mut a, "b31", next);
    out += &format!("  usedpools[31]: {}\n", usedpools(&a, 31));
    if let Some(b32) = b32 {
        free(&mut out, &mut a, "b32", b32);
    }
    out += &format!(
        "  pool 0:1 empty, off the list: usedpools[31]: {}; freepools of arena 0: {:?}\n",
        usedpools(&a, 31),
        a.freepools(0)
    );
    allocate(&mut out, &mut a, "b34", 512);
    out
}

/// For each class, how many blocks one pool hands out before the next
/// allocation takes a second pool.
fn blocks_per_pool() -> String {
    let mut out = "class  block  blocks in the first pool  (16384 - 48) / block  first pool leaves usedpools\n".to_string();
    for szidx in 0..32 {
        let size = (szidx + 1) * 16;
        let mut a = Pymalloc::default();
        let mut count = 0;
        let mut left = "never".to_string();
        let shown = loop {
            match attempt(|| a.allocate(size)) {
                Ok(Some(block)) => match attempt(|| a.locate(block.addr)) {
                    Ok(Place::Pool(id, _)) if id.pool == 0 && count <= 1024 => {
                        count += 1;
                        if left == "never" && a.usedpools(szidx).is_empty() {
                            left = format!("after block {count}");
                        }
                    }
                    Ok(Place::Pool(..)) => break count.to_string(),
                    Ok(Place::System) => break "a block from the system".to_string(),
                    Err(msg) => break format!("locate panicked: {msg}"),
                },
                Ok(None) => break "allocate -> None".to_string(),
                Err(msg) => break format!("panicked: {msg}"),
            }
        };
        out += &format!(
            "{szidx:>5}  {size:>5}  {shown:>24}  {:>20}  {left}\n",
            (16384 - 48) / size
        );
    }
    out
}

fn empty_pool_reused() -> String {
    let mut out = "a pool that empties goes to its arena's freepools, for any class\n".to_string();
    let mut a = Pymalloc::default();
    let x = allocate(&mut out, &mut a, "x", 100);
    let y = allocate(&mut out, &mut a, "y", 30);
    let z = allocate(&mut out, &mut a, "z", 30);
    if let Some(x) = x {
        free(&mut out, &mut a, "x", x);
    }
    out += &format!(
        "  usedpools[6]: {}  freepools of arena 0: {:?}  {}\n",
        usedpools(&a, 6),
        a.freepools(0),
        usable(&a)
    );
    let w = allocate(&mut out, &mut a, "w", 300);
    out += &format!("  {}\n  {}\n", header(&a, 0, 0), header(&a, 0, 1));
    out +=
        "class 1's pool empties, then class 1 asks again: the same pool, its free list as it was\n";
    for (name, block) in [("z", z), ("y", y)] {
        if let Some(block) = block {
            free(&mut out, &mut a, name, block);
        }
    }
    out += &format!(
        "  {}  freepools of arena 0: {:?}\n",
        header(&a, 0, 1),
        a.freepools(0)
    );
    allocate(&mut out, &mut a, "v", 20);
    allocate(&mut out, &mut a, "u", 20);
    allocate(&mut out, &mut a, "t", 20);
    out += &format!("  {}\n", header(&a, 0, 1));
    if let Some(w) = w {
        free(&mut out, &mut a, "w", w);
    }
    out += &format!(
        "  freepools of arena 0: {:?}; {}\n",
        a.freepools(0),
        usable(&a)
    );
    out
}

/// One full arena's worth of 512-byte blocks: 64 pools of 31.
const PER_POOL: usize = 31;

/// Fills `n` arenas with 512-byte blocks; returns them by (arena, pool).
fn fill_arenas(a: &mut Pymalloc, n: usize) -> Result<BTreeMap<(usize, usize), Vec<Block>>, String> {
    let blocks = many(a, n * POOLS_PER_ARENA * PER_POOL, 512)?;
    let mut by_pool: BTreeMap<(usize, usize), Vec<Block>> = BTreeMap::new();
    for block in blocks {
        match attempt(|| a.locate(block.addr)) {
            Ok(Place::Pool(id, _)) => by_pool.entry((id.arena, id.pool)).or_default().push(block),
            other => return Err(format!("a 512-byte block is at {other:?}")),
        }
    }
    Ok(by_pool)
}

/// Frees every block of the given pools.
fn free_pools(
    a: &mut Pymalloc,
    by_pool: &mut BTreeMap<(usize, usize), Vec<Block>>,
    which: &[(usize, usize)],
) -> Result<(), String> {
    for key in which {
        let blocks = by_pool.remove(key).unwrap_or_default();
        free_all(a, &blocks)?;
    }
    Ok(())
}

fn arenas_sorted() -> String {
    let mut out =
        "three arenas filled with 512-byte blocks (64 pools of 31 blocks each)\n".to_string();
    let mut a = Pymalloc::default();
    let mut by_pool = match fill_arenas(&mut a, 3) {
        Ok(map) => map,
        Err(msg) => return out + &msg + "\n",
    };
    out += &format!(
        "{} pools in use; {}; usable_arenas: {}\n",
        by_pool.len(),
        stats(&a),
        usable(&a)
    );
    let steps: &[(&str, Vec<(usize, usize)>)] = &[
        (
            "free pools 0..5 of arena 0",
            (0..5).map(|p| (0, p)).collect(),
        ),
        (
            "free pools 0..2 of arena 2",
            (0..2).map(|p| (2, p)).collect(),
        ),
        (
            "free pools 10..19 of arena 1",
            (10..19).map(|p| (1, p)).collect(),
        ),
        (
            "free pools 5..7 of arena 0 (7 free)",
            (5..7).map(|p| (0, p)).collect(),
        ),
        (
            "free pools 2..7 of arena 2 (7 free, like arena 0)",
            (2..7).map(|p| (2, p)).collect(),
        ),
        ("free one block of pool 0:40", vec![]),
    ];
    for (what, which) in steps {
        if which.is_empty() {
            if let Some(block) = by_pool.get_mut(&(0, 40)).and_then(Vec::pop) {
                if let Err(msg) = free_all(&mut a, &[block]) {
                    return out + &msg + "\n";
                }
            }
        } else if let Err(msg) = free_pools(&mut a, &mut by_pool, which) {
            return out + &msg + "\n";
        }
        out += &format!("{what}: usable_arenas {}\n", usable(&a));
    }
    out += "new pools come from the first usable arena: the fullest\n";
    for (i, size) in [(0, 16), (1, 32), (2, 48)] {
        allocate(&mut out, &mut a, &format!("n{i}"), size);
        out += &format!("  usable_arenas {}\n", usable(&a));
    }
    out += &format!("{}\n", arenas(&a));
    out
}

fn arena_released() -> String {
    let mut out = "three arenas of 512-byte blocks, and one 16-byte block in a fourth; each emptied in turn\n".to_string();
    let mut a = Pymalloc::default();
    let mut by_pool = match fill_arenas(&mut a, 3) {
        Ok(map) => map,
        Err(msg) => return out + &msg + "\n",
    };
    let keep = match many(&mut a, 1, 16) {
        Ok(blocks) => blocks,
        Err(msg) => return out + &msg + "\n",
    };
    out += &format!(
        "plus one 16-byte block at {}\n{}\nusable_arenas {}\n",
        place(&a, keep[0]),
        arenas(&a),
        usable(&a)
    );
    let whole = |arena: usize| -> Vec<(usize, usize)> {
        (0..POOLS_PER_ARENA).map(|p| (arena, p)).collect()
    };
    let arena1 = whole(1);
    if let Err(msg) = free_pools(&mut a, &mut by_pool, &arena1[..63]) {
        return out + &msg + "\n";
    }
    out += &format!(
        "arena 1 down to its last pool: usable_arenas {}\n",
        usable(&a)
    );
    if let Err(msg) = free_all(&mut a, &keep) {
        return out + &msg + "\n";
    }
    out += &format!(
        "the 16-byte block freed: arena 3 empty, and the last usable arena: kept\n  usable_arenas {}\n  {}\n",
        usable(&a),
        arenas(&a)
    );
    if let Err(msg) = free_pools(&mut a, &mut by_pool, &arena1[63..]) {
        return out + &msg + "\n";
    }
    out += &format!(
        "arena 1 empty, with arena 3 after it: given back\n  usable_arenas {}\n  {}\n",
        usable(&a),
        arenas(&a)
    );
    for arena in [0, 2] {
        if let Err(msg) = free_pools(&mut a, &mut by_pool, &whole(arena)) {
            return out + &msg + "\n";
        }
        out += &format!(
            "arena {arena} empty, with arena 3 after it: given back\n  usable_arenas {}\n  {}\n",
            usable(&a),
            arenas(&a)
        );
    }
    out += "two arenas' worth of blocks: the kept arena first, then a new arena at the index freed last\n";
    match many(&mut a, 2 * POOLS_PER_ARENA * PER_POOL, 512) {
        Ok(blocks) => {
            out += &format!(
                "  first at {}, last at {}\n  {}\n",
                place(&a, blocks[0]),
                place(&a, blocks[blocks.len() - 1]),
                arenas(&a)
            );
            if let Err(msg) = free_all(&mut a, &blocks) {
                return out + &msg + "\n";
            }
        }
        Err(msg) => return out + &msg + "\n",
    }
    out += &format!(
        "all freed again: {}; usable_arenas {}\n  {}\n",
        stats(&a),
        usable(&a),
        arenas(&a)
    );
    out
}

fn system_blocks() -> String {
    let mut out = "0 bytes and more than 512 go to the system, and count in stats\n".to_string();
    let mut a = Pymalloc::default();
    let mut blocks = Vec::new();
    for (i, size) in [0, 513, 1000, 512, 100_000, 1 << 20]
        .into_iter()
        .enumerate()
    {
        if let Some(b) = allocate(&mut out, &mut a, &format!("b{i}"), size) {
            blocks.push((format!("b{i}"), b));
        }
    }
    out += &format!("{}\n", arenas(&a));
    for (name, b) in blocks.iter().rev() {
        free(&mut out, &mut a, name, *b);
    }
    out
}

/// Writes the pattern of block number `n` into its first `len` bytes.
fn write_pattern(block: Block, n: usize, len: usize) {
    // SAFETY: `block` is live and at least `len` bytes long (the caller's
    // promise); nothing else holds a reference into it.
    let bytes = unsafe { std::slice::from_raw_parts_mut(block.addr.as_ptr(), len) };
    for (j, byte) in bytes.iter_mut().enumerate() {
        *byte = (n * 37 + j * 11) as u8;
    }
}

/// The first of its first `len` bytes that differs from block `n`'s pattern.
fn differs(block: Block, n: usize, len: usize) -> Option<usize> {
    // SAFETY: `block` is live and its first `len` bytes were written with
    // the pattern (and moved by `reallocate` since, if at all).
    let bytes = unsafe { std::slice::from_raw_parts(block.addr.as_ptr(), len) };
    (0..len).find(|&j| bytes[j] != (n * 37 + j * 11) as u8)
}

fn reallocate() -> String {
    let mut out =
        "reallocate: in place when the new size fits the block and is more than 3/4 of it\n"
            .to_string();
    out +=
        "from  to    class  where before                  where after                   contents\n";
    let mut a = Pymalloc::default();
    let cases = [
        (48, 48),
        (48, 40),
        (48, 37),
        (48, 36),
        (48, 49),
        (100, 512),
        (512, 385),
        (512, 384),
        (20, 600),
        (600, 20),
        (600, 5000),
        (16, 0),
        (0, 16),
    ];
    for (n, (from, to)) in cases.into_iter().enumerate() {
        let Ok(Some(block)) = attempt(|| a.allocate(from)) else {
            out += &format!("allocate({from}) failed or panicked\n");
            return out;
        };
        write_pattern(block, n, from);
        let before = place(&a, block);
        let class = match from {
            1..=512 => format!("{}", (from - 1) / 16),
            _ => "-".to_string(),
        };
        match attempt(|| a.reallocate(block, to)) {
            Ok(Some(moved)) => {
                let kept = match differs(moved, n, from.min(to)) {
                    None => format!("{} bytes kept", from.min(to)),
                    Some(j) => format!("byte {j} changed"),
                };
                // Whether the system's realloc moves a block is its own
                // business (and differs between C libraries).
                let how = if before == "system" && place(&a, moved) == "system" {
                    "-"
                } else if moved.addr == block.addr {
                    "same"
                } else {
                    "moved"
                };
                out += &format!(
                    "{from:<5} {to:<5} {class:>5}  {before:<29} {:<23} {how:<5} {kept}\n",
                    place(&a, moved)
                );
                if moved.size != to {
                    out += &format!("  the block says {} bytes\n", moved.size);
                }
                if attempt(|| a.free(moved)).is_err() {
                    out += "  free panicked\n";
                }
            }
            Ok(None) => out += &format!("{from} -> {to}: None\n"),
            Err(msg) => out += &format!("{from} -> {to}: panicked: {msg}\n"),
        }
    }
    out += &format!("all freed: {}\n", stats(&a));
    out
}

/// A small deterministic generator (a 64-bit LCG), so the sequence is the
/// same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below
    }
}

fn random_sequence() -> String {
    let mut out = "6,000 allocations, reallocations and frees of 0 to 700 bytes, each block written and read back\n".to_string();
    let mut a = Pymalloc::default();
    let mut rng = Lcg(2026);
    // Live blocks: (block, pattern number).
    let mut live: Vec<(Block, usize)> = Vec::new();
    let mut want_bytes = 0;
    let mut problems = Vec::new();
    let mut peak_arenas = 0;
    let mut ops = [0usize; 3];
    for n in 0..6000 {
        let op = if live.is_empty() { 0 } else { rng.next(10) };
        let result = attempt(|| {
            if op < 5 {
                ops[0] += 1;
                let size = if rng.next(8) == 0 {
                    rng.next(701)
                } else {
                    rng.next(200)
                };
                let block = a.allocate(size).expect("memory");
                write_pattern(block, n, size);
                live.push((block, n));
                want_bytes += size;
            } else if op < 7 {
                ops[1] += 1;
                let i = rng.next(live.len());
                let (block, pattern) = live[i];
                let size = rng.next(600);
                let moved = a.reallocate(block, size).expect("memory");
                if let Some(j) = differs(moved, pattern, block.size.min(size)) {
                    problems.push(format!("op {n}: byte {j} of a reallocated block changed"));
                }
                // The bytes past the old size are new: write the pattern
                // whole again, so later checks cover them.
                write_pattern(moved, n, size);
                live[i] = (moved, n);
                want_bytes = want_bytes - block.size + size;
            } else {
                ops[2] += 1;
                let i = rng.next(live.len());
                let (block, pattern) = live.swap_remove(i);
                if let Some(j) = differs(block, pattern, block.size) {
                    problems.push(format!(
                        "op {n}: byte {j} of a block changed before its free"
                    ));
                }
                a.free(block);
                want_bytes -= block.size;
            }
        });
        if let Err(msg) = result {
            problems.push(format!("op {n}: panicked: {msg}"));
            break;
        }
        if a.stats().blocks != live.len() || a.stats().bytes != want_bytes {
            problems.push(format!(
                "op {n}: stats say {}, {} blocks of {want_bytes} bytes are live",
                stats(&a),
                live.len()
            ));
        }
        peak_arenas = peak_arenas.max(a.arena_counts().current);
        if problems.len() >= 5 {
            break;
        }
    }
    // No two live blocks overlap.
    let mut spans: Vec<(usize, usize)> = live
        .iter()
        .map(|(b, _)| (b.addr.as_ptr().addr(), b.size.max(1)))
        .collect();
    spans.sort();
    let overlaps = spans
        .windows(2)
        .filter(|w| w[0].0 + w[0].1 > w[1].0)
        .count();
    let misaligned = spans.iter().filter(|s| s.0 % 16 != 0).count();
    out += &format!(
        "{} allocations, {} reallocations, {} frees; {} live: {}\n",
        ops[0],
        ops[1],
        ops[2],
        live.len(),
        stats(&a)
    );
    out += &format!(
        "overlapping live blocks: {overlaps}; not 16-byte aligned: {misaligned}; most arenas at once: {peak_arenas}\n"
    );
    for p in &problems {
        out += &format!("  {p}\n");
    }
    for (block, pattern) in live.drain(..) {
        if differs(block, pattern, block.size).is_some() {
            out += "  a live block changed\n";
        }
        if let Err(msg) = attempt(|| a.free(block)) {
            out += &format!("  free panicked: {msg}\n");
            break;
        }
    }
    out += &format!("all freed: {}; {}\n", stats(&a), arenas(&a));
    out
}

const PROGRAM: &str = "class Node:
    def __init__(self, name, value):
        self.name = name
        self.value = value

rows = []
for i in range(300):
    rows.append((i, str(i) * 3, [i] * (i % 7)))
table = {}
for i in range(200):
    table['k' + str(i)] = Node('n' + str(i), i * i)
rows = rows[1::2]
total = 0
for r in rows:
    total = total + r[0] + len(r[1]) + len(r[2])
print(len(rows), total)
for i in range(0, 200, 3):
    del table['k' + str(i)]
total = 0
for node in table.values():
    total = total + node.value
print(len(table), total)
big = []
for x in range(5000):
    big.append(x * 2)
print(len(big), big[-1])
big = None
words = {}
for i in range(50):
    words[str(i % 17)] = words.get(str(i % 17), '') + 'x'
print(len(words), words['3'], words['16'])
rows = None
table = None
print('done')
";

/// What `python3` 3.11.7 printed for `PROGRAM`.
const PYTHON3: &str = "150 24135
133 1764511
5000 9998
17 xxx xx
done
";

fn python_program() -> String {
    let mut out = format!("{}--- output on ReferenceHeap<Pymalloc> ---\n", PROGRAM);
    // The interpreter recurses, so it gets a big stack, as `run_program`
    // gives it; the heap is made here so its allocator can be read after.
    let ran = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let mut heap = memlings_heap::ReferenceHeap::<Pymalloc>::default();
            let output =
                memlings_python::run_on(&mut heap, PROGRAM, "prog.py", &Options::default());
            let a = heap.allocator();
            let mut system = memlings_heap::ReferenceHeap::new();
            memlings_python::run_on(&mut system, PROGRAM, "prog.py", &Options::default());
            let end = format!(
                "allocator at the end: {}; {}\nthe same blocks and bytes as on the system allocator: {}",
                stats(a),
                arenas(a),
                a.stats() == system.allocator().stats()
            );
            (output, end)
        })
        .map(|worker| worker.join());
    match ran {
        Ok(Ok((output, end))) => {
            out += &output.stdout;
            if let Some(err) = output.error {
                out += &format!("[stopped] {err}\n");
            }
            out += &format!("same as python3 3.11.7: {}\n", output.stdout == PYTHON3);
            out += &format!("{end}\n");
        }
        Ok(Err(_)) => out += "the program's thread panicked\n",
        Err(e) => out += &format!("cannot start the program's thread: {e}\n"),
    }
    out
}

/// `census()` (written for the learner) over the learner's books: each
/// arena's free pools and carved pools, runs of equal pools shortened.
fn shown_census(a: &Pymalloc) -> String {
    let census = match attempt(|| a.census()) {
        Ok(Some(census)) => census,
        Ok(None) => return "census() -> None\n".to_string(),
        Err(msg) => return format!("census panicked: {msg}\n"),
    };
    let mut out = format!(
        "census: arenas allocated total {}, highwater {}, held {}\n",
        census.arenas_allocated_total,
        census.arenas_highwater,
        census.arenas.len()
    );
    for arena in &census.arenas {
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        for pool in &arena.pools {
            match runs.last_mut() {
                Some((szidx, used, n)) if (*szidx, *used) == (pool.szidx, pool.used) => *n += 1,
                _ => runs.push((pool.szidx, pool.used, 1)),
            }
        }
        let shown: Vec<String> = runs
            .iter()
            .map(|&(szidx, used, n)| match n {
                1 => format!("{szidx}:{used}"),
                _ => format!("{szidx}:{used} x{n}"),
            })
            .collect();
        out += &format!(
            "  arena on a 1 MiB boundary: {}, {} of {} pools free, pools (class:used) [{}]\n",
            arena.address % ARENA_SIZE == 0,
            arena.nfreepools,
            arena.ntotalpools,
            shown.join(", ")
        );
    }
    out
}

fn census() -> String {
    let mut out = "census() reads the arenas and pools, for sys._debugmallocstats()\n".to_string();
    let mut a = Pymalloc::default();
    let mut small = Vec::new();
    for (i, size) in [20, 20, 20, 100, 600].into_iter().enumerate() {
        small.extend(allocate(&mut out, &mut a, &format!("s{i}"), size));
    }
    let big = match many(&mut a, PER_POOL + 1, 512) {
        Ok(blocks) => blocks,
        Err(msg) => return out + &msg + "\n",
    };
    out += &format!(
        "{} blocks of 512 bytes: a full pool and one more\n",
        big.len()
    );
    if let Some(&block) = small.get(3) {
        free(&mut out, &mut a, "s3", block);
    }
    out += "the 100-byte pool is empty: still carved, with no block in use\n";
    out += &shown_census(&a);
    let more = match many(&mut a, 2 * POOLS_PER_ARENA * PER_POOL, 512) {
        Ok(blocks) => blocks,
        Err(msg) => return out + &msg + "\n",
    };
    out += &format!("{} more blocks of 512 bytes: three arenas\n", more.len());
    out += &shown_census(&a);
    if let Err(msg) = free_all(&mut a, &more) {
        return out + &msg + "\n";
    }
    out += "those freed again: the arenas they emptied go back, the highwater mark stays\n";
    out += &shown_census(&a);
    out
}
