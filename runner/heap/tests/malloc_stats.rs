//! `sys._debugmallocstats()` on the reference heap, and the report's
//! formatter against python3's own report.
//!
//! The heap answers from its allocator's `census()`; an allocator without
//! pools (the system allocator) has none, and the program stops with a
//! one-line "unsupported" error. The pooled allocators live elsewhere (the
//! arenas exercise; the capstone), so the program tests run on a small
//! stand-in here: the system's blocks, and a census that packs each class's
//! live blocks into as few pools as hold them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::process::Command;
use std::rc::Rc;

use memlings_heap::malloc_report::{self, FreeListCounts, TUPLE_LENGTHS};
use memlings_heap::{ReferenceHeap, SystemAllocator};
use memlings_python::{
    run_on, Allocator, AllocatorStats, ArenaCensus, Block, ErrorKind, Options, PoolCensus,
    PoolCensusEntry,
};

const POOL_SIZE: usize = 16 * 1024;
const ARENA_SIZE: usize = 1024 * 1024;
const POOLS_PER_ARENA: usize = 64;

fn per_pool(szidx: usize) -> usize {
    (POOL_SIZE - 48) / (16 * (szidx + 1))
}

/// The system allocator, with a census as if its small blocks were packed
/// into pools. Each census it hands out is kept, with the small blocks
/// live at that moment, for the test to read after the run.
#[derive(Default)]
struct Packed {
    inner: SystemAllocator,
    /// Each live small block's size class, by address.
    small: HashMap<usize, usize>,
    asked: Rc<RefCell<Vec<(PoolCensus, usize)>>>,
}

impl Packed {
    fn note(&mut self, block: Block) {
        if (1..=512).contains(&block.size) {
            self.small
                .insert(block.addr.as_ptr().addr(), (block.size - 1) / 16);
        }
    }

    fn forget(&mut self, block: Block) {
        self.small.remove(&block.addr.as_ptr().addr());
    }
}

// SAFETY: each block is its own allocation from Rust's global allocator,
// live until freed; the census it reports is made up, the blocks are not.
unsafe impl Allocator for Packed {
    fn allocate(&mut self, size: usize) -> Option<Block> {
        let block = self.inner.allocate(size)?;
        self.note(block);
        Some(block)
    }

    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block> {
        let moved = self.inner.reallocate(block, size)?;
        self.forget(block);
        self.note(moved);
        Some(moved)
    }

    fn free(&mut self, block: Block) {
        self.forget(block);
        self.inner.free(block);
    }

    fn stats(&self) -> AllocatorStats {
        self.inner.stats()
    }

    fn census(&self) -> Option<PoolCensus> {
        let mut per_class = [0; 32];
        for &szidx in self.small.values() {
            per_class[szidx] += 1;
        }
        let mut pools = Vec::new();
        for (szidx, &live) in per_class.iter().enumerate() {
            let mut left = live;
            while left > 0 {
                let used = left.min(per_pool(szidx));
                pools.push(PoolCensusEntry { szidx, used });
                left -= used;
            }
        }
        let arenas: Vec<ArenaCensus> = pools
            .chunks(POOLS_PER_ARENA)
            .enumerate()
            .map(|(i, chunk)| ArenaCensus {
                address: (0x7f00 << 32) + i * ARENA_SIZE,
                nfreepools: POOLS_PER_ARENA - chunk.len(),
                ntotalpools: POOLS_PER_ARENA,
                pools: chunk.to_vec(),
            })
            .collect();
        let census = PoolCensus {
            arenas_allocated_total: arenas.len(),
            arenas_highwater: arenas.len(),
            arenas,
        };
        self.asked
            .borrow_mut()
            .push((census.clone(), self.small.len()));
        Some(census)
    }
}

/// The value of a `printone` line of `report` whose label starts so.
fn value(report: &str, label: &str) -> usize {
    let line = report
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no line {label:?} in\n{report}"));
    line.rsplit('=')
        .next()
        .unwrap()
        .trim()
        .replace(',', "")
        .parse()
        .unwrap()
}

