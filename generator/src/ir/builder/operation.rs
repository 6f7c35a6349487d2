//! One operation of the IR: its name, module, parameters, body and responses.

use super::*;

/// Where an operation is.
pub(super) struct OpSite<'s> {
    /// The path template.
    pub path: &'s str,
    /// The method, lower-case (`get`, `query`, `link`): for derived names.
    pub method: &'s str,
    /// The method as sent (`GET`, `QUERY`, `LINK`).
    pub http_method: String,
    /// The path item's pointer.
    pub item_ptr: &'s str,
    /// The operation's pointer.
    pub op_ptr: &'s str,
}

pub(super) fn build_operation<'a>(
    cx: &mut Cx<'a>,
    ops: &mut OpsCx,
    site: OpSite<'_>,
    op: &'a openapiv3::Operation,
    path_params: &'a [ReferenceOr<openapiv3::Parameter>],
    raw: Option<&Value>,
    doc_envelope: Option<&Envelope>,
) -> Option<Operation> {
    let OpSite {
        path,
        method,
        http_method,
        item_ptr,
        op_ptr,
    } = site;
    let openapi = cx.openapi;
    let components = openapi.components.as_ref();
    let mut duplicate = None;
    let id = match &op.operation_id {
        Some(id) if !id.trim().is_empty() => {
            if let Some(first) = ops.op_ids.get(id) {
                let first = first.clone();
                let first_loc = (cx.locate)(&first);
                let line = first_loc.line.map(|l| format!(":{l}")).unwrap_or_default();
                duplicate = Some(format!(
                    "operationId `{id}` is already used by the operation at {}{line} (#{first})",
                    first_loc.file.display()
                ));
            } else {
                ops.op_ids.insert(id.clone(), op_ptr.to_string());
            }
            id.clone()
        }
        _ => derived_name(method, path),
    };
    let method_name = ops.method_namer.claim(&ident::snake(&id));
    if let Some(msg) = duplicate {
        // Repaired like any other name collision: the method gets a number.
        cx.repaired(
            "duplicate-operation-id",
            msg,
            &format!(
                "this operation's method is named `{}`",
                ident::bare(&method_name)
            ),
            &format!("{op_ptr}/operationId"),
        );
    }
    let builder_name = ident::camel(ident::bare(&method_name));

    let mut doc = Doc {
        summary: op.summary.clone(),
        description: op.description.clone(),
        notes: Vec::new(),
    };
    if op.deprecated {
        doc.notes.push("Deprecated.".into());
    }
    if let Some(reason) = raw.and_then(|r| r.get("x-oagen-inferred")) {
        doc.notes.push(inferred_note(reason));
    }

    // Parameters: path-level first, operation-level overrides by (name, in).
    // (parameter, pointer of its definition, component name, pointer of where it is listed)
    let mut merged: Vec<(&'a openapiv3::Parameter, String, Option<String>, String)> = Vec::new();
    let param_map = components.map(|c| &c.parameters);
    for (list, base) in [
        (path_params, item_ptr.to_string()),
        (&op.parameters[..], op_ptr.to_string()),
    ] {
        for (i, p) in list.iter().enumerate() {
            let (param, comp) = match resolve_local(param_map, "#/components/parameters/", p) {
                Some(x) => x,
                // The loader has reported the dangling ref already.
                None => continue,
            };
            let ptr = match &comp {
                Some(name) => format!("/components/parameters/{}", pointer::escape(name)),
                None => format!("{base}/parameters/{i}"),
            };
            let key = (param.parameter_data_ref().name.clone(), location_of(param));
            merged.retain(|(q, ..)| (q.parameter_data_ref().name.clone(), location_of(q)) != key);
            merged.push((param, ptr, comp, format!("{base}/parameters/{i}")));
        }
    }

    let mut pnamer = Namer::with_reserved(BUILDER_RESERVED);
    let mut params: Vec<Param> = Vec::new();
    for (param, ptr, comp, site) in &merged {
        let data = param.parameter_data_ref();
        // OpenAPI 3.2's `in: querystring`, read as a marked `in: query` parameter.
        let querystring = data.extensions.contains_key(QUERYSTRING_MARK);
        let location = if querystring {
            ParamIn::QueryString
        } else {
            location_of(param)
        };
        let media = match &data.format {
            openapiv3::ParameterSchemaOrContent::Content(c) if querystring => {
                c.keys().next().cloned()
            }
            _ => None,
        };
        let style = match param {
            openapiv3::Parameter::Query { style, .. } => {
                let explode = data
                    .explode
                    .unwrap_or(matches!(style, openapiv3::QueryStyle::Form));
                match style {
                    openapiv3::QueryStyle::Form if explode => QueryStyle::Form,
                    openapiv3::QueryStyle::Form => QueryStyle::FormNoExplode,
                    openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                }
            }
            _ => QueryStyle::Form,
        };
        let hint = match comp {
            Some(c) => Name::Field("", c),
            None => Name::Field(&builder_name, &data.name),
        };
        let ty = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(s) => {
                cx.convert_opt(s, hint, &format!("{ptr}/schema"))
            }
            openapiv3::ParameterSchemaOrContent::Content(content) => {
                match content
                    .iter()
                    .next()
                    .and_then(|(mt, m)| m.schema.as_ref().map(|s| (mt, s)))
                {
                    Some((mt, s)) => cx.convert_opt(
                        s,
                        hint,
                        &format!("{ptr}/content/{}/schema", pointer::escape(mt)),
                    ),
                    None => TypeRef::Prim(Prim::String),
                }
            }
        };
        let required = data.required || location == ParamIn::Path;
        let mut pdoc = Doc {
            summary: None,
            description: data.description.clone(),
            notes: Vec::new(),
        };
        if data.deprecated == Some(true) {
            pdoc.notes.push("Deprecated.".into());
        }
        if let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) = &data.format {
            if let Some(d) = &s.schema_data.default {
                pdoc.notes
                    .push(format!("Defaults to `{d}` on the server when not set."));
            }
        }
        let facets = {
            let mut examples = cx.examples(data.example.as_ref(), &data.examples);
            let schema = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(s) => Some(s),
                openapiv3::ParameterSchemaOrContent::Content(content) => {
                    content.values().next().and_then(|m| {
                        examples.extend(cx.examples(m.example.as_ref(), &m.examples));
                        m.schema.as_ref()
                    })
                }
            };
            let mut f = schema
                .and_then(|s| cx.facets(SRef::from(s)))
                .map(|f| *f)
                .unwrap_or_default();
            examples.append(&mut f.examples);
            f.examples = examples;
            f.boxed()
        };
        params.push(Param {
            wire: data.name.clone(),
            ident: pnamer.claim(cx.snake_name(&data.name)),
            location,
            ty: strip_option_if(ty, required),
            required,
            style,
            media,
            doc: pdoc,
            facets,
            pointer: site.clone(),
            credential: is_credential(cx.openapi, location, &data.name),
        });
    }

    querystring_rules(cx, &mut params, op_ptr);

    // The path template.
    let mut path_parts = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        if start > 0 {
            path_parts.push(PathPart::Literal(rest[..start].to_string()));
        }
        let name = &rest[start + 1..start + len];
        match params
            .iter()
            .find(|p| p.location == ParamIn::Path && p.wire == name)
        {
            Some(p) => path_parts.push(PathPart::Param(p.ident.clone())),
            None => {
                let mut msg = format!("path `{path}` uses `{{{name}}}`, but the operation declares no path parameter `{name}`");
                if path.contains('?') {
                    // Seen in real specs (medium.com, icons8.com): the query written into the key.
                    msg.push_str("; a path key cannot carry a query string (`?…`): declare those parameters `in: query` and drop them from the key");
                }
                cx.error("undeclared-path-param", msg, op_ptr);
                return None;
            }
        }
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        path_parts.push(PathPart::Literal(rest.to_string()));
    }
    let mut unused = Vec::new();
    params.retain(|p| {
        let used = p.location != ParamIn::Path
            || path_parts
                .iter()
                .any(|pp| matches!(pp, PathPart::Param(i) if *i == p.ident));
        if !used {
            unused.push(p.wire.clone());
        }
        used
    });
    for name in unused {
        cx.warn(
            "unused-path-param",
            format!("path parameter `{name}` does not appear in `{path}`; it is ignored"),
            op_ptr,
        );
    }
    // Required parameters first: path ones in path order, then the others in document order.
    let path_order: Vec<String> = path_parts
        .iter()
        .filter_map(|p| match p {
            PathPart::Param(i) => Some(i.clone()),
            PathPart::Literal(_) => None,
        })
        .collect();
    params.sort_by_key(|p| {
        let rank = match (p.location, p.required) {
            (ParamIn::Path, _) => 0,
            (_, true) => 1,
            (_, false) => 2,
        };
        let pos = path_order.iter().position(|i| *i == p.ident).unwrap_or(0);
        (rank, pos)
    });

    // Request body.
    let body = match &op.request_body {
        None => None,
        Some(rb) => {
            let rb_map = components.map(|c| &c.request_bodies);
            match resolve_local(rb_map, "#/components/requestBodies/", rb) {
                None => None,
                Some((rb, comp)) => {
                    let base = match &comp {
                        Some(n) => format!("/components/requestBodies/{}", pointer::escape(n)),
                        None => format!("{op_ptr}/requestBody"),
                    };
                    let hint = match &comp {
                        Some(n) => Name::Field("", n),
                        None => Name::Hint(format!("{builder_name}Request")),
                    };
                    request_body(cx, rb, &base, hint)
                }
            }
        }
    };
    if method == "patch" {
        if let Some(b) = &body {
            ops.patch_bodies.push(b.ty.clone());
        }
    }

    // Responses.
    let envelope = match raw.and_then(|r| r.get("x-oagen-envelope")) {
        Some(v) => match ext::envelope(v) {
            Ok(e) => e,
            Err(msg) => {
                cx.error(
                    "invalid-extension",
                    msg,
                    &format!("{op_ptr}/x-oagen-envelope"),
                );
                None
            }
        },
        None => doc_envelope.cloned(),
    };
    let (output, mut stream) = responses(
        cx,
        ops,
        op,
        op_ptr,
        &builder_name,
        method,
        envelope.as_ref(),
        raw,
    );
    if let Some(stream) = &mut stream {
        stream.flag = stream_flag(cx, body.as_ref(), raw);
    }

    // Pagination.
    let pagination = match raw.and_then(|r| r.get("x-oagen-pagination")) {
        // Without our extension, a list whose success response declares a `Link` header
        // pages through `Link: <…>; rel="next"`.
        None => match &output {
            Output::Single(ResponseBody::Json(page_ty)) if declares_link_header(cx, op) => {
                item_type(&cx.types, page_ty, "")
                    .ok()
                    .map(|item_ty| Pagination {
                        style: PaginationStyle::LinkHeader,
                        items: String::new(),
                        item_ty,
                        page_ty: page_ty.clone(),
                    })
            }
            _ => None,
        },
        Some(v) => {
            let pptr = format!("{op_ptr}/x-oagen-pagination");
            match ext::pagination(v) {
                Err(msg) => {
                    cx.error("invalid-extension", msg, &pptr);
                    None
                }
                Ok(raw) => match &output {
                    Output::Single(ResponseBody::Json(page_ty)) => {
                        match item_type(&cx.types, page_ty, &raw.items) {
                            Ok(item_ty) => Some(Pagination {
                                style: raw.style,
                                items: raw.items,
                                item_ty,
                                page_ty: page_ty.clone(),
                            }),
                            Err(msg) => {
                                cx.error("invalid-extension", msg, &pptr);
                                None
                            }
                        }
                    }
                    _ => {
                        cx.error(
                            "invalid-extension",
                            "`x-oagen-pagination` needs an operation with a single JSON success response",
                            &pptr,
                        );
                        None
                    }
                },
            }
        }
    };

    let security: Vec<Vec<String>> = op
        .security
        .as_ref()
        .or(cx.openapi.security.as_ref())
        .map(|reqs| reqs.iter().map(|r| r.keys().cloned().collect()).collect())
        .unwrap_or_default();
    let auth = match &op.security {
        None => OpAuth::Default,
        Some(reqs) if reqs.is_empty() || reqs.iter().any(|r| r.is_empty()) => OpAuth::None,
        Some(reqs) => {
            let primary = primary_scheme(cx.openapi);
            let names: Vec<&String> = reqs.iter().flat_map(|r| r.keys()).collect();
            if names.iter().any(|n| Some(n.as_str()) == primary.as_deref()) {
                OpAuth::Default
            } else {
                match names.first() {
                    Some(n) => {
                        doc.notes.push(format!(
                            "Authenticates with the `{n}` security scheme: set its credential on the client builder."
                        ));
                        OpAuth::Other((*n).clone())
                    }
                    None => OpAuth::Default,
                }
            }
        }
    };

    Some(Operation {
        id,
        method_name,
        builder_name,
        http_method,
        path: path.to_string(),
        path_parts,
        doc,
        deprecated: op.deprecated,
        params,
        body,
        output,
        pagination,
        envelope,
        auth,
        security,
        pointer: op_ptr.to_string(),
        stream,
    })
}

