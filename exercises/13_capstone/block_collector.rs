//! # Exercise `block_collector`: the cycle collector over block memory
//!
//! Book: book/src/capstone/pooled-heap.md, section "Your turn: the collector".
//!
//! Part IV's cycle detector worked on sets of ids. CPython 3.11's works
//! on the objects' own headers: a generation is an intrusive list of
//! `PyGC_Head`s (the previous exercise), and while a collection runs,
//! each header's two words hold the collector's state:
//!
//! - `_gc_prev` stops being a link. `update_refs` writes the object's
//!   reference count into its upper bits (`gc_refs`, shifted left by 2)
//!   and sets `PREV_MASK_COLLECTING`, keeping only `PREV_MASK_FINALIZED`
//!   of what was there. `subtract_refs` visits what each collected object
//!   refers to and lowers the `gc_refs` of every referent that is being
//!   collected (a referent that is not a GC object, or not in this
//!   collection, is left alone). What is left is the number of references
//!   from outside the collected set.
//! - `move_unreachable` walks the list once. An object with `gc_refs > 0`
//!   is reachable: it visits its referents (`visit_reachable`), gets its
//!   `_gc_prev` link back (to the previous object still in the list), and
//!   loses `PREV_MASK_COLLECTING`. An object with `gc_refs == 0` may be
//!   garbage: it moves to the end of the `unreachable` list, with
//!   `NEXT_MASK_UNREACHABLE` in the low bit of its `_gc_next`, and only
//!   the forward links of the young list are kept. If a reachable object
//!   then visits it, it comes back to the end of the young list with
//!   `gc_refs = 1`, and the walk gets to it again; a referent the walk has
//!   not reached yet, with `gc_refs == 0`, just gets `gc_refs = 1`.
//! - `clear_unreachable_mask` takes `NEXT_MASK_UNREACHABLE` off again, so
//!   `unreachable` is an ordinary list (its objects still collecting).
//! - `collect(generation)` merges the younger generations into the one
//!   collected (`gc_list_merge`, in order), runs the above, and merges the
//!   survivors into the next older generation (the oldest keeps its own).
//!   It returns the unreachable list; `delete_garbage` (given) clears each
//!   object in it, and reference counting frees what dies back to its pool.
//!
//! Objects here are `node`s (given): a GC type whose items follow the
//! header in the block, like a tuple's, each a reference or null. The
//! `traverse` function (given, CPython: `tp_traverse`) calls a visitor on
//! each non-null item, floats included; `visit_decref` and
//! `visit_reachable` must skip what is not a GC object. Every function you
//! write is an `unsafe fn`: the caller promises that the lists and their
//! objects are live. Once the check passes, run it under Miri:
//! `cargo +nightly miri run -p memlings-exercises --bin block_collector`.
//!
//! ```
//! let mut alloc = object_header::arenas::Pymalloc::default();
//! let gens = Generations::default();
//! let (a, b) = (node_new(&mut alloc, 1).unwrap(), node_new(&mut alloc, 1).unwrap());
//! unsafe {
//!     gens.track(a);
//!     gens.track(b);
//!     set_item(a, 0, b);                    // a -> b -> a: counts 2 and 2
//!     set_item(b, 0, a);
//!     release(&mut alloc, a);               // the outside references go:
//!     release(&mut alloc, b);               // counts 1 and 1, never 0
//!     let garbage = collect(&gens, 0);      // update_refs: 1, 1; subtract_refs: 0, 0
//!     // gc_list_objects(garbage.head()) == [a, b], in CPython's order
//!     delete_garbage(&mut alloc, &garbage, gens.head(1)); // blocks back to their pools
//! }
//! ```

use std::ptr::{self, NonNull};

use memlings_python::Allocator;

/// The previous exercise: headers, blocks and lists (and, inside it, your
/// Part V allocator).
#[allow(dead_code)]
#[path = "object_header.rs"]
pub mod object_header;

