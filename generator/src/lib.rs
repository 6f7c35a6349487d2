//! # oagen
//!
//! Turns an OpenAPI 3.0/3.1/3.2 spec into a typed, documented Rust client.
//!
//! - From a build script: [`Config`] / [`compile`] write a module per spec into `OUT_DIR`.
//! - As a library: [`generate`] / [`generate_str`] return the files of a client crate (or
//!   module), [`write()`] writes them and [`stale`] compares them with what is on disk
//!   (`oagen check`); [`lint`] reports a spec's problems; [`diff`] classifies the changes
//!   between two versions of a spec.
//! - [`ir`] is the intermediate representation the client is rendered from; [`diag`] holds
//!   the diagnostics every entry point reports, each naming the file, JSON pointer and line.
//!
//! The pipeline (`docs/ARCHITECTURE.md` in the repository) is load → ir → render → emit,
//! each stage a private module importing only the ones below it. The `oagen` command line is
//! behind the `cli` feature, so a build script compiles neither clap nor mimalloc.

pub mod config;
pub mod diag;
pub mod diff;
mod emit;
mod error;
mod ident;
pub mod ir;
mod load;
mod options;
mod render;
mod stats;
mod timings;

use diag::Diagnostics;
use emit::{EmitOptions, RuntimeDep};
pub use emit::{GeneratedFile, Stale, VENDORED_RUNTIME_DIR};
pub use error::Error;
#[cfg(feature = "cli")]
pub use options::OptionArgs;
pub use options::{IntoOptionValue, Options, Runtime};
pub use render::Layout;
use std::path::{Path, PathBuf};

/// Rust names and types as the generated code writes them, for tools that write code against
/// a generated client (the contract tests).
pub mod rust {
    pub use crate::render::{ident, prim};
}

/// The result of a successful generation.
#[derive(Debug)]
pub struct Generated {
    /// Files, relative to the output directory (crate layout) or one file (module layout).
    pub files: Vec<GeneratedFile>,
    /// Warnings.
    pub diagnostics: Diagnostics,
    /// Every file read, for `cargo:rerun-if-changed`.
    pub inputs: Vec<PathBuf>,
    /// The IR, for tools built on top (diff, contract tests).
    pub api: ir::Api,
}

impl Generated {
    /// How much of the spec became typed, as one line of JSON (`oagen generate --stats`).
    pub fn stats_json(&self) -> String {
        stats::Stats::of(&self.api, &self.diagnostics).to_json()
    }
}

/// The crate name used when none is given: the spec file's stem, in kebab case.
pub fn default_crate_name(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    let name = heck::ToKebabCase::to_kebab_case(stem);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}")
    } else {
        name
    }
}

/// Loads and normalizes a spec into the IR.
///
/// # Errors
/// The diagnostics, when any error was found (or any warning, with `strict`).
pub fn build_ir(
    spec: &Path,
    settings: &Options,
) -> Result<(ir::Api, Diagnostics, Vec<PathBuf>), Diagnostics> {
    build_ir_from(spec, settings, |diags| load::load(spec, diags))
}

/// [`build_ir`] of a spec loaded by `load`.
fn build_ir_from(
    spec: &Path,
    settings: &Options,
    load: impl FnOnce(&mut Diagnostics) -> Option<load::LoadedSpec>,
) -> Result<(ir::Api, Diagnostics, Vec<PathBuf>), Diagnostics> {
    let mut diags = Diagnostics::new();
    let Some(loaded) = timings::time("load", || load(&mut diags)) else {
        return Err(diags);
    };
    let name = settings
        .crate_name
        .clone()
        .unwrap_or_else(|| default_crate_name(spec));
    let api = timings::time("ir", || ir::build(&loaded, &name, &mut diags));
    let loaded = timings::time("drop-loaded", || {
        let files = loaded.files.clone();
        drop_in_background(loaded);
        files
    });
    if settings.strict {
        diags.promote_warnings();
    }
    match api {
        Some(api) if !diags.has_errors() => Ok((api, diags, loaded)),
        _ => Err(diags),
    }
}

/// Reports the problems of a spec without generating anything (`oagen lint`): `Ok` with the
/// warnings when it can be generated, `Err` with every problem otherwise.
///
/// # Errors
/// The diagnostics, when the spec has errors (or warnings, with `strict`).
pub fn lint(spec: &Path, settings: &Options) -> Result<Diagnostics, Diagnostics> {
    build_ir(spec, settings).map(|(_, diags, _)| diags)
}

/// Writes generated files into `dir`, only those whose contents changed (so build systems see
/// no spurious updates). With `prune`, also removes the files under `dir` that carry oagen's
/// `@generated` marker but are no longer produced.
///
/// # Errors
/// [`Error::Io`] naming the file that could not be written or removed.
pub fn write(dir: &Path, files: &[GeneratedFile], prune: bool) -> Result<(), Error> {
    emit::write(dir, files, prune)
}

