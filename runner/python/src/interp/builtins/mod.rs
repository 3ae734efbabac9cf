//! The built-in functions and types of the subset, and the `gc`, `sys`
//! and `weakref` functions. Arguments are borrowed; results are owned.
//!
//! The catalog of names lives in `catalog`, the `gc` module in
//! `gc_module`, and `print()` with its conversions in `print`.

mod catalog;
mod gc_module;
mod print;

pub use catalog::{is_visible, method_exists, module_attr_exists, unsupported_builtin};

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::ast::Name;
use crate::builtin::Builtin;
use crate::heap::{Heap, SizeModel};
use crate::object::{Dict, ObjId, Object};
use crate::repr;

use super::containers::{self, Source};
use super::{Interp, R};

impl<H: Heap> Interp<'_, H> {
    fn arity(&self, name: &str, args: &[ObjId], min: usize, max: usize) -> R<()> {
        let n = args.len();
        if n >= min && n <= max {
            return Ok(());
        }
        let msg = if min == max && min == 1 {
            format!("{name}() takes exactly one argument ({n} given)")
        } else if min == max && min == 0 {
            format!("{name}() takes no arguments ({n} given)")
        } else if n < min {
            let plural = if min == 1 { "" } else { "s" };
            format!("{name} expected at least {min} argument{plural}, got {n}")
        } else {
            let plural = if max == 1 { "" } else { "s" };
            format!("{name} expected at most {max} argument{plural}, got {n}")
        };
        Err(self.err("TypeError", msg))
    }

    fn no_kwargs(&self, name: &str, kwargs: &[(Name, ObjId)]) -> R<()> {
        match kwargs.first() {
            None => Ok(()),
            Some((k, _)) => {
                Err(self.unsupported(format!("keyword arguments to {name}() ({k}=...)")))
            }
        }
    }

    fn int_arg(&self, heap: &H, id: ObjId, what: &str) -> R<BigInt> {
        match heap.get(id) {
            Object::Int(i) => Ok(i.clone()),
            Object::Bool(b) => Ok(BigInt::from(*b as u8)),
            other => {
                let tname = self.type_name_of(heap, other);
                Err(self.err(
                    "TypeError",
                    format!("'{tname}' object cannot be interpreted as an integer{what}"),
                ))
            }
        }
    }

    pub(in crate::interp) fn call_builtin(
        &mut self,
        heap: &mut H,
        b: Builtin,
        args: &[ObjId],
        kwargs: &[(Name, ObjId)],
    ) -> R<ObjId> {
        let name = b.path();
        if b != Builtin::Print {
            self.no_kwargs(name, kwargs)?;
        }
        match b {
            Builtin::Print => self.print(heap, args, kwargs),
            Builtin::Len => {
                self.arity("len", args, 1, 1)?;
                let n = match heap.get(args[0]) {
                    Object::Str(s) => s.chars().count(),
                    Object::List(l) => l.items.len(),
                    Object::Tuple(t) => t.len(),
                    Object::Dict(d) => d.entries.len(),
                    &Object::Range { start, stop, step } => {
                        super::ops::range_len(start, stop, step) as usize
                    }
                    other => {
                        let tname = self.type_name_of(heap, other);
                        return Err(self.err(
                            "TypeError",
                            format!("object of type '{tname}' has no len()"),
                        ));
                    }
                };
                Ok(self.new_int(heap, BigInt::from(n)))
            }
            Builtin::Id => {
                self.arity("id", args, 1, 1)?;
                // Not an address: programs compare ids, they never print them.
                let fake = 0x7f00_0000_0000u64 + 16 * args[0].0 as u64;
                Ok(self.new_int(heap, BigInt::from(fake)))
            }
            Builtin::Repr => {
                self.arity("repr", args, 1, 1)?;
                if matches!(heap.get(args[0]), Object::Str(_)) {
                    let s = repr::repr(heap, args[0]);
                    return Ok(self.new_str(heap, s.into()));
                }
                let s = self.str_checked(heap, args[0])?;
                Ok(self.new_str(heap, s.into()))
            }
            Builtin::Str => {
                self.arity("str", args, 0, 1)?;
                let Some(&a) = args.first() else {
                    return Ok(self.new_str(heap, "".into()));
                };
                if matches!(heap.get(a), Object::Str(_)) {
                    heap.incref(a);
                    return Ok(a);
                }
                let s = self.str_checked(heap, a)?;
                Ok(self.new_str(heap, s.into()))
            }
            Builtin::Int => {
                if args.len() == 2 {
                    return Err(self.unsupported("the base argument of int()"));
                }
                self.arity("int", args, 0, 1)?;
                let Some(&a) = args.first() else {
                    return Ok(self.new_int(heap, BigInt::zero()));
                };
                let v = match heap.get(a) {
                    Object::Int(_) => {
                        heap.incref(a);
                        return Ok(a);
                    }
                    Object::Bool(b) => BigInt::from(*b as u8),
                    Object::Float(f) => {
                        if f.is_nan() {
                            return Err(
                                self.err("ValueError", "cannot convert float NaN to integer")
                            );
                        }
                        if f.is_infinite() {
                            return Err(self
                                .err("OverflowError", "cannot convert float infinity to integer"));
                        }
                        num_traits::FromPrimitive::from_f64(f.trunc()).unwrap_or_default()
                    }
                    Object::Str(s) => {
                        let clean = s.trim().replace('_', "");
                        let ok = !s.trim().starts_with('_')
                            && !s.trim().ends_with('_')
                            && !s.contains("__");
                        match clean.parse::<BigInt>() {
                            Ok(v) if ok && !clean.is_empty() => v,
                            _ => {
                                let r = repr::repr(heap, a);
                                return Err(self.err(
                                    "ValueError",
                                    format!("invalid literal for int() with base 10: {r}"),
                                ));
                            }
                        }
                    }
                    other => {
                        let tname = self.type_name_of(heap, other);
                        return Err(self.err(
                            "TypeError",
                            format!("int() argument must be a string, a bytes-like object or a real number, not '{tname}'"),
                        ));
                    }
                };
                Ok(self.new_int(heap, v))
            }
            Builtin::Float => {
                self.arity("float", args, 0, 1)?;
                let Some(&a) = args.first() else {
                    return Ok(self.new_float(heap, 0.0));
                };
                let v = match heap.get(a) {
                    Object::Float(_) => {
                        heap.incref(a);
                        return Ok(a);
                    }
                    Object::Int(i) => match i.to_f64() {
                        Some(f) if f.is_finite() => f,
                        _ => {
                            return Err(
                                self.err("OverflowError", "int too large to convert to float")
                            )
                        }
                    },
                    Object::Bool(b) => *b as u8 as f64,
                    Object::Str(s) => match parse_float(s) {
                        Some(f) => f,
                        None => {
                            let r = repr::repr(heap, a);
                            return Err(self.err(
                                "ValueError",
                                format!("could not convert string to float: {r}"),
                            ));
                        }
                    },
                    other => {
                        let tname = self.type_name_of(heap, other);
                        return Err(self.err(
                            "TypeError",
                            format!(
                                "float() argument must be a string or a real number, not '{tname}'"
                            ),
                        ));
                    }
                };
                Ok(self.new_float(heap, v))
            }
            Builtin::Bool => {
                self.arity("bool", args, 0, 1)?;
                let t = match args.first() {
                    Some(&a) => self.truthy(heap, a)?,
                    None => false,
                };
                Ok(self.bool_obj(heap, t))
            }
            Builtin::List => {
                self.arity("list", args, 0, 1)?;
                let Some(&a) = args.first() else {
                    return Ok(self.new_list_owning(heap, Vec::new()));
                };
                self.list_from(heap, a)
            }
            Builtin::Tuple => {
                self.arity("tuple", args, 0, 1)?;
                let Some(&a) = args.first() else {
                    return Ok(self.empty_tuple(heap));
                };
                if matches!(heap.get(a), Object::Tuple(_)) {
                    heap.incref(a);
                    return Ok(a);
                }
                let items = self.collect_items(heap, a)?;
                Ok(self.new_tuple_owning(heap, items))
            }
            Builtin::Dict => {
                if !args.is_empty() {
                    return Err(self.unsupported("dict() with arguments"));
                }
                Ok(self.alloc(heap, Object::Dict(Dict::default())))
            }
            Builtin::Type => {
                if args.len() != 1 {
                    return Err(self.err("TypeError", "type() takes 1 or 3 arguments"));
                }
                Ok(self.type_of(heap, args[0]))
            }
            Builtin::Range => {
                self.arity("range", args, 1, 3)?;
                let mut nums = Vec::new();
                for &a in args {
                    let v = self.int_arg(heap, a, "")?;
                    match v.to_i64() {
                        Some(v) => nums.push(v),
                        None => return Err(self.unsupported("ranges beyond 64-bit integers")),
                    }
                }
                let (start, stop, step) = match nums[..] {
                    [stop] => (0, stop, 1),
                    [start, stop] => (start, stop, 1),
                    [start, stop, step] => (start, stop, step),
                    _ => unreachable!("arity checked"),
                };
                if step == 0 {
                    return Err(self.err("ValueError", "range() arg 3 must not be zero"));
                }
                Ok(self.alloc(heap, Object::Range { start, stop, step }))
            }
            Builtin::Isinstance => {
                self.arity("isinstance", args, 2, 2)?;
                let r = self.isinstance(heap, args[0], args[1])?;
                Ok(self.bool_obj(heap, r))
            }
            Builtin::Abs => {
                self.arity("abs", args, 1, 1)?;
                match heap.get(args[0]) {
                    Object::Int(i) => {
                        if !i.is_negative() {
                            heap.incref(args[0]);
                            return Ok(args[0]);
                        }
                        let v = i.abs();
                        Ok(self.new_int(heap, v))
                    }
                    Object::Bool(b) => Ok(self.new_int(heap, BigInt::from(*b as u8))),
                    Object::Float(f) => {
                        let v = f.abs();
                        Ok(self.new_float(heap, v))
                    }
                    other => {
                        let tname = self.type_name_of(heap, other);
                        Err(self.err(
                            "TypeError",
                            format!("bad operand type for abs(): '{tname}'"),
                        ))
                    }
                }
            }
            Builtin::Min | Builtin::Max => self.min_max(heap, b, args),
            Builtin::Sum => {
                self.arity("sum", args, 1, 2)?;
                let items = self.collect_items(heap, args[0])?;
                let mut total = match args.get(1) {
                    Some(&s) => {
                        heap.incref(s);
                        s
                    }
                    None => self.new_int(heap, BigInt::zero()),
                };
                let mut result = Ok(());
                for &item in &items {
                    match self.binop(heap, crate::ast::BinOp::Add, total, item) {
                        Ok(next) => {
                            self.decref(heap, total);
                            total = next;
                        }
                        Err(e) => {
                            result = Err(e);
                            break;
                        }
                    }
                }
                self.decref_all(heap, items);
                match result {
                    Ok(()) => Ok(total),
                    Err(e) => {
                        self.decref(heap, total);
                        Err(e)
                    }
                }
            }
            Builtin::Enumerate | Builtin::Zip => Err(crate::error::PyError::unsupported_hint(
                self.line,
                format!("the built-in {name}() except in a for loop header"),
                format!("write `for ... in {name}(...):`"),
            )),
            Builtin::NoneType
            | Builtin::Function
            | Builtin::Module
            | Builtin::BuiltinFunctionOrMethod => {
                Err(self.err("TypeError", format!("cannot create '{name}' instances")))
            }
            Builtin::GcCollect
            | Builtin::GcGetCount
            | Builtin::GcGetThreshold
            | Builtin::GcSetThreshold
            | Builtin::GcDisable
            | Builtin::GcEnable
            | Builtin::GcIsenabled
            | Builtin::GcFreeze
            | Builtin::GcUnfreeze
            | Builtin::GcGetFreezeCount
            | Builtin::GcIsTracked => self.gc_function(heap, b, args),
            Builtin::SysGetrefcount => {
                self.arity("sys.getrefcount", args, 1, 1)?;
                let n = heap.refcount(args[0]);
                Ok(self.new_int(heap, BigInt::from(n)))
            }
            Builtin::SysGetallocatedblocks => {
                self.arity("sys.getallocatedblocks", args, 0, 0)?;
                let Some(n) = heap.allocated_blocks() else {
                    return Err(
                        self.unsupported("sys.getallocatedblocks() on a heap without an allocator")
                    );
                };
                Ok(self.new_int(heap, BigInt::from(n)))
            }
            Builtin::SysDebugmallocstats => {
                self.arity("sys._debugmallocstats", args, 0, 0)?;
                let Some(report) = heap.malloc_stats() else {
                    return Err(crate::error::PyError::unsupported_hint(
                        self.line,
                        "the report of sys._debugmallocstats() on a heap whose allocator has no pools",
                        "it reads pymalloc's pools: run with --heap yours once the arenas exercise passes",
                    ));
                };
                // CPython writes it to stderr, between what the program
                // printed before and after (stdout and stderr are separate
                // streams here, as they are to a terminal that reads both).
                self.stderr.push_str(&report);
                Ok(self.none(heap))
            }
            Builtin::SysGetsizeof => {
                self.arity("getsizeof", args, 1, 2)?;
                let n = H::Sizes::getsizeof(heap, args[0]);
                Ok(self.new_int(heap, BigInt::from(n)))
            }
            Builtin::WeakrefRef => {
                self.arity("weakref", args, 1, 2)?;
                let target = args[0];
                if !matches!(
                    heap.get(target),
                    Object::Instance(_) | Object::Class(_) | Object::Function { .. }
                ) {
                    let tname = self.type_name(heap, target);
                    return Err(self.err(
                        "TypeError",
                        format!("cannot create weak reference to '{tname}' object"),
                    ));
                }
                let callback = args.get(1).copied().filter(|&c| !self.is_none(c));
                if let Some(c) = callback {
                    heap.incref(c);
                }
                Ok(self.new_weakref(heap, target, callback))
            }
            Builtin::Gc | Builtin::Sys | Builtin::Weakref => {
                Err(self.unsupported(format!("the built-in {name}()")))
            }
        }
    }

    /// `type(x)`: the class of an instance, or the built-in type object.
    fn type_of(&mut self, heap: &mut H, id: ObjId) -> ObjId {
        if let Object::Instance(inst) = heap.get(id) {
            let class = inst.class;
            heap.incref(class);
            return class;
        }
        let class = class_of(heap.get(id)).expect("instances are handled above");
        self.builtin(heap, class.path())
            .expect("every type is a builtin")
    }

    fn isinstance(&mut self, heap: &mut H, obj: ObjId, types: ObjId) -> R<bool> {
        let candidates: Vec<ObjId> = match heap.get(types) {
            Object::Tuple(t) => t.clone(),
            _ => vec![types],
        };
        let actual = self.type_of(heap, obj);
        let is_bool = matches!(heap.get(obj), Object::Bool(_));
        let mut result = Ok(false);
        for c in candidates {
            let is_type = match heap.get(c) {
                Object::Class(_) => true,
                // The subset does not accept these two types here yet.
                Object::Builtin(b) => {
                    b.is_type()
                        && !matches!(b, Builtin::BuiltinFunctionOrMethod | Builtin::WeakrefRef)
                }
                _ => false,
            };
            if !is_type {
                result = Err(self.err(
                    "TypeError",
                    "isinstance() arg 2 must be a type, a tuple of types, or a union",
                ));
                break;
            }
            let int_for_bool = is_bool && matches!(heap.get(c), Object::Builtin(Builtin::Int));
            if c == actual || int_for_bool {
                result = Ok(true);
                break;
            }
        }
        self.decref(heap, actual);
        result
    }

    fn min_max(&mut self, heap: &mut H, b: Builtin, args: &[ObjId]) -> R<ObjId> {
        let name = b.path();
        if args.is_empty() {
            return Err(self.err(
                "TypeError",
                format!("{name} expected at least 1 argument, got 0"),
            ));
        }
        let items = if args.len() == 1 {
            self.collect_items(heap, args[0])?
        } else {
            for &a in args {
                heap.incref(a);
            }
            args.to_vec()
        };
        if items.is_empty() {
            return Err(self.err("ValueError", format!("{name}() arg is an empty sequence")));
        }
        let op = if b == Builtin::Min {
            crate::ast::CmpOp::Lt
        } else {
            crate::ast::CmpOp::Gt
        };
        let mut best = items[0];
        let mut result = Ok(());
        for &item in &items[1..] {
            match self.compare(heap, op, item, best) {
                Ok(b) => {
                    let better = matches!(heap.get(b), Object::Bool(true));
                    self.decref(heap, b);
                    if better {
                        best = item;
                    }
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        heap.incref(best);
        self.decref_all(heap, items);
        match result {
            Ok(()) => Ok(best),
            Err(e) => {
                self.decref(heap, best);
                Err(e)
            }
        }
    }

    /// `list(x)`, as 3.11's list___init__ makes it: an empty list, an
    /// exact item array for a sized `x`, then `list_extend`.
    pub(in crate::interp) fn list_from(&mut self, heap: &mut H, source: ObjId) -> R<ObjId> {
        let (sized, kind) = match heap.get(source) {
            Object::List(_) | Object::Tuple(_) => (true, Source::Sequence),
            Object::Dict(_) | Object::Str(_) | Object::Range { .. } => (true, Source::Iterator),
            _ => (false, Source::Iterator),
        };
        let items = self.collect_items(heap, source)?;
        let n = items.len();
        let list = self.new_list_owning(heap, Vec::new());
        if sized && n > 0 {
            containers::list_preallocate_exact(heap, list, n);
        }
        containers::list_extend(heap, list, items, kind);
        Ok(list)
    }
}

/// `type(x)` for every object but an instance (whose class is an
/// object of the program, not a builtin).
fn class_of(object: &Object) -> Option<Builtin> {
    Some(match object {
        Object::None => Builtin::NoneType,
        Object::Bool(_) => Builtin::Bool,
        Object::Int(_) => Builtin::Int,
        Object::Float(_) => Builtin::Float,
        Object::Str(_) => Builtin::Str,
        Object::Tuple(_) => Builtin::Tuple,
        Object::List(_) => Builtin::List,
        Object::Dict(_) => Builtin::Dict,
        Object::Class(_) => Builtin::Type,
        Object::Function { .. } => Builtin::Function,
        Object::Builtin(b) if b.is_type() => Builtin::Type,
        Object::Builtin(_) => Builtin::BuiltinFunctionOrMethod,
        Object::Module(_) => Builtin::Module,
        Object::Range { .. } => Builtin::Range,
        Object::WeakRef(_) => Builtin::WeakrefRef,
        Object::Instance(_) => return None,
    })
}

/// Python's `float(str)`: decimal text, inf and nan, surrounding spaces.
fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if ["inf", "infinity", "nan"].contains(&unsigned) {
        return lower.parse::<f64>().ok().or_else(|| {
            let neg = lower.starts_with('-');
            let v = if unsigned == "nan" {
                f64::NAN
            } else {
                f64::INFINITY
            };
            Some(if neg { -v } else { v })
        });
    }
    if t.contains("__") || t.starts_with('_') || t.ends_with('_') {
        return None;
    }
    let clean: String = t.chars().filter(|&c| c != '_').collect();
    if clean.is_empty()
        || !clean
            .chars()
            .all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
    {
        return None;
    }
    clean.parse().ok()
}
