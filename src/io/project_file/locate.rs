//! Finding things in RON source text, for error messages.
//!
//! ron reports syntax errors with a line:column, but a problem found after
//! parsing (a duplicate id, a quote that does not match its text, a field this
//! build does not know) is about a value, not a place. This module scans the
//! source once — iteratively, skipping strings and comments, so it cannot
//! overflow the stack or be fooled by an `id:` inside a document's text — and
//! records where each field key sits, with its structural path
//! (`annotations[3].quote`), and the string value that follows it.
//!
//! Positions are 1-based lines and 1-based columns counted in chars, the
//! convention of ron's own errors.

/// One step of a structural path: a struct field or a sequence element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A named struct field.
    Field(String),
    /// An element of a sequence, counted from 0.
    Index(usize),
}

/// A path as text: `annotations[3].speaker`.
pub fn path_to_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Field(f) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(f);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    if s.is_empty() {
        s.push_str("the top level");
    }
    s
}

/// A field key found in the source.
#[derive(Clone, Debug)]
pub struct Key {
    /// Structural path of the field, ending with its own name.
    pub path: Vec<Seg>,
    /// Byte offset of the key's first char.
    pub byte: usize,
    /// The string value right after the key, if the value is a string.
    pub string_value: Option<String>,
}

impl Key {
    /// The field's own name.
    pub fn name(&self) -> &str {
        match self.path.last() {
            Some(Seg::Field(f)) => f,
            _ => "",
        }
    }
}

#[derive(Debug)]
enum Frame {
    /// `(`: a struct (once a key is seen) or a wrapper like `Some(`.
    Paren { key: Option<String> },
    /// `[`: a sequence, with the index of the current element.
    Seq { index: usize },
    /// `{`: a map; its keys are not tracked.
    Map,
}

/// Every field key of `src`, in source order.
pub fn scan_keys(src: &str) -> Vec<Key> {
    let bytes = src.as_bytes();
    let mut keys: Vec<Key> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    // The key whose value is being read, waiting for a possible string value.
    let mut pending_value: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                // Block comments nest in RON.
                let mut depth = 0usize;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        depth = depth.saturating_sub(1);
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => {
                let (value, next) = read_string(src, i + 1);
                if let Some(k) = pending_value.take()
                    && let Some(key) = keys.get_mut(k)
                {
                    key.string_value = Some(value);
                }
                i = next;
            }
            b'r' if raw_string_start(bytes, i).is_some() => {
                let hashes = raw_string_start(bytes, i).unwrap_or(0);
                let body = i + 1 + hashes + 1;
                let (value, next) = read_raw_string(src, body, hashes);
                if let Some(k) = pending_value.take()
                    && let Some(key) = keys.get_mut(k)
                {
                    key.string_value = Some(value);
                }
                i = next;
            }
            b'b' if bytes.get(i + 1) == Some(&b'"') => {
                let (_, next) = read_string(src, i + 2);
                pending_value = None;
                i = next;
            }
            b'\'' => {
                // A char literal: skip it so a `'"'` opens no string.
                i += 1;
                if bytes.get(i) == Some(&b'\\') {
                    i += 2;
                }
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
                i += 1;
                pending_value = None;
            }
            b'(' => {
                stack.push(Frame::Paren { key: None });
                i += 1;
            }
            b'[' => {
                stack.push(Frame::Seq { index: 0 });
                pending_value = None;
                i += 1;
            }
            b'{' => {
                stack.push(Frame::Map);
                pending_value = None;
                i += 1;
            }
            b')' | b']' | b'}' => {
                stack.pop();
                pending_value = None;
                i += 1;
            }
            b',' => {
                if let Some(Frame::Seq { index }) = stack.last_mut() {
                    *index += 1;
                }
                pending_value = None;
                i += 1;
            }
            c if c == b'_' || c.is_ascii_alphabetic() => {
                let start = i;
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                let ident = &src[start..i];
                let mut j = i;
                while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\n' | b'\r') {
                    j += 1;
                }
                let is_key = bytes.get(j) == Some(&b':')
                    && bytes.get(j + 1) != Some(&b':')
                    && matches!(stack.last(), Some(Frame::Paren { .. }));
                if is_key {
                    if let Some(Frame::Paren { key }) = stack.last_mut() {
                        *key = Some(ident.to_string());
                    }
                    keys.push(Key {
                        path: current_path(&stack),
                        byte: start,
                        string_value: None,
                    });
                    pending_value = Some(keys.len() - 1);
                    i = j + 1;
                } else if ident != "Some" {
                    // A struct name or a bare value (`None`, `true`, an enum
                    // variant): not a string value.
                    pending_value = None;
                }
            }
            _ => {
                // Numbers and other punctuation; step over a whole UTF-8
                // sequence so slicing stays on char boundaries.
                pending_value = None;
                i += utf8_len(b);
            }
        }
    }
    keys
}

