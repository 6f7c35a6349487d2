//! OpenAPI 3.1 → 3.0 normalization, applied to the bundled JSON document
//! before it is deserialized into the 3.0 model.
//!
//! Schema rules, applied to every schema wherever schemas can appear
//! (components, parameters, headers, request bodies, responses, media
//! types, and nested `properties`, `items`, `additionalProperties`,
//! `allOf`/`oneOf`/`anyOf`/`not`, ...), innermost first:
//!
//! 1. `anyOf`/`oneOf` with a null branch (`{type: 'null'}`, `{const: null}`,
//!    `{enum: [null]}`): the branch is removed and the schema gets
//!    `nullable: true`. If one branch remains, it is merged into the schema
//!    when its keywords do not clash (and it is not a `$ref`), otherwise the
//!    schema becomes `allOf: [branch]` (which the IR reads as that type).
//! 2. A boolean schema: `true` → `{}`, `false` → `{not: {}}`
//!    (`additionalProperties: true|false` stays as it is).
//! 3. `$ref` with sibling keywords → `allOf: [{$ref}]` plus the siblings
//!    (an existing `allOf` keeps its members after the ref).
//! 4. `const: x` → `enum: [x]`.
//! 5. `examples: [a, ...]` → `example: a` (unless `example` is set).
//! 6. Numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true`
//!    (a larger existing `minimum` wins and the bound stays inclusive);
//!    the same for `exclusiveMaximum`/`maximum`.
//! 7. On a string schema: `contentEncoding: base64` (or `base64url`) →
//!    `format: byte`; otherwise `contentMediaType` → `format: binary`.
//!    An existing `format` is kept; the content keywords are removed.
//! 8. `type: [T, "null"]` → `type: T, nullable: true`; `type: "null"`,
//!    `type: ["null"]` or `type: null` → no type, `nullable: true` (free
//!    form); several non-null types → `anyOf` with one schema per type,
//!    each taking the keywords specific to its type (`minLength`… for
//!    strings, `minimum`… for numbers and integers, `properties`… for
//!    objects, `items`… for arrays, the `enum` values of its type, and
//!    `format` for the type it describes); generic keywords (`description`,
//!    `default`, ...) stay on the outer schema.
//!
//! Reference objects other than schemas (parameters, responses, ...) may
//! carry `summary`/`description` in 3.1; those are dropped (the 3.0 model
//! has no room for them).
//!
//! Document rules: `webhooks` stay (normalized like `paths`; read into
//! [`super::webhooks`]); `jsonSchemaDialect`,
//! `components.pathItems` (refs to them were inlined when resolving refs)
//! and `info.license.identifier` are dropped (the identifier becomes the
//! license `name` if there is none); `mutualTLS` security schemes are dropped
//! with an `unsupported-3.1-feature` warning. A missing `paths` becomes
//! empty (see [`super::fixups`]).

use serde_json::{Map, Value};

use super::pointer::{self, get_mut};
use super::walk::{walk, Kind};
use super::SourceMap;
use crate::diag::{Diagnostic, Diagnostics};

/// Rewrites a 3.1 document into the 3.0 shape. See the module docs.
pub(crate) fn normalize(doc: &mut Value, sources: &SourceMap, diags: &mut Diagnostics) {
    document_rules(doc, sources, diags);

    // Pass 1: null branches, judged on the schemas as written.
    let nodes = walk(doc, "", Kind::Document);
    for node in nodes.iter().rev().filter(|n| n.kind == Kind::Schema) {
        if let Some(obj) = get_mut(doc, &node.ptr).and_then(Value::as_object_mut) {
            lift_null_branches(obj);
        }
    }

    // Pass 2: everything else, innermost first (reverse pre-order), so a
    // rewrite never moves a node still to be visited.
    let nodes = walk(doc, "", Kind::Document);
    for node in nodes.iter().rev() {
        let Some(value) = get_mut(doc, &node.ptr) else {
            continue;
        };
        match node.kind {
            Kind::Schema => match value {
                Value::Bool(b) if !node.bool_ok => {
                    *value = bool_schema(*b);
                }
                Value::Object(obj) => schema_rules(obj),
                _ => {}
            },
            _ => {
                if let Some(obj) = value.as_object_mut() {
                    if obj.get("$ref").is_some_and(Value::is_string) && obj.len() > 1 {
                        obj.retain(|k, _| k == "$ref");
                    }
                }
            }
        }
    }
}

