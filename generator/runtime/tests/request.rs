//! Request building and response handling against a local mock server: path and query
//! encoding, header checks, bodies, provider error shapes, decode errors, timeouts,
//! rate-limit headers, streaming and redirects.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use futures::StreamExt;
use oagen_runtime::reqwest::Method;
use oagen_runtime::{
    encode_path, path_param, Client, ClientBuilder, Envelope, Error, Multipart, QueryStyle,
    RetryPolicy,
};
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    ClientBuilder::new(&server.uri())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("valid client")
}

async fn any_ok(server: &MockServer) {
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(server)
        .await;
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

async fn error_for<E: serde::de::DeserializeOwned>(status: u16, body: &str) -> Error<E> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_raw(body.as_bytes().to_vec(), "application/json"),
        )
        .mount(&server)
        .await;
    client(&server)
        .request(Method::GET, "/x")
        .send::<E>()
        .await
        .expect_err("error status")
}

// ---------------------------------------------------------------- path encoding

#[tokio::test]
async fn hostile_path_values_stay_in_one_segment() {
    let server = MockServer::start().await;
    any_ok(&server).await;
    let client = client(&server);
    let cases = [
        ("../admin", "/api/files/..%2Fadmin"),
        ("a/b", "/api/files/a%2Fb"),
        ("x?y#z", "/api/files/x%3Fy%23z"),
        ("%2F", "/api/files/%252F"),
        ("a b&c=d", "/api/files/a%20b%26c%3Dd"),
        ("/room-prefix-1", "/api/files/%2Froom-prefix-1"),
    ];
    for (value, _) in cases {
        let segment = path_param(value).expect("encodable");
        client
            .request(Method::GET, &format!("/api/files/{segment}"))
            .send::<Value>()
            .await
            .expect("200");
    }
    let seen: Vec<(String, Option<String>)> = received(&server)
        .await
        .iter()
        .map(|r| (r.url.path().to_owned(), r.url.query().map(str::to_owned)))
        .collect();
    let expected: Vec<(String, Option<String>)> =
        cases.iter().map(|(_, p)| ((*p).to_owned(), None)).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn dot_segments_are_refused_before_sending() {
    let server = MockServer::start().await;
    any_ok(&server).await;
    assert!(matches!(path_param(".."), Err(Error::InvalidRequest(_))));
    assert!(matches!(path_param("."), Err(Error::InvalidRequest(_))));
    assert!(matches!(path_param(""), Err(Error::InvalidRequest(_))));
    // Even if a path is built by hand, with or without encode_path.
    let hand_made = [
        format!("/api/files/{}/x", encode_path("..")),
        format!("/api/files/{}/x", encode_path(".")),
        "/api/files/%2e%2E/x".to_owned(),
        "/api/files/.%2E".to_owned(),
    ];
    for raw in hand_made {
        let err = client(&server)
            .request(Method::GET, &raw)
            .send::<Value>()
            .await
            .expect_err("refused");
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }
    assert!(received(&server).await.is_empty());

    // `%2e%2E` as a *value* is encoded once more and stays a literal segment.
    client(&server)
        .request(
            Method::GET,
            &format!("/api/files/{}", path_param("%2e%2E").expect("ok")),
        )
        .send::<Value>()
        .await
        .expect("200");
    assert_eq!(
        received(&server).await[0].url.path(),
        "/api/files/%252e%252E"
    );
}

// ---------------------------------------------------------------- query styles

#[tokio::test]
async fn query_styles_on_the_wire() {
    let server = MockServer::start().await;
    any_ok(&server).await;
    client(&server)
        .request(Method::GET, "/insights/rooms")
        .query("ids", &["a b", "c,d"], QueryStyle::Form)
        .query(
            "fields",
            &["hostRoomUrl", "viewerRoomUrl"],
            QueryStyle::FormNoExplode,
        )
        .query("tags", &["x", "y"], QueryStyle::SpaceDelimited)
        .query("colors", &["red", "blue"], QueryStyle::PipeDelimited)
        .query(
            "roomName",
            &json!({"startsWith": "team"}),
            QueryStyle::DeepObject,
        )
        .query("missing", &None::<String>, QueryStyle::Form)
        .query("flag", &true, QueryStyle::Form)
        .send::<Value>()
        .await
        .expect("200");
    let req = &received(&server).await[0];
    assert_eq!(
        req.url.query(),
        Some("ids=a%20b&ids=c%2Cd&fields=hostRoomUrl,viewerRoomUrl&tags=x%20y&colors=red|blue&roomName[startsWith]=team&flag=true")
    );
}

#[tokio::test]
async fn header_and_cookie_parameters() {
    let server = MockServer::start().await;
    any_ok(&server).await;
    client(&server)
        .request(Method::GET, "/x")
        .header("X-Page-Size", &25)
        .header("X-Tags", &["a", "b"])
        .header("X-Absent", &None::<u8>)
        .cookie("pref", &"dark mode;x")
        .send::<Value>()
        .await
        .expect("200");
    let req = &received(&server).await[0];
    let h = |name: &str| {
        req.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(h("x-page-size").as_deref(), Some("25"));
    assert_eq!(h("x-tags").as_deref(), Some("a,b"));
    assert_eq!(h("x-absent"), None);
    assert_eq!(h("cookie").as_deref(), Some("pref=dark%20mode%3Bx"));
}

// ---------------------------------------------------------------- header injection

#[tokio::test]
async fn crlf_in_header_values_is_rejected_and_nothing_is_sent() {
    let server = MockServer::start().await;
    any_ok(&server).await;
    let client = client(&server);
    let attempts = [
        client
            .request(Method::GET, "/x")
            .header("X-Note", &"ok\r\nX-Injected: 1"),
        client
            .request(Method::GET, "/x")
            .header("X-Note", &"line\nbreak"),
        client
            .request(Method::GET, "/x")
            .extra_header("X-Note", "carriage\rreturn"),
        client.request(Method::GET, "/x").header("Bad Header", &"v"),
        client
            .request(Method::GET, "/x")
            .header("X-Nul", &"a\u{0}b"),
    ];
    for request in attempts {
        match request.send::<Value>().await {
            Err(Error::InvalidRequest(message)) => {
                assert!(!message.contains("Injected"), "{message}");
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }
    assert!(received(&server).await.is_empty());

    // Cookie values are percent-encoded instead, so a line break cannot escape either.
    client
        .request(Method::GET, "/x")
        .cookie("c", &"a\r\nSet: b")
        .send::<Value>()
        .await
        .expect("200");
    let req = &received(&server).await[0];
    assert_eq!(
        req.headers.get("cookie").and_then(|v| v.to_str().ok()),
        Some("c=a%0D%0ASet:%20b")
    );
}

// ---------------------------------------------------------------- bodies

#[tokio::test]
async fn json_form_text_bytes_and_multipart_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;
    let client = client(&server);

    client
        .request(Method::POST, "/j")
        .json(&json!({"endDate": "2030-01-01T00:00:00Z"}))
        .send::<Value>()
        .await
        .expect("json");
    client
        .request(Method::POST, "/f")
        .form(&[("a", "1 2"), ("b", "&")])
        .send::<Value>()
        .await
        .expect("form");
    client
        .request(Method::POST, "/t")
        .text("hello", "text/plain")
        .send::<Value>()
        .await
        .expect("text");
    client
        .request(Method::POST, "/b")
        .bytes(vec![0u8, 1, 2], "application/octet-stream")
        .send::<Value>()
        .await
        .expect("bytes");
    client
        .request(Method::POST, "/m")
        .multipart(Multipart::new().text("title", "Logo").bytes(
            "image",
            vec![0x89, 0x50, 0x4e, 0x47],
            Some("logo.png".into()),
            Some("image/png".into()),
        ))
        .send::<Value>()
        .await
        .expect("multipart");

    let reqs = received(&server).await;
    let ct = |r: &Request| {
        r.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(ct(&reqs[0]), "application/json");
    assert_eq!(reqs[0].body, br#"{"endDate":"2030-01-01T00:00:00Z"}"#);
    assert_eq!(ct(&reqs[1]), "application/x-www-form-urlencoded");
    assert_eq!(reqs[1].body, b"a=1+2&b=%26");
    assert_eq!(ct(&reqs[2]), "text/plain");
    assert_eq!(reqs[2].body, b"hello");
    assert_eq!(ct(&reqs[3]), "application/octet-stream");
    assert_eq!(reqs[3].body, [0u8, 1, 2]);
    assert!(ct(&reqs[4]).starts_with("multipart/form-data; boundary="));
    let body = String::from_utf8_lossy(&reqs[4].body);
    assert!(body.contains("name=\"title\"\r\n\r\nLogo"), "{body}");
    assert!(
        body.contains("name=\"image\"; filename=\"logo.png\"\r\nContent-Type: image/png"),
        "{body}"
    );
}

#[tokio::test(start_paused = true)]
async fn multipart_body_is_rebuilt_for_a_retry() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = ClientBuilder::new(&server.uri())
        .http_client(
            oagen_runtime::reqwest::Client::builder()
                .pool_idle_timeout(None)
                .build()
                .expect("reqwest"),
        )
        .build()
        .expect("valid client");
    #[derive(serde::Serialize)]
    struct Theme {
        theme: &'static str,
        palette: Option<&'static str>,
        count: u8,
    }
    let form = Multipart::from_serialize(&Theme {
        theme: "default",
        palette: None,
        count: 2,
    })
    .expect("object");
    let response = client
        .request(Method::PUT, "/rooms/%2Fteam/theme/logo")
        .multipart(form)
        .send::<Value>()
        .await
        .expect("retried");
    assert_eq!(response.status(), 204);
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    for req in &reqs {
        let body = String::from_utf8_lossy(&req.body);
        assert!(body.contains("name=\"theme\"\r\n\r\ndefault"), "{body}");
        assert!(body.contains("name=\"count\"\r\n\r\n2"), "{body}");
        assert!(!body.contains("palette"), "{body}");
    }
}

// ---------------------------------------------------------------- provider error bodies

#[tokio::test]
async fn weflow_error_body() {
    #[derive(Debug, Deserialize)]
    struct WeflowError {
        error: WeflowErrorDetail,
    }
    #[derive(Debug, Deserialize)]
    struct WeflowErrorDetail {
        code: String,
        message: String,
    }
    let err = error_for::<WeflowError>(
        401,
        r#"{"error":{"code":"UNAUTHORIZED","message":"Invalid API key"}}"#,
    )
    .await;
    let body = err.body().expect("typed body");
    assert_eq!(body.error.code, "UNAUTHORIZED");
    assert_eq!(body.error.message, "Invalid API key");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.to_string().contains("401"), "{err}");
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
enum WeniError {
    Detail { detail: String },
    Fields(BTreeMap<String, Vec<String>>),
}

#[tokio::test]
async fn weni_detail_error_body() {
    let err = error_for::<WeniError>(403, r#"{"detail": "Invalid token"}"#).await;
    assert_eq!(
        err.body(),
        Some(&WeniError::Detail {
            detail: "Invalid token".into()
        })
    );
}

#[tokio::test]
async fn weni_field_map_error_body() {
    let err = error_for::<WeniError>(
        400,
        r#"{"text": ["This field is required."], "non_field_errors": ["Request body should be a single JSON object"]}"#,
    )
    .await;
    match err.body() {
        Some(WeniError::Fields(fields)) => {
            assert_eq!(fields["text"], ["This field is required."]);
            assert_eq!(fields.len(), 2);
        }
        other => panic!("expected a field map, got {other:?}"),
    }
}

#[tokio::test]
async fn whereby_rate_limit_error_body() {
    #[derive(Debug, Deserialize)]
    struct WherebyError {
        error: String,
        data: Option<WherebyData>,
    }
    #[derive(Debug, Deserialize)]
    struct WherebyData {
        #[serde(rename = "msLeft", alias = "ms_left")]
        ms_left: u64,
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "39")
                .insert_header("X-RateLimit-Limit", "1000")
                .insert_header("X-RateLimit-Remaining", "0")
                .set_body_json(json!({"error": "Rate limit active for throttle key: organization:1", "data": {"msLeft": 38689}})),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .request(Method::GET, "/meetings")
        .send::<WherebyError>()
        .await
        .expect_err("429");
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(39)));
    assert_eq!(err.rate_limit().and_then(|r| r.remaining), Some(0));
    assert_eq!(err.rate_limit().and_then(|r| r.limit), Some(1000));
    let body = err.body().expect("typed body");
    assert!(body.error.starts_with("Rate limit active"));
    assert_eq!(body.data.as_ref().map(|d| d.ms_left), Some(38689));
}

#[tokio::test]
async fn warpflow_error_body() {
    #[derive(Debug, Deserialize)]
    struct WarpflowError {
        error: String,
        message: String,
        status: u16,
    }
    let err = error_for::<WarpflowError>(
        400,
        r#"{"error":"VALIDATION_ERROR","message":"content.body is required","status":400}"#,
    )
    .await;
    let body = err.body().expect("typed body");
    assert_eq!(body.error, "VALIDATION_ERROR");
    assert_eq!(body.message, "content.body is required");
    assert_eq!(body.status, 400);
}

#[tokio::test]
async fn non_json_error_body_is_kept_raw() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("x-request-id", "req-77")
                .set_body_string("Server Error. Site administrators have been notified."),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .request(Method::GET, "/x")
        .send::<WeniError>()
        .await
        .expect_err("500");
    let api = err.api_error().expect("API error");
    assert!(api.body().is_none());
    assert_eq!(
        api.raw_body().as_ref(),
        b"Server Error. Site administrators have been notified."
    );
    assert_eq!(api.request_id(), Some("req-77"));
    assert!(err.to_string().contains("Server Error."), "{err}");
    // The raw body can still be read as another type later.
    let as_value: Error<Value> = err.reparse_body();
    assert!(as_value.body().is_none());
}

#[tokio::test]
async fn map_and_reparse_body() {
    let err = error_for::<Value>(404, r#"{"detail":"Not found."}"#).await;
    let typed: Error<WeniError> = err.reparse_body();
    assert_eq!(
        typed.body(),
        Some(&WeniError::Detail {
            detail: "Not found.".into()
        })
    );
    let mapped = typed.map_body(|_| "mapped");
    assert_eq!(mapped.body(), Some(&"mapped"));
}

// ---------------------------------------------------------------- decoding success bodies

#[derive(Debug, Deserialize)]
struct Listing {
    #[allow(dead_code)]
    items: Vec<Row>,
}

#[derive(Debug, Deserialize)]
struct Row {
    #[allow(dead_code)]
    id: u64,
}

#[tokio::test]
async fn decode_error_names_the_path_and_carries_a_snippet() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [{"id": 1}, {"id": 2}, {"id": "3"}]})),
        )
        .mount(&server)
        .await;
    let response = client(&server)
        .request(Method::GET, "/x")
        .send::<Value>()
        .await
        .expect("200");
    let err = response
        .json::<Listing, Value>()
        .expect_err("id is a string");
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.path(), "items[2].id");
            assert!(
                decode.message().contains("invalid type"),
                "{}",
                decode.message()
            );
            assert!(
                decode.snippet().starts_with(r#"{"items":[{"id":1}"#),
                "{}",
                decode.snippet()
            );
            assert_eq!(decode.status().map(|s| s.as_u16()), Some(200));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("items[2].id"), "{text}");
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn long_bodies_are_snipped() {
    let server = MockServer::start().await;
    let long = format!("[{}]", vec!["1"; 2000].join(","));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(long))
        .mount(&server)
        .await;
    let response = client(&server)
        .request(Method::GET, "/x")
        .send::<Value>()
        .await
        .expect("200");
    match response.json::<Vec<String>, Value>() {
        Err(Error::Decode(decode)) => {
            assert_eq!(decode.path(), "[0]");
            assert!(decode.snippet().chars().count() <= 201);
            assert!(decode.snippet().ends_with('…'));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn enveloped_and_empty_bodies() {
    let server = MockServer::start().await;
    Mock::given(path("/ok"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"success": true, "data": {"items": [{"id": 7}]}})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/bad"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"success": true, "data": {"items": [{"id": -1}]}})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/refused"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"success": false, "error": "CONFLICT", "message": "exists"})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/empty"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let envelope = Envelope {
        data_field: "data",
        success_field: Some("success"),
    };
    let client = client(&server);

    let ok = client
        .request(Method::GET, "/ok")
        .send::<Value>()
        .await
        .expect("200");
    let listing: Listing = ok
        .json_enveloped::<Listing, Value>(&envelope)
        .expect("decodes");
    assert_eq!(listing.items.len(), 1);
    let response = ok.into_response(listing);
    assert_eq!(response.status(), 200);
    assert_eq!(response.items.len(), 1);

    let bad = client
        .request(Method::GET, "/bad")
        .send::<Value>()
        .await
        .expect("200");
    match bad.json_enveloped::<Listing, Value>(&envelope) {
        Err(Error::Decode(decode)) => assert_eq!(decode.path(), "data.items[0].id"),
        other => panic!("expected a decode error, got {other:?}"),
    }

    let refused = client
        .request(Method::GET, "/refused")
        .send::<Value>()
        .await
        .expect("200");
    match refused.json_enveloped::<Listing, Value>(&envelope) {
        Err(Error::Api(api)) => assert_eq!(
            api.body().and_then(|b| b["error"].as_str()),
            Some("CONFLICT")
        ),
        other => panic!("expected an API error, got {other:?}"),
    }

    let empty = client
        .request(Method::GET, "/empty")
        .send::<Value>()
        .await
        .expect("204");
    empty
        .json::<(), Value>()
        .expect("an empty body decodes as unit");
    assert_eq!(
        empty
            .json::<Option<Row>, Value>()
            .ok()
            .flatten()
            .map(|r| r.id),
        None
    );
    assert_eq!(empty.text::<Value>().ok().as_deref(), Some(""));
}

