//! Secrets never show: every way a credential can enter a generated client (the client's own
//! credential, its builder, a per-request header, a default header, query and cookie API keys,
//! and operation parameters a security scheme names) is masked as `***` in `Debug` and
//! `Display` output.

use oagen_fixtures::{auth_apikey_cookie, auth_apikey_query, auth_credential_params};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "hunter2-very-secret";

#[track_caller]
fn masked(what: &str, shown: &str) {
    assert!(!shown.contains(SECRET), "{what} shows the secret: {shown}");
    assert!(
        !shown.contains("hunter2"),
        "{what} shows the secret: {shown}"
    );
}

#[track_caller]
fn masked_with_stars(what: &str, shown: &str) {
    masked(what, shown);
    assert!(shown.contains("***"), "{what} should show `***`: {shown}");
}

#[test]
fn the_clients_credential_in_client_and_builder() {
    let builder = whereby::Client::builder().api_key(SECRET);
    masked("whereby builder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    masked_with_stars("whereby client", &format!("{client:?}"));
    let client = weni::Client::new(SECRET).unwrap();
    masked_with_stars("weni client", &format!("{client:?}"));
    let request = client.list_contacts();
    masked("weni request builder", &format!("{request:?}"));
}

#[test]
fn per_request_credential_headers() {
    let client = whereby::Client::new("k").unwrap();
    for name in [
        "Authorization",
        "authorization",
        "Proxy-Authorization",
        "Cookie",
    ] {
        let request = client
            .get_meeting("m1")
            .header(name, format!("Bearer {SECRET}"))
            .header("X-Trace", "visible");
        let shown = format!("{request:?}");
        masked_with_stars(name, &shown);
        assert!(shown.contains("visible"), "{shown}");
    }
    // A header a security scheme names, in any case.
    let client = auth_credential_params::Client::builder().build().unwrap();
    for name in ["X-Api-Key", "x-api-key"] {
        let request = client.get_thing("t").header(name, SECRET);
        masked_with_stars(name, &format!("{request:?}"));
    }
}

#[test]
fn parameters_a_security_scheme_names() {
    let client = auth_credential_params::Client::builder().build().unwrap();
    let request = client
        .get_thing("t")
        .x_api_key(SECRET)
        .api_key(SECRET)
        .sid(SECRET)
        .proxy_authorization(SECRET)
        .x_trace("visible-trace");
    let shown = format!("{request:?}");
    masked_with_stars("credential parameters", &shown);
    assert!(shown.contains("visible-trace"), "{shown}");
}

#[tokio::test]
async fn default_headers_in_debug_and_in_echoed_error_bodies() {
    let server = MockServer::start().await;
    // A server that echoes the credential back in its error body.
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": {"message": format!("bad token Bearer {SECRET}")}})),
        )
        .mount(&server)
        .await;
    let builder = whereby::Client::builder()
        .base_url(server.uri())
        .default_header("Authorization", format!("Bearer {SECRET}"));
    masked("builder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    masked("client", &format!("{client:?}"));
    let err = client.get_meeting("m1").send().await.unwrap_err();
    masked_with_stars("error Display", &err.to_string());
    masked_with_stars("error Debug", &format!("{err:?}"));

    // The API's own credential header, as a default header.
    let client = auth_credential_params::Client::builder()
        .base_url(server.uri())
        .default_header("X-Api-Key", SECRET)
        .build()
        .unwrap();
    let err = client.get_thing("t").send().await.unwrap_err();
    masked_with_stars("apiKey header echoed", &err.to_string());
}

#[tokio::test]
async fn per_request_credential_headers_echoed_in_error_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"detail": format!("token {SECRET} may not read this")})),
        )
        .mount(&server)
        .await;
    let client = whereby::Client::builder()
        .base_url(server.uri())
        .api_key("client-key")
        .build()
        .unwrap();
    // A credential set for one request only, as a header and as an extra header.
    let err = client
        .get_meeting("m1")
        .header("Authorization", format!("Bearer {SECRET}"))
        .send()
        .await
        .unwrap_err();
    masked_with_stars("per-request header echoed (Display)", &err.to_string());
    masked_with_stars("per-request header echoed (Debug)", &format!("{err:?}"));
    let client = auth_credential_params::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client
        .get_thing("t")
        .header("x-api-key", SECRET)
        .send()
        .await
        .unwrap_err();
    masked_with_stars("a scheme's header, per request", &err.to_string());
}

#[tokio::test]
async fn query_api_keys() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string(format!("key was {SECRET}")))
        .mount(&server)
        .await;
    let builder = auth_apikey_query::Client::builder()
        .api_key(SECRET)
        .base_url(server.uri())
        .retry_policy(oagen_runtime::RetryPolicy::disabled());
    masked("builder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    masked_with_stars("client", &format!("{client:?}"));
    let err = client.get_me().send().await.unwrap_err();
    masked_with_stars("error Display", &err.to_string());
    masked_with_stars("error Debug", &format!("{err:?}"));
    let url = err
        .api_error()
        .map(|e| e.url().to_owned())
        .unwrap_or_default();
    assert!(url.contains("api_key=***"), "{url}");
}

#[tokio::test]
async fn cookie_api_keys() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_string(format!("sid={SECRET}")))
        .mount(&server)
        .await;
    let builder = auth_apikey_cookie::Client::builder()
        .api_key(SECRET)
        .base_url(server.uri());
    masked("builder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    masked_with_stars("client", &format!("{client:?}"));
    let err = client.get_me().send().await.unwrap_err();
    masked_with_stars("error Display", &err.to_string());
    masked("request builder", &format!("{:?}", client.get_me()));
}
