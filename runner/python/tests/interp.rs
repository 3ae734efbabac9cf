//! The interpreter on the small test heap (reference counting only): exact
//! outputs of small programs, each checked against what CPython 3.11.7
//! prints for the same program (cycles aside: this heap never collects).

mod common;

use common::{error, run, stdout};

#[test]
fn names_hold_references_where_cpython_does() {
    let src = "import sys
x = []
print(sys.getrefcount(x))
y = x
print(sys.getrefcount(x), x is y)
del y
print(sys.getrefcount(x))
l = [x, x]
print(sys.getrefcount(x))
def f(p):
    return sys.getrefcount(p)
print(f(x))
for item in l:
    print(sys.getrefcount(l))
";
    assert_eq!(stdout(src), "2\n3 True\n2\n4\n5\n3\n3\n");
}

#[test]
fn init_sees_the_args_tuple_and_del_runs_at_the_last_decref() {
    let src = "import sys
class A:
    def __init__(self, x):
        print('init', sys.getrefcount(self), sys.getrefcount(x))
    def __del__(self):
        print('del', sys.getrefcount(self))
o = []
a = A(o)
print('made')
del a
print('after')
";
    assert_eq!(stdout(src), "init 3 5\nmade\ndel 3\nafter\n");
}

#[test]
fn locals_die_at_return_in_slot_order_and_containers_release_last_first() {
    let src = "class B:
    def __init__(self, n):
        self.n = n
    def __del__(self):
        print('del', self.n)
def h():
    q = B('q')
    p = B('p')
    r = B('r')
    return 1
h()
l = [B(1), B(2), B(3)]
l.clear()
t = (B('t1'), B('t2'))
del t
d = {'a': B('da'), 'b': B('db')}
d = None
b = B('owner')
b.x = B('x')
del b
B('temp')
print('end')
";
    assert_eq!(
        stdout(src),
        "del q\ndel p\ndel r\ndel 3\ndel 2\ndel 1\ndel t2\ndel t1\ndel da\ndel db\ndel owner\ndel x\ndel temp\nend\n"
    );
}

#[test]
fn an_exception_keeps_the_frames_until_it_is_reported() {
    let src = "class B:
    def __init__(self, n):
        self.n = n
    def __del__(self):
        print('del', self.n)
def f():
    a = B('local')
    print(missing)
g = B('global')
f()
";
    let out = run(src);
    // CPython then prints "del global" at exit, from the final collection
    // of the module's dict; this test heap has no collector.
    assert_eq!(out.stdout, "del local\n");
    assert_eq!(
        out.error.unwrap().to_string(),
        "t.py:8: NameError: name 'missing' is not defined"
    );
}

#[test]
fn constants_are_shared_as_the_compiler_shares_them() {
    let src = "import sys
a = 1000
b = 10**3
print(a is b, sys.getrefcount(a))
n = 200
print(n + 57 is n + 57, n + 56 is n + 56)
s = 'hello world'
print(s is 'hello ' + 'world', sys.getrefcount(s))
t = (1, 2)
print(sys.getrefcount(t), t is (1, 2))
";
    assert_eq!(stdout(src), "True 5\nFalse True\nTrue 4\n4 True\n");
}

#[test]
fn list_capacity_follows_cpython() {
    // The test heap's getsizeof is 56 + 8 * allocated, as CPython's.
    let src = "import sys
l = []
s = []
for i in range(9):
    l.append(i)
    s.append(sys.getsizeof(l))
print(s)
print(sys.getsizeof([1, 2, 3]), sys.getsizeof([1, 2]), sys.getsizeof([None] * 3), sys.getsizeof(list(range(9))))
";
    assert_eq!(
        stdout(src),
        "[88, 88, 88, 88, 120, 120, 120, 120, 184]\n88 72 80 136\n"
    );
}

