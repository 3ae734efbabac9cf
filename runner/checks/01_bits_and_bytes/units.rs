//! Check for `units`: every unit's size in bytes, rounding bits up to whole
//! bytes, and conversions across both families, including the ones people
//! get wrong (a "1 TB" disk in GiB, 16 KiB pools in kB).

use crate::exercise::{bits_to_bytes, convert, Unit};
use crate::harness::{show, Case};

pub const CASES: &[Case] = &[
    ("unit_sizes", unit_sizes),
    ("bits_to_bytes", bits),
    ("conversions", conversions),
];

const ALL: [Unit; 7] = [
    Unit::Byte,
    Unit::KB,
    Unit::MB,
    Unit::GB,
    Unit::KiB,
    Unit::MiB,
    Unit::GiB,
];

fn unit_sizes() -> String {
    ALL.iter()
        .map(|u| format!("1 {u:?} = {} bytes\n", show(|| u.bytes())))
        .collect()
}

fn bits() -> String {
    [0, 1, 7, 8, 9, 16, 17, 64, 65, 1 << 40]
        .iter()
        .map(|&b| format!("{b} bits -> {} bytes\n", show(|| bits_to_bytes(b))))
        .collect()
}

fn conversions() -> String {
    let rows = [
        (1, Unit::KiB, Unit::KB),
        (1, Unit::KB, Unit::KiB),
        (16, Unit::KiB, Unit::Byte),
        (16, Unit::KiB, Unit::KB),
        (1, Unit::MiB, Unit::KiB),
        (256, Unit::MiB, Unit::GiB),
        (1, Unit::GiB, Unit::MB),
        (1000, Unit::GB, Unit::GiB),
        (1536, Unit::Byte, Unit::KiB),
        (3, Unit::Byte, Unit::KB),
        (u64::MAX / 1024, Unit::KiB, Unit::GiB),
    ];
    rows.iter()
        .map(|&(n, from, to)| format!("{n} {from:?} = {} {to:?}\n", show(|| convert(n, from, to))))
        .collect()
}
