//! The per-paragraph galley cache and the paragraph heights.
//!
//! Keyed by (document, wrap width, font size, pixels per point): when the key
//! changes every galley is dropped and heights are re-estimated from char
//! counts. A paragraph is laid out only when it is needed (visible, hit by
//! the pointer, or the target of a jump); its real height then replaces the
//! estimate. Galleys far from the visible paragraphs are dropped again, so
//! memory stays bounded however long the document is.

use super::blocks::ends_line;
use super::compose::WordCache;
use super::doc_tokens::{DocTokens, Pending};
use super::geometry::LaidOut;
use super::heights::Heights;
use crate::model::text::ParagraphIndex;
use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{Color32, FontId};
use std::sync::Arc;

/// Sizes derived from the font and the available width.
#[derive(Clone, Debug, PartialEq)]
pub struct Metrics {
    /// Body font.
    pub font: FontId,
    /// Height of one row (font height plus leading).
    pub line_h: f32,
    /// Height of the font itself.
    pub font_h: f32,
    /// Space after each paragraph.
    pub gap: f32,
    /// Height of an empty paragraph (a blank line), before the gap.
    pub empty_h: f32,
    /// Wrap width of the text column.
    pub wrap: f32,
    /// Average advance of a char, for height estimates.
    pub avg_char_w: f32,
}

/// What a cache was built for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutKey {
    /// Document id and hash.
    pub doc: String,
    /// Wrap width bits.
    pub wrap: u32,
    /// Font size bits.
    pub font: u32,
    /// Pixels per point bits.
    pub ppp: u32,
}

/// Rows built beyond those coming into view (see
/// [`LayoutCache::ensure_rows`]): one, for the row a small scroll brings
/// in next. More cost a jump rows nobody sees; fewer save nothing (a
/// scroll builds the rows it brings in either way).
pub const ROWS_AHEAD: usize = 1;

/// How many paragraphs beyond the visible ones keep their galleys.
pub const KEEP_AROUND: usize = 24;

/// Galleys far from the screen a quiet frame drops at most (see
/// [`LayoutCache::evict_outside`]).
pub const EVICT_STEP: usize = 16;

/// Galleys held at most before a busy frame drops those far from the
/// screen too: a few pages beyond the [`KEEP_AROUND`] either side.
pub const MAX_CACHED: usize = 160;

/// How far down the view a jump puts its target's row (a share of the
/// view's height).
pub const JUMP_ABOVE: f64 = 0.3;

/// Galleys and heights of one document's paragraphs.
#[derive(Default)]
pub struct LayoutCache {
    /// What the cache holds layouts for.
    pub key: Option<LayoutKey>,
    /// Metrics of that key.
    pub metrics: Option<Metrics>,
    /// One slot per paragraph.
    pub galleys: Vec<Option<LaidOut>>,
    /// Indices of the `Some` slots.
    pub cached: Vec<usize>,
    /// Paragraph heights (gap included).
    pub heights: Heights,
    /// Galleys laid out since the cache was created.
    pub layouts: u64,
    /// Chars in those galleys.
    pub chars_laid_out: u64,
    /// Laid-out words that paragraphs are composed from.
    pub words: WordCache,
    /// Paragraphs egui laid out whole (the word cache could not).
    pub whole_layouts: u64,
    /// The document's blocks cut into numbered tokens, on their way (see
    /// [`super::doc_tokens`]); set when the document is opened.
    pub doc_tokens: Option<Pending>,
    /// Whether `words` laid out the document's rare words before (a cache
    /// made again for a new text size leaves them to the numbering's steps,
    /// see [`WordCache::warm_numbers_step`]).
    pub words_warmed: bool,
}

