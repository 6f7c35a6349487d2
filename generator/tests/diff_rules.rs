//! `oagen diff` rules: every rule has a fixture pair that fires it and a near miss that must
//! not; refactors that are not changes report nothing. Fixtures: tests/fixtures/diff/.

use oagen::diff::{compare, Bump, Report, Rule, Severity, Side, Spec};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/diff")
}

fn load(path: &Path) -> Spec {
    let label = path.file_name().and_then(|n| n.to_str()).unwrap_or("spec");
    Spec::load(path, label, "pets")
        .unwrap_or_else(|e| panic!("{} does not load:\n{e}", path.display()))
}

fn diff(dir: &Path, old: &str, new: &str) -> (Spec, Spec, Report) {
    let (o, n) = (load(&dir.join(old)), load(&dir.join(new)));
    let r = compare(&o, &n);
    (o, n, r)
}

fn summary(r: &Report) -> String {
    let ids: Vec<String> = r
        .changes
        .iter()
        .map(|c| format!("{} ({})", c.rule.id(), c.message))
        .collect();
    if ids.is_empty() {
        "nothing".into()
    } else {
        ids.join("; ")
    }
}

/// Every pointer resolves in the document of its side, and names a file and line.
fn check_pointers(old: &Spec, new: &Spec, r: &Report, what: &str, failures: &mut Vec<String>) {
    for c in &r.changes {
        let doc = match c.side {
            Side::Old => &old.loaded.document,
            Side::New => &new.loaded.document,
        };
        if doc.pointer(&c.pointer).is_none() {
            failures.push(format!(
                "{what}: `{}` points at nothing: {}",
                c.rule.id(),
                c.pointer
            ));
        }
        if c.line.is_none() || c.file.is_empty() {
            failures.push(format!("{what}: `{}` has no file and line", c.rule.id()));
        }
    }
}

/// The pairs of a rule's directory: `fires.old.yaml` → `fires.new.yaml` and
/// `near.old.yaml` → `near.new.yaml`, and any further cases `fires-<case>` and `near-<case>`.
fn rule_pairs(rule: Rule) -> Vec<(String, bool)> {
    let dir = fixtures().join("rules").join(rule.id());
    let mut stems: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .filter_map(|f| f.strip_suffix(".old.yaml").map(String::from))
                .collect()
        })
        .unwrap_or_default();
    stems.sort();
    stems
        .into_iter()
        .map(|s| {
            let fires = s == "fires" || s.starts_with("fires-");
            (s, fires)
        })
        .collect()
}

