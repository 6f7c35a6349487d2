//! Every fixture of tests/fixtures/gen gets a contract test for free: the calls generated
//! from its IR run against Prism serving the fixture, like those of the four providers.
//!
//! ```sh
//! OAGEN_CONTRACT_FIXTURES=1 cargo test -p oagen-contract --test fixtures -- --nocapture
//! ```
//!
//! It runs in CI (`CI` set) and, elsewhere, only with `OAGEN_CONTRACT_FIXTURES=1`: it starts
//! one Prism per fixture, a few minutes on two cores.
//!
//! Fixtures have no examples, so Prism makes up their responses, and for a few schemas what it
//! makes up breaks the schema. Those calls are listed in [`KNOWN`] with the reason; each must
//! still fail the stated way (a listed call that passes fails the test: remove it), and every
//! other call must pass.

use oagen_contract::generated::FIXTURES;
use oagen_contract::{prism_binary, run_suite, FailureKind, Provider, Report, Suite};

/// (fixture, operationId, how it fails, why).
const KNOWN: &[(&str, &str, FailureKind, &str)] = &[
    (
        "kitchen_sink",
        "getGenreTree",
        FailureKind::Violation,
        "Prism ends the recursion with `{}`, which lacks the required `genre` and `children`",
    ),
    (
        "oas31_allof_null",
        "getBill",
        FailureKind::Violation,
        "as JSON Schema, `allOf: [{$ref: Currency}, {type: null}]` admits no value at all (a \
         string that is also null); oagen reads it as a nullable reference, as codat.io means it, \
         but Prism checks its own made-up currency against both parts",
    ),
    (
        "oneof_discriminator",
        "listPets",
        FailureKind::Violation,
        "Prism's made-up Cat also matches Dog (both only require a string `petType` and `name`), so \
         its own response breaks `oneOf`",
    ),
    (
        "primitives_formats",
        "getPrimitives",
        FailureKind::Violation,
        "Prism's made-up value for `format: byte` fails Prism's own `byte` format check",
    ),
    (
        "swagger2_responses",
        "getItem",
        FailureKind::Client,
        "Prism 5.14.2 crashes (a TypeError in its `simple` style deserializer) while checking the \
         array header `X-Tags` of its own mocked 200 response, a plain `curl` included, and the \
         server is gone for the rest of the fixture",
    ),
    (
        "swagger2_responses",
        "download",
        FailureKind::Client,
        "the same crashed Prism (see `getItem`)",
    ),
    (
        "recursive_linked_list",
        "getQueue",
        FailureKind::Decode,
        "Prism ends the recursion with `{}`, which lacks the required `value`",
    ),
    (
        "recursive_mutual",
        "getDepartment",
        FailureKind::Violation,
        "Prism ends the recursion with `{}`, which lacks the required `name`",
    ),
    (
        "recursive_tree",
        "getFolderTree",
        FailureKind::Violation,
        "Prism ends the recursion with `{}`, which lacks the required `name` and `children`",
    ),
    // What Prism 5.14.2 cannot serve: OpenAPI 3.2 constructs and streamed bodies. Each is
    // tested against a local server instead (the file is named in the reason).
    (
        "oas32_additional_operations",
        "linkPet",
        FailureKind::Status,
        "Prism 5.14.2 reads OpenAPI 3.0 and 3.1: it knows no 3.2 `additionalOperations`, so `LINK /pets/{id}` is a method it has not got (405); tests/compile/tests/oas32.rs checks the request against wiremock",
    ),
    (
        "oas32_additional_operations",
        "unlinkPet",
        FailureKind::Status,
        "as `linkPet`: Prism has no `UNLINK` from `additionalOperations`",
    ),
    (
        "oas32_additional_operations",
        "purge_cache_by_key",
        FailureKind::Status,
        "as `linkPet`: the path has only a `PURGE` operation, so Prism has no route at all (404)",
    ),
    (
        "oas32_default_mapping",
        "getPet",
        FailureKind::Violation,
        "Prism knows no 3.2 `defaultMapping`: its made-up pet matches both alternatives, so its own response breaks `oneOf`; the default mapping is decoded in tests/compile/tests/oas32.rs",
    ),
    (
        "oas32_query_method",
        "searchPets",
        FailureKind::Status,
        "Prism 5.14.2 has no 3.2 `query` method (405); tests/compile/tests/oas32.rs checks `QUERY` against wiremock",
    ),
    (
        "oas32_query_method",
        "query_pets",
        FailureKind::Status,
        "as `searchPets`: the path has only a `query` operation, so Prism has no route (404)",
    ),
    (
        "oas32_self",
        "getPet",
        FailureKind::Harness,
        "Prism resolves the 3.2 `$self` base URI over the network (there is none in CI) and does not start; oagen reads the files next to the spec (generator/src/load/cases/v32.rs)",
    ),
    (
        "stream_item_schema_32",
        "exportBatches",
        FailureKind::Status,
        "Prism 5.14.2 cannot mock `application/jsonl` (\"Cannot find serializer\", 500); streams are tested against a local server in generator/runtime/tests/stream.rs and tests/compile/tests/typed_streams.rs",
    ),
    (
        "stream_json_seq",
        "streamFeatures",
        FailureKind::Status,
        "Prism cannot mock `application/json-seq` (see `exportBatches`)",
    ),
    (
        "stream_jsonl",
        "exportLogs",
        FailureKind::Status,
        "Prism cannot mock `application/x-ndjson` (see `exportBatches`)",
    ),
    (
        "stream_jsonl",
        "tailLogs",
        FailureKind::Status,
        "Prism cannot mock `application/jsonl` (see `exportBatches`)",
    ),
    (
        "stream_sentinel",
        "chat",
        FailureKind::Decode,
        "Prism writes its made-up `text/event-stream` body as one line of text without the blank line that ends an event, so the body ends in the middle of an event",
    ),
    (
        "stream_sentinel",
        "feed",
        FailureKind::Status,
        "Prism cannot mock a `text/event-stream` of JSON objects (\"Cannot serialise complex objects as text\", 500)",
    ),
    (
        "stream_sse_events",
        "watchJob",
        FailureKind::Status,
        "as `stream_sentinel` `feed`: Prism cannot mock an event stream of objects",
    ),
    (
        "stream_sse_json",
        "watchTicks",
        FailureKind::Status,
        "as `stream_sentinel` `feed`: Prism cannot mock an event stream of objects",
    ),
];

