// Past ~800 lines: one stage step whose split along its seams is issue 12 (the architecture
// round); until then, keep additions here small.
//! Schema → type conversion: every schema becomes a [`TypeRef`], defining named types for
//! objects, enums and unions on the way. Inline schemas are named after where they sit.

use super::*;
use crate::diag::{Diagnostics, Location};
use crate::ident::{self, Namer};
use crate::load::pointer::{self, Hop};
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
// Lookups only: a map iterated on an output path stays a `BTreeMap`.
use rustc_hash::FxHashMap as FastMap;
use std::hash::BuildHasher;

/// Inline schemas nested deeper than this become `serde_json::Value` with a warning.
const MAX_DEPTH: usize = 48;

/// How a schema's type is to be named.
#[derive(Clone, Debug)]
pub(crate) enum Name<'n> {
    /// A component: the type must carry exactly this (already claimed) name.
    Fixed(String),
    /// An inline schema: claim a name derived from this hint if a named type is needed.
    Hint(String),
    /// A property's (or parameter's) schema: the hint is the parent's name (possibly empty)
    /// followed by the property's name in camel case. Most properties need no name of their
    /// own, so it is made on demand.
    Field(&'n str, &'n str),
    /// An array's items (`Item`) or a map's values (`Value`): the hint is the container's
    /// followed by the suffix, also made on demand.
    Child(&'n Name<'n>, &'static str),
}

