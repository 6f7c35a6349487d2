//! Swagger 2.0 conversion: the document it makes, where its pointers lead
//! back to, and its diagnostics.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::diag::Diagnostics;
use crate::load::{self, LoadedSpec};

fn load_text(text: &str) -> (Option<LoadedSpec>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let spec = load::load_str(text, Path::new("api.yaml"), &mut diags);
    (spec, diags)
}

fn doc(text: &str) -> Value {
    let (spec, diags) = load_text(text);
    assert!(!diags.has_errors(), "{}", diags.render(false));
    spec.expect("loads").document
}

fn codes(diags: &Diagnostics) -> Vec<(&'static str, String)> {
    diags
        .iter()
        .map(|d| {
            let ptr = d
                .location
                .as_ref()
                .map(|l| l.pointer.clone())
                .unwrap_or_default();
            (d.code, ptr)
        })
        .collect()
}

const HEAD: &str = "swagger: '2.0'\ninfo: {title: T, version: '1'}\n";

#[test]
fn servers_come_from_host_base_path_and_schemes() {
    let d = doc(&format!(
        "{HEAD}host: h.io\nbasePath: /v2/\nschemes: [http, https]\npaths: {{}}\n"
    ));
    assert_eq!(
        d["servers"],
        json!([{"url": "https://h.io/v2"}, {"url": "http://h.io/v2"}])
    );
    assert_eq!(d["openapi"], "3.0.3");
    let d = doc(&format!("{HEAD}basePath: /api\npaths: {{}}\n"));
    assert_eq!(d["servers"], json!([{"url": "/api"}]));
    let d = doc(&format!("{HEAD}host: h.io\npaths: {{}}\n"));
    assert_eq!(d["servers"], json!([{"url": "https://h.io"}]));
    let d = doc(&format!("{HEAD}basePath: /\npaths: {{}}\n"));
    assert!(d.get("servers").is_none());
}

#[test]
fn source_version_is_2_0() {
    let (spec, _) = load_text(&format!("{HEAD}paths: {{}}\n"));
    assert_eq!(spec.expect("loads").source_version, "2.0");
    // YAML reads an unquoted 2.0 as a number: taken too.
    let (spec, d) = load_text("swagger: 2.0\ninfo: {title: T, version: '1'}\npaths: {}\n");
    assert!(spec.is_some(), "{}", d.render(false));
}

#[test]
fn an_openapi_field_wins_over_a_swagger_one() {
    let (spec, diags) =
        load_text("openapi: 3.0.3\nswagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n");
    assert_eq!(
        spec.expect("loads").source_version,
        "3.0.3",
        "{}",
        diags.render(false)
    );
}

#[test]
fn security_definitions_become_schemes() {
    let d = doc(&format!(
        "{HEAD}paths: {{}}
securityDefinitions:
  b: {{type: basic}}
  k: {{type: apiKey, in: header, name: X-Key, description: key}}
  i: {{type: oauth2, flow: implicit, authorizationUrl: 'https://a', scopes: {{r: read}}}}
  p: {{type: oauth2, flow: password, tokenUrl: 'https://t'}}
  c: {{type: oauth2, flow: application, tokenUrl: 'https://t', x-e: 1}}
  a: {{type: oauth2, flow: accessCode, authorizationUrl: 'https://a', tokenUrl: 'https://t'}}
"
    ));
    let s = &d["components"]["securitySchemes"];
    assert_eq!(s["b"], json!({"type": "http", "scheme": "basic"}));
    assert_eq!(
        s["k"],
        json!({"type": "apiKey", "in": "header", "name": "X-Key", "description": "key"})
    );
    assert_eq!(
        s["i"]["flows"],
        json!({"implicit": {"authorizationUrl": "https://a", "scopes": {"r": "read"}}})
    );
    assert_eq!(
        s["p"]["flows"],
        json!({"password": {"tokenUrl": "https://t", "scopes": {}}})
    );
    assert_eq!(
        s["c"]["flows"],
        json!({"clientCredentials": {"tokenUrl": "https://t", "scopes": {}}})
    );
    assert_eq!(s["c"]["x-e"], 1);
    assert_eq!(
        s["a"]["flows"]["authorizationCode"]["tokenUrl"],
        "https://t"
    );
}

