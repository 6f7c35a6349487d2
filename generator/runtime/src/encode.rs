//! Path parameter encoding.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

use crate::error::Error;

/// Everything except the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`.
pub(crate) const UNRESERVED_ONLY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment.
///
/// Every byte except the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is
/// encoded, so `/`, `?`, `#` and `%` in a value can never change the path or start a
/// query or fragment. A segment that is exactly `.` or `..` is refused when the request
/// is sent (no URL library can send it literally); [`path_param`] refuses it up front.
///
/// ```
/// use oagen_runtime::encode_path;
/// assert_eq!(encode_path("../admin"), "..%2Fadmin");
/// assert_eq!(encode_path("x?y#z"), "x%3Fy%23z");
/// assert_eq!(encode_path("%2F"), "%252F");
/// assert_eq!(encode_path("café au lait"), "caf%C3%A9%20au%20lait");
/// ```
pub fn encode_path(segment: &str) -> String {
    utf8_percent_encode(segment, UNRESERVED_ONLY).to_string()
}

/// Serializes a path parameter and percent-encodes it with [`encode_path`].
///
/// Strings are used as they are, numbers and booleans in their JSON form, enums by
/// their wire value and dates by their serde form (RFC 3339 for `chrono` types). An
/// array becomes its elements joined by `,` (OpenAPI `simple` style). `null`, an empty
/// string, `.` and `..` are refused with [`Error::InvalidRequest`]: each would address
/// a different resource than intended.
///
/// ```
/// use oagen_runtime::path_param;
/// assert_eq!(path_param("a/b").unwrap(), "a%2Fb");
/// assert_eq!(path_param(&42u32).unwrap(), "42");
/// assert!(path_param("..").is_err());
/// assert!(path_param(&None::<String>).is_err());
/// ```
pub fn path_param<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    path_segment(value).map_err(|e| Error::InvalidRequest(format!("path parameter {e}")))
}

/// [`path_param`] with a bare message, shared with
/// [`RequestBuilder::path_param`](crate::RequestBuilder::path_param).
pub(crate) fn path_segment<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
    let value = serde_json::to_value(value).map_err(|e| format!("does not serialize: {e}"))?;
    let encoded = match &value {
        Value::Null => return Err("is null".to_owned()),
        Value::Array(items) => items
            .iter()
            .map(|item| encode_path(&scalar_text(item)))
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| [encode_path(k), encode_path(&scalar_text(v))])
            .collect::<Vec<_>>()
            .join(","),
        scalar => encode_path(&scalar_text(scalar)),
    };
    if encoded.is_empty() {
        return Err("is empty, which would address another resource".to_owned());
    }
    if encoded == "." || encoded == ".." {
        return Err(format!(
            "is `{encoded}`, which would address another resource"
        ));
    }
    Ok(encoded)
}

/// The text form of a JSON value used in paths, queries and headers: strings raw,
/// scalars in JSON form, nested structures as compact JSON.
pub(crate) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_values() {
        assert_eq!(encode_path("a/b"), "a%2Fb");
        assert_eq!(encode_path("a b+c&d=e"), "a%20b%2Bc%26d%3De");
        assert!(path_param("").is_err());
        assert!(path_param(".").is_err());
        assert_eq!(path_param("...").ok().as_deref(), Some("..."));
    }

    #[test]
    fn scalars() {
        assert_eq!(path_param(&true).ok().as_deref(), Some("true"));
        assert_eq!(path_param(&-1.5f64).ok().as_deref(), Some("-1.5"));
        assert_eq!(
            path_param(&vec!["a", "b/c"]).ok().as_deref(),
            Some("a,b%2Fc")
        );
        assert_eq!(path_param(&Some("x")).ok().as_deref(), Some("x"));
    }
}
