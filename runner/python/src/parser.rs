//! Tokens to a syntax tree (the parsed one, with literals), by recursive
//! descent over Python's grammar, restricted to the subset. Constructs
//! outside the subset are recognised well enough to be named in the error.

use std::rc::Rc;

use crate::ast::*;
use crate::error::PyError;
use crate::lexer::{FPart, Tok, Token, KEYWORDS};

type Code = crate::ast::Code<Parsed>;
type Expr = crate::ast::Expr<Parsed>;
type ExprKind = crate::ast::ExprKind<Parsed>;
type FPiece = crate::ast::FPiece<Parsed>;
type Stmt = crate::ast::Stmt<Parsed>;
type StmtKind = crate::ast::StmtKind<Parsed>;
type Target = crate::ast::Target<Parsed>;

/// Deeper expression trees are refused (CPython's own parser and compiler
/// have similar limits); it keeps evaluation's recursion bounded.
const MAX_EXPR_DEPTH: u32 = 200;

/// Parses a whole module. `codes[0]` is the module; every `def` and
/// `class` body gets its own entry.
pub fn parse(tokens: Vec<Token>) -> Result<Vec<Code>, PyError> {
    let mut p = Parser {
        tokens,
        pos: 0,
        codes: vec![placeholder()],
        context: vec![Context::Module],
        loops: 0,
    };
    let mut body = Vec::new();
    while !p.at(&Tok::Eof) {
        p.statement(&mut body)?;
    }
    p.codes[0] = Code {
        kind: CodeKind::Module,
        name: "<module>".into(),
        qualname: "<module>".into(),
        params: Vec::new(),
        locals: Vec::new(),
        body,
        consts: Vec::new(),
        line: 1,
    };
    Ok(p.codes)
}

