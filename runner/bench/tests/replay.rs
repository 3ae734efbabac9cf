//! The checked replay on fixture allocators: a correct bump allocator, and
//! broken ones that each make one classic mistake, which the replay must
//! report as incorrect at the first operation that shows it.

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::ptr::NonNull;

use memlings_bench::replay::{check, time};
use memlings_bench::system::SystemMalloc;
use memlings_bench::trace::parse;
use memlings_python::{Allocator, AllocatorStats, Block};

const ARENA: usize = 1 << 20;

/// What a fixture gets wrong.
#[derive(Clone, Copy, PartialEq)]
enum Bug {
    None,
    /// Every block at the same address.
    SameAddress,
    /// Blocks 8 bytes off the alignment.
    Misaligned,
    /// `reallocate` moves without copying.
    ForgetsOnRealloc,
    /// Blocks packed back to back with an 8-byte size written just before
    /// each: the header lands in the previous block's last bytes.
    HeaderInNeighbour,
}

/// A bump allocator over one arena that never reuses memory.
struct Bump {
    base: NonNull<u8>,
    next: usize,
    bug: Bug,
    stats: AllocatorStats,
}

impl Bump {
    fn new(bug: Bug) -> Bump {
        let layout = Layout::from_size_align(ARENA, 16).unwrap();
        // Zeroed, so a block whose contents a bug lost reads as 0x00, the
        // same in every run (and never as uninitialized bytes).
        // SAFETY: a non-zero layout.
        let base = NonNull::new(unsafe { alloc_zeroed(layout) }).unwrap();
        Bump {
            base,
            next: 16,
            bug,
            stats: AllocatorStats::default(),
        }
    }
}

impl Drop for Bump {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe {
            dealloc(
                self.base.as_ptr(),
                Layout::from_size_align(ARENA, 16).unwrap(),
            )
        };
    }
}

// SAFETY: the blocks are inside the bump's arena, live as long as it is.
// The buggy variants overlap or misalign on purpose: the replay only reads
// and writes them through raw pointers into that arena, to catch the bug.
unsafe impl Allocator for Bump {
    fn allocate(&mut self, size: usize) -> Option<Block> {
        let rounded = size.max(1).div_ceil(16) * 16;
        let offset = match self.bug {
            Bug::SameAddress => 16,
            Bug::Misaligned => self.next + 8,
            _ => self.next,
        };
        if offset + rounded + 16 > ARENA {
            return None;
        }
        self.next += rounded
            + if self.bug == Bug::HeaderInNeighbour {
                0
            } else {
                16
            };
        // SAFETY: `offset` is inside the arena.
        let addr = unsafe { self.base.add(offset) };
        if self.bug == Bug::HeaderInNeighbour {
            // SAFETY: offset >= 16, so the 8 bytes before are in the arena.
            unsafe {
                addr.as_ptr()
                    .sub(8)
                    .cast::<u64>()
                    .write_unaligned(size as u64)
            };
        }
        self.stats.blocks += 1;
        self.stats.bytes += size;
        Some(Block { addr, size })
    }

    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block> {
        let new = self.allocate(size)?;
        if self.bug != Bug::ForgetsOnRealloc {
            // SAFETY: both blocks are in the arena and never overlap (the
            // new one is past every earlier one).
            unsafe {
                std::ptr::copy_nonoverlapping(
                    block.addr.as_ptr(),
                    new.addr.as_ptr(),
                    block.size.min(size),
                )
            };
        }
        self.free(block);
        Some(new)
    }

    fn free(&mut self, block: Block) {
        self.stats.blocks -= 1;
        self.stats.bytes -= block.size;
    }

    fn stats(&self) -> AllocatorStats {
        self.stats
    }
}

const TRACE: &str = "\
a 0 24
a 1 40
r 0 64
f 1
a 2 16
f 0
f 2
";

fn verdict(bug: Bug) -> Result<String, String> {
    let trace = parse(TRACE, "t.trace").unwrap();
    let mut bump = Bump::new(bug);
    check(&trace, &mut bump, |b| b.next)
        .map(|c| {
            format!(
                "{} ops, peak live {}, peak heap {}",
                c.ops, c.peak_live, c.peak_heap
            )
        })
        .map_err(|e| e.to_string())
}

