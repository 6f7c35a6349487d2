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
    /// The items, in order: rendered already, or described by a [`Piece`] that renders on
    /// its own (so that the emitter can render large modules on all cores).
    pub parts: Vec<Part>,
}

/// A part of a module's items.
#[derive(Debug)]
pub enum Part {
    /// Rendered items.
    Tokens(TokenStream),
    /// Items still to render with [`piece`].
    Deferred(Piece),
}

/// A run of items that renders independently of the rest: plain data, so it can travel to
/// another thread (token streams cannot).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// `api.types[start..end]`.
    Types(std::ops::Range<usize>),
    /// The operations of `api.modules[module]`, `operations[start..end]`.
    Operations {
        /// Index into `api.modules`.
        module: usize,
        /// Operation range.
        range: std::ops::Range<usize>,
    },
}

/// Types per [`Piece::Types`]: small enough to spread a large spec over the cores.
const TYPES_PER_PIECE: usize = 200;
/// Operations per [`Piece::Operations`].
const OPERATIONS_PER_PIECE: usize = 40;

/// Renders a piece.
pub fn piece(api: &Api, p: &Piece) -> TokenStream {
    match p {
        Piece::Types(range) => types::items(api.types.get(range.clone()).unwrap_or_default()),
        Piece::Operations { module, range } => match api.modules.get(*module) {
            Some(m) => ops::items(api, m.operations.get(range.clone()).unwrap_or_default()),
            None => TokenStream::new(),
        },
    }
}

/// Cuts `0..len` into consecutive ranges of at most `size`.
fn ranges(len: usize, size: usize) -> Vec<std::ops::Range<usize>> {
    (0..len)
        .step_by(size)
        .map(|start| start..(start + size).min(len))
        .collect()
}

impl RenderedModule {
    /// The module's items, rendering deferred parts in order.
    pub fn tokens(&self, api: &Api) -> TokenStream {
        let mut out = TokenStream::new();
        for part in &self.parts {
            match part {
                Part::Tokens(t) => out.extend(t.clone()),
                Part::Deferred(p) => out.extend(piece(api, p)),
            }
        }
        out
    }

    /// Renders deferred parts now, leaving one [`Part::Tokens`].
    pub fn materialize(&mut self, api: &Api) {
        let tokens = self.tokens(api);
        self.parts = vec![Part::Tokens(tokens)];
    }
}

/// Renders the whole API: the root module first, then `types`, `client` and one module per
/// tag. The items of `types` and of the tag modules are left as [`Piece`]s, which
/// [`RenderedModule::tokens`] or the emitter render.
pub fn render(api: &Api) -> Vec<RenderedModule> {
    let mut out = vec![client::root(api), types::module(api), client::module(api)];
    for (i, m) in api.modules.iter().enumerate() {
        out.push(ops::module(m, i));
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
