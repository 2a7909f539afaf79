//! Documents: the texts being annotated.
//!
//! A document's text is immutable once imported. Import normalizes it (a
//! leading BOM is removed, CRLF and lone CR become LF) and records what was
//! done in [`Normalization`], so offsets written by other tools against the raw
//! file can be understood. The SHA-256 of the normalized text lets annotations
//! be re-anchored, and any reader can check it still has the same text.

use super::ids::DocId;
use super::text::{self, CharIndex, QuoteContext};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::ops::Range;
use std::sync::{Arc, OnceLock};
use unicode_segmentation::GraphemeCursor;

/// What import did to the raw bytes to get the stored text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalization {
    /// A leading U+FEFF byte-order mark was removed.
    pub bom_removed: bool,
    /// How many CRLF pairs were turned into LF.
    pub crlf_to_lf: usize,
    /// How many lone CRs were turned into LF.
    pub cr_to_lf: usize,
}

/// A text in the project.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Document {
    /// Stable id.
    pub id: DocId,
    /// Display title.
    pub title: String,
    /// Where the text came from (a file name or URL), if known.
    pub source: Option<String>,
    /// Hex SHA-256 of `text`.
    pub sha256: String,
    /// What import did to the raw text.
    pub normalization: Normalization,
    /// The normalized text; offsets count its chars.
    pub text: String,
    /// Char→byte index of `text`, built on first use (the text never changes).
    #[serde(skip)]
    index: OnceLock<Arc<CharIndex>>,
}

impl PartialEq for Document {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.title == other.title
            && self.source == other.source
            && self.sha256 == other.sha256
            && self.normalization == other.normalization
            && self.text == other.text
    }
}

impl Eq for Document {}

impl Document {
    /// Builds a document from raw imported text, normalizing it.
    pub fn import(id: DocId, title: impl Into<String>, source: Option<String>, raw: &str) -> Self {
        let (text, normalization) = normalize(raw);
        Self {
            id,
            title: title.into(),
            source,
            sha256: sha256_hex(&text),
            normalization,
            text,
            index: OnceLock::new(),
        }
    }

    /// The char→byte index of the text (built once, then shared).
    pub fn char_index(&self) -> &CharIndex {
        self.index
            .get_or_init(|| Arc::new(CharIndex::new(&self.text)))
    }

    /// Number of chars in the text.
    pub fn char_len(&self) -> usize {
        self.char_index().char_len()
    }

    /// The text covered by a char range, or `None` if out of bounds.
    pub fn slice(&self, r: Range<usize>) -> Option<&str> {
        self.char_index().slice(&self.text, r)
    }

    /// Byte range of a char range.
    pub fn byte_range(&self, r: Range<usize>) -> Option<Range<usize>> {
        self.char_index().range_to_bytes(&self.text, r)
    }

    /// Quote, prefix and suffix of a char range, without scanning the text
    /// from its start.
    pub fn quote_context(&self, r: Range<usize>) -> Option<QuoteContext> {
        let idx = self.char_index();
        let from = r.start.saturating_sub(text::CONTEXT_CHARS);
        let to = (r.end + text::CONTEXT_CHARS).min(idx.char_len());
        if r.start > r.end || r.end > idx.char_len() {
            return None;
        }
        let window = idx.slice(&self.text, from..to)?;
        text::quote_context(window, r.start - from..r.end - from)
    }

    /// Like [`text::trim_range`], reading only the range through the char
    /// index.
    pub fn trim_range(&self, r: Range<usize>) -> Range<usize> {
        let Some(s) = self.slice(r.clone()) else {
            return r;
        };
        let local = text::trim_range(s, 0..r.end - r.start);
        r.start + local.start..r.start + local.end
    }

    /// Like [`text::snap_to_graphemes`] (the range widened to whole grapheme
    /// clusters), but looking only at the text around the range's ends
    /// instead of segmenting from the start of the document.
    pub fn snap_to_graphemes(&self, r: Range<usize>) -> Range<usize> {
        let idx = self.char_index();
        let t = self.text.as_str();
        let snap = |ci: usize, forward: bool| -> Option<usize> {
            let b = idx.byte_of(t, ci)?;
            let mut cur = GraphemeCursor::new(b, t.len(), true);
            if cur.is_boundary(t, 0).ok()? {
                return Some(ci);
            }
            let nb = if forward {
                cur.next_boundary(t, 0).ok()??
            } else {
                cur.prev_boundary(t, 0).ok()??
            };
            idx.char_of_byte(t, nb)
        };
        let start = snap(r.start, false).unwrap_or(r.start);
        let end = snap(r.end, true).unwrap_or(r.end);
        start..end
    }
}

/// Removes a BOM and turns CRLF / CR into LF.
pub fn normalize(raw: &str) -> (String, Normalization) {
    let mut n = Normalization::default();
    let body = match raw.strip_prefix('\u{feff}') {
        Some(rest) => {
            n.bom_removed = true;
            rest
        }
        None => raw,
    };
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
                n.crlf_to_lf += 1;
            } else {
                n.cr_to_lf += 1;
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    (out, n)
}

/// Lower-case hex SHA-256 of a string's UTF-8 bytes.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_strips_bom_and_crlf() {
        let d = Document::import(DocId::new("d"), "t", None, "\u{feff}a\r\nb\rc\n");
        assert_eq!(d.text, "a\nb\nc\n");
        assert!(d.normalization.bom_removed);
        assert_eq!(d.normalization.crlf_to_lf, 1);
        assert_eq!(d.normalization.cr_to_lf, 1);
        assert_eq!(d.sha256, sha256_hex("a\nb\nc\n"));
        assert_eq!(d.sha256.len(), 64);
    }

    #[test]
    fn windowed_quote_context_matches_the_linear_one() {
        let raw =
            "“Europe is substantially less secure,” says Chris\u{a0}Miller — Привет 👋🏽 e\u{301}!\n"
                .repeat(5);
        let d = Document::import(DocId::new("d"), "t", None, &raw);
        let n = d.char_len();
        for (s, e) in [(0, 1), (3, 40), (n - 5, n), (100, 170), (0, n)] {
            assert_eq!(d.quote_context(s..e), text::quote_context(&d.text, s..e));
            assert_eq!(d.slice(s..e), text::slice_chars(&d.text, s..e));
        }
        assert_eq!(d.quote_context(n..n + 1), None);
    }

    #[test]
    fn snap_and_trim_through_the_index_agree_with_the_text_functions() {
        let raw = "e\u{301}x 👩‍👩‍👧 Миллер\u{a0}says “no” — \n\n  🇺🇦 ok e\u{301}\n".repeat(40);
        let d = Document::import(DocId::new("d"), "t", None, &raw);
        let n = d.char_len();
        for s in (0..n).step_by(3) {
            for len in [1, 2, 5, 17] {
                let r = s..(s + len).min(n);
                assert_eq!(
                    d.snap_to_graphemes(r.clone()),
                    text::snap_to_graphemes(&d.text, r.clone()),
                    "{r:?}"
                );
                assert_eq!(
                    d.trim_range(r.clone()),
                    text::trim_range(&d.text, r.clone()),
                    "{r:?}"
                );
            }
        }
    }
}
