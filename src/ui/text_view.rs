//! The article view: a custom widget that shows one document with its
//! highlights and keeps the user's selection as char offsets.
//!
//! How it stays fast on long documents (5 MB, 50 000 annotations):
//! - one galley per paragraph (a line of the text), laid out only when it is
//!   visible or needed, cached in `layout::LayoutCache` and dropped again
//!   when far off screen; a paragraph's rows get their quads (and where each
//!   char is) only as they come into view (`compose/rows.rs`);
//! - paragraph heights in a Fenwick tree (`heights::Heights`): estimated
//!   from char counts, corrected once laid out; the first visible paragraph
//!   is found by binary search, so a frame never walks the whole document;
//! - annotations indexed by paragraph (`index::HighlightIndex`), rebuilt
//!   only when the project revision or the document changes;
//! - highlights are rectangles painted under the text, found by binary
//!   search over each galley's row starts (`geometry::LaidOut`); a new
//!   highlight never re-lays out text and overlaps blend.
//!
//! Selection is kept as two doc-global char offsets (anchor and focus), so
//! it survives its paragraphs scrolling out of view; what
//! [`TextView::selection`] reports is snapped to grapheme clusters and
//! trimmed of white space. All offsets here are chars, never bytes.

pub mod atlas;
mod atoms;
mod blocks;
pub(crate) mod compose;
pub(crate) mod doc_tokens;
mod geometry;
mod heights;
mod index;
mod jump_ahead;
mod layout;
mod margin_labels;
mod selection;
mod store;
pub(crate) mod vocabulary;

use crate::model::text::ParagraphIndex;
use crate::model::{AnnotationId, DocId, Project, TurnKind};
use egui::{
    Color32, CornerRadius, CursorIcon, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, pos2,
    vec2,
};
use index::HighlightIndex;
use layout::{KEEP_AROUND, LayoutCache, LayoutKey, Metrics};
use selection::Anchors;
use std::ops::Range;
use std::sync::Arc;

/// What the view reads each frame.
pub struct TextViewInput<'a> {
    /// The project.
    pub project: &'a Project,
    /// The document shown.
    pub doc: &'a DocId,
    /// The project revision (from `History::revision`): caches key on it.
    pub revision: u64,
    /// The annotation selected in the panel/inspector, drawn emphasized.
    pub selected: Option<&'a AnnotationId>,
}

/// What happened in the view this frame.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextViewResponse {
    /// A highlight was clicked (without dragging): select this annotation.
    pub clicked_annotation: Option<AnnotationId>,
    /// The text selection changed this frame.
    pub selection_changed: bool,
}

/// What the last frame did, for tests and benchmarks.
#[derive(Clone, Debug, PartialEq)]
pub struct TextViewStats {
    /// Paragraphs painted, in order.
    pub painted_paragraphs: Vec<usize>,
    /// Highlight fill rectangles painted.
    pub highlight_rects: usize,
    /// Speaker-turn margin bars painted (one per turn per paragraph).
    pub turn_bars: usize,
    /// Speaker names painted at turn starts.
    pub turn_labels: usize,
    /// Whether a jump target was flashing.
    pub flashing: bool,
    /// The annotation under the pointer (what a click would pick).
    pub hovered_annotation: Option<AnnotationId>,
    /// Galleys held in the cache after the frame.
    pub galleys_cached: usize,
    /// Galleys laid out since the layout cache was last reset.
    pub layouts: u64,
    /// Of those, how many the last frame laid out itself (not the jump
    /// thread before it, see [`TextView::prepare_jump`]).
    pub frame_layouts: u64,
    /// Jumps whose page the jump thread laid out ahead of their frame.
    pub jumps_ahead: u64,
    /// The time the jump thread took with them, in all.
    pub jump_thread_time: std::time::Duration,
    /// Of them, those the frame had to wait for, and its wait in all.
    pub jump_waits: (u64, std::time::Duration),
    /// Chars in those galleys.
    pub chars_laid_out: u64,
    /// Of those galleys, how many egui laid out whole (not from words).
    pub whole_layouts: u64,
    /// Rows of the painted paragraphs with their glyphs built, and rows
    /// not built yet (off screen: see `text_view/compose/rows.rs`).
    pub rows_built: (usize, usize),
    /// Distinct words and spaces held laid out.
    pub cached_words: usize,
    /// Words and spaces looked up in that cache, and how many were not
    /// there yet.
    pub word_lookups: (u64, u64),
    /// Of the words not there yet, how many egui shaped (the others were
    /// put together from glyphs laid out alone, with no shaping).
    pub words_shaped: u64,
    /// Whether the document's blocks are cut into numbered tokens yet (see
    /// `text_view/doc_tokens.rs`).
    pub doc_tokens_ready: bool,
    /// Times the laid-out words and paragraphs were dropped because egui
    /// emptied its glyph atlas (they pointed into the old one).
    pub atlas_resets: u64,
    /// Times the annotation index was rebuilt since the view was created.
    pub index_rebuilds: u64,
    /// How many times the annotation index was patched for announced
    /// single-annotation changes instead of rebuilt.
    pub index_patches: u64,
    /// Vertical scroll offset of the frame (points from the top).
    pub scroll_offset: f32,
    /// Height of the whole document (estimated where not laid out).
    pub content_height: f32,
    /// Where the visible text area was on screen.
    pub viewport: Rect,
}

