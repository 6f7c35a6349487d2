//! The webhooks of a document, kept in the typed model: the 3.1 `webhooks` section as path
//! items (normalized and bundled like `paths`, which the `openapiv3` 3.0 model would drop),
//! and every `x-oagen-webhook-signature`, validated here with a diagnostic per bad value.
//! Callbacks need nothing here: they are in the 3.0 model already (`Operation::callbacks`).
//!
//! The extension's keys are documented in `specs/README.md`.

use indexmap::IndexMap;
use openapiv3::ReferenceOr;
use serde_json::{Map, Value};

use super::deserialize::try_deserialize;
use super::pointer;
use super::SourceMap;
use crate::diag::{Diagnostic, Diagnostics};

/// The extension's name.
pub const SIGNATURE_EXTENSION: &str = "x-oagen-webhook-signature";

/// The webhooks of a document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Webhooks {
    /// `webhooks` (3.1 and later), in document order: the key and its path item (refs to
    /// path items are inlined by the loader; one left over is kept as a reference).
    pub items: IndexMap<String, ReferenceOr<openapiv3::PathItem>>,
    /// Every valid `x-oagen-webhook-signature`, in document order.
    pub signatures: Vec<SignatureSpec>,
}

/// A piece of the signed content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignedPart {
    /// The raw body.
    Body,
    /// The id header's value.
    Id,
    /// The timestamp.
    Timestamp,
    /// Literal text.
    Text(String),
}

/// The signed content as the extension writes it: `{id}.{timestamp}.{body}`.
pub fn write_template(parts: &[SignedPart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            SignedPart::Body => "{body}",
            SignedPart::Id => "{id}",
            SignedPart::Timestamp => "{timestamp}",
            SignedPart::Text(t) => t,
        })
        .collect()
}

/// How signatures are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureEncoding {
    /// Hexadecimal.
    Hex,
    /// Standard base64.
    Base64,
}

/// How the secret becomes the HMAC key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretFormat {
    /// The text itself.
    Text,
    /// Base64 after an optional `whsec_`.
    Base64,
}

/// Where the timestamp is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimestampAt {
    /// A header.
    Header(String),
    /// A `key=` element of the signature header.
    SignatureParam(String),
}

/// A webhook signature scheme (HMAC-SHA256): the Standard Webhooks default, or what an
/// `x-oagen-webhook-signature` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureSpec {
    /// The pointer of the object that carries the extension (`""` for the document); empty
    /// too for the default.
    pub at: String,
    /// `scheme: standard-webhooks`, or no extension at all.
    pub standard: bool,
    /// The header holding the signatures.
    pub header: String,
    /// The signed content, in order.
    pub signed: Vec<SignedPart>,
    /// Hex or base64.
    pub encoding: SignatureEncoding,
    /// Before each signature.
    pub prefix: String,
    /// Between the elements of the signature header.
    pub separator: Option<String>,
    /// The header `{id}` stands for.
    pub id_header: Option<String>,
    /// Where `{timestamp}` comes from.
    pub timestamp: Option<TimestampAt>,
    /// Seconds either way from now.
    pub tolerance: u64,
    /// How the secret is read.
    pub secret: SecretFormat,
}

impl SignatureSpec {
    /// The Standard Webhooks scheme.
    pub fn standard_webhooks(at: &str) -> Self {
        SignatureSpec {
            at: at.to_string(),
            standard: true,
            header: "webhook-signature".into(),
            signed: vec![
                SignedPart::Id,
                SignedPart::Text(".".into()),
                SignedPart::Timestamp,
                SignedPart::Text(".".into()),
                SignedPart::Body,
            ],
            encoding: SignatureEncoding::Base64,
            prefix: "v1,".into(),
            separator: Some(" ".into()),
            id_header: Some("webhook-id".into()),
            timestamp: Some(TimestampAt::Header("webhook-timestamp".into())),
            tolerance: DEFAULT_TOLERANCE,
            secret: SecretFormat::Base64,
        }
    }
}

/// Five minutes, as the runtime's default.
const DEFAULT_TOLERANCE: u64 = 300;

const KEYS: &[&str] = &[
    "scheme",
    "header",
    "signed",
    "encoding",
    "prefix",
    "separator",
    "id-header",
    "timestamp-header",
    "timestamp-param",
    "tolerance",
    "secret",
];

