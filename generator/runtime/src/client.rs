//! The configured client shared by every request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;

use crate::auth::{Auth, PreparedAuth};
use crate::error::Error;
use crate::intercept::{Interceptor, Interceptors};
use crate::redact::Redactor;
use crate::retry::RetryPolicy;

/// The version of this runtime crate (re-exported at the crate root).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Builds the conventional `User-Agent` value for a generated client:
/// `"<crate_name>/<crate_version> oagen-runtime/<runtime version>"`.
///
/// ```
/// let ua = oagen_runtime::user_agent("weflow", "1.2.0");
/// assert!(ua.starts_with("weflow/1.2.0 oagen-runtime/"));
/// ```
pub fn user_agent(crate_name: &str, crate_version: &str) -> String {
    format!("{crate_name}/{crate_version} oagen-runtime/{VERSION}")
}

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REDIRECTS: usize = 10;
/// The default of [`ClientBuilder::max_error_body`]: 1 MiB.
const DEFAULT_MAX_ERROR_BODY: usize = 1024 * 1024;

/// Configures and builds a [`Client`].
///
/// Defaults: no authentication, the [default retry policy](RetryPolicy::default), a
/// 10 s connect timeout, no total timeout (set one with [`timeout`](Self::timeout)),
/// `User-Agent: oagen-runtime/<version>`, and redirects followed only within the base
/// URL's origin (at most 10).
///
/// ```
/// use std::time::Duration;
/// use oagen_runtime::{Auth, ClientBuilder};
///
/// let client = ClientBuilder::new("https://flows.weni.ai")
///     .auth(Auth::header("Authorization", Some("Token"), "my-key"))
///     .timeout(Duration::from_secs(30))
///     .build()
///     .unwrap();
/// assert_eq!(client.base_url(), "https://flows.weni.ai");
/// assert!(!format!("{client:?}").contains("my-key"));
/// ```
pub struct ClientBuilder {
    base_url: String,
    auth: Auth,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: Option<String>,
    default_headers: Vec<(String, String)>,
    http: Option<reqwest::Client>,
    max_error_body: usize,
    sensitive_headers: Vec<String>,
    /// Declared security schemes: name and the environment variable that holds the credential.
    schemes: Vec<(String, String)>,
    /// One credential per security scheme, by scheme name.
    credentials: Vec<(String, Auth)>,
    interceptors: Interceptors,
}

impl ClientBuilder {
    /// Starts a builder for the API at `default_base_url` (the generated crate passes
    /// the spec's server URL).
    pub fn new(default_base_url: &str) -> Self {
        ClientBuilder {
            base_url: default_base_url.to_owned(),
            auth: Auth::None,
            timeout: None,
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            retry: RetryPolicy::default(),
            user_agent: None,
            default_headers: Vec::new(),
            http: None,
            max_error_body: DEFAULT_MAX_ERROR_BODY,
            sensitive_headers: Vec::new(),
            schemes: Vec::new(),
            credentials: Vec::new(),
            interceptors: Interceptors::default(),
        }
    }

    /// Overrides the base URL. It may carry a path prefix
    /// (`https://api.example.com/api/v1`); request paths are appended to it. It must be
    /// an `http` or `https` URL without query, fragment or user info.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sets the default credentials: those of requests that name no security requirement
    /// (see [`RequestBuilder::security`](crate::RequestBuilder::security)), and of requests
    /// whose requirement no [`credential`](Self::credential) meets.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Declares the security scheme `name` and the environment variable its credential is
    /// read from (named in the error of a request that lacks the credential).
    pub fn security_scheme(mut self, name: impl Into<String>, env_var: impl Into<String>) -> Self {
        self.schemes.push((name.into(), env_var.into()));
        self
    }

    /// Sets the credential of security scheme `name` (replacing an earlier one). A request
    /// sends the credentials its [`security`](crate::RequestBuilder::security) requirement
    /// names; a request that names none uses the default [`auth`](Self::auth), else the
    /// first credential set.
    pub fn credential(mut self, name: impl Into<String>, auth: Auth) -> Self {
        let name = name.into();
        self.credentials.retain(|(n, _)| *n != name);
        self.credentials.push((name, auth));
        self
    }

