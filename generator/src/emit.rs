//! Emitting: formats rendered modules with prettyplease, adds the `@generated` header, and
//! lays them out as a crate (`Cargo.toml`, `src/lib.rs`, one file per module, README,
//! example) or as one self-contained module file for `include!` from `OUT_DIR`.

use crate::ir::Api;
use crate::render::{Part, Piece, RenderedModule};
use proc_macro2::TokenStream;
use quote::quote;
use std::path::{Path, PathBuf};

/// The marker that every emitted file carries; `oagen` only ever deletes files that have it.
pub const GENERATED_MARKER: &str = "@generated";

/// Lints allowed on generated modules: they follow the spec's shape, not clippy's taste.
fn module_allows() -> TokenStream {
    quote!(#[allow(clippy::too_many_arguments, clippy::large_enum_variant, clippy::should_implement_trait, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::empty_docs, clippy::wrong_self_convention)])
}

/// A file to write, relative to the output directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path.
    pub path: PathBuf,
    /// Contents.
    pub contents: String,
}

/// How the runtime crate is depended on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeDep {
    /// A crates.io version requirement.
    Version(String),
    /// A path, relative to the generated crate's directory.
    Path(String),
}

/// Everything the emitter needs besides the API.
#[derive(Clone, Debug)]
pub struct EmitOptions {
    /// The spec path as shown in headers.
    pub spec_display: String,
    /// The runtime dependency.
    pub runtime: RuntimeDep,
    /// The generated crate's version.
    pub crate_version: String,
}

