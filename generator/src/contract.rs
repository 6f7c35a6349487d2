// Past ~800 lines: one stage step whose split along its seams is issue 12 (the architecture
// round); until then, keep additions here small.
//! Contract tests generated from the IR: one call of every operation, with arguments built
//! from the spec's examples and schemas, written as Rust source for a test harness that runs
//! it against a mock server which validates requests (Prism).
//!
//! [`plan`] decides the arguments of every call as JSON values (plain data, testable);
//! [`render_tests`] turns the plan into a Rust module; [`render_spec`] does both for a spec
//! file. The module calls the client crate at [`ContractOptions::client_path`] and a harness
//! at [`ContractOptions::harness_path`], which must provide:
//!
//! - `OperationInfo { id, method, path, paginated, streaming }` (all `&'static str` / `bool`),
//! - `Failure` (the error of a call), `Checked` (what a passing call reports),
//! - `arg::<T>(json: &str) -> Result<T, Failure>`,
//! - `check_response(Result<Response<T>, Error<E>>) -> Result<T, Failure>`,
//! - `async check_streaming(Result<StreamingResponse, Error<E>>) -> Result<Checked, Failure>`,
//! - `count_items(&T, items_path) -> Result<usize, Failure>`, `items_cap(first, follows_links)`,
//! - `async check_items(first, Stream<Item = Result<T, Error<E>>>) -> Result<Checked, Failure>`,
//! - `Checked::one()`,
//! - `Run` with `async fn record(&mut self, &OperationInfo, Result<Checked, Failure>)` and
//!   `fn fail_all(&mut self, &[OperationInfo], Failure)`.
//!
//! How values are chosen, most specific first: the parameter's or media type's `example` /
//! `examples`, then the schema's `example`, `examples`, `default`, `enum`, `const`, then a
//! value synthesized from the schema's type, format and bounds. `readOnly` properties are left
//! out of requests; optional properties with a value are kept, so that serialization of every
//! field is exercised. The value is then fitted to the generated Rust type (required fields
//! the schema could not fill, `binary` strings as byte arrays), so that it always decodes.

use crate::diag::Diagnostics;
use crate::ir::{
    Api, AuthScheme, BodyKind, EnumRepr, Operation, Output, PaginationStyle, ParamIn, Prim,
    ResponseBody, TypeDef, TypeKind, TypeRef,
};
use crate::load::pointer;
use crate::render::{ident, prim};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the generated test module finds the client and the harness.
#[derive(Clone, Debug)]
pub struct ContractOptions {
    /// The path of the client crate or module, e.g. `::weflow`; `None`: `::<crate name>`.
    pub client_path: Option<String>,
    /// The path of the harness, e.g. `::oagen_contract`.
    pub harness_path: String,
    /// The API key (or Basic password) the client sends.
    pub api_key: String,
}

impl Default for ContractOptions {
    fn default() -> Self {
        ContractOptions {
            client_path: None,
            harness_path: "::oagen_contract".into(),
            api_key: "oagen-contract-test-key".into(),
        }
    }
}

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

fn plan_operation(types: &BTreeMap<&str, &TypeDef>, doc: &Value, op: &Operation) -> Call {
    let raw_params = raw_parameters(doc, &op.pointer);
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
        let loc = match p.location {
            ParamIn::Path => "path",
            ParamIn::Query => "query",
            ParamIn::Header => "header",
            ParamIn::Cookie => "cookie",
        };
        let raw = raw_params.iter().find(|r| {
            r.get("name").and_then(Value::as_str) == Some(&p.wire)
                && r.get("in").and_then(Value::as_str) == Some(loc)
        });
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
fn first_scheme(security: &Value) -> Option<&str> {
    security
        .as_array()?
        .iter()
        .find_map(|r| r.as_object()?.keys().next().map(String::as_str))
}

/// The header an operation needs when its `security` names another scheme than the
/// document's (the one the client uses).
fn operation_auth(doc: &Value, op_ptr: &str, key: &str) -> Option<(String, String)> {
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

/// The parameters of an operation and of its path item, resolved (operation-level ones win).
fn raw_parameters<'a>(doc: &'a Value, op_ptr: &str) -> Vec<&'a Value> {
    let item_ptr = op_ptr.rsplit_once('/').map(|(a, _)| a).unwrap_or("");
    let mut out: Vec<&Value> = Vec::new();
    for ptr in [op_ptr, item_ptr] {
        let list = doc
            .pointer(&format!("{ptr}/parameters"))
            .and_then(Value::as_array);
        for p in list.into_iter().flatten() {
            let p = pointer::deref(doc, p);
            let key = (p.get("name"), p.get("in"));
            if !out.iter().any(|q| (q.get("name"), q.get("in")) == key) {
                out.push(p);
            }
        }
    }
    out
}

