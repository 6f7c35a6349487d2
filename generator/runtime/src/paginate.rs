//! Walking paginated list operations.

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::marker::PhantomData;

use bytes::Bytes;
use futures::stream::{self, BoxStream, StreamExt};
use reqwest::header::{HeaderMap, LINK};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;
use crate::request::RequestBuilder;
use crate::response::{Envelope, Meta};

/// How a list operation pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pagination {
    /// The body carries an opaque cursor that is sent back as a query parameter.
    /// Ends when the cursor is `null`, absent or empty, or `has_more_field` is `false`.
    Cursor {
        /// Query parameter that carries the cursor.
        cursor_param: &'static str,
        /// Body property (dot path) holding the next cursor.
        cursor_field: &'static str,
        /// Optional boolean body property; `false` ends the walk.
        has_more_field: Option<&'static str>,
    },
    /// The body carries the absolute URL of the next page, which already holds the
    /// filters. Ends when it is `null`, absent or empty. A URL on another origin than
    /// the client's base URL is refused with [`Error::InvalidRequest`], so credentials
    /// never leave the API.
    NextUrl {
        /// Body property (dot path) holding the next page's URL.
        next_field: &'static str,
    },
    /// Offset and limit query parameters. The next offset is the previous one (the
    /// caller's value, or 0) plus the number of items received. Ends when the offset
    /// reaches `total_field`, when a page has fewer items than the caller's limit, or on
    /// an empty page.
    Offset {
        /// Query parameter of the offset.
        offset_param: &'static str,
        /// Query parameter of the page size.
        limit_param: &'static str,
        /// Optional body property (dot path) with the total number of items.
        total_field: Option<&'static str>,
    },
    /// A page number query parameter, starting at the caller's value or `first_page`
    /// and incremented for each page. Ends on an empty page.
    Page {
        /// Query parameter of the page number.
        page_param: &'static str,
        /// The number of the first page (usually 1).
        first_page: u64,
    },
    /// Follows `Link: <url>; rel="next"` response headers (same-origin only, like
    /// [`NextUrl`](Self::NextUrl)). Ends when there is no next link.
    LinkHeader,
}

/// Everything a [`Paginator`] needs to know about a list operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSpec {
    /// How pages are linked.
    pub pagination: Pagination,
    /// Dot path of the items array in the (unwrapped) body; `""` if the body itself is
    /// the array.
    pub items: &'static str,
    /// The envelope to unwrap before reading anything, if the API uses one.
    pub envelope: Option<Envelope>,
}

/// Marker keeping `Paginator` `Send + Sync` whatever its type parameters are.
type Types<P, T, E> = fn() -> (P, T, E);

/// Walks every page of a list operation.
///
/// Only one page is held in memory at a time. Every page request goes through the
/// client's retries. Every style also stops at an empty page. After an error the
/// stream ends.
///
/// `P` is the page body type (after envelope unwrapping), `T` the item type and `E`
/// the provider's error body type.
pub struct Paginator<P, T, E> {
    request: RequestBuilder,
    spec: PageSpec,
    max_items: Option<usize>,
    _types: PhantomData<Types<P, T, E>>,
}