fn header(spec: &str, comment: &str) -> String {
    format!(
        "{comment} {GENERATED_MARKER} by oagen {} from `{spec}`. Do not edit by hand:\n{comment} change the spec and run `oagen generate`.\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Formats tokens as a Rust file. Tokens that do not parse are an internal error.
pub fn format_tokens(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// The Cargo feature of a generated crate that also compiles the types no operation uses
/// (see [`Api::unreferenced_types`]).
pub const ALL_TYPES_FEATURE: &str = "all-types";

/// Puts the types no operation uses (and their `impl` blocks) behind [`ALL_TYPES_FEATURE`]:
/// the compiler then only parses them.
fn gate_types(file: &mut syn::File, gated: &std::collections::BTreeSet<String>) {
    let cfg: syn::Attribute = syn::parse_quote!(#[cfg(feature = "all-types")]);
    for item in &mut file.items {
        let (name, attrs) = match item {
            syn::Item::Struct(i) => (i.ident.to_string(), &mut i.attrs),
            syn::Item::Enum(i) => (i.ident.to_string(), &mut i.attrs),
            syn::Item::Type(i) => (i.ident.to_string(), &mut i.attrs),
            syn::Item::Macro(i) => match macro_subject(i) {
                Some(name) => (name, &mut i.attrs),
                None => continue,
            },
            syn::Item::Impl(i) => match &*i.self_ty {
                syn::Type::Path(p) => match p.path.segments.last() {
                    Some(s) => (s.ident.to_string(), &mut i.attrs),
                    None => continue,
                },
                _ => continue,
            },
            _ => continue,
        };
        if gated.contains(&name) {
            attrs.insert(0, cfg.clone());
        }
    }
}

/// The type an item macro of the generated code is about: its first identifier
/// (`::oagen_runtime::string_enum!(Name { .. })`).
pub(crate) fn macro_subject(i: &syn::ItemMacro) -> Option<String> {
    match i.mac.tokens.clone().into_iter().next() {
        Some(proc_macro2::TokenTree::Ident(id)) => Some(id.to_string()),
        _ => None,
    }
}

/// Items per chunk when module files are formatted in parallel.
const CHUNK_ITEMS: usize = 200;

/// Cuts a stream of items (inner attributes first) into streams of whole items. An item ends
/// at a top-level `;` or at a top-level brace group that no `;` follows (generated code has no
/// const-generic braces at the top level).
fn split_items(tokens: TokenStream, per_chunk: usize) -> Vec<TokenStream> {
    use proc_macro2::{Delimiter, TokenTree};
    let mut chunks = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let mut items = 0;
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        let ends_item = match &tt {
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(iter.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';')
            }
            TokenTree::Punct(p) => p.as_char() == ';',
            _ => false,
        };
        current.push(tt);
        if ends_item {
            items += 1;
            if items == per_chunk {
                chunks.push(std::mem::take(&mut current).into_iter().collect());
                items = 0;
            }
        }
    }
    if !current.is_empty() || chunks.is_empty() {
        chunks.push(current.into_iter().collect());
    }
    chunks
}

/// Where the items of a formatting job come from.
enum Source {
    /// Items rendered already, as text (token streams cannot cross threads).
    Text(String),
    /// Items the job renders itself.
    Piece(Piece),
}

/// A run of whole items of one file, formatted on its own.
struct Job {
    /// Index of the file.
    file: usize,
    /// Inner doc lines of the file, for its first job.
    doc: Option<Vec<String>>,
    source: Source,
    /// Whether unused types go behind [`ALL_TYPES_FEATURE`] (the `types` module).
    gate: bool,
}

/// Renders and formats module files on all cores and returns their text in order. A file is
/// a list of jobs, each a run of whole items: deferred pieces are rendered in the worker;
/// rendered items are cut into chunks of [`CHUNK_ITEMS`] and travel as text. prettyplease
/// prints items one after the other, so joining the formatted jobs gives the same text as
/// formatting the file whole. `gated` are the types that go behind [`ALL_TYPES_FEATURE`].
fn format_files(
    api: &Api,
    modules: &[&RenderedModule],
    gated: &std::collections::BTreeSet<String>,
) -> Result<Vec<String>, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let mut jobs: Vec<Job> = Vec::new();
    for (i, m) in modules.iter().enumerate() {
        let gate = m.name.as_deref() == Some("types") && !gated.is_empty();
        let first = jobs.len();
        for part in &m.parts {
            match part {
                Part::Tokens(tokens) => {
                    for chunk in split_items(tokens.clone(), CHUNK_ITEMS) {
                        jobs.push(Job {
                            file: i,
                            doc: None,
                            source: Source::Text(chunk.to_string()),
                            gate,
                        });
                    }
                }
                Part::Deferred(p) => jobs.push(Job {
                    file: i,
                    doc: None,
                    source: Source::Piece(p.clone()),
                    gate,
                }),
            }
        }
        if jobs.len() == first {
            jobs.push(Job {
                file: i,
                doc: None,
                source: Source::Text(String::new()),
                gate,
            });
        }
        jobs[first].doc = Some(m.doc.clone());
    }
    let run = |job: &Job| -> Result<String, String> {
        let body = match &job.source {
            Source::Text(text) => text
                .parse::<TokenStream>()
                .map_err(|e| format!("internal error: generated code does not lex: {e}"))?,
            Source::Piece(p) => crate::render::piece(api, p),
        };
        let tokens = match &job.doc {
            Some(lines) => {
                let doc = inner_doc(lines);
                quote!(#doc #body)
            }
            None => body,
        };
        let mut file: syn::File = syn::parse2(tokens)
            .map_err(|e| format!("internal error: generated code does not parse: {e}"))?;
        if job.gate {
            gate_types(&mut file, gated);
        }
        Ok(prettyplease::unparse(&file))
    };
    let results: Vec<Mutex<Option<Result<String, String>>>> =
        jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || loop {
        let j = next.fetch_add(1, Ordering::Relaxed);
        let Some(job) = jobs.get(j) else { break };
        let out = run(job);
        if let Ok(mut slot) = results[j].lock() {
            *slot = Some(out);
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    if threads <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(work);
            }
        });
    }
    let mut out: Vec<String> = vec![String::new(); modules.len()];
    for (job, slot) in jobs.iter().zip(results) {
        let text = slot
            .into_inner()
            .ok()
            .flatten()
            .unwrap_or_else(|| Err("internal error: a formatting thread failed".into()))?;
        out[job.file].push_str(&text);
    }
    Ok(out)
}

