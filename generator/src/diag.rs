//! Diagnostics: every problem found during a generator run, with the place in
//! the spec it concerns, rendered rustc-style.
//!
//! Each stage pushes [`Diagnostic`]s into one [`Diagnostics`] collector
//! instead of stopping at the first problem. The collector also keeps the text
//! of every spec file read, so [`Diagnostics::render`] can show the offending
//! line with a caret under the column.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor, Chars, Config};

/// How bad a problem is. Errors stop generation; warnings do not (unless
/// promoted with [`Diagnostics::promote_warnings`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation can go on; the result may be less precise than the spec.
    Warning,
    /// Generation cannot produce a trustworthy result.
    Error,
}

impl Severity {
    /// The lowercase word used in rendered output (`"error"`, `"warning"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a spec file: the file, a JSON pointer into that file's
/// document, and (when known) the 1-based line and column it starts at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file, as given or as derived from the referring file (relative
    /// paths stay relative).
    pub file: PathBuf,
    /// JSON pointer into the file's document; `""` is the document root.
    pub pointer: String,
    /// 1-based line, if the position is known.
    pub line: Option<usize>,
    /// 1-based column (in characters), if the position is known.
    pub column: Option<usize>,
}

impl Location {
    /// A location without line and column.
    pub fn new(file: impl Into<PathBuf>, pointer: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            pointer: pointer.into(),
            line: None,
            column: None,
        }
    }

    /// The same location with a line and column.
    pub fn with_position(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

impl fmt::Display for Location {
    /// `file#pointer`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file.display(), self.pointer)
    }
}

/// One problem found in the spec (or in the run).
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable kebab-case identifier of the kind of problem, e.g. `"dangling-ref"`.
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where it is, if it concerns a place in a spec file.
    pub location: Option<Location>,
    /// How to fix it, if there is something useful to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error without location or help.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: None,
            help: None,
        }
    }

    /// A new warning without location or help.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// The same diagnostic at `location`.
    pub fn at(mut self, location: impl Into<Option<Location>>) -> Self {
        self.location = location.into();
        self
    }

    /// The same diagnostic with a help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `error[code]: message at file#pointer`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        )?;
        if let Some(loc) = &self.location {
            write!(f, " at {loc}")?;
        }
        Ok(())
    }
}

