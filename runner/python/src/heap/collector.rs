//! The collector layer: which objects the cycle collector watches, its
//! three generations and their thresholds, and `gc.collect()`.
//!
//! Its state lives in the heap (reached through [`Heap::collector`]), and
//! `collect` is given the whole heap: finding garbage means reading
//! reference counts and references, and freeing it means running
//! finalizers and dropping references, which only the heap can do.

use super::{Heap, Runtime};
use crate::object::ObjId;

/// A cycle collector for heap `H`, as the `gc` module sees it. Its
/// settings do not depend on the heap, so they are a trait of their own.
pub trait Collector<H: Heap>: GcSettings {
    /// `gc.is_tracked(obj)`.
    fn is_tracked(&self, heap: &H, id: ObjId) -> bool;

    /// `gc.collect(generation)`: the number of unreachable tracked objects
    /// found.
    fn collect<R: Runtime<H>>(heap: &mut H, generation: usize, rt: &mut R) -> usize;
}

/// What the `gc` module reads and sets, whatever the heap.
pub trait GcSettings {
    /// `gc.get_count()`.
    fn count(&self) -> [usize; 3];

    /// `gc.get_threshold()`.
    fn threshold(&self) -> [usize; 3];

    /// `gc.set_threshold(...)`.
    fn set_threshold(&mut self, threshold: [usize; 3]);

    /// `gc.isenabled()`.
    fn enabled(&self) -> bool;

    /// `gc.enable()` / `gc.disable()`.
    fn set_enabled(&mut self, enabled: bool);

    /// `gc.freeze()`: moves every tracked object to the permanent generation.
    fn freeze(&mut self);
}

/// The collector of a heap that only counts references (Part III, before
/// Part IV builds the real one): it keeps the `gc` module's settings,
/// reports every object of a GC type as tracked, as CPython tracks them
/// from birth, and never finds a cycle.
#[derive(Debug, Clone)]
pub struct NoCollector {
    threshold: [usize; 3],
    enabled: bool,
}

impl Default for NoCollector {
    fn default() -> NoCollector {
        // 3.11's thresholds (3.13 raised the first to 2000).
        NoCollector {
            threshold: [700, 10, 10],
            enabled: true,
        }
    }
}

impl<H: Heap> Collector<H> for NoCollector {
    fn is_tracked(&self, heap: &H, id: ObjId) -> bool {
        heap.get(id).is_gc_type()
    }

    fn collect<R: Runtime<H>>(_heap: &mut H, _generation: usize, _rt: &mut R) -> usize {
        // Reference counting alone never finds a cycle.
        0
    }
}

impl GcSettings for NoCollector {
    fn count(&self) -> [usize; 3] {
        [0; 3]
    }

    fn threshold(&self) -> [usize; 3] {
        self.threshold
    }

    fn set_threshold(&mut self, threshold: [usize; 3]) {
        self.threshold = threshold;
    }

    fn enabled(&self) -> bool {
        self.enabled
    }

    fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
    }

    fn freeze(&mut self) {}
}
