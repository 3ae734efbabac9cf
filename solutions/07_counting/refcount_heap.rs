//! A heap for Python objects that manages memory by reference counting alone,
//! as CPython does between two runs of its cycle collector. It implements the
//! Python bridge's `Heap` trait, so `memlings py --heap yours` runs programs
//! on it.

use memlings_python::{Heap, NoCollector, ObjId, Object, Runtime};

// ANCHOR: storage
/// One object and its bookkeeping.
#[derive(Debug)]
pub struct Slot {
    pub object: Object,
    /// `ob_refcnt`: how many references point here.
    pub refcount: usize,
    /// `__del__` already ran (PEP 442: at most once per object).
    pub finalized: bool,
}

/// Objects live in `slots`; an `ObjId(n)` is the index `n`. A freed slot
/// becomes `None` and its index goes on `free`, to be reused first, last
/// freed first.
#[derive(Debug, Default)]
pub struct RefcountHeap {
    pub slots: Vec<Option<Slot>>,
    pub free: Vec<u32>,
    /// Ready-made (Part IV builds the real thing): the `gc` module's
    /// settings, and a collector that never finds a cycle.
    gc: NoCollector,
}
// ANCHOR_END: storage

impl RefcountHeap {
    pub fn new() -> RefcountHeap {
        RefcountHeap::default()
    }

    fn slot(&self, id: ObjId) -> &Slot {
        match self.slots.get(id.0 as usize) {
            Some(Some(slot)) => slot,
            _ => panic!("object {} is not alive", id.0),
        }
    }

    fn slot_mut(&mut self, id: ObjId) -> &mut Slot {
        match self.slots.get_mut(id.0 as usize) {
            Some(Some(slot)) => slot,
            _ => panic!("object {} is not alive", id.0),
        }
    }

    /// Whether this object's class defines `__del__`.
    fn has_finalizer(&self, id: ObjId) -> bool {
        let Object::Instance(inst) = &self.slot(id).object else {
            return false;
        };
        matches!(&self.slot(inst.class).object, Object::Class(c) if c.has_del)
    }

    // ANCHOR: dealloc
    /// The count of `id` just reached zero: finalize, then clear its weak
    /// references, then let go of what it held (which may free more), then
    /// free its slot.
    fn dealloc<R: Runtime<Self>>(&mut self, id: ObjId, rt: &mut R) {
        if self.has_finalizer(id) && !self.slot(id).finalized {
            // __del__ runs on a live object: give it a reference for the
            // call, as PyObject_CallFinalizerFromDealloc does.
            let slot = self.slot_mut(id);
            slot.refcount = 1;
            slot.finalized = true;
            rt.finalize(self, id);
            let slot = self.slot_mut(id);
            slot.refcount -= 1;
            if slot.refcount > 0 {
                // Resurrected: __del__ stored it somewhere.
                return;
            }
        }
        self.clear_weakrefs(id);
        let slot = self.slots[id.0 as usize]
            .take()
            .expect("a dying object is alive");
        for held in slot.object.release_order() {
            self.decref(held, rt);
        }
        // Only now, as list_dealloc gives its block back after the items:
        // the next allocation reuses this slot, not one of the items'.
        self.free.push(id.0);
    }
    // ANCHOR_END: dealloc
}

impl Heap for RefcountHeap {
    // Ready-made: the other layers of the heap. Part IV builds the
    // collector; the sizes are your Part II exercises.
    type Collector = NoCollector;
    type Sizes = sizes::PartTwoSizes;

