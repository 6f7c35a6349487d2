//! Swagger 2.0 paths, parameters and responses in the 3.0 shape.
//!
//! - Parameters of a path item are kept on it, except `in: body` and
//!   `in: formData` ones, which go to each of its operations that does not
//!   declare a parameter of the same name and place.
//! - A parameter `$ref: '#/parameters/X'` becomes `#/components/parameters/X`,
//!   unless `X` is `in: body` or `in: formData`: then it is converted in the
//!   operation (with that operation's `consumes`).
//! - A non-body parameter's `type`, `format`, `items`, `enum`, `default`
//!   and the validation keywords become its `schema`; `x-example` becomes
//!   `example`. `collectionFormat` of an array becomes `style`/`explode`: in
//!   the query `csv` (the default) → `form` without explode, `multi` →
//!   `form` with explode, `ssv` → `spaceDelimited`, `pipes` →
//!   `pipeDelimited`; in a path or header `csv` → `simple`. Anything else
//!   (`tsv`, or `ssv`/`pipes`/`multi` outside the query) has no 3.0
//!   equivalent: a `collection-format` warning, and the parameter is read
//!   as a string that the caller joins (a client never sends a list joined
//!   with the wrong separator).
//! - `in: body` → `requestBody`: its `schema` under each media type of
//!   `consumes` (the operation's, else the document's, else
//!   `application/json`); `description`, `required` and extensions kept.
//! - `in: formData` → `requestBody` with an object schema, one property per
//!   parameter (`required` ones listed as required; `type: file` → binary
//!   string): `multipart/form-data` when a parameter is a file or
//!   `consumes` lists only multipart, else
//!   `application/x-www-form-urlencoded`. Next to a body parameter, form
//!   parameters are ignored with a `body-and-form` warning (2.0 forbids it).
//! - A response's `schema` goes under each media type of `produces` (else
//!   `application/json`; a `type: file` response without `produces` is
//!   `application/octet-stream`); `examples` by media type become the
//!   `example` of that media type; `headers` get their type as a `schema`;
//!   a missing `description` becomes empty. `$ref: '#/responses/X'` →
//!   `#/components/responses/X`. `default` responses are kept as such.
//! - An operation's `schemes` is dropped (the servers are the document's).

use super::schema;
use super::*;

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// The keywords of a non-body parameter, item or header that belong to its
/// schema.
const SCHEMA_KEYS: [&str; 18] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-enum-varnames",
    "x-ms-enum",
];

/// A parameter of an operation, its `$ref` followed.
struct Site<'a> {
    /// Its pointer in the document as written.
    written: String,
    /// What it names (`at` itself when it is no reference).
    target: &'a Value,
    /// Where the target is written.
    target_ptr: String,
}

impl<'a> Site<'a> {
    fn key(&self) -> (Option<&'a str>, Option<&'a str>) {
        (
            self.target.get("name").and_then(Value::as_str),
            param_in(self.target),
        )
    }
}

