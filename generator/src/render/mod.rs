//! Rendering: a function from the IR to token streams, one per output module. It never sees
//! `openapiv3` types; every name it prints was decided by the IR builder.

pub mod client;
pub mod docs;
pub mod example;
pub mod ops;
pub mod types;

use crate::ir::{Api, Prim, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// One rendered module of the generated code.
#[derive(Debug)]
pub struct RenderedModule {
    /// The module name, or `None` for the crate root (`lib.rs`).
    pub name: Option<String>,
    /// Doc lines of the module (`//!` in crate mode, `///` on the inline module otherwise).
    pub doc: Vec<String>,
    /// The items.
    pub tokens: TokenStream,
}

/// Renders the whole API: the root module first, then `types`, `client` and one module per tag.
pub fn render(api: &Api) -> Vec<RenderedModule> {
    let mut out = vec![client::root(api), types::module(api), client::module(api)];
    for m in &api.modules {
        out.push(ops::module(api, m));
    }
    out
}

/// Where a type reference is written from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Inside the `types` module.
    Types,
    /// Inside any other generated module.
    Other,
    /// At the crate root (or the root of the included module file).
    Root,
}

/// An identifier token, raw where needed (`r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// The Rust type for a reference, with absolute paths.
pub fn ty(t: &TypeRef, scope: Scope) -> TokenStream {
    match t {
        TypeRef::Prim(p) => prim(*p),
        TypeRef::Named(n) => {
            let i = ident(n);
            match scope {
                Scope::Types => quote!(#i),
                Scope::Other => quote!(super::types::#i),
                Scope::Root => quote!(self::types::#i),
            }
        }
        TypeRef::Vec(inner) => {
            let i = ty(inner, scope);
            quote!(::std::vec::Vec<#i>)
        }
        TypeRef::Map(inner) => {
            let i = ty(inner, scope);
            quote!(::std::collections::BTreeMap<::std::string::String, #i>)
        }
        TypeRef::Option(inner) => {
            let i = ty(inner, scope);
            quote!(::std::option::Option<#i>)
        }
    }
}

/// The Rust type of a scalar.
pub fn prim(p: Prim) -> TokenStream {
    match p {
        Prim::String => quote!(::std::string::String),
        Prim::Bool => quote!(bool),
        Prim::I32 => quote!(i32),
        Prim::I64 => quote!(i64),
        Prim::F32 => quote!(f32),
        Prim::F64 => quote!(f64),
        Prim::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        Prim::Date => quote!(::chrono::NaiveDate),
        Prim::Uuid => quote!(::uuid::Uuid),
        Prim::Base64 => quote!(::oagen_runtime::Base64Bytes),
        Prim::Binary => quote!(::std::vec::Vec<u8>),
        Prim::Value => quote!(::serde_json::Value),
        Prim::Unit => quote!(()),
    }
}
