//! Every pagination style over several pages, end signals, caps and origin checks.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use oagen_runtime::reqwest::Method;
use oagen_runtime::{
    Auth, Client, ClientBuilder, Envelope, Error, PageSpec, Pagination, Paginator, QueryStyle,
    RetryPolicy,
};
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Item {
    id: u32,
}

fn items(ids: &[u32]) -> Value {
    Value::Array(ids.iter().map(|id| json!({ "id": id })).collect())
}

fn client(server: &MockServer) -> Client {
    ClientBuilder::new(&server.uri())
        .auth(Auth::header("Authorization", Some("Token"), "k-123"))
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .expect("valid client")
}

async fn serve(server: &MockServer, mock: MockBuilder, body: Value) {
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// The query strings the server saw, in order.
async fn queries(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect()
}

async fn collect_ids<E: std::fmt::Debug>(
    stream: impl futures::Stream<Item = Result<Item, Error<E>>>,
) -> Vec<u32> {
    stream
        .map(|r| r.expect("item").id)
        .collect::<Vec<_>>()
        .await
}

const WEFLOW: PageSpec = PageSpec {
    pagination: Pagination::Cursor {
        cursor_param: "cursor",
        cursor_field: "nextCursor",
        has_more_field: Some("hasMore"),
    },
    items: "data",
    envelope: None,
};

async fn weflow_server() -> MockServer {
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(path("/recordings")).and(query_param_is_missing("cursor")),
        json!({"data": items(&[1, 2]), "total": 5, "nextCursor": "c2", "hasMore": true}),
    )
    .await;
    serve(
        &server,
        Mock::given(path("/recordings")).and(query_param("cursor", "c2")),
        json!({"data": items(&[3, 4]), "total": 5, "nextCursor": "c3", "hasMore": true}),
    )
    .await;
    serve(
        &server,
        Mock::given(path("/recordings")).and(query_param("cursor", "c3")),
        // An empty page ends the walk even though the server claims more.
        json!({"data": [], "total": 5, "nextCursor": "c4", "hasMore": true}),
    )
    .await;
    server
}

#[tokio::test]
async fn cursor_until_empty_page() {
    let server = weflow_server().await;
    let request = client(&server)
        .request(Method::GET, "/recordings")
        .query("status", &"done", QueryStyle::Form)
        .query("limit", &2, QueryStyle::Form);
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, WEFLOW).items()).await;
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(
        queries(&server).await,
        [
            "status=done&limit=2",
            "status=done&limit=2&cursor=c2",
            "status=done&limit=2&cursor=c3"
        ]
    );
}

#[tokio::test]
async fn cursor_pages_decode_as_page_type() {
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Page {
        data: Vec<Item>,
        next_cursor: Option<String>,
        has_more: bool,
    }
    let server = weflow_server().await;
    let request = client(&server).request(Method::GET, "/recordings");
    let pages: Vec<Page> = Paginator::<Page, Item, Value>::new(request, WEFLOW)
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].data, [Item { id: 1 }, Item { id: 2 }]);
    assert_eq!(pages[1].next_cursor.as_deref(), Some("c3"));
    assert!(pages[2].data.is_empty() && pages[2].has_more);
}

#[tokio::test]
async fn cursor_has_more_false_ends() {
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(query_param_is_missing("cursor")),
        json!({"data": items(&[1]), "nextCursor": "a", "hasMore": true}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("cursor", "a")),
        json!({"data": items(&[2]), "nextCursor": "b", "hasMore": true}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("cursor", "b")),
        json!({"data": items(&[3]), "nextCursor": "c", "hasMore": false}),
    )
    .await;
    let request = client(&server).request(Method::GET, "/recordings");
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, WEFLOW).items()).await;
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(queries(&server).await.len(), 3);
}

