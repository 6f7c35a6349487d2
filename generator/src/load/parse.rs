//! Parsing spec files (YAML or JSON) into `serde_json::Value`, and the map
//! from JSON pointer to line/column used by diagnostics.
//!
//! Past 800 lines only with its unit tests (the code is about 750): one event-driven YAML
//! reader that builds the value and the position map in the same pass.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::pointer;

/// The syntax of a spec file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON (`.json`, or an unknown extension whose text starts with `{`).
    Json,
    /// YAML (`.yaml`, `.yml`, or anything else).
    Yaml,
}

impl Format {
    /// Chooses the format by file extension; for an unknown extension,
    /// JSON if the first non-blank character is `{`, YAML otherwise.
    pub fn detect(path: &Path, text: &str) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("json") => Format::Json,
            Some("yaml" | "yml") => Format::Yaml,
            _ => {
                if text
                    .trim_start_matches('\u{feff}')
                    .trim_start()
                    .starts_with('{')
                {
                    Format::Json
                } else {
                    Format::Yaml
                }
            }
        }
    }
}

/// A syntax error with the parser's message and 1-based position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The parser's message, without a repeated "at line L column C".
    pub message: String,
    /// 1-based line, when the parser reported one.
    pub line: Option<usize>,
    /// 1-based column, when the parser reported one.
    pub column: Option<usize>,
}

/// Line and column (both 1-based; column in characters) of every node of a
/// file, keyed by JSON pointer. For an object member the position is that of
/// its key; for an array element, that of the element.
pub type Positions = BTreeMap<String, (usize, usize)>;

/// Deepest nesting the YAML → JSON conversion follows (the YAML parser
/// already stops at 128).
const MAX_CONVERT_DEPTH: usize = 200;

/// Parses `text` in the given format.
pub fn parse(text: &str, format: Format) -> Result<Value, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Json => serde_json::from_str::<Value>(text).map_err(|e| {
            let (line, column) = if e.line() == 0 {
                (None, None)
            } else {
                (Some(e.line()), Some(e.column().max(1)))
            };
            ParseError {
                message: strip_position(&e.to_string(), line, column),
                line,
                column,
            }
        }),
        Format::Yaml => {
            let mut yaml = serde_yaml_ng::from_str::<super::yaml::LenientYaml>(text)
                .map(|n| n.0)
                .map_err(|e| {
                    let (line, column) = match e.location() {
                        Some(l) => (Some(l.line()), Some(l.column().max(1))),
                        None => (None, None),
                    };
                    ParseError {
                        message: strip_position(&e.to_string(), line, column),
                        line,
                        column,
                    }
                })?;
            yaml.apply_merge().map_err(|e| ParseError {
                message: format!("invalid merge key (`<<`): {e}"),
                line: None,
                column: None,
            })?;
            yaml_to_json(yaml, 0)
        }
    }
}

/// Removes the first " at line L column C" naming exactly the reported
/// position (the rendered diagnostic shows it anyway).
fn strip_position(message: &str, line: Option<usize>, column: Option<usize>) -> String {
    if let (Some(l), Some(c)) = (line, column) {
        let needle = format!(" at line {l} column {c}");
        if let Some(i) = message.find(&needle) {
            let mut m = String::with_capacity(message.len());
            m.push_str(&message[..i]);
            m.push_str(&message[i + needle.len()..]);
            return m;
        }
    }
    message.to_string()
}

fn yaml_to_json(v: serde_yaml_ng::Value, depth: usize) -> Result<Value, ParseError> {
    use serde_yaml_ng::Value as Y;
    if depth > MAX_CONVERT_DEPTH {
        return Err(ParseError {
            message: "document nested too deeply".into(),
            line: None,
            column: None,
        });
    }
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => yaml_number(&n),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(|i| yaml_to_json(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Null => "null".to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    Y::Tagged(t) => match t.value {
                        Y::String(s) => s,
                        other => {
                            return Err(ParseError {
                                message: format!("unsupported mapping key {other:?}: keys must be scalars"),
                                line: None,
                                column: None,
                            })
                        }
                    },
                    Y::Sequence(_) | Y::Mapping(_) => {
                        return Err(ParseError {
                            message: "unsupported mapping key: keys must be scalars, not sequences or mappings".into(),
                            line: None,
                            column: None,
                        })
                    }
                };
                out.insert(key, yaml_to_json(v, depth + 1)?);
            }
            Value::Object(out)
        }
        // Custom tags carry no meaning in OpenAPI: keep the tagged value.
        Y::Tagged(t) => yaml_to_json(t.value, depth + 1)?,
    })
}

