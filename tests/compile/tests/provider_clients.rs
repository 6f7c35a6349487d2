//! The generated provider clients against a local mock server: the auth header each sends,
//! pagination through the generated `.items()`/`.pages()`, envelope unwrapping, each
//! provider's typed error body, path encoding of hostile values, and no retry of a POST on 503.

use futures::StreamExt;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn no_retry_wait() -> oagen_runtime::RetryPolicy {
    oagen_runtime::RetryPolicy::default()
        .initial_backoff(std::time::Duration::from_millis(1))
        .jitter(false)
}

#[tokio::test]
async fn weflow_bearer_auth_and_cursor_pagination_over_three_pages() {
    let server = MockServer::start().await;
    let rec = |uid: &str| json!({"uid": uid});
    let pages = [
        (
            None,
            json!({"data": [rec("00000000-0000-0000-0000-000000000001"), rec("00000000-0000-0000-0000-000000000002")], "total": 3, "nextCursor": "c2", "hasMore": true}),
        ),
        (
            Some("c2"),
            json!({"data": [rec("00000000-0000-0000-0000-000000000003")], "total": 3, "nextCursor": "c3", "hasMore": true}),
        ),
        (
            Some("c3"),
            json!({"data": [], "total": 3, "nextCursor": null, "hasMore": false}),
        ),
    ];
    for (cursor, body) in pages {
        let mut m = Mock::given(method("GET"))
            .and(path("/recordings"))
            .and(header("authorization", "Bearer k-123"));
        m = match cursor {
            Some(c) => m.and(query_param("cursor", c)),
            None => m.and(|r: &Request| !r.url.query().unwrap_or("").contains("cursor")),
        };
        m.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = weflow::Client::builder()
        .api_key("k-123")
        .base_url(server.uri())
        .build()
        .unwrap();
    let items: Vec<_> = client.list_recordings().limit(2).items().collect().await;
    let uids: Vec<String> = items
        .into_iter()
        .map(|r| r.unwrap().uid.to_string())
        .collect();
    assert_eq!(uids.len(), 3);
    assert!(uids[2].ends_with('3'));
}

#[tokio::test]
async fn weflow_error_body_is_typed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(
                json!({"error": {"code": "not_found", "message": "no such recording"}}),
            ),
        )
        .mount(&server)
        .await;
    let client = weflow::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client
        .get_recording(uuid::Uuid::nil())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let body = err.body().expect("typed error body");
    assert_eq!(body.error.message, "no such recording");
    assert!(!format!("{err:?}").contains("k-secret"));
}

