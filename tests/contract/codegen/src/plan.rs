//! The plan: a JSON value for every parameter and body of every operation, and the header
//! of an operation whose security differs from the client's.

use crate::fit::fit;
use crate::sample::{facets_of, Sampler};
use oagen::ir::{Api, AuthScheme, BodyKind, OpAuth, Operation, PaginationStyle, ParamIn, TypeDef};
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
pub fn plan(api: &Api, api_key: &str) -> Vec<Call> {
    let types: BTreeMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut calls = Vec::new();
    for m in &api.modules {
        for op in &m.operations {
            let mut call = plan_operation(&types, op);
            call.auth_header = operation_auth(api, op, api_key);
            calls.push(call);
        }
    }
    calls
}

pub(crate) fn plan_operation(types: &BTreeMap<&str, &TypeDef>, op: &Operation) -> Call {
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
        let mut sampler = Sampler::new(types);
        sampler.text = true;
        let value = match sampler.sample(&p.ty, facets_of(&p.facets), 0) {
            Some(v) => Some(fit(types, &p.ty, v, 0)),
            None if p.required => Some(fit(types, &p.ty, Value::Null, 0)),
            None => None,
        };
        if let Some(v) = value {
            params.push((p.ident.clone(), v));
        }
    }
    let body = op.body.as_ref().map(|b| {
        let value = Sampler::new(types).sample(&b.ty, facets_of(&b.facets), 0);
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

/// The header an operation needs when it authenticates with another scheme than the
/// client's (the generated client holds the credential of its scheme).
pub(crate) fn operation_auth(api: &Api, op: &Operation, key: &str) -> Option<(String, String)> {
    let OpAuth::Other(name) = &op.auth else {
        return None;
    };
    match &api.schemes.iter().find(|s| s.name == *name)?.kind {
        AuthScheme::Bearer => Some(("Authorization".into(), format!("Bearer {key}"))),
        AuthScheme::Header { name, prefix } => {
            let value = match prefix {
                Some(prefix) => format!("{prefix} {key}"),
                None => key.to_string(),
            };
            Some((name.clone(), value))
        }
        AuthScheme::Basic | AuthScheme::Query { .. } | AuthScheme::Cookie { .. } => None,
    }
}
