//! Where objects live: a table of slots, one per id, and each object's
//! header in its block.
//!
//! An `ObjId` is an index into the table. A freed slot goes on a stack of
//! free slots and the next allocation takes the most recently freed one, as
//! CPython's allocator hands out the block freed last (so `id()` of a new
//! object often equals that of one just freed, in both).
//!
//! The reference count is not in the slot: it is `ob_refcnt`, in the
//! object's header, written into the block the allocator handed out for it
//! (see `header`), where the collector's links are too. The slot holds the
//! Rust side of the object (its [`Object`] payload), pointers to its
//! header, and the blocks: the object's own, and the array or table that
//! CPython allocates apart from it.

use memlings_python::{Block, GcLinks, ObjId, Object};

use crate::gclist::{self, Referents};
use crate::gclist::{EdgeKind, Edges};
use crate::header::{prefetch, GcHeader, ObHeader, StaticHeaders, GC_HEAD_SIZE, OB_HEAD_SIZE};
use crate::size_model::DictKeys;

#[derive(Debug)]
pub struct Slot {
    pub object: Object,
    /// `ob_refcnt` and the id, in the block (or in the static headers).
    ob: ObHeader,
    /// The weak references to this object, in CPython's `tp_weaklist` order
    /// (a weakref without callback first, then the others newest first).
    pub weakrefs: WeakRefs,
    /// For a dict: the size of its keys table, followed through insertions.
    /// Boxed, and only for dicts that have a table: 8 bytes in every slot
    /// instead of 24 (most objects are not dicts).
    keys: Option<Box<DictKeys>>,
    /// The size of the object's block, 0 for an object CPython keeps
    /// static (it has no block). The block starts at the object's GC head,
    /// or at `ob` for an object without one, so only the size is kept.
    block_size: usize,
    /// A list's item array, a dict's keys table (unless it is the shared
    /// empty one), a class's cached keys.
    pub table: Option<Block>,
}

impl Slot {
    /// `Py_REFCNT`. Zero while the object is being deallocated.
    #[inline]
    pub fn refcount(&self) -> usize {
        self.ob.refcnt()
    }

    #[inline]
    pub fn set_refcount(&mut self, refcount: usize) {
        self.ob.set_refcnt(refcount);
    }

    /// The dict's keys table ([`DictKeys::EMPTY`] for any other object).
    #[inline]
    pub fn keys(&self) -> DictKeys {
        self.keys.as_deref().copied().unwrap_or(DictKeys::EMPTY)
    }

    pub fn keys_mut(&mut self) -> &mut DictKeys {
        self.keys.get_or_insert_with(|| Box::new(DictKeys::EMPTY))
    }

    pub fn set_keys(&mut self, keys: DictKeys) {
        *self.keys_mut() = keys;
    }

    /// The keys, leaving the shared empty table.
    pub fn take_keys(&mut self) -> DictKeys {
        self.keys.take().map_or(DictKeys::EMPTY, |keys| *keys)
    }
}

// The collector streams through every slot, and a million objects have a
// million slots: each byte here is a megabyte of the benchmark's memory.
const _: () = assert!(std::mem::size_of::<Option<Slot>>() <= 96);

/// A slot's weak references: most objects have none, so the list is boxed
/// only once one exists (8 bytes in every slot instead of a `Vec`'s 24).
#[derive(Debug, Clone, Default)]
// The box is the point: a thin pointer in the slot, the Vec's three words
// only for objects with weakrefs.
#[allow(clippy::box_collection)]
pub struct WeakRefs(Option<Box<Vec<ObjId>>>);

impl WeakRefs {
    pub fn first(&self) -> Option<&ObjId> {
        self.0.as_ref()?.first()
    }

    pub fn insert(&mut self, at: usize, wr: ObjId) {
        self.0.get_or_insert_with(Box::default).insert(at, wr);
    }

    pub fn retain(&mut self, keep: impl FnMut(&ObjId) -> bool) {
        if let Some(list) = &mut self.0 {
            list.retain(keep);
        }
    }

    pub fn as_slice(&self) -> &[ObjId] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl IntoIterator for WeakRefs {
    type Item = ObjId;
    type IntoIter = std::vec::IntoIter<ObjId>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.map(|list| *list).unwrap_or_default().into_iter()
    }
}

/// What is left of a slot once its object is freed: the header went with
/// the block (or back to the static headers), the rest is to release.
#[derive(Debug)]
pub struct Removed {
    pub object: Object,
    pub keys: DictKeys,
    pub block: Option<Block>,
    pub table: Option<Block>,
}

