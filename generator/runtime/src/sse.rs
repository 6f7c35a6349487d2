//! An incremental parser of the `text/event-stream` format (WHATWG HTML, "Server-sent
//! events", section "Parsing an event stream" and "Interpreting an event stream").
//!
//! Written here rather than taken from a crate: `eventsource-stream` (last release 2022)
//! accepts `retry: +5` (Rust's integer parse takes a sign) and ends the stream at the first
//! invalid UTF-8 byte; `sse-stream` yields one error and ends, does not carry the last event
//! ID across events and pulls in `http-body`. Both would lose the events after a malformed
//! one. The format is small; every rule has a unit test below.
//!
//! The parser is fed the body's chunks as they arrive and keeps only the current line and
//! the event being assembled, so memory does not grow with the length of the stream. Lines
//! are cut at the byte level (CR and LF never occur inside a multi-byte UTF-8 sequence) and
//! each complete line is decoded as UTF-8 with replacement characters, as the format asks:
//! a chunk boundary inside a character, or between the CR and the LF of a CRLF, changes
//! nothing.

#[cfg(test)]
use std::collections::VecDeque;
use std::time::Duration;

/// One dispatched event (a copy, for tests).
#[cfg(test)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The event type (`event:` field); `message` when the server sent none.
    pub(crate) event: String,
    /// The `data:` lines joined with `\n`.
    pub(crate) data: String,
    /// The last event ID at the time of dispatch (persists across events until the server
    /// sets another); empty when the server never sent one.
    pub(crate) id: String,
}

/// The parser state between chunks.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    /// The bytes of the line being read (without its end).
    line: Vec<u8>,
    /// The last byte seen was a CR: an LF right after it ends nothing more.
    after_cr: bool,
    /// The first line has been read (the BOM check is done).
    started: bool,
    /// The data buffer of the event being assembled: bytes as received, made valid UTF-8
    /// (with replacement characters) when the event is dispatched.
    data: Vec<u8>,
    /// The event type buffer.
    event: String,
    /// The last event ID buffer (persists across events).
    last_id_buffer: String,
    /// The last event ID of the last dispatched event (or block).
    last_id: String,
    /// The reconnection time the server asked for, in milliseconds.
    retry: Option<Duration>,
    /// Bytes received since the last blank line: an event is under way.
    in_event: bool,
    /// Lines longer than this, and events whose data grows past it, are cut off (the rest
    /// of the event is dropped and it is reported as too large).
    max_len: usize,
    /// The event being assembled went over `max_len`.
    oversized: bool,
    /// An event was dispatched and is read in place: its buffers are cleared at the next
    /// [`advance`](SseParser::advance).
    dispatched: bool,
}

/// What [`SseParser::advance`] stopped at.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// An event was dispatched: read it with [`SseParser::event`].
    Event,
    /// An event over the size limit was dropped (its data's length); the stream goes on
    /// after it.
    TooLarge(usize),
}

/// What one chunk produced (a copy, for tests).
#[cfg(test)]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    /// A dispatched event.
    Event(SseEvent),
    /// An event over the size limit was dropped; the stream goes on after it.
    TooLarge(usize),
}

/// The default size limit of one line or one event's data: 16 MiB.
pub(crate) const DEFAULT_MAX_EVENT: usize = 16 * 1024 * 1024;

impl SseParser {
    pub(crate) fn new(max_len: usize) -> Self {
        SseParser {
            max_len,
            ..SseParser::default()
        }
    }

    /// The last event ID string (for `Last-Event-ID` on reconnect).
    pub(crate) fn last_event_id(&self) -> &str {
        &self.last_id
    }

    /// The reconnection time the server last asked for.
    pub(crate) fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// Whether the bytes fed since the last blank line started an event that was not
    /// finished (an interrupted stream).
    pub(crate) fn in_event(&self) -> bool {
        self.in_event || !self.line.is_empty()
    }

    /// Starts over for a new connection: the line and the pending event are discarded, the
    /// last event ID and the reconnection time are kept.
    pub(crate) fn reconnected(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.started = false;
        self.data.clear();
        self.event.clear();
        self.in_event = false;
        self.oversized = false;
        self.dispatched = false;
    }

