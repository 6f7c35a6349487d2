//! Generated streaming operations against a local HTTP/1.1 server on a bare `TcpListener`
//! that sends server-sent events in small chunks (wiremock answers with whole bodies): items
//! arrive typed, one at a time, before the body ends; `stream()` asks for the stream in the
//! body and the `Accept` header; `[DONE]` ends the stream; event names choose the variant.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use oagen_fixtures::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// One connection: its request (head and body) is recorded; then each chunk received on
/// `chunks` is sent as one HTTP chunk, until the channel closes (the body then ends).
async fn serve(mut chunks: mpsc::UnboundedReceiver<Vec<u8>>) -> (String, Arc<Mutex<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(String::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        // Head and a Content-Length body.
        loop {
            let n = socket.read(&mut buf).await.unwrap();
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
            if let Some(end) = text.find("\r\n\r\n") {
                let len = text
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if request.len() >= end + 4 + len {
                    break;
                }
            }
        }
        *log.lock().unwrap() = String::from_utf8_lossy(&request).into_owned();
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        while let Some(chunk) = chunks.recv().await {
            let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
            frame.extend_from_slice(&chunk);
            frame.extend_from_slice(b"\r\n");
            if socket.write_all(&frame).await.is_err() {
                return;
            }
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
    });
    (base, seen)
}

#[tokio::test]
async fn stream_sets_the_flag_and_yields_each_chunk_as_it_arrives_until_done() {
    let (tx, rx) = mpsc::unbounded_channel();
    let (base, seen) = serve(rx).await;
    let client = stream_json_and_sse::Client::builder()
        .base_url(base)
        .build()
        .unwrap();
    let body = stream_json_and_sse::types::CompletionRequest {
        prompt: "hi".into(),
        stream: None,
    };
    let mut stream = client.create_completion(body).stream().await.unwrap();
    let request = seen.lock().unwrap().clone();
    assert!(
        request
            .to_ascii_lowercase()
            .contains("accept: text/event-stream"),
        "{request}"
    );
    assert!(request.contains("\"stream\":true"), "{request}");

    // Each chunk is an item before the next is even sent.
    for (i, word) in ["Hel", "lo"].iter().enumerate() {
        let event = format!("data: {{\"delta\":\"{word}\"}}\n\n");
        // Split inside the event, and between its two line ends.
        let (a, b) = event.as_bytes().split_at(event.len() - 1);
        tx.send(a.to_vec()).unwrap();
        tx.send(b.to_vec()).unwrap();
        let item = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .unwrap_or_else(|_| panic!("chunk {i} did not arrive while the stream is open"))
            .unwrap()
            .unwrap();
        assert_eq!(item.delta, *word);
    }
    tx.send(b"data: [DONE]\n\n".to_vec()).unwrap();
    let end = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("the stream ends at [DONE] while the connection is still open");
    assert!(end.is_none());
    drop(tx);
}

#[tokio::test]
async fn event_names_choose_the_variant() {
    let (tx, rx) = mpsc::unbounded_channel();
    let (base, seen) = serve(rx).await;
    let text = "event: progress\ndata: {\"percent\":50}\n\n\
                event: log\ndata: compiling\n\n\
                event: heartbeat\ndata: {}\n\n\
                event: done\nid: 9\ndata: {\"ok\":true,\"output\":null}\n\n";
    for b in text.as_bytes() {
        tx.send(vec![*b]).unwrap();
    }
    drop(tx);
    let client = stream_sse_events::Client::builder()
        .base_url(base)
        .build()
        .unwrap();
    let items: Vec<_> = client
        .watch_job("j1")
        .send()
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    use stream_sse_events::operations::WatchJobEvent as E;
    assert!(matches!(&items[0], E::Progress(p) if p.percent == 50));
    assert_eq!(items[1], E::Log("compiling".into()));
    assert!(matches!(&items[2], E::Other { event, .. } if event == "heartbeat"));
    assert!(matches!(&items[3], E::Done(r) if r.ok == Some(true)));
    assert_eq!(items.len(), 4);
    assert!(seen.lock().unwrap().starts_with("GET /jobs/j1/events"));
}

#[tokio::test]
async fn a_3_2_item_schema_decodes_the_content_schema() {
    let (tx, rx) = mpsc::unbounded_channel();
    let (base, _) = serve(rx).await;
    tx.send(b"data: {\"id\":\"o1\",\"state\":\"paid\"}\n\n".to_vec())
        .unwrap();
    drop(tx);
    let client = stream_item_schema_32::Client::builder()
        .base_url(base)
        .build()
        .unwrap();
    let items: Vec<_> = client.watch_orders().send().await.unwrap().collect().await;
    let order = items[0].as_ref().unwrap();
    assert_eq!((order.id.as_str(), order.state.as_str()), ("o1", "paid"));
}

/// OpenAI's documented chat-completion stream: `data: {chunk}` events, then `data: [DONE]`.
#[tokio::test]
async fn openai_chat_completion_chunks_arrive_one_at_a_time_typed_until_done() {
    let (tx, rx) = mpsc::unbounded_channel();
    let (base, seen) = serve(rx).await;
    let client = stream_openai_chat::Client::builder()
        .api_key("sk-test")
        .base_url(base)
        .build()
        .unwrap();
    let body = stream_openai_chat::types::CreateChatCompletionRequest {
        model: "gpt-4o-mini".into(),
        messages: vec![stream_openai_chat::types::ChatMessage {
            role: "user".into(),
            content: "Say hello".into(),
        }],
        stream: None,
    };
    let mut stream = client.create_chat_completion(body).stream().await.unwrap();
    let request = seen.lock().unwrap().clone();
    assert!(request.contains("\"stream\":true"), "{request}");
    assert!(request
        .to_ascii_lowercase()
        .contains("authorization: bearer sk-test"));

    let chunk = |delta: &str, finish: &str| {
        format!(
            "data: {{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{finish}}}]}}\n\n"
        )
    };
    let chunks = [
        chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"),
        chunk("{\"content\":\"Hel\"}", "null"),
        chunk("{\"content\":\"lo!\"}", "null"),
        chunk("{}", "\"stop\""),
    ];
    let mut text = String::new();
    for (i, c) in chunks.iter().enumerate() {
        tx.send(c.as_bytes().to_vec()).unwrap();
        // The chunk is an item before the next one is sent.
        let item = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .unwrap_or_else(|_| panic!("chunk {i} did not arrive on its own"))
            .unwrap()
            .unwrap();
        assert_eq!(item.id, "chatcmpl-1");
        if let Some(content) = item.choices[0].delta.content.as_deref() {
            text.push_str(content);
        }
        assert_eq!(item.choices[0].finish_reason.is_some(), i == 3);
    }
    assert_eq!(text, "Hello!");
    tx.send(b"data: [DONE]\n\n".to_vec()).unwrap();
    let end = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("the stream ends at [DONE]");
    assert!(end.is_none());
}
