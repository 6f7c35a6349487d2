//! Typed streams against a local HTTP/1.1 server written on a bare `TcpListener`, which
//! sends the body in chunks of its choosing (wiremock answers with whole bodies): one byte at
//! a time, cut inside a UTF-8 character or between CR and LF, a connection dropped in the
//! middle of an event, and a reconnection that must carry `Last-Event-ID`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use oagen_runtime::reqwest::Method;
use oagen_runtime::{
    ClientBuilder, Error, EventStream, Frame, ItemError, RetryPolicy, StreamFormat, StreamSpec,
};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Deserialize, PartialEq)]
struct Tick {
    n: u32,
    text: String,
}

/// What the server does with one connection.
#[derive(Clone)]
enum Reply {
    /// Sends these chunks of the body (chunked encoding, one HTTP chunk each, flushed and
    /// spaced apart), then ends the body properly.
    Chunks(Vec<Vec<u8>>),
    /// Sends these chunks, then closes the socket without ending the chunked body.
    Drop(Vec<Vec<u8>>),
    /// Sends these chunks, then waits until the client goes away.
    Hold(Vec<Vec<u8>>),
    /// An error status with a JSON body.
    Status(u16, String),
}

#[derive(Default)]
struct Seen {
    /// The request head of every connection, lower-cased.
    heads: Vec<String>,
    /// Set when a held connection saw the client close it.
    closed_by_client: bool,
}

/// Serves `replies` in order, one per connection; returns the base URL and what was seen.
async fn serve(replies: Vec<Reply>) -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let log = seen.clone();
    tokio::spawn(async move {
        for reply in replies {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            handle(socket, reply, log.clone()).await;
        }
    });
    (format!("http://{addr}"), seen)
}

async fn read_head(socket: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if socket.read(&mut byte).await.unwrap_or(0) == 0 {
            break;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    // Skip a request body (Content-Length only; the tests send small JSON bodies).
    if let Some(len) = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        let mut body = vec![0u8; len];
        let _ = socket.read_exact(&mut body).await;
    }
    head
}

async fn handle(mut socket: TcpStream, reply: Reply, seen: Arc<Mutex<Seen>>) {
    let head = read_head(&mut socket).await;
    seen.lock().unwrap().heads.push(head);
    let start =
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
    let (chunks, end) = match reply {
        Reply::Status(status, body) => {
            let text = format!(
                "HTTP/1.1 {status} Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(text.as_bytes()).await;
            return;
        }
        Reply::Chunks(c) => (c, "end"),
        Reply::Drop(c) => (c, "drop"),
        Reply::Hold(c) => (c, "hold"),
    };
    if socket.write_all(start.as_bytes()).await.is_err() {
        return;
    }
    for chunk in chunks {
        let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
        frame.extend_from_slice(&chunk);
        frame.extend_from_slice(b"\r\n");
        if socket.write_all(&frame).await.is_err() {
            return;
        }
        let _ = socket.flush().await;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    match end {
        "end" => {
            let _ = socket.write_all(b"0\r\n\r\n").await;
            let _ = socket.flush().await;
        }
        "hold" => {
            let mut buf = [0u8; 64];
            // Returns 0 (or an error) once the client has closed the connection.
            let closed = tokio::time::timeout(Duration::from_secs(5), async {
                loop {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return true,
                        Ok(_) => {}
                    }
                }
            })
            .await
            .unwrap_or(false);
            seen.lock().unwrap().closed_by_client = closed;
        }
        _ => {
            // Dropping the socket closes it in the middle of the chunked body.
        }
    }
}

fn tick_spec() -> StreamSpec<Tick> {
    StreamSpec::json(StreamFormat::Sse, "text/event-stream")
}

fn client(base: &str) -> oagen_runtime::Client {
    ClientBuilder::new(base)
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(5))
                .jitter(false),
        )
        .build()
        .unwrap()
}

async fn open<T: 'static>(
    base: &str,
    method: Method,
    spec: StreamSpec<T>,
) -> EventStream<T, serde_json::Value> {
    client(base)
        .request(method, "/events")
        .send_events::<T, serde_json::Value>(spec)
        .await
        .unwrap()
}

