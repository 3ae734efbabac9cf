//! Reading one submission: a folder, a zip or a tarball, holding a copy of
//! the learner's repository or of its `exercises/` folder (perhaps inside
//! one more folder, as archives often are).
//!
//! Only the exercise files are taken, picked by the registry's paths;
//! nothing is ever written where a name in the submission says, so an entry
//! named `../../x` is only a name. Everything else is listed as ignored.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

use super::discover::{Entry, Form};
use crate::registry::Exercise;

/// Largest exercise file taken; real ones are a few KiB.
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Most entries read from one submission.
const MAX_ENTRIES: usize = 200_000;
/// Most bytes of candidate exercise files read from one submission.
const MAX_CANDIDATE_BYTES: u64 = 64 << 20;
/// Ignored files named one by one in the report; the rest are counted.
const MAX_LISTED: usize = 50;

/// One exercise's file in a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Text(String),
    Missing,
    /// Present but not taken, and why.
    Refused(String),
}

/// What was taken from a submission.
#[derive(Debug, Clone, Default)]
pub struct Received {
    /// Exercise name to its file.
    pub files: BTreeMap<String, Found>,
    /// Files in the exercise folder that are no exercise (capped).
    pub ignored: Vec<String>,
    /// Ignored files past the cap, and files outside the exercise folder.
    pub ignored_elsewhere: usize,
    /// Where the exercise folder was found, as shown (`exercises/`, `hw/exercises/`, `.`).
    pub root: Option<String>,
    /// Why nothing could be taken (an unreadable archive, no exercise files).
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Link,
    Other,
}

struct Item {
    /// Path components, lossily decoded.
    parts: Vec<String>,
    kind: Kind,
    size: u64,
}

/// Every entry of a submission, and the contents of those that may be
/// exercise files.
#[derive(Default)]
struct Listing {
    items: Vec<Item>,
    contents: HashMap<usize, Result<Vec<u8>, String>>,
    candidate_bytes: u64,
}

impl Listing {
    fn push(
        &mut self,
        parts: Vec<String>,
        kind: Kind,
        size: u64,
        wanted: &[(String, String)],
        read: impl FnOnce() -> Result<Vec<u8>, String>,
    ) -> Result<(), String> {
        if self.items.len() >= MAX_ENTRIES {
            return Err(format!("it holds more than {MAX_ENTRIES} entries"));
        }
        let index = self.items.len();
        if kind == Kind::File && is_candidate(&parts, wanted) && size <= MAX_FILE_BYTES {
            if self.candidate_bytes + size > MAX_CANDIDATE_BYTES {
                return Err(format!(
                    "it holds more than {} MiB of files named like exercises",
                    MAX_CANDIDATE_BYTES >> 20
                ));
            }
            let content = read();
            if let Ok(bytes) = &content {
                self.candidate_bytes += bytes.len() as u64;
            }
            self.contents.insert(index, content);
        }
        self.items.push(Item { parts, kind, size });
        Ok(())
    }
}

/// `(chapter, file name)` of every exercise in the registry.
fn wanted(registry: &[Exercise]) -> Vec<(String, String)> {
    registry
        .iter()
        .map(|ex| (ex.chapter.clone(), format!("{}.rs", ex.name)))
        .collect()
}

fn is_candidate(parts: &[String], wanted: &[(String, String)]) -> bool {
    let n = parts.len();
    n >= 2
        && wanted
            .iter()
            .any(|(chapter, file)| &parts[n - 2] == chapter && &parts[n - 1] == file)
}

/// Takes the exercise files of `graded` out of the submission `entry`;
/// `registry` (every exercise) tells where the exercise folder is.
pub fn receive(entry: &Entry, registry: &[Exercise], graded: &[&Exercise]) -> Received {
    let wanted = wanted(registry);
    let listing = match entry.form {
        Form::Folder => list_folder(&entry.path, &wanted),
        Form::Zip => list_zip(&entry.path, &wanted),
        Form::Tar => std::fs::File::open(&entry.path)
            .map_err(|e| e.to_string())
            .and_then(|f| list_tar(f, &wanted)),
        Form::TarGz => std::fs::File::open(&entry.path)
            .map_err(|e| e.to_string())
            .and_then(|f| list_tar(flate2::read::GzDecoder::new(f), &wanted)),
        Form::Unknown => {
            Err("it is not a folder, .zip, .tar or .tar.gz, so it was not opened".to_string())
        }
    };
    let listing = match listing {
        Ok(listing) => listing,
        Err(why) => {
            let problem = match entry.form {
                Form::Unknown => format!("{}: {why}", entry.file_name),
                _ => format!("cannot read {}: {why}", entry.file_name),
            };
            return unreadable(problem, graded);
        }
    };
    pick(&listing, &wanted, graded)
}

