//! Server-sent events at the speed of hand-written code: oagen-runtime's typed stream (what a
//! generated streaming operation returns) against a hand-written loop over reqwest's byte
//! stream with a minimal SSE parser and serde_json, over a local HTTP/1.1 server that writes
//! small JSON events (generated on the fly, so the server's memory does not grow).
//!
//! ```sh
//! cargo run --release -p oagen-sse-bench              # 100,000 events, 7 runs each side
//! cargo run --release -p oagen-sse-bench -- 100000 11 # events, runs
//! ```
//!
//! The two sides alternate (hand-written, oagen, ...) in one process; the report gives each
//! side's median total time and time to the first item, and their ratio. Peak RSS (`VmHWM`)
//! of the oagen side is measured in child processes, at 10,000 and 1,000,000 events.

use std::hint::black_box;
use std::time::{Duration, Instant};

use futures::StreamExt;
use oagen_runtime::{reqwest::Method, ClientBuilder, StreamFormat, StreamSpec};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The event both sides decode.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read through `black_box` only
struct Tick {
    id: u64,
    name: String,
    done: bool,
}

fn event(i: u64) -> String {
    format!(
        "id: {i}\ndata: {{\"id\":{i},\"name\":\"event {i}\",\"done\":{}}}\n\n",
        i.is_multiple_of(2)
    )
}

/// Serves `GET /events?n=N`: N events in 16 KiB HTTP chunks, forever (one connection at a
/// time per task).
async fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(handle(socket));
        }
    });
    base
}

async fn handle(mut socket: TcpStream) {
    let _ = socket.set_nodelay(true);
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let n: u64 = head
        .split_once("n=")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let start = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
    if socket.write_all(start.as_bytes()).await.is_err() {
        return;
    }
    let mut chunk = String::with_capacity(17 * 1024);
    let mut frame = Vec::with_capacity(17 * 1024);
    for i in 0..n {
        chunk.push_str(&event(i));
        if chunk.len() >= 16 * 1024 || i + 1 == n {
            frame.clear();
            frame.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            frame.extend_from_slice(chunk.as_bytes());
            frame.extend_from_slice(b"\r\n");
            if socket.write_all(&frame).await.is_err() {
                return;
            }
            chunk.clear();
        }
    }
    let _ = socket.write_all(b"0\r\n\r\n").await;
}

/// (total, time to first item, items)
type Run = (Duration, Duration, u64);

async fn oagen(base: &str, n: u64) -> Run {
    let client = ClientBuilder::new(base).build().unwrap();
    let started = Instant::now();
    let mut stream = client
        .request(Method::GET, &format!("/events?n={n}"))
        .send_events::<Tick, serde_json::Value>(StreamSpec::json(
            StreamFormat::Sse,
            "text/event-stream",
        ))
        .await
        .unwrap();
    let mut first = None;
    let mut count = 0;
    while let Some(item) = stream.next().await {
        black_box(item.unwrap());
        first.get_or_insert_with(|| started.elapsed());
        count += 1;
    }
    (started.elapsed(), first.unwrap_or_default(), count)
}

/// The hand-written side: reqwest's byte stream, events cut at blank lines (LF only, which is
/// what the server sends), `data:` lines joined, serde_json.
async fn by_hand(base: &str, n: u64) -> Run {
    let http = reqwest::Client::new();
    let started = Instant::now();
    let response = http
        .get(format!("{base}/events?n={n}"))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let mut body = response.bytes_stream();
    let mut buf: Vec<u8> = Vec::new();
    let mut data = Vec::new();
    let mut first = None;
    let mut count = 0;
    while let Some(chunk) = body.next().await {
        buf.extend_from_slice(&chunk.unwrap());
        let mut start = 0;
        while let Some(end) = buf[start..].windows(2).position(|w| w == b"\n\n") {
            let block = &buf[start..start + end];
            data.clear();
            for line in block.split(|&b| b == b'\n') {
                if let Some(d) = line.strip_prefix(b"data:") {
                    if !data.is_empty() {
                        data.push(b'\n');
                    }
                    data.extend_from_slice(d.strip_prefix(b" ").unwrap_or(d));
                }
            }
            let tick: Tick = serde_json::from_slice(&data).unwrap();
            black_box(tick);
            first.get_or_insert_with(|| started.elapsed());
            count += 1;
            start += end + 2;
        }
        buf.drain(..start);
    }
    (started.elapsed(), first.unwrap_or_default(), count)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Child mode: `--rss N` drains N events with the oagen stream and prints VmHWM.
    if args.get(1).map(String::as_str) == Some("--rss") {
        let n: u64 = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(10_000);
        let count = rt.block_on(async {
            let base = serve().await;
            oagen(&base, n).await.2
        });
        assert_eq!(count, n);
        println!("{}", peak_rss_kib());
        return;
    }
    let n: u64 = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(7).max(5);
    let (hand, ours) = rt.block_on(async {
        let base = serve().await;
        // Warm-up, one each.
        by_hand(&base, 1000).await;
        oagen(&base, 1000).await;
        let (mut hand, mut ours) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let h = by_hand(&base, n).await;
            let o = oagen(&base, n).await;
            assert_eq!((h.2, o.2), (n, n));
            hand.push(h);
            ours.push(o);
        }
        (hand, ours)
    });
    let total = |v: &[Run]| median(v.iter().map(|r| r.0).collect());
    let first = |v: &[Run]| median(v.iter().map(|r| r.1).collect());
    let (ht, ot) = (total(&hand), total(&ours));
    println!("{n} events, {runs} runs each side, alternating; medians:\n");
    println!("| side | total | time to first item |");
    println!("|---|---|---|");
    println!(
        "| hand-written reqwest + SSE + serde_json | {ht:.2?} | {:.2?} |",
        first(&hand)
    );
    println!("| oagen typed stream | {ot:.2?} | {:.2?} |", first(&ours));
    println!(
        "\nratio oagen / hand-written: {:.3} (target <= 1.15)\n",
        ot.as_secs_f64() / ht.as_secs_f64()
    );
    let exe = std::env::current_exe().unwrap();
    println!("| oagen stream over | peak RSS (VmHWM) |");
    println!("|---|---|");
    for count in [10_000u64, 1_000_000] {
        let out = std::process::Command::new(&exe)
            .args(["--rss", &count.to_string()])
            .output()
            .unwrap();
        let kib = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        println!("| {count} events | {kib} KiB |");
    }
}