/// All problems of a run, plus the source text of every file read.
#[derive(Default, Debug)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    sources: BTreeMap<PathBuf, String>,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Remembers the text of `file` so rendered diagnostics can quote it.
    /// Adding the same file again replaces the text.
    pub fn add_source(&mut self, file: &Path, text: String) {
        self.sources.insert(file.to_path_buf(), text);
    }

    /// The remembered text of `file`, if any.
    pub fn source(&self, file: &Path) -> Option<&str> {
        self.sources.get(file).map(String::as_str)
    }

    /// Renames the files whose path starts with `prefix` (a temporary directory) to start
    /// with `with` instead (`git:REV:`), in the diagnostics and the remembered sources.
    pub fn rename_files(&mut self, prefix: &str, with: &str) {
        let rename = |p: &Path| -> Option<PathBuf> {
            let text = p.to_str()?;
            text.strip_prefix(prefix)
                .map(|rest| PathBuf::from(format!("{with}{rest}")))
        };
        for d in &mut self.items {
            if d.message.contains(prefix) {
                d.message = d.message.replace(prefix, with);
            }
            if let Some(help) = d.help.as_mut().filter(|h| h.contains(prefix)) {
                *help = help.replace(prefix, with);
            }
            if let Some(loc) = &mut d.location {
                if let Some(p) = rename(&loc.file) {
                    loc.file = p;
                }
            }
        }
        self.sources = std::mem::take(&mut self.sources)
            .into_iter()
            .map(|(p, text)| (rename(&p).unwrap_or(p), text))
            .collect();
    }

    /// Records a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Records an error.
    pub fn error(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        location: Option<Location>,
    ) {
        self.push(Diagnostic::error(code, message).at(location));
    }

    /// Records a warning.
    pub fn warning(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        location: Option<Location>,
    ) {
        self.push(Diagnostic::warning(code, message).at(location));
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// Number of errors recorded.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings recorded.
    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Number of diagnostics recorded.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Turns every warning into an error (`--strict`).
    pub fn promote_warnings(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }

    /// The diagnostics in rendering order: by file (diagnostics without a
    /// file first), then line (unknown lines first), then insertion order.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut out: Vec<&Diagnostic> = self.items.iter().collect();
        out.sort_by(|a, b| {
            let ka = (
                a.location.as_ref().map(|l| &l.file),
                a.location.as_ref().and_then(|l| l.line),
            );
            let kb = (
                b.location.as_ref().map(|l| &l.file),
                b.location.as_ref().and_then(|l| l.line),
            );
            ka.cmp(&kb)
        });
        out
    }

    /// Renders all diagnostics rustc-style:
    ///
    /// ```text
    /// error[dangling-ref]: reference `#/components/schemas/Nope` points at nothing
    ///   --> spec.yaml:12:15
    ///    |
    /// 12 |               $ref: '#/components/schemas/Nope'
    ///    |               ^^^^
    ///    |
    ///    = note: at #/paths/~1pets/get/responses/200/content/application~1json/schema/$ref
    ///    = help: ...
    /// ```
    ///
    /// A diagnostic whose line is unknown still names its file and pointer.
    /// Output is plain text when `color` is false, ANSI-coloured otherwise.
    pub fn render(&self, color: bool) -> String {
        let mut files = SimpleFiles::new();
        let mut ids: BTreeMap<&Path, usize> = BTreeMap::new();
        for (path, text) in &self.sources {
            let id = files.add(path.display().to_string(), text.as_str());
            ids.insert(path.as_path(), id);
        }
        let config = Config {
            chars: Chars::ascii(),
            ..Config::default()
        };
        let mut out = String::new();
        for d in self.sorted() {
            let rendered = match span_of(d, &self.sources, &ids) {
                Some((id, range)) => render_with_snippet(d, id, range, &files, &config, color),
                None => None,
            };
            match rendered {
                Some(text) => out.push_str(&text),
                None => out.push_str(&render_plain(d, color)),
            }
        }
        out
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// The file id and byte range to underline for `d`, when its file's text is
/// known and its line lies inside it.
fn span_of(
    d: &Diagnostic,
    sources: &BTreeMap<PathBuf, String>,
    ids: &BTreeMap<&Path, usize>,
) -> Option<(usize, std::ops::Range<usize>)> {
    let loc = d.location.as_ref()?;
    let line = loc.line?;
    let text = sources.get(&loc.file)?;
    let id = *ids.get(loc.file.as_path())?;
    let range = byte_span(text, line, loc.column.unwrap_or(1))?;
    // Minified JSON (most published specs) is one line of megabytes: quoting it would bury
    // the message, so such a diagnostic names file:line:column without a snippet.
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[range.start..]
        .find('\n')
        .map_or(text.len(), |i| range.start + i);
    if line_end - line_start > MAX_SNIPPET_LINE {
        return None;
    }
    Some((id, range))
}

/// Source lines longer than this (in bytes) are not quoted in diagnostics.
const MAX_SNIPPET_LINE: usize = 400;

/// Byte range of the token starting at 1-based `line`/`column` (column in
/// characters). The token runs to the end of a quoted string, or up to the
/// next `:`, `,`, bracket or whitespace; it is at least one character long
/// unless the line is empty.
pub(crate) fn byte_span(text: &str, line: usize, column: usize) -> Option<std::ops::Range<usize>> {
    let line_start = if line <= 1 {
        0
    } else {
        let mut seen = 1;
        let mut start = None;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    start = Some(i + 1);
                    break;
                }
            }
        }
        start?
    };
    let rest = text.get(line_start..)?;
    let line_text = rest.split('\n').next().unwrap_or("");
    let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
    let mut chars = line_text.char_indices();
    let mut start = line_text.len();
    let mut idx = 0usize;
    for (off, _) in chars.by_ref() {
        idx += 1;
        if idx == column.max(1) {
            start = off;
            break;
        }
    }
    let tail = line_text.get(start..).unwrap_or("");
    let mut len = 0usize;
    let mut it = tail.char_indices();
    match it.next() {
        None => {}
        Some((_, q @ ('"' | '\''))) => {
            len = tail.len();
            let mut escaped = false;
            for (off, c) in it {
                if q == '"' && c == '\\' && !escaped {
                    escaped = true;
                    continue;
                }
                if c == q && !escaped {
                    len = off + c.len_utf8();
                    break;
                }
                escaped = false;
            }
        }
        Some((_, c)) => {
            len = c.len_utf8();
            if !matches!(c, '{' | '[' | '}' | ']' | ',' | ':') {
                for (off, c) in it {
                    if c.is_whitespace() || matches!(c, ':' | ',' | '{' | '}' | '[' | ']') {
                        break;
                    }
                    len = off + c.len_utf8();
                }
            }
        }
    }
    let begin = line_start + start;
    Some(begin..begin + len)
}

fn notes(d: &Diagnostic) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(loc) = &d.location {
        if !loc.pointer.is_empty() {
            notes.push(format!("note: at #{}", loc.pointer));
        }
    }
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    notes
}

fn render_with_snippet(
    d: &Diagnostic,
    id: usize,
    range: std::ops::Range<usize>,
    files: &SimpleFiles<String, &str>,
    config: &Config,
    color: bool,
) -> Option<String> {
    let severity = match d.severity {
        Severity::Warning => CsSeverity::Warning,
        Severity::Error => CsSeverity::Error,
    };
    let cs = CsDiagnostic::new(severity)
        .with_code(d.code)
        .with_message(&d.message)
        .with_label(Label::primary(id, range))
        .with_notes(notes(d));
    if color {
        let mut ansi = termcolor::Ansi::new(Vec::new());
        term::emit_to_write_style(&mut ansi, config, files, &cs).ok()?;
        String::from_utf8(ansi.into_inner()).ok()
    } else {
        let mut out = String::new();
        term::emit_to_string(&mut out, config, files, &cs).ok()?;
        Some(out)
    }
}

