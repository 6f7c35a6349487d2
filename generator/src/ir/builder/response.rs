//! Responses: success and error bodies, status variants, envelopes and paginated items.

use super::*;

pub(super) fn status_variant(code: u16) -> String {
    match code {
        200 => "Ok".into(),
        201 => "Created".into(),
        202 => "Accepted".into(),
        203 => "NonAuthoritativeInformation".into(),
        204 => "NoContent".into(),
        205 => "ResetContent".into(),
        206 => "PartialContent".into(),
        207 => "MultiStatus".into(),
        other => format!("Status{other}"),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn responses<'a>(
    cx: &mut Cx<'a>,
    ops: &mut OpsCx,
    op: &'a openapiv3::Operation,
    op_ptr: &str,
    builder_name: &str,
    method: &str,
    envelope: Option<&Envelope>,
    raw: Option<&Value>,
) -> (Output, Option<Stream>) {
    let resp_map = cx.openapi.components.as_ref().map(|c| &c.responses);
    let mut success: Vec<(Option<u16>, String, &ReferenceOr<openapiv3::Response>)> = Vec::new();
    let mut errors: Vec<(String, &ReferenceOr<openapiv3::Response>)> = Vec::new();
    for (code, r) in &op.responses.responses {
        match code {
            StatusCode::Code(c) if (200..300).contains(c) => {
                success.push((Some(*c), c.to_string(), r))
            }
            StatusCode::Range(2) => success.push((None, "2XX".into(), r)),
            StatusCode::Code(c) => errors.push((c.to_string(), r)),
            StatusCode::Range(n) => errors.push((format!("{n}XX"), r)),
        }
    }
    if let Some(d) = &op.responses.default {
        if success.is_empty() {
            success.push((None, "default".into(), d));
        } else {
            errors.push(("default".into(), d));
        }
    }
    // Error bodies feed the crate-wide error type.
    for (code, r) in errors {
        let rptr = format!("{op_ptr}/responses/{}", pointer::escape(&code));
        let Some((resp, comp)) = resolve_local(resp_map, "#/components/responses/", r) else {
            continue;
        };
        let base = match &comp {
            Some(n) => format!("/components/responses/{}", pointer::escape(n)),
            None => rptr,
        };
        let comp_name;
        let hint = match &comp {
            Some(n) => {
                comp_name = Name::Field("", n);
                Name::Child(&comp_name, "Body")
            }
            None => Name::Hint(format!("{builder_name}Error")),
        };
        if let Some((mt, m)) = resp
            .content
            .iter()
            .find(|(mt, _)| classify(mt) == Media::Json)
        {
            if let Some(s) = &m.schema {
                let sptr = format!("{base}/content/{}/schema", pointer::escape(mt));
                let ty = cx.convert_opt(s, hint, &sptr);
                if !ops.error_types.contains(&ty) {
                    ops.error_types.push(ty);
                }
            }
        }
    }

    let multi = success.len() > 1;
    let mut cases = Vec::new();
    // A stream offered beside a JSON body (the first such success response).
    let mut beside = None;
    for (code, label, r) in success {
        let rptr = format!("{op_ptr}/responses/{}", pointer::escape(&label));
        let Some((resp, comp)) = resolve_local(resp_map, "#/components/responses/", r) else {
            continue;
        };
        let base = match &comp {
            Some(n) => format!("/components/responses/{}", pointer::escape(n)),
            None => rptr,
        };
        let hint = match (&comp, multi, code) {
            (Some(n), _, _) => Name::Field("", n),
            (None, true, Some(c)) => Name::Hint(format!("{builder_name}Response{c}")),
            (None, _, _) => Name::Hint(format!("{builder_name}Response")),
        };
        let streams: Vec<(&String, &openapiv3::MediaType)> = resp
            .content
            .iter()
            .filter(|(mt, _)| stream_format(mt).is_some())
            .collect();
        let stream = match streams.first() {
            Some((mt, m)) if method != "head" => {
                let media_ptr = format!("{base}/content/{}", pointer::escape(mt));
                let hint = match (&comp, code) {
                    (Some(n), _) => format!("{}Item", ident::camel(n)),
                    (None, Some(c)) if multi => format!("{builder_name}Item{c}"),
                    (None, _) => format!("{builder_name}Item"),
                };
                Some(stream(
                    cx,
                    mt,
                    m,
                    &media_ptr,
                    &hint,
                    builder_name,
                    raw,
                    &resp.description,
                ))
            }
            _ => None,
        };
        let others = resp
            .content
            .iter()
            .filter(|(mt, _)| stream_format(mt).is_none());
        let body = if method == "head" {
            ResponseBody::Empty
        } else if let (Some(stream), true) = (&stream, others.clone().next().is_none()) {
            if multi {
                cx.warn(
                    "stream-in-multi-status",
                    "a stream among several success statuses is read whole, as text; give the stream its own operation to read it as it arrives",
                    &base,
                );
                ResponseBody::Text
            } else {
                ResponseBody::Stream(Box::new(stream.clone()))
            }
        } else {
            if beside.is_none() && !multi {
                beside = stream;
            }
            match others.min_by_key(|(mt, _)| classify(mt)) {
                None => ResponseBody::Empty,
                Some((mt, m)) => match classify(mt) {
                    Media::Json => {
                        let ty = match &m.schema {
                            Some(s) => {
                                let sptr = format!("{base}/content/{}/schema", pointer::escape(mt));
                                cx.convert_opt(s, hint, &sptr)
                            }
                            None => TypeRef::Prim(Prim::Value),
                        };
                        ResponseBody::Json(unwrap_envelope(&cx.types, ty, envelope))
                    }
                    Media::Text | Media::Form => ResponseBody::Text,
                    Media::Binary | Media::Multipart => ResponseBody::Binary,
                },
            }
        };
        let variant = match code {
            Some(c) => status_variant(c),
            None if label == "2XX" => "Success".into(),
            None => "Default".into(),
        };
        cases.push(StatusCase {
            status: code,
            variant,
            body,
        });
    }
    if cases.is_empty() {
        return (Output::Single(ResponseBody::Empty), None);
    }
    let first = cases[0].body.clone();
    if cases.iter().all(|c| c.body == first) {
        return (Output::Single(first), beside);
    }
    (
        Output::ByStatus {
            name: format!("{builder_name}Output"),
            cases,
        },
        None,
    )
}

/// The stream format of a sequential media type.
pub(super) fn stream_format(mt: &str) -> Option<StreamFormat> {
    match crate::load::streams::sequential(mt)? {
        "sse" => Some(StreamFormat::Sse),
        "jsonl" => Some(StreamFormat::JsonLines),
        _ => Some(StreamFormat::JsonSeq),
    }
}

/// The default sentinel of a server-sent event stream of JSON items: `[DONE]` is never
/// JSON, so ending there cannot lose an item, and OpenAI and the APIs that copy it send it.
const DEFAULT_SENTINEL: &str = "[DONE]";

/// A sequential media type as a stream: its items from the loader's item schemas, its
/// sentinel from the extensions real specs use.
#[allow(clippy::too_many_arguments)]
fn stream<'a>(
    cx: &mut Cx<'a>,
    mt: &str,
    media: &openapiv3::MediaType,
    media_ptr: &str,
    hint: &str,
    builder_name: &str,
    raw: Option<&Value>,
    description: &str,
) -> Stream {
    let format = stream_format(mt).unwrap_or(StreamFormat::Sse);
    let shape = cx.streams.and_then(|s| s.get(media_ptr));
    let text_or_json = |ty: TypeRef| match ty {
        TypeRef::Prim(Prim::String) => None,
        other => Some(other),
    };
    let item = match shape {
        Some(shape) if !shape.events.is_empty() => {
            let mut vnamer = Namer::with_reserved(&["Other"]);
            let variants = shape
                .events
                .iter()
                .map(|(event, schema)| {
                    let variant = vnamer.claim(&ident::camel(event));
                    let ty = cx.convert_opt(
                        &schema.schema,
                        Name::Hint(format!("{builder_name}{variant}")),
                        &schema.pointer,
                    );
                    EventVariant {
                        event: event.clone(),
                        variant,
                        ty: text_or_json(ty),
                    }
                })
                .collect();
            StreamItem::Events {
                name: format!("{builder_name}Event"),
                variants,
            }
        }
        Some(shape) => match &shape.item {
            Some(schema) => {
                let ty =
                    cx.convert_opt(&schema.schema, Name::Hint(hint.to_owned()), &schema.pointer);
                match text_or_json(ty) {
                    Some(ty) => StreamItem::Json(ty),
                    None => StreamItem::Text,
                }
            }
            None => StreamItem::Json(TypeRef::Prim(Prim::Value)),
        },
        None => StreamItem::Json(TypeRef::Prim(Prim::Value)),
    };
    // Sentinel: ours, Speakeasy's (on the media type), Fern's `terminator` (on the
    // operation), else `[DONE]` for events of JSON data.
    let ext_str = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let ours = media.extensions.get("x-oagen-sentinel");
    let sentinel = match ours {
        Some(Value::Bool(false)) | Some(Value::Null) => None,
        Some(v) => ext_str(Some(v)),
        None => ext_str(media.extensions.get("x-speakeasy-sse-sentinel"))
            .or_else(|| {
                ext_str(
                    raw.and_then(|r| r.get("x-fern-streaming"))
                        .and_then(|f| f.get("terminator")),
                )
            })
            .or_else(|| {
                (format == StreamFormat::Sse && matches!(item, StreamItem::Json(_)))
                    .then(|| DEFAULT_SENTINEL.to_owned())
            }),
    };
    Stream {
        format,
        media_type: mt.to_owned(),
        item,
        sentinel,
        flag: None,
        doc: (!description.trim().is_empty()).then(|| description.to_owned()),
    }
}

