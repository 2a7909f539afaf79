//! Keeping the word caches in step with egui's glyph atlas, and filling the
//! atlas ahead of need.
//!
//! A laid-out token holds its glyphs' places in egui's font atlas. egui
//! empties the atlas when it gets full (and when fonts or text options
//! change) and then forgets its own galleys; a cache of ours that outlived
//! that would paint other glyphs' pixels. [`atlas_epoch`] counts those
//! resets, and every cache of composed text drops its layouts when the
//! count moves.
//!
//! The first time egui meets a glyph at one of its four sub-pixel offsets it
//! rasterizes it, which costs tens of microseconds: a word with two
//! uncommon capitals could take a tenth of a millisecond, several times the
//! cost of shaping it, and a jump into a fresh part of a book met a few such
//! words every time. [`doc_chars`] finds the characters a document mostly
//! uses and `WordCache::warm` rasterizes them at all four
//! offsets once, when the cache is made, within an atlas budget.

use crate::model::Document;
use std::sync::Arc;

/// How many of a document's distinct characters are rasterized ahead (the
/// most frequent ones). A Latin or Cyrillic text uses 100–200; a CJK text
/// thousands, of which the common ones come first.
pub const WARM_CHARS: usize = 256;

/// The warm-up stops once egui's atlas is this full (egui empties it at
/// 0.8), so big fonts or a high pixel density warm fewer characters.
pub const WARM_MAX_FILL: f32 = 0.35;

/// What [`atlas_epoch`] remembers between calls.
#[derive(Clone, Default)]
struct AtlasWatch {
    probe: Option<Arc<egui::Galley>>,
    epoch: u64,
    /// The pass the probe was last laid out in: later calls in the same
    /// pass (the article's and the list's) answer from here.
    pass: Option<u64>,
}

/// How many times egui has emptied its glyph atlas, as far as this context
/// has seen.
///
/// egui forgets every galley it cached whenever it empties the atlas, so a
/// tiny probe galley that egui hands back as a new one (not the one kept from
/// the last call) means the atlas was emptied in between, and any text laid
/// out before holds stale atlas places. The probe stays in egui's cache as
/// long as this is called every frame; a frame without a call costs one
/// needless relayout, never a stale one. egui keeps a galley cache per
/// viewport: call this from one viewport (the app has only the root one).
pub fn atlas_epoch(ctx: &egui::Context) -> u64 {
    let id = egui::Id::unique("marginalia_atlas_watch");
    let pass = ctx.cumulative_pass_nr();
    let seen = ctx.data(|d| {
        d.get_temp::<AtlasWatch>(id)
            .filter(|w| w.pass == Some(pass))
            .map(|w| w.epoch)
    });
    if let Some(epoch) = seen {
        return epoch;
    }
    let probe = ctx.fonts_mut(|f| {
        f.layout_no_wrap(
            "M".to_owned(),
            egui::FontId::monospace(8.0),
            egui::Color32::WHITE,
        )
    });
    ctx.data_mut(|d| {
        let w = d.get_temp_mut_or_default::<AtlasWatch>(id);
        w.pass = Some(pass);
        match &w.probe {
            Some(old) if Arc::ptr_eq(old, &probe) => {}
            Some(_) => {
                w.epoch += 1;
                w.probe = Some(probe);
            }
            None => w.probe = Some(probe),
        }
        w.epoch
    })
}

/// The [`WARM_CHARS`] most frequent characters of `text`, most frequent
/// first, white space and control characters left out. O(text).
pub fn frequent_chars(text: &str, max: usize) -> Vec<char> {
    // A table for the alphabets of most texts, a map for the rest.
    const TABLE: usize = 0x800;
    let mut table = vec![0u32; TABLE];
    let mut rest: ahash::HashMap<char, u32> = ahash::HashMap::default();
    for c in text.chars() {
        match table.get_mut(c as usize) {
            Some(n) => *n += 1,
            None => *rest.entry(c).or_default() += 1,
        }
    }
    let mut counts: Vec<(char, u32)> = table
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .filter_map(|(i, &n)| Some((char::from_u32(i as u32)?, n)))
        .chain(rest)
        .filter(|&(c, _)| !c.is_whitespace() && !c.is_control())
        .collect();
    // Most frequent first; ties in char order, so the result is the same
    // every time.
    counts.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts.truncate(max);
    counts.into_iter().map(|(c, _)| c).collect()
}

/// The frequent characters of `doc` (see [`frequent_chars`]), computed once
/// per document and kept in the context's memory, so the article and the
/// annotation list share one pass over the text.
pub fn doc_chars(ctx: &egui::Context, doc: &Document) -> Arc<[char]> {
    per_document(ctx, doc, "marginalia_doc_chars", || {
        frequent_chars(&doc.text, WARM_CHARS).into()
    })
}

/// `make()` for `doc`, made once per document (id and text) and kept in the
/// context's memory under `name`.
pub fn per_document<T: Clone + Send + Sync + 'static>(
    ctx: &egui::Context,
    doc: &Document,
    name: &'static str,
    make: impl FnOnce() -> T,
) -> T {
    let id = egui::Id::unique((name, &doc.id, &doc.sha256));
    if let Some(found) = ctx.data(|d| d.get_temp::<T>(id)) {
        return found;
    }
    let made = make();
    ctx.data_mut(|d| d.insert_temp(id, made.clone()));
    made
}

/// Lays out glyphs of growing sizes until egui's atlas is past the fill at
/// which egui empties it at the start of the next pass: for tests of what
/// outlives that.
pub fn overfill_atlas(ui: &egui::Ui) {
    let text: String = ('A'..='z').chain('А'..='я').collect();
    let mut size = 60.0;
    while ui.ctx().fonts(|f| f.font_atlas_fill_ratio()) <= 0.8 {
        ui.fonts_mut(|f| {
            f.layout_no_wrap(
                text.clone(),
                egui::FontId::proportional(size),
                egui::Color32::WHITE,
            )
        });
        size += 7.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequent_chars_come_most_frequent_first_without_spaces() {
        let text = "ааа bb\u{a0}c\n\tЖ😀😀😀😀 a";
        let chars = frequent_chars(text, 10);
        assert_eq!(chars, vec!['😀', 'а', 'b', 'a', 'c', 'Ж']);
        assert_eq!(frequent_chars(text, 2), vec!['😀', 'а']);
        assert!(frequent_chars("", 5).is_empty());
    }

    #[test]
    fn the_epoch_moves_when_egui_empties_its_atlas() {
        let ctx = egui::Context::default();
        let frame = |f: &mut dyn FnMut(&mut egui::Ui)| {
            let mut out = ctx.run_ui(egui::RawInput::default(), |ui| f(ui));
            out.textures_delta.clear();
        };
        let mut first = 0;
        frame(&mut |ui| {
            ui.label("some text");
            first = atlas_epoch(ui.ctx());
        });
        frame(&mut |ui| assert_eq!(atlas_epoch(ui.ctx()), first));
        // Fill the atlas past egui's limit with big glyphs; the next pass
        // empties it.
        frame(&mut |ui| overfill_atlas(ui));
        frame(&mut |ui| assert_eq!(atlas_epoch(ui.ctx()), first + 1));
        frame(&mut |ui| assert_eq!(atlas_epoch(ui.ctx()), first + 1));
    }
}
