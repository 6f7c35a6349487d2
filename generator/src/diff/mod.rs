//! `oagen diff`: classify the changes between two versions of a spec as breaking, needing
//! review, or compatible, and say what each does to the generated Rust crate.
//!
//! Both sides go through the loader and the IR builder, so the comparison sees resolved,
//! normalized schemas: `$ref`/`allOf` refactors, inline schemas moved to `components`,
//! renamed path parameters and description edits are not changes. Types are compared by
//! shape (walking both IRs in parallel from each operation and each webhook or callback
//! event, whose payload is compared as a response), never by name. What the IR does not
//! keep (status codes, content types, per-operation security) is read from the bundled
//! document, following local `$ref`s.
//!
//! A change is judged from the point of view of a client built against the old spec talking
//! to a server that implements the new one: **breaking** if such a client can fail,
//! **needs-review** if it depends on how the server or other clients behave, **compatible**
//! otherwise. Separately, each change names its effect on the generated crate (which methods
//! and types change signature) and the semver bump that effect needs; renames of generated
//! items that carry no wire change are listed as crate-only changes.

mod compare;
mod format;
pub mod rules;
mod source;

use crate::diag::Diagnostics;
use crate::error::Error;
use crate::load::{self, LoadedSpec};
use std::fmt;
use std::path::{Path, PathBuf};

pub use compare::compare;
pub use format::{json, markdown, text, JSON_SCHEMA};
pub use rules::Rule;
pub use source::SpecSource;

/// How a client built against the old spec fares against a server implementing the new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Old clients keep working.
    Compatible,
    /// Old clients may fail, depending on the server or the client's own code.
    NeedsReview,
    /// Old clients can fail.
    Breaking,
}

impl Severity {
    /// `breaking`, `needs-review` or `compatible`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Compatible => "compatible",
            Severity::NeedsReview => "needs-review",
            Severity::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A semver bump of the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// The generated code does not change.
    None,
    /// Behaviour or documentation changes; no public signature does.
    Patch,
    /// Items are added.
    Minor,
    /// Items are removed or change signature.
    Major,
}

impl Bump {
    /// `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which spec a JSON pointer points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// The old spec (for things that were removed).
    Old,
    /// The new spec.
    New,
}

impl Side {
    /// `old` or `new`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Old => "old",
            Side::New => "new",
        }
    }
}

/// What a change does to the generated crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effect {
    /// The bump it needs on its own.
    pub bump: Bump,
    /// Which items change, in one line.
    pub text: String,
}

impl Effect {
    pub(crate) fn new(bump: Bump, text: impl Into<String>) -> Self {
        Effect {
            bump,
            text: text.into(),
        }
    }
}

/// One classified change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The rule.
    pub rule: Rule,
    /// Its severity (always `rule.severity()`).
    pub severity: Severity,
    /// The operations affected, as `METHOD path`, in document order, then the webhook and
    /// callback events, as `webhook <key>` or `callback <name>`. Empty for changes of the
    /// whole API (the server URL).
    pub operations: Vec<String>,
    /// Where, as a JSON pointer into the bundled document of `side`.
    pub pointer: String,
    /// The spec `pointer` refers to.
    pub side: Side,
    /// The file that holds it (the spec, or a file it refers to), as named on the command
    /// line (`git:REV:path` for git sides).
    pub file: String,
    /// The line in `file`, when known.
    pub line: Option<usize>,
    /// What changed, in one line.
    pub message: String,
    /// The effect on the generated crate.
    pub effect: Effect,
}

/// A change of the generated crate that comes with no wire change (a renamed method or
/// type, a different constructor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrateChange {
    /// The bump it needs.
    pub bump: Bump,
    /// What changes.
    pub text: String,
}

/// The comparison of two versions of one spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// How the old side was named on the command line.
    pub old: String,
    /// How the new side was named.
    pub new: String,
    /// Every change, most severe first, then in document order.
    pub changes: Vec<Change>,
    /// Crate-only changes.
    pub crate_changes: Vec<CrateChange>,
    /// The bump the generated crate needs: the largest of all effects; `patch` when only
    /// documentation changes; `none` when the generated code is the same.
    pub bump: Bump,
}

impl Report {
    /// The number of changes of a severity.
    pub fn count(&self, s: Severity) -> usize {
        self.changes.iter().filter(|c| c.severity == s).count()
    }

    /// The most severe change, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.changes.iter().map(|c| c.severity).max()
    }
}