impl<P, T, E> Paginator<P, T, E>
where
    P: DeserializeOwned,
    T: DeserializeOwned,
    E: DeserializeOwned,
{
    /// Starts at `request`, the first page's request with the caller's filters.
    pub fn new(request: RequestBuilder, spec: PageSpec) -> Self {
        Paginator {
            request,
            spec,
            max_items: None,
            _types: PhantomData,
        }
    }

    /// Stops after `n` items: [`items`](Self::items) yields at most `n`;
    /// [`pages`](Self::pages) stops once the pages seen hold at least `n` items.
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = Some(n);
        self
    }

    /// The pages, each decoded as `P`.
    pub fn pages(self) -> BoxStream<'static, Result<P, Error<E>>>
    where
        P: Send + 'static,
        E: Send + 'static,
    {
        let walker = Walker::new(self.request, self.spec);
        let max_items = self.max_items;
        stream::unfold((walker, 0usize), move |(mut walker, seen)| async move {
            if max_items.is_some_and(|max| seen >= max) {
                return None;
            }
            match walker.next_page().await? {
                Err(err) => {
                    walker.finish();
                    Some((Err(err), (walker, seen)))
                }
                Ok(page) => {
                    let seen = seen.saturating_add(page.count);
                    let prefix = page.root_prefix();
                    let decoded = page
                        .meta
                        .decode_value::<P, E>(page.value, prefix, &page.body);
                    if decoded.is_err() {
                        walker.finish();
                    }
                    Some((decoded, (walker, seen)))
                }
            }
        })
        .boxed()
    }

    /// The items of every page, each decoded as `T` from the array at
    /// [`PageSpec::items`].
    pub fn items(self) -> BoxStream<'static, Result<T, Error<E>>>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let state = ItemsState {
            walker: Walker::new(self.request, self.spec),
            current: None,
            yielded: 0,
            max_items: self.max_items,
        };
        stream::unfold(state, |mut st| async move {
            loop {
                if st.max_items.is_some_and(|max| st.yielded >= max) {
                    return None;
                }
                if let Some(page) = st.current.as_mut() {
                    if let Some(item) = page.items.pop_front() {
                        let path = format!("{}[{}]", page.items_prefix, page.index);
                        page.index += 1;
                        let decoded = page.meta.decode_value::<T, E>(item, &path, &page.body);
                        if decoded.is_err() {
                            st.walker.finish();
                            st.current = None;
                        }
                        st.yielded += 1;
                        return Some((decoded, st));
                    }
                    st.current = None;
                }
                match st.walker.next_page().await? {
                    Err(err) => {
                        st.walker.finish();
                        return Some((Err(err), st));
                    }
                    Ok(mut page) => {
                        let items = match take_at(&mut page.value, page.spec_items) {
                            Some(Value::Array(items)) => items.into(),
                            _ => VecDeque::new(),
                        };
                        st.current = Some(ItemsPage {
                            items_prefix: page.items_prefix(),
                            items,
                            index: 0,
                            meta: page.meta,
                            body: page.body,
                        });
                    }
                }
            }
        })
        .boxed()
    }
}

impl<P, T, E> std::fmt::Debug for Paginator<P, T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("request", &self.request)
            .field("spec", &self.spec)
            .field("max_items", &self.max_items)
            .finish()
    }
}

struct ItemsState<E> {
    walker: Walker<E>,
    current: Option<ItemsPage>,
    yielded: usize,
    max_items: Option<usize>,
}

struct ItemsPage {
    items_prefix: String,
    items: VecDeque<Value>,
    index: usize,
    meta: Meta,
    body: Bytes,
}

/// One fetched page.
struct Fetched {
    meta: Meta,
    body: Bytes,
    /// The unwrapped page body.
    value: Value,
    count: usize,
    envelope_field: Option<&'static str>,
    spec_items: &'static str,
}

impl Fetched {
    fn root_prefix(&self) -> &'static str {
        self.envelope_field.unwrap_or("")
    }

    fn items_prefix(&self) -> String {
        match (self.envelope_field, self.spec_items) {
            (None, items) => items.to_owned(),
            (Some(data), "") => data.to_owned(),
            (Some(data), items) => format!("{data}.{items}"),
        }
    }
}

/// Fetches pages one after another and works out the next request.
struct Walker<E> {
    template: RequestBuilder,
    next: Option<RequestBuilder>,
    spec: PageSpec,
    /// An error to report before the next page (for example a refused next URL).
    pending: Option<Error<E>>,
    /// Hashes of the cursors or page URLs already requested: a next page pointing back at
    /// any of them is a cycle. Hashes (8 bytes each) rather than the links themselves keep
    /// the memory small on long walks.
    seen: HashSet<u64>,
}

/// A fixed-key hasher, so a link hashes the same for the whole walk.
type SeenHasher = BuildHasherDefault<DefaultHasher>;

impl<E> Walker<E> {
    fn new(request: RequestBuilder, spec: PageSpec) -> Self {
        Walker {
            template: request.clone(),
            next: Some(request),
            spec,
            pending: None,
            seen: HashSet::new(),
        }
    }

    /// Records the cursor or URL a page was requested with.
    fn remember(&mut self, request: &RequestBuilder, meta: &Meta) {
        let key = match self.spec.pagination {
            Pagination::Cursor { cursor_param, .. } => request
                .query_value(cursor_param)
                .map(|cursor| seen_key("cursor", &cursor)),
            Pagination::NextUrl { .. } | Pagination::LinkHeader => {
                Some(seen_key("url", &meta.redactor.page_key(&meta.url)))
            }
            // Numbers that only grow cannot cycle.
            Pagination::Offset { .. } | Pagination::Page { .. } => None,
        };
        if let Some(key) = key {
            self.seen.insert(key);
        }
    }

