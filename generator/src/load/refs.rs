//! `$ref` resolution: external-file bundling, dangling-ref and cycle checks.
//!
//! Past 800 lines with its unit tests (the code is about 800): bundling, the dangling and
//! cycle checks and the rewrite of refs share one walk and its state, so they stay together.
//!
//! Rules:
//!
//! - A local ref (`#/components/schemas/X`, `#/paths/~1a/get/parameters/0`,
//!   any JSON pointer; `%xx` escapes in the fragment are decoded) must point
//!   at something in the document it is written in; otherwise
//!   `dangling-ref`, reported at the `$ref` itself. A local ref in a place
//!   with a `components` section that points inside something rather than at
//!   a whole component (`#/components/schemas/A/properties/b`, a schema inside
//!   an operation) is bundled like a ref to another file: the target is
//!   copied into the section under its last pointer token, once.
//! - A ref to another file (`common.yaml#/components/schemas/Error`,
//!   `./schemas/pet.yaml`, `other.json#/Pet`) is resolved relative to the
//!   file it is written in. The file is read once. The target is copied into
//!   the root document's `components` section matching the place of the ref
//!   (a schema position → `schemas`, a parameter → `parameters`, a response →
//!   `responses`, and so on), named after the last pointer token (or the
//!   file stem for a whole-file ref; characters outside `[A-Za-z0-9._-]`
//!   become `_`), with a numeric suffix (`Error2`, `Error3`, ...) when the
//!   name is taken by something else. The ref is rewritten to the local one.
//!   The same target referred to from several places is copied once. Refs
//!   inside the copy are resolved relative to its own file, recursively.
//! - A root component that is nothing but a ref to another file
//!   (`Pet: {$ref: ./pet.yaml}`) is replaced by its target, keeping the name
//!   `Pet` (instead of adding `pet` and making `Pet` an alias).
//! - Path items (and anything else without a `components` section in 3.0)
//!   are inlined in place of the ref, local or external; a
//!   `summary`/`description` next to the `$ref` overrides the target's, other
//!   siblings are ignored (the spec leaves their meaning undefined).
//! - `http:`/`https:` (or any other URL) refs: `remote-ref` error; there is no
//!   network. JSON-Schema anchors (`#foo`) are not supported (`dangling-ref`).
//! - A missing or unreadable file: `dangling-ref` naming the file.
//! - After bundling, a chain of refs that only points at refs and comes back
//!   (`A → B → A`, or `X: {$ref: '#/components/schemas/X'}`) is a `ref-cycle`
//!   error listing the chain. Recursive schemas (a ref inside `properties`
//!   or `items` back to the schema) are fine.
//!
//! - A document with `$self` (OpenAPI 3.2) has its refs resolved against that URI and mapped
//!   back onto files (rules in `refs/base.rs`).
//!
//! `discriminator.mapping` values are not rewritten. Refs inside `webhooks`,
//! examples, defaults and extensions are not followed.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::pointer::{self, get, get_mut, ref_of};
use super::walk::{self, Kind};
use super::{Ctx, FileState};
use crate::diag::{Diagnostic, Diagnostics};

mod base;
mod check;

use check::*;

/// At most this many path items (or other ref-without-section targets) are
/// inlined per load.
const MAX_INLINES: usize = 10_000;
/// At most this many JSON nodes are copied by bundling and inlining.
const MAX_COPIED_NODES: usize = 5_000_000;

/// A parsed `$ref` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefTarget {
    /// The file part, percent-decoded; `None` for a local ref.
    pub file: Option<String>,
    /// The fragment as a JSON pointer, percent-decoded (`""` = whole document).
    pub pointer: String,
}

/// Why a `$ref` value cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefProblem {
    /// A URL (`http://...`).
    Remote,
    /// A fragment that is not a JSON pointer (`#foo`).
    NotAPointer,
    /// An empty string.
    Empty,
}

