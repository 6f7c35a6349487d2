//! The `webhooks` module: the event enum, the signature scheme, and `Webhooks` with
//! `parse(headers, body)` (verify, then choose the event as the IR's [`Dispatch`] says, then
//! decode) and one `parse_<event>` per event.

use super::{docs, ident, ty, ModulePlan, Piece, Scope};
use crate::ir::webhook::{
    write_template, Dispatch, EventSource, SecretFormat, SignatureEncoding, SignedPart,
    TimestampAt, WebhookEvent, WebhookSignature, Webhooks,
};
use crate::ir::{Api, BodyKind, Doc};
use proc_macro2::TokenStream;
use quote::quote;

/// The module's plan, when the API has webhooks.
pub(super) fn module(api: &Api) -> Option<ModulePlan> {
    let w = api.webhooks.as_ref()?;
    Some(ModulePlan {
        name: Some(w.module.clone()),
        gate: w.gate.clone(),
        doc: module_doc(api, w),
        pieces: vec![Piece::Webhooks],
    })
}

/// One sentence on how requests are signed.
fn scheme_text(s: &WebhookSignature) -> String {
    let encoding = match s.encoding {
        SignatureEncoding::Hex => "hex",
        SignatureEncoding::Base64 => "base64",
    };
    let mut out = format!(
        "the `{}` header holds {}`{}<{encoding}>` HMAC-SHA256 signature{} of `{}`",
        s.header,
        if s.separator.is_some() {
            "one or more "
        } else {
            "a "
        },
        s.prefix,
        if s.separator.is_some() { "s" } else { "" },
        write_template(&s.signed)
    );
    if let Some(id) = &s.id_header {
        out.push_str(&format!(", `{{id}}` being the `{id}` header"));
    }
    match &s.timestamp {
        Some(TimestampAt::Header(h)) => {
            out.push_str(&format!(", `{{timestamp}}` the `{h}` header"))
        }
        Some(TimestampAt::SignatureParam(k)) => {
            out.push_str(&format!(", `{{timestamp}}` its `{k}=` element"))
        }
        None => {}
    }
    out.push_str(match s.secret {
        SecretFormat::Base64 => "; the secret is base64 (after an optional `whsec_`)",
        SecretFormat::Text => "; the secret's text is the key",
    });
    if s.timestamp.is_some() {
        out.push_str(&format!(
            "; a timestamp more than {} seconds from now is refused",
            s.tolerance
        ));
    }
    out
}

/// The module's docs: no intra-doc links, which would resolve in the module (crate layout,
/// `//!`) or in its parent (module layout, `///` on the inline module).
fn module_doc(api: &Api, w: &Webhooks) -> Vec<String> {
    let mut doc = vec![
        format!(
            "Webhooks: the events {} sends to your server, verified and then decoded.",
            docs::api_name(&api.title)
        ),
        String::new(),
    ];
    let scheme = scheme_text(&w.signature);
    if w.signature.standard && w.signature.at.is_empty() {
        doc.push(format!(
            "Requests are checked the Standard Webhooks way ({scheme}). The spec does not say how its webhooks are signed: this is oagen's default, which an `x-oagen-webhook-signature` in the spec replaces."
        ));
    } else {
        doc.push(format!("Requests are signed thus: {scheme}."));
    }
    doc.push(String::new());
    doc.push(match &w.dispatch {
        Dispatch::Single => "`Webhooks::parse` verifies a request, then decodes its body as the one event.".to_string(),
        Dispatch::Header(h) => format!(
            "`Webhooks::parse` verifies a request, then picks the event by its `{h}` header and decodes the body; a value this crate does not know gives `Event::Unknown`."
        ),
        Dispatch::BodyProperty(p) => format!(
            "`Webhooks::parse` verifies a request, then picks the event by the body's `{p}` property and decodes the body; a value this crate does not know gives `Event::Unknown`."
        ),
        Dispatch::Undecided => "Nothing in the spec tells the events apart, so there is no `parse`: call the `parse_<event>` method of the event a route receives.".to_string(),
    });
    doc.push(String::new());
    doc.push(
        "A refused request is a distinct `WebhookError`: a missing or malformed header, a wrong signature (also what a changed body gives), a stale or a future timestamp.".to_string(),
    );
    doc
}

