//! Swagger 2.0 schemas in the 3.0 shape. Applied to every schema, nested
//! ones included (`properties`, `items`, `additionalProperties`, `allOf`,
//! `anyOf`, `oneOf`, `not`), without recursion:
//!
//! - `$ref: '#/definitions/X'` → `#/components/schemas/X` (and
//!   `#/parameters/`, `#/responses/` → their components).
//! - `x-nullable: true` → `nullable: true`; next to a `$ref` (where 3.0
//!   ignores siblings) the schema becomes `allOf: [{$ref}]` with
//!   `nullable: true`. `x-nullable: false` is dropped.
//! - `discriminator: propertyName` (a string) → `discriminator:
//!   {propertyName}`; as in 2.0, the value names the schema (3.0's implicit
//!   mapping).
//! - `type: file` → `type: string, format: binary`.
//! - `x-ms-enum: {values: [{value, name}]}` → `x-enum-varnames` in the order
//!   of `enum` (a value without a name keeps its own), which the IR reads as
//!   the variant names; an existing `x-enum-varnames` wins.

use serde_json::{Map, Value};

/// Converts the schema `root` and every schema inside it.
pub(super) fn fix(root: &mut Value) {
    let mut stack = vec![root];
    while let Some(v) = stack.pop() {
        let Some(obj) = v.as_object_mut() else {
            continue;
        };
        fix_one(obj);
        for (k, c) in obj.iter_mut() {
            match k.as_str() {
                "properties" => {
                    if let Some(m) = c.as_object_mut() {
                        stack.extend(m.values_mut());
                    }
                }
                "items" | "allOf" | "anyOf" | "oneOf" => match c {
                    Value::Array(a) => stack.extend(a.iter_mut()),
                    other => stack.push(other),
                },
                "additionalProperties" | "not" => stack.push(c),
                _ => {}
            }
        }
    }
}

/// Rewrites a reference object's local `$ref` to the 3.0 section.
pub(super) fn fix_ref(v: &mut Value) {
    if let Some(obj) = v.as_object_mut() {
        rewrite_ref(obj);
    }
}

fn rewrite_ref(obj: &mut Map<String, Value>) {
    let Some(Value::String(r)) = obj.get_mut("$ref") else {
        return;
    };
    for (from, to) in [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
    ] {
        if let Some(rest) = r.strip_prefix(from) {
            *r = format!("{to}{rest}");
            return;
        }
    }
}

fn fix_one(obj: &mut Map<String, Value>) {
    rewrite_ref(obj);
    if let Some(nullable) = obj.shift_remove("x-nullable") {
        if nullable.as_bool() == Some(true) {
            if let Some(r) = obj.shift_remove("$ref") {
                let mut branch = Map::new();
                branch.insert("$ref".into(), r);
                let mut all = vec![Value::Object(branch)];
                if let Some(Value::Array(old)) = obj.shift_remove("allOf") {
                    all.extend(old);
                }
                obj.insert("allOf".into(), Value::Array(all));
            }
            obj.insert("nullable".into(), Value::Bool(true));
        }
    }
    if let Some(Value::String(name)) = obj.get("discriminator") {
        let d = serde_json::json!({ "propertyName": name });
        obj.insert("discriminator".into(), d);
    }
    if obj.get("type").and_then(Value::as_str) == Some("file") {
        obj.insert("type".into(), "string".into());
        obj.insert("format".into(), "binary".into());
    }
    if let Some(ms) = obj.shift_remove("x-ms-enum") {
        if !obj.contains_key("x-enum-varnames") {
            if let Some(names) = ms_enum_names(&ms, obj.get("enum")) {
                obj.insert("x-enum-varnames".into(), names);
            }
        }
        obj.insert("x-ms-enum".into(), ms);
    }
}

/// `x-ms-enum`'s names in the order of `enum`; `None` when it names none.
fn ms_enum_names(ms: &Value, values: Option<&Value>) -> Option<Value> {
    let named = ms.get("values")?.as_array()?;
    let values = values?.as_array()?;
    let mut any = false;
    let names = values
        .iter()
        .map(|v| {
            let name = named
                .iter()
                .find(|n| n.get("value") == Some(v))
                .and_then(|n| n.get("name"))
                .and_then(Value::as_str);
            any |= name.is_some();
            match (name, v) {
                (Some(n), _) => Value::String(n.to_string()),
                (None, Value::String(s)) => Value::String(s.clone()),
                (None, other) => Value::String(other.to_string()),
            }
        })
        .collect();
    any.then_some(Value::Array(names))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_schemas_are_converted() {
        let mut s = json!({
            "type": "object",
            "discriminator": "kind",
            "properties": {
                "a": {"$ref": "#/definitions/A", "x-nullable": true},
                "f": {"type": "file"},
                "l": {"type": "array", "items": {"$ref": "#/definitions/B"}},
                "m": {"additionalProperties": {"type": "string", "x-nullable": true}}
            }
        });
        fix(&mut s);
        assert_eq!(
            s,
            json!({
                "type": "object",
                "discriminator": {"propertyName": "kind"},
                "properties": {
                    "a": {"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true},
                    "f": {"type": "string", "format": "binary"},
                    "l": {"type": "array", "items": {"$ref": "#/components/schemas/B"}},
                    "m": {"additionalProperties": {"type": "string", "nullable": true}}
                }
            })
        );
    }

    #[test]
    fn ms_enum_names_follow_the_enum_order() {
        let mut s = json!({
            "type": "string",
            "enum": ["b", "a", "c"],
            "x-ms-enum": {"name": "E", "values": [
                {"value": "a", "name": "Alpha"}, {"value": "b", "name": "Beta"}
            ]}
        });
        fix(&mut s);
        assert_eq!(s["x-enum-varnames"], json!(["Beta", "Alpha", "c"]));
        let mut kept = json!({"enum": ["a"], "x-enum-varnames": ["Mine"],
            "x-ms-enum": {"values": [{"value": "a", "name": "Theirs"}]}});
        fix(&mut kept);
        assert_eq!(kept["x-enum-varnames"], json!(["Mine"]));
    }
}