fn document_rules(doc: &mut Value, sources: &SourceMap, diags: &mut Diagnostics) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    root.shift_remove("jsonSchemaDialect");
    if let Some(license) = root
        .get_mut("info")
        .and_then(|i| i.get_mut("license"))
        .and_then(Value::as_object_mut)
    {
        if let Some(id) = license.shift_remove("identifier") {
            if !license.contains_key("name") {
                license.insert("name".into(), id);
            }
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        components.shift_remove("pathItems");
        if let Some(schemes) = components
            .get_mut("securitySchemes")
            .and_then(Value::as_object_mut)
        {
            let mtls: Vec<String> = schemes
                .iter()
                .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
                .map(|(k, _)| k.clone())
                .collect();
            for name in mtls {
                diags.push(
                    Diagnostic::warning(
                        "unsupported-3.1-feature",
                        format!("security scheme `{name}` uses mutualTLS, which is not supported; it was dropped"),
                    )
                    .at(sources.locate(&format!(
                        "/components/securitySchemes/{}",
                        pointer::escape(&name)
                    ))),
                );
                schemes.shift_remove(&name);
            }
        }
    }
}

fn bool_schema(b: bool) -> Value {
    let mut m = Map::new();
    if !b {
        m.insert("not".into(), Value::Object(Map::new()));
    }
    Value::Object(m)
}

/// Whether `v` is a schema that only admits `null`.
fn is_null_only(v: &Value) -> bool {
    let Some(obj) = v.as_object() else {
        return false;
    };
    let meta = |k: &str| matches!(k, "description" | "title" | "$comment");
    let null_type = match obj.get("type") {
        Some(Value::Null) => true,
        Some(Value::String(s)) => s == "null",
        Some(Value::Array(a)) => !a.is_empty() && a.iter().all(|t| t.as_str() == Some("null")),
        _ => false,
    };
    let null_const = obj.get("const").is_some_and(Value::is_null)
        || obj
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_null));
    if null_type {
        obj.keys()
            .all(|k| k == "type" || meta(k) || k == "const" || k == "enum")
    } else if null_const {
        obj.keys().all(|k| k == "const" || k == "enum" || meta(k))
    } else {
        false
    }
}

/// Rule 1 (see module docs).
fn lift_null_branches(obj: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = obj.get(key) else {
            continue;
        };
        if !branches.iter().any(is_null_only) {
            continue;
        }
        let rest: Vec<Value> = branches
            .iter()
            .filter(|b| !is_null_only(b))
            .cloned()
            .collect();
        obj.insert("nullable".into(), Value::Bool(true));
        match rest.len() {
            0 => {
                obj.shift_remove(key);
            }
            1 => {
                obj.shift_remove(key);
                let branch = rest.into_iter().next().unwrap_or(Value::Null);
                let mergeable = match branch.as_object() {
                    Some(b) => !b.contains_key("$ref") && b.keys().all(|k| !obj.contains_key(k)),
                    None => false,
                };
                if mergeable {
                    if let Value::Object(b) = branch {
                        for (k, v) in b {
                            obj.insert(k, v);
                        }
                    }
                } else {
                    let all_of = obj
                        .entry("allOf")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    match all_of {
                        Value::Array(a) => a.insert(0, branch),
                        other => *other = Value::Array(vec![branch]),
                    }
                }
            }
            _ => {
                obj.insert(key.into(), Value::Array(rest));
            }
        }
    }
}

/// Rules 3–8 on one schema object (its subschemas are already done).
fn schema_rules(obj: &mut Map<String, Value>) {
    // 3. $ref with siblings.
    if obj.get("$ref").is_some_and(Value::is_string) && obj.len() > 1 {
        let reference = obj.shift_remove("$ref").unwrap_or(Value::Null);
        let mut ref_obj = Map::new();
        ref_obj.insert("$ref".into(), reference);
        let all_of = obj
            .entry("allOf")
            .or_insert_with(|| Value::Array(Vec::new()));
        match all_of {
            Value::Array(a) => a.insert(0, Value::Object(ref_obj)),
            other => *other = Value::Array(vec![Value::Object(ref_obj)]),
        }
    }
    // 4. const.
    const_to_enum(obj);
    // 5. examples.
    if let Some(Value::Array(list)) = obj.get("examples") {
        let first = list.first().cloned();
        obj.shift_remove("examples");
        if let Some(first) = first {
            obj.entry("example").or_insert(first);
        }
    }
    // 6. numeric exclusive bounds.
    exclusive_bounds(obj);
    // 7. content encoding / media type on strings.
    let is_string = match obj.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some("string")),
        _ => false,
    };
    if is_string {
        let base64 = obj
            .get("contentEncoding")
            .and_then(Value::as_str)
            .is_some_and(|e| {
                e.eq_ignore_ascii_case("base64") || e.eq_ignore_ascii_case("base64url")
            });
        if base64 {
            obj.shift_remove("contentEncoding");
            obj.shift_remove("contentMediaType");
            obj.entry("format")
                .or_insert_with(|| Value::String("byte".into()));
        } else if obj.contains_key("contentMediaType") {
            obj.shift_remove("contentMediaType");
            obj.entry("format")
                .or_insert_with(|| Value::String("binary".into()));
        }
    }
    // 8. type arrays and null types.
    type_array(obj);
}

