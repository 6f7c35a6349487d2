//! The loader never panics, hangs or overflows its stack, whatever it is fed.

use std::path::Path;

use crate::diag::Diagnostics;
use crate::load;
use proptest::prelude::*;
use serde_json::{Map, Value};

fn run(text: &str, name: &str) {
    let mut diags = Diagnostics::new();
    let loaded = load::load_str(text, Path::new(name), &mut diags);
    // A `None` always comes with an error, and rendering never fails.
    if loaded.is_none() {
        assert!(diags.has_errors(), "None without an error for {text:?}");
    }
    let _ = diags.render(false);
    let _ = diags.render(true);
    for d in diags.iter() {
        let _ = d.to_string();
    }
    if let Some(spec) = loaded {
        let _ = spec.locate("/paths/~1a/get/responses/200");
        let _ = spec.locate("/components/schemas/A/properties/x");
    }
}

const KEYS: &[&str] = &[
    "openapi",
    "info",
    "title",
    "version",
    "paths",
    "/a",
    "/b/{id}",
    "get",
    "post",
    "parameters",
    "name",
    "in",
    "required",
    "schema",
    "responses",
    "200",
    "default",
    "description",
    "content",
    "application/json",
    "components",
    "schemas",
    "A",
    "B",
    "requestBody",
    "headers",
    "$ref",
    "type",
    "properties",
    "x",
    "items",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "nullable",
    "enum",
    "const",
    "examples",
    "example",
    "exclusiveMinimum",
    "minimum",
    "format",
    "contentEncoding",
    "contentMediaType",
    "webhooks",
    "pathItems",
    "securitySchemes",
    "callbacks",
    "links",
    "discriminator",
    "x-oagen",
    "swagger",
    "definitions",
    "securityDefinitions",
    "consumes",
    "produces",
    "collectionFormat",
    "x-nullable",
    "x-ms-enum",
    "x-example",
    "host",
    "basePath",
    "schemes",
    "flow",
];

