//! Replaying a trace on an allocator: a checked pass, then timed passes.
//!
//! The checked pass is where correctness and utilization come from. Every
//! block must be aligned to [`ALIGNMENT`] and overlap no other live block;
//! each block is filled with a pattern of its own when it is allocated, and
//! the pattern is read back before it is reallocated or freed (and, after a
//! reallocation, in the bytes that must have been kept), so an allocator
//! that loses or overwrites contents is caught at the first operation that
//! can see it. The replay stops at the first offence and names it.
//!
//! The timed passes run the same operations with no checks and no writes,
//! as the malloc lab's driver times them, so throughput measures the
//! allocator and not the checker.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use memlings_python::heap::ALIGNMENT;
use memlings_python::{Allocator, Block};

use crate::meter;
use crate::trace::{Kind, Op, Trace};

/// What the checked pass measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub ops: usize,
    /// The most bytes requested by live blocks at once.
    pub peak_live: usize,
    /// The most heap bytes the allocator held at once, sampled after each
    /// operation.
    pub peak_heap: usize,
}

impl Checked {
    /// Peak live bytes over peak heap bytes (1 when nothing was held).
    pub fn utilization(&self) -> f64 {
        if self.peak_heap == 0 {
            1.0
        } else {
            self.peak_live as f64 / self.peak_heap as f64
        }
    }
}

/// The first thing the allocator did wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Incorrect {
    #[error("{op}: the allocator returned no block")]
    NoBlock { op: Op },

    #[error("{op}: the block at {addr:#x} is not aligned to {ALIGNMENT} bytes")]
    Misaligned { op: Op, addr: usize },

    #[error("{op}: the block at {addr:#x}..{end:#x} overlaps id {other}'s block at {other_addr:#x}..{other_end:#x}, live since line {other_line}")]
    Overlap {
        op: Op,
        addr: usize,
        end: usize,
        other: u64,
        other_addr: usize,
        other_end: usize,
        other_line: u32,
    },

    #[error("{op}: id {id}'s contents were not kept since line {since}: byte {offset} of its block is {found:#04x}, not {expected:#04x}")]
    Lost {
        op: Op,
        id: u64,
        since: u32,
        offset: usize,
        found: u8,
        expected: u8,
    },

    #[error("at the end of the trace: id {id}'s contents were not kept since line {since}: byte {offset} of its block is {found:#04x}, not {expected:#04x}")]
    LostByEnd {
        id: u64,
        since: u32,
        offset: usize,
        found: u8,
        expected: u8,
    },
}

/// A live block in the checked pass.
#[derive(Clone, Copy)]
struct Live {
    block: Block,
    /// The trace's size for it (what the pattern covers).
    size: usize,
    /// The line that last wrote its pattern.
    since: u32,
    id: u64,
    slot: u32,
}

