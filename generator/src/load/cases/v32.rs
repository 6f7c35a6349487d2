//! OpenAPI 3.2 through the loader and into the IR: `$self` across files, the operations the
//! 3.0 model has no field for, `in: querystring`, tags, `defaultMapping`, and what is refused.

use std::path::Path;

use super::all_refs;
use crate::diag::Diagnostics;
use crate::ir::{self, Api, Operation, ParamIn, TypeKind};
use crate::load::{self, LoadedSpec};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new("../tests/fixtures/load").join(name)
}

fn codes(diags: &Diagnostics) -> Vec<&'static str> {
    diags.iter().map(|d| d.code).collect()
}

fn load_text(text: &str) -> (Option<LoadedSpec>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let spec = load::load_str(text, Path::new("spec.yaml"), &mut diags);
    (spec, diags)
}

fn build(text: &str) -> (Api, Diagnostics) {
    let (spec, mut diags) = load_text(text);
    let spec = spec.unwrap_or_else(|| panic!("does not load:\n{}", diags.render(false)));
    let api = ir::build(&spec, "t", &mut diags)
        .unwrap_or_else(|| panic!("no IR:\n{}", diags.render(false)));
    (api, diags)
}

fn ops(api: &Api) -> Vec<&Operation> {
    api.modules.iter().flat_map(|m| &m.operations).collect()
}

#[test]
fn self_is_the_base_of_references_across_files() {
    let mut diags = Diagnostics::new();
    let spec = load::load(&fixture("self/openapi.yaml"), &mut diags).expect("loads");
    assert!(diags.is_empty(), "{}", diags.render(false));
    let refs = all_refs(&spec.document);
    assert!(
        refs.iter().all(|r| r.starts_with("#/components/schemas/")),
        "{refs:?}"
    );
    let schemas = &spec.document["components"]["schemas"];
    assert!(schemas.get("Toy").is_some(), "{schemas}");
    // The pet file's reference back to the entry document by its `$self` is the root's Owner.
    let pet = schemas
        .as_object()
        .and_then(|m| {
            m.values()
                .find(|s| s.pointer("/properties/owner").is_some())
        })
        .expect("the pet schema");
    assert_eq!(
        pet["properties"]["owner"]["$ref"],
        "#/components/schemas/Owner"
    );
    assert!(
        spec.files.iter().any(|f| f.ends_with("schemas/pet.yaml")),
        "{:?}",
        spec.files
    );
}

#[test]
fn a_relative_self_is_resolved_against_the_file_first() {
    let mut diags = Diagnostics::new();
    let spec = load::load(&fixture("self-relative/openapi.yaml"), &mut diags).expect("loads");
    assert!(diags.is_empty(), "{}", diags.render(false));
    assert!(
        spec.files.iter().any(|f| f.ends_with("v2/pet.yaml")),
        "{:?}",
        spec.files
    );
}

const OPS: &str = r#"
openapi: 3.2.0
info: {title: T, version: "1"}
paths:
  /a/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getA
      responses: {'204': {description: x}}
    query:
      operationId: queryA
      responses: {'204': {description: x}}
    additionalOperations:
      LINK:
        operationId: linkA
        responses: {'204': {description: x}}
      purge:
        responses: {'204': {description: x}}
      "BAD METHOD":
        responses: {'204': {description: x}}
"#;

