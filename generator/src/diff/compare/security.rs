//! Security requirements, compared by the shape of their schemes (a renamed scheme is not a
//! change).

use super::*;

/// One requirement: every scheme (by canonical shape) with its scopes. Empty: no authentication.
pub(super) type Requirement = BTreeMap<String, (String, BTreeSet<String>)>;

/// The requirements of an operation: its own `security`, else the document's. Alternatives.
pub(super) fn effective_security(doc: &Value, op_ptr: &str) -> Vec<Requirement> {
    let list = doc
        .pointer(&format!("{op_ptr}/security"))
        .or_else(|| doc.pointer("/security"))
        .and_then(Value::as_array);
    let Some(list) = list else {
        return vec![Requirement::new()];
    };
    if list.is_empty() {
        return vec![Requirement::new()];
    }
    list.iter()
        .map(|req| {
            let mut out = Requirement::new();
            if let Some(map) = req.as_object() {
                for (name, scopes) in map {
                    let (shape, text) = scheme_shape(doc, name);
                    let scopes: BTreeSet<String> = scopes
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .map(String::from)
                                .collect()
                        })
                        .unwrap_or_default();
                    out.insert(shape, (text, scopes));
                }
            }
            out
        })
        .collect()
}

pub(super) fn canonical_reqs(reqs: &[Requirement]) -> BTreeSet<Vec<(String, BTreeSet<String>)>> {
    reqs.iter()
        .map(|r| r.iter().map(|(k, (_, s))| (k.clone(), s.clone())).collect())
        .collect()
}

/// Whether credentials that satisfy `old` also satisfy `new`.
pub(super) fn satisfies(old: &Requirement, new: &Requirement) -> bool {
    new.iter().all(|(shape, (_, scopes))| {
        old.get(shape)
            .is_some_and(|(_, have)| scopes.is_subset(have))
    })
}

/// A scheme's shape (its definition without descriptions or scope texts) and a description.
pub(super) fn scheme_shape(doc: &Value, name: &str) -> (String, String) {
    let ptr = format!("/components/securitySchemes/{}", pointer::escape(name));
    let Some(v) = at(doc, &ptr) else {
        return (
            format!("undefined:{name}"),
            format!("undefined scheme `{name}`"),
        );
    };
    let shape = canonical(&strip_docs(v));
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("");
    let text = match s("type") {
        "apiKey" => format!("API key in {} `{}`", s("in"), s("name")),
        "http" => format!("HTTP {}", s("scheme").to_ascii_lowercase()),
        "oauth2" => "OAuth2".to_string(),
        "openIdConnect" => "OpenID Connect".to_string(),
        other => format!("`{other}`"),
    };
    (shape, text)
}

pub(super) fn strip_docs(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, child) in map {
                if k == "description" || (k.starts_with("x-") && k != "x-oagen-auth-prefix") {
                    continue;
                }
                if k == "scopes" {
                    // Scope descriptions are documentation; the names matter.
                    let names: Vec<Value> = child
                        .as_object()
                        .map(|m| m.keys().map(|s| Value::String(s.clone())).collect())
                        .unwrap_or_default();
                    out.insert(k.clone(), Value::Array(names));
                    continue;
                }
                out.insert(k.clone(), strip_docs(child));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}

/// JSON text with object keys sorted.
pub(super) fn canonical(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, String> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            let parts: Vec<String> = sorted
                .iter()
                .map(|(k, v)| format!("{}:{v}", Value::String((*k).clone())))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => {
            let mut parts: Vec<String> = items.iter().map(canonical).collect();
            parts.sort();
            format!("[{}]", parts.join(","))
        }
        other => other.to_string(),
    }
}

pub(super) fn reqs_text(reqs: &[Requirement]) -> String {
    let alts: Vec<String> = reqs
        .iter()
        .map(|r| {
            if r.is_empty() {
                return "no authentication".to_string();
            }
            r.values()
                .map(|(text, scopes)| {
                    if scopes.is_empty() {
                        text.clone()
                    } else {
                        format!(
                            "{text} (scopes {})",
                            scopes
                                .iter()
                                .map(|s| format!("`{s}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                })
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    alts.join(" or ")
}
