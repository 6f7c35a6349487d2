//! Generates every fixture of `tests/fixtures/gen` into OUT_DIR through the library's
//! build-script API, so that `cargo build`/`clippy` of this crate proves they all compile
//! without warnings, in module layout (`include!`). The tolerant loader's fixtures
//! (`tests/fixtures/repair`, modules `repair_*`) are compiled the same way.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"));
    // The multi-file fixture: only its entry point.
    out.push(dir.join("split").join("openapi.yaml"));
    out.sort();
    out
}

fn stem(spec: &Path) -> String {
    spec.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("fixture")
        .replace('-', "_")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/gen");
    println!("cargo:rerun-if-changed={}", dir.display());
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    // The tolerant loader's fixtures: specs with repaired departures from OpenAPI.
    let repair = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/repair");
    println!("cargo:rerun-if-changed={}", repair.display());
    let mut specs: Vec<(String, PathBuf)> = fixtures(&dir)
        .into_iter()
        .map(|spec| {
            let name = if spec.ends_with("split/openapi.yaml") {
                "split".to_string()
            } else {
                stem(&spec)
            };
            (name, spec)
        })
        .collect();
    let mut repaired: Vec<PathBuf> = std::fs::read_dir(&repair)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    repaired.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"));
    repaired.sort();
    specs.extend(
        repaired
            .into_iter()
            .map(|spec| (format!("repair_{}", stem(&spec)), spec)),
    );
    let mut index = String::new();
    for (name, spec) in specs {
        // The repair fixtures warn by design (tests/repair_fixtures.rs checks the warnings):
        // no `cargo:warning` line per repair; the folder's rerun-if-changed covers them.
        oagen::Config::new()
            .crate_name(Some(name.clone()))
            .emit_rerun_if_changed(!name.starts_with("repair_"))
            .compile(&[&spec])
            .map_err(|e| format!("{}:\n{e}", spec.display()))?;
        writeln!(index, "/// Generated from `{}`.\npub mod {name} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{name}.rs\")); }}", spec.display())?;
    }
    std::fs::write(out.join("fixtures.rs"), index)?;
    Ok(())
}
