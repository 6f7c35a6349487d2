//! Types no operation uses are generated, but in crate layout only compiled with the crate's
//! `all-types` feature (they are most of the code of specs like GitHub's).

use oagen::{generate, Layout, Options};
use std::path::Path;

fn spec() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/gen/unreferenced-schemas.yaml")
}

/// The names of the items right after each `#[cfg(feature = "all-types")]`.
fn gated(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        if l.trim() == "#[cfg(feature = \"all-types\")]" {
            let item = lines
                .by_ref()
                .map(str::trim)
                .find(|l| {
                    l.starts_with("pub ")
                        || l.starts_with("impl")
                        || l.starts_with("::oagen_runtime::")
                })
                .unwrap_or_default();
            // A string enum's impls come from one macro item: `string_enum! Name`.
            if let Some(rest) = item.strip_prefix("::oagen_runtime::string_enum!(") {
                let rest = if rest.trim().is_empty() {
                    lines.next().unwrap_or_default().trim()
                } else {
                    rest
                };
                let name = rest
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .next();
                out.push(format!("string_enum! {}", name.unwrap_or_default()));
                continue;
            }
            out.push(item.trim_end_matches(" {").to_string());
        }
    }
    out
}

#[test]
fn unused_types_are_behind_the_all_types_feature_in_crate_layout() {
    let api = oagen::build_ir(&spec(), &Options::default())
        .map_err(|d| d.render(false))
        .unwrap()
        .0;
    let unused: Vec<String> = api.unreferenced_types().into_iter().collect();
    assert_eq!(unused, ["PetEvent", "PetEventAction", "PetOrEvent"]);

    let g = generate(&spec(), Layout::Crate, &Options::default())
        .map_err(|d| d.render(false))
        .unwrap();
    let file = |p: &str| {
        g.files
            .iter()
            .find(|f| f.path == Path::new(p))
            .map(|f| f.contents.clone())
            .unwrap()
    };
    let types = file("src/types.rs");
    let gated = gated(&types);
    assert!(
        gated.contains(&"pub struct PetEvent".to_string()),
        "{gated:?}"
    );
    assert!(
        gated.contains(&"pub enum PetEventAction".to_string()),
        "{gated:?}"
    );
    assert!(
        gated.contains(&"pub enum PetOrEvent".to_string()),
        "{gated:?}"
    );
    // The impls of a gated enum go with it.
    assert!(
        gated.contains(&"string_enum! PetEventAction".to_string()),
        "{gated:?}"
    );
    assert!(
        !gated
            .iter()
            .any(|g| g.contains("Pet ") || g.ends_with(" Pet") || g.contains("PetKind")),
        "{gated:?}"
    );
    let manifest = file("Cargo.toml");
    assert!(
        manifest.contains("\n# Also compile the 3 types of schemas that no operation uses"),
        "{manifest}"
    );
    assert!(manifest.contains("\nall-types = []\n"), "{manifest}");
    // `full` (the default) leaves them out.
    let full = manifest
        .lines()
        .find(|l| l.starts_with("full = "))
        .unwrap_or_default();
    assert!(!full.contains("all-types"), "{manifest}");

    let m = generate(&spec(), Layout::Module, &Options::default())
        .map_err(|d| d.render(false))
        .unwrap();
    assert!(!m.files[0].contents.contains("all-types"));
    assert!(m.files[0].contents.contains("pub struct PetEvent "));
}

#[test]
fn a_spec_whose_types_are_all_used_declares_no_all_types_feature() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/gen/params-path.yaml");
    let g = generate(&spec, Layout::Crate, &Options::default())
        .map_err(|d| d.render(false))
        .unwrap();
    let cargo = g
        .files
        .iter()
        .find(|f| f.path == Path::new("Cargo.toml"))
        .unwrap();
    assert!(
        cargo.contents.contains("\n[features]\n"),
        "{}",
        cargo.contents
    );
    assert!(!cargo.contents.contains("all-types"), "{}", cargo.contents);
    // Without tag features, only `tracing` (on by default).
    let options = Options {
        tag_features: false,
        ..Options::default()
    };
    let g = generate(&spec, Layout::Crate, &options)
        .map_err(|d| d.render(false))
        .unwrap();
    let cargo = g
        .files
        .iter()
        .find(|f| f.path == Path::new("Cargo.toml"))
        .unwrap();
    assert!(
        cargo
            .contents
            .contains("default = [\"tracing\"]\n# A `tracing` span per request"),
        "{}",
        cargo.contents
    );
    assert!(!cargo.contents.contains("full ="), "{}", cargo.contents);
}