fn yaml_number(n: &serde_yaml_ng::Number) -> Value {
    if let Some(i) = n.as_i64() {
        Value::Number(i.into())
    } else if let Some(u) = n.as_u64() {
        Value::Number(u.into())
    } else if let Some(f) = n.as_f64() {
        // `.inf` / `.nan` have no JSON form: keep the YAML spelling as text
        // so a later type check names the place.
        match Number::from_f64(f) {
            Some(num) => Value::Number(num),
            None => Value::String(n.to_string()),
        }
    } else {
        Value::String(n.to_string())
    }
}

/// Builds the pointer → position map for a file. Best effort: on a syntax
/// error the map holds what was seen before it.
pub fn positions(text: &str, format: Format) -> Positions {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Json => json_positions(text),
        Format::Yaml => yaml_positions(text),
    }
}

// ---------------------------------------------------------------- YAML

enum Frame {
    /// A mapping at `base`; `key` is `Some(pointer)` while its value is
    /// awaited, or `Some(None)` when the key was not a scalar.
    Map {
        base: String,
        key: Option<Option<String>>,
        fix_self: bool,
    },
    Seq {
        base: String,
        index: usize,
    },
    /// A collection used as a mapping key: ignored, with its nesting depth.
    Ignored,
}

struct YamlCollector {
    stack: Vec<Frame>,
    out: Positions,
    done: bool,
}

impl YamlCollector {
    /// The pointer of the node starting now, or None when it should not be
    /// recorded; advances the parent's state.
    fn next_node(&mut self, mark: Marker, is_scalar: bool) -> Option<Option<String>> {
        let pos = (mark.line(), mark.col() + 1);
        match self.stack.last_mut() {
            None => {
                self.out.entry(String::new()).or_insert(pos);
                Some(Some(String::new()))
            }
            Some(Frame::Ignored) => Some(None),
            Some(Frame::Seq { base, index }) => {
                let p = format!("{base}/{index}");
                *index += 1;
                self.out.entry(p.clone()).or_insert(pos);
                Some(Some(p))
            }
            Some(Frame::Map { key, .. }) if key.is_some() => {
                // A value: its position is its key's.
                key.take()
            }
            Some(Frame::Map { key, .. }) => {
                // A key.
                if !is_scalar {
                    *key = Some(None);
                }
                None
            }
        }
    }
}

impl MarkedEventReceiver for YamlCollector {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.done {
            return;
        }
        match ev {
            Event::Scalar(s, ..) => {
                let in_key_slot = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
                if in_key_slot {
                    if let Some(Frame::Map {
                        base,
                        key,
                        fix_self,
                    }) = self.stack.last_mut()
                    {
                        let pos = (mark.line(), mark.col() + 1);
                        if *fix_self {
                            // A block mapping's start event is marked after
                            // its first key: place the mapping at that key.
                            self.out.insert(base.clone(), pos);
                            *fix_self = false;
                        }
                        let p = format!("{base}/{}", pointer::escape(&s));
                        self.out.entry(p.clone()).or_insert(pos);
                        *key = Some(Some(p));
                    }
                } else {
                    let _ = self.next_node(mark, true);
                }
            }
            Event::Alias(_) => {
                let in_key_slot = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
                if in_key_slot {
                    if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                        *key = Some(None);
                    }
                } else {
                    let _ = self.next_node(mark, true);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(ev, Event::MappingStart(..));
                // Mapping values are placed at their key; the root and
                // sequence items take their own start mark.
                let positioned_by_mark = !matches!(self.stack.last(), Some(Frame::Map { .. }));
                let frame = match self.next_node(mark, false) {
                    // Used as a key: ignore the whole collection.
                    None => Frame::Ignored,
                    Some(None) => Frame::Ignored,
                    Some(Some(base)) => {
                        if is_map {
                            Frame::Map {
                                base,
                                key: None,
                                fix_self: positioned_by_mark,
                            }
                        } else {
                            Frame::Seq { base, index: 0 }
                        }
                    }
                };
                self.stack.push(frame);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::DocumentEnd => self.done = true,
            _ => {}
        }
    }
}

