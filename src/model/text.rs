//! Character-offset helpers.
//!
//! Offsets in Marginalia are **Unicode scalar values** (Rust `char`s), counted
//! from the start of a document's text, and ranges are **half-open**
//! (`start..end`, end exclusive). For the text `“Hé—”` the chars are
//! `“`, `H`, `é`, `—`, `”`: the range `1..3` covers `Hé`, although in UTF-8
//! that is bytes `3..6` and in UTF-16 code units `1..3`.
//!
//! Bytes appear only at the edges (slicing a `&str`, egui layout sections) and
//! UTF-16 only where an interchange format demands it. This module holds the
//! conversions, the quote/prefix/suffix extraction of the W3C
//! `TextQuoteSelector`, grapheme snapping, and the paragraph index that the
//! article view and the exporters share.

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// How many chars of context an annotation keeps on each side of its quote.
pub const CONTEXT_CHARS: usize = 32;

/// Number of chars in `text`.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Byte offset of char index `ci` in `text`; `None` if `ci` is past the end.
/// `ci == char_len(text)` maps to `text.len()`.
pub fn char_to_byte(text: &str, ci: usize) -> Option<usize> {
    if ci == 0 {
        return Some(0);
    }
    match text.char_indices().nth(ci) {
        Some((b, _)) => Some(b),
        None => (char_len(text) == ci).then_some(text.len()),
    }
}

/// Char index of byte offset `b`; `None` if `b` is not on a char boundary or
/// past the end.
pub fn byte_to_char(text: &str, b: usize) -> Option<usize> {
    if b > text.len() || !text.is_char_boundary(b) {
        return None;
    }
    Some(text[..b].chars().count())
}

/// Converts a char range to a byte range of `text`.
pub fn char_range_to_bytes(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    if r.start > r.end {
        return None;
    }
    let start = char_to_byte(text, r.start)?;
    let rest = &text[start..];
    let len = if r.end == r.start {
        0
    } else {
        match rest.char_indices().nth(r.end - r.start) {
            Some((b, _)) => b,
            None => {
                if char_len(rest) == r.end - r.start {
                    rest.len()
                } else {
                    return None;
                }
            }
        }
    };
    Some(start..start + len)
}

/// The text covered by a char range, or `None` if the range is out of bounds.
pub fn slice_chars(text: &str, r: Range<usize>) -> Option<&str> {
    char_range_to_bytes(text, r).map(|b| &text[b])
}

/// UTF-16 code-unit offset of char index `ci`.
pub fn char_to_utf16(text: &str, ci: usize) -> Option<usize> {
    let mut units = 0;
    let mut n = 0;
    for c in text.chars() {
        if n == ci {
            return Some(units);
        }
        units += c.len_utf16();
        n += 1;
    }
    (n == ci).then_some(units)
}

/// Char index of UTF-16 offset `u`; `None` if `u` falls inside a surrogate
/// pair or past the end.
pub fn utf16_to_char(text: &str, u: usize) -> Option<usize> {
    let mut units = 0;
    for (n, c) in text.chars().enumerate() {
        if units == u {
            return Some(n);
        }
        if units > u {
            return None;
        }
        units += c.len_utf16();
    }
    (units == u).then(|| char_len(text))
}

/// The W3C `TextQuoteSelector` of a char range: the exact quote plus up to
/// [`CONTEXT_CHARS`] chars before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteContext {
    /// Up to 32 chars before the range.
    pub prefix: String,
    /// The covered text.
    pub quote: String,
    /// Up to 32 chars after the range.
    pub suffix: String,
}

/// Extracts quote, prefix and suffix for `r` in `text`.
pub fn quote_context(text: &str, r: Range<usize>) -> Option<QuoteContext> {
    let bytes = char_range_to_bytes(text, r.clone())?;
    let before = &text[..bytes.start];
    let after = &text[bytes.end..];
    let pre_start = before
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map(|(b, _)| b)
        .unwrap_or(0);
    let suf_end = after
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map(|(b, _)| b)
        .unwrap_or(after.len());
    Some(QuoteContext {
        prefix: before[pre_start..].to_string(),
        quote: text[bytes].to_string(),
        suffix: after[..suf_end].to_string(),
    })
}

