//! Bad specs: each problem is reported with the right code and place, all
//! problems of a run at once; the rendered text is snapshotted.

use std::path::Path;

use crate::diag::{Diagnostics, Severity};
use crate::load::{self, LoadedSpec};

/// Loads a fixture by a path relative to the crate directory (the test's
/// working directory), so rendered paths are stable.
fn load_fixture(name: &str) -> (Option<LoadedSpec>, Diagnostics) {
    let path = Path::new("../tests/fixtures/load").join(name);
    let mut diags = Diagnostics::new();
    let loaded = load::load(&path, &mut diags);
    (loaded, diags)
}

fn codes(diags: &Diagnostics) -> Vec<&'static str> {
    diags.iter().map(|d| d.code).collect()
}

#[test]
fn dangling_refs_are_all_reported_and_repaired() {
    let (loaded, diags) = load_fixture("bad-dangling.yaml");
    // Repaired with a warning each: the parameter is left out, the schema is any value, the
    // response has no body.
    let loaded = loaded.expect("loads");
    assert!(!diags.has_errors(), "{}", diags.render(false));
    assert_eq!(codes(&diags), vec!["dangling-ref"; 3]);
    assert!(diags
        .iter()
        .all(|d| d.help.as_deref().is_some_and(|h| h.contains("repaired: "))));
    let pointers: Vec<String> = diags
        .iter()
        .filter_map(|d| d.location.as_ref().map(|l| l.pointer.clone()))
        .collect();
    assert_eq!(
        pointers,
        vec![
            "/paths/~1pets/get/parameters/0/$ref",
            "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref",
            "/paths/~1pets/get/responses/500/$ref",
        ]
    );
    let doc = &loaded.document;
    assert_eq!(
        doc.pointer("/paths/~1pets/get/parameters")
            .and_then(|p| p.as_array())
            .map(Vec::len),
        Some(0)
    );
    assert_eq!(
        doc.pointer("/paths/~1pets/get/responses/200/content/application~1json/schema"),
        Some(&serde_json::json!({}))
    );
    assert_eq!(
        doc.pointer("/paths/~1pets/get/responses/500"),
        Some(&serde_json::json!({"description": ""}))
    );
    insta::assert_snapshot!(diags.render(false));
}

#[test]
fn ref_cycles_are_reported_once_each() {
    let (loaded, diags) = load_fixture("bad-cycle.yaml");
    // Recoverable: the document is still returned for the later stages.
    assert!(loaded.is_some());
    assert!(diags.has_errors());
    assert_eq!(codes(&diags), vec!["ref-cycle", "ref-cycle"]);
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert!(messages[0]
        .contains("#/components/schemas/A → #/components/schemas/B → #/components/schemas/A"));
    assert!(messages[1].contains("#/components/schemas/Self → #/components/schemas/Self"));
    insta::assert_snapshot!(diags.render(false));
}

#[test]
fn path_item_cycles_are_reported() {
    let (loaded, diags) = load_fixture("bad-path-cycle.yaml");
    // Recoverable: the document is still returned for the later stages.
    assert!(loaded.is_some());
    assert!(diags.has_errors());
    assert_eq!(codes(&diags), vec!["ref-cycle"], "{}", diags.render(false));
    insta::assert_snapshot!(diags.render(false));
}

#[test]
fn swagger_before_2_is_refused() {
    let (loaded, diags) = load_fixture("bad-swagger.yaml");
    assert!(loaded.is_none());
    assert_eq!(codes(&diags), vec!["unsupported-version"]);
    let msg = &diags
        .iter()
        .next()
        .map(|d| d.message.clone())
        .unwrap_or_default();
    assert!(msg.contains("Swagger `1.2` is not supported"), "{msg}");
    assert!(msg.contains("2.0, 3.0.x, 3.1.x or 3.2.x"), "{msg}");
    insta::assert_snapshot!(diags.render(false));
}

#[test]
fn other_versions_are_refused() {
    let (loaded, diags) = load_fixture("bad-version.yaml");
    assert!(loaded.is_none());
    assert_eq!(codes(&diags), vec!["unsupported-version"]);
    insta::assert_snapshot!("bad_version", diags.render(false));
}

#[test]
fn short_and_missing_versions_are_repaired() {
    let (loaded, diags) = load_fixture("bad-version-number.yaml");
    assert_eq!(loaded.expect("loads").source_version, "3.1.0");
    assert_eq!(codes(&diags), vec!["short-version"]);
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    insta::assert_snapshot!("bad_version_number", diags.render(false));

    let (loaded, diags) = load_fixture("bad-missing-version.yaml");
    assert_eq!(loaded.expect("loads").source_version, "3.0.3");
    assert_eq!(codes(&diags), vec!["missing-version"]);
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    insta::assert_snapshot!("missing_version", diags.render(false));
}

