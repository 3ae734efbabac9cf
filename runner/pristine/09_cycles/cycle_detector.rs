//! # Exercise `cycle_detector`: CPython's cycle detector on an object graph
//!
//! Book: book/src/cycles/cycles.md, section "Your turn: the cycle detector".
//!
//! Reference counting never frees a group of objects that refer to each
//! other: each keeps the others' counts above zero. CPython's cycle
//! detector finds such groups without knowing where the program's
//! variables are. It only has the tracked objects of one generation, each
//! with its reference count and the objects it refers to, and it works out
//! which of them are referred to from *outside* the generation. Build its
//! three phases, as `Modules/gcmodule.c` does them in CPython 3.11:
//!
//! 1. `update_refs`: each object's `gc_refs` starts as its refcount.
//! 2. `subtract_refs`: for every reference from an object of the
//!    generation to an object of the generation, take one off the target's
//!    `gc_refs` (a reference counts once per time it appears in
//!    `referents`; targets outside the generation are left alone). What is
//!    left is the number of references from outside.
//! 3. `move_unreachable`: walk `young` from the front, in one pass:
//!    - an object with `gc_refs` above 0 is reachable: mark it so, and
//!      visit its referents in order. One at 0 that the walk has not
//!      reached yet gets 1 (it stays where it is, and will be found
//!      reachable when its turn comes); one already moved to
//!      `unreachable` was moved too early: take it out of `unreachable`,
//!      put it at the *end* of `young` with 1, and the walk reaches it
//!      again later. Anything else needs nothing;
//!    - an object at 0 moves to the end of `unreachable`, tentatively.
//!
//!    When the walk ends, `young` holds the reachable objects in the order
//!    the walk marked them, and `unreachable` the garbage.
//!
//! Then `collect` runs the three phases and returns the garbage.
//!
//! ```text
//! a = []; b = []; c = []
//! a.append(b); b.append(a); c.append(a)
//! del a, b        # the name c remains; a and b refer to each other
//!
//!                      update_refs  subtract_refs  move_unreachable
//! #0 a  refcount 2  ->b      2            0        reachable (rescued via c)
//! #1 b  refcount 1  ->a      1            0        reachable (rescued via a)
//! #2 c  refcount 1  ->a      1            1        reachable
//!
//! young: [#2, #0, #1]    unreachable: []
//! ```
//!
//! Run `memlings` and save this file: the check prints `gc_refs` after each
//! phase for small Python programs, the two lists, and what python3 3.11.7
//! reported for the same program.

use std::collections::BTreeMap;

/// An object's identity. CPython uses its address; here it is the
/// interpreter's handle, the one `memlings py` runs programs with, so a
/// collector written against it can drive a real heap.
pub use memlings_python::ObjId;

/// A tracked object, as the collector sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub id: ObjId,
    /// Its reference count: every reference to it, from anywhere.
    pub refcount: usize,
    /// The objects it refers to, in the order its `tp_traverse` visits
    /// them, once per reference (a list holding `x` twice names `x` twice).
    /// Some of them may not be in the generation being collected.
    pub referents: Vec<ObjId>,
}

/// What the collector knows about one object during a collection: the
/// `gc_refs` field CPython keeps in the object's GC head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GcRefs {
    /// A count: the refcount after `update_refs`, the references from
    /// outside the generation after `subtract_refs`.
    Count(usize),
    /// `move_unreachable` scanned it: it is reachable from outside.
    Reachable,
    /// `move_unreachable` found it at 0 and moved it to `unreachable`. It
    /// is garbage unless a reachable object scanned later refers to it.
    TentativelyUnreachable,
}

/// One collection of one generation.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// Every object of the generation, by id.
    pub objects: BTreeMap<ObjId, Object>,
    /// The generation's list. It starts with every object, in list order;
    /// after `move_unreachable` it holds the reachable ones, in the order
    /// `move_unreachable` scanned them.
    pub young: Vec<ObjId>,
    /// `gc_refs` of every object of the generation, once `update_refs` has
    /// run. An id without an entry is not in the generation.
    pub gc_refs: BTreeMap<ObjId, GcRefs>,
    /// The objects `move_unreachable` found unreachable, in the order it
    /// moved them here.
    pub unreachable: Vec<ObjId>,
}

impl Collection {
    /// A collection of the generation whose list holds `objects`, in this
    /// order. Nothing is computed yet.
    pub fn new(objects: Vec<Object>) -> Collection {
        let young = objects.iter().map(|o| o.id).collect();
        let objects = objects.into_iter().map(|o| (o.id, o)).collect();
        Collection {
            objects,
            young,
            ..Collection::default()
        }
    }

    /// Phase 1: every object's `gc_refs` starts as its reference count.
    pub fn update_refs(&mut self) {
        todo!()
    }

    /// Phase 2: every reference from an object of the generation to an
    /// object of the generation takes one off the target's `gc_refs`. What
    /// is left counts the references from outside.
    pub fn subtract_refs(&mut self) {
        todo!()
    }

    /// Phase 3: one pass over `young`. An object still referred to from
    /// outside is reachable, and so is everything it refers to; an object
    /// at 0 moves to `unreachable`, until a reachable one proves otherwise.
    pub fn move_unreachable(&mut self) {
        todo!()
    }
}

/// The three phases on one generation: its unreachable objects, in the
/// order they end up in the `unreachable` list.
pub fn collect(objects: Vec<Object>) -> Vec<ObjId> {
    todo!()
}

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin cycle_detector`.
    // `a = []; b = []; c = []; a.append(b); b.append(a); c.append(a); del a, b`
    let a = Object {
        id: ObjId(0),
        refcount: 2,
        referents: vec![ObjId(1)],
    };
    let b = Object {
        id: ObjId(1),
        refcount: 1,
        referents: vec![ObjId(0)],
    };
    let c = Object {
        id: ObjId(2),
        refcount: 1,
        referents: vec![ObjId(0)],
    };
    let mut collection = Collection::new(vec![a, b, c]);
    collection.update_refs();
    collection.subtract_refs();
    collection.move_unreachable();
    println!("young: {:?}", collection.young);
    println!("unreachable: {:?}", collection.unreachable);
}
