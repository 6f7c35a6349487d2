//! Deserializing the document into the `openapiv3` model, on threads with a large stack, and
//! naming the pieces that fail.

use super::*;

/// Deserializes the document into the `openapiv3` model on threads with a
/// large stack (the `model` module first, piece by piece; the whole document at once
/// when that fails). On failure, reports every failing piece.
pub(super) fn deserialize(
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

pub(super) fn try_deserialize<T: DeserializeOwned>(v: &Value) -> Result<T, Failure> {
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
pub(super) fn failing_pieces(doc: &Value, first: Failure) -> Vec<Failure> {
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
pub(super) fn culprit_key(
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