#[test]
fn malformed_yaml_names_the_line() {
    let (loaded, diags) = load_fixture("bad-yaml.yaml");
    assert!(loaded.is_none());
    assert_eq!(codes(&diags), vec!["parse-error"]);
    let loc = diags.iter().next().and_then(|d| d.location.clone());
    assert_eq!(loc.and_then(|l| l.line), Some(6));
    insta::assert_snapshot!(diags.render(false));
}

#[test]
fn malformed_json_names_the_line() {
    let (loaded, diags) = load_fixture("bad-json.json");
    assert!(loaded.is_none());
    assert_eq!(codes(&diags), vec!["parse-error"]);
    let loc = diags.iter().next().and_then(|d| d.location.clone());
    assert_eq!(loc.map(|l| (l.line, l.column)), Some((Some(4), Some(3))));
    insta::assert_snapshot!(diags.render(false));
}

#[test]
fn remote_refs_are_repaired() {
    let (loaded, diags) = load_fixture("bad-remote.yaml");
    assert!(loaded.is_some());
    assert!(!diags.has_errors());
    assert_eq!(codes(&diags), vec!["remote-ref"]);
    insta::assert_snapshot!(diags.render(false));
}

#[test]
fn invalid_pieces_are_all_reported() {
    let (loaded, diags) = load_fixture("bad-invalid.yaml");
    assert!(loaded.is_none());
    assert_eq!(
        codes(&diags),
        vec!["invalid-spec"; 3],
        "{}",
        diags.render(false)
    );
    let pointers: Vec<String> = diags
        .iter()
        .filter_map(|d| d.location.as_ref().map(|l| l.pointer.clone()))
        .collect();
    assert_eq!(
        pointers,
        vec![
            "/paths/~1pets/get/parameters/0/style",
            "/components/schemas/Pet/properties/size/items",
            "/components/schemas/Flag/nullable",
        ]
    );
    insta::assert_snapshot!(diags.render(false));
}

#[test]
fn problems_in_other_files_point_into_them() {
    let (loaded, diags) = load_fixture("bad-external/openapi.yaml");
    // Recoverable: the document is still returned for the later stages (the dangling refs
    // are repaired with warnings; the file that does not parse is an error).
    assert!(loaded.is_some());
    assert!(diags.has_errors());
    let rendered = diags.render(false);
    assert_eq!(
        codes(&diags),
        vec![
            "dangling-ref",
            "dangling-ref",
            "parse-error",
            "dangling-ref"
        ],
        "{rendered}"
    );
    let files: Vec<String> = diags
        .iter()
        .filter_map(|d| d.location.as_ref().map(|l| l.file.display().to_string()))
        .collect();
    assert_eq!(
        files,
        vec![
            "../tests/fixtures/load/bad-external/openapi.yaml",
            "../tests/fixtures/load/bad-external/openapi.yaml",
            "../tests/fixtures/load/bad-external/broken.yaml",
            "../tests/fixtures/load/bad-external/common.yaml",
        ]
    );
    assert!(
        rendered.contains("did you mean `#/components/schemas/Widget`?"),
        "{rendered}"
    );
    insta::assert_snapshot!(rendered);
}

#[test]
fn webhooks_load_and_bad_signature_extensions_are_errors() {
    let (loaded, diags) = load_fixture("bad-webhooks.yaml");
    let loaded = loaded.expect("the webhooks load");
    assert_eq!(
        loaded.webhooks.items.keys().collect::<Vec<_>>(),
        ["petAdded"]
    );
    assert_eq!(
        codes(&diags),
        vec!["invalid-extension", "invalid-extension"]
    );
    let rendered = diags.render(false);
    assert!(
        rendered.contains("unknown encoding `hexadecimal`"),
        "{rendered}"
    );
    assert!(
        rendered.contains("#/x-oagen-webhook-signature/encoding"),
        "{rendered}"
    );
    assert!(rendered.contains("bad-webhooks.yaml:7:"), "{rendered}");
    assert!(
        rendered.contains("#/webhooks/petAdded/post/x-oagen-webhook-signature/signed"),
        "{rendered}"
    );
    insta::assert_snapshot!(rendered);
}

#[test]
fn strict_turns_the_warning_into_an_error() {
    let (loaded, mut diags) = load_fixture("warn-mutual-tls.yaml");
    assert!(loaded.is_some());
    assert_eq!(codes(&diags), vec!["unsupported-3.1-feature"]);
    diags.promote_warnings();
    assert!(diags.has_errors());
    assert!(diags
        .render(false)
        .starts_with("error[unsupported-3.1-feature]"));
}

#[test]
fn missing_root_file() {
    let (loaded, diags) = load_fixture("no-such-file.yaml");
    assert!(loaded.is_none());
    assert_eq!(codes(&diags), vec!["read-error"]);
}
