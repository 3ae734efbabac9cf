//! Solution for `finalizers`: what CPython 3.11's `gc_collect_main`
//! (Modules/gcmodule.c) does with the garbage once `move_unreachable` has
//! found it: legacy finalizers, weakrefs, `__del__`, resurrection, `tp_clear`,
//! and the number `gc.collect()` returns.

use std::collections::BTreeMap;

// ANCHOR: types
/// An object's identity. CPython uses its address; here it is the
/// interpreter's handle, the one `memlings py` runs programs with, so a
/// collector written against it can drive a real heap.
pub use memlings_python::ObjId;

/// The finalizer an object's type has, and what it does when it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finalizer {
    /// Neither `__del__` nor `tp_del`.
    None,
    /// `__del__` (the `tp_finalize` slot, PEP 442). When it runs, it stores
    /// one new reference to each object of `stores` somewhere the program
    /// can reach (a global list, say). Empty: it only prints, or closes a
    /// file, or does something else the collector cannot see.
    Del { stores: Vec<ObjId> },
    /// A legacy `tp_del` finalizer, from C (`_testcapi.with_tp_del` makes
    /// one). The collector never calls it.
    Legacy,
}

/// A tracked object of the garbage: `move_unreachable` found it unreachable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub id: ObjId,
    /// Its reference count, counting every reference to it.
    pub refcount: usize,
    /// The objects it refers to, in `tp_traverse` order, once per
    /// reference. Only references to objects of the garbage matter here.
    pub referents: Vec<ObjId>,
    pub finalizer: Finalizer,
    /// The "finalized" bit in its GC header: its `__del__` already ran,
    /// in an earlier collection or when reference counting freed it and
    /// the `__del__` resurrected it.
    pub finalized: bool,
}

/// What a weakref's callback does, as far as the collector can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    /// It runs, and the weakref stays alive (a name, or an object,
    /// still holds it).
    KeepsWeakref,
    /// It drops the last reference to its own weakref, as the callback of
    /// a `WeakValueDictionary` entry does when it deletes the entry: the
    /// weakref is freed right after the call.
    DropsWeakref,
}

/// A weak reference to an object of the garbage, or one that is itself in
/// the garbage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeakRef {
    pub id: ObjId,
    /// What it points at; `None` once it has been cleared (`r()` is `None`).
    pub target: Option<ObjId>,
    pub callback: Option<Callback>,
}

/// One thing the collector did, in the order it did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// `move_legacy_finalizers`: this object has a legacy finalizer, or one
    /// of those reaches it. It is uncollectable.
    Uncollectable(ObjId),
    /// `handle_weakrefs`: this weakref now points at nothing.
    WeakrefCleared(ObjId),
    /// `handle_weakrefs`: the weakref just cleared has a callback, and it
    /// is not garbage itself: its callback will be called. If it was
    /// uncollectable, it is not any more.
    CallbackQueued(ObjId),
    /// `handle_weakrefs`: this weakref's callback is called.
    CallbackCalled(ObjId),
    /// `handle_weakrefs`: the callback just called dropped the last
    /// reference to its weakref, which is freed.
    WeakrefFreed(ObjId),
    /// `finalize_garbage`: this object's `__del__` ran.
    DelCalled(ObjId),
    /// `finalize_garbage`: the `__del__` that just ran stored a reference to
    /// this object.
    ReferenceStored(ObjId),
    /// `handle_resurrected_objects`: this object is reachable again; it
    /// moves to the old generation.
    Resurrected(ObjId),
    /// `delete_garbage`: `tp_clear` broke this object's references, and it
    /// is freed.
    Cleared(ObjId),
}

/// The end of one collection: the steps of `gc_collect_main` after
/// `move_unreachable`.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// Every object of the garbage, by id.
    pub objects: BTreeMap<ObjId, Object>,
    /// The `unreachable` list: the garbage, in the order `move_unreachable`
    /// left it. Each step takes out what it decides about; what is left at
    /// the end of `handle_resurrected_objects` is what `delete_garbage`
    /// clears.
    pub unreachable: Vec<ObjId>,
    /// Every weakref to an object of the garbage, and every weakref that is
    /// in the garbage, in the order of each target's weakref list
    /// (`weakref.getweakrefs(x)` shows it).
    pub weakrefs: Vec<WeakRef>,
    /// Objects with a legacy finalizer and everything they reach, but for
    /// the weakrefs among them whose callbacks `handle_weakrefs` queued.
    pub uncollectable: Vec<ObjId>,
    /// Weakrefs freed by their own callbacks.
    pub weakrefs_freed: usize,
    /// Objects resurrected, in the order they moved to the old generation.
    pub survivors: Vec<ObjId>,
    /// Objects `delete_garbage` cleared, in order.
    pub freed: Vec<ObjId>,
    /// Everything done so far.
    pub events: Vec<Event>,
}
// ANCHOR_END: types

