//! The extension point of a client: [`Interceptor`]s, run around every attempt of every
//! request (see [`ClientBuilder::interceptor`](crate::ClientBuilder::interceptor)).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// Which operation a request belongs to, as the generated code names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId` (`"listRooms"`).
    pub id: &'static str,
    /// The path template as the spec writes it (`"/rooms/{roomName}"`): no parameter
    /// values, no query.
    pub path_template: &'static str,
}

/// What an [`Interceptor`] knows about the attempt it is called for.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    pub(crate) operation: Option<&'a Operation>,
    pub(crate) method: &'a Method,
    pub(crate) number: u32,
}

impl Attempt<'_> {
    /// The operation, when the request was made by a generated client (requests built
    /// by hand with [`Client::request`](crate::Client::request) have none unless they set
    /// one with [`RequestBuilder::operation`](crate::RequestBuilder::operation)).
    pub fn operation(&self) -> Option<&Operation> {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The attempt number: 1 for the first, 2 for the first retry, ...
    pub fn number(&self) -> u32 {
        self.number
    }
}

/// The head of a response, as an [`Interceptor`] observes it (before the body is read).
#[derive(Clone, Copy, Debug)]
pub struct ResponseHead<'a> {
    pub(crate) status: StatusCode,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) elapsed: Duration,
}

impl ResponseHead<'_> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The time from sending this attempt's request to receiving the response head.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

/// The error an interceptor returns to stop a request.
pub type InterceptError = Box<dyn std::error::Error + Send + Sync>;

/// Code run around every attempt of every request of a client: to sign requests (an HMAC
/// over method, path and body, with a fresh timestamp per attempt), to add computed
/// headers, or to observe responses.
///
/// Both methods have empty defaults; implement the ones you need. They run for **every
/// attempt**, retries included, so a signature or timestamp is recomputed for each
/// attempt rather than replayed. Several interceptors run in the order they were added.
///
/// ```
/// use oagen_runtime::{Attempt, ClientBuilder, InterceptError, Interceptor};
/// use oagen_runtime::reqwest::{header::HeaderValue, Request};
///
/// /// Adds `X-Attempt: <n>` to every attempt.
/// struct AttemptHeader;
///
/// impl Interceptor for AttemptHeader {
///     fn before_attempt(&self, request: &mut Request, attempt: &Attempt<'_>) -> Result<(), InterceptError> {
///         request.headers_mut().insert("x-attempt", HeaderValue::from(attempt.number()));
///         Ok(())
///     }
/// }
///
/// let client = ClientBuilder::new("https://api.example.com").interceptor(AttemptHeader).build().unwrap();
/// # let _ = client;
/// ```
pub trait Interceptor: Send + Sync + 'static {
    /// Called with each attempt's request just before it is sent: the client's
    /// credentials, headers and body are in place. It may change the request (typically
    /// add headers; `request.body().and_then(|b| b.as_bytes())` is the body unless it is
    /// multipart). An `Err` stops the request with [`Error::InvalidRequest`](crate::Error::InvalidRequest),
    /// which is not retried.
    fn before_attempt(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt<'_>,
    ) -> Result<(), InterceptError> {
        let _ = (request, attempt);
        Ok(())
    }

    /// Called with the head of each response, error statuses and retried attempts
    /// included.
    fn on_response(&self, response: &ResponseHead<'_>, attempt: &Attempt<'_>) {
        let _ = (response, attempt);
    }
}

/// The interceptors of a client, in order.
#[derive(Clone, Default)]
pub(crate) struct Interceptors(Vec<Arc<dyn Interceptor>>);

impl Interceptors {
    pub(crate) fn push(&mut self, interceptor: Arc<dyn Interceptor>) {
        self.0.push(interceptor);
    }

    /// Runs every `before_attempt`; the first error stops the request.
    pub(crate) fn before_attempt(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt<'_>,
    ) -> Result<(), String> {
        for interceptor in &self.0 {
            interceptor
                .before_attempt(request, attempt)
                .map_err(|e| format!("an interceptor stopped the request: {e}"))?;
        }
        Ok(())
    }

    pub(crate) fn on_response(&self, response: &ResponseHead<'_>, attempt: &Attempt<'_>) {
        for interceptor in &self.0 {
            interceptor.on_response(response, attempt);
        }
    }
}

impl fmt::Debug for Interceptors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} interceptor(s)", self.0.len())
    }
}
