//! Generation options, each declared once. The declaration drives the [`Config`] builder
//! methods, the CLI flags ([`OptionArgs`]) and the `oagen.toml` keys ([`OptionsToml`]), so the
//! three cannot drift apart.
//!
//! [`Config`]: crate::Config

use crate::diag::Diagnostics;
use crate::ir::Api;
use crate::render::{Part, RenderedModule};
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
    /// Depend on `oagen-runtime` by path instead of by version; relative to the current
    /// directory (CLI) or to `oagen.toml`.
    runtime_path: Option<PathBuf> = None, flag = "runtime-path", key = "runtime-path";
    /// The `oagen-runtime` version requirement, when no path is given.
    runtime_version: String = env!("CARGO_PKG_VERSION").to_string(), flag = "runtime-version", key = "runtime-version";
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

/// The `oagen.toml` key of an option, for messages.
fn key_of(field: &str) -> &'static str {
    Options::names()
        .iter()
        .find(|(f, _, _)| *f == field)
        .map_or("?", |(_, _, k)| *k)
}

impl Options {
    /// Applies the options that act on rendered code (`derives`, `type_overrides`) to the
    /// `types` module. Malformed entries, and entries naming a type that does not exist, are
    /// errors in `diags`.
    pub fn customize(&self, api: &Api, modules: &mut [RenderedModule], diags: &mut Diagnostics) {
        if self.derives.is_empty() && self.type_overrides.is_empty() {
            return;
        }
        let Some(module) = modules
            .iter_mut()
            .find(|m| m.name.as_deref() == Some("types"))
        else {
            return;
        };
        let mut file: syn::File = match syn::parse2(module.tokens(api)) {
            Ok(f) => f,
            Err(e) => {
                diags.error(
                    "internal",
                    format!("internal error: the `types` module does not parse: {e}"),
                    None,
                );
                return;
            }
        };
        let names: Vec<String> = file.items.iter().filter_map(type_name).collect();
        let overrides = self.parse_overrides(&names, diags);
        let derives = self.parse_derives(&names, &overrides, diags);
        if diags.has_errors() {
            return;
        }
        let mut items = Vec::with_capacity(file.items.len());
        for mut item in std::mem::take(&mut file.items) {
            let subject = match &item {
                syn::Item::Impl(i) => impl_self_name(i),
                syn::Item::Macro(m) => crate::emit::macro_subject(m),
                _ => None,
            };
            if subject.is_some_and(|n| overrides.iter().any(|o| o.name == n)) {
                continue;
            }
            if let Some(name) = type_name(&item) {
                if let Some(o) = overrides.iter().find(|o| o.name == name) {
                    item = override_item(&item, o);
                } else {
                    let wanted: Vec<&syn::Path> = derives
                        .iter()
                        .filter(|(only, _)| {
                            only.is_none() || only.as_deref() == Some(name.as_str())
                        })
                        .map(|(_, p)| p)
                        .collect();
                    add_derives(&mut item, &wanted);
                }
            }
            items.push(item);
        }
        file.items = items;
        module.parts = vec![Part::Tokens(quote::ToTokens::into_token_stream(file))];
    }

    fn parse_overrides(&self, names: &[String], diags: &mut Diagnostics) -> Vec<Override> {
        let key = key_of("type_overrides");
        let mut out: Vec<Override> = Vec::new();
        for entry in &self.type_overrides {
            let Some((name, path)) = entry.split_once('=') else {
                diags.error(
                    "bad-option",
                    format!("`{key}` entry `{entry}` is not `TYPE=PATH`"),
                    None,
                );
                continue;
            };
            let name = name.trim();
            if !names.iter().any(|n| n == name) {
                diags.push(unknown_type(key, entry, name, names));
                continue;
            }
            if out.iter().any(|o| o.name == name) {
                diags.error(
                    "bad-option",
                    format!("`{key}` overrides `{name}` twice"),
                    None,
                );
                continue;
            }
            match syn::parse_str::<syn::Type>(path.trim()) {
                Ok(target) => out.push(Override {
                    name: name.to_string(),
                    target,
                    text: path.trim().to_string(),
                }),
                Err(e) => diags.error(
                    "bad-option",
                    format!(
                        "`{key}` entry `{entry}`: `{}` is not a Rust type: {e}",
                        path.trim()
                    ),
                    None,
                ),
            }
        }
        out
    }