    fn finish(&mut self) {
        self.next = None;
        self.pending = None;
    }

    async fn next_page(&mut self) -> Option<Result<Fetched, Error<E>>>
    where
        E: DeserializeOwned,
    {
        if let Some(err) = self.pending.take() {
            self.next = None;
            return Some(Err(err));
        }
        let request = self.next.take()?;
        Some(self.fetch(request).await)
    }

    async fn fetch(&mut self, request: RequestBuilder) -> Result<Fetched, Error<E>>
    where
        E: DeserializeOwned,
    {
        let response = request.clone().send::<E>().await?;
        let (meta, body) = (response.meta, response.body);
        let mut value = meta.parse_value::<E>(&body)?;
        if let Some(envelope) = &self.spec.envelope {
            value = meta.unwrap_envelope::<E>(value, envelope, &body)?;
        }
        self.remember(&request, &meta);
        let mut fetched = Fetched {
            meta,
            body,
            value,
            count: 0,
            envelope_field: self.spec.envelope.map(|e| e.data_field),
            spec_items: self.spec.items,
        };
        fetched.count = match lookup(&fetched.value, self.spec.items) {
            None | Some(Value::Null) => 0,
            Some(Value::Array(items)) => items.len(),
            Some(other) => {
                let message = format!("expected an array of items, found {}", json_kind(other));
                return Err(fetched.meta.decode_error(
                    fetched.items_prefix(),
                    message,
                    &fetched.body,
                    None,
                ));
            }
        };
        if fetched.count > 0 {
            match self.next_request(&request, &fetched) {
                Ok(next) => self.next = next,
                Err(err) => self.pending = Some(err),
            }
        }
        Ok(fetched)
    }

    /// The request for the page after `page` (fetched with `request`), or `None` at
    /// the end.
    fn next_request(
        &self,
        request: &RequestBuilder,
        page: &Fetched,
    ) -> Result<Option<RequestBuilder>, Error<E>> {
        let value = &page.value;
        Ok(match self.spec.pagination {
            Pagination::Cursor {
                cursor_param,
                cursor_field,
                has_more_field,
            } => {
                if let Some(field) = has_more_field {
                    if lookup(value, field) == Some(&Value::Bool(false)) {
                        return Ok(None);
                    }
                }
                let cursor = match lookup(value, cursor_field) {
                    Some(Value::String(s)) if !s.is_empty() => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => return Ok(None),
                };
                if self.seen.contains(&seen_key("cursor", &cursor)) {
                    return Err(Error::PaginationCycle(format!(
                        "the next cursor `{}` (from `{cursor_field}` of the response to {} {}) \
                         was already followed; following it again would repeat pages forever",
                        cursor.escape_debug(),
                        page.meta.method,
                        page.meta.url,
                    )));
                }
                Some(self.template.clone().set_query(cursor_param, &cursor))
            }
            Pagination::NextUrl { next_field } => match lookup(value, next_field) {
                Some(Value::String(next)) if !next.trim().is_empty() => self.follow(next, page)?,
                _ => None,
            },
            Pagination::Offset {
                offset_param,
                limit_param,
                total_field,
            } => {
                let offset = request
                    .query_value(offset_param)
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(0);
                let received = u64::try_from(page.count).unwrap_or(u64::MAX);
                let next = offset.saturating_add(received);
                let limit = request
                    .query_value(limit_param)
                    .and_then(|v| v.trim().parse::<u64>().ok());
                let total = total_field.and_then(|f| lookup(value, f)).and_then(as_u64);
                if total.is_some_and(|total| next >= total)
                    || limit.is_some_and(|limit| received < limit)
                {
                    None
                } else {
                    Some(request.clone().set_query(offset_param, &next.to_string()))
                }
            }
            Pagination::Page {
                page_param,
                first_page,
            } => {
                let current = request
                    .query_value(page_param)
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(first_page);
                Some(
                    request
                        .clone()
                        .set_query(page_param, &current.saturating_add(1).to_string()),
                )
            }
            Pagination::LinkHeader => match next_link(&page.meta.headers) {
                Some(next) => self.follow(&next, page)?,
                None => None,
            },
        })
    }

