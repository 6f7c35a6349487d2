//! The other files a Swagger 2.0 root refers to, copied into it before it is
//! converted, so the conversion sees one document.
//!
//! A `$ref` to another file (`common.yaml#/definitions/Error`,
//! `pet.yaml`) is resolved relative to the file it is written in. The target
//! is copied into the root's 2.0 section matching the place of the ref
//! (an operation or path item parameter → `parameters`, an operation
//! response → `responses`, anything else → `definitions`), named as 3.0
//! bundling names it ([`component_name`]), with a numeric suffix when the
//! name is taken; the ref becomes local. A root entry that is nothing but a
//! ref (`definitions: {Pet: {$ref: pet.yaml}}`) and a path item ref are
//! replaced by their target. Refs inside a copy are resolved relative to its
//! own file, in turn; one target is copied once. Local refs of the root
//! and URLs are left to the 3.0 steps (which report what cannot be
//! followed). Each copy is recorded (`add_converted_origin`), so diagnostics
//! name the file it came from.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::super::pointer::{self, get, get_mut};
use super::super::refs::{component_name, parse_ref, RefTarget};
use super::super::{normalize_path, Ctx, FileState};
use crate::diag::{Diagnostic, Diagnostics};

/// The sections of a 2.0 document things are copied into.
const SECTIONS: [&str; 3] = ["definitions", "parameters", "responses"];

/// At most this many targets are copied.
const MAX_COPIES: usize = 20_000;

/// Copies the targets of refs to other files into the Swagger 2.0 root `doc`.
pub(crate) fn bundle(doc: &mut Value, ctx: &mut Ctx, diags: &mut Diagnostics) {
    let root = ctx.root_norm.clone();
    let mut work: VecDeque<(String, PathBuf)> = VecDeque::new();
    work.push_back((String::new(), root.clone()));
    let mut copied: BTreeMap<(PathBuf, String, &'static str), String> = BTreeMap::new();
    // Root entries that are a ref to another file take its place: other
    // refs to the same target use them.
    for section in SECTIONS {
        let Some(entries) = doc.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (name, v) in entries {
            let target = pointer::ref_of(v).and_then(|r| parse_ref(r).ok());
            if let Some(RefTarget {
                file: Some(f),
                pointer,
            }) = target
            {
                let file = normalize_path(&root.parent().unwrap_or(Path::new("")).join(f));
                copied
                    .entry((file, pointer, section))
                    .or_insert_with(|| name.clone());
            }
        }
    }
    let mut copies = 0usize;
    // The targets each in-place site was replaced by, to stop a loop of refs.
    let mut chains: BTreeMap<String, BTreeSet<(PathBuf, String)>> = BTreeMap::new();
    while let Some((at, base)) = work.pop_front() {
        let Some(sub) = get(doc, &at) else {
            continue;
        };
        for (site, reference) in ref_sites(sub, &at) {
            let Ok(target) = parse_ref(&reference) else {
                continue;
            };
            let file = match &target.file {
                None if base == root => continue,
                None => base.clone(),
                Some(f) => normalize_path(&base.parent().unwrap_or(Path::new("")).join(f)),
            };
            if file == root {
                // Back into the root: a local ref.
                set_ref(
                    doc,
                    &site,
                    &format!("#{}", target.pointer.replace('%', "%25")),
                );
                continue;
            }
            let display = ctx.display_path(&file);
            let value = match ctx.file(&file, diags) {
                FileState::Loaded(v) => get(v, &target.pointer).cloned(),
                FileState::Missing(msg) => {
                    let message = format!(
                        "reference `{reference}` points into `{}`, which cannot be read: {msg}",
                        display.display()
                    );
                    dangling(doc, ctx, diags, &site, message);
                    continue;
                }
                FileState::Broken => {
                    set_value(doc, &site, Value::Object(Map::new()));
                    continue;
                }
            };
            let Some(value) = value else {
                let message = format!(
                    "reference `{reference}` points at nothing: `{}` has no `#{}`",
                    display.display(),
                    target.pointer
                );
                dangling(doc, ctx, diags, &site, message);
                continue;
            };
            copies += 1;
            if copies > MAX_COPIES {
                diags.push(
                    Diagnostic::error(
                        "too-large",
                        format!("more than {MAX_COPIES} parts of other files are referred to"),
                    )
                    .at(ctx.sources.locate_written(&site)),
                );
                return;
            }
            let tokens = pointer::tokens(&site);
            let in_place = matches!(
                tokens
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .as_slice(),
                ["definitions" | "parameters" | "responses", _] | ["paths", _]
            );
            if in_place {
                // A root entry or path item that is a ref to a ref ... to itself.
                let seen = chains.entry(site.clone()).or_default();
                if !seen.insert((file.clone(), target.pointer.clone())) {
                    let message =
                        format!("reference `{reference}` leads back to itself through refs only");
                    diags.push(
                        Diagnostic::error("ref-cycle", message)
                            .at(ctx.sources.locate_written(&site)),
                    );
                    set_value(doc, &site, Value::Object(Map::new()));
                    continue;
                }
                set_value(doc, &site, value);
                ctx.sources
                    .add_converted_origin(&site, &display, &target.pointer);
                work.push_back((site, file));
                continue;
            }
            let section = section_of(&tokens);
            let key = (file.clone(), target.pointer.clone(), section);
            let name = match copied.get(&key) {
                Some(name) => name.clone(),
                None => {
                    let Some(name) = insert(doc, section, &file, &target.pointer, value) else {
                        continue;
                    };
                    let ptr = format!("/{section}/{}", pointer::escape(&name));
                    ctx.sources
                        .add_converted_origin(&ptr, &display, &target.pointer);
                    work.push_back((ptr, file.clone()));
                    copied.insert(key, name.clone());
                    name
                }
            };
            let local = format!("/{section}/{}", pointer::escape(&name));
            set_ref(doc, &site, &format!("#{}", local.replace('%', "%25")));
        }
    }
}

/// The 2.0 section a ref at `site` (tokens) is copied to.
fn section_of(tokens: &[String]) -> &'static str {
    let t: Vec<&str> = tokens.iter().map(String::as_str).collect();
    match t.as_slice() {
        ["paths", _, "parameters", _] | ["paths", _, _, "parameters", _] => "parameters",
        ["paths", _, _, "responses", _] => "responses",
        _ => "definitions",
    }
}

