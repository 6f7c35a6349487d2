//! Rebuild behaviour of a crate that generates its client in `build.rs`
//! (`examples/build-rs-consumer`): an unchanged spec costs no regeneration, touching an
//! unrelated file of the package does not rerun the build script, and touching the spec (or
//! the file its `$ref` reaches) does.
//!
//! This runs a nested `cargo build -v` in the same target directory and reads Cargo's own
//! account of what it ran. It builds what `cargo test --workspace` has just built, with the
//! same features, so under that command nothing but the example is rebuilt (run alone, the
//! first nested build compiles the workspace). The touched files keep their contents; only
//! their modification times change.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> PathBuf {
    root().join("examples/build-rs-consumer")
}

/// What one nested build did to the example.
struct Build {
    /// Its build script ran.
    ran: bool,
    /// Cargo's reasons for rebuilding it (`Dirty ...: the file ... has changed`).
    reasons: Vec<String>,
}

/// `cargo build -v --workspace --tests`: the targets and features `cargo test --workspace`
/// builds, so that under that command nothing else is rebuilt.
fn build() -> Build {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    // Cargo gives this test process the variables of the package under test
    // (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`, `OUT_DIR`, ...). Passed on, they would count as
    // changed environment for dependencies whose build scripts watch them (`ring` does), and
    // both this build and the next normal one would rebuild those.
    for (name, _) in std::env::vars_os() {
        if let Some(name) = name.to_str() {
            if injected_by_cargo(name) {
                command.env_remove(name);
            }
        }
    }
    let out = command
        .current_dir(root())
        .args(["build", "-v", "--workspace", "--tests", "--color", "never"])
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo build failed:\n{stderr}");
    let ours: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("build-rs-consumer"))
        .collect();
    assert!(
        !ours.is_empty(),
        "cargo did not mention build-rs-consumer:\n{stderr}"
    );
    let ran = ours
        .iter()
        .any(|l| l.trim_start().starts_with("Running") && l.contains("build-script-build"));
    let reasons: Vec<String> = ours
        .iter()
        .filter(|l| l.trim_start().starts_with("Dirty"))
        .map(|l| l.trim().to_string())
        .collect();
    eprintln!("--- build script ran: {ran}; {reasons:?}");
    Build { ran, reasons }
}

/// Whether Cargo sets this variable for a test process (as opposed to configuration that the
/// user may have set for both builds, such as `CARGO_HOME` or `CARGO_TARGET_DIR`). Cargo sets
/// `CARGO_TARGET_TMPDIR` for integration tests.
fn injected_by_cargo(name: &str) -> bool {
    const CONFIG: &[&str] = &[
        "CARGO_HOME",
        "CARGO_TARGET_",
        "CARGO_BUILD_",
        "CARGO_PROFILE_",
        "CARGO_TERM_",
        "CARGO_NET_",
        "CARGO_HTTP_",
        "CARGO_REGISTRIES_",
        "CARGO_REGISTRY_",
        "CARGO_INCREMENTAL",
        "CARGO_LOG",
        "CARGO_UNSTABLE_",
        "CARGO_ALIAS_",
        "CARGO_CACHE_RUSTC_INFO",
    ];
    let cargo_var = name.starts_with("CARGO_")
        && (name == "CARGO_TARGET_TMPDIR" || !CONFIG.iter().any(|c| name.starts_with(c)));
    cargo_var || name == "OUT_DIR"
}

/// Builds until the build script no longer runs: at most a few times, because other work in
/// the same checkout may have changed a dependency (such as `oagen`) meanwhile. A build
/// script that reruns on every build never settles and fails here.
fn settle() {
    for _ in 0..4 {
        if !build().ran {
            return;
        }
    }
    panic!("a no-op build keeps rerunning the build script");
}

/// Whether a rebuild came from a changed dependency rather than from a file of the example.
fn dependency_changed(b: &Build) -> bool {
    b.reasons.iter().any(|r| r.contains("dependency"))
}

/// Touches `file` after a settled build, builds, and returns whether the build script ran.
/// A run caused by a changed dependency (concurrent work) is retried.
fn touch_and_build(file: &Path) -> bool {
    for _ in 0..3 {
        settle();
        touch(file);
        let b = build();
        if !(b.ran && dependency_changed(&b)) {
            return b.ran;
        }
    }
    panic!("dependencies kept changing; cannot test {}", file.display());
}

/// Sets a file's modification time to now; the contents stay as they are.
fn touch(path: &Path) {
    let file = std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file.set_modified(SystemTime::now()).unwrap();
}

#[test]
fn only_the_spec_and_its_refs_trigger_regeneration() {
    // An unrelated file of the package: without precise rerun-if-changed lines, Cargo would
    // rerun the build script when any file of the package changes.
    assert!(
        !touch_and_build(&example().join("README.md")),
        "touching README.md reran the build script"
    );
    assert!(
        touch_and_build(&example().join("openapi/petstore.yaml")),
        "touching the spec did not rerun the build script"
    );
    assert!(
        touch_and_build(&example().join("openapi/schemas/pet.yaml")),
        "touching the file the spec's $ref reaches did not rerun the build script"
    );
    // And after regeneration, a no-op build is a no-op again.
    settle();
}
