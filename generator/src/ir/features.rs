//! The Cargo features of a generated crate and the [`Gate`] of every module and type.
//!
//! Each tag module sits behind a feature named after it; `full` (the default) enables them
//! all. A type is compiled when a feature whose operations reach it (through parameters,
//! bodies, responses, pagination, and on through fields, additional properties, union
//! variants and aliases) is enabled: `#[cfg(any(feature = "a", feature = "b"))]`. What the
//! crate root uses (the error body) and what every tag module reaches needs no gate. The types
//! no operation reaches (payload schemas no webhook names, and the like) and what only they
//! reach compile with `all-types`, which `full` does not enable: a default build compiles what
//! the operations use, as before tag features. The `webhooks` module (when the API has
//! webhooks or callbacks) is one more module with a feature of its own, in tag and untagged
//! crates alike, which also enables the runtime's `webhooks`: the types only it reaches are
//! gated by it.

use super::{Api, Feature, Gate, Quickstart};
use crate::ident;
use std::collections::BTreeSet;

/// The feature that also compiles the types no operation uses.
pub const ALL_TYPES_FEATURE: &str = "all-types";
/// The feature that enables every tag module.
pub const FULL_FEATURE: &str = "full";
/// Cargo's default feature set.
pub const DEFAULT_FEATURE: &str = "default";
/// The feature that turns on the runtime's `tracing` spans (on by default).
pub const TRACING_FEATURE: &str = "tracing";

/// Names a tag feature never takes: the crate's own features, and names a manifest may give
/// to dependencies or to features that forward to them.
const RESERVED: &[&str] = &[
    DEFAULT_FEATURE,
    FULL_FEATURE,
    ALL_TYPES_FEATURE,
    "std",
    TRACING_FEATURE,
    "oagen-runtime",
    "serde",
    "serde_json",
    "chrono",
    "uuid",
];

/// The feature name of a module: its identifier in kebab case (`code_scanning` →
/// `code-scanning`), without a raw prefix or leading and trailing underscores.
fn feature_name(module: &str) -> String {
    let words: Vec<&str> = ident::bare(module)
        .split('_')
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        "tag".to_string()
    } else {
        words.join("-")
    }
}

