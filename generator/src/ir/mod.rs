//! The intermediate representation: plain data, built from a loaded spec (see [`crate::build_ir`]).
//!
//! Every naming and ordering decision is made while building it; the renderer only walks it.
//! Nothing here refers to `openapiv3` types. Maps are `BTreeMap`; sequences keep the order the
//! builder chose (document order for operations and fields, name order for types).

mod builder;
mod custom;
mod ext;
mod facts;
mod features;
mod reach;
mod schema;
pub mod webhook;

pub(crate) use builder::build;
pub use custom::{customize, last_segment, Customization};
pub use facts::{facts, is_success, Facts, HeaderFacts, OpFacts, ResponseFacts, SchemeUse};
pub use features::{ALL_TYPES_FEATURE, DEFAULT_FEATURE, FULL_FEATURE, TRACING_FEATURE};

/// A whole API, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// The Cargo package name of the generated crate.
    pub crate_name: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server URL, used as the default base URL.
    pub base_url: Option<String>,
    /// Every server, in document order.
    pub servers: Vec<Server>,
    /// All named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// The body type of API errors, shared by all operations.
    pub error_body: TypeRef,
    /// One module per tag, sorted by module name.
    pub modules: Vec<Module>,
    /// How the client authenticates (the first requirement of the top-level `security`).
    pub auth: Option<AuthScheme>,
    /// The environment variable `Client::from_env` reads.
    pub env_var: String,
    /// The headers that `apiKey` security schemes name (any scheme, in document order):
    /// credentials whose values generated code never prints. `Authorization`,
    /// `Proxy-Authorization` and `Cookie` are credentials for the runtime anyway.
    pub credential_headers: Vec<String>,
    /// Every security scheme the spec defines that the client can hold a credential for:
    /// the client's scheme ([`auth`](Self::auth)) first, then the others in document order.
    pub schemes: Vec<SecurityScheme>,
    /// The environment variable `Client::from_env` reads an optional base URL from.
    pub base_url_env: String,
    /// The operations the quickstart example calls.
    pub quickstart: Quickstart,
    /// The Cargo features of the generated crate, in the order its manifest lists them
    /// (`default`, `full`, `all-types`, then one per tag module, by name). Empty unless
    /// [`customize`] was asked for tag features.
    pub features: Vec<Feature>,
    /// The events the API sends to its users (3.1 `webhooks`, `callbacks`), if any.
    pub webhooks: Option<webhook::Webhooks>,
}

/// The operations the generated quickstart example calls: ones whose required arguments can
/// be written without knowing the API (strings, numbers, booleans, UUIDs; no required body).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Quickstart {
    /// A single call: the first `GET` that decodes JSON and does not paginate (else any
    /// non-paginated `GET`).
    pub call: Option<OpRef>,
    /// A paginated list, looped over.
    pub list: Option<OpRef>,
    /// The features the example needs (the features of its operations' modules): the
    /// manifest's `required-features` of the example. Sorted.
    pub required_features: Vec<String>,
}

/// An operation, by place: `api.modules[module].operations[operation]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpRef {
    /// Index into [`Api::modules`].
    pub module: usize,
    /// Index into that module's operations.
    pub operation: usize,
}

/// A Cargo feature of the generated crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    /// Its name: a valid Cargo feature name, unique in the crate.
    pub name: String,
    /// One line saying what it compiles (a comment above it in the manifest).
    pub doc: String,
    /// The features it enables, sorted.
    pub enables: Vec<String>,
}

/// When an item is compiled.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Gate {
    /// Always.
    #[default]
    Always,
    /// When any of these Cargo features is enabled (sorted, without repeats, never empty):
    /// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", feature = "b"))]`.
    AnyOf(Vec<String>),
}

/// A security scheme the generated client builder takes a credential for.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityScheme {
    /// The name in `components/securitySchemes`.
    pub name: String,
    /// The builder method that sets its credential (unique among the builder's methods).
    pub setter: String,
    /// How the credential is sent.
    pub kind: AuthScheme,
    /// The environment variable `Client::from_env` reads it from (`x-oagen-env`, else
    /// `<CRATE>_API_KEY` for the client's scheme and `<CRATE>_<SCHEME>` for the others).
    pub env_var: String,
    /// The scheme's description.
    pub description: Option<String>,
    /// Lines the generator adds to its documentation: where an OAuth 2.0 or OpenID Connect
    /// token comes from (each flow's URLs, `oauth2MetadataUrl`), and deprecation.
    pub notes: Vec<String>,
}

