//! Helpers shared by the root integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Spec files of a fixture directory (sorted), with the multi-file fixture's entry point.
pub fn fixtures(dir: &str) -> Vec<PathBuf> {
    let dir = root().join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    if dir.join("split/openapi.yaml").exists() {
        out.push(dir.join("split/openapi.yaml"));
    }
    out.sort();
    out
}

/// A short name for snapshot files.
pub fn fixture_name(p: &Path) -> String {
    if p.ends_with("split/openapi.yaml") {
        "split".into()
    } else {
        p.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture")
            .to_string()
    }
}

/// The path relative to the repository root, with forward slashes (stable in snapshots).
pub fn rel(p: &Path) -> PathBuf {
    PathBuf::from(
        p.strip_prefix(root())
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/"),
    )
}

/// Compares `value` with snapshot `name` like `insta::assert_snapshot!` (expanded where it is
/// used, so the snapshot keeps its file name), but records a mismatch in `failures` instead of
/// stopping, so that a loop over fixtures reports every mismatch (each also leaves its
/// `.snap.new` for review), not only the first.
#[allow(unused_macros)]
macro_rules! check_snapshot {
    ($failures:expr, $name:expr, $value:expr) => {{
        let name: String = $name;
        let value: &str = $value;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            insta::assert_snapshot!(name.clone(), value);
        }));
        if outcome.is_err() {
            $failures.push(format!("snapshot `{name}` does not match"));
        }
    }};
}
