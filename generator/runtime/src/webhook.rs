//! Receiving webhooks (feature `webhooks`): checking that a request really comes from the API
//! by its HMAC-SHA256 signature, then decoding its body.
//!
//! Past 800 lines only with its unit tests (the code is about 700, a third of it docs): one
//! verifier, its scheme settings and its errors.
//!
//! A [`SignatureScheme`] says where a provider puts the signature and what it signs; the
//! default, [`SignatureScheme::standard_webhooks`], is the
//! [Standard Webhooks](https://www.standardwebhooks.com) scheme. A [`Verifier`] holds a
//! scheme, one or more secrets (several while a secret is rotated) and the timestamp
//! tolerance, and refuses a request with a distinct [`WebhookError`] for each reason: a
//! missing or malformed header, a signature that matches no secret (which is also what a body
//! changed by one byte gives), a stale or a future timestamp.
//!
//! Generated crates whose API has webhooks wrap this in their `webhooks` module, whose
//! `parse(headers, body)` verifies first and then decodes the body into a typed event.
//!
//! ```
//! use oagen_runtime::webhook::{SignatureScheme, Verifier};
//!
//! let verifier = Verifier::new(
//!     SignatureScheme::standard_webhooks(),
//!     "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
//! )?;
//! let headers = [
//!     ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
//!     ("webhook-timestamp", "1614265330"),
//!     ("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
//! ];
//! let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1614265330);
//! verifier.verify_at(&headers[..], br#"{"test": 2432232314}"#, at)?;
//! # Ok::<(), oagen_runtime::webhook::WebhookError>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How long a timestamped webhook stays acceptable, either way from now, unless the scheme or
/// the verifier says otherwise: five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// One piece of the signed content, which is the pieces concatenated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signed {
    /// The raw request body, byte for byte.
    Body,
    /// The value of the scheme's id header.
    Id,
    /// The timestamp, as sent.
    Timestamp,
    /// Literal text, such as the `.` between the other pieces.
    Text(Cow<'static, str>),
}

/// How the signature bytes are written in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Standard base64, with padding.
    Base64,
    /// Hexadecimal, either case.
    Hex,
}

/// How the secret the user is given is turned into the HMAC key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretFormat {
    /// Base64, optionally after a `whsec_` prefix (padding optional): Standard Webhooks.
    Base64,
    /// The secret's text is the key, byte for byte (GitHub, Stripe and most providers).
    Text,
}

/// Where the timestamp of a signed request is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimestampSource {
    /// In a header of its own (`webhook-timestamp`).
    Header(Cow<'static, str>),
    /// As a `key=value` element of the signature header (`t=1606227791,v1=...`): the key.
    SignatureParam(Cow<'static, str>),
}

/// Where a provider puts its HMAC-SHA256 signature, and over what. Built once, usually by
/// generated code (from the spec's `x-oagen-webhook-signature`, or the Standard Webhooks
/// default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureScheme {
    header: Cow<'static, str>,
    signed: Vec<Signed>,
    encoding: Encoding,
    prefix: Cow<'static, str>,
    separator: Option<Cow<'static, str>>,
    id_header: Option<Cow<'static, str>>,
    timestamp: Option<TimestampSource>,
    tolerance: Duration,
    secret: SecretFormat,
}

impl SignatureScheme {
    /// The Standard Webhooks scheme: `webhook-signature` holds space-separated `v1,<base64>`
    /// signatures over `{webhook-id}.{webhook-timestamp}.{body}`, the secret is `whsec_`
    /// base64, and the timestamp must be within five minutes of now.
    pub fn standard_webhooks() -> Self {
        SignatureScheme {
            header: "webhook-signature".into(),
            signed: vec![
                Signed::Id,
                Signed::Text(".".into()),
                Signed::Timestamp,
                Signed::Text(".".into()),
                Signed::Body,
            ],
            encoding: Encoding::Base64,
            prefix: "v1,".into(),
            separator: Some(" ".into()),
            id_header: Some("webhook-id".into()),
            timestamp: Some(TimestampSource::Header("webhook-timestamp".into())),
            tolerance: DEFAULT_TOLERANCE,
            secret: SecretFormat::Base64,
        }
    }

