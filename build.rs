//! Generates the four provider clients of `oagen.toml` into `OUT_DIR` through the `oagen`
//! library: the build-script path to the same code that `oagen generate` writes into
//! `generated/`. `src/lib.rs` includes the results; `tests/build_rs_items.rs` checks that both
//! paths declare the same items.

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Path::new("oagen.toml");
    println!("cargo:rerun-if-changed={}", config.display());
    let jobs = oagen::config::read(config)?;
    for job in jobs {
        // The same options as `oagen generate` uses for `generated/<name>`; the module file is
        // `<crate name>.rs`. Rerun-if-changed lines cover the spec and its `$ref`s.
        oagen::Config::new()
            .options(job.options)
            .compile(&[&job.spec])?;
    }
    Ok(())
}
