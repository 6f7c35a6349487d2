// Past ~800 lines: one stage step whose split along its seams is issue 12 (the architecture
// round); until then, keep additions here small.
//! Building the IR from a loaded spec: operations, parameters, bodies, responses, then the
//! whole-API passes (recursion boxing, PATCH tri-state fields, the shared error type).

use super::ext;
use super::fxhash::FastMap;
use super::schema::{inferred_note, pointer_escape, wrap_nullable, Cx, Name};
use super::*;
use crate::diag::Diagnostics;
use crate::ident::{self, Namer};
use crate::load::LoadedSpec;
use openapiv3::{ReferenceOr, StatusCode};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Methods of the generated `Client` that operations must not take.
const CLIENT_RESERVED: &[&str] = &[
    "new",
    "builder",
    "from_env",
    "from_runtime",
    "runtime",
    "base_url",
    "clone",
    "fmt",
];

/// Builder methods and builder fields (`client`, `timeout`, `headers`, `body`) that parameters
/// must not take.
const BUILDER_RESERVED: &[&str] = &[
    "send",
    "send_with_response",
    "timeout",
    "header",
    "headers",
    "into_paginator",
    "pages",
    "items",
    "body",
    "client",
    "options",
    "request",
    "build_request",
    "clone",
    "fmt",
];

/// The module for operations without a tag.
pub const UNTAGGED_MODULE: &str = "operations";

/// Builds the IR. Returns `None` when errors were reported.
pub fn build(spec: &LoadedSpec, crate_name: &str, diags: &mut Diagnostics) -> Option<Api> {
    let document = &spec.document;
    std::thread::scope(|scope| {
        // The walk for unknown extensions reads every value of the document and nothing
        // else, so it runs beside the conversion; its warnings still come first.
        let walker = std::thread::Builder::new()
            .name("oagen-ext-walk".into())
            .spawn_scoped(scope, move || ext::unknown_keys(document))
            .ok();
        build_with(spec, crate_name, diags, walker)
    })
}

fn build_with(
    spec: &LoadedSpec,
    crate_name: &str,
    diags: &mut Diagnostics,
    walker: Option<std::thread::ScopedJoinHandle<'_, Vec<(String, String)>>>,
) -> Option<Api> {
    let errors_before = diags.error_count();
    let locate = |p: &str| spec.locate(p);
    let openapi = &spec.openapi;
    // The conversion's diagnostics, to follow the walk's.
    let mut pending = Diagnostics::new();
    let mut cx = Cx::new(openapi, &locate, &mut pending);

    cx.convert_components();

    let doc_envelope = match spec.document.get("x-oagen-envelope") {
        Some(v) => match ext::envelope(v) {
            Ok(e) => e,
            Err(msg) => {
                cx.error("invalid-extension", msg, "/x-oagen-envelope");
                None
            }
        },
        None => None,
    };

    // Tags: module names and docs.
    let mut tag_docs: BTreeMap<String, Doc> = BTreeMap::new();
    for t in &openapi.tags {
        tag_docs.insert(
            t.name.clone(),
            Doc {
                summary: None,
                description: t.description.clone(),
                notes: Vec::new(),
            },
        );
    }

    let mut ops_cx = OpsCx {
        method_namer: Namer::with_reserved(CLIENT_RESERVED),
        op_ids: BTreeMap::new(),
        module_names: BTreeMap::new(),
        module_namer: Namer::with_reserved(&["types", "client", "prelude", "error"]),
        error_types: Vec::new(),
        patch_bodies: Vec::new(),
    };
    let mut modules: BTreeMap<String, Module> = BTreeMap::new();

    for (path, item) in openapi.paths.iter() {
        let item_ptr = format!("/paths/{}", pointer_escape(path));
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { reference } => {
                cx.warn(
                    "unsupported-ref",
                    format!(
                        "path item reference `{reference}` is not supported; the path is skipped"
                    ),
                    &item_ptr,
                );
                continue;
            }
        };
        for (method, op) in item.iter() {
            let op_ptr = format!("{item_ptr}/{method}");
            let raw_ext = pointer_get(&spec.document, &op_ptr);
            let Some(built) = build_operation(
                &mut cx,
                &mut ops_cx,
                path,
                method,
                op,
                &item.parameters,
                &op_ptr,
                raw_ext,
                doc_envelope.as_ref(),
            ) else {
                continue;
            };
            let tag = op.tags.first().cloned();
            let module_key = tag.clone().unwrap_or_default();
            let module_name = match ops_cx.module_names.get(&module_key) {
                Some(n) => n.clone(),
                None => {
                    let want = match &tag {
                        Some(t) => ident::snake(t),
                        None => UNTAGGED_MODULE.to_string(),
                    };
                    let n = ops_cx.module_namer.claim(&want);
                    ops_cx.module_names.insert(module_key.clone(), n.clone());
                    n
                }
            };
            let module = modules
                .entry(module_name.clone())
                .or_insert_with(|| Module {
                    name: module_name.clone(),
                    doc: tag
                        .as_ref()
                        .and_then(|t| tag_docs.get(t).cloned())
                        .unwrap_or_default(),
                    operations: Vec::new(),
                });
            module.operations.push(built);
        }
    }

    box_recursive(&mut cx);
    mark_tri_state(&mut cx.types, &ops_cx.patch_bodies);
    let error_body = error_body(&mut cx, &ops_cx.error_types);
    let auth = auth(&mut cx, spec);
    let env_var = env_var(spec, crate_name);
    let schemes = schemes(&mut cx, spec, crate_name, &env_var);
    let base_url_env = format!(
        "{}_BASE_URL",
        heck::ToShoutySnakeCase::to_shouty_snake_case(crate_name)
    );
    let credential_headers = api_key_names(openapi)
        .into_iter()
        .filter(|(location, _)| *location == ParamIn::Header)
        .map(|(_, name)| name)
        .collect();

    let servers: Vec<Server> = openapi
        .servers
        .iter()
        .map(|s| {
            let mut url = s.url.clone();
            if let Some(vars) = &s.variables {
                for (k, v) in vars {
                    url = url.replace(&format!("{{{k}}}"), &v.default);
                }
            }
            Server {
                url,
                description: s.description.clone(),
            }
        })
        .collect();

    let types: Vec<TypeDef> = std::mem::take(&mut cx.types).into_values().collect();
    let api = Api {
        crate_name: crate_name.to_string(),
        title: openapi.info.title.clone(),
        version: openapi.info.version.clone(),
        description: openapi.info.description.clone(),
        base_url: servers.first().map(|s| s.url.clone()),
        servers,
        types,
        error_body,
        modules: modules.into_values().collect(),
        auth,
        env_var,
        credential_headers,
        schemes,
        base_url_env,
    };
    drop(cx);

    let unknown = match walker.map(|w| w.join()) {
        Some(Ok(found)) => found,
        // No thread could be started (or it failed): walk here.
        _ => ext::unknown_keys(&spec.document),
    };
    for (key, ptr) in unknown {
        diags.warning(
            "unknown-extension",
            format!(
                "unknown extension `{key}`; known: {}",
                ext::KNOWN.join(", ")
            ),
            Some(spec.locate(&ptr)),
        );
    }
    for d in pending.iter() {
        diags.push(d.clone());
    }
    if diags.error_count() > errors_before {
        None
    } else {
        Some(api)
    }
}

