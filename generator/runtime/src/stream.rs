//! Typed streams: a response body read incrementally as server-sent events
//! (`text/event-stream`), JSON Lines (`application/jsonl`, `application/x-ndjson`) or JSON
//! text sequences (`application/json-seq`), each event or record decoded into an item as it
//! arrives ([`EventStream`], made by [`RequestBuilder::send_events`]).
//!
//! The request is sent like any other ([`RequestBuilder::send_streaming`]): credentials,
//! interceptors, the `tracing` span, retries of the connection and the decoding of an error
//! status all apply. Only the body is read differently: chunk by chunk, keeping at most one
//! event (or record) and the chunk it came in, so memory stays flat however long the stream
//! runs. Dropping the stream drops the connection.
//!
//! **Reconnection** (server-sent events only). When the connection drops (a read error, or
//! the body ends in the middle of an event) and the request's method is idempotent (`GET`,
//! `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`), the request is sent again with
//! `Last-Event-ID` set to the last event ID the server gave, after the reconnection time the
//! server asked for with `retry:` (else the retry policy's backoff), within the client's
//! [`RetryPolicy`](crate::RetryPolicy): its attempts and total wait bound a run of failed
//! reconnections, and the count starts over once an event arrives. A `204 No Content` answer
//! ends the stream. A request with any other method (`POST`) is never sent again unless the
//! caller asks for it with [`EventStream::reconnect_non_idempotent`]. A body that ends
//! between two events ends the stream.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::{BoxStream, Stream, StreamExt};
use futures::FutureExt;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error};
use crate::future::SendFuture;
use crate::records::{Record, RecordSplitter};
use crate::redact::Redactor;
use crate::request::RequestBuilder;
use crate::response::{from_reqwest, StreamBody, StreamingResponse};
use crate::retry::RetryState;
use crate::sse::{SseParser, Step, DEFAULT_MAX_EVENT};

/// The wire format of a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamFormat {
    /// Server-sent events (`text/event-stream`): each event's `data` is one item.
    Sse,
    /// JSON Lines (`application/jsonl`, `application/x-ndjson`): one item per line.
    JsonLines,
    /// JSON text sequences (`application/json-seq`, RFC 7464): one item per record.
    JsonSeq,
}

/// One event (or record) of a stream, handed to the item decoder.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    event: &'a str,
    data: &'a [u8],
    id: &'a str,
    index: u64,
    format: StreamFormat,
}

impl<'a> Frame<'a> {
    /// The event type (`message` when the server sent none); empty outside server-sent
    /// events.
    pub fn event(&self) -> &'a str {
        self.event
    }

    /// The last event ID (server-sent events), if the server has sent one.
    pub fn id(&self) -> Option<&'a str> {
        (!self.id.is_empty()).then_some(self.id)
    }

    /// The place of this frame in the stream: 1 for the first.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The event's data (or the record's text), as bytes.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The data decoded as JSON into `T`. On failure the error names the JSON path.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ItemError> {
        crate::page::decode_value(self.data).map_err(|(path, err)| ItemError {
            path,
            message: err.to_string(),
            source: Some(err),
        })
    }

    /// The data as text.
    pub fn text(&self) -> Result<String, ItemError> {
        String::from_utf8(self.data.to_vec()).map_err(|e| ItemError {
            path: ".".to_owned(),
            message: format!("not valid UTF-8: {e}"),
            source: None,
        })
    }

    /// How the frame is named in errors: `event 3 (`delta`, id `7`)`, `line 3`, `record 3`.
    fn label(&self) -> String {
        match self.format {
            StreamFormat::Sse => match self.id() {
                Some(id) => format!("event {} (`{}`, id `{}`)", self.index, self.event, id),
                None => format!("event {} (`{}`)", self.index, self.event),
            },
            StreamFormat::JsonLines => format!("line {}", self.index),
            StreamFormat::JsonSeq => format!("record {}", self.index),
        }
    }
}

/// Why one frame could not be decoded into an item.
#[derive(Debug)]
pub struct ItemError {
    path: String,
    message: String,
    source: Option<serde_json::Error>,
}

