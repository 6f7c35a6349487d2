//! The quick way to the `openapiv3` model: the document is cut into its path
//! items and component entries, which are deserialized one by one on two
//! threads with large stacks, straight from the document (no tracking of the
//! path for error messages, and no buffering of the whole `paths` object,
//! which `openapiv3` does for its flattened maps), then put back together in
//! document order.
//!
//! Each piece is deserialized with the same `Deserialize` impl the whole
//! document would use for it, so the model is the same. On any failure this
//! gives up ([`None`]) and the caller deserializes the whole document the slow
//! way, which names the failing pieces; errors are reported exactly as
//! before.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use o::ReferenceOr as R;
use openapiv3 as o;
use serde::Deserialize;
use serde_json::{Map, Value};

/// The `components` sections deserialized entry by entry, in the model's
/// field order.
const SECTIONS: [&str; 9] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

enum Job<'a> {
    /// The document without `paths` (an empty one stands in) and `components`.
    Root(Value),
    /// `components` without the sections taken apart.
    Components(Value),
    PathItem(&'a str, &'a Value),
    /// (index into [`SECTIONS`], name, entry)
    Entry(usize, &'a str, &'a Value),
}

/// A deserialized piece. Boxed: the model's types are large (a path item is
/// kilobytes), and thousands of pieces are moved around.
enum Piece {
    Root(Box<o::OpenAPI>),
    Components(Box<o::Components>),
    PathItem(Box<R<o::PathItem>>),
    Schema(Box<R<o::Schema>>),
    Response(Box<R<o::Response>>),
    Parameter(Box<R<o::Parameter>>),
    Example(Box<R<o::Example>>),
    RequestBody(Box<R<o::RequestBody>>),
    Header(Box<R<o::Header>>),
    SecurityScheme(Box<R<o::SecurityScheme>>),
    Link(Box<R<o::Link>>),
    Callback(Box<R<o::Callback>>),
}

fn run(job: &Job<'_>) -> Option<Piece> {
    fn de<'a, T: Deserialize<'a>>(v: &'a Value) -> Option<Box<T>> {
        T::deserialize(v).ok().map(Box::new)
    }
    Some(match job {
        Job::Root(v) => Piece::Root(de(v)?),
        Job::Components(v) => Piece::Components(de(v)?),
        Job::PathItem(_, v) => Piece::PathItem(de(v)?),
        Job::Entry(section, _, v) => match section {
            0 => Piece::Schema(de(v)?),
            1 => Piece::Response(de(v)?),
            2 => Piece::Parameter(de(v)?),
            3 => Piece::Example(de(v)?),
            4 => Piece::RequestBody(de(v)?),
            5 => Piece::Header(de(v)?),
            6 => Piece::SecurityScheme(de(v)?),
            7 => Piece::Link(de(v)?),
            _ => Piece::Callback(de(v)?),
        },
    })
}

