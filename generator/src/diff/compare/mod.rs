//! The comparison engine: pairs operations by method and path shape, then walks both IRs in
//! parallel from every operation (parameters and request body as requests, success bodies as
//! responses) and from every webhook or callback event (payloads as responses), comparing
//! types by shape. Findings inside named types are reported once, with
//! every operation that reaches them.

use super::rules::Rule;
use super::{Bump, Change, CrateChange, Effect, Report, Side, Spec};
use crate::ir::{
    Api, AuthScheme, Body, BodyKind, EnumRepr, Field, Operation, Output, Param, ParamIn, PathPart,
    Prim, ResponseBody, TypeDef, TypeKind, TypeRef,
};
use crate::load::pointer;
use std::collections::{BTreeMap, BTreeSet};

mod effects;
mod errors;
mod ops;
mod pointers;
mod schema;
mod security;
mod streams;
mod webhooks;

use effects::*;
use pointers::*;
use security::*;

/// Requests are checked for what the server accepts, responses for what the client decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Dir {
    Request,
    Response,
}

/// How the set of values of a type changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rel {
    Equal,
    Wider,
    Narrower,
    Changed,
}

/// An operation of one side.
struct OpInfo<'a> {
    op: &'a Operation,
    module: &'a str,
    /// `GET /pets/{}`: method and path with parameter names blanked.
    key: String,
    /// `GET /pets/{id}`.
    display: String,
}

impl OpInfo<'_> {
    fn method(&self) -> String {
        format!("`Client::{}`", bare(&self.op.method_name))
    }

    fn builder(&self) -> String {
        format!("`{}::{}`", self.module, self.op.builder_name)
    }

    fn builder_plain(&self) -> String {
        format!("{}::{}", self.module, self.op.builder_name)
    }
}

fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The operations of an API in document order.
fn operations<'a>(spec: &'a Spec) -> Vec<OpInfo<'a>> {
    let path_order: BTreeMap<&str, usize> = spec
        .facts
        .paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    const METHODS: [&str; 8] = [
        "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
    ];
    let mut ops: Vec<OpInfo<'a>> = spec
        .api
        .modules
        .iter()
        .flat_map(|m| {
            m.operations.iter().map(move |op| OpInfo {
                op,
                module: m.name.as_str(),
                key: format!("{} {}", op.http_method, blank_params(&op.path)),
                display: format!("{} {}", op.http_method, op.path),
            })
        })
        .collect();
    ops.sort_by_key(|o| {
        (
            path_order
                .get(o.op.path.as_str())
                .copied()
                .unwrap_or(usize::MAX),
            METHODS
                .iter()
                .position(|m| *m == o.op.http_method)
                .unwrap_or(METHODS.len()),
        )
    });
    // Two templates that differ only in parameter names are distinct operations.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for o in &mut ops {
        let n = seen.entry(o.key.clone()).or_default();
        *n += 1;
        if *n > 1 {
            o.key = format!("{} #{n}", o.key);
        }
    }
    ops
}

/// `/pets/{petId}/toys` → `/pets/{}/toys`.
fn blank_params(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push_str("{}");
                }
                depth += 1;
            }
            '}' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            c => out.push(c),
        }
    }
    out
}

/// Who a finding belongs to: an operation, a pair of named types (reached from operations),
/// or the whole API.
#[derive(Clone, Copy, Debug)]
enum Owner {
    Op(usize),
    Pair(usize),
    Global,
}

struct Raw {
    rule: Rule,
    pointer: String,
    side: Side,
    file: String,
    line: Option<usize>,
    message: String,
    effect: Effect,
    owner: Owner,
}

/// A position being compared: pointers on both sides, a description for messages, and the
/// Rust item that holds the value with its type on both sides.
#[derive(Clone, Debug)]
struct At {
    old_ptr: String,
    new_ptr: String,
    what: String,
    rust: String,
    old_rust: String,
    new_rust: String,
}

