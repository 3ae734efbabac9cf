//! Weak references: who points at an object without keeping it alive, and
//! what happens to them when it dies (Objects/weakrefobject.c).
//!
//! Each object that supports weak references keeps the list of those that
//! point at it (`tp_weaklist`). When it dies, each one is *cleared*: it now
//! points at nothing (`r()` returns `None`). A weakref made with a callback
//! also gets its callback called, with the weakref as argument, if the
//! weakref itself is still alive.

use memlings_python::{Allocator, GcLinks, ObjId, Object, Runtime};

use crate::ReferenceHeap;

/// The types of the subset that CPython lets you make a weakref to
/// (`tp_weaklistoffset != 0`): not lists, dicts, tuples, ints or strs.
pub(super) fn supports_weakrefs(object: &Object) -> bool {
    matches!(
        object,
        Object::Instance(_)
            | Object::Class(_)
            | Object::Function { .. }
            | Object::Builtin(_)
            | Object::Module(_)
    )
}

impl<A: Allocator, L: GcLinks> ReferenceHeap<A, L> {
    fn weakref_callback(&self, wr: ObjId) -> Option<ObjId> {
        match self.store.object(wr) {
            Some(Object::WeakRef(weak)) => weak.callback,
            _ => None,
        }
    }

    /// `weakref.ref(target)` without a callback returns the weakref that
    /// already exists, if there is one without a callback (CPython keeps it
    /// at the head of the list to find it).
    pub(super) fn existing_basic_weakref(&self, target: ObjId) -> Option<ObjId> {
        let head = *self.store.slot(target)?.weakrefs.first()?;
        self.weakref_callback(head).is_none().then_some(head)
    }

    /// Records a new weakref in its referent's list, where CPython's
    /// `weakref___new__` puts it: a callback-less one at the head, one with
    /// a callback just after the callback-less one (so callbacks later run
    /// newest first).
    pub(super) fn register_weakref(&mut self, wr: ObjId) {
        let Some(Object::WeakRef(weak)) = self.store.object(wr) else {
            return;
        };
        let (Some(target), has_callback) = (weak.target, weak.callback.is_some()) else {
            return;
        };
        let at = if !has_callback {
            0
        } else {
            usize::from(self.existing_basic_weakref(target).is_some())
        };
        if let Some(slot) = self.store.slot_mut(target) {
            slot.weakrefs.insert(at, wr);
        }
    }

    /// `_PyWeakref_ClearRef`: the weakref stops pointing at its referent and
    /// leaves its list; its callback stays.
    pub(super) fn detach_weakref(&mut self, wr: ObjId) {
        let target = match self.store.object_mut(wr) {
            Some(Object::WeakRef(weak)) => weak.target.take(),
            _ => None,
        };
        if let Some(slot) = target.and_then(|t| self.store.slot_mut(t)) {
            slot.weakrefs.retain(|&w| w != wr);
        }
    }

    /// Every weakref to `target` detached, callbacks not called.
    pub(super) fn detach_all_weakrefs(&mut self, target: ObjId) {
        let list = match self.store.slot_mut(target) {
            Some(slot) => std::mem::take(&mut slot.weakrefs),
            None => return,
        };
        for wr in list {
            if let Some(Object::WeakRef(weak)) = self.store.object_mut(wr) {
                weak.target = None;
            }
        }
    }

    /// `PyObject_ClearWeakRefs`, called by a deallocator: clear every weakref
    /// to `target`, then call the callbacks of those still alive.
    pub(super) fn clear_weakrefs<R: Runtime<Self>>(&mut self, target: ObjId, rt: &mut R) {
        // The callback-less weakref (at the head) is cleared first, quietly.
        while let Some(head) = self
            .store
            .slot(target)
            .and_then(|s| s.weakrefs.first().copied())
        {
            if self.weakref_callback(head).is_some() {
                break;
            }
            self.detach_weakref(head);
        }
        let list = self
            .store
            .slot(target)
            .map(|s| s.weakrefs.clone())
            .unwrap_or_default();
        match list.as_slice() {
            [] => {}
            &[wr] => {
                // One weakref: its callback is taken from it, called if the
                // weakref is alive, then released.
                let callback = match self.store.object_mut(wr) {
                    Some(Object::WeakRef(weak)) => weak.callback.take(),
                    _ => None,
                };
                self.detach_weakref(wr);
                if let Some(callback) = callback {
                    if self.store.refcount(wr) > 0 {
                        rt.weakref_callback(self, callback, wr);
                    }
                    self.decref_object(callback, rt);
                }
            }
            many => {
                // Several: CPython first clears them all, keeping each live
                // weakref and its callback in a tuple, so that no callback
                // can see a half-cleared list; then calls the callbacks in
                // list order; then drops the tuple.
                let mut held = Vec::with_capacity(2 * many.len());
                for &wr in many {
                    let callback = match self.store.object_mut(wr) {
                        Some(Object::WeakRef(weak)) => weak.callback.take(),
                        _ => None,
                    };
                    match callback {
                        Some(callback) if self.store.refcount(wr) > 0 => {
                            self.incref_object(wr);
                            held.push(wr);
                            held.push(callback);
                        }
                        Some(callback) => self.decref_object(callback, rt),
                        None => {}
                    }
                    self.detach_weakref(wr);
                }
                if held.is_empty() {
                    return;
                }
                let pairs: Vec<(ObjId, ObjId)> = held.chunks(2).map(|p| (p[0], p[1])).collect();
                // A real tuple: it counts as a GC allocation like CPython's.
                let tuple = self.allocate(Object::Tuple(held), rt);
                for (wr, callback) in pairs {
                    rt.weakref_callback(self, callback, wr);
                }
                self.decref_object(tuple, rt);
            }
        }
    }
}
