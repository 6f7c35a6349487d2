//! Streams at the speed of hand-written code: oagen-runtime's `.items()` (what a generated
//! list operation returns) and `.send()` against a hand-written reqwest + serde_json loop
//! doing the same work, over a local HTTP/1.1 server that serves canned pages.
//!
//! ```sh
//! cargo run --release -p oagen-stream-bench            # every scenario, 7 runs each
//! cargo run --release -p oagen-stream-bench -- 11      # 11 runs each
//! ```
//!
//! Each scenario alternates the two sides (hand-written, oagen, hand-written, ...) in one
//! process and reports the median of each side and their ratio. Peak memory is measured in
//! child processes (`VmHWM` of `/proc/self/status`), one per page count.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use oagen_runtime::{reqwest::Method, ClientBuilder, PageSpec, Pagination, Paginator, QueryStyle};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The item type both sides decode.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read through `black_box` only
struct Item {
    id: u64,
    name: String,
    done: bool,
    score: Option<f64>,
}

/// The page type of the hand-written loop (and the paginator's page type).
#[derive(Debug, Deserialize)]
struct Page {
    items: Vec<Item>,
    next: Option<String>,
}

const SPEC: PageSpec = PageSpec {
    pagination: Pagination::NextUrl { next_field: "next" },
    items: "items",
    envelope: None,
};

fn items_json(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id":{i},"name":"item number {i}","done":{},"score":{}.5}}"#,
                i % 2 == 0,
                i % 97
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// The canned bodies: the items array of a page per page size, and the big list.
struct Bodies {
    port: u16,
    items: Mutex<HashMap<usize, Arc<String>>>,
    big: Arc<String>,
}

impl Bodies {
    /// `/items?n=N&pages=P&page=I`: page I of P, of N items each; `/big`: the big list.
    fn body(&self, target: &str) -> String {
        if target == "/big" {
            return self.big.as_str().to_owned();
        }
        let mut n = 100;
        let mut pages = 1;
        let mut page = 0;
        if let Some((_, query)) = target.split_once('?') {
            for pair in query.split('&') {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let v: usize = v.parse().unwrap_or(0);
                match k {
                    "n" => n = v,
                    "pages" => pages = v,
                    "page" => page = v,
                    _ => {}
                }
            }
        }
        let items = self
            .items
            .lock()
            .unwrap()
            .entry(n)
            .or_insert_with(|| Arc::new(items_json(n)))
            .clone();
        let next = if page + 1 < pages {
            format!(
                "\"http://127.0.0.1:{}/items?n={n}&pages={pages}&page={}\"",
                self.port,
                page + 1
            )
        } else {
            "null".to_owned()
        };
        format!(r#"{{"next":{next},"items":{items}}}"#)
    }
}

async fn connection(mut socket: TcpStream, bodies: Arc<Bodies>) {
    let _ = socket.set_nodelay(true);
    let mut buf = Vec::with_capacity(8192);
    loop {
        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            buf.drain(..end + 4);
            let target = head.split(' ').nth(1).unwrap_or("/");
            let body = bodies.body(target);
            let mut response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            response.extend_from_slice(body.as_bytes());
            if socket.write_all(&response).await.is_err() {
                return;
            }
        }
        match socket.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Starts the server on its own thread and runtime; returns its port.
fn start_server(big_items: usize) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let bodies = Arc::new(Bodies {
        port,
        items: Mutex::new(HashMap::new()),
        big: Arc::new(items_json(big_items)),
    });
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = TcpListener::from_std(listener).unwrap();
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                tokio::spawn(connection(socket, bodies.clone()));
            }
        });
    });
    port
}

struct Sides {
    base: String,
    http: reqwest::Client,
    client: oagen_runtime::Client,
}

impl Sides {
    /// The hand-written loop: GET, read the body, `serde_json::from_slice` into `Page`,
    /// hand out the items, follow `next`.
    async fn hand_items(&self, n: usize, pages: usize) -> usize {
        let mut count = 0;
        let mut url = Some(format!("{}/items?n={n}&pages={pages}&page=0", self.base));
        while let Some(next) = url {
            let response = self.http.get(&next).send().await.unwrap();
            let response = response.error_for_status().unwrap();
            let bytes = response.bytes().await.unwrap();
            let page: Page = serde_json::from_slice(&bytes).unwrap();
            for item in page.items {
                black_box(item);
                count += 1;
            }
            url = page.next;
        }
        count
    }

