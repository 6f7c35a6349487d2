//! The comparison engine: pairs operations by method and path shape, then walks both IRs in
//! parallel from every operation (parameters and request body as requests, success bodies as
//! responses), comparing types by shape. Findings inside named types are reported once, with
//! every operation that reaches them.

use super::rules::Rule;
use super::{Bump, Change, CrateChange, Effect, Report, Side, Spec};
use crate::ir::{
    Api, AuthScheme, Body, BodyKind, EnumRepr, Field, Operation, Output, Param, ParamIn, PathPart,
    Prim, ResponseBody, TypeDef, TypeKind, TypeRef,
};
use crate::load::pointer_escape;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

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
        .loaded
        .openapi
        .paths
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (p.as_str(), i))
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
    e.type_renames();
    e.finish(slots)
}

impl<'a> Engine<'a> {
    fn emit(&mut self, rule: Rule, side: Side, pointer: &str, message: String, effect: Effect) {
        let spec = match side {
            Side::Old => self.old,
            Side::New => self.new,
        };
        let pointer = real_pointer(&spec.loaded.document, pointer);
        let loc = spec.loaded.locate(&pointer);
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

    fn odoc(&self) -> &'a Value {
        &self.old.loaded.document
    }

    fn ndoc(&self) -> &'a Value {
        &self.new.loaded.document
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
        } else {
            self.envelope(o, n);
        }
        self.statuses(o, n);
        self.security(o, n);
        self.pagination(o, n);
    }

    // ----- parameters -----

    fn params(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        // Path parameters pair by position, so renaming one is not a change.
        let (op_path, np_path) = (path_params(o.op), path_params(n.op));
        for (op, np) in op_path.iter().zip(np_path.iter()) {
            self.param(o, n, op, np);
        }
        let key = |p: &Param| -> (u8, String) {
            match p.location {
                ParamIn::Path => (0, p.wire.clone()),
                ParamIn::Query => (1, p.wire.clone()),
                ParamIn::Header => (2, p.wire.to_ascii_lowercase()),
                ParamIn::Cookie => (3, p.wire.clone()),
            }
        };
        let old_rest: Vec<&Param> =
            o.op.params
                .iter()
                .filter(|p| p.location != ParamIn::Path)
                .collect();
        let new_rest: Vec<&Param> =
            n.op.params
                .iter()
                .filter(|p| p.location != ParamIn::Path)
                .collect();
        for np in &new_rest {
            match old_rest.iter().find(|op| key(op) == key(np)) {
                Some(op) => self.param(o, n, op, np),
                None => {
                    let ptr = param_pointer(self.ndoc(), &n.op.pointer, np);
                    let what = param_what(np);
                    if np.required {
                        self.emit(
                            Rule::RequiredParamAdded,
                            Side::New,
                            &ptr,
                            format!("required {what} was added"),
                            Effect::new(
                                Bump::Major,
                                format!(
                                    "{} takes a new argument `{}: {}`",
                                    n.method(),
                                    bare(&np.ident),
                                    rust_ty(&np.ty)
                                ),
                            ),
                        );
                    } else {
                        self.emit(
                            Rule::OptionalParamAdded,
                            Side::New,
                            &ptr,
                            format!("optional {what} was added"),
                            Effect::new(
                                Bump::Minor,
                                format!(
                                    "adds setter `{}::{}({})`",
                                    n.builder_plain(),
                                    bare(&np.ident),
                                    rust_ty(&np.ty)
                                ),
                            ),
                        );
                    }
                }
            }
        }
        for op in &old_rest {
            if new_rest.iter().any(|np| key(np) == key(op)) {
                continue;
            }
            let ptr = param_pointer(self.odoc(), &o.op.pointer, op);
            let effect = if op.required {
                Effect::new(
                    Bump::Major,
                    format!("{} loses its argument `{}`", o.method(), bare(&op.ident)),
                )
            } else {
                Effect::new(
                    Bump::Major,
                    format!(
                        "removes setter `{}::{}`",
                        o.builder_plain(),
                        bare(&op.ident)
                    ),
                )
            };
            self.emit(
                Rule::ParamRemoved,
                Side::Old,
                &ptr,
                format!(
                    "{} was removed; the server may reject or ignore it",
                    param_what(op)
                ),
                effect,
            );
        }
    }

    fn param(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>, op: &Param, np: &Param) {
        let optr = param_pointer(self.odoc(), &o.op.pointer, op);
        let nptr = param_pointer(self.ndoc(), &n.op.pointer, np);
        let what = param_what(np);
        if op.required != np.required {
            let (o_item, n_item) = (param_item(o, op), param_item(n, np));
            if np.required {
                self.emit(
                    Rule::ParamBecameRequired,
                    Side::New,
                    &nptr,
                    format!("{what} became required"),
                    Effect::new(Bump::Major, format!("{o_item} becomes {n_item}")),
                );
            } else {
                self.emit(
                    Rule::ParamBecameOptional,
                    Side::New,
                    &nptr,
                    format!("{what} became optional"),
                    Effect::new(Bump::Major, format!("{o_item} becomes {n_item}")),
                );
            }
        }
        let at = At {
            old_ptr: format!("{optr}/schema"),
            new_ptr: format!("{nptr}/schema"),
            what,
            rust: param_item(n, np),
            old_rust: rust_ty(&op.ty),
            new_rust: rust_ty(&np.ty),
        };
        self.cmp(&op.ty, &np.ty, Dir::Request, &at);
    }

    // ----- request body -----

    fn request_body(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let optr = format!("{}/requestBody", o.op.pointer);
        let nptr = format!("{}/requestBody", n.op.pointer);
        let arg = |info: &OpInfo<'_>, b: &Body| {
            format!("argument `body: {}` of {}", body_rust(b), info.method())
        };
        let setter = |info: &OpInfo<'_>, b: &Body| {
            format!("setter `{}::body({})`", info.builder_plain(), body_rust(b))
        };
        match (&o.op.body, &n.op.body) {
            (None, None) => {}
            (None, Some(nb)) => {
                if nb.required {
                    self.emit(
                        Rule::RequestBodyBecameRequired,
                        Side::New,
                        &nptr,
                        "a required request body was added".into(),
                        Effect::new(
                            Bump::Major,
                            format!("{} takes a new {}", n.method(), arg(n, nb)),
                        ),
                    );
                } else {
                    self.emit(
                        Rule::RequestBodyAdded,
                        Side::New,
                        &nptr,
                        "an optional request body was added".into(),
                        Effect::new(Bump::Minor, format!("adds {}", setter(n, nb))),
                    );
                }
            }
            (Some(ob), None) => {
                let effect = if ob.required {
                    Effect::new(
                        Bump::Major,
                        format!("{} loses its {}", o.method(), arg(o, ob)),
                    )
                } else {
                    Effect::new(Bump::Major, format!("removes {}", setter(o, ob)))
                };
                self.emit(
                    Rule::RequestBodyRemoved,
                    Side::Old,
                    &optr,
                    "the request body was removed; the server may reject or ignore it".into(),
                    effect,
                );
            }
            (Some(ob), Some(nb)) => {
                let item = |info: &OpInfo<'_>, b: &Body| {
                    if b.required {
                        arg(info, b)
                    } else {
                        setter(info, b)
                    }
                };
                if !ob.required && nb.required {
                    self.emit(
                        Rule::RequestBodyBecameRequired,
                        Side::New,
                        &nptr,
                        "the request body became required".into(),
                        Effect::new(
                            Bump::Major,
                            format!("{} becomes {}", item(o, ob), item(n, nb)),
                        ),
                    );
                } else if ob.required && !nb.required {
                    self.emit(
                        Rule::RequestBodyBecameOptional,
                        Side::New,
                        &nptr,
                        "the request body became optional".into(),
                        Effect::new(
                            Bump::Major,
                            format!("{} becomes {}", item(o, ob), item(n, nb)),
                        ),
                    );
                }
                // Bodies of different encodings are reported as content type changes.
                if std::mem::discriminant(&ob.kind) == std::mem::discriminant(&nb.kind) {
                    let at = At {
                        old_ptr: format!(
                            "{optr}/content/{}/schema",
                            pointer_escape(&ob.content_type)
                        ),
                        new_ptr: format!(
                            "{nptr}/content/{}/schema",
                            pointer_escape(&nb.content_type)
                        ),
                        what: "the request body".into(),
                        rust: format!("the body of {}", n.method()),
                        old_rust: body_rust(ob),
                        new_rust: body_rust(nb),
                    };
                    self.cmp(&ob.ty, &nb.ty, Dir::Request, &at);
                }
            }
        }
    }

    fn request_content_types(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let oc = content_types(self.odoc(), &format!("{}/requestBody", o.op.pointer));
        let nc = content_types(self.ndoc(), &format!("{}/requestBody", n.op.pointer));
        if oc.is_empty() || nc.is_empty() {
            // A body added or removed is reported as such.
            return;
        }
        let effect = || match (&o.op.body, &n.op.body) {
            (Some(ob), Some(nb)) if ob.content_type != nb.content_type => {
                if body_rust(ob) != body_rust(nb) {
                    Effect::new(
                        Bump::Major,
                        format!(
                            "the body of {} changes from `{}` to `{}`",
                            n.method(),
                            body_rust(ob),
                            body_rust(nb)
                        ),
                    )
                } else {
                    Effect::new(
                        Bump::Patch,
                        format!(
                            "the client sends `{}` instead of `{}`",
                            nb.content_type, ob.content_type
                        ),
                    )
                }
            }
            (Some(ob), _) => Effect::new(
                Bump::None,
                format!("none: the client sends `{}`", ob.content_type),
            ),
            _ => Effect::new(Bump::None, "none"),
        };
        for (key, mt) in &oc {
            if !nc.contains_key(key) {
                self.emit(
                    Rule::RequestContentTypeRemoved,
                    Side::Old,
                    &format!(
                        "{}/requestBody/content/{}",
                        o.op.pointer,
                        pointer_escape(mt)
                    ),
                    format!("the request body is no longer accepted as `{mt}`"),
                    effect(),
                );
            }
        }
        for (key, mt) in &nc {
            if !oc.contains_key(key) {
                self.emit(
                    Rule::RequestContentTypeAdded,
                    Side::New,
                    &format!(
                        "{}/requestBody/content/{}",
                        n.op.pointer,
                        pointer_escape(mt)
                    ),
                    format!("the request body is also accepted as `{mt}`"),
                    effect(),
                );
            }
        }
    }

    // ----- responses -----

    fn outputs(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let ob = bodies(self.odoc(), o.op);
        let nb = bodies(self.ndoc(), n.op);
        let mut pairs: Vec<(String, String, &ResponseBody, &ResponseBody)> = Vec::new();
        for (label, b) in &nb {
            if let Some((_, a)) = ob.iter().find(|(l, _)| l == label) {
                pairs.push((label.clone(), label.clone(), a, b));
            }
        }
        if pairs.is_empty() && ob.len() == 1 && nb.len() == 1 {
            // One status replaced by another: compare the bodies anyway.
            pairs.push((ob[0].0.clone(), nb[0].0.clone(), &ob[0].1, &nb[0].1));
        }
        let (oret, nret) = (return_rust(o), return_rust(n));
        for (ocode, code, a, b) in pairs {
            let optr = format!("{}/responses/{}", o.op.pointer, pointer_escape(&ocode));
            let nptr = format!("{}/responses/{}", n.op.pointer, pointer_escape(&code));
            let send = format!("`{}::send`", n.builder_plain());
            let ret_effect = || {
                if oret != nret {
                    Effect::new(
                        Bump::Major,
                        format!("{send} returns `{nret}` instead of `{oret}`"),
                    )
                } else {
                    Effect::new(Bump::None, format!("none: {send} still returns `{nret}`"))
                }
            };
            match (a, b) {
                (ResponseBody::Empty, ResponseBody::Empty) => {}
                (_, ResponseBody::Empty) => self.emit(
                    Rule::ResponseBodyRemoved,
                    Side::Old,
                    &optr,
                    format!("the `{code}` response no longer has a body"),
                    ret_effect(),
                ),
                (ResponseBody::Empty, _) => self.emit(
                    Rule::ResponseBodyAdded,
                    Side::New,
                    &nptr,
                    format!("the `{code}` response now has a body"),
                    ret_effect(),
                ),
                (ResponseBody::Json(x), ResponseBody::Json(y)) => {
                    let ot = content_type_of(self.odoc(), &optr);
                    let nt = content_type_of(self.ndoc(), &nptr);
                    let at = At {
                        old_ptr: format!("{optr}/content/{}/schema", pointer_escape(&ot)),
                        new_ptr: format!("{nptr}/content/{}/schema", pointer_escape(&nt)),
                        what: format!("the `{code}` response body"),
                        rust: format!("the return type of {send}"),
                        old_rust: rust_ty(x),
                        new_rust: rust_ty(y),
                    };
                    self.cmp(x, y, Dir::Response, &at);
                }
                (x, y) if x == y => {}
                (x, y) => self.emit(
                    Rule::ResponseTypeChanged,
                    Side::New,
                    &nptr,
                    format!(
                        "the `{code}` response changed from {} to {}",
                        body_kind(x),
                        body_kind(y)
                    ),
                    ret_effect(),
                ),
            }
        }
        // Response content types, per status both sides have.
        let ostat = success_statuses(self.odoc(), &o.op.pointer);
        let nstat = success_statuses(self.ndoc(), &n.op.pointer);
        for code in nstat.iter().filter(|c| ostat.contains(c)) {
            let optr = format!("{}/responses/{}", o.op.pointer, pointer_escape(code));
            let nptr = format!("{}/responses/{}", n.op.pointer, pointer_escape(code));
            let oc = content_types(self.odoc(), &optr);
            let nc = content_types(self.ndoc(), &nptr);
            if oc.is_empty() || nc.is_empty() {
                continue;
            }
            let effect = || {
                if oret != nret {
                    Effect::new(
                        Bump::Major,
                        format!(
                            "`{}::send` returns `{nret}` instead of `{oret}`",
                            n.builder_plain()
                        ),
                    )
                } else {
                    Effect::new(
                        Bump::None,
                        format!("none: `{}::send` still returns `{nret}`", n.builder_plain()),
                    )
                }
            };
            for (key, mt) in &oc {
                if !nc.contains_key(key) {
                    self.emit(
                        Rule::ResponseContentTypeRemoved,
                        Side::Old,
                        &format!("{optr}/content/{}", pointer_escape(mt)),
                        format!("the `{code}` response is no longer produced as `{mt}`"),
                        effect(),
                    );
                }
            }
            for (key, mt) in &nc {
                if !oc.contains_key(key) {
                    self.emit(
                        Rule::ResponseContentTypeAdded,
                        Side::New,
                        &format!("{nptr}/content/{}", pointer_escape(mt)),
                        format!("the `{code}` response can also be `{mt}`"),
                        effect(),
                    );
                }
            }
        }
    }

    fn statuses(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let os = success_statuses(self.odoc(), &o.op.pointer);
        let ns = success_statuses(self.ndoc(), &n.op.pointer);
        let removed: Vec<&String> = os.iter().filter(|c| !ns.contains(c)).collect();
        let added: Vec<&String> = ns.iter().filter(|c| !os.contains(c)).collect();
        if removed.is_empty() && added.is_empty() {
            return;
        }
        let list = |v: &[&String]| {
            v.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (oret, nret) = (return_rust(o), return_rust(n));
        let effect = if oret != nret {
            Effect::new(
                Bump::Major,
                format!(
                    "`{}::send` returns `{nret}` instead of `{oret}`",
                    n.builder_plain()
                ),
            )
        } else if output_variants(&o.op.output) != output_variants(&n.op.output) {
            Effect::new(Bump::Major, format!("the variants of `{nret}` change"))
        } else {
            Effect::new(
                Bump::None,
                format!("none: `{}::send` still returns `{nret}`", n.builder_plain()),
            )
        };
        let ptr = format!("{}/responses", n.op.pointer);
        if !removed.is_empty() && !added.is_empty() {
            self.emit(
                Rule::SuccessStatusChanged,
                Side::New,
                &ptr,
                format!("success status {} became {}", list(&removed), list(&added)),
                effect,
            );
        } else if !added.is_empty() {
            self.emit(
                Rule::SuccessStatusAdded,
                Side::New,
                &ptr,
                format!(
                    "success status {} was added next to {}",
                    list(&added),
                    list(&os.iter().collect::<Vec<_>>())
                ),
                effect,
            );
        } else {
            self.emit(
                Rule::SuccessStatusRemoved,
                Side::Old,
                &format!("{}/responses", o.op.pointer),
                format!("success status {} was removed", list(&removed)),
                effect,
            );
        }
    }

    fn envelope(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let show = |e: &Option<crate::ir::Envelope>| match e {
            None => "none".to_string(),
            Some(e) => match &e.success_field {
                Some(s) => format!("data in `{}`, success flag `{s}`", e.data_field),
                None => format!("data in `{}`", e.data_field),
            },
        };
        let own = format!("{}/x-oagen-envelope", n.op.pointer);
        let ptr = if self.ndoc().pointer(&own).is_some() {
            own
        } else {
            "/x-oagen-envelope".to_string()
        };
        let (oret, nret) = (return_rust(o), return_rust(n));
        let effect = if oret != nret {
            Effect::new(
                Bump::Major,
                format!(
                    "`{}::send` returns `{nret}` instead of `{oret}`",
                    n.builder_plain()
                ),
            )
        } else {
            Effect::new(
                Bump::Patch,
                format!(
                    "`{}::send` unwraps the body differently; no signature changes",
                    n.builder_plain()
                ),
            )
        };
        self.emit(
            Rule::EnvelopeChanged,
            Side::New,
            &ptr,
            format!(
                "the response envelope changed from {} to {}",
                show(&o.op.envelope),
                show(&n.op.envelope)
            ),
            effect,
        );
    }

    fn pagination(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let ptr_n = format!("{}/x-oagen-pagination", n.op.pointer);
        let ptr_o = format!("{}/x-oagen-pagination", o.op.pointer);
        let methods = |info: &OpInfo<'_>| {
            let b = info.builder_plain();
            format!("`{b}::pages`, `{b}::items` and `{b}::into_paginator`")
        };
        match (&o.op.pagination, &n.op.pagination) {
            (None, None) => {}
            (None, Some(_)) => self.emit(
                Rule::PaginationAdded,
                Side::New,
                &ptr_n,
                "the operation is now described as paginated".into(),
                Effect::new(Bump::Minor, format!("adds {}", methods(n))),
            ),
            (Some(_), None) => self.emit(
                Rule::PaginationRemoved,
                Side::Old,
                &ptr_o,
                "the operation is no longer described as paginated".into(),
                Effect::new(Bump::Major, format!("removes {}", methods(o))),
            ),
            (Some(a), Some(b)) => {
                if a.style != b.style || a.items != b.items {
                    let effect = if rust_ty(&a.item_ty) != rust_ty(&b.item_ty) {
                        Effect::new(
                            Bump::Major,
                            format!(
                                "the items of {} change from `{}` to `{}`",
                                methods(n),
                                rust_ty(&a.item_ty),
                                rust_ty(&b.item_ty)
                            ),
                        )
                    } else {
                        Effect::new(
                            Bump::Patch,
                            "the paginator follows pages differently; no signature changes",
                        )
                    };
                    self.emit(
                        Rule::PaginationChanged,
                        Side::New,
                        &ptr_n,
                        format!(
                            "pagination changed from {} to {}",
                            pagination_text(a),
                            pagination_text(b)
                        ),
                        effect,
                    );
                }
            }
        }
    }

    // ----- security -----

    fn security(&mut self, o: &OpInfo<'_>, n: &OpInfo<'_>) {
        let (odoc, ndoc) = (self.odoc(), self.ndoc());
        let os = effective_security(odoc, &o.op.pointer);
        let ns = effective_security(ndoc, &n.op.pointer);
        if canonical_reqs(&os) == canonical_reqs(&ns) {
            return;
        }
        let all_kept = os.iter().all(|a| ns.iter().any(|b| satisfies(a, b)));
        let own = format!("{}/security", n.op.pointer);
        let ptr = if ndoc.pointer(&own).is_some() {
            own
        } else {
            "/security".to_string()
        };
        let effect = op_auth_effect(o, n);
        let msg = format!(
            "authentication changed from {} to {}",
            reqs_text(&os),
            reqs_text(&ns)
        );
        if all_kept {
            self.emit(Rule::SecurityRelaxed, Side::New, &ptr, msg, effect);
        } else {
            self.emit(Rule::SecurityChanged, Side::New, &ptr, msg, effect);
        }
    }

    // ----- types -----

    fn old_def(&self, t: &TypeRef) -> Option<&'a TypeDef> {
        match t {
            TypeRef::Named(n) => self.ot.get(n.as_str()).copied(),
            _ => None,
        }
    }

    fn new_def(&self, t: &TypeRef) -> Option<&'a TypeDef> {
        match t {
            TypeRef::Named(n) => self.nt.get(n.as_str()).copied(),
            _ => None,
        }
    }

    /// Compares the types at a position.
    fn cmp(&mut self, o: &TypeRef, n: &TypeRef, dir: Dir, at: &At) {
        let (o_null, o) = norm(&self.ot, o);
        let (n_null, n) = norm(&self.nt, n);
        if o_null != n_null {
            let (rel, text) = if n_null {
                (Rel::Wider, format!("{} can now be null", at.what))
            } else {
                (Rel::Narrower, format!("{} can no longer be null", at.what))
            };
            self.rel_finding(rel, dir, at, text);
        }
        self.cmp_core(&o, &n, dir, at);
    }

    /// Compares two types already stripped of aliases and nullability.
    fn cmp_core(&mut self, o: &TypeRef, n: &TypeRef, dir: Dir, at: &At) {
        let (od, nd) = (self.old_def(o), self.new_def(n));
        match (o, n, od, nd) {
            (TypeRef::Vec(a), TypeRef::Vec(b), _, _) => {
                let child = at.child("items", format!("the items of {}", at.what));
                self.cmp(a, b, dir, &child);
            }
            (TypeRef::Map(a), TypeRef::Map(b), _, _) => {
                let child = at.child("additionalProperties", format!("the values of {}", at.what));
                self.cmp(a, b, dir, &child);
            }
            (TypeRef::Named(a), TypeRef::Named(b), Some(od), Some(nd))
                if same_kind(&od.kind, &nd.kind) =>
            {
                self.named(a, b, od, nd, dir);
            }
            _ => {
                let rel = self.rel(o, n);
                if rel != Rel::Equal {
                    let text = format!(
                        "{} changed from {} to {}",
                        at.what,
                        self.describe_old(o),
                        self.describe_new(n)
                    );
                    self.rel_finding(rel, dir, at, text);
                }
            }
        }
    }

    fn rel_finding(&mut self, rel: Rel, dir: Dir, at: &At, text: String) {
        let rule = match (dir, rel) {
            (_, Rel::Equal) => return,
            (Dir::Request, Rel::Wider) => Rule::RequestTypeWidened,
            (Dir::Request, Rel::Narrower) => Rule::RequestTypeNarrowed,
            (Dir::Request, Rel::Changed) => Rule::RequestTypeChanged,
            (Dir::Response, Rel::Wider) => Rule::ResponseTypeWidened,
            (Dir::Response, Rel::Narrower) => Rule::ResponseTypeNarrowed,
            (Dir::Response, Rel::Changed) => Rule::ResponseTypeChanged,
        };
        let effect = if at.old_rust != at.new_rust {
            Effect::new(
                Bump::Major,
                format!("{}: `{}` becomes `{}`", at.rust, at.old_rust, at.new_rust),
            )
        } else {
            Effect::new(
                Bump::None,
                format!("none: {} stays `{}`", at.rust, at.new_rust),
            )
        };
        self.emit(rule, Side::New, &at.new_ptr.clone(), text, effect);
    }

    /// Two named types of the same kind.
    fn named(&mut self, a: &str, b: &str, od: &'a TypeDef, nd: &'a TypeDef, dir: Dir) {
        // Visit each pair once per direction; remember which pairs reach which.
        let key = (a.to_string(), b.to_string(), dir);
        let (id, fresh) = match self.pairs.get(&key) {
            Some(&id) => (id, false),
            None => {
                let id = self.edges.len();
                self.pairs.insert(key, id);
                self.edges.push(BTreeSet::new());
                (id, true)
            }
        };
        match self.owner {
            Owner::Op(slot) => {
                self.entries[slot].insert(id);
            }
            Owner::Pair(p) => {
                self.edges[p].insert(id);
            }
            Owner::Global => {}
        }
        if a != b {
            self.paired
                .entry(a.to_string())
                .or_default()
                .insert(b.to_string());
        }
        if fresh {
            // Compared later, from `drain`, so that long chains of named types do not
            // deepen the stack.
            self.queue.push((id, od, nd, dir));
        }
    }

    /// Compares the contents of every queued pair of named types.
    fn drain(&mut self) {
        while let Some((id, od, nd, dir)) = self.queue.pop() {
            let saved = std::mem::replace(&mut self.owner, Owner::Pair(id));
            self.pair_contents(od, nd, dir);
            self.owner = saved;
        }
    }

    fn pair_contents(&mut self, od: &'a TypeDef, nd: &'a TypeDef, dir: Dir) {
        match (&od.kind, &nd.kind) {
            (
                TypeKind::Struct {
                    fields: of,
                    additional: oa,
                },
                TypeKind::Struct {
                    fields: nf,
                    additional: na,
                },
            ) => {
                self.structs(od, nd, of, nf, dir);
                self.additional(od, nd, oa.as_ref(), na.as_ref(), dir);
            }
            (TypeKind::Enum { variants: ov, .. }, TypeKind::Enum { variants: nv, .. }) => {
                self.enums(od, nd, ov, nv, dir);
            }
            (
                TypeKind::Union {
                    tag: ot,
                    variants: ov,
                },
                TypeKind::Union {
                    tag: nt,
                    variants: nv,
                },
            ) => {
                if ot != nt {
                    let text = format!(
                        "the discriminator of `{}` changed from {} to {}",
                        nd.name,
                        ot.as_deref().map_or("none".into(), |t| format!("`{t}`")),
                        nt.as_deref().map_or("none".into(), |t| format!("`{t}`"))
                    );
                    let here = At {
                        old_ptr: od.pointer.clone(),
                        new_ptr: nd.pointer.clone(),
                        what: format!("`{}`", nd.name),
                        rust: format!("`types::{}`", nd.name),
                        old_rust: format!("types::{}", od.name),
                        new_rust: format!("types::{}", nd.name),
                    };
                    self.emit(
                        if dir == Dir::Request {
                            Rule::RequestTypeChanged
                        } else {
                            Rule::ResponseTypeChanged
                        },
                        Side::New,
                        &here.new_ptr,
                        text,
                        Effect::new(
                            Bump::Patch,
                            format!("{} is encoded and decoded differently", here.rust),
                        ),
                    );
                }
                self.unions(od, nd, ov, nv, nt.is_some(), dir);
            }
            _ => {}
        }
    }

    fn structs(&mut self, od: &TypeDef, nd: &TypeDef, of: &[Field], nf: &[Field], dir: Dir) {
        let visible = |f: &&Field| match dir {
            Dir::Request => !f.read_only,
            Dir::Response => !f.write_only,
        };
        let ofs: Vec<&Field> = of.iter().filter(visible).collect();
        let nfs: Vec<&Field> = nf.iter().filter(visible).collect();
        let side_word = match dir {
            Dir::Request => "request",
            Dir::Response => "response",
        };
        for f in &nfs {
            let nptr = prop_pointer(self.ndoc(), &nd.pointer, &f.wire);
            let what = format!("{side_word} property `{}` of `{}`", f.wire, nd.name);
            let rust = format!("`types::{}::{}`", nd.name, bare(&f.ident));
            match ofs.iter().find(|g| g.wire == f.wire) {
                None => {
                    let effect = Effect::new(
                        Bump::Major,
                        format!(
                            "adds field {rust}: `{}` (struct literals and exhaustive patterns of `types::{}` must name it)",
                            field_rust(f),
                            nd.name
                        ),
                    );
                    let rule = match dir {
                        Dir::Request if f.required => Rule::RequestRequiredPropertyAdded,
                        Dir::Request => Rule::RequestOptionalPropertyAdded,
                        Dir::Response => Rule::ResponsePropertyAdded,
                    };
                    let kind = if dir == Dir::Request && f.required {
                        "required "
                    } else if dir == Dir::Request {
                        "optional "
                    } else {
                        ""
                    };
                    self.emit(
                        rule,
                        Side::New,
                        &nptr,
                        format!("{kind}{what} was added"),
                        effect,
                    );
                }
                Some(g) => {
                    let optr = prop_pointer(self.odoc(), &od.pointer, &g.wire);
                    self.field(g, f, dir, optr, nptr, what, rust);
                }
            }
        }
        for g in &ofs {
            if nfs.iter().any(|f| f.wire == g.wire) {
                continue;
            }
            let optr = prop_pointer(self.odoc(), &od.pointer, &g.wire);
            let (rule, tail) = match dir {
                Dir::Request => (
                    Rule::RequestPropertyRemoved,
                    "; the server may reject or ignore it",
                ),
                Dir::Response => (Rule::ResponsePropertyRemoved, ""),
            };
            // A property still present but now read-only (or write-only) only vanished from this direction.
            let gone_from_type = !nd_has(nd, &g.wire);
            let effect = if gone_from_type {
                Effect::new(
                    Bump::Major,
                    format!("removes field `types::{}::{}`", nd.name, bare(&g.ident)),
                )
            } else {
                Effect::new(
                    Bump::Patch,
                    format!(
                        "`types::{}::{}` stays; only its documentation changes",
                        nd.name,
                        bare(&g.ident)
                    ),
                )
            };
            let how = if gone_from_type {
                "was removed"
            } else if dir == Dir::Request {
                "became read-only"
            } else {
                "became write-only"
            };
            self.emit(
                rule,
                Side::Old,
                &optr,
                format!(
                    "{side_word} property `{}` of `{}` {how}{tail}",
                    g.wire, od.name
                ),
                effect,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        g: &Field,
        f: &Field,
        dir: Dir,
        optr: String,
        nptr: String,
        what: String,
        rust: String,
    ) {
        let (orust, nrust) = (field_rust(g), field_rust(f));
        let effect = || {
            if orust != nrust {
                Effect::new(Bump::Major, format!("{rust}: `{orust}` becomes `{nrust}`"))
            } else {
                Effect::new(Bump::None, format!("none: {rust} stays `{nrust}`"))
            }
        };
        if g.required != f.required {
            let rule = match (dir, f.required) {
                (Dir::Request, true) => Rule::RequestPropertyBecameRequired,
                (Dir::Request, false) => Rule::RequestPropertyBecameOptional,
                (Dir::Response, true) => Rule::ResponsePropertyBecameRequired,
                (Dir::Response, false) => Rule::ResponsePropertyBecameOptional,
            };
            let how = if f.required { "required" } else { "optional" };
            self.emit(
                rule,
                Side::New,
                &nptr,
                format!("{what} became {how}"),
                effect(),
            );
        }
        if g.nullable != f.nullable {
            let rule = match (dir, f.nullable) {
                (Dir::Request, true) => Rule::RequestPropertyBecameNullable,
                (Dir::Request, false) => Rule::RequestPropertyBecameNonNullable,
                (Dir::Response, true) => Rule::ResponsePropertyBecameNullable,
                (Dir::Response, false) => Rule::ResponsePropertyBecameNonNullable,
            };
            let how = if f.nullable {
                "nullable"
            } else {
                "non-nullable"
            };
            self.emit(
                rule,
                Side::New,
                &nptr,
                format!("{what} became {how}"),
                effect(),
            );
        }
        let at = At {
            old_ptr: optr,
            new_ptr: nptr,
            what,
            rust,
            old_rust: orust,
            new_rust: nrust,
        };
        // The field's own nullability is reported above; compare what remains.
        let (_, ot) = norm(&self.ot, &g.ty);
        let (_, nt) = norm(&self.nt, &f.ty);
        self.cmp_core(&ot, &nt, dir, &at);
    }

    fn additional(
        &mut self,
        od: &TypeDef,
        nd: &TypeDef,
        oa: Option<&TypeRef>,
        na: Option<&TypeRef>,
        dir: Dir,
    ) {
        let at = At {
            old_ptr: format!("{}/additionalProperties", od.pointer),
            new_ptr: format!("{}/additionalProperties", nd.pointer),
            what: format!("the additional properties of `{}`", nd.name),
            rust: format!("`types::{}::additional_properties`", nd.name),
            old_rust: oa.map_or("(none)".into(), |t| {
                format!("BTreeMap<String, {}>", rust_ty(t))
            }),
            new_rust: na.map_or("(none)".into(), |t| {
                format!("BTreeMap<String, {}>", rust_ty(t))
            }),
        };
        match (oa, na) {
            (None, None) => {}
            (Some(a), Some(b)) => self.cmp(a, b, dir, &at),
            (None, Some(_)) => {
                // Extra properties in a response are ignored by decoders: only requests widen.
                if dir == Dir::Request {
                    self.rel_finding(
                        Rel::Wider,
                        dir,
                        &at,
                        format!("`{}` now accepts additional properties", nd.name),
                    );
                }
            }
            (Some(_), None) => {
                if dir == Dir::Request {
                    self.rel_finding(
                        Rel::Narrower,
                        dir,
                        &at,
                        format!("`{}` no longer accepts additional properties", nd.name),
                    );
                }
            }
        }
    }

    fn enums(
        &mut self,
        od: &TypeDef,
        nd: &TypeDef,
        ov: &[crate::ir::EnumVariant],
        nv: &[crate::ir::EnumVariant],
        dir: Dir,
    ) {
        let optr = format!("{}/enum", od.pointer);
        let nptr = format!("{}/enum", nd.pointer);
        for v in nv {
            if ov.iter().any(|w| w.value == v.value) {
                continue;
            }
            let rule = match dir {
                Dir::Request => Rule::RequestEnumValueAdded,
                Dir::Response => Rule::ResponseEnumValueAdded,
            };
            let tail = if dir == Dir::Response {
                " (oagen clients decode unknown values as `Unknown`)"
            } else {
                ""
            };
            self.emit(
                rule,
                Side::New,
                &nptr,
                format!("value `{}` was added to `{}`{tail}", v.value, nd.name),
                Effect::new(
                    Bump::Major,
                    format!(
                        "adds variant `types::{}::{}`; the enum is not `#[non_exhaustive]`, so exhaustive matches need a new arm, and `{}` no longer decodes as `Unknown`",
                        nd.name, v.name, v.value
                    ),
                ),
            );
        }
        for w in ov {
            if nv.iter().any(|v| v.value == w.value) {
                continue;
            }
            let rule = match dir {
                Dir::Request => Rule::RequestEnumValueRemoved,
                Dir::Response => Rule::ResponseEnumValueRemoved,
            };
            self.emit(
                rule,
                Side::Old,
                &optr,
                format!("value `{}` was removed from `{}`", w.value, od.name),
                Effect::new(
                    Bump::Major,
                    format!("removes variant `types::{}::{}`", nd.name, w.name),
                ),
            );
        }
    }

    fn unions(
        &mut self,
        od: &TypeDef,
        nd: &TypeDef,
        ov: &[crate::ir::UnionVariant],
        nv: &[crate::ir::UnionVariant],
        tagged: bool,
        dir: Dir,
    ) {
        let mut o_used = vec![false; ov.len()];
        let mut n_used = vec![false; nv.len()];
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        // Same shape first.
        for (j, b) in nv.iter().enumerate() {
            for (i, a) in ov.iter().enumerate() {
                if !o_used[i] && a.tags == b.tags && self.shape_eq(&a.ty, &b.ty) {
                    o_used[i] = true;
                    n_used[j] = true;
                    break;
                }
            }
        }
        // Then by tag value or variant name: the same alternative, changed.
        for (j, b) in nv.iter().enumerate() {
            if n_used[j] {
                continue;
            }
            let found = ov.iter().enumerate().position(|(i, a)| {
                !o_used[i]
                    && ((!a.tags.is_empty() && a.tags.iter().any(|t| b.tags.contains(t)))
                        || a.name == b.name)
            });
            if let Some(i) = found {
                o_used[i] = true;
                n_used[j] = true;
                pairs.push((i, j));
            }
        }
        for (i, j) in pairs {
            let (a, b) = (&ov[i], &nv[j]);
            let at = At {
                old_ptr: od.pointer.clone(),
                new_ptr: nd.pointer.clone(),
                what: format!("alternative `{}` of `{}`", b.name, nd.name),
                rust: format!("`types::{}::{}`", nd.name, b.name),
                old_rust: rust_ty(&a.ty),
                new_rust: rust_ty(&b.ty),
            };
            self.cmp(&a.ty, &b.ty, dir, &at);
        }
        let here = |name: &str| At {
            old_ptr: od.pointer.clone(),
            new_ptr: nd.pointer.clone(),
            what: format!("`{}`", nd.name),
            rust: format!("`types::{}`", nd.name),
            old_rust: name.to_string(),
            new_rust: name.to_string(),
        };
        for (j, b) in nv.iter().enumerate() {
            if n_used[j] {
                continue;
            }
            let effect = Effect::new(
                Bump::Major,
                format!(
                    "adds variant `types::{}::{}`; exhaustive matches need a new arm",
                    nd.name, b.name
                ),
            );
            let text = format!(
                "alternative `{}` ({}) was added to `{}`",
                b.name,
                self.describe_new(&b.ty),
                nd.name
            );
            if dir == Dir::Response && tagged {
                let tail = " (oagen clients decode unknown alternatives as `Unknown`)";
                self.emit(
                    Rule::ResponseUnionVariantAdded,
                    Side::New,
                    &nd.pointer,
                    format!("{text}{tail}"),
                    effect,
                );
            } else {
                let rule = if dir == Dir::Request {
                    Rule::RequestTypeWidened
                } else {
                    Rule::ResponseTypeWidened
                };
                self.emit(rule, Side::New, &here(&nd.name).new_ptr, text, effect);
            }
        }
        for (i, a) in ov.iter().enumerate() {
            if o_used[i] {
                continue;
            }
            let effect = Effect::new(
                Bump::Major,
                format!("removes variant `types::{}::{}`", nd.name, a.name),
            );
            let text = format!(
                "alternative `{}` ({}) was removed from `{}`",
                a.name,
                self.describe_old(&a.ty),
                od.name
            );
            let rule = if dir == Dir::Request {
                Rule::RequestTypeNarrowed
            } else {
                Rule::ResponseTypeNarrowed
            };
            self.emit(rule, Side::Old, &od.pointer, text, effect);
        }
    }

    /// How the value set of `n` relates to that of `o` (types not both of one named kind).
    fn rel(&mut self, o: &TypeRef, n: &TypeRef) -> Rel {
        let (_, o) = norm(&self.ot, o);
        let (_, n) = norm(&self.nt, n);
        let (o, n) = (&o, &n);
        let ok = self.old_def(o).map(|d| &d.kind);
        let nk = self.new_def(n).map(|d| &d.kind);
        if let (TypeRef::Prim(a), TypeRef::Prim(b)) = (o, n) {
            return prim_rel(*a, *b);
        }
        if matches!(n, TypeRef::Prim(Prim::Value)) {
            return Rel::Wider;
        }
        if matches!(o, TypeRef::Prim(Prim::Value)) {
            return Rel::Narrower;
        }
        // Enum and its base scalar.
        match (ok, n) {
            (
                Some(TypeKind::Enum {
                    repr: EnumRepr::String,
                    ..
                }),
                TypeRef::Prim(Prim::String),
            ) => return Rel::Wider,
            (
                Some(TypeKind::Enum {
                    repr: EnumRepr::Integer,
                    ..
                }),
                TypeRef::Prim(p),
            ) if is_number(*p) => return Rel::Wider,
            _ => {}
        }
        match (o, nk) {
            (
                TypeRef::Prim(Prim::String),
                Some(TypeKind::Enum {
                    repr: EnumRepr::String,
                    ..
                }),
            ) => return Rel::Narrower,
            (
                TypeRef::Prim(p),
                Some(TypeKind::Enum {
                    repr: EnumRepr::Integer,
                    ..
                }),
            ) if is_number(*p) => return Rel::Narrower,
            _ => {}
        }
        // A union that gained or lost the other side as an alternative.
        if let Some(TypeKind::Union { variants, .. }) = nk {
            if variants.iter().any(|v| self.shape_eq(o, &v.ty)) {
                return Rel::Wider;
            }
        }
        if let Some(TypeKind::Union { variants, .. }) = ok {
            if variants.iter().any(|v| self.shape_eq(&v.ty, n)) {
                return Rel::Narrower;
            }
        }
        if self.shape_eq(o, n) {
            return Rel::Equal;
        }
        Rel::Changed
    }

    fn describe_old(&self, t: &TypeRef) -> String {
        describe(&self.ot, t)
    }

    fn describe_new(&self, t: &TypeRef) -> String {
        describe(&self.nt, t)
    }

    /// Whether an old and a new type have the same shape (names and docs aside). Named types
    /// are compared coinductively (a pair met again is assumed equal), with a work list
    /// rather than recursion.
    fn shape_eq(&mut self, o: &TypeRef, n: &TypeRef) -> bool {
        let top = match (o, n) {
            (TypeRef::Named(a), TypeRef::Named(b)) => Some((a.clone(), b.clone())),
            _ => None,
        };
        if top.as_ref().is_some_and(|k| self.not_eq.contains(k)) {
            return false;
        }
        let equal = self.shape_eq_walk(o, n);
        if let (false, Some(k)) = (equal, top) {
            self.not_eq.insert(k);
        }
        equal
    }

    fn shape_eq_walk(&self, o: &TypeRef, n: &TypeRef) -> bool {
        let mut todo: Vec<(TypeRef, TypeRef)> = vec![(o.clone(), n.clone())];
        let mut assumed: BTreeSet<(String, String)> = BTreeSet::new();
        while let Some((o, n)) = todo.pop() {
            let (on, o) = norm(&self.ot, &o);
            let (nn, n) = norm(&self.nt, &n);
            if on != nn {
                return false;
            }
            match (&o, &n) {
                (TypeRef::Prim(a), TypeRef::Prim(b)) => {
                    if a != b {
                        return false;
                    }
                }
                (TypeRef::Vec(a), TypeRef::Vec(b)) | (TypeRef::Map(a), TypeRef::Map(b)) => {
                    todo.push(((**a).clone(), (**b).clone()));
                }
                (TypeRef::Named(a), TypeRef::Named(b)) => {
                    let key = (a.clone(), b.clone());
                    if self.not_eq.contains(&key) {
                        return false;
                    }
                    if !assumed.insert(key) {
                        continue;
                    }
                    let (Some(od), Some(nd)) = (self.ot.get(a.as_str()), self.nt.get(b.as_str()))
                    else {
                        return false;
                    };
                    match (&od.kind, &nd.kind) {
                        (
                            TypeKind::Struct {
                                fields: of,
                                additional: oa,
                            },
                            TypeKind::Struct {
                                fields: nf,
                                additional: na,
                            },
                        ) => {
                            if of.len() != nf.len() {
                                return false;
                            }
                            for g in of {
                                let Some(f) = nf.iter().find(|f| f.wire == g.wire) else {
                                    return false;
                                };
                                if f.required != g.required
                                    || f.nullable != g.nullable
                                    || f.read_only != g.read_only
                                    || f.write_only != g.write_only
                                {
                                    return false;
                                }
                                todo.push((g.ty.clone(), f.ty.clone()));
                            }
                            match (oa, na) {
                                (None, None) => {}
                                (Some(x), Some(y)) => todo.push((x.clone(), y.clone())),
                                _ => return false,
                            }
                        }
                        (
                            TypeKind::Enum {
                                repr: or,
                                variants: ov,
                            },
                            TypeKind::Enum {
                                repr: nr,
                                variants: nv,
                            },
                        ) => {
                            if or != nr
                                || ov.len() != nv.len()
                                || !ov.iter().all(|v| nv.iter().any(|w| w.value == v.value))
                            {
                                return false;
                            }
                        }
                        (
                            TypeKind::Union {
                                tag: ot,
                                variants: ov,
                            },
                            TypeKind::Union {
                                tag: nt,
                                variants: nv,
                            },
                        ) => {
                            if ot != nt || ov.len() != nv.len() {
                                return false;
                            }
                            for (x, y) in ov.iter().zip(nv.iter()) {
                                if x.tags != y.tags {
                                    return false;
                                }
                                todo.push((x.ty.clone(), y.ty.clone()));
                            }
                        }
                        _ => return false,
                    }
                }
                _ => return false,
            }
        }
        true
    }

    // ----- crate-level renames -----

    fn type_renames(&mut self) {
        let new_names: BTreeSet<&str> = self.nt.keys().copied().collect();
        let old_names: BTreeSet<&str> = self.ot.keys().copied().collect();
        let mut removed = Vec::new();
        for name in &old_names {
            if new_names.contains(name) {
                continue;
            }
            let targets: Vec<&String> = self
                .paired
                .get(*name)
                .map(|s| {
                    s.iter()
                        .filter(|t| !old_names.contains(t.as_str()))
                        .collect()
                })
                .unwrap_or_default();
            match targets.as_slice() {
                [] => removed.push(format!("`types::{name}`")),
                [one] => self.crate_changes.push(CrateChange {
                    bump: Bump::Major,
                    text: format!("type `types::{name}` is now `types::{one}`"),
                }),
                many => self.crate_changes.push(CrateChange {
                    bump: Bump::Major,
                    text: format!(
                        "type `types::{name}` is now {}",
                        many.iter()
                            .map(|t| format!("`types::{t}`"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                }),
            }
        }
        if !removed.is_empty() {
            self.crate_changes.push(CrateChange {
                bump: Bump::Major,
                text: format!(
                    "removes {} {}",
                    if removed.len() == 1 { "type" } else { "types" },
                    removed.join(", ")
                ),
            });
        }
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
        if bump < Bump::Patch && !same_api(&self.old.api, &self.new.api) {
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

/// Follows aliases; returns whether the type is nullable and the type without `Option`.
fn norm(types: &BTreeMap<&str, &TypeDef>, t: &TypeRef) -> (bool, TypeRef) {
    let mut nullable = false;
    let mut t = t;
    for _ in 0..32 {
        match t {
            TypeRef::Option(inner) => {
                nullable = true;
                t = inner;
            }
            TypeRef::Named(n) => match types.get(n.as_str()).map(|d| &d.kind) {
                Some(TypeKind::Alias(target)) => t = target,
                _ => break,
            },
            _ => break,
        }
    }
    (nullable, t.clone())
}

fn same_kind(a: &TypeKind, b: &TypeKind) -> bool {
    match (a, b) {
        (TypeKind::Enum { repr: x, .. }, TypeKind::Enum { repr: y, .. }) => x == y,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

fn nd_has(nd: &TypeDef, wire: &str) -> bool {
    match &nd.kind {
        TypeKind::Struct { fields, .. } => fields.iter().any(|f| f.wire == wire),
        _ => false,
    }
}

/// Whether the generated code would be the same (the crate name aside).
fn same_api(a: &Api, b: &Api) -> bool {
    let mut b = b.clone();
    b.crate_name = a.crate_name.clone();
    *a == b
}

fn path_params(op: &Operation) -> Vec<&Param> {
    op.path_parts
        .iter()
        .filter_map(|p| match p {
            PathPart::Param(ident) => op
                .params
                .iter()
                .find(|q| q.location == ParamIn::Path && q.ident == *ident),
            PathPart::Literal(_) => None,
        })
        .collect()
}

fn param_what(p: &Param) -> String {
    let loc = match p.location {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
        ParamIn::Cookie => "cookie",
    };
    format!("{loc} parameter `{}`", p.wire)
}

fn param_item(info: &OpInfo<'_>, p: &Param) -> String {
    if p.required {
        format!("argument `{}` of {}", bare(&p.ident), info.method())
    } else {
        format!("setter `{}::{}`", info.builder_plain(), bare(&p.ident))
    }
}

/// A pointer that may pass through `$ref`s, rewritten to the place it really leads to, so
/// that it resolves in the document. Unknown tails are kept as they are.
fn real_pointer(doc: &Value, ptr: &str) -> String {
    let tokens = crate::load::pointer_tokens(ptr);
    let mut cur = doc;
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        for _ in 0..16 {
            match cur
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            {
                Some(target) => match doc.pointer(target) {
                    Some(v) => {
                        cur = v;
                        out = target.to_string();
                    }
                    None => break,
                },
                None => break,
            }
        }
        let next = match cur {
            Value::Object(map) => map.get(t.as_str()),
            Value::Array(items) => t.parse::<usize>().ok().and_then(|n| items.get(n)),
            _ => None,
        };
        match next {
            Some(v) => {
                cur = v;
                out.push('/');
                out.push_str(&pointer_escape(t));
            }
            None => {
                for rest in &tokens[i..] {
                    out.push('/');
                    out.push_str(&pointer_escape(rest));
                }
                return out;
            }
        }
    }
    out
}

/// Follows local `$ref`s in the bundled document.
fn deref<'v>(doc: &'v Value, mut v: &'v Value) -> &'v Value {
    for _ in 0..16 {
        match v
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(ptr) => match doc.pointer(ptr) {
                Some(t) => v = t,
                None => break,
            },
            None => break,
        }
    }
    v
}

fn at<'v>(doc: &'v Value, ptr: &str) -> Option<&'v Value> {
    doc.pointer(ptr).map(|v| deref(doc, v))
}

/// The pointer of a parameter: in the operation's list, else in the path item's.
fn param_pointer(doc: &Value, op_ptr: &str, p: &Param) -> String {
    let loc = match p.location {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
        ParamIn::Cookie => "cookie",
    };
    let item_ptr = op_ptr.rsplit_once('/').map_or(op_ptr, |(a, _)| a);
    for base in [op_ptr, item_ptr] {
        let list = format!("{base}/parameters");
        if let Some(Value::Array(items)) = doc.pointer(&list) {
            for (i, item) in items.iter().enumerate() {
                let item = deref(doc, item);
                let name = item.get("name").and_then(Value::as_str).unwrap_or("");
                let within = item.get("in").and_then(Value::as_str).unwrap_or("");
                let same = if p.location == ParamIn::Header {
                    name.eq_ignore_ascii_case(&p.wire)
                } else {
                    name == p.wire
                };
                if same && within == loc {
                    return format!("{list}/{i}");
                }
            }
        }
    }
    format!("{op_ptr}/parameters")
}

/// The pointer of a property of the schema at `base`, looking through `allOf` and `$ref`.
fn prop_pointer(doc: &Value, base: &str, wire: &str) -> String {
    fn find(doc: &Value, base: &str, wire: &str, depth: usize) -> Option<String> {
        if depth > 12 {
            return None;
        }
        let v = doc.pointer(base)?;
        if let Some(r) = v
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            return find(doc, r, wire, depth + 1);
        }
        if v.get("properties").and_then(|p| p.get(wire)).is_some() {
            return Some(format!("{base}/properties/{}", pointer_escape(wire)));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(parts)) = v.get(key) {
                for i in 0..parts.len() {
                    if let Some(p) = find(doc, &format!("{base}/{key}/{i}"), wire, depth + 1) {
                        return Some(p);
                    }
                }
            }
        }
        None
    }
    find(doc, base, wire, 0)
        .unwrap_or_else(|| format!("{base}/properties/{}", pointer_escape(wire)))
}

/// Media types of a request body or response: normalized key → as written.
fn content_types(doc: &Value, ptr: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(content)) = at(doc, ptr).and_then(|v| v.get("content")) {
        for mt in content.keys() {
            let key = mt
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            out.insert(key, mt.clone());
        }
    }
    out
}

/// The media type the generated client decodes from a response (JSON first).
fn content_type_of(doc: &Value, resp_ptr: &str) -> String {
    let all = content_types(doc, resp_ptr);
    all.iter()
        .find(|(k, _)| k.contains("json"))
        .or_else(|| all.iter().next())
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| "application/json".into())
}

/// The success status codes as written (`200`, `2XX`), or `default` when there is no other.
fn success_statuses(doc: &Value, op_ptr: &str) -> Vec<String> {
    let Some(Value::Object(responses)) = at(doc, &format!("{op_ptr}/responses")) else {
        return Vec::new();
    };
    let mut out: Vec<String> = responses
        .keys()
        .filter(|k| {
            k.parse::<u16>().is_ok_and(|c| (200..300).contains(&c)) || k.eq_ignore_ascii_case("2XX")
        })
        .cloned()
        .collect();
    if out.is_empty() && responses.contains_key("default") {
        out.push("default".into());
    }
    out
}

/// Success bodies by status code as written (`200`, `2XX`, `default`).
fn bodies(doc: &Value, op: &Operation) -> Vec<(String, ResponseBody)> {
    match &op.output {
        Output::Single(b) => {
            let codes = success_statuses(doc, &op.pointer);
            if codes.is_empty() {
                vec![("200".to_string(), b.clone())]
            } else {
                codes.into_iter().map(|c| (c, b.clone())).collect()
            }
        }
        Output::ByStatus { cases, .. } => cases
            .iter()
            .map(|c| {
                let label = match c.status {
                    Some(s) => s.to_string(),
                    None if c.variant == "Success" => "2XX".into(),
                    None => "default".into(),
                };
                (label, c.body.clone())
            })
            .collect(),
    }
}

fn output_variants(o: &Output) -> Vec<String> {
    match o {
        Output::Single(_) => Vec::new(),
        Output::ByStatus { cases, .. } => cases
            .iter()
            .map(|c| format!("{}({})", c.variant, body_ret(&c.body)))
            .collect(),
    }
}

fn body_kind(b: &ResponseBody) -> String {
    match b {
        ResponseBody::Empty => "no body".into(),
        ResponseBody::Json(_) => "JSON".into(),
        ResponseBody::Text => "text".into(),
        ResponseBody::Binary => "binary data".into(),
    }
}

fn body_ret(b: &ResponseBody) -> String {
    match b {
        ResponseBody::Empty => "()".into(),
        ResponseBody::Json(t) => rust_ty(t),
        ResponseBody::Text => "String".into(),
        ResponseBody::Binary => "bytes stream".into(),
    }
}

/// The Rust type `send` returns.
fn return_rust(info: &OpInfo<'_>) -> String {
    match &info.op.output {
        Output::Single(b) => body_ret(b),
        Output::ByStatus { name, .. } => format!("{}::{name}", info.module),
    }
}

fn body_rust(b: &Body) -> String {
    match b.kind {
        BodyKind::Bytes => "Vec<u8>".into(),
        BodyKind::Text => "String".into(),
        _ => rust_ty(&b.ty),
    }
}

/// A type as written in generated code, with `types::` for named types.
fn rust_ty(t: &TypeRef) -> String {
    match t {
        TypeRef::Prim(p) => match p {
            Prim::String => "String",
            Prim::Bool => "bool",
            Prim::I32 => "i32",
            Prim::I64 => "i64",
            Prim::F32 => "f32",
            Prim::F64 => "f64",
            Prim::DateTime => "DateTime<Utc>",
            Prim::Date => "NaiveDate",
            Prim::Uuid => "Uuid",
            Prim::Base64 => "Base64Bytes",
            Prim::Binary => "Vec<u8>",
            Prim::Value => "serde_json::Value",
            Prim::Unit => "()",
        }
        .to_string(),
        TypeRef::Named(n) => format!("types::{n}"),
        TypeRef::Vec(i) => format!("Vec<{}>", rust_ty(i)),
        TypeRef::Map(i) => format!("BTreeMap<String, {}>", rust_ty(i)),
        TypeRef::Option(i) => format!("Option<{}>", rust_ty(i)),
    }
}

/// A struct field's type as the renderer writes it.
fn field_rust(f: &Field) -> String {
    let base = rust_ty(&f.ty);
    let base = if f.boxed {
        format!("Box<{base}>")
    } else {
        base
    };
    if f.tri_state {
        format!("Option<Option<{base}>>")
    } else if !f.required
        || f.write_only
        || (f.nullable && !matches!(f.ty, TypeRef::Prim(Prim::Value) | TypeRef::Option(_)))
    {
        format!("Option<{base}>")
    } else {
        base
    }
}

fn is_number(p: Prim) -> bool {
    matches!(p, Prim::I32 | Prim::I64 | Prim::F32 | Prim::F64)
}

fn prim_rel(a: Prim, b: Prim) -> Rel {
    use Prim::*;
    if a == b {
        return Rel::Equal;
    }
    let num = |p: Prim| match p {
        I32 => Some(0),
        I64 => Some(1),
        F32 => Some(2),
        F64 => Some(3),
        _ => None,
    };
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return if y > x { Rel::Wider } else { Rel::Narrower };
    }
    let formatted_string = |p: Prim| matches!(p, DateTime | Date | Uuid | Base64);
    match (a, b) {
        (_, Value) => Rel::Wider,
        (Value, _) => Rel::Narrower,
        (x, String) if formatted_string(x) => Rel::Wider,
        (String, y) if formatted_string(y) => Rel::Narrower,
        _ => Rel::Changed,
    }
}