    /// A scheme whose signature is in `header`, over the body alone, hex, with no prefix, no
    /// timestamp and a text secret; adjust it with the other methods.
    pub fn new(header: impl Into<Cow<'static, str>>) -> Self {
        SignatureScheme {
            header: header.into(),
            signed: vec![Signed::Body],
            encoding: Encoding::Hex,
            prefix: "".into(),
            separator: None,
            id_header: None,
            timestamp: None,
            tolerance: DEFAULT_TOLERANCE,
            secret: SecretFormat::Text,
        }
    }

    /// What is signed: these pieces, concatenated.
    pub fn signed(mut self, pieces: impl IntoIterator<Item = Signed>) -> Self {
        self.signed = pieces.into_iter().collect();
        self
    }

    /// How signatures are written.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// The text before each signature (`sha256=`, `v1,`, `v1=`); elements of the header
    /// without it are not signatures and are skipped.
    pub fn prefix(mut self, prefix: impl Into<Cow<'static, str>>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The text between the elements of the signature header, when it holds several (` `
    /// for Standard Webhooks, `,` for `t=...,v1=...`).
    pub fn separator(mut self, separator: impl Into<Cow<'static, str>>) -> Self {
        self.separator = Some(separator.into());
        self
    }

    /// The header whose value [`Signed::Id`] stands for.
    pub fn id_header(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.id_header = Some(name.into());
        self
    }

    /// Where the timestamp is; a scheme with one refuses stale and future requests.
    pub fn timestamp(mut self, source: TimestampSource) -> Self {
        self.timestamp = Some(source);
        self
    }

    /// The default timestamp tolerance of verifiers of this scheme.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// How secrets are read.
    pub fn secret_format(mut self, format: SecretFormat) -> Self {
        self.secret = format;
        self
    }

    /// The header that holds the signatures.
    pub fn header(&self) -> &str {
        &self.header
    }
}

/// Why a webhook request was refused, or could not be decoded after it was verified.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header the scheme needs is absent.
    MissingHeader {
        /// Its name.
        name: String,
    },
    /// A header is there but cannot be read: not UTF-8, no signature with the scheme's
    /// prefix, a signature that is not valid base64 or hex, a timestamp that is not a number.
    MalformedHeader {
        /// Its name.
        name: String,
        /// What is wrong (never the value itself).
        reason: String,
    },
    /// No signature in the header matches the content under any of the secrets: the request
    /// was not signed with them, or something signed (the body, the timestamp, the id) was
    /// changed on the way.
    WrongSignature,
    /// The signature matches but the timestamp is older than the tolerance: a replay.
    StaleTimestamp {
        /// How old it is.
        age: Duration,
        /// The tolerance it exceeds.
        tolerance: Duration,
    },
    /// The signature matches but the timestamp lies further in the future than the tolerance.
    FutureTimestamp {
        /// How far ahead it is.
        ahead: Duration,
        /// The tolerance it exceeds.
        tolerance: Duration,
    },
    /// A secret given to [`Verifier::new`] is empty or not in the scheme's format.
    InvalidSecret {
        /// What is wrong (never the secret itself).
        reason: String,
    },
    /// The request is authentic but names an event the generated code does not know.
    UnknownEvent {
        /// Where the event's name was read (`header X-Event` or `body property type`).
        selector: String,
        /// The name.
        value: String,
    },
    /// The request is authentic but its body does not decode into the event's type.
    Decode {
        /// The JSON path that failed (`.` for the whole body).
        path: String,
        /// What was wrong there.
        message: String,
    },
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MissingHeader { name } => {
                write!(f, "webhook refused: header `{name}` is missing")
            }
            WebhookError::MalformedHeader { name, reason } => {
                write!(f, "webhook refused: header `{name}` is malformed: {reason}")
            }
            WebhookError::WrongSignature => write!(
                f,
                "webhook refused: no signature matches the request under the configured secrets"
            ),
            WebhookError::StaleTimestamp { age, tolerance } => write!(
                f,
                "webhook refused: its timestamp is {}s old, more than the tolerance of {}s",
                age.as_secs(),
                tolerance.as_secs()
            ),
            WebhookError::FutureTimestamp { ahead, tolerance } => write!(
                f,
                "webhook refused: its timestamp is {}s in the future, more than the tolerance of {}s",
                ahead.as_secs(),
                tolerance.as_secs()
            ),
            WebhookError::InvalidSecret { reason } => {
                write!(f, "invalid webhook secret: {reason}")
            }
            WebhookError::UnknownEvent { selector, value } => {
                write!(f, "unknown webhook event `{value}` (from {selector})")
            }
            WebhookError::Decode { path, message } => {
                write!(f, "cannot decode the webhook body at `{path}`: {message}")
            }
        }
    }
}