#[tokio::test]
async fn weni_sends_token_prefix_and_decodes_detail_errors() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/campaign_events.json"))
        .and(header("authorization", "Token secret-token"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(
                json!({"detail": "You do not have permission to perform this action."}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = weni::Client::builder()
        .api_key("secret-token")
        .base_url(server.uri())
        .retry_policy(oagen_runtime::RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client
        .delete_campaign_event(uuid::Uuid::nil())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(
        err.body().and_then(|b| b.detail.as_deref()),
        Some("You do not have permission to perform this action.")
    );
    assert!(
        !format!("{err:?} {err}").contains("secret-token"),
        "the secret leaked"
    );
    assert!(
        !format!("{client:?}").contains("secret-token"),
        "the secret leaked"
    );
}

#[tokio::test]
async fn weni_field_error_map_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"text": ["This field is required."]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = weni::Client::builder()
        .api_key("t")
        .base_url(server.uri())
        .build()
        .unwrap();
    let body: weni::types::BroadcastCreate =
        serde_json::from_value(json!({"text": {"eng": "hi"}})).unwrap();
    let err = client.send_broadcast(body).send().await.unwrap_err();
    let e = err.body().expect("typed");
    assert!(e.additional_properties.contains_key("text"), "{e:?}");
}

#[tokio::test]
async fn whereby_cursor_null_ends_and_rate_limit_body_decodes() {
    let server = MockServer::start().await;
    let meeting = json!({"meetingId": "1", "roomUrl": "https://x.whereby.com/r", "endDate": "2030-01-01T00:00:00Z"});
    Mock::given(method("GET"))
        .and(path("/meetings"))
        .and(|r: &Request| !r.url.query().unwrap_or("").contains("cursor"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"results": [meeting.clone()], "cursor": "next"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/meetings"))
        .and(query_param("cursor", "next"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"results": [meeting], "cursor": null})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = whereby::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let pages: Vec<_> = client.list_meetings().pages().collect().await;
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(Result::is_ok));

    Mock::given(method("GET"))
        .and(path("/meetings/m1"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"error": "Rate limit active", "data": {"msLeft": 38689}})),
        )
        .mount(&server)
        .await;
    let client = whereby::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .retry_policy(oagen_runtime::RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.get_meeting("m1").send().await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(
        err.body()
            .and_then(|b| b.data.as_ref())
            .and_then(|d| d.ms_left),
        Some(38689)
    );
}

#[tokio::test]
async fn whereby_path_values_cannot_escape_their_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(|r: &Request| {
            ResponseTemplate::new(404).set_body_json(json!({"error": r.url.path()}))
        })
        .mount(&server)
        .await;
    let client = whereby::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    for hostile in ["a/b", "x?y#z", "%2F"] {
        let err = client.get_meeting(hostile).send().await.unwrap_err();
        let seen = err.body().and_then(|b| b.error.clone()).unwrap_or_default();
        assert!(
            seen.starts_with("/meetings/") && seen.matches('/').count() == 2,
            "{hostile} became {seen}"
        );
    }
    // A dot-segment is refused before anything is sent.
    assert!(matches!(
        client.get_meeting("..").send().await.unwrap_err(),
        oagen_runtime::Error::InvalidRequest(_)
    ));
}

#[tokio::test]
async fn warpflow_unwraps_its_envelope_and_types_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/tenants/acme/contacts/c1"))
        .and(header("authorization", "Bearer wf_acme_x"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"success": true, "data": {"id": "c1", "name": "Ann"}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/tenants/acme/contacts/missing"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(
                json!({"error": "NOT_FOUND", "message": "no contact", "status": 404}),
            ),
        )
        .mount(&server)
        .await;
    let client = warpflow::Client::builder()
        .api_key("wf_acme_x")
        .base_url(server.uri())
        .build()
        .unwrap();
    let contact = client.get_contact("acme", "c1").send().await.unwrap();
    assert_eq!(contact.id.as_deref(), Some("c1"));
    let err = client
        .get_contact("acme", "missing")
        .send()
        .await
        .unwrap_err();
    let body = err.body().expect("typed");
    assert_eq!(body.error, warpflow::types::ErrorCode::NotFound);
    assert_eq!(body.status, 404);
}

#[tokio::test]
async fn a_post_is_not_retried_on_503_but_a_get_is() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let client = weni::Client::builder()
        .api_key("t")
        .base_url(server.uri())
        .retry_policy(no_retry_wait())
        .build()
        .unwrap();
    let body: weni::types::BroadcastCreate =
        serde_json::from_value(json!({"text": {"eng": "hi"}})).unwrap();
    assert_eq!(
        client
            .send_broadcast(body)
            .send()
            .await
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(503)
    );
    assert!(client.list_campaigns().send().await.is_err());
    // `expect` counts are verified when the server drops.
}

// Issue 14: responses shaped like the vendors' ground truth.

fn weni_client(server: &MockServer) -> weni::Client {
    weni::Client::builder()
        .api_key("t")
        .base_url(server.uri())
        .retry_policy(oagen_runtime::RetryPolicy::disabled())
        .build()
        .unwrap()
}

async fn weni_page(server: &MockServer, at: &str, results: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"next": null, "previous": null, "results": results})),
        )
        .mount(server)
        .await;
}

/// `Channel.name` and `Channel.address` are nullable columns that the read serializer and the
/// channel_stats serializer emit unchanged ([WF] `temba/channels/models.py`).
#[tokio::test]
async fn weni_channels_and_channel_stats_decode_a_channel_without_name_or_address() {
    let server = MockServer::start().await;
    weni_page(
        &server,
        "/api/v2/channels.json",
        json!([{
            "uuid": "09d23a05-47fe-11e4-bfe9-b8f6b119e9ab",
            "name": null,
            "address": null,
            "country": null,
            "device": null,
            "last_seen": null,
            "created_on": "2023-01-06T15:33:00.813162Z"
        }]),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/channel_stats.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1, "next": null, "previous": null,
            "results": [{
                "uuid": "600c1831-7f6a-44a3-b1db-78567500553f",
                "name": null,
                "channel_type": "WAC",
                "msg_count": 0, "ivr_count": 0, "error_count": 0,
                "daily_count": [], "monthly_totals": []
            }]
        })))
        .mount(&server)
        .await;
    let client = weni_client(&server);
    let page = client
        .list_channels()
        .send()
        .await
        .expect("listChannels decodes");
    let channel = serde_json::to_value(&page.results[0]).unwrap();
    assert!(
        channel["name"].is_null() && channel["address"].is_null(),
        "{channel}"
    );
    let stats = client
        .list_channel_stats()
        .send()
        .await
        .expect("listChannelStats decodes");
    assert!(serde_json::to_value(&stats.results[0]).unwrap()["name"].is_null());
}

