// Past ~800 lines: one stage step whose split along its seams is issue 12 (the architecture
// round); until then, keep additions here small.
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
//! 2. Version check: `swagger: "2.0"`, a missing `openapi` field, or any
//!    version other than 3.0.x / 3.1.x is an error.
//! 3. [`refs`]: `$ref`s to other files are loaded and bundled into the root
//!    document's `components` (path items are inlined); local refs must
//!    resolve; chains of refs that only point at refs and loop are errors.
//! 4. [`v31`]: a 3.1 document is rewritten into the 3.0 shape (rules listed
//!    there); fix-ups for every version are listed at [`fixups`].
//! 5. Deserialization into `openapiv3::OpenAPI` (piece by piece on two
//!    threads, see the private `model` module); on failure every failing piece is reported
//!    with its pointer and position.
//!
//! Nothing here panics on any input: no recursion follows the document's
//! nesting except serde's own (bounded by the parsers' depth limits and run
//! on a thread with a large stack), and every lookup into the document is
//! checked.

mod model;
pub mod parse;
pub mod pointer;
pub mod refs;
mod repair;
pub mod v31;
mod walk;
mod yaml;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Location};
use parse::{Format, Positions};
use walk::Kind;

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
}

/// Origins and positions of every part of a bundled document.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    root: PathBuf,
    positions: BTreeMap<PathBuf, Arc<FilePositions>>,
    /// Document pointer of a bundled or inlined subtree → (file, pointer in
    /// that file) it was copied from.
    origins: BTreeMap<String, (PathBuf, String)>,
}

impl SourceMap {
    fn new(root: &Path) -> Self {
        SourceMap {
            root: root.to_path_buf(),
            ..Default::default()
        }
    }

    /// The root file.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file and in-file pointer a document pointer came from.
    pub fn origin(&self, pointer: &str) -> (PathBuf, String) {
        let mut prefix = pointer;
        loop {
            if let Some((file, fptr)) = self.origins.get(prefix) {
                let rest = pointer.get(prefix.len()..).unwrap_or("");
                return (file.clone(), format!("{fptr}{rest}"));
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return (self.root.clone(), pointer.to_string()),
            }
        }
    }

    /// See [`LoadedSpec::locate`].
    pub fn locate(&self, pointer: &str) -> Location {
        let (file, fptr) = self.origin(pointer);
        self.locate_in(&file, &fptr)
    }

    /// The number at `pointer` as it is written in its file (`1.10`, not
    /// `1.1`), for repairs that read a number as the string it was written
    /// as. `None` when the position or the text cannot be found.
    pub(crate) fn raw_scalar(&self, pointer: &str) -> Option<String> {
        let (file, fptr) = self.origin(pointer);
        let pos = self.positions.get(&file)?;
        let (line, col) = pos.get(&fptr)?;
        let text = pos.text.lines().nth(line.checked_sub(1)?)?;
        let at = text
            .char_indices()
            .nth(col.checked_sub(1)?)
            .map(|(i, _)| i)?;
        let mut rest = &text[at..];
        // A member's position is that of its key: skip `key:`.
        let key = pointer::tokens(&fptr).pop().unwrap_or_default();
        for quoted in [format!("\"{key}\""), format!("'{key}'"), key.clone()] {
            if let Some(after) = rest.strip_prefix(quoted.as_str()) {
                if let Some(value) = after.trim_start().strip_prefix(':') {
                    rest = value.trim_start();
                    break;
                }
            }
        }
        let end = rest
            .find([',', '}', ']', '#', ' ', '\t'])
            .unwrap_or(rest.len());
        let raw = rest[..end].trim();
        raw.parse::<f64>().ok().map(|_| raw.to_string())
    }

    /// The location of `pointer` inside `file`, with the line and column of
    /// the nearest ancestor whose position is known.
    pub fn locate_in(&self, file: &Path, pointer: &str) -> Location {
        let mut loc = Location::new(file, pointer);
        if let Some(pos) = self.positions.get(file) {
            let mut p = pointer;
            loop {
                if let Some((line, col)) = pos.get(p) {
                    loc = loc.with_position(line, col);
                    break;
                }
                match p.rfind('/') {
                    Some(i) => p = &p[..i],
                    None => break,
                }
            }
        }
        loc
    }

