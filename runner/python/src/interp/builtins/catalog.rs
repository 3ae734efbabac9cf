//! The catalog of names the subset leaves out: CPython builtins, module
//! attributes and methods it knows of, so it can refuse them as
//! unsupported instead of calling them missing. What the subset has is
//! the table in [`crate::builtin`].

use crate::builtin::Builtin;
use crate::object::Object;

/// Names of real CPython builtins the subset leaves out.
const CPYTHON_BUILTINS: &[&str] = &[
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dir",
    "divmod",
    "eval",
    "exec",
    "exit",
    "filter",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "input",
    "issubclass",
    "iter",
    "license",
    "locals",
    "map",
    "memoryview",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "property",
    "quit",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "super",
    "vars",
    "__import__",
    "__build_class__",
    "__debug__",
    "Ellipsis",
    "NotImplemented",
];

const GC_ATTRS: &[&str] = &[
    "DEBUG_COLLECTABLE",
    "DEBUG_LEAK",
    "DEBUG_SAVEALL",
    "DEBUG_STATS",
    "DEBUG_UNCOLLECTABLE",
    "callbacks",
    "garbage",
    "get_debug",
    "get_objects",
    "get_referents",
    "get_referrers",
    "get_stats",
    "is_finalized",
    "set_debug",
];

const SYS_ATTRS: &[&str] = &[
    "abiflags",
    "addaudithook",
    "api_version",
    "argv",
    "audit",
    "base_exec_prefix",
    "base_prefix",
    "breakpointhook",
    "builtin_module_names",
    "byteorder",
    "call_tracing",
    "copyright",
    "displayhook",
    "dont_write_bytecode",
    "exc_info",
    "excepthook",
    "exception",
    "exec_prefix",
    "executable",
    "exit",
    "flags",
    "float_info",
    "float_repr_style",
    "get_asyncgen_hooks",
    "get_int_max_str_digits",
    "getdefaultencoding",
    "getdlopenflags",
    "getfilesystemencodeerrors",
    "getfilesystemencoding",
    "getprofile",
    "getrecursionlimit",
    "getswitchinterval",
    "gettrace",
    "hash_info",
    "hexversion",
    "implementation",
    "int_info",
    "intern",
    "is_finalizing",
    "maxsize",
    "maxunicode",
    "meta_path",
    "modules",
    "orig_argv",
    "path",
    "path_hooks",
    "path_importer_cache",
    "platform",
    "platlibdir",
    "prefix",
    "pycache_prefix",
    "set_int_max_str_digits",
    "setprofile",
    "setrecursionlimit",
    "setswitchinterval",
    "settrace",
    "stderr",
    "stdin",
    "stdlib_module_names",
    "stdout",
    "thread_info",
    "unraisablehook",
    "version",
    "version_info",
    "warnoptions",
    "_getframe",
    "_clear_type_cache",
];

const WEAKREF_ATTRS: &[&str] = &[
    "CallableProxyType",
    "KeyedRef",
    "ProxyType",
    "ProxyTypes",
    "ReferenceType",
    "WeakKeyDictionary",
    "WeakMethod",
    "WeakSet",
    "WeakValueDictionary",
    "finalize",
    "getweakrefcount",
    "getweakrefs",
    "proxy",
];

const LIST_METHODS: &[&str] = &[
    "append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse",
    "sort",
];
const DICT_METHODS: &[&str] = &[
    "clear",
    "copy",
    "fromkeys",
    "get",
    "items",
    "keys",
    "pop",
    "popitem",
    "setdefault",
    "update",
    "values",
];
const STR_METHODS: &[&str] = &[
    "capitalize",
    "casefold",
    "center",
    "count",
    "encode",
    "endswith",
    "expandtabs",
    "find",
    "format",
    "format_map",
    "index",
    "isalnum",
    "isalpha",
    "isascii",
    "isdecimal",
    "isdigit",
    "isidentifier",
    "islower",
    "isnumeric",
    "isprintable",
    "isspace",
    "istitle",
    "isupper",
    "join",
    "ljust",
    "lower",
    "lstrip",
    "maketrans",
    "partition",
    "removeprefix",
    "removesuffix",
    "replace",
    "rfind",
    "rindex",
    "rjust",
    "rpartition",
    "rsplit",
    "rstrip",
    "split",
    "splitlines",
    "startswith",
    "strip",
    "swapcase",
    "title",
    "translate",
    "upper",
    "zfill",
];
const INT_METHODS: &[&str] = &[
    "as_integer_ratio",
    "bit_count",
    "bit_length",
    "conjugate",
    "denominator",
    "from_bytes",
    "imag",
    "numerator",
    "real",
    "to_bytes",
];
const FLOAT_METHODS: &[&str] = &[
    "as_integer_ratio",
    "conjugate",
    "fromhex",
    "hex",
    "imag",
    "is_integer",
    "real",
];

/// Whether a program can name the builtin without `import`.
pub fn is_visible(name: &str) -> bool {
    Builtin::from_path(name).is_some_and(Builtin::is_visible)
}

/// "the built-in sorted()" for a CPython builtin the subset leaves out.
pub fn unsupported_builtin(name: &str) -> Option<String> {
    if CPYTHON_BUILTINS.contains(&name) {
        return Some(format!("the built-in {name}()"));
    }
    let exception =
        name.ends_with("Error") || name.ends_with("Exception") || name.ends_with("Warning");
    if exception && name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
        return Some(format!("exception classes ({name})"));
    }
    None
}

/// Whether the real module has this attribute (the subset refuses it
/// rather than calling it missing).
pub fn module_attr_exists(module: &str, name: &str) -> bool {
    let list = match module {
        "gc" => GC_ATTRS,
        "sys" => SYS_ATTRS,
        _ => WEAKREF_ATTRS,
    };
    list.contains(&name)
}

/// Whether the built-in type has this method in CPython.
pub fn method_exists(object: &Object, name: &str) -> bool {
    let list: &[&str] = match object {
        Object::List(_) => LIST_METHODS,
        Object::Dict(_) => DICT_METHODS,
        Object::Str(_) => STR_METHODS,
        Object::Tuple(_) => &["count", "index"],
        Object::Int(_) | Object::Bool(_) => INT_METHODS,
        Object::Float(_) => FLOAT_METHODS,
        _ => &[],
    };
    list.contains(&name)
}
