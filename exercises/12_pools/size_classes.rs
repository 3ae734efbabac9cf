//! # Exercise `size_classes`: from a request to its block
//!
//! Book: book/src/pools/pymalloc.md, section "Your turn: size classes".
//!
//! pymalloc, CPython's allocator for small objects, never hands out a block
//! of exactly the size you asked for. On 64-bit builds it rounds every
//! request up to a multiple of 16 bytes (the alignment), so the requests
//! from 1 to 512 bytes fall into 32 **size classes**: class 0 holds 16-byte
//! blocks, class 1 32-byte blocks, ..., class 31 512-byte blocks. A request
//! of 0 bytes, or of more than 512 (`SMALL_REQUEST_THRESHOLD`), is not
//! pymalloc's: it goes to the system allocator (`malloc`), as
//! `_PyObject_Malloc` in CPython 3.11's Objects/obmalloc.c does.
//!
//! Every block of a class lives in a **pool**: 16 KiB of memory that holds
//! blocks of one class only, after a 48-byte header. Implement:
//!
//! - `size_class(nbytes)`: the class of a request, `None` if the request
//!   is not pymalloc's (0, or more than 512). Any `usize`, without panicking.
//! - `block_size(class)`: the size of the blocks of a class, `None` for a
//!   class that does not exist (32 and up).
//! - `blocks_per_pool(class)`: how many blocks of the class fit in a pool
//!   after its header, `None` for a class that does not exist.
//!
//! ```
//! assert_eq!(size_class(24), Some(1));        // a float: 24 bytes, a 32-byte block
//! assert_eq!(block_size(1), Some(32));
//! assert_eq!(blocks_per_pool(1), Some(510));   // (16384 - 48) / 32
//! assert_eq!(size_class(513), None);           // the system allocator's
//! ```
//!
//! Run `memlings` and save this file: the check prints the route of
//! requests around every boundary, the table of the 32 classes, and the
//! classes of the `bytes` objects of the book's experiment.

/// Every block's address, and every block size, is a multiple of this
/// (64-bit CPython; 8 on 32-bit builds).
pub const ALIGNMENT: usize = 16;
/// The largest request pymalloc serves itself.
pub const SMALL_REQUEST_THRESHOLD: usize = 512;
/// How many size classes there are: 512 / 16.
pub const NB_SMALL_SIZE_CLASSES: usize = SMALL_REQUEST_THRESHOLD / ALIGNMENT;
/// The size of a pool (64-bit CPython 3.10 and later; 4 KiB before).
pub const POOL_SIZE: usize = 16 * 1024;
/// The pool header at the start of every pool, rounded up to the alignment.
pub const POOL_OVERHEAD: usize = 48;

/// The size class of a request of `nbytes` bytes, or `None` when pymalloc
/// passes it to the system allocator.
pub fn size_class(nbytes: usize) -> Option<usize> {
    todo!()
}

/// The size of the blocks of size class `class`.
pub fn block_size(class: usize) -> Option<usize> {
    todo!()
}

/// How many blocks of size class `class` fit in one pool after its header.
pub fn blocks_per_pool(class: usize) -> Option<usize> {
    todo!()
}

fn main() {
    // You can experiment here: `cargo run -p memlings-exercises --bin size_classes`.
    // The check calls the functions above, not `main`.
}