/// The payload type inside an envelope, or the type itself when it has no such field.
pub(super) fn unwrap_envelope(
    types: &BTreeMap<String, TypeDef>,
    ty: TypeRef,
    envelope: Option<&Envelope>,
) -> TypeRef {
    let Some(env) = envelope else { return ty };
    let TypeRef::Named(n) = &ty else { return ty };
    match types.get(n).map(|t| &t.kind) {
        Some(TypeKind::Struct { fields, .. }) => {
            match fields.iter().find(|f| f.wire == env.data_field) {
                Some(f) => wrap_nullable(f.ty.clone(), f.nullable || !f.required),
                None => ty,
            }
        }
        _ => ty,
    }
}

pub(super) fn item_type(
    types: &BTreeMap<String, TypeDef>,
    page: &TypeRef,
    path: &str,
) -> Result<TypeRef, String> {
    let mut cur = page.clone();
    if !path.is_empty() {
        for seg in path.split('.') {
            let inner = strip_opt(&cur).clone();
            let TypeRef::Named(n) = &inner else {
                return Err(format!(
                    "pagination `items` path `{path}`: `{seg}` is not inside an object"
                ));
            };
            let field = match types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Struct { fields, .. }) => fields.iter().find(|f| f.wire == seg),
                Some(TypeKind::Alias(a)) => {
                    cur = a.clone();
                    return item_type(types, &cur, path);
                }
                Some(TypeKind::Union { variants, .. }) => {
                    // The page shape varies: the alternatives that have the path decide.
                    let found: Vec<TypeRef> = variants
                        .iter()
                        .filter_map(|v| item_type(types, &v.ty, path).ok())
                        .collect();
                    return match found.first() {
                        Some(first) if found.iter().all(|f| f == first) => Ok(first.clone()),
                        Some(_) => Err(format!("pagination `items` path `{path}` leads to different item types in the alternatives of `{n}`")),
                        None => Err(format!("pagination `items` path `{path}`: no alternative of `{n}` has it")),
                    };
                }
                _ => None,
            };
            match field {
                Some(f) => cur = f.ty.clone(),
                None => {
                    return Err(format!(
                        "pagination `items` path `{path}`: `{n}` has no property `{seg}`"
                    ))
                }
            }
        }
    }
    match strip_opt(&cur) {
        TypeRef::Vec(item) => Ok((**item).clone()),
        TypeRef::Named(n) => match types.get(n).map(|t| &t.kind) {
            Some(TypeKind::Alias(TypeRef::Vec(item))) => Ok((**item).clone()),
            _ => Err(format!(
                "pagination `items` path `{path}` does not lead to an array"
            )),
        },
        _ => Err(format!(
            "pagination `items` path `{path}` does not lead to an array"
        )),
    }
}

