//! Check for `pool`: every call with the header after it. Carving in
//! address order; LIFO reuse after frees, with carving only once the free
//! list is empty; the links as bytes inside the freed blocks (and the rest
//! of a freed block left as it was); a pool of every size class filled to
//! the last block (CPython 3.11's NUMBLOCKS: (16384 - 48) / size) and one
//! more allocation refused; freeing everything and taking it all back in
//! reverse; a pattern written into every block and read back after frees
//! and reuse; offsets that are not blocks; and the real addresses: 16-byte
//! aligned, inside the pool, and rounding down to 16 KiB finds the pool.

use crate::exercise::{Pool, POOL_SIZE};
use crate::harness::{attempt, Case};

pub const CASES: &[Case] = &[
    ("carving", carving),
    ("lifo_reuse", lifo_reuse),
    ("links_in_the_bytes", links_in_the_bytes),
    ("full_pools", full_pools),
    ("free_everything", free_everything),
    ("contents_preserved", contents_preserved),
    ("bad_frees", bad_frees),
    ("addresses", addresses),
];

/// The header's fields, on one line.
fn header(pool: &Pool) -> String {
    let h = pool.header();
    let free = match h.freeblock {
        Some(offset) => offset.to_string(),
        None => "None".to_string(),
    };
    format!(
        "count {:<4} freeblock {free:<5} nextoffset {:<5} maxnextoffset {}",
        h.count, h.nextoffset, h.maxnextoffset
    )
}

fn new_pool(out: &mut String, szidx: usize) -> Option<Pool> {
    match attempt(|| Pool::new(szidx)) {
        Ok(pool) => {
            let call = format!("Pool::new({szidx})");
            *out += &format!("{call:<35} {}\n", header(&pool));
            Some(pool)
        }
        Err(msg) => {
            *out += &format!("Pool::new({szidx}) panicked: {msg}\n");
            None
        }
    }
}

/// `allocate()`, logged with the header after it. `Err` if it panicked.
fn allocate(out: &mut String, pool: &mut Pool) -> Result<Option<usize>, String> {
    let result = attempt(|| pool.allocate());
    let shown = match &result {
        Ok(Some(offset)) => format!("Some({offset})"),
        Ok(None) => "None".to_string(),
        Err(msg) => format!("panicked: {msg}"),
    };
    let call = format!("allocate() -> {shown}");
    *out += &format!("{call:<35} {}\n", header(pool));
    result
}

fn free(out: &mut String, pool: &mut Pool, offset: usize) {
    let shown = match attempt(|| pool.free(offset)) {
        Ok(result) => format!("{result:?}"),
        Err(msg) => format!("panicked: {msg}"),
    };
    let offset = if offset == usize::MAX {
        "MAX".to_string()
    } else {
        offset.to_string()
    };
    let call = format!("free({offset}) -> {shown}");
    *out += &format!("{call:<35} {}\n", header(pool));
}

fn free_list(pool: &Pool) -> String {
    match attempt(|| pool.free_list()) {
        Ok(list) => format!("{list:?}"),
        Err(msg) => format!("panicked: {msg}"),
    }
}

/// Allocates until `None` (or a panic, or more blocks than a pool can
/// hold), quietly. Returns the offsets.
fn fill(pool: &mut Pool) -> (Vec<usize>, String) {
    let mut blocks = Vec::new();
    loop {
        match attempt(|| pool.allocate()) {
            Ok(Some(offset)) if blocks.len() <= POOL_SIZE / 16 => blocks.push(offset),
            Ok(Some(_)) => return (blocks, "never None: more blocks than fit!".to_string()),
            Ok(None) => return (blocks, "None".to_string()),
            Err(msg) => return (blocks, format!("panicked: {msg}")),
        }
    }
}

fn carving() -> String {
    let mut out = "size class 2: 48-byte blocks\n".to_string();
    let Some(mut pool) = new_pool(&mut out, 2) else {
        return out;
    };
    for _ in 0..5 {
        let _ = allocate(&mut out, &mut pool);
    }
    out += &format!("free list: {}\n", free_list(&pool));
    out
}

fn lifo_reuse() -> String {
    let mut out = "size class 0: 16-byte blocks\n".to_string();
    let Some(mut pool) = new_pool(&mut out, 0) else {
        return out;
    };
    for _ in 0..6 {
        let _ = allocate(&mut out, &mut pool);
    }
    for offset in [64, 112, 80] {
        free(&mut out, &mut pool, offset);
        out += &format!("  free list: {}\n", free_list(&pool));
    }
    out += "four allocations: the last freed comes back first, then one is carved\n";
    for _ in 0..4 {
        let _ = allocate(&mut out, &mut pool);
    }
    free(&mut out, &mut pool, 48);
    free(&mut out, &mut pool, 144);
    out += &format!("  free list: {}\n", free_list(&pool));
    let _ = allocate(&mut out, &mut pool);
    out += &format!("  free list: {}\n", free_list(&pool));
    out
}