/// `gc_refs` of `handle_resurrected_objects`' second pass over the garbage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GcRefs {
    Count(usize),
    Reachable,
    TentativelyUnreachable,
}

impl Collection {
    /// The garbage `move_unreachable` found, in its order, and the weakrefs
    /// that point at it or are part of it.
    pub fn new(garbage: Vec<Object>, weakrefs: Vec<WeakRef>) -> Collection {
        let unreachable = garbage.iter().map(|o| o.id).collect();
        let objects = garbage.into_iter().map(|o| (o.id, o)).collect();
        Collection {
            objects,
            unreachable,
            weakrefs,
            ..Collection::default()
        }
    }

    // ANCHOR: move_legacy_finalizers
    /// `move_legacy_finalizers` and `move_legacy_finalizer_reachable`:
    /// objects with a legacy finalizer, in list order, then everything they
    /// reach in the garbage, in the order a walk over the growing list
    /// finds them, leave `unreachable` for `uncollectable`. CPython appends
    /// the ones with a finalizer to `gc.garbage` at the end of the
    /// collection, and the rest stays alive because they refer to it.
    pub fn move_legacy_finalizers(&mut self) {
        let (legacy, rest): (Vec<ObjId>, Vec<ObjId>) = self
            .unreachable
            .iter()
            .partition(|id| self.objects[id].finalizer == Finalizer::Legacy);
        self.unreachable = rest;
        self.uncollectable = legacy;
        let mut i = 0;
        while i < self.uncollectable.len() {
            for target in &self.objects[&self.uncollectable[i]].referents {
                if let Some(at) = self.unreachable.iter().position(|id| id == target) {
                    self.unreachable.remove(at);
                    self.uncollectable.push(*target);
                }
            }
            i += 1;
        }
        let events = self
            .uncollectable
            .iter()
            .map(|&id| Event::Uncollectable(id));
        self.events.extend(events);
    }
    // ANCHOR_END: move_legacy_finalizers

    // ANCHOR: handle_weakrefs
    /// `handle_weakrefs`: clear every weakref to the garbage (and every
    /// weakref in it) before any Python code runs, queueing the callbacks
    /// of the weakrefs that are not garbage (which takes them out of
    /// `uncollectable`, if they were there); then call them.
    pub fn handle_weakrefs(&mut self) {
        let mut queued = Vec::new();
        for &op in &self.unreachable {
            for wr in &mut self.weakrefs {
                // `op` is this weakref (garbage itself, not cleared yet),
                // or this weakref points at `op`.
                let is_op = wr.id == op && wr.target.is_some();
                if !is_op && wr.target != Some(op) {
                    continue;
                }
                wr.target = None;
                self.events.push(Event::WeakrefCleared(wr.id));
                let in_garbage = self.unreachable.contains(&wr.id);
                if wr.callback.is_some() && !in_garbage {
                    self.events.push(Event::CallbackQueued(wr.id));
                    queued.push(wr.id);
                    // Step 1 may have made it uncollectable (an object with
                    // a legacy finalizer holds it): `gc_is_collecting` is
                    // false for it all the same, and CPython moves it from
                    // `finalizers` to the callbacks to call, then to the
                    // old generation.
                    self.uncollectable.retain(|&id| id != wr.id);
                }
            }
        }
        // Only now, with no weakref left that could reach the garbage.
        for id in queued {
            self.events.push(Event::CallbackCalled(id));
            let wr = self.weakrefs.iter().find(|w| w.id == id);
            if wr.and_then(|w| w.callback) == Some(Callback::DropsWeakref) {
                self.events.push(Event::WeakrefFreed(id));
                self.weakrefs_freed += 1;
            }
        }
    }
    // ANCHOR_END: handle_weakrefs

