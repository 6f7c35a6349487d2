//! Step 2 of the tolerant loader: `$ref`s where OpenAPI allows none.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::super::pointer::{self, get, get_mut, push_token};
use super::super::walk::{visit, Kind};
use super::super::{normalize_path, refs, Ctx, FileState};
use super::warn;
use crate::diag::Diagnostics;

/// Keys whose value is a map of named entries (or a single object) where
/// OpenAPI allows no `$ref`: a `$ref` there is replaced by its target.
fn ref_not_allowed(kind: Kind, key: &str) -> bool {
    match kind {
        Kind::Document => matches!(key, "info" | "paths" | "components" | "externalDocs"),
        Kind::Components => !key.starts_with("x-"),
        Kind::Operation => matches!(key, "responses" | "callbacks"),
        Kind::Schema => key == "properties",
        Kind::Parameter | Kind::Header | Kind::RequestBody | Kind::Response => key == "content",
        Kind::MediaType => key == "encoding",
        _ => false,
    }
}

/// Keys whose string value someone wrote as a `$ref` (to a text or
/// Markdown file, or to a string elsewhere in the document).
const TEXT_KEYS: [&str; 3] = ["description", "summary", "title"];

/// Step 2 of the module docs. Local targets are copied; targets in other
/// files are read through `read` (a Markdown or text file gives its text),
/// and the refs inside such a copy are rewritten to stay valid from the
/// root file.
pub(crate) fn misplaced_refs(doc: &mut Value, ctx: &mut Ctx, diags: &mut Diagnostics) {
    // A few rounds: a resolved section may itself hold misplaced refs.
    for _ in 0..4 {
        let mut sites: Vec<(String, String, Site)> = Vec::new();
        // Only nodes with a `$ref` object among their values (or that are one) can hold a
        // misplaced ref: find those without a pointer per node.
        let mut nodes: Vec<Node> = Vec::new();
        visit(doc, "", Kind::Document, false, |ptr, kind, _, v| {
            let Some(o) = v.as_object() else { return };
            let has_ref = o.contains_key("$ref")
                || o.values()
                    .any(|c| c.as_object().is_some_and(|c| c.contains_key("$ref")))
                || (kind == Kind::Document && o.contains_key("info"));
            if has_ref {
                nodes.push(Node {
                    ptr: ptr.to_string(),
                    kind,
                });
            }
        });
        for node in &nodes {
            let Some(obj) = get(doc, &node.ptr).and_then(Value::as_object) else {
                continue;
            };
            if node.kind != Kind::Schema && obj.contains_key("$ref") {
                // A reference object: resolved by the ref step, except a
                // media type that points at a schema.
                if node.kind == Kind::MediaType {
                    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
                        if points_at_schema(doc, r) {
                            sites.push((node.ptr.clone(), r.to_string(), Site::MediaTypeSchema));
                        }
                    }
                }
                continue;
            }
            for (key, value) in obj {
                let Some(r) = value
                    .as_object()
                    .and_then(|o| o.get("$ref"))
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let mut ptr = node.ptr.clone();
                push_token(&mut ptr, key);
                if TEXT_KEYS.contains(&key.as_str()) && node.kind != Kind::Schema
                    || (node.kind == Kind::Schema && key == "description")
                {
                    sites.push((ptr, r.to_string(), Site::Text));
                } else if ref_not_allowed(node.kind, key) {
                    sites.push((ptr, r.to_string(), Site::Inline));
                }
            }
            if node.kind == Kind::Document {
                if let Some(info) = obj.get("info").and_then(Value::as_object) {
                    for key in ["description", "title", "termsOfService"] {
                        if let Some(r) = info
                            .get(key)
                            .and_then(Value::as_object)
                            .and_then(|o| o.get("$ref"))
                            .and_then(Value::as_str)
                        {
                            sites.push((format!("/info/{key}"), r.to_string(), Site::Text));
                        }
                    }
                }
            }
        }
        if sites.is_empty() {
            return;
        }
        for (ptr, reference, site) in sites {
            if site == Site::MediaTypeSchema {
                let sources = &ctx.sources;
                if let Some(slot) = get_mut(doc, &ptr) {
                    let mut m = Map::new();
                    m.insert("schema".into(), serde_json::json!({ "$ref": reference }));
                    *slot = Value::Object(m);
                }
                warn(
                    sources,
                    diags,
                    "misplaced-ref",
                    &format!("{ptr}/$ref"),
                    format!("a media type object is a `$ref` to the schema `{reference}`"),
                    "read as `schema: {$ref}`",
                );
                continue;
            }
            let mut origin = None;
            let target = if reference.starts_with('#') {
                pointer::local(&reference)
                    .and_then(|p| get(doc, &p))
                    .cloned()
            } else {
                read_external(ctx, &reference, site, diags).map(|(v, o)| {
                    origin = o;
                    v
                })
            };
            let sources = &ctx.sources;
            let target = match (site, target) {
                (Site::Text, Some(Value::String(s))) => Some(Value::String(s)),
                (Site::Text, Some(other)) if !other.is_object() => {
                    Some(Value::String(scalar(&other)))
                }
                (Site::Text, _) => None,
                (_, Some(t)) if t.is_object() && t.get("$ref").is_none() => Some(t),
                _ => None,
            };
            let ok = target.is_some();
            if let Some(slot) = get_mut(doc, &ptr) {
                *slot = match target {
                    Some(t) => t,
                    None if site == Site::Text => Value::String(String::new()),
                    None => Value::Object(Map::new()),
                };
            }
            let key = pointer::tokens(&ptr).pop().unwrap_or_default();
            if ok {
                warn(
                    sources,
                    diags,
                    "misplaced-ref",
                    &format!("{ptr}/$ref"),
                    format!(
                        "`{key}` is a `$ref` (`{reference}`), which OpenAPI does not allow here"
                    ),
                    "replaced by its target where it stands",
                );
            } else {
                warn(
                    sources,
                    diags,
                    "misplaced-ref",
                    &format!("{ptr}/$ref"),
                    format!("`{key}` is a `$ref` (`{reference}`) that cannot be resolved here"),
                    if site == Site::Text {
                        "left empty"
                    } else {
                        "read as empty"
                    },
                );
            }
            // What was copied from another file is located in that file from now on.
            if let (true, Some((file, pointer))) = (ok, origin) {
                ctx.sources.add_origin(&ptr, &file, &pointer);
            }
        }
    }
}

