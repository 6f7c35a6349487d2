//! Rustdoc from spec text. Spec Markdown is made safe for rustdoc: code fences become
//! `text` blocks (never doctests), indentation that would start an indented code block is
//! dropped, bare URLs become autolinks, and `[`, `]`, `<`, `>` that are not ours are escaped
//! so that rustdoc sees no broken links and no HTML.

use crate::ir::Doc;
use proc_macro2::TokenStream;
use quote::quote;

/// Doc attributes for a [`Doc`].
pub fn attrs(doc: &Doc) -> TokenStream {
    lines_to_attrs(&lines(doc))
}

/// Whether a [`Doc`] has a summary or description with any text: specs often carry
/// `description: ""`, which must not stand in for the generated fallback line.
pub fn has_text(doc: &Doc) -> bool {
    [&doc.summary, &doc.description]
        .iter()
        .any(|t| t.as_deref().is_some_and(|t| !t.trim().is_empty()))
}

/// Doc attributes for free text.
pub fn text_attrs(text: &str) -> TokenStream {
    lines_to_attrs(&sanitize(text))
}

/// The API's name for prose, "the Whereby API" or "the Weni Flows API v2": the spec's title,
/// with "API" after it unless the title already says it.
pub fn api_name(title: &str) -> String {
    let title = title.trim();
    if title
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "API")
    {
        format!("the {title}")
    } else {
        format!("the {title} API")
    }
}

