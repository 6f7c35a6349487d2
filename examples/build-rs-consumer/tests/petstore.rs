//! Calls the generated client against a local mock server.

use build_rs_consumer::petstore::{self, types::Pet, types::PetStatus};
use std::collections::HashSet;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> petstore::Client {
    petstore::Client::builder()
        .base_url(server.uri())
        .api_key("secret-token")
        .build()
        .expect("client")
}

#[tokio::test]
async fn get_pet_decodes_the_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/42"))
        .and(header("authorization", "Bearer secret-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": 42, "name": "Rex", "status": "pending", "tag": "dog"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let pet = client(&server).get_pet(42).send().await.expect("get_pet");
    assert_eq!(
        pet,
        Pet {
            id: 42,
            name: "Rex".into(),
            tag: Some("dog".into()),
            status: PetStatus::Pending,
        }
    );
    // `Eq` and `Hash` come from the `derives` option in build.rs.
    let set: HashSet<Pet> = [pet.clone(), pet].into_iter().collect();
    assert_eq!(set.len(), 1);
}

#[tokio::test]
async fn query_parameters_and_api_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .and(query_param("limit", "2"))
        .and(query_param("status", "available"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([
            {"id": 1, "name": "Ada", "status": "available"},
            {"id": 2, "name": "Bo", "status": "available"}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets/7"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "no such pet"})),
        )
        .mount(&server)
        .await;

    let client = client(&server);
    let names = build_rs_consumer::available_pet_names(&client, 2)
        .await
        .expect("list_pets");
    assert_eq!(names, ["Ada", "Bo"]);

    let err = client.get_pet(7).send().await.expect_err("404 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err:?}");
    let body = err
        .body()
        .expect("the error body is decoded into types::Error");
    assert_eq!(body.message, "no such pet");
}

/// The build script's own output: it watches the spec and the file its `$ref`s reach, and
/// nothing else (so an unrelated change does not rerun it).
#[test]
fn build_script_watches_the_spec_and_its_refs() {
    let output = std::path::Path::new(env!("OUT_DIR")).with_file_name("output");
    let text = std::fs::read_to_string(&output).expect("build script output");
    let watched: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("cargo:rerun-if-changed="))
        .collect();
    assert_eq!(
        watched,
        ["openapi/petstore.yaml", "openapi/schemas/pet.yaml"]
    );
}
