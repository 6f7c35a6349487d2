//! Diagnostics for mistakes found in public specs by the corpus harness (`bench/corpus.sh`).

use oagen::{build_ir, Options};

/// The rendered diagnostics, errors or warnings.
fn diagnostics_of(spec: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec).expect("write");
    match build_ir(&path, &Options::default()) {
        Ok((_, d, _)) => d.render(false),
        Err(d) => d.render(false),
    }
}

#[test]
fn a_query_string_in_a_path_key_is_cut_off_with_a_warning() {
    let text = diagnostics_of(
        r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /search/articles?query={query}:
    get:
      operationId: search
      parameters:
        - {name: query, in: query, required: true, schema: {type: string}}
      responses:
        "200": {description: OK}
"#,
    );
    assert!(text.contains("warning[path-with-query]"), "{text}");
    assert!(
        text.contains("repaired: read as `/search/articles`"),
        "{text}"
    );
    assert!(!text.contains("undeclared-path-param"), "{text}");
}

#[test]
fn an_undeclared_path_parameter_is_repaired_with_a_warning() {
    let text = diagnostics_of(
        r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      responses:
        "200": {description: OK}
"#,
    );
    assert!(text.contains("warning[undeclared-path-param]"), "{text}");
    assert!(text.contains("declares no path parameter `id`"), "{text}");
    assert!(
        text.contains("repaired: `id` is read as a required string path parameter"),
        "{text}"
    );
}