/// A type in wire terms, for messages.
fn describe(types: &BTreeMap<&str, &TypeDef>, t: &TypeRef) -> String {
    describe_in(types, t, 0)
}

fn describe_in(types: &BTreeMap<&str, &TypeDef>, t: &TypeRef, depth: usize) -> String {
    if depth > 16 {
        return "…".into();
    }
    let describe = |types: &BTreeMap<&str, &TypeDef>, t: &TypeRef| describe_in(types, t, depth + 1);
    match t {
        TypeRef::Prim(p) => match p {
            Prim::String => "string",
            Prim::Bool => "boolean",
            Prim::I32 => "integer (int32)",
            Prim::I64 => "integer (int64)",
            Prim::F32 => "number (float)",
            Prim::F64 => "number (double)",
            Prim::DateTime => "string (date-time)",
            Prim::Date => "string (date)",
            Prim::Uuid => "string (uuid)",
            Prim::Base64 => "string (byte)",
            Prim::Binary => "binary",
            Prim::Value => "any JSON",
            Prim::Unit => "nothing",
        }
        .to_string(),
        TypeRef::Named(n) => match types.get(n.as_str()).map(|d| &d.kind) {
            Some(TypeKind::Struct { .. }) => format!("object `{n}`"),
            Some(TypeKind::Enum {
                repr: EnumRepr::String,
                ..
            }) => format!("string enum `{n}`"),
            Some(TypeKind::Enum {
                repr: EnumRepr::Integer,
                ..
            }) => format!("integer enum `{n}`"),
            Some(TypeKind::Union { .. }) => format!("union `{n}`"),
            Some(TypeKind::Alias(a)) => describe(types, a),
            None => format!("`{n}`"),
        },
        TypeRef::Vec(i) => format!("array of {}", describe(types, i)),
        TypeRef::Map(i) => format!("map of {}", describe(types, i)),
        TypeRef::Option(i) => format!("{} or null", describe(types, i)),
    }
}