struct OpsCx {
    method_namer: Namer,
    /// operationId → pointer of its first use.
    op_ids: BTreeMap<String, String>,
    module_names: BTreeMap<String, String>,
    module_namer: Namer,
    /// Distinct error body types, in first-seen order.
    error_types: Vec<TypeRef>,
    /// Types sent as PATCH bodies.
    patch_bodies: Vec<TypeRef>,
}

/// Reads a value at a JSON pointer.
pub(crate) fn pointer_get<'v>(doc: &'v Value, ptr: &str) -> Option<&'v Value> {
    doc.pointer(ptr)
}

/// Derives an operation name from method and path: `GET /pets/{id}/toys` → `get_pets_by_id_toys`.
fn derived_name(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_string()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(p) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            parts.push(format!("by_{p}"));
        } else {
            parts.push(seg.to_string());
        }
    }
    if parts.len() == 1 {
        parts.push("root".into());
    }
    parts.join("_")
}

fn resolve_local<'a, T>(
    map: Option<&'a indexmap::IndexMap<String, ReferenceOr<T>>>,
    prefix: &str,
    r: &'a ReferenceOr<T>,
) -> Option<(&'a T, Option<String>)> {
    let mut cur = r;
    let mut name = None;
    for _ in 0..16 {
        match cur {
            ReferenceOr::Item(t) => return Some((t, name)),
            ReferenceOr::Reference { reference } => {
                let key = reference.strip_prefix(prefix)?;
                let key = key.replace("~1", "/").replace("~0", "~");
                let (k, next) = map?.get_key_value(&key)?;
                name = Some(k.clone());
                cur = next;
            }
        }
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn build_operation<'a>(
    cx: &mut Cx<'a>,
    ops: &mut OpsCx,
    path: &str,
    method: &str,
    op: &'a openapiv3::Operation,
    path_params: &'a [ReferenceOr<openapiv3::Parameter>],
    op_ptr: &str,
    raw: Option<&Value>,
    doc_envelope: Option<&Envelope>,
) -> Option<Operation> {
    let openapi = cx.openapi;
    let components = openapi.components.as_ref();
    let mut duplicate = None;
    let id = match &op.operation_id {
        Some(id) if !id.trim().is_empty() => {
            if let Some(first) = ops.op_ids.get(id) {
                let first = first.clone();
                let first_loc = (cx.locate)(&first);
                let line = first_loc.line.map(|l| format!(":{l}")).unwrap_or_default();
                duplicate = Some(format!(
                    "operationId `{id}` is already used by the operation at {}{line} (#{first})",
                    first_loc.file.display()
                ));
            } else {
                ops.op_ids.insert(id.clone(), op_ptr.to_string());
            }
            id.clone()
        }
        _ => derived_name(method, path),
    };
    let method_name = ops.method_namer.claim(&ident::snake(&id));
    if let Some(msg) = duplicate {
        // Repaired like any other name collision: the method gets a number.
        cx.repaired(
            "duplicate-operation-id",
            msg,
            &format!(
                "this operation's method is named `{}`",
                ident::bare(&method_name)
            ),
            &format!("{op_ptr}/operationId"),
        );
    }
    let builder_name = ident::camel(ident::bare(&method_name));

    let mut doc = Doc {
        summary: op.summary.clone(),
        description: op.description.clone(),
        notes: Vec::new(),
    };
    if op.deprecated {
        doc.notes.push("Deprecated.".into());
    }
    if let Some(reason) = raw.and_then(|r| r.get("x-oagen-inferred")) {
        doc.notes.push(inferred_note(reason));
    }

    // Parameters: path-level first, operation-level overrides by (name, in).
    let mut merged: Vec<(&'a openapiv3::Parameter, String, Option<String>)> = Vec::new();
    let param_map = components.map(|c| &c.parameters);
    let item_ptr = op_ptr.rsplit_once('/').map(|(a, _)| a).unwrap_or(op_ptr);
    for (list, base) in [
        (path_params, item_ptr.to_string()),
        (&op.parameters[..], op_ptr.to_string()),
    ] {
        for (i, p) in list.iter().enumerate() {
            let (param, comp) = match resolve_local(param_map, "#/components/parameters/", p) {
                Some(x) => x,
                // The loader has reported the dangling ref already.
                None => continue,
            };
            let ptr = match &comp {
                Some(name) => format!("/components/parameters/{}", pointer_escape(name)),
                None => format!("{base}/parameters/{i}"),
            };
            let key = (param.parameter_data_ref().name.clone(), location_of(param));
            merged.retain(|(q, _, _)| (q.parameter_data_ref().name.clone(), location_of(q)) != key);
            merged.push((param, ptr, comp));
        }
    }

    let mut pnamer = Namer::with_reserved(BUILDER_RESERVED);
    let mut params: Vec<Param> = Vec::new();
    for (param, ptr, comp) in &merged {
        let data = param.parameter_data_ref();
        let location = location_of(param);
        let style = match param {
            openapiv3::Parameter::Query { style, .. } => {
                let explode = data
                    .explode
                    .unwrap_or(matches!(style, openapiv3::QueryStyle::Form));
                match style {
                    openapiv3::QueryStyle::Form if explode => QueryStyle::Form,
                    openapiv3::QueryStyle::Form => QueryStyle::FormNoExplode,
                    openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                }
            }
            _ => QueryStyle::Form,
        };
        let hint = match comp {
            Some(c) => Name::Field("", c),
            None => Name::Field(&builder_name, &data.name),
        };
        let ty = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(s) => {
                cx.convert_opt(s, hint, &format!("{ptr}/schema"))
            }
            openapiv3::ParameterSchemaOrContent::Content(content) => {
                match content
                    .iter()
                    .next()
                    .and_then(|(mt, m)| m.schema.as_ref().map(|s| (mt, s)))
                {
                    Some((mt, s)) => cx.convert_opt(
                        s,
                        hint,
                        &format!("{ptr}/content/{}/schema", pointer_escape(mt)),
                    ),
                    None => TypeRef::Prim(Prim::String),
                }
            }
        };
        let required = data.required || location == ParamIn::Path;
        let mut pdoc = Doc {
            summary: None,
            description: data.description.clone(),
            notes: Vec::new(),
        };
        if data.deprecated == Some(true) {
            pdoc.notes.push("Deprecated.".into());
        }
        if let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) = &data.format {
            if let Some(d) = &s.schema_data.default {
                pdoc.notes
                    .push(format!("Defaults to `{d}` on the server when not set."));
            }
        }
        params.push(Param {
            wire: data.name.clone(),
            ident: pnamer.claim(cx.snake_name(&data.name)),
            location,
            ty: strip_option_if(ty, required),
            required,
            style,
            doc: pdoc,
            credential: is_credential(cx.openapi, location, &data.name),
        });
    }

    // The path template.
    let mut path_parts = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        if start > 0 {
            path_parts.push(PathPart::Literal(rest[..start].to_string()));
        }
        let name = &rest[start + 1..start + len];
        match params
            .iter()
            .find(|p| p.location == ParamIn::Path && p.wire == name)
        {
            Some(p) => path_parts.push(PathPart::Param(p.ident.clone())),
            None => {
                let mut msg = format!("path `{path}` uses `{{{name}}}`, but the operation declares no path parameter `{name}`");
                if path.contains('?') {
                    // Seen in real specs (medium.com, icons8.com): the query written into the key.
                    msg.push_str("; a path key cannot carry a query string (`?…`): declare those parameters `in: query` and drop them from the key");
                }
                cx.error("undeclared-path-param", msg, op_ptr);
                return None;
            }
        }
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        path_parts.push(PathPart::Literal(rest.to_string()));
    }
    let mut unused = Vec::new();
    params.retain(|p| {
        let used = p.location != ParamIn::Path
            || path_parts
                .iter()
                .any(|pp| matches!(pp, PathPart::Param(i) if *i == p.ident));
        if !used {
            unused.push(p.wire.clone());
        }
        used
    });
    for name in unused {
        cx.warn(
            "unused-path-param",
            format!("path parameter `{name}` does not appear in `{path}`; it is ignored"),
            op_ptr,
        );
    }
    // Required parameters first: path ones in path order, then the others in document order.
    let path_order: Vec<String> = path_parts
        .iter()
        .filter_map(|p| match p {
            PathPart::Param(i) => Some(i.clone()),
            PathPart::Literal(_) => None,
        })
        .collect();
    params.sort_by_key(|p| {
        let rank = match (p.location, p.required) {
            (ParamIn::Path, _) => 0,
            (_, true) => 1,
            (_, false) => 2,
        };
        let pos = path_order.iter().position(|i| *i == p.ident).unwrap_or(0);
        (rank, pos)
    });

    // Request body.
    let body = match &op.request_body {
        None => None,
        Some(rb) => {
            let rb_map = components.map(|c| &c.request_bodies);
            match resolve_local(rb_map, "#/components/requestBodies/", rb) {
                None => None,
                Some((rb, comp)) => {
                    let base = match &comp {
                        Some(n) => format!("/components/requestBodies/{}", pointer_escape(n)),
                        None => format!("{op_ptr}/requestBody"),
                    };
                    let hint = match &comp {
                        Some(n) => Name::Field("", n),
                        None => Name::Hint(format!("{builder_name}Request")),
                    };
                    request_body(cx, rb, &base, hint)
                }
            }
        }
    };
    if method == "patch" {
        if let Some(b) = &body {
            ops.patch_bodies.push(b.ty.clone());
        }
    }

    // Responses.
    let envelope = match raw.and_then(|r| r.get("x-oagen-envelope")) {
        Some(v) => match ext::envelope(v) {
            Ok(e) => e,
            Err(msg) => {
                cx.error(
                    "invalid-extension",
                    msg,
                    &format!("{op_ptr}/x-oagen-envelope"),
                );
                None
            }
        },
        None => doc_envelope.cloned(),
    };
    let output = responses(
        cx,
        ops,
        op,
        op_ptr,
        &builder_name,
        method,
        envelope.as_ref(),
    );

    // Pagination.
    let pagination = match raw.and_then(|r| r.get("x-oagen-pagination")) {
        // Without our extension, a list whose success response declares a `Link` header
        // pages through `Link: <…>; rel="next"`.
        None => match &output {
            Output::Single(ResponseBody::Json(page_ty)) if declares_link_header(cx, op) => {
                item_type(&cx.types, page_ty, "")
                    .ok()
                    .map(|item_ty| Pagination {
                        style: PaginationStyle::LinkHeader,
                        items: String::new(),
                        item_ty,
                        page_ty: page_ty.clone(),
                    })
            }
            _ => None,
        },
        Some(v) => {
            let pptr = format!("{op_ptr}/x-oagen-pagination");
            match ext::pagination(v) {
                Err(msg) => {
                    cx.error("invalid-extension", msg, &pptr);
                    None
                }
                Ok(raw) => match &output {
                    Output::Single(ResponseBody::Json(page_ty)) => {
                        match item_type(&cx.types, page_ty, &raw.items) {
                            Ok(item_ty) => Some(Pagination {
                                style: raw.style,
                                items: raw.items,
                                item_ty,
                                page_ty: page_ty.clone(),
                            }),
                            Err(msg) => {
                                cx.error("invalid-extension", msg, &pptr);
                                None
                            }
                        }
                    }
                    _ => {
                        cx.error(
                            "invalid-extension",
                            "`x-oagen-pagination` needs an operation with a single JSON success response",
                            &pptr,
                        );
                        None
                    }
                },
            }
        }
    };

    let security: Vec<Vec<String>> = op
        .security
        .as_ref()
        .or(cx.openapi.security.as_ref())
        .map(|reqs| reqs.iter().map(|r| r.keys().cloned().collect()).collect())
        .unwrap_or_default();
    let auth = match &op.security {
        None => OpAuth::Default,
        Some(reqs) if reqs.is_empty() || reqs.iter().any(|r| r.is_empty()) => OpAuth::None,
        Some(reqs) => {
            let primary = primary_scheme(cx.openapi);
            let names: Vec<&String> = reqs.iter().flat_map(|r| r.keys()).collect();
            if names.iter().any(|n| Some(n.as_str()) == primary.as_deref()) {
                OpAuth::Default
            } else {
                match names.first() {
                    Some(n) => {
                        doc.notes.push(format!(
                            "Authenticates with the `{n}` security scheme: set its credential on the client builder."
                        ));
                        OpAuth::Other((*n).clone())
                    }
                    None => OpAuth::Default,
                }
            }
        }
    };

    Some(Operation {
        id,
        method_name,
        builder_name,
        http_method: method.to_ascii_uppercase(),
        path: path.to_string(),
        path_parts,
        doc,
        deprecated: op.deprecated,
        params,
        body,
        output,
        pagination,
        envelope,
        auth,
        security,
        pointer: op_ptr.to_string(),
    })
}