fn raw_body<'a>(doc: &'a Value, op_ptr: &str) -> Option<&'a Value> {
    doc.pointer(&format!("{op_ptr}/requestBody"))
        .map(|b| pointer::deref(doc, b))
}

/// `example`, or the first of `examples` (a map of Example objects, possibly `$ref`s), of a
/// parameter or media type.
fn media_or_param_example(doc: &Value, v: &Value) -> Option<Value> {
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

/// Whether an `allOf` part only annotates or widens the others: the IR's rule
/// ([`crate::ir::annotation_only`]), so that a sample has the type the IR gave the `allOf`.
/// A part the OpenAPI model cannot read counts as shaping.
fn annotation_only(part: &Value) -> bool {
    serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::Schema>>(part.clone())
        .is_ok_and(|p| crate::ir::annotation_only(&p))
}

/// Synthesizes request values from schemas.
struct Sampler<'a> {
    doc: &'a Value,
    /// The value is sent as text (a parameter): `"1"` then also matches `type: integer`.
    text: bool,
    /// `$ref`s being sampled, to stop at recursion.
    active: Vec<String>,
}

/// Nesting deeper than this is left out (optional) or filled minimally (required).
const MAX_SAMPLE_DEPTH: usize = 12;

impl<'a> Sampler<'a> {
    fn new(doc: &'a Value) -> Self {
        Sampler {
            doc,
            text: false,
            active: Vec::new(),
        }
    }

    /// A value for `schema`, or `None` when none can be made (recursion, depth).
    fn sample(&mut self, schema: &Value, depth: usize) -> Option<Value> {
        if depth > MAX_SAMPLE_DEPTH {
            return None;
        }
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            if self.active.iter().any(|a| a == r) {
                return None;
            }
            let target = pointer::local(r).and_then(|p| pointer::get(self.doc, &p))?;
            self.active.push(r.to_string());
            let v = self.sample(target, depth + 1);
            self.active.pop();
            return v;
        }
        let obj = schema.as_object()?;
        if let Some(e) = obj.get("example") {
            return Some(e.clone());
        }
        if let Some(e) = obj
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return Some(e.clone());
        }
        if let Some(d) = obj.get("default") {
            return Some(d.clone());
        }
        if let Some(e) = obj.get("enum").and_then(Value::as_array) {
            if let Some(v) = e.iter().find(|v| !v.is_null()) {
                return Some(v.clone());
            }
        }
        if let Some(c) = obj.get("const") {
            return Some(c.clone());
        }
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            let mut other = None;
            for part in all {
                // Annotation-only parts (`{description}`, `{nullable: true}`, 3.1's
                // `{type: "null"}`) only document or widen the other parts: sampling them would
                // put a made-up string or a null where the referenced type belongs.
                if annotation_only(part) {
                    continue;
                }
                match self.sample(part, depth + 1) {
                    Some(Value::Object(m)) => merged.extend(m),
                    Some(v) if other.is_none() => other = Some(v),
                    _ => {}
                }
            }
            // Properties declared next to `allOf`.
            if obj.contains_key("properties") {
                if let Some(Value::Object(m)) = self.object(obj, depth) {
                    merged.extend(m);
                }
            }
            return match other {
                Some(v) if merged.is_empty() => Some(v),
                _ => Some(Value::Object(merged)),
            };
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alts) = obj.get(key).and_then(Value::as_array) {
                return self.alternative(obj, alts, key == "oneOf", depth);
            }
        }
        let ty = match obj.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("null"),
            _ if obj.contains_key("properties") || obj.contains_key("additionalProperties") => {
                "object"
            }
            _ if obj.contains_key("items") => "array",
            _ => "",
        };
        match ty {
            "object" => self.object(obj, depth),
            "array" => {
                let item = obj.get("items").and_then(|i| self.sample(i, depth + 1));
                let n = obj
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .clamp(1, 3) as usize;
                Some(Value::Array(match item {
                    Some(v) => vec![v; n],
                    None => Vec::new(),
                }))
            }
            "string" => Some(Value::String(string_sample(obj))),
            "integer" => Some(integer_sample(obj)),
            "number" => Some(number_sample(obj)),
            "boolean" => Some(Value::Bool(true)),
            "null" => Some(Value::Null),
            _ => Some(Value::String("example".into())),
        }
    }

    fn object(&mut self, obj: &Map<String, Value>, depth: usize) -> Option<Value> {
        let mut out = Map::new();
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                let resolved = pointer::deref(self.doc, prop);
                if resolved.get("readOnly").and_then(Value::as_bool) == Some(true)
                    || prop.get("readOnly").and_then(Value::as_bool) == Some(true)
                {
                    continue;
                }
                let deeper = if required.contains(&name.as_str()) {
                    depth + 1
                } else {
                    depth + 2
                };
                if let Some(v) = self.sample(prop, deeper) {
                    out.insert(name.clone(), v);
                }
            }
        } else if let Some(extra) = obj.get("additionalProperties").filter(|a| a.is_object()) {
            if let Some(v) = self.sample(extra, depth + 1) {
                out.insert("key".into(), v);
            }
        }
        Some(Value::Object(out))
    }

    fn alternative(
        &mut self,
        obj: &Map<String, Value>,
        alts: &[Value],
        exactly_one: bool,
        depth: usize,
    ) -> Option<Value> {
        let disc = obj.get("discriminator");
        if exactly_one && disc.is_none() {
            // `oneOf` needs a value that only one alternative accepts: with
            // `[integer, string]`, `1` (sent as text) matches both, `"example"` only one.
            let candidates: Vec<(usize, Value)> = alts
                .iter()
                .enumerate()
                .filter_map(|(i, alt)| self.sample(alt, depth + 1).map(|v| (i, v)))
                .collect();
            let unique = candidates.iter().find(|(i, v)| {
                alts.iter()
                    .enumerate()
                    .all(|(j, other)| j == *i || !loosely_accepts(self.doc, other, v, self.text))
            });
            return unique.or(candidates.first()).map(|(_, v)| v.clone());
        }
        for alt in alts {
            let target = pointer::deref(self.doc, alt);
            if target.get("type").and_then(Value::as_str) == Some("null") {
                continue;
            }
            let Some(mut v) = self.sample(alt, depth + 1) else {
                continue;
            };
            if let (Some(d), Some(m)) = (disc, v.as_object_mut()) {
                if let Some(prop) = d.get("propertyName").and_then(Value::as_str) {
                    if !m.contains_key(prop) {
                        if let Some(tag) = discriminator_value(d, alt) {
                            m.insert(prop.to_string(), Value::String(tag));
                        }
                    }
                }
            }
            return Some(v);
        }
        None
    }
}