const STRINGS: &[&str] = &[
    "3.0.3",
    "3.1.0",
    "2.0",
    "string",
    "integer",
    "number",
    "object",
    "array",
    "boolean",
    "null",
    "query",
    "path",
    "body",
    "#/components/schemas/A",
    "#/components/schemas/B",
    "#/paths/~1a",
    "#",
    "#/",
    "#foo",
    "other.yaml",
    "other.yaml#/A",
    "./x/../y.json#/components/schemas/A",
    "http://example.com/a.yaml",
    "#/components/schemas/A/properties/x",
    "%",
    "#/%zz",
    "",
    "~",
    "base64",
    "int64",
    "mutualTLS",
    "formData",
    "file",
    "csv",
    "tsv",
    "multi",
    "multipart/form-data",
    "#/definitions/A",
    "#/parameters/A",
    "#/responses/A",
    "other.yaml#/definitions/A",
    "oauth2",
    "accessCode",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(KEYS).prop_map(str::to_string),
        1 => "[a-z~/%{}$]{0,6}",
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => proptest::sample::select(STRINGS).prop_map(|s| Value::String(s.to_string())),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => any::<i64>().prop_map(|n| Value::Number(n.into())),
        1 => any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        1 => Just(Value::Null),
        1 => ".{0,12}".prop_map(Value::String),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kvs| Value::Object(kvs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A document that passes the version check most of the time, so the later
/// stages get exercised.
fn document() -> impl Strategy<Value = Value> {
    (
        proptest::sample::select(&["3.0.3", "3.1.0", "3.1.1", "4.0"][..]),
        value(),
        value(),
        value(),
    )
        .prop_map(|(version, paths, components, extra)| {
            let mut m = Map::new();
            m.insert("openapi".into(), Value::String(version.into()));
            m.insert(
                "info".into(),
                serde_json::json!({"title": "t", "version": "1"}),
            );
            m.insert("paths".into(), paths);
            m.insert("components".into(), components);
            if let Value::Object(extra) = extra {
                for (k, v) in extra {
                    m.entry(k).or_insert(v);
                }
            }
            Value::Object(m)
        })
}

/// A Swagger 2.0 document: its sections filled with arbitrary values, and
/// operations whose parameters are of every place (body and form ones
/// included) with arbitrary keywords.
fn swagger_document() -> impl Strategy<Value = Value> {
    let param = (
        proptest::sample::select(&["body", "formData", "query", "path", "header", "x"][..]),
        value(),
        value(),
    )
        .prop_map(|(place, schema, extra)| {
            let mut p = Map::new();
            p.insert("name".into(), Value::String("p".into()));
            p.insert("in".into(), Value::String(place.into()));
            p.insert("schema".into(), schema);
            if let Value::Object(extra) = extra {
                for (k, v) in extra {
                    p.entry(k).or_insert(v);
                }
            }
            Value::Object(p)
        });
    (
        prop::collection::vec(param, 0..4),
        value(),
        value(),
        value(),
        value(),
    )
        .prop_map(|(params, responses, definitions, sections, extra)| {
            let mut m = Map::new();
            m.insert("swagger".into(), Value::String("2.0".into()));
            m.insert(
                "info".into(),
                serde_json::json!({"title": "t", "version": "1"}),
            );
            m.insert(
                "paths".into(),
                serde_json::json!({"/a/{p}": {"post": {"parameters": params, "responses": responses}}}),
            );
            m.insert("definitions".into(), definitions);
            if let Value::Object(sections) = sections {
                for (k, v) in sections {
                    m.entry(k).or_insert(v);
                }
            }
            if let Value::Object(extra) = extra {
                for (k, v) in extra {
                    m.entry(k).or_insert(v);
                }
            }
            Value::Object(m)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn swagger2_documents_never_panic(doc in swagger_document()) {
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        run(&text, "fuzz.json");
        run(&text, "fuzz.yaml");
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        run(&text, "fuzz.yaml");
        run(&text, "fuzz.json");
    }

    #[test]
    fn yaml_ish_text_never_panics(text in "[a-z0-9:{}\\[\\],'\"#&*!|>\\- \n\t$/.~%?<]{0,300}") {
        run(&text, "fuzz.yaml");
        run(&text, "fuzz");
    }

    #[test]
    fn json_ish_documents_never_panic(doc in document()) {
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        run(&text, "fuzz.json");
        run(&text, "fuzz.yaml");
    }
}

fn nested_properties(depth: usize) -> String {
    let mut text = String::from(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A:\n",
    );
    let mut indent = 6;
    for _ in 0..depth {
        text.push_str(&format!(
            "{}type: [object, 'null']\n{}properties:\n{}x:\n",
            " ".repeat(indent),
            " ".repeat(indent),
            " ".repeat(indent + 2)
        ));
        indent += 4;
    }
    text.push_str(&format!("{}type: string\n", " ".repeat(indent)));
    text
}

#[test]
fn deep_but_legal_nesting_loads() {
    // 60 nested properties: about 120 YAML levels, under the parser's 128.
    let text = nested_properties(60);
    let mut diags = Diagnostics::new();
    let spec = load::load_str(&text, Path::new("deep.yaml"), &mut diags);
    assert!(spec.is_some(), "{}", diags.render(false));
}

#[test]
fn normalization_that_deepens_the_document_still_loads() {
    // Each level's `type: [object, string]` becomes an `anyOf`, doubling the
    // nesting the deserializer sees.
    let text = nested_properties(60).replace("type: [object, 'null']", "type: [object, string]");
    let mut diags = Diagnostics::new();
    let spec = load::load_str(&text, Path::new("deeper.yaml"), &mut diags);
    assert!(spec.is_some(), "{}", diags.render(false));
}

#[test]
fn hostile_nesting_is_an_error_not_a_crash() {
    for text in [
        "[".repeat(100_000),
        format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000)),
        format!("{}1{}", "{\"a\":".repeat(5_000), "}".repeat(5_000)),
        format!("openapi: 3.0.3\nx: {}", "- ".repeat(10_000)),
        nested_properties(200),
    ] {
        for name in ["deep.yaml", "deep.json"] {
            let mut diags = Diagnostics::new();
            assert!(load::load_str(&text, Path::new(name), &mut diags).is_none());
            assert!(diags.has_errors());
        }
    }
}

#[test]
fn alias_bombs_are_refused() {
    let mut text = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    let mut diags = Diagnostics::new();
    assert!(load::load_str(&text, Path::new("bomb.yaml"), &mut diags).is_none());
    assert!(
        diags.iter().any(|d| d.code == "parse-error"),
        "{}",
        diags.render(false)
    );
}

#[test]
fn huge_keys_over_many_nodes_are_refused() {
    let key = "k".repeat(1_000_000);
    let mut text = format!("{{\"openapi\": \"3.0.3\", \"{key}\": {{");
    for i in 0..500 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!("\"{i}\": [1,2,3,4,5,6,7,8,9,10]"));
    }
    text.push_str("}}");
    let mut diags = Diagnostics::new();
    assert!(load::load_str(&text, Path::new("wide.json"), &mut diags).is_none());
    assert!(
        diags.iter().any(|d| d.code == "too-large"),
        "{}",
        diags.render(false)
    );
}
