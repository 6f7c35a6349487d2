//! The item schemas of sequential media types (`text/event-stream`, `application/jsonl`,
//! `application/x-ndjson`, `application/json-seq`), which the 3.0 model has no room for:
//! read from the bundled, normalized document into [`LoadedSpec::streams`](super::LoadedSpec).
//!
//! The rule, for each such media type of a response:
//!
//! 1. The schema that describes one item is `itemSchema` (OpenAPI 3.2), else `schema`
//!    (3.0/3.1, where the schema of an event stream describes each event). For JSON Lines
//!    and JSON text sequences, a `schema` (never an `itemSchema`) of `type: array` with
//!    `items` describes the whole body, so `items` is the item.
//! 2. For server-sent events, a schema that describes the event itself (an object whose
//!    properties are among `event`, `data`, `id` and `retry` and include `data`, the shape
//!    OpenAPI 3.2's examples, ASP.NET Core and Speakeasy use) gives the item from its `data`
//!    property: the property's `contentSchema` when it has one (string-encoded JSON), else
//!    the property itself. When its `oneOf` (or `anyOf`) alternatives each fix `event` to
//!    one value (`const` or a one-value `enum`), the items are keyed on the event name, each
//!    with its alternative's `data`. Any other schema describes `data` itself.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::pointer::{self, get, local, ref_of};

/// The item schemas of one sequential media type.
#[derive(Clone, Debug, Default)]
pub struct StreamShape {
    /// The schema of one item (the `data` of an event), with its pointer; `None` when the
    /// media type gives none (the items are then any JSON).
    pub item: Option<ItemSchema>,
    /// Items keyed on the SSE event name, in document order (empty unless the event
    /// schema's alternatives fix the event name).
    pub events: Vec<(String, ItemSchema)>,
}

/// One schema found for an item.
#[derive(Clone, Debug)]
pub struct ItemSchema {
    /// The schema, deserialized into the 3.0 model.
    pub schema: ReferenceOr<Schema>,
    /// Where it is in the document (through `$ref`s, its real place).
    pub pointer: String,
}

/// The sequential format of a media type, if it is one.
pub fn sequential(media_type: &str) -> Option<&'static str> {
    let mt = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mt.as_str() {
        "text/event-stream" => Some("sse"),
        "application/jsonl"
        | "application/x-ndjson"
        | "application/x-jsonlines"
        | "application/jsonlines" => Some("jsonl"),
        "application/json-seq" => Some("json-seq"),
        _ => None,
    }
}

