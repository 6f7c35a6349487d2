//! Crate effects: how the generated code names and types things (return types, field types,
//! constructors), so that a change can say which public items it alters.

use super::*;
use crate::render::Layout;

/// Whether the generated code would be the same (the crate name aside): the same IR, or IRs
/// that differ only in what the renderer does not show (pointers, the docs of a request
/// body, nullability that keeps the Rust type) and render to the same tokens.
pub(super) fn same_code(a: &Api, b: &Api) -> bool {
    let mut b = b.clone();
    b.crate_name = a.crate_name.clone();
    if *a == b {
        return true;
    }
    if (&a.title, &a.description, &a.version) != (&b.title, &b.description, &b.version) {
        // The crate's documentation and metadata show them.
        return false;
    }
    let text = |api: &Api| crate::render::render(api, Layout::Module, |t| t.to_string());
    text(a) == text(&b)
}

/// The public item a named type renders to, as its kind in words and a signature that
/// differs whenever the item's public shape does (field names and types, variant names and
/// payloads, the aliased type), whatever the type's name.
pub(super) fn item_of(td: &TypeDef) -> (String, String) {
    match &td.kind {
        TypeKind::Struct { fields, additional } => {
            let mut parts: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", bare(&f.ident), field_rust(f)))
                .collect();
            parts.sort();
            if let Some(a) = additional {
                parts.push(format!("(flattened) BTreeMap<String, {}>", rust_ty(a)));
            }
            (
                "a struct".into(),
                format!("struct {{ {} }}", parts.join(", ")),
            )
        }
        TypeKind::Enum { repr, variants } => {
            let mut names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
            names.sort();
            let kind = match repr {
                EnumRepr::String => "a string enum",
                EnumRepr::Integer => "an integer enum",
            };
            (kind.into(), format!("{kind} {{ {} }}", names.join(", ")))
        }
        TypeKind::Union { variants, tag } => {
            let mut parts: Vec<String> = variants
                .iter()
                .map(|v| {
                    let t = rust_ty(&v.ty);
                    if v.boxed {
                        format!("{}(Box<{t}>)", v.name)
                    } else {
                        format!("{}({t})", v.name)
                    }
                })
                .collect();
            parts.sort();
            if tag.is_some() {
                // A tagged union keeps unknown tags.
                parts.push("Unknown(serde_json::Value)".into());
            }
            (
                "an enum of alternatives (`oneOf`/`anyOf`)".into(),
                format!("union {{ {} }}", parts.join(", ")),
            )
        }
        TypeKind::Alias(t) => (
            format!("an alias of `{}`", rust_ty(t)),
            format!("type = {}", rust_ty(t)),
        ),
    }
}

/// Whether a type that keeps its name renders to an item of another kind: struct, enum
/// (string, integer or of alternatives) or alias (of another type).
pub(super) fn kind_changed(od: &TypeDef, nd: &TypeDef) -> bool {
    item_of(od).0 != item_of(nd).0
}

