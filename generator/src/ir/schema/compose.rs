//! `allOf`: parts merged into one object, or one shaping part with annotations.

use super::*;

impl<'a> Cx<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn all_of(
        &mut self,
        parts: &'a [ReferenceOr<Schema>],
        extra_props: &[Prop<'a>],
        extra_required: Option<&[String]>,
        name: Name<'_>,
        mut doc: Doc,
        ptr: &str,
    ) -> (TypeRef, bool) {
        // `allOf: [X]` with nothing else is X (3.1's `$ref` with siblings arrives this way).
        if parts.len() == 1 && extra_props.is_empty() {
            return self.convert(&parts[0], name, &format!("{ptr}/allOf/0"));
        }
        // So is `allOf: [X, {description: …}]`, the way AWS specs document every reference:
        // parts that only annotate add nothing to merge. (Merging would copy X into a new
        // struct per use, and a self-referencing X without end.)
        let shaping: Vec<usize> = (0..parts.len())
            .filter(|&i| !annotation_only(&parts[i]))
            .collect();
        if shaping.len() == 1 && extra_props.is_empty() {
            let i = shaping[0];
            let (ty, nullable) = self.convert(&parts[i], name, &format!("{ptr}/allOf/{i}"));
            let annotated_null = parts.iter().any(|p| match p {
                ReferenceOr::Item(s) if annotation_only(p) => {
                    s.schema_data.nullable
                        || matches!(&s.schema_kind, SchemaKind::Any(a) if a.typ.as_deref() == Some("null"))
                }
                _ => false,
            });
            return (ty, nullable || annotated_null);
        }
        let mut props: Vec<Prop<'a>> = Vec::new();
        let mut required: Vec<String> = extra_required.map(<[String]>::to_vec).unwrap_or_default();
        let mut additional: Option<&'a AdditionalProperties> = None;
        let mut non_object: Vec<usize> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let part_ptr = match part {
                ReferenceOr::Reference { reference } => {
                    pointer::local(reference).map_or_else(|| reference.clone(), Cow::into_owned)
                }
                ReferenceOr::Item(_) => format!("{ptr}/allOf/{i}"),
            };
            if !self.collect_object(
                part,
                &part_ptr,
                &mut props,
                &mut required,
                &mut additional,
                &mut doc,
                0,
            ) {
                non_object.push(i);
            }
        }
        for p in extra_props {
            upsert(&mut props, p.clone());
        }
        if props.is_empty() {
            // Nothing object-like to merge: use the one meaningful part, if there is one.
            let typed: Vec<usize> = non_object
                .iter()
                .copied()
                .filter(|&i| self.deref_part_is_typed(&parts[i]))
                .collect();
            if typed.len() == 1 {
                let i = typed[0];
                return self.convert(&parts[i], name, &format!("{ptr}/allOf/{i}"));
            }
            if additional.is_none() {
                self.warn(
                    "unsupported-schema",
                    "`allOf` of non-object schemas cannot be merged; using `serde_json::Value`",
                    ptr,
                );
                return (TypeRef::Prim(Prim::Value), false);
            }
        } else if non_object
            .iter()
            .any(|&i| self.deref_part_is_typed(&parts[i]))
        {
            self.warn(
                "unsupported-schema",
                "`allOf` mixes object and non-object schemas; only the object parts are merged",
                ptr,
            );
        }
        let struct_name = self.claim(&name);
        let fixed = Name::Fixed(struct_name.clone());
        if props.is_empty() {
            let v = self.additional(additional, &fixed, ptr);
            return match v {
                Some(TypeRef::Prim(Prim::Value)) | None => (TypeRef::Prim(Prim::Value), false),
                Some(v) => (TypeRef::Map(Box::new(v)), false),
            };
        }
        let add = self.additional(additional, &fixed, ptr);
        let fields = self.fields(&struct_name, &props, &required);
        let fields = with_additional(fields, add.is_some());
        self.types.insert(
            struct_name.clone(),
            TypeDef {
                name: struct_name.clone(),
                doc,
                kind: TypeKind::Struct {
                    fields,
                    additional: add,
                },
                pointer: ptr.to_string(),
                settings: Default::default(),
                facets: None,
            },
        );
        (TypeRef::Named(struct_name), false)
    }

    pub(super) fn deref_part_is_typed(&self, part: &ReferenceOr<Schema>) -> bool {
        match self.deref_schema(part) {
            Some(s) => match &s.schema_kind {
                SchemaKind::Any(a) => {
                    a.typ.is_some() || !a.enumeration.is_empty() || a.items.is_some()
                }
                _ => true,
            },
            None => false,
        }
    }

    /// Adds the properties of an object-like schema (following refs and nested `allOf`).
    /// Returns false when the schema is not object-like.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn collect_object(
        &mut self,
        part: &'a ReferenceOr<Schema>,
        part_ptr: &str,
        props: &mut Vec<Prop<'a>>,
        required: &mut Vec<String>,
        additional: &mut Option<&'a AdditionalProperties>,
        doc: &mut Doc,
        depth: usize,
    ) -> bool {
        if depth > 16 {
            return false;
        }
        let (s, base_ptr) = match part {
            ReferenceOr::Reference { reference } => match self.resolve_ref(reference) {
                Some((key, target)) => match target {
                    ReferenceOr::Item(s) => {
                        (s, format!("/components/schemas/{}", pointer::escape(key)))
                    }
                    ReferenceOr::Reference { .. } => {
                        return self.collect_object(
                            target,
                            part_ptr,
                            props,
                            required,
                            additional,
                            doc,
                            depth + 1,
                        );
                    }
                },
                None => return false,
            },
            ReferenceOr::Item(s) => (s, part_ptr.to_string()),
        };
        if doc.description.is_none() {
            doc.description = s.schema_data.description.clone();
        }
        let mut add_props = |map: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
                             req: &[String],
                             ap: &'a Option<AdditionalProperties>| {
            for (k, v) in map {
                upsert(
                    props,
                    (
                        k.as_str(),
                        child_pointer(&base_ptr, "properties", k),
                        SRef::from(v),
                    ),
                );
            }
            for r in req {
                if !required.contains(r) {
                    required.push(r.clone());
                }
            }
            if ap.is_some() {
                *additional = ap.as_ref();
            }
        };
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                add_props(&o.properties, &o.required, &o.additional_properties);
                true
            }
            SchemaKind::Any(a) if !a.properties.is_empty() || !a.all_of.is_empty() => {
                add_props(&a.properties, &a.required, &a.additional_properties);
                let mut ok = true;
                for (i, sub) in a.all_of.iter().enumerate() {
                    let sub_ptr = format!("{base_ptr}/allOf/{i}");
                    ok &= self.collect_object(
                        sub,
                        &sub_ptr,
                        props,
                        required,
                        additional,
                        doc,
                        depth + 1,
                    );
                }
                ok || !a.properties.is_empty()
            }
            SchemaKind::AllOf { all_of } => {
                let mut any = false;
                for (i, sub) in all_of.iter().enumerate() {
                    let sub_ptr = format!("{base_ptr}/allOf/{i}");
                    any |= self.collect_object(
                        sub,
                        &sub_ptr,
                        props,
                        required,
                        additional,
                        doc,
                        depth + 1,
                    );
                }
                any
            }
            _ => false,
        }
    }
}