/// The pattern byte at `offset` of the block in `slot`: it differs from
/// block to block and along a block, so a copy from the wrong place, a
/// zeroed block or a free-list link written into a live block shows.
fn pattern(slot: u32, offset: usize) -> u8 {
    let x = (u64::from(slot) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (offset as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    // Never 0 at offset 0 of any block: a zeroed block is caught at once.
    ((x >> 56) as u8 ^ (offset as u8)) | u8::from(offset == 0)
}

/// The bytes a block covers for overlap: a 0-byte block still has an
/// address of its own, as `malloc(0)` does.
fn span(block: Block, size: usize) -> (usize, usize) {
    let addr = block.addr.as_ptr() as usize;
    (addr, addr.saturating_add(size.max(1)))
}

/// Writes the pattern of `slot` into `block[from..to]`.
fn fill(block: Block, slot: u32, from: usize, to: usize) {
    for offset in from..to {
        // SAFETY: the allocator handed out `block` for at least `to` bytes
        // (the trace's request), and the checks found it overlapping no
        // other live block. An allocator that lies about that is the
        // learner's bug, and the sandbox contains what it does.
        unsafe { block.addr.as_ptr().add(offset).write(pattern(slot, offset)) };
    }
}

/// The first byte of `block[..to]` that is not `slot`'s pattern.
fn first_wrong(block: Block, slot: u32, to: usize) -> Option<(usize, u8, u8)> {
    (0..to).find_map(|offset| {
        // SAFETY: as in `fill`: the block is live and `to` bytes long.
        let found = unsafe { block.addr.as_ptr().add(offset).read() };
        let expected = pattern(slot, offset);
        (found != expected).then_some((offset, found, expected))
    })
}

/// The checked pass over `trace`. `heap_bytes` says what the allocator
/// holds after each operation. Calls into the allocator run inside
/// [`meter::counting`]; blocks still live at the end are checked and freed.
pub fn check<A: Allocator>(
    trace: &Trace,
    alloc: &mut A,
    heap_bytes: impl Fn(&A) -> usize,
) -> Result<Checked, Incorrect> {
    let mut live: Vec<Option<Live>> = vec![None; trace.slots];
    // Start address -> (end, slot) of every live block.
    let mut spans: BTreeMap<usize, (usize, u32)> = BTreeMap::new();
    let mut live_bytes = 0usize;
    let mut checked = Checked {
        ops: trace.ops.len(),
        peak_live: 0,
        peak_heap: heap_bytes(alloc),
    };
    let result = (|| {
        for op in &trace.ops {
            let slot = op.slot as usize;
            match op.kind {
                Kind::Allocate => {
                    let block = meter::counting(|| alloc.allocate(op.size))
                        .ok_or(Incorrect::NoBlock { op: *op })?;
                    // Live before it is checked: a block that fails a
                    // check is still freed at the end.
                    live[slot] = Some(Live {
                        block,
                        size: op.size,
                        since: op.line,
                        id: op.id,
                        slot: op.slot,
                    });
                    place(op, block, &live, &mut spans)?;
                    fill(block, op.slot, 0, op.size);
                    live_bytes += op.size;
                }
                Kind::Reallocate => {
                    let old = live[slot].expect("the parser checked the id is live");
                    intact(op, &old)?;
                    spans.remove(&span(old.block, old.size).0);
                    // On failure the old block stays live, and is freed
                    // at the end with the others.
                    let Some(block) = meter::counting(|| alloc.reallocate(old.block, op.size))
                    else {
                        return Err(Incorrect::NoBlock { op: *op });
                    };
                    live[slot] = Some(Live {
                        block,
                        size: op.size,
                        since: old.since,
                        id: op.id,
                        slot: op.slot,
                    });
                    place(op, block, &live, &mut spans)?;
                    let kept = old.size.min(op.size);
                    if let Some((offset, found, expected)) = first_wrong(block, op.slot, kept) {
                        return Err(Incorrect::Lost {
                            op: *op,
                            id: op.id,
                            since: old.since,
                            offset,
                            found,
                            expected,
                        });
                    }
                    fill(block, op.slot, kept, op.size);
                    if let Some(live) = &mut live[slot] {
                        live.since = op.line;
                    }
                    live_bytes = live_bytes - old.size + op.size;
                }
                Kind::Free => {
                    let old = live[slot]
                        .take()
                        .expect("the parser checked the id is live");
                    intact(op, &old)?;
                    spans.remove(&span(old.block, old.size).0);
                    meter::counting(|| alloc.free(old.block));
                    live_bytes -= old.size;
                }
            }
            checked.peak_live = checked.peak_live.max(live_bytes);
            checked.peak_heap = checked.peak_heap.max(heap_bytes(alloc));
        }
        Ok(())
    })();
    // What is left is checked, and freed whatever happened, so the
    // allocator is dropped holding nothing the replay still owns.
    let mut end = result.map(|()| checked);
    for left in live.iter().flatten() {
        if end.is_ok() {
            if let Some((offset, found, expected)) = first_wrong(left.block, left.slot, left.size) {
                end = Err(Incorrect::LostByEnd {
                    id: left.id,
                    since: left.since,
                    offset,
                    found,
                    expected,
                });
            }
        }
        meter::counting(|| alloc.free(left.block));
    }
    end
}

/// Checks a new block's alignment and that it overlaps no live block, then
/// records it.
fn place(
    op: &Op,
    block: Block,
    live: &[Option<Live>],
    spans: &mut BTreeMap<usize, (usize, u32)>,
) -> Result<(), Incorrect> {
    let (addr, end) = span(block, op.size);
    if addr % ALIGNMENT != 0 {
        return Err(Incorrect::Misaligned { op: *op, addr });
    }
    // The live block that starts at or below `addr`, then the first one
    // above it: only those two can overlap.
    let below = spans.range(..=addr).next_back();
    let above = spans.range(addr.saturating_add(1)..).next();
    for (&start, &(stop, slot)) in below.into_iter().chain(above) {
        if start < end && addr < stop {
            let other = live[slot as usize].expect("spans hold live blocks");
            return Err(Incorrect::Overlap {
                op: *op,
                addr,
                end,
                other: other.id,
                other_addr: start,
                other_end: stop,
                other_line: other.since,
            });
        }
    }
    spans.insert(addr, (end, op.slot));
    Ok(())
}

/// Checks that `old`'s pattern is still whole, before `op` touches it.
fn intact(op: &Op, old: &Live) -> Result<(), Incorrect> {
    match first_wrong(old.block, old.slot, old.size) {
        None => Ok(()),
        Some((offset, found, expected)) => Err(Incorrect::Lost {
            op: *op,
            id: op.id,
            since: old.since,
            offset,
            found,
            expected,
        }),
    }
}

/// What the timed passes measured: the best of `rounds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timed {
    pub best: Duration,
    pub rounds: u32,
}

impl Timed {
    /// Operations per second in the best round.
    pub fn throughput(&self, ops: usize) -> f64 {
        ops as f64 / self.best.as_secs_f64().max(1e-9)
    }
}

/// An operation as the timed passes read it: 8 bytes where an [`Op`] has
/// 40 (its id, line and padding are for messages), so the replay's own
/// stream of operations weighs on the cache as little as it can.
#[derive(Clone, Copy)]
struct Step {
    slot: u32,
    /// The size, with the kind in the top two bits (sizes are at most
    /// [`MAX_REQUEST`](crate::MAX_REQUEST), 2^24).
    size_kind: u32,
}

const KIND_SHIFT: u32 = 30;
const SIZE_MASK: u32 = (1 << KIND_SHIFT) - 1;
const _: () = assert!(crate::MAX_REQUEST as u64 <= SIZE_MASK as u64);

impl Step {
    fn new(op: &Op) -> Step {
        let kind = match op.kind {
            Kind::Allocate => 0,
            Kind::Reallocate => 1,
            Kind::Free => 2,
        };
        Step {
            slot: op.slot,
            size_kind: (kind << KIND_SHIFT) | op.size as u32,
        }
    }
}

/// Replays `trace` on fresh allocators from `make`, unchecked, until
/// `budget` has passed (and at least 3 rounds); the best round counts, as
/// the least disturbed by the rest of the machine.
pub fn time<A: Allocator>(trace: &Trace, mut make: impl FnMut() -> A, budget: Duration) -> Timed {
    const MIN_ROUNDS: u32 = 3;
    const MAX_ROUNDS: u32 = 100_000;
    let steps: Vec<Step> = trace.ops.iter().map(Step::new).collect();
    let mut slots: Vec<Option<Block>> = vec![None; trace.slots];
    let mut best = Duration::MAX;
    let mut rounds = 0;
    let started = Instant::now();
    while rounds < MIN_ROUNDS || (started.elapsed() < budget && rounds < MAX_ROUNDS) {
        let mut alloc = make();
        let clock = Instant::now();
        for step in &steps {
            let slot = &mut slots[step.slot as usize];
            let size = (step.size_kind & SIZE_MASK) as usize;
            match step.size_kind >> KIND_SHIFT {
                0 => *slot = alloc.allocate(size),
                1 => {
                    if let Some(block) = *slot {
                        // On failure the old block is still the live one.
                        if let Some(new) = alloc.reallocate(block, size) {
                            *slot = Some(new);
                        }
                    }
                }
                _ => {
                    if let Some(block) = slot.take() {
                        alloc.free(block);
                    }
                }
            }
        }
        best = best.min(clock.elapsed());
        for block in slots.iter_mut().filter_map(Option::take) {
            alloc.free(block);
        }
        drop(alloc);
        rounds += 1;
    }
    Timed { best, rounds }
}