    fn parse_derives(
        &self,
        names: &[String],
        overrides: &[Override],
        diags: &mut Diagnostics,
    ) -> Vec<(Option<String>, syn::Path)> {
        let key = key_of("derives");
        let mut out = Vec::new();
        for entry in &self.derives {
            let (only, path) = match entry.split_once('=') {
                Some((name, path)) => (Some(name.trim().to_string()), path.trim()),
                None => (None, entry.trim()),
            };
            if let Some(name) = &only {
                if !names.contains(name) {
                    diags.push(unknown_type(key, entry, name, names));
                    continue;
                }
                if overrides.iter().any(|o| o.name == *name) {
                    diags.error(
                        "bad-option",
                        format!("`{key}` entry `{entry}`: `{name}` is replaced by a type override"),
                        None,
                    );
                    continue;
                }
            }
            match syn::parse_str::<syn::Path>(path) {
                Ok(p) => out.push((only, p)),
                Err(e) => diags.error(
                    "bad-option",
                    format!("`{key}` entry `{entry}`: `{path}` is not a path: {e}"),
                    None,
                ),
            }
        }
        out
    }
}

/// One parsed `type_overrides` entry.
struct Override {
    name: String,
    target: syn::Type,
    text: String,
}

fn unknown_type(key: &str, entry: &str, name: &str, names: &[String]) -> crate::diag::Diagnostic {
    let mut d = crate::diag::Diagnostic::error(
        "bad-option",
        format!("`{key}` entry `{entry}`: the `types` module has no type `{name}`"),
    );
    let close: Vec<&str> = names
        .iter()
        .filter(|n| n.eq_ignore_ascii_case(name))
        .map(String::as_str)
        .collect();
    if !close.is_empty() {
        d = d.with_help(format!("did you mean `{}`?", close.join("`, `")));
    }
    d
}

/// The name of a struct, enum or type alias.
fn type_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

/// `X` of `impl X` / `impl Trait for X`.
fn impl_self_name(i: &syn::ItemImpl) -> Option<String> {
    match &*i.self_ty {
        syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            Some(p.path.segments[0].ident.to_string())
        }
        _ => None,
    }
}

/// `pub type NAME = TARGET;`, keeping the generated type's documentation.
fn override_item(item: &syn::Item, o: &Override) -> syn::Item {
    let (attrs, ident) = match item {
        syn::Item::Struct(s) => (&s.attrs, &s.ident),
        syn::Item::Enum(e) => (&e.attrs, &e.ident),
        syn::Item::Type(t) => (&t.attrs, &t.ident),
        _ => return item.clone(),
    };
    let docs = attrs.iter().filter(|a| a.path().is_ident("doc"));
    let target = &o.target;
    let note = format!(
        " Replaced by `{}` (option `{}`).",
        o.text,
        key_of("type_overrides")
    );
    syn::parse_quote! {
        #(#docs)*
        ///
        #[doc = #note]
        pub type #ident = #target;
    }
}

