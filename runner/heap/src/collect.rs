//! The cycle collector, step by step as CPython 3.11's Modules/gcmodule.c
//! does it (`gc_collect_main` and the functions it calls).
//!
//! Reference counting frees an object when its count reaches zero, so it
//! never frees a group of objects that refer to each other. The collector
//! finds such groups among the tracked objects of the generations it
//! collects: an object whose references all come from inside the group,
//! and that no object with an outside reference can reach, is garbage.
//! It never looks for objects with a count of zero: those are already gone.

use memlings_python::{Allocator, Block, GcLinks, ObjId, Object, Runtime};

use crate::gclist::{EdgeKind, List};
use crate::size_model::DictKeys;
use crate::store::Slot;
use crate::weakrefs::supports_weakrefs;
use crate::ReferenceHeap;

/// Generations: 0 for new objects, 1 and 2 for those that survived one or
/// more collections.
pub const GENERATIONS: usize = 3;

#[derive(Debug, Clone, Copy)]
pub struct Generation {
    pub threshold: usize,
    /// For generation 0: GC allocations minus GC deallocations since the
    /// last collection. For the others: collections of the generation
    /// below since this one was last collected.
    pub count: usize,
}

#[derive(Debug)]
pub struct GcState {
    pub generations: [Generation; GENERATIONS],
    pub enabled: bool,
    /// A collection is running: no other starts (not automatically, and
    /// `gc.collect()` from a `__del__` returns 0).
    pub collecting: bool,
    /// Survivors of the last full collection (objects in generation 2).
    pub long_lived_total: usize,
    /// Objects promoted into generation 2 since then.
    pub long_lived_pending: usize,
    /// `gc.freeze()` was called; the heap merges its lists next time it
    /// touches one.
    pub freeze_pending: bool,
}

impl Default for GcState {
    fn default() -> Self {
        // 3.11's defaults (3.13 raised the first to 2000).
        let [t0, t1, t2] = [700, 10, 10];
        GcState {
            generations: [t0, t1, t2].map(|threshold| Generation {
                threshold,
                count: 0,
            }),
            enabled: true,
            collecting: false,
            long_lived_total: 0,
            long_lived_pending: 0,
            freeze_pending: false,
        }
    }
}

impl GcState {
    /// `PyObject_GC_Del`: a GC object was freed.
    pub fn deallocated(&mut self) {
        let count = &mut self.generations[0].count;
        *count = count.saturating_sub(1);
    }

    /// Whether the allocation that was just counted starts a collection
    /// (`_PyObject_GC_Link`). A threshold of 0 turns it off.
    fn should_collect(&self) -> bool {
        let g0 = self.generations[0];
        g0.count > g0.threshold && self.enabled && g0.threshold > 0 && !self.collecting
    }
}

/// CPython 3.11's generational cycle collector: the counts and thresholds
/// that decide when it runs. (Its lists, linked through the objects'
/// headers, are the heap's.)
#[derive(Debug, Default)]
pub struct Generational {
    pub(crate) state: GcState,
}

impl<A: Allocator, L: GcLinks> ReferenceHeap<A, L> {
    /// `_PyObject_GC_Link`: one more GC object. Past generation 0's
    /// threshold, a collection runs right here, inside the allocation, in
    /// 3.11 (3.12 waits for the next eval-breaker check).
    pub(super) fn count_gc_allocation<R: Runtime<Self>>(&mut self, rt: &mut R) {
        self.collector.state.generations[0].count += 1;
        if self.collector.state.should_collect() {
            self.collector.state.collecting = true;
            self.collect_generations(rt);
            self.collector.state.collecting = false;
        }
    }

    /// `gc_collect_generations`: collect the oldest generation whose count
    /// is over its threshold (with the younger ones). Generation 2 waits
    /// until the objects promoted into it since the last full collection
    /// are at least 25% of those that survived it, so that a program
    /// building a big long-lived structure does not pay for full
    /// collections over and over (quadratic time).
    fn collect_generations<R: Runtime<Self>>(&mut self, rt: &mut R) -> usize {
        for i in (0..GENERATIONS).rev() {
            let generation = self.collector.state.generations[i];
            if generation.count > generation.threshold {
                if i == GENERATIONS - 1
                    && self.collector.state.long_lived_pending
                        < self.collector.state.long_lived_total / 4
                {
                    continue;
                }
                return self.collect_main(i, rt);
            }
        }
        0
    }