#[tokio::test]
async fn cursor_null_ends_whereby() {
    let spec = PageSpec {
        pagination: Pagination::Cursor {
            cursor_param: "cursor",
            cursor_field: "cursor",
            has_more_field: None,
        },
        items: "results",
        envelope: None,
    };
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(query_param("cursor", "x0")),
        json!({"results": items(&[1, 2]), "cursor": "x1"}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("cursor", "x1")),
        json!({"results": items(&[3]), "cursor": "x2"}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("cursor", "x2")),
        json!({"results": items(&[4]), "cursor": null}),
    )
    .await;
    // Resuming from a cursor the caller kept: the walk replaces it on every page.
    let request = client(&server)
        .request(Method::GET, "/meetings")
        .query("cursor", &Some("x0"), QueryStyle::Form)
        .query("limit", &50, QueryStyle::Form);
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, spec).items()).await;
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(
        queries(&server).await,
        [
            "cursor=x0&limit=50",
            "limit=50&cursor=x1",
            "limit=50&cursor=x2"
        ]
    );
}

#[tokio::test]
async fn cursor_with_envelope_warpflow() {
    let spec = PageSpec {
        pagination: Pagination::Cursor {
            cursor_param: "cursor",
            cursor_field: "cursor",
            has_more_field: Some("has_more"),
        },
        items: "items",
        envelope: Some(Envelope {
            data_field: "data",
            success_field: Some("success"),
        }),
    };
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(query_param_is_missing("cursor")),
        json!({"success": true, "data": {"items": items(&[1, 2]), "cursor": "n1", "has_more": true}}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("cursor", "n1")),
        json!({"success": true, "data": {"items": items(&[3]), "cursor": "n2", "has_more": true}}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("cursor", "n2")),
        json!({"success": true, "data": {"items": [], "cursor": null, "has_more": false}}),
    )
    .await;
    let request = client(&server).request(Method::GET, "/tenants/acme/contacts");
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, spec).items()).await;
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(queries(&server).await.len(), 3);
}

#[tokio::test]
async fn envelope_success_false_is_an_api_error() {
    let spec = PageSpec {
        pagination: Pagination::Cursor {
            cursor_param: "cursor",
            cursor_field: "cursor",
            has_more_field: None,
        },
        items: "items",
        envelope: Some(Envelope {
            data_field: "data",
            success_field: Some("success"),
        }),
    };
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(method("GET")),
        json!({"success": false, "error": "FORBIDDEN", "message": "nope", "status": 403}),
    )
    .await;
    let request = client(&server).request(Method::GET, "/x");
    let results: Vec<_> = Paginator::<Value, Item, Value>::new(request, spec)
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    match &results[0] {
        Err(Error::Api(api)) => {
            assert_eq!(api.status(), 200);
            assert_eq!(
                api.body().and_then(|b| b["error"].as_str()),
                Some("FORBIDDEN")
            );
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

const WENI: PageSpec = PageSpec {
    pagination: Pagination::NextUrl { next_field: "next" },
    items: "results",
    envelope: None,
};

#[tokio::test]
async fn next_url_is_followed_as_given() {
    let server = MockServer::start().await;
    let uri = server.uri();
    serve(
        &server,
        Mock::given(path("/api/v2/contacts.json"))
            .and(query_param_is_missing("cursor"))
            .and(header("authorization", "Token k-123")),
        json!({
            "next": format!("{uri}/api/v2/contacts.json?cursor=cD0y&group=vip"),
            "previous": null,
            "results": items(&[1, 2]),
        }),
    )
    .await;
    serve(
        &server,
        Mock::given(path("/api/v2/contacts.json"))
            .and(query_param("cursor", "cD0y"))
            .and(header("authorization", "Token k-123")),
        json!({
            "next": format!("{uri}/api/v2/contacts.json?cursor=cD0z&group=vip"),
            "previous": format!("{uri}/api/v2/contacts.json?cursor=x"),
            "results": items(&[3]),
        }),
    )
    .await;
    serve(
        &server,
        Mock::given(path("/api/v2/contacts.json")).and(query_param("cursor", "cD0z")),
        json!({"next": null, "previous": null, "results": []}),
    )
    .await;

    let request = client(&server)
        .request(Method::GET, "/api/v2/contacts.json")
        .query("group", &"vip", QueryStyle::Form);
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, WENI).items()).await;
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(
        queries(&server).await,
        [
            "group=vip",
            "cursor=cD0y&group=vip",
            "cursor=cD0z&group=vip"
        ]
    );
}

