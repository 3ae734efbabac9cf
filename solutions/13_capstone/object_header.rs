//! # Exercise `object_header`: the header is in the block (solution)
//!
//! Book: book/src/capstone/pooled-heap.md, section "Your turn: the header".
//!
//! Part V handed out blocks; now an object lives in one. CPython 3.11 asks
//! `PyObject_Malloc` for a block of the object's request size and writes
//! the object's header into the block's first bytes:
//!
//! ```text
//!  a GC object (a list):                a non-GC object (a float):
//!  block +0   _gc_next   (PyGC_Head)    block +0   ob_refcnt
//!        +8   _gc_prev                        +8   ob_type
//!        +16  ob_refcnt  <- the object        +16  ob_fval ...
//!        +24  ob_type       pointer is here
//!        +32  ... the rest of the object
//! ```
//!
//! The object pointer (`PyObject *`, here [`Obj`]) points at `ob_refcnt`,
//! so a GC object's block starts 16 bytes before it (CPython: `AS_GC`).
//! Nothing but the bytes of the block records any of this: the reference
//! count, the type and the GC links are read and written there.
//!
//! The GC links make an intrusive doubly linked list: each tracked
//! object's `_gc_next` and `_gc_prev` point at the neighbouring objects'
//! `PyGC_Head`s, and the list head (a generation) is a `PyGC_Head` of its
//! own, in no block, that the list goes round through. An empty list's
//! head points at itself both ways. `_gc_next` is null for an object that
//! is not tracked. The two low bits of `_gc_prev` are flags (the next
//! exercise sets them), so reading the previous node masks them off and
//! setting it keeps them (CPython: `_PyGCHead_PREV`, `_PyGCHead_SET_PREV`).
//!
//! CPython stores the links as `uintptr_t`. Here they are raw pointers
//! (`*mut GcHead`): a pointer turned into an integer and back loses its
//! provenance, the permission to reach the memory it points to, and Miri
//! would refuse to follow it. Flags go in and out with `map_addr`, which
//! changes the address bits and keeps the provenance.
//!
//! Implement `request_size` and `init_object`; `as_gc` and `from_gc`; the
//! reference count (`refcnt`, `incref`, `decref`, `dealloc`); `gc_prev`
//! and `gc_set_prev`; and the list operations (`gc_list_init`,
//! `gc_list_is_empty`, `gc_list_append`, `gc_list_remove`,
//! `gc_list_merge`, `gc_list_objects`). They are
//! `unsafe fn`s, as the C functions are: the caller promises that each
//! pointer is a live object or list head. Inside them, keep each `unsafe`
//! block small and say in a `// SAFETY:` comment why it is sound. When the
//! check passes, run it under Miri:
//! `cargo +nightly miri run -p memlings-exercises --bin object_header`.
//!
//! ```
//! let mut alloc = arenas::Pymalloc::default();
//! let gen0 = GcList::new();
//! let op = new_object(&mut alloc, &LIST_TYPE, 0).unwrap(); // a 56-byte request
//! unsafe {
//!     gc_list_append(as_gc(op), gen0.head());     // tracked: _gc_next is gen0's head
//!     incref(op);                                 // ob_refcnt 2, in the block
//!     assert!(!decref(op));
//!     assert!(decref(op));                        // 0: the caller deallocates
//!     dealloc(&mut alloc, op);                    // untracked, block back in its pool
//! }
//! assert_eq!(alloc.stats().blocks, 0);
//! ```

use std::ptr::{self, NonNull};

use memlings_python::{Allocator, Block};

/// Your Part V allocator: the objects' blocks come from its pools.
#[allow(dead_code)]
#[path = "../12_pools/arenas.rs"]
pub mod arenas;

