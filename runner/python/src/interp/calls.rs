//! Calls and attribute access: Python functions (arguments move into the
//! new frame's locals; locals are released in slot order at return),
//! classes (a new instance, then `__init__`), methods (3.11's LOAD_METHOD:
//! no bound-method object), built-ins.

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::ast::{Expr, ExprKind, Name};
use crate::heap::Heap;
use crate::object::{Instance, ObjId, Object};

use super::builtins;
use super::exec::Flow;
use super::{Frame, Interp, R};

impl<H: Heap> Interp<'_, H> {
    pub(super) fn eval_call(
        &mut self,
        heap: &mut H,
        line: u32,
        func: &Expr,
        args: &[Expr],
        kwargs: &[(Name, Expr)],
    ) -> R<ObjId> {
        let base = self.stack.len();
        // `obj.name(...)`: LOAD_METHOD keeps `obj` on the stack as `self`.
        let (callee, method) = match &func.kind {
            ExprKind::Attr(obj, name) => (self.eval(heap, obj)?, Some(name)),
            _ => (self.eval(heap, func)?, None),
        };
        self.stack.push(callee);
        for a in args {
            let v = self.eval(heap, a)?;
            self.stack.push(v);
        }
        let mut kw_values = Vec::new();
        for (name, a) in kwargs {
            let v = self.eval(heap, a)?;
            self.stack.push(v);
            kw_values.push(name.clone());
        }
        let mut values = self.stack.split_off(base + 1);
        self.stack.pop();
        let kw: Vec<(Name, ObjId)> = kw_values
            .into_iter()
            .zip(values.split_off(args.len()))
            .collect();
        self.line = line;
        match method {
            Some(name) => self.call_method(heap, callee, name, values, kw),
            None => {
                let r = self.call_object(heap, callee, values, kw);
                self.decref(heap, callee);
                r
            }
        }
    }

    /// `owner.name(args)` with `owner` already evaluated (borrowed).
    pub(super) fn eval_call_on(
        &mut self,
        heap: &mut H,
        line: u32,
        owner: ObjId,
        name: &str,
        args: &[Expr],
    ) -> R<ObjId> {
        let values = self.eval_all(heap, args)?;
        self.line = line;
        heap.incref(owner);
        self.call_method(heap, owner, name, values, Vec::new())
    }

    /// Calls `callee` (borrowed) with owned arguments; the result is owned.
    pub(super) fn call_object(
        &mut self,
        heap: &mut H,
        callee: ObjId,
        args: Vec<ObjId>,
        kwargs: Vec<(Name, ObjId)>,
    ) -> R<ObjId> {
        match heap.get(callee) {
            Object::Function { code, .. } => {
                let code = *code;
                if let Some((name, _)) = kwargs.first() {
                    let name = name.clone();
                    self.release_args(heap, args, kwargs);
                    return Err(self.unsupported(format!(
                        "keyword arguments to Python functions ({name}=...)"
                    )));
                }
                self.call_function(heap, code, args)
            }
            Object::Class(_) => self.instantiate(heap, callee, args, kwargs),
            &Object::Builtin(b) => {
                let args_tuple = b
                    .takes_args_tuple()
                    .then(|| self.new_tuple(heap, args.clone()));
                let r = self.call_builtin(heap, b, &args, &kwargs);
                if let Some(t) = args_tuple {
                    self.decref(heap, t);
                }
                self.release_args(heap, args, kwargs);
                r
            }
            Object::WeakRef(w) => {
                let target = w.target;
                let n = args.len() + kwargs.len();
                self.release_args(heap, args, kwargs);
                if n > 0 {
                    return Err(self.err(
                        "TypeError",
                        format!("weakref() takes exactly 0 arguments ({n} given)"),
                    ));
                }
                Ok(match target {
                    Some(t) => {
                        heap.incref(t);
                        t
                    }
                    None => self.none(heap),
                })
            }
            other => {
                let tname = self.type_name_of(heap, other);
                self.release_args(heap, args, kwargs);
                Err(self.err("TypeError", format!("'{tname}' object is not callable")))
            }
        }
    }

    fn release_args(&mut self, heap: &mut H, args: Vec<ObjId>, kwargs: Vec<(Name, ObjId)>) {
        self.decref_all(heap, args);
        self.decref_all(heap, kwargs.into_iter().map(|(_, v)| v));
    }

    /// Runs a Python function; `args` (owned) become its first locals.
    pub(super) fn call_function(
        &mut self,
        heap: &mut H,
        code: usize,
        args: Vec<ObjId>,
    ) -> R<ObjId> {
        let program = self.program;
        let c = &program.codes[code];
        if args.len() != c.params.len() {
            let msg = arity_message(&c.qualname, &c.params, args.len());
            self.decref_all(heap, args);
            return Err(self.err("TypeError", msg));
        }
        if self.depth() >= super::RECURSION_LIMIT {
            self.decref_all(heap, args);
            return Err(self.err("RecursionError", "maximum recursion depth exceeded"));
        }
        let mut locals: Vec<Option<ObjId>> = vec![None; c.locals.len()];
        for (slot, a) in args.into_iter().enumerate() {
            locals[slot] = Some(a);
        }
        let saved_line = self.line;
        self.frames.push(Frame {
            code,
            locals,
            class_ns: None,
            stack_base: self.stack.len(),
            line: c.line,
        });
        let result = self.exec_block(heap, &c.body);
        let frame = self.frames.pop().expect("pushed above");
        match result {
            Ok(flow) => {
                let value = match flow {
                    Flow::Return(v) => v,
                    _ => self.none(heap),
                };
                // The frame dies: its locals go in slot order (the return
                // value is already safe on the caller's side).
                self.stack.push(value);
                for id in frame.locals.into_iter().flatten() {
                    self.decref(heap, id);
                }
                self.stack.pop();
                self.line = saved_line;
                if self.tracer.is_some() {
                    self.trace_return(heap, c.name.clone());
                }
                Ok(value)
            }
            Err(err) => {
                self.unwind_stack(heap, frame.stack_base);
                // The traceback keeps the frame, and its locals, alive.
                self.tb_frames.push(frame.locals);
                Err(err)
            }
        }
    }

    /// `C(args)`: a new instance, then `__init__` with the arguments, which
    /// CPython passes through an args tuple (one more reference each).
    fn instantiate(
        &mut self,
        heap: &mut H,
        class: ObjId,
        args: Vec<ObjId>,
        kwargs: Vec<(Name, ObjId)>,
    ) -> R<ObjId> {
        let init = self.class_attr(heap, class, "__init__");
        let class_name = match heap.get(class) {
            Object::Class(c) => c.name.clone(),
            _ => unreachable!("called on a class"),
        };
        if !kwargs.is_empty() {
            self.release_args(heap, args, kwargs);
            return Err(self.unsupported("keyword arguments to classes"));
        }
        let Some(init) = init.filter(|&f| matches!(heap.get(f), Object::Function { .. })) else {
            if !args.is_empty() {
                self.decref_all(heap, args);
                return Err(self.err("TypeError", format!("{class_name}() takes no arguments")));
            }
            heap.incref(class);
            return Ok(self.alloc(
                heap,
                Object::Instance(Instance {
                    class,
                    attrs: Vec::new(),
                    dict: None,
                }),
            ));
        };
        let code = match heap.get(init) {
            Object::Function { code, .. } => *code,
            _ => unreachable!("filtered above"),
        };
        // The arguments wait on the stack while the instance is made.
        let base = self.stack.len();
        self.stack.extend(&args);
        let args_tuple = self.new_tuple(heap, args.clone());
        self.stack.push(args_tuple);
        heap.incref(class);
        let obj = self.alloc(
            heap,
            Object::Instance(Instance {
                class,
                attrs: Vec::new(),
                dict: None,
            }),
        );
        self.stack.push(obj);
        heap.incref(init);
        let mut call_args = vec![obj];
        heap.incref(obj);
        for &a in &args {
            heap.incref(a);
            call_args.push(a);
        }
        let result = self.call_function(heap, code, call_args);
        self.decref(heap, init);
        let result = result?;
        let none = self.is_none(result);
        let rtype = self.type_name(heap, result);
        self.decref(heap, result);
        self.stack.pop();
        let args_tuple = self.stack.pop().expect("pushed above");
        self.decref(heap, args_tuple);
        let args: Vec<ObjId> = self.stack.split_off(base);
        self.decref_all(heap, args);
        if !none {
            self.decref(heap, obj);
            return Err(self.err(
                "TypeError",
                format!("__init__() should return None, not '{rtype}'"),
            ));
        }
        Ok(obj)
    }

    /// `obj.name(args)`; consumes `obj` and the arguments.
    fn call_method(
        &mut self,
        heap: &mut H,
        obj: ObjId,
        name: &str,
        args: Vec<ObjId>,
        kwargs: Vec<(Name, ObjId)>,
    ) -> R<ObjId> {
        match heap.get(obj) {
            Object::Instance(inst) => {
                let class = inst.class;
                if let Some(attr) = self.instance_attr(heap, obj, name) {
                    // Found on the instance itself: a plain call, no self.
                    heap.incref(attr);
                    self.decref(heap, obj);
                    let r = self.call_object(heap, attr, args, kwargs);
                    self.decref(heap, attr);
                    return r;
                }
                match self.class_attr(heap, class, name) {
                    Some(f) if matches!(heap.get(f), Object::Function { .. }) => {
                        heap.incref(f);
                        let mut full = vec![obj];
                        full.extend(args);
                        let r = self.call_object(heap, f, full, kwargs);
                        self.decref(heap, f);
                        r
                    }
                    Some(attr) => {
                        heap.incref(attr);
                        self.decref(heap, obj);
                        let r = self.call_object(heap, attr, args, kwargs);
                        self.decref(heap, attr);
                        r
                    }
                    None => {
                        let err = self.special_attr_error(heap, obj, name);
                        self.decref(heap, obj);
                        self.release_args(heap, args, kwargs);
                        Err(err)
                    }
                }
            }
            Object::List(_)
            | Object::Dict(_)
            | Object::Str(_)
            | Object::Tuple(_)
            | Object::Int(_)
            | Object::Float(_)
            | Object::Bool(_)
            | Object::None => {
                // These str methods are METH_VARARGS: an argument tuple.
                let varargs = matches!(heap.get(obj), Object::Str(_))
                    && ["startswith", "endswith", "find", "count"].contains(&name);
                let args_tuple = varargs.then(|| self.new_tuple(heap, args.clone()));
                let r = self.call_builtin_method(heap, obj, name, &args, &kwargs);
                if let Some(t) = args_tuple {
                    self.decref(heap, t);
                }
                self.decref(heap, obj);
                self.release_args(heap, args, kwargs);
                r
            }
            _ => {
                let attr = self.load_attr(heap, obj, name);
                self.decref(heap, obj);
                let attr = match attr {
                    Ok(a) => a,
                    Err(e) => {
                        self.release_args(heap, args, kwargs);
                        return Err(e);
                    }
                };
                let r = self.call_object(heap, attr, args, kwargs);
                self.decref(heap, attr);
                r
            }
        }
    }

    /// An attribute stored on the instance (borrowed).
    fn instance_attr(&self, heap: &H, obj: ObjId, name: &str) -> Option<ObjId> {
        let Object::Instance(inst) = heap.get(obj) else {
            return None;
        };
        match inst.dict {
            Some(dict) => match heap.get(dict) {
                Object::Dict(d) => d.entries.iter().find_map(|&(k, v)| match heap.get(k) {
                    Object::Str(s) if &**s == name => Some(v),
                    _ => None,
                }),
                _ => None,
            },
            None => inst
                .attrs
                .iter()
                .find(|(n, _)| &**n == name)
                .map(|&(_, v)| v),
        }
    }

    /// An attribute of a class's namespace (borrowed).
    pub(super) fn class_attr(&self, heap: &H, class: ObjId, name: &str) -> Option<ObjId> {
        let Object::Class(c) = heap.get(class) else {
            return None;
        };
        match heap.get(c.namespace) {
            Object::Dict(d) => d.entries.iter().find_map(|&(k, v)| match heap.get(k) {
                Object::Str(s) if &**s == name => Some(v),
                _ => None,
            }),
            _ => None,
        }
    }

    /// `owner.name` (owner borrowed; the result owned).
    pub(super) fn load_attr(&mut self, heap: &mut H, owner: ObjId, name: &str) -> R<ObjId> {
        match heap.get(owner) {
            Object::Instance(inst) => {
                let class = inst.class;
                if name == "__dict__" {
                    return Ok(self.instance_dict(heap, owner));
                }
                if name == "__class__" {
                    heap.incref(class);
                    return Ok(class);
                }
                if name == "__weakref__" {
                    return Err(self.unsupported("the attribute __weakref__"));
                }
                if let Some(v) = self.instance_attr(heap, owner, name) {
                    heap.incref(v);
                    return Ok(v);
                }
                match self.class_attr(heap, class, name) {
                    Some(f) if matches!(heap.get(f), Object::Function { .. }) => Err(self
                        .unsupported(format!(
                            "bound method objects (call the method at once: obj.{name}(...))"
                        ))),
                    Some(v) => {
                        heap.incref(v);
                        Ok(v)
                    }
                    None => Err(self.special_attr_error(heap, owner, name)),
                }
            }
            Object::Class(c) => {
                let cname = c.name.clone();
                match name {
                    "__name__" | "__qualname__" => {
                        return Ok(self.new_str(heap, cname.to_string().into()))
                    }
                    "__dict__" => {
                        return Err(self.unsupported("the __dict__ of a class (a mappingproxy)"))
                    }
                    _ => {}
                }
                match self.class_attr(heap, owner, name) {
                    Some(v) => {
                        heap.incref(v);
                        Ok(v)
                    }
                    None => Err(self.special_attr_error(heap, owner, name)),
                }
            }
            Object::Module(m) => {
                let path = format!("{m}.{name}");
                match self.builtins.get(path.as_str()) {
                    Some(&id) => {
                        heap.incref(id);
                        Ok(id)
                    }
                    None => match builtins::module_attr_exists(m, name) {
                        true => Err(self.unsupported(format!("the attribute {path}"))),
                        false => Err(self.no_attribute(heap, owner, name)),
                    },
                }
            }
            Object::Builtin(b) if name == "__name__" => {
                let short = b.name();
                Ok(self.new_str(heap, short.into()))
            }
            Object::Function { name: fname, code }
                if name == "__name__" || name == "__qualname__" =>
            {
                let text = if name == "__name__" {
                    fname.clone()
                } else {
                    self.program.codes[*code].qualname.clone()
                };
                Ok(self.new_str(heap, text))
            }
            _ => Err(self.special_attr_error(heap, owner, name)),
        }
    }

    /// AttributeError, or "unsupported" for a real attribute of a built-in
    /// type that the subset lacks (`l.sort`, `x.__len__`).
    fn special_attr_error(&self, heap: &H, owner: ObjId, name: &str) -> crate::error::PyError {
        let tname = self.type_name(heap, owner);
        if name.starts_with("__") && name.ends_with("__") {
            return self.unsupported(format!("the attribute {name}"));
        }
        if builtins::method_exists(heap.get(owner), name) {
            return self.unsupported(format!("the method {tname}.{name}()"));
        }
        self.no_attribute(heap, owner, name)
    }

    /// `container[key]` (both borrowed; the result owned).
    pub(super) fn get_item(&mut self, heap: &mut H, container: ObjId, key: ObjId) -> R<ObjId> {
        let item = match heap.get(container) {
            Object::List(l) => l.items[self.index_of(heap, key, l.items.len(), "list")?],
            Object::Tuple(t) => t[self.index_of(heap, key, t.len(), "tuple")?],
            Object::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                let i = self.index_of(heap, key, chars.len(), "string")?;
                let c = chars[i].to_string();
                return Ok(self.new_str(heap, c.as_str().into()));
            }
            Object::Dict(d) => match self.dict_find(heap, container, key, 0)? {
                Some(i) => d.entries[i].1,
                None => {
                    let r = crate::repr::repr(heap, key);
                    return Err(self.err("KeyError", r));
                }
            },
            &Object::Range { start, stop, step } => {
                let len = super::ops::range_len(start, stop, step) as usize;
                let i = self.index_of(heap, key, len, "range object")?;
                let v = start as i128 + i as i128 * step as i128;
                return Ok(self.new_int(heap, num_bigint::BigInt::from(v)));
            }
            other => {
                let tname = self.type_name_of(heap, other);
                return Err(self.err(
                    "TypeError",
                    format!("'{tname}' object is not subscriptable"),
                ));
            }
        };
        heap.incref(item);
        Ok(item)
    }
}

