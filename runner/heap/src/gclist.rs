//! The collector's lists: CPython's `PyGC_Head` links, in block memory.
//!
//! Every tracked object sits in exactly one doubly linked list: one of the
//! three generations, the permanent generation of `gc.freeze()`, or one of
//! the working lists a collection sorts objects into. As in CPython, the
//! links are the `_gc_next`/`_gc_prev` words of the object's header, in its
//! block (see `header`): the address of the next and previous `PyGC_Head`.
//! Each list has a head node of the same shape, owned by [`GcLists`] at a
//! stable address, so taking an object out of a list (when it is freed)
//! is O(1), and a whole generation moves onto another in O(1) too.
//!
//! During a collection `_gc_prev` holds `gc_refs` and the flags instead
//! (the lists are singly linked then), and `move_unreachable` marks what it
//! moves with `NEXT_MASK_UNREACHABLE`: the three steps of
//! `deduce_unreachable` are here, written as Modules/gcmodule.c does them,
//! because they are list surgery.
//!
//! The order of a list is observable: it decides which `__del__` runs first
//! and which object a collection frees first. So every operation here keeps
//! CPython's order: new objects go to the tail, merging appends a whole list
//! at the tail.
//!
//! The operations that move an object from list to list (track, untrack,
//! move, merge) go through a [`GcLinks`] type: [`ReferenceLinks`], this
//! module's own, or the capstone learner's `gc_list_*` functions. The
//! passes of a collection are list surgery too, but on lists in a state
//! only they know (singly linked, flags in the links), so they stay here.

use std::alloc::{self, Layout};
use std::fmt;
use std::marker::PhantomData;
use std::ptr::NonNull;

use memlings_python::{GcLinks, ObjId, PyGcHead};

use crate::header::{GcHeader, ObHeader, GC_HEAD_SIZE, NEXT_MASK_UNREACHABLE, OB_HEAD_SIZE};

/// The reference heap's list operations, written over [`GcHeader`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ReferenceLinks;

// SAFETY: each function is gcmodule.c's, over heads the caller promises
// are live and well linked; `set_prev` keeps the flags.
unsafe impl GcLinks for ReferenceLinks {
    #[inline]
    unsafe fn list_init(list: *mut PyGcHead) {
        // SAFETY: the caller's contract: a live head.
        let head = unsafe { GcHeader::from_link(list) };
        head.set_next_raw(list);
        head.set_prev_raw(list);
    }

    #[inline]
    unsafe fn is_empty(list: *mut PyGcHead) -> bool {
        // SAFETY: the caller's contract: a live head.
        let head = unsafe { GcHeader::from_link(list) };
        next_of(head) == head
    }

    #[inline]
    unsafe fn append(node: *mut PyGcHead, list: *mut PyGcHead) {
        // SAFETY: the caller's contract: both live, the list well formed.
        let (gc, head) = unsafe { (GcHeader::from_link(node), GcHeader::from_link(list)) };
        let last = prev_of(head);
        gc.set_prev(last);
        last.set_next(gc);
        gc.set_next(head);
        head.set_prev_raw(node);
    }

    #[inline]
    unsafe fn remove(node: *mut PyGcHead) {
        // SAFETY: the caller's contract: a live node of a well formed list.
        let gc = unsafe { GcHeader::from_link(node) };
        unlink(gc);
        gc.set_next_raw(std::ptr::null_mut());
    }

    #[inline]
    unsafe fn merge(from: *mut PyGcHead, to: *mut PyGcHead) {
        // SAFETY: the caller's contract: distinct live heads.
        let (from, to) = unsafe { (GcHeader::from_link(from), GcHeader::from_link(to)) };
        if next_of(from) != from {
            let to_tail = prev_of(to);
            let from_first = next_of(from);
            let from_tail = prev_of(from);
            to_tail.set_next(from_first);
            from_first.set_prev(to_tail);
            from_tail.set_next(to);
            to.set_prev_raw(from_tail.as_raw());
        }
        from.set_next(from);
        from.set_prev_raw(from.as_raw());
    }
}

