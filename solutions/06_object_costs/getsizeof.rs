//! # Exercise `getsizeof`: what `sys.getsizeof` says, worked out (solution)
//!
//! Book: book/src/names/object-costs.md
//!
//! The `refcount_heap` exercise (Part III) includes this file with `#[path]`, so
//! it must stay a plain module: std only, no `crate::` paths.

// ANCHOR: shape
/// An object, described by its type and the few facts its size depends on.
/// Sizes are those of 64-bit CPython 3.11.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape<'a> {
    /// `None`.
    None,
    /// `object()`: a bare object, nothing but the header.
    Object,
    /// `True` or `False`.
    Bool(bool),
    /// An `int`, by the `bit_length()` of its absolute value (0 for 0).
    Int { bit_length: u64 },
    /// A `float`.
    Float,
    /// A `str`, by its text.
    Str(&'a str),
    /// A `bytes` of `len` bytes.
    Bytes { len: usize },
    /// A `tuple` of `len` items.
    Tuple { len: usize },
    /// A `list` with room for `allocated` items (its capacity, not its length).
    List { allocated: usize },
    /// A `dict` whose keys table has `table_size` slots (a power of two, at
    /// least 8), or 0 for the shared empty table of `{}`. `str_keys`: the
    /// table is the kind that holds only `str` keys and stores no hashes.
    Dict { table_size: usize, str_keys: bool },
    /// A `set` (or `frozenset`) whose hash table has `table_size` slots; up
    /// to 8 slots live inside the set object itself.
    Set { table_size: usize },
    /// An instance of a class made with `class C:`. `slots`: `None` for an
    /// ordinary class, `Some(n)` for one that declares `__slots__` with `n`
    /// names.
    Instance { slots: Option<usize> },
}
// ANCHOR_END: shape

// ANCHOR: headers
/// `PyObject`: the reference count and the type pointer, 8 bytes each.
pub const OBJECT_HEADER: usize = 16;
/// `PyVarObject`: a `PyObject` plus `ob_size`, the number of items.
pub const VAR_HEADER: usize = 24;
/// `PyGC_Head`: two links, in front of every object the collector can track.
pub const GC_HEAD: usize = 16;
/// One pointer (a reference to another object).
pub const POINTER: usize = 8;
// ANCHOR_END: headers

/// `sys.getsizeof` of an object of this shape, on 64-bit CPython 3.11.
// ANCHOR: getsizeof
pub fn getsizeof(shape: &Shape) -> usize {
    match *shape {
        Shape::None | Shape::Object => OBJECT_HEADER,
        // bool is an int subclass; 3.11 reports one digit for both values.
        Shape::Bool(_) => int_size(1),
        Shape::Int { bit_length } => int_size(bit_length),
        // The header and one C double.
        Shape::Float => OBJECT_HEADER + 8,
        Shape::Str(text) => str_size(text),
        // ob_shash (8 bytes), the bytes, and a trailing NUL.
        Shape::Bytes { len } => VAR_HEADER + 8 + len + 1,
        Shape::Tuple { len } => GC_HEAD + VAR_HEADER + POINTER * len,
        // ob_item (the pointer to the items array) and `allocated`, then the array.
        Shape::List { allocated } => GC_HEAD + VAR_HEADER + 16 + POINTER * allocated,
        Shape::Dict {
            table_size,
            str_keys,
        } => dict_size(table_size, str_keys),
        Shape::Set { table_size } => {
            let outside = if table_size > SET_SMALL_TABLE {
                table_size * SET_ENTRY
            } else {
                0
            };
            GC_HEAD + SET_OBJECT + outside
        }
        Shape::Instance { slots: None } => {
            // The managed dict and values pointers sit in front of the GC
            // head; the object holds the header and a `__weakref__` slot.
            2 * POINTER + GC_HEAD + OBJECT_HEADER + POINTER
        }
        Shape::Instance { slots: Some(n) } => GC_HEAD + OBJECT_HEADER + POINTER * n,
    }
}
// ANCHOR_END: getsizeof

// ANCHOR: int
/// An int stores its magnitude in 30-bit digits of 4 bytes each. In 3.11 even
/// 0 counts one digit.
fn int_size(bit_length: u64) -> usize {
    let digits = bit_length.div_ceil(30).max(1) as usize;
    VAR_HEADER + 4 * digits
}
// ANCHOR_END: int

// ANCHOR: str
/// A compact str stores every character in the same width: 1 byte if all are
/// ASCII or all fit in latin-1, 2 bytes if all fit in UCS-2, else 4, plus a
/// NUL of that width. ASCII strings have a smaller header (`PyASCIIObject`,
/// 48 bytes) than the others (`PyCompactUnicodeObject`, 72 bytes).
fn str_size(text: &str) -> usize {
    let chars = text.chars().count();
    let widest = text.chars().map(|c| c as u32).max().unwrap_or(0);
    if widest < 0x80 {
        return 48 + chars + 1;
    }
    let width = match widest {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        _ => 4,
    };
    72 + width * (chars + 1)
}
// ANCHOR_END: str

