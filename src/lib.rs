//! Workspace root crate. It demonstrates generating clients from `build.rs`
//! through the `oagen` library (see the README, "Use from build.rs").
