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

/// The kind of public item a named type renders to, in words (its shape is [`members`]).
pub(super) fn item_kind(td: &TypeDef) -> String {
    match &td.kind {
        TypeKind::Struct { .. } => "a struct".into(),
        TypeKind::Enum {
            repr: EnumRepr::String,
            ..
        } => "a string enum".into(),
        TypeKind::Enum {
            repr: EnumRepr::Integer,
            ..
        } => "an integer enum".into(),
        TypeKind::Union { .. } => "an enum of alternatives (`oneOf`/`anyOf`)".into(),
        TypeKind::Alias(t) => format!("an alias of `{}`", rust_ty(t)),
    }
}

/// The public members of the item a type renders to, each named in words with its Rust type:
/// a struct's fields, an enum's variants with their payloads, an alias's target. Two types of
/// one kind render to the same public item exactly when their members are equal.
pub(super) fn members(td: &TypeDef) -> BTreeMap<String, String> {
    match &td.kind {
        TypeKind::Struct { fields, additional } => fields
            .iter()
            .map(|f| (format!("field `{}`", bare(&f.ident)), field_rust(f)))
            .chain(additional.iter().map(|a| {
                (
                    "the flattened map".into(),
                    format!("BTreeMap<String, {}>", rust_ty(a)),
                )
            }))
            .collect(),
        TypeKind::Enum { variants, .. } => variants
            .iter()
            .map(|v| (format!("variant `{}`", v.name), String::new()))
            .collect(),
        TypeKind::Union { variants, tag } => variants
            .iter()
            .map(|v| {
                let t = rust_ty(&v.ty);
                let t = if v.boxed { format!("Box<{t}>") } else { t };
                (format!("variant `{}`", v.name), t)
            })
            // No `Unknown` when a `defaultMapping` variant takes the unknown tags.
            .chain(
                (tag.is_some() && !variants.iter().any(|v| v.default)).then(|| {
                    (
                        "variant `Unknown`".to_string(),
                        "serde_json::Value".to_string(),
                    )
                }),
            )
            .collect(),
        TypeKind::Alias(t) => [("the target".to_string(), rust_ty(t))]
            .into_iter()
            .collect(),
    }
}

/// What changes in the public item of a type that keeps its name and its kind, in words
/// (`adds field `a` (`i64`); removes variant `B``); `None` when the item stays the same.
pub(super) fn item_delta(od: &TypeDef, nd: &TypeDef) -> Option<String> {
    let (om, nm) = (members(od), members(nd));
    if om == nm {
        return None;
    }
    let with_type = |k: &str, t: &str| {
        // A variant named after its payload type needs no type shown.
        let same_name = k
            .strip_prefix("variant `")
            .and_then(|r| r.strip_suffix('`'))
            .is_some_and(|v| t.strip_prefix("types::") == Some(v));
        if t.is_empty() || same_name {
            k.to_string()
        } else {
            format!("{k} (`{t}`)")
        }
    };
    let removed: Vec<String> = om
        .iter()
        .filter(|(k, _)| !nm.contains_key(*k))
        .map(|(k, _)| k.clone())
        .collect();
    let added: Vec<String> = nm
        .iter()
        .filter(|(k, _)| !om.contains_key(*k))
        .map(|(k, t)| with_type(k, t))
        .collect();
    let changed: Vec<String> = nm
        .iter()
        .filter_map(|(k, t)| {
            let o = om.get(k)?;
            (o != t).then(|| format!("{k} from `{o}` to `{t}`"))
        })
        .collect();
    let parts: Vec<String> = [
        listed("changes", changed),
        listed("removes", removed),
        listed("adds", added),
    ]
    .into_iter()
    .flatten()
    .collect();
    Some(parts.join("; "))
}

/// `verb a, b, c and 2 more`, or `None` for no items.
fn listed(verb: &str, items: Vec<String>) -> Option<String> {
    const SHOWN: usize = 4;
    if items.is_empty() {
        return None;
    }
    let more = items.len().saturating_sub(SHOWN);
    let shown = items.into_iter().take(SHOWN).collect::<Vec<_>>().join(", ");
    Some(if more > 0 {
        format!("{verb} {shown} and {more} more")
    } else {
        format!("{verb} {shown}")
    })
}

/// The named types a type refers to directly (fields, variants, map values, alias target).
pub(super) fn refs_of(td: &TypeDef) -> Vec<&str> {
    fn walk<'t>(t: &'t TypeRef, out: &mut Vec<&'t str>) {
        match t {
            TypeRef::Named(n) => out.push(n),
            TypeRef::Vec(i) | TypeRef::Map(i) | TypeRef::Option(i) => walk(i, out),
            TypeRef::Prim(_) => {}
        }
    }
    let mut out = Vec::new();
    match &td.kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter().for_each(|f| walk(&f.ty, &mut out));
            additional.iter().for_each(|a| walk(a, &mut out));
        }
        TypeKind::Union { variants, .. } => variants.iter().for_each(|v| walk(&v.ty, &mut out)),
        TypeKind::Alias(t) => walk(t, &mut out),
        TypeKind::Enum { .. } => {}
    }
    out
}

