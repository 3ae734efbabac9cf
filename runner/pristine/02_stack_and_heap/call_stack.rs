//! # Exercise `call_stack`: frames that come and go
//!
//! Book: book/src/foundations/stack-and-heap.md, section "Your turn: a call stack".
//!
//! A call stack is one block of memory, reserved once, and a stack pointer.
//! A call pushes a frame on top: a header slot (where a real machine keeps
//! the return address) followed by the function's locals. A return pops the
//! top frame, and its locals are gone: the slots are still there, but they
//! belong to whichever call comes next.
//!
//! Build that, with slots of one `Word` each:
//!
//! - `call(name, n_locals)` pushes a frame of `HEADER_SLOTS + n_locals`
//!   slots at the stack pointer, with every local set to 0, and returns the
//!   frame's id. Successful calls get ids 1, 2, 3, ... in order; an id is
//!   never given out twice. If the frame does not fit in the free slots, the
//!   call fails with `StackError::Overflow` and the stack is left as it was.
//! - `ret()` pops the innermost frame and returns its id (`Underflow` when
//!   there is none).
//! - `get_local` / `set_local` reach local `index` of any live frame (a
//!   callee may use its caller's locals, as C does through `&x`). A frame
//!   that has returned is `Dangling`, even when a newer frame now sits in
//!   the same slots. That check comes before `NoSuchLocal`, for an index
//!   past the frame's last local.
//! - `used()` is the stack pointer: how many slots the live frames take.
//!
//! Nothing here may panic: every mistake the caller can make is an error.
//!
//! ```
//! let mut stack = CallStack::new(8);
//! let main = stack.call("main", 1)?;      // slots 0 (header) and 1
//! let f = stack.call("f", 2)?;            // slots 2 (header), 3 and 4
//! stack.set_local(f, 0, 42)?;
//! assert_eq!(stack.used(), 5);
//! assert_eq!(stack.ret(), Ok(f));
//! assert_eq!(stack.get_local(f, 0), Err(StackError::Dangling(f)));
//! assert_eq!(stack.call("g", 9), Err(StackError::Overflow { needed: 10, free: 6 }));
//! ```
//!
//! Run `memlings` and save this file: the check draws your stack next to
//! the one it expects.

/// What one slot of the stack holds: a machine word.
pub type Word = i64;

/// Slots every frame spends before its locals. On a real machine this is
/// where the return address (and often the caller's frame pointer) goes.
pub const HEADER_SLOTS: usize = 1;

/// Names one call. Successful calls are numbered 1, 2, 3, ... in the order
/// they happen, so a number is never handed out twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameId(pub u64);

/// One live frame: a window of `HEADER_SLOTS + n_locals` slots starting at `base`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub id: FrameId,
    pub name: &'static str,
    /// Index of the frame's first slot (its header).
    pub base: usize,
    pub n_locals: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackError {
    /// The call needs `needed` slots and only `free` are left.
    Overflow { needed: usize, free: usize },
    /// `ret` with no frame on the stack.
    Underflow,
    /// No live frame has this id: it has returned (or never existed).
    Dangling(FrameId),
    /// The frame is live but has no local with this index.
    NoSuchLocal { index: usize, n_locals: usize },
}

/// A call stack of `capacity` slots, allocated once, up front.
/// (The private fields are a suggestion: change them if you like.)
pub struct CallStack {
    /// The memory: every slot the stack will ever have.
    slots: Vec<Word>,
    /// The live frames, outermost first.
    frames: Vec<Frame>,
    /// The id the next successful call gets.
    next_id: u64,
}

impl CallStack {
    pub fn new(capacity: usize) -> CallStack {
        CallStack {
            slots: vec![0; capacity],
            frames: Vec::new(),
            next_id: 1,
        }
    }

    /// The live frames, outermost first.
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// Slots in use: the stack pointer. The next frame starts here.
    pub fn used(&self) -> usize {
        todo!()
    }

    /// Pushes a frame for `name` with `n_locals` locals, all 0.
    pub fn call(&mut self, name: &'static str, n_locals: usize) -> Result<FrameId, StackError> {
        todo!()
    }

    /// Pops the innermost frame and returns its id.
    pub fn ret(&mut self) -> Result<FrameId, StackError> {
        todo!()
    }

    /// Reads local `index` of frame `id`, which may be any live frame.
    pub fn get_local(&self, id: FrameId, index: usize) -> Result<Word, StackError> {
        todo!()
    }

    /// Writes local `index` of frame `id`, which may be any live frame.
    pub fn set_local(&mut self, id: FrameId, index: usize, value: Word) -> Result<(), StackError> {
        todo!()
    }
}

fn main() {
    // You can experiment here: `cargo run -p memlings-exercises --bin call_stack`.
    // The check calls the methods above, not `main`.
}
