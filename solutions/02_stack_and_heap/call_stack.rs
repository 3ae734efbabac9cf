//! # Exercise `call_stack`: frames that come and go (solution)
//!
//! Book: book/src/foundations/stack-and-heap.md

// ANCHOR: types
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
pub struct CallStack {
    /// The memory: every slot the stack will ever have.
    slots: Vec<Word>,
    /// The live frames, outermost first.
    frames: Vec<Frame>,
    /// The id the next successful call gets.
    next_id: u64,
}
// ANCHOR_END: types

impl CallStack {
    pub fn new(capacity: usize) -> CallStack {
        CallStack {
            slots: vec![0; capacity],
            frames: Vec::new(),
            next_id: 1,
        }
    }

    /// Slots in use: the stack pointer. The next frame starts here.
    pub fn used(&self) -> usize {
        self.frames
            .last()
            .map_or(0, |top| top.base + HEADER_SLOTS + top.n_locals)
    }

    /// The live frames, outermost first.
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    // ANCHOR: call
    /// Pushes a frame for `name` with `n_locals` locals, all 0.
    pub fn call(&mut self, name: &'static str, n_locals: usize) -> Result<FrameId, StackError> {
        let base = self.used();
        let free = self.slots.len() - base;
        let needed = HEADER_SLOTS + n_locals;
        if needed > free {
            return Err(StackError::Overflow { needed, free });
        }
        // The slots may hold a returned frame's values: wipe them.
        self.slots[base..base + needed].fill(0);
        let id = FrameId(self.next_id);
        self.next_id += 1;
        self.frames.push(Frame {
            id,
            name,
            base,
            n_locals,
        });
        Ok(id)
    }

    /// Pops the innermost frame. Its locals are gone: only the slots remain.
    pub fn ret(&mut self) -> Result<FrameId, StackError> {
        self.frames
            .pop()
            .map(|frame| frame.id)
            .ok_or(StackError::Underflow)
    }
    // ANCHOR_END: call

    // ANCHOR: locals
    /// The index in `slots` of local `index` of the live frame `id`.
    fn slot_of(&self, id: FrameId, index: usize) -> Result<usize, StackError> {
        let frame = self
            .frames
            .iter()
            .find(|f| f.id == id)
            .ok_or(StackError::Dangling(id))?;
        if index >= frame.n_locals {
            return Err(StackError::NoSuchLocal {
                index,
                n_locals: frame.n_locals,
            });
        }
        Ok(frame.base + HEADER_SLOTS + index)
    }

    /// Reads local `index` of frame `id`, which may be any live frame.
    pub fn get_local(&self, id: FrameId, index: usize) -> Result<Word, StackError> {
        Ok(self.slots[self.slot_of(id, index)?])
    }

    /// Writes local `index` of frame `id`, which may be any live frame.
    pub fn set_local(&mut self, id: FrameId, index: usize, value: Word) -> Result<(), StackError> {
        let slot = self.slot_of(id, index)?;
        self.slots[slot] = value;
        Ok(())
    }
    // ANCHOR_END: locals
}

fn main() {
    let mut stack = CallStack::new(8);
    let main = stack.call("main", 1).unwrap();
    let f = stack.call("f", 2).unwrap();
    stack.set_local(f, 0, 42).unwrap();
    stack.ret().unwrap();
    println!("after f returned: {:?}", stack.get_local(f, 0));
    println!("main is still live: {:?}", stack.get_local(main, 0));
}
