//! From source to a [`Program`]: tokenize, parse, then do the parts of
//! CPython's compiler that change what a program observes:
//! - scopes: which names are a function's locals, in `co_varnames` order
//!   (frames release locals in that order, which orders `__del__` calls);
//! - constant folding, as 3.11's AST optimizer does (`10**3 is 1000`);
//! - the constant table: equal literals share one object, held by every
//!   code object that uses it (so `sys.getrefcount` of a literal matches).
//!
//! The first two work on the parser's tree in place; the constant table is
//! filled while the tree is lowered into the compiled one (see
//! [`crate::ast::Phase`]), which has constants and no literals.

use std::collections::HashSet;

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::ast::{
    self, BinOp, CmpOp, CodeKind, Compiled, Lit, Name, NameRef, Parsed, Scope, UnaryOp,
};
use crate::error::PyError;
use crate::walk::{lower_expr, lower_stmt, walk_expr, walk_stmt, Lower, VisitMut};

type Code = ast::Code<Parsed>;
type Expr = ast::Expr<Parsed>;
type ExprKind = ast::ExprKind<Parsed>;
type Stmt = ast::Stmt<Parsed>;
type StmtKind = ast::StmtKind<Parsed>;

/// A parsed, resolved, folded and lowered program.
#[derive(Debug, Clone)]
pub struct Program {
    /// `codes[0]` is the module.
    pub codes: Vec<ast::Code<Compiled>>,
    /// Every distinct constant, items of a constant tuple before the tuple.
    pub consts: Vec<Lit>,
    /// For each constant, how many code objects hold it in their co_consts.
    pub const_holders: Vec<usize>,
}

pub fn compile(source: &str) -> Result<Program, PyError> {
    let tokens = crate::lexer::tokenize(source)?;
    let mut codes = crate::parser::parse(tokens)?;
    for index in 0..codes.len() {
        resolve(&mut codes, index)?;
    }
    let mut program = Program {
        codes: Vec::new(),
        consts: Vec::new(),
        const_holders: Vec::new(),
    };
    // Constants are collected in the order the compiler meets them: the
    // module's body first, entering each def/class body where it appears.
    let mut order = Vec::new();
    compile_order(&codes, 0, &mut order);
    let mut lowered: Vec<(Vec<_>, Vec<usize>)> = codes.iter().map(|_| Default::default()).collect();
    for index in order {
        let body = std::mem::take(&mut codes[index].body);
        let mut collector = Consts {
            program: &mut program,
            used: Vec::new(),
        };
        let body = body.into_iter().map(|s| collector.stmt(s)).collect();
        let used = collector.used;
        for &c in &used {
            program.const_holders[c] += 1;
        }
        lowered[index] = (body, used);
    }
    program.codes = codes
        .into_iter()
        .zip(lowered)
        .map(|(code, (body, consts))| ast::Code {
            kind: code.kind,
            name: code.name,
            qualname: code.qualname,
            params: code.params,
            locals: code.locals,
            body,
            consts,
            line: code.line,
        })
        .collect();
    Ok(program)
}

fn compile_order(codes: &[Code], index: usize, out: &mut Vec<usize>) {
    out.push(index);
    fn walk(codes: &[Code], body: &[Stmt], out: &mut Vec<usize>) {
        for stmt in body {
            match &stmt.kind {
                StmtKind::Def { code, .. } | StmtKind::Class { code, .. } => {
                    compile_order(codes, *code, out)
                }
                StmtKind::If { body, orelse, .. } => {
                    walk(codes, body, out);
                    walk(codes, orelse, out);
                }
                StmtKind::For { body, .. } => walk(codes, body, out),
                _ => {}
            }
        }
    }
    walk(codes, &codes[index].body, out);
}

// ---- scopes ----

