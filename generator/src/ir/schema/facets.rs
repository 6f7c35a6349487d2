//! [`Facets`]: what a schema says about its values beyond their Rust type (examples, default,
//! format, validation keywords), read once here so that no later tool re-reads the document.

use super::*;
use erased_format::Format as _;
use openapiv3::{Example, ReferenceOr};

impl<'a> Cx<'a> {
    /// The facets of a schema as written at this place: those of an inline schema, none for a
    /// `$ref` (the referenced type's are on its [`TypeDef`]).
    pub(crate) fn facets(&self, schema: SRef<'a>) -> Option<Box<Facets>> {
        match schema {
            SRef::Ref(_) => None,
            SRef::Item(s) => self.inline_facets(s).boxed(),
        }
    }

    fn inline_facets(&self, s: &'a Schema) -> Facets {
        let data = &s.schema_data;
        let mut f = Facets {
            examples: data.example.iter().cloned().collect(),
            default: data.default.clone(),
            read_only: data.read_only,
            ..Facets::default()
        };
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                f.format = t.format.text();
                f.pattern = t.pattern.clone();
                f.min_length = t.min_length.map(|n| n as u64);
                f.max_length = t.max_length.map(|n| n as u64);
            }
            SchemaKind::Type(Type::Integer(t)) => {
                f.format = t.format.text();
                f.minimum = t.minimum.map(|n| n as f64);
                f.maximum = t.maximum.map(|n| n as f64);
                f.exclusive_minimum = t.exclusive_minimum;
                f.exclusive_maximum = t.exclusive_maximum;
                f.multiple_of = t.multiple_of.map(|n| n as f64);
            }
            SchemaKind::Type(Type::Number(t)) => {
                f.format = t.format.text();
                f.minimum = t.minimum;
                f.maximum = t.maximum;
                f.exclusive_minimum = t.exclusive_minimum;
                f.exclusive_maximum = t.exclusive_maximum;
                f.multiple_of = t.multiple_of;
            }
            SchemaKind::Type(Type::Boolean(_)) => {}
            SchemaKind::Type(Type::Array(t)) => {
                f.min_items = t.min_items.map(|n| n as u64);
                f.max_items = t.max_items.map(|n| n as u64);
                f.items = t.items.as_ref().and_then(|i| self.facets(SRef::from(i)));
            }
            SchemaKind::Type(Type::Object(t)) => {
                if t.properties.is_empty() {
                    // Free-form: `serde_json::Value` or a map.
                    f.json_type = Some("object".into());
                }
                f.values = match &t.additional_properties {
                    Some(AdditionalProperties::Schema(v)) => self.facets(SRef::from(v.as_ref())),
                    _ => None,
                };
            }
            SchemaKind::Any(a) => {
                f.json_type = a.typ.clone().or_else(|| {
                    if !a.properties.is_empty() || a.additional_properties.is_some() {
                        Some("object".into())
                    } else if a.items.is_some() {
                        Some("array".into())
                    } else {
                        None
                    }
                });
                f.format = a.format.clone();
                f.pattern = a.pattern.clone();
                f.min_length = a.min_length.map(|n| n as u64);
                f.max_length = a.max_length.map(|n| n as u64);
                f.minimum = a.minimum;
                f.maximum = a.maximum;
                f.exclusive_minimum = a.exclusive_minimum.unwrap_or(false);
                f.exclusive_maximum = a.exclusive_maximum.unwrap_or(false);
                f.multiple_of = a.multiple_of;
                f.min_items = a.min_items.map(|n| n as u64);
                f.max_items = a.max_items.map(|n| n as u64);
            }
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::Not { .. } => {}
        }
        f
    }

    /// `example`, then the `value` of each of `examples` (a map of Example objects or
    /// `$ref`s to `components/examples`), of a parameter, header or media type.
    pub(crate) fn examples(
        &self,
        example: Option<&serde_json::Value>,
        examples: &'a indexmap::IndexMap<String, ReferenceOr<Example>>,
    ) -> Vec<serde_json::Value> {
        let named = self.openapi.components.as_ref().map(|c| &c.examples);
        example
            .cloned()
            .into_iter()
            .chain(examples.values().filter_map(|e| {
                let end = pointer::follow(e, |cur| match cur {
                    ReferenceOr::Item(_) => Hop::End,
                    ReferenceOr::Reference { reference } => pointer::local(reference)
                        .and_then(|p| {
                            let key = pointer::unescape(p.strip_prefix("/components/examples/")?);
                            named?.get(key.as_ref())
                        })
                        .map_or(Hop::Broken, Hop::To),
                })?;
                match end {
                    ReferenceOr::Item(e) => e.value.clone(),
                    ReferenceOr::Reference { .. } => None,
                }
            }))
            .collect()
    }
}

/// A `format` as written, whichever of `openapiv3`'s format enums holds it.
mod erased_format {
    use openapiv3::{IntegerFormat, NumberFormat, StringFormat, VariantOrUnknownOrEmpty};

    pub(super) trait Format {
        fn text(&self) -> Option<String>;
    }

    /// The names the OpenAPI model knows.
    trait Known {
        fn name(&self) -> &'static str;
    }

    impl Known for StringFormat {
        fn name(&self) -> &'static str {
            match self {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            }
        }
    }

    impl Known for NumberFormat {
        fn name(&self) -> &'static str {
            match self {
                NumberFormat::Float => "float",
                NumberFormat::Double => "double",
            }
        }
    }

    impl Known for IntegerFormat {
        fn name(&self) -> &'static str {
            match self {
                IntegerFormat::Int32 => "int32",
                IntegerFormat::Int64 => "int64",
            }
        }
    }

    impl<T: Known> Format for VariantOrUnknownOrEmpty<T> {
        fn text(&self) -> Option<String> {
            match self {
                VariantOrUnknownOrEmpty::Empty => None,
                VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
                VariantOrUnknownOrEmpty::Item(v) => Some(v.name().to_owned()),
            }
        }
    }
}