impl Default for TextViewStats {
    fn default() -> Self {
        Self {
            painted_paragraphs: Vec::new(),
            highlight_rects: 0,
            turn_bars: 0,
            turn_labels: 0,
            flashing: false,
            hovered_annotation: None,
            galleys_cached: 0,
            layouts: 0,
            frame_layouts: 0,
            jumps_ahead: 0,
            jump_thread_time: std::time::Duration::ZERO,
            jump_waits: (0, std::time::Duration::ZERO),
            chars_laid_out: 0,
            whole_layouts: 0,
            rows_built: (0, 0),
            cached_words: 0,
            word_lookups: (0, 0),
            words_shaped: 0,
            doc_tokens_ready: false,
            atlas_resets: 0,
            index_rebuilds: 0,
            index_patches: 0,
            scroll_offset: 0.0,
            content_height: 0.0,
            viewport: Rect::NOTHING,
        }
    }
}

/// Seconds a jump target stays flashed.
const FLASH_SECS: f64 = 1.0;
/// Distance from the edge (points) at which a drag starts auto-scrolling.
const EDGE: f32 = 28.0;

/// Whether a frame's input has a key down, a press or release of a
/// pointer button, or typed text: the user waits for what it does. (A
/// shortcut's key event is consumed by the frame's start; the key is still
/// down.)
pub(crate) fn answers_input(input: &egui::InputState) -> bool {
    !input.keys_down.is_empty()
        || input.pointer.any_pressed()
        || input.pointer.any_released()
        || input
            .events
            .iter()
            .any(|e| matches!(e, egui::Event::Text(_) | egui::Event::Paste(_)))
}

/// State of the article view for one document.
pub struct TextView {
    id_salt: String,
    /// Reading position per document: (first visible char, points into
    /// its paragraph).
    positions: std::collections::HashMap<String, (usize, f32)>,
    font_size: f32,
    doc_key: Option<String>,
    text_len: usize,
    /// The document shown, and its text, shared with the threads that
    /// work on it.
    shown_doc: Option<DocId>,
    shared_text: Arc<str>,
    paras: Arc<ParagraphIndex>,
    index: HighlightIndex,
    index_key: Option<(String, u64)>,
    /// Annotations changed since the index was built, with the revision
    /// each change made (see [`TextView::annotation_changed`]).
    pending: Vec<(u64, AnnotationId)>,
    layout: LayoutCache,
    /// The thread that lays out a jump's page while the side panels are
    /// drawn (see [`TextView::prepare_jump`]).
    jump_ahead: jump_ahead::JumpAhead,
    /// Speaker names of the margin, laid out once.
    margin_labels: margin_labels::MarginLabels,
    /// [`LayoutCache::layouts`] when galleys were last evicted: a frame
    /// that laid out more since is busy.
    layouts_seen: u64,
    /// Whether the last frame laid no paragraph out and answered no
    /// input (see [`answers_input`]): it does some work ahead.
    quiet: bool,
    sel: Option<Anchors>,
    reported: Option<Range<usize>>,
    dragging: bool,
    scroll_request: Option<Range<usize>>,
    flash: Option<(Range<usize>, f64)>,
    /// Screen position of content (x of the text column, y of the document
    /// top) in the last frame.
    last_origin: Pos2,
    stats: TextViewStats,
}

impl Default for TextView {
    fn default() -> Self {
        Self {
            id_salt: "marginalia_text_view".to_owned(),
            positions: std::collections::HashMap::new(),
            font_size: 16.0,
            doc_key: None,
            text_len: 0,
            shown_doc: None,
            shared_text: Arc::from(""),
            paras: Arc::default(),
            index: HighlightIndex::default(),
            index_key: None,
            pending: Vec::new(),
            layout: LayoutCache::default(),
            jump_ahead: jump_ahead::JumpAhead::default(),
            margin_labels: margin_labels::MarginLabels::default(),
            layouts_seen: 0,
            quiet: false,
            sel: None,
            reported: None,
            dragging: false,
            scroll_request: None,
            flash: None,
            last_origin: Pos2::ZERO,
            stats: TextViewStats::default(),
        }
    }
}

/// Per-frame horizontal placement.
#[derive(Clone, Copy, Debug)]
struct Columns {
    /// Offset of the text column from the content's left edge.
    text_x: f32,
    /// Width of the speaker-name gutter left of the bar.
    gutter: f32,
}

const BAR_W: f32 = 4.0;
const BAR_GAP: f32 = 10.0;

impl TextView {
    /// A view with nothing selected.
    pub fn new() -> Self {
        Self::default()
    }

    /// A view with its own id, for showing two articles at once (ids of its
    /// scroll area and pointer area derive from it).
    pub fn with_id_salt(mut self, salt: impl Into<String>) -> Self {
        self.id_salt = salt.into();
        self
    }

    /// Sets the body font size in points (clamped to 8–48).
    pub fn set_font_size(&mut self, size: f32) {
        self.font_size = size.clamp(8.0, 48.0);
    }

    /// The body font size in points.
    pub fn font_size(&self) -> f32 {
        self.font_size
    }

    /// The selected char range of the document, if non-empty: snapped to
    /// grapheme clusters and trimmed of surrounding white space.
    pub fn selection(&self) -> Option<Range<usize>> {
        self.reported.clone().filter(|r| r.start < r.end)
    }

    /// Sets the selection (keyboard commands, tests). Reported as given.
    pub fn set_selection(&mut self, range: Range<usize>) {
        self.sel = Some(Anchors {
            anchor: range.start,
            focus: range.end,
        });
        self.reported = Some(range.start.min(range.end)..range.start.max(range.end));
    }

    /// Clears the selection.
    pub fn clear_selection(&mut self) {
        self.sel = None;
        self.reported = None;
        self.dragging = false;
    }

    /// Scrolls so `range` is visible (next frame) and flashes it.
    pub fn scroll_to(&mut self, range: Range<usize>) {
        self.scroll_request = Some(range);
    }

