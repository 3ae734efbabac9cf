//! # The reference heap
//!
//! The heap `memlings py` runs Python programs on, unless you ask for your
//! own: CPython 3.11's memory management for the objects of the subset,
//! written to be read after the exercises of Parts III and IV. Every module
//! says which part of CPython it follows.
//!
//! | module        | does                                        | CPython 3.11                      |
//! |---------------|---------------------------------------------|-----------------------------------|
//! | `store`       | slots, ids, each object's blocks and header | `PyObject_Malloc`'d objects       |
//! | `header`      | `ob_refcnt`, `ob_type` and `PyGC_Head`, in the object's block | `PyObject`, `PyGC_Head` |
//! | `memory`      | which blocks each object asks for, when     | `PyObject_Malloc`, `list_resize`, `new_keys_object` |
//! | `system_allocator` | the blocks, from Rust's global allocator | Objects/obmalloc.c (without pools) |
//! | `dealloc`     | the cascade when a count reaches zero       | `_Py_Dealloc`, each `tp_dealloc`, the trashcan |
//! | `weakrefs`    | weak references, cleared when objects die   | Objects/weakrefobject.c           |
//! | `tracking`    | which objects the collector watches         | `MAINTAIN_TRACKING`, `_PyTuple_MaybeUntrack` |
//! | `gclist`      | the collector's lists, linked through the headers | `gc_list_*`, `deduce_unreachable` |
//! | `collect`     | the cycle collector and its generations     | Modules/gcmodule.c                |
//! | `freelists`   | dead objects' blocks kept for reuse         | `free_list` in float/tuple/list/dict |
//! | `size_model`  | `sys.getsizeof`, request sizes, list and dict growth | `tp_basicsize`, `list_resize`, dictobject.c |
//! | `sizes`       | each dict's keys table, for `size_model`    | `ma_keys`                         |
//! | `pools`       | the reference pymalloc: size classes, pools, arenas, census, pictures | Objects/obmalloc.c |
//! | `malloc_report` | the text of `sys._debugmallocstats()`, from a census | `_PyObject_DebugMallocStats`, `_PyObject_DebugTypeStats` |
//!
//! The interpreter counts every reference it holds, where CPython would
//! (see `memlings_python::Heap`), so reference counts here are CPython's.
//! Python code that memory management must run (`__del__`, weakref
//! callbacks) is run through the `Runtime` the interpreter passes in, at
//! the moment CPython would run it. Its bytes come from an `Allocator`
//! (a type parameter, [`SystemAllocator`] unless you give another), asked
//! for the blocks CPython would ask `PyObject_Malloc` for (see `memory`).

mod collect;
mod dealloc;
mod freelists;
mod gclist;
mod header;
pub mod malloc_report;
mod memory;
pub mod pools;
pub mod size_model;
mod sizes;
mod store;
mod system_allocator;
mod tracking;
mod weakrefs;

use memlings_python::{
    Allocator, Collector, GcLinks, GcSettings, Heap, ObjId, Object, Runtime, SizeModel,
};

pub use collect::Generational;
use dealloc::{counts_as_gc, Trashcan};
use freelists::FreeLists;
pub use gclist::ReferenceLinks;
use gclist::{GcLists, List};
pub use pools::PoolAllocator;
use store::Store;
pub use system_allocator::SystemAllocator;

/// The reference heap on the reference pymalloc: what `memlings py` runs.
pub type PooledHeap = ReferenceHeap<PoolAllocator>;

/// CPython 3.11's memory management for the Python subset: reference
/// counting, weak references, and the generational cycle collector, on the
/// blocks of allocator `A`, its collector's lists linked and unlinked by
/// `L` (the capstone's `gc_list_*` functions, or the heap's own).
#[derive(Debug)]
pub struct ReferenceHeap<A: Allocator = SystemAllocator, L: GcLinks = ReferenceLinks> {
    store: Store,
    /// The collector's lists. Not in [`Generational`]: `Heap::collector_mut`
    /// hands that out, and a collector swapped for another must not take
    /// with it the list heads the objects' headers link to.
    gc_lists: GcLists<L>,
    /// What a full collection's first pass read, for its second.
    edges: gclist::Edges,
    collector: Generational,
    free_lists: FreeLists,
    trash: Trashcan,
    allocator: A,
}

impl<A: Allocator + Default, L: GcLinks> Default for ReferenceHeap<A, L> {
    fn default() -> Self {
        Self::with_links(A::default())
    }
}

