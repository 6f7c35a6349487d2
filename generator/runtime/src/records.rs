//! Cutting JSON Lines (`application/jsonl`, `application/x-ndjson`: one JSON text per
//! line) and JSON text sequences (`application/json-seq`, RFC 7464: each JSON text after an
//! ASCII RS, 0x1E) into records as the body's chunks arrive. Only the record being read is
//! kept.

use std::collections::VecDeque;

/// What one chunk produced.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Record {
    /// The bytes of one JSON text, surrounding whitespace removed.
    Text(Vec<u8>),
    /// A record over the size limit was dropped; the stream goes on after it.
    TooLarge(usize),
}

/// The splitter state between chunks.
#[derive(Debug)]
pub(crate) struct RecordSplitter {
    /// The byte that ends (JSON Lines: LF) or starts (JSON text sequences: RS) a record.
    separator: u8,
    buf: Vec<u8>,
    max_len: usize,
    /// Bytes of the current record that did not fit.
    dropped: usize,
}

/// The record separator of RFC 7464.
pub(crate) const RS: u8 = 0x1E;

impl RecordSplitter {
    /// JSON Lines: records end at LF (a CR before it is whitespace).
    pub(crate) fn lines(max_len: usize) -> Self {
        Self::new(b'\n', max_len)
    }

    /// JSON text sequences: records start at RS.
    pub(crate) fn json_seq(max_len: usize) -> Self {
        Self::new(RS, max_len)
    }

    fn new(separator: u8, max_len: usize) -> Self {
        RecordSplitter {
            separator,
            buf: Vec::new(),
            max_len,
            dropped: 0,
        }
    }

    /// Feeds one chunk; complete records are pushed onto `out`.
    pub(crate) fn feed(&mut self, mut chunk: &[u8], out: &mut VecDeque<Record>) {
        while let Some(end) = chunk.iter().position(|&b| b == self.separator) {
            self.push(&chunk[..end]);
            chunk = &chunk[end + 1..];
            self.cut(out);
        }
        self.push(chunk);
    }

    /// The end of the body: a last record without its separator still counts.
    pub(crate) fn finish(&mut self, out: &mut VecDeque<Record>) {
        self.cut(out);
    }

    fn push(&mut self, bytes: &[u8]) {
        if self.dropped > 0 || self.buf.len() + bytes.len() > self.max_len {
            self.dropped += bytes.len();
            return;
        }
        self.buf.extend_from_slice(bytes);
    }

    fn cut(&mut self, out: &mut VecDeque<Record>) {
        if self.dropped > 0 {
            out.push_back(Record::TooLarge(self.buf.len() + self.dropped));
            self.dropped = 0;
            self.buf.clear();
            return;
        }
        let text = self.buf.trim_ascii();
        if !text.is_empty() {
            out.push_back(Record::Text(text.to_vec()));
        }
        self.buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(mut s: RecordSplitter, chunks: &[&[u8]]) -> Vec<Record> {
        let mut out = VecDeque::new();
        for c in chunks {
            s.feed(c, &mut out);
        }
        s.finish(&mut out);
        out.into()
    }

    fn texts(items: &[&str]) -> Vec<Record> {
        items
            .iter()
            .map(|t| Record::Text(t.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn json_lines_skip_blank_lines_and_tolerate_crlf() {
        let got = split(
            RecordSplitter::lines(1024),
            &[b"{\"a\":1}\r\n\n  \n{\"a\":", b"2}\r\n{\"a\":3}"],
        );
        assert_eq!(got, texts(&["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"]));
    }

    #[test]
    fn json_lines_split_at_every_byte() {
        let text = b"{\"t\":\"\xC3\xA9\"}\n[1]\n";
        let chunks: Vec<&[u8]> = text.chunks(1).collect();
        let got = split(RecordSplitter::lines(1024), &chunks);
        assert_eq!(got, texts(&["{\"t\":\"é\"}", "[1]"]));
    }

    #[test]
    fn json_seq_records_start_at_rs() {
        let got = split(
            RecordSplitter::json_seq(1024),
            &[b"\x1e{\"a\":1}\n\x1e", b"{\"a\"", b":2}\n\x1e\n\x1e3"],
        );
        assert_eq!(got, texts(&["{\"a\":1}", "{\"a\":2}", "3"]));
    }

    #[test]
    fn an_oversized_record_is_reported_and_the_next_kept() {
        let got = split(RecordSplitter::lines(4), &[b"123456789\n[1]\n"]);
        assert_eq!(got[0], Record::TooLarge(9));
        assert_eq!(got[1], Record::Text(b"[1]".to_vec()));
    }
}