fn resolve(codes: &mut [Code], index: usize) -> Result<(), PyError> {
    let kind = codes[index].kind;
    let mut body = std::mem::take(&mut codes[index].body);
    let mut scope = Resolver {
        kind,
        locals: codes[index].params.clone(),
        bound: HashSet::new(),
        globals: HashSet::new(),
    };
    if kind == CodeKind::Function {
        scope.bound.extend(codes[index].params.iter().cloned());
        let mut bindings = Bindings {
            bound: &mut scope.bound,
            globals: &mut scope.globals,
        };
        body.iter_mut().for_each(|stmt| bindings.stmt(stmt));
        for p in &codes[index].params {
            if scope.globals.contains(p) {
                return Err(PyError::syntax(
                    codes[index].line,
                    format!("name '{p}' is parameter and global"),
                ));
            }
        }
    }
    for stmt in &mut body {
        scope.stmt(stmt);
    }
    codes[index].locals = scope.locals;
    codes[index].body = body;
    Ok(())
}

struct Resolver {
    kind: CodeKind,
    /// Slots in first-met order.
    locals: Vec<Name>,
    /// Names a function binds anywhere (they are local unless global).
    bound: HashSet<Name>,
    globals: HashSet<Name>,
}

/// Finds the names a function binds anywhere in its body (assignment,
/// loop and `del` targets, imports, defs and classes) and its `global`
/// declarations. Expressions bind nothing in the subset, so it does not
/// enter them.
struct Bindings<'s> {
    bound: &'s mut HashSet<Name>,
    globals: &'s mut HashSet<Name>,
}

impl VisitMut for Bindings<'_> {
    fn stmt(&mut self, stmt: &mut Stmt) {
        if let StmtKind::Global(names) = &stmt.kind {
            self.globals.extend(names.iter().cloned());
        }
        walk_stmt(self, stmt);
    }

    fn expr(&mut self, _e: &mut Expr) {}

    fn name(&mut self, n: &mut NameRef) {
        self.bound.insert(n.name.clone());
    }
}

/// Numbers slots as the walk meets names, which is the order CPython's
/// compiler emits code in, so slots match `co_varnames`.
impl VisitMut for Resolver {
    fn name(&mut self, n: &mut NameRef) {
        n.scope = match self.kind {
            CodeKind::Module | CodeKind::ClassBody => Scope::Namespace,
            CodeKind::Function => {
                if self.bound.contains(&n.name) && !self.globals.contains(&n.name) {
                    let slot = match self.locals.iter().position(|l| *l == n.name) {
                        Some(slot) => slot,
                        None => {
                            self.locals.push(n.name.clone());
                            self.locals.len() - 1
                        }
                    };
                    Scope::Local(slot)
                } else {
                    Scope::Global
                }
            }
        };
    }
}

// ---- constants ----

struct Consts<'p> {
    program: &'p mut Program,
    /// This code object's co_consts, each once.
    used: Vec<usize>,
}

/// Interns literals in the order the compiler meets them, after folding
/// each expression and applying 3.11's display optimizations.
impl Lower for Consts<'_> {
    fn lit(&mut self, lit: Lit) -> ast::ExprKind<Compiled> {
        ast::ExprKind::Const(self.use_const(&lit))
    }

    fn stmt(&mut self, mut stmt: Stmt) -> ast::Stmt<Compiled> {
        if let StmtKind::For { iter, .. } = &mut stmt.kind {
            // 3.11's optimizer turns `for x in [consts]` into a tuple.
            list_display_to_tuple(iter);
        }
        lower_stmt(self, stmt)
    }

    fn expr(&mut self, mut e: Expr) -> ast::Expr<Compiled> {
        use crate::ast::ExprKind as K;
        fold(&mut e);
        let (line, depth) = (e.line, e.depth);
        if let ExprKind::List(items) = &e.kind {
            if let Some(lits) = lits(items).filter(|l| l.len() > 2) {
                let kind = K::ConstList(self.use_tuple(lits));
                return ast::Expr { line, depth, kind };
            }
        }
        if let ExprKind::Dict(items) = &mut e.kind {
            let keys = lits(items.iter().map(|(k, _)| k));
            if let Some(keys) = keys.filter(|k| (2..=16).contains(&k.len())) {
                let values = std::mem::take(items).into_iter().map(|(_, v)| v);
                // BUILD_CONST_KEY_MAP: the values are compiled first, then the keys.
                let values = values.map(|v| self.expr(v)).collect();
                let kind = K::ConstKeyDict(self.use_tuple(keys), values);
                return ast::Expr { line, depth, kind };
            }
        }
        if let ExprKind::Compare(_, rest) = &mut e.kind {
            for (op, operand) in rest.iter_mut() {
                if matches!(op, CmpOp::In | CmpOp::NotIn) {
                    list_display_to_tuple(operand);
                }
            }
        }
        lower_expr(self, e)
    }
}

