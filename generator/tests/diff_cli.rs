//! `oagen diff` through the binary: output snapshots (markdown, JSON, text), exit codes, and
//! `git:REV:PATH` / `--base` sides read from a scratch git repository.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `oagen diff ARGS` from `dir`.
fn oagen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oagen"))
        .arg("diff")
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run oagen")
}

/// Runs `oagen diff ARGS` from the repository root.
fn oagen(args: &[&str]) -> Output {
    oagen_in(&repo_root(), args)
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SHOW_OLD: &str = "tests/fixtures/diff/showcase/old.yaml";
const SHOW_NEW: &str = "tests/fixtures/diff/showcase/new.yaml";

fn pair(rule: &str, kind: &str) -> (String, String) {
    (
        format!("tests/fixtures/diff/rules/{rule}/{kind}.old.yaml"),
        format!("tests/fixtures/diff/rules/{rule}/{kind}.new.yaml"),
    )
}

/// A webhook removed and a webhook payload changed are wire changes, with file, pointer and
/// line; the payload type's change is not called a crate-only change.
#[test]
fn webhook_changes_are_reported_as_wire_changes() {
    let (old, new) = (
        "tests/fixtures/diff/webhooks/old.yaml",
        "tests/fixtures/diff/webhooks/new.yaml",
    );
    let o = oagen(&[old, new, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let changes = v["reports"][0]["changes"].as_array().expect("changes");
    let find = |rule: &str| {
        changes
            .iter()
            .find(|c| c["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} in {changes:#?}"))
    };
    let removed = find("webhook-removed");
    assert_eq!(removed["severity"], "needs-review");
    assert_eq!(
        removed["operations"],
        serde_json::json!(["webhook invoice.failed"])
    );
    assert_eq!(removed["pointer"], "/webhooks/invoice.failed/post");
    assert_eq!(removed["side"], "old");
    assert_eq!(removed["file"], old);
    assert_eq!(removed["line"], 48);
    let email = find("response-type-changed");
    assert_eq!(email["severity"], "breaking");
    assert_eq!(
        email["operations"],
        serde_json::json!(["webhook customer.created"])
    );
    assert_eq!(
        email["pointer"],
        "/webhooks/customer.created/post/requestBody/content/application~1json/schema/properties/data/properties/email"
    );
    assert_eq!(email["file"], new);
    assert_eq!(email["line"], 64);
    assert_eq!(changes.len(), 2, "{changes:#?}");

    let o = oagen(&[old, new]);
    let text = stdout(&o);
    assert!(
        !text.contains("no wire change"),
        "the payload change is a wire change:\n{text}"
    );
    assert!(
        text.contains("2 changes (1 breaking, 1 needs review, 0 compatible); crate bump: major"),
        "{text}"
    );
}

#[test]
fn markdown_output() {
    let o = oagen(&[SHOW_OLD, SHOW_NEW, "--format", "markdown"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    insta::assert_snapshot!("diff_markdown", stdout(&o));
}

#[test]
fn json_output() {
    let o = oagen(&[SHOW_OLD, SHOW_NEW, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["schema"], "oagen-diff/1");
    insta::assert_snapshot!("diff_json", text);
}

#[test]
fn text_output_is_plain_when_not_a_terminal() {
    let o = oagen(&[SHOW_OLD, SHOW_NEW]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(!text.contains('\u{1b}'), "ANSI codes in piped output");
    insta::assert_snapshot!("diff_text", text);
}

#[test]
fn json_of_no_changes_is_empty_but_complete() {
    let o = oagen(&[SHOW_OLD, SHOW_OLD, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["summary"]["semver"], "none");
    assert_eq!(v["reports"][0]["changes"], serde_json::json!([]));
    assert_eq!(v["reports"][0]["crate_changes"], serde_json::json!([]));
}

#[test]
fn exit_codes_follow_fail_on() {
    // (old, new, --fail-on, expected exit code)
    let breaking = (SHOW_OLD.to_string(), SHOW_NEW.to_string());
    let review_only = pair("response-enum-value-added", "fires");
    let compatible_only = pair("operation-added", "fires");
    let nothing = (SHOW_OLD.to_string(), SHOW_OLD.to_string());
    let cases: Vec<(&(String, String), Option<&str>, i32)> = vec![
        (&breaking, None, 0),
        (&breaking, Some("breaking"), 1),
        (&breaking, Some("needs-review"), 1),
        (&breaking, Some("any"), 1),
        (&review_only, Some("breaking"), 0),
        (&review_only, Some("needs-review"), 1),
        (&review_only, Some("any"), 1),
        (&compatible_only, Some("breaking"), 0),
        (&compatible_only, Some("needs-review"), 0),
        (&compatible_only, Some("any"), 1),
        (&nothing, Some("any"), 0),
    ];
    let mut failures = Vec::new();
    for ((old, new), fail_on, want) in cases {
        let mut args = vec![old.as_str(), new.as_str(), "--format", "json"];
        if let Some(level) = fail_on {
            args.extend(["--fail-on", level]);
        }
        let o = oagen(&args);
        if code(&o) != want {
            failures.push(format!(
                "{args:?}: exit {} instead of {want}; stderr: {}",
                code(&o),
                stderr(&o)
            ));
        }
        // The report is printed whatever the exit code.
        if serde_json::from_str::<serde_json::Value>(&stdout(&o)).is_err() {
            failures.push(format!("{args:?}: no JSON report on stdout"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bad_input_exits_2() {
    let cases: Vec<Vec<&str>> = vec![
        vec!["tests/fixtures/diff/does-not-exist.yaml", SHOW_NEW],
        vec![SHOW_OLD, "tests/fixtures/diff/does-not-exist.yaml"],
        vec!["tests/fixtures/bad/swagger-1.yaml", SHOW_NEW],
        vec![SHOW_OLD, SHOW_NEW, "--format", "yaml"],
        vec![SHOW_OLD, SHOW_NEW, "--fail-on", "everything"],
        vec![SHOW_OLD],
        vec![],
        vec![
            "git:no-such-revision-here:specs/weni.yaml",
            "specs/weni.yaml",
        ],
        vec!["--base", "no-such-revision-here"],
        vec![
            "--base",
            "HEAD",
            "--config",
            "tests/fixtures/diff/no-such-oagen.toml",
        ],
    ];
    let mut failures = Vec::new();
    for args in cases {
        let o = oagen(&args);
        if code(&o) != 2 {
            failures.push(format!("{args:?}: exit {} instead of 2", code(&o)));
        }
        if stderr(&o).trim().is_empty() {
            failures.push(format!("{args:?}: no message on stderr"));
        }
        if !stdout(&o).trim().is_empty() {
            failures.push(format!("{args:?}: a report on stdout despite bad input"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_invalid_spec_is_reported_with_its_diagnostics() {
    let o = oagen(&["tests/fixtures/bad/swagger-1.yaml", SHOW_NEW]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("swagger-1.yaml"), "{}", stderr(&o));
}

// ----- git sides -----

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=oagen tests",
            "-c",
            "user.email=tests@oagen.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A scratch repository with `api/spec.yaml` referring to `api/common/pet.yaml`, committed,
/// then `pet.yaml` edited (required property `name` removed) in the work tree.
fn scratch_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("api/common")).expect("mkdir");
    std::fs::write(
        root.join("api/spec.yaml"),
        r#"openapi: 3.0.3
info: {title: Scratch, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The pet.
          content:
            application/json:
              schema:
                $ref: "common/pet.yaml#/Pet"
"#,
    )
    .expect("write");
    let pet = "Pet:\n  type: object\n  required: [name]\n  properties:\n    name: {type: string}\n    tag: {type: string}\n";
    std::fs::write(root.join("api/common/pet.yaml"), pet).expect("write");
    std::fs::write(
        root.join("oagen.toml"),
        "[[client]]\nspec = \"api/spec.yaml\"\nout = \"generated/scratch\"\ncrate-name = \"scratch\"\n",
    )
    .expect("write");
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "first"]);
    std::fs::write(
        root.join("api/common/pet.yaml"),
        pet.replace("  required: [name]\n", "")
            .replace("    name: {type: string}\n", ""),
    )
    .expect("write");
    dir
}

#[test]
fn a_git_side_follows_refs_into_other_files_at_that_revision() {
    let repo = scratch_repo();
    let o = oagen_in(
        repo.path(),
        &[
            "git:HEAD:api/spec.yaml",
            "api/spec.yaml",
            "--format",
            "json",
            "--fail-on",
            "breaking",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let report = &v["reports"][0];
    assert_eq!(report["old"], "git:HEAD:api/spec.yaml");
    let change = &report["changes"][0];
    assert_eq!(change["rule"], "response-property-removed", "{report:#}");
    assert_eq!(change["operations"], serde_json::json!(["GET /pets/{id}"]));
    // The removed property is named in the referenced file, at the old revision.
    assert_eq!(change["file"], "git:HEAD:api/common/pet.yaml", "{change:#}");
    assert!(change["line"].is_number(), "{change:#}");
}

#[test]
fn a_git_path_with_dot_slash_is_relative_to_the_current_directory() {
    let repo = scratch_repo();
    let o = oagen_in(
        &repo.path().join("api"),
        &["git:HEAD:./spec.yaml", "spec.yaml"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("response-property-removed"),
        "{}",
        stdout(&o)
    );
    // Same revision on both sides: nothing.
    let o = oagen_in(
        repo.path(),
        &[
            "git:HEAD:api/spec.yaml",
            "git:HEAD:api/spec.yaml",
            "--fail-on",
            "any",
        ],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn a_path_missing_at_the_revision_is_bad_input() {
    let repo = scratch_repo();
    let o = oagen_in(repo.path(), &["git:HEAD:api/nope.yaml", "api/spec.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("git:HEAD:api/nope.yaml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn base_diffs_every_spec_of_the_config() {
    let repo = scratch_repo();
    let o = oagen_in(
        repo.path(),
        &[
            "--base",
            "HEAD",
            "--format",
            "markdown",
            "--fail-on",
            "breaking",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("`git:HEAD:api/spec.yaml` → `api/spec.yaml`"),
        "{text}"
    );
    assert!(text.contains("response-property-removed"), "{text}");
    // A spec new since the revision: all its operations are added.
    std::fs::write(
        repo.path().join("oagen.toml"),
        "[[client]]\nspec = \"api/spec.yaml\"\nout = \"g/a\"\n\n[[client]]\nspec = \"api/other.yaml\"\nout = \"g/b\"\n",
    )
    .expect("write");
    std::fs::copy(
        repo.path().join("api/spec.yaml"),
        repo.path().join("api/other.yaml"),
    )
    .expect("copy");
    let o = oagen_in(repo.path(), &["--base", "HEAD", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["reports"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        v["reports"][1]["changes"][0]["rule"], "operation-added",
        "{v:#}"
    );
}

/// A spec whose response is a chain of `n` named object types, the last one ending in a
/// property of type `leaf`.
fn chain_spec(n: usize, leaf: &str) -> String {
    let mut s = String::from(
        "openapi: 3.0.3\ninfo: {title: chain, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/S0'}\ncomponents:\n  schemas:\n",
    );
    for i in 0..n {
        let next = if i + 1 < n {
            format!("next: {{$ref: '#/components/schemas/S{}'}}", i + 1)
        } else {
            format!("leaf: {{type: {leaf}}}")
        };
        s.push_str(&format!(
            "    S{i}:\n      type: object\n      properties:\n        {next}\n"
        ));
    }
    s
}

#[test]
fn a_long_chain_of_named_types_does_not_exhaust_the_stack() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("old.yaml"), chain_spec(3000, "string")).expect("write");
    std::fs::write(dir.path().join("new.yaml"), chain_spec(3000, "integer")).expect("write");
    let o = oagen_in(dir.path(), &["old.yaml", "new.yaml", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let change = &v["reports"][0]["changes"][0];
    assert_eq!(change["rule"], "response-type-changed", "{v:#}");
    assert_eq!(
        change["pointer"],
        "/components/schemas/S2999/properties/leaf"
    );
}

/// Swagger 2.0 on either side: a 2.0 spec and its OpenAPI 3.0 conversion are no change.
#[test]
fn swagger_2_is_read_on_either_side() {
    for case in ["swagger2-to-openapi3", "openapi3-to-swagger2"] {
        let old = format!("tests/fixtures/diff/same/{case}/old.yaml");
        let new = format!("tests/fixtures/diff/same/{case}/new.yaml");
        let o = oagen(&[old.as_str(), new.as_str()]);
        assert_eq!(code(&o), 0, "{case}: {}", stderr(&o));
        assert!(stdout(&o).contains("0 changes"), "{case}: {}", stdout(&o));
    }
}

/// `oagen diff ... | head`: the reader goes away before the report is written. The rest is
/// dropped quietly; `println!` used to panic ("failed printing to stdout: Broken pipe").
#[test]
fn a_reader_that_goes_away_is_not_a_panic() {
    let (old, new) = pair("operation-removed", "fires");
    let mut child = Command::new(env!("CARGO_BIN_EXE_oagen"))
        .current_dir(repo_root())
        .args(["diff", &old, &new])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("oagen runs");
    // Close the read end before oagen has loaded both specs and written its report.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("oagen ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}
