//! The pipeline the fuzz targets drive, and the mutations of the structure-aware target.
//!
//! A crash is any panic, or generated code that does not parse (`emit` reports that as an
//! internal error, which [`pipeline`] turns into a panic so the fuzzer keeps the input).

use arbitrary::{Result, Unstructured};
use oagen::{Layout, Options};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Runs load → normalize → IR → render → emit on one document. `name` decides the format
/// (`.json` or `.yaml`); it lives in a directory that does not exist, so relative `$ref`s to
/// other files fail cleanly instead of reading the disk.
pub fn pipeline(text: &str, name: &str) {
    let path = Path::new("/nonexistent-oagen-fuzz").join(name);
    match oagen::generate_str(text, &path, Layout::Crate, &Options::default()) {
        Ok(_) => {}
        Err(diags) => {
            // Rendering the diagnostics is part of the contract too (positions, snippets).
            let _ = diags.render(false);
            if let Some(d) = diags.iter().find(|d| d.code == "internal") {
                panic!("emit failed on a spec the IR accepted: {d}");
            }
        }
    }
}

/// The seed specs: every valid fixture, as JSON values.
pub fn seeds() -> &'static [Value] {
    static SEEDS: OnceLock<Vec<Value>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        // The small single-construct fixtures: the large curated specs would make each run
        // ten times slower without reaching more code.
        for dir in ["tests/fixtures/gen"] {
            if let Ok(rd) = std::fs::read_dir(root.join(dir)) {
                files.extend(rd.flatten().map(|e| e.path()));
            }
        }
        files.retain(|p| {
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        });
        files.sort();
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter_map(|t| serde_yaml_ng::from_str::<Value>(&t).ok())
            // OpenAPI 3 and Swagger 2.0 (`swagger2-*`) fixtures.
            .filter(|v| v.get("openapi").is_some() || v.get("swagger").is_some())
            .collect()
    })
}

/// Strings that stress naming: keywords, clashes after case conversion, digits, symbols,
/// non-ASCII, emptiness, `$ref`-like text.
const TRICKY: &[&str] = &[
    "",
    " ",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "r#type",
    "async",
    "await",
    "try",
    "fn",
    "match",
    "_",
    "__",
    "0",
    "1abc",
    "-",
    "a-b",
    "a_b",
    "A_B",
    "aB",
    "ab",
    "AB",
    "a b",
    "a.b",
    "a/b",
    "~",
    "~1",
    "{id}",
    "é",
    "名前",
    "😀",
    "Unknown",
    "Value",
    "Option",
    "Result",
    "Box",
    "Vec",
    "String",
    "Client",
    "Error",
    "types",
    "send",
    "new",
    "default",
    "None",
    "Some",
    "#/components/schemas/Missing",
    "#/components/schemas/",
    "#",
    "null",
    "true",
    "\u{0}",
    "additional_properties",
    "additionalProperties",
    "x-oagen-pagination",
];

const KEYS: &[&str] = &[
    "type",
    "format",
    "properties",
    "items",
    "required",
    "enum",
    "nullable",
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "$ref",
    "additionalProperties",
    "discriminator",
    "default",
    "readOnly",
    "writeOnly",
    "title",
    "description",
    "const",
    "minimum",
    "schema",
    "content",
    "in",
    "name",
    "style",
    "explode",
    "responses",
    "requestBody",
    "parameters",
    "operationId",
    "tags",
    "servers",
    "security",
    "x-oagen-pagination",
    "x-oagen-envelope",
    "x-oagen-auth-prefix",
    "x-enum-varnames",
    "deprecated",
    "examples",
    "example",
    "prefixItems",
    "mapping",
    "propertyName",
    "definitions",
    "consumes",
    "produces",
    "collectionFormat",
    "x-nullable",
    "x-ms-enum",
    "securityDefinitions",
];

const TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "object", "array", "null", "file", "",
];
const FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "date",
    "date-time",
    "uuid",
    "byte",
    "binary",
    "email",
    "",
];

fn pick<'a>(u: &mut Unstructured<'_>, list: &[&'a str]) -> Result<&'a str> {
    Ok(list[u.choose_index(list.len())?])
}

/// A random scalar, a small object or array, or a reference.
fn value(u: &mut Unstructured<'_>, doc: &Value) -> Result<Value> {
    Ok(match u.int_in_range(0..=9)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => serde_json::Number::from_f64(u.arbitrary()?)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        4 => Value::String(pick(u, TRICKY)?.to_string()),
        5 => Value::String(u.arbitrary::<String>()?),
        6 => {
            let mut m = Map::new();
            m.insert("type".into(), Value::String(pick(u, TYPES)?.into()));
            if u.arbitrary()? {
                m.insert("format".into(), Value::String(pick(u, FORMATS)?.into()));
            }
            Value::Object(m)
        }
        7 => {
            let keys: Vec<String> = doc
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            let target = if keys.is_empty() || u.ratio(1, 4)? {
                pick(u, TRICKY)?.to_string()
            } else {
                format!("#/components/schemas/{}", keys[u.choose_index(keys.len())?])
            };
            serde_json::json!({ "$ref": target })
        }
        8 => Value::Array(Vec::new()),
        _ => Value::Object(Map::new()),
    })
}