    /// Keeps the text of a file that parsed, for positions (worked out on
    /// the first lookup: most loads never need one).
    fn add_file(&mut self, file: &Path, text: Cow<'_, str>, format: Format) {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text.into_owned(),
        };
        self.positions.insert(
            file.to_path_buf(),
            Arc::new(FilePositions {
                text,
                format,
                index: OnceLock::new(),
            }),
        );
    }

    /// Starts building the position index of a large JSON `file` on a
    /// thread of its own, so that the first lookup (most specs this size
    /// have a warning or two) need not wait for it. The index is the same
    /// whoever builds it.
    fn index_ahead(&self, file: &Path) {
        let Some(positions) = self.positions.get(file) else {
            return;
        };
        if positions.format != Format::Json || positions.text.len() < INDEX_AHEAD_BYTES {
            return;
        }
        let positions = Arc::clone(positions);
        let _ = std::thread::Builder::new()
            .name("oagen-positions".into())
            .spawn(move || {
                positions.index();
            });
    }

    fn add_origin(&mut self, doc_ptr: &str, file: &Path, file_ptr: &str) {
        self.origins.insert(
            doc_ptr.to_string(),
            (file.to_path_buf(), file_ptr.to_string()),
        );
    }
}

/// The text of one file and, once asked for, the positions of its nodes.
struct FilePositions {
    /// The text as parsed (without a byte order mark).
    text: String,
    format: Format,
    index: OnceLock<PositionIndex>,
}

enum PositionIndex {
    Json(parse::JsonIndex),
    Yaml(Positions),
}

impl FilePositions {
    /// Line and column of the node at `pointer`, as [`parse::positions`]
    /// maps it.
    fn get(&self, pointer: &str) -> Option<(usize, usize)> {
        match self.index() {
            PositionIndex::Json(j) => j.get(&self.text, pointer),
            PositionIndex::Yaml(map) => map.get(pointer).copied(),
        }
    }

    /// The index, built on first use (a caller arriving while another
    /// thread builds it waits for it).
    fn index(&self) -> &PositionIndex {
        self.index.get_or_init(|| match self.format {
            Format::Json => PositionIndex::Json(parse::JsonIndex::build(&self.text)),
            Format::Yaml => PositionIndex::Yaml(parse::positions(&self.text, Format::Yaml)),
        })
    }
}

/// Size from which a JSON file's position index is built ahead of time.
const INDEX_AHEAD_BYTES: usize = 1 << 20;

