//! Credentials on the wire, and secrets kept out of `Debug`, `Display` and errors.

use oagen_runtime::reqwest::Method;
use oagen_runtime::{Auth, ClientBuilder, Error, RetryPolicy, Secret};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SECRET: &str = "s3cr3t-Key_value.42";

async fn only_request(server: &MockServer) -> Request {
    let mut received = server.received_requests().await.unwrap_or_default();
    assert_eq!(received.len(), 1, "expected exactly one request");
    received.remove(0)
}

fn header_value(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn send_with(auth: Auth) -> (MockServer, Request) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let client = ClientBuilder::new(&server.uri())
        .auth(auth)
        .build()
        .expect("valid client");
    client
        .request(Method::GET, "/me")
        .cookie("lang", &"pt-BR")
        .send::<serde_json::Value>()
        .await
        .expect("200");
    let request = only_request(&server).await;
    (server, request)
}

#[tokio::test]
async fn bearer() {
    let (_s, req) = send_with(Auth::bearer(SECRET)).await;
    assert_eq!(
        header_value(&req, "authorization"),
        Some(format!("Bearer {SECRET}"))
    );
}

#[tokio::test]
async fn basic() {
    let (_s, req) = send_with(Auth::basic("ana@example.com", SECRET)).await;
    use base64::Engine as _;
    let expected =
        base64::engine::general_purpose::STANDARD.encode(format!("ana@example.com:{SECRET}"));
    assert_eq!(
        header_value(&req, "authorization"),
        Some(format!("Basic {expected}"))
    );
}

#[tokio::test]
async fn header_with_token_prefix() {
    // Weni: `Authorization: Token <key>`.
    let (_s, req) = send_with(Auth::header("Authorization", Some("Token"), SECRET)).await;
    assert_eq!(
        header_value(&req, "authorization"),
        Some(format!("Token {SECRET}"))
    );
}

#[tokio::test]
async fn header_without_prefix() {
    let (_s, req) = send_with(Auth::header("X-Api-Key", None, SECRET)).await;
    assert_eq!(header_value(&req, "x-api-key"), Some(SECRET.to_owned()));
    assert_eq!(header_value(&req, "authorization"), None);
}

#[tokio::test]
async fn query_parameter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("api_key", SECRET))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = ClientBuilder::new(&server.uri())
        .auth(Auth::query("api_key", SECRET))
        .build()
        .expect("valid client");
    client
        .request(Method::GET, "/me")
        // A caller-supplied value of the same name is replaced, never duplicated.
        .set_query("api_key", "other")
        .set_query("q", "x y")
        .send::<serde_json::Value>()
        .await
        .expect("200");
    let req = only_request(&server).await;
    assert_eq!(
        req.url.query(),
        Some(format!("q=x%20y&api_key={SECRET}").as_str())
    );
}

#[tokio::test]
async fn cookie_combined_with_cookie_parameters() {
    let (_s, req) = send_with(Auth::cookie("session", SECRET)).await;
    assert_eq!(
        header_value(&req, "cookie"),
        Some(format!("session={SECRET}; lang=pt-BR"))
    );
}

#[tokio::test]
async fn no_auth_sends_no_credentials() {
    let (_s, req) = send_with(Auth::None).await;
    assert_eq!(header_value(&req, "authorization"), None);
    assert_eq!(header_value(&req, "cookie"), Some("lang=pt-BR".to_owned()));
}

