//! The Weni live bench: runs every operation of the generated `weni` client against the
//! real Weni Flows server (through a recording proxy), or against recorded exchanges.
//!
//! * [`cases::run_all`] is the list of cases, shared by the live run (`src/main.rs`) and the
//!   replay test (`tests/contract/tests/weni_live.rs`), so both send the same requests.
//! * [`proxy`] records, [`replay`] serves the recording, [`fixture`] is the file format.
//!
//! See `bench/README.md` ("Weni against the real server").

pub mod cases;
pub mod fixture;
pub mod proxy;
pub mod replay;

use std::future::Future;

use futures::{Stream, StreamExt};

/// What one case gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// The call (and its checks) behaved as expected.
    Ok,
    /// A response did not decode into the generated type.
    Decode {
        /// The JSON path of the failure.
        path: String,
        /// The decoder's message.
        message: String,
    },
    /// The server refused a request the bench expected it to accept.
    Refused {
        /// The status.
        status: u16,
        /// The server's body.
        message: String,
    },
    /// The open-source build cannot serve the operation.
    NotServed(String),
    /// Anything else: a failed check, a transport error, a wrong status.
    Failed(String),
}

impl Status {
    /// A one-line form, recorded in fixtures and compared on replay.
    pub fn summary(&self) -> String {
        match self {
            Status::Ok => "ok".into(),
            Status::Decode { path, message } => format!("decode failure at {path}: {message}"),
            Status::Refused { status, message } => format!("refused ({status}): {message}"),
            Status::NotServed(reason) => format!("not served: {reason}"),
            Status::Failed(why) => format!("failed: {why}"),
        }
    }
}

/// One case's result.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Position in the run (1-based).
    pub seq: usize,
    /// The `operationId`.
    pub operation: &'static str,
    /// The case name (a file-name-safe slug).
    pub case: String,
    /// What happened.
    pub status: Status,
}

/// Classifies a client error.
pub fn classify(err: &weni::Error) -> Status {
    match err {
        oagen_runtime::Error::Decode(d) => Status::Decode {
            path: d.path().to_owned(),
            message: d.message().to_owned(),
        },
        oagen_runtime::Error::Api(api) => {
            let mut text = api.raw_text();
            if text.len() > 300 {
                let cut = (0..=300)
                    .rev()
                    .find(|i| text.is_char_boundary(*i))
                    .unwrap_or(0);
                text.truncate(cut);
                text.push('…');
            }
            Status::Refused {
                status: api.status().as_u16(),
                message: text,
            }
        }
        other => Status::Failed(other.to_string()),
    }
}

/// Runs cases in order and keeps their outcomes.
pub struct Runner {
    /// The outcomes so far.
    pub outcomes: Vec<Outcome>,
    on_begin: Box<dyn Fn(usize) + Send + Sync>,
}

impl Runner {
    /// A runner calling `on_begin(seq)` before each case.
    pub fn new(on_begin: impl Fn(usize) + Send + Sync + 'static) -> Self {
        Runner {
            outcomes: Vec::new(),
            on_begin: Box::new(on_begin),
        }
    }

    fn begin(&mut self, operation: &'static str, case: &str) -> usize {
        let seq = self.outcomes.len() + 1;
        (self.on_begin)(seq);
        self.outcomes.push(Outcome {
            seq,
            operation,
            case: case.to_owned(),
            status: Status::Ok,
        });
        seq
    }

    fn set(&mut self, status: Status) {
        if let Some(last) = self.outcomes.last_mut() {
            if last.status == Status::Ok {
                last.status = status;
            }
        }
    }

    /// A call expected to succeed; its value, or `None` after recording the failure.
    pub async fn one<T>(
        &mut self,
        operation: &'static str,
        case: &str,
        call: impl Future<Output = weni::Result<T>>,
    ) -> Option<T> {
        self.begin(operation, case);
        match call.await {
            Ok(v) => Some(v),
            Err(e) => {
                self.set(classify(&e));
                None
            }
        }
    }

    /// A list drained through `.items()`, expected to succeed.
    pub async fn all<T>(
        &mut self,
        operation: &'static str,
        case: &str,
        items: impl Stream<Item = weni::Result<T>>,
    ) -> Option<Vec<T>> {
        self.begin(operation, case);
        let mut items = std::pin::pin!(items);
        let mut out = Vec::new();
        while let Some(item) = items.next().await {
            match item {
                Ok(v) => out.push(v),
                Err(e) => {
                    self.set(classify(&e));
                    return None;
                }
            }
        }
        Some(out)
    }

    /// A call expected to fail with `status`; the decoded error body, or `None` after
    /// recording what happened instead.
    pub async fn error<T>(
        &mut self,
        operation: &'static str,
        case: &str,
        status: u16,
        call: impl Future<Output = weni::Result<T>>,
    ) -> Option<weni::types::Error> {
        self.begin(operation, case);
        match call.await {
            Ok(_) => {
                self.set(Status::Failed(format!("expected {status}, got a success")));
                None
            }
            Err(oagen_runtime::Error::Api(api)) if api.status().as_u16() == status => {
                match api.body() {
                    Some(body) => Some(body.clone()),
                    None => {
                        self.set(Status::Failed(format!(
                            "the {status} body did not decode as Error: {}",
                            api.raw_text()
                        )));
                        None
                    }
                }
            }
            Err(e) => {
                self.set(Status::Failed(format!(
                    "expected {status}, got: {}",
                    classify(&e).summary()
                )));
                None
            }
        }
    }

    /// Records an operation the open-source build cannot serve (no request is sent).
    pub fn not_served(&mut self, operation: &'static str, reason: &str) {
        self.not_served_case(operation, "not-served", reason);
    }

    /// Records a case of an operation that the open-source build cannot serve.
    pub fn not_served_case(&mut self, operation: &'static str, case: &str, reason: &str) {
        self.begin(operation, case);
        self.set(Status::NotServed(reason.to_owned()));
    }

    /// Fails the current case unless `ok`.
    pub fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            let what = what();
            self.set(Status::Failed(format!("check failed: {what}")));
        }
    }
}