/// A schema or a reference to one, borrowed from the document: properties and items are
/// boxed in `openapiv3`, everything else is not, and this view lets both be converted
/// without copying them.
#[derive(Clone, Copy, Debug)]
pub(crate) enum SRef<'s> {
    /// A `$ref`.
    Ref(&'s str),
    /// An inline schema.
    Item(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SRef<'s> {
    fn from(r: &'s ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SRef<'s> {
    fn from(r: &'s ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

/// A property to become a field: its wire name, its pointer and its schema.
type Prop<'a> = (&'a str, String, SRef<'a>);

/// The schema conversion context: the type namespace and everything defined so far.
pub(crate) struct Cx<'a> {
    pub openapi: &'a openapiv3::OpenAPI,
    pub locate: &'a dyn Fn(&str) -> Location,
    pub diags: &'a mut Diagnostics,
    pub namer: Namer,
    pub types: BTreeMap<String, TypeDef>,
    /// Component schema key → Rust type name.
    pub components: BTreeMap<String, String>,
    /// Component keys already converted or in progress.
    pub started: BTreeSet<String>,
    /// Inline schemas already converted, by pointer: shared components (parameters,
    /// responses, merged `allOf` parts) yield one type, not one per use.
    cache: PtrCache,
    /// `ident::snake` of property names seen so far: the same names recur in many objects.
    snake_names: FastMap<&'a str, String>,
    /// `ident::camel` of property names (for type-name hints) and enum values.
    camel_names: FastMap<String, String>,
    depth: usize,
}

/// The conversion cache: results by pointer. A table maps each pointer's hash to the newest
/// entry with that hash, and entries whose hashes are equal chain to the older ones; so
/// growing the table moves hashes only, without reading every pointer again.
#[derive(Default)]
struct PtrCache {
    heads: FastMap<u64, usize>,
    entries: Vec<CacheEntry>,
}

struct CacheEntry {
    ptr: Box<str>,
    ty: TypeRef,
    nullable: bool,
    /// The previous entry with the same hash, or `NIL`.
    next: usize,
}

const NIL: usize = usize::MAX;

impl PtrCache {
    fn hash(ptr: &str) -> u64 {
        rustc_hash::FxBuildHasher.hash_one(ptr)
    }

    /// The result stored for `ptr` (whose hash is `key`): the latest one, as a map would.
    fn get(&self, key: u64, ptr: &str) -> Option<(TypeRef, bool)> {
        let mut i = self.heads.get(&key).copied().unwrap_or(NIL);
        while let Some(e) = self.entries.get(i) {
            if &*e.ptr == ptr {
                return Some((e.ty.clone(), e.nullable));
            }
            i = e.next;
        }
        None
    }

    fn insert(&mut self, key: u64, ptr: &str, ty: TypeRef, nullable: bool) {
        let next = self.heads.get(&key).copied().unwrap_or(NIL);
        self.heads.insert(key, self.entries.len());
        self.entries.push(CacheEntry {
            ptr: ptr.into(),
            ty,
            nullable,
            next,
        });
    }
}

/// `{base}/{segment}/{key}`, the key escaped: the pointer of a property and the like.
fn child_pointer(base: &str, segment: &str, key: &str) -> String {
    let mut out = String::with_capacity(base.len() + segment.len() + key.len() + 2);
    out.push_str(base);
    out.push('/');
    out.push_str(segment);
    out.push('/');
    pointer::push_escaped(&mut out, key);
    out
}

impl<'a> Cx<'a> {
    pub fn new(
        openapi: &'a openapiv3::OpenAPI,
        locate: &'a dyn Fn(&str) -> Location,
        diags: &'a mut Diagnostics,
    ) -> Self {
        Cx {
            openapi,
            locate,
            diags,
            namer: Namer::default(),
            types: BTreeMap::new(),
            components: BTreeMap::new(),
            started: BTreeSet::new(),
            cache: PtrCache::default(),
            snake_names: FastMap::default(),
            camel_names: FastMap::default(),
            depth: 0,
        }
    }

    pub fn warn(&mut self, code: &'static str, msg: impl Into<String>, ptr: &str) {
        let loc = (self.locate)(ptr);
        self.diags.warning(code, msg, Some(loc));
    }

    /// A warning for a departure from the spec that was repaired; `repair`
    /// says how (shown as `repaired: ...`).
    pub fn repaired(
        &mut self,
        code: &'static str,
        msg: impl Into<String>,
        repair: &str,
        ptr: &str,
    ) {
        let loc = (self.locate)(ptr);
        self.diags.push(
            crate::diag::Diagnostic::warning(code, msg)
                .at(loc)
                .with_help(format!("repaired: {repair}")),
        );
    }

    pub fn error(&mut self, code: &'static str, msg: impl Into<String>, ptr: &str) {
        let loc = (self.locate)(ptr);
        self.diags.error(code, msg, Some(loc));
    }

    /// Claims names for every component schema, in document order, then converts them.
    pub fn convert_components(&mut self) {
        let Some(components) = &self.openapi.components else {
            return;
        };
        for key in components.schemas.keys() {
            let name = self.namer.claim(&ident::type_name(key));
            self.components.insert(key.clone(), name);
        }
        let keys: Vec<String> = components.schemas.keys().cloned().collect();
        for key in keys {
            self.component(&key);
        }
        self.break_alias_cycles();
    }

    /// Schemas that are nothing but each other (`A: {allOf: [$ref: B]}`, `B: {allOf: [$ref:
    /// A]}`, or `Cat: {allOf: [$ref: Cat]}`) would be type aliases of each other, which Rust
    /// refuses: the first alias of each cycle becomes `serde_json::Value`, with a warning.
    fn break_alias_cycles(&mut self) {
        let names: Vec<String> = self.types.keys().cloned().collect();
        for start in names {
            let mut seen = vec![start.clone()];
            let mut at = start.clone();
            while let Some(TypeKind::Alias(TypeRef::Named(next))) =
                self.types.get(&at).map(|t| &t.kind)
            {
                if *next == start {
                    let pointer = self
                        .types
                        .get(&start)
                        .map(|t| t.pointer.clone())
                        .unwrap_or_default();
                    seen.push(start.clone());
                    if let Some(t) = self.types.get_mut(&start) {
                        t.kind = TypeKind::Alias(TypeRef::Prim(Prim::Value));
                    }
                    // A cycle of bare `$ref`s is the loader's `ref-cycle` error already.
                    let bare_ref = pointer
                        .strip_prefix("/components/schemas/")
                        .and_then(|k| self.resolve_ref(&format!("#/components/schemas/{k}")))
                        .is_some_and(|(_, s)| matches!(s, ReferenceOr::Reference { .. }));
                    if bare_ref {
                        break;
                    }
                    self.repaired(
                        "ref-cycle",
                        format!(
                            "the schema is only itself, through `allOf` or references: {}",
                            seen.join(" → ")
                        ),
                        "it is read as any value (`serde_json::Value`)",
                        &pointer,
                    );
                    break;
                }
                if seen.contains(next) {
                    break;
                }
                seen.push(next.clone());
                at = next.clone();
            }
        }
    }

    /// Converts a component schema once.
    fn component(&mut self, key: &str) {
        if !self.started.insert(key.to_string()) {
            return;
        }
        let Some(schema) = self
            .openapi
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(key))
        else {
            return;
        };
        let Some(name) = self.components.get(key).cloned() else {
            return;
        };
        let ptr = format!("/components/schemas/{}", pointer::escape(key));
        let (ty, _nullable) = self.convert(schema, Name::Fixed(name.clone()), &ptr);
        if ty == TypeRef::Named(name.clone()) && !self.types.contains_key(&name) {
            // `Cat: {allOf: [$ref: Cat]}`: the schema is only itself.
            self.types.insert(
                name.clone(),
                TypeDef {
                    name: name.clone(),
                    doc: Doc::default(),
                    kind: TypeKind::Alias(TypeRef::Named(name.clone())),
                    pointer: ptr,
                },
            );
        } else if ty != TypeRef::Named(name.clone()) {
            let doc = match schema {
                ReferenceOr::Item(s) => doc_of(&s.schema_data, &s.schema_data.extensions),
                ReferenceOr::Reference { .. } => Doc::default(),
            };
            self.types.insert(
                name.clone(),
                TypeDef {
                    name,
                    doc,
                    kind: TypeKind::Alias(ty),
                    pointer: ptr,
                },
            );
        }
    }

    /// Resolves a `$ref` to a component schema: its key and schema.
    pub fn resolve_ref(&self, reference: &str) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        let local = pointer::local(reference)?;
        let key = pointer::unescape(local.strip_prefix("/components/schemas/")?);
        let (k, s) = self
            .openapi
            .components
            .as_ref()?
            .schemas
            .get_key_value(key.as_ref())?;
        Some((k.as_str(), s))
    }

    /// Follows references until an inline schema (`None` for a dangling ref or a loop).
    pub fn deref_schema(&self, s: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        let end = pointer::follow(s, |s| match s {
            ReferenceOr::Item(_) => Hop::End,
            ReferenceOr::Reference { reference } => match self.resolve_ref(reference) {
                Some((_, next)) => Hop::To(next),
                None => Hop::Broken,
            },
        })?;
        match end {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// Converts a schema or reference. Returns the type (never wrapped in `Option` for the
    /// schema's own nullability) and whether the schema is nullable.
    pub fn convert(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        name: Name<'_>,
        ptr: &str,
    ) -> (TypeRef, bool) {
        self.convert_sref(SRef::from(schema), name, ptr)
    }

    /// [`Cx::convert`] on a borrowed view of a schema or reference.
    fn convert_sref(&mut self, schema: SRef<'a>, name: Name<'_>, ptr: &str) -> (TypeRef, bool) {
        match schema {
            SRef::Ref(reference) => match self.resolve_ref(reference) {
                Some((key, target)) => {
                    let nullable = self
                        .deref_schema(target)
                        .is_some_and(|s| s.schema_data.nullable);
                    match self.components.get(key) {
                        Some(n) => (TypeRef::Named(n.clone()), nullable),
                        None => (TypeRef::Prim(Prim::Value), false),
                    }
                }
                // The loader has reported the dangling ref already.
                None => (TypeRef::Prim(Prim::Value), false),
            },
            SRef::Item(s) => {
                let key = PtrCache::hash(ptr);
                if let Some(hit) = self.cache.get(key, ptr) {
                    return hit;
                }
                if self.depth >= MAX_DEPTH {
                    self.warn(
                        "too-deep",
                        format!(
                            "schema nesting deeper than {MAX_DEPTH}; using `serde_json::Value`"
                        ),
                        ptr,
                    );
                    return (TypeRef::Prim(Prim::Value), s.schema_data.nullable);
                }
                self.depth += 1;
                let ty = self.schema(s, name, ptr);
                self.depth -= 1;
                let nullable = s.schema_data.nullable || ty.1;
                self.cache.insert(key, ptr, ty.0.clone(), nullable);
                (ty.0, nullable)
            }
        }
    }

    /// Same as [`Cx::convert`] for boxed schemas (properties, items).
    pub fn convert_boxed(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        name: Name<'_>,
        ptr: &str,
    ) -> (TypeRef, bool) {
        self.convert_sref(SRef::from(schema), name, ptr)
    }

    /// A converted type, with `nullable` folded into `Option`.
    pub fn convert_opt(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        name: Name<'_>,
        ptr: &str,
    ) -> TypeRef {
        let (ty, nullable) = self.convert(schema, name, ptr);
        wrap_nullable(ty, nullable)
    }

    /// Defines a named type and returns a reference to it.
    /// The hint a name is derived from.
    fn hint<'n>(&mut self, name: &'n Name<'_>) -> Cow<'n, str> {
        match name {
            Name::Fixed(s) | Name::Hint(s) => Cow::Borrowed(s),
            Name::Field(parent, wire) => {
                let camel = camel_memo(&mut self.camel_names, wire);
                let mut h = String::with_capacity(parent.len() + camel.len());
                h.push_str(parent);
                h.push_str(camel);
                Cow::Owned(h)
            }
            Name::Child(parent, suffix) => {
                let mut h = self.hint(parent).into_owned();
                h.push_str(suffix);
                Cow::Owned(h)
            }
        }
    }

    /// A type's name: the fixed one, or a fresh one claimed from the hint.
    fn claim(&mut self, name: &Name<'_>) -> String {
        match name {
            Name::Fixed(n) => n.clone(),
            _ => {
                let hint = self.hint(name);
                let want = ident::type_name(&hint);
                self.namer.claim(&want)
            }
        }
    }

    fn define(&mut self, name: &Name<'_>, doc: Doc, kind: TypeKind, ptr: &str) -> TypeRef {
        let n = self.claim(name);
        self.types.insert(
            n.clone(),
            TypeDef {
                name: n.clone(),
                doc,
                kind,
                pointer: ptr.to_string(),
            },
        );
        TypeRef::Named(n)
    }

    /// Returns (type, extra nullable) for an inline schema.
    fn schema(&mut self, s: &'a Schema, name: Name<'_>, ptr: &str) -> (TypeRef, bool) {
        // Only named types keep the documentation: made on demand.
        let doc = || doc_of(&s.schema_data, &s.schema_data.extensions);
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                if !st.enumeration.is_empty() {
                    let nullable = st.enumeration.iter().any(Option::is_none);
                    let values: Vec<&str> = st
                        .enumeration
                        .iter()
                        .flatten()
                        .map(String::as_str)
                        .collect();
                    let names = varnames(&s.schema_data.extensions);
                    let variants =
                        string_variants(&mut self.camel_names, &values, names.as_deref());
                    let kind = TypeKind::Enum {
                        repr: EnumRepr::String,
                        variants,
                    };
                    return (self.define(&name, doc(), kind, ptr), nullable);
                }
                (TypeRef::Prim(string_format(&st.format)), false)
            }
            SchemaKind::Type(Type::Integer(it)) => {
                if !it.enumeration.is_empty() {
                    let nullable = it.enumeration.iter().any(Option::is_none);
                    let values: Vec<i64> = it.enumeration.iter().flatten().copied().collect();
                    let names = varnames(&s.schema_data.extensions);
                    let variants = integer_variants(&values, names.as_deref());
                    let kind = TypeKind::Enum {
                        repr: EnumRepr::Integer,
                        variants,
                    };
                    return (self.define(&name, doc(), kind, ptr), nullable);
                }
                let p = match &it.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Prim::I32,
                    _ => Prim::I64,
                };
                (TypeRef::Prim(p), false)
            }
            SchemaKind::Type(Type::Number(nt)) => {
                let p = match &nt.format {
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Prim::F32,
                    _ => Prim::F64,
                };
                (TypeRef::Prim(p), false)
            }
            SchemaKind::Type(Type::Boolean(_)) => (TypeRef::Prim(Prim::Bool), false),
            SchemaKind::Type(Type::Array(at)) => (self.array(at.items.as_ref(), &name, ptr), false),
            SchemaKind::Type(Type::Object(ot)) => (
                self.object(
                    &ot.properties,
                    &ot.required,
                    ot.additional_properties.as_ref(),
                    name,
                    doc(),
                    ptr,
                ),
                false,
            ),
            SchemaKind::OneOf { one_of } => self.union(
                one_of,
                s.schema_data.discriminator.as_ref(),
                name,
                doc(),
                ptr,
                "oneOf",
            ),
            SchemaKind::AnyOf { any_of } => self.union(
                any_of,
                s.schema_data.discriminator.as_ref(),
                name,
                doc(),
                ptr,
                "anyOf",
            ),
            SchemaKind::AllOf { all_of } => self.all_of(all_of, &[], None, name, doc(), ptr),
            SchemaKind::Not { .. } => {
                self.warn(
                    "unsupported-schema",
                    "`not` schemas cannot be expressed as a Rust type; using `serde_json::Value`",
                    ptr,
                );
                (TypeRef::Prim(Prim::Value), false)
            }
            SchemaKind::Any(any) => self.any(any, s, name, ptr),
        }
    }

    fn array(
        &mut self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        name: &Name<'_>,
        ptr: &str,
    ) -> TypeRef {
        match items {
            Some(items) => {
                let hint = Name::Child(name, "Item");
                let (ty, nullable) = self.convert_boxed(items, hint, &[ptr, "/items"].concat());
                TypeRef::Vec(Box::new(wrap_nullable(ty, nullable)))
            }
            None => TypeRef::Vec(Box::new(TypeRef::Prim(Prim::Value))),
        }
    }

    fn additional(
        &mut self,
        ap: Option<&'a AdditionalProperties>,
        name: &Name<'_>,
        ptr: &str,
    ) -> Option<TypeRef> {
        match ap {
            None | Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Prim(Prim::Value)),
            Some(AdditionalProperties::Schema(s)) => {
                let hint = Name::Child(name, "Value");
                let ptr = [ptr, "/additionalProperties"].concat();
                Some(self.convert_opt(s, hint, &ptr))
            }
        }
    }

    fn object(
        &mut self,
        properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        ap: Option<&'a AdditionalProperties>,
        name: Name<'_>,
        doc: Doc,
        ptr: &str,
    ) -> TypeRef {
        if properties.is_empty() {
            // A map, or free-form JSON.
            return match self.additional(ap, &name, ptr) {
                Some(TypeRef::Prim(Prim::Value)) | None => TypeRef::Prim(Prim::Value),
                Some(v) => TypeRef::Map(Box::new(v)),
            };
        }
        // Claim the name before converting fields, so inline children are named after it.
        let struct_name = self.claim(&name);
        let fixed = Name::Fixed(struct_name.clone());
        let mut props: Vec<Prop<'a>> = Vec::with_capacity(properties.len());
        for (k, v) in properties {
            props.push((
                k.as_str(),
                child_pointer(ptr, "properties", k),
                SRef::from(v),
            ));
        }
        let additional = self.additional(ap, &fixed, ptr);
        let fields = self.fields(&struct_name, &props, required);
        let fields = with_additional(fields, additional.is_some());
        self.types.insert(
            struct_name.clone(),
            TypeDef {
                name: struct_name.clone(),
                doc,
                kind: TypeKind::Struct { fields, additional },
                pointer: ptr.to_string(),
            },
        );
        TypeRef::Named(struct_name)
    }

    fn fields(&mut self, struct_name: &str, props: &[Prop<'a>], required: &[String]) -> Vec<Field> {
        let mut namer = Namer::default();
        let mut fields = Vec::with_capacity(props.len());
        for &(wire, ref fptr, schema) in props {
            let hint = Name::Field(struct_name, wire);
            let (ty, nullable) = self.convert_sref(schema, hint, fptr);
            let (doc, read_only, write_only) = match schema {
                SRef::Item(s) => {
                    let mut doc = doc_of(&s.schema_data, &s.schema_data.extensions);
                    if doc.description.is_none() {
                        doc.description = annotation_description(s);
                    }
                    if let Some(d) = &s.schema_data.default {
                        doc.notes.push(format!("Defaults to `{}`.", d));
                    }
                    (doc, s.schema_data.read_only, s.schema_data.write_only)
                }
                SRef::Ref(_) => (Doc::default(), false, false),
            };
            fields.push(Field {
                wire: wire.to_string(),
                ident: namer.claim(self.snake_name(wire)),
                ty,
                required: required.iter().any(|r| r == wire),
                nullable,
                tri_state: false,
                doc,
                read_only,
                write_only,
                boxed: false,
            });
        }
        fields
    }

    /// `ident::snake(wire)`, remembered.
    pub fn snake_name(&mut self, wire: &'a str) -> &str {
        self.snake_names
            .entry(wire)
            .or_insert_with(|| ident::snake(wire))
    }

    #[allow(clippy::too_many_arguments)]
    fn all_of(
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
            },
        );
        (TypeRef::Named(struct_name), false)
    }

    fn deref_part_is_typed(&self, part: &ReferenceOr<Schema>) -> bool {
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
    fn collect_object(
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

    fn union(
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
            },
        );
        (TypeRef::Named(union_name), nullable)
    }

    /// Whether a named type is (or aliases) a struct or map, so it can carry a tag field.
    fn is_struct_like(&self, name: &str) -> bool {
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

    fn any(
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

/// A schema that constrains or documents but does not shape a Rust type: no type (or only
/// `null`, which makes the whole nullable), properties, items, map values, enum, composition
/// or reference. An `allOf` part that is annotation-only adds nothing to the type; the one
/// definition for every stage (the contract-test sampler skips the same parts).
pub fn annotation_only(part: &ReferenceOr<Schema>) -> bool {
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
fn annotation_description(s: &Schema) -> Option<String> {
    let SchemaKind::AllOf { all_of } = &s.schema_kind else {
        return None;
    };
    all_of.iter().find_map(|p| match p {
        ReferenceOr::Item(a) if annotation_only(p) => a.schema_data.description.clone(),
        _ => None,
    })
}

fn upsert<'a>(props: &mut Vec<Prop<'a>>, p: Prop<'a>) {
    if let Some(slot) = props.iter_mut().find(|(k, _, _)| *k == p.0) {
        *slot = p;
    } else {
        props.push(p);
    }
}

/// Makes sure the flattened map's field name does not clash: it is claimed by the renderer
/// as `additional_properties`, so a property of that name is renamed here.
fn with_additional(mut fields: Vec<Field>, has_additional: bool) -> Vec<Field> {
    if has_additional {
        for f in &mut fields {
            if f.ident == "additional_properties" {
                f.ident = "additional_properties_field".into();
            }
        }
    }
    fields
}

pub(crate) fn wrap_nullable(ty: TypeRef, nullable: bool) -> TypeRef {
    match (nullable, &ty) {
        (true, TypeRef::Option(_)) | (true, TypeRef::Prim(Prim::Value)) | (false, _) => ty,
        (true, _) => TypeRef::Option(Box::new(ty)),
    }
}

/// The documentation a schema carries: title, description, deprecation, our inferred note.
fn doc_of(
    data: &openapiv3::SchemaData,
    ext: &indexmap::IndexMap<String, serde_json::Value>,
) -> Doc {
    let mut doc = Doc {
        summary: data.title.clone(),
        description: data.description.clone(),
        notes: Vec::new(),
    };
    if data.deprecated {
        doc.notes.push("Deprecated.".into());
    }
    if let Some(reason) = ext.get("x-oagen-inferred") {
        doc.notes.push(inferred_note(reason));
    }
    doc
}

pub(crate) fn inferred_note(reason: &serde_json::Value) -> String {
    match reason.as_str() {
        Some(r) => format!("**Inferred, not confirmed by the vendor:** {r}"),
        None => "**Inferred, not confirmed by the vendor.**".to_string(),
    }
}

fn string_format(f: &VariantOrUnknownOrEmpty<StringFormat>) -> Prim {
    match f {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Prim::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Prim::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Prim::Base64,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Prim::Binary,
        VariantOrUnknownOrEmpty::Unknown(u) => match u.as_str() {
            "uuid" => Prim::Uuid,
            "date-time" => Prim::DateTime,
            "date" => Prim::Date,
            "byte" => Prim::Base64,
            "binary" => Prim::Binary,
            _ => Prim::String,
        },
        _ => Prim::String,
    }
}

/// `x-enum-varnames` / `x-enum-names`, a widespread convention for naming enum variants.
fn varnames(ext: &indexmap::IndexMap<String, serde_json::Value>) -> Option<Vec<String>> {
    let v = ext
        .get("x-enum-varnames")
        .or_else(|| ext.get("x-enumNames"))?;
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(String::from))
        .collect()
}

/// `ident::camel(s)`, remembered in `memo`: enum values and property names recur.
fn camel_memo<'m>(memo: &'m mut FastMap<String, String>, s: &str) -> &'m str {
    if !memo.contains_key(s) {
        memo.insert(s.to_string(), ident::camel(s));
    }
    memo.get(s).map_or("", String::as_str)
}

fn string_variants(
    camel: &mut FastMap<String, String>,
    values: &[&str],
    names: Option<&[String]>,
) -> Vec<EnumVariant> {
    let mut namer = Namer::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(values.len());
    for (i, &v) in values.iter().enumerate() {
        if !seen.insert(v) {
            continue;
        }
        let base = match names.and_then(|n| n.get(i)) {
            Some(n) => camel_memo(camel, n),
            None if v.is_empty() => "Empty",
            None => camel_memo(camel, v),
        };
        out.push(EnumVariant {
            name: namer.claim(base),
            value: v.to_string(),
        });
    }
    out
}

fn integer_variants(values: &[i64], names: Option<&[String]>) -> Vec<EnumVariant> {
    let mut namer = Namer::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if !seen.insert(*v) {
            continue;
        }
        let base = match names.and_then(|n| n.get(i)) {
            Some(n) => ident::camel(n),
            None if *v < 0 => format!("Minus{}", v.unsigned_abs()),
            None => format!("V{v}"),
        };
        out.push(EnumVariant {
            name: namer.claim(&base),
            value: v.to_string(),
        });
    }
    out
}

/// A variant name for a union alternative, from its type.
fn variant_name(ty: &TypeRef) -> String {
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
