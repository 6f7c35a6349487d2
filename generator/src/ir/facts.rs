//! What a spec says that the generated code does not show, kept for `oagen diff`: status
//! codes and media types as written, the shapes of error bodies and response headers, where
//! each property is written, which optional keys are written, and each operation's security
//! requirement with the shapes of its schemes.
//!
//! [`facts`] builds them from the loaded spec as plain data, on request: code generation does
//! not pay for them. The diff reads these and the [`Api`]; it never walks the document.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Api, TypeKind};
use crate::load::{pointer, LoadedSpec};

/// The facts of one spec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    /// The paths in document order.
    pub paths: Vec<String>,
    /// By operation pointer ([`super::Operation::pointer`]).
    pub operations: BTreeMap<String, OpFacts>,
    /// Where each property of each struct type is written: (the type's pointer, the wire
    /// name) → the property's pointer, found through `$ref` and `allOf`/`anyOf`/`oneOf`.
    pub properties: BTreeMap<(String, String), String>,
    /// Which of the optional keys the diff points at are written: `{operation}/security`,
    /// `{operation}/x-oagen-envelope`, `{schema}/discriminator`.
    pub written: BTreeSet<String>,
}

/// The facts of one operation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OpFacts {
    /// The request body's media types as written (empty without a body).
    pub request_media_types: Vec<String>,
    /// Every response, by status as written, in document order.
    pub responses: Vec<ResponseFacts>,
    /// Its security requirement (its own, else the document's): alternatives, each the
    /// schemes sent together. One empty alternative: anonymous.
    pub security: Vec<Vec<SchemeUse>>,
}

/// One response of an operation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResponseFacts {
    /// The status as written: `200`, `4XX`, `default`.
    pub status: String,
    /// Its media types as written.
    pub media_types: Vec<String>,
    /// For error responses (4XX, 5XX, and `default` beside a success status): the bodies by
    /// media type, `$ref`s resolved and documentation left out, as canonical text (equal for
    /// equal shapes). Empty for success responses, whose bodies the IR compares.
    pub error_shape: String,
    /// Its headers, in document order.
    pub headers: Vec<HeaderFacts>,
}

/// A documented response header.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeaderFacts {
    /// The name as written.
    pub name: String,
    /// Its definition, `$ref`s resolved and documentation left out, as canonical text.
    pub shape: String,
}

/// A security scheme, as one requirement uses it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SchemeUse {
    /// The scheme's definition without documentation, as canonical text (a renamed scheme
    /// keeps its shape); `undefined:NAME` for a scheme the document does not define.
    pub shape: String,
    /// The scheme in words: `API key in header `X-Key``, `HTTP bearer`.
    pub text: String,
    /// The scopes required.
    pub scopes: BTreeSet<String>,
}

/// Builds the facts of `spec`, whose IR is `api`.
pub fn facts(spec: &LoadedSpec, api: &Api) -> Facts {
    let doc = &spec.document;
    let mut out = Facts {
        paths: spec.openapi.paths.iter().map(|(p, _)| p.clone()).collect(),
        ..Facts::default()
    };
    for op in api.modules.iter().flat_map(|m| &m.operations) {
        for key in ["security", "x-oagen-envelope"] {
            let own = format!("{}/{key}", op.pointer);
            if doc.pointer(&own).is_some() {
                out.written.insert(own);
            }
        }
        out.operations
            .insert(op.pointer.clone(), operation(doc, &op.pointer));
    }
    for td in &api.types {
        match &td.kind {
            TypeKind::Struct { fields, .. } => {
                for f in fields {
                    out.properties.insert(
                        (td.pointer.clone(), f.wire.clone()),
                        prop_pointer(doc, &td.pointer, &f.wire),
                    );
                }
            }
            TypeKind::Union { .. } => {
                let disc = format!("{}/discriminator", td.pointer);
                if doc.pointer(&disc).is_some() {
                    out.written.insert(disc);
                }
            }
            _ => {}
        }
    }
    out
}

fn at<'v>(doc: &'v Value, ptr: &str) -> Option<&'v Value> {
    pointer::get(doc, ptr).map(|v| pointer::deref(doc, v))
}

