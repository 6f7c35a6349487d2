//! Walking paginated list operations.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, Stream, StreamExt};
use reqwest::header::{HeaderMap, LINK};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;
use crate::page::{self, Decoded, Links, Nothing, Plan, Want};
use crate::request::RequestBuilder;
use crate::response::Meta;
use crate::shape::{PageSpec, Pagination};

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
        let payload = Plan::for_payload(self.spec.envelope);
        stream::unfold(
            (walker, 0usize, payload),
            move |(mut walker, seen, payload)| async move {
                if max_items.is_some_and(|max| seen >= max) {
                    return None;
                }
                match walker.next_page::<Nothing>(Want::Count).await? {
                    Err(err) => {
                        walker.finish();
                        Some((Err(err), (walker, seen, payload)))
                    }
                    Ok(page) => {
                        let seen = seen.saturating_add(page.count);
                        let decoded = decode_page::<P, E>(&page.meta, &page.body, &payload);
                        if decoded.is_err() {
                            walker.finish();
                        }
                        Some((decoded, (walker, seen, payload)))
                    }
                }
            },
        )
        .boxed()
    }

    /// The items of every page, each decoded as `T` from the array at
    /// [`PageSpec::items`].
    pub fn items(self) -> BoxStream<'static, Result<T, Error<E>>>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        Box::pin(Items {
            current: Vec::new().into_iter(),
            tail: None,
            walker: Some(Walker::new(self.request, self.spec)),
            fetch: None,
            yielded: 0,
            max_items: self.max_items,
        })
    }
}

/// Decodes the page type from the (already checked) body of a page.
fn decode_page<P: DeserializeOwned, E>(
    meta: &Meta,
    body: &Bytes,
    plan: &Plan,
) -> Result<P, Error<E>> {
    let mut out = Decoded::<Nothing, P>::default();
    if page::decode(body, plan, &mut out).is_err() {
        out = Decoded::default();
        if let Err(err) = page::decode_tracked(body, plan, &mut out) {
            return Err(meta.json_error(body, err));
        }
    }
    match out.page {
        Some(page) => Ok(page),
        // No data property in the envelope: the page is `null`.
        None => P::deserialize(Value::Null).map_err(|e| {
            let path = plan_root(plan).to_owned();
            meta.decode_error(path, e.to_string(), body, Some(Box::new(e)))
        }),
    }
}

fn plan_root(plan: &Plan) -> &'static str {
    plan.envelope_field().unwrap_or(".")
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

/// A page fetch in flight: it owns the walker and gives it back.
type Fetch<T, E> = BoxFuture<'static, (Walker<E>, Option<Result<Fetched<T, E>, Error<E>>>)>;

/// The stream of [`Paginator::items`]: hands out the decoded items of the current page
/// and fetches the next page when they run out.
struct Items<T, E> {
    current: std::vec::IntoIter<T>,
    /// An error to report once the items decoded before it are handed out.
    tail: Option<Error<E>>,
    walker: Option<Walker<E>>,
    fetch: Option<Fetch<T, E>>,
    yielded: usize,
    max_items: Option<usize>,
}

// Nothing is pinned in place: the fetch future is boxed.
impl<T, E> Unpin for Items<T, E> {}

impl<T, E> Stream for Items<T, E>
where
    T: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + Send + 'static,
{
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.max_items.is_some_and(|max| this.yielded >= max) {
                return Poll::Ready(None);
            }
            if let Some(item) = this.current.next() {
                this.yielded += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(err) = this.tail.take() {
                return Poll::Ready(Some(Err(err)));
            }
            let fetch = match &mut this.fetch {
                Some(fetch) => fetch,
                None => {
                    let Some(mut walker) = this.walker.take() else {
                        return Poll::Ready(None);
                    };
                    this.fetch.insert(Box::pin(async move {
                        let page = walker.next_page::<T>(Want::Items).await;
                        (walker, page)
                    }))
                }
            };
            let (mut walker, page) = futures::ready!(fetch.as_mut().poll(cx));
            this.fetch = None;
            match page {
                None => return Poll::Ready(None),
                Some(Err(err)) => {
                    walker.finish();
                    this.walker = Some(walker);
                    return Poll::Ready(Some(Err(err)));
                }
                Some(Ok(page)) => {
                    this.current = page.items.into_iter();
                    this.tail = page.tail;
                    if this.tail.is_some() {
                        walker.finish();
                    }
                    this.walker = Some(walker);
                }
            }
        }
    }
}

/// One fetched page.
struct Fetched<T, E> {
    meta: Meta,
    body: Bytes,
    /// The decoded items (those before the failure if `tail` is set).
    items: Vec<T>,
    /// The number of items on the page.
    count: usize,
    links: Links,
    /// The decode error of an item, reported after the items before it.
    tail: Option<Error<E>>,
}

/// Fetches pages one after another and works out the next request.
struct Walker<E> {
    template: RequestBuilder,
    next: Option<RequestBuilder>,
    spec: PageSpec,
    /// What a page of `items()` decodes: the items and the links.
    items_plan: Plan,
    /// What a page of `pages()` decodes first, and what the error path checks: the
    /// links, counting the items.
    count_plan: Plan,
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
            items_plan: Plan::for_page(&spec, Want::Items),
            count_plan: Plan::for_page(&spec, Want::Count),
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

