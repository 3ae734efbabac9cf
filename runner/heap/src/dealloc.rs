//! What happens when a reference count reaches zero: `_Py_Dealloc`.
//!
//! CPython frees an object the moment its last reference goes, and freeing
//! it releases the references it held, which may free more: a cascade. In C
//! each object's `tp_dealloc` calls `Py_DECREF` on what it holds, so the
//! cascade is a recursion, depth first, and its order is observable: it is
//! the order `__del__` methods run in.
//!
//! Here the recursion is an explicit stack of frames, one per `tp_dealloc`
//! in progress, each holding the steps it has left. That gives exactly
//! CPython's order without using Rust's call stack: a chain of 100,000
//! nested lists is freed in constant Rust stack space.
//!
//! CPython itself cannot recurse 100,000 deep either. Its answer is the
//! *trashcan* (`Py_TRASHCAN_BEGIN` in list, tuple, dict and instance
//! deallocators): once 50 such deallocations are nested, the next dying
//! object is not freed but put aside on a list, and freed when the
//! outermost one finishes. This changes the order of `__del__` calls in deep
//! structures, so the stack below models it too. Measured on 3.11.7, with
//! `root = [marker, chain]` where chain is `[[...[leaf]...]]`, n lists
//! around `[leaf]`, and both objects have a `__del__`: `del root` runs
//! leaf's first up to n = 47, marker's first from n = 48 (leaf's dealloc
//! would be the 51st nested one).

use memlings_python::{Allocator, GcLinks, ObjId, Object, Runtime};

use crate::gclist::List;
use crate::ReferenceHeap;

/// `_PyTrash_UNWIND_LEVEL`.
const TRASH_UNWIND_LEVEL: usize = 50;

/// The trashcan's state (in CPython, fields of the thread state).
#[derive(Debug, Default)]
pub struct Trashcan {
    /// `trash_delete_nesting`: trashcan deallocations in progress.
    nesting: usize,
    /// `trash_delete_later`: objects put aside, freed last in, first out.
    later: Vec<ObjId>,
}

/// One thing a deallocation still has to do.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// `Py_DECREF` of a reference the dying object held.
    Release(ObjId),
    /// Give the object's memory back (`tp_free`, or a free list).
    Free(ObjId),
}

#[derive(Debug)]
enum Frame {
    /// A `tp_dealloc` part way through. `steps` is in reverse: the next step
    /// is the last element.
    Dealloc { steps: Vec<Step>, trashcan: bool },
    /// `_PyTrash_thread_destroy_chain`: freeing what was put aside.
    DestroyChain,
}

impl<A: Allocator, L: GcLinks> ReferenceHeap<A, L> {
    /// `Py_DECREF`.
    pub(super) fn decref_object<R: Runtime<Self>>(&mut self, id: ObjId, rt: &mut R) {
        let checked = self.store.checked;
        let Some(slot) = self.store.slot_mut(id) else {
            if checked {
                crate::dead_object(id);
            }
            return;
        };
        // Already dying (count 0): a stray extra decref must not free twice.
        let refcount = slot.refcount();
        if refcount == 0 {
            return;
        }
        slot.set_refcount(refcount - 1);
        if refcount == 1 {
            let mut stack = Vec::new();
            self.begin_dealloc(id, &mut stack, rt);
            self.unwind(&mut stack, rt);
        }
    }

    /// Runs the frames until the cascade is over.
    fn unwind<R: Runtime<Self>>(&mut self, stack: &mut Vec<Frame>, rt: &mut R) {
        loop {
            enum Next {
                Step(Step),
                EndDealloc { trashcan: bool },
                DestroyOne(ObjId),
                EndChain,
            }
            let next = match stack.last_mut() {
                None => return,
                Some(Frame::Dealloc { steps, trashcan }) => match steps.pop() {
                    Some(step) => Next::Step(step),
                    None => Next::EndDealloc {
                        trashcan: *trashcan,
                    },
                },
                Some(Frame::DestroyChain) => match self.trash.later.pop() {
                    Some(id) => Next::DestroyOne(id),
                    None => Next::EndChain,
                },
            };
            match next {
                Next::Step(Step::Release(id)) => {
                    if let Some(slot) = self.store.slot_mut(id) {
                        let refcount = slot.refcount();
                        if refcount > 0 {
                            slot.set_refcount(refcount - 1);
                            if refcount == 1 {
                                self.begin_dealloc(id, stack, rt);
                            }
                        }
                    }
                }
                Next::Step(Step::Free(id)) => self.free(id),
                Next::EndDealloc { trashcan } => {
                    stack.pop();
                    if trashcan {
                        self.trash_end(stack);
                    }
                }
                // The object's count already reached 0 when it was put
                // aside: call its deallocator directly.
                Next::DestroyOne(id) => self.begin_dealloc(id, stack, rt),
                Next::EndChain => {
                    stack.pop();
                    self.trash.nesting -= 1;
                }
            }
        }
    }

    /// `Py_TRASHCAN_END`: when the outermost trashcan deallocation ends, free
    /// what was put aside (with the nesting count raised, so that freeing it
    /// does not start another chain inside this one).
    fn trash_end(&mut self, stack: &mut Vec<Frame>) {
        self.trash.nesting -= 1;
        if self.trash.nesting == 0 && !self.trash.later.is_empty() {
            self.trash.nesting += 1;
            stack.push(Frame::DestroyChain);
        }
    }

