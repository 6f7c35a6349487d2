//! Which named types the operations reach. Specs often define schemas no operation uses
//! (GitHub's webhook payloads are two thirds of its types); the crate layout compiles those
//! only with the `all-types` feature, and each other type only with a feature whose
//! operations reach it (`features.rs`), so that a build pays for what it calls.

use super::{Api, Operation, Output, ResponseBody, TypeKind, TypeRef};
use std::collections::BTreeSet;

impl Operation {
    /// The types the operation names: parameters, body, JSON responses, pagination.
    pub fn type_roots(&self) -> Vec<&TypeRef> {
        let mut out: Vec<&TypeRef> = self.params.iter().map(|p| &p.ty).collect();
        out.extend(self.body.iter().map(|b| &b.ty));
        match &self.output {
            Output::Single(ResponseBody::Json(t)) => out.push(t),
            Output::Single(ResponseBody::Stream(s)) => out.extend(s.item_types()),
            Output::Single(_) => {}
            Output::ByStatus { cases, .. } => {
                out.extend(cases.iter().filter_map(|c| match &c.body {
                    ResponseBody::Json(t) => Some(t),
                    _ => None,
                }))
            }
        }
        if let Some(s) = &self.stream {
            out.extend(s.item_types());
        }
        if let Some(p) = &self.pagination {
            out.push(&p.item_ty);
            out.push(&p.page_ty);
        }
        out
    }
}

impl super::Stream {
    /// The types of the stream's items.
    pub fn item_types(&self) -> Vec<&TypeRef> {
        match &self.item {
            super::StreamItem::Json(t) => vec![t],
            super::StreamItem::Text => Vec::new(),
            super::StreamItem::Events { variants, .. } => {
                variants.iter().filter_map(|v| v.ty.as_ref()).collect()
            }
        }
    }
}

impl Api {
    /// Sets `reached[i]` for every type of `types` (by index) that `roots` name, directly or
    /// through fields, additional properties, union variants and aliases. Types already marked
    /// are not walked again.
    pub(crate) fn mark_reached<'a>(
        &'a self,
        roots: impl IntoIterator<Item = &'a TypeRef>,
        reached: &mut [bool],
    ) {
        let mut stack: Vec<&TypeRef> = roots.into_iter().collect();
        while let Some(t) = stack.pop() {
            match t {
                TypeRef::Prim(_) => {}
                TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
                    stack.push(inner)
                }
                TypeRef::Named(name) => {
                    // `types` is sorted by name.
                    let Ok(i) = self.types.binary_search_by(|d| d.name.as_str().cmp(name)) else {
                        continue;
                    };
                    if std::mem::replace(&mut reached[i], true) {
                        continue;
                    }
                    match &self.types[i].kind {
                        TypeKind::Struct { fields, additional } => {
                            stack.extend(fields.iter().map(|f| &f.ty));
                            stack.extend(additional.iter());
                        }
                        TypeKind::Union { variants, .. } => {
                            stack.extend(variants.iter().map(|v| &v.ty))
                        }
                        TypeKind::Alias(target) => stack.push(target),
                        TypeKind::Enum { .. } => {}
                    }
                }
            }
        }
    }

    /// The names of the types that no operation reaches through its parameters, body,
    /// responses or pagination, nor the error body does. Sorted.
    pub fn unreferenced_types(&self) -> BTreeSet<String> {
        let mut reached = vec![false; self.types.len()];
        let ops = self.modules.iter().flat_map(|m| &m.operations);
        self.mark_reached(
            std::iter::once(&self.error_body).chain(ops.flat_map(|op| op.type_roots())),
            &mut reached,
        );
        self.types
            .iter()
            .zip(reached)
            .filter(|(_, r)| !r)
            .map(|(t, _)| t.name.clone())
            .collect()
    }
}

impl Api {
    /// Every scalar the generated code names: in the types (replaced ones aside), the
    /// parameters, bodies, responses and pages of the operations, and the error body. Decides
    /// which dependencies a crate needs (`chrono` for dates, `uuid`).
    pub fn scalars(&self) -> std::collections::BTreeSet<super::Prim> {
        let mut stack: Vec<&TypeRef> = vec![&self.error_body];
        for t in self
            .types
            .iter()
            .filter(|t| t.settings.replaced_by.is_none())
        {
            match &t.kind {
                TypeKind::Struct { fields, additional } => {
                    stack.extend(fields.iter().map(|f| &f.ty));
                    stack.extend(additional.iter());
                }
                TypeKind::Union { variants, .. } => stack.extend(variants.iter().map(|v| &v.ty)),
                TypeKind::Alias(target) => stack.push(target),
                TypeKind::Enum { .. } => {}
            }
        }
        for op in self.modules.iter().flat_map(|m| &m.operations) {
            stack.extend(op.type_roots());
        }
        let mut out = std::collections::BTreeSet::new();
        while let Some(t) = stack.pop() {
            match t {
                TypeRef::Prim(p) => {
                    out.insert(*p);
                }
                TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
                    stack.push(inner)
                }
                TypeRef::Named(_) => {}
            }
        }
        out
    }
}