#[test]
fn body_form_and_media_types() {
    let d = doc(&format!(
        "{HEAD}consumes: [application/json, application/xml]
produces: [application/json]
paths:
  /a:
    parameters:
      - {{name: b, in: body, schema: {{$ref: '#/definitions/D'}}}}
    put:
      responses: {{'204': {{description: ok}}}}
    post:
      consumes: [text/plain]
      parameters:
        - {{name: b, in: body, required: true, description: text, schema: {{type: string}}}}
      responses: {{'204': {{description: ok}}}}
  /f:
    patch:
      consumes: [multipart/form-data, application/x-www-form-urlencoded]
      parameters:
        - {{name: f, in: formData, type: array, items: {{type: string}}, required: true}}
      responses: {{'204': {{description: ok}}}}
definitions:
  D: {{type: object}}
"
    ));
    let a = &d["paths"]["/a"];
    assert!(a.get("parameters").is_none(), "{a}");
    assert_eq!(
        a["put"]["requestBody"]["content"],
        json!({
            "application/json": {"schema": {"$ref": "#/components/schemas/D"}},
            "application/xml": {"schema": {"$ref": "#/components/schemas/D"}}
        })
    );
    assert_eq!(
        a["post"]["requestBody"],
        json!({"description": "text", "required": true,
               "content": {"text/plain": {"schema": {"type": "string"}}}})
    );
    // Both form types listed: URL-encoded (no file).
    assert_eq!(
        d["paths"]["/f"]["patch"]["requestBody"],
        json!({"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object",
            "properties": {"f": {"type": "array", "items": {"type": "string"}}},
            "required": ["f"]
        }}}})
    );
}

#[test]
fn parameters_and_collection_formats() {
    let (spec, diags) = load_text(&format!(
        "{HEAD}paths:
  /a/{{ids}}:
    get:
      parameters:
        - {{name: ids, in: path, type: array, items: {{type: integer}}}}
        - {{name: m, in: query, type: array, collectionFormat: multi, items: {{type: string}}}}
        - {{name: t, in: query, type: array, collectionFormat: tsv, items: {{type: string}}}}
        - {{name: n, in: query, type: string, x-example: abc, x-nullable: true, x-other: 1}}
        - $ref: '#/parameters/P'
      responses: {{'204': {{description: ok}}}}
parameters:
  P: {{name: p, in: header, type: string, enum: [a, b]}}
"
    ));
    assert_eq!(
        codes(&diags),
        vec![(
            "collection-format",
            "/paths/~1a~1{ids}/get/parameters/2/collectionFormat".to_string()
        )],
        "{}",
        diags.render(false)
    );
    let d = spec.expect("loads").document;
    let params = &d["paths"]["/a/{ids}"]["get"]["parameters"];
    assert_eq!(
        params[0],
        json!({"name": "ids", "in": "path", "required": true, "style": "simple", "explode": false,
               "schema": {"type": "array", "items": {"type": "integer"}}})
    );
    assert_eq!(params[1]["style"], "form");
    assert_eq!(params[1]["explode"], true);
    assert_eq!(params[2]["schema"], json!({"type": "string"}));
    assert_eq!(
        params[3],
        json!({"name": "n", "in": "query", "example": "abc", "x-other": 1,
               "schema": {"type": "string", "nullable": true}})
    );
    assert_eq!(params[4], json!({"$ref": "#/components/parameters/P"}));
    assert_eq!(
        d["components"]["parameters"]["P"]["schema"],
        json!({"type": "string", "enum": ["a", "b"]})
    );
}

#[test]
fn a_body_next_to_form_parameters_is_reported() {
    let (_, diags) = load_text(&format!(
        "{HEAD}paths:
  /a:
    post:
      parameters:
        - {{name: b, in: body, schema: {{type: string}}}}
        - {{name: f, in: formData, type: string}}
      responses: {{'204': {{description: ok}}}}
"
    ));
    assert_eq!(
        codes(&diags),
        vec![("body-and-form", "/paths/~1a/post/parameters/1".to_string())]
    );
}

