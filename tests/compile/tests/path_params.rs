//! A request never reaches a resource other than the one the caller named: a path parameter
//! that is empty, `null`, `.` or `..` once serialized (for every parameter type, through every
//! HTTP method) is refused with `Error::InvalidRequest` and the server sees no request at all.
//!
//! Providers: whereby and warpflow have string path parameters, weflow uuid ones (which cannot be
//! empty: they are checked to reach their resource), weni has none. The fixtures cover the other
//! types: integer, uuid, date, date-time (`params-path`), enum and composite
//! (`path-param-composite`).

use oagen_fixtures::{params_path, path_param_composite};
use oagen_runtime::Error;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The values a string parameter may not take.
const BAD: [&str; 3] = ["", ".", ".."];

async fn server() -> MockServer {
    let server = MockServer::start().await;
    // Anything that does reach the server succeeds, so only the count can tell.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

/// The call failed with an invalid-request error naming a path parameter, and nothing was sent.
#[track_caller]
fn refused<T: std::fmt::Debug, E: std::fmt::Debug>(what: &str, result: Result<T, Error<E>>) {
    match result {
        Err(Error::InvalidRequest(message)) => {
            assert!(message.contains("path parameter"), "{what}: {message}");
        }
        other => panic!("{what}: expected Error::InvalidRequest, got {other:?}"),
    }
}

fn body<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("a valid body")
}

#[tokio::test]
async fn whereby_string_path_params_every_method() {
    let server = server().await;
    let client = whereby::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    for bad in BAD {
        refused("GET", client.get_meeting(bad).send().await);
        refused("DELETE", client.delete_meeting(bad).send().await);
        refused("DELETE", client.delete_recording(bad).send().await);
        refused(
            "PUT",
            client
                .set_room_theme_tokens(bad, body(json!({"tokens": {}})))
                .send()
                .await,
        );
        refused("GET", client.get_recording_access_link(bad).send().await);
        refused("DELETE", client.delete_summary(bad).send().await);
    }
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn warpflow_string_path_params_every_method() {
    let server = server().await;
    let client = warpflow::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    for bad in BAD {
        refused("GET", client.get_config(bad).send().await);
        refused(
            "PUT",
            client.replace_config(bad, body(json!({}))).send().await,
        );
        refused(
            "PATCH",
            client.update_config(bad, body(json!({}))).send().await,
        );
        refused(
            "POST",
            client
                .classify_conversation(bad, body(json!({})))
                .send()
                .await,
        );
        refused("DELETE", client.delete_contact("t1", bad).send().await);
        refused(
            "DELETE, first",
            client.delete_contact(bad, "c1").send().await,
        );
        refused(
            "PATCH, second",
            client
                .update_callback("t1", bad, body(json!({})))
                .send()
                .await,
        );
    }
    // Paginated operations refuse before the first page, too.
    let mut pages = client.list_contacts("").pages();
    refused("pages", {
        use futures::StreamExt;
        pages.next().await.expect("one item: the error")
    });
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn weflow_uuid_path_params_reach_their_resource() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/recordings/00000000-0000-0000-0000-000000000007/comments",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let client = weflow::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let _ = client
        .get_recording_comments(uuid::Uuid::from_u128(7))
        .send()
        .await;
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn fixture_integer_and_uuid_params_with_an_empty_sibling_send_nothing() {
    let server = server().await;
    let client = params_path::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    for bad in BAD {
        refused(
            "GET",
            client
                .get_run_step(bad, 42, uuid::Uuid::nil(), 3)
                .send()
                .await,
        );
        refused(
            "DELETE",
            client.cancel_run(bad, 42, uuid::Uuid::nil()).send().await,
        );
    }
    assert_eq!(requests(&server).await, 0);
    // Integers and uuids themselves are never empty: they reach their resource.
    let ok = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/orgs/a%2Fb/projects/-42/runs/00000000-0000-0000-0000-000000000000/steps/3",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!("log")))
        .expect(1)
        .mount(&ok)
        .await;
    let client = params_path::Client::builder()
        .base_url(ok.uri())
        .build()
        .unwrap();
    let log = client
        .get_run_step("a/b", -42, uuid::Uuid::nil(), 3)
        .send()
        .await
        .unwrap();
    assert_eq!(log, "log");
}

#[tokio::test]
async fn fixture_date_and_date_time_params_reach_their_resource() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/events/2024-05-01/at/2024-05-01T12%3A30%3A00Z"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = params_path::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
    let at = day.and_hms_opt(12, 30, 0).unwrap().and_utc();
    client.put_event(day, at).send().await.unwrap();
}

#[tokio::test]
async fn fixture_enum_params_refuse_empty_and_dot_values() {
    use path_param_composite::types::{GetWorkflowRunsWorkflowId, RunKind};
    let server = server().await;
    let client = path_param_composite::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    for bad in BAD {
        refused(
            "GET, enum",
            client
                .get_workflow_runs(
                    GetWorkflowRunsWorkflowId::Integer(1),
                    RunKind::Unknown(bad.to_owned()),
                )
                .send()
                .await,
        );
    }
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn fixture_composite_params_refuse_empty_null_and_dot_values() {
    use path_param_composite::types::{DeploymentId, GetWorkflowRunsWorkflowId, RunKind};
    let server = server().await;
    let client = path_param_composite::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    for bad in BAD {
        refused(
            "GET, union",
            client
                .get_workflow_runs(
                    GetWorkflowRunsWorkflowId::String(bad.to_owned()),
                    RunKind::Push,
                )
                .send()
                .await,
        );
        refused(
            "DELETE, union",
            client
                .delete_deployment(DeploymentId::String(bad.to_owned()), json!("x"))
                .send()
                .await,
        );
        refused(
            "DELETE, free-form string",
            client
                .delete_deployment(DeploymentId::Integer(1), json!(bad))
                .send()
                .await,
        );
    }
    for bad in [json!(null), json!([]), json!({})] {
        refused(
            "DELETE, free-form",
            client
                .delete_deployment(DeploymentId::Integer(1), bad)
                .send()
                .await,
        );
    }
    assert_eq!(requests(&server).await, 0);
}