    /// What the last frame painted and cached.
    pub fn debug_stats(&self) -> &TextViewStats {
        &self.stats
    }

    /// The vertical scroll offset of the last frame.
    pub fn scroll_offset(&self) -> f32 {
        self.stats.scroll_offset
    }

    /// The visible text area on screen in the last frame.
    pub fn viewport_rect(&self) -> Rect {
        self.stats.viewport
    }

    /// Screen rectangles (one per row) of a doc char range, as placed in the
    /// last frame; empty where its paragraphs are not laid out.
    pub fn char_range_rects(&self, range: Range<usize>) -> Vec<Rect> {
        let mut out = Vec::new();
        if range.start >= range.end || self.paras.paragraphs.is_empty() {
            return out;
        }
        let p0 = self.paras.paragraph_of(range.start);
        let p1 = self.paras.paragraph_of(range.end - 1);
        for p in p0..=p1 {
            let (Some(lo), Some(para)) = (self.layout.get(p), self.paras.paragraphs.get(p)) else {
                continue;
            };
            let top = self.last_origin.y + self.layout.heights.prefix(p) as f32;
            let s = range.start.max(para.chars.start) - para.chars.start;
            let e = range.end.min(para.chars.end) - para.chars.start;
            let mut buf = Vec::new();
            lo.range_rects(s..e, &mut buf);
            out.extend(
                buf.into_iter()
                    .map(|r| r.translate(vec2(self.last_origin.x, top))),
            );
        }
        out
    }

    /// The bounding screen rectangle of a doc char range (see
    /// [`Self::char_range_rects`]).
    pub fn char_range_rect(&self, range: Range<usize>) -> Option<Rect> {
        self.char_range_rects(range)
            .into_iter()
            .reduce(|a, b| a.union(b))
    }

    /// Announces that the edit which made project revision `revision`
    /// added, removed or changed exactly the annotation `id` (and nothing
    /// else the view shows): the next frame patches its annotation index
    /// instead of rebuilding it. Unannounced revisions still rebuild.
    pub fn annotation_changed(&mut self, id: AnnotationId, revision: u64) {
        if self.pending.len() >= 64 {
            self.pending.clear();
        }
        self.pending.push((revision, id));
    }

    /// Starts laying out the page a pending jump lands on, on a thread of
    /// its own, for the owner to call when a frame starts, with the
    /// document the frame will show: the view takes its layouts back when
    /// it is drawn ([`Self::show`]), or when [`Self::settle`] is called.
    /// Only for the document the view showed last (a jump into another
    /// one opens it first) and one long enough for a page to be new (see
    /// the `jump_ahead` module); otherwise nothing.
    pub fn prepare_jump(&mut self, ctx: &egui::Context, doc: &DocId) {
        let Some(r) = &self.scroll_request else {
            return;
        };
        let view_h = self.stats.viewport.height();
        if self.shown_doc.as_ref() != Some(doc)
            || self.shared_text.len() <= doc_tokens::SYNC_BYTES
            || self.layout.key.is_none()
            || !(view_h.is_finite() && view_h > 0.0)
        {
            return;
        }
        let (text, paras) = (Arc::clone(&self.shared_text), Arc::clone(&self.paras));
        let start = r.start;
        // Not taken (no thread): the frame lays the jump out itself.
        let _lent = self
            .jump_ahead
            .lend(&mut self.layout, ctx, text, paras, start, view_h);
    }

    /// Takes back the layouts lent by [`Self::prepare_jump`], waiting for
    /// the thread if it is not done. If they were lost, the document is
    /// opened again on the next frame.
    pub fn settle(&mut self) {
        match self.jump_ahead.take_back() {
            Some(Some((layout, took))) => {
                self.layout = layout;
                self.stats.jumps_ahead += 1;
                self.stats.jump_thread_time += took;
                self.stats.jump_waits = self.jump_ahead.waits;
            }
            Some(None) => {
                self.layout = LayoutCache::default();
                self.doc_key = None;
            }
            None => {}
        }
    }

