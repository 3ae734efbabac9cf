//! # Exercise `parse_size`: reading a size back (solution)
//!
//! Book: book/src/foundations/bits-and-bytes.md

use std::fmt;

/// Unit symbols of the decimal (SI) family: each is 1000 times the one before.
const SI_UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
/// Unit symbols of the binary (IEC) family: each is 1024 times the one before.
const IEC_UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

// ANCHOR: error
/// Why `parse_size` refused its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseSizeError {
    /// The text before the unit is not a number of the grammar (the
    /// offending text is kept): "", "kB", ".5 kB", "1. kB", "+1 kB", "1,000 B".
    BadNumber(String),
    /// A number and nothing after it: "512".
    MissingUnit,
    /// What follows the number is not one of the 13 units (kept as
    /// written): "1 KB", "1 kb", "1 bytes", "1 ZB".
    UnknownUnit(String),
    /// A leading minus sign: "-1 kB". No size is below zero.
    Negative,
    /// Not a whole number of bytes: "1.5 B", "1.1 KiB" (1126.4 bytes).
    FractionalBytes,
    /// More bytes than a u64 holds: "16 EiB", "18.5 EB".
    Overflow,
}
// ANCHOR_END: error

impl fmt::Display for ParseSizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseSizeError::BadNumber(text) => {
                write!(f, "{text:?} is not a number like 16 or 1.5")
            }
            ParseSizeError::MissingUnit => write!(f, "a size needs a unit, such as B, kB or KiB"),
            ParseSizeError::UnknownUnit(unit) => write!(
                f,
                "unknown unit {unit:?}: use B, kB, MB, GB, TB, PB, EB \
                 or KiB, MiB, GiB, TiB, PiB, EiB"
            ),
            ParseSizeError::Negative => write!(f, "a size cannot be negative"),
            ParseSizeError::FractionalBytes => write!(f, "not a whole number of bytes"),
            ParseSizeError::Overflow => write!(f, "more than {} bytes (u64::MAX)", u64::MAX),
        }
    }
}

impl std::error::Error for ParseSizeError {}

// ANCHOR: parse
/// Reads a size such as "16 KiB", "1.5 kB", "512 B" or "2MiB" as bytes.
pub fn parse_size(text: &str) -> Result<u64, ParseSizeError> {
    let text = text.trim();
    if text.starts_with('-') {
        return Err(ParseSizeError::Negative);
    }

    // The number runs up to the first whitespace or letter; the unit is the rest.
    let end = text
        .find(|c: char| c.is_whitespace() || c.is_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = (&text[..end], text[end..].trim_start());

    let (whole, fraction) = match number.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (number, "0"),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !all_digits(fraction) {
        return Err(ParseSizeError::BadNumber(number.to_string()));
    }

    if unit.is_empty() {
        return Err(ParseSizeError::MissingUnit);
    }
    let unit_bytes =
        unit_bytes(unit).ok_or_else(|| ParseSizeError::UnknownUnit(unit.to_string()))?;

    // The fraction's share in bytes, from its last digit to its first:
    // 0.d1d2...dn * unit = (d1 * unit + (0.d2...dn * unit)) / 10. Every step
    // must divide evenly, or the total is not a whole number of bytes.
    // Exact for any number of digits, and it never exceeds `unit_bytes`.
    let mut fraction_bytes = 0;
    for digit in fraction.bytes().rev() {
        let tenfold = u64::from(digit - b'0') * unit_bytes + fraction_bytes;
        if tenfold % 10 != 0 {
            return Err(ParseSizeError::FractionalBytes);
        }
        fraction_bytes = tenfold / 10;
    }

    // Only digits are left in `whole`, so the only way to fail is too many of them.
    let whole: u64 = whole.parse().map_err(|_| ParseSizeError::Overflow)?;
    whole
        .checked_mul(unit_bytes)
        .and_then(|bytes| bytes.checked_add(fraction_bytes))
        .ok_or(ParseSizeError::Overflow)
}

/// How many bytes one `unit` is, or `None` if it is not one of the 13.
fn unit_bytes(unit: &str) -> Option<u64> {
    let find = |units: &[&str; 7], step: u64| {
        let power = units.iter().position(|&u| u == unit)?;
        Some(step.pow(power as u32))
    };
    find(&SI_UNITS, 1000).or_else(|| find(&IEC_UNITS, 1024))
}
// ANCHOR_END: parse

fn main() {
    for text in ["1.5 kB", "2MiB", "1 KB"] {
        match parse_size(text) {
            Ok(bytes) => println!("{text:?} = {bytes} bytes"),
            Err(e) => println!("{text:?}: {e}"),
        }
    }
}
