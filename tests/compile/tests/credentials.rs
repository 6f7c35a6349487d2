//! Every credential a spec names: the generated builder takes one credential per security
//! scheme, each operation sends what its own `security` requirement names (alternatives in
//! order, AND-combined schemes together, `security: []` anonymous), a missing credential fails
//! before sending with an error naming the scheme and its environment variable, and
//! `from_env()` reads one variable per scheme plus `<CRATE>_BASE_URL`.

use oagen_fixtures::auth_credential_params as fixture;
use oagen_runtime::Error;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn ok(server: &MockServer) {
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(server)
        .await;
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.remove(0)
}

fn header_of(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn query_of(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn weni_oidc_operation_sends_the_oidc_token_and_others_the_api_token() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v2/contacts_elastic.json"))
        .and(header("authorization", "Bearer oidc-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v2/contacts.json"))
        .and(header("authorization", "Token api-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"next": null, "previous": null, "results": []})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = weni::Client::builder()
        .api_key("api-1")
        .oidc_bearer("oidc-1")
        .base_url(server.uri())
        .build()
        .unwrap();
    client
        .search_contacts_elastic(uuid::Uuid::nil())
        .send()
        .await
        .unwrap();
    client.list_contacts().send().await.unwrap();
}

#[tokio::test]
async fn weni_missing_oidc_credential_fails_before_sending_naming_scheme_and_variable() {
    let server = MockServer::start().await;
    ok(&server).await;
    let client = weni::Client::builder()
        .token_auth("api-1")
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client
        .search_contacts_elastic(uuid::Uuid::nil())
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::InvalidRequest(message) => {
            assert!(message.contains("OidcBearer"), "{message}");
            assert!(message.contains("WENI_OIDC_TOKEN"), "{message}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn and_combined_schemes_are_sent_together() {
    let server = MockServer::start().await;
    ok(&server).await;
    let client = fixture::Client::builder()
        .key_header("h-1")
        .key_query("q-1")
        .key_cookie("c-1")
        .base_url(server.uri())
        .build()
        .unwrap();
    client.get_both().send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(header_of(&request, "x-api-key").as_deref(), Some("h-1"));
    assert_eq!(query_of(&request, "api_key").as_deref(), Some("q-1"));
    assert_eq!(header_of(&request, "cookie"), None);

    // One of the two missing: nothing is sent.
    let server = MockServer::start().await;
    ok(&server).await;
    let client = fixture::Client::builder()
        .key_header("h-1")
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client.get_both().send().await.unwrap_err();
    assert!(err.to_string().contains("KeyQuery"), "{err}");
    assert!(
        err.to_string().contains("AUTH_CREDENTIAL_PARAMS_KEY_QUERY"),
        "{err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn alternatives_are_tried_in_order() {
    // Both set: the first alternative (the cookie) only.
    let server = MockServer::start().await;
    ok(&server).await;
    let client = fixture::Client::builder()
        .key_query("q-1")
        .key_cookie("c-1")
        .base_url(server.uri())
        .build()
        .unwrap();
    client.get_either().send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(header_of(&request, "cookie").as_deref(), Some("sid=c-1"));
    assert_eq!(query_of(&request, "api_key"), None);

    // Only the second: it is used.
    let server = MockServer::start().await;
    ok(&server).await;
    let client = fixture::Client::builder()
        .key_query("q-2")
        .base_url(server.uri())
        .build()
        .unwrap();
    client.get_either().send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(query_of(&request, "api_key").as_deref(), Some("q-2"));
    assert_eq!(header_of(&request, "cookie"), None);
    assert_eq!(header_of(&request, "x-api-key"), None);
}

#[tokio::test]
async fn anonymous_operations_send_no_credential() {
    let server = MockServer::start().await;
    ok(&server).await;
    let client = fixture::Client::builder()
        .key_header("h-1")
        .key_query("q-1")
        .key_cookie("c-1")
        .base_url(server.uri())
        .build()
        .unwrap();
    client.get_public().send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(header_of(&request, "x-api-key"), None);
    assert_eq!(header_of(&request, "cookie"), None);
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn from_env_reads_one_variable_per_scheme_and_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v2/contacts_elastic.json"))
        .and(header("authorization", "Bearer oidc-env"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v2/contacts.json"))
        .and(header("authorization", "Token api-env"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"next": null, "previous": null, "results": []})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // The only test in this binary that touches these variables.
    std::env::set_var(weni::Client::BASE_URL_ENV, server.uri());
    std::env::set_var("WENI_API_TOKEN", "api-env");
    std::env::set_var("WENI_OIDC_TOKEN", " oidc-env ");
    let client = weni::Client::from_env().unwrap();
    std::env::remove_var("WENI_OIDC_TOKEN");
    let without_oidc = weni::Client::from_env().unwrap();
    std::env::remove_var("WENI_API_TOKEN");
    std::env::remove_var(weni::Client::BASE_URL_ENV);
    assert_eq!(weni::Client::BASE_URL_ENV, "WENI_BASE_URL");
    client
        .search_contacts_elastic(uuid::Uuid::nil())
        .send()
        .await
        .unwrap();
    client.list_contacts().send().await.unwrap();
    let err = without_oidc
        .search_contacts_elastic(uuid::Uuid::nil())
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("WENI_OIDC_TOKEN"), "{err}");
}
