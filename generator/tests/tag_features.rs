//! Tag features (crate layout): each tag module behind a Cargo feature named after it, each
//! type behind the features whose operations reach it, `full` (the default) enabling every
//! tag, `all-types` for what no operation uses. Decided in the IR, rendered as `#[cfg]`,
//! declared in the manifest.

use oagen::ir::{Api, Gate};
use oagen::{generate_str, Generated, Layout, Options};
use std::path::Path;

/// Tags `Repos`, `Issues`, `Code Scanning` and `Full` (a name the crate's own feature has),
/// an operation with two tags, an untagged one, a query parameter type every operation uses,
/// an error body, and an unused webhook payload that reaches tagged types.
const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Tagged, version: 1.0.0}
servers: [{url: "https://api.example.com"}]
paths:
  /repos/{id}:
    get:
      operationId: getRepo
      tags: [Repos]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {$ref: "#/components/parameters/fields"}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Repo"}}}}
        default: {$ref: "#/components/responses/Problem"}
  /issues/{id}:
    get:
      operationId: getIssue
      tags: [Issues]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {$ref: "#/components/parameters/fields"}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Issue"}}}}
        default: {$ref: "#/components/responses/Problem"}
  /repos/{id}/issues:
    get:
      operationId: listRepoIssues
      tags: [Issues, Repos]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {$ref: "#/components/parameters/fields"}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Issue"}}}}}
  /scans:
    get:
      operationId: listScans
      tags: [Code Scanning]
      parameters: [{$ref: "#/components/parameters/fields"}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Scan"}}}}
  /full:
    get:
      operationId: getFull
      tags: [Full]
      parameters: [{$ref: "#/components/parameters/fields"}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}}
  /health:
    get:
      operationId: health
      parameters: [{$ref: "#/components/parameters/fields"}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
components:
  parameters:
    fields:
      {name: fields, in: query, schema: {$ref: "#/components/schemas/FieldSet"}}
  responses:
    Problem:
      description: An error.
      content: {application/json: {schema: {$ref: "#/components/schemas/Problem"}}}
  schemas:
    FieldSet: {type: string, enum: [all, some]}
    Problem:
      type: object
      properties:
        detail: {$ref: "#/components/schemas/Detail"}
    Detail:
      type: object
      properties:
        text: {type: string}
    User:
      type: object
      properties:
        login: {type: string}
    License:
      type: object
      properties:
        key: {type: string}
    Repo:
      type: object
      properties:
        owner: {$ref: "#/components/schemas/User"}
        license: {$ref: "#/components/schemas/License"}
    Label:
      type: object
      properties:
        name: {type: string}
    Issue:
      type: object
      properties:
        user: {$ref: "#/components/schemas/User"}
        labels: {type: array, items: {$ref: "#/components/schemas/Label"}}
    Scan:
      type: object
      properties:
        by: {$ref: "#/components/schemas/User"}
    Health:
      type: object
      properties:
        ok: {type: boolean}
    Webhook:
      type: object
      properties:
        issue: {$ref: "#/components/schemas/Issue"}
        action: {type: string, enum: [opened, closed]}
"##;

fn generate_with(layout: Layout, options: &Options) -> Generated {
    generate_str(SPEC, Path::new("tagged.yaml"), layout, options)
        .map_err(|d| d.render(false))
        .unwrap()
}

fn file<'g>(g: &'g Generated, path: &str) -> &'g str {
    &g.files
        .iter()
        .find(|f| f.path == Path::new(path))
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

fn gate(api: &Api, name: &str) -> Gate {
    api.types
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no type {name}"))
        .settings
        .gate
        .clone()
}

fn any_of(features: &[&str]) -> Gate {
    Gate::AnyOf(features.iter().map(|f| f.to_string()).collect())
}

/// The `#[cfg(..)]` attributes on the item named `name` (a struct, enum, type alias or
/// module declaration) of a Rust file, as token text.
fn cfgs(text: &str, name: &str) -> Vec<String> {
    let file = syn::parse_file(text).unwrap();
    let item = file
        .items
        .iter()
        .find(|i| match i {
            syn::Item::Struct(s) => s.ident == name,
            syn::Item::Enum(e) => e.ident == name,
            syn::Item::Type(t) => t.ident == name,
            syn::Item::Mod(m) => m.ident == name,
            _ => false,
        })
        .unwrap_or_else(|| panic!("no item {name}"));
    let attrs = match item {
        syn::Item::Struct(s) => &s.attrs,
        syn::Item::Enum(e) => &e.attrs,
        syn::Item::Type(t) => &t.attrs,
        syn::Item::Mod(m) => &m.attrs,
        _ => unreachable!(),
    };
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| quote::ToTokens::to_token_stream(&a.meta).to_string())
        .collect()
}

