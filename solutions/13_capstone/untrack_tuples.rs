//! # Exercise `untrack_tuples`: tuples that cannot be in a cycle leave the lists (solution)
//!
//! Book: book/src/capstone/pooled-heap.md, section "Your turn: untracking tuples".
//!
//! Every tuple CPython 3.11 creates (but the empty one) is tracked: it
//! goes on generation 0's list like a list does. But a tuple cannot be changed after it is built,
//! so a tuple whose items can never be part of a cycle can never be part of
//! one either, and each collection that walks it wastes time. So after
//! `move_unreachable`, `gc_collect_main` walks the survivors of the young
//! list (`untrack_tuples`) and untracks each exact tuple that qualifies
//! (`_PyTuple_MaybeUntrack`, Objects/tupleobject.c):
//!
//! - it is a tuple (the type is exactly `tuple`: a node, here, is not) and
//!   it is tracked;
//! - none of its items is null (a tuple still being built);
//! - none of its items "may be tracked" (`_PyObject_GC_MAY_BE_TRACKED`):
//!   an item may be tracked when its type has GC, unless it is a tuple that
//!   is not tracked. A float never is; a list always is; a tuple is when
//!   it is still tracked itself.
//!
//! The walk goes once, in list order, so a tuple whose item is a tuple
//! later in the list stays tracked this time: its item is untracked only
//! after it has been looked at. It goes at the next collection. Python
//! 3.11.7 shows this (see the book).
//!
//! Implement `may_be_tracked`, `maybe_untrack`, `untrack_tuples` (read the
//! next node before you untrack the current one: untracking nulls its
//! `_gc_next`), and `collect_main`, the collection of `block_collector`
//! with `untrack_tuples(young)` run where 3.11 runs it: after
//! `move_unreachable`, before the survivors are merged into the older
//! generation. The steps of that collection are the previous exercise's,
//! included here solved.
//!
//! ```
//! let mut alloc = object_header::arenas::Pymalloc::default();
//! let gens = Generations::default();
//! let t = tuple_new(&mut alloc, &gens, 1).unwrap();      // (x,), tracked
//! let x = new_object(&mut alloc, &FLOAT_TYPE, 0).unwrap();
//! unsafe {
//!     set_item(t, 0, x);
//!     release(&mut alloc, x);
//!     let garbage = collect_main(&gens, 0);              // t survives, untracked
//!     assert!(!is_tracked(t));
//! }
//! ```

use std::ptr;

use memlings_python::Allocator;

/// The collector, from the previous exercise (with the header exercise
/// and your Part V allocator inside it).
#[allow(dead_code)]
#[path = "block_collector.rs"]
pub mod block_collector;

pub use block_collector::object_header;
use block_collector::{
    clear_unreachable_mask, get_item, move_unreachable, subtract_refs, update_refs, Generations,
    NUM_GENERATIONS,
};
use object_header::{
    as_gc, gc_list_merge, gc_list_remove, gc_next, is_tracked, new_object, size_of_items, type_of,
    GcHead, GcList, Obj, TUPLE_TYPE,
};

// ----- given -----

/// A new tuple of `n` null items (fill them with `set_item`), tracked in
/// generation 0, as `PyTuple_New` does.
pub fn tuple_new(alloc: &mut impl Allocator, gens: &Generations, n: usize) -> Option<Obj> {
    let op = new_object(alloc, &TUPLE_TYPE, n)?;
    for i in 0..n {
        // SAFETY: `op` is a live tuple of `n` items; item `i` is its
        // (i + 1)-th pointer after the 24-byte PyVarObject header.
        unsafe {
            op.0.as_ptr()
                .cast::<u8>()
                .add(24)
                .cast::<*mut object_header::ObjectHead>()
                .add(i)
                .write(ptr::null_mut())
        };
    }
    // SAFETY: a new object, untracked; the head is live.
    unsafe { gens.track(op) };
    Some(op)
}

/// Whether `op` is exactly a tuple (`PyTuple_CheckExact`).
///
/// # Safety
///
/// `op` is a live object.
pub unsafe fn is_tuple(op: Obj) -> bool {
    // SAFETY: as the caller promises.
    ptr::eq(unsafe { type_of(op) }, &TUPLE_TYPE)
}

// ----- yours -----

// ANCHOR: untrack
/// `_PyObject_GC_MAY_BE_TRACKED`: a GC object, unless it is a tuple that
/// is not tracked.
///
/// # Safety
///
/// `op` is a live object.
pub unsafe fn may_be_tracked(op: Obj) -> bool {
    // SAFETY: `op` is live; only a GC object has a header to look at.
    unsafe { type_of(op).is_gc && (!is_tuple(op) || is_tracked(op)) }
}

/// `_PyTuple_MaybeUntrack`: untracks a tracked tuple none of whose items
/// is null or may be tracked.
///
/// # Safety
///
/// `op` is a live object whose items are live; a tracked `op` is in a list
/// whose nodes are live.
pub unsafe fn maybe_untrack(op: Obj) {
    // SAFETY: as the caller promises; items are read inside the tuple.
    unsafe {
        if !is_tuple(op) || !is_tracked(op) {
            return;
        }
        for i in 0..size_of_items(op) {
            match get_item(op, i) {
                None => return,
                Some(item) if may_be_tracked(item) => return,
                Some(_) => {}
            }
        }
        gc_list_remove(as_gc(op));
    }
}

