//! Our vendor extensions (`x-oagen-*`), read from the raw document. The design is documented
//! in `specs/README.md`.

use super::{Envelope, PaginationStyle};
use crate::load::pointer;
use serde_json::Value;

/// Every extension the generator understands.
pub(crate) const KNOWN: &[&str] = &[
    "x-oagen-pagination",
    "x-oagen-envelope",
    "x-oagen-auth-prefix",
    "x-oagen-env",
    "x-oagen-inferred",
    crate::load::webhooks::SIGNATURE_EXTENSION,
    "x-oagen-sentinel",
];

/// Parsed `x-oagen-pagination`, before the item type is known.
#[derive(Debug)]
pub(crate) struct RawPagination {
    pub style: PaginationStyle,
    pub items: String,
}

fn str_key<'v>(
    obj: &'v serde_json::Map<String, Value>,
    key: &str,
) -> Result<Option<&'v str>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        Some(_) => Err(format!("`{key}` must be a non-empty string")),
    }
}

fn required<'v>(
    obj: &'v serde_json::Map<String, Value>,
    key: &str,
    style: &str,
) -> Result<&'v str, String> {
    str_key(obj, key)?.ok_or_else(|| format!("style `{style}` needs `{key}`"))
}

/// Parses `x-oagen-pagination`. Errors are messages for a diagnostic.
pub(crate) fn pagination(v: &Value) -> Result<RawPagination, String> {
    let obj = v
        .as_object()
        .ok_or("`x-oagen-pagination` must be an object")?;
    let style = required(obj, "style", "any")?;
    let items = str_key(obj, "items")?.unwrap_or("").to_string();
    let allowed: &[&str] = match style {
        "cursor" => &["cursor-param", "cursor-field", "has-more-field"],
        "next-url" => &["next-field"],
        "offset" => &["offset-param", "limit-param", "total-field"],
        "page" => &["page-param", "page-size-param", "first-page"],
        "link-header" => &[],
        other => {
            return Err(format!(
                "unknown pagination style `{other}`; expected cursor, next-url, offset, page or link-header"
            ))
        }
    };
    for k in obj.keys() {
        if k != "style" && k != "items" && !allowed.contains(&k.as_str()) {
            return Err(format!("key `{k}` does not apply to style `{style}`"));
        }
    }
    let style = match style {
        "cursor" => PaginationStyle::Cursor {
            cursor_param: required(obj, "cursor-param", style)?.to_string(),
            cursor_field: required(obj, "cursor-field", style)?.to_string(),
            has_more_field: str_key(obj, "has-more-field")?.map(String::from),
        },
        "next-url" => PaginationStyle::NextUrl {
            next_field: required(obj, "next-field", style)?.to_string(),
        },
        "offset" => PaginationStyle::Offset {
            offset_param: required(obj, "offset-param", style)?.to_string(),
            limit_param: required(obj, "limit-param", style)?.to_string(),
            total_field: str_key(obj, "total-field")?.map(String::from),
        },
        "page" => PaginationStyle::Page {
            page_param: required(obj, "page-param", style)?.to_string(),
            first_page: match obj.get("first-page") {
                None => 1,
                Some(v) => v
                    .as_u64()
                    .ok_or("`first-page` must be a non-negative integer")?,
            },
        },
        _ => PaginationStyle::LinkHeader,
    };
    if items.is_empty() && style != PaginationStyle::LinkHeader {
        return Err("`items` is required: the property path of the items array".into());
    }
    Ok(RawPagination { style, items })
}

/// Parses `x-oagen-envelope`: `false` disables, an object enables.
pub(crate) fn envelope(v: &Value) -> Result<Option<Envelope>, String> {
    match v {
        Value::Bool(false) | Value::Null => Ok(None),
        Value::Object(obj) => Ok(Some(Envelope {
            data_field: str_key(obj, "data-field")?
                .ok_or("`x-oagen-envelope` needs `data-field`")?
                .to_string(),
            success_field: str_key(obj, "success-field")?.map(String::from),
        })),
        _ => Err("`x-oagen-envelope` must be an object or `false`".into()),
    }
}

/// Walks the document for `x-oagen-*` keys we do not know. Returns their pointers, sorted.
pub(crate) fn unknown_keys(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    walk(doc, &mut path, &mut out);
    out
}

/// One step of the path from the root to the value being walked.
enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

/// The JSON pointer of `path` followed by `last`. Built only for a hit: the walk visits
/// every value of the document, and almost none of them is one.
fn pointer(path: &[Seg<'_>], last: &str) -> String {
    let mut ptr = String::new();
    for seg in path {
        ptr.push('/');
        match seg {
            Seg::Key(k) => ptr.push_str(&pointer::escape(k)),
            Seg::Index(i) => ptr.push_str(&i.to_string()),
        }
    }
    ptr.push('/');
    ptr.push_str(&pointer::escape(last));
    ptr
}

fn walk<'v>(v: &'v Value, path: &mut Vec<Seg<'v>>, out: &mut Vec<(String, String)>) {
    // `path.len()` is the depth of `v`.
    if path.len() > 128 {
        return;
    }
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if !k.starts_with("x-") {
                    if matches!(child, Value::Object(_) | Value::Array(_)) {
                        path.push(Seg::Key(k));
                        walk(child, path, out);
                        path.pop();
                    }
                } else if k.starts_with("x-oagen-") {
                    if !KNOWN.contains(&k.as_str()) {
                        out.push((k.clone(), pointer(path, k)));
                    }
                    if matches!(child, Value::Object(_) | Value::Array(_)) {
                        path.push(Seg::Key(k));
                        walk(child, path, out);
                        path.pop();
                    }
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if matches!(child, Value::Object(_) | Value::Array(_)) {
                    path.push(Seg::Index(i));
                    walk(child, path, out);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}
