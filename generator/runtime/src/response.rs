//! Responses: buffered, streaming and decoded.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use futures::stream::{BoxStream, Stream, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{parse_body, request_id, ApiError, DecodeError, Error, TimeoutError};
use crate::page::{Decoded, Nothing, Plan};
use crate::ratelimit::{server_wait, RateLimit};
use crate::redact::Redactor;
use crate::shape::Envelope;

/// What is known about a received response apart from its body.
#[derive(Clone)]
pub(crate) struct Meta {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) method: Method,
    /// The final URL, with the credential query parameter masked.
    pub(crate) url: Url,
    pub(crate) redactor: Arc<Redactor>,
}

impl Meta {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        method: Method,
        url: &Url,
        redactor: Arc<Redactor>,
    ) -> Self {
        let now = SystemTime::now();
        let rate_limit = RateLimit::from_headers_at(&headers, now);
        let retry_after = server_wait(&headers, rate_limit.as_ref(), now);
        Meta {
            status,
            headers,
            rate_limit,
            retry_after,
            method,
            url: redactor.url(url),
            redactor,
        }
    }

    /// Turns this response into an API error with the given body.
    pub(crate) fn api_error<E: DeserializeOwned>(&self, raw: Bytes) -> Error<E> {
        Error::Api(Box::new(ApiError::new(
            self.status,
            self.headers.clone(),
            parse_body::<E>(&raw),
            raw,
            self.retry_after,
            self.rate_limit.clone(),
            self.method.clone(),
            self.redactor.text(self.url.as_str()),
            self.redactor.clone(),
        )))
    }

    pub(crate) fn decode_error<E>(
        &self,
        path: String,
        message: String,
        body: &[u8],
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error<E> {
        Error::Decode(Box::new(DecodeError::new(
            path,
            message,
            body,
            Some(self.status),
            source,
            &self.redactor,
        )))
    }

    /// A decode error at `path` from a failed pass over `body`.
    pub(crate) fn json_error<E>(
        &self,
        body: &[u8],
        (path, err): (String, serde_json::Error),
    ) -> Error<E> {
        self.decode_error(path, err.to_string(), body, Some(Box::new(err)))
    }

    /// Deserializes `T` from a JSON body, naming the failing path. The path is only
    /// worked out (by decoding again) when the decode fails.
    pub(crate) fn decode_slice<T: DeserializeOwned, E>(&self, body: &[u8]) -> Result<T, Error<E>> {
        crate::page::decode_value(body).map_err(|err| self.json_error(body, err))
    }

    /// Deserializes the payload of an enveloped body as `T`, straight from the bytes;
    /// `success: false` gives an API error.
    pub(crate) fn decode_enveloped<T: DeserializeOwned, E: DeserializeOwned>(
        &self,
        body: &Bytes,
        envelope: &Envelope,
    ) -> Result<T, Error<E>> {
        let plan = Plan::for_payload(Some(*envelope));
        let mut out = Decoded::<Nothing, T>::default();
        if crate::page::decode(body, &plan, &mut out).is_err() {
            // The error path: first the envelope alone (its shape and success flag),
            // then the payload again, naming where it failed.
            let mut skim = Decoded::<Nothing, Nothing>::default();
            let shape = Plan::for_envelope(*envelope);
            crate::page::decode_tracked(body, &shape, &mut skim)
                .map_err(|err| self.json_error(body, err))?;
            if skim.links.success == Some(false) {
                return Err(self.api_error(body.clone()));
            }
            out = Decoded::default();
            crate::page::decode_tracked(body, &plan, &mut out)
                .map_err(|err| self.json_error(body, err))?;
        }
        if out.links.success == Some(false) {
            return Err(self.api_error(body.clone()));
        }
        match out.page {
            Some(value) => Ok(value),
            // No data property: the payload is `null`.
            None => T::deserialize(Value::Null).map_err(|e| {
                self.decode_error(
                    envelope.data_field.to_owned(),
                    e.to_string(),
                    body,
                    Some(Box::new(e)),
                )
            }),
        }
    }
}

