//! Check for `malloc_stats`: `thousands` around every group boundary,
//! `printone` with short, exact and too long labels, then whole reports,
//! each after the census it was made from: no arena at all, one pool, full
//! pools, several classes with an empty pool among them, an arena that
//! loses a pool to alignment beside one that only looks misaligned, a
//! highwater mark above the arenas held, numbers in the billions, and the
//! census of python3 3.11.7 at start-up, whose report must be python3's
//! own, line for line. Every line of a report is shown between bars, so a
//! space too many or too few shows.

use memlings_python::{ArenaCensus, PoolCensus, PoolCensusEntry};

use crate::exercise::{class_totals, printone, report, thousands};
use crate::harness::{attempt, Case};

pub const CASES: &[Case] = &[
    ("thousands", thousands_case),
    ("printone", printone_case),
    ("empty_census", empty_census),
    ("one_pool", one_pool),
    ("full_pools", full_pools),
    ("several_classes", several_classes),
    ("misaligned_arena", misaligned_arena),
    ("highwater", highwater),
    ("large_numbers", large_numbers),
    ("python3_startup", python3_startup),
];

const POOL_SIZE: usize = 16 * 1024;
const ARENA_SIZE: usize = 1024 * 1024;
/// Where the arenas of these censuses start: a multiple of 1 MiB, as a
/// 64-bit Linux `mmap` might hand out.
const BASE: usize = 0x7f3a_0000_0000;

/// Blocks a pool of class `szidx` holds, worked out here, not by the
/// exercise: the pools below must be possible ones.
fn per_pool(szidx: usize) -> usize {
    (POOL_SIZE - 48) / (16 * (szidx + 1))
}

/// An arena at `address` with room for `ntotalpools`, whose carved pools
/// are `pools` (class, blocks in use); its free pools are those never
/// carved plus the empty ones, as CPython counts `nfreepools`.
fn arena(address: usize, ntotalpools: usize, pools: &[(usize, usize)]) -> ArenaCensus {
    assert!(
        pools.len() <= ntotalpools,
        "more pools than the arena holds"
    );
    for &(szidx, used) in pools {
        assert!(used <= per_pool(szidx), "class {szidx}: {used} blocks");
    }
    let empty = pools.iter().filter(|&&(_, used)| used == 0).count();
    ArenaCensus {
        address,
        nfreepools: ntotalpools - pools.len() + empty,
        ntotalpools,
        pools: pools
            .iter()
            .map(|&(szidx, used)| PoolCensusEntry { szidx, used })
            .collect(),
    }
}

/// The census in words, so a snapshot says what the report was made from.
fn describe(census: &PoolCensus) -> String {
    let mut out = format!(
        "census: {} arenas held, {} allocated in total, highwater {}\n",
        census.arenas.len(),
        census.arenas_allocated_total,
        census.arenas_highwater
    );
    for (i, a) in census.arenas.iter().enumerate().take(4) {
        let shown: Vec<String> = a
            .pools
            .iter()
            .take(12)
            .map(|p| format!("{}:{}", p.szidx, p.used))
            .collect();
        let more = if a.pools.len() > 12 { ", ..." } else { "" };
        out += &format!(
            "  arena {i} at {:#x} ({} mod 16 KiB), {} of {} pools free, pools (class:used) [{}{more}]\n",
            a.address,
            a.address % POOL_SIZE,
            a.nfreepools,
            a.ntotalpools,
            shown.join(", ")
        );
    }
    if census.arenas.len() > 4 {
        out += &format!("  ... and {} more arenas\n", census.arenas.len() - 4);
    }
    out
}

/// Text with each line between bars: trailing and leading spaces show.
fn barred(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        match line.strip_suffix('\n') {
            Some(line) => out += &format!("|{line}|\n"),
            None => out += &format!("|{line}|   <- no newline at the end\n"),
        }
    }
    out
}