/// `sizeof(PyGC_Head)` on 64-bit CPython 3.11: two pointers.
pub const GC_HEAD_SIZE: usize = 16;
/// `_gc_prev` bit 0: the object's `__del__` (`tp_finalize`) has run.
pub const PREV_MASK_FINALIZED: usize = 1;
/// `_gc_prev` bit 1: the object is in the generation being collected.
pub const PREV_MASK_COLLECTING: usize = 2;
/// The flag bits of `_gc_prev`; the rest is the previous node's address.
pub const PREV_FLAGS: usize = PREV_MASK_FINALIZED | PREV_MASK_COLLECTING;

// ANCHOR: layout
/// CPython 3.11's `PyGC_Head`: the 16 bytes in front of a GC object. It
/// is the interpreter's own type, so that the reference heap can run your
/// list functions on its objects' headers (see `MyLinks` below):
///
/// ```text
/// #[repr(C)]
/// pub struct PyGcHead {
///     pub gc_next: *mut PyGcHead, // the next node, null when not tracked
///     pub gc_prev: *mut PyGcHead, // the previous node, two flag bits low
/// }
/// ```
pub type GcHead = memlings_python::PyGcHead;

/// `PyObject`: the header every object starts with.
#[repr(C)]
#[derive(Debug)]
pub struct ObjectHead {
    pub ob_refcnt: isize,
    pub ob_type: *const TypeObject,
}

/// `PyVarObject`: the header of an object with items (a tuple).
#[repr(C)]
#[derive(Debug)]
pub struct VarObjectHead {
    pub ob_base: ObjectHead,
    /// How many items follow.
    pub ob_size: isize,
}
// ANCHOR_END: layout

/// The few facts of a `PyTypeObject` an allocation needs.
#[derive(Debug, PartialEq, Eq)]
pub struct TypeObject {
    pub name: &'static str,
    /// `tp_basicsize`: the object's bytes without the GC header.
    pub basicsize: usize,
    /// `tp_itemsize`: the bytes of each item (0 for a fixed-size type).
    pub itemsize: usize,
    /// `Py_TPFLAGS_HAVE_GC`: the object has a `PyGC_Head` in front.
    pub is_gc: bool,
}

/// 64-bit CPython 3.11's numbers (Objects/floatobject.c, listobject.c,
/// tupleobject.c, object.c; `sys.getsizeof` minus 16 for a GC type).
pub static FLOAT_TYPE: TypeObject = TypeObject {
    name: "float",
    basicsize: 24,
    itemsize: 0,
    is_gc: false,
};
pub static LIST_TYPE: TypeObject = TypeObject {
    name: "list",
    basicsize: 40,
    itemsize: 0,
    is_gc: true,
};
pub static TUPLE_TYPE: TypeObject = TypeObject {
    name: "tuple",
    basicsize: 24,
    itemsize: 8,
    is_gc: true,
};
pub static OBJECT_TYPE: TypeObject = TypeObject {
    name: "object",
    basicsize: 16,
    itemsize: 0,
    is_gc: false,
};

/// A `PyObject *`: the address of an object's `ob_refcnt`, inside a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Obj(pub NonNull<ObjectHead>);

impl Obj {
    /// The object's address, to print or compare.
    pub fn addr(self) -> usize {
        self.0.as_ptr().addr()
    }
}

/// A list head that lives outside every block (a generation, or a list a
/// collection builds): a `GcHead` on the heap, reached only through the
/// raw pointer `head`, so the links that point at it stay valid. Dropping
/// it frees the head; the list must be empty by then.
#[derive(Debug)]
pub struct GcList {
    head: NonNull<GcHead>,
}

impl GcList {
    /// A new list head, initialized to the empty list.
    pub fn new() -> GcList {
        let boxed = Box::new(GcHead {
            gc_next: ptr::null_mut(),
            gc_prev: ptr::null_mut(),
        });
        let head = NonNull::from(Box::leak(boxed));
        // SAFETY: `head` was just allocated and nothing else points at it.
        unsafe { gc_list_init(head.as_ptr()) };
        GcList { head }
    }

