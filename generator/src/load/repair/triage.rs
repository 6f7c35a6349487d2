//! Which nodes may need a repair: a cheap look at one node's own keys, so that the
//! repairs (which look nodes up by pointer) run on the few nodes that need them, not on
//! every node of a large spec. It must answer `true` for every node a repair would change
//! (a superset is fine); `tests` below check it against the repairs on every fixture.

use serde_json::{Map, Value};

use super::super::walk::Kind;
use super::null_ok;

/// Whether the node `v` of kind `kind` may need a repair.
pub(super) fn suspicious(kind: Kind, v: &Value, is_31: bool) -> bool {
    let o = match v {
        Value::Null => return true,
        Value::Object(o) => o,
        // A non-object example is repaired; other non-objects are left to the model.
        _ => return kind == Kind::Example,
    };
    if o.contains_key("$ref") && kind != Kind::Schema {
        return false;
    }
    if o.iter().any(|(k, v)| v.is_null() && !null_ok(k)) {
        return true;
    }
    let not_string = |key: &str| o.get(key).is_some_and(|v| !v.is_string());
    let not_bool = |key: &str| o.get(key).is_some_and(|v| !v.is_boolean());
    match kind {
        Kind::Operation => {
            ["summary", "description", "operationId", "deprecated"]
                .iter()
                .any(|k| {
                    if *k == "deprecated" {
                        not_bool(k)
                    } else {
                        not_string(k)
                    }
                })
                || !string_list(o, "tags")
                || match o.get("responses") {
                    Some(Value::Object(m)) => m.keys().all(|k| k.starts_with("x-")),
                    _ => true,
                }
                || o.get("parameters")
                    .and_then(Value::as_array)
                    .is_some_and(|ps| {
                        ps.iter().any(|p| {
                            matches!(
                                p.get("in").and_then(Value::as_str),
                                Some("body" | "formData")
                            )
                        })
                    })
        }
        Kind::PathItem => not_string("summary") || not_string("description"),
        Kind::Parameter => {
            ["name", "description", "in"].iter().any(|k| not_string(k))
                || !o.contains_key("name")
                || !matches!(
                    o.get("in").and_then(Value::as_str),
                    Some("query" | "header" | "cookie") | Some("path")
                )
                || (o.get("in").and_then(Value::as_str) == Some("path")
                    && o.get("required") != Some(&Value::Bool(true)))
                || (!o.contains_key("schema") && !o.contains_key("content"))
                || [
                    "required",
                    "deprecated",
                    "allowEmptyValue",
                    "explode",
                    "allowReserved",
                ]
                .iter()
                .any(|k| not_bool(k))
        }
        Kind::Response => {
            not_string("description") || !o.contains_key("description") || o.contains_key("schema")
        }
        Kind::Header => {
            not_string("description")
                || o.get("style").is_some_and(|s| s.as_str() != Some("simple"))
                || (!o.contains_key("schema") && !o.contains_key("content"))
                || ["required", "deprecated", "explode"]
                    .iter()
                    .any(|k| not_bool(k))
        }
        Kind::RequestBody => {
            not_string("description") || !o.contains_key("content") || not_bool("required")
        }
        Kind::MediaType => o.get("examples").is_some_and(Value::is_array),
        Kind::Encoding => not_bool("explode") || not_bool("allowReserved"),
        Kind::Example => not_string("summary") || not_string("description"),
        Kind::Link => {
            not_string("description")
                || not_string("operationId")
                || !(o.get("operationId").is_some_and(Value::is_string)
                    || o.get("operationRef").is_some_and(Value::is_string))
        }
        Kind::Callback => o
            .iter()
            .any(|(k, v)| !k.starts_with("x-") && !v.is_object()),
        Kind::SecurityScheme => {
            ["description", "name", "scheme", "bearerFormat"]
                .iter()
                .any(|k| not_string(k))
                || !matches!(
                    o.get("type").and_then(Value::as_str),
                    Some("apiKey" | "http" | "oauth2" | "openIdConnect" | "mutualTLS")
                )
                || (o.get("type").and_then(Value::as_str) == Some("apiKey")
                    && !matches!(
                        o.get("in").and_then(Value::as_str),
                        Some("query" | "header" | "cookie")
                    ))
                || o.get("flows").and_then(Value::as_object).is_some_and(|f| {
                    f.values().any(|flow| {
                        flow.as_object()
                            .is_some_and(|fl| !fl.get("scopes").is_some_and(Value::is_object))
                    })
                })
        }
        Kind::Schema => schema(o, is_31),
        _ => false,
    }
}

