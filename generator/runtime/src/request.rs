//! Building and sending one request, with retries.
//!
//! About 800 lines because it is one type, `RequestBuilder`: its public setters, the send loop
//! (attempts, hooks, tracing, retries) and the assembly of the `reqwest` request. The pieces
//! it leans on live below it (`headers`, `query`, `encode`, `auth`, `response`, `retry`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, COOKIE, LOCATION, USER_AGENT};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::auth::PreparedAuth;
use crate::client::Client;
use crate::encode::scalar_text;
use crate::error::{Error, RedirectError};
use crate::headers::{cookie_pair, header_pair};
use crate::intercept::{Attempt, Operation, ResponseHead};
use crate::multipart::Multipart;
use crate::query::{encode_component, push_pairs, QueryStyle};
use crate::querystring::QueryString;
use crate::redact::{decode, Redactor};
use crate::response::{from_reqwest, Meta, RawResponse, StreamingResponse};
use crate::retry::{is_retryable, Failure};
use crate::trace::RequestTrace;

/// A request being built. Created by [`Client::request`].
///
/// Errors found while building (a value that does not serialize, a header with a line
/// break) are kept and reported by [`send`](Self::send) as [`Error::InvalidRequest`];
/// nothing is sent in that case. The builder is `Clone`: retries and paginators send it
/// again.
#[derive(Clone)]
pub struct RequestBuilder {
    client: Client,
    method: Method,
    target: Target,
    /// Percent-encoded `(key, value)` pairs in order.
    query: Vec<(String, String)>,
    /// A whole query string set as text ([`query_string`](Self::query_string)), sent before
    /// the pairs.
    raw_query: Option<String>,
    headers: Vec<(String, String)>,
    extra_headers: Vec<(String, String)>,
    cookies: Vec<(String, String)>,
    body: Body,
    timeout: Option<Duration>,
    error: Option<String>,
    skip_auth: bool,
    /// The operation's security requirement: alternatives, each a set of scheme names.
    security: Option<&'static [&'static [&'static str]]>,
    /// The operation this request is (for tracing and interceptors).
    operation: Option<Operation>,
}

#[derive(Clone)]
enum Target {
    /// Appended to the base URL.
    Path(String),
    /// An absolute URL (next-page links); must share the base URL's origin.
    Url(Url),
}

#[derive(Clone)]
enum Body {
    Empty,
    Bytes { data: Bytes, content_type: String },
    Multipart(Multipart),
}

enum Outcome {
    Buffered(RawResponse),
    Streaming(StreamingResponse),
}

impl Client {
    /// Starts a request. `path` is already percent-encoded (see [`path_param`](crate::path_param))
    /// and starts with `/`; it is appended to the base URL, keeping the base URL's
    /// path prefix. A `?query` part in `path` is kept as given. Path parameters may also be
    /// left as `{name}` placeholders and filled with [`RequestBuilder::path_param`].
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, path)
    }

    /// [`request`](Self::request) with a method given by name, as sent (`QUERY`, `LINK`,
    /// `PURGE`): for the methods `reqwest` has no constant for. A name that is not an HTTP
    /// method token makes [`send`](RequestBuilder::send) fail with
    /// [`Error::InvalidRequest`]; nothing is sent.
    pub fn request_method(&self, method: &str, path: &str) -> RequestBuilder {
        match Method::from_bytes(method.as_bytes()) {
            Ok(m) => RequestBuilder::new(self.clone(), m, path),
            Err(_) => RequestBuilder::new(self.clone(), Method::GET, path)
                .fail(format!("`{}` is not an HTTP method", method.escape_debug())),
        }
    }
}

