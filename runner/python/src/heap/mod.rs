//! The seam between the interpreter and a heap, in layers a learner
//! replaces one at a time.
//!
//! | layer       | trait                   | what it decides                               | CPython 3.11            |
//! |-------------|-------------------------|-----------------------------------------------|-------------------------|
//! | storage     | [`Heap`]                | where objects live, their reference counts    | `ob_refcnt`, `_Py_Dealloc` |
//! | allocator   | [`Allocator`]           | where an object's bytes come from             | Objects/obmalloc.c      |
//! | collector   | [`Collector`], [`GcSettings`] | tracking, generations, thresholds, `collect`  | Modules/gcmodule.c      |
//! | GC links    | [`GcLinks`], [`PyGcHead`] | the list surgery in the objects' headers      | `gc_list_*` in gcmodule.c |
//! | size model  | [`SizeModel`]           | `sys.getsizeof`, how a list's capacity grows  | `tp_basicsize`, `list_resize` |
//!
//! The interpreter talks to [`Heap`] only; the heap names its collector and
//! size model as associated types, so the interpreter reaches them through
//! it. The allocator sits below the storage layer: the interpreter never
//! sees it, and a heap that has one (the reference heap, the capstone)
//! takes it as a type parameter. So do the GC links, below the collector:
//! the reference heap runs its collector's passes over the list functions
//! of a [`GcLinks`] type, the capstone's or its own.
//!
//! Every strong reference the interpreter holds (a name, a value being
//! computed, an argument) is counted: it calls [`Heap::incref`] when it takes
//! one and [`Heap::decref`] when it lets go, exactly where CPython would, so
//! `sys.getrefcount` gives CPython's answers. Container contents are the
//! heap's to count: storing into a list, dict, tuple or attribute moves a
//! reference the interpreter already owns into the container.

mod allocator;
mod collector;
mod gc_links;
mod size_model;

pub use allocator::{
    Allocator, AllocatorStats, ArenaCensus, Block, PoolCensus, PoolCensusEntry, ALIGNMENT,
};
pub use collector::{Collector, GcSettings, NoCollector};
pub use gc_links::{GcLinks, PyGcHead};
pub use size_model::SizeModel;

use crate::object::{ObjId, Object};

/// What a heap needs from the interpreter: running Python code in the middle
/// of a deallocation or a collection.
pub trait Runtime<H: Heap> {
    /// Runs `obj.__del__()` (CPython's `tp_finalize`). The heap calls it at
    /// most once per object (PEP 442), while the object is still alive; the
    /// code may store `obj` somewhere again (resurrection).
    fn finalize(&mut self, heap: &mut H, obj: ObjId);

    /// Calls a weak reference's callback with the (now dead) weakref.
    fn weakref_callback(&mut self, heap: &mut H, callback: ObjId, weakref: ObjId);
}

/// Object storage with reference counting: the layer the interpreter talks
/// to. Part III's exercise writes one; the other layers are named here and
/// may be ready-made ([`NoCollector`] until Part IV).
pub trait Heap: Sized {
    /// The cycle collector: which objects are tracked, the generations and
    /// their thresholds, `gc.collect()`.
    type Collector: Collector<Self>;

    /// `sys.getsizeof`, and the growth rule of a list's item array.
    type Sizes: SizeModel<Self>;

    /// Stores a new object with a reference count of 1 (the caller's). A GC
    /// type starts tracked (a dict only once it holds something trackable).
    /// As in 3.11, allocating a GC object may first run an automatic
    /// collection, which may run finalizers: hence the runtime.
    ///
    /// One exception, as in CPython: `weakref.ref(x)` without a callback,
    /// when `x` already has such a weakref, returns that one (with one more
    /// reference) instead of a new object.
    fn alloc<R: Runtime<Self>>(&mut self, object: Object, rt: &mut R) -> ObjId;

    fn get(&self, id: ObjId) -> &Object;

    /// Mutable access for the interpreter's stores (all of them in
    /// `interp::containers`, which calls the hooks below for each).
    fn get_mut(&mut self, id: ObjId) -> &mut Object;

