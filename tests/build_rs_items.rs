//! The build-script path (`build.rs` → `OUT_DIR`, one module file per client) and the CLI
//! path (`oagen generate` → the committed crates in `generated/`) must not diverge. For each
//! client of `oagen.toml` this parses both with `syn` and compares, module by module:
//! 1. the public items (types, fields, variants, functions, methods, trait impls), by path, so a
//!    failure names what one side has and the other lacks;
//! 2. every item, formatted on its own, so a difference in a body or a signature fails too.
//!
//! The layouts differ only in how modules are declared (`pub mod x;` + `src/x.rs` with `//!`
//! docs, or `pub mod x { .. }` with `///` docs), in the crate root's inner attributes, which
//! are not items, and in the `#[rustfmt::skip]` on the crate root's items, which is ignored.

use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module name (`""` for the root) → its items, in order.
type Modules = BTreeMap<String, Vec<syn::Item>>;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The committed crate: `src/lib.rs` and a file per `pub mod x;`.
fn crate_modules(dir: &Path) -> Modules {
    let lib = parse(&dir.join("src/lib.rs"));
    let mut out = Modules::new();
    let mut root_items = Vec::new();
    for item in lib.items {
        match item {
            syn::Item::Mod(m) if m.content.is_none() => {
                let name = m.ident.to_string();
                let file = parse(
                    &dir.join("src")
                        .join(format!("{}.rs", name.trim_start_matches("r#"))),
                );
                let mut items = file.items;
                items.iter_mut().for_each(strip_rustfmt_skip);
                out.insert(name, items);
            }
            mut other => {
                strip_rustfmt_skip(&mut other);
                root_items.push(other);
            }
        }
    }
    out.insert(String::new(), root_items);
    out
}

/// The crate root's items carry `#[rustfmt::skip]` (the crates are workspace members and
/// `cargo fmt` must leave them alone); the module file's items do not need it. Modules and
/// types are behind features (`#[cfg(feature = "issues")]`, `#[cfg(any(feature = ..))]`) in
/// the crate only.
fn strip_rustfmt_skip(item: &mut syn::Item) {
    let attrs = match item {
        syn::Item::Use(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Macro(i) => &mut i.attrs,
        _ => return,
    };
    attrs.retain(|a| {
        tokens(a.path()) != "rustfmt :: skip"
            && !(a.path().is_ident("cfg") && tokens(&a.meta).contains("feature ="))
    });
}

/// The OUT_DIR module file: top-level items and inline `pub mod x { .. }`.
fn module_file_modules(file: &Path) -> Modules {
    let parsed = parse(file);
    assert!(
        parsed.attrs.is_empty(),
        "{}: inner attributes break `include!`",
        file.display()
    );
    let mut out = Modules::new();
    let mut root_items = Vec::new();
    for item in parsed.items {
        match item {
            syn::Item::Mod(syn::ItemMod {
                ident,
                content: Some((_, items)),
                ..
            }) => {
                out.insert(ident.to_string(), items);
            }
            other => root_items.push(other),
        }
    }
    out.insert(String::new(), root_items);
    out
}

fn is_pub(v: &syn::Visibility) -> bool {
    matches!(v, syn::Visibility::Public(_))
}

/// A type or signature as text, without the optional trailing commas that the formatter adds
/// when it breaks a line (the module layout is indented one level deeper, so it breaks lines
/// elsewhere).
fn tokens(t: &impl ToTokens) -> String {
    let mut text = t.to_token_stream().to_string();
    for (from, to) in [(" ,)", ")"), (" , >", " >"), (" ,]", "]")] {
        text = text.replace(from, to);
    }
    text
}

/// An item as formatted on its own: equal for equal code, whatever the line breaks and
/// trailing commas of its source.
fn formatted(item: &syn::Item) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item.clone()],
    })
}

