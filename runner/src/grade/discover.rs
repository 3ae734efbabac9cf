//! Finding the submissions in a class folder: each entry is one student,
//! named by the entry's file or folder name (an archive's without its
//! extension). Hidden entries (`.DS_Store`, `.git`) are no one's.

use std::path::{Path, PathBuf};

use crate::error::UserError;

/// What a submission is, as told by its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Folder,
    Zip,
    Tar,
    TarGz,
    /// A file that is none of the above: the student still gets a line.
    Unknown,
}

impl Form {
    pub fn name(self) -> &'static str {
        match self {
            Form::Folder => "folder",
            Form::Zip => "zip",
            Form::Tar => "tar",
            Form::TarGz => "tar.gz",
            Form::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// The student's name: the entry's name, less an archive extension.
    pub student: String,
    /// The entry's own name, as the report shows it.
    pub file_name: String,
    pub path: PathBuf,
    pub form: Form,
    /// Set when the entry's name is not UTF-8 (it is shown lossily).
    pub name_note: Option<String>,
}

/// Every submission in `dir`, sorted by name.
pub fn discover(dir: &Path) -> Result<Vec<Entry>, UserError> {
    let shown = dir.display();
    if !dir.exists() {
        return Err(UserError::Other(format!(
            "the submissions folder {shown} does not exist; give the folder that holds one folder or archive per student"
        )));
    }
    if !dir.is_dir() {
        return Err(UserError::Other(format!(
            "{shown} is not a folder; give the folder that holds one folder or archive per student"
        )));
    }
    let listing = std::fs::read_dir(dir).map_err(|e| {
        UserError::Other(format!("cannot read the submissions folder {shown}: {e}"))
    })?;
    let mut entries = Vec::new();
    for item in listing {
        let item = item.map_err(|e| {
            UserError::Other(format!("cannot read the submissions folder {shown}: {e}"))
        })?;
        let raw = item.file_name();
        let file_name = raw.to_string_lossy().into_owned();
        if file_name.starts_with('.') {
            continue;
        }
        let name_note = raw
            .to_str()
            .is_none()
            .then(|| format!("the entry's name is not UTF-8; it is shown as {file_name:?}"));
        let path = item.path();
        // A symbolic link is followed here: the instructor made the folder.
        let form = if path.is_dir() {
            Form::Folder
        } else {
            form_of(&file_name)
        };
        let student = match form {
            Form::Folder | Form::Unknown => file_name.clone(),
            Form::Zip | Form::Tar | Form::TarGz => strip_extension(&file_name),
        };
        entries.push(Entry {
            student,
            file_name,
            path,
            form,
            name_note,
        });
    }
    if entries.is_empty() {
        return Err(UserError::Other(format!(
            "{shown} holds no submissions; put one folder, .zip, .tar or .tar.gz per student in it"
        )));
    }
    entries.sort_by(|a, b| {
        a.student
            .cmp(&b.student)
            .then(a.file_name.cmp(&b.file_name))
    });
    // `alice/` beside `alice.zip`: both keep their whole entry name.
    let clashes: Vec<bool> = (0..entries.len())
        .map(|i| {
            entries
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.student == entries[i].student)
        })
        .collect();
    for (entry, clash) in entries.iter_mut().zip(clashes) {
        if clash {
            entry.student = entry.file_name.clone();
        }
    }
    Ok(entries)
}

fn form_of(file_name: &str) -> Form {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".zip") {
        Form::Zip
    } else if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
        Form::TarGz
    } else if lower.ends_with(".tar") {
        Form::Tar
    } else {
        Form::Unknown
    }
}

fn strip_extension(file_name: &str) -> String {
    let lower = file_name.to_ascii_lowercase();
    for ext in [".tar.gz", ".tgz", ".zip", ".tar"] {
        if lower.ends_with(ext) && file_name.len() > ext.len() {
            return file_name[..file_name.len() - ext.len()].to_string();
        }
    }
    file_name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_named_without_their_extension() {
        assert_eq!(strip_extension("alice.tar.gz"), "alice");
        assert_eq!(strip_extension("Bob.ZIP"), "Bob");
        assert_eq!(strip_extension("carol.tgz"), "carol");
        assert_eq!(strip_extension(".zip"), ".zip");
        assert_eq!(form_of("x.TAR"), Form::Tar);
        assert_eq!(form_of("notes.txt"), Form::Unknown);
    }
}
