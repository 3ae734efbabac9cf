//! Methods of the built-in containers (Objects/listobject.c,
//! Objects/dictobject.c, Objects/unicodeobject.c): argument checks and
//! results here, the changes themselves in [`super::containers`], which
//! tells the heap where CPython resizes.

use num_bigint::BigInt;

use crate::ast::Name;
use crate::error::PyError;
use crate::heap::Heap;
use crate::object::{ObjId, Object};

use super::containers::{self, Source};
use super::{Interp, R};

/// The list `str.split` allocates before it splits (unicodeobject.c's
/// MAX_PREALLOC), filled in place, then appended to.
const MAX_PREALLOC: usize = 12;

/// The str methods the subset has.
const STR_METHODS: &[&str] = &[
    "upper",
    "lower",
    "strip",
    "lstrip",
    "rstrip",
    "replace",
    "startswith",
    "endswith",
    "count",
    "find",
    "split",
    "join",
];

impl<H: Heap> Interp<'_, H> {
    /// `obj.name(args)` for a built-in type (everything borrowed).
    pub(super) fn call_builtin_method(
        &mut self,
        heap: &mut H,
        obj: ObjId,
        name: &str,
        args: &[ObjId],
        kwargs: &[(Name, ObjId)],
    ) -> R<ObjId> {
        // Only errors name the method: every `append` of a loop would
        // otherwise format this.
        let qual = |interp: &Self, heap: &H| format!("{}.{name}", interp.type_name(heap, obj));
        if let Some((k, _)) = kwargs.first() {
            let qual = qual(self, heap);
            return Err(self.unsupported(format!("keyword arguments to {qual}() ({k}=...)")));
        }
        let exact = |interp: &Self, heap: &H, n: usize| -> R<()> {
            if args.len() == n {
                return Ok(());
            }
            let qual = qual(interp, heap);
            let msg = match n {
                0 => format!("{qual}() takes no arguments ({} given)", args.len()),
                1 => format!("{qual}() takes exactly one argument ({} given)", args.len()),
                _ => format!("{name} expected {n} arguments, got {}", args.len()),
            };
            Err(interp.err("TypeError", msg))
        };
        match (heap.get(obj), name) {
            (Object::List(_), "append") => {
                exact(self, heap, 1)?;
                heap.incref(args[0]);
                containers::list_append(heap, obj, args[0]);
                Ok(self.none(heap))
            }
            (Object::List(_), "extend") => {
                exact(self, heap, 1)?;
                self.list_extend(heap, obj, args[0])?;
                Ok(self.none(heap))
            }
            (Object::List(l), "pop") => {
                if args.len() > 1 {
                    return Err(self.err(
                        "TypeError",
                        format!("pop expected at most 1 argument, got {}", args.len()),
                    ));
                }
                let len = l.items.len();
                if len == 0 {
                    return Err(self.err("IndexError", "pop from empty list"));
                }
                let i = match args.first() {
                    Some(&a) => self.index_of(heap, a, len, "pop")?,
                    None => len - 1,
                };
                Ok(containers::list_pop(heap, obj, i))
            }
            (Object::List(_), "insert") => {
                exact(self, heap, 2)?;
                let index = match heap.get(args[0]) {
                    Object::Int(i) => num_traits::ToPrimitive::to_i64(i).unwrap_or(
                        if num_traits::Signed::is_negative(i) {
                            i64::MIN
                        } else {
                            i64::MAX
                        },
                    ),
                    Object::Bool(b) => *b as i64,
                    other => {
                        let t = self.type_name_of(heap, other);
                        return Err(self.err(
                            "TypeError",
                            format!("'{t}' object cannot be interpreted as an integer"),
                        ));
                    }
                };
                heap.incref(args[1]);
                containers::list_insert(heap, obj, index, args[1]);
                Ok(self.none(heap))
            }
            (Object::List(_), "clear") => {
                exact(self, heap, 0)?;
                let released = containers::list_clear(heap, obj);
                self.decref_all(heap, released);
                Ok(self.none(heap))
            }
            (Object::List(l), "copy") => {
                exact(self, heap, 0)?;
                let items = l.items.clone();
                Ok(self.new_list(heap, items))
            }
            (Object::List(_), "reverse") => {
                exact(self, heap, 0)?;
                containers::list_reverse(heap, obj);
                Ok(self.none(heap))
            }
            (Object::List(l), "remove") => {
                exact(self, heap, 1)?;
                let items = l.items.clone();
                let mut found = None;
                for (i, &x) in items.iter().enumerate() {
                    if x == args[0] || self.eq(heap, x, args[0], 0)? {
                        found = Some(i);
                        break;
                    }
                }
                let Some(i) = found else {
                    return Err(self.err("ValueError", "list.remove(x): x not in list"));
                };
                let removed = containers::list_delete(heap, obj, i);
                self.decref(heap, removed);
                Ok(self.none(heap))
            }
            (Object::List(_) | Object::Tuple(_), "index" | "count") => {
                let items = match heap.get(obj) {
                    Object::Tuple(t) => t.clone(),
                    Object::List(l) => l.items.clone(),
                    _ => unreachable!("matched above"),
                };
                if name == "index" && (2..=3).contains(&args.len()) {
                    let qual = qual(self, heap);
                    return Err(self.unsupported(format!("start and end arguments of {qual}()")));
                }
                exact(self, heap, 1)?;
                let mut positions = Vec::new();
                for (i, &x) in items.iter().enumerate() {
                    if x == args[0] || self.eq(heap, x, args[0], 0)? {
                        positions.push(i);
                        if name == "index" {
                            break;
                        }
                    }
                }
                if name == "count" {
                    return Ok(self.new_int(heap, BigInt::from(positions.len())));
                }
                match positions.first() {
                    Some(&i) => Ok(self.new_int(heap, BigInt::from(i))),
                    None if self.type_name(heap, obj) == "tuple" => {
                        Err(self.err("ValueError", "tuple.index(x): x not in tuple"))
                    }
                    None => {
                        let r = crate::repr::repr(heap, args[0]);
                        Err(self.err("ValueError", format!("{r} is not in list")))
                    }
                }
            }
            (Object::Dict(d), "get") => {
                if args.is_empty() || args.len() > 2 {
                    return Err(self.err(
                        "TypeError",
                        if args.is_empty() {
                            "get expected at least 1 argument, got 0".to_string()
                        } else {
                            format!("get expected at most 2 arguments, got {}", args.len())
                        },
                    ));
                }
                let v = match self.dict_find(heap, obj, args[0], 0)? {
                    Some(i) => d.entries[i].1,
                    None => match args.get(1) {
                        Some(&d) => d,
                        None => self.none_id(),
                    },
                };
                heap.incref(v);
                Ok(v)
            }
            (Object::Dict(d), "setdefault") => {
                if args.is_empty() || args.len() > 2 {
                    return Err(self.err(
                        "TypeError",
                        format!(
                            "setdefault expected at least 1 argument, got {}",
                            args.len()
                        ),
                    ));
                }
                if let Some(i) = self.dict_find(heap, obj, args[0], 0)? {
                    let v = d.entries[i].1;
                    heap.incref(v);
                    return Ok(v);
                }
                let v = args.get(1).copied().unwrap_or(self.none_id());
                heap.incref(args[0]);
                heap.incref(v);
                self.dict_set(heap, obj, args[0], v)?;
                heap.incref(v);
                Ok(v)
            }
            (Object::Dict(_), "pop") => {
                if args.is_empty() || args.len() > 2 {
                    return Err(self.err(
                        "TypeError",
                        format!("pop expected at least 1 argument, got {}", args.len()),
                    ));
                }
                match self.dict_remove(heap, obj, args[0])? {
                    Some((k, v)) => {
                        self.decref(heap, k);
                        Ok(v)
                    }
                    None => match args.get(1) {
                        Some(&d) => {
                            heap.incref(d);
                            Ok(d)
                        }
                        None => {
                            let r = crate::repr::repr(heap, args[0]);
                            Err(self.err("KeyError", r))
                        }
                    },
                }
            }
            (Object::Dict(_), "clear") => {
                exact(self, heap, 0)?;
                for (k, v) in containers::dict_clear(heap, obj) {
                    self.decref(heap, k);
                    self.decref(heap, v);
                }
                Ok(self.none(heap))
            }
            (Object::Dict(d), "copy") => {
                exact(self, heap, 0)?;
                let entries = d.entries.clone();
                for &(k, v) in &entries {
                    heap.incref(k);
                    heap.incref(v);
                }
                Ok(self.new_dict_owning(heap, entries))
            }
            (Object::Str(_), _) if STR_METHODS.contains(&name) => {
                self.str_method(heap, obj, name, args)
            }
            (Object::Dict(_), "keys" | "values" | "items") => Err(PyError::unsupported_hint(
                self.line,
                format!(
                    "dict views ({}()) except in a for loop header",
                    qual(self, heap)
                ),
                format!("write `for ... in d.{name}():`"),
            )),
            (other, _) => {
                if super::builtins::method_exists(other, name) {
                    let qual = qual(self, heap);
                    return Err(self.unsupported(format!("the method {qual}()")));
                }
                let tname = self.type_name(heap, obj);
                Err(self.err(
                    "AttributeError",
                    format!("'{tname}' object has no attribute '{name}'"),
                ))
            }
        }
    }

    /// `list.extend(iterable)` (also `+=`); `iterable` is borrowed.
    pub(super) fn list_extend(&mut self, heap: &mut H, list: ObjId, iterable: ObjId) -> R<()> {
        let source = match heap.get(iterable) {
            Object::List(_) | Object::Tuple(_) => Source::Sequence,
            _ => Source::Iterator,
        };
        let items = self.collect_items(heap, iterable)?;
        containers::list_extend(heap, list, items, source);
        Ok(())
    }

    /// The str methods a lesson may reach for. Like CPython, a result equal
    /// to an exact str argument is that same object (`s.strip()` of a
    /// string with nothing to strip is `s`).
    fn str_method(&mut self, heap: &mut H, obj: ObjId, name: &str, args: &[ObjId]) -> R<ObjId> {
        let text = match heap.get(obj) {
            Object::Str(s) => s.clone(),
            _ => unreachable!("called on a str"),
        };
        let str_arg = |interp: &Self, i: usize| -> R<std::rc::Rc<str>> {
            match args.get(i).map(|&a| heap.get(a)) {
                Some(Object::Str(s)) => Ok(s.clone()),
                Some(other) => {
                    let tname = interp.type_name_of(heap, other);
                    Err(interp.err("TypeError", format!("must be str, not {tname}")))
                }
                None => Err(interp.err(
                    "TypeError",
                    format!("{name}() takes at least 1 argument (0 given)"),
                )),
            }
        };
        let max = match name {
            "upper" | "lower" => 0,
            "strip" | "lstrip" | "rstrip" | "join" | "startswith" | "endswith" | "count"
            | "find" => 1,
            "split" => 1,
            "replace" => 2,
            _ => 0,
        };
        // Arguments CPython takes that the subset leaves out (maxsplit,
        // count, start and end).
        let cpython_max = match name {
            "split" => 2,
            "replace" | "startswith" | "endswith" | "count" | "find" => 3,
            _ => max,
        };
        if args.len() > max && args.len() <= cpython_max {
            return Err(self.unsupported(format!("optional arguments of str.{name}()")));
        }
        if args.len() > max {
            return Err(self.err(
                "TypeError",
                format!(
                    "str.{name}() takes at most {max} argument{} ({} given)",
                    if max == 1 { "" } else { "s" },
                    args.len()
                ),
            ));
        }
        let same = |heap: &mut H, out: &str| -> Option<ObjId> {
            (out == &*text).then(|| {
                heap.incref(obj);
                obj
            })
        };
        let result: String = match name {
            "upper" => text.to_uppercase(),
            "lower" => text.to_lowercase(),
            "strip" | "lstrip" | "rstrip" => {
                let chars: Option<Vec<char>> = match args.first() {
                    None => None,
                    Some(&a) if self.is_none(a) => None,
                    Some(_) => Some(str_arg(self, 0)?.chars().collect()),
                };
                let pred = |c: char| match &chars {
                    Some(set) => set.contains(&c),
                    None => c.is_whitespace(),
                };
                let out = match name {
                    "strip" => text.trim_matches(pred),
                    "lstrip" => text.trim_start_matches(pred),
                    _ => text.trim_end_matches(pred),
                };
                if let Some(id) = same(heap, out) {
                    return Ok(id);
                }
                out.to_string()
            }
            "replace" => {
                if args.len() < 2 {
                    return Err(self.err(
                        "TypeError",
                        format!("replace expected at least 2 arguments, got {}", args.len()),
                    ));
                }
                let (old, new) = (str_arg(self, 0)?, str_arg(self, 1)?);
                if !text.contains(&*old) {
                    heap.incref(obj);
                    return Ok(obj);
                }
                text.replace(&*old, &new)
            }
            "startswith" | "endswith" | "count" | "find" => {
                let arg = str_arg(self, 0)?;
                let value = match name {
                    "startswith" => return Ok(self.bool_obj(heap, text.starts_with(&*arg))),
                    "endswith" => return Ok(self.bool_obj(heap, text.ends_with(&*arg))),
                    "count" if arg.is_empty() => text.chars().count() as i64 + 1,
                    "count" => text.matches(&*arg).count() as i64,
                    _ => text
                        .find(&*arg)
                        .map_or(-1, |at| text[..at].chars().count() as i64),
                };
                return Ok(self.new_int(heap, BigInt::from(value)));
            }
            "split" => {
                let parts: Vec<String> = match args.first() {
                    None => text.split_whitespace().map(String::from).collect(),
                    Some(&a) if self.is_none(a) => {
                        text.split_whitespace().map(String::from).collect()
                    }
                    Some(_) => {
                        let sep = str_arg(self, 0)?;
                        if sep.is_empty() {
                            return Err(self.err("ValueError", "empty separator"));
                        }
                        text.split(&*sep).map(String::from).collect()
                    }
                };
                let items: Vec<ObjId> = parts
                    .into_iter()
                    .map(|p| self.new_str(heap, p.into()))
                    .collect();
                // split preallocates 12 slots (MAX_PREALLOC), then appends.
                let mut items = items;
                let rest = items.split_off(items.len().min(MAX_PREALLOC));
                let list = self.new_list_sized(heap, MAX_PREALLOC, items);
                for item in rest {
                    containers::list_append(heap, list, item);
                }
                return Ok(list);
            }
            "join" => {
                let Some(&iterable) = args.first() else {
                    return Err(self.err(
                        "TypeError",
                        "str.join() takes exactly one argument (0 given)",
                    ));
                };
                let items = self.collect_items(heap, iterable)?;
                let mut pieces = Vec::new();
                for (i, &item) in items.iter().enumerate() {
                    match heap.get(item) {
                        Object::Str(s) => pieces.push(s.to_string()),
                        other => {
                            let tname = self.type_name_of(heap, other);
                            self.decref_all(heap, items);
                            return Err(self.err(
                                "TypeError",
                                format!("sequence item {i}: expected str instance, {tname} found"),
                            ));
                        }
                    }
                }
                // One exact str joins to itself.
                if items.len() == 1 {
                    let only = items[0];
                    return Ok(only);
                }
                self.decref_all(heap, items);
                pieces.join(&text)
            }
            _ => return Err(self.unsupported(format!("the method str.{name}()"))),
        };
        Ok(self.new_str(heap, result.into()))
    }
}
