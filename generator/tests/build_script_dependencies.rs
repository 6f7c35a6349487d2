//! A build script that depends on the `oagen` library compiles neither clap nor mimalloc:
//! both belong to the command line, behind the `cli` feature.

use std::process::Command;

/// The normal dependencies of `oagen` with `features`, one crate name per line.
fn dependencies(features: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "tree",
        "--offline",
        "-p",
        "oagen",
        "-e",
        "normal",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ]);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    let out = cmd.output().expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn has(tree: &str, krate: &str) -> bool {
    tree.lines()
        .any(|l| l.split_whitespace().next() == Some(krate))
}

#[test]
fn the_library_alone_compiles_neither_clap_nor_mimalloc() {
    let lib = dependencies(&[]);
    assert!(has(&lib, "syn"), "{lib}");
    for krate in ["clap", "clap_builder", "mimalloc", "libmimalloc-sys"] {
        assert!(!has(&lib, krate), "{krate} in:\n{lib}");
    }
    let cli = dependencies(&["cli"]);
    assert!(has(&cli, "clap") && has(&cli, "mimalloc"), "{cli}");
}
