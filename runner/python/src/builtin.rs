//! The one table of built-in objects: every function, type and module the
//! interpreter makes at start-up, each named once here with what the rest
//! of the interpreter asks about it (how it prints, whether it is a type,
//! whether CPython calls it with an argument tuple).

use std::fmt;

/// What a built-in is. Decides whether a program sees its name, how it
/// prints and what `type()` of it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A function with a builtin name (`len`).
    Function,
    /// A type with a builtin name: callable, and what `type(x)` gives (`int`).
    Type,
    /// A type with no builtin name, reached only through `type(x)`.
    HiddenType,
    /// A module, reached with `import`.
    Module,
    /// A function of a module (`gc.collect`).
    ModuleFunction,
    /// A type of a module (`weakref.ref`).
    ModuleType,
}

/// Whether CPython calls the built-in with an argument tuple (METH_VARARGS,
/// or a type without vectorcall): a GC allocation per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Tuple,
    Vector,
}

macro_rules! table {
    ($($variant:ident = $path:literal, $kind:ident, $call:ident;)*) => {
        /// A built-in object of the subset, named by its dotted path.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Builtin {
            $($variant,)*
        }

        impl Builtin {
            /// Every built-in, in the order the interpreter makes them.
            pub const ALL: &'static [Builtin] = &[$(Builtin::$variant,)*];

            /// The dotted path (`gc.collect`), as CPython names it.
            pub fn path(self) -> &'static str {
                match self {
                    $(Builtin::$variant => $path,)*
                }
            }

            pub fn kind(self) -> Kind {
                match self {
                    $(Builtin::$variant => Kind::$kind,)*
                }
            }

            fn call(self) -> Call {
                match self {
                    $(Builtin::$variant => Call::$call,)*
                }
            }
        }
    };
}

table! {
    Print = "print", Function, Tuple;
    Len = "len", Function, Vector;
    Id = "id", Function, Vector;
    Repr = "repr", Function, Vector;
    Isinstance = "isinstance", Function, Vector;
    Abs = "abs", Function, Vector;
    Min = "min", Function, Tuple;
    Max = "max", Function, Tuple;
    Sum = "sum", Function, Vector;
    Enumerate = "enumerate", Function, Vector;
    Zip = "zip", Function, Vector;
    Int = "int", Type, Tuple;
    Str = "str", Type, Tuple;
    List = "list", Type, Vector;
    Tuple = "tuple", Type, Vector;
    Dict = "dict", Type, Vector;
    Bool = "bool", Type, Vector;
    Float = "float", Type, Vector;
    Type = "type", Type, Vector;
    Range = "range", Type, Vector;
    NoneType = "NoneType", HiddenType, Vector;
    Function = "function", HiddenType, Vector;
    Module = "module", HiddenType, Vector;
    BuiltinFunctionOrMethod = "builtin_function_or_method", HiddenType, Vector;
    Gc = "gc", Module, Vector;
    Sys = "sys", Module, Vector;
    Weakref = "weakref", Module, Vector;
    GcCollect = "gc.collect", ModuleFunction, Vector;
    GcGetCount = "gc.get_count", ModuleFunction, Vector;
    GcGetThreshold = "gc.get_threshold", ModuleFunction, Vector;
    GcSetThreshold = "gc.set_threshold", ModuleFunction, Tuple;
    GcDisable = "gc.disable", ModuleFunction, Vector;
    GcEnable = "gc.enable", ModuleFunction, Vector;
    GcIsenabled = "gc.isenabled", ModuleFunction, Vector;
    GcFreeze = "gc.freeze", ModuleFunction, Vector;
    GcUnfreeze = "gc.unfreeze", ModuleFunction, Vector;
    GcGetFreezeCount = "gc.get_freeze_count", ModuleFunction, Vector;
    GcIsTracked = "gc.is_tracked", ModuleFunction, Vector;
    SysGetrefcount = "sys.getrefcount", ModuleFunction, Vector;
    SysGetsizeof = "sys.getsizeof", ModuleFunction, Tuple;
    SysGetallocatedblocks = "sys.getallocatedblocks", ModuleFunction, Vector;
    SysDebugmallocstats = "sys._debugmallocstats", ModuleFunction, Vector;
    WeakrefRef = "weakref.ref", ModuleType, Tuple;
}

impl Builtin {
    /// The built-in at this dotted path, if the subset has one.
    pub fn from_path(path: &str) -> Option<Builtin> {
        Builtin::ALL.iter().copied().find(|b| b.path() == path)
    }

    /// `__name__`: the last part of the path, except where CPython's type
    /// has another name than the module attribute that holds it.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::WeakrefRef => "ReferenceType",
            _ => {
                let path = self.path();
                path.rsplit('.').next().unwrap_or(path)
            }
        }
    }

    /// Whether a program can name it without `import`.
    pub fn is_visible(self) -> bool {
        matches!(self.kind(), Kind::Function | Kind::Type)
    }

    /// Whether it is a type, so `type()` of it is `type`.
    pub fn is_type(self) -> bool {
        matches!(
            self.kind(),
            Kind::Type | Kind::HiddenType | Kind::ModuleType
        )
    }

    pub fn takes_args_tuple(self) -> bool {
        self.call() == Call::Tuple
    }
}

impl fmt::Display for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_names_one_builtin() {
        for &b in Builtin::ALL {
            assert_eq!(Builtin::from_path(b.path()), Some(b));
        }
        assert_eq!(Builtin::from_path("sorted"), None);
    }

    #[test]
    fn names_are_the_last_part_of_the_path_or_the_cpython_type_name() {
        assert_eq!(Builtin::GcCollect.name(), "collect");
        assert_eq!(Builtin::Len.name(), "len");
        assert_eq!(Builtin::WeakrefRef.name(), "ReferenceType");
    }
}
