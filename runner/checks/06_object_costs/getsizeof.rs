//! Check for `getsizeof`: every `sys.getsizeof` value in the workbook's
//! CPython facts, then the edges of each type: ints at each 30-bit digit
//! boundary, strs at each width boundary (ASCII, latin-1, UCS-2, UCS-4),
//! containers by length or capacity, dicts of both kinds of table as they
//! grow (through the provided `DictKeys`), sets, instances with and without
//! `__slots__`; and dicts at each width boundary of the index array (1 byte
//! per slot up to 128 slots, 2 up to 32768, 4 up to 2^31, 8 from 2^32), so
//! a 2-byte index that stops short of 0xFFFF, or a missing 8-byte one, fails.
//!
//! Every line is `python expression   shape -> size`, and each size was
//! measured with `sys.getsizeof` on CPython 3.11.7, except the dicts of 2^31
//! and 2^32 slots (tens of gigabytes): their sizes follow from
//! `new_keys_object` in CPython 3.11's Objects/dictobject.c, whose index is
//! 8 bytes a slot once `log2_size >= 32` on a 64-bit build.

use crate::exercise::{getsizeof, DictKeys, Shape};
use crate::harness::{show, Case};

pub const CASES: &[Case] = &[
    ("cpython_facts", cpython_facts),
    ("ints", ints),
    ("strings", strings),
    ("sequences", sequences),
    ("dicts_and_sets", dicts_and_sets),
    ("dict_growth", dict_growth),
    ("dict_index_widths", dict_index_widths),
];

fn rows(rows: &[(&str, Shape)]) -> String {
    rows.iter()
        .map(|(expr, shape)| {
            let shape_text = format!("{shape:?}");
            format!(
                "{expr:<17} {shape_text:<46} -> {}\n",
                show(|| getsizeof(shape))
            )
        })
        .collect()
}

fn int(bit_length: u64) -> Shape<'static> {
    Shape::Int { bit_length }
}

fn dict(table_size: usize, str_keys: bool) -> Shape<'static> {
    Shape::Dict {
        table_size,
        str_keys,
    }
}

fn cpython_facts() -> String {
    rows(&[
        ("0", int(0)),
        ("1", int(1)),
        ("-2", int(2)),
        ("True", Shape::Bool(true)),
        ("False", Shape::Bool(false)),
        ("2**30-1", int(30)),
        ("2**30", int(31)),
        ("2**60", int(61)),
        ("2*10**307", int(1021)),
        ("1.5", Shape::Float),
        ("None", Shape::None),
        ("object()", Shape::Object),
        ("''", Shape::Str("")),
        ("'a'", Shape::Str("a")),
        ("'ab'", Shape::Str("ab")),
        ("'é'", Shape::Str("é")),
        ("'€'", Shape::Str("€")),
        ("'😀'", Shape::Str("😀")),
        ("b''", Shape::Bytes { len: 0 }),
        ("b'a'", Shape::Bytes { len: 1 }),
        ("()", Shape::Tuple { len: 0 }),
        ("(1,)", Shape::Tuple { len: 1 }),
        ("(1, 2)", Shape::Tuple { len: 2 }),
        ("[]", Shape::List { allocated: 0 }),
        ("[1]", Shape::List { allocated: 1 }),
        ("[1, 2]", Shape::List { allocated: 2 }),
        ("list(range(10))", Shape::List { allocated: 10 }),
        ("10 appends", Shape::List { allocated: 16 }),
        ("{}", dict(0, true)),
        ("{1: 1}", dict(8, false)),
        ("6 int keys", dict(16, false)),
        ("11 int keys", dict(32, false)),
        ("22 int keys", dict(64, false)),
        ("set()", Shape::Set { table_size: 8 }),
        ("set(range(9))", Shape::Set { table_size: 32 }),
        ("C()", Shape::Instance { slots: None }),
        ("S0()  0 slots", Shape::Instance { slots: Some(0) }),
        ("S1()  1 slot", Shape::Instance { slots: Some(1) }),
        ("S2()  2 slots", Shape::Instance { slots: Some(2) }),
    ])
}

fn ints() -> String {
    rows(&[
        ("0", int(0)),
        ("-1", int(1)),
        ("2**29", int(30)),
        ("-(2**30)", int(31)),
        ("2**60-1", int(60)),
        ("2**90-1", int(90)),
        ("2**90", int(91)),
        ("10**100", int(333)),
        ("2**300", int(301)),
        ("-(2**1000)", int(1001)),
    ])
}

