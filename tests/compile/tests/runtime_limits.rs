//! The runtime's limits seen through the generated clients: a pagination cycle (a cursor or
//! next link already followed) ends the stream with an error, a cross-origin redirect is an
//! error that says so, and error bodies are read only up to the client's cap.

use futures::StreamExt;
use oagen_runtime::Error;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn meeting(id: &str) -> serde_json::Value {
    json!({"meetingId": id, "roomUrl": "https://x.whereby.com/r", "endDate": "2030-01-01T00:00:00Z"})
}

#[tokio::test]
async fn whereby_cursor_cycle_a_b_a_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    let page = |id: &str, cursor: &str| json!({"results": [meeting(id)], "cursor": cursor});
    Mock::given(path("/meetings"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page("m1", "B")))
        .mount(&server)
        .await;
    Mock::given(path("/meetings"))
        .and(query_param("cursor", "B"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page("m2", "C")))
        .mount(&server)
        .await;
    Mock::given(path("/meetings"))
        .and(query_param("cursor", "C"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page("m3", "B")))
        .mount(&server)
        .await;
    let client = whereby::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let results: Vec<_> = client.list_meetings().items().collect().await;
    assert_eq!(results.len(), 4, "{results:?}");
    let ids: Vec<String> = results[..3]
        .iter()
        .map(|r| r.as_ref().unwrap().meeting_id.clone())
        .collect();
    assert_eq!(ids, ["m1", "m2", "m3"]);
    match &results[3] {
        Err(Error::PaginationCycle(message)) => assert!(message.contains("`B`"), "{message}"),
        other => panic!("expected a cycle error, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

fn contact(uuid: &str) -> serde_json::Value {
    json!({
        "uuid": uuid, "urns": [], "groups": [], "fields": {},
        "created_on": "2024-01-01T00:00:00Z", "modified_on": "2024-01-01T00:00:00Z",
    })
}

#[tokio::test]
async fn weni_next_url_cycle_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(path("/api/v2/contacts.json"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "next": format!("{uri}/api/v2/contacts.json?cursor=2"),
            "previous": null,
            "results": [contact("00000000-0000-0000-0000-000000000001")],
        })))
        .mount(&server)
        .await;
    Mock::given(path("/api/v2/contacts.json"))
        .and(query_param("cursor", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "next": format!("{uri}/api/v2/contacts.json"),
            "previous": null,
            "results": [contact("00000000-0000-0000-0000-000000000002")],
        })))
        .mount(&server)
        .await;
    let client = weni::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let results: Vec<_> = client.list_contacts().pages().collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results[0].is_ok() && results[1].is_ok(), "{results:?}");
    assert!(
        matches!(&results[2], Err(Error::PaginationCycle(_))),
        "{:?}",
        results[2]
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn warpflow_cross_origin_redirect_is_an_error_that_says_so() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/steal", elsewhere.uri()).as_str()),
        )
        .mount(&server)
        .await;
    let client = warpflow::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client.get_config("t1").send().await.unwrap_err();
    match &err {
        Error::Redirect(redirect) => {
            assert!(redirect.is_cross_origin());
            assert_eq!(redirect.status(), 302);
        }
        other => panic!("expected a redirect error, got {other:?}"),
    }
    assert!(err.to_string().contains("another origin"), "{err}");
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn weflow_error_body_is_capped_and_marked_truncated() {
    let server = MockServer::start().await;
    let html = format!("<html>{}</html>", "y".repeat(4 * 1024 * 1024));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_string(html))
        .mount(&server)
        .await;
    let client = weflow::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client
        .get_recording(uuid::Uuid::nil())
        .send()
        .await
        .unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.raw_body().len(), 1024 * 1024);
    assert!(api.is_body_truncated());

    let client = weflow::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .max_error_body(64)
        .build()
        .unwrap();
    let err = client
        .get_recording(uuid::Uuid::nil())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.api_error().map(|a| a.raw_body().len()), Some(64));
}