/// Puts `value` under a free name of `section`; the name.
fn insert(
    doc: &mut Value,
    section: &'static str,
    file: &Path,
    target: &str,
    value: Value,
) -> Option<String> {
    let map = doc
        .as_object_mut()?
        .entry(section)
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()?;
    let base = component_name(file, target);
    let mut name = base.clone();
    let mut n = 2usize;
    while map.contains_key(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    map.insert(name.clone(), value);
    Some(name)
}

fn dangling(doc: &mut Value, ctx: &Ctx, diags: &mut Diagnostics, site: &str, message: String) {
    diags.push(Diagnostic::error("dangling-ref", message).at(ctx.sources.locate_written(site)));
    set_value(doc, site, Value::Object(Map::new()));
}

fn set_value(doc: &mut Value, site: &str, value: Value) {
    if let Some(v) = get_mut(doc, site) {
        *v = value;
    }
}

fn set_ref(doc: &mut Value, site: &str, reference: &str) {
    if let Some(Value::Object(obj)) = get_mut(doc, site) {
        obj.insert("$ref".into(), Value::String(reference.to_string()));
    }
}

/// Keys whose values are data, not spec objects (their refs are not
/// followed), unless they name an entry of a map of objects.
const DATA_KEYS: [&str; 4] = ["example", "examples", "enum", "default"];
/// Keys whose values map names to objects.
const MAPS: [&str; 6] = [
    "properties",
    "definitions",
    "parameters",
    "responses",
    "paths",
    "headers",
];

/// Every object with a string `$ref` in `v` (at pointer `at`): its pointer
/// and the ref. Without recursion.
fn ref_sites(v: &Value, at: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // (value, pointer, whether its keys are names of entries)
    let mut stack: Vec<(&Value, String, bool)> = vec![(v, at.to_string(), false)];
    while let Some((v, ptr, is_map)) = stack.pop() {
        match v {
            Value::Object(obj) => {
                if let Some(Value::String(r)) = obj.get("$ref") {
                    out.push((ptr.clone(), r.clone()));
                }
                for (k, c) in obj {
                    if !is_map && (k.starts_with("x-") || DATA_KEYS.contains(&k.as_str())) {
                        continue;
                    }
                    if c.is_object() || c.is_array() {
                        let child_is_map = !is_map && MAPS.contains(&k.as_str());
                        stack.push((c, pointer::join(&ptr, k), child_is_map));
                    }
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    stack.push((c, format!("{ptr}/{i}"), false));
                }
            }
            _ => {}
        }
    }
    out.reverse();
    out
}
