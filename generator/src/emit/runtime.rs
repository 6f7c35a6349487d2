//! The runtime's source, built into oagen, for `--runtime vendored`: `oagen generate` writes it
//! into the generated crate's `oagen-runtime/` directory, so the crate builds with nothing but
//! the registries (no `oagen-runtime` needs to be published).
//!
//! `runtime_src` and `runtime_manifest.toml` next to this file are symbolic links to
//! `generator/runtime/src` and `generator/runtime/Cargo.toml`. A link, rather than
//! `include_str!("../../runtime/...")`, because `cargo package` leaves a directory holding
//! another package's `Cargo.toml` out of the `oagen` package: through the links, the packaged
//! `oagen` carries the runtime's files. (On Windows, a clone needs `git config core.symlinks
//! true`; the published crate holds plain files.)

use super::{GeneratedFile, GENERATED_MARKER};
use std::path::Path;

/// The directory, inside the generated crate, that holds the vendored runtime.
pub const DIR: &str = "oagen-runtime";

/// Every file of `generator/runtime/src`, by name (a test checks that none is missing).
const SOURCES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("runtime_src/auth.rs")),
    ("client.rs", include_str!("runtime_src/client.rs")),
    ("encode.rs", include_str!("runtime_src/encode.rs")),
    ("error.rs", include_str!("runtime_src/error.rs")),
    ("future.rs", include_str!("runtime_src/future.rs")),
    ("headers.rs", include_str!("runtime_src/headers.rs")),
    ("intercept.rs", include_str!("runtime_src/intercept.rs")),
    ("lib.rs", include_str!("runtime_src/lib.rs")),
    ("multipart.rs", include_str!("runtime_src/multipart.rs")),
    ("object.rs", include_str!("runtime_src/object.rs")),
    ("page.rs", include_str!("runtime_src/page.rs")),
    ("paginate.rs", include_str!("runtime_src/paginate.rs")),
    ("query.rs", include_str!("runtime_src/query.rs")),
    ("querystring.rs", include_str!("runtime_src/querystring.rs")),
    ("ratelimit.rs", include_str!("runtime_src/ratelimit.rs")),
    ("records.rs", include_str!("runtime_src/records.rs")),
    ("redact.rs", include_str!("runtime_src/redact.rs")),
    ("request.rs", include_str!("runtime_src/request.rs")),
    ("response.rs", include_str!("runtime_src/response.rs")),
    ("retry.rs", include_str!("runtime_src/retry.rs")),
    (
        "serde_helpers.rs",
        include_str!("runtime_src/serde_helpers.rs"),
    ),
    ("shape.rs", include_str!("runtime_src/shape.rs")),
    ("sse.rs", include_str!("runtime_src/sse.rs")),
    ("stream.rs", include_str!("runtime_src/stream.rs")),
    ("string_enum.rs", include_str!("runtime_src/string_enum.rs")),
    ("trace.rs", include_str!("runtime_src/trace.rs")),
    ("webhook.rs", include_str!("runtime_src/webhook.rs")),
];

/// The runtime's manifest (it names its dependencies itself: no workspace inheritance).
const MANIFEST: &str = include_str!("runtime_manifest.toml");

fn header(comment: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    format!(
        "{comment} {GENERATED_MARKER} by oagen {version}: a copy of oagen-runtime {version}. Do not edit by hand:\n{comment} `oagen generate` rewrites it.\n"
    )
}

/// The manifest of the copy: the runtime's own, without what only its repository has (the
/// dev-dependencies, which come from the workspace, and the README), never published.
fn manifest() -> String {
    let mut doc: toml_edit::DocumentMut = MANIFEST
        .parse()
        .expect("the runtime's Cargo.toml, built into oagen, parses");
    doc.remove("dev-dependencies");
    let package = doc["package"]
        .as_table_mut()
        .expect("the runtime's Cargo.toml has [package]");
    package.remove("readme");
    package["publish"] = toml_edit::value(false);
    package.decor_mut().set_prefix(header("#") + "\n");
    doc.to_string()
}

/// The files of the vendored runtime, relative to the generated crate.
pub fn files() -> Vec<GeneratedFile> {
    let dir = Path::new(DIR);
    let rs_header = header("//");
    let mut out = vec![GeneratedFile {
        path: dir.join("Cargo.toml"),
        contents: manifest(),
    }];
    out.extend(SOURCES.iter().map(|(name, text)| GeneratedFile {
        path: dir.join("src").join(name),
        contents: format!("{rs_header}\n{text}"),
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runtime package in the repository.
    fn repository_runtime() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime")
    }

    #[test]
    fn every_runtime_source_file_is_built_in() {
        let mut on_disk: Vec<String> = std::fs::read_dir(repository_runtime().join("src"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let built_in: Vec<&str> = SOURCES.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            built_in, on_disk,
            "add the new file to emit::runtime::SOURCES"
        );
        for (name, text) in SOURCES {
            let disk =
                std::fs::read_to_string(repository_runtime().join("src").join(name)).unwrap();
            assert_eq!(*text, disk, "{name}");
        }
    }

    #[test]
    fn the_copy_has_the_runtimes_dependencies_and_no_workspace_keys() {
        let text = manifest();
        assert!(!text.contains("workspace"), "{text}");
        assert!(!text.contains("[dev-dependencies]"), "{text}");
        let copy: toml::Table = toml::from_str(&text).unwrap();
        let orig: toml::Table = toml::from_str(MANIFEST).unwrap();
        assert_eq!(copy["dependencies"], orig["dependencies"]);
        assert_eq!(copy["features"], orig["features"]);
        assert_eq!(copy["package"]["publish"].as_bool(), Some(false));
        assert_eq!(copy["package"]["name"].as_str(), Some("oagen-runtime"));
    }

    /// The requirements the runtime shares with the workspace's other members are the same,
    /// so the copy a user builds resolves like the runtime tested here.
    #[test]
    fn the_runtimes_requirements_equal_the_workspaces() {
        let root = repository_runtime().join("../../Cargo.toml");
        let root: toml::Table = toml::from_str(&std::fs::read_to_string(root).unwrap()).unwrap();
        let shared = root["workspace"]["dependencies"].as_table().unwrap();
        let runtime: toml::Table = toml::from_str(MANIFEST).unwrap();
        let mut compared = 0;
        for (name, req) in runtime["dependencies"].as_table().unwrap() {
            if let Some(ws) = shared.get(name) {
                assert_eq!(req, ws, "{name}");
                compared += 1;
            }
        }
        assert!(compared >= 5, "{compared}");
    }
}