impl<'a> Conv<'a> {
    pub(super) fn paths(&mut self, paths: &'a Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        for (path, item) in paths {
            let ptr = pointer::join("/paths", path);
            let converted = match item.as_object() {
                Some(item) if !path.starts_with("x-") => Value::Object(self.path_item(item, &ptr)),
                _ => item.clone(),
            };
            out.insert(path.clone(), converted);
        }
        out
    }

    /// Follows a parameter's local `$ref`s.
    fn site(&self, at: &'a Value, written: String) -> Site<'a> {
        let mut target = at;
        let mut target_ptr = written.clone();
        for _ in 0..32 {
            let Some(p) = pointer::ref_of(target).and_then(pointer::local) else {
                break;
            };
            let Some(next) = self.src_get(&p) else {
                break;
            };
            target_ptr = p.into_owned();
            target = next;
        }
        Site {
            written,
            target,
            target_ptr,
        }
    }

    fn src_get(&self, ptr: &str) -> Option<&'a Value> {
        let src: &'a Map<String, Value> = self.src;
        let (first, rest) = match ptr.strip_prefix('/')?.split_once('/') {
            Some((f, r)) => (f, format!("/{r}")),
            None => (ptr.strip_prefix('/')?, String::new()),
        };
        pointer::get(src.get(pointer::unescape(first).as_ref())?, &rest)
    }

    fn sites(&self, list: Option<&'a Value>, base: &str) -> Vec<Site<'a>> {
        let Some(list) = list.and_then(Value::as_array) else {
            return Vec::new();
        };
        list.iter()
            .enumerate()
            .map(|(i, p)| self.site(p, format!("{base}/parameters/{i}")))
            .collect()
    }

    fn path_item(&mut self, item: &'a Map<String, Value>, ptr: &str) -> Map<String, Value> {
        let mut out = Map::new();
        let shared = self.sites(item.get("parameters"), ptr);
        let mut kept = Vec::new();
        for site in &shared {
            if is_bodyish(site.target) {
                continue;
            }
            let to = format!("{ptr}/parameters/{}", kept.len());
            kept.push(self.param_site(site, &to));
        }
        for (key, v) in item {
            match key.as_str() {
                "parameters" if v.is_array() => {
                    if !kept.is_empty() {
                        out.insert(key.clone(), Value::Array(std::mem::take(&mut kept)));
                    }
                }
                m if METHODS.contains(&m) => {
                    let converted = match v.as_object() {
                        Some(op) => {
                            let op_ptr = pointer::join(ptr, m);
                            Value::Object(self.operation(op, &op_ptr, &shared))
                        }
                        None => v.clone(),
                    };
                    out.insert(key.clone(), converted);
                }
                _ => {
                    out.insert(key.clone(), v.clone());
                }
            }
        }
        out
    }

    /// A non-body parameter at its place: a component ref or the converted
    /// parameter.
    fn param_site(&mut self, site: &Site<'a>, to: &str) -> Value {
        self.map(to, &site.written);
        if let Some(name) = site.target_ptr.strip_prefix("/parameters/") {
            if site.target_ptr != site.written && !name.contains('/') {
                return serde_json::json!({
                    "$ref": format!("#/components/parameters/{}", name.replace('%', "%25"))
                });
            }
        }
        if pointer::ref_of(site.target).is_some() {
            // Not followed (another file, or dangling): the 3.0 steps report it.
            let mut r = site.target.clone();
            schema::fix_ref(&mut r);
            return r;
        }
        let target_ptr = site.target_ptr.clone();
        self.map(to, &target_ptr);
        self.parameter(site.target, to, &target_ptr)
    }

    fn operation(
        &mut self,
        op: &'a Map<String, Value>,
        ptr: &str,
        shared: &[Site<'a>],
    ) -> Map<String, Value> {
        let consumes = media_list(op.get("consumes")).unwrap_or_else(|| self.consumes.clone());
        let produces = media_list(op.get("produces")).unwrap_or_else(|| self.produces.clone());
        let own = self.sites(op.get("parameters"), ptr);
        // Body and form parameters of the path item that the operation does
        // not redeclare.
        let inherited = shared
            .iter()
            .filter(|s| is_bodyish(s.target) && !own.iter().any(|o| o.key() == s.key()));
        let mut bodies: Vec<&Site> = Vec::new();
        let mut forms: Vec<&Site> = Vec::new();
        let mut params = Vec::new();
        for site in own.iter().chain(inherited) {
            match param_in(site.target) {
                Some("body") => bodies.push(site),
                Some("formData") => forms.push(site),
                // Only the operation's own: the path item keeps its others.
                _ => {
                    let to = format!("{ptr}/parameters/{}", params.len());
                    params.push(self.param_site(site, &to));
                }
            }
        }
        let body_ptr = format!("{ptr}/requestBody");
        let body = match (bodies.first(), forms.is_empty()) {
            (Some(body), no_forms) => {
                if !no_forms {
                    self.warn(
                        "body-and-form",
                        "an operation with a body parameter cannot have form parameters".into(),
                        &forms[0].written,
                        "the form parameters are left out",
                    );
                }
                Some(self.body(body, &consumes, &body_ptr))
            }
            (None, false) => Some(self.form(&forms, &consumes, &body_ptr)),
            (None, true) => None,
        };

        let mut out = Map::new();
        for (key, v) in op {
            match key.as_str() {
                "consumes" | "produces" | "schemes" => {}
                "parameters" => {
                    if !params.is_empty() {
                        out.insert(key.clone(), Value::Array(std::mem::take(&mut params)));
                    }
                    if let Some(b) = body.clone() {
                        out.insert("requestBody".into(), b);
                    }
                }
                "responses" => {
                    let converted = match v.as_object() {
                        Some(responses) => {
                            let mut map = Map::new();
                            for (code, r) in responses {
                                let rptr = format!("{ptr}/responses/{}", pointer::escape(code));
                                let r = if code.starts_with("x-") {
                                    r.clone()
                                } else {
                                    self.response(r, &produces, &rptr, &rptr)
                                };
                                map.insert(code.clone(), r);
                            }
                            Value::Object(map)
                        }
                        None => v.clone(),
                    };
                    out.insert(key.clone(), converted);
                }
                _ => {
                    out.insert(key.clone(), v.clone());
                }
            }
        }
        if !out.contains_key("requestBody") {
            if let Some(b) = body {
                out.insert("requestBody".into(), b);
            }
        }
        out
    }

    /// A non-body parameter object in the 3.0 shape (`ptr` is where it goes,
    /// `written` where it was).
    pub(super) fn parameter(&mut self, p: &Value, ptr: &str, written: &str) -> Value {
        let Some(obj) = p.as_object() else {
            return p.clone();
        };
        if obj.contains_key("$ref") {
            let mut r = p.clone();
            schema::fix_ref(&mut r);
            return r;
        }
        let mut out = Map::new();
        let mut schema = Map::new();
        for (k, v) in obj {
            match k.as_str() {
                "x-example" => {
                    out.insert("example".into(), v.clone());
                }
                "collectionFormat" => {}
                "x-nullable" => {
                    schema.insert(k.clone(), v.clone());
                }
                "schema" => {}
                k if SCHEMA_KEYS.contains(&k) => {
                    schema.insert(k.to_string(), v.clone());
                }
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        if schema.is_empty() {
            // A 3.0-style `schema` written in a 2.0 parameter: kept.
            if let Some(s) = obj.get("schema").and_then(Value::as_object) {
                schema = s.clone();
                self.map(&format!("{ptr}/schema"), &format!("{written}/schema"));
            }
        } else {
            self.map(&format!("{ptr}/schema"), written);
        }
        let place = obj.get("in").and_then(Value::as_str).unwrap_or("");
        if place == "path" && !out.contains_key("required") {
            out.insert("required".into(), Value::Bool(true));
        }
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            let format = obj
                .get("collectionFormat")
                .and_then(Value::as_str)
                .unwrap_or("csv");
            let style = match (place, format) {
                ("query", "csv") => Some(("form", false)),
                ("query", "multi") => Some(("form", true)),
                ("query", "ssv") => Some(("spaceDelimited", false)),
                ("query", "pipes") => Some(("pipeDelimited", false)),
                ("path" | "header", "csv") => Some(("simple", false)),
                // A form field: the form's own encoding.
                ("formData", "csv" | "multi") => Some(("", false)),
                _ => None,
            };
            match style {
                Some(("", _)) => {}
                Some((style, explode)) => {
                    out.insert("style".into(), style.into());
                    out.insert("explode".into(), explode.into());
                }
                None => {
                    let name = obj.get("name").and_then(Value::as_str).unwrap_or("");
                    self.warn(
                        "collection-format",
                        format!(
                            "`collectionFormat: {format}` of parameter `{name}` (in {place}) \
                             has no OpenAPI 3 equivalent"
                        ),
                        &format!("{written}/collectionFormat"),
                        "read as a string, which the caller joins",
                    );
                    let mut s = Map::new();
                    s.insert("type".into(), "string".into());
                    schema = s;
                }
            }
        }
        let mut schema = Value::Object(schema);
        schema::fix(&mut schema);
        out.insert("schema".into(), schema);
        Value::Object(out)
    }

    /// `in: body` → a request body.
    fn body(&mut self, site: &Site<'a>, consumes: &[String], ptr: &str) -> Value {
        let p = site.target;
        self.map(ptr, &site.target_ptr);
        let mut out = Map::new();
        for (k, v) in p.as_object().into_iter().flatten() {
            if k == "description" || k == "required" || k.starts_with("x-") {
                out.insert(k.clone(), v.clone());
            }
        }
        let media: Vec<String> = if consumes.is_empty() {
            vec!["application/json".into()]
        } else {
            consumes.to_vec()
        };
        let mut content = Map::new();
        for mt in &media {
            let mut m = Map::new();
            if let Some(s) = p.get("schema") {
                let mut s = s.clone();
                schema::fix(&mut s);
                m.insert("schema".into(), s);
                let to = format!("{ptr}/content/{}/schema", pointer::escape(mt));
                self.map(&to, &format!("{}/schema", site.target_ptr));
            }
            content.insert(mt.clone(), Value::Object(m));
        }
        out.insert("content".into(), Value::Object(content));
        Value::Object(out)
    }

    /// `in: formData` parameters → a form request body.
    fn form(&mut self, sites: &[&Site<'a>], consumes: &[String], ptr: &str) -> Value {
        let has_file = sites
            .iter()
            .any(|s| s.target.get("type").and_then(Value::as_str) == Some("file"));
        let multipart = consumes
            .iter()
            .any(|c| c.starts_with("multipart/form-data"));
        let urlencoded = consumes
            .iter()
            .any(|c| c.starts_with("application/x-www-form-urlencoded"));
        let mt = if has_file || (multipart && !urlencoded) {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        if let Some(first) = sites.first() {
            self.map(ptr, &first.target_ptr);
        }
        let schema_ptr = format!("{ptr}/content/{}/schema", pointer::escape(mt));
        let mut properties = Map::new();
        let mut required = Vec::new();
        for site in sites {
            let Some(name) = site.target.get("name").and_then(Value::as_str) else {
                continue;
            };
            let prop_ptr = pointer::join(&format!("{schema_ptr}/properties"), name);
            self.map(&prop_ptr, &site.target_ptr);
            // The parameter's schema, as for a query parameter.
            let converted = self.parameter(site.target, &prop_ptr, &site.target_ptr);
            let mut prop = converted
                .get("schema")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()));
            if let (Some(d), Some(obj)) = (site.target.get("description"), prop.as_object_mut()) {
                obj.insert("description".into(), d.clone());
            }
            if site.target.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::String(name.to_string()));
            }
            properties.insert(name.to_string(), prop);
        }
        let mut schema = Map::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required.clone()));
        }
        let mut content = Map::new();
        content.insert(mt.into(), serde_json::json!({ "schema": schema }));
        let mut out = Map::new();
        out.insert("content".into(), Value::Object(content));
        if !required.is_empty() {
            out.insert("required".into(), Value::Bool(true));
        }
        Value::Object(out)
    }

    /// A response (`ptr` where it goes, `written` where it was).
    pub(super) fn response(
        &mut self,
        r: &Value,
        produces: &[String],
        ptr: &str,
        written: &str,
    ) -> Value {
        let Some(obj) = r.as_object() else {
            return r.clone();
        };
        if obj.contains_key("$ref") {
            let mut r = r.clone();
            schema::fix_ref(&mut r);
            return r;
        }
        let mut out = Map::new();
        out.insert(
            "description".into(),
            obj.get("description").cloned().unwrap_or_else(|| "".into()),
        );
        for (k, v) in obj {
            match k.as_str() {
                "description" | "schema" | "examples" => {}
                "headers" => {
                    let headers = match v.as_object() {
                        Some(h) => Value::Object(
                            h.iter()
                                .map(|(name, h)| {
                                    let hp = pointer::join(&format!("{ptr}/headers"), name);
                                    let hw = pointer::join(&format!("{written}/headers"), name);
                                    (name.clone(), self.header(h, &hp, &hw))
                                })
                                .collect(),
                        ),
                        None => v.clone(),
                    };
                    out.insert(k.clone(), headers);
                }
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        if let Some(s) = obj.get("schema") {
            let mut s = s.clone();
            let file = s.get("type").and_then(Value::as_str) == Some("file");
            schema::fix(&mut s);
            let media: Vec<String> = match (produces.is_empty(), file) {
                (false, _) => produces.to_vec(),
                (true, true) => vec!["application/octet-stream".into()],
                (true, false) => vec!["application/json".into()],
            };
            let examples = obj.get("examples").and_then(Value::as_object);
            let mut content = Map::new();
            for mt in &media {
                let mut m = Map::new();
                m.insert("schema".into(), s.clone());
                if let Some(ex) = examples.and_then(|e| e.get(mt)) {
                    m.insert("example".into(), ex.clone());
                }
                let to = format!("{ptr}/content/{}/schema", pointer::escape(mt));
                self.map(&to, &format!("{written}/schema"));
                content.insert(mt.clone(), Value::Object(m));
            }
            out.insert("content".into(), Value::Object(content));
        }
        Value::Object(out)
    }

    /// A response header: its type becomes a schema.
    fn header(&mut self, h: &Value, ptr: &str, written: &str) -> Value {
        let Some(obj) = h.as_object() else {
            return h.clone();
        };
        let mut out = Map::new();
        let mut schema = Map::new();
        for (k, v) in obj {
            if SCHEMA_KEYS.contains(&k.as_str()) {
                schema.insert(k.clone(), v.clone());
            } else if k != "collectionFormat" {
                out.insert(k.clone(), v.clone());
            }
        }
        let mut schema = Value::Object(schema);
        schema::fix(&mut schema);
        out.insert("schema".into(), schema);
        self.map(&format!("{ptr}/schema"), written);
        Value::Object(out)
    }
}

/// `in: body` or `in: formData`.
fn is_bodyish(p: &Value) -> bool {
    matches!(param_in(p), Some("body" | "formData"))
}
