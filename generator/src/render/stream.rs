//! Streaming responses: the `StreamSpec` a request builder hands to the runtime, the item
//! type, and the enum of event-keyed items.

use super::{docs, ident, ty, Scope};
use crate::ir::{Doc, Operation, Stream, StreamFormat, StreamItem};
use proc_macro2::TokenStream;
use quote::quote;

/// The Rust type of one item.
pub(super) fn item_ty(s: &Stream) -> TokenStream {
    match &s.item {
        StreamItem::Json(t) => ty(t, Scope::Other),
        StreamItem::Text => quote!(::std::string::String),
        StreamItem::Events { name, .. } => {
            let n = ident(name);
            quote!(#n)
        }
    }
}

/// `::oagen_runtime::StreamSpec` for the stream, with its sentinel.
fn spec_expr(s: &Stream) -> TokenStream {
    let format = match s.format {
        StreamFormat::Sse => quote!(::oagen_runtime::StreamFormat::Sse),
        StreamFormat::JsonLines => quote!(::oagen_runtime::StreamFormat::JsonLines),
        StreamFormat::JsonSeq => quote!(::oagen_runtime::StreamFormat::JsonSeq),
    };
    let accept = &s.media_type;
    let item = item_ty(s);
    let spec = match &s.item {
        StreamItem::Json(_) => {
            quote!(::oagen_runtime::StreamSpec::<#item>::json(#format, #accept))
        }
        StreamItem::Text => quote!(::oagen_runtime::StreamSpec::text(#format, #accept)),
        StreamItem::Events { .. } => {
            quote!(::oagen_runtime::StreamSpec::new(#format, #accept, #item::from_frame))
        }
    };
    match &s.sentinel {
        Some(sentinel) => quote!(#spec.sentinel(#sentinel)),
        None => spec,
    }
}

/// The call that sends the request and returns the stream.
pub(super) fn send_expr(s: &Stream, err: &TokenStream) -> TokenStream {
    let item = item_ty(s);
    let spec = spec_expr(s);
    quote!(self.request().send_events::<#item, #err>(#spec))
}

/// The doc lines shared by the stream-returning methods.
pub(super) fn doc_lines(op: &Operation, s: &Stream) -> Vec<String> {
    let what = match s.format {
        StreamFormat::Sse => "server-sent event",
        StreamFormat::JsonLines => "line",
        StreamFormat::JsonSeq => "record",
    };
    let mut lines = vec![format!(
        "Each {what} of the `{}` body is an item as soon as it arrives; the body is never read whole.",
        s.media_type
    )];
    if let Some(sentinel) = &s.sentinel {
        lines.push(format!("The stream ends cleanly at the data `{sentinel}`."));
    }
    let idempotent = matches!(
        op.http_method.as_str(),
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE"
    );
    if s.format == StreamFormat::Sse && idempotent {
        lines.push(
            "A dropped connection is resumed is resumed with `Last-Event-ID` within the client's retry policy; see [`EventStream`](::oagen_runtime::EventStream).".into(),
        );
    }
    lines
}

/// The statements of `stream()` that ask for the stream in the request body.
pub(super) fn flag_stmt(op: &Operation, s: &Stream) -> TokenStream {
    let (Some(flag), Some(body)) = (&s.flag, &op.body) else {
        return quote!();
    };
    let f = ident(&flag.field);
    let value = match flag.options {
        0 => quote!(true),
        1 => quote!(::std::option::Option::Some(true)),
        _ => quote!(::std::option::Option::Some(::std::option::Option::Some(
            true
        ))),
    };
    if body.required {
        quote!(self.body.#f = #value;)
    } else {
        quote! {
            if let ::std::option::Option::Some(body) = &mut self.body {
                body.#f = #value;
            }
        }
    }
}

/// The enum of event-keyed items and the function that decodes one, if the stream has one.
pub(super) fn events_enum(op: &Operation, s: &Stream) -> TokenStream {
    let StreamItem::Events { name, variants } = &s.item else {
        return quote!();
    };
    let en = ident(name);
    let doc = format!(
        " An event of the stream of [`{}`], by its event name.",
        op.builder_name
    );
    let decls = variants.iter().map(|v| {
        let var = ident(&v.variant);
        let d = docs::attrs(&Doc {
            summary: Some(format!("`event: {}`.", v.event)),
            description: None,
            notes: Vec::new(),
        });
        match &v.ty {
            Some(t) => {
                let t = ty(t, Scope::Other);
                quote!(#d #var(#t),)
            }
            None => quote!(#d #var(::std::string::String),),
        }
    });
    let arms = variants.iter().map(|v| {
        let var = ident(&v.variant);
        let event = &v.event;
        match &v.ty {
            Some(_) => quote!(#event => Self::#var(frame.json()?),),
            None => quote!(#event => Self::#var(frame.text()?),),
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        pub enum #en {
            #(#decls)*
            /// An event the API description does not name, with its data as text.
            Other {
                /// The event name.
                event: ::std::string::String,
                /// The data.
                data: ::std::string::String,
            },
        }

        impl #en {
            /// Decodes one event, choosing the variant by the event name.
            fn from_frame(frame: &::oagen_runtime::Frame<'_>) -> ::std::result::Result<Self, ::oagen_runtime::ItemError> {
                ::std::result::Result::Ok(match frame.event() {
                    #(#arms)*
                    _ => Self::Other {
                        event: ::std::borrow::ToOwned::to_owned(frame.event()),
                        data: frame.text()?,
                    },
                })
            }
        }
    }
}
