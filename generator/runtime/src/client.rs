//! The configured client shared by every request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use crate::auth::{Auth, PreparedAuth};
use crate::error::Error;
use crate::intercept::{Interceptor, Interceptors};
use crate::redact::Redactor;
use crate::request::RequestBuilder;
use crate::retry::RetryPolicy;

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REDIRECTS: usize = 10;

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

    /// Sets the credentials.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
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

    /// Adds a header sent with every request. Checked by [`build`](Self::build).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
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
        let query_param = match &prepared {
            PreparedAuth::Query(name, _) => Some(name.clone()),
            _ => None,
        };
        let redactor = Arc::new(Redactor::new(self.auth.secrets(), query_param));

        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let (name, value) =
                crate::request::header_pair(name, value).map_err(Error::InvalidRequest)?;
            default_headers.append(name, value);
        }

        let ua = self
            .user_agent
            .unwrap_or_else(|| format!("oagen-runtime/{}", crate::VERSION));
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
                redactor,
                retry: self.retry,
                timeout: self.timeout,
                connect_timeout,
                user_agent,
                default_headers,
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
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("interceptors", &self.interceptors)
            .field("user_agent", &self.user_agent)
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
    pub(crate) redactor: Arc<Redactor>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) default_headers: HeaderMap,
    pub(crate) interceptors: Interceptors,
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
    /// Starts a request. `path` is already percent-encoded (see [`path_param`](crate::path_param))
    /// and starts with `/`; it is appended to the base URL, keeping the base URL's
    /// path prefix. A `?query` part in `path` is kept as given.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, path)
    }

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
        // The base URL is http or https, whose origin is (scheme, host, port): compared
        // field by field, without building (and allocating) two `Origin`s per request.
        let base = &self.inner.base;
        url.scheme() == base.scheme()
            && url.host() == base.host()
            && url.port_or_known_default() == base.port_or_known_default()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("auth", &inner.auth)
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