fn operation(doc: &Value, op_ptr: &str) -> OpFacts {
    let media_types = |v: Option<&Value>| -> Vec<String> {
        match v.and_then(|v| v.get("content")) {
            Some(Value::Object(content)) => content.keys().cloned().collect(),
            _ => Vec::new(),
        }
    };
    let request_media_types = media_types(at(doc, &format!("{op_ptr}/requestBody")));
    let mut responses = Vec::new();
    if let Some(Value::Object(map)) = at(doc, &format!("{op_ptr}/responses")) {
        let statuses: Vec<&String> = map.keys().collect();
        let has_success = statuses.iter().any(|k| is_success(k));
        for (status, resp) in map {
            let resp = pointer::deref(doc, resp);
            let is_error = is_error_status(status) || (status == "default" && has_success);
            let error_shape = if is_error {
                let content = resp.get("content").cloned().unwrap_or(Value::Null);
                canonical(&resolved(
                    doc,
                    &content,
                    &mut Vec::new(),
                    &mut BTreeMap::new(),
                ))
            } else {
                String::new()
            };
            let headers = match resp.get("headers") {
                Some(Value::Object(h)) => h
                    .iter()
                    .map(|(name, h)| HeaderFacts {
                        name: name.clone(),
                        shape: canonical(&resolved(doc, h, &mut Vec::new(), &mut BTreeMap::new())),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            responses.push(ResponseFacts {
                status: status.clone(),
                media_types: media_types(Some(resp)),
                error_shape,
                headers,
            });
        }
    }
    OpFacts {
        request_media_types,
        responses,
        security: security(doc, op_ptr),
    }
}

/// `200`..`299` or `2XX`.
pub fn is_success(status: &str) -> bool {
    status.parse::<u16>().is_ok_and(|c| (200..300).contains(&c))
        || status.eq_ignore_ascii_case("2XX")
}

/// `400`..`599`, `4XX` or `5XX`.
fn is_error_status(status: &str) -> bool {
    status.parse::<u16>().is_ok_and(|c| (400..600).contains(&c))
        || status.eq_ignore_ascii_case("4XX")
        || status.eq_ignore_ascii_case("5XX")
}

/// The pointer of a property of the schema at `base`, looking through `allOf` and `$ref`.
fn prop_pointer(doc: &Value, base: &str, wire: &str) -> String {
    fn find(doc: &Value, base: &str, wire: &str, depth: usize) -> Option<String> {
        if depth > 12 {
            return None;
        }
        let v = pointer::get(doc, base)?;
        if let Some(r) = pointer::ref_of(v).and_then(pointer::local) {
            return find(doc, &r, wire, depth + 1);
        }
        if v.get("properties").and_then(|p| p.get(wire)).is_some() {
            return Some(format!("{base}/properties/{}", pointer::escape(wire)));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(parts)) = v.get(key) {
                for i in 0..parts.len() {
                    if let Some(p) = find(doc, &format!("{base}/{key}/{i}"), wire, depth + 1) {
                        return Some(p);
                    }
                }
            }
        }
        None
    }
    find(doc, base, wire, 0)
        .unwrap_or_else(|| format!("{base}/properties/{}", pointer::escape(wire)))
}

/// The requirement of an operation: its own `security`, else the document's.
fn security(doc: &Value, op_ptr: &str) -> Vec<Vec<SchemeUse>> {
    let list = doc
        .pointer(&format!("{op_ptr}/security"))
        .or_else(|| doc.pointer("/security"))
        .and_then(Value::as_array);
    let Some(list) = list.filter(|l| !l.is_empty()) else {
        return vec![Vec::new()];
    };
    list.iter()
        .map(|req| {
            req.as_object()
                .into_iter()
                .flatten()
                .map(|(name, scopes)| {
                    let (shape, text) = scheme_shape(doc, name);
                    SchemeUse {
                        shape,
                        text,
                        scopes: scopes
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .map(String::from)
                            .collect(),
                    }
                })
                .collect()
        })
        .collect()
}

/// A scheme's shape (its definition without descriptions or scope texts) and a description.
fn scheme_shape(doc: &Value, name: &str) -> (String, String) {
    let ptr = pointer::join("/components/securitySchemes", name);
    let Some(v) = at(doc, &ptr) else {
        return (
            format!("undefined:{name}"),
            format!("undefined scheme `{name}`"),
        );
    };
    let shape = canonical(&strip_docs(v));
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("");
    let text = match s("type") {
        "apiKey" => format!("API key in {} `{}`", s("in"), s("name")),
        "http" => format!("HTTP {}", s("scheme").to_ascii_lowercase()),
        "oauth2" => "OAuth2".to_string(),
        "openIdConnect" => "OpenID Connect".to_string(),
        other => format!("`{other}`"),
    };
    (shape, text)
}

/// A security scheme without its documentation (scope descriptions included).
fn strip_docs(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, child) in map {
                if k == "description" || (k.starts_with("x-") && k != "x-oagen-auth-prefix") {
                    continue;
                }
                if k == "scopes" {
                    // Scope descriptions are documentation; the names matter.
                    let names: Vec<Value> = child
                        .as_object()
                        .map(|m| m.keys().map(|s| Value::String(s.clone())).collect())
                        .unwrap_or_default();
                    out.insert(k.clone(), Value::Array(names));
                    continue;
                }
                out.insert(k.clone(), strip_docs(child));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}

/// JSON text with object keys and array elements sorted.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, String> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            let parts: Vec<String> = sorted
                .iter()
                .map(|(k, v)| format!("{}:{v}", Value::String((*k).clone())))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => {
            let mut parts: Vec<String> = items.iter().map(canonical).collect();
            parts.sort();
            format!("[{}]", parts.join(","))
        }
        other => other.to_string(),
    }
}

