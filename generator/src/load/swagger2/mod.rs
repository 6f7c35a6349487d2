//! Swagger 2.0 → OpenAPI 3.0: a root written in Swagger 2.0 is rewritten
//! into the 3.0 shape before `$ref`s are resolved, so that every later step
//! (3.0 refs, repairs, the model, the IR) is the one a 3.0 spec goes
//! through. Every converted place is recorded in the [`SourceMap`]
//! (`add_converted`): a diagnostic about `/components/schemas/Pet` names
//! `/definitions/Pet` and its line in the file as written.
//!
//! Steps: [`bundle`] first copies what `$ref`s to other files name into the
//! root's own `definitions`, `parameters` and `responses` (inlining path
//! items), so the conversion sees one self-contained 2.0 document; then
//! [`convert`] rewrites it.
//!
//! Document rules:
//!
//! - `swagger` → `openapi: 3.0.3` (the loaded spec's `source_version` stays
//!   `"2.0"`).
//! - `host`, `basePath`, `schemes` → one server per scheme,
//!   `{scheme}://{host}{basePath}`, `https` first when listed (a client
//!   should not prefer plain HTTP); no `schemes` means `https`. Without a
//!   `host`, a `basePath` other than `/` becomes a relative server URL.
//! - `definitions` → `components.schemas`; `parameters` → `components.parameters`
//!   (only the ones not `in: body` or `in: formData`: those have no 3.0
//!   component and are converted where an operation uses them); `responses`
//!   → `components.responses`; `securityDefinitions` →
//!   `components.securitySchemes`: `basic` → HTTP basic, `apiKey` as is,
//!   `oauth2` → one flow (`implicit`, `password`, `application` →
//!   `clientCredentials`, `accessCode` → `authorizationCode`), which a
//!   generated client reads as a bearer token.
//! - `info`, `tags`, `externalDocs`, `security` and `x-` extensions are
//!   kept; `consumes` / `produces` become the default media types of the
//!   operations.
//!
//! Operation and schema rules are listed in [`operation`] and [`schema`].

mod bundle;
mod operation;
mod schema;

use serde_json::{Map, Value};

use super::pointer;
use super::{Ctx, SourceMap};
use crate::diag::{Diagnostic, Diagnostics, Location};

pub(super) use bundle::bundle;

/// Whether `doc` says it is Swagger (any version): a `swagger` field and no
/// `openapi` one (with both, the `openapi` field wins).
pub(super) fn is_swagger(doc: &Value) -> bool {
    doc.get("swagger").is_some() && doc.get("openapi").is_none()
}

/// Checks `swagger: "2.0"` (a YAML `2.0` number is taken too). Other
/// versions (1.x) are an error.
pub(super) fn check_version(doc: &Value, sources: &SourceMap, diags: &mut Diagnostics) -> bool {
    let ok = match doc.get("swagger") {
        Some(Value::String(s)) => s == "2.0",
        Some(Value::Number(n)) => n.as_f64() == Some(2.0),
        _ => false,
    };
    if !ok {
        let written = match doc.get("swagger") {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        };
        diags.push(
            Diagnostic::error(
                "unsupported-version",
                format!(
                    "Swagger `{written}` is not supported; expected 2.0, 3.0.x, 3.1.x or 3.2.x"
                ),
            )
            .at(sources.locate("/swagger")),
        );
    }
    ok
}

/// Rewrites the (bundled) Swagger 2.0 root `doc` into OpenAPI 3.0. See the
/// module docs.
pub(super) fn convert(doc: &mut Value, ctx: &mut Ctx, diags: &mut Diagnostics) {
    let Some(src) = doc.as_object() else {
        return;
    };
    let mut c = Conv {
        src,
        sources: &mut ctx.sources,
        diags,
        consumes: media_list(src.get("consumes")).unwrap_or_default(),
        produces: media_list(src.get("produces")).unwrap_or_default(),
    };
    let out = c.document();
    *doc = Value::Object(out);
}

/// The conversion of one document: the source, and where to record.
struct Conv<'a> {
    src: &'a Map<String, Value>,
    sources: &'a mut SourceMap,
    diags: &'a mut Diagnostics,
    /// The global `consumes` / `produces`.
    consumes: Vec<String>,
    produces: Vec<String>,
}