/// Reads the webhooks of the (normalized, bundled) document, reporting bad ones.
pub(super) fn read(doc: &Value, sources: &SourceMap, diags: &mut Diagnostics) -> Webhooks {
    let mut out = Webhooks::default();
    if let Some(hooks) = doc.get("webhooks") {
        match hooks.as_object() {
            Some(map) => {
                for (key, item) in map.iter().filter(|(k, _)| !k.starts_with("x-")) {
                    let ptr = format!("/webhooks/{}", pointer::escape(key));
                    match try_deserialize::<ReferenceOr<openapiv3::PathItem>>(item) {
                        Ok(item) => {
                            out.items.insert(key.clone(), item);
                        }
                        Err((at, msg)) => diags.push(
                            Diagnostic::error(
                                "invalid-spec",
                                format!("webhook `{key}` is not a valid path item: {msg}"),
                            )
                            .at(sources.locate(&format!("{ptr}{at}"))),
                        ),
                    }
                }
            }
            None => diags.push(
                Diagnostic::error("invalid-spec", "`webhooks` must be a mapping")
                    .at(sources.locate("/webhooks")),
            ),
        }
    }
    for holder in holders(doc) {
        let Some(v) = pointer::get(doc, &holder).and_then(|h| h.get(SIGNATURE_EXTENSION)) else {
            continue;
        };
        let ptr = format!("{holder}/{SIGNATURE_EXTENSION}");
        match signature(v, &holder) {
            Ok(s) => out.signatures.push(s),
            Err((key, msg)) => {
                let at = match key {
                    Some(k) => format!("{ptr}/{}", pointer::escape(&k)),
                    None => ptr.clone(),
                };
                diags.push(
                    Diagnostic::error(
                        "invalid-extension",
                        format!("`{SIGNATURE_EXTENSION}`: {msg}"),
                    )
                    .at(sources.locate(&at))
                    .with_help("see `x-oagen-webhook-signature` in specs/README.md"),
                );
            }
        }
    }
    out
}

/// Where the extension may sit: the document, each webhook (path item and operations) and
/// each callback (path items and operations). In document order.
fn holders(doc: &Value) -> Vec<String> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut out = vec![String::new()];
    let items = |base: &str, map: &Map<String, Value>, out: &mut Vec<String>| {
        for (key, item) in map.iter().filter(|(k, _)| !k.starts_with("x-")) {
            let ptr = format!("{base}/{}", pointer::escape(key));
            out.push(ptr.clone());
            if let Some(obj) = item.as_object() {
                for m in METHODS.iter().filter(|m| obj.contains_key(**m)) {
                    out.push(format!("{ptr}/{m}"));
                }
            }
        }
    };
    if let Some(map) = doc.get("webhooks").and_then(Value::as_object) {
        items("/webhooks", map, &mut out);
    }
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for m in METHODS {
                let Some(cbs) = item
                    .get(m)
                    .and_then(|op| op.get("callbacks"))
                    .and_then(Value::as_object)
                else {
                    continue;
                };
                for (name, cb) in cbs {
                    if let Some(cb) = cb.as_object() {
                        let base = format!(
                            "/paths/{}/{m}/callbacks/{}",
                            pointer::escape(path),
                            pointer::escape(name)
                        );
                        items(&base, cb, &mut out);
                    }
                }
            }
        }
    }
    out
}

type Bad = (Option<String>, String);

fn text<'v>(obj: &'v Map<String, Value>, key: &'static str) -> Result<Option<&'v str>, Bad> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        Some(_) => Err((
            Some(key.into()),
            format!("`{key}` must be a non-empty string"),
        )),
    }
}

fn header_name(obj: &Map<String, Value>, key: &'static str) -> Result<Option<String>, Bad> {
    let Some(name) = text(obj, key)? else {
        return Ok(None);
    };
    // RFC 9110 token characters.
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if !name.chars().all(token) {
        return Err((
            Some(key.into()),
            format!(
                "`{key}` must be a header name, found `{}`",
                name.escape_debug()
            ),
        ));
    }
    Ok(Some(name.to_string()))
}

