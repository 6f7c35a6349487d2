//! Positions: pointers into the loaded document map back to file, line and
//! column, for YAML and JSON, and for parts bundled from other files.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostics, Location};
use crate::load::{self, LoadedSpec};

fn fixture(name: &str) -> PathBuf {
    Path::new("../tests/fixtures/load").join(name)
}

fn load_ok(name: &str) -> LoadedSpec {
    let mut diags = Diagnostics::new();
    let loaded = load::load(&fixture(name), &mut diags);
    // positions.json declares no parameter for `{petId}`: repaired with a warning.
    assert!(!diags.has_errors(), "{}", diags.render(false));
    match loaded {
        Some(l) => l,
        None => panic!("{name} did not load"),
    }
}

fn line_col(loc: &Location) -> (Option<usize>, Option<usize>) {
    (loc.line, loc.column)
}

#[test]
fn yaml_pointers_have_lines_and_columns() {
    let spec = load_ok("positions.yaml");
    let cases = [
        ("", (2, 1)),
        ("/openapi", (2, 1)),
        ("/paths/~1pets~1{petId}", (7, 3)),
        ("/paths/~1pets~1{petId}/get", (8, 5)),
        ("/paths/~1pets~1{petId}/get/parameters/0", (11, 11)),
        ("/paths/~1pets~1{petId}/get/parameters/0/in", (12, 11)),
        (
            "/paths/~1pets~1{petId}/get/parameters/0/schema/type",
            (14, 20),
        ),
        ("/paths/~1pets~1{petId}/get/responses/200", (16, 9)),
        (
            "/paths/~1pets~1{petId}/get/responses/200/content/application~1json/schema/$ref",
            (21, 17),
        ),
        (
            "/components/schemas/Pet/properties/tags/items/enum/1",
            (33, 25),
        ),
    ];
    for (ptr, (line, col)) in cases {
        let loc = spec.locate(ptr);
        assert_eq!(loc.file, fixture("positions.yaml"), "{ptr}");
        assert_eq!(loc.pointer, ptr);
        assert_eq!(line_col(&loc), (Some(line), Some(col)), "{ptr}");
    }
}

#[test]
fn missing_pointers_fall_back_to_the_nearest_ancestor() {
    let spec = load_ok("positions.yaml");
    let loc = spec.locate("/components/schemas/Pet/properties/name/maxLength");
    assert_eq!(
        loc.pointer,
        "/components/schemas/Pet/properties/name/maxLength"
    );
    assert_eq!(line_col(&loc), (Some(27), Some(9)));
}

#[test]
fn json_pointers_have_lines_and_columns() {
    let spec = load_ok("positions.json");
    let cases = [
        ("", (1, 1)),
        ("/info/title", (3, 12)),
        ("/paths/~1pets~1{petId}/get/operationId", (7, 9)),
        (
            "/paths/~1pets~1{petId}/get/responses/200/description",
            (10, 13),
        ),
        (
            "/paths/~1pets~1{petId}/get/responses/200/content/application~1json/schema/$ref",
            (11, 57),
        ),
        ("/components/schemas/Pet/properties/name", (19, 48)),
    ];
    for (ptr, (line, col)) in cases {
        let loc = spec.locate(ptr);
        assert_eq!(line_col(&loc), (Some(line), Some(col)), "{ptr}");
    }
}

#[test]
fn bundled_parts_map_back_to_their_own_file() {
    let spec = load_ok("split/openapi.yaml");
    // Bundled from common.yaml under the name Error2.
    let loc = spec.locate("/components/schemas/Error2/properties/message");
    assert_eq!(loc.file, fixture("split/common.yaml"));
    assert_eq!(loc.pointer, "/components/schemas/Error/properties/message");
    assert_eq!(line_col(&loc), (Some(21), Some(9)));
    // A whole-file schema put in place of the root's `Pet: {$ref: ...}`.
    let loc = spec.locate("/components/schemas/Pet/properties/tag");
    assert_eq!(loc.file, fixture("split/schemas/pet.yaml"));
    assert_eq!(loc.pointer, "/properties/tag");
    assert_eq!(line_col(&loc), (Some(7), Some(3)));
    // A path item inlined from paths/pets.yaml.
    let loc = spec.locate("/paths/~1pets/get/operationId");
    assert_eq!(loc.file, fixture("split/paths/pets.yaml"));
    assert_eq!(loc.pointer, "/get/operationId");
    assert_eq!(line_col(&loc), (Some(3), Some(3)));
    // JSON file.
    let loc = spec.locate("/components/schemas/Owner/properties/pets");
    assert_eq!(loc.file, fixture("split/other.json"));
    assert_eq!(line_col(&loc), (Some(6), Some(7)));
    // The root's own parts stay in the root.
    let loc = spec.locate("/components/schemas/Error/properties/reason");
    assert_eq!(loc.file, fixture("split/openapi.yaml"));
    assert_eq!(line_col(&loc), (Some(38), Some(9)));
}

#[test]
fn load_str_uses_the_given_path() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n";
    let mut diags = Diagnostics::new();
    let spec = load::load_str(text, Path::new("memory.yaml"), &mut diags);
    // positions.json declares no parameter for `{petId}`: repaired with a warning.
    assert!(!diags.has_errors(), "{}", diags.render(false));
    let spec = match spec {
        Some(s) => s,
        None => panic!("did not load"),
    };
    assert_eq!(spec.files, vec![PathBuf::from("memory.yaml")]);
    assert_eq!(spec.source_version, "3.0.3");
    let loc = spec.locate("/paths/~1a/get/responses/200");
    assert_eq!(loc.file, PathBuf::from("memory.yaml"));
    assert_eq!(line_col(&loc), (Some(7), Some(9)));
}
