//! The walks over a parsed body, both in the order CPython's compiler
//! emits code: [`VisitMut`] visits statements, assignment targets,
//! expressions and names in place (scopes, constant folding); [`Lower`]
//! rebuilds the tree as the compiled one, where the constant table pass
//! turns each literal into a constant. A pass overrides only the nodes it
//! cares about and calls the `walk_*` or `lower_*` functions to go on into
//! the children.

use crate::ast::{self, Compiled, Lit, NameRef, Parsed};

type Expr = ast::Expr<Parsed>;
type ExprKind = ast::ExprKind<Parsed>;
type FPiece = ast::FPiece<Parsed>;
type Stmt = ast::Stmt<Parsed>;
type StmtKind = ast::StmtKind<Parsed>;
type Target = ast::Target<Parsed>;

pub trait VisitMut {
    fn stmt(&mut self, stmt: &mut Stmt) {
        walk_stmt(self, stmt);
    }

    fn target(&mut self, target: &mut Target) {
        walk_target(self, target);
    }

    fn expr(&mut self, e: &mut Expr) {
        walk_expr(self, e);
    }

    /// A name where it is bound or loaded (not `global` lists).
    fn name(&mut self, _name: &mut NameRef) {}
}

/// Visits the children of `stmt`: the value of an assignment before its
/// targets, an augmented target before its value, a loop's iterable
/// before its target and body.
pub fn walk_stmt<V: VisitMut + ?Sized>(v: &mut V, stmt: &mut Stmt) {
    match &mut stmt.kind {
        StmtKind::Expr(e) => v.expr(e),
        StmtKind::Assign { targets, value } => {
            v.expr(value);
            targets.iter_mut().for_each(|t| v.target(t));
        }
        StmtKind::AugAssign { target, value, .. } => {
            v.target(target);
            v.expr(value);
        }
        StmtKind::Del(targets) => targets.iter_mut().for_each(|t| v.target(t)),
        StmtKind::If { test, body, orelse } => {
            v.expr(test);
            body.iter_mut().for_each(|s| v.stmt(s));
            orelse.iter_mut().for_each(|s| v.stmt(s));
        }
        StmtKind::For { target, iter, body } => {
            v.expr(iter);
            v.target(target);
            body.iter_mut().for_each(|s| v.stmt(s));
        }
        StmtKind::Def { name, .. } | StmtKind::Class { name, .. } => v.name(name),
        StmtKind::Return(value) => {
            if let Some(value) = value {
                v.expr(value);
            }
        }
        StmtKind::Import(names) => names.iter_mut().for_each(|n| v.name(n)),
        StmtKind::Assert { test, msg } => {
            v.expr(test);
            if let Some(m) = msg {
                v.expr(m);
            }
        }
        StmtKind::Pass | StmtKind::Break | StmtKind::Continue | StmtKind::Global(_) => {}
    }
}

pub fn walk_target<V: VisitMut + ?Sized>(v: &mut V, target: &mut Target) {
    match target {
        Target::Name(n) => v.name(n),
        Target::Attr(obj, _) => v.expr(obj),
        Target::Subscript(obj, index) => {
            v.expr(obj);
            v.expr(index);
        }
        Target::Unpack(items) => items.iter_mut().for_each(|t| v.target(t)),
    }
}

