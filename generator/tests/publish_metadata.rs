//! The two published crates, `oagen` and `oagen-runtime`, have what a registry page needs
//! (`cargo package` itself, run by `.ci/run`, checks that they build from their packaged files).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn table(path: &Path) -> toml::Table {
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_published_crates_have_the_registry_metadata() {
    let workspace = table(&root().join("Cargo.toml"));
    let inherited = workspace["workspace"]["package"].as_table().unwrap();
    for dir in ["generator", "generator/runtime"] {
        let manifest = table(&root().join(dir).join("Cargo.toml"));
        let package = manifest["package"].as_table().unwrap();
        let get = |key: &str| -> Option<toml::Value> {
            let v = package.get(key)?;
            match v.get("workspace") {
                Some(_) => inherited.get(key).cloned(),
                None => Some(v.clone()),
            }
        };
        for key in [
            "description",
            "license",
            "repository",
            "readme",
            "keywords",
            "categories",
            "documentation",
            "rust-version",
        ] {
            assert!(get(key).is_some(), "{dir}/Cargo.toml: no `{key}`");
        }
        let readme = get("readme").unwrap();
        let readme = root().join(dir).join(readme.as_str().unwrap());
        assert!(readme.is_file(), "{}", readme.display());
        assert!(
            get("publish").is_none_or(|p| p.as_bool() != Some(false)),
            "{dir}"
        );
        // crates.io takes at most five keywords.
        assert!(get("keywords").unwrap().as_array().unwrap().len() <= 5);
    }
    // `oagen` depends on no path crate (packaging would need it on the registry).
    let oagen = table(&root().join("generator/Cargo.toml"));
    for (name, dep) in oagen["dependencies"].as_table().unwrap() {
        assert!(dep.get("path").is_none(), "oagen depends on {name} by path");
    }
}
