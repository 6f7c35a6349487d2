//! Header and cookie checks shared by the client, its credentials and its requests, and the
//! origin rule: the lowest layer of request building (it imports nothing of this crate).

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Url;

/// Characters percent-encoded in cookie values: those RFC 6265 does not allow.
pub(crate) const COOKIE_VALUE: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\');

/// Validates a header name and value. The error never includes the value.
pub(crate) fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let header = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("invalid header name `{}`", name.escape_debug()))?;
    if value.contains(['\r', '\n']) {
        return Err(format!(
            "the value of header `{header}` contains CR or LF; it was not sent"
        ));
    }
    let value = HeaderValue::from_str(value).map_err(|_| {
        format!("the value of header `{header}` contains control characters; it was not sent")
    })?;
    Ok((header, value))
}

/// Checks that a cookie name is an RFC 6265 token.
pub(crate) fn validate_cookie_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!("invalid cookie name `{}`", name.escape_debug()))
    }
}

pub(crate) fn cookie_pair(name: &str, value: &str) -> Result<String, String> {
    validate_cookie_name(name)?;
    Ok(format!(
        "{name}={}",
        utf8_percent_encode(value, COOKIE_VALUE)
    ))
}

/// Headers that carry credentials whatever the API: their values never show.
pub(crate) const CREDENTIAL_HEADERS: [&str; 3] = ["authorization", "proxy-authorization", "cookie"];

/// Whether header `name` carries a credential: `Authorization`, `Proxy-Authorization`,
/// `Cookie`, or one of `extra` (compared without regard to case).
pub(crate) fn is_credential_header(name: &str, extra: &[&str]) -> bool {
    CREDENTIAL_HEADERS
        .iter()
        .chain(extra)
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// Whether two URLs share scheme, host and port.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}