/// `untrack_tuples`: `maybe_untrack` on every tuple of `head`, in order.
///
/// # Safety
///
/// `head` is a live list head whose nodes, and their items, are live.
pub unsafe fn untrack_tuples(head: *mut GcHead) {
    // SAFETY: the next node is read before the current one may leave the
    // list (which nulls its `_gc_next`); every node is live.
    unsafe {
        let mut g = gc_next(head);
        while !ptr::eq(g, head) {
            let next = gc_next(g);
            let op = object_header::from_gc(g);
            if is_tuple(op) {
                maybe_untrack(op);
            }
            g = next;
        }
    }
}

/// `gc_collect_main` up to the garbage, with `untrack_tuples` on the
/// survivors before they move to the older generation.
///
/// # Safety
///
/// Every object in `gens` is live, and so is what it refers to.
pub unsafe fn collect_main(gens: &Generations, generation: usize) -> GcList {
    assert!(generation < NUM_GENERATIONS, "no generation {generation}");
    let unreachable = GcList::new();
    let young = gens.head(generation);
    // SAFETY: the heads are live and distinct, their objects live.
    unsafe {
        for younger in 0..generation {
            gc_list_merge(gens.head(younger), young);
        }
        update_refs(young);
        subtract_refs(young);
        move_unreachable(young, unreachable.head());
        untrack_tuples(young);
        if generation + 1 < NUM_GENERATIONS {
            gc_list_merge(young, gens.head(generation + 1));
        }
        clear_unreachable_mask(unreachable.head());
    }
    unreachable
}
// ANCHOR_END: untrack

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin untrack_tuples`, and
    // under Miri: cargo +nightly miri run -p memlings-exercises --bin untrack_tuples
    // outer = (inner,) and inner = (x, y), held only by outer, as in the book.
    let mut alloc = object_header::arenas::Pymalloc::default();
    let gens = Generations::default();
    let (Some(inner), Some(outer)) = (
        tuple_new(&mut alloc, &gens, 2),
        tuple_new(&mut alloc, &gens, 1),
    ) else {
        return;
    };
    // SAFETY: every object is live; each release gives up a reference
    // this function holds, and the collections find no garbage to free.
    unsafe {
        for i in 0..2 {
            if let Some(x) = new_object(&mut alloc, &object_header::FLOAT_TYPE, 0) {
                block_collector::set_item(inner, i, x);
                block_collector::release(&mut alloc, x);
            }
        }
        block_collector::set_item(outer, 0, inner);
        block_collector::release(&mut alloc, inner);
        for round in 1..=2 {
            let garbage = collect_main(&gens, (round - 1).min(1));
            block_collector::delete_garbage(&mut alloc, &garbage, gens.head(2));
            // after 1: outer true, inner false; after 2: both false
            println!(
                "after collection {round}: outer tracked {}, inner tracked {}",
                is_tracked(outer),
                is_tracked(inner)
            );
        }
        block_collector::release(&mut alloc, outer);
    }
    println!("{:?}", alloc.stats()); // 0 blocks
}

#[cfg(test)]
mod tests {
    use super::block_collector::{delete_garbage, node_new, release, set_item};
    use super::object_header::arenas::Pymalloc;
    use super::object_header::{gc_list_objects, FLOAT_TYPE, LIST_TYPE};
    use super::*;

    #[test]
    fn a_tuple_of_floats_is_untracked_one_of_a_list_is_not() {
        let mut alloc = Pymalloc::default();
        let gens = Generations::default();
        let floats = tuple_new(&mut alloc, &gens, 2).unwrap();
        let with_list = tuple_new(&mut alloc, &gens, 1).unwrap();
        let node = node_new(&mut alloc, 1).unwrap();
        // SAFETY: all objects are live; each release drops a reference held here.
        unsafe {
            gens.track(node);
            for i in 0..2 {
                let x = new_object(&mut alloc, &FLOAT_TYPE, 0).unwrap();
                set_item(floats, i, x);
                release(&mut alloc, x);
            }
            let x = new_object(&mut alloc, &FLOAT_TYPE, 0).unwrap();
            set_item(node, 0, x);
            release(&mut alloc, x);
            let list = new_object(&mut alloc, &LIST_TYPE, 0).unwrap();
            gens.track(list);
            set_item(with_list, 0, list);
            release(&mut alloc, list);
            let garbage = collect_main(&gens, 0);
            assert!(!is_tracked(floats));
            assert!(is_tracked(with_list));
            assert!(is_tracked(node), "a node is no tuple");
            assert_eq!(gc_list_objects(gens.head(1)), vec![with_list, node, list]);
            delete_garbage(&mut alloc, &garbage, gens.head(1));
            for op in [floats, with_list, node] {
                release(&mut alloc, op);
            }
        }
        assert_eq!(alloc.stats().blocks, 0);
    }

    #[test]
    fn a_tuple_in_a_tuple_held_only_by_it_takes_two_collections() {
        let mut alloc = Pymalloc::default();
        let gens = Generations::default();
        let inner = tuple_new(&mut alloc, &gens, 1).unwrap();
        let outer = tuple_new(&mut alloc, &gens, 1).unwrap();
        // SAFETY: as above.
        unsafe {
            let x = new_object(&mut alloc, &FLOAT_TYPE, 0).unwrap();
            set_item(inner, 0, x);
            release(&mut alloc, x);
            set_item(outer, 0, inner);
            release(&mut alloc, inner);
            let g = collect_main(&gens, 0);
            assert!(is_tracked(outer) && !is_tracked(inner));
            delete_garbage(&mut alloc, &g, gens.head(1));
            let g = collect_main(&gens, 1);
            assert!(!is_tracked(outer));
            delete_garbage(&mut alloc, &g, gens.head(2));
            release(&mut alloc, outer);
        }
        assert_eq!(alloc.stats().blocks, 0);
    }
}