    /// A request for a next-page URL (absolute, or relative to the page's URL), if it
    /// is on the client's origin.
    fn follow(&self, next: &str, page: &Fetched) -> Result<Option<RequestBuilder>, Error<E>> {
        let url = page
            .meta
            .url
            .join(next.trim())
            .map_err(|e| Error::InvalidRequest(format!("the next-page URL is invalid: {e}")))?;
        if !self.template.client().is_same_origin(&url) {
            return Err(Error::InvalidRequest(format!(
                "refusing to follow the next-page URL to {}: it is not the origin of the base URL {}, \
                 and the client's credentials must not be sent there",
                url.origin().ascii_serialization(),
                page.meta.url.origin().ascii_serialization(),
            )));
        }
        if self
            .seen
            .contains(&seen_key("url", &page.meta.redactor.page_key(&url)))
        {
            return Err(Error::PaginationCycle(format!(
                "the next-page link {} (in the response to {} {}) points at a page already \
                 fetched; following it again would repeat pages forever",
                page.meta.redactor.url_string(&url),
                page.meta.method,
                page.meta.url,
            )));
        }
        Ok(Some(self.template.clone().with_url(url)))
    }
}

/// The hash recorded for a cursor or URL; `kind` keeps the two apart.
fn seen_key(kind: &str, value: &str) -> u64 {
    SeenHasher::default().hash_one((kind, value))
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn as_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The value at a dot path; `""` is the value itself.
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(value);
    }
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// Takes the value at a dot path out of `value`.
fn take_at(value: &mut Value, path: &str) -> Option<Value> {
    if path.is_empty() {
        return Some(value.take());
    }
    let mut current = value;
    for key in path.split('.') {
        current = current.get_mut(key)?;
    }
    Some(current.take())
}

/// The target of the `rel="next"` link in `Link` headers (RFC 8288).
pub(crate) fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|value| {
            parse_links(value).into_iter().find(|(_, rels)| {
                rels.split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
            })
        })
        .map(|(target, _)| target)
}

/// Parses a `Link` header value into `(target, rel)` pairs.
fn parse_links(value: &str) -> Vec<(String, String)> {
    let mut links = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else { break };
        let target = after[..end].trim().to_owned();
        let mut params = &after[end + 1..];
        let mut rel = String::new();
        // Parameters run until a comma outside quotes.
        let mut in_quotes = false;
        let mut cut = params.len();
        for (i, c) in params.char_indices() {
            match c {
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => {
                    cut = i;
                    break;
                }
                _ => {}
            }
        }
        let (this, next) = params.split_at(cut);
        for param in this.split(';') {
            if let Some((name, val)) = param.split_once('=') {
                if name.trim().eq_ignore_ascii_case("rel") {
                    rel = val.trim().trim_matches('"').to_owned();
                }
            }
        }
        links.push((target, rel));
        params = next;
        rest = params;
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use serde_json::json;

    #[test]
    fn link_header() {
        let mut h = HeaderMap::new();
        h.append(
            LINK,
            HeaderValue::from_static(
                r#"<https://x.test/a?page=1>; rel="prev", <https://x.test/a?page=3&q=a,b>; rel="next last"; title="x, y""#,
            ),
        );
        assert_eq!(
            next_link(&h).as_deref(),
            Some("https://x.test/a?page=3&q=a,b")
        );
        let mut h = HeaderMap::new();
        h.append(
            LINK,
            HeaderValue::from_static(r#"<https://x.test/a?page=1>; rel=prev"#),
        );
        assert_eq!(next_link(&h), None);
        let mut h = HeaderMap::new();
        h.append(LINK, HeaderValue::from_static(r#"<broken"#));
        assert_eq!(next_link(&h), None);
    }

    #[test]
    fn dot_paths() {
        let mut v = json!({"a": {"b": [1, 2]}, "c": null});
        assert_eq!(lookup(&v, "a.b"), Some(&json!([1, 2])));
        assert_eq!(lookup(&v, "a.x"), None);
        assert_eq!(lookup(&v, ""), Some(&v.clone()));
        assert_eq!(take_at(&mut v, "a.b"), Some(json!([1, 2])));
        assert_eq!(lookup(&v, "a.b"), Some(&Value::Null));
    }
}
