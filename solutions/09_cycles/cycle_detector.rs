//! # Exercise `cycle_detector`: CPython's cycle detector on an object graph (solution)
//!
//! Book: book/src/cycles/cycles.md, section "Your turn: the cycle detector".

use std::collections::BTreeMap;

// ANCHOR: types
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
// ANCHOR_END: types

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

    // ANCHOR: update_refs
    /// Phase 1: every object's `gc_refs` starts as its reference count.
    pub fn update_refs(&mut self) {
        for id in &self.young {
            let refcount = self.objects[id].refcount;
            self.gc_refs.insert(*id, GcRefs::Count(refcount));
        }
    }
    // ANCHOR_END: update_refs

    // ANCHOR: subtract_refs
    /// Phase 2: every reference from an object of the generation to an
    /// object of the generation takes one off the target's `gc_refs`. What
    /// is left counts the references from outside.
    pub fn subtract_refs(&mut self) {
        for id in &self.young {
            for target in &self.objects[id].referents {
                // Not in the generation: not our business.
                if let Some(GcRefs::Count(n)) = self.gc_refs.get_mut(target) {
                    *n = n
                        .checked_sub(1)
                        .expect("refcount is too small: more references inside than it counts");
                }
            }
        }
    }
    // ANCHOR_END: subtract_refs

    // ANCHOR: move_unreachable
    /// Phase 3: one pass over `young`. An object still referred to from
    /// outside is reachable, and so is everything it refers to; an object
    /// at 0 moves to `unreachable`, until a reachable one proves otherwise.
    pub fn move_unreachable(&mut self) {
        let mut i = 0;
        while i < self.young.len() {
            let id = self.young[i];
            if self.gc_refs[&id] == GcRefs::Count(0) {
                // Maybe garbage: an object scanned later may still reach it.
                self.young.remove(i);
                self.unreachable.push(id);
                self.gc_refs.insert(id, GcRefs::TentativelyUnreachable);
                continue;
            }
            self.gc_refs.insert(id, GcRefs::Reachable);
            for target in &self.objects[&id].referents {
                match self.gc_refs.get(target) {
                    // Not scanned yet: it will be, and as reachable.
                    Some(GcRefs::Count(0)) => {
                        self.gc_refs.insert(*target, GcRefs::Count(1));
                    }
                    // Scanned too early: back to the end of young.
                    Some(GcRefs::TentativelyUnreachable) => {
                        self.unreachable.retain(|u| u != target);
                        self.young.push(*target);
                        self.gc_refs.insert(*target, GcRefs::Count(1));
                    }
                    // Already reachable, waiting with a count above 0, or
                    // not in the generation: nothing to do.
                    _ => {}
                }
            }
            i += 1;
        }
    }
    // ANCHOR_END: move_unreachable
}

// ANCHOR: collect
/// The three phases on one generation: its unreachable objects, in the
/// order they end up in the `unreachable` list.
pub fn collect(objects: Vec<Object>) -> Vec<ObjId> {
    let mut collection = Collection::new(objects);
    collection.update_refs();
    collection.subtract_refs();
    collection.move_unreachable();
    collection.unreachable
}
// ANCHOR_END: collect

fn main() {
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
