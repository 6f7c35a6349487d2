//! OpenAPI 3.2: what the 3.0 model cannot hold is read here, on the bundled document.
//!
//! 3.2's schemas are 3.1's, so a 3.2 document then goes through the 3.1 rules ([`super::v31`]).
//! [`normalize`] runs after reference resolution and before the repairs:
//!
//! - **`additionalOperations`** (a map from an HTTP method, as sent, to an operation): a key
//!   that is not an HTTP method token (RFC 9110 `tchar`s) is left out with an
//!   `invalid-method` warning; a key naming a method that has its own field (`GET`, `query`,
//!   ...) is read as that field when it is free, and left out otherwise (`invalid-method`).
//!   The `query` field and the entries of `additionalOperations` are deserialized on their own
//!   by [`extra_operations`] into [`ExtraOperation`]s.
//! - **`in: querystring`**: the parameter takes the whole query string. For the 3.0 model it is
//!   read as an `in: query` parameter marked with [`QUERYSTRING_MARK`] (an extension the
//!   model keeps); [`restore`] writes `in: querystring` back into the document
//!   once the model is built, so [`super::LoadedSpec::document`] shows it as written. One
//!   without `content` is read as `content: {application/x-www-form-urlencoded: {schema}}`
//!   (its `schema`, else a string), with an `invalid-querystring` warning.
//! - **`in: cookie` with `style: cookie`** (new in 3.2): read as the default `form` style,
//!   which sends the same `name=value` for the scalar values cookies hold.
//! - **Responses** may leave out `description` in 3.2: the response `summary` stands in, else
//!   an empty one (no warning). The `summary` of a response is otherwise not rendered.
//! - **Examples**: `dataValue` is read as `value` when there is none; `serializedValue` is
//!   ignored (oagen renders no examples of serialized forms).
//! - **Media types**: `prefixEncoding` and `itemEncoding` (positional multipart encoding) are
//!   not rendered: an `unsupported-3.2-feature` warning, and parts are sent by name as
//!   before. `components.mediaTypes` is dropped once references to it have been inlined.
//! - **`jsonSchemaDialect`** other than the OpenAPI dialects: an `unsupported-3.2-feature`
//!   warning (schemas are read with the OpenAPI dialect anyway).
//! - **`defaultMapping`** of a discriminator: carried into the model as the
//!   [`DEFAULT_MAPPING_MARK`] extension of the discriminator (removed from the document by
//!   [`restore`]); the IR decodes a value whose tag matches no mapping as that schema.
//! - **Tags**: `summary`, `parent` and `kind` are read by the IR from the document. A `parent`
//!   naming no tag, or a chain of parents that loops, gets an `invalid-tag-parent` warning and
//!   the `parent` is left out.
//! - **`$self`** is the base URI of the document's references: see `refs/base.rs`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::pointer::{self, get, get_mut};
use super::walk::{visit, Kind};
use super::SourceMap;
use crate::diag::{Diagnostic, Diagnostics};

/// The extension that marks an `in: querystring` parameter in the 3.0 model (read as
/// `in: query`). Never in [`super::LoadedSpec::document`].
pub const QUERYSTRING_MARK: &str = "x-oagen-querystring";

/// The extension that carries a discriminator's `defaultMapping` in the 3.0 model (whose
/// discriminator has no such field). Never in [`super::LoadedSpec::document`].
pub const DEFAULT_MAPPING_MARK: &str = "x-oagen-default-mapping";

/// Path item fields that hold one operation, with the method each sends.
pub(crate) const FIXED_METHODS: [(&str, &str); 9] = [
    ("get", "GET"),
    ("put", "PUT"),
    ("post", "POST"),
    ("delete", "DELETE"),
    ("options", "OPTIONS"),
    ("head", "HEAD"),
    ("patch", "PATCH"),
    ("trace", "TRACE"),
    ("query", "QUERY"),
];

/// An operation the 3.0 model has no field for: a path item's `query` operation or an entry
/// of its `additionalOperations` (OpenAPI 3.2).
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraOperation {
    /// The path template (the key under `paths`).
    pub path: String,
    /// The HTTP method as it is sent (`QUERY`, `LINK`, `PURGE`, ...).
    pub method: String,
    /// Where the operation is in [`super::LoadedSpec::document`]
    /// (`/paths/~1a/query`, `/paths/~1a/additionalOperations/LINK`).
    pub pointer: String,
    /// The operation.
    pub operation: openapiv3::Operation,
}