/// Every JSON pointer of the document, in document order.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        _ => {}
    }
}

/// Applies one mutation chosen by `u` to `doc`.
fn mutate_once(u: &mut Unstructured<'_>, doc: &mut Value) -> Result<()> {
    let mut ptrs = vec![String::new()];
    pointers(doc, String::new(), &mut ptrs);
    let at = ptrs[u.choose_index(ptrs.len())?].clone();
    let op = u.int_in_range(0..=9)?;
    // Values to splice in are taken before borrowing the target mutably.
    let spliced = match op {
        0 => {
            let from = &ptrs[u.choose_index(ptrs.len())?];
            doc.pointer(from).cloned()
        }
        _ => None,
    };
    let fresh = value(u, doc)?;
    let Some(target) = doc.pointer_mut(&at) else {
        return Ok(());
    };
    match op {
        // Copy another part of the document here (a schema into a parameter, ...).
        0 => {
            if let Some(v) = spliced {
                *target = v;
            }
        }
        // Replace with something new.
        1 | 2 => *target = fresh,
        // Delete a key or an element.
        3 => match target {
            Value::Object(m) if !m.is_empty() => {
                let i = u.choose_index(m.len())?;
                if let Some(k) = m.keys().nth(i).cloned() {
                    m.shift_remove(&k);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                let i = u.choose_index(a.len())?;
                a.remove(i);
            }
            _ => {}
        },
        // Set a schema keyword.
        4 | 5 => {
            if let Value::Object(m) = target {
                let key = pick(u, KEYS)?;
                m.insert(key.to_string(), fresh);
            }
        }
        // Rename a key to a tricky one (property names, component names, paths).
        6 => {
            if let Value::Object(m) = target {
                if !m.is_empty() {
                    let i = u.choose_index(m.len())?;
                    let key = m.keys().nth(i).cloned().unwrap_or_default();
                    if let Some(v) = m.shift_remove(&key) {
                        let k = if u.arbitrary()? {
                            pick(u, TRICKY)?.to_string()
                        } else {
                            u.arbitrary::<String>()?
                        };
                        m.insert(k, v);
                    }
                }
            }
        }
        // Wrap in a composition.
        7 => {
            let kw = pick(u, &["oneOf", "anyOf", "allOf"])?;
            let inner = std::mem::take(target);
            let mut alts = vec![inner];
            if u.arbitrary()? {
                alts.push(fresh);
            }
            *target = serde_json::json!({ kw: alts });
        }
        // Make nullable, or add an enum.
        8 => {
            if let Value::Object(m) = target {
                if u.arbitrary()? {
                    m.insert("nullable".into(), Value::Bool(true));
                } else {
                    let n = u.int_in_range(0..=4)?;
                    let mut vals = Vec::new();
                    for _ in 0..n {
                        vals.push(value(u, &Value::Null)?);
                    }
                    m.insert("enum".into(), Value::Array(vals));
                }
            }
        }
        // Duplicate an array element or an object entry under a near-identical name.
        _ => match target {
            Value::Array(a) if !a.is_empty() => {
                let i = u.choose_index(a.len())?;
                let v = a[i].clone();
                a.push(v);
            }
            Value::Object(m) if !m.is_empty() => {
                let i = u.choose_index(m.len())?;
                if let Some((k, v)) = m.iter().nth(i).map(|(k, v)| (k.clone(), v.clone())) {
                    let variant = match u.int_in_range(0..=2)? {
                        0 => k.to_uppercase(),
                        1 => format!("{k}_"),
                        _ => k.replace('_', "-"),
                    };
                    m.insert(variant, v);
                }
            }
            _ => {}
        },
    }
    Ok(())
}

/// A seed spec with a few mutations, as JSON or YAML text (the name decides the format).
pub fn mutated(u: &mut Unstructured<'_>) -> Result<(String, &'static str)> {
    let seeds = seeds();
    if seeds.is_empty() {
        return Err(arbitrary::Error::NotEnoughData);
    }
    let mut doc = seeds[u.choose_index(seeds.len())?].clone();
    if doc.get("openapi").is_some() && u.ratio(1, 4)? {
        doc["openapi"] = Value::String("3.1.0".into());
    }
    let n = u.int_in_range(1..=8)?;
    for _ in 0..n {
        mutate_once(u, &mut doc)?;
    }
    if u.ratio(1, 3)? {
        Ok((
            serde_yaml_ng::to_string(&doc).unwrap_or_default(),
            "spec.yaml",
        ))
    } else {
        Ok((
            serde_json::to_string_pretty(&doc).unwrap_or_default(),
            "spec.json",
        ))
    }
}
