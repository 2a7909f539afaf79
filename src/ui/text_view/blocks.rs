//! Display blocks: the unit the view lays out. Normally a block is a
//! paragraph (a line of the text); a line longer than [`MAX_BLOCK_CHARS`] is
//! cut into several blocks, after white space where possible and always on
//! a grapheme-cluster boundary, so a text with no line breaks at all never
//! has to be laid out in one piece (egui needs ~175 bytes per char laid out).
//!
//! Blocks reuse [`ParagraphIndex`]: ranges are contiguous, `\n`s fall
//! between blocks, and two blocks of the same line touch
//! (`a.chars.end == b.chars.start`).

use crate::model::text::{Paragraph, ParagraphIndex};
use unicode_segmentation::UnicodeSegmentation;

/// Longest block, in chars.
pub const MAX_BLOCK_CHARS: usize = 4_000;

/// The blocks of `text` (O(text); once per document).
pub fn display_blocks(text: &str) -> ParagraphIndex {
    split_long(text, ParagraphIndex::new(text), MAX_BLOCK_CHARS)
}

fn split_long(text: &str, base: ParagraphIndex, max: usize) -> ParagraphIndex {
    if base.paragraphs.iter().all(|p| p.chars.len() <= max) {
        return base;
    }
    let mut out = Vec::with_capacity(base.paragraphs.len() + 16);
    for p in base.paragraphs {
        let Some(s) = text.get(p.bytes.clone()) else {
            out.push(p);
            continue;
        };
        if p.chars.len() <= max {
            out.push(p);
            continue;
        }
        let (mut cur_c, mut cur_b) = (p.chars.start, p.bytes.start);
        let (mut blk_c, mut blk_b) = (cur_c, cur_b);
        let mut cut: Option<(usize, usize)> = None;
        for g in s.graphemes(true) {
            if cur_c - blk_c >= max {
                let (cc, cb) = match cut {
                    Some(x) if x.0 - blk_c >= max / 2 => x,
                    _ => (cur_c, cur_b),
                };
                out.push(Paragraph {
                    chars: blk_c..cc,
                    bytes: blk_b..cb,
                });
                (blk_c, blk_b) = (cc, cb);
                cut = None;
            }
            cur_c += g.chars().count();
            cur_b += g.len();
            if g.chars().all(char::is_whitespace) {
                cut = Some((cur_c, cur_b));
            }
        }
        out.push(Paragraph {
            chars: blk_c..p.chars.end,
            bytes: blk_b..p.bytes.end,
        });
    }
    ParagraphIndex {
        paragraphs: out,
        char_len: base.char_len,
    }
}

/// Whether block `p` ends its line (so a paragraph gap follows it).
pub fn ends_line(blocks: &ParagraphIndex, p: usize) -> bool {
    match (blocks.paragraphs.get(p), blocks.paragraphs.get(p + 1)) {
        (Some(a), Some(b)) => a.chars.end != b.chars.start,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text::slice_chars;

    fn check_cover(text: &str, b: &ParagraphIndex, max: usize) {
        let mut joined = String::new();
        for (i, p) in b.paragraphs.iter().enumerate() {
            assert!(
                p.chars.len() <= max + 8,
                "block {i} has {} chars",
                p.chars.len()
            );
            let s = &text[p.bytes.clone()];
            assert_eq!(
                Some(s),
                slice_chars(text, p.chars.clone()),
                "bytes match chars"
            );
            joined.push_str(s);
            if i + 1 < b.paragraphs.len() && ends_line(b, i) {
                joined.push('\n');
            }
        }
        assert_eq!(joined, text);
    }

    #[test]
    fn long_lines_are_cut_after_white_space() {
        let line = "Слово word 👋🏽 “quoted”\u{a0}text — more. ".repeat(60);
        let text = format!("short\n{line}\n\nend");
        let b = split_long(&text, ParagraphIndex::new(&text), 200);
        assert!(b.paragraphs.len() > 8);
        check_cover(&text, &b, 200);
        for w in b.paragraphs.windows(2) {
            if w[0].chars.end == w[1].chars.start {
                let last = text[w[0].bytes.clone()].chars().last().unwrap();
                assert!(last.is_whitespace(), "cut after white space, not {last:?}");
            }
        }
        assert!(ends_line(&b, 0) && !ends_line(&b, 1));
    }

    #[test]
    fn lines_without_spaces_are_cut_between_graphemes() {
        let line = "e\u{301}👋🏽я".repeat(400);
        let b = split_long(&line, ParagraphIndex::new(&line), 101);
        assert!(b.paragraphs.len() > 10);
        check_cover(&line, &b, 101);
        for p in &b.paragraphs[1..] {
            let first = line[p.bytes.clone()].chars().next().unwrap();
            assert!(
                first != '\u{301}' && first != '🏽',
                "block starts inside a cluster"
            );
        }
        // Short texts are left alone.
        let t = "a\nb";
        assert_eq!(display_blocks(t), ParagraphIndex::new(t));
    }
}
