//! Size classes: a request of 1 to 512 bytes is served from a block of the
//! next multiple of 16 bytes, one class per multiple (CPython 3.11's
//! `ALIGNMENT`, `SMALL_REQUEST_THRESHOLD`, `NB_SMALL_SIZE_CLASSES` and
//! `INDEX2SIZE` in Objects/obmalloc.c, 64-bit build).

use memlings_python::heap::ALIGNMENT;

/// The largest request served from a pool; larger ones go to the system.
pub const SMALL_REQUEST_THRESHOLD: usize = 512;

/// Classes of 16, 32, ..., 512 bytes.
pub const NB_SMALL_SIZE_CLASSES: usize = SMALL_REQUEST_THRESHOLD / ALIGNMENT;

const ALIGNMENT_SHIFT: u32 = ALIGNMENT.trailing_zeros();

/// The class of a request, or `None` for one the pools do not serve: 0
/// bytes (`malloc(0)` in CPython goes to the system too) or over 512.
#[inline]
pub fn class_of(size: usize) -> Option<usize> {
    // (size - 1) wraps for 0, so one comparison refuses both ends.
    let index = size.wrapping_sub(1) >> ALIGNMENT_SHIFT;
    (index < NB_SMALL_SIZE_CLASSES).then_some(index)
}

/// The block size of class `szidx`.
#[inline]
pub const fn block_size(szidx: usize) -> usize {
    (szidx + 1) << ALIGNMENT_SHIFT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_map_to_the_next_multiple_of_sixteen() {
        assert_eq!(NB_SMALL_SIZE_CLASSES, 32);
        assert_eq!(class_of(0), None);
        assert_eq!(class_of(1), Some(0));
        assert_eq!(class_of(16), Some(0));
        assert_eq!(class_of(17), Some(1));
        assert_eq!(class_of(56), Some(3));
        assert_eq!(class_of(512), Some(31));
        assert_eq!(class_of(513), None);
        assert_eq!(class_of(usize::MAX), None);
        for size in 1..=SMALL_REQUEST_THRESHOLD {
            let szidx = class_of(size).expect("a small request");
            let block = block_size(szidx);
            assert!(
                block >= size && block - size < ALIGNMENT,
                "{size} -> {block}"
            );
        }
    }
}
