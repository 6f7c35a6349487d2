//! The README's "Your own spec", run as a new user would, outside the workspace: generate a
//! crate from a spec that is not one of ours (`tests/fixtures/own-spec/petstore.yaml`), build
//! it with nothing but the registries (the runtime is vendored, no `oagen-runtime` is
//! published), call an operation against a local mock server, then change the spec, review
//! the change with `oagen diff`, regenerate and build again.
//!
//! The `oagen` is the binary cargo built for this test, which is what the README's
//! `cargo install --path generator --features cli --locked` installs (in the dev profile).
//! The crate goes to a temporary directory outside the repository (a directory inside it would
//! be taken for a member of the workspace). Two departures from a user's machine, for speed
//! and to stay off the network: the workspace's `Cargo.lock` is copied into the crate, so the
//! dependencies resolve to the versions already downloaded and tested here; and the builds
//! share a target directory under `target/tmp`, so only the first run compiles reqwest and
//! Tokio (about 2 minutes on 2 cores), later ones seconds.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Instant;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The README's "Your own spec" section.
fn readme_section() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme
        .find("\n## Your own spec\n")
        .expect("the README has a section \"Your own spec\"");
    let rest = &readme[start + 1..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_string()
}

/// Runs a command, failing the test with its output when it fails.
fn run(cmd: &mut Command) -> Output {
    let shown = format!("{cmd:?}");
    let out = cmd.output().unwrap_or_else(|e| panic!("{shown}: {e}"));
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run(Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTC_WORKSPACE_WRAPPER"))
}

/// A mock of the API: answers `GET /v1/pets/1` with a pet (anything else: 404) and sends each request's head
/// (request line and headers, lower-cased names) to the channel.
fn mock_server() -> (String, mpsc::Receiver<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = Vec::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let line = line.trim_end().to_string();
                if line.is_empty() {
                    break;
                }
                head.push(if head.is_empty() {
                    line
                } else {
                    line.to_ascii_lowercase()
                });
            }
            let (status, body) = match head.first() {
                Some(l) if l.starts_with("GET /v1/pets/1 ") => {
                    ("200 OK", r#"{"id":1,"name":"Rex","tag":"dog"}"#)
                }
                _ => ("404 Not Found", r#"{"message":"no such pet"}"#),
            };
            // Sent before answering, so that the request is known once the client is done.
            let _ = tx.send(head);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("http://{addr}/v1"), rx)
}

#[test]
fn a_users_spec_generates_builds_and_calls_its_api_outside_the_workspace() {
    let started = Instant::now();
    let readme = readme_section();
    // The commands run below, as the README gives them.
    for command in [
        "cargo install --path generator --features cli --locked",
        "oagen generate petstore.yaml --out petstore",
        "cd petstore && cargo build",
        "PETSTORE_API_KEY=your-key cargo run --example petstore_quickstart",
        "cp petstore.yaml petstore-old.yaml",
        "oagen diff petstore-old.yaml petstore.yaml",
    ] {
        assert!(
            readme.contains(command),
            "the README's \"Your own spec\" lacks `{command}`"
        );
    }

    let oagen = env!("CARGO_BIN_EXE_oagen");
    let tmp = tempfile::tempdir().expect("temporary directory");
    let work = tmp.path();
    assert!(
        !work.starts_with(root().canonicalize().unwrap()),
        "the crate must be built outside the workspace"
    );
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("own-spec");
    let spec = work.join("petstore.yaml");
    std::fs::copy(root().join("tests/fixtures/own-spec/petstore.yaml"), &spec).unwrap();

    // Generate: it says where the crate went and what to run next.
    let out = run(Command::new(oagen)
        .args(["generate", "petstore.yaml", "--out", "petstore"])
        .current_dir(work));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("in petstore from petstore.yaml"), "{said}");
    assert!(
        said.contains("\nnext: cd petstore && cargo build"),
        "{said}"
    );
    let krate = work.join("petstore");
    assert!(krate.join("oagen-runtime/Cargo.toml").is_file());
    std::fs::copy(root().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();

    // Build, without a warning.
    let out = cargo(&krate, &target, &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
    // And without the default `tracing` feature.
    cargo(&krate, &target, &["build", "--no-default-features"]);

    // Call: the quickstart asks the mock for pet 1 with the key from the environment.
    let (base_url, requests) = mock_server();
    let out = run(
        Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()))
            .args(["run", "--quiet", "--example", "petstore_quickstart"])
            .current_dir(&krate)
            .env("CARGO_TARGET_DIR", &target)
            .env("PETSTORE_API_KEY", "test-key")
            .env("PETSTORE_BASE_URL", &base_url),
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains(r#"name: "Rex""#) && printed.contains("id: 1,"),
        "the quickstart printed: {printed}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let head = requests.try_recv().expect("the mock got a request");
    assert_eq!(head[0], "GET /v1/pets/1 HTTP/1.1");
    assert!(
        head.contains(&"authorization: bearer test-key".to_string()),
        "{head:?}"
    );
    assert!(requests.try_recv().is_err(), "one request only");

    // Change the spec (a new operation), review the change, regenerate, build again.
    std::fs::copy(&spec, work.join("petstore-old.yaml")).unwrap();
    let text = std::fs::read_to_string(&spec).unwrap();
    let edited = text.replacen(
        "paths:\n",
        "paths:\n  /pets:\n    get:\n      operationId: listPets\n      tags: [pets]\n      responses:\n        \"200\":\n          description: The pets\n          content:\n            application/json:\n              schema:\n                type: array\n                items:\n                  $ref: \"#/components/schemas/Pet\"\n",
        1,
    );
    assert_ne!(text, edited);
    std::fs::write(&spec, edited).unwrap();
    let out = run(Command::new(oagen)
        .args(["diff", "petstore-old.yaml", "petstore.yaml"])
        .current_dir(work));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("1 compatible") && report.contains("adds `Client::list_pets`"),
        "{report}"
    );
    run(Command::new(oagen)
        .args(["generate", "petstore.yaml", "--out", "petstore"])
        .current_dir(work));
    let pets = std::fs::read_to_string(krate.join("src/pets.rs")).unwrap();
    assert!(pets.contains("pub fn list_pets("), "no list_pets");
    cargo(&krate, &target, &["build"]);
    eprintln!("own spec, end to end: {:.1?}", started.elapsed());
}