/// Rendering for diagnostics without a known line (or without the file's
/// text): header, the file and pointer, notes.
fn render_plain(d: &Diagnostic, color: bool) -> String {
    let (sev_on, bold_on, blue_on, off) = if color {
        let sev = match d.severity {
            Severity::Error => "\x1b[1;91m",
            Severity::Warning => "\x1b[1;93m",
        };
        (sev, "\x1b[1m", "\x1b[1;94m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = format!(
        "{sev_on}{}[{}]{off}{bold_on}: {}{off}\n",
        d.severity.as_str(),
        d.code,
        d.message
    );
    if let Some(loc) = &d.location {
        let place = match (loc.line, loc.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", loc.file.display()),
            (Some(l), None) => format!("{}:{l}", loc.file.display()),
            _ => loc.file.display().to_string(),
        };
        out.push_str(&format!("  {blue_on}-->{off} {place}\n"));
    }
    for note in notes(d) {
        out.push_str(&format!("   {blue_on}={off} {note}\n"));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Diagnostics {
        let mut d = Diagnostics::new();
        d.add_source(
            Path::new("spec.yaml"),
            "openapi: 3.0.3\npaths:\n  /a:\n    $ref: '#/nope'\n".into(),
        );
        d.push(
            Diagnostic::error("dangling-ref", "reference `#/nope` points at nothing")
                .at(Location::new("spec.yaml", "/paths/~1a/$ref").with_position(4, 5))
                .with_help("check the spelling"),
        );
        d.warning(
            "no-line",
            "something odd",
            Some(Location::new("other.yaml", "/x")),
        );
        d.warning(
            "first",
            "early in the file",
            Some(Location::new("spec.yaml", "").with_position(1, 1)),
        );
        d
    }

    #[test]
    fn counts_and_promotion() {
        let mut d = sample();
        assert_eq!(d.error_count(), 1);
        assert_eq!(d.warning_count(), 2);
        assert!(d.has_errors());
        d.promote_warnings();
        assert_eq!(d.error_count(), 3);
        assert_eq!(d.warning_count(), 0);
    }

    #[test]
    fn display_is_one_line() {
        let d = sample();
        let first = d.iter().next().map(ToString::to_string).unwrap_or_default();
        assert_eq!(
            first,
            "error[dangling-ref]: reference `#/nope` points at nothing at spec.yaml#/paths/~1a/$ref"
        );
    }

    #[test]
    fn render_plain_text() {
        let text = sample().render(false);
        let expected = "\
warning[no-line]: something odd
  --> other.yaml
   = note: at #/x

warning[first]: early in the file
  --> spec.yaml:1:1
  |
1 | openapi: 3.0.3
  | ^^^^^^^

error[dangling-ref]: reference `#/nope` points at nothing
  --> spec.yaml:4:5
  |
4 |     $ref: '#/nope'
  |     ^^^^
  |
  = note: at #/paths/~1a/$ref
  = help: check the spelling

";
        assert_eq!(text, expected);
    }

    #[test]
    fn render_without_source_text_keeps_the_position() {
        let mut d = Diagnostics::new();
        d.error(
            "x",
            "no text",
            Some(Location::new("unread.yaml", "/a").with_position(3, 4)),
        );
        assert_eq!(
            d.render(false),
            "error[x]: no text\n  --> unread.yaml:3:4\n   = note: at #/a\n\n"
        );
    }

    #[test]
    fn render_does_not_quote_a_minified_line() {
        let mut d = Diagnostics::new();
        let text = format!(
            "{{\"openapi\":\"3.0.3\",\"x\":\"{}\",\"paths\":{{}}}}",
            "y".repeat(2000)
        );
        d.add_source(Path::new("min.json"), text);
        d.error(
            "x",
            "bad paths",
            Some(Location::new("min.json", "/paths").with_position(1, 2023)),
        );
        assert_eq!(
            d.render(false),
            "error[x]: bad paths\n  --> min.json:1:2023\n   = note: at #/paths\n\n"
        );
    }

    #[test]
    fn render_color_has_escapes() {
        let text = sample().render(true);
        assert!(text.contains("\x1b["));
    }

    #[test]
    fn spans() {
        let t = "a: 'x y'\nb: \"q\\\"r\" # c\n  key: value\n";
        assert_eq!(byte_span(t, 1, 4).map(|r| &t[r]), Some("'x y'"));
        assert_eq!(byte_span(t, 2, 4).map(|r| &t[r]), Some("\"q\\\"r\""));
        assert_eq!(byte_span(t, 3, 3).map(|r| &t[r]), Some("key"));
        assert_eq!(byte_span(t, 9, 1), None);
        assert_eq!(byte_span(t, 4, 1), Some(t.len()..t.len()));
    }
}
