//! Workspace root crate. It demonstrates generating clients from `build.rs` through the `oagen`
//! library (see the README, "Use from build.rs"): `build.rs` generates the four provider
//! clients listed in `oagen.toml` into `OUT_DIR`, and each is included here as a module.
//!
//! These modules declare the same items as the committed crates in `generated/` (checked by
//! `tests/build_rs_items.rs`); use those crates in applications, this crate only proves that
//! the build-script path works.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The Weflow client, generated from `specs/weflow.yaml` at build time.
pub mod weflow {
    include!(concat!(env!("OUT_DIR"), "/weflow.rs"));
}

/// The Weni client, generated from `specs/weni.yaml` at build time.
pub mod weni {
    include!(concat!(env!("OUT_DIR"), "/weni.rs"));
}

/// The Whereby client, generated from `specs/whereby.yaml` at build time.
pub mod whereby {
    include!(concat!(env!("OUT_DIR"), "/whereby.rs"));
}

/// The Warpflow client, generated from `specs/warpflow.yaml` at build time.
pub mod warpflow {
    include!(concat!(env!("OUT_DIR"), "/warpflow.rs"));
}