/// The channel reference (`ChannelField`, and the template translations' inline channel) carries
/// the same nullable `Channel.name` ([WF] `temba/api/v2/fields.py`, `serializers.py`).
#[tokio::test]
async fn weni_channel_references_with_a_null_name_decode() {
    let server = MockServer::start().await;
    let channel = json!({"uuid": "9a8b001e-a913-486c-80f4-1356e23f582e", "name": null});
    let contact = json!({"uuid": "d33e9ad5-5c35-414c-abd4-e7451c69ff1d", "name": null});
    weni_page(
        &server,
        "/api/v2/messages.json",
        json!([{
            "id": 4105426, "broadcast": null, "contact": contact, "urn": "whatsapp:250788123123",
            "channel": channel, "direction": "in", "type": "inbox", "status": "handled",
            "archived": false, "visibility": "visible", "text": "Hi", "labels": [],
            "attachments": [], "created_on": "2024-01-06T15:33:00.813162Z", "sent_on": null,
            "modified_on": "2024-01-06T15:33:00Z", "media": null
        }]),
    )
    .await;
    weni_page(
        &server,
        "/api/v2/channel_events.json",
        json!([{
            "id": 4, "type": "new-conversation", "contact": contact, "channel": channel,
            "extra": null, "occurred_on": "2024-01-06T15:33:00.813162Z",
            "created_on": "2024-01-06T15:33:00.813162Z"
        }]),
    )
    .await;
    weni_page(
        &server,
        "/api/v2/templates.json",
        json!([{
            "uuid": "3b8dd151-1a2c-4ef8-9d0b-1dfc2bd2fd1c", "name": "welcome",
            "translations": [{
                "language": "por", "content": "Olá {{1}}", "namespace": "",
                "variable_count": 1, "status": "approved", "channel": channel
            }],
            "created_on": "2023-02-27T09:06:15.456123Z", "modified_on": "2023-02-27T09:06:15Z"
        }]),
    )
    .await;
    let client = weni_client(&server);
    let messages = client
        .list_messages()
        .send()
        .await
        .expect("listMessages decodes");
    let m = serde_json::to_value(&messages.results[0]).unwrap();
    assert!(m["channel"]["name"].is_null(), "{m}");
    let events = client
        .list_channel_events()
        .send()
        .await
        .expect("listChannelEvents decodes");
    assert!(serde_json::to_value(&events.results[0]).unwrap()["channel"]["name"].is_null());
    let templates = client
        .list_templates()
        .send()
        .await
        .expect("listTemplates decodes");
    let t = serde_json::to_value(&templates.results[0]).unwrap();
    assert!(t["translations"][0]["channel"]["name"].is_null(), "{t}");
}

/// `contacts_elastic` answers a bare 401 with no body for a user outside the project
/// ([WF] `temba/api/v2/elasticsearch/views.py`).
#[tokio::test]
async fn weni_elastic_search_401_with_an_empty_body_is_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/contacts_elastic.json"))
        .respond_with(ResponseTemplate::new(401).insert_header("content-type", "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = weni::Client::builder()
        .api_key("t")
        .oidc_bearer("oidc")
        .base_url(server.uri())
        .retry_policy(oagen_runtime::RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client
        .search_contacts_elastic(uuid::Uuid::nil())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, oagen_runtime::Error::Api(_)),
        "an empty 401 must not be a decode error: {err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.body().is_none());
}

/// `country` is `Org.default_country_code`: `""` when the workspace has no country
/// ([WF] `temba/orgs/models.py`).
#[tokio::test]
async fn weni_workspace_without_country_decodes_an_empty_string() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/workspace.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "uuid": "6a44ca78-a4c2-4862-a7d3-2932f9b3a7c3", "name": "Weni", "country": "",
            "languages": [], "primary_language": null, "timezone": "UTC",
            "date_style": "day_first", "anon": false
        })))
        .mount(&server)
        .await;
    let ws = weni_client(&server).get_workspace().send().await.unwrap();
    assert_eq!(serde_json::to_value(&ws).unwrap()["country"], json!(""));
}