impl<H: Heap> Interp<'_, H> {
    /// `container[lower:upper:step]` (all borrowed; the result owned). A
    /// new list gets exactly its length as capacity (list_slice); a full
    /// slice of a tuple or str is the same object.
    pub(super) fn slice(&mut self, heap: &mut H, container: ObjId, bounds: [ObjId; 3]) -> R<ObjId> {
        let len = match heap.get(container) {
            Object::List(l) => l.items.len(),
            Object::Tuple(t) => t.len(),
            Object::Str(s) => s.chars().count(),
            other => {
                let tname = self.type_name_of(heap, other);
                if matches!(other, Object::Range { .. }) {
                    return Err(self.unsupported("slices of a range"));
                }
                return Err(self.err(
                    "TypeError",
                    format!("'{tname}' object is not subscriptable"),
                ));
            }
        };
        let mut b = [None; 3];
        for (i, &id) in bounds.iter().enumerate() {
            b[i] = match heap.get(id) {
                Object::None => None,
                Object::Int(v) => Some(
                    v.clamp(&BigInt::from(i64::MIN / 2), &BigInt::from(i64::MAX / 2))
                        .to_i64()
                        .unwrap_or(0),
                ),
                Object::Bool(v) => Some(*v as i64),
                _ => {
                    return Err(self.err(
                        "TypeError",
                        "slice indices must be integers or None or have an __index__ method",
                    ))
                }
            };
        }
        let step = b[2].unwrap_or(1);
        if step == 0 {
            return Err(self.err("ValueError", "slice step cannot be zero"));
        }
        let n = len as i64;
        let adjust = |v: Option<i64>, default: i64| -> i64 {
            match v {
                None => default,
                Some(v) if v < 0 => {
                    let v = v + n;
                    if v < 0 {
                        if step < 0 {
                            -1
                        } else {
                            0
                        }
                    } else {
                        v
                    }
                }
                Some(v) if v >= n => {
                    if step < 0 {
                        n - 1
                    } else {
                        n
                    }
                }
                Some(v) => v,
            }
        };
        let (start, stop) = if step > 0 {
            (adjust(b[0], 0), adjust(b[1], n))
        } else {
            (adjust(b[0], n - 1), adjust(b[1], -1))
        };
        let mut indices = Vec::new();
        let mut i = start;
        while (step > 0 && i < stop) || (step < 0 && i > stop) {
            indices.push(i as usize);
            i += step;
        }
        let full = step == 1 && indices.len() == len;
        match heap.get(container) {
            Object::List(l) => {
                let items: Vec<ObjId> = indices.iter().map(|&i| l.items[i]).collect();
                Ok(self.new_list(heap, items))
            }
            Object::Tuple(t) => {
                if full {
                    heap.incref(container);
                    return Ok(container);
                }
                let items: Vec<ObjId> = indices.iter().map(|&i| t[i]).collect();
                Ok(self.new_tuple(heap, items))
            }
            Object::Str(s) => {
                if full {
                    heap.incref(container);
                    return Ok(container);
                }
                let chars: Vec<char> = s.chars().collect();
                let text: String = indices.iter().map(|&i| chars[i]).collect();
                Ok(self.new_str(heap, text.into()))
            }
            _ => unreachable!("checked above"),
        }
    }
}

/// CPython's message for a call with the wrong number of arguments.
fn arity_message(qualname: &str, params: &[Name], given: usize) -> String {
    let want = params.len();
    if given > want {
        let plural = if want == 1 { "argument" } else { "arguments" };
        let was = if given == 1 { "was" } else { "were" };
        return format!("{qualname}() takes {want} positional {plural} but {given} {was} given");
    }
    let missing: Vec<String> = params[given..].iter().map(|p| format!("'{p}'")).collect();
    let list = match missing.len() {
        1 => missing[0].clone(),
        2 => format!("{} and {}", missing[0], missing[1]),
        n => format!("{}, and {}", missing[..n - 1].join(", "), missing[n - 1]),
    };
    let plural = if missing.len() == 1 {
        "argument"
    } else {
        "arguments"
    };
    format!(
        "{qualname}() missing {} required positional {plural}: {list}",
        missing.len()
    )
}
