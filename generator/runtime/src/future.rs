//! [`SendFuture`]: what a generated operation's `send` returns, and the [`RequestBuilder`]
//! methods that make one.
//!
//! A generated `send` is a plain function that hands its request to one of these methods
//! rather than an `async fn` of its own: the state machine, the decoding and the error
//! conversion are written (and compiled) once, here, instead of once per operation.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use serde::de::DeserializeOwned;

use crate::{Envelope, Error, RawResponse, RequestBuilder, Response, StreamingResponse};

/// A request that has not completed yet: `.await` it for the outcome.
///
/// Nothing is sent until the future is first polled. It is `Send` and `'static`, so it can
/// be spawned, stored or put in a `FuturesUnordered`.
#[must_use = "a request does nothing until it is awaited"]
pub struct SendFuture<T, E> {
    inner: BoxFuture<'static, Result<T, Error<E>>>,
}

impl<T, E> SendFuture<T, E> {
    pub(crate) fn new(future: impl Future<Output = Result<T, Error<E>>> + Send + 'static) -> Self {
        SendFuture {
            inner: Box::pin(future),
        }
    }
}

impl<T, E> Future for SendFuture<T, E> {
    type Output = Result<T, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<T, E> fmt::Debug for SendFuture<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendFuture")
    }
}

impl<T: Send + 'static, E: Send + 'static> SendFuture<Response<T>, E> {
    /// The decoded value alone, without the status and headers.
    pub fn into_inner(self) -> SendFuture<T, E> {
        SendFuture::new(async move { self.await.map(Response::into_inner) })
    }
}

impl<E: Send + 'static> SendFuture<StreamingResponse, E> {
    /// The body as a stream of bytes, without the status and headers.
    pub fn into_stream(self) -> SendFuture<crate::ByteStream, E> {
        SendFuture::new(async move { self.await.map(StreamingResponse::into_stream) })
    }
}

impl RequestBuilder {
    /// Sends the request ([`send`](Self::send)) and decodes a JSON body as `T`.
    pub fn send_json<T, E>(self) -> SendFuture<Response<T>, E>
    where
        T: DeserializeOwned + Send + 'static,
        E: DeserializeOwned + Send + 'static,
    {
        self.send_decoded(RawResponse::json::<T, E>)
    }

    /// Sends the request and decodes a JSON body wrapped in `envelope`, as `T`.
    pub fn send_json_enveloped<T, E>(self, envelope: Envelope) -> SendFuture<Response<T>, E>
    where
        T: DeserializeOwned + Send + 'static,
        E: DeserializeOwned + Send + 'static,
    {
        SendFuture::new(async move {
            let response = self.send::<E>().await?;
            let value = response.json_enveloped::<T, E>(&envelope)?;
            Ok(response.into_response(value))
        })
    }

    /// Sends the request and ignores the success body.
    pub fn send_empty<E>(self) -> SendFuture<Response<()>, E>
    where
        E: DeserializeOwned + Send + 'static,
    {
        self.send_decoded(|_| Ok(()))
    }

    /// Sends the request and reads the success body as UTF-8 text.
    pub fn send_text<E>(self) -> SendFuture<Response<String>, E>
    where
        E: DeserializeOwned + Send + 'static,
    {
        self.send_decoded(RawResponse::text::<E>)
    }

    /// Sends the request and decodes the success response with `decode` (generated code
    /// passes a `match` on the status for operations with several success responses).
    pub fn send_decoded<T, E>(
        self,
        decode: fn(&RawResponse) -> Result<T, Error<E>>,
    ) -> SendFuture<Response<T>, E>
    where
        T: Send + 'static,
        E: DeserializeOwned + Send + 'static,
    {
        SendFuture::new(async move {
            let response = self.send::<E>().await?;
            let value = decode(&response)?;
            Ok(response.into_response(value))
        })
    }

    /// Sends the request without reading the success body into memory
    /// ([`send_streaming`](Self::send_streaming)).
    pub fn send_stream<E>(self) -> SendFuture<StreamingResponse, E>
    where
        E: DeserializeOwned + Send + 'static,
    {
        SendFuture::new(self.send_streaming::<E>())
    }
}