/// Which list. The generations are permanent; the others are the working
/// lists of `gc_collect_main`, empty between collections (collections do
/// not nest, so one head each is enough).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Gen0,
    Gen1,
    Gen2,
    /// Where `gc.freeze()` puts everything: never collected.
    Permanent,
    /// `unreachable` in `gc_collect_main`.
    Unreachable,
    /// `wrcb_to_call` in `handle_weakrefs`.
    WeakrefCallbacks,
    /// `seen` in `finalize_garbage`.
    Seen,
    /// `final_unreachable` after `handle_resurrected_objects`.
    StillUnreachable,
}

const LISTS: usize = 8;

impl List {
    pub const GENERATIONS: [List; 3] = [List::Gen0, List::Gen1, List::Gen2];
}

/// What a collection needs to know of the objects: which GC objects each
/// one refers to (`tp_traverse`). The store answers it.
pub trait Referents {
    /// Calls `visit` with the GC head of each object of a GC type that
    /// `id` refers to, in `tp_traverse` order.
    fn traverse(&self, id: ObjId, visit: impl FnMut(GcHeader));

    /// A hint, before `id` is walked: the objects that are likely next
    /// (lists are mostly in the order objects were made) can be fetched
    /// into cache now. Changes nothing.
    fn prefetch(&self, _id: ObjId) {}
}

/// A list head and the placeholder `PyObject` after it.
const HEAD_PLACE: usize = GC_HEAD_SIZE + OB_HEAD_SIZE;

fn heads_layout() -> Layout {
    match Layout::from_size_align(LISTS * HEAD_PLACE, 16) {
        Ok(layout) => layout,
        Err(_) => unreachable!("256 bytes aligned to 16 is a layout"),
    }
}

/// The list heads. Their memory is allocated apart (not a field) so that
/// their addresses, which the objects' links hold, do not change when the
/// heap moves. `L` does the list operations.
pub struct GcLists<L: GcLinks = ReferenceLinks> {
    heads: NonNull<u8>,
    links: PhantomData<fn() -> L>,
}

impl<L: GcLinks> fmt::Debug for GcLists<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GcLists")
            .field("heads", &self.heads)
            .finish()
    }
}

impl<L: GcLinks> Default for GcLists<L> {
    fn default() -> Self {
        let layout = heads_layout();
        // SAFETY: the layout's size is not zero.
        let Some(heads) = NonNull::new(unsafe { alloc::alloc(layout) }) else {
            alloc::handle_alloc_error(layout)
        };
        for i in 0..LISTS {
            // SAFETY: head i and its placeholder are 32 bytes inside the
            // fresh allocation, aligned to 16; it lives as long as `self`.
            unsafe {
                let at = heads.add(i * HEAD_PLACE);
                L::list_init(GcHeader::init(at).as_raw());
                ObHeader::init(at.add(GC_HEAD_SIZE), ObjId(u32::MAX)).set_refcnt(0);
            }
        }
        GcLists {
            heads,
            links: PhantomData,
        }
    }
}

impl<L: GcLinks> Drop for GcLists<L> {
    fn drop(&mut self) {
        // SAFETY: allocated in `default` with this layout, freed once.
        unsafe { alloc::dealloc(self.heads.as_ptr(), heads_layout()) };
    }
}

impl<L: GcLinks> GcLists<L> {
    /// The head node of `list`.
    pub fn head(&self, list: List) -> GcHeader {
        // SAFETY: head `list` is inside the heads' allocation, initialized in
        // `default`, live as long as `self`. `init` is not called: only the
        // address is computed.
        unsafe { GcHeader::from_link(self.heads.as_ptr().add(list as usize * HEAD_PLACE).cast()) }
    }