#[test]
fn responses_headers_examples_and_files() {
    let d = doc(&format!(
        "{HEAD}produces: [application/json]
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          headers: {{X-N: {{type: integer, description: n}}}}
          schema: {{type: string}}
          examples: {{application/json: hi}}
        '404': {{$ref: '#/responses/Gone'}}
        default: {{description: other}}
  /f:
    get:
      produces: []
      responses: {{'200': {{schema: {{type: file}}}}}}
responses:
  Gone: {{description: gone}}
"
    ));
    let r = &d["paths"]["/a"]["get"]["responses"];
    assert_eq!(
        r["200"],
        json!({"description": "ok",
               "headers": {"X-N": {"description": "n", "schema": {"type": "integer"}}},
               "content": {"application/json": {"schema": {"type": "string"}, "example": "hi"}}})
    );
    assert_eq!(r["404"], json!({"$ref": "#/components/responses/Gone"}));
    assert_eq!(r["default"], json!({"description": "other"}));
    assert_eq!(
        d["paths"]["/f"]["get"]["responses"]["200"],
        json!({"description": "", "content": {"application/octet-stream": {
            "schema": {"type": "string", "format": "binary"}}}})
    );
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(path)
}

/// Converted pointers lead back to the 2.0 file as written, with lines.
#[test]
fn pointers_lead_back_to_the_file_as_written() {
    let path = fixture("gen/swagger2-petstore.yaml");
    let mut diags = Diagnostics::new();
    let spec = load::load(&path, &mut diags).expect("loads");
    let cases = [
        ("/openapi", "/swagger", 8),
        ("/servers/0/url", "/host", 13),
        (
            "/components/schemas/Pet/properties/id",
            "/definitions/Pet/properties/id",
            71,
        ),
        (
            "/paths/~1pets/get/parameters/0/schema/format",
            "/paths/~1pets/get/parameters/0/format",
            40,
        ),
        (
            "/paths/~1pets/post/requestBody/content/application~1json/schema/$ref",
            "/paths/~1pets/post/parameters/0/schema/$ref",
            59,
        ),
        (
            "/paths/~1pets/get/responses/200/content/application~1json/schema/items",
            "/paths/~1pets/get/responses/200/schema/items",
            47,
        ),
        (
            "/components/securitySchemes/api_key/name",
            "/securityDefinitions/api_key/name",
            26,
        ),
    ];
    for (converted, written, line) in cases {
        let loc = spec.locate(converted);
        assert_eq!(loc.file, path, "{converted}");
        assert_eq!(loc.pointer, written, "{converted}");
        assert_eq!(loc.line, Some(line), "{converted}");
    }
}

