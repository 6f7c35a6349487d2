//! Replays recorded exchanges in order from a wiremock server, so the bench's cases run
//! without the real server (CI).
//!
//! Each incoming request must equal the next recorded one: same method, path, query pairs
//! (as a multiset) and JSON body. A request that does not match gets status 599 and is noted
//! in [`Replayer::mismatches`]; the case then fails.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use wiremock::{Request, Respond, ResponseTemplate};

use crate::fixture::Exchange;
use crate::proxy::serde_urlencoded_pairs;

/// The queue of recorded exchanges and what went wrong.
#[derive(Clone, Default)]
pub struct Replayer {
    queue: Arc<Mutex<VecDeque<(usize, Exchange)>>>,
    origin: Arc<Mutex<String>>,
    mismatches: Arc<Mutex<Vec<String>>>,
}

impl Replayer {
    /// A replayer serving `exchanges` (tagged with their case number) in order.
    pub fn new(exchanges: Vec<(usize, Exchange)>) -> Self {
        Replayer {
            queue: Arc::new(Mutex::new(exchanges.into())),
            ..Replayer::default()
        }
    }

    /// Sets the mock server's origin, which replaces the placeholder in bodies.
    pub fn set_origin(&self, origin: &str) {
        *self.origin.lock().unwrap() = origin.to_owned();
    }

    /// Requests that did not match the recording.
    pub fn mismatches(&self) -> Vec<String> {
        self.mismatches.lock().unwrap().clone()
    }

    /// Exchanges not requested yet.
    pub fn remaining(&self) -> Vec<(usize, Exchange)> {
        self.queue.lock().unwrap().iter().cloned().collect()
    }
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

impl Respond for Replayer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let method = request.method.as_str().to_owned();
        let path = request.url.path().to_owned();
        let query = serde_urlencoded_pairs(request.url.query().unwrap_or(""));
        let body: Option<Value> = serde_json::from_slice(&request.body).ok();
        let mut queue = self.queue.lock().unwrap();
        let Some((seq, next)) = queue.front().cloned() else {
            self.mismatches.lock().unwrap().push(format!(
                "unexpected extra request {method} {path} {query:?}"
            ));
            return ResponseTemplate::new(599);
        };
        if next.method != method
            || next.path != path
            || sorted(next.query.clone()) != sorted(query.clone())
            || next.body != body
        {
            self.mismatches.lock().unwrap().push(format!(
                "case {seq}: sent {method} {path} {query:?} body {body:?}, \
                 recorded {} {} {:?} body {:?}",
                next.method, next.path, next.query, next.body
            ));
            return ResponseTemplate::new(599);
        }
        queue.pop_front();
        let origin = self.origin.lock().unwrap().clone();
        let bytes = next.response_bytes(&origin);
        let mut template = ResponseTemplate::new(next.status);
        if !bytes.is_empty() {
            template = template.set_body_raw(bytes, "application/json");
        }
        template
    }
}