#[tokio::test]
async fn next_url_to_another_origin_is_refused() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    serve(
        &elsewhere,
        Mock::given(method("GET")),
        json!({"next": null, "results": items(&[99])}),
    )
    .await;
    serve(
        &server,
        Mock::given(path("/api/v2/runs.json")),
        json!({"next": format!("{}/api/v2/runs.json?cursor=steal", elsewhere.uri()), "results": items(&[1, 2])}),
    )
    .await;

    let request = client(&server).request(Method::GET, "/api/v2/runs.json");
    let results: Vec<_> = Paginator::<Value, Item, Value>::new(request, WENI)
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().ok(), Some(&Item { id: 1 }));
    assert_eq!(results[1].as_ref().ok(), Some(&Item { id: 2 }));
    match &results[2] {
        Err(Error::InvalidRequest(message)) => {
            assert!(message.contains("refusing"), "{message}");
            assert!(!message.contains("k-123"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        queries(&elsewhere).await.len(),
        0,
        "credentials must not leave the origin"
    );
}

#[tokio::test]
async fn relative_next_url_is_resolved() {
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(path("/v1/list")).and(query_param_is_missing("p")),
        json!({"next": "/v1/list?p=2", "results": items(&[1])}),
    )
    .await;
    serve(
        &server,
        Mock::given(path("/v1/list")).and(query_param("p", "2")),
        json!({"next": "list?p=3", "results": items(&[2])}),
    )
    .await;
    serve(
        &server,
        Mock::given(path("/v1/list")).and(query_param("p", "3")),
        json!({"next": "", "results": items(&[3])}),
    )
    .await;
    let request = client(&server).request(Method::GET, "/v1/list");
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, WENI).items()).await;
    assert_eq!(ids, [1, 2, 3]);
}

const ARCHIVES: PageSpec = PageSpec {
    pagination: Pagination::Offset {
        offset_param: "offset",
        limit_param: "limit",
        total_field: Some("count"),
    },
    items: "results",
    envelope: None,
};

#[tokio::test]
async fn offset_until_total() {
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(query_param_is_missing("offset")),
        json!({"count": 5, "results": items(&[1, 2])}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("offset", "2")),
        json!({"count": 5, "results": items(&[3, 4])}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("offset", "4")),
        json!({"count": 5, "results": items(&[5])}),
    )
    .await;
    let request = client(&server)
        .request(Method::GET, "/api/v2/archives.json")
        .query("limit", &2, QueryStyle::Form);
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, ARCHIVES).items()).await;
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(
        queries(&server).await,
        ["limit=2", "limit=2&offset=2", "limit=2&offset=4"]
    );
}

#[tokio::test]
async fn offset_until_empty_page_from_callers_offset() {
    let spec = PageSpec {
        pagination: Pagination::Offset {
            offset_param: "offset",
            limit_param: "limit",
            total_field: None,
        },
        items: "results",
        envelope: None,
    };
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(query_param("offset", "10")),
        json!({"results": items(&[11, 12])}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("offset", "12")),
        json!({"results": items(&[13, 14])}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("offset", "14")),
        json!({"results": []}),
    )
    .await;
    let request =
        client(&server)
            .request(Method::GET, "/archives")
            .query("offset", &10, QueryStyle::Form);
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, spec).items()).await;
    assert_eq!(ids, [11, 12, 13, 14]);
    assert_eq!(
        queries(&server).await,
        ["offset=10", "offset=12", "offset=14"]
    );
}

