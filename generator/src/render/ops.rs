//! One module per tag: a `Client` method and a request builder per operation.

use super::{docs, ident, ty, ModulePlan, Piece, Scope};
use crate::ir::{
    Api, Body, BodyKind, Doc, Module, Operation, Output, PaginationStyle, Param, ParamIn, PathPart,
    Prim, QueryStyle, ResponseBody, TypeRef,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Renders a tag module; `index` is its place in `api.modules`.
pub(super) fn module(m: &Module, index: usize) -> ModulePlan {
    let mut doc = docs::lines(&m.doc);
    if doc.is_empty() {
        doc.push(format!("Operations tagged `{}`.", m.name));
    }
    ModulePlan {
        name: Some(m.name.clone()),
        gate: m.gate.clone(),
        doc,
        pieces: super::ranges(m.operations.len(), super::OPERATIONS_PER_PIECE)
            .into_iter()
            .map(|range| Piece::Operations {
                module: index,
                range,
            })
            .collect(),
    }
}

/// The items of some operations.
pub fn items(api: &Api, operations: &[Operation]) -> TokenStream {
    let ops = operations.iter().map(|op| operation(api, op));
    quote!(#(#ops)*)
}

fn error_body(api: &Api) -> TokenStream {
    ty(&api.error_body, Scope::Other)
}

/// Whether a parameter of this type is taken as `impl Into<String>`.
fn is_string(t: &TypeRef) -> bool {
    matches!(t, TypeRef::Prim(Prim::String))
}

fn body_type(b: &Body) -> TokenStream {
    match b.kind {
        BodyKind::Bytes => quote!(::oagen_runtime::Bytes),
        BodyKind::Text => quote!(::std::string::String),
        _ => ty(&b.ty, Scope::Other),
    }
}

/// The value type a successful call yields, and how `send_with_response` decodes it.
struct Decode {
    ty: TokenStream,
    streaming: bool,
    /// `send` returns a typed stream (`EventStream`).
    events: Option<crate::ir::Stream>,
    /// The body of `send_with_response`: hands the request to the runtime method that sends
    /// it and decodes the response (`send_json`, `send_decoded`, ...).
    send: TokenStream,
    extra_items: TokenStream,
}

fn decode(api: &Api, op: &Operation) -> Decode {
    let err = error_body(api);
    let envelope = op.envelope.as_ref().map(|e| {
        let data = &e.data_field;
        let success = match &e.success_field {
            Some(s) => quote!(::std::option::Option::Some(#s)),
            None => quote!(::std::option::Option::None),
        };
        quote!(::oagen_runtime::Envelope { data_field: #data, success_field: #success })
    });
    let send_json = |t: &TypeRef| {
        let t = ty(t, Scope::Other);
        match &envelope {
            Some(env) => quote!(self.request().send_json_enveloped::<#t, #err>(#env)),
            None => quote!(self.request().send_json::<#t, #err>()),
        }
    };
    let json = |t: &TypeRef| {
        let t = ty(t, Scope::Other);
        match &envelope {
            Some(env) => quote!(response.json_enveloped::<#t, #err>(&#env)?),
            None => quote!(response.json::<#t, #err>()?),
        }
    };
    match &op.output {
        Output::Single(ResponseBody::Empty) => Decode {
            ty: quote!(()),
            streaming: false,
            events: None,
            send: quote!(self.request().send_empty::<#err>()),
            extra_items: quote!(),
        },
        Output::Single(ResponseBody::Json(t)) => Decode {
            ty: ty(t, Scope::Other),
            streaming: false,
            events: None,
            send: send_json(t),
            extra_items: quote!(),
        },
        Output::Single(ResponseBody::Text) => Decode {
            ty: quote!(::std::string::String),
            streaming: false,
            events: None,
            send: quote!(self.request().send_text::<#err>()),
            extra_items: quote!(),
        },
        Output::Single(ResponseBody::Binary) => Decode {
            ty: quote!(::oagen_runtime::ByteStream),
            streaming: true,
            events: None,
            send: quote!(self.request().send_stream::<#err>()),
            extra_items: quote!(),
        },
        Output::Single(ResponseBody::Stream(s)) => Decode {
            ty: super::stream::item_ty(s),
            streaming: false,
            events: Some((**s).clone()),
            send: super::stream::send_expr(s, &err),
            extra_items: super::stream::events_enum(op, s),
        },
        Output::ByStatus { name, cases } => {
            let en = ident(name);
            let variants = cases.iter().map(|c| {
                let v = ident(&c.variant);
                let d = match c.status {
                    Some(s) => format!(" Status {s}."),
                    None => " Any other success status.".to_string(),
                };
                match &c.body {
                    ResponseBody::Empty => quote!(#[doc = #d] #v,),
                    ResponseBody::Json(t) => {
                        let t = ty(t, Scope::Other);
                        quote!(#[doc = #d] #v(#t),)
                    }
                    ResponseBody::Text | ResponseBody::Stream(_) => {
                        quote!(#[doc = #d] #v(::std::string::String),)
                    }
                    ResponseBody::Binary => quote!(#[doc = #d] #v(::oagen_runtime::Bytes),),
                }
            });
            let has_catch_all = cases.iter().any(|c| c.status.is_none());
            let arms = cases.iter().map(|c| {
                let v = ident(&c.variant);
                let pat = match c.status {
                    Some(s) => quote!(#s),
                    None => quote!(_),
                };
                let value = match &c.body {
                    ResponseBody::Empty => quote!(#en::#v),
                    ResponseBody::Json(t) => {
                        let d = json(t);
                        quote!(#en::#v(#d))
                    }
                    ResponseBody::Text | ResponseBody::Stream(_) => {
                        quote!(#en::#v(response.text::<#err>()?))
                    }
                    ResponseBody::Binary => quote!(#en::#v(response.body().clone())),
                };
                quote!(#pat => #value,)
            });
            let (other_variant, other_arm) = if has_catch_all {
                (quote!(), quote!())
            } else {
                (
                    quote! {
                        /// A success status the spec does not list, with its raw body.
                        Other {
                            /// The status code.
                            status: u16,
                            /// The body, undecoded.
                            body: ::oagen_runtime::Bytes,
                        },
                    },
                    quote!(status => #en::Other { status, body: response.body().clone() },),
                )
            };
            // Catch-all arms must come last.
            let mut arms: Vec<TokenStream> = arms.collect();
            if has_catch_all {
                let idx = cases.iter().position(|c| c.status.is_none()).unwrap_or(0);
                let a = arms.remove(idx);
                arms.push(a);
                // Only one catch-all arm is reachable.
                let first_wild = cases.iter().filter(|c| c.status.is_none()).count();
                if first_wild > 1 {
                    arms.truncate(arms.len() - (first_wild - 1));
                }
            }
            let enum_doc = format!(" The success responses of [`{}`].", op.builder_name);
            Decode {
                ty: quote!(#en),
                streaming: false,
                events: None,
                send: quote! {
                    self.request().send_decoded::<#en, #err>(|response| {
                        ::std::result::Result::Ok(match response.status().as_u16() {
                            #(#arms)*
                            #other_arm
                        })
                    })
                },
                extra_items: quote! {
                    #[doc = #enum_doc]
                    #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
                    pub enum #en {
                        #(#variants)*
                        #other_variant
                    }
                },
            }
        }
    }
}

/// The path template (`/v1/meetings/{meetingId}`) and the calls that fill it. Each parameter
/// goes through `RequestBuilder::path_param`, which serializes it and refuses a value that
/// would address another resource (empty, `null`, `.`, `..`, or one that does not serialize).
fn path_expr(op: &Operation) -> (String, Vec<TokenStream>) {
    let mut template = String::new();
    let mut fills = Vec::new();
    for part in &op.path_parts {
        match part {
            PathPart::Literal(l) => template.push_str(l),
            PathPart::Param(i) => {
                let wire = op
                    .params
                    .iter()
                    .find(|p| p.ident == *i)
                    .map_or(i.as_str(), |p| p.wire.as_str());
                template.push('{');
                template.push_str(wire);
                template.push('}');
                let f = ident(i);
                fills.push(quote!(.path_param(#wire, &self.#f)));
            }
        }
    }
    (template, fills)
}

/// `Debug` for a request builder: every field, with credentials (parameters the IR marks, and
/// credential headers among the per-request ones) shown as `***`.
fn debug_impl(api: &Api, op: &Operation) -> TokenStream {
    let builder = ident(&op.builder_name);
    let name = op.builder_name.trim_start_matches("r#");
    let fields = op.params.iter().map(|p| {
        let f = ident(&p.ident);
        let label = p.ident.trim_start_matches("r#");
        if p.credential {
            quote!(.field(#label, &::std::format_args!("***")))
        } else {
            quote!(.field(#label, &self.#f))
        }
    });
    let body = op.body.as_ref().map(|_| quote!(.field("body", &self.body)));
    let credentials = &api.credential_headers;
    quote! {
        impl ::std::fmt::Debug for #builder {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name)
                    .field("client", &self.client)
                    #(#fields)*
                    #body
                    .field("timeout", &self.timeout)
                    .field("headers", &::oagen_runtime::RedactedHeaders::new(&self.headers, &[#(#credentials),*]))
                    .finish()
            }
        }
    }
}

fn query_style(s: QueryStyle) -> TokenStream {
    match s {
        QueryStyle::Form => quote!(::oagen_runtime::QueryStyle::Form),
        QueryStyle::FormNoExplode => quote!(::oagen_runtime::QueryStyle::FormNoExplode),
        QueryStyle::SpaceDelimited => quote!(::oagen_runtime::QueryStyle::SpaceDelimited),
        QueryStyle::PipeDelimited => quote!(::oagen_runtime::QueryStyle::PipeDelimited),
        QueryStyle::DeepObject => quote!(::oagen_runtime::QueryStyle::DeepObject),
    }
}

fn body_stmt(b: &Body) -> TokenStream {
    let ct = &b.content_type;
    let apply = |v: TokenStream| match &b.kind {
        BodyKind::Json => quote!(request = request.json(#v);),
        BodyKind::Form => quote!(request = request.form(#v);),
        BodyKind::Bytes => quote!(request = request.bytes(::std::clone::Clone::clone(#v), #ct);),
        BodyKind::Text => quote!(request = request.text(::std::clone::Clone::clone(#v), #ct);),
        // Serializing generated types to JSON cannot fail (no non-string map keys), so the
        // fallbacks below are never taken in practice.
        BodyKind::Multipart { parts } if parts.is_empty() => quote! {
            request = request.multipart(::oagen_runtime::Multipart::from_serialize(#v).unwrap_or_default());
        },
        BodyKind::Multipart { parts } => {
            let stmts = parts.iter().map(|p| {
                let f = ident(&p.ident);
                let wire = &p.wire;
                let add = if p.binary {
                    quote!(form = form.bytes(#wire, value.clone(), ::std::option::Option::Some(#wire.to_string()), ::std::option::Option::None);)
                } else {
                    quote! {
                        let text = match ::serde_json::to_value(value) {
                            ::std::result::Result::Ok(::serde_json::Value::String(s)) => s,
                            ::std::result::Result::Ok(other) => other.to_string(),
                            ::std::result::Result::Err(_) => ::std::string::String::new(),
                        };
                        form = form.text(#wire, text);
                    }
                };
                if p.optional {
                    quote!(if let ::std::option::Option::Some(value) = &body.#f { #add })
                } else {
                    quote!({ let value = &body.#f; #add })
                }
            });
            // The parts read `body`: bound here for a required body, by the `if let` below
            // for an optional one (never `let body = body;`: `clippy::redundant_locals`).
            let bind = b.required.then(|| quote!(let body = #v;));
            quote! {
                #bind
                let mut form = ::oagen_runtime::Multipart::new();
                #(#stmts)*
                request = request.multipart(form);
            }
        }
    };
    if b.required {
        apply(quote!(&self.body))
    } else {
        let inner = apply(quote!(body));
        quote!(if let ::std::option::Option::Some(body) = &self.body { #inner })
    }
}

/// The start of the request: `request(Method::GET, path)`, or `request_method("QUERY", path)`
/// for a method `reqwest` has no constant for (sent as written; a name that is not a method
/// token fails the request, never sends another method).
fn start_request(m: &str, path: &str) -> TokenStream {
    match m {
        "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH" | "TRACE" => {
            let i = format_ident!("{}", m);
            quote!(self.client.runtime().request(::oagen_runtime::reqwest::Method::#i, #path))
        }
        other => quote!(self.client.runtime().request_method(#other, #path)),
    }
}

fn param_doc(p: &Param) -> TokenStream {
    let mut d = p.doc.clone();
    let where_ = match p.location {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
        ParamIn::Cookie => "cookie",
        ParamIn::QueryString => {
            let media = p.media.as_deref().unwrap_or_default();
            d.notes.insert(
                0,
                format!(
                    "The whole query string (the `{}` parameter), sent as `{media}`.",
                    p.wire
                ),
            );
            return docs::attrs(&d);
        }
    };
    d.notes
        .insert(0, format!("The `{}` {where_} parameter.", p.wire));
    docs::attrs(&d)
}

fn operation(api: &Api, op: &Operation) -> TokenStream {
    let err = error_body(api);
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let dec = decode(api, op);
    let out_ty = &dec.ty;

    // Client method: required parameters and a required body are positional.
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut stmts = Vec::new();
    for p in &op.params {
        let f = ident(&p.ident);
        let t = ty(&p.ty, Scope::Other);
        if p.required {
            if is_string(&p.ty) {
                args.push(quote!(#f: impl ::std::convert::Into<::std::string::String>));
                inits.push(quote!(#f: #f.into(),));
            } else {
                args.push(quote!(#f: #t));
                inits.push(quote!(#f,));
            }
            fields.push(quote!(#f: #t,));
        } else {
            inits.push(quote!(#f: ::std::option::Option::None,));
            fields.push(quote!(#f: ::std::option::Option<#t>,));
            let pd = param_doc(p);
            if is_string(&p.ty) {
                setters.push(quote! {
                    #pd
                    pub fn #f(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                        self.#f = ::std::option::Option::Some(value.into());
                        self
                    }
                });
            } else {
                setters.push(quote! {
                    #pd
                    pub fn #f(mut self, value: #t) -> Self {
                        self.#f = ::std::option::Option::Some(value);
                        self
                    }
                });
            }
        }
        let wire = &p.wire;
        match p.location {
            ParamIn::Path => {}
            ParamIn::Query => {
                let style = query_style(p.style);
                stmts.push(quote!(request = request.query(#wire, &self.#f, #style);));
            }
            ParamIn::Header => stmts.push(quote!(request = request.header(#wire, &self.#f);)),
            ParamIn::Cookie => stmts.push(quote!(request = request.cookie(#wire, &self.#f);)),
            ParamIn::QueryString => {
                let media = p
                    .media
                    .as_deref()
                    .unwrap_or("application/x-www-form-urlencoded");
                stmts.push(quote!(request = request.query_string(&self.#f, #media);));
            }
        }
    }
    if let Some(b) = &op.body {
        let bt = body_type(b);
        let conv = matches!(b.kind, BodyKind::Bytes | BodyKind::Text);
        if b.required {
            if conv {
                args.push(quote!(body: impl ::std::convert::Into<#bt>));
                inits.push(quote!(body: body.into(),));
            } else {
                args.push(quote!(body: #bt));
                inits.push(quote!(body,));
            }
            fields.push(quote!(body: #bt,));
        } else {
            inits.push(quote!(body: ::std::option::Option::None,));
            fields.push(quote!(body: ::std::option::Option<#bt>,));
            let bd = docs::attrs(&Doc {
                summary: Some("Sets the request body.".into()),
                description: b.doc.description.clone(),
                notes: Vec::new(),
            });
            setters.push(quote! {
                #bd
                pub fn body(mut self, body: impl ::std::convert::Into<#bt>) -> Self {
                    self.body = ::std::option::Option::Some(body.into());
                    self
                }
            });
        }
        stmts.push(body_stmt(b));
    }

    let mut method_doc = op.doc.clone();
    method_doc.notes.insert(
        0,
        format!("`{} {}`", op.http_method, op.path.replace('`', "'")),
    );
    let method_doc = docs::attrs(&method_doc);
    let builder_doc = format!(
        " The request builder of [`Client::{}`](super::Client::{}): set optional parameters, then call `.send().await`.",
        op.method_name.trim_start_matches("r#"),
        op.method_name.trim_start_matches("r#")
    );
    let deprecated = if op.deprecated {
        quote!(#[deprecated])
    } else {
        quote!()
    };
    let (path, path_fills) = path_expr(op);
    // For the request's tracing span and the interceptors: never the parameter values.
    let (op_id, op_path) = (&op.id, &op.path);
    let start = start_request(&op.http_method, &path);

    let send_expr = &dec.send;
    let send_fns = if let Some(s) = &dec.events {
        let item = &dec.ty;
        let lines: Vec<String> = super::stream::doc_lines(op, s)
            .into_iter()
            .map(|l| format!(" {l}"))
            .collect();
        quote! {
            /// Sends the request and returns the stream of its items (await the returned
            /// future for the stream, then take items from it as they arrive).
            ///
            #(#[doc = #lines])*
            ///
            /// # Errors
            /// The future fails with an [`Error`](super::Error) for an API error status (with the
            /// decoded error body), a transport failure or a timeout; an item is an `Err` for an
            /// event that does not decode (the stream goes on) or a connection lost for good.
            pub fn send(self) -> ::oagen_runtime::SendFuture<::oagen_runtime::EventStream<#item, #err>, #err> {
                #send_expr
            }
        }
    } else if dec.streaming {
        quote! {
            /// Sends the request and returns the body as a stream of bytes (await the returned
            /// future).
            ///
            /// # Errors
            /// An [`Error`](super::Error) for an API error status, a transport failure or a timeout.
            pub fn send(self) -> ::oagen_runtime::SendFuture<::oagen_runtime::ByteStream, #err> {
                self.send_with_response().into_stream()
            }

            /// Sends the request and returns the streaming response with its status and headers.
            ///
            /// # Errors
            /// As [`send`](Self::send).
            pub fn send_with_response(self) -> ::oagen_runtime::SendFuture<::oagen_runtime::StreamingResponse, #err> {
                #send_expr
            }
        }
    } else {
        quote! {
            /// Sends the request and decodes the response (await the returned future).
            ///
            /// # Errors
            /// An [`Error`](super::Error) for an API error status (with the decoded error body), a
            /// transport failure, a timeout, or a body that does not decode.
            pub fn send(self) -> ::oagen_runtime::SendFuture<#out_ty, #err> {
                self.send_with_response().into_inner()
            }

            /// Sends the request and returns the decoded value with the status, headers and
            /// rate-limit information.
            ///
            /// # Errors
            /// As [`send`](Self::send).
            pub fn send_with_response(self) -> ::oagen_runtime::SendFuture<::oagen_runtime::Response<#out_ty>, #err> {
                #send_expr
            }
        }
    };

    let paginate = op.pagination.as_ref().map(|p| {
        let page = ty(&p.page_ty, Scope::Other);
        let item = ty(&p.item_ty, Scope::Other);
        let items = &p.items;
        let style = match &p.style {
            PaginationStyle::Cursor { cursor_param, cursor_field, has_more_field } => {
                let hm = match has_more_field {
                    Some(h) => quote!(::std::option::Option::Some(#h)),
                    None => quote!(::std::option::Option::None),
                };
                quote!(::oagen_runtime::Pagination::Cursor { cursor_param: #cursor_param, cursor_field: #cursor_field, has_more_field: #hm })
            }
            PaginationStyle::NextUrl { next_field } => quote!(::oagen_runtime::Pagination::NextUrl { next_field: #next_field }),
            PaginationStyle::Offset { offset_param, limit_param, total_field } => {
                let tf = match total_field {
                    Some(t) => quote!(::std::option::Option::Some(#t)),
                    None => quote!(::std::option::Option::None),
                };
                quote!(::oagen_runtime::Pagination::Offset { offset_param: #offset_param, limit_param: #limit_param, total_field: #tf })
            }
            PaginationStyle::Page { page_param, first_page } => {
                quote!(::oagen_runtime::Pagination::Page { page_param: #page_param, first_page: #first_page })
            }
            PaginationStyle::LinkHeader => quote!(::oagen_runtime::Pagination::LinkHeader),
        };
        let envelope = match &op.envelope {
            Some(e) => {
                let data = &e.data_field;
                let success = match &e.success_field {
                    Some(s) => quote!(::std::option::Option::Some(#s)),
                    None => quote!(::std::option::Option::None),
                };
                quote!(::std::option::Option::Some(::oagen_runtime::Envelope { data_field: #data, success_field: #success }))
            }
            None => quote!(::std::option::Option::None),
        };
        quote! {
            /// A paginator over every page of results, starting from the parameters set on
            /// this builder. Set a cap with `.max_items(n)`.
            pub fn into_paginator(self) -> ::oagen_runtime::Paginator<#page, #item, #err> {
                ::oagen_runtime::Paginator::new(
                    self.request(),
                    ::oagen_runtime::PageSpec { pagination: #style, items: #items, envelope: #envelope },
                )
            }

            /// A stream of pages. Only one page is held in memory at a time; each page request
            /// goes through the client's retry policy.
            pub fn pages(self) -> ::oagen_runtime::futures::stream::BoxStream<'static, super::Result<#page>> {
                self.into_paginator().pages()
            }

            /// A stream of the items of every page, fetched lazily page by page.
            pub fn items(self) -> ::oagen_runtime::futures::stream::BoxStream<'static, super::Result<#item>> {
                self.into_paginator().items()
            }
        }
    });

    let also_stream = op.stream.as_ref().map(|s| {
        let item = super::stream::item_ty(s);
        let send = super::stream::send_expr(s, &err);
        let flag = super::stream::flag_stmt(op, s);
        let mut lines = super::stream::doc_lines(op, s);
        let ask = match (&s.flag, &op.body) {
            (Some(f), Some(_)) => format!(
                "Sets `{}` to `true` in the request body and asks for `{}`: the API then answers with a stream instead of the JSON body that [`send`](Self::send) returns.",
                f.field.trim_start_matches("r#"),
                s.media_type
            ),
            _ => format!(
                "Asks for `{}` (`Accept`): the API then answers with a stream instead of the JSON body that [`send`](Self::send) returns.",
                s.media_type
            ),
        };
        lines.insert(0, ask);
        let lines: Vec<String> = lines.into_iter().map(|l| format!(" {l}")).collect();
        let mutable = if flag.is_empty() { quote!() } else { quote!(mut) };
        let events = super::stream::events_enum(op, s);
        (
            quote! {
                /// Sends the request asking for the response as a stream, and returns the stream
                /// of its items (await the returned future for the stream).
                ///
                #(#[doc = #lines])*
                ///
                /// # Errors
                /// As [`send`](Self::send) for the request; an item is an `Err` for an event that
                /// does not decode (the stream goes on) or a connection lost for good.
                pub fn stream(#mutable self) -> ::oagen_runtime::SendFuture<::oagen_runtime::EventStream<#item, #err>, #err> {
                    #flag
                    #send
                }
            },
            events,
        )
    });
    let (stream_fn, stream_items) = match also_stream {
        Some((f, i)) => (f, i),
        None => (quote!(), quote!()),
    };
    let extra = &dec.extra_items;
    let debug_impl = debug_impl(api, op);
    // The credentials the operation's own security requirement names.
    let no_auth = if api.schemes.is_empty() {
        quote!()
    } else if op.security.is_empty() {
        quote!(request = request.without_auth();)
    } else {
        let alternatives = op.security.iter().map(|set| quote!(&[#(#set),*]));
        quote!(request = request.security(&[#(#alternatives),*]);)
    };
    quote! {
        impl super::Client {
            #method_doc
            #deprecated
            pub fn #method(&self, #(#args),*) -> #builder {
                #builder {
                    client: ::std::clone::Clone::clone(self),
                    #(#inits)*
                    timeout: ::std::option::Option::None,
                    headers: ::std::vec::Vec::new(),
                }
            }
        }

        #[doc = #builder_doc]
        #[derive(::std::clone::Clone)]
        #[must_use = "a request does nothing until `.send().await` is called"]
        pub struct #builder {
            client: super::Client,
            #(#fields)*
            timeout: ::std::option::Option<::std::time::Duration>,
            headers: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
        }

        #debug_impl

        impl #builder {
            #(#setters)*

            /// Overrides the client's timeout for this request.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// Adds a header to this request.
            pub fn header(mut self, name: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.headers.push((name.into(), value.into()));
                self
            }

            fn request(&self) -> ::oagen_runtime::RequestBuilder {
                #[allow(unused_mut)]
                let mut request = #start #(#path_fills)*.operation(#op_id, #op_path);
                #no_auth
                #(#stmts)*
                if let ::std::option::Option::Some(timeout) = self.timeout {
                    request = request.timeout(timeout);
                }
                for (name, value) in &self.headers {
                    request = request.extra_header(name, value);
                }
                request
            }

            #send_fns
            #stream_fn
            #paginate
        }

        #extra
        #stream_items
    }
}
