//! This heap's side of the size model: it follows each dict's keys table
//! through its insertions (kept in the dict's slot), so that
//! [`size_model::size_of`] sees the table CPython would have.

use memlings_python::{ObjId, Object};

use crate::size_model::{self, DictKeys};
use crate::store::Store;

/// `sys.getsizeof(obj)`: shallow, the object alone.
pub fn size_of(store: &Store, id: ObjId) -> usize {
    store
        .slot(id)
        .map_or(0, |slot| size_model::size_of(&slot.object, &slot.keys()))
}

/// The keys tables a dict display builds for these keys (see
/// [`DictKeys::display_tables`]).
pub fn display_tables(store: &Store, keys: &[ObjId]) -> (Option<DictKeys>, Vec<DictKeys>) {
    let is_str: Vec<bool> = keys.iter().map(|&k| is_str(store, k)).collect();
    DictKeys::display_tables(&is_str)
}

/// Whether a key lets the dict keep its str-only table: exactly `str`.
pub fn is_str(store: &Store, key: ObjId) -> bool {
    matches!(store.object(key), Some(Object::Str(_)))
}