/// Rule 4: `const: x` → `enum: [x]`.
pub(crate) fn const_to_enum(obj: &mut Map<String, Value>) {
    if let Some(c) = obj.shift_remove("const") {
        obj.insert("enum".into(), Value::Array(vec![c]));
    }
}

/// Rule 6: numeric `exclusiveMinimum` / `exclusiveMaximum`.
pub(crate) fn exclusive_bounds(obj: &mut Map<String, Value>) {
    exclusive_bound(obj, "exclusiveMinimum", "minimum", true);
    exclusive_bound(obj, "exclusiveMaximum", "maximum", false);
}

/// Rule 8: type arrays and null types.
pub(crate) fn type_array(obj: &mut Map<String, Value>) {
    match obj.get("type") {
        Some(Value::Null) => {
            obj.shift_remove("type");
            obj.insert("nullable".into(), Value::Bool(true));
        }
        Some(Value::String(t)) if t == "null" => {
            obj.shift_remove("type");
            obj.insert("nullable".into(), Value::Bool(true));
        }
        Some(Value::Array(ts)) => {
            let mut types: Vec<String> = Vec::new();
            let mut nullable = false;
            for t in ts {
                match t.as_str() {
                    Some("null") => nullable = true,
                    Some(t) if !types.iter().any(|x| x == t) => types.push(t.to_string()),
                    _ => {}
                }
            }
            if nullable {
                obj.insert("nullable".into(), Value::Bool(true));
            }
            match types.len() {
                0 => {
                    obj.shift_remove("type");
                }
                1 => {
                    let t = types.pop().unwrap_or_default();
                    obj.insert("type".into(), Value::String(t));
                }
                _ => split_types(obj, &types),
            }
        }
        _ => {}
    }
}

fn exclusive_bound(obj: &mut Map<String, Value>, exclusive: &str, bound: &str, lower: bool) {
    let Some(n) = obj.get(exclusive).and_then(Value::as_f64) else {
        return;
    };
    let Some(limit) = obj.get(exclusive).cloned() else {
        return;
    };
    let existing = obj.get(bound).and_then(Value::as_f64);
    let existing_stricter = match existing {
        Some(b) if lower => b > n,
        Some(b) => b < n,
        None => false,
    };
    if existing_stricter {
        obj.shift_remove(exclusive);
    } else {
        obj.insert(bound.into(), limit);
        obj.insert(exclusive.into(), Value::Bool(true));
    }
}

const STRING_KEYS: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "contentEncoding",
    "contentMediaType",
];
const NUMBER_KEYS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const OBJECT_KEYS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
];
const ARRAY_KEYS: &[&str] = &[
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
];

fn keys_of(t: &str) -> &'static [&'static str] {
    match t {
        "string" => STRING_KEYS,
        "number" | "integer" => NUMBER_KEYS,
        "object" => OBJECT_KEYS,
        "array" => ARRAY_KEYS,
        _ => &[],
    }
}

fn value_has_type(v: &Value, t: &str) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        _ => false,
    }
}

/// Which of `types` a `format` describes.
fn format_owner<'a>(format: &str, types: &'a [String]) -> Option<&'a str> {
    let has = |t: &str| types.iter().any(|x| x == t);
    let integer_like = format.starts_with("int") || format.starts_with("uint");
    let number_like = matches!(format, "float" | "double" | "decimal");
    let order: &[&str] = if integer_like {
        &["integer", "number", "string"]
    } else if number_like {
        &["number", "integer", "string"]
    } else {
        &["string"]
    };
    order
        .iter()
        .find(|t| has(t))
        .and_then(|t| types.iter().find(|x| x == t))
        .map(String::as_str)
        .or_else(|| types.first().map(String::as_str))
}