/// The first 16 bytes of a block, in hex (native byte order), and, for a
/// free block, what its first 8 say as a link.
fn first_bytes(pool: &mut Pool, offset: usize, free: bool) -> String {
    match attempt(|| pool.block_mut(offset)[..16].to_vec()) {
        Ok(bytes) => {
            let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let mut link = [0u8; 8];
            link.copy_from_slice(&bytes[..8]);
            let link = usize::from_ne_bytes(link);
            if free {
                format!("{}  free, link {link}", hex.join(" "))
            } else {
                format!("{}  in use", hex.join(" "))
            }
        }
        Err(msg) => format!("block_mut panicked: {msg}"),
    }
}

fn links_in_the_bytes() -> String {
    let mut out = "size class 3: 64-byte blocks, each filled with its own byte\n".to_string();
    let Some(mut pool) = new_pool(&mut out, 3) else {
        return out;
    };
    let mut blocks = Vec::new();
    for byte in [0xa1u8, 0xb2, 0xc3] {
        if let Ok(Some(offset)) = allocate(&mut out, &mut pool) {
            let filled = attempt(|| pool.block_mut(offset).fill(byte));
            if let Err(msg) = filled {
                out += &format!("  block_mut({offset}) panicked: {msg}\n");
            }
            blocks.push(offset);
        }
    }
    let mut freed = Vec::new();
    for &offset in &blocks {
        out += &format!("  {offset:>3}: {}\n", first_bytes(&mut pool, offset, false));
    }
    for &offset in [1usize, 0, 2].iter().filter_map(|&i| blocks.get(i)) {
        free(&mut out, &mut pool, offset);
        freed.push(offset);
        for &b in &blocks {
            let line = first_bytes(&mut pool, b, freed.contains(&b));
            out += &format!("  {b:>3}: {line}\n");
        }
    }
    out += &format!("free list: {}\n", free_list(&pool));
    out
}

fn full_pools() -> String {
    let mut out = "class  block  blocks  first  last   allocate after that  nextoffset maxnextoffset  free(last) -> allocate()\n".to_string();
    for szidx in 0..32 {
        let Ok(mut pool) = attempt(|| Pool::new(szidx)) else {
            out += &format!("{szidx:>5}  Pool::new panicked\n");
            continue;
        };
        let (blocks, then) = fill(&mut pool);
        let h = pool.header();
        let again = match (blocks.last(), attempt(|| pool.allocate())) {
            (Some(&last), Ok(None)) => {
                let freed = match attempt(|| pool.free(last)) {
                    Ok(result) => format!("{result:?}"),
                    Err(msg) => format!("panicked: {msg}"),
                };
                let back = match attempt(|| pool.allocate()) {
                    Ok(result) => format!("{result:?}"),
                    Err(msg) => format!("panicked: {msg}"),
                };
                format!("{freed} -> {back}")
            }
            (_, other) => format!("another allocate: {other:?}"),
        };
        let first = blocks.first().map_or("-".to_string(), |b| b.to_string());
        let last = blocks.last().map_or("-".to_string(), |b| b.to_string());
        out += &format!(
            "{szidx:>5}  {:>5}  {:>6}  {first:>5}  {last:>5}  {then:<20} {:>10} {:>13}  {again}\n",
            (szidx + 1) * 16,
            blocks.len(),
            h.nextoffset,
            h.maxnextoffset,
        );
    }
    out
}

fn free_everything() -> String {
    let mut out = "size class 1: 32-byte blocks, filled, emptied, filled again\n".to_string();
    let Some(mut pool) = new_pool(&mut out, 1) else {
        return out;
    };
    let (blocks, then) = fill(&mut pool);
    out += &format!("{} blocks, then {then}; {}\n", blocks.len(), header(&pool));
    let mut refused = 0;
    for &offset in &blocks {
        if attempt(|| pool.free(offset)) != Ok(Ok(())) {
            refused += 1;
        }
    }
    out += &format!(
        "freed all in address order ({refused} refused): {}\n",
        header(&pool)
    );
    match attempt(|| pool.free_list()) {
        Ok(list) => {
            let reversed: Vec<usize> = blocks.iter().rev().copied().collect();
            out += &format!(
                "free list: {} links, first {:?}, last {:?}, every block once from the last freed: {}\n",
                list.len(),
                &list[..list.len().min(3)],
                &list[list.len().saturating_sub(3)..],
                list == reversed
            );
        }
        Err(msg) => out += &format!("free_list panicked: {msg}\n"),
    }
    free(&mut out, &mut pool, 48);
    let (again, then) = fill(&mut pool);
    let reversed: Vec<usize> = blocks.iter().rev().copied().collect();
    out += &format!(
        "allocated {} again, then {then}; in reverse order of the frees: {}; {}\n",
        again.len(),
        again == reversed,
        header(&pool)
    );
    out
}

/// The byte at position `j` of the block written `round`-th, number `i`.
fn pattern(round: usize, i: usize, j: usize) -> u8 {
    (round * 101 + i * 31 + j) as u8
}

fn write_pattern(pool: &mut Pool, offset: usize, round: usize, i: usize) -> Result<(), String> {
    attempt(|| {
        for (j, byte) in pool.block_mut(offset).iter_mut().enumerate() {
            *byte = pattern(round, i, j);
        }
    })
}

