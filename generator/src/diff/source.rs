//! The two sides of a diff: a spec file, or `git:REV:PATH` read from a git revision.
//!
//! A git side is written into a temporary directory (the root file and every file its
//! `$ref`s reach, at their repository paths), loaded from there, and the directory removed.

use super::Spec;
use crate::error::Error;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// At most this many files are read from git for one spec.
const MAX_FILES: usize = 2000;

/// Where a spec comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecSource {
    /// A file on disk.
    File(PathBuf),
    /// A file at a git revision.
    Git {
        /// The revision (anything `git rev-parse` accepts).
        rev: String,
        /// The path as given.
        path: String,
    },
}

impl SpecSource {
    /// `git:REV:PATH`, or a file path. The revision ends at the last `:` (so `git:HEAD~1:a.yaml`
    /// and `git:origin/main:specs/x.yaml` work; revisions containing `:` are not supported).
    pub fn parse(s: &str) -> SpecSource {
        if let Some(rest) = s.strip_prefix("git:") {
            if let Some((rev, path)) = rest.rsplit_once(':') {
                if !rev.is_empty() && !path.is_empty() {
                    return SpecSource::Git {
                        rev: rev.to_string(),
                        path: path.to_string(),
                    };
                }
            }
        }
        SpecSource::File(PathBuf::from(s))
    }

    /// How the side is named in reports.
    pub fn label(&self) -> String {
        match self {
            SpecSource::File(p) => p.display().to_string().replace('\\', "/"),
            SpecSource::Git { rev, path } => format!("git:{rev}:{path}"),
        }
    }

    pub(super) fn git_path(&self) -> &str {
        match self {
            SpecSource::File(p) => p.to_str().unwrap_or(""),
            SpecSource::Git { path, .. } => path,
        }
    }

    /// Loads the side.
    ///
    /// # Errors
    /// [`Error::Spec`] for a spec with errors, [`Error::Input`] for a missing file or revision.
    pub fn load(&self, crate_name: &str) -> Result<Spec, Error> {
        match self {
            SpecSource::File(p) => {
                if !p.is_file() {
                    return Err(Error::Input(format!("{}: no such file", p.display())));
                }
                Spec::load(p, &self.label(), crate_name)
            }
            SpecSource::Git { rev, path } => {
                check_rev(rev).map_err(Error::Input)?;
                let rel = git_relative(path).map_err(Error::Input)?;
                let dir = TempDir::new().map_err(Error::Input)?;
                let root = materialize(rev, &rel, dir.path()).map_err(Error::Input)?;
                // Name the files as `git:REV:path`, not by their temporary location.
                let prefix = format!("{}/", dir.path().display());
                let with = format!("git:{rev}:");
                let mut spec =
                    Spec::load(&root, &self.label(), crate_name).map_err(|e| match e {
                        Error::Spec(mut d) => {
                            d.rename_files(&prefix, &with);
                            Error::Spec(d)
                        }
                        other => other,
                    })?;
                spec.display_prefix = Some((prefix, with));
                Ok(spec)
            }
        }
    }
}

/// Fails unless `rev` names a commit.
pub(super) fn check_rev(rev: &str) -> Result<(), String> {
    let out = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ])?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("`{rev}` is not a git revision of this repository"))
    }
}

/// Whether `path` (from the repository root) exists at `rev`.
pub(super) fn exists_at(rev: &str, path: &str) -> Result<bool, String> {
    let out = git(&["cat-file", "-e", &format!("{rev}:{path}")])?;
    Ok(out.status.success())
}

/// A path on disk, relative to the repository root (for `--base`).
pub(super) fn repo_relative(path: &Path) -> Result<String, String> {
    let top = toplevel()?;
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("current directory: {e}"))?
            .join(path)
    };
    let abs = abs.canonicalize().unwrap_or(abs);
    let top = top.canonicalize().unwrap_or(top);
    let rel = abs.strip_prefix(&top).map_err(|_| {
        format!(
            "{} is outside the git repository {}",
            path.display(),
            top.display()
        )
    })?;
    let s = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Ok(s)
}

