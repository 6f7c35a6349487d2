//! The rule catalogue: every kind of change `oagen diff` reports, with its stable id and its
//! severity. Ids never change meaning once released; new rules get new ids.

use super::Severity;

macro_rules! rules {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $id:literal, $sev:ident; )*) => {
        /// A kind of change. See [`Rule::id`] for the stable id and [`Rule::severity`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[doc = $doc])+ $variant, )*
        }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable id, e.g. `request-property-became-required`.
            pub fn id(self) -> &'static str {
                match self { $( Rule::$variant => $id, )* }
            }

            /// How a client built against the old spec fares against a server of the new one.
            pub fn severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$sev, )* }
            }

            /// A one-line description of the rule.
            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => concat!($($doc),+).trim_start(), )* }
            }

            /// The rule with this id.
            pub fn from_id(id: &str) -> Option<Rule> {
                Rule::ALL.iter().copied().find(|r| r.id() == id)
            }
        }
    };
}

rules! {
    /// An operation was removed.
    OperationRemoved = "operation-removed", Breaking;
    /// An operation was added.
    OperationAdded = "operation-added", Compatible;
    /// An operation was marked deprecated.
    OperationDeprecated = "operation-deprecated", Compatible;
    /// A required parameter was added.
    RequiredParamAdded = "required-param-added", Breaking;
    /// An optional parameter was added.
    OptionalParamAdded = "optional-param-added", Compatible;
    /// A parameter was removed; the server may reject or ignore it.
    ParamRemoved = "param-removed", NeedsReview;
    /// An optional parameter became required.
    ParamBecameRequired = "param-became-required", Breaking;
    /// A required parameter became optional.
    ParamBecameOptional = "param-became-optional", Compatible;
    /// The request body became required (or a required body was added).
    RequestBodyBecameRequired = "request-body-became-required", Breaking;
    /// A required request body became optional.
    RequestBodyBecameOptional = "request-body-became-optional", Compatible;
    /// An optional request body was added.
    RequestBodyAdded = "request-body-added", Compatible;
    /// The request body was removed; the server may reject or ignore it.
    RequestBodyRemoved = "request-body-removed", NeedsReview;
    /// A required property was added to a request body.
    RequestRequiredPropertyAdded = "request-required-property-added", Breaking;
    /// An optional property was added to a request body.
    RequestOptionalPropertyAdded = "request-optional-property-added", Compatible;
    /// A request property was removed (or became read-only); the server may reject or ignore it.
    RequestPropertyRemoved = "request-property-removed", NeedsReview;
    /// An optional request property became required.
    RequestPropertyBecameRequired = "request-property-became-required", Breaking;
    /// A required request property became optional.
    RequestPropertyBecameOptional = "request-property-became-optional", Compatible;
    /// A request property now accepts null.
    RequestPropertyBecameNullable = "request-property-became-nullable", Compatible;
    /// A request property no longer accepts null.
    RequestPropertyBecameNonNullable = "request-property-became-non-nullable", Breaking;
    /// A value was removed from an enum sent in requests.
    RequestEnumValueRemoved = "request-enum-value-removed", Breaking;
    /// A value was added to an enum sent in requests.
    RequestEnumValueAdded = "request-enum-value-added", Compatible;
    /// A request type accepts fewer values (e.g. int64 to int32, an alternative removed).
    RequestTypeNarrowed = "request-type-narrowed", Breaking;
    /// A request type accepts more values (e.g. int32 to int64, date to string).
    RequestTypeWidened = "request-type-widened", Compatible;
    /// A request type changed incompatibly (e.g. string to integer).
    RequestTypeChanged = "request-type-changed", Breaking;
    /// A request content type is no longer accepted.
    RequestContentTypeRemoved = "request-content-type-removed", Breaking;
    /// A request content type was added.
    RequestContentTypeAdded = "request-content-type-added", Compatible;
    /// A required response property was removed (or became write-only).
    ResponsePropertyRemoved = "response-property-removed", Breaking;
    /// An optional response property was removed (or became write-only); old clients decode `None`.
    ResponseOptionalPropertyRemoved = "response-optional-property-removed", Compatible;
    /// A response property was added.
    ResponsePropertyAdded = "response-property-added", Compatible;
    /// A required response property became optional.
    ResponsePropertyBecameOptional = "response-property-became-optional", Breaking;
    /// An optional response property became required.
    ResponsePropertyBecameRequired = "response-property-became-required", Compatible;
    /// A response property can now be null.
    ResponsePropertyBecameNullable = "response-property-became-nullable", Breaking;
    /// A response property can no longer be null.
    ResponsePropertyBecameNonNullable = "response-property-became-non-nullable", Compatible;
    /// A value was added to an enum received in responses; clients without a catch-all fail.
    ResponseEnumValueAdded = "response-enum-value-added", NeedsReview;
    /// A value was removed from an enum received in responses.
    ResponseEnumValueRemoved = "response-enum-value-removed", Compatible;
    /// A union received in responses gained a discriminator; old clients still try each alternative.
    ResponseDiscriminatorAdded = "response-discriminator-added", Compatible;
    /// A discriminated union received in responses gained an alternative.
    ResponseUnionVariantAdded = "response-union-variant-added", NeedsReview;
    /// A response type can hold more values than before (e.g. int32 to int64).
    ResponseTypeWidened = "response-type-widened", Breaking;
    /// A response type holds fewer values than before (e.g. string to date).
    ResponseTypeNarrowed = "response-type-narrowed", Compatible;
    /// A response type changed incompatibly (e.g. object to array, JSON to text).
    ResponseTypeChanged = "response-type-changed", Breaking;
    /// A success response that had a body now has none.
    ResponseBodyRemoved = "response-body-removed", Breaking;
    /// A success response that had no body now has one.
    ResponseBodyAdded = "response-body-added", Compatible;
    /// A response content type is no longer produced.
    ResponseContentTypeRemoved = "response-content-type-removed", Breaking;
    /// A response content type was added.
    ResponseContentTypeAdded = "response-content-type-added", Compatible;
    /// The success status codes changed (one replaced by another).
    SuccessStatusChanged = "success-status-changed", Breaking;
    /// A success status code was added next to the existing ones.
    SuccessStatusAdded = "success-status-added", NeedsReview;
    /// A success status code was removed, the others kept.
    SuccessStatusRemoved = "success-status-removed", Compatible;
    /// An error response (4XX, 5XX or `default`) was documented; its body decodes as the crate's error body.
    ErrorResponseAdded = "error-response-added", NeedsReview;
    /// An error response is no longer documented.
    ErrorResponseRemoved = "error-response-removed", NeedsReview;
    /// The body of an error response changed.
    ErrorResponseChanged = "error-response-changed", NeedsReview;
    /// A response header was documented.
    ResponseHeaderAdded = "response-header-added", Compatible;
    /// A response header is no longer documented; clients that read it may miss it.
    ResponseHeaderRemoved = "response-header-removed", NeedsReview;
    /// A response header's schema or requiredness changed.
    ResponseHeaderChanged = "response-header-changed", NeedsReview;
    /// A way of authenticating that used to work is no longer accepted.
    SecurityChanged = "security-changed", Breaking;
    /// Authentication accepts more than before (an alternative added, fewer scopes, none).
    SecurityRelaxed = "security-relaxed", Compatible;
    /// `x-oagen-pagination` changed style or keys.
    PaginationChanged = "pagination-changed", Breaking;
    /// `x-oagen-pagination` was removed.
    PaginationRemoved = "pagination-removed", NeedsReview;
    /// `x-oagen-pagination` was added.
    PaginationAdded = "pagination-added", Compatible;
    /// `x-oagen-envelope` was added, removed or changed.
    EnvelopeChanged = "envelope-changed", Breaking;
    /// A webhook or callback event is no longer sent; receivers' handlers for it go silent.
    WebhookRemoved = "webhook-removed", NeedsReview;
    /// A webhook or callback event was added.
    WebhookAdded = "webhook-added", Compatible;
    /// The webhook signature scheme changed; receivers that verify with the old one refuse every request.
    WebhookSignatureChanged = "webhook-signature-changed", Breaking;
    /// The first server URL (the client's default base URL) changed.
    ServerUrlChanged = "server-url-changed", NeedsReview;
}
