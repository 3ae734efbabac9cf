//! # Exercise `units`: bits, bytes, KiB and kB (solution)
//!
//! Book: book/src/foundations/bits-and-bytes.md

/// A unit of memory size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Byte,
    KB,
    MB,
    GB,
    KiB,
    MiB,
    GiB,
}

// ANCHOR: bytes
impl Unit {
    /// How many bytes one of this unit is.
    pub fn bytes(self) -> u64 {
        match self {
            Unit::Byte => 1,
            Unit::KB => 1000,
            Unit::MB => 1000 * 1000,
            Unit::GB => 1000 * 1000 * 1000,
            Unit::KiB => 1 << 10,
            Unit::MiB => 1 << 20,
            Unit::GiB => 1 << 30,
        }
    }
}
// ANCHOR_END: bytes

// ANCHOR: bits_to_bytes
/// The number of whole bytes needed to hold `bits` bits.
pub fn bits_to_bytes(bits: u64) -> u64 {
    bits.div_ceil(8)
}
// ANCHOR_END: bits_to_bytes

/// `amount` of unit `from`, expressed in unit `to`.
pub fn convert(amount: u64, from: Unit, to: Unit) -> f64 {
    // Through whole bytes first, so the only rounding is the one division.
    (amount as u128 * from.bytes() as u128) as f64 / to.bytes() as f64
}

fn main() {
    println!("1 GiB = {} MB", convert(1, Unit::GiB, Unit::MB));
}
