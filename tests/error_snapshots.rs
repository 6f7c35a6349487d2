//! Every invalid fixture: the rendered diagnostics (file, JSON pointer, line with caret) are
//! snapshotted, and each must fail with an error (or, for warnings-only fixtures, fail
//! under `--strict`).

#[macro_use]
mod support;

use oagen::{build_ir, Options};

#[test]
fn every_bad_fixture_reports_clear_errors() {
    std::env::set_current_dir(support::root()).expect("cd");
    let fixtures = support::fixtures("tests/fixtures/bad");
    assert!(fixtures.len() >= 10, "fixtures went missing");
    let mut failures = Vec::new();
    for spec in fixtures {
        let name = support::fixture_name(&spec);
        let rel = support::rel(&spec);
        let text = match build_ir(&rel, &Options::default()) {
            Err(d) => {
                assert!(d.has_errors(), "{name}: failed without an error");
                d.render(false)
            }
            Ok((_, d, _)) => {
                // Only warnings: they must exist, and --strict must turn them into errors.
                assert!(
                    d.warning_count() > 0,
                    "{name} was accepted without any diagnostic"
                );
                let strict = Options {
                    strict: true,
                    ..Options::default()
                };
                assert!(
                    build_ir(&rel, &strict).is_err(),
                    "{name}: --strict accepted warnings"
                );
                d.render(false)
            }
        };
        assert!(
            text.contains(&rel.display().to_string()),
            "{name}: the message does not name the file:\n{text}"
        );
        check_snapshot!(failures, format!("bad__{name}"), &text);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn several_problems_are_reported_together() {
    std::env::set_current_dir(support::root()).expect("cd");
    // All three are repaired, so they are warnings, reported together in one run; --strict
    // makes every one of them an error.
    let (_, d, _) = build_ir(
        "tests/fixtures/bad/several-problems.yaml".as_ref(),
        &Options::default(),
    )
    .expect("repaired");
    let codes: Vec<&str> = d.iter().map(|x| x.code).collect();
    assert_eq!(
        codes,
        vec![
            "dangling-ref",
            "undeclared-path-param",
            "duplicate-operation-id"
        ],
        "{}",
        d.render(false)
    );
    let strict = Options {
        strict: true,
        ..Options::default()
    };
    let d = build_ir("tests/fixtures/bad/several-problems.yaml".as_ref(), &strict).unwrap_err();
    assert_eq!(d.error_count(), 3, "{}", d.render(false));
    let d = build_ir("tests/fixtures/bad/dangling-ref.yaml".as_ref(), &strict).unwrap_err();
    assert!(
        d.error_count() >= 2,
        "only {} errors:\n{}",
        d.error_count(),
        d.render(false)
    );
}