    /// What a generated list operation's `.items()` does.
    async fn oagen_items(&self, n: usize, pages: usize) -> usize {
        let request = self
            .client
            .request(Method::GET, "/items")
            .query("n", &Some(n), QueryStyle::Form)
            .query("pages", &Some(pages), QueryStyle::Form)
            .query("page", &Some(0), QueryStyle::Form);
        let mut items = Paginator::<Page, Item, serde_json::Value>::new(request, SPEC).items();
        let mut count = 0;
        while let Some(item) = items.next().await {
            black_box(item.unwrap());
            count += 1;
        }
        count
    }

    async fn hand_big(&self) -> usize {
        let response = self
            .http
            .get(format!("{}/big", self.base))
            .send()
            .await
            .unwrap();
        let bytes = response.error_for_status().unwrap().bytes().await.unwrap();
        let list: Vec<Item> = serde_json::from_slice(&bytes).unwrap();
        black_box(list).len()
    }

    /// What a generated operation's `.send()` does.
    async fn oagen_big(&self) -> usize {
        let list = self
            .client
            .request(Method::GET, "/big")
            .send_json::<Vec<Item>, serde_json::Value>()
            .into_inner()
            .await
            .unwrap();
        black_box(list).len()
    }
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs both sides `runs` times each, alternating; prints the medians and the ratio.
async fn compare<H, O, HF, OF>(name: &str, runs: usize, mut hand: H, mut oagen: O)
where
    H: FnMut() -> HF,
    O: FnMut() -> OF,
    HF: std::future::Future<Output = usize>,
    OF: std::future::Future<Output = usize>,
{
    // One warm-up each (connections, page caches).
    let expected = hand().await;
    assert_eq!(oagen().await, expected, "{name}: the two sides disagree");
    let (mut h, mut o) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        assert_eq!(hand().await, expected);
        h.push(t.elapsed());
        let t = Instant::now();
        assert_eq!(oagen().await, expected);
        o.push(t.elapsed());
    }
    let (h, o) = (median(h), median(o));
    println!(
        "| {name} | {expected} | {:.1} | {:.1} | {:.3} |",
        ms(h),
        ms(o),
        o.as_secs_f64() / h.as_secs_f64()
    );
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn sides(port: u16) -> Sides {
    let base = format!("http://127.0.0.1:{port}");
    Sides {
        http: reqwest::Client::new(),
        client: ClientBuilder::new(&base).build().unwrap(),
        base,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Child mode: drain `.items()` over `pages` pages of `n` items, print the peak RSS.
    // `hand` mode: the same with the hand-written loop (for profiling one side).
    if matches!(args.get(1).map(String::as_str), Some("rss" | "hand")) {
        let n: usize = args[2].parse().unwrap();
        let pages: usize = args[3].parse().unwrap();
        let port = start_server(0);
        let sides = sides(port);
        let count = if args[1] == "hand" {
            runtime().block_on(sides.hand_items(n, pages))
        } else {
            runtime().block_on(sides.oagen_items(n, pages))
        };
        println!("{count} {}", vm_hwm_kib());
        return;
    }
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(7);
    let big_items = 80_000;
    let port = start_server(big_items);
    let sides = sides(port);
    let rt = runtime();
    println!("runs per side: {runs}, alternating; times are medians");
    println!();
    println!("| scenario | items | hand-written ms | oagen ms | ratio |");
    println!("|---|---:|---:|---:|---:|");
    rt.block_on(async {
        compare(
            "2,000 pages x 100 items, `.items()`",
            runs,
            || sides.hand_items(100, 2000),
            || sides.oagen_items(100, 2000),
        )
        .await;
        compare(
            "50 pages x 10,000 items, `.items()`",
            runs,
            || sides.hand_items(10_000, 50),
            || sides.oagen_items(10_000, 50),
        )
        .await;
        let mb = sides.hand_big().await;
        compare(
            &format!("one `.send()` of a {mb}-item list"),
            runs.max(5) * 2,
            || sides.hand_big(),
            || sides.oagen_big(),
        )
        .await;
    });
    let size = items_json(big_items).len();
    println!();
    println!("the list body is {:.1} MB", size as f64 / 1e6);
    println!();
    println!("| `.items()` over | peak RSS (VmHWM) |");
    println!("|---|---:|");
    let exe = std::env::current_exe().unwrap();
    for (n, pages) in [
        (100, 200),
        (100, 2000),
        (100, 20_000),
        (10_000, 10),
        (10_000, 100),
    ] {
        let out = std::process::Command::new(&exe)
            .args(["rss", &n.to_string(), &pages.to_string()])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let kib: u64 = text
            .split_whitespace()
            .nth(1)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        println!(
            "| {pages} pages x {n} items | {:.1} MiB |",
            kib as f64 / 1024.0
        );
    }
}