fn unreadable(problem: String, graded: &[&Exercise]) -> Received {
    Received {
        files: graded
            .iter()
            .map(|ex| (ex.name.clone(), Found::Missing))
            .collect(),
        problem: Some(problem),
        ..Received::default()
    }
}

/// Chooses the exercise folder and takes each graded exercise's file.
fn pick(listing: &Listing, wanted: &[(String, String)], graded: &[&Exercise]) -> Received {
    let Some(root) = find_root(listing, wanted) else {
        return unreadable(
            "no exercise files in it: expected exercises/<chapter>/<name>.rs (a copy of the repository) or <chapter>/<name>.rs (its exercises/ folder)".to_string(),
            graded,
        );
    };
    let mut received = Received {
        root: Some(if root.is_empty() {
            ".".to_string()
        } else {
            format!("{}/", root.join("/"))
        }),
        ..Received::default()
    };
    let mut taken = vec![false; listing.items.len()];
    for ex in graded {
        let shown = ex.exercise_rel();
        let mut path = root.clone();
        path.push(ex.chapter.clone());
        path.push(format!("{}.rs", ex.name));
        let found = match listing.items.iter().position(|item| item.parts == path) {
            None => Found::Missing,
            Some(index) => {
                taken[index] = true;
                let item = &listing.items[index];
                match item.kind {
                    Kind::Link => Found::Refused(format!(
                        "{shown} is a symbolic link; submit the file itself"
                    )),
                    Kind::Other => Found::Refused(format!("{shown} is not a regular file")),
                    Kind::File if item.size > MAX_FILE_BYTES => Found::Refused(format!(
                        "{shown} is {} bytes, more than the {} KiB an exercise file may be",
                        item.size,
                        MAX_FILE_BYTES >> 10
                    )),
                    Kind::File => match listing.contents.get(&index) {
                        Some(Ok(bytes)) if bytes.len() as u64 > MAX_FILE_BYTES => {
                            Found::Refused(format!(
                                "{shown} is more than the {} KiB an exercise file may be",
                                MAX_FILE_BYTES >> 10
                            ))
                        }
                        Some(Ok(bytes)) => match String::from_utf8(bytes.clone()) {
                            Ok(text) => Found::Text(text),
                            Err(_) => Found::Refused(format!(
                                "{shown} is not UTF-8 text, as Rust source must be"
                            )),
                        },
                        Some(Err(why)) => Found::Refused(format!("cannot read {shown}: {why}")),
                        None => Found::Refused(format!("cannot read {shown}")),
                    },
                }
            }
        };
        received.files.insert(ex.name.clone(), found);
    }
    for (item, taken) in listing.items.iter().zip(taken) {
        if taken || item.kind == Kind::Other {
            continue;
        }
        let inside = item.parts.len() > root.len() && item.parts[..root.len()] == root[..];
        let rel = &item.parts[root.len().min(item.parts.len())..];
        // The exercises' own manifest belongs in the folder, and so do the
        // exercises not graded this time.
        let expected = inside
            && ((rel.len() == 1 && rel[0] == "Cargo.toml")
                || (rel.len() == 2 && is_candidate(rel, wanted)));
        if expected {
            continue;
        }
        if inside && received.ignored.len() < MAX_LISTED {
            received
                .ignored
                .push(format!("exercises/{}", rel.join("/")));
        } else {
            received.ignored_elsewhere += 1;
        }
    }
    received.ignored.sort();
    received
}

/// The folder that holds the exercises, as path components: the shallowest
/// `exercises` folder with exercise files in it; else the top, if exercise
/// files are there; else the one folder everything is wrapped in.
fn find_root(listing: &Listing, wanted: &[(String, String)]) -> Option<Vec<String>> {
    let prefixes: Vec<&[String]> = listing
        .items
        .iter()
        .filter(|item| item.kind == Kind::File && is_candidate(&item.parts, wanted))
        .map(|item| &item.parts[..item.parts.len() - 2])
        .collect();
    if let Some(best) = prefixes
        .iter()
        .filter(|p| p.last().is_some_and(|last| last == "exercises"))
        .min_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)))
    {
        return Some(best.to_vec());
    }
    if prefixes.iter().any(|p| p.is_empty()) {
        return Some(Vec::new());
    }
    let mut tops = listing
        .items
        .iter()
        .filter_map(|item| item.parts.first())
        .filter(|top| !top.starts_with('.') && *top != "__MACOSX");
    let first = tops.next()?;
    if tops.all(|top| top == first) {
        let wrapper = vec![first.clone()];
        if prefixes.iter().any(|p| *p == &wrapper[..]) {
            return Some(wrapper);
        }
    }
    None
}