/// The census, then the report made from it.
fn shown_report(census: &PoolCensus) -> String {
    let mut out = describe(census);
    out += "\nreport:\n";
    match attempt(|| report(census)) {
        Ok(text) => out += &barred(&text),
        Err(msg) => out += &format!("report panicked: {msg}\n"),
    }
    out
}

/// The classes `class_totals` says have pools (or anything at all).
fn shown_totals(census: &PoolCensus) -> String {
    match attempt(|| class_totals(census)) {
        Ok(totals) => {
            let mut out = "class_totals (classes with anything in them):\n".to_string();
            for (szidx, t) in totals.iter().enumerate() {
                if t.pools + t.blocks + t.avail > 0 {
                    out += &format!(
                        "  class {szidx:>2}: {} pools, {} blocks in use, {} avail\n",
                        t.pools, t.blocks, t.avail
                    );
                }
            }
            out
        }
        Err(msg) => format!("class_totals panicked: {msg}\n"),
    }
}

fn thousands_case() -> String {
    let values = [
        0,
        7,
        42,
        999,
        1_000,
        9_999,
        16_384,
        65_536,
        999_999,
        1_000_000,
        1_048_576,
        4_194_304,
        12_345_678,
        100_000_000,
        1_099_511_627_776,
        9_999_999_999_999_999,
    ];
    let mut out = String::new();
    for v in values {
        let shown = match attempt(|| thousands(v)) {
            Ok(text) => format!("{text:?}"),
            Err(msg) => format!("panicked: {msg}"),
        };
        out += &format!("{v:>16} -> {shown}\n");
    }
    out
}

fn printone_case() -> String {
    let lines: [(&str, usize); 9] = [
        ("Total", 4_194_304),
        ("# arenas reclaimed", 0),
        ("# bytes lost to arena alignment", 65_536),
        ("4 arenas * 1048576 bytes/arena", 4_194_304),
        ("17 unused pools * 16384 bytes", 278_528),
        // 35 characters: no space before the `=`.
        ("a label of exactly thirty-five cols", 1),
        // Longer: CPython pads nothing.
        ("12345678 arenas * 1048576 bytes/arena", 12_945_425_645_568),
        ("", 999),
        ("# bytes in allocated blocks", 9_999_999_999_999_999),
    ];
    let mut out = "printone(label, value), between bars:\n".to_string();
    for (label, value) in lines {
        match attempt(|| printone(label, value)) {
            Ok(text) => out += &barred(&text),
            Err(msg) => out += &format!("printone({label:?}, {value}) panicked: {msg}\n"),
        }
    }
    out
}

fn empty_census() -> String {
    shown_report(&PoolCensus::default())
}

fn one_pool() -> String {
    shown_report(&PoolCensus {
        arenas: vec![arena(BASE, 64, &[(1, 3)])],
        arenas_allocated_total: 1,
        arenas_highwater: 1,
    })
}

fn full_pools() -> String {
    // Class 31 fits 31 blocks and leaves 464 bytes; class 0 fits 1021.
    let census = PoolCensus {
        arenas: vec![arena(
            BASE,
            64,
            &[(31, per_pool(31)), (0, per_pool(0)), (31, 30)],
        )],
        arenas_allocated_total: 1,
        arenas_highwater: 1,
    };
    shown_totals(&census) + &shown_report(&census)
}

fn several_classes() -> String {
    // Pool 3 of the first arena is empty: it last served class 7, which
    // has no other pool, so class 7 has no row, and the pool counts with
    // the free ones.
    let census = PoolCensus {
        arenas: vec![
            arena(
                BASE,
                64,
                &[(0, 500), (4, 204), (4, 1), (7, 0), (9, 17), (2, 340)],
            ),
            arena(BASE + ARENA_SIZE, 64, &[(20, 5), (4, 100), (0, 1)]),
        ],
        arenas_allocated_total: 2,
        arenas_highwater: 2,
    };
    shown_totals(&census) + &shown_report(&census)
}