    /// Draws the document and handles pointer input.
    pub fn show(&mut self, ui: &mut Ui, input: &TextViewInput<'_>) -> TextViewResponse {
        self.settle();
        let mut response = TextViewResponse::default();
        let Some(doc) = input.project.document(input.doc) else {
            ui.label("No document");
            return response;
        };
        let text = doc.text.as_str();
        let before = self.selection();

        // Document changed: new paragraph index (O(text), once per document).
        let doc_key = format!("{}:{}", doc.id, doc.sha256);
        let mut restore = None;
        if self.doc_key.as_deref() != Some(doc_key.as_str()) || self.text_len != text.len() {
            // Remember where the old document was read (as a char and the
            // points into its paragraph, which survive re-estimated heights),
            // and come back to where this one was left, or to its top.
            if let Some(old) = self.doc_key.take()
                && let Some(&p) = self.stats.painted_paragraphs.first()
                && let Some(para) = self.paras.paragraphs.get(p)
            {
                let into = self.stats.scroll_offset - self.layout.heights.prefix(p) as f32;
                self.positions
                    .insert(old, (para.chars.start, into.max(0.0)));
            }
            restore = Some(self.positions.get(&doc_key).copied().unwrap_or((0, 0.0)));
            self.stats.painted_paragraphs.clear();
            self.paras = Arc::new(blocks::display_blocks(text));
            self.shared_text = Arc::from(text);
            self.shown_doc = Some(input.doc.clone());
            self.doc_key = Some(doc_key.clone());
            self.text_len = text.len();
            self.layout = LayoutCache::default();
            self.layout.doc_tokens =
                Some(doc_tokens::Pending::start(&self.shared_text, &self.paras));
            self.index_key = None;
            self.clear_selection();
            self.flash = None;
        }
        // Project changed: new annotation index (O(annotations), once per edit).
        let index_key = (doc_key.clone(), input.revision);
        if self.index_key.as_ref() != Some(&index_key) {
            // Patch when the revisions between are exactly the announced
            // single-annotation changes; rebuild otherwise.
            let patchable = match &self.index_key {
                Some((k, rev)) if *k == doc_key && !self.pending.is_empty() => {
                    let mut want = *rev;
                    self.pending.iter().all(|(r, _)| {
                        want += 1;
                        *r == want
                    }) && want == input.revision
                }
                _ => false,
            };
            if patchable {
                for (_, id) in &self.pending {
                    self.index.patch(input.project, input.doc, &self.paras, id);
                }
                self.stats.index_patches += 1;
            } else {
                self.index = HighlightIndex::build(input.project, input.doc, &self.paras);
                self.stats.index_rebuilds += 1;
            }
            self.index_key = Some(index_key);
        }
        self.pending.clear();

        // Columns and metrics; a new key drops the galleys.
        let avail_w = (ui.available_width() - ui.spacing().scroll.allocated_width()).max(120.0);
        let (metrics, cols) = self.metrics(ui, avail_w);
        let key = LayoutKey {
            doc: doc_key,
            wrap: metrics.wrap.to_bits(),
            font: self.font_size.to_bits(),
            ppp: ui.pixels_per_point().to_bits(),
        };
        if self.layout.key.as_ref() != Some(&key) {
            self.layout.reset(key, metrics.clone(), &self.paras);
        }
        // Glyph atlas: drop layouts that point into an emptied one, and
        // rasterize the document's characters ahead (once per font).
        if self.layout.words.sync_atlas(ui.ctx()) {
            self.layout.drop_galleys();
        }
        if let Some(format) = self.layout.format() {
            let chars = atlas::doc_chars(ui.ctx(), doc);
            self.layout.words.warm(ui, &chars, &format);
            let words = vocabulary::doc_words(ui.ctx(), doc);
            self.layout.words.warm_words(ui, &words, &format);
            let pairs = vocabulary::doc_pairs(ui.ctx(), doc);
            self.layout.words.warm_pairs(ui, &pairs, &format);
            // The cache a document opens with lays its rare words out at
            // once. One made again (a new text size) leaves them to the
            // numbering's steps below, a few a quiet frame: its frame then
            // costs what it did before the rare words were laid out ahead.
            if !self.layout.words_warmed {
                self.layout.words.warm_rare_words(ui, &words, &format);
                self.layout.words_warmed = true;
            }
            if let Some(tokens) = self.layout.doc_tokens() {
                self.layout.words.warm_numbers(&tokens);
            }
        }

        // A jump: lay out the target and its surroundings, then place it.
        let layouts_before = self.layout.layouts;
        let mut set_offset = None;
        if let Some((ci, into)) = restore {
            set_offset = self.restore_offset(ui, text, ci, into, ui.available_height());
        }
        if let Some(r) = self.scroll_request.take() {
            if let Some(y) = self.jump_offset(ui, text, r.clone(), ui.available_height()) {
                set_offset = Some(y);
            }
            let now = ui.input(|i| i.time);
            self.flash = Some((r, now));
        }

        let mut area = egui::ScrollArea::vertical()
            .id_salt(self.id_salt.as_str())
            .auto_shrink([false, false])
            .content_margin(0.0)
            .animated(false);
        if let Some(y) = set_offset {
            area = area.vertical_scroll_offset(y);
        }
        // No rubber band: it springs back towards last frame's bounds, which
        // would pull a jump near the end (made against corrected heights)
        // away from its target over the next frames.
        let kinetic = ui.spacing().scroll.kinetic;
        ui.spacing_mut().scroll.kinetic.rubber_band = false;
        let out = area.show_viewport(ui, |ui, viewport| {
            self.frame(ui, viewport, text, input, &metrics, cols, &mut response)
        });
        ui.spacing_mut().scroll.kinetic = kinetic;
        self.stats.scroll_offset = out.state.clamped_offset().y;
        self.stats.frame_layouts = self.layout.layouts.saturating_sub(layouts_before);
        // A frame that laid nothing out lays out a few of the document's
        // frequent words not held yet.
        if self.quiet
            && let (Some(tokens), Some(format)) = (self.layout.doc_tokens(), self.layout.format())
        {
            self.layout.words.warm_numbers_step(ui, &tokens, &format);
            self.stats.cached_words = self.layout.words.len();
        }

        if self.selection() != before {
            response.selection_changed = true;
        }
        response
    }

    /// Font metrics and columns for the available width.
    fn metrics(&self, ui: &Ui, avail_w: f32) -> (Metrics, Columns) {
        let fs = self.font_size;
        let font = FontId::proportional(fs);
        let (font_h, avg_char_w) = ui.fonts_mut(|f| {
            const SAMPLE: &str = "The quick brown fox jumps over the lazy dog, says Miller.";
            let g = f.layout_no_wrap(SAMPLE.to_owned(), font.clone(), Color32::PLACEHOLDER);
            (
                f.row_height(&font),
                g.size().x / SAMPLE.chars().count() as f32,
            )
        });
        let line_h = (font_h * 1.55).round();
        let margin = 16.0;
        let max_text = (avg_char_w * 80.0).max(200.0);
        let gutter_want = (fs * 7.0).min(avail_w * 0.2);
        let side = gutter_want + BAR_W + BAR_GAP;
        let wrap = (avail_w - 2.0 * margin - side)
            .clamp(100.0, max_text)
            .floor();
        let column = side + wrap;
        let left = ((avail_w - column) / 2.0).max(margin);
        let m = Metrics {
            font,
            line_h,
            font_h,
            gap: (fs * 0.5).round(),
            empty_h: (line_h * 0.4).round(),
            wrap,
            avg_char_w,
        };
        let cols = Columns {
            text_x: left + side,
            gutter: gutter_want,
        };
        (m, cols)
    }

