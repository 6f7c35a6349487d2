//! Generation options, each declared once. The declaration drives the [`Config`] builder
//! methods, the CLI flags (`OptionArgs`, with the `cli` feature) and the `oagen.toml` keys ([`OptionsToml`]), so the
//! three cannot drift apart.
//!
//! [`Config`]: crate::Config

use std::path::{Path, PathBuf};

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
        #[cfg(feature = "cli")]
        #[derive(Clone, Debug, Default, clap::Args)]
        pub struct OptionArgs {
            $( $(#[doc = $doc])+ #[arg(long = $flag $(, $($clap)*)?)] pub $field: Option<$ty>, )*
        }

        /// The same options as optional `oagen.toml` keys (`[options]`).
        #[derive(Clone, Debug, Default, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct OptionsToml {
            $( $(#[doc = $doc])+ #[serde(rename = $key, default)] pub $field: Option<$ty>, )*
        }

        /// A `[[client]]` of `oagen.toml`: its spec and crate directory, and any option key.
        #[derive(Clone, Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct ClientToml {
            /// The spec, relative to the config file.
            pub spec: PathBuf,
            /// The crate directory, relative to the config file.
            pub out: PathBuf,
            $( $(#[doc = $doc])+ #[serde(rename = $key, default)] pub $field: Option<$ty>, )*
        }

        impl ClientToml {
            /// The client's own options.
            pub fn options(&self) -> OptionsToml {
                OptionsToml { $( $field: self.$field.clone(), )* }
            }
        }

        impl Options {
            /// Overrides the options set in `oagen.toml`.
            pub(crate) fn merge_toml(&mut self, t: &OptionsToml) {
                $( if let Some(v) = &t.$field { self.$field = v.clone(); } )*
            }
            /// Overrides the options given as flags.
            #[cfg(feature = "cli")]
            pub fn merge_args(&mut self, a: &OptionArgs) {
                $( if let Some(v) = &a.$field { self.$field = v.clone(); } )*
            }
            /// The field, flag and key of every option, for documentation and tests.
            pub fn names() -> &'static [(&'static str, &'static str, &'static str)] {
                &[ $( (stringify!($field), $flag, $key), )* ]
            }
        }

        impl crate::Config {
            $(
                $(#[doc = $doc])+
                ///
                /// Accepts the option's type or a shorthand for it (see [`IntoOptionValue`]).
                pub fn $field(mut self, value: impl IntoOptionValue<$ty>) -> Self {
                    self.options.$field = value.into_option_value();
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
    /// How the generated crate gets `oagen-runtime`: `vendored` (the default) writes a copy of
    /// the runtime this oagen was built with into the crate's `oagen-runtime/` directory and
    /// depends on it by path, so the crate builds with nothing but the registries; `registry`
    /// depends on it by version requirement (`runtime-version`). `runtime-path`, and
    /// `runtime-version`, when given, take precedence.
    runtime: Runtime = Runtime::Vendored, flag = "runtime", key = "runtime",
        clap = [value_name = "MODE"];
    /// Depend on `oagen-runtime` by path (no copy is written); relative to the current
    /// directory (CLI) or to `oagen.toml`.
    runtime_path: Option<PathBuf> = None, flag = "runtime-path", key = "runtime-path";
    /// Depend on `oagen-runtime` from a registry, by this version requirement (implies
    /// `runtime = "registry"`; without it, `registry` asks for this oagen's own version).
    runtime_version: Option<String> = None, flag = "runtime-version", key = "runtime-version";
    /// Treat warnings (constructs rendered through a fallback) as errors.
    strict: bool = false, flag = "strict", key = "strict",
        clap = [num_args = 0..=1, default_missing_value = "true", value_name = "BOOL"];
    /// Extra derives for the types of the `types` module, each `PATH` (every struct and enum)
    /// or `TYPE=PATH` (one type, by its Rust name), e.g. `Pet=::std::hash::Hash`. A derive the
    /// type already has is skipped; every field of the type must support the derive.
    derives: Vec<String> = Vec::new(), flag = "derive", key = "derives",
        clap = [value_name = "[TYPE=]PATH"];
    /// Use your own types instead of generated ones, each `TYPE=PATH`: `types::TYPE` becomes
    /// `pub type TYPE = PATH;` and everywhere the generated code uses it, it gets yours. The
    /// replacement must serialize like the schema and implement `Debug`, `Clone`, `PartialEq`,
    /// `Serialize` and `Deserialize`. `PATH` is resolved inside the `types` module, so use an
    /// absolute path (`::my_crate::Money`, `crate::Money`).
    type_overrides: Vec<String> = Vec::new(), flag = "type-override", key = "type-overrides",
        clap = [value_name = "TYPE=PATH"];
    /// Crate layout: put each tag module behind a Cargo feature named after it (`full`, the
    /// default feature, enables them all) and compile each type only with a feature whose
    /// operations use it, so that a build pays only for the tags it enables. The module layout
    /// (build scripts) is never gated: the including crate owns its features.
    tag_features: bool = true, flag = "tag-features", key = "tag-features",
        clap = [num_args = 0..=1, default_missing_value = "true", value_name = "BOOL"];
}

/// How a generated crate depends on `oagen-runtime` (option `runtime`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Runtime {
    /// A copy of the runtime in the crate's `oagen-runtime/` directory, by path.
    #[default]
    Vendored,
    /// A version requirement, resolved from a registry (crates.io).
    Registry,
}

/// What the runtime options resolve to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RuntimeSource {
    /// `runtime-path`.
    Path(PathBuf),
    /// A version requirement.
    Version(String),
    /// A copy in the crate.
    Vendored,
}

impl Options {
    /// `runtime-path` first, then `runtime-version` (or `runtime = "registry"`), then the
    /// vendored copy.
    pub(crate) fn runtime_source(&self) -> RuntimeSource {
        match (&self.runtime_path, &self.runtime_version, self.runtime) {
            (Some(p), _, _) => RuntimeSource::Path(p.clone()),
            (None, Some(v), _) => RuntimeSource::Version(v.clone()),
            (None, None, Runtime::Registry) => {
                RuntimeSource::Version(env!("CARGO_PKG_VERSION").to_string())
            }
            (None, None, Runtime::Vendored) => RuntimeSource::Vendored,
        }
    }
}

/// A value that a [`Config`](crate::Config) builder method accepts for an option of type `T`:
/// `T` itself, or a shorthand such as `"petstore"` for `Option<String>`, a path for
/// `Option<PathBuf>`, or `["Hash"]` for `Vec<String>`.
pub trait IntoOptionValue<T> {
    /// The option value.
    fn into_option_value(self) -> T;
}

impl<T> IntoOptionValue<T> for T {
    fn into_option_value(self) -> T {
        self
    }
}

impl IntoOptionValue<String> for &str {
    fn into_option_value(self) -> String {
        self.to_string()
    }
}

impl IntoOptionValue<Option<String>> for &str {
    fn into_option_value(self) -> Option<String> {
        Some(self.to_string())
    }
}

impl IntoOptionValue<Option<String>> for String {
    fn into_option_value(self) -> Option<String> {
        Some(self)
    }
}

impl IntoOptionValue<Option<String>> for &String {
    fn into_option_value(self) -> Option<String> {
        Some(self.clone())
    }
}

impl IntoOptionValue<Option<PathBuf>> for &str {
    fn into_option_value(self) -> Option<PathBuf> {
        Some(PathBuf::from(self))
    }
}

impl IntoOptionValue<Option<PathBuf>> for &Path {
    fn into_option_value(self) -> Option<PathBuf> {
        Some(self.to_path_buf())
    }
}

impl IntoOptionValue<Option<PathBuf>> for PathBuf {
    fn into_option_value(self) -> Option<PathBuf> {
        Some(self)
    }
}

impl<const N: usize> IntoOptionValue<Vec<String>> for [&str; N] {
    fn into_option_value(self) -> Vec<String> {
        self.iter().map(|s| s.to_string()).collect()
    }
}

impl IntoOptionValue<Vec<String>> for &[&str] {
    fn into_option_value(self) -> Vec<String> {
        self.iter().map(|s| s.to_string()).collect()
    }
}

impl IntoOptionValue<Vec<String>> for Vec<&str> {
    fn into_option_value(self) -> Vec<String> {
        self.into_iter().map(str::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    #[test]
    fn builder_methods_take_shorthands() {
        let c = Config::new()
            .crate_name("petstore")
            .runtime_path("../runtime")
            .runtime_version("0.2")
            .strict(true)
            .derives(["Hash"])
            .type_overrides(vec!["Order=crate::Order"]);
        assert_eq!(c.options.crate_name.as_deref(), Some("petstore"));
        assert_eq!(c.options.runtime_path, Some(PathBuf::from("../runtime")));
        assert_eq!(c.options.runtime_version.as_deref(), Some("0.2"));
        assert!(c.options.strict);
        assert_eq!(c.options.derives, ["Hash"]);
        assert_eq!(c.options.type_overrides, ["Order=crate::Order"]);
        // The option's own type still works.
        let c = Config::new()
            .crate_name(Some("a".to_string()))
            .crate_name(None)
            .runtime_path(Path::new("x"));
        assert_eq!(c.options.crate_name, None);
        assert_eq!(c.options.runtime_path, Some(PathBuf::from("x")));
    }

    #[test]
    fn the_runtime_is_vendored_unless_a_path_or_a_registry_version_is_asked_for() {
        let o = Options::default();
        assert_eq!(o.runtime_source(), RuntimeSource::Vendored);
        let o = Options {
            runtime: Runtime::Registry,
            ..Options::default()
        };
        assert_eq!(
            o.runtime_source(),
            RuntimeSource::Version(env!("CARGO_PKG_VERSION").into())
        );
        let o = Options {
            runtime_version: Some("0.2".into()),
            ..Options::default()
        };
        assert_eq!(o.runtime_source(), RuntimeSource::Version("0.2".into()));
        let o = Options {
            runtime_path: Some("../rt".into()),
            runtime_version: Some("0.2".into()),
            ..Options::default()
        };
        assert_eq!(o.runtime_source(), RuntimeSource::Path("../rt".into()));
    }

    #[cfg(feature = "cli")]
    #[test]
    fn every_option_is_a_flag_and_a_key() {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            options: OptionArgs,
        }
        let cli = <Cli as clap::Parser>::try_parse_from([
            "oagen",
            "--derive",
            "Hash",
            "--derive",
            "Order=::std::cmp::Eq",
            "--type-override",
            "Order=crate::Order",
            "--crate-name",
            "shop",
            "--runtime",
            "registry",
            "--tag-features",
            "false",
        ])
        .unwrap();
        let mut from_cli = Options::default();
        from_cli.merge_args(&cli.options);
        let jobs = crate::config::parse(
            "[[client]]\nspec = \"shop.yaml\"\nout = \"shop\"\ncrate-name = \"shop\"\nruntime = \"registry\"\ntag-features = false\nderives = [\"Hash\", \"Order=::std::cmp::Eq\"]\ntype-overrides = [\"Order=crate::Order\"]\n",
            Path::new("oagen.toml"),
        )
        .unwrap();
        assert_eq!(jobs[0].options, from_cli);
        assert_eq!(from_cli.derives, ["Hash", "Order=::std::cmp::Eq"]);
        assert_eq!(from_cli.runtime, Runtime::Registry);
        assert!(!from_cli.tag_features && Options::default().tag_features);
        let names: Vec<&str> = Options::names().iter().map(|(f, _, _)| *f).collect();
        assert!(
            names.contains(&"derives") && names.contains(&"type_overrides"),
            "{names:?}"
        );
    }
}