impl RequestBuilder {
    pub(crate) fn new(client: Client, method: Method, path: &str) -> Self {
        let (path, query) = match path.split_once('?') {
            Some((path, query)) => (path, split_raw_query(query)),
            None => (path, Vec::new()),
        };
        let path = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        RequestBuilder {
            client,
            method,
            target: Target::Path(path),
            query,
            raw_query: None,
            headers: Vec::new(),
            extra_headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::Empty,
            timeout: None,
            error: None,
            skip_auth: false,
            security: None,
            operation: None,
        }
    }

    /// Names the operation this request belongs to: its `operationId` and the spec's path
    /// template (`/rooms/{roomName}`). Generated code sets it; it shows in the request's
    /// `tracing` span and is handed to [`Interceptor`](crate::Interceptor)s. Nothing is sent
    /// differently.
    pub fn operation(mut self, id: &'static str, path_template: &'static str) -> Self {
        self.operation = Some(Operation { id, path_template });
        self
    }

    /// Sends this request without the client's credentials, for operations the API marks
    /// as public (`security: []`).
    pub fn without_auth(mut self) -> Self {
        self.skip_auth = true;
        self
    }

    /// Sends the credentials of the operation's security requirement: `alternatives` in
    /// order, the first whose schemes all have a credential on the client wins, and every
    /// scheme of it is sent (`&[&["A", "B"]]` sends both A and B; `&[&["A"], &["B"]]` sends
    /// A, else B; an empty set is anonymous access). When none is met and the client has
    /// no default [`auth`](crate::ClientBuilder::auth) and the request carries no credential
    /// header set by hand (a default or per-request `Authorization`, say), it fails with
    /// [`Error::InvalidRequest`] naming the missing scheme and its environment variable,
    /// and nothing is sent.
    pub fn security(mut self, alternatives: &'static [&'static [&'static str]]) -> Self {
        self.security = Some(alternatives);
        self
    }

    /// The credentials to attach to this request.
    fn credentials(&self) -> Result<Vec<&PreparedAuth>, String> {
        let inner = &self.client.inner;
        if self.skip_auth {
            return Ok(Vec::new());
        }
        let default = || -> Vec<&PreparedAuth> {
            match &inner.prepared {
                PreparedAuth::None => inner.credentials.iter().take(1).map(|(_, p)| p).collect(),
                prepared => vec![prepared],
            }
        };
        let Some(alternatives) = self.security else {
            return Ok(default());
        };
        let lookup = |name: &str| {
            inner
                .credentials
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, p)| p)
        };
        for set in alternatives {
            let found: Option<Vec<&PreparedAuth>> = set.iter().map(|name| lookup(name)).collect();
            if let Some(found) = found {
                return Ok(found);
            }
        }
        if !matches!(inner.prepared, PreparedAuth::None) {
            return Ok(vec![&inner.prepared]);
        }
        // Credentials set by hand (a default or per-request credential header) are the
        // caller's choice: send them as they are.
        let by_hand = inner
            .default_headers
            .keys()
            .map(|name| name.as_str())
            .chain(self.headers.iter().map(|(n, _)| n.as_str()))
            .chain(self.extra_headers.iter().map(|(n, _)| n.as_str()))
            .any(|name| inner.is_credential_header(name));
        if by_hand {
            return Ok(Vec::new());
        }
        let missing: Vec<String> = alternatives
            .first()
            .into_iter()
            .flat_map(|set| set.iter())
            .filter(|name| lookup(name).is_none())
            .map(|name| match inner.schemes.iter().find(|(n, _)| n == name) {
                Some((_, var)) => format!("`{name}` (environment variable {var})"),
                None => format!("`{name}`"),
            })
            .collect();
        let others = if alternatives.len() > 1 {
            " or of an alternative scheme"
        } else {
            ""
        };
        Err(format!(
            "the operation needs the credential of security scheme {}{others}, and the client has none",
            missing.join(" and ")
        ))
    }

    fn fail(mut self, message: String) -> Self {
        if self.error.is_none() {
            self.error = Some(message);
        }
        self
    }

    /// Fills the path parameter `{name}` of the request path with `value`, serialized and
    /// percent-encoded by [`path_param`](crate::path_param) (every placeholder of that
    /// name). A value that does not serialize, or serializes to `null`, an empty string,
    /// `.` or `..`, would address another resource than the caller named: the request then
    /// fails with [`Error::InvalidRequest`] and nothing is sent. So does a path without
    /// the placeholder.
    pub fn path_param<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        let placeholder = format!("{{{name}}}");
        let segment = crate::encode::path_segment(value);
        match (&mut self.target, segment) {
            (Target::Path(path), Ok(segment)) if path.contains(&placeholder) => {
                *path = path.replace(&placeholder, &segment);
                self
            }
            (_, Err(message)) => self.fail(format!("path parameter `{name}` {message}")),
            _ => self.fail(format!("the request path has no parameter `{name}`")),
        }
    }

    /// Adds a query parameter serialized in `style` (see [`QueryStyle`]). `None` and
    /// `null` add nothing.
    pub fn query<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => {
                push_pairs(name, &value, style, &mut self.query);
                self
            }
            Err(e) => self.fail(format!("cannot serialize query parameter `{name}`: {e}")),
        }
    }

    /// Sets the whole query string from one value (an OpenAPI 3.2 `in: querystring`
    /// parameter), serialized as `media_type`: for `application/x-www-form-urlencoded` each
    /// property of an object is a `key=value` pair (an array repeats the key, a nested object
    /// is sent as JSON text); for a JSON media type the JSON text; otherwise a string as it
    /// is and any other value as JSON text. Everything is percent-encoded. `None` and `null`
    /// add nothing; a form value that is not an object makes [`send`](Self::send) fail with
    /// [`Error::InvalidRequest`]. Query parameters added otherwise (an API key) follow it.
    pub fn query_string<T: Serialize + ?Sized>(mut self, value: &T, media_type: &str) -> Self {
        let value = match serde_json::to_value(value) {
            Ok(value) => value,
            Err(e) => return self.fail(format!("cannot serialize the query string: {e}")),
        };
        match crate::querystring::serialize(&value, media_type) {
            Ok(QueryString::Empty) => self,
            Ok(QueryString::Pairs(pairs)) => {
                self.query.extend(pairs);
                self
            }
            Ok(QueryString::Raw(text)) => {
                self.raw_query = Some(text);
                self
            }
            Err(message) => self.fail(message),
        }
    }

    /// Sets query parameter `name` to `value`, replacing every value it had.
    pub fn set_query(mut self, name: &str, value: &str) -> Self {
        self.query.retain(|(k, _)| decode(k) != name);
        self.query
            .push((encode_component(name), encode_component(value)));
        self
    }

    /// Adds a header parameter. Scalars are sent as text, arrays as `a,b` and objects
    /// as `k,v,k2,v2` (OpenAPI `simple` style). `None` adds nothing. An invalid name or
    /// a value with CR, LF or other control characters makes [`send`](Self::send) fail
    /// with [`Error::InvalidRequest`].
    pub fn header<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(Value::Null) => self,
            Ok(value) => {
                self.headers.push((name.to_owned(), simple_text(&value)));
                self
            }
            Err(e) => self.fail(format!("cannot serialize header `{name}`: {e}")),
        }
    }

    /// Adds a cookie parameter (sent in the `Cookie` header together with any cookie
    /// credential). `None` adds nothing.
    pub fn cookie<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(Value::Null) => self,
            Ok(value) => {
                self.cookies.push((name.to_owned(), simple_text(&value)));
                self
            }
            Err(e) => self.fail(format!("cannot serialize cookie `{name}`: {e}")),
        }
    }

    /// Sets a JSON body (`Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(data) => {
                self.body = Body::Bytes {
                    data: data.into(),
                    content_type: "application/json".to_owned(),
                };
                self
            }
            Err(e) => self.fail(format!("cannot serialize JSON body: {e}")),
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub fn form<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_urlencoded::to_string(body) {
            Ok(data) => {
                self.body = Body::Bytes {
                    data: data.into(),
                    content_type: "application/x-www-form-urlencoded".to_owned(),
                };
                self
            }
            Err(e) => self.fail(format!("cannot serialize form body: {e}")),
        }
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(mut self, body: Multipart) -> Self {
        self.body = Body::Multipart(body);
        self
    }

    /// Sets a binary body with the given content type (for example
    /// `application/octet-stream`).
    pub fn bytes(mut self, body: impl Into<Bytes>, content_type: &str) -> Self {
        self.body = Body::Bytes {
            data: body.into(),
            content_type: content_type.to_owned(),
        };
        self
    }

    /// Sets a text body with the given content type (for example `text/plain`).
    pub fn text(mut self, body: impl Into<String>, content_type: &str) -> Self {
        self.body = Body::Bytes {
            data: Bytes::from(body.into()),
            content_type: content_type.to_owned(),
        };
        self
    }

    /// Overrides the client's per-attempt timeout for this request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Adds a header chosen by the caller (not by the API description); it replaces a
    /// header of the same name set by the client or the operation. Checked like
    /// [`header`](Self::header).
    pub fn extra_header(mut self, name: &str, value: &str) -> Self {
        self.extra_headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets `Accept: value` unless the request already sets `Accept`.
    pub(crate) fn accept_unless_set(mut self, value: &str) -> Self {
        let set = self
            .headers
            .iter()
            .chain(&self.extra_headers)
            .any(|(name, _)| name.eq_ignore_ascii_case("accept"));
        if !set {
            self.headers.push(("Accept".to_owned(), value.to_owned()));
        }
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The client this request belongs to.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Sends the request (retrying per the client's [`RetryPolicy`](crate::RetryPolicy))
    /// and reads the whole body.
    ///
    /// A 2xx response (and any 1xx/3xx that reaches the caller) is `Ok`; a 4xx or 5xx
    /// response is [`Error::Api`] with the body parsed as `E` when it parses.
    pub async fn send<E: DeserializeOwned>(self) -> Result<RawResponse, Error<E>> {
        self.send_buffered().await
    }

    /// [`send`](Self::send) without giving up the builder (a paginator still needs it).
    pub(crate) async fn send_buffered<E: DeserializeOwned>(&self) -> Result<RawResponse, Error<E>> {
        match self.execute::<E>(true).await? {
            Outcome::Buffered(response) => Ok(response),
            Outcome::Streaming(response) => {
                let redactor = response.meta.redactor.clone();
                let (meta, body) = response.into_parts();
                let body = body
                    .bytes()
                    .await
                    .map_err(|e| from_reqwest(e.0, &redactor, e.1, None))?;
                Ok(RawResponse { meta, body })
            }
        }
    }

    /// Like [`send`](Self::send), but a success body is not read into memory: read it
    /// from [`StreamingResponse::into_stream`]. Error bodies are still read and parsed.
    pub async fn send_streaming<E: DeserializeOwned>(self) -> Result<StreamingResponse, Error<E>> {
        Ok(match self.execute::<E>(false).await? {
            Outcome::Streaming(response) => response,
            Outcome::Buffered(response) => StreamingResponse::from_buffered(response),
        })
    }

    async fn execute<E: DeserializeOwned>(&self, buffer: bool) -> Result<Outcome, Error<E>> {
        // [trace] One span per request, around every attempt (trace.rs).
        let trace = RequestTrace::start(&self.method, self.operation.as_ref(), self.path());
        let outcome = trace.instrument(self.attempts::<E>(buffer, &trace)).await;
        trace.finish();
        outcome
    }

    async fn attempts<E: DeserializeOwned>(
        &self,
        buffer: bool,
        trace: &RequestTrace,
    ) -> Result<Outcome, Error<E>> {
        let inner = &self.client.inner;
        let redactor = self.redactor();
        let mut retry = inner.retry.start();
        let mut number = 0;
        loop {
            number += 1;
            trace.attempt(number);
            let (mut request, timeout) = self.build().map_err(Error::InvalidRequest)?;
            // [hooks] Interceptors see (and may sign) every attempt (intercept.rs).
            let attempt = Attempt {
                operation: self.operation.as_ref(),
                method: &self.method,
                number,
            };
            inner
                .interceptors
                .before_attempt(&mut request, &attempt)
                .map_err(|e| Error::InvalidRequest(redactor.text(&e)))?;
            let sent = std::time::Instant::now();
            let (error, hint) = match inner.http.execute(request).await {
                Err(err) => {
                    let failure = classify(&err);
                    let error = from_reqwest(err, &redactor, timeout, inner.connect_timeout);
                    match failure {
                        Some(f) if is_retryable(&self.method, f) => (error, None),
                        _ => return Err(error),
                    }
                }
                Ok(mut response) => {
                    // [hooks] [trace] The response head, before its body is read.
                    trace.status(response.status());
                    let head = ResponseHead {
                        status: response.status(),
                        headers: response.headers(),
                        elapsed: sent.elapsed(),
                    };
                    inner.interceptors.on_response(&head, &attempt);
                    // The headers move to `meta`: reading the body does not need them.
                    let meta = Meta::new(
                        response.status(),
                        std::mem::take(response.headers_mut()),
                        self.method.clone(),
                        response.url(),
                        redactor.clone(),
                    );
                    let status = meta.status;
                    if let Some(redirect) = self.unfollowed_redirect(&meta, &redactor) {
                        return Err(Error::Redirect(Box::new(redirect)));
                    }
                    if !(status.is_client_error() || status.is_server_error()) {
                        if !buffer {
                            return Ok(Outcome::Streaming(StreamingResponse::live(
                                meta, response, timeout,
                            )));
                        }
                        match response.bytes().await {
                            Ok(body) => return Ok(Outcome::Buffered(RawResponse { meta, body })),
                            Err(err) => {
                                let failure = classify(&err);
                                let error =
                                    from_reqwest(err, &redactor, timeout, inner.connect_timeout);
                                match failure {
                                    Some(f) if is_retryable(&self.method, f) => (error, None),
                                    _ => return Err(error),
                                }
                            }
                        }
                    } else {
                        let (raw, truncated) =
                            match read_capped(response, inner.max_error_body).await {
                                Ok(read) => read,
                                Err(err) if err.is_timeout() => {
                                    return Err(from_reqwest(
                                        err,
                                        &redactor,
                                        timeout,
                                        inner.connect_timeout,
                                    ))
                                }
                                // The status is what matters; keep going without the body.
                                Err(_) => (Bytes::new(), false),
                            };
                        let hint = meta.retry_after;
                        let mut error = meta.api_error::<E>(raw);
                        if let Error::Api(api) = &mut error {
                            api.set_body_truncated(truncated);
                        }
                        if is_retryable(&self.method, Failure::Status(status)) {
                            (error, hint)
                        } else {
                            return Err(error);
                        }
                    }
                }
            };
            match retry.next_wait(hint) {
                Some(wait) => {
                    // [trace] The retry (or the wait the server asked for) as an event.
                    trace.retry(number, wait, hint.is_some(), &error);
                    tokio::time::sleep(wait).await
                }
                None => return Err(error),
            }
        }
    }

    /// The error for a redirect response that reached the caller (the client follows
    /// redirects only within the base URL's origin), or `None` for any other response.
    fn unfollowed_redirect(&self, meta: &Meta, redactor: &Redactor) -> Option<RedirectError> {
        use reqwest::StatusCode;
        let redirect = [
            StatusCode::MOVED_PERMANENTLY,
            StatusCode::FOUND,
            StatusCode::SEE_OTHER,
            StatusCode::TEMPORARY_REDIRECT,
            StatusCode::PERMANENT_REDIRECT,
        ];
        if !redirect.contains(&meta.status) {
            return None;
        }
        let location = meta.headers.get(LOCATION)?.to_str().ok()?;
        let target = meta.url.join(location.trim()).ok()?;
        Some(RedirectError {
            status: meta.status,
            method: self.method.clone(),
            url: redactor.text(meta.url.as_str()),
            location: redactor.url_string(&target),
            cross_origin: !self.client.is_same_origin(&target),
        })
    }

    /// Builds the `reqwest` request for one attempt, and the timeout that applies.
    fn build(&self) -> Result<(reqwest::Request, Option<Duration>), String> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let inner = &self.client.inner;

        let mut url = match &self.target {
            Target::Path(path) => {
                check_path(path)?;
                Url::parse(&format!("{}{}", inner.base_url, path))
                    .map_err(|e| format!("invalid request path `{}`: {e}", path.escape_debug()))?
            }
            Target::Url(url) => url.clone(),
        };
        if !self.client.is_same_origin(&url) {
            return Err(format!(
                "refusing to send a request to {} because it is not the origin of the base URL {}; \
                 the client's credentials are only sent to its own API",
                url.origin().ascii_serialization(),
                inner.base.origin().ascii_serialization()
            ));
        }

        let mut pairs: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let credentials = self.credentials()?;
        let auth_pairs: Vec<(String, String)> = credentials
            .iter()
            .filter_map(|c| match c {
                PreparedAuth::Query(name, secret) => {
                    Some((encode_component(name), encode_component(secret.expose())))
                }
                _ => None,
            })
            .collect();
        for (name, value) in &auth_pairs {
            pairs.retain(|(k, _)| decode(k) != decode(name));
            pairs.push((name, value));
        }
        if pairs.is_empty() && self.raw_query.is_none() {
            url.set_query(None);
        } else {
            let mut query =
                String::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
            if let Some(raw) = &self.raw_query {
                query.push_str(raw);
            }
            for (k, v) in pairs.iter() {
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str(k);
                query.push('=');
                query.push_str(v);
            }
            url.set_query(Some(&query));
        }

        let mut headers: HeaderMap = inner.default_headers.clone();
        headers.insert(USER_AGENT, inner.user_agent.clone());
        for (name, value) in &self.headers {
            let (name, mut value) = header_pair(name, value)?;
            if inner.is_credential_header(name.as_str()) {
                value.set_sensitive(true);
            }
            headers.insert(name, value);
        }
        for credential in &credentials {
            if let PreparedAuth::Header(name, value) = credential {
                headers.insert(name.clone(), value.clone());
            }
        }

        let mut cookies = Vec::new();
        let mut sensitive_cookie = false;
        for credential in &credentials {
            if let PreparedAuth::Cookie(name, secret) = credential {
                cookies.push(cookie_pair(name, secret.expose())?);
                sensitive_cookie = true;
            }
        }
        for (name, value) in &self.cookies {
            cookies.push(cookie_pair(name, value)?);
        }
        if !cookies.is_empty() {
            let mut value = HeaderValue::from_str(&cookies.join("; "))
                .map_err(|_| "a cookie contains characters not allowed in a header".to_owned())?;
            value.set_sensitive(sensitive_cookie);
            headers.insert(COOKIE, value);
        }

        if let Body::Bytes { content_type, .. } = &self.body {
            let value = HeaderValue::from_str(content_type)
                .map_err(|_| format!("invalid content type `{}`", content_type.escape_debug()))?;
            headers.insert(CONTENT_TYPE, value);
        }
        for (name, value) in &self.extra_headers {
            let (name, mut value) = header_pair(name, value)?;
            if inner.is_credential_header(name.as_str()) {
                value.set_sensitive(true);
            }
            headers.insert(name, value);
        }

        let timeout = self.timeout.or(inner.timeout);
        let mut builder = inner
            .http
            .request(self.method.clone(), url)
            .headers(headers);
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        builder = match &self.body {
            Body::Empty => builder,
            Body::Bytes { data, .. } => builder.body(data.clone()),
            Body::Multipart(form) => builder.multipart(form.to_form()?),
        };
        let request = builder.build().map_err(|e| {
            inner
                .redactor
                .text(&format!("cannot build request: {}", e.without_url()))
        })?;
        Ok((request, timeout))
    }

    /// The client's redactor, with this request's own credential headers (set by hand with
    /// `header` or `extra_header`) added to the secrets it masks.
    fn redactor(&self) -> Arc<Redactor> {
        let inner = &self.client.inner;
        let own: Vec<String> = self
            .headers
            .iter()
            .chain(&self.extra_headers)
            .filter(|(name, _)| inner.is_credential_header(name))
            .map(|(_, value)| crate::client::credential_part(value))
            .filter(|v| !v.is_empty())
            .collect();
        if own.is_empty() {
            inner.redactor.clone()
        } else {
            Arc::new(inner.redactor.with_secrets(own))
        }
    }

    /// Points the request at an absolute URL (a next-page link); its query replaces the
    /// request's query.
    pub(crate) fn with_url(mut self, mut url: Url) -> Self {
        self.query = url.query().map(split_raw_query).unwrap_or_default();
        self.raw_query = None;
        url.set_query(None);
        url.set_fragment(None);
        self.target = Target::Url(url);
        self
    }

    /// The path (or the path of the absolute URL) this request goes to.
    fn path(&self) -> &str {
        match &self.target {
            Target::Path(path) => path,
            Target::Url(url) => url.path(),
        }
    }

    /// The first value of query parameter `name`, decoded.
    pub(crate) fn query_value(&self, name: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(k, _)| decode(k) == name)
            .map(|(_, v)| decode(v))
    }
}