/// Widens a char range so that it starts and ends on grapheme-cluster
/// boundaries (a combining accent is never split from its base letter, nor an
/// emoji from its modifier).
pub fn snap_to_graphemes(text: &str, r: Range<usize>) -> Range<usize> {
    let mut start = r.start;
    let mut end = r.end;
    let mut ci = 0;
    for g in text.graphemes(true) {
        let n = g.chars().count();
        let g_end = ci + n;
        if ci < r.start && r.start < g_end {
            start = ci;
        }
        if ci < r.end && r.end < g_end {
            end = g_end;
        }
        if ci >= r.end {
            break;
        }
        ci = g_end;
    }
    start..end
}

/// Trims leading and trailing white space (including NBSP) off a char range.
pub fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let Some(s) = slice_chars(text, r.clone()) else {
        return r;
    };
    let lead = s.chars().take_while(|c| c.is_whitespace()).count();
    let total = r.end - r.start;
    if lead == total {
        return r.start..r.start;
    }
    let trail = s.chars().rev().take_while(|c| c.is_whitespace()).count();
    r.start + lead..r.end - trail
}

/// One paragraph of a document: a maximal run of text between `\n`s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// Char range in the document (the `\n` excluded).
    pub chars: Range<usize>,
    /// Byte range in the document text (the `\n` excluded).
    pub bytes: Range<usize>,
}

impl Paragraph {
    /// Whether the paragraph holds only white space.
    pub fn is_blank(&self, text: &str) -> bool {
        text[self.bytes.clone()].trim().is_empty()
    }
}

/// The paragraphs of a text, in order, with both char and byte offsets so
/// that per-paragraph work never rescans the whole document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParagraphIndex {
    /// Every line of the text, blank ones included, in order.
    pub paragraphs: Vec<Paragraph>,
    /// Total chars in the text.
    pub char_len: usize,
}

impl ParagraphIndex {
    /// Splits `text` at `\n` in one pass.
    pub fn new(text: &str) -> Self {
        let mut paragraphs = Vec::new();
        let mut char_pos = 0;
        let mut byte_pos = 0;
        let mut start_char = 0;
        let mut start_byte = 0;
        for c in text.chars() {
            if c == '\n' {
                paragraphs.push(Paragraph {
                    chars: start_char..char_pos,
                    bytes: start_byte..byte_pos,
                });
                start_char = char_pos + 1;
                start_byte = byte_pos + 1;
            }
            char_pos += 1;
            byte_pos += c.len_utf8();
        }
        paragraphs.push(Paragraph {
            chars: start_char..char_pos,
            bytes: start_byte..byte_pos,
        });
        Self {
            paragraphs,
            char_len: char_pos,
        }
    }

    /// Index of the paragraph holding char `ci` (a `\n` belongs to the
    /// paragraph it ends).
    pub fn paragraph_of(&self, ci: usize) -> usize {
        self.paragraphs
            .partition_point(|p| p.chars.end < ci)
            .min(self.paragraphs.len().saturating_sub(1))
    }

    /// Byte offset in the whole text of a char offset inside paragraph `p`,
    /// given as chars from the paragraph start. Walks only that paragraph.
    pub fn byte_in_paragraph(&self, text: &str, p: usize, local_char: usize) -> Option<usize> {
        let para = self.paragraphs.get(p)?;
        let s = &text[para.bytes.clone()];
        char_to_byte(s, local_char).map(|b| para.bytes.start + b)
    }
}

/// A char→byte index over one text: the byte offset of every
/// [`CharIndex::STRIDE`]-th char, so converting any char offset costs at most
/// one short walk instead of a scan from the start of a book-length text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CharIndex {
    checkpoints: Vec<usize>,
    char_len: usize,
}

impl CharIndex {
    /// Chars between two checkpoints.
    pub const STRIDE: usize = 64;

    /// Builds the index in one pass over `text`.
    pub fn new(text: &str) -> Self {
        let mut checkpoints = Vec::with_capacity(text.len() / Self::STRIDE + 1);
        let mut n = 0;
        for (b, _) in text.char_indices() {
            if n % Self::STRIDE == 0 {
                checkpoints.push(b);
            }
            n += 1;
        }
        Self {
            checkpoints,
            char_len: n,
        }
    }

    /// Number of chars in the text.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// Byte offset of char `ci` in `text` (the text the index was built on);
    /// `ci == char_len` maps to `text.len()`.
    pub fn byte_of(&self, text: &str, ci: usize) -> Option<usize> {
        if ci == self.char_len {
            return Some(text.len());
        }
        if ci > self.char_len {
            return None;
        }
        let base = *self.checkpoints.get(ci / Self::STRIDE)?;
        let rest = text.get(base..)?;
        rest.char_indices()
            .nth(ci % Self::STRIDE)
            .map(|(b, _)| base + b)
    }

