//! The webhooks module: one event per webhook operation (3.1 `webhooks`) and per callback
//! operation (`callbacks`), its payload type (the request body the API sends), the rule that
//! tells the events apart, and the signature scheme.
//!
//! The rule, in order:
//! 1. one event: the body is that event's;
//! 2. a header: every event's operation declares a required header parameter of the same
//!    name whose schema has a single `enum`/`const` string value, distinct per event
//!    (GitHub's `X-GitHub-Event`);
//! 3. a body property: every payload is a JSON object schema with a top-level property of the
//!    same name whose schema has a single `enum`/`const` string value, distinct per event
//!    (Standard Webhooks' `type`); properties of `allOf` members count;
//! 4. otherwise nothing tells them apart: a warning, no `parse`, and each event keeps its
//!    `parse_<name>` (for a server that receives each on its own route).

use super::*;
use crate::ir::webhook::{Dispatch, EventSource, WebhookEvent, WebhookSignature, Webhooks};

/// Names the `Webhooks` struct's own methods take.
const METHODS: &[&str] = &[
    "new",
    "with_secret",
    "tolerance",
    "verifier",
    "parse",
    "clone",
    "fmt",
];

/// Module names tried in turn, before numbering the last.
const MODULE_NAMES: &[&str] = &["webhooks", "webhook_events", "incoming_webhooks"];

/// An event found in the document, before naming.
struct Found<'a> {
    name: String,
    source: EventSource,
    op: &'a openapiv3::Operation,
    item: &'a openapiv3::PathItem,
    ptr: String,
    item_ptr: String,
}

pub(super) fn webhooks<'a>(
    cx: &mut Cx<'a>,
    spec: &'a LoadedSpec,
    ops: &mut OpsCx,
) -> Option<Webhooks> {
    let found = find(cx, spec);
    if found.is_empty() {
        return None;
    }
    let module = match MODULE_NAMES
        .iter()
        .find(|n| !ops.module_names.values().any(|m| m == *n))
    {
        Some(n) => ops.module_namer.claim(n),
        None => ops.module_namer.claim(MODULE_NAMES[1]),
    };
    let mut variants = Namer::with_reserved(&["Unknown"]);
    let mut methods = Namer::with_reserved(METHODS);
    let components = cx.openapi.components.as_ref();
    let mut events = Vec::new();
    for f in &found {
        let variant = variants.claim(&ident::camel(&f.name));
        let parse_fn = methods.claim(&format!("parse_{}", ident::snake(&f.name)));
        let payload = f.op.request_body.as_ref().and_then(|rb| {
            let map = components.map(|c| &c.request_bodies);
            let (rb, comp) = resolve_local(map, "#/components/requestBodies/", rb)?;
            let base = match &comp {
                Some(n) => format!("/components/requestBodies/{}", pointer::escape(n)),
                None => format!("{}/requestBody", f.ptr),
            };
            let hint = match &comp {
                Some(n) => Name::Field("", n),
                None => Name::Hint(format!("{}Payload", ident::bare(&variant))),
            };
            let body = request_body(cx, rb, &base, hint)?;
            // A multipart webhook body is handed over as bytes: the runtime reads no
            // multipart requests.
            Some(match body.kind {
                BodyKind::Multipart { .. } => Body {
                    kind: BodyKind::Bytes,
                    ty: TypeRef::Prim(Prim::Binary),
                    ..body
                },
                _ => body,
            })
        });
        let mut doc = Doc {
            summary: f.op.summary.clone().or_else(|| f.item.summary.clone()),
            description: f
                .op
                .description
                .clone()
                .or_else(|| f.item.description.clone()),
            notes: Vec::new(),
        };
        doc.notes.push(match &f.source {
            EventSource::Webhook { key, method } => format!("Webhook `{key}` (`{method}`)."),
            EventSource::Callback {
                operation,
                name,
                expression,
                method,
            } => format!("Callback `{name}` of operation `{operation}`: `{method} {expression}`."),
        });
        if f.op.deprecated {
            doc.notes.push("Deprecated.".into());
        }
        events.push(WebhookEvent {
            name: f.name.clone(),
            source: f.source.clone(),
            variant,
            parse_fn,
            doc,
            payload,
            tag: None,
            pointer: f.ptr.clone(),
        });
    }
    let dispatch = dispatch(spec, &found, &mut events);
    if dispatch == Dispatch::Undecided {
        let names: Vec<String> = events.iter().map(|e| format!("`{}`", e.name)).collect();
        let at = found[0].ptr.clone();
        let loc = (cx.locate)(&at);
        cx.diags.push(
            crate::diag::Diagnostic::warning(
                "ambiguous-webhook-events",
                format!(
                    "nothing tells the events {} apart: `parse` is not generated; each has its own `parse_<name>` method, for a server that receives them on separate routes",
                    names.join(", ")
                ),
            )
            .at(loc)
            .with_help(
                "give each payload a top-level property (such as `type`) with one `const` or `enum` value per event, or declare a required event-type header with one value per event",
            ),
        );
    }
    let signature = signature(cx, spec, &found)?;
    Some(Webhooks {
        module,
        events,
        dispatch,
        signature,
        gate: Gate::Always,
        feature: None,
    })
}