async fn collect<T>(stream: EventStream<T>) -> Vec<Result<T, Error>> {
    tokio::time::timeout(Duration::from_secs(10), stream.collect::<Vec<_>>())
        .await
        .expect("the stream ends")
}

const TWO: &str = "id: 1\ndata: {\"n\":1,\"text\":\"h\u{e9}\u{65e5}\"}\n\nid: 2\ndata: {\"n\":2,\"text\":\"ok\"}\n\n";

fn ticks(items: Vec<Result<Tick, Error>>) -> Vec<u32> {
    items.into_iter().map(|t| t.unwrap().n).collect()
}

#[tokio::test]
async fn one_byte_at_a_time() {
    let chunks = TWO.as_bytes().chunks(1).map(<[u8]>::to_vec).collect();
    let (base, seen) = serve(vec![Reply::Chunks(chunks)]).await;
    let stream = open(&base, Method::GET, tick_spec()).await;
    let items = collect(stream).await;
    assert_eq!(ticks(items), [1, 2]);
    let head = &seen.lock().unwrap().heads[0];
    assert!(head.contains("accept: text/event-stream"), "{head}");
}

#[tokio::test]
async fn split_inside_a_utf8_character() {
    let bytes = TWO.as_bytes();
    // Inside the two-byte é and inside the three-byte 日.
    let e = TWO.find('\u{e9}').unwrap() + 1;
    let j = TWO.find('\u{65e5}').unwrap() + 2;
    let chunks = vec![
        bytes[..e].to_vec(),
        bytes[e..j].to_vec(),
        bytes[j..].to_vec(),
    ];
    let (base, _) = serve(vec![Reply::Chunks(chunks)]).await;
    let items = collect(open(&base, Method::GET, tick_spec()).await).await;
    let first = items.into_iter().next().unwrap().unwrap();
    assert_eq!(first.text, "h\u{e9}\u{65e5}");
}

#[tokio::test]
async fn split_between_cr_and_lf() {
    // Each event's JSON spans two `data:` lines, cut between the CR and the LF that end the
    // first one.
    let text = "data: {\"n\":1,\r\ndata: \"text\":\"a\"}\r\n\r\ndata: {\"n\":2,\r\ndata: \"text\":\"b\"}\r\n\r\n";
    let mut chunks = Vec::new();
    let mut rest = text.as_bytes();
    while let Some(cr) = rest.iter().position(|&b| b == b'\r') {
        chunks.push(rest[..=cr].to_vec());
        rest = &rest[cr + 1..];
    }
    chunks.push(rest.to_vec());
    assert!(chunks.iter().any(|c| c.starts_with(b"\n")));
    let (base, _) = serve(vec![Reply::Chunks(chunks)]).await;
    let items = collect(open(&base, Method::GET, tick_spec()).await).await;
    // Were the CR and the LF two line ends, the LF would be a blank line dispatching the
    // first half of each event (`{"n":1,`), which does not decode.
    assert_eq!(ticks(items), [1, 2]);
}

