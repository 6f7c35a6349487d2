//! Which named types the operations reach. Specs often define schemas no operation uses
//! (GitHub's webhook payloads are two thirds of its types); the crate layout compiles those
//! only with the `all-types` feature, so that the common build does not pay for them.

use super::{Api, Output, ResponseBody, TypeKind, TypeRef};
use std::collections::BTreeSet;

impl Api {
    /// The names of the types that no operation reaches through its parameters, body,
    /// responses or pagination, nor the error body does. Sorted.
    pub fn unreferenced_types(&self) -> BTreeSet<String> {
        let mut stack: Vec<&TypeRef> = vec![&self.error_body];
        for op in self.modules.iter().flat_map(|m| &m.operations) {
            stack.extend(op.params.iter().map(|p| &p.ty));
            stack.extend(op.body.iter().map(|b| &b.ty));
            match &op.output {
                Output::Single(ResponseBody::Json(t)) => stack.push(t),
                Output::Single(_) => {}
                Output::ByStatus { cases, .. } => {
                    stack.extend(cases.iter().filter_map(|c| match &c.body {
                        ResponseBody::Json(t) => Some(t),
                        _ => None,
                    }))
                }
            }
            if let Some(p) = &op.pagination {
                stack.push(&p.item_ty);
                stack.push(&p.page_ty);
            }
        }
        let mut reached: BTreeSet<&str> = BTreeSet::new();
        while let Some(t) = stack.pop() {
            match t {
                TypeRef::Prim(_) => {}
                TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
                    stack.push(inner)
                }
                TypeRef::Named(name) => {
                    if !reached.insert(name.as_str()) {
                        continue;
                    }
                    // `types` is sorted by name.
                    let Ok(i) = self.types.binary_search_by(|d| d.name.as_str().cmp(name)) else {
                        continue;
                    };
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
        self.types
            .iter()
            .filter(|t| !reached.contains(t.name.as_str()))
            .map(|t| t.name.clone())
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
            stack.extend(op.params.iter().map(|p| &p.ty));
            stack.extend(op.body.iter().map(|b| &b.ty));
            match &op.output {
                Output::Single(ResponseBody::Json(t)) => stack.push(t),
                Output::Single(_) => {}
                Output::ByStatus { cases, .. } => {
                    stack.extend(cases.iter().filter_map(|c| match &c.body {
                        ResponseBody::Json(t) => Some(t),
                        _ => None,
                    }))
                }
            }
            if let Some(p) = &op.pagination {
                stack.push(&p.item_ty);
                stack.push(&p.page_ty);
            }
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