/// The target of a ref to another file (relative to the root file, the
/// only file whose misplaced refs are repaired), with its own refs rebased;
/// a Markdown, text or HTML file gives its text.
fn read_external(
    ctx: &mut Ctx,
    reference: &str,
    site: Site,
    diags: &mut Diagnostics,
) -> Option<(Value, Option<(PathBuf, String)>)> {
    let target = refs::parse_ref(reference).ok()?;
    let rel = target.file?;
    let dir = ctx
        .root_norm
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let file = normalize_path(&dir.join(&rel));
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if site == Site::Text && matches!(ext.as_str(), "md" | "markdown" | "txt" | "html" | "htm") {
        return std::fs::read_to_string(&file)
            .ok()
            .map(|t| (Value::String(t), None));
    }
    let mut value = match ctx.file(&file, diags) {
        FileState::Loaded(v) => get(v, &target.pointer)?.clone(),
        _ => return None,
    };
    rebase_refs(&mut value, &rel);
    Some((value, Some((file, target.pointer))))
}

struct Node {
    ptr: String,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Site {
    /// A string field written as a `$ref`.
    Text,
    /// A map or object where no `$ref` is allowed.
    Inline,
    /// A media type object that is a `$ref` to a schema.
    MediaTypeSchema,
}

fn points_at_schema(doc: &Value, reference: &str) -> bool {
    if reference.contains("/schemas/") || reference.contains("/definitions/") {
        return true;
    }
    let Some(target) = pointer::local(reference)
        .and_then(|p| get(doc, &p))
        .and_then(Value::as_object)
    else {
        return false;
    };
    let media_keys = ["schema", "example", "examples", "encoding"];
    !target.is_empty() && !target.keys().any(|k| media_keys.contains(&k.as_str()))
}

/// A scalar as text (`1.0` → `"1.0"`).
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Rewrites the refs inside `value`, copied from the file `from` (a path
/// relative to nothing in particular, as the ref was written), so that they
/// resolve the same from the root file: a local `#/x` becomes `from#/x`,
/// a relative file ref is joined to `from`'s folder.
pub(crate) fn rebase_refs(value: &mut Value, from: &str) {
    let dir = match from.rfind('/') {
        Some(i) => &from[..=i],
        None => "",
    };
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get_mut("$ref") {
                    if let Some(frag) = r.strip_prefix('#') {
                        *r = format!("{from}#{frag}");
                    } else if !r.starts_with('/') && !r.contains("://") {
                        *r = format!("{dir}{r}");
                    }
                }
                stack.extend(o.values_mut());
            }
            Value::Array(a) => stack.extend(a.iter_mut()),
            _ => {}
        }
    }
}
