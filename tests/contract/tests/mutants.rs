//! The contract checks can fail: the generated calls of every client are run against Prism
//! serving mutated copies of their specs, and every affected operation must be reported.
//!
//! - Request side: every operation gets a required query parameter the client does not send,
//!   so every call must fail as a violation.
//! - Response side: every structured JSON success body becomes a JSON string, so every call
//!   of such an operation must fail to decode, and the others must still pass.

use oagen_contract::generated::PROVIDERS;
use oagen_contract::{prism_binary, run_against, FailureKind, Provider, Report};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The spec as a document (the curated specs are single files).
fn load(spec: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(spec)).unwrap_or_else(|e| panic!("{spec}: {e}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{spec}: {e}"))
}

fn operations(doc: &mut Value) -> Vec<&mut Value> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                for (method, op) in item.iter_mut() {
                    if METHODS.contains(&method.as_str()) {
                        out.push(op);
                    }
                }
            }
        }
    }
    out
}

fn add_required_probe(doc: &mut Value) {
    for op in operations(doc) {
        let probe = json!({"name": "oagen_probe", "in": "query", "required": true, "schema": {"type": "string"}});
        match op.get_mut("parameters").and_then(Value::as_array_mut) {
            Some(list) => list.push(probe),
            None => op["parameters"] = json!([probe]),
        }
    }
}

/// Whether a schema describes an object or an array (which a JSON string cannot decode into).
fn structured(doc: &Value, schema: &Value) -> bool {
    let mut s = schema;
    while let Some(target) = s
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| doc.pointer(p))
    {
        s = target;
    }
    matches!(
        s.get("type").and_then(Value::as_str),
        Some("object" | "array")
    ) || ["properties", "items", "allOf"]
        .iter()
        .any(|k| s.get(k).is_some())
}

/// Replaces every structured JSON success body by a string; returns the operations changed.
fn stringify_success_bodies(doc: &mut Value) -> BTreeSet<String> {
    let original = doc.clone();
    let mut changed = BTreeSet::new();
    for op in operations(doc) {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        for (code, response) in responses.iter_mut() {
            if !code.starts_with('2') {
                continue;
            }
            // Responses are bundled as `$ref`s to components: inline a copy to change it.
            let mut resolved = response.clone();
            while let Some(target) = resolved
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| original.pointer(p))
            {
                resolved = target.clone();
            }
            let Some(content) = resolved.get_mut("content").and_then(Value::as_object_mut) else {
                continue;
            };
            for (media, body) in content.iter_mut() {
                let schema = body.get("schema").cloned().unwrap_or(Value::Null);
                if media.contains("json") && structured(&original, &schema) {
                    *body = json!({"schema": {"type": "string"}, "example": "oagen: not the documented body"});
                    changed.insert(id.clone());
                }
            }
            *response = resolved;
        }
    }
    changed
}

fn mutated(
    dir: &Path,
    suffix: &str,
    f: &mut dyn FnMut(&Provider, &mut Value),
) -> Vec<(Provider, String)> {
    PROVIDERS
        .iter()
        .map(|p| {
            let mut doc = load(p.spec);
            f(p, &mut doc);
            let path = dir.join(format!("{}-{suffix}.json", p.name));
            std::fs::write(&path, serde_json::to_string_pretty(&doc).expect("JSON"))
                .expect("write a mutated spec");
            (*p, path.display().to_string())
        })
        .collect()
}

fn kinds(report: &Report) -> Vec<(String, String, Option<FailureKind>)> {
    report
        .providers
        .iter()
        .flat_map(|p| {
            p.results.iter().map(move |r| {
                (
                    p.provider.name.to_string(),
                    r.op.id.to_string(),
                    r.outcome.as_ref().err().map(|f| f.kind),
                )
            })
        })
        .collect()
}

#[test]
fn violations_and_decode_failures_are_reported() {
    let binary = match prism_binary() {
        Ok(b) => b,
        Err(msg) => panic!("{msg}"),
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let total: usize = PROVIDERS.iter().map(|p| p.operations.len()).sum();

    let jobs = mutated(dir.path(), "probe", &mut |_, doc| add_required_probe(doc));
    let report = run_against(&binary, &jobs, None);
    let results = kinds(&report);
    assert_eq!(results.len(), total, "{}", report.table());
    let missed: Vec<_> = results
        .iter()
        .filter(|(_, _, k)| *k != Some(FailureKind::Violation))
        .collect();
    assert!(
        missed.is_empty(),
        "calls without the required parameter were not reported as violations: {missed:?}"
    );

    let mut expected: BTreeSet<(String, String)> = BTreeSet::new();
    let jobs = mutated(dir.path(), "string-bodies", &mut |p, doc| {
        for id in stringify_success_bodies(doc) {
            expected.insert((p.name.to_string(), id));
        }
    });
    assert!(
        expected.len() > total / 2,
        "too few operations mutated: {}",
        expected.len()
    );
    let report = run_against(&binary, &jobs, None);
    let results = kinds(&report);
    assert_eq!(results.len(), total, "{}", report.table());
    for (provider, id, kind) in results {
        let want = if expected.contains(&(provider.clone(), id.clone())) {
            Some(FailureKind::Decode)
        } else {
            None
        };
        assert_eq!(kind, want, "{provider} {id}\n{}", report.failures());
    }
}
