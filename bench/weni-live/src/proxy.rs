//! A recording HTTP/1.1 proxy between the client and the real server.
//!
//! The generated client has no hook that exposes the raw body of a successful response, so
//! the bench points the client at this proxy. Each request is forwarded with the client's own
//! `Host` header (so the server writes `next` links that lead back through the proxy), the
//! answer is returned with `Connection: close`, and both are logged under the current case.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::fixture::{Exchange, PLACEHOLDER_ORIGIN};

/// The exchanges seen so far, each with the case that was current.
pub type Log = Arc<Mutex<Vec<(usize, Exchange)>>>;

/// A running proxy.
pub struct Proxy {
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
    /// Every exchange, tagged with the case number current when it was made.
    pub log: Log,
    /// The current case number.
    pub current: Arc<Mutex<usize>>,
}

impl Proxy {
    /// Starts a proxy to `upstream` (`http://host:port`) on a free local port.
    pub async fn start(upstream: &str) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let origin = format!("http://{}", listener.local_addr()?);
        let log: Log = Arc::default();
        let current: Arc<Mutex<usize>> = Arc::default();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(std::io::Error::other)?;
        let (upstream, log2, current2, origin2) = (
            upstream.trim_end_matches('/').to_owned(),
            log.clone(),
            current.clone(),
            origin.clone(),
        );
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let (http, upstream, log, current, origin) = (
                    http.clone(),
                    upstream.clone(),
                    log2.clone(),
                    current2.clone(),
                    origin2.clone(),
                );
                tokio::spawn(async move {
                    if let Err(err) = serve(sock, &http, &upstream, &origin, &log, &current).await {
                        eprintln!("proxy: {err}");
                    }
                });
            }
        });
        Ok(Proxy {
            origin,
            log,
            current,
        })
    }

    /// Marks the start of case `seq`.
    pub fn begin(&self, seq: usize) {
        *self.current.lock().unwrap() = seq;
    }
}

async fn serve(
    mut sock: TcpStream,
    http: &reqwest::Client,
    upstream: &str,
    origin: &str,
    log: &Log,
    current: &Arc<Mutex<usize>>,
) -> Result<(), String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = sock.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("GET").to_owned();
    let target = first.next().unwrap_or("/").to_owned();
    let mut headers = Vec::new();
    let mut length = 0usize;
    for line in lines.filter(|l| !l.is_empty()) {
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim().to_owned(), v.trim().to_owned());
            if k.eq_ignore_ascii_case("content-length") {
                length = v.parse().map_err(|_| "bad content-length")?;
            }
            headers.push((k, v));
        }
    }
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = sock.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let mut req = http.request(
        method.parse().map_err(|_| "bad method")?,
        format!("{upstream}{target}"),
    );
    for (k, v) in &headers {
        if !["connection", "content-length", "transfer-encoding"]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h))
        {
            req = req.header(k.as_str(), v.as_str());
        }
    }
    let resp = req
        .body(body.clone())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let mut out_headers = String::new();
    for name in ["content-type", "retry-after", "allow"] {
        if let Some(v) = resp.headers().get(name).and_then(|v| v.to_str().ok()) {
            out_headers.push_str(&format!("{name}: {v}\r\n"));
        }
    }
    let resp_body = resp.bytes().await.map_err(|e| e.to_string())?;

    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target.clone(), String::new()),
    };
    let query: Vec<(String, String)> = serde_urlencoded_pairs(&query);
    let text = String::from_utf8_lossy(&resp_body).replace(origin, PLACEHOLDER_ORIGIN);
    let response = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
    let exchange = Exchange {
        method,
        path,
        query,
        body: serde_json::from_slice(&body).ok(),
        status: status.as_u16(),
        response,
    };
    let seq = *current.lock().unwrap();
    log.lock().unwrap().push((seq, exchange));

    let head = format!(
        "HTTP/1.1 {} {}\r\n{out_headers}content-length: {}\r\nconnection: close\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        resp_body.len()
    );
    sock.write_all(head.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    sock.write_all(&resp_body)
        .await
        .map_err(|e| e.to_string())?;
    sock.shutdown().await.map_err(|e| e.to_string())
}

/// Decodes `a=1&b=%20` into pairs.
pub fn serde_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    match reqwest::Url::parse(&format!("http://q/?{query}")) {
        Ok(url) => url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        Err(_) => Vec::new(),
    }
}