/// What differs between generated files and `dir` (`oagen check`): missing, changed, and
/// generated files no longer produced. Empty when the directory is up to date.
pub fn stale(dir: &Path, files: &[GeneratedFile]) -> Vec<Stale> {
    emit::check(dir, files)
}

/// Frees `value` on a thread of its own: freeing a large loaded spec (the whole document and
/// its model) takes tens of milliseconds that generation need not wait for. Dropping has no
/// effect on any result. Without a thread, the value is dropped here.
fn drop_in_background<T: Send + 'static>(value: T) {
    // On failure the closure, and the value with it, is dropped on this thread.
    let _ = std::thread::Builder::new()
        .name("oagen-drop".into())
        .spawn(move || drop(value));
}

/// Generates a client from a spec.
///
/// # Errors
/// The diagnostics, when the spec has errors (or warnings, with `strict`), or when an option
/// entry is malformed.
pub fn generate(spec: &Path, layout: Layout, settings: &Options) -> Result<Generated, Diagnostics> {
    let built = build_ir(spec, settings)?;
    generate_from(spec, built, layout, settings)
}

/// [`generate`] for a spec held in memory: `path` names it in messages and in the generated
/// headers, and relative `$ref`s resolve against it.
///
/// # Errors
/// As [`generate`].
pub fn generate_str(
    text: &str,
    path: &Path,
    layout: Layout,
    settings: &Options,
) -> Result<Generated, Diagnostics> {
    let built = build_ir_from(path, settings, |diags| load::load_str(text, path, diags))?;
    generate_from(path, built, layout, settings)
}

fn generate_from(
    spec: &Path,
    (mut api, mut diags, inputs): (ir::Api, Diagnostics, Vec<PathBuf>),
    layout: Layout,
    settings: &Options,
) -> Result<Generated, Diagnostics> {
    let custom = ir::Customization {
        derives: &settings.derives,
        type_overrides: &settings.type_overrides,
        gate_unreferenced: layout == Layout::Crate,
        tag_features: layout == Layout::Crate && settings.tag_features,
    };
    ir::customize(&mut api, &custom, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    let opts = EmitOptions {
        spec_display: spec.display().to_string().replace('\\', "/"),
        runtime: match settings.runtime_source() {
            options::RuntimeSource::Path(p) => RuntimeDep::Path(p.display().to_string()),
            options::RuntimeSource::Version(v) => RuntimeDep::Version(v),
            options::RuntimeSource::Vendored => RuntimeDep::Vendored,
        },
        crate_version: settings.crate_version.clone(),
    };
    let rendered = timings::time("render+format", || {
        render::render(&api, layout, emit::format_items)
    });
    match timings::time("emit", || emit::emit(&api, layout, rendered, &opts)) {
        Ok(files) => Ok(Generated {
            files,
            diagnostics: diags,
            inputs,
            api,
        }),
        Err(msg) => {
            diags.error("internal", msg, None);
            Err(diags)
        }
    }
}

/// The build-script API: generates a client module per spec into `OUT_DIR`, for
/// `include!` in your crate, with no CLI step and no generated code in version control.
///
/// Every option of the `oagen` CLI and of `oagen.toml` is a builder method here (they are
/// declared once, with [`Options`]); each method takes the option's type or a shorthand for it
/// ([`IntoOptionValue`]). For one spec and no options, [`compile`] is enough.
///
/// # Example
///
/// `Cargo.toml`: `oagen` is only a build dependency; the crate itself depends on what the
/// generated code uses.
///
/// ```toml
/// [dependencies]
/// oagen-runtime = "0.1"   # client, auth, retries, errors and pagination for the generated code
/// serde = { version = "1", features = ["derive"] }
/// serde_json = "1"
/// # Only when the spec has `format: date`/`date-time` or `format: uuid`:
/// chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }
/// uuid = { version = "1", features = ["serde"] }
///
/// [build-dependencies]
/// oagen = "0.1"
/// ```
///
/// `build.rs`:
///
/// ```no_run
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     // Writes $OUT_DIR/petstore.rs and prints `cargo:rerun-if-changed` for the spec and
///     // every file its `$ref`s reach, so an unchanged spec costs nothing on rebuilds.
///     oagen::Config::new()
///         .crate_name("petstore")
///         .derives(["Pet=::std::hash::Hash", "Pet=::std::cmp::Eq"])
///         .strict(true)
///         .compile(&["openapi/petstore.yaml"])?;
///     Ok(())
/// }
/// ```
///
/// A spec with errors fails the build with every problem, each naming the file, the JSON
/// pointer and the line (`cargo build` output, abridged):
///
/// ```text
/// error: failed to run custom build command for `petstore-app v0.1.0 (...)`
///   --- stderr
///   Error: error[dangling-ref]: reference `./schemas/pet.yaml#/components/schemas/NewPett` points at nothing: `openapi/schemas/pet.yaml` has no `#/components/schemas/NewPett`
///      --> openapi/petstore.yaml:56:15
///      |
///   56 |               $ref: "./schemas/pet.yaml#/components/schemas/NewPett"
///      |               ^^^^
///      |
///      = note: at #/paths/~1pets/post/requestBody/content/application~1json/schema/$ref
///      = help: did you mean `#/components/schemas/NewPet`?
/// ```
///
/// `src/lib.rs`: the output is a module body (no inner attributes), so it drops into any
/// module:
///
/// ```ignore
/// pub mod petstore {
///     include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
/// }
///
/// async fn first_pet(token: &str) -> Result<petstore::types::Pet, petstore::Error> {
///     let client = petstore::Client::new(token)?;
///     client.get_pet(1).send().await
/// }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Config {
    options: Options,
    out_dir: Option<PathBuf>,
    rerun_if_changed: Option<bool>,
}

