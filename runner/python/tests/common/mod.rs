//! A small heap for the interpreter's own tests: reference counting with
//! CPython's dealloc order and finalizers, and NO cycle collection (so
//! these tests do not depend on the reference heap, and a cycle simply
//! stays alive). `collect` returns 0.

#![allow(dead_code)]

use memlings_python::{
    Collector, GcSettings, Heap, ObjId, Object, Options, Output, Runtime, SizeModel,
};

#[derive(Debug, Default)]
pub struct RcHeap {
    slots: Vec<Option<Slot>>,
    gc: CountingCollector,
    /// Every weak reference made, so a freed object's can be cleared.
    weakrefs: Vec<ObjId>,
}

/// Counts GC allocations and keeps the settings, but never collects.
#[derive(Debug, Default)]
pub struct CountingCollector {
    threshold: [usize; 3],
    enabled: bool,
    count0: usize,
}

/// Lists and tuples only, enough for the interpreter's own tests.
#[derive(Debug)]
pub enum TestSizes {}

#[derive(Debug)]
struct Slot {
    object: Object,
    refcount: usize,
    finalized: bool,
    tracked: bool,
}

impl RcHeap {
    pub fn new() -> RcHeap {
        RcHeap {
            slots: Vec::new(),
            gc: CountingCollector {
                threshold: [700, 10, 10],
                enabled: true,
                count0: 0,
            },
            weakrefs: Vec::new(),
        }
    }

    fn slot(&self, id: ObjId) -> &Slot {
        self.slots[id.0 as usize].as_ref().expect("a live object")
    }

    fn slot_mut(&mut self, id: ObjId) -> &mut Slot {
        self.slots[id.0 as usize].as_mut().expect("a live object")
    }

    fn may_be_tracked(&self, id: ObjId) -> bool {
        let slot = self.slot(id);
        slot.object.is_gc_type() && slot.tracked
    }
}

impl Heap for RcHeap {
    type Collector = CountingCollector;
    type Sizes = TestSizes;

    fn alloc<R: Runtime<Self>>(&mut self, object: Object, _rt: &mut R) -> ObjId {
        let tracked = match &object {
            Object::Dict(d) => d
                .entries
                .iter()
                .any(|&(k, v)| self.may_be_tracked(k) || self.may_be_tracked(v)),
            other => other.is_gc_type(),
        };
        if tracked {
            self.gc.count0 += 1;
        }
        let is_weakref = matches!(object, Object::WeakRef(_));
        self.slots.push(Some(Slot {
            object,
            refcount: 1,
            finalized: false,
            tracked,
        }));
        let id = ObjId(self.slots.len() as u32 - 1);
        if is_weakref {
            self.weakrefs.push(id);
        }
        id
    }

    fn get(&self, id: ObjId) -> &Object {
        &self.slot(id).object
    }

    fn get_mut(&mut self, id: ObjId) -> &mut Object {
        &mut self.slot_mut(id).object
    }

    fn incref(&mut self, id: ObjId) {
        self.slot_mut(id).refcount += 1;
    }

    fn decref<R: Runtime<Self>>(&mut self, id: ObjId, rt: &mut R) {
        let slot = self.slot_mut(id);
        assert!(slot.refcount > 0, "decref of a dead object");
        slot.refcount -= 1;
        if slot.refcount > 0 {
            return;
        }
        let has_del = match &self.slot(id).object {
            Object::Instance(inst) => matches!(self.get(inst.class), Object::Class(c) if c.has_del),
            _ => false,
        };
        if has_del && !self.slot(id).finalized {
            let slot = self.slot_mut(id);
            slot.finalized = true;
            slot.refcount = 1;
            rt.finalize(self, id);
            let slot = self.slot_mut(id);
            slot.refcount -= 1;
            if slot.refcount > 0 {
                return;
            }
        }
        let slot = self.slots[id.0 as usize].take().expect("alive");
        if slot.tracked {
            self.gc.count0 = self.gc.count0.saturating_sub(1);
        }
        // A weak reference to a freed object answers None (its callback is
        // not called: these tests do not need it).
        for &w in &self.weakrefs {
            if let Some(Slot {
                object: Object::WeakRef(weak),
                ..
            }) = self.slots[w.0 as usize].as_mut()
            {
                if weak.target == Some(id) {
                    weak.target = None;
                }
            }
        }
        for r in slot.object.release_order() {
            self.decref(r, rt);
        }
    }

    fn refcount(&self, id: ObjId) -> usize {
        self.slot(id).refcount
    }

    fn stored(&mut self, container: ObjId, value: ObjId) {
        if self.may_be_tracked(value) && matches!(self.get(container), Object::Dict(_)) {
            self.slot_mut(container).tracked = true;
        }
    }

    fn collector(&self) -> &CountingCollector {
        &self.gc
    }

    fn collector_mut(&mut self) -> &mut CountingCollector {
        &mut self.gc
    }

    fn live_objects(&self) -> Vec<ObjId> {
        (0..self.slots.len())
            .filter(|&i| self.slots[i].is_some())
            .map(|i| ObjId(i as u32))
            .collect()
    }
}

impl Collector<RcHeap> for CountingCollector {
    fn is_tracked(&self, heap: &RcHeap, id: ObjId) -> bool {
        heap.slot(id).tracked
    }

    fn collect<R: Runtime<RcHeap>>(heap: &mut RcHeap, _generation: usize, _rt: &mut R) -> usize {
        heap.gc.count0 = 0;
        0
    }
}

impl GcSettings for CountingCollector {
    fn count(&self) -> [usize; 3] {
        [self.count0, 0, 0]
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

impl SizeModel<RcHeap> for TestSizes {
    fn getsizeof(heap: &RcHeap, id: ObjId) -> usize {
        match heap.get(id) {
            Object::List(l) => 56 + 8 * l.allocated,
            Object::Tuple(t) => 40 + 8 * t.len(),
            _ => 0,
        }
    }

    fn list_capacity(allocated: usize, size: usize, newsize: usize) -> usize {
        if allocated >= newsize && newsize >= allocated >> 1 {
            return allocated;
        }
        if newsize == 0 {
            return 0;
        }
        let mut new = (newsize + (newsize >> 3) + 6) & !3;
        if newsize.saturating_sub(size) > new - newsize {
            new = (newsize + 3) & !3;
        }
        new
    }
}

pub fn run(source: &str) -> Output {
    memlings_python::run_program::<RcHeap>(source, "t.py", &Options::default())
}

/// The program's stdout; panics with the error if it stopped early.
pub fn stdout(source: &str) -> String {
    let out = run(source);
    if let Some(e) = &out.error {
        panic!("{e}\n--- printed before:\n{}", out.stdout);
    }
    out.stdout
}

/// The one-line error.
pub fn error(source: &str) -> String {
    let out = run(source);
    out.error
        .map(|e| e.to_string())
        .unwrap_or_else(|| "no error".into())
}