    /// The scroll offset that puts char `ci`'s paragraph `into` points above
    /// the top, laying out a screenful from there.
    fn restore_offset(
        &mut self,
        ui: &Ui,
        text: &str,
        ci: usize,
        into: f32,
        view_h: f32,
    ) -> Option<f32> {
        let n = self.paras.paragraphs.len();
        if n == 0 {
            return None;
        }
        let p = self.paras.paragraph_of(ci.min(self.paras.char_len));
        let (paras, layout) = (&self.paras, &mut self.layout);
        let mut acc = 0.0;
        let mut q = p;
        while q < n && acc < f64::from(view_h + into) {
            layout.ensure(ui, text, paras, q);
            acc += f64::from(layout.heights.get(q));
            q += 1;
        }
        let max = (layout.heights.total() - f64::from(view_h)).max(0.0);
        Some((layout.heights.prefix(p) + f64::from(into)).clamp(0.0, max) as f32)
    }

    /// The scroll offset that shows char range `r`, laying out the target
    /// paragraph and enough around it that nothing moves once drawn.
    fn jump_offset(&mut self, ui: &Ui, text: &str, r: Range<usize>, view_h: f32) -> Option<f32> {
        let start = r.start.min(self.paras.char_len);
        let (paras, layout) = (&self.paras, &mut self.layout);
        let (p, row_top) = layout.lay_out_around(ui.ctx(), text, paras, start, view_h)?;
        let para = paras.paragraphs.get(p)?;
        let y = layout.heights.prefix(p) + f64::from(row_top);
        // Already fully in view: keep the scroll position.
        let off = f64::from(self.stats.scroll_offset);
        let end = r.end.min(para.chars.end).max(start);
        let y_end = layout.heights.prefix(p)
            + f64::from(
                layout
                    .get(p)
                    .map_or(0.0, |lo| lo.row_top(end - para.chars.start))
                    + layout.metrics.as_ref().map_or(0.0, |m| m.line_h),
            );
        if self.stats.painted_paragraphs.contains(&p)
            && y >= off
            && y_end <= off + f64::from(view_h)
        {
            return None;
        }
        Some(layout.jump_target(y, view_h))
    }