    /// The start of `tp_dealloc` for an object whose count just reached 0:
    /// everything up to releasing its references (which may call Python
    /// code: `__del__` and weakref callbacks), then a frame for the rest.
    fn begin_dealloc<R: Runtime<Self>>(&mut self, id: ObjId, stack: &mut Vec<Frame>, rt: &mut R) {
        let Some(object) = self.store.object(id) else {
            return;
        };
        let uses_trashcan = match object {
            Object::Tuple(items) => !items.is_empty(),
            Object::List(_) | Object::Dict(_) | Object::Instance(_) => true,
            _ => false,
        };
        // Every GC deallocator first stops tracking the object, so that a
        // collection started by code run from here cannot see it.
        self.untrack(id);
        if uses_trashcan {
            if self.trash.nesting >= TRASH_UNWIND_LEVEL {
                self.trash.later.push(id);
                return;
            }
            self.trash.nesting += 1;
        }
        let steps = match self.store.object(id) {
            Some(Object::Instance(_)) => match self.dealloc_instance(id, rt) {
                Some(steps) => steps,
                None => {
                    // Resurrected by its __del__: the deallocation stops.
                    if uses_trashcan {
                        self.trash_end(stack);
                    }
                    return;
                }
            },
            Some(
                Object::Class(_) | Object::Function { .. } | Object::Builtin(_) | Object::Module(_),
            ) => {
                // type_dealloc, func_dealloc, ...: weakrefs first.
                self.clear_weakrefs(id, rt);
                self.release_then_free(id)
            }
            Some(Object::WeakRef(_)) => {
                // weakref_dealloc: clear_weakref detaches it from its
                // referent and drops the callback.
                self.detach_weakref(id);
                let callback = match self.store.object_mut(id) {
                    Some(Object::WeakRef(weak)) => weak.callback.take(),
                    _ => None,
                };
                callback
                    .map(Step::Release)
                    .into_iter()
                    .chain([Step::Free(id)])
                    .collect()
            }
            Some(_) => self.release_then_free(id),
            None => Vec::new(),
        };
        let mut steps = steps;
        steps.reverse();
        stack.push(Frame::Dealloc {
            steps,
            trashcan: uses_trashcan,
        });
    }

    /// The references in CPython's release order, then the memory.
    fn release_then_free(&self, id: ObjId) -> Vec<Step> {
        let held = self
            .store
            .object(id)
            .map(Object::release_order)
            .unwrap_or_default();
        held.into_iter()
            .map(Step::Release)
            .chain([Step::Free(id)])
            .collect()
    }

    /// `subtype_dealloc` up to releasing the attributes: the finalizer, then
    /// the weak references. Returns the remaining steps, or `None` if
    /// `__del__` resurrected the object.
    fn dealloc_instance<R: Runtime<Self>>(&mut self, id: ObjId, rt: &mut R) -> Option<Vec<Step>> {
        let has_del = self.has_finalizer(id);
        if has_del {
            // PyObject_CallFinalizerFromDealloc: tracked again and given a
            // temporary reference while __del__ runs, so that code sees a
            // live object (and a collection started from it keeps it).
            self.track(id, List::Gen0);
            match self.store.slot_mut(id) {
                Some(slot) => slot.set_refcount(1),
                None => return None,
            }
            if !self.store.finalized(id) {
                rt.finalize(self, id);
                self.store.set_finalized(id);
            }
            let slot = self.store.slot_mut(id)?;
            slot.set_refcount(slot.refcount().saturating_sub(1));
            if slot.refcount() > 0 {
                // Stored somewhere by __del__: it lives on, tracked again
                // (at the end of generation 0), never finalized again.
                return None;
            }
            self.untrack(id);
        }
        self.clear_weakrefs(id, rt);
        if has_del {
            // Weakrefs made during __del__ are cleared without callbacks.
            self.detach_all_weakrefs(id);
        }
        let Some(Object::Instance(inst)) = self.store.object(id) else {
            return None;
        };
        // Attributes, then the __dict__, then the memory, then the class:
        // object_dealloc frees the instance before subtype_dealloc drops its
        // reference to the type.
        let mut steps: Vec<Step> = inst.attrs.iter().map(|&(_, v)| Step::Release(v)).collect();
        steps.extend(inst.dict.map(Step::Release));
        steps.push(Step::Free(id));
        steps.push(Step::Release(inst.class));
        Some(steps)
    }

    /// An instance whose class defines `__del__` (`tp_finalize`).
    pub(super) fn has_finalizer(&self, id: ObjId) -> bool {
        let Some(Object::Instance(inst)) = self.store.object(id) else {
            return false;
        };
        matches!(self.store.object(inst.class), Some(Object::Class(c)) if c.has_del)
    }

    /// The memory goes back, as the end of each `tp_dealloc` gives it: what
    /// the object kept apart (a list's item array, a dict's keys table)
    /// first, then its own block, to its free list if there is room. A GC
    /// object counts as a deallocation for `gc.get_count()`
    /// (`PyObject_GC_Del`), unless it goes on a free list.
    fn free(&mut self, id: ObjId) {
        self.untrack(id);
        // Weakrefs to an object that has no weakref support of its own
        // cannot exist in CPython; if one does here, it just goes dead.
        self.detach_all_weakrefs(id);
        let Some(slot) = self.store.remove::<L>(id) else {
            return;
        };
        if let Some(table) = slot.table {
            self.release_table(&slot.object, &slot.keys, table);
        }
        let kept = self.release_object_block(&slot.object, slot.block);
        if counts_as_gc(&slot.object) && !kept {
            self.collector.state.deallocated();
        }
    }
}

/// Whether allocating or freeing this object moves `gc.get_count()`: GC
/// types, except the empty tuple, which CPython never allocates.
pub(super) fn counts_as_gc(object: &Object) -> bool {
    match object {
        Object::Tuple(items) => !items.is_empty(),
        other => other.is_gc_type(),
    }
}
