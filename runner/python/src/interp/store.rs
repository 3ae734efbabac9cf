//! Binding and unbinding: names, attributes, items, unpacking, `del`,
//! augmented assignment. A store moves the reference it is given into its
//! place (through [`super::containers`] for a container) and releases the
//! old one afterwards, as CPython does.

use num_traits::ToPrimitive;

use crate::ast::{BinOp, Expr, NameRef, Scope, Target};
use crate::heap::Heap;
use crate::object::{ObjId, Object};

use super::containers;
use super::{Interp, R};

impl<H: Heap> Interp<'_, H> {
    /// Stores `value` (consumed) into `target`.
    pub(super) fn store(&mut self, heap: &mut H, target: &Target, value: ObjId) -> R<()> {
        match target {
            Target::Name(n) => self.store_name(heap, n, value),
            Target::Attr(obj, name) => {
                self.stack.push(value);
                let owner = self.eval(heap, obj)?;
                self.stack.pop();
                let r = self.set_attr(heap, owner, name, value);
                self.decref(heap, owner);
                r
            }
            Target::Subscript(obj, index) => {
                self.stack.push(value);
                let container = self.eval(heap, obj)?;
                self.stack.push(container);
                let key = self.eval(heap, index)?;
                self.stack.pop();
                self.stack.pop();
                let r = self.set_item(heap, container, key, value);
                self.decref(heap, container);
                self.decref(heap, key);
                r
            }
            Target::Unpack(targets) => {
                self.stack.push(value);
                let items = self.unpack(heap, value, targets.len());
                self.stack.pop();
                self.decref(heap, value);
                let items = items?;
                let base = self.stack.len();
                self.stack.extend(items.iter().rev());
                for t in targets {
                    let v = self.stack.pop().expect("pushed above");
                    self.store(heap, t, v)?;
                }
                debug_assert_eq!(self.stack.len(), base);
                Ok(())
            }
        }
    }

    fn unpack(&mut self, heap: &mut H, value: ObjId, n: usize) -> R<Vec<ObjId>> {
        if !matches!(
            heap.get(value),
            Object::List(_)
                | Object::Tuple(_)
                | Object::Dict(_)
                | Object::Str(_)
                | Object::Range { .. }
        ) {
            let name = self.type_name(heap, value);
            return Err(self.err(
                "TypeError",
                format!("cannot unpack non-iterable {name} object"),
            ));
        }
        let items = self.collect_items(heap, value)?;
        if items.len() != n {
            let got = items.len();
            self.decref_all(heap, items);
            return Err(if got > n {
                self.err(
                    "ValueError",
                    format!("too many values to unpack (expected {n})"),
                )
            } else {
                self.err(
                    "ValueError",
                    format!("not enough values to unpack (expected {n}, got {got})"),
                )
            });
        }
        Ok(items)
    }

    /// Binds a name (consumes `value`).
    pub(super) fn store_name(&mut self, heap: &mut H, n: &NameRef, value: ObjId) -> R<()> {
        let old = match n.scope {
            Scope::Local(slot) => {
                let frame = self
                    .frames
                    .last_mut()
                    .expect("locals only inside functions");
                frame.locals[slot].replace(value)
            }
            Scope::Namespace => match self.frames.last_mut().and_then(|f| f.class_ns.as_mut()) {
                Some(ns) => ns.set(&n.name, value),
                None => self.globals.set(&n.name, value),
            },
            Scope::Global | Scope::Unresolved => self.globals.set(&n.name, value),
        };
        if let Some(old) = old {
            self.decref(heap, old);
        }
        Ok(())
    }

    pub(super) fn delete(&mut self, heap: &mut H, target: &Target) -> R<()> {
        match target {
            Target::Name(n) => {
                let old = match n.scope {
                    Scope::Local(slot) => {
                        let frame = self
                            .frames
                            .last_mut()
                            .expect("locals only inside functions");
                        match frame.locals[slot].take() {
                            Some(id) => id,
                            None => return Err(self.unbound_local(&n.name)),
                        }
                    }
                    Scope::Namespace => {
                        let removed = match self.frames.last_mut().and_then(|f| f.class_ns.as_mut())
                        {
                            Some(ns) => ns.remove(&n.name),
                            None => self.globals.remove(&n.name),
                        };
                        removed.ok_or_else(|| self.name_error(&n.name))?
                    }
                    Scope::Global | Scope::Unresolved => self
                        .globals
                        .remove(&n.name)
                        .ok_or_else(|| self.name_error(&n.name))?,
                };
                self.decref(heap, old);
                Ok(())
            }
            Target::Attr(obj, name) => {
                let owner = self.eval(heap, obj)?;
                let r = self.del_attr(heap, owner, name);
                self.decref(heap, owner);
                r
            }
            Target::Subscript(obj, index) => {
                let container = self.eval(heap, obj)?;
                self.stack.push(container);
                let key = self.eval(heap, index)?;
                self.stack.pop();
                let r = self.del_item(heap, container, key);
                self.decref(heap, container);
                self.decref(heap, key);
                r
            }
            Target::Unpack(targets) => {
                for t in targets {
                    self.delete(heap, t)?;
                }
                Ok(())
            }
        }
    }

    pub(super) fn unbound_local(&self, name: &str) -> crate::error::PyError {
        self.err(
            "UnboundLocalError",
            format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            ),
        )
    }

    pub(super) fn name_error(&self, name: &str) -> crate::error::PyError {
        self.err("NameError", format!("name '{name}' is not defined"))
    }

    /// `owner.name = value` (consumes `value`).
    pub(super) fn set_attr(
        &mut self,
        heap: &mut H,
        owner: ObjId,
        name: &str,
        value: ObjId,
    ) -> R<()> {
        match heap.get(owner) {
            Object::Instance(inst) => {
                if name == "__dict__" || name == "__class__" {
                    self.decref(heap, value);
                    return Err(self.unsupported(format!("assigning {name}")));
                }
                if let Some(dict) = inst.dict {
                    let key = self.name_str(heap, &name.into());
                    return self.dict_set(heap, dict, key, value);
                }
                if let Some(old) = containers::instance_set_inline(heap, owner, name, value) {
                    self.decref(heap, old);
                }
                Ok(())
            }
            Object::Class(class) => {
                let namespace = class.namespace;
                if name.starts_with("__") && name.ends_with("__") && name != "__del__" {
                    self.decref(heap, value);
                    return Err(self.unsupported(format!("setting {name} on a class")));
                }
                if name == "__del__" {
                    let is_function = matches!(heap.get(value), Object::Function { .. });
                    containers::class_set_has_del(heap, owner, is_function);
                }
                let key = self.name_str(heap, &name.into());
                self.dict_set(heap, namespace, key, value)
            }
            Object::Function { .. } => {
                self.decref(heap, value);
                Err(self.unsupported("attributes on functions"))
            }
            Object::Module(m) => {
                let m = *m;
                self.decref(heap, value);
                Err(self.unsupported(format!("setting attributes of the module {m}")))
            }
            other => {
                let tname = self.type_name_of(heap, other);
                self.decref(heap, value);
                Err(self.err(
                    "AttributeError",
                    format!("'{tname}' object has no attribute '{name}'"),
                ))
            }
        }
    }

    fn del_attr(&mut self, heap: &mut H, owner: ObjId, name: &str) -> R<()> {
        match heap.get(owner) {
            Object::Instance(inst) => {
                if let Some(dict) = inst.dict {
                    let key = self.name_str(heap, &name.into());
                    let r = self.dict_remove(heap, dict, key);
                    self.decref(heap, key);
                    return match r? {
                        Some((k, v)) => {
                            self.decref(heap, k);
                            self.decref(heap, v);
                            Ok(())
                        }
                        None => Err(self.no_attribute(heap, owner, name)),
                    };
                }
                match containers::instance_del_inline(heap, owner, name) {
                    Some(v) => {
                        self.decref(heap, v);
                        Ok(())
                    }
                    None => Err(self.no_attribute(heap, owner, name)),
                }
            }
            Object::Class(class) => {
                let namespace = class.namespace;
                let key = self.name_str(heap, &name.into());
                let r = self.dict_remove(heap, namespace, key);
                self.decref(heap, key);
                match r? {
                    Some((k, v)) => {
                        if name == "__del__" {
                            containers::class_set_has_del(heap, owner, false);
                        }
                        self.decref(heap, k);
                        self.decref(heap, v);
                        Ok(())
                    }
                    None => Err(self.no_attribute(heap, owner, name)),
                }
            }
            _ => Err(self.no_attribute(heap, owner, name)),
        }
    }

    pub(super) fn no_attribute(&self, heap: &H, owner: ObjId, name: &str) -> crate::error::PyError {
        match heap.get(owner) {
            Object::Class(c) => self.err(
                "AttributeError",
                format!("type object '{}' has no attribute '{name}'", c.name),
            ),
            Object::Module(m) => self.err(
                "AttributeError",
                format!("module '{m}' has no attribute '{name}'"),
            ),
            _ => {
                let tname = self.type_name(heap, owner);
                self.err(
                    "AttributeError",
                    format!("'{tname}' object has no attribute '{name}'"),
                )
            }
        }
    }

    /// `container[key] = value` (consumes `value`; `key` is borrowed).
    pub(super) fn set_item(
        &mut self,
        heap: &mut H,
        container: ObjId,
        key: ObjId,
        value: ObjId,
    ) -> R<()> {
        match heap.get(container) {
            Object::List(list) => {
                let len = list.items.len();
                let i = match self.index_of(heap, key, len, "list assignment") {
                    Ok(i) => i,
                    Err(e) => {
                        self.decref(heap, value);
                        return Err(e);
                    }
                };
                let old = containers::list_set(heap, container, i, value);
                self.decref(heap, old);
                Ok(())
            }
            Object::Dict(_) => {
                heap.incref(key);
                self.dict_set(heap, container, key, value)
            }
            other => {
                let tname = self.type_name_of(heap, other);
                self.decref(heap, value);
                Err(self.err(
                    "TypeError",
                    format!("'{tname}' object does not support item assignment"),
                ))
            }
        }
    }

    fn del_item(&mut self, heap: &mut H, container: ObjId, key: ObjId) -> R<()> {
        match heap.get(container) {
            Object::List(list) => {
                let len = list.items.len();
                let i = self.index_of(heap, key, len, "list assignment")?;
                let removed = containers::list_delete(heap, container, i);
                self.decref(heap, removed);
                Ok(())
            }
            Object::Dict(_) => match self.dict_remove(heap, container, key)? {
                Some((k, v)) => {
                    self.decref(heap, k);
                    self.decref(heap, v);
                    Ok(())
                }
                None => {
                    let r = crate::repr::repr(heap, key);
                    Err(self.err("KeyError", r))
                }
            },
            other => {
                let tname = self.type_name_of(heap, other);
                Err(self.err(
                    "TypeError",
                    format!("'{tname}' object doesn't support item deletion"),
                ))
            }
        }
    }

    /// A sequence index: an int (or bool), negative from the end, in range.
    pub(super) fn index_of(&self, heap: &H, key: ObjId, len: usize, what: &str) -> R<usize> {
        let i = match heap.get(key) {
            Object::Int(i) => i.to_i64(),
            Object::Bool(b) => Some(*b as i64),
            other => {
                let seq = what.split(' ').next().unwrap_or(what);
                let tname = self.type_name_of(heap, other);
                return Err(self.err(
                    "TypeError",
                    format!("{seq} indices must be integers or slices, not {tname}"),
                ));
            }
        };
        let len = len as i64;
        match i {
            Some(i) if (-len..len).contains(&i) => Ok(if i < 0 { i + len } else { i } as usize),
            _ => Err(self.err("IndexError", format!("{what} index out of range"))),
        }
    }

    /// `target op= value`: load, operate (in place for a list's `+=`), store.
    pub(super) fn aug_assign(
        &mut self,
        heap: &mut H,
        target: &Target,
        op: BinOp,
        value: &Expr,
    ) -> R<()> {
        match target {
            Target::Name(n) => {
                let current = self.load_name(heap, n)?;
                self.stack.push(current);
                let v = self.eval(heap, value)?;
                self.stack.pop();
                let r = self.inplace_op(heap, op, current, v);
                self.decref(heap, current);
                self.decref(heap, v);
                let r = r?;
                self.store_name(heap, n, r)
            }
            Target::Attr(obj, name) => {
                let owner = self.eval(heap, obj)?;
                self.stack.push(owner);
                let current = self.load_attr(heap, owner, name)?;
                self.stack.push(current);
                let v = self.eval(heap, value)?;
                self.stack.pop();
                let r = self.inplace_op(heap, op, current, v);
                self.decref(heap, current);
                self.decref(heap, v);
                let r = r?;
                self.stack.pop();
                let result = self.set_attr(heap, owner, name, r);
                self.decref(heap, owner);
                result
            }
            Target::Subscript(obj, index) => {
                let container = self.eval(heap, obj)?;
                self.stack.push(container);
                let key = self.eval(heap, index)?;
                self.stack.push(key);
                let current = self.get_item(heap, container, key)?;
                self.stack.push(current);
                let v = self.eval(heap, value)?;
                self.stack.pop();
                let r = self.inplace_op(heap, op, current, v);
                self.decref(heap, current);
                self.decref(heap, v);
                let r = r?;
                self.stack.pop();
                self.stack.pop();
                let result = self.set_item(heap, container, key, r);
                self.decref(heap, container);
                self.decref(heap, key);
                result
            }
            Target::Unpack(_) => Err(self.unsupported("augmented assignments to several targets")),
        }
    }
}
