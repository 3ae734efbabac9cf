//! Every change to what a container holds, and every container built with
//! contents, each with the heap hooks CPython's code reaches at that point
//! and in its order: [`Heap::stored`] once a reference is in place,
//! [`Heap::resized`] where `list_resize` runs, [`Heap::items_reallocated`]
//! where a list's item array is allocated exactly or freed,
//! [`Heap::dict_key_added`] and [`Heap::dict_cleared`] for a dict's keys
//! table. It follows Objects/listobject.c, Objects/dictobject.c (insertdict,
//! delitem, PyDict_Clear), Objects/tupleobject.c and the instance
//! attributes of Objects/typeobject.c and dictobject.c.
//!
//! The rest of the interpreter reads objects with [`Heap::get`] and changes
//! them only through here, so no store can forget its hook. An operation
//! that displaces references returns them, in the order CPython releases
//! them, for the caller to decref once the container is consistent again
//! (a `__del__` run by that decref sees the new contents).

use crate::ast::Name;
use crate::heap::Heap;
use crate::object::{Class, Dict, Instance, List, ObjId, Object, WeakRef};

use super::{Interp, R};

/// Where `list.extend`'s items come from, which decides how CPython's
/// `list_extend` sizes the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// A list or a tuple (`PySequence_Fast`): nothing if it is empty, else
    /// an exact item array for a list that has none yet, or one
    /// `list_resize` to the new length.
    Sequence,
    /// Any other iterable: the same for its length hint (the exact length,
    /// for the subset's iterables), but a list that has an item array is
    /// resized even for no items, and after the items the list is cut
    /// back to its length if its capacity is larger.
    Iterator,
}

/// The list `id`, for a change. The caller has seen that it is one.
fn list_mut<H: Heap>(heap: &mut H, id: ObjId) -> &mut List {
    match heap.get_mut(id) {
        Object::List(l) => l,
        other => not_a(id, other, "list"),
    }
}

fn list_ref<H: Heap>(heap: &H, id: ObjId) -> &List {
    match heap.get(id) {
        Object::List(l) => l,
        other => not_a(id, other, "list"),
    }
}

fn dict_mut<H: Heap>(heap: &mut H, id: ObjId) -> &mut Dict {
    match heap.get_mut(id) {
        Object::Dict(d) => d,
        other => not_a(id, other, "dict"),
    }
}

fn tuple_mut<H: Heap>(heap: &mut H, id: ObjId) -> &mut Vec<ObjId> {
    match heap.get_mut(id) {
        Object::Tuple(t) => t,
        other => not_a(id, other, "tuple"),
    }
}

fn instance_mut<H: Heap>(heap: &mut H, id: ObjId) -> &mut Instance {
    match heap.get_mut(id) {
        Object::Instance(i) => i,
        other => not_a(id, other, "instance"),
    }
}

fn class_mut<H: Heap>(heap: &mut H, id: ObjId) -> &mut Class {
    match heap.get_mut(id) {
        Object::Class(c) => c,
        other => not_a(id, other, "class"),
    }
}

/// A caller handed a container of the wrong type: a bug of the interpreter,
/// never of the program.
fn not_a(id: ObjId, object: &Object, want: &str) -> ! {
    panic!("{id:?} is a {}, not a {want}", object.type_name())
}

// ---- lists ----

/// `l.append(value)` (consumes `value`): `_PyList_AppendTakeRef`, whose
/// `list_resize` keeps the capacity while there is room.
pub(super) fn list_append<H: Heap>(heap: &mut H, list: ObjId, value: ObjId) {
    let len = list_ref(heap, list).items.len();
    heap.resized(list, len, len + 1);
    list_mut(heap, list).items.push(value);
    heap.stored(list, value);
}

/// `l.insert(index, value)` (consumes `value`): `ins1`, which resizes first
/// and clamps the index as slicing does.
pub(super) fn list_insert<H: Heap>(heap: &mut H, list: ObjId, index: i64, value: ObjId) {
    let len = list_ref(heap, list).items.len();
    heap.resized(list, len, len + 1);
    let n = len as i64;
    let at = if index < 0 {
        (index + n).max(0)
    } else {
        index.min(n)
    } as usize;
    list_mut(heap, list).items.insert(at, value);
    heap.stored(list, value);
}

