//! `Serialize` and `Deserialize` for the structs of generated crates.
//!
//! A generated struct does not derive serde's traits. Its impls are a few lines that hand
//! this module a table of its properties and one [`Slot`] per field; the loop over the JSON
//! object, the property lookup, the duplicate and missing checks and the skipping of absent
//! optional fields live here, once, instead of being expanded by `serde_derive` into every
//! struct. The behaviour is that of the derive with the attributes oagen used to write
//! (`rename`, `default`, `skip_serializing_if = "Option::is_none"`, `flatten` for
//! additional properties, [`double_option`](crate::double_option) for PATCH fields), and
//! decoding still streams: each property is deserialized into its field's type straight from
//! the input, so error paths (`serde_path_to_error`) and serde_json's line and column are kept.
//! What it saves is compile time: a struct costs the compiler a fraction of a derived impl.
//!
//! The values are handed over type-erased ([`erased_serde`]), so none of this is instantiated
//! per struct while type-checking a generated crate.
//!
//! ```
//! use oagen_runtime::object::{self, Field, Slot};
//!
//! #[derive(Debug, PartialEq)]
//! struct Pet { name: String, tag: Option<String> }
//!
//! impl<'de> serde::Deserialize<'de> for Pet {
//!     fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
//!         let mut f0 = Slot::new();
//!         let mut f1 = Slot::new();
//!         object::deserialize(deserializer, "Pet",
//!             &[Field::Required("name"), Field::Optional("tag")], &mut [&mut f0, &mut f1])?;
//!         Ok(Pet { name: f0.required::<D::Error>()?, tag: f1.optional() })
//!     }
//! }
//! impl serde::Serialize for Pet {
//!     fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
//!         object::serialize(serializer,
//!             &[("name", object::field(&self.name)), ("tag", object::optional(&self.tag))])
//!     }
//! }
//!
//! let pet: Pet = serde_json::from_str(r#"{"name": "Rex", "age": 3}"#).unwrap();
//! assert_eq!(pet, Pet { name: "Rex".into(), tag: None });
//! assert_eq!(serde_json::to_string(&pet).unwrap(), r#"{"name":"Rex"}"#);
//! let err = serde_json::from_str::<Pet>(r#"{"tag": "x"}"#).unwrap_err();
//! assert_eq!(err.to_string(), "missing field `name` at line 1 column 12");
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// A property of a struct, in the order of its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Must be present. A field whose type is an `Option` still reads an absent property as
    /// `None`, as serde's derive does.
    Required(&'static str),
    /// May be absent (the field is an `Option`, `None` when absent).
    Optional(&'static str),
}

impl Field {
    /// The property name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Field::Required(name) | Field::Optional(name) => name,
        }
    }

    fn is_required(self) -> bool {
        matches!(self, Field::Required(_))
    }
}

/// Where [`deserialize`] puts the value of one property until the struct is built.
pub struct Slot<T>(Option<T>);

impl<T> Slot<T> {
    /// An empty slot.
    pub const fn new() -> Self {
        Slot(None)
    }

    /// The value of a [`Field::Required`] property. [`deserialize`] has already failed with
    /// "missing field" when it was absent, so the error here is only a safeguard.
    pub fn required<E: de::Error>(self) -> Result<T, E> {
        self.0
            .ok_or_else(|| E::custom("a required property was not read"))
    }

    /// The value, or `T::default()` (`None`) when the property was absent.
    pub fn optional(self) -> T
    where
        T: Default,
    {
        self.0.unwrap_or_default()
    }

    /// The value if the property was present: a PATCH field, where an absent property
    /// (`None`) and `null` (`Some(None)`) differ.
    pub fn present(self) -> Option<T> {
        self.0
    }
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot::new()
    }
}

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for super::Slot<T> {}
    impl<V> Sealed for std::collections::BTreeMap<String, V> {}
}

/// A [`Slot`] as [`deserialize`] sees it, whatever its type. Implemented by `Slot<T>` only.
pub trait DeSlot<'de>: sealed::Sealed {
    /// Deserializes the property's value into the slot.
    fn set(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error>;

    /// Whether a value was read.
    fn is_set(&self) -> bool;

    /// Fills the slot of an absent required property, if its type has a value for that
    /// (`None` for an `Option`). Returns whether it did.
    fn set_missing(&mut self) -> bool;
}

