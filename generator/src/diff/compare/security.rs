//! Security requirements, compared by the shape of their schemes (a renamed scheme is not a
//! change).

use super::*;

/// One requirement: every scheme (by canonical shape) with its scopes. Empty: no authentication.
pub(super) type Requirement = BTreeMap<String, (String, BTreeSet<String>)>;

/// The requirements of an operation: its own `security`, else the document's. Alternatives.
pub(super) fn effective_security(f: &crate::ir::OpFacts) -> Vec<Requirement> {
    if f.security.is_empty() {
        return vec![Requirement::new()];
    }
    f.security
        .iter()
        .map(|alt| {
            alt.iter()
                .map(|s| (s.shape.clone(), (s.text.clone(), s.scopes.clone())))
                .collect()
        })
        .collect()
}

pub(super) fn canonical_reqs(reqs: &[Requirement]) -> BTreeSet<Vec<(String, BTreeSet<String>)>> {
    reqs.iter()
        .map(|r| r.iter().map(|(k, (_, s))| (k.clone(), s.clone())).collect())
        .collect()
}

/// Whether credentials that satisfy `old` also satisfy `new`.
pub(super) fn satisfies(old: &Requirement, new: &Requirement) -> bool {
    new.iter().all(|(shape, (_, scopes))| {
        old.get(shape)
            .is_some_and(|(_, have)| scopes.is_subset(have))
    })
}

pub(super) fn reqs_text(reqs: &[Requirement]) -> String {
    let alts: Vec<String> = reqs
        .iter()
        .map(|r| {
            if r.is_empty() {
                return "no authentication".to_string();
            }
            r.values()
                .map(|(text, scopes)| {
                    if scopes.is_empty() {
                        text.clone()
                    } else {
                        format!(
                            "{text} (scopes {})",
                            scopes
                                .iter()
                                .map(|s| format!("`{s}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                })
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    alts.join(" or ")
}
