//! Diagnostics for mistakes found in public specs by the corpus harness (`bench/corpus.sh`).

use oagen::{build_ir, Options};

fn errors_of(spec: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec).expect("write");
    match build_ir(&path, &Options::default()) {
        Ok(_) => String::new(),
        Err(d) => d.render(false),
    }
}

#[test]
fn a_query_string_in_a_path_key_is_named_in_the_error() {
    let text = errors_of(
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
    assert!(text.contains("error[undeclared-path-param]"), "{text}");
    assert!(
        text.contains("a path key cannot carry a query string"),
        "{text}"
    );
}

#[test]
fn an_undeclared_path_parameter_without_a_query_string_keeps_the_short_message() {
    let text = errors_of(
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
    assert!(text.contains("declares no path parameter `id`"), "{text}");
    assert!(!text.contains("query string"), "{text}");
}
