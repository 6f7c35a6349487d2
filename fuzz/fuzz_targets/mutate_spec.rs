//! Structure-aware: a valid spec from tests/fixtures/gen, mutated a few times (splices, tricky
//! names, compositions, refs, enums, deletions), then the whole pipeline. With
//! `OAGEN_FUZZ_PRINT` set, the spec is printed first (to turn a crash into a fixture).
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok((text, name)) = oagen_fuzz::mutated(&mut u) {
        if std::env::var_os("OAGEN_FUZZ_PRINT").is_some() {
            eprintln!("----- {name}\n{text}\n-----");
        }
        oagen_fuzz::pipeline(&text, name);
    }
});
