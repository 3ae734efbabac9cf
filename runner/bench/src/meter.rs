//! Heap bytes: what an allocator holds from the system, so that
//! utilization (peak live bytes over peak heap bytes) means the same for a
//! learner's allocator and for the baseline.
//!
//! A learner's allocator gets its memory (arenas, big blocks it passes on,
//! its own bookkeeping) from Rust's global allocator. The program that
//! replays it installs [`Counting`] as the global allocator, and the replay
//! turns counting on only while the allocator under test runs
//! ([`counting`]): the replay's own bookkeeping is not the allocator's cost.
//!
//! Each counted request costs what glibc's malloc takes for it, a chunk
//! ([`malloc_chunk`]), not just the bytes asked for: the baseline is
//! charged the same way, so an allocator that calls the global allocator
//! once per block scores as the system allocator does, and one that pools
//! its blocks gains what pooling saves.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// What malloc takes for a request of `size` bytes on 64-bit glibc: the
/// request plus its 8-byte size field, rounded up to 16, at least 32 bytes
/// (`request2size` and `MINSIZE` in glibc's malloc/malloc.c). From 128 KiB
/// on (the default mmap threshold) a chunk is mapped on its own, and takes
/// whole 4 KiB pages.
pub fn malloc_chunk(size: usize) -> usize {
    const MMAP_THRESHOLD: usize = 128 << 10;
    const PAGE: usize = 4096;
    let chunk = (size.saturating_add(8 + 15) & !15).max(32);
    if chunk >= MMAP_THRESHOLD {
        chunk.div_ceil(PAGE) * PAGE
    } else {
        chunk
    }
}

static COUNTING: AtomicBool = AtomicBool::new(false);
static HELD: AtomicUsize = AtomicUsize::new(0);

/// The global allocator of a replay program: the system allocator, counting
/// the chunks it holds for what runs inside [`counting`].
pub struct Counting;

fn add(bytes: usize) {
    HELD.fetch_add(bytes, Ordering::Relaxed);
}

fn sub(bytes: usize) {
    // Memory taken before counting began and given back inside it must not
    // wrap the count around.
    let _ = HELD.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
        Some(held.saturating_sub(bytes))
    });
}

fn on() -> bool {
    COUNTING.load(Ordering::Relaxed)
}

// SAFETY: every method forwards to `System` with the same arguments, which
// upholds GlobalAlloc's contract; the counting around it touches no memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received (see the impl).
        let ptr = unsafe { System.alloc(layout) };
        if on() && !ptr.is_null() {
            add(malloc_chunk(layout.size()));
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if on() && !ptr.is_null() {
            add(malloc_chunk(layout.size()));
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) };
        if on() {
            sub(malloc_chunk(layout.size()));
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as received.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if on() && !new.is_null() {
            sub(malloc_chunk(layout.size()));
            add(malloc_chunk(new_size));
        }
        new
    }
}

/// Runs `f` with counting on (the allocator under test at work).
pub fn counting<R>(f: impl FnOnce() -> R) -> R {
    struct Off;
    impl Drop for Off {
        // Off again even when `f` panics.
        fn drop(&mut self) {
            COUNTING.store(false, Ordering::Relaxed);
        }
    }
    COUNTING.store(true, Ordering::Relaxed);
    let _off = Off;
    f()
}

/// The bytes counted as held now.
pub fn held() -> usize {
    HELD.load(Ordering::Relaxed)
}

/// Starts a new count, for the next allocator.
pub fn reset() {
    HELD.store(0, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_as_glibc_sizes_them() {
        assert_eq!(malloc_chunk(0), 32);
        assert_eq!(malloc_chunk(24), 32);
        assert_eq!(malloc_chunk(25), 48);
        assert_eq!(malloc_chunk(56), 64);
        assert_eq!(malloc_chunk(512), 528);
        assert_eq!(malloc_chunk(1 << 20), (1 << 20) + 4096);
    }
}
