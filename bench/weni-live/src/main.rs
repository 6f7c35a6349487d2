//! `weni-live`: runs every case of [`weni_live::cases`] against a running Weni Flows server
//! through a recording proxy, prints a per-operation table and optionally writes the
//! recording. Driven by `bench/weni-live/run.sh`; see `bench/README.md`.
//!
//! ```text
//! weni-live [--base http://127.0.0.1:8000] [--nonce N] [--record DIR] [--table FILE]
//! ```
//! The token comes from `WENI_API_TOKEN`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use weni_live::fixture::CaseRecord;
use weni_live::proxy::Proxy;
use weni_live::{cases, Runner, Status};

#[tokio::main]
async fn main() -> Result<(), String> {
    let mut base = "http://127.0.0.1:8000".to_owned();
    let mut nonce = chrono::Utc::now().format("%H%M%S").to_string();
    let mut record: Option<PathBuf> = None;
    let mut table: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--base" => base = value()?,
            "--nonce" => nonce = value()?,
            "--record" => record = Some(value()?.into()),
            "--table" => table = Some(value()?.into()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let token = std::env::var("WENI_API_TOKEN").map_err(|_| "WENI_API_TOKEN is not set")?;

    let proxy = Proxy::start(&base).await.map_err(|e| e.to_string())?;
    let client = weni::Client::builder()
        .api_key(token)
        .base_url(proxy.origin.clone())
        .build()
        .map_err(|e| e.to_string())?;
    // A client without a token. The generated client refuses to send an operation whose
    // security scheme has no credential; an empty `Authorization` header set by hand is the
    // caller's choice and goes out as it is, which the server reads as no token at all.
    let no_auth = weni::Client::builder()
        .default_header("Authorization", "")
        .base_url(proxy.origin.clone())
        .build()
        .map_err(|e| e.to_string())?;

    let current = proxy.current.clone();
    let mut runner = Runner::new(move |seq| *current.lock().unwrap() = seq);
    cases::run_all(&mut runner, &client, &no_auth, &nonce).await;

    // per case
    for o in &runner.outcomes {
        println!(
            "{:03} {:<26} {:<32} {}",
            o.seq,
            o.operation,
            o.case,
            o.status.summary()
        );
    }

    // per operation
    #[derive(Default)]
    struct Row {
        ok: usize,
        not_ok: Vec<String>,
        not_served: Vec<String>,
    }
    let mut per_op: BTreeMap<&str, Row> = BTreeMap::new();
    for o in &runner.outcomes {
        let row = per_op.entry(o.operation).or_default();
        match &o.status {
            Status::Ok => row.ok += 1,
            Status::NotServed(why) if o.case == "not-served" => row.not_served.push(why.clone()),
            Status::NotServed(why) => row.not_served.push(format!("{} cases: {why}", o.case)),
            other => row.not_ok.push(format!("{}: {}", o.case, other.summary())),
        }
    }
    let mut md = String::from("| Operation | Cases ok | Result |\n|---|---|---|\n");
    for (op, row) in &per_op {
        let mut result = if !row.not_ok.is_empty() {
            format!("**{} not ok**: {}", row.not_ok.len(), row.not_ok.join("; "))
        } else if row.ok > 0 {
            "ok".to_owned()
        } else {
            "not served".to_owned()
        };
        if !row.not_served.is_empty() {
            let sep = if result == "not served" {
                ": "
            } else {
                "; not served: "
            };
            result.push_str(&format!("{sep}{}", row.not_served.join("; ")));
        }
        md.push_str(&format!(
            "| `{op}` | {} | {} |\n",
            row.ok,
            result.replace('|', "\\|").replace('\n', " ")
        ));
    }
    println!("\n{md}");
    if let Some(path) = &table {
        std::fs::write(path, &md).map_err(|e| format!("{}: {e}", path.display()))?;
    }

    if let Some(dir) = &record {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.extension().is_some_and(|x| x == "json") {
                std::fs::remove_file(&path).map_err(|e| e.to_string())?;
            }
        }
        let log = proxy.log.lock().unwrap().clone();
        for o in &runner.outcomes {
            let rec = CaseRecord {
                seq: o.seq,
                operation: o.operation.to_owned(),
                case: o.case.clone(),
                outcome: o.status.summary(),
                exchanges: log
                    .iter()
                    .filter(|(s, _)| *s == o.seq)
                    .map(|(_, e)| e.clone())
                    .collect(),
            };
            rec.write(dir).map_err(|e| e.to_string())?;
        }
        let context = serde_json::json!({ "nonce": nonce });
        std::fs::write(
            dir.join("context.json"),
            serde_json::to_string_pretty(&context).unwrap_or_default() + "\n",
        )
        .map_err(|e| e.to_string())?;
        println!(
            "recorded {} cases into {}",
            runner.outcomes.len(),
            dir.display()
        );
    }
    let bad = runner
        .outcomes
        .iter()
        .filter(|o| !matches!(o.status, Status::Ok | Status::NotServed(_)))
        .count();
    if bad > 0 {
        return Err(format!("{bad} case(s) not ok"));
    }
    Ok(())
}
