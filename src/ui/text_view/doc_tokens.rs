//! A document cut into word-cache tokens once, each token a number.
//!
//! A page the view has not shown yet used to be cut into tokens and each
//! token looked up by hashing its text (≈ 33 ns a char on first sight: some
//! 0.07 ms for a fresh screen of a book). The tokens of a document never
//! change, so they are cut once, when it opens: each distinct token gets a
//! number, and the document is the sequence of those numbers, block by
//! block. A word cache then finds a token's layout by its number in an
//! array ([`super::compose::WordCache::prepare_blocks`]), ≈ 12 ns a char.
//! For a 5 MB book the cutting is ≈ 40 ms of work, done on a thread of its
//! own; the view cuts and hashes as before until it is there.

use super::compose::cut_tokens;
use crate::model::text::ParagraphIndex;
use smol_str::SmolStr;
use std::sync::{Arc, mpsc};

/// Texts up to this many bytes are cut where they are opened; longer ones
/// on a thread.
pub const SYNC_BYTES: usize = 256 * 1024;

/// Tokens [`DocTokens::frequent`] lists: as many as the words a word cache
/// lays out ahead.
pub const FREQUENT: usize = super::vocabulary::WARM_WORDS;

/// The `max` most frequent of `ids` (numbers below `vocab`), most frequent
/// first, ties by number (the order the tokens first occur in).
fn most_frequent(ids: &[u32], vocab: usize, max: usize) -> Vec<u32> {
    let mut counts = vec![0u32; vocab];
    for &id in ids {
        if let Some(c) = counts.get_mut(id as usize) {
            *c += 1;
        }
    }
    let mut numbers: Vec<u32> = (0..u32::try_from(vocab).unwrap_or(u32::MAX)).collect();
    let by_count = |a: &u32, b: &u32| {
        let count = |n: &u32| counts.get(*n as usize).copied().unwrap_or(0);
        count(b).cmp(&count(a)).then(a.cmp(b))
    };
    if numbers.len() > max {
        numbers.select_nth_unstable_by(max, by_count);
        numbers.truncate(max);
    }
    numbers.sort_unstable_by(by_count);
    numbers
}

/// Numbers each [`DocTokens`] made, so that what a word cache keeps for
/// one is never taken for another's (an address could be reused).
static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The tokens of every block of a document, as numbers.
#[derive(Debug, Default)]
pub struct DocTokens {
    /// Which cutting this is (unique in the process).
    serial: u64,
    /// Each distinct token's text, by number.
    vocab: Vec<SmolStr>,
    /// Each distinct token's length in bytes and whether it is a run of
    /// breaking spaces (`len << 1 | space`): what preparing a block reads
    /// of every token, 4 bytes apart, not in the scattered texts.
    meta: Vec<u32>,
    /// The tokens of all blocks, one after another.
    ids: Vec<u32>,
    /// Where each block's tokens start in `ids` (one more entry than blocks).
    starts: Vec<u32>,
    /// The numbers of the most frequent tokens, most frequent first (see
    /// [`super::compose::WordCache::warm_numbers`]).
    frequent: Vec<u32>,
}

impl DocTokens {
    /// Cuts every block of `paras` (byte ranges into `text`).
    pub fn build(text: &str, paras: &ParagraphIndex) -> Self {
        let mut out = Self {
            serial: MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            ..Self::default()
        };
        let mut numbers: ahash::HashMap<&str, u32> = ahash::HashMap::default();
        out.starts.reserve(paras.paragraphs.len() + 1);
        // Prose has a token every 3–4 bytes; a growing vector would
        // double past that, and hold up to twice the memory for good.
        out.ids.reserve(text.len() / 3);
        for p in &paras.paragraphs {
            out.starts.push(out.ids.len() as u32);
            let block = text.get(p.bytes.clone()).unwrap_or_default();
            for (range, space) in cut_tokens(block) {
                let piece = &block[range];
                let next = out.vocab.len() as u32;
                let id = *numbers.entry(piece).or_insert_with(|| {
                    out.vocab.push(SmolStr::new(piece));
                    let len = u32::try_from(piece.len()).unwrap_or(u32::MAX >> 1);
                    out.meta.push(len << 1 | u32::from(space));
                    next
                });
                out.ids.push(id);
            }
        }
        out.starts.push(out.ids.len() as u32);
        out.ids.shrink_to_fit();
        out.frequent = most_frequent(&out.ids, out.vocab.len(), FREQUENT);
        out
    }

    /// The numbers of the document's most frequent tokens (up to
    /// [`FREQUENT`]), most frequent first.
    pub fn frequent(&self) -> &[u32] {
        &self.frequent
    }

    /// Which cutting this is: unique in the process.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// Distinct tokens.
    pub fn vocab_len(&self) -> usize {
        self.vocab.len()
    }

    /// The text of token `id`.
    pub fn text(&self, id: u32) -> Option<&str> {
        self.vocab.get(id as usize).map(SmolStr::as_str)
    }

