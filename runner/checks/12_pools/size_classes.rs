//! Check for `size_classes`: the route of requests around every boundary
//! (0, 1, 16, 17, 32, 33, 496, 497, 511, 512, 513, usize::MAX), the table
//! of the 32 classes with their blocks per pool and the bytes each pool
//! loses at its end (what `sys._debugmallocstats()` calls quantization),
//! every request from 0 to 600 grouped by class, so a class boundary one
//! byte off shows, and the `bytes` objects of the book's experiment
//! (request = 33 + len on 3.11.7, from `sys.getsizeof`).

use crate::exercise::{block_size, blocks_per_pool, size_class};
use crate::harness::{attempt, show, Case};

pub const CASES: &[Case] = &[
    ("boundaries", boundaries),
    ("the_32_classes", the_32_classes),
    ("every_request", every_request),
    ("bytes_objects", bytes_objects),
];

/// Numbers near usize::MAX are written relative to it.
fn n(x: usize) -> String {
    match usize::MAX - x {
        0 => "MAX".to_string(),
        k if k < 1 << 20 => format!("MAX-{k}"),
        _ => x.to_string(),
    }
}

/// One request: its class, its block, and the bytes the block adds.
fn route(nbytes: usize) -> String {
    let class = match attempt(|| size_class(nbytes)) {
        Ok(class) => class,
        Err(msg) => return format!("size_class panicked: {msg}"),
    };
    let Some(class) = class else {
        return "system allocator (None)".to_string();
    };
    match attempt(|| block_size(class)) {
        Ok(Some(block)) if block >= nbytes => format!(
            "class {class:>2}, block {block:>3} bytes, {:>2} bytes of padding",
            block - nbytes
        ),
        Ok(Some(block)) => {
            format!("class {class:>2}, block {block:>3} bytes: smaller than the request!")
        }
        Ok(None) => format!("class {class:>2}, but block_size({class}) is None"),
        Err(msg) => format!("class {class:>2}, block_size panicked: {msg}"),
    }
}

fn boundaries() -> String {
    let mut out = String::new();
    let requests = [
        0,
        1,
        2,
        15,
        16,
        17,
        24,
        31,
        32,
        33,
        48,
        49,
        255,
        256,
        257,
        496,
        497,
        511,
        512,
        513,
        1024,
        1 << 20,
        usize::MAX - 1,
        usize::MAX,
    ];
    for nbytes in requests {
        out += &format!("request {:>8} -> {}\n", n(nbytes), route(nbytes));
    }
    out
}

fn the_32_classes() -> String {
    let mut out = "class  block  blocks/pool  bytes left at the end of a pool\n".to_string();
    for class in 0..34 {
        let block = show(|| block_size(class));
        let blocks = show(|| blocks_per_pool(class));
        let left = match (
            attempt(|| block_size(class)),
            attempt(|| blocks_per_pool(class)),
        ) {
            (Ok(Some(size)), Ok(Some(count))) => {
                match (16384 - 48usize).checked_sub(size * count) {
                    Some(left) => left.to_string(),
                    None => "the blocks do not fit!".to_string(),
                }
            }
            _ => "-".to_string(),
        };
        out += &format!("{class:>5}  {block:<10}  {blocks:<11}  {left}\n");
    }
    out
}

fn every_request() -> String {
    let mut out = "requests 0..=600, grouped by what size_class says:\n".to_string();
    let mut start = 0;
    let mut current = attempt(|| size_class(0));
    for nbytes in 1..=601 {
        let next = if nbytes <= 600 {
            attempt(|| size_class(nbytes))
        } else {
            Err("end".to_string())
        };
        if next != current || nbytes == 601 {
            let what = match &current {
                Ok(Some(class)) => format!("class {class}"),
                Ok(None) => "None".to_string(),
                Err(msg) => format!("panicked: {msg}"),
            };
            out += &format!("{start:>4}..={:<4} {what}\n", nbytes - 1);
            start = nbytes;
            current = next;
        }
    }
    out
}

fn bytes_objects() -> String {
    let mut out = "bytes objects: b'x' * len asks for 33 + len bytes on 3.11.7\n".to_string();
    for len in [2, 15, 16, 31, 32, 479, 480] {
        out += &format!(
            "len {len:>3}: request {:>3} -> {}\n",
            33 + len,
            route(33 + len)
        );
    }
    out
}
