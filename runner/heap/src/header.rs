//! An object's header, in its block's bytes, as CPython 3.11 lays it out on
//! a 64-bit build:
//!
//! ```text
//! GC type:      | _gc_next | _gc_prev | ob_refcnt | ob_type | rest of the object ...
//!               0          8          16          24        32
//! other types:  | ob_refcnt | ob_type | rest ...
//!               0           8         16
//! ```
//!
//! `PyGC_Head` (the two links) sits in front of the object, so a pointer to
//! the object (`PyObject *`, here [`ObHeader`]) is 16 bytes into the block,
//! and the collector's lists link those heads ([`GcHeader`]).
//!
//! `ob_type` holds the object's id instead of a type pointer: the Rust
//! payload ([`memlings_python::Object`]) lives in the store's slot of that
//! id, so a header found by walking a list leads back to its object.
//!
//! The bits CPython borrows from the links are borrowed here too:
//! `_gc_prev`'s two low bits are `PREV_MASK_FINALIZED` and
//! `PREV_MASK_COLLECTING`, and during a collection its upper bits hold
//! `gc_refs` instead of the pointer; `_gc_next`'s low bit is
//! `NEXT_MASK_UNREACHABLE` while `move_unreachable` runs. The links are
//! pointers (with their provenance), and the flags and counts are put in
//! their address bits, so no integer is ever turned back into a pointer.
//!
//! # Safety
//!
//! [`ObHeader`] and [`GcHeader`] are raw pointers. Their invariant, which
//! every unsafe block here relies on: a value of either type points at
//! header memory that is live and 8-byte aligned (a block the store owns
//! for a live object, a header of [`StaticHeaders`], or a list head of
//! `GcLists`), and no Rust reference to that memory exists. Only the
//! `unsafe` constructors make one, and the store forgets a header when it
//! frees its block.
//!
//! The links are the other half: following one makes a [`GcHeader`] of
//! whatever it holds, so every link written must be a live head of a
//! well-formed list. Only `gclist` writes them (this module and that one
//! are the trust boundary, both private to the crate), and the store
//! unlinks a head before its block is freed. A list head is followed by a
//! placeholder `PyObject` (count 0, no id), so that even
//! [`GcHeader::object`] of a head reads memory that exists.

use std::alloc::{self, Layout};
use std::ptr::{self, NonNull};

use memlings_python::ObjId;
pub use memlings_python::PyGcHead;

/// `sizeof(PyGC_Head)`.
pub const GC_HEAD_SIZE: usize = 16;
/// `sizeof(PyObject)`: `ob_refcnt` and `ob_type`.
pub const OB_HEAD_SIZE: usize = 16;

/// `_PyGC_PREV_MASK_FINALIZED`: `tp_finalize` was called (PEP 442).
pub const PREV_MASK_FINALIZED: usize = 1;
/// `_PyGC_PREV_MASK_COLLECTING`: in the generations being collected.
pub const PREV_MASK_COLLECTING: usize = 2;
/// `_PyGC_PREV_SHIFT`: where `gc_refs` starts in `_gc_prev`.
pub const PREV_SHIFT: u32 = 2;
const PREV_FLAGS: usize = (1 << PREV_SHIFT) - 1;
/// `NEXT_MASK_UNREACHABLE`.
pub const NEXT_MASK_UNREACHABLE: usize = 1;

/// `PyObject`: the part every object starts with.
#[repr(C)]
struct PyObjectHead {
    ob_refcnt: usize,
    /// The object's id (see the module's doc).
    ob_type: usize,
}

/// An object's `PyObject` header: its reference count and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObHeader(NonNull<PyObjectHead>);

/// A `PyGC_Head`: an object's (16 bytes before its [`ObHeader`]) or a
/// list's head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GcHeader(NonNull<PyGcHead>);

impl ObHeader {
    /// Writes a fresh header at `at` (`ob_refcnt` 1, the id in `ob_type`):
    /// for a new object, and for a block reused from a free list, whose
    /// bytes still hold the dead object's header.
    ///
    /// # Safety
    ///
    /// `at` is 8-byte aligned, valid for writes of 16 bytes, and stays
    /// valid (with no Rust reference to it) for as long as the returned
    /// header is used.
    pub unsafe fn init(at: NonNull<u8>, id: ObjId) -> ObHeader {
        let header = at.cast::<PyObjectHead>();
        // SAFETY: the caller's contract: 16 writable, aligned bytes.
        unsafe {
            header.as_ptr().write(PyObjectHead {
                ob_refcnt: 1,
                ob_type: id.0 as usize,
            })
        };
        ObHeader(header)
    }

    /// Where the header starts.
    pub fn as_bytes(self) -> NonNull<u8> {
        self.0.cast()
    }