impl std::error::Error for WebhookError {}

/// The headers of a received request, as the web framework hands them over. Implemented for
/// `http::HeaderMap` (what axum, hyper and reqwest use; re-exported as
/// [`reqwest::header::HeaderMap`]), for slices and vectors of name/value pairs, and for maps
/// from names to values; names are matched without regard to case.
pub trait Headers {
    /// The value of the first header called `name` (any case), as bytes.
    fn header(&self, name: &str) -> Option<&[u8]>;
}

impl Headers for reqwest::header::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(|v| v.as_bytes())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> Headers for std::collections::BTreeMap<K, V> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, S> Headers for std::collections::HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

/// The value of header `name` as text: [`WebhookError::MissingHeader`] when absent,
/// [`WebhookError::MalformedHeader`] when not UTF-8. For generated code that selects the
/// event by a header.
pub fn header_text<'h, H: Headers + ?Sized>(
    headers: &'h H,
    name: &str,
) -> Result<&'h str, WebhookError> {
    let raw = headers
        .header(name)
        .ok_or_else(|| WebhookError::MissingHeader { name: name.into() })?;
    std::str::from_utf8(raw).map_err(|_| malformed(name, "the value is not UTF-8"))
}

fn malformed(name: &str, reason: impl Into<String>) -> WebhookError {
    WebhookError::MalformedHeader {
        name: name.into(),
        reason: reason.into(),
    }
}

