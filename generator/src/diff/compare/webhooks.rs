//! Webhooks and callbacks: the events an API sends to its users' servers, paired by name (a
//! webhook's key, a callback's operationId or name); their payloads compared in the response
//! direction (the API sends them, the receiver decodes them); the signature scheme.
//!
//! Each event is a slot of the report beside the operations (`webhook invoice.paid`,
//! `callback jobFinished`), so a payload type shared with a response lists both.

use super::*;
use crate::ir::webhook::{write_template, EventSource, WebhookEvent, WebhookSignature, Webhooks};
use crate::ir::webhook::{SignatureEncoding, TimestampAt};
use crate::load::webhooks::SIGNATURE_EXTENSION;

/// How an event is listed among a change's operations.
fn event_display(e: &WebhookEvent) -> String {
    match &e.source {
        EventSource::Webhook { .. } => format!("webhook {}", e.name),
        EventSource::Callback { .. } => format!("callback {}", e.name),
    }
}

/// `the `invoice.paid` webhook`, `the `jobFinished` callback`.
fn event_what(e: &WebhookEvent) -> String {
    match &e.source {
        EventSource::Webhook { .. } => format!("the `{}` webhook", e.name),
        EventSource::Callback { .. } => format!("the `{}` callback", e.name),
    }
}

/// The events of one side, each with the key it pairs by (its name; a repeated name gets
/// `#2`, `#3`, ...).
fn keyed(w: Option<&Webhooks>) -> Vec<(String, &WebhookEvent)> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    w.map_or(&[][..], |w| &w.events)
        .iter()
        .map(|e| {
            let n = seen.entry(e.name.as_str()).or_default();
            *n += 1;
            let key = if *n > 1 {
                format!("{} #{n}", e.name)
            } else {
                e.name.clone()
            };
            (key, e)
        })
        .collect()
}

/// The generated items of an event: its variant and its `parse_<event>` method.
fn event_items(module: &str, e: &WebhookEvent) -> String {
    format!(
        "`{module}::Event::{}` and `{module}::Webhooks::{}`",
        e.variant,
        bare(&e.parse_fn)
    )
}

fn payload_rust(e: &WebhookEvent) -> String {
    e.payload.as_ref().map_or_else(|| "()".into(), body_rust)
}

/// What receivers check, in words, one entry per aspect (the tolerance is the receiver's
/// choice and left out).
fn signature_aspects(s: &WebhookSignature) -> Vec<(&'static str, String)> {
    let template = write_template(&s.signed);
    let code = |t: &str| format!("`{t}`");
    vec![
        (
            "scheme",
            if s.standard {
                "Standard Webhooks".into()
            } else {
                "a provider scheme".into()
            },
        ),
        ("signature header", code(&s.header)),
        ("signed content", code(&template)),
        (
            "encoding",
            match s.encoding {
                SignatureEncoding::Hex => "hex".into(),
                SignatureEncoding::Base64 => "base64".into(),
            },
        ),
        ("signature prefix", code(&s.prefix)),
        (
            "separator",
            s.separator.as_deref().map_or("none".into(), code),
        ),
        (
            "id header",
            s.id_header.as_deref().map_or("none".into(), code),
        ),
        (
            "timestamp",
            match &s.timestamp {
                None => "none".into(),
                Some(TimestampAt::Header(h)) => format!("header `{h}`"),
                Some(TimestampAt::SignatureParam(k)) => format!("element `{k}=`"),
            },
        ),
        (
            "secret",
            match s.secret {
                crate::ir::webhook::SecretFormat::Base64 => "base64".into(),
                crate::ir::webhook::SecretFormat::Text => "text".into(),
            },
        ),
    ]
}

