//! What the diff needs of the spec beyond the IR, read from the [`Facts`] the IR stage keeps:
//! status codes and media types as written, error body and header shapes, where properties
//! are written.

use super::*;
use crate::ir::{Facts, OpFacts, ResponseFacts};

/// The facts of an operation (none for an operation the facts do not know).
pub(super) fn op_facts<'f>(facts: &'f Facts, op: &Operation) -> &'f OpFacts {
    static NONE: std::sync::OnceLock<OpFacts> = std::sync::OnceLock::new();
    facts
        .operations
        .get(&op.pointer)
        .unwrap_or_else(|| NONE.get_or_init(OpFacts::default))
}

/// The response of a status as written.
pub(super) fn response<'f>(f: &'f OpFacts, status: &str) -> Option<&'f ResponseFacts> {
    f.responses.iter().find(|r| r.status == status)
}

/// The pointer of a property of the type at `base`.
pub(super) fn prop_pointer(facts: &Facts, base: &str, wire: &str) -> String {
    facts
        .properties
        .get(&(base.to_string(), wire.to_string()))
        .cloned()
        .unwrap_or_else(|| format!("{base}/properties/{}", pointer::escape(wire)))
}

/// Media types: normalized key → as written.
pub(super) fn media_map(types: &[String]) -> BTreeMap<String, String> {
    types
        .iter()
        .map(|mt| {
            let key = mt
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            (key, mt.clone())
        })
        .collect()
}

/// The media types of a response by status: normalized key → as written.
pub(super) fn content_types(f: &OpFacts, status: &str) -> BTreeMap<String, String> {
    response(f, status).map_or_else(BTreeMap::new, |r| media_map(&r.media_types))
}

/// The media type the generated client decodes from a response (JSON first).
pub(super) fn content_type_of(f: &OpFacts, status: &str) -> String {
    let all = content_types(f, status);
    all.iter()
        .find(|(k, _)| k.contains("json"))
        .or_else(|| all.iter().next())
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| "application/json".into())
}

/// The success status codes as written (`200`, `2XX`), or `default` when there is no other.
pub(super) fn success_statuses(f: &OpFacts) -> Vec<String> {
    let mut out: Vec<String> = f
        .responses
        .iter()
        .filter(|r| crate::ir::is_success(&r.status))
        .map(|r| r.status.clone())
        .collect();
    if out.is_empty() && f.responses.iter().any(|r| r.status == "default") {
        out.push("default".into());
    }
    out
}

/// Success bodies by status code as written (`200`, `2XX`, `default`).
pub(super) fn bodies(f: &OpFacts, op: &Operation) -> Vec<(String, ResponseBody)> {
    match &op.output {
        Output::Single(b) => {
            let codes = success_statuses(f);
            if codes.is_empty() {
                vec![("200".to_string(), b.clone())]
            } else {
                codes.into_iter().map(|c| (c, b.clone())).collect()
            }
        }
        Output::ByStatus { cases, .. } => cases
            .iter()
            .map(|c| {
                let label = match c.status {
                    Some(s) => s.to_string(),
                    None if c.variant == "Success" => "2XX".into(),
                    None => "default".into(),
                };
                (label, c.body.clone())
            })
            .collect(),
    }
}

/// Every status code of an operation's responses, as written.
pub(super) fn all_statuses(f: &OpFacts) -> Vec<String> {
    f.responses.iter().map(|r| r.status.clone()).collect()
}

/// The error status codes as written (`404`, `4XX`, and `default` when it is not the only
/// response standing for success).
pub(super) fn error_statuses(f: &OpFacts) -> Vec<String> {
    let success = success_statuses(f);
    all_statuses(f)
        .into_iter()
        .filter(|k| {
            k.parse::<u16>().is_ok_and(|c| (400..600).contains(&c))
                || k.eq_ignore_ascii_case("4XX")
                || k.eq_ignore_ascii_case("5XX")
                || (k == "default" && !success.contains(k))
        })
        .collect()
}

/// An error response's bodies, as canonical text (see [`ResponseFacts::error_shape`]).
pub(super) fn response_shape<'f>(f: &'f OpFacts, status: &str) -> &'f str {
    response(f, status).map_or("", |r| r.error_shape.as_str())
}

/// A response's headers: lowercase name → (name as written, shape as canonical text).
pub(super) fn response_headers(f: &OpFacts, status: &str) -> BTreeMap<String, (String, String)> {
    response(f, status)
        .into_iter()
        .flat_map(|r| &r.headers)
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                (h.name.clone(), h.shape.clone()),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::ResponseFacts;

    fn facts() -> OpFacts {
        let r = |status: &str, media: &[&str]| ResponseFacts {
            status: status.into(),
            media_types: media.iter().map(|m| m.to_string()).collect(),
            ..Default::default()
        };
        OpFacts {
            responses: vec![
                r("200", &["application/json"]),
                r("404", &["text/plain; charset=utf-8"]),
                r("5XX", &[]),
                r("default", &[]),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn statuses_split_into_success_and_error() {
        let f = facts();
        assert_eq!(success_statuses(&f), ["200"]);
        assert_eq!(error_statuses(&f), ["404", "5XX", "default"]);
        assert_eq!(all_statuses(&f).len(), 4);
        assert_eq!(content_type_of(&f, "404"), "text/plain; charset=utf-8");
        assert_eq!(
            content_types(&f, "404").keys().collect::<Vec<_>>(),
            ["text/plain"]
        );
        // Only `default`: it stands for success.
        let only = OpFacts {
            responses: vec![f.responses[3].clone()],
            ..Default::default()
        };
        assert_eq!(success_statuses(&only), ["default"]);
        assert!(error_statuses(&only).is_empty());
    }
}