fn yaml_positions(text: &str) -> Positions {
    let mut collector = YamlCollector {
        stack: Vec::new(),
        out: Positions::new(),
        done: false,
    };
    let mut parser = Parser::new_from_str(text);
    let _ = parser.load(&mut collector, false);
    collector.out
}

// ---------------------------------------------------------------- JSON

enum JFrame {
    Obj { base: String, key: Option<String> },
    Arr { base: String, index: usize },
}

/// A small tolerant JSON scanner (no recursion) recording where each value
/// starts. Keys are decoded like JSON strings so pointers match the parsed
/// document.
fn json_positions(text: &str) -> Positions {
    let mut out = Positions::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0usize;
    let mut line = 1usize;
    let mut col = 1usize;
    let mut stack: Vec<JFrame> = Vec::new();
    let mut root_seen = false;
    // Whether the next string in an object is a key.
    let mut expect_key = false;

    // Records the start of a value at (line, col) and returns its pointer.
    fn value_ptr(
        stack: &mut [JFrame],
        out: &mut Positions,
        pos: (usize, usize),
        root_seen: &mut bool,
    ) -> Option<String> {
        match stack.last_mut() {
            None => {
                if *root_seen {
                    return None;
                }
                *root_seen = true;
                out.insert(String::new(), pos);
                Some(String::new())
            }
            Some(JFrame::Arr { base, index }) => {
                let p = format!("{base}/{index}");
                *index += 1;
                out.entry(p.clone()).or_insert(pos);
                Some(p)
            }
            Some(JFrame::Obj { key, .. }) => key.take(),
        }
    }

    while let Some(&c) = chars.get(i) {
        let pos = (line, col);
        match c {
            '\n' => {
                line += 1;
                col = 1;
                i += 1;
                continue;
            }
            '{' | '[' => {
                let base = value_ptr(&mut stack, &mut out, pos, &mut root_seen)
                    .unwrap_or_else(|| "\u{0}".into());
                if c == '{' {
                    stack.push(JFrame::Obj { base, key: None });
                    expect_key = true;
                } else {
                    stack.push(JFrame::Arr { base, index: 0 });
                }
            }
            '}' | ']' => {
                stack.pop();
                expect_key = false;
            }
            ',' => {
                expect_key = matches!(stack.last(), Some(JFrame::Obj { .. }));
            }
            ':' => expect_key = false,
            '"' => {
                // Scan the string, decoding escapes.
                let mut s = String::new();
                let mut j = i + 1;
                let mut ccol = col + 1;
                while let Some(&d) = chars.get(j) {
                    if d == '"' {
                        break;
                    }
                    if d == '\n' {
                        // Unterminated; stop here.
                        break;
                    }
                    if d == '\\' {
                        let e = chars.get(j + 1).copied().unwrap_or('\\');
                        match e {
                            'n' => s.push('\n'),
                            't' => s.push('\t'),
                            'r' => s.push('\r'),
                            'b' => s.push('\u{8}'),
                            'f' => s.push('\u{c}'),
                            'u' => {
                                let hex: String = chars.iter().skip(j + 2).take(4).collect();
                                let mut code = u32::from_str_radix(&hex, 16).unwrap_or(0xfffd);
                                let mut used = 6;
                                if (0xd800..0xdc00).contains(&code)
                                    && chars.get(j + 6) == Some(&'\\')
                                    && chars.get(j + 7) == Some(&'u')
                                {
                                    let hex2: String = chars.iter().skip(j + 8).take(4).collect();
                                    if let Ok(low) = u32::from_str_radix(&hex2, 16) {
                                        if (0xdc00..0xe000).contains(&low) {
                                            code =
                                                0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                                            used = 12;
                                        }
                                    }
                                }
                                s.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                                j += used;
                                ccol += used;
                                continue;
                            }
                            other => s.push(other),
                        }
                        j += 2;
                        ccol += 2;
                        continue;
                    }
                    s.push(d);
                    j += 1;
                    ccol += 1;
                }
                let is_key =
                    expect_key && matches!(stack.last(), Some(JFrame::Obj { key: None, .. }));
                if is_key {
                    if let Some(JFrame::Obj { base, key }) = stack.last_mut() {
                        let p = format!("{base}/{}", pointer::escape(&s));
                        out.entry(p.clone()).or_insert(pos);
                        *key = Some(p);
                    }
                    expect_key = false;
                } else {
                    let _ = value_ptr(&mut stack, &mut out, pos, &mut root_seen);
                }
                i = j + 1;
                col = ccol + 1;
                continue;
            }
            c if c.is_whitespace() => {}
            _ => {
                // A bare scalar (number, true, false, null): consume it.
                let _ = value_ptr(&mut stack, &mut out, pos, &mut root_seen);
                while let Some(&d) = chars.get(i) {
                    if d.is_whitespace() || matches!(d, ',' | '}' | ']' | ':' | '"' | '{' | '[') {
                        break;
                    }
                    i += 1;
                    col += 1;
                }
                continue;
            }
        }
        i += 1;
        col += 1;
    }
    out.retain(|k, _| !k.starts_with('\u{0}'));
    out
}

