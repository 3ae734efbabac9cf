//! # Exercise `list_growth`: how a list makes room (solution)
//!
//! Book: book/src/names/object-costs.md
//!
//! The `refcount_heap` exercise (Part III) includes this file with `#[path]`, so
//! it must stay a plain module: std only, no `crate::` paths.

// ANCHOR: resize
/// CPython 3.11's `list_resize` (Objects/listobject.c): the capacity a list
/// with `allocated` slots and `size` items has after it is resized to hold
/// `newsize` items.
pub fn list_resize(allocated: usize, size: usize, newsize: usize) -> usize {
    // Enough room already, and not so much that half of it would be wasted.
    if allocated >= newsize && newsize >= allocated >> 1 {
        return allocated;
    }
    if newsize == 0 {
        return 0;
    }
    // Room for about 1/8 more, plus a little, rounded down to a multiple of 4.
    let overallocated = (newsize + (newsize >> 3) + 6) & !3;
    // A big jump (an extend by many items) gets just what it asked for,
    // rounded up to a multiple of 4.
    if newsize.saturating_sub(size) > overallocated - newsize {
        (newsize + 3) & !3
    } else {
        overallocated
    }
}
// ANCHOR_END: resize

// ANCHOR: made
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
/// an odd length up to even: the allocator hands out 16-byte steps anyway.
pub fn preallocated_capacity(n: usize) -> usize {
    (n + 1) & !1
}

/// The capacity of a list display of `n` items as CPython 3.11 compiles it.
/// `all_constant`: every item is a constant after the compiler's folding (a
/// literal int, float, str, bytes, None, True or False, `-1`, `2 * 3`, a
/// tuple of constants).
pub fn display_capacity(n: usize, all_constant: bool) -> usize {
    if n > 2 && all_constant {
        // BUILD_LIST 0, LOAD_CONST (the items as one tuple), LIST_EXTEND.
        preallocated_capacity(n)
    } else if n > 30 {
        // Past the compiler's stack-use guideline: BUILD_LIST 0, then one
        // LIST_APPEND per item.
        let mut list = ListModel::new();
        for _ in 0..n {
            list.append();
        }
        list.allocated
    } else {
        // Every item on the stack, then BUILD_LIST n.
        exact_capacity(n)
    }
}
// ANCHOR_END: made

// ANCHOR: model
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
        self.allocated = list_resize(self.allocated, self.len, self.len + 1);
        self.len += 1;
    }

    /// `l.pop()` or `l.pop(i)` (or `del l[i]`): either way the list is
    /// resized to one item fewer.
    pub fn pop(&mut self) -> Result<(), EmptyList> {
        if self.len == 0 {
            return Err(EmptyList);
        }
        self.allocated = list_resize(self.allocated, self.len, self.len - 1);
        self.len -= 1;
        Ok(())
    }

    /// `l.clear()`: the items array is freed.
    pub fn clear(&mut self) {
        *self = ListModel::new();
    }

    /// `sys.getsizeof(l)`: 56 bytes (GC head, header, the pointer to the
    /// items and `allocated`), plus 8 per slot, used or not.
    pub fn getsizeof(&self) -> usize {
        56 + 8 * self.allocated
    }
}
// ANCHOR_END: model

fn main() {
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
