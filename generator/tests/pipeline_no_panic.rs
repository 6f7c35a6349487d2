//! No spec input can make the pipeline panic: valid fixtures with random parts replaced by
//! random JSON go through load → IR → render → emit, and every stage must return (an error
//! is fine, a panic is not).

use oagen::{Layout, Options};
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<(PathBuf, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/gen");
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    for p in paths {
        if p.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&p).unwrap();
            if let Ok(v) = serde_yaml_ng::from_str::<Value>(&text) {
                out.push((p, v));
            }
        }
    }
    out
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9#/{}~ _.-]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("#/components/schemas/Missing"),
            Just("#/components/schemas/Pet"),
            Just("object"),
            Just("array"),
            Just("string"),
            Just("integer"),
            Just("{id}"),
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("type".to_string()),
                    Just("$ref".to_string()),
                    Just("properties".to_string()),
                    Just("items".to_string()),
                    Just("allOf".to_string()),
                    Just("oneOf".to_string()),
                    Just("enum".to_string()),
                    Just("required".to_string()),
                    Just("nullable".to_string()),
                    Just("additionalProperties".to_string()),
                    Just("x-oagen-pagination".to_string()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the `n`-th node (pre-order) of `doc` by `new`.
fn replace_nth(doc: &mut Value, n: &mut usize, new: &Value) -> bool {
    if *n == 0 {
        *doc = new.clone();
        return true;
    }
    *n -= 1;
    match doc {
        Value::Object(m) => m.values_mut().any(|v| replace_nth(v, n, new)),
        Value::Array(a) => a.iter_mut().any(|v| replace_nth(v, n, new)),
        _ => false,
    }
}

/// Generates a crate from `doc`. An error is fine; a panic is not, and a spec that loads and
/// builds must also render and emit (an `internal` diagnostic is a bug).
fn run(doc: &Value) {
    let text = serde_json::to_string(doc).unwrap();
    match oagen::generate_str(
        &text,
        Path::new("fuzz.json"),
        Layout::Crate,
        &Options::default(),
    ) {
        Ok(g) => assert!(g.files.iter().any(|f| f.path.ends_with("lib.rs"))),
        Err(diags) => {
            let internal: Vec<String> = diags
                .iter()
                .filter(|d| d.code == "internal")
                .map(ToString::to_string)
                .collect();
            assert!(
                internal.is_empty(),
                "emit failed on a spec the IR accepted: {internal:?}"
            );
            let _ = diags.render(false);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]
    #[test]
    fn mutated_fixtures_never_panic(which in any::<prop::sample::Index>(), at in 0usize..400, new in arb_json()) {
        let all = fixtures();
        let (_, doc) = &all[which.index(all.len())];
        let mut doc = doc.clone();
        let mut n = at;
        replace_nth(&mut doc, &mut n, &new);
        run(&doc);
    }
}

#[test]
fn every_fixture_survives_the_whole_pipeline() {
    for (p, doc) in fixtures() {
        let _ = p;
        run(&doc);
    }
}