/// A schema that constrains or documents but does not shape a Rust type: no type (or only
/// `null`, which makes the whole nullable), properties, items, map values, enum, composition
/// or reference. An `allOf` part that is annotation-only adds nothing to the type; the one
/// definition for every stage (the contract-test sampler skips the same parts).
pub(crate) fn annotation_only(part: &ReferenceOr<Schema>) -> bool {
    match part {
        ReferenceOr::Reference { .. } => false,
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Any(a) => {
                matches!(a.typ.as_deref(), None | Some("null"))
                    && a.properties.is_empty()
                    && a.items.is_none()
                    && a.additional_properties.is_none()
                    && a.enumeration.is_empty()
                    && a.one_of.is_empty()
                    && a.all_of.is_empty()
                    && a.any_of.is_empty()
                    && a.not.is_none()
            }
            _ => false,
        },
    }
}

/// The description an `allOf` carries in its annotation-only parts (see [`annotation_only`]).
pub(super) fn annotation_description(s: &Schema) -> Option<String> {
    let SchemaKind::AllOf { all_of } = &s.schema_kind else {
        return None;
    };
    all_of.iter().find_map(|p| match p {
        ReferenceOr::Item(a) if annotation_only(p) => a.schema_data.description.clone(),
        _ => None,
    })
}

pub(super) fn upsert<'a>(props: &mut Vec<Prop<'a>>, p: Prop<'a>) {
    if let Some(slot) = props.iter_mut().find(|(k, _, _)| *k == p.0) {
        *slot = p;
    } else {
        props.push(p);
    }
}
