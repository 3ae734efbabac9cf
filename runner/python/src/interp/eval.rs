//! Expressions. Each returns an owned reference; operands wait on the
//! value stack while their neighbours are evaluated.

use crate::ast::{Expr, ExprKind, FPiece, NameRef, Scope};
use crate::heap::Heap;
use crate::object::{ObjId, Object};

use super::builtins;
use super::containers::{self, Source};
use super::{Interp, R};

/// Displays bigger than this are built item by item in 3.11
/// (STACK_USE_GUIDELINE): a list display then grows by appends.
const STACK_USE_GUIDELINE: usize = 30;

impl<H: Heap> Interp<'_, H> {
    pub(super) fn eval(&mut self, heap: &mut H, e: &Expr) -> R<ObjId> {
        self.line = e.line;
        match &e.kind {
            ExprKind::Const(i) => {
                let id = self.consts[*i];
                heap.incref(id);
                Ok(id)
            }
            ExprKind::Lit(never) => match *never {},
            ExprKind::Name(n) => self.load_name(heap, n),
            ExprKind::List(items) if items.len() <= STACK_USE_GUIDELINE => {
                let values = self.eval_all(heap, items)?;
                Ok(self.new_list_owning(heap, values))
            }
            ExprKind::List(items) => {
                // BUILD_LIST 0 before any item is evaluated, then each item
                // and its LIST_APPEND; the list waits on the value stack.
                let list = self.new_list_owning(heap, Vec::new());
                self.stack.push(list);
                for item in items {
                    let v = self.eval(heap, item)?;
                    containers::list_append(heap, list, v);
                }
                self.stack.pop();
                Ok(list)
            }
            ExprKind::ConstList(items) => {
                let items: Vec<ObjId> = items.iter().map(|&i| self.consts[i]).collect();
                // BUILD_LIST 0, then LIST_EXTEND with the constant tuple.
                for &i in &items {
                    heap.incref(i);
                }
                let list = self.new_list_owning(heap, Vec::new());
                containers::list_extend(heap, list, items, Source::Sequence);
                Ok(list)
            }
            ExprKind::Tuple(items) => {
                let values = self.eval_all(heap, items)?;
                Ok(self.new_tuple_owning(heap, values))
            }
            ExprKind::Dict(items) => {
                let base = self.stack.len();
                for (k, v) in items {
                    let k = self.eval(heap, k)?;
                    self.stack.push(k);
                    let v = self.eval(heap, v)?;
                    self.stack.push(v);
                }
                let flat: Vec<ObjId> = self.stack.split_off(base);
                let pairs: Vec<(ObjId, ObjId)> = flat.chunks(2).map(|c| (c[0], c[1])).collect();
                self.build_dict(heap, pairs)
            }
            ExprKind::ConstKeyDict(keys, values) => {
                let values = self.eval_all(heap, values)?;
                let keys: Vec<ObjId> = keys.iter().map(|&i| self.consts[i]).collect();
                for &k in &keys {
                    heap.incref(k);
                }
                self.build_dict(heap, keys.into_iter().zip(values).collect())
            }
            ExprKind::Attr(obj, name) => {
                let owner = self.eval(heap, obj)?;
                self.line = e.line;
                let r = self.load_attr(heap, owner, name);
                self.decref(heap, owner);
                r
            }
            ExprKind::Subscript(obj, index) if matches!(index.kind, ExprKind::Slice(..)) => {
                let ExprKind::Slice(lower, upper, step) = &index.kind else {
                    unreachable!("matched above")
                };
                let container = self.eval(heap, obj)?;
                self.stack.push(container);
                let mut bounds = Vec::new();
                for b in [lower, upper, step] {
                    let v = match b {
                        Some(e) => self.eval(heap, e)?,
                        None => self.none(heap),
                    };
                    self.stack.push(v);
                    bounds.push(v);
                }
                self.line = e.line;
                let r = self.slice(heap, container, [bounds[0], bounds[1], bounds[2]]);
                let held = self.stack.split_off(self.stack.len() - 4);
                self.decref_all(heap, held);
                r
            }
            ExprKind::Slice(..) => Err(self.unsupported("slices outside a subscript")),
            ExprKind::Subscript(obj, index) => {
                let container = self.eval(heap, obj)?;
                self.stack.push(container);
                let key = self.eval(heap, index)?;
                self.stack.pop();
                self.line = e.line;
                let r = self.get_item(heap, container, key);
                self.decref(heap, container);
                self.decref(heap, key);
                r
            }
            ExprKind::Call { func, args, kwargs } => {
                self.eval_call(heap, e.line, func, args, kwargs)
            }
            ExprKind::BinOp(op, a, b) => {
                let x = self.eval(heap, a)?;
                self.stack.push(x);
                let y = self.eval(heap, b)?;
                self.stack.pop();
                self.line = e.line;
                let r = self.binop(heap, *op, x, y);
                self.decref(heap, x);
                self.decref(heap, y);
                r
            }
            ExprKind::Unary(op, a) => {
                let x = self.eval(heap, a)?;
                let r = self.unary(heap, *op, x);
                self.decref(heap, x);
                r
            }
            ExprKind::Not(a) => {
                let x = self.eval(heap, a)?;
                let t = self.truthy(heap, x);
                self.decref(heap, x);
                Ok(self.bool_obj(heap, !t?))
            }
            ExprKind::BoolOp(is_and, a, b) => {
                let x = self.eval(heap, a)?;
                let t = match self.truthy(heap, x) {
                    Ok(t) => t,
                    Err(err) => {
                        self.decref(heap, x);
                        return Err(err);
                    }
                };
                if t != *is_and {
                    return Ok(x);
                }
                self.decref(heap, x);
                self.eval(heap, b)
            }
            ExprKind::Compare(first, rest) => {
                let mut left = self.eval(heap, first)?;
                for (i, (op, operand)) in rest.iter().enumerate() {
                    self.stack.push(left);
                    let right = self.eval(heap, operand)?;
                    self.stack.pop();
                    self.line = e.line;
                    let r = self.compare(heap, *op, left, right);
                    self.decref(heap, left);
                    let r = match r {
                        Ok(r) => r,
                        Err(err) => {
                            self.decref(heap, right);
                            return Err(err);
                        }
                    };
                    let last = i + 1 == rest.len();
                    if last || !self.truthy(heap, r)? {
                        self.decref(heap, right);
                        return Ok(r);
                    }
                    self.decref(heap, r);
                    left = right;
                }
                unreachable!("a comparison has at least one operator")
            }
            ExprKind::FString(pieces) => {
                // f'{s}' alone gives the str itself, as 3.11's FORMAT_VALUE
                // does for an exact str.
                if let [FPiece::Field {
                    value,
                    conversion: None,
                    spec: None,
                }] = &pieces[..]
                {
                    let v = self.eval(heap, value)?;
                    if matches!(heap.get(v), Object::Str(_)) {
                        return Ok(v);
                    }
                    let text = self.format_value(heap, v, None, "");
                    self.decref(heap, v);
                    let text = text?;
                    return Ok(self.new_str(heap, text.into()));
                }
                let text = self.fstring_text(heap, pieces)?;
                Ok(self.new_str(heap, text.into()))
            }
            ExprKind::IfExp { test, body, orelse } => {
                let t = self.eval(heap, test)?;
                let truth = self.truthy(heap, t);
                self.decref(heap, t);
                if truth? {
                    self.eval(heap, body)
                } else {
                    self.eval(heap, orelse)
                }
            }
        }
    }

    /// Evaluates `items` left to right; all of them owned, or none if one
    /// raised (the ones already made wait on the stack to be released).
    pub(super) fn eval_all(&mut self, heap: &mut H, items: &[Expr]) -> R<Vec<ObjId>> {
        let base = self.stack.len();
        for item in items {
            let v = self.eval(heap, item)?;
            self.stack.push(v);
        }
        Ok(self.stack.split_off(base))
    }

    /// A dict from a display's (key, value) pairs, all owned. A repeated
    /// key keeps its first key object and its last value.
    fn build_dict(&mut self, heap: &mut H, pairs: Vec<(ObjId, ObjId)>) -> R<ObjId> {
        for &(k, _) in &pairs {
            if let Err(e) = self.check_hashable(heap, k) {
                for &(k, v) in &pairs {
                    self.decref(heap, k);
                    self.decref(heap, v);
                }
                return Err(e);
            }
        }
        let mut entries: Vec<(ObjId, ObjId)> = Vec::new();
        let mut dropped = Vec::new();
        for (k, v) in pairs {
            let mut found = None;
            for (i, &(ek, _)) in entries.iter().enumerate() {
                if ek == k || self.eq(heap, ek, k, 0)? {
                    found = Some(i);
                    break;
                }
            }
            match found {
                Some(i) => {
                    dropped.push(std::mem::replace(&mut entries[i].1, v));
                    dropped.push(k);
                }
                None => entries.push((k, v)),
            }
        }
        let dict = self.new_dict_owning(heap, entries);
        self.decref_all(heap, dropped);
        Ok(dict)
    }

    pub(super) fn load_name(&mut self, heap: &mut H, n: &NameRef) -> R<ObjId> {
        let found = match n.scope {
            Scope::Local(slot) => {
                let frame = self.frames.last().expect("locals only inside functions");
                match frame.locals[slot] {
                    Some(id) => Some(id),
                    None => return Err(self.unbound_local(&n.name)),
                }
            }
            Scope::Namespace => self
                .frames
                .last()
                .and_then(|f| f.class_ns.as_ref())
                .and_then(|ns| ns.get(&n.name))
                .or_else(|| self.global(heap, &n.name)),
            Scope::Global | Scope::Unresolved => self.global(heap, &n.name),
        };
        if let Some(id) = found {
            heap.incref(id);
            return Ok(id);
        }
        if &*n.name == "__name__" {
            return Ok(self.name_str(heap, &"__main__".into()));
        }
        if builtins::is_visible(&n.name) {
            return Ok(self.builtin(heap, &n.name).expect("listed"));
        }
        if let Some(what) = builtins::unsupported_builtin(&n.name) {
            return Err(self.unsupported(what));
        }
        Err(self.name_error(&n.name))
    }

    fn fstring_text(&mut self, heap: &mut H, pieces: &[FPiece]) -> R<String> {
        let mut out = String::new();
        for piece in pieces {
            match piece {
                FPiece::Lit(s) => out.push_str(s),
                FPiece::Field {
                    value,
                    conversion,
                    spec,
                } => {
                    let v = self.eval(heap, value)?;
                    self.stack.push(v);
                    let spec = match spec {
                        Some(spec) => self.fstring_text(heap, spec)?,
                        None => String::new(),
                    };
                    self.stack.pop();
                    let text = self.format_value(heap, v, *conversion, &spec);
                    self.decref(heap, v);
                    out.push_str(&text?);
                }
            }
        }
        Ok(out)
    }

    /// `format(conversion(v), spec)`.
    fn format_value(
        &mut self,
        heap: &mut H,
        v: ObjId,
        conversion: Option<char>,
        spec: &str,
    ) -> R<String> {
        use crate::format::{format, Value};
        let converted = match conversion {
            Some('r') => Some(self.repr_checked(heap, v)?),
            Some('a') => Some(crate::repr::ascii(&self.repr_checked(heap, v)?)),
            Some(_) => Some(self.str_checked(heap, v)?),
            None => None,
        };
        if spec.is_empty() {
            return match converted {
                Some(text) => Ok(text),
                None => self.str_checked(heap, v),
            };
        }
        let result = match (&converted, heap.get(v)) {
            (Some(text), _) => format(Value::Str(text), spec),
            (None, Object::Str(s)) => format(Value::Str(s), spec),
            (None, Object::Int(i)) => format(Value::Int(i), spec),
            (None, Object::Bool(b)) => {
                format(Value::Int(&num_bigint::BigInt::from(*b as u8)), spec)
            }
            (None, Object::Float(f)) => format(Value::Float(*f), spec),
            (None, other) => {
                let tname = self.type_name_of(heap, other);
                return Err(self.err(
                    "TypeError",
                    format!("unsupported format string passed to {tname}.__format__"),
                ));
            }
        };
        result.map_err(|(exception, message)| {
            if exception == "unsupported" {
                self.unsupported(message)
            } else {
                self.err(exception, message)
            }
        })
    }

    /// A module-level name, also while the module's dict is being torn
    /// down (finalizers run then can still read globals).
    fn global(&self, heap: &H, name: &str) -> Option<ObjId> {
        if let Some(id) = self.globals.get(name) {
            return Some(id);
        }
        let dict = self.teardown_dict?;
        match heap.get(dict) {
            Object::Dict(d) => d.entries.iter().find_map(|&(k, v)| match heap.get(k) {
                Object::Str(s) if &**s == name => Some(v),
                _ => None,
            }),
            _ => None,
        }
    }
}
