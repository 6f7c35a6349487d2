//! The loader's behaviour on the fixture specs under `tests/fixtures/load` and beyond:
//! bundling across files, errors, positions, 3.1 normalization, and random input.

mod bundle;
mod errors;
mod fuzz;
mod positions;
mod shared_fixtures;
mod v31;
mod v32;