/// An address in a message, made stable.
fn without_addresses(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        let end = rest[at + 2..]
            .find(|c: char| !c.is_ascii_hexdigit())
            .map_or(rest.len(), |n| at + 2 + n);
        out.push_str("ADDR");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_correct_allocator_passes_and_is_measured() {
    // Peak live: 24 + 40, then 64 + 40 once 0 grows. The bump's heap is
    // its first 16 bytes and everything it ever handed out, each block
    // rounded to 16 with a 16-byte gap: 16 + 48 + 64 + 80 + 32.
    assert_eq!(
        verdict(Bug::None),
        Ok("7 ops, peak live 104, peak heap 240".into())
    );
}

#[test]
fn overlapping_blocks_are_named_at_the_first_overlap() {
    let why = verdict(Bug::SameAddress).unwrap_err();
    assert_eq!(
        without_addresses(&why),
        "line 2 (a 1 40): the block at ADDR..ADDR overlaps id 0's block at ADDR..ADDR, live since line 1"
    );
}

#[test]
fn a_misaligned_block_is_named() {
    let why = verdict(Bug::Misaligned).unwrap_err();
    assert_eq!(
        without_addresses(&why),
        "line 1 (a 0 24): the block at ADDR is not aligned to 16 bytes"
    );
}

#[test]
fn contents_lost_by_a_reallocation_are_caught_there() {
    let why = verdict(Bug::ForgetsOnRealloc).unwrap_err();
    assert!(
        why.starts_with("line 3 (r 0 64): id 0's contents were not kept since line 1: byte 0 of its block is 0x00, not 0x"),
        "{why}"
    );
}

#[test]
fn a_header_written_into_a_live_neighbour_is_caught_at_its_free() {
    // Block 1 (40 bytes, 48 with rounding) is followed by the block that
    // `r 0 64` makes: its header overwrites block 1's bytes 40..48, which
    // the trace asked for only up to 40; the 16-byte block 2 after `r 0 64`
    // writes into 0's last 8 bytes, seen when 0 is freed.
    let why = verdict(Bug::HeaderInNeighbour).unwrap_err();
    assert!(
        why.starts_with("line 6 (f 0): id 0's contents were not kept since line 3: byte 56 of its block is 0x10, not 0x"),
        "{why}"
    );
}

#[test]
fn contents_lost_in_a_block_left_live_are_caught_at_the_end() {
    // Block 1's header goes in block 0's bytes 24..32, which it asked for.
    let trace = parse("a 0 32\na 1 16\n", "t").unwrap();
    let mut bump = Bump::new(Bug::HeaderInNeighbour);
    let why = check(&trace, &mut bump, |b| b.next)
        .unwrap_err()
        .to_string();
    assert!(
        why.starts_with("at the end of the trace: id 0's contents were not kept since line 1: byte 24 of its block is 0x10, not 0x"),
        "{why}"
    );
}

#[test]
fn blocks_left_live_are_checked_and_freed_at_the_end() {
    let trace = parse("a 0 32\na 1 32\nf 0\n", "t").unwrap();
    let mut system = unsafe { SystemMalloc::new() };
    let checked = check(&trace, &mut system, SystemMalloc::heap_bytes).unwrap();
    assert_eq!((checked.peak_live, checked.peak_heap), (64, 96));
    assert_eq!(system.stats(), AllocatorStats::default());
    // The timed passes free what is left too.
    let timed = time(
        &trace,
        || unsafe { SystemMalloc::new() },
        std::time::Duration::ZERO,
    );
    assert_eq!(timed.rounds, 3);
}

#[test]
fn every_shipped_trace_parses_and_replays_on_the_system_allocator() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../traces");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "trace"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 5,
        "the hand-written traces are there: {names:?}"
    );
    for path in names {
        let trace = memlings_bench::trace::load(&path, &path.display().to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        // SAFETY: the replay keeps SystemMalloc::new's contract.
        let mut system = unsafe { SystemMalloc::new() };
        let checked = check(&trace, &mut system, SystemMalloc::heap_bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(checked.peak_live > 0 && checked.peak_heap >= checked.peak_live);
    }
}
