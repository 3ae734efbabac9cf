//! The interface between the interpreter and a heap.
//!
//! Every strong reference the interpreter holds (a name, a value being
//! computed, an argument) is counted: it calls [`Heap::incref`] when it takes
//! one and [`Heap::decref`] when it lets go, exactly where CPython would, so
//! `sys.getrefcount` gives CPython's answers. Container contents are the
//! heap's to count: storing into a list, dict, tuple or attribute moves a
//! reference the interpreter already owns into the container.

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

/// A heap for Python objects, with reference counting and a generational
/// cycle collector, modelled on CPython 3.11.
pub trait Heap: Sized {
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

    /// Mutable access for the interpreter's stores. After storing a value
    /// into a container, call [`Heap::stored`].
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

    /// Tells the heap `value` was just stored into `container`, so a dict can
    /// start being tracked (CPython's MAINTAIN_TRACKING).
    fn stored(&mut self, container: ObjId, value: ObjId);

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

    /// `gc.is_tracked(obj)`.
    fn is_tracked(&self, id: ObjId) -> bool;

    /// `gc.collect(generation)`: the number of unreachable tracked objects
    /// found.
    fn collect<R: Runtime<Self>>(&mut self, generation: usize, rt: &mut R) -> usize;

    /// `gc.get_count()`.
    fn gc_count(&self) -> [usize; 3];

    /// `gc.get_threshold()`.
    fn gc_threshold(&self) -> [usize; 3];

    /// `gc.set_threshold(...)`.
    fn set_gc_threshold(&mut self, threshold: [usize; 3]);

    /// `gc.isenabled()`.
    fn gc_enabled(&self) -> bool;

    /// `gc.enable()` / `gc.disable()`.
    fn set_gc_enabled(&mut self, enabled: bool);

    /// `gc.freeze()`: moves every tracked object to the permanent generation.
    fn freeze(&mut self);

    /// `sys.getsizeof(obj)`.
    fn getsizeof(&self, id: ObjId) -> usize;

    /// The capacity a list of `size` items with `allocated` slots gets when
    /// resized to `newsize` items (CPython's `list_resize`).
    fn list_resize(allocated: usize, size: usize, newsize: usize) -> usize;

    /// Every live object, in a stable order, for `--trace` and `--dot`.
    fn live_objects(&self) -> Vec<ObjId>;
}
