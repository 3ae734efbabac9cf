//! The syntax tree of the subset, in two phases. The parser's tree
//! ([`Parsed`]) has literals; the compiler's ([`Compiled`]) has indexes
//! into the program's constant table in their place, as CPython's compiler
//! turns literals into `co_consts` entries. Each phase fills the other's
//! variants with an uninhabited type, so the interpreter cannot meet a
//! literal, nor the compiler's passes a constant. A bare `Expr`, `Stmt`,
//! `Code`... is the compiled tree, the one the interpreter runs. Names
//! carry the scope the resolver gave them.

use std::convert::Infallible;
use std::fmt::Debug;
use std::rc::Rc;

use num_bigint::BigInt;

pub type Name = Rc<str>;

/// What a phase puts in the variants that only one phase has.
pub trait Phase: Debug + Clone {
    /// A literal: [`Lit`] once parsed, none once compiled.
    type Lit: Debug + Clone;
    /// An index into the constant table: none before compiling.
    type Const: Debug + Clone;
    /// The constant-table indexes of a constant tuple's items (the same
    /// objects the tuple holds): none before compiling.
    type ConstItems: Debug + Clone;
}

/// The parser's tree, which the compiler's passes resolve and fold.
#[derive(Debug, Clone)]
pub enum Parsed {}

/// The tree the interpreter runs: constants, no literals.
#[derive(Debug, Clone)]
pub enum Compiled {}

impl Phase for Parsed {
    type Lit = Lit;
    type Const = Infallible;
    type ConstItems = Infallible;
}

impl Phase for Compiled {
    type Lit = Infallible;
    type Const = usize;
    type ConstItems = Vec<usize>;
}

#[derive(Debug, Clone)]
pub struct Stmt<P: Phase = Compiled> {
    pub line: u32,
    pub kind: StmtKind<P>,
}

#[derive(Debug, Clone)]
pub enum StmtKind<P: Phase = Compiled> {
    Expr(Expr<P>),
    /// `a = b = value`: the value once, then each target left to right.
    Assign {
        targets: Vec<Target<P>>,
        value: Expr<P>,
    },
    AugAssign {
        target: Target<P>,
        op: BinOp,
        value: Expr<P>,
    },
    Del(Vec<Target<P>>),
    Pass,
    Break,
    Continue,
    If {
        test: Expr<P>,
        body: Vec<Stmt<P>>,
        orelse: Vec<Stmt<P>>,
    },
    For {
        target: Target<P>,
        iter: Expr<P>,
        body: Vec<Stmt<P>>,
    },
    /// `def`: `code` indexes [`crate::program::Program::codes`].
    Def {
        name: NameRef,
        code: usize,
    },
    Class {
        name: NameRef,
        code: usize,
    },
    Return(Option<Expr<P>>),
    /// `import gc, sys`: each module is bound to its own name.
    Import(Vec<NameRef>),
    /// `global a, b`: only changes how names resolve.
    Global(Vec<Name>),
    Assert {
        test: Expr<P>,
        msg: Option<Expr<P>>,
    },
}

#[derive(Debug, Clone)]
pub enum Target<P: Phase = Compiled> {
    Name(NameRef),
    Attr(Box<Expr<P>>, Name),
    Subscript(Box<Expr<P>>, Box<Expr<P>>),
    /// `a, b = ...` or `[a, b] = ...`.
    Unpack(Vec<Target<P>>),
}

#[derive(Debug, Clone)]
pub struct Expr<P: Phase = Compiled> {
    pub line: u32,
    /// How deep the tree under this node goes, so the parser can refuse
    /// trees the evaluator's recursion should not have to walk.
    pub depth: u32,
    pub kind: ExprKind<P>,
}

impl<P: Phase> Expr<P> {
    pub fn new(line: u32, kind: ExprKind<P>) -> Expr<P> {
        let child = |e: &Expr<P>| e.depth;
        let deepest = match &kind {
            ExprKind::Lit(_) | ExprKind::Const(_) | ExprKind::Name(_) | ExprKind::ConstList(_) => 0,
            ExprKind::ConstKeyDict(_, values) => values.iter().map(child).max().unwrap_or(0),
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                items.iter().map(child).max().unwrap_or(0)
            }
            ExprKind::Dict(items) => items
                .iter()
                .map(|(k, v)| child(k).max(child(v)))
                .max()
                .unwrap_or(0),
            ExprKind::Attr(e, _) | ExprKind::Unary(_, e) | ExprKind::Not(e) => child(e),
            ExprKind::Subscript(a, b) | ExprKind::BinOp(_, a, b) | ExprKind::BoolOp(_, a, b) => {
                child(a).max(child(b))
            }
            ExprKind::Call { func, args, kwargs } => args
                .iter()
                .chain(kwargs.iter().map(|(_, e)| e))
                .map(child)
                .max()
                .unwrap_or(0)
                .max(child(func)),
            ExprKind::Compare(first, rest) => rest
                .iter()
                .map(|(_, e)| child(e))
                .max()
                .unwrap_or(0)
                .max(child(first)),
            ExprKind::IfExp { test, body, orelse } => {
                child(test).max(child(body)).max(child(orelse))
            }
            ExprKind::FString(pieces) => FPiece::depth(pieces),
            ExprKind::Slice(a, b, c) => [a, b, c]
                .iter()
                .filter_map(|e| e.as_deref().map(child))
                .max()
                .unwrap_or(0),
        };
        Expr {
            line,
            depth: deepest + 1,
            kind,
        }
    }
}

