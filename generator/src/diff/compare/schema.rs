//! Schema comparison: types walked in parallel from each operation, named types compared
//! once per direction, value sets related (wider, narrower, changed), shapes compared.
//!
//! This file is longer than the others because it is one recursive walk: `cmp` → `named` →
//! the struct, enum and union comparisons → `cmp` again, with `rel` and `shape_eq` used at
//! every step. Splitting it would scatter one algorithm over files without a seam between.

use super::*;

impl<'a> Engine<'a> {
    // ----- types -----

    pub(super) fn old_def(&self, t: &TypeRef) -> Option<&'a TypeDef> {
        match t {
            TypeRef::Named(n) => self.ot.get(n.as_str()).copied(),
            _ => None,
        }
    }

    pub(super) fn new_def(&self, t: &TypeRef) -> Option<&'a TypeDef> {
        match t {
            TypeRef::Named(n) => self.nt.get(n.as_str()).copied(),
            _ => None,
        }
    }

    /// Compares the types at a position.
    pub(super) fn cmp(&mut self, o: &TypeRef, n: &TypeRef, dir: Dir, at: &At) {
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
    pub(super) fn cmp_core(&mut self, o: &TypeRef, n: &TypeRef, dir: Dir, at: &At) {
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
                if self.as_text && self.text_widens(o, n) {
                    let text = format!(
                        "{} changed from {} to {}; parameters travel as text, so every old value is still accepted",
                        at.what,
                        self.describe_old(o),
                        self.describe_new(n)
                    );
                    self.rel_finding(Rel::Wider, dir, at, text);
                    return;
                }
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

    pub(super) fn rel_finding(&mut self, rel: Rel, dir: Dir, at: &At, text: String) {
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
        } else if let Some(text) = self.kinds_in(&at.new_rust) {
            Effect::new(
                Bump::Major,
                format!("{} stays `{}`, but {text}", at.rust, at.new_rust),
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
    pub(super) fn named(&mut self, a: &str, b: &str, od: &'a TypeDef, nd: &'a TypeDef, dir: Dir) {
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
    pub(super) fn drain(&mut self) {
        while let Some((id, od, nd, dir)) = self.queue.pop() {
            let saved = std::mem::replace(&mut self.owner, Owner::Pair(id));
            self.pair_contents(od, nd, dir);
            self.owner = saved;
        }
    }

    pub(super) fn pair_contents(&mut self, od: &'a TypeDef, nd: &'a TypeDef, dir: Dir) {
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
                    self.discriminator(nd, ot.as_deref(), nt.as_deref(), dir);
                }
                self.unions(od, nd, ov, nv, nt.is_some(), dir);
            }
            _ => {}
        }
    }

    /// A union's discriminator added, removed or renamed.
    fn discriminator(&mut self, nd: &TypeDef, ot: Option<&str>, nt: Option<&str>, dir: Dir) {
        let show = |t: Option<&str>| t.map_or("none".into(), |t| format!("`{t}`"));
        let rust = format!("`types::{}`", nd.name);
        let effect = match (ot, nt) {
            (None, Some(_)) => Effect::new(
                Bump::Major,
                format!(
                    "{rust} is decoded by its tag and gains variant `types::{}::Unknown` for unknown tags; exhaustive matches need a new arm",
                    nd.name
                ),
            ),
            (Some(_), None) => Effect::new(
                Bump::Major,
                format!("{rust} loses variant `types::{}::Unknown`", nd.name),
            ),
            _ => Effect::new(
                Bump::Patch,
                format!("{rust} is encoded and decoded differently; no signature changes"),
            ),
        };
        let disc = format!("{}/discriminator", nd.pointer);
        let ptr = if ot.is_none() && self.new.facts.written.contains(&disc) {
            disc
        } else {
            nd.pointer.clone()
        };
        let rule = match (dir, ot) {
            // Old clients try the alternatives in turn; the server sends the same payloads.
            (Dir::Response, None) => Rule::ResponseDiscriminatorAdded,
            (Dir::Response, Some(_)) => Rule::ResponseTypeChanged,
            (Dir::Request, _) => Rule::RequestTypeChanged,
        };
        let text = if ot.is_none() {
            format!(
                "`{}` is now discriminated by {}; its alternatives are compared on their own",
                nd.name,
                show(nt)
            )
        } else {
            format!(
                "the discriminator of `{}` changed from {} to {}",
                nd.name,
                show(ot),
                show(nt)
            )
        };
        self.emit(rule, Side::New, &ptr, text, effect);
    }

    pub(super) fn structs(
        &mut self,
        od: &TypeDef,
        nd: &TypeDef,
        of: &[Field],
        nf: &[Field],
        dir: Dir,
    ) {
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
            let nptr = prop_pointer(&self.new.facts, &nd.pointer, &f.wire);
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
                    let optr = prop_pointer(&self.old.facts, &od.pointer, &g.wire);
                    self.field(g, f, dir, optr, nptr, what, rust);
                }
            }
        }
        for g in &ofs {
            if nfs.iter().any(|f| f.wire == g.wire) {
                continue;
            }
            let optr = prop_pointer(&self.old.facts, &od.pointer, &g.wire);
            let (rule, tail) = match dir {
                Dir::Request => (
                    Rule::RequestPropertyRemoved,
                    "; the server may reject or ignore it",
                ),
                // An optional property decodes as `None` when absent.
                Dir::Response if !g.required => (
                    Rule::ResponseOptionalPropertyRemoved,
                    "; old clients decode it as `None`",
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
            let optional = if dir == Dir::Response && !g.required {
                "optional "
            } else {
                ""
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
                    "{optional}{side_word} property `{}` of `{}` {how}{tail}",
                    g.wire, od.name
                ),
                effect,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn field(
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

    pub(super) fn additional(
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

    pub(super) fn enums(
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

    pub(super) fn unions(
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
    pub(super) fn rel(&mut self, o: &TypeRef, n: &TypeRef) -> Rel {
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
        // A union that gained or lost the other side as an alternative (for the new side:
        // an alternative that accepts every old value).
        if let Some(TypeKind::Union { variants, .. }) = nk {
            if variants
                .iter()
                .any(|v| self.shape_eq(o, &v.ty) || self.accepts(o, &v.ty))
            {
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

    /// A parameter (sent as text) that became a string from a number, boolean, formatted
    /// string or enum: the text of every old value is a string.
    fn text_widens(&self, o: &TypeRef, n: &TypeRef) -> bool {
        if !matches!(n, TypeRef::Prim(Prim::String)) {
            return false;
        }
        match o {
            TypeRef::Prim(p) => matches!(
                p,
                Prim::Bool
                    | Prim::I32
                    | Prim::I64
                    | Prim::F32
                    | Prim::F64
                    | Prim::DateTime
                    | Prim::Date
                    | Prim::Uuid
            ),
            _ => matches!(
                self.old_def(o).map(|d| &d.kind),
                Some(TypeKind::Enum { .. })
            ),
        }
    }

    /// Whether every JSON value of the old type `o` is a value of the new type `n`
    /// (conservatively: `false` when unsure). Named pairs met again are assumed to accept.
    fn accepts(&self, o: &TypeRef, n: &TypeRef) -> bool {
        let mut assumed: BTreeSet<(String, String)> = BTreeSet::new();
        self.accepts_in(o, n, &mut assumed, 0)
    }

    fn accepts_in(
        &self,
        o: &TypeRef,
        n: &TypeRef,
        assumed: &mut BTreeSet<(String, String)>,
        depth: usize,
    ) -> bool {
        if depth > 64 {
            return false;
        }
        let (on, o) = norm(&self.ot, o);
        let (nn, n) = norm(&self.nt, n);
        if on && !nn {
            return false;
        }
        if matches!(n, TypeRef::Prim(Prim::Value)) {
            return true;
        }
        let sub = |a: &TypeRef, b: &TypeRef, assumed: &mut BTreeSet<(String, String)>| {
            self.accepts_in(a, b, assumed, depth + 1)
        };
        match (&o, &n) {
            (TypeRef::Prim(a), TypeRef::Prim(b)) => {
                return matches!(prim_rel(*a, *b), Rel::Equal | Rel::Wider)
            }
            (TypeRef::Vec(a), TypeRef::Vec(b)) | (TypeRef::Map(a), TypeRef::Map(b)) => {
                return sub(a, b, assumed)
            }
            _ => {}
        }
        let od = self.old_def(&o).map(|d| &d.kind);
        let nd = self.new_def(&n).map(|d| &d.kind);
        if let (TypeRef::Named(a), TypeRef::Named(b)) = (&o, &n) {
            if !assumed.insert((a.clone(), b.clone())) {
                return true;
            }
        }
        if let Some(TypeKind::Union {
            variants,
            tag: None,
        }) = od
        {
            return variants.iter().all(|v| sub(&v.ty, &n, assumed));
        }
        match (od, nd) {
            (
                _,
                Some(TypeKind::Union {
                    variants,
                    tag: None,
                }),
            ) => variants.iter().any(|v| {
                // A failed alternative must not leave its pairs assumed.
                let mut tried = assumed.clone();
                sub(&o, &v.ty, &mut tried)
            }),
            (
                Some(TypeKind::Struct {
                    fields: of,
                    additional: oa,
                }),
                Some(TypeKind::Struct {
                    fields: nf,
                    additional: na,
                }),
            ) => {
                let sent = |f: &&Field| !f.read_only;
                // Every property old clients send is known, with a type that accepts it...
                for g in of.iter().filter(sent) {
                    let Some(f) = nf.iter().filter(sent).find(|f| f.wire == g.wire) else {
                        return false;
                    };
                    if (g.nullable && !f.nullable) || (!g.required && f.required) {
                        return false;
                    }
                    if !sub(&g.ty, &f.ty, assumed) {
                        return false;
                    }
                }
                // ...and nothing new is required.
                if nf
                    .iter()
                    .filter(sent)
                    .any(|f| f.required && !of.iter().any(|g| g.wire == f.wire && !g.read_only))
                {
                    return false;
                }
                match (oa, na) {
                    (None, _) => true,
                    (Some(x), Some(y)) => sub(x, y, assumed),
                    (Some(_), None) => false,
                }
            }
            (
                Some(TypeKind::Enum {
                    repr: or,
                    variants: ov,
                }),
                Some(TypeKind::Enum {
                    repr: nr,
                    variants: nv,
                }),
            ) => or == nr && ov.iter().all(|v| nv.iter().any(|w| w.value == v.value)),
            (
                Some(TypeKind::Enum {
                    repr: EnumRepr::String,
                    ..
                }),
                None,
            ) => matches!(n, TypeRef::Prim(Prim::String)),
            _ => false,
        }
    }

    pub(super) fn describe_old(&self, t: &TypeRef) -> String {
        describe(&self.ot, t)
    }

    pub(super) fn describe_new(&self, t: &TypeRef) -> String {
        describe(&self.nt, t)
    }

    /// Whether an old and a new type have the same shape (names and docs aside). Named types
    /// are compared coinductively (a pair met again is assumed equal), with a work list
    /// rather than recursion.
    pub(super) fn shape_eq(&mut self, o: &TypeRef, n: &TypeRef) -> bool {
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

    pub(super) fn shape_eq_walk(&self, o: &TypeRef, n: &TypeRef) -> bool {
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

    /// The types named in a Rust type that keep their name but change kind, described (and
    /// remembered as reported).
    pub(super) fn kinds_in(&mut self, rust: &str) -> Option<String> {
        let mut texts = Vec::new();
        for name in named_in(rust) {
            let (Some(od), Some(nd)) = (self.ot.get(name), self.nt.get(name)) else {
                continue;
            };
            if kind_changed(od, nd) {
                texts.push(format!(
                    "`types::{name}` changes from {} to {}",
                    item_kind(od),
                    item_kind(nd)
                ));
                self.kind_reported.insert(name.to_string());
            }
        }
        (!texts.is_empty()).then(|| texts.join(", and "))
    }

    /// Types that keep their name and change kind, not already named by a change: the
    /// generated item changes kind whatever reaches it (a struct's fields and an enum's
    /// variants are not interchangeable).
    pub(super) fn kind_changes(&mut self) {
        for (name, od) in &self.ot {
            let Some(nd) = self.nt.get(name) else {
                continue;
            };
            if kind_changed(od, nd) && !self.kind_reported.contains(*name) {
                self.crate_changes.push(CrateChange {
                    bump: Bump::Major,
                    text: format!(
                        "`types::{name}` changes from {} to {}",
                        item_kind(od),
                        item_kind(nd)
                    ),
                });
            }
        }
    }

    // ----- crate-level renames -----

    pub(super) fn type_renames(&mut self) {
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
}

/// Follows aliases; returns whether the type is nullable and the type without `Option`.
pub(super) fn norm(types: &BTreeMap<&str, &TypeDef>, t: &TypeRef) -> (bool, TypeRef) {
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

pub(super) fn same_kind(a: &TypeKind, b: &TypeKind) -> bool {
    match (a, b) {
        (TypeKind::Enum { repr: x, .. }, TypeKind::Enum { repr: y, .. }) => x == y,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

pub(super) fn nd_has(nd: &TypeDef, wire: &str) -> bool {
    match &nd.kind {
        TypeKind::Struct { fields, .. } => fields.iter().any(|f| f.wire == wire),
        _ => false,
    }
}

pub(super) fn is_number(p: Prim) -> bool {
    matches!(p, Prim::I32 | Prim::I64 | Prim::F32 | Prim::F64)
}

pub(super) fn prim_rel(a: Prim, b: Prim) -> Rel {
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
pub(super) fn describe(types: &BTreeMap<&str, &TypeDef>, t: &TypeRef) -> String {
    describe_in(types, t, 0)
}

pub(super) fn describe_in(types: &BTreeMap<&str, &TypeDef>, t: &TypeRef, depth: usize) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Doc;

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.into(),
            doc: Doc::default(),
            kind,
            pointer: String::new(),
            settings: Default::default(),
            facets: Default::default(),
        }
    }

    fn named(n: &str) -> TypeRef {
        TypeRef::Named(n.into())
    }

    #[test]
    fn primitive_relations() {
        use Prim::*;
        assert_eq!(prim_rel(I32, I32), Rel::Equal);
        assert_eq!(prim_rel(I32, I64), Rel::Wider);
        assert_eq!(prim_rel(F64, I32), Rel::Narrower);
        assert_eq!(prim_rel(DateTime, String), Rel::Wider);
        assert_eq!(prim_rel(String, Uuid), Rel::Narrower);
        assert_eq!(prim_rel(Bool, Value), Rel::Wider);
        assert_eq!(prim_rel(Bool, String), Rel::Changed);
    }

    #[test]
    fn aliases_are_followed_and_nullability_collected() {
        let pet = def(
            "Pet",
            TypeKind::Struct {
                fields: Vec::new(),
                additional: None,
            },
        );
        let maybe = def(
            "MaybePet",
            TypeKind::Alias(TypeRef::Option(Box::new(named("Pet")))),
        );
        let types: BTreeMap<&str, &TypeDef> =
            [("Pet", &pet), ("MaybePet", &maybe)].into_iter().collect();
        assert_eq!(norm(&types, &named("MaybePet")), (true, named("Pet")));
        assert_eq!(norm(&types, &named("Pet")), (false, named("Pet")));
        let list = TypeRef::Vec(Box::new(named("MaybePet")));
        assert_eq!(describe(&types, &list), "array of object `Pet` or null");
        assert_eq!(describe(&types, &named("Gone")), "`Gone`");
        assert!(same_kind(&pet.kind, &pet.kind));
        assert!(!same_kind(&pet.kind, &maybe.kind));
    }
}
