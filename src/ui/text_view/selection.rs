//! The text selection as two doc-global char offsets (anchor and focus), and
//! the helpers that turn a raw drag into what [`super::TextView::selection`]
//! reports: sorted, widened to grapheme clusters, trimmed of white space.
//!
//! All work here is local to the paragraphs at the two ends (plus the white
//! space next to them), never the whole document.

use crate::model::text::{ParagraphIndex, char_to_byte, snap_to_graphemes};
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// Anchor (where the drag started) and focus (where it is now), in chars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchors {
    /// Fixed end.
    pub anchor: usize,
    /// Moving end.
    pub focus: usize,
}

impl Anchors {
    /// Sorted range.
    pub fn range(&self) -> Range<usize> {
        self.anchor.min(self.focus)..self.anchor.max(self.focus)
    }
}

/// The text of paragraph `p` and its first char and byte.
fn para<'t>(text: &'t str, paras: &ParagraphIndex, p: usize) -> Option<(&'t str, usize, usize)> {
    let pa = paras.paragraphs.get(p)?;
    Some((text.get(pa.bytes.clone())?, pa.chars.start, pa.bytes.start))
}

/// Byte offset of char `ci`, walking only its paragraph.
fn byte_of(text: &str, paras: &ParagraphIndex, ci: usize) -> Option<usize> {
    let p = paras.paragraph_of(ci);
    let (s, c0, b0) = para(text, paras, p)?;
    char_to_byte(s, ci.checked_sub(c0)?).map(|b| b0 + b)
}

/// Sorts, snaps to grapheme clusters and trims white space (NBSP and `\n`
/// included); `None` if nothing is left.
pub fn normalize(text: &str, paras: &ParagraphIndex, r: Range<usize>) -> Option<Range<usize>> {
    let (mut start, mut end) = (r.start.min(r.end), r.start.max(r.end).min(paras.char_len));
    if start >= end {
        return None;
    }
    // Widen each end within its own paragraph (a `\n` is always a boundary).
    if let Some((s, c0, _)) = para(text, paras, paras.paragraph_of(start)) {
        let l = start - c0;
        start = c0 + snap_to_graphemes(s, l..l).start;
    }
    if let Some((s, c0, _)) = para(text, paras, paras.paragraph_of(end)) {
        let l = end.saturating_sub(c0);
        end = c0 + snap_to_graphemes(s, l..l).end;
    }
    // Trim: walk inwards from each end over white space only.
    let bs = byte_of(text, paras, start)?;
    let be = byte_of(text, paras, end)?;
    let inner = text.get(bs..be)?;
    let lead = inner.chars().take_while(|c| c.is_whitespace()).count();
    if start + lead >= end {
        return None;
    }
    let trail = inner
        .chars()
        .rev()
        .take_while(|c| c.is_whitespace())
        .count();
    start += lead;
    end -= trail;
    (start < end).then_some(start..end)
}

/// The word (UAX #29 word boundaries) around char `ci`, as a doc range.
pub fn word_at(text: &str, paras: &ParagraphIndex, ci: usize) -> Option<Range<usize>> {
    let p = paras.paragraph_of(ci);
    let (s, c0, _) = para(text, paras, p)?;
    let local = ci.checked_sub(c0)?;
    let b = char_to_byte(s, local)?;
    let mut char_pos = 0;
    let mut last = None;
    for (wb, w) in s.split_word_bound_indices() {
        let n = w.chars().count();
        if b < wb + w.len() {
            return Some(c0 + char_pos..c0 + char_pos + n);
        }
        last = Some(c0 + char_pos..c0 + char_pos + n);
        char_pos += n;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text::slice_chars;

    const T: &str =
        "“Europe is substantially less secure,” says Chris\u{a0}Miller.\n\n  Привет 👋🏽 e\u{301}! ";

    #[test]
    fn normalize_trims_and_snaps() {
        let paras = ParagraphIndex::new(T);
        let e = T.chars().position(|c| c == 'E').unwrap();
        // From the quote's inside edge with a leading space... trimmed.
        let says = T.find("says").unwrap();
        let says_c = T[..says].chars().count();
        let r = normalize(T, &paras, says_c + 8..says_c - 1).unwrap();
        assert_eq!(slice_chars(T, r), Some("says Chr"));
        // Splitting an emoji from its modifier widens to the cluster.
        let wave = T.chars().position(|c| c == '👋').unwrap();
        let r = normalize(T, &paras, wave..wave + 1).unwrap();
        assert_eq!(slice_chars(T, r), Some("👋🏽"));
        // Across the blank line, white space and newlines trimmed.
        let dot = T.chars().position(|c| c == '.').unwrap();
        let p = T.chars().position(|c| c == 'П').unwrap();
        let r = normalize(T, &paras, dot..p + 3).unwrap();
        assert_eq!(slice_chars(T, r), Some(".\n\n  При"));
        assert_eq!(
            normalize(T, &paras, dot + 1..dot + 4),
            None,
            "only white space"
        );
        assert_eq!(normalize(T, &paras, e..e), None);
    }

    #[test]
    fn word_at_handles_curly_apostrophes_and_cyrillic() {
        let t = "What’s behind Russia’s moves — Привет, мир";
        let paras = ParagraphIndex::new(t);
        let r = word_at(t, &paras, 2).unwrap();
        assert_eq!(slice_chars(t, r), Some("What’s"));
        let p = t.chars().position(|c| c == 'р').unwrap();
        let r = word_at(t, &paras, p).unwrap();
        assert_eq!(slice_chars(t, r), Some("Привет"));
    }
}