/// The names of the generated types a Rust type mentions: `Option<types::Pet>` → `Pet`.
pub(super) fn named_in(rust: &str) -> Vec<&str> {
    rust.match_indices("types::")
        .map(|(i, m)| {
            let rest = &rust[i + m.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|n| !n.is_empty())
        .collect()
}

pub(super) fn output_variants(o: &Output) -> Vec<String> {
    match o {
        Output::Single(_) => Vec::new(),
        Output::ByStatus { cases, .. } => cases
            .iter()
            .map(|c| format!("{}({})", c.variant, body_ret(&c.body)))
            .collect(),
    }
}

pub(super) fn body_kind(b: &ResponseBody) -> String {
    match b {
        ResponseBody::Empty => "no body".into(),
        ResponseBody::Json(_) => "JSON".into(),
        ResponseBody::Text => "text".into(),
        ResponseBody::Binary => "binary data".into(),
    }
}

pub(super) fn body_ret(b: &ResponseBody) -> String {
    match b {
        ResponseBody::Empty => "()".into(),
        ResponseBody::Json(t) => rust_ty(t),
        ResponseBody::Text => "String".into(),
        ResponseBody::Binary => "bytes stream".into(),
    }
}

/// The Rust type `send` returns.
pub(super) fn return_rust(info: &OpInfo<'_>) -> String {
    match &info.op.output {
        Output::Single(b) => body_ret(b),
        Output::ByStatus { name, .. } => format!("{}::{name}", info.module),
    }
}

pub(super) fn body_rust(b: &Body) -> String {
    match b.kind {
        BodyKind::Bytes => "Vec<u8>".into(),
        BodyKind::Text => "String".into(),
        _ => rust_ty(&b.ty),
    }
}

/// A type as written in generated code, with `types::` for named types.
pub(super) fn rust_ty(t: &TypeRef) -> String {
    match t {
        TypeRef::Prim(p) => match p {
            Prim::String => "String",
            Prim::Bool => "bool",
            Prim::I32 => "i32",
            Prim::I64 => "i64",
            Prim::F32 => "f32",
            Prim::F64 => "f64",
            Prim::DateTime => "DateTime<Utc>",
            Prim::Date => "NaiveDate",
            Prim::Uuid => "Uuid",
            Prim::Base64 => "Base64Bytes",
            Prim::Binary => "Vec<u8>",
            Prim::Value => "serde_json::Value",
            Prim::Unit => "()",
        }
        .to_string(),
        TypeRef::Named(n) => format!("types::{n}"),
        TypeRef::Vec(i) => format!("Vec<{}>", rust_ty(i)),
        TypeRef::Map(i) => format!("BTreeMap<String, {}>", rust_ty(i)),
        TypeRef::Option(i) => format!("Option<{}>", rust_ty(i)),
    }
}

/// A struct field's type as the renderer writes it.
pub(super) fn field_rust(f: &Field) -> String {
    let base = rust_ty(&f.ty);
    let base = if f.boxed {
        format!("Box<{base}>")
    } else {
        base
    };
    if f.tri_state {
        format!("Option<Option<{base}>>")
    } else if !f.required
        || f.write_only
        || (f.nullable && !matches!(f.ty, TypeRef::Prim(Prim::Value) | TypeRef::Option(_)))
    {
        format!("Option<{base}>")
    } else {
        base
    }
}

pub(super) fn pagination_text(p: &crate::ir::Pagination) -> String {
    use crate::ir::PaginationStyle::*;
    let style = match &p.style {
        Cursor {
            cursor_param,
            cursor_field,
            ..
        } => format!("cursor (`{cursor_param}` from `{cursor_field}`)"),
        NextUrl { next_field } => format!("next URL in `{next_field}`"),
        Offset {
            offset_param,
            limit_param,
            ..
        } => format!("offset (`{offset_param}`, `{limit_param}`)"),
        Page { page_param, .. } => format!("page number (`{page_param}`)"),
        LinkHeader => "`Link` header".to_string(),
    };
    if p.items.is_empty() {
        style
    } else {
        format!("{style}, items in `{}`", p.items)
    }
}

/// What a security change does to the generated method: which credentials it sends.
pub(super) fn op_auth_effect(o: &OpInfo<'_>, n: &OpInfo<'_>) -> Effect {
    let sends = |security: &[Vec<String>]| {
        if security.is_empty() {
            "no credentials".to_string()
        } else {
            security
                .iter()
                .map(|set| {
                    set.iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .collect::<Vec<_>>()
                .join(", else ")
        }
    };
    if o.op.security == n.op.security {
        Effect::new(
            Bump::None,
            format!(
                "none: the generated method still sends {}",
                sends(&n.op.security)
            ),
        )
    } else {
        Effect::new(
            Bump::Patch,
            format!(
                "the generated method sends {} instead of {}; no signature changes",
                sends(&n.op.security),
                sends(&o.op.security)
            ),
        )
    }
}

pub(super) fn constructor(auth: Option<&AuthScheme>) -> &'static str {
    match auth {
        None => "Client::new()",
        Some(AuthScheme::Basic) => "Client::new(username, password)",
        Some(_) => "Client::new(api_key)",
    }
}

pub(super) fn auth_text(auth: Option<&AuthScheme>) -> String {
    match auth {
        None => "no credentials".into(),
        Some(AuthScheme::Bearer) => "a bearer token".into(),
        Some(AuthScheme::Basic) => "HTTP basic credentials".into(),
        Some(AuthScheme::Header {
            name,
            prefix: Some(p),
        }) => format!("header `{name}: {p} <key>`"),
        Some(AuthScheme::Header { name, prefix: None }) => format!("header `{name}`"),
        Some(AuthScheme::Query { name }) => format!("query parameter `{name}`"),
        Some(AuthScheme::Cookie { name }) => format!("cookie `{name}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_types_as_the_renderer_writes_them() {
        let t = TypeRef::Option(Box::new(TypeRef::Map(Box::new(TypeRef::Vec(Box::new(
            TypeRef::Named("Pet".into()),
        ))))));
        assert_eq!(rust_ty(&t), "Option<BTreeMap<String, Vec<types::Pet>>>");
        assert_eq!(named_in(&rust_ty(&t)), ["Pet"]);
        assert_eq!(
            named_in("Result<types::Pet_2, types::Error>, types::"),
            ["Pet_2", "Error"]
        );
        assert_eq!(body_ret(&ResponseBody::Text), "String");
    }

    #[test]
    fn auth_in_words_and_constructors() {
        let header = AuthScheme::Header {
            name: "X-Key".into(),
            prefix: Some("Token".into()),
        };
        assert_eq!(auth_text(Some(&header)), "header `X-Key: Token <key>`");
        assert_eq!(auth_text(None), "no credentials");
        assert_eq!(constructor(Some(&header)), "Client::new(api_key)");
        assert_eq!(
            constructor(Some(&AuthScheme::Basic)),
            "Client::new(username, password)"
        );
        assert_eq!(constructor(None), "Client::new()");
    }
}