    /// The head's address, for the list functions.
    pub fn head(&self) -> *mut GcHead {
        self.head.as_ptr()
    }
}

impl Default for GcList {
    fn default() -> Self {
        GcList::new()
    }
}

impl Drop for GcList {
    fn drop(&mut self) {
        // SAFETY: `head` came from `Box::leak` in `new` and is freed only
        // here, once.
        drop(unsafe { Box::from_raw(self.head.as_ptr()) });
    }
}

/// The bytes in front of the object that belong to its block: the GC
/// header of a GC type, nothing for another (CPython 3.11:
/// `_PyType_PreHeaderSize`, for types without a managed dict).
pub fn pre_header_size(tp: &TypeObject) -> usize {
    if tp.is_gc {
        GC_HEAD_SIZE
    } else {
        0
    }
}

// ANCHOR: request
/// What CPython 3.11 asks `PyObject_Malloc` for: the pre-header, then the
/// basic size plus the items, rounded up to a multiple of 8
/// (`_PyObject_VAR_SIZE`).
pub fn request_size(tp: &TypeObject, nitems: usize) -> usize {
    let body = (tp.basicsize + tp.itemsize * nitems).next_multiple_of(8);
    pre_header_size(tp) + body
}
// ANCHOR_END: request

// ANCHOR: init
/// Writes a new object's header into `block` (of at least
/// `request_size(tp, nitems)` bytes) and returns the object: a GC header
/// of two nulls (not tracked) for a GC type, then `ob_refcnt` 1 and
/// `ob_type`, and `ob_size` for a type with items. The items are left as
/// they are.
///
/// # Safety
///
/// `block` is a live block, 16-byte aligned, of at least that many bytes,
/// that no other object uses, and `tp.basicsize` holds the header
/// (`ObjectHead`, or `VarObjectHead` for a type with items).
pub unsafe fn init_object(block: Block, tp: &'static TypeObject, nitems: usize) -> Obj {
    let base = block.addr.as_ptr();
    if tp.is_gc {
        // SAFETY: the block holds at least 16 bytes and is aligned, so a
        // GcHead fits at its start; it is ours, so writing does not race.
        unsafe {
            base.cast::<GcHead>().write(GcHead {
                gc_next: ptr::null_mut(),
                gc_prev: ptr::null_mut(),
            })
        };
    }
    // SAFETY: the pre-header is inside the block, so the object's address
    // is too, and it is 8-byte aligned (the block is 16-aligned, the
    // pre-header 0 or 16 bytes); the request size leaves room for the
    // header (and `ob_size`) after it.
    let op = unsafe { base.add(pre_header_size(tp)) }.cast::<ObjectHead>();
    // SAFETY: as just said, the header's bytes are inside the block.
    unsafe {
        op.write(ObjectHead {
            ob_refcnt: 1,
            ob_type: tp,
        })
    };
    if tp.itemsize > 0 {
        // SAFETY: the caller says the basic size holds a VarObjectHead, so
        // `ob_size` (bytes 16 to 24 of the object) is inside the block.
        unsafe { (*op.cast::<VarObjectHead>()).ob_size = nitems as isize };
    }
    Obj(NonNull::new(op).expect("inside a block, so not null"))
}
// ANCHOR_END: init

/// `PyObject_GC_New` / `PyObject_New`: a block of the request size from
/// `alloc`, with the header written. `None` if the allocator has none.
/// Panics for a type too small for its own header, whose header would be
/// written past the end of its block.
pub fn new_object(
    alloc: &mut impl Allocator,
    tp: &'static TypeObject,
    nitems: usize,
) -> Option<Obj> {
    let header = if tp.itemsize > 0 {
        std::mem::size_of::<VarObjectHead>()
    } else {
        std::mem::size_of::<ObjectHead>()
    };
    assert!(
        tp.basicsize >= header,
        "{}'s basic size {} cannot hold its {header}-byte header",
        tp.name,
        tp.basicsize
    );
    let block = alloc.allocate(request_size(tp, nitems))?;
    // SAFETY: the allocator just handed out this block, 16-byte aligned,
    // of the size asked, to nobody else.
    Some(unsafe { init_object(block, tp, nitems) })
}