impl Consts<'_> {
    fn use_const(&mut self, lit: &Lit) -> usize {
        let index = self.intern(lit);
        if !self.used.contains(&index) {
            self.used.push(index);
        }
        index
    }

    /// Uses the constant tuple of `items`; gives its items' indexes.
    fn use_tuple(&mut self, items: Vec<Lit>) -> Vec<usize> {
        let indexes = items.iter().map(|item| self.intern(item)).collect();
        self.use_const(&Lit::Tuple(items));
        indexes
    }

    /// The constant table index of `lit`, adding it (items first) if new.
    fn intern(&mut self, lit: &Lit) -> usize {
        if let Lit::Tuple(items) = lit {
            for item in items {
                self.intern(item);
            }
        }
        if let Some(i) = self
            .program
            .consts
            .iter()
            .position(|c| c.same_constant(lit))
        {
            return i;
        }
        self.program.consts.push(lit.clone());
        self.program.const_holders.push(0);
        self.program.consts.len() - 1
    }
}

/// The literals of `exprs`, if every one is a literal.
fn lits<'e>(exprs: impl IntoIterator<Item = &'e Expr>) -> Option<Vec<Lit>> {
    exprs
        .into_iter()
        .map(|e| match &e.kind {
            ExprKind::Lit(l) => Some(l.clone()),
            _ => None,
        })
        .collect()
}

fn list_display_to_tuple(e: &mut Expr) {
    if let ExprKind::List(items) = &mut e.kind {
        items.iter_mut().for_each(fold);
        if let Some(lits) = lits(items.iter()) {
            e.kind = ExprKind::Lit(Lit::Tuple(lits));
        }
    }
}

// ---- folding (3.11 Python/ast_opt.c, with its size limits) ----

const MAX_INT_SIZE: u64 = 128;
const MAX_COLLECTION_SIZE: usize = 256;
const MAX_STR_SIZE: usize = 4096;

/// Folds constant subexpressions bottom-up, in place.
pub fn fold(e: &mut Expr) {
    Folder.expr(e);
}

struct Folder;

impl VisitMut for Folder {
    fn expr(&mut self, e: &mut Expr) {
        walk_expr(self, e);
        let folded = match &e.kind {
            ExprKind::Unary(op, operand) => match &operand.kind {
                ExprKind::Lit(v) => fold_unary(*op, v),
                _ => None,
            },
            ExprKind::Not(operand) => match &operand.kind {
                ExprKind::Lit(v) => Some(Lit::Bool(!lit_truth(v))),
                _ => None,
            },
            ExprKind::BinOp(op, a, b) => match (&a.kind, &b.kind) {
                (ExprKind::Lit(x), ExprKind::Lit(y)) => fold_binop(*op, x, y),
                _ => None,
            },
            ExprKind::Tuple(items) => lits(items).map(Lit::Tuple),
            ExprKind::Subscript(obj, index) => match (&obj.kind, &index.kind) {
                (ExprKind::Lit(o), ExprKind::Lit(Lit::Int(i))) => fold_subscript(o, i),
                _ => None,
            },
            _ => None,
        };
        if let Some(lit) = folded {
            e.kind = ExprKind::Lit(lit);
        }
    }
}

