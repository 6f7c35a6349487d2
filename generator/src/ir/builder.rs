//! Building the IR from a loaded spec: operations, parameters, bodies, responses, then the
//! whole-API passes (recursion boxing, PATCH tri-state fields, the shared error type).

use super::ext;
use super::schema::{inferred_note, wrap_nullable, Cx, Name, SRef};
use super::*;
use crate::diag::Diagnostics;
use crate::ident::{self, Namer};
use crate::load::pointer::{self, Hop};
use crate::load::v32::QUERYSTRING_MARK;
use crate::load::LoadedSpec;
use openapiv3::{ReferenceOr, StatusCode};
// Lookups only: a map iterated on an output path stays a `BTreeMap`.
use rustc_hash::FxHashMap as FastMap;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

mod auth;
mod operation;
mod recursion;
mod request;
mod response;
mod tags;
mod webhooks;

use auth::*;
use operation::*;
use recursion::*;
use request::*;
use response::*;

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
    "stream",
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
    cx.streams = Some(&spec.streams);

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
    let tags = tags::Tags::read(spec);

    let mut ops_cx = OpsCx {
        method_namer: Namer::with_reserved(CLIENT_RESERVED),
        op_ids: BTreeMap::new(),
        module_names: BTreeMap::new(),
        module_namer: Namer::with_reserved(&["types", "client", "prelude", "error"]),
        error_types: Vec::new(),
        patch_bodies: Vec::new(),
    };
    let mut modules: BTreeMap<String, Module> = BTreeMap::new();

    let mut extra_ops: FastMap<&str, Vec<&crate::load::v32::ExtraOperation>> = FastMap::default();
    for e in &spec.extra_operations {
        extra_ops.entry(e.path.as_str()).or_default().push(e);
    }
    for (path, item) in openapi.paths.iter() {
        let item_ptr = format!("/paths/{}", pointer::escape(path));
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
        // The operations of the 3.0 fields, then 3.2's `query` and `additionalOperations`.
        let fixed = item.iter().map(|(method, op)| {
            let op_ptr = format!("{item_ptr}/{method}");
            (method.to_string(), method.to_ascii_uppercase(), op_ptr, op)
        });
        let extra = extra_ops.get(path.as_str()).into_iter().flatten().map(|e| {
            let name = e.method.to_ascii_lowercase();
            (name, e.method.clone(), e.pointer.clone(), &e.operation)
        });
        let ops: Vec<_> = fixed.chain(extra).collect();
        for (method, http_method, op_ptr, op) in ops {
            let raw_ext = pointer::get(&spec.document, &op_ptr);
            let Some(mut built) = build_operation(
                &mut cx,
                &mut ops_cx,
                OpSite {
                    path,
                    method: &method,
                    http_method,
                    item_ptr: &item_ptr,
                    op_ptr: &op_ptr,
                },
                op,
                &item.parameters,
                raw_ext,
                doc_envelope.as_ref(),
            ) else {
                continue;
            };
            built.doc.notes.extend(tags.badges_note(&op.tags));
            let tag = tags.module_tag(&op.tags).cloned();
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
                    doc: tag.as_ref().map(|t| tags.doc(t)).unwrap_or_default(),
                    parent: None,
                    operations: Vec::new(),
                    gate: Gate::Always,
                });
            module.operations.push(built);
        }
    }
    tags.relate(&mut modules, &ops_cx.module_names);

    let webhooks = webhooks::webhooks(&mut cx, spec, &mut ops_cx);

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
    let modules: Vec<Module> = modules.into_values().collect();
    let api = Api {
        crate_name: crate_name.to_string(),
        title: openapi.info.title.clone(),
        version: openapi.info.version.clone(),
        description: openapi.info.description.clone(),
        base_url: servers.first().map(|s| s.url.clone()),
        servers,
        types,
        error_body,
        quickstart: quickstart(&modules),
        modules,
        auth,
        env_var,
        credential_headers,
        schemes,
        base_url_env,
        features: Vec::new(),
        webhooks,
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

/// Resolves a parameter, request body or response that may be a `$ref` into its component
/// section (`prefix`, e.g. `#/components/parameters/`): the item and the name of the last
/// component the chain passed through. `None` for a dangling ref or a loop.
fn resolve_local<'a, T>(
    map: Option<&'a indexmap::IndexMap<String, ReferenceOr<T>>>,
    prefix: &str,
    r: &'a ReferenceOr<T>,
) -> Option<(&'a T, Option<String>)> {
    let section = prefix.strip_prefix('#')?;
    let mut name = None;
    let end = pointer::follow(r, |cur| match cur {
        ReferenceOr::Item(_) => Hop::End,
        ReferenceOr::Reference { reference } => {
            let next = pointer::local(reference).and_then(|p| {
                let key = pointer::unescape(p.strip_prefix(section)?).into_owned();
                map?.get_key_value(&key)
            });
            match next {
                Some((k, next)) => {
                    name = Some(k.clone());
                    Hop::To(next)
                }
                None => Hop::Broken,
            }
        }
    })?;
    match end {
        ReferenceOr::Item(t) => Some((t, name)),
        ReferenceOr::Reference { .. } => None,
    }
}

/// Whether the quickstart can call `op` without knowing the API: no required body, and every
/// required parameter of a type an example value can be written for (the renderer writes
/// `"example-<name>"`, `1`, `true` or `Uuid::nil()`).
fn callable(op: &Operation) -> bool {
    !op.body.as_ref().is_some_and(|b| b.required)
        && op.params.iter().filter(|p| p.required).all(|p| {
            matches!(
                p.ty,
                TypeRef::Prim(Prim::String | Prim::I32 | Prim::I64 | Prim::Bool | Prim::Uuid)
            )
        })
}

/// The quickstart's operations (not deprecated, [`callable`]): the first paginated list, and
/// the first `GET` that decodes JSON and does not paginate (else the first non-paginated
/// `GET`). Modules in name order, operations in document order.
fn quickstart(modules: &[Module]) -> Quickstart {
    let find = |want: &dyn Fn(&Operation) -> bool| {
        modules.iter().enumerate().find_map(|(mi, m)| {
            m.operations
                .iter()
                .position(|op| want(op) && !op.deprecated && callable(op))
                .map(|oi| OpRef {
                    module: mi,
                    operation: oi,
                })
        })
    };
    let list = find(&|op| op.pagination.is_some());
    let call = find(&|op| {
        op.http_method == "GET"
            && op.pagination.is_none()
            && matches!(op.output, Output::Single(ResponseBody::Json(_)))
    })
    .or_else(|| find(&|op| op.http_method == "GET" && op.pagination.is_none()));
    Quickstart {
        call,
        list,
        required_features: Vec::new(),
    }
}
