//! OpenAPI query parameter serialization.

use percent_encoding::utf8_percent_encode;
use serde_json::Value;

use crate::encode::{scalar_text, UNRESERVED_ONLY};

/// How a query parameter is serialized (OpenAPI `style` and `explode`).
///
/// For a parameter `k`:
///
/// | style | array `[a, b]` | object `{x: 1, y: 2}` |
/// |---|---|---|
/// | `Form` (explode, the OpenAPI default) | `k=a&k=b` | `x=1&y=2` |
/// | `FormNoExplode` | `k=a,b` | `k=x,1,y,2` |
/// | `SpaceDelimited` | `k=a%20b` | `k=x%201%20y%202` |
/// | `PipeDelimited` | `k=a\|b` | `k=x\|1\|y\|2` |
/// | `DeepObject` | `k=a&k=b` | `k[x]=1&k[y]=2` |
///
/// Scalars are `k=v` in every style. `None`/`null` values, and `null` elements or
/// properties, are left out; an empty array adds nothing. Values nested deeper than
/// the style supports are sent as compact JSON (except `DeepObject`, which nests
/// brackets: `k[x][y]=1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form, explode: true`.
    Form,
    /// `style: form, explode: false`.
    FormNoExplode,
    /// `style: spaceDelimited`.
    SpaceDelimited,
    /// `style: pipeDelimited`.
    PipeDelimited,
    /// `style: deepObject`.
    DeepObject,
}

/// Percent-encodes a query key or value (space is `%20`).
pub(crate) fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED_ONLY).to_string()
}

/// Serializes `value` as parameter `name` in `style`, appending encoded `(key, value)`
/// pairs to `out`.
pub(crate) fn push_pairs(
    name: &str,
    value: &Value,
    style: QueryStyle,
    out: &mut Vec<(String, String)>,
) {
    let key = encode_component(name);
    match value {
        Value::Null => {}
        Value::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| encode_component(&scalar_text(v)))
                .collect();
            if items.is_empty() {
                return;
            }
            match style {
                QueryStyle::Form | QueryStyle::DeepObject => {
                    out.extend(items.into_iter().map(|v| (key.clone(), v)));
                }
                _ => out.push((key, items.join(delimiter(style)))),
            }
        }
        Value::Object(map) => {
            let props = map.iter().filter(|(_, v)| !v.is_null());
            match style {
                QueryStyle::Form => out.extend(
                    props.map(|(k, v)| (encode_component(k), encode_component(&scalar_text(v)))),
                ),
                QueryStyle::DeepObject => deep_object(&key, value, out),
                _ => {
                    let joined: Vec<String> = props
                        .flat_map(|(k, v)| [encode_component(k), encode_component(&scalar_text(v))])
                        .collect();
                    if !joined.is_empty() {
                        out.push((key, joined.join(delimiter(style))));
                    }
                }
            }
        }
        scalar => out.push((key, encode_component(&scalar_text(scalar)))),
    }
}

fn delimiter(style: QueryStyle) -> &'static str {
    match style {
        QueryStyle::SpaceDelimited => "%20",
        QueryStyle::PipeDelimited => "|",
        _ => ",",
    }
}

/// `k[a]=1&k[b][c]=2`; arrays repeat the bracketed key.
fn deep_object(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                deep_object(&format!("{prefix}[{}]", encode_component(k)), v, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Null => {}
                    Value::Object(_) | Value::Array(_) => {
                        out.push((prefix.to_owned(), encode_component(&item.to_string())));
                    }
                    scalar => out.push((prefix.to_owned(), encode_component(&scalar_text(scalar)))),
                }
            }
        }
        scalar => out.push((prefix.to_owned(), encode_component(&scalar_text(scalar)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(name: &str, value: Value, style: QueryStyle) -> String {
        let mut out = Vec::new();
        push_pairs(name, &value, style, &mut out);
        out.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    #[test]
    fn styles() {
        use QueryStyle::*;
        assert_eq!(render("k", json!(["a", "b c"]), Form), "k=a&k=b%20c");
        assert_eq!(render("k", json!(["a", "b,c"]), FormNoExplode), "k=a,b%2Cc");
        assert_eq!(render("k", json!(["a", "b"]), SpaceDelimited), "k=a%20b");
        assert_eq!(render("k", json!(["a", "b|"]), PipeDelimited), "k=a|b%7C");
        assert_eq!(render("k", json!({"a": 1, "b": "x"}), Form), "a=1&b=x");
        assert_eq!(
            render("k", json!({"a": 1, "b": "x"}), FormNoExplode),
            "k=a,1,b,x"
        );
        assert_eq!(
            render(
                "roomName",
                json!({"startsWith": "a&b", "n": {"x": true}}),
                DeepObject
            ),
            "roomName[startsWith]=a%26b&roomName[n][x]=true"
        );
        assert_eq!(render("k", json!(null), Form), "");
        assert_eq!(render("k", json!([]), FormNoExplode), "");
        assert_eq!(render("k", json!([null, 1]), Form), "k=1");
        assert_eq!(render("k", json!({"a": null}), Form), "");
        assert_eq!(render("a b", json!("x&y=z#"), Form), "a%20b=x%26y%3Dz%23");
        assert_eq!(render("k", json!(2.5), Form), "k=2.5");
    }
}
