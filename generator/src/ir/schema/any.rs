//! Schemas without a single `type` (OpenAPI's "any" schema): inferred from their
//! properties, items, enum values or format.

use super::*;

impl<'a> Cx<'a> {
    pub(super) fn any(
        &mut self,
        a: &'a AnySchema,
        s: &'a Schema,
        name: Name<'_>,
        ptr: &str,
    ) -> (TypeRef, bool) {
        let doc = || doc_of(&s.schema_data, &s.schema_data.extensions);
        if !a.all_of.is_empty() {
            let mut props = Vec::new();
            for (k, v) in &a.properties {
                props.push((
                    k.as_str(),
                    child_pointer(ptr, "properties", k),
                    SRef::from(v),
                ));
            }
            return self.all_of(&a.all_of, &props, Some(&a.required), name, doc(), ptr);
        }
        if !a.one_of.is_empty() {
            return self.union(
                &a.one_of,
                s.schema_data.discriminator.as_ref(),
                name,
                doc(),
                ptr,
                "oneOf",
            );
        }
        if !a.any_of.is_empty() {
            return self.union(
                &a.any_of,
                s.schema_data.discriminator.as_ref(),
                name,
                doc(),
                ptr,
                "anyOf",
            );
        }
        if !a.properties.is_empty() || a.typ.as_deref() == Some("object") {
            return (
                self.object(
                    &a.properties,
                    &a.required,
                    a.additional_properties.as_ref(),
                    name,
                    doc(),
                    ptr,
                ),
                false,
            );
        }
        if a.items.is_some() || a.typ.as_deref() == Some("array") {
            return (self.array(a.items.as_ref(), &name, ptr), false);
        }
        if !a.enumeration.is_empty() {
            let strings: Vec<&str> = a
                .enumeration
                .iter()
                .filter_map(serde_json::Value::as_str)
                .collect();
            let ints: Vec<i64> = a
                .enumeration
                .iter()
                .filter_map(serde_json::Value::as_i64)
                .collect();
            let nullable = a.enumeration.iter().any(serde_json::Value::is_null);
            let non_null = a.enumeration.len() - usize::from(nullable);
            let names = varnames(&s.schema_data.extensions);
            if strings.len() == non_null && non_null > 0 {
                let kind = TypeKind::Enum {
                    repr: EnumRepr::String,
                    variants: string_variants(&mut self.camel_names, &strings, names.as_deref()),
                };
                return (self.define(&name, doc(), kind, ptr), nullable);
            }
            if ints.len() == non_null && non_null > 0 {
                let kind = TypeKind::Enum {
                    repr: EnumRepr::Integer,
                    variants: integer_variants(&ints, names.as_deref()),
                };
                return (self.define(&name, doc(), kind, ptr), nullable);
            }
            if non_null > 0 {
                self.warn(
                    "unsupported-schema",
                    "enum mixing value types; using `serde_json::Value`",
                    ptr,
                );
            }
            return (TypeRef::Prim(Prim::Value), nullable);
        }
        if a.additional_properties.is_some() {
            return (
                self.object(
                    &a.properties,
                    &a.required,
                    a.additional_properties.as_ref(),
                    name,
                    doc(),
                    ptr,
                ),
                false,
            );
        }
        let prim = match a.typ.as_deref() {
            Some("string") => match a.format.as_deref() {
                Some(f) => string_format(&VariantOrUnknownOrEmpty::Unknown(f.to_string())),
                None => Prim::String,
            },
            Some("integer") => match a.format.as_deref() {
                Some("int32") => Prim::I32,
                _ => Prim::I64,
            },
            Some("number") => match a.format.as_deref() {
                Some("float") => Prim::F32,
                _ => Prim::F64,
            },
            Some("boolean") => Prim::Bool,
            Some(other) if other != "null" => {
                self.warn(
                    "unsupported-schema",
                    format!("unknown type `{other}`; using `serde_json::Value`"),
                    ptr,
                );
                Prim::Value
            }
            _ => Prim::Value,
        };
        (TypeRef::Prim(prim), false)
    }
}
