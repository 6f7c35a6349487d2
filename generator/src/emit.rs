//! Emitting: formats rendered items with prettyplease, adds the `@generated` header and, for
//! a crate, the `Cargo.toml`; compares with and writes to disk. It decides nothing about the
//! code: what the files hold is the renderer's.

use crate::ir::{Api, Prim};
use crate::render::{Contents, Layout, RenderedFile};
use proc_macro2::TokenStream;
use std::path::{Path, PathBuf};

pub use crate::render::GENERATED_MARKER;

mod runtime;

/// The directory, inside a generated crate, that holds the copy of `oagen-runtime` written
/// with `runtime = "vendored"` (the default).
pub const VENDORED_RUNTIME_DIR: &str = runtime::DIR;

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
    /// A copy of the runtime written into the crate's `oagen-runtime/` directory.
    Vendored,
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

/// Formats a run of whole items (with the file's inner attributes, when it is the first) as
/// Rust source. prettyplease prints items one after the other, so the formatted runs of a
/// file, joined, are the file formatted whole. Tokens that do not parse are an internal error.
pub fn format_items(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated code does not parse: {e}"))?;
    // A blank line after each item, so that the file reads as a person would write it
    // (prettyplease puts items on consecutive lines). An item's last line is the only line
    // at column 0, comments aside, that ends in `}` or `;`: everything inside an item is
    // indented. (Cheaper than printing each item on its own: GitHub's spec has ~20,000.)
    let text = prettyplease::unparse(&file);
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut in_items = file.attrs.is_empty();
    for line in text.lines() {
        if !in_items
            && !line.starts_with("//!")
            && !line.starts_with("#![")
            && !line.starts_with(' ')
            && !line.starts_with(')')
        {
            // The inner attributes end here: a blank line before the first item.
            out.push('\n');
            in_items = true;
        }
        out.push_str(line);
        out.push('\n');
        if in_items
            && !line.starts_with(' ')
            && !line.starts_with("//")
            && (line.ends_with('}') || line.ends_with(';'))
        {
            out.push('\n');
        }
    }
    Ok(out)
}

