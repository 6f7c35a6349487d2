//! Credentials and how they are attached to requests.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};

/// A secret string such as an API key, token or password.
///
/// Its `Debug` and `Display` implementations print `***`, so a secret never ends up in
/// logs, panic messages or error messages by accident. Use [`Secret::expose`] to read
/// the value deliberately. Cloning is cheap (the value is reference-counted).
#[derive(Clone)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a string as a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }

    /// Returns the secret value. Only call this where the value must really be used.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Secret::new(value.as_str())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How a client authenticates. Set it with [`ClientBuilder::auth`](crate::ClientBuilder::auth).
///
/// Credentials are only ever sent to the origin (scheme, host and port) of the client's
/// base URL. Their `Debug` output shows `***` in place of every secret.
#[derive(Clone, Default)]
pub enum Auth {
    /// No credentials.
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic base64(<username>:<password>)`.
    Basic {
        /// The user name (not secret).
        username: String,
        /// The password or API token.
        password: Secret,
    },
    /// `<name>: [<prefix> ]<value>`, for example `Authorization: Token <key>` or
    /// `X-Api-Key: <key>`.
    Header {
        /// The header name.
        name: String,
        /// A word sent before the value, separated by one space (for example `Token`).
        prefix: Option<String>,
        /// The key.
        value: Secret,
    },
    /// `?<name>=<value>` on every request.
    Query {
        /// The query parameter name.
        name: String,
        /// The key.
        value: Secret,
    },
    /// `Cookie: <name>=<value>` on every request.
    Cookie {
        /// The cookie name.
        name: String,
        /// The key.
        value: Secret,
    },
}

impl Auth {
    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Auth::Bearer(token.into())
    }

    /// HTTP Basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Auth::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// An API key in a header, optionally after a fixed word:
    /// `Auth::header("Authorization", Some("Token"), key)` sends `Authorization: Token <key>`.
    pub fn header(name: impl Into<String>, prefix: Option<&str>, value: impl Into<Secret>) -> Self {
        Auth::Header {
            name: name.into(),
            prefix: prefix.map(str::to_owned),
            value: value.into(),
        }
    }

    /// An API key in a query parameter.
    pub fn query(name: impl Into<String>, value: impl Into<Secret>) -> Self {
        Auth::Query {
            name: name.into(),
            value: value.into(),
        }
    }

    /// An API key in a cookie.
    pub fn cookie(name: impl Into<String>, value: impl Into<Secret>) -> Self {
        Auth::Cookie {
            name: name.into(),
            value: value.into(),
        }
    }

    /// Every secret string this credential could put on the wire, used to scrub error
    /// messages and body snippets.
    pub(crate) fn secrets(&self) -> Vec<String> {
        match self {
            Auth::None => Vec::new(),
            Auth::Bearer(token) => vec![token.expose().to_owned()],
            Auth::Basic { username, password } => vec![
                password.expose().to_owned(),
                basic_credentials(username, password),
            ],
            Auth::Header { value, .. } | Auth::Query { value, .. } | Auth::Cookie { value, .. } => {
                vec![value.expose().to_owned()]
            }
        }
    }

    /// Validates the credential and turns it into what a request needs.
    pub(crate) fn prepare(&self) -> Result<PreparedAuth, String> {
        Ok(match self {
            Auth::None => PreparedAuth::None,
            Auth::Bearer(token) => PreparedAuth::Header(
                AUTHORIZATION,
                secret_header(&format!("Bearer {}", token.expose()), "Authorization")?,
            ),
            Auth::Basic { username, password } => {
                if username.contains(':') {
                    return Err("basic auth user name must not contain ':'".to_owned());
                }
                let value = format!("Basic {}", basic_credentials(username, password));
                PreparedAuth::Header(AUTHORIZATION, secret_header(&value, "Authorization")?)
            }
            Auth::Header {
                name,
                prefix,
                value,
            } => {
                let header = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("invalid auth header name `{}`", name.escape_debug()))?;
                let full = match prefix.as_deref() {
                    Some(p) if !p.is_empty() => format!("{p} {}", value.expose()),
                    _ => value.expose().to_owned(),
                };
                PreparedAuth::Header(header, secret_header(&full, name)?)
            }
            Auth::Query { name, value } => {
                if name.is_empty() {
                    return Err("auth query parameter name is empty".to_owned());
                }
                PreparedAuth::Query(name.clone(), value.clone())
            }
            Auth::Cookie { name, value } => {
                crate::headers::validate_cookie_name(name)?;
                PreparedAuth::Cookie(name.clone(), value.clone())
            }
        })
    }
}

fn basic_credentials(username: &str, password: &Secret) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{username}:{}", password.expose()))
}

/// Builds a header value marked sensitive (so `http` never prints it) without ever
/// putting the value itself into an error message.
fn secret_header(value: &str, header: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        format!(
            "the credential for header `{}` contains characters that are not allowed in a header (such as CR or LF)",
            header.escape_debug()
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A credential checked and ready to attach.
#[derive(Clone)]
pub(crate) enum PreparedAuth {
    None,
    Header(HeaderName, HeaderValue),
    Query(String, Secret),
    Cookie(String, Secret),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Bearer(token) => f.debug_tuple("Bearer").field(token).finish(),
            Auth::Basic { username, password } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", password)
                .finish(),
            Auth::Header {
                name,
                prefix,
                value,
            } => f
                .debug_struct("Header")
                .field("name", name)
                .field("prefix", prefix)
                .field("value", value)
                .finish(),
            Auth::Query { name, value } => f
                .debug_struct("Query")
                .field("name", name)
                .field("value", value)
                .finish(),
            Auth::Cookie { name, value } => f
                .debug_struct("Cookie")
                .field("name", name)
                .field("value", value)
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let s = Secret::from("hunter2-secret");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        for auth in [
            Auth::bearer("hunter2-secret"),
            Auth::basic("me@example.com", "hunter2-secret"),
            Auth::header("Authorization", Some("Token"), "hunter2-secret"),
            Auth::query("api_key", "hunter2-secret"),
            Auth::cookie("session", "hunter2-secret"),
        ] {
            let dbg = format!("{auth:?}");
            assert!(!dbg.contains("hunter2"), "{dbg}");
            assert!(dbg.contains("***"), "{dbg}");
        }
    }

    #[test]
    fn crlf_in_credential_is_rejected_without_echoing_it() {
        let err = Auth::bearer("abc\r\nX-Evil: 1")
            .prepare()
            .err()
            .unwrap_or_default();
        assert!(err.contains("CR or LF"), "{err}");
        assert!(!err.contains("X-Evil"), "{err}");
    }

    #[test]
    fn header_with_prefix() {
        match Auth::header("Authorization", Some("Token"), "k1").prepare() {
            Ok(PreparedAuth::Header(name, value)) => {
                assert_eq!(name, AUTHORIZATION);
                assert_eq!(value.to_str().ok(), Some("Token k1"));
                assert!(value.is_sensitive());
            }
            _ => panic!("expected a header"),
        }
    }
}