#[derive(Debug, Default)]
pub struct Store {
    slots: Vec<Option<Slot>>,
    /// Each slot's GC head again, 8 bytes an id: what the collector looks
    /// up for every reference it follows, kept dense so that those lookups
    /// stay in cache (a slot is over 100 bytes).
    gcs: Vec<Option<GcHeader>>,
    free: Vec<u32>,
    statics: StaticHeaders,
    /// Live weakref objects and instances: while there are none, a
    /// collection has no weakref to clear and no `__del__` to call, and
    /// skips the walks that look for them.
    weakref_objects: usize,
    instances: usize,
    /// A debugging mode for tests: ids are never handed out again, so a
    /// reference kept past its object's death finds an empty slot (and the
    /// heap panics) instead of silently reaching a newer object.
    pub checked: bool,
}

impl Store {
    /// Puts `object`, whose bytes are `block`, in a slot, and writes its
    /// header with a reference count of 1 (a block from a free list still
    /// holds the header of the object it had: it is written anew).
    pub fn insert(&mut self, object: Object, block: Option<Block>) -> ObjId {
        let reused = if self.checked { None } else { self.free.pop() };
        let index = match reused {
            Some(index) => index,
            None => {
                let index = u32::try_from(self.slots.len())
                    .unwrap_or_else(|_| panic!("more than {} objects on the heap", u32::MAX));
                self.slots.push(None);
                self.gcs.push(None);
                index
            }
        };
        let id = ObjId(index);
        let is_gc = object.is_gc_type();
        self.count(&object, 1);
        let header_size = OB_HEAD_SIZE + if is_gc { GC_HEAD_SIZE } else { 0 };
        let at = match block {
            Some(block) => {
                check_block(block, header_size);
                block.addr
            }
            None => self.statics.take(),
        };
        // SAFETY: `at` is the start of a block the allocator handed out for
        // this object (16-byte aligned and at least `header_size` bytes, just
        // checked), owned by this slot until `remove`, or a static place of
        // 32 bytes, also owned until `remove`. Nothing holds a reference to
        // those bytes.
        let (gc, ob) = unsafe {
            if is_gc {
                let gc = GcHeader::init(at);
                (Some(gc), ObHeader::init(at.add(GC_HEAD_SIZE), id))
            } else {
                (None, ObHeader::init(at, id))
            }
        };
        self.gcs[index as usize] = gc;
        self.slots[index as usize] = Some(Slot {
            object,
            ob,
            weakrefs: WeakRefs::default(),
            keys: None,
            block_size: block.map_or(0, |block| block.size),
            table: None,
        });
        id
    }

    /// Gives the slot back; its id may be handed out again. Its header is
    /// no longer used: the caller frees the block.
    pub fn remove<L: GcLinks>(&mut self, id: ObjId) -> Option<Removed> {
        let slot = self.slots.get_mut(id.0 as usize)?.take()?;
        self.count(&slot.object, -1);
        let gc = self.gcs[id.0 as usize].take();
        if !self.checked {
            self.free.push(id.0);
        }
        Some(self.forget::<L>(slot, gc))
    }

    /// Follows the weakrefs and instances that come and go.
    fn count(&mut self, object: &Object, by: isize) {
        let counter = match object {
            Object::WeakRef(_) => &mut self.weakref_objects,
            Object::Instance(_) => &mut self.instances,
            _ => return,
        };
        *counter = counter.wrapping_add_signed(by);
    }

    /// Some weakref object is alive.
    pub fn has_weakrefs(&self) -> bool {
        self.weakref_objects > 0
    }

    /// Some instance is alive (only instances can have a `__del__`).
    pub fn has_instances(&self) -> bool {
        self.instances > 0
    }

    /// A header about to go: out of any list first (deallocators untrack
    /// before freeing; this keeps a list from ever linking freed memory),
    /// and a static one's place back for reuse.
    fn forget<L: GcLinks>(&mut self, slot: Slot, gc: Option<GcHeader>) -> Removed {
        if let Some(gc) = gc {
            gclist::untrack::<L>(gc);
        }
        let place = match gc {
            Some(gc) => gc.as_bytes(),
            None => slot.ob.as_bytes(),
        };
        let block = if slot.block_size == 0 {
            self.statics.give_back(place);
            None
        } else {
            Some(Block {
                addr: place,
                size: slot.block_size,
            })
        };
        Removed {
            keys: slot.keys(),
            object: slot.object,
            block,
            table: slot.table,
        }
    }

    #[inline]
    pub fn slot(&self, id: ObjId) -> Option<&Slot> {
        self.slots.get(id.0 as usize).and_then(Option::as_ref)
    }