/// Whether to run: always in CI, elsewhere when `OAGEN_CONTRACT_FIXTURES` is set (the suite
/// starts one Prism per fixture, a few minutes on two cores).
fn enabled() -> bool {
    let set =
        |name: &str| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    set("CI") || set("OAGEN_CONTRACT_FIXTURES")
}

#[test]
fn every_operation_of_every_fixture_against_prism() {
    if !enabled() {
        eprintln!(
            "NOTE: the fixture contract tests did not run: set OAGEN_CONTRACT_FIXTURES=1 (CI=true always runs them)"
        );
        return;
    }
    let binary = match prism_binary() {
        Ok(b) => b,
        Err(msg) => panic!("{msg}"),
    };
    let log_dir = std::env::var_os("OAGEN_CONTRACT_LOG").map(std::path::PathBuf::from);
    let mut report = Report::default();
    // A few mocks at a time: each is a Node process.
    for chunk in FIXTURES.chunks(6) {
        let jobs: Vec<(Provider, String)> =
            chunk.iter().map(|p| (*p, p.spec.to_string())).collect();
        report
            .providers
            .extend(run_suite(Suite::Fixtures, &binary, &jobs, log_dir.as_deref()).providers);
    }
    println!(
        "\nFixture contract tests against Prism:\n\n{}",
        report.table()
    );
    let mut wrong = Vec::new();
    for p in &report.providers {
        if p.results.len() != p.provider.operations.len() {
            wrong.push(format!(
                "{}: {} of {} operations called",
                p.provider.name,
                p.results.len(),
                p.provider.operations.len()
            ));
        }
        for r in &p.results {
            let known = KNOWN
                .iter()
                .find(|(f, op, _, _)| *f == p.provider.name && *op == r.op.id);
            match (known, &r.outcome) {
                (None, Ok(_)) => {}
                (None, Err(f)) => wrong.push(format!("{} {}: {f}", p.provider.name, r.op.id)),
                (Some((_, _, kind, _)), Err(f)) if f.kind == *kind => {}
                (Some((_, _, kind, why)), outcome) => wrong.push(format!(
                    "{} {}: listed in KNOWN as failing with {kind:?} ({why}), but got {outcome:?}",
                    p.provider.name, r.op.id
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "fixture contract failures:\n{}\n{}",
        wrong.join("\n"),
        report.table()
    );
}
