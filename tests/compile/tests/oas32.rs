//! OpenAPI 3.2 constructs, against a local mock: the `QUERY` method and `additionalOperations`
//! are sent with their method, path, headers and body; an `in: querystring` value is the whole
//! query string; a discriminator's `defaultMapping` takes the values with unknown tags.

use oagen_fixtures::*;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn query_method_is_sent_as_query_with_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("QUERY"))
        .and(path("/shelters/north%20side/pets"))
        .and(body_json(json!({"species": "cat", "maxAge": 3})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 1, "name": "Tom"}])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("QUERY"))
        .and(path("/pets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(7)))
        .expect(1)
        .mount(&server)
        .await;
    let c = oas32_query_method::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let query = oas32_query_method::types::PetQuery {
        species: Some("cat".into()),
        max_age: Some(3),
    };
    let pets = c
        .search_pets("north side", query.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(pets.len(), 1);
    assert_eq!(pets[0].name, "Tom");
    assert_eq!(c.query_pets(query).send().await.unwrap(), 7);
}

#[tokio::test]
async fn query_is_retried_like_get() {
    // `QUERY` is safe and idempotent: a 503 is retried (a `LINK` would not be).
    let server = MockServer::start().await;
    Mock::given(method("QUERY"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("QUERY"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(2)))
        .expect(1)
        .mount(&server)
        .await;
    let c = oas32_query_method::Client::builder()
        .base_url(server.uri())
        .retry_policy(
            oagen_runtime::RetryPolicy::default()
                .initial_backoff(std::time::Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let body = oas32_query_method::types::PetQuery::default();
    assert_eq!(c.query_pets(body).send().await.unwrap(), 2);
}

#[tokio::test]
async fn additional_operations_are_sent_with_their_method() {
    let server = MockServer::start().await;
    Mock::given(method("LINK"))
        .and(path("/pets/42"))
        .and(header("link", "</owners/7>; rel=\"owner\""))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("UNLINK"))
        .and(path("/pets/42"))
        .and(body_json(json!({"rel": "owner"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 42, "name": "Rex"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PURGE"))
        .and(path("/cache/a%2Fb"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let c = oas32_additional_operations::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    c.link_pet(42, "</owners/7>; rel=\"owner\"")
        .send()
        .await
        .unwrap();
    let unlink = oas32_additional_operations::types::Unlink {
        rel: "owner".into(),
    };
    let pet = c.unlink_pet(42, unlink).send().await.unwrap();
    assert_eq!(pet.name, "Rex");
    c.purge_cache_by_key("a/b").send().await.unwrap();
}

/// The raw query string of the one request the server saw.
async fn only_query(server: &MockServer) -> Option<String> {
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    requests[0].url.query().map(String::from)
}

#[tokio::test]
async fn querystring_values_are_the_whole_query_string() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let c = oas32_querystring::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();

    // A form: each property a pair, arrays repeating the key.
    let filter = oas32_querystring::types::PetFilter {
        species: Some("cat & dog".into()),
        tag: Some(vec!["a".into(), "b".into()]),
        limit: Some(10),
    };
    c.list_pets().filter(filter).send().await.unwrap();
    assert_eq!(
        only_query(&server).await.as_deref(),
        Some("species=cat%20%26%20dog&tag=a&tag=b&limit=10")
    );
    assert!(server.received_requests().await.unwrap()[0].url.path() == "/pets");

    // Left out: no query string at all.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    c.list_pets().send().await.unwrap();
    assert_eq!(only_query(&server).await, None);

    // Text: the string, percent-encoded (the example of the OpenAPI 3.2 specification).
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/select"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(1)))
        .mount(&server)
        .await;
    c.select("$.a.b[1:1]").send().await.unwrap();
    assert_eq!(
        only_query(&server).await.as_deref(),
        Some("%24.a.b%5B1%3A1%5D")
    );

    // JSON: the JSON text, percent-encoded.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/reports/r1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let spec = oas32_querystring::types::ReportSpec {
        numbers: vec![1, 2],
        flag: None,
    };
    c.report("r1", spec).send().await.unwrap();
    let q = only_query(&server).await.unwrap_or_default();
    assert!(q.starts_with("%7B%22numbers%22%3A%5B1%2C2%5D"), "{q}");
}

#[tokio::test]
async fn device_authorization_tokens_are_bearer_tokens() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", "Bearer device-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "me"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = oas32_device_auth::Client::builder()
        .device("device-token")
        .base_url(server.uri())
        .build()
        .unwrap();
    c.get_me().send().await.unwrap();
}

#[test]
fn unknown_discriminator_values_decode_to_the_default_mapping() {
    use oas32_default_mapping::types::Pet;
    let pet: Pet = serde_json::from_value(json!({"petType": "lizard", "name": "Liz"})).unwrap();
    match &pet {
        Pet::OtherPet(p) => {
            assert_eq!(p.name, "Liz");
            assert_eq!(p.pet_type.as_deref(), Some("lizard"));
        }
        other => panic!("{other:?}"),
    }
    // Written back as it came.
    assert_eq!(
        serde_json::to_value(&pet).unwrap(),
        json!({"petType": "lizard", "name": "Liz"})
    );
    // No tag at all: the default too, and no tag is added when it is written.
    let pet: Pet = serde_json::from_value(json!({"name": "Nemo"})).unwrap();
    assert!(
        matches!(&pet, Pet::OtherPet(p) if p.pet_type.is_none()),
        "{pet:?}"
    );
    assert_eq!(serde_json::to_value(&pet).unwrap(), json!({"name": "Nemo"}));
    // Mapped tags still choose their variant.
    let pet: Pet = serde_json::from_value(json!({"petType": "cat", "name": "Tom"})).unwrap();
    assert!(matches!(pet, Pet::Cat(_)), "{pet:?}");
}

#[tokio::test]
async fn self_references_resolve_to_this_document() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/5"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": 5, "owner": {"name": "Ann"}, "friends": []})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = oas32_self::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    // `get_pet` takes an `i64` and returns `Pet` with a typed `owner`: the references through
    // `$self` resolved (as remote references they would be `serde_json::Value`).
    let pet: oas32_self::types::Pet = c.get_pet(5_i64).send().await.unwrap();
    let owner: Option<oas32_self::types::Owner> = pet.owner;
    assert_eq!(owner.and_then(|o| o.name).as_deref(), Some("Ann"));
}
