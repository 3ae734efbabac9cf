//! CPython 3.11's free lists: dead floats, tuples, lists and dicts, and
//! small dict keys tables, kept for reuse.
//!
//! A dying list does not give its memory back: `list_dealloc` keeps up to
//! 80 dead lists, and `PyList_New` reuses one before asking the allocator.
//! Dicts do the same (80), tuples keep up to 2000 of each length from 1 to
//! 19, floats 100, and 80 keys tables of the smallest str-only kind (8
//! slots) wait for the next dict that needs one. What a free list keeps is
//! the object's block: it stays allocated, and is handed out again without
//! a new allocation (a list's item array is not kept: `list_dealloc` frees
//! it first). A free list hands back the block it got last.
//!
//! The GC types' lists also change what `gc.get_count()` says: a list taken
//! from the free list is not a new GC allocation (count0 does not rise, so
//! it cannot start a collection), and a list put on it is not a GC
//! deallocation (count0 does not fall). A full collection empties them all
//! (`clear_freelists`), giving their blocks back.

use memlings_python::{Block, Object};

use crate::malloc_report::{FreeListCounts, TUPLE_LENGTHS};
use crate::size_model::DictKeys;

/// `PyList_MAXFREELIST`, `PyDict_MAXFREELIST` (dicts and keys tables),
/// `PyFloat_MAXFREELIST`.
const LIST_MAX: usize = 80;
const DICT_MAX: usize = 80;
const FLOAT_MAX: usize = 100;
/// `PyTuple_MAXSAVESIZE` (lengths 1..20 are kept) and `PyTuple_MAXFREELIST`.
const TUPLE_MAX_LEN: usize = 20;
const TUPLE_MAX: usize = 2000;

/// Which free list a block would use, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Float,
    Tuple(usize),
    List,
    Dict,
    /// A dict's keys table (see [`DictKeys::free_listed`]).
    Keys,
}

impl Kind {
    /// The free list of an object's own block.
    pub fn of(object: &Object) -> Option<Kind> {
        match object {
            Object::Float(_) => Some(Kind::Float),
            Object::List(_) => Some(Kind::List),
            Object::Dict(_) => Some(Kind::Dict),
            Object::Tuple(items) if (1..TUPLE_MAX_LEN).contains(&items.len()) => {
                Some(Kind::Tuple(items.len()))
            }
            _ => None,
        }
    }

    /// The free list of a dict's keys table.
    pub fn of_keys(keys: &DictKeys) -> Option<Kind> {
        keys.free_listed().then_some(Kind::Keys)
    }

    /// Freeing one of these is a GC deallocation (`PyObject_GC_Del`).
    pub fn is_gc(self) -> bool {
        matches!(self, Kind::Tuple(_) | Kind::List | Kind::Dict)
    }
}

#[derive(Debug, Clone)]
pub struct FreeLists {
    floats: Vec<Block>,
    /// Index `len - 1`.
    tuples: [Vec<Block>; TUPLE_MAX_LEN - 1],
    lists: Vec<Block>,
    dicts: Vec<Block>,
    keys: Vec<Block>,
}

impl Default for FreeLists {
    fn default() -> Self {
        FreeLists {
            floats: Vec::new(),
            tuples: std::array::from_fn(|_| Vec::new()),
            lists: Vec::new(),
            dicts: Vec::new(),
            keys: Vec::new(),
        }
    }
}

impl FreeLists {
    fn entry(&mut self, kind: Kind) -> (&mut Vec<Block>, usize) {
        match kind {
            Kind::Float => (&mut self.floats, FLOAT_MAX),
            Kind::Tuple(len) => (&mut self.tuples[len - 1], TUPLE_MAX),
            Kind::List => (&mut self.lists, LIST_MAX),
            Kind::Dict => (&mut self.dicts, DICT_MAX),
            Kind::Keys => (&mut self.keys, DICT_MAX),
        }
    }

    /// The block of a dead object of this kind, for a new one, if there is
    /// one.
    pub fn pop(&mut self, kind: Kind) -> Option<Block> {
        self.entry(kind).0.pop()
    }

    /// Keeps a dying object's block. Gives it back if there is no room: then
    /// it must be freed.
    pub fn push(&mut self, kind: Kind, block: Block) -> Option<Block> {
        let (list, max) = self.entry(kind);
        if list.len() < max {
            list.push(block);
            None
        } else {
            Some(block)
        }
    }

    /// How many blocks each list keeps, as `sys._debugmallocstats()` prints
    /// them. 3.11 prints a line for 20-item tuples too: its
    /// `maybe_freelist_push` keeps them, though `maybe_freelist_pop` never
    /// hands one out; this heap frees them, so that line says 0.
    pub fn counts(&self) -> FreeListCounts {
        let mut tuples = [0; TUPLE_LENGTHS];
        for (count, kept) in tuples.iter_mut().zip(&self.tuples) {
            *count = kept.len();
        }
        FreeListCounts {
            dicts: self.dicts.len(),
            floats: self.floats.len(),
            lists: self.lists.len(),
            tuples,
        }
    }

    /// `_PyGC_ClearAllFreeLists`: takes every kept block, to be freed, in
    /// the order 3.11 frees them (floats, tuples by length, lists, dicts,
    /// keys tables; each list from its head, the block kept last).
    pub fn clear(&mut self) -> Vec<(Kind, Block)> {
        let mut out = Vec::new();
        let mut drain = |kind: Kind, blocks: &mut Vec<Block>| {
            out.extend(blocks.drain(..).rev().map(|b| (kind, b)));
        };
        drain(Kind::Float, &mut self.floats);
        for (i, blocks) in self.tuples.iter_mut().enumerate() {
            drain(Kind::Tuple(i + 1), blocks);
        }
        drain(Kind::List, &mut self.lists);
        drain(Kind::Dict, &mut self.dicts);
        drain(Kind::Keys, &mut self.keys);
        out
    }
}
