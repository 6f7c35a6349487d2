//! Pointers into the bundled documents: where a parameter, property, content type or
//! response lives, following local `$ref`s, and what the document says that the IR does not
//! keep (status codes, media types).

use super::*;
use crate::load::pointer::Hop;

/// A pointer that may pass through `$ref`s, rewritten to the place it really leads to, so
/// that it resolves in the document. Unknown tails are kept as they are.
pub(super) fn real_pointer(doc: &Value, ptr: &str) -> String {
    let tokens = pointer::tokens(ptr);
    let mut cur = doc;
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let mut landed = None;
        let end = pointer::follow(cur, |v| {
            match pointer::ref_of(v)
                .and_then(pointer::local)
                .and_then(|p| Some((pointer::get(doc, &p)?, p)))
            {
                Some((next, p)) => {
                    landed = Some(p.into_owned());
                    Hop::To(next)
                }
                None => Hop::End,
            }
        });
        if let (Some(end), Some(landed)) = (end, landed) {
            cur = end;
            out = landed;
        }
        let next = match cur {
            Value::Object(map) => map.get(t.as_str()),
            Value::Array(items) => t.parse::<usize>().ok().and_then(|n| items.get(n)),
            _ => None,
        };
        match next {
            Some(v) => {
                cur = v;
                out.push('/');
                out.push_str(&pointer::escape(t));
            }
            None => {
                for rest in &tokens[i..] {
                    out.push('/');
                    out.push_str(&pointer::escape(rest));
                }
                return out;
            }
        }
    }
    out
}

pub(super) fn at<'v>(doc: &'v Value, ptr: &str) -> Option<&'v Value> {
    pointer::get(doc, ptr).map(|v| pointer::deref(doc, v))
}

/// The pointer of a property of the schema at `base`, looking through `allOf` and `$ref`.
pub(super) fn prop_pointer(doc: &Value, base: &str, wire: &str) -> String {
    fn find(doc: &Value, base: &str, wire: &str, depth: usize) -> Option<String> {
        if depth > 12 {
            return None;
        }
        let v = pointer::get(doc, base)?;
        if let Some(r) = pointer::ref_of(v).and_then(pointer::local) {
            return find(doc, &r, wire, depth + 1);
        }
        if v.get("properties").and_then(|p| p.get(wire)).is_some() {
            return Some(format!("{base}/properties/{}", pointer::escape(wire)));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(parts)) = v.get(key) {
                for i in 0..parts.len() {
                    if let Some(p) = find(doc, &format!("{base}/{key}/{i}"), wire, depth + 1) {
                        return Some(p);
                    }
                }
            }
        }
        None
    }
    find(doc, base, wire, 0)
        .unwrap_or_else(|| format!("{base}/properties/{}", pointer::escape(wire)))
}

/// Media types of a request body or response: normalized key → as written.
pub(super) fn content_types(doc: &Value, ptr: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(content)) = at(doc, ptr).and_then(|v| v.get("content")) {
        for mt in content.keys() {
            let key = mt
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            out.insert(key, mt.clone());
        }
    }
    out
}

/// The media type the generated client decodes from a response (JSON first).
pub(super) fn content_type_of(doc: &Value, resp_ptr: &str) -> String {
    let all = content_types(doc, resp_ptr);
    all.iter()
        .find(|(k, _)| k.contains("json"))
        .or_else(|| all.iter().next())
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| "application/json".into())
}

/// The success status codes as written (`200`, `2XX`), or `default` when there is no other.
pub(super) fn success_statuses(doc: &Value, op_ptr: &str) -> Vec<String> {
    let Some(Value::Object(responses)) = at(doc, &format!("{op_ptr}/responses")) else {
        return Vec::new();
    };
    let mut out: Vec<String> = responses
        .keys()
        .filter(|k| {
            k.parse::<u16>().is_ok_and(|c| (200..300).contains(&c)) || k.eq_ignore_ascii_case("2XX")
        })
        .cloned()
        .collect();
    if out.is_empty() && responses.contains_key("default") {
        out.push("default".into());
    }
    out
}

/// Success bodies by status code as written (`200`, `2XX`, `default`).
pub(super) fn bodies(doc: &Value, op: &Operation) -> Vec<(String, ResponseBody)> {
    match &op.output {
        Output::Single(b) => {
            let codes = success_statuses(doc, &op.pointer);
            if codes.is_empty() {
                vec![("200".to_string(), b.clone())]
            } else {
                codes.into_iter().map(|c| (c, b.clone())).collect()
            }
        }
        Output::ByStatus { cases, .. } => cases
            .iter()
            .map(|c| {
                let label = match c.status {
                    Some(s) => s.to_string(),
                    None if c.variant == "Success" => "2XX".into(),
                    None => "default".into(),
                };
                (label, c.body.clone())
            })
            .collect(),
    }
}

