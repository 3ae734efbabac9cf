//! What the generated program runs, in a test binary with the same global
//! allocator: the learner's allocator charged for what it takes from Rust's
//! allocator, as malloc chunks; the system allocator for its own chunks; a
//! panic turned into a result.

use std::alloc::{alloc, dealloc, Layout};
use std::ptr::NonNull;
use std::time::Duration;

use memlings_bench::meter::{malloc_chunk, Counting};
use memlings_bench::program::{run_allocator, run_system, Outcome};
use memlings_bench::trace::parse;
use memlings_python::{Allocator, AllocatorStats, Block};

#[global_allocator]
static COUNTING: Counting = Counting;

/// The count is the process's: one test at a time, as the program's one
/// thread runs one replay at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// One `std::alloc::alloc` per block, of exactly the request (16 at least).
#[derive(Default)]
struct PerBlock;

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size.max(16), 16).unwrap()
}

// SAFETY: each block is its own `std::alloc` allocation, live until freed.
unsafe impl Allocator for PerBlock {
    fn allocate(&mut self, size: usize) -> Option<Block> {
        // SAFETY: a non-zero layout.
        let addr = NonNull::new(unsafe { alloc(layout(size)) })?;
        Some(Block { addr, size })
    }

    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block> {
        let new = self.allocate(size)?;
        // SAFETY: two distinct live blocks, each at least this long.
        unsafe {
            std::ptr::copy_nonoverlapping(
                block.addr.as_ptr(),
                new.addr.as_ptr(),
                block.size.min(size),
            )
        };
        self.free(block);
        Some(new)
    }

    fn free(&mut self, block: Block) {
        // SAFETY: allocated by `allocate` with this layout.
        unsafe { dealloc(block.addr.as_ptr(), layout(block.size)) };
    }

    fn stats(&self) -> AllocatorStats {
        AllocatorStats::default()
    }
}

/// Panics at its second allocation.
#[derive(Default)]
struct Unfinished(PerBlock, usize);

// SAFETY: its blocks are PerBlock's.
unsafe impl Allocator for Unfinished {
    fn allocate(&mut self, size: usize) -> Option<Block> {
        self.1 += 1;
        if self.1 == 2 {
            todo!("the second block");
        }
        self.0.allocate(size)
    }
    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block> {
        self.0.reallocate(block, size)
    }
    fn free(&mut self, block: Block) {
        self.0.free(block)
    }
    fn stats(&self) -> AllocatorStats {
        AllocatorStats::default()
    }
}

const TRACE: &str = "a 0 24\na 1 100\nr 0 200\nf 1\nf 0\n";

#[test]
fn the_learners_allocator_is_charged_the_chunks_it_takes() {
    let _alone = alone();
    let trace = parse(TRACE, "t").unwrap();
    let Outcome::Measured(m) = run_allocator::<PerBlock>(&trace, Duration::ZERO) else {
        panic!("a correct allocator is measured");
    };
    // At the peak, after `r 0 200`: blocks of 200 and 100 bytes live (the
    // 24-byte one freed inside the reallocation, after the copy).
    assert_eq!(m.checked.peak_live, 300);
    let peak_during_realloc = malloc_chunk(24) + malloc_chunk(100) + malloc_chunk(200);
    assert_eq!(m.checked.peak_heap, malloc_chunk(100) + malloc_chunk(200));
    assert!(
        m.checked.peak_heap < peak_during_realloc,
        "sampled after each operation"
    );
    assert_eq!(m.timed.rounds, 3);
}

#[test]
fn the_system_allocator_is_charged_its_own_chunks() {
    let _alone = alone();
    let trace = parse(TRACE, "t").unwrap();
    let Outcome::Measured(m) = run_system(&trace, Duration::ZERO) else {
        panic!("malloc is correct");
    };
    assert_eq!(m.checked.peak_live, 300);
    assert_eq!(m.checked.peak_heap, malloc_chunk(100) + malloc_chunk(200));
}

#[test]
fn a_panic_is_a_result_with_its_message() {
    let _alone = alone();
    let trace = parse(TRACE, "t").unwrap();
    let outcome = run_allocator::<Unfinished>(&trace, Duration::ZERO);
    let Outcome::Panicked(why) = outcome else {
        panic!("{outcome:?}");
    };
    assert!(
        why.starts_with("not yet implemented: the second block"),
        "{why}"
    );
}