fn string_list(o: &Map<String, Value>, key: &str) -> bool {
    match o.get(key) {
        None => true,
        Some(Value::Array(a)) => a.iter().all(Value::is_string),
        Some(_) => false,
    }
}

fn schema(o: &Map<String, Value>, is_31: bool) -> bool {
    let not_string = |key: &str| o.get(key).is_some_and(|v| !v.is_string());
    if ["title", "description", "format", "pattern"]
        .iter()
        .any(|k| not_string(k))
    {
        return true;
    }
    if [
        "nullable",
        "readOnly",
        "writeOnly",
        "deprecated",
        "uniqueItems",
    ]
    .iter()
    .any(|k| o.get(*k).is_some_and(|v| !v.is_boolean()))
    {
        return true;
    }
    if !string_list(o, "required") || o.get("discriminator").is_some_and(Value::is_string) {
        return true;
    }
    if o.get("properties")
        .and_then(|p| p.get("required"))
        .is_some_and(Value::is_array)
    {
        return true;
    }
    let is_string_type = match o.get("type") {
        None => false,
        Some(Value::String(t)) => {
            if !matches!(
                t.as_str(),
                "string" | "integer" | "number" | "boolean" | "object" | "array"
            ) {
                // Unknown spellings; in 3.1 `null` is handled by the 3.1 rules.
                if !(is_31 && t == "null") {
                    return true;
                }
            }
            t == "string"
        }
        Some(Value::Array(_)) => {
            if !is_31 {
                return true;
            }
            false
        }
        Some(_) => return true,
    };
    match o.get("enum") {
        None => {}
        Some(Value::Array(values))
            if is_string_type && values.iter().any(|v| v.is_number() || v.is_boolean()) =>
        {
            return true;
        }
        Some(Value::Array(_)) => {}
        Some(_) => return true,
    }
    if [
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "minProperties",
        "maxProperties",
    ]
    .iter()
    .any(|k| o.get(*k).is_some_and(|v| v.as_u64().is_none()))
    {
        return true;
    }
    !is_31
        && (o.contains_key("const")
            || o.get("exclusiveMinimum").is_some_and(Value::is_number)
            || o.get("exclusiveMaximum").is_some_and(Value::is_number))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::diag::Diagnostics;

    /// The triage changes nothing but speed: on every fixture the repo has (valid, bad and
    /// repair fixtures), the repaired document and the diagnostics are the same with the
    /// triage as when every node is visited.
    #[test]
    fn triage_changes_nothing_but_speed() {
        let mut checked = 0;
        for path in super::super::super::fixture_files(&["yaml", "json"]) {
            let Some((doc, is_31, ctx)) = super::super::super::prepared(&path) else {
                continue;
            };
            let run = |triage: bool| -> (Value, String) {
                let mut d = doc.clone();
                let mut diags = Diagnostics::new();
                super::super::after_refs_with(&mut d, is_31, &ctx.sources, &mut diags, triage);
                (d, format!("{:?}", diags.iter().collect::<Vec<_>>()))
            };
            let (with, with_diags) = run(true);
            let (without, without_diags) = run(false);
            assert_eq!(with, without, "{}", path.display());
            assert_eq!(with_diags, without_diags, "{}", path.display());
            checked += 1;
        }
        assert!(checked > 100, "only {checked} fixtures checked");
    }
}
