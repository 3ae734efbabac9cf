//! The exercise registry, `runner/exercises.toml`: one `[[exercise]]` table
//! per exercise, in learning order.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use crate::error::UserError;

/// Default for how long one exercise's check may run once compiled.
pub const DEFAULT_TIME_LIMIT_SECS: u64 = 10;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Unique, and a valid Rust identifier: it names the binary too.
    pub name: String,
    /// The part of the book, as a Roman numeral ("I", "II", ...).
    pub part: String,
    /// Folder under `exercises/`, `solutions/` and `runner/checks/`.
    pub chapter: String,
    /// The book section, relative to `book/src`, with an optional `#anchor`.
    pub book: String,
    pub hint: String,
    /// Overrides [`DEFAULT_TIME_LIMIT_SECS`] for a check that needs longer.
    pub time_limit_secs: Option<u64>,
    /// Earlier exercises this one includes with `#[path]`. Its check gets
    /// them from the reference solutions, so it judges this exercise alone.
    #[serde(default)]
    pub uses: Vec<String>,
    /// What this exercise's file gives `memlings py --heap yours`: a whole
    /// heap, or one layer of one.
    pub heap: Option<HeapPart>,
    /// Points for passing it when a class is graded; 1 when not given.
    pub weight: Option<u32>,
}

/// An exercise's `heap = { provides = ..., type = ... }`: a type in its
/// file that `--heap yours` can run Python programs on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeapPart {
    pub provides: Layer,
    /// The type's name in the exercise's file (a Rust identifier).
    #[serde(rename = "type")]
    pub type_name: String,
    /// A storage heap's size model comes from these exercises' files (this
    /// one or ones in its `uses`); empty when it is ready-made.
    #[serde(default)]
    pub sizes: Vec<String>,
    /// Likewise its collector.
    #[serde(default)]
    pub collector: Vec<String>,
    /// For GC links: the exercise in `uses` whose allocator they run on.
    /// Its file is a module of this one named after it (`#[path] pub mod
    /// arenas;`), so the type is `exercise::<allocator>::<its type>`.
    #[serde(default)]
    pub allocator: Option<String>,
    /// That allocator's type, as [`Registry::parse`] finds it.
    #[serde(skip)]
    pub allocator_type: Option<String>,
}

/// The layer of a heap (see `memlings_python::heap`) an exercise's type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Layer {
    /// Implements `memlings_python::Heap`: a whole heap, which names its
    /// collector and size model itself.
    Storage,
    /// Implements `memlings_python::Allocator` (and `Default`): run inside
    /// the reference heap, `memlings_heap::ReferenceHeap<Type>`.
    Allocator,
    /// Implements `memlings_python::GcLinks`: the collector's list
    /// operations, run in the reference heap on an allocator of the
    /// learner's too, `memlings_heap::ReferenceHeap<Allocator, Type>`.
    GcLinks,
}

impl Layer {
    pub fn name(self) -> &'static str {
        match self {
            Layer::Storage => "storage",
            Layer::Allocator => "allocator",
            Layer::GcLinks => "gc_links",
        }
    }
}

impl TryFrom<String> for Layer {
    type Error = String;

    fn try_from(value: String) -> Result<Layer, String> {
        match value.as_str() {
            "storage" => Ok(Layer::Storage),
            "allocator" => Ok(Layer::Allocator),
            "gc_links" => Ok(Layer::GcLinks),
            // No heap takes a learner's collector on its own yet: the
            // capstone's storage heap will name its own.
            "collector" => Err(
                "`provides = \"collector\"` is reserved: no heap takes a collector on its own yet; use \"storage\" for a heap with its own collector"
                    .to_string(),
            ),
            other => Err(format!(
                "`provides = {other:?}` is no layer: use \"storage\" (a memlings_python::Heap), \"allocator\" (a memlings_python::Allocator) or \"gc_links\" (a memlings_python::GcLinks)"
            )),
        }
    }
}

/// The registry's path inside a workspace; also how a workspace is recognized.
pub const REGISTRY: &str = "runner/exercises.toml";

// An exercise's paths (`exercise_rel` and the rest) are derived in
// `workspace`, with every other path of the layout.
impl Exercise {
    /// Points for passing it in `memlings grade`.
    pub fn weight(&self) -> u32 {
        self.weight.unwrap_or(1)
    }

