//! Check for `bump`: a trace of allocations with their offsets, padding and
//! what is left, plus a byte map of the region. Edge cases: alignments 1 to
//! 4096, exact fits and one byte over, padding that pushes a block over the
//! end, zero-sized blocks, alignments that are not powers of two (3, 0, ...),
//! arithmetic that would overflow near usize::MAX, and reset.

use crate::exercise::Bump;
use crate::harness::{attempt, show, Case};

pub const CASES: &[Case] = &[
    ("padding", padding),
    ("big_alignments", big_alignments),
    ("exact_fit", exact_fit),
    ("bad_alignment", bad_alignment),
    ("near_usize_max", near_usize_max),
    ("reset_and_reuse", reset_and_reuse),
];

/// Numbers close to usize::MAX are written relative to it, to stay readable.
fn n(x: usize) -> String {
    match usize::MAX - x {
        0 => "MAX".to_string(),
        k if k < 1 << 20 => format!("MAX-{k}"),
        _ if x >= 1 << 32 && x.is_power_of_two() => format!("2^{}", x.trailing_zeros()),
        _ => x.to_string(),
    }
}

/// Runs `alloc(size, align)` and logs one line: the result, the padding it
/// took, and the bytes used and left after it. Returns the offset if any.
fn alloc(
    out: &mut String,
    bump: &mut Bump,
    capacity: usize,
    size: usize,
    align: usize,
) -> Option<usize> {
    let before = attempt(|| bump.used()).ok();
    let result = attempt(|| bump.alloc(size, align));
    let after = attempt(|| bump.used());
    let (shown, offset) = match result {
        Ok(Ok(offset)) => (format!("Ok({})", n(offset)), Some(offset)),
        Ok(Err(e)) => (format!("Err({e:?})"), None),
        Err(msg) => (format!("panicked: {msg}"), None),
    };
    let padding = match (offset, before) {
        (Some(o), Some(b)) if o >= b => format!("pad {:<4}", o - b),
        (Some(_), Some(_)) => "pad ?   ".to_string(),
        _ => "        ".to_string(),
    };
    let state = match after {
        Ok(u) if u <= capacity => format!("used {:<6} left {}", n(u), n(capacity - u)),
        Ok(u) => format!("used {} (more than the capacity!)", n(u)),
        Err(msg) => format!("used panicked: {msg}"),
    };
    out.push_str(&format!(
        "alloc({:>6}, {:>4}) -> {shown:<18} {padding} {state}\n",
        n(size),
        n(align)
    ));
    offset
}

fn reset(out: &mut String, bump: &mut Bump) {
    out.push_str(&format!("reset() -> {}\n", show(|| bump.reset())));
}

fn used(out: &mut String, bump: &Bump) {
    out.push_str(&format!("used() -> {}\n", show(|| bump.used())));
}

/// One character per byte of a small region: a letter per block, '.' for
/// padding, ' ' for bytes never handed out.
fn byte_map(capacity: usize, blocks: &[(Option<usize>, usize)]) -> String {
    let mut bytes = vec![' '; capacity];
    let mut end = 0;
    for (i, &(offset, size)) in blocks.iter().enumerate() {
        let Some(offset) = offset else { continue };
        let letter = (b'a' + i as u8) as char;
        for b in bytes.iter_mut().skip(end).take(offset.saturating_sub(end)) {
            *b = '.';
        }
        for b in bytes.iter_mut().skip(offset).take(size) {
            *b = letter;
        }
        end = end.max(offset + size);
    }
    let ruler: String = (0..capacity)
        .step_by(8)
        .map(|i| format!("{i:<8}"))
        .collect();
    format!(
        " {}\n|{}|\n",
        ruler.trim_end(),
        bytes.into_iter().collect::<String>()
    )
}

fn padding() -> String {
    let mut out = String::new();
    let mut bump = Bump::new(64);
    let requests = [
        (1, 1),
        (8, 8),
        (2, 2),
        (4, 4),
        (1, 1),
        (16, 16),
        (3, 1),
        (4, 4),
    ];
    let mut blocks = Vec::new();
    for (size, align) in requests {
        let offset = alloc(&mut out, &mut bump, 64, size, align);
        blocks.push((offset, size));
    }
    out.push_str("\nthe region, one character per byte (a-h: blocks, '.': padding):\n");
    out.push_str(&byte_map(64, &blocks));
    out
}