    /// `_PyObject_GC_TRACK`: start tracking `gc` at the tail of `list`.
    pub fn track(&mut self, gc: GcHeader, list: List) {
        if !gc.is_tracked() {
            self.append(gc, list);
        }
    }

    /// `gc_list_append`.
    #[inline]
    fn append(&mut self, gc: GcHeader, list: List) {
        // SAFETY: `gc` is a live head (GcHeader's invariant), untracked
        // here; the list's head is live and its list well formed.
        unsafe { L::append(gc.as_raw(), self.head(list).as_raw()) };
    }

    /// `_PyObject_GC_UNTRACK`: out of whatever list it is in.
    #[inline]
    pub fn untrack(&mut self, gc: GcHeader) {
        untrack::<L>(gc);
    }

    /// `gc_list_move`: out of its list, onto the tail of `list`.
    #[inline]
    pub fn move_to(&mut self, gc: GcHeader, list: List) {
        if gc.is_tracked() {
            // SAFETY: tracked, so a live node of a well formed list.
            unsafe { L::remove(gc.as_raw()) };
            self.append(gc, list);
        }
    }

    /// `gc_list_merge`: every object of `from`, in order, onto the tail of
    /// `to`; `from` is left empty.
    pub fn merge(&mut self, from: List, to: List) {
        if from == to || self.is_empty(from) {
            return;
        }
        // SAFETY: two distinct live heads of well formed lists.
        unsafe { L::merge(self.head(from).as_raw(), self.head(to).as_raw()) };
    }

    #[inline]
    pub fn is_empty(&self, list: List) -> bool {
        // SAFETY: a live head, initialized in `default`.
        unsafe { L::is_empty(self.head(list).as_raw()) }
    }

    pub fn first(&self, list: List) -> Option<GcHeader> {
        let head = self.head(list);
        let first = next_of(head);
        (first != head).then_some(first)
    }

    /// The object after `gc` in `list`, or `None` at the end.
    pub fn next(&self, gc: GcHeader, list: List) -> Option<GcHeader> {
        let next = next_of(gc);
        (next != self.head(list)).then_some(next)
    }

    /// The objects of `list`, head to tail (a snapshot: for loops that
    /// change the list while they run).
    pub fn objects(&self, list: List) -> Vec<ObjId> {
        let mut out = Vec::new();
        let mut cursor = self.first(list);
        while let Some(gc) = cursor {
            out.push(gc.id());
            cursor = self.next(gc, list);
        }
        out
    }

    /// `gc_list_size`.
    pub fn len(&self, list: List) -> usize {
        let mut n = 0;
        let mut cursor = self.first(list);
        while let Some(gc) = cursor {
            n += 1;
            cursor = self.next(gc, list);
        }
        n
    }

    /// `update_refs`: each object's `gc_refs` starts as its reference count,
    /// and the object is marked as part of the collection.
    pub fn update_refs(&mut self, list: List) {
        let mut cursor = self.first(list);
        while let Some(gc) = cursor {
            let refcnt = gc.object().refcnt();
            // A tracked object with no reference was left tracked by a
            // deallocator: it would be freed twice.
            debug_assert!(refcnt > 0, "{:?} is tracked with a count of 0", gc.id());
            gc.reset_refs(refcnt);
            cursor = self.next(gc, list);
        }
    }

    /// `subtract_refs`: every reference from one collected object to another
    /// is taken off the target's `gc_refs`. What is left counts references
    /// from outside: from names, from the interpreter, from older
    /// generations.
    pub fn subtract_refs(&mut self, list: List, objects: &impl Referents) {
        let mut cursor = self.first(list);
        while let Some(gc) = cursor {
            objects.traverse(gc.id(), |target| {
                if target.is_collecting() {
                    target.decref();
                }
            });
            cursor = self.next(gc, list);
        }
    }

