//! The recorded form of one bench case: the HTTP exchanges it made and the outcome it had.
//!
//! One JSON file per case in `tests/fixtures/weni-live/`, named `NNN-<operationId>-<case>.json`
//! (`NNN` is the order in which the bench ran it). The base URL the server put into `next`
//! links is written as [`PLACEHOLDER_ORIGIN`]; nothing else is changed, and no request header
//! (so no token) is recorded.

use std::path::Path;

use serde_json::{json, Value};

/// Stands for the server's origin in recorded bodies (`next`/`previous` page links).
pub const PLACEHOLDER_ORIGIN: &str = "http://weni.test";

/// One request and the server's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Exchange {
    /// `GET`, `POST`, `DELETE`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The decoded query pairs, in the order sent.
    pub query: Vec<(String, String)>,
    /// The JSON request body, if any.
    pub body: Option<Value>,
    /// The response status.
    pub status: u16,
    /// The response body: JSON when it parsed, else a string (empty for no body).
    pub response: Value,
}

impl Exchange {
    /// The JSON form written to a fixture.
    pub fn to_json(&self) -> Value {
        let query: Vec<Value> = self.query.iter().map(|(k, v)| json!([k, v])).collect();
        json!({
            "request": {"method": self.method, "path": self.path, "query": query, "body": self.body},
            "response": {"status": self.status, "body": self.response},
        })
    }

    /// Reads the JSON form back.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let req = &value["request"];
        let resp = &value["response"];
        let query = req["query"]
            .as_array()
            .ok_or("request.query is not an array")?
            .iter()
            .map(|pair| {
                let k = pair[0].as_str().ok_or("query key")?;
                let v = pair[1].as_str().ok_or("query value")?;
                Ok((k.to_owned(), v.to_owned()))
            })
            .collect::<Result<Vec<_>, &str>>()?;
        Ok(Exchange {
            method: req["method"].as_str().ok_or("request.method")?.to_owned(),
            path: req["path"].as_str().ok_or("request.path")?.to_owned(),
            query,
            body: match &req["body"] {
                Value::Null => None,
                other => Some(other.clone()),
            },
            status: resp["status"].as_u64().ok_or("response.status")? as u16,
            response: resp["body"].clone(),
        })
    }

    /// The response body as bytes, with the placeholder origin replaced by `origin`.
    pub fn response_bytes(&self, origin: &str) -> Vec<u8> {
        match &self.response {
            Value::String(s) => s.replace(PLACEHOLDER_ORIGIN, origin).into_bytes(),
            other => other
                .to_string()
                .replace(PLACEHOLDER_ORIGIN, origin)
                .into_bytes(),
        }
    }
}

/// One recorded case.
#[derive(Clone, Debug)]
pub struct CaseRecord {
    /// The position in the run.
    pub seq: usize,
    /// The `operationId`.
    pub operation: String,
    /// The case name.
    pub case: String,
    /// The outcome's one-line form (see [`crate::Status::summary`]).
    pub outcome: String,
    /// The exchanges, in order.
    pub exchanges: Vec<Exchange>,
}

impl CaseRecord {
    /// The fixture's file name.
    pub fn file_name(&self) -> String {
        format!("{:03}-{}-{}.json", self.seq, self.operation, self.case)
    }

    /// Writes the fixture into `dir`.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let value = json!({
            "operation": self.operation,
            "case": self.case,
            "outcome": self.outcome,
            "exchanges": self.exchanges.iter().map(Exchange::to_json).collect::<Vec<_>>(),
        });
        let mut text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(dir.join(self.file_name()), text)
    }

    /// Reads every fixture of `dir`, in run order.
    pub fn read_dir(dir: &Path) -> Result<Vec<CaseRecord>, String> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.as_bytes()[0].is_ascii_digit())
            })
            .collect();
        files.sort();
        let mut out = Vec::new();
        for file in files {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let value: Value =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let seq = name[..3]
                .parse()
                .map_err(|e| format!("{}: {e}", file.display()))?;
            let exchanges = value["exchanges"]
                .as_array()
                .ok_or_else(|| format!("{}: no exchanges", file.display()))?
                .iter()
                .map(Exchange::from_json)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{}: {e}", file.display()))?;
            out.push(CaseRecord {
                seq,
                operation: value["operation"].as_str().unwrap_or("").to_owned(),
                case: value["case"].as_str().unwrap_or("").to_owned(),
                outcome: value["outcome"].as_str().unwrap_or("").to_owned(),
                exchanges,
            });
        }
        Ok(out)
    }
}
