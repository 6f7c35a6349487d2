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

/// Operations added from Whereby's official OpenAPI file (not in the seed's list) are in the
/// spec, not in the seed inventory, and say where they come from.
#[test]
fn whereby_official_spec_endpoints_are_in_the_spec_and_marked() {
    let official = inventory("whereby-official");
    assert_eq!(official.len(), 3);
    let spec = spec_endpoints("whereby");
    let seed = inventory("whereby");
    let text = std::fs::read_to_string(support::root().join("specs/whereby.yaml")).unwrap();
    let doc: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
    for e in &official {
        assert!(spec.contains(e), "missing from the spec: {e}");
        assert!(!seed.contains(e), "{e} is a seed endpoint");
        let (method, path) = e.split_once(' ').unwrap();
        let op = &doc["paths"][path][method.to_lowercase()];
        let description = op["description"].as_str().unwrap_or_default();
        assert!(
            description.contains("official OpenAPI file"),
            "{e}: the description does not name its source"
        );
    }
    // Every Whereby operation is either a seed endpoint or an official one.
    let extra: Vec<&String> = spec
        .iter()
        .filter(|e| !seed.contains(*e) && !official.contains(*e))
        .collect();
    assert!(extra.is_empty(), "unlisted Whereby operations: {extra:?}");
}

/// Ground-truth facts that the client cannot show by decoding alone (its decoder already
/// tolerates both forms): [WB]'s insights pages require no `cursor`, and Weni's
/// `contacts_elastic` 401 may have no body.
#[test]
fn specs_follow_the_vendors_on_optional_cursor_and_bodiless_401() {
    let load = |provider: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(support::root().join(format!("specs/{provider}.yaml")))
            .unwrap();
        serde_yaml_ng::from_str(&text).unwrap()
    };
    let whereby = load("whereby");
    for page in [
        "RoomInsightPage",
        "RoomSessionInsightPage",
        "ParticipantInsightPage",
    ] {
        let required = &whereby["components"]["schemas"][page]["required"];
        assert!(
            !required
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("cursor")),
            "{page} requires cursor"
        );
    }
    let weni = load("weni");
    let unauthorized = &weni["components"]["responses"]["Unauthorized"];
    assert!(unauthorized.is_object());
    assert!(
        unauthorized.get("content").is_none(),
        "the contacts_elastic 401 must allow an empty body"
    );
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