/// The title of the stand-in for a spec missing at a revision.
const ABSENT_TITLE: &str = "(absent at this revision)";

/// One side of a comparison, loaded: the bundled spec and its IR.
#[derive(Debug)]
pub struct Spec {
    /// How it was named on the command line.
    pub label: String,
    /// The loaded document.
    pub loaded: LoadedSpec,
    /// The IR.
    pub api: crate::ir::Api,
    /// What the spec says beyond the IR, for the comparison (statuses, media types, ...).
    pub facts: crate::ir::Facts,
    /// A prefix of file paths to show differently (a temporary directory → `git:REV:`).
    pub(crate) display_prefix: Option<(String, String)>,
}

impl Spec {
    /// How a file read for this spec is named in reports.
    pub(crate) fn display_file(&self, file: &Path) -> String {
        let text = file.display().to_string();
        if let Some((prefix, with)) = &self.display_prefix {
            if let Some(rest) = text.strip_prefix(prefix.as_str()) {
                return format!("{with}{}", rest.replace('\\', "/"));
            }
        }
        text.replace('\\', "/")
    }

    /// Loads and builds a spec file.
    ///
    /// # Errors
    /// [`Error::Spec`] with its errors (warnings are left out, as `oagen lint` shows them).
    pub fn load(path: &Path, label: &str, crate_name: &str) -> Result<Spec, Error> {
        let mut diags = Diagnostics::new();
        let loaded = load::load(path, &mut diags);
        Spec::finish(loaded, diags, label, crate_name)
    }

    /// A spec with no operations, standing in for a file that does not exist at a revision.
    pub(crate) fn empty(label: &str, crate_name: &str) -> Result<Spec, Error> {
        let text = format!(
            "openapi: 3.0.3\ninfo:\n  title: '{ABSENT_TITLE}'\n  version: '0'\npaths: {{}}\n"
        );
        let mut diags = Diagnostics::new();
        let loaded = load::load_str(&text, Path::new("absent.yaml"), &mut diags);
        Spec::finish(loaded, diags, label, crate_name)
    }

    fn finish(
        loaded: Option<LoadedSpec>,
        mut diags: Diagnostics,
        label: &str,
        crate_name: &str,
    ) -> Result<Spec, Error> {
        let Some(loaded) = loaded else {
            return Err(errors_only(&diags));
        };
        let api = crate::ir::build(&loaded, crate_name, &mut diags);
        match api {
            Some(api) if !diags.has_errors() => Ok(Spec {
                label: label.to_string(),
                facts: crate::ir::facts(&loaded, &api),
                loaded,
                api,
                display_prefix: None,
            }),
            _ => Err(errors_only(&diags)),
        }
    }
}

/// The errors of a failed load; warnings are left out, as `oagen lint` shows them.
fn errors_only(diags: &Diagnostics) -> Error {
    let mut errors = Diagnostics::new();
    for d in diags
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
    {
        if let Some(loc) = &d.location {
            if let Some(text) = diags.source(&loc.file) {
                errors.add_source(&loc.file, text.to_string());
            }
        }
        errors.push(d.clone());
    }
    Error::Spec(errors)
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Plain text, colored on a terminal.
    Text,
    /// A pull-request comment: a summary table, then details by severity.
    Markdown,
    /// The stable JSON schema documented in the README.
    Json,
}

/// The `--fail-on` threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum FailOn {
    /// Exit 1 when a breaking change exists.
    Breaking,
    /// Exit 1 when a breaking or needs-review change exists.
    NeedsReview,
    /// Exit 1 when any change exists.
    Any,
}

impl FailOn {
    fn threshold(self) -> Severity {
        match self {
            FailOn::Breaking => Severity::Breaking,
            FailOn::NeedsReview => Severity::NeedsReview,
            FailOn::Any => Severity::Compatible,
        }
    }
}