impl ReferenceHeap {
    /// An empty heap with CPython 3.11's defaults: collection enabled,
    /// thresholds (700, 10, 10), all counts and free lists empty (as right
    /// after a full collection), on the system allocator.
    pub fn new() -> Self {
        Self::with_allocator(SystemAllocator::new())
    }

    /// A heap for tests that hunt use-after-free bugs: ids are never
    /// reused, touching a freed object panics, and every collection checks
    /// afterwards that no live object refers to a freed one. Slower, and
    /// `id()` values differ from CPython's reuse pattern.
    pub fn checked() -> Self {
        Self::new().into_checked()
    }
}

impl<A: Allocator> ReferenceHeap<A> {
    /// [`ReferenceHeap::new`], with its bytes from `allocator`.
    pub fn with_allocator(allocator: A) -> Self {
        Self::with_links(allocator)
    }
}

impl<A: Allocator, L: GcLinks> ReferenceHeap<A, L> {
    /// [`ReferenceHeap::with_allocator`], its lists linked by `L`.
    pub fn with_links(allocator: A) -> Self {
        ReferenceHeap {
            store: Store::default(),
            gc_lists: GcLists::default(),
            edges: gclist::Edges::default(),
            collector: Generational::default(),
            free_lists: FreeLists::default(),
            trash: Trashcan::default(),
            allocator,
        }
    }

    /// This empty heap in the checked mode of [`ReferenceHeap::checked`].
    pub fn into_checked(mut self) -> Self {
        self.store.checked = true;
        self
    }

    /// The allocator, to read its statistics.
    pub fn allocator(&self) -> &A {
        &self.allocator
    }

    /// `Py_INCREF`.
    fn incref_object(&mut self, id: ObjId) {
        let checked = self.store.checked;
        match self.store.slot_mut(id) {
            Some(slot) => slot.set_refcount(slot.refcount() + 1),
            None if checked => dead_object(id),
            None => {}
        }
    }

    /// `gc.freeze()`, if one was asked since the lists were last touched.
    /// Tracking and moving objects depend on which list holds what, so
    /// each applies it first.
    fn apply_freeze(&mut self) {
        if std::mem::take(&mut self.collector.state.freeze_pending) {
            for list in List::GENERATIONS {
                self.gc_lists.merge(list, List::Permanent);
            }
        }
    }

    /// `_PyObject_GC_TRACK`, at the tail of `list` (an object without a GC
    /// head is never tracked).
    fn track(&mut self, id: ObjId, list: List) {
        self.apply_freeze();
        if let Some(gc) = self.store.gc(id) {
            self.gc_lists.track(gc, list);
        }
    }

    /// `_PyObject_GC_UNTRACK`.
    fn untrack(&mut self, id: ObjId) {
        if let Some(gc) = self.store.gc(id) {
            self.gc_lists.untrack(gc);
        }
    }

    /// `gc_list_move`, for a tracked object.
    fn move_to(&mut self, id: ObjId, list: List) {
        self.apply_freeze();
        if let Some(gc) = self.store.gc(id) {
            self.gc_lists.move_to(gc, list);
        }
    }

    /// `gc_list_merge`.
    fn merge(&mut self, from: List, to: List) {
        self.apply_freeze();
        self.gc_lists.merge(from, to);
    }

    /// `_PyObject_GC_IS_TRACKED`.
    fn is_tracked(&self, id: ObjId) -> bool {
        self.store.gc(id).is_some_and(|gc| gc.is_tracked())
    }

    /// The first object of `list`.
    fn first_in(&self, list: List) -> Option<ObjId> {
        self.gc_lists.first(list).map(|gc| gc.id())
    }

    /// The checked mode's invariants: what a live object refers to is live.
    /// And every list's item block is the size its capacity asks for: no
    /// growth bypassed `Heap::resized`.
    fn check_no_dangling(&self) {
        for id in self.store.live() {
            let Some(slot) = self.store.slot(id) else {
                continue;
            };
            for referent in slot.object.traverse() {
                assert!(
                    self.store.slot(referent).is_some(),
                    "{id:?} ({:?}) refers to the freed object {referent:?}",
                    slot.object
                );
            }
            if let Object::List(list) = &slot.object {
                let want = size_model::list_items_bytes(list.allocated);
                let has = slot.table.map_or(0, |block| block.size);
                assert_eq!(
                    has, want,
                    "{id:?}: a list with {} slots has an item block of {has} bytes",
                    list.allocated
                );
            }
        }
    }

