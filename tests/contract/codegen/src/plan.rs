//! The plan: a JSON value for every parameter and body of every operation, and the header
//! of an operation whose security differs from the client's.

use crate::fit::fit;
use crate::sample::Sampler;
use oagen::ir::{Api, BodyKind, Operation, PaginationStyle, ParamIn, TypeDef};
use oagen::pointer;
use serde_json::Value;
use std::collections::BTreeMap;

/// One planned call of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The `operationId`.
    pub id: String,
    /// Argument values, by parameter ident, in the operation's parameter order. Every required
    /// parameter has one; optional ones only when the spec gives or implies a value.
    pub params: Vec<(String, Value)>,
    /// The request body, when the operation has one (required or not).
    pub body: Option<Value>,
    /// A header replacing the client's credentials, when the operation's own `security`
    /// names another scheme than the client's (the generated client has one credential for
    /// all operations; callers of such an operation set the header themselves, as here).
    pub auth_header: Option<(String, String)>,
}

/// A JSON value for every parameter and body of every operation, in module and document order.
pub fn plan(api: &Api, document: &Value, api_key: &str) -> Vec<Call> {
    let types: BTreeMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut calls = Vec::new();
    for m in &api.modules {
        for op in &m.operations {
            let mut call = plan_operation(&types, document, op);
            call.auth_header = operation_auth(document, &op.pointer, api_key);
            calls.push(call);
        }
    }
    calls
}

pub(crate) fn plan_operation(
    types: &BTreeMap<&str, &TypeDef>,
    doc: &Value,
    op: &Operation,
) -> Call {
    // A list starts at its first page: the paginator sets the cursor, offset or page number
    // of the next ones, so those requests exercise it.
    let walked = op.pagination.as_ref().and_then(|p| match &p.style {
        PaginationStyle::Cursor { cursor_param, .. } => Some(cursor_param.as_str()),
        PaginationStyle::Offset { offset_param, .. } => Some(offset_param.as_str()),
        PaginationStyle::Page { page_param, .. } => Some(page_param.as_str()),
        PaginationStyle::NextUrl { .. } | PaginationStyle::LinkHeader => None,
    });
    let mut params = Vec::new();
    for p in &op.params {
        if !p.required && p.location == ParamIn::Query && walked == Some(p.wire.as_str()) {
            continue;
        }
        // The parameter object where the IR says it is listed (a `$ref` followed).
        let raw = pointer::get(doc, &p.pointer).map(|r| pointer::deref(doc, r));
        let value = raw
            .and_then(|r| media_or_param_example(doc, r))
            .or_else(|| {
                let schema = raw.and_then(|r| {
                    r.get("schema").or_else(|| {
                        r.get("content")
                            .and_then(Value::as_object)
                            .and_then(|c| c.values().next())
                            .and_then(|m| m.get("schema"))
                    })
                })?;
                let mut sampler = Sampler::new(doc);
                sampler.text = true;
                sampler.sample(schema, 0)
            });
        let value = match value {
            Some(v) => Some(fit(types, &p.ty, v, 0)),
            None if p.required => Some(fit(types, &p.ty, Value::Null, 0)),
            None => None,
        };
        if let Some(v) = value {
            params.push((p.ident.clone(), v));
        }
    }
    let body = op.body.as_ref().map(|b| {
        let media = raw_body(doc, &op.pointer)
            .and_then(|rb| rb.get("content"))
            .and_then(|c| c.get(&b.content_type));
        let value = media
            .and_then(|m| media_or_param_example(doc, m))
            .or_else(|| {
                media
                    .and_then(|m| m.get("schema"))
                    .and_then(|s| Sampler::new(doc).sample(s, 0))
            });
        match b.kind {
            BodyKind::Bytes | BodyKind::Text => match value {
                Some(Value::String(s)) => Value::String(s),
                _ => Value::String("oagen contract test body".into()),
            },
            _ => fit(types, &b.ty, value.unwrap_or(Value::Null), 0),
        }
    });
    Call {
        id: op.id.clone(),
        params,
        body,
        auth_header: None,
    }
}

/// The first scheme name of a `security` list (`None` for none, or only `{}`).
pub(crate) fn first_scheme(security: &Value) -> Option<&str> {
    security
        .as_array()?
        .iter()
        .find_map(|r| r.as_object()?.keys().next().map(String::as_str))
}

/// The header an operation needs when its `security` names another scheme than the
/// document's (the one the client uses).
pub(crate) fn operation_auth(doc: &Value, op_ptr: &str, key: &str) -> Option<(String, String)> {
    let own = doc.pointer(&format!("{op_ptr}/security"))?;
    let scheme = first_scheme(own)?;
    let client = doc.get("security").and_then(first_scheme);
    if client == Some(scheme) {
        return None;
    }
    let def = pointer::deref(
        doc,
        pointer::get(doc, &pointer::join("/components/securitySchemes", scheme))?,
    );
    match (
        def.get("type").and_then(Value::as_str)?,
        def.get("scheme").and_then(Value::as_str),
    ) {
        ("http", Some(s)) if s.eq_ignore_ascii_case("bearer") => {
            Some(("Authorization".into(), format!("Bearer {key}")))
        }
        ("apiKey", _) if def.get("in").and_then(Value::as_str) == Some("header") => {
            let name = def.get("name").and_then(Value::as_str)?;
            let value = match def.get("x-oagen-auth-prefix").and_then(Value::as_str) {
                Some(prefix) => format!("{prefix} {key}"),
                None => key.to_string(),
            };
            Some((name.to_string(), value))
        }
        _ => None,
    }
}

pub(crate) fn raw_body<'a>(doc: &'a Value, op_ptr: &str) -> Option<&'a Value> {
    doc.pointer(&format!("{op_ptr}/requestBody"))
        .map(|b| pointer::deref(doc, b))
}

/// `example`, or the first of `examples` (a map of Example objects, possibly `$ref`s), of a
/// parameter or media type.
pub(crate) fn media_or_param_example(doc: &Value, v: &Value) -> Option<Value> {
    if let Some(e) = v.get("example") {
        return Some(e.clone());
    }
    v.get("examples")
        .and_then(Value::as_object)
        .and_then(|m| {
            m.values()
                .map(|e| pointer::deref(doc, e))
                .find_map(|e| e.get("value"))
        })
        .cloned()
}
