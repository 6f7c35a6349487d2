//! The same input gives byte-identical output: generation twice in one process, and the
//! committed clients equal a fresh generation (`oagen check`).

mod support;

use oagen::{generate, Layout, Options};

#[test]
fn generating_twice_is_byte_identical() {
    std::env::set_current_dir(support::root()).expect("cd");
    let mut specs = support::fixtures("tests/fixtures/gen");
    specs.extend(support::fixtures("specs"));
    for spec in specs {
        let rel = support::rel(&spec);
        let a = generate(&rel, Layout::Crate, &Options::default())
            .map_err(|d| d.render(false))
            .unwrap();
        let b = generate(&rel, Layout::Crate, &Options::default())
            .map_err(|d| d.render(false))
            .unwrap();
        assert_eq!(
            a.files,
            b.files,
            "{} differs between two runs",
            rel.display()
        );
    }
}
