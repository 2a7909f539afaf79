//! The words of a document laid out ahead.
//!
//! A word cache lays out each distinct word once with egui, and composes
//! paragraphs from those layouts after that. A book has tens of thousands of
//! distinct words, so a page the reader has not seen yet brings new ones,
//! and egui shaping them costs a jump or a scroll 0.1–0.3 ms. The words are
//! not equally common, though: in a book the 4,000 most frequent make nearly
//! 90 % of the text, and some 30,000 nearly all of it. A word cache lays
//! them out when it is made (once per document, font and scale): egui
//! shapes the [`SHAPED_WORDS`] most frequent
//! ([`super::compose::WordCache::warm_words`]), the pairs of letters in the
//! document's words are laid out next, and the rest of the [`WARM_WORDS`]
//! are then put together from their chars without shaping (see
//! [`super::atoms`]), ≈ 0.4 µs a word. A new page then brings a handful of
//! words, or none, instead of dozens.

use super::compose::{letter_pairs, word_counts};
use crate::model::Document;
use std::sync::Arc;

/// Distinct words a word cache lays out when it is made.
pub const WARM_WORDS: usize = 32768;

/// Of [`WARM_WORDS`], the most frequent ones, which egui shapes before the
/// letter pairs are learnt (they teach the pairs in context); the rest are
/// put together from their chars after the pairs (see [`super::atoms`]).
pub const SHAPED_WORDS: usize = 4096;

/// Bytes of a text whose words are counted: a longer text is sampled, every
/// `n`-th paragraph (the most frequent words come out the same).
pub const SAMPLE_BYTES: usize = 1 << 20;

/// The `max` most frequent words of `text` as word caches cut it (so
/// punctuation marks and runs of spaces too), most frequent first; ties in
/// text order.
pub fn frequent_words(text: &str, max: usize) -> Vec<Box<str>> {
    let stride = text.len().div_ceil(SAMPLE_BYTES).max(1);
    let mut counts = word_counts(text.split('\n').step_by(stride));
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    counts.truncate(max);
    counts.into_iter().map(|(w, _, _)| w.into()).collect()
}

/// [`frequent_words`] of a document, counted once and kept in the context's
/// memory (the article and the annotation list share them).
pub fn doc_words(ctx: &egui::Context, doc: &Document) -> Arc<[Box<str>]> {
    super::atlas::per_document(ctx, doc, "marginalia_doc_words", || {
        frequent_words(&doc.text, WARM_WORDS).into()
    })
}

/// The distinct pairs of adjacent letters in the words of `text` (sampled
/// as [`frequent_words`] does), each as a two-char string, in order of
/// first sight: a word cache lays them out to learn how the font kerns
/// each pair (see [`super::atoms`]).
pub fn distinct_pairs(text: &str) -> Vec<Box<str>> {
    let stride = text.len().div_ceil(SAMPLE_BYTES).max(1);
    let mut seen = ahash::HashSet::default();
    let mut out = Vec::new();
    for line in text.split('\n').step_by(stride) {
        for pair in letter_pairs(line) {
            if seen.insert(pair) {
                out.push(String::from_iter([pair.0, pair.1]).into_boxed_str());
            }
        }
    }
    out
}

/// [`distinct_pairs`] of a document, found once and kept in the context's
/// memory.
pub fn doc_pairs(ctx: &egui::Context, doc: &Document) -> Arc<[Box<str>]> {
    super::atlas::per_document(ctx, doc, "marginalia_doc_pairs", || {
        distinct_pairs(&doc.text).into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequent_words_come_most_frequent_first() {
        let text = "b a b\n“c” b a\n\n  d";
        let words = frequent_words(text, 10);
        let words: Vec<&str> = words.iter().map(|w| &**w).collect();
        // Punctuation and spaces are words of their own, as the cache cuts
        // them.
        assert_eq!(words, [" ", "b", "a", "“", "c", "”", "  ", "d"]);
        assert_eq!(frequent_words(text, 2).len(), 2);
        assert!(frequent_words("", 5).is_empty());
    }

    #[test]
    fn pairs_are_of_letters_inside_words() {
        let pairs = distinct_pairs("Tea, “tea” ab1c\nмир");
        let pairs: Vec<&str> = pairs.iter().map(|p| &**p).collect();
        assert_eq!(pairs, ["Te", "ea", "te", "ab", "ми", "ир"]);
    }

    #[test]
    fn a_long_text_is_sampled_by_paragraph() {
        let para = format!("{}rare\n", "common ".repeat(200));
        let text = para.repeat(SAMPLE_BYTES * 3 / para.len());
        assert!(text.len() > 2 * SAMPLE_BYTES);
        let words = frequent_words(&text, 3);
        let words: Vec<&str> = words.iter().map(|w| &**w).collect();
        assert_eq!(words, ["common", " ", "rare"]);
    }
}
