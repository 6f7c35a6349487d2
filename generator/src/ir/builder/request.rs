//! Request bodies: the media type chosen and the body kind it gives.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Media {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
}

pub(super) fn classify(mt: &str) -> Media {
    let mt = mt
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mt.contains("json") {
        Media::Json
    } else if mt == "application/x-www-form-urlencoded" {
        Media::Form
    } else if mt.starts_with("multipart/") {
        Media::Multipart
    } else if mt.starts_with("text/") || mt == "application/xml" || mt.ends_with("+xml") {
        Media::Text
    } else {
        Media::Binary
    }
}

pub(super) fn request_body<'a>(
    cx: &mut Cx<'a>,
    rb: &'a openapiv3::RequestBody,
    base: &str,
    hint: Name<'_>,
) -> Option<Body> {
    let (mt, media) = rb.content.iter().min_by_key(|(mt, _)| classify(mt))?;
    let kind_class = classify(mt);
    let sptr = format!("{base}/content/{}/schema", pointer::escape(mt));
    let doc = Doc {
        summary: None,
        description: rb.description.clone(),
        notes: Vec::new(),
    };
    let schema_ty = media
        .schema
        .as_ref()
        .map(|s| cx.convert_opt(s, hint, &sptr));
    let (kind, ty) = match kind_class {
        Media::Json => (
            BodyKind::Json,
            schema_ty.unwrap_or(TypeRef::Prim(Prim::Value)),
        ),
        Media::Form => (
            BodyKind::Form,
            schema_ty.unwrap_or(TypeRef::Map(Box::new(TypeRef::Prim(Prim::String)))),
        ),
        Media::Multipart => {
            let ty = schema_ty.unwrap_or(TypeRef::Prim(Prim::Value));
            let parts = match &ty {
                TypeRef::Named(n) => match cx.types.get(n).map(|t| &t.kind) {
                    Some(TypeKind::Struct { fields, .. }) => fields
                        .iter()
                        .map(|f| MultipartPart {
                            wire: f.wire.clone(),
                            ident: f.ident.clone(),
                            binary: is_binary(&f.ty),
                            optional: !f.required || f.nullable,
                        })
                        .collect(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            (BodyKind::Multipart { parts }, ty)
        }
        Media::Text => (BodyKind::Text, TypeRef::Prim(Prim::String)),
        Media::Binary => (BodyKind::Bytes, TypeRef::Prim(Prim::Binary)),
    };
    let mut facets = media
        .schema
        .as_ref()
        .and_then(|s| cx.facets(SRef::from(s)))
        .map(|f| *f)
        .unwrap_or_default();
    let mut examples = cx.examples(media.example.as_ref(), &media.examples);
    examples.append(&mut facets.examples);
    facets.examples = examples;
    let facets = facets.boxed();
    Some(Body {
        kind,
        content_type: mt.clone(),
        ty,
        required: rb.required,
        doc,
        facets,
    })
}

pub(super) fn is_binary(t: &TypeRef) -> bool {
    match t {
        TypeRef::Prim(Prim::Binary) => true,
        TypeRef::Option(i) => is_binary(i),
        _ => false,
    }
}