#[tokio::test]
async fn offset_short_page_ends_when_limit_set() {
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(query_param_is_missing("offset")),
        json!({"results": items(&[1, 2, 3])}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("offset", "3")),
        json!({"results": items(&[4, 5, 6])}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("offset", "6")),
        json!({"results": items(&[7])}),
    )
    .await;
    let request =
        client(&server)
            .request(Method::GET, "/archives")
            .query("limit", &3, QueryStyle::Form);
    let spec = PageSpec {
        pagination: Pagination::Offset {
            offset_param: "offset",
            limit_param: "limit",
            total_field: Some("count"),
        },
        ..ARCHIVES
    };
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, spec).items()).await;
    assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(queries(&server).await.len(), 3);
}

const PAGED: PageSpec = PageSpec {
    pagination: Pagination::Page {
        page_param: "page",
        first_page: 1,
    },
    items: "results",
    envelope: None,
};

#[tokio::test]
async fn page_numbers_until_empty_page() {
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(query_param_is_missing("page")),
        json!({"results": items(&[1, 2])}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("page", "2")),
        json!({"results": items(&[3, 4])}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("page", "3")),
        json!({"results": []}),
    )
    .await;
    let request = client(&server)
        .request(Method::GET, "/contacts_elastic")
        .query("page_size", &2, QueryStyle::Form);
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, PAGED).items()).await;
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(
        queries(&server).await,
        ["page_size=2", "page_size=2&page=2", "page_size=2&page=3"]
    );
}

#[tokio::test]
async fn page_numbers_from_callers_page() {
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(query_param("page", "5")),
        json!({"results": items(&[9])}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("page", "6")),
        json!({"results": items(&[10])}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("page", "7")),
        json!({"results": []}),
    )
    .await;
    let request = client(&server)
        .request(Method::GET, "/contacts_elastic")
        .query("page", &5, QueryStyle::Form);
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, PAGED).items()).await;
    assert_eq!(ids, [9, 10]);
}

const LINKED: PageSpec = PageSpec {
    pagination: Pagination::LinkHeader,
    items: "",
    envelope: None,
};

#[tokio::test]
async fn link_header_until_empty_page() {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "Link",
                    format!(
                        "<{uri}/items?page=2>; rel=\"next\", <{uri}/items?page=9>; rel=\"last\""
                    )
                    .as_str(),
                )
                .set_body_json(items(&[1, 2])),
        )
        .mount(&server)
        .await;
    Mock::given(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Link", "</items?page=3>; rel=\"next\"")
                .set_body_json(items(&[3])),
        )
        .mount(&server)
        .await;
    Mock::given(query_param("page", "3"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "Link",
                    format!("<{uri}/items?page=4>; rel=\"next\"").as_str(),
                )
                .set_body_json(json!([])),
        )
        .mount(&server)
        .await;
    let request = client(&server).request(Method::GET, "/items");
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, LINKED).items()).await;
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(queries(&server).await, ["", "page=2", "page=3"]);
}

#[tokio::test]
async fn link_header_to_another_origin_is_refused() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "Link",
                    format!("<{}/items?page=2>; rel=\"next\"", elsewhere.uri()).as_str(),
                )
                .set_body_json(items(&[1])),
        )
        .mount(&server)
        .await;
    let request = client(&server).request(Method::GET, "/items");
    let results: Vec<_> = Paginator::<Value, Item, Value>::new(request, LINKED)
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert!(
        matches!(results[1], Err(Error::InvalidRequest(_))),
        "{results:?}"
    );
    assert_eq!(queries(&elsewhere).await.len(), 0);
}

#[tokio::test]
async fn max_items_caps_items_and_requests() {
    let server = weflow_server().await;
    let request = client(&server).request(Method::GET, "/recordings");
    let ids = collect_ids(
        Paginator::<Value, Item, Value>::new(request.clone(), WEFLOW)
            .max_items(3)
            .items(),
    )
    .await;
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(
        queries(&server).await.len(),
        2,
        "no page beyond the cap is fetched"
    );

    let pages: Vec<Value> = Paginator::<Value, Item, Value>::new(request, WEFLOW)
        .max_items(2)
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 1);
}

