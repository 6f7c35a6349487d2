//! Generates the `petstore` client from `openapi/petstore.yaml` into `OUT_DIR`.
//!
//! `compile` prints `cargo:rerun-if-changed` for `openapi/petstore.yaml` and for
//! `openapi/schemas/pet.yaml` (reached through `$ref`), so Cargo reruns this script when one
//! of them changes and at no other time.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    oagen::Config::new()
        .crate_name("petstore")
        // `Eq` and `Hash` on top of the derives every generated type has.
        .derives(["Pet=::std::cmp::Eq", "Pet=::std::hash::Hash"])
        // The crate's own error body type replaces the generated `types::Error`.
        .type_overrides(["Error=crate::ApiProblem"])
        .strict(true)
        .compile(&["openapi/petstore.yaml"])?;
    Ok(())
}