/// A server entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Server {
    /// The URL with variables substituted by their defaults.
    pub url: String,
    /// Its description.
    pub description: Option<String>,
}

/// Documentation text taken from the spec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    /// A one-line summary.
    pub summary: Option<String>,
    /// Longer text, Markdown.
    pub description: Option<String>,
    /// Extra lines the generator adds (deprecation, inferred warnings, defaults).
    pub notes: Vec<String>,
}

impl Doc {
    /// Whether there is nothing to document.
    pub fn is_empty(&self) -> bool {
        self.summary.is_none() && self.description.is_none() && self.notes.is_empty()
    }
}

/// A named type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// The Rust type name, unique in the crate.
    pub name: String,
    /// Its documentation.
    pub doc: Doc,
    /// What it is.
    pub kind: TypeKind,
    /// The JSON pointer it came from.
    pub pointer: String,
    /// What the user asked for this type (options), rendered as it stands.
    pub settings: ItemSettings,
    /// The schema's examples, default and validation keywords.
    pub facets: Option<Box<Facets>>,
}

/// Per-item settings chosen by the user rather than read from the spec: set by
/// [`customize`], rendered directly. Empty by default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemSettings {
    /// Extra derives (Rust paths such as `::std::hash::Hash`), after the generated ones; a
    /// derive whose last segment the item already derives is not listed.
    pub derives: Vec<String>,
    /// The user's type that replaces the generated one (a Rust type, e.g.
    /// `::my_crate::Money`): the item becomes `pub type NAME = TYPE;`.
    pub replaced_by: Option<String>,
    /// When the item is compiled: the features of the tag modules whose operations reach
    /// it, or [`ALL_TYPES_FEATURE`] for what no operation uses (see [`customize`]).
    pub gate: Gate,
}

/// The shape of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields, and optionally a flattened map of the remaining properties.
    Struct {
        /// Fields, in document order.
        fields: Vec<Field>,
        /// The value type of additional properties, kept in a flattened map.
        additional: Option<TypeRef>,
    },
    /// A string or integer enum. Always has a catch-all variant that keeps unknown values.
    Enum {
        /// String or integer.
        repr: EnumRepr,
        /// Known values.
        variants: Vec<EnumVariant>,
    },
    /// `oneOf`/`anyOf`: an enum over alternative types.
    Union {
        /// The discriminator property, for an internally tagged enum.
        tag: Option<String>,
        /// Alternatives, in the order they are tried.
        variants: Vec<UnionVariant>,
    },
    /// A newtype-free alias of another type.
    Alias(TypeRef),
}

/// The wire representation of an enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumRepr {
    /// JSON strings.
    String,
    /// JSON integers.
    Integer,
}

/// One known enum value.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumVariant {
    /// The Rust variant name.
    pub name: String,
    /// The wire value: a string or an integer, as text.
    pub value: String,
}

/// One alternative of a union.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub name: String,
    /// The discriminator values that select it (tagged unions only).
    pub tags: Vec<String>,
    /// The payload type.
    pub ty: TypeRef,
    /// The payload must be boxed to break a recursive cycle.
    pub boxed: bool,
    /// The alternative's examples, default and validation keywords, when it is written inline.
    pub facets: Option<Box<Facets>>,
    /// The discriminator's `defaultMapping` (OpenAPI 3.2): a value whose tag is missing or
    /// matches no variant decodes as this one (tagged unions only; at most one per union).
    pub default: bool,
}

/// A struct field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The property name on the wire.
    pub wire: String,
    /// The Rust field name.
    pub ident: String,
    /// The value type, before `Option` wrapping for optional or nullable fields.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Optional and nullable in a type sent in a PATCH body: absent and null stay distinct
    /// (`Option<Option<T>>`).
    pub tri_state: bool,
    /// Documentation.
    pub doc: Doc,
    /// `readOnly`: sent by the server only.
    pub read_only: bool,
    /// `writeOnly`: sent by the client only.
    pub write_only: bool,
    /// The value type must be boxed to break a recursive cycle.
    pub boxed: bool,
    /// The property schema's examples, default and validation keywords (those of the
    /// referenced type are on its [`TypeDef`]).
    pub facets: Option<Box<Facets>>,
}