impl At {
    fn child(&self, seg: &str, what: String) -> At {
        At {
            old_ptr: format!("{}/{seg}", self.old_ptr),
            new_ptr: format!("{}/{seg}", self.new_ptr),
            what,
            ..self.clone()
        }
    }
}

struct Engine<'a> {
    old: &'a Spec,
    new: &'a Spec,
    ot: BTreeMap<&'a str, &'a TypeDef>,
    nt: BTreeMap<&'a str, &'a TypeDef>,
    raws: Vec<Raw>,
    owner: Owner,
    /// Named-type pairs compared, by (old name, new name, direction).
    pairs: BTreeMap<(String, String, Dir), usize>,
    /// Pair → pairs reached from it.
    edges: Vec<BTreeSet<usize>>,
    /// Operation slot → pairs reached directly.
    entries: Vec<BTreeSet<usize>>,
    /// Old type name → new type names it was paired with.
    paired: BTreeMap<String, BTreeSet<String>>,
    /// Shape comparisons known to be false.
    not_eq: BTreeSet<(String, String)>,
    /// Named-type pairs waiting to be compared.
    queue: Vec<(usize, &'a TypeDef, &'a TypeDef, Dir)>,
    crate_changes: Vec<CrateChange>,
    /// Types that kept their name and changed kind, already named in a change's effect.
    kind_reported: BTreeSet<String>,
    /// Comparing a parameter: values travel as text, so a number becoming a string widens.
    as_text: bool,
}

/// Compares two loaded specs.
pub fn compare(old: &Spec, new: &Spec) -> Report {
    let olds = operations(old);
    let news = operations(new);
    let mut e = Engine {
        old,
        new,
        ot: old.api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        nt: new.api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        raws: Vec::new(),
        owner: Owner::Global,
        pairs: BTreeMap::new(),
        edges: Vec::new(),
        entries: Vec::new(),
        paired: BTreeMap::new(),
        not_eq: BTreeSet::new(),
        queue: Vec::new(),
        crate_changes: Vec::new(),
        kind_reported: BTreeSet::new(),
        as_text: false,
    };

    e.api_level();

    let old_by_key: BTreeMap<&str, usize> = olds
        .iter()
        .enumerate()
        .map(|(i, o)| (o.key.as_str(), i))
        .collect();
    let mut matched = vec![false; olds.len()];
    // Slots: new operations in document order, then removed ones in old document order.
    let mut slots: Vec<String> = Vec::new();
    for n in &news {
        let slot = slots.len();
        slots.push(n.display.clone());
        e.entries.push(BTreeSet::new());
        e.owner = Owner::Op(slot);
        match old_by_key.get(n.key.as_str()) {
            Some(&i) => {
                matched[i] = true;
                e.operation(&olds[i], n);
            }
            None => e.added(n),
        }
        e.drain();
    }
    for (i, o) in olds.iter().enumerate() {
        if matched[i] {
            continue;
        }
        let slot = slots.len();
        slots.push(o.display.clone());
        e.entries.push(BTreeSet::new());
        e.owner = Owner::Op(slot);
        e.removed(o);
    }
    e.webhooks(&mut slots);
    e.type_renames();
    e.kind_changes();
    e.unwalked_changes();
    e.finish(slots)
}

impl<'a> Engine<'a> {
    fn emit(&mut self, rule: Rule, side: Side, pointer: &str, message: String, effect: Effect) {
        let spec = match side {
            Side::Old => self.old,
            Side::New => self.new,
        };
        let (pointer, loc) = spec.loaded.place(pointer);
        self.raws.push(Raw {
            rule,
            file: spec.display_file(&loc.file),
            line: loc.line,
            pointer,
            side,
            message,
            effect,
            owner: self.owner,
        });
    }