/// Checks webhook signatures: a scheme, the secrets, the timestamp tolerance. Its `Debug`
/// output never shows the secrets.
#[derive(Clone)]
pub struct Verifier {
    scheme: SignatureScheme,
    keys: Vec<Vec<u8>>,
    tolerance: Duration,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.scheme)
            .field("secrets", &format_args!("[*** x {}]", self.keys.len()))
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Verifier {
    /// A verifier of `scheme` with one secret, as the provider shows it (for Standard
    /// Webhooks `whsec_` and base64).
    ///
    /// # Errors
    /// [`WebhookError::InvalidSecret`] for an empty secret or one that is not in the scheme's
    /// format.
    pub fn new(scheme: SignatureScheme, secret: impl AsRef<str>) -> Result<Self, WebhookError> {
        let key = key_of(scheme.secret, secret.as_ref())?;
        Ok(Verifier {
            tolerance: scheme.tolerance,
            scheme,
            keys: vec![key],
        })
    }

    /// Also accepts signatures made with `secret`: while a secret is rotated, give the old and
    /// the new one; a request passes when any of its signatures matches any secret.
    ///
    /// # Errors
    /// As [`Verifier::new`].
    pub fn with_secret(mut self, secret: impl AsRef<str>) -> Result<Self, WebhookError> {
        self.keys.push(key_of(self.scheme.secret, secret.as_ref())?);
        Ok(self)
    }

    /// How far the timestamp may be from now, either way (the scheme's, five minutes unless
    /// it says otherwise).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The scheme.
    pub fn scheme(&self) -> &SignatureScheme {
        &self.scheme
    }

    /// Verifies a request against the current time: the signature first, then the timestamp.
    ///
    /// # Errors
    /// A [`WebhookError`] naming why the request is refused.
    pub fn verify<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<(), WebhookError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// [`Verifier::verify`] as if the time were `now` (for tests and replays).
    ///
    /// # Errors
    /// As [`Verifier::verify`].
    pub fn verify_at<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let s = &self.scheme;
        let value = header_text(headers, &s.header)?;
        let elements: Vec<&str> = match &s.separator {
            Some(sep) => value.split(&**sep).map(str::trim).collect(),
            None => vec![value.trim()],
        };
        let timestamp = match &s.timestamp {
            None => None,
            Some(TimestampSource::Header(name)) => {
                Some((header_text(headers, name)?.trim(), &**name))
            }
            Some(TimestampSource::SignatureParam(key)) => {
                let found = elements.iter().find_map(|e| {
                    e.strip_prefix(&**key)
                        .and_then(|rest| rest.strip_prefix('='))
                });
                match found {
                    Some(t) => Some((t, &*s.header)),
                    None => {
                        return Err(malformed(
                            &s.header,
                            format!("no `{key}=` timestamp element"),
                        ))
                    }
                }
            }
        };
        let seconds = match timestamp {
            Some((text, name)) => match text.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    return Err(malformed(
                        name,
                        "the timestamp is not a whole number of seconds",
                    ))
                }
            },
            None => None,
        };
        let id = match &s.id_header {
            Some(name) if s.signed.contains(&Signed::Id) => Some(header_text(headers, name)?),
            _ => None,
        };
        let mut candidates = Vec::new();
        let mut undecodable = 0usize;
        for element in &elements {
            let Some(sig) = element.strip_prefix(&*s.prefix) else {
                continue;
            };
            match decode_signature(s.encoding, sig) {
                Some(bytes) => candidates.push(bytes),
                None => undecodable += 1,
            }
        }
        if candidates.is_empty() {
            let reason = if undecodable > 0 {
                format!(
                    "no signature is valid {}",
                    match s.encoding {
                        Encoding::Base64 => "base64",
                        Encoding::Hex => "hex",
                    }
                )
            } else if s.prefix.is_empty() {
                "no signature".to_string()
            } else {
                format!("no signature starts with `{}`", s.prefix)
            };
            return Err(malformed(&s.header, reason));
        }
        let ts_text = timestamp.map(|(t, _)| t).unwrap_or("");
        let matched = self.keys.iter().any(|key| {
            let mac = self.mac(key, id.unwrap_or(""), ts_text, body);
            // `verify_slice` compares in constant time.
            candidates
                .iter()
                .any(|c| mac.clone().verify_slice(c).is_ok())
        });
        if !matched {
            return Err(WebhookError::WrongSignature);
        }
        if let Some(sent) = seconds {
            let now = now
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            let tolerance = self.tolerance.as_secs() as i64;
            if now.saturating_sub(sent) > tolerance {
                return Err(WebhookError::StaleTimestamp {
                    age: Duration::from_secs(now.saturating_sub(sent) as u64),
                    tolerance: self.tolerance,
                });
            }
            if sent.saturating_sub(now) > tolerance {
                return Err(WebhookError::FutureTimestamp {
                    ahead: Duration::from_secs(sent.saturating_sub(now) as u64),
                    tolerance: self.tolerance,
                });
            }
        }
        Ok(())
    }

    /// The signature header's value for a request with this id, timestamp and body, signed
    /// with the first secret: what the provider would send (for tests of webhook handlers).
    /// With a [`TimestampSource::SignatureParam`], the timestamp element comes first.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let ts = timestamp.to_string();
        let tag = self
            .mac(&self.keys[0], id, &ts, body)
            .finalize()
            .into_bytes();
        let sig = match self.scheme.encoding {
            Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(tag),
            Encoding::Hex => hex::encode(tag),
        };
        let sig = format!("{}{sig}", self.scheme.prefix);
        match (&self.scheme.timestamp, &self.scheme.separator) {
            (Some(TimestampSource::SignatureParam(key)), Some(sep)) => {
                format!("{key}={ts}{sep}{sig}")
            }
            _ => sig,
        }
    }

    fn mac(&self, key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
        // HMAC takes keys of any length.
        let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts any key length");
        for piece in &self.scheme.signed {
            match piece {
                Signed::Body => mac.update(body),
                Signed::Id => mac.update(id.as_bytes()),
                Signed::Timestamp => mac.update(timestamp.as_bytes()),
                Signed::Text(t) => mac.update(t.as_bytes()),
            }
        }
        mac
    }
}

