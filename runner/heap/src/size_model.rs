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
//!
//! It also says what CPython asks its allocator for, which is not always
//! what `sys.getsizeof` reports: [`request_size`] for the object itself
//! (`None` for the objects 3.11 keeps static), [`list_items_bytes`] for a
//! list's item array and [`DictKeys::table_bytes`] for a dict's keys
//! table, each a block of its own.

use memlings_python::Object;
use num_bigint::BigInt;

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

/// `PyHeapTypeObject` (`type.__basicsize__` on 3.11.7) and the one
/// `PyMemberDef` sentinel `_PyType_AllocNoTrack` adds (`type.__itemsize__`).
const HEAP_TYPE: usize = 904;
const MEMBER_DEF: usize = 40;
/// A class's `ht_cached_keys`: the shared keys table of its instances'
/// attribute names, made with 64 str slots (`NEXT_LOG2_SHARED_KEYS_MAX_SIZE`).
/// With the type object and its GC head it is the [`CLASS`] getsizeof sees.
pub const CLASS_CACHED_KEYS: usize = CLASS - GC_HEAD - HEAP_TYPE;

/// What CPython 3.11 asks `PyObject_Malloc` for when it creates `object`,
/// or `None` for an object it never allocates: `None`, `True`, `False`,
/// the small ints -5..=256, `''`, the 256 one-character latin-1 strs and
/// `()` are static objects of the runtime (`_Py_SINGLETON`). Any object of
/// the subset equal to one of those is that one in CPython, however the
/// interpreter came to make it.
///
/// A GC type's request has the 16-byte `PyGC_Head` in front of its
/// `tp_basicsize` (and, for an instance, the two pointers of its managed
/// dict before that: `_PyType_PreHeaderSize`); a var-sized type adds
/// `tp_itemsize` per item. Where that is what getsizeof reports, it comes
/// from [`size_of`]; the others differ: a list's and a dict's getsizeof
/// count their item array and keys table, which are blocks of their own,
/// and a class's counts its cached keys.
pub fn request_size(object: &Object) -> Option<usize> {
    let keys = DictKeys::EMPTY;
    match object {
        Object::None | Object::Bool(_) => None,
        Object::Int(n) if is_small_int(n) => None,
        Object::Str(s) if is_static_str(s) => None,
        Object::Tuple(items) if items.is_empty() => None,
        // PyList_New: the object; `ob_item` comes apart.
        Object::List(_) => Some(GC_HEAD + VAR_HEADER + 2 * POINTER),
        // new_dict: the object; `ma_keys` comes apart.
        Object::Dict(_) => Some(GC_HEAD + DICT_OBJECT),
        Object::Class(_) => Some(GC_HEAD + HEAP_TYPE + MEMBER_DEF),
        // _PyLong_New, PyUnicode_New, PyFloat_FromDouble, the GC types of a
        // fixed size: what getsizeof reports.
        other => Some(size_of(other, &keys)),
    }
}

/// The small ints CPython 3.11 preallocates (`_PY_NSMALLNEGINTS`,
/// `_PY_NSMALLPOSINTS`).
fn is_small_int(n: &BigInt) -> bool {
    i64::try_from(n).is_ok_and(|n| (-5..=256).contains(&n))
}

/// `''` and the one-character strs of code points below 256: 3.11's
/// `_Py_STR(empty)` and `_Py_LATIN1_CHR`, static. (Measured on 3.11.7:
/// `chr(233)` allocates no block, `chr(300)` one.)
fn is_static_str(text: &str) -> bool {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (None, _) => true,
        (Some(c), None) => u32::from(c) < 256,
        _ => false,
    }
}

