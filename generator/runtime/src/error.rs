//! The error type of every request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::ratelimit::RateLimit;
use crate::redact::Redactor;

/// Everything that can go wrong with a request, in one type callers can match on.
///
/// `E` is the provider's error body type; the generated crate sets it (for example
/// `Error<weni::types::ErrorBody>`). It defaults to [`serde_json::Value`].
///
/// `Debug` and `Display` never contain the client's credentials: URLs have the
/// credential query parameter masked and body snippets are scrubbed of secrets.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error<E = serde_json::Value> {
    /// The server answered with a 4xx or 5xx status (or an envelope with
    /// `success: false`).
    Api(Box<ApiError<E>>),
    /// The request could not be sent or the response could not be read (DNS,
    /// connection refused or reset, TLS, ...).
    Transport(reqwest::Error),
    /// An attempt took longer than the configured timeout.
    Timeout(TimeoutError),
    /// A success response did not have the expected shape.
    Decode(Box<DecodeError>),
    /// The request could not be built: invalid URL, header, body or parameter. Nothing
    /// was sent.
    InvalidRequest(String),
    /// The server answered with a redirect that was not followed: to another origin than
    /// the base URL's (credentials are only sent to the API itself), or one the HTTP
    /// client was configured not to follow.
    Redirect(Box<RedirectError>),
    /// A paginated walk was stopped because the API pointed back at a page it had already
    /// returned (a next-page link or cursor seen before); following it would repeat items
    /// forever.
    PaginationCycle(String),
}

impl<E> Error<E> {
    /// The HTTP status, for API errors and for decode errors of a received response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => decode.status,
            Error::Redirect(redirect) => Some(redirect.status),
            Error::Transport(err) => err.status(),
            _ => None,
        }
    }

    /// Whether the server answered 429 Too Many Requests.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// How long the server asked the client to wait (see [`ApiError::retry_after`]).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after,
            _ => None,
        }
    }

    /// The rate-limit headers of the failed response, if it had any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        match self {
            Error::Api(api) => api.rate_limit.as_ref(),
            _ => None,
        }
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// The API error, if this is one.
    pub fn api_error(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The typed error body of an API error, if it parsed as `E`.
    pub fn body(&self) -> Option<&E> {
        self.api_error().and_then(ApiError::body)
    }

    /// Converts the typed error body with `f`, keeping everything else.
    pub fn map_body<E2>(self, f: impl FnOnce(E) -> E2) -> Error<E2> {
        match self {
            Error::Api(api) => Error::Api(Box::new(api.map_body(f))),
            Error::Transport(e) => Error::Transport(e),
            Error::Timeout(e) => Error::Timeout(e),
            Error::Decode(e) => Error::Decode(e),
            Error::InvalidRequest(m) => Error::InvalidRequest(m),
            Error::Redirect(r) => Error::Redirect(r),
            Error::PaginationCycle(m) => Error::PaginationCycle(m),
        }
    }

    /// Re-reads an API error's raw body as another body type `E2`; other variants are
    /// carried over unchanged. Generated code uses it to turn the `Error` returned by
    /// helpers such as [`path_param`](crate::path_param) into its own `Error<E2>`.
    pub fn reparse_body<E2: DeserializeOwned>(self) -> Error<E2> {
        match self {
            Error::Api(api) => {
                let body = parse_body::<E2>(&api.raw_body);
                Error::Api(Box::new(api.map_body_opt(|_| body)))
            }
            Error::Transport(e) => Error::Transport(e),
            Error::Timeout(e) => Error::Timeout(e),
            Error::Decode(e) => Error::Decode(e),
            Error::InvalidRequest(m) => Error::InvalidRequest(m),
            Error::Redirect(r) => Error::Redirect(r),
            Error::PaginationCycle(m) => Error::PaginationCycle(m),
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => fmt::Display::fmt(api, f),
            Error::Transport(err) => write!(f, "transport error: {err}"),
            Error::Timeout(err) => fmt::Display::fmt(err, f),
            Error::Decode(err) => fmt::Display::fmt(err, f),
            Error::InvalidRequest(msg) => write!(f, "invalid request: {msg}"),
            Error::Redirect(err) => fmt::Display::fmt(err, f),
            Error::PaginationCycle(msg) => write!(f, "pagination stopped: {msg}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(err) => Some(err),
            Error::Timeout(err) => err.source.as_ref().map(|e| e as _),
            Error::Decode(err) => err.source.as_deref().map(|e| e as _),
            Error::Api(_)
            | Error::InvalidRequest(_)
            | Error::Redirect(_)
            | Error::PaginationCycle(_) => None,
        }
    }
}

/// Parses an error body as `E`; an empty or non-matching body gives `None`.
pub(crate) fn parse_body<E: DeserializeOwned>(raw: &[u8]) -> Option<E> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    serde_json::from_slice(raw).ok()
}

