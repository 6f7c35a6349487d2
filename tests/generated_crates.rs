//! Every seed endpoint has a method on its generated client, and every list endpoint has
//! `.items()` and `.pages()`: checked on the IR the committed crates come from.

mod support;

use oagen::{build_ir, Options};

#[test]
fn every_endpoint_has_a_method_and_lists_paginate() {
    std::env::set_current_dir(support::root()).expect("cd");
    let mut methods = 0;
    for provider in ["weflow", "weni", "whereby", "warpflow"] {
        let spec = format!("specs/{provider}.yaml");
        let (api, _, _) = build_ir(spec.as_ref(), &Options::default())
            .map_err(|d| d.render(false))
            .unwrap();
        let text = std::fs::read_to_string(&spec).unwrap();
        let doc: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
        for m in &api.modules {
            for op in &m.operations {
                methods += 1;
                let raw = doc.pointer(&op.pointer).expect("operation pointer");
                if raw.get("x-oagen-pagination").is_some() {
                    assert!(
                        op.pagination.is_some(),
                        "{provider}: {} lost its pagination",
                        op.id
                    );
                    let file = format!("generated/{provider}/src/{}.rs", m.name);
                    let code = std::fs::read_to_string(&file).unwrap();
                    let builder = format!("impl {} {{", op.builder_name);
                    let start = code
                        .find(&builder)
                        .unwrap_or_else(|| panic!("{file}: no {builder}"));
                    let rest = &code[start..];
                    let end = rest[1..]
                        .find("\nimpl ")
                        .map(|e| e + 1)
                        .unwrap_or(rest.len());
                    let block = &rest[..end];
                    assert!(
                        block.contains("pub fn items(") && block.contains("pub fn pages("),
                        "{file}: {} has no items()/pages()",
                        op.builder_name
                    );
                }
            }
        }
    }
    assert_eq!(
        methods, 164,
        "159 seed endpoints, Weflow's 2 inferred ones and Whereby's 3 from its official spec"
    );
}