impl Conv<'_> {
    /// Records that `converted` (a pointer in the 3.0 document) stands for
    /// `written` (in the 2.0 document).
    fn map(&mut self, converted: &str, written: &str) {
        self.sources.add_converted(converted, written);
    }

    /// The location of a pointer of the 2.0 document as written.
    fn locate(&self, written: &str) -> Location {
        self.sources.locate_written(written)
    }

    fn warn(&mut self, code: &'static str, message: String, written: &str, repair: &str) {
        let loc = self.locate(written);
        self.diags.push(
            Diagnostic::warning(code, message)
                .at(loc)
                .with_help(format!("repaired: {repair}")),
        );
    }

    fn document(&mut self) -> Map<String, Value> {
        let src = self.src;
        self.check_fields();
        let mut out = Map::new();
        out.insert("openapi".into(), Value::String("3.0.3".into()));
        self.map("/openapi", "/swagger");
        for key in ["info", "externalDocs"] {
            if let Some(v) = src.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
        if let Some(servers) = self.servers() {
            out.insert("servers".into(), servers);
        }
        for (k, v) in src {
            if k.starts_with("x-") || matches!(k.as_str(), "tags" | "security") {
                out.insert(k.clone(), v.clone());
            }
        }
        let paths = match src.get("paths") {
            Some(Value::Object(paths)) => Value::Object(self.paths(paths)),
            Some(other) => other.clone(),
            None => Value::Object(Map::new()),
        };
        out.insert("paths".into(), paths);
        let components = self.components();
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        out
    }

    /// Warns about a document-level field of the wrong type (it is
    /// ignored).
    fn check_fields(&mut self) {
        let src = self.src;
        let expect = [
            ("host", false),
            ("basePath", false),
            ("schemes", true),
            ("consumes", true),
            ("produces", true),
        ];
        for (key, list) in expect {
            let what = if list { "a list" } else { "a string" };
            if src
                .get(key)
                .is_some_and(|v| v.is_array() != list || (!list && !v.is_string()))
            {
                let loc = self.locate(&pointer::join("", key));
                self.diags.push(
                    Diagnostic::warning("invalid-field", format!("`{key}` must be {what}"))
                        .at(loc)
                        .with_help("repaired: ignored"),
                );
            }
        }
    }

    fn servers(&mut self) -> Option<Value> {
        let src = self.src;
        let base = src.get("basePath").and_then(Value::as_str).unwrap_or("");
        let base = base.trim_end_matches('/');
        let Some(host) = src.get("host").and_then(Value::as_str) else {
            if base.is_empty() {
                return None;
            }
            self.map_servers(1, "/basePath");
            return Some(serde_json::json!([{ "url": base }]));
        };
        let host = host.trim_end_matches('/');
        let mut schemes: Vec<&str> = src
            .get("schemes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        schemes.dedup();
        if schemes.is_empty() {
            schemes.push("https");
        }
        if let Some(i) = schemes.iter().position(|s| *s == "https") {
            let https = schemes.remove(i);
            schemes.insert(0, https);
        }
        self.map_servers(schemes.len(), "/host");
        Some(Value::Array(
            schemes
                .iter()
                .map(|s| serde_json::json!({ "url": format!("{s}://{host}{base}") }))
                .collect(),
        ))
    }

    /// The servers (and their URLs) stand for `written`.
    fn map_servers(&mut self, count: usize, written: &str) {
        self.map("/servers", written);
        for i in 0..count {
            self.map(&format!("/servers/{i}"), written);
            self.map(&format!("/servers/{i}/url"), written);
        }
    }

    fn components(&mut self) -> Map<String, Value> {
        let src = self.src;
        let mut out = Map::new();
        // Also when the 2.0 section is missing: a ref to it is spelled as written.
        for (converted, written) in [
            ("/components/schemas", "/definitions"),
            ("/components/parameters", "/parameters"),
            ("/components/responses", "/responses"),
            ("/components/securitySchemes", "/securityDefinitions"),
        ] {
            self.map(converted, written);
        }
        if let Some(defs) = src.get("definitions") {
            let mut defs = defs.clone();
            if let Some(map) = defs.as_object_mut() {
                for s in map.values_mut() {
                    schema::fix(s);
                }
            }
            out.insert("schemas".into(), defs);
        }
        match src.get("parameters") {
            Some(Value::Object(params)) => {
                let mut converted = Map::new();
                for (name, p) in params {
                    let written = pointer::join("/parameters", name);
                    if matches!(param_in(p), Some("body" | "formData")) {
                        continue;
                    }
                    let ptr = pointer::join("/components/parameters", name);
                    self.map(&ptr, &written);
                    converted.insert(name.clone(), self.parameter(p, &ptr, &written));
                }
                if !converted.is_empty() {
                    out.insert("parameters".into(), Value::Object(converted));
                }
            }
            Some(other) => {
                out.insert("parameters".into(), other.clone());
            }
            None => {}
        }
        match src.get("responses") {
            Some(Value::Object(responses)) => {
                let produces = self.produces.clone();
                let mut converted = Map::new();
                for (name, r) in responses {
                    let written = pointer::join("/responses", name);
                    let ptr = pointer::join("/components/responses", name);
                    self.map(&ptr, &written);
                    converted.insert(name.clone(), self.response(r, &produces, &ptr, &written));
                }
                out.insert("responses".into(), Value::Object(converted));
            }
            Some(other) => {
                out.insert("responses".into(), other.clone());
            }
            None => {}
        }
        if let Some(defs) = src.get("securityDefinitions") {
            let schemes = match defs.as_object() {
                Some(defs) => Value::Object(
                    defs.iter()
                        .map(|(k, v)| (k.clone(), security_scheme(v)))
                        .collect(),
                ),
                None => defs.clone(),
            };
            out.insert("securitySchemes".into(), schemes);
        }
        out
    }
}

/// A security definition in the 3.0 shape (anything unknown is kept, for
/// the model to report).
fn security_scheme(v: &Value) -> Value {
    let Some(obj) = v.as_object() else {
        return v.clone();
    };
    let mut out = Map::new();
    let kind = obj.get("type").and_then(Value::as_str);
    match kind {
        Some("basic") => {
            out.insert("type".into(), "http".into());
            out.insert("scheme".into(), "basic".into());
        }
        Some("oauth2") => {
            out.insert("type".into(), "oauth2".into());
            let url = |k: &str| obj.get(k).cloned().unwrap_or_else(|| "".into());
            let scopes = match obj.get("scopes") {
                Some(s @ Value::Object(_)) => s.clone(),
                _ => Value::Object(Map::new()),
            };
            let mut flow = Map::new();
            let flow_name = match obj.get("flow").and_then(Value::as_str) {
                Some("password") => {
                    flow.insert("tokenUrl".into(), url("tokenUrl"));
                    "password"
                }
                Some("application") => {
                    flow.insert("tokenUrl".into(), url("tokenUrl"));
                    "clientCredentials"
                }
                Some("accessCode") => {
                    flow.insert("authorizationUrl".into(), url("authorizationUrl"));
                    flow.insert("tokenUrl".into(), url("tokenUrl"));
                    "authorizationCode"
                }
                _ => {
                    flow.insert("authorizationUrl".into(), url("authorizationUrl"));
                    "implicit"
                }
            };
            flow.insert("scopes".into(), scopes);
            let mut flows = Map::new();
            flows.insert(flow_name.into(), Value::Object(flow));
            out.insert("flows".into(), Value::Object(flows));
        }
        _ => {
            for (k, v) in obj {
                if !k.starts_with("x-") && k != "description" {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    for (k, v) in obj {
        if k.starts_with("x-") || k == "description" {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// The `in` of a parameter object.
fn param_in(p: &Value) -> Option<&str> {
    p.get("in").and_then(Value::as_str)
}

/// A `consumes` / `produces` list (`None` when absent or not a list).
fn media_list(v: Option<&Value>) -> Option<Vec<String>> {
    let list: Vec<String> = v?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    Some(list)
}

#[cfg(test)]
mod tests;