#[derive(Debug, Clone)]
pub enum ExprKind<P: Phase = Compiled> {
    /// A literal, before constants are collected.
    Lit(P::Lit),
    /// An entry of the constant table.
    Const(P::Const),
    Name(NameRef),
    List(Vec<Expr<P>>),
    /// A list display of more than two constants: 3.11 builds an empty
    /// list and extends it from one constant tuple (these are its items).
    ConstList(P::ConstItems),
    Tuple(Vec<Expr<P>>),
    Dict(Vec<(Expr<P>, Expr<P>)>),
    /// A dict display of 2 to 16 items whose keys are all constants: 3.11
    /// takes the keys from one constant tuple (BUILD_CONST_KEY_MAP): its
    /// items, then the values.
    ConstKeyDict(P::ConstItems, Vec<Expr<P>>),
    Attr(Box<Expr<P>>, Name),
    Subscript(Box<Expr<P>>, Box<Expr<P>>),
    Call {
        func: Box<Expr<P>>,
        args: Vec<Expr<P>>,
        kwargs: Vec<(Name, Expr<P>)>,
    },
    BinOp(BinOp, Box<Expr<P>>, Box<Expr<P>>),
    Unary(UnaryOp, Box<Expr<P>>),
    /// `a and b` / `a or b`.
    BoolOp(bool, Box<Expr<P>>, Box<Expr<P>>),
    Not(Box<Expr<P>>),
    /// `a < b <= c`: the first operand and each (op, operand) after it.
    Compare(Box<Expr<P>>, Vec<(CmpOp, Expr<P>)>),
    /// An f-string: its pieces, concatenated.
    FString(Vec<FPiece<P>>),
    /// `lower:upper:step`, only as a subscript.
    Slice(
        Option<Box<Expr<P>>>,
        Option<Box<Expr<P>>>,
        Option<Box<Expr<P>>>,
    ),
    /// `body if test else orelse`.
    IfExp {
        test: Box<Expr<P>>,
        body: Box<Expr<P>>,
        orelse: Box<Expr<P>>,
    },
}

/// A piece of an f-string.
#[derive(Debug, Clone)]
pub enum FPiece<P: Phase = Compiled> {
    Lit(Rc<str>),
    Field {
        value: Expr<P>,
        /// `!r`, `!s`, `!a`; `f'{x=}'` implies `!r` unless a spec is given.
        conversion: Option<char>,
        spec: Option<Vec<FPiece<P>>>,
    },
}

impl<P: Phase> FPiece<P> {
    /// The expressions inside, in evaluation order.
    pub fn exprs_mut(pieces: &mut [FPiece<P>]) -> Vec<&mut Expr<P>> {
        let mut out = Vec::new();
        for p in pieces {
            if let FPiece::Field { value, spec, .. } = p {
                out.push(value);
                if let Some(spec) = spec {
                    out.extend(Self::exprs_mut(spec));
                }
            }
        }
        out
    }

    fn depth(pieces: &[FPiece<P>]) -> u32 {
        pieces
            .iter()
            .map(|p| match p {
                FPiece::Lit(_) => 0,
                FPiece::Field { value, spec, .. } => {
                    value.depth.max(spec.as_deref().map_or(0, Self::depth))
                }
            })
            .max()
            .unwrap_or(0)
    }
}

/// A literal value as the compiler sees it (after constant folding, tuples
/// of literals too).
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    None,
    Bool(bool),
    Int(BigInt),
    Float(f64),
    Str(Rc<str>),
    Tuple(Vec<Lit>),
}

impl Lit {
    /// CPython merges equal constants of the same type (`_PyCode_ConstantKey`):
    /// 1, 1.0 and True stay apart; 0.0 and -0.0 too.
    pub fn same_constant(&self, other: &Lit) -> bool {
        match (self, other) {
            (Lit::Float(a), Lit::Float(b)) => a.to_bits() == b.to_bits(),
            (Lit::Tuple(a), Lit::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_constant(y))
            }
            _ => self == other,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NameRef {
    pub name: Name,
    pub scope: Scope,
}

impl NameRef {
    pub fn new(name: &str) -> NameRef {
        NameRef {
            name: name.into(),
            scope: Scope::Unresolved,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Unresolved,
    /// A slot of the current function's frame.
    Local(usize),
    /// Module globals, then builtins (a name in a function that is never
    /// assigned there, or declared `global`).
    Global,
    /// Module level or class body: the current namespace, then globals,
    /// then builtins (CPython's LOAD_NAME).
    Namespace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    BitAnd,
    BitOr,
    BitXor,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Pos,
    Invert,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Is,
    IsNot,
    In,
    NotIn,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

/// What kind of code object a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    Module,
    Function,
    ClassBody,
}

/// A code object: the module, a function or a class body.
#[derive(Debug, Clone)]
pub struct Code<P: Phase = Compiled> {
    pub kind: CodeKind,
    /// The function or class name (`<module>` for the module).
    pub name: Name,
    /// `C.f` for a method, as CPython's `__qualname__`.
    pub qualname: Name,
    pub params: Vec<Name>,
    /// Local variable names in CPython's `co_varnames` order: parameters,
    /// then names in the order the compiler first meets them. Frames clear
    /// them in this order at return.
    pub locals: Vec<Name>,
    pub body: Vec<Stmt<P>>,
    /// Constants this code object holds (its `co_consts`), each once;
    /// empty until compiled.
    pub consts: Vec<usize>,
    pub line: u32,
}