/// Whether `schema` would accept `value`, judging by type and `enum` only. With `text`, the
/// value travels as text (a parameter), so strings that parse as numbers or booleans match
/// those types and any scalar matches `type: string`.
fn loosely_accepts(doc: &Value, schema: &Value, value: &Value, text: bool) -> bool {
    let schema = pointer::deref(doc, schema);
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(value) {
            return false;
        }
    }
    let Some(ty) = schema.get("type").and_then(Value::as_str) else {
        return true;
    };
    match value {
        Value::String(s) => {
            ty == "string"
                || (text && ty == "integer" && s.trim().parse::<i64>().is_ok())
                || (text && ty == "number" && s.trim().parse::<f64>().is_ok())
                || (text && ty == "boolean" && (s == "true" || s == "false"))
        }
        Value::Number(n) => {
            (ty == "integer" && (n.is_i64() || n.is_u64()))
                || ty == "number"
                || (text && ty == "string")
        }
        Value::Bool(_) => ty == "boolean" || (text && ty == "string"),
        Value::Object(_) => ty == "object",
        Value::Array(_) => ty == "array",
        Value::Null => {
            ty == "null" || schema.get("nullable").and_then(Value::as_bool) == Some(true)
        }
    }
}

/// The discriminator value that selects `alt`: its key in `mapping`, else its schema name.
fn discriminator_value(disc: &Value, alt: &Value) -> Option<String> {
    let r = alt.get("$ref").and_then(Value::as_str)?;
    if let Some(map) = disc.get("mapping").and_then(Value::as_object) {
        if let Some((k, _)) = map.iter().find(|(_, v)| v.as_str() == Some(r)) {
            return Some(k.clone());
        }
    }
    r.rsplit('/').next().map(str::to_string)
}

fn string_sample(obj: &Map<String, Value>) -> String {
    let format = obj.get("format").and_then(Value::as_str).unwrap_or("");
    let base = match format {
        "date-time" => "2026-01-15T09:30:00Z",
        "date" => "2026-01-15",
        "time" => "09:30:00",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" => "jane.doe@example.com",
        "uri" | "url" | "iri" => "https://example.com/contract",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "b2FnZW4=",
        "binary" => "oagen contract test file",
        "password" => "s3cret-Passw0rd",
        "duration" => "PT1H",
        _ => "example",
    };
    let mut s = base.to_string();
    let min = obj.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = obj.get("maxLength").and_then(Value::as_u64) {
        s = s.chars().take(max as usize).collect();
    }
    s
}