/// The pointers and formats of the sequential media types of every response: those of
/// the operations of `paths` (with 3.2's `additionalOperations`), of their callbacks, of
/// `components` (`responses`, `pathItems`, `callbacks`). Only these places are read, not the
/// whole document (a large spec has millions of nodes and no stream).
fn response_media_types(doc: &Value) -> Vec<(String, &'static str)> {
    fn entries(v: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
        v.and_then(Value::as_object).into_iter().flatten()
    }
    fn response(ptr: &str, r: &Value, out: &mut Vec<(String, &'static str)>) {
        for (mt, _) in entries(r.get("content")) {
            if let Some(format) = sequential(mt) {
                out.push((pointer::join(&pointer::join(ptr, "content"), mt), format));
            }
        }
    }
    fn operation(ptr: &str, op: &Value, out: &mut Vec<(String, &'static str)>) {
        let responses = pointer::join(ptr, "responses");
        for (code, r) in entries(op.get("responses")) {
            response(&pointer::join(&responses, code), r, out);
        }
        let callbacks = pointer::join(ptr, "callbacks");
        for (name, cb) in entries(op.get("callbacks")) {
            callback(&pointer::join(&callbacks, name), cb, out);
        }
    }
    fn callback(ptr: &str, cb: &Value, out: &mut Vec<(String, &'static str)>) {
        for (expr, item) in entries(Some(cb)) {
            path_item(&pointer::join(ptr, expr), item, out);
        }
    }
    fn path_item(ptr: &str, item: &Value, out: &mut Vec<(String, &'static str)>) {
        for (key, op) in entries(Some(item)) {
            match key.as_str() {
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
                | "query" => operation(&pointer::join(ptr, key), op, out),
                "additionalOperations" => {
                    let base = pointer::join(ptr, key);
                    for (method, op) in entries(Some(op)) {
                        operation(&pointer::join(&base, method), op, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (path, item) in entries(doc.get("paths")) {
        path_item(&pointer::join("/paths", path), item, &mut out);
    }
    let components = doc.get("components");
    for (name, r) in entries(components.and_then(|c| c.get("responses"))) {
        response(&pointer::join("/components/responses", name), r, &mut out);
    }
    for (name, item) in entries(components.and_then(|c| c.get("pathItems"))) {
        path_item(
            &pointer::join("/components/pathItems", name),
            item,
            &mut out,
        );
    }
    for (name, cb) in entries(components.and_then(|c| c.get("callbacks"))) {
        callback(&pointer::join("/components/callbacks", name), cb, &mut out);
    }
    out
}

/// Reads the item schemas of every sequential media type of the document, by the media
/// type's pointer.
pub(crate) fn read(doc: &Value) -> BTreeMap<String, StreamShape> {
    let found = response_media_types(doc);
    let mut out = BTreeMap::new();
    for (ptr, format) in found {
        let Some(media) = get(doc, &ptr).and_then(Value::as_object) else {
            continue;
        };
        let (key, whole_body) = if media.contains_key("itemSchema") {
            ("itemSchema", false)
        } else {
            ("schema", true)
        };
        let src_ptr = pointer::join(&ptr, key);
        let Some(src) = media.get(key) else {
            out.insert(ptr.clone(), StreamShape::default());
            continue;
        };
        let (real_ptr, schema) = deref(doc, &src_ptr, src);
        let shape = if format == "sse" {
            match event_shape(doc, &real_ptr, schema) {
                Some(shape) => shape,
                None => StreamShape {
                    item: item(src, &src_ptr),
                    events: Vec::new(),
                },
            }
        } else {
            let array_items = whole_body
                && schema.get("type").and_then(Value::as_str) == Some("array")
                && schema.get("items").is_some();
            StreamShape {
                item: if array_items {
                    let items_ptr = pointer::join(&real_ptr, "items");
                    schema.get("items").and_then(|v| item(v, &items_ptr))
                } else {
                    item(src, &src_ptr)
                },
                events: Vec::new(),
            }
        };
        out.insert(ptr, shape);
    }
    out
}

/// Follows local `$ref`s: the real pointer and the schema there.
fn deref<'v>(doc: &'v Value, ptr: &str, value: &'v Value) -> (String, &'v Value) {
    let mut ptr = ptr.to_owned();
    let mut cur = value;
    for _ in 0..64 {
        let Some(target) = ref_of(cur).and_then(local) else {
            break;
        };
        let Some(next) = get(doc, &target) else {
            break;
        };
        ptr = target.into_owned();
        cur = next;
    }
    (ptr, cur)
}

fn item(value: &Value, ptr: &str) -> Option<ItemSchema> {
    let schema = serde_json::from_value::<ReferenceOr<Schema>>(value.clone()).ok()?;
    Some(ItemSchema {
        schema,
        pointer: ptr.to_owned(),
    })
}

const EVENT_FIELDS: [&str; 4] = ["event", "data", "id", "retry"];

/// Whether `schema` describes an SSE event object (see the module docs).
fn is_event_object(schema: &Value) -> bool {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return false;
    };
    props.contains_key("data") && props.keys().all(|k| EVENT_FIELDS.contains(&k.as_str()))
}

/// The item of an event object's `data` property at `ptr` (the property itself).
fn data_item(doc: &Value, ptr: &str, data: &Value) -> Option<ItemSchema> {
    let (real, resolved) = deref(doc, ptr, data);
    match resolved.get("contentSchema") {
        Some(content) => item(content, &pointer::join(&real, "contentSchema")),
        None => item(data, ptr),
    }
}

/// The one value an alternative fixes `event` to.
fn fixed_event(doc: &Value, branch: &Value) -> Option<String> {
    let event = branch.get("properties")?.get("event")?;
    let event = pointer::deref(doc, event);
    if let Some(Value::String(c)) = event.get("const") {
        return Some(c.clone());
    }
    match event.get("enum")?.as_array()?.as_slice() {
        [Value::String(one)] => Some(one.clone()),
        _ => None,
    }
}

fn event_shape(doc: &Value, ptr: &str, schema: &Value) -> Option<StreamShape> {
    let alternatives = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_array).map(|a| (*k, a)));
    // Alternatives that each fix the event name and carry `data` (or take the outer one).
    if let Some((key, branches)) = alternatives {
        let mut events = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let branch_ptr = pointer::join(&pointer::join(ptr, key), &i.to_string());
            let (real, branch) = deref(doc, &branch_ptr, branch);
            let Some(name) = fixed_event(doc, branch) else {
                events.clear();
                break;
            };
            let data = match branch.get("properties").and_then(|p| p.get("data")) {
                Some(d) => data_item(doc, &format!("{real}/properties/data"), d),
                None => schema
                    .get("properties")
                    .and_then(|p| p.get("data"))
                    .and_then(|d| data_item(doc, &format!("{ptr}/properties/data"), d)),
            };
            match data {
                Some(data) => events.push((name, data)),
                None => {
                    events.clear();
                    break;
                }
            }
        }
        let event_like = is_event_object(schema)
            || branches
                .iter()
                .all(|b| is_event_object(pointer::deref(doc, b)));
        if !events.is_empty() && event_like {
            return Some(StreamShape { item: None, events });
        }
    }
    if is_event_object(schema) {
        let data = schema.get("properties")?.get("data")?;
        return Some(StreamShape {
            item: data_item(doc, &format!("{ptr}/properties/data"), data),
            events: Vec::new(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shape(media: Value) -> StreamShape {
        let doc = json!({
            "paths": {"/e": {"get": {"responses": {"200": {"content": media}}}}},
            "components": {"schemas": {
                "Tick": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "TickEvent": {"type": "object", "properties": {
                    "event": {"enum": ["tick"]},
                    "data": {"$ref": "#/components/schemas/Tick"}
                }}
            }}
        });
        let mut all = read(&doc);
        assert_eq!(all.len(), 1);
        all.pop_first().unwrap().1
    }

    fn reference(s: &ItemSchema) -> &str {
        match &s.schema {
            ReferenceOr::Reference { reference } => reference,
            ReferenceOr::Item(_) => "inline",
        }
    }

    #[test]
    fn event_stream_schema_describes_the_data() {
        let s =
            shape(json!({"text/event-stream": {"schema": {"$ref": "#/components/schemas/Tick"}}}));
        assert_eq!(
            reference(s.item.as_ref().unwrap()),
            "#/components/schemas/Tick"
        );
    }

    #[test]
    fn item_schema_wins_and_an_event_object_gives_its_data() {
        let s = shape(json!({"text/event-stream": {
            "schema": {"type": "array"},
            "itemSchema": {"type": "object", "required": ["data"], "properties": {
                "data": {"$ref": "#/components/schemas/Tick"}, "event": {"type": "string"}, "id": {"type": "string"}
            }}
        }}));
        assert_eq!(
            reference(s.item.as_ref().unwrap()),
            "#/components/schemas/Tick"
        );
    }

    #[test]
    fn content_schema_is_the_data_of_string_encoded_json() {
        let s = shape(json!({"text/event-stream": {"itemSchema": {"properties": {
            "data": {"type": "string", "format": "binary", "contentSchema": {"$ref": "#/components/schemas/Tick"}}
        }}}}));
        assert_eq!(
            reference(s.item.as_ref().unwrap()),
            "#/components/schemas/Tick"
        );
    }

    #[test]
    fn alternatives_fixing_the_event_name_key_the_items() {
        let s = shape(json!({"text/event-stream": {"itemSchema": {"oneOf": [
            {"$ref": "#/components/schemas/TickEvent"},
            {"properties": {"event": {"const": "note"}, "data": {"type": "string"}}}
        ]}}}));
        assert!(s.item.is_none());
        let names: Vec<&str> = s.events.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["tick", "note"]);
        assert_eq!(reference(&s.events[0].1), "#/components/schemas/Tick");
        assert_eq!(s.events[1].1.pointer, "/paths/~1e/get/responses/200/content/text~1event-stream/itemSchema/oneOf/1/properties/data");
    }

    #[test]
    fn json_lines_array_schema_gives_its_items() {
        let s = shape(
            json!({"application/x-ndjson": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Tick"}}}}),
        );
        assert_eq!(
            reference(s.item.as_ref().unwrap()),
            "#/components/schemas/Tick"
        );
        // An itemSchema is the item even when it is an array.
        let s = shape(
            json!({"application/jsonl": {"itemSchema": {"type": "array", "items": {"type": "integer"}}}}),
        );
        assert_eq!(reference(s.item.as_ref().unwrap()), "inline");
        assert!(s.item.unwrap().pointer.ends_with("/itemSchema"));
    }
}