#[test]
fn every_rule_has_a_fixture_directory_and_no_directory_lacks_a_rule() {
    let dir = fixtures().join("rules");
    let mut problems = Vec::new();
    for rule in Rule::ALL {
        for f in [
            "fires.old.yaml",
            "fires.new.yaml",
            "near.old.yaml",
            "near.new.yaml",
        ] {
            if !dir.join(rule.id()).join(f).is_file() {
                problems.push(format!("missing {}/{f}", rule.id()));
            }
        }
        for (stem, _) in rule_pairs(*rule) {
            if !(stem == "fires"
                || stem == "near"
                || stem.starts_with("fires-")
                || stem.starts_with("near-"))
            {
                problems.push(format!(
                    "{}/{stem}.old.yaml is neither `fires` nor `near`",
                    rule.id()
                ));
            }
            if !dir
                .join(rule.id())
                .join(format!("{stem}.new.yaml"))
                .is_file()
            {
                problems.push(format!("missing {}/{stem}.new.yaml", rule.id()));
            }
        }
    }
    for entry in std::fs::read_dir(&dir).expect("tests/fixtures/diff/rules") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if Rule::from_id(&name).is_none() {
            problems.push(format!("{name}/ names no rule"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What each rule's `fires` pair must give, written out here rather than read from the
/// catalogue: the verdict of the change, and the crate bump of its effect.
const EXPECTED: &[(&str, Severity, Bump)] = &[
    ("operation-removed", Severity::Breaking, Bump::Major),
    ("operation-added", Severity::Compatible, Bump::Minor),
    ("operation-deprecated", Severity::Compatible, Bump::Minor),
    ("required-param-added", Severity::Breaking, Bump::Major),
    ("optional-param-added", Severity::Compatible, Bump::Minor),
    ("param-removed", Severity::NeedsReview, Bump::Major),
    ("param-became-required", Severity::Breaking, Bump::Major),
    ("param-became-optional", Severity::Compatible, Bump::Major),
    (
        "request-body-became-required",
        Severity::Breaking,
        Bump::Major,
    ),
    (
        "request-body-became-optional",
        Severity::Compatible,
        Bump::Major,
    ),
    ("request-body-added", Severity::Compatible, Bump::Minor),
    ("request-body-removed", Severity::NeedsReview, Bump::Major),
    (
        "request-required-property-added",
        Severity::Breaking,
        Bump::Major,
    ),
    (
        "request-optional-property-added",
        Severity::Compatible,
        Bump::Major,
    ),
    (
        "request-property-removed",
        Severity::NeedsReview,
        Bump::Major,
    ),
    (
        "request-property-became-required",
        Severity::Breaking,
        Bump::Major,
    ),
    (
        "request-property-became-optional",
        Severity::Compatible,
        Bump::Major,
    ),
    (
        "request-property-became-nullable",
        Severity::Compatible,
        Bump::None,
    ),
    (
        "request-property-became-non-nullable",
        Severity::Breaking,
        Bump::None,
    ),
    (
        "request-enum-value-removed",
        Severity::Breaking,
        Bump::Major,
    ),
    (
        "request-enum-value-added",
        Severity::Compatible,
        Bump::Major,
    ),
    ("request-type-narrowed", Severity::Breaking, Bump::Major),
    ("request-type-widened", Severity::Compatible, Bump::Major),
    ("request-type-changed", Severity::Breaking, Bump::Major),
    (
        "request-content-type-removed",
        Severity::Breaking,
        Bump::None,
    ),
    (
        "request-content-type-added",
        Severity::Compatible,
        Bump::None,
    ),
    ("response-property-removed", Severity::Breaking, Bump::Major),
    (
        "response-optional-property-removed",
        Severity::Compatible,
        Bump::Major,
    ),
    ("response-property-added", Severity::Compatible, Bump::Major),
    (
        "response-property-became-optional",
        Severity::Breaking,
        Bump::Major,
    ),
    (
        "response-property-became-required",
        Severity::Compatible,
        Bump::Major,
    ),
    (
        "response-property-became-nullable",
        Severity::Breaking,
        Bump::None,
    ),
    (
        "response-property-became-non-nullable",
        Severity::Compatible,
        Bump::None,
    ),
    (
        "response-enum-value-added",
        Severity::NeedsReview,
        Bump::Major,
    ),
    (
        "response-enum-value-removed",
        Severity::Compatible,
        Bump::Major,
    ),
    (
        "response-discriminator-added",
        Severity::Compatible,
        Bump::Major,
    ),
    (
        "response-union-variant-added",
        Severity::NeedsReview,
        Bump::Major,
    ),
    ("response-type-widened", Severity::Breaking, Bump::Major),
    ("response-type-narrowed", Severity::Compatible, Bump::Major),
    ("response-type-changed", Severity::Breaking, Bump::Major),
    ("response-body-removed", Severity::Breaking, Bump::Major),
    ("response-body-added", Severity::Compatible, Bump::Major),
    (
        "response-content-type-removed",
        Severity::Breaking,
        Bump::None,
    ),
    (
        "response-content-type-added",
        Severity::Compatible,
        Bump::None,
    ),
    ("success-status-changed", Severity::Breaking, Bump::None),
    ("success-status-added", Severity::NeedsReview, Bump::Major),
    ("success-status-removed", Severity::Compatible, Bump::None),
    ("error-response-added", Severity::NeedsReview, Bump::Major),
    ("error-response-removed", Severity::NeedsReview, Bump::Major),
    ("error-response-changed", Severity::NeedsReview, Bump::Major),
    ("response-header-added", Severity::Compatible, Bump::None),
    ("response-header-removed", Severity::NeedsReview, Bump::None),
    ("response-header-changed", Severity::NeedsReview, Bump::None),
    ("security-changed", Severity::Breaking, Bump::None),
    ("security-relaxed", Severity::Compatible, Bump::Patch),
    ("pagination-changed", Severity::Breaking, Bump::Patch),
    ("pagination-removed", Severity::NeedsReview, Bump::Major),
    ("pagination-added", Severity::Compatible, Bump::Minor),
    ("envelope-changed", Severity::Breaking, Bump::Major),
    ("server-url-changed", Severity::NeedsReview, Bump::Patch),
    ("webhook-removed", Severity::NeedsReview, Bump::Major),
    ("webhook-added", Severity::Compatible, Bump::Major),
    ("webhook-signature-changed", Severity::Breaking, Bump::Patch),
];

#[test]
fn each_rule_fires_on_its_pairs_and_not_on_its_near_misses() {
    let mut failures = Vec::new();
    let mut table = Vec::new();
    for rule in Rule::ALL {
        let dir = fixtures().join("rules").join(rule.id());
        for (stem, fires) in rule_pairs(*rule) {
            let (old, new) = (format!("{stem}.old.yaml"), format!("{stem}.new.yaml"));
            let (o, n, r) = diff(&dir, &old, &new);
            let what = format!("{} ({stem})", rule.id());
            let hits: Vec<_> = r.changes.iter().filter(|c| c.rule == *rule).collect();
            if fires {
                if hits.is_empty() {
                    failures.push(format!("{what}: does not fire; found {}", summary(&r)));
                }
                for c in &hits {
                    if stem == "fires" {
                        table.push(format!(
                            "    (\"{}\", Severity::{:?}, Bump::{:?}),",
                            rule.id(),
                            c.severity,
                            c.effect.bump
                        ));
                    }
                    match EXPECTED.iter().find(|(id, _, _)| *id == rule.id()) {
                        None => failures.push(format!("{what}: no row in EXPECTED")),
                        Some((_, sev, bump)) => {
                            if c.severity != *sev || c.effect.bump != *bump {
                                failures.push(format!(
                                    "{what}: {} with a {} effect, expected {sev} with {bump}",
                                    c.severity, c.effect.bump
                                ));
                            }
                        }
                    }
                    if c.message.is_empty() || c.effect.text.is_empty() {
                        failures.push(format!("{what}: empty message or effect"));
                    }
                    if c.operations.is_empty() && *rule != Rule::ServerUrlChanged {
                        failures.push(format!("{what}: names no operation"));
                    }
                }
            } else if !hits.is_empty() {
                failures.push(format!("{what}: fires on its near miss: {}", summary(&r)));
            }
            check_pointers(&o, &n, &r, &what, &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nthe table as found:\n{}",
        failures.join("\n"),
        table.join("\n")
    );
}

#[test]
fn a_spec_compared_with_itself_has_no_changes_and_needs_no_bump() {
    let dir = fixtures().join("showcase");
    let (_, _, r) = diff(&dir, "old.yaml", "old.yaml");
    assert!(r.changes.is_empty(), "{}", summary(&r));
    assert!(r.crate_changes.is_empty());
    assert_eq!(r.bump, Bump::None);
}

/// Refactors that are not changes, one pair each.
#[test]
fn refactors_are_not_changes() {
    let cases = [
        "path-param-renamed",
        "inline-to-components",
        "inline-to-components-renamed",
        "allof-refactor",
        "ref-refactor",
        "path-level-param",
        "description-only",
        "security-scheme-renamed",
        "reordered",
        "openapi-31",
        "openapi-31-to-32",
        "swagger2-to-openapi3",
        "openapi3-to-swagger2",
        "webhooks-reordered",
    ];
    let root = fixtures().join("same");
    let mut failures = Vec::new();
    for case in cases {
        let (_, _, r) = diff(&root.join(case), "old.yaml", "new.yaml");
        if !r.changes.is_empty() {
            failures.push(format!("{case}: {}", summary(&r)));
        }
        // Renaming types renames public items; so does renaming a security scheme (its
        // credential's builder method is named after it).
        let renames_types = matches!(
            case,
            "inline-to-components-renamed" | "security-scheme-renamed"
        );
        if r.crate_changes.is_empty() == renames_types {
            failures.push(format!("{case}: crate-only changes: {:?}", r.crate_changes));
        }
    }
    let listed: Vec<String> = std::fs::read_dir(&root)
        .expect("tests/fixtures/diff/same")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !cases.contains(&n.as_str()))
        .collect();
    assert!(listed.is_empty(), "untested refactor fixtures: {listed:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn description_edits_need_only_a_patch_release() {
    let (_, _, r) = diff(
        &fixtures().join("same/description-only"),
        "old.yaml",
        "new.yaml",
    );
    assert_eq!(r.bump, Bump::Patch);
}

#[test]
fn a_type_moved_to_components_under_a_new_name_is_a_crate_only_rename() {
    let (_, _, r) = diff(
        &fixtures().join("same/inline-to-components-renamed"),
        "old.yaml",
        "new.yaml",
    );
    let texts: Vec<&str> = r.crate_changes.iter().map(|c| c.text.as_str()).collect();
    assert!(
        texts.contains(&"type `types::CreatePetRequest` is now `types::NewPet`"),
        "{texts:?}"
    );
    assert_eq!(r.bump, Bump::Major);
}

#[test]
fn a_type_shared_by_operations_is_reported_once_with_every_operation() {
    let (_, _, r) = diff(
        &fixtures().join("rules/response-property-removed"),
        "fires.old.yaml",
        "fires.new.yaml",
    );
    let hits: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.rule == Rule::ResponsePropertyRemoved)
        .collect();
    assert_eq!(hits.len(), 1, "{}", summary(&r));
    assert_eq!(
        hits[0].operations,
        ["GET /pets", "POST /pets", "GET /pets/{petId}"]
    );
    assert_eq!(hits[0].pointer, "/components/schemas/Pet/properties/name");
    assert_eq!(hits[0].side, Side::Old);
}

#[test]
fn a_new_enum_value_is_a_major_change_of_the_crate_despite_the_catch_all() {
    let (_, _, r) = diff(
        &fixtures().join("rules/response-enum-value-added"),
        "fires.old.yaml",
        "fires.new.yaml",
    );
    let c = r
        .changes
        .iter()
        .find(|c| c.rule == Rule::ResponseEnumValueAdded)
        .expect("fires");
    assert_eq!(c.effect.bump, Bump::Major);
    assert!(
        c.effect.text.contains("`types::PetStatus::Lost`"),
        "{}",
        c.effect.text
    );
    assert!(
        c.effect.text.contains("#[non_exhaustive]"),
        "{}",
        c.effect.text
    );
}

/// A webhook payload is what the API sends: its changes are judged as a response's, named
/// by the event, with a pointer into the webhook; a type it shares with a response is
/// reported once with both the operation and the event.
#[test]
fn webhook_payloads_are_compared_as_responses() {
    let dir = fixtures().join("rules");
    let (_, _, r) = diff(
        &dir.join("response-type-changed"),
        "fires-webhook.old.yaml",
        "fires-webhook.new.yaml",
    );
    let c = r
        .changes
        .iter()
        .find(|c| c.rule == Rule::ResponseTypeChanged)
        .unwrap_or_else(|| panic!("{}", summary(&r)));
    assert_eq!(c.operations, ["webhook pet.lost"]);
    assert_eq!(
        c.pointer,
        "/webhooks/pet.lost/post/requestBody/content/application~1json/schema/properties/petId"
    );
    assert!(r.changes.iter().all(|c| c.rule != Rule::RequestTypeChanged));
    // No crate-only change claims the payload type changed without a wire change.
    assert!(r.crate_changes.is_empty(), "{:?}", r.crate_changes);

    // `Pet` is returned by operations and sent in the `pet.adopted` payload.
    let old = dir.join("webhook-added/fires.old.yaml");
    let text = std::fs::read_to_string(&old).expect("fixture");
    let tmp = tempfile::tempdir().expect("tempdir");
    let new = tmp.path().join("new.yaml");
    std::fs::write(
        &new,
        text.replace(
            "        tag:\n          type: string\n        status:",
            "        status:",
        ),
    )
    .expect("write");
    let r = compare(&load(&old), &load(&new));
    let c = r
        .changes
        .iter()
        .find(|c| c.rule == Rule::ResponseOptionalPropertyRemoved)
        .unwrap_or_else(|| panic!("{}", summary(&r)));
    assert!(
        c.operations.contains(&"GET /pets/{petId}".to_string())
            && c.operations.contains(&"webhook pet.adopted".to_string()),
        "{:?}",
        c.operations
    );
}

#[test]
fn a_renamed_webhook_is_a_removal_and_an_addition() {
    let dir = fixtures().join("rules/webhook-removed");
    let old = dir.join("fires.old.yaml");
    let text = std::fs::read_to_string(&old).expect("fixture");
    let tmp = tempfile::tempdir().expect("tempdir");
    let new = tmp.path().join("new.yaml");
    std::fs::write(&new, text.replace("  pet.lost:\n", "  pet.missing:\n")).expect("write");
    let r = compare(&load(&old), &load(&new));
    let ids: Vec<(&str, &[String])> = r
        .changes
        .iter()
        .map(|c| (c.rule.id(), c.operations.as_slice()))
        .collect();
    assert_eq!(
        ids,
        [
            ("webhook-removed", &["webhook pet.lost".to_string()][..]),
            ("webhook-added", &["webhook pet.missing".to_string()][..]),
        ],
        "{}",
        summary(&r)
    );
}

#[test]
fn rule_ids_are_unique_and_kebab_case() {
    let mut seen = std::collections::BTreeSet::new();
    for r in Rule::ALL {
        assert!(seen.insert(r.id()), "duplicate id {}", r.id());
        assert!(
            r.id().chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            r.id()
        );
        assert!(!r.summary().is_empty());
        assert_eq!(Rule::from_id(r.id()), Some(*r));
    }
}

#[test]
fn the_readme_documents_every_rule_and_the_json_schema_version() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .expect("README.md");
    let section = readme
        .split("## Reviewing API changes: `oagen diff`")
        .nth(1)
        .expect("the README section on `oagen diff`");
    let mut missing = Vec::new();
    for r in Rule::ALL {
        let row = format!("| `{}` | {} |", r.id(), r.severity());
        if !section.contains(&row) {
            missing.push(row);
        }
    }
    assert!(
        missing.is_empty(),
        "rules missing from the README table:\n{}",
        missing.join("\n")
    );
    assert!(section.contains(oagen::diff::JSON_SCHEMA));
}

fn generator_fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/gen");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/gen")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_generator_fixture_compared_with_itself_reports_nothing() {
    let mut failures = Vec::new();
    for path in generator_fixtures() {
        let Ok(spec) = Spec::load(&path, "spec", "fixture") else {
            continue;
        };
        let r = compare(&spec, &spec);
        if !r.changes.is_empty() || !r.crate_changes.is_empty() || r.bump != Bump::None {
            failures.push(format!(
                "{}: {} / {:?}",
                path.display(),
                summary(&r),
                r.crate_changes
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn comparing_unrelated_specs_is_deterministic_and_does_not_panic() {
    let specs: Vec<Spec> = generator_fixtures()
        .iter()
        .filter_map(|p| Spec::load(p, "spec", "fixture").ok())
        .collect();
    assert!(
        specs.len() > 10,
        "few generator fixtures load: {}",
        specs.len()
    );
    for pair in specs.windows(2) {
        let a = compare(&pair[0], &pair[1]);
        let b = compare(&pair[0], &pair[1]);
        assert_eq!(a, b);
        let _ = compare(&pair[1], &pair[0]);
        // Both outputs render.
        assert!(!oagen::diff::markdown(std::slice::from_ref(&a)).is_empty());
        assert!(serde_json::from_str::<serde_json::Value>(&oagen::diff::json(&[a])).is_ok());
    }
}

#[test]
fn text_is_colored_only_when_asked() {
    let (_, _, r) = diff(&fixtures().join("showcase"), "old.yaml", "new.yaml");
    let colored = oagen::diff::text(std::slice::from_ref(&r), true);
    let plain = oagen::diff::text(std::slice::from_ref(&r), false);
    assert!(colored.contains("\u{1b}[1;31mbreaking"), "{colored}");
    assert!(!plain.contains('\u{1b}'));
    // Same words either way.
    let stripped: String = {
        let mut out = String::new();
        let mut chars = colored.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    assert_eq!(stripped, plain);
}
