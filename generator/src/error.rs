//! The library's error type.

use crate::diag::Diagnostics;
use std::path::PathBuf;

/// An error of oagen's entry points ([`crate::Config::compile`], [`crate::compile`],
/// [`crate::write`], [`crate::config::read`], [`crate::diff::run`]).
///
/// Its `Debug` output is the same readable text as its `Display` output, so that a build
/// script's `fn main() -> Result<(), Box<dyn std::error::Error>>` shows the diagnostics as
/// they are meant to be read.
#[derive(thiserror::Error)]
pub enum Error {
    /// The spec has problems; the diagnostics name file, pointer and line.
    #[error("{}", .0.render(false))]
    Spec(Diagnostics),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The config file (`oagen.toml`) is malformed.
    #[error("{}: {message}", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Bad input that is not a spec problem: a missing file, an unknown git revision, bad
    /// arguments.
    #[error("{0}")]
    Input(String),
    /// `OUT_DIR` is not set and no output directory was given.
    #[error("OUT_DIR is not set: call from a build script, or set `Config::out_dir`")]
    NoOutDir,
    /// A bug in oagen: generation panicked. The message names the spec.
    #[error("{0}")]
    Internal(String),
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}