/// Deserializes `doc` into the model as described in the module docs, on
/// threads with `stack` bytes of stack; `None` when anything fails.
pub(super) fn quick(doc: &Value, stack: usize) -> Option<o::OpenAPI> {
    let top = doc.as_object()?;
    // `paths` is required and must be a mapping (anything else fails the
    // slow way too).
    let paths = top.get("paths")?.as_object()?;
    let components = match top.get("components") {
        None | Some(Value::Null) => None,
        Some(Value::Object(c)) => Some(c),
        Some(_) => return None,
    };

    let mut root = Map::new();
    for (key, value) in top {
        match key.as_str() {
            "components" => {}
            "paths" => {
                root.insert(key.clone(), Value::Object(Map::new()));
            }
            _ => {
                root.insert(key.clone(), value.clone());
            }
        }
    }
    let mut jobs = vec![Job::Root(Value::Object(root))];
    if let Some(components) = components {
        let mut shell = Map::new();
        for (key, value) in components {
            // A section that is not a mapping stays, to fail as it would.
            if !(SECTIONS.contains(&key.as_str()) && value.is_object()) {
                shell.insert(key.clone(), value.clone());
            }
        }
        jobs.push(Job::Components(Value::Object(shell)));
    }
    // As `openapiv3` reads `paths`: keys starting with `/` are path items,
    // `x-` keys extensions, anything else is ignored.
    let mut path_extensions = indexmap::IndexMap::new();
    for (key, value) in paths {
        if key.starts_with('/') {
            jobs.push(Job::PathItem(key, value));
        } else if key.starts_with("x-") {
            path_extensions.insert(key.clone(), value.clone());
        }
    }
    if let Some(components) = components {
        for (s, section) in SECTIONS.iter().enumerate() {
            if let Some(Value::Object(entries)) = components.get(*section) {
                for (name, entry) in entries {
                    jobs.push(Job::Entry(s, name, entry));
                }
            }
        }
    }

    let pieces = run_all(&jobs, stack)?;

    let mut api: Option<o::OpenAPI> = None;
    let mut comps: Option<o::Components> = None;
    let mut items = indexmap::IndexMap::new();
    for (job, piece) in jobs.iter().zip(pieces) {
        match (job, piece) {
            (_, Piece::Root(a)) => api = Some(*a),
            (_, Piece::Components(c)) => comps = Some(*c),
            (Job::PathItem(key, _), Piece::PathItem(item)) => {
                items.insert((*key).to_string(), *item);
            }
            (Job::Entry(_, name, _), piece) => {
                let c = comps.as_mut()?;
                let name = (*name).to_string();
                match piece {
                    Piece::Schema(x) => drop(c.schemas.insert(name, *x)),
                    Piece::Response(x) => drop(c.responses.insert(name, *x)),
                    Piece::Parameter(x) => drop(c.parameters.insert(name, *x)),
                    Piece::Example(x) => drop(c.examples.insert(name, *x)),
                    Piece::RequestBody(x) => drop(c.request_bodies.insert(name, *x)),
                    Piece::Header(x) => drop(c.headers.insert(name, *x)),
                    Piece::SecurityScheme(x) => drop(c.security_schemes.insert(name, *x)),
                    Piece::Link(x) => drop(c.links.insert(name, *x)),
                    Piece::Callback(x) => drop(c.callbacks.insert(name, *x)),
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    let mut api = api?;
    api.paths = o::Paths {
        paths: items,
        extensions: path_extensions,
    };
    api.components = match components {
        Some(_) => Some(comps?),
        None => None,
    };
    Some(api)
}

/// Runs every job on two threads with large stacks; the pieces in job
/// order, or `None` if one fails or a thread cannot be started.
fn run_all(jobs: &[Job<'_>], stack: usize) -> Option<Vec<Piece>> {
    const THREADS: usize = 2;
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let worker = || {
        let mut done: Vec<(usize, Piece)> = Vec::new();
        loop {
            if failed.load(Ordering::Relaxed) {
                return None;
            }
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else {
                return Some(done);
            };
            match run(job) {
                Some(piece) => done.push((i, piece)),
                None => {
                    failed.store(true, Ordering::Relaxed);
                    return None;
                }
            }
        }
    };
    let results: Vec<Option<Vec<(usize, Piece)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                std::thread::Builder::new()
                    .name("oagen-load".into())
                    .stack_size(stack)
                    .spawn_scoped(scope, worker)
            })
            .collect();
        if handles.iter().any(Result::is_err) {
            failed.store(true, Ordering::Relaxed);
        }
        handles
            .into_iter()
            .map(|h| h.ok().and_then(|h| h.join().ok()).flatten())
            .collect()
    });
    let mut pieces: Vec<(usize, Piece)> = Vec::with_capacity(jobs.len());
    for done in results {
        pieces.extend(done?);
    }
    pieces.sort_unstable_by_key(|(i, _)| *i);
    // Every job done once.
    if pieces.len() != jobs.len() || pieces.iter().enumerate().any(|(n, (i, _))| n != *i) {
        return None;
    }
    Some(pieces.into_iter().map(|(_, p)| p).collect())
}