// Some of these are for the functions you write.
#[allow(unused_imports)]
use object_header::{
    as_gc, dealloc, decref, from_gc, gc_list_append, gc_list_is_empty, gc_list_merge,
    gc_list_remove, gc_next, gc_prev, gc_set_next, gc_set_prev, incref, new_object, size_of_items,
    type_of, GcHead, GcList, Obj, ObjectHead, TypeObject, PREV_MASK_COLLECTING,
    PREV_MASK_FINALIZED,
};

/// `_gc_next` bit 0, during `move_unreachable`: the object is in `unreachable`.
pub const NEXT_MASK_UNREACHABLE: usize = 1;
/// `gc_refs` is stored in `_gc_prev` above its two flag bits.
pub const PREV_SHIFT: usize = 2;
/// CPython 3.11's `NUM_GENERATIONS`.
pub const NUM_GENERATIONS: usize = 3;

// ----- given: the node type, its items, and generations -----

/// A container whose items are in its block, after a `PyVarObject` header,
/// as a tuple's are: request size 16 + 24 + 8 per item.
pub static NODE_TYPE: TypeObject = TypeObject {
    name: "node",
    basicsize: 24,
    itemsize: 8,
    is_gc: true,
};

/// The address of item `i` of a node.
///
/// # Safety
///
/// `op` is a live node with more than `i` items.
unsafe fn item_slot(op: Obj, i: usize) -> *mut *mut ObjectHead {
    // SAFETY: the items start 24 bytes into the object (after ob_refcnt,
    // ob_type and ob_size); item `i` is inside the block that
    // `request_size(&NODE_TYPE, n)` sized.
    unsafe {
        op.0.as_ptr()
            .cast::<u8>()
            .add(24)
            .cast::<*mut ObjectHead>()
            .add(i)
    }
}

/// A new node of `n` null items, untracked, its count 1.
pub fn node_new(alloc: &mut impl Allocator, n: usize) -> Option<Obj> {
    let op = new_object(alloc, &NODE_TYPE, n)?;
    for i in 0..n {
        // SAFETY: `op` is live with `n` items; the slots are in its block.
        unsafe { item_slot(op, i).write(ptr::null_mut()) };
    }
    Some(op)
}

/// Item `i` of a node, `None` when null.
///
/// # Safety
///
/// `op` is a live node with more than `i` items.
pub unsafe fn get_item(op: Obj, i: usize) -> Option<Obj> {
    // SAFETY: the caller says the slot exists; `node_new` initialized it.
    NonNull::new(unsafe { item_slot(op, i).read() }).map(Obj)
}

/// Makes item `i` of `op` a new reference to `target` (incref). The old
/// item, if any, must have been taken out with `take_item` first.
///
/// # Safety
///
/// `op` is a live node with more than `i` items, item `i` is null, and
/// `target` is a live object.
pub unsafe fn set_item(op: Obj, i: usize, target: Obj) {
    // SAFETY: as the caller promises.
    unsafe {
        debug_assert!(get_item(op, i).is_none(), "item {i} is taken");
        incref(target);
        item_slot(op, i).write(target.0.as_ptr());
    }
}

/// Takes item `i` out of a node (the slot becomes null) and hands its
/// reference to the caller.
///
/// # Safety
///
/// `op` is a live node with more than `i` items.
pub unsafe fn take_item(op: Obj, i: usize) -> Option<Obj> {
    // SAFETY: as the caller promises.
    unsafe {
        let item = get_item(op, i);
        item_slot(op, i).write(ptr::null_mut());
        item
    }
}

/// `tp_traverse`: calls `visit` on each non-null item, in order.
///
/// # Safety
///
/// `op` is a live node whose items are live objects.
pub unsafe fn traverse(op: Obj, visit: &mut dyn FnMut(Obj)) {
    // SAFETY: a live node's items are its ob_size slots.
    let n = unsafe { size_of_items(op) };
    for i in 0..n {
        // SAFETY: `i` is below the node's item count.
        if let Some(item) = unsafe { get_item(op, i) } {
            visit(item);
        }
    }
}