    /// `move_unreachable`: walk `young` in order. An object with outside
    /// references is reachable, and so is everything it refers to: those
    /// are marked (or, if already moved to `unreachable`, brought back to
    /// the end of `young`, to be walked later). An object with none goes to
    /// `unreachable` for now, marked `NEXT_MASK_UNREACHABLE`; something
    /// walked later may still bring it back. The order this leaves both
    /// lists in is CPython's, and it decides the order of finalizers.
    ///
    /// `young` is singly linked while this runs (`_gc_prev` holds
    /// `gc_refs`); each reachable object gets its `_gc_prev` back as the
    /// walk passes it. Objects in `unreachable` keep the flag until
    /// [`GcLists::clear_unreachable_mask`].
    ///
    /// `passed` is called for each object proved reachable, in the order
    /// young ends up in, once the walk is past it: if it says no, the object
    /// stops being tracked right there. That is `untrack_tuples` done in the
    /// same walk: it visits young in the same order after this returns, and
    /// what it decides for an object depends on the tracking of objects
    /// before it (decided) and after it (still tracked), the same here.
    pub fn move_unreachable(
        &mut self,
        young: List,
        unreachable: List,
        objects: &impl Referents,
        mut passed: impl FnMut(GcHeader) -> bool,
    ) {
        let young = self.head(young);
        let unreachable = self.head(unreachable);
        debug_assert!(
            next_of(unreachable) == unreachable,
            "unreachable starts empty"
        );
        // The previous object in young, to restore `_gc_prev`.
        let mut prev = young;
        let mut gc = next_of(young);
        while gc != young {
            objects.prefetch(gc.id());
            if gc.refs() > 0 {
                // Reachable from outside: so is everything it refers to.
                // (Appending to young may change gc's next: read it after.)
                objects.traverse(gc.id(), |target| visit_reachable(target, young));
                gc.set_prev(prev);
                gc.clear_collecting();
                if passed(gc) {
                    prev = gc;
                } else {
                    // Untracked: out of young, whose part after gc is still
                    // singly linked (only prev's next changes). If gc is
                    // young's tail, the walk ends here and the tail is set
                    // right below.
                    prev.set_next_raw(gc.next_raw());
                    gc.clear_links();
                }
            } else {
                // Unreachable for now. young is singly linked here, so only
                // prev's next changes.
                prev.set_next_raw(gc.next_raw());
                let last = prev_of(unreachable);
                // Every object in unreachable is marked; the head's next gets
                // the mark too when it is `last`, and loses it below.
                last.set_next_raw(gc.as_raw().map_addr(|a| a | NEXT_MASK_UNREACHABLE));
                gc.set_prev(last);
                gc.set_next_raw(unreachable.as_raw().map_addr(|a| a | NEXT_MASK_UNREACHABLE));
                unreachable.set_prev_raw(gc.as_raw());
            }
            gc = next_of(prev);
        }
        young.set_prev_raw(prev.as_raw());
        unreachable.set_next_raw(
            unreachable
                .next_raw()
                .map_addr(|a| a & !NEXT_MASK_UNREACHABLE),
        );
    }

    /// `clear_unreachable_mask` (and the part of `move_legacy_finalizers`
    /// that 3.11 runs on the subset: no type here has a `tp_del`): after
    /// `move_unreachable`, `list` becomes an ordinary list.
    pub fn clear_unreachable_mask(&mut self, list: List) {
        let head = self.head(list);
        let mut gc = next_of(head);
        while gc != head {
            debug_assert!(gc.is_unreachable());
            gc.set_next_raw(gc.next_raw().map_addr(|a| a & !NEXT_MASK_UNREACHABLE));
            gc = next_of(gc);
        }
    }

    /// `gc_list_clear_collecting`.
    pub fn clear_collecting(&mut self, list: List) {
        let mut cursor = self.first(list);
        while let Some(gc) = cursor {
            gc.clear_collecting();
            cursor = self.next(gc, list);
        }
    }
}

