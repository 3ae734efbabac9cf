//! Where objects live: a table of slots, and the reference count of each.
//!
//! An `ObjId` is an index into the table. A freed slot goes on a stack of
//! free slots and the next allocation takes the most recently freed one, as
//! CPython's allocator hands out the block freed last (so `id()` of a new
//! object often equals that of one just freed, in both).
//!
//! A slot also holds the blocks the allocator handed out for its object
//! (see `memory`): the object's own, and the array or table that CPython
//! allocates apart from it.

use memlings_python::{Block, ObjId, Object};

use crate::size_model::DictKeys;

#[derive(Debug, Clone)]
pub struct Slot {
    pub object: Object,
    /// `ob_refcnt`. Zero while the object is being deallocated.
    pub refcount: usize,
    /// `_PyGC_FINALIZED`: its `__del__` has run (PEP 442: never again, even
    /// if it was resurrected).
    pub finalized: bool,
    /// The weak references to this object, in CPython's `tp_weaklist` order
    /// (a weakref without callback first, then the others newest first).
    pub weakrefs: Vec<ObjId>,
    /// For a dict: the size of its keys table, followed through insertions.
    pub keys: DictKeys,
    /// The object's block, `None` for an object CPython keeps static.
    pub block: Option<Block>,
    /// A list's item array, a dict's keys table (unless it is the shared
    /// empty one), a class's cached keys.
    pub table: Option<Block>,
}

#[derive(Debug, Clone, Default)]
pub struct Store {
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    /// A debugging mode for tests: ids are never handed out again, so a
    /// reference kept past its object's death finds an empty slot (and the
    /// heap panics) instead of silently reaching a newer object.
    pub checked: bool,
}

impl Store {
    /// Puts `object`, whose bytes are `block`, in a slot with a reference
    /// count of 1.
    pub fn insert(&mut self, object: Object, block: Option<Block>) -> ObjId {
        let slot = Slot {
            object,
            refcount: 1,
            finalized: false,
            weakrefs: Vec::new(),
            keys: DictKeys::EMPTY,
            block,
            table: None,
        };
        let reused = if self.checked { None } else { self.free.pop() };
        match reused {
            Some(index) => {
                self.slots[index as usize] = Some(slot);
                ObjId(index)
            }
            None => {
                let index = u32::try_from(self.slots.len())
                    .unwrap_or_else(|_| panic!("more than {} objects on the heap", u32::MAX));
                self.slots.push(Some(slot));
                ObjId(index)
            }
        }
    }

    /// Gives the slot back; its id may be handed out again.
    pub fn remove(&mut self, id: ObjId) -> Option<Slot> {
        let slot = self.slots.get_mut(id.0 as usize)?.take()?;
        if !self.checked {
            self.free.push(id.0);
        }
        Some(slot)
    }

    pub fn slot(&self, id: ObjId) -> Option<&Slot> {
        self.slots.get(id.0 as usize).and_then(Option::as_ref)
    }

    pub fn slot_mut(&mut self, id: ObjId) -> Option<&mut Slot> {
        self.slots.get_mut(id.0 as usize).and_then(Option::as_mut)
    }

    /// The object, or `None` if the id is not a live object.
    pub fn object(&self, id: ObjId) -> Option<&Object> {
        self.slot(id).map(|s| &s.object)
    }

    pub fn object_mut(&mut self, id: ObjId) -> Option<&mut Object> {
        self.slot_mut(id).map(|s| &mut s.object)
    }

    pub fn refcount(&self, id: ObjId) -> usize {
        self.slot(id).map_or(0, |s| s.refcount)
    }

    /// Every slot taken, dying objects included, to give their blocks back.
    pub fn drain(&mut self) -> impl Iterator<Item = Slot> + '_ {
        self.free.clear();
        self.slots.drain(..).flatten()
    }

    /// Every object with a reference, in id order. Objects in the middle of
    /// their deallocation (count 0) are left out.
    pub fn live(&self) -> Vec<ObjId> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.as_ref().is_some_and(|s| s.refcount > 0))
            .map(|(i, _)| ObjId(i as u32))
            .collect()
    }
}
