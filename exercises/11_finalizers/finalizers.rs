//! # Exercise `finalizers`: the end of a collection
//!
//! Book: book/src/cycles/finalizers.md, section "Your turn: the end of a
//! collection".
//!
//! The cycle detector of `cycle_detector` stops when `move_unreachable`
//! has sorted the objects into reachable ones and garbage. CPython 3.11's
//! `gc_collect_main` (Modules/gcmodule.c) then still has to get rid of the
//! garbage without ever letting Python code see a half-destroyed object.
//! You get the garbage, in the order of the `unreachable` list, and write
//! the steps that follow, in CPython's order:
//!
//! 1. `move_legacy_finalizers` (written for you): objects with a legacy C
//!    finalizer (`tp_del`), and everything they reach, are uncollectable.
//! 2. `handle_weakrefs`: clear every weakref to an object of the garbage,
//!    and every weakref that is itself garbage, walking `unreachable` in
//!    order (for each object: if it is a weakref, clear it; then clear the
//!    weakrefs to it, in list order). A cleared weakref with a callback
//!    that is *not* garbage (not in `unreachable`) gets its callback
//!    queued. Only when every weakref is cleared are the queued callbacks
//!    called, in queue order. A queued weakref may be `uncollectable` (an
//!    object with a legacy finalizer holds it, so step 1 took it): queueing
//!    takes it out of `uncollectable` too, as CPython moves it out of that
//!    list to call its callback, and then to the old generation.
//! 3. `finalize_garbage`: each object of `unreachable` whose `__del__` has
//!    never run (not `finalized`) runs it, in list order, and is marked
//!    finalized. A `__del__` may store references to garbage objects in
//!    some global: each one is one more reference to that object.
//! 4. `handle_resurrected_objects`: after the `__del__`s, some garbage may
//!    be referred to from outside again. Find out, as CPython does, with
//!    the cycle detector's three phases on what is left of `unreachable`
//!    (counts from `refcount`, which the `__del__`s changed). What is
//!    reachable from outside, and everything it reaches, is resurrected: it
//!    goes to `survivors`, in the order the `move_unreachable` walk leaves
//!    it. The rest stays in `unreachable`, in its order.
//! 5. `delete_garbage`: every object still in `unreachable` is cleared
//!    with `tp_clear`, in order, and freed; `unreachable` ends empty.
//!
//! Then `collect` runs the five steps and returns what `gc.collect()`
//! would. Each step records what it does in `events`.
//!
//! ```text
//! n = Node(); n.me = n          # Node has a __del__
//! r = weakref.ref(n, callback)  # r is a live name
//! del n
//!
//! handle_weakrefs     WeakrefCleared(r), CallbackQueued(r), CallbackCalled(r)
//! finalize_garbage    DelCalled(n)
//! delete_garbage      Cleared(n)
//! collect() = 1       (the live weakref r is not counted)
//! ```
//!
//! Run `memlings` and save this file: the check runs the steps on garbage
//! made by small Python programs and prints the trace, then what python3
//! 3.11.7 did with the same program.

use std::collections::BTreeMap;

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

    /// Step 2, `handle_weakrefs`: clear the weakrefs to the garbage and in
    /// it, queueing the callbacks of the weakrefs that are not garbage;
    /// then call the queued callbacks. A queued weakref is no longer
    /// uncollectable. A callback that drops its weakref frees it.
    pub fn handle_weakrefs(&mut self) {
        todo!()
    }

    /// Step 3, `finalize_garbage`: run each `__del__` that never ran, in
    /// list order, and mark its object finalized.
    pub fn finalize_garbage(&mut self) {
        todo!()
    }

    /// Step 4, `handle_resurrected_objects`: what the `__del__`s made
    /// reachable again, and everything it reaches, leaves `unreachable`
    /// for `survivors`.
    pub fn handle_resurrected_objects(&mut self) {
        todo!()
    }

    /// Step 5, `delete_garbage`: clear and free what is left, emptying
    /// `unreachable`.
    pub fn delete_garbage(&mut self) {
        todo!()
    }

    /// The five steps, in order. Returns what `gc.collect()` would.
    pub fn collect(&mut self) -> usize {
        todo!()
    }
}

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin finalizers`.
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