/// The smallest allowed value at or above 1 (respecting `minimum`, `maximum`, exclusivity
/// and `multipleOf`).
fn integer_sample(obj: &Map<String, Value>) -> Value {
    let num = |k: &str| obj.get(k).and_then(Value::as_f64);
    let excl = |k: &str| obj.get(k).and_then(Value::as_bool) == Some(true);
    let mut lo = num("minimum").map(|m| {
        if excl("exclusiveMinimum") {
            m.floor() + 1.0
        } else {
            m.ceil()
        }
    });
    if let Some(m) = obj.get("exclusiveMinimum").and_then(Value::as_f64) {
        lo = Some(m.floor() + 1.0);
    }
    let mut hi = num("maximum").map(|m| {
        if excl("exclusiveMaximum") {
            m.ceil() - 1.0
        } else {
            m.floor()
        }
    });
    if let Some(m) = obj.get("exclusiveMaximum").and_then(Value::as_f64) {
        hi = Some(m.ceil() - 1.0);
    }
    let mut v = lo.unwrap_or(1.0);
    if let Some(step) = num("multipleOf").filter(|s| *s >= 1.0) {
        v = (v / step).ceil() * step;
    }
    if let Some(h) = hi {
        if v > h {
            v = h;
        }
    }
    Value::from(v as i64)
}

fn number_sample(obj: &Map<String, Value>) -> Value {
    let lo = obj.get("minimum").and_then(Value::as_f64);
    let hi = obj.get("maximum").and_then(Value::as_f64);
    let v = match (lo, hi) {
        (Some(l), Some(h)) => (l + h) / 2.0,
        (Some(l), None) => l + 1.5,
        (None, Some(h)) => h.min(1.5),
        (None, None) => 1.5,
    };
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .unwrap_or(Value::from(1))
}

/// Adjusts `v` so that it decodes into the Rust type of `ty`: fills required fields the
/// schema sample left out, turns `binary` strings into byte arrays, replaces values of the
/// wrong JSON kind by a minimal one.
fn fit(types: &BTreeMap<&str, &TypeDef>, ty: &TypeRef, v: Value, depth: usize) -> Value {
    if depth > MAX_SAMPLE_DEPTH * 2 {
        return v;
    }
    match ty {
        TypeRef::Option(inner) => match v {
            Value::Null => Value::Null,
            v => fit(types, inner, v, depth + 1),
        },
        TypeRef::Vec(inner) => match v {
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|i| fit(types, inner, i, depth + 1))
                    .collect(),
            ),
            _ => Value::Array(Vec::new()),
        },
        TypeRef::Map(inner) => match v {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|(k, i)| (k, fit(types, inner, i, depth + 1)))
                    .collect(),
            ),
            _ => Value::Object(Map::new()),
        },
        TypeRef::Prim(p) => fit_prim(*p, v),
        TypeRef::Named(n) => match types.get(n.as_str()).map(|t| &t.kind) {
            None => v,
            Some(TypeKind::Alias(t)) => fit(types, t, v, depth + 1),
            Some(TypeKind::Struct { fields, additional }) => {
                let mut m = match v {
                    Value::Object(m) => m,
                    _ => Map::new(),
                };
                for f in fields {
                    match m.remove(&f.wire) {
                        Some(Value::Null) if f.nullable || !f.required => {
                            m.insert(f.wire.clone(), Value::Null);
                        }
                        Some(x) => {
                            let x = fit(types, &f.ty, x, depth + 1);
                            m.insert(f.wire.clone(), x);
                        }
                        None if f.required && !f.nullable && !f.write_only => {
                            let x = fit(types, &f.ty, Value::Null, depth + 1);
                            m.insert(f.wire.clone(), x);
                        }
                        None => {}
                    }
                }
                if let Some(a) = additional {
                    let known: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
                    for (k, x) in m.iter_mut() {
                        if !known.contains(&k.as_str()) {
                            *x = fit(types, a, std::mem::take(x), depth + 1);
                        }
                    }
                }
                Value::Object(m)
            }
            Some(TypeKind::Enum {
                repr: EnumRepr::String,
                variants,
            }) => match v {
                Value::String(s) => Value::String(s),
                _ => Value::String(
                    variants
                        .first()
                        .map(|v| v.value.clone())
                        .unwrap_or_else(|| "example".into()),
                ),
            },
            Some(TypeKind::Enum {
                repr: EnumRepr::Integer,
                variants,
            }) => match v {
                Value::Number(n) if n.is_i64() => Value::Number(n),
                _ => Value::from(
                    variants
                        .first()
                        .and_then(|v| v.value.parse::<i64>().ok())
                        .unwrap_or(0),
                ),
            },
            Some(TypeKind::Union { tag, variants }) => match (v, variants.first()) {
                (Value::Null, Some(first)) => {
                    let mut x = fit(types, &first.ty, Value::Null, depth + 1);
                    if let (Some(tag), Some(m), Some(value)) =
                        (tag, x.as_object_mut(), first.tags.first())
                    {
                        m.entry(tag.clone())
                            .or_insert_with(|| Value::String(value.clone()));
                    }
                    x
                }
                (v, _) => v,
            },
        },
    }
}

