//! Streamed responses: the items of a stream (`text/event-stream`, JSON Lines, JSON text
//! sequences) are what the client decodes, so they are compared like a response body: the
//! stream `send` returns, and the one `stream` returns beside a JSON body.

use super::*;
use crate::ir::{OpFacts, Stream, StreamItem};

impl Engine<'_> {
    /// The items of two streams of one response (`code`), at the response's pointers.
    pub(super) fn stream_items(
        &mut self,
        (a, b): (&Stream, &Stream),
        (optr, nptr): (&str, &str),
        code: &str,
        method: &str,
    ) {
        let at = |ot: &TypeRef, nt: &TypeRef, what: String| At {
            old_ptr: format!("{optr}/content/{}", pointer::escape(&a.media_type)),
            new_ptr: format!("{nptr}/content/{}", pointer::escape(&b.media_type)),
            what,
            rust: format!("the items of {method}"),
            old_rust: rust_ty(ot),
            new_rust: rust_ty(nt),
        };
        match (&a.item, &b.item) {
            (StreamItem::Json(x), StreamItem::Json(y)) => {
                let at = at(x, y, format!("the items of the `{code}` stream"));
                self.cmp(x, y, Dir::Response, &at);
            }
            (StreamItem::Events { variants: ov, .. }, StreamItem::Events { variants: nv, .. }) => {
                // Events pair by name; an event added or removed changes the item enum, which
                // the crate effects report.
                for o in ov {
                    let Some(n) = nv.iter().find(|n| n.event == o.event) else {
                        continue;
                    };
                    if let (Some(x), Some(y)) = (&o.ty, &n.ty) {
                        let what = format!("the `{}` events of the `{code}` stream", o.event);
                        self.cmp(x, y, Dir::Response, &at(x, y, what));
                    }
                }
            }
            _ => {}
        }
    }

    /// The stream that `stream()` returns beside a JSON body (OpenAI's `stream: true`).
    pub(super) fn side_streams(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let (Some(a), Some(b)) = (&o.op.stream, &n.op.stream) else {
            return;
        };
        let (of, nf) = (self.ofacts(o), self.nfacts(n));
        let status = |f: &OpFacts, s: &Stream| {
            success_statuses(f)
                .into_iter()
                .find(|c| content_types(f, c).values().any(|m| *m == s.media_type))
        };
        let (Some(oc), Some(nc)) = (status(of, a), status(nf, b)) else {
            return;
        };
        let optr = format!("{}/responses/{}", o.op.pointer, pointer::escape(&oc));
        let nptr = format!("{}/responses/{}", n.op.pointer, pointer::escape(&nc));
        let method = format!("`{}::stream`", n.builder_plain());
        self.stream_items((a, b), (&optr, &nptr), &nc, &method);
    }
}