    /// The total time one attempt may take, from sending the request until the body
    /// has been read. Retries each get the full time again.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The time allowed to establish a connection (default 10 s). Has no effect with an
    /// injected [`http_client`](Self::http_client), whose own setting applies.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sets the retry policy; [`RetryPolicy::disabled`] turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the `User-Agent` header. Generated crates pass
    /// [`user_agent("<crate>", "<version>")`](crate::user_agent).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Treats header `name` as a credential, like `Authorization`, `Proxy-Authorization`,
    /// `Cookie` and the header of the client's [`Auth`]: its value (as a default header,
    /// a per-request header or a header parameter) never shows in `Debug` output, and is
    /// masked in error messages. Generated clients declare the headers of their spec's
    /// security schemes this way.
    pub fn sensitive_header(mut self, name: impl Into<String>) -> Self {
        self.sensitive_headers.push(name.into());
        self
    }

    /// Adds a header sent with every request. Checked by [`build`](Self::build). A
    /// credential (see [`sensitive_header`](Self::sensitive_header)) is masked wherever
    /// the client could print it.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The most bytes of an error response body (4xx, 5xx) that are read and kept, 1 MiB by
    /// default. The body is read as a stream and reading stops at the limit, so a huge
    /// error page is never buffered whole; [`ApiError::is_body_truncated`](crate::ApiError::is_body_truncated)
    /// then says that [`ApiError::raw_body`](crate::ApiError::raw_body) holds only its start.
    pub fn max_error_body(mut self, bytes: usize) -> Self {
        self.max_error_body = bytes;
        self
    }

    /// Uses an existing `reqwest` client (for shared connection pools, proxies, custom
    /// TLS). [`timeout`](Self::timeout) is still applied to every request;
    /// `connect_timeout` and the same-origin redirect policy are the injected client's
    /// business: configure it not to follow redirects to other hosts if it will carry
    /// credentials.
    ///
    /// Tests that run with paused Tokio time (`start_paused = true`) should inject
    /// `reqwest::Client::builder().pool_idle_timeout(None).build()` and set no timeouts:
    /// paused time jumps to the next pending timer whenever the runtime waits for I/O,
    /// and the connection pool's 90 s idle timer is such a timer.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Adds an [`Interceptor`]: code run around every attempt of every request, to sign
    /// it, add computed headers or observe the response. Interceptors run in the order
    /// they were added, and again for each retry.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Checks the configuration and builds the client. An invalid base URL, header or
    /// credential gives [`Error::InvalidRequest`] (without echoing any secret).
    pub fn build(self) -> Result<Client, Error> {
        let base = parse_base_url(&self.base_url).map_err(Error::InvalidRequest)?;
        let base_url = base.as_str().trim_end_matches('/').to_owned();

        let prepared = self.auth.prepare().map_err(Error::InvalidRequest)?;
        let mut credentials = Vec::new();
        for (name, auth) in &self.credentials {
            let ready = auth
                .prepare()
                .map_err(|e| Error::InvalidRequest(format!("security scheme `{name}`: {e}")))?;
            credentials.push((name.clone(), ready));
        }
        let query_params: Vec<String> = std::iter::once(&prepared)
            .chain(credentials.iter().map(|(_, p)| p))
            .filter_map(|p| match p {
                PreparedAuth::Query(name, _) => Some(name.clone()),
                _ => None,
            })
            .collect();
        let mut sensitive_headers = self.sensitive_headers;
        for auth in std::iter::once(&self.auth).chain(self.credentials.iter().map(|(_, a)| a)) {
            if let Auth::Header { name, .. } = auth {
                sensitive_headers.push(name.clone());
            }
        }
        let sensitive: Vec<&str> = sensitive_headers.iter().map(String::as_str).collect();
        let mut secrets = self.auth.secrets();
        for (_, auth) in &self.credentials {
            secrets.extend(auth.secrets());
        }
        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let (name, mut value) =
                crate::headers::header_pair(name, value).map_err(Error::InvalidRequest)?;
            if crate::headers::is_credential_header(name.as_str(), &sensitive) {
                value.set_sensitive(true);
                secrets.push(credential_part(value.to_str().unwrap_or_default()));
            }
            default_headers.append(name, value);
        }
        let redactor = Arc::new(Redactor::new(secrets, query_params));