/// Whether a type that keeps its name renders to an item of another kind: struct, enum
/// (string, integer or of alternatives) or alias (of another type).
pub(super) fn kind_changed(od: &TypeDef, nd: &TypeDef) -> bool {
    item_kind(od) != item_kind(nd)
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
        ResponseBody::Stream(_) => "a stream".into(),
    }
}

pub(super) fn body_ret(b: &ResponseBody) -> String {
    match b {
        ResponseBody::Empty => "()".into(),
        ResponseBody::Json(t) => rust_ty(t),
        ResponseBody::Text => "String".into(),
        ResponseBody::Binary => "bytes stream".into(),
        ResponseBody::Stream(s) => match &s.item {
            crate::ir::StreamItem::Json(t) => format!("EventStream<{}>", rust_ty(t)),
            crate::ir::StreamItem::Text => "EventStream<String>".into(),
            crate::ir::StreamItem::Events { name, .. } => format!("EventStream<{name}>"),
        },
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

impl Engine<'_> {
    /// Types that keep their name and kind, whose public item changes, and which no walk from
    /// an operation or a webhook event compared: schemas only error bodies (or unused schemas)
    /// reach. Their items change all the same, so the crate does.
    pub(super) fn unwalked_changes(&mut self) {
        let walked: BTreeSet<String> = self
            .pairs
            .keys()
            .filter(|(a, b, _)| a == b)
            .map(|(a, _, _)| a.clone())
            .collect();
        let mut changes = Vec::new();
        for (name, od) in &self.ot {
            let Some(nd) = self.nt.get(name) else {
                continue;
            };
            if walked.contains(*name) || kind_changed(od, nd) {
                continue;
            }
            if let Some(delta) = item_delta(od, nd) {
                changes.push(CrateChange {
                    bump: Bump::Major,
                    text: format!("`types::{name}` {delta}"),
                });
            }
        }
        self.crate_changes.extend(changes);
    }

    /// The named types reachable from `t` on the new side that keep their name and kind on
    /// the old side and whose public item changes, each with what changes.
    pub(super) fn changed_items(&self, t: &TypeRef) -> Vec<String> {
        let mut todo: Vec<String> = named_in(&rust_ty(t))
            .into_iter()
            .map(String::from)
            .collect();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::new();
        while let Some(name) = todo.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(nd) = self.nt.get(name.as_str()).copied() else {
                continue;
            };
            if let Some(od) = self.ot.get(name.as_str()) {
                if !kind_changed(od, nd) {
                    if let Some(delta) = item_delta(od, nd) {
                        out.push(format!("`types::{name}` {delta}"));
                    }
                }
            }
            todo.extend(refs_of(nd).into_iter().map(String::from));
        }
        out.sort();
        out
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

    fn field(name: &str, ty: TypeRef, required: bool) -> Field {
        Field {
            wire: name.into(),
            ident: name.into(),
            ty,
            required,
            nullable: false,
            tri_state: false,
            doc: Default::default(),
            read_only: false,
            write_only: false,
            boxed: false,
            facets: Default::default(),
        }
    }

    fn structure(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef {
            name: name.into(),
            doc: Default::default(),
            kind: TypeKind::Struct {
                fields,
                additional: None,
            },
            pointer: String::new(),
            settings: Default::default(),
            facets: Default::default(),
        }
    }

    #[test]
    fn item_deltas_name_what_changes_in_the_public_item() {
        let string = TypeRef::Prim(Prim::String);
        let old = structure(
            "Event",
            vec![
                field("id", TypeRef::Prim(Prim::I64), true),
                field("kind", string.clone(), true),
                field("gone", string.clone(), false),
            ],
        );
        let new = structure(
            "Event",
            vec![
                field("id", TypeRef::Prim(Prim::I64), true),
                field("kind", TypeRef::Named("EventKind".into()), true),
                field("at", string.clone(), false),
            ],
        );
        assert_eq!(
            item_delta(&old, &new).as_deref(),
            Some("changes field `kind` from `String` to `types::EventKind`; removes field `gone`; adds field `at` (`Option<String>`)")
        );
        assert_eq!(item_delta(&old, &old), None);
        // Documentation and required-ness that keep the Rust type are not item changes.
        let mut same = old.clone();
        same.doc.summary = Some("An event.".into());
        assert_eq!(item_delta(&old, &same), None);
        let many: Vec<Field> = (0..7)
            .map(|i| field(&format!("f{i}"), string.clone(), true))
            .collect();
        let wide = structure("Event", many);
        assert!(item_delta(&structure("Event", Vec::new()), &wide)
            .is_some_and(|d| d.ends_with("and 3 more")));
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
