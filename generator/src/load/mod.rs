//! The load stage: read a spec (YAML or JSON, one file or several), check
//! its version, resolve and bundle `$ref`s, normalize OpenAPI 3.1 to the 3.0
//! model, and deserialize it into [`openapiv3::OpenAPI`].
//!
//! Steps, in order (all problems of the stage are collected, not just the
//! first):
//!
//! 1. [`parse`]: the root file becomes a `serde_json::Value`; the text of
//!    every file read is kept, so that a JSON pointer can be mapped to a
//!    line/column (best effort; worked out on the first lookup in a file).
//! 2. Version check: a missing `openapi` field, or any version other than
//!    3.0.x / 3.1.x / 3.2.x (or Swagger 2.0) is an error. A Swagger 2.0 root is
//!    converted to 3.0 here, the files it refers to bundled first
//!    ([`swagger2`]); its diagnostics name the file as written.
//! 3. [`refs`]: `$ref`s to other files are loaded and bundled into the root
//!    document's `components` (path items are inlined); local refs must
//!    resolve; chains of refs that only point at refs and loop are errors.
//! 4. [`v32`]: what a 3.2 document says that the 3.0 model cannot hold is read
//!    or marked (rules listed there); [`v31`]: a 3.1 or 3.2 document is rewritten
//!    into the 3.0 shape (rules listed there); fix-ups for every version are
//!    listed at [`fixups`].
//! 5. Deserialization into `openapiv3::OpenAPI` (piece by piece on two
//!    threads, see the private `model` module); on failure every failing piece is reported
//!    with its pointer and position.
//!
//! Nothing here panics on any input: no recursion follows the document's
//! nesting except serde's own (bounded by the parsers' depth limits and run
//! on a thread with a large stack), and every lookup into the document is
//! checked.

mod ctx;
mod deserialize;
mod model;
pub mod parse;
pub mod pointer;
pub mod refs;
mod repair;
mod source;
pub mod streams;
mod swagger2;
pub mod v31;
pub mod v32;
mod walk;
pub mod webhooks;
mod yaml;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Location};
use parse::{Format, Positions};
use walk::Kind;

pub(crate) use ctx::{normalize_path, Ctx, FileState};
use deserialize::*;
pub use source::SourceMap;

/// A loaded, bundled and normalized spec.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The 3.0 model: external refs bundled into local `#/components/...`,
    /// path item refs inlined, 3.1 normalized.
    pub openapi: openapiv3::OpenAPI,
    /// The same bundled and normalized document as JSON (for `x-oagen-*`
    /// extensions and other raw bits the model drops).
    pub document: Value,
    /// The `openapi` field as written, e.g. `"3.1.0"`.
    pub source_version: String,
    /// The path given to [`load`] / [`load_str`].
    pub root: PathBuf,
    /// Every file read: the root first, then the others sorted (for
    /// `cargo:rerun-if-changed`).
    pub files: Vec<PathBuf>,
    /// Where each part of `document` came from.
    pub sources: SourceMap,
    /// The `webhooks` section (which the 3.0 model has no place for) and the validated
    /// `x-oagen-webhook-signature`s; callbacks are in [`LoadedSpec::openapi`].
    pub webhooks: webhooks::Webhooks,
    /// The operations of OpenAPI 3.2 that the 3.0 model has no field for (`query`,
    /// `additionalOperations`), in document order.
    pub extra_operations: Vec<v32::ExtraOperation>,
    /// The item schemas of the sequential media types (`text/event-stream`, JSON Lines,
    /// JSON text sequences), by the media type's pointer: `itemSchema` (3.2), which the
    /// 3.0 model drops, or the rule for `schema` (see [`streams`]).
    pub streams: std::collections::BTreeMap<String, streams::StreamShape>,
}

impl LoadedSpec {
    /// Maps a pointer into [`LoadedSpec::document`] (e.g.
    /// `"/paths/~1pets/get/responses/200"`) back to the file it came from, the
    /// pointer inside that file, and the line/column of the nearest ancestor
    /// whose position is known. Bundled external components map back to
    /// their own file.
    pub fn locate(&self, pointer: &str) -> Location {
        self.sources.locate(pointer)
    }

