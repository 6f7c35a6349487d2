//! OpenAPI 3.1 → 3.0 normalization: one schema per rule in
//! `tests/fixtures/load/oas31.yaml`.

use std::path::Path;

use crate::diag::{Diagnostics, Severity};
use crate::load::{self, LoadedSpec};
use serde_json::{json, Value};

fn load_31() -> (LoadedSpec, Diagnostics) {
    let mut diags = Diagnostics::new();
    let loaded = load::load(Path::new("../tests/fixtures/load/oas31.yaml"), &mut diags);
    match loaded {
        Some(l) => (l, diags),
        None => panic!("oas31.yaml did not load:\n{}", diags.render(false)),
    }
}

fn schema<'a>(spec: &'a LoadedSpec, name: &str) -> &'a Value {
    &spec.document["components"]["schemas"][name]
}

#[test]
fn source_version_is_kept() {
    let (spec, _) = load_31();
    assert_eq!(spec.source_version, "3.1.0");
}

#[test]
fn type_with_null_becomes_nullable() {
    let (spec, _) = load_31();
    assert_eq!(
        schema(&spec, "NullableString"),
        &json!({"type": "string", "nullable": true})
    );
    for name in ["OnlyNull", "NullList", "YamlNull"] {
        assert_eq!(schema(&spec, name), &json!({"nullable": true}), "{name}");
    }
    let header = &spec.document["paths"]["/items/{id}"]["get"]["responses"]["200"]["headers"]
        ["X-Count"]["schema"];
    assert_eq!(header, &json!({"type": "integer", "nullable": true}));
}

#[test]
fn several_types_become_any_of() {
    let (spec, _) = load_31();
    assert_eq!(
        schema(&spec, "Multi"),
        &json!({
            "description": "several types",
            "nullable": true,
            "anyOf": [
                {"type": "string", "minLength": 2, "enum": ["a"]},
                {"type": "integer", "maximum": 10, "format": "int64", "enum": [1]}
            ]
        })
    );
    let param = &spec.document["paths"]["/items/{id}"]["get"]["parameters"][1]["schema"];
    assert_eq!(
        param,
        &json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
    );
}

#[test]
fn const_examples_and_bounds() {
    let (spec, _) = load_31();
    assert_eq!(schema(&spec, "Const"), &json!({"enum": ["fixed"]}));
    assert_eq!(
        schema(&spec, "Examples"),
        &json!({"type": "string", "example": "first"})
    );
    assert_eq!(
        schema(&spec, "Bounds"),
        &json!({"type": "number", "exclusiveMinimum": true, "exclusiveMaximum": true, "minimum": 0, "maximum": 100})
    );
    // Nested: items with a type list and const.
    assert_eq!(
        schema(&spec, "Nested")["properties"]["deep"]["items"],
        json!({"type": "number", "enum": [1.5], "nullable": true})
    );
}

#[test]
fn content_encoding_and_media_type() {
    let (spec, _) = load_31();
    assert_eq!(
        schema(&spec, "Base64"),
        &json!({"type": "string", "format": "byte"})
    );
    assert_eq!(
        schema(&spec, "Binary"),
        &json!({"type": "string", "format": "binary"})
    );
}

#[test]
fn ref_siblings_become_all_of() {
    let (spec, _) = load_31();
    assert_eq!(
        schema(&spec, "RefWithSiblings"),
        &json!({"description": "a base with a description", "allOf": [{"$ref": "#/components/schemas/Base"}]})
    );
    let media = &spec.document["paths"]["/items/{id}"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"];
    assert_eq!(
        media,
        &json!({"description": "the item", "allOf": [{"$ref": "#/components/schemas/Base"}]})
    );
    // Not a schema: the 3.1 description override is dropped.
    let param = &spec.document["paths"]["/items/{id}"]["get"]["parameters"][0];
    assert_eq!(param, &json!({"$ref": "#/components/parameters/Id"}));
}

#[test]
fn null_branches_become_nullable() {
    let (spec, _) = load_31();
    assert_eq!(
        schema(&spec, "NullableRef"),
        &json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Base"}]})
    );
    assert_eq!(
        schema(&spec, "NullableInline"),
        &json!({"nullable": true, "type": "integer"})
    );
}

#[test]
fn boolean_schemas() {
    let (spec, _) = load_31();
    assert_eq!(
        schema(&spec, "Booleans"),
        &json!({
            "type": "object",
            "properties": {"anything": {}, "nothing": {"not": {}}},
            "additionalProperties": false
        })
    );
}

#[test]
fn document_level_rules() {
    let (spec, diags) = load_31();
    let doc = &spec.document;
    // Webhooks stay, in the typed model too.
    assert!(doc.get("webhooks").is_some());
    let hook = &spec.webhooks.items["newPet"];
    let openapiv3::ReferenceOr::Item(hook) = hook else {
        panic!("{hook:?}")
    };
    assert!(hook
        .post
        .as_ref()
        .is_some_and(|op| op.request_body.is_some()));
    assert!(doc.get("jsonSchemaDialect").is_none());
    assert_eq!(doc["info"]["license"], json!({"name": "MIT"}));
    assert!(doc["components"].get("pathItems").is_none());
    // The path item ref into components/pathItems was inlined.
    assert_eq!(
        doc["paths"]["/things"],
        json!({"get": {"responses": {"204": {"description": "none"}}}})
    );
    assert!(doc["components"]["securitySchemes"].get("mtls").is_none());
    let warnings: Vec<(&str, String)> = diags
        .iter()
        .map(|d| {
            (
                d.code,
                d.location
                    .as_ref()
                    .map(|l| l.pointer.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        warnings,
        vec![(
            "unsupported-3.1-feature",
            "/components/securitySchemes/mtls".to_string()
        ),]
    );
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    // Top-level order follows the spec.
    let keys: Vec<&str> = doc
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        vec!["openapi", "info", "webhooks", "paths", "components"]
    );
}

#[test]
fn the_typed_model_sees_the_normalized_schemas() {
    use openapiv3::{ReferenceOr, SchemaKind, Type};
    let (spec, _) = load_31();
    let schemas = spec.openapi.components.as_ref().map(|c| &c.schemas);
    let Some(ReferenceOr::Item(s)) = schemas.and_then(|s| s.get("NullableString")) else {
        panic!("NullableString missing");
    };
    assert!(s.schema_data.nullable);
    assert!(matches!(s.schema_kind, SchemaKind::Type(Type::String(_))));
    let Some(ReferenceOr::Item(s)) = schemas.and_then(|s| s.get("Multi")) else {
        panic!("Multi missing");
    };
    assert!(matches!(&s.schema_kind, SchemaKind::AnyOf { any_of } if any_of.len() == 2));
}

#[test]
fn a_missing_paths_is_empty() {
    let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents: {schemas: {A: {type: string}}}\n";
    let mut diags = Diagnostics::new();
    let spec = load::load_str(text, Path::new("components-only.yaml"), &mut diags);
    assert!(diags.is_empty(), "{}", diags.render(false));
    assert_eq!(spec.map(|s| s.openapi.paths.paths.len()), Some(0));
}
