//! CPython 3.11's free lists for lists, dicts and small tuples.
//!
//! A dying list does not give its memory back: `list_dealloc` keeps up to
//! 80 dead lists, and `PyList_New` reuses one before asking the allocator.
//! Dicts do the same (80), and tuples keep up to 2000 of each length from 1
//! to 19. Only the numbers matter here, because they change what
//! `gc.get_count()` says: a list taken from the free list is not a new GC
//! allocation (count0 does not rise, so it cannot start a collection), and a
//! list put on it is not a GC deallocation (count0 does not fall). A full
//! collection empties them all (`clear_freelists`).

use memlings_python::Object;

/// `PyList_MAXFREELIST`, `PyDict_MAXFREELIST`.
const LIST_MAX: usize = 80;
const DICT_MAX: usize = 80;
/// `PyTuple_MAXSAVESIZE` (lengths 1..20 are kept) and `PyTuple_MAXFREELIST`.
const TUPLE_MAX_LEN: usize = 20;
const TUPLE_MAX: usize = 2000;

/// Which free list an object would use, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    List,
    Dict,
    Tuple(usize),
}

impl Kind {
    pub fn of(object: &Object) -> Option<Kind> {
        match object {
            Object::List(_) => Some(Kind::List),
            Object::Dict(_) => Some(Kind::Dict),
            Object::Tuple(items) if (1..TUPLE_MAX_LEN).contains(&items.len()) => {
                Some(Kind::Tuple(items.len()))
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct FreeLists {
    lists: usize,
    dicts: usize,
    /// Index `len - 1`.
    tuples: [usize; TUPLE_MAX_LEN - 1],
}

impl Default for FreeLists {
    fn default() -> Self {
        FreeLists {
            lists: 0,
            dicts: 0,
            tuples: [0; TUPLE_MAX_LEN - 1],
        }
    }
}

impl FreeLists {
    fn entry(&mut self, kind: Kind) -> (&mut usize, usize) {
        match kind {
            Kind::List => (&mut self.lists, LIST_MAX),
            Kind::Dict => (&mut self.dicts, DICT_MAX),
            Kind::Tuple(len) => (&mut self.tuples[len - 1], TUPLE_MAX),
        }
    }

    /// A new object of this kind reuses a dead one: true if there was one.
    pub fn pop(&mut self, kind: Kind) -> bool {
        let (n, _) = self.entry(kind);
        if *n > 0 {
            *n -= 1;
            true
        } else {
            false
        }
    }

    /// A dying object of this kind is kept: true if there was room.
    pub fn push(&mut self, kind: Kind) -> bool {
        let (n, max) = self.entry(kind);
        if *n < max {
            *n += 1;
            true
        } else {
            false
        }
    }

    /// `clear_freelists`: frees every kept object; returns how many.
    pub fn clear(&mut self) -> usize {
        let n = self.lists + self.dicts + self.tuples.iter().sum::<usize>();
        *self = FreeLists::default();
        n
    }
}