/// The crate's error body: the one error schema, or an untagged union of them.
pub(super) fn error_body(cx: &mut Cx<'_>, found: &[TypeRef]) -> TypeRef {
    match found {
        [] => TypeRef::Prim(Prim::Value),
        [one] => one.clone(),
        many => {
            let name = cx.namer.claim("ApiErrorBody");
            let mut vnamer = Namer::with_reserved(&["Unknown"]);
            let mut variants: Vec<UnionVariant> = many
                .iter()
                .filter(|t| **t != TypeRef::Prim(Prim::Value))
                .map(|t| UnionVariant {
                    name: vnamer.claim(&match t {
                        TypeRef::Named(n) => n.clone(),
                        _ => "Other".into(),
                    }),
                    tags: Vec::new(),
                    ty: t.clone(),
                    boxed: false,
                    facets: None,
                    default: false,
                })
                .collect();
            variants.push(UnionVariant {
                name: vnamer.claim("Other"),
                tags: Vec::new(),
                ty: TypeRef::Prim(Prim::Value),
                boxed: false,
                facets: None,
                default: false,
            });
            cx.types.insert(
                name.clone(),
                TypeDef {
                    name: name.clone(),
                    doc: Doc {
                        summary: Some("An error body returned by the API.".into()),
                        description: Some(
                            "The API documents several error shapes; decoding tries each in the order below, and keeps any other JSON as `Other`.".into(),
                        ),
                        notes: Vec::new(),
                    },
                    kind: TypeKind::Union { tag: None, variants },
                    pointer: String::new(),
                    settings: Default::default(),
                    facets: None,
                },
            );
            TypeRef::Named(name)
        }
    }
}