/// Every status code of an operation's responses, as written.
pub(super) fn all_statuses(doc: &Value, op_ptr: &str) -> Vec<String> {
    match at(doc, &format!("{op_ptr}/responses")) {
        Some(Value::Object(responses)) => responses.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The error status codes as written (`404`, `4XX`, and `default` when it is not the only
/// response standing for success).
pub(super) fn error_statuses(doc: &Value, op_ptr: &str) -> Vec<String> {
    let success = success_statuses(doc, op_ptr);
    all_statuses(doc, op_ptr)
        .into_iter()
        .filter(|k| {
            k.parse::<u16>().is_ok_and(|c| (400..600).contains(&c))
                || k.eq_ignore_ascii_case("4XX")
                || k.eq_ignore_ascii_case("5XX")
                || (k == "default" && !success.contains(k))
        })
        .collect()
}

/// A response's bodies by media type, with `$ref`s resolved and documentation left out, as
/// canonical text: equal for equal shapes.
pub(super) fn response_shape(doc: &Value, resp_ptr: &str) -> String {
    let Some(resp) = at(doc, resp_ptr) else {
        return String::new();
    };
    let content = pointer::deref(doc, resp)
        .get("content")
        .cloned()
        .unwrap_or(Value::Null);
    canonical(&resolved(
        doc,
        &content,
        &mut Vec::new(),
        &mut BTreeMap::new(),
    ))
}

/// A response's headers: lowercase name → (name as written, shape as canonical text).
pub(super) fn response_headers(doc: &Value, resp_ptr: &str) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let Some(resp) = at(doc, resp_ptr) else {
        return out;
    };
    if let Some(Value::Object(headers)) = pointer::deref(doc, resp).get("headers") {
        for (name, h) in headers {
            let shape = canonical(&resolved(doc, h, &mut Vec::new(), &mut BTreeMap::new()));
            out.insert(name.to_ascii_lowercase(), (name.clone(), shape));
        }
    }
    out
}

/// A value with local `$ref`s replaced by what they point to (a reference met again inside
/// itself stays a reference) and documentation (`description`, `title`, examples, `x-`
/// extensions) left out. Each reference is resolved once (`memo`), so shared schemas cost
/// their size, not the number of paths that reach them.
fn resolved(
    doc: &Value,
    v: &Value,
    stack: &mut Vec<String>,
    memo: &mut BTreeMap<String, Value>,
) -> Value {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if stack.contains(r) || stack.len() > 32 {
                    return Value::String(format!("$ref:{r}"));
                }
                let Some(target) = pointer::local(r).and_then(|p| pointer::get(doc, &p)) else {
                    return Value::String(format!("$ref:{r}"));
                };
                if let Some(done) = memo.get(r) {
                    return done.clone();
                }
                stack.push(r.clone());
                let out = resolved(doc, target, stack, memo);
                stack.pop();
                memo.insert(r.clone(), out.clone());
                return out;
            }
            let mut out = serde_json::Map::new();
            for (k, child) in map {
                if matches!(
                    k.as_str(),
                    "description" | "title" | "example" | "examples" | "externalDocs" | "summary"
                ) || k.starts_with("x-")
                {
                    continue;
                }
                let child = match (k.as_str(), child) {
                    // Property names are data, not documentation keys.
                    ("properties", Value::Object(props)) => Value::Object(
                        props
                            .iter()
                            .map(|(name, p)| (name.clone(), resolved(doc, p, stack, memo)))
                            .collect(),
                    ),
                    _ => resolved(doc, child, stack, memo),
                };
                out.insert(k.clone(), child);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| resolved(doc, i, stack, memo))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {"/pets/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {
                    "parameters": [{"name": "X-Trace", "in": "header"}],
                    "responses": {
                        "200": {"$ref": "#/components/responses/Pet"},
                        "404": {"description": "no", "content": {"text/plain; charset=utf-8": {}}},
                        "5XX": {"description": "bad"},
                        "default": {"description": "other"}
                    }
                }
            }},
            "components": {
                "parameters": {"Id": {"name": "id", "in": "path"}},
                "responses": {"Pet": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Pet"}
                }}}},
                "schemas": {
                    "Pet": {"allOf": [
                        {"$ref": "#/components/schemas/Named"},
                        {"properties": {"age": {}}}
                    ]},
                    "Named": {"properties": {"a/b": {}}}
                }
            }
        })
    }

    const OP: &str = "/paths/~1pets~1{id}/get";

    #[test]
    fn real_pointer_leads_through_refs_and_keeps_unknown_tails() {
        let d = doc();
        assert_eq!(
            real_pointer(
                &d,
                &format!("{OP}/responses/200/content/application~1json/schema")
            ),
            "/components/responses/Pet/content/application~1json/schema"
        );
        assert_eq!(
            real_pointer(&d, &format!("{OP}/responses/200/nothing/a~1b")),
            "/components/responses/Pet/nothing/a~1b"
        );
        assert_eq!(
            real_pointer(&d, &format!("{OP}/responses/404")),
            format!("{OP}/responses/404")
        );
    }

    #[test]
    fn properties_are_found_through_all_of_and_refs() {
        let d = doc();
        let pet = "/components/schemas/Pet";
        assert_eq!(
            prop_pointer(&d, pet, "a/b"),
            "/components/schemas/Named/properties/a~1b"
        );
        assert_eq!(
            prop_pointer(&d, pet, "age"),
            format!("{pet}/allOf/1/properties/age")
        );
        // Not declared anywhere: where it would be.
        assert_eq!(
            prop_pointer(&d, pet, "zzz"),
            format!("{pet}/properties/zzz")
        );
    }

    #[test]
    fn statuses_split_into_success_and_error() {
        let d = doc();
        assert_eq!(success_statuses(&d, OP), ["200"]);
        assert_eq!(error_statuses(&d, OP), ["404", "5XX", "default"]);
        assert_eq!(all_statuses(&d, OP).len(), 4);
        assert_eq!(
            content_type_of(&d, &format!("{OP}/responses/404")),
            "text/plain; charset=utf-8"
        );
    }
}
