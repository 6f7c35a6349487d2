//! Calls every operation of every client of oagen.toml against Prism (mock mode, request
//! validation), one Prism per spec, and prints the summary table:
//!
//! ```sh
//! npm ci --prefix tests
//! cargo test -p oagen-contract --test prism -- --nocapture
//! ```
//!
//! Fails when Prism is missing: the contract tests are never skipped. Set
//! `OAGEN_CONTRACT_LOG=<dir>` to keep Prism's log of each provider in `<dir>/<provider>.log`,
//! and `OAGEN_CONTRACT_PROVIDERS=weflow,weni` to run some providers only (refused in CI).

use oagen_contract::generated::PROVIDERS;
use oagen_contract::{prism_binary, run_against, Provider};

/// The providers to run: all, or those named in `OAGEN_CONTRACT_PROVIDERS` (outside CI only).
fn selected() -> Vec<Provider> {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    match std::env::var("OAGEN_CONTRACT_PROVIDERS") {
        Ok(list) if !list.trim().is_empty() => {
            assert!(
                !ci,
                "OAGEN_CONTRACT_PROVIDERS is set, but in CI every provider must be exercised"
            );
            let names: Vec<&str> = list.split(',').map(str::trim).collect();
            for n in &names {
                assert!(
                    PROVIDERS.iter().any(|p| p.name == *n),
                    "OAGEN_CONTRACT_PROVIDERS: unknown provider `{n}`"
                );
            }
            PROVIDERS
                .iter()
                .filter(|p| names.contains(&p.name))
                .copied()
                .collect()
        }
        _ => PROVIDERS.to_vec(),
    }
}

#[test]
fn every_operation_of_every_client_against_prism() {
    let binary = match prism_binary() {
        Ok(b) => b,
        Err(msg) => panic!("{msg}"),
    };
    let jobs: Vec<(Provider, String)> = selected()
        .into_iter()
        .map(|p| (p, p.spec.to_string()))
        .collect();
    let log_dir = std::env::var_os("OAGEN_CONTRACT_LOG").map(std::path::PathBuf::from);
    let report = run_against(&binary, &jobs, log_dir.as_deref());
    println!(
        "\nContract tests against Prism (mock mode, request validation):\n\n{}",
        report.table()
    );
    assert!(
        report.ok(),
        "contract failures:\n{}\n{}",
        report.failures(),
        report.table()
    );
}