/// How many `$ref`s deep [`resolved`] goes (each level is a stack frame); deeper ones stay
/// references.
const MAX_NESTED_REFS: usize = 32;

/// A value with local `$ref`s replaced by what they point to (a reference met again inside
/// itself stays a reference) and documentation (`description`, `title`, examples, `x-`
/// extensions) left out. Each reference is resolved once (`memo`), so shared schemas cost
/// their size, not the number of paths that reach them.
fn resolved(
    doc: &Value,
    v: &Value,
    stack: &mut Vec<String>,
    memo: &mut BTreeMap<String, Value>,
) -> Value {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if stack.contains(r) || stack.len() > MAX_NESTED_REFS {
                    return Value::String(format!("$ref:{r}"));
                }
                let Some(target) = pointer::local(r).and_then(|p| pointer::get(doc, &p)) else {
                    return Value::String(format!("$ref:{r}"));
                };
                if let Some(done) = memo.get(r) {
                    return done.clone();
                }
                stack.push(r.clone());
                let out = resolved(doc, target, stack, memo);
                stack.pop();
                memo.insert(r.clone(), out.clone());
                return out;
            }
            let mut out = serde_json::Map::new();
            for (k, child) in map {
                if matches!(
                    k.as_str(),
                    "description" | "title" | "example" | "examples" | "externalDocs" | "summary"
                ) || k.starts_with("x-")
                {
                    continue;
                }
                let child = match (k.as_str(), child) {
                    // Property names are data, not documentation keys.
                    ("properties", Value::Object(props)) => Value::Object(
                        props
                            .iter()
                            .map(|(name, p)| (name.clone(), resolved(doc, p, stack, memo)))
                            .collect(),
                    ),
                    _ => resolved(doc, child, stack, memo),
                };
                out.insert(k.clone(), child);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| resolved(doc, i, stack, memo))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "security": [{"Key": []}],
            "paths": {"/pets/{id}": {
                "get": {
                    "responses": {
                        "200": {"$ref": "#/components/responses/Pet"},
                        "404": {"description": "no", "content": {"text/plain; charset=utf-8": {}}},
                        "5XX": {"description": "bad", "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "s"}}},
                        "default": {"description": "other"}
                    }
                }
            }},
            "components": {
                "securitySchemes": {"Key": {"type": "apiKey", "in": "header", "name": "X-Key", "description": "d"}},
                "responses": {"Pet": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Pet"}
                }}}},
                "schemas": {
                    "Pet": {"allOf": [
                        {"$ref": "#/components/schemas/Named"},
                        {"properties": {"age": {}}}
                    ]},
                    "Named": {"properties": {"a/b": {}}}
                }
            }
        })
    }

    const OP: &str = "/paths/~1pets~1{id}/get";

    #[test]
    fn responses_as_written_with_error_shapes_and_headers() {
        let f = operation(&doc(), OP);
        let statuses: Vec<&str> = f.responses.iter().map(|r| r.status.as_str()).collect();
        assert_eq!(statuses, ["200", "404", "5XX", "default"]);
        assert_eq!(f.responses[0].media_types, ["application/json"]);
        assert_eq!(f.responses[0].error_shape, "", "a success body is the IR's");
        assert_eq!(f.responses[1].media_types, ["text/plain; charset=utf-8"]);
        assert_eq!(
            f.responses[1].error_shape,
            r#"{"text/plain; charset=utf-8":{}}"#
        );
        // `default` beside a success status is an error response.
        assert_eq!(f.responses[3].error_shape, "null");
        assert_eq!(f.responses[2].headers[0].name, "Retry-After");
        assert_eq!(
            f.responses[2].headers[0].shape,
            r#"{"schema":{"type":"integer"}}"#
        );
        // The document's requirement, the scheme without its description.
        assert_eq!(f.security.len(), 1);
        assert_eq!(f.security[0][0].text, "API key in header `X-Key`");
        assert!(!f.security[0][0].shape.contains("\"d\""));
    }

    #[test]
    fn properties_are_found_through_all_of_and_refs() {
        let d = doc();
        let pet = "/components/schemas/Pet";
        assert_eq!(
            prop_pointer(&d, pet, "a/b"),
            "/components/schemas/Named/properties/a~1b"
        );
        assert_eq!(
            prop_pointer(&d, pet, "age"),
            format!("{pet}/allOf/1/properties/age")
        );
        // Not declared anywhere: where it would be.
        assert_eq!(
            prop_pointer(&d, pet, "zzz"),
            format!("{pet}/properties/zzz")
        );
    }
}