    /// Every allocation: count it as CPython would (which may run a
    /// collection first), store it, start tracking it if its type says so.
    fn allocate<R: Runtime<Self>>(&mut self, object: Object, rt: &mut R) -> ObjId {
        // `weakref.ref(x)` hands back x's existing plain weakref.
        if let Object::WeakRef(weak) = &object {
            if let (Some(target), None) = (weak.target, weak.callback) {
                if let Some(existing) = self.existing_basic_weakref(target) {
                    self.incref_object(existing);
                    return existing;
                }
            }
        }
        let (presized, inserted) = match &object {
            Object::Dict(dict) if !dict.entries.is_empty() => {
                let keys: Vec<ObjId> = dict.entries.iter().map(|&(k, _)| k).collect();
                sizes::display_tables(&self.store, &keys)
            }
            _ => (None, Vec::new()),
        };
        // _PyDict_FromItems makes a presized table before the dict.
        let presized = presized.map(|keys| (keys, self.presized_keys_block(&keys)));
        let (block, reused) = self.object_block(&object);
        if counts_as_gc(&object) && !reused {
            // gc_alloc: the memory first, then the count, and the
            // collection this may start runs before the new object exists;
            // what it holds is held from outside, so it is safe.
            self.count_gc_allocation(rt);
        }
        let tracked = self.starts_tracked(&object);
        let is_weakref = matches!(object, Object::WeakRef(_));
        let id = self.store.insert(object, block);
        self.fill_tables(id, presized, inserted);
        if tracked {
            self.track(id, List::Gen0);
        }
        if is_weakref {
            self.register_weakref(id);
        }
        id
    }
}

impl<A: Allocator, L: GcLinks> Heap for ReferenceHeap<A, L> {
    type Collector = Generational;
    type Sizes = CPythonSizes;

    fn alloc<R: Runtime<Self>>(&mut self, object: Object, rt: &mut R) -> ObjId {
        self.allocate(object, rt)
    }

    fn get(&self, id: ObjId) -> &Object {
        match self.store.object(id) {
            Some(object) => object,
            None => dead_object(id),
        }
    }

    fn get_mut(&mut self, id: ObjId) -> &mut Object {
        match self.store.object_mut(id) {
            Some(object) => object,
            None => dead_object(id),
        }
    }

    fn incref(&mut self, id: ObjId) {
        self.incref_object(id);
    }

    fn decref<R: Runtime<Self>>(&mut self, id: ObjId, rt: &mut R) {
        self.decref_object(id, rt);
    }

    fn refcount(&self, id: ObjId) -> usize {
        self.store.refcount(id)
    }

    fn live_objects(&self) -> Vec<ObjId> {
        self.store.live()
    }

    fn collector(&self) -> &Generational {
        &self.collector
    }

    fn collector_mut(&mut self) -> &mut Generational {
        &mut self.collector
    }

    fn stored(&mut self, container: ObjId, value: ObjId) {
        // An attribute stored into an instance whose __dict__ exists lands
        // in that dict.
        let dict = match self.store.object(container) {
            Some(Object::Instance(inst)) => inst.dict,
            Some(Object::Dict(_)) => Some(container),
            _ => None,
        };
        if let Some(dict) = dict {
            self.maintain_dict_tracking(dict, value);
        }
    }

    fn resized(&mut self, list: ObjId, old_len: usize, new_len: usize) {
        self.resize_list(list, old_len, new_len);
    }

    fn allocated_blocks(&self) -> Option<usize> {
        Some(self.allocator.stats().blocks)
    }

    fn malloc_stats(&self) -> Option<String> {
        let census = self.allocator.census()?;
        Some(malloc_report::debugmallocstats(
            &census,
            &self.free_lists.counts(),
        ))
    }

    fn has_item_array(&self, list: ObjId) -> bool {
        self.store
            .slot(list)
            .is_some_and(|slot| slot.table.is_some())
    }

    fn items_reallocated(&mut self, list: ObjId, capacity: usize) {
        // (`_list_clear` frees the array after releasing the items; here the
        // interpreter releases them after this call.)
        if capacity == 0 {
            self.clear_list_items(list);
        } else {
            self.preallocate_list_items(list, capacity);
        }
    }