    /// One frame inside the scroll area: lay out what is visible, handle the
    /// pointer, paint.
    #[allow(clippy::too_many_arguments)]
    fn frame(
        &mut self,
        ui: &mut Ui,
        viewport: Rect,
        text: &str,
        input: &TextViewInput<'_>,
        m: &Metrics,
        cols: Columns,
        response: &mut TextViewResponse,
    ) {
        let n = self.paras.paragraphs.len();
        let content_top = ui.max_rect().top();
        let content_left = ui.max_rect().left();
        let vy0 = f64::from(viewport.min.y);
        let vy1 = f64::from(viewport.max.y);

        // Visible paragraphs. If the first one was never laid out and starts
        // above the viewport, its height correction is absorbed by `shift` so
        // the visible text does not jump.
        let mut visible: Vec<(usize, f32)> = Vec::new();
        let mut shift = 0.0f64;
        if n > 0 {
            let (paras, layout) = (&self.paras, &mut self.layout);
            let mut p = layout.heights.find(vy0);
            let top = layout.heights.prefix(p);
            let d = layout.ensure(ui, text, paras, p);
            if top < vy0 {
                shift = d;
            }
            let mut y = layout.heights.prefix(p);
            // The rest of the screen by estimated heights, in one job (a
            // paragraph the estimate puts on screen may end up just below).
            let last = layout.heights.find(vy1 + shift);
            layout.ensure_range(ui, text, paras, p + 1..(last + 1).min(n));
            while p < n {
                // `y` is the top of `p`, which laying `p` out does not move:
                // test first, so nothing below the viewport is laid out.
                if y - shift > vy1 {
                    break;
                }
                layout.ensure(ui, text, paras, p);
                visible.push((p, y as f32));
                y += f64::from(layout.heights.get(p));
                p += 1;
            }
        }
        let total = self.layout.heights.total();
        ui.set_height(total as f32);
        if shift != 0.0 {
            ui.scroll_with_delta(vec2(0.0, -(shift as f32)));
        }
        let origin = pos2(content_left + cols.text_x, content_top - shift as f32);
        self.last_origin = origin;
        // The rows of the visible paragraphs that are on screen get their
        // glyphs (a paragraph at the edge of the screen is only part seen).
        let clip = ui.clip_rect();
        for &(p, y) in &visible {
            let top = origin.y + y;
            let ys = clip.top() - top..clip.bottom() - top;
            self.layout.ensure_rows(ui, text, &self.paras, p, ys);
        }

        // Pointer.
        let view_rect = Rect::from_x_y_ranges(ui.max_rect().x_range(), clip.y_range());
        let id = ui.make_persistent_id((self.id_salt.as_str(), "area"));
        let resp = ui.interact(view_rect, id, Sense::click_and_drag());
        let title = input
            .project
            .document(input.doc)
            .map_or_else(String::new, |d| d.title.clone());
        resp.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::accesskit::Role::Document,
                true,
                format!("Article: {title}"),
            )
        });
        self.stats.hovered_annotation = None;
        if resp.dragged() {
            ui.set_cursor_icon(CursorIcon::Text);
        } else if let Some(pos) = resp.hover_pos() {
            // A hand over a highlight (a click picks it), an I-beam elsewhere.
            let over = self
                .hit(ui, text, origin, pos)
                .and_then(|(_, ch)| ch)
                .and_then(|c| self.index.innermost_at(self.paras.paragraph_of(c), c))
                .map(|s| s.id.clone());
            ui.set_cursor_icon(if over.is_some() {
                CursorIcon::PointingHand
            } else {
                CursorIcon::Text
            });
            self.stats.hovered_annotation = over;
        }
        self.pointer(ui, &resp, text, origin, view_rect, response);

        self.paint(ui, &visible, input, m, cols, origin, content_left);

        // Keep galleys only near what is visible.
        if let (Some(first), Some(last)) = (visible.first(), visible.last()) {
            let keep = first.0.saturating_sub(KEEP_AROUND)..(last.0 + KEEP_AROUND + 1).min(n);
            // A frame that laid a page out, or answers a key or a click
            // (which may have made an edit), is left to do just that.
            let busy = self.layout.layouts != self.layouts_seen || ui.input(answers_input);
            self.layout.evict_outside(keep, busy);
            self.layouts_seen = self.layout.layouts;
            self.quiet = !busy;
        }
        self.stats.rows_built = visible
            .iter()
            .filter_map(|&(p, _)| self.layout.get(p))
            .fold((0, 0), |(b, u), lo| {
                let built = lo.built_rows();
                (b + built, u + lo.galley.rows.len() - built)
            });
        self.stats.painted_paragraphs = visible.iter().map(|v| v.0).collect();
        self.stats.galleys_cached = self.layout.cached.len();
        self.stats.layouts = self.layout.layouts;
        self.stats.chars_laid_out = self.layout.chars_laid_out;
        self.stats.whole_layouts = self.layout.whole_layouts;
        self.stats.cached_words = self.layout.words.len();
        self.stats.word_lookups = (self.layout.words.lookups, self.layout.words.misses);
        self.stats.words_shaped = self.layout.words.shaped;
        self.stats.doc_tokens_ready = self.layout.doc_tokens().is_some();
        self.stats.atlas_resets = self.layout.words.atlas_resets;
        self.stats.content_height = total as f32;
        self.stats.viewport = view_rect;
    }

    /// Where `pos` falls in the text: (nearest gap, char under the pointer),
    /// both doc-global char offsets.
    fn hit(
        &mut self,
        ui: &Ui,
        text: &str,
        origin: Pos2,
        pos: Pos2,
    ) -> Option<(usize, Option<usize>)> {
        let (paras, layout) = (&self.paras, &mut self.layout);
        if paras.paragraphs.is_empty() {
            return None;
        }
        let p = layout.heights.find(f64::from(pos.y - origin.y));
        layout.ensure(ui, text, paras, p);
        let para = paras.paragraphs.get(p)?;
        let top = origin.y + layout.heights.prefix(p) as f32;
        let local = pos2(pos.x - origin.x, pos.y - top);
        // The row under the pointer has its glyphs (it may be just off
        // screen while a drag scrolls).
        layout.ensure_rows(ui, text, paras, p, local.y..local.y + 1.0);
        match layout.get(p) {
            Some(lo) => Some((
                para.chars.start + lo.gap_at(local),
                lo.char_at(local).map(|c| para.chars.start + c),
            )),
            None => Some((para.chars.start, None)),
        }
    }

    /// Drag to select, double-click for a word, triple-click for a
    /// paragraph, shift-click to extend, click on a highlight to pick it.
    fn pointer(
        &mut self,
        ui: &Ui,
        resp: &egui::Response,
        text: &str,
        origin: Pos2,
        view_rect: Rect,
        response: &mut TextViewResponse,
    ) {
        let shift_held = ui.input(|i| i.modifiers.shift);
        let inner = view_rect.shrink2(vec2(0.0, 1.0));
        if resp.drag_started() {
            let press = ui
                .input(|i| i.pointer.press_origin())
                .or(resp.interact_pointer_pos());
            if let Some(pos) = press
                && let Some((gap, _)) = self.hit(ui, text, origin, pos)
            {
                self.sel = Some(match (shift_held, self.sel) {
                    (true, Some(a)) => Anchors {
                        anchor: a.anchor,
                        focus: gap,
                    },
                    _ => Anchors {
                        anchor: gap,
                        focus: gap,
                    },
                });
                self.dragging = true;
            }
        }
        if self.dragging && resp.dragged() {
            if let Some(pos) = resp.interact_pointer_pos() {
                let clamped = pos.clamp(inner.min, inner.max);
                if let Some((gap, _)) = self.hit(ui, text, origin, clamped)
                    && let Some(a) = &mut self.sel
                {
                    a.focus = gap;
                }
                // Auto-scroll near the edges; the anchor is a char offset, so
                // it survives its paragraph leaving the screen.
                let dt = ui.input(|i| i.stable_dt).min(0.1);
                let speed = if pos.y < view_rect.top() + EDGE {
                    (view_rect.top() + EDGE - pos.y) * 12.0
                } else if pos.y > view_rect.bottom() - EDGE {
                    -(pos.y - (view_rect.bottom() - EDGE)) * 12.0
                } else {
                    0.0
                };
                if speed != 0.0 {
                    ui.scroll_with_delta(vec2(0.0, speed * dt));
                    ui.request_repaint();
                }
            }
            self.update_reported(text);
        }
        if resp.drag_stopped() {
            self.dragging = false;
            self.update_reported(text);
        }
        if resp.triple_clicked() {
            // The whole paragraph (display block).
            if let Some(pos) = resp.interact_pointer_pos()
                && let Some((gap, _)) = self.hit(ui, text, origin, pos)
                && let Some(para) = self.paras.paragraphs.get(self.paras.paragraph_of(gap))
            {
                self.sel = Some(Anchors {
                    anchor: para.chars.start,
                    focus: para.chars.end,
                });
                self.update_reported(text);
            }
        } else if resp.double_clicked() {
            if let Some(pos) = resp.interact_pointer_pos()
                && let Some((gap, ch)) = self.hit(ui, text, origin, pos)
                && let Some(w) = selection::word_at(text, &self.paras, ch.unwrap_or(gap))
            {
                self.sel = Some(Anchors {
                    anchor: w.start,
                    focus: w.end,
                });
                self.update_reported(text);
            }
        } else if resp.clicked()
            && let Some(pos) = resp.interact_pointer_pos()
            && let Some((gap, ch)) = self.hit(ui, text, origin, pos)
        {
            if shift_held && let Some(a) = &mut self.sel {
                a.focus = gap;
                self.update_reported(text);
            } else {
                self.sel = None;
                self.reported = None;
                if let Some(c) = ch {
                    let p = self.paras.paragraph_of(c);
                    response.clicked_annotation =
                        self.index.innermost_at(p, c).map(|s| s.id.clone());
                }
            }
        }
    }

    /// Recomputes what `selection()` reports from the anchors.
    fn update_reported(&mut self, text: &str) {
        self.reported = self
            .sel
            .and_then(|a| selection::normalize(text, &self.paras, a.range()));
    }

    /// Paints turn bars, highlights, selection, text and underlines of the
    /// visible paragraphs.
    #[allow(clippy::too_many_arguments)]
    fn paint(
        &mut self,
        ui: &Ui,
        visible: &[(usize, f32)],
        input: &TextViewInput<'_>,
        m: &Metrics,
        cols: Columns,
        origin: Pos2,
        content_left: f32,
    ) {
        let painter = ui.painter();
        let visuals = ui.visuals();
        let dark = visuals.dark_mode;
        let text_color = visuals.text_color();
        let weak = visuals.weak_text_color();
        let fill_alpha = if dark { 0.38 } else { 0.30 };
        let ppp = ui.ctx().pixels_per_point();
        let sel_fill = visuals.selection.bg_fill.gamma_multiply(0.75);
        let now = ui.input(|i| i.time);
        let flash = match &self.flash {
            Some((r, t0)) if now - t0 < FLASH_SECS => {
                ui.ctx().request_repaint();
                Some((r.clone(), (1.0 - (now - t0) / FLASH_SECS) as f32))
            }
            _ => None,
        };
        if flash.is_none() {
            self.flash = None;
        }
        let selection = self.selection();
        let half_lead = ((m.line_h - m.font_h) / 2.0).max(0.0);
        let small = FontId::proportional((self.font_size * 0.75).round());
        let epoch = atlas::atlas_epoch(ui.ctx());
        let bar_x = content_left + cols.text_x - BAR_GAP - BAR_W;
        let mut rects: Vec<Rect> = Vec::new();
        let (mut span_rects, mut span_ends): (Vec<Rect>, Vec<usize>) = (Vec::new(), Vec::new());
        let mut highlight_rects = 0usize;
        let (mut turn_bars, mut turn_labels) = (0usize, 0usize);

        for &(p, y) in visible {
            let Some(para) = self.paras.paragraphs.get(p) else {
                continue;
            };
            let ps = para.chars.start;
            let pe = para.chars.end;
            let top = origin.y + y;
            let gpos = pos2(origin.x, top);
            let para_h = self.layout.heights.get(p);
            let lo = self.layout.get(p);

            // Speaker turns: a bar in the margin, the name where a turn starts.
            for t in self.index.turns_in(ps..pe) {
                if t.kind == TurnKind::Narration {
                    continue;
                }
                let y0 = if t.range.start <= ps {
                    0.0
                } else {
                    lo.map_or(0.0, |l| l.row_top(t.range.start - ps))
                };
                let y1 = if t.range.end > pe {
                    para_h
                } else {
                    lo.map_or(para_h, |l| {
                        let r = l.row_of(t.range.end - ps, true);
                        l.galley.rows.get(r).map_or(para_h, |row| row.max_y())
                    })
                };
                let bar = Rect::from_min_max(pos2(bar_x, top + y0), pos2(bar_x + BAR_W, top + y1));
                turn_bars += 1;
                match t.kind {
                    TurnKind::Question => {
                        // Dashed and thinner: a question, not a claim. One
                        // mesh for the dashes (a long question has dozens).
                        let mut dashes = egui::Mesh::default();
                        let mut yy = bar.top();
                        while yy < bar.bottom() {
                            let seg = Rect::from_min_max(
                                pos2(bar.left() + 1.0, yy),
                                pos2(bar.right() - 1.0, (yy + 5.0).min(bar.bottom())),
                            );
                            dashes.add_colored_rect(seg, t.color);
                            yy += 9.0;
                        }
                        painter.add(egui::Shape::mesh(dashes));
                    }
                    _ => {
                        painter.rect_filled(bar, CornerRadius::same(2), t.color);
                    }
                }
                if t.range.start >= ps
                    && t.range.start <= pe
                    && !t.label.is_empty()
                    && cols.gutter >= 30.0
                {
                    turn_labels += 1;
                    // One row, elided with "…" to the gutter's width.
                    let color = if t.kind == TurnKind::Question {
                        weak
                    } else {
                        t.color
                    };
                    let g = self.margin_labels.get(
                        painter,
                        epoch,
                        &t.label,
                        &small,
                        color,
                        cols.gutter - 6.0,
                    );
                    let x = bar_x - 6.0 - g.size().x;
                    painter.galley(pos2(x, top + y0 + half_lead), g, color);
                }
            }

            let Some(lo) = lo else {
                continue;
            };
            let band = |r: Rect| {
                Rect::from_min_max(
                    pos2(r.left(), r.top() + half_lead - 1.0),
                    pos2(r.right(), r.bottom() - half_lead + 1.0),
                )
                .translate(gpos.to_vec2())
            };
            let spans = self.index.spans_of(p);

            // Fills, blended where annotations overlap. One mesh for the
            // paragraph: a dense page has hundreds of highlight rectangles,
            // and a shape each would cost more to tessellate than the text.
            // Each span's rectangles are found once, for the fills and the
            // underlines both: `span_rects` holds them one span after another.
            let mut fills = egui::Mesh::default();
            // Most spans cover a row or two.
            fills.reserve_triangles(spans.len() * 4);
            fills.reserve_vertices(spans.len() * 8);
            span_rects.clear();
            span_ends.clear();
            for &si in spans {
                if let Some(s) = self.index.spans.get(si as usize) {
                    let is_sel = input.selected == Some(&s.id);
                    let c = s.colors.first().copied().unwrap_or(Color32::GRAY);
                    let fill = c.gamma_multiply(if is_sel { fill_alpha * 1.6 } else { fill_alpha });
                    let from = span_rects.len();
                    lo.range_rects(local(&s.range, ps), &mut span_rects);
                    for r in &span_rects[from..] {
                        fills.add_colored_rect(band(*r), fill);
                        highlight_rects += 1;
                    }
                }
                span_ends.push(span_rects.len());
            }
            if !fills.is_empty() {
                painter.add(egui::Shape::mesh(fills));
            }
            // Jump flash.
            if let Some((r, a)) = &flash {
                rects.clear();
                lo.range_rects(local(r, ps), &mut rects);
                let c = visuals.warn_fg_color.gamma_multiply(0.55 * a);
                for r in &rects {
                    painter.rect_filled(band(*r).expand(2.0), CornerRadius::same(3), c);
                }
            }
            // Selection.
            if let Some(r) = &selection {
                rects.clear();
                lo.range_rects(local(r, ps), &mut rects);
                for r in &rects {
                    painter.rect_filled(band(*r), CornerRadius::ZERO, sel_fill);
                }
            }

            painter.galley(gpos, lo.galley.clone(), text_color);

            // Underlines: one per annotation, offset by nesting level, dashed
            // in each tag colour when it has several; one mesh as well.
            let mut lines = egui::Mesh::default();
            lines.reserve_triangles(span_rects.len() * 2);
            lines.reserve_vertices(span_rects.len() * 4);
            let mut from = 0;
            for (&si, &to) in spans.iter().zip(&span_ends) {
                let rects = span_rects.get(from..to).unwrap_or_default();
                from = to;
                let Some(s) = self.index.spans.get(si as usize) else {
                    continue;
                };
                let level = s.level.min(3) as f32;
                for r in rects {
                    let b = band(*r);
                    let yy = b.bottom() + 0.5 + level * 2.0;
                    underline(&mut lines, b.left(), b.right(), yy, &s.colors, ppp);
                }
                if input.selected == Some(&s.id) {
                    let c = s.colors.first().copied().unwrap_or(Color32::GRAY);
                    let stroke = Stroke::new(1.5, if dark { c } else { c.gamma_multiply(0.9) });
                    for r in rects {
                        painter.rect_stroke(
                            band(*r),
                            CornerRadius::same(2),
                            stroke,
                            StrokeKind::Outside,
                        );
                    }
                }
            }
            if !lines.is_empty() {
                painter.add(egui::Shape::mesh(lines));
            }
        }
        self.stats.highlight_rects = highlight_rects;
        self.stats.turn_bars = turn_bars;
        self.stats.turn_labels = turn_labels;
        self.stats.flashing = flash.is_some();
    }
}