/// A spec in several files: each part is bundled, converted, and located
/// in its own file.
#[test]
fn split_spec_is_bundled_and_located() {
    let root = fixture("load/swagger2-split/root.yaml");
    let mut diags = Diagnostics::new();
    let spec = load::load(&root, &mut diags).expect("loads");
    // The one problem: a typo in a type in common.yaml, reported there.
    let found: Vec<_> = diags
        .iter()
        .map(|d| {
            let l = d.location.clone().expect("located");
            (
                d.code,
                l.file.ends_with("swagger2-split/common.yaml"),
                l.pointer,
                l.line,
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![(
            "unknown-type",
            true,
            "/responses/Problem/schema/properties/message/type".to_string(),
            Some(20)
        )]
    );
    let d = &spec.document;
    let op = &d["paths"]["/pets"];
    assert_eq!(
        op["get"]["parameters"][0],
        json!({"$ref": "#/components/parameters/Limit"})
    );
    assert_eq!(
        op["post"]["requestBody"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Pet"})
    );
    assert_eq!(
        op["get"]["responses"]["default"],
        json!({"$ref": "#/components/responses/Problem"})
    );
    let schemas = &d["components"]["schemas"];
    assert_eq!(
        schemas["Pet"]["properties"]["owner"],
        json!({"$ref": "#/components/schemas/Owner"})
    );
    assert_eq!(
        schemas["Owner"]["properties"]["nick"],
        json!({"type": "string", "nullable": true})
    );
    let loc = spec.locate("/components/schemas/Owner/properties/nick");
    assert!(
        loc.file.ends_with("swagger2-split/definitions.yaml"),
        "{loc}"
    );
    assert_eq!(loc.pointer, "/Owner/properties/nick");
    assert_eq!(loc.line, Some(13));
    assert_eq!(spec.files.len(), 4, "{:?}", spec.files);
}

/// Ill-formed 2.0 documents: clear errors, never a panic.
#[test]
fn broken_documents_are_reported() {
    let bodies = [
        "paths: []",
        "paths: {/a: 1}",
        "paths: {/a: {get: 1}}",
        "paths: {/a: {get: {parameters: 3, responses: 4}}}",
        "paths: {/a: {get: {parameters: [1, {in: body}, {in: formData}, {$ref: 2}], responses: {'200': 1}}}}",
        "paths: {/a: {parameters: [{$ref: '#/parameters/x'}], get: {responses: {'200': {$ref: '#/responses/y'}}}}}",
        "paths: {}\ndefinitions: 1\nparameters: 2\nresponses: 3\nsecurityDefinitions: 4",
        "paths: {}\ndefinitions: {A: {x-nullable: true, $ref: 1, allOf: 2, discriminator: 3}}",
        "paths: {}\nsecurityDefinitions: {a: {type: oauth2, flow: 1, scopes: 2}, b: 1, c: {type: x}}",
        "paths: {}\nhost: 1\nbasePath: 2\nschemes: 3\nconsumes: 4",
        "paths: {/a: {get: {parameters: [{$ref: 'missing.yaml#/x'}], responses: {}}}}",
        "paths: {/a: {$ref: 'nowhere.yaml'}}",
    ];
    for body in bodies {
        let (_, diags) = load_text(&format!("{HEAD}{body}\n"));
        assert!(!diags.is_empty(), "{body}: no diagnostic");
        for d in &diags {
            assert!(d.location.is_some(), "{body}: {d}");
        }
    }
}

/// Refs between other files that only lead to refs and come back end in a
/// `ref-cycle` error, not a hang.
#[test]
fn cross_file_ref_loops_are_reported() {
    let dir = std::env::temp_dir().join(format!("oagen-swagger2-loop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("b.yaml"), "B: {$ref: '#/C'}\nC: {$ref: '#/B'}\n").expect("write");
    let root = dir.join("a.yaml");
    std::fs::write(
        &root,
        format!("{HEAD}paths: {{}}\ndefinitions:\n  A: {{$ref: 'b.yaml#/B'}}\n"),
    )
    .expect("write");
    let mut diags = Diagnostics::new();
    let _ = load::load(&root, &mut diags);
    let _ = std::fs::remove_dir_all(&dir);
    // Reported where the loop closes, in the file that has it.
    let found: Vec<_> = diags
        .iter()
        .map(|d| {
            let l = d.location.clone().expect("located");
            (d.code, l.file.ends_with("b.yaml"), l.pointer, l.line)
        })
        .collect();
    assert_eq!(
        found,
        vec![("ref-cycle", true, "/C".to_string(), Some(2))],
        "{}",
        diags.render(false)
    );
}

/// A JSON 2.0 file: a problem in a converted part is located in the JSON
/// as written.
#[test]
fn json_positions_point_into_the_2_0_file() {
    let text = r##"{
  "swagger": "2.0",
  "info": {"title": "T", "version": "1"},
  "paths": {
    "/a": {
      "post": {
        "parameters": [
          {"name": "b", "in": "body", "schema": {"$ref": "#/definitions/Nope"}}
        ],
        "responses": {"204": {"description": "ok"}}
      }
    }
  }
}"##;
    let mut diags = Diagnostics::new();
    let spec = load::load_str(text, Path::new("api.json"), &mut diags);
    assert!(spec.is_some());
    let found: Vec<_> = diags
        .iter()
        .map(|d| {
            let l = d.location.clone().expect("located");
            (d.code, l.pointer, l.line, d.message.clone())
        })
        .collect();
    assert_eq!(
        found,
        vec![(
            "dangling-ref",
            "/paths/~1a/post/parameters/0/schema/$ref".to_string(),
            Some(8),
            "reference `#/definitions/Nope` points at nothing".to_string()
        )]
    );
}

/// Repairs of the converted document speak of the 2.0 sections.
#[test]
fn repairs_name_the_2_0_sections() {
    let (_, diags) = load_text(&format!("{HEAD}security: [{{token: []}}]\npaths: {{}}\n"));
    let messages: Vec<_> = diags.iter().map(|d| d.message.clone()).collect();
    assert_eq!(
        messages,
        vec!["security scheme `token` is not defined in `securityDefinitions`".to_string()]
    );
}