fn key_of(format: SecretFormat, secret: &str) -> Result<Vec<u8>, WebhookError> {
    let invalid = |reason: &str| WebhookError::InvalidSecret {
        reason: reason.into(),
    };
    match format {
        SecretFormat::Text if secret.is_empty() => Err(invalid("the secret is empty")),
        SecretFormat::Text => Ok(secret.as_bytes().to_vec()),
        SecretFormat::Base64 => {
            let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
            if b64.is_empty() {
                return Err(invalid("the secret is empty"));
            }
            let engine = base64::engine::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                // As the scheme's reference libraries read secrets: padding optional, and
                // the unused bits of the last character ignored.
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
                    .with_decode_allow_trailing_bits(true),
            );
            engine
                .decode(b64)
                .map_err(|_| invalid("the secret is not base64 (after an optional `whsec_`)"))
        }
    }
}

fn decode_signature(encoding: Encoding, text: &str) -> Option<Vec<u8>> {
    match encoding {
        Encoding::Base64 => base64::engine::general_purpose::STANDARD.decode(text).ok(),
        Encoding::Hex => hex::decode(text).ok(),
    }
}

/// Decodes a verified JSON body into `T`, naming the JSON path of a failure.
///
/// # Errors
/// [`WebhookError::Decode`].
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebhookError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| WebhookError::Decode {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    de.end().map_err(|e| WebhookError::Decode {
        path: ".".into(),
        message: e.to_string(),
    })?;
    Ok(value)
}

/// A verified text body.
///
/// # Errors
/// [`WebhookError::Decode`] when it is not UTF-8.
pub fn decode_text(body: &[u8]) -> Result<String, WebhookError> {
    String::from_utf8(body.to_vec()).map_err(|e| WebhookError::Decode {
        path: ".".into(),
        message: e.to_string(),
    })
}

/// A verified form body (`application/x-www-form-urlencoded`).
///
/// # Errors
/// [`WebhookError::Decode`].
pub fn decode_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebhookError> {
    serde_urlencoded::from_bytes(body).map_err(|e| WebhookError::Decode {
        path: ".".into(),
        message: e.to_string(),
    })
}