fn lit_truth(v: &Lit) -> bool {
    match v {
        Lit::None => false,
        Lit::Bool(b) => *b,
        Lit::Int(i) => !i.is_zero(),
        Lit::Float(f) => *f != 0.0,
        Lit::Str(s) => !s.is_empty(),
        Lit::Tuple(t) => !t.is_empty(),
    }
}

fn as_int(v: &Lit) -> Option<BigInt> {
    match v {
        Lit::Int(i) => Some(i.clone()),
        Lit::Bool(b) => Some(BigInt::from(*b as u8)),
        _ => None,
    }
}

fn as_float(v: &Lit) -> Option<f64> {
    match v {
        Lit::Float(f) => Some(*f),
        _ => as_int(v).and_then(|i| i.to_f64()).filter(|f| f.is_finite()),
    }
}

fn fold_unary(op: UnaryOp, v: &Lit) -> Option<Lit> {
    if let Lit::Float(f) = v {
        return match op {
            UnaryOp::Neg => Some(Lit::Float(-f)),
            UnaryOp::Pos => Some(Lit::Float(*f)),
            UnaryOp::Invert => None,
        };
    }
    let i = as_int(v)?;
    Some(Lit::Int(match op {
        UnaryOp::Neg => -i,
        UnaryOp::Pos => i,
        UnaryOp::Invert => -i - 1,
    }))
}

fn fold_binop(op: BinOp, x: &Lit, y: &Lit) -> Option<Lit> {
    use crate::interp::ops::{float_floordiv, float_mod, int_floordiv, int_mod};
    // Sequences first: str + str, str * n, tuple + tuple, tuple * n.
    match (op, x, y) {
        (BinOp::Add, Lit::Str(a), Lit::Str(b)) => return Some(Lit::Str(format!("{a}{b}").into())),
        (BinOp::Add, Lit::Tuple(a), Lit::Tuple(b)) => {
            let mut t = a.clone();
            t.extend(b.iter().cloned());
            return Some(Lit::Tuple(t));
        }
        (BinOp::Mul, Lit::Str(_) | Lit::Tuple(_), _)
        | (BinOp::Mul, _, Lit::Str(_) | Lit::Tuple(_)) => {
            let (seq, n) = if matches!(x, Lit::Str(_) | Lit::Tuple(_)) {
                (x, y)
            } else {
                (y, x)
            };
            let n = as_int(n)?.to_i64()?.max(0) as usize;
            return match seq {
                Lit::Str(s) => (s.chars().count().saturating_mul(n) <= MAX_STR_SIZE)
                    .then(|| Lit::Str(s.repeat(n).into())),
                Lit::Tuple(t) => (t.len().saturating_mul(n) <= MAX_COLLECTION_SIZE).then(|| {
                    Lit::Tuple(
                        std::iter::repeat_n(t.iter().cloned(), n)
                            .flatten()
                            .collect(),
                    )
                }),
                _ => None,
            };
        }
        _ => {}
    }
    if matches!(x, Lit::Str(_) | Lit::Tuple(_) | Lit::None)
        || matches!(y, Lit::Str(_) | Lit::Tuple(_) | Lit::None)
    {
        return None;
    }
    if let (Some(a), Some(b)) = (as_int(x), as_int(y)) {
        let bits = |v: &BigInt| v.bits();
        return Some(Lit::Int(match op {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => {
                if !a.is_zero() && !b.is_zero() && bits(&a) + bits(&b) > MAX_INT_SIZE {
                    return None;
                }
                a * b
            }
            BinOp::FloorDiv => int_floordiv(&a, &b)?,
            BinOp::Mod => int_mod(&a, &b)?,
            BinOp::Pow => {
                if b.is_negative() {
                    let (fa, fb) = (a.to_f64()?, b.to_f64()?);
                    if fa == 0.0 {
                        return None;
                    }
                    return Some(Lit::Float(fa.powf(fb)));
                }
                let e = b.to_u64()?;
                if bits(&a) > 0 && bits(&a).saturating_mul(e) > MAX_INT_SIZE {
                    return None;
                }
                num_traits::pow(a, e as usize)
            }
            BinOp::LShift => {
                if b.is_negative() {
                    return None;
                }
                let s = b.to_u64()?;
                if bits(&a) > 0 && (s > MAX_INT_SIZE || bits(&a) > MAX_INT_SIZE - s) {
                    return None;
                }
                a << s as usize
            }
            BinOp::RShift => {
                if b.is_negative() {
                    return None;
                }
                let s = b.to_u64().unwrap_or(u64::MAX).min(1 << 20);
                a >> s as usize
            }
            BinOp::BitAnd => a & b,
            BinOp::BitOr => a | b,
            BinOp::BitXor => a ^ b,
            BinOp::Div => {
                let (fa, fb) = (a.to_f64()?, b.to_f64()?);
                if fb == 0.0 {
                    return None;
                }
                return Some(Lit::Float(fa / fb));
            }
        }));
    }
    let (a, b) = (as_float(x)?, as_float(y)?);
    let r = match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div if b != 0.0 => a / b,
        BinOp::FloorDiv if b != 0.0 => float_floordiv(a, b),
        BinOp::Mod if b != 0.0 => float_mod(a, b),
        _ => return None,
    };
    r.is_finite().then_some(Lit::Float(r))
}

