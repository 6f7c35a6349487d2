//! Operations: parameters, request bodies, responses, status codes, envelopes, pagination
//! and security of a pair of matched operations.

use super::*;

impl Engine<'_> {
    // ----- parameters -----

    pub(super) fn params(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        // Path parameters pair by position, so renaming one is not a change.
        let (op_path, np_path) = (path_params(o.op), path_params(n.op));
        for (op, np) in op_path.iter().zip(np_path.iter()) {
            self.param(o, n, op, np);
        }
        let key = |p: &Param| -> (u8, String) {
            match p.location {
                ParamIn::Path => (0, p.wire.clone()),
                ParamIn::Query => (1, p.wire.clone()),
                ParamIn::Header => (2, p.wire.to_ascii_lowercase()),
                ParamIn::Cookie => (3, p.wire.clone()),
                // One per operation; its name is not on the wire.
                ParamIn::QueryString => (4, String::new()),
            }
        };
        let old_rest: Vec<&Param> =
            o.op.params
                .iter()
                .filter(|p| p.location != ParamIn::Path)
                .collect();
        let new_rest: Vec<&Param> =
            n.op.params
                .iter()
                .filter(|p| p.location != ParamIn::Path)
                .collect();
        for np in &new_rest {
            match old_rest.iter().find(|op| key(op) == key(np)) {
                Some(op) => self.param(o, n, op, np),
                None => {
                    let ptr = np.pointer.clone();
                    let what = param_what(np);
                    if np.required {
                        self.emit(
                            Rule::RequiredParamAdded,
                            Side::New,
                            &ptr,
                            format!("required {what} was added"),
                            Effect::new(
                                Bump::Major,
                                format!(
                                    "{} takes a new argument `{}: {}`",
                                    n.method(),
                                    bare(&np.ident),
                                    rust_ty(&np.ty)
                                ),
                            ),
                        );
                    } else {
                        self.emit(
                            Rule::OptionalParamAdded,
                            Side::New,
                            &ptr,
                            format!("optional {what} was added"),
                            Effect::new(
                                Bump::Minor,
                                format!(
                                    "adds setter `{}::{}({})`",
                                    n.builder_plain(),
                                    bare(&np.ident),
                                    rust_ty(&np.ty)
                                ),
                            ),
                        );
                    }
                }
            }
        }
        for op in &old_rest {
            if new_rest.iter().any(|np| key(np) == key(op)) {
                continue;
            }
            let ptr = op.pointer.clone();
            let effect = if op.required {
                Effect::new(
                    Bump::Major,
                    format!("{} loses its argument `{}`", o.method(), bare(&op.ident)),
                )
            } else {
                Effect::new(
                    Bump::Major,
                    format!(
                        "removes setter `{}::{}`",
                        o.builder_plain(),
                        bare(&op.ident)
                    ),
                )
            };
            self.emit(
                Rule::ParamRemoved,
                Side::Old,
                &ptr,
                format!(
                    "{} was removed; the server may reject or ignore it",
                    param_what(op)
                ),
                effect,
            );
        }
    }

    pub(super) fn param(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>, op: &Param, np: &Param) {
        let optr = op.pointer.clone();
        let nptr = np.pointer.clone();
        let what = param_what(np);
        if op.required != np.required {
            let (o_item, n_item) = (param_item(o, op), param_item(n, np));
            if np.required {
                self.emit(
                    Rule::ParamBecameRequired,
                    Side::New,
                    &nptr,
                    format!("{what} became required"),
                    Effect::new(Bump::Major, format!("{o_item} becomes {n_item}")),
                );
            } else {
                self.emit(
                    Rule::ParamBecameOptional,
                    Side::New,
                    &nptr,
                    format!("{what} became optional"),
                    Effect::new(Bump::Major, format!("{o_item} becomes {n_item}")),
                );
            }
        }
        if op.media != np.media {
            if let (Some(om), Some(nm)) = (&op.media, &np.media) {
                self.emit(
                    Rule::RequestContentTypeRemoved,
                    Side::New,
                    &nptr,
                    format!("the query string is sent as `{nm}` instead of `{om}`"),
                    Effect::new(
                        Bump::Patch,
                        format!("the client sends the query string as `{nm}` instead of `{om}`"),
                    ),
                );
            }
        }
        let schema_at = |ptr: &str, p: &Param| match &p.media {
            Some(m) => format!("{ptr}/content/{}/schema", crate::load::pointer::escape(m)),
            None => format!("{ptr}/schema"),
        };
        let at = At {
            old_ptr: schema_at(&optr, op),
            new_ptr: schema_at(&nptr, np),
            what,
            rust: param_item(n, np),
            old_rust: rust_ty(&op.ty),
            new_rust: rust_ty(&np.ty),
        };
        // Values sent as text compare as text; a query string is a structured value.
        self.as_text = np.location != ParamIn::QueryString;
        self.cmp(&op.ty, &np.ty, Dir::Request, &at);
        self.as_text = false;
    }

    // ----- request body -----

    pub(super) fn request_body(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let optr = format!("{}/requestBody", o.op.pointer);
        let nptr = format!("{}/requestBody", n.op.pointer);
        let arg = |info: &OpInfo<'_>, b: &Body| {
            format!("argument `body: {}` of {}", body_rust(b), info.method())
        };
        let setter = |info: &OpInfo<'_>, b: &Body| {
            format!("setter `{}::body({})`", info.builder_plain(), body_rust(b))
        };
        match (&o.op.body, &n.op.body) {
            (None, None) => {}
            (None, Some(nb)) => {
                if nb.required {
                    self.emit(
                        Rule::RequestBodyBecameRequired,
                        Side::New,
                        &nptr,
                        "a required request body was added".into(),
                        Effect::new(
                            Bump::Major,
                            format!("{} takes a new {}", n.method(), arg(n, nb)),
                        ),
                    );
                } else {
                    self.emit(
                        Rule::RequestBodyAdded,
                        Side::New,
                        &nptr,
                        "an optional request body was added".into(),
                        Effect::new(Bump::Minor, format!("adds {}", setter(n, nb))),
                    );
                }
            }
            (Some(ob), None) => {
                let effect = if ob.required {
                    Effect::new(
                        Bump::Major,
                        format!("{} loses its {}", o.method(), arg(o, ob)),
                    )
                } else {
                    Effect::new(Bump::Major, format!("removes {}", setter(o, ob)))
                };
                self.emit(
                    Rule::RequestBodyRemoved,
                    Side::Old,
                    &optr,
                    "the request body was removed; the server may reject or ignore it".into(),
                    effect,
                );
            }
            (Some(ob), Some(nb)) => {
                let item = |info: &OpInfo<'_>, b: &Body| {
                    if b.required {
                        arg(info, b)
                    } else {
                        setter(info, b)
                    }
                };
                if !ob.required && nb.required {
                    self.emit(
                        Rule::RequestBodyBecameRequired,
                        Side::New,
                        &nptr,
                        "the request body became required".into(),
                        Effect::new(
                            Bump::Major,
                            format!("{} becomes {}", item(o, ob), item(n, nb)),
                        ),
                    );
                } else if ob.required && !nb.required {
                    self.emit(
                        Rule::RequestBodyBecameOptional,
                        Side::New,
                        &nptr,
                        "the request body became optional".into(),
                        Effect::new(
                            Bump::Major,
                            format!("{} becomes {}", item(o, ob), item(n, nb)),
                        ),
                    );
                }
                // Bodies of different encodings are reported as content type changes.
                if std::mem::discriminant(&ob.kind) == std::mem::discriminant(&nb.kind) {
                    let at = At {
                        old_ptr: format!(
                            "{optr}/content/{}/schema",
                            pointer::escape(&ob.content_type)
                        ),
                        new_ptr: format!(
                            "{nptr}/content/{}/schema",
                            pointer::escape(&nb.content_type)
                        ),
                        what: "the request body".into(),
                        rust: format!("the body of {}", n.method()),
                        old_rust: body_rust(ob),
                        new_rust: body_rust(nb),
                    };
                    self.cmp(&ob.ty, &nb.ty, Dir::Request, &at);
                }
            }
        }
    }

    pub(super) fn request_content_types(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let oc = media_map(&self.ofacts(o).request_media_types);
        let nc = media_map(&self.nfacts(n).request_media_types);
        if oc.is_empty() || nc.is_empty() {
            // A body added or removed is reported as such.
            return;
        }
        let effect = || match (&o.op.body, &n.op.body) {
            (Some(ob), Some(nb)) if ob.content_type != nb.content_type => {
                if body_rust(ob) != body_rust(nb) {
                    Effect::new(
                        Bump::Major,
                        format!(
                            "the body of {} changes from `{}` to `{}`",
                            n.method(),
                            body_rust(ob),
                            body_rust(nb)
                        ),
                    )
                } else {
                    Effect::new(
                        Bump::Patch,
                        format!(
                            "the client sends `{}` instead of `{}`",
                            nb.content_type, ob.content_type
                        ),
                    )
                }
            }
            (Some(ob), _) => Effect::new(
                Bump::None,
                format!("none: the client sends `{}`", ob.content_type),
            ),
            _ => Effect::new(Bump::None, "none"),
        };
        for (key, mt) in &oc {
            if !nc.contains_key(key) {
                self.emit(
                    Rule::RequestContentTypeRemoved,
                    Side::Old,
                    &format!(
                        "{}/requestBody/content/{}",
                        o.op.pointer,
                        pointer::escape(mt)
                    ),
                    format!("the request body is no longer accepted as `{mt}`"),
                    effect(),
                );
            }
        }
        for (key, mt) in &nc {
            if !oc.contains_key(key) {
                self.emit(
                    Rule::RequestContentTypeAdded,
                    Side::New,
                    &format!(
                        "{}/requestBody/content/{}",
                        n.op.pointer,
                        pointer::escape(mt)
                    ),
                    format!("the request body is also accepted as `{mt}`"),
                    effect(),
                );
            }
        }
    }

    // ----- responses -----

    pub(super) fn outputs(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let (of, nf) = (self.ofacts(o), self.nfacts(n));
        let ob = bodies(of, o.op);
        let nb = bodies(nf, n.op);
        let mut pairs: Vec<(String, String, &ResponseBody, &ResponseBody)> = Vec::new();
        for (label, b) in &nb {
            if let Some((_, a)) = ob.iter().find(|(l, _)| l == label) {
                pairs.push((label.clone(), label.clone(), a, b));
            }
        }
        if pairs.is_empty() && ob.len() == 1 && nb.len() == 1 {
            // One status replaced by another: compare the bodies anyway.
            pairs.push((ob[0].0.clone(), nb[0].0.clone(), &ob[0].1, &nb[0].1));
        }
        let (oret, nret) = (return_rust(o), return_rust(n));
        for (ocode, code, a, b) in pairs {
            let optr = format!("{}/responses/{}", o.op.pointer, pointer::escape(&ocode));
            let nptr = format!("{}/responses/{}", n.op.pointer, pointer::escape(&code));
            let send = format!("`{}::send`", n.builder_plain());
            let ret_effect = || {
                if oret != nret {
                    Effect::new(
                        Bump::Major,
                        format!("{send} returns `{nret}` instead of `{oret}`"),
                    )
                } else {
                    Effect::new(Bump::None, format!("none: {send} still returns `{nret}`"))
                }
            };
            match (a, b) {
                (ResponseBody::Empty, ResponseBody::Empty) => {}
                (_, ResponseBody::Empty) => self.emit(
                    Rule::ResponseBodyRemoved,
                    Side::Old,
                    &optr,
                    format!("the `{code}` response no longer has a body"),
                    ret_effect(),
                ),
                (ResponseBody::Empty, _) => self.emit(
                    Rule::ResponseBodyAdded,
                    Side::New,
                    &nptr,
                    format!("the `{code}` response now has a body"),
                    ret_effect(),
                ),
                (ResponseBody::Json(x), ResponseBody::Json(y)) => {
                    let ot = content_type_of(of, &ocode);
                    let nt = content_type_of(nf, &code);
                    let at = At {
                        old_ptr: format!("{optr}/content/{}/schema", pointer::escape(&ot)),
                        new_ptr: format!("{nptr}/content/{}/schema", pointer::escape(&nt)),
                        what: format!("the `{code}` response body"),
                        rust: format!("the return type of {send}"),
                        old_rust: rust_ty(x),
                        new_rust: rust_ty(y),
                    };
                    self.cmp(x, y, Dir::Response, &at);
                }
                (ResponseBody::Stream(x), ResponseBody::Stream(y))
                    if x.format == y.format
                        && std::mem::discriminant(&x.item) == std::mem::discriminant(&y.item) =>
                {
                    self.stream_items((x, y), (&optr, &nptr), &code, &send);
                }
                (x, y) if x == y => {}
                (x, y) => self.emit(
                    Rule::ResponseTypeChanged,
                    Side::New,
                    &nptr,
                    format!(
                        "the `{code}` response changed from {} to {}",
                        body_kind(x),
                        body_kind(y)
                    ),
                    ret_effect(),
                ),
            }
        }
        // Response content types, per status both sides have.
        let ostat = success_statuses(of);
        let nstat = success_statuses(nf);
        for code in nstat.iter().filter(|c| ostat.contains(c)) {
            let optr = format!("{}/responses/{}", o.op.pointer, pointer::escape(code));
            let nptr = format!("{}/responses/{}", n.op.pointer, pointer::escape(code));
            let oc = content_types(of, code);
            let nc = content_types(nf, code);
            if oc.is_empty() || nc.is_empty() {
                continue;
            }
            let effect = || {
                if oret != nret {
                    Effect::new(
                        Bump::Major,
                        format!(
                            "`{}::send` returns `{nret}` instead of `{oret}`",
                            n.builder_plain()
                        ),
                    )
                } else {
                    Effect::new(
                        Bump::None,
                        format!("none: `{}::send` still returns `{nret}`", n.builder_plain()),
                    )
                }
            };
            for (key, mt) in &oc {
                if !nc.contains_key(key) {
                    self.emit(
                        Rule::ResponseContentTypeRemoved,
                        Side::Old,
                        &format!("{optr}/content/{}", pointer::escape(mt)),
                        format!("the `{code}` response is no longer produced as `{mt}`"),
                        effect(),
                    );
                }
            }
            for (key, mt) in &nc {
                if !oc.contains_key(key) {
                    self.emit(
                        Rule::ResponseContentTypeAdded,
                        Side::New,
                        &format!("{nptr}/content/{}", pointer::escape(mt)),
                        format!("the `{code}` response can also be `{mt}`"),
                        effect(),
                    );
                }
            }
        }
    }

    pub(super) fn statuses(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let os = success_statuses(self.ofacts(o));
        let ns = success_statuses(self.nfacts(n));
        let removed: Vec<&String> = os.iter().filter(|c| !ns.contains(c)).collect();
        let added: Vec<&String> = ns.iter().filter(|c| !os.contains(c)).collect();
        if removed.is_empty() && added.is_empty() {
            return;
        }
        let list = |v: &[&String]| {
            v.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (oret, nret) = (return_rust(o), return_rust(n));
        let effect = if oret != nret {
            Effect::new(
                Bump::Major,
                format!(
                    "`{}::send` returns `{nret}` instead of `{oret}`",
                    n.builder_plain()
                ),
            )
        } else if output_variants(&o.op.output) != output_variants(&n.op.output) {
            Effect::new(Bump::Major, format!("the variants of `{nret}` change"))
        } else {
            Effect::new(
                Bump::None,
                format!("none: `{}::send` still returns `{nret}`", n.builder_plain()),
            )
        };
        let ptr = format!("{}/responses", n.op.pointer);
        if !removed.is_empty() && !added.is_empty() {
            self.emit(
                Rule::SuccessStatusChanged,
                Side::New,
                &ptr,
                format!("success status {} became {}", list(&removed), list(&added)),
                effect,
            );
        } else if !added.is_empty() {
            self.emit(
                Rule::SuccessStatusAdded,
                Side::New,
                &ptr,
                format!(
                    "success status {} was added next to {}",
                    list(&added),
                    list(&os.iter().collect::<Vec<_>>())
                ),
                effect,
            );
        } else {
            self.emit(
                Rule::SuccessStatusRemoved,
                Side::Old,
                &format!("{}/responses", o.op.pointer),
                format!("success status {} was removed", list(&removed)),
                effect,
            );
        }
    }

    pub(super) fn envelope(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let show = |e: &Option<crate::ir::Envelope>| match e {
            None => "none".to_string(),
            Some(e) => match &e.success_field {
                Some(s) => format!("data in `{}`, success flag `{s}`", e.data_field),
                None => format!("data in `{}`", e.data_field),
            },
        };
        let own = format!("{}/x-oagen-envelope", n.op.pointer);
        let ptr = if self.new.facts.written.contains(&own) {
            own
        } else {
            "/x-oagen-envelope".to_string()
        };
        let (oret, nret) = (return_rust(o), return_rust(n));
        let effect = if oret != nret {
            Effect::new(
                Bump::Major,
                format!(
                    "`{}::send` returns `{nret}` instead of `{oret}`",
                    n.builder_plain()
                ),
            )
        } else {
            Effect::new(
                Bump::Patch,
                format!(
                    "`{}::send` unwraps the body differently; no signature changes",
                    n.builder_plain()
                ),
            )
        };
        self.emit(
            Rule::EnvelopeChanged,
            Side::New,
            &ptr,
            format!(
                "the response envelope changed from {} to {}",
                show(&o.op.envelope),
                show(&n.op.envelope)
            ),
            effect,
        );
    }

    pub(super) fn pagination(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let ptr_n = format!("{}/x-oagen-pagination", n.op.pointer);
        let ptr_o = format!("{}/x-oagen-pagination", o.op.pointer);
        let methods = |info: &OpInfo<'_>| {
            let b = info.builder_plain();
            format!("`{b}::pages`, `{b}::items` and `{b}::into_paginator`")
        };
        match (&o.op.pagination, &n.op.pagination) {
            (None, None) => {}
            (None, Some(_)) => self.emit(
                Rule::PaginationAdded,
                Side::New,
                &ptr_n,
                "the operation is now described as paginated".into(),
                Effect::new(Bump::Minor, format!("adds {}", methods(n))),
            ),
            (Some(_), None) => self.emit(
                Rule::PaginationRemoved,
                Side::Old,
                &ptr_o,
                "the operation is no longer described as paginated".into(),
                Effect::new(Bump::Major, format!("removes {}", methods(o))),
            ),
            (Some(a), Some(b)) => {
                if a.style != b.style || a.items != b.items {
                    let effect = if rust_ty(&a.item_ty) != rust_ty(&b.item_ty) {
                        Effect::new(
                            Bump::Major,
                            format!(
                                "the items of {} change from `{}` to `{}`",
                                methods(n),
                                rust_ty(&a.item_ty),
                                rust_ty(&b.item_ty)
                            ),
                        )
                    } else {
                        Effect::new(
                            Bump::Patch,
                            "the paginator follows pages differently; no signature changes",
                        )
                    };
                    self.emit(
                        Rule::PaginationChanged,
                        Side::New,
                        &ptr_n,
                        format!(
                            "pagination changed from {} to {}",
                            pagination_text(a),
                            pagination_text(b)
                        ),
                        effect,
                    );
                }
            }
        }
    }

    // ----- security -----

    pub(super) fn security(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let os = effective_security(self.ofacts(o));
        let ns = effective_security(self.nfacts(n));
        if canonical_reqs(&os) == canonical_reqs(&ns) {
            return;
        }
        let all_kept = os.iter().all(|a| ns.iter().any(|b| satisfies(a, b)));
        let own = format!("{}/security", n.op.pointer);
        let ptr = if self.new.facts.written.contains(&own) {
            own
        } else {
            "/security".to_string()
        };
        let effect = op_auth_effect(o, n);
        let msg = format!(
            "authentication changed from {} to {}",
            reqs_text(&os),
            reqs_text(&ns)
        );
        if all_kept {
            self.emit(Rule::SecurityRelaxed, Side::New, &ptr, msg, effect);
        } else {
            self.emit(Rule::SecurityChanged, Side::New, &ptr, msg, effect);
        }
    }
}