#[test]
fn python_errors_carry_cpython_messages() {
    for (src, want) in [
        ("x = [1]\nx[3]", "t.py:2: IndexError: list index out of range"),
        ("{}['k']", "t.py:1: KeyError: 'k'"),
        ("1 + 'a'", "t.py:1: TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
        ("def f():\n    x += 1\nf()", "t.py:2: UnboundLocalError: cannot access local variable 'x' where it is not associated with a value"),
        ("def f(a, b):\n    pass\nf(1)", "t.py:3: TypeError: f() missing 1 required positional argument: 'b'"),
        ("class C:\n    def m(self):\n        pass\nC().m(1)", "t.py:4: TypeError: C.m() takes 1 positional argument but 2 were given"),
        ("a, b = [1, 2, 3]", "t.py:1: ValueError: too many values to unpack (expected 2)"),
        ("[1].pop(5)", "t.py:1: IndexError: pop index out of range"),
        ("x = 10 ** 5000\nprint(x)", "t.py:2: ValueError: Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"),
        ("print({[]: 1})", "t.py:1: TypeError: unhashable type: 'list'"),
        ("import gc\ngc.collect(3)", "t.py:2: ValueError: invalid generation"),
        ("d = {'a': 1}\nfor k in d:\n    d['b'] = 2", "t.py:2: RuntimeError: dictionary changed size during iteration"),
        ("assert 1 == 2, 'no'", "t.py:1: AssertionError: no"),
    ] {
        assert_eq!(error(src), want, "{src}");
    }
}

#[test]
fn outside_the_subset_is_named() {
    for (src, want) in [
        ("while x:\n    pass", "t.py:1: unsupported: while loops are outside the memlings subset"),
        ("print(sorted([]))", "t.py:1: unsupported: the built-in sorted() is outside the memlings subset"),
        ("import os", "t.py:1: unsupported: the module os is outside the memlings subset (only gc, sys and weakref can be imported)"),
        ("l = [1]\nl.sort()", "t.py:2: unsupported: the method list.sort() is outside the memlings subset"),
        ("x = [i for i in []]", "t.py:1: unsupported: list comprehensions are outside the memlings subset"),
        ("import sys\nsys.argv", "t.py:2: unsupported: the attribute sys.argv is outside the memlings subset"),
        ("class A:\n    def __eq__(self, o):\n        return True", "t.py:1: unsupported: the special method __eq__ is outside the memlings subset"),
        ("class A:\n    def m(self):\n        pass\nf = A().m", "t.py:4: unsupported: bound method objects (call the method at once: obj.m(...)) are outside the memlings subset"),
        ("d = {}\nv = d.items()", "t.py:2: unsupported: dict views (dict.items()) except in a for loop header are outside the memlings subset (write `for ... in d.items():`)"),
    ] {
        assert_eq!(error(src), want, "{src}");
    }
}

#[test]
fn syntax_errors_as_cpython_words_them() {
    for (src, want) in [
        ("x = (1,\n", "t.py:1: SyntaxError: '(' was never closed"),
        ("if x\n    y", "t.py:1: SyntaxError: expected ':'"),
        ("x = 1\n  y = 2", "t.py:2: IndentationError: unexpected indent"),
        ("if x:\ny", "t.py:2: IndentationError: expected an indented block after 'if' statement on line 1"),
        ("x = 'abc", "t.py:1: SyntaxError: unterminated string literal (detected at line 1)"),
        ("return 1", "t.py:1: SyntaxError: 'return' outside function"),
        ("f() = 1", "t.py:1: SyntaxError: cannot assign to function call here. Maybe you meant '==' instead of '='?"),
        ("x = 012", "t.py:1: SyntaxError: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"),
    ] {
        assert_eq!(error(src), want, "{src}");
    }
}

#[test]
fn the_step_limit_stops_a_runaway_program() {
    let out = memlings_python::run_program::<common::RcHeap>(
        "print('start')\nfor i in range(10**9):\n    pass\n",
        "t.py",
        &memlings_python::Options {
            max_steps: 500,
            ..Default::default()
        },
    );
    assert_eq!(out.stdout, "start\n");
    assert_eq!(
        out.error.unwrap().to_string(),
        "t.py:3: stopped after 500 steps (a runaway loop?); raise the limit with --max-steps"
    );
}

#[test]
fn repr_follows_python() {
    let src = "l = [1, 'it\\'s', None, (1,), {'a': [True]}, 1e16, 0.1 + 0.2, -0.0]
l.append(l)
print(l)
print(repr('a\\nb'), str(2 ** 70), range(0, 10, 2), ())
";
    assert_eq!(
        stdout(src),
        "[1, \"it's\", None, (1,), {'a': [True]}, 1e+16, 0.30000000000000004, -0.0, [...]]\n'a\\nb' 1180591620717411303424 range(0, 10, 2) ()\n"
    );
}

#[test]
fn trace_shows_a_function_frame_and_unreachable_objects() {
    let out = memlings_python::run_program::<common::RcHeap>(
        "def f(x):\n    y = [x]\n    return 1\nl = []\nl.append(l)\nn = f(l)\ndel l\n",
        "t.py",
        &memlings_python::Options {
            trace: true,
            ..Default::default()
        },
    );
    let trace = out.trace.unwrap();
    assert!(
        trace.contains(
            "┌ line 2 (in f()): y = [x]\n│ globals: f → #1, l → #2\n│ f(): x → #2, y → #3\n"
        ),
        "{trace}"
    );
    assert!(
        trace.contains("│ f() returned: its frame and its local names are gone\n"),
        "{trace}"
    );
    assert!(
        trace.ends_with(
            "┌ line 7: del l\n│ globals: f → #1, n → 1\n│ #1 function f, refcount 1\n\
             │ no name reaches these (only references among themselves keep them alive):\n\
             │ #2 list len 1, refcount 1: [0] → #2\n"
        ),
        "{trace}"
    );
}

#[test]
fn fstrings_slices_and_loop_helpers_behave_as_in_cpython() {
    let src = "import sys
name = 'mem'
x = [1, 2]
print(f'{name!r:>6}|{3.14159:.2f}|{1234567:,}|{x=}|{255:#x}|{{}}')
l = [0, 1, 2, 3, 4, 5]
print(l[1:3], l[::-1], l[-2:], 'memlings'[:3], (1, 2, 3)[1:])
c = l[:]
print(c == l, c is l, sys.getsizeof(c))
d = {'a': [1], 'b': [2]}
for k, v in d.items():
    print(k, v, sys.getrefcount(v))
for i, ch in enumerate('ab', 1):
    print(i, ch)
for p, q in zip([1, 2, 3], 'xy'):
    print(p, q)
print('a b  c'.split(), '-'.join(['x', 'y']), ' pad '.strip(), 'Hi'.upper(), 'a.b'.replace('.', '/'))
";
    // Each line as python3 3.11.7 prints it. getrefcount(v) is 5 inside
    // `for k, v in d.items()`: the dict, the name v, the iterator's reused
    // result tuple, print's argument v waiting on the stack, and
    // getrefcount's own argument.
    assert_eq!(
        stdout(src),
        " 'mem'|3.14|1,234,567|x=[1, 2]|0xff|{}
[1, 2] [5, 4, 3, 2, 1, 0] [4, 5] mem (2, 3)
True False 104
a [1] 5
b [2] 5
1 a
2 b
1 x
2 y
['a', 'b', 'c'] x-y pad HI a/b
"
    );
}

#[test]
fn trace_puts_each_statements_heading_before_what_it_printed() {
    let out = memlings_python::run_program::<common::RcHeap>(
        "def f():\n    print('in f')\n    return 1\nx = f()\nprint('x is', x)\nprint('no newline', end='')\ny = 2\n",
        "t.py",
        &memlings_python::Options {
            trace: true,
            ..Default::default()
        },
    );
    let trace = out.trace.unwrap();
    let order = [
        "┌ line 2 (in f()): print('in f')\nin f\n│ ",
        "│ f() returned",
        "┌ line 4: x = f()\n│ ",
        "┌ line 5: print('x is', x)\nx is 1\n│ ",
        "┌ line 6: print('no newline', end='')\nno newline\n│ ",
        "┌ line 7: y = 2\n│ ",
    ];
    let mut from = 0;
    for piece in order {
        let at = trace[from..]
            .find(piece)
            .unwrap_or_else(|| panic!("{piece:?} missing or out of order in:\n{trace}"));
        from += at + piece.len();
    }
}