/// `l[i] = value` (consumes `value`; `i` in range): `list_ass_item`.
/// Returns the old item.
pub(super) fn list_set<H: Heap>(heap: &mut H, list: ObjId, i: usize, value: ObjId) -> ObjId {
    let old = std::mem::replace(&mut list_mut(heap, list).items[i], value);
    heap.stored(list, value);
    old
}

/// `l.pop(i)` (`i` in range): the last item through `list_resize`, any
/// other through `list_ass_slice`, as `list_pop_impl` does. Returns the
/// item, whose reference passes to the caller.
pub(super) fn list_pop<H: Heap>(heap: &mut H, list: ObjId, i: usize) -> ObjId {
    let len = list_ref(heap, list).items.len();
    if i + 1 != len {
        return list_delete(heap, list, i);
    }
    let item = list_mut(heap, list).items.remove(i);
    heap.resized(list, len, len - 1);
    item
}

/// `del l[i]` and `l.remove(x)` (`i` in range): `list_ass_slice` with no
/// replacement, which clears a list it would leave empty (`_list_clear`
/// frees the item array) and resizes any other. Returns the removed item.
pub(super) fn list_delete<H: Heap>(heap: &mut H, list: ObjId, i: usize) -> ObjId {
    let len = list_ref(heap, list).items.len();
    let item = list_mut(heap, list).items.remove(i);
    if len == 1 {
        heap.items_reallocated(list, 0);
    } else {
        heap.resized(list, len, len - 1);
    }
    item
}

/// `l.extend(items)`, `l += items` (consumes `items`): `list_extend`.
pub(super) fn list_extend<H: Heap>(heap: &mut H, list: ObjId, items: Vec<ObjId>, source: Source) {
    let (m, n) = (list_ref(heap, list).items.len(), items.len());
    if source == Source::Sequence && n == 0 {
        return;
    }
    // A list with no item array (`ob_item == NULL`) gets an exact one.
    if !heap.has_item_array(list) {
        if n > 0 {
            list_preallocate_exact(heap, list, n);
        }
    } else {
        heap.resized(list, m, m + n);
    }
    list_mut(heap, list).items.extend(&items);
    for i in items {
        heap.stored(list, i);
    }
    if source == Source::Iterator && m + n < list_ref(heap, list).allocated {
        heap.resized(list, m + n, m + n);
    }
}

/// `list_preallocate_exact`: an item array for `n` items, rounded up to an
/// even count (pymalloc's 16-byte granularity makes the odd slot free).
pub(super) fn list_preallocate_exact<H: Heap>(heap: &mut H, list: ObjId, n: usize) {
    heap.items_reallocated(list, (n + 1) & !1);
}

/// `l.clear()`: `_list_clear` empties the list and drops its item array
/// before releasing anything. Returns the items in release order, last
/// first.
pub(super) fn list_clear<H: Heap>(heap: &mut H, list: ObjId) -> Vec<ObjId> {
    let items = std::mem::take(&mut list_mut(heap, list).items);
    heap.items_reallocated(list, 0);
    items.into_iter().rev().collect()
}

/// `l.reverse()`: in place, no reference moves.
pub(super) fn list_reverse<H: Heap>(heap: &mut H, list: ObjId) {
    list_mut(heap, list).items.reverse();
}

// ---- dicts ----

/// A new key (consumes `key` and `value`): insertdict appends the entry,
/// its keys table may grow, then MAINTAIN_TRACKING looks at both.
pub(super) fn dict_add<H: Heap>(heap: &mut H, dict: ObjId, key: ObjId, value: ObjId) {
    dict_mut(heap, dict).entries.push((key, value));
    heap.dict_key_added(dict);
    heap.stored(dict, key);
    heap.stored(dict, value);
}

/// A new value for entry `i` (consumes `value`): the dict keeps its key
/// object. Returns the old value.
pub(super) fn dict_replace<H: Heap>(heap: &mut H, dict: ObjId, i: usize, value: ObjId) -> ObjId {
    let old = std::mem::replace(&mut dict_mut(heap, dict).entries[i].1, value);
    heap.stored(dict, value);
    old
}

/// Removes entry `i`; returns its key and value, released in that order.
/// No hook: CPython leaves a dummy entry and keeps the table.
pub(super) fn dict_delete<H: Heap>(heap: &mut H, dict: ObjId, i: usize) -> (ObjId, ObjId) {
    dict_mut(heap, dict).entries.remove(i)
}