    /// Where a pointer that may pass through `$ref`s really leads (see [`pointer::real`]),
    /// and that place's file and line.
    pub fn place(&self, pointer: &str) -> (String, Location) {
        let real = pointer::real(&self.document, pointer);
        let loc = self.locate(&real);
        (real, loc)
    }
}

/// Loads the spec at `path` (and every file it refers to). Returns `None`
/// when no usable document could be built (unreadable or unparsable file,
/// unsupported version, a document the OpenAPI model rejects); after
/// recoverable errors (dangling or remote refs, ref cycles) it still returns
/// the document so later stages can report their problems in the same run:
/// the caller must check [`Diagnostics::has_errors`].
pub fn load(path: &Path, diags: &mut Diagnostics) -> Option<LoadedSpec> {
    match std::fs::read_to_string(path) {
        Ok(text) => load_text(Cow::Owned(text), path, diags),
        Err(e) => {
            diags.push(
                Diagnostic::error("read-error", format!("cannot read {}: {e}", path.display()))
                    .at(Location::new(path, "")),
            );
            None
        }
    }
}

/// Loads a spec whose root document is `text`; `path` names it in
/// diagnostics and is the base for refs to other files. Returns `None` in
/// the same cases as [`load`].
pub fn load_str(text: &str, path: &Path, diags: &mut Diagnostics) -> Option<LoadedSpec> {
    load_text(Cow::Borrowed(text), path, diags)
}

/// [`load_str`] for text that may be owned (then kept without a copy).
fn load_text(text: Cow<'_, str>, path: &Path, diags: &mut Diagnostics) -> Option<LoadedSpec> {
    let mut ctx = Ctx::new(path);
    diags.add_source(path, text.to_string());
    let format = Format::detect(path, &text);
    let mut doc = match crate::timings::time("load/parse", || parse::parse(&text, format)) {
        Ok(v) => v,
        Err(e) => {
            diags.push(parse_error(path, format, &e));
            return None;
        }
    };
    if let Err(d) = check_size(&doc, path) {
        diags.push(*d);
        return None;
    }
    // Only for text that parsed: the parsers bound nesting, which keeps
    // the position scan linear.
    crate::timings::time("load/positions", || {
        ctx.sources.add_file(path, text, format)
    });
    let source_version = if swagger2::is_swagger(&doc) {
        if !swagger2::check_version(&doc, &ctx.sources, diags) {
            return None;
        }
        crate::timings::time("load/swagger2", || {
            swagger2::bundle(&mut doc, &mut ctx, diags);
            swagger2::convert(&mut doc, &mut ctx, diags);
        });
        "2.0".to_string()
    } else {
        match repair::version(&mut doc, &ctx.sources, diags) {
            Some(v) => v,
            None => check_version(&doc, &ctx.sources, diags)?,
        }
    };
    // 3.2's schemas are 3.1's: a 3.2 document goes through the 3.1 rules too.
    let is_32 = v32::is_32(&source_version);
    let is_31 = source_version.starts_with("3.1") || is_32;

    crate::timings::time("load/misplaced-refs", || {
        repair::misplaced_refs(&mut doc, &mut ctx, diags)
    });
    crate::timings::time("load/refs", || refs::resolve(&mut doc, &mut ctx, diags));
    if is_32 {
        v32::normalize(&mut doc, &ctx.sources, diags);
    }
    if is_31 {
        v31::normalize(&mut doc, &ctx.sources, diags);
    }
    crate::timings::time("load/repair", || {
        repair::after_refs(&mut doc, is_31, &ctx.sources, diags)
    });
    fixups(&mut doc);

    let depth = crate::timings::time("load/depth", || max_depth(&doc));
    if depth > MAX_DEPTH {
        diags.push(
            Diagnostic::error(
                "too-deep",
                format!(
                    "the document nests {depth} levels deep; at most {MAX_DEPTH} are supported"
                ),
            )
            .at(ctx.sources.locate("")),
        );
        return None;
    }

    // Reference errors leave a document the later stages can still read, so that all the
    // problems of a spec (duplicate ids, undeclared parameters, ...) are reported in one run;
    // the caller must check `diags.has_errors()`.
    let openapi = crate::timings::time("load/deserialize", || {
        deserialize(&doc, &ctx.sources, diags)
    })?;
    let webhooks = crate::timings::time("load/webhooks", || {
        webhooks::read(&doc, &ctx.sources, diags)
    });
    let extra_operations = crate::timings::time("load/extra-operations", || {
        v32::extra_operations(&doc, is_32, &ctx.sources, diags)
    });
    if is_32 {
        v32::restore(&mut doc);
    }
    ctx.sources.index_ahead(path);
    let mut files = vec![path.to_path_buf()];
    let mut others: Vec<PathBuf> = ctx
        .loaded_files()
        .into_iter()
        .filter(|f| f != path)
        .collect();
    others.sort();
    others.dedup();
    files.extend(others);
    let streams = crate::timings::time("load/streams", || streams::read(&doc));
    Some(LoadedSpec {
        openapi,
        streams,
        document: doc,
        source_version,
        root: path.to_path_buf(),
        files,
        sources: ctx.sources,
        webhooks,
        extra_operations,
    })
}