#[tokio::test]
async fn items_arrive_before_the_body_ends() {
    let (base, seen) = serve(vec![Reply::Hold(vec![
        b"data: {\"n\":1,\"text\":\"a\"}\n\n".to_vec(),
    ])])
    .await;
    let mut stream = open(&base, Method::GET, tick_spec()).await;
    let first = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("the first item comes while the server holds the connection open");
    assert_eq!(first.unwrap().unwrap().n, 1);
    drop(stream);
    // Dropping the stream closes the connection: the server sees it go.
    for _ in 0..100 {
        if seen.lock().unwrap().closed_by_client {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server never saw the connection closed");
}

#[tokio::test]
async fn a_dropped_get_reconnects_with_last_event_id_after_the_retry_delay() {
    let first = "retry: 30\nid: 41\ndata: {\"n\":1,\"text\":\"a\"}\n\nid: 42\ndata: {\"n\":2,\"text\":\"b\"}\n\ndata: {\"n\":99,\"te";
    let second = "id: 43\ndata: {\"n\":3,\"text\":\"c\"}\n\n";
    let (base, seen) = serve(vec![
        Reply::Drop(vec![first.as_bytes().to_vec()]),
        Reply::Chunks(vec![second.as_bytes().to_vec()]),
    ])
    .await;
    let stream = open(&base, Method::GET, tick_spec()).await;
    let started = std::time::Instant::now();
    let items = collect(stream).await;
    // The partial event 99 is dropped, nothing is lost or repeated.
    assert_eq!(ticks(items), [1, 2, 3]);
    assert!(
        started.elapsed() >= Duration::from_millis(30),
        "waited for `retry: 30`"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.heads.len(), 2);
    assert!(!seen.heads[0].contains("last-event-id"));
    assert!(
        seen.heads[1].contains("last-event-id: 42"),
        "{}",
        seen.heads[1]
    );
}

#[tokio::test]
async fn a_get_that_ends_between_events_is_not_reconnected() {
    let (base, seen) = serve(vec![Reply::Chunks(vec![TWO.as_bytes().to_vec()])]).await;
    let items = collect(open(&base, Method::GET, tick_spec()).await).await;
    assert_eq!(ticks(items), [1, 2]);
    assert_eq!(seen.lock().unwrap().heads.len(), 1);
}

#[tokio::test]
async fn a_dropped_post_is_not_reconnected() {
    let first = "id: 7\ndata: {\"n\":1,\"text\":\"a\"}\n\ndata: {\"n\":2";
    let (base, seen) = serve(vec![
        Reply::Drop(vec![first.as_bytes().to_vec()]),
        Reply::Chunks(vec![TWO.as_bytes().to_vec()]),
    ])
    .await;
    let items = collect(open(&base, Method::POST, tick_spec()).await).await;
    assert_eq!(
        items.len(),
        2,
        "one event, then the error of the dropped connection"
    );
    assert_eq!(items[0].as_ref().unwrap().n, 1);
    assert!(items[1].is_err());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(seen.lock().unwrap().heads.len(), 1, "POST was sent once");
}

#[tokio::test]
async fn a_post_reconnects_when_the_caller_opts_in() {
    let first = "id: 7\ndata: {\"n\":1,\"text\":\"a\"}\n\ndata: {\"n\":2";
    let second = "id: 8\ndata: {\"n\":2,\"text\":\"b\"}\n\n";
    let (base, seen) = serve(vec![
        Reply::Drop(vec![first.as_bytes().to_vec()]),
        Reply::Chunks(vec![second.as_bytes().to_vec()]),
    ])
    .await;
    let stream = open(&base, Method::POST, tick_spec())
        .await
        .reconnect_non_idempotent();
    assert_eq!(ticks(collect(stream).await), [1, 2]);
    let seen = seen.lock().unwrap();
    assert!(seen.heads[1].starts_with("post "));
    assert!(seen.heads[1].contains("last-event-id: 7"));
}

#[tokio::test]
async fn reconnection_stays_within_the_retry_policy() {
    let drop = || Reply::Drop(vec![b"data: {\"n\":1,\"text\":\"a\"}\n\ndata: x".to_vec()]);
    // Each connection gives one event: the budget starts over after an event, so three
    // drops in a row, each after an event, all reconnect; with max_attempts 1 none does.
    let (base, seen) = serve(vec![drop(), drop()]).await;
    let stream = ClientBuilder::new(&base)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
        .request(Method::GET, "/events")
        .send_events::<Tick, serde_json::Value>(tick_spec())
        .await
        .unwrap();
    let items = collect(stream).await;
    assert_eq!(items.len(), 2);
    assert!(items[1].is_err());
    assert_eq!(seen.lock().unwrap().heads.len(), 1);
}

#[tokio::test]
async fn a_malformed_event_is_an_error_and_the_stream_goes_on() {
    let text = "data: {\"n\":1,\"text\":\"a\"}\n\nevent: tick\nid: 5\ndata: {\"n\":\"two\",\"text\":\"b\"}\n\ndata: {\"n\":3,\"text\":\"c\"}\n\n";
    let (base, _) = serve(vec![Reply::Chunks(vec![text.as_bytes().to_vec()])]).await;
    let items = collect(open(&base, Method::GET, tick_spec()).await).await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap().n, 1);
    let Err(Error::Decode(err)) = &items[1] else {
        panic!("{:?}", items[1]);
    };
    assert_eq!(err.path(), "n");
    assert!(
        err.message().contains("event 2 (`tick`, id `5`)"),
        "{}",
        err.message()
    );
    assert_eq!(items[2].as_ref().unwrap().n, 3);
}

#[tokio::test]
async fn stop_on_error_ends_at_the_first_bad_event() {
    let text = "data: nope\n\ndata: {\"n\":3,\"text\":\"c\"}\n\n";
    let (base, _) = serve(vec![Reply::Chunks(vec![text.as_bytes().to_vec()])]).await;
    let stream = open(&base, Method::GET, tick_spec()).await.stop_on_error();
    let items = collect(stream).await;
    assert_eq!(items.len(), 1);
    assert!(items[0].is_err());
}

#[tokio::test]
async fn the_sentinel_ends_the_stream_and_closes_the_connection() {
    let text =
        "data: {\"n\":1,\"text\":\"a\"}\n\ndata: [DONE]\n\ndata: {\"n\":2,\"text\":\"b\"}\n\n";
    let (base, seen) = serve(vec![Reply::Hold(vec![text.as_bytes().to_vec()])]).await;
    let stream = open(&base, Method::POST, tick_spec().sentinel("[DONE]")).await;
    let items = collect(stream).await;
    assert_eq!(ticks(items), [1]);
    for _ in 0..100 {
        if seen.lock().unwrap().closed_by_client {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the connection stayed open after the sentinel");
}

#[tokio::test]
async fn items_keyed_on_the_event_name() {
    #[derive(Debug, PartialEq)]
    enum Ev {
        Tick(Tick),
        Note(String),
        Other(String),
    }
    fn decode(frame: &Frame<'_>) -> Result<Ev, ItemError> {
        Ok(match frame.event() {
            "tick" => Ev::Tick(frame.json()?),
            "note" => Ev::Note(frame.text()?),
            other => Ev::Other(other.to_owned()),
        })
    }
    let text =
        "event: note\ndata: hello\n\nevent: tick\ndata: {\"n\":1,\"text\":\"a\"}\n\ndata: x\n\n";
    let (base, _) = serve(vec![Reply::Chunks(vec![text.as_bytes().to_vec()])]).await;
    let spec = StreamSpec::new(StreamFormat::Sse, "text/event-stream", decode);
    let items: Vec<Ev> = collect(open(&base, Method::GET, spec).await)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        items,
        [
            Ev::Note("hello".into()),
            Ev::Tick(Tick {
                n: 1,
                text: "a".into()
            }),
            Ev::Other("message".into())
        ]
    );
}

#[tokio::test]
async fn json_lines_one_byte_at_a_time() {
    let text = "{\"n\":1,\"text\":\"\u{e9}\"}\r\n\n{\"n\":2,\"text\":\"b\"}";
    let chunks = text.as_bytes().chunks(1).map(<[u8]>::to_vec).collect();
    let (base, seen) = serve(vec![Reply::Chunks(chunks)]).await;
    let spec = StreamSpec::<Tick>::json(StreamFormat::JsonLines, "application/jsonl");
    let items = collect(open(&base, Method::GET, spec).await).await;
    assert_eq!(ticks(items), [1, 2]);
    assert!(seen.lock().unwrap().heads[0].contains("accept: application/jsonl"));
}

#[tokio::test]
async fn json_seq_records() {
    let text = "\u{1e}{\"n\":1,\"text\":\"a\"}\n\u{1e}{\"n\":2,\"text\":\"b\"}\n";
    let chunks = text.as_bytes().chunks(3).map(<[u8]>::to_vec).collect();
    let (base, _) = serve(vec![Reply::Chunks(chunks)]).await;
    let spec = StreamSpec::<Tick>::json(StreamFormat::JsonSeq, "application/json-seq");
    let items = collect(open(&base, Method::GET, spec).await).await;
    assert_eq!(ticks(items), [1, 2]);
}

#[tokio::test]
async fn an_error_status_fails_the_send_with_the_error_body() {
    let (base, _) = serve(vec![Reply::Status(401, "{\"message\":\"no\"}".into())]).await;
    let err = client(&base)
        .request(Method::GET, "/events")
        .send_events::<Tick, serde_json::Value>(tick_spec())
        .await
        .err()
        .expect("401 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.body().unwrap()["message"], "no");
}