impl Engine<'_> {
    /// Pairs the events of both sides by name and compares each pair; new events get slots
    /// after the operations, removed ones after them. Then the signature scheme.
    pub(super) fn webhooks(&mut self, slots: &mut Vec<String>) {
        let (ow, nw) = (
            self.old.api.webhooks.as_ref(),
            self.new.api.webhooks.as_ref(),
        );
        if ow.is_none() && nw.is_none() {
            return;
        }
        let olds = keyed(ow);
        let news = keyed(nw);
        let mut matched = vec![false; olds.len()];
        let mut new_slots = Vec::new();
        for (key, n) in &news {
            let slot = slots.len();
            slots.push(event_display(n));
            new_slots.push(slot);
            self.entries.push(BTreeSet::new());
            self.owner = Owner::Op(slot);
            match olds.iter().position(|(k, _)| k == key) {
                Some(i) => {
                    matched[i] = true;
                    self.event(ow, nw, olds[i].1, n);
                }
                None => self.event_added(ow, nw, n),
            }
            self.drain();
        }
        for (i, (_, o)) in olds.iter().enumerate() {
            if matched[i] {
                continue;
            }
            let slot = slots.len();
            slots.push(event_display(o));
            self.entries.push(BTreeSet::new());
            self.owner = Owner::Op(slot);
            self.event_removed(ow, nw, o);
        }
        if let (Some(ow), Some(nw)) = (ow, nw) {
            self.signature(ow, nw, &new_slots);
        }
        self.owner = Owner::Global;
    }

    fn event_added(&mut self, ow: Option<&Webhooks>, nw: Option<&Webhooks>, n: &WebhookEvent) {
        let module = nw.map_or("webhooks", |w| w.module.as_str());
        let effect = match ow {
            // A variant added to an existing enum breaks exhaustive matches.
            Some(_) => Effect::new(
                Bump::Major,
                format!(
                    "adds {} (a new variant of the exhaustive `{module}::Event`)",
                    event_items(module, n)
                ),
            ),
            None => Effect::new(
                Bump::Minor,
                format!("adds module `{module}` with {}", event_items(module, n)),
            ),
        };
        self.emit(
            Rule::WebhookAdded,
            Side::New,
            &n.pointer,
            format!("{} was added: the API sends a new event", event_what(n)),
            effect,
        );
    }

    fn event_removed(&mut self, ow: Option<&Webhooks>, nw: Option<&Webhooks>, o: &WebhookEvent) {
        let module = ow.map_or("webhooks", |w| w.module.as_str());
        let items = event_items(module, o);
        let effect = match nw {
            Some(_) => Effect::new(Bump::Major, format!("removes {items}")),
            None => Effect::new(
                Bump::Major,
                format!("removes module `{module}` (with {items})"),
            ),
        };
        self.emit(
            Rule::WebhookRemoved,
            Side::Old,
            &o.pointer,
            format!(
                "{} was removed: the API no longer sends it, and receivers' handlers for it go silent",
                event_what(o)
            ),
            effect,
        );
    }

    /// A pair of events: the generated names, then the payloads as responses.
    fn event(
        &mut self,
        ow: Option<&Webhooks>,
        nw: Option<&Webhooks>,
        o: &WebhookEvent,
        n: &WebhookEvent,
    ) {
        let om = ow.map_or("webhooks", |w| w.module.as_str());
        let nm = nw.map_or("webhooks", |w| w.module.as_str());
        if (om, &o.variant, &o.parse_fn) != (nm, &n.variant, &n.parse_fn) {
            self.crate_changes.push(CrateChange {
                bump: Bump::Major,
                text: format!(
                    "{} are now {} ({})",
                    event_items(om, o),
                    event_items(nm, n),
                    event_what(n)
                ),
            });
        }
        let optr = format!("{}/requestBody", o.pointer);
        let nptr = format!("{}/requestBody", n.pointer);
        let items = event_items(nm, n);
        let (orust, nrust) = (payload_rust(o), payload_rust(n));
        let effect = || {
            if orust != nrust {
                Effect::new(
                    Bump::Major,
                    format!("the payload of {items} changes from `{orust}` to `{nrust}`"),
                )
            } else {
                Effect::new(
                    Bump::None,
                    format!("none: the payload of {items} stays `{nrust}`"),
                )
            }
        };
        match (&o.payload, &n.payload) {
            (None, None) => {}
            (Some(_), None) => self.emit(
                Rule::ResponseBodyRemoved,
                Side::Old,
                &optr,
                format!("{} no longer sends a body", event_what(o)),
                effect(),
            ),
            (None, Some(_)) => self.emit(
                Rule::ResponseBodyAdded,
                Side::New,
                &nptr,
                format!("{} now sends a body", event_what(n)),
                effect(),
            ),
            (Some(ob), Some(nb)) => {
                if std::mem::discriminant(&ob.kind) == std::mem::discriminant(&nb.kind) {
                    let at = At {
                        old_ptr: format!(
                            "{optr}/content/{}/schema",
                            pointer::escape(&ob.content_type)
                        ),
                        new_ptr: format!(
                            "{nptr}/content/{}/schema",
                            pointer::escape(&nb.content_type)
                        ),
                        what: format!("the payload of {}", event_what(n)),
                        rust: format!("the payload of {items}"),
                        old_rust: orust.clone(),
                        new_rust: nrust.clone(),
                    };
                    self.cmp(&ob.ty, &nb.ty, Dir::Response, &at);
                } else {
                    self.emit(
                        Rule::ResponseTypeChanged,
                        Side::New,
                        &format!("{nptr}/content/{}", pointer::escape(&nb.content_type)),
                        format!(
                            "{} sends `{}` instead of `{}`",
                            event_what(n),
                            nb.content_type,
                            ob.content_type
                        ),
                        effect(),
                    );
                }
            }
        }
    }

    /// The signature scheme: receivers built for the old one refuse requests signed with the
    /// new one. One finding, listing every event of the new side.
    fn signature(&mut self, ow: &Webhooks, nw: &Webhooks, slots: &[usize]) {
        let (oa, na) = (
            signature_aspects(&ow.signature),
            signature_aspects(&nw.signature),
        );
        let changed: Vec<String> = oa
            .iter()
            .zip(&na)
            .filter(|(a, b)| a.1 != b.1)
            .map(|(a, b)| format!("{} {} → {}", a.0, a.1, b.1))
            .collect();
        if changed.is_empty() {
            if ow.signature.tolerance != nw.signature.tolerance {
                self.crate_changes.push(CrateChange {
                    bump: Bump::Patch,
                    text: format!(
                        "`{}::signature_scheme()` refuses timestamps more than {} seconds from now instead of {}; no signature changes",
                        nw.module, nw.signature.tolerance, ow.signature.tolerance
                    ),
                });
            }
            return;
        }
        let at = |s: &WebhookSignature| format!("{}/{SIGNATURE_EXTENSION}", s.at);
        let written = |spec: &Spec, s: &WebhookSignature| {
            pointer::get(&spec.loaded.document, &at(s)).is_some()
        };
        let (side, ptr) = if written(self.new, &nw.signature) {
            (Side::New, at(&nw.signature))
        } else if written(self.old, &ow.signature) {
            (Side::Old, at(&ow.signature))
        } else {
            // Both sides without the extension have the same (default) scheme.
            (
                Side::New,
                nw.events
                    .first()
                    .map_or(String::new(), |e| e.pointer.clone()),
            )
        };
        let message = format!(
            "the webhook signature scheme changed ({}): receivers that verify with the old one refuse every request",
            changed.join("; ")
        );
        let effect = Effect::new(
            Bump::Patch,
            format!(
                "`{0}::signature_scheme()` and `{0}::Webhooks` verify with the new scheme; no signature changes",
                nw.module
            ),
        );
        for &slot in slots {
            self.owner = Owner::Op(slot);
            self.emit(
                Rule::WebhookSignatureChanged,
                side,
                &ptr,
                message.clone(),
                effect.clone(),
            );
        }
    }
}