/// A 4xx or 5xx response (or an enveloped response with `success: false`).
pub struct ApiError<E> {
    status: StatusCode,
    headers: HeaderMap,
    body: Option<E>,
    raw_body: Bytes,
    retry_after: Option<Duration>,
    rate_limit: Option<RateLimit>,
    method: Method,
    url: String,
    snippet: String,
    redactor: Arc<Redactor>,
    body_truncated: bool,
}

impl<E> ApiError<E> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Option<E>,
        raw_body: Bytes,
        retry_after: Option<Duration>,
        rate_limit: Option<RateLimit>,
        method: Method,
        url: String,
        redactor: Arc<Redactor>,
    ) -> Self {
        let snippet = snippet(&raw_body, &redactor);
        ApiError {
            status,
            headers,
            body,
            raw_body,
            retry_after,
            rate_limit,
            method,
            url,
            snippet,
            redactor,
            body_truncated: false,
        }
    }

    /// Marks the raw body as cut at the client's error body limit.
    pub(crate) fn set_body_truncated(&mut self, truncated: bool) {
        self.body_truncated = truncated;
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The error body parsed as `E`, or `None` when the body was empty or did not parse
    /// (see [`raw_body`](Self::raw_body) then).
    pub fn body(&self) -> Option<&E> {
        self.body.as_ref()
    }

    /// Takes the parsed error body.
    pub fn into_body(self) -> Option<E> {
        self.body
    }

    /// The body exactly as received, up to the client's error body limit
    /// ([`ClientBuilder::max_error_body`](crate::ClientBuilder::max_error_body), 1 MiB by
    /// default); see [`is_body_truncated`](Self::is_body_truncated).
    pub fn raw_body(&self) -> &Bytes {
        &self.raw_body
    }

    /// Whether the body was longer than the client's error body limit, so that
    /// [`raw_body`](Self::raw_body) holds only its start (and [`body`](Self::body) is
    /// `None` unless that start parsed).
    pub fn is_body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// The body as (lossy) UTF-8 text.
    pub fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw_body).into_owned()
    }

    /// How long the server asked the client to wait before trying again: the
    /// `Retry-After` header (seconds or HTTP date), or else the time until
    /// `X-RateLimit-Reset` when `X-RateLimit-Remaining` is 0. Measured from when the
    /// response arrived.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The rate-limit headers, if any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.rate_limit.as_ref()
    }

    /// The `x-request-id` (or `request-id`) response header, for support requests.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request URL, with any credential masked.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn map_body<E2>(self, f: impl FnOnce(E) -> E2) -> ApiError<E2> {
        let body = self.body.map(f);
        ApiError {
            status: self.status,
            headers: self.headers,
            body,
            raw_body: self.raw_body,
            retry_after: self.retry_after,
            rate_limit: self.rate_limit,
            method: self.method,
            url: self.url,
            snippet: self.snippet,
            redactor: self.redactor,
            body_truncated: self.body_truncated,
        }
    }

    fn map_body_opt<E2>(self, f: impl FnOnce(Option<E>) -> Option<E2>) -> ApiError<E2> {
        let body = f(self.body);
        ApiError {
            status: self.status,
            headers: self.headers,
            body,
            raw_body: self.raw_body,
            retry_after: self.retry_after,
            rate_limit: self.rate_limit,
            method: self.method,
            url: self.url,
            snippet: self.snippet,
            redactor: self.redactor,
            body_truncated: self.body_truncated,
        }
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} from {} {}", self.status, self.method, self.url)?;
        if !self.snippet.is_empty() {
            write!(f, ": {}", self.snippet)?;
        }
        if self.body_truncated {
            f.write_str(" (body truncated at the error body limit)")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("method", &self.method)
            .field("url", &self.url)
            // A server may echo a credential back; scrub the typed body too.
            .field(
                "body",
                &Verbatim(self.redactor.text(&format!("{:?}", self.body))),
            )
            .field("snippet", &self.snippet)
            .field("body_truncated", &self.body_truncated)
            .field("retry_after", &self.retry_after)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

/// Stands in for an error whose text contained a secret.
#[derive(Debug)]
struct Scrubbed(String);

impl fmt::Display for Scrubbed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Scrubbed {}

/// Prints a pre-rendered string without quotes.
struct Verbatim(String);

impl fmt::Debug for Verbatim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A redirect the client did not follow (see [`Error::Redirect`]).
#[derive(Debug)]
pub struct RedirectError {
    pub(crate) status: StatusCode,
    pub(crate) method: Method,
    /// The request URL, credential masked.
    pub(crate) url: String,
    /// The `Location` target resolved against the request URL, secrets masked.
    pub(crate) location: String,
    pub(crate) cross_origin: bool,
}

impl RedirectError {
    /// The redirect status (301, 302, 303, 307 or 308).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Where the server redirected to, with any credential masked.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Whether the target is on another origin (scheme, host, port) than the base URL.
    pub fn is_cross_origin(&self) -> bool {
        self.cross_origin
    }
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {} from {} {}: redirect to {} not followed",
            self.status, self.method, self.url, self.location
        )?;
        if self.cross_origin {
            f.write_str(
                ", because it leads to another origin than the base URL's and the client's \
                 credentials are only sent to its own API",
            )?;
        }
        Ok(())
    }
}

