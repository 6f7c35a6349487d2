//! The four clients that `build.rs` generates into `OUT_DIR` (included by `src/lib.rs`) are
//! usable: each makes a real call against a local mock server, with its authentication, and
//! decodes the response; Weflow also pages through a cursor-paginated list, Warpflow unwraps
//! its `{success, data}` envelope.

use oagen_clients::{warpflow, weflow, weni, whereby};
use oagen_runtime::futures::TryStreamExt;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn json(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn weflow_pages_through_recordings() {
    let server = MockServer::start().await;
    let uid1 = "6f1c1a53-8b4e-4c47-9d0a-0d6f3c1a0001";
    let uid2 = "6f1c1a53-8b4e-4c47-9d0a-0d6f3c1a0002";
    Mock::given(method("GET"))
        .and(path("/recordings"))
        .and(header("authorization", "Bearer wf-key"))
        .and(query_param_is_missing("cursor"))
        .respond_with(json(serde_json::json!({
            "data": [{"uid": uid1, "title": "Kick-off"}], "total": 2, "nextCursor": "c2", "hasMore": true
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/recordings"))
        .and(query_param("cursor", "c2"))
        .respond_with(json(
            serde_json::json!({"data": [{"uid": uid2}], "total": 2, "hasMore": false}),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let client = weflow::Client::builder()
        .base_url(server.uri())
        .api_key("wf-key")
        .build()
        .unwrap();
    let recordings: Vec<weflow::types::Recording> = client
        .list_recordings()
        .items()
        .try_collect()
        .await
        .unwrap();
    let uids: Vec<String> = recordings.iter().map(|r| r.uid.to_string()).collect();
    assert_eq!(uids, [uid1, uid2]);
    assert_eq!(recordings[0].title.as_deref(), Some("Kick-off"));
}

#[tokio::test]
async fn weni_lists_channels_with_token_auth() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/channels.json"))
        .and(header("authorization", "Token weni-token"))
        .respond_with(json(serde_json::json!({
            "next": null,
            "previous": null,
            "results": [{
                "uuid": "09d23a05-47fe-11e4-bfe9-b8f6b119e9ab",
                "name": "Android Phone",
                "address": "+250788123123",
                "created_on": "2014-06-23T09:34:12.866Z"
            }]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = weni::Client::builder()
        .base_url(server.uri())
        .api_key("weni-token")
        .build()
        .unwrap();
    let page = client.list_channels().send().await.unwrap();
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.results[0].name.as_deref(), Some("Android Phone"));
    assert_eq!(
        page.results[0].created_on.to_rfc3339(),
        "2014-06-23T09:34:12.866+00:00"
    );
}

#[tokio::test]
async fn whereby_lists_meetings() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/meetings"))
        .and(header("authorization", "Bearer wb-key"))
        .respond_with(json(serde_json::json!({
            "results": [{
                "meetingId": "1234",
                "roomUrl": "https://example.whereby.com/room-1",
                "endDate": "2030-01-01T10:00:00Z"
            }],
            "cursor": null
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = whereby::Client::builder()
        .base_url(server.uri())
        .api_key("wb-key")
        .build()
        .unwrap();
    let page = client.list_meetings().send().await.unwrap();
    assert_eq!(page.results[0].meeting_id, "1234");
    assert_eq!(
        page.results[0].room_url,
        "https://example.whereby.com/room-1"
    );
    assert!(page.cursor.is_none());
}

#[tokio::test]
async fn warpflow_reads_billing_status_and_reports_api_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/billing/status"))
        .and(header("authorization", "Bearer good"))
        .respond_with(json(
            serde_json::json!({"success": true, "data": {"plan": "pro", "status": "active"}}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/billing/status"))
        .and(header("authorization", "Bearer bad"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"success": false, "error": "unauthorized"})),
        )
        .mount(&server)
        .await;

    let client = warpflow::Client::builder()
        .base_url(server.uri())
        .api_key("good")
        .build()
        .unwrap();
    let status = client.get_billing_status().send().await.unwrap();
    assert_eq!(status.plan.as_deref(), Some("pro"));
    assert_eq!(status.status.as_deref(), Some("active"));

    let client = warpflow::Client::builder()
        .base_url(server.uri())
        .api_key("bad")
        .build()
        .unwrap();
    let err = client.get_billing_status().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err:?}");
}