// ------------------------------------------------------- JSON, lazily

/// The positions of a parsed JSON file in a form that is cheap to build: one
/// small record per node (no pointer strings), searched when a pointer is
/// looked up. [`JsonIndex::get`] answers exactly what [`positions`] would
/// have mapped the pointer to, for text that parses as JSON.
#[derive(Debug, Default)]
pub(crate) struct JsonIndex {
    /// Every node in document order (pre-order); the root first.
    nodes: Vec<JNode>,
    /// Byte offset of the start of every line after the first.
    line_starts: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct JNode {
    /// Byte offset of the node's position: its key's opening quote for an
    /// object member, the value's first byte otherwise.
    at: u32,
    /// Index of the first child, or 0 for none (the root is nobody's child).
    first_child: u32,
    /// Index of the next sibling, or 0 for none.
    next_sibling: u32,
    /// An object member (children are looked up by key), not an element.
    member: bool,
}

impl JsonIndex {
    /// Scans `text`, which parsed as JSON (a leading BOM is skipped as in
    /// [`positions`]). Text over 4 GiB is not indexed: it cannot be loaded
    /// anyway.
    pub(crate) fn build(text: &str) -> JsonIndex {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let bytes = text.as_bytes();
        let mut index = JsonIndex::default();
        if u32::try_from(bytes.len()).is_err() {
            return index;
        }
        // (node, its last child so far, is an object)
        let mut stack: Vec<(u32, u32, bool)> = Vec::new();
        // In an object: the next string is a key.
        let mut expect_key = false;
        // The member whose value comes next (its node stands for the value).
        let mut pending: Option<u32> = None;
        let mut i = 0usize;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\n' => {
                    index.line_starts.push((i + 1) as u32);
                    i += 1;
                }
                b' ' | b'\t' | b'\r' | b',' | b':' => {
                    if b == b',' {
                        expect_key = matches!(stack.last(), Some(&(_, _, true)));
                    } else if b == b':' {
                        expect_key = false;
                    }
                    i += 1;
                }
                b'{' | b'[' => {
                    let node = match pending.take() {
                        Some(n) => n,
                        None => index.push(&mut stack, i, false),
                    };
                    stack.push((node, 0, b == b'{'));
                    expect_key = b == b'{';
                    i += 1;
                }
                b'}' | b']' => {
                    stack.pop();
                    expect_key = false;
                    i += 1;
                }
                b'"' => {
                    let start = i;
                    i += 1;
                    while let Some(&c) = bytes.get(i) {
                        match c {
                            b'"' => break,
                            b'\\' => i += 2,
                            _ => i += 1,
                        }
                    }
                    i += 1;
                    if expect_key && matches!(stack.last(), Some(&(_, _, true))) {
                        pending = Some(index.push(&mut stack, start, true));
                        expect_key = false;
                    } else if pending.take().is_none() {
                        index.push(&mut stack, start, false);
                    }
                }
                _ => {
                    // A bare scalar (number, true, false, null).
                    if pending.take().is_none() {
                        index.push(&mut stack, i, false);
                    }
                    while let Some(&c) = bytes.get(i) {
                        if matches!(
                            c,
                            b' ' | b'\t'
                                | b'\r'
                                | b'\n'
                                | b','
                                | b'}'
                                | b']'
                                | b':'
                                | b'"'
                                | b'{'
                                | b'['
                        ) {
                            break;
                        }
                        i += 1;
                    }
                }
            }
        }
        index
    }

    /// Adds a node under the innermost open container (or as the root).
    fn push(&mut self, stack: &mut [(u32, u32, bool)], at: usize, member: bool) -> u32 {
        let id = self.nodes.len() as u32;
        if stack.is_empty() && id > 0 {
            // A second top-level value: not JSON; ignored like the full scan does.
            return 0;
        }
        self.nodes.push(JNode {
            at: at as u32,
            first_child: 0,
            next_sibling: 0,
            member,
        });
        if let Some((parent, last, _)) = stack.last_mut() {
            let slot = if *last == 0 {
                self.nodes
                    .get_mut(*parent as usize)
                    .map(|n| &mut n.first_child)
            } else {
                self.nodes
                    .get_mut(*last as usize)
                    .map(|n| &mut n.next_sibling)
            };
            if let Some(slot) = slot {
                *slot = id;
            }
            *last = id;
        }
        id
    }

    /// The 1-based line and column (in characters) of the node at `pointer`
    /// (for a member, of its key): the first such node in the text when
    /// keys repeat.
    pub(crate) fn get(&self, text: &str, pointer: &str) -> Option<(usize, usize)> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        self.nodes.first()?;
        let mut found: Vec<u32> = vec![0];
        if !pointer.is_empty() {
            let rest = pointer.strip_prefix('/')?;
            for token in rest.split('/') {
                let index = element_index(token);
                let mut next = Vec::new();
                for &parent in &found {
                    let mut child = self.nodes.get(parent as usize)?.first_child;
                    let mut n = 0usize;
                    while child != 0 {
                        let node = self.nodes.get(child as usize)?;
                        let hit = if node.member {
                            key_matches(text, node.at as usize, token)
                        } else {
                            index == Some(n)
                        };
                        if hit {
                            next.push(child);
                        }
                        n += 1;
                        child = node.next_sibling;
                    }
                }
                if next.is_empty() {
                    return None;
                }
                found = next;
            }
        }
        let first = found.into_iter().min()?;
        let at = self.nodes.get(first as usize)?.at as usize;
        Some(self.line_col(text, at))
    }

    fn line_col(&self, text: &str, at: usize) -> (usize, usize) {
        // Lines before `at`: starts at or before it.
        let line = self.line_starts.partition_point(|&s| s as usize <= at);
        let start = match line {
            0 => 0,
            l => self.line_starts.get(l - 1).map_or(0, |&s| s as usize),
        };
        let col = text
            .as_bytes()
            .get(start..at)
            .map_or(0, |b| b.iter().filter(|&&c| (c & 0xc0) != 0x80).count());
        (line + 1, col + 1)
    }
}

