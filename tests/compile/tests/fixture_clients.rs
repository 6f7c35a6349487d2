//! Generated code for the focused fixtures against a local mock: every auth scheme's form,
//! and every pagination style driven through the generated builders across three pages
//! with an empty last page.

use futures::StreamExt;
use oagen_fixtures::*;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[tokio::test]
async fn basic_query_and_cookie_auth() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Basic dXNlcjpwYXNz"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "me"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = auth_http_basic::Client::builder()
        .basic_auth("user", "pass")
        .base_url(server.uri())
        .build()
        .unwrap();
    c.get_me().send().await.map(|_| ()).unwrap();

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("api_key", "q-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "me"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = auth_apikey_query::Client::builder()
        .api_key("q-key")
        .base_url(server.uri())
        .build()
        .unwrap();
    c.get_me().send().await.map(|_| ()).unwrap();

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(|r: &Request| {
            r.headers
                .get("cookie")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("sid=c-key"))
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "me"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = auth_apikey_cookie::Client::builder()
        .api_key("c-key")
        .base_url(server.uri())
        .build()
        .unwrap();
    c.get_me().send().await.map(|_| ()).unwrap();
}

#[tokio::test]
async fn offset_pagination() {
    let server = MockServer::start().await;
    let a = |id: i64| json!({"id": id, "period": "2020-01-01"});
    for (offset, body) in [
        ("0", json!({"count": 3, "results": [a(1), a(2)]})),
        ("2", json!({"count": 3, "results": [a(3)]})),
    ] {
        Mock::given(method("GET"))
            .and(path("/archives"))
            .and(query_param("offset", offset))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = pagination_offset::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let items: Vec<_> = c.list_archives().offset(0).items().collect().await;
    assert_eq!(
        items.into_iter().map(|i| i.unwrap().id).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
}

#[tokio::test]
async fn page_number_pagination_stops_on_an_empty_page() {
    let server = MockServer::start().await;
    let u = |n: u8| json!({"uuid": format!("00000000-0000-0000-0000-00000000000{n}")});
    // The first request leaves the page to the server's default; later ones count up from it.
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(|r: &Request| r.url.query().is_none())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [u(1)]})))
        .expect(2)
        .mount(&server)
        .await;
    for (page, body) in [
        ("2", json!({"results": [u(2)]})),
        ("3", json!({"results": []})),
    ] {
        Mock::given(method("GET"))
            .and(path("/contacts"))
            .and(query_param("page", page))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = pagination_page::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let pages: Vec<_> = c.list_contacts().pages().collect().await;
    assert_eq!(pages.len(), 3, "{pages:?}");
    let items: Vec<_> = c
        .list_contacts()
        .into_paginator()
        .max_items(1)
        .items()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
}

#[tokio::test]
async fn next_url_and_link_header_pagination() {
    let server = MockServer::start().await;
    let f = |n: u8| json!({"uuid": format!("00000000-0000-0000-0000-00000000000{n}"), "name": format!("f{n}")});
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/flows"))
        .and(|r: &Request| r.url.query().is_none())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"results": [f(1)], "next": format!("{base}/flows?cursor=b")}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/flows"))
        .and(query_param("cursor", "b"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"results": [f(2)], "next": format!("{base}/flows?cursor=c")}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/flows"))
        .and(query_param("cursor", "c"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"results": [], "next": null})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = pagination_next_url::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let items: Vec<_> = c.list_flows().items().collect().await;
    assert_eq!(items.len(), 2, "{items:?}");

    let server = MockServer::start().await;
    let base = server.uri();
    let commit = |s: &str| json!({"sha": s});
    Mock::given(method("GET"))
        .and(path("/commits"))
        .and(|r: &Request| r.url.query().is_none())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!("<{base}/commits?page=2>; rel=\"next\"").as_str(),
                )
                .set_body_json(json!([commit("a")])),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/commits"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!("<{base}/commits?page=3>; rel=\"next\"").as_str(),
                )
                .set_body_json(json!([commit("b")])),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/commits"))
        .and(query_param("page", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let c = pagination_link_header::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let shas: Vec<String> = c
        .list_commits()
        .items()
        .map(|r| r.unwrap().sha)
        .collect()
        .await;
    assert_eq!(shas, vec!["a", "b"]);
}

#[tokio::test]
async fn public_operations_send_no_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/status"))
        .and(|r: &Request| !r.headers.contains_key("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "ok"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", "Bearer b-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "me"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = auth_http_bearer::Client::builder()
        .api_key("b-key")
        .base_url(server.uri())
        .build()
        .unwrap();
    c.get_status().send().await.map(|_| ()).unwrap();
    c.get_me().send().await.map(|_| ()).unwrap();
}