/// The first position where a block differs from its pattern, if any.
fn differs(pool: &mut Pool, offset: usize, round: usize, i: usize) -> Option<String> {
    match attempt(|| pool.block_mut(offset).to_vec()) {
        Ok(bytes) if bytes.len() != 80 => Some(format!("{} bytes, not 80", bytes.len())),
        Ok(bytes) => (0..bytes.len())
            .find(|&j| bytes[j] != pattern(round, i, j))
            .map(|j| {
                format!(
                    "byte {j} is {:#04x}, {:#04x} was written",
                    bytes[j],
                    pattern(round, i, j)
                )
            }),
        Err(msg) => Some(format!("block_mut panicked: {msg}")),
    }
}

fn contents_preserved() -> String {
    let mut out = "size class 4: 80-byte blocks\n".to_string();
    let Some(mut pool) = new_pool(&mut out, 4) else {
        return out;
    };
    // (offset, round, i): what each live block should hold.
    let mut live: Vec<(usize, usize, usize)> = Vec::new();
    for i in 0..30 {
        match attempt(|| pool.allocate()) {
            Ok(Some(offset)) => {
                if let Err(msg) = write_pattern(&mut pool, offset, 0, i) {
                    out += &format!("block_mut({offset}) panicked: {msg}\n");
                }
                live.push((offset, 0, i));
            }
            other => out += &format!("allocate() -> {other:?}\n"),
        }
    }
    out += &format!("30 blocks written: {}\n", header(&pool));
    let mut freed = Vec::new();
    for (index, &(offset, _, _)) in live.iter().enumerate() {
        if index % 3 == 1 {
            free(&mut out, &mut pool, offset);
            freed.push(index);
        }
    }
    for index in freed.into_iter().rev() {
        live.remove(index);
    }
    for i in 0..12 {
        if let Ok(Some(offset)) = allocate(&mut out, &mut pool) {
            if let Err(msg) = write_pattern(&mut pool, offset, 1, i) {
                out += &format!("block_mut({offset}) panicked: {msg}\n");
            }
            live.push((offset, 1, i));
        }
    }
    live.sort();
    let mut wrong = 0;
    for &(offset, round, i) in &live {
        if let Some(what) = differs(&mut pool, offset, round, i) {
            wrong += 1;
            out += &format!("block {offset}: {what}\n");
        }
    }
    let mut offsets: Vec<usize> = live.iter().map(|l| l.0).collect();
    offsets.dedup();
    out += &format!(
        "{} live blocks, {} distinct, {} of them changed since they were written\n",
        live.len(),
        offsets.len(),
        wrong
    );
    out
}

fn bad_frees() -> String {
    let mut out = "size class 1: 32-byte blocks\n".to_string();
    let Some(mut pool) = new_pool(&mut out, 1) else {
        return out;
    };
    for _ in 0..3 {
        let _ = allocate(&mut out, &mut pool);
    }
    out +=
        "offsets that are not blocks: the header, inside a block, not carved yet, past the end\n";
    for offset in [
        0,
        32,
        47,
        49,
        64,
        95,
        144,
        176,
        16352,
        POOL_SIZE,
        usize::MAX,
    ] {
        free(&mut out, &mut pool, offset);
    }
    for offset in [80, 48, 112] {
        free(&mut out, &mut pool, offset);
    }
    out += "every block is free already: a double free\n";
    free(&mut out, &mut pool, 80);
    out += &format!("free list: {}\n", free_list(&pool));
    out
}

fn addresses() -> String {
    let mut out = "size class 5: 96-byte blocks, their real addresses\n".to_string();
    let Some(mut pool) = new_pool(&mut out, 5) else {
        return out;
    };
    let base = pool.base_address();
    out += &format!(
        "the pool's address is a multiple of 16 KiB: {}\n",
        base % POOL_SIZE == 0
    );
    let (blocks, then) = fill(&mut pool);
    out += &format!("{} blocks, then {then}\n", blocks.len());
    let mut wrong = Vec::new();
    for &offset in &blocks {
        match attempt(|| {
            let bytes = pool.block_mut(offset);
            (bytes.as_ptr() as usize, bytes.len())
        }) {
            Ok((address, len)) => {
                if address.wrapping_sub(base) != offset {
                    wrong.push(format!(
                        "block {offset} is at pool + {}",
                        address.wrapping_sub(base)
                    ));
                } else if len != 96 {
                    wrong.push(format!("block {offset} has {len} bytes"));
                } else if address % 16 != 0 {
                    wrong.push(format!("block {offset} is not 16-byte aligned"));
                } else if address & !(POOL_SIZE - 1) != base {
                    wrong.push(format!("block {offset} does not round down to its pool"));
                }
            }
            Err(msg) => wrong.push(format!("block_mut({offset}) panicked: {msg}")),
        }
    }
    out += &format!(
        "every block is at pool + offset, 96 bytes long, 16-byte aligned, and rounds down to the pool: {}\n",
        wrong.is_empty() && !blocks.is_empty()
    );
    for line in wrong.iter().take(5) {
        out += &format!("  {line}\n");
    }
    out
}