/// What a schema says about its values beyond their Rust type: examples, the default, the
/// format as written and the validation keywords. Items hold them boxed, `None` when the spec
/// says nothing beyond the type (most items: the IR of a large spec stays small). Generated code does not check them and the
/// renderer does not read them; they are here for tools that make values of the API's types
/// (the contract tests), so that such tools need not read the raw document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facets {
    /// Examples, most specific first: a parameter's or media type's `example` and
    /// `examples` (each [Example object]'s `value`, `$ref`s followed), then the schema's
    /// `example` (3.1's `examples` list is read as its first item, `const` as a one-value
    /// `enum`).
    ///
    /// [Example object]: https://spec.openapis.org/oas/v3.0.3#example-object
    pub examples: Vec<serde_json::Value>,
    /// `default`.
    pub default: Option<serde_json::Value>,
    /// The JSON type the schema names where its Rust type does not tell it: an object
    /// without properties (a map or `serde_json::Value`), or the `type` of a schema read as
    /// free-form (`object`, `array`, `string`, ...).
    pub json_type: Option<String>,
    /// `format`, as written.
    pub format: Option<String>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `minimum` is exclusive.
    pub exclusive_minimum: bool,
    /// `maximum` is exclusive.
    pub exclusive_maximum: bool,
    /// `multipleOf`.
    pub multiple_of: Option<f64>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `readOnly` on this schema (a referenced schema's is on its [`TypeDef`]).
    pub read_only: bool,
    /// The facets of an array's inline `items`.
    pub items: Option<Box<Facets>>,
    /// The facets of an inline `additionalProperties` schema.
    pub values: Option<Box<Facets>>,
}

impl Facets {
    /// The facets, boxed, or `None` when there are none.
    pub fn boxed(self) -> Option<Box<Facets>> {
        (self != Facets::default()).then(|| Box::new(self))
    }
}

/// A reference to a type, as written in a field or signature.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// A scalar.
    Prim(Prim),
    /// A named type of the crate's `types` module.
    Named(String),
    /// An array.
    Vec(Box<TypeRef>),
    /// A map with string keys.
    Map(Box<TypeRef>),
    /// `nullable` where null and absent need not be told apart.
    Option(Box<TypeRef>),
}

/// Scalars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prim {
    /// `string`.
    String,
    /// `boolean`.
    Bool,
    /// `integer` / `int32`.
    I32,
    /// `integer` / `int64` or no format.
    I64,
    /// `number` / `float`.
    F32,
    /// `number` / `double` or no format.
    F64,
    /// `string` / `date-time`.
    DateTime,
    /// `string` / `date`.
    Date,
    /// `string` / `uuid`.
    Uuid,
    /// `string` / `byte`: base64 text on the wire, bytes in Rust.
    Base64,
    /// `string` / `binary`: raw bytes (request and response bodies, multipart parts).
    Binary,
    /// Anything: `serde_json::Value`.
    Value,
    /// No content.
    Unit,
}

/// A module of operations, from a tag.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// The Rust module name.
    pub name: String,
    /// The tag's `summary` (3.2) and `description`, and notes on its `kind` and relations.
    pub doc: Doc,
    /// The module of the tag's `parent` tag (OpenAPI 3.2), when that tag has operations.
    /// Modules stay side by side in the crate; the relation is documented on both.
    pub parent: Option<String>,
    /// Operations, in document order.
    pub operations: Vec<Operation>,
    /// When the module is compiled: its own feature, with tag features.
    pub gate: Gate,
}

/// One HTTP operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// The `operationId`, or the derived one.
    pub id: String,
    /// The client method name.
    pub method_name: String,
    /// The request builder type name.
    pub builder_name: String,
    /// `GET`, `POST`, ...
    pub http_method: String,
    /// The path template as written.
    pub path: String,
    /// The path, split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// Documentation.
    pub doc: Doc,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Parameters: required ones first (path order, then document order), then optional ones.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// What a success returns.
    pub output: Output,
    /// Pagination, from `x-oagen-pagination`.
    pub pagination: Option<Pagination>,
    /// Envelope, from `x-oagen-envelope`.
    pub envelope: Option<Envelope>,
    /// How this operation authenticates, relative to the client's credentials.
    pub auth: OpAuth,
    /// Its security requirement (its own, else the document's): alternatives in order, each
    /// the names of schemes sent together. Empty for `security: []` and when the spec
    /// declares no scheme.
    pub security: Vec<Vec<String>>,
    /// The JSON pointer of the operation.
    pub pointer: String,
    /// A stream the same success response offers beside its JSON body (OpenAI's chat
    /// completions answer `application/json` or `text/event-stream` as the request asks):
    /// the request builder gets a `stream` method for it, `send` keeps the JSON. `None` when
    /// the response is a stream only (then [`output`](Self::output) is
    /// [`ResponseBody::Stream`]) or has none.
    pub stream: Option<Stream>,
}