// ---------------------------------------------------------------- timeouts

#[tokio::test]
async fn slow_response_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(800)))
        .mount(&server)
        .await;
    let client = ClientBuilder::new(&server.uri())
        .timeout(Duration::from_millis(100))
        .build()
        .expect("valid client");
    let started = std::time::Instant::now();
    let err = client
        .request(Method::GET, "/slow")
        .send::<Value>()
        .await
        .expect_err("too slow");
    assert!(err.is_timeout(), "{err:?}");
    match &err {
        Error::Timeout(timeout) => {
            assert_eq!(timeout.after(), Some(Duration::from_millis(100)));
            assert!(!timeout.is_connect());
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    // Timeouts are not retried.
    assert!(started.elapsed() < Duration::from_millis(700));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn per_request_timeout_wins() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    let strict = ClientBuilder::new(&server.uri())
        .timeout(Duration::from_millis(50))
        .build()
        .expect("valid client");
    strict
        .request(Method::GET, "/slow")
        .timeout(Duration::from_secs(5))
        .send::<Value>()
        .await
        .expect("the longer per-request timeout applies");

    let relaxed = ClientBuilder::new(&server.uri())
        .build()
        .expect("valid client");
    let err = relaxed
        .request(Method::GET, "/slow")
        .timeout(Duration::from_millis(50))
        .send::<Value>()
        .await
        .expect_err("the shorter per-request timeout applies");
    assert!(err.is_timeout());
}

#[tokio::test]
async fn timeout_applies_to_injected_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;
    let client = ClientBuilder::new(&server.uri())
        .http_client(oagen_runtime::reqwest::Client::new())
        .timeout(Duration::from_millis(50))
        .build()
        .expect("valid client");
    let err = client
        .request(Method::GET, "/slow")
        .send::<Value>()
        .await
        .expect_err("timeout");
    assert!(err.is_timeout(), "{err:?}");
}