fn pagination_text(p: &crate::ir::Pagination) -> String {
    use crate::ir::PaginationStyle::*;
    let style = match &p.style {
        Cursor {
            cursor_param,
            cursor_field,
            ..
        } => format!("cursor (`{cursor_param}` from `{cursor_field}`)"),
        NextUrl { next_field } => format!("next URL in `{next_field}`"),
        Offset {
            offset_param,
            limit_param,
            ..
        } => format!("offset (`{offset_param}`, `{limit_param}`)"),
        Page { page_param, .. } => format!("page number (`{page_param}`)"),
        LinkHeader => "`Link` header".to_string(),
    };
    if p.items.is_empty() {
        style
    } else {
        format!("{style}, items in `{}`", p.items)
    }
}

/// What a security change does to the generated method: which credentials it sends.
fn op_auth_effect(o: &OpInfo<'_>, n: &OpInfo<'_>) -> Effect {
    use crate::ir::OpAuth;
    let sends = |a: &OpAuth| match a {
        OpAuth::Default => "the client's credentials".to_string(),
        OpAuth::None => "no credentials".to_string(),
        OpAuth::Other(name) => {
            format!("the client's credentials (the spec asks for scheme `{name}`)")
        }
    };
    if o.op.auth == n.op.auth {
        Effect::new(
            Bump::None,
            format!(
                "none: the generated method still sends {}",
                sends(&n.op.auth)
            ),
        )
    } else {
        Effect::new(
            Bump::Patch,
            format!(
                "the generated method sends {} instead of {}; no signature changes",
                sends(&n.op.auth),
                sends(&o.op.auth)
            ),
        )
    }
}