        let ua = self
            .user_agent
            .unwrap_or_else(|| format!("oagen-runtime/{}", VERSION));
        let user_agent = HeaderValue::from_str(&ua).map_err(|_| {
            Error::InvalidRequest(
                "the user agent contains characters not allowed in a header".to_owned(),
            )
        })?;

        let (http, connect_timeout) = match self.http {
            Some(http) => (http, None),
            None => {
                let mut builder = reqwest::Client::builder().redirect(same_origin_redirects());
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                let http = builder.build().map_err(|e| {
                    Error::InvalidRequest(format!("cannot build the HTTP client: {e}"))
                })?;
                (http, self.connect_timeout)
            }
        };

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                base_url,
                auth: self.auth,
                prepared,
                credentials,
                credential_names: self.credentials,
                schemes: self.schemes,
                redactor,
                retry: self.retry,
                timeout: self.timeout,
                connect_timeout,
                user_agent,
                default_headers,
                max_error_body: self.max_error_body,
                sensitive_headers,
                interceptors: self.interceptors,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("interceptors", &self.interceptors)
            .field("user_agent", &self.user_agent)
            .field("max_error_body", &self.max_error_body)
            .field("sensitive_headers", &self.sensitive_headers)
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

fn parse_base_url(raw: &str) -> Result<Url, String> {
    let raw = raw.trim();
    let url =
        Url::parse(raw).map_err(|e| format!("invalid base URL `{}`: {e}", raw.escape_debug()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "base URL `{}` must be an http or https URL with a host",
            raw.escape_debug()
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("base URL must not have a query or fragment".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("base URL must not carry credentials; use Auth::basic".to_owned());
    }
    Ok(url)
}

/// Follows redirects only within the original origin, so credentials (which may sit in
/// custom headers or the query) never travel to another host.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) base_url: String,
    pub(crate) auth: Auth,
    pub(crate) prepared: PreparedAuth,
    /// The per-scheme credentials, ready to attach.
    pub(crate) credentials: Vec<(String, PreparedAuth)>,
    /// The same, as configured (for `Debug`).
    pub(crate) credential_names: Vec<(String, Auth)>,
    /// Declared schemes and their environment variables.
    pub(crate) schemes: Vec<(String, String)>,
    pub(crate) redactor: Arc<Redactor>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) default_headers: HeaderMap,
    pub(crate) max_error_body: usize,
    /// Header names that carry credentials besides the built-in ones.
    pub(crate) sensitive_headers: Vec<String>,
    pub(crate) interceptors: Interceptors,
}

impl Inner {
    /// Whether header `name` carries a credential.
    pub(crate) fn is_credential_header(&self, name: &str) -> bool {
        self.sensitive_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
            || crate::headers::is_credential_header(name, &[])
    }
}

/// The secret part of a credential header value: what follows a scheme word such as
/// `Bearer` or `Token`, or the whole value.
pub(crate) fn credential_part(value: &str) -> String {
    match value.trim().split_once(' ') {
        Some((_, rest)) if !rest.trim().is_empty() => rest.trim().to_owned(),
        _ => value.trim().to_owned(),
    }
}

/// A configured API client. Cloning is cheap (it is reference-counted) and clones
/// share the connection pool; it is `Send + Sync`.
///
/// `Debug` output shows the configuration with every secret masked.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl Client {
    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The underlying `reqwest` client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn is_same_origin(&self, url: &Url) -> bool {
        crate::headers::same_origin(url, &self.inner.base)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("auth", &inner.auth)
            .field("credentials", &inner.credential_names)
            .field("retry", &inner.retry)
            .field("timeout", &inner.timeout)
            .field("connect_timeout", &inner.connect_timeout)
            .field("user_agent", &inner.user_agent)
            .field(
                "default_headers",
                &inner.default_headers.keys().collect::<Vec<&HeaderName>>(),
            )
            .finish_non_exhaustive()
    }
}
