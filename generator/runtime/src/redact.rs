//! Scrubbing credentials out of anything that could be displayed.

use reqwest::Url;

/// Knows the client's secrets and removes them from text, URLs and transport errors.
#[derive(Debug, Default)]
pub(crate) struct Redactor {
    /// Secret strings (never printed: `Debug` of this struct is only used in tests).
    secrets: Vec<SecretText>,
    /// The query parameters carrying credentials (query API keys).
    query_params: Vec<String>,
}

struct SecretText(String);

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

pub(crate) const MASK: &str = "***";

impl Redactor {
    pub(crate) fn new(secrets: Vec<String>, query_params: Vec<String>) -> Self {
        let mut secrets: Vec<SecretText> = secrets
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(SecretText)
            .collect();
        // Longest first, so that a secret containing another is masked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.0.len()));
        Redactor {
            secrets,
            query_params,
        }
    }

    /// This redactor with more secrets (a request's own credential headers).
    pub(crate) fn with_secrets(&self, more: impl IntoIterator<Item = String>) -> Redactor {
        let secrets = self
            .secrets
            .iter()
            .map(|s| s.0.clone())
            .chain(more)
            .collect();
        Redactor::new(secrets, self.query_params.clone())
    }

    /// Replaces every occurrence of a secret in `text` with `***`.
    pub(crate) fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.0.as_str()) {
                out = out.replace(secret.0.as_str(), MASK);
            }
        }
        out
    }

    /// Whether `text` contains any secret.
    pub(crate) fn contains_secret(&self, text: &str) -> bool {
        self.secrets.iter().any(|s| text.contains(s.0.as_str()))
    }

    /// Path and query of a URL without the credential's query parameter: what names a page
    /// whether or not the link carried the credential.
    pub(crate) fn page_key(&self, url: &Url) -> String {
        let query = url.query().unwrap_or_default();
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                let key = pair.split('=').next().unwrap_or_default();
                !pair.is_empty() && !self.is_credential_param(&decode(key))
            })
            .collect();
        format!("{}?{}", url.path(), kept.join("&"))
    }

    fn is_credential_param(&self, name: &str) -> bool {
        self.query_params.iter().any(|p| p == name)
    }

    /// Masks the credential's query parameter (and any secret text) in a URL.
    pub(crate) fn url(&self, url: &Url) -> Url {
        let mut url = url.clone();
        self.url_in_place(&mut url);
        url
    }

    fn url_in_place(&self, url: &mut Url) {
        let Some(query) = url.query() else { return };
        if self.query_params.is_empty() {
            return;
        }
        let rewritten: Vec<String> = query
            .split('&')
            .map(|pair| {
                let key = pair.split('=').next().unwrap_or_default();
                if self.is_credential_param(&decode(key)) {
                    format!("{key}={MASK}")
                } else {
                    pair.to_owned()
                }
            })
            .collect();
        url.set_query(Some(&rewritten.join("&")));
    }

    /// Masks the URL carried by a transport error.
    pub(crate) fn reqwest_error(&self, mut err: reqwest::Error) -> reqwest::Error {
        if let Some(url) = err.url_mut() {
            self.url_in_place(url);
        }
        err
    }

    /// A URL as text for error messages, with the credential masked.
    pub(crate) fn url_string(&self, url: &Url) -> String {
        self.text(self.url(url).as_str())
    }
}

/// Percent-decodes a query component (`+` is a space).
pub(crate) fn decode(component: &str) -> String {
    let spaced = component.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// A `Debug` view of `(name, value)` header pairs that prints `***` for the value of every
/// credential-bearing header: `Authorization`, `Proxy-Authorization`, `Cookie`, and the
/// names in `credentials` (compared without regard to case). Generated request builders
/// print their per-request headers through it.
///
/// ```
/// let headers = vec![
///     ("Authorization".to_owned(), "Bearer hunter2".to_owned()),
///     ("X-Api-Key".to_owned(), "k-1".to_owned()),
///     ("Accept".to_owned(), "text/plain".to_owned()),
/// ];
/// let shown = format!("{:?}", oagen_runtime::RedactedHeaders::new(&headers, &["x-api-key"]));
/// assert_eq!(shown, r#"[("Authorization", ***), ("X-Api-Key", ***), ("Accept", "text/plain")]"#);
/// ```
pub struct RedactedHeaders<'a> {
    headers: &'a [(String, String)],
    credentials: &'a [&'a str],
}

impl<'a> RedactedHeaders<'a> {
    /// Wraps `headers`; `credentials` names the API's own credential headers.
    pub fn new(headers: &'a [(String, String)], credentials: &'a [&'a str]) -> Self {
        RedactedHeaders {
            headers,
            credentials,
        }
    }
}

impl std::fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut list = f.debug_list();
        for (name, value) in self.headers {
            if crate::headers::is_credential_header(name, self.credentials) {
                list.entry(&(name, Masked));
            } else {
                list.entry(&(name, value));
            }
        }
        list.finish()
    }
}

/// Prints `***`.
pub(crate) struct Masked;

impl std::fmt::Debug for Masked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(MASK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_text_and_query() {
        let r = Redactor::new(vec!["sekrit".into(), "".into()], vec!["api_key".into()]);
        assert_eq!(r.text("token sekrit here"), "token *** here");
        let url = Url::parse("https://x.test/a?b=1&api_key=sekrit&c=2").expect("valid");
        assert_eq!(r.url_string(&url), "https://x.test/a?b=1&api_key=***&c=2");
    }
}
