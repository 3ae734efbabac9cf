//! The one walk over a parsed body: [`VisitMut`] visits statements,
//! assignment targets, expressions and names in the order CPython's
//! compiler emits code for them. The compiler's passes (scopes, constant
//! folding, the constant table) override only the nodes they care about
//! and call the `walk_*` functions to go on into the children.

use crate::ast::{Expr, ExprKind, FPiece, NameRef, Stmt, StmtKind, Target};

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
        ExprKind::Lit(_) | ExprKind::Const(_) | ExprKind::ConstList(_) => {}
        ExprKind::ConstKeyDict(_, values) => values.iter_mut().for_each(|x| v.expr(x)),
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
