//! Values synthesized from the IR: a value's examples and default first, then one made from
//! its Rust type and the schema's format and bounds ([`oagen::ir::Facets`]).

use oagen::ir::{EnumRepr, Facets, Prim, TypeDef, TypeKind, TypeRef};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Synthesizes request values from the API's types.
pub(crate) struct Sampler<'a> {
    types: &'a BTreeMap<&'a str, &'a TypeDef>,
    /// The value is sent as text (a parameter): `"1"` then also matches `type: integer`.
    pub(crate) text: bool,
    /// Named types being sampled, to stop at recursion.
    active: Vec<&'a str>,
}

/// Nesting deeper than this is left out (optional) or filled minimally (required).
pub(crate) const MAX_SAMPLE_DEPTH: usize = 12;

static NO_FACETS: Facets = Facets {
    examples: Vec::new(),
    default: None,
    json_type: None,
    format: None,
    pattern: None,
    min_length: None,
    max_length: None,
    minimum: None,
    maximum: None,
    exclusive_minimum: false,
    exclusive_maximum: false,
    multiple_of: None,
    min_items: None,
    max_items: None,
    read_only: false,
    items: None,
    values: None,
};

/// The facets an item holds, or none.
pub(crate) fn facets_of(f: &Option<Box<Facets>>) -> &Facets {
    f.as_deref().unwrap_or(&NO_FACETS)
}

impl<'a> Sampler<'a> {
    pub(crate) fn new(types: &'a BTreeMap<&'a str, &'a TypeDef>) -> Self {
        Sampler {
            types,
            text: false,
            active: Vec::new(),
        }
    }

    /// A value of type `ty` described by `facets`, or `None` when none can be made
    /// (recursion, depth).
    pub(crate) fn sample(
        &mut self,
        ty: &'a TypeRef,
        facets: &'a Facets,
        depth: usize,
    ) -> Option<Value> {
        if depth > MAX_SAMPLE_DEPTH {
            return None;
        }
        if let Some(e) = facets.examples.first() {
            return Some(e.clone());
        }
        if let Some(d) = &facets.default {
            return Some(d.clone());
        }
        match ty {
            TypeRef::Option(inner) => self.sample(inner, facets, depth),
            TypeRef::Vec(inner) => {
                let item_facets = facets.items.as_deref().unwrap_or(&NO_FACETS);
                let item = self.sample(inner, item_facets, depth + 1);
                let n = facets.min_items.unwrap_or(1).clamp(1, 3) as usize;
                Some(Value::Array(match item {
                    Some(v) => vec![v; n],
                    None => Vec::new(),
                }))
            }
            TypeRef::Map(inner) => {
                let value_facets = facets.values.as_deref().unwrap_or(&NO_FACETS);
                let mut m = Map::new();
                if let Some(v) = self.sample(inner, value_facets, depth + 1) {
                    m.insert("key".into(), v);
                }
                Some(Value::Object(m))
            }
            TypeRef::Prim(p) => Some(prim_sample(*p, facets)),
            TypeRef::Named(name) => self.named(name, depth),
        }
    }

    fn named(&mut self, name: &'a str, depth: usize) -> Option<Value> {
        let types = self.types;
        let def = *types.get(name)?;
        if self.active.contains(&name) {
            return None;
        }
        self.active.push(name);
        let v = self.kind(def, depth);
        self.active.pop();
        v
    }