/// `visit_decref` for [`GcLists::update_refs`] and
/// [`GcLists::subtract_refs`] done in one pass (`Store::update_and_subtract_refs`),
/// allowed when every tracked object is collected, in any order (a full
/// collection with nothing frozen: young holds them all). An object not
/// reached yet is one without `PREV_MASK_COLLECTING` (no object has it
/// between collections), so its `gc_refs` is set from its count the first
/// time anything touches it, the pass or a reference to it. The counts left
/// are those of the two walks, whatever the order (they are sums), but the
/// memory is read once instead of twice. True if `target` is collected.
#[inline]
pub fn decref_lazily(target: GcHeader) -> bool {
    // Tracked means collected here; untracked objects are not (update_refs
    // never marks them).
    if !target.is_tracked() {
        return false;
    }
    if !target.is_collecting() {
        target.reset_refs(target.object().refcnt());
    }
    target.decref();
    true
}

/// What the objects refer to, as one pass read it, for the next pass to
/// walk instead of the objects: for each id, its tracked referents' heads in
/// `tp_traverse` order, and whether it is a tuple or a dict. Valid only
/// while nothing changes (within `deduce_unreachable`); cleared after.
#[derive(Debug, Default)]
pub struct Edges {
    /// By id: where its referents start in `targets` (the next id's start
    /// is where they end).
    start: Vec<u32>,
    pub targets: Vec<GcHeader>,
    pub kinds: Vec<EdgeKind>,
}

/// The types a collection treats apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    Tuple,
    Dict,
    Other,
}

impl Edges {
    /// Forgets the heads (the capacity stays, for the next collection).
    pub fn clear(&mut self) {
        self.start.clear();
        self.targets.clear();
        self.kinds.clear();
    }

    /// The next id's referents start here.
    pub fn start_object(&mut self) {
        let at = u32::try_from(self.targets.len())
            .unwrap_or_else(|_| panic!("more than 2^32 references"));
        self.start.push(at);
    }

    pub fn kind(&self, id: ObjId) -> EdgeKind {
        self.kinds
            .get(id.0 as usize)
            .copied()
            .unwrap_or(EdgeKind::Other)
    }
}

impl Referents for Edges {
    #[inline]
    fn traverse(&self, id: ObjId, mut visit: impl FnMut(GcHeader)) {
        let i = id.0 as usize;
        if let (Some(&from), Some(&to)) = (self.start.get(i), self.start.get(i + 1)) {
            for &target in &self.targets[from as usize..to as usize] {
                visit(target);
            }
        }
    }

    #[inline]
    fn prefetch(&self, id: ObjId) {
        // The walk is mostly in id order: the heads a little ahead.
        if let Some(&at) = self.start.get(id.0 as usize + 16) {
            if let Some(target) = self.targets.get(at as usize) {
                crate::header::prefetch(target.as_raw().cast());
            }
        }
    }
}

/// `visit_reachable`: `gc` is referred to by an object proved reachable.
fn visit_reachable(gc: GcHeader, young: GcHeader) {
    // Not in this collection, or already proved reachable (walked).
    if !gc.is_collecting() {
        return;
    }
    if gc.is_unreachable() {
        // Moved to unreachable too early: out of it (its neighbours there
        // keep their marks, and prev's next keeps one), back onto the end of
        // young, to be walked again.
        let prev = prev_of(gc);
        let next = next_of(gc);
        prev.set_next_raw(gc.next_raw());
        next.set_prev(prev);
        let last = prev_of(young);
        gc.set_prev(last);
        last.set_next(gc);
        gc.set_next(young);
        young.set_prev_raw(gc.as_raw());
        gc.set_refs(1);
    } else if gc.refs() == 0 {
        // Not walked yet: it will be, and now it counts as reachable.
        gc.set_refs(1);
    }
}