/// A response whose body has been read into memory.
pub struct RawResponse {
    pub(crate) meta: Meta,
    pub(crate) body: Bytes,
}

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.meta.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.meta.headers
    }

    /// The rate-limit headers, if any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.meta.rate_limit.as_ref()
    }

    /// The `x-request-id` (or `request-id`) header.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.meta.headers)
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Decodes the JSON body as `T`. An empty body decodes as `null`. On failure the
    /// [`Error::Decode`] names the JSON path that failed (for example `items[2].id`) and
    /// carries the start of the body.
    pub fn json<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        self.meta.decode_slice(&self.body)
    }

    /// Decodes the payload of an enveloped JSON body (`{"success": true, "data": ...}`)
    /// as `T`. `success: false` gives [`Error::Api`] with the body parsed as `E`; decode
    /// error paths start with the data field (`data.items[0].id`).
    pub fn json_enveloped<T: DeserializeOwned, E: DeserializeOwned>(
        &self,
        envelope: &Envelope,
    ) -> Result<T, Error<E>> {
        self.meta.decode_enveloped(&self.body, envelope)
    }

    /// The body as UTF-8 text.
    pub fn text<E>(&self) -> Result<String, Error<E>> {
        String::from_utf8(self.body.to_vec()).map_err(|e| {
            self.meta.decode_error(
                ".".to_owned(),
                format!("body is not valid UTF-8: {e}"),
                &self.body,
                Some(Box::new(e)),
            )
        })
    }

    /// Takes the body.
    pub fn into_bytes(self) -> Bytes {
        self.body
    }

    /// Pairs a value decoded from this response with its status and headers.
    pub fn into_response<T>(self, value: T) -> Response<T> {
        Response {
            status: self.meta.status,
            headers: self.meta.headers,
            rate_limit: self.meta.rate_limit,
            value,
        }
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.meta.status)
            .field("url", &self.meta.url.as_str())
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// A success response whose body has not been read yet; see
/// [`RequestBuilder::send_streaming`](crate::RequestBuilder::send_streaming).
pub struct StreamingResponse {
    pub(crate) meta: Meta,
    body: StreamBody,
}

/// The unread body of a [`StreamingResponse`].
pub(crate) enum StreamBody {
    Live {
        response: reqwest::Response,
        timeout: Option<Duration>,
    },
    Buffered(Bytes),
}

impl StreamBody {
    /// Reads the whole body; a failure comes with the timeout that applied.
    pub(crate) async fn bytes(self) -> Result<Bytes, (reqwest::Error, Option<Duration>)> {
        match self {
            StreamBody::Live { response, timeout } => {
                response.bytes().await.map_err(|e| (e, timeout))
            }
            StreamBody::Buffered(bytes) => Ok(bytes),
        }
    }
}

impl StreamingResponse {
    pub(crate) fn live(meta: Meta, response: reqwest::Response, timeout: Option<Duration>) -> Self {
        StreamingResponse {
            meta,
            body: StreamBody::Live { response, timeout },
        }
    }

    pub(crate) fn from_buffered(response: RawResponse) -> Self {
        StreamingResponse {
            meta: response.meta,
            body: StreamBody::Buffered(response.body),
        }
    }

    pub(crate) fn into_parts(self) -> (Meta, StreamBody) {
        (self.meta, self.body)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.meta.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.meta.headers
    }

    /// The rate-limit headers, if any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.meta.rate_limit.as_ref()
    }

    /// The `x-request-id` (or `request-id`) header.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.meta.headers)
    }

    /// The `Content-Length`, when the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        match &self.body {
            StreamBody::Live { response, .. } => response.content_length(),
            StreamBody::Buffered(bytes) => u64::try_from(bytes.len()).ok(),
        }
    }

    /// The body as a stream of chunks.
    pub fn into_stream(self) -> ByteStream {
        let (inner, timeout) = match self.body {
            StreamBody::Live { response, timeout } => (response.bytes_stream().boxed(), timeout),
            StreamBody::Buffered(bytes) => (
                futures::stream::once(async move { Ok(bytes) }).boxed(),
                None,
            ),
        };
        ByteStream {
            inner,
            redactor: self.meta.redactor,
            timeout,
        }
    }
}

impl fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.meta.status)
            .field("url", &self.meta.url.as_str())
            .finish_non_exhaustive()
    }
}

/// A response body as a stream of [`Bytes`] chunks.
///
/// The request timeout, if any, still applies while the body is being read.
pub struct ByteStream {
    inner: BoxStream<'static, Result<Bytes, reqwest::Error>>,
    redactor: Arc<Redactor>,
    timeout: Option<Duration>,
}

impl ByteStream {
    /// Reads the whole stream into memory.
    pub async fn collect(mut self) -> Result<Bytes, Error> {
        let mut out = BytesMut::new();
        while let Some(chunk) = self.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out.freeze())
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        Poll::Ready(match futures::ready!(this.inner.poll_next_unpin(cx)) {
            None => None,
            Some(Ok(chunk)) => Some(Ok(chunk)),
            Some(Err(err)) => Some(Err(from_reqwest(err, &this.redactor, this.timeout, None))),
        })
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").finish_non_exhaustive()
    }
}

/// Classifies a transport error, masking credentials in its URL.
pub(crate) fn from_reqwest<E>(
    err: reqwest::Error,
    redactor: &Redactor,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
) -> Error<E> {
    let err = redactor.reqwest_error(err);
    if err.is_timeout() {
        let connect = err.is_connect();
        Error::Timeout(TimeoutError {
            after: if connect { connect_timeout } else { timeout },
            connect,
            source: Some(err),
        })
    } else if err.is_builder() {
        Error::InvalidRequest(redactor.text(&err.to_string()))
    } else {
        Error::Transport(err)
    }
}

/// A decoded value together with the status and headers of the response it came in.
///
/// Dereferences to the value.
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    rate_limit: Option<RateLimit>,
    value: T,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The rate-limit headers, if any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.rate_limit.as_ref()
    }

    /// The `x-request-id` (or `request-id`) header.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Transforms the value, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            rate_limit: self.rate_limit,
            value: f(self.value),
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}