/// The operations of a path item, as pointer tokens below it: the method fields
/// (`get`, ..., `query`) and `additionalOperations/<method>`, in document order.
pub(crate) fn operation_tokens(item: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in item {
        if FIXED_METHODS.iter().any(|(f, _)| f == key) {
            out.push(pointer::escape(key).into_owned());
        } else if key == "additionalOperations" {
            for method in value.as_object().into_iter().flat_map(|m| m.keys()) {
                if !method.starts_with("x-") {
                    out.push(format!("additionalOperations/{}", pointer::escape(method)));
                }
            }
        }
    }
    out
}

/// Whether `s` is an HTTP method token (RFC 9110: one or more `tchar`s).
pub(crate) fn is_method_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// Whether `version` (the `openapi` field as read) is 3.2 or later.
pub(crate) fn is_32(version: &str) -> bool {
    let mut parts = version.split('.');
    parts.next() == Some("3")
        && parts
            .next()
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|m| m >= 2)
}

fn warn(
    sources: &SourceMap,
    diags: &mut Diagnostics,
    code: &'static str,
    ptr: &str,
    msg: String,
    help: &str,
) {
    diags.push(
        Diagnostic::warning(code, msg)
            .at(sources.locate(ptr))
            .with_help(help.to_string()),
    );
}

