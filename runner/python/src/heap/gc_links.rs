//! The collector's list surgery, as a layer of its own: the capstone's
//! learner writes CPython's `gc_list_*` functions over the `PyGC_Head` in
//! each object's block, and the reference heap calls them for every
//! track, untrack, move and merge.
//!
//! A heap's collector keeps every tracked object in one doubly linked list
//! threaded through the objects' own headers (see `memlings_heap`'s
//! `header` module). The functions here are the operations that change
//! which list an object is in; the collector's own passes (the singly
//! linked walk of `move_unreachable`) stay the heap's.
//!
//! They work on raw pointers, as the C functions do: the nodes live in
//! allocator blocks that no Rust reference may cover while links point
//! into them.

/// CPython 3.11's `PyGC_Head`: the 16 bytes in front of a GC object, and
/// the shape of a list's head.
///
/// `gc_next` is null while the object is not tracked. `gc_prev`'s two low
/// bits are flags (`_PyGC_PREV_MASK_FINALIZED`, `_PyGC_PREV_MASK_COLLECTING`),
/// and during a collection its upper bits hold `gc_refs`. Both are
/// pointers, not integers, so that a link keeps the provenance of the
/// block it points into; flags go in and out with `map_addr`.
#[repr(C)]
#[derive(Debug)]
pub struct PyGcHead {
    pub gc_next: *mut PyGcHead,
    pub gc_prev: *mut PyGcHead,
}

/// The list operations of Modules/gcmodule.c that move objects between
/// lists. A heap calls them only while every list is doubly linked (not in
/// the middle of `move_unreachable`), with pointers to live heads.
///
/// # Safety
///
/// Implementing the trait promises that, given the preconditions of each
/// function, the lists it touches stay well formed: every node's next and
/// previous (flags masked off) are live nodes or heads of the same list,
/// each pointing back; an empty list's head points at itself both ways;
/// an untracked node's `gc_next` is null; and the flag bits of every
/// node's `gc_prev` are kept. The heap follows the links these functions
/// write without checking them, so a wrong link is a use-after-free.
pub unsafe trait GcLinks {
    /// `gc_list_init`: `list` becomes the empty list.
    ///
    /// # Safety
    ///
    /// `list` is a live head that no node links to.
    unsafe fn list_init(list: *mut PyGcHead);

    /// `gc_list_is_empty`.
    ///
    /// # Safety
    ///
    /// `list` is a live, initialized head.
    unsafe fn is_empty(list: *mut PyGcHead) -> bool;

    /// `gc_list_append`: `node`, in no list, becomes the last of `list`
    /// (CPython's order: new objects go to the tail), its flags kept.
    ///
    /// # Safety
    ///
    /// `node` is a live, untracked node; `list` a live head of a well
    /// formed list.
    unsafe fn append(node: *mut PyGcHead, list: *mut PyGcHead);

    /// `gc_list_remove`: `node` leaves its list; its `gc_next` becomes
    /// null, its `gc_prev` is left as it is (the heap clears it).
    ///
    /// # Safety
    ///
    /// `node` is a live node of a well formed list.
    unsafe fn remove(node: *mut PyGcHead);

    /// `gc_list_merge`: every node of `from`, in order, after the last of
    /// `to`; `from` is left empty.
    ///
    /// # Safety
    ///
    /// `from` and `to` are distinct live heads of well formed lists.
    unsafe fn merge(from: *mut PyGcHead, to: *mut PyGcHead);
}
