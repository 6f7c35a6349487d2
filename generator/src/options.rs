//! Generation options, each declared once. The declaration drives the [`Config`] builder
//! methods, the CLI flags ([`OptionArgs`]) and the `oagen.toml` keys ([`OptionsToml`]), so the
//! three cannot drift apart.

use std::path::PathBuf;

macro_rules! declare_options {
    ($(
        $(#[doc = $doc:literal])+
        $field:ident : $ty:ty = $default:expr, flag = $flag:literal, key = $key:literal
        $(, clap = [$($clap:tt)*])?;
    )*) => {
        /// Every generation option, with its value.
        #[derive(Clone, Debug, PartialEq)]
        pub struct Options {
            $( $(#[doc = $doc])+ pub $field: $ty, )*
        }

        impl Default for Options {
            fn default() -> Self {
                Options { $( $field: $default, )* }
            }
        }

        /// The same options as optional CLI flags (unset flags leave the value alone).
        #[derive(Clone, Debug, Default, clap::Args)]
        pub struct OptionArgs {
            $( $(#[doc = $doc])+ #[arg(long = $flag $(, $($clap)*)?)] pub $field: Option<$ty>, )*
        }

        /// The same options as optional `oagen.toml` keys.
        #[derive(Clone, Debug, Default, serde::Deserialize)]
        pub struct OptionsToml {
            $( $(#[doc = $doc])+ #[serde(rename = $key, default)] pub $field: Option<$ty>, )*
        }

        impl Options {
            /// Overrides the options set in `oagen.toml`.
            pub fn merge_toml(&mut self, t: &OptionsToml) {
                $( if let Some(v) = &t.$field { self.$field = v.clone(); } )*
            }
            /// Overrides the options given as flags.
            pub fn merge_args(&mut self, a: &OptionArgs) {
                $( if let Some(v) = &a.$field { self.$field = v.clone(); } )*
            }
            /// The flag and key of every option, for documentation and tests.
            pub fn names() -> &'static [(&'static str, &'static str, &'static str)] {
                &[ $( (stringify!($field), $flag, $key), )* ]
            }
        }

        impl crate::Config {
            $(
                $(#[doc = $doc])+
                pub fn $field(mut self, value: impl Into<$ty>) -> Self {
                    self.options.$field = value.into();
                    self
                }
            )*
        }
    };
}

declare_options! {
    /// The Cargo package name of the generated crate (default: the spec file's stem). In
    /// module layout it also names the output file (`<name>.rs`, snake case).
    crate_name: Option<String> = None, flag = "crate-name", key = "crate-name";
    /// The version written into the generated `Cargo.toml`.
    crate_version: String = "0.1.0".to_string(), flag = "crate-version", key = "crate-version";
    /// Depend on `oagen-runtime` by path instead of by version; relative to the current
    /// directory (CLI) or to `oagen.toml`.
    runtime_path: Option<PathBuf> = None, flag = "runtime-path", key = "runtime-path";
    /// The `oagen-runtime` version requirement, when no path is given.
    runtime_version: String = env!("CARGO_PKG_VERSION").to_string(), flag = "runtime-version", key = "runtime-version";
    /// Treat warnings (constructs rendered through a fallback) as errors.
    strict: bool = false, flag = "strict", key = "strict",
        clap = [num_args = 0..=1, default_missing_value = "true", value_name = "BOOL"];
}
