//! Retries: backoff, `Retry-After`, rate-limit resets, method rules, budgets.
//!
//! These tests run with paused time, so every wait is virtual and the elapsed time is
//! exact. With paused time, any pending timer fires as soon as the runtime waits for
//! I/O, so these tests set no timeouts and use a `reqwest` client without the
//! connection pool's idle timer (90 s by default), which would otherwise make the
//! clock jump while waiting for the mock server.

use std::time::{Duration, SystemTime};

use oagen_runtime::reqwest::Method;
use oagen_runtime::{Client, ClientBuilder, Error, RetryPolicy};
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn http() -> oagen_runtime::reqwest::Client {
    oagen_runtime::reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("reqwest client")
}

fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    ClientBuilder::new(&server.uri())
        .http_client(http())
        .retry_policy(policy)
        .build()
        .expect("valid client")
}

fn no_jitter() -> RetryPolicy {
    RetryPolicy::default().jitter(false)
}

async fn mount_once(server: &MockServer, http_method: &str, template: ResponseTemplate) {
    Mock::given(method(http_method))
        .and(path("/thing"))
        .respond_with(template)
        .up_to_n_times(1)
        .mount(server)
        .await;
}

async fn mount_ok(server: &MockServer, http_method: &str) {
    Mock::given(method(http_method))
        .and(path("/thing"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(server)
        .await;
}

async fn requests(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .map(|r| r.len())
        .unwrap_or(0)
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_is_honoured() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        "GET",
        ResponseTemplate::new(503).insert_header("Retry-After", "7"),
    )
    .await;
    mount_ok(&server, "GET").await;

    let start = Instant::now();
    let response = client(&server, no_jitter())
        .request(Method::GET, "/thing")
        .send::<serde_json::Value>()
        .await
        .expect("second attempt succeeds");
    let elapsed = start.elapsed();

    assert_eq!(response.status(), 200);
    assert_eq!(requests(&server).await, 2);
    // The server's 7 s beat the 200 ms backoff.
    assert!(elapsed >= Duration::from_secs(7), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(7_100), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn retry_after_http_date_is_honoured() {
    let server = MockServer::start().await;
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
    mount_once(
        &server,
        "GET",
        ResponseTemplate::new(429).insert_header("Retry-After", at.as_str()),
    )
    .await;
    mount_ok(&server, "GET").await;

    let start = Instant::now();
    client(&server, no_jitter())
        .request(Method::GET, "/thing")
        .send::<serde_json::Value>()
        .await
        .expect("second attempt succeeds");
    let elapsed = start.elapsed();

    // HTTP dates have whole seconds, so the wait is between 9 and 10 s.
    assert!(elapsed >= Duration::from_secs(9), "{elapsed:?}");
    assert!(elapsed <= Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn rate_limit_reset_is_honoured_when_exhausted() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        "GET",
        ResponseTemplate::new(429)
            .insert_header("X-RateLimit-Limit", "100")
            .insert_header("X-RateLimit-Remaining", "0")
            .insert_header("X-RateLimit-Reset", "3"),
    )
    .await;
    mount_ok(&server, "GET").await;

    let start = Instant::now();
    client(&server, no_jitter())
        .request(Method::GET, "/thing")
        .send::<serde_json::Value>()
        .await
        .expect("second attempt succeeds");
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_secs(3), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(3_100), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn server_wait_beyond_budget_returns_the_error_at_once() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        "GET",
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "120")
            .set_body_json(serde_json::json!({"error": "slow down", "data": {"msLeft": 120000}})),
    )
    .await;
    mount_ok(&server, "GET").await;

    let start = Instant::now();
    let err = client(&server, no_jitter().max_total_wait(Duration::from_secs(60)))
        .request(Method::GET, "/thing")
        .send::<serde_json::Value>()
        .await
        .expect_err("the server asked for longer than the budget");
    assert!(start.elapsed() < Duration::from_millis(100));
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn retries_are_exhausted_with_exponential_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("overloaded"))
        .mount(&server)
        .await;

    let start = Instant::now();
    let err = client(&server, no_jitter().max_attempts(4))
        .request(Method::GET, "/thing")
        .send::<serde_json::Value>()
        .await
        .expect_err("always 503");
    let elapsed = start.elapsed();

    assert_eq!(requests(&server).await, 4);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    match &err {
        Error::Api(api) => assert_eq!(api.raw_body().as_ref(), b"overloaded"),
        other => panic!("expected an API error, got {other:?}"),
    }
    // 200 + 400 + 800 ms (backon computes in f32; allow a hair).
    let expected = Duration::from_millis(1_400);
    assert!(
        elapsed >= expected - Duration::from_millis(1),
        "{elapsed:?}"
    );
    assert!(
        elapsed < expected + Duration::from_millis(10),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn jittered_backoff_stays_within_bounds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;

    let start = Instant::now();
    let _ = client(&server, RetryPolicy::default())
        .request(Method::GET, "/thing")
        .send::<serde_json::Value>()
        .await;
    let elapsed = start.elapsed();
    assert_eq!(requests(&server).await, 3);
    // Two waits: [200, 400) ms and [400, 800) ms.
    assert!(elapsed >= Duration::from_millis(599), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1_200), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn max_total_wait_caps_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(504))
        .mount(&server)
        .await;

    let start = Instant::now();
    let _ = client(
        &server,
        no_jitter()
            .max_attempts(10)
            .initial_backoff(Duration::from_secs(1))
            .max_total_wait(Duration::from_millis(2_500)),
    )
    .request(Method::GET, "/thing")
    .send::<serde_json::Value>()
    .await;
    // 1 s + 1.5 s (what was left of 2 s) and then the budget is spent.
    assert_eq!(start.elapsed(), Duration::from_millis(2_500));
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test(start_paused = true)]
async fn retries_disabled_sends_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
        .mount(&server)
        .await;

    let err = client(&server, RetryPolicy::disabled())
        .request(Method::GET, "/thing")
        .send::<serde_json::Value>()
        .await
        .expect_err("503");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn post_is_not_retried_on_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;

    let err = client(&server, no_jitter())
        .request(Method::POST, "/thing")
        .json(&serde_json::json!({"name": "x"}))
        .send::<serde_json::Value>()
        .await
        .expect_err("503");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn patch_is_not_retried_on_502() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;

    let _ = client(&server, no_jitter())
        .request(Method::PATCH, "/thing")
        .send::<serde_json::Value>()
        .await;
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn post_is_retried_on_429() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        "POST",
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
    )
    .await;
    mount_ok(&server, "POST").await;

    let start = Instant::now();
    let response = client(&server, no_jitter())
        .request(Method::POST, "/thing")
        .json(&serde_json::json!({"name": "x"}))
        .send::<serde_json::Value>()
        .await
        .expect("retried after 429");
    assert_eq!(response.status(), 200);
    assert!(start.elapsed() >= Duration::from_secs(1));
    let received = server.received_requests().await.unwrap_or_default();
    assert_eq!(received.len(), 2);
    // The body is sent again on the retry.
    assert_eq!(received[1].body, br#"{"name":"x"}"#);
}