/// Splits a `$ref` value into file and JSON pointer.
pub fn parse_ref(s: &str) -> Result<RefTarget, RefProblem> {
    let (file, fragment) = match s.split_once('#') {
        Some((f, frag)) => (f, frag),
        None => (s, ""),
    };
    if is_url(file) {
        return Err(RefProblem::Remote);
    }
    let pointer = pointer::percent_decode(fragment);
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(RefProblem::NotAPointer);
    }
    if file.is_empty() && !s.starts_with('#') {
        return Err(RefProblem::Empty);
    }
    Ok(RefTarget {
        file: if file.is_empty() {
            None
        } else {
            Some(pointer::percent_decode(file))
        },
        pointer,
    })
}

fn is_url(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else {
        return false;
    };
    // One letter is a Windows drive (`C:\...`), not a scheme.
    scheme.len() >= 2
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Writes a pointer as a local ref (`%` escaped so it decodes back).
fn local_ref(pointer: &str) -> String {
    format!("#{}", pointer.replace('%', "%25"))
}

struct Work {
    /// Where the subtree sits in the root document.
    ptr: String,
    kind: Kind,
    /// The (normalized) file its refs are relative to.
    base: PathBuf,
    /// Targets inlined on the way here, to catch inlining loops.
    ancestry: Vec<(PathBuf, String)>,
}

struct Resolver<'a> {
    ctx: &'a mut Ctx,
    diags: &'a mut Diagnostics,
    /// (file, pointer, section) → name under `#/components/<section>/`.
    bundled: BTreeMap<(PathBuf, String, &'static str), String>,
    /// Root components that are refs to another file, to be replaced by
    /// their target.
    adopt: BTreeSet<String>,
    work: VecDeque<Work>,
    inlines: usize,
    copied: usize,
    over_budget: bool,
    /// Whether `doc` may have been changed.
    touched: bool,
    /// Reference objects that cannot be followed, to be replaced.
    unresolved: Vec<(String, Kind)>,
}

/// Resolves every `$ref` of `doc` (the root document), bundling other files
/// into it; then reports ref cycles.
pub(crate) fn resolve(doc: &mut Value, ctx: &mut Ctx, diags: &mut Diagnostics) {
    let root = ctx.root_norm.clone();
    let mut r = Resolver {
        ctx,
        diags,
        bundled: BTreeMap::new(),
        adopt: BTreeSet::new(),
        work: VecDeque::new(),
        inlines: 0,
        copied: 0,
        over_budget: false,
        touched: false,
        unresolved: Vec::new(),
    };
    r.plan_adoptions(doc);
    r.work.push_back(Work {
        ptr: String::new(),
        kind: Kind::Document,
        base: root,
        ancestry: Vec::new(),
    });
    // What `find_cycles` would collect, gathered by the first (whole
    // document) walk: still right if nothing changes the document.
    let mut cycle_sites: Option<Vec<String>> = None;
    while let Some(w) = r.work.pop_front() {
        if r.over_budget {
            break;
        }
        let whole = cycle_sites.is_none();
        let mut found: Vec<String> = Vec::new();
        let mut sites: Vec<(String, Kind, String)> = Vec::new();
        walk::visit(doc, &w.ptr, w.kind, false, |ptr, kind, _, value| {
            if let Some(s) = ref_of(value) {
                if whole && leads_on(doc, s) {
                    found.push(ptr.to_string());
                }
                sites.push((ptr.to_string(), kind, s.to_string()));
            }
        });
        if whole {
            cycle_sites = Some(found);
        }
        for (site, kind, reference) in sites {
            r.site(doc, &w, &site, kind, &reference);
        }
    }
    let touched = r.touched || !r.unresolved.is_empty();
    placeholders(doc, std::mem::take(&mut r.unresolved));
    let known = cycle_sites.filter(|_| !touched);
    find_cycles(doc, r.ctx, r.diags, known);
}

/// Replaces each reference object that could not be followed: a schema by
/// `{}` (any value), a response by one without a body, a request body by an
/// untyped JSON one, a header or media type by one without a schema, a path
/// item or callback by an empty one; anything else (a parameter, example,
/// link, security scheme) is removed. Array elements are removed from the
/// last to the first, so the other pointers stay valid.
fn placeholders(doc: &mut Value, mut sites: Vec<(String, Kind)>) {
    sites.sort_by(|a, b| {
        let key = |p: &str| {
            let (parent, last) = p.rsplit_once('/').unwrap_or(("", p));
            (
                parent.to_string(),
                last.parse::<usize>().unwrap_or(usize::MAX),
            )
        };
        key(&b.0).cmp(&key(&a.0))
    });
    sites.dedup_by(|a, b| a.0 == b.0);
    for (site, kind) in sites {
        let replacement = match kind {
            Kind::Schema | Kind::MediaType | Kind::PathItem | Kind::Callback => {
                Some(Value::Object(Map::new()))
            }
            Kind::Response => Some(serde_json::json!({"description": ""})),
            Kind::RequestBody => Some(serde_json::json!({"content": {"application/json": {}}})),
            Kind::Header => Some(serde_json::json!({"schema": {}})),
            _ => None,
        };
        match replacement {
            Some(v) => {
                if let Some(slot) = get_mut(doc, &site) {
                    *slot = v;
                }
            }
            None => {
                let Some((parent, last)) = site.rsplit_once('/') else {
                    continue;
                };
                match get_mut(doc, parent) {
                    Some(Value::Array(a)) => {
                        if let Ok(i) = last.parse::<usize>() {
                            if i < a.len() {
                                a.remove(i);
                            }
                        }
                    }
                    Some(Value::Object(o)) => {
                        o.shift_remove(pointer::unescape(last).as_ref());
                    }
                    _ => {}
                }
            }
        }
    }
}

impl Resolver<'_> {
    /// A `$ref` that cannot be followed: a warning, and the reference
    /// object is replaced once resolution is over (see [`placeholders`]).
    fn unresolvable(
        &mut self,
        site: &str,
        kind: Kind,
        code: &'static str,
        message: String,
        help: Option<String>,
    ) {
        let repair = match kind {
            Kind::Schema => "this schema is read as any value (`serde_json::Value`)",
            Kind::Response => "this response is read without a body",
            Kind::RequestBody => "this request body is read as untyped JSON",
            Kind::Header | Kind::MediaType => "read without a schema (any value)",
            Kind::PathItem | Kind::Callback => "read as empty",
            _ => "left out",
        };
        let help = match help {
            Some(h) => format!("repaired: {repair}; {h}"),
            None => format!("repaired: {repair}"),
        };
        self.diags.push(
            Diagnostic::warning(code, message)
                .at(self.ref_location(site))
                .with_help(help),
        );
        self.unresolved.push((site.to_string(), kind));
    }

    fn ref_location(&self, site: &str) -> crate::diag::Location {
        self.ctx.sources.locate(&format!("{site}/$ref"))
    }

    /// Root components of the form `Name: {$ref: other-file...}`: their
    /// target will be copied in their place, under their name.
    fn plan_adoptions(&mut self, doc: &Value) {
        let Some(components) = doc.get("components").and_then(Value::as_object) else {
            return;
        };
        for (section, entries) in components {
            let Some(kind) = section_kind(section) else {
                continue;
            };
            let Some(entries) = entries.as_object() else {
                continue;
            };
            for (name, entry) in entries {
                let Some(obj) = entry.as_object() else {
                    continue;
                };
                let Some(reference) = obj.get("$ref").and_then(Value::as_str) else {
                    continue;
                };
                let only_ref = obj
                    .keys()
                    .all(|k| matches!(k.as_str(), "$ref" | "description" | "summary"));
                let Ok(target) = parse_ref(reference) else {
                    continue;
                };
                let Some(file) = target.file else { continue };
                let file = self.resolve_path(&self.ctx.root_norm, &file);
                if !only_ref || file == self.ctx.root_norm {
                    continue;
                }
                let Some(sec) = kind.section() else { continue };
                let key = (file, target.pointer, sec);
                if self.bundled.contains_key(&key) {
                    continue;
                }
                self.bundled.insert(key, name.clone());
                self.adopt.insert(format!(
                    "/components/{}/{}",
                    pointer::escape(section),
                    pointer::escape(name)
                ));
            }
        }
    }

    fn resolve_path(&self, base: &Path, rel: &str) -> PathBuf {
        let dir = base.parent().unwrap_or(Path::new(""));
        super::normalize_path(&dir.join(rel))
    }

    /// For a reference written in `file`: the base URI it resolves against (the document's
    /// `$self`, OpenAPI 3.2) and the `$self` URIs of the other documents read so far. `None`
    /// when no `$self` can matter: `file` has none and the reference is not an absolute URI
    /// naming another document's.
    fn bases(
        &self,
        doc: &Value,
        file: &Path,
        reference: &str,
    ) -> Option<(url::Url, Vec<(url::Url, PathBuf)>)> {
        let self_of = |f: &Path| -> Option<url::Url> {
            let d = if *f == self.ctx.root_norm {
                doc
            } else {
                match self.ctx.files.get(f) {
                    Some(FileState::Loaded(v)) => v,
                    _ => return None,
                }
            };
            base::self_base(f, d.get("$self")?.as_str()?)
        };
        let own = self_of(file);
        if own.is_none() && !is_url(reference.split('#').next().unwrap_or("")) {
            return None;
        }
        let known: Vec<(url::Url, PathBuf)> = std::iter::once(&self.ctx.root_norm)
            .chain(self.ctx.files.keys())
            .filter(|f| *f != file)
            .filter_map(|f| Some((self_of(f)?, f.clone())))
            .collect();
        match own {
            Some(own) => Some((own, known)),
            None if known.is_empty() => None,
            None => Some((base::self_base(file, "")?, known)),
        }
    }

    fn site(&mut self, doc: &mut Value, w: &Work, site: &str, kind: Kind, reference: &str) {
        // A document with `$self`: the reference resolves against it (see `base`).
        let rebased = self
            .bases(doc, &w.base, reference)
            .and_then(|(own, known)| base::rebase(reference, &w.base, &own, &known))
            .filter(|r| r != reference);
        if let Some(r) = &rebased {
            self.set_ref(doc, site, r.clone());
        }
        let reference = rebased.as_deref().unwrap_or(reference);
        let target = match parse_ref(reference) {
            Ok(t) => t,
            Err(problem) => {
                let (code, message, help) = match problem {
                    RefProblem::Remote => (
                        "remote-ref",
                        format!("remote reference `{reference}` cannot be followed: only local files are read"),
                        Some("download the document and refer to it by a relative path"),
                    ),
                    RefProblem::NotAPointer => (
                        "dangling-ref",
                        format!("reference `{reference}` does not end in a JSON pointer (`#/...`)"),
                        Some("anchors (`$anchor`, `$id`) are not supported; use a pointer such as `#/components/schemas/Name`"),
                    ),
                    RefProblem::Empty => ("dangling-ref", "empty `$ref`".to_string(), None),
                };
                self.unresolvable(site, kind, code, message, help.map(str::to_string));
                return;
            }
        };
        let file = match &target.file {
            None => w.base.clone(),
            Some(f) => self.resolve_path(&w.base, f),
        };
        let section = kind.section();
        if file == self.ctx.root_norm {
            self.root_target(doc, w, site, kind, reference, &target.pointer);
            return;
        }
        // Another file.
        let display = self.ctx.display_path(&file);
        let value = match self.ctx.file(&file, self.diags) {
            FileState::Loaded(v) => match get(v, &target.pointer) {
                Some(t) => Ok(t.clone()),
                None => Err(suggest(v, &target.pointer)),
            },
            FileState::Missing(msg) => {
                let msg = msg.clone();
                let message = format!(
                    "reference `{reference}` points into `{}`, which cannot be read: {msg}",
                    display.display()
                );
                self.unresolvable(site, kind, "dangling-ref", message, None);
                return;
            }
            FileState::Broken => return,
        };
        let value = match value {
            Ok(v) => v,
            Err(suggestion) => {
                let message = format!(
                    "reference `{reference}` points at nothing: `{}` has no `#{}`",
                    display.display(),
                    target.pointer
                );
                let help = suggestion.map(|s| format!("did you mean `#{s}`?"));
                self.unresolvable(site, kind, "dangling-ref", message, help);
                return;
            }
        };
        match section {
            Some(sec) => {
                let key = (file.clone(), target.pointer.clone(), sec);
                if self.adopt.remove(site) {
                    self.replace(doc, site, value, &file, &target.pointer);
                    self.work.push_back(Work {
                        ptr: site.to_string(),
                        kind,
                        base: file,
                        ancestry: Vec::new(),
                    });
                    return;
                }
                let name = match self.bundled.get(&key) {
                    Some(n) => n.clone(),
                    None => {
                        let Some(name) =
                            self.add_component(doc, sec, &file, &target.pointer, value)
                        else {
                            let d = Diagnostic::error(
                                "invalid-spec",
                                "`components` must be a mapping to bundle referenced files into it",
                            )
                            .at(self.ctx.sources.locate("/components"));
                            self.diags.push(d);
                            return;
                        };
                        self.bundled.insert(key, name.clone());
                        self.work.push_back(Work {
                            ptr: format!("/components/{sec}/{}", pointer::escape(&name)),
                            kind,
                            base: file.clone(),
                            ancestry: Vec::new(),
                        });
                        name
                    }
                };
                let new_ref = local_ref(&format!("/components/{sec}/{}", pointer::escape(&name)));
                self.set_ref(doc, site, new_ref);
            }
            None => self.inline(doc, w, site, kind, reference, &file, &target.pointer, value),
        }
    }

    /// A ref whose target is in the root document.
    fn root_target(
        &mut self,
        doc: &mut Value,
        w: &Work,
        site: &str,
        kind: Kind,
        reference: &str,
        pointer: &str,
    ) {
        let Some(value) = get(doc, pointer) else {
            // Spelled as written (a Swagger 2.0 root's refs were converted).
            let sources = &self.ctx.sources;
            let help = suggest(doc, pointer)
                .map(|s| format!("did you mean `#{}`?", sources.written_pointer(&s)));
            let message = match reference.strip_prefix('#') {
                Some(_) => format!(
                    "reference `#{}` points at nothing",
                    sources.written_pointer(pointer)
                ),
                None => format!("reference `{reference}` points at nothing"),
            };
            self.unresolvable(site, kind, "dangling-ref", message, help);
            return;
        };
        if kind.section().is_none() {
            // Follow a chain of local refs to its end first; a chain that
            // loops is left alone and reported once by `find_cycles`.
            let mut end = pointer.to_string();
            let mut seen = vec![site.to_string()];
            let mut current = value;
            for _ in 0..pointer::MAX_HOPS {
                let Some(next) = ref_of(current)
                    .and_then(|r| parse_ref(r).ok())
                    .filter(|t| t.file.is_none())
                else {
                    break;
                };
                if seen.contains(&end) {
                    return;
                }
                let Some(v) = get(doc, &next.pointer) else {
                    break;
                };
                seen.push(std::mem::replace(&mut end, next.pointer));
                current = v;
            }
            let value = current.clone();
            let root = self.ctx.root_norm.clone();
            self.inline(doc, w, site, kind, reference, &root, &end, value);
        } else if let Some(sec) = kind
            .section()
            .filter(|sec| !is_whole_component(pointer, sec))
        {
            // A ref into the inside of something (`#/components/schemas/A/properties/b`, a
            // schema inside an operation): the generator only names whole components, so the
            // target is copied into the section, as a bundled file's would be.
            let value = value.clone();
            let root = self.ctx.root_norm.clone();
            let key = (root.clone(), pointer.to_string(), sec);
            let name = match self.bundled.get(&key) {
                Some(n) => n.clone(),
                None => {
                    let Some(name) = self.add_component(doc, sec, &root, pointer, value) else {
                        return;
                    };
                    self.bundled.insert(key, name.clone());
                    self.work.push_back(Work {
                        ptr: format!("/components/{sec}/{}", pointer::escape(&name)),
                        kind,
                        base: root,
                        ancestry: Vec::new(),
                    });
                    name
                }
            };
            let new_ref = local_ref(&format!("/components/{sec}/{}", pointer::escape(&name)));
            self.set_ref(doc, site, new_ref);
        } else if w.base != self.ctx.root_norm {
            // Written in another file, pointing back into the root.
            self.set_ref(doc, site, local_ref(pointer));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn inline(
        &mut self,
        doc: &mut Value,
        w: &Work,
        site: &str,
        kind: Kind,
        reference: &str,
        file: &Path,
        pointer: &str,
        value: Value,
    ) {
        let same_doc_ancestor = file == self.ctx.root_norm
            && (site == pointer || site.starts_with(&format!("{pointer}/")) || pointer.is_empty());
        let looping = w.ancestry.iter().any(|(f, p)| f == file && p == pointer);
        if same_doc_ancestor || looping {
            let mut chain: Vec<String> = w
                .ancestry
                .iter()
                .map(|(f, p)| format!("{}#{p}", self.ctx.display_path(f).display()))
                .collect();
            chain.push(reference.to_string());
            self.diags.push(
                Diagnostic::error(
                    "ref-cycle",
                    format!(
                        "the {} reference `{reference}` includes itself: {}",
                        kind.noun(),
                        chain.join(" → ")
                    ),
                )
                .at(self.ref_location(site)),
            );
            return;
        }
        if self.inlines >= MAX_INLINES {
            self.budget_exceeded(site);
            return;
        }
        self.inlines += 1;
        self.replace(doc, site, value, file, pointer);
        let mut ancestry = w.ancestry.clone();
        ancestry.push((file.to_path_buf(), pointer.to_string()));
        self.work.push_back(Work {
            ptr: site.to_string(),
            kind,
            base: file.to_path_buf(),
            ancestry,
        });
    }

    /// Rewrites the ref object at `site` to point at `new_ref`.
    fn set_ref(&mut self, doc: &mut Value, site: &str, new_ref: String) {
        self.touched = true;
        if let Some(obj) = get_mut(doc, site).and_then(Value::as_object_mut) {
            obj.insert("$ref".into(), Value::String(new_ref));
        }
    }

    /// Puts `value` where the ref object at `site` was, keeping its
    /// `summary`/`description`.
    fn replace(
        &mut self,
        doc: &mut Value,
        site: &str,
        mut value: Value,
        file: &Path,
        pointer: &str,
    ) {
        self.touched = true;
        self.copied += count_nodes(&value);
        if self.copied > MAX_COPIED_NODES {
            self.budget_exceeded(site);
            return;
        }
        let Some(slot) = get_mut(doc, site) else {
            return;
        };
        if let (Some(old), Some(new)) = (slot.as_object(), value.as_object_mut()) {
            for key in ["summary", "description"] {
                if let Some(v) = old.get(key).filter(|v| v.is_string()) {
                    new.insert(key.to_string(), v.clone());
                }
            }
        }
        *slot = value;
        let display = self.ctx.display_path(file);
        self.ctx.sources.add_origin(site, &display, pointer);
    }

    fn budget_exceeded(&mut self, site: &str) {
        if !self.over_budget {
            self.over_budget = true;
            let d = Diagnostic::error(
                "too-large",
                "resolving references copies too much: the referenced files expand beyond what oagen accepts",
            )
            .at(self.ref_location(site));
            self.diags.push(d);
        }
    }

    /// Copies `value` into `#/components/<sec>/` under a fresh name.
    fn add_component(
        &mut self,
        doc: &mut Value,
        sec: &'static str,
        file: &Path,
        pointer: &str,
        value: Value,
    ) -> Option<String> {
        self.touched = true;
        self.copied += count_nodes(&value);
        if self.copied > MAX_COPIED_NODES {
            self.budget_exceeded(&format!("/components/{sec}"));
            return None;
        }
        let root = doc.as_object_mut()?;
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()?;
        let section = components
            .entry(sec)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()?;
        let base = component_name(file, pointer);
        let mut name = base.clone();
        let mut n = 2usize;
        while section.contains_key(&name)
            || self
                .adopt
                .contains(&format!("/components/{sec}/{}", pointer::escape(&name)))
        {
            name = format!("{base}{n}");
            n += 1;
        }
        section.insert(name.clone(), value);
        let display = self.ctx.display_path(file);
        self.ctx.sources.add_origin(
            &format!("/components/{sec}/{}", pointer::escape(&name)),
            &display,
            pointer,
        );
        Some(name)
    }
}

/// Whether a pointer names a whole entry of `#/components/<sec>/`.
fn is_whole_component(pointer: &str, sec: &str) -> bool {
    let tokens = pointer::tokens(pointer);
    tokens.len() == 3 && tokens[0] == "components" && tokens[1] == sec
}

fn section_kind(section: &str) -> Option<Kind> {
    Some(match section {
        "schemas" => Kind::Schema,
        "parameters" => Kind::Parameter,
        "requestBodies" => Kind::RequestBody,
        "responses" => Kind::Response,
        "headers" => Kind::Header,
        "examples" => Kind::Example,
        "links" => Kind::Link,
        "callbacks" => Kind::Callback,
        "securitySchemes" => Kind::SecurityScheme,
        _ => return None,
    })
}

/// The component name for a bundled target: the last pointer token, or the
/// file stem for a whole-file ref; characters outside `[A-Za-z0-9._-]`
/// become `_`.
pub fn component_name(file: &Path, pointer: &str) -> String {
    let raw = match pointer::tokens(pointer).pop() {
        Some(last) if !last.is_empty() => last,
        _ => file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let clean: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        "Bundled".to_string()
    } else {
        clean
    }
}

fn count_nodes(v: &Value) -> usize {
    let mut n = 0;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        n += 1;
        match v {
            Value::Array(a) => stack.extend(a.iter()),
            Value::Object(o) => stack.extend(o.values()),
            _ => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_refs() {
        assert_eq!(
            parse_ref("#/components/schemas/A%20B"),
            Ok(RefTarget {
                file: None,
                pointer: "/components/schemas/A B".into()
            })
        );
        assert_eq!(
            parse_ref("common.yaml#/x"),
            Ok(RefTarget {
                file: Some("common.yaml".into()),
                pointer: "/x".into()
            })
        );
        assert_eq!(
            parse_ref("./schemas/my%20pet.yaml"),
            Ok(RefTarget {
                file: Some("./schemas/my pet.yaml".into()),
                pointer: String::new()
            })
        );
        assert_eq!(
            parse_ref("https://example.com/a.yaml#/x"),
            Err(RefProblem::Remote)
        );
        assert_eq!(parse_ref("#foo"), Err(RefProblem::NotAPointer));
        assert_eq!(parse_ref(""), Err(RefProblem::Empty));
        assert!(parse_ref("C:/specs/a.yaml").is_ok());
    }

    #[test]
    fn names() {
        assert_eq!(component_name(Path::new("dir/pet.yaml"), ""), "pet");
        assert_eq!(
            component_name(Path::new("c.yaml"), "/components/schemas/Error"),
            "Error"
        );
        assert_eq!(component_name(Path::new("c.yaml"), "/a~1b c"), "a_b_c");
    }

    #[test]
    fn suggestions() {
        let doc = serde_json::json!({"components": {"schemas": {"Pet": {}, "Order": {}}}});
        assert_eq!(
            suggest(&doc, "/components/schemas/Pets"),
            Some("/components/schemas/Pet".into())
        );
        assert_eq!(suggest(&doc, "/components/schemas/Zzzzzz"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn locals_match_parse_ref() {
        for r in [
            "#/components/schemas/A",
            "#/a%20b",
            "#",
            "#foo",
            "#/x#y",
            "other.yaml#/x",
            "http://h/x#/y",
            "",
            "#%2Fa",
            "#/a%zz",
            "C:/x#/y",
        ] {
            let expect = parse_ref(r)
                .ok()
                .filter(|t| t.file.is_none())
                .map(|t| t.pointer);
            assert_eq!(pointer::local(r).map(Cow::into_owned), expect, "{r}");
        }
    }

    /// `find_cycles` as it was before it skipped the refs that cannot lead
    /// on: every ref, in walk order, kept in `settled`.
    fn find_cycles_reference(doc: &Value, ctx: &Ctx, diags: &mut Diagnostics) {
        let sites: Vec<String> = walk::walk(doc, "", Kind::Document)
            .into_iter()
            .filter(|n| doc.pointer(&n.ptr).and_then(ref_of).is_some())
            .map(|n| n.ptr)
            .collect();
        let mut settled: BTreeSet<String> = BTreeSet::new();
        for site in sites {
            if settled.contains(&site) {
                continue;
            }
            let mut chain: Vec<String> = vec![site.clone()];
            let mut cur = site;
            let mut cycle_start = None;
            for _ in 0..pointer::MAX_HOPS {
                let Some(next) = doc
                    .pointer(&cur)
                    .and_then(ref_of)
                    .and_then(|r| parse_ref(r).ok())
                    .filter(|t| t.file.is_none())
                    .map(|t| t.pointer)
                else {
                    break;
                };
                if doc.pointer(&next).and_then(ref_of).is_none() || settled.contains(&next) {
                    break;
                }
                if let Some(i) = chain.iter().position(|p| *p == next) {
                    cycle_start = Some(i);
                    break;
                }
                chain.push(next.clone());
                cur = next;
            }
            if let Some(start) = cycle_start {
                diags.push(cycle_error(&chain[start..], ctx));
            }
            settled.extend(chain);
        }
    }

    fn cycle_messages(doc: &Value, known: bool, reference: bool) -> Vec<String> {
        let ctx = Ctx::new(Path::new("t.yaml"));
        let mut diags = Diagnostics::new();
        if reference {
            find_cycles_reference(doc, &ctx, &mut diags);
        } else {
            let sites = known.then(|| {
                let mut sites = Vec::new();
                walk::visit(doc, "", Kind::Document, false, |ptr, _, _, v| {
                    if ref_of(v).is_some_and(|r| leads_on(doc, r)) {
                        sites.push(ptr.to_string());
                    }
                });
                sites
            });
            find_cycles(doc, &ctx, &mut diags, sites);
        }
        diags
            .iter()
            .map(|d| format!("{} {:?}", d, d.location))
            .collect()
    }

    mod random {
        use super::*;
        use proptest::prelude::*;

        /// A schema: a ref to another schema (whole, or inside it, or
        /// dangling), or an object whose property refers on.
        fn schema() -> impl Strategy<Value = Value> {
            let target = (0..6usize, 0..4usize).prop_map(|(n, how)| match how {
                0 | 1 => format!("#/components/schemas/S{n}"),
                2 => format!("#/components/schemas/S{n}/properties/p"),
                _ => format!("#/components/schemas/X{n}"),
            });
            (target, any::<bool>()).prop_map(|(t, plain)| {
                if plain {
                    serde_json::json!({"$ref": t})
                } else {
                    serde_json::json!({"type": "object", "properties": {"p": {"$ref": t}}})
                }
            })
        }

        proptest! {
            #[test]
            fn cycles_reported_as_before(
                schemas in proptest::collection::vec(schema(), 1..7),
                uses in proptest::collection::vec(schema(), 0..3),
            ) {
                let mut doc = serde_json::json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {}}});
                if let Some(map) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
                    for (i, s) in schemas.into_iter().enumerate() {
                        map.insert(format!("S{i}"), s);
                    }
                }
                if let Some(paths) = doc.pointer_mut("/paths").and_then(Value::as_object_mut) {
                    for (i, s) in uses.into_iter().enumerate() {
                        paths.insert(format!("/p{i}"), serde_json::json!({"get": {"responses": {"200": {
                            "description": "d", "content": {"application/json": {"schema": s}}}}}}));
                    }
                }
                let expect = cycle_messages(&doc, false, true);
                prop_assert_eq!(cycle_messages(&doc, false, false), expect.clone());
                prop_assert_eq!(cycle_messages(&doc, true, false), expect);
            }
        }
    }
}