/// The object's type.
///
/// # Safety
///
/// `op` is a live object.
pub unsafe fn type_of(op: Obj) -> &'static TypeObject {
    // SAFETY: a live object's header holds the type `init_object` wrote,
    // a pointer made from a `&'static TypeObject`.
    unsafe { &*(*op.0.as_ptr()).ob_type }
}

/// The number of items of an object whose type has items, else 0.
///
/// # Safety
///
/// `op` is a live object.
pub unsafe fn size_of_items(op: Obj) -> usize {
    // SAFETY: the caller says `op` is live.
    if unsafe { type_of(op) }.itemsize == 0 {
        return 0;
    }
    // SAFETY: an object whose type has items starts with a VarObjectHead.
    unsafe { (*op.0.as_ptr().cast::<VarObjectHead>()).ob_size as usize }
}

/// `AS_GC`: the GC header in front of a GC object.
///
/// # Safety
///
/// `op` is a live object of a GC type.
pub unsafe fn as_gc(op: Obj) -> *mut GcHead {
    // SAFETY: a GC object sits 16 bytes into its block, so one GcHead
    // back is the block's start, inside the same allocation.
    unsafe { op.0.as_ptr().cast::<GcHead>().sub(1) }
}

/// `FROM_GC`: the object behind a GC header.
///
/// # Safety
///
/// `g` is the GC header of a live object (not a list head).
pub unsafe fn from_gc(g: *mut GcHead) -> Obj {
    // SAFETY: the object is right after its GC header, in its block.
    let op = unsafe { g.add(1) }.cast::<ObjectHead>();
    Obj(NonNull::new(op).expect("inside a block, so not null"))
}

// ANCHOR: refcount
/// `Py_REFCNT`.
///
/// # Safety
///
/// `op` is a live object.
pub unsafe fn refcnt(op: Obj) -> isize {
    // SAFETY: a live object's header is initialized and aligned.
    unsafe { (*op.0.as_ptr()).ob_refcnt }
}

/// `Py_INCREF`.
///
/// # Safety
///
/// `op` is a live object.
pub unsafe fn incref(op: Obj) {
    // SAFETY: as in `refcnt`; no reference into the block is alive, so
    // writing through the raw pointer invalidates nothing.
    unsafe { (*op.0.as_ptr()).ob_refcnt += 1 };
}

/// `Py_DECREF`, without the deallocation: lowers the count and says
/// whether it reached 0, when the caller must `dealloc` the object.
///
/// # Safety
///
/// `op` is a live object with a count of at least 1.
pub unsafe fn decref(op: Obj) -> bool {
    // SAFETY: as in `incref`.
    unsafe {
        (*op.0.as_ptr()).ob_refcnt -= 1;
        (*op.0.as_ptr()).ob_refcnt == 0
    }
}

/// Whether a GC object is in a list (`_PyObject_GC_IS_TRACKED`).
///
/// # Safety
///
/// `op` is a live object of a GC type.
pub unsafe fn is_tracked(op: Obj) -> bool {
    // SAFETY: its GC header is in its block, initialized by init_object.
    unsafe { !(*as_gc(op)).gc_next.is_null() }
}

