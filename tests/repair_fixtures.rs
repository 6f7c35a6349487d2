//! The tolerant loader (`tests/fixtures/repair`): every fixture is a spec with departures from
//! OpenAPI that people and vendors write. Each must generate, with one warning per repair that
//! states the repair (`repaired: ...`) and names the file; `--strict` must refuse it. The
//! generated code is snapshotted (and compiled by `tests/compile`), and the behaviour each
//! fixture's `# Expect:` comment promises is asserted here.

#[macro_use]
mod support;

use oagen::{generate, Layout, Options};

/// (fixture, warning codes that must appear, strings the generated code or the rendered
/// diagnostics must contain).
const EXPECT: &[(&str, &[&str], &[&str])] = &[
    (
        "alias-cycle",
        &["ref-cycle"],
        &["pub type A = ::serde_json::Value;", "pub type B = A;", "pub type Cat = ::serde_json::Value;", "pub enum Pet"],
    ),
    ("big-integer", &["integer-out-of-range"], &["pub fn count(&self)", "pub fn n(mut self, value: i64)"]),
    (
        "body-parameter",
        &["body-parameter", "response-schema", "header-without-schema", "discriminator-string", "unknown-type"],
        &["pub fn create_pet(", "body: super::types::Pet", "pub fn upload(", "Part", "SendFuture<super::types::Pet"],
    ),
    (
        "dangling-ref-in-schema",
        &["dangling-ref", "remote-ref"],
        &["pub customer: ::std::option::Option<::serde_json::Value>", "pub audit: ::std::option::Option<::serde_json::Value>", "pub id: ::std::string::String", "pub fn list_orders(&self)"],
    ),
    ("duplicate-operation-id", &["duplicate-operation-id"], &["pub fn get_pet(", "pub fn get_pet2("]),
    (
        "misplaced-ref",
        &["misplaced-ref"],
        &["pub struct Pet", "pub struct Error", "fn limit(", "SendFuture<super::types::Pet"],
    ),
    (
        "missing-responses",
        &["missing-responses", "response-without-description", "missing-title"],
        &["pub fn ping(&self)", "pub fn pong(&self)", "SendFuture<super::types::Item"],
    ),
    ("missing-version", &["missing-version"], &["pub fn get_a(&self)"]),
    ("newer-version", &["newer-version"], &["pub fn get_a(&self)"]),
    (
        "null-media-type",
        &["null-media-type", "null-value"],
        &["SendFuture<::serde_json::Value", "body: impl ::std::convert::Into<::serde_json::Value>"],
    ),
    (
        "nulls-and-shapes",
        &["null-value", "parameters-map", "scalar-as-list", "string-as-boolean", "invalid-count", "server-variable-default", "keyword-from-3.1"],
        &["pub fn page(", "https://eu.example.com", "string_enum!"],
    ),
    ("number-as-string", &["number-as-string"], &["read as the string \"1.10\"", "= \"1\"", "= \"2.0\"", "= \"high\""]),
    (
        "oas32-departures",
        &["invalid-method", "invalid-querystring", "invalid-tag-parent"],
        &["pub fn get_pets(&self)", "query_string(&self.filter, \"application/x-www-form-urlencoded\")", "pub fn count_pets(&self)"],
    ),
    (
        "parameter-without-schema",
        &["parameter-without-schema"],
        &["room_name: impl ::std::convert::Into<::std::string::String>", "pub fn limit(mut self, value: i64)"],
    ),
    (
        "path-without-slash",
        &["path-without-slash", "path-with-query", "method-case"],
        &["pub fn bulk_delete_recordings(&self)", "\"/recordings/bulk-delete\"", "pub fn search(&self)", "pub fn get_status(&self)"],
    ),
    (
        "required-on-property",
        &["required-on-property", "required-in-properties"],
        &["pub name: ::std::string::String", "pub tag: ::std::option::Option<::std::string::String>", "pub id: i64"],
    ),
    (
        "security-habits",
        &["undefined-security-scheme", "security-requirement-shape", "oauth-flow-without-scopes", "security-scheme-location", "scalar-as-object"],
        &["X-Key"],
    ),
    ("short-version", &["short-version"], &["pub fn get_a(&self)"]),
    (
        "type-array-in-3-0",
        &["type-array-in-3.0"],
        &["pub end_date: ::std::option::Option<::chrono::DateTime<::chrono::Utc>>", "pub enum MeetingCode"],
    ),
    (
        "undeclared-path-param",
        &["undeclared-path-param", "path-param-not-required"],
        &["owner: impl ::std::convert::Into<::std::string::String>,\n            path: impl ::std::convert::Into<::std::string::String>,\n        ) -> GetFile", ") -> DeleteFile"],
    ),
];

