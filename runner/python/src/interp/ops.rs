//! Operators with CPython's results and error messages: arithmetic on int
//! (arbitrary size) and float, `+` and `*` on sequences, comparisons,
//! truth, equality and the dict lookups built on it.

use std::cmp::Ordering;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::heap::Heap;
use crate::object::{ObjId, Object};

use super::{Interp, R};

/// Ints are refused above this many bits: far beyond any lesson, and it
/// keeps a typo like `2 ** 10 ** 10` from hanging the run.
pub const MAX_INT_BITS: u64 = 1 << 20;
/// The longest str, list or tuple a program may build.
pub const MAX_SEQUENCE: usize = 10_000_000;

/// `len(range(start, stop, step))`.
pub fn range_len(start: i64, stop: i64, step: i64) -> u64 {
    let (start, stop, step) = (start as i128, stop as i128, step as i128);
    let n = if step > 0 && start < stop {
        (stop - start + step - 1) / step
    } else if step < 0 && start > stop {
        (start - stop - step - 1) / -step
    } else {
        0
    };
    n as u64
}

/// A number operand: bools count as ints, as in Python.
enum Num {
    Int(BigInt),
    Float(f64),
}

pub fn int_floordiv(a: &BigInt, b: &BigInt) -> Option<BigInt> {
    (!b.is_zero()).then(|| a.div_floor(b))
}

pub fn int_mod(a: &BigInt, b: &BigInt) -> Option<BigInt> {
    (!b.is_zero()).then(|| a.mod_floor(b))
}

/// Python's float `%`: the result has the sign of the divisor.
pub fn float_mod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m + b
        } else {
            m
        }
    } else {
        0.0f64.copysign(b)
    }
}

/// Python's float `//` (CPython's float_divmod).
pub fn float_floordiv(a: f64, b: f64) -> f64 {
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let floor = div.floor();
        if div - floor > 0.5 {
            floor + 1.0
        } else {
            floor
        }
    } else {
        0.0f64.copysign(a / b)
    }
}

/// int / int, correctly rounded as CPython's long_true_divide is for the
/// sizes a lesson uses.
fn int_truediv(a: &BigInt, b: &BigInt) -> Option<f64> {
    if let (Some(x), Some(y)) = (a.to_i64(), b.to_i64()) {
        if x.unsigned_abs() < (1 << 53) && y.unsigned_abs() < (1 << 53) {
            return Some(x as f64 / y as f64);
        }
    }
    // Scale so the quotient has plenty of bits, then round once.
    let shift = 80i64 + b.bits() as i64 - a.bits() as i64;
    let (num, den) = if shift > 0 {
        (a << shift as usize, b.clone())
    } else {
        (a.clone(), b << (-shift) as usize)
    };
    let (q, r) = num.div_rem(&den);
    // A sticky bit so the final rounding sees a non-zero remainder.
    let q = (q << 1usize)
        + BigInt::from(if r.is_zero() {
            0
        } else {
            r.signum().to_i64().unwrap_or(0)
        });
    let f = q.to_f64()?;
    let result = f * 2f64.powi(-(shift as i32) - 1);
    result.is_finite().then_some(result)
}

