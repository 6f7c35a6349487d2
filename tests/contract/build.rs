//! Generates the contract calls of every client listed in the workspace's `oagen.toml` into
//! `OUT_DIR/contract.rs` (one module per client, from `oagen_contract_codegen::render_spec`), for
//! `src/lib.rs` to include.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = root.join("oagen.toml");
    println!("cargo:rerun-if-changed={}", config.display());
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let jobs = oagen::config::read(&config).map_err(|e| e.to_string())?;
    let opts = oagen_contract_codegen::ContractOptions::default();
    let mut index = String::new();
    let mut providers = String::new();
    let mut arms = String::new();
    for job in &jobs {
        let (code, inputs) = oagen_contract_codegen::render_spec(&job.spec, &job.options, &opts)
            .map_err(|d| format!("{}:\n{}", job.spec.display(), d.render(false)))?;
        for input in &inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        let name = job
            .options
            .crate_name
            .clone()
            .unwrap_or_else(|| oagen::default_crate_name(&job.spec))
            .replace('-', "_");
        let file = format!("contract_{name}.rs");
        std::fs::write(out.join(&file), code).map_err(|e| format!("{file}: {e}"))?;
        let spec =
            std::fs::canonicalize(&job.spec).map_err(|e| format!("{}: {e}", job.spec.display()))?;
        writeln!(index, "/// Contract calls of `{name}`.\n#[allow(deprecated)]\npub mod {name} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{file}\")); }}")
            .map_err(|e| e.to_string())?;
        writeln!(
            providers,
            "    ::oagen_contract::Provider {{ name: {name}::PROVIDER, title: {name}::TITLE, spec: {spec:?}, operations: {name}::OPERATIONS }},",
            spec = spec.display().to_string()
        )
        .map_err(|e| e.to_string())?;
        writeln!(
            arms,
            "        {name:?} => {name}::run(base_url, run).await,"
        )
        .map_err(|e| e.to_string())?;
    }
    write!(
        index,
        "/// Every client of oagen.toml.\npub const PROVIDERS: &[::oagen_contract::Provider] = &[\n{providers}];\n\n\
         /// Calls every operation of the client `name` against the mock at `base_url`.\n\
         pub async fn run_provider(name: &str, base_url: &str, run: &mut ::oagen_contract::Run) {{\n    match name {{\n{arms}        _ => run.fail_all(&[], ::oagen_contract::Failure::harness(format!(\"unknown provider {{name}}\"))),\n    }}\n}}\n"
    )
    .map_err(|e| e.to_string())?;
    index.push_str(&fixtures(&root, &out, &opts)?);
    std::fs::write(out.join("contract.rs"), index).map_err(|e| format!("contract.rs: {e}"))?;
    Ok(())
}

/// The fixtures of `tests/fixtures/gen`, as `tests/compile` (crate `oagen-fixtures`) names
/// and generates them: file stem with `-` as `_`, `split` for the multi-file one.
fn fixture_specs(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"));
    out.sort();
    let mut named: Vec<(String, PathBuf)> = out
        .into_iter()
        .map(|p| {
            let name = p
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("fixture")
                .replace('-', "_");
            (name, p)
        })
        .collect();
    named.push(("split".into(), dir.join("split").join("openapi.yaml")));
    named
}

/// The contract calls of every fixture client of `oagen-fixtures`: `fixtures::<name>`,
/// `FIXTURES` and `run_fixture`. Returns the code to append to the index.
fn fixtures(
    root: &Path,
    out: &Path,
    opts: &oagen_contract_codegen::ContractOptions,
) -> Result<String, String> {
    let dir = root.join("tests/fixtures/gen");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut modules = String::new();
    let mut list = String::new();
    let mut arms = String::new();
    for (name, spec) in fixture_specs(&dir) {
        let options = oagen::Options {
            crate_name: Some(name.clone()),
            ..oagen::Options::default()
        };
        let opts = oagen_contract_codegen::ContractOptions {
            client_path: Some(format!("::oagen_fixtures::{name}")),
            ..opts.clone()
        };
        let (code, inputs) = oagen_contract_codegen::render_spec(&spec, &options, &opts)
            .map_err(|d| format!("{}:\n{}", spec.display(), d.render(false)))?;
        for input in &inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        let file = format!("fixture_{name}.rs");
        std::fs::write(out.join(&file), code).map_err(|e| format!("{file}: {e}"))?;
        let spec = std::fs::canonicalize(&spec).map_err(|e| format!("{}: {e}", spec.display()))?;
        writeln!(
            modules,
            "    /// Contract calls of the fixture `{name}`.\n    #[allow(deprecated)]\n    pub mod {name} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{file}\")); }}"
        )
        .map_err(|e| e.to_string())?;
        writeln!(
            list,
            "    ::oagen_contract::Provider {{ name: {name:?}, title: fixtures::{name}::TITLE, spec: {spec:?}, operations: fixtures::{name}::OPERATIONS }},",
            spec = spec.display().to_string()
        )
        .map_err(|e| e.to_string())?;
        writeln!(
            arms,
            "        {name:?} => fixtures::{name}::run(base_url, run).await,"
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(format!(
        "\n/// Contract calls of every fixture of tests/fixtures/gen (clients of `oagen-fixtures`).\npub mod fixtures {{\n{modules}}}\n\n\
         /// Every fixture of tests/fixtures/gen, named as in `oagen-fixtures`.\npub const FIXTURES: &[::oagen_contract::Provider] = &[\n{list}];\n\n\
         /// Calls every operation of the fixture `name` against the mock at `base_url`.\n\
         pub async fn run_fixture(name: &str, base_url: &str, run: &mut ::oagen_contract::Run) {{\n    match name {{\n{arms}        _ => run.fail_all(&[], ::oagen_contract::Failure::harness(format!(\"unknown fixture {{name}}\"))),\n    }}\n}}\n"
    ))
}
