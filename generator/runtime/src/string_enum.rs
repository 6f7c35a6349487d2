//! The impls of a generated string enum, written once here instead of once per enum.

/// Implements the wire behaviour of a generated string enum: `as_str`, `Display`,
/// `Serialize` (the wire string) and `Deserialize` (a known value gives its variant, any
/// other string `Unknown(value)`, so that a value added by the server later does not break
/// decoding).
///
/// The enum must have a variant `Unknown(String)` besides the listed ones:
///
/// ```
/// #[derive(Debug, Clone, PartialEq)]
/// pub enum Sort {
///     CreatedAt,
///     Size,
///     Unknown(String),
/// }
/// oagen_runtime::string_enum!(Sort { CreatedAt = "created_at", Size = "size" });
///
/// let sort: Sort = serde_json::from_str("\"size\"").unwrap();
/// assert_eq!(sort, Sort::Size);
/// let new: Sort = serde_json::from_str("\"popularity\"").unwrap();
/// assert_eq!(new, Sort::Unknown("popularity".into()));
/// assert_eq!(serde_json::to_string(&Sort::CreatedAt).unwrap(), "\"created_at\"");
/// assert_eq!(new.to_string(), "popularity");
/// ```
#[macro_export]
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(other) => other.as_str(),
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(match value.as_str() {
                    $($wire => Self::$variant,)*
                    _ => Self::Unknown(value),
                })
            }
        }
    };
}