impl Config {
    /// Default options; output to `OUT_DIR`.
    pub fn new() -> Self {
        Config::default()
    }

    /// All options at once (e.g. those of one `[[client]]` of `oagen.toml`, read with
    /// [`config::read`]).
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Writes into this directory instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` and `cargo:warning` lines (default: when
    /// writing to `OUT_DIR`, that is, when no [`Config::out_dir`] is set).
    pub fn emit_rerun_if_changed(mut self, on: bool) -> Self {
        self.rerun_if_changed = Some(on);
        self
    }

    /// Generates `<out>/<name>.rs` for each spec, where `<name>` is the crate name in snake
    /// case (see [`Config::crate_name`]; by default the spec file's stem), and returns the
    /// paths written. Include a file with
    /// `include!(concat!(env!("OUT_DIR"), "/<name>.rs"))` inside a module.
    ///
    /// Prints `cargo:rerun-if-changed` for every spec and every file its `$ref`s reach, so
    /// Cargo reruns the build script when one of them changes and at no other time. Warnings
    /// become `cargo:warning` lines. A file is only rewritten when its contents change.
    ///
    /// # Errors
    ///
    /// - [`Error::Spec`] with every problem found in a spec, each naming the file, the JSON
    ///   pointer and the line (also for warnings with [`Config::strict`], and for malformed
    ///   [`Config::derives`] or [`Config::type_overrides`] entries);
    /// - [`Error::Io`] when writing the output fails;
    /// - [`Error::NoOutDir`] when `OUT_DIR` is unset (outside a build script) and no
    ///   [`Config::out_dir`] is given;
    /// - [`Error::Internal`] if generation hits a bug in oagen. It does not panic.
    ///
    /// Specs are processed in order; the first failing one ends the call.
    pub fn compile(&self, specs: &[impl AsRef<Path>]) -> Result<Vec<PathBuf>, Error> {
        let (out, from_env) = match &self.out_dir {
            Some(d) => (d.clone(), false),
            None => match std::env::var_os("OUT_DIR") {
                Some(d) => (PathBuf::from(d), true),
                None => return Err(Error::NoOutDir),
            },
        };
        let rerun = self.rerun_if_changed.unwrap_or(from_env);
        let mut written = Vec::new();
        for spec in specs {
            let spec = spec.as_ref();
            if rerun {
                // Printed first: when loading fails, the files the spec refers to are not
                // known, but Cargo reruns a failed build script anyway.
                println!("cargo:rerun-if-changed={}", spec.display());
            }
            let generated =
                match std::panic::catch_unwind(|| generate(spec, Layout::Module, &self.options)) {
                    Ok(Ok(g)) => g,
                    Ok(Err(d)) => return Err(Error::Spec(d)),
                    Err(panic) => {
                        let what = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        return Err(Error::Internal(format!(
                            "{}: internal error in oagen (please report it with the spec): {what}",
                            spec.display()
                        )));
                    }
                };
            if rerun {
                for input in generated.inputs.iter().filter(|p| p.as_path() != spec) {
                    println!("cargo:rerun-if-changed={}", input.display());
                }
                for d in generated.diagnostics.iter() {
                    println!("cargo:warning={}", d.to_string().replace(['\r', '\n'], " "));
                }
            }
            emit::write(&out, &generated.files, false)?;
            written.extend(generated.files.iter().map(|f| out.join(&f.path)));
        }
        Ok(written)
    }
}

/// The one-liner for build scripts: generates a client module for one spec into
/// `$OUT_DIR/<stem>.rs`, named after the spec file (`openapi/petstore.yaml` →
/// `petstore.rs`), with default options. Returns the path written.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     oagen::compile("openapi/petstore.yaml")?;
///     Ok(())
/// }
/// ```
///
/// See [`Config`] for options, the dependencies to add and how to include the output.
///
/// # Errors
///
/// As [`Config::compile`].
pub fn compile(spec: impl AsRef<Path>) -> Result<PathBuf, Error> {
    let written = Config::new().compile(&[spec.as_ref()])?;
    written.into_iter().next().ok_or(Error::NoOutDir)
}