#[tokio::test]
async fn each_page_goes_through_retries() {
    let server = MockServer::start().await;
    Mock::given(query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    serve(
        &server,
        Mock::given(query_param_is_missing("cursor")),
        json!({"data": items(&[1]), "nextCursor": "c2", "hasMore": true}),
    )
    .await;
    serve(
        &server,
        Mock::given(query_param("cursor", "c2")),
        json!({"data": items(&[2]), "nextCursor": null, "hasMore": false}),
    )
    .await;
    let request = client(&server).request(Method::GET, "/recordings");
    let ids = collect_ids(Paginator::<Value, Item, Value>::new(request, WEFLOW).items()).await;
    assert_eq!(ids, [1, 2]);
    assert_eq!(queries(&server).await.len(), 3);
}

#[tokio::test]
async fn item_decode_error_names_the_path_and_ends_the_stream() {
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(method("GET")),
        json!({"next": "/more", "results": [{"id": 1}, {"id": 2}, {"id": "three"}, {"id": 4}]}),
    )
    .await;
    let request = client(&server).request(Method::GET, "/list");
    let results: Vec<_> = Paginator::<Value, Item, Value>::new(request, WENI)
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    match &results[2] {
        Err(Error::Decode(decode)) => {
            assert_eq!(decode.path(), "results[2].id");
            assert!(
                decode.snippet().starts_with("{\"next\""),
                "{}",
                decode.snippet()
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(queries(&server).await.len(), 1);
}

#[tokio::test]
async fn api_error_on_a_later_page_is_typed_and_ends_the_stream() {
    #[derive(Debug, Deserialize)]
    struct WeniError {
        detail: String,
    }
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(query_param_is_missing("cursor")),
        json!({"next": "/list?cursor=2", "results": items(&[1])}),
    )
    .await;
    Mock::given(query_param("cursor", "2"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."})))
        .mount(&server)
        .await;
    let request = client(&server).request(Method::GET, "/list");
    let results: Vec<_> = Paginator::<Value, Item, WeniError>::new(request, WENI)
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    match &results[1] {
        Err(err) => {
            assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
            assert_eq!(err.body().map(|b| b.detail.as_str()), Some("Not found."));
        }
        Ok(item) => panic!("expected an error, got {item:?}"),
    }
}

// ---------------------------------------------------------------- cycles

/// The items before the error, and the error, of a walk that must end in a cycle error.
async fn walk_to_cycle(
    request: oagen_runtime::RequestBuilder,
    spec: PageSpec,
) -> (Vec<u32>, String) {
    let results: Vec<_> = Paginator::<Value, Item, Value>::new(request, spec)
        .items()
        .collect()
        .await;
    let mut ids = Vec::new();
    for (i, result) in results.iter().enumerate() {
        match result {
            Ok(item) => ids.push(item.id),
            Err(Error::PaginationCycle(message)) => {
                assert_eq!(i, results.len() - 1, "the error ends the stream");
                return (ids, message.clone());
            }
            Err(other) => panic!("expected a cycle error, got {other:?}"),
        }
    }
    panic!("the walk ended without a cycle error: {ids:?}");
}

#[tokio::test]
async fn cursor_cycle_back_to_an_earlier_page_is_an_error() {
    let server = MockServer::start().await;
    // A -> B -> C -> B: not the previous page, an earlier one.
    serve(
        &server,
        Mock::given(path("/recordings")).and(query_param_is_missing("cursor")),
        json!({"data": items(&[1]), "nextCursor": "B", "hasMore": true}),
    )
    .await;
    serve(
        &server,
        Mock::given(path("/recordings")).and(query_param("cursor", "B")),
        json!({"data": items(&[2]), "nextCursor": "C", "hasMore": true}),
    )
    .await;
    serve(
        &server,
        Mock::given(path("/recordings")).and(query_param("cursor", "C")),
        json!({"data": items(&[3]), "nextCursor": "B", "hasMore": true}),
    )
    .await;
    let request = client(&server).request(Method::GET, "/recordings");
    let (ids, message) = walk_to_cycle(request, WEFLOW).await;
    assert_eq!(ids, [1, 2, 3]);
    assert!(message.contains("`B`"), "{message}");
    assert!(message.contains("already"), "{message}");
    assert_eq!(queries(&server).await.len(), 3);
}

#[tokio::test]
async fn cursor_cycle_to_the_callers_first_cursor_is_an_error() {
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(path("/recordings")).and(query_param("cursor", "A")),
        json!({"data": items(&[1]), "nextCursor": "B", "hasMore": true}),
    )
    .await;
    serve(
        &server,
        Mock::given(path("/recordings")).and(query_param("cursor", "B")),
        json!({"data": items(&[2]), "nextCursor": "A", "hasMore": true}),
    )
    .await;
    let request =
        client(&server)
            .request(Method::GET, "/recordings")
            .query("cursor", &"A", QueryStyle::Form);
    let (ids, _) = walk_to_cycle(request, WEFLOW).await;
    assert_eq!(ids, [1, 2]);
    assert_eq!(queries(&server).await.len(), 2);
}

#[tokio::test]
async fn next_url_cycle_a_b_a_is_an_error() {
    let server = MockServer::start().await;
    let uri = server.uri();
    serve(
        &server,
        Mock::given(path("/v1/list")).and(query_param_is_missing("p")),
        json!({"next": format!("{uri}/v1/list?p=2"), "results": items(&[1])}),
    )
    .await;
    // Relative, and without the credential the client adds: still page one.
    serve(
        &server,
        Mock::given(path("/v1/list")).and(query_param("p", "2")),
        json!({"next": "/v1/list", "results": items(&[2])}),
    )
    .await;
    let request = client(&server).request(Method::GET, "/v1/list");
    let (ids, message) = walk_to_cycle(request, WENI).await;
    assert_eq!(ids, [1, 2]);
    assert!(message.contains("/v1/list"), "{message}");
    assert_eq!(queries(&server).await.len(), 2);
}

#[tokio::test]
async fn next_url_cycle_ignores_the_query_credential() {
    let server = MockServer::start().await;
    serve(
        &server,
        Mock::given(path("/v1/list")).and(query_param_is_missing("p")),
        json!({"next": "/v1/list?p=2&api_key=k-123", "results": items(&[1])}),
    )
    .await;
    serve(
        &server,
        Mock::given(path("/v1/list")).and(query_param("p", "2")),
        json!({"next": "/v1/list?p=2", "results": items(&[2])}),
    )
    .await;
    let client = ClientBuilder::new(&server.uri())
        .auth(Auth::query("api_key", "k-123"))
        .build()
        .expect("valid client");
    let request = client.request(Method::GET, "/v1/list");
    let (ids, message) = walk_to_cycle(request, WENI).await;
    assert_eq!(ids, [1, 2]);
    assert!(!message.contains("k-123"), "{message}");
}

#[tokio::test]
async fn link_header_cycle_is_an_error() {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(path("/items"))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "Link",
                    format!("<{uri}/items?page=2>; rel=\"next\"").as_str(),
                )
                .set_body_json(items(&[1])),
        )
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "Link",
                    format!("<{uri}/items?page=2>; rel=\"next\"").as_str(),
                )
                .set_body_json(items(&[2])),
        )
        .mount(&server)
        .await;
    let spec = PageSpec {
        pagination: Pagination::LinkHeader,
        items: "",
        envelope: None,
    };
    let request = client(&server).request(Method::GET, "/items");
    let (ids, _) = walk_to_cycle(request, spec).await;
    assert_eq!(ids, [1, 2]);
    assert_eq!(queries(&server).await.len(), 2);
}