/// How a request asks for the stream a response offers beside its JSON body: the `bool`
/// property of the JSON request body that Fern's `x-fern-streaming.stream-condition`
/// names (`$request.stream`), else one called `stream` (OpenAI's convention).
fn stream_flag(cx: &Cx<'_>, body: Option<&Body>, raw: Option<&Value>) -> Option<StreamFlag> {
    let body = body.filter(|b| b.kind == BodyKind::Json)?;
    let wire = raw
        .and_then(|r| r.get("x-fern-streaming"))
        .and_then(|f| f.get("stream-condition"))
        .and_then(Value::as_str)
        .and_then(|c| c.strip_prefix("$request."))
        .unwrap_or("stream");
    let TypeRef::Named(name) = &body.ty else {
        return None;
    };
    let TypeKind::Struct { fields, .. } = &cx.types.get(name)?.kind else {
        return None;
    };
    let field = fields
        .iter()
        .find(|f| f.wire == wire && f.ty == TypeRef::Prim(Prim::Bool))?;
    let options = if field.tri_state {
        2
    } else if !field.required || field.write_only || field.nullable {
        1
    } else {
        0
    };
    Some(StreamFlag {
        field: field.ident.clone(),
        options,
    })
}

/// At most one `in: querystring` parameter (the others are left out), and none beside
/// `in: query` parameters (both are sent; the spec forbids it, so say so).
fn querystring_rules(cx: &mut Cx<'_>, params: &mut Vec<Param>, op_ptr: &str) {
    let qs: Vec<String> = params
        .iter()
        .filter(|p| p.location == ParamIn::QueryString)
        .map(|p| p.wire.clone())
        .collect();
    if qs.len() > 1 {
        let mut seen = false;
        params.retain(|p| {
            if p.location != ParamIn::QueryString {
                return true;
            }
            !std::mem::replace(&mut seen, true)
        });
        cx.repaired(
            "invalid-querystring",
            format!(
                "the operation has {} `in: querystring` parameters ({}); at most one is allowed",
                qs.len(),
                qs.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &format!("only `{}` is sent", qs[0]),
            op_ptr,
        );
    }
    let query: Vec<&str> = params
        .iter()
        .filter(|p| p.location == ParamIn::Query)
        .map(|p| p.wire.as_str())
        .collect();
    if let (Some(q), false) = (qs.first(), query.is_empty()) {
        let msg =
            format!(
            "`in: querystring` parameter `{q}` must not be used with `in: query` parameters ({})",
            query.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        );
        cx.repaired(
            "invalid-querystring",
            msg,
            "both are sent: the query parameters after the query string",
            op_ptr,
        );
    }
}

/// Whether a success response of the operation declares a `Link` header.
pub(super) fn declares_link_header(cx: &Cx<'_>, op: &openapiv3::Operation) -> bool {
    let resp_map = cx.openapi.components.as_ref().map(|c| &c.responses);
    op.responses.responses.iter().any(|(code, r)| {
        let success = matches!(code, StatusCode::Code(c) if (200..300).contains(c))
            || matches!(code, StatusCode::Range(2));
        success
            && resolve_local(resp_map, "#/components/responses/", r).is_some_and(|(resp, _)| {
                resp.headers.keys().any(|h| h.eq_ignore_ascii_case("link"))
            })
    })
}

pub(super) fn strip_option_if(ty: TypeRef, required: bool) -> TypeRef {
    match ty {
        // An optional parameter is an `Option` already; a nullable one adds nothing.
        TypeRef::Option(inner) if !required => *inner,
        other => other,
    }
}

pub(super) fn location_of(p: &openapiv3::Parameter) -> ParamIn {
    match p {
        openapiv3::Parameter::Query { .. } => ParamIn::Query,
        openapiv3::Parameter::Header { .. } => ParamIn::Header,
        openapiv3::Parameter::Path { .. } => ParamIn::Path,
        openapiv3::Parameter::Cookie { .. } => ParamIn::Cookie,
    }
}