/// Deepest nesting accepted before deserializing (the parsers stop at 128;
/// bundling and 3.1 normalization can add some).
const MAX_DEPTH: usize = 400;

/// Stack for the serde deserialization of the whole document. The
/// `openapiv3` model buffers flattened and untagged content, so each level
/// of nesting costs tens of kilobytes of stack in debug builds: about 12 MiB
/// at [`MAX_DEPTH`]; this leaves a wide margin.
const DESERIALIZE_STACK: usize = 64 * 1024 * 1024;

/// Nesting that is safe to deserialize on the caller's stack, should a
/// thread with a large stack not be available.
const SMALL_STACK_DEPTH: usize = 40;

fn parse_error(path: &Path, format: Format, e: &parse::ParseError) -> Diagnostic {
    let what = match format {
        Format::Json => "invalid JSON",
        Format::Yaml => "invalid YAML",
    };
    let mut loc = Location::new(path, "");
    if let (Some(l), Some(c)) = (e.line, e.column) {
        loc = loc.with_position(l, c);
    }
    Diagnostic::error("parse-error", format!("{what}: {}", e.message)).at(loc)
}

/// Checks the `openapi` / `swagger` field; returns the version as written.
fn check_version(doc: &Value, sources: &SourceMap, diags: &mut Diagnostics) -> Option<String> {
    let Some(obj) = doc.as_object() else {
        let found = json_type(doc);
        diags.push(
            Diagnostic::error(
                "invalid-spec",
                format!("the document must be a mapping with an `openapi` field, found {found}"),
            )
            .at(sources.locate("")),
        );
        return None;
    };
    let Some(v) = obj.get("openapi") else {
        diags.push(
            Diagnostic::error("missing-version", "the document has no `openapi` field")
                .at(sources.locate(""))
                .with_help("an OpenAPI 3.x document starts with e.g. `openapi: 3.1.1`"),
        );
        return None;
    };
    let version = scalar_text(v);
    let ok = v.is_string() && {
        let mut parts = version.splitn(3, '.');
        let major = parts.next();
        let minor = parts.next();
        let patch = parts.next().unwrap_or("");
        major == Some("3")
            && matches!(minor, Some("0" | "1" | "2"))
            && patch.chars().next().is_some_and(|c| c.is_ascii_digit())
    };
    if !ok {
        let mut d = Diagnostic::error(
            "unsupported-version",
            format!("OpenAPI version `{version}` is not supported; expected 3.0.x, 3.1.x or 3.2.x"),
        )
        .at(sources.locate("/openapi"));
        if v.is_number() {
            d = d.with_help(format!(
                "write the full version as a string, e.g. `openapi: \"{version}.0\"`"
            ));
        }
        diags.push(d);
        return None;
    }
    Some(version)
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

/// Fix-ups applied to every document (3.0 and 3.1) before deserializing,
/// for things that are harmless but would make `openapiv3` fail:
///
/// - a missing `paths` becomes an empty one (`paths` is optional in 3.1, and
///   a components-only 3.0 file is still useful).
/// - an operation's callback given as a `$ref` (valid OpenAPI, which
///   `openapiv3` cannot read) is replaced by the component callback it names,
///   or by an empty callback when it names none (found by the corpus harness
///   on PeerTube's spec, which `openapiv3` refused).
///
/// Nothing else is needed: `openapiv3` reads string/number/integer schemas
/// whose `enum` values do not match the type as untyped (`Any`) schemas
/// instead of failing, and YAML keys such as `200:` are already strings
/// after parsing.
pub fn fixups(doc: &mut Value) {
    if let Some(obj) = doc.as_object_mut() {
        if !obj.contains_key("paths") {
            obj.insert("paths".into(), Value::Object(Default::default()));
        }
    }
    inline_callback_refs(doc);
}

fn inline_callback_refs(doc: &mut Value) {
    let components = doc
        .pointer("/components/callbacks")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for op in item.values_mut().filter_map(Value::as_object_mut) {
            let Some(callbacks) = op.get_mut("callbacks").and_then(Value::as_object_mut) else {
                continue;
            };
            for callback in callbacks.values_mut() {
                let Some(reference) = callback.get("$ref").and_then(Value::as_str) else {
                    continue;
                };
                let target = reference
                    .strip_prefix("#/components/callbacks/")
                    .map(|t| pointer::unescape(t).into_owned())
                    .and_then(|name| components.get(&name))
                    .filter(|t| t.get("$ref").is_none() && t.is_object());
                *callback = target
                    .cloned()
                    .unwrap_or_else(|| Value::Object(Default::default()));
            }
        }
    }
}

