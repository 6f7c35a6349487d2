//! The loader's behaviour on the fixture specs under `tests/fixtures/load` and beyond:
//! bundling across files, errors, positions, 3.1 normalization, and random input.

mod bundle;
mod errors;
mod fuzz;
mod positions;
mod shared_fixtures;
mod v31;
mod v32;

/// Every `$ref` string in the document, sorted, without repeats.
fn all_refs(v: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r.clone());
                }
                stack.extend(o.values());
            }
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}
