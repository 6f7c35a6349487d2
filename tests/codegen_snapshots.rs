//! Every valid fixture: its generated code (module layout) is snapshotted. The same code is
//! compiled by the `tests/compile` crate, so a snapshot here is code that builds.

#[macro_use]
mod support;

use oagen::{generate, Layout, Options};

#[test]
fn every_fixture_generates_and_matches_its_snapshot() {
    let fixtures = support::fixtures("tests/fixtures/gen");
    assert!(
        fixtures.len() >= 60,
        "fixtures went missing: {}",
        fixtures.len()
    );
    std::env::set_current_dir(support::root()).expect("cd");
    let mut failures = Vec::new();
    for spec in fixtures {
        let name = support::fixture_name(&spec);
        let rel = support::rel(&spec);
        let options = Options {
            crate_name: Some(name.replace('-', "_")),
            ..Options::default()
        };
        let generated = match generate(&rel, Layout::Module, &options) {
            Ok(g) => g,
            Err(d) => panic!("{} failed:\n{}", rel.display(), d.render(false)),
        };
        // `newer-version` is the warning of a 3.2 document read by a loader without 3.2
        // support (the 3.2 fixtures of the streams work arrive before the 3.2 loader).
        let warnings = generated
            .diagnostics
            .iter()
            .filter(|d| d.severity == oagen::diag::Severity::Warning && d.code != "newer-version")
            .count();
        assert_eq!(
            warnings,
            0,
            "{} has warnings:\n{}",
            rel.display(),
            generated.diagnostics.render(false)
        );
        assert_eq!(generated.files.len(), 1);
        check_snapshot!(
            failures,
            format!("gen__{name}"),
            &generated.files[0].contents
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
