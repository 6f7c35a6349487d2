//! The tolerant loader: repairs for recoverable departures from the OpenAPI
//! spec, as people write specs by hand and as vendors publish them.
//!
//! Every repair is a warning with the same file, line and JSON pointer as an
//! error would have, and a `help` line that states the repair (`repaired:
//! ...`). `--strict` (warnings are errors) keeps them fatal. Nothing is
//! dropped without a diagnostic. Input that cannot be read at all (a parse
//! error, a root that is not a mapping, a Swagger 1.x document) stays an
//! error. The README's "Repairs" table lists every rule; each has a fixture
//! in `tests/fixtures/repair/`.
//!
//! Steps, in load order:
//!
//! 1. [`version`]: `openapi: 3`, `3.0`, `3.1`, `3.2` (as a number or a string)
//!    or a version without a patch number is read as 3.0.x / 3.1.x / 3.2.x; a
//!    later 3.x is read like 3.2 (`newer-version`); a document
//!    without `openapi` but with `paths` or `components` is read as 3.0.
//! 2. [`misplaced_refs`], before reference resolution: a `$ref` where the
//!    spec allows none (`info`, a description, a whole `components`
//!    section, `paths`, a `properties` or `content` map) is replaced by its
//!    target where it stands; a media type object that is a `$ref` to a
//!    schema becomes `schema: {$ref}`.
//! 3. Reference resolution ([`super::refs`]): a `$ref` that points at
//!    nothing or at another host makes that one schema a free-form value
//!    (`{}`), a parameter or example disappear, a response or request body
//!    untyped; all with a warning naming the reference.
//! 4. [`after_refs`], on the bundled document (3.0 shape): the structural
//!    repairs (nulls, parameters, responses, schemas, paths, strings written
//!    as numbers, undeclared path variables), listed at each function.

mod document;
mod operation;
mod refs;
mod schema;
mod triage;

use serde_json::{Map, Value};

use super::pointer::{self, get, get_mut};
use super::walk::{visit, Kind};
use super::SourceMap;
use crate::diag::{Diagnostic, Diagnostics};

pub(crate) use refs::misplaced_refs;

/// Emits one repair warning.
fn warn(
    sources: &SourceMap,
    diags: &mut Diagnostics,
    code: &'static str,
    ptr: &str,
    message: String,
    repair: impl AsRef<str>,
) {
    diags.push(
        Diagnostic::warning(code, message)
            .at(sources.locate(ptr))
            .with_help(format!("repaired: {}", repair.as_ref())),
    );
}

// ------------------------------------------------------------------ version

