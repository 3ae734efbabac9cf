//! `sys.getsizeof` and the growth of lists and dicts.
//!
//! The numbers are not worked out here: they come from the solutions of the
//! Part II exercises `getsizeof` and `list_growth`, included as they are, so
//! the model the learner builds in Part II is the one `memlings py` uses.
//! This file only describes each heap object as the `Shape` those functions
//! take, and measures the few objects they leave out.

#[allow(dead_code)]
#[path = "../06_object_costs/getsizeof.rs"]
mod getsizeof;

#[allow(dead_code)]
#[path = "../06_object_costs/list_growth.rs"]
mod list_growth;

use memlings_python::{ObjId, Object};

pub use getsizeof::DictKeys;
use getsizeof::Shape;

use super::store::Store;

/// Objects the `getsizeof` exercise does not model, measured with
/// `sys.getsizeof` on CPython 3.11.7 (64-bit). Each includes the 16-byte GC
/// head.
const FUNCTION: usize = 152;
/// `len`, `print`, `gc.collect`, ...
const BUILTIN: usize = 72;
const MODULE: usize = 72;
const RANGE: usize = 48;
const WEAKREF: usize = 80;
/// A class made by a `class` statement: the `PyHeapTypeObject` and its cache
/// of instance attribute names. 1688 for every class of the subset.
const CLASS: usize = 1688;

/// `sys.getsizeof(obj)`: shallow, the object alone.
pub fn size_of(store: &Store, id: ObjId) -> usize {
    let Some(slot) = store.slot(id) else { return 0 };
    let shape = match &slot.object {
        Object::None => Shape::None,
        Object::Bool(b) => Shape::Bool(*b),
        Object::Int(n) => Shape::Int {
            bit_length: n.bits(),
        },
        Object::Float(_) => Shape::Float,
        Object::Str(s) => Shape::Str(s),
        Object::Tuple(items) => Shape::Tuple { len: items.len() },
        Object::List(list) => Shape::List {
            allocated: list.allocated,
        },
        Object::Dict(_) => slot.keys.shape(),
        // A materialized `__dict__` does not change the instance's size.
        Object::Instance(_) => Shape::Instance { slots: None },
        Object::Class(_) => return CLASS,
        Object::Function { .. } => return FUNCTION,
        Object::Builtin(_) => return BUILTIN,
        Object::Module(_) => return MODULE,
        Object::Range { .. } => return RANGE,
        Object::WeakRef(_) => return WEAKREF,
    };
    getsizeof::getsizeof(&shape)
}

/// CPython 3.11's `list_resize`.
pub fn list_resize(allocated: usize, size: usize, newsize: usize) -> usize {
    list_growth::list_resize(allocated, size, newsize)
}

/// The keys table a dict display builds for these keys.
pub fn display_keys(store: &Store, keys: &[ObjId]) -> DictKeys {
    let is_str: Vec<bool> = keys.iter().map(|&k| is_str(store, k)).collect();
    DictKeys::display(&is_str)
}

/// Whether a key lets the dict keep its str-only table: exactly `str`.
pub fn is_str(store: &Store, key: ObjId) -> bool {
    matches!(store.object(key), Some(Object::Str(_)))
}