/// `d.clear()`: PyDict_Clear gives the dict the empty keys table, then
/// releases each entry's key and value, first entry first.
pub(super) fn dict_clear<H: Heap>(heap: &mut H, dict: ObjId) -> Vec<(ObjId, ObjId)> {
    let entries = std::mem::take(&mut dict_mut(heap, dict).entries);
    heap.dict_cleared(dict);
    entries
}

// ---- instances, classes, tuples ----

/// `obj.name = value` for attributes still stored inline (consumes
/// `value`). Returns the old value, if the attribute existed.
pub(super) fn instance_set_inline<H: Heap>(
    heap: &mut H,
    obj: ObjId,
    name: &str,
    value: ObjId,
) -> Option<ObjId> {
    let inst = instance_mut(heap, obj);
    let old = match inst.attrs.iter_mut().find(|(n, _)| &**n == name) {
        Some(slot) => Some(std::mem::replace(&mut slot.1, value)),
        None => {
            inst.attrs.push((name.into(), value));
            None
        }
    };
    heap.stored(obj, value);
    old
}

/// `del obj.name` for inline attributes; returns the removed value.
pub(super) fn instance_del_inline<H: Heap>(heap: &mut H, obj: ObjId, name: &str) -> Option<ObjId> {
    let inst = instance_mut(heap, obj);
    let i = inst.attrs.iter().position(|(n, _)| &**n == name)?;
    Some(inst.attrs.remove(i).1)
}

/// One more reference (consumed) for a hidden iterator object to hold.
pub(super) fn instance_hold<H: Heap>(heap: &mut H, obj: ObjId, value: ObjId) {
    instance_mut(heap, obj).attrs.push(("ref".into(), value));
    heap.stored(obj, value);
}

/// Whether a class's instances have a finalizer, after `C.__del__` is
/// set or deleted (the slot `tp_finalize`, no reference).
pub(super) fn class_set_has_del<H: Heap>(heap: &mut H, class: ObjId, has_del: bool) {
    class_mut(heap, class).has_del = has_del;
}

/// The objects `type.__new__` makes with a class (consumed): its mro and
/// bases tuples.
pub(super) fn class_set_parts<H: Heap>(heap: &mut H, class: ObjId, parts: Vec<ObjId>) {
    class_mut(heap, class).parts = parts.clone();
    for p in parts {
        heap.stored(class, p);
    }
}

/// Item `i` of a tuple nobody else sees yet (consumes `value`), as
/// `PyTuple_SET_ITEM` fills one. Returns the placeholder it replaces.
pub(super) fn tuple_set<H: Heap>(heap: &mut H, tuple: ObjId, i: usize, value: ObjId) -> ObjId {
    let old = std::mem::replace(&mut tuple_mut(heap, tuple)[i], value);
    heap.stored(tuple, value);
    old
}

/// New contents for a reused result tuple (consumes `items`). Returns the
/// old items, to release first to last.
pub(super) fn tuple_refill<H: Heap>(heap: &mut H, tuple: ObjId, items: Vec<ObjId>) -> Vec<ObjId> {
    let old = std::mem::replace(tuple_mut(heap, tuple), items.clone());
    for i in items {
        heap.stored(tuple, i);
    }
    old
}

// ---- containers built with contents, and stores that need the runtime ----