/// Splits an archive's entry name into components: `/` and `\` both
/// separate, and empty and `.` components are dropped.
fn split(name: &str) -> Vec<String> {
    name.split(['/', '\\'])
        .filter(|part| !part.is_empty() && *part != ".")
        .map(str::to_string)
        .collect()
}

fn read_capped(mut reader: impl Read) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    (&mut reader)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Walks a folder without following symbolic links. Build products and
/// version control are not walked: they are never exercises.
fn list_folder(root: &Path, wanted: &[(String, String)]) -> Result<Listing, String> {
    let mut listing = Listing::default();
    let mut stack = vec![(root.to_path_buf(), Vec::<String>::new())];
    while let Some((dir, parts)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| e.to_string())?;
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let mut path = parts.clone();
            path.push(name.clone());
            let Ok(meta) = entry.path().symlink_metadata() else {
                continue;
            };
            let kind = if meta.file_type().is_symlink() {
                Kind::Link
            } else if meta.is_file() {
                Kind::File
            } else {
                Kind::Other
            };
            if meta.is_dir() && !(name == "target" || name == ".git") {
                stack.push((entry.path(), path.clone()));
            }
            let file = entry.path();
            listing.push(path, kind, meta.len(), wanted, || {
                std::fs::File::open(&file)
                    .map_err(|e| e.to_string())
                    .and_then(read_capped)
            })?;
        }
    }
    Ok(listing)
}

fn list_zip(path: &Path, wanted: &[(String, String)]) -> Result<Listing, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| format!("it is not a readable zip archive ({e})"))?;
    let mut listing = Listing::default();
    for index in 0..archive.len() {
        let (parts, kind, size) = {
            let entry = archive
                .by_index_raw(index)
                .map_err(|e| format!("entry {index}: {e}"))?;
            let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
            let link = entry
                .unix_mode()
                .is_some_and(|mode| mode & 0o170000 == 0o120000);
            let kind = if link {
                Kind::Link
            } else if entry.is_dir() {
                Kind::Other
            } else {
                Kind::File
            };
            (split(&name), kind, entry.size())
        };
        if parts.is_empty() {
            continue;
        }
        listing.push(parts, kind, size, wanted, || {
            archive
                .by_index(index)
                .map_err(|e| e.to_string())
                .and_then(read_capped)
        })?;
    }
    Ok(listing)
}

fn list_tar(reader: impl Read, wanted: &[(String, String)]) -> Result<Listing, String> {
    let mut archive = tar::Archive::new(reader);
    let mut listing = Listing::default();
    let entries = archive
        .entries()
        .map_err(|e| format!("it is not a readable tar archive ({e})"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("it is not a readable tar archive ({e})"))?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let parts = split(&name);
        if parts.is_empty() {
            continue;
        }
        let kind = match entry.header().entry_type() {
            tar::EntryType::Regular | tar::EntryType::Continuous => Kind::File,
            tar::EntryType::Symlink | tar::EntryType::Link => Kind::Link,
            // PAX and GNU headers are read by the tar crate itself.
            _ => Kind::Other,
        };
        let size = entry.size();
        listing.push(parts, kind, size, wanted, || read_capped(&mut entry))?;
    }
    Ok(listing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(paths: &[&str]) -> Listing {
        let mut listing = Listing::default();
        let wanted = vec![("01_a".to_string(), "one.rs".to_string())];
        for path in paths {
            listing
                .push(split(path), Kind::File, 3, &wanted, || Ok(b"abc".to_vec()))
                .unwrap();
        }
        listing
    }

    fn root(paths: &[&str]) -> Option<String> {
        let wanted = vec![("01_a".to_string(), "one.rs".to_string())];
        find_root(&listing(paths), &wanted).map(|r| r.join("/"))
    }

    #[test]
    fn the_exercise_folder_is_found_however_the_submission_is_wrapped() {
        // A repository copy: `exercises/` wins over `solutions/` and the pristine copy.
        assert_eq!(
            root(&[
                "solutions/01_a/one.rs",
                "exercises/01_a/one.rs",
                "runner/pristine/01_a/one.rs"
            ])
            .as_deref(),
            Some("exercises")
        );
        assert_eq!(
            root(&[
                "memlings-main/exercises/01_a/one.rs",
                "memlings-main/README.md"
            ])
            .as_deref(),
            Some("memlings-main/exercises")
        );
        assert_eq!(root(&["01_a/one.rs", "Cargo.toml"]).as_deref(), Some(""));
        assert_eq!(
            root(&["hw1/01_a/one.rs", "__MACOSX/hw1/._x"]).as_deref(),
            Some("hw1")
        );
        assert_eq!(root(&["solutions/01_a/one.rs", "notes.txt"]), None);
    }

    #[test]
    fn archive_names_split_on_either_slash() {
        assert_eq!(split("./a\\b//c.rs"), ["a", "b", "c.rs"]);
    }
}