/// Most characters all JSON pointers of one file may add up to (the
/// position map and the structural walks hold one pointer per node). Far
/// above any real spec; stops hostile files with huge keys over many nodes.
const MAX_POINTER_VOLUME: usize = 400_000_000;

/// Refuses documents whose pointers would need too much memory.
fn check_size(doc: &Value, path: &Path) -> Result<(), Box<Diagnostic>> {
    // The sum of the pointer lengths of all nodes; only containers go on
    // the stack (a scalar adds its length where it is met).
    let mut total = 0usize;
    let mut stack: Vec<(&Value, usize)> = vec![(doc, 0)];
    while let Some((v, len)) = stack.pop() {
        match v {
            Value::Array(a) => {
                for c in a {
                    total = total.saturating_add(len + 8);
                    if is_container(c) {
                        stack.push((c, len + 8));
                    }
                }
            }
            Value::Object(o) => {
                for (k, c) in o {
                    let child_len = len + 1 + k.len();
                    total = total.saturating_add(child_len);
                    if is_container(c) {
                        stack.push((c, child_len));
                    }
                }
            }
            _ => {}
        }
        if total > MAX_POINTER_VOLUME {
            return Err(Box::new(
                Diagnostic::error(
                    "too-large",
                    "the document is too large to process (too many or too long keys)",
                )
                .at(Location::new(path, "")),
            ));
        }
    }
    Ok(())
}

fn is_container(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

/// Deepest nesting of `v` (a scalar has depth 0), computed without recursion.
fn max_depth(v: &Value) -> usize {
    let mut max = 0;
    // Only containers go on the stack: a child of one at depth `d` is at
    // depth `d + 1`, whatever it is.
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        let nonempty = match v {
            Value::Array(a) => {
                stack.extend(a.iter().filter(|c| is_container(c)).map(|c| (c, d + 1)));
                !a.is_empty()
            }
            Value::Object(o) => {
                stack.extend(o.values().filter(|c| is_container(c)).map(|c| (c, d + 1)));
                !o.is_empty()
            }
            _ => false,
        };
        if nonempty {
            max = max.max(d + 1);
        }
    }
    max
}

/// The document of `path` as [`repair::after_refs`] gets it (parsed, version read,
/// refs resolved, 3.1 normalized), for the repair tests.
#[cfg(test)]
mod cases;
#[cfg(test)]
pub(crate) fn prepared(path: &Path) -> Option<(Value, bool, Ctx)> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut diags = Diagnostics::new();
    let mut ctx = Ctx::new(path);
    let format = Format::detect(path, &text);
    let mut doc = parse::parse(&text, format).ok()?;
    ctx.sources.add_file(path, Cow::Owned(text), format);
    if doc.get("swagger").is_some() {
        return None;
    }
    let version = repair::version(&mut doc, &ctx.sources, &mut diags)?;
    let is_31 = !version.starts_with("3.0");
    repair::misplaced_refs(&mut doc, &mut ctx, &mut diags);
    refs::resolve(&mut doc, &mut ctx, &mut diags);
    if v32::is_32(&version) {
        v32::normalize(&mut doc, &ctx.sources, &mut diags);
    }
    if is_31 {
        v31::normalize(&mut doc, &ctx.sources, &mut diags);
    }
    Some((doc, is_31, ctx))
}

