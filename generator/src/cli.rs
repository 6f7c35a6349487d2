//! The commands of the `oagen` binary: each calls the library and turns the outcome into
//! terminal output and an exit code.

use oagen::{config, generate, Layout, OptionArgs, Options, Stale};
use std::path::Path;
use std::process::ExitCode;

/// How a command ended.
#[derive(Debug)]
pub enum Outcome {
    /// Success; the message is printed to stdout.
    Ok(String),
    /// The spec has errors or the output is stale (exit 1); the message goes to stderr.
    Failed(String),
    /// Bad usage, config or I/O (exit 2).
    Usage(String),
}

/// Writes a line to stdout. A reader that went away (`oagen diff ... | head`) is not an
/// error of ours: the rest is dropped quietly instead of panicking as `println!` does.
fn print_out(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|()| out.flush());
}

impl Outcome {
    /// Prints the message and returns the exit code.
    pub fn report(self) -> ExitCode {
        match self {
            Outcome::Ok(m) => {
                if !m.is_empty() {
                    print_out(&m);
                }
                ExitCode::SUCCESS
            }
            Outcome::Failed(m) => {
                eprintln!("{m}");
                ExitCode::from(1)
            }
            Outcome::Usage(m) => {
                eprintln!("error: {m}");
                ExitCode::from(2)
            }
        }
    }
}

fn options_from(args: &OptionArgs) -> Options {
    let mut o = Options::default();
    o.merge_args(args);
    o
}

/// `oagen generate SPEC --out DIR --stats FILE`: also writes how much became typed as one
/// line of JSON to FILE (used by the corpus harness in `bench/`).
pub fn generate_one_with_stats(
    spec: &Path,
    out: &Path,
    args: &OptionArgs,
    color: bool,
    stats: Option<&Path>,
) -> Outcome {
    let options = options_from(args);
    match generate(spec, Layout::Crate, &options) {
        Err(d) => Outcome::Failed(d.render(color)),
        Ok(g) => {
            let warnings = g.diagnostics.render(color);
            if let Err(e) = oagen::write(out, &g.files, true) {
                return Outcome::Usage(e.to_string());
            }
            if let Some(path) = stats {
                let line = g.stats_json();
                if let Err(e) = std::fs::write(path, line + "\n") {
                    return Outcome::Usage(format!("{}: {e}", path.display()));
                }
            }
            if !warnings.is_empty() {
                eprintln!("{warnings}");
            }
            Outcome::Ok(next_steps(out, spec, &g))
        }
    }
}

/// What `oagen generate SPEC --out DIR` says: where the crate went and the command to run
/// next.
fn next_steps(out: &Path, spec: &Path, g: &oagen::Generated) -> String {
    let vendored = g
        .files
        .iter()
        .any(|f| f.path.starts_with(oagen::VENDORED_RUNTIME_DIR));
    let runtime = if vendored {
        format!(
            ", with a copy of oagen-runtime in {}",
            out.join(oagen::VENDORED_RUNTIME_DIR).display()
        )
    } else {
        String::new()
    };
    format!(
        "generated the crate `{}` in {} from {} ({} files{runtime})\nnext: cd {} && cargo build",
        g.api.crate_name,
        out.display(),
        spec.display(),
        g.files.len(),
        shell_quote(&out.display().to_string()),
    )
}

/// A path as a POSIX shell word: as is when it is plain, in single quotes otherwise.
fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `oagen generate`: every client of the config file. All clients are attempted; the
/// diagnostics of all failures are reported together.
pub fn generate_all(config_path: &Path, args: &OptionArgs, color: bool) -> Outcome {
    let jobs = match config::read(config_path) {
        Ok(j) => j,
        Err(e) => return Outcome::Usage(e.to_string()),
    };
    let mut done = Vec::new();
    let mut failures = Vec::new();
    for job in jobs {
        let mut options = job.options.clone();
        options.merge_args(args);
        match generate(&job.spec, Layout::Crate, &options) {
            Err(d) => failures.push(d.render(color)),
            Ok(g) => {
                let warnings = g.diagnostics.render(color);
                if !warnings.is_empty() {
                    eprintln!("{warnings}");
                }
                if let Err(e) = oagen::write(&job.out, &g.files, true) {
                    return Outcome::Usage(e.to_string());
                }
                done.push(format!(
                    "generated {} from {}",
                    job.out.display(),
                    job.spec.display()
                ));
            }
        }
    }
    if failures.is_empty() {
        Outcome::Ok(done.join("\n"))
    } else {
        Outcome::Failed(failures.join("\n"))
    }
}

/// `oagen check`: exit 1 naming every stale file.
pub fn check(config_path: &Path, args: &OptionArgs, color: bool) -> Outcome {
    let jobs = match config::read(config_path) {
        Ok(j) => j,
        Err(e) => return Outcome::Usage(e.to_string()),
    };
    let mut problems = Vec::new();
    for job in jobs {
        let mut options = job.options.clone();
        options.merge_args(args);
        match generate(&job.spec, Layout::Crate, &options) {
            Err(d) => problems.push(d.render(color)),
            Ok(g) => {
                for s in oagen::stale(&job.out, &g.files) {
                    problems.push(match s {
                        Stale::Missing(p) => format!("stale: {} is missing", p.display()),
                        Stale::Changed(p) => format!(
                            "stale: {} differs from what {} produces",
                            p.display(),
                            job.spec.display()
                        ),
                        Stale::Extra(p) => {
                            format!("stale: {} is generated but no longer produced", p.display())
                        }
                    });
                }
            }
        }
    }
    if problems.is_empty() {
        Outcome::Ok(String::new())
    } else {
        problems.push("run `oagen generate` to update the generated code".into());
        Outcome::Failed(problems.join("\n"))
    }
}

/// `oagen lint SPEC`.
pub fn lint(spec: &Path, args: &OptionArgs, color: bool) -> Outcome {
    let options = options_from(args);
    match oagen::lint(spec, &options) {
        Err(d) => Outcome::Failed(d.render(color)),
        Ok(d) => {
            let text = d.render(color);
            if text.is_empty() {
                Outcome::Ok(format!("{}: no problems found", spec.display()))
            } else {
                Outcome::Ok(text)
            }
        }
    }
}

/// `oagen diff OLD NEW` / `oagen diff --base REV`: prints the report to stdout; exits 1 when
/// `--fail-on` is triggered, 2 on bad input.
pub fn diff(args: &oagen::diff::DiffArgs) -> ExitCode {
    let color = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("NO_COLOR").is_none();
    match oagen::diff::run(args, color) {
        Ok(out) => {
            print_out(&out.output);
            if out.failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(oagen::Error::Spec(diags)) => {
            eprintln!("{}", diags.render(false));
            ExitCode::from(2)
        }
        Err(other) => {
            eprintln!("error: {other}");
            ExitCode::from(2)
        }
    }
}