/// The arguments of `oagen diff` (declared once: with the `cli` feature they are also its
/// command-line arguments).
#[derive(Clone, Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(
    feature = "cli",
    command(
        after_help = "Exit codes: 0 no change at the --fail-on level (or no --fail-on); 1 a change at that level or above; 2 bad input (unreadable or invalid spec, unknown revision, bad arguments)."
    )
)]
pub struct DiffArgs {
    /// The old spec: a file, or `git:REV:PATH` (PATH from the repository root, or from the
    /// current directory when it starts with `./` or `../`).
    #[cfg_attr(
        feature = "cli",
        arg(required_unless_present = "base", conflicts_with = "base")
    )]
    pub old: Option<String>,
    /// The new spec, in the same forms.
    #[cfg_attr(
        feature = "cli",
        arg(required_unless_present = "base", conflicts_with = "base")
    )]
    pub new: Option<String>,
    /// Compare every spec of the config file with its version at git revision REV.
    #[cfg_attr(feature = "cli", arg(long, value_name = "REV"))]
    pub base: Option<String>,
    /// The config file listing the specs (with `--base`).
    #[cfg_attr(feature = "cli", arg(long, default_value = "oagen.toml"))]
    pub config: PathBuf,
    /// Output format.
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t = Format::Text))]
    pub format: Format,
    /// Exit 1 when a change at this level or above exists.
    #[cfg_attr(feature = "cli", arg(long, value_enum, value_name = "LEVEL"))]
    pub fail_on: Option<FailOn>,
}

/// The result of [`run`].
#[derive(Debug)]
pub struct RunOutput {
    /// The rendered reports (stdout).
    pub output: String,
    /// The reports.
    pub reports: Vec<Report>,
    /// Whether `--fail-on` was triggered (exit 1).
    pub failed: bool,
}

/// Runs `oagen diff`.
///
/// # Errors
/// Bad input (exit 2): [`Error::Spec`] for a spec with errors, [`Error::Input`] for a missing
/// file or an unknown revision, [`Error::Config`] / [`Error::Io`] for the config file.
pub fn run(args: &DiffArgs, color: bool) -> Result<RunOutput, Error> {
    let reports = match (&args.base, &args.old, &args.new) {
        (Some(rev), _, _) => diff_base(rev, &args.config)?,
        (None, Some(old), Some(new)) => {
            let old_src = SpecSource::parse(old);
            let new_src = SpecSource::parse(new);
            let name = crate_name_for(&new_src);
            let old_spec = old_src.load(&name)?;
            let new_spec = new_src.load(&name)?;
            vec![compare(&old_spec, &new_spec)]
        }
        _ => {
            return Err(Error::Input(
                "`oagen diff` needs OLD and NEW, or `--base REV`".into(),
            ))
        }
    };
    let output = match args.format {
        Format::Text => text(&reports, color),
        Format::Markdown => markdown(&reports),
        Format::Json => json(&reports),
    };
    let failed = match args.fail_on {
        Some(level) => reports
            .iter()
            .any(|r| r.worst().is_some_and(|w| w >= level.threshold())),
        None => false,
    };
    Ok(RunOutput {
        output,
        reports,
        failed,
    })
}

fn crate_name_for(src: &SpecSource) -> String {
    let path = match src {
        SpecSource::File(p) => p.clone(),
        SpecSource::Git { path, .. } => PathBuf::from(path),
    };
    crate::default_crate_name(&path)
}

/// `--base REV`: every client of the config file, old side from git.
fn diff_base(rev: &str, config_path: &Path) -> Result<Vec<Report>, Error> {
    let jobs = crate::config::read(config_path)?;
    if jobs.is_empty() {
        return Err(Error::Config {
            path: config_path.to_path_buf(),
            message: "lists no `[[client]]`".into(),
        });
    }
    source::check_rev(rev).map_err(Error::Input)?;
    let mut reports = Vec::new();
    for job in jobs {
        let name = job
            .options
            .crate_name
            .clone()
            .unwrap_or_else(|| crate::default_crate_name(&job.spec));
        let rel = source::repo_relative(&job.spec).map_err(Error::Input)?;
        let old_src = SpecSource::Git {
            rev: rev.to_string(),
            path: rel,
        };
        let old = if source::exists_at(rev, old_src.git_path()).map_err(Error::Input)? {
            old_src.load(&name)?
        } else {
            Spec::empty(&format!("{} (absent)", old_src.label()), &name)?
        };
        let new_src = SpecSource::File(job.spec.clone());
        let new = new_src.load(&name)?;
        let mut report = compare(&old, &new);
        if old.api.modules.is_empty() && old.api.title == ABSENT_TITLE {
            // A new crate: its changes are additions; no constructor or type "changed".
            report.crate_changes.clear();
            report.bump = report
                .changes
                .iter()
                .map(|c| c.effect.bump)
                .max()
                .unwrap_or(Bump::None);
        }
        reports.push(report);
    }
    Ok(reports)
}
