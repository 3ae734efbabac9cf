//! Junk in, one clean error out: random token soup and mutated lesson
//! programs must never panic the lexer, the parser or the interpreter
//! (a panic would surface as an `Internal` error).

mod common;

use memlings_python::{ErrorKind, Options};

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "x",
    "y",
    "l",
    "d",
    "f",
    "C",
    "self",
    "gc",
    "sys",
    "1",
    "0",
    "-5",
    "257",
    "2**100",
    "1.5",
    "'s'",
    "\"t\"",
    "None",
    "True",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    ".",
    "=",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "==",
    "!=",
    "<",
    "is",
    "not",
    "in",
    "and",
    "or",
    "if",
    "else",
    "elif",
    "for",
    "def",
    "class",
    "return",
    "del",
    "pass",
    "import",
    "global",
    "lambda",
    "while",
    "\n",
    "\n    ",
    "\n        ",
    " ",
    "\t",
    "#c\n",
    "\\\n",
    "append",
    "pop",
    "clear",
    "print",
    "len",
    "range",
    "getrefcount",
    "collect",
    "__dict__",
    "__init__",
    "__del__",
    "'''",
    ";",
    "@",
    "!",
    "$",
    "é",
    "f'{x}'",
    "f'{",
    "f\"{x!r:>{y}}\"",
    "f'{x=}'",
    "[1:]",
    "[::-1]",
    "enumerate",
    "zip",
    ".items()",
    ".split()",
];

/// Runs `source`; `draw` also records the pictures (slow on big heaps).
fn check(source: &str, draw: bool) {
    let options = Options {
        max_steps: 300,
        trace: draw,
        dot: true,
    };
    let out = memlings_python::run_program::<common::RcHeap>(source, "fuzz.py", &options);
    if let Some(err) = &out.error {
        assert!(
            !matches!(err.kind, ErrorKind::Internal(_)),
            "panic on input {source:?}: {err}"
        );
        let text = err.to_string();
        assert!(!text.contains('\n'), "the error is one line: {text:?}");
    }
}

#[test]
fn token_soup_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let len = 1 + rng.below(40);
        let source: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        check(&source, true);
    }
}

#[test]
fn random_text_never_panics() {
    let mut rng = Rng(42);
    let alphabet: Vec<char> = "abc xyz019_()[]{}:;,.=+-*/%<>!'\"#\\\n\t é€😀\r\u{feff}"
        .chars()
        .collect();
    for _ in 0..2000 {
        let len = rng.below(60);
        let source: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        check(&source, true);
    }
}

#[test]
fn mutated_lessons_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "py") {
            sources.push(std::fs::read_to_string(path).unwrap());
        }
    }
    sources.sort();
    let mut rng = Rng(7);
    for source in &sources {
        check(source, true);
        let lines: Vec<&str> = source.lines().collect();
        for _ in 0..60 {
            let mut mutated: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            match rng.below(4) {
                0 => {
                    let i = rng.below(mutated.len());
                    mutated.remove(i);
                }
                1 => {
                    let i = rng.below(mutated.len());
                    let j = rng.below(mutated.len());
                    mutated.swap(i, j);
                }
                2 => {
                    let i = rng.below(mutated.len());
                    let line = mutated[i].clone();
                    if !line.is_empty() {
                        let cut = rng.below(line.len());
                        let cut = (0..=cut)
                            .rev()
                            .find(|&c| line.is_char_boundary(c))
                            .unwrap_or(0);
                        mutated[i] = line[..cut].to_string();
                    }
                }
                _ => {
                    let i = rng.below(mutated.len());
                    let j = rng.below(mutated.len());
                    let copy = mutated[j].clone();
                    mutated.insert(i, copy);
                }
            }
            check(&mutated.join("\n"), false);
        }
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for source in [
        "x = ".to_string() + &"(".repeat(5000) + &")".repeat(5000),
        "x = ".to_string() + &"-".repeat(5000) + "1",
        "x = ".to_string() + &"not ".repeat(5000) + "1",
        "x = 1".to_string() + &" + 1".repeat(5000),
        "x = ".to_string() + &"[".repeat(5000) + &"]".repeat(5000),
        (0..200)
            .map(|i| format!("{}if x:\n", "    ".repeat(i)))
            .collect::<String>(),
        "l = []\nfor i in range(100000):\n    l = [l]\nprint(len(repr(l)) > 0)\n".to_string(),
    ] {
        let out =
            memlings_python::run_program::<common::RcHeap>(&source, "deep.py", &Options::default());
        if let Some(err) = &out.error {
            assert!(!matches!(err.kind, ErrorKind::Internal(_)), "{err}");
        }
    }
}