fn fold_subscript(obj: &Lit, index: &BigInt) -> Option<Lit> {
    let i = index.to_i64()?;
    match obj {
        Lit::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            let n = chars.len() as i64;
            let i = if i < 0 { i + n } else { i };
            (0..n)
                .contains(&i)
                .then(|| Lit::Str(chars[i as usize].to_string().into()))
        }
        Lit::Tuple(t) => {
            let n = t.len() as i64;
            let i = if i < 0 { i + n } else { i };
            (0..n).contains(&i).then(|| t[i as usize].clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locals_are_numbered_in_first_met_order() {
        let p = compile("def f(a):\n    c = b\n    b = 1\n    d = g\n").unwrap();
        let names: Vec<&str> = p.codes[1].locals.iter().map(|n| &**n).collect();
        // As CPython 3.11's co_varnames: `b` is met (as a value) before `c`.
        assert_eq!(names, ["a", "b", "c", "d"]);
    }

    #[test]
    fn folding_shares_constants() {
        let p = compile("a = 1000\nb = 10**3\nc = (1, 2)\nd = 2**200\n").unwrap();
        let ints: Vec<String> = p
            .consts
            .iter()
            .filter_map(|c| match c {
                Lit::Int(i) => Some(i.to_string()),
                _ => None,
            })
            .collect();
        // 10**3 folds into the same 1000; 2**200 is over the 128-bit
        // folding limit, so 2 and 200 stay apart.
        assert_eq!(ints, ["1000", "1", "2", "200"]);
        assert!(p
            .consts
            .iter()
            .any(|c| matches!(c, Lit::Tuple(t) if t.len() == 2)));
    }

    #[test]
    fn a_constant_list_names_the_items_its_tuple_holds() {
        let p = compile("a = [1, 'x', 1.5]\n").unwrap();
        let ast::StmtKind::Assign { value, .. } = &p.codes[0].body[0].kind else {
            panic!("an assignment: {:?}", p.codes[0].body[0]);
        };
        let ast::ExprKind::ConstList(items) = &value.kind else {
            panic!("a constant list: {value:?}");
        };
        let lits: Vec<Lit> = items.iter().map(|&i| p.consts[i].clone()).collect();
        let tuple = Lit::Tuple(lits.clone());
        // The module holds the tuple, not its items, as CPython's co_consts.
        let held: Vec<&Lit> = p.codes[0].consts.iter().map(|&i| &p.consts[i]).collect();
        assert_eq!(held, [&tuple]);
        assert_eq!(
            lits,
            [Lit::Int(1.into()), Lit::Str("x".into()), Lit::Float(1.5)]
        );
    }
}
