//! A structural walk over an OpenAPI document: visits every node whose
//! meaning is known (path items, operations, parameters, schemas, ...) with
//! that meaning, so reference handling and 3.1 normalization know what kind
//! of object each `$ref` or schema is. Free-form data (examples, defaults,
//! enums, extensions, `webhooks`) is not entered.
//!
//! The walk keeps its own stack (no recursion), so nesting depth cannot
//! exhaust the thread's stack.

use serde_json::Value;

use super::pointer_escape;

/// What an OpenAPI node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Document,
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Encoding,
    Schema,
    Example,
    Link,
    Callback,
    SecurityScheme,
    Components,
}

impl Kind {
    /// The `components` section where objects of this kind are kept, or
    /// `None` for kinds that have none in OpenAPI 3.0 (path items, ...):
    /// references to those are inlined instead.
    pub(crate) fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            Kind::SecurityScheme => "securitySchemes",
            _ => return None,
        })
    }

    /// A human word for messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Kind::Document => "document",
            Kind::Paths => "paths object",
            Kind::PathItem => "path item",
            Kind::Operation => "operation",
            Kind::Parameter => "parameter",
            Kind::RequestBody => "request body",
            Kind::Response => "response",
            Kind::Header => "header",
            Kind::MediaType => "media type",
            Kind::Encoding => "encoding",
            Kind::Schema => "schema",
            Kind::Example => "example",
            Kind::Link => "link",
            Kind::Callback => "callback",
            Kind::SecurityScheme => "security scheme",
            Kind::Components => "components object",
        }
    }
}

/// A visited node: its pointer (relative to the document the walk ran on),
/// its kind, and whether a boolean is acceptable in its place
/// (`additionalProperties`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    pub ptr: String,
    pub kind: Kind,
    pub bool_ok: bool,
}