/// Adds the derives not yet present (compared by last path segment) to a struct or enum.
fn add_derives(item: &mut syn::Item, wanted: &[&syn::Path]) {
    if wanted.is_empty() {
        return;
    }
    let attrs = match item {
        syn::Item::Struct(s) => &mut s.attrs,
        syn::Item::Enum(e) => &mut e.attrs,
        _ => return,
    };
    let last = |p: &syn::Path| p.segments.last().map(|s| s.ident.to_string());
    let parser = syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated;
    let at = attrs.iter().rposition(|a| a.path().is_ident("derive"));
    let mut list: Vec<syn::Path> = match at.map(|i| attrs[i].parse_args_with(parser)) {
        Some(Ok(ps)) => ps.into_iter().collect(),
        _ => Vec::new(),
    };
    let present: Vec<Option<String>> = attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| a.parse_args_with(parser).ok())
        .flat_map(|ps| ps.into_iter().map(|p| last(&p)))
        .collect();
    let before = list.len();
    for p in wanted {
        if !present.contains(&last(p)) && !list[before..].iter().any(|q| last(q) == last(p)) {
            list.push((*p).clone());
        }
    }
    if list.len() == before {
        return;
    }
    // Extends the last derive list (or adds one), keeping helper attributes such as `#[serde]`
    // after it.
    let attr: syn::Attribute = syn::parse_quote!(#[derive(#(#list),*)]);
    match at {
        Some(i) => attrs[i] = attr,
        None => attrs.push(attr),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{generate, Config, Layout};

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Shop, version: 1.0.0}
paths:
  /orders/{id}:
    get:
      operationId: getOrder
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The order.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
components:
  schemas:
    OrderStatus:
      type: string
      enum: [pending, shipped]
    Order:
      type: object
      description: An order.
      required: [id, status]
      properties:
        id: {type: string}
        status: {$ref: "#/components/schemas/OrderStatus"}
"##;

    /// Generates the test spec in module layout with `options`.
    fn module_with(options: &Options) -> Result<String, String> {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("shop.yaml");
        std::fs::write(&spec, SPEC).unwrap();
        match generate(&spec, Layout::Module, options) {
            Ok(g) => Ok(g.files[0].contents.clone()),
            Err(d) => Err(d
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")),
        }
    }

    fn squash(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

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
        assert_eq!(c.options.runtime_version, "0.2");
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
        ])
        .unwrap();
        let mut from_cli = Options::default();
        from_cli.merge_args(&cli.options);
        let jobs = crate::config::parse(
            "[[client]]\nspec = \"shop.yaml\"\nout = \"shop\"\ncrate-name = \"shop\"\nderives = [\"Hash\", \"Order=::std::cmp::Eq\"]\ntype-overrides = [\"Order=crate::Order\"]\n",
            Path::new("oagen.toml"),
        )
        .unwrap();
        assert_eq!(jobs[0].options, from_cli);
        assert_eq!(from_cli.derives, ["Hash", "Order=::std::cmp::Eq"]);
        let names: Vec<&str> = Options::names().iter().map(|(f, _, _)| *f).collect();
        assert!(
            names.contains(&"derives") && names.contains(&"type_overrides"),
            "{names:?}"
        );
    }

    #[test]
    fn derives_are_added_once_and_only_where_asked() {
        let plain = squash(&module_with(&Options::default()).unwrap());
        let options = Options {
            derives: vec![
                "::std::hash::Hash".into(),
                "Order=::std::cmp::Eq".into(),
                "Clone".into(),
            ],
            ..Options::default()
        };
        let text = squash(&module_with(&options).unwrap());
        assert_ne!(plain, text);
        // Hash everywhere; Eq only on Order (OrderStatus already has it); Clone already present.
        assert!(
            text.contains(
                "::std::cmp::PartialEq, ::std::hash::Hash, ::std::cmp::Eq )] pub struct Order {"
            ),
            "{text}"
        );
        assert_eq!(
            text.matches("::std::hash::Hash").count(),
            plain.matches("::std::hash::Hash").count() + 1,
            "{text}"
        );
        assert_eq!(
            text.matches("::std::cmp::Eq,").count() + text.matches("::std::cmp::Eq )").count(),
            2,
            "{text}"
        );
        assert_eq!(
            text.matches("Clone").count(),
            plain.matches("Clone").count(),
            "{text}"
        );
    }

    #[test]
    fn type_overrides_replace_the_type_and_its_impls() {
        let options = Options {
            type_overrides: vec!["OrderStatus = ::my_crate::Status".into()],
            ..Options::default()
        };
        let text = squash(&module_with(&options).unwrap());
        assert!(
            text.contains("pub type OrderStatus = ::my_crate::Status;"),
            "{text}"
        );
        assert!(
            text.contains("Replaced by `::my_crate::Status` (option `type-overrides`)."),
            "{text}"
        );
        assert!(!text.contains("pub enum OrderStatus"), "{text}");
        assert!(
            !text.contains("impl OrderStatus") && !text.contains("for OrderStatus"),
            "{text}"
        );
        // Uses are unchanged: they go through the alias.
        assert!(text.contains("pub status: OrderStatus"), "{text}");
    }

    #[test]
    fn bad_entries_are_errors_naming_the_option() {
        let cases = [
            (
                vec![],
                vec!["Ordr=crate::X"],
                "`type-overrides` entry `Ordr=crate::X`: the `types` module has no type `Ordr`",
            ),
            (
                vec![],
                vec!["Order"],
                "`type-overrides` entry `Order` is not `TYPE=PATH`",
            ),
            (
                vec![],
                vec!["Order=not a type!"],
                "`type-overrides` entry `Order=not a type!`: `not a type!` is not a Rust type",
            ),
            (
                vec![],
                vec!["Order=A", "Order=B"],
                "`type-overrides` overrides `Order` twice",
            ),
            (
                vec!["order=Eq"],
                vec![],
                "`derives` entry `order=Eq`: the `types` module has no type `order`",
            ),
            (
                vec!["Hash Eq"],
                vec![],
                "`derives` entry `Hash Eq`: `Hash Eq` is not a path",
            ),
            (
                vec!["Order=Eq"],
                vec!["Order=crate::O"],
                "`derives` entry `Order=Eq`: `Order` is replaced by a type override",
            ),
        ];
        for (derives, overrides, expected) in cases {
            let options = Options {
                derives: derives.iter().map(|s| s.to_string()).collect(),
                type_overrides: overrides.iter().map(|s| s.to_string()).collect(),
                ..Options::default()
            };
            let err = module_with(&options).expect_err(expected);
            assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
            assert!(err.starts_with("error[bad-option]"), "{err}");
        }
    }
}