    fn incref(&mut self, id: ObjId);

    /// Drops one reference. At zero the object is finalized (if its class
    /// has `__del__` and it was not finalized before), its weak references
    /// are cleared, and it is freed, releasing what it held in CPython's
    /// order (see [`Object::release_order`]), which may free more.
    fn decref<R: Runtime<Self>>(&mut self, id: ObjId, rt: &mut R);

    /// The current count (what `sys.getrefcount` reports, its own argument
    /// included, since the interpreter holds that reference during the call).
    fn refcount(&self, id: ObjId) -> usize;

    /// Every live object, in a stable order, for `--trace` and `--dot`.
    fn live_objects(&self) -> Vec<ObjId>;

    /// The collector's state (its settings, its generations).
    fn collector(&self) -> &Self::Collector;

    fn collector_mut(&mut self) -> &mut Self::Collector;

    /// Tells the heap `value` was just stored into `container`, so a dict can
    /// start being tracked (CPython's MAINTAIN_TRACKING).
    fn stored(&mut self, container: ObjId, value: ObjId) {
        let _ = (container, value);
    }

    /// The list `list` goes from `old_len` to `new_len` items through
    /// CPython's `list_resize`: its capacity follows the size model's
    /// growth rule. A heap with an allocator reallocates the item array
    /// here, where CPython calls `PyMem_Realloc`. As in CPython, a list
    /// that grows is resized before its new items are in place, one that
    /// shrinks after the removed items are gone.
    fn resized(&mut self, list: ObjId, old_len: usize, new_len: usize) {
        if let Object::List(l) = self.get_mut(list) {
            l.allocated = Self::Sizes::list_capacity(l.allocated, old_len, new_len);
        }
    }

    /// The list `list` gets an item array of exactly `capacity` slots, or
    /// loses it (`capacity` 0), outside `list_resize`: CPython's
    /// `list_preallocate_exact` (`list(x)` of a sized `x`; `extend` of a
    /// list or tuple into a list with no item array) and `_list_clear`
    /// (`l.clear()`; deleting a list's only item), which frees the array.
    /// `_list_clear` frees it after releasing the items; the hook comes
    /// before, so a `__del__` run by that release sees an empty list.
    fn items_reallocated(&mut self, list: ObjId, capacity: usize) {
        if let Object::List(l) = self.get_mut(list) {
            l.allocated = capacity;
        }
    }

    /// `sys.getallocatedblocks()`: the blocks the heap's allocator has
    /// handed out and not had back. `None` for a heap without an allocator
    /// (the program then stops with a one-line "unsupported" error).
    fn allocated_blocks(&self) -> Option<usize> {
        None
    }

    /// What `sys._debugmallocstats()` prints to stderr: the report of the
    /// allocator's pools and arenas (`_PyObject_DebugMallocStats`), a blank
    /// line, and the free lists (`_PyObject_DebugTypeStats`). `None` for a
    /// heap whose allocator has no pools (the program then stops with a
    /// one-line "unsupported" error).
    fn malloc_stats(&self) -> Option<String> {
        None
    }

    /// Whether `list` has an item array (CPython's `ob_item != NULL`). A
    /// list made empty, or cleared, has none; one emptied by `pop` keeps
    /// the 0-byte array `list_resize` left it. A heap that does not follow
    /// the arrays answers from the capacity, which cannot tell those apart.
    fn has_item_array(&self, list: ObjId) -> bool {
        matches!(self.get(list), Object::List(l) if l.allocated > 0)
    }

    /// A NEW key was just pushed onto `dict`'s entries (not an overwrite):
    /// where CPython's keys table may grow (`insertion_resize`). Called
    /// before [`Heap::stored`] for the same store. Deleting a key calls
    /// nothing: CPython leaves a dummy entry and keeps the table.
    fn dict_key_added(&mut self, dict: ObjId) {
        let _ = dict;
    }

    /// `d.clear()` just emptied `dict`: CPython gives it the shared empty
    /// keys table again.
    fn dict_cleared(&mut self, dict: ObjId) {
        let _ = dict;
    }
}