impl fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match &self.target {
            Target::Path(path) => path.clone(),
            Target::Url(url) => self.client.inner.redactor.url_string(url),
        };
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("target", &target)
            .field("query_len", &self.query.len())
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// Reads a body as a stream, keeping at most `cap` bytes: `(body, truncated)`. Reading
/// stops at the cap, so a huge body is never buffered whole.
async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<(Bytes, bool), reqwest::Error> {
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        let room = cap - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body.freeze(), true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body.freeze(), false))
}

/// What kind of transport failure this is, for the retry decision; `None` for errors
/// that are never retried (timeouts, builder and redirect errors).
fn classify(err: &reqwest::Error) -> Option<Failure> {
    if err.is_timeout() {
        None
    } else if err.is_connect() {
        Some(Failure::Connect)
    } else if err.is_request() || err.is_body() {
        Some(Failure::Transport)
    } else {
        None
    }
}

/// Splits a raw query string into still-encoded pairs.
fn split_raw_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (pair.to_owned(), String::new()),
        })
        .collect()
}

/// Refuses paths whose segments a URL parser would resolve (`.`, `..`, or their
/// percent-encoded forms), and fragments.
fn check_path(path: &str) -> Result<(), String> {
    if path.contains('#') {
        return Err("the request path must not contain `#`".to_owned());
    }
    for segment in path.split(['/', '\\']) {
        let decoded = decode(segment);
        if decoded == "." || decoded == ".." {
            return Err(format!(
                "the request path `{}` has a `.` or `..` segment, which would change the path",
                path.escape_debug()
            ));
        }
    }
    Ok(())
}

/// OpenAPI `simple` style text of a header or cookie value.
fn simple_text(value: &Value) -> String {
    match value {
        Value::Array(items) => items
            .iter()
            .filter(|v| !v.is_null())
            .map(scalar_text)
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
            .collect::<Vec<_>>()
            .join(","),
        scalar => scalar_text(scalar),
    }
}
