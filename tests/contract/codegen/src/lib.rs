//! Contract tests generated from the IR: one call of every operation, with arguments built
//! from the spec's examples and schemas as the IR carries them (types and
//! [`oagen::ir::Facets`]; the raw document is not read), written as Rust source for a test harness that runs
//! it against a mock server which validates requests (Prism). Used by the build script of
//! `oagen-contract` (tests/contract); it reads `oagen`'s public API only.
//!
//! [`plan`] decides the arguments of every call as JSON values (plain data, testable): values
//! from the spec's examples or sampled from its schemas (module `sample`), fitted to the
//! generated Rust types (module `fit`); [`render_tests`] turns the plan into a Rust module; [`render_spec`] does both for a spec
//! file. The module calls the client crate at [`ContractOptions::client_path`] and a harness
//! at [`ContractOptions::harness_path`], which must provide:
//!
//! - `OperationInfo { id, method, path, paginated, streaming }` (all `&'static str` / `bool`),
//! - `Failure` (the error of a call), `Checked` (what a passing call reports),
//! - `arg::<T>(json: &str) -> Result<T, Failure>`,
//! - `check_response(Result<Response<T>, Error<E>>) -> Result<T, Failure>`,
//! - `async check_streaming(Result<StreamingResponse, Error<E>>) -> Result<Checked, Failure>`,
//! - `count_items(&T, items_path) -> Result<usize, Failure>`, `items_cap(first, follows_links)`,
//! - `async check_items(first, Stream<Item = Result<T, Error<E>>>) -> Result<Checked, Failure>`,
//! - `Checked::one()`,
//! - `Run` with `async fn record(&mut self, &OperationInfo, Result<Checked, Failure>)` and
//!   `fn fail_all(&mut self, &[OperationInfo], Failure)`.
//!
//! How values are chosen, most specific first: the parameter's or media type's `example` /
//! `examples`, then the schema's `example`, `examples`, `default`, `enum`, `const`, then a
//! value synthesized from the schema's type, format and bounds. `readOnly` properties are left
//! out of requests; optional properties with a value are kept, so that serialization of every
//! field is exercised. The value is then fitted to the generated Rust type (required fields
//! the schema could not fill, `binary` strings as byte arrays), so that it always decodes.

mod fit;
mod plan;
mod render;
mod sample;

pub use plan::{plan, Call};
pub use render::render_tests;

use oagen::diag::Diagnostics;
use std::path::{Path, PathBuf};

/// Where the generated test module finds the client and the harness.
#[derive(Clone, Debug)]
pub struct ContractOptions {
    /// The path of the client crate or module, e.g. `::weflow`; `None`: `::<crate name>`.
    pub client_path: Option<String>,
    /// The path of the harness, e.g. `::oagen_contract`.
    pub harness_path: String,
    /// The API key (or Basic password) the client sends.
    pub api_key: String,
}

impl Default for ContractOptions {
    fn default() -> Self {
        ContractOptions {
            client_path: None,
            harness_path: "::oagen_contract".into(),
            api_key: "oagen-contract-test-key".into(),
        }
    }
}

/// Loads a spec, builds its IR and renders its contract tests (see [`render_tests`]).
/// Also returns every file read, for `cargo:rerun-if-changed`.
///
/// # Errors
/// The spec's diagnostics, or a message when rendering fails.
pub fn render_spec(
    spec: &Path,
    options: &oagen::Options,
    opts: &ContractOptions,
) -> Result<(String, Vec<PathBuf>), Diagnostics> {
    let (api, mut diags, files) = oagen::build_ir(spec, options)?;
    match render_tests(&api, opts) {
        Ok(code) => Ok((code, files)),
        Err(msg) => {
            diags.error("internal", msg, None);
            Err(diags)
        }
    }
}
