//! The `oagen` command line: a thin layer over the library.
//!
//! Exit codes: 0 success; 1 the spec has errors, or `check` found stale files; 2 bad usage,
//! an unreadable config, or an I/O error.

mod cli;

use clap::{Parser, Subcommand};
use cli::Outcome;
use oagen::OptionArgs;
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generate typed Rust API clients from OpenAPI 3.0/3.1/3.2 specs.
///
/// Typical use: list your specs in `oagen.toml`, run `oagen generate` after editing a spec,
/// and run `oagen check` in CI so committed clients cannot drift from their specs.
#[derive(Parser)]
#[command(
    name = "oagen",
    version,
    after_help = "Exit codes: 0 success; 1 spec errors or stale output; 2 usage, config or I/O error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate every client in oagen.toml, or one client from SPEC into --out.
    Generate {
        /// A spec to generate (YAML or JSON). Without it, every client in the config file.
        spec: Option<PathBuf>,
        /// The crate directory to write (required with SPEC).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// The config file listing the clients.
        #[arg(long, default_value = "oagen.toml")]
        config: PathBuf,
        /// With SPEC: also write a one-line JSON summary of how much became typed to FILE.
        #[arg(long, value_name = "FILE")]
        stats: Option<PathBuf>,
        #[command(flatten)]
        options: OptionArgs,
    },
    /// Exit 1 and name the stale files when generated code differs from what the specs produce.
    Check {
        /// The config file listing the clients.
        #[arg(long, default_value = "oagen.toml")]
        config: PathBuf,
        #[command(flatten)]
        options: OptionArgs,
    },
    /// Classify the changes between two versions of a spec (breaking, needs-review,
    /// compatible) and their effect on the generated crate.
    Diff(oagen::diff::DiffArgs),
    /// Print the diagnostics for a spec without generating anything.
    Lint {
        /// The spec to check.
        spec: PathBuf,
        #[command(flatten)]
        options: OptionArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let outcome = match cli.command {
        Command::Generate {
            spec: Some(spec),
            out,
            options,
            stats,
            ..
        } => match out {
            Some(out) => {
                cli::generate_one_with_stats(&spec, &out, &options, color, stats.as_deref())
            }
            None => Outcome::Usage("`oagen generate SPEC` needs `--out DIR`".into()),
        },
        Command::Generate {
            spec: None,
            config,
            options,
            ..
        } => cli::generate_all(&config, &options, color),
        Command::Check { config, options } => cli::check(&config, &options, color),
        Command::Lint { spec, options } => cli::lint(&spec, &options, color),
        Command::Diff(args) => return cli::diff(&args),
    };
    outcome.report()
}