impl std::fmt::Debug for FilePositions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilePositions")
            .field("format", &self.format)
            .field("bytes", &self.text.len())
            .field("indexed", &self.index.get().is_some())
            .finish()
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
    let repaired = match doc.get("swagger") {
        None => repair::version(&mut doc, &ctx.sources, diags),
        Some(_) => None,
    };
    let source_version = match repaired {
        Some(v) => v,
        None => check_version(&doc, &ctx.sources, diags)?,
    };
    // 3.2 is read as 3.1 (with a `newer-version` warning).
    let is_31 = source_version.starts_with("3.1") || source_version.starts_with("3.2");

    crate::timings::time("load/misplaced-refs", || {
        repair::misplaced_refs(&mut doc, &mut ctx, diags)
    });
    crate::timings::time("load/refs", || refs::resolve(&mut doc, &mut ctx, diags));
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
    Some(LoadedSpec {
        openapi,
        document: doc,
        source_version,
        root: path.to_path_buf(),
        files,
        sources: ctx.sources,
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
    if let Some(v) = obj.get("swagger") {
        let version = scalar_text(v);
        diags.push(
            Diagnostic::error(
                "unsupported-version",
                format!("Swagger {version} is not supported; convert it to OpenAPI 3 first (e.g. with swagger2openapi)"),
            )
            .at(sources.locate("/swagger")),
        );
        return None;
    }
    let Some(v) = obj.get("openapi") else {
        diags.push(
            Diagnostic::error("missing-version", "the document has no `openapi` field")
                .at(sources.locate(""))
                .with_help("an OpenAPI 3.0 or 3.1 document starts with e.g. `openapi: 3.0.3`"),
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
            && matches!(minor, Some("0" | "1"))
            && patch.chars().next().is_some_and(|c| c.is_ascii_digit())
    };
    if !ok {
        let mut d = Diagnostic::error(
            "unsupported-version",
            format!("OpenAPI version `{version}` is not supported; expected 3.0.x or 3.1.x"),
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
///   or by an empty callback when it names none. oagen generates nothing for
///   callbacks; this only keeps such specs loadable (found by the corpus
///   harness on PeerTube's spec).
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

/// Deserializes the document into the `openapiv3` model on threads with a
/// large stack (the `model` module first, piece by piece; the whole document at once
/// when that fails). On failure, reports every failing piece.
fn deserialize(
    doc: &Value,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<openapiv3::OpenAPI> {
    if let Some(api) = model::quick(doc, DESERIALIZE_STACK) {
        return Some(api);
    }
    let outcome = std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("oagen-load".into())
            .stack_size(DESERIALIZE_STACK)
            .spawn_scoped(scope, || match try_deserialize::<openapiv3::OpenAPI>(doc) {
                Ok(api) => Ok(api),
                Err(first) => Err(failing_pieces(doc, first)),
            });
        match handle {
            Ok(h) => h.join().ok(),
            // No thread (e.g. strict memory limits): shallow documents can
            // be done here.
            Err(_) if max_depth(doc) <= SMALL_STACK_DEPTH => {
                Some(match try_deserialize::<openapiv3::OpenAPI>(doc) {
                    Ok(api) => Ok(api),
                    Err(first) => Err(failing_pieces(doc, first)),
                })
            }
            Err(_) => None,
        }
    });
    match outcome {
        Some(Ok(api)) => Some(api),
        Some(Err(failures)) => {
            for (ptr, msg) in failures {
                diags.push(
                    Diagnostic::error(
                        "invalid-spec",
                        format!("not a valid OpenAPI document: {msg}"),
                    )
                    .at(sources.locate(&ptr)),
                );
            }
            None
        }
        None => {
            diags.push(
                Diagnostic::error(
                    "internal-error",
                    "the OpenAPI model could not be built from this document (the deserializer crashed or could not be started)",
                )
                .at(sources.locate(""))
                .with_help("please report this spec as a bug in oagen"),
            );
            None
        }
    }
}

/// A failed deserialization: pointer (relative to the value deserialized)
/// and message.
type Failure = (String, String);

fn try_deserialize<T: DeserializeOwned>(v: &Value) -> Result<T, Failure> {
    serde_path_to_error::deserialize::<_, T>(v).map_err(|e| {
        let mut ptr = String::new();
        for seg in e.path().iter() {
            match seg {
                serde_path_to_error::Segment::Seq { index } => ptr.push_str(&format!("/{index}")),
                serde_path_to_error::Segment::Map { key } => {
                    ptr.push('/');
                    ptr.push_str(&pointer::escape(key));
                }
                serde_path_to_error::Segment::Enum { .. } => {}
                serde_path_to_error::Segment::Unknown => break,
            }
        }
        (ptr, e.into_inner().to_string())
    })
}

/// Deserializes every structural piece on its own and returns the failures
/// that have no failing piece below them (so the report names the smallest
/// broken part, not every ancestor). Falls back to `first` if no piece fails
/// alone.
fn failing_pieces(doc: &Value, first: Failure) -> Vec<Failure> {
    use o::ReferenceOr as R;
    use openapiv3 as o;
    type Check = fn(&Value) -> Result<(), Failure>;
    fn t<T: DeserializeOwned>(v: &Value) -> Result<(), Failure> {
        try_deserialize::<T>(v).map(|_| ())
    }
    // (pointer of the piece, path below it from serde, message, checker)
    let mut failures: Vec<(String, String, String, Check)> = Vec::new();
    let mut check = |ptr: &str, v: &Value, checker: Check| {
        if let Err((sub, msg)) = checker(v) {
            failures.push((ptr.to_string(), sub, msg, checker));
        }
    };
    // Top-level members the structural walk does not visit.
    let top: [(&str, Check); 5] = [
        ("/info", t::<o::Info>),
        ("/servers", t::<Vec<o::Server>>),
        ("/tags", t::<Vec<o::Tag>>),
        ("/security", t::<Vec<o::SecurityRequirement>>),
        ("/externalDocs", t::<o::ExternalDocumentation>),
    ];
    for (ptr, checker) in top {
        if let Some(v) = doc.pointer(ptr) {
            check(ptr, v, checker);
        }
    }
    for node in walk::walk_model(doc) {
        let Some(v) = doc.pointer(&node.ptr) else {
            continue;
        };
        if node.bool_ok && v.is_boolean() {
            continue;
        }
        let checker: Check = match node.kind {
            // Its members are checked one by one; the whole only matters
            // when `info` is missing (the members never see that).
            Kind::Document if doc.get("info").is_some() => continue,
            Kind::Document => t::<o::OpenAPI>,
            Kind::Paths => t::<o::Paths>,
            Kind::PathItem => t::<R<o::PathItem>>,
            Kind::Operation => t::<o::Operation>,
            Kind::Parameter => t::<R<o::Parameter>>,
            Kind::RequestBody => t::<R<o::RequestBody>>,
            Kind::Response => t::<R<o::Response>>,
            Kind::Header => t::<R<o::Header>>,
            Kind::MediaType => t::<o::MediaType>,
            Kind::Encoding => t::<o::Encoding>,
            Kind::Schema => t::<R<o::Schema>>,
            Kind::Example => t::<R<o::Example>>,
            Kind::Link => t::<R<o::Link>>,
            Kind::Callback => t::<R<o::Callback>>,
            Kind::SecurityScheme => t::<R<o::SecurityScheme>>,
            Kind::Components => t::<o::Components>,
        };
        check(&node.ptr, v, checker);
    }
    // Keep the failures with no failing piece below them.
    let failing: std::collections::BTreeSet<&str> = failures.iter().map(|f| f.0.as_str()).collect();
    let mut out: Vec<Failure> = Vec::new();
    for (ptr, sub, msg, checker) in &failures {
        let prefix = format!("{ptr}/");
        let has_inner = failing
            .range(prefix.as_str()..)
            .next()
            .is_some_and(|p| p.starts_with(&prefix));
        if has_inner {
            continue;
        }
        let sub = if sub.is_empty() {
            doc.pointer(ptr)
                .and_then(|v| culprit_key(v, msg, *checker))
                .unwrap_or_default()
        } else {
            sub.clone()
        };
        out.push((format!("{ptr}{sub}"), msg.clone()));
    }
    out.dedup();
    if out.is_empty() {
        out.push(first);
    }
    out
}

/// serde loses the path inside flattened and untagged types (most of the
/// `openapiv3` model), so a failure often points at a whole object. This
/// finds the member whose removal makes the object acceptable, as
/// `/escaped-key`; failing that, the member whose value the message
/// quotes.
fn culprit_key(
    v: &Value,
    message: &str,
    checker: fn(&Value) -> Result<(), Failure>,
) -> Option<String> {
    let obj = v.as_object()?;
    for key in obj.keys() {
        let mut without = obj.clone();
        without.shift_remove(key);
        if checker(&Value::Object(without)).is_ok() {
            return Some(format!("/{}", pointer::escape(key)));
        }
    }
    // A required member with a bad value (`in: body`): serde quotes the
    // value in backticks.
    for (key, value) in obj {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        if message.contains(&format!("`{text}`")) {
            return Some(format!("/{}", pointer::escape(key)));
        }
    }
    None
}

// ------------------------------------------------------------------ context

/// What happened to a file someone referred to.
#[derive(Debug)]
pub(crate) enum FileState {
    Loaded(Value),
    /// Could not be read; the I/O message.
    Missing(String),
    /// Read but not parsed (the parse error was reported).
    Broken,
}

/// State shared by the load steps.
pub(crate) struct Ctx {
    /// The root path as given.
    pub root: PathBuf,
    /// The root path, lexically normalized (for comparisons).
    pub root_norm: PathBuf,
    /// Files referred to, by normalized path.
    pub files: BTreeMap<PathBuf, FileState>,
    pub sources: SourceMap,
}

impl Ctx {
    fn new(root: &Path) -> Self {
        Ctx {
            root: root.to_path_buf(),
            root_norm: normalize_path(root),
            files: BTreeMap::new(),
            sources: SourceMap::new(root),
        }
    }

    /// The path used in diagnostics for a normalized path: the root as
    /// given, anything else as derived.
    pub fn display_path(&self, norm: &Path) -> PathBuf {
        if norm == self.root_norm {
            self.root.clone()
        } else {
            norm.to_path_buf()
        }
    }

    /// Every file read successfully or not, except missing ones.
    fn loaded_files(&self) -> Vec<PathBuf> {
        self.files
            .iter()
            .filter(|(_, s)| !matches!(s, FileState::Missing(_)))
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// Reads and parses `norm` once; later calls return the cached state.
    pub fn file(&mut self, norm: &Path, diags: &mut Diagnostics) -> &FileState {
        if !self.files.contains_key(norm) {
            let state = match std::fs::read_to_string(norm) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    FileState::Missing("no such file".into())
                }
                Err(e) => FileState::Missing(e.to_string()),
                Ok(text) => {
                    let format = Format::detect(norm, &text);
                    let parsed = parse::parse(&text, format);
                    let parsed = match parsed {
                        Ok(v) => match check_size(&v, norm) {
                            Ok(()) => Ok(v),
                            Err(d) => {
                                diags.push(*d);
                                self.files.insert(norm.to_path_buf(), FileState::Broken);
                                return self.files.get(norm).unwrap_or(&FileState::Broken);
                            }
                        },
                        Err(e) => Err(e),
                    };
                    if parsed.is_ok() {
                        self.sources.add_file(norm, Cow::Borrowed(&text), format);
                    }
                    diags.add_source(norm, text);
                    match parsed {
                        Ok(v) => FileState::Loaded(v),
                        Err(e) => {
                            diags.push(parse_error(norm, format, &e));
                            FileState::Broken
                        }
                    }
                }
            };
            self.files.insert(norm.to_path_buf(), state);
        }
        self.files.get(norm).unwrap_or(&FileState::Broken)
    }
}

/// Lexical normalization: drops `.` components and folds `dir/..`.
pub(crate) fn normalize_path(p: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// The document of `path` as [`repair::after_refs`] gets it (parsed, version read,
/// refs resolved, 3.1 normalized), for the repair tests.
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