impl<'de, T: Deserialize<'de>> DeSlot<'de> for Slot<T> {
    fn set(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error> {
        self.0 = Some(erased_serde::deserialize(deserializer)?);
        Ok(())
    }

    fn is_set(&self) -> bool {
        self.0.is_some()
    }

    fn set_missing(&mut self) -> bool {
        match T::deserialize(Missing) {
            Ok(value) => {
                self.0 = Some(value);
                true
            }
            Err(_) => false,
        }
    }
}

/// The properties not listed in a struct with additional properties, as [`deserialize_with_additional`]
/// sees them. Implemented by `BTreeMap<String, V>` only.
pub trait DeAdditional<'de>: sealed::Sealed {
    /// Deserializes one property's value and inserts it.
    fn insert(
        &mut self,
        key: String,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error>;
}

impl<'de, V: Deserialize<'de>> DeAdditional<'de> for BTreeMap<String, V> {
    fn insert(
        &mut self,
        key: String,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error> {
        let value = erased_serde::deserialize(deserializer)?;
        BTreeMap::insert(self, key, value);
        Ok(())
    }
}

/// Deserializes a JSON object into the slots of a struct's fields: `fields[i]` goes into
/// `slots[i]`. Unknown properties are skipped; a repeated property is an error ("duplicate
/// field"), and so is an absent required one ("missing field").
///
/// # Errors
/// The deserializer's error for a value that is not an object, a property that does not
/// decode into its field's type, a duplicate or a missing property.
pub fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    fields: &[Field],
    slots: &mut [&mut dyn DeSlot<'de>],
) -> Result<(), D::Error> {
    deserializer.deserialize_map(ObjectVisitor {
        name,
        fields,
        slots,
        additional: None,
    })
}

/// As [`deserialize`], and every property that is not a field goes into `additional`
/// (serde's `#[serde(flatten)]` on a map).
///
/// # Errors
/// As [`deserialize`], and a value of `additional` that does not decode.
pub fn deserialize_with_additional<'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    fields: &[Field],
    slots: &mut [&mut dyn DeSlot<'de>],
    additional: &mut dyn DeAdditional<'de>,
) -> Result<(), D::Error> {
    deserializer.deserialize_map(ObjectVisitor {
        name,
        fields,
        slots,
        additional: Some(additional),
    })
}

struct ObjectVisitor<'a, 'b, 'de> {
    name: &'static str,
    fields: &'a [Field],
    slots: &'a mut [&'b mut dyn DeSlot<'de>],
    additional: Option<&'a mut dyn DeAdditional<'de>>,
}

impl<'de> Visitor<'de> for ObjectVisitor<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        if self.fields.len() != self.slots.len() {
            return Err(de::Error::custom(format_args!(
                "struct {}: {} properties but {} slots",
                self.name,
                self.fields.len(),
                self.slots.len()
            )));
        }
        // Servers usually send properties in the order of the schema: try the one after the
        // last match before searching.
        let mut next = 0;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key_str = key.as_str();
            let index = match self.fields.get(next) {
                Some(f) if f.name() == key_str => Some(next),
                _ => self.fields.iter().position(|f| f.name() == key_str),
            };
            match index {
                Some(i) => {
                    next = i + 1;
                    let slot = &mut *self.slots[i];
                    if slot.is_set() {
                        return Err(de::Error::duplicate_field(self.fields[i].name()));
                    }
                    map.next_value_seed(SlotSeed(slot))?;
                }
                None => match self.additional.as_deref_mut() {
                    Some(additional) => {
                        map.next_value_seed(AdditionalSeed(additional, key.into_string()))?;
                    }
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                },
            }
        }
        for (field, slot) in self.fields.iter().zip(self.slots.iter_mut()) {
            if field.is_required() && !slot.is_set() && !slot.set_missing() {
                return Err(de::Error::missing_field(field.name()));
            }
        }
        Ok(())
    }
}

struct SlotSeed<'a, 'b, 'de>(&'a mut (dyn DeSlot<'de> + 'b));

impl<'de> DeserializeSeed<'de> for SlotSeed<'_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut erased = <dyn erased_serde::Deserializer<'_>>::erase(deserializer);
        self.0.set(&mut erased).map_err(de::Error::custom)
    }
}

