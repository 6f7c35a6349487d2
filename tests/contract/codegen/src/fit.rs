//! Fitting a sampled value to the generated Rust type, so that it always decodes.

use crate::sample::MAX_SAMPLE_DEPTH;
use oagen::ir::{EnumRepr, Prim, TypeDef, TypeKind, TypeRef};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Adjusts `v` so that it decodes into the Rust type of `ty`: fills required fields the
/// schema sample left out, turns `binary` strings into byte arrays, replaces values of the
/// wrong JSON kind by a minimal one.
pub(crate) fn fit(types: &BTreeMap<&str, &TypeDef>, ty: &TypeRef, v: Value, depth: usize) -> Value {
    if depth > MAX_SAMPLE_DEPTH * 2 {
        return v;
    }
    match ty {
        TypeRef::Option(inner) => match v {
            Value::Null => Value::Null,
            v => fit(types, inner, v, depth + 1),
        },
        TypeRef::Vec(inner) => match v {
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|i| fit(types, inner, i, depth + 1))
                    .collect(),
            ),
            _ => Value::Array(Vec::new()),
        },
        TypeRef::Map(inner) => match v {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|(k, i)| (k, fit(types, inner, i, depth + 1)))
                    .collect(),
            ),
            _ => Value::Object(Map::new()),
        },
        TypeRef::Prim(p) => fit_prim(*p, v),
        TypeRef::Named(n) => match types.get(n.as_str()).map(|t| &t.kind) {
            None => v,
            Some(TypeKind::Alias(t)) => fit(types, t, v, depth + 1),
            Some(TypeKind::Struct { fields, additional }) => {
                let mut m = match v {
                    Value::Object(m) => m,
                    _ => Map::new(),
                };
                for f in fields {
                    match m.remove(&f.wire) {
                        Some(Value::Null) if f.nullable || !f.required => {
                            m.insert(f.wire.clone(), Value::Null);
                        }
                        Some(x) => {
                            let x = fit(types, &f.ty, x, depth + 1);
                            m.insert(f.wire.clone(), x);
                        }
                        None if f.required && !f.nullable && !f.write_only => {
                            let x = fit(types, &f.ty, Value::Null, depth + 1);
                            m.insert(f.wire.clone(), x);
                        }
                        None => {}
                    }
                }
                if let Some(a) = additional {
                    let known: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
                    for (k, x) in m.iter_mut() {
                        if !known.contains(&k.as_str()) {
                            *x = fit(types, a, std::mem::take(x), depth + 1);
                        }
                    }
                }
                Value::Object(m)
            }
            Some(TypeKind::Enum {
                repr: EnumRepr::String,
                variants,
            }) => match v {
                Value::String(s) => Value::String(s),
                _ => Value::String(
                    variants
                        .first()
                        .map(|v| v.value.clone())
                        .unwrap_or_else(|| "example".into()),
                ),
            },
            Some(TypeKind::Enum {
                repr: EnumRepr::Integer,
                variants,
            }) => match v {
                Value::Number(n) if n.is_i64() => Value::Number(n),
                _ => Value::from(
                    variants
                        .first()
                        .and_then(|v| v.value.parse::<i64>().ok())
                        .unwrap_or(0),
                ),
            },
            Some(TypeKind::Union { tag, variants }) => match (v, variants.first()) {
                (Value::Null, Some(first)) => {
                    let mut x = fit(types, &first.ty, Value::Null, depth + 1);
                    if let (Some(tag), Some(m), Some(value)) =
                        (tag, x.as_object_mut(), first.tags.first())
                    {
                        m.entry(tag.clone())
                            .or_insert_with(|| Value::String(value.clone()));
                    }
                    x
                }
                (v, _) => v,
            },
        },
    }
}

pub(crate) fn fit_prim(p: Prim, v: Value) -> Value {
    match p {
        Prim::String => match v {
            Value::String(s) => Value::String(s),
            Value::Null => Value::String("example".into()),
            other => Value::String(other.to_string()),
        },
        Prim::Bool => match v {
            Value::Bool(b) => Value::Bool(b),
            _ => Value::Bool(true),
        },
        Prim::I32 | Prim::I64 => match &v {
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                let x = n.as_i64().unwrap_or(i64::MAX);
                if p == Prim::I32 {
                    Value::from(x.clamp(i64::from(i32::MIN), i64::from(i32::MAX)))
                } else {
                    v
                }
            }
            Value::Number(n) => Value::from(n.as_f64().unwrap_or(1.0).round() as i64),
            Value::String(s) => Value::from(s.trim().parse::<i64>().unwrap_or(1)),
            _ => Value::from(1),
        },
        Prim::F32 | Prim::F64 => match v {
            Value::Number(n) => Value::Number(n),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .unwrap_or(Value::from(1)),
            _ => Value::from(1),
        },
        Prim::DateTime => match v {
            Value::String(s) => Value::String(s),
            _ => Value::String("2026-01-15T09:30:00Z".into()),
        },
        Prim::Date => match v {
            Value::String(s) => Value::String(s),
            _ => Value::String("2026-01-15".into()),
        },
        Prim::Uuid => match v {
            Value::String(s) => Value::String(s),
            _ => Value::String("3fa85f64-5717-4562-b3fc-2c963f66afa6".into()),
        },
        Prim::Base64 => match v {
            Value::String(s) => Value::String(s),
            _ => Value::String("b2FnZW4=".into()),
        },
        Prim::Binary => match v {
            Value::String(s) => Value::Array(s.bytes().map(Value::from).collect()),
            Value::Array(a) => Value::Array(a),
            _ => Value::Array(b"oagen".iter().map(|b| Value::from(*b)).collect()),
        },
        Prim::Value => match v {
            Value::Null => Value::String("example".into()),
            v => v,
        },
        Prim::Unit => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fit_fills_required_fields_and_converts_binary() {
        use oagen::ir::{Doc, Field};
        let field = |wire: &str, ty: TypeRef, required: bool| Field {
            wire: wire.into(),
            ident: wire.into(),
            ty,
            required,
            nullable: false,
            tri_state: false,
            doc: Doc::default(),
            read_only: false,
            write_only: false,
            boxed: false,
            facets: Default::default(),
        };
        let upload = TypeDef {
            name: "Upload".into(),
            doc: Doc::default(),
            kind: TypeKind::Struct {
                fields: vec![
                    field("file", TypeRef::Prim(Prim::Binary), true),
                    field("count", TypeRef::Prim(Prim::I32), true),
                    field("note", TypeRef::Prim(Prim::String), false),
                ],
                additional: None,
            },
            pointer: String::new(),
            settings: Default::default(),
            facets: Default::default(),
        };
        let types: BTreeMap<&str, &TypeDef> = [("Upload", &upload)].into_iter().collect();
        let v = fit(
            &types,
            &TypeRef::Named("Upload".into()),
            json!({"file": "hi", "count": 9_000_000_000_i64}),
            0,
        );
        assert_eq!(v, json!({"file": [104, 105], "count": i32::MAX}));
        let v = fit(&types, &TypeRef::Named("Upload".into()), Value::Null, 0);
        assert_eq!(v, json!({"file": [111, 97, 103, 101, 110], "count": 1}));
    }
}
