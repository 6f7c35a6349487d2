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

mod any;
mod compose;
mod enums;
mod facets;
mod union;

use compose::*;
use enums::*;

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
    /// The item schemas of sequential media types, from the loader (by media type pointer).
    pub streams: Option<&'a BTreeMap<String, crate::load::streams::StreamShape>>,
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
            streams: None,
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
        let facets = self.facets(SRef::from(schema));
        if ty == TypeRef::Named(name.clone()) && !self.types.contains_key(&name) {
            // `Cat: {allOf: [$ref: Cat]}`: the schema is only itself.
            self.types.insert(
                name.clone(),
                TypeDef {
                    name: name.clone(),
                    doc: Doc::default(),
                    kind: TypeKind::Alias(TypeRef::Named(name.clone())),
                    pointer: ptr,
                    settings: Default::default(),
                    facets,
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
                    settings: Default::default(),
                    facets,
                },
            );
        } else if let Some(t) = self.types.get_mut(&name) {
            t.facets = facets;
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
                settings: Default::default(),
                facets: None,
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
                settings: Default::default(),
                facets: None,
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
                facets: self.facets(schema),
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