impl<H: Heap> Interp<'_, H> {
    /// `PyList_New(capacity)` with `items` (taken over) in its first
    /// slots, as `str.split` fills its preallocated list.
    pub(super) fn new_list_sized(
        &mut self,
        heap: &mut H,
        capacity: usize,
        items: Vec<ObjId>,
    ) -> ObjId {
        debug_assert!(items.len() <= capacity);
        let list = self.alloc(
            heap,
            Object::List(List {
                items: items.clone(),
                allocated: capacity,
            }),
        );
        for i in items {
            heap.stored(list, i);
        }
        list
    }

    /// A new list of exactly its items (taken over): `PyList_New(n)` of
    /// BUILD_LIST, `list_new_prealloc` of `+`, `*`, slices and `copy()`.
    pub fn new_list_owning(&mut self, heap: &mut H, items: Vec<ObjId>) -> ObjId {
        self.new_list_sized(heap, items.len(), items)
    }

    /// Like [`Interp::new_list_owning`], with new references to `items`.
    pub fn new_list(&mut self, heap: &mut H, items: Vec<ObjId>) -> ObjId {
        for &i in &items {
            heap.incref(i);
        }
        self.new_list_owning(heap, items)
    }

    /// A new tuple holding new references to `items` (borrowed).
    pub fn new_tuple(&mut self, heap: &mut H, items: Vec<ObjId>) -> ObjId {
        for &i in &items {
            heap.incref(i);
        }
        self.new_tuple_owning(heap, items)
    }

    /// A tuple of `items` (taken over); `()` is the shared empty tuple.
    pub fn new_tuple_owning(&mut self, heap: &mut H, items: Vec<ObjId>) -> ObjId {
        if items.is_empty() {
            return self.empty_tuple(heap);
        }
        let t = self.alloc(heap, Object::Tuple(items.clone()));
        for i in items {
            heap.stored(t, i);
        }
        t
    }

    /// A dict of `entries` (taken over, keys distinct), as a display, a
    /// copy or a materialized namespace makes it; the heap sizes its keys
    /// table.
    pub(super) fn new_dict_owning(&mut self, heap: &mut H, entries: Vec<(ObjId, ObjId)>) -> ObjId {
        let dict = self.alloc(
            heap,
            Object::Dict(Dict {
                entries: entries.clone(),
                table_size: 0,
            }),
        );
        for (k, v) in entries {
            heap.stored(dict, k);
            heap.stored(dict, v);
        }
        dict
    }

    /// An instance of `class` (a reference taken over) holding `attrs`
    /// (taken over) inline.
    pub(super) fn new_instance(
        &mut self,
        heap: &mut H,
        class: ObjId,
        attrs: Vec<(Name, ObjId)>,
    ) -> ObjId {
        let values: Vec<ObjId> = attrs.iter().map(|&(_, v)| v).collect();
        let id = self.alloc(
            heap,
            Object::Instance(Instance {
                class,
                attrs,
                dict: None,
            }),
        );
        for v in values {
            heap.stored(id, v);
        }
        id
    }

    /// `weakref.ref(target, callback)` (the callback's reference taken
    /// over). The heap may hand back `target`'s existing plain weakref.
    pub(super) fn new_weakref(
        &mut self,
        heap: &mut H,
        target: ObjId,
        callback: Option<ObjId>,
    ) -> ObjId {
        let r = self.alloc(
            heap,
            Object::WeakRef(WeakRef {
                target: Some(target),
                callback,
            }),
        );
        if let Some(c) = callback {
            heap.stored(r, c);
        }
        r
    }

    /// `dict[key] = value` (consumes both `key` and `value`).
    pub fn dict_set(&mut self, heap: &mut H, dict: ObjId, key: ObjId, value: ObjId) -> R<()> {
        let found = match self.dict_find(heap, dict, key, 0) {
            Ok(found) => found,
            Err(e) => {
                self.decref(heap, key);
                self.decref(heap, value);
                return Err(e);
            }
        };
        match found {
            Some(i) => {
                let old = dict_replace(heap, dict, i, value);
                self.decref(heap, old);
                // The dict keeps its first key object.
                self.decref(heap, key);
            }
            None => dict_add(heap, dict, key, value),
        }
        Ok(())
    }

    /// Removes `key` (borrowed); returns the entry's references for the
    /// caller to release (key first, then value, as CPython does).
    pub fn dict_remove(
        &mut self,
        heap: &mut H,
        dict: ObjId,
        key: ObjId,
    ) -> R<Option<(ObjId, ObjId)>> {
        let Some(i) = self.dict_find(heap, dict, key, 0)? else {
            return Ok(None);
        };
        Ok(Some(dict_delete(heap, dict, i)))
    }

    /// `obj.__dict__` (a new reference): 3.11 keeps an instance's
    /// attributes inline and makes the dict only when asked; from then on
    /// the attributes live in it.
    pub(super) fn instance_dict(&mut self, heap: &mut H, obj: ObjId) -> ObjId {
        let inst = instance_mut(heap, obj);
        let (existing, attrs) = (inst.dict, std::mem::take(&mut inst.attrs));
        if let Some(d) = existing {
            heap.incref(d);
            return d;
        }
        let mut entries = Vec::new();
        for (name, v) in attrs {
            let key = self.name_str(heap, &name);
            entries.push((key, v));
        }
        let dict = self.new_dict_owning(heap, entries);
        instance_mut(heap, obj).dict = Some(dict);
        heap.stored(obj, dict);
        heap.incref(dict);
        dict
    }
}