/// Formats a crate-root file whose top-level items rustfmt must leave alone: the generated
/// crates are workspace members, and `cargo fmt --all` would otherwise rewrite
/// prettyplease's layout and make `oagen check` fail. (`#[rustfmt::skip]` on a `mod`
/// declaration also covers the module's file.)
fn format_root_tokens(tokens: TokenStream) -> Result<String, String> {
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated code does not parse: {e}"))?;
    let skip: syn::Attribute = syn::parse_quote!(#[rustfmt::skip]);
    for item in &mut file.items {
        let attrs = match item {
            syn::Item::Mod(i) => &mut i.attrs,
            syn::Item::Use(i) => &mut i.attrs,
            syn::Item::Type(i) => &mut i.attrs,
            syn::Item::Fn(i) => &mut i.attrs,
            syn::Item::Struct(i) => &mut i.attrs,
            syn::Item::Enum(i) => &mut i.attrs,
            syn::Item::Impl(i) => &mut i.attrs,
            syn::Item::Const(i) => &mut i.attrs,
            _ => continue,
        };
        attrs.insert(0, skip.clone());
    }
    Ok(prettyplease::unparse(&file))
}

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

/// Emits a crate: `Cargo.toml`, `README.md`, `src/*.rs`, `examples/quickstart.rs`.
pub fn emit_crate(
    api: &Api,
    modules: &[RenderedModule],
    opts: &EmitOptions,
) -> Result<Vec<GeneratedFile>, String> {
    let mut files = Vec::new();
    let rs_header = header(&opts.spec_display, "//");
    let gated = crate::timings::time("emit/unreferenced", || api.unreferenced_types());
    let mut decls = Vec::new();
    let mut sources = Vec::new();
    let mut paths = Vec::new();
    for m in modules {
        let Some(name) = &m.name else { continue };
        let i = crate::render::ident(name);
        let allows = module_allows();
        decls.push(quote!(#allows pub mod #i;));
        sources.push(m);
        paths.push(PathBuf::from(format!(
            "src/{}.rs",
            name.trim_start_matches("r#")
        )));
    }
    let texts = crate::timings::time("emit/format", || format_files(api, &sources, &gated))?;
    for (path, text) in paths.into_iter().zip(texts) {
        files.push(GeneratedFile {
            path,
            contents: format!("{rs_header}\n{text}"),
        });
    }
    let root = modules.iter().find(|m| m.name.is_none());
    let (root_doc, root_tokens) = match root {
        Some(r) => (inner_doc(&r.doc), r.tokens(api)),
        None => (quote!(), quote!()),
    };
    let lib = format_root_tokens(quote! {
        #root_doc
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::empty_docs)]
        #(#decls)*
        #root_tokens
    })?;
    files.push(GeneratedFile {
        path: PathBuf::from("src/lib.rs"),
        contents: format!("{rs_header}\n{lib}"),
    });
    files.push(GeneratedFile {
        path: PathBuf::from("Cargo.toml"),
        contents: cargo_toml(api, opts, gated.len()),
    });
    let example = format_root_tokens(crate::render::example::quickstart(api))?;
    files.push(GeneratedFile {
        path: PathBuf::from("README.md"),
        contents: crate::render::example::readme(api, &example),
    });
    files.push(GeneratedFile {
        path: PathBuf::from(format!(
            "examples/{}_quickstart.rs",
            api.crate_name.replace('-', "_")
        )),
        contents: format!("{rs_header}\n{example}"),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Emits one module file for `include!`: no inner attributes, modules inline.
pub fn emit_module(
    api: &Api,
    modules: &[RenderedModule],
    opts: &EmitOptions,
) -> Result<String, String> {
    let mut items = Vec::new();
    for m in modules {
        match &m.name {
            None => items.push(m.tokens(api)),
            Some(name) => {
                let i = crate::render::ident(name);
                let doc = outer_doc(&m.doc);
                let allows = module_allows();
                let body = m.tokens(api);
                items.push(quote!(#doc #allows pub mod #i { #body }));
            }
        }
    }
    let text = format_tokens(quote!(#(#items)*))?;
    Ok(format!("{}\n{text}", header(&opts.spec_display, "//")))
}

fn cargo_toml(api: &Api, opts: &EmitOptions, unreferenced: usize) -> String {
    let runtime = match &opts.runtime {
        RuntimeDep::Version(v) => format!("\"{v}\""),
        RuntimeDep::Path(p) => format!("{{ path = \"{}\" }}", p.replace('\\', "/")),
    };
    let description = format!(
        "Typed client for the {} API (generated by oagen)",
        api.title.trim()
    )
    .replace('\\', "\\\\")
    .replace('"', "\\\"");
    format!(
        "{header}
[package]
name = \"{name}\"
version = \"{version}\"
edition = \"2021\"
description = \"{description}\"
license = \"MIT OR Apache-2.0\"
publish = false

[dependencies]
oagen-runtime = {runtime}
serde = {{ version = \"1\", features = [\"derive\"] }}
serde_json = \"1\"
chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}
uuid = {{ version = \"1\", features = [\"serde\"] }}

[dev-dependencies]
tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}
futures = \"0.3\"
{features}",
        header = header(&opts.spec_display, "#"),
        name = api.crate_name,
        version = opts.crate_version,
        features = match unreferenced {
            0 => String::new(),
            n => format!(
                "\n[features]\n# Also compile the {n} types of schemas that no operation uses (webhook payloads and the like).\n{ALL_TYPES_FEATURE} = []\n"
            ),
        },
    )
}

/// A file that differs between what the generator makes and what is on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stale {
    /// Missing on disk.
    Missing(PathBuf),
    /// Different contents.
    Changed(PathBuf),
    /// A generated file on disk that the generator no longer makes.
    Extra(PathBuf),
}

/// Files under `dir` that carry the generated marker (for finding leftovers).
fn generated_on_disk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n == "target") {
                    continue;
                }
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                if text
                    .lines()
                    .take(3)
                    .any(|l| l.contains(GENERATED_MARKER) && l.contains("oagen"))
                {
                    if let Ok(rel) = p.strip_prefix(dir) {
                        out.push(rel.to_path_buf());
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// Compares generated files with the directory.
pub fn check(dir: &Path, files: &[GeneratedFile]) -> Vec<Stale> {
    let mut out = Vec::new();
    for f in files {
        match std::fs::read_to_string(dir.join(&f.path)) {
            Ok(text) if text == f.contents => {}
            Ok(_) => out.push(Stale::Changed(dir.join(&f.path))),
            Err(_) => out.push(Stale::Missing(dir.join(&f.path))),
        }
    }
    for p in generated_on_disk(dir) {
        if !files.iter().any(|f| f.path == p) {
            out.push(Stale::Extra(dir.join(p)));
        }
    }
    out
}

/// Writes files (only those that changed, so build systems see no spurious updates). With
/// `prune`, also removes generated files under `dir` that the generator no longer makes.
pub fn write(dir: &Path, files: &[GeneratedFile], prune: bool) -> std::io::Result<()> {
    if prune {
        for stale in check(dir, files) {
            if let Stale::Extra(p) = stale {
                std::fs::remove_file(p)?;
            }
        }
    }
    for f in files {
        let path = dir.join(&f.path);
        if std::fs::read_to_string(&path).is_ok_and(|t| t == f.contents) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &f.contents)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TokenStream {
        quote! {
            #![doc = " Module docs."]
            use ::std::fmt;
            /// A struct.
            pub struct A { pub x: i64 }
            pub struct B(pub i64);
            impl A { pub fn f(&self) -> i64 { match self.x { 0 => 1, _ => 2 } } }
            pub const C: A = A { x: 1 };
            pub type D = ::std::vec::Vec<A>;
            pub enum E { X, Y }
            impl fmt::Display for E { fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str("e") } }
        }
    }

    #[test]
    fn items_split_at_item_boundaries() {
        let chunks = split_items(sample(), 1);
        let texts: Vec<String> = chunks
            .iter()
            .map(|c| format_tokens(c.clone()).unwrap())
            .collect();
        assert_eq!(texts.len(), 8, "{texts:#?}");
        assert!(texts[0].starts_with("//! Module docs.\nuse ::std::fmt;"));
        assert!(texts[4].starts_with("pub const C: A = A { x: 1 };"));
    }

    /// The IR of a fixture with enough types and operations for several pieces per module.
    fn fixture_api() -> Api {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/gen/kitchen-sink.yaml"
        ));
        let mut diags = crate::diag::Diagnostics::new();
        let loaded = crate::load::load(path, &mut diags).expect("fixture loads");
        crate::ir::build(&loaded, "kitchen", &mut diags).expect("fixture builds")
    }

    fn module(name: &str, parts: Vec<Part>) -> RenderedModule {
        RenderedModule {
            name: Some(name.into()),
            doc: vec!["Docs.".into()],
            parts,
        }
    }

    #[test]
    fn chunked_formatting_equals_whole_formatting() {
        let api = fixture_api();
        let items = sample();
        let whole = format_tokens(quote!(#![doc = " Docs."] #items)).unwrap();
        let a = module("a", vec![Part::Tokens(sample())]);
        let b = module("b", Vec::new());
        let out = format_files(&api, &[&a, &b], &Default::default()).unwrap();
        assert_eq!(out, vec![whole, "//! Docs.\n".to_string()]);
        for n in 1..=4 {
            let joined: String = split_items(sample(), n)
                .into_iter()
                .map(|c| format_tokens(c).unwrap())
                .collect();
            assert_eq!(joined, format_tokens(sample()).unwrap(), "chunks of {n}");
        }
    }

    #[test]
    fn pieces_rendered_on_workers_equal_the_module_formatted_whole() {
        let api = fixture_api();
        let mut modules = crate::render::render(&api);
        // One type and one operation per piece, the most cuts possible.
        for m in &mut modules {
            let mut parts = Vec::new();
            for part in std::mem::take(&mut m.parts) {
                match part {
                    Part::Deferred(Piece::Types(r)) => {
                        parts.extend(r.map(|i| Part::Deferred(Piece::Types(i..i + 1))))
                    }
                    Part::Deferred(Piece::Operations { module, range }) => {
                        parts.extend(range.map(|i| {
                            Part::Deferred(Piece::Operations {
                                module,
                                range: i..i + 1,
                            })
                        }))
                    }
                    other => parts.push(other),
                }
            }
            m.parts = parts;
        }
        assert!(modules.iter().map(|m| m.parts.len()).sum::<usize>() > 10);
        let refs: Vec<&RenderedModule> = modules.iter().collect();
        let gated = api.unreferenced_types();
        let out = format_files(&api, &refs, &gated).unwrap();
        for (m, text) in modules.iter().zip(&out) {
            let doc = inner_doc(&m.doc);
            let body = m.tokens(&api);
            let mut file: syn::File = syn::parse2(quote!(#doc #body)).unwrap();
            if m.name.as_deref() == Some("types") {
                gate_types(&mut file, &gated);
            }
            assert_eq!(text, &prettyplease::unparse(&file), "{:?}", m.name);
        }
    }
}