    /// The book page and anchor, split.
    pub fn book_page(&self) -> (&str, Option<&str>) {
        match self.book.split_once('#') {
            Some((page, anchor)) => (page, Some(anchor)),
            None => (self.book.as_str(), None),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    exercise: Vec<Exercise>,
}

#[derive(Debug, Clone)]
pub struct Registry {
    pub exercises: Vec<Exercise>,
}

impl Registry {
    pub fn load(path: &Path) -> Result<Registry, UserError> {
        let text = std::fs::read_to_string(path).map_err(|e| UserError::InvalidRegistry {
            path: path.to_path_buf(),
            message: format!(
                "cannot read it ({e}); restore it with `git checkout -- {}`",
                REGISTRY
            ),
        })?;
        Registry::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Registry, UserError> {
        let file: RegistryFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_of(text, span.start)).unwrap_or(1);
            UserError::MalformedRegistry {
                path: path.to_path_buf(),
                line,
                message: e.message().trim().to_string(),
            }
        })?;
        let mut registry = Registry {
            exercises: file.exercise,
        };
        registry.validate(text, path)?;
        registry.resolve_allocators();
        Ok(registry)
    }

    /// Fills in each GC links' allocator type (validated to exist).
    fn resolve_allocators(&mut self) {
        let types: Vec<Option<String>> = self
            .exercises
            .iter()
            .map(|ex| {
                let name = ex.heap.as_ref()?.allocator.as_ref()?;
                let other = self.exercises.iter().find(|e| &e.name == name)?;
                Some(other.heap.as_ref()?.type_name.clone())
            })
            .collect();
        for (ex, ty) in self.exercises.iter_mut().zip(types) {
            if let Some(heap) = &mut ex.heap {
                heap.allocator_type = ty;
            }
        }
    }

    fn validate(&self, text: &str, path: &Path) -> Result<(), UserError> {
        let mut seen = HashSet::new();
        for (index, ex) in self.exercises.iter().enumerate() {
            let fail = |message: String| UserError::MalformedRegistry {
                path: path.to_path_buf(),
                line: entry_line(text, index),
                message,
            };
            if !is_identifier(&ex.name) {
                return Err(fail(format!(
                    "`{}` is not a valid exercise name (use lowercase letters, digits and _)",
                    ex.name
                )));
            }
            if !seen.insert(ex.name.as_str()) {
                return Err(fail(format!("the name `{}` is used twice", ex.name)));
            }
            if ex.chapter.is_empty()
                || !ex
                    .chapter
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(fail(format!(
                    "chapter `{}` must be a folder name like `01_bits_and_bytes`",
                    ex.chapter
                )));
            }
            if ex.hint.trim().is_empty() {
                return Err(fail(format!("exercise `{}` has an empty hint", ex.name)));
            }
            if ex.time_limit_secs == Some(0) {
                return Err(fail("time_limit_secs must be at least 1".to_string()));
            }
            if let Some(heap) = &ex.heap {
                validate_heap(ex, heap).map_err(fail)?;
                validate_composition(ex, heap, &self.exercises).map_err(fail)?;
            }
            for used in &ex.uses {
                // Earlier in the list: an exercise builds on what came before.
                if !self.exercises[..index].iter().any(|e| &e.name == used) {
                    return Err(fail(format!(
                        "`{}` uses `{used}`, which is not an exercise listed before it",
                        ex.name
                    )));
                }
            }
        }
        if self.exercises.is_empty() {
            return Err(UserError::InvalidRegistry {
                path: path.to_path_buf(),
                message: "it lists no exercises; add an [[exercise]] table".to_string(),
            });
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> Result<&Exercise, UserError> {
        self.exercises
            .iter()
            .find(|ex| ex.name == name)
            .ok_or_else(|| UserError::UnknownExercise {
                name: name.to_string(),
                suggestion: self
                    .closest(name)
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default(),
            })
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.exercises.iter().position(|ex| ex.name == name)
    }

    fn closest(&self, name: &str) -> Option<&str> {
        self.exercises
            .iter()
            .map(|ex| (edit_distance(name, &ex.name), ex.name.as_str()))
            .filter(|(d, n)| *d <= 2.max(n.len() / 3))
            .min()
            .map(|(_, n)| n)
    }
}

fn validate_heap(ex: &Exercise, heap: &HeapPart) -> Result<(), String> {
    if !is_rust_identifier(&heap.type_name) {
        return Err(format!(
            "heap type `{}` of `{}` is not a Rust identifier",
            heap.type_name, ex.name
        ));
    }
    for (layer, from) in [("sizes", &heap.sizes), ("collector", &heap.collector)] {
        if heap.provides == Layer::Allocator && !from.is_empty() {
            return Err(format!(
                "`{}` provides an allocator, which runs in the reference heap with its {layer}: drop `{layer}`",
                ex.name
            ));
        }
        // The heap's file includes these with #[path], as `uses` declares.
        if let Some(other) = from.iter().find(|n| **n != ex.name && !ex.uses.contains(n)) {
            return Err(format!(
                "`{}` takes its heap's {layer} from `{other}`, which is neither it nor in its `uses`",
                ex.name
            ));
        }
    }
    Ok(())
}

/// GC links run on an allocator of the learner's, and only they name one:
/// anything else cannot be put together into one heap.
fn validate_composition(ex: &Exercise, heap: &HeapPart, all: &[Exercise]) -> Result<(), String> {
    let name = &ex.name;
    match (heap.provides, &heap.allocator) {
        (Layer::GcLinks, None) => Err(format!(
            "`{name}` provides GC links, which run in the reference heap on your allocator: name the exercise in its `uses` that provides it, `allocator = \"...\"`"
        )),
        (Layer::GcLinks, Some(other)) => {
            if !ex.uses.contains(other) {
                return Err(format!(
                    "`{name}`'s GC links run on the allocator of `{other}`, which is not in its `uses`"
                ));
            }
            let provides = all
                .iter()
                .find(|e| &e.name == other)
                .and_then(|e| e.heap.as_ref())
                .map(|h| h.provides);
            if provides != Some(Layer::Allocator) {
                return Err(format!(
                    "`{name}`'s GC links run on the allocator of `{other}`, which provides no allocator (`heap = {{ provides = \"allocator\" }}`)"
                ));
            }
            if !heap.sizes.is_empty() || !heap.collector.is_empty() {
                return Err(format!(
                    "`{name}` provides GC links, which run in the reference heap with its sizes and collector: drop `sizes` and `collector`"
                ));
            }
            Ok(())
        }
        (_, Some(_)) => Err(format!(
            "`{name}` provides {}, which takes no allocator: only GC links run on one; drop `allocator`",
            heap.provides.name()
        )),
        (_, None) => Ok(()),
    }
}

/// What rustc accepts as a type's name: no keyword, no lone `_`.
fn is_rust_identifier(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
        "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual",
        "yield",
    ];
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
        && !KEYWORDS.contains(&s)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

/// The line of the `index`-th `[[exercise]]` header, for messages about it.
fn entry_line(text: &str, index: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[exercise]]"))
        .nth(index)
        .map(|(i, _)| i + 1)
        .unwrap_or(1)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
[[exercise]]
name = "units"
part = "I"
chapter = "01_bits_and_bytes"
book = "foundations/bits-and-bytes.md"
hint = "Multiply."
"#;

