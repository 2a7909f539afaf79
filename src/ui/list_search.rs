//! What the annotation list's filter box matches: each annotation's quote,
//! note and speaker's name, lower-cased, kept by row.
//!
//! Typing in the filter box over 50,000 annotations lower-cased all of them
//! for every key (25–40 ms a key); kept, a key that searches every row
//! reads them (4–5 ms; the first key still makes them all), and a key that
//! only adds to the text searches the rows shown (see
//! `AnnotationList::refresh`). Each row's text carries a fingerprint of its
//! annotation's id, so a row whose annotation moved or changed is made
//! again when it is next read, and an edit of one annotation moves one
//! text, not all of them.

use crate::model::AnnotationId;

/// The lower-cased texts of a document's rows, in row order.
#[derive(Default)]
pub struct SearchTexts {
    /// Per row: the fingerprint of the id the text was made for (0: none
    /// made) and the text.
    texts: Vec<(u64, Box<str>)>,
    hasher: ahash::RandomState,
}

impl SearchTexts {
    /// Forgets every text (anything but an edit of one annotation changed).
    pub fn clear(&mut self) {
        self.texts.clear();
    }

    /// Whether no text is kept.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.texts.iter().all(|(f, _)| *f == 0)
    }

    fn fingerprint(&self, id: &AnnotationId) -> u64 {
        // 0 marks a row with no text: never an id's.
        self.hasher.hash_one(id).max(1)
    }

    /// Annotation `id` was added, removed or changed: it is now at row
    /// `now_at` (`None`: removed) of `rows` rows. Its text, if kept, is
    /// taken out, and a row to make is put where it is now. Anything that
    /// does not add up (its text was never made) forgets every text.
    pub fn moved(&mut self, id: &AnnotationId, now_at: Option<usize>, rows: usize) {
        if self.texts.is_empty() {
            return;
        }
        let f = self.fingerprint(id);
        if let Some(j) = self.texts.iter().position(|(g, _)| *g == f) {
            self.texts.remove(j);
        }
        if let Some(i) = now_at.filter(|&i| i <= self.texts.len()) {
            self.texts.insert(i, (0, Box::default()));
        }
        if self.texts.len() != rows {
            self.texts.clear();
        }
    }

    /// Whether the annotation `id` at row `row` of `rows` holds `needle`
    /// (lower-case); its text is made by `make` if it is not kept.
    pub fn matches(
        &mut self,
        id: &AnnotationId,
        row: usize,
        rows: usize,
        needle: &str,
        make: impl FnOnce() -> Box<str>,
    ) -> bool {
        if self.texts.len() != rows {
            self.texts.clear();
            self.texts.resize_with(rows, || (0, Box::default()));
        }
        let f = self.fingerprint(id);
        let Some(slot) = self.texts.get_mut(row) else {
            return make().contains(needle);
        };
        if slot.0 != f {
            *slot = (f, make());
        }
        slot.1.contains(needle)
    }
}
