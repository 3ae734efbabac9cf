//! # Exercise `getsizeof`: what `sys.getsizeof` says, worked out
//!
//! Book: book/src/names/object-costs.md, section "Your turn: a getsizeof
//! model".
//!
//! `sys.getsizeof(x)` is the size of the object `x` itself: its header, its
//! own fields, any array it owns, and the 16-byte GC head in front of it
//! when it is of a type the cycle collector can track. It does not count
//! the objects `x` refers to. Every one of those sizes follows from a C
//! struct in CPython's source, so you can compute them all without running
//! Python. Do that here: fill in `getsizeof` so it agrees with CPython 3.11
//! on 64-bit machines, for every `Shape`.
//!
//! The book section walks through each layout; the measured sizes it
//! starts from:
//!
//! ```text
//! None, object()   16      1.5       24      0, 1, True    28
//! ''               49      'é'       74      b''           33
//! ()               40      []        56      {}            64
//! set()           216      an instance of `class C: pass`   56
//! ```
//!
//! ```
//! assert_eq!(getsizeof(&Shape::Int { bit_length: 31 }), 32); // 2**30: two digits
//! assert_eq!(getsizeof(&Shape::Str("ab")), 51);
//! assert_eq!(getsizeof(&Shape::List { allocated: 4 }), 88); // [1, 2, 3]
//! ```
//!
//! `DictKeys`, at the bottom, is given: it follows a dict's keys table as
//! keys go in, the way CPython 3.11 grows it, and the check uses it to ask
//! your `getsizeof` about dicts of every size. Read it once your sizes are
//! right; the book explains it too.
//!
//! Run `memlings` and save this file: the check lists Python expressions,
//! the shape it passes, your size and the size CPython 3.11.7 reported.

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

/// `PyObject`: the reference count and the type pointer, 8 bytes each.
pub const OBJECT_HEADER: usize = 16;
/// `PyVarObject`: a `PyObject` plus `ob_size`, the number of items.
pub const VAR_HEADER: usize = 24;
/// `PyGC_Head`: two links, in front of every object the collector can track.
pub const GC_HEAD: usize = 16;
/// One pointer (a reference to another object).
pub const POINTER: usize = 8;

/// `sys.getsizeof` of an object of this shape, on 64-bit CPython 3.11.
pub fn getsizeof(shape: &Shape) -> usize {
    todo!("match on the shape; a helper each for int, str and dict keeps it short")
}

/// How many entries a dict keys table of `table_size` slots can hold
/// (`USABLE_FRACTION`, two thirds).
pub fn usable_fraction(table_size: usize) -> usize {
    (table_size << 1) / 3
}

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

fn main() {
    // Try your sizes: `cargo run -p memlings-exercises --bin getsizeof`.
    for (what, shape) in [
        ("0", Shape::Int { bit_length: 0 }),
        ("'é'", Shape::Str("é")),
        ("[]", Shape::List { allocated: 0 }),
        ("{}", DictKeys::EMPTY.shape()),
    ] {
        println!("sys.getsizeof({what}) = {}", getsizeof(&shape));
    }
}
