//! Values synthesized from JSON schemas: examples first, then a value of the schema's type,
//! format and bounds.

use oagen::pointer;
use serde_json::{Map, Value};

/// Whether an `allOf` part only annotates or widens the others: the IR's rule
/// ([`oagen::ir::annotation_only`]), so that a sample has the type the IR gave the `allOf`.
/// A part the OpenAPI model cannot read counts as shaping.
pub(crate) fn annotation_only(part: &Value) -> bool {
    serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::Schema>>(part.clone())
        .is_ok_and(|p| oagen::ir::annotation_only(&p))
}

/// Synthesizes request values from schemas.
pub(crate) struct Sampler<'a> {
    doc: &'a Value,
    /// The value is sent as text (a parameter): `"1"` then also matches `type: integer`.
    pub(crate) text: bool,
    /// `$ref`s being sampled, to stop at recursion.
    active: Vec<String>,
}

/// Nesting deeper than this is left out (optional) or filled minimally (required).
pub(crate) const MAX_SAMPLE_DEPTH: usize = 12;

impl<'a> Sampler<'a> {
    pub(crate) fn new(doc: &'a Value) -> Self {
        Sampler {
            doc,
            text: false,
            active: Vec::new(),
        }
    }

    /// A value for `schema`, or `None` when none can be made (recursion, depth).
    pub(crate) fn sample(&mut self, schema: &Value, depth: usize) -> Option<Value> {
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
pub(crate) fn loosely_accepts(doc: &Value, schema: &Value, value: &Value, text: bool) -> bool {
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
pub(crate) fn discriminator_value(disc: &Value, alt: &Value) -> Option<String> {
    let r = alt.get("$ref").and_then(Value::as_str)?;
    if let Some(map) = disc.get("mapping").and_then(Value::as_object) {
        if let Some((k, _)) = map.iter().find(|(_, v)| v.as_str() == Some(r)) {
            return Some(k.clone());
        }
    }
    r.rsplit('/').next().map(str::to_string)
}

pub(crate) fn string_sample(obj: &Map<String, Value>) -> String {
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
pub(crate) fn integer_sample(obj: &Map<String, Value>) -> Value {
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

pub(crate) fn number_sample(obj: &Map<String, Value>) -> Value {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn sample(doc: &Value, schema: Value) -> Option<Value> {
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
            assert_eq!(oagen::ir::annotation_only(&typed), skipped, "{part}");
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
}