fn fit_prim(p: Prim, v: Value) -> Value {
    match p {
        Prim::String => match v {
            Value::String(s) => Value::String(s),
            Value::Null => Value::String("example".into()),
            other => Value::String(other.to_string()),
        },
        Prim::Bool => match v {
            Value::Bool(b) => Value::Bool(b),
            _ => Value::Bool(true),
        },
        Prim::I32 | Prim::I64 => match &v {
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                let x = n.as_i64().unwrap_or(i64::MAX);
                if p == Prim::I32 {
                    Value::from(x.clamp(i64::from(i32::MIN), i64::from(i32::MAX)))
                } else {
                    v
                }
            }
            Value::Number(n) => Value::from(n.as_f64().unwrap_or(1.0).round() as i64),
            Value::String(s) => Value::from(s.trim().parse::<i64>().unwrap_or(1)),
            _ => Value::from(1),
        },
        Prim::F32 | Prim::F64 => match v {
            Value::Number(n) => Value::Number(n),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .unwrap_or(Value::from(1)),
            _ => Value::from(1),
        },
        Prim::DateTime => match v {
            Value::String(s) => Value::String(s),
            _ => Value::String("2026-01-15T09:30:00Z".into()),
        },
        Prim::Date => match v {
            Value::String(s) => Value::String(s),
            _ => Value::String("2026-01-15".into()),
        },
        Prim::Uuid => match v {
            Value::String(s) => Value::String(s),
            _ => Value::String("3fa85f64-5717-4562-b3fc-2c963f66afa6".into()),
        },
        Prim::Base64 => match v {
            Value::String(s) => Value::String(s),
            _ => Value::String("b2FnZW4=".into()),
        },
        Prim::Binary => match v {
            Value::String(s) => Value::Array(s.bytes().map(Value::from).collect()),
            Value::Array(a) => Value::Array(a),
            _ => Value::Array(b"oagen".iter().map(|b| Value::from(*b)).collect()),
        },
        Prim::Value => match v {
            Value::Null => Value::String("example".into()),
            v => v,
        },
        Prim::Unit => Value::Null,
    }
}