/// The end of an object whose count reached 0: a tracked GC object leaves
/// its list first (`PyObject_GC_UnTrack`), then its block goes back to
/// `alloc`, the size given back being the size it was asked for. The
/// object's items are the caller's business (they are decref'ed before).
///
/// # Safety
///
/// `op` is a live object whose block came from `alloc`; it is dead after.
pub unsafe fn dealloc(alloc: &mut impl Allocator, op: Obj) {
    // SAFETY: `op` is live until its block is freed below.
    let tp = unsafe { type_of(op) };
    let size = request_size(tp, unsafe { size_of_items(op) });
    let start = if tp.is_gc {
        // SAFETY: a GC object, live; untracked before its block goes, so
        // no list keeps a pointer into freed memory.
        unsafe {
            if is_tracked(op) {
                gc_list_remove(as_gc(op));
            }
            as_gc(op).cast::<u8>()
        }
    } else {
        op.0.as_ptr().cast::<u8>()
    };
    let addr = NonNull::new(start).expect("inside a block, so not null");
    alloc.free(Block { addr, size });
}
// ANCHOR_END: refcount

// ANCHOR: links
/// `_PyGCHead_PREV`: the previous node, flags masked off.
///
/// # Safety
///
/// `g` is a live GC header or list head.
pub unsafe fn gc_prev(g: *mut GcHead) -> *mut GcHead {
    // SAFETY: the caller says `g` is live and initialized.
    unsafe { (*g).gc_prev }.map_addr(|a| a & !PREV_FLAGS)
}

/// `_PyGCHead_SET_PREV`: links `g` back to `prev`, keeping `g`'s flags.
///
/// # Safety
///
/// `g` is a live GC header or list head; `prev` is 4-byte aligned.
pub unsafe fn gc_set_prev(g: *mut GcHead, prev: *mut GcHead) {
    // SAFETY: the caller says `g` is live and initialized.
    unsafe {
        let flags = (*g).gc_prev.addr() & PREV_FLAGS;
        (*g).gc_prev = prev.map_addr(|a| a | flags);
    }
}

/// `_PyGCHead_NEXT`: the next node.
///
/// # Safety
///
/// `g` is a live GC header or list head.
pub unsafe fn gc_next(g: *mut GcHead) -> *mut GcHead {
    // SAFETY: the caller says `g` is live and initialized.
    unsafe { (*g).gc_next }
}

/// `_PyGCHead_SET_NEXT`.
///
/// # Safety
///
/// `g` is a live GC header or list head.
pub unsafe fn gc_set_next(g: *mut GcHead, next: *mut GcHead) {
    // SAFETY: the caller says `g` is live.
    unsafe { (*g).gc_next = next };
}
// ANCHOR_END: links

// ANCHOR: lists
/// `gc_list_init`: the empty list, whose head points at itself both ways.
///
/// # Safety
///
/// `list` is a live list head that no object is linked to.
pub unsafe fn gc_list_init(list: *mut GcHead) {
    // SAFETY: the caller says `list` is live; a head has no flags, so its
    // prev is set whole.
    unsafe {
        (*list).gc_next = list;
        (*list).gc_prev = list;
    }
}

/// `gc_list_is_empty`.
///
/// # Safety
///
/// `list` is a live, initialized list head.
pub unsafe fn gc_list_is_empty(list: *mut GcHead) -> bool {
    // SAFETY: the caller says `list` is live.
    ptr::eq(unsafe { gc_next(list) }, list)
}

/// `gc_list_append`: `node` (in no list) becomes the last of `list`.
///
/// # Safety
///
/// `node` is the GC header of a live, untracked object; `list` a live list
/// head whose nodes are all live.
pub unsafe fn gc_list_append(node: *mut GcHead, list: *mut GcHead) {
    // SAFETY: `list` is live, and so is its last node; `node` is live.
    unsafe {
        let last = gc_prev(list);
        gc_set_prev(node, last);
        gc_set_next(last, node);
        gc_set_next(node, list);
        gc_set_prev(list, node);
    }
}

/// `gc_list_remove`: `node` leaves its list and is no longer tracked.
///
/// # Safety
///
/// `node` is the GC header of a live object in a list whose nodes are live.
pub unsafe fn gc_list_remove(node: *mut GcHead) {
    // SAFETY: `node` is live and linked, so its neighbours are live nodes
    // or the list's head.
    unsafe {
        let prev = gc_prev(node);
        let next = gc_next(node);
        gc_set_next(prev, next);
        gc_set_prev(next, prev);
        gc_set_next(node, ptr::null_mut());
    }
}