fn toplevel() -> Result<PathBuf, String> {
    let out = git(&["rev-parse", "--show-toplevel"])?;
    if !out.status.success() {
        return Err("not inside a git repository".into());
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// The path of a `git:REV:PATH` side, relative to the repository root.
fn git_relative(path: &str) -> Result<String, String> {
    if path.starts_with("./") || path.starts_with("../") {
        let out = git(&["rev-parse", "--show-prefix"])?;
        if !out.status.success() {
            return Err("not inside a git repository".into());
        }
        let prefix = String::from_utf8_lossy(&out.stdout).trim().to_string();
        normalize(&format!("{prefix}{path}"))
            .ok_or_else(|| format!("`{path}` leaves the repository"))
    } else {
        normalize(path).ok_or_else(|| format!("`{path}` leaves the repository"))
    }
}

/// Resolves `.` and `..` in a `/`-separated relative path; `None` if it climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    if out.is_empty() {
        None
    } else {
        Some(out.join("/"))
    }
}

fn git(args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))
}

/// Writes `rel` at `rev` and every file its `$ref`s reach under `dir`; returns the root's path.
fn materialize(rev: &str, rel: &str, dir: &Path) -> Result<PathBuf, String> {
    let mut todo = vec![rel.to_string()];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some(file) = todo.pop() {
        if !seen.insert(file.clone()) {
            continue;
        }
        if seen.len() > MAX_FILES {
            return Err(format!(
                "git:{rev}:{rel}: refers to more than {MAX_FILES} files"
            ));
        }
        let out = git(&["show", &format!("{rev}:{file}")])?;
        if !out.status.success() {
            if file == rel {
                return Err(format!(
                    "git:{rev}:{rel}: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            // A referenced file that does not exist: the loader reports it.
            continue;
        }
        let target = dir.join(&file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&target, &out.stdout).map_err(|e| format!("{}: {e}", target.display()))?;
        let base = match file.rsplit_once('/') {
            Some((d, _)) => format!("{d}/"),
            None => String::new(),
        };
        for r in external_refs(&out.stdout) {
            if let Some(n) = normalize(&format!("{base}{r}")) {
                if !seen.contains(&n) {
                    todo.push(n);
                }
            }
        }
    }
    Ok(dir.join(rel))
}

/// The file parts of the `$ref`s of a YAML or JSON document (not URLs, not local refs).
fn external_refs(bytes: &[u8]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(value) = serde_yaml_ng::from_slice::<serde_json::Value>(bytes) else {
        return out;
    };
    let mut stack = vec![&value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    if k == "$ref" {
                        if let Some(s) = child.as_str() {
                            let file = s.split('#').next().unwrap_or("");
                            if !file.is_empty() && !file.contains("://") {
                                out.insert(file.to_string());
                            }
                        }
                    } else {
                        stack.push(child);
                    }
                }
            }
            serde_json::Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    out
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, String> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("oagen-diff-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(TempDir(dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sources() {
        assert_eq!(
            SpecSource::parse("git:origin/main:specs/weni.yaml"),
            SpecSource::Git {
                rev: "origin/main".into(),
                path: "specs/weni.yaml".into()
            }
        );
        assert_eq!(
            SpecSource::parse("git:HEAD~2:a.yaml"),
            SpecSource::Git {
                rev: "HEAD~2".into(),
                path: "a.yaml".into()
            }
        );
        assert_eq!(
            SpecSource::parse("specs/a.yaml"),
            SpecSource::File("specs/a.yaml".into())
        );
        assert_eq!(
            SpecSource::parse("git:nopath"),
            SpecSource::File("git:nopath".into())
        );
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(
            normalize("specs/./a/../b.yaml").as_deref(),
            Some("specs/b.yaml")
        );
        assert_eq!(normalize("../x.yaml"), None);
    }

    #[test]
    fn finds_external_refs() {
        let doc = b"a:\n  $ref: 'common.yaml#/X'\nb:\n  - $ref: '#/local'\n  - $ref: './sub/y.json'\nc:\n  $ref: 'https://x/y.yaml'\n";
        let refs: Vec<String> = external_refs(doc).into_iter().collect();
        assert_eq!(
            refs,
            vec!["./sub/y.json".to_string(), "common.yaml".to_string()]
        );
    }
}
