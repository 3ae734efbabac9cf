//! # Exercise `bump`: a bump allocator with alignment (solution)
//!
//! Book: book/src/foundations/stack-and-heap.md

// ANCHOR: types
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocError {
    /// The alignment is not a power of two (0 is not one either).
    BadAlign(usize),
    /// The block, with the padding before it, does not fit in what is left.
    OutOfMemory,
}

/// Hands out pieces of a region of `capacity` bytes, front to back.
/// Offsets count from the start of the region.
pub struct Bump {
    capacity: usize,
    /// Where the next block may start: everything before it is taken.
    next: usize,
}
// ANCHOR_END: types

impl Bump {
    pub fn new(capacity: usize) -> Bump {
        Bump { capacity, next: 0 }
    }

    // ANCHOR: alloc
    /// Reserves `size` bytes whose offset is a multiple of `align`.
    pub fn alloc(&mut self, size: usize, align: usize) -> Result<usize, AllocError> {
        if !align.is_power_of_two() {
            return Err(AllocError::BadAlign(align));
        }
        // Round `next` up to a multiple of `align`. Because `align` is a
        // power of two, `align - 1` is a mask of the low bits to clear.
        let start = self
            .next
            .checked_add(align - 1)
            .ok_or(AllocError::OutOfMemory)?
            & !(align - 1);
        let end = start.checked_add(size).ok_or(AllocError::OutOfMemory)?;
        if end > self.capacity {
            return Err(AllocError::OutOfMemory);
        }
        self.next = end;
        Ok(start)
    }
    // ANCHOR_END: alloc

    /// Bytes taken so far, padding included: the end of the last block.
    pub fn used(&self) -> usize {
        self.next
    }

    /// Frees every block at once: the region is empty again.
    pub fn reset(&mut self) {
        self.next = 0;
    }
}

fn main() {
    let mut bump = Bump::new(64);
    println!("{:?}", bump.alloc(1, 1)); // Ok(0)
    println!("{:?}", bump.alloc(8, 8)); // Ok(8): 7 bytes of padding first
    println!("used {}", bump.used()); // 16
}
