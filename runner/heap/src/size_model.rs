//! CPython 3.11's size model: what `sys.getsizeof` reports for each object
//! of the subset, how a list's capacity grows, and how a dict's keys table
//! grows, on a 64-bit build.
//!
//! This is the one copy `memlings py` uses. The Part II exercises
//! `getsizeof` and `list_growth` have the learner build the same rules; their
//! solutions are the learner's version and are judged by their checks'
//! snapshots, never read from here, so editing a solution cannot change what
//! `memlings py` prints. Both are held to python3: this module by
//! `tests/size_model.rs`, the solutions by their snapshots.
//!
//! The rules do not depend on how a heap stores objects, so any heap can
//! use them: [`size_of`] needs the object and, for a dict, the keys table
//! the heap has followed for it.

use memlings_python::Object;

/// `PyObject`: the reference count and the type pointer.
const OBJECT_HEADER: usize = 16;
/// `PyVarObject`: a `PyObject` and `ob_size`.
const VAR_HEADER: usize = 24;
/// `PyGC_Head`, in front of every object the collector may track.
const GC_HEAD: usize = 16;
const POINTER: usize = 8;

/// Objects whose size is a constant of their type, measured with
/// `sys.getsizeof` on CPython 3.11.7 (64-bit). Each includes the GC head.
const FUNCTION: usize = 152;
/// `len`, `print`, `gc.collect`, ...
const BUILTIN: usize = 72;
const MODULE: usize = 72;
const RANGE: usize = 48;
const WEAKREF: usize = 80;
/// A class made by a `class` statement: the `PyHeapTypeObject` and its cache
/// of instance attribute names; the same for every class of the subset.
const CLASS: usize = 1688;

/// `sys.getsizeof(object)`: the object alone, not what it refers to. For a
/// dict, `keys` is its keys table (see [`DictKeys`]); other objects ignore it.
pub fn size_of(object: &Object, keys: &DictKeys) -> usize {
    match object {
        Object::None => OBJECT_HEADER,
        // bool is an int subclass, and 3.11 gives both values one digit.
        Object::Bool(_) => int_size(1),
        Object::Int(n) => int_size(n.bits()),
        // The header and a C double.
        Object::Float(_) => OBJECT_HEADER + 8,
        Object::Str(s) => str_size(s),
        Object::Tuple(items) => GC_HEAD + VAR_HEADER + POINTER * items.len(),
        // `ob_item` and `allocated`, then one pointer per slot, used or not.
        Object::List(list) => GC_HEAD + VAR_HEADER + 2 * POINTER + POINTER * list.allocated,
        Object::Dict(_) => dict_size(keys),
        // The managed dict and values pointers sit before the GC head; the
        // object is its header and a `__weakref__` slot. A `__dict__` made
        // later does not change it.
        Object::Instance(_) => 2 * POINTER + GC_HEAD + OBJECT_HEADER + POINTER,
        Object::Class(_) => CLASS,
        Object::Function { .. } => FUNCTION,
        Object::Builtin(_) => BUILTIN,
        Object::Module(_) => MODULE,
        Object::Range { .. } => RANGE,
        Object::WeakRef(_) => WEAKREF,
    }
}

/// An int keeps its magnitude in 30-bit digits of 4 bytes; 3.11 gives 0 one
/// digit too.
fn int_size(bit_length: u64) -> usize {
    let digits = bit_length.div_ceil(30).max(1) as usize;
    VAR_HEADER + 4 * digits
}

/// A compact str: every character in the width of the widest (1, 2 or 4
/// bytes) and a NUL of that width. An ASCII str has the 48-byte
/// `PyASCIIObject` header, any other the 72-byte `PyCompactUnicodeObject`.
fn str_size(text: &str) -> usize {
    let chars = text.chars().count();
    let widest = text.chars().map(u32::from).max().unwrap_or(0);
    match widest {
        0..=0x7F => 48 + chars + 1,
        0x80..=0xFF => 72 + (chars + 1),
        0x100..=0xFFFF => 72 + 2 * (chars + 1),
        _ => 72 + 4 * (chars + 1),
    }
}

/// `PyDictObject`: header, `ma_used`, `ma_version_tag`, `ma_keys`, `ma_values`.
const DICT_OBJECT: usize = 48;
/// `PyDictKeysObject` before its index and entry arrays.
const DICT_KEYS_HEADER: usize = 32;

/// The dict object, plus its keys table unless that is the shared empty
/// one: an index array (1, 2, 4 or 8 bytes a slot) and entries for two
/// thirds of the slots, 16 bytes each in a str-only table (key, value) and
/// 24 in a general one (hash, key, value).
fn dict_size(keys: &DictKeys) -> usize {
    if keys.table_size == 0 {
        return GC_HEAD + DICT_OBJECT;
    }
    let index_width = match keys.table_size {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFFFF_FFFF => 4,
        _ => 8,
    };
    let entry = if keys.str_keys { 16 } else { 24 };
    GC_HEAD
        + DICT_OBJECT
        + DICT_KEYS_HEADER
        + index_width * keys.table_size
        + usable_fraction(keys.table_size) * entry
}