fn utf8_len(b: u8) -> usize {
    match b {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// The path of the value being read: every enclosing struct contributes its
/// current key, every sequence its current index; wrappers contribute nothing.
fn current_path(stack: &[Frame]) -> Vec<Seg> {
    let mut out = Vec::new();
    for frame in stack {
        match frame {
            Frame::Paren { key: Some(k) } => out.push(Seg::Field(k.clone())),
            Frame::Paren { key: None } | Frame::Map => {}
            Frame::Seq { index } => out.push(Seg::Index(*index)),
        }
    }
    out
}

/// If a raw string `r#"…"#` starts at `i`, the number of hashes.
fn raw_string_start(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while bytes.get(j) == Some(&b'#') {
        j += 1;
    }
    (bytes.get(j) == Some(&b'"')).then_some(j - i - 1)
}

/// Reads an escaped string whose body starts at `start`; returns its value
/// and the byte after the closing quote.
fn read_string(src: &str, start: usize) -> (String, usize) {
    let mut out = String::new();
    let Some(body) = src.get(start..) else {
        return (out, src.len());
    };
    let mut chars = body.char_indices();
    while let Some((off, c)) = chars.next() {
        match c {
            '"' => return (out, start + off + 1),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '0')) => out.push('\0'),
                Some((_, 'u')) => {
                    // \u{XXXX}
                    let mut hex = String::new();
                    for (_, h) in chars.by_ref() {
                        match h {
                            '{' => {}
                            '}' => break,
                            h => hex.push(h),
                        }
                    }
                    if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(ch);
                    }
                }
                Some((_, 'x')) => {
                    let hex: String = chars.by_ref().take(2).map(|(_, h)| h).collect();
                    if let Some(ch) = u8::from_str_radix(&hex, 16).ok().map(char::from) {
                        out.push(ch);
                    }
                }
                Some((_, other)) => out.push(other),
                None => break,
            },
            c => out.push(c),
        }
    }
    (out, src.len())
}

/// Reads a raw string body closed by `"` and `hashes` hashes.
fn read_raw_string(src: &str, start: usize, hashes: usize) -> (String, usize) {
    let Some(body) = src.get(start..) else {
        return (String::new(), src.len());
    };
    let close = format!("\"{}", "#".repeat(hashes));
    match body.find(&close) {
        Some(end) => (body[..end].to_string(), start + end + close.len()),
        None => (body.to_string(), src.len()),
    }
}

/// Converts byte offsets to 1-based line:col (col counted in chars).
pub struct LineIndex<'a> {
    src: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `src`.
    pub fn new(src: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            src.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Self { src, line_starts }
    }

    /// The 1-based (line, col) of a byte offset (clamped to the text).
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let byte = byte.min(self.src.len());
        let line = self.line_starts.partition_point(|&s| s <= byte).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let col = self
            .src
            .get(start..byte)
            .map(|s| s.chars().count())
            .unwrap_or_else(|| {
                String::from_utf8_lossy(&self.src.as_bytes()[start..byte])
                    .chars()
                    .count()
            });
        (line, col + 1)
    }
}

impl LineIndex<'_> {
    /// The byte offset of a 1-based (line, col), clamped to the text.
    pub fn byte_of(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.src.len();
        };
        let rest = self.src.get(start..).unwrap_or("");
        rest.char_indices()
            .nth(col.saturating_sub(1))
            .map_or(self.src.len(), |(b, _)| start + b)
    }
}

/// The path of the field whose key comes last at or before `byte` (what a
/// parse error at `byte` is about), as text.
pub fn field_at(keys: &[Key], byte: usize) -> Option<String> {
    let i = keys.partition_point(|k| k.byte <= byte);
    i.checked_sub(1)
        .and_then(|i| keys.get(i))
        .map(|k| path_to_string(&k.path))
}

/// 1-based line:col of the byte at `byte` of possibly invalid UTF-8 (for
/// pointing at the first bad byte of a file).
pub fn line_col_in_bytes(bytes: &[u8], byte: usize) -> (usize, usize) {
    let before = &bytes[..byte.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let col = 1 + String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count();
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_paths_and_string_values() {
        let src = "Project(\n  format: 1,\n  name: \"a \\\"id: x\\\" b\",\n  annotations: [\n    (id: \"a1\", quote: r#\"q\"#),\n    (id: \"a2\", speaker: Some(\"s\")),\n  ],\n)\n";
        let keys = scan_keys(src);
        let names: Vec<String> = keys.iter().map(|k| path_to_string(&k.path)).collect();
        assert_eq!(
            names,
            vec![
                "format",
                "name",
                "annotations",
                "annotations[0].id",
                "annotations[0].quote",
                "annotations[1].id",
                "annotations[1].speaker",
            ]
        );
        assert_eq!(keys[1].string_value.as_deref(), Some("a \"id: x\" b"));
        assert_eq!(keys[3].string_value.as_deref(), Some("a1"));
        assert_eq!(keys[4].string_value.as_deref(), Some("q"));
        assert_eq!(keys[6].string_value.as_deref(), Some("s"));
        let idx = LineIndex::new(src);
        assert_eq!(idx.line_col(keys[5].byte), (6, 6));
        assert_eq!(idx.byte_of(6, 6), keys[5].byte);
        assert_eq!(
            field_at(&keys, keys[4].byte + 9).as_deref(),
            Some("annotations[0].quote")
        );
        assert_eq!(field_at(&keys, 0), None);
        assert_eq!(idx.line_col(0), (1, 1));
    }

    #[test]
    fn comments_and_char_literals_are_skipped() {
        let src = "( // x: 1\n /* y: /* z: */ 2 */ a: '\"', b: \"é\" )";
        let keys = scan_keys(src);
        let names: Vec<&str> = keys.iter().map(|k| k.name()).collect();
        assert_eq!(names, vec!["a", "b"]);
        assert_eq!(keys[1].string_value.as_deref(), Some("é"));
    }

    #[test]
    fn columns_count_chars() {
        let src = "«é»\n  ёж: 1";
        let idx = LineIndex::new(src);
        let b = src.find(':').unwrap_or(0);
        assert_eq!(idx.line_col(b), (2, 5));
        assert_eq!(line_col_in_bytes(b"ab\n\xc3\xa9x\xff", 6), (2, 3));
    }

    #[test]
    fn garbage_never_panics() {
        for src in [
            "\"", "r#\"", "((((", "))]]}", "'", "'\\", "b\"", "a:", "é:é", "/*",
        ] {
            let _ = scan_keys(src);
            let idx = LineIndex::new(src);
            let _ = idx.line_col(src.len() + 10);
        }
    }
}