/// `Py_DECREF`, whole: when the count reaches 0 a node (or a tuple) lets
/// go of its items (each released in turn) and its block goes back to
/// `alloc`.
///
/// # Safety
///
/// `op` is a live object from `alloc`, with a count of at least 1, whose
/// items are live.
pub unsafe fn release(alloc: &mut impl Allocator, op: Obj) {
    // SAFETY: as the caller promises; once dealloc'ed, `op` is not used.
    unsafe {
        if !decref(op) {
            return;
        }
        let tp = type_of(op);
        if ptr::eq(tp, &NODE_TYPE) || ptr::eq(tp, &object_header::TUPLE_TYPE) {
            for i in 0..size_of_items(op) {
                if let Some(item) = take_item(op, i) {
                    release(alloc, item);
                }
            }
        }
        dealloc(alloc, op);
    }
}

/// The three generations' list heads (CPython: `gcstate->generations`).
#[derive(Debug, Default)]
pub struct Generations {
    pub lists: [GcList; NUM_GENERATIONS],
}

impl Generations {
    pub fn head(&self, generation: usize) -> *mut GcHead {
        self.lists[generation].head()
    }

    /// `PyObject_GC_Track`: `op` (a GC object, untracked) joins generation 0.
    ///
    /// # Safety
    ///
    /// `op` is a live, untracked GC object, released before `self` drops.
    pub unsafe fn track(&self, op: Obj) {
        // SAFETY: as the caller promises; the head is live.
        unsafe { gc_list_append(as_gc(op), self.head(0)) };
    }
}

/// `delete_garbage`: clears each unreachable object in turn (`tp_clear`:
/// takes its items out and releases them); an object whose count then
/// reaches 0 leaves the list as its block is freed. One that is still
/// there after its clear was kept alive from outside the garbage: it stops
/// collecting and moves to `old`.
///
/// # Safety
///
/// `unreachable` is what `collect` returned, `old` a live list head, and
/// every object came from `alloc`.
pub unsafe fn delete_garbage(alloc: &mut impl Allocator, unreachable: &GcList, old: *mut GcHead) {
    let list = unreachable.head();
    // SAFETY: every node of `unreachable` is a live object until released;
    // each step looks at the list's first node afresh.
    unsafe {
        while !gc_list_is_empty(list) {
            let g = gc_next(list);
            let op = from_gc(g);
            incref(op); // as CPython's delete_garbage holds the object during tp_clear
            for i in 0..size_of_items(op) {
                if let Some(item) = take_item(op, i) {
                    release(alloc, item);
                }
            }
            release(alloc, op);
            if ptr::eq(gc_next(list), g) {
                gc_clear_collecting(g);
                gc_list_remove(g);
                gc_list_append(g, old);
            }
        }
    }
}

// ----- yours: gc_refs, and the collection -----

/// `gc_get_refs`: the number in `_gc_prev`'s upper bits.
///
/// # Safety
///
/// `g` is a live GC header.
pub unsafe fn gc_get_refs(g: *mut GcHead) -> isize {
    todo!()
}

/// `gc_set_refs`: writes `refs`, keeping both flag bits.
///
/// # Safety
///
/// `g` is a live GC header.
pub unsafe fn gc_set_refs(g: *mut GcHead, refs: isize) {
    todo!()
}

/// `gc_reset_refs`: `refs`, `PREV_MASK_COLLECTING` set, and of the old
/// value only `PREV_MASK_FINALIZED` kept (the link is overwritten).
///
/// # Safety
///
/// `g` is a live GC header.
pub unsafe fn gc_reset_refs(g: *mut GcHead, refs: isize) {
    todo!()
}

