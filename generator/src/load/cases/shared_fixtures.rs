//! The loader against the shared fixtures in `tests/fixtures/{gen,bad}`:
//! every valid spec loads without diagnostics; the invalid ones the loader is
//! responsible for are rejected with the right code.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostics;
use crate::load;

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
        // `newer-version` is the warning of a 3.2 document read by a loader without 3.2
        // support (the 3.2 fixtures of the streams work arrive before the 3.2 loader).
        let others = diags.iter().filter(|d| d.code != "newer-version").count();
        if loaded.is_none() || others > 0 {
            failures.push_str(&format!("{}:\n{}\n", spec.display(), diags.render(false)));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

/// Loads a shared bad fixture; returns (code, pointer, line) of each
/// diagnostic in insertion order.
fn bad(name: &str) -> Vec<(&'static str, String, Option<usize>)> {
    let mut diags = Diagnostics::new();
    let _ = load::load(&fixtures("bad").join(name), &mut diags);
    diags
        .iter()
        .map(|d| {
            let (ptr, line) = d
                .location
                .as_ref()
                .map(|l| (l.pointer.clone(), l.line))
                .unwrap_or_default();
            (d.code, ptr, line)
        })
        .collect()
}

#[test]
fn shared_bad_fixtures_the_loader_owns() {
    let codes = |name: &str| bad(name).into_iter().map(|d| d.0).collect::<Vec<_>>();
    assert_eq!(codes("swagger-1.yaml"), vec!["unsupported-version"]);
    // Converted; the dangling ref is reported where the 2.0 file has it.
    assert_eq!(
        bad("swagger-2.yaml"),
        vec![(
            "dangling-ref",
            "/paths/~1pets/get/responses/200/schema/items/$ref".to_string(),
            Some(28)
        )]
    );
    assert_eq!(
        codes("unsupported-version.yaml"),
        vec!["unsupported-version"]
    );
    // Repaired (warnings): read as 3.0.3; the dangling refs' schemas become any value.
    assert_eq!(codes("missing-openapi-field.yaml"), vec!["missing-version"]);
    assert_eq!(
        codes("dangling-ref.yaml"),
        vec!["dangling-ref", "dangling-ref"]
    );
    assert_eq!(codes("ref-cycle.yaml"), vec!["ref-cycle"]);
    assert_eq!(codes("missing-external-file.yaml"), vec!["dangling-ref"]);
    // The README's expectations on lines and pointers.
    let yaml = bad("malformed-yaml.yaml");
    assert_eq!(yaml.len(), 1);
    assert!(matches!(yaml[0].2, Some(15..=18)), "{yaml:?}");
    let json = bad("malformed-json.json");
    assert_eq!(json.len(), 1);
    assert_eq!(json[0].2, Some(13));
    assert_eq!(
        bad("invalid-type.yaml"),
        vec![(
            "unknown-type",
            "/components/schemas/Thing/properties/size/type".to_string(),
            Some(32)
        )]
    );
    // The loader repairs an undeclared path parameter.
    assert_eq!(
        bad("path-param-not-declared.yaml"),
        vec![(
            "undeclared-path-param",
            "/paths/~1pets~1{id}".to_string(),
            Some(10)
        )]
    );
    // Problems that belong to later stages do not stop the loader.
    for name in ["duplicate-operation-id.yaml", "unknown-extension.yaml"] {
        assert_eq!(bad(name), vec![], "{name}");
    }
    assert_eq!(
        codes("several-problems.yaml"),
        vec!["dangling-ref", "undeclared-path-param"]
    );
}