    fn kind(&mut self, def: &'a TypeDef, depth: usize) -> Option<Value> {
        let facets = facets_of(&def.facets);
        if let Some(e) = facets.examples.first() {
            return Some(e.clone());
        }
        if let Some(d) = &facets.default {
            return Some(d.clone());
        }
        match &def.kind {
            TypeKind::Alias(t) => self.sample(t, facets, depth + 1),
            TypeKind::Struct { fields, additional } => {
                let mut out = Map::new();
                for f in fields {
                    if f.read_only || facets_of(&f.facets).read_only || self.read_only(&f.ty) {
                        continue;
                    }
                    let deeper = if f.required { depth + 1 } else { depth + 2 };
                    if let Some(v) = self.sample(&f.ty, facets_of(&f.facets), deeper) {
                        out.insert(f.wire.clone(), v);
                    }
                }
                if let (true, Some(a)) = (fields.is_empty(), additional) {
                    if let Some(v) = self.sample(a, &NO_FACETS, depth + 1) {
                        out.insert("key".into(), v);
                    }
                }
                Some(Value::Object(out))
            }
            TypeKind::Enum { repr, variants } => variants.first().map(|v| match repr {
                EnumRepr::String => Value::String(v.value.clone()),
                EnumRepr::Integer => v
                    .value
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(v.value.clone())),
            }),
            TypeKind::Union {
                tag: Some(tag),
                variants,
            } => variants.iter().find_map(|alt| {
                let mut v = self.sample(&alt.ty, facets_of(&alt.facets), depth + 1)?;
                if let (Some(m), Some(value)) = (v.as_object_mut(), alt.tags.first()) {
                    // The tag selects this alternative, whatever a sample of the property said.
                    m.insert(tag.clone(), Value::String(value.clone()));
                }
                Some(v)
            }),
            TypeKind::Union {
                tag: None,
                variants,
            } => {
                // A value that only one alternative accepts: with `[integer, string]`, `1`
                // (sent as text) matches both, `"example"` only one.
                let candidates: Vec<(usize, Value)> = variants
                    .iter()
                    .enumerate()
                    .filter_map(|(i, alt)| {
                        self.sample(&alt.ty, facets_of(&alt.facets), depth + 1)
                            .map(|v| (i, v))
                    })
                    .collect();
                let unique = candidates.iter().find(|(i, v)| {
                    variants
                        .iter()
                        .enumerate()
                        .all(|(j, other)| j == *i || !self.accepts(&other.ty, v, 0))
                });
                unique.or(candidates.first()).map(|(_, v)| v.clone())
            }
        }
    }

    /// A named type whose schema is `readOnly` (a property that is a `$ref` to it).
    fn read_only(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(n) => self
                .types
                .get(n.as_str())
                .is_some_and(|t| facets_of(&t.facets).read_only),
            TypeRef::Option(i) => self.read_only(i),
            _ => false,
        }
    }

    /// Whether a value of type `ty` could be `value`, judging by JSON kind and enum values
    /// only. As text (a parameter), strings that parse as numbers or booleans match those
    /// types and any scalar matches a string.
    pub(crate) fn accepts(&self, ty: &TypeRef, value: &Value, depth: usize) -> bool {
        if depth > MAX_SAMPLE_DEPTH {
            return true;
        }
        let text = self.text;
        match ty {
            TypeRef::Option(i) => value.is_null() || self.accepts(i, value, depth + 1),
            TypeRef::Vec(_) => value.is_array(),
            TypeRef::Map(_) => value.is_object(),
            TypeRef::Prim(p) => match (p, value) {
                (Prim::Value, _) => true,
                (Prim::Unit, v) => v.is_null(),
                (Prim::Bool, Value::Bool(_)) => true,
                (Prim::Bool, Value::String(s)) => text && (s == "true" || s == "false"),
                (Prim::I32 | Prim::I64, Value::Number(n)) => n.is_i64() || n.is_u64(),
                (Prim::I32 | Prim::I64, Value::String(s)) => {
                    text && s.trim().parse::<i64>().is_ok()
                }
                (Prim::F32 | Prim::F64, Value::Number(_)) => true,
                (Prim::F32 | Prim::F64, Value::String(s)) => {
                    text && s.trim().parse::<f64>().is_ok()
                }
                (Prim::Bool | Prim::I32 | Prim::I64 | Prim::F32 | Prim::F64, _) => false,
                (_, Value::String(_)) => true,
                (_, Value::Number(_) | Value::Bool(_)) => text,
                (Prim::Binary, Value::Array(_)) => true,
                _ => false,
            },
            TypeRef::Named(n) => match self.types.get(n.as_str()).map(|t| &t.kind) {
                None => true,
                Some(TypeKind::Alias(t)) => self.accepts(t, value, depth + 1),
                Some(TypeKind::Struct { .. }) => value.is_object(),
                Some(TypeKind::Enum { variants, .. }) => {
                    let text_of = match value {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => return false,
                    };
                    variants.iter().any(|v| v.value == text_of)
                }
                Some(TypeKind::Union { variants, .. }) => variants
                    .iter()
                    .any(|v| self.accepts(&v.ty, value, depth + 1)),
            },
        }
    }
}

/// A scalar of type `p`, from the facets' format and bounds.
pub(crate) fn prim_sample(p: Prim, f: &Facets) -> Value {
    match p {
        Prim::String | Prim::DateTime | Prim::Date | Prim::Uuid | Prim::Base64 | Prim::Binary => {
            Value::String(string_sample(f))
        }
        Prim::I32 | Prim::I64 => integer_sample(f),
        Prim::F32 | Prim::F64 => number_sample(f),
        Prim::Bool => Value::Bool(true),
        Prim::Unit => Value::Null,
        Prim::Value => match f.json_type.as_deref() {
            Some("object") => Value::Object(Map::new()),
            Some("array") => Value::Array(Vec::new()),
            Some("integer") => integer_sample(f),
            Some("number") => number_sample(f),
            Some("boolean") => Value::Bool(true),
            Some("null") => Value::Null,
            _ => Value::String(string_sample(f)),
        },
    }
}