/// The rules of the module docs, on a 3.2 document.
pub(crate) fn normalize(doc: &mut Value, sources: &SourceMap, diags: &mut Diagnostics) {
    additional_operations(doc, sources, diags);
    document_rules(doc, sources, diags);
    let mut nodes: Vec<(String, Kind)> = Vec::new();
    visit(doc, "", Kind::Document, false, |ptr, kind, _, v| {
        let interesting = match kind {
            Kind::Parameter => matches!(
                v.get("in").and_then(Value::as_str),
                Some("querystring" | "cookie")
            ),
            Kind::Response => v.get("description").is_none() && v.get("$ref").is_none(),
            Kind::Example => v.get("dataValue").is_some(),
            Kind::MediaType => v.get("prefixEncoding").is_some() || v.get("itemEncoding").is_some(),
            Kind::Schema => v
                .get("discriminator")
                .is_some_and(|d| d.get("defaultMapping").is_some()),
            _ => false,
        };
        if interesting {
            nodes.push((ptr.to_string(), kind));
        }
    });
    for (ptr, kind) in nodes {
        let Some(obj) = get_mut(doc, &ptr).and_then(Value::as_object_mut) else {
            continue;
        };
        match kind {
            Kind::Parameter => parameter(obj, &ptr, sources, diags),
            Kind::Response => {
                let text = obj
                    .get("summary")
                    .filter(|s| s.is_string())
                    .cloned()
                    .unwrap_or_else(|| Value::String(String::new()));
                obj.insert("description".into(), text);
            }
            Kind::Schema => {
                let Some(d) = obj.get_mut("discriminator").and_then(Value::as_object_mut) else {
                    continue;
                };
                if let Some(target) = d.get("defaultMapping").cloned() {
                    d.insert(DEFAULT_MAPPING_MARK.into(), target);
                }
            }
            Kind::Example => {
                if let Some(v) = obj.shift_remove("dataValue") {
                    obj.entry("value").or_insert(v);
                }
            }
            Kind::MediaType => {
                for key in ["prefixEncoding", "itemEncoding"] {
                    if obj.shift_remove(key).is_some() {
                        warn(
                            sources,
                            diags,
                            "unsupported-3.2-feature",
                            &pointer::join(&ptr, key),
                            format!("`{key}` (multipart encoding by position) is not supported"),
                            "ignored: parts are sent by property name, with their default content types",
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// `additionalOperations`: checked keys; methods with their own field moved there.
fn additional_operations(doc: &mut Value, sources: &SourceMap, diags: &mut Diagnostics) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let present: Vec<&str> = FIXED_METHODS
            .iter()
            .map(|(field, _)| *field)
            .filter(|f| item.contains_key(*f))
            .collect();
        let Some(extra) = item.get_mut("additionalOperations") else {
            continue;
        };
        let item_ptr = pointer::join("/paths", path);
        let extra_ptr = pointer::join(&item_ptr, "additionalOperations");
        let Some(map) = extra.as_object_mut() else {
            warn(
                sources,
                diags,
                "invalid-method",
                &extra_ptr,
                "`additionalOperations` must be a map from HTTP methods to operations".into(),
                "repaired: it is left out",
            );
            item.shift_remove("additionalOperations");
            continue;
        };
        let entries = std::mem::take(map);
        let mut kept = Map::new();
        let mut moved: Vec<(String, Value)> = Vec::new();
        for (method, op) in entries {
            let ptr = pointer::join(&extra_ptr, &method);
            if method.starts_with("x-") {
                kept.insert(method, op);
                continue;
            }
            if !is_method_token(&method) {
                warn(
                    sources,
                    diags,
                    "invalid-method",
                    &ptr,
                    format!("`{method}` is not an HTTP method (a method is a token: letters, digits and `!#$%&'*+-.^_`|~`)"),
                    "repaired: the operation is left out",
                );
                continue;
            }
            let fixed = FIXED_METHODS
                .iter()
                .find(|(_, m)| m.eq_ignore_ascii_case(&method))
                .map(|(field, _)| *field);
            match fixed {
                Some(field)
                    if !present.contains(&field) && !moved.iter().any(|(f, _)| f == field) =>
                {
                    warn(
                        sources,
                        diags,
                        "invalid-method",
                        &ptr,
                        format!("`{method}` has its own field `{field}`; `additionalOperations` must not list it"),
                        &format!("repaired: read as `{field}`"),
                    );
                    moved.push((field.to_string(), op));
                }
                Some(field) => warn(
                    sources,
                    diags,
                    "invalid-method",
                    &ptr,
                    format!("`{method}` has its own field `{field}`, which is already defined"),
                    "repaired: the operation is left out",
                ),
                None => {
                    kept.insert(method, op);
                }
            }
        }
        *map = kept;
        for (field, op) in moved {
            item.insert(field, op);
        }
    }
}

fn document_rules(doc: &mut Value, sources: &SourceMap, diags: &mut Diagnostics) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    if let Some(dialect) = root.get("jsonSchemaDialect").and_then(Value::as_str) {
        if !dialect.starts_with("https://spec.openapis.org/oas/") {
            warn(
                sources,
                diags,
                "unsupported-3.2-feature",
                "/jsonSchemaDialect",
                format!("the JSON Schema dialect `{dialect}` is not supported"),
                "schemas are read with the OpenAPI dialect",
            );
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        components.shift_remove("mediaTypes");
    }
    tag_parents(root, sources, diags);
}

/// A `parent` must name a tag, and parents must not loop.
fn tag_parents(root: &mut Map<String, Value>, sources: &SourceMap, diags: &mut Diagnostics) {
    let Some(tags) = root.get_mut("tags").and_then(Value::as_array_mut) else {
        return;
    };
    let parent_of: BTreeMap<String, String> = tags
        .iter()
        .filter_map(|t| {
            let name = t.get("name")?.as_str()?;
            let parent = t.get("parent")?.as_str()?;
            Some((name.to_string(), parent.to_string()))
        })
        .collect();
    let names: Vec<String> = tags
        .iter()
        .filter_map(|t| t.get("name").and_then(Value::as_str).map(String::from))
        .collect();
    for (i, tag) in tags.iter_mut().enumerate() {
        let Some(obj) = tag.as_object_mut() else {
            continue;
        };
        let Some(parent) = obj.get("parent") else {
            continue;
        };
        let ptr = format!("/tags/{i}/parent");
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let problem = match parent.as_str() {
            None => Some("`parent` must be the name of a tag".to_string()),
            Some(p) if !names.iter().any(|n| n == p) => Some(format!(
                "the parent `{p}` of tag `{name}` is not a tag of the document"
            )),
            Some(_) => {
                // Follow the chain: a loop comes back to `name`.
                let mut seen = vec![name.clone()];
                let mut cur = parent_of.get(&name);
                let mut looped = false;
                while let Some(p) = cur {
                    if seen.contains(p) {
                        looped = true;
                        break;
                    }
                    seen.push(p.clone());
                    cur = parent_of.get(p);
                }
                looped.then(|| format!("the parents of tag `{name}` loop: {}", seen.join(" → ")))
            }
        };
        if let Some(message) = problem {
            obj.shift_remove("parent");
            warn(
                sources,
                diags,
                "invalid-tag-parent",
                &ptr,
                message,
                "repaired: the `parent` is left out",
            );
        }
    }
}

/// `in: querystring` and `style: cookie` (see the module docs).
fn parameter(
    obj: &mut Map<String, Value>,
    ptr: &str,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) {
    let cookie_style = obj.get("style").and_then(Value::as_str) == Some("cookie");
    match obj.get("in").and_then(Value::as_str) {
        Some("cookie") if cookie_style => {
            obj.shift_remove("style");
        }
        Some("querystring") => {
            let name = obj
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let has_content = obj
                .get("content")
                .and_then(Value::as_object)
                .is_some_and(|m| !m.is_empty());
            if !has_content {
                let schema = obj
                    .shift_remove("schema")
                    .unwrap_or_else(|| serde_json::json!({"type": "string"}));
                let (media, repair) =
                    if schema.get("type").and_then(Value::as_str) == Some("string") {
                        (
                        "text/plain",
                        "read as `content: {text/plain: {schema}}`: the string is the query string",
                    )
                    } else {
                        (
                            "application/x-www-form-urlencoded",
                            "read as `content: {application/x-www-form-urlencoded: {schema}}`",
                        )
                    };
                obj.insert(
                    "content".into(),
                    serde_json::json!({ media: {"schema": schema} }),
                );
                warn(
                    sources,
                    diags,
                    "invalid-querystring",
                    ptr,
                    format!("`in: querystring` parameter `{name}` must describe its value with `content`"),
                    &format!("repaired: {repair}"),
                );
            }
            for key in ["style", "explode", "allowReserved"] {
                obj.shift_remove(key);
            }
            obj.insert("in".into(), Value::String("query".into()));
            obj.insert(QUERYSTRING_MARK.into(), Value::Bool(true));
        }
        _ => {}
    }
}

/// Once the model has been built: writes `in: querystring` back where [`normalize`] marked a
/// parameter, and removes the marks ([`QUERYSTRING_MARK`], [`DEFAULT_MAPPING_MARK`]).
pub(crate) fn restore(doc: &mut Value) {
    let mut marked: Vec<(String, Kind)> = Vec::new();
    visit(doc, "", Kind::Document, false, |ptr, kind, _, v| {
        let hit = match kind {
            Kind::Parameter => v.get(QUERYSTRING_MARK).is_some(),
            Kind::Schema => v
                .get("discriminator")
                .is_some_and(|d| d.get(DEFAULT_MAPPING_MARK).is_some()),
            _ => false,
        };
        if hit {
            marked.push((ptr.to_string(), kind));
        }
    });
    for (ptr, kind) in marked {
        let Some(obj) = get_mut(doc, &ptr).and_then(Value::as_object_mut) else {
            continue;
        };
        if kind == Kind::Parameter {
            obj.shift_remove(QUERYSTRING_MARK);
            obj.insert("in".into(), Value::String("querystring".into()));
        } else if let Some(d) = obj.get_mut("discriminator").and_then(Value::as_object_mut) {
            d.shift_remove(DEFAULT_MAPPING_MARK);
        }
    }
}

/// The `query` operation and the `additionalOperations` of every path item, in document
/// order (a path's in the order of its fields). A 3.0/3.1 document has none (the fields are
/// new in 3.2): they are ignored there with an `unsupported-version-feature` warning.
pub(crate) fn extra_operations(
    doc: &Value,
    is_32: bool,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Vec<ExtraOperation> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let item_ptr = pointer::join("/paths", path);
        let mut found: Vec<(String, String)> = Vec::new();
        for (key, value) in item {
            match key.as_str() {
                "query" => found.push(("QUERY".into(), pointer::join(&item_ptr, "query"))),
                "additionalOperations" => {
                    let base = pointer::join(&item_ptr, "additionalOperations");
                    for method in value.as_object().into_iter().flatten().map(|(k, _)| k) {
                        if !method.starts_with("x-") {
                            found.push((method.clone(), pointer::join(&base, method)));
                        }
                    }
                }
                _ => {}
            }
        }
        for (method, ptr) in found {
            if !is_32 {
                warn(
                    sources,
                    diags,
                    "unsupported-version-feature",
                    &ptr,
                    format!("`{method}` operations are new in OpenAPI 3.2; this document is an earlier version"),
                    "ignored: write `openapi: 3.2.0` to have it generated",
                );
                continue;
            }
            let Some(value) = get(doc, &ptr) else {
                continue;
            };
            match super::try_deserialize::<openapiv3::Operation>(value) {
                Ok(operation) => out.push(ExtraOperation {
                    path: path.clone(),
                    method,
                    pointer: ptr,
                    operation,
                }),
                Err((sub, msg)) => diags.push(
                    Diagnostic::error(
                        "invalid-spec",
                        format!("not a valid OpenAPI document: {msg}"),
                    )
                    .at(sources.locate(&format!("{ptr}{sub}"))),
                ),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(mut doc: Value) -> (Value, Vec<String>) {
        let mut diags = Diagnostics::new();
        normalize(&mut doc, &SourceMap::default(), &mut diags);
        (doc, diags.iter().map(|d| d.code.to_string()).collect())
    }

    #[test]
    fn method_tokens() {
        assert!(is_method_token("LINK"));
        assert!(is_method_token("M-SEARCH"));
        assert!(!is_method_token(""));
        assert!(!is_method_token("BAD METHOD"));
        assert!(!is_method_token("GET/2"));
        assert!(!is_method_token("ÜBER"));
    }

    #[test]
    fn versions() {
        assert!(is_32("3.2.0"));
        assert!(is_32("3.3.1"));
        assert!(!is_32("3.1.0"));
        assert!(!is_32("3.0.3"));
    }

    #[test]
    fn additional_operations_are_checked() {
        let op = json!({"responses": {"204": {"description": "x"}}});
        let (doc, codes) = run(json!({"paths": {"/a": {
            "get": op.clone(),
            "additionalOperations": {"LINK": op.clone(), "BAD METHOD": op.clone(), "GET": op.clone(), "Query": op.clone()}
        }}}));
        let item = &doc["paths"]["/a"];
        let extra: Vec<&String> = item["additionalOperations"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(extra, ["LINK"]);
        assert!(item.get("query").is_some(), "{item}");
        assert_eq!(codes, ["invalid-method"; 3]);
    }

    #[test]
    fn querystring_round_trip() {
        let param = json!({"name": "q", "in": "querystring", "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}}});
        let (mut doc, codes) =
            run(json!({"paths": {"/a": {"get": {"parameters": [param.clone()]}}}}));
        assert!(codes.is_empty(), "{codes:?}");
        let p = &doc["paths"]["/a"]["get"]["parameters"][0];
        assert_eq!(p["in"], "query");
        assert_eq!(p[QUERYSTRING_MARK], true);
        restore(&mut doc);
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"][0], param);
    }

    #[test]
    fn querystring_without_content() {
        let (doc, codes) = run(json!({"paths": {"/a": {"get": {"parameters": [
            {"name": "q", "in": "querystring", "schema": {"type": "object"}},
            {"name": "r", "in": "querystring"}
        ]}}}}));
        assert_eq!(codes, ["invalid-querystring"; 2]);
        let ps = &doc["paths"]["/a"]["get"]["parameters"];
        assert_eq!(
            ps[0]["content"],
            json!({"application/x-www-form-urlencoded": {"schema": {"type": "object"}}})
        );
        assert_eq!(
            ps[1]["content"],
            json!({"text/plain": {"schema": {"type": "string"}}})
        );
    }

    #[test]
    fn tag_parents_must_exist_and_not_loop() {
        let (doc, codes) = run(json!({"tags": [
            {"name": "a", "parent": "b"},
            {"name": "b", "parent": "a"},
            {"name": "c", "parent": "nope"},
            {"name": "d", "parent": "c"}
        ]}));
        assert_eq!(codes, ["invalid-tag-parent"; 3]);
        assert_eq!(doc["tags"][3]["parent"], "c");
        for i in 0..3 {
            assert!(doc["tags"][i].get("parent").is_none());
        }
    }

    #[test]
    fn responses_examples_encodings() {
        let (doc, codes) = run(json!({"paths": {"/a": {"post": {
            "requestBody": {"content": {"multipart/mixed": {"itemEncoding": {"contentType": "image/png"}}}},
            "responses": {"200": {"summary": "OK", "content": {"application/json": {"examples": {"e": {"dataValue": 1}}}}}}
        }}}}));
        assert_eq!(codes, ["unsupported-3.2-feature"]);
        let r = &doc["paths"]["/a"]["post"]["responses"]["200"];
        assert_eq!(r["description"], "OK");
        assert_eq!(
            r["content"]["application/json"]["examples"]["e"],
            json!({"value": 1})
        );
    }
}