/// A response body that did not match the expected type.
pub struct DecodeError {
    path: String,
    message: String,
    snippet: String,
    status: Option<StatusCode>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl DecodeError {
    pub(crate) fn new(
        path: String,
        message: String,
        body: &[u8],
        status: Option<StatusCode>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
        redactor: &Redactor,
    ) -> Self {
        // Keep the original error for downcasting unless its text would reveal a secret.
        let source = source.map(|err| {
            let (display, debug) = (err.to_string(), format!("{err:?}"));
            if redactor.contains_secret(&display) || redactor.contains_secret(&debug) {
                Box::new(Scrubbed(redactor.text(&display)))
                    as Box<dyn std::error::Error + Send + Sync>
            } else {
                err
            }
        });
        DecodeError {
            path,
            message: redactor.text(&message),
            snippet: snippet(body, redactor),
            status,
            source,
        }
    }

    /// The JSON path that failed, for example `items[2].id`; `.` is the whole body.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The first 200 or so characters of the body, with secrets masked.
    pub fn snippet(&self) -> &str {
        &self.snippet
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode response body at `{}`: {}",
            self.path, self.message
        )?;
        if !self.snippet.is_empty() {
            write!(f, " (body starts with: {})", self.snippet)?;
        }
        Ok(())
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("path", &self.path)
            .field("message", &self.message)
            .field("snippet", &self.snippet)
            .field("status", &self.status)
            .finish()
    }
}

/// A request that did not finish within its timeout.
#[derive(Debug)]
pub struct TimeoutError {
    pub(crate) after: Option<Duration>,
    pub(crate) connect: bool,
    pub(crate) source: Option<reqwest::Error>,
}

impl TimeoutError {
    /// The timeout that expired, when known.
    pub fn after(&self) -> Option<Duration> {
        self.after
    }

    /// Whether it was the connect timeout (no connection could be made in time).
    pub fn is_connect(&self) -> bool {
        self.connect
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.connect {
            "connecting timed out"
        } else {
            "request timed out"
        };
        match self.after {
            Some(after) => write!(f, "{what} after {after:?}"),
            None => f.write_str(what),
        }
    }
}

impl std::error::Error for TimeoutError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// The request id a server attached to a response.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    ["x-request-id", "request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
}

const SNIPPET_CHARS: usize = 200;

/// The start of a body as text, scrubbed of secrets.
pub(crate) fn snippet(body: &[u8], redactor: &Redactor) -> String {
    // Scrub a generous prefix first so a secret straddling the cut is still masked.
    let prefix = &body[..body.len().min(SNIPPET_CHARS * 4 + 512)];
    let text = redactor.text(String::from_utf8_lossy(prefix).trim());
    let mut chars = text.char_indices();
    match chars.nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None if prefix.len() < body.len() => format!("{text}…"),
        None => text,
    }
}
