//! External-file bundling: a split spec loads, every type lands under the
//! root's components, refs become local, and refs inside other files are
//! relative to those files.

use std::path::{Path, PathBuf};

use super::all_refs;
use crate::diag::Diagnostics;
use crate::load::{self, LoadedSpec};
use serde_json::json;

fn fixture(name: &str) -> PathBuf {
    Path::new("../tests/fixtures/load").join(name)
}

fn load_ok(path: &Path) -> LoadedSpec {
    let mut diags = Diagnostics::new();
    let loaded = load::load(path, &mut diags);
    assert!(diags.is_empty(), "{}", diags.render(false));
    match loaded {
        Some(l) => l,
        None => panic!("{} did not load", path.display()),
    }
}

#[test]
fn split_spec_is_bundled_into_components() {
    let spec = load_ok(&fixture("split/openapi.yaml"));
    let doc = &spec.document;
    let names: Vec<&str> = doc["components"]["schemas"]
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    // Root components first (Pet and Owner replaced by their targets), then
    // bundled ones in the order they were met.
    assert_eq!(names, vec!["Pet", "Error", "Owner", "Error2", "Id", "Tag"]);
    assert_eq!(
        doc["components"]["schemas"]["Pet"],
        json!({
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "owner": {"$ref": "#/components/schemas/Owner"},
                "tag": {"$ref": "#/components/schemas/Tag"}
            }
        })
    );
    // common.yaml's Error differs from the root's: bundled as Error2, and
    // common.yaml's own local ref to it follows.
    assert_eq!(
        doc["components"]["schemas"]["Error2"]["properties"]["code"],
        json!({"type": "integer"})
    );
    assert_eq!(
        doc["components"]["responses"]["NotFound"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Error2"})
    );
    assert_eq!(
        doc["components"]["parameters"]["Id"]["schema"],
        json!({"$ref": "#/components/schemas/Id"})
    );
    // Owner (from JSON) refers back to pet.yaml, i.e. to Pet.
    assert_eq!(
        doc["components"]["schemas"]["Owner"]["properties"]["pets"]["items"],
        json!({"$ref": "#/components/schemas/Pet"})
    );
    // The path item from paths/pets.yaml is inlined, its ref rewritten.
    assert_eq!(doc["paths"]["/pets"]["get"]["operationId"], "listPets");
    assert_eq!(
        doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["items"],
        json!({"$ref": "#/components/schemas/Pet"})
    );
    let p = &doc["paths"]["/pets/{id}"]["get"];
    assert_eq!(
        p["parameters"][0],
        json!({"$ref": "#/components/parameters/Id"})
    );
    assert_eq!(
        p["responses"]["404"],
        json!({"$ref": "#/components/responses/NotFound"})
    );
    assert_eq!(
        p["responses"]["default"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Error2"})
    );
    // No ref to another file is left.
    for r in all_refs(doc) {
        assert!(r.starts_with("#/components/"), "{r}");
    }
    // The typed model sees the same.
    let components = spec.openapi.components.as_ref();
    assert_eq!(components.map(|c| c.schemas.len()), Some(6));
    assert_eq!(components.map(|c| c.responses.len()), Some(1));
    assert_eq!(spec.openapi.operations().count(), 2);
}

#[test]
fn files_lists_the_root_then_the_others_sorted() {
    let spec = load_ok(&fixture("split/openapi.yaml"));
    assert_eq!(
        spec.files,
        vec![
            fixture("split/openapi.yaml"),
            fixture("split/common.yaml"),
            fixture("split/other.json"),
            fixture("split/paths/pets.yaml"),
            fixture("split/schemas/pet.yaml"),
        ]
    );
    assert_eq!(spec.root, fixture("split/openapi.yaml"));
}

#[test]
fn loading_is_deterministic() {
    let a = load_ok(&fixture("split/openapi.yaml"));
    let b = load_ok(&fixture("split/openapi.yaml"));
    assert_eq!(
        serde_json::to_string(&a.document).unwrap_or_default(),
        serde_json::to_string(&b.document).unwrap_or_default()
    );
}

#[test]
fn shared_split_fixture_bundles() {
    let spec = load_ok(Path::new("../tests/fixtures/gen/split/openapi.yaml"));
    let doc = &spec.document;
    let names: Vec<&str> = doc["components"]["schemas"]
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(names, vec!["pet", "Error", "Tag"]);
    assert_eq!(doc["components"]["schemas"]["pet"]["title"], "Pet");
    for r in all_refs(doc) {
        assert!(r.starts_with("#/components/"), "{r}");
    }
}

#[test]
fn recursive_schemas_are_not_cycles() {
    let spec = load_ok(&fixture("recursive.yaml"));
    assert_eq!(
        spec.document["components"]["schemas"]["AliasOfAlias"],
        json!({"$ref": "#/components/schemas/Alias"})
    );
}

#[test]
fn external_refs_from_an_in_memory_root_resolve_next_to_its_path() {
    let text = r##"
openapi: 3.0.3
info: {title: mem, version: "1"}
paths:
  /x:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "common.yaml#/components/schemas/Tag"}
"##;
    let mut diags = Diagnostics::new();
    let spec = load::load_str(text, &fixture("split/in-memory.yaml"), &mut diags);
    assert!(diags.is_empty(), "{}", diags.render(false));
    let doc = spec.map(|s| s.document).unwrap_or_default();
    assert_eq!(
        doc["components"]["schemas"]["Tag"],
        json!({"type": "string"})
    );
}
