//! Which objects the collector tracks (CPython 3.11).
//!
//! Only containers can be part of a cycle, so only they are tracked. Two
//! containers are cleverer than that: a tuple or a dict that holds nothing
//! trackable cannot be part of a cycle either, and CPython stops tracking
//! it to save the collector work. The rules differ:
//!
//! - a tuple starts tracked, and a collection that finds it alive untracks
//!   it if none of its items may be tracked (`_PyTuple_MaybeUntrack`, from
//!   `untrack_tuples`). A tuple never becomes tracked again: it cannot change.
//! - a dict starts untracked and becomes tracked the moment something that
//!   may be tracked is stored in it (`MAINTAIN_TRACKING`); only a full
//!   collection untracks it again (`_PyDict_MaybeUntrack`, from
//!   `untrack_dicts`), to keep building a big dict from being quadratic.

use memlings_python::{Allocator, GcLinks, ObjId, Object};

use crate::gclist::List;
use crate::ReferenceHeap;

impl<A: Allocator, L: GcLinks> ReferenceHeap<A, L> {
    /// `_PyObject_GC_MAY_BE_TRACKED`: could this object be part of a cycle?
    /// Any GC object may, except a tuple already untracked. (An untracked
    /// dict still may: something trackable can be stored in it later.)
    pub(super) fn may_be_tracked(&self, id: ObjId) -> bool {
        self.store.may_be_tracked(id)
    }

    /// Whether a new object of this kind is tracked from the start.
    pub(super) fn starts_tracked(&self, object: &Object) -> bool {
        match object {
            // The empty tuple is a static singleton in 3.11, never tracked.
            Object::Tuple(items) => !items.is_empty(),
            // `_PyDict_FromItems` and friends insert each item with
            // MAINTAIN_TRACKING.
            Object::Dict(dict) => dict
                .entries
                .iter()
                .any(|&(k, v)| self.may_be_tracked(k) || self.may_be_tracked(v)),
            other => other.is_gc_type(),
        }
    }

    /// `MAINTAIN_TRACKING(mp, key, value)`: storing `value` into an
    /// untracked dict that may now be part of a cycle starts tracking it.
    pub(super) fn maintain_dict_tracking(&mut self, dict: ObjId, value: ObjId) {
        let is_dict = matches!(self.store.object(dict), Some(Object::Dict(_)));
        if is_dict && !self.is_tracked(dict) && self.may_be_tracked(value) {
            self.track(dict, List::Gen0);
        }
    }

    /// `_PyDict_MaybeUntrack`.
    pub(super) fn maybe_untrack_dict(&mut self, id: ObjId) {
        let Some(Object::Dict(dict)) = self.store.object(id) else {
            return;
        };
        if !dict
            .entries
            .iter()
            .any(|&(k, v)| self.may_be_tracked(k) || self.may_be_tracked(v))
        {
            self.untrack(id);
        }
    }
}