#[tokio::test(start_paused = true)]
async fn put_and_delete_are_retried_on_502() {
    let server = MockServer::start().await;
    mount_once(&server, "PUT", ResponseTemplate::new(502)).await;
    mount_ok(&server, "PUT").await;
    mount_once(&server, "DELETE", ResponseTemplate::new(502)).await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server, no_jitter());

    let put = client
        .request(Method::PUT, "/thing")
        .send::<serde_json::Value>()
        .await
        .expect("retried");
    assert_eq!(put.status(), 200);
    let delete = client
        .request(Method::DELETE, "/thing")
        .send::<serde_json::Value>()
        .await
        .expect("retried");
    assert_eq!(delete.status(), 204);
    assert_eq!(requests(&server).await, 4);
}

#[tokio::test(start_paused = true)]
async fn client_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let _ = client(&server, no_jitter())
        .request(Method::GET, "/thing")
        .send::<serde_json::Value>()
        .await;
    assert_eq!(requests(&server).await, 1);
}

/// A port nobody listens on (bound, then released).
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[tokio::test(start_paused = true)]
async fn connection_errors_are_retried_even_for_post() {
    let client = ClientBuilder::new(&closed_port_url())
        .http_client(http())
        .retry_policy(no_jitter())
        .build()
        .expect("valid client");

    for m in [Method::GET, Method::POST] {
        let start = Instant::now();
        let err = client
            .request(m, "/thing")
            .send::<serde_json::Value>()
            .await
            .expect_err("nothing listens");
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        // Three attempts: 200 ms + 400 ms of backoff.
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(599), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(700), "{elapsed:?}");
    }
}
