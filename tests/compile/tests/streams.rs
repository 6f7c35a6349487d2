//! Pages of a generated client decode straight from the body (no `serde_json::Value` in
//! between): a decode error in an item still names its JSON path, and now also the line and
//! column in the body (which a decode from a parsed `Value` cannot know), after the items
//! before it.

use futures::StreamExt;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn uid(n: u32) -> String {
    format!("00000000-0000-0000-0000-{n:012}")
}

#[tokio::test]
async fn an_item_that_does_not_decode_is_named_by_path_line_and_column_after_the_items_before_it() {
    let server = MockServer::start().await;
    let body = json!({
        "data": [{"uid": uid(1)}, {"uid": uid(2)}, {"uid": "not-a-uuid"}, {"uid": uid(4)}],
        "total": 9, "nextCursor": "c2", "hasMore": true
    });
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = weflow::Client::builder()
        .api_key("k-123")
        .base_url(server.uri())
        .build()
        .unwrap();
    let results: Vec<_> = client.list_recordings().items().collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().unwrap().uid.to_string(), uid(1));
    assert_eq!(results[1].as_ref().unwrap().uid.to_string(), uid(2));
    match &results[2] {
        Err(weflow::Error::Decode(decode)) => {
            assert_eq!(decode.path(), "data[2].uid");
            assert!(
                decode.message().contains("line 1 column"),
                "{}",
                decode.message()
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    // The stream ends at the error: the next page is not fetched.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn pages_decode_as_the_page_type_and_follow_the_cursor() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(|r: &wiremock::Request| !r.url.query().unwrap_or("").contains("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"uid": uid(1)}], "total": 2, "nextCursor": "c2", "hasMore": true
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"uid": uid(2)}], "total": 2, "nextCursor": null, "hasMore": false
        })))
        .mount(&server)
        .await;
    let client = weflow::Client::builder()
        .api_key("k-123")
        .base_url(server.uri())
        .build()
        .unwrap();
    let pages: Vec<_> = client.list_recordings().pages().collect().await;
    let pages: Vec<_> = pages.into_iter().map(Result::unwrap).collect();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].data[0].uid.to_string(), uid(1));
    assert_eq!(pages[1].data[0].uid.to_string(), uid(2));
    assert_eq!(pages[1].next_cursor, None);
}