/// Claims `want`, or `want-tag`, `want-tag-2`, ... when taken.
fn claim(taken: &mut BTreeSet<String>, want: String) -> String {
    if taken.insert(want.clone()) {
        return want;
    }
    let mut n = 1usize;
    loop {
        let candidate = if n == 1 {
            format!("{want}-tag")
        } else {
            format!("{want}-tag-{n}")
        };
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// Puts the types no operation (nor the error body) reaches behind [`ALL_TYPES_FEATURE`],
/// and, with `tags`, every module behind a feature of its own and every type behind the
/// features that reach it. Sets [`Api::features`], the gates and the quickstart's
/// `required-features`.
pub(super) fn assign(api: &mut Api, tags: bool) {
    let n = api.types.len();
    let mut always = vec![false; n];
    api.mark_reached([&api.error_body], &mut always);
    // For each type, the modules that reach it (increasing indices).
    let mut by_module: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut seen = vec![false; n];
    for (i, m) in api.modules.iter().enumerate() {
        seen.iter_mut().for_each(|s| *s = false);
        api.mark_reached(
            m.operations.iter().flat_map(|op| op.type_roots()),
            &mut seen,
        );
        for (t, _) in seen.iter().enumerate().filter(|(_, s)| **s) {
            by_module[t].push(i);
        }
    }
    // The webhooks module counts as one more module: the last index.
    let hooks = api.webhooks.as_ref().map(|_| api.modules.len());
    if let (Some(hooks), Some(w)) = (hooks, &api.webhooks) {
        seen.iter_mut().for_each(|s| *s = false);
        api.mark_reached(w.type_roots(), &mut seen);
        for (t, _) in seen.iter().enumerate().filter(|(_, s)| **s) {
            by_module[t].push(hooks);
        }
    }
    // What only the unused types reach.
    let mut unused = vec![false; n];
    let roots: Vec<crate::ir::TypeRef> = (0..n)
        .filter(|&t| !always[t] && by_module[t].is_empty())
        .map(|t| crate::ir::TypeRef::Named(api.types[t].name.clone()))
        .collect();
    api.mark_reached(&roots, &mut unused);

    let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| s.to_string()).collect();
    let mut module_features: Vec<String> = if tags {
        api.modules
            .iter()
            .map(|m| claim(&mut taken, feature_name(&m.name)))
            .collect()
    } else {
        Vec::new()
    };
    // The webhooks module has a feature in either mode: it also turns on the runtime's
    // `webhooks` (the crypto crates), which a crate without webhooks never compiles.
    let hooks_feature = api
        .webhooks
        .as_ref()
        .map(|w| claim(&mut taken, feature_name(&w.module)));
    if let Some(f) = &hooks_feature {
        while module_features.len() < api.modules.len() {
            module_features.push(String::new());
        }
        module_features.push(f.clone());
    }

    let api_modules = api.modules.len();
    let modules = api_modules + usize::from(hooks.is_some());
    let mut unused_count = 0;
    let mut any_unused_gate = false;
    for (t, def) in api.types.iter_mut().enumerate() {
        let reached = &by_module[t];
        def.settings.gate = if always[t] {
            Gate::Always
        } else if !tags {
            if reached.is_empty() {
                Gate::AnyOf(vec![ALL_TYPES_FEATURE.to_string()])
            } else if hooks.is_some_and(|h| reached == &[h]) {
                // Only the webhooks reach it.
                let mut features = vec![module_features[modules - 1].clone()];
                if unused[t] {
                    features.push(ALL_TYPES_FEATURE.to_string());
                }
                features.sort();
                Gate::AnyOf(features)
            } else {
                Gate::Always
            }
        } else if api_modules > 0
            && reached.iter().filter(|&&i| i < api_modules).count() == api_modules
        {
            // Every tag module reaches it (whether the webhooks do or not).
            Gate::Always
        } else {
            let mut features: Vec<String> = reached
                .iter()
                .map(|&i| module_features[i].clone())
                .collect();
            if unused[t] {
                features.push(ALL_TYPES_FEATURE.to_string());
            }
            features.sort();
            features.dedup();
            Gate::AnyOf(features)
        };
        if !always[t] && reached.is_empty() {
            unused_count += 1;
        }
        if let Gate::AnyOf(f) = &def.settings.gate {
            any_unused_gate |= f.iter().any(|f| f == ALL_TYPES_FEATURE);
        }
    }

    let mut features = Vec::new();
    let mut default = vec![TRACING_FEATURE.to_string()];
    if tags {
        default.insert(0, FULL_FEATURE.to_string());
    } else if let Some(f) = &hooks_feature {
        default.push(f.clone());
    }
    features.push(Feature {
        name: DEFAULT_FEATURE.to_string(),
        doc: String::new(),
        enables: default,
    });
    if tags {
        let mut all = module_features.clone();
        all.sort();
        features.push(Feature {
            name: FULL_FEATURE.to_string(),
            doc: format!(
                "Every tag module: {} operations{}. Each is a feature of its own (with `default-features = false`, enable the ones you call).",
                api.modules.iter().map(|m| m.operations.len()).sum::<usize>(),
                if hooks.is_some() { ", and the webhooks" } else { "" }
            ),
            enables: all,
        });
    }
    if any_unused_gate {
        features.push(Feature {
            name: ALL_TYPES_FEATURE.to_string(),
            doc: format!(
                "Also compile the {unused_count} types of schemas that no operation uses (webhook payloads and the like){}.",
                if tags { "; not part of `full`" } else { "" }
            ),
            enables: Vec::new(),
        });
    }
    features.push(Feature {
        name: TRACING_FEATURE.to_string(),
        doc: "A `tracing` span per request, with retries and rate-limit waits as events."
            .to_string(),
        enables: vec!["oagen-runtime/tracing".to_string()],
    });
    if tags {
        let mut tag_features: Vec<Feature> = api
            .modules
            .iter_mut()
            .zip(&module_features)
            .map(|(m, f)| {
                m.gate = Gate::AnyOf(vec![f.clone()]);
                Feature {
                    name: f.clone(),
                    doc: format!(
                        "Module `{}`: {} operation{}.",
                        ident::bare(&m.name),
                        m.operations.len(),
                        if m.operations.len() == 1 { "" } else { "s" }
                    ),
                    enables: Vec::new(),
                }
            })
            .collect();
        tag_features.sort_by(|a, b| a.name.cmp(&b.name));
        features.extend(tag_features);
    }
    if let (Some(f), Some(w)) = (&hooks_feature, api.webhooks.as_mut()) {
        w.gate = Gate::AnyOf(vec![f.clone()]);
        w.feature = Some(f.clone());
        let n = w.events.len();
        let hooks_feature = Feature {
            name: f.clone(),
            doc: format!(
                "Module `{}`: verify and decode the {n} webhook event{} (compiles HMAC-SHA256).",
                ident::bare(&w.module),
                if n == 1 { "" } else { "s" }
            ),
            enables: vec!["oagen-runtime/webhooks".to_string()],
        };
        if tags {
            // Among the tag features, by name.
            let at = features
                .iter()
                .position(|x| {
                    ![
                        DEFAULT_FEATURE,
                        FULL_FEATURE,
                        ALL_TYPES_FEATURE,
                        TRACING_FEATURE,
                    ]
                    .contains(&x.name.as_str())
                        && x.name > hooks_feature.name
                })
                .unwrap_or(features.len());
            features.insert(at, hooks_feature);
        } else {
            features.push(hooks_feature);
        }
    }
    api.features = features;

    let q = &api.quickstart;
    let mut required: Vec<String> = [q.call, q.list]
        .into_iter()
        .flatten()
        .filter_map(|r| match &api.modules.get(r.module)?.gate {
            Gate::AnyOf(f) => Some(f.clone()),
            Gate::Always => None,
        })
        .flatten()
        .collect();
    required.sort();
    required.dedup();
    api.quickstart = Quickstart {
        required_features: required,
        ..api.quickstart.clone()
    };
}
