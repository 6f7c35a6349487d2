//! Repairs of the document's frame: `info`, `servers`, path keys, path
//! parameters, security schemes and requirements.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::super::pointer::{self, get, get_mut};
use super::super::v32;
use super::{template_vars, warn, Repairer, METHODS};

impl Repairer<'_> {
    pub(super) fn document(&mut self, doc: &mut Value) {
        let Some(obj) = doc.as_object_mut() else {
            return;
        };
        if obj.get("info").is_none_or(Value::is_null) {
            obj.insert("info".into(), Value::Object(Map::new()));
            self.warn(
                "missing-info",
                "",
                "the document has no `info` object".into(),
                "read with an empty title and version",
            );
        }
        for key in ["license", "contact"] {
            let ptr = format!("/info/{key}");
            if let Some(slot) = get_mut(doc, &ptr) {
                if slot.is_string() {
                    let name = std::mem::take(slot);
                    *slot = serde_json::json!({ "name": name });
                    self.warn(
                        "scalar-as-object",
                        &ptr,
                        format!("`{key}` must be an object, found a string"),
                        "the string is read as its `name`",
                    );
                }
            }
        }
        self.servers(doc);
        self.strings(
            doc,
            "/info",
            &[
                "title",
                "version",
                "description",
                "termsOfService",
                "summary",
            ],
        );
        self.strings(doc, "/info/contact", &["name", "url", "email"]);
        self.strings(doc, "/info/license", &["name", "url", "identifier"]);
        self.strings(doc, "/externalDocs", &["url", "description"]);
        let Some(info) = doc.get_mut("info").and_then(Value::as_object_mut) else {
            return;
        };
        for key in ["title", "version"] {
            if info.get(key).is_none_or(Value::is_null) {
                info.insert(key.into(), Value::String(String::new()));
                self.warn(
                    if key == "title" {
                        "missing-title"
                    } else {
                        "missing-info-version"
                    },
                    "/info",
                    format!("`info` has no `{key}`"),
                    format!("read with an empty {key}"),
                );
            }
        }
        for (list, keys) in [
            ("servers", &["url", "description"][..]),
            ("tags", &["name", "description"][..]),
        ] {
            let n = doc.get(list).and_then(Value::as_array).map_or(0, Vec::len);
            for i in 0..n {
                self.strings(doc, &format!("/{list}/{i}"), keys);
            }
        }
        if let Some(servers) = doc.get("servers").and_then(Value::as_array) {
            let vars: Vec<String> = servers
                .iter()
                .enumerate()
                .flat_map(|(i, s)| {
                    s.get("variables")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flat_map(move |m| {
                            m.keys().map(move |k| {
                                format!("/servers/{i}/variables/{}", pointer::escape(k))
                            })
                        })
                })
                .collect();
            for v in vars {
                self.strings(doc, &v, &["default", "description"]);
                self.string_items(doc, &format!("{v}/enum"));
            }
        }
    }

    /// Servers without a `url` are left out; a server variable without a
    /// `default` gets its first `enum` value (or `""`).
    pub(super) fn servers(&mut self, doc: &mut Value) {
        let Some(servers) = doc.get_mut("servers").and_then(Value::as_array_mut) else {
            return;
        };
        let mut notes: Vec<(String, String, &str, &'static str)> = Vec::new();
        let mut i = 0;
        let mut index = 0;
        servers.retain_mut(|server| {
            let ptr = format!("/servers/{index}");
            index += 1;
            let ok = server
                .get("url")
                .is_some_and(|u| u.is_string() || u.is_number());
            if !ok {
                notes.push((
                    ptr,
                    "the server has no `url`".into(),
                    "the server is left out",
                    "server-without-url",
                ));
                return false;
            }
            if let Some(vars) = server.get_mut("variables").and_then(Value::as_object_mut) {
                for (name, var) in vars.iter_mut() {
                    let Some(var) = var.as_object_mut() else {
                        continue;
                    };
                    if !var.contains_key("default") {
                        let first = var
                            .get("enum")
                            .and_then(Value::as_array)
                            .and_then(|e| e.first())
                            .cloned()
                            .unwrap_or_else(|| Value::String(String::new()));
                        var.insert("default".into(), first);
                        notes.push((
                            format!("/servers/{i}/variables/{}", pointer::escape(name)),
                            format!("server variable `{name}` has no `default`"),
                            "its first `enum` value (or an empty string) is the default",
                            "server-variable-default",
                        ));
                    }
                }
            }
            i += 1;
            true
        });
        for (ptr, message, repair, code) in notes {
            self.warn(code, &ptr, message, repair);
        }
    }

    /// Path keys: a missing leading slash is added, a query string is cut
    /// off, method keys are lower-cased; a key that then collides with
    /// another has its operations merged into it (an operation that exists
    /// in both is kept once, with a warning).
    pub(super) fn paths(&mut self, doc: &mut Value) {
        let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
            return;
        };
        let needs = paths
            .keys()
            .any(|k| !k.starts_with("x-") && (!k.starts_with('/') || k.contains('?')))
            || paths.values().any(|item| {
                item.as_object().is_some_and(|o| {
                    o.keys().any(|k| {
                        METHODS.contains(&k.to_ascii_lowercase().as_str())
                            && k.chars().any(|c| c.is_ascii_uppercase())
                    })
                })
            });
        if !needs {
            return;
        }
        let old = std::mem::take(paths);
        let mut new: Map<String, Value> = Map::new();
        let mut notes: Vec<(String, String, String, &'static str)> = Vec::new();
        for (key, mut item) in old {
            let ptr = format!("/paths/{}", pointer::escape(&key));
            if key.starts_with("x-") {
                new.insert(key, item);
                continue;
            }
            let mut fixed = key.trim().to_string();
            if let Some(q) = fixed.find('?') {
                fixed.truncate(q);
                notes.push((
                    ptr.clone(),
                    format!("the path key `{key}` carries a query string"),
                    format!("read as `{fixed}`; declare query parameters `in: query`"),
                    "path-with-query",
                ));
            }
            if !fixed.starts_with('/') {
                fixed.insert(0, '/');
                notes.push((
                    ptr.clone(),
                    format!("the path key `{key}` does not start with `/`"),
                    format!("read as `{fixed}`"),
                    "path-without-slash",
                ));
            }
            if let Some(o) = item.as_object_mut() {
                let upper: Vec<String> = o
                    .keys()
                    .filter(|k| {
                        METHODS.contains(&k.to_ascii_lowercase().as_str())
                            && k.chars().any(|c| c.is_ascii_uppercase())
                    })
                    .cloned()
                    .collect();
                for k in upper {
                    let lower = k.to_ascii_lowercase();
                    if o.contains_key(&lower) {
                        continue;
                    }
                    if let Some(v) = o.shift_remove(&k) {
                        o.insert(lower.clone(), v);
                        notes.push((
                            format!("{ptr}/{}", pointer::escape(&k)),
                            format!("the method key `{k}` is not lower-case"),
                            format!("read as `{lower}`"),
                            "method-case",
                        ));
                    }
                }
            }
            match new.get_mut(&fixed) {
                None => {
                    new.insert(fixed, item);
                }
                Some(existing) => {
                    let (Some(e), Value::Object(o)) = (existing.as_object_mut(), item) else {
                        notes.push((
                            ptr.clone(),
                            format!("the path key `{key}` repeats `{fixed}`"),
                            "the second one is left out".into(),
                            "duplicate-path",
                        ));
                        continue;
                    };
                    for (k, v) in o {
                        if e.contains_key(&k) {
                            notes.push((
                                format!("{ptr}/{}", pointer::escape(&k)),
                                format!("`{k}` of `{key}` repeats the one of `{fixed}`"),
                                "the second one is left out".into(),
                                "duplicate-path",
                            ));
                        } else {
                            e.insert(k, v);
                        }
                    }
                }
            }
        }
        *paths = new;
        for (ptr, message, repair, code) in notes {
            self.warn(code, &ptr, message, repair);
        }
    }

    /// Security requirements that name a scheme `components.securitySchemes`
    /// does not define: the name is dropped (no credential can be sent for
    /// it), and a requirement left with no name is dropped too.
    pub(super) fn security(&mut self, doc: &mut Value) {
        let known: BTreeSet<String> = doc
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let mut places = vec!["/security".to_string()];
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (key, item) in paths {
                for op in item
                    .as_object()
                    .map(v32::operation_tokens)
                    .unwrap_or_default()
                {
                    places.push(format!("/paths/{}/{op}/security", pointer::escape(key)));
                }
            }
        }
        for place in places {
            let Some(list) = get_mut(doc, &place).and_then(Value::as_array_mut) else {
                continue;
            };
            let mut dropped: Vec<String> = Vec::new();
            let mut strings = false;
            for req in list.iter_mut() {
                if let Value::String(name) = req {
                    *req = serde_json::json!({ name.clone(): [] });
                    strings = true;
                }
            }
            if strings {
                warn(
                    self.sources,
                    self.diags,
                    "security-requirement-shape",
                    &place,
                    "a security requirement is a scheme name, not a map of names to scopes".into(),
                    "read as `{name: []}`",
                );
            }
            let Some(list) = get_mut(doc, &place).and_then(Value::as_array_mut) else {
                continue;
            };
            list.retain_mut(|req| {
                let Some(o) = req.as_object_mut() else {
                    return true;
                };
                if o.is_empty() {
                    return true;
                }
                let unknown: Vec<String> =
                    o.keys().filter(|k| !known.contains(*k)).cloned().collect();
                for k in &unknown {
                    o.shift_remove(k);
                    if !dropped.contains(k) {
                        dropped.push(k.clone());
                    }
                }
                !o.is_empty()
            });
            // `securityDefinitions` in a Swagger 2.0 file.
            let section = self
                .sources
                .written_pointer("/components/securitySchemes")
                .trim_start_matches('/')
                .replace('/', ".");
            for name in dropped {
                self.warn(
                    "undefined-security-scheme",
                    &place,
                    format!("security scheme `{name}` is not defined in `{section}`"),
                    "the requirement is left out: no credential is sent for it",
                );
            }
        }
    }

    /// Path-template variables without a declared path parameter become
    /// required string path parameters of each operation that lacks them.
    pub(super) fn path_params(&mut self, doc: &mut Value) {
        let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
            return;
        };
        let mut adds: Vec<(String, String, String)> = Vec::new();
        let mut warned: BTreeSet<(String, String)> = BTreeSet::new();
        for (key, item) in paths {
            let vars = template_vars(key);
            if vars.is_empty() {
                continue;
            }
            let item_value = item;
            let Some(item) = item.as_object() else {
                continue;
            };
            let mut declared_item = BTreeSet::new();
            for p in item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(n) = path_param_name(doc, p) {
                    declared_item.insert(n);
                }
            }
            for token in v32::operation_tokens(item) {
                let Some(op) = get(item_value, &format!("/{token}")) else {
                    continue;
                };
                let mut declared = declared_item.clone();
                for p in op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(n) = path_param_name(doc, p) {
                        declared.insert(n);
                    }
                }
                for v in &vars {
                    if !declared.contains(v) {
                        adds.push((
                            format!("/paths/{}/{token}", pointer::escape(key)),
                            key.clone(),
                            v.clone(),
                        ));
                    }
                }
            }
        }
        for (op_ptr, path, var) in adds {
            if let Some(op) = get_mut(doc, &op_ptr).and_then(Value::as_object_mut) {
                let list = op
                    .entry("parameters")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Some(a) = list.as_array_mut() {
                    a.push(serde_json::json!({
                        "name": var,
                        "in": "path",
                        "required": true,
                        "schema": {"type": "string"},
                    }));
                }
            }
            if warned.insert((path.clone(), var.clone())) {
                self.warn(
                    "undeclared-path-param",
                    &format!("/paths/{}", pointer::escape(&path)),
                    format!(
                        "path `{path}` uses `{{{var}}}`, but declares no path parameter `{var}`"
                    ),
                    format!("`{var}` is read as a required string path parameter"),
                );
            }
        }
    }

    pub(super) fn security_scheme(&mut self, doc: &mut Value, ptr: &str) {
        self.strings(doc, ptr, &["description", "name", "scheme", "bearerFormat"]);
        let Some(s) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        if let Some(t) = s.get("type").and_then(Value::as_str) {
            let fixed = match t.to_ascii_lowercase().as_str() {
                "apikey" | "api_key" => Some("apiKey"),
                "http" => Some("http"),
                "oauth2" => Some("oauth2"),
                "openidconnect" => Some("openIdConnect"),
                "basic" => Some("http"),
                "bearer" => Some("http"),
                _ => None,
            };
            if let Some(f) = fixed.filter(|f| *f != t) {
                let orig = t.to_string();
                if matches!(orig.to_ascii_lowercase().as_str(), "basic" | "bearer") {
                    s.insert("scheme".into(), Value::String(orig.to_ascii_lowercase()));
                }
                s.insert("type".into(), Value::String(f.into()));
                self.warn(
                    "security-scheme-type",
                    &format!("{ptr}/type"),
                    format!("security scheme type `{orig}` is not one of OpenAPI's"),
                    format!("read as `{f}`"),
                );
            }
        }
        let Some(s) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        let ty = s.get("type").and_then(Value::as_str).map(str::to_string);
        if !matches!(
            ty.as_deref(),
            Some("apiKey" | "http" | "oauth2" | "openIdConnect" | "mutualTLS")
        ) {
            self.remove(doc, ptr);
            let found = ty.map_or("no `type`".to_string(), |t| format!("`type: {t}`"));
            self.warn(
                "invalid-security-scheme",
                ptr,
                format!("the security scheme has {found}"),
                "the scheme is left out, and so are the requirements that name it",
            );
            return;
        }
        if ty.as_deref() == Some("apiKey") {
            let loc = s.get("in").and_then(Value::as_str).map(str::to_string);
            if !matches!(loc.as_deref(), Some("query" | "header" | "cookie")) {
                let fixed = loc
                    .as_deref()
                    .map(str::to_ascii_lowercase)
                    .filter(|l| matches!(l.as_str(), "query" | "header" | "cookie"))
                    .unwrap_or_else(|| "header".to_string());
                s.insert("in".into(), Value::String(fixed.clone()));
                if !s.get("name").is_some_and(Value::is_string) {
                    s.insert("name".into(), Value::String("Authorization".into()));
                }
                let found = loc.map_or("no `in`".to_string(), |l| format!("`in: {l}`"));
                self.warn(
                    "security-scheme-location",
                    ptr,
                    format!("the API key scheme has {found}"),
                    format!("read as `in: {fixed}`"),
                );
            }
        }
        // OAuth flows without `scopes`.
        let Some(flows) = get_mut(doc, &format!("{ptr}/flows")).and_then(Value::as_object_mut)
        else {
            return;
        };
        let missing: Vec<String> = flows
            .iter()
            .filter(|(_, f)| {
                f.as_object()
                    .is_some_and(|f| !f.get("scopes").is_some_and(Value::is_object))
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in missing {
            if let Some(f) = flows.get_mut(&k).and_then(Value::as_object_mut) {
                f.insert("scopes".into(), Value::Object(Map::new()));
            }
            warn(
                self.sources,
                self.diags,
                "oauth-flow-without-scopes",
                &format!("{ptr}/flows/{}", pointer::escape(&k)),
                format!("OAuth flow `{k}` has no `scopes` map"),
                "read with no scopes",
            );
        }
    }
}

/// The name of a path parameter (following local `$ref`s).
fn path_param_name(doc: &Value, p: &Value) -> Option<String> {
    let p = pointer::follow(p, |p| match pointer::ref_of(p) {
        None => pointer::Hop::End,
        Some(r) => match pointer::local(r).and_then(|t| get(doc, &t)) {
            Some(next) => pointer::Hop::To(next),
            None => pointer::Hop::Broken,
        },
    })?;
    if p.get("in").and_then(Value::as_str) == Some("path") {
        p.get("name").and_then(Value::as_str).map(str::to_string)
    } else {
        None
    }
}
