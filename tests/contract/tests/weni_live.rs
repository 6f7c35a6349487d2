//! What the real Weni Flows server taught, kept without the server.
//!
//! `bench/weni-live` ran every operation of the generated `weni` client against the real
//! server (`weni-ai/flows`, seeded with awkward data: NULL columns, empty strings, non-ASCII
//! names, the longest values) and recorded every exchange into `tests/fixtures/weni-live/`.
//! This test runs the very same cases (`weni_live::cases::run_all`) against a wiremock server
//! that replays the recording in order:
//!
//! * every request the client sends must equal the recorded one (method, path, query pairs,
//!   JSON body), so what the server accepted stays what the client sends;
//! * every recorded response must decode into the generated types, and the cases' checks on
//!   the values (a NULL `Broadcast.text` is `None`, a NULL `Message.modified_on` is `None`,
//!   `WhatsappFlow.assets` may be `[]`, the non-ASCII and 128-character names, the error
//!   bodies...) must hold;
//! * each case must end as it did against the server (`outcome` in its fixture).
//!
//! Re-record with `bench/weni-live/run.sh` (see bench/README.md).

use std::path::Path;

use weni_live::fixture::{CaseRecord, Exchange};
use weni_live::replay::Replayer;
use weni_live::{cases, Runner};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/weni-live")
}

#[tokio::test]
async fn the_recorded_weni_server_session_replays() {
    let dir = fixtures();
    let records = CaseRecord::read_dir(&dir).expect("the recording");
    assert!(records.len() > 100, "only {} recorded cases", records.len());
    let context: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("context.json")).expect("context.json"),
    )
    .expect("context.json is JSON");
    let nonce = context["nonce"].as_str().expect("nonce").to_owned();

    let exchanges: Vec<(usize, Exchange)> = records
        .iter()
        .flat_map(|r| r.exchanges.iter().map(move |e| (r.seq, e.clone())))
        .collect();
    let replayer = Replayer::new(exchanges);
    let server = MockServer::start().await;
    replayer.set_origin(&server.uri());
    Mock::given(any())
        .respond_with(replayer.clone())
        .mount(&server)
        .await;

    let client = weni::Client::builder()
        .api_key("replay-token")
        .base_url(server.uri())
        .retry_policy(weni::RetryPolicy::disabled())
        .build()
        .expect("client");
    // A client without a token. The generated client refuses to send an operation whose
    // security scheme has no credential; an empty `Authorization` header set by hand is the
    // caller's choice and goes out as it is, which the server reads as no token at all.
    let no_auth = weni::Client::builder()
        .default_header("Authorization", "")
        .base_url(server.uri())
        .retry_policy(weni::RetryPolicy::disabled())
        .build()
        .expect("client");
    let mut runner = Runner::new(|_| {});
    cases::run_all(&mut runner, &client, &no_auth, &nonce).await;

    let mut problems = Vec::new();
    for o in &runner.outcomes {
        match records.iter().find(|r| r.seq == o.seq) {
            None => problems.push(format!(
                "case {} {} {} was not recorded",
                o.seq, o.operation, o.case
            )),
            Some(r) if r.operation != o.operation || r.case != o.case => problems.push(format!(
                "case {}: ran {} {}, recorded {} {}",
                o.seq, o.operation, o.case, r.operation, r.case
            )),
            Some(r) if r.outcome != o.status.summary() => problems.push(format!(
                "{}: against the server `{}`, on replay `{}`",
                r.file_name(),
                r.outcome,
                o.status.summary()
            )),
            Some(_) => {}
        }
    }
    if runner.outcomes.len() != records.len() {
        problems.push(format!(
            "{} cases ran, {} recorded",
            runner.outcomes.len(),
            records.len()
        ));
    }
    problems.extend(replayer.mismatches());
    for (seq, e) in replayer.remaining().iter().take(5) {
        problems.push(format!(
            "case {seq}: recorded request {} {} never sent",
            e.method, e.path
        ));
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every operation of the client is in the recording: served ones with at least one `ok`
/// case, the others with their reason.
#[test]
fn every_weni_operation_is_recorded() {
    let records = CaseRecord::read_dir(&fixtures()).expect("the recording");
    let spec = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/weni.yaml"),
    )
    .expect("specs/weni.yaml");
    let ids: Vec<&str> = spec
        .lines()
        .filter_map(|l| l.trim().strip_prefix("operationId: "))
        .collect();
    assert_eq!(ids.len(), 60);
    for id in ids {
        let outcomes: Vec<&str> = records
            .iter()
            .filter(|r| r.operation == id)
            .map(|r| r.outcome.as_str())
            .collect();
        let served = outcomes.contains(&"ok");
        let listed = outcomes.iter().any(|o| o.starts_with("not served: "));
        assert!(
            served || listed,
            "{id}: neither an ok case nor a reason: {outcomes:?}"
        );
        if cases::NOT_SERVED.iter().any(|(op, _)| *op == id) {
            assert!(!served, "{id} is listed as not served but has an ok case");
        }
    }
}

/// The fixtures hold no token.
#[test]
fn the_recording_holds_no_token() {
    for entry in std::fs::read_dir(fixtures()).expect("fixtures") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("text");
        for needle in ["5eed0000000000000000000000000000000000a1", "Authorization"] {
            assert!(
                !text.contains(needle),
                "{} contains {needle}",
                path.display()
            );
        }
    }
}

/// The two limits the bench found that no decode can show (the generated client does not
/// check string lengths), pinned to the server's code: a contact name is 1 to 100 characters
/// (`temba/contacts/validators.py`, `clean_contact_name`; the recording holds the server's 400s
/// for a blank and a 101-character name), and a message text up to 1,500 (`MSG_FIELD_SIZE` in
/// `temba/settings_common.py`; upstream RapidPro's 640 does not apply).
#[test]
fn the_specs_text_limits_are_the_servers() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/weni.yaml");
    let text = std::fs::read_to_string(&path).expect("specs/weni.yaml");
    let spec: serde_json::Value = serde_yaml_ng::from_str(&text).expect("yaml");
    let schemas = &spec["components"]["schemas"];
    let name = &schemas["ContactWrite"]["properties"]["name"];
    assert_eq!(name["minLength"], 1, "ContactWrite.name: {name}");
    assert_eq!(name["maxLength"], 100, "ContactWrite.name: {name}");
    let plain = &schemas["TranslatableText"]["oneOf"][0];
    assert_eq!(plain["maxLength"], 1500, "TranslatableText: {plain}");
}
