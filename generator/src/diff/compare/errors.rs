//! Error responses (by status and body shape) and response headers (by name and definition),
//! with their effect on the crate's one error body.

use super::*;

impl Engine<'_> {
    // ----- error responses and response headers -----

    /// Error responses, compared by status and by the shape of their bodies.
    pub(super) fn errors(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let (of, nf) = (self.ofacts(o), self.nfacts(n));
        let oe = error_statuses(of);
        let ne = error_statuses(nf);
        if oe == ne
            && oe
                .iter()
                .all(|c| response_shape(of, c) == response_shape(nf, c))
        {
            return;
        }
        let effect = self.error_effect();
        for code in &ne {
            let nptr = format!("{}/responses/{}", n.op.pointer, pointer::escape(code));
            if !oe.contains(code) {
                self.emit(
                    Rule::ErrorResponseAdded,
                    Side::New,
                    &nptr,
                    format!("error response `{code}` was added"),
                    effect.clone(),
                );
                continue;
            }
            if response_shape(of, code) != response_shape(nf, code) {
                self.emit(
                    Rule::ErrorResponseChanged,
                    Side::New,
                    &nptr,
                    format!("the body of error response `{code}` changed"),
                    effect.clone(),
                );
            }
        }
        for code in oe.iter().filter(|c| !ne.contains(c)) {
            let optr = format!("{}/responses/{}", o.op.pointer, pointer::escape(code));
            self.emit(
                Rule::ErrorResponseRemoved,
                Side::Old,
                &optr,
                format!("error response `{code}` was removed"),
                effect.clone(),
            );
        }
    }

    /// What error changes do to the crate: every method's error type carries the crate's
    /// one error body, built from all error responses.
    fn error_effect(&mut self) -> Effect {
        let (o, n) = (&self.old.api.error_body, &self.new.api.error_body);
        let (or, nr) = (rust_ty(o), rust_ty(n));
        if or != nr {
            return Effect::new(
                Bump::Major,
                format!(
                    "the error body of every method (`Error::Api`) changes from `{or}` to `{nr}`"
                ),
            );
        }
        if let Some(kinds) = self.kinds_in(&nr) {
            return Effect::new(
                Bump::Major,
                format!("the error body of every method (`Error::Api`) changes: {kinds}"),
            );
        }
        let changed = self.changed_items(n);
        if !changed.is_empty() {
            return Effect::new(
                Bump::Major,
                format!(
                    "the error body of every method (`Error::Api`), `{nr}`, changes: {}",
                    changed.join("; ")
                ),
            );
        }
        if !self.shape_eq(o, n) {
            // Same public items, decoded differently (e.g. alternatives tried in another order).
            return Effect::new(
                Bump::Patch,
                format!("`{nr}`, the error body of every method (`Error::Api`), decodes differently; no signature changes"),
            );
        }
        Effect::new(
            Bump::None,
            format!("none: the error body of every method stays `{nr}`"),
        )
    }

    /// Response headers, per status both sides document.
    pub(super) fn headers(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let (of, nf) = (self.ofacts(o), self.nfacts(n));
        let effect = Effect::new(
            Bump::None,
            "none: the generated methods do not read documented response headers (`send_with_response` returns every header as text)",
        );
        for code in all_statuses(nf) {
            let optr = format!("{}/responses/{}", o.op.pointer, pointer::escape(&code));
            let nptr = format!("{}/responses/{}", n.op.pointer, pointer::escape(&code));
            if response(of, &code).is_none() {
                continue;
            }
            let oh = response_headers(of, &code);
            let nh = response_headers(nf, &code);
            for (key, (name, shape)) in &nh {
                let ptr = format!("{nptr}/headers/{}", pointer::escape(name));
                match oh.get(key) {
                    None => self.emit(
                        Rule::ResponseHeaderAdded,
                        Side::New,
                        &ptr,
                        format!("the `{code}` response documents header `{name}`"),
                        effect.clone(),
                    ),
                    Some((_, old_shape)) if old_shape != shape => self.emit(
                        Rule::ResponseHeaderChanged,
                        Side::New,
                        &ptr,
                        format!("header `{name}` of the `{code}` response changed (its schema, style or requiredness)"),
                        effect.clone(),
                    ),
                    Some(_) => {}
                }
            }
            for (key, (name, _)) in &oh {
                if !nh.contains_key(key) {
                    self.emit(
                        Rule::ResponseHeaderRemoved,
                        Side::Old,
                        &format!("{optr}/headers/{}", pointer::escape(name)),
                        format!("the `{code}` response no longer documents header `{name}`; clients that read it may miss it"),
                        effect.clone(),
                    );
                }
            }
        }
    }
}