/// [WB] requires neither `results` nor `cursor` on the insights pages: a last page may leave
/// `cursor` out.
#[tokio::test]
async fn whereby_insights_last_pages_without_cursor_decode() {
    let server = MockServer::start().await;
    let room = json!({
        "roomName": "/room-prefix-793e9ec1", "createdAt": "2025-01-01T00:00:00.000Z",
        "endAt": "2025-01-01T01:00:00.000Z", "firstSessionStartedAt": "2025-01-01T00:15:00.000Z",
        "lastSessionStartedAt": "2025-01-01T00:45:00.000Z", "totalParticipantMinutes": 124,
        "totalRecorderMinutes": 0, "totalStreamerMinutes": 0, "totalUniqueParticipants": 4,
        "totalUniqueRecorders": 0, "totalUniqueStreamers": 0, "totalSessions": 2,
        "rating": null, "totalRatings": null
    });
    let session = json!({
        "roomSessionId": "e2f29530-46ec-4cee-8b27-e565cb5bb2e9", "roomName": "/room-prefix-793e9ec1",
        "startedAt": "2025-01-01T00:00:00.000Z", "endedAt": "2025-01-01T01:00:00.000Z",
        "totalParticipantMinutes": 124, "totalRecorderMinutes": 0, "totalStreamerMinutes": 0,
        "totalUniqueParticipants": 4, "totalUniqueRecorders": 0, "totalUniqueStreamers": 0,
        "rating": null, "totalRatings": null
    });
    let participant = json!({
        "roomSessionId": "e2f29530-46ec-4cee-8b27-e565cb5bb2e9",
        "participantId": "/4b3bd908-cb88-11ec-9d64-0242ac120002",
        "deviceId": "5f0c8a2e-91d4-4b1a-b7e2-3c4d5e6f7a8b",
        "userId": "32ba120a-a691-4e8e-aec3-a610239271de", "roleName": "granted_visited",
        "displayName": "John Doe", "joinedAt": "2025-01-01T00:00:00.000Z",
        "leftAt": "2025-01-01T01:00:00.000Z", "externalId": "customer-0348",
        "rating": null, "tags": null, "comment": null
    });
    for (at, item) in [
        ("/insights/rooms", room),
        ("/insights/room-sessions", session),
        ("/insights/participants", participant),
    ] {
        Mock::given(method("GET"))
            .and(path(at))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [item]})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = whereby::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let rooms: Vec<_> = client.list_room_insights().items().collect().await;
    assert!(rooms.len() == 1 && rooms[0].is_ok(), "{rooms:?}");
    let sessions: Vec<_> = client
        .list_room_session_insights("/room-prefix-793e9ec1")
        .items()
        .collect()
        .await;
    assert!(sessions.len() == 1 && sessions[0].is_ok(), "{sessions:?}");
    let participants: Vec<_> = client
        .list_participant_insights()
        .room_session_id("e2f29530-46ec-4cee-8b27-e565cb5bb2e9")
        .items()
        .collect()
        .await;
    assert!(
        participants.len() == 1 && participants[0].is_ok(),
        "{participants:?}"
    );
}

/// The tickets endpoint also reads `ticket` as an alias of `uuid` ([WF] `temba/api/v2/views.py`).
#[tokio::test]
async fn weni_list_tickets_sends_the_ticket_alias() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets.json"))
        .and(query_param(
            "ticket",
            "9a8b001e-a913-486c-80f4-1356e23f582e",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"next": null, "previous": null, "results": []})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = weni_client(&server)
        .list_tickets()
        .ticket("9a8b001e-a913-486c-80f4-1356e23f582e".parse().unwrap())
        .send()
        .await
        .unwrap();
    assert!(page.results.is_empty());
}

/// `GET /recordings/{id}/access-link` and `GET /transcriptions/{id}/access-link`, from [WB].
#[tokio::test]
async fn whereby_access_links_decode() {
    let server = MockServer::start().await;
    let link = |kind: &str| {
        json!({
            "accessLink": format!("https://s3.eu-central-1.amazonaws.com/{kind}/1.mp4?X-Amz-Signature=x"),
            "expires": 1_740_819_600_000_i64
        })
    };
    Mock::given(method("GET"))
        .and(path("/recordings/r1/access-link"))
        .and(query_param("validForSeconds", "600"))
        .respond_with(ResponseTemplate::new(200).set_body_json(link("recordings")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/transcriptions/t1/access-link"))
        .respond_with(ResponseTemplate::new(200).set_body_json(link("transcriptions")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/recordings/self-hosted/access-link"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    let client = whereby::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .retry_policy(oagen_runtime::RetryPolicy::disabled())
        .build()
        .unwrap();
    let rec = client
        .get_recording_access_link("r1")
        .valid_for_seconds(600)
        .send()
        .await
        .unwrap();
    assert!(rec.access_link.contains("/recordings/"));
    assert_eq!(rec.expires, 1_740_819_600_000);
    let tr = client
        .get_transcription_access_link("t1")
        .send()
        .await
        .unwrap();
    assert!(tr.access_link.contains("/transcriptions/"));
    let err = client
        .get_recording_access_link("self-hosted")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
}

/// `PUT /rooms/{roomName}/theme/logo` with the JSON reset body, from [WB]; answers 204.
#[tokio::test]
async fn whereby_set_room_logo_resets_with_json_and_reads_204() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/rooms/my-room/theme/logo"))
        .and(wiremock::matchers::body_json(json!({"theme": "default"})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = whereby::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    let body: whereby::types::RoomLogoReset =
        serde_json::from_value(json!({"theme": "default"})).unwrap();
    client.set_room_logo("my-room", body).send().await.unwrap();
}