struct AdditionalSeed<'a, 'de>(&'a mut dyn DeAdditional<'de>, String);

impl<'de> DeserializeSeed<'de> for AdditionalSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut erased = <dyn erased_serde::Deserializer<'_>>::erase(deserializer);
        self.0
            .insert(self.1, &mut erased)
            .map_err(de::Error::custom)
    }
}

/// A property name, borrowed from the input when it can be.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    fn into_string(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The value of an absent property: `None` for an `Option`, an error for anything else.
struct Missing;

impl<'de> Deserializer<'de> for Missing {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("missing"))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A property to write: its name and its value, `None` to leave it out.
pub type Property<'a> = (&'static str, Option<&'a dyn erased_serde::Serialize>);

/// The value of a field that is always written.
pub fn field<T: Serialize>(value: &T) -> Option<&dyn erased_serde::Serialize> {
    Some(value)
}

/// The value of an optional field: left out when `None`. (A PATCH field,
/// `Option<Option<T>>`, is left out when `None` and written as `null` when `Some(None)`.)
pub fn optional<T: Serialize>(value: &Option<T>) -> Option<&dyn erased_serde::Serialize> {
    value.as_ref().map(|v| v as &dyn erased_serde::Serialize)
}

/// Serializes a struct as a JSON object, its properties in the given order.
///
/// # Errors
/// The serializer's error.
pub fn serialize<S: Serializer>(
    serializer: S,
    properties: &[Property<'_>],
) -> Result<S::Ok, S::Error> {
    begin(serializer, properties, 0)?.end()
}

/// As [`serialize`], followed by the entries of `additional`.
///
/// # Errors
/// The serializer's error.
pub fn serialize_with_additional<S: Serializer, V: Serialize>(
    serializer: S,
    properties: &[Property<'_>],
    additional: &BTreeMap<String, V>,
) -> Result<S::Ok, S::Error> {
    let mut map = begin(serializer, properties, additional.len())?;
    for (key, value) in additional {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

fn begin<S: Serializer>(
    serializer: S,
    properties: &[Property<'_>],
    extra: usize,
) -> Result<S::SerializeMap, S::Error> {
    let len = properties.iter().filter(|(_, v)| v.is_some()).count() + extra;
    let mut map = serializer.serialize_map(Some(len))?;
    for (name, value) in properties {
        if let Some(value) = value {
            map.serialize_entry(name, value)?;
        }
    }
    Ok(map)
}

/// What a field's kind in [`object!`](crate::object!) stands for.
#[doc(hidden)]
pub mod kind {
    /// Must be present; written always.
    pub mod required {
        use super::super::*;
        pub const fn field(name: &'static str) -> Field {
            Field::Required(name)
        }
        pub fn ser<T: Serialize>(value: &T) -> Option<&dyn erased_serde::Serialize> {
            super::super::field(value)
        }
        pub fn take<T, E: de::Error>(slot: Slot<T>) -> Result<T, E> {
            slot.required()
        }
    }
    /// `Option<T>`, left out when `None`.
    pub mod optional {
        use super::super::*;
        pub const fn field(name: &'static str) -> Field {
            Field::Optional(name)
        }
        pub fn ser<T: Serialize>(value: &Option<T>) -> Option<&dyn erased_serde::Serialize> {
            super::super::optional(value)
        }
        pub fn take<T: Default, E: de::Error>(slot: Slot<T>) -> Result<T, E> {
            Ok(slot.optional())
        }
    }
    /// `Option<T>`, written as `null` when `None`.
    pub mod nullable {
        use super::super::*;
        pub const fn field(name: &'static str) -> Field {
            Field::Optional(name)
        }
        pub fn ser<T: Serialize>(value: &T) -> Option<&dyn erased_serde::Serialize> {
            super::super::field(value)
        }
        pub fn take<T: Default, E: de::Error>(slot: Slot<T>) -> Result<T, E> {
            Ok(slot.optional())
        }
    }
    /// `Option<Option<T>>`.
    pub mod patch {
        use super::super::*;
        pub const fn field(name: &'static str) -> Field {
            Field::Optional(name)
        }
        pub fn ser<T: Serialize>(value: &Option<T>) -> Option<&dyn erased_serde::Serialize> {
            super::super::optional(value)
        }
        pub fn take<T, E: de::Error>(slot: Slot<T>) -> Result<Option<T>, E> {
            Ok(slot.present())
        }
    }
}

/// `Serialize` and `Deserialize` for a generated struct, through this module's
/// [`deserialize`] and [`serialize`].
///
/// Each field is listed as `KIND FIELD = "wire name"`, in declaration order, where `KIND` is
/// - `required`: must be present, written always;
/// - `optional`: an `Option`, `None` when absent, left out when `None`;
/// - `nullable`: an `Option` that is required but may be `null`: `None` when absent or
///   `null`, written as `null`;
/// - `patch`: an `Option<Option<T>>` (PATCH bodies): absent is `None`, `null` is
///   `Some(None)`, and `None` is left out.
///
/// A trailing `.. FIELD` names a `BTreeMap<String, V>` field that takes every other property
/// (additional properties). Unknown properties are skipped otherwise.
///
/// ```
/// use std::collections::BTreeMap;
///
/// #[derive(Debug, PartialEq)]
/// pub struct Pet {
///     pub name: String,
///     pub tag: Option<String>,
///     pub parent: Option<Option<i64>>,
///     pub extra: BTreeMap<String, serde_json::Value>,
/// }
/// oagen_runtime::object!(Pet { required name = "name", optional tag = "tag", patch parent = "parentId", .. extra });
///
/// let pet: Pet = serde_json::from_str(r#"{"name": "Rex", "parentId": null, "age": 3}"#).unwrap();
/// assert_eq!(pet.parent, Some(None));
/// assert_eq!(pet.extra["age"], 3);
/// assert_eq!(serde_json::to_string(&pet).unwrap(), r#"{"name":"Rex","parentId":null,"age":3}"#);
/// ```
#[macro_export]
macro_rules! object {
    ($name:ident { $($kind:ident $field:ident = $wire:literal),* $(,)? }) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::object::serialize(
                    serializer,
                    &[$(($wire, $crate::object::kind::$kind::ser(&self.$field))),*],
                )
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $(let mut $field = $crate::object::Slot::new();)*
                $crate::object::deserialize(
                    deserializer,
                    ::std::stringify!($name),
                    &[$($crate::object::kind::$kind::field($wire)),*],
                    &mut [$(&mut $field),*],
                )?;
                ::std::result::Result::Ok(Self {
                    $($field: $crate::object::kind::$kind::take::<_, D::Error>($field)?),*
                })
            }
        }
    };
    ($name:ident { $($kind:ident $field:ident = $wire:literal,)* .. $rest:ident }) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::object::serialize_with_additional(
                    serializer,
                    &[$(($wire, $crate::object::kind::$kind::ser(&self.$field))),*],
                    &self.$rest,
                )
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $(let mut $field = $crate::object::Slot::new();)*
                let mut $rest = ::std::collections::BTreeMap::new();
                $crate::object::deserialize_with_additional(
                    deserializer,
                    ::std::stringify!($name),
                    &[$($crate::object::kind::$kind::field($wire)),*],
                    &mut [$(&mut $field),*],
                    &mut $rest,
                )?;
                ::std::result::Result::Ok(Self {
                    $($field: $crate::object::kind::$kind::take::<_, D::Error>($field)?,)*
                    $rest,
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Default)]
    struct Item {
        id: i64,
        note: Option<String>,
        parent: Option<Option<i64>>,
        nullable_required: Option<String>,
        extra: BTreeMap<String, i64>,
    }

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let mut f0 = Slot::new();
            let mut f1 = Slot::new();
            let mut f2 = Slot::new();
            let mut f3 = Slot::new();
            let mut additional = BTreeMap::new();
            deserialize_with_additional(
                deserializer,
                "Item",
                &[
                    Field::Required("id"),
                    Field::Optional("note"),
                    Field::Optional("parent"),
                    Field::Required("nullable_required"),
                ],
                &mut [&mut f0, &mut f1, &mut f2, &mut f3],
                &mut additional,
            )?;
            Ok(Item {
                id: f0.required::<D::Error>()?,
                note: f1.optional(),
                parent: f2.present(),
                nullable_required: f3.required::<D::Error>()?,
                extra: additional,
            })
        }
    }

    impl Serialize for Item {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize_with_additional(
                serializer,
                &[
                    ("id", field(&self.id)),
                    ("note", optional(&self.note)),
                    ("parent", optional(&self.parent)),
                    ("nullable_required", field(&self.nullable_required)),
                ],
                &self.extra,
            )
        }
    }

    fn item(json: &str) -> Result<Item, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_fields_in_any_order_and_keeps_the_rest() {
        let got = item(r#"{"z": 1, "nullable_required": "n", "parent": 7, "id": 3, "note": "x"}"#);
        let want = Item {
            id: 3,
            note: Some("x".into()),
            parent: Some(Some(7)),
            nullable_required: Some("n".into()),
            extra: BTreeMap::from([("z".to_owned(), 1)]),
        };
        assert_eq!(got, Ok(want));
    }

    #[test]
    fn absent_null_and_missing() {
        // An absent required `Option` field is `None`, as with serde's derive.
        let got = item(r#"{"id": 1, "parent": null}"#).unwrap();
        assert_eq!(got.parent, Some(None));
        assert_eq!(got.nullable_required, None);
        assert_eq!(got.note, None);
        assert_eq!(item(r#"{"id": 1}"#).unwrap().parent, None);
        assert_eq!(
            item(r#"{"note": "x"}"#),
            Err("missing field `id` at line 1 column 13".into())
        );
        assert_eq!(
            item(r#"{"id": 1, "id": 2}"#),
            Err("duplicate field `id` at line 1 column 14".into())
        );
        assert_eq!(
            item(r#"{"id": "1"}"#),
            Err("invalid type: string \"1\", expected i64 at line 1 column 10".into())
        );
        assert_eq!(
            item(r#"{"id": 1, "z": "no"}"#),
            Err("invalid type: string \"no\", expected i64 at line 1 column 19".into())
        );
        assert_eq!(
            item("[1]"),
            Err("invalid type: sequence, expected struct Item at line 1 column 0".into())
        );
    }

    #[test]
    fn paths_of_nested_errors() {
        #[derive(Debug)]
        struct Outer(#[allow(dead_code)] Vec<Item>);
        impl<'de> Deserialize<'de> for Outer {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut f0 = Slot::new();
                super::deserialize(
                    deserializer,
                    "Outer",
                    &[Field::Required("items")],
                    &mut [&mut f0],
                )?;
                Ok(Outer(f0.required::<D::Error>()?))
            }
        }
        let json = r#"{"items": [{"id": 1}, {"id": 2, "note": 5}]}"#;
        let mut de = serde_json::Deserializer::from_str(json);
        let err = serde_path_to_error::deserialize::<_, Outer>(&mut de).unwrap_err();
        assert_eq!(err.path().to_string(), "items[1].note");
        assert_eq!(
            err.into_inner().to_string(),
            "invalid type: integer `5`, expected a string at line 1 column 41"
        );
    }

    #[test]
    fn writes_in_order_skipping_absent_fields() {
        let mut it = Item {
            id: 1,
            nullable_required: None,
            parent: Some(None),
            ..Item::default()
        };
        it.extra.insert("z".into(), 9);
        let json = serde_json::to_string(&it).unwrap();
        assert_eq!(
            json,
            r#"{"id":1,"parent":null,"nullable_required":null,"z":9}"#
        );
        assert_eq!(item(&json).unwrap(), it);
        // From a `serde_json::Value` too (owned keys).
        let value = serde_json::to_value(&it).unwrap();
        assert_eq!(serde_json::from_value::<Item>(value).unwrap(), it);
    }

    #[test]
    fn mismatched_tables_are_an_error_not_a_panic() {
        struct Bad;
        impl<'de> Deserialize<'de> for Bad {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut f0 = Slot::<i64>::new();
                super::deserialize(
                    deserializer,
                    "Bad",
                    &[Field::Required("a"), Field::Required("b")],
                    &mut [&mut f0],
                )?;
                Ok(Bad)
            }
        }
        let err = serde_json::from_str::<Bad>(r#"{"b": 1}"#).err().unwrap();
        assert!(
            err.to_string().contains("2 properties but 1 slots"),
            "{err}"
        );
    }
}