    /// `Py_REFCNT`.
    #[inline]
    pub fn refcnt(self) -> usize {
        // SAFETY: the type's invariant (module doc): live, aligned.
        unsafe { (*self.0.as_ptr()).ob_refcnt }
    }

    /// `Py_SET_REFCNT`.
    #[inline]
    pub fn set_refcnt(self, refcnt: usize) {
        // SAFETY: the type's invariant (module doc): live, aligned, and no
        // reference to it exists.
        unsafe { (*self.0.as_ptr()).ob_refcnt = refcnt };
    }

    /// The object's id, from `ob_type`.
    #[inline]
    pub fn id(self) -> ObjId {
        // SAFETY: the type's invariant (module doc).
        let word = unsafe { (*self.0.as_ptr()).ob_type };
        ObjId(word as u32)
    }
}

impl GcHeader {
    /// Writes an untracked `PyGC_Head` at `at` (both links null, no flags),
    /// as `gc_alloc` leaves a new object's.
    ///
    /// # Safety
    ///
    /// As [`ObHeader::init`], for 16 bytes; an object's GC head must be
    /// followed by its `PyObject` header.
    pub unsafe fn init(at: NonNull<u8>) -> GcHeader {
        let head = at.cast::<PyGcHead>();
        // SAFETY: the caller's contract.
        unsafe {
            head.as_ptr().write(PyGcHead {
                gc_next: ptr::null_mut(),
                gc_prev: ptr::null_mut(),
            })
        };
        GcHeader(head)
    }

    fn as_ptr(self) -> *mut PyGcHead {
        self.0.as_ptr()
    }

    /// Where the head starts.
    pub fn as_bytes(self) -> NonNull<u8> {
        self.0.cast()
    }

    /// The address the links of other heads hold for this one.
    #[inline]
    pub fn as_raw(self) -> *mut PyGcHead {
        self.0.as_ptr()
    }

    /// `FROM_GC`: the object this head is in front of (for a list head, its
    /// placeholder).
    #[inline]
    pub fn object(self) -> ObHeader {
        // SAFETY: the type's invariant: a head, an object's or a list's, is
        // followed by a PyObject header in the same allocation (see the
        // module doc). The result is not null (it is past a live pointer).
        ObHeader(unsafe { NonNull::new_unchecked(self.as_ptr().add(1).cast()) })
    }

    /// The object's id (`ob_type` of [`GcHeader::object`]).
    #[inline]
    pub fn id(self) -> ObjId {
        self.object().id()
    }

    #[inline]
    pub fn next_raw(self) -> *mut PyGcHead {
        // SAFETY: the type's invariant (module doc).
        unsafe { (*self.as_ptr()).gc_next }
    }

    #[inline]
    pub fn set_next_raw(self, next: *mut PyGcHead) {
        // SAFETY: the type's invariant (module doc).
        unsafe { (*self.as_ptr()).gc_next = next };
    }

    #[inline]
    pub fn prev_raw(self) -> *mut PyGcHead {
        // SAFETY: the type's invariant (module doc).
        unsafe { (*self.as_ptr()).gc_prev }
    }

    #[inline]
    pub fn set_prev_raw(self, prev: *mut PyGcHead) {
        // SAFETY: the type's invariant (module doc).
        unsafe { (*self.as_ptr()).gc_prev = prev };
    }

    /// `_gc_next` without the unreachable flag: the next head, if tracked.
    #[inline]
    pub fn next(self) -> Option<GcHeader> {
        let next = self.next_raw().map_addr(|a| a & !NEXT_MASK_UNREACHABLE);
        NonNull::new(next).map(GcHeader)
    }

    /// `_PyGCHead_SET_NEXT`.
    #[inline]
    pub fn set_next(self, next: GcHeader) {
        self.set_next_raw(next.as_ptr());
    }

    /// `_PyGCHead_PREV`: the previous head (not during a collection, when
    /// `_gc_prev` holds `gc_refs`).
    #[inline]
    pub fn prev(self) -> Option<GcHeader> {
        NonNull::new(self.prev_raw().map_addr(|a| a & !PREV_FLAGS)).map(GcHeader)
    }

    /// `_PyGCHead_SET_PREV`: the pointer changes, the flags stay.
    #[inline]
    pub fn set_prev(self, prev: GcHeader) {
        let flags = self.prev_raw().addr() & PREV_FLAGS;
        self.set_prev_raw(prev.as_ptr().map_addr(|a| a | flags));
    }

    /// `_PyObject_GC_IS_TRACKED`: `_gc_next != 0`.
    #[inline]
    pub fn is_tracked(self) -> bool {
        !self.next_raw().is_null()
    }

