//! Each curated spec contains its provider's complete endpoint inventory (method + path),
//! as listed in `tests/inventory/<provider>.txt`, which was derived from the seed pages.

mod support;

use std::collections::BTreeSet;

fn spec_endpoints(provider: &str) -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(support::root().join(format!("specs/{provider}.yaml"))).unwrap();
    let doc: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, _) in item.as_object().unwrap() {
            if [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ]
            .contains(&method.as_str())
            {
                out.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    out
}

fn inventory(provider: &str) -> Vec<String> {
    std::fs::read_to_string(support::root().join(format!("tests/inventory/{provider}.txt")))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

#[test]
fn every_seed_endpoint_is_in_its_spec() {
    let mut total = 0;
    for (provider, expected) in [
        ("weflow", 6),
        ("weni", 60),
        ("whereby", 24),
        ("warpflow", 69),
    ] {
        let inv = inventory(provider);
        assert_eq!(
            inv.len(),
            expected,
            "{provider}: the inventory should list {expected} seed endpoints"
        );
        let spec = spec_endpoints(provider);
        let missing: Vec<&String> = inv.iter().filter(|e| !spec.contains(*e)).collect();
        assert!(
            missing.is_empty(),
            "{provider}: missing from the spec: {missing:?}"
        );
        total += inv.len();
    }
    assert_eq!(total, 159);
    // Weflow's two announced endpoints are in the spec as inferred operations.
    let weflow = spec_endpoints("weflow");
    assert!(weflow.contains("GET /recordings/{uid}/scorecards"));
    assert!(weflow.contains("GET /recordings/{uid}/transcript"));
}

#[test]
fn every_operation_has_an_id_a_typed_success_errors_and_security() {
    for provider in ["weflow", "weni", "whereby", "warpflow"] {
        let text = std::fs::read_to_string(support::root().join(format!("specs/{provider}.yaml")))
            .unwrap();
        let doc: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
        let global_security = doc.get("security").is_some();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if !["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                    continue;
                }
                let at = format!("{provider}: {method} {path}");
                assert!(op["operationId"].is_string(), "{at}: no operationId");
                let responses = op["responses"].as_object().unwrap();
                let ok = responses.iter().any(|(code, r)| {
                    code.starts_with('2')
                        && (code == "204" || r.get("content").is_some() || r.get("$ref").is_some())
                });
                assert!(ok, "{at}: no typed 2xx response");
                assert!(
                    responses.keys().any(|c| c.starts_with('4')),
                    "{at}: no error response"
                );
                assert!(
                    global_security || op.get("security").is_some(),
                    "{at}: no security"
                );
            }
        }
    }
}
