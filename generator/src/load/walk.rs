//! A structural walk over an OpenAPI document: visits every node whose
//! meaning is known (path items, operations, parameters, schemas, ...) with
//! that meaning, so reference handling and 3.1 normalization know what kind
//! of object each `$ref` or schema is. Free-form data (examples, defaults,
//! enums, extensions) is not entered. `webhooks` are path items, walked like `paths`.
//!
//! The walk keeps its own stack (no recursion), so nesting depth cannot
//! exhaust the thread's stack.

use serde_json::Value;

use super::pointer::{get, push_token};

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
        (K::Document, "webhooks") => MapNoExt(K::PathItem),
        (K::PathItem, m) if METHODS.contains(&m) => One(K::Operation),
        // OpenAPI 3.2: the `QUERY` method and the map of any other methods.
        (K::PathItem, "query") => One(K::Operation),
        (K::PathItem, "additionalOperations") => Map(K::Operation),
        (K::PathItem | K::Operation, "parameters") => Array(K::Parameter),
        (K::Operation, "requestBody") => One(K::RequestBody),
        (K::Operation, "responses") => MapNoExt(K::Response),
        (K::Operation, "callbacks") => Map(K::Callback),
        (K::Parameter | K::Header, "schema") => One(K::Schema),
        (K::Parameter | K::Header | K::RequestBody | K::Response, "content") => Map(K::MediaType),
        (K::Parameter | K::Header | K::MediaType, "examples") => Map(K::Example),
        (K::Response | K::Encoding, "headers") => Map(K::Header),
        (K::Response, "links") => Map(K::Link),
        (K::MediaType, "schema" | "itemSchema") => One(K::Schema),
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
        (K::Components, "mediaTypes") => Map(K::MediaType),
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
        Kind::Document => key == "webhooks",
        Kind::Components => matches!(key, "pathItems" | "mediaTypes"),
        // 3.2 operations the 3.0 model has no field for (see `v32::extra_operations`).
        Kind::PathItem => matches!(key, "query" | "additionalOperations"),
        Kind::Schema => !matches!(
            key,
            "properties" | "items" | "additionalProperties" | "allOf" | "oneOf" | "anyOf" | "not"
        ),
        _ => false,
    }
}

fn walk_impl(doc: &Value, start: &str, kind: Kind, model_only: bool) -> Vec<Node> {
    let mut out = Vec::new();
    visit(doc, start, kind, model_only, |ptr, kind, bool_ok, _| {
        out.push(Node {
            ptr: ptr.to_string(),
            kind,
            bool_ok,
        });
    });
    out
}

/// The reference tokens a visited node adds to its parent's pointer.
#[derive(Clone, Copy)]
enum Tok<'a> {
    /// The starting node: its pointer is the one given.
    Start,
    Key(&'a str),
    KeyKey(&'a str, &'a str),
    KeyIndex(&'a str, usize),
}

fn push_index(ptr: &mut String, i: usize) {
    use std::fmt::Write;
    ptr.push('/');
    let _ = write!(ptr, "{i}");
}

/// The walk behind [`walk`] and [`walk_model`]: calls `f(pointer, kind,
/// bool_ok, value)` for each node in the same order, building each pointer
/// in one reused buffer instead of a string per node.
pub(crate) fn visit<'a>(
    doc: &'a Value,
    start: &str,
    kind: Kind,
    model_only: bool,
    mut f: impl FnMut(&str, Kind, bool, &'a Value),
) {
    let Some(root) = get(doc, start) else {
        return;
    };
    // (length of the parent's pointer, tokens below it, node, kind, bool_ok)
    type Entry<'a> = (usize, Tok<'a>, &'a Value, Kind, bool);
    let mut stack: Vec<Entry<'a>> = vec![(0, Tok::Start, root, kind, false)];
    let mut ptr = String::with_capacity(256);
    while let Some((parent_len, tok, value, kind, bool_ok)) = stack.pop() {
        // Pre-order: the buffer holds a descendant of this node's parent (or
        // the parent itself), so cutting it back yields the parent.
        ptr.truncate(parent_len);
        match tok {
            Tok::Start => ptr.push_str(start),
            Tok::Key(k) => push_token(&mut ptr, k),
            Tok::KeyKey(k, n) => {
                push_token(&mut ptr, k);
                push_token(&mut ptr, n);
            }
            Tok::KeyIndex(k, i) => {
                push_token(&mut ptr, k);
                push_index(&mut ptr, i);
            }
        }
        f(&ptr, kind, bool_ok, value);
        let Some(obj) = value.as_object() else {
            continue;
        };
        let is_ref = obj.get("$ref").is_some_and(Value::is_string);
        if is_ref && kind != Kind::Schema {
            continue;
        }
        let here = ptr.len();
        let first_kid = stack.len();
        for (key, child) in obj {
            let entry = match kind {
                Kind::Paths if !key.starts_with("x-") => Some(Child::One(Kind::PathItem)),
                Kind::Callback if !key.starts_with("x-") => Some(Child::One(Kind::PathItem)),
                Kind::Paths | Kind::Callback => None,
                _ if model_only && model_ignores(kind, key) => None,
                _ => children(kind, key),
            };
            let Some(entry) = entry else { continue };
            match entry {
                Child::One(k) => stack.push((here, Tok::Key(key), child, k, false)),
                Child::OneOrBool(k) => stack.push((here, Tok::Key(key), child, k, true)),
                Child::OneOrArray(k) => match child {
                    Value::Array(_) if model_only => {}
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            stack.push((here, Tok::KeyIndex(key, i), item, k, false));
                        }
                    }
                    other => stack.push((here, Tok::Key(key), other, k, false)),
                },
                Child::Map(k) | Child::MapNoExt(k) => {
                    let skip_ext = matches!(entry, Child::MapNoExt(_));
                    if let Some(map) = child.as_object() {
                        for (name, item) in map {
                            if skip_ext && name.starts_with("x-") {
                                continue;
                            }
                            stack.push((here, Tok::KeyKey(key, name), item, k, false));
                        }
                    }
                }
                Child::Array(k) => {
                    if let Some(items) = child.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            stack.push((here, Tok::KeyIndex(key, i), item, k, false));
                        }
                    }
                }
            }
        }
        // Children are visited in document order.
        stack[first_kid..].reverse();
    }
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
            "webhooks": {"w": {"$ref": "#/components/pathItems/W"}, "x-ext": {}}
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
            // A webhook is a path item; a reference is visited, not entered.
            ("/webhooks/w", Kind::PathItem),
        ];
        let expect: Vec<(String, Kind)> = expect
            .into_iter()
            .map(|(p, k)| (p.to_string(), k))
            .collect();
        assert_eq!(nodes, expect);
    }

    #[test]
    fn visit_pointers_round_trip() {
        let doc = json!({
            "paths": {"/a~b/{c}": {"get": {"parameters": [{"schema": {"items": [{"type": "string"}]}}]}}},
            "components": {"schemas": {"S/T": {"properties": {"~": {"allOf": [{"$ref": "#/x"}]}}}}}
        });
        let mut seen = 0;
        visit(&doc, "", Kind::Document, false, |ptr, _, _, v| {
            seen += 1;
            assert!(
                std::ptr::eq(get(&doc, ptr).unwrap_or(&Value::Null), v),
                "{ptr}"
            );
        });
        assert_eq!(seen, walk(&doc, "", Kind::Document).len());
        assert_eq!(seen, 11);
    }
}