/// `gc_list_merge`: every node of `from`, in order, goes after the last of
/// `to`; `from` is left empty.
///
/// # Safety
///
/// `from` and `to` are distinct live list heads whose nodes are live.
pub unsafe fn gc_list_merge(from: *mut GcHead, to: *mut GcHead) {
    assert!(!ptr::eq(from, to), "a list cannot be merged into itself");
    // SAFETY: both heads are live, and so are their first and last nodes.
    unsafe {
        if !gc_list_is_empty(from) {
            let to_tail = gc_prev(to);
            let from_head = gc_next(from);
            let from_tail = gc_prev(from);
            gc_set_next(to_tail, from_head);
            gc_set_prev(from_head, to_tail);
            gc_set_next(from_tail, to);
            gc_set_prev(to, from_tail);
        }
        gc_list_init(from);
    }
}

/// The objects of `list`, first to last, following `_gc_next`.
///
/// # Safety
///
/// `list` is a live list head whose nodes are live GC objects.
pub unsafe fn gc_list_objects(list: *mut GcHead) -> Vec<Obj> {
    let mut objects = Vec::new();
    // SAFETY: each node reached from a live list is live, until the walk
    // comes back round to the head.
    unsafe {
        let mut g = gc_next(list);
        while !ptr::eq(g, list) {
            objects.push(from_gc(g));
            g = gc_next(g);
        }
    }
    objects
}
// ANCHOR_END: lists

// ANCHOR: plug
/// Your list functions, as the interpreter's heap calls them: with this
/// exercise passed, `memlings py --heap yours` runs Python programs on the
/// reference heap over your `arenas` allocator, and every object the
/// collector tracks, untracks, moves or merges goes through the functions
/// above, in the objects' blocks.
#[derive(Debug, Clone, Copy, Default)]
pub struct MyLinks;

// SAFETY: each function is the one above, whose contract is the trait's;
// they keep every list well formed and `gc_prev`'s flags, which the check
// tests.
unsafe impl memlings_python::GcLinks for MyLinks {
    unsafe fn list_init(list: *mut GcHead) {
        // SAFETY: the trait's contract is gc_list_init's.
        unsafe { gc_list_init(list) }
    }

    unsafe fn is_empty(list: *mut GcHead) -> bool {
        // SAFETY: the trait's contract is gc_list_is_empty's.
        unsafe { gc_list_is_empty(list) }
    }

    unsafe fn append(node: *mut GcHead, list: *mut GcHead) {
        // SAFETY: the trait's contract is gc_list_append's.
        unsafe { gc_list_append(node, list) }
    }

    unsafe fn remove(node: *mut GcHead) {
        // SAFETY: the trait's contract is gc_list_remove's.
        unsafe { gc_list_remove(node) }
    }

