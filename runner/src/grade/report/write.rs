//! Writing a report atomically: into a new file beside the target, then
//! renamed over it, so a reader (or a crash mid-write) sees the old report
//! whole or the new one whole.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

pub fn write_atomically(path: &Path, content: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} names no file", path.display()))?
        .to_string_lossy()
        .into_owned();
    let mut attempt = 0u32;
    let (temp, mut file) = loop {
        let temp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => break (temp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot write the report in {}", dir.display()))
            }
        }
    };
    let written = file
        .write_all(content.as_bytes())
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e).with_context(|| format!("cannot write the report {}", path.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_replaces_the_old_one_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grades.csv");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, "new report").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new report");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["grades.csv"]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_report() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the report should go: the rename fails.
        let path = dir.path().join("grades.csv");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("keep"), "x").unwrap();
        assert!(write_atomically(&path, "new").is_err());
        assert!(path.join("keep").is_file());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
