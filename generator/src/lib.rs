//! # oagen
//!
//! Turns an OpenAPI 3.0/3.1 spec into a typed, documented Rust client.
//!
//! The pipeline has four stages, each a module of its own:
//! [`load`] (YAML/JSON, `$ref`s across files, 3.1 normalization) →
//! [`ir`] (plain data; every naming and ordering decision) →
//! [`render`] (IR to tokens) → [`emit`] (prettyplease, `@generated` header, files).
//! Problems of every stage are collected as [`diag::Diagnostics`] and reported together.

pub mod diag;
pub mod cli;
pub mod config;
pub mod contract;
pub mod diff;
pub mod emit;
pub mod ident;
pub mod ir;
pub mod load;
pub mod options;
pub mod render;
pub mod stats;

use diag::Diagnostics;
use emit::{EmitOptions, GeneratedFile, RuntimeDep};
pub use options::Options;
use std::path::{Path, PathBuf};

/// What to produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A crate directory: `Cargo.toml`, `src/lib.rs`, one file per module.
    Crate,
    /// One module file, for `include!` (e.g. from `OUT_DIR`).
    Module,
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
pub fn build_ir(spec: &Path, settings: &Options) -> Result<(ir::Api, Diagnostics, Vec<PathBuf>), Diagnostics> {
    let mut diags = Diagnostics::new();
    let Some(loaded) = load::load(spec, &mut diags) else {
        return Err(diags);
    };
    let name = settings.crate_name.clone().unwrap_or_else(|| default_crate_name(spec));
    let api = ir::build(&loaded, &name, &mut diags);
    if settings.strict {
        diags.promote_warnings();
    }
    match api {
        Some(api) if !diags.has_errors() => Ok((api, diags, loaded.files.clone())),
        _ => Err(diags),
    }
}

/// Generates a client from a spec.
///
/// # Errors
/// The diagnostics, when the spec has errors (or warnings, with `strict`).
pub fn generate(spec: &Path, layout: Layout, settings: &Options) -> Result<Generated, Diagnostics> {
    let (api, mut diags, inputs) = build_ir(spec, settings)?;
    let modules = render::render(&api);
    let opts = EmitOptions {
        spec_display: spec.display().to_string().replace('\\', "/"),
        runtime: match &settings.runtime_path {
            Some(p) => RuntimeDep::Path(p.display().to_string()),
            None => RuntimeDep::Version(settings.runtime_version.clone()),
        },
        crate_version: settings.crate_version.clone(),
    };
    let files = match layout {
        Layout::Crate => emit::emit_crate(&api, &modules, &opts),
        Layout::Module => emit::emit_module(&modules, &opts).map(|contents| {
            vec![GeneratedFile {
                path: PathBuf::from(format!("{}.rs", heck::ToSnakeCase::to_snake_case(api.crate_name.as_str()))),
                contents,
            }]
        }),
    };
    match files {
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

/// An error of [`compile`] or [`Config::compile`].
#[derive(Debug)]
pub enum Error {
    /// The spec has problems; the diagnostics name file, pointer and line.
    Spec(Diagnostics),
    /// Reading or writing a file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `OUT_DIR` is not set and no output directory was given.
    NoOutDir,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Spec(d) => write!(f, "{}", d.render(false)),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::NoOutDir => f.write_str("OUT_DIR is not set: call from a build script, or set `Config::out_dir`"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The build-script API: generates one module file per spec into `OUT_DIR`.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     oagen::Config::new()
///         .crate_name(Some("petstore".to_string()))
///         .compile(&["openapi/petstore.yaml"])?;
///     Ok(())
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

    /// All options at once.
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Writes into this directory instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (default: when `OUT_DIR` is used).
    pub fn emit_rerun_if_changed(mut self, on: bool) -> Self {
        self.rerun_if_changed = Some(on);
        self
    }

    /// Generates `<out>/<crate_name>.rs` for each spec, to be included with
    /// `include!(concat!(env!("OUT_DIR"), "/<name>.rs"))` inside a module. Prints
    /// `cargo:rerun-if-changed` for every spec and every file its `$ref`s reach. Warnings are
    /// printed as `cargo:warning` lines.
    ///
    /// # Errors
    /// [`Error::Spec`] with every problem found in a spec (naming file, JSON pointer and
    /// line), [`Error::Io`] when writing fails, [`Error::NoOutDir`] outside a build script
    /// without [`Config::out_dir`]. Never panics.
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
                println!("cargo:rerun-if-changed={}", spec.display());
            }
            let generated = match generate(spec, Layout::Module, &self.options) {
                Ok(g) => g,
                Err(d) => {
                    if rerun {
                        // The spec's referenced files are unknown when loading failed; the
                        // spec itself is watched above.
                    }
                    return Err(Error::Spec(d));
                }
            };
            if rerun {
                for input in generated.inputs.iter().skip(1) {
                    println!("cargo:rerun-if-changed={}", input.display());
                }
                for d in generated.diagnostics.iter() {
                    println!("cargo:warning={d}");
                }
            }
            emit::write(&out, &generated.files, false).map_err(|source| Error::Io { path: out.clone(), source })?;
            written.extend(generated.files.iter().map(|f| out.join(&f.path)));
        }
        Ok(written)
    }
}

/// Generates a client module for one spec into `OUT_DIR`, named after the spec file.
///
/// # Errors
/// As [`Config::compile`].
pub fn compile(spec: impl AsRef<Path>) -> Result<PathBuf, Error> {
    let written = Config::new().compile(&[spec.as_ref()])?;
    written.into_iter().next().ok_or(Error::NoOutDir)
}