/// A list's item array, `ob_item`: a pointer per allocated slot, asked for
/// with `PyMem_Calloc` by `PyList_New` and resized by `list_resize`'s
/// `PyMem_Realloc`.
pub fn list_items_bytes(allocated: usize) -> usize {
    POINTER * allocated
}

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
/// one.
fn dict_size(keys: &DictKeys) -> usize {
    GC_HEAD + DICT_OBJECT + keys.table_bytes().unwrap_or(0)
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
    if list_resize_keeps(allocated, newsize) {
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

/// `list_resize`'s fast path: room enough, and at least half of it in use,
/// so the item array stays as it is. Otherwise it is reallocated, even to
/// the size it had (shrinking from 8 slots to 3 items asks for 8 again).
pub fn list_resize_keeps(allocated: usize, newsize: usize) -> bool {
    allocated >= newsize && newsize >= allocated >> 1
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

    /// `new_keys_object`'s request: the `PyDictKeysObject` header, an index
    /// array (1, 2, 4 or 8 bytes a slot) and entries for two thirds of the
    /// slots, 16 bytes each in a str-only table (key, value) and 24 in a
    /// general one (hash, key, value). `None` for the shared empty table,
    /// which is static.
    pub fn table_bytes(&self) -> Option<usize> {
        if self.table_size == 0 {
            return None;
        }
        let index_width = match self.table_size {
            0..=0xFF => 1,
            0x100..=0xFFFF => 2,
            0x1_0000..=0xFFFF_FFFF => 4,
            _ => 8,
        };
        let entry = if self.str_keys { 16 } else { 24 };
        Some(
            DICT_KEYS_HEADER
                + index_width * self.table_size
                + usable_fraction(self.table_size) * entry,
        )
    }

    /// Whether a table like this one goes on the keys free list when freed
    /// (and comes from it when made): only the 8-slot str-only ones
    /// (`PyDict_LOG_MINSIZE`, `DK_IS_UNICODE`).
    pub fn free_listed(&self) -> bool {
        self.table_size == 8 && self.str_keys
    }

    /// The table of a dict display once built, given whether each of its
    /// (distinct) keys is a str, in order. 3.11 sizes the table for a display
    /// of up to 15 items before inserting them (`_PyDict_FromItems`); a
    /// longer one starts from `{}` and inserts one by one.
    pub fn display(keys_are_str: &[bool]) -> DictKeys {
        let (presized, inserted) = DictKeys::display_tables(keys_are_str);
        inserted
            .last()
            .copied()
            .or(presized)
            .unwrap_or(DictKeys::EMPTY)
    }

    /// Every keys table a dict display makes, in order (each replaces the
    /// one before, which is freed); the last is [`DictKeys::display`]'s.
    /// The first, when the display is presized, is made before the dict
    /// object itself; the others as keys are inserted into it.
    pub fn display_tables(keys_are_str: &[bool]) -> (Option<DictKeys>, Vec<DictKeys>) {
        let n = keys_are_str.len();
        let mut keys = if n <= 15 {
            DictKeys::presized(n, keys_are_str.iter().all(|&s| s))
        } else {
            DictKeys::EMPTY
        };
        let presized = keys.table_bytes().map(|_| keys);
        let mut inserted = Vec::new();
        for (used, &is_str) in keys_are_str.iter().enumerate() {
            if keys.insert(used, is_str) {
                inserted.push(keys);
            }
        }
        (presized, inserted)
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
    /// before it. True if that made a new table (`new_keys_object`), which
    /// replaces the old one. (At most one per insertion: a str-only table
    /// rebuilt as a general one has room for more than `used` entries, so it
    /// never needs to grow again at once.)
    pub fn insert(&mut self, used: usize, key_is_str: bool) -> bool {
        let mut made = false;
        if self.table_size == 0 {
            // insert_to_emptydict: a fresh 8-slot table of the key's kind.
            *self = DictKeys::new_table(8, key_is_str, 0);
            made = true;
        } else {
            if self.str_keys && !key_is_str {
                // A str-only table cannot take this key: it is rebuilt as a
                // general one, sized as if it were full.
                *self = DictKeys::new_table(calculate_keysize(used * 3), false, used);
                made = true;
            }
            if self.usable == 0 {
                // GROWTH_RATE: room for three times the items in use.
                *self = DictKeys::new_table(calculate_keysize(used * 3), self.str_keys, used);
                made = true;
            }
        }
        self.usable -= 1;
        made
    }

    /// `d.clear()`: back to the shared empty table.
    pub fn clear(&mut self) {
        *self = DictKeys::EMPTY;
    }
}