    /// The links of an untracked object: `_gc_next = 0`, and `_gc_prev`
    /// keeps only the finalized flag (`_PyObject_GC_UNTRACK`).
    #[inline]
    pub fn clear_links(self) {
        self.set_next_raw(ptr::null_mut());
        self.set_prev_raw(
            self.prev_raw()
                .with_addr(self.prev_raw().addr() & PREV_MASK_FINALIZED),
        );
    }

    fn prev_word(self) -> usize {
        self.prev_raw().addr()
    }

    fn set_prev_word(self, word: usize) {
        self.set_prev_raw(self.prev_raw().with_addr(word));
    }

    /// `gc_is_collecting`.
    #[inline]
    pub fn is_collecting(self) -> bool {
        self.prev_word() & PREV_MASK_COLLECTING != 0
    }

    /// `gc_clear_collecting`.
    #[inline]
    pub fn clear_collecting(self) {
        self.set_prev_word(self.prev_word() & !PREV_MASK_COLLECTING);
    }

    /// `gc_get_refs`.
    #[inline]
    pub fn refs(self) -> usize {
        self.prev_word() >> PREV_SHIFT
    }

    /// `gc_set_refs`: the flags stay.
    #[inline]
    pub fn set_refs(self, refs: usize) {
        self.set_prev_word((self.prev_word() & PREV_FLAGS) | (refs << PREV_SHIFT));
    }

    /// `gc_reset_refs`: `gc_refs` from the reference count, marked
    /// collecting, finalized flag kept.
    #[inline]
    pub fn reset_refs(self, refs: usize) {
        self.set_prev_word(
            (self.prev_word() & PREV_MASK_FINALIZED) | PREV_MASK_COLLECTING | (refs << PREV_SHIFT),
        );
    }

    /// `gc_decref`.
    #[inline]
    pub fn decref(self) {
        debug_assert!(
            self.refs() > 0,
            "gc_refs below zero: a refcount is too small"
        );
        self.set_prev_word(self.prev_word() - (1 << PREV_SHIFT));
    }

    /// `NEXT_MASK_UNREACHABLE` is set: in `move_unreachable`'s unreachable
    /// list.
    #[inline]
    pub fn is_unreachable(self) -> bool {
        self.next_raw().addr() & NEXT_MASK_UNREACHABLE != 0
    }

    /// `_PyGCHead_FINALIZED`.
    pub fn finalized(self) -> bool {
        self.prev_word() & PREV_MASK_FINALIZED != 0
    }

    /// `_PyGCHead_SET_FINALIZED`.
    pub fn set_finalized(self) {
        self.set_prev_word(self.prev_word() | PREV_MASK_FINALIZED);
    }

    /// A head from a raw link read out of another head.
    ///
    /// # Safety
    ///
    /// `raw`, flags masked off, is a link of a well-formed list: a live
    /// head.
    #[inline]
    pub unsafe fn from_link(raw: *mut PyGcHead) -> GcHeader {
        // SAFETY: the caller's contract: a live head is not null.
        GcHeader(unsafe { NonNull::new_unchecked(raw) })
    }
}

/// A hint to the processor to bring the line at `at` into cache.
#[inline]
pub fn prefetch(at: *const u8) {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    // SAFETY: a prefetch reads nothing the program sees and cannot fault,
    // whatever the address; SSE, which it needs, is part of x86_64.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast());
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    let _ = at;
}

/// Header-sized places for the objects CPython keeps static: `None`,
/// `True`/`False`, the small ints, the one-character strs and the empty
/// tuple have no block, since CPython never allocates them (they are part
/// of the interpreter's image), so the allocator must not count them
/// (`sys.getallocatedblocks()` does not). They still have a reference
/// count, so their headers live here, in chunks of memory of the heap's own.
/// Every place is 32 bytes: room for a GC head and a `PyObject`.
#[derive(Debug, Default)]
pub struct StaticHeaders {
    chunks: Vec<NonNull<u8>>,
    /// Places given back, for reuse.
    free: Vec<NonNull<u8>>,
    /// Places left in the newest chunk.
    left: usize,
}

/// One static header's place.
pub const STATIC_PLACE: usize = GC_HEAD_SIZE + OB_HEAD_SIZE;
const PLACES_PER_CHUNK: usize = 256;

fn chunk_layout() -> Layout {
    match Layout::from_size_align(STATIC_PLACE * PLACES_PER_CHUNK, 16) {
        Ok(layout) => layout,
        Err(_) => unreachable!("8 KiB aligned to 16 is a layout"),
    }
}

