//! The whole query string as one value: an OpenAPI 3.2 `in: querystring` parameter.

use serde_json::Value;

use crate::query::{encode_component, push_pairs, QueryStyle};

/// A serialized query string.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum QueryString {
    /// Nothing to send (`None` or `null`).
    Empty,
    /// Percent-encoded `(key, value)` pairs (a form).
    Pairs(Vec<(String, String)>),
    /// Percent-encoded text that is the query string as a whole.
    Raw(String),
}

/// Serializes `value` as the query string, in `media_type`:
///
/// - `application/x-www-form-urlencoded`: an object, each property `key=value` in order
///   (an array repeats the key, a nested object is sent as JSON text, `null`s are left out);
///   anything but an object is refused.
/// - a JSON media type (`application/json`, `+json`): the JSON text.
/// - anything else: a string as it is, another value as its JSON text.
///
/// Keys, values and text are percent-encoded (only unreserved characters stay as they are).
pub(crate) fn serialize(value: &Value, media_type: &str) -> Result<QueryString, String> {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if value.is_null() {
        return Ok(QueryString::Empty);
    }
    if essence == "application/x-www-form-urlencoded" {
        let Value::Object(map) = value else {
            return Err(format!(
                "the query string is a form (`{media_type}`): its value must be an object"
            ));
        };
        let mut pairs = Vec::new();
        for (key, v) in map {
            match v {
                Value::Object(_) => {
                    pairs.push((encode_component(key), encode_component(&v.to_string())))
                }
                _ => push_pairs(key, v, QueryStyle::Form, &mut pairs),
            }
        }
        return Ok(QueryString::Pairs(pairs));
    }
    let text = match value {
        Value::String(s) if !(essence == "application/json" || essence.ends_with("+json")) => {
            s.clone()
        }
        other => other.to_string(),
    };
    Ok(QueryString::Raw(encode_component(&text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(value: Value) -> String {
        match serialize(&value, "application/x-www-form-urlencoded") {
            Ok(QueryString::Pairs(p)) => p
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn form() {
        assert_eq!(
            pairs(
                json!({"q": "a b&c", "tag": ["x", "y"], "n": 2, "skip": null, "near": {"lat": 1}})
            ),
            "q=a%20b%26c&tag=x&tag=y&n=2&near=%7B%22lat%22%3A1%7D"
        );
        assert!(serialize(&json!("a=b"), "application/x-www-form-urlencoded").is_err());
        assert_eq!(
            serialize(&json!(null), "application/x-www-form-urlencoded"),
            Ok(QueryString::Empty)
        );
    }

    #[test]
    fn text_and_json() {
        // The examples of the OpenAPI 3.2 specification (Parameter Object).
        assert_eq!(
            serialize(&json!("$.a.b[1:1]"), "application/jsonpath"),
            Ok(QueryString::Raw("%24.a.b%5B1%3A1%5D".into()))
        );
        assert_eq!(
            serialize(
                &json!({"numbers": [1, 2], "flag": null}),
                "application/json"
            ),
            Ok(QueryString::Raw(
                "%7B%22numbers%22%3A%5B1%2C2%5D%2C%22flag%22%3Anull%7D".into()
            ))
        );
        assert_eq!(
            serialize(&json!("x"), "application/json; charset=utf-8"),
            Ok(QueryString::Raw("%22x%22".into()))
        );
    }
}