#[test]
fn modules_and_types_are_gated_by_the_features_that_reach_them() {
    let g = generate_with(Layout::Crate, &Options::default());
    let api = &g.api;
    let modules: Vec<(&str, &Gate)> = api
        .modules
        .iter()
        .map(|m| (m.name.as_str(), &m.gate))
        .collect();
    // `Full` cannot take the crate's own `full`; the untagged operation's module is a tag
    // module like the others.
    assert_eq!(
        modules,
        [
            ("code_scanning", &any_of(&["code-scanning"])),
            ("full", &any_of(&["full-tag"])),
            ("issues", &any_of(&["issues"])),
            ("operations", &any_of(&["operations"])),
            ("repos", &any_of(&["repos"])),
        ]
    );
    // An operation with two tags lives in its first tag's module.
    let issues = api.modules.iter().find(|m| m.name == "issues").unwrap();
    assert!(issues.operations.iter().any(|o| o.id == "listRepoIssues"));

    // The error body, and what every module reaches, are always compiled.
    assert_eq!(gate(api, "Problem"), Gate::Always);
    assert_eq!(gate(api, "Detail"), Gate::Always);
    assert_eq!(gate(api, "FieldSet"), Gate::Always);
    // Reached through fields, from one tag or several.
    assert_eq!(gate(api, "Repo"), any_of(&["repos"]));
    assert_eq!(gate(api, "License"), any_of(&["repos"]));
    assert_eq!(gate(api, "Health"), any_of(&["operations"]));
    assert_eq!(
        gate(api, "User"),
        any_of(&["all-types", "code-scanning", "full-tag", "issues", "repos"])
    );
    // The unused payload and what only it reaches: `all-types`; what it shares with a tag:
    // both.
    assert_eq!(gate(api, "Webhook"), any_of(&["all-types"]));
    assert_eq!(gate(api, "WebhookAction"), any_of(&["all-types"]));
    assert_eq!(gate(api, "Issue"), any_of(&["all-types", "issues"]));
    assert_eq!(gate(api, "Label"), any_of(&["all-types", "issues"]));

    // The features, as the manifest lists them.
    let names: Vec<&str> = api.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "default",
            "full",
            "all-types",
            "tracing",
            "code-scanning",
            "full-tag",
            "issues",
            "operations",
            "repos"
        ]
    );
    assert_eq!(api.features[0].enables, ["full", "tracing"]);
    assert_eq!(
        api.features[1].enables,
        ["code-scanning", "full-tag", "issues", "operations", "repos"]
    );

    // Rendered as the IR says.
    let lib = file(&g, "src/lib.rs");
    assert_eq!(cfgs(lib, "repos"), ["cfg (feature = \"repos\")"]);
    assert_eq!(cfgs(lib, "full"), ["cfg (feature = \"full-tag\")"]);
    assert!(cfgs(lib, "types").is_empty() && cfgs(lib, "client").is_empty());
    let types = file(&g, "src/types.rs");
    assert!(cfgs(types, "Problem").is_empty());
    assert_eq!(cfgs(types, "Repo"), ["cfg (feature = \"repos\")"]);
    assert_eq!(
        cfgs(types, "Issue"),
        ["cfg (any (feature = \"all-types\" , feature = \"issues\"))"]
    );
    // Every item of a gated type is gated with it: no impl of `Repo` compiles without it.
    let file = syn::parse_file(types).unwrap();
    let mut repo_impls = 0;
    for item in &file.items {
        let tokens = quote::ToTokens::to_token_stream(item).to_string();
        let is_repo = matches!(item, syn::Item::Impl(i)
            if quote::ToTokens::to_token_stream(&i.self_ty).to_string() == "Repo")
            || (matches!(item, syn::Item::Macro(_)) && tokens.contains("Repo"));
        if is_repo {
            repo_impls += 1;
            assert!(
                tokens.starts_with("# [cfg (feature = \"repos\")]"),
                "{tokens}"
            );
        }
    }
    assert!(repo_impls > 0, "no impl of `Repo` found");

    let manifest = file_text(&g, "Cargo.toml");
    for line in [
        "\ndefault = [\"full\", \"tracing\"]\n",
        "\ntracing = [\"oagen-runtime/tracing\"]\n",
        "\nfull = [\"code-scanning\", \"full-tag\", \"issues\", \"operations\", \"repos\"]\n",
        "\nall-types = []\n",
        "\nfull-tag = []\n",
        "\n# Module `full`: 1 operation.\n",
        "\n# Module `issues`: 2 operations.\n",
    ] {
        assert!(manifest.contains(line), "{line:?} in\n{manifest}");
    }
    // The quickstart's one call is the first `GET` that decodes JSON (modules in name order),
    // `listScans`: the example needs its module's feature.
    assert_eq!(api.quickstart.required_features, ["code-scanning"]);
    assert!(
        manifest.contains(
            "\n[[example]]\nname = \"tagged_quickstart\"\nrequired-features = [\"code-scanning\"]\n"
        ),
        "{manifest}"
    );
}

fn file_text(g: &Generated, path: &str) -> String {
    file(g, path).to_string()
}

#[test]
fn without_tag_features_only_unused_types_are_gated() {
    let options = Options {
        tag_features: false,
        ..Options::default()
    };
    let g = generate_with(Layout::Crate, &options);
    assert!(g.api.modules.iter().all(|m| m.gate == Gate::Always));
    for t in &g.api.types {
        let expected = if ["Webhook", "WebhookAction"].contains(&t.name.as_str()) {
            any_of(&["all-types"])
        } else {
            Gate::Always
        };
        assert_eq!(t.settings.gate, expected, "{}", t.name);
    }
    let names: Vec<&str> = g.api.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["default", "all-types", "tracing"]);
    assert_eq!(g.api.features[0].enables, ["tracing"]);
    assert!(!file(&g, "src/lib.rs").contains("cfg("));
    assert!(!file(&g, "Cargo.toml").contains("[[example]]"));
    assert!(g.api.quickstart.required_features.is_empty());
}

#[test]
fn the_module_layout_is_never_gated() {
    let g = generate_with(Layout::Module, &Options::default());
    assert!(g.api.features.is_empty());
    assert!(!g.files[0].contents.contains("feature ="));
}
