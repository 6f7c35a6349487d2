//! Rendering: a function from the IR to token streams, one per output module. It never sees
//! `openapiv3` types; every name it prints was decided by the IR builder.

mod client;
mod docs;
mod example;
mod ops;
mod stream;
mod types;
mod webhooks;

pub use docs::api_name;

use crate::ir::{Api, Gate, Prim, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::path::PathBuf;

/// The marker that every generated file carries; `oagen` only ever deletes files that have it.
pub const GENERATED_MARKER: &str = "@generated";

/// What to produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A crate directory: `Cargo.toml`, `src/lib.rs`, one file per module.
    Crate,
    /// One module file, for `include!` (e.g. from `OUT_DIR`).
    Module,
}

/// A file of the generated code, rendered. Its header and, for a crate, its `Cargo.toml` are
/// the emitter's.
#[derive(Debug, PartialEq, Eq)]
pub struct RenderedFile<T> {
    /// Relative to the crate directory (crate layout), or the file's name (module layout).
    pub path: PathBuf,
    /// What it holds.
    pub contents: Contents<T>,
}

/// The contents of a [`RenderedFile`].
#[derive(Debug, PartialEq, Eq)]
pub enum Contents<T> {
    /// Rust source as runs of whole items, each finished (see [`render`]); the file is their
    /// concatenation.
    Rust(Vec<T>),
    /// Markdown around the code of a Rust example, finished: `head`, the code, `tail`.
    Markdown {
        /// Before the code.
        head: String,
        /// The code.
        code: T,
        /// After the code.
        tail: String,
    },
}

/// A module of the generated code, planned: its items as [`Piece`]s that render on their own.
#[derive(Debug)]
pub(crate) struct ModulePlan {
    /// The module name, or `None` for the crate root.
    pub name: Option<String>,
    /// When the module is compiled (on its declaration).
    pub gate: Gate,
    /// Doc lines of the module (`//!` in crate layout, `///` on the inline module otherwise).
    pub doc: Vec<String>,
    /// The items, in order.
    pub pieces: Vec<Piece>,
}

/// A run of items that renders independently of the rest: plain data, so that the runs of a
/// large spec render on all cores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// The crate root's items (re-exports, `Error`, `Result`).
    Root,
    /// The `client` module's items.
    Client,
    /// `api.types[start..end]`.
    Types(std::ops::Range<usize>),
    /// The operations of `api.modules[module]`, `operations[start..end]`.
    Operations {
        /// Index into `api.modules`.
        module: usize,
        /// Operation range.
        range: std::ops::Range<usize>,
    },
    /// The webhooks module's items.
    Webhooks,
}

/// Types per [`Piece::Types`]: small enough to spread a large spec over the cores.
const TYPES_PER_PIECE: usize = 200;
/// Operations per [`Piece::Operations`].
const OPERATIONS_PER_PIECE: usize = 40;

/// Renders a piece. `root_attrs` go first on each item of the crate root.
fn piece(api: &Api, p: &Piece, root_attrs: &TokenStream) -> TokenStream {
    match p {
        Piece::Root => client::root_items(api, root_attrs),
        Piece::Client => client::items(api),
        Piece::Types(range) => types::items(api.types.get(range.clone()).unwrap_or_default()),
        Piece::Operations { module, range } => match api.modules.get(*module) {
            Some(m) => ops::items(api, m.operations.get(range.clone()).unwrap_or_default()),
            None => TokenStream::new(),
        },
        Piece::Webhooks => webhooks::items(api),
    }
}

/// Cuts `0..len` into consecutive ranges of at most `size`.
fn ranges(len: usize, size: usize) -> Vec<std::ops::Range<usize>> {
    (0..len)
        .step_by(size)
        .map(|start| start..(start + size).min(len))
        .collect()
}

/// The modules of the generated code: the root first, then `types`, `client` and one module
/// per tag.
fn plan(api: &Api) -> Vec<ModulePlan> {
    let mut out = vec![
        ModulePlan {
            name: None,
            gate: Gate::Always,
            doc: client::root_doc(api),
            pieces: vec![Piece::Root],
        },
        types::module(api),
        ModulePlan {
            name: Some("client".into()),
            gate: Gate::Always,
            doc: client::module_doc(),
            pieces: vec![Piece::Client],
        },
    ];
    for (i, m) in api.modules.iter().enumerate() {
        out.push(ops::module(m, i));
    }
    out.extend(webhooks::module(api));
    out
}