/// The sum of the class table's "blocks in use" column.
fn blocks_in_table(report: &str) -> usize {
    report
        .lines()
        .skip_while(|l| !l.starts_with("-----"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            l.split_whitespace()
                .nth(3)
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum()
}

const LISTS: &str = "\
import gc
import sys
gc.collect()
keep = []
for i in range(5):
    keep.append([i])
del keep
print(sys._debugmallocstats())
";

/// What python3 3.11.7 printed for the free lists of dicts, floats and
/// lists after `LISTS` (six dead lists: `keep` and its five items).
const LISTS_FREE_LISTS_3_11_7: [&str; 3] = [
    "            0 free PyDictObjects * 48 bytes each =                    0",
    "           0 free PyFloatObjects * 24 bytes each =                    0",
    "            6 free PyListObjects * 40 bytes each =                  240",
];

#[test]
fn the_report_goes_to_stderr_and_the_call_returns_none() {
    let allocator = Packed::default();
    let asked = Rc::clone(&allocator.asked);
    let mut heap = ReferenceHeap::with_allocator(allocator);
    let out = run_on(&mut heap, LISTS, "lists.py", &Options::default());
    assert!(out.error.is_none(), "{:?}", out.error);
    assert_eq!(out.stdout, "None\n");
    let asked = asked.borrow();
    let [(census, small_live)] = asked.as_slice() else {
        panic!("census() was asked {} times", asked.len());
    };

    // The pool report, a blank line, the 23 free-list lines.
    let total = out.stderr.find("\nTotal ").expect("a Total line") + 1;
    let end = total + out.stderr[total..].find('\n').unwrap() + 1;
    let (pools, free_lists) = out.stderr.split_at(end);
    let free_lists = free_lists
        .strip_prefix('\n')
        .expect("a blank line before the free lists");
    assert_eq!(pools, malloc_report::pool_report(census));
    assert_eq!(blocks_in_table(pools), *small_live);
    assert_eq!(value(pools, "Total"), census.arenas.len() * ARENA_SIZE);

    let lines: Vec<&str> = free_lists.lines().collect();
    assert_eq!(lines.len(), 3 + TUPLE_LENGTHS);
    let expected = match python3_311_stderr(&["-c", LISTS]) {
        Some(theirs) => {
            let theirs: Vec<String> = theirs
                .lines()
                .filter(|l| l.contains("PyDictObjects") || l.contains("PyFloatObjects"))
                .chain(theirs.lines().filter(|l| l.contains("PyListObjects")))
                .map(str::to_string)
                .collect();
            assert_eq!(
                theirs, LISTS_FREE_LISTS_3_11_7,
                "python3 now says otherwise"
            );
            theirs
        }
        None => LISTS_FREE_LISTS_3_11_7.map(str::to_string).to_vec(),
    };
    assert_eq!(lines[..3], expected);
}

#[test]
fn without_pools_the_program_stops_with_one_line() {
    let mut heap = ReferenceHeap::new();
    let out = run_on(
        &mut heap,
        "import sys\nprint(1)\nsys._debugmallocstats()\nprint(2)\n",
        "x.py",
        &Options::default(),
    );
    assert_eq!(out.stdout, "1\n");
    assert_eq!(out.stderr, "");
    let error = out.error.expect("the program stops");
    assert_eq!(error.line, Some(3));
    match &error.kind {
        ErrorKind::Unsupported { what, .. } => assert!(
            what.contains("sys._debugmallocstats()"),
            "the error names the call: {what}"
        ),
        other => panic!("not an unsupported error: {other:?}"),
    }
}

#[test]
fn it_takes_no_arguments() {
    let mut heap = ReferenceHeap::with_allocator(Packed::default());
    let out = run_on(
        &mut heap,
        "import sys\nsys._debugmallocstats(1)\n",
        "x.py",
        &Options::default(),
    );
    // As python3 3.11.7 words it.
    assert_eq!(
        out.error.and_then(|e| e.exception_line()).as_deref(),
        Some("TypeError: sys._debugmallocstats() takes no arguments (1 given)")
    );
}

/// python3's stderr for `args`, if a python3 3.11 is installed.
fn python3_311_stderr(args: &[&str]) -> Option<String> {
    let version = Command::new("python3").arg("--version").output().ok()?;
    if !String::from_utf8_lossy(&version.stdout).starts_with("Python 3.11.") {
        return None;
    }
    let out = Command::new("python3").args(args).output().ok()?;
    assert!(out.status.success(), "python3 {args:?} failed");
    Some(String::from_utf8(out.stderr).expect("python3's report is ASCII"))
}

/// A census and free-list counts rebuilt from the numbers of a python3
/// report: each class's blocks spread over its pools, the pools laid out
/// over the arenas (those that lost a pool to alignment first, with room
/// for 63), then each arena's free pools.
fn rebuilt(report: &str) -> (PoolCensus, FreeListCounts) {
    let mut pools = Vec::new();
    for row in report
        .lines()
        .skip_while(|l| !l.starts_with("-----"))
        .skip(1)
        .take_while(|l| !l.is_empty())
    {
        let n: Vec<usize> = row.split_whitespace().map(|x| x.parse().unwrap()).collect();
        let (szidx, npools, blocks) = (n[0], n[2], n[3]);
        for k in 0..npools {
            pools.push(PoolCensusEntry {
                szidx,
                used: blocks / npools + usize::from(k < blocks % npools),
            });
        }
    }
    let held = value(report, "# arenas allocated current");
    let misaligned = value(report, "# bytes lost to arena alignment") / POOL_SIZE;
    let mut arenas = Vec::new();
    let mut rest = pools.as_slice();
    for i in 0..held {
        let room = if i < misaligned { 63 } else { 64 };
        let (here, after) = rest.split_at(room.min(rest.len()));
        rest = after;
        arenas.push(ArenaCensus {
            address: (0x7f00 << 32) + i * ARENA_SIZE + if i < misaligned { 0x3000 } else { 0 },
            nfreepools: room - here.len(),
            ntotalpools: room,
            pools: here.to_vec(),
        });
    }
    assert!(rest.is_empty(), "more pools in use than the arenas hold");
    let census = PoolCensus {
        arenas,
        arenas_allocated_total: value(report, "# arenas allocated total"),
        arenas_highwater: value(report, "# arenas highwater mark"),
    };
    let count = |name: &str| -> usize {
        let line = report.lines().find(|l| l.contains(name)).unwrap();
        line.split_whitespace().next().unwrap().parse().unwrap()
    };
    let mut counts = FreeListCounts {
        dicts: count(" free PyDictObjects"),
        floats: count(" free PyFloatObjects"),
        lists: count(" free PyListObjects"),
        ..FreeListCounts::default()
    };
    for (i, slot) in counts.tuples.iter_mut().enumerate() {
        *slot = count(&format!(" free {}-sized PyTupleObjects", i + 1));
    }
    (census, counts)
}

#[test]
fn the_formatter_prints_python3s_report_from_python3s_numbers() {
    let program = "import sys\nkeep = [b'x' * n for n in range(20000)]\nsys._debugmallocstats()\n";
    let Some(theirs) = python3_311_stderr(&["-c", program]) else {
        eprintln!("no python3 3.11: the report is not compared");
        return;
    };
    // Without the radix tree's section, which this workbook leaves out:
    // from its heading to the blank line before the free lists.
    let (before, map) = theirs.split_once("\narena map counts\n").unwrap();
    let (_, after) = map.split_once("Total").unwrap();
    let (_, free_lists) = after.split_once("\n\n").unwrap();
    let expected = format!("{before}\n{free_lists}");
    assert_eq!(
        value(before, "Total"),
        value(before, "# arenas allocated current") * ARENA_SIZE
    );

    let (census, counts) = rebuilt(&theirs);
    let ours = malloc_report::debugmallocstats(&census, &counts);
    for (n, (a, b)) in ours.lines().zip(expected.lines()).enumerate() {
        assert_eq!(a, b, "line {} differs", n + 1);
    }
    assert_eq!(ours, expected);
}
