//! `oneOf` / `anyOf`: unions of variants.

use super::*;

impl<'a> Cx<'a> {
    pub(super) fn union(
        &mut self,
        alts: &'a [ReferenceOr<Schema>],
        discriminator: Option<&openapiv3::Discriminator>,
        name: Name<'_>,
        doc: Doc,
        ptr: &str,
        keyword: &str,
    ) -> (TypeRef, bool) {
        // Drop `{type: "null"}`-like alternatives (3.1 normalized): they make the union nullable.
        let mut nullable = false;
        let mut kept: Vec<(usize, &'a ReferenceOr<Schema>)> = Vec::new();
        for (i, a) in alts.iter().enumerate() {
            if let ReferenceOr::Item(s) = a {
                if let SchemaKind::Any(any) = &s.schema_kind {
                    if any == &AnySchema::default() && s.schema_data.nullable {
                        nullable = true;
                        continue;
                    }
                }
            }
            kept.push((i, a));
        }
        if kept.is_empty() {
            return (TypeRef::Prim(Prim::Value), true);
        }
        if kept.len() == 1 {
            let (i, a) = kept[0];
            let (t, n) = self.convert(a, name, &format!("{ptr}/{keyword}/{i}"));
            return (t, n || nullable);
        }
        let union_name = self.claim(&name);
        let mut vnamer = Namer::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        for (pos, (i, a)) in kept.iter().enumerate() {
            let hint = match a {
                ReferenceOr::Item(s) => s
                    .schema_data
                    .title
                    .as_deref()
                    .map(|t| format!("{union_name}{}", ident::camel(t)))
                    .unwrap_or_else(|| format!("{union_name}Variant{}", pos + 1)),
                ReferenceOr::Reference { .. } => format!("{union_name}Variant{}", pos + 1),
            };
            let (ty, n) = self.convert(a, Name::Hint(hint), &format!("{ptr}/{keyword}/{i}"));
            let base = variant_name(&ty);
            variants.push(UnionVariant {
                name: vnamer.claim(&base),
                tags: Vec::new(),
                ty: wrap_nullable(ty, n),
                boxed: false,
                facets: self.facets(SRef::from(*a)),
                default: false,
            });
        }
        let mut tag = None;
        if let Some(d) = discriminator {
            let all_structs = variants.iter().all(|v| match &v.ty {
                TypeRef::Named(n) => self.is_struct_like(n),
                _ => false,
            });
            if all_structs {
                tag = Some(d.property_name.clone());
                for ((_, a), v) in kept.iter().zip(variants.iter_mut()) {
                    let ReferenceOr::Reference { reference } = a else {
                        continue;
                    };
                    let mut tags: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, target)| {
                            *target == reference || reference.ends_with(&format!("/{target}"))
                        })
                        .map(|(k, _)| k.clone())
                        .collect();
                    if tags.is_empty() {
                        if let Some(key) = reference.rsplit('/').next() {
                            tags.push(key.to_string());
                        }
                    }
                    v.tags = tags;
                }
                if let Some(target) = d
                    .extensions
                    .get(crate::load::v32::DEFAULT_MAPPING_MARK)
                    .and_then(serde_json::Value::as_str)
                {
                    let found = kept.iter().position(|(_, a)| match a {
                        ReferenceOr::Reference { reference } => {
                            reference == target || reference.ends_with(&format!("/{target}"))
                        }
                        ReferenceOr::Item(_) => false,
                    });
                    match found {
                        Some(i) => variants[i].default = true,
                        None => self.warn(
                            "unsupported-schema",
                            format!("the discriminator's `defaultMapping` `{target}` is not one of the alternatives; a value with an unknown tag is kept as `Unknown`"),
                            &format!("{ptr}/discriminator/defaultMapping"),
                        ),
                    }
                }
                if variants.iter().any(|v| v.tags.is_empty()) {
                    // Inline alternatives carry no implicit tag value.
                    self.warn(
                        "unsupported-schema",
                        "discriminator with inline alternatives; decoding tries each alternative in order",
                        ptr,
                    );
                    tag = None;
                    for v in &mut variants {
                        v.tags.clear();
                        v.default = false;
                    }
                }
            } else {
                self.warn(
                    "unsupported-schema",
                    "discriminator over non-object alternatives is ignored; decoding tries each alternative in order",
                    ptr,
                );
            }
        }
        let kind = TypeKind::Union { tag, variants };
        self.types.insert(
            union_name.clone(),
            TypeDef {
                name: union_name.clone(),
                doc,
                kind,
                pointer: ptr.to_string(),
                settings: Default::default(),
                facets: None,
            },
        );
        (TypeRef::Named(union_name), nullable)
    }

    /// Whether a named type is (or aliases) a struct or map, so it can carry a tag field.
    pub(super) fn is_struct_like(&self, name: &str) -> bool {
        match self.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct { .. }) => true,
            Some(TypeKind::Alias(TypeRef::Named(n))) if n != name => self.is_struct_like(n),
            Some(_) => false,
            // Not converted yet: a component still in progress is an object if it has properties.
            None => {
                let key = self
                    .components
                    .iter()
                    .find(|(_, v)| v.as_str() == name)
                    .map(|(k, _)| k.clone());
                let Some(key) = key else { return false };
                let schema = self
                    .openapi
                    .components
                    .as_ref()
                    .and_then(|c| c.schemas.get(&key))
                    .and_then(|s| self.deref_schema(s));
                matches!(
                    schema.map(|s| &s.schema_kind),
                    Some(SchemaKind::Type(Type::Object(_))) | Some(SchemaKind::AllOf { .. })
                ) || matches!(schema.map(|s| &s.schema_kind), Some(SchemaKind::Any(a)) if !a.properties.is_empty())
            }
        }
    }
}

/// A variant name for a union alternative, from its type.
pub(super) fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::Prim(p) => match p {
            Prim::String => "String",
            Prim::Bool => "Boolean",
            Prim::I32 | Prim::I64 => "Integer",
            Prim::F32 | Prim::F64 => "Number",
            Prim::DateTime => "DateTime",
            Prim::Date => "Date",
            Prim::Uuid => "Uuid",
            Prim::Base64 | Prim::Binary => "Bytes",
            Prim::Value => "Value",
            Prim::Unit => "Null",
        }
        .to_string(),
        TypeRef::Vec(inner) => format!("{}List", variant_name(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_name(inner)),
        TypeRef::Option(inner) => variant_name(inner),
    }
}
