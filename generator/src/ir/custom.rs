//! The user's per-item settings, applied to the IR: extra derives, type overrides and the
//! feature gates (`features.rs`). Each becomes an [`ItemSettings`] annotation that the renderer
//! prints as it stands, so no stage rewrites generated code. Malformed entries, and entries
//! naming a type that does not exist, are errors naming the option.

use super::{Api, TypeKind};
use crate::diag::{Diagnostic, Diagnostics};

/// The option keys, as `oagen.toml` spells them (the messages name them).
const DERIVES: &str = "derives";
const TYPE_OVERRIDES: &str = "type-overrides";

/// What to apply: the raw option entries and which features gate the code.
#[derive(Clone, Copy, Debug, Default)]
pub struct Customization<'a> {
    /// `PATH` (every struct and enum) or `TYPE=PATH` (one type, by its Rust name).
    pub derives: &'a [String],
    /// `TYPE=PATH`: the generated `TYPE` becomes an alias of the user's `PATH`.
    pub type_overrides: &'a [String],
    /// Put the types no operation uses behind [`ALL_TYPES_FEATURE`](super::ALL_TYPES_FEATURE)
    /// (crate layout).
    pub gate_unreferenced: bool,
    /// Put each tag module behind a feature of its own, and each type behind the features
    /// that reach it (crate layout, option `tag-features`); implies `gate_unreferenced`.
    pub tag_features: bool,
}

/// One parsed `type-overrides` entry.
struct Override {
    name: String,
    target: String,
}

/// Applies the settings to the types of `api`. On any error nothing is changed.
pub fn customize(api: &mut Api, c: &Customization<'_>, diags: &mut Diagnostics) {
    if c.gate_unreferenced || c.tag_features {
        super::features::assign(api, c.tag_features);
    }
    if c.derives.is_empty() && c.type_overrides.is_empty() {
        return;
    }
    let names: Vec<String> = api.types.iter().map(|t| t.name.clone()).collect();
    let errors = diags.error_count();
    let overrides = parse_overrides(c.type_overrides, &names, diags);
    let derives = parse_derives(c.derives, &names, &overrides, diags);
    if diags.error_count() > errors {
        return;
    }
    for t in &mut api.types {
        if let Some(o) = overrides.iter().find(|o| o.name == t.name) {
            t.settings.replaced_by = Some(o.target.clone());
            continue;
        }
        if matches!(t.kind, TypeKind::Alias(_)) {
            continue;
        }
        let s = &mut t.settings;
        for (only, path) in &derives {
            if only.as_ref().is_some_and(|n| *n != t.name) {
                continue;
            }
            if !s
                .derives
                .iter()
                .any(|p| last_segment(p) == last_segment(path))
            {
                s.derives.push(path.clone());
            }
        }
    }
}

/// The last segment of a path (`Hash` of `::std::hash::Hash`): derives compare by it.
pub fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path).trim()
}

fn parse_overrides(entries: &[String], names: &[String], diags: &mut Diagnostics) -> Vec<Override> {
    let key = TYPE_OVERRIDES;
    let mut out: Vec<Override> = Vec::new();
    for entry in entries {
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
            Ok(_) => out.push(Override {
                name: name.to_string(),
                target: path.trim().to_string(),
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

/// `(only this type, derive path)` for each well-formed entry.
fn parse_derives(
    entries: &[String],
    names: &[String],
    overrides: &[Override],
    diags: &mut Diagnostics,
) -> Vec<(Option<String>, String)> {
    let key = DERIVES;
    let mut out = Vec::new();
    for entry in entries {
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
            Ok(_) => out.push((only, path.to_string())),
            Err(e) => diags.error(
                "bad-option",
                format!("`{key}` entry `{entry}`: `{path}` is not a path: {e}"),
                None,
            ),
        }
    }
    out
}

fn unknown_type(key: &str, entry: &str, name: &str, names: &[String]) -> Diagnostic {
    let mut d = Diagnostic::error(
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

#[cfg(test)]
mod tests {
    use crate::{generate, Layout, Options};

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