/// Whether a success response of the operation declares a `Link` header.
fn declares_link_header(cx: &Cx<'_>, op: &openapiv3::Operation) -> bool {
    let resp_map = cx.openapi.components.as_ref().map(|c| &c.responses);
    op.responses.responses.iter().any(|(code, r)| {
        let success = matches!(code, StatusCode::Code(c) if (200..300).contains(c))
            || matches!(code, StatusCode::Range(2));
        success
            && resolve_local(resp_map, "#/components/responses/", r).is_some_and(|(resp, _)| {
                resp.headers.keys().any(|h| h.eq_ignore_ascii_case("link"))
            })
    })
}

fn strip_option_if(ty: TypeRef, required: bool) -> TypeRef {
    match ty {
        // An optional parameter is an `Option` already; a nullable one adds nothing.
        TypeRef::Option(inner) if !required => *inner,
        other => other,
    }
}

fn location_of(p: &openapiv3::Parameter) -> ParamIn {
    match p {
        openapiv3::Parameter::Query { .. } => ParamIn::Query,
        openapiv3::Parameter::Header { .. } => ParamIn::Header,
        openapiv3::Parameter::Path { .. } => ParamIn::Path,
        openapiv3::Parameter::Cookie { .. } => ParamIn::Cookie,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Media {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
}

fn classify(mt: &str) -> Media {
    let mt = mt
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mt.contains("json") {
        Media::Json
    } else if mt == "application/x-www-form-urlencoded" {
        Media::Form
    } else if mt.starts_with("multipart/") {
        Media::Multipart
    } else if mt.starts_with("text/") || mt == "application/xml" || mt.ends_with("+xml") {
        Media::Text
    } else {
        Media::Binary
    }
}

fn request_body<'a>(
    cx: &mut Cx<'a>,
    rb: &'a openapiv3::RequestBody,
    base: &str,
    hint: Name<'_>,
) -> Option<Body> {
    let (mt, media) = rb.content.iter().min_by_key(|(mt, _)| classify(mt))?;
    let kind_class = classify(mt);
    let sptr = format!("{base}/content/{}/schema", pointer_escape(mt));
    let doc = Doc {
        summary: None,
        description: rb.description.clone(),
        notes: Vec::new(),
    };
    let schema_ty = media
        .schema
        .as_ref()
        .map(|s| cx.convert_opt(s, hint, &sptr));
    let (kind, ty) = match kind_class {
        Media::Json => (
            BodyKind::Json,
            schema_ty.unwrap_or(TypeRef::Prim(Prim::Value)),
        ),
        Media::Form => (
            BodyKind::Form,
            schema_ty.unwrap_or(TypeRef::Map(Box::new(TypeRef::Prim(Prim::String)))),
        ),
        Media::Multipart => {
            let ty = schema_ty.unwrap_or(TypeRef::Prim(Prim::Value));
            let parts = match &ty {
                TypeRef::Named(n) => match cx.types.get(n).map(|t| &t.kind) {
                    Some(TypeKind::Struct { fields, .. }) => fields
                        .iter()
                        .map(|f| MultipartPart {
                            wire: f.wire.clone(),
                            ident: f.ident.clone(),
                            binary: is_binary(&f.ty),
                            optional: !f.required || f.nullable,
                        })
                        .collect(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            (BodyKind::Multipart { parts }, ty)
        }
        Media::Text => (BodyKind::Text, TypeRef::Prim(Prim::String)),
        Media::Binary => (BodyKind::Bytes, TypeRef::Prim(Prim::Binary)),
    };
    Some(Body {
        kind,
        content_type: mt.clone(),
        ty,
        required: rb.required,
        doc,
    })
}

fn is_binary(t: &TypeRef) -> bool {
    match t {
        TypeRef::Prim(Prim::Binary) => true,
        TypeRef::Option(i) => is_binary(i),
        _ => false,
    }
}

fn status_variant(code: u16) -> String {
    match code {
        200 => "Ok".into(),
        201 => "Created".into(),
        202 => "Accepted".into(),
        203 => "NonAuthoritativeInformation".into(),
        204 => "NoContent".into(),
        205 => "ResetContent".into(),
        206 => "PartialContent".into(),
        207 => "MultiStatus".into(),
        other => format!("Status{other}"),
    }
}

fn responses<'a>(
    cx: &mut Cx<'a>,
    ops: &mut OpsCx,
    op: &'a openapiv3::Operation,
    op_ptr: &str,
    builder_name: &str,
    method: &str,
    envelope: Option<&Envelope>,
) -> Output {
    let resp_map = cx.openapi.components.as_ref().map(|c| &c.responses);
    let mut success: Vec<(Option<u16>, String, &ReferenceOr<openapiv3::Response>)> = Vec::new();
    let mut errors: Vec<(String, &ReferenceOr<openapiv3::Response>)> = Vec::new();
    for (code, r) in &op.responses.responses {
        match code {
            StatusCode::Code(c) if (200..300).contains(c) => {
                success.push((Some(*c), c.to_string(), r))
            }
            StatusCode::Range(2) => success.push((None, "2XX".into(), r)),
            StatusCode::Code(c) => errors.push((c.to_string(), r)),
            StatusCode::Range(n) => errors.push((format!("{n}XX"), r)),
        }
    }
    if let Some(d) = &op.responses.default {
        if success.is_empty() {
            success.push((None, "default".into(), d));
        } else {
            errors.push(("default".into(), d));
        }
    }
    // Error bodies feed the crate-wide error type.
    for (code, r) in errors {
        let rptr = format!("{op_ptr}/responses/{}", pointer_escape(&code));
        let Some((resp, comp)) = resolve_local(resp_map, "#/components/responses/", r) else {
            continue;
        };
        let base = match &comp {
            Some(n) => format!("/components/responses/{}", pointer_escape(n)),
            None => rptr,
        };
        let comp_name;
        let hint = match &comp {
            Some(n) => {
                comp_name = Name::Field("", n);
                Name::Child(&comp_name, "Body")
            }
            None => Name::Hint(format!("{builder_name}Error")),
        };
        if let Some((mt, m)) = resp
            .content
            .iter()
            .find(|(mt, _)| classify(mt) == Media::Json)
        {
            if let Some(s) = &m.schema {
                let sptr = format!("{base}/content/{}/schema", pointer_escape(mt));
                let ty = cx.convert_opt(s, hint, &sptr);
                if !ops.error_types.contains(&ty) {
                    ops.error_types.push(ty);
                }
            }
        }
    }

    let multi = success.len() > 1;
    let mut cases = Vec::new();
    for (code, label, r) in success {
        let rptr = format!("{op_ptr}/responses/{}", pointer_escape(&label));
        let Some((resp, comp)) = resolve_local(resp_map, "#/components/responses/", r) else {
            continue;
        };
        let base = match &comp {
            Some(n) => format!("/components/responses/{}", pointer_escape(n)),
            None => rptr,
        };
        let hint = match (&comp, multi, code) {
            (Some(n), _, _) => Name::Field("", n),
            (None, true, Some(c)) => Name::Hint(format!("{builder_name}Response{c}")),
            (None, _, _) => Name::Hint(format!("{builder_name}Response")),
        };
        let body = if method == "head" {
            ResponseBody::Empty
        } else {
            match resp.content.iter().min_by_key(|(mt, _)| classify(mt)) {
                None => ResponseBody::Empty,
                Some((mt, m)) => match classify(mt) {
                    Media::Json => {
                        let ty = match &m.schema {
                            Some(s) => {
                                let sptr = format!("{base}/content/{}/schema", pointer_escape(mt));
                                cx.convert_opt(s, hint, &sptr)
                            }
                            None => TypeRef::Prim(Prim::Value),
                        };
                        ResponseBody::Json(unwrap_envelope(&cx.types, ty, envelope))
                    }
                    Media::Text | Media::Form => ResponseBody::Text,
                    Media::Binary | Media::Multipart => ResponseBody::Binary,
                },
            }
        };
        let variant = match code {
            Some(c) => status_variant(c),
            None if label == "2XX" => "Success".into(),
            None => "Default".into(),
        };
        cases.push(StatusCase {
            status: code,
            variant,
            body,
        });
    }
    if cases.is_empty() {
        return Output::Single(ResponseBody::Empty);
    }
    let first = cases[0].body.clone();
    if cases.iter().all(|c| c.body == first) {
        return Output::Single(first);
    }
    Output::ByStatus {
        name: format!("{builder_name}Output"),
        cases,
    }
}

/// The payload type inside an envelope, or the type itself when it has no such field.
fn unwrap_envelope(
    types: &BTreeMap<String, TypeDef>,
    ty: TypeRef,
    envelope: Option<&Envelope>,
) -> TypeRef {
    let Some(env) = envelope else { return ty };
    let TypeRef::Named(n) = &ty else { return ty };
    match types.get(n).map(|t| &t.kind) {
        Some(TypeKind::Struct { fields, .. }) => {
            match fields.iter().find(|f| f.wire == env.data_field) {
                Some(f) => wrap_nullable(f.ty.clone(), f.nullable || !f.required),
                None => ty,
            }
        }
        _ => ty,
    }
}

fn item_type(
    types: &BTreeMap<String, TypeDef>,
    page: &TypeRef,
    path: &str,
) -> Result<TypeRef, String> {
    let mut cur = page.clone();
    if !path.is_empty() {
        for seg in path.split('.') {
            let inner = strip_opt(&cur).clone();
            let TypeRef::Named(n) = &inner else {
                return Err(format!(
                    "pagination `items` path `{path}`: `{seg}` is not inside an object"
                ));
            };
            let field = match types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Struct { fields, .. }) => fields.iter().find(|f| f.wire == seg),
                Some(TypeKind::Alias(a)) => {
                    cur = a.clone();
                    return item_type(types, &cur, path);
                }
                Some(TypeKind::Union { variants, .. }) => {
                    // The page shape varies: the alternatives that have the path decide.
                    let found: Vec<TypeRef> = variants
                        .iter()
                        .filter_map(|v| item_type(types, &v.ty, path).ok())
                        .collect();
                    return match found.first() {
                        Some(first) if found.iter().all(|f| f == first) => Ok(first.clone()),
                        Some(_) => Err(format!("pagination `items` path `{path}` leads to different item types in the alternatives of `{n}`")),
                        None => Err(format!("pagination `items` path `{path}`: no alternative of `{n}` has it")),
                    };
                }
                _ => None,
            };
            match field {
                Some(f) => cur = f.ty.clone(),
                None => {
                    return Err(format!(
                        "pagination `items` path `{path}`: `{n}` has no property `{seg}`"
                    ))
                }
            }
        }
    }
    match strip_opt(&cur) {
        TypeRef::Vec(item) => Ok((**item).clone()),
        TypeRef::Named(n) => match types.get(n).map(|t| &t.kind) {
            Some(TypeKind::Alias(TypeRef::Vec(item))) => Ok((**item).clone()),
            _ => Err(format!(
                "pagination `items` path `{path}` does not lead to an array"
            )),
        },
        _ => Err(format!(
            "pagination `items` path `{path}` does not lead to an array"
        )),
    }
}

fn strip_opt(t: &TypeRef) -> &TypeRef {
    match t {
        TypeRef::Option(i) => strip_opt(i),
        other => other,
    }
}

/// The names a type refers to without indirection (not through `Vec` or a map).
fn direct_names<'t>(t: &'t TypeRef, out: &mut Vec<&'t str>) {
    match t {
        TypeRef::Named(n) => out.push(n),
        TypeRef::Option(i) => direct_names(i, out),
        TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Prim(_) => {}
    }
}

