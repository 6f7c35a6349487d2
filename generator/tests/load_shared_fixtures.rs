//! The loader against the shared fixtures in `tests/fixtures/{gen,bad}`:
//! every valid spec loads without diagnostics; the invalid ones the loader is
//! responsible for are rejected with the right code.

use std::path::{Path, PathBuf};

use oagen::diag::Diagnostics;
use oagen::load;

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(dir)
}

#[test]
fn every_valid_fixture_loads() {
    let dir = fixtures("gen");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    specs.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    specs.push(dir.join("split/openapi.yaml"));
    specs.sort();
    assert!(specs.len() > 10, "fixtures not found in {}", dir.display());
    let mut failures = String::new();
    for spec in &specs {
        let mut diags = Diagnostics::new();
        let loaded = load::load(spec, &mut diags);
        if loaded.is_none() || !diags.is_empty() {
            failures.push_str(&format!("{}:\n{}\n", spec.display(), diags.render(false)));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}