/// Lays out rendered files whose runs of items [`format_items`] formatted: the `@generated`
/// header on each Rust file, and for a crate, its `Cargo.toml`. Files come in path order.
pub fn emit(
    api: &Api,
    layout: Layout,
    rendered: Vec<RenderedFile<Result<String, String>>>,
    opts: &EmitOptions,
) -> Result<Vec<GeneratedFile>, String> {
    let rs_header = header(&opts.spec_display, "//");
    let mut files = Vec::with_capacity(rendered.len() + 1);
    for f in rendered {
        let contents = match f.contents {
            Contents::Rust(chunks) => {
                let mut text = format!("{rs_header}\n");
                for chunk in chunks {
                    text.push_str(&chunk?);
                }
                // The blank line after the last item.
                if text.ends_with("\n\n") {
                    text.pop();
                }
                text
            }
            Contents::Markdown { head, code, tail } => format!("{head}{}{tail}", code?.trim()),
        };
        files.push(GeneratedFile {
            path: f.path,
            contents,
        });
    }
    if layout == Layout::Crate {
        files.push(GeneratedFile {
            path: PathBuf::from("Cargo.toml"),
            contents: cargo_toml(api, opts),
        });
        if opts.runtime == RuntimeDep::Vendored {
            files.extend(runtime::files());
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The generated crate's manifest, written with `toml_edit` (which quotes and escapes what
/// the spec's title puts in the description). `chrono` and `uuid` are dependencies only when
/// the code names their types. The features are the IR's ([`Api::features`]), and so are the
/// quickstart example's `required-features`.
fn cargo_toml(api: &Api, opts: &EmitOptions) -> String {
    use toml_edit::{value, Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table};
    fn inline(pairs: &[(&str, toml_edit::Value)]) -> Item {
        let mut t = InlineTable::new();
        for (k, v) in pairs {
            t.insert(*k, v.clone());
        }
        value(t)
    }
    fn strings(items: &[&str]) -> toml_edit::Value {
        toml_edit::Value::Array(items.iter().copied().collect::<Array>())
    }
    let mut doc = DocumentMut::new();
    let mut package = Table::new();
    package["name"] = value(&api.crate_name);
    package["version"] = value(&opts.crate_version);
    package["edition"] = value("2021");
    package["description"] = value(format!(
        "Typed client for {} (generated by oagen)",
        crate::render::api_name(&api.title)
    ));
    package["license"] = value("MIT OR Apache-2.0");
    package["publish"] = value(false);
    package
        .decor_mut()
        .set_prefix(header(&opts.spec_display, "#") + "\n");
    doc["package"] = Item::Table(package);

    let mut deps = Table::new();
    // Without the runtime's default features, so that the crate's `tracing` feature decides.
    let no_defaults = ("default-features", false.into());
    deps["oagen-runtime"] = match &opts.runtime {
        RuntimeDep::Version(v) => inline(&[("version", v.into()), no_defaults]),
        RuntimeDep::Path(p) => inline(&[("path", p.replace('\\', "/").into()), no_defaults]),
        RuntimeDep::Vendored => inline(&[("path", runtime::DIR.into()), no_defaults]),
    };
    deps["serde"] = inline(&[("version", "1".into()), ("features", strings(&["derive"]))]);
    deps["serde_json"] = value("1");
    let scalars = api.scalars();
    if scalars.contains(&Prim::DateTime) || scalars.contains(&Prim::Date) {
        deps["chrono"] = inline(&[
            ("version", "0.4".into()),
            ("default-features", false.into()),
            ("features", strings(&["serde", "std"])),
        ]);
    }
    if scalars.contains(&Prim::Uuid) {
        deps["uuid"] = inline(&[("version", "1".into()), ("features", strings(&["serde"]))]);
    }
    doc["dependencies"] = Item::Table(deps);

    let mut dev = Table::new();
    dev["tokio"] = inline(&[
        ("version", "1".into()),
        ("features", strings(&["macros", "rt-multi-thread"])),
    ]);
    dev["futures"] = value("0.3");
    doc["dev-dependencies"] = Item::Table(dev);

    if !api.features.is_empty() {
        let mut features = Table::new();
        for f in &api.features {
            features[f.name.as_str()] =
                value(f.enables.iter().map(String::as_str).collect::<Array>());
            if let Some(mut key) = features.key_mut(&f.name) {
                if !f.doc.is_empty() {
                    key.leaf_decor_mut().set_prefix(format!("# {}\n", f.doc));
                }
            }
        }
        doc["features"] = Item::Table(features);
    }
    let required = &api.quickstart.required_features;
    if !required.is_empty() {
        let mut example = Table::new();
        example["name"] = value(format!("{}_quickstart", api.crate_name.replace('-', "_")));
        example["required-features"] =
            value(required.iter().map(String::as_str).collect::<Array>());
        let mut examples = ArrayOfTables::new();
        examples.push(example);
        doc["example"] = Item::ArrayOfTables(examples);
    }
    doc.to_string()
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
pub fn write(dir: &Path, files: &[GeneratedFile], prune: bool) -> Result<(), crate::error::Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| crate::error::Error::Io { path, source }
    };
    if prune {
        for stale in check(dir, files) {
            if let Stale::Extra(p) = stale {
                std::fs::remove_file(&p).map_err(io(&p))?;
            }
        }
    }
    for f in files {
        let path = dir.join(&f.path);
        if std::fs::read_to_string(&path).is_ok_and(|t| t == f.contents) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, &f.contents).map_err(io(&path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IR of a fixture with enough types and operations for several runs per module.
    fn fixture_api() -> Api {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/gen/kitchen-sink.yaml"
        ));
        let mut diags = crate::diag::Diagnostics::new();
        let loaded = crate::load::load(path, &mut diags).expect("fixture loads");
        crate::ir::build(&loaded, "kitchen", &mut diags).expect("fixture builds")
    }

    fn opts() -> EmitOptions {
        EmitOptions {
            spec_display: "kitchen-sink.yaml".into(),
            runtime: RuntimeDep::Version("0.1".into()),
            crate_version: "0.1.0".into(),
        }
    }

    /// An API with more types and operations than one run of items holds.
    fn large_api() -> Api {
        let mut schemas = serde_json::Map::new();
        let mut paths = serde_json::Map::new();
        for i in 0..450 {
            schemas.insert(
                format!("Thing{i}"),
                serde_json::json!({"type": "object", "properties": {"id": {"type": "string"}}}),
            );
        }
        for i in 0..90 {
            paths.insert(
                format!("/things/{i}"),
                serde_json::json!({"get": {"operationId": format!("getThing{i}"), "tags": ["things"],
                    "responses": {"200": {"description": "ok", "content": {"application/json":
                        {"schema": {"$ref": format!("#/components/schemas/Thing{i}")}}}}}}}),
            );
        }
        let doc = serde_json::json!({"openapi": "3.0.3", "info": {"title": "Large", "version": "1"},
            "paths": paths, "components": {"schemas": schemas}});
        let mut diags = crate::diag::Diagnostics::new();
        let loaded = crate::load::load_str(&doc.to_string(), Path::new("large.json"), &mut diags)
            .expect("loads");
        crate::ir::build(&loaded, "large", &mut diags).expect("builds")
    }

    #[test]
    fn files_formatted_in_runs_equal_each_file_formatted_whole() {
        let mut api = large_api();
        let custom = crate::ir::Customization {
            gate_unreferenced: true,
            tag_features: true,
            ..Default::default()
        };
        crate::ir::customize(&mut api, &custom, &mut crate::diag::Diagnostics::new());
        let runs = crate::render::render(&api, Layout::Crate, |t| t.to_string());
        let files = emit(
            &api,
            Layout::Crate,
            crate::render::render(&api, Layout::Crate, format_items),
            &opts(),
        )
        .unwrap();
        let mut several = 0;
        for f in runs {
            let Contents::Rust(chunks) = f.contents else {
                continue;
            };
            several += usize::from(chunks.len() > 1);
            let whole: TokenStream = chunks.concat().parse().unwrap();
            let emitted = files.iter().find(|g| g.path == f.path).unwrap();
            let body = emitted.contents.split_once("\n\n").unwrap().1;
            // One blank line between items; none after the last.
            let mut expected = format_items(whole).unwrap();
            assert!(expected.ends_with("}\n\n") || expected.ends_with(";\n\n"));
            expected.pop();
            assert_eq!(body, expected, "{}", f.path.display());
        }
        assert!(several > 0, "the fixture spans several runs in some file");
    }

    #[test]
    fn a_crate_has_a_manifest_and_headers() {
        let api = fixture_api();
        let files = emit(
            &api,
            Layout::Crate,
            crate::render::render(&api, Layout::Crate, format_items),
            &opts(),
        )
        .unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.display().to_string()).collect();
        assert!(paths.contains(&"Cargo.toml".to_string()), "{paths:?}");
        assert!(paths.contains(&"src/lib.rs".to_string()), "{paths:?}");
        for f in files
            .iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
        {
            assert!(
                f.contents.starts_with("// @generated by oagen"),
                "{}",
                f.path.display()
            );
        }
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
        assert!(!paths.iter().any(|p| p.starts_with("oagen-runtime")));
    }

    fn crate_files(spec: &str) -> Vec<GeneratedFile> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/gen")
            .join(spec);
        let mut diags = crate::diag::Diagnostics::new();
        let loaded = crate::load::load(&path, &mut diags).expect("fixture loads");
        let mut api = crate::ir::build(&loaded, "fixture", &mut diags).expect("fixture builds");
        // As a crate is generated by default: tag features (which also list `tracing`).
        let custom = crate::ir::Customization {
            derives: &[],
            type_overrides: &[],
            gate_unreferenced: true,
            tag_features: true,
        };
        crate::ir::customize(&mut api, &custom, &mut diags);
        let rendered = crate::render::render(&api, Layout::Crate, format_items);
        emit(&api, Layout::Crate, rendered, &opts()).unwrap()
    }

    fn contents<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
        &files
            .iter()
            .find(|f| f.path == Path::new(path))
            .unwrap_or_else(|| panic!("{path} missing"))
            .contents
    }

    #[test]
    fn the_crate_forwards_a_default_tracing_feature_to_the_runtime() {
        let files = crate_files("params-path.yaml");
        let manifest: toml::Table = toml::from_str(contents(&files, "Cargo.toml")).unwrap();
        let runtime = &manifest["dependencies"]["oagen-runtime"];
        assert_eq!(runtime["version"].as_str(), Some("0.1"));
        // Otherwise the runtime's own default would turn tracing on whatever the crate says.
        assert_eq!(runtime["default-features"].as_bool(), Some(false));
        let features = manifest["features"].as_table().unwrap();
        let strings = |v: &toml::Value| -> Vec<String> {
            let items = v.as_array().unwrap().iter();
            items.map(|s| s.as_str().unwrap().to_string()).collect()
        };
        assert_eq!(strings(&features["tracing"]), ["oagen-runtime/tracing"]);
        assert_eq!(strings(&features["default"]), ["full", "tracing"]);
        assert!(contents(&files, "README.md").contains("`default-features = false`"));
    }

    #[test]
    fn the_readme_names_the_dependencies_a_caller_adds() {
        let section = |files: &[GeneratedFile]| {
            let readme = contents(files, "README.md");
            let start = readme.find("## Dependencies").expect("the section");
            let end = start
                + readme[start..]
                    .find("\n## ")
                    .unwrap_or(readme.len() - start);
            readme[start..end].to_string()
        };
        let paginated = section(&crate_files("kitchen-sink.yaml"));
        assert!(
            paginated.contains("fixture = { path = \"../fixture\" }"),
            "{paginated}"
        );
        assert!(
            paginated.contains(
                "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }"
            ),
            "{paginated}"
        );
        assert!(paginated.contains("futures = \"0.3\""), "{paginated}");
        // No stream, no `futures`.
        let plain = section(&crate_files("params-path.yaml"));
        assert!(plain.contains("tokio = "), "{plain}");
        assert!(!plain.contains("futures"), "{plain}");
    }

    #[test]
    fn a_vendored_runtime_is_written_in_the_crate_and_depended_on_by_path() {
        let api = fixture_api();
        let opts = EmitOptions {
            runtime: RuntimeDep::Vendored,
            ..opts()
        };
        let files = emit(
            &api,
            Layout::Crate,
            crate::render::render(&api, Layout::Crate, format_items),
            &opts,
        )
        .unwrap();
        let file = |p: &str| {
            files
                .iter()
                .find(|f| f.path == Path::new(p))
                .unwrap_or_else(|| panic!("{p} missing"))
        };
        let manifest: toml::Table = toml::from_str(&file("Cargo.toml").contents).unwrap();
        assert_eq!(
            manifest["dependencies"]["oagen-runtime"]["path"].as_str(),
            Some("oagen-runtime")
        );
        let runtime: toml::Table =
            toml::from_str(&file("oagen-runtime/Cargo.toml").contents).unwrap();
        assert_eq!(runtime["package"]["name"].as_str(), Some("oagen-runtime"));
        assert!(file("oagen-runtime/src/lib.rs")
            .contents
            .contains("pub use"));
        // Every copied file carries the marker, so that `oagen check` sees it and a file the
        // runtime no longer has is pruned.
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &files, true).unwrap();
        assert_eq!(check(dir.path(), &files), []);
        let gone = dir.path().join("oagen-runtime/src/gone.rs");
        std::fs::write(&gone, &file("oagen-runtime/src/lib.rs").contents).unwrap();
        assert_eq!(check(dir.path(), &files), [Stale::Extra(gone.clone())]);
        write(dir.path(), &files, true).unwrap();
        assert!(!gone.exists());
    }
}
