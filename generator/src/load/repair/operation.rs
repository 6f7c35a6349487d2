//! Repairs of operations and what hangs off them: parameters, request
//! bodies, responses, headers, media types, examples, links, callbacks.

use serde_json::{Map, Value};

use super::super::pointer::{self, get, get_mut};
use super::{warn, Repairer};

impl Repairer<'_> {
    pub(super) fn operation(&mut self, doc: &mut Value, ptr: &str) {
        self.strings(doc, ptr, &["summary", "description", "operationId"]);
        self.list_at(doc, &format!("{ptr}/tags"));
        let Some(op) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        let empty = match op.get("responses") {
            None => true,
            Some(Value::Object(m)) => m.keys().all(|k| k.starts_with("x-")),
            Some(_) => false,
        };
        if empty {
            let mut responses = match op.shift_remove("responses") {
                Some(Value::Object(m)) => m,
                _ => Map::new(),
            };
            responses.insert(
                "default".into(),
                serde_json::json!({"description": "The spec declares no responses; the body is not read."}),
            );
            op.insert("responses".into(), Value::Object(responses));
            self.warn(
                "missing-responses",
                ptr,
                "the operation declares no responses".into(),
                "read as an untyped success: any status below 400 succeeds and the body is not read",
            );
        }
        // `in: body` / `in: formData` parameters (a Swagger 2.0 habit)
        // become the request body.
        self.body_parameters(doc, ptr);
    }

    pub(super) fn body_parameters(&mut self, doc: &mut Value, ptr: &str) {
        let Some(params) = get(doc, &format!("{ptr}/parameters")).and_then(Value::as_array) else {
            return;
        };
        let body: Vec<usize> = params
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                matches!(
                    p.get("in").and_then(Value::as_str),
                    Some("body" | "formData")
                )
            })
            .map(|(i, _)| i)
            .collect();
        if body.is_empty() {
            return;
        }
        let has_body = get(doc, &format!("{ptr}/requestBody")).is_some();
        let mut form = Map::new();
        let mut required_form = Vec::new();
        let mut json_body = None;
        for &i in body.iter().rev() {
            let p = format!("{ptr}/parameters/{i}");
            let Some(param) = get(doc, &p).cloned() else {
                continue;
            };
            self.remove(doc, &p);
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("body")
                .to_string();
            let is_body = param.get("in").and_then(Value::as_str) == Some("body");
            let repair = if has_body {
                "left out: the operation already has a `requestBody`".to_string()
            } else if is_body {
                "read as the JSON request body".to_string()
            } else {
                "read as a field of a form request body".to_string()
            };
            self.warn(
                "body-parameter",
                &p,
                format!(
                    "parameter `{name}` is `in: {}`, which OpenAPI 3 does not have",
                    if is_body { "body" } else { "formData" }
                ),
                repair,
            );
            if has_body {
                continue;
            }
            if is_body {
                json_body = Some((
                    param
                        .get("schema")
                        .cloned()
                        .unwrap_or_else(|| Value::Object(Map::new())),
                    param
                        .get("required")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    param.get("description").cloned(),
                ));
            } else {
                let mut schema = Map::new();
                for k in ["type", "format", "items", "enum", "default", "description"] {
                    if let Some(v) = param.get(k) {
                        schema.insert(k.into(), v.clone());
                    }
                }
                if schema.get("type").and_then(Value::as_str) == Some("file") {
                    schema.insert("type".into(), "string".into());
                    schema.insert("format".into(), "binary".into());
                }
                if param.get("required").and_then(Value::as_bool) == Some(true) {
                    required_form.insert(0, Value::String(name.clone()));
                }
                let mut entries: Vec<(String, Value)> =
                    std::mem::take(&mut form).into_iter().collect();
                entries.insert(0, (name, Value::Object(schema)));
                form = entries.into_iter().collect();
            }
        }
        if has_body {
            return;
        }
        let Some(op) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        let rb = if let Some((schema, required, description)) = json_body {
            let mut rb = serde_json::json!({
                "required": required,
                "content": {"application/json": {"schema": schema}},
            });
            if let (Some(d), Some(o)) = (description, rb.as_object_mut()) {
                o.insert("description".into(), d);
            }
            rb
        } else {
            let multipart = form
                .values()
                .any(|s| s.get("format").and_then(Value::as_str) == Some("binary"));
            let mt = if multipart {
                "multipart/form-data"
            } else {
                "application/x-www-form-urlencoded"
            };
            let mut schema =
                serde_json::json!({"type": "object", "properties": Value::Object(form)});
            if !required_form.is_empty() {
                if let Some(o) = schema.as_object_mut() {
                    o.insert("required".into(), Value::Array(required_form.clone()));
                }
            }
            serde_json::json!({
                "required": !required_form.is_empty(),
                "content": {mt: {"schema": schema}},
            })
        };
        op.insert("requestBody".into(), rb);
    }

    /// `parameters` written as a map of name → parameter.
    pub(super) fn parameter_map(&mut self, doc: &mut Value, ptr: &str) {
        let p = format!("{ptr}/parameters");
        if let Some(slot) = get_mut(doc, &p) {
            if let Value::Object(m) = slot {
                let list: Vec<Value> = std::mem::take(m).into_iter().map(|(_, v)| v).collect();
                *slot = Value::Array(list);
                self.warn(
                    "parameters-map",
                    &p,
                    "`parameters` must be a list, found a map".into(),
                    "its values are read as the list",
                );
            }
        }
    }

    pub(super) fn parameter(&mut self, doc: &mut Value, ptr: &str) {
        self.strings(doc, ptr, &["name", "description", "in"]);
        let Some(p) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        if !p.get("name").is_some_and(Value::is_string) {
            self.remove(doc, ptr);
            self.warn(
                "parameter-without-name",
                ptr,
                "the parameter has no `name`".into(),
                "the parameter is left out (a client cannot send it)",
            );
            return;
        }
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let location = p.get("in").and_then(Value::as_str).map(str::to_string);
        match location.as_deref() {
            Some("query" | "header" | "path" | "cookie" | "body" | "formData") => {}
            Some(other)
                if matches!(
                    other.to_ascii_lowercase().as_str(),
                    "query" | "header" | "path" | "cookie"
                ) =>
            {
                let lower = other.to_ascii_lowercase();
                p.insert("in".into(), Value::String(lower.clone()));
                self.warn(
                    "parameter-location",
                    &format!("{ptr}/in"),
                    format!("parameter `{name}` is `in: {other}`"),
                    format!("read as `in: {lower}`"),
                );
            }
            other => {
                // In the path template of its path item? A path parameter;
                // otherwise a query parameter.
                let in_path = ptr
                    .strip_prefix("/paths/")
                    .and_then(|rest| rest.split('/').next())
                    .map(|t| pointer::unescape(t).into_owned())
                    .is_some_and(|path| path.contains(&format!("{{{name}}}")));
                let guess = if in_path { "path" } else { "query" };
                p.insert("in".into(), Value::String(guess.into()));
                if in_path {
                    p.insert("required".into(), Value::Bool(true));
                }
                let found = match other {
                    Some(o) => format!("`in: {o}`, which is not a parameter location"),
                    None => "no `in`".to_string(),
                };
                self.warn(
                    "parameter-location",
                    ptr,
                    format!("parameter `{name}` has {found}"),
                    format!("read as `in: {guess}`"),
                );
            }
        }
        let Some(p) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        if matches!(
            p.get("in").and_then(Value::as_str),
            Some("body" | "formData")
        ) {
            return;
        }
        if p.get("in").and_then(Value::as_str) == Some("path")
            && p.get("required") != Some(&Value::Bool(true))
        {
            p.insert("required".into(), Value::Bool(true));
            self.warn(
                "path-param-not-required",
                ptr,
                format!("path parameter `{name}` is not marked `required: true`"),
                "read as required (a path parameter always is)",
            );
        }
        let Some(p) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        if !p.contains_key("schema") && !p.contains_key("content") {
            // Swagger-style `type`/`format`/`items`/`enum` on the parameter
            // itself become its schema.
            let mut schema = Map::new();
            for k in [
                "type",
                "format",
                "items",
                "enum",
                "default",
                "minimum",
                "maximum",
                "pattern",
                "minLength",
                "maxLength",
            ] {
                if let Some(v) = p.get(k) {
                    schema.insert(k.into(), v.clone());
                }
            }
            let repair = if schema.contains_key("type") {
                "its `type` and related keywords are read as its schema"
            } else {
                schema.insert("type".into(), "string".into());
                "read as a string"
            };
            p.insert("schema".into(), Value::Object(schema));
            self.warn(
                "parameter-without-schema",
                ptr,
                format!("parameter `{name}` has neither `schema` nor `content`"),
                repair,
            );
        }
    }

    pub(super) fn response(&mut self, doc: &mut Value, ptr: &str) {
        self.strings(doc, ptr, &["description"]);
        let Some(r) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        if !r.get("description").is_some_and(Value::is_string) {
            r.insert("description".into(), Value::String(String::new()));
            self.warn(
                "response-without-description",
                ptr,
                "the response has no `description`".into(),
                "read with an empty description",
            );
        }
        let Some(r) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        // Swagger 2.0's `schema` on the response itself.
        if !r.contains_key("content") {
            if let Some(schema) = r.shift_remove("schema") {
                r.insert(
                    "content".into(),
                    serde_json::json!({"application/json": {"schema": schema}}),
                );
                self.warn(
                    "response-schema",
                    &format!("{ptr}/schema"),
                    "the response has a `schema` but no `content` (a Swagger 2.0 habit)".into(),
                    "read as `content: {application/json: {schema}}`",
                );
            }
        }
    }

    pub(super) fn header(&mut self, doc: &mut Value, ptr: &str) {
        self.strings(doc, ptr, &["description"]);
        let Some(h) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        if let Some(style) = h
            .get("style")
            .and_then(Value::as_str)
            .filter(|s| *s != "simple")
        {
            let style = style.to_string();
            h.shift_remove("style");
            warn(
                self.sources,
                self.diags,
                "header-style",
                &format!("{ptr}/style"),
                format!("a header's style is always `simple`, found `{style}`"),
                "read as `simple`",
            );
        }
        let Some(h) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        if !h.contains_key("schema") && !h.contains_key("content") {
            let mut schema = Map::new();
            for k in ["type", "format", "items", "enum"] {
                if let Some(v) = h.shift_remove(k) {
                    schema.insert(k.into(), v);
                }
            }
            if !schema.contains_key("type") {
                schema.insert("type".into(), "string".into());
            }
            h.insert("schema".into(), Value::Object(schema));
            self.warn(
                "header-without-schema",
                ptr,
                "the header has neither `schema` nor `content`".into(),
                "read with its `type` as the schema, or as a string",
            );
        }
    }

    pub(super) fn request_body(&mut self, doc: &mut Value, ptr: &str) {
        self.strings(doc, ptr, &["description"]);
        if get(doc, ptr)
            .and_then(Value::as_object)
            .is_some_and(|o| !o.contains_key("content"))
        {
            if let Some(o) = get_mut(doc, ptr).and_then(Value::as_object_mut) {
                let content = match o.shift_remove("schema") {
                    Some(s) => serde_json::json!({"application/json": {"schema": s}}),
                    None => serde_json::json!({"application/json": {}}),
                };
                o.insert("content".into(), content);
            }
            self.warn(
                "request-body-without-content",
                ptr,
                "the request body has no `content`".into(),
                "read as an untyped JSON body",
            );
        }
    }

    pub(super) fn media_type(&mut self, doc: &mut Value, ptr: &str) {
        // `examples: [...]` (a JSON Schema habit) where a map belongs.
        let Some(m) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        if let Some(Value::Array(list)) = m.get("examples") {
            let first = list.first().cloned();
            m.shift_remove("examples");
            if let Some(f) = first {
                m.entry("example").or_insert(f);
            }
            self.warn(
                "examples-list",
                &format!("{ptr}/examples"),
                "`examples` is a list; here it must be a map of Example objects".into(),
                "the first item is read as `example`",
            );
        }
    }

    /// An Example object written as the bare value.
    pub(super) fn example(&mut self, doc: &mut Value, ptr: &str) {
        if let Some(slot) = get_mut(doc, ptr) {
            if !slot.is_object() {
                let value = std::mem::take(slot);
                *slot = serde_json::json!({ "value": value });
                self.warn(
                    "example-shape",
                    ptr,
                    "an Example object is written as the bare value".into(),
                    "read as `{value: ...}`",
                );
            }
        }
        self.strings(doc, ptr, &["summary", "description"]);
    }

    /// A link without `operationId` or `operationRef` is left out.
    pub(super) fn link(&mut self, doc: &mut Value, ptr: &str) {
        self.strings(doc, ptr, &["description", "operationId"]);
        let ok = get(doc, ptr).and_then(Value::as_object).is_some_and(|l| {
            l.get("operationId").is_some_and(Value::is_string)
                || l.get("operationRef").is_some_and(Value::is_string)
        });
        if !ok {
            self.remove(doc, ptr);
            self.warn(
                "invalid-link",
                ptr,
                "the link names no `operationId` or `operationRef`".into(),
                "the link is left out",
            );
        }
    }

    /// Callback entries that are not path items are left out.
    pub(super) fn callback(&mut self, doc: &mut Value, ptr: &str) {
        let Some(cb) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        let bad: Vec<String> = cb
            .iter()
            .filter(|(k, v)| !k.starts_with("x-") && !v.is_object())
            .map(|(k, _)| k.clone())
            .collect();
        for k in bad {
            cb.shift_remove(&k);
            let mut p = ptr.to_string();
            super::pointer::push_token(&mut p, &k);
            warn(
                self.sources,
                self.diags,
                "invalid-callback",
                &p,
                format!("callback entry `{k}` is not a path item"),
                "the entry is left out",
            );
        }
    }
}