    #[test]
    fn parses_an_entry_and_derives_its_paths() {
        let r = Registry::parse(ONE, Path::new("x.toml")).unwrap();
        let ex = &r.exercises[0];
        assert_eq!(ex.exercise_rel(), "exercises/01_bits_and_bytes/units.rs");
        assert_eq!(ex.check_rel(), "runner/checks/01_bits_and_bytes/units.rs");
        assert_eq!(ex.book_page(), ("foundations/bits-and-bytes.md", None));
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let bad = format!("{ONE}\n[[exercise]]\nname = \"x\nhint = 1\n");
        let err = Registry::parse(&bad, Path::new("x.toml")).unwrap_err();
        assert!(
            matches!(err, UserError::MalformedRegistry { line: 10, .. }),
            "{err}"
        );
    }

    #[test]
    fn a_duplicate_name_is_reported_at_the_second_entry() {
        let twice = format!("{ONE}{ONE}");
        let err = Registry::parse(&twice, Path::new("x.toml")).unwrap_err();
        assert!(err.to_string().contains("used twice"), "{err}");
        assert!(
            matches!(err, UserError::MalformedRegistry { line: 9, .. }),
            "{err}"
        );
    }

    #[test]
    fn a_support_key_is_no_longer_accepted() {
        // The reference heap became a crate under runner/: no code under
        // solutions/ belongs to no exercise any more.
        let with = format!("support = [\"solutions/reference_heap/\"]\n{ONE}");
        let err = Registry::parse(&with, Path::new("x.toml")).unwrap_err();
        assert!(
            matches!(&err, UserError::MalformedRegistry { line: 1, message, .. } if message.contains("support")),
            "{err}"
        );
    }

    #[test]
    fn uses_names_earlier_exercises() {
        let second = ONE.replace("\"units\"", "\"later\"");
        let with = format!("{ONE}{second}uses = [\"units\"]\n");
        let r = Registry::parse(&with, Path::new("x.toml")).unwrap();
        assert_eq!(r.exercises[1].uses, ["units"]);
        assert!(r.exercises[0].uses.is_empty());

        for bad in ["nope", "later"] {
            let text = format!("{ONE}{second}uses = [\"{bad}\"]\n");
            let err = Registry::parse(&text, Path::new("x.toml")).unwrap_err();
            assert!(
                err.to_string().contains("not an exercise listed before it"),
                "{err}"
            );
        }
    }

    /// `ONE`, then a second exercise using it, with `heap`.
    fn with_heap(heap: &str) -> String {
        let second = ONE.replace("\"units\"", "\"heapy\"");
        format!("{ONE}{second}uses = [\"units\"]\nheap = {heap}\n")
    }