/// `_PyObject_GC_UNTRACK`, which needs no list: the neighbours are linked
/// to each other (by `L`), and the links cleared but for the finalized flag.
#[inline]
pub fn untrack<L: GcLinks>(gc: GcHeader) {
    if gc.is_tracked() {
        // SAFETY: tracked, so a live node of a well formed list.
        unsafe { L::remove(gc.as_raw()) };
        gc.clear_links();
    }
}

/// `gc_list_remove` without clearing the node's own links.
fn unlink(gc: GcHeader) {
    let prev = prev_of(gc);
    let next = next_of(gc);
    prev.set_next(next);
    next.set_prev(prev);
}

/// `GC_NEXT`, flag masked off.
fn next_of(gc: GcHeader) -> GcHeader {
    match gc.next() {
        Some(next) => next,
        None => unreachable!("a list link of an untracked object was followed"),
    }
}

/// `GC_PREV`, flags masked off.
fn prev_of(gc: GcHeader) -> GcHeader {
    match gc.prev() {
        Some(prev) => prev,
        None => unreachable!("a list link of an untracked object was followed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::ObHeader;

    /// Objects with a GC head each, and who refers to whom.
    struct Objects {
        memory: NonNull<u8>,
        layout: Layout,
        edges: Vec<Vec<u32>>,
    }

    impl Objects {
        fn new(refcounts: &[usize], edges: &[&[u32]]) -> Objects {
            let n = refcounts.len();
            let layout = Layout::from_size_align(n * 32, 16).unwrap();
            // SAFETY: n > 0 in every test, so the size is not zero.
            let memory = NonNull::new(unsafe { alloc::alloc(layout) }).unwrap();
            for (i, &refcnt) in refcounts.iter().enumerate() {
                // SAFETY: object i's 32 bytes are inside the allocation,
                // aligned to 16; freed only when `Objects` drops.
                let ob = unsafe {
                    GcHeader::init(memory.add(i * 32));
                    ObHeader::init(memory.add(i * 32 + GC_HEAD_SIZE), ObjId(i as u32))
                };
                ob.set_refcnt(refcnt);
            }
            Objects {
                memory,
                layout,
                edges: edges.iter().map(|e| e.to_vec()).collect(),
            }
        }

        fn gc(&self, i: u32) -> GcHeader {
            assert!((i as usize) < self.edges.len());
            // SAFETY: object i's GC head, initialized in `new`, lives until
            // `Objects` drops.
            unsafe { GcHeader::from_link(self.memory.add(i as usize * 32).cast().as_ptr()) }
        }
    }

    impl Drop for Objects {
        fn drop(&mut self) {
            // SAFETY: allocated in `new` with this layout.
            unsafe { alloc::dealloc(self.memory.as_ptr(), self.layout) };
        }
    }

    impl Referents for Objects {
        fn traverse(&self, id: ObjId, mut visit: impl FnMut(GcHeader)) {
            for &target in &self.edges[id.0 as usize] {
                visit(self.gc(target));
            }
        }
    }

    fn ids(lists: &GcLists, list: List) -> Vec<u32> {
        lists.objects(list).into_iter().map(|id| id.0).collect()
    }

    #[test]
    fn tracking_moving_and_merging_keep_cpython_order() {
        let objects = Objects::new(&[1; 5], &[&[] as &[u32]; 5]);
        let mut lists: GcLists = GcLists::default();
        for i in 0..4 {
            lists.track(objects.gc(i), List::Gen0);
        }
        lists.track(objects.gc(0), List::Gen0);
        assert_eq!(ids(&lists, List::Gen0), [0, 1, 2, 3]);
        lists.track(objects.gc(4), List::Gen1);
        lists.untrack(objects.gc(1));
        assert!(!objects.gc(1).is_tracked());
        lists.move_to(objects.gc(0), List::Gen0);
        assert_eq!(ids(&lists, List::Gen0), [2, 3, 0]);
        lists.merge(List::Gen0, List::Gen1);
        assert!(lists.is_empty(List::Gen0));
        assert_eq!(ids(&lists, List::Gen1), [4, 2, 3, 0]);
        assert_eq!(lists.len(List::Gen1), 4);
        lists.merge(List::Gen0, List::Gen1);
        assert_eq!(ids(&lists, List::Gen1), [4, 2, 3, 0]);
        // Walking back from the tail finds the same order reversed.
        let head = lists.head(List::Gen1);
        let mut back = Vec::new();
        let mut gc = prev_of(head);
        while gc != head {
            back.push(gc.id().0);
            gc = prev_of(gc);
        }
        assert_eq!(back, [0, 3, 2, 4]);
        for i in [4, 2, 3, 0] {
            lists.untrack(objects.gc(i));
        }
        assert!(lists.is_empty(List::Gen1));
    }

    /// gcmodule.c's example: A, B, C made in that order, C refers to B and
    /// B to A, and only C is referred to from outside. Plus D and E, a
    /// cycle nothing outside refers to.
    #[test]
    fn deduce_unreachable_reverses_a_chain_and_finds_a_cycle() {
        //                          A  B  C  D  E
        let objects = Objects::new(&[1, 1, 1, 1, 1], &[&[], &[0], &[1], &[4], &[3]]);
        let mut lists: GcLists = GcLists::default();
        for i in 0..5 {
            lists.track(objects.gc(i), List::Gen0);
        }
        lists.update_refs(List::Gen0);
        lists.subtract_refs(List::Gen0, &objects);
        let refs: Vec<usize> = (0..5).map(|i| objects.gc(i).refs()).collect();
        assert_eq!(refs, [0, 0, 1, 0, 0]);
        lists.move_unreachable(List::Gen0, List::Unreachable, &objects, |_| true);
        assert_eq!(ids(&lists, List::Gen0), [2, 1, 0]);
        for i in [0, 1, 2] {
            assert!(!objects.gc(i).is_collecting() && !objects.gc(i).is_unreachable());
        }
        for i in [3, 4] {
            assert!(objects.gc(i).is_collecting() && objects.gc(i).is_unreachable());
        }
        lists.clear_unreachable_mask(List::Unreachable);
        assert_eq!(ids(&lists, List::Unreachable), [3, 4]);
        assert!(!objects.gc(3).is_unreachable());
        // Both lists are doubly linked again.
        for list in [List::Gen0, List::Unreachable] {
            let mut gc = lists.head(list);
            loop {
                let next = next_of(gc);
                assert_eq!(prev_of(next), gc);
                gc = next;
                if gc == lists.head(list) {
                    break;
                }
            }
        }
        lists.clear_collecting(List::Unreachable);
        assert!(!objects.gc(3).is_collecting());
        lists.merge(List::Unreachable, List::Gen0);
        for i in 0..5 {
            lists.untrack(objects.gc(i));
        }
    }

    #[test]
    fn an_object_of_another_generation_is_left_alone() {
        // 0 is old and refers to 1; 1 refers to 2; 2 refers to 1.
        let objects = Objects::new(&[1, 2, 1], &[&[1], &[2], &[1]]);
        let mut lists: GcLists = GcLists::default();
        lists.track(objects.gc(0), List::Gen2);
        lists.track(objects.gc(1), List::Gen0);
        lists.track(objects.gc(2), List::Gen0);
        lists.update_refs(List::Gen0);
        lists.subtract_refs(List::Gen0, &objects);
        assert!(!objects.gc(0).is_collecting());
        assert_eq!([objects.gc(1).refs(), objects.gc(2).refs()], [1, 0]);
        lists.move_unreachable(List::Gen0, List::Unreachable, &objects, |_| true);
        assert_eq!(ids(&lists, List::Gen0), [1, 2]);
        assert!(lists.is_empty(List::Unreachable));
        assert_eq!(ids(&lists, List::Gen2), [0]);
        for i in 0..3 {
            lists.untrack(objects.gc(i));
        }
    }
}