    unsafe fn merge(from: *mut GcHead, to: *mut GcHead) {
        // SAFETY: the trait's contract is gc_list_merge's.
        unsafe { gc_list_merge(from, to) }
    }
}
// ANCHOR_END: plug

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin object_header`, and
    // under Miri: cargo +nightly miri run -p memlings-exercises --bin object_header
    // The check calls the functions above, not `main`.
    let mut alloc = arenas::Pymalloc::default();
    let gen0 = GcList::new();
    let Some(list) = new_object(&mut alloc, &LIST_TYPE, 0) else {
        return;
    };
    // SAFETY: `list` is live, a GC object, untracked; `gen0` is live.
    unsafe {
        gc_list_append(as_gc(list), gen0.head());
        println!(
            "{} bytes asked, refcnt {}, tracked {}",
            request_size(&LIST_TYPE, 0),
            refcnt(list),
            is_tracked(list)
        ); // 56 bytes asked, refcnt 1, tracked true
        if let Some(block) = NonNull::new(as_gc(list).cast::<u8>()) {
            println!("{:?}", alloc.locate(block)); // Pool(arena 0, pool 0), offset 48
        }
        if decref(list) {
            dealloc(&mut alloc, list);
        }
        println!("{:?} {}", alloc.stats(), gc_list_is_empty(gen0.head())); // 0 blocks, true
    }
}

#[cfg(test)]
mod tests {
    use super::arenas::Pymalloc;
    use super::*;

    #[test]
    fn request_sizes_are_cpythons() {
        assert_eq!(request_size(&LIST_TYPE, 0), 56);
        assert_eq!(request_size(&FLOAT_TYPE, 0), 24);
        assert_eq!(request_size(&TUPLE_TYPE, 1), 48);
        assert_eq!(request_size(&TUPLE_TYPE, 3), 64);
        assert_eq!(request_size(&OBJECT_TYPE, 0), 16);
    }

    #[test]
    fn the_header_is_in_the_blocks_bytes() {
        let mut alloc = Pymalloc::default();
        let op = new_object(&mut alloc, &TUPLE_TYPE, 2).unwrap();
        // SAFETY: `op` is live; the raw reads stay inside its block.
        unsafe {
            let block = as_gc(op).cast::<usize>();
            assert_eq!(block.read(), 0);
            assert_eq!(block.add(1).read(), 0);
            assert_eq!(block.add(2).read(), 1);
            assert_eq!(
                block.add(3).read(),
                &TUPLE_TYPE as *const TypeObject as usize
            );
            assert_eq!(block.add(4).read(), 2);
            assert_eq!(type_of(op).name, "tuple");
            incref(op);
            assert_eq!(refcnt(op), 2);
            assert!(!decref(op));
            assert!(decref(op));
            dealloc(&mut alloc, op);
        }
        assert_eq!(alloc.stats().blocks, 0);
    }

    #[test]
    fn lists_link_unlink_and_merge_in_order() {
        let mut alloc = Pymalloc::default();
        let (a, b) = (GcList::new(), GcList::new());
        let objs: Vec<Obj> = (0..5)
            .map(|_| new_object(&mut alloc, &LIST_TYPE, 0).unwrap())
            .collect();
        // SAFETY: every object is live and untracked when appended; both
        // heads outlive the objects' time in them.
        unsafe {
            for &op in &objs[..3] {
                gc_list_append(as_gc(op), a.head());
            }
            for &op in &objs[3..] {
                gc_list_append(as_gc(op), b.head());
            }
            gc_list_remove(as_gc(objs[1]));
            assert!(!is_tracked(objs[1]));
            gc_list_merge(b.head(), a.head());
            assert!(gc_list_is_empty(b.head()));
            assert_eq!(
                gc_list_objects(a.head()),
                vec![objs[0], objs[2], objs[3], objs[4]]
            );
            for &op in &objs {
                assert!(decref(op));
                dealloc(&mut alloc, op);
            }
            assert!(gc_list_is_empty(a.head()));
        }
        assert_eq!(alloc.stats().blocks, 0);
    }

    #[test]
    fn set_prev_keeps_the_flags() {
        let list = GcList::new();
        let mut alloc = Pymalloc::default();
        let op = new_object(&mut alloc, &LIST_TYPE, 0).unwrap();
        // SAFETY: `op` is live and untracked, then tracked in `list`.
        unsafe {
            gc_list_append(as_gc(op), list.head());
            let g = as_gc(op);
            (*g).gc_prev = (*g).gc_prev.map_addr(|a| a | PREV_MASK_FINALIZED);
            assert_eq!(gc_prev(g), list.head());
            gc_set_prev(g, list.head());
            assert_eq!((*g).gc_prev.addr() & PREV_FLAGS, PREV_MASK_FINALIZED);
            gc_list_remove(g);
            assert!(gc_list_is_empty(list.head()));
            dealloc(&mut alloc, op);
        }
    }
}