    fn alloc<R: Runtime<Self>>(&mut self, object: Object, _rt: &mut R) -> ObjId {
        let slot = Slot {
            object,
            refcount: 1,
            finalized: false,
        };
        match self.free.pop() {
            Some(index) => {
                self.slots[index as usize] = Some(slot);
                ObjId(index)
            }
            None => {
                self.slots.push(Some(slot));
                ObjId(self.slots.len() as u32 - 1)
            }
        }
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

    // ANCHOR: decref
    fn decref<R: Runtime<Self>>(&mut self, id: ObjId, rt: &mut R) {
        let slot = self.slot_mut(id);
        slot.refcount -= 1;
        if slot.refcount == 0 {
            self.dealloc(id, rt);
        }
    }
    // ANCHOR_END: decref

    fn refcount(&self, id: ObjId) -> usize {
        self.slot(id).refcount
    }

    fn live_objects(&self) -> Vec<ObjId> {
        (0..self.slots.len() as u32)
            .map(ObjId)
            .filter(|id| self.slots[id.0 as usize].is_some())
            .collect()
    }

    // Ready-made from here on.

    fn collector(&self) -> &NoCollector {
        &self.gc
    }

    fn collector_mut(&mut self) -> &mut NoCollector {
        &mut self.gc
    }
}

// ---------------------------------------------------------------------------
// Ready-made pieces: Part IV builds the collector; Part II built the sizes.
// ---------------------------------------------------------------------------

impl RefcountHeap {
    /// Weak references to a dying object go dead (`target = None`). Call it
    /// in `dealloc` once the object is sure to die: after `__del__` did not
    /// resurrect it, before it lets go of what it held (whose `__del__`s
    /// must find it dead) and so before its slot is freed. Their callbacks
    /// are Part IV's business (the finalizers chapter).
    fn clear_weakrefs(&mut self, id: ObjId) {
        for slot in self.slots.iter_mut().flatten() {
            if let Object::WeakRef(weak) = &mut slot.object {
                if weak.target == Some(id) {
                    weak.target = None;
                }
            }
        }
    }
}

// Your Part II exercises, included as they are.
#[allow(dead_code)]
#[path = "../06_object_costs/getsizeof.rs"]
mod getsizeof;

#[allow(dead_code)]
#[path = "../06_object_costs/list_growth.rs"]
mod list_growth;

/// `sys.getsizeof` and list growth, from your Part II exercises.
mod sizes {
    use memlings_python::{Heap, ObjId, Object, SizeModel};

    use super::getsizeof::{self, DictKeys, Shape};
    use super::list_growth;
    use super::RefcountHeap;

    /// Sizes of objects Part II does not model, measured with
    /// `sys.getsizeof` on CPython 3.11.7 (64-bit).
    fn measured(object: &Object) -> Option<usize> {
        match object {
            Object::Class(_) => Some(1688),
            Object::Function { .. } => Some(152),
            Object::Builtin(_) | Object::Module(_) => Some(72),
            Object::Range { .. } => Some(48),
            Object::WeakRef(_) => Some(80),
            _ => None,
        }
    }

    /// The size model layer of this heap: Part II's rules.
    #[derive(Debug)]
    pub enum PartTwoSizes {}

    impl SizeModel<RefcountHeap> for PartTwoSizes {
        fn getsizeof(heap: &RefcountHeap, id: ObjId) -> usize {
            size_of(heap, id)
        }

        fn list_capacity(allocated: usize, size: usize, newsize: usize) -> usize {
            list_growth::list_resize(allocated, size, newsize)
        }
    }

    fn size_of(heap: &RefcountHeap, id: ObjId) -> usize {
        let object = heap.get(id);
        if let Some(size) = measured(object) {
            return size;
        }
        let keys;
        let shape = match object {
            Object::None => Shape::None,
            Object::Bool(b) => Shape::Bool(*b),
            Object::Int(n) => Shape::Int {
                bit_length: n.bits(),
            },
            Object::Float(_) => Shape::Float,
            Object::Str(s) => Shape::Str(s),
            Object::Tuple(items) => Shape::Tuple { len: items.len() },
            Object::List(list) => Shape::List {
                allocated: list.allocated,
            },
            // The table a display of these keys builds: exact for a dict
            // display, an estimate for a dict that grew key by key (the
            // reference heap follows each insertion).
            Object::Dict(dict) if dict.entries.is_empty() => DictKeys::default().shape(),
            Object::Dict(dict) => {
                let is_str: Vec<bool> = dict
                    .entries
                    .iter()
                    .map(|&(k, _)| matches!(heap.get(k), Object::Str(_)))
                    .collect();
                keys = DictKeys::display(&is_str);
                keys.shape()
            }
            Object::Instance(_) => Shape::Instance { slots: None },
            _ => return 0,
        };
        getsizeof::getsizeof(&shape)
    }
}

fn main() {
    println!("RefcountHeap implements memlings_python::Heap.");
    println!("Run a program on it: memlings py examples/aliasing.py --heap yours");
}