impl ItemError {
    /// An error with a message, for hand-written decoders.
    pub fn new(message: impl Into<String>) -> Self {
        ItemError {
            path: ".".to_owned(),
            message: message.into(),
            source: None,
        }
    }
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for ItemError {}

/// Decodes one frame into an item.
pub type Decoder<T> = fn(&Frame<'_>) -> Result<T, ItemError>;

/// How to read a streamed response: its format, the media type asked for, the item decoder
/// and an optional sentinel. Generated code builds one per streaming operation.
pub struct StreamSpec<T> {
    format: StreamFormat,
    accept: &'static str,
    decode: Decoder<T>,
    sentinel: Option<&'static str>,
}

impl<T> Clone for StreamSpec<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for StreamSpec<T> {}

impl<T> StreamSpec<T> {
    /// A stream in `format`, asked for with `Accept: accept`, whose frames `decode` turns
    /// into items ([`Frame::json`], [`Frame::text`] or a function of the event name).
    pub fn new(format: StreamFormat, accept: &'static str, decode: Decoder<T>) -> Self {
        StreamSpec {
            format,
            accept,
            decode,
            sentinel: None,
        }
    }

    /// A stream whose items are each frame's data decoded as JSON into `T`.
    pub fn json(format: StreamFormat, accept: &'static str) -> Self
    where
        T: DeserializeOwned,
    {
        Self::new(format, accept, decode_json::<T>)
    }

    /// Ends the stream cleanly at the first event (or record) whose data is `sentinel`
    /// (surrounding whitespace aside), such as OpenAI's `[DONE]`. The sentinel is not an
    /// item.
    pub fn sentinel(mut self, sentinel: &'static str) -> Self {
        self.sentinel = Some(sentinel);
        self
    }
}

impl StreamSpec<String> {
    /// A stream whose items are each frame's data as text.
    pub fn text(format: StreamFormat, accept: &'static str) -> Self {
        Self::new(format, accept, decode_text)
    }
}

fn decode_json<T: DeserializeOwned>(frame: &Frame<'_>) -> Result<T, ItemError> {
    frame.json()
}

fn decode_text(frame: &Frame<'_>) -> Result<String, ItemError> {
    frame.text()
}

impl<T> fmt::Debug for StreamSpec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamSpec")
            .field("format", &self.format)
            .field("accept", &self.accept)
            .field("sentinel", &self.sentinel)
            .finish_non_exhaustive()
    }
}

impl RequestBuilder {
    /// Sends the request with `Accept` set to the stream's media type (unless the request
    /// sets one) and returns the typed stream of its body once the response head has
    /// arrived. An error status fails the future, with the decoded error body, as for
    /// [`send`](Self::send).
    pub fn send_events<T, E>(self, spec: StreamSpec<T>) -> SendFuture<EventStream<T, E>, E>
    where
        T: 'static,
        E: DeserializeOwned + Send + 'static,
    {
        let request = self.accept_unless_set(spec.accept);
        SendFuture::new(async move {
            let response = request.clone().send_streaming::<E>().await?;
            Ok(EventStream::new(response, request, spec))
        })
    }
}

enum Parser {
    /// The parser, the chunk being read and how far.
    Sse(SseParser, Bytes, usize),
    Records(RecordSplitter, VecDeque<Record>),
}

enum Phase<E> {
    Reading(BoxStream<'static, Result<Bytes, reqwest::Error>>),
    Waiting(Pin<Box<tokio::time::Sleep>>),
    Connecting(BoxFuture<'static, Result<StreamingResponse, Error<E>>>),
    Done,
}

/// A stream of typed items read from a response body as it arrives: server-sent events
/// (`text/event-stream`), JSON Lines or JSON text sequences ([`StreamFormat`]), made by
/// [`RequestBuilder::send_events`]. Only the event being read and the chunk it came in are
/// held, so memory stays flat however long the stream runs.
///
/// **Reconnection** (server-sent events). When the connection drops (a read error, or the
/// body ends in the middle of an event) and the request's method is idempotent (`GET`,
/// `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`), the request is sent again, through the
/// client's credentials, interceptors and tracing like any request, with `Last-Event-ID` set
/// to the last event ID the server gave, after the reconnection time the server asked for
/// with `retry:` (else the retry policy's backoff). The client's
/// [`RetryPolicy`](crate::RetryPolicy) bounds a run of failed reconnections (its attempts and
/// total wait); the count starts over once an event arrives. A `204 No Content` answer ends
/// the stream. A request with another method (`POST`) is never sent again unless the caller
/// asks for it with [`reconnect_non_idempotent`](Self::reconnect_non_idempotent). A body that
/// ends between two events ends the stream.
///
/// Each item is `Ok(T)`, or an `Err` for an event that did not decode (an
/// [`Error::Decode`] naming the event and the JSON path) or for a connection that failed
/// for good. A malformed event does not end the stream: the events after it still come,
/// unless [`stop_on_error`](Self::stop_on_error) was asked for. The stream ends at the end of
/// the body, at the sentinel, or after an error it cannot go on from.
///
/// Dropping the stream closes the connection.
pub struct EventStream<T, E = serde_json::Value> {
    status: StatusCode,
    headers: HeaderMap,
    redactor: Arc<Redactor>,
    timeout: Option<Duration>,
    spec: StreamSpec<T>,
    parser: Parser,
    phase: Phase<E>,
    /// Frames seen so far.
    index: u64,
    stop_on_error: bool,
    request: RequestBuilder,
    /// `None`: never reconnect.
    reconnect: Option<Reconnect>,
    _marker: PhantomData<fn() -> E>,
}

struct Reconnect {
    retry: RetryState,
    /// Reconnections since the last event (the retry budget starts over at an event).
    fresh: bool,
}

fn body_stream(body: StreamBody) -> BoxStream<'static, Result<Bytes, reqwest::Error>> {
    match body {
        StreamBody::Live { response, .. } => response.bytes_stream().boxed(),
        StreamBody::Buffered(bytes) => futures::stream::once(async move { Ok(bytes) }).boxed(),
    }
}

impl<T, E> EventStream<T, E>
where
    E: DeserializeOwned + Send + 'static,
{
    fn new(response: StreamingResponse, request: RequestBuilder, spec: StreamSpec<T>) -> Self {
        let (meta, body) = response.into_parts();
        let timeout = match &body {
            StreamBody::Live { timeout, .. } => *timeout,
            StreamBody::Buffered(_) => None,
        };
        let parser = match spec.format {
            StreamFormat::Sse => Parser::Sse(SseParser::new(DEFAULT_MAX_EVENT), Bytes::new(), 0),
            StreamFormat::JsonLines => {
                Parser::Records(RecordSplitter::lines(DEFAULT_MAX_EVENT), VecDeque::new())
            }
            StreamFormat::JsonSeq => {
                Parser::Records(RecordSplitter::json_seq(DEFAULT_MAX_EVENT), VecDeque::new())
            }
        };
        let reconnect = (spec.format == StreamFormat::Sse && request.method().is_idempotent())
            .then(|| Reconnect {
                retry: request.client().inner.retry.start(),
                fresh: false,
            });
        EventStream {
            status: meta.status,
            headers: meta.headers,
            redactor: meta.redactor,
            timeout,
            spec,
            parser,
            phase: Phase::Reading(body_stream(body)),
            index: 0,
            stop_on_error: false,
            request,
            reconnect,
            _marker: PhantomData,
        }
    }

    /// Ends the stream after the first item that fails to decode (that error is the last
    /// item) instead of going on with the events after it.
    pub fn stop_on_error(mut self) -> Self {
        self.stop_on_error = true;
        self
    }

    /// Reconnects after a dropped connection even though the request's method is not
    /// idempotent (`POST`): the request, body included, is sent again, with
    /// `Last-Event-ID`. Only for APIs that document that resending it is safe.
    pub fn reconnect_non_idempotent(mut self) -> Self {
        if self.spec.format == StreamFormat::Sse && self.reconnect.is_none() {
            self.reconnect = Some(Reconnect {
                retry: self.request.client().inner.retry.start(),
                fresh: false,
            });
        }
        self
    }

    /// Never reconnects: a dropped connection ends the stream with its error.
    pub fn no_reconnect(mut self) -> Self {
        self.reconnect = None;
        self
    }

    /// The HTTP status of the response that opened the stream.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the response that opened the stream (or of the last reconnection).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The last event ID the server sent (server-sent events), sent as `Last-Event-ID`
    /// when reconnecting.
    pub fn last_event_id(&self) -> Option<&str> {
        match &self.parser {
            Parser::Sse(p, ..) => Some(p.last_event_id()).filter(|id| !id.is_empty()),
            Parser::Records(..) => None,
        }
    }

    /// The next decoded frame already read, if any; `Err(None)` for the sentinel.
    fn next_frame(&mut self) -> Option<Result<T, Option<Error<E>>>> {
        let spec = self.spec;
        let (label, result, data) = match &mut self.parser {
            Parser::Sse(parser, chunk, pos) => {
                let step = parser.advance(chunk, pos)?;
                self.index += 1;
                match step {
                    Step::TooLarge(len) => (
                        format!("event {}", self.index),
                        Err(too_large(len)),
                        Vec::new(),
                    ),
                    Step::Event => {
                        let (event, data, id) = parser.event();
                        if is_sentinel(spec.sentinel, data) {
                            return Some(Err(None));
                        }
                        let frame = Frame {
                            event,
                            data,
                            id,
                            index: self.index,
                            format: spec.format,
                        };
                        match (spec.decode)(&frame) {
                            Ok(item) => (String::new(), Ok(item), Vec::new()),
                            Err(e) => (frame.label(), Err(e), data.to_vec()),
                        }
                    }
                }
            }
            Parser::Records(_, queue) => {
                let record = queue.pop_front()?;
                self.index += 1;
                let what = if spec.format == StreamFormat::JsonSeq {
                    "record"
                } else {
                    "line"
                };
                match record {
                    Record::TooLarge(len) => (
                        format!("{what} {}", self.index),
                        Err(too_large(len)),
                        Vec::new(),
                    ),
                    Record::Text(text) => {
                        if is_sentinel(spec.sentinel, &text) {
                            return Some(Err(None));
                        }
                        let frame = Frame {
                            event: "",
                            data: &text,
                            id: "",
                            index: self.index,
                            format: spec.format,
                        };
                        match (spec.decode)(&frame) {
                            Ok(item) => (String::new(), Ok(item), Vec::new()),
                            Err(e) => (frame.label(), Err(e), text),
                        }
                    }
                }
            }
        };
        if let Some(r) = &mut self.reconnect {
            if r.fresh {
                r.fresh = false;
                r.retry = self.request.client().inner.retry.start();
            }
        }
        Some(result.map_err(|e| {
            Some(Error::Decode(Box::new(DecodeError::new(
                e.path,
                format!("{label}: {}", e.message),
                &data,
                Some(self.status),
                e.source
                    .map(|s| Box::new(s) as Box<dyn std::error::Error + Send + Sync>),
                &self.redactor,
            ))))
        }))
    }

    /// The connection dropped (or the body ended mid-event) with `error`: reconnect if
    /// allowed, else the error is the stream's last item.
    fn dropped(&mut self, error: Error<E>) -> Option<Error<E>> {
        let Parser::Sse(parser, chunk, pos) = &mut self.parser else {
            self.phase = Phase::Done;
            return Some(error);
        };
        *chunk = Bytes::new();
        *pos = 0;
        let Some(reconnect) = &mut self.reconnect else {
            self.phase = Phase::Done;
            return Some(error);
        };
        let wait = match parser.retry() {
            Some(server) => reconnect.retry.next_exact(server),
            None => reconnect.retry.next_wait(None),
        };
        let Some(wait) = wait else {
            self.phase = Phase::Done;
            return Some(error);
        };
        reconnect.fresh = true;
        parser.reconnected();
        #[cfg(feature = "tracing")]
        tracing::info!(
            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            has_last_event_id = !parser.last_event_id().is_empty(),
            "the event stream's connection dropped; reconnecting"
        );
        self.phase = Phase::Waiting(Box::pin(tokio::time::sleep(wait)));
        None
    }

    /// Ends the stream: the connection is dropped, frames already read are discarded.
    fn finish(&mut self) {
        self.phase = Phase::Done;
        match &mut self.parser {
            Parser::Sse(_, chunk, pos) => {
                *chunk = Bytes::new();
                *pos = 0;
            }
            Parser::Records(_, queue) => queue.clear(),
        }
    }

    fn connect(&mut self) {
        let mut request = self.request.clone();
        if let Parser::Sse(parser, ..) = &self.parser {
            let id = parser.last_event_id();
            if !id.is_empty() {
                request = request.extra_header("Last-Event-ID", id);
            }
        }
        self.phase = Phase::Connecting(request.send_streaming::<E>().boxed());
    }
}

fn too_large(len: usize) -> ItemError {
    ItemError::new(format!(
        "{len} bytes or more, over the limit of {DEFAULT_MAX_EVENT} bytes; skipped"
    ))
}

fn is_sentinel(sentinel: Option<&str>, data: &[u8]) -> bool {
    sentinel.is_some_and(|s| data.trim_ascii() == s.as_bytes())
}

impl<T, E> Stream for EventStream<T, E>
where
    E: DeserializeOwned + Send + 'static,
{
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match this.next_frame() {
                Some(Ok(item)) => return Poll::Ready(Some(Ok(item))),
                Some(Err(None)) => {
                    // The sentinel: close the connection and end.
                    this.finish();
                    return Poll::Ready(None);
                }
                Some(Err(Some(error))) => {
                    if this.stop_on_error {
                        this.finish();
                    }
                    return Poll::Ready(Some(Err(error)));
                }
                None => {}
            }
            match &mut this.phase {
                Phase::Done => return Poll::Ready(None),
                Phase::Reading(body) => match futures::ready!(body.poll_next_unpin(cx)) {
                    Some(Ok(chunk)) => match &mut this.parser {
                        Parser::Sse(_, pending, pos) => {
                            *pending = chunk;
                            *pos = 0;
                        }
                        Parser::Records(splitter, queue) => splitter.feed(&chunk, queue),
                    },
                    Some(Err(err)) => {
                        let error = from_reqwest(err, &this.redactor, this.timeout, None);
                        if let Some(error) = this.dropped(error) {
                            return Poll::Ready(Some(Err(error)));
                        }
                    }
                    None => match &mut this.parser {
                        Parser::Records(splitter, queue) => {
                            splitter.finish(queue);
                            this.phase = Phase::Done;
                        }
                        Parser::Sse(parser, ..) if parser.in_event() => {
                            let error = Error::Decode(Box::new(DecodeError::new(
                                ".".to_owned(),
                                "the connection closed in the middle of an event".to_owned(),
                                b"",
                                Some(this.status),
                                None,
                                &this.redactor,
                            )));
                            if let Some(error) = this.dropped(error) {
                                return Poll::Ready(Some(Err(error)));
                            }
                        }
                        Parser::Sse(..) => this.phase = Phase::Done,
                    },
                },
                Phase::Waiting(sleep) => {
                    futures::ready!(sleep.as_mut().poll(cx));
                    this.connect();
                }
                Phase::Connecting(future) => match futures::ready!(future.as_mut().poll(cx)) {
                    Ok(response) if response.status() == StatusCode::NO_CONTENT => {
                        this.phase = Phase::Done;
                    }
                    Ok(response) => {
                        let (meta, body) = response.into_parts();
                        this.headers = meta.headers;
                        this.phase = Phase::Reading(body_stream(body));
                    }
                    Err(error) => {
                        this.phase = Phase::Done;
                        return Poll::Ready(Some(Err(error)));
                    }
                },
            }
        }
    }
}