    fn dict_key_added(&mut self, dict: ObjId) {
        let Some(Object::Dict(d)) = self.store.object(dict) else {
            return;
        };
        let Some(&(key, _)) = d.entries.last() else {
            return;
        };
        let used = d.entries.len() - 1;
        let key_is_str = sizes::is_str(&self.store, key);
        if let Some(slot) = self.store.slot_mut(dict) {
            let old = slot.keys();
            let made = slot.keys_mut().insert(used, key_is_str);
            let table_size = slot.keys().table_size;
            if let Object::Dict(d) = &mut slot.object {
                d.table_size = table_size;
            }
            if made {
                self.keys_replaced(dict, old);
            }
        }
        // MAINTAIN_TRACKING looks at the key as well as the value.
        self.maintain_dict_tracking(dict, key);
    }

    fn dict_cleared(&mut self, dict: ObjId) {
        // (Here too the table goes before the entries are released.)
        self.keys_cleared(dict);
    }
}

impl<A: Allocator, L: GcLinks> Drop for ReferenceHeap<A, L> {
    fn drop(&mut self) {
        self.give_everything_back();
    }
}

impl<A: Allocator, L: GcLinks> Collector<ReferenceHeap<A, L>> for Generational {
    fn is_tracked(&self, heap: &ReferenceHeap<A, L>, id: ObjId) -> bool {
        heap.is_tracked(id)
    }

    fn collect<R: Runtime<ReferenceHeap<A, L>>>(
        heap: &mut ReferenceHeap<A, L>,
        generation: usize,
        rt: &mut R,
    ) -> usize {
        // gc_collect_impl: a collection started from a __del__ during a
        // collection does nothing.
        if heap.collector.state.collecting {
            return 0;
        }
        heap.collector.state.collecting = true;
        let found = heap.collect_main(generation, rt);
        heap.collector.state.collecting = false;
        if heap.store.checked {
            heap.check_no_dangling();
        }
        found
    }
}

impl GcSettings for Generational {
    /// `gc.get_count()`.
    fn count(&self) -> [usize; 3] {
        self.state.generations.map(|g| g.count)
    }

    /// `gc.get_threshold()`.
    fn threshold(&self) -> [usize; 3] {
        self.state.generations.map(|g| g.threshold)
    }

    /// `gc.set_threshold(...)`.
    fn set_threshold(&mut self, threshold: [usize; 3]) {
        for (generation, t) in self.state.generations.iter_mut().zip(threshold) {
            generation.threshold = t;
        }
    }

    /// `gc.isenabled()`.
    fn enabled(&self) -> bool {
        self.state.enabled
    }

    /// `gc.enable()` / `gc.disable()`.
    fn set_enabled(&mut self, enabled: bool) {
        self.state.enabled = enabled;
    }

    /// `gc.freeze()`.
    fn freeze(&mut self) {
        // gc_freeze_impl: every generation joins the permanent one, which
        // no collection looks at, and every count starts again. The lists
        // are the heap's: it merges them before it next touches one.
        self.state.freeze_pending = true;
        for generation in &mut self.state.generations {
            generation.count = 0;
        }
    }
}

/// CPython 3.11's sizes (see [`size_model`]), with each dict's keys table
/// as this heap followed it.
#[derive(Debug)]
pub enum CPythonSizes {}

impl<A: Allocator, L: GcLinks> SizeModel<ReferenceHeap<A, L>> for CPythonSizes {
    fn getsizeof(heap: &ReferenceHeap<A, L>, id: ObjId) -> usize {
        sizes::size_of(&heap.store, id)
    }

    fn list_capacity(allocated: usize, size: usize, newsize: usize) -> usize {
        size_model::list_resize(allocated, size, newsize)
    }
}

/// Using an id after its object was freed is a bug in the caller (the
/// interpreter dropped a reference it still used), never in a program.
fn dead_object(id: ObjId) -> ! {
    panic!("{id:?} is not a live object: a reference was used after its last decref")
}

#[cfg(test)]
mod tests {
    use memlings_python::{run_on, Heap, Options};

    use super::*;

    #[test]
    fn a_collector_swapped_out_takes_no_list_with_it() {
        let mut heap = ReferenceHeap::new();
        // Safe code may replace the collector; the lists stay the heap's.
        let old = std::mem::take(heap.collector_mut());
        assert!(old.enabled());
        let program = "import gc\nl = []\nl.append(l)\ndel l\ngc.freeze()\nm = []\nm.append(m)\ndel m\nprint(gc.collect())\n";
        let out = run_on(&mut heap, program, "swap.py", &Options::default());
        assert_eq!((out.stdout.as_str(), out.error), ("1\n", None));
    }
}
