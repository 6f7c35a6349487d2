//! How much of a spec became real Rust types: a summary of the IR for the corpus harness
//! (`bench/corpus.sh`), printed by `oagen generate --stats FILE`.
//!
//! A *position* is every place a type is written: a struct field, a flattened map's value, a
//! union variant's payload, an alias target, a parameter, a request body, a success body. A
//! position is *untyped* when its type is, or contains, `serde_json::Value`. Some untyped
//! positions are the spec's own choice (a schema with no type at all); the ones where the
//! generator gave up on a construct are counted separately as *fallbacks*, from the warnings
//! that announce a `serde_json::Value` fallback.

use crate::diag::{Diagnostics, Severity};
use crate::ir::{Api, Output, Prim, ResponseBody, TypeKind, TypeRef};

/// The summary of one generated API.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Operations.
    pub operations: usize,
    /// Named types, all kinds.
    pub types: usize,
    /// Named structs.
    pub structs: usize,
    /// Named enums.
    pub enums: usize,
    /// Named unions.
    pub unions: usize,
    /// Named aliases whose target is `serde_json::Value`.
    pub value_aliases: usize,
    /// Type positions.
    pub positions: usize,
    /// Type positions whose type is or contains `serde_json::Value`.
    pub value_positions: usize,
    /// Warnings.
    pub warnings: usize,
    /// Warnings that announce a `serde_json::Value` fallback.
    pub fallbacks: usize,
}

fn has_value(t: &TypeRef) -> bool {
    match t {
        TypeRef::Prim(p) => *p == Prim::Value,
        TypeRef::Named(_) => false,
        TypeRef::Vec(i) | TypeRef::Map(i) | TypeRef::Option(i) => has_value(i),
    }
}

impl Stats {
    /// Summarizes an API and the warnings produced while building it.
    pub fn of(api: &Api, diags: &Diagnostics) -> Stats {
        let mut s = Stats::default();
        let count = |t: &TypeRef, s: &mut Stats| {
            s.positions += 1;
            if has_value(t) {
                s.value_positions += 1;
            }
        };
        for t in &api.types {
            s.types += 1;
            match &t.kind {
                TypeKind::Struct { fields, additional } => {
                    s.structs += 1;
                    for f in fields {
                        count(&f.ty, &mut s);
                    }
                    if let Some(a) = additional {
                        count(a, &mut s);
                    }
                }
                TypeKind::Enum { .. } => s.enums += 1,
                TypeKind::Union { variants, .. } => {
                    s.unions += 1;
                    for v in variants {
                        count(&v.ty, &mut s);
                    }
                }
                TypeKind::Alias(target) => {
                    if has_value(target) {
                        s.value_aliases += 1;
                    }
                    count(target, &mut s);
                }
            }
        }
        for m in &api.modules {
            for op in &m.operations {
                s.operations += 1;
                for p in &op.params {
                    count(&p.ty, &mut s);
                }
                if let Some(b) = &op.body {
                    count(&b.ty, &mut s);
                }
                let bodies: Vec<&ResponseBody> = match &op.output {
                    Output::Single(b) => vec![b],
                    Output::ByStatus { cases, .. } => cases.iter().map(|c| &c.body).collect(),
                };
                for b in bodies {
                    if let ResponseBody::Json(t) = b {
                        count(t, &mut s);
                    }
                }
            }
        }
        for d in diags.iter() {
            if d.severity == Severity::Warning {
                s.warnings += 1;
                if d.message.contains("serde_json::Value") {
                    s.fallbacks += 1;
                }
            }
        }
        s
    }

    /// One line of JSON.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"operations\":{},\"types\":{},\"structs\":{},\"enums\":{},\"unions\":{},\"value_aliases\":{},\"positions\":{},\"value_positions\":{},\"warnings\":{},\"fallbacks\":{}}}",
            self.operations,
            self.types,
            self.structs,
            self.enums,
            self.unions,
            self.value_aliases,
            self.positions,
            self.value_positions,
            self.warnings,
            self.fallbacks
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Doc, Field, TypeDef};

    fn field(ty: TypeRef) -> Field {
        Field {
            wire: "x".into(),
            ident: "x".into(),
            ty,
            required: true,
            nullable: false,
            tri_state: false,
            doc: Doc::default(),
            read_only: false,
            write_only: false,
            boxed: false,
            facets: Default::default(),
        }
    }

    #[test]
    fn counts_value_positions_and_fallback_warnings() {
        let api = Api {
            crate_name: "x".into(),
            title: "x".into(),
            version: "1".into(),
            description: None,
            base_url: None,
            servers: Vec::new(),
            types: vec![
                TypeDef {
                    name: "A".into(),
                    doc: Doc::default(),
                    kind: TypeKind::Struct {
                        fields: vec![
                            field(TypeRef::Prim(Prim::String)),
                            field(TypeRef::Vec(Box::new(TypeRef::Prim(Prim::Value)))),
                        ],
                        additional: None,
                    },
                    pointer: String::new(),
                    settings: Default::default(),
                    facets: Default::default(),
                },
                TypeDef {
                    name: "B".into(),
                    doc: Doc::default(),
                    kind: TypeKind::Alias(TypeRef::Prim(Prim::Value)),
                    pointer: String::new(),
                    settings: Default::default(),
                    facets: Default::default(),
                },
            ],
            error_body: TypeRef::Prim(Prim::Value),
            modules: Vec::new(),
            auth: None,
            env_var: "X".into(),
            credential_headers: Vec::new(),
            schemes: Vec::new(),
            base_url_env: "X_BASE_URL".into(),
            quickstart: Default::default(),
            features: Vec::new(),
            webhooks: None,
        };
        let mut d = Diagnostics::new();
        d.warning(
            "unsupported-schema",
            "`not` schemas ...; using `serde_json::Value`",
            None,
        );
        d.warning("other", "something else", None);
        let s = Stats::of(&api, &d);
        assert_eq!((s.types, s.structs, s.value_aliases), (2, 1, 1));
        assert_eq!((s.positions, s.value_positions), (3, 2));
        assert_eq!((s.warnings, s.fallbacks), (2, 1));
        assert_eq!(
            s.to_json(),
            "{\"operations\":0,\"types\":2,\"structs\":1,\"enums\":0,\"unions\":0,\"value_aliases\":1,\"positions\":3,\"value_positions\":2,\"warnings\":2,\"fallbacks\":1}"
        );
    }
}