/// `USABLE_FRACTION`: the entries a table of `table_size` slots has room for.
fn usable_fraction(table_size: usize) -> usize {
    (table_size << 1) / 3
}

/// `calculate_log2_keysize`, as a number of slots. Meant as the smallest
/// power of two at least `minsize` (and at least 8), its bit trick rounds 1
/// to 7 up to 16 and a power of two from 16 on to twice itself; 3.11 does
/// exactly this, so sizes follow it.
fn calculate_keysize(minsize: usize) -> usize {
    let m = (minsize | 8) - 1;
    1 << (usize::BITS - (m | 7).leading_zeros())
}

/// `list_resize` (Objects/listobject.c): the capacity of a list with
/// `allocated` slots and `size` items once it is resized to `newsize` items.
pub fn list_resize(allocated: usize, size: usize, newsize: usize) -> usize {
    // Room enough, and at least half of it in use: no reallocation.
    if allocated >= newsize && newsize >= allocated >> 1 {
        return allocated;
    }
    if newsize == 0 {
        return 0;
    }
    // About an eighth more, plus 6, rounded down to a multiple of 4.
    let overallocated = (newsize + (newsize >> 3) + 6) & !3;
    // A jump past that (a large extend) gets what it asked for, rounded up.
    if newsize.saturating_sub(size) > overallocated - newsize {
        (newsize + 3) & !3
    } else {
        overallocated
    }
}

/// One dict's keys table, followed through insertions as CPython 3.11's
/// Objects/dictobject.c grows it. Only its size is modelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DictKeys {
    /// Slots: 0 for the shared empty table, else a power of two, at least 8.
    pub table_size: usize,
    /// The table holds only str keys, and so no hashes.
    pub str_keys: bool,
    /// `dk_usable`: entries left before the table must grow. Deleting a key
    /// does not give its entry back.
    usable: usize,
}

impl Default for DictKeys {
    fn default() -> Self {
        DictKeys::EMPTY
    }
}

impl DictKeys {
    /// `{}` and `dict()`: the shared empty table.
    pub const EMPTY: DictKeys = DictKeys {
        table_size: 0,
        str_keys: true,
        usable: 0,
    };

    /// The table of a dict display once built, given whether each of its
    /// (distinct) keys is a str, in order. 3.11 sizes the table for a display
    /// of up to 15 items before inserting them (`_PyDict_FromItems`); a
    /// longer one starts from `{}` and inserts one by one.
    pub fn display(keys_are_str: &[bool]) -> DictKeys {
        let n = keys_are_str.len();
        let mut keys = if n <= 15 {
            DictKeys::presized(n, keys_are_str.iter().all(|&s| s))
        } else {
            DictKeys::EMPTY
        };
        for (used, &is_str) in keys_are_str.iter().enumerate() {
            keys.insert(used, is_str);
        }
        keys
    }

    /// `dict_new_presized`: the empty table made for `n` items to come.
    fn presized(n: usize, str_keys: bool) -> DictKeys {
        if n <= usable_fraction(8) {
            return DictKeys::EMPTY;
        }
        // estimate_log2_keysize: the two-thirds rule backwards.
        DictKeys::new_table(calculate_keysize((n * 3).div_ceil(2)), str_keys, 0)
    }

    fn new_table(table_size: usize, str_keys: bool, used: usize) -> DictKeys {
        DictKeys {
            table_size,
            str_keys,
            usable: usable_fraction(table_size) - used,
        }
    }

    /// A new key goes in (not an overwrite); `used` is the number of items
    /// before it.
    pub fn insert(&mut self, used: usize, key_is_str: bool) {
        if self.table_size == 0 {
            // insert_to_emptydict: a fresh 8-slot table of the key's kind.
            *self = DictKeys::new_table(8, key_is_str, 0);
        } else {
            if self.str_keys && !key_is_str {
                // A str-only table cannot take this key: it is rebuilt as a
                // general one, sized as if it were full.
                *self = DictKeys::new_table(calculate_keysize(used * 3), false, used);
            }
            if self.usable == 0 {
                // GROWTH_RATE: room for three times the items in use.
                *self = DictKeys::new_table(calculate_keysize(used * 3), self.str_keys, used);
            }
        }
        self.usable -= 1;
    }

    /// `d.clear()`: back to the shared empty table.
    pub fn clear(&mut self) {
        *self = DictKeys::EMPTY;
    }
}