    #[test]
    fn a_heap_names_its_layer_its_type_and_where_its_layers_come_from() {
        let text = with_heap(r#"{ provides = "storage", type = "MyHeap", sizes = ["units"] }"#);
        let r = Registry::parse(&text, Path::new("x.toml")).unwrap();
        assert_eq!(
            r.exercises[1].heap,
            Some(HeapPart {
                provides: Layer::Storage,
                type_name: "MyHeap".into(),
                sizes: vec!["units".into()],
                collector: vec![],
                allocator: None,
                allocator_type: None,
            })
        );
        assert_eq!(r.exercises[0].heap, None);
        let text = with_heap(r#"{ provides = "allocator", type = "Pools" }"#);
        let r = Registry::parse(&text, Path::new("x.toml")).unwrap();
        assert_eq!(
            r.exercises[1].heap.as_ref().unwrap().provides,
            Layer::Allocator
        );
    }

    #[test]
    fn gc_links_are_composed_with_the_allocator_they_name() {
        let units = ONE.replace(
            "\"units\"\n",
            "\"units\"\nheap = { provides = \"allocator\", type = \"Pools\" }\n",
        );
        assert!(units.contains("Pools"), "{units}");
        let second = ONE.replace("\"units\"", "\"heapy\"");
        let text = format!(
            "{units}{second}uses = [\"units\"]\nheap = {{ provides = \"gc_links\", type = \"Links\", allocator = \"units\" }}\n"
        );
        let r = Registry::parse(&text, Path::new("x.toml")).unwrap();
        let heap = r.exercises[1].heap.as_ref().unwrap();
        assert_eq!(heap.provides, Layer::GcLinks);
        assert_eq!(heap.allocator.as_deref(), Some("units"));
        assert_eq!(heap.allocator_type.as_deref(), Some("Pools"));
    }

    #[test]
    fn a_bad_heap_declaration_is_one_line_at_its_entry() {
        for (heap, expected) in [
            (
                r#"{ provides = "pool", type = "P" }"#,
                r#"`provides = "pool"` is no layer: use "storage""#,
            ),
            (
                r#"{ provides = "collector", type = "C" }"#,
                "`provides = \"collector\"` is reserved",
            ),
            (
                r#"{ provides = "storage", type = "my-heap" }"#,
                "heap type `my-heap` of `heapy` is not a Rust identifier",
            ),
            (
                r#"{ provides = "storage", type = "impl" }"#,
                "heap type `impl` of `heapy` is not a Rust identifier",
            ),
            (
                r#"{ provides = "storage", type = "H", sizes = ["nope"] }"#,
                "takes its heap's sizes from `nope`, which is neither it nor in its `uses`",
            ),
            (
                r#"{ provides = "allocator", type = "A", collector = ["units"] }"#,
                "runs in the reference heap with its collector: drop `collector`",
            ),
            (
                r#"{ provides = "gc_links", type = "L" }"#,
                "`heapy` provides GC links, which run in the reference heap on your allocator: name the exercise",
            ),
            (
                r#"{ provides = "gc_links", type = "L", allocator = "nope" }"#,
                "`heapy`'s GC links run on the allocator of `nope`, which is not in its `uses`",
            ),
            (
                r#"{ provides = "gc_links", type = "L", allocator = "units" }"#,
                "`heapy`'s GC links run on the allocator of `units`, which provides no allocator",
            ),
            (
                r#"{ provides = "storage", type = "H", allocator = "units" }"#,
                "`heapy` provides storage, which takes no allocator: only GC links run on one",
            ),
            (r#"{ provides = "storage" }"#, "missing field `type`"),
            (
                r#"{ provides = "storage", type = "H", colour = "red" }"#,
                "unknown field `colour`",
            ),
        ] {
            let text = with_heap(heap);
            let err = Registry::parse(&text, Path::new("x.toml")).unwrap_err();
            let message = err.to_string();
            assert!(message.contains(expected), "{heap}: {message}");
            assert_eq!(message.lines().count(), 1, "{message}");
            let UserError::MalformedRegistry { line, .. } = err else {
                panic!("{heap}: {err:?}");
            };
            // The second entry's header, or the `heap` line itself.
            assert!([9, 16].contains(&line), "{heap}: line {line}");
        }
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let r = Registry::parse(ONE, Path::new("x.toml")).unwrap();
        let err = r.get("unit").unwrap_err().to_string();
        assert!(err.contains("did you mean `units`"), "{err}");
        // Which command it names depends on how the runner was started
        // (runner/tests/report.rs tries both); it always names `list`.
        let none = r.get("zzzzzzzz").unwrap_err().to_string();
        assert!(none.contains(" list` to see them all"), "{none}");
        assert!(!none.contains("did you mean"), "{none}");
    }
}