impl StaticHeaders {
    /// A place of [`STATIC_PLACE`] bytes, 16-byte aligned, valid until it
    /// is given back or the region is dropped.
    pub fn take(&mut self) -> NonNull<u8> {
        if let Some(place) = self.free.pop() {
            return place;
        }
        if self.left == 0 {
            let layout = chunk_layout();
            // SAFETY: the layout's size is not zero.
            let chunk = unsafe { alloc::alloc(layout) };
            let Some(chunk) = NonNull::new(chunk) else {
                alloc::handle_alloc_error(layout)
            };
            self.chunks.push(chunk);
            self.left = PLACES_PER_CHUNK;
        }
        self.left -= 1;
        let Some(&chunk) = self.chunks.last() else {
            unreachable!("a chunk was just made")
        };
        let offset = (PLACES_PER_CHUNK - 1 - self.left) * STATIC_PLACE;
        // SAFETY: offset + STATIC_PLACE <= the chunk's size.
        unsafe { chunk.add(offset) }
    }

    /// A place taken from [`StaticHeaders::take`] and no longer used.
    pub fn give_back(&mut self, place: NonNull<u8>) {
        self.free.push(place);
    }
}

impl Drop for StaticHeaders {
    fn drop(&mut self) {
        for chunk in self.chunks.drain(..) {
            // SAFETY: each chunk came from `alloc` with `chunk_layout()` and
            // is freed once (drained).
            unsafe { alloc::dealloc(chunk.as_ptr(), chunk_layout()) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block of 48 bytes, aligned as the allocator's are.
    #[repr(C, align(16))]
    struct Block([u8; 48]);

    fn raw(block: &mut Block) -> NonNull<u8> {
        NonNull::from(&mut block.0).cast()
    }

    #[test]
    fn a_gc_object_header_is_laid_out_as_cpython_lays_it_out() {
        let mut block = Block([0xAA; 48]);
        let at = raw(&mut block);
        // SAFETY: 48 bytes, aligned, nothing else touches them until the
        // headers are last used.
        let (gc, ob) = unsafe {
            let gc = GcHeader::init(at);
            let ob = ObHeader::init(at.add(GC_HEAD_SIZE), ObjId(7));
            (gc, ob)
        };
        assert_eq!(gc.object(), ob);
        assert_eq!((ob.refcnt(), ob.id(), gc.id()), (1, ObjId(7), ObjId(7)));
        ob.set_refcnt(3);
        assert!(!gc.is_tracked());
        // The headers are not used past here.
        let bytes = block.0;
        let word = |i: usize| usize::from_ne_bytes(bytes[i..i + 8].try_into().unwrap());
        // _gc_next, _gc_prev, ob_refcnt, ob_type; the rest untouched.
        assert_eq!([word(0), word(8), word(16), word(24)], [0, 0, 3, 7]);
        assert_eq!(&bytes[32..], &[0xAA; 16]);
    }

    #[test]
    fn gc_refs_and_flags_share_gc_prev_and_the_pointer_comes_back() {
        let mut blocks = [Block([0; 48]), Block([0; 48])];
        let [a, b] = &mut blocks;
        // SAFETY: each block is 48 aligned bytes that outlive the headers.
        let (a, b) = unsafe { (GcHeader::init(raw(a)), GcHeader::init(raw(b))) };
        a.set_prev(b);
        a.set_finalized();
        assert_eq!(a.prev(), Some(b));
        assert!(a.finalized() && !a.is_collecting());

        a.reset_refs(5);
        assert!(a.is_collecting() && a.finalized());
        assert_eq!(a.refs(), 5);
        a.decref();
        a.set_refs(a.refs() + 10);
        assert_eq!(a.refs(), 14);
        a.clear_collecting();
        assert!(!a.is_collecting() && a.finalized());
        assert_eq!(a.refs(), 14);

        // move_unreachable puts the pointer back; the flags stay.
        a.set_prev(b);
        assert_eq!(a.prev(), Some(b));
        assert!(a.finalized());

        a.set_next_raw(b.as_ptr().map_addr(|x| x | NEXT_MASK_UNREACHABLE));
        assert!(a.is_unreachable() && a.is_tracked());
        assert_eq!(a.next(), Some(b));

        // Untracking keeps only the finalized flag.
        a.clear_links();
        assert!(!a.is_tracked() && a.finalized());
        assert_eq!(a.prev(), None);
    }

    #[test]
    fn static_headers_are_reused_and_freed() {
        let mut region = StaticHeaders::default();
        let places: Vec<_> = (0..PLACES_PER_CHUNK + 3).map(|_| region.take()).collect();
        for (i, &place) in places.iter().enumerate() {
            assert!((place.as_ptr() as usize).is_multiple_of(16));
            // SAFETY: a fresh place of 32 bytes, aligned.
            let ob = unsafe { ObHeader::init(place.add(GC_HEAD_SIZE), ObjId(i as u32)) };
            assert_eq!(ob.id(), ObjId(i as u32));
        }
        let distinct: std::collections::HashSet<_> = places.iter().collect();
        assert_eq!(distinct.len(), places.len());
        region.give_back(places[5]);
        assert_eq!(region.take(), places[5]);
        assert_eq!(region.chunks.len(), 2);
    }
}