/// Reads the `openapi` field tolerantly. Returns the version to load the
/// document as (`3.0.x` / `3.1.x` / `3.2.x`, written back into the document
/// when it was repaired; a later `3.x` is returned as written and read like
/// 3.2), or `None` when the field is not a 3.x version at all (the caller
/// reports that as before).
pub(crate) fn version(
    doc: &mut Value,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<String> {
    let obj = doc.as_object_mut()?;
    let Some(v) = obj.get("openapi") else {
        if obj.contains_key("swagger")
            || !(obj.contains_key("paths") || obj.contains_key("components"))
        {
            return None;
        }
        warn(
            sources,
            diags,
            "missing-version",
            "",
            "the document has no `openapi` field".into(),
            "read as OpenAPI 3.0.3 (it has `paths` or `components`)",
        );
        obj.insert("openapi".into(), Value::String("3.0.3".into()));
        return Some("3.0.3".into());
    };
    let written = match v {
        Value::String(s) => s.trim().to_string(),
        // `openapi: 3.0` in YAML is the number 3.0: read it as written.
        Value::Number(_) => sources
            .raw_scalar("/openapi")
            .unwrap_or_else(|| v.to_string()),
        _ => return None,
    };
    let mut parts = written.split('.');
    let major = parts.next();
    let minor = parts.next();
    let patch = parts.next();
    let full = |m: &str| match patch {
        Some(p)
            if p.chars().next().is_some_and(|c| c.is_ascii_digit())
                && parts.clone().next().is_none() =>
        {
            format!("3.{m}.{p}")
        }
        _ => format!("3.{m}.0"),
    };
    let version = match (major, minor) {
        (Some("3"), None) => "3.0.0".to_string(),
        (Some("3"), Some(m @ ("0" | "1" | "2"))) => full(m),
        // A later 3.x: read with 3.2's rules (3.x minor versions only add to 3.x).
        (Some("3"), Some(m)) if m.parse::<u32>().is_ok_and(|n| n > 2) => {
            let v = full(m);
            warn(
                sources,
                diags,
                "newer-version",
                "/openapi",
                format!(
                    "OpenAPI {v} is newer than the 3.0, 3.1 and 3.2 this version of oagen reads"
                ),
                "read as 3.2; constructs new after 3.2 are not read",
            );
            return Some(v);
        }
        _ => return None,
    };
    if v.as_str() != Some(version.as_str()) {
        warn(
            sources,
            diags,
            "short-version",
            "/openapi",
            format!("`openapi: {written}` is not a full OpenAPI version"),
            format!("read as `{version}`"),
        );
        obj.insert("openapi".into(), Value::String(version.clone()));
    }
    Some(version)
}

// --------------------------------------------------------------- after refs

/// Step 4 of the module docs: every structural repair on the bundled
/// document, innermost first.
pub(crate) fn after_refs(
    doc: &mut Value,
    is_31: bool,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) {
    after_refs_with(doc, is_31, sources, diags, true);
}

/// [`after_refs`]; with `triage` off, every node is looked at (the tests compare the two).
fn after_refs_with(
    doc: &mut Value,
    is_31: bool,
    sources: &SourceMap,
    diags: &mut Diagnostics,
    triage: bool,
) {
    let mut r = Repairer {
        sources,
        diags,
        is_31,
    };
    r.document(doc);
    r.paths(doc);
    // `parameters` written as a map: the walk below must see a list.
    let mut maps = Vec::new();
    visit(doc, "", Kind::Document, false, |ptr, kind, _, v| {
        if matches!(kind, Kind::PathItem | Kind::Operation)
            && v.get("parameters").is_some_and(Value::is_object)
        {
            maps.push(ptr.to_string());
        }
    });
    for ptr in maps.iter().rev() {
        r.parameter_map(doc, ptr);
    }
    // The nodes to look at, in pre-order (a node before its descendants).
    let mut nodes: Vec<(String, Kind)> = Vec::new();
    visit(doc, "", Kind::Document, false, |ptr, kind, _, v| {
        if !triage || triage::suspicious(kind, v, is_31) {
            nodes.push((ptr.to_string(), kind));
        }
    });
    // Innermost first, so a repair never moves a node still to be visited.
    for (ptr, kind) in nodes.iter().rev() {
        let (ptr, kind) = (ptr.as_str(), *kind);
        if get(doc, ptr).is_some_and(Value::is_null) {
            r.null_node(doc, ptr, kind);
            continue;
        }
        if get(doc, ptr)
            .and_then(Value::as_object)
            .is_some_and(|o| o.contains_key("$ref"))
            && kind != Kind::Schema
        {
            continue;
        }
        r.nulls(doc, ptr, kind);
        match kind {
            Kind::Operation => r.operation(doc, ptr),
            Kind::PathItem => r.strings(doc, ptr, &["summary", "description"]),
            Kind::Parameter => r.parameter(doc, ptr),
            Kind::Response => r.response(doc, ptr),
            Kind::Header => r.header(doc, ptr),
            Kind::RequestBody => r.request_body(doc, ptr),
            Kind::MediaType => r.media_type(doc, ptr),
            Kind::Schema => r.schema(doc, ptr),
            Kind::SecurityScheme => r.security_scheme(doc, ptr),
            Kind::Example => r.example(doc, ptr),
            Kind::Link => r.link(doc, ptr),
            Kind::Callback => r.callback(doc, ptr),
            _ => {}
        }
        r.bools(doc, ptr, kind);
    }
    r.path_params(doc);
    r.security(doc);
    r.big_integers(doc);
}

struct Repairer<'a> {
    sources: &'a SourceMap,
    diags: &'a mut Diagnostics,
    is_31: bool,
}

/// Keys of a node that may legitimately hold `null` (free-form data).
fn null_ok(key: &str) -> bool {
    key.starts_with("x-") || matches!(key, "default" | "example" | "const" | "value" | "enum")
}

