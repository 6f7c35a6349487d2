//! The `tracing` span of a request (with the default-on `tracing` feature; without it,
//! everything here compiles to nothing).
//!
//! Each request sent through [`RequestBuilder::send`](crate::RequestBuilder::send) and
//! friends is one `oagen.request` span at INFO level, with the fields
//!
//! * `operation_id`: the spec's `operationId` (empty for a request built by hand);
//! * `method`: the HTTP method;
//! * `url_template`: the spec's path template (`/rooms/{roomName}`), never the URL with
//!   its parameter values or query (which may carry a credential); for a request built by
//!   hand, its path without the query;
//! * `attempt`: the number of attempts made (recorded at each attempt);
//! * `status`: the status of the last response;
//! * `duration_ms`: the time from the first attempt to the outcome, retries and waits
//!   included.
//!
//! A retry is an INFO event inside the span (`attempt`, `wait_ms`, `reason`), and so is a
//! wait the server asked for (`Retry-After`, rate-limit reset), with `rate_limited = true`.

use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};

use crate::error::Error;
use crate::intercept::Operation;

/// The span of one request and what it has recorded so far.
pub(crate) struct RequestTrace {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    started: Instant,
}

impl RequestTrace {
    /// Opens the span. `path` is the request's own path, used as the template when the
    /// request names no operation (its query is cut off).
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn start(method: &Method, operation: Option<&Operation>, path: &str) -> Self {
        #[cfg(feature = "tracing")]
        let span = {
            let (id, template) = match operation {
                Some(op) => (op.id, op.path_template),
                None => ("", path.split(['?', '#']).next().unwrap_or_default()),
            };
            tracing::info_span!(
                "oagen.request",
                operation_id = id,
                method = method.as_str(),
                url_template = template,
                attempt = tracing::field::Empty,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            )
        };
        RequestTrace {
            #[cfg(feature = "tracing")]
            span,
            started: Instant::now(),
        }
    }

    /// `future`, run inside the span.
    pub(crate) fn instrument<F: Future>(&self, future: F) -> impl Future<Output = F::Output> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument as _;
            future.instrument(self.span.clone())
        }
        #[cfg(not(feature = "tracing"))]
        {
            future
        }
    }

    /// Records the number of the attempt being made (1 for the first).
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn attempt(&self, number: u32) {
        #[cfg(feature = "tracing")]
        self.span.record("attempt", number);
    }

    /// Records the status of a response.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn status(&self, status: StatusCode) {
        #[cfg(feature = "tracing")]
        self.span.record("status", status.as_u16());
    }

    /// An event for the wait before the next attempt; `server_asked` when the wait is
    /// the server's (`Retry-After`, rate-limit reset).
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn retry<E>(
        &self,
        attempt: u32,
        wait: Duration,
        server_asked: bool,
        error: &Error<E>,
    ) {
        #[cfg(feature = "tracing")]
        {
            let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
            let reason = reason(error);
            if server_asked {
                tracing::info!(
                    parent: &self.span,
                    attempt,
                    wait_ms,
                    rate_limited = true,
                    reason = %reason,
                    "waiting as the server asked before retrying"
                );
            } else {
                tracing::info!(
                    parent: &self.span,
                    attempt,
                    wait_ms,
                    rate_limited = false,
                    reason = %reason,
                    "retrying after a backoff"
                );
            }
        }
    }

    /// Records the total duration.
    pub(crate) fn finish(&self) {
        #[cfg(feature = "tracing")]
        self.span
            .record("duration_ms", self.started.elapsed().as_secs_f64() * 1000.0);
        #[cfg(not(feature = "tracing"))]
        let _ = self.started;
    }
}

/// Why an attempt is retried, without the URL or the body the error's text may carry.
#[cfg(feature = "tracing")]
fn reason<E>(error: &Error<E>) -> String {
    match error {
        Error::Api(api) => format!("status {}", api.status()),
        Error::Transport(e) if e.is_connect() => "connection failed".to_owned(),
        Error::Transport(_) => "transport error".to_owned(),
        Error::Timeout(_) => "timeout".to_owned(),
        Error::Decode(_) => "decode error".to_owned(),
        Error::InvalidRequest(_) => "invalid request".to_owned(),
        Error::Redirect(_) => "redirect not followed".to_owned(),
        Error::PaginationCycle(_) => "pagination cycle".to_owned(),
    }
}
