//! Check for `call_stack`: nested calls and returns drawn as pictures of the
//! stack, recursion until overflow at an exact depth (header slot included,
//! exact fit included), reads and writes through a returned frame's id, and a
//! later call reusing a returned frame's slots without seeing its values.

use crate::exercise::{CallStack, FrameId, HEADER_SLOTS};
use crate::harness::{attempt, show, Case};

pub const CASES: &[Case] = &[
    ("nested_calls", nested_calls),
    ("recursion_overflow", recursion_overflow),
    ("dangling_local", dangling_local),
    ("frame_reuse", frame_reuse),
];

/// Stands in for the id of a call that failed or panicked: calls are
/// numbered from 1, so no stack hands this one out.
const NO_FRAME: FrameId = FrameId(0);

/// `call(name, n)`, logged with its result and the stack pointer after it.
fn call(out: &mut String, stack: &mut CallStack, name: &'static str, n_locals: usize) -> FrameId {
    let result = attempt(|| stack.call(name, n_locals));
    let id = match &result {
        Ok(Ok(id)) => *id,
        _ => NO_FRAME,
    };
    let shown = match result {
        Ok(r) => format!("{r:?}"),
        Err(msg) => format!("panicked: {msg}"),
    };
    let used = show(|| stack.used());
    out.push_str(&format!(
        "call({name:?}, {n_locals}) -> {shown}, used {used}\n"
    ));
    id
}

fn ret(out: &mut String, stack: &mut CallStack) {
    let result = show(|| stack.ret());
    let used = show(|| stack.used());
    out.push_str(&format!("ret() -> {result}, used {used}\n"));
}

fn set(out: &mut String, stack: &mut CallStack, id: FrameId, index: usize, value: i64) {
    let result = show(|| stack.set_local(id, index, value));
    out.push_str(&format!(
        "set_local({id:?}, {index}, {value}) -> {result}\n"
    ));
}

fn get(out: &mut String, stack: &CallStack, id: FrameId, index: usize) {
    let result = show(|| stack.get_local(id, index));
    out.push_str(&format!("get_local({id:?}, {index}) -> {result}\n"));
}

/// Draws the live frames, innermost on top, one line per slot, read back
/// through `frames()` and `get_local`.
fn picture(stack: &CallStack, capacity: usize) -> String {
    let frames = match attempt(|| stack.frames().to_vec()) {
        Ok(frames) => frames,
        Err(msg) => return format!("  (no picture: frames() panicked: {msg})\n"),
    };
    let used = show(|| stack.used());
    let mut out = format!("  capacity {capacity}, used {used}\n");
    let rule = "       +-------------------------+\n";
    out.push_str(rule);
    for frame in frames.iter().rev() {
        let label = format!("{}#{}", frame.name, frame.id.0);
        for i in (0..frame.n_locals).rev() {
            let value = match attempt(|| stack.get_local(frame.id, i)) {
                Ok(Ok(v)) => v.to_string(),
                Ok(Err(e)) => format!("{e:?}"),
                Err(msg) => format!("panicked: {msg}"),
            };
            let slot = frame.base + HEADER_SLOTS + i;
            out.push_str(&format!(
                "  {slot:>4} | {label:<8} local {i} = {value:<4} |\n"
            ));
        }
        for h in (0..HEADER_SLOTS).rev() {
            out.push_str(&format!(
                "  {:>4} | {label:<8} header         |\n",
                frame.base + h
            ));
        }
        out.push_str(rule);
    }
    out
}

fn nested_calls() -> String {
    let mut out = String::new();
    let mut stack = CallStack::new(16);
    let main = call(&mut out, &mut stack, "main", 2);
    set(&mut out, &mut stack, main, 0, 1);
    set(&mut out, &mut stack, main, 1, 2);
    let f = call(&mut out, &mut stack, "f", 1);
    set(&mut out, &mut stack, f, 0, 10);
    // A callee may write its caller's local (C passes `&x`, Rust `&mut x`).
    out.push_str("f writes a local of its caller, main:\n");
    set(&mut out, &mut stack, main, 1, 20);
    let g = call(&mut out, &mut stack, "g", 3);
    set(&mut out, &mut stack, g, 2, 30);
    out.push_str(&picture(&stack, 16));
    ret(&mut out, &mut stack);
    out.push_str(&picture(&stack, 16));
    ret(&mut out, &mut stack);
    ret(&mut out, &mut stack);
    ret(&mut out, &mut stack);
    out
}