/// The `#[cfg(..)]` of an item with this gate: nothing, `#[cfg(feature = "a")]` or
/// `#[cfg(any(feature = "a", feature = "b"))]`.
pub(crate) fn cfg(gate: &Gate) -> TokenStream {
    match gate {
        Gate::Always => TokenStream::new(),
        Gate::AnyOf(features) if features.len() == 1 => {
            let f = &features[0];
            quote!(#[cfg(feature = #f)])
        }
        Gate::AnyOf(features) => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}

/// Lints allowed on generated modules: they follow the spec's shape, not clippy's taste.
fn allowed_lints() -> TokenStream {
    quote!(
        clippy::too_many_arguments,
        clippy::large_enum_variant,
        clippy::should_implement_trait,
        clippy::doc_lazy_continuation,
        clippy::doc_overindented_list_items,
        clippy::empty_docs,
        clippy::wrong_self_convention
    )
}

/// [`allowed_lints`] on an inline module.
fn module_allows() -> TokenStream {
    let lints = allowed_lints();
    quote!(#[allow(#lints)])
}

/// [`allowed_lints`] at the top of a module's file, once.
fn file_allows() -> TokenStream {
    let lints = allowed_lints();
    quote!(#![allow(#lints)])
}

/// `#![doc = ..]` attributes.
fn inner_doc(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #l])
    });
    quote!(#(#attrs)*)
}

/// `#[doc = ..]` attributes.
fn outer_doc(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// One unit of rendering work: a run of whole items of one file.
enum Job<'p> {
    /// The crate root file (`src/lib.rs`), whole.
    CrateRoot,
    /// A piece of a module file; the first piece also carries the file's inner docs.
    Piece {
        piece: &'p Piece,
        doc: Option<&'p [String]>,
    },
    /// The quickstart example, as its file (`titled`) or as the README shows it.
    Quickstart { titled: bool },
    /// The module-layout file, whole: rendering it in one run keeps the inline modules whole.
    ModuleFile,
}

/// Where each job's output goes.
enum Slot {
    /// A chunk of the Rust file at this index.
    Rust(usize),
    /// The code of the Markdown file at this index.
    Markdown(usize),
}

/// Renders the generated code for `layout`. Every run of items is rendered on the rayon pool
/// and handed to `finish` on the same thread, as it is rendered (token streams cannot cross
/// threads; `finish` typically formats them). The files come in path order.
///
/// Customization is what the IR says ([`crate::ir::ItemSettings`]); nothing is rewritten
/// after rendering.
pub fn render<T, F>(api: &Api, layout: Layout, finish: F) -> Vec<RenderedFile<T>>
where
    T: Send,
    F: Fn(TokenStream) -> T + Sync,
{
    use rayon::prelude::*;
    let plans = plan(api);
    let mut files: Vec<(PathBuf, Option<(String, String)>)> = Vec::new();
    let mut jobs: Vec<(Slot, Job<'_>)> = Vec::new();
    match layout {
        Layout::Crate => {
            files.push((PathBuf::from("src/lib.rs"), None));
            jobs.push((Slot::Rust(0), Job::CrateRoot));
            for m in plans.iter().filter(|m| m.name.is_some()) {
                let name = m.name.as_deref().unwrap_or_default();
                let index = files.len();
                files.push((
                    PathBuf::from(format!("src/{}.rs", name.trim_start_matches("r#"))),
                    None,
                ));
                if m.pieces.is_empty() {
                    static NOTHING: Piece = Piece::Types(0..0);
                    jobs.push((
                        Slot::Rust(index),
                        Job::Piece {
                            piece: &NOTHING,
                            doc: Some(&m.doc),
                        },
                    ));
                }
                for (i, p) in m.pieces.iter().enumerate() {
                    let doc = (i == 0).then_some(m.doc.as_slice());
                    jobs.push((Slot::Rust(index), Job::Piece { piece: p, doc }));
                }
            }
            let example = files.len();
            files.push((
                PathBuf::from(format!(
                    "examples/{}_quickstart.rs",
                    api.crate_name.replace('-', "_")
                )),
                None,
            ));
            jobs.push((Slot::Rust(example), Job::Quickstart { titled: true }));
            let readme = files.len();
            files.push((PathBuf::from("README.md"), Some(example::readme(api))));
            jobs.push((Slot::Markdown(readme), Job::Quickstart { titled: false }));
        }
        Layout::Module => {
            let name = heck::ToSnakeCase::to_snake_case(api.crate_name.as_str());
            files.push((PathBuf::from(format!("{name}.rs")), None));
            jobs.push((Slot::Rust(0), Job::ModuleFile));
        }
    }
    let render_job = |job: &Job<'_>| -> TokenStream {
        let skip = quote!(#[rustfmt::skip]);
        match job {
            Job::CrateRoot => crate_root(api, &plans, &skip),
            Job::Piece { piece: p, doc } => {
                let body = piece(api, p, &TokenStream::new());
                match doc {
                    Some(lines) => {
                        let doc = inner_doc(lines);
                        let allows = file_allows();
                        quote!(#doc #allows #body)
                    }
                    None => body,
                }
            }
            // The README shows the code as a reader would write it: no rustfmt attributes.
            Job::Quickstart { titled: true } => example::quickstart(api, &skip, true),
            Job::Quickstart { titled: false } => {
                example::quickstart(api, &TokenStream::new(), false)
            }
            Job::ModuleFile => module_file(api, &plans),
        }
    };
    let done: Vec<T> = jobs
        .par_iter()
        // One job per task: jobs differ in size, and stealing them one by one balances the
        // cores best.
        .with_max_len(1)
        .map(|(_, job)| finish(render_job(job)))
        .collect();
    let mut chunks: Vec<Vec<T>> = files.iter().map(|_| Vec::new()).collect();
    let mut code: Vec<Option<T>> = files.iter().map(|_| None).collect();
    for ((slot, _), t) in jobs.iter().zip(done) {
        match slot {
            Slot::Rust(i) => chunks[*i].push(t),
            Slot::Markdown(i) => code[*i] = Some(t),
        }
    }
    let mut out: Vec<RenderedFile<T>> = files
        .into_iter()
        .zip(chunks.into_iter().zip(code))
        .map(|((path, text), (chunks, code))| {
            let contents = match (text, code) {
                (Some((head, tail)), Some(code)) => Contents::Markdown { head, code, tail },
                _ => Contents::Rust(chunks),
            };
            RenderedFile { path, contents }
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// `src/lib.rs` of the crate layout: the crate's docs and lints, the module declarations and
/// the root items, each with `attrs` (`#[rustfmt::skip]`: the generated crates are workspace
/// members, and `cargo fmt --all` would otherwise rewrite prettyplease's layout and make
/// `oagen check` fail; on a `mod` declaration it also covers the module's file).
fn crate_root(api: &Api, plans: &[ModulePlan], attrs: &TokenStream) -> TokenStream {
    let doc = plans
        .iter()
        .find(|m| m.name.is_none())
        .map(|m| inner_doc(&m.doc));
    let decls = plans.iter().filter_map(|m| {
        let i = ident(m.name.as_deref()?);
        let cfg = cfg(&m.gate);
        Some(quote!(#attrs #cfg pub mod #i;))
    });
    let items = piece(api, &Piece::Root, attrs);
    quote! {
        #doc
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::empty_docs)]
        #(#decls)*
        #items
    }
}

/// The module layout's one file: the root items, then each module inline.
fn module_file(api: &Api, plans: &[ModulePlan]) -> TokenStream {
    let none = TokenStream::new();
    let mut items = Vec::new();
    for m in plans {
        let body: TokenStream = m.pieces.iter().map(|p| piece(api, p, &none)).collect();
        match &m.name {
            None => items.push(body),
            Some(name) => {
                let i = ident(name);
                let doc = outer_doc(&m.doc);
                let allows = module_allows();
                let cfg = cfg(&m.gate);
                items.push(quote!(#cfg #doc #allows pub mod #i { #body }));
            }
        }
    }
    quote!(#(#items)*)
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