/// The string value of the top-level property `name` of a JSON object body, without decoding
/// the rest (for generated code that selects the event by a property such as `type`).
///
/// # Errors
/// [`WebhookError::Decode`] when the body is not a JSON object or the property is missing or
/// not a string.
pub fn body_tag(body: &[u8], name: &str) -> Result<String, WebhookError> {
    struct Seed<'n>(&'n str);
    impl<'de> serde::de::DeserializeSeed<'de> for Seed<'_> {
        type Value = Option<String>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> serde::de::Visitor<'de> for Seed<'_> {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                if key == self.0 && found.is_none() {
                    found = Some(map.next_value::<String>()?);
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = serde::de::DeserializeSeed::deserialize(Seed(name), &mut de).map_err(|e| {
        WebhookError::Decode {
            path: ".".into(),
            message: e.to_string(),
        }
    })?;
    found.ok_or_else(|| WebhookError::Decode {
        path: name.into(),
        message: format!("missing property `{name}`, which names the event"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The Standard Webhooks test vector (published with the scheme's reference libraries):
    // this secret, id, timestamp and body sign to this signature.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn at(secs: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs as u64)
    }

    fn standard() -> Verifier {
        Verifier::new(SignatureScheme::standard_webhooks(), SECRET).unwrap()
    }

    fn headers(id: &str, ts: &str, sig: &str) -> Vec<(String, String)> {
        vec![
            ("webhook-id".into(), id.into()),
            ("webhook-timestamp".into(), ts.into()),
            ("webhook-signature".into(), sig.into()),
        ]
    }

    #[test]
    fn the_published_vector_signs_and_verifies() {
        assert_eq!(standard().sign(ID, TS, BODY), SIG);
        standard()
            .verify_at(&headers(ID, &TS.to_string(), SIG), BODY, at(TS))
            .unwrap();
        // The same secret without its prefix, and unpadded base64 secrets, are accepted.
        let bare = Verifier::new(SignatureScheme::standard_webhooks(), &SECRET[6..]).unwrap();
        bare.verify_at(&headers(ID, &TS.to_string(), SIG), BODY, at(TS))
            .unwrap();
        let unpadded = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS";
        let padded = Verifier::new(SignatureScheme::standard_webhooks(), format!("{unpadded}="));
        let unpadded = Verifier::new(SignatureScheme::standard_webhooks(), unpadded).unwrap();
        assert_eq!(
            unpadded.sign(ID, TS, BODY),
            padded.unwrap().sign(ID, TS, BODY)
        );
    }

    #[test]
    fn a_body_changed_by_one_byte_is_a_wrong_signature() {
        let mut body = BODY.to_vec();
        body[10] ^= 1;
        let err = standard()
            .verify_at(&headers(ID, &TS.to_string(), SIG), &body, at(TS))
            .unwrap_err();
        assert_eq!(err, WebhookError::WrongSignature);
        // An extra byte at the end, too.
        let mut longer = BODY.to_vec();
        longer.push(b' ');
        let err = standard()
            .verify_at(&headers(ID, &TS.to_string(), SIG), &longer, at(TS))
            .unwrap_err();
        assert_eq!(err, WebhookError::WrongSignature);
    }

    #[test]
    fn a_wrong_signature_secret_id_or_timestamp_is_refused() {
        // The last character of the published signature changed (a published negative case).
        let wrong = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=";
        let err = standard()
            .verify_at(&headers(ID, &TS.to_string(), wrong), BODY, at(TS))
            .unwrap_err();
        assert_eq!(err, WebhookError::WrongSignature);
        let other = Verifier::new(
            SignatureScheme::standard_webhooks(),
            "whsec_b3RoZXIgc2VjcmV0",
        )
        .unwrap();
        let err = other
            .verify_at(&headers(ID, &TS.to_string(), SIG), BODY, at(TS))
            .unwrap_err();
        assert_eq!(err, WebhookError::WrongSignature);
        // The id and the timestamp are signed.
        let err = standard()
            .verify_at(&headers("msg_other", &TS.to_string(), SIG), BODY, at(TS))
            .unwrap_err();
        assert_eq!(err, WebhookError::WrongSignature);
        let err = standard()
            .verify_at(&headers(ID, &(TS + 1).to_string(), SIG), BODY, at(TS))
            .unwrap_err();
        assert_eq!(err, WebhookError::WrongSignature);
    }

    #[test]
    fn any_of_several_signatures_and_any_of_several_secrets_passes() {
        let several = format!(
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {SIG} v1a,AAAA"
        );
        standard()
            .verify_at(&headers(ID, &TS.to_string(), &several), BODY, at(TS))
            .unwrap();
        // Rotation: the request is signed with the old secret, the verifier knows both.
        let rotated = Verifier::new(
            SignatureScheme::standard_webhooks(),
            "whsec_bmV3IHNlY3JldCBieXRlcw==",
        )
        .unwrap()
        .with_secret(SECRET)
        .unwrap();
        rotated
            .verify_at(&headers(ID, &TS.to_string(), SIG), BODY, at(TS))
            .unwrap();
    }

    #[test]
    fn stale_and_future_timestamps_are_refused_beyond_the_tolerance() {
        let h = headers(ID, &TS.to_string(), SIG);
        standard().verify_at(&h, BODY, at(TS + 300)).unwrap();
        standard().verify_at(&h, BODY, at(TS - 300)).unwrap();
        assert_eq!(
            standard().verify_at(&h, BODY, at(TS + 301)).unwrap_err(),
            WebhookError::StaleTimestamp {
                age: Duration::from_secs(301),
                tolerance: DEFAULT_TOLERANCE
            }
        );
        assert_eq!(
            standard().verify_at(&h, BODY, at(TS - 301)).unwrap_err(),
            WebhookError::FutureTimestamp {
                ahead: Duration::from_secs(301),
                tolerance: DEFAULT_TOLERANCE
            }
        );
        // A wider tolerance accepts it; a narrower one refuses what the default accepts.
        let wide = standard().tolerance(Duration::from_secs(600));
        wide.verify_at(&h, BODY, at(TS + 301)).unwrap();
        let narrow = standard().tolerance(Duration::from_secs(10));
        assert!(matches!(
            narrow.verify_at(&h, BODY, at(TS + 11)),
            Err(WebhookError::StaleTimestamp { .. })
        ));
    }

    #[test]
    fn each_missing_header_is_named() {
        for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            let mut h = headers(ID, &TS.to_string(), SIG);
            h.retain(|(k, _)| k != name);
            assert_eq!(
                standard().verify_at(&h, BODY, at(TS)).unwrap_err(),
                WebhookError::MissingHeader { name: name.into() },
                "{name}"
            );
        }
    }

    #[test]
    fn malformed_headers_are_refused_as_malformed() {
        let cases = [
            (headers(ID, "hello", SIG), "webhook-timestamp"),
            (
                headers(ID, &TS.to_string(), "g0hM9SsE+OTPJTGt"),
                "webhook-signature",
            ),
            (
                headers(ID, &TS.to_string(), "v1,not base64!"),
                "webhook-signature",
            ),
            (headers(ID, &TS.to_string(), ""), "webhook-signature"),
        ];
        for (h, name) in cases {
            match standard().verify_at(&h, BODY, at(TS)) {
                Err(WebhookError::MalformedHeader { name: n, .. }) => assert_eq!(n, name),
                other => panic!("{name}: {other:?}"),
            }
        }
        // Not UTF-8.
        let mut map = reqwest::header::HeaderMap::new();
        map.insert("webhook-id", ID.parse().unwrap());
        map.insert("webhook-timestamp", TS.to_string().parse().unwrap());
        map.insert(
            "webhook-signature",
            reqwest::header::HeaderValue::from_bytes(b"v1,\xff").unwrap(),
        );
        assert!(matches!(
            standard().verify_at(&map, BODY, at(TS)),
            Err(WebhookError::MalformedHeader { .. })
        ));
    }

    #[test]
    fn an_http_header_map_is_read_without_regard_to_case() {
        let mut map = reqwest::header::HeaderMap::new();
        map.insert("Webhook-Id", ID.parse().unwrap());
        map.insert("Webhook-Timestamp", TS.to_string().parse().unwrap());
        map.insert("Webhook-Signature", SIG.parse().unwrap());
        standard().verify_at(&map, BODY, at(TS)).unwrap();
        let pairs = [
            ("WEBHOOK-ID", ID),
            ("webhook-timestamp", "1614265330"),
            ("Webhook-Signature", SIG),
        ];
        standard().verify_at(&pairs[..], BODY, at(TS)).unwrap();
    }

    #[test]
    fn bad_secrets_are_refused_at_construction() {
        for s in ["", "whsec_", "whsec_not base64!"] {
            assert!(matches!(
                Verifier::new(SignatureScheme::standard_webhooks(), s),
                Err(WebhookError::InvalidSecret { .. })
            ));
        }
        assert!(Verifier::new(SignatureScheme::new("x-sig"), "").is_err());
        let v = standard();
        assert!(!format!("{v:?}").contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }

    /// GitHub's scheme: `X-Hub-Signature-256: sha256=<hex>` over the body, with the secret's
    /// text as the key. The vector is GitHub's documented example (secret "It's a Secret to
    /// Everybody", body "Hello, World!").
    #[test]
    fn a_github_style_hex_scheme_over_the_body() {
        let scheme = SignatureScheme::new("X-Hub-Signature-256").prefix("sha256=");
        let v = Verifier::new(scheme, "It's a Secret to Everybody").unwrap();
        let sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(v.sign("", 0, b"Hello, World!"), sig);
        v.verify(&[("x-hub-signature-256", sig)][..], b"Hello, World!")
            .unwrap();
        assert_eq!(
            v.verify(&[("x-hub-signature-256", sig)][..], b"Hello, World?")
                .unwrap_err(),
            WebhookError::WrongSignature
        );
        // Upper-case hex is hex too; the old SHA-1 header's prefix is not this scheme's.
        v.verify(
            &[(
                "x-hub-signature-256",
                sig.to_uppercase().replace("SHA256=", "sha256="),
            )][..],
            b"Hello, World!",
        )
        .unwrap();
        assert!(matches!(
            v.verify(
                &[("x-hub-signature-256", "sha1=abcd")][..],
                b"Hello, World!"
            ),
            Err(WebhookError::MalformedHeader { .. })
        ));
        assert_eq!(
            v.verify(&[("x-other", sig)][..], b"Hello, World!")
                .unwrap_err(),
            WebhookError::MissingHeader {
                name: "X-Hub-Signature-256".into()
            }
        );
    }

    /// Stripe-like (Whereby documents the same): `Signature: t=<ts>,v1=<hex>` over
    /// `{t}.{body}`; elements other than `t=` and `v1=` (`v0=`) are skipped.
    #[test]
    fn a_stripe_like_scheme_with_the_timestamp_in_the_signature_header() {
        let scheme = SignatureScheme::new("Whereby-Signature")
            .separator(",")
            .prefix("v1=")
            .timestamp(TimestampSource::SignatureParam("t".into()))
            .signed([Signed::Timestamp, Signed::Text(".".into()), Signed::Body])
            .tolerance(Duration::from_secs(60));
        let v = Verifier::new(scheme, "whsec_plain_text_secret").unwrap();
        let body = br#"{"type":"room.client.joined"}"#;
        let header = v.sign("", 1606227791, body);
        assert!(header.starts_with("t=1606227791,v1="), "{header}");
        // The signature is HMAC-SHA256 over "1606227791." + body, hex.
        let mut mac = HmacSha256::new_from_slice(b"whsec_plain_text_secret").unwrap();
        mac.update(b"1606227791.");
        mac.update(body);
        assert_eq!(&header[16..], hex::encode(mac.finalize().into_bytes()));
        let h = [("whereby-signature", format!("{header},v0=00"))];
        v.verify_at(&h[..], body, at(1606227791 + 60)).unwrap();
        assert!(matches!(
            v.verify_at(&h[..], body, at(1606227791 + 61)),
            Err(WebhookError::StaleTimestamp { .. })
        ));
        assert!(matches!(
            v.verify_at(&h[..], body, at(1606227791 - 61)),
            Err(WebhookError::FutureTimestamp { .. })
        ));
        assert_eq!(
            v.verify_at(&h[..], &body[1..], at(1606227791)).unwrap_err(),
            WebhookError::WrongSignature
        );
        // The timestamp is signed: moving it forward breaks the signature.
        let moved = [(
            "whereby-signature",
            header.replace("t=1606227791", "t=1606227799"),
        )];
        assert_eq!(
            v.verify_at(&moved[..], body, at(1606227799)).unwrap_err(),
            WebhookError::WrongSignature
        );
        let no_ts = [("whereby-signature", header[13..].to_string())];
        assert!(matches!(
            v.verify_at(&no_ts[..], body, at(1606227791)),
            Err(WebhookError::MalformedHeader { .. })
        ));
    }

    #[test]
    fn the_event_tag_is_read_from_the_body() {
        assert_eq!(
            body_tag(
                br#"{"data": {"type": "x"}, "type": "invoice.paid", "n": [1]}"#,
                "type"
            )
            .unwrap(),
            "invoice.paid"
        );
        assert!(matches!(
            body_tag(br#"{"kind": "a"}"#, "type"),
            Err(WebhookError::Decode { .. })
        ));
        assert!(matches!(
            body_tag(b"[1]", "type"),
            Err(WebhookError::Decode { .. })
        ));
        assert!(matches!(
            body_tag(br#"{"type": 1}"#, "type"),
            Err(WebhookError::Decode { .. })
        ));
    }

    #[test]
    fn a_body_that_does_not_decode_names_the_path() {
        #[derive(serde::Deserialize, Debug)]
        struct P {
            #[allow(dead_code)]
            n: u32,
        }
        match decode_json::<P>(br#"{"n": "x"}"#) {
            Err(WebhookError::Decode { path, .. }) => assert_eq!(path, "n"),
            other => panic!("{other:?}"),
        }
        assert!(decode_json::<P>(br#"{"n": 1} trailing"#).is_err());
    }
}