    /// Feeds one chunk; dispatched events are pushed onto `out` (a copy of each: the stream
    /// reads them in place with [`advance`](Self::advance)).
    #[cfg(test)]
    pub(crate) fn feed(&mut self, chunk: &[u8], out: &mut VecDeque<Parsed>) {
        let mut pos = 0;
        while let Some(step) = self.advance(chunk, &mut pos) {
            out.push_back(match step {
                Step::TooLarge(len) => Parsed::TooLarge(len),
                Step::Event => {
                    let (event, data, id) = self.event();
                    Parsed::Event(SseEvent {
                        event: event.to_owned(),
                        data: String::from_utf8(data.to_vec()).expect("made UTF-8 at dispatch"),
                        id: id.to_owned(),
                    })
                }
            });
        }
    }

    /// Reads `chunk` from `*pos` until an event is dispatched (then returns, with `*pos`
    /// after the line that dispatched it: call again for the rest) or the chunk is used up
    /// (`None`). After [`Step::Event`], [`event`](Self::event) gives the event, valid until
    /// the next call. No allocation per event: the buffers are reused.
    pub(crate) fn advance(&mut self, chunk: &[u8], pos: &mut usize) -> Option<Step> {
        if self.dispatched {
            self.dispatched = false;
            self.data.clear();
            self.event.clear();
        }
        while *pos < chunk.len() {
            let rest = &chunk[*pos..];
            if self.after_cr {
                self.after_cr = false;
                if rest[0] == b'\n' {
                    *pos += 1;
                    continue;
                }
            }
            match memchr::memchr2(b'\n', b'\r', rest) {
                Some(end) => {
                    self.after_cr = rest[end] == b'\r';
                    *pos += end + 1;
                    let step = if self.line.is_empty() {
                        // The whole line is in this chunk: read it in place.
                        if end > 0 {
                            self.in_event = true;
                        }
                        self.end_line(&rest[..end])
                    } else {
                        self.push_line_bytes(&rest[..end]);
                        let line = std::mem::take(&mut self.line);
                        let step = self.end_line(&line);
                        self.line = line;
                        self.line.clear();
                        step
                    };
                    if step.is_some() {
                        return step;
                    }
                }
                None => {
                    self.push_line_bytes(rest);
                    *pos = chunk.len();
                }
            }
        }
        None
    }

    /// The event [`advance`](Self::advance) dispatched: its type (`message` when the server
    /// sent none), its data (the `data:` lines joined with `\n`) and the last event ID.
    pub(crate) fn event(&self) -> (&str, &[u8], &str) {
        let event = if self.event.is_empty() {
            "message"
        } else {
            &self.event
        };
        let data = self.data.strip_suffix(b"\n").unwrap_or(&self.data);
        (event, data, &self.last_id)
    }

    fn push_line_bytes(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.in_event = true;
        if self.line.len() + bytes.len() > self.max_len {
            self.oversized = true;
            return;
        }
        self.line.extend_from_slice(bytes);
    }

