//! The `tracing` span of a generated client's request: one `oagen.request` span carrying the
//! operation id, the method and the spec's URL template (never the parameter values or the
//! query), the attempt count, the status and the duration, with the retries as events inside
//! it. The subscriber is a small one written here that keeps every span's fields.
//!
//! One test in this file: the subscriber is the thread's default while it runs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type Fields = BTreeMap<String, String>;

#[derive(Default)]
struct Captured {
    /// Span id -> (name, fields).
    spans: BTreeMap<u64, (String, Fields)>,
    /// (Parent span id, fields) of each event.
    events: Vec<(Option<u64>, Fields)>,
}

#[derive(Clone, Default)]
struct Capture {
    captured: Arc<Mutex<Captured>>,
    next: Arc<AtomicU64>,
}

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let mut fields = Fields::new();
        attrs.record(&mut Visitor(&mut fields));
        self.captured
            .lock()
            .unwrap()
            .spans
            .insert(id, (attrs.metadata().name().to_owned(), fields));
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut captured = self.captured.lock().unwrap();
        if let Some((_, fields)) = captured.spans.get_mut(&span.into_u64()) {
            values.record(&mut Visitor(fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut Visitor(&mut fields));
        let parent = event.parent().map(Id::into_u64);
        self.captured.lock().unwrap().events.push((parent, fields));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn a_request_is_one_span_with_its_operation_attempts_status_and_retry_events() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/meetings/secret-meeting-7"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/meetings/secret-meeting-7"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/meetings/secret-meeting-7"))
        .respond_with(ResponseTemplate::new(204))
        .with_priority(3)
        .mount(&server)
        .await;
    let client = whereby::Client::builder()
        .api_key("k-secret")
        .base_url(server.uri())
        .retry_policy(
            oagen_runtime::RetryPolicy::default()
                .initial_backoff(std::time::Duration::from_millis(1))
                .jitter(false),
        )
        .build()
        .unwrap();

    let capture = Capture::default();
    {
        let _default = tracing::subscriber::set_default(capture.clone());
        client
            .delete_meeting("secret-meeting-7")
            .send()
            .await
            .unwrap();
    }

    let captured = capture.captured.lock().unwrap();
    let requests: Vec<(&u64, &Fields)> = captured
        .spans
        .iter()
        .filter(|(_, (name, _))| name == "oagen.request")
        .map(|(id, (_, fields))| (id, fields))
        .collect();
    assert_eq!(
        requests.len(),
        1,
        "one span per request: {:?}",
        captured.spans
    );
    let (&span_id, fields) = requests[0];
    assert_eq!(fields["operation_id"], "deleteMeeting");
    assert_eq!(fields["method"], "DELETE");
    assert_eq!(fields["url_template"], "/meetings/{meetingId}");
    assert_eq!(fields["attempt"], "3");
    assert_eq!(fields["status"], "204");
    let duration: f64 = fields["duration_ms"].parse().unwrap();
    assert!(duration > 0.0, "{duration}");
    for value in fields.values() {
        assert!(
            !value.contains("secret"),
            "a field shows the URL or a credential: {value}"
        );
    }

    let retries: Vec<&Fields> = captured
        .events
        .iter()
        .filter(|(parent, fields)| *parent == Some(span_id) && fields.contains_key("wait_ms"))
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(retries.len(), 2, "{:?}", captured.events);
    assert_eq!(retries[0]["attempt"], "1");
    assert_eq!(retries[0]["rate_limited"], "true");
    assert!(retries[0]["reason"].contains("429"), "{:?}", retries[0]);
    for (_, fields) in &captured.events {
        for value in fields.values() {
            assert!(
                !value.contains("secret"),
                "an event shows the URL or a credential: {value}"
            );
        }
    }
    assert_eq!(retries[1]["attempt"], "2");
    assert_eq!(retries[1]["rate_limited"], "false");
    assert!(retries[1]["reason"].contains("503"), "{:?}", retries[1]);
}