/// The webhook operations, then the callback operations, without repeats (a component
/// callback used by several operations is one event).
fn find<'a>(cx: &mut Cx<'a>, spec: &'a LoadedSpec) -> Vec<Found<'a>> {
    let mut out = Vec::new();
    for (key, item) in &spec.webhooks.items {
        let item_ptr = format!("/webhooks/{}", pointer::escape(key));
        let ReferenceOr::Item(item) = item else {
            cx.warn(
                "unsupported-ref",
                format!("webhook `{key}` is a reference that could not be resolved; it is skipped"),
                &item_ptr,
            );
            continue;
        };
        let count = item.iter().count();
        for (method, op) in item.iter() {
            out.push(Found {
                name: if count == 1 {
                    key.clone()
                } else {
                    format!("{key} {method}")
                },
                source: EventSource::Webhook {
                    key: key.clone(),
                    method: method.to_ascii_uppercase(),
                },
                op,
                item,
                ptr: format!("{item_ptr}/{method}"),
                item_ptr: item_ptr.clone(),
            });
        }
    }
    let mut seen = BTreeSet::new();
    for (path, item) in cx.openapi.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            for (name, callback) in &op.callbacks {
                let count: usize = callback.values().map(|i| i.iter().count()).sum();
                for (expression, cb_item) in callback {
                    for (m, cb_op) in cb_item.iter() {
                        if !seen.insert((name.clone(), expression.clone(), m)) {
                            continue;
                        }
                        let item_ptr = format!(
                            "/paths/{}/{method}/callbacks/{}/{}",
                            pointer::escape(path),
                            pointer::escape(name),
                            pointer::escape(expression)
                        );
                        let event_name = match &cb_op.operation_id {
                            Some(id) if !id.trim().is_empty() => id.clone(),
                            _ if count == 1 => name.clone(),
                            _ => format!("{name} {m}"),
                        };
                        out.push(Found {
                            name: event_name,
                            source: EventSource::Callback {
                                operation: op
                                    .operation_id
                                    .clone()
                                    .unwrap_or_else(|| derived_name(method, path)),
                                name: name.clone(),
                                expression: expression.clone(),
                                method: m.to_ascii_uppercase(),
                            },
                            op: cb_op,
                            item: cb_item,
                            ptr: format!("{item_ptr}/{m}"),
                            item_ptr,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The single string value a schema allows (`enum: [v]` or `const: v`, after `$ref`s).
fn constant(doc: &Value, schema: &Value) -> Option<String> {
    let s = pointer::deref(doc, schema);
    match s.get("enum").and_then(Value::as_array).map(Vec::as_slice) {
        Some([Value::String(v)]) => Some(v.clone()),
        _ => s.get("const").and_then(Value::as_str).map(str::to_string),
    }
}

/// The top-level properties of a payload schema (and of its `allOf` members) that allow a
/// single string value, with that value.
fn body_constants(doc: &Value, schema: &Value) -> Vec<(String, String)> {
    let s = pointer::deref(doc, schema);
    let mut parts = vec![s];
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        parts.extend(all.iter().map(|m| pointer::deref(doc, m)));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for part in parts {
        let Some(props) = part.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (name, p) in props {
            if let Some(v) = constant(doc, p) {
                if !out.iter().any(|(n, _)| n == name) {
                    out.push((name.clone(), v));
                }
            }
        }
    }
    out
}

/// The required header parameters (operation's, then the path item's) that allow a single
/// string value, with that value.
fn header_constants(doc: &Value, f: &Found<'_>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for base in [&f.ptr, &f.item_ptr] {
        let Some(list) = pointer::get(doc, &format!("{base}/parameters")).and_then(Value::as_array)
        else {
            continue;
        };
        for p in list {
            let p = pointer::deref(doc, p);
            let is_header = p.get("in").and_then(Value::as_str) == Some("header");
            let required = p.get("required").and_then(Value::as_bool) == Some(true);
            let (Some(name), Some(schema)) =
                (p.get("name").and_then(Value::as_str), p.get("schema"))
            else {
                continue;
            };
            if !(is_header && required) {
                continue;
            }
            if let Some(v) = constant(doc, schema) {
                if !out.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    out.push((name.to_string(), v));
                }
            }
        }
    }
    out
}

/// A key that every event has, with values distinct per event; its values in event order.
fn common_key(
    per_event: &[Vec<(String, String)>],
    same: impl Fn(&str, &str) -> bool,
) -> Option<(String, Vec<String>)> {
    let first = per_event.first()?;
    for (key, _) in first {
        let values: Option<Vec<String>> = per_event
            .iter()
            .map(|c| c.iter().find(|(k, _)| same(k, key)).map(|(_, v)| v.clone()))
            .collect();
        let Some(values) = values else { continue };
        let distinct: BTreeSet<&String> = values.iter().collect();
        if distinct.len() == values.len() {
            return Some((key.clone(), values));
        }
    }
    None
}

fn dispatch(spec: &LoadedSpec, found: &[Found<'_>], events: &mut [WebhookEvent]) -> Dispatch {
    if events.len() == 1 {
        return Dispatch::Single;
    }
    let doc = &spec.document;
    let headers: Vec<Vec<(String, String)>> =
        found.iter().map(|f| header_constants(doc, f)).collect();
    if let Some((name, values)) = common_key(&headers, |a, b| a.eq_ignore_ascii_case(b)) {
        for (e, v) in events.iter_mut().zip(values) {
            e.tag = Some(v);
        }
        return Dispatch::Header(name);
    }
    let all_json = events
        .iter()
        .all(|e| e.payload.as_ref().is_some_and(|b| b.kind == BodyKind::Json));
    if all_json {
        let bodies: Vec<Vec<(String, String)>> = found
            .iter()
            .zip(events.iter())
            .map(|(f, e)| {
                let Some(b) = &e.payload else {
                    return Vec::new();
                };
                let Some(rb) = pointer::get(doc, &format!("{}/requestBody", f.ptr)) else {
                    return Vec::new();
                };
                let rb = pointer::deref(doc, rb);
                let schema = rb
                    .get("content")
                    .and_then(|c| c.get(&b.content_type))
                    .and_then(|m| m.get("schema"));
                schema.map(|s| body_constants(doc, s)).unwrap_or_default()
            })
            .collect();
        if let Some((name, values)) = common_key(&bodies, |a, b| a == b) {
            for (e, v) in events.iter_mut().zip(values) {
                e.tag = Some(v);
            }
            return Dispatch::BodyProperty(name);
        }
    }
    Dispatch::Undecided
}

/// The one scheme of all the events: the nearest `x-oagen-webhook-signature` (the
/// operation's, its path item's, the document's), else Standard Webhooks. `None` (with an
/// error) when two events' schemes differ: `parse` verifies before it knows the event.
fn signature(cx: &mut Cx<'_>, spec: &LoadedSpec, found: &[Found<'_>]) -> Option<WebhookSignature> {
    let sigs = &spec.webhooks.signatures;
    let root = sigs.iter().find(|s| s.at.is_empty());
    let mut chosen: Option<&WebhookSignature> = None;
    let default = WebhookSignature::standard_webhooks("");
    for f in found {
        let own = sigs
            .iter()
            .find(|s| s.at == f.ptr)
            .or_else(|| sigs.iter().find(|s| s.at == f.item_ptr))
            .or(root)
            .unwrap_or(&default);
        match chosen {
            None => chosen = Some(own),
            Some(c) => {
                let same = WebhookSignature {
                    at: c.at.clone(),
                    ..own.clone()
                } == *c;
                if !same {
                    let at = if std::ptr::eq(own, &default) {
                        f.ptr.clone()
                    } else {
                        format!("{}/x-oagen-webhook-signature", own.at)
                    };
                    cx.error(
                        "conflicting-webhook-signatures",
                        format!(
                            "event `{}` is signed differently from the events before it: all the webhooks of an API must share one `x-oagen-webhook-signature`, since `parse` verifies a request before it knows its event",
                            f.name
                        ),
                        &at,
                    );
                    return None;
                }
            }
        }
    }
    chosen.cloned()
}

#[cfg(test)]
mod tests {
    use crate::{generate_str, Layout, Options};
    use std::path::Path;

    const HEAD: &str = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n";

    fn generate(webhooks: &str) -> Result<crate::Generated, crate::diag::Diagnostics> {
        let text = format!("{HEAD}{webhooks}");
        generate_str(
            &text,
            Path::new("hooks.yaml"),
            Layout::Crate,
            &Options::default(),
        )
    }

    fn file<'g>(g: &'g crate::Generated, path: &str) -> &'g str {
        &g.files
            .iter()
            .find(|f| f.path == Path::new(path))
            .unwrap_or_else(|| panic!("{path}"))
            .contents
    }

    /// Two webhooks with one payload shape and nothing else: a warning, no `parse`, a
    /// `parse_<name>` each.
    #[test]
    fn events_nothing_tells_apart_get_a_warning_and_their_own_methods() {
        let g = generate(
            "webhooks:
  created:
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
      responses: {'200': {description: ok}}
  deleted:
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
      responses: {'200': {description: ok}}
components:
  schemas:
    Thing: {type: object, properties: {id: {type: string}}}
",
        )
        .unwrap();
        let codes: Vec<&str> = g.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["ambiguous-webhook-events"]);
        let w = g.api.webhooks.as_ref().unwrap();
        assert_eq!(w.dispatch, super::Dispatch::Undecided);
        let code = file(&g, "src/webhooks.rs");
        assert!(code.contains("pub fn parse_created<"), "{code}");
        assert!(code.contains("pub fn parse_deleted<"), "{code}");
        assert!(!code.contains("pub fn parse<"), "{code}");
        // The crate's webhooks feature enables the runtime's; the payload is gated by it.
        let manifest = file(&g, "Cargo.toml");
        assert!(
            manifest.contains("webhooks = [\"oagen-runtime/webhooks\"]"),
            "{manifest}"
        );
        assert!(
            manifest.contains("default = [\"tracing\", \"webhooks\"]")
                || manifest.contains("default = [\"full\", \"tracing\"]"),
            "{manifest}"
        );
        let types = file(&g, "src/types.rs");
        assert!(
            types.contains("/// The `Thing` schema.\n#[cfg(feature = \"webhooks\")]\n"),
            "{types}"
        );
        let lib = file(&g, "src/lib.rs");
        assert!(
            lib.contains("#[cfg(feature = \"webhooks\")]\npub mod webhooks;"),
            "{lib}"
        );
    }

    /// A crate without webhooks never names the runtime's `webhooks` feature.
    #[test]
    fn a_crate_without_webhooks_does_not_enable_the_crypto() {
        let g = generate("").unwrap();
        assert!(g.api.webhooks.is_none());
        assert!(!file(&g, "Cargo.toml").contains("oagen-runtime/webhooks"));
    }

    #[test]
    fn webhooks_signed_differently_are_an_error() {
        let err = generate(
            "x-oagen-webhook-signature: {header: X-Sig}
webhooks:
  a:
    post:
      responses: {'200': {description: ok}}
  b:
    post:
      x-oagen-webhook-signature: {header: X-Other-Sig}
      responses: {'200': {description: ok}}
",
        )
        .err();
        let Some(err) = err else {
            panic!("expected an error")
        };
        let text = err.render(false);
        assert!(
            text.contains("error[conflicting-webhook-signatures]"),
            "{text}"
        );
        assert!(
            text.contains("#/webhooks/b/post/x-oagen-webhook-signature"),
            "{text}"
        );
    }
}