impl LayoutCache {
    /// Resets for a new key: drops all galleys and estimates every height
    /// (O(paragraphs), only when the key changes). The laid-out words are
    /// kept when only the wrap width changed (a word's layout does not
    /// depend on it): resizing the window lays out the screen again, not
    /// the document's vocabulary (some 10 ms a frame of a resize, for a
    /// book).
    pub fn reset(&mut self, key: LayoutKey, m: Metrics, paras: &ParagraphIndex) {
        let per_row = (m.wrap / m.avg_char_w.max(1.0)).max(1.0);
        let heights = paras
            .paragraphs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let gap = if ends_line(paras, i) { m.gap } else { 0.0 };
                let n = p.chars.len();
                if n == 0 {
                    m.empty_h + gap
                } else {
                    (n as f32 / per_row).ceil().max(1.0) * m.line_h + gap
                }
            })
            .collect();
        self.heights = Heights::new(heights);
        self.galleys = vec![None; paras.paragraphs.len()];
        self.cached.clear();
        let same_words = self
            .key
            .as_ref()
            .is_some_and(|k| (&k.doc, k.font, k.ppp) == (&key.doc, key.font, key.ppp));
        if !same_words {
            self.words.clear();
        }
        self.key = Some(key);
        self.metrics = Some(m);
    }

    /// Lays out paragraph `p` if needed; returns the change of its height.
    pub fn ensure(
        &mut self,
        ctx: &egui::Context,
        text: &str,
        paras: &ParagraphIndex,
        p: usize,
    ) -> f64 {
        self.ensure_range(ctx, text, paras, p..p + 1)
    }

    /// Lays out the paragraphs of `range` not laid out yet, their new words
    /// in one job; returns the change of their heights.
    pub fn ensure_range(
        &mut self,
        ctx: &egui::Context,
        text: &str,
        paras: &ParagraphIndex,
        range: std::ops::Range<usize>,
    ) -> f64 {
        let todo: Vec<(usize, &str, usize)> = range
            .filter(|&p| self.galleys.get(p).is_some_and(Option::is_none))
            .filter_map(|p| {
                let para = paras.paragraphs.get(p)?;
                let s = text.get(para.bytes.clone())?;
                (!s.is_empty()).then_some((p, s, para.chars.len()))
            })
            .collect();
        if todo.is_empty() {
            return 0.0;
        }
        let (Some(m), Some(format)) = (self.metrics.clone(), self.format()) else {
            return 0.0;
        };
        let prepared = match self.doc_tokens() {
            Some(doc) if doc.blocks() == paras.paragraphs.len() => {
                let blocks: Vec<usize> = todo.iter().map(|&(p, _, _)| p).collect();
                self.words.prepare_blocks(ctx, &doc, &blocks, &format)
            }
            _ => {
                let texts: Vec<&str> = todo.iter().map(|&(_, s, _)| s).collect();
                self.words.prepare(ctx, &texts, &format)
            }
        };
        let mut change = 0.0;
        for ((p, s, chars), prepared) in todo.into_iter().zip(prepared) {
            let composed = prepared.and_then(|pr| self.words.compose_planned(ctx, s, &pr, m.wrap));
            let laid = match composed {
                Some((g, plan)) => LaidOut::planned(g, plan),
                None => {
                    self.whole_layouts += 1;
                    let mut job = LayoutJob::single_section(s.to_owned(), format.clone());
                    job.wrap = TextWrapping::wrap_at_width(m.wrap);
                    LaidOut::new(ctx.fonts_mut(|f| f.layout_job(job)))
                }
            };
            let h = laid.galley.size().y + if ends_line(paras, p) { m.gap } else { 0.0 };
            if let Some(slot) = self.galleys.get_mut(p) {
                *slot = Some(laid);
                self.cached.push(p);
                self.layouts += 1;
                self.chars_laid_out += chars as u64;
            }
            change += f64::from(self.heights.set(p, h));
        }
        change
    }

    /// Builds the rows of paragraph `p` (laid out) that meet the
    /// galley-local y range `ys` and are not built yet, and
    /// [`ROWS_AHEAD`] rows either side of them. A paragraph whose plan the
    /// word cache no longer holds the tokens of is laid out again.
    pub fn ensure_rows(
        &mut self,
        ctx: &egui::Context,
        text: &str,
        paras: &ParagraphIndex,
        p: usize,
        ys: std::ops::Range<f32>,
    ) {
        for _ in 0..2 {
            let Some(lo) = self.galleys.get(p).and_then(Option::as_ref) else {
                return;
            };
            let Some(todo) = lo.unbuilt(lo.rows_in(ys.clone())) else {
                return;
            };
            let Some(plan) = &lo.plan else {
                return;
            };
            let want = todo.start.saturating_sub(ROWS_AHEAD)..todo.end + ROWS_AHEAD;
            let s = paras
                .paragraphs
                .get(p)
                .and_then(|para| text.get(para.bytes.clone()))
                .unwrap_or_default();
            let ppp = ctx.pixels_per_point();
            let built = |i: usize| lo.is_built(i);
            match self
                .words
                .build_rows_lean(s, plan, want, &lo.galley, built, ppp)
            {
                Some((galley, boxes)) => {
                    if let Some(Some(lo)) = self.galleys.get_mut(p) {
                        lo.set_built(galley, boxes);
                    }
                    return;
                }
                None => {
                    // The plan is of tokens the cache has dropped since: the
                    // paragraph is planned again (same height: same layout).
                    if let Some(slot) = self.galleys.get_mut(p) {
                        *slot = None;
                    }
                    self.cached.retain(|&q| q != p);
                    self.ensure(ctx, text, paras, p);
                }
            }
        }
    }

    /// Lays out what a jump to char `start` shows in a view `view_h` high:
    /// the target's paragraph, the rest of the screen below its row and
    /// the paragraphs above that the screen shows, by exact heights (the
    /// screen by estimated heights first, its new words in one job).
    /// Returns the target's paragraph and its row's top in it.
    pub fn lay_out_around(
        &mut self,
        ctx: &egui::Context,
        text: &str,
        paras: &ParagraphIndex,
        start: usize,
        view_h: f32,
    ) -> Option<(usize, f32)> {
        let n = paras.paragraphs.len();
        if n == 0 {
            return None;
        }
        let start = start.min(paras.char_len);
        let p = paras.paragraph_of(start);
        let above = f64::from(view_h) * JUMP_ABOVE;
        let below = f64::from(view_h) - above;
        let y = self.heights.prefix(p);
        let first = self.heights.find((y - above).max(0.0));
        let last = self.heights.find(y + below);
        self.ensure_range(ctx, text, paras, first.min(p)..(last + 1).clamp(p + 1, n));
        let para = paras.paragraphs.get(p)?;
        let row_top = self
            .get(p)
            .map_or(0.0, |lo| lo.row_top(start - para.chars.start));
        let mut below_h = f64::from(self.heights.get(p) - row_top);
        let mut q = p;
        // Below: the rest of the screen (the paint lays out no more), so
        // near the end the clamp uses exact heights.
        while q + 1 < n && below_h < below {
            q += 1;
            self.ensure(ctx, text, paras, q);
            below_h += f64::from(self.heights.get(q));
        }
        // Above: the paragraphs the screen shows above the target's row,
        // so their exact heights place it where it will show. Near the end
        // of the text the screen shows more than `above` of them.
        let above_h = above.max(f64::from(view_h) - below_h);
        let mut acc = 0.0;
        let mut q = p;
        while q > 0 && acc < above_h - f64::from(row_top) {
            q -= 1;
            self.ensure(ctx, text, paras, q);
            acc += f64::from(self.heights.get(q));
        }
        Some((p, row_top))
    }

    /// The scroll offset that puts a row at `y` (content coordinates)
    /// [`JUMP_ABOVE`] of the way down a view `view_h` high, within the
    /// document.
    pub fn jump_target(&self, y: f64, view_h: f32) -> f32 {
        let max = (self.heights.total() - f64::from(view_h)).max(0.0);
        (y - f64::from(view_h) * JUMP_ABOVE).clamp(0.0, max) as f32
    }

    /// Everything a jump to char `start` will draw, ahead of the frame
    /// that draws it: [`Self::lay_out_around`], then the rows on screen at
    /// the offset the jump lands on (see [`Self::ensure_rows`]). What it
    /// leaves undone (a paragraph it could not reach) the frame does.
    pub fn prepare_jump(
        &mut self,
        ctx: &egui::Context,
        text: &str,
        paras: &ParagraphIndex,
        start: usize,
        view_h: f32,
    ) {
        let Some((p, row_top)) = self.lay_out_around(ctx, text, paras, start, view_h) else {
            return;
        };
        let off = f64::from(self.jump_target(self.heights.prefix(p) + f64::from(row_top), view_h));
        let bottom = off + f64::from(view_h);
        let mut q = self.heights.find(off);
        while q < paras.paragraphs.len() {
            let top = self.heights.prefix(q);
            if top > bottom {
                break;
            }
            self.ensure(ctx, text, paras, q);
            let ys = (off - top) as f32..(bottom - top) as f32;
            self.ensure_rows(ctx, text, paras, q, ys);
            q += 1;
        }
    }

    /// The document's blocks cut into numbered tokens, once they are.
    pub fn doc_tokens(&mut self) -> Option<Arc<DocTokens>> {
        self.doc_tokens.as_mut()?.get().cloned()
    }

    /// The text format paragraphs are laid out in (`None` before a key).
    pub fn format(&self) -> Option<TextFormat> {
        let m = self.metrics.as_ref()?;
        let mut format = TextFormat::simple(m.font.clone(), Color32::PLACEHOLDER);
        format.line_height = Some(m.line_h);
        Some(format)
    }

    /// Drops every galley, keeping the heights (egui emptied its atlas: the
    /// same text lays out the same, only its glyphs moved).
    pub fn drop_galleys(&mut self) {
        self.galleys.iter_mut().for_each(|g| *g = None);
        self.cached.clear();
    }

    /// The laid-out paragraph `p`, if cached.
    pub fn get(&self, p: usize) -> Option<&LaidOut> {
        self.galleys.get(p).and_then(Option::as_ref)
    }

    /// Drops galleys of paragraphs outside `keep`: at most [`EVICT_STEP`]
    /// of them when `busy` is false (a frame that laid nothing out), none
    /// when it is true unless more than [`MAX_CACHED`] are held (then all
    /// of them). Freeing a page laid out frames ago reads memory no longer
    /// in the processor's caches (≈ 10–20 µs a page of a book): a frame
    /// that lays out a fresh page leaves that to the quiet frames after it.
    pub fn evict_outside(&mut self, keep: std::ops::Range<usize>, busy: bool) {
        let budget = if !busy {
            EVICT_STEP
        } else if self.cached.len() > MAX_CACHED {
            usize::MAX
        } else {
            return;
        };
        let galleys = &mut self.galleys;
        let mut dropped = 0;
        self.cached.retain(|&i| {
            if keep.contains(&i) || dropped >= budget {
                return true;
            }
            if let Some(slot) = galleys.get_mut(i) {
                *slot = None;
            }
            dropped += 1;
            false
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cache holding paragraphs `held` (slots without galleys: eviction
    /// reads only which are held).
    fn holding(n: usize, held: std::ops::Range<usize>) -> LayoutCache {
        LayoutCache {
            galleys: vec![None; n],
            cached: held.collect(),
            ..LayoutCache::default()
        }
    }

    #[test]
    fn busy_frames_leave_far_galleys_to_quiet_ones() {
        // Paragraphs 0..100 held, the screen now around 500.
        let mut cache = holding(1000, 0..100);
        let keep = 476..525;
        cache.evict_outside(keep.clone(), true);
        assert_eq!(cache.cached.len(), 100, "a busy frame drops nothing");
        cache.evict_outside(keep.clone(), false);
        assert_eq!(cache.cached.len(), 100 - EVICT_STEP, "a quiet one a few");
        let mut quiet = 1;
        while !cache.cached.is_empty() {
            cache.evict_outside(keep.clone(), false);
            quiet += 1;
            assert!(quiet <= 100, "eviction ends");
        }
        assert_eq!(quiet, 100usize.div_ceil(EVICT_STEP));
        // What is near the screen stays.
        let mut cache = holding(1000, 470..530);
        for _ in 0..10 {
            cache.evict_outside(keep.clone(), false);
        }
        assert_eq!(cache.cached, keep.collect::<Vec<_>>());
    }

    #[test]
    fn a_busy_frame_over_the_cap_drops_every_far_galley() {
        let mut cache = holding(1000, 0..MAX_CACHED + 1);
        cache.evict_outside(900..950, true);
        assert!(cache.cached.is_empty());
        let mut cache = holding(1000, 0..MAX_CACHED);
        cache.evict_outside(900..950, true);
        assert_eq!(cache.cached.len(), MAX_CACHED, "at the cap: kept");
    }
}
