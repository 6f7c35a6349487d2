//! What the generated code declares about a response's shape: the envelope around the
//! payload and how a list operation pages. Plain data, below everything that reads bodies.

/// Says that JSON success bodies are wrapped in an envelope such as
/// `{"success": true, "data": {...}}` and where the payload is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The property that holds the payload.
    pub data_field: &'static str,
    /// An optional boolean property; `false` turns the response into
    /// [`Error::Api`](crate::Error::Api).
    pub success_field: Option<&'static str>,
}

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
    /// the client's base URL is refused with [`Error::InvalidRequest`](crate::Error::InvalidRequest), so credentials
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

/// Everything a [`Paginator`](crate::Paginator) needs to know about a list operation.
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
