//! # Exercise `list_growth`: how a list makes room
//!
//! Book: book/src/names/object-costs.md, section "Your turn: list growth".
//!
//! A list keeps its items in a separate array of pointers, and that array
//! usually has spare slots: `append` would be slow if every call had to
//! grow the array by one. How many spare slots is decided in one C function
//! of CPython, `list_resize` (Objects/listobject.c). Each time the list's
//! length changes, it is called with the new length and decides whether
//! the array must change, and to what capacity. `sys.getsizeof` counts
//! every slot, used or not: a list is 56 bytes plus 8 a slot.
//!
//! Fill in the `todo!()`s:
//!
//! 1. `list_resize`, with CPython 3.11's rule (the book section spells it
//!    out). Appending one at a time from `[]`, capacities go
//!    0, 4, 8, 16, 24, 32, 40, 52, 64, 76, ...
//! 2. `preallocated_capacity` and `display_capacity`: lists made in one go
//!    do not go through that growth.
//! 3. `ListModel`: `append`, `pop`, `clear` and `getsizeof`, following a
//!    list through a program.
//!
//! ```
//! assert_eq!(list_resize(0, 0, 1), 4);    // the first append
//! assert_eq!(list_resize(4, 4, 5), 8);    // the fifth
//! let mut l = ListModel::new();
//! for _ in 0..5 { l.append(); }
//! assert_eq!((l.len, l.allocated, l.getsizeof()), (5, 8, 120));
//! ```
//!
//! Run `memlings` and save this file: the check follows lists through
//! appends and pops and puts your capacities and sizes next to CPython
//! 3.11.7's.

/// CPython 3.11's `list_resize`: the capacity a list with `allocated` slots
/// and `size` items has after it is resized to hold `newsize` items.
pub fn list_resize(allocated: usize, size: usize, newsize: usize) -> usize {
    todo!()
}

/// The capacity of a list made at its full length in one go: a display of
/// names such as `[a, b, c]` (`BUILD_LIST`), `l * k`, `l1 + l2`, `l[:]`,
/// `l.copy()`.
pub fn exact_capacity(n: usize) -> usize {
    n
}

/// The capacity of a list that an empty list fills from something whose
/// length it knows first (`list_preallocate_exact`): `list(range(n))`,
/// `list(other_list)`, a display of constants such as `[1, 2, 3]` (3.11
/// loads them as one tuple and extends an empty list with it). 3.11 rounds
/// an odd length up to the next even number.
pub fn preallocated_capacity(n: usize) -> usize {
    todo!()
}

/// The capacity of a list display of `n` items as CPython 3.11 compiles it.
/// `all_constant`: every item is a constant after the compiler's folding (a
/// literal int, float, str, bytes, None, True or False, `-1`, `2 * 3`, a
/// tuple of constants).
///
/// - More than 2 items, all constant: the items are one constant tuple,
///   and an empty list is extended with it (preallocated).
/// - Otherwise, more than 30 items: an empty list, then one append per item.
/// - Otherwise: every item on the stack, then one list of exactly `n`.
pub fn display_capacity(n: usize, all_constant: bool) -> usize {
    todo!()
}

/// A list, as far as its size goes: how many items it holds, and how many
/// it has room for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ListModel {
    pub len: usize,
    pub allocated: usize,
}

/// `IndexError: pop from empty list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmptyList;

impl ListModel {
    /// `[]`: no items, no room.
    pub fn new() -> ListModel {
        ListModel::default()
    }

    /// `l.append(x)`.
    pub fn append(&mut self) {
        todo!()
    }

    /// `l.pop()` or `l.pop(i)` (or `del l[i]`): either way the list is
    /// resized to one item fewer.
    pub fn pop(&mut self) -> Result<(), EmptyList> {
        todo!()
    }

    /// `l.clear()`: the items array is freed.
    pub fn clear(&mut self) {
        todo!()
    }

    /// `sys.getsizeof(l)`.
    pub fn getsizeof(&self) -> usize {
        todo!()
    }
}

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin list_growth`.
    let mut list = ListModel::new();
    for _ in 0..10 {
        list.append();
        println!(
            "len {:2}  allocated {:2}  getsizeof {}",
            list.len,
            list.allocated,
            list.getsizeof()
        );
    }
}
