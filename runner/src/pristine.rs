//! The starting code of each exercise, so `reset` can bring it back.
//!
//! `runner/pristine.toml` records the git blob id of every exercise as
//! shipped. The blob is in the learner's clone (it came with the commit that
//! shipped the exercise), so the original is one `git cat-file` away, however
//! the learner's own commits have changed the file since.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::registry::{Exercise, Registry};
use crate::workspace::Workspace;

pub const LOCK: &str = "runner/pristine.toml";

const HEADER: &str = "# Git blob ids of each exercise's starting code, for `memlings reset`.\n\
# `memlings verify` checks them; `memlings verify --update-pristine` rewrites this file\n\
# after you change an exercise on purpose (then commit both).\n";

pub type Lock = BTreeMap<String, String>;

pub fn load(ws: &Workspace) -> Result<Lock> {
    let path = ws.root.join(LOCK);
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {LOCK}"))?;
    toml::from_str(&text)
        .with_context(|| format!("{LOCK} is malformed; restore it with `git checkout -- {LOCK}`"))
}

pub fn save(ws: &Workspace, lock: &Lock) -> Result<()> {
    let text = format!("{HEADER}{}", toml::to_string(lock)?);
    std::fs::write(ws.root.join(LOCK), text).with_context(|| format!("cannot write {LOCK}"))
}

/// The blob id git gives `path`'s current content.
pub fn blob_id(ws: &Workspace, path: &Path) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(&ws.root)
        .arg("hash-object")
        .arg(path)
        .output()
        .context("cannot run git; is it installed?")?;
    if !out.status.success() {
        bail!(
            "git hash-object failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The exercise's original content.
pub fn original(ws: &Workspace, ex: &Exercise) -> Result<String> {
    let lock = load(ws)?;
    let Some(id) = lock.get(&ex.name) else {
        bail!(
            "{LOCK} has no entry for `{}`; run `memlings verify --update-pristine`",
            ex.name
        );
    };
    let out = Command::new("git")
        .arg("-C")
        .arg(&ws.root)
        .args(["cat-file", "blob", id])
        .output()
        .context("cannot run git, which reset needs to find the original; is it installed?")?;
    if !out.status.success() {
        bail!(
            "the original of `{}` is not in this clone's git history (is this a git clone?); get it again with `git checkout origin/main -- {}`",
            ex.name,
            ex.exercise_rel()
        );
    }
    String::from_utf8(out.stdout).context("the original exercise file is not UTF-8")
}

/// The lock as it should be for the exercise files on disk now.
pub fn current(ws: &Workspace, registry: &Registry) -> Result<Lock> {
    registry
        .exercises
        .iter()
        .map(|ex| Ok((ex.name.clone(), blob_id(ws, &ws.exercise_file(ex))?)))
        .collect()
}
