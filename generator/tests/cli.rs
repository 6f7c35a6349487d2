//! The `oagen` binary: `check` passes on the repository, fails (exit 1, naming the stale
//! files) after a spec edit that changes output; exit codes of `lint` and `generate`.

use std::path::Path;

mod support {
    /// The repository root.
    pub fn root() -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
    }
}
use std::process::Command;

fn oagen(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let exe = env!("CARGO_BIN_EXE_oagen");
    let out = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run oagen");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn check_passes_on_the_repository() {
    let (code, _, err) = oagen(&support::root(), &["check"]);
    assert_eq!(code, 0, "oagen check failed on the committed tree:\n{err}");
}

#[test]
fn check_fails_after_a_spec_edit_and_generate_fixes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::copy(
        support::root().join("specs/weflow.yaml"),
        dir.join("specs/weflow.yaml"),
    )
    .unwrap();
    copy_dir(
        &support::root().join("generated/weflow"),
        &dir.join("generated/weflow"),
    );
    let runtime = support::root().join("generator/runtime");
    std::fs::write(
        dir.join("oagen.toml"),
        format!(
            "[options]\nruntime-path = \"{}\"\n[[client]]\nspec = \"specs/weflow.yaml\"\nout = \"generated/weflow\"\ncrate-name = \"weflow\"\n",
            runtime.display()
        ),
    )
    .unwrap();
    // Same spec, same output: clean (after regenerating with this runtime path).
    let (code, _, err) = oagen(dir, &["generate"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = oagen(dir, &["check"]);
    assert_eq!(code, 0, "{err}");
    // A description edit changes the docs of the generated code.
    let spec = std::fs::read_to_string(dir.join("specs/weflow.yaml")).unwrap();
    let edited = spec.replacen(
        "summary: List recordings",
        "summary: List all recordings",
        1,
    );
    assert_ne!(spec, edited, "the fixture text to edit is gone");
    std::fs::write(dir.join("specs/weflow.yaml"), edited).unwrap();
    let (code, _, err) = oagen(dir, &["check"]);
    assert_eq!(code, 1, "check did not fail: {err}");
    assert!(
        err.contains("generated/weflow/src/recordings.rs"),
        "stale file not named:\n{err}"
    );
    let (code, _, err) = oagen(dir, &["generate"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = oagen(dir, &["check"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn exit_codes() {
    let root = support::root();
    let (code, _, err) = oagen(&root, &["lint", "tests/fixtures/bad/malformed-yaml.yaml"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("parse-error"), "{err}");
    // A dangling reference is repaired (the schema becomes any value) with a warning, which
    // --strict makes fatal.
    let (code, out, err) = oagen(&root, &["lint", "tests/fixtures/bad/dangling-ref.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        format!("{out}{err}").contains("warning[dangling-ref]"),
        "{out}{err}"
    );
    let (code, _, err) = oagen(
        &root,
        &["lint", "tests/fixtures/bad/dangling-ref.yaml", "--strict"],
    );
    assert_eq!(code, 1, "{err}");
    let (code, out, _) = oagen(&root, &["lint", "specs/weflow.yaml"]);
    assert_eq!(code, 0);
    assert!(out.contains("no problems"), "{out}");
    let (code, _, _) = oagen(
        &root,
        &[
            "lint",
            "tests/fixtures/bad/unknown-extension.yaml",
            "--strict",
        ],
    );
    assert_eq!(code, 1);
    let (code, _, err) = oagen(&root, &["generate", "specs/weflow.yaml"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = oagen(&root, &["check", "--config", "does-not-exist.toml"]);
    assert_eq!(code, 2, "{err}");
}

/// `lint` and `generate` read Swagger 2.0; its diagnostics name the 2.0 file as written.
#[test]
fn swagger_2_is_linted_and_generated() {
    let root = support::root();
    let (code, out, err) = oagen(&root, &["lint", "tests/fixtures/gen/swagger2-form.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no problems"), "{out}{err}");
    let (code, out, err) = oagen(
        &root,
        &["lint", "tests/fixtures/bad/swagger-2.yaml", "--strict"],
    );
    assert_eq!(code, 1, "{out}{err}");
    let text = format!("{out}{err}");
    assert!(
        text.contains("tests/fixtures/bad/swagger-2.yaml:28:15")
            && text.contains("#/paths/~1pets/get/responses/200/schema/items/$ref")
            && text.contains("`#/definitions/Pets`"),
        "{text}"
    );
    let dir = std::env::temp_dir().join(format!("oagen-cli-swagger2-{}", std::process::id()));
    let dir_arg = dir.to_string_lossy().into_owned();
    let (code, _, err) = oagen(
        &root,
        &[
            "generate",
            "tests/fixtures/gen/swagger2-petstore.yaml",
            "--out",
            &dir_arg,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let client = std::fs::read_to_string(dir.join("src/client.rs")).expect("client.rs");
    assert!(
        client.contains("\"https://petstore.example.com/v1\""),
        "{client}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
