//! The generated `webhooks` modules against signed requests: `parse` accepts a correctly
//! signed request and decodes the right event; it refuses every bad one with its own error,
//! and refuses before it decodes (a tampered body that is not even JSON is a wrong signature,
//! not a decode error). The requests are signed here with the runtime's `Verifier::sign`, whose
//! output the runtime's tests check against the schemes' published vectors.

use oagen_fixtures::{
    callbacks, webhooks_provider_signature as forge, webhooks_standard as billing,
};
use oagen_runtime::reqwest::header::HeaderMap;
use oagen_runtime::webhook::{Verifier, WebhookError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Standard Webhooks headers for `body`, signed with `secret` at `ts`.
fn standard_headers(secret: &str, id: &str, ts: i64, body: &[u8]) -> Vec<(String, String)> {
    let signer = Verifier::new(billing::webhook_events::signature_scheme(), secret).unwrap();
    vec![
        ("webhook-id".into(), id.into()),
        ("webhook-timestamp".into(), ts.to_string()),
        ("webhook-signature".into(), signer.sign(id, ts, body)),
    ]
}

const PAID: &[u8] =
    br#"{"type":"invoice.paid","timestamp":"2026-01-02T03:04:05Z","data":{"id":"in_1","amount":1250}}"#;

#[test]
fn a_correctly_signed_request_decodes_into_its_event() {
    let hooks = billing::webhook_events::Webhooks::new(SECRET).unwrap();
    let h = standard_headers(SECRET, "msg_1", now(), PAID);
    match hooks.parse(&h, PAID).unwrap() {
        billing::webhook_events::Event::InvoicePaid(paid) => {
            assert_eq!(paid.data.id, "in_1");
            assert_eq!(paid.data.amount, 1250);
        }
        other => panic!("{other:?}"),
    }
    // Each event by its `type`, the one behind `allOf` too, and a type it does not know.
    let failed = br#"{"type":"invoice.failed","reason":"card declined"}"#;
    let h = standard_headers(SECRET, "msg_2", now(), failed);
    match hooks.parse(&h, failed).unwrap() {
        billing::webhook_events::Event::InvoiceFailed(f) => {
            assert_eq!(f.reason.as_deref(), Some("card declined"))
        }
        other => panic!("{other:?}"),
    }
    let created = br#"{"type":"customer.created","data":{"id":"cu_1"}}"#;
    let h = standard_headers(SECRET, "msg_3", now(), created);
    assert!(matches!(
        hooks.parse(&h, created).unwrap(),
        billing::webhook_events::Event::CustomerCreated(_)
    ));
    let newer = br#"{"type":"invoice.voided","data":{}}"#;
    let h = standard_headers(SECRET, "msg_4", now(), newer);
    assert_eq!(
        hooks.parse(&h, newer).unwrap(),
        billing::webhook_events::Event::Unknown {
            event: "invoice.voided".into(),
            body: newer.to_vec()
        }
    );
    // One event's own method, and an `http::HeaderMap` as axum and hyper hand it over.
    let mut map = HeaderMap::new();
    for (k, v) in standard_headers(SECRET, "msg_5", now(), PAID) {
        map.insert(
            oagen_runtime::reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    assert_eq!(
        hooks.parse_invoice_paid(&map, PAID).unwrap().data.amount,
        1250
    );
}

#[test]
fn every_bad_request_is_refused_with_its_own_error() {
    let hooks = billing::webhook_events::Webhooks::new(SECRET).unwrap();
    let ok = standard_headers(SECRET, "msg_1", now(), PAID);

    // Signed with another secret.
    let forged = standard_headers("whsec_c29tZW9uZSBlbHNl", "msg_1", now(), PAID);
    assert_eq!(
        hooks.parse(&forged, PAID).unwrap_err(),
        WebhookError::WrongSignature
    );

    // The body changed by one byte after signing: `1250` became `9250`.
    let mut changed = PAID.to_vec();
    let at = changed.windows(4).position(|w| w == b"1250").unwrap();
    changed[at] = b'9';
    assert_eq!(
        hooks.parse(&ok, &changed).unwrap_err(),
        WebhookError::WrongSignature
    );
    // Verification comes first: a tampered body that is not JSON is refused as forged,
    // not reported as undecodable.
    let mut broken = PAID.to_vec();
    broken[0] = b'[';
    assert_eq!(
        hooks.parse(&ok, &broken).unwrap_err(),
        WebhookError::WrongSignature
    );

    // Stale and future timestamps (signed correctly, outside the five minutes).
    let stale = standard_headers(SECRET, "msg_1", now() - 600, PAID);
    assert!(matches!(
        hooks.parse(&stale, PAID).unwrap_err(),
        WebhookError::StaleTimestamp { .. }
    ));
    let future = standard_headers(SECRET, "msg_1", now() + 600, PAID);
    assert!(matches!(
        hooks.parse(&future, PAID).unwrap_err(),
        WebhookError::FutureTimestamp { .. }
    ));
    // ... which a wider tolerance accepts.
    let wide = billing::webhook_events::Webhooks::new(SECRET)
        .unwrap()
        .tolerance(Duration::from_secs(900));
    assert!(wide.parse(&stale, PAID).is_ok());

    // Each missing header, named.
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let mut h = ok.clone();
        h.retain(|(k, _)| k != name);
        assert_eq!(
            hooks.parse(&h, PAID).unwrap_err(),
            WebhookError::MissingHeader { name: name.into() }
        );
    }
    // A malformed timestamp and a malformed signature.
    let mut h = ok.clone();
    h[1].1 = "soon".into();
    assert!(matches!(
        hooks.parse(&h, PAID).unwrap_err(),
        WebhookError::MalformedHeader { name, .. } if name == "webhook-timestamp"
    ));
    let mut h = ok.clone();
    h[2].1 = "sha256=abc".into();
    assert!(matches!(
        hooks.parse(&h, PAID).unwrap_err(),
        WebhookError::MalformedHeader { name, .. } if name == "webhook-signature"
    ));
    // Every per-event method verifies too.
    assert_eq!(
        hooks.parse_invoice_paid(&forged, PAID).unwrap_err(),
        WebhookError::WrongSignature
    );
    // A verified body that does not match its event's type names the path.
    let bad = br#"{"type":"invoice.paid","data":{"id":"in_1","amount":"lots"}}"#;
    let h = standard_headers(SECRET, "msg_1", now(), bad);
    assert!(matches!(
        hooks.parse(&h, bad).unwrap_err(),
        WebhookError::Decode { path, .. } if path == "data.amount"
    ));
}

#[test]
fn a_rotated_secret_accepts_both_and_the_secret_never_shows() {
    let old = "whsec_b2xkIHNlY3JldCBieXRlcyBoZXJl";
    let hooks = billing::webhook_events::Webhooks::new(SECRET)
        .unwrap()
        .with_secret(old)
        .unwrap();
    for secret in [SECRET, old] {
        let h = standard_headers(secret, "msg_1", now(), PAID);
        assert!(hooks.parse(&h, PAID).is_ok(), "{secret}");
    }
    let debug = format!("{hooks:?}");
    assert!(
        !debug.contains("MfKQ9r8G") && !debug.contains("b2xkIHNl"),
        "{debug}"
    );
    assert!(matches!(
        billing::webhook_events::Webhooks::new("whsec_"),
        Err(WebhookError::InvalidSecret { .. })
    ));
}

/// GitHub's scheme through `x-oagen-webhook-signature`, events by the `X-GitHub-Event` header.
#[test]
fn a_provider_scheme_from_the_extension_and_events_by_header() {
    let secret = "It's a Secret to Everybody";
    let hooks = forge::webhooks::Webhooks::new(secret).unwrap();
    let signer = Verifier::new(forge::webhooks::signature_scheme(), secret).unwrap();
    let body = br#"{"ref":"refs/heads/main","commits":["abc"]}"#;
    let sig = signer.sign("", 0, body);
    assert!(sig.starts_with("sha256=") && sig.len() == 7 + 64, "{sig}");
    let h = [
        ("X-Hub-Signature-256", sig.as_str()),
        ("X-GitHub-Event", "push"),
    ];
    match hooks.parse(&h[..], body).unwrap() {
        forge::webhooks::Event::Push(p) => assert_eq!(p.r#ref, "refs/heads/main"),
        other => panic!("{other:?}"),
    }
    let ping = signer.sign("", 0, b"{}");
    let h = [
        ("x-hub-signature-256", ping.as_str()),
        ("x-github-event", "ping"),
    ];
    assert_eq!(
        hooks.parse(&h[..], b"{}").unwrap(),
        forge::webhooks::Event::Ping
    );
    // Refusals: a changed body, a missing signature, a missing event header (after the
    // signature passed).
    let h = [
        ("X-Hub-Signature-256", sig.as_str()),
        ("X-GitHub-Event", "push"),
    ];
    assert_eq!(
        hooks.parse(&h[..], &body[..body.len() - 1]).unwrap_err(),
        WebhookError::WrongSignature
    );
    assert_eq!(
        hooks
            .parse(&[("X-GitHub-Event", "push")][..], body)
            .unwrap_err(),
        WebhookError::MissingHeader {
            name: "X-Hub-Signature-256".into()
        }
    );
    assert_eq!(
        hooks
            .parse(&[("X-Hub-Signature-256", sig.as_str())][..], body)
            .unwrap_err(),
        WebhookError::MissingHeader {
            name: "X-GitHub-Event".into()
        }
    );
}

/// A 3.0 callback, with a Stripe-like `t=...,v1=...` header over `{t}.{body}` and a 60 s
/// tolerance, from the extension.
#[test]
fn a_callback_with_a_stripe_like_timestamped_scheme() {
    let secret = "cb-secret";
    let hooks = callbacks::webhooks::Webhooks::new(secret).unwrap();
    let signer = Verifier::new(callbacks::webhooks::signature_scheme(), secret).unwrap();
    let body = br#"{"jobId":"j1","status":"succeeded"}"#;
    let sig = signer.sign("", now(), body);
    assert!(sig.starts_with("t=") && sig.contains(",v1="), "{sig}");
    let h = [("Jobs-Signature", sig.as_str())];
    match hooks.parse(&h[..], body).unwrap() {
        callbacks::webhooks::Event::JobFinished(j) => assert_eq!(j.job_id, "j1"),
    }
    let stale = signer.sign("", now() - 90, body);
    assert!(matches!(
        hooks.parse(&[("Jobs-Signature", stale.as_str())][..], body).unwrap_err(),
        WebhookError::StaleTimestamp { tolerance, .. } if tolerance == Duration::from_secs(60)
    ));
    let mut changed = body.to_vec();
    changed[11] = b'2';
    assert_eq!(
        hooks.parse(&h[..], &changed).unwrap_err(),
        WebhookError::WrongSignature
    );
}