fn strings() -> String {
    rows(&[
        ("'hello world'", Shape::Str("hello world")),
        ("'\\x7f'", Shape::Str("\u{7f}")),
        ("'\\x80'", Shape::Str("\u{80}")),
        ("'ÿ'", Shape::Str("ÿ")),
        ("'aé'", Shape::Str("aé")),
        ("'café' * 3", Shape::Str("cafécafécafé")),
        ("'Ā'", Shape::Str("Ā")),
        ("'a€'", Shape::Str("a€")),
        ("'\\uffff'", Shape::Str("\u{ffff}")),
        ("'\\U00010000'", Shape::Str("\u{10000}")),
        ("'a😀'", Shape::Str("a😀")),
        ("'é€😀'", Shape::Str("é€😀")),
    ])
}

fn sequences() -> String {
    rows(&[
        ("b'abc'", Shape::Bytes { len: 3 }),
        ("bytes(100)", Shape::Bytes { len: 100 }),
        ("tuple(range(10))", Shape::Tuple { len: 10 }),
        ("(None,) * 100", Shape::Tuple { len: 100 }),
        ("[1, 2, 3]", Shape::List { allocated: 4 }),
        ("[None] * 3", Shape::List { allocated: 3 }),
        ("list(range(9))", Shape::List { allocated: 10 }),
        ("[None] * 100", Shape::List { allocated: 100 }),
    ])
}

fn dicts_and_sets() -> String {
    rows(&[
        ("{'a': 1}", dict(8, true)),
        ("{1: 1}", dict(8, false)),
        ("6 str keys", dict(16, true)),
        ("43 int keys", dict(128, false)),
        ("86 int keys", dict(256, false)),
        ("86 str keys", dict(256, true)),
        ("171 int keys", dict(512, false)),
        ("{1, 2, 3, 4}", Shape::Set { table_size: 8 }),
        ("set(range(19))", Shape::Set { table_size: 128 }),
        ("set(range(77))", Shape::Set { table_size: 512 }),
        ("S3()  3 slots", Shape::Instance { slots: Some(3) }),
    ])
}

/// Sizes of a dict as keys go in one at a time (`d[k] = v`), as ranges of
/// lengths that share a size; then dict displays, which size their table
/// up front.
fn dict_growth() -> String {
    let mut out = String::new();
    for (what, is_str) in [("int keys", false), ("str keys", true)] {
        out += &format!("d = {{}}, then new {what} one at a time:\n");
        let mut keys = DictKeys::EMPTY;
        let mut runs: Vec<(usize, usize, String)> = vec![(0, 0, show(|| getsizeof(&keys.shape())))];
        for used in 0..90 {
            keys.insert(used, is_str);
            let size = show(|| getsizeof(&keys.shape()));
            match runs.last_mut() {
                Some(run) if run.2 == size => run.1 = used + 1,
                _ => runs.push((used + 1, used + 1, size)),
            }
        }
        for (first, last, size) in runs {
            out += &format!("  {first:>2} to {last:>2} items: {size}\n");
        }
    }
    out += "displays {k: v, ...} of n distinct keys:\n";
    for n in [5, 6, 10, 11, 15, 16, 22] {
        let ints = DictKeys::display(&vec![false; n]);
        let strs = DictKeys::display(&vec![true; n]);
        out += &format!(
            "  n = {n:>2}: int keys {}, str keys {}\n",
            show(|| getsizeof(&ints.shape())),
            show(|| getsizeof(&strs.shape()))
        );
    }
    out += "a str key, then an int key (the table is rebuilt for hashes):\n";
    let mut keys = DictKeys::EMPTY;
    keys.insert(0, true);
    out += &format!(
        "  {{'a': 1}}         {}\n",
        show(|| getsizeof(&keys.shape()))
    );
    keys.insert(1, false);
    out += &format!("  then d[1] = 1    {}\n", show(|| getsizeof(&keys.shape())));
    out
}

/// The last and first table of each index width. The number of keys is the
/// fewest that, inserted one at a time into `{}`, grow the table to that
/// many slots.
fn dict_index_widths() -> String {
    let mut out = String::from(
        "the index array: 1 byte a slot up to 128 slots, 2 bytes up to 32768,\n\
         4 bytes up to 2^31, 8 bytes from 2^32\n",
    );
    for (width, rows_of_width) in [
        (
            "1-byte index, last",
            &[
                ("43 int keys", dict(128, false)),
                ("43 str keys", dict(128, true)),
            ][..],
        ),
        (
            "2-byte index, first and last",
            &[
                ("86 int keys", dict(256, false)),
                ("10923 int keys", dict(32768, false)),
                ("10923 str keys", dict(32768, true)),
            ][..],
        ),
        (
            "4-byte index, first and last",
            &[
                ("21846 int keys", dict(65536, false)),
                ("21846 str keys", dict(65536, true)),
                ("715827883 int keys", dict(1 << 31, false)),
            ][..],
        ),
        (
            "8-byte index, first",
            &[
                ("1431655766 int keys", dict(1 << 32, false)),
                ("1431655766 str keys", dict(1 << 32, true)),
            ][..],
        ),
    ] {
        out += &format!("{width}:\n");
        out += &rows(rows_of_width);
    }
    out
}
