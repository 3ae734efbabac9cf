//! # Exercise `units`: bits, bytes, KiB and kB
//!
//! Book: book/src/foundations/bits-and-bytes.md, section "Two kinds of kilobyte".
//!
//! Memory is counted in bytes of 8 bits, and bigger amounts have two families
//! of names. The SI prefixes step by 1000: 1 kB = 1,000 bytes, 1 MB =
//! 1,000,000 bytes. The binary (IEC) prefixes step by 1024: 1 KiB = 1,024
//! bytes, 1 MiB = 1,048,576 bytes. RAM and CPython's allocator think in the
//! binary ones (a pymalloc pool is 16 KiB); disk makers and network speeds use
//! the decimal ones. Mixing them up is an error of 2.4% at kilo and 7.4% at
//! giga.
//!
//! Fill in the three `todo!()`s:
//!
//! ```
//! assert_eq!(Unit::KiB.bytes(), 1024);
//! assert_eq!(bits_to_bytes(9), 2); // 9 bits need a second byte
//! assert_eq!(convert(1, Unit::GiB, Unit::MB), 1073.741824);
//! ```
//!
//! Run `memlings` and save this file: the check shows what your code gives
//! next to what it should give.

/// A unit of memory size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Byte,
    /// Kilobyte: 1,000 bytes. The symbol is kB; Rust capitalizes variants.
    KB,
    /// Megabyte: 1,000 kB.
    MB,
    /// Gigabyte: 1,000 MB.
    GB,
    /// Kibibyte: 1,024 bytes.
    KiB,
    /// Mebibyte: 1,024 KiB.
    MiB,
    /// Gibibyte: 1,024 MiB.
    GiB,
}

impl Unit {
    /// How many bytes one of this unit is.
    pub fn bytes(self) -> u64 {
        todo!("return 1 for Byte, 1000 for KB, 1024 for KiB, and so on")
    }
}

/// The number of whole bytes needed to hold `bits` bits.
pub fn bits_to_bytes(bits: u64) -> u64 {
    todo!()
}

/// `amount` of unit `from`, expressed in unit `to`.
///
/// Some amounts have more bytes than a `u64` holds (20 billion GiB is about
/// 2.1 * 10^19 bytes; `u64::MAX` is about 1.8 * 10^19), and an `f64` holds
/// whole numbers exactly only up to 2^53: count the bytes in a wider
/// integer type, and go to `f64` once, for the division.
pub fn convert(amount: u64, from: Unit, to: Unit) -> f64 {
    todo!()
}

fn main() {
    // You can experiment here: `cargo run -p memlings-exercises --bin units`.
    // The check calls the functions above, not `main`.
}