/// Every file under `tests/fixtures` with one of the extensions, for loader tests.
#[cfg(test)]
pub(crate) fn fixture_files(extensions: &[&str]) -> Vec<PathBuf> {
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")];
    let mut out = Vec::new();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .is_some_and(|e| extensions.iter().any(|x| e == *x))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize() {
        assert_eq!(
            normalize_path(Path::new("./a/../b/./c.yaml")),
            PathBuf::from("b/c.yaml")
        );
        assert_eq!(
            normalize_path(Path::new("../x/../y")),
            PathBuf::from("../y")
        );
        assert_eq!(normalize_path(Path::new("/a/../../b")), PathBuf::from("/b"));
    }

    #[test]
    fn origin_lookup() {
        let mut s = SourceMap::new(Path::new("root.yaml"));
        s.add_origin("/components/schemas/E", Path::new("c.yaml"), "/defs/E");
        assert_eq!(
            s.origin("/components/schemas/E/properties/a"),
            (PathBuf::from("c.yaml"), "/defs/E/properties/a".to_string())
        );
        assert_eq!(
            s.origin("/components/schemas/Ex"),
            (
                PathBuf::from("root.yaml"),
                "/components/schemas/Ex".to_string()
            )
        );
    }

    #[test]
    fn depth() {
        assert_eq!(max_depth(&serde_json::json!({"a": [1, {"b": {}}]})), 3);
        assert_eq!(max_depth(&serde_json::json!(1)), 0);
        assert_eq!(max_depth(&serde_json::json!([])), 0);
        assert_eq!(max_depth(&serde_json::json!({"a": {}})), 1);
        assert_eq!(max_depth(&serde_json::json!([[1], [[[]]], {"x": [2]}])), 3);
    }

    /// The quick piecewise deserialization gives the model the whole-document
    /// one gives, and fails where it fails, on every fixture and on broken
    /// variants of them.
    #[test]
    fn quick_model_matches_whole_document() {
        let mut docs = Vec::new();
        for path in fixture_files(&["yaml", "yml", "json"]) {
            let mut diags = Diagnostics::new();
            if let Some(spec) = load(&path, &mut diags) {
                docs.push(spec.document);
            }
        }
        assert!(docs.len() > 10, "{}", docs.len());
        let breaks: [(&str, Value); 9] = [
            ("/info", Value::Null),
            ("/paths", serde_json::json!([])),
            ("/components", serde_json::json!("x")),
            ("/components/schemas", Value::Null),
            (
                "/components/responses",
                serde_json::json!({"R": {"content": 3}}),
            ),
            (
                "/components/schemas/Broken",
                serde_json::json!({"type": "object", "properties": 1}),
            ),
            (
                "/paths/~1broken",
                serde_json::json!({"get": {"responses": {"200": 1}}}),
            ),
            ("/paths/x-ext", serde_json::json!({"any": "thing"})),
            ("/components/x-ext", serde_json::json!([1, 2])),
        ];
        let mut variants = 0;
        for doc in &docs {
            let mut cases = vec![doc.clone()];
            for (ptr, value) in &breaks {
                let mut broken = doc.clone();
                let (parent, key) = ptr.rsplit_once('/').unwrap_or(("", ptr));
                if let Some(obj) =
                    pointer::get_mut(&mut broken, parent).and_then(Value::as_object_mut)
                {
                    obj.insert(key.to_string(), value.clone());
                    cases.push(broken);
                }
            }
            for case in cases {
                let whole = try_deserialize::<openapiv3::OpenAPI>(&case).ok();
                let quick = model::quick(&case, DESERIALIZE_STACK);
                assert_eq!(quick, whole, "{case}");
                variants += 1;
            }
        }
        assert!(variants > 50, "{variants}");
    }
}
