//! The crate bump `oagen diff` reports must agree with what changes in the generated code.
//! For every fixture pair, this generates both sides (module layout), parses them with `syn`,
//! and derives the bump from the public items, as `tests/build_rs_items.rs` compares them:
//! - an item removed or changed (a field's type, a variant's payload, a signature, a type
//!   that changed kind), or a field added to an existing struct, or a variant added to an
//!   existing enum (struct literals and exhaustive matches break): **major**;
//! - items only added, or items newly `#[deprecated]`: **minor**;
//! - the same public items but different code (docs, bodies, attributes): **patch**;
//! - identical code: **none**.
//!
//! Fixtures: tests/fixtures/diff/kinds (types that keep their name and change kind or shape)
//! and every pair of tests/fixtures/diff/rules.

use oagen::diff::{compare, Bump, Spec};
use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/diff")
}

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

fn is_pub(v: &syn::Visibility) -> bool {
    matches!(v, syn::Visibility::Public(_))
}

/// The generated code of a spec: public item paths, and every item formatted, by module.
struct Items {
    public: BTreeSet<String>,
    structs: BTreeSet<String>,
    enums: BTreeSet<String>,
    code: BTreeMap<String, Vec<String>>,
}

fn generate(spec: &Path) -> Items {
    let opts = oagen::Options {
        crate_name: Some("pets".into()),
        ..Default::default()
    };
    let generated = oagen::generate(spec, oagen::Layout::Module, &opts)
        .unwrap_or_else(|d| panic!("{}: {}", spec.display(), d.render(false)));
    let text = &generated.files[0].contents;
    let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let mut items = Items {
        public: BTreeSet::new(),
        structs: BTreeSet::new(),
        enums: BTreeSet::new(),
        code: BTreeMap::new(),
    };
    let mut root = Vec::new();
    for item in file.items {
        match item {
            syn::Item::Mod(syn::ItemMod {
                ident,
                content: Some((_, inner)),
                ..
            }) => collect(&ident.to_string(), &inner, &mut items),
            other => root.push(other),
        }
    }
    collect("", &root, &mut items);
    // The crate's documentation (title, description, API version) is in its root and README,
    // which the module layout leaves out: a change there is a change of the published crate.
    let krate = oagen::generate(spec, oagen::Layout::Crate, &opts)
        .unwrap_or_else(|d| panic!("{}: {}", spec.display(), d.render(false)));
    for f in krate.files {
        if f.path.ends_with("lib.rs") || f.path.ends_with("README.md") {
            // The spec's file name differs between the sides, not the crate.
            let file_name = spec.file_name().unwrap_or_default().to_string_lossy();
            let text = f.contents.replace(file_name.as_ref(), "SPEC");
            items
                .code
                .insert(format!("({})", f.path.display()), vec![text]);
        }
    }
    items
}