    /// The facts of an old operation.
    fn ofacts(&self, o: &OpInfo<'_>) -> &'a crate::ir::OpFacts {
        op_facts(&self.old.facts, o.op)
    }

    /// The facts of a new operation.
    fn nfacts(&self, n: &OpInfo<'_>) -> &'a crate::ir::OpFacts {
        op_facts(&self.new.facts, n.op)
    }

    // ----- the whole API -----

    fn api_level(&mut self) {
        let (o, n) = (&self.old.api, &self.new.api);
        if o.base_url != n.base_url && o.base_url.is_some() {
            let show = |u: &Option<String>| u.clone().unwrap_or_else(|| "(none)".into());
            self.emit(
                Rule::ServerUrlChanged,
                Side::New,
                "/servers",
                format!(
                    "the first server URL changed from `{}` to `{}`",
                    show(&o.base_url),
                    show(&n.base_url)
                ),
                Effect::new(
                    Bump::Patch,
                    format!(
                        "`Client::new` uses `{}` as its default base URL",
                        show(&n.base_url)
                    ),
                ),
            );
        }
        if o.auth != n.auth {
            let (oc, nc) = (constructor(o.auth.as_ref()), constructor(n.auth.as_ref()));
            if oc != nc {
                self.crate_changes.push(CrateChange {
                    bump: Bump::Major,
                    text: format!("`Client::new` changes from `{oc}` to `{nc}` (the client authenticates with {})", auth_text(n.auth.as_ref())),
                });
            } else {
                self.crate_changes.push(CrateChange {
                    bump: Bump::Patch,
                    text: format!(
                        "the client sends its credentials as {} instead of {}; no signature changes",
                        auth_text(n.auth.as_ref()),
                        auth_text(o.auth.as_ref())
                    ),
                });
            }
        }
        for scheme in &n.schemes {
            if !o.schemes.iter().any(|s| s.setter == scheme.setter) {
                self.crate_changes.push(CrateChange {
                    bump: Bump::Minor,
                    text: format!(
                        "`ClientBuilder::{}` is added: the credential of security scheme `{}`",
                        crate::ident::bare(&scheme.setter),
                        scheme.name
                    ),
                });
            }
        }
        for scheme in &o.schemes {
            if !n.schemes.iter().any(|s| s.setter == scheme.setter) {
                self.crate_changes.push(CrateChange {
                    bump: Bump::Major,
                    text: format!(
                        "`ClientBuilder::{}` is removed with security scheme `{}`",
                        crate::ident::bare(&scheme.setter),
                        scheme.name
                    ),
                });
            }
        }
        if o.env_var != n.env_var && n.auth.is_some() && o.auth.is_some() {
            self.crate_changes.push(CrateChange {
                bump: Bump::Major,
                text: format!(
                    "`Client::from_env` reads `{}` instead of `{}`",
                    n.env_var, o.env_var
                ),
            });
        }
    }

    // ----- operations -----

    fn added(&mut self, n: &OpInfo<'_>) {
        self.emit(
            Rule::OperationAdded,
            Side::New,
            &n.op.pointer,
            "the operation was added".to_string(),
            Effect::new(
                Bump::Minor,
                format!("adds {} and {}", n.method(), n.builder()),
            ),
        );
    }

    fn removed(&mut self, o: &OpInfo<'_>) {
        self.emit(
            Rule::OperationRemoved,
            Side::Old,
            &o.op.pointer,
            "the operation was removed".to_string(),
            Effect::new(
                Bump::Major,
                format!("removes {} and {}", o.method(), o.builder()),
            ),
        );
    }

    fn operation(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        if !o.op.deprecated && n.op.deprecated {
            self.emit(
                Rule::OperationDeprecated,
                Side::New,
                &format!("{}/deprecated", n.op.pointer),
                "the operation is now deprecated".to_string(),
                Effect::new(
                    Bump::Minor,
                    format!("{} gets `#[deprecated]`: callers see a warning", n.method()),
                ),
            );
        }
        if o.op.method_name != n.op.method_name {
            self.crate_changes.push(CrateChange {
                bump: Bump::Major,
                text: format!(
                    "{} is now {} (and {} is now {}), from a changed operationId",
                    o.method(),
                    n.method(),
                    o.builder(),
                    n.builder()
                ),
            });
        } else if o.module != n.module {
            self.crate_changes.push(CrateChange {
                bump: Bump::Major,
                text: format!(
                    "{} moves to {} (the operation's first tag changed)",
                    o.builder(),
                    n.builder()
                ),
            });
        }
        self.params(o, n);
        self.request_body(o, n);
        self.request_content_types(o, n);
        let same_envelope = o.op.envelope == n.op.envelope;
        if same_envelope {
            self.outputs(o, n);
            self.side_streams(o, n);
        } else {
            self.envelope(o, n);
        }
        self.statuses(o, n);
        self.errors(o, n);
        self.headers(o, n);
        self.security(o, n);
        self.pagination(o, n);
    }

    // ----- grouping -----

    fn finish(self, slots: Vec<String>) -> Report {
        // Which operations reach each pair of named types.
        let mut pair_ops: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); self.edges.len()];
        for (slot, entries) in self.entries.iter().enumerate() {
            let mut seen: BTreeSet<usize> = BTreeSet::new();
            let mut todo: Vec<usize> = entries.iter().copied().collect();
            while let Some(p) = todo.pop() {
                if !seen.insert(p) {
                    continue;
                }
                pair_ops[p].insert(slot);
                todo.extend(self.edges[p].iter().copied().filter(|q| !seen.contains(q)));
            }
        }
        let mut groups: Vec<(Change, BTreeSet<usize>)> = Vec::new();
        let mut index: BTreeMap<(Rule, String, Side, String), usize> = BTreeMap::new();
        for raw in self.raws {
            let ops: BTreeSet<usize> = match raw.owner {
                Owner::Op(s) => [s].into_iter().collect(),
                Owner::Pair(p) => pair_ops[p].clone(),
                Owner::Global => BTreeSet::new(),
            };
            let key = (raw.rule, raw.pointer.clone(), raw.side, raw.message.clone());
            match index.get(&key) {
                Some(&i) => groups[i].1.extend(ops),
                None => {
                    index.insert(key, groups.len());
                    groups.push((
                        Change {
                            rule: raw.rule,
                            severity: raw.rule.severity(),
                            operations: Vec::new(),
                            pointer: raw.pointer,
                            side: raw.side,
                            file: raw.file,
                            line: raw.line,
                            message: raw.message,
                            effect: raw.effect,
                        },
                        ops,
                    ));
                }
            }
        }
        let mut keyed: Vec<(usize, Change)> = groups
            .into_iter()
            .map(|(mut c, ops)| {
                let first = ops.iter().next().map_or(0, |s| s + 1);
                c.operations = ops.iter().map(|&s| slots[s].clone()).collect();
                (first, c)
            })
            .collect();
        keyed.sort_by(|(fa, a), (fb, b)| {
            b.severity
                .cmp(&a.severity)
                .then(fa.cmp(fb))
                .then(a.rule.cmp(&b.rule))
                .then(a.pointer.cmp(&b.pointer))
                .then(a.message.cmp(&b.message))
        });
        let changes: Vec<Change> = keyed.into_iter().map(|(_, c)| c).collect();
        let mut bump = changes
            .iter()
            .map(|c| c.effect.bump)
            .chain(self.crate_changes.iter().map(|c| c.bump))
            .max()
            .unwrap_or(Bump::None);
        if bump < Bump::Patch && !same_code(&self.old.api, &self.new.api) {
            bump = Bump::Patch;
        }
        Report {
            old: self.old.label.clone(),
            new: self.new.label.clone(),
            changes,
            crate_changes: self.crate_changes,
            bump,
        }
    }
}