    /// `gc_collect_main`: collect generation `generation` and all younger
    /// ones. Returns how many unreachable tracked objects it found (what
    /// `gc.collect()` returns).
    pub(super) fn collect_main<R: Runtime<Self>>(
        &mut self,
        generation: usize,
        rt: &mut R,
    ) -> usize {
        let generation = generation.min(GENERATIONS - 1);
        self.apply_freeze();

        // Collecting generation g is one more collection for g + 1, and
        // starts the counts of 0..=g again.
        if generation + 1 < GENERATIONS {
            self.collector.state.generations[generation + 1].count += 1;
        }
        for g in &mut self.collector.state.generations[..=generation] {
            g.count = 0;
        }

        // The younger generations go onto the end of this one, in order.
        let young = List::GENERATIONS[generation];
        for &younger in &List::GENERATIONS[..generation] {
            self.merge(younger, young);
        }
        let old = if generation + 1 < GENERATIONS {
            List::GENERATIONS[generation + 1]
        } else {
            young
        };

        // deduce_unreachable, then untrack_tuples: survivors that are
        // tuples holding nothing trackable stop being tracked. Those are
        // done in two walks instead of CPython's six (see
        // `Store::update_and_subtract_refs` and `GcLists::move_unreachable`), and
        // the survivors are counted (gc_list_size) and the dicts among them
        // noted on the way.
        let full = young == old;
        let mut survivors = 0;
        let mut dicts = Vec::new();
        let store = &self.store;
        // _PyTuple_MaybeUntrack, and the dicts for untrack_dicts.
        let mut passed = |id: ObjId, kind: EdgeKind| {
            match kind {
                EdgeKind::Tuple => {
                    if let Some(Object::Tuple(items)) = store.object(id) {
                        if !items.iter().any(|&item| store.may_be_tracked(item)) {
                            return false;
                        }
                    }
                }
                EdgeKind::Dict if full => dicts.push(id),
                _ => {}
            }
            survivors += 1;
            true
        };
        if full && self.gc_lists.is_empty(List::Permanent) {
            store.update_and_subtract_refs(&mut self.edges);
            let edges = &self.edges;
            self.gc_lists
                .move_unreachable(young, List::Unreachable, edges, |gc| {
                    passed(gc.id(), edges.kind(gc.id()))
                });
            self.edges.clear();
        } else {
            self.gc_lists.update_refs(young);
            self.gc_lists.subtract_refs(young, store);
            self.gc_lists
                .move_unreachable(young, List::Unreachable, store, |gc| {
                    let kind = match store.object(gc.id()) {
                        Some(Object::Tuple(_)) => EdgeKind::Tuple,
                        Some(Object::Dict(_)) => EdgeKind::Dict,
                        _ => EdgeKind::Other,
                    };
                    passed(gc.id(), kind)
                });
        }

        // Then everyone moves up a generation.
        if !full {
            if generation == GENERATIONS - 2 {
                self.collector.state.long_lived_pending += survivors;
            }
            self.merge(young, old);
        } else {
            // Only a full collection untracks dicts (issue #14775), after
            // the tuples, in young's order.
            for dict in dicts {
                self.maybe_untrack_dict(dict);
                survivors -= usize::from(!self.is_tracked(dict));
            }
            self.collector.state.long_lived_pending = 0;
            self.collector.state.long_lived_total = survivors;
        }

        // (3.11 next moves objects with a legacy `tp_del` finalizer, and
        // everything they reach, to gc.garbage. No type of the subset has
        // one, so nothing is uncollectable; what remains of that step is
        // that `unreachable` becomes an ordinary list.)
        self.gc_lists.clear_unreachable_mask(List::Unreachable);

        let (mut found, called_back) = self.handle_weakrefs(old, rt);
        let finalized = self.finalize_garbage(rt);
        if called_back || finalized {
            self.handle_resurrected_objects(old);
        } else {
            // No Python code ran since `unreachable` was deduced, so nothing
            // can have been resurrected: CPython's second analysis would
            // move every object, in order, to final_unreachable, with the
            // same flags and links it has now. A collection that frees a
            // million objects skips those five walks.
            self.merge(List::Unreachable, List::StillUnreachable);
        }
        found += self.gc_lists.len(List::StillUnreachable);
        self.delete_garbage(old, rt);

        if generation == GENERATIONS - 1 {
            // clear_freelists: each freed GC object is a GC deallocation.
            let freed = self.clear_free_lists();
            let count = &mut self.collector.state.generations[0].count;
            *count = count.saturating_sub(freed);
        }
        found
    }