#[test]
fn query_and_additional_operations_become_operations() {
    let (spec, diags) = load_text(OPS);
    let spec = spec.expect("loads");
    assert_eq!(codes(&diags), ["invalid-method"]);
    let found: Vec<(&str, &str)> = spec
        .extra_operations
        .iter()
        .map(|e| (e.method.as_str(), e.pointer.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("QUERY", "/paths/~1a~1{id}/query"),
            ("LINK", "/paths/~1a~1{id}/additionalOperations/LINK"),
            ("purge", "/paths/~1a~1{id}/additionalOperations/purge"),
        ]
    );
    let (api, _) = build(OPS);
    let got: Vec<(&str, &str, &str)> = ops(&api)
        .iter()
        .map(|o| {
            (
                o.http_method.as_str(),
                o.method_name.as_str(),
                o.pointer.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("GET", "get_a", "/paths/~1a~1{id}/get"),
            ("QUERY", "query_a", "/paths/~1a~1{id}/query"),
            (
                "LINK",
                "link_a",
                "/paths/~1a~1{id}/additionalOperations/LINK"
            ),
            // Sent with the key's capitalization; named from it.
            (
                "purge",
                "purge_a_by_id",
                "/paths/~1a~1{id}/additionalOperations/purge"
            ),
        ]
    );
    // The path item's parameters apply to them too.
    assert!(ops(&api)
        .iter()
        .all(|o| o.params.iter().any(|p| p.wire == "id")));
}

#[test]
fn operations_new_in_32_are_not_read_from_older_documents() {
    let text = OPS.replace("openapi: 3.2.0", "openapi: 3.1.0");
    let (spec, diags) = load_text(&text);
    assert!(spec.expect("loads").extra_operations.is_empty());
    assert_eq!(
        codes(&diags),
        ["unsupported-version-feature"; 4],
        "{}",
        diags.render(false)
    );
}

#[test]
fn version_32_is_read_without_a_warning() {
    let (spec, diags) = load_text("openapi: 3.2.0\ninfo: {title: T, version: '1'}\npaths: {}\n");
    assert_eq!(spec.expect("loads").source_version, "3.2.0");
    assert!(diags.is_empty(), "{}", diags.render(false));
}

const QS: &str = r#"
openapi: 3.2.0
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - name: filter
          in: querystring
          content:
            application/x-www-form-urlencoded:
              schema: {type: object, properties: {q: {type: string}}}
      responses: {'204': {description: x}}
"#;

#[test]
fn querystring_parameters() {
    let (spec, diags) = load_text(QS);
    assert!(diags.is_empty(), "{}", diags.render(false));
    let spec = spec.expect("loads");
    // The document shows the parameter as written: no mark left.
    let p = &spec.document["paths"]["/a"]["get"]["parameters"][0];
    assert_eq!(p["in"], "querystring");
    assert!(p.get(load::v32::QUERYSTRING_MARK).is_none());
    let (api, _) = build(QS);
    let param = &ops(&api)[0].params[0];
    assert_eq!(param.location, ParamIn::QueryString);
    assert_eq!(
        param.media.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert!(!param.required);

    // Two of them, and one beside `in: query`: diagnosed; the first is kept.
    let two = QS.replace(
        "      responses:",
        "        - {name: other, in: querystring, content: {text/plain: {schema: {type: string}}}}\n        - {name: page, in: query, schema: {type: integer}}\n      responses:",
    );
    let (api, diags) = build(&two);
    assert_eq!(
        codes(&diags),
        ["invalid-querystring", "invalid-querystring"],
        "{}",
        diags.render(false)
    );
    let locations: Vec<(&str, ParamIn)> = ops(&api)[0]
        .params
        .iter()
        .map(|p| (p.wire.as_str(), p.location))
        .collect();
    assert_eq!(
        locations,
        [("filter", ParamIn::QueryString), ("page", ParamIn::Query)]
    );
}

#[test]
fn tags_summary_parent_and_kind() {
    let text = r#"
openapi: 3.2.0
info: {title: T, version: "1"}
tags:
  - {name: outer, summary: Outer things, description: Longer text.}
  - {name: inner, parent: outer, kind: audience}
  - {name: beta, kind: badge}
paths:
  /a:
    get: {operationId: a, tags: [beta, inner], responses: {'204': {description: x}}}
  /b:
    get: {operationId: b, tags: [outer], responses: {'204': {description: x}}}
  /c:
    get: {operationId: c, tags: [beta], responses: {'204': {description: x}}}
"#;
    let (api, diags) = build(text);
    assert!(diags.is_empty(), "{}", diags.render(false));
    let module = |n: &str| api.modules.iter().find(|m| m.name == n).expect(n);
    let names: Vec<&str> = api.modules.iter().map(|m| m.name.as_str()).collect();
    // A badge chooses no module, unless it is the operation's only tag.
    assert_eq!(names, ["beta", "inner", "outer"]);
    assert_eq!(module("inner").operations[0].id, "a");
    assert!(module("inner").operations[0]
        .doc
        .notes
        .contains(&"Badges: `beta`.".to_string()));
    assert_eq!(module("outer").doc.summary.as_deref(), Some("Outer things"));
    assert_eq!(
        module("outer").doc.description.as_deref(),
        Some("Longer text.")
    );
    assert_eq!(module("inner").parent.as_deref(), Some("outer"));
    assert!(module("outer")
        .doc
        .notes
        .iter()
        .any(|n| n.contains("`inner`")));
}

#[test]
fn default_mapping_marks_its_variant() {
    let text = r#"
openapi: 3.2.0
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Pet:
      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Other'}]
      discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat'}, defaultMapping: Other}
    Cat: {type: object, properties: {kind: {type: string}}}
    Other: {type: object, properties: {kind: {type: string}}}
"#;
    let (spec, _) = load_text(text);
    let disc = &spec.expect("loads").document["components"]["schemas"]["Pet"]["discriminator"];
    assert_eq!(disc["defaultMapping"], "Other");
    assert!(disc.get(load::v32::DEFAULT_MAPPING_MARK).is_none());
    let (api, _) = build(text);
    let pet = api.types.iter().find(|t| t.name == "Pet").expect("Pet");
    let TypeKind::Union { tag, variants } = &pet.kind else {
        panic!("{:?}", pet.kind)
    };
    assert_eq!(tag.as_deref(), Some("kind"));
    let defaults: Vec<&str> = variants
        .iter()
        .filter(|v| v.default)
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(defaults, ["Other"]);
}

#[test]
fn oauth2_device_flow_and_metadata_are_documented_bearer_schemes() {
    let text = r#"
openapi: 3.2.0
info: {title: T, version: "1"}
security: [{dev: []}]
paths: {}
components:
  securitySchemes:
    dev:
      type: oauth2
      oauth2MetadataUrl: https://auth.example.com/.well-known/oauth-authorization-server
      flows:
        deviceAuthorization:
          deviceAuthorizationUrl: https://auth.example.com/device
          tokenUrl: https://auth.example.com/token
          scopes: {}
"#;
    let (api, diags) = build(text);
    assert!(diags.is_empty(), "{}", diags.render(false));
    assert_eq!(api.auth, Some(ir::AuthScheme::Bearer));
    let notes = &api.schemes[0].notes;
    assert!(
        notes[0].contains("device authorization flow: device code from https://auth.example.com/device, token from https://auth.example.com/token"),
        "{notes:?}"
    );
    assert!(notes[1].contains("oauth-authorization-server"), "{notes:?}");
}

#[test]
fn media_type_components_are_inlined() {
    let text = r#"
openapi: 3.2.0
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: x
          content:
            application/json: {$ref: '#/components/mediaTypes/PetJson'}
components:
  mediaTypes:
    PetJson:
      schema: {$ref: '#/components/schemas/Pet'}
  schemas:
    Pet: {type: object, properties: {name: {type: string}}}
"#;
    let (api, diags) = build(text);
    assert!(diags.is_empty(), "{}", diags.render(false));
    assert_eq!(
        ops(&api)[0].output,
        ir::Output::Single(ir::ResponseBody::Json(ir::TypeRef::Named("Pet".into())))
    );
}

/// `lint` and the build-script API read every 3.2 fixture with no warning at all (the
/// `newer-version` warning of earlier versions is gone): under `strict`, a warning would fail.
#[test]
fn lint_and_build_scripts_take_32_without_warnings() {
    let gen = Path::new("../tests/fixtures/gen");
    let specs: Vec<std::path::PathBuf> = std::fs::read_dir(gen)
        .expect("tests/fixtures/gen")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("oas32-"))
        })
        .collect();
    assert!(specs.len() >= 7, "{specs:?}");
    let strict = crate::Options {
        strict: true,
        ..crate::Options::default()
    };
    for spec in &specs {
        let diags = crate::lint(spec, &strict).unwrap_or_else(|d| panic!("{}", d.render(false)));
        assert!(
            diags.is_empty(),
            "{}: {}",
            spec.display(),
            diags.render(false)
        );
    }
    let out = tempfile::tempdir().expect("a temporary directory");
    let written = crate::Config::new()
        .options(strict)
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .compile(&specs)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written.len(), specs.len());
}