pub(super) fn path_params(op: &Operation) -> Vec<&Param> {
    op.path_parts
        .iter()
        .filter_map(|p| match p {
            PathPart::Param(ident) => op
                .params
                .iter()
                .find(|q| q.location == ParamIn::Path && q.ident == *ident),
            PathPart::Literal(_) => None,
        })
        .collect()
}

pub(super) fn param_what(p: &Param) -> String {
    let loc = match p.location {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
        ParamIn::Cookie => "cookie",
        ParamIn::QueryString => "query string",
    };
    format!("{loc} parameter `{}`", p.wire)
}

pub(super) fn param_item(info: &OpInfo<'_>, p: &Param) -> String {
    if p.required {
        format!("argument `{}` of {}", bare(&p.ident), info.method())
    } else {
        format!("setter `{}::{}`", info.builder_plain(), bare(&p.ident))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Doc, QueryStyle};

    #[test]
    fn parameters_in_words() {
        let p = |wire: &str, location: ParamIn| Param {
            wire: wire.into(),
            ident: wire.replace('-', "_"),
            location,
            ty: TypeRef::Prim(Prim::String),
            required: false,
            style: QueryStyle::Form,
            media: None,
            doc: Doc::default(),
            facets: Default::default(),
            pointer: String::new(),
            credential: false,
        };
        assert_eq!(
            param_what(&p("session", ParamIn::Cookie)),
            "cookie parameter `session`"
        );
        assert_eq!(
            param_what(&p("X-Id", ParamIn::Header)),
            "header parameter `X-Id`"
        );
    }
}