fn collect(module: &str, items: &[syn::Item], out: &mut Items) {
    let p = |s: String| {
        if module.is_empty() {
            s
        } else {
            format!("{module}::{s}")
        }
    };
    out.code.insert(
        module.to_string(),
        items
            .iter()
            .map(|i| {
                prettyplease::unparse(&syn::File {
                    shebang: None,
                    attrs: Vec::new(),
                    items: vec![i.clone()],
                })
            })
            .collect(),
    );
    for item in items {
        match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                out.public.insert(p(format!("struct {}", s.ident)));
                out.structs.insert(p(s.ident.to_string()));
                for f in s.fields.iter().filter(|f| is_pub(&f.vis)) {
                    if let Some(i) = &f.ident {
                        out.public
                            .insert(p(format!("field {}.{i}: {}", s.ident, tokens(&f.ty))));
                    }
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                out.public.insert(p(format!("enum {}", e.ident)));
                out.enums.insert(p(e.ident.to_string()));
                for v in &e.variants {
                    out.public.insert(p(format!(
                        "variant {}::{}{}",
                        e.ident,
                        v.ident,
                        tokens(&v.fields)
                    )));
                }
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                out.public
                    .insert(p(format!("type {} = {}", t.ident, tokens(&t.ty))));
            }
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                out.public.insert(p(format!("fn {}", signature(&f.sig))));
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                out.public.insert(p(format!("const {}", c.ident)));
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                out.public.insert(p(format!("trait {}", t.ident)));
            }
            syn::Item::Use(u) if is_pub(&u.vis) => {
                out.public.insert(p(format!("use {}", tokens(&u.tree))));
            }
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                out.public.insert(p(format!("mod {}", m.ident)));
            }
            syn::Item::Impl(i) => {
                let self_ty = tokens(&i.self_ty);
                match &i.trait_ {
                    Some((_, path, _)) => {
                        out.public
                            .insert(p(format!("impl {} for {self_ty}", tokens(path))));
                    }
                    None => {
                        for it in &i.items {
                            if let syn::ImplItem::Fn(f) = it {
                                if is_pub(&f.vis) {
                                    out.public
                                        .insert(p(format!("{self_ty}::{}", signature(&f.sig))));
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The type a field or variant belongs to: `types::field Pet.name: String` → `types::Pet`,
/// `types::variant Status::Lost` → `types::Status`; `None` for other items.
fn owner(item: &str) -> Option<String> {
    let (module, rest) = match item.find("field ").or_else(|| item.find("variant ")) {
        Some(i) => (&item[..i], &item[i..]),
        None => return None,
    };
    let rest = rest.split_once(' ').map_or(rest, |(_, r)| r);
    let ty = rest.split(['.', ':', '(', '{', ' ']).next().unwrap_or(rest);
    Some(format!("{module}{ty}"))
}

/// A signature without argument names: renaming an argument breaks no caller.
fn signature(sig: &syn::Signature) -> String {
    let inputs: Vec<String> = sig
        .inputs
        .iter()
        .map(|a| match a {
            syn::FnArg::Receiver(r) => tokens(r),
            syn::FnArg::Typed(t) => tokens(&t.ty),
        })
        .collect();
    format!(
        "{}{}({}) {}",
        sig.ident,
        tokens(&sig.generics),
        inputs.join(", "),
        tokens(&sig.output)
    )
}

fn deprecations(items: &Items) -> usize {
    items
        .code
        .values()
        .flatten()
        .map(|c| c.matches("#[deprecated").count())
        .sum()
}

/// The bump the generated code needs, and why.
fn items_bump(old: &Items, new: &Items) -> (Bump, Vec<String>) {
    let removed: Vec<&String> = old.public.difference(&new.public).collect();
    let added: Vec<&String> = new.public.difference(&old.public).collect();
    if !removed.is_empty() {
        return (
            Bump::Major,
            removed.iter().map(|s| format!("- {s}")).collect(),
        );
    }
    let breaking_additions: Vec<String> = added
        .iter()
        .filter(|a| {
            owner(a).is_some_and(|o| {
                (old.structs.contains(&o) && new.structs.contains(&o))
                    || (old.enums.contains(&o) && new.enums.contains(&o))
            })
        })
        .map(|a| format!("+ {a} (in an existing type)"))
        .collect();
    if !breaking_additions.is_empty() {
        return (Bump::Major, breaking_additions);
    }
    if !added.is_empty() {
        return (
            Bump::Minor,
            added.iter().map(|s| format!("+ {s}")).collect(),
        );
    }
    if deprecations(new) > deprecations(old) {
        // Deprecating an item is a minor change (callers see a new warning).
        return (Bump::Minor, vec!["+ #[deprecated]".into()]);
    }
    if old.code != new.code {
        return (Bump::Patch, vec!["code differs".into()]);
    }
    (Bump::None, Vec::new())
}

fn pairs() -> Vec<(String, PathBuf, PathBuf)> {
    let mut out = Vec::new();
    let kinds = fixtures().join("kinds");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&kinds)
        .expect("tests/fixtures/diff/kinds")
        .map(|e| e.expect("entry").path())
        .collect();
    dirs.sort();
    for d in dirs {
        let name = format!("kinds/{}", d.file_name().unwrap().to_string_lossy());
        out.push((name, d.join("old.yaml"), d.join("new.yaml")));
    }
    let rules = fixtures().join("rules");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&rules)
        .expect("tests/fixtures/diff/rules")
        .map(|e| e.expect("entry").path())
        .collect();
    dirs.sort();
    for d in dirs {
        let mut files: Vec<String> = std::fs::read_dir(&d)
            .expect("rule dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|f| f.ends_with(".old.yaml"))
            .collect();
        files.sort();
        for f in files {
            let stem = f.trim_end_matches(".old.yaml");
            let name = format!("rules/{}/{stem}", d.file_name().unwrap().to_string_lossy());
            out.push((name, d.join(&f), d.join(format!("{stem}.new.yaml"))));
        }
    }
    out
}

#[test]
fn the_reported_bump_agrees_with_the_generated_public_items() {
    let mut failures = Vec::new();
    let all = pairs();
    assert!(all.len() > 100, "few fixture pairs: {}", all.len());
    for (name, old, new) in all {
        let (o, n) = (
            Spec::load(&old, "old", "pets").expect("old loads"),
            Spec::load(&new, "new", "pets").expect("new loads"),
        );
        let report = compare(&o, &n);
        let (expected, why) = items_bump(&generate(&old), &generate(&new));
        if report.bump != expected {
            failures.push(format!(
                "{name}: diff says {}, the generated items say {expected}:\n    {}\n  diff: {}",
                report.bump,
                why.join("\n    "),
                report
                    .changes
                    .iter()
                    .map(|c| format!("{} [{}: {}]", c.rule.id(), c.effect.bump, c.effect.text))
                    .chain(
                        report
                            .crate_changes
                            .iter()
                            .map(|c| format!("crate [{}: {}]", c.bump, c.text))
                    )
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\n{} disagreements",
        failures.join("\n"),
        failures.len()
    );
}

/// The same check on real spec histories, for `bench/history.sh`: `OAGEN_HISTORY_PAIRS` names
/// a TSV of `history`, `pair`, `old`, `new`; one line per pair is written to
/// `OAGEN_HISTORY_OUT`: the pair, the bump the diff reports, the bump the generated public
/// items say, and `agree` or `disagree` with the first reasons. Run with
/// `cargo test --release -p oagen --test diff_crate_effects -- --ignored`.
#[test]
#[ignore = "a bench: needs real spec histories (bench/history.sh)"]
fn real_history_bumps_agree_with_the_generated_public_items() {
    let (Ok(list), Ok(out)) = (
        std::env::var("OAGEN_HISTORY_PAIRS"),
        std::env::var("OAGEN_HISTORY_OUT"),
    ) else {
        return;
    };
    let text = std::fs::read_to_string(&list).expect("pairs file");
    let mut rows = String::from("history\tpair\tdiff\titems\tagreement\treasons\n");
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let [history, pair, old, new] = cols[..] else {
            continue;
        };
        let (Some(o), Some(n)) = (
            Spec::load(Path::new(old), "old", "pets").ok(),
            Spec::load(Path::new(new), "new", "pets").ok(),
        ) else {
            rows.push_str(&format!("{history}\t{pair}\t-\t-\tunreadable\t\n"));
            continue;
        };
        let report = compare(&o, &n);
        let (items, why) = items_bump(&generate(Path::new(old)), &generate(Path::new(new)));
        let agreement = if report.bump == items {
            "agree"
        } else {
            "disagree"
        };
        let reasons: Vec<&str> = why.iter().take(3).map(String::as_str).collect();
        rows.push_str(&format!(
            "{history}\t{pair}\t{}\t{items}\t{agreement}\t{}\n",
            report.bump,
            reasons.join("; ").replace('\t', " ")
        ));
    }
    std::fs::write(out, rows).expect("write");
}
