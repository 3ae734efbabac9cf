//! Recording a trace: an allocator that passes every call on to another
//! and writes it down, so the allocations a real program makes (a Python
//! program on the reference heap) can be replayed on any allocator.
//!
//! Each block handed out gets the next ID (0, 1, ...), so a trace never
//! depends on addresses, and the same program records the same trace.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use memlings_python::{Allocator, AllocatorStats, Block};

use crate::trace::Kind;

/// The operations recorded so far, shared with the [`Recorder`] (which
/// the heap owns) so they can be read while the heap is still alive.
pub type Log = Rc<RefCell<Vec<(Kind, u64, usize)>>>;

#[derive(Debug, Default)]
pub struct Recorder<A: Allocator> {
    inner: A,
    log: Log,
    /// The ID of each live block, by address.
    ids: HashMap<usize, u64>,
    next: u64,
}

impl<A: Allocator> Recorder<A> {
    /// A recorder over `inner`, and the log it writes.
    pub fn new(inner: A) -> (Recorder<A>, Log) {
        let log = Log::default();
        let recorder = Recorder {
            inner,
            log: Rc::clone(&log),
            ids: HashMap::new(),
            next: 0,
        };
        (recorder, log)
    }

    fn id(&self, block: Block) -> u64 {
        *self
            .ids
            .get(&(block.addr.as_ptr() as usize))
            .expect("a block the recorder handed out")
    }
}

// SAFETY: every block comes from the wrapped allocator, which made the
// promise; this one only writes the trace.
unsafe impl<A: Allocator> Allocator for Recorder<A> {
    fn allocate(&mut self, size: usize) -> Option<Block> {
        let block = self.inner.allocate(size)?;
        let id = self.next;
        self.next += 1;
        self.ids.insert(block.addr.as_ptr() as usize, id);
        self.log.borrow_mut().push((Kind::Allocate, id, size));
        Some(block)
    }

    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block> {
        let id = self.id(block);
        let new = self.inner.reallocate(block, size)?;
        self.ids.remove(&(block.addr.as_ptr() as usize));
        self.ids.insert(new.addr.as_ptr() as usize, id);
        self.log.borrow_mut().push((Kind::Reallocate, id, size));
        Some(new)
    }

    fn free(&mut self, block: Block) {
        let id = self.id(block);
        self.ids.remove(&(block.addr.as_ptr() as usize));
        self.inner.free(block);
        self.log.borrow_mut().push((Kind::Free, id, 0));
    }

    fn stats(&self) -> AllocatorStats {
        self.inner.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::SystemMalloc;

    #[test]
    fn each_block_gets_the_next_id_and_keeps_it_when_moved() {
        // SAFETY: the recorder passes back only what it was handed.
        let (mut rec, log) = Recorder::new(unsafe { SystemMalloc::new() });
        let a = rec.allocate(24).unwrap();
        let b = rec.allocate(8).unwrap();
        let a = rec.reallocate(a, 4096).unwrap();
        rec.free(b);
        let c = rec.allocate(8).unwrap();
        rec.free(a);
        rec.free(c);
        assert_eq!(
            *log.borrow(),
            [
                (Kind::Allocate, 0, 24),
                (Kind::Allocate, 1, 8),
                (Kind::Reallocate, 0, 4096),
                (Kind::Free, 1, 0),
                (Kind::Allocate, 2, 8),
                (Kind::Free, 0, 0),
                (Kind::Free, 2, 0),
            ]
        );
    }
}