fn lit_str(s: &str) -> TokenStream {
    quote!(#s)
}

/// The expression that builds the scheme.
fn scheme_expr(s: &WebhookSignature) -> TokenStream {
    let wh = quote!(::oagen_runtime::webhook);
    if s.standard {
        return quote!(#wh::SignatureScheme::standard_webhooks());
    }
    let header = lit_str(&s.header);
    let mut calls = Vec::new();
    if s.signed != [SignedPart::Body] {
        let parts = s.signed.iter().map(|p| match p {
            SignedPart::Body => quote!(#wh::Signed::Body),
            SignedPart::Id => quote!(#wh::Signed::Id),
            SignedPart::Timestamp => quote!(#wh::Signed::Timestamp),
            SignedPart::Text(t) => quote!(#wh::Signed::Text(::std::borrow::Cow::Borrowed(#t))),
        });
        calls.push(quote!(.signed([#(#parts),*])));
    }
    if s.encoding == SignatureEncoding::Base64 {
        calls.push(quote!(.encoding(#wh::Encoding::Base64)));
    }
    if !s.prefix.is_empty() {
        let p = &s.prefix;
        calls.push(quote!(.prefix(#p)));
    }
    if let Some(sep) = &s.separator {
        calls.push(quote!(.separator(#sep)));
    }
    if let Some(id) = &s.id_header {
        calls.push(quote!(.id_header(#id)));
    }
    match &s.timestamp {
        Some(TimestampAt::Header(h)) => calls.push(
            quote!(.timestamp(#wh::TimestampSource::Header(::std::borrow::Cow::Borrowed(#h)))),
        ),
        Some(TimestampAt::SignatureParam(k)) => calls.push(quote!(
            .timestamp(#wh::TimestampSource::SignatureParam(::std::borrow::Cow::Borrowed(#k)))
        )),
        None => {}
    }
    if s.timestamp.is_some() && s.tolerance != 300 {
        let t = proc_macro2::Literal::u64_unsuffixed(s.tolerance);
        calls.push(quote!(.tolerance(::std::time::Duration::from_secs(#t))));
    }
    if s.secret == SecretFormat::Base64 {
        calls.push(quote!(.secret_format(#wh::SecretFormat::Base64)));
    }
    quote!(#wh::SignatureScheme::new(#header) #(#calls)*)
}

/// The payload's Rust type (`()` for none).
fn payload_ty(e: &WebhookEvent) -> TokenStream {
    match &e.payload {
        Some(b) => ty(&b.ty, Scope::Other),
        None => quote!(()),
    }
}

/// The expression that decodes a verified `body` into the payload: a `Result`.
fn decode(e: &WebhookEvent) -> TokenStream {
    let wh = quote!(::oagen_runtime::webhook);
    match &e.payload {
        None => quote!(::std::result::Result::Ok(())),
        Some(b) => match b.kind {
            BodyKind::Json => quote!(#wh::decode_json(body)),
            BodyKind::Form => quote!(#wh::decode_form(body)),
            BodyKind::Text => quote!(#wh::decode_text(body)),
            BodyKind::Bytes | BodyKind::Multipart { .. } => {
                quote!(::std::result::Result::Ok(body.to_vec()))
            }
        },
    }
}

fn event_doc(e: &WebhookEvent) -> TokenStream {
    let mut d: Doc = e.doc.clone();
    if !docs::has_text(&d) {
        d.summary = Some(format!("The `{}` event.", e.name));
    }
    if let Some(tag) = &e.tag {
        d.notes.push(format!("Sent as `{tag}`."));
    }
    docs::attrs(&d)
}

/// The module's items.
pub(super) fn items(api: &Api) -> TokenStream {
    let Some(w) = &api.webhooks else {
        return TokenStream::new();
    };
    let wh = quote!(::oagen_runtime::webhook);
    let scheme = scheme_expr(&w.signature);
    // Our own text (no spec prose): written as it is, code spans and all.
    let scheme_doc = super::outer_doc(&[format!(
        "The signature scheme of these webhooks: {}.",
        scheme_text(&w.signature)
    )]);
    let tagged = matches!(w.dispatch, Dispatch::Header(_) | Dispatch::BodyProperty(_));
    let variants = w.events.iter().map(|e| {
        let v = ident(&e.variant);
        let doc = event_doc(e);
        match &e.payload {
            Some(_) => {
                let t = payload_ty(e);
                quote!(#doc #v(#t),)
            }
            None => quote!(#doc #v,),
        }
    });
    let unknown = tagged.then(|| {
        quote! {
            /// An event this crate does not know (newer than its spec), verified like the others.
            Unknown {
                /// Its name, as sent.
                event: ::std::string::String,
                /// Its body, as sent.
                body: ::std::vec::Vec<u8>,
            },
        }
    });
    let parse_one = w.events.iter().map(|e| {
        let f = ident(&e.parse_fn);
        let t = payload_ty(e);
        let d = decode(e);
        let what = match &e.source {
            EventSource::Webhook { key, .. } => format!("the `{key}` webhook"),
            EventSource::Callback { name, .. } => format!("the `{name}` callback"),
        };
        let doc = docs::text_attrs(&format!(
            "Verifies a request as {what} and decodes its body, whatever event it names."
        ));
        quote! {
            #doc
            ///
            /// # Errors
            /// A [`WebhookError`] when the request is refused or its body does not decode.
            pub fn #f<H: #wh::Headers + ?::std::marker::Sized>(&self, headers: &H, body: &[u8]) -> ::std::result::Result<#t, WebhookError> {
                self.verifier.verify(headers, body)?;
                #d
            }
        }
    });
    let construct = |e: &WebhookEvent| {
        let v = ident(&e.variant);
        let d = decode(e);
        match &e.payload {
            Some(_) => quote!(Event::#v(#d?)),
            None => quote!(Event::#v),
        }
    };
    let parse = match &w.dispatch {
        Dispatch::Undecided => None,
        Dispatch::Single => {
            let e = &w.events[0];
            let v = ident(&e.variant);
            let d = decode(e);
            Some(match &e.payload {
                Some(_) => quote!(#d.map(Event::#v)),
                None => quote!(::std::result::Result::Ok(Event::#v)),
            })
        }
        Dispatch::Header(_) | Dispatch::BodyProperty(_) => {
            let read = match &w.dispatch {
                Dispatch::Header(h) => quote!(#wh::header_text(headers, #h)?),
                Dispatch::BodyProperty(p) => quote!(#wh::body_tag(body, #p)?.as_str()),
                _ => quote!(),
            };
            let arms = w.events.iter().map(|e| {
                let tag = e.tag.as_deref().unwrap_or_default();
                let c = construct(e);
                quote!(#tag => #c,)
            });
            Some(quote! {
                ::std::result::Result::Ok(match #read {
                    #(#arms)*
                    other => Event::Unknown {
                        event: other.to_string(),
                        body: body.to_vec(),
                    },
                })
            })
        }
    };
    let parse = parse.map(|body| {
        quote! {
            /// Verifies a request's signature, then decodes its body into the event it carries.
            /// `headers` are the request's (an `http::HeaderMap`, as axum and hyper give them,
            /// or name/value pairs); `body` is the raw body, unparsed: the signature covers
            /// its exact bytes.
            ///
            /// # Errors
            /// A [`WebhookError`] when the request is refused or its body does not decode.
            pub fn parse<H: #wh::Headers + ?::std::marker::Sized>(&self, headers: &H, body: &[u8]) -> ::std::result::Result<Event, WebhookError> {
                self.verifier.verify(headers, body)?;
                #body
            }
        }
    });
    let enum_doc = docs::text_attrs(&format!("The events {} sends.", docs::api_name(&api.title)));
    quote! {
        pub use #wh::{Headers, WebhookError};

        #scheme_doc
        pub fn signature_scheme() -> #wh::SignatureScheme {
            #scheme
        }

        #enum_doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        pub enum Event {
            #(#variants)*
            #unknown
        }

        /// Verifies and decodes the webhooks of this API: build it once with the signing
        /// secret, then call it for each request. Its `Debug` output never shows the secrets.
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub struct Webhooks {
            verifier: #wh::Verifier,
        }

        impl Webhooks {
            /// A receiver that accepts requests signed with `secret`, as the provider shows it.
            ///
            /// # Errors
            /// [`WebhookError::InvalidSecret`] when the secret is empty or not in the
            /// scheme's format.
            pub fn new(secret: impl ::std::convert::AsRef<str>) -> ::std::result::Result<Self, WebhookError> {
                ::std::result::Result::Ok(Self {
                    verifier: #wh::Verifier::new(signature_scheme(), secret)?,
                })
            }

            /// Also accepts requests signed with `secret` (while a secret is rotated).
            ///
            /// # Errors
            /// As [`Webhooks::new`].
            pub fn with_secret(self, secret: impl ::std::convert::AsRef<str>) -> ::std::result::Result<Self, WebhookError> {
                ::std::result::Result::Ok(Self {
                    verifier: self.verifier.with_secret(secret)?,
                })
            }

            /// How far a request's timestamp may be from now, either way.
            pub fn tolerance(self, tolerance: ::std::time::Duration) -> Self {
                Self {
                    verifier: self.verifier.tolerance(tolerance),
                }
            }

            /// The underlying verifier (to verify without decoding, or at a given time).
            pub fn verifier(&self) -> &#wh::Verifier {
                &self.verifier
            }

            #parse

            #(#parse_one)*
        }
    }
}

/// The generated README's "Webhooks" section: how to receive the events, with an example.
pub(crate) fn readme_section(api: &Api) -> String {
    let Some(w) = &api.webhooks else {
        return String::new();
    };
    let krate = api.crate_name.replace('-', "_");
    let module = crate::ident::bare(&w.module);
    let env = format!(
        "{}_WEBHOOK_SECRET",
        heck::ToShoutySnakeCase::to_shouty_snake_case(api.crate_name.as_str())
    );
    let mut out = String::from("## Webhooks\n\n");
    out.push_str(&format!(
        "The API sends {} event{} to your server (`{krate}::{module}`). `Webhooks::parse` \
checks the request's signature first ({}), then decodes the body into a typed `Event`; a refused \
request is a distinct `WebhookError` (missing or malformed header, wrong signature, which is also \
what a body changed on the way gives, stale or future timestamp). Pass the raw body bytes: \
the signature covers them exactly.{}\n\n",
        w.events.len(),
        if w.events.len() == 1 { "" } else { "s" },
        scheme_text(&w.signature),
        match &w.feature {
            Some(f) => format!(" The module is behind the `{f}` feature (on by default)."),
            None => String::new(),
        }
    ));
    out.push_str("```rust,ignore\n");
    out.push_str(&format!("use {krate}::{module}::{{Event, Webhooks}};\n\n"));
    out.push_str(&format!(
        "let webhooks = Webhooks::new(std::env::var(\"{env}\")?)?;\n"
    ));
    out.push_str(
        "// In the handler: `headers` is the request's `http::HeaderMap` (axum, hyper) or a\n\
// slice of name/value pairs; `body` its raw bytes.\n",
    );
    match &w.dispatch {
        Dispatch::Undecided => {
            let e = &w.events[0];
            out.push_str(&format!(
                "let payload = webhooks.{}(&headers, &body)?;\nprintln!(\"{{payload:?}}\");\n",
                crate::ident::bare(&e.parse_fn)
            ));
        }
        dispatch => {
            out.push_str("match webhooks.parse(&headers, &body)? {\n");
            for e in &w.events {
                let v = crate::ident::bare(&e.variant);
                match &e.payload {
                    Some(_) => out.push_str(&format!(
                        "    Event::{v}(payload) => println!(\"{}: {{payload:?}}\"),\n",
                        e.name
                    )),
                    None => out.push_str(&format!("    Event::{v} => println!(\"{}\"),\n", e.name)),
                }
            }
            if !matches!(dispatch, Dispatch::Single) {
                out.push_str(
                    "    Event::Unknown { event, .. } => println!(\"not known yet: {event}\"),\n",
                );
            }
            out.push_str("}\n");
        }
    }
    out.push_str("```\n\n");
    out
}
