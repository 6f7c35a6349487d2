//! Signing every request of a generated client with an [`Interceptor`].
//!
//! Some APIs want each request signed: an HMAC over the method, the path, a timestamp and
//! the body, sent in headers, so that the server can check who sent it and refuse replays.
//! An interceptor added with `ClientBuilder::interceptor` runs just before **each attempt**
//! is sent, retries included, so each attempt carries its own timestamp and signature
//! instead of a replayed one.
//!
//! ```no_run
//! # async fn demo() -> Result<(), whereby::Error> {
//! use request_signing::HmacSigner;
//!
//! let client = whereby::Client::builder()
//!     .api_key("my-api-key")
//!     .interceptor(HmacSigner::new("key-id-1", b"shared secret"))
//!     .build()?;
//! client.delete_meeting("m-1").send().await?;
//! # Ok(())
//! # }
//! ```
//!
//! The signed text is
//! `METHOD \n PATH?QUERY \n TIMESTAMP \n hex(SHA-256(body))`, the timestamp in milliseconds
//! since the Unix epoch; [`HmacSigner::string_to_sign`] builds it, so a server (or a test)
//! can check a signature.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use oagen_runtime::reqwest::header::HeaderValue;
use oagen_runtime::reqwest::Request;
use oagen_runtime::{Attempt, InterceptError, Interceptor};
use sha2::{Digest, Sha256};

/// The header with the key id.
pub const KEY_ID: &str = "x-signature-key-id";
/// The header with the timestamp (milliseconds since the Unix epoch).
pub const TIMESTAMP: &str = "x-signature-timestamp";
/// The header with the hex HMAC-SHA256 signature.
pub const SIGNATURE: &str = "x-signature";

/// Signs each attempt with HMAC-SHA256 (see the [crate] documentation).
pub struct HmacSigner {
    key_id: String,
    secret: Vec<u8>,
}

impl HmacSigner {
    /// A signer with the key's id (sent in clear) and its secret.
    pub fn new(key_id: impl Into<String>, secret: &[u8]) -> Self {
        HmacSigner {
            key_id: key_id.into(),
            secret: secret.to_vec(),
        }
    }

    /// The text that is signed.
    pub fn string_to_sign(
        method: &str,
        path_and_query: &str,
        timestamp: &str,
        body: &[u8],
    ) -> String {
        format!(
            "{method}\n{path_and_query}\n{timestamp}\n{}",
            hex(&Sha256::digest(body))
        )
    }

    /// The hex signature of `text` with `secret`.
    pub fn sign(secret: &[u8], text: &str) -> String {
        // HMAC takes a key of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
        mac.update(text.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

impl Interceptor for HmacSigner {
    fn before_attempt(
        &self,
        request: &mut Request,
        _attempt: &Attempt<'_>,
    ) -> Result<(), InterceptError> {
        let millis = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
        let timestamp = millis.to_string();
        let url = request.url();
        let path_and_query = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        // A multipart (streamed) body has no bytes to hash here: refuse rather than sign
        // something else.
        let body: &[u8] = match request.body() {
            None => b"",
            Some(body) => body.as_bytes().ok_or("cannot sign a streamed body")?,
        };
        let text =
            Self::string_to_sign(request.method().as_str(), &path_and_query, &timestamp, body);
        let signature = Self::sign(&self.secret, &text);
        let headers = request.headers_mut();
        headers.insert(KEY_ID, HeaderValue::from_str(&self.key_id)?);
        headers.insert(TIMESTAMP, HeaderValue::from_str(&timestamp)?);
        headers.insert(SIGNATURE, HeaderValue::from_str(&signature)?);
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