/// Calls `name` with `n_locals` until a call fails (or 1000 calls), then
/// reports how far it got.
fn recurse(out: &mut String, stack: &mut CallStack, name: &'static str, n_locals: usize) {
    let mut ok = Vec::new();
    let failure = loop {
        match attempt(|| stack.call(name, n_locals)) {
            Ok(Ok(id)) if ok.len() < 1000 => ok.push(id),
            Ok(Ok(_)) => break "still no overflow after 1000 calls".to_string(),
            Ok(Err(e)) => break format!("Err({e:?})"),
            Err(msg) => break format!("panicked: {msg}"),
        }
    };
    let range = match (ok.first(), ok.last()) {
        (Some(a), Some(b)) => format!(" ({a:?} to {b:?})"),
        _ => String::new(),
    };
    let used = show(|| stack.used());
    out.push_str(&format!(
        "  {} calls of {name:?} with {n_locals} locals fit{range}, used {used}\n",
        ok.len()
    ));
    out.push_str(&format!("  call {} -> {failure}\n", ok.len() + 1));
}

/// Returns until `ret` fails and reports how many frames it popped.
fn unwind(out: &mut String, stack: &mut CallStack) {
    let mut popped = Vec::new();
    let last = loop {
        match attempt(|| stack.ret()) {
            Ok(Ok(id)) if popped.len() < 1000 => popped.push(id),
            Ok(Ok(_)) => break "still returning after 1000 frames".to_string(),
            Ok(Err(e)) => break format!("Err({e:?})"),
            Err(msg) => break format!("panicked: {msg}"),
        }
    };
    let order = match (popped.first(), popped.last()) {
        (Some(a), Some(b)) => format!(" ({a:?} first, {b:?} last)"),
        _ => String::new(),
    };
    out.push_str(&format!(
        "  unwound {} frames{order}; one more ret() -> {last}\n",
        popped.len()
    ));
}

fn recursion_overflow() -> String {
    let mut out = String::new();

    out.push_str("capacity 64, frames of 1 header + 2 locals:\n");
    let mut stack = CallStack::new(64);
    recurse(&mut out, &mut stack, "fact", 2);
    out.push_str("  a smaller frame still fits in the slot left over:\n  ");
    call(&mut out, &mut stack, "leaf", 0);
    out.push_str("  ");
    call(&mut out, &mut stack, "leaf", 0);
    let depth = show(|| stack.frames().len());
    out.push_str(&format!("  depth {depth}\n"));
    unwind(&mut out, &mut stack);

    out.push_str("capacity 60, the same frames fill it exactly:\n");
    let mut stack = CallStack::new(60);
    recurse(&mut out, &mut stack, "fact", 2);

    out.push_str("capacity 5, frames with no locals still cost a slot:\n");
    let mut stack = CallStack::new(5);
    recurse(&mut out, &mut stack, "spin", 0);

    out.push_str("capacity 0:\n");
    let mut stack = CallStack::new(0);
    recurse(&mut out, &mut stack, "main", 0);
    out
}

fn dangling_local() -> String {
    let mut out = String::new();
    let mut stack = CallStack::new(16);
    let outer = call(&mut out, &mut stack, "outer", 2);
    set(&mut out, &mut stack, outer, 0, 5);
    let inner = call(&mut out, &mut stack, "inner", 2);
    set(&mut out, &mut stack, inner, 0, 99);
    set(&mut out, &mut stack, inner, 1, 98);
    out.push_str("inner reads its caller's local:\n");
    get(&mut out, &stack, outer, 0);
    ret(&mut out, &mut stack);
    out.push_str("inner has returned; its id now dangles:\n");
    get(&mut out, &stack, inner, 0);
    get(&mut out, &stack, inner, 5);
    set(&mut out, &mut stack, inner, 1, 7);
    out.push_str("locals a live frame does not have:\n");
    get(&mut out, &stack, outer, 2);
    set(&mut out, &mut stack, outer, 9, 1);
    out.push_str("an id no call ever got:\n");
    get(&mut out, &stack, FrameId(99), 0);
    out.push_str("outer is untouched:\n");
    get(&mut out, &stack, outer, 0);
    get(&mut out, &stack, outer, 1);
    ret(&mut out, &mut stack);
    get(&mut out, &stack, outer, 0);
    ret(&mut out, &mut stack);
    out
}

fn frame_reuse() -> String {
    let mut out = String::new();
    let mut stack = CallStack::new(16);
    let _main = call(&mut out, &mut stack, "main", 1);
    let a = call(&mut out, &mut stack, "a", 3);
    set(&mut out, &mut stack, a, 0, 7);
    set(&mut out, &mut stack, a, 1, 8);
    set(&mut out, &mut stack, a, 2, 9);
    ret(&mut out, &mut stack);
    out.push_str("b lands on the slots a used; it must not see a's values:\n");
    let b = call(&mut out, &mut stack, "b", 3);
    out.push_str(&picture(&stack, 16));
    get(&mut out, &stack, a, 0);
    get(&mut out, &stack, b, 0);
    ret(&mut out, &mut stack);
    out.push_str("a bigger frame over both:\n");
    let _c = call(&mut out, &mut stack, "c", 5);
    out.push_str(&picture(&stack, 16));
    out
}