pub(crate) fn string_sample(f: &Facets) -> String {
    let base = match f.format.as_deref().unwrap_or("") {
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
    let min = f.min_length.unwrap_or(0) as usize;
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = f.max_length {
        s = s.chars().take(max as usize).collect();
    }
    s
}

/// The smallest allowed value at or above 1 (respecting `minimum`, `maximum`, exclusivity
/// and `multipleOf`).
pub(crate) fn integer_sample(f: &Facets) -> Value {
    let lo = f.minimum.map(|m| {
        if f.exclusive_minimum {
            m.floor() + 1.0
        } else {
            m.ceil()
        }
    });
    let hi = f.maximum.map(|m| {
        if f.exclusive_maximum {
            m.ceil() - 1.0
        } else {
            m.floor()
        }
    });
    let mut v = lo.unwrap_or(1.0);
    if let Some(step) = f.multiple_of.filter(|s| *s >= 1.0) {
        v = (v / step).ceil() * step;
    }
    if let Some(h) = hi {
        if v > h {
            v = h;
        }
    }
    Value::from(v as i64)
}

pub(crate) fn number_sample(f: &Facets) -> Value {
    let v = match (f.minimum, f.maximum) {
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
    use crate::plan::{plan, Call};
    use serde_json::json;

    /// The IR of a spec whose one operation `POST /t` takes `body` (a schema) as its JSON body,
    /// with `components` as given.
    fn api(body: Value, components: Value) -> oagen::ir::Api {
        let spec = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/t": {"post": {
                "operationId": "send",
                "requestBody": {"required": true, "content": {"application/json": body}},
                "responses": {"204": {"description": "done"}}
            }}},
            "components": components,
        });
        oagen::generate_str(
            &spec.to_string(),
            std::path::Path::new("t.json"),
            oagen::Layout::Module,
            &oagen::Options::default(),
        )
        .map_err(|d| d.render(false))
        .expect("spec builds")
        .api
    }

    fn body(body: Value, components: Value) -> Value {
        let calls: Vec<Call> = plan(&api(body, components), "key");
        calls[0].body.clone().expect("a body")
    }

    fn schema(s: Value) -> Value {
        body(json!({"schema": s}), json!({}))
    }

    fn facets(f: Value) -> Facets {
        let mut out = Facets::default();
        let get = |k: &str| f.get(k).and_then(Value::as_f64);
        out.format = f.get("format").and_then(Value::as_str).map(str::to_string);
        out.min_length = f.get("minLength").and_then(Value::as_u64);
        out.max_length = f.get("maxLength").and_then(Value::as_u64);
        out.minimum = get("minimum");
        out.maximum = get("maximum");
        out.multiple_of = get("multipleOf");
        out.exclusive_minimum = f.get("exclusiveMinimum") == Some(&json!(true));
        out
    }

    #[test]
    fn examples_win_over_synthesis() {
        let prop = |p: Value| {
            schema(json!({"type": "object", "required": ["a"], "properties": {"a": p}}))["a"]
                .clone()
        };
        assert_eq!(
            prop(json!({"type": "string", "example": "abc", "default": "d"})),
            "abc"
        );
        assert_eq!(prop(json!({"type": "string", "default": "d"})), "d");
        assert_eq!(
            prop(json!({"type": "string", "enum": [null, "b", "c"]})),
            "b"
        );
        // The media type's example beats the schema's, `$ref`s to components/examples followed.
        let components = json!({"examples": {"Named": {"value": {"a": "from-ref"}}}});
        let s = json!({"type": "object", "properties": {"a": {"type": "string", "example": "x"}}});
        assert_eq!(
            body(
                json!({"schema": s, "examples": {"one": {"$ref": "#/components/examples/Named"}}}),
                components
            ),
            json!({"a": "from-ref"})
        );
        assert_eq!(
            body(json!({"schema": s, "example": {"a": "inline"}}), json!({})),
            json!({"a": "inline"})
        );
    }

    #[test]
    fn annotation_parts_of_all_of_do_not_replace_the_reference() {
        let components = json!({"schemas": {"Sort": {"type": "string", "enum": ["asc", "desc"]}}});
        for annotation in [
            json!({"description": "The order.", "nullable": true}),
            json!({"description": "The order.", "example": "desc"}),
        ] {
            let s = json!({"type": "object", "required": ["sort"], "properties": {
                "sort": {"allOf": [{"$ref": "#/components/schemas/Sort"}, annotation]}
            }});
            assert_eq!(
                body(json!({"schema": s}), components.clone()),
                json!({"sort": "asc"})
            );
        }
    }

    #[test]
    fn formats_and_bounds() {
        let s = |f: Value| string_sample(&facets(f));
        assert_eq!(s(json!({"format": "date-time"})), "2026-01-15T09:30:00Z");
        assert_eq!(s(json!({"minLength": 10})), "examplexxx");
        assert_eq!(s(json!({"maxLength": 3})), "exa");
        let i = |f: Value| integer_sample(&facets(f));
        assert_eq!(i(json!({"minimum": 5})), json!(5));
        assert_eq!(i(json!({"minimum": 5, "exclusiveMinimum": true})), json!(6));
        assert_eq!(i(json!({"maximum": 0})), json!(0));
        assert_eq!(i(json!({"minimum": 3, "multipleOf": 5})), json!(5));
        assert_eq!(i(json!({"minimum": -4})), json!(-4));
        assert_eq!(
            number_sample(&facets(json!({"minimum": 0, "maximum": 1}))),
            json!(0.5)
        );
        // The facets reach the sampler through the IR.
        assert_eq!(
            schema(
                json!({"type": "object", "required": ["n", "s"], "properties": {
                    "n": {"type": "integer", "minimum": 7},
                    "s": {"type": "string", "format": "email", "maxLength": 4}
                }})
            ),
            json!({"n": 7, "s": "jane"})
        );
        // A free-form object stays an object.
        assert_eq!(
            schema(
                json!({"type": "object", "required": ["o"], "properties": {"o": {"type": "object"}}})
            ),
            json!({"o": {}})
        );
    }

    #[test]
    fn objects_skip_read_only_and_stop_at_recursion() {
        let components = json!({"schemas": {
            "Id": {"type": "string", "readOnly": true},
            "Pet": {"type": "object", "required": ["name"], "properties": {
                "id": {"$ref": "#/components/schemas/Id"},
                "created": {"type": "string", "readOnly": true},
                "name": {"type": "string", "example": "Rex"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "parent": {"$ref": "#/components/schemas/Pet"}
            }}
        }});
        let v = body(
            json!({"schema": {"$ref": "#/components/schemas/Pet"}}),
            components,
        );
        assert_eq!(v, json!({"name": "Rex", "tags": ["example"]}));
    }

    #[test]
    fn a_tagged_union_sends_the_tag_of_the_alternative() {
        let components = json!({"schemas": {
            "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}}},
            "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}}
        }});
        let v = body(
            json!({"schema": {"$ref": "#/components/schemas/Pet"}}),
            components,
        );
        assert_eq!(v, json!({"kind": "cat", "lives": 1}));
    }

    #[test]
    fn one_of_picks_a_value_only_one_alternative_accepts() {
        let components =
            json!({"schemas": {"IntOrText": {"oneOf": [{"type": "integer"}, {"type": "string"}]}}});
        // In a JSON body `1` is not a string.
        assert_eq!(
            body(
                json!({"schema": {"$ref": "#/components/schemas/IntOrText"}}),
                components.clone()
            ),
            json!(1)
        );
        // As a parameter `1` travels as text and also matches `string`.
        let a = api(json!({"schema": {"type": "string"}}), components);
        let types: BTreeMap<&str, &TypeDef> =
            a.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut text = Sampler::new(&types);
        text.text = true;
        let ty = TypeRef::Named("IntOrText".into());
        assert_eq!(text.sample(&ty, &NO_FACETS, 0), Some(json!("example")));
        let numbers =
            json!({"schemas": {"N": {"oneOf": [{"type": "number"}, {"type": "integer"}]}}});
        assert_eq!(
            body(
                json!({"schema": {"$ref": "#/components/schemas/N"}}),
                numbers
            ),
            json!(1.5)
        );
    }

    /// Weni's `TranslatableText`: the example of an inline alternative is the union's value.
    #[test]
    fn an_inline_alternative_keeps_its_example() {
        let components = json!({"schemas": {
            "Translations": {"type": "object", "additionalProperties": {"type": "string"}},
            "Text": {"oneOf": [
                {"type": "string", "example": "Hello @contact.name!"},
                {"$ref": "#/components/schemas/Translations"}
            ]}
        }});
        assert_eq!(
            body(
                json!({"schema": {"$ref": "#/components/schemas/Text"}}),
                components
            ),
            json!("Hello @contact.name!")
        );
    }
}