fn constructor(auth: Option<&AuthScheme>) -> &'static str {
    match auth {
        None => "Client::new()",
        Some(AuthScheme::Basic) => "Client::new(username, password)",
        Some(_) => "Client::new(api_key)",
    }
}

fn auth_text(auth: Option<&AuthScheme>) -> String {
    match auth {
        None => "no credentials".into(),
        Some(AuthScheme::Bearer) => "a bearer token".into(),
        Some(AuthScheme::Basic) => "HTTP basic credentials".into(),
        Some(AuthScheme::Header {
            name,
            prefix: Some(p),
        }) => format!("header `{name}: {p} <key>`"),
        Some(AuthScheme::Header { name, prefix: None }) => format!("header `{name}`"),
        Some(AuthScheme::Query { name }) => format!("query parameter `{name}`"),
        Some(AuthScheme::Cookie { name }) => format!("cookie `{name}`"),
    }
}

// ----- security requirements, compared by the shape of their schemes -----

/// One requirement: every scheme (by canonical shape) with its scopes. Empty: no authentication.
type Requirement = BTreeMap<String, (String, BTreeSet<String>)>;

/// The requirements of an operation: its own `security`, else the document's. Alternatives.
fn effective_security(doc: &Value, op_ptr: &str) -> Vec<Requirement> {
    let list = doc
        .pointer(&format!("{op_ptr}/security"))
        .or_else(|| doc.pointer("/security"))
        .and_then(Value::as_array);
    let Some(list) = list else {
        return vec![Requirement::new()];
    };
    if list.is_empty() {
        return vec![Requirement::new()];
    }
    list.iter()
        .map(|req| {
            let mut out = Requirement::new();
            if let Some(map) = req.as_object() {
                for (name, scopes) in map {
                    let (shape, text) = scheme_shape(doc, name);
                    let scopes: BTreeSet<String> = scopes
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .map(String::from)
                                .collect()
                        })
                        .unwrap_or_default();
                    out.insert(shape, (text, scopes));
                }
            }
            out
        })
        .collect()
}

