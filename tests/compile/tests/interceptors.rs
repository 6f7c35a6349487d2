//! Interceptors on a generated client (weni): they see every attempt with its operation,
//! add computed headers, observe every response head, and can stop a request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oagen_runtime::reqwest::header::HeaderValue;
use oagen_runtime::reqwest::Request;
use oagen_runtime::{Attempt, InterceptError, Interceptor, ResponseHead};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct Recorder {
    /// (operation id, path template, attempt) per attempt.
    attempts: Arc<Mutex<Vec<(String, String, u32)>>>,
    /// The status of each response.
    statuses: Arc<Mutex<Vec<u16>>>,
}

impl Interceptor for Recorder {
    fn before_attempt(
        &self,
        request: &mut Request,
        attempt: &Attempt<'_>,
    ) -> Result<(), InterceptError> {
        let op = attempt
            .operation()
            .expect("generated requests name their operation");
        self.attempts.lock().unwrap().push((
            op.id.to_owned(),
            op.path_template.to_owned(),
            attempt.number(),
        ));
        request
            .headers_mut()
            .insert("x-attempt", HeaderValue::from(attempt.number()));
        Ok(())
    }

    fn on_response(&self, response: &ResponseHead<'_>, _: &Attempt<'_>) {
        self.statuses
            .lock()
            .unwrap()
            .push(response.status().as_u16());
    }
}

#[tokio::test]
async fn interceptors_see_every_attempt_and_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("x-attempt", "1"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("x-attempt", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"next": null, "previous": null, "results": []})),
        )
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    let client = weni::Client::builder()
        .api_key("weni-key-123")
        .base_url(server.uri())
        .retry_policy(
            oagen_runtime::RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .jitter(false),
        )
        .interceptor(recorder.clone())
        .build()
        .unwrap();
    client.list_broadcasts().send().await.unwrap();
    let attempts = recorder.attempts.lock().unwrap().clone();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].0, "listBroadcasts");
    assert!(
        attempts[0].1.starts_with('/') && !attempts[0].1.contains('?'),
        "{attempts:?}"
    );
    assert_eq!((attempts[0].2, attempts[1].2), (1, 2));
    assert_eq!(*recorder.statuses.lock().unwrap(), [503, 200]);
}

struct Refuse;

impl Interceptor for Refuse {
    fn before_attempt(&self, _: &mut Request, _: &Attempt<'_>) -> Result<(), InterceptError> {
        Err("no signing key".into())
    }
}

#[tokio::test]
async fn an_interceptor_error_stops_the_request_before_it_is_sent() {
    let server = MockServer::start().await;
    let client = weni::Client::builder()
        .api_key("weni-key-123")
        .base_url(server.uri())
        .interceptor(Refuse)
        .build()
        .unwrap();
    let err = client.list_broadcasts().send().await.unwrap_err();
    assert!(matches!(err, weni::Error::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("no signing key"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