/// A doc char range clipped to the paragraph starting at `ps`, made local.
fn local(r: &Range<usize>, ps: usize) -> Range<usize> {
    r.start.saturating_sub(ps)..r.end.saturating_sub(ps)
}

/// A thin underline from `x0` to `x1` centred on `y`, dashed through
/// `colors` (opaque), added to `mesh` as rectangles snapped to physical
/// pixels.
fn underline(mesh: &mut egui::Mesh, x0: f32, x1: f32, y: f32, colors: &[Color32], ppp: f32) {
    const DASH: f32 = 7.0;
    let ppp = ppp.max(0.1);
    let thick = (1.5 * ppp).round().max(1.0) / ppp;
    let top = ((y - thick / 2.0) * ppp).round() / ppp;
    let mut bar = |a: f32, b: f32, c: Color32| {
        mesh.add_colored_rect(Rect::from_min_max(pos2(a, top), pos2(b, top + thick)), c);
    };
    match colors {
        [] => {}
        [c] => bar(x0, x1, *c),
        many => {
            // The first colour as one bar, the others' dashes over it (the
            // colours are opaque): a dense page has hundreds of dashes.
            bar(x0, x1, many[0]);
            let mut x = x0;
            let mut k = 0;
            while x < x1 {
                if k % many.len() != 0 {
                    bar(x, (x + DASH).min(x1), many[k % many.len()]);
                }
                x += DASH;
                k += 1;
            }
        }
    }
}