    async fn next_page<T: DeserializeOwned>(
        &mut self,
        want: Want,
    ) -> Option<Result<Fetched<T, E>, Error<E>>>
    where
        E: DeserializeOwned,
    {
        if let Some(err) = self.pending.take() {
            self.next = None;
            return Some(Err(err));
        }
        let request = self.next.take()?;
        Some(self.fetch(request, want).await)
    }

    async fn fetch<T: DeserializeOwned>(
        &mut self,
        request: RequestBuilder,
        want: Want,
    ) -> Result<Fetched<T, E>, Error<E>>
    where
        E: DeserializeOwned,
    {
        let response = request.send_buffered::<E>().await?;
        let (meta, body) = (response.meta, response.body);
        let plan = match want {
            Want::Items => &self.items_plan,
            _ => &self.count_plan,
        };
        let mut out = Decoded::<T, Nothing>::default();
        let mut tail = None;
        if page::decode(&body, plan, &mut out).is_err() {
            // The error path: the body again, this time naming where it failed. First
            // without the items: a broken body, envelope or items array fails the page.
            let mut skim = Decoded::<Nothing, Nothing>::default();
            if let Err(err) = page::decode_tracked(&body, &self.count_plan, &mut skim) {
                return Err(meta.json_error(&body, err));
            }
            if skim.links.success == Some(false) {
                return Err(meta.api_error(body));
            }
            // An item failed: the ones before it are still handed out.
            out = Decoded::default();
            if let Err(err) = page::decode_tracked(&body, plan, &mut out) {
                tail = Some(meta.json_error(&body, err));
            }
            out.count = skim.count;
            out.links = skim.links;
        } else if out.links.success == Some(false) {
            return Err(meta.api_error(body));
        }
        self.remember(&request, &meta);
        let page = Fetched {
            meta,
            body,
            items: out.items,
            count: out.count,
            links: out.links,
            tail,
        };
        if page.count > 0 && page.tail.is_none() {
            match self.next_request(&request, &page) {
                Ok(next) => self.next = next,
                Err(err) => self.pending = Some(err),
            }
        }
        Ok(page)
    }

    /// The request for the page after `page` (fetched with `request`), or `None` at
    /// the end.
    fn next_request<T>(
        &self,
        request: &RequestBuilder,
        page: &Fetched<T, E>,
    ) -> Result<Option<RequestBuilder>, Error<E>> {
        let links = &page.links;
        Ok(match self.spec.pagination {
            Pagination::Cursor {
                cursor_param,
                cursor_field,
                has_more_field,
                ..
            } => {
                if has_more_field.is_some() && links.has_more == Some(false) {
                    return Ok(None);
                }
                let Some(cursor) = &links.cursor else {
                    return Ok(None);
                };
                if self.seen.contains(&seen_key("cursor", cursor)) {
                    return Err(Error::PaginationCycle(format!(
                        "the next cursor `{}` (from `{cursor_field}` of the response to {} {}) \
                         was already followed; following it again would repeat pages forever",
                        cursor.escape_debug(),
                        page.meta.method,
                        page.meta.url,
                    )));
                }
                Some(self.template.clone().set_query(cursor_param, cursor))
            }
            Pagination::NextUrl { .. } => match &links.next {
                Some(next) => self.follow(next, &page.meta)?,
                None => None,
            },
            Pagination::Offset {
                offset_param,
                limit_param,
                ..
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
                if links.total.is_some_and(|total| next >= total)
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
                Some(next) => self.follow(&next, &page.meta)?,
                None => None,
            },
        })
    }

    /// A request for a next-page URL (absolute, or relative to the page's URL), if it
    /// is on the client's origin.
    fn follow(&self, next: &str, meta: &Meta) -> Result<Option<RequestBuilder>, Error<E>> {
        let url = meta
            .url
            .join(next.trim())
            .map_err(|e| Error::InvalidRequest(format!("the next-page URL is invalid: {e}")))?;
        if !self.template.client().is_same_origin(&url) {
            return Err(Error::InvalidRequest(format!(
                "refusing to follow the next-page URL to {}: it is not the origin of the base URL {}, \
                 and the client's credentials must not be sent there",
                url.origin().ascii_serialization(),
                meta.url.origin().ascii_serialization(),
            )));
        }
        if self
            .seen
            .contains(&seen_key("url", &meta.redactor.page_key(&url)))
        {
            return Err(Error::PaginationCycle(format!(
                "the next-page link {} (in the response to {} {}) points at a page already \
                 fetched; following it again would repeat pages forever",
                meta.redactor.url_string(&url),
                meta.method,
                meta.url,
            )));
        }
        Ok(Some(self.template.clone().with_url(url)))
    }
}

/// The hash recorded for a cursor or URL; `kind` keeps the two apart.
fn seen_key(kind: &str, value: &str) -> u64 {
    SeenHasher::default().hash_one((kind, value))
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
}