/// Where an undocumented schema comes from, in words ("The request body of `POST /pets`."),
/// from the JSON pointer the IR keeps; `None` for a pointer of another shape.
pub fn origin(pointer: &str) -> Option<String> {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let t: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let (mut text, rest) = match t.as_slice() {
        ["components", "schemas", name, rest @ ..] => (format!("The `{name}` schema"), rest),
        ["components", "parameters", name, "schema", rest @ ..] => {
            (format!("The value of the `{name}` parameter"), rest)
        }
        ["components", "requestBodies", name, "content", _, "schema", rest @ ..] => {
            (format!("The `{name}` request body"), rest)
        }
        ["components", "responses", name, "content", _, "schema", rest @ ..] => {
            (format!("The body of the `{name}` response"), rest)
        }
        ["paths", path, method, tail @ ..] => {
            let op = format!("`{} {path}`", method.to_uppercase());
            match tail {
                ["parameters", i, "schema", rest @ ..] => {
                    let n = i.parse::<usize>().ok()? + 1;
                    (format!("The value of parameter {n} of {op}"), rest)
                }
                ["requestBody", "content", _, "schema", rest @ ..] => {
                    (format!("The request body of {op}"), rest)
                }
                ["responses", code, "content", _, "schema", rest @ ..] => {
                    (format!("The `{code}` response body of {op}"), rest)
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    let mut rest = rest;
    while !rest.is_empty() {
        let (step, tail) = match rest {
            ["properties", name, tail @ ..] => (format!("The `{name}` property of"), tail),
            ["items", tail @ ..] => ("An item of".to_string(), tail),
            ["additionalProperties", tail @ ..] => ("A value of".to_string(), tail),
            ["allOf" | "oneOf" | "anyOf", i, tail @ ..] => {
                let n = i.parse::<usize>().ok()? + 1;
                (format!("Alternative {n} of"), tail)
            }
            _ => return None,
        };
        text = format!("{step} {}{}", text[..1].to_lowercase(), &text[1..]);
        rest = tail;
    }
    Some(format!("{text}."))
}

fn lines_to_attrs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// The documentation lines of a [`Doc`]: summary, description, then notes, separated by
/// blank lines.
pub fn lines(doc: &Doc) -> Vec<String> {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let summary = doc
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let description = doc
        .description
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(s) = summary {
        blocks.push(sanitize(s));
    }
    if let Some(d) = description {
        // Many specs repeat the summary as the description.
        if Some(d) != summary {
            blocks.push(sanitize(d));
        }
    }
    for n in &doc.notes {
        // Notes are written by the generator but may quote spec values.
        blocks.push(sanitize(n));
    }
    let mut out = Vec::new();
    for (i, b) in blocks.into_iter().enumerate() {
        if i > 0 {
            out.push(String::new());
        }
        out.extend(b);
    }
    out
}

/// Makes Markdown from a spec safe for rustdoc.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for raw in line_breaks(text).lines() {
        let raw = &plain_spaces(raw, in_fence);
        let trimmed = raw.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            out.push(if in_fence {
                "```".to_string()
            } else {
                "```text".to_string()
            });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_string());
            continue;
        }
        // Keep list-continuation indentation, but never four spaces: that would start an
        // indented code block, which rustdoc compiles as a doctest.
        let indent = (raw.len() - raw.trim_start().len()).min(3);
        let line = escape_line(trimmed);
        out.push(if line.is_empty() {
            line
        } else {
            format!("{}{line}", " ".repeat(indent))
        });
    }
    if in_fence {
        out.push("```".into());
    }
    // No trailing blank lines.
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// The text with every line break as `\n`: CRLF, and also a lone CR and the Unicode line
/// breaks (U+0085, U+2028, U+2029), which `str::lines` would leave inside a line.
fn line_breaks(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace(['\r', '\u{85}', '\u{2028}', '\u{2029}'], "\n")
}

/// One line with plain spaces only: a doc comment must hold no tab
/// (`clippy::tabs_in_doc_comments`). Tabs in the indentation, and every tab of a code fence,
/// are expanded to the next 4-column stop (nesting and alignment stay); elsewhere a tab or any
/// other whitespace (form feed, no-break space, ...) becomes one space. Zero-width spaces and
/// byte order marks are dropped.
fn plain_spaces(line: &str, in_fence: bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut col = 0usize;
    let mut indent = true;
    for c in line.chars() {
        match c {
            '\u{200b}' | '\u{2060}' | '\u{feff}' => continue,
            '\t' if in_fence || indent => {
                let n = 4 - col % 4;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
                continue;
            }
            c if c.is_whitespace() => out.push(' '),
            c => {
                indent = false;
                out.push(c);
            }
        }
        col += 1;
    }
    out
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(url_len) = url_at(rest) {
            let url = &rest[..url_len];
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        match c {
            '[' | ']' | '<' | '>' | '\\' | '*' | '_' | '`' | '|' => {
                // Keep emphasis and code spans working when balanced; escape the rest.
                if matches!(c, '*' | '_' | '`' | '|') {
                    out.push(c);
                } else {
                    out.push('\\');
                    out.push(c);
                }
            }
            '#' if out.is_empty() => out.push_str("\\#"),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of a bare URL at the start of `s`, if one starts there.
fn url_at(s: &str) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return None;
    }
    let end = s
        .char_indices()
        // `|` ends a table cell (`| <https://x.io> |`): in a URL it would break the autolink.
        .find(|(_, c)| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']' | '|'))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    // Trailing punctuation is prose, not URL.
    let trimmed = s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    Some(trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_in_words() {
        assert_eq!(
            origin("/paths/~1api~1v2~1archives.json/get/parameters/0/schema").as_deref(),
            Some("The value of parameter 1 of `GET /api/v2/archives.json`.")
        );
        assert_eq!(
            origin("/components/schemas/Contact/properties/urns/items").as_deref(),
            Some("An item of the `urns` property of the `Contact` schema.")
        );
        assert_eq!(
            origin("/paths/~1pets/post/responses/201/content/application~1json/schema/oneOf/1")
                .as_deref(),
            Some("Alternative 2 of the `201` response body of `POST /pets`.")
        );
        assert_eq!(origin("/webhooks/x"), None);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            sanitize("see https://x.io/a."),
            vec!["see <https://x.io/a>."]
        );
        assert_eq!(sanitize("a [b] <c>"), vec!["a \\[b\\] \\<c\\>"]);
        assert_eq!(sanitize("```\nfoo\n```"), vec!["```text", "foo", "```"]);
        assert_eq!(sanitize("    indented"), vec!["   indented"]);
        assert_eq!(sanitize("# Title"), vec!["\\# Title"]);
        // A URL against a table's cell delimiter (zuora.com's spec) stops before the `|`.
        assert_eq!(
            sanitize("|Sandbox | https://sandbox.x.io|"),
            vec!["|Sandbox | <https://sandbox.x.io>|"]
        );
    }

    #[test]
    fn plain_whitespace() {
        assert_eq!(sanitize("a\tb\u{a0}c\u{200b}d"), vec!["a b cd"]);
        assert_eq!(
            sanitize("\t- item\n\t\t- nested"),
            vec!["   - item", "   - nested"]
        );
        assert_eq!(
            sanitize("```\nk:\tv\n\tx\n```"),
            vec!["```text", "k:  v", "    x", "```"]
        );
        assert_eq!(
            sanitize("one\rtwo\u{2028}three\r\nfour"),
            vec!["one", "two", "three", "four"]
        );
        assert!(sanitize("x\u{c}y")
            .iter()
            .all(|l| !l.contains(['\t', '\u{c}'])));
    }
}
