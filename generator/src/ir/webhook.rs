//! The webhooks of an API in the IR: the events the API sends to its users' servers (3.1
//! `webhooks`, and the `callbacks` of operations), how `parse` tells them apart, and how
//! their signatures are checked. Plain data, like the rest of the IR.

use super::{Body, Doc, Gate, TypeRef};

pub use crate::load::webhooks::{
    write_template, SecretFormat, SignatureEncoding, SignatureSpec as WebhookSignature, SignedPart,
    TimestampAt,
};

/// The generated `webhooks` module.
#[derive(Clone, Debug, PartialEq)]
pub struct Webhooks {
    /// The module's name: `webhooks`, or another when a tag module has it.
    pub module: String,
    /// The events, webhooks first (document order), then callbacks (in the order of the
    /// operations that declare them).
    pub events: Vec<WebhookEvent>,
    /// How `parse` chooses the event.
    pub dispatch: Dispatch,
    /// How requests are signed (one scheme for all the events).
    pub signature: WebhookSignature,
    /// When the module is compiled (crate layout: a feature of its own, which also enables
    /// the runtime's `webhooks`).
    pub gate: Gate,
    /// That feature, in crate layout.
    pub feature: Option<String>,
}

/// One event: a webhook's (or callback's) operation.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookEvent {
    /// The name it is known by: the webhook's key, or the callback's operationId or name.
    pub name: String,
    /// Where it is declared.
    pub source: EventSource,
    /// The variant of the event enum.
    pub variant: String,
    /// The method that verifies and decodes this event alone (`parse_<name>`).
    pub parse_fn: String,
    /// The operation's summary and description (else the path item's).
    pub doc: Doc,
    /// The request body the API sends, if it declares one.
    pub payload: Option<Body>,
    /// The value that selects this event under [`Dispatch::Header`] or
    /// [`Dispatch::BodyProperty`].
    pub tag: Option<String>,
    /// The operation's pointer.
    pub pointer: String,
}

/// Where an event is declared.
#[derive(Clone, Debug, PartialEq)]
pub enum EventSource {
    /// `webhooks/<key>/<method>`.
    Webhook {
        /// The key.
        key: String,
        /// `POST`, ...
        method: String,
    },
    /// `callbacks/<name>/<expression>/<method>` of an operation.
    Callback {
        /// The operation's id (or derived name).
        operation: String,
        /// The callback's name.
        name: String,
        /// Its URL expression (`{$request.body#/callbackUrl}`).
        expression: String,
        /// `POST`, ...
        method: String,
    },
}

/// How `parse` tells the events apart.
#[derive(Clone, Debug, PartialEq)]
pub enum Dispatch {
    /// There is one event.
    Single,
    /// A request header whose value is a constant per event (a required header parameter
    /// with one `enum`/`const` value on each operation).
    Header(String),
    /// A top-level property of the JSON body whose value is a constant per event (one
    /// `enum`/`const` value in each payload schema).
    BodyProperty(String),
    /// Nothing tells them apart: `parse` is not generated, only the `parse_<name>` methods
    /// (a warning says so).
    Undecided,
}

impl Webhooks {
    /// The types the events name.
    pub fn type_roots(&self) -> Vec<&TypeRef> {
        self.events
            .iter()
            .filter_map(|e| e.payload.as_ref().map(|b| &b.ty))
            .collect()
    }
}