    #[inline]
    pub fn slot_mut(&mut self, id: ObjId) -> Option<&mut Slot> {
        self.slots.get_mut(id.0 as usize).and_then(Option::as_mut)
    }

    /// The object, or `None` if the id is not a live object.
    #[inline]
    pub fn object(&self, id: ObjId) -> Option<&Object> {
        self.slot(id).map(|s| &s.object)
    }

    #[inline]
    pub fn object_mut(&mut self, id: ObjId) -> Option<&mut Object> {
        self.slot_mut(id).map(|s| &mut s.object)
    }

    pub fn refcount(&self, id: ObjId) -> usize {
        self.slot(id).map_or(0, Slot::refcount)
    }

    /// `_PyGC_FINALIZED`: its `__del__` has run (PEP 442: never again, even
    /// if it was resurrected). Kept in `_gc_prev`, as CPython keeps it.
    pub fn finalized(&self, id: ObjId) -> bool {
        self.gc(id).is_some_and(GcHeader::finalized)
    }

    pub fn set_finalized(&mut self, id: ObjId) {
        if let Some(gc) = self.gc(id) {
            gc.set_finalized();
        }
    }

    /// The `PyGC_Head` of a live object of a GC type.
    #[inline]
    pub fn gc(&self, id: ObjId) -> Option<GcHeader> {
        self.gcs.get(id.0 as usize).copied().flatten()
    }

    /// `update_refs` and `subtract_refs` over every tracked object at once,
    /// in id order, along the store's tables instead of a list's links
    /// (see [`gclist::decref_lazily`] for when that is allowed: a full
    /// collection with nothing frozen). On the way, `edges` records what
    /// `move_unreachable` will read next: each object's tracked referents
    /// and whether it is a tuple or a dict, so that walk need not read the
    /// objects again.
    pub fn update_and_subtract_refs(&self, edges: &mut Edges) {
        edges.clear();
        for (i, (gc, slot)) in self.gcs.iter().zip(&self.slots).enumerate() {
            edges.start_object();
            let (Some(gc), Some(slot)) = (gc, slot) else {
                edges.kinds.push(EdgeKind::Other);
                continue;
            };
            if !gc.is_tracked() {
                edges.kinds.push(EdgeKind::Other);
                continue;
            }
            Referents::prefetch(self, ObjId(i as u32));
            if !gc.is_collecting() {
                gc.reset_refs(gc.object().refcnt());
            }
            edges.kinds.push(match slot.object {
                Object::Tuple(_) => EdgeKind::Tuple,
                Object::Dict(_) => EdgeKind::Dict,
                _ => EdgeKind::Other,
            });
            slot.object.traverse_with(|target| {
                if let Some(target) = self.gc(target) {
                    if gclist::decref_lazily(target) {
                        edges.targets.push(target);
                    }
                }
            });
        }
        edges.start_object();
    }

    /// `_PyObject_GC_MAY_BE_TRACKED`: could this object be part of a cycle?
    /// Any GC object may, except a tuple already untracked. (An untracked
    /// dict still may: something trackable can be stored in it later.)
    pub fn may_be_tracked(&self, id: ObjId) -> bool {
        match self.object(id) {
            Some(Object::Tuple(_)) => self.gc(id).is_some_and(|gc| gc.is_tracked()),
            Some(object) => object.is_gc_type(),
            None => false,
        }
    }

    /// Every slot taken, dying objects included, to give their blocks back.
    pub fn drain<L: GcLinks>(&mut self) -> Vec<Removed> {
        self.free.clear();
        self.weakref_objects = 0;
        self.instances = 0;
        let gcs = std::mem::take(&mut self.gcs);
        let slots: Vec<(Slot, Option<GcHeader>)> = self
            .slots
            .drain(..)
            .zip(gcs)
            .filter_map(|(slot, gc)| Some((slot?, gc)))
            .collect();
        slots
            .into_iter()
            .map(|(slot, gc)| self.forget::<L>(slot, gc))
            .collect()
    }

    /// Every object with a reference, in id order. Objects in the middle of
    /// their deallocation (count 0) are left out.
    pub fn live(&self) -> Vec<ObjId> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.as_ref().is_some_and(|s| s.refcount() > 0))
            .map(|(i, _)| ObjId(i as u32))
            .collect()
    }
}

impl Referents for Store {
    #[inline]
    fn traverse(&self, id: ObjId, mut visit: impl FnMut(GcHeader)) {
        if let Some(slot) = self.slot(id) {
            slot.object.traverse_with(|target| {
                if let Some(gc) = self.gc(target) {
                    visit(gc);
                }
            });
        }
    }