    /// Blocks cut.
    pub fn blocks(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// The numbers of block `p`'s tokens, in order.
    pub fn block(&self, p: usize) -> Option<&[u32]> {
        let (from, to) = (*self.starts.get(p)?, *self.starts.get(p + 1)?);
        self.ids.get(from as usize..to as usize)
    }

    /// Token `id`'s length in bytes, and whether it is a run of breaking
    /// spaces.
    pub fn piece(&self, id: u32) -> Option<(usize, bool)> {
        let m = *self.meta.get(id as usize)?;
        Some(((m >> 1) as usize, m & 1 == 1))
    }
}

/// A [`DocTokens`] on its way: cut at once for a short text, on a thread
/// for a long one.
pub enum Pending {
    /// Cut.
    Ready(std::sync::Arc<DocTokens>),
    /// Being cut on a thread.
    Cutting(mpsc::Receiver<DocTokens>),
    /// The thread could not be started or is gone.
    Failed,
}

impl Pending {
    /// Starts cutting `text` (a copy goes to the thread).
    pub fn start(text: &Arc<str>, paras: &Arc<ParagraphIndex>) -> Self {
        if text.len() <= SYNC_BYTES {
            return Self::Ready(DocTokens::build(text, paras).into());
        }
        let (tx, rx) = mpsc::channel();
        let (text, paras) = (Arc::clone(text), Arc::clone(paras));
        let spawned = std::thread::Builder::new()
            .name("marginalia-doc-tokens".into())
            .spawn(move || {
                // The view may be gone (another document): nobody to tell.
                let _ = tx.send(DocTokens::build(&text, &paras));
            });
        match spawned {
            Ok(_) => Self::Cutting(rx),
            Err(_) => Self::Failed,
        }
    }

    /// The tokens, once cut.
    pub fn get(&mut self) -> Option<&std::sync::Arc<DocTokens>> {
        if let Self::Cutting(rx) = self {
            *self = match rx.try_recv() {
                Ok(tokens) => Self::Ready(tokens.into()),
                Err(mpsc::TryRecvError::Empty) => return None,
                Err(mpsc::TryRecvError::Disconnected) => Self::Failed,
            };
        }
        match self {
            Self::Ready(tokens) => Some(tokens),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_come_back_as_their_tokens() {
        let text = "“Tea,” she said.\n\ntea  for two tea\nчай";
        let paras = ParagraphIndex::new(text);
        let doc = DocTokens::build(text, &paras);
        assert_eq!(doc.blocks(), paras.paragraphs.len());
        for (p, para) in paras.paragraphs.iter().enumerate() {
            let block = &text[para.bytes.clone()];
            let ids = doc.block(p).expect("block");
            let joined: String = ids.iter().filter_map(|&id| doc.text(id)).collect();
            assert_eq!(joined, block);
            let cut: Vec<_> = cut_tokens(block).collect();
            assert_eq!(ids.len(), cut.len());
            for (&id, (range, space)) in ids.iter().zip(cut) {
                assert_eq!(doc.piece(id), Some((range.len(), space)));
                assert_eq!(doc.text(id), Some(&block[range]));
            }
        }
        // "tea" twice, one number.
        let teas: Vec<u32> = (0..doc.blocks())
            .flat_map(|p| doc.block(p).unwrap_or_default())
            .copied()
            .filter(|&id| doc.text(id) == Some("tea"))
            .collect();
        assert_eq!(teas.len(), 2);
        assert_eq!(teas[0], teas[1]);
        assert!(doc.block(doc.blocks()).is_none());
    }

    #[test]
    fn the_frequent_tokens_come_most_frequent_first() {
        let text = "the cat and the dog\n\nthe end, and the rest";
        let paras = ParagraphIndex::new(text);
        let doc = DocTokens::build(text, &paras);
        let count = |n: u32| {
            (0..doc.blocks())
                .flat_map(|p| doc.block(p).unwrap_or_default())
                .filter(|&&m| m == n)
                .count()
        };
        let frequent = doc.frequent();
        assert_eq!(frequent.len(), doc.vocab_len(), "fewer than FREQUENT: all");
        assert_eq!(doc.text(frequent[0]), Some(" "));
        assert_eq!(doc.text(frequent[1]), Some("the"));
        assert_eq!(doc.text(frequent[2]), Some("and"));
        for w in frequent.windows(2) {
            assert!(count(w[0]) >= count(w[1]));
        }
        // Only the most frequent are kept.
        let top = most_frequent(&[3, 1, 3, 2, 3, 1], 4, 2);
        assert_eq!(top, vec![3, 1]);
    }

    #[test]
    fn a_long_text_is_cut_on_a_thread_and_arrives() {
        let text: Arc<str> = "word and another word\n".repeat(SYNC_BYTES / 10).into();
        let paras = Arc::new(ParagraphIndex::new(&text));
        let mut pending = Pending::start(&text, &paras);
        assert!(matches!(pending, Pending::Cutting(_)));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let doc = loop {
            if let Some(doc) = pending.get() {
                break doc.clone();
            }
            assert!(std::time::Instant::now() < deadline, "never arrived");
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        assert_eq!(doc.blocks(), paras.paragraphs.len());
        assert_eq!(doc.vocab_len(), 4); // "word", " ", "and", "another"
    }
}