fn big_alignments() -> String {
    let mut out = String::new();
    let mut bump = Bump::new(10_000);
    alloc(&mut out, &mut bump, 10_000, 1, 1);
    alloc(&mut out, &mut bump, 10_000, 100, 4096);
    alloc(&mut out, &mut bump, 10_000, 1, 16);
    alloc(&mut out, &mut bump, 10_000, 8, 8);
    alloc(&mut out, &mut bump, 10_000, 5000, 4096);
    alloc(&mut out, &mut bump, 10_000, 1000, 4096);
    alloc(&mut out, &mut bump, 10_000, 0, 16);
    alloc(&mut out, &mut bump, 10_000, 800, 1);
    out
}

fn exact_fit() -> String {
    let mut out = String::new();
    out.push_str("capacity 32:\n");
    let mut bump = Bump::new(32);
    alloc(&mut out, &mut bump, 32, 24, 8);
    alloc(&mut out, &mut bump, 32, 8, 8);
    alloc(&mut out, &mut bump, 32, 0, 1);
    alloc(&mut out, &mut bump, 32, 0, 8);
    alloc(&mut out, &mut bump, 32, 0, 64);
    alloc(&mut out, &mut bump, 32, 1, 1);
    out.push_str("capacity 32 again, padding pushes a block over the end:\n");
    let mut bump = Bump::new(32);
    alloc(&mut out, &mut bump, 32, 20, 1);
    alloc(&mut out, &mut bump, 32, 9, 8);
    alloc(&mut out, &mut bump, 32, 13, 1);
    alloc(&mut out, &mut bump, 32, 12, 4);
    out
}

fn bad_alignment() -> String {
    let mut out = String::new();
    let mut bump = Bump::new(64);
    alloc(&mut out, &mut bump, 64, 1, 1);
    for align in [3, 0, 6, 12, 24, 100, usize::MAX] {
        alloc(&mut out, &mut bump, 64, 4, align);
    }
    out.push_str("a bad alignment is reported before a size that cannot fit:\n");
    alloc(&mut out, &mut bump, 64, usize::MAX, 3);
    out.push_str("every power of two is an alignment, even 2^63 (it just cannot fit here):\n");
    alloc(&mut out, &mut bump, 64, 2, 2);
    alloc(&mut out, &mut bump, 64, 0, 1 << 63);
    alloc(&mut out, &mut bump, 64, 4, 4);
    out.push_str("a fresh region: offset 0 is a multiple of every alignment:\n");
    let mut bump = Bump::new(64);
    alloc(&mut out, &mut bump, 64, 0, 1 << 63);
    alloc(&mut out, &mut bump, 64, 64, 64);
    out
}

fn near_usize_max() -> String {
    let mut out = String::new();
    out.push_str("capacity 100: sizes whose sums overflow a usize:\n");
    let mut bump = Bump::new(100);
    alloc(&mut out, &mut bump, 100, 1, 1);
    alloc(&mut out, &mut bump, 100, usize::MAX, 1);
    alloc(&mut out, &mut bump, 100, usize::MAX - 2, 8);
    alloc(&mut out, &mut bump, 100, 99, 1);
    out.push_str("capacity MAX: rounding up near the top overflows:\n");
    let mut bump = Bump::new(usize::MAX);
    alloc(&mut out, &mut bump, usize::MAX, usize::MAX - 10, 1);
    alloc(&mut out, &mut bump, usize::MAX, 1, 4096);
    alloc(&mut out, &mut bump, usize::MAX, 1, 8);
    alloc(&mut out, &mut bump, usize::MAX, 6, 1);
    alloc(&mut out, &mut bump, usize::MAX, 0, 1);
    alloc(&mut out, &mut bump, usize::MAX, 0, 2);
    alloc(&mut out, &mut bump, usize::MAX, 1, 1);
    out
}

fn reset_and_reuse() -> String {
    let mut out = String::new();
    let mut bump = Bump::new(32);
    used(&mut out, &bump);
    alloc(&mut out, &mut bump, 32, 10, 1);
    alloc(&mut out, &mut bump, 32, 8, 8);
    reset(&mut out, &mut bump);
    used(&mut out, &bump);
    alloc(&mut out, &mut bump, 32, 8, 8);
    alloc(&mut out, &mut bump, 32, 10, 1);
    alloc(&mut out, &mut bump, 32, 16, 16);
    reset(&mut out, &mut bump);
    alloc(&mut out, &mut bump, 32, 32, 16);
    reset(&mut out, &mut bump);
    reset(&mut out, &mut bump);
    used(&mut out, &bump);
    out
}