    /// `deduce_unreachable`: split `base` into what is reachable from
    /// outside it (stays in `base`) and the rest (moved to `unreachable`,
    /// still marked `NEXT_MASK_UNREACHABLE`). The three steps are list
    /// work, in `gclist`; the store says what each object refers to.
    fn deduce_unreachable(&mut self, base: List, unreachable: List) {
        self.gc_lists.update_refs(base);
        self.gc_lists.subtract_refs(base, &self.store);
        self.gc_lists
            .move_unreachable(base, unreachable, &self.store, |_| true);
    }

    /// `handle_weakrefs`: before any Python code runs, every weakref to an
    /// unreachable object is cleared, so that no callback or `__del__` can
    /// reach garbage through one. Callbacks run only for weakrefs that are
    /// not garbage themselves. Returns how many of those weakrefs died when
    /// the collector let go of them after their callback (CPython counts
    /// them among the objects found), and whether any callback ran.
    fn handle_weakrefs<R: Runtime<Self>>(&mut self, old: List, rt: &mut R) -> (usize, bool) {
        // With no weakref alive, no garbage has one or is one: nothing to
        // clear, no callback to run.
        if !self.store.has_weakrefs() {
            return (0, false);
        }
        for op in self.gc_lists.objects(List::Unreachable) {
            // A weakref that is garbage must not call back later either.
            if matches!(self.store.object(op), Some(Object::WeakRef(_))) {
                self.detach_weakref(op);
            }
            if !self.store.object(op).is_some_and(supports_weakrefs) {
                continue;
            }
            while let Some(wr) = self
                .store
                .slot(op)
                .and_then(|s| s.weakrefs.first().copied())
            {
                self.detach_weakref(wr);
                let has_callback = matches!(self.store.object(wr), Some(Object::WeakRef(w)) if w.callback.is_some());
                let in_garbage = self.store.gc(wr).is_some_and(|gc| gc.is_collecting());
                if !has_callback || in_garbage {
                    continue;
                }
                // Hold it so it survives until its callback has run.
                self.incref_object(wr);
                self.move_to(wr, List::WeakrefCallbacks);
            }
        }

        let mut freed = 0;
        let called_back = !self.gc_lists.is_empty(List::WeakrefCallbacks);
        while let Some(wr) = self.first_in(List::WeakrefCallbacks) {
            let callback = match self.store.object(wr) {
                Some(Object::WeakRef(weak)) => weak.callback,
                _ => None,
            };
            if let Some(callback) = callback {
                rt.weakref_callback(self, callback, wr);
            }
            self.decref_object(wr, rt);
            if self.first_in(List::WeakrefCallbacks) == Some(wr) {
                self.move_to(wr, old);
            } else {
                freed += 1;
            }
        }
        (freed, called_back)
    }

    /// `finalize_garbage`: call `__del__` on each unreachable object that has
    /// one and was never finalized (PEP 442: at most once per object, so a
    /// resurrected object is not finalized again). `__del__` may free
    /// objects, even ones still to be visited, so the loop always takes the
    /// first object left. Returns whether any `__del__` ran.
    fn finalize_garbage<R: Runtime<Self>>(&mut self, rt: &mut R) -> bool {
        // Only instances have a `__del__`: with none alive, the walk below
        // would move every object to `seen` and back, in the same order.
        if !self.store.has_instances() {
            return false;
        }
        let mut ran = false;
        while let Some(op) = self.first_in(List::Unreachable) {
            self.move_to(op, List::Seen);
            let finalized = self.store.slot(op).is_none() || self.store.finalized(op);
            if !finalized && self.has_finalizer(op) {
                self.store.set_finalized(op);
                ran = true;
                self.incref_object(op);
                rt.finalize(self, op);
                self.decref_object(op, rt);
            }
        }
        self.merge(List::Seen, List::Unreachable);
        ran
    }

    /// `handle_resurrected_objects`: a `__del__` may have stored a reference
    /// to garbage somewhere reachable. Run the reachability analysis again
    /// on what is left: whatever is now reachable from outside (and what it
    /// reaches) is alive again and moves to the older generation; the rest
    /// goes on to be cleared.
    fn handle_resurrected_objects(&mut self, old: List) {
        self.gc_lists.clear_collecting(List::Unreachable);
        self.deduce_unreachable(List::Unreachable, List::StillUnreachable);
        self.gc_lists.clear_unreachable_mask(List::StillUnreachable);
        self.merge(List::Unreachable, old);
    }