/// Rule 8, several non-null types: one `anyOf` branch per type.
fn split_types(obj: &mut Map<String, Value>, types: &[String]) {
    obj.shift_remove("type");
    let mut branches: Vec<Map<String, Value>> = types
        .iter()
        .map(|t| {
            let mut m = Map::new();
            m.insert("type".into(), Value::String(t.clone()));
            m
        })
        .collect();
    for group in [STRING_KEYS, NUMBER_KEYS, OBJECT_KEYS, ARRAY_KEYS] {
        for key in group.iter() {
            let Some(v) = obj.shift_remove(*key) else {
                continue;
            };
            for (t, branch) in types.iter().zip(branches.iter_mut()) {
                if keys_of(t).contains(key) {
                    branch.insert((*key).into(), v.clone());
                }
            }
        }
    }
    if let Some(format) = obj.shift_remove("format") {
        let owner = format
            .as_str()
            .and_then(|f| format_owner(f, types))
            .map(str::to_string);
        if let Some(owner) = owner {
            for (t, branch) in types.iter().zip(branches.iter_mut()) {
                if *t == owner {
                    branch.insert("format".into(), format.clone());
                }
            }
        }
    }
    let mut keep: Vec<bool> = vec![true; branches.len()];
    if let Some(Value::Array(values)) = obj.get("enum") {
        let per_branch: Vec<Vec<Value>> = types
            .iter()
            .map(|t| {
                values
                    .iter()
                    .filter(|v| value_has_type(v, t))
                    .cloned()
                    .collect()
            })
            .collect();
        if per_branch.iter().any(|v| !v.is_empty()) {
            for ((vals, branch), k) in per_branch
                .into_iter()
                .zip(branches.iter_mut())
                .zip(keep.iter_mut())
            {
                if vals.is_empty() {
                    *k = false;
                } else {
                    branch.insert("enum".into(), Value::Array(vals));
                }
            }
            obj.shift_remove("enum");
        }
    }
    let any_of: Vec<Value> = branches
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(b, _)| Value::Object(b))
        .collect();
    if let Some(existing) = obj.shift_remove("anyOf") {
        let mut wrapper = Map::new();
        wrapper.insert("anyOf".into(), existing);
        let all_of = obj
            .entry("allOf")
            .or_insert_with(|| Value::Array(Vec::new()));
        match all_of {
            Value::Array(a) => a.push(Value::Object(wrapper)),
            other => *other = Value::Array(vec![Value::Object(wrapper)]),
        }
    }
    obj.insert("anyOf".into(), Value::Array(any_of));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn norm_schema(schema: Value) -> Value {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}});
        let mut diags = Diagnostics::new();
        normalize(&mut doc, &SourceMap::default(), &mut diags);
        doc.pointer("/components/schemas/S")
            .cloned()
            .unwrap_or(Value::Null)
    }

    #[test]
    fn nullable_type() {
        assert_eq!(
            norm_schema(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            norm_schema(json!({"type": ["null"]})),
            json!({"nullable": true})
        );
        assert_eq!(
            norm_schema(json!({"type": "null"})),
            json!({"nullable": true})
        );
        assert_eq!(
            norm_schema(json!({"type": null})),
            json!({"nullable": true})
        );
    }

    #[test]
    fn several_types() {
        let got = norm_schema(json!({
            "type": ["string", "integer", "null"],
            "description": "d",
            "format": "int64",
            "minLength": 1,
            "minimum": 0,
            "enum": ["a", 1, null]
        }));
        assert_eq!(
            got,
            json!({
                "description": "d",
                "nullable": true,
                "anyOf": [
                    {"type": "string", "minLength": 1, "enum": ["a"]},
                    {"type": "integer", "minimum": 0, "format": "int64", "enum": [1]}
                ]
            })
        );
    }

    #[test]
    fn const_examples_bounds_content() {
        assert_eq!(norm_schema(json!({"const": "x"})), json!({"enum": ["x"]}));
        assert_eq!(
            norm_schema(json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            norm_schema(
                json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "maximum": 5})
            ),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 5})
        );
        assert_eq!(
            norm_schema(json!({"type": "string", "contentEncoding": "base64"})),
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            norm_schema(json!({"type": "string", "contentMediaType": "image/png"})),
            json!({"type": "string", "format": "binary"})
        );
    }

    #[test]
    fn ref_siblings_and_null_branches() {
        assert_eq!(
            norm_schema(json!({"$ref": "#/components/schemas/T", "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
        assert_eq!(
            norm_schema(json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]})),
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
        assert_eq!(
            norm_schema(
                json!({"oneOf": [{"type": "string"}, {"type": "null"}], "description": "d"})
            ),
            json!({"description": "d", "nullable": true, "type": "string"})
        );
    }

    #[test]
    fn boolean_schemas() {
        assert_eq!(
            norm_schema(
                json!({"type": "object", "properties": {"a": true, "b": false}, "additionalProperties": false})
            ),
            json!({"type": "object", "properties": {"a": {}, "b": {"not": {}}}, "additionalProperties": false})
        );
    }
}