#[test]
fn every_repair_fixture_generates_with_stated_repairs_and_fails_under_strict() {
    std::env::set_current_dir(support::root()).expect("cd");
    let fixtures = support::fixtures("tests/fixtures/repair");
    let names: Vec<String> = fixtures.iter().map(|f| support::fixture_name(f)).collect();
    let expected: Vec<&str> = EXPECT.iter().map(|(n, _, _)| *n).collect();
    assert_eq!(
        names, expected,
        "every fixture needs an EXPECT row, in order"
    );
    let mut failures = Vec::new();
    for (spec, (name, codes, code_has)) in fixtures.iter().zip(EXPECT) {
        let rel = support::rel(spec);
        let options = Options {
            crate_name: Some(name.replace('-', "_")),
            ..Options::default()
        };
        let generated = match generate(&rel, Layout::Module, &options) {
            Ok(g) => g,
            Err(d) => {
                failures.push(format!("{name}: refused:\n{}", d.render(false)));
                continue;
            }
        };
        let d = &generated.diagnostics;
        if d.has_errors() || d.warning_count() == 0 {
            failures.push(format!(
                "{name}: expected warnings only:\n{}",
                d.render(false)
            ));
        }
        for diag in d.iter() {
            let states_repair = diag
                .help
                .as_deref()
                .is_some_and(|h| h.contains("repaired: "));
            let names_file = diag
                .location
                .as_ref()
                .is_some_and(|l| l.file.starts_with("tests/fixtures/repair"));
            if !states_repair || !names_file {
                failures.push(format!(
                    "{name}: `{}` does not state its repair or place: {:?}",
                    diag.code, diag
                ));
            }
        }
        for code in *codes {
            if !d.iter().any(|x| x.code == *code) {
                failures.push(format!("{name}: no `{code}` warning:\n{}", d.render(false)));
            }
        }
        let text = &generated.files[0].contents;
        let rendered = d.render(false);
        for s in *code_has {
            if !text.contains(s) && !rendered.contains(s) {
                failures.push(format!("{name}: the generated code lacks `{s}`"));
            }
        }
        let strict = Options {
            strict: true,
            ..options.clone()
        };
        if generate(&rel, Layout::Module, &strict).is_ok() {
            failures.push(format!("{name}: --strict accepted it"));
        }
        check_snapshot!(
            failures,
            format!("repair__{name}"),
            &format!("{rendered}\n{text}")
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_description_ref_to_a_markdown_file_becomes_the_crate_docs() {
    std::env::set_current_dir(support::root()).expect("cd");
    let generated = generate(
        std::path::Path::new("tests/fixtures/repair/misplaced-ref.yaml"),
        Layout::Crate,
        &Options::default(),
    )
    .expect("generates");
    let lib = generated
        .files
        .iter()
        .find(|f| f.path == std::path::Path::new("src/lib.rs"))
        .expect("lib.rs");
    assert!(
        lib.contents
            .contains("The pet store, described in a **Markdown** file of its own."),
        "{}",
        lib.contents
    );
}