/// The Rust type of a reference, written from outside the client crate.
fn client_ty(t: &TypeRef, client: &TokenStream) -> TokenStream {
    match t {
        TypeRef::Prim(p) => prim(*p),
        TypeRef::Named(n) => {
            let i = ident(n);
            quote!(#client::types::#i)
        }
        TypeRef::Vec(inner) => {
            let i = client_ty(inner, client);
            quote!(::std::vec::Vec<#i>)
        }
        TypeRef::Map(inner) => {
            let i = client_ty(inner, client);
            quote!(::std::collections::BTreeMap<::std::string::String, #i>)
        }
        TypeRef::Option(inner) => {
            let i = client_ty(inner, client);
            quote!(::std::option::Option<#i>)
        }
    }
}

fn path_tokens(path: &str) -> Result<TokenStream, String> {
    syn::parse_str::<syn::Path>(path)
        .map(|p| quote!(#p))
        .map_err(|e| format!("`{path}` is not a Rust path: {e}"))
}

/// The value of a parameter or body as an argument expression.
fn arg_expr(
    ty: &TypeRef,
    value: &Value,
    string_into: bool,
    client: &TokenStream,
    h: &TokenStream,
) -> TokenStream {
    if string_into {
        let s = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        return quote!(#s);
    }
    let t = client_ty(ty, client);
    let json = value.to_string();
    quote!(#h::arg::<#t>(#json)?)
}

/// Renders the contract-test module of an API: `PROVIDER`, `OPERATIONS`, one `async fn` per
/// operation and `run(base_url, &mut Run)`.
///
/// # Errors
/// When a path in `opts` does not parse, or the result is not valid Rust (a bug).
pub fn render_tests(api: &Api, document: &Value, opts: &ContractOptions) -> Result<String, String> {
    let client_path = opts.client_path.clone().unwrap_or_else(|| {
        format!(
            "::{}",
            heck::ToSnakeCase::to_snake_case(api.crate_name.as_str())
        )
    });
    let client = path_tokens(&client_path)?;
    let h = path_tokens(&opts.harness_path)?;
    let calls = plan(api, document, &opts.api_key);
    let mut infos = Vec::new();
    let mut fns = Vec::new();
    let mut records = Vec::new();
    let ops = api.modules.iter().flat_map(|m| m.operations.iter());
    for (i, (op, call)) in ops.zip(&calls).enumerate() {
        let streaming = matches!(op.output, Output::Single(ResponseBody::Binary));
        let id = &op.id;
        let method = &op.http_method;
        let path = &op.path;
        let paginated = op.pagination.is_some();
        infos.push(quote! {
            #h::OperationInfo { id: #id, method: #method, path: #path, paginated: #paginated, streaming: #streaming },
        });
        let fn_name = ident(&format!(
            "call_{}",
            heck::ToSnakeCase::to_snake_case(op.method_name.trim_start_matches("r#"))
        ));
        let method_ident = ident(&op.method_name);
        let value_of = |ident_: &str| {
            call.params
                .iter()
                .find(|(i, _)| i == ident_)
                .map(|(_, v)| v)
        };
        let mut positional = Vec::new();
        let mut setters = Vec::new();
        for p in &op.params {
            let Some(v) = value_of(&p.ident) else {
                continue;
            };
            let is_string = matches!(p.ty, TypeRef::Prim(Prim::String));
            let e = arg_expr(&p.ty, v, is_string, &client, &h);
            if p.required {
                positional.push(e);
            } else {
                let s = ident(&p.ident);
                setters.push(quote!(.#s(#e)));
            }
        }
        if let (Some(b), Some(v)) = (&op.body, &call.body) {
            let e = match b.kind {
                BodyKind::Text => {
                    let s = v.as_str().unwrap_or("oagen contract test body");
                    quote!(#s)
                }
                BodyKind::Bytes => {
                    let s = v.as_str().unwrap_or("oagen contract test body");
                    quote!(::std::vec::Vec::<u8>::from(#s))
                }
                _ => arg_expr(&b.ty, v, false, &client, &h),
            };
            if b.required {
                positional.push(e);
            } else {
                setters.push(quote!(.body(#e)));
            }
        }
        if let Some((name, value)) = &call.auth_header {
            setters.push(quote!(.header(#name, #value)));
        }
        let request = quote!(client.#method_ident(#(#positional),*) #(#setters)*);
        let body = if streaming {
            quote! {
                let request = #request;
                #h::check_streaming(request.send_with_response().await).await
            }
        } else if let Some(p) = &op.pagination {
            let items = &p.items;
            let follows_links = matches!(
                p.style,
                PaginationStyle::NextUrl { .. } | PaginationStyle::LinkHeader
            );
            quote! {
                let request = #request;
                let page = #h::check_response(::std::clone::Clone::clone(&request).send_with_response().await)?;
                let first = #h::count_items(&page, #items)?;
                let mut paginator = request.into_paginator();
                if let ::std::option::Option::Some(cap) = #h::items_cap(first, #follows_links) {
                    paginator = paginator.max_items(cap);
                }
                #h::check_items(first, paginator.items()).await
            }
        } else {
            quote! {
                let request = #request;
                #h::check_response(request.send_with_response().await)?;
                ::std::result::Result::Ok(#h::Checked::one())
            }
        };
        let doc = format!(" `{} {}` (`{}`).", op.http_method, op.path, op.id);
        fns.push(quote! {
            #[doc = #doc]
            pub async fn #fn_name(client: &#client::Client) -> ::std::result::Result<#h::Checked, #h::Failure> {
                #body
            }
        });
        records.push(quote!(run.record(&OPERATIONS[#i], #fn_name(&client).await).await;));
    }
    let key = &opts.api_key;
    let auth = match &api.auth {
        None => quote!(),
        Some(AuthScheme::Basic) => quote!(.basic_auth("oagen", #key)),
        Some(_) => quote!(.api_key(#key)),
    };
    let provider = &api.crate_name;
    let title = &api.title;
    let tokens = quote! {
        /// The client crate's name.
        pub const PROVIDER: &str = #provider;
        /// The API's title.
        pub const TITLE: &str = #title;
        /// Every operation, in the order they are called.
        pub const OPERATIONS: &[#h::OperationInfo] = &[#(#infos)*];

        /// A client for a mock server at `base_url`, with retries disabled.
        ///
        /// # Errors
        /// When the client cannot be built.
        pub fn client(base_url: &str) -> #client::Result<#client::Client> {
            #client::Client::builder()
                .base_url(base_url)
                #auth
                .retry_policy(#client::RetryPolicy::disabled())
                .build()
        }

        /// Calls every operation once against the mock server at `base_url`.
        pub async fn run(base_url: &str, run: &mut #h::Run) {
            let client = match client(base_url) {
                ::std::result::Result::Ok(c) => c,
                ::std::result::Result::Err(e) => {
                    run.fail_all(OPERATIONS, #h::Failure::harness(::std::format!("cannot build the client: {e}")));
                    return;
                }
            };
            #(#records)*
        }

        #(#fns)*
    };
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: the contract tests are not valid Rust: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// Loads a spec, builds its IR and renders its contract tests (see [`render_tests`]).
/// Also returns every file read, for `cargo:rerun-if-changed`.
///
/// # Errors
/// The spec's diagnostics, or a message when rendering fails.
pub fn render_spec(
    spec: &Path,
    options: &crate::Options,
    opts: &ContractOptions,
) -> Result<(String, Vec<PathBuf>), Diagnostics> {
    let mut diags = Diagnostics::new();
    let Some(loaded) = crate::load::load(spec, &mut diags) else {
        return Err(diags);
    };
    let name = options
        .crate_name
        .clone()
        .unwrap_or_else(|| crate::default_crate_name(spec));
    let api = crate::ir::build(&loaded, &name, &mut diags);
    let api = match api {
        Some(api) if !diags.has_errors() => api,
        _ => return Err(diags),
    };
    match render_tests(&api, &loaded.document, opts) {
        Ok(code) => Ok((code, loaded.files.clone())),
        Err(msg) => {
            diags.error("internal", msg, None);
            Err(diags)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample(doc: &Value, schema: Value) -> Option<Value> {
        Sampler::new(doc).sample(&schema, 0)
    }

    #[test]
    fn examples_win_over_synthesis() {
        let doc = json!({});
        assert_eq!(
            sample(
                &doc,
                json!({"type": "string", "example": "abc", "default": "d"})
            ),
            Some(json!("abc"))
        );
        assert_eq!(
            sample(&doc, json!({"type": "string", "default": "d"})),
            Some(json!("d"))
        );
        assert_eq!(
            sample(&doc, json!({"type": "string", "enum": [null, "b", "c"]})),
            Some(json!("b"))
        );
    }

    #[test]
    fn annotation_parts_of_all_of_do_not_replace_the_reference() {
        let doc = json!({"components": {"schemas": {
            "Sort": {"type": "string", "enum": ["asc", "desc"]}
        }}});
        for annotation in [
            json!({"description": "The order.", "nullable": true}),
            json!({"type": "null"}),
        ] {
            assert_eq!(
                sample(
                    &doc,
                    json!({"allOf": [{"$ref": "#/components/schemas/Sort"}, annotation]})
                ),
                Some(json!("asc"))
            );
        }
    }

    /// The sampler skips exactly the `allOf` parts the IR skips. OpenAPI 3.0 has no `const`:
    /// the IR types `allOf: [{const: 5}, {$ref: Name}]` as `Name` (a string), and a sample
    /// taken from the `const` (the rule the sampler had of its own) was an integer where the
    /// client wants a string. A part with `not` shapes the IR's type and is sampled.
    #[test]
    fn all_of_parts_are_skipped_by_the_irs_rule() {
        let doc = json!({"components": {"schemas": {
            "Name": {"type": "string", "example": "rex"}
        }}});
        assert_eq!(
            sample(
                &doc,
                json!({"allOf": [{"const": 5}, {"$ref": "#/components/schemas/Name"}]})
            ),
            Some(json!("rex"))
        );
        for (part, skipped) in [
            (json!({"const": 5}), true),
            (json!({"description": "d", "nullable": true}), true),
            (json!({"type": "null"}), true),
            (json!({"not": {"type": "string"}}), false),
            (json!({"$ref": "#/components/schemas/Name"}), false),
            (json!({"type": "string"}), false),
        ] {
            let typed: openapiv3::ReferenceOr<openapiv3::Schema> =
                serde_json::from_value(part.clone()).unwrap();
            assert_eq!(annotation_only(&part), skipped, "{part}");
            assert_eq!(crate::ir::annotation_only(&typed), skipped, "{part}");
        }
    }

    #[test]
    fn formats_and_bounds() {
        let doc = json!({});
        assert_eq!(
            sample(&doc, json!({"type": "string", "format": "date-time"})),
            Some(json!("2026-01-15T09:30:00Z"))
        );
        assert_eq!(
            sample(&doc, json!({"type": "string", "minLength": 10})),
            Some(json!("examplexxx"))
        );
        assert_eq!(
            sample(&doc, json!({"type": "string", "maxLength": 3})),
            Some(json!("exa"))
        );
        assert_eq!(
            sample(&doc, json!({"type": "integer", "minimum": 5})),
            Some(json!(5))
        );
        assert_eq!(
            sample(
                &doc,
                json!({"type": "integer", "minimum": 5, "exclusiveMinimum": true})
            ),
            Some(json!(6))
        );
        assert_eq!(
            sample(&doc, json!({"type": "integer", "maximum": 0})),
            Some(json!(0))
        );
        assert_eq!(
            sample(
                &doc,
                json!({"type": "integer", "minimum": 3, "multipleOf": 5})
            ),
            Some(json!(5))
        );
        assert_eq!(
            sample(&doc, json!({"type": "integer", "minimum": -4})),
            Some(json!(-4))
        );
        assert_eq!(
            sample(&doc, json!({"type": "number", "minimum": 0, "maximum": 1})),
            Some(json!(0.5))
        );
    }

    #[test]
    fn objects_skip_read_only_and_follow_refs() {
        let doc = json!({"components": {"schemas": {
            "Id": {"type": "string", "readOnly": true},
            "Pet": {"type": "object", "required": ["name"], "properties": {
                "id": {"$ref": "#/components/schemas/Id"},
                "name": {"type": "string", "example": "Rex"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "parent": {"$ref": "#/components/schemas/Pet"}
            }}
        }}});
        let v = sample(&doc, json!({"$ref": "#/components/schemas/Pet"})).unwrap();
        // The recursive `parent` is left out, `id` is read-only.
        assert_eq!(v, json!({"name": "Rex", "tags": ["example"]}));
    }

    #[test]
    fn all_of_merges_and_one_of_sets_the_discriminator() {
        let doc = json!({"components": {"schemas": {
            "Cat": {"type": "object", "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}}},
            "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}}
        }}});
        let merged = sample(
            &doc,
            json!({"allOf": [{"type": "object", "properties": {"a": {"type": "boolean"}}}, {"type": "object", "properties": {"b": {"type": "integer"}}}]}),
        );
        assert_eq!(merged, Some(json!({"a": true, "b": 1})));
        let one = sample(
            &doc,
            json!({"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                   "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}}),
        );
        // `kind` has a sample of its own ("example"), which the discriminator does not override.
        assert_eq!(one, Some(json!({"kind": "example", "lives": 1})));
        let doc2 = json!({"components": {"schemas": {"Cat": {"type": "object", "properties": {"lives": {"type": "integer"}}}}}});
        let one = sample(
            &doc2,
            json!({"oneOf": [{"$ref": "#/components/schemas/Cat"}],
                   "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}}),
        );
        assert_eq!(one, Some(json!({"lives": 1, "kind": "cat"})));
    }

    #[test]
    fn one_of_picks_a_value_only_one_alternative_accepts() {
        let doc = json!({});
        let schema = json!({"oneOf": [{"type": "integer"}, {"type": "string"}]});
        // As a parameter `1` travels as text and also matches `string`.
        let mut text = Sampler::new(&doc);
        text.text = true;
        assert_eq!(text.sample(&schema, 0), Some(json!("example")));
        // In a JSON body `1` is not a string.
        assert_eq!(sample(&doc, schema), Some(json!(1)));
        let numbers = json!({"oneOf": [{"type": "number"}, {"type": "integer"}]});
        assert_eq!(sample(&doc, numbers), Some(json!(1.5)));
        // anyOf takes the first.
        assert_eq!(
            sample(
                &doc,
                json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
            ),
            Some(json!(1))
        );
    }

    #[test]
    fn fit_fills_required_fields_and_converts_binary() {
        use crate::ir::{Doc, Field};
        let field = |wire: &str, ty: TypeRef, required: bool| Field {
            wire: wire.into(),
            ident: wire.into(),
            ty,
            required,
            nullable: false,
            tri_state: false,
            doc: Doc::default(),
            read_only: false,
            write_only: false,
            boxed: false,
        };
        let upload = TypeDef {
            name: "Upload".into(),
            doc: Doc::default(),
            kind: TypeKind::Struct {
                fields: vec![
                    field("file", TypeRef::Prim(Prim::Binary), true),
                    field("count", TypeRef::Prim(Prim::I32), true),
                    field("note", TypeRef::Prim(Prim::String), false),
                ],
                additional: None,
            },
            pointer: String::new(),
        };
        let types: BTreeMap<&str, &TypeDef> = [("Upload", &upload)].into_iter().collect();
        let v = fit(
            &types,
            &TypeRef::Named("Upload".into()),
            json!({"file": "hi", "count": 9_000_000_000_i64}),
            0,
        );
        assert_eq!(v, json!({"file": [104, 105], "count": i32::MAX}));
        let v = fit(&types, &TypeRef::Named("Upload".into()), Value::Null, 0);
        assert_eq!(v, json!({"file": [111, 97, 103, 101, 110], "count": 1}));
    }
}