enum Child {
    One(Kind),
    /// `additionalProperties`: a schema or a boolean.
    OneOrBool(Kind),
    Map(Kind),
    /// A map whose `x-` keys are extensions, not entries.
    MapNoExt(Kind),
    Array(Kind),
    /// A schema, or an array of schemas (old-style tuple `items`).
    OneOrArray(Kind),
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn children(kind: Kind, key: &str) -> Option<Child> {
    use Child::*;
    use Kind as K;
    Some(match (kind, key) {
        (K::Document, "paths") => One(K::Paths),
        (K::Document, "components") => One(K::Components),
        (K::PathItem, m) if METHODS.contains(&m) => One(K::Operation),
        (K::PathItem | K::Operation, "parameters") => Array(K::Parameter),
        (K::Operation, "requestBody") => One(K::RequestBody),
        (K::Operation, "responses") => MapNoExt(K::Response),
        (K::Operation, "callbacks") => Map(K::Callback),
        (K::Parameter | K::Header, "schema") => One(K::Schema),
        (K::Parameter | K::Header | K::RequestBody | K::Response, "content") => Map(K::MediaType),
        (K::Parameter | K::Header | K::MediaType, "examples") => Map(K::Example),
        (K::Response | K::Encoding, "headers") => Map(K::Header),
        (K::Response, "links") => Map(K::Link),
        (K::MediaType, "schema") => One(K::Schema),
        (K::MediaType, "encoding") => Map(K::Encoding),
        (K::Components, "schemas") => Map(K::Schema),
        (K::Components, "responses") => Map(K::Response),
        (K::Components, "parameters") => Map(K::Parameter),
        (K::Components, "examples") => Map(K::Example),
        (K::Components, "requestBodies") => Map(K::RequestBody),
        (K::Components, "headers") => Map(K::Header),
        (K::Components, "securitySchemes") => Map(K::SecurityScheme),
        (K::Components, "links") => Map(K::Link),
        (K::Components, "callbacks") => Map(K::Callback),
        (K::Components, "pathItems") => Map(K::PathItem),
        (
            K::Schema,
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
        ) => Map(K::Schema),
        (K::Schema, "items") => OneOrArray(K::Schema),
        (K::Schema, "additionalProperties") => OneOrBool(K::Schema),
        (K::Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => Array(K::Schema),
        (
            K::Schema,
            "not"
            | "contains"
            | "propertyNames"
            | "if"
            | "then"
            | "else"
            | "additionalItems"
            | "unevaluatedItems"
            | "unevaluatedProperties"
            | "contentSchema",
        ) => One(K::Schema),
        _ => return None,
    })
}

/// Whether `v` is a reference object (an object with a string `$ref`).
pub(crate) fn ref_of(v: &Value) -> Option<&str> {
    v.as_object()?.get("$ref")?.as_str()
}

/// Visits the node at `start` (kind `kind`) and everything structural below
/// it, in pre-order (a node before its descendants, children in document
/// order). Reference objects are visited but, except for schemas (whose
/// sibling keywords may hold subschemas), not entered. Returns nothing when
/// `start` does not exist.
pub(crate) fn walk(doc: &Value, start: &str, kind: Kind) -> Vec<Node> {
    walk_impl(doc, start, kind, false)
}

/// Like [`walk`] over the whole document, but only through the parts the
/// `openapiv3` model reads (no `$defs`, `prefixItems`, `if`/`then`,
/// `components/pathItems`, ...).
pub(crate) fn walk_model(doc: &Value) -> Vec<Node> {
    walk_impl(doc, "", Kind::Document, true)
}

/// Keys [`walk`] enters that the `openapiv3` model ignores.
fn model_ignores(kind: Kind, key: &str) -> bool {
    match kind {
        Kind::Components => key == "pathItems",
        Kind::Schema => !matches!(
            key,
            "properties" | "items" | "additionalProperties" | "allOf" | "oneOf" | "anyOf" | "not"
        ),
        _ => false,
    }
}

fn walk_impl(doc: &Value, start: &str, kind: Kind, model_only: bool) -> Vec<Node> {
    let mut out = Vec::new();
    let Some(root) = doc.pointer(start) else {
        return out;
    };
    let mut stack: Vec<(String, &Value, Kind, bool)> = vec![(start.to_string(), root, kind, false)];
    while let Some((ptr, value, kind, bool_ok)) = stack.pop() {
        let Some(obj) = value.as_object() else {
            out.push(Node { ptr, kind, bool_ok });
            continue;
        };
        let is_ref = obj.get("$ref").is_some_and(Value::is_string);
        let mut kids: Vec<(String, &Value, Kind, bool)> = Vec::new();
        if !is_ref || kind == Kind::Schema {
            for (key, child) in obj {
                let entry = match kind {
                    Kind::Paths if !key.starts_with("x-") => Some(Child::One(Kind::PathItem)),
                    Kind::Callback if !key.starts_with("x-") => Some(Child::One(Kind::PathItem)),
                    Kind::Paths | Kind::Callback => None,
                    _ if model_only && model_ignores(kind, key) => None,
                    _ => children(kind, key),
                };
                let Some(entry) = entry else { continue };
                let base = format!("{ptr}/{}", pointer_escape(key));
                match entry {
                    Child::One(k) => kids.push((base, child, k, false)),
                    Child::OneOrBool(k) => kids.push((base, child, k, true)),
                    Child::OneOrArray(k) => match child {
                        Value::Array(_) if model_only => {}
                        Value::Array(items) => {
                            for (i, item) in items.iter().enumerate() {
                                kids.push((format!("{base}/{i}"), item, k, false));
                            }
                        }
                        other => kids.push((base, other, k, false)),
                    },
                    Child::Map(k) | Child::MapNoExt(k) => {
                        let skip_ext = matches!(entry, Child::MapNoExt(_));
                        if let Some(map) = child.as_object() {
                            for (name, item) in map {
                                if skip_ext && name.starts_with("x-") {
                                    continue;
                                }
                                kids.push((
                                    format!("{base}/{}", pointer_escape(name)),
                                    item,
                                    k,
                                    false,
                                ));
                            }
                        }
                    }
                    Child::Array(k) => {
                        if let Some(items) = child.as_array() {
                            for (i, item) in items.iter().enumerate() {
                                kids.push((format!("{base}/{i}"), item, k, false));
                            }
                        }
                    }
                }
            }
        }
        out.push(Node { ptr, kind, bool_ok });
        stack.extend(kids.into_iter().rev());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_and_order() {
        let doc = json!({
            "openapi": "3.0.3",
            "paths": {
                "/a": {
                    "parameters": [{"$ref": "#/components/parameters/P"}],
                    "get": {
                        "responses": {
                            "200": {"content": {"application/json": {"schema": {
                                "type": "object",
                                "properties": {"x": {"type": "array", "items": {"$ref": "#/S", "description": "d"}}},
                                "example": {"$ref": "not a ref"}
                            }}}},
                            "x-ext": {"$ref": "ignored"}
                        }
                    }
                },
                "x-ext": {}
            },
            "components": {"schemas": {"S": {"additionalProperties": true}}},
            "webhooks": {"w": {"$ref": "ignored"}}
        });
        let nodes: Vec<(String, Kind)> = walk(&doc, "", Kind::Document)
            .into_iter()
            .map(|n| (n.ptr, n.kind))
            .collect();
        let expect = vec![
            ("", Kind::Document),
            ("/paths", Kind::Paths),
            ("/paths/~1a", Kind::PathItem),
            ("/paths/~1a/parameters/0", Kind::Parameter),
            ("/paths/~1a/get", Kind::Operation),
            ("/paths/~1a/get/responses/200", Kind::Response),
            (
                "/paths/~1a/get/responses/200/content/application~1json",
                Kind::MediaType,
            ),
            (
                "/paths/~1a/get/responses/200/content/application~1json/schema",
                Kind::Schema,
            ),
            (
                "/paths/~1a/get/responses/200/content/application~1json/schema/properties/x",
                Kind::Schema,
            ),
            (
                "/paths/~1a/get/responses/200/content/application~1json/schema/properties/x/items",
                Kind::Schema,
            ),
            ("/components", Kind::Components),
            ("/components/schemas/S", Kind::Schema),
            ("/components/schemas/S/additionalProperties", Kind::Schema),
        ];
        let expect: Vec<(String, Kind)> = expect
            .into_iter()
            .map(|(p, k)| (p.to_string(), k))
            .collect();
        assert_eq!(nodes, expect);
    }
}
