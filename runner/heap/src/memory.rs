//! Where an object's bytes come from: the blocks the reference heap asks
//! its allocator for, at the moments CPython 3.11 calls `PyObject_Malloc`,
//! `PyMem_Realloc` and `PyObject_Free`, with the sizes of `size_model`.
//!
//! - an object: one block when it is created (none for the objects CPython
//!   keeps static), taken from its free list if one is kept there, given
//!   back (or kept on the free list) when it is freed;
//! - a list's item array: a block of its own, made by `PyList_New` when the
//!   list starts with room for items, moved by `list_resize` (even to 0
//!   bytes: a list emptied by `pop` keeps a 0-byte block), freed by
//!   `list_dealloc` and `_list_clear` (`list.clear()`, and the collector's
//!   `tp_clear`);
//! - a dict's keys table: a block of its own unless it is the shared empty
//!   table; a table that grows is replaced (a new block, then the old one
//!   freed: `dictresize` does not reallocate), and the 8-slot str-only ones
//!   have a free list of their own;
//! - a class's cached keys, made and freed with the class.
//!
//! What CPython allocates besides, and this heap does not ask for (so a
//! program using these makes fewer blocks here than on python3):
//!
//! - an instance's inline values array (`init_inline_values`, right after
//!   the object: 264 bytes for the first instance of a class on 3.11.7,
//!   less for the next ones, as the class's shared keys shrink), and the
//!   split table its `__dict__` then shares with the class;
//! - the many blocks a `class` statement makes besides the type object, its
//!   cached keys and the parts the subset has as objects;
//! - a range's length (an int object, when it is over 256).
//!
//! And the iterators CPython makes are one block each here too, but of the
//! size of the instance the interpreter stands in for them with.
//!
//! The interpreter never changes a list's capacity itself: every growth
//! comes here through `Heap::resized` and `Heap::items_reallocated`, so
//! the allocator sees each reallocation CPython would make.

use memlings_python::{Allocator, Block, GcLinks, ObjId, Object};

use crate::freelists::Kind;
use crate::size_model::{self, DictKeys};
use crate::ReferenceHeap;

impl<A: Allocator, L: GcLinks> ReferenceHeap<A, L> {
    /// A block from the allocator. The subset has no `MemoryError`, so an
    /// allocator that has nothing left stops the program.
    fn request(&mut self, size: usize) -> Block {
        match self.allocator.allocate(size) {
            Some(block) => block,
            None => out_of_memory(size),
        }
    }

    fn move_block(&mut self, block: Block, size: usize) -> Block {
        match self.allocator.reallocate(block, size) {
            Some(block) => block,
            None => out_of_memory(size),
        }
    }

    /// The block for a new object: one kept on its type's free list, else
    /// a new one. The flag says it was reused (CPython then makes no GC
    /// allocation either).
    pub(super) fn object_block(&mut self, object: &Object) -> (Option<Block>, bool) {
        if let Some(block) = Kind::of(object).and_then(|kind| self.free_lists.pop(kind)) {
            return (Some(block), true);
        }
        let block = size_model::request_size(object).map(|size| self.request(size));
        (block, false)
    }

    /// A dead object's block goes on its free list if there is room, else
    /// back to the allocator. True if it was kept.
    pub(super) fn release_object_block(&mut self, object: &Object, block: Option<Block>) -> bool {
        let Some(block) = block else {
            return false;
        };
        let left = match Kind::of(object) {
            Some(kind) => self.free_lists.push(kind, block),
            None => Some(block),
        };
        match left {
            Some(block) => {
                self.allocator.free(block);
                false
            }
            None => true,
        }
    }

    /// A block nothing keeps for reuse, back to the allocator.
    pub(super) fn give_back(&mut self, block: Block) {
        self.allocator.free(block);
    }

    /// `new_keys_object`: the block for a new keys table.
    fn keys_block(&mut self, keys: &DictKeys) -> Option<Block> {
        let size = keys.table_bytes()?;
        let kept = Kind::of_keys(keys).and_then(|kind| self.free_lists.pop(kind));
        Some(kept.unwrap_or_else(|| self.request(size)))
    }

    /// `free_keys_object`: a keys table no dict uses any more.
    pub(super) fn release_keys_block(&mut self, keys: &DictKeys, block: Block) {
        let left = match Kind::of_keys(keys) {
            Some(kind) => self.free_lists.push(kind, block),
            None => Some(block),
        };
        if let Some(block) = left {
            self.allocator.free(block);
        }
    }

    /// What a freed slot's table was: a dict's keys go through
    /// `free_keys_object`, anything else straight back.
    pub(super) fn release_table(&mut self, object: &Object, keys: &DictKeys, table: Block) {
        match object {
            Object::Dict(_) => self.release_keys_block(keys, table),
            _ => self.allocator.free(table),
        }
    }

    /// The first keys table of a dict display that is presized before the
    /// dict exists.
    pub(super) fn presized_keys_block(&mut self, keys: &DictKeys) -> Option<Block> {
        self.keys_block(keys)
    }

