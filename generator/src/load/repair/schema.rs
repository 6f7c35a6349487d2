//! Repairs of schemas: Swagger and 3.1 habits in a 3.0 document, type
//! spellings, lone values where lists belong, invalid counts.

use serde_json::Value;

use super::super::pointer::{self, get, get_mut};
use super::super::v31;
use super::{warn, Repairer};

impl Repairer<'_> {
    pub(super) fn schema(&mut self, doc: &mut Value, ptr: &str) {
        self.strings(doc, ptr, &["title", "description", "format", "pattern"]);
        // `required: true` on a property (a Swagger habit).
        let required = get(doc, ptr).and_then(|s| s.get("required")).cloned();
        match required {
            Some(Value::Bool(b)) => {
                if let Some(s) = get_mut(doc, ptr).and_then(Value::as_object_mut) {
                    s.shift_remove("required");
                }
                let toks = pointer::tokens(ptr);
                let parent = toks.len() >= 2 && toks[toks.len() - 2] == "properties";
                let repair = if parent && b {
                    let name = toks[toks.len() - 1].clone();
                    let parent_ptr = &ptr[..ptr.rfind("/properties/").unwrap_or(0)];
                    if let Some(ps) = get_mut(doc, parent_ptr).and_then(Value::as_object_mut) {
                        let list = ps
                            .entry("required")
                            .or_insert_with(|| Value::Array(Vec::new()));
                        if !list.is_array() {
                            *list = Value::Array(Vec::new());
                        }
                        if let Some(a) = list.as_array_mut() {
                            if !a.iter().any(|v| v.as_str() == Some(&name)) {
                                a.push(Value::String(name.clone()));
                            }
                        }
                    }
                    format!("`{name}` is added to the parent's `required` list")
                } else if parent {
                    "read as an optional property".to_string()
                } else {
                    "ignored: it is not on a property".to_string()
                };
                self.warn("required-on-property", &format!("{ptr}/required"), format!("`required: {b}` on a schema: `required` is a list of property names on the parent object"), repair);
            }
            Some(Value::String(_)) => self.list_at(doc, &format!("{ptr}/required")),
            Some(Value::Array(_)) => self.string_items(doc, &format!("{ptr}/required")),
            _ => {}
        }
        // Swagger 2.0's `discriminator: name`.
        if let Some(s) = get_mut(doc, ptr).and_then(Value::as_object_mut) {
            if let Some(Value::String(name)) = s.get("discriminator") {
                let name = name.clone();
                s.insert(
                    "discriminator".into(),
                    serde_json::json!({ "propertyName": name }),
                );
                self.warn(
                    "discriminator-string",
                    &format!("{ptr}/discriminator"),
                    "`discriminator` is a property name (Swagger 2.0); OpenAPI 3 wants an object"
                        .into(),
                    format!("read as `{{propertyName: {name}}}`"),
                );
            }
        }
        // `required: [...]` written inside `properties`.
        let misplaced =
            get(doc, &format!("{ptr}/properties/required")).is_some_and(Value::is_array);
        if misplaced {
            if let Some(s) = get_mut(doc, ptr).and_then(Value::as_object_mut) {
                let list = s
                    .get_mut("properties")
                    .and_then(Value::as_object_mut)
                    .and_then(|p| p.shift_remove("required"))
                    .unwrap_or_default();
                if !s.contains_key("required") {
                    s.insert("required".into(), list);
                }
            }
            self.warn(
                "required-in-properties",
                &format!("{ptr}/properties/required"),
                "`required` is written inside `properties`".into(),
                "read as the object's `required` list",
            );
        }
        // Type spellings.
        let Some(s) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        if !self.is_31 {
            if let Some(Value::Array(types)) = s.get("type") {
                let written = Value::Array(types.clone()).to_string();
                v31::type_array(s);
                self.warn("type-array-in-3.0", &format!("{ptr}/type"), format!("`type: {written}` is OpenAPI 3.1 syntax in a 3.0 document"), "read as in 3.1 (a `null` member makes it nullable; several types make a union)");
            }
        }
        let Some(s) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        if let Some(t) = s.get("type").filter(|t| !t.is_string() && !t.is_array()) {
            let written = t.to_string();
            s.shift_remove("type");
            warn(
                self.sources,
                self.diags,
                "unknown-type",
                &format!("{ptr}/type"),
                format!("`type: {written}` is not a JSON Schema type"),
                "the type is left out: any value",
            );
        }
        if let Some(Value::String(t)) = s.get("type") {
            let t = t.clone();
            let fixed: Option<(Option<&str>, Option<&str>)> = match t.to_ascii_lowercase().as_str()
            {
                "string" | "integer" | "number" | "boolean" | "object" | "array"
                    if t.chars().any(|c| c.is_ascii_uppercase()) =>
                {
                    Some((Some(leak_type(&t)), None))
                }
                "string" | "integer" | "number" | "boolean" | "object" | "array" => None,
                "int" | "int32" => Some((Some("integer"), Some("int32"))),
                "long" | "int64" => Some((Some("integer"), Some("int64"))),
                "float" => Some((Some("number"), Some("float"))),
                "double" | "decimal" => Some((Some("number"), Some("double"))),
                "bool" => Some((Some("boolean"), None)),
                "file" | "binary" => Some((Some("string"), Some("binary"))),
                "date" => Some((Some("string"), Some("date"))),
                "datetime" | "date-time" => Some((Some("string"), Some("date-time"))),
                "null" if !self.is_31 => Some((None, None)),
                _ => Some((None, None)),
            };
            if let Some((ty, format)) = fixed {
                match ty {
                    Some(ty) => {
                        s.insert("type".into(), Value::String(ty.into()));
                    }
                    None => {
                        s.shift_remove("type");
                    }
                }
                if let Some(f) = format {
                    s.entry("format").or_insert_with(|| Value::String(f.into()));
                }
                let repair = match (ty, format) {
                    (Some(t), Some(f)) => format!("read as `type: {t}, format: {f}`"),
                    (Some(t), None) => format!("read as `type: {t}`"),
                    _ => "the type is left out: any value".to_string(),
                };
                self.warn(
                    "unknown-type",
                    &format!("{ptr}/type"),
                    format!("`type: {t}` is not a JSON Schema type"),
                    repair,
                );
            }
        }
        let Some(s) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        // A lone `enum` value.
        if let Some(e) = s.get("enum") {
            if !e.is_array() {
                let one = e.clone();
                s.insert("enum".into(), Value::Array(vec![one]));
                self.warn(
                    "scalar-as-list",
                    &format!("{ptr}/enum"),
                    "`enum` must be a list".into(),
                    "read as a list of that one value",
                );
            }
        }
        // Numbers in a string enum are the strings they were written as.
        let is_string = get(doc, ptr)
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
            == Some("string");
        if is_string {
            self.string_items(doc, &format!("{ptr}/enum"));
        }
        // Negative or fractional counts.
        let Some(s) = get_mut(doc, ptr).and_then(Value::as_object_mut) else {
            return;
        };
        let bad: Vec<String> = [
            "minItems",
            "maxItems",
            "minLength",
            "maxLength",
            "minProperties",
            "maxProperties",
        ]
        .iter()
        .filter(|k| s.get(**k).is_some_and(|v| v.as_u64().is_none()))
        .map(|k| k.to_string())
        .collect();
        for k in bad {
            let v = s.shift_remove(&k).unwrap_or_default();
            warn(
                self.sources,
                self.diags,
                "invalid-count",
                &format!("{ptr}/{k}"),
                format!("`{k}: {v}` is not a count (a whole number, 0 or more)"),
                "the keyword is left out",
            );
        }
        // 3.1 keywords in a 3.0 document that the 3.0 model would drop.
        if !self.is_31 {
            if s.contains_key("const") && !s.contains_key("enum") {
                v31::const_to_enum(s);
                warn(
                    self.sources,
                    self.diags,
                    "keyword-from-3.1",
                    &format!("{ptr}/const"),
                    "`const` is OpenAPI 3.1 syntax in a 3.0 document".into(),
                    "read as a one-value `enum`",
                );
            }
            for k in ["exclusiveMinimum", "exclusiveMaximum"] {
                if s.get(k).is_some_and(Value::is_number) {
                    v31::exclusive_bounds(s);
                    warn(
                        self.sources,
                        self.diags,
                        "keyword-from-3.1",
                        &format!("{ptr}/{k}"),
                        format!("a numeric `{k}` is OpenAPI 3.1 syntax in a 3.0 document"),
                        "read as in 3.1",
                    );
                }
            }
        }
    }
}

/// The canonical spelling of a known type name written in another case.
fn leak_type(t: &str) -> &'static str {
    match t.to_ascii_lowercase().as_str() {
        "string" => "string",
        "integer" => "integer",
        "number" => "number",
        "boolean" => "boolean",
        "object" => "object",
        _ => "array",
    }
}