    // ANCHOR: finalize_garbage
    /// `finalize_garbage`: each `__del__` that never ran, runs, in list
    /// order, and the object is marked finalized: never again.
    pub fn finalize_garbage(&mut self) {
        for id in &self.unreachable {
            let object = self.objects.get_mut(id).expect("every id is an object");
            let Finalizer::Del { stores } = &object.finalizer else {
                continue;
            };
            if object.finalized {
                continue;
            }
            object.finalized = true;
            let stores = stores.clone();
            self.events.push(Event::DelCalled(*id));
            for target in stores {
                if let Some(stored) = self.objects.get_mut(&target) {
                    stored.refcount += 1;
                    self.events.push(Event::ReferenceStored(target));
                }
            }
        }
    }
    // ANCHOR_END: finalize_garbage

    // ANCHOR: handle_resurrected_objects
    /// `handle_resurrected_objects`: the three phases of the cycle detector
    /// again, on what is left of the garbage, with the refcounts the
    /// finalizers left. What is reachable from outside now, and everything
    /// it reaches, survives: it moves to the old generation, in the order
    /// the walk leaves it. The rest stays in `unreachable`, in its order.
    pub fn handle_resurrected_objects(&mut self) {
        // update_refs and subtract_refs.
        let mut gc_refs: BTreeMap<ObjId, GcRefs> = self
            .unreachable
            .iter()
            .map(|id| (*id, GcRefs::Count(self.objects[id].refcount)))
            .collect();
        for id in &self.unreachable {
            for target in &self.objects[id].referents {
                if let Some(GcRefs::Count(n)) = gc_refs.get_mut(target) {
                    *n -= 1;
                }
            }
        }
        // move_unreachable, with `young` the garbage and `still` the new
        // unreachable list.
        let mut young = std::mem::take(&mut self.unreachable);
        let mut still = Vec::new();
        let mut i = 0;
        while i < young.len() {
            let id = young[i];
            if gc_refs[&id] == GcRefs::Count(0) {
                young.remove(i);
                still.push(id);
                gc_refs.insert(id, GcRefs::TentativelyUnreachable);
                continue;
            }
            gc_refs.insert(id, GcRefs::Reachable);
            for target in &self.objects[&id].referents {
                match gc_refs.get(target) {
                    Some(GcRefs::Count(0)) => {
                        gc_refs.insert(*target, GcRefs::Count(1));
                    }
                    Some(GcRefs::TentativelyUnreachable) => {
                        still.retain(|s| s != target);
                        young.push(*target);
                        gc_refs.insert(*target, GcRefs::Count(1));
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        self.events
            .extend(young.iter().map(|&id| Event::Resurrected(id)));
        self.survivors.extend(young);
        self.unreachable = still;
    }
    // ANCHOR_END: handle_resurrected_objects

    // ANCHOR: delete_garbage
    /// `delete_garbage`: `tp_clear` on each object left, in order. Each one
    /// drops its references, the cycles break, and reference counting
    /// frees them. The list ends empty.
    pub fn delete_garbage(&mut self) {
        for id in std::mem::take(&mut self.unreachable) {
            self.events.push(Event::Cleared(id));
            self.freed.push(id);
        }
    }
    // ANCHOR_END: delete_garbage

    // ANCHOR: collect
    /// All the steps, in `gc_collect_main`'s order. Returns what
    /// `gc.collect()` would: every object found unreachable that was not
    /// resurrected (cleared or uncollectable), plus the weakrefs their
    /// callbacks freed.
    pub fn collect(&mut self) -> usize {
        self.move_legacy_finalizers();
        self.handle_weakrefs();
        self.finalize_garbage();
        self.handle_resurrected_objects();
        self.delete_garbage();
        self.weakrefs_freed + self.freed.len() + self.uncollectable.len()
    }
    // ANCHOR_END: collect
}

fn main() {
    // `n = Node(); n.me = n; r = weakref.ref(n, callback); del n`, where
    // Node has a `__del__`.
    let n = Object {
        id: ObjId(0),
        refcount: 1,
        referents: vec![ObjId(0)],
        finalizer: Finalizer::Del { stores: vec![] },
        finalized: false,
    };
    let r = WeakRef {
        id: ObjId(1),
        target: Some(ObjId(0)),
        callback: Some(Callback::KeepsWeakref),
    };
    let mut collection = Collection::new(vec![n], vec![r]);
    let found = collection.collect();
    for event in &collection.events {
        println!("{event:?}");
    }
    println!("gc.collect() = {found}");
}
