//! Arbitrary bytes as a spec, both as YAML and as JSON.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        oagen_fuzz::pipeline(text, "spec.yaml");
        oagen_fuzz::pipeline(text, "spec.json");
    }
});
