//! Iteration over the built-in containers, as their CPython iterators do
//! it: a list iterator reads the live list (so appending while looping is
//! seen), a dict iterator refuses a dict that changed size.

use std::rc::Rc;

use num_bigint::BigInt;

use crate::ast::{Expr, ExprKind};
use crate::builtin::Builtin;
use crate::heap::Heap;
use crate::object::{ObjId, Object};

use super::containers;
use super::{Interp, R};

pub enum Iter {
    /// A list or a tuple, by position.
    Seq {
        container: ObjId,
        index: usize,
    },
    /// A dict's keys (iterating the dict, or `d.keys()`), values or items.
    Dict {
        container: ObjId,
        index: usize,
        len: usize,
        part: DictPart,
    },
    Str {
        chars: Vec<char>,
        index: usize,
    },
    Range {
        next: i64,
        stop: i64,
        step: i64,
    },
    /// `enumerate(x, start)`.
    Enumerate {
        inner: Box<Iter>,
        next: BigInt,
        result: ObjId,
    },
    /// `zip(a, b, ...)`.
    Zip {
        inners: Vec<Iter>,
        result: ObjId,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DictPart {
    Keys,
    Values,
    /// (key, value) tuples, through the iterator's reused result tuple.
    Items(ObjId),
}

impl<H: Heap> Interp<'_, H> {
    /// The iterator of a `for` loop's header. CPython makes an iterator
    /// object (a GC allocation that `gc.get_count()` sees, which holds
    /// the container); so does this, as a hidden object pushed on the
    /// stack until the loop ends. `d.keys()`, `d.values()`, `d.items()`,
    /// `enumerate(...)` and `zip(...)` make the objects CPython makes for
    /// them (view, iterator, result tuple), in the same order.
    pub(super) fn loop_iterator(&mut self, heap: &mut H, iter: &Expr) -> R<Iter> {
        if let ExprKind::Call { func, args, kwargs } = &iter.kind {
            if kwargs.is_empty() {
                match &func.kind {
                    ExprKind::Attr(obj, name)
                        if args.is_empty() && ["keys", "values", "items"].contains(&&**name) =>
                    {
                        let owner = self.eval(heap, obj)?;
                        if matches!(heap.get(owner), Object::Dict(_)) {
                            return Ok(self.dict_iter(heap, owner, name));
                        }
                        self.stack.push(owner);
                        let call = self.eval_call_on(heap, iter.line, owner, name, args);
                        self.stack.pop();
                        self.decref(heap, owner);
                        return self.iterate_owned(heap, call?);
                    }
                    ExprKind::Name(n) => {
                        let callee = self.load_name(heap, n)?;
                        let kind = match heap.get(callee) {
                            Object::Builtin(b @ (Builtin::Enumerate | Builtin::Zip)) => Some(*b),
                            _ => None,
                        };
                        self.stack.push(callee);
                        let values = self.eval_all(heap, args)?;
                        self.stack.pop();
                        self.line = iter.line;
                        let Some(kind) = kind else {
                            let r = self.call_object(heap, callee, values, Vec::new());
                            self.decref(heap, callee);
                            return self.iterate_owned(heap, r?);
                        };
                        // zip is called through an argument tuple (no vectorcall in 3.11).
                        let args_tuple =
                            (kind == Builtin::Zip).then(|| self.new_tuple(heap, values.clone()));
                        let r = self.builtin_iter(heap, kind, &values);
                        if let Some(t) = args_tuple {
                            self.decref(heap, t);
                        }
                        self.decref_all(heap, values);
                        self.decref(heap, callee);
                        return r;
                    }
                    _ => {}
                }
            }
        }
        let iterable = self.eval(heap, iter)?;
        self.iterate_owned(heap, iterable)
    }

    /// GET_ITER on `obj` (owned): the iterator object takes the reference
    /// and goes on the stack (a range's iterator is not a GC object and
    /// copies the numbers, so the range just goes).
    fn iterate_owned(&mut self, heap: &mut H, obj: ObjId) -> R<Iter> {
        match self.iterate(heap, obj) {
            Ok(it) => {
                if matches!(it, Iter::Range { .. }) {
                    self.decref(heap, obj);
                } else {
                    let shadow = self.shadow(heap, vec![obj]);
                    self.stack.push(shadow);
                }
                Ok(it)
            }
            Err(e) => {
                self.decref(heap, obj);
                Err(e)
            }
        }
    }

    /// An iterator for `enumerate` or `zip` (no stack push): the hidden
    /// iterator object, if CPython makes a GC one, holding a new
    /// reference to `obj` (borrowed).
    fn inner_iter(&mut self, heap: &mut H, obj: ObjId) -> R<(Iter, Option<ObjId>)> {
        let it = self.iterate(heap, obj)?;
        if matches!(it, Iter::Range { .. }) {
            return Ok((it, None));
        }
        heap.incref(obj);
        Ok((it, Some(self.shadow(heap, vec![obj]))))
    }

    /// `for ... in d.keys() / d.values() / d.items()`, `dict` owned.
    fn dict_iter(&mut self, heap: &mut H, dict: ObjId, view: &str) -> Iter {
        // The call makes a view; GET_ITER makes the iterator and drops
        // the view.
        heap.incref(dict);
        let view_object = self.shadow(heap, vec![dict]);
        self.decref(heap, dict);
        heap.incref(dict);
        let iterator = self.shadow(heap, vec![dict]);
        let len = match heap.get(dict) {
            Object::Dict(d) => d.entries.len(),
            _ => 0,
        };
        let part = match view {
            "keys" => DictPart::Keys,
            "values" => DictPart::Values,
            _ => {
                let result = self.new_result_tuple(heap, 2);
                self.shadow_hold(heap, iterator, result);
                DictPart::Items(result)
            }
        };
        self.stack.push(iterator);
        self.decref(heap, view_object);
        Iter::Dict {
            container: dict,
            index: 0,
            len,
            part,
        }
    }

    /// `enumerate(x[, start])` or `zip(a, b, ...)`; the arguments are
    /// borrowed (the caller releases them after, as CALL does).
    fn builtin_iter(&mut self, heap: &mut H, kind: Builtin, args: &[ObjId]) -> R<Iter> {
        if kind == Builtin::Enumerate {
            if args.is_empty() || args.len() > 2 {
                let n = args.len();
                return Err(self.err(
                    "TypeError",
                    if n == 0 {
                        "enumerate() missing required argument 'iterable' (pos 1)".to_string()
                    } else {
                        format!("enumerate() takes at most 2 arguments ({n} given)")
                    },
                ));
            }
            let start = match args.get(1).map(|&s| heap.get(s)) {
                None => BigInt::from(0),
                Some(Object::Int(i)) => i.clone(),
                Some(Object::Bool(b)) => BigInt::from(*b as u8),
                Some(other) => {
                    let tname = self.type_name_of(heap, other);
                    return Err(self.err(
                        "TypeError",
                        format!("'{tname}' object cannot be interpreted as an integer"),
                    ));
                }
            };
            // enum_new: the object, then the inner iterator, then the
            // result tuple.
            let en = self.shadow(heap, Vec::new());
            self.stack.push(en);
            let (inner, inner_object) = self.inner_iter(heap, args[0])?;
            if let Some(o) = inner_object {
                self.shadow_hold(heap, en, o);
            }
            let result = self.new_result_tuple(heap, 2);
            self.shadow_hold(heap, en, result);
            return Ok(Iter::Enumerate {
                inner: Box::new(inner),
                next: start,
                result,
            });
        }
        // zip_new: the tuple of iterators, each iterator, the result tuple,
        // then the zip object holding both tuples.
        let placeholders: Vec<ObjId> = args.iter().map(|_| self.none(heap)).collect();
        let ittuple = self.new_tuple_owning(heap, placeholders);
        self.stack.push(ittuple);
        let mut inners = Vec::new();
        for (i, &a) in args.iter().enumerate() {
            let (it, object) = self.inner_iter(heap, a)?;
            inners.push(it);
            if let Some(o) = object {
                let old = containers::tuple_set(heap, ittuple, i, o);
                self.decref(heap, old);
            }
        }
        let n = inners.len();
        let result = self.new_result_tuple(heap, n);
        self.stack.pop();
        let zip = self.shadow(heap, vec![ittuple, result]);
        self.stack.push(zip);
        Ok(Iter::Zip { inners, result })
    }

    /// A hidden GC object standing for an iterator or view CPython
    /// allocates (tracked, not on a free list, its dealloc releasing
    /// `refs` in order): an instance of an internal class. Takes over the
    /// references in `refs`.
    pub(super) fn shadow(&mut self, heap: &mut H, refs: Vec<ObjId>) -> ObjId {
        let class = self.iterator_class.expect("made at setup");
        heap.incref(class);
        let attrs: Vec<(crate::ast::Name, ObjId)> = refs
            .into_iter()
            .map(|r| (crate::ast::Name::from("ref"), r))
            .collect();
        self.new_instance(heap, class, attrs)
    }

    /// Gives a hidden iterator object one more reference to hold.
    fn shadow_hold(&mut self, heap: &mut H, shadow: ObjId, r: ObjId) {
        containers::instance_hold(heap, shadow, r);
    }

    /// An iterator over `obj` (borrowed), or CPython's TypeError.
    pub(super) fn iterate(&mut self, heap: &mut H, obj: ObjId) -> R<Iter> {
        Ok(match heap.get(obj) {
            Object::List(_) | Object::Tuple(_) => Iter::Seq {
                container: obj,
                index: 0,
            },
            Object::Dict(d) => Iter::Dict {
                container: obj,
                index: 0,
                len: d.entries.len(),
                part: DictPart::Keys,
            },
            Object::Str(s) => Iter::Str {
                chars: s.chars().collect(),
                index: 0,
            },
            &Object::Range { start, stop, step } => Iter::Range {
                next: start,
                stop,
                step,
            },
            other => {
                let name = self.type_name_of(heap, other);
                return Err(self.err("TypeError", format!("'{name}' object is not iterable")));
            }
        })
    }

    /// The next item (owned), or `None` at the end.
    pub(super) fn next_item(&mut self, heap: &mut H, it: &mut Iter) -> R<Option<ObjId>> {
        match it {
            Iter::Seq { container, index } => {
                let item = match heap.get(*container) {
                    Object::List(l) => l.items.get(*index).copied(),
                    Object::Tuple(t) => t.get(*index).copied(),
                    _ => None,
                };
                *index += 1;
                if let Some(id) = item {
                    heap.incref(id);
                }
                Ok(item)
            }
            Iter::Dict {
                container,
                index,
                len,
                part,
            } => {
                let (now, entry) = match heap.get(*container) {
                    Object::Dict(d) => (d.entries.len(), d.entries.get(*index).copied()),
                    _ => (0, None),
                };
                if now != *len {
                    *len = usize::MAX;
                    return Err(
                        self.err("RuntimeError", "dictionary changed size during iteration")
                    );
                }
                *index += 1;
                let Some((k, v)) = entry else {
                    return Ok(None);
                };
                match *part {
                    DictPart::Keys => {
                        heap.incref(k);
                        Ok(Some(k))
                    }
                    DictPart::Values => {
                        heap.incref(v);
                        Ok(Some(v))
                    }
                    DictPart::Items(result) => {
                        heap.incref(k);
                        heap.incref(v);
                        Ok(Some(self.result_tuple(heap, result, vec![k, v])))
                    }
                }
            }
            Iter::Enumerate {
                inner,
                next,
                result,
            } => {
                let Some(item) = self.next_item(heap, inner)? else {
                    return Ok(None);
                };
                let index = self.new_int(heap, next.clone());
                *next += 1;
                let result = *result;
                Ok(Some(self.result_tuple(heap, result, vec![index, item])))
            }
            Iter::Zip { inners, result } => {
                if inners.is_empty() {
                    return Ok(None);
                }
                let result = *result;
                let mut items = Vec::new();
                for inner in inners.iter_mut() {
                    match self.next_item(heap, inner) {
                        Ok(Some(item)) => items.push(item),
                        Ok(None) => {
                            self.decref_all(heap, items);
                            return Ok(None);
                        }
                        Err(e) => {
                            self.decref_all(heap, items);
                            return Err(e);
                        }
                    }
                }
                Ok(Some(self.result_tuple(heap, result, items)))
            }
            Iter::Str { chars, index } => {
                let Some(&c) = chars.get(*index) else {
                    return Ok(None);
                };
                *index += 1;
                Ok(Some(self.new_str(heap, Rc::from(c.to_string().as_str()))))
            }
            Iter::Range { next, stop, step } => {
                let more = if *step > 0 {
                    *next < *stop
                } else {
                    *next > *stop
                };
                if !more {
                    return Ok(None);
                }
                let value = *next;
                *next = next.saturating_add(*step);
                if (*step > 0 && *next < value) || (*step < 0 && *next > value) {
                    *next = *stop;
                }
                Ok(Some(self.new_int(heap, BigInt::from(value))))
            }
        }
    }

    /// The tuple an enumerate, zip or dict-items iterator yields: its own
    /// result tuple again when nobody else holds it (CPython reuses it),
    /// else a new one. Takes over the references in `items`.
    fn result_tuple(&mut self, heap: &mut H, result: ObjId, items: Vec<ObjId>) -> ObjId {
        if heap.refcount(result) != 1 {
            return self.new_tuple_owning(heap, items);
        }
        heap.incref(result);
        let old = containers::tuple_refill(heap, result, items);
        self.decref_all(heap, old);
        result
    }

    /// A result tuple of `n` Nones, as `PyTuple_Pack` makes for a new
    /// enumerate, zip or dict-items iterator.
    pub(super) fn new_result_tuple(&mut self, heap: &mut H, n: usize) -> ObjId {
        let nones: Vec<ObjId> = (0..n).map(|_| self.none(heap)).collect();
        self.new_tuple_owning(heap, nones)
    }

    /// Every item of an iterable (owned references), for `list(x)`,
    /// unpacking, `extend` and friends.
    pub(super) fn collect_items(&mut self, heap: &mut H, obj: ObjId) -> R<Vec<ObjId>> {
        if let &Object::Range { start, stop, step } = heap.get(obj) {
            let len = super::ops::range_len(start, stop, step);
            if len > super::ops::MAX_SEQUENCE as u64 {
                return Err(self.unsupported(format!(
                    "sequences longer than {} items",
                    crate::error::thousands(super::ops::MAX_SEQUENCE as u64)
                )));
            }
        }
        let mut it = self.iterate(heap, obj)?;
        let mut items = Vec::new();
        loop {
            match self.next_item(heap, &mut it) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(items),
                Err(e) => {
                    self.decref_all(heap, items);
                    return Err(e);
                }
            }
        }
    }
}