/// Parses the `signed` template: text with `{body}`, `{id}` and `{timestamp}`.
fn template(t: &str) -> Result<Vec<SignedPart>, String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("`signed` has a `}}` without a `{{`: `{t}`"));
        }
        if open > 0 {
            out.push(SignedPart::Text(rest[..open].to_string()));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("`signed` has a `{{` without a `}}`: `{t}`"));
        };
        let name = &rest[open + 1..open + close];
        out.push(match name {
            "body" => SignedPart::Body,
            "id" => SignedPart::Id,
            "timestamp" => SignedPart::Timestamp,
            other => {
                return Err(format!(
                    "`signed` names `{{{other}}}`; known: `{{body}}`, `{{id}}`, `{{timestamp}}`"
                ))
            }
        });
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push(SignedPart::Text(rest.to_string()));
    }
    if out.iter().filter(|p| **p == SignedPart::Body).count() != 1 {
        return Err(format!(
            "`signed` must name `{{body}}` exactly once (an unsigned body could be forged): `{t}`"
        ));
    }
    Ok(out)
}

/// Parses one extension value; the error names the key at fault, if one is.
fn signature(v: &Value, at: &str) -> Result<SignatureSpec, Bad> {
    let obj = v.as_object().ok_or((
        None,
        "must be a mapping (e.g. `header: X-Hub-Signature-256`) or `scheme: standard-webhooks`"
            .to_string(),
    ))?;
    if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err((
            Some(k.clone()),
            format!("unknown key `{k}`; known: {}", KEYS.join(", ")),
        ));
    }
    match text(obj, "scheme")? {
        None | Some("hmac-sha256") => {}
        Some("standard-webhooks") => {
            if obj.len() > 1 {
                return Err((
                    Some("scheme".into()),
                    "`scheme: standard-webhooks` takes no other keys (it fixes them all)".into(),
                ));
            }
            return Ok(SignatureSpec::standard_webhooks(at));
        }
        Some(other) => {
            return Err((
                Some("scheme".into()),
                format!("unknown scheme `{other}`; expected `standard-webhooks` or `hmac-sha256`"),
            ))
        }
    }
    let header = header_name(obj, "header")?.ok_or((
        None,
        "`header` (the header that holds the signature) is required".to_string(),
    ))?;
    let signed = match text(obj, "signed")? {
        Some(t) => template(t).map_err(|m| (Some("signed".into()), m))?,
        None => vec![SignedPart::Body],
    };
    let encoding = match text(obj, "encoding")? {
        None | Some("hex") => SignatureEncoding::Hex,
        Some("base64") => SignatureEncoding::Base64,
        Some(other) => {
            return Err((
                Some("encoding".into()),
                format!("unknown encoding `{other}`; expected `hex` or `base64`"),
            ))
        }
    };
    let secret = match text(obj, "secret")? {
        None | Some("text") => SecretFormat::Text,
        Some("base64") => SecretFormat::Base64,
        Some(other) => {
            return Err((
                Some("secret".into()),
                format!("unknown secret format `{other}`; expected `text` or `base64`"),
            ))
        }
    };
    let prefix = match obj.get("prefix") {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err((Some("prefix".into()), "`prefix` must be a string".into())),
    };
    let separator = text(obj, "separator")?.map(str::to_string);
    let id_header = header_name(obj, "id-header")?;
    let timestamp = match (
        header_name(obj, "timestamp-header")?,
        text(obj, "timestamp-param")?,
    ) {
        (Some(_), Some(_)) => {
            return Err((
                Some("timestamp-param".into()),
                "give `timestamp-header` or `timestamp-param`, not both".into(),
            ))
        }
        (Some(h), None) => Some(TimestampAt::Header(h)),
        (None, Some(p)) => {
            if separator.is_none() {
                return Err((Some("timestamp-param".into()),
                    "`timestamp-param` (a `t=` element of the signature header) needs `separator` (e.g. `,`)"
                        .into(),
                ));
            }
            Some(TimestampAt::SignatureParam(p.to_string()))
        }
        (None, None) => None,
    };
    if signed.contains(&SignedPart::Id) && id_header.is_none() {
        return Err((
            Some("signed".into()),
            "`signed` names `{id}`, so `id-header` is required".into(),
        ));
    }
    if signed.contains(&SignedPart::Timestamp) && timestamp.is_none() {
        return Err((
            Some("signed".into()),
            "`signed` names `{timestamp}`, so `timestamp-header` or `timestamp-param` is required"
                .into(),
        ));
    }
    if timestamp.is_some() && !signed.contains(&SignedPart::Timestamp) {
        return Err((
            Some("signed".into()),
            "a timestamp that is not signed protects nothing: name `{timestamp}` in `signed`"
                .into(),
        ));
    }
    let tolerance = match obj.get("tolerance") {
        None => DEFAULT_TOLERANCE,
        Some(v) => match v.as_u64() {
            Some(n) if n > 0 && timestamp.is_some() => n,
            Some(n) if n > 0 => {
                return Err((
                    Some("tolerance".into()),
                    "`tolerance` needs a timestamp (`timestamp-header` or `timestamp-param`)"
                        .into(),
                ))
            }
            _ => {
                return Err((
                    Some("tolerance".into()),
                    format!("`tolerance` must be a positive whole number of seconds, found `{v}`"),
                ))
            }
        },
    };
    Ok(SignatureSpec {
        at: at.to_string(),
        standard: false,
        header,
        signed,
        encoding,
        prefix,
        separator,
        id_header,
        timestamp,
        tolerance,
        secret,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bad(v: Value) -> Bad {
        signature(&v, "").unwrap_err()
    }

    #[test]
    fn a_github_scheme_and_a_stripe_like_one_parse() {
        let gh = signature(
            &json!({"header": "X-Hub-Signature-256", "prefix": "sha256="}),
            "",
        )
        .unwrap();
        assert_eq!(gh.signed, vec![SignedPart::Body]);
        assert_eq!(gh.encoding, SignatureEncoding::Hex);
        assert_eq!(gh.secret, SecretFormat::Text);
        let stripe = signature(
            &json!({"header": "Stripe-Signature", "separator": ",", "prefix": "v1=",
                    "timestamp-param": "t", "signed": "{timestamp}.{body}", "tolerance": 60}),
            "",
        )
        .unwrap();
        assert_eq!(
            stripe.signed,
            vec![
                SignedPart::Timestamp,
                SignedPart::Text(".".into()),
                SignedPart::Body
            ]
        );
        assert_eq!(
            stripe.timestamp,
            Some(TimestampAt::SignatureParam("t".into()))
        );
        assert_eq!(stripe.tolerance, 60);
        assert_eq!(
            signature(&json!({"scheme": "standard-webhooks"}), "/webhooks/a").unwrap(),
            SignatureSpec::standard_webhooks("/webhooks/a")
        );
    }

    #[test]
    fn bad_values_name_the_key_at_fault() {
        let cases: Vec<(Value, Option<&str>, &str)> = vec![
            (json!("sha256"), None, "must be a mapping"),
            (json!({"prefix": "x"}), None, "`header`"),
            (json!({"header": "a b"}), Some("header"), "header name"),
            (
                json!({"header": "h", "encoding": "hexx"}),
                Some("encoding"),
                "`hexx`",
            ),
            (
                json!({"header": "h", "secret": "raw"}),
                Some("secret"),
                "`raw`",
            ),
            (
                json!({"header": "h", "signed": "{id}"}),
                Some("signed"),
                "exactly once",
            ),
            (
                json!({"header": "h", "signed": "{id}.{body}"}),
                Some("signed"),
                "id-header",
            ),
            (
                json!({"header": "h", "signed": "{when}.{body}"}),
                Some("signed"),
                "`{when}`",
            ),
            (
                json!({"header": "h", "signed": "{body"}),
                Some("signed"),
                "without",
            ),
            (
                json!({"header": "h", "signed": "{timestamp}{body}"}),
                Some("signed"),
                "timestamp-header",
            ),
            (
                json!({"header": "h", "timestamp-header": "t"}),
                Some("signed"),
                "protects nothing",
            ),
            (
                json!({"header": "h", "timestamp-param": "t", "signed": "{timestamp}{body}"}),
                Some("timestamp-param"),
                "separator",
            ),
            (
                json!({"header": "h", "tolerance": 60}),
                Some("tolerance"),
                "needs a timestamp",
            ),
            (
                json!({"header": "h", "timestamp-header": "t", "signed": "{timestamp}{body}", "tolerance": -1}),
                Some("tolerance"),
                "positive",
            ),
            (
                json!({"header": "h", "colour": "red"}),
                Some("colour"),
                "unknown key `colour`",
            ),
            (
                json!({"scheme": "standard-webhooks", "header": "h"}),
                Some("scheme"),
                "no other keys",
            ),
            (json!({"scheme": "ed25519"}), Some("scheme"), "`ed25519`"),
        ];
        for (v, key, text) in cases {
            let (k, msg) = bad(v.clone());
            assert_eq!(k.as_deref(), key, "{v}: {msg}");
            assert!(msg.contains(text), "{v}: {msg}");
        }
    }
}