/// Visits the children of `e` in evaluation order.
pub fn walk_expr<V: VisitMut + ?Sized>(v: &mut V, e: &mut Expr) {
    match &mut e.kind {
        ExprKind::Lit(_) => {}
        ExprKind::Const(never) | ExprKind::ConstList(never) | ExprKind::ConstKeyDict(never, _) => {
            match *never {}
        }
        ExprKind::Name(n) => v.name(n),
        ExprKind::List(items) | ExprKind::Tuple(items) => items.iter_mut().for_each(|i| v.expr(i)),
        ExprKind::Dict(items) => items.iter_mut().for_each(|(k, x)| {
            v.expr(k);
            v.expr(x);
        }),
        ExprKind::Attr(obj, _) => v.expr(obj),
        ExprKind::Subscript(a, b) | ExprKind::BinOp(_, a, b) | ExprKind::BoolOp(_, a, b) => {
            v.expr(a);
            v.expr(b);
        }
        ExprKind::Call { func, args, kwargs } => {
            v.expr(func);
            args.iter_mut().for_each(|a| v.expr(a));
            kwargs.iter_mut().for_each(|(_, a)| v.expr(a));
        }
        ExprKind::Unary(_, a) | ExprKind::Not(a) => v.expr(a),
        ExprKind::Slice(a, b, c) => {
            for x in [a, b, c].into_iter().flatten() {
                v.expr(x);
            }
        }
        ExprKind::Compare(first, rest) => {
            v.expr(first);
            rest.iter_mut().for_each(|(_, a)| v.expr(a));
        }
        ExprKind::IfExp { test, body, orelse } => {
            v.expr(test);
            v.expr(body);
            v.expr(orelse);
        }
        ExprKind::FString(pieces) => {
            for x in FPiece::exprs_mut(pieces) {
                v.expr(x);
            }
        }
    }
}

/// Rebuilds a parsed tree as the compiled one. Only a literal has no
/// compiled form of its own: [`Lower::lit`] gives it one.
pub trait Lower {
    fn lit(&mut self, lit: Lit) -> ast::ExprKind<Compiled>;

    fn stmt(&mut self, stmt: Stmt) -> ast::Stmt<Compiled> {
        lower_stmt(self, stmt)
    }

    fn expr(&mut self, e: Expr) -> ast::Expr<Compiled> {
        lower_expr(self, e)
    }
}

/// The compiled `stmt`, its children lowered in [`walk_stmt`]'s order.
pub fn lower_stmt<L: Lower + ?Sized>(l: &mut L, stmt: Stmt) -> ast::Stmt<Compiled> {
    use crate::ast::StmtKind as K;
    let block = |l: &mut L, body: Vec<Stmt>| body.into_iter().map(|s| l.stmt(s)).collect();
    let kind = match stmt.kind {
        StmtKind::Expr(e) => K::Expr(l.expr(e)),
        StmtKind::Assign { targets, value } => {
            let value = l.expr(value);
            let targets = lower_targets(l, targets);
            K::Assign { targets, value }
        }
        StmtKind::AugAssign { target, op, value } => {
            let target = lower_target(l, target);
            K::AugAssign {
                target,
                op,
                value: l.expr(value),
            }
        }
        StmtKind::Del(targets) => K::Del(lower_targets(l, targets)),
        StmtKind::If { test, body, orelse } => {
            let test = l.expr(test);
            let body = block(l, body);
            K::If {
                test,
                body,
                orelse: block(l, orelse),
            }
        }
        StmtKind::For { target, iter, body } => {
            let iter = l.expr(iter);
            let target = lower_target(l, target);
            K::For {
                target,
                iter,
                body: block(l, body),
            }
        }
        StmtKind::Def { name, code } => K::Def { name, code },
        StmtKind::Class { name, code } => K::Class { name, code },
        StmtKind::Return(value) => K::Return(value.map(|v| l.expr(v))),
        StmtKind::Import(names) => K::Import(names),
        StmtKind::Assert { test, msg } => {
            let test = l.expr(test);
            K::Assert {
                test,
                msg: msg.map(|m| l.expr(m)),
            }
        }
        StmtKind::Pass => K::Pass,
        StmtKind::Break => K::Break,
        StmtKind::Continue => K::Continue,
        StmtKind::Global(names) => K::Global(names),
    };
    ast::Stmt {
        line: stmt.line,
        kind,
    }
}

fn lower_targets<L: Lower + ?Sized>(l: &mut L, targets: Vec<Target>) -> Vec<ast::Target<Compiled>> {
    targets.into_iter().map(|t| lower_target(l, t)).collect()
}

fn lower_target<L: Lower + ?Sized>(l: &mut L, target: Target) -> ast::Target<Compiled> {
    use crate::ast::Target as T;
    match target {
        Target::Name(n) => T::Name(n),
        Target::Attr(obj, name) => T::Attr(Box::new(l.expr(*obj)), name),
        Target::Subscript(obj, index) => {
            let obj = Box::new(l.expr(*obj));
            T::Subscript(obj, Box::new(l.expr(*index)))
        }
        Target::Unpack(items) => T::Unpack(lower_targets(l, items)),
    }
}

