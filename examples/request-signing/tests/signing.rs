//! The signing interceptor on a generated client (whereby): the server sees a valid
//! signature over method, path, timestamp and body on every attempt, and a retry carries a
//! fresh timestamp and signature rather than the first attempt's.

use std::time::Duration;

use request_signing::{HmacSigner, KEY_ID, SIGNATURE, TIMESTAMP};
use whereby::types::{RoomThemeTokensRequest, RoomThemeTokensRequestTokensPreset};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SECRET: &[u8] = b"test secret";

fn header<'a>(request: &'a Request, name: &str) -> &'a str {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// Checks the signature of a request the server received; returns (timestamp, signature).
fn verify(request: &Request) -> (String, String) {
    let timestamp = header(request, TIMESTAMP).to_owned();
    let signature = header(request, SIGNATURE).to_owned();
    assert_eq!(header(request, KEY_ID), "key-1");
    let path_and_query = match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    };
    let text = HmacSigner::string_to_sign(
        request.method.as_str(),
        &path_and_query,
        &timestamp,
        &request.body,
    );
    assert_eq!(
        signature,
        HmacSigner::sign(SECRET, &text),
        "bad signature for {text:?}"
    );
    (timestamp, signature)
}

#[tokio::test]
async fn every_attempt_is_signed_afresh() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/rooms/team-room/theme/tokens"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/rooms/team-room/theme/tokens"))
        .respond_with(ResponseTemplate::new(204))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = whereby::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .retry_policy(
            whereby::RetryPolicy::default()
                .initial_backoff(Duration::from_millis(5))
                .jitter(false),
        )
        .interceptor(HmacSigner::new("key-1", SECRET))
        .build()
        .unwrap();
    let body = RoomThemeTokensRequest {
        tokens_preset: Some(RoomThemeTokensRequestTokensPreset::Default),
        ..Default::default()
    };
    client
        .set_room_theme_tokens("team-room", body)
        .send()
        .await
        .unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2, "one retry");
    assert!(!received[0].body.is_empty(), "the body is signed too");
    let first = verify(&received[0]);
    let second = verify(&received[1]);
    assert_ne!(first.0, second.0, "the retry has a new timestamp");
    assert_ne!(first.1, second.1, "the retry has a new signature");
}
