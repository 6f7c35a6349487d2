//! Serde helpers used by generated model types.

use std::fmt;
use std::ops::{Deref, DerefMut};

use base64::Engine as _;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// Binary data carried in JSON as a base64 string (OpenAPI `format: byte`).
///
/// Serializes with the standard alphabet and padding; deserializes the standard or
/// URL-safe alphabet, with or without padding.
///
/// ```
/// use oagen_runtime::Base64Bytes;
/// let data = Base64Bytes::from(b"hi!".to_vec());
/// assert_eq!(serde_json::to_string(&data).unwrap(), "\"aGkh\"");
/// let back: Base64Bytes = serde_json::from_str("\"aGkh\"").unwrap();
/// assert_eq!(&*back, b"hi!");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64Bytes(pub Vec<u8>);

impl Base64Bytes {
    /// The decoded bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Base64Bytes(bytes)
    }
}

impl From<&[u8]> for Base64Bytes {
    fn from(bytes: &[u8]) -> Self {
        Base64Bytes(bytes.to_vec())
    }
}

impl From<Base64Bytes> for Vec<u8> {
    fn from(bytes: Base64Bytes) -> Self {
        bytes.0
    }
}

impl Deref for Base64Bytes {
    type Target = Vec<u8>;

    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl DerefMut for Base64Bytes {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

impl AsRef<[u8]> for Base64Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Base64Visitor;

        impl Visitor<'_> for Base64Visitor {
            type Value = Base64Bytes;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Base64Bytes, E> {
                use base64::engine::general_purpose::{
                    STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
                };
                let value = value.trim();
                [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
                    .iter()
                    .find_map(|engine| engine.decode(value).ok())
                    .map(Base64Bytes)
                    .ok_or_else(|| E::custom("invalid base64"))
            }
        }

        deserializer.deserialize_str(Base64Visitor)
    }
}

/// `#[serde(with = "oagen_runtime::double_option")]` for `Option<Option<T>>` fields
/// that distinguish absent (`None`), `null` (`Some(None)`) and a value
/// (`Some(Some(v))`). Use it together with `#[serde(default, skip_serializing_if =
/// "Option::is_none")]`.
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
/// struct Patch {
///     #[serde(default, skip_serializing_if = "Option::is_none", with = "oagen_runtime::double_option")]
///     name: Option<Option<String>>,
/// }
/// let absent: Patch = serde_json::from_str("{}").unwrap();
/// let null: Patch = serde_json::from_str(r#"{"name":null}"#).unwrap();
/// assert_eq!(absent.name, None);
/// assert_eq!(null.name, Some(None));
/// assert_eq!(serde_json::to_string(&null).unwrap(), r#"{"name":null}"#);
/// assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
/// ```
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serializes the inner `Option` (`None` as `null`). The outer `None` is expected
    /// to be skipped with `skip_serializing_if`; if not, it is written as `null` too.
    pub fn serialize<T, S>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error>
    where
        T: Serialize,
        S: Serializer,
    {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes a present field: `null` is `Some(None)`, a value `Some(Some(v))`.
    /// An absent field takes the `default` (`None`).
    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}