    /// Fetches what walking the objects made a little after `id` will read:
    /// their headers, and the items of those a little closer (the slots
    /// are in id order, which the processor sees coming by itself).
    /// The collector is bound by memory latency (each step of a walk reads
    /// a header, then a slot, then an item array, then the items' headers,
    /// one after the other); with these the reads of the next steps overlap.
    #[inline]
    fn prefetch(&self, id: ObjId) {
        const FAR: usize = 16;
        const NEAR: usize = 6;
        let i = id.0 as usize;
        if let Some(Some(gc)) = self.gcs.get(i + FAR) {
            prefetch(gc.as_raw().cast());
        }
        if let Some(Some(slot)) = self.slots.get(i + NEAR) {
            let items = match &slot.object {
                Object::List(list) => list.items.as_ptr(),
                Object::Tuple(items) => items.as_ptr(),
                _ => return,
            };
            prefetch(items.cast());
        }
    }
}

/// The header is written into the block, so the block must be one: the
/// allocator's contract (aligned to 16, as big as asked), checked here
/// because an allocator is ordinary safe code (a learner's, in Part V) and
/// a wrong block must stop the program, not corrupt memory.
fn check_block(block: Block, header_size: usize) {
    let addr = block.addr.as_ptr() as usize;
    assert!(
        addr.is_multiple_of(memlings_python::heap::ALIGNMENT) && block.size >= header_size,
        "the allocator handed out {block:?}, which cannot hold an object's {header_size}-byte header \
         (blocks must be aligned to {} bytes)",
        memlings_python::heap::ALIGNMENT
    );
}

#[cfg(test)]
mod tests {
    use memlings_python::{Allocator, List};

    use super::*;
    use crate::gclist::{self, GcLists};
    use crate::ReferenceLinks;
    use crate::SystemAllocator;

    /// The word at `offset` in `block`.
    fn word(block: Block, offset: usize) -> usize {
        assert!(offset + 8 <= block.size);
        // SAFETY: the block is live and at least offset + 8 bytes long, its
        // words were written by the store, aligned to 8.
        unsafe { block.addr.as_ptr().add(offset).cast::<usize>().read() }
    }

    #[test]
    fn a_gc_object_s_header_is_in_its_block_and_links_its_list() {
        let mut allocator = SystemAllocator::new();
        let mut store = Store::default();
        let mut lists: GcLists = GcLists::default();
        let block = allocator.allocate(56).expect("memory");
        let id = store.insert(Object::List(List::default()), Some(block));
        let slot = store.slot_mut(id).expect("live");
        slot.set_refcount(5);
        // _gc_next 0 (untracked), _gc_prev 0, ob_refcnt, ob_type (the id).
        assert_eq!(
            [0, 8, 16, 24].map(|at| word(block, at)),
            [0, 0, 5, id.0 as usize]
        );

        let gc = store.gc(id).expect("a list has a GC head");
        lists.track(gc, gclist::List::Gen0);
        let head = lists.head(gclist::List::Gen0).as_raw() as usize;
        assert_eq!([word(block, 0), word(block, 8)], [head, head]);

        // Freed while still tracked: the store unlinks it first.
        let removed = store.remove::<ReferenceLinks>(id).expect("live");
        assert!(lists.is_empty(gclist::List::Gen0));
        allocator.free(removed.block.expect("its block"));
    }

    #[test]
    fn a_reused_block_gets_a_fresh_header_and_static_objects_none() {
        let mut allocator = SystemAllocator::new();
        let mut store = Store::default();
        let block = allocator.allocate(24).expect("memory");
        let float = store.insert(Object::Float(1.5), Some(block));
        store.slot_mut(float).expect("live").set_refcount(9);
        let removed = store.remove::<ReferenceLinks>(float).expect("live");
        // A free list hands the same block to the next float.
        let again = store.insert(Object::Float(2.5), removed.block);
        assert_eq!([word(block, 0), word(block, 8)], [1, again.0 as usize]);

        // None has no block; its header is elsewhere, and counted.
        let none = store.insert(Object::None, None);
        store.slot_mut(none).expect("live").set_refcount(3);
        assert_eq!(store.refcount(none), 3);
        assert_eq!(allocator.stats().blocks, 1);
        let removed = store.remove::<ReferenceLinks>(none).expect("live");
        assert!(removed.block.is_none());
        let kept = store.remove::<ReferenceLinks>(again).expect("live");
        allocator.free(kept.block.expect("its block"));
    }
}