// ANCHOR: dict
/// `PyDictObject`: header, `ma_used`, `ma_version_tag`, `ma_keys`, `ma_values`.
const DICT_OBJECT: usize = 48;
/// The fixed part of `PyDictKeysObject`, before the index and entry arrays.
const DICT_KEYS_HEADER: usize = 32;

/// A dict is its object plus its keys table, unless the table is the shared
/// empty one. The table holds an index array (1, 2, 4 or 8 bytes per slot,
/// as the table grows) and room for two thirds of `table_size` entries: a
/// key and a value (16 bytes), plus the hash (24) unless all keys are str.
fn dict_size(table_size: usize, str_keys: bool) -> usize {
    if table_size == 0 {
        return GC_HEAD + DICT_OBJECT;
    }
    let index_width = match table_size {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFFFF_FFFF => 4,
        _ => 8,
    };
    let entry = if str_keys { 16 } else { 24 };
    GC_HEAD
        + DICT_OBJECT
        + DICT_KEYS_HEADER
        + index_width * table_size
        + usable_fraction(table_size) * entry
}
// ANCHOR_END: dict

/// `PySetObject` without its GC head: header, fill, used, mask, table
/// pointer, hash, finger, the 8-entry small table and the weakref list.
const SET_OBJECT: usize = 200;
const SET_SMALL_TABLE: usize = 8;
/// A set entry: the key and its hash.
const SET_ENTRY: usize = 16;

/// How many entries a dict keys table of `table_size` slots can hold
/// (`USABLE_FRACTION`, two thirds).
pub fn usable_fraction(table_size: usize) -> usize {
    (table_size << 1) / 3
}

// ANCHOR: dict_growth
/// The keys table of one dict, followed through insertions the way CPython
/// 3.11's Objects/dictobject.c grows it. Only its size is modelled, not where
/// the keys go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct DictKeys {
    /// Slots: 0 for the shared empty table, else a power of two, at least 8.
    pub table_size: usize,
    /// The table holds only str keys (and stores no hashes).
    pub str_keys: bool,
    /// `dk_usable`: entries still free before the table must grow. A deleted
    /// key does not give its entry back.
    pub usable: usize,
}

impl DictKeys {
    /// `{}` and `dict()`: the shared empty table.
    pub const EMPTY: DictKeys = DictKeys {
        table_size: 0,
        str_keys: true,
        usable: 0,
    };

    /// The table of a dict display `{k1: v1, k2: v2, ...}` once it is
    /// built, given whether each key is a str, in order. Keys must be
    /// distinct. CPython 3.11 compiles a display of up to 15 items into one
    /// instruction that sizes the table for all of them before inserting;
    /// a longer display starts from `{}` and inserts its items one by one.
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

    /// `dict_new_presized`: the empty table that `_PyDict_FromItems` makes
    /// before inserting `n` items.
    fn presized(n: usize, str_keys: bool) -> DictKeys {
        if n <= usable_fraction(8) {
            return DictKeys::EMPTY;
        }
        // estimate_log2_keysize: the reverse of the two-thirds rule.
        DictKeys::new_table(calculate_keysize((n * 3).div_ceil(2)), str_keys, 0)
    }

    fn new_table(table_size: usize, str_keys: bool, used: usize) -> DictKeys {
        DictKeys {
            table_size,
            str_keys,
            usable: usable_fraction(table_size) - used,
        }
    }

    /// A new key goes in (not an overwrite of a key already there). `used`
    /// is the number of items in the dict before this one.
    pub fn insert(&mut self, used: usize, key_is_str: bool) {
        if self.table_size == 0 {
            // insert_to_emptydict: a fresh 8-slot table of the key's kind.
            *self = DictKeys::new_table(8, key_is_str, 0);
        } else {
            if self.str_keys && !key_is_str {
                // A str-only table cannot hold this key: rebuild it as a
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

    /// The shape to give [`getsizeof`].
    pub fn shape(&self) -> Shape<'static> {
        Shape::Dict {
            table_size: self.table_size,
            str_keys: self.str_keys,
        }
    }
}

/// `calculate_log2_keysize` of CPython 3.11, as a number of slots. It is
/// meant to give the smallest power of two >= `minsize` (and >= 8), and does
/// for every `minsize` of 8 or more that is not a power of two. Its bit
/// trick rounds 1 to 7 up to 16 (not 8), and a power of two from 16 on to
/// twice itself; 3.11 really does this, so the sizes follow it.
pub fn calculate_keysize(minsize: usize) -> usize {
    let m = (minsize | 8) - 1;
    1 << (usize::BITS - (m | 7).leading_zeros())
}
// ANCHOR_END: dict_growth

fn main() {
    for (what, shape) in [
        ("0", Shape::Int { bit_length: 0 }),
        ("'é'", Shape::Str("é")),
        ("[]", Shape::List { allocated: 0 }),
        ("{}", DictKeys::EMPTY.shape()),
    ] {
        println!("sys.getsizeof({what}) = {}", getsizeof(&shape));
    }
}