impl Repairer<'_> {
    /// Integers written beyond the 64-bit range were read as the nearest
    /// float by the parser (rather than failing the file): say so.
    fn big_integers(&mut self, doc: &Value) {
        const LIMIT: f64 = 9.2e18;
        // Nearly no spec has one: look without building pointers first.
        let mut any = false;
        let mut scan: Vec<&Value> = vec![doc];
        while let Some(v) = scan.pop() {
            match v {
                Value::Number(n) if n.is_f64() && n.as_f64().is_some_and(|f| f.abs() >= LIMIT) => {
                    any = true;
                    break;
                }
                Value::Object(o) => scan.extend(o.values()),
                Value::Array(a) => scan.extend(a.iter()),
                _ => {}
            }
        }
        if !any {
            return;
        }
        let mut found = Vec::new();
        let mut stack: Vec<(String, &Value)> = vec![(String::new(), doc)];
        while let Some((ptr, v)) = stack.pop() {
            match v {
                Value::Number(n) if n.is_f64() && n.as_f64().is_some_and(|f| f.abs() >= LIMIT) => {
                    found.push(ptr);
                }
                Value::Object(o) => {
                    for (k, c) in o {
                        if matches!(c, Value::Object(_) | Value::Array(_) | Value::Number(_)) {
                            let mut p = ptr.clone();
                            pointer::push_token(&mut p, k);
                            stack.push((p, c));
                        }
                    }
                }
                Value::Array(a) => {
                    for (i, c) in a.iter().enumerate() {
                        if matches!(c, Value::Object(_) | Value::Array(_) | Value::Number(_)) {
                            stack.push((format!("{ptr}/{i}"), c));
                        }
                    }
                }
                _ => {}
            }
        }
        found.sort();
        for ptr in found {
            let Some(raw) = self.sources.raw_scalar(&ptr) else {
                continue;
            };
            if raw.contains(['.', 'e', 'E']) {
                continue;
            }
            self.warn(
                "integer-out-of-range",
                &ptr,
                format!("the integer {raw} is beyond the 64-bit range"),
                "read as the nearest floating-point number",
            );
        }
    }

    pub(super) fn warn(
        &mut self,
        code: &'static str,
        ptr: &str,
        message: String,
        repair: impl AsRef<str>,
    ) {
        warn(self.sources, self.diags, code, ptr, message, repair);
    }

    /// A node that is `null` (`application/json:` with nothing after it).
    pub(super) fn null_node(&mut self, doc: &mut Value, ptr: &str, kind: Kind) {
        let (replacement, repair) = match kind {
            Kind::MediaType => (
                Value::Object(Map::new()),
                "read as a media type without a schema (an untyped body)",
            ),
            Kind::Schema => (Value::Object(Map::new()), "read as `{}`: any value"),
            Kind::Response => (
                serde_json::json!({"description": ""}),
                "read as a response without a body",
            ),
            Kind::PathItem | Kind::Operation | Kind::Components | Kind::Paths | Kind::Callback => {
                (Value::Object(Map::new()), "read as empty")
            }
            _ => {
                self.remove(doc, ptr);
                let noun = kind.noun();
                self.warn(
                    "null-value",
                    ptr,
                    format!("this {noun} is empty (`null`)"),
                    format!("the {noun} is left out"),
                );
                return;
            }
        };
        if let Some(slot) = get_mut(doc, ptr) {
            *slot = replacement;
        }
        let code = if kind == Kind::MediaType {
            "null-media-type"
        } else {
            "null-value"
        };
        self.warn(
            code,
            ptr,
            format!("this {} is empty (`null`)", kind.noun()),
            repair,
        );
    }

    /// Removes the node at `ptr` from its parent (a map entry or an array
    /// element).
    pub(super) fn remove(&mut self, doc: &mut Value, ptr: &str) {
        let Some(i) = ptr.rfind('/') else { return };
        let token = pointer::unescape(&ptr[i + 1..]);
        match get_mut(doc, &ptr[..i]) {
            Some(Value::Object(o)) => {
                o.shift_remove(token.as_ref());
            }
            Some(Value::Array(a)) => {
                if let Ok(n) = token.parse::<usize>() {
                    if n < a.len() {
                        a.remove(n);
                    }
                }
            }
            _ => {}
        }
    }

    /// Keys of a structural node that are `null` where the spec wants an
    /// object, a list or a string: left out (a YAML key with nothing after
    /// it means "none").
    pub(super) fn nulls(&mut self, doc: &mut Value, ptr: &str, kind: Kind) {
        let Some(obj) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        let keys: Vec<String> = obj
            .iter()
            .filter(|(k, v)| v.is_null() && !null_ok(k))
            .map(|(k, _)| k.clone())
            .collect();
        for key in keys {
            obj.shift_remove(&key);
            if kind == Kind::Operation && key == "responses" {
                // Reported as `missing-responses` when the operation is repaired.
                continue;
            }
            let mut p = ptr.to_string();
            pointer::push_token(&mut p, &key);
            let what = if kind == Kind::Operation && key == "responses" {
                "no responses are declared"
            } else {
                "the key is left out"
            };
            warn(
                self.sources,
                self.diags,
                "null-value",
                &p,
                format!("`{key}` of this {} is empty (`null`)", kind.noun()),
                what,
            );
        }
    }

    /// Number or boolean values of string fields become the string they
    /// were written as.
    pub(super) fn strings(&mut self, doc: &mut Value, ptr: &str, keys: &[&str]) {
        for key in keys {
            let mut p = ptr.to_string();
            pointer::push_token(&mut p, key);
            self.string_at(doc, &p);
        }
    }

    pub(super) fn string_at(&mut self, doc: &mut Value, ptr: &str) {
        let Some(slot) = get_mut(doc, ptr) else {
            return;
        };
        if !(slot.is_number() || slot.is_boolean()) {
            return;
        }
        let text = match &*slot {
            Value::Number(n) => self
                .sources
                .raw_scalar(ptr)
                .unwrap_or_else(|| n.to_string()),
            other => other.to_string(),
        };
        *slot = Value::String(text.clone());
        let mut tokens = pointer::tokens(ptr);
        let mut key = tokens.pop().unwrap_or_default();
        if key.parse::<usize>().is_ok() {
            key = format!("{} item", tokens.pop().unwrap_or_default());
        }
        self.warn(
            "number-as-string",
            ptr,
            format!("`{key}` must be a string, found the number or boolean {text}"),
            format!("read as the string \"{text}\""),
        );
    }

    /// Each string element of the array at `ptr`.
    pub(super) fn string_items(&mut self, doc: &mut Value, ptr: &str) {
        let n = get(doc, ptr).and_then(Value::as_array).map_or(0, Vec::len);
        for i in 0..n {
            self.string_at(doc, &format!("{ptr}/{i}"));
        }
    }

    /// A single string where a list of strings belongs (`tags: pets`).
    pub(super) fn list_at(&mut self, doc: &mut Value, ptr: &str) {
        let Some(slot) = get_mut(doc, ptr) else {
            return;
        };
        if matches!(slot, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
            let one = std::mem::take(slot);
            *slot = Value::Array(vec![one]);
            let key = pointer::tokens(ptr).pop().unwrap_or_default();
            self.warn(
                "scalar-as-list",
                ptr,
                format!("`{key}` must be a list, found a single value"),
                "read as a list of that one value",
            );
        }
        self.string_items(doc, ptr);
    }

    /// `"true"` / `"false"` written as strings where a boolean belongs.
    pub(super) fn bools(&mut self, doc: &mut Value, ptr: &str, kind: Kind) {
        let keys: &[&str] = match kind {
            Kind::Schema => &[
                "nullable",
                "readOnly",
                "writeOnly",
                "deprecated",
                "uniqueItems",
            ],
            Kind::Parameter => &[
                "required",
                "deprecated",
                "allowEmptyValue",
                "explode",
                "allowReserved",
            ],
            Kind::Header => &["required", "deprecated", "explode"],
            Kind::RequestBody => &["required"],
            Kind::Operation => &["deprecated"],
            Kind::Encoding => &["explode", "allowReserved"],
            _ => return,
        };
        for key in keys {
            let mut p = ptr.to_string();
            pointer::push_token(&mut p, key);
            let Some(slot) = get_mut(doc, &p) else {
                continue;
            };
            let b = match &*slot {
                Value::String(t) if t.eq_ignore_ascii_case("true") => true,
                Value::String(t) if t.eq_ignore_ascii_case("false") => false,
                Value::Number(n) if n.as_u64() == Some(1) => true,
                Value::Number(n) if n.as_u64() == Some(0) => false,
                _ => continue,
            };
            let written = slot.to_string();
            *slot = Value::Bool(b);
            self.warn(
                "string-as-boolean",
                &p,
                format!("`{key}` must be a boolean, found {written}"),
                format!("read as `{b}`"),
            );
        }
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The `{name}` variables of a path template, in order, once each.
pub(crate) fn template_vars(path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
        rest = &rest[start + len + 1..];
    }
    out
}