    /// The blocks a new object gets once it exists: a list's item array, a
    /// class's cached keys, a dict display's tables (the presized one is
    /// `presized`, made before the dict; each later one replaces the one
    /// before it, as keys are inserted).
    pub(super) fn fill_tables(
        &mut self,
        id: ObjId,
        presized: Option<(DictKeys, Option<Block>)>,
        inserted: Vec<DictKeys>,
    ) {
        let table = match self.store.object(id) {
            Some(Object::List(list)) if list.allocated > 0 => {
                let size = size_model::list_items_bytes(list.allocated);
                Some(self.request(size))
            }
            Some(Object::Class(_)) => Some(self.request(size_model::CLASS_CACHED_KEYS)),
            _ => None,
        };
        let (mut keys, mut table) = match presized {
            Some((keys, block)) => (keys, block),
            None => (DictKeys::EMPTY, table),
        };
        for next in inserted {
            let block = self.keys_block(&next);
            if let Some(old) = table.take() {
                self.release_keys_block(&keys, old);
            }
            keys = next;
            table = block;
        }
        if let Some(slot) = self.store.slot_mut(id) {
            slot.table = table;
            if let Object::Dict(dict) = &mut slot.object {
                dict.table_size = keys.table_size;
                slot.set_keys(keys);
            }
        }
    }

    /// A new keys table replaced `old` in `dict`: `dictresize` (and
    /// `insert_to_emptydict`) make the new table's block, then free the old
    /// one's.
    pub(super) fn keys_replaced(&mut self, dict: ObjId, old: DictKeys) {
        let Some(new) = self.store.slot(dict).map(|slot| slot.keys()) else {
            return;
        };
        let block = self.keys_block(&new);
        let Some(slot) = self.store.slot_mut(dict) else {
            return;
        };
        if let Some(old_block) = std::mem::replace(&mut slot.table, block) {
            self.release_keys_block(&old, old_block);
        }
    }

    /// `PyDict_Clear`: the dict goes back to the shared empty table, and
    /// its own is freed.
    pub(super) fn keys_cleared(&mut self, dict: ObjId) {
        let Some(slot) = self.store.slot_mut(dict) else {
            return;
        };
        let old = slot.take_keys();
        if let Object::Dict(d) = &mut slot.object {
            d.table_size = 0;
        }
        if let Some(block) = slot.table.take() {
            self.release_keys_block(&old, block);
        }
    }

    /// A list's item array, to the size its capacity asks for, as
    /// `list_resize` would have moved it: made, or moved (to 0 bytes, for a
    /// capacity of 0: only clearing the list frees it, see
    /// [`ReferenceHeap::clear_list_items`]).
    fn sync_list_items(&mut self, id: ObjId) {
        let Some(slot) = self.store.slot_mut(id) else {
            return;
        };
        let Object::List(list) = &slot.object else {
            return;
        };
        let want = size_model::list_items_bytes(list.allocated);
        let next = match slot.table.take() {
            None if want == 0 => None,
            None => Some(self.request(want)),
            Some(block) if block.size == want => Some(block),
            Some(block) => Some(self.move_block(block, want)),
        };
        if let Some(slot) = self.store.slot_mut(id) {
            slot.table = next;
        }
    }

    /// `list_preallocate_exact`: an item array of exactly `capacity` slots,
    /// made (or moved, if the list had one).
    pub(super) fn preallocate_list_items(&mut self, id: ObjId, capacity: usize) {
        if let Some(Object::List(list)) = self.store.object_mut(id) {
            list.allocated = capacity;
            self.sync_list_items(id);
        }
    }

    /// `_list_clear`: the list has no item array any more.
    pub(super) fn clear_list_items(&mut self, id: ObjId) {
        let Some(slot) = self.store.slot_mut(id) else {
            return;
        };
        let Object::List(list) = &mut slot.object else {
            return;
        };
        list.allocated = 0;
        if let Some(block) = slot.table.take() {
            self.allocator.free(block);
        }
    }

    /// `list_resize` from `old_len` to `new_len` items: unless the array
    /// has room enough and at least half of it is used, it is
    /// `PyMem_Realloc`ed to the new capacity (of no array: a new one), even
    /// when that is the size it had. Resizing to 0 items asks for 0 bytes,
    /// and the list keeps the block that gets: CPython frees an item array
    /// only when the list is cleared or dies.
    pub(super) fn resize_list(&mut self, id: ObjId, old_len: usize, new_len: usize) {
        let Some(slot) = self.store.slot_mut(id) else {
            return;
        };
        let Object::List(list) = &mut slot.object else {
            return;
        };
        if size_model::list_resize_keeps(list.allocated, new_len) {
            return;
        }
        list.allocated = size_model::list_resize(list.allocated, old_len, new_len);
        let want = size_model::list_items_bytes(list.allocated);
        let next = match slot.table.take() {
            Some(block) => self.move_block(block, want),
            None => self.request(want),
        };
        if let Some(slot) = self.store.slot_mut(id) {
            slot.table = Some(next);
        }
    }

    /// `clear_freelists`: every kept block back to the allocator. Returns
    /// how many were GC objects (each a GC deallocation).
    pub(super) fn clear_free_lists(&mut self) -> usize {
        let mut gc = 0;
        for (kind, block) in self.free_lists.clear() {
            gc += usize::from(kind.is_gc());
            self.allocator.free(block);
        }
        gc
    }

    /// Every block still held, back to the allocator: the heap is going.
    pub(super) fn give_everything_back(&mut self) {
        for slot in self.store.drain::<L>() {
            if let Some(table) = slot.table {
                self.allocator.free(table);
            }
            if let Some(block) = slot.block {
                self.allocator.free(block);
            }
        }
        for (_, block) in self.free_lists.clear() {
            self.allocator.free(block);
        }
    }
}

fn out_of_memory(size: usize) -> ! {
    panic!(
        "the heap's allocator has no block of {size} bytes left (CPython would raise MemoryError)"
    )
}