fn misaligned_arena() -> String {
    // The first arena starts 4 KiB past a pool boundary: its first pool
    // starts 12 KiB in, so it holds 63 pools and loses 16 KiB. The second
    // starts on a pool boundary that is no multiple of 1 MiB: it loses
    // nothing.
    let census = PoolCensus {
        arenas: vec![
            arena(BASE + 0x1000, 63, &[(3, 10), (3, 255)]),
            arena(BASE + 3 * ARENA_SIZE + 0x4000, 64, &[(5, 1)]),
        ],
        arenas_allocated_total: 2,
        arenas_highwater: 2,
    };
    shown_report(&census)
}

fn highwater() -> String {
    // Seven arenas taken in all, five held at once at most, two now.
    let census = PoolCensus {
        arenas: vec![
            arena(BASE + 5 * ARENA_SIZE, 64, &[(6, 12)]),
            arena(BASE + 2 * ARENA_SIZE, 64, &[]),
        ],
        arenas_allocated_total: 7,
        arenas_highwater: 5,
    };
    shown_report(&census)
}

fn large_numbers() -> String {
    // 2,000 arenas, 2 GB: every pool carved, most of them full.
    let arenas = (0..2000)
        .map(|i| {
            let pools: Vec<(usize, usize)> = (0..64)
                .map(|p| match p % 4 {
                    0 => (0, per_pool(0)),
                    1 => (3, per_pool(3)),
                    2 => (26, 1),
                    _ => (13, per_pool(13) - 1),
                })
                .collect();
            arena(BASE + i * ARENA_SIZE, 64, &pools)
        })
        .collect();
    shown_report(&PoolCensus {
        arenas,
        arenas_allocated_total: 2400,
        arenas_highwater: 2100,
    })
}

/// `python3 -c "import sys; sys._debugmallocstats()"` on 3.11.7: each
/// class's pools and blocks in use, as its report printed them. Its four
/// arenas had 18 unused pools and lost 49,152 bytes to alignment: three
/// arenas were not on a 16 KiB boundary (`mmap` aligns to 4 KiB), one was.
const PYTHON3_STARTUP: [(usize, usize, usize); 32] = [
    (0, 1, 106),
    (1, 3, 1148),
    (2, 13, 4223),
    (3, 50, 12566),
    (4, 37, 7447),
    (5, 9, 1523),
    (6, 6, 730),
    (7, 10, 1187),
    (8, 3, 266),
    (9, 27, 2685),
    (10, 3, 193),
    (11, 3, 216),
    (12, 7, 503),
    (13, 7, 464),
    (14, 6, 380),
    (15, 5, 267),
    (16, 5, 245),
    (17, 4, 191),
    (18, 3, 131),
    (19, 3, 102),
    (20, 3, 106),
    (21, 2, 88),
    (22, 3, 90),
    (23, 2, 71),
    (24, 6, 236),
    (25, 2, 63),
    (26, 2, 46),
    (27, 2, 41),
    (28, 2, 43),
    (29, 2, 37),
    (30, 2, 34),
    (31, 2, 50),
];

fn python3_startup() -> String {
    // Each class's blocks spread evenly over its pools, the pools laid out
    // in class order over the arenas: the report cannot tell.
    let mut pools = Vec::new();
    for (szidx, npools, blocks) in PYTHON3_STARTUP {
        for k in 0..npools {
            pools.push((szidx, blocks / npools + usize::from(k < blocks % npools)));
        }
    }
    let aligned = arena(BASE, 64, &pools[..64]);
    let mut arenas = vec![aligned];
    for (i, chunk) in pools[64..].chunks(63).enumerate() {
        arenas.push(arena(BASE + (i + 1) * ARENA_SIZE + 0x3000, 63, chunk));
    }
    shown_report(&PoolCensus {
        arenas,
        arenas_allocated_total: 4,
        arenas_highwater: 4,
    })
}