/// `Some(n)` when `token` is how the full scan writes array index `n`.
fn element_index(token: &str) -> Option<usize> {
    if token.is_empty()
        || !token.bytes().all(|b| b.is_ascii_digit())
        || (token.len() > 1 && token.starts_with('0'))
    {
        return None;
    }
    token.parse().ok()
}

/// Whether the JSON string starting at byte `at` (a key) is `token` once
/// decoded and escaped as a pointer token.
fn key_matches(text: &str, at: usize, token: &str) -> bool {
    let bytes = text.as_bytes();
    let mut end = at + 1;
    let mut escaped = false;
    while let Some(&c) = bytes.get(end) {
        match c {
            b'"' => break,
            b'\\' => {
                escaped = true;
                end += 2;
            }
            _ => end += 1,
        }
    }
    if escaped {
        let decoded = text
            .get(at..=end)
            .and_then(|s| serde_json::from_str::<String>(s).ok());
        return decoded.is_some_and(|k| pointer::escape(&k) == token);
    }
    let Some(raw) = text.get(at + 1..end) else {
        return false;
    };
    if !raw.contains(['~', '/']) {
        return raw == token;
    }
    pointer::escape(raw) == token
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detect_format() {
        assert_eq!(Format::detect(Path::new("a.JSON"), ""), Format::Json);
        assert_eq!(Format::detect(Path::new("a.yml"), "{"), Format::Yaml);
        assert_eq!(
            Format::detect(Path::new("a"), "  \n{\"a\":1}"),
            Format::Json
        );
        assert_eq!(Format::detect(Path::new("a.txt"), "a: 1"), Format::Yaml);
    }

    #[test]
    fn yaml_keys_become_strings() {
        let v = parse(
            "r:\n  200: ok\n  true: t\n  ~: n\nx: !custom 5\n",
            Format::Yaml,
        )
        .unwrap_or_default();
        assert_eq!(v["r"]["200"], "ok");
        assert_eq!(v["r"]["true"], "t");
        assert_eq!(v["r"]["null"], "n");
        assert_eq!(v["x"], 5);
    }

    #[test]
    fn yaml_merge_keys_apply() {
        let v = parse("base: &b {k: 1}\nm:\n  <<: *b\n  j: 2\n", Format::Yaml).unwrap_or_default();
        assert_eq!(v["m"]["k"], 1);
        assert_eq!(v["m"]["j"], 2);
    }

    #[test]
    fn yaml_error_has_position() {
        let e = parse("a: 1\nb: c: d\n", Format::Yaml).err();
        let e = e.unwrap_or(ParseError {
            message: String::new(),
            line: None,
            column: None,
        });
        assert_eq!((e.line, e.column), (Some(2), Some(5)));
        assert!(!e.message.contains("at line 2 column 5"), "{}", e.message);
    }

    #[test]
    fn json_error_has_position() {
        let e = parse("{\"a\": [1,\n 2,, ]}", Format::Json).err();
        let e = e.unwrap_or(ParseError {
            message: String::new(),
            line: None,
            column: None,
        });
        assert_eq!((e.line, e.column), (Some(2), Some(4)));
        assert_eq!(e.message, "expected value");
    }

    #[test]
    fn yaml_positions_of_keys_and_items() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{b}:\n    get:\n      tags: [x, y]\n      list:\n        - one\n        - k: v\n";
        let p = positions(text, Format::Yaml);
        assert_eq!(p.get(""), Some(&(1, 1)));
        assert_eq!(p.get("/openapi"), Some(&(1, 1)));
        assert_eq!(p.get("/paths"), Some(&(2, 1)));
        assert_eq!(p.get("/paths/~1a~1{b}"), Some(&(3, 3)));
        assert_eq!(p.get("/paths/~1a~1{b}/get/tags/1"), Some(&(5, 17)));
        assert_eq!(p.get("/paths/~1a~1{b}/get/list/0"), Some(&(7, 11)));
        assert_eq!(p.get("/paths/~1a~1{b}/get/list/1/k"), Some(&(8, 11)));
    }

    #[test]
    fn yaml_complex_keys_are_ignored() {
        let p = positions("? [a, b]\n: v\nc: 1\n", Format::Yaml);
        assert_eq!(p.get("/c"), Some(&(3, 1)));
    }

    #[test]
    fn json_positions_of_keys_and_items() {
        let text =
            "{\n\t\"a~b/c\": {\"x\": [1, \"two\", {\"é\\u00e9\": null}]},\n  \"esc\\\"q\": true\n}";
        let p = positions(text, Format::Json);
        assert_eq!(p.get(""), Some(&(1, 1)));
        assert_eq!(p.get("/a~0b~1c"), Some(&(2, 2)));
        assert_eq!(p.get("/a~0b~1c/x"), Some(&(2, 12)));
        assert_eq!(p.get("/a~0b~1c/x/1"), Some(&(2, 21)));
        assert_eq!(p.get("/a~0b~1c/x/2"), Some(&(2, 28)));
        assert_eq!(p.get("/a~0b~1c/x/2/éé"), Some(&(2, 29)));
        assert_eq!(p.get("/esc\"q"), Some(&(3, 3)));
    }

    /// Checks the lazy JSON index against the full scan on `text` (which
    /// must parse): every pointer of the full scan, and near misses.
    fn index_agrees(text: &str) {
        assert!(serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')).is_ok());
        let full = positions(text, Format::Json);
        let index = JsonIndex::build(text);
        let mut probes: Vec<String> = vec![String::new(), "/".into(), "x".into(), "/0".into()];
        for key in full.keys() {
            probes.push(key.clone());
            for tail in ["/0", "/1", "/00", "/01", "/zz", "/", "/~0", "/~1"] {
                probes.push(format!("{key}{tail}"));
            }
        }
        for p in probes {
            assert_eq!(
                index.get(text, &p),
                full.get(&p).copied(),
                "{p:?} in {text:?}"
            );
        }
    }

    #[test]
    fn json_index_matches_full_scan() {
        index_agrees(
            "{\n\t\"a~b/c\": {\"x\": [1, \"two\", {\"é\\u00e9\": null}]},\n  \"esc\\\"q\": true\n}",
        );
        index_agrees("\u{feff}{\"a\": {\"b\": 1}, \"a\": {\"c\": [2, 3]}, \"\": {\"\": 0}}");
        index_agrees(
            "{\"k\\/\\u0041\\ud83d\\ude00\": [[], {}, [[1]], \"\\\\\"],\r\n \"n\": -1.5e3}",
        );
        index_agrees("  [ 1 , [ ] , { \"a\" : [ true , false ] } ]  ");
        index_agrees("\"just a string\"");
        index_agrees("7");
        // The JSON fixtures that parse.
        let mut checked = 0;
        for path in crate::load::fixture_files(&["json"]) {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if serde_json::from_str::<Value>(&text).is_ok() {
                index_agrees(&text);
                checked += 1;
            }
        }
        assert!(checked > 0);
    }

    mod prop {
        use super::index_agrees;
        use proptest::prelude::*;

        fn ws() -> impl Strategy<Value = String> {
            prop::sample::select(vec!["", "", " ", "\n", "\t", "\r\n  ", "\n\n    "])
                .prop_map(str::to_string)
        }

        fn key() -> impl Strategy<Value = String> {
            prop::sample::select(vec![
                "a",
                "b",
                "a",
                "",
                "~",
                "/",
                "a~1b",
                "é",
                "\\u00e9",
                "\\/x",
                "\\\"",
                "\\\\",
                "\\ud83d\\ude00",
                "0",
                "01",
                "x y",
                "\\n",
            ])
            .prop_map(|k| format!("\"{k}\""))
        }

        fn scalar() -> impl Strategy<Value = String> {
            prop::sample::select(vec![
                "1",
                "-2.5e3",
                "true",
                "false",
                "null",
                "\"s\"",
                "\"é\\\"\"",
            ])
            .prop_map(str::to_string)
        }

        fn json() -> impl Strategy<Value = String> {
            scalar().prop_recursive(5, 64, 6, |inner| {
                prop_oneof![
                    prop::collection::vec((ws(), inner.clone(), ws()), 0..6).prop_map(|items| {
                        let parts: Vec<String> = items
                            .into_iter()
                            .map(|(a, v, b)| format!("{a}{v}{b}"))
                            .collect();
                        format!("[{}]", parts.join(","))
                    }),
                    prop::collection::vec((ws(), key(), ws(), inner, ws()), 0..6).prop_map(
                        |members| {
                            let parts: Vec<String> = members
                                .into_iter()
                                .map(|(a, k, b, v, c)| format!("{a}{k}{b}:{c}{v}"))
                                .collect();
                            format!("{{{}}}", parts.join(","))
                        }
                    ),
                ]
            })
        }

        proptest! {
            #[test]
            fn json_index_matches_full_scan_on_random_json((a, doc, b) in (super::prop::ws(), json(), ws())) {
                index_agrees(&format!("{a}{doc}{b}"));
            }
        }
    }
}