fn canonical_reqs(reqs: &[Requirement]) -> BTreeSet<Vec<(String, BTreeSet<String>)>> {
    reqs.iter()
        .map(|r| r.iter().map(|(k, (_, s))| (k.clone(), s.clone())).collect())
        .collect()
}

/// Whether credentials that satisfy `old` also satisfy `new`.
fn satisfies(old: &Requirement, new: &Requirement) -> bool {
    new.iter().all(|(shape, (_, scopes))| {
        old.get(shape)
            .is_some_and(|(_, have)| scopes.is_subset(have))
    })
}

/// A scheme's shape (its definition without descriptions or scope texts) and a description.
fn scheme_shape(doc: &Value, name: &str) -> (String, String) {
    let ptr = format!("/components/securitySchemes/{}", pointer_escape(name));
    let Some(v) = at(doc, &ptr) else {
        return (
            format!("undefined:{name}"),
            format!("undefined scheme `{name}`"),
        );
    };
    let shape = canonical(&strip_docs(v));
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("");
    let text = match s("type") {
        "apiKey" => format!("API key in {} `{}`", s("in"), s("name")),
        "http" => format!("HTTP {}", s("scheme").to_ascii_lowercase()),
        "oauth2" => "OAuth2".to_string(),
        "openIdConnect" => "OpenID Connect".to_string(),
        other => format!("`{other}`"),
    };
    (shape, text)
}

fn strip_docs(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, child) in map {
                if k == "description" || (k.starts_with("x-") && k != "x-oagen-auth-prefix") {
                    continue;
                }
                if k == "scopes" {
                    // Scope descriptions are documentation; the names matter.
                    let names: Vec<Value> = child
                        .as_object()
                        .map(|m| m.keys().map(|s| Value::String(s.clone())).collect())
                        .unwrap_or_default();
                    out.insert(k.clone(), Value::Array(names));
                    continue;
                }
                out.insert(k.clone(), strip_docs(child));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}

/// JSON text with object keys sorted.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, String> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            let parts: Vec<String> = sorted
                .iter()
                .map(|(k, v)| format!("{}:{v}", Value::String((*k).clone())))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => {
            let mut parts: Vec<String> = items.iter().map(canonical).collect();
            parts.sort();
            format!("[{}]", parts.join(","))
        }
        other => other.to_string(),
    }
}

fn reqs_text(reqs: &[Requirement]) -> String {
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