/// Boxes struct fields and union payloads that close a cycle of direct containment.
fn box_recursive(cx: &mut Cx<'_>) {
    // The containment graph over the types (by their index in name order), and its cycles.
    let cyclic: FastMap<String, usize> = {
        let index: FastMap<&str, usize> = cx
            .types
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let mut out = Vec::new();
        let edges: Vec<Vec<usize>> = cx
            .types
            .values()
            .map(|t| {
                out.clear();
                match &t.kind {
                    TypeKind::Struct { fields, .. } => {
                        fields.iter().for_each(|f| direct_names(&f.ty, &mut out))
                    }
                    TypeKind::Union { variants, .. } => {
                        variants.iter().for_each(|v| direct_names(&v.ty, &mut out))
                    }
                    TypeKind::Alias(a) => direct_names(a, &mut out),
                    TypeKind::Enum { .. } => {}
                }
                let mut to: Vec<usize> = out.iter().filter_map(|n| index.get(n).copied()).collect();
                to.sort_unstable();
                to.dedup();
                to
            })
            .collect();
        let comp = cycle_components(&edges);
        cx.types
            .keys()
            .zip(comp)
            .filter_map(|(k, c)| Some((k.clone(), c?)))
            .collect()
    };
    // Whether `a` and `b` sit on one cycle.
    let same = |a: &str, b: &str| cyclic.get(a).is_some_and(|c| cyclic.get(b) == Some(c));
    let mut alias_cycles = Vec::new();
    let mut out = Vec::new();
    for (name, t) in cx.types.iter_mut() {
        match &mut t.kind {
            TypeKind::Struct { fields, .. } => {
                for f in fields {
                    out.clear();
                    direct_names(&f.ty, &mut out);
                    if out.iter().any(|o| same(name, o)) {
                        f.boxed = true;
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for v in variants {
                    out.clear();
                    direct_names(&v.ty, &mut out);
                    if out.iter().any(|o| same(name, o)) {
                        v.boxed = true;
                    }
                }
            }
            TypeKind::Alias(a) => {
                out.clear();
                direct_names(a, &mut out);
                if out.iter().any(|o| o == name) {
                    alias_cycles.push(name.clone());
                }
            }
            TypeKind::Enum { .. } => {}
        }
    }
    for name in alias_cycles {
        let ptr = cx
            .types
            .get(&name)
            .map(|t| t.pointer.clone())
            .unwrap_or_default();
        cx.warn(
            "unsupported-schema",
            format!(
                "`{name}` refers to itself without an object in between; using `serde_json::Value`"
            ),
            &ptr,
        );
        if let Some(t) = cx.types.get_mut(&name) {
            t.kind = TypeKind::Alias(TypeRef::Prim(Prim::Value));
        }
    }
}

/// Strongly connected components of a graph given as sorted, deduplicated edge lists
/// (iterative Tarjan). Numbers the nodes in a cycle (a component with more than one node,
/// or a self-loop) by component; other nodes get `None`.
fn cycle_components(edges: &[Vec<usize>]) -> Vec<Option<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut comp: Vec<Option<usize>> = vec![None; n];
    let mut next = 0usize;
    let mut comp_id = 0usize;
    // The DFS path: each node with the position of its next edge to follow.
    let mut path: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        order[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        path.push((root, 0));
        while let Some(&(v, pos)) = path.last() {
            if let Some(&w) = edges[v].get(pos) {
                if let Some(top) = path.last_mut() {
                    top.1 += 1;
                }
                if order[w] == UNSEEN {
                    order[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    path.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            path.pop();
            if let Some(&(u, _)) = path.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == order[v] {
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                if members.len() > 1 || edges[v].binary_search(&v).is_ok() {
                    for m in members {
                        comp[m] = Some(comp_id);
                    }
                    comp_id += 1;
                }
            }
        }
    }
    comp
}

fn all_names(t: &TypeRef, out: &mut Vec<String>) {
    match t {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::Option(i) | TypeRef::Vec(i) | TypeRef::Map(i) => all_names(i, out),
        TypeRef::Prim(_) => {}
    }
}

/// Marks optional nullable fields of every type reachable from a PATCH body as tri-state.
fn mark_tri_state(types: &mut BTreeMap<String, TypeDef>, roots: &[TypeRef]) {
    let mut todo = Vec::new();
    for r in roots {
        all_names(r, &mut todo);
    }
    let mut seen = BTreeSet::new();
    while let Some(n) = todo.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        let Some(t) = types.get_mut(&n) else { continue };
        match &mut t.kind {
            TypeKind::Struct { fields, additional } => {
                for f in fields.iter_mut() {
                    if !f.required && f.nullable {
                        f.tri_state = true;
                    }
                    all_names(&f.ty, &mut todo);
                }
                if let Some(a) = additional {
                    all_names(a, &mut todo);
                }
            }
            TypeKind::Union { variants, .. } => {
                variants.iter().for_each(|v| all_names(&v.ty, &mut todo))
            }
            TypeKind::Alias(a) => all_names(a, &mut todo),
            TypeKind::Enum { .. } => {}
        }
    }
}

/// The crate's error body: the one error schema, or an untagged union of them.
fn error_body(cx: &mut Cx<'_>, found: &[TypeRef]) -> TypeRef {
    match found {
        [] => TypeRef::Prim(Prim::Value),
        [one] => one.clone(),
        many => {
            let name = cx.namer.claim("ApiErrorBody");
            let mut vnamer = Namer::with_reserved(&["Unknown"]);
            let mut variants: Vec<UnionVariant> = many
                .iter()
                .filter(|t| **t != TypeRef::Prim(Prim::Value))
                .map(|t| UnionVariant {
                    name: vnamer.claim(&match t {
                        TypeRef::Named(n) => n.clone(),
                        _ => "Other".into(),
                    }),
                    tags: Vec::new(),
                    ty: t.clone(),
                    boxed: false,
                })
                .collect();
            variants.push(UnionVariant {
                name: vnamer.claim("Other"),
                tags: Vec::new(),
                ty: TypeRef::Prim(Prim::Value),
                boxed: false,
            });
            cx.types.insert(
                name.clone(),
                TypeDef {
                    name: name.clone(),
                    doc: Doc {
                        summary: Some("An error body returned by the API.".into()),
                        description: Some(
                            "The API documents several error shapes; decoding tries each in the order below, and keeps any other JSON as `Other`.".into(),
                        ),
                        notes: Vec::new(),
                    },
                    kind: TypeKind::Union { tag: None, variants },
                    pointer: String::new(),
                },
            );
            TypeRef::Named(name)
        }
    }
}

/// The client's scheme: the first of the top-level `security`, else of the first operation
/// that names one.
fn primary_scheme(openapi: &openapiv3::OpenAPI) -> Option<String> {
    let name = openapi
        .security
        .as_ref()
        .and_then(|reqs| reqs.iter().find_map(|r| r.keys().next().cloned()));
    name.or_else(|| {
        openapi
            .paths
            .iter()
            .filter_map(|(_, i)| i.as_item())
            .flat_map(|i| i.iter())
            .find_map(|(_, op)| {
                op.security
                    .as_ref()
                    .and_then(|reqs| reqs.iter().find_map(|r| r.keys().next().cloned()))
            })
    })
}

/// Builder methods a scheme's setter must not take.
const BUILDER_METHODS: &[&str] = &[
    "auth",
    "base_url",
    "timeout",
    "connect_timeout",
    "retry_policy",
    "user_agent",
    "default_header",
    "http_client",
    "build",
    "max_error_body",
    "api_key",
    "basic_auth",
    "sensitive_header",
    "security_scheme",
    "credential",
];

/// Every security scheme, the client's first.
fn schemes(
    cx: &mut Cx<'_>,
    spec: &LoadedSpec,
    crate_name: &str,
    primary_env: &str,
) -> Vec<SecurityScheme> {
    let openapi = cx.openapi;
    let primary = primary_scheme(openapi);
    let mut names: Vec<String> = openapi
        .components
        .iter()
        .flat_map(|c| c.security_schemes.keys().cloned())
        .collect();
    if let Some(p) = &primary {
        if let Some(i) = names.iter().position(|n| n == p) {
            let p = names.remove(i);
            names.insert(0, p);
        }
    }
    let crate_shout = heck::ToShoutySnakeCase::to_shouty_snake_case(crate_name);
    let mut taken: Vec<String> = BUILDER_METHODS.iter().map(|s| (*s).to_string()).collect();
    let mut out = Vec::new();
    for name in names {
        let Some(kind) = scheme_kind(cx, spec, &name) else {
            continue;
        };
        let ptr = format!("/components/securitySchemes/{}", pointer_escape(&name));
        let ext_env = spec
            .document
            .pointer(&format!("{ptr}/x-oagen-env"))
            .and_then(Value::as_str)
            .map(String::from);
        let env_var = match ext_env {
            Some(v) => v,
            None if Some(&name) == primary.as_ref() => primary_env.to_string(),
            None => format!(
                "{crate_shout}_{}",
                heck::ToShoutySnakeCase::to_shouty_snake_case(name.as_str())
            ),
        };
        let mut setter = crate::ident::snake(&name);
        if taken.contains(&setter) {
            setter = format!("{setter}_credential");
        }
        while taken.contains(&setter) {
            setter.push('_');
        }
        taken.push(setter.clone());
        let description = spec
            .document
            .pointer(&format!("{ptr}/description"))
            .and_then(Value::as_str)
            .map(String::from);
        out.push(SecurityScheme {
            name,
            setter,
            kind,
            env_var,
            description,
        });
    }
    out
}

fn auth(cx: &mut Cx<'_>, spec: &LoadedSpec) -> Option<AuthScheme> {
    let name = primary_scheme(cx.openapi)?;
    scheme_kind(cx, spec, &name)
}

/// How the credential of scheme `name` is sent.
fn scheme_kind(cx: &mut Cx<'_>, spec: &LoadedSpec, name: &str) -> Option<AuthScheme> {
    let openapi = cx.openapi;
    let name = name.to_string();
    let ptr = format!("/components/securitySchemes/{}", pointer_escape(&name));
    let scheme = openapi
        .components
        .as_ref()
        .and_then(|c| c.security_schemes.get(&name))
        .and_then(|s| s.as_item());
    let Some(scheme) = scheme else {
        cx.error(
            "dangling-ref",
            format!("security scheme `{name}` is not defined"),
            "/security",
        );
        return None;
    };
    let prefix = spec
        .document
        .pointer(&format!("{ptr}/x-oagen-auth-prefix"))
        .and_then(Value::as_str)
        .map(String::from);
    use openapiv3::{APIKeyLocation, SecurityScheme};
    Some(match scheme {
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
            AuthScheme::Basic
        }
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
            AuthScheme::Bearer
        }
        SecurityScheme::HTTP { scheme, .. } => {
            cx.warn(
                "unsupported-auth",
                format!(
                    "http scheme `{scheme}` is not supported; sending the secret as a bearer token"
                ),
                &ptr,
            );
            AuthScheme::Bearer
        }
        SecurityScheme::APIKey { location, name, .. } => match location {
            APIKeyLocation::Header => AuthScheme::Header {
                name: name.clone(),
                prefix,
            },
            APIKeyLocation::Query => AuthScheme::Query { name: name.clone() },
            APIKeyLocation::Cookie => AuthScheme::Cookie { name: name.clone() },
        },
        SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => AuthScheme::Bearer,
    })
}

/// Where each `apiKey` security scheme puts its key, in document order.
fn api_key_names(openapi: &openapiv3::OpenAPI) -> Vec<(ParamIn, String)> {
    use openapiv3::{APIKeyLocation, SecurityScheme};
    openapi
        .components
        .iter()
        .flat_map(|c| c.security_schemes.values())
        .filter_map(|s| match s.as_item() {
            Some(SecurityScheme::APIKey { location, name, .. }) => Some((
                match location {
                    APIKeyLocation::Header => ParamIn::Header,
                    APIKeyLocation::Query => ParamIn::Query,
                    APIKeyLocation::Cookie => ParamIn::Cookie,
                },
                name.clone(),
            )),
            _ => None,
        })
        .collect()
}

/// Whether a parameter carries a credential: the `Authorization`, `Proxy-Authorization` or
/// `Cookie` header, or the header (any case), query parameter or cookie of an `apiKey` scheme.
fn is_credential(openapi: &openapiv3::OpenAPI, location: ParamIn, name: &str) -> bool {
    let builtin = ["Authorization", "Proxy-Authorization", "Cookie"];
    if location == ParamIn::Header && builtin.iter().any(|h| h.eq_ignore_ascii_case(name)) {
        return true;
    }
    api_key_names(openapi).iter().any(|(l, n)| {
        *l == location
            && (n == name || (location == ParamIn::Header && n.eq_ignore_ascii_case(name)))
    })
}

fn env_var(spec: &LoadedSpec, crate_name: &str) -> String {
    let from_ext = spec
        .document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .and_then(|m| {
            m.values()
                .find_map(|s| s.get("x-oagen-env").and_then(Value::as_str))
        });
    match from_ext {
        Some(v) => v.to_string(),
        None => format!(
            "{}_API_KEY",
            heck::ToShoutySnakeCase::to_shouty_snake_case(crate_name)
        ),
    }
}