/// `gc_decref`: one fewer reference from outside.
///
/// # Safety
///
/// `g` is a live GC header whose `gc_refs` is above 0.
pub unsafe fn gc_decref(g: *mut GcHead) {
    todo!()
}

/// `gc_is_collecting`.
///
/// # Safety
///
/// `g` is a live GC header.
pub unsafe fn gc_is_collecting(g: *mut GcHead) -> bool {
    todo!()
}

/// `gc_clear_collecting`.
///
/// # Safety
///
/// `g` is a live GC header.
pub unsafe fn gc_clear_collecting(g: *mut GcHead) {
    todo!()
}

/// `update_refs`: for every object of `containers`, `gc_refs` = its count,
/// and collecting.
///
/// # Safety
///
/// `containers` is a live list head whose nodes are live GC objects.
pub unsafe fn update_refs(containers: *mut GcHead) {
    todo!()
}

/// `visit_decref`: a reference from inside the collected set.
///
/// # Safety
///
/// `op` is a live object.
pub unsafe fn visit_decref(op: Obj) {
    todo!()
}

/// `subtract_refs`: every reference between collected objects is taken
/// off the referent's `gc_refs`.
///
/// # Safety
///
/// As `update_refs`, after it.
pub unsafe fn subtract_refs(containers: *mut GcHead) {
    todo!()
}

/// `visit_reachable`: `op` is referred to by a reachable object.
///
/// # Safety
///
/// `op` is a live object; `reachable` is the young list that
/// `move_unreachable` is walking.
pub unsafe fn visit_reachable(op: Obj, reachable: *mut GcHead) {
    todo!()
}

/// `move_unreachable`: leaves in `young` what is reachable from outside
/// it, in order, with its `_gc_prev` links back and no longer collecting;
/// moves the rest to `unreachable`, with `NEXT_MASK_UNREACHABLE` set.
///
/// # Safety
///
/// `young` has been through `update_refs` and `subtract_refs`;
/// `unreachable` is a live, empty list head.
pub unsafe fn move_unreachable(young: *mut GcHead, unreachable: *mut GcHead) {
    todo!()
}

/// `clear_unreachable_mask`: `unreachable` becomes an ordinary list.
///
/// # Safety
///
/// `unreachable` is the list `move_unreachable` filled.
pub unsafe fn clear_unreachable_mask(unreachable: *mut GcHead) {
    todo!()
}

/// `gc_collect_main`, up to the garbage: returns the unreachable objects,
/// in the order the collector found them, as a list.
///
/// # Safety
///
/// Every object in `gens` is live, and so is what it refers to.
pub unsafe fn collect(gens: &Generations, generation: usize) -> GcList {
    todo!()
}

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin block_collector`, and
    // under Miri: cargo +nightly miri run -p memlings-exercises --bin block_collector
    let mut alloc = object_header::arenas::Pymalloc::default();
    let gens = Generations::default();
    // a <-> b, a cycle, and c, held from outside.
    let (Some(a), Some(b), Some(c)) = (
        node_new(&mut alloc, 1),
        node_new(&mut alloc, 1),
        node_new(&mut alloc, 0),
    ) else {
        return;
    };
    // SAFETY: every object is live and untracked when tracked; each
    // release gives up a reference this function holds.
    unsafe {
        for op in [a, b, c] {
            gens.track(op);
        }
        set_item(a, 0, b);
        set_item(b, 0, a);
        release(&mut alloc, a);
        release(&mut alloc, b);
        println!("{:?}", alloc.stats()); // 3 blocks: the cycle keeps a and b
        let garbage = collect(&gens, 0);
        let found = object_header::gc_list_objects(garbage.head());
        println!("unreachable: {}", found.len()); // 2
        delete_garbage(&mut alloc, &garbage, gens.head(1));
        println!("{:?}", alloc.stats()); // 1 block: c's
        release(&mut alloc, c);
    }
}