/// Public item paths of one module, e.g. `types::Pet`, `types::Pet.name`, `pets::GetPet::send`,
/// `types::impl ::std::fmt::Display for PetStatus`.
fn public_items(module: &str, items: &[syn::Item], out: &mut BTreeSet<String>) {
    let p = |s: String| {
        if module.is_empty() {
            s
        } else {
            format!("{module}::{s}")
        }
    };
    for item in items {
        match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                out.insert(p(s.ident.to_string()));
                for f in s.fields.iter().filter(|f| is_pub(&f.vis)) {
                    if let Some(i) = &f.ident {
                        out.insert(p(format!("{}.{i}: {}", s.ident, tokens(&f.ty))));
                    }
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                out.insert(p(e.ident.to_string()));
                for v in &e.variants {
                    out.insert(p(format!("{}::{}{}", e.ident, v.ident, tokens(&v.fields))));
                }
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                out.insert(p(format!("type {} = {}", t.ident, tokens(&t.ty))));
            }
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                out.insert(p(format!("fn {}", tokens(&f.sig))));
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                out.insert(p(format!("const {}", c.ident)));
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                out.insert(p(format!("trait {}", t.ident)));
            }
            syn::Item::Use(u) if is_pub(&u.vis) => {
                out.insert(p(format!("use {}", tokens(&u.tree))));
            }
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                out.insert(p(format!("mod {}", m.ident)));
            }
            syn::Item::Impl(i) => {
                let self_ty = tokens(&i.self_ty);
                match &i.trait_ {
                    Some((_, trait_path, _)) => {
                        out.insert(p(format!("impl {} for {self_ty}", tokens(trait_path))));
                    }
                    None => {
                        for it in &i.items {
                            match it {
                                syn::ImplItem::Fn(f) if is_pub(&f.vis) => {
                                    out.insert(p(format!("{self_ty}::{}", tokens(&f.sig))));
                                }
                                syn::ImplItem::Const(c) if is_pub(&c.vis) => {
                                    out.insert(p(format!("{self_ty}::{}", c.ident)));
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn all_public_items(modules: &Modules) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (name, items) in modules {
        public_items(name, items, &mut out);
    }
    out
}

/// Every difference between the two layouts of one client, as readable lines.
fn differences(crate_dir: &Path, module_file: &Path) -> Vec<String> {
    let from_crate = crate_modules(crate_dir);
    let from_module = module_file_modules(module_file);
    let mut problems = Vec::new();

    let a = all_public_items(&from_crate);
    let b = all_public_items(&from_module);
    assert!(
        a.len() > 50,
        "{}: suspiciously few public items ({})",
        crate_dir.display(),
        a.len()
    );
    for only in a.difference(&b) {
        problems.push(format!("only in {}: {only}", crate_dir.display()));
    }
    for only in b.difference(&a) {
        problems.push(format!("only in {}: {only}", module_file.display()));
    }

    let names_a: Vec<&String> = from_crate.keys().collect();
    let names_b: Vec<&String> = from_module.keys().collect();
    if names_a != names_b {
        problems.push(format!("modules differ: {names_a:?} vs {names_b:?}"));
    }
    for (name, items_a) in &from_crate {
        let Some(items_b) = from_module.get(name) else {
            continue;
        };
        let ta: Vec<String> = items_a.iter().map(formatted).collect();
        let tb: Vec<String> = items_b.iter().map(formatted).collect();
        if ta.len() != tb.len() {
            problems.push(format!(
                "module `{name}`: {} items vs {}",
                ta.len(),
                tb.len()
            ));
        }
        if let Some((i, (x, y))) = ta.iter().zip(&tb).enumerate().find(|(_, (x, y))| x != y) {
            let line = x
                .lines()
                .zip(y.lines())
                .find(|(l, m)| l != m)
                .unwrap_or(("(end)", "(end)"));
            problems.push(format!("module `{name}`, item #{i} differs; first differing line:\n  crate:  {}\n  module: {}", line.0.trim(), line.1.trim()));
        }
    }
    problems
}

fn clients() -> Vec<(PathBuf, String)> {
    let jobs = oagen::config::read(&root().join("oagen.toml")).expect("oagen.toml");
    assert_eq!(jobs.len(), 4, "oagen.toml lists the four provider clients");
    jobs.into_iter()
        .map(|job| {
            let name = job
                .options
                .crate_name
                .clone()
                .expect("crate-name in oagen.toml")
                .replace('-', "_");
            (job.out, name)
        })
        .collect()
}

#[test]
fn out_dir_clients_match_the_committed_crates() {
    let mut problems = Vec::new();
    for (crate_dir, name) in clients() {
        let module_file = Path::new(env!("OUT_DIR")).join(format!("{name}.rs"));
        problems.extend(differences(&crate_dir, &module_file));
    }
    assert!(
        problems.is_empty(),
        "the build.rs output and generated/ diverge:\n{}",
        problems.join("\n")
    );
}

/// The comparison is not vacuous: a small change to one item of the OUT_DIR file is caught,
/// both as a public-item difference and as an item difference.
#[test]
fn the_comparison_catches_a_divergence() {
    let (crate_dir, name) = clients().into_iter().next().unwrap();
    let original = Path::new(env!("OUT_DIR")).join(format!("{name}.rs"));
    let text = std::fs::read_to_string(&original).unwrap();
    let dir = tempfile::tempdir().unwrap();

    // A renamed public method.
    let renamed = dir.path().join("renamed.rs");
    let needle = "pub fn build(self)";
    assert!(text.contains(needle));
    std::fs::write(&renamed, text.replacen(needle, "pub fn build_it(self)", 1)).unwrap();
    let problems = differences(&crate_dir, &renamed);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("only in") && p.contains("build_it")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("item #")),
        "{problems:#?}"
    );

    // A changed function body, with the same public items.
    let body = dir.path().join("body.rs");
    let needle = "Self::builder()";
    assert!(text.contains(needle));
    std::fs::write(
        &body,
        text.replacen(
            needle,
            "Self::builder().timeout(::std::time::Duration::from_secs(1))",
            1,
        ),
    )
    .unwrap();
    let problems = differences(&crate_dir, &body);
    assert!(
        !problems.iter().any(|p| p.contains("only in")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("item #")),
        "{problems:#?}"
    );
}