/// A response body read as a stream of items as they arrive.
#[derive(Clone, Debug, PartialEq)]
pub struct Stream {
    /// The wire format.
    pub format: StreamFormat,
    /// The media type, as the spec writes it (sent as `Accept`).
    pub media_type: String,
    /// What each item is.
    pub item: StreamItem,
    /// Data that ends the stream cleanly (`[DONE]`), not an item.
    pub sentinel: Option<String>,
    /// How a request asks for the stream rather than the JSON body (for [`Operation::stream`]).
    pub flag: Option<StreamFlag>,
    /// The response's description.
    pub doc: Option<String>,
}

/// Sequential media types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamFormat {
    /// `text/event-stream`.
    Sse,
    /// `application/jsonl`, `application/x-ndjson`.
    JsonLines,
    /// `application/json-seq`.
    JsonSeq,
}

/// The items of a stream.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamItem {
    /// Each event's data (or line, or record) decoded as JSON.
    Json(TypeRef),
    /// Each event's data as text.
    Text,
    /// Server-sent events keyed on the event name: an enum named `name` (in the
    /// operation's module), one variant per event, and `Other` for the rest.
    Events {
        /// The enum's name.
        name: String,
        /// The known events, in document order.
        variants: Vec<EventVariant>,
    },
}

/// One event of a [`StreamItem::Events`].
#[derive(Clone, Debug, PartialEq)]
pub struct EventVariant {
    /// The event name on the wire (`event: delta`).
    pub event: String,
    /// The Rust variant name.
    pub variant: String,
    /// The data's type; `None` for text.
    pub ty: Option<TypeRef>,
}

/// A JSON body property a request sets to `true` to ask for the stream (`stream: true`).
#[derive(Clone, Debug, PartialEq)]
pub struct StreamFlag {
    /// The property's field ident in the body struct.
    pub field: String,
    /// How many `Option`s wrap the field's `bool` (0, 1, or 2 for a tri-state field).
    pub options: u8,
}

/// An operation's security, relative to the client's (the spec's first) scheme.
#[derive(Clone, Debug, PartialEq)]
pub enum OpAuth {
    /// The client's credentials.
    Default,
    /// `security: []`: a public operation; no credentials are sent.
    None,
    /// Another scheme, by name: the client's credentials are sent unless the caller
    /// overrides the header per request.
    Other(String),
}

/// A piece of a path template.
#[derive(Clone, Debug, PartialEq)]
pub enum PathPart {
    /// Literal text.
    Literal(String),
    /// A parameter, by its Rust ident.
    Param(String),
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamIn {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
    /// The whole query string (OpenAPI 3.2 `in: querystring`), serialized as
    /// [`Param::media`].
    QueryString,
}

/// How a query parameter is serialized (`style` + `explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`, explode: repeated keys.
    Form,
    /// `form`, no explode: comma-separated.
    FormNoExplode,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

/// An operation parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The name on the wire.
    pub wire: String,
    /// The Rust name (argument or setter), unique within the operation.
    pub ident: String,
    /// Location.
    pub location: ParamIn,
    /// Value type.
    pub ty: TypeRef,
    /// Required parameters are positional arguments.
    pub required: bool,
    /// Query serialization.
    pub style: QueryStyle,
    /// For [`ParamIn::QueryString`]: the media type the value is serialized as (the key of
    /// its `content`, e.g. `application/x-www-form-urlencoded`).
    pub media: Option<String>,
    /// Documentation.
    pub doc: Doc,
    /// Its examples (the parameter's, then its schema's), default and validation keywords.
    pub facets: Option<Box<Facets>>,
    // Read by later stages instead of the raw document (issue 12):
    /// Where the parameter is written: its place in the operation's or the path item's
    /// `parameters` list (the `$ref` site for a shared parameter). Diff names it.
    pub pointer: String,
    /// The parameter carries a credential (an `Authorization`, `Proxy-Authorization` or
    /// `Cookie` header, or the header, query parameter or cookie a security scheme names):
    /// its value never shows in `Debug` output.
    pub credential: bool,
}