    /// Char offset of byte `b`, if it is on a char boundary.
    pub fn char_of_byte(&self, text: &str, b: usize) -> Option<usize> {
        if b > text.len() || !text.is_char_boundary(b) {
            return None;
        }
        let k = self
            .checkpoints
            .partition_point(|&c| c <= b)
            .saturating_sub(1);
        let base = self.checkpoints.get(k).copied().unwrap_or(0);
        Some(k * Self::STRIDE + text.get(base..b)?.chars().count())
    }

    /// Converts a char range to a byte range.
    pub fn range_to_bytes(&self, text: &str, r: Range<usize>) -> Option<Range<usize>> {
        if r.start > r.end {
            return None;
        }
        Some(self.byte_of(text, r.start)?..self.byte_of(text, r.end)?)
    }

    /// The text covered by a char range.
    pub fn slice<'a>(&self, text: &'a str, r: Range<usize>) -> Option<&'a str> {
        self.range_to_bytes(text, r).and_then(|b| text.get(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str =
        "“Europe is substantially less secure,” says Chris\u{a0}Miller — Привет 👋🏽 e\u{301}!";

    #[test]
    fn conversions_on_multibyte_text() {
        let t = SAMPLE;
        let n = char_len(t);
        for ci in 0..=n {
            let b = char_to_byte(t, ci).unwrap();
            assert_eq!(byte_to_char(t, b), Some(ci));
            let u = char_to_utf16(t, ci).unwrap();
            assert_eq!(utf16_to_char(t, u), Some(ci));
        }
        assert_eq!(char_to_byte(t, n + 1), None);
        assert_eq!(byte_to_char(t, 1), None, "inside the curly quote");
        assert_eq!(slice_chars(t, 1..7), Some("Europe"));
    }

    #[test]
    fn quote_context_keeps_32_chars() {
        let t = SAMPLE;
        let start = t.chars().position(|c| c == 'M').unwrap();
        let q = quote_context(t, start..start + 6).unwrap();
        assert_eq!(q.quote, "Miller");
        assert_eq!(q.prefix.chars().count(), 32);
        assert!(q.prefix.ends_with("Chris\u{a0}"));
        assert!(q.suffix.starts_with(" — Привет"));
    }

    #[test]
    fn snapping_keeps_combining_marks_and_emoji_whole() {
        let t = SAMPLE;
        let e = t.chars().position(|c| c == '\u{301}').unwrap() - 1;
        assert_eq!(snap_to_graphemes(t, e..e + 1), e..e + 2);
        let wave = t.chars().position(|c| c == '👋').unwrap();
        assert_eq!(snap_to_graphemes(t, wave..wave + 1), wave..wave + 2);
    }

    #[test]
    fn paragraphs_index_chars_and_bytes() {
        let t = "héllo\n\n“x”\nlast";
        let idx = ParagraphIndex::new(t);
        assert_eq!(idx.paragraphs.len(), 4);
        assert_eq!(idx.paragraphs[2].chars, 7..10);
        assert_eq!(&t[idx.paragraphs[2].bytes.clone()], "“x”");
        assert_eq!(idx.paragraph_of(8), 2);
        assert_eq!(idx.paragraph_of(0), 0);
        assert_eq!(idx.paragraph_of(idx.char_len), 3);
    }

    #[test]
    fn char_index_agrees_with_linear_conversions() {
        let t: String = SAMPLE.repeat(9);
        let idx = CharIndex::new(&t);
        assert_eq!(idx.char_len(), char_len(&t));
        for ci in 0..=idx.char_len() {
            let b = idx.byte_of(&t, ci);
            assert_eq!(b, char_to_byte(&t, ci));
            assert_eq!(idx.char_of_byte(&t, b.unwrap()), Some(ci));
        }
        assert_eq!(idx.byte_of(&t, idx.char_len() + 1), None);
        assert_eq!(idx.slice(&t, 1..7), Some("Europe"));
        assert_eq!(idx.char_of_byte(&t, 1), None);
        assert_eq!(CharIndex::new("").byte_of("", 0), Some(0));
    }

    #[test]
    fn trim_range_drops_nbsp() {
        let t = "a\u{a0} word \u{a0}b";
        assert_eq!(trim_range(t, 1..9), 3..7);
    }
}