#[tokio::test]
async fn base_url_prefix_user_agent_and_default_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/meetings"))
        .and(header("x-tenant", "acme"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = ClientBuilder::new("https://unused.example")
        .base_url(format!("{}/api/v1/", server.uri()))
        .user_agent(oagen_runtime::user_agent("whereby", "0.3.0"))
        .default_header("X-Tenant", "acme")
        .default_header("X-Trace", "default")
        .build()
        .expect("valid client");
    assert_eq!(client.base_url(), format!("{}/api/v1", server.uri()));
    client
        .request(Method::GET, "/meetings")
        .extra_header("X-Trace", "caller")
        .send::<serde_json::Value>()
        .await
        .expect("200");
    let req = only_request(&server).await;
    let ua = header_value(&req, "user-agent").unwrap_or_default();
    assert!(ua.starts_with("whereby/0.3.0 oagen-runtime/"), "{ua}");
    assert_eq!(header_value(&req, "x-trace"), Some("caller".to_owned()));
}

#[tokio::test]
async fn default_user_agent() {
    let (_s, req) = send_with(Auth::None).await;
    assert_eq!(
        header_value(&req, "user-agent"),
        Some(format!("oagen-runtime/{}", oagen_runtime::VERSION))
    );
}

#[test]
fn invalid_configuration_is_rejected_at_build() {
    for builder in [
        ClientBuilder::new("not a url"),
        ClientBuilder::new("ftp://example.com"),
        ClientBuilder::new("https://example.com/v1?x=1"),
        ClientBuilder::new("https://user:pw@example.com"),
        ClientBuilder::new("https://example.com").default_header("X-Bad", "a\r\nInjected: 1"),
        ClientBuilder::new("https://example.com").default_header("Bad Name", "a"),
        ClientBuilder::new("https://example.com").auth(Auth::bearer("tok\nen")),
        ClientBuilder::new("https://example.com").auth(Auth::header("X Key", None, SECRET)),
        ClientBuilder::new("https://example.com").auth(Auth::cookie("a;b", SECRET)),
    ] {
        match builder.build() {
            Err(Error::InvalidRequest(message)) => assert!(!message.contains(SECRET), "{message}"),
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }
}

#[test]
fn debug_never_shows_the_secret() {
    let secret = Secret::from(SECRET);
    assert_eq!(format!("{secret:?}"), "***");
    assert_eq!(format!("{secret}"), "***");
    assert_eq!(secret.expose(), SECRET);

    for auth in [
        Auth::bearer(SECRET),
        Auth::basic("ana", SECRET),
        Auth::header("Authorization", Some("Token"), SECRET),
        Auth::query("api_key", SECRET),
        Auth::cookie("session", SECRET),
    ] {
        let auth_debug = format!("{auth:?}");
        assert!(!auth_debug.contains(SECRET), "{auth_debug}");
        let builder = ClientBuilder::new("https://api.example.com").auth(auth);
        let builder_debug = format!("{builder:?}");
        assert!(!builder_debug.contains(SECRET), "{builder_debug}");
        let client = builder.build().expect("valid client");
        let client_debug = format!("{client:?}");
        assert!(!client_debug.contains(SECRET), "{client_debug}");
        assert!(client_debug.contains("***"), "{client_debug}");
        let request_debug = format!("{:?}", client.request(Method::GET, "/x"));
        assert!(!request_debug.contains(SECRET), "{request_debug}");
    }
}

/// Every error kind, for every scheme, keeps the secret out of `Debug` and `Display`,
/// even when the server echoes it back.
#[tokio::test]
async fn errors_never_show_the_secret() {
    let server = MockServer::start().await;
    Mock::given(path("/echo"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_string(format!("{{\"detail\":\"Invalid token {SECRET}\"}}")),
        )
        .mount(&server)
        .await;
    Mock::given(path("/decode"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(format!("{{\"id\":\"{SECRET}\"}}")),
        )
        .mount(&server)
        .await;

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        format!("http://127.0.0.1:{port}")
    };

    for auth in [
        Auth::bearer(SECRET),
        Auth::basic("ana", SECRET),
        Auth::header("Authorization", Some("Token"), SECRET),
        Auth::query("api_key", SECRET),
        Auth::cookie("session", SECRET),
    ] {
        let client = ClientBuilder::new(&server.uri())
            .auth(auth.clone())
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("valid client");

        let api = client
            .request(Method::GET, "/echo")
            .send::<serde_json::Value>()
            .await
            .expect_err("401");
        assert_eq!(api.status().map(|s| s.as_u16()), Some(401));
        // The typed body is the caller's to read; the rendered error is scrubbed.
        assert!(api.body().is_some());
        check_clean(&api);

        #[derive(Debug, serde::Deserialize)]
        struct Numeric {
            #[allow(dead_code)]
            id: u64,
        }
        let decode = client
            .request(Method::GET, "/decode")
            .send::<serde_json::Value>()
            .await
            .expect("200")
            .json::<Numeric, serde_json::Value>()
            .expect_err("id is a string");
        check_clean(&decode);

        let transport = ClientBuilder::new(&closed)
            .auth(auth)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("valid client")
            .request(Method::GET, "/x")
            .send::<serde_json::Value>()
            .await
            .expect_err("nothing listens");
        assert!(matches!(transport, Error::Transport(_)), "{transport:?}");
        check_clean(&transport);
    }
}

fn check_clean(err: &Error) {
    let mut texts = vec![format!("{err}"), format!("{err:?}")];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        texts.push(format!("{s}"));
        texts.push(format!("{s:?}"));
        source = s.source();
    }
    for text in texts {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
}
