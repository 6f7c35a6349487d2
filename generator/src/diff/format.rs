//! The three output formats: text (the default, colored on a terminal), markdown (a
//! pull-request comment) and JSON (a stable, versioned schema, documented in the README).

use super::{Bump, Change, Report, Severity};
use serde_json::{json, Value};
use std::fmt::Write;

/// The `schema` value of the JSON output. Bumped only for incompatible schema changes.
pub const JSON_SCHEMA: &str = "oagen-diff/1";

/// Operations listed per change in text and markdown; JSON lists all.
const MAX_OPS: usize = 3;

const SEVERITIES: [Severity; 3] = [
    Severity::Breaking,
    Severity::NeedsReview,
    Severity::Compatible,
];

fn overall_bump(reports: &[Report]) -> Bump {
    reports.iter().map(|r| r.bump).max().unwrap_or(Bump::None)
}

fn ops_text(c: &Change) -> String {
    if c.operations.is_empty() {
        return "whole API".into();
    }
    let shown: Vec<String> = c
        .operations
        .iter()
        .take(MAX_OPS)
        .map(|o| format!("`{o}`"))
        .collect();
    let more = c.operations.len().saturating_sub(MAX_OPS);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// `file:line`, or the file alone when the line is unknown.
fn place(c: &Change) -> String {
    match c.line {
        Some(l) => format!("{}:{l}", c.file),
        None => c.file.clone(),
    }
}

/// A JSON pointer as a URI fragment: `#/paths/~1pets/get`.
fn pointer_text(p: &str) -> String {
    format!("#{p}")
}

fn title(s: Severity) -> &'static str {
    match s {
        Severity::Breaking => "Breaking",
        Severity::NeedsReview => "Needs review",
        Severity::Compatible => "Compatible",
    }
}

fn counts_line(r: &Report) -> String {
    let n = r.changes.len();
    format!(
        "{n} {} ({} breaking, {} needs review, {} compatible)",
        if n == 1 { "change" } else { "changes" },
        r.count(Severity::Breaking),
        r.count(Severity::NeedsReview),
        r.count(Severity::Compatible)
    )
}

fn bump_sentence(b: Bump) -> String {
    match b {
        Bump::None => "The generated crate does not change.".into(),
        Bump::Patch => {
            "The generated crate needs a **patch** release (no public signature changes).".into()
        }
        b => format!("The generated crate needs a **{b}** version bump."),
    }
}

/// Plain text; ANSI colors when `color`.
pub fn text(reports: &[Report], color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{} {} → {}", paint("1", "oagen diff"), r.old, r.new);
        let _ = writeln!(
            out,
            "{}; crate bump: {}",
            counts_line(r),
            paint("1", r.bump.as_str())
        );
        for c in &r.changes {
            let sev = match c.severity {
                Severity::Breaking => paint("1;31", &format!("{:<12}", "breaking")),
                Severity::NeedsReview => paint("1;33", &format!("{:<12}", "needs-review")),
                Severity::Compatible => paint("32", &format!("{:<12}", "compatible")),
            };
            let _ = writeln!(
                out,
                "\n{sev} {}  {}",
                paint("1", c.rule.id()),
                ops_text(c).replace('`', "")
            );
            let _ = writeln!(out, "             {}", c.message);
            let _ = writeln!(
                out,
                "             at {} {}",
                place(c),
                pointer_text(&c.pointer)
            );
            let _ = writeln!(
                out,
                "             crate ({}): {}",
                c.effect.bump, c.effect.text
            );
        }
        if !r.crate_changes.is_empty() {
            let _ = writeln!(
                out,
                "\n{}",
                paint("1", "crate-only changes (no wire change):")
            );
            for c in &r.crate_changes {
                let _ = writeln!(out, "  ({}) {}", c.bump, c.text);
            }
        }
    }
    if reports.len() > 1 {
        let _ = writeln!(out, "\noverall crate bump: {}", overall_bump(reports));
    }
    out.trim_end().to_string()
}

/// A pull-request comment: per spec, a summary table, then the changes grouped by severity.
pub fn markdown(reports: &[Report]) -> String {
    let mut out = String::new();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "### API changes: `{}` → `{}`\n", r.old, r.new);
        let _ = writeln!(out, "| Severity | Changes |");
        let _ = writeln!(out, "|---|---:|");
        for s in SEVERITIES {
            let _ = writeln!(out, "| {} | {} |", title(s), r.count(s));
        }
        let _ = writeln!(out, "\n{}", bump_sentence(r.bump));
        for s in SEVERITIES {
            let group: Vec<&Change> = r.changes.iter().filter(|c| c.severity == s).collect();
            if group.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n#### {} ({})\n", title(s), group.len());
            for c in group {
                let _ = writeln!(
                    out,
                    "- **`{}`** {}: {}",
                    c.rule.id(),
                    ops_text(c),
                    c.message
                );
                let _ = writeln!(out, "  - at `{}` `{}`", place(c), pointer_text(&c.pointer));
                let _ = writeln!(out, "  - crate ({}): {}", c.effect.bump, c.effect.text);
            }
        }
        if !r.crate_changes.is_empty() {
            let _ = writeln!(out, "\n#### Generated crate only (no wire change)\n");
            for c in &r.crate_changes {
                let _ = writeln!(out, "- ({}) {}", c.bump, c.text);
            }
        }
    }
    out.trim_end().to_string()
}

fn summary(changes: &[&Change], bump: Bump) -> Value {
    let count = |s: Severity| changes.iter().filter(|c| c.severity == s).count();
    json!({
        "breaking": count(Severity::Breaking),
        "needs_review": count(Severity::NeedsReview),
        "compatible": count(Severity::Compatible),
        "semver": bump.as_str(),
    })
}

/// The JSON document (schema `oagen-diff/1`).
pub fn json(reports: &[Report]) -> String {
    let all: Vec<&Change> = reports.iter().flat_map(|r| r.changes.iter()).collect();
    let doc = json!({
        "schema": JSON_SCHEMA,
        "summary": summary(&all, overall_bump(reports)),
        "reports": reports.iter().map(|r| {
            let changes: Vec<&Change> = r.changes.iter().collect();
            json!({
                "old": r.old,
                "new": r.new,
                "summary": summary(&changes, r.bump),
                "changes": r.changes.iter().map(|c| json!({
                    "rule": c.rule.id(),
                    "severity": c.severity.as_str(),
                    "operations": c.operations,
                    "pointer": c.pointer,
                    "side": c.side.as_str(),
                    "file": c.file,
                    "line": c.line,
                    "message": c.message,
                    "crate": { "semver": c.effect.bump.as_str(), "effect": c.effect.text },
                })).collect::<Vec<_>>(),
                "crate_changes": r.crate_changes.iter().map(|c| json!({
                    "semver": c.bump.as_str(),
                    "effect": c.text,
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