impl<H: Heap> Interp<'_, H> {
    /// The name `type(x).__name__` gives.
    pub fn type_name(&self, heap: &H, id: ObjId) -> String {
        self.type_name_of(heap, heap.get(id))
    }

    pub fn type_name_of(&self, heap: &H, object: &Object) -> String {
        match object {
            Object::Instance(inst) => match heap.get(inst.class) {
                Object::Class(c) => c.name.to_string(),
                _ => "object".into(),
            },
            Object::WeakRef(_) => "weakref.ReferenceType".into(),
            other => other.type_name().to_string(),
        }
    }

    fn num(&self, heap: &H, id: ObjId) -> Option<Num> {
        match heap.get(id) {
            Object::Int(i) => Some(Num::Int(i.clone())),
            Object::Bool(b) => Some(Num::Int(BigInt::from(*b as u8))),
            Object::Float(f) => Some(Num::Float(*f)),
            _ => None,
        }
    }

    fn to_float(&self, n: &Num) -> R<f64> {
        match n {
            Num::Float(f) => Ok(*f),
            Num::Int(i) => match i.to_f64() {
                Some(f) if f.is_finite() => Ok(f),
                _ => Err(self.err("OverflowError", "int too large to convert to float")),
            },
        }
    }

    /// Python truth.
    pub fn truthy(&self, heap: &H, id: ObjId) -> R<bool> {
        Ok(match heap.get(id) {
            Object::None => false,
            Object::Bool(b) => *b,
            Object::Int(i) => !i.is_zero(),
            Object::Float(f) => *f != 0.0,
            Object::Str(s) => !s.is_empty(),
            Object::Tuple(t) => !t.is_empty(),
            Object::List(l) => !l.items.is_empty(),
            Object::Dict(d) => !d.entries.is_empty(),
            &Object::Range { start, stop, step } => range_len(start, stop, step) > 0,
            _ => true,
        })
    }

    pub(super) fn check_int_bits(&self, bits: u64) -> R<()> {
        if bits > MAX_INT_BITS {
            return Err(self.unsupported(format!(
                "integers larger than {} bits",
                crate::error::thousands(MAX_INT_BITS)
            )));
        }
        Ok(())
    }

    fn check_len(&self, len: usize) -> R<()> {
        if len > MAX_SEQUENCE {
            return Err(self.unsupported(format!(
                "sequences longer than {} items",
                crate::error::thousands(MAX_SEQUENCE as u64)
            )));
        }
        Ok(())
    }

    /// `a op b` (both borrowed; the result is owned).
    pub fn binop(&mut self, heap: &mut H, op: BinOp, a: ObjId, b: ObjId) -> R<ObjId> {
        if let Some(r) = self.sequence_op(heap, op, a, b)? {
            return Ok(r);
        }
        let (Some(x), Some(y)) = (self.num(heap, a), self.num(heap, b)) else {
            return Err(self.operand_error(heap, op, a, b));
        };
        match (x, y) {
            (Num::Int(x), Num::Int(y)) => self.int_op(heap, op, x, y),
            (x, y) => {
                if matches!(
                    op,
                    BinOp::LShift | BinOp::RShift | BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor
                ) {
                    return Err(self.operand_error(heap, op, a, b));
                }
                let (x, y) = (self.to_float(&x)?, self.to_float(&y)?);
                let r = self.float_op(op, x, y)?;
                Ok(self.new_float(heap, r))
            }
        }
    }

    fn operand_error(&self, heap: &H, op: BinOp, a: ObjId, b: ObjId) -> crate::error::PyError {
        let (ta, tb) = (self.type_name(heap, a), self.type_name(heap, b));
        if op == BinOp::Mul
            && matches!(
                heap.get(a),
                Object::Str(_) | Object::List(_) | Object::Tuple(_)
            )
        {
            return self.err(
                "TypeError",
                format!("can't multiply sequence by non-int of type '{tb}'"),
            );
        }
        if op == BinOp::Mul
            && matches!(
                heap.get(b),
                Object::Str(_) | Object::List(_) | Object::Tuple(_)
            )
        {
            return self.err(
                "TypeError",
                format!("can't multiply sequence by non-int of type '{ta}'"),
            );
        }
        if op == BinOp::Add {
            if let (Object::Str(_), _) = (heap.get(a), heap.get(b)) {
                return self.err(
                    "TypeError",
                    format!("can only concatenate str (not \"{tb}\") to str"),
                );
            }
            if let (Object::List(_), _) = (heap.get(a), heap.get(b)) {
                return self.err(
                    "TypeError",
                    format!("can only concatenate list (not \"{tb}\") to list"),
                );
            }
            if let (Object::Tuple(_), _) = (heap.get(a), heap.get(b)) {
                return self.err(
                    "TypeError",
                    format!("can only concatenate tuple (not \"{tb}\") to tuple"),
                );
            }
        }
        let sym = if op == BinOp::Pow {
            "** or pow()"
        } else {
            op.symbol()
        };
        self.err(
            "TypeError",
            format!("unsupported operand type(s) for {sym}: '{ta}' and '{tb}'"),
        )
    }

    /// `+` and `*` on str, list and tuple; `None` when not a sequence op.
    fn sequence_op(&mut self, heap: &mut H, op: BinOp, a: ObjId, b: ObjId) -> R<Option<ObjId>> {
        match op {
            BinOp::Add => match (heap.get(a), heap.get(b)) {
                (Object::Str(x), Object::Str(y)) => {
                    // CPython returns the other operand when one is empty.
                    if x.is_empty() {
                        heap.incref(b);
                        return Ok(Some(b));
                    }
                    if y.is_empty() {
                        heap.incref(a);
                        return Ok(Some(a));
                    }
                    let s: Rc<str> = format!("{x}{y}").into();
                    self.check_len(s.len())?;
                    Ok(Some(self.new_str(heap, s)))
                }
                (Object::List(x), Object::List(y)) => {
                    let items: Vec<ObjId> = x.items.iter().chain(&y.items).copied().collect();
                    self.check_len(items.len())?;
                    Ok(Some(self.new_list(heap, items)))
                }
                (Object::Tuple(x), Object::Tuple(y)) => {
                    if y.is_empty() {
                        heap.incref(a);
                        return Ok(Some(a));
                    }
                    if x.is_empty() {
                        heap.incref(b);
                        return Ok(Some(b));
                    }
                    let items: Vec<ObjId> = x.iter().chain(y).copied().collect();
                    self.check_len(items.len())?;
                    Ok(Some(self.new_tuple(heap, items)))
                }
                _ => Ok(None),
            },
            BinOp::Mul => {
                let (seq, n) = match (heap.get(a), heap.get(b)) {
                    (
                        Object::Str(_) | Object::List(_) | Object::Tuple(_),
                        Object::Int(_) | Object::Bool(_),
                    ) => (a, b),
                    (
                        Object::Int(_) | Object::Bool(_),
                        Object::Str(_) | Object::List(_) | Object::Tuple(_),
                    ) => (b, a),
                    _ => return Ok(None),
                };
                let n = match heap.get(n) {
                    Object::Int(i) => {
                        if i.is_negative() {
                            0
                        } else {
                            i.to_usize().unwrap_or(usize::MAX)
                        }
                    }
                    Object::Bool(b) => *b as usize,
                    _ => unreachable!("matched above"),
                };
                match heap.get(seq) {
                    Object::Str(s) => {
                        if n == 1 {
                            heap.incref(seq);
                            return Ok(Some(seq));
                        }
                        self.check_len(s.chars().count().saturating_mul(n))?;
                        let r: Rc<str> = s.repeat(n).into();
                        Ok(Some(self.new_str(heap, r)))
                    }
                    Object::List(l) => {
                        self.check_len(l.items.len().saturating_mul(n))?;
                        let items: Vec<ObjId> =
                            std::iter::repeat_n(l.items.clone(), n).flatten().collect();
                        Ok(Some(self.new_list(heap, items)))
                    }
                    Object::Tuple(t) => {
                        if n == 1 {
                            heap.incref(seq);
                            return Ok(Some(seq));
                        }
                        self.check_len(t.len().saturating_mul(n))?;
                        let items: Vec<ObjId> =
                            std::iter::repeat_n(t.clone(), n).flatten().collect();
                        Ok(Some(self.new_tuple(heap, items)))
                    }
                    _ => unreachable!("matched above"),
                }
            }
            _ => Ok(None),
        }
    }

    fn int_op(&mut self, heap: &mut H, op: BinOp, x: BigInt, y: BigInt) -> R<ObjId> {
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => {
                self.check_int_bits(x.bits() + y.bits())?;
                x * y
            }
            BinOp::FloorDiv => match int_floordiv(&x, &y) {
                Some(r) => r,
                None => {
                    return Err(self.err("ZeroDivisionError", "integer division or modulo by zero"))
                }
            },
            BinOp::Mod => match int_mod(&x, &y) {
                Some(r) => r,
                None => return Err(self.err("ZeroDivisionError", "integer modulo by zero")),
            },
            BinOp::Div => {
                if y.is_zero() {
                    return Err(self.err("ZeroDivisionError", "division by zero"));
                }
                let f = match int_truediv(&x, &y) {
                    Some(f) => f,
                    None => {
                        return Err(self.err(
                            "OverflowError",
                            "integer division result too large for a float",
                        ))
                    }
                };
                return Ok(self.new_float(heap, f));
            }
            BinOp::Pow => {
                if y.is_negative() {
                    let fx = self.to_float(&Num::Int(x))?;
                    let fy = self.to_float(&Num::Int(y))?;
                    if fx == 0.0 {
                        return Err(self.err(
                            "ZeroDivisionError",
                            "0.0 cannot be raised to a negative power",
                        ));
                    }
                    return Ok(self.new_float(heap, fx.powf(fy)));
                }
                let e = y.to_u64().unwrap_or(u64::MAX);
                let small_base = x.is_zero() || x == BigInt::from(1) || x == BigInt::from(-1);
                if !small_base {
                    self.check_int_bits(x.bits().saturating_mul(e))?;
                }
                if small_base {
                    if x == BigInt::from(-1) && e % 2 == 1 {
                        BigInt::from(-1)
                    } else if x.is_zero() && e > 0 {
                        BigInt::zero()
                    } else {
                        BigInt::from(1)
                    }
                } else {
                    num_traits::pow(x, e as usize)
                }
            }
            BinOp::LShift => {
                if y.is_negative() {
                    return Err(self.err("ValueError", "negative shift count"));
                }
                if x.is_zero() {
                    BigInt::zero()
                } else {
                    let s = y.to_u64().unwrap_or(u64::MAX);
                    self.check_int_bits(x.bits().saturating_add(s))?;
                    x << s as usize
                }
            }
            BinOp::RShift => {
                if y.is_negative() {
                    return Err(self.err("ValueError", "negative shift count"));
                }
                let s = y.to_u64().unwrap_or(u64::MAX);
                if s >= x.bits() {
                    if x.is_negative() {
                        BigInt::from(-1)
                    } else {
                        BigInt::zero()
                    }
                } else {
                    x >> s as usize
                }
            }
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            BinOp::BitXor => x ^ y,
        };
        Ok(self.new_int(heap, r))
    }

    fn float_op(&self, op: BinOp, x: f64, y: f64) -> R<f64> {
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::Div => {
                if y == 0.0 {
                    return Err(self.err("ZeroDivisionError", "float division by zero"));
                }
                x / y
            }
            BinOp::FloorDiv => {
                if y == 0.0 {
                    return Err(self.err("ZeroDivisionError", "float floor division by zero"));
                }
                float_floordiv(x, y)
            }
            BinOp::Mod => {
                if y == 0.0 {
                    return Err(self.err("ZeroDivisionError", "float modulo"));
                }
                float_mod(x, y)
            }
            BinOp::Pow => {
                if x == 0.0 && y < 0.0 {
                    return Err(self.err(
                        "ZeroDivisionError",
                        "0.0 cannot be raised to a negative power",
                    ));
                }
                if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
                    return Err(self.unsupported("complex numbers"));
                }
                let r = x.powf(y);
                if r.is_infinite() && x.is_finite() && y.is_finite() {
                    return Err(self.err("OverflowError", "(34, 'Numerical result out of range')"));
                }
                r
            }
            _ => unreachable!("bit operations are refused before"),
        };
        Ok(r)
    }

    /// `-x`, `+x`, `~x`.
    pub fn unary(&mut self, heap: &mut H, op: UnaryOp, a: ObjId) -> R<ObjId> {
        match (op, self.num(heap, a)) {
            (UnaryOp::Neg, Some(Num::Int(i))) => Ok(self.new_int(heap, -i)),
            (UnaryOp::Pos, Some(Num::Int(i))) => {
                if matches!(heap.get(a), Object::Int(_)) {
                    heap.incref(a);
                    return Ok(a);
                }
                Ok(self.new_int(heap, i))
            }
            (UnaryOp::Invert, Some(Num::Int(i))) => Ok(self.new_int(heap, -i - 1)),
            (UnaryOp::Neg, Some(Num::Float(f))) => Ok(self.new_float(heap, -f)),
            (UnaryOp::Pos, Some(Num::Float(_))) => {
                heap.incref(a);
                Ok(a)
            }
            _ => {
                let sym = match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Pos => "+",
                    UnaryOp::Invert => "~",
                };
                let tname = self.type_name(heap, a);
                Err(self.err(
                    "TypeError",
                    format!("bad operand type for unary {sym}: '{tname}'"),
                ))
            }
        }
    }

    /// `a op= b`: a list's `+=` extends it in place; everything else is
    /// the plain operator.
    pub(super) fn inplace_op(&mut self, heap: &mut H, op: BinOp, a: ObjId, b: ObjId) -> R<ObjId> {
        if op == BinOp::Add && matches!(heap.get(a), Object::List(_)) {
            if !matches!(
                heap.get(b),
                Object::List(_)
                    | Object::Tuple(_)
                    | Object::Str(_)
                    | Object::Dict(_)
                    | Object::Range { .. }
            ) {
                let tname = self.type_name(heap, b);
                return Err(self.err("TypeError", format!("'{tname}' object is not iterable")));
            }
            self.list_extend(heap, a, b)?;
            heap.incref(a);
            return Ok(a);
        }
        self.binop(heap, op, a, b)
    }

    /// One comparison (both borrowed); the result is an owned bool.
    pub fn compare(&mut self, heap: &mut H, op: CmpOp, a: ObjId, b: ObjId) -> R<ObjId> {
        let r = match op {
            CmpOp::Is => a == b,
            CmpOp::IsNot => a != b,
            CmpOp::Eq => self.eq(heap, a, b, 0)?,
            CmpOp::Ne => !self.eq(heap, a, b, 0)?,
            CmpOp::In => self.contains(heap, b, a)?,
            CmpOp::NotIn => !self.contains(heap, b, a)?,
            CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
                let ord = self.order(heap, op, a, b, 0)?;
                match op {
                    CmpOp::Lt => ord == Some(Ordering::Less),
                    CmpOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
                    CmpOp::Gt => ord == Some(Ordering::Greater),
                    _ => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
                }
            }
        };
        Ok(self.bool_obj(heap, r))
    }

    fn depth_check(&self, depth: usize) -> R<()> {
        if depth > 900 {
            return Err(self.err(
                "RecursionError",
                "maximum recursion depth exceeded in comparison",
            ));
        }
        Ok(())
    }

    /// `a == b`, as CPython's rich comparison does it for the subset's
    /// types (identity first inside containers).
    pub fn eq(&self, heap: &H, a: ObjId, b: ObjId, depth: usize) -> R<bool> {
        self.depth_check(depth)?;
        if let (Some(x), Some(y)) = (self.num(heap, a), self.num(heap, b)) {
            return Ok(num_cmp(&x, &y) == Some(Ordering::Equal));
        }
        let same =
            |x: ObjId, y: ObjId| -> R<bool> { Ok(x == y || self.eq(heap, x, y, depth + 1)?) };
        match (heap.get(a), heap.get(b)) {
            (Object::Str(x), Object::Str(y)) => Ok(x == y),
            (Object::List(x), Object::List(y)) => {
                if x.items.len() != y.items.len() {
                    return Ok(false);
                }
                for (&p, &q) in x.items.iter().zip(&y.items) {
                    if !same(p, q)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            (Object::Tuple(x), Object::Tuple(y)) => {
                if x.len() != y.len() {
                    return Ok(false);
                }
                for (&p, &q) in x.iter().zip(y) {
                    if !same(p, q)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            (Object::Dict(x), Object::Dict(y)) => {
                if x.entries.len() != y.entries.len() {
                    return Ok(false);
                }
                for &(k, v) in &x.entries {
                    match self.dict_find(heap, b, k, depth + 1)? {
                        Some(i) => {
                            if !same(v, y.entries[i].1)? {
                                return Ok(false);
                            }
                        }
                        None => return Ok(false),
                    }
                }
                Ok(true)
            }
            (
                &Object::Range { start, stop, step },
                &Object::Range {
                    start: s2,
                    stop: e2,
                    step: t2,
                },
            ) => {
                let (n1, n2) = (range_len(start, stop, step), range_len(s2, e2, t2));
                Ok(n1 == n2 && (n1 == 0 || (start == s2 && (n1 == 1 || step == t2))))
            }
            _ => Ok(a == b),
        }
    }

    /// The order of `a` and `b` for `<` and friends, or CPython's TypeError.
    fn order(&self, heap: &H, op: CmpOp, a: ObjId, b: ObjId, depth: usize) -> R<Option<Ordering>> {
        self.depth_check(depth)?;
        if let (Some(x), Some(y)) = (self.num(heap, a), self.num(heap, b)) {
            return Ok(num_cmp(&x, &y));
        }
        let seq = |x: &[ObjId], y: &[ObjId]| -> R<Option<Ordering>> {
            for (&p, &q) in x.iter().zip(y) {
                if p == q || self.eq(heap, p, q, depth + 1)? {
                    continue;
                }
                return self.order(heap, op, p, q, depth + 1);
            }
            Ok(Some(x.len().cmp(&y.len())))
        };
        match (heap.get(a), heap.get(b)) {
            (Object::Str(x), Object::Str(y)) => Ok(Some(x.cmp(y))),
            (Object::List(x), Object::List(y)) => seq(&x.items, &y.items),
            (Object::Tuple(x), Object::Tuple(y)) => seq(x, y),
            _ => {
                let (ta, tb) = (self.type_name(heap, a), self.type_name(heap, b));
                Err(self.err(
                    "TypeError",
                    format!(
                        "'{}' not supported between instances of '{ta}' and '{tb}'",
                        op.symbol()
                    ),
                ))
            }
        }
    }

    /// `item in container`.
    fn contains(&self, heap: &H, container: ObjId, item: ObjId) -> R<bool> {
        match heap.get(container) {
            Object::List(l) => {
                for &x in &l.items {
                    if x == item || self.eq(heap, x, item, 0)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Object::Tuple(t) => {
                for &x in t {
                    if x == item || self.eq(heap, x, item, 0)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Object::Dict(_) => Ok(self.dict_find(heap, container, item, 0)?.is_some()),
            Object::Str(s) => match heap.get(item) {
                Object::Str(sub) => Ok(s.contains(&**sub)),
                other => {
                    let tname = self.type_name_of(heap, other);
                    Err(self.err(
                        "TypeError",
                        format!("'in <string>' requires string as left operand, not {tname}"),
                    ))
                }
            },
            &Object::Range { start, stop, step } => match heap.get(item) {
                Object::Int(i) => Ok(i.to_i64().is_some_and(|i| {
                    let n = range_len(start, stop, step) as i128;
                    let k = (i as i128 - start as i128) / step as i128;
                    (i as i128 - start as i128) % step as i128 == 0 && (0..n).contains(&k)
                })),
                _ => Ok(false),
            },
            other => {
                let tname = self.type_name_of(heap, other);
                Err(self.err(
                    "TypeError",
                    format!("argument of type '{tname}' is not iterable"),
                ))
            }
        }
    }

    /// Whether `id` can be a dict key; CPython's TypeError if not.
    pub fn check_hashable(&self, heap: &H, id: ObjId) -> R<()> {
        match heap.get(id) {
            Object::List(_) | Object::Dict(_) => {
                let tname = self.type_name(heap, id);
                Err(self.err("TypeError", format!("unhashable type: '{tname}'")))
            }
            Object::Tuple(items) => {
                for &i in items {
                    self.check_hashable(heap, i)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The entry index of `key` in `dict`.
    pub fn dict_find(&self, heap: &H, dict: ObjId, key: ObjId, depth: usize) -> R<Option<usize>> {
        self.check_hashable(heap, key)?;
        let Object::Dict(d) = heap.get(dict) else {
            return Ok(None);
        };
        for (i, &(k, _)) in d.entries.iter().enumerate() {
            if k == key || (self.hash_compatible(heap, k, key) && self.eq(heap, k, key, depth)?) {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    /// Keys can only be equal if their hashes can be: identity-hashed
    /// objects (instances, classes, functions) only equal themselves.
    fn hash_compatible(&self, heap: &H, a: ObjId, b: ObjId) -> bool {
        let by_value = |o: &Object| {
            matches!(
                o,
                Object::None
                    | Object::Bool(_)
                    | Object::Int(_)
                    | Object::Float(_)
                    | Object::Str(_)
                    | Object::Tuple(_)
                    | Object::Range { .. }
            )
        };
        by_value(heap.get(a)) && by_value(heap.get(b))
    }
}

/// Exact comparison of ints and floats, as Python does it (no rounding of
/// big ints to float).
fn num_cmp(x: &Num, y: &Num) -> Option<Ordering> {
    match (x, y) {
        (Num::Int(a), Num::Int(b)) => Some(a.cmp(b)),
        (Num::Float(a), Num::Float(b)) => a.partial_cmp(b),
        (Num::Int(a), Num::Float(b)) => int_float_cmp(a, *b),
        (Num::Float(a), Num::Int(b)) => int_float_cmp(b, *a).map(Ordering::reverse),
    }
}

fn int_float_cmp(i: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    let floor = f.floor();
    let fi = BigInt::from_float(floor)?;
    match i.cmp(&fi) {
        Ordering::Equal if floor != f => Some(Ordering::Less),
        other => Some(other),
    }
}

trait FromFloat: Sized {
    fn from_float(f: f64) -> Option<Self>;
}

impl FromFloat for BigInt {
    fn from_float(f: f64) -> Option<BigInt> {
        num_traits::FromPrimitive::from_f64(f)
    }
}