// ---------------------------------------------------------------- rate limits and metadata

#[tokio::test]
async fn rate_limit_headers_on_success() {
    let server = MockServer::start().await;
    let reset = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(60));
    Mock::given(path("/a"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-RateLimit-Limit", "1000")
                .insert_header("X-RateLimit-Remaining", "998")
                .insert_header("X-RateLimit-Reset", reset.as_str())
                .insert_header("request-id", "abc"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/b"))
        .respond_with(ResponseTemplate::new(200).insert_header("X-RateLimit-Reset", "30"))
        .mount(&server)
        .await;
    Mock::given(path("/c"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client(&server);

    let a = client
        .request(Method::GET, "/a")
        .send::<Value>()
        .await
        .expect("200");
    let rl = a.rate_limit().expect("rate limit");
    assert_eq!((rl.limit, rl.remaining), (Some(1000), Some(998)));
    let until_reset = rl.reset_after().unwrap_or_default();
    assert!(
        until_reset > Duration::from_secs(55) && until_reset <= Duration::from_secs(60),
        "{until_reset:?}"
    );
    let response = a.into_response(());
    assert_eq!(response.request_id(), Some("abc"));
    assert_eq!(response.rate_limit().and_then(|r| r.remaining), Some(998));

    let b = client
        .request(Method::GET, "/b")
        .send::<Value>()
        .await
        .expect("200");
    let reset_after = b
        .rate_limit()
        .and_then(|r| r.reset_after())
        .unwrap_or_default();
    assert!(reset_after > Duration::from_secs(28) && reset_after <= Duration::from_secs(30));

    let c = client
        .request(Method::GET, "/c")
        .send::<Value>()
        .await
        .expect("200");
    assert_eq!(c.rate_limit(), None);
}

// ---------------------------------------------------------------- streaming

#[tokio::test]
async fn streaming_success_and_error() {
    let server = MockServer::start().await;
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(path("/download"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(payload.clone()))
        .mount(&server)
        .await;
    Mock::given(path("/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."})))
        .mount(&server)
        .await;
    let client = client(&server);

    let response = client
        .request(Method::GET, "/download")
        .send_streaming::<Value>()
        .await
        .expect("200");
    assert_eq!(response.status(), 200);
    assert_eq!(response.content_length(), Some(200_000));
    let mut stream = response.into_stream();
    let mut total = Vec::new();
    while let Some(chunk) = stream.next().await {
        total.extend_from_slice(&chunk.expect("chunk"));
    }
    assert_eq!(total, payload);

    let collected = client
        .request(Method::GET, "/download")
        .send_streaming::<Value>()
        .await
        .expect("200")
        .into_stream()
        .collect()
        .await
        .expect("body");
    assert_eq!(collected.len(), 200_000);

    let err = client
        .request(Method::GET, "/missing")
        .send_streaming::<WeniError>()
        .await
        .expect_err("404");
    assert_eq!(
        err.body(),
        Some(&WeniError::Detail {
            detail: "Not found.".into()
        })
    );
}

// ---------------------------------------------------------------- redirects

#[tokio::test]
async fn redirects_stay_on_the_origin() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    any_ok(&elsewhere).await;
    Mock::given(path("/same"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/target"))
        .mount(&server)
        .await;
    Mock::given(path("/target"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"here": true})))
        .mount(&server)
        .await;
    Mock::given(path("/away"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/steal", elsewhere.uri()).as_str()),
        )
        .mount(&server)
        .await;
    let client = ClientBuilder::new(&server.uri())
        .auth(oagen_runtime::Auth::header("X-Api-Key", None, "k"))
        .build()
        .expect("valid client");

    let same = client
        .request(Method::GET, "/same")
        .send::<Value>()
        .await
        .expect("followed");
    assert_eq!(
        same.json::<Value, Value>().ok(),
        Some(json!({"here": true}))
    );

    let away = client
        .request(Method::GET, "/away")
        .send::<Value>()
        .await
        .expect_err("a cross-origin redirect is an error");
    let Error::Redirect(redirect) = &away else {
        panic!("expected a redirect error, got {away:?}");
    };
    assert_eq!(redirect.status(), 302);
    assert!(redirect.is_cross_origin());
    assert_eq!(redirect.location(), format!("{}/steal", elsewhere.uri()));
    let text = away.to_string();
    assert!(text.contains("another origin"), "{text}");
    assert!(text.contains("not followed"), "{text}");
    assert!(received(&elsewhere).await.is_empty());
}

// ---------------------------------------------------------------- error body cap

#[tokio::test]
async fn error_bodies_are_read_up_to_the_cap() {
    let server = MockServer::start().await;
    let page = format!("<html>{}</html>", "x".repeat(3 * 1024 * 1024));
    Mock::given(path("/huge"))
        .respond_with(ResponseTemplate::new(500).set_body_string(page.clone()))
        .mount(&server)
        .await;
    Mock::given(path("/small"))
        .respond_with(ResponseTemplate::new(400).set_body_string("{\"a\":1}"))
        .mount(&server)
        .await;
    let default = ClientBuilder::new(&server.uri())
        .retry_policy(oagen_runtime::RetryPolicy::disabled())
        .build()
        .expect("valid client");
    let err = default
        .request(Method::GET, "/huge")
        .send::<Value>()
        .await
        .expect_err("500");
    let api = err.api_error().expect("an API error");
    assert_eq!(api.raw_body().len(), 1024 * 1024);
    assert!(api.is_body_truncated());
    assert!(page.as_bytes().starts_with(api.raw_body()));
    assert!(err.to_string().contains("truncated"), "{err}");

    let small_cap = ClientBuilder::new(&server.uri())
        .retry_policy(oagen_runtime::RetryPolicy::disabled())
        .max_error_body(10)
        .build()
        .expect("valid client");
    let err = small_cap
        .request(Method::GET, "/huge")
        .send::<Value>()
        .await
        .expect_err("500");
    assert_eq!(err.api_error().map(|a| a.raw_body().len()), Some(10));
    // A body within the cap is whole, not marked and parsed.
    let err = small_cap
        .request(Method::GET, "/small")
        .send::<Value>()
        .await
        .expect_err("400");
    let api = err.api_error().expect("an API error");
    assert!(!api.is_body_truncated());
    assert_eq!(api.body(), Some(&json!({"a": 1})));
}

// ---------------------------------------------------------------- misc

#[test]
fn client_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Client>();
    assert_send_sync::<oagen_runtime::RequestBuilder>();
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<Error>();
    assert_error::<Error<WeniErrorForBounds>>();

    // The futures generated code awaits can move between threads.
    fn assert_send<T: Send>(_: &T) {}
    let client = ClientBuilder::new("https://api.example.com")
        .build()
        .expect("valid client");
    let send = client.request(Method::GET, "/x").send::<Value>();
    assert_send(&send);
    let streaming = client.request(Method::GET, "/x").send_streaming::<Value>();
    assert_send(&streaming);
}

#[derive(Debug)]
struct WeniErrorForBounds;

#[test]
fn base_url_path_prefix_is_kept() {
    let client = ClientBuilder::new("https://api.getweflow.app/api/v1/")
        .build()
        .expect("valid client");
    assert_eq!(client.base_url(), "https://api.getweflow.app/api/v1");
}

#[tokio::test]
async fn a_file_part_without_a_content_type_is_sent_as_octet_stream() {
    // Prism's multipart parser (and RFC 7578 readers) need a Content-Type on file parts;
    // OpenAPI's default for a binary property is application/octet-stream.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = ClientBuilder::new(&server.uri())
        .build()
        .expect("valid client");
    client
        .request(Method::POST, "/uploads")
        .multipart(Multipart::new().text("title", "Logo").bytes(
            "file",
            vec![1u8, 2, 3],
            Some("file".into()),
            None,
        ))
        .send::<Value>()
        .await
        .expect("multipart");
    let reqs = received(&server).await;
    let body = String::from_utf8_lossy(&reqs[0].body);
    assert!(
        body.contains(
            "name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        ),
        "{body}"
    );
    assert!(body.contains("name=\"title\"\r\n\r\nLogo"), "{body}");
}