    /// `delete_garbage`: break the cycles. Each object's `tp_clear` drops the
    /// references it holds; reference counting then frees the objects, in
    /// the usual cascade. An object still alive afterwards (a tuple has no
    /// `tp_clear`: it dies when what holds it is cleared) moves to the older
    /// generation.
    fn delete_garbage<R: Runtime<Self>>(&mut self, old: List, rt: &mut R) {
        while let Some(op) = self.first_in(List::StillUnreachable) {
            self.incref_object(op);
            self.tp_clear(op, rt);
            self.decref_object(op, rt);
            if self.first_in(List::StillUnreachable) == Some(op) {
                if let Some(gc) = self.store.gc(op) {
                    gc.clear_collecting();
                }
                self.move_to(op, old);
            }
        }
    }

    /// Each type's `tp_clear`: drop the references that can form cycles.
    /// The container is emptied first, then the references are released
    /// (any of them may run a `__del__` that looks at the container).
    fn tp_clear<R: Runtime<Self>>(&mut self, id: ObjId, rt: &mut R) {
        // The item array or keys table the container had, freed once what
        // it held is released (`_list_clear`, `free_keys_object`).
        let mut table = None;
        let released: Vec<ObjId> = match self.store.slot_mut(id) {
            // _list_clear: last item first.
            Some(Slot {
                object: Object::List(list),
                table: items,
                ..
            }) => {
                list.allocated = 0;
                table = items.take().map(|block| (DictKeys::EMPTY, block));
                std::mem::take(&mut list.items).into_iter().rev().collect()
            }
            // PyDict_Clear: back to the empty table, then key and value of
            // each entry in order.
            Some(Slot {
                object: Object::Dict(_),
                ..
            }) => {
                let (entries, keys) = self.take_dict_entries(id);
                table = keys;
                entries
            }
            // subtype_clear: the attributes and the __dict__, not the class.
            Some(Slot {
                object: Object::Instance(inst),
                ..
            }) => {
                let mut out: Vec<ObjId> = std::mem::take(&mut inst.attrs)
                    .into_iter()
                    .map(|(_, v)| v)
                    .collect();
                out.extend(inst.dict.take());
                out
            }
            // type_clear: empties the class namespace (the dict itself stays
            // until the class is freed) and drops `__mro__`, which holds
            // the class (and, here, the other parts that hold it).
            Some(Slot {
                object: Object::Class(class),
                ..
            }) => {
                let namespace = class.namespace;
                let parts = std::mem::take(&mut class.parts);
                let (mut out, keys) = self.take_dict_entries(namespace);
                table = keys;
                out.extend(parts);
                out
            }
            // A weakref's tp_clear is clear_weakref: off its referent's
            // list, and its callback dropped.
            Some(Slot {
                object: Object::WeakRef(weak),
                ..
            }) => {
                let callback = weak.callback.take();
                self.detach_weakref(id);
                callback.into_iter().collect()
            }
            // Tuples have no tp_clear; functions, modules and builtins hold
            // nothing on this heap.
            _ => Vec::new(),
        };
        for target in released {
            self.decref_object(target, rt);
        }
        match table {
            Some((keys, block)) if keys.table_size > 0 => self.release_keys_block(&keys, block),
            Some((_, block)) => self.give_back(block),
            None => {}
        }
    }

    /// Empties a dict as `PyDict_Clear` does, returning its references in
    /// release order, and the keys table it had, to free after them.
    fn take_dict_entries(&mut self, id: ObjId) -> (Vec<ObjId>, Option<(DictKeys, Block)>) {
        let Some(slot) = self.store.slot_mut(id) else {
            return (Vec::new(), None);
        };
        if !matches!(slot.object, Object::Dict(_)) {
            return (Vec::new(), None);
        }
        let keys = slot.take_keys();
        let Object::Dict(dict) = &mut slot.object else {
            return (Vec::new(), None);
        };
        dict.table_size = 0;
        let table = slot.table.take().map(|block| (keys, block));
        let entries = std::mem::take(&mut dict.entries)
            .into_iter()
            .flat_map(|(k, v)| [k, v])
            .collect();
        (entries, table)
    }
}