/// The request body.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// How it is encoded.
    pub kind: BodyKind,
    /// The media type sent.
    pub content_type: String,
    /// Its type.
    pub ty: TypeRef,
    /// A required body is a positional argument.
    pub required: bool,
    /// Documentation.
    pub doc: Doc,
    /// Its examples (the media type's, then its schema's), default and validation keywords.
    pub facets: Option<Box<Facets>>,
}

/// Request body encodings.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyKind {
    /// `application/json` and `+json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`: one part per field; `binary` fields are file parts.
    Multipart {
        /// Fields as (wire name, Rust ident, is binary, is required).
        parts: Vec<MultipartPart>,
    },
    /// Raw bytes.
    Bytes,
    /// Text.
    Text,
}

/// One multipart field.
#[derive(Clone, Debug, PartialEq)]
pub struct MultipartPart {
    /// Wire name.
    pub wire: String,
    /// Field ident in the body struct.
    pub ident: String,
    /// A file part.
    pub binary: bool,
    /// Whether the struct field is an `Option`.
    pub optional: bool,
}

/// What a successful call yields.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// One type for every success status.
    Single(ResponseBody),
    /// Different types per status: an enum named `name`.
    ByStatus {
        /// The enum's name (in the operation's module).
        name: String,
        /// The cases.
        cases: Vec<StatusCase>,
    },
}

/// One success status of an `Output::ByStatus`.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusCase {
    /// The status code, or `None` for a range/default.
    pub status: Option<u16>,
    /// The variant name.
    pub variant: String,
    /// The body.
    pub body: ResponseBody,
}

/// A success body.
#[derive(Clone, Debug, PartialEq)]
pub enum ResponseBody {
    /// No content.
    Empty,
    /// JSON decoded into a type.
    Json(TypeRef),
    /// Text.
    Text,
    /// Bytes, streamed.
    Binary,
    /// A stream of typed items (server-sent events, JSON Lines, JSON text sequences).
    Stream(Box<Stream>),
}

/// Pagination, from `x-oagen-pagination`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    /// The style and its keys.
    pub style: PaginationStyle,
    /// The property path of the items array.
    pub items: String,
    /// The item type.
    pub item_ty: TypeRef,
    /// The page type (the unwrapped body).
    pub page_ty: TypeRef,
}

/// Pagination styles.
#[derive(Clone, Debug, PartialEq)]
pub enum PaginationStyle {
    /// A cursor in the body.
    Cursor {
        /// Query parameter.
        cursor_param: String,
        /// Body property with the next cursor.
        cursor_field: String,
        /// Body property that is false at the end.
        has_more_field: Option<String>,
    },
    /// An absolute next URL in the body.
    NextUrl {
        /// Body property.
        next_field: String,
    },
    /// Limit and offset.
    Offset {
        /// Offset query parameter.
        offset_param: String,
        /// Limit query parameter.
        limit_param: String,
        /// Total count property.
        total_field: Option<String>,
    },
    /// Page numbers.
    Page {
        /// Page query parameter.
        page_param: String,
        /// First page number.
        first_page: u64,
    },
    /// `Link: <...>; rel="next"`.
    LinkHeader,
}

/// `x-oagen-envelope`.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    /// The payload property.
    pub data_field: String,
    /// The success flag property.
    pub success_field: Option<String>,
}

/// How the client authenticates.
#[derive(Clone, Debug, PartialEq)]
pub enum AuthScheme {
    /// `http` / `bearer`.
    Bearer,
    /// `http` / `basic`.
    Basic,
    /// `apiKey` in a header, with an optional prefix word.
    Header {
        /// Header name.
        name: String,
        /// `x-oagen-auth-prefix`.
        prefix: Option<String>,
    },
    /// `apiKey` in the query.
    Query {
        /// Parameter name.
        name: String,
    },
    /// `apiKey` in a cookie.
    Cookie {
        /// Cookie name.
        name: String,
    },
}