fn placeholder() -> Code {
    Code {
        kind: CodeKind::Module,
        name: "".into(),
        qualname: "".into(),
        params: Vec::new(),
        locals: Vec::new(),
        body: Vec::new(),
        consts: Vec::new(),
        line: 0,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Context {
    Module,
    Function,
    Class(Name),
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    codes: Vec<Code>,
    context: Vec<Context>,
    /// Open `for` loops in the current function, for `break`/`continue`.
    loops: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos.min(self.tokens.len() - 1)].tok
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.tokens[(self.pos + n).min(self.tokens.len() - 1)].tok
    }

    fn line(&self) -> u32 {
        self.tokens[self.pos.min(self.tokens.len() - 1)].line
    }

    fn advance(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        tok
    }

    fn at(&self, tok: &Tok) -> bool {
        self.peek() == tok
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }

    fn at_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == kw)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.at_op(op) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.at_kw(kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn expect_op(&mut self, op: &str) -> Result<(), PyError> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(PyError::syntax(self.line(), format!("expected '{op}'")))
        }
    }

    fn invalid(&self) -> PyError {
        match self.peek() {
            Tok::Indent => {
                PyError::syntax_named(self.line(), "IndentationError", "unexpected indent")
            }
            _ => PyError::syntax(self.line(), "invalid syntax"),
        }
    }

    fn expect_newline(&mut self) -> Result<(), PyError> {
        if self.at(&Tok::Newline) {
            self.advance();
            Ok(())
        } else if self.at(&Tok::Eof) {
            Ok(())
        } else {
            Err(self.invalid())
        }
    }

    fn identifier(&mut self) -> Result<Name, PyError> {
        match self.peek().clone() {
            Tok::Name(n) if !KEYWORDS.contains(&n.as_str()) => {
                self.advance();
                Ok(n.into())
            }
            _ => Err(self.invalid()),
        }
    }

    fn in_function(&self) -> bool {
        self.context.last() == Some(&Context::Function)
    }

    // ---- statements ----

    fn statement(&mut self, out: &mut Vec<Stmt>) -> Result<(), PyError> {
        let line = self.line();
        if self.at(&Tok::Indent) {
            return Err(self.invalid());
        }
        if let Tok::Name(word) = self.peek().clone() {
            match word.as_str() {
                "if" => return self.if_stmt(out),
                "for" => return self.for_stmt(out),
                "def" => return self.def_stmt(out),
                "class" => return self.class_stmt(out),
                "while" => return Err(PyError::unsupported(line, "while loops")),
                "try" => return Err(PyError::unsupported(line, "try statements")),
                "with" => return Err(PyError::unsupported(line, "with statements")),
                "async" => return Err(PyError::unsupported(line, "async functions")),
                "match" if self.looks_like_match() => {
                    return Err(PyError::unsupported(line, "match statements"))
                }
                "else" | "elif" | "except" | "finally" => return Err(self.invalid()),
                _ => {}
            }
        }
        if self.at_op("@") {
            return Err(PyError::unsupported(line, "decorators"));
        }
        self.simple_statements(out)
    }

    fn looks_like_match(&self) -> bool {
        // `match x:` is a statement; `match = 3` is a name.
        !matches!(self.peek_at(1), Tok::Op(o) if ["=", ".", "(", "[", ",", ")"].contains(o) || o.ends_with('='))
            && !matches!(self.peek_at(1), Tok::Newline)
    }

    fn simple_statements(&mut self, out: &mut Vec<Stmt>) -> Result<(), PyError> {
        loop {
            out.push(self.simple_statement()?);
            if self.eat_op(";") {
                if self.at(&Tok::Newline) || self.at(&Tok::Eof) {
                    break;
                }
                continue;
            }
            break;
        }
        self.expect_newline()
    }

    fn simple_statement(&mut self) -> Result<Stmt, PyError> {
        let line = self.line();
        let kind = if let Tok::Name(word) = self.peek().clone() {
            match word.as_str() {
                "pass" => {
                    self.advance();
                    Some(StmtKind::Pass)
                }
                "break" | "continue" => {
                    self.advance();
                    if self.loops == 0 {
                        let msg = if word == "break" {
                            "'break' outside loop"
                        } else {
                            "'continue' not properly in loop"
                        };
                        return Err(PyError::syntax(line, msg));
                    }
                    Some(if word == "break" {
                        StmtKind::Break
                    } else {
                        StmtKind::Continue
                    })
                }
                "return" => {
                    self.advance();
                    if !self.in_function() {
                        return Err(PyError::syntax(line, "'return' outside function"));
                    }
                    let value = if self.at(&Tok::Newline) || self.at_op(";") || self.at(&Tok::Eof) {
                        None
                    } else {
                        Some(self.testlist()?)
                    };
                    Some(StmtKind::Return(value))
                }
                "del" => {
                    self.advance();
                    let mut targets = Vec::new();
                    loop {
                        let e = self.bitor()?;
                        targets.push(self.to_target(e, "delete")?);
                        if !self.eat_op(",") || self.at(&Tok::Newline) || self.at_op(";") {
                            break;
                        }
                    }
                    Some(StmtKind::Del(targets))
                }
                "import" => Some(self.import_stmt()?),
                "from" => return Err(PyError::unsupported(line, "from-imports")),
                "global" => {
                    self.advance();
                    let mut names = vec![self.identifier()?];
                    while self.eat_op(",") {
                        names.push(self.identifier()?);
                    }
                    Some(StmtKind::Global(names))
                }
                "nonlocal" => return Err(PyError::unsupported(line, "nonlocal statements")),
                "raise" => return Err(PyError::unsupported(line, "raise statements")),
                "yield" => return Err(PyError::unsupported(line, "generators (yield)")),
                "assert" => {
                    self.advance();
                    let test = self.test()?;
                    let msg = if self.eat_op(",") {
                        Some(self.test()?)
                    } else {
                        None
                    };
                    Some(StmtKind::Assert { test, msg })
                }
                _ => None,
            }
        } else {
            None
        };
        if let Some(kind) = kind {
            return Ok(Stmt { line, kind });
        }
        self.expr_statement(line)
    }

    fn import_stmt(&mut self) -> Result<StmtKind, PyError> {
        self.advance();
        let mut names = Vec::new();
        loop {
            let line = self.line();
            let module = self.identifier()?;
            if self.at_op(".") {
                return Err(PyError::unsupported(line, "submodule imports"));
            }
            if self.at_kw("as") {
                return Err(PyError::unsupported(
                    line,
                    "renamed imports (import ... as)",
                ));
            }
            if !["gc", "sys", "weakref"].contains(&&*module) {
                return Err(PyError::unsupported_hint(
                    line,
                    format!("the module {module}"),
                    "only gc, sys and weakref can be imported",
                ));
            }
            names.push(NameRef::new(&module));
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(StmtKind::Import(names))
    }

    fn expr_statement(&mut self, line: u32) -> Result<Stmt, PyError> {
        let first = self.testlist()?;
        if self.at_op("=") {
            let mut exprs = vec![first];
            while self.eat_op("=") {
                if self.at_kw("yield") {
                    return Err(PyError::unsupported(self.line(), "generators (yield)"));
                }
                exprs.push(self.testlist()?);
            }
            let value = exprs.pop().expect("at least two");
            let targets = exprs
                .into_iter()
                .map(|e| self.to_target(e, "assign to"))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Stmt {
                line,
                kind: StmtKind::Assign { targets, value },
            });
        }
        if let Tok::Op(op) = self.peek().clone() {
            if let Some(bin) = aug_op(op) {
                self.advance();
                let target = match first.kind {
                    ExprKind::Name(_) | ExprKind::Attr(..) | ExprKind::Subscript(..) => {
                        self.to_target(first, "assign to")?
                    }
                    _ => {
                        return Err(PyError::syntax(
                            line,
                            format!(
                                "'{}' is an illegal expression for augmented assignment",
                                describe(&first)
                            ),
                        ))
                    }
                };
                let value = self.testlist()?;
                return Ok(Stmt {
                    line,
                    kind: StmtKind::AugAssign {
                        target,
                        op: bin,
                        value,
                    },
                });
            }
            if op == ":" {
                return Err(PyError::unsupported(line, "variable annotations"));
            }
        }
        Ok(Stmt {
            line,
            kind: StmtKind::Expr(first),
        })
    }

    fn to_target(&self, e: Expr, verb: &str) -> Result<Target, PyError> {
        let line = e.line;
        match e.kind {
            ExprKind::Name(n) => Ok(Target::Name(n)),
            ExprKind::Attr(obj, name) => Ok(Target::Attr(obj, name)),
            ExprKind::Subscript(_, index) if matches!(index.kind, ExprKind::Slice(..)) => {
                let what = if verb == "delete" {
                    "slice deletions"
                } else {
                    "slice assignments"
                };
                Err(PyError::unsupported(line, what))
            }
            ExprKind::Subscript(obj, index) => Ok(Target::Subscript(obj, index)),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                if verb == "delete" {
                    return items
                        .into_iter()
                        .map(|i| self.to_target(i, verb))
                        .collect::<Result<Vec<_>, _>>()
                        .map(Target::Unpack);
                }
                items
                    .into_iter()
                    .map(|i| self.to_target(i, verb))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Target::Unpack)
            }
            ExprKind::Lit(Lit::Tuple(items)) if items.is_empty() => Ok(Target::Unpack(Vec::new())),
            _ => {
                let what = describe(&e);
                let hint = if verb == "assign to" && matches!(e.kind, ExprKind::Call { .. }) {
                    " here. Maybe you meant '==' instead of '='?"
                } else {
                    ""
                };
                Err(PyError::syntax(line, format!("cannot {verb} {what}{hint}")))
            }
        }
    }

    fn block(&mut self, header_line: u32, what: &str) -> Result<Vec<Stmt>, PyError> {
        if !self.eat_op(":") {
            return Err(PyError::syntax(self.line(), "expected ':'"));
        }
        let mut body = Vec::new();
        if self.at(&Tok::Newline) {
            self.advance();
            if !self.at(&Tok::Indent) {
                return Err(PyError::syntax_named(
                    self.line(),
                    "IndentationError",
                    format!("expected an indented block after {what} on line {header_line}"),
                ));
            }
            self.advance();
            while !self.at(&Tok::Dedent) && !self.at(&Tok::Eof) {
                self.statement(&mut body)?;
            }
            if self.at(&Tok::Dedent) {
                self.advance();
            }
        } else {
            self.simple_statements(&mut body)?;
        }
        Ok(body)
    }

    fn if_stmt(&mut self, out: &mut Vec<Stmt>) -> Result<(), PyError> {
        let line = self.line();
        self.advance();
        let stmt = self.if_rest(line, "'if' statement")?;
        out.push(stmt);
        Ok(())
    }

    fn if_rest(&mut self, line: u32, what: &str) -> Result<Stmt, PyError> {
        let test = self.test()?;
        let body = self.block(line, what)?;
        let orelse = if self.at_kw("elif") {
            let elif_line = self.line();
            self.advance();
            vec![self.if_rest(elif_line, "'elif' statement")?]
        } else if self.at_kw("else") {
            let else_line = self.line();
            self.advance();
            self.block(else_line, "'else' statement")?
        } else {
            Vec::new()
        };
        Ok(Stmt {
            line,
            kind: StmtKind::If { test, body, orelse },
        })
    }

    fn for_stmt(&mut self, out: &mut Vec<Stmt>) -> Result<(), PyError> {
        let line = self.line();
        self.advance();
        let target_expr = self.target_list()?;
        let target = self.to_target(target_expr, "assign to")?;
        if !self.eat_kw("in") {
            return Err(PyError::syntax(self.line(), "invalid syntax"));
        }
        let iter = self.testlist()?;
        self.loops += 1;
        let body = self.block(line, "'for' statement");
        self.loops -= 1;
        let body = body?;
        if self.at_kw("else") {
            return Err(PyError::unsupported(self.line(), "for ... else blocks"));
        }
        out.push(Stmt {
            line,
            kind: StmtKind::For { target, iter, body },
        });
        Ok(())
    }

    /// The targets of a `for`: expressions up to `in`, with commas.
    fn target_list(&mut self) -> Result<Expr, PyError> {
        let line = self.line();
        let first = self.bitor()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_kw("in") {
                break;
            }
            items.push(self.bitor()?);
        }
        Ok(Expr::new(line, ExprKind::Tuple(items)))
    }

    fn def_stmt(&mut self, out: &mut Vec<Stmt>) -> Result<(), PyError> {
        let line = self.line();
        self.advance();
        match self.context.last() {
            Some(Context::Function) => {
                return Err(PyError::unsupported(line, "nested functions (closures)"))
            }
            Some(Context::Module) | Some(Context::Class(_)) | None => {}
        }
        let name = self.identifier()?;
        self.expect_op("(")?;
        let mut params: Vec<Name> = Vec::new();
        while !self.at_op(")") {
            let pline = self.line();
            if self.at_op("*") || self.at_op("**") {
                return Err(PyError::unsupported(pline, "*args and **kwargs parameters"));
            }
            if self.at_op("/") {
                return Err(PyError::unsupported(pline, "positional-only parameters"));
            }
            let p = self.identifier()?;
            if self.at_op("=") {
                return Err(PyError::unsupported(pline, "default parameter values"));
            }
            if self.at_op(":") {
                return Err(PyError::unsupported(pline, "annotations"));
            }
            if params.contains(&p) {
                return Err(PyError::syntax(
                    pline,
                    format!("duplicate argument '{p}' in function definition"),
                ));
            }
            params.push(p);
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(")")?;
        if self.at_op("->") {
            return Err(PyError::unsupported(self.line(), "annotations"));
        }
        let qualname: Name = match self.context.last() {
            Some(Context::Class(class)) => format!("{class}.{name}").into(),
            _ => name.clone(),
        };
        let index = self.codes.len();
        self.codes.push(placeholder());
        self.context.push(Context::Function);
        let saved_loops = std::mem::replace(&mut self.loops, 0);
        let body = self.block(line, "function definition");
        self.loops = saved_loops;
        self.context.pop();
        let body = body?;
        self.codes[index] = Code {
            kind: CodeKind::Function,
            name: name.clone(),
            qualname,
            params,
            locals: Vec::new(),
            body,
            consts: Vec::new(),
            line,
        };
        out.push(Stmt {
            line,
            kind: StmtKind::Def {
                name: NameRef {
                    name,
                    scope: Scope::Unresolved,
                },
                code: index,
            },
        });
        Ok(())
    }

    fn class_stmt(&mut self, out: &mut Vec<Stmt>) -> Result<(), PyError> {
        let line = self.line();
        self.advance();
        match self.context.last() {
            Some(Context::Module) | None => {}
            Some(_) => {
                return Err(PyError::unsupported(
                    line,
                    "classes inside functions or classes",
                ))
            }
        }
        let name = self.identifier()?;
        if self.eat_op("(") && !self.eat_op(")") {
            return Err(PyError::unsupported(line, "base classes (inheritance)"));
        }
        let index = self.codes.len();
        self.codes.push(placeholder());
        self.context.push(Context::Class(name.clone()));
        let saved_loops = std::mem::replace(&mut self.loops, 0);
        let body = self.block(line, "class definition");
        self.loops = saved_loops;
        self.context.pop();
        let body = body?;
        self.codes[index] = Code {
            kind: CodeKind::ClassBody,
            name: name.clone(),
            qualname: name.clone(),
            params: Vec::new(),
            locals: Vec::new(),
            body,
            consts: Vec::new(),
            line,
        };
        out.push(Stmt {
            line,
            kind: StmtKind::Class {
                name: NameRef {
                    name,
                    scope: Scope::Unresolved,
                },
                code: index,
            },
        });
        Ok(())
    }

    // ---- expressions ----

    /// Expressions separated by commas: a tuple when there is a comma.
    fn testlist(&mut self) -> Result<Expr, PyError> {
        let line = self.line();
        let first = self.test()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.ends_testlist() {
                break;
            }
            items.push(self.test()?);
        }
        Ok(Expr::new(line, ExprKind::Tuple(items)))
    }

    fn ends_testlist(&self) -> bool {
        matches!(self.peek(), Tok::Newline | Tok::Eof)
            || self.at_op("=")
            || self.at_op(")")
            || self.at_op(";")
            || self.at_op(":")
            || matches!(self.peek(), Tok::Op(o) if aug_op(o).is_some())
    }

    fn checked(&self, e: Expr) -> Result<Expr, PyError> {
        if e.depth > MAX_EXPR_DEPTH {
            return Err(PyError::unsupported(
                e.line,
                format!("expressions nested more than {MAX_EXPR_DEPTH} levels deep"),
            ));
        }
        Ok(e)
    }

    fn test(&mut self) -> Result<Expr, PyError> {
        let line = self.line();
        if self.at_kw("lambda") {
            return Err(PyError::unsupported(line, "lambda expressions"));
        }
        if self.at_kw("yield") {
            return Err(PyError::unsupported(line, "generators (yield)"));
        }
        let body = self.or_test()?;
        if self.at_op(":=") {
            return Err(PyError::unsupported(line, "assignment expressions (:=)"));
        }
        if self.at_kw("if") {
            // `x if c else y`, but not a comprehension's `if` (refused elsewhere).
            self.advance();
            let test = self.or_test()?;
            if !self.eat_kw("else") {
                return Err(PyError::syntax(
                    self.line(),
                    "expected 'else' after 'if' expression",
                ));
            }
            let orelse = self.test()?;
            return self.checked(Expr::new(
                line,
                ExprKind::IfExp {
                    test: Box::new(test),
                    body: Box::new(body),
                    orelse: Box::new(orelse),
                },
            ));
        }
        Ok(body)
    }

    fn or_test(&mut self) -> Result<Expr, PyError> {
        let mut left = self.and_test()?;
        while self.at_kw("or") {
            let line = self.line();
            self.advance();
            let right = self.and_test()?;
            left = self.checked(Expr::new(
                line,
                ExprKind::BoolOp(false, Box::new(left), Box::new(right)),
            ))?;
        }
        Ok(left)
    }

    fn and_test(&mut self) -> Result<Expr, PyError> {
        let mut left = self.not_test()?;
        while self.at_kw("and") {
            let line = self.line();
            self.advance();
            let right = self.not_test()?;
            left = self.checked(Expr::new(
                line,
                ExprKind::BoolOp(true, Box::new(left), Box::new(right)),
            ))?;
        }
        Ok(left)
    }

    fn not_test(&mut self) -> Result<Expr, PyError> {
        if self.at_kw("not") {
            let line = self.line();
            self.advance();
            let operand = self.not_test()?;
            return self.checked(Expr::new(line, ExprKind::Not(Box::new(operand))));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, PyError> {
        let line = self.line();
        let first = self.bitor()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::Op("==") => CmpOp::Eq,
                Tok::Op("!=") => CmpOp::Ne,
                Tok::Op("<") => CmpOp::Lt,
                Tok::Op("<=") => CmpOp::Le,
                Tok::Op(">") => CmpOp::Gt,
                Tok::Op(">=") => CmpOp::Ge,
                Tok::Name(n) if n == "in" => CmpOp::In,
                Tok::Name(n) if n == "is" => {
                    if matches!(self.peek_at(1), Tok::Name(m) if m == "not") {
                        self.advance();
                        CmpOp::IsNot
                    } else {
                        CmpOp::Is
                    }
                }
                Tok::Name(n)
                    if n == "not" && matches!(self.peek_at(1), Tok::Name(m) if m == "in") =>
                {
                    self.advance();
                    CmpOp::NotIn
                }
                _ => break,
            };
            self.advance();
            rest.push((op, self.bitor()?));
        }
        if rest.is_empty() {
            return Ok(first);
        }
        self.checked(Expr::new(line, ExprKind::Compare(Box::new(first), rest)))
    }

    fn binary_level(
        &mut self,
        ops: &[(&str, BinOp)],
        next: fn(&mut Parser) -> Result<Expr, PyError>,
    ) -> Result<Expr, PyError> {
        let mut left = next(self)?;
        'outer: loop {
            for &(sym, op) in ops {
                if self.at_op(sym) {
                    let line = self.line();
                    self.advance();
                    let right = next(self)?;
                    left = self.checked(Expr::new(
                        line,
                        ExprKind::BinOp(op, Box::new(left), Box::new(right)),
                    ))?;
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }

    fn bitor(&mut self) -> Result<Expr, PyError> {
        self.binary_level(&[("|", BinOp::BitOr)], Parser::bitxor)
    }

    fn bitxor(&mut self) -> Result<Expr, PyError> {
        self.binary_level(&[("^", BinOp::BitXor)], Parser::bitand)
    }

    fn bitand(&mut self) -> Result<Expr, PyError> {
        self.binary_level(&[("&", BinOp::BitAnd)], Parser::shift)
    }

    fn shift(&mut self) -> Result<Expr, PyError> {
        self.binary_level(
            &[("<<", BinOp::LShift), (">>", BinOp::RShift)],
            Parser::arith,
        )
    }

    fn arith(&mut self) -> Result<Expr, PyError> {
        self.binary_level(&[("+", BinOp::Add), ("-", BinOp::Sub)], Parser::term)
    }

    fn term(&mut self) -> Result<Expr, PyError> {
        if self.at_op("@") {
            return Err(self.invalid());
        }
        let e = self.binary_level(
            &[
                ("*", BinOp::Mul),
                ("//", BinOp::FloorDiv),
                ("/", BinOp::Div),
                ("%", BinOp::Mod),
            ],
            Parser::factor,
        )?;
        if self.at_op("@") {
            return Err(PyError::unsupported(self.line(), "the @ operator"));
        }
        Ok(e)
    }

    fn factor(&mut self) -> Result<Expr, PyError> {
        let line = self.line();
        let op = match self.peek() {
            Tok::Op("-") => Some(UnaryOp::Neg),
            Tok::Op("+") => Some(UnaryOp::Pos),
            Tok::Op("~") => Some(UnaryOp::Invert),
            _ => None,
        };
        if let Some(op) = op {
            self.advance();
            let operand = self.factor()?;
            return self.checked(Expr::new(line, ExprKind::Unary(op, Box::new(operand))));
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, PyError> {
        let line = self.line();
        if self.at_kw("await") {
            return Err(PyError::unsupported(line, "async functions"));
        }
        let base = self.primary()?;
        if self.at_op("**") {
            self.advance();
            let exp = self.factor()?;
            return self.checked(Expr::new(
                line,
                ExprKind::BinOp(BinOp::Pow, Box::new(base), Box::new(exp)),
            ));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, PyError> {
        let mut e = self.atom()?;
        loop {
            let line = self.line();
            if self.eat_op(".") {
                let name = self.identifier()?;
                e = Expr::new(line, ExprKind::Attr(Box::new(e), name));
            } else if self.at_op("(") {
                self.advance();
                e = self.call(e, line)?;
            } else if self.at_op("[") {
                self.advance();
                let index = self.subscript()?;
                self.expect_closing("]")?;
                e = Expr::new(line, ExprKind::Subscript(Box::new(e), Box::new(index)));
            } else {
                return self.checked(e);
            }
            e = self.checked(e)?;
        }
    }

    fn expect_closing(&mut self, close: &str) -> Result<(), PyError> {
        if self.eat_op(close) {
            return Ok(());
        }
        if self.at_kw("for") || self.at_kw("async") {
            return Err(PyError::unsupported(
                self.line(),
                "comprehensions and generator expressions",
            ));
        }
        Err(PyError::syntax(
            self.line(),
            "invalid syntax. Perhaps you forgot a comma?",
        ))
    }

    fn subscript(&mut self) -> Result<Expr, PyError> {
        let line = self.line();
        let first = if self.at_op(":") {
            None
        } else {
            Some(self.test()?)
        };
        if self.eat_op(":") {
            let bound = |p: &mut Parser| -> Result<Option<Box<Expr>>, PyError> {
                if p.at_op(":") || p.at_op("]") || p.at_op(",") {
                    Ok(None)
                } else {
                    Ok(Some(Box::new(p.test()?)))
                }
            };
            let upper = bound(self)?;
            let step = if self.eat_op(":") { bound(self)? } else { None };
            if self.at_op(",") {
                return Err(PyError::unsupported(line, "multi-dimensional subscripts"));
            }
            return Ok(Expr::new(
                line,
                ExprKind::Slice(first.map(Box::new), upper, step),
            ));
        }
        let first = first.expect("not a slice, so an expression");
        if self.at_op(",") {
            let mut items = vec![first];
            while self.eat_op(",") {
                if self.at_op("]") {
                    break;
                }
                items.push(self.test()?);
            }
            return Ok(Expr::new(line, ExprKind::Tuple(items)));
        }
        Ok(first)
    }

    fn call(&mut self, func: Expr, line: u32) -> Result<Expr, PyError> {
        let mut args = Vec::new();
        let mut kwargs: Vec<(Name, Expr)> = Vec::new();
        while !self.at_op(")") {
            let aline = self.line();
            if self.at_op("*") || self.at_op("**") {
                return Err(PyError::unsupported(
                    aline,
                    "starred arguments (*args, **kwargs)",
                ));
            }
            if matches!(self.peek(), Tok::Name(_)) && matches!(self.peek_at(1), Tok::Op("=")) {
                let name = self.identifier()?;
                self.advance();
                if kwargs.iter().any(|(n, _)| *n == name) {
                    return Err(PyError::syntax(
                        aline,
                        format!("keyword argument repeated: {name}"),
                    ));
                }
                kwargs.push((name, self.test()?));
            } else {
                let arg = self.test()?;
                if self.at_kw("for") {
                    return Err(PyError::unsupported(
                        aline,
                        "comprehensions and generator expressions",
                    ));
                }
                if !kwargs.is_empty() {
                    return Err(PyError::syntax(
                        aline,
                        "positional argument follows keyword argument",
                    ));
                }
                args.push(arg);
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_closing(")")?;
        Ok(Expr::new(
            line,
            ExprKind::Call {
                func: Box::new(func),
                args,
                kwargs,
            },
        ))
    }

    fn atom(&mut self) -> Result<Expr, PyError> {
        let line = self.line();
        match self.advance() {
            Tok::Int(v) => Ok(Expr::new(line, ExprKind::Lit(Lit::Int(v)))),
            Tok::Float(v) => Ok(Expr::new(line, ExprKind::Lit(Lit::Float(v)))),
            first @ (Tok::Str(_) | Tok::FString(_)) => {
                // Adjacent literals join: "a" f"{b}" "c".
                let mut parts = vec![first];
                while matches!(self.peek(), Tok::Str(_) | Tok::FString(_)) {
                    parts.push(self.advance());
                }
                let mut pieces: Vec<FPiece> = Vec::new();
                let mut text = String::new();
                for part in parts {
                    let fparts = match part {
                        Tok::Str(s) => vec![FPart::Lit(s)],
                        Tok::FString(fparts) => fparts,
                        _ => unreachable!("matched above"),
                    };
                    for fp in fparts {
                        match fp {
                            FPart::Lit(s) => text.push_str(&s),
                            field => {
                                if !text.is_empty() {
                                    pieces.push(FPiece::Lit(Rc::from(text.as_str())));
                                    text.clear();
                                }
                                pieces.extend(self.fstring_field(field, line)?);
                            }
                        }
                    }
                }
                if pieces.is_empty() {
                    return Ok(Expr::new(
                        line,
                        ExprKind::Lit(Lit::Str(Rc::from(text.as_str()))),
                    ));
                }
                if !text.is_empty() {
                    pieces.push(FPiece::Lit(Rc::from(text.as_str())));
                }
                self.checked(Expr::new(line, ExprKind::FString(pieces)))
            }
            Tok::Name(n) => match n.as_str() {
                "None" => Ok(Expr::new(line, ExprKind::Lit(Lit::None))),
                "True" => Ok(Expr::new(line, ExprKind::Lit(Lit::Bool(true)))),
                "False" => Ok(Expr::new(line, ExprKind::Lit(Lit::Bool(false)))),
                "lambda" => Err(PyError::unsupported(line, "lambda expressions")),
                "yield" => Err(PyError::unsupported(line, "generators (yield)")),
                "await" => Err(PyError::unsupported(line, "async functions")),
                kw if KEYWORDS.contains(&kw) => Err(PyError::syntax(line, "invalid syntax")),
                _ => Ok(Expr::new(line, ExprKind::Name(NameRef::new(&n)))),
            },
            Tok::Op("(") => {
                if self.eat_op(")") {
                    return Ok(Expr::new(line, ExprKind::Tuple(Vec::new())));
                }
                if self.at_op("*") {
                    return Err(PyError::unsupported(line, "starred expressions"));
                }
                let first = self.test()?;
                if self.at_kw("for") {
                    return Err(PyError::unsupported(
                        line,
                        "comprehensions and generator expressions",
                    ));
                }
                if self.eat_op(")") {
                    return Ok(first);
                }
                if !self.at_op(",") {
                    return self.expect_closing(")").map(|_| first);
                }
                let mut items = vec![first];
                while self.eat_op(",") {
                    if self.at_op(")") {
                        break;
                    }
                    items.push(self.test()?);
                }
                self.expect_closing(")")?;
                Ok(Expr::new(line, ExprKind::Tuple(items)))
            }
            Tok::Op("[") => {
                let mut items = Vec::new();
                while !self.at_op("]") {
                    if self.at_op("*") {
                        return Err(PyError::unsupported(line, "starred expressions"));
                    }
                    items.push(self.test()?);
                    if self.at_kw("for") {
                        return Err(PyError::unsupported(line, "list comprehensions"));
                    }
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_closing("]")?;
                Ok(Expr::new(line, ExprKind::List(items)))
            }
            Tok::Op("{") => {
                let mut items = Vec::new();
                while !self.at_op("}") {
                    if self.at_op("**") || self.at_op("*") {
                        return Err(PyError::unsupported(line, "starred items in displays"));
                    }
                    let key = self.test()?;
                    if !self.at_op(":") {
                        if self.at_kw("for") {
                            return Err(PyError::unsupported(line, "set comprehensions"));
                        }
                        return Err(PyError::unsupported(line, "sets"));
                    }
                    self.advance();
                    let value = self.test()?;
                    if self.at_kw("for") {
                        return Err(PyError::unsupported(line, "dict comprehensions"));
                    }
                    items.push((key, value));
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_closing("}")?;
                Ok(Expr::new(line, ExprKind::Dict(items)))
            }
            Tok::Op("...") => Err(PyError::unsupported(line, "the Ellipsis literal (...)")),
            Tok::Indent => Err(PyError::syntax_named(
                line,
                "IndentationError",
                "unexpected indent",
            )),
            Tok::Newline | Tok::Eof | Tok::Dedent => Err(PyError::syntax(line, "invalid syntax")),
            Tok::Op(_) => Err(PyError::syntax(line, "invalid syntax")),
        }
    }
}

impl Parser {
    /// Parses an f-string field's expression (as if in parentheses, as
    /// CPython 3.11 does) and its nested spec. `f'{x=}'` gives two pieces:
    /// the expression's text, then the field.
    fn fstring_field(&mut self, field: FPart, line: u32) -> Result<Vec<FPiece>, PyError> {
        let FPart::Field {
            expr,
            debug,
            conversion,
            spec,
        } = field
        else {
            unreachable!("called on fields")
        };
        let mut tokens = crate::lexer::tokenize(&format!("({expr})"))?;
        for t in &mut tokens {
            t.line = line;
        }
        let mut sub = Parser {
            tokens,
            pos: 0,
            codes: Vec::new(),
            context: self.context.clone(),
            loops: 0,
        };
        let value = sub.testlist()?;
        if !matches!(sub.peek(), Tok::Newline | Tok::Eof) {
            return Err(PyError::syntax(line, "f-string: invalid syntax"));
        }
        let spec = match spec {
            Some(parts) => {
                let mut pieces = Vec::new();
                for p in parts {
                    match p {
                        FPart::Lit(s) => pieces.push(FPiece::Lit(Rc::from(s.as_str()))),
                        field => pieces.extend(self.fstring_field(field, line)?),
                    }
                }
                Some(pieces)
            }
            None => None,
        };
        let conversion = match (conversion, &debug, &spec) {
            (Some(c), _, _) => Some(c),
            (None, Some(_), None) => Some('r'),
            _ => None,
        };
        let field = FPiece::Field {
            value,
            conversion,
            spec,
        };
        Ok(match debug {
            Some(text) => vec![FPiece::Lit(Rc::from(text.as_str())), field],
            None => vec![field],
        })
    }
}

fn aug_op(op: &str) -> Option<BinOp> {
    Some(match op {
        "+=" => BinOp::Add,
        "-=" => BinOp::Sub,
        "*=" => BinOp::Mul,
        "/=" => BinOp::Div,
        "//=" => BinOp::FloorDiv,
        "%=" => BinOp::Mod,
        "**=" => BinOp::Pow,
        "<<=" => BinOp::LShift,
        ">>=" => BinOp::RShift,
        "&=" => BinOp::BitAnd,
        "|=" => BinOp::BitOr,
        "^=" => BinOp::BitXor,
        _ => return None,
    })
}

/// How CPython's error messages name an expression that cannot be a target.
fn describe(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Lit(Lit::None) | ExprKind::Lit(Lit::Bool(_)) => match &e.kind {
            ExprKind::Lit(Lit::None) => "None",
            ExprKind::Lit(Lit::Bool(true)) => "True",
            _ => "False",
        },
        ExprKind::Lit(_) => "literal",
        ExprKind::Const(never) | ExprKind::ConstList(never) | ExprKind::ConstKeyDict(never, _) => {
            match *never {}
        }
        ExprKind::Call { .. } => "function call",
        ExprKind::BinOp(..) | ExprKind::Unary(..) => "expression",
        ExprKind::BoolOp(..) | ExprKind::Not(..) => "expression",
        ExprKind::Compare(..) => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::FString(_) => "f-string expression",
        ExprKind::Slice(..) => "slice",
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::List(_) => "list",
        ExprKind::Name(_) | ExprKind::Attr(..) | ExprKind::Subscript(..) => "name",
    }
}