    fn end_line(&mut self, mut bytes: &[u8]) -> Option<Step> {
        if !self.started {
            self.started = true;
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        if bytes.is_empty() {
            return self.dispatch();
        }
        if self.oversized || bytes.len() > self.max_len {
            // The line was cut off: the event is dropped at its end.
            self.oversized = true;
            return None;
        }
        self.process_line(bytes);
        None
    }

    /// One line, as bytes: the field names are ASCII, and a value is made valid UTF-8 where
    /// it is kept as text (the event type and ID here, the data at dispatch).
    fn process_line(&mut self, line: &[u8]) {
        if line.first() == Some(&b':') {
            return;
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(i) => {
                let value = &line[i + 1..];
                (&line[..i], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"event" => {
                self.event.clear();
                self.event.push_str(&String::from_utf8_lossy(value));
            }
            b"data" => {
                if self.data.len() + value.len() + 1 > self.max_len {
                    self.oversized = true;
                } else {
                    self.data.extend_from_slice(value);
                    self.data.push(b'\n');
                }
            }
            b"id" if !value.contains(&0) => {
                self.last_id_buffer.clear();
                self.last_id_buffer
                    .push_str(&String::from_utf8_lossy(value));
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // All digits: only a value past u64 fails, and is ignored like any bad one.
                if let Some(ms) = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) {
                    self.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self) -> Option<Step> {
        self.in_event = false;
        // The last event ID is set even when nothing is dispatched.
        if self.last_id != self.last_id_buffer {
            self.last_id.clone_from(&self.last_id_buffer);
        }
        if self.oversized {
            self.oversized = false;
            let len = self.data.len();
            self.data.clear();
            self.event.clear();
            return Some(Step::TooLarge(len));
        }
        if self.data.is_empty() {
            self.event.clear();
            return None;
        }
        // The stream is UTF-8: bytes that are not become replacement characters.
        if !self.data.is_ascii() && std::str::from_utf8(&self.data).is_err() {
            self.data = String::from_utf8_lossy(&self.data)
                .into_owned()
                .into_bytes();
        }
        // Read in place by the caller; cleared at the next `advance`.
        self.dispatched = true;
        Some(Step::Event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_chunks(chunks: &[&[u8]]) -> (Vec<SseEvent>, SseParser) {
        let mut parser = SseParser::new(DEFAULT_MAX_EVENT);
        let mut out = VecDeque::new();
        for chunk in chunks {
            parser.feed(chunk, &mut out);
        }
        let events = out
            .into_iter()
            .map(|p| match p {
                Parsed::Event(e) => e,
                Parsed::TooLarge(n) => panic!("too large: {n}"),
            })
            .collect();
        (events, parser)
    }

    fn parse(text: &str) -> Vec<SseEvent> {
        parse_chunks(&[text.as_bytes()]).0
    }

    fn ev(event: &str, data: &str, id: &str) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
            id: id.into(),
        }
    }

    #[test]
    fn event_field_names_the_type_and_message_is_the_default() {
        assert_eq!(
            parse("event: delta\ndata: 1\n\ndata: 2\n\n"),
            [ev("delta", "1", ""), ev("message", "2", "")]
        );
    }

    #[test]
    fn data_lines_are_joined_with_lf() {
        assert_eq!(
            parse("data: a\ndata:b\ndata\ndata:  c\n\n"),
            [ev("message", "a\nb\n\n c", "")]
        );
    }

    #[test]
    fn only_one_leading_space_is_stripped() {
        assert_eq!(parse("data:  x \n\n"), [ev("message", " x ", "")]);
    }

    #[test]
    fn field_without_colon_has_empty_value() {
        // `data` alone adds an empty line; an event with data "" is still dispatched when
        // the buffer held a line (the buffer is "\n", not empty).
        assert_eq!(parse("data\n\n"), [ev("message", "", "")]);
        // `event` alone resets the type to the default.
        assert_eq!(parse("event\ndata: x\n\n"), [ev("message", "x", "")]);
    }

    #[test]
    fn comments_are_ignored() {
        assert_eq!(
            parse(": keep-alive\ndata: x\n: another\n\n:\n\n"),
            [ev("message", "x", "")]
        );
    }

    #[test]
    fn unknown_fields_are_ignored() {
        assert_eq!(parse("foo: bar\ndata: x\n\n"), [ev("message", "x", "")]);
    }

    #[test]
    fn empty_data_is_not_dispatched_and_the_type_is_reset() {
        assert_eq!(
            parse("event: ping\n\ndata: x\n\n"),
            [ev("message", "x", "")]
        );
    }

    #[test]
    fn id_persists_until_set_again() {
        assert_eq!(
            parse("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\nid\ndata: d\n\n"),
            [
                ev("message", "a", "1"),
                ev("message", "b", "1"),
                ev("message", "c", "2"),
                ev("message", "d", "")
            ]
        );
    }

    #[test]
    fn id_with_nul_is_ignored() {
        assert_eq!(
            parse("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"),
            [ev("message", "a", "1"), ev("message", "b", "1")]
        );
    }

    #[test]
    fn id_without_data_still_sets_the_last_event_id() {
        let (events, parser) = parse_chunks(&[b"data: a\n\nid: 7\n\n"]);
        assert_eq!(events, [ev("message", "a", "")]);
        assert_eq!(parser.last_event_id(), "7");
    }

    #[test]
    fn retry_takes_ascii_digits_only() {
        let (_, p) = parse_chunks(&[b"retry: 1500\n\n"]);
        assert_eq!(p.retry(), Some(Duration::from_millis(1500)));
        for bad in [
            "retry: +5\n\n",
            "retry: 1.5\n\n",
            "retry: -1\n\n",
            "retry:\n\n",
            "retry: 1 \n\n",
        ] {
            let (_, p) = parse_chunks(&[bad.as_bytes()]);
            assert_eq!(p.retry(), None, "{bad:?}");
        }
        // A later invalid value keeps the earlier one.
        let (_, p) = parse_chunks(&[b"retry: 10\n\nretry: x\n\n"]);
        assert_eq!(p.retry(), Some(Duration::from_millis(10)));
    }

    #[test]
    fn cr_lf_and_crlf_all_end_lines() {
        let want = [ev("message", "a\nb", ""), ev("message", "c", "")];
        assert_eq!(parse("data: a\rdata: b\r\rdata: c\r\r"), want);
        assert_eq!(parse("data: a\ndata: b\n\ndata: c\n\n"), want);
        assert_eq!(parse("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n"), want);
        assert_eq!(parse("data: a\r\ndata: b\n\rdata: c\n\r"), want);
    }

    #[test]
    fn crlf_split_across_chunks_is_one_line_end() {
        let (events, _) = parse_chunks(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]);
        assert_eq!(events, [ev("message", "a\nb", "")]);
    }

    #[test]
    fn leading_bom_is_skipped_once() {
        assert_eq!(
            parse("\u{feff}data: a\n\n\u{feff}data: b\n\n"),
            [ev("message", "a", "")]
        );
        // Split across reads.
        let (events, _) = parse_chunks(&[b"\xEF", b"\xBB", b"\xBFdata: a\n\n"]);
        assert_eq!(events, [ev("message", "a", "")]);
    }

    #[test]
    fn any_split_point_gives_the_same_events() {
        let text = "\u{feff}event: é\r\nid: 9\r\ndata: {\"t\":\"日本\"}\r\ndata: x\r\n\r\n: c\rdata: ü\r\r";
        let want = parse(text);
        assert_eq!(
            want,
            [ev("é", "{\"t\":\"日本\"}\nx", "9"), ev("message", "ü", "9")]
        );
        let bytes = text.as_bytes();
        for cut in 0..=bytes.len() {
            let (events, _) = parse_chunks(&[&bytes[..cut], &bytes[cut..]]);
            assert_eq!(events, want, "cut at {cut}");
        }
        let single: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(parse_chunks(&single).0, want);
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        let (events, _) = parse_chunks(&[b"data: a\xFFb\n\ndata: ok\n\n"]);
        assert_eq!(
            events,
            [ev("message", "a\u{fffd}b", ""), ev("message", "ok", "")]
        );
    }

    #[test]
    fn an_unfinished_event_is_not_dispatched() {
        let (events, parser) = parse_chunks(&[b"data: a\n\ndata: b\n"]);
        assert_eq!(events, [ev("message", "a", "")]);
        assert!(parser.in_event());
        let (_, parser) = parse_chunks(&[b"data: a\n\n"]);
        assert!(!parser.in_event());
    }

    #[test]
    fn reconnecting_keeps_the_id_and_drops_the_partial_event() {
        let (_, mut parser) = parse_chunks(&[b"id: 3\ndata: a\n\nretry: 5\ndata: par"]);
        parser.reconnected();
        let mut out = VecDeque::new();
        parser.feed(b"data: b\n\n", &mut out);
        assert_eq!(
            out.pop_front(),
            Some(Parsed::Event(ev("message", "b", "3")))
        );
        assert_eq!(parser.retry(), Some(Duration::from_millis(5)));
    }

    #[test]
    fn an_oversized_event_is_reported_and_the_next_one_kept() {
        let mut parser = SseParser::new(8);
        let mut out = VecDeque::new();
        parser.feed(b"data: 0123456789\n\ndata: ok\n\n", &mut out);
        assert!(matches!(out.pop_front(), Some(Parsed::TooLarge(_))));
        assert_eq!(
            out.pop_front(),
            Some(Parsed::Event(ev("message", "ok", "")))
        );
    }
}