/// The compiled `e`, its children lowered in evaluation order (struct and
/// call arguments are evaluated in the order written).
pub fn lower_expr<L: Lower + ?Sized>(l: &mut L, e: Expr) -> ast::Expr<Compiled> {
    use crate::ast::ExprKind as K;
    let boxed = |l: &mut L, e: Box<Expr>| Box::new(l.expr(*e));
    let all = |l: &mut L, items: Vec<Expr>| items.into_iter().map(|i| l.expr(i)).collect();
    let kind = match e.kind {
        ExprKind::Lit(lit) => l.lit(lit),
        ExprKind::Const(never) | ExprKind::ConstList(never) | ExprKind::ConstKeyDict(never, _) => {
            match never {}
        }
        ExprKind::Name(n) => K::Name(n),
        ExprKind::List(items) => K::List(all(l, items)),
        ExprKind::Tuple(items) => K::Tuple(all(l, items)),
        ExprKind::Dict(items) => K::Dict(
            items
                .into_iter()
                .map(|(k, v)| (l.expr(k), l.expr(v)))
                .collect(),
        ),
        ExprKind::Attr(obj, name) => K::Attr(boxed(l, obj), name),
        ExprKind::Subscript(a, b) => K::Subscript(boxed(l, a), boxed(l, b)),
        ExprKind::BinOp(op, a, b) => K::BinOp(op, boxed(l, a), boxed(l, b)),
        ExprKind::BoolOp(and, a, b) => K::BoolOp(and, boxed(l, a), boxed(l, b)),
        ExprKind::Call { func, args, kwargs } => K::Call {
            func: boxed(l, func),
            args: all(l, args),
            kwargs: kwargs.into_iter().map(|(n, a)| (n, l.expr(a))).collect(),
        },
        ExprKind::Unary(op, a) => K::Unary(op, boxed(l, a)),
        ExprKind::Not(a) => K::Not(boxed(l, a)),
        ExprKind::Slice(a, b, c) => {
            let mut bound = |x: Option<Box<Expr>>| x.map(|x| boxed(l, x));
            K::Slice(bound(a), bound(b), bound(c))
        }
        ExprKind::Compare(first, rest) => K::Compare(
            boxed(l, first),
            rest.into_iter().map(|(op, a)| (op, l.expr(a))).collect(),
        ),
        ExprKind::IfExp { test, body, orelse } => K::IfExp {
            test: boxed(l, test),
            body: boxed(l, body),
            orelse: boxed(l, orelse),
        },
        ExprKind::FString(pieces) => K::FString(lower_pieces(l, pieces)),
    };
    ast::Expr {
        line: e.line,
        depth: e.depth,
        kind,
    }
}

fn lower_pieces<L: Lower + ?Sized>(l: &mut L, pieces: Vec<FPiece>) -> Vec<ast::FPiece<Compiled>> {
    use crate::ast::FPiece as F;
    pieces
        .into_iter()
        .map(|p| match p {
            FPiece::Lit(s) => F::Lit(s),
            FPiece::Field {
                value,
                conversion,
                spec,
            } => F::Field {
                value: l.expr(value),
                conversion,
                spec: spec.map(|s| lower_pieces(l, s)),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Names(Vec<String>);

    impl VisitMut for Names {
        fn name(&mut self, n: &mut NameRef) {
            self.0.push(n.name.to_string());
        }
    }

    #[test]
    fn names_come_in_the_order_code_is_emitted() {
        let source = "a = b + c\nd += e\nfor x in y:\n    z(x)\nimport gc\n";
        let tokens = crate::lexer::tokenize(source).unwrap();
        let mut codes = crate::parser::parse(tokens).unwrap();
        let mut names = Names(Vec::new());
        codes[0].body.iter_mut().for_each(|s| names.stmt(s));
        assert_eq!(names.0, ["b", "c", "a", "d", "e", "y", "x", "z", "x", "gc"]);
    }
}
