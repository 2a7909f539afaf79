//! The annotation list of the current document, in document order, with a
//! text/tag filter.
//!
//! Built for long lists: per project revision the list keeps only where the
//! document's annotations are; a row (snippet, tag colours, speaker) is
//! formatted the first time it is drawn and cached (across a revision that
//! only changed one announced annotation, by id), the filter result is kept
//! until the filter or revision changes, and only the visible
//! rows are drawn (`ScrollArea::show_rows`), so 50,000 annotations scroll
//! smoothly and an edit does not reformat them all.

use super::actions::{Action, ViewCtx, color32};
use super::list_search::SearchTexts;
use super::text_view::compose::{Prepared, WordCache};
use super::text_view::{atlas, vocabulary};
use crate::model::{Annotation, AnnotationId, DocId, Project, Speaker, TagId};
use std::sync::Arc;

/// Height of one row, in points.
pub const ROW_HEIGHT: f32 = 24.0;

/// Longest snippet shown, in chars.
pub const SNIPPET_CHARS: usize = 80;

/// Tag colour chips a row shows at most.
const CHIPS: usize = 4;

/// The label of a list row for a quote: white space collapsed, cut at
/// [`SNIPPET_CHARS`] with an ellipsis (after the last whole word, unless
/// that is in the first half), in curly quotes.
pub fn row_label(quote: &str) -> String {
    // Room for the snippet in 2-byte chars, the quotes and the ellipsis.
    let mut out = String::with_capacity(quote.len().min(SNIPPET_CHARS * 2) + 12);
    out.push('“');
    // Chars after the opening quote; whether the snippet was cut short.
    let mut n = 0;
    let mut cut = false;
    for word in quote.split(white_space).filter(|w| !w.is_empty()) {
        if n > 0 {
            out.push(' ');
            n += 1;
        }
        if n >= SNIPPET_CHARS {
            cut = true;
            break;
        }
        let len = word.chars().count();
        if n + len <= SNIPPET_CHARS {
            out.push_str(word);
            n += len;
            continue;
        }
        let keep = word
            .char_indices()
            .nth(SNIPPET_CHARS - n)
            .map_or(word.len(), |(i, _)| i);
        out.push_str(&word[..keep]);
        cut = true;
        break;
    }
    if cut {
        end_cut(&mut out);
    }
    out.push('”');
    out
}

/// Ends a label cut at [`SNIPPET_CHARS`]: cut inside a word, back to the
/// space before it (unless that leaves less than half the snippet); then
/// the ellipsis.
fn end_cut(out: &mut String) {
    if !out.ends_with(' ')
        && let Some(at) = out.rfind(' ')
        && out[..at].chars().count() > SNIPPET_CHARS / 2
    {
        out.truncate(at);
    }
    out.truncate(out.trim_end().len());
    out.push('…');
}

/// `char::is_whitespace` (Unicode's White_Space), without its table
/// search for every letter past ASCII.
fn white_space(c: char) -> bool {
    match c {
        ' ' | '\t'..='\r' => true,
        c if c.is_ascii() => false,
        c => matches!(
            c as u32,
            0x85 | 0xa0 | 0x1680 | 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000
        ),
    }
}

/// A row of the list as formatted for one annotation (the annotation
/// itself is the key it is kept under).
#[derive(Clone, Debug)]
struct Row {
    label: String,
    /// The colours of the first [`CHIPS`] tags.
    colors: [egui::Color32; CHIPS],
    /// How many of `colors` there are.
    chips: u8,
    /// The speaker, by position in `Project::speakers` (rows are formatted
    /// again whenever an edit other than one annotation's comes).
    speaker: Option<usize>,
    has_note: bool,
    /// The label laid out, and the width it was cut to.
    galley: Option<(f32, Arc<egui::Galley>)>,
    /// The last frame (of the list's count) the row was drawn in.
    used: u64,
}

/// Speaker names and the note mark laid out, kept while the fonts are the
/// same: egui keeps a galley only while it is drawn every frame, so a page
/// of new rows would shape its speakers' names again.
#[derive(Default)]
struct Marks {
    names: ahash::HashMap<String, Arc<egui::Galley>>,
    note: Option<Arc<egui::Galley>>,
}

impl Marks {
    /// The laid-out `name` (in the small text style), laid out the first
    /// time it is asked for.
    fn name(&mut self, ui: &egui::Ui, name: &str) -> &Arc<egui::Galley> {
        if !self.names.contains_key(name) {
            let small = egui::TextStyle::Small.resolve(ui.style());
            let galley = ui.fonts_mut(|f| {
                f.layout_no_wrap(name.to_owned(), small, egui::Color32::PLACEHOLDER)
            });
            self.names.insert(name.to_owned(), galley);
        }
        &self.names[name]
    }
}

/// The hover text of an annotation's row (made only while hovered).
fn tooltip(p: &Project, a: &Annotation) -> String {
    let tag_names: Vec<&str> = a
        .tags
        .iter()
        .filter_map(|t| p.codebook.get(t))
        .map(|t| t.name.as_str())
        .collect();
    let mut tooltip = format!(
        "{}\n\nTags: {}\nChars {}–{}",
        a.quote,
        if tag_names.is_empty() {
            "none".to_string()
        } else {
            tag_names.join(", ")
        },
        a.start,
        a.end
    );
    if !a.note.is_empty() {
        tooltip.push_str("\nNote: ");
        tooltip.push_str(&a.note);
    }
    tooltip
}

impl Row {
    fn of(p: &Project, a: &Annotation) -> Self {
        let mut colors = [egui::Color32::TRANSPARENT; CHIPS];
        let mut chips = 0;
        for (c, t) in colors
            .iter_mut()
            .zip(a.tags.iter().filter_map(|t| p.codebook.get(t)))
        {
            *c = color32(t.color);
            chips += 1;
        }
        Row {
            label: row_label(&a.quote),
            colors,
            chips,
            speaker: a
                .speaker
                .as_ref()
                .and_then(|s| p.speakers.iter().position(|x| &x.id == s)),
            has_note: !a.note.trim().is_empty(),
            galley: None,
            used: 0,
        }
    }
}

/// The name the list shows for a speaker: the first alias, else the name.
fn shown_name(s: &Speaker) -> &str {
    s.aliases.first().unwrap_or(&s.name)
}

/// What the filter box matches an annotation by: its quote, note and
/// speaker's name, lower-cased.
fn search_text(p: &Project, a: &Annotation) -> Box<str> {
    format!("{} {} {}", a.quote, a.note, speaker_name(p, a))
        .to_lowercase()
        .into_boxed_str()
}

/// The name the list shows for an annotation's speaker (empty for none).
fn speaker_name(p: &Project, a: &Annotation) -> String {
    a.speaker
        .as_ref()
        .and_then(|s| p.speaker(s))
        .map(|s| shown_name(s).to_owned())
        .unwrap_or_default()
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Key {
    revision: u64,
    doc: Option<DocId>,
}

/// State of the annotation list.
///
/// Per revision it keeps only the positions (in `Project::annotations`) of
/// the document's annotations; a row's label, colours and tooltip are
/// formatted the first time the row is drawn in that revision and then
/// reused, so an edit costs O(annotations) integer pushes, not 50,000
/// formatted strings.
#[derive(Default)]
pub struct AnnotationList {
    filter: String,
    tag_filter: Option<TagId>,
    /// Positions in `Project::annotations` of the current document's
    /// annotations (they are contiguous: annotations are sorted by document
    /// first).
    rows: std::ops::Range<usize>,
    rows_key: Option<Key>,
    /// Offsets into `rows` that pass the filters; `None` when no filter is
    /// set (every row shows).
    visible: Option<Vec<usize>>,
    visible_key: Option<(Key, String, Option<TagId>)>,
    /// Rows formatted, by annotation; valid for `rows_key`'s revision.
    formatted: ahash::HashMap<AnnotationId, Row>,
    /// What the filter box matches each row by ([`search_text`]), made
    /// the first time a filter needs it.
    search: SearchTexts,
    /// Revisions made by an edit of exactly one annotation (announced by
    /// the app): moving to one of them drops only that annotation's row.
    announced: Vec<(u64, AnnotationId)>,
    scroll_to: Option<AnnotationId>,
    focus_filter: bool,
    /// Rows (indices into `visible`) fully shown last frame.
    shown: std::ops::Range<usize>,
    /// Laid-out words of the row labels, and the font and scale they are
    /// for: a jump brings a page of new rows, mostly made of known words.
    words: WordCache,
    /// The body and small fonts and the scale the laid-out labels and
    /// names are for.
    words_for: Option<(egui::FontId, egui::FontId, u32)>,
    /// Frames drawn, for the rows' `used` stamps.
    frame: u64,
    /// Speaker names and the note mark, laid out.
    marks: Marks,
    /// The text selection whose rows were last made ahead (see
    /// [`AnnotationList::prepare_near`]).
    near: Option<std::ops::Range<usize>>,
    /// Labels made ahead of a tag, for tests.
    pub labels_ahead: u64,
}

/// A row's margin at either end, and the gap after the chips.
const ROW_MARGIN: f32 = 4.0;

/// Room for one tag chip (6 points and a gap).
const CHIP_STEP: f32 = 8.0;

/// Where a row's label starts, from the row's left edge: after its chips,
/// with room for two at least so labels line up.
fn label_x(chips: usize) -> f32 {
    ROW_MARGIN + CHIP_STEP * chips.max(2) as f32 + ROW_MARGIN
}

/// Of a row's width, what the label never has: its start (with the fewest
/// chips) and the right margin.
fn label_inset() -> f32 {
    label_x(0) + ROW_MARGIN
}

/// Where the parts of a row go, from its left edge: chips first, then the
/// label, then the speaker's name and the note mark at the right.
struct Places {
    /// The label's left edge.
    label_x: f32,
    /// The width the label is cut to.
    label_w: f32,
    /// The note mark's left edge, if the row has one.
    note_x: Option<f32>,
    /// The name's left edge and the width it is clipped to, if any.
    name: Option<(f32, f32)>,
}

impl Places {
    /// The places in a row `width` wide with `chips` chips, a note mark
    /// `note_w` wide and a speaker's name `name_w` wide.
    fn of(width: f32, chips: usize, note_w: Option<f32>, name_w: Option<f32>) -> Self {
        let label_x = label_x(chips);
        let mut right = width - ROW_MARGIN;
        let note_x = note_w.map(|w| {
            right -= w;
            let at = right;
            right -= 6.0;
            at
        });
        let name = name_w.map(|w| {
            let w = w.min(90.0);
            right -= w;
            let at = (right, w);
            right -= 8.0;
            at
        });
        Self {
            label_x,
            label_w: (right - label_x).max(10.0),
            note_x,
            name,
        }
    }
}

/// The formatted row of `a` (formatted now if it is not), stamped as drawn
/// in `frame`. The id is cloned only for a row new to the map.
fn formatted_row<'a>(
    formatted: &'a mut ahash::HashMap<AnnotationId, Row>,
    p: &Project,
    a: &Annotation,
    frame: u64,
) -> &'a mut Row {
    if !formatted.contains_key(&a.id) {
        formatted.insert(a.id.clone(), Row::of(p, a));
    }
    let row = formatted
        .get_mut(&a.id)
        .expect("a row was just inserted for this id");
    row.used = frame;
    row
}

/// The scroll offset that shows row `k` a third of the way down a list
/// `view_h` high, rows `step` apart.
fn scroll_for(k: usize, step: f32, view_h: f32) -> f32 {
    (k as f32 * step - view_h / 3.0).max(0.0)
}

/// Formatted rows kept (a row's label galley is some 15 KB): past it the
/// rows drawn longest ago go, [`TRIM_STEP`] at a time in frames that
/// format no new row.
pub const MAX_ROWS: usize = 600;

/// Rows dropped at most in one frame while more than [`MAX_ROWS`] are kept:
/// dropping a row frees its galley (about a microsecond), and 300 at once
/// made a 0.3 ms frame.
pub const TRIM_STEP: usize = 32;

/// Rows kept at most even while every frame formats new ones (the list
/// scrolled without a pause): past it a frame drops down to [`MAX_ROWS`].
pub const HARD_MAX_ROWS: usize = 2 * MAX_ROWS;

impl AnnotationList {
    /// Scrolls the list to this annotation on the next frame.
    pub fn scroll_to(&mut self, id: &AnnotationId) {
        self.scroll_to = Some(id.clone());
    }

    /// Announces that the edit which made project revision `revision`
    /// added, removed or changed exactly the annotation `id`: its row alone
    /// is formatted again. Unannounced revisions format every row again.
    pub fn annotation_changed(&mut self, id: AnnotationId, revision: u64) {
        if self.announced.len() >= 64 {
            self.announced.clear();
        }
        self.announced.push((revision, id));
    }

    /// Moves keyboard focus to the filter box on the next frame.
    pub fn focus_filter(&mut self) {
        self.focus_filter = true;
    }

    fn refresh(&mut self, view: &ViewCtx<'_>) {
        let key = Key {
            revision: view.revision,
            doc: view.doc.cloned(),
        };
        let p = view.project;
        if self.rows_key.as_ref() != Some(&key) {
            // Annotations are sorted by document first, so one document's
            // are a contiguous run: two binary searches, no scan.
            self.rows = match view.doc.and_then(|d| p.document_index(d)) {
                Some(d) => {
                    let doc_pos = |a: &Annotation| p.document_index(&a.doc).unwrap_or(usize::MAX);
                    let lo = p.annotations.partition_point(|a| doc_pos(a) < d);
                    let hi = p.annotations.partition_point(|a| doc_pos(a) <= d);
                    lo..hi
                }
                None => 0..0,
            };
            // One announced annotation changed since the rows were made:
            // only its row is stale (tag names, colours and speakers of the
            // others did not change). Anything else: format again.
            let step = self
                .rows_key
                .as_ref()
                .filter(|old| old.doc == key.doc && old.revision + 1 == key.revision)
                .and_then(|_| self.announced.iter().find(|(r, _)| *r == key.revision));
            match step {
                Some((_, id)) => {
                    self.formatted.remove(id);
                    let rows = self.rows.clone();
                    let now_at = p
                        .annotation_index(id)
                        .filter(|i| rows.contains(i))
                        .map(|i| i - rows.start);
                    self.search.moved(id, now_at, rows.len());
                }
                None => {
                    self.formatted.clear();
                    self.search.clear();
                }
            }
            self.announced.retain(|(r, _)| *r > key.revision);
            self.rows_key = Some(key.clone());
        }
        let vkey = (key, self.filter.clone(), self.tag_filter.clone());
        if self.visible_key.as_ref() != Some(&vkey)
            && self.filter.trim().is_empty()
            && self.tag_filter.is_none()
        {
            self.visible = None;
            self.visible_key = Some(vkey);
        } else if self.visible_key.as_ref() != Some(&vkey) {
            let needle = self.filter.trim().to_lowercase();
            let tags = self
                .tag_filter
                .as_ref()
                .map(|t| p.codebook.with_descendants(t));
            // Typing on: the same rows and tags, and the new text holds the
            // old one, so only the rows shown now can match it.
            let narrowed = match (&self.visible_key, self.visible.take()) {
                (Some((k, old, t)), Some(shown))
                    if *k == vkey.0
                        && *t == self.tag_filter
                        && needle.contains(&old.trim().to_lowercase()) =>
                {
                    Some(shown)
                }
                _ => None,
            };
            let candidates = narrowed.unwrap_or_else(|| (0..self.rows.len()).collect());
            let (rows, search) = (self.rows.clone(), &mut self.search);
            self.visible = Some(
                candidates
                    .into_iter()
                    .filter(|&k| {
                        let Some(a) = p.annotations.get(rows.start + k) else {
                            return false;
                        };
                        let text_ok = needle.is_empty()
                            || search.matches(&a.id, k, rows.len(), &needle, || search_text(p, a));
                        text_ok
                            && tags
                                .as_ref()
                                .is_none_or(|ts| a.tags.iter().any(|t| ts.contains(t)))
                    })
                    .collect(),
            );
            self.visible_key = Some(vkey);
        }
    }

    /// Rows that pass the filters.
    fn shown_len(&self) -> usize {
        self.visible.as_ref().map_or(self.rows.len(), Vec::len)
    }

    /// Position in `Project::annotations` of the `k`-th row shown.
    fn annotation_at(&self, k: usize) -> Option<usize> {
        let r = match &self.visible {
            Some(v) => *v.get(k)?,
            None => k,
        };
        (r < self.rows.len()).then(|| self.rows.start + r)
    }

    /// Which row shown holds the annotation at position `i`.
    fn row_of(&self, i: usize) -> Option<usize> {
        if !self.rows.contains(&i) {
            return None;
        }
        let r = i - self.rows.start;
        match &self.visible {
            Some(v) => v.binary_search(&r).ok(),
            None => Some(r),
        }
    }

    /// Draws the list.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &ViewCtx<'_>, actions: &mut Vec<Action>) {
        self.refresh(view);
        ui.horizontal(|ui| {
            ui.heading("Annotations");
            ui.label(
                egui::RichText::new(if self.shown_len() == self.rows.len() {
                    format!("{}", self.rows.len())
                } else {
                    format!("{} of {}", self.shown_len(), self.rows.len())
                })
                .weak(),
            );
        });
        ui.horizontal(|ui| {
            let l = ui.label("Filter");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter)
                        .hint_text("Filter by text, note, speaker")
                        .desired_width(ui.available_width() - 110.0),
                )
                .labelled_by(l.id)
                .on_hover_text("Filter annotations (Ctrl+F)");
            if self.focus_filter {
                r.request_focus();
                self.focus_filter = false;
            }
            let p = view.project;
            let name = self
                .tag_filter
                .as_ref()
                .and_then(|t| p.codebook.get(t))
                .map(|t| t.name.clone())
                .unwrap_or_else(|| "All tags".into());
            egui::ComboBox::from_id_salt("list_tag_filter")
                .selected_text(name)
                .width(100.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.tag_filter, None, "All tags");
                    for (t, d) in p.codebook.tree_order() {
                        ui.selectable_value(
                            &mut self.tag_filter,
                            Some(t.id.clone()),
                            format!("{}{}", "  ".repeat(d), t.name),
                        );
                    }
                })
                .response
                .on_hover_text("Show only annotations with this tag (or a sub-tag)");
        });
        ui.separator();
        if self.rows.is_empty() {
            ui.add_space(12.0);
            ui.label(
                egui::RichText::new(
                    "No annotations yet.\nSelect text, then press 1–9 or click a tag.",
                )
                .weak(),
            );
            return;
        }
        if self.shown_len() == 0 {
            ui.label(egui::RichText::new("Nothing matches the filter").weak());
            return;
        }

        let spacing = ui.spacing().item_spacing.y;
        let mut area = egui::ScrollArea::vertical()
            .id_salt("annotation_list")
            .auto_shrink([false, false]);
        let p = view.project;
        let view_h = ui.available_height();
        // `rows` holds ascending annotation indices and `visible` ascending
        // positions in `rows`: the row of an annotation is two binary
        // searches away.
        if let Some(id) = self.scroll_to.take()
            && let Some(i) = p.annotation_index(&id)
            && let Some(k) = self.row_of(i)
            && !(self.shown.start < k && k + 1 < self.shown.end)
        {
            area = area.vertical_scroll_offset(scroll_for(k, ROW_HEIGHT + spacing, view_h));
        }
        let font = egui::TextStyle::Body.resolve(ui.style());
        let small = egui::TextStyle::Small.resolve(ui.style());
        let words_for = Some((
            font.clone(),
            small.clone(),
            ui.ctx().pixels_per_point().to_bits(),
        ));
        if self.words_for != words_for {
            self.words.clear();
            self.drop_layouts();
            self.words_for = words_for;
        }
        // Taken out for the rows closure (which borrows the rest of `self`).
        let mut words = std::mem::take(&mut self.words);
        let shown_len = self.shown_len();
        // An explicit line height keeps every glyph of a label on the same
        // line box, emoji too (see `compose::cut_line`).
        let mut format = egui::TextFormat::simple(font, egui::Color32::PLACEHOLDER);
        format.line_height = Some(ui.text_style_height(&egui::TextStyle::Body));
        // Labels composed before egui emptied its glyph atlas point into
        // the old one; the document's characters are rasterized ahead.
        if words.sync_atlas(ui.ctx()) {
            self.drop_layouts();
        }
        if self.marks.note.is_none() {
            let body = format.font_id.clone();
            self.marks.note = Some(
                ui.fonts_mut(|f| f.layout_no_wrap("¶".into(), body, egui::Color32::PLACEHOLDER)),
            );
        }
        if let Some(doc) = view.doc.and_then(|d| p.document(d)) {
            words.warm(ui, &atlas::doc_chars(ui.ctx(), doc), &format);
            let doc_words = vocabulary::doc_words(ui.ctx(), doc);
            words.warm_words(ui, &doc_words, &format);
            words.warm_pairs(ui, &vocabulary::doc_pairs(ui.ctx(), doc), &format);
            words.warm_rare_words(ui, &doc_words, &format);
        }
        self.frame += 1;
        let frame = self.frame;
        let mut made_rows = false;
        let mut row_w = None;
        area.show_rows(ui, ROW_HEIGHT, shown_len, |ui, range| {
            self.shown = range.clone();
            row_w = Some(ui.available_width());
            let shown: Vec<&Annotation> = range
                .filter_map(|k| p.annotations.get(self.annotation_at(k)?))
                .map(|a| &**a)
                .collect();
            // Rows new to the list are formatted first, and the words of
            // their labels laid out together (one egui job, not one a row).
            let mut new_labels: Vec<usize> = Vec::new();
            for (k, a) in shown.iter().enumerate() {
                let row = formatted_row(&mut self.formatted, p, a, frame);
                if row.galley.is_some() {
                    continue;
                }
                // A label to make: its speaker's name too, if not laid out
                // yet (names and labels are dropped together).
                new_labels.push(k);
                let name = row.speaker.and_then(|i| p.speakers.get(i)).map(shown_name);
                if let Some(name) = name.filter(|n| !n.is_empty()) {
                    self.marks.name(ui, name);
                }
            }
            let mut prepared: Vec<Option<Prepared>> = Vec::new();
            made_rows = !new_labels.is_empty();
            if !new_labels.is_empty() {
                // One text per new row, in order (empty if a row were gone):
                // as much of its label as the widest label a row has room
                // for (no chips, no speaker) could show.
                let widest = ui.available_width() - label_inset();
                let labels: Vec<&str> = new_labels
                    .iter()
                    .map(|&k| {
                        shown
                            .get(k)
                            .and_then(|a| self.formatted.get(&a.id))
                            .map_or("", |r| words.fitting_prefix(&r.label, widest))
                    })
                    .collect();
                let mut lines = words.prepare_lines(ui, &labels, &format).into_iter();
                prepared.resize_with(shown.len(), || None);
                for &k in &new_labels {
                    prepared[k] = lines.next().flatten();
                }
            }
            for (k, a) in shown.into_iter().enumerate() {
                let Some(row) = self.formatted.get_mut(&a.id) else {
                    continue;
                };
                let selected = view.selected == Some(&a.id);
                let line = prepared.get(k).and_then(Option::as_ref);
                let name = row
                    .speaker
                    .and_then(|i| p.speakers.get(i))
                    .and_then(|s| self.marks.names.get(shown_name(s)));
                let marks = (self.marks.note.as_ref(), name);
                let response = row_ui(ui, row, selected, &mut words, &format, line, marks);
                let response = response.on_hover_ui(|ui| {
                    ui.label(tooltip(p, a));
                });
                if response.clicked() {
                    actions.push(Action::Reveal(a.id.clone()));
                }
            }
        });
        self.words = words;
        // Not while a drag is still making the selection: it moves every
        // frame, and only where it ends counts.
        if let (Some(sel), Some(row_w)) = (view.text_selection, row_w)
            && self.near.as_ref() != Some(sel)
            && !ui.input(|i| i.pointer.any_down())
        {
            self.near = Some(sel.clone());
            let geometry = (row_w, ROW_HEIGHT + spacing, view_h);
            made_rows |= self.prepare_near(ui, p, sel.start, &format, geometry);
        }
        self.trim_rows(made_rows || ui.input(super::text_view::answers_input));
    }

    /// Makes ahead the rows a new annotation starting at char `start`
    /// would show when the list scrolls to it (a selection is often tagged
    /// next: the frame of the key then finds its neighbours' rows made),
    /// their labels as the list makes them. `geometry`: the width of a
    /// row, the step from one row to the next and the height of the rows'
    /// area. Nothing while a filter is on, or if the place is on screen.
    /// Returns whether it made any.
    fn prepare_near(
        &mut self,
        ui: &egui::Ui,
        p: &Project,
        start: usize,
        format: &egui::TextFormat,
        (row_w, step, view_h): (f32, f32, f32),
    ) -> bool {
        if self.visible.is_some() {
            return false;
        }
        let doc = self.rows.clone();
        let k = p
            .annotations
            .get(doc.clone())
            .unwrap_or_default()
            .partition_point(|a| a.start < start);
        if self.shown.start < k && k + 1 < self.shown.end {
            return false;
        }
        let y = scroll_for(k, step, view_h);
        // What `show_rows` draws at that offset (it adds a row below).
        let first = (y / step).floor() as usize;
        let last = (((y + view_h) / step).ceil() as usize + 1).min(doc.len());
        let note_w = self.marks.note.as_ref().map(|g| g.size().x);
        let mut todo: Vec<(&AnnotationId, f32)> = Vec::new();
        for a in p
            .annotations
            .get(doc.start + first..doc.start + last)
            .unwrap_or_default()
        {
            // Kept as if drawn now (rows drawn longest ago go first).
            let row = formatted_row(&mut self.formatted, p, a, self.frame);
            if row.galley.is_some() {
                continue;
            }
            let name = row.speaker.and_then(|i| p.speakers.get(i)).map(shown_name);
            let name_w = name
                .filter(|n| !n.is_empty())
                .map(|n| self.marks.name(ui, n).size().x);
            let note_w = note_w.filter(|_| row.has_note);
            let places = Places::of(row_w, row.chips.into(), note_w, name_w);
            todo.push((&a.id, places.label_w));
        }
        if todo.is_empty() {
            return false;
        }
        let widest = row_w - label_inset();
        let lines = {
            // One text a row, in order, as `ui` prepares them.
            let labels: Vec<&str> = todo
                .iter()
                .map(|(id, _)| {
                    self.formatted
                        .get(*id)
                        .map_or("", |r| self.words.fitting_prefix(&r.label, widest))
                })
                .collect();
            self.words.prepare_lines(ui, &labels, format)
        };
        for ((id, w), line) in todo.into_iter().zip(lines) {
            let Some(row) = self.formatted.get_mut(id) else {
                continue;
            };
            if let Some(g) = line.and_then(|line| self.words.compose_line(ui, &row.label, &line, w))
            {
                row.galley = Some((w, g));
                self.labels_ahead += 1;
            }
        }
        true
    }

    /// Drops every laid-out label and name (the fonts changed, or egui
    /// emptied its glyph atlas).
    fn drop_layouts(&mut self) {
        for row in self.formatted.values_mut() {
            row.galley = None;
        }
        self.marks = Marks::default();
    }

    /// Drops the rows drawn longest ago while more than [`MAX_ROWS`] are
    /// kept, so scrolling through 50,000 annotations does not keep 50,000
    /// laid-out labels. A frame that formatted new rows (`busy`: a jump, a
    /// scroll) leaves them unless [`HARD_MAX_ROWS`] are kept; another drops
    /// [`TRIM_STEP`] at most. O(rows kept) when it drops any.
    fn trim_rows(&mut self, busy: bool) {
        let len = self.formatted.len();
        let drop = match busy {
            true if len > HARD_MAX_ROWS => len - MAX_ROWS,
            false if len > MAX_ROWS => (len - MAX_ROWS).min(TRIM_STEP),
            _ => return,
        };
        let mut stamps: Vec<u64> = self.formatted.values().map(|r| r.used).collect();
        let (older, &mut first_kept, _) = stamps.select_nth_unstable(drop);
        // Rows drawn in the same frame share a stamp: of those with the
        // stamp of the first row kept, as many go as make `drop`.
        let mut ties = drop - older.iter().filter(|&&s| s < first_kept).count();
        self.formatted.retain(|_, r| {
            if r.used == first_kept && ties > 0 {
                ties -= 1;
                return false;
            }
            r.used >= first_kept
        });
    }
}

fn row_ui(
    ui: &mut egui::Ui,
    row: &mut Row,
    selected: bool,
    words: &mut WordCache,
    format: &egui::TextFormat,
    line: Option<&Prepared>,
    (note, name): (Option<&Arc<egui::Galley>>, Option<&Arc<egui::Galley>>),
) -> egui::Response {
    let width = ui.available_width();
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(width, ROW_HEIGHT), egui::Sense::click());
    response.widget_info(|| {
        egui::WidgetInfo::selected(egui::Role::ListBoxOption, true, selected, &row.label)
    });
    // Places from the row's width alone, as labels made ahead have them
    // (see `AnnotationList::prepare_near`).
    let chips = usize::from(row.chips);
    let note = note.filter(|_| row.has_note);
    let places = Places::of(
        width,
        chips,
        note.map(|g| g.size().x),
        name.map(|g| g.size().x),
    );
    let max_width = places.label_w;
    // The label is laid out even for a row just outside the view (the one
    // `show_rows` adds below the last visible row): left unmade, it would be
    // prepared again every frame.
    let g = match &row.galley {
        Some((w, g)) if *w == max_width => g.clone(),
        _ => {
            // A prepared line is refused if an earlier row's layout
            // emptied the cache: then it is prepared again.
            let composed = line
                .and_then(|line| words.compose_line(ui, &row.label, line, max_width))
                .or_else(|| words.layout_line(ui, &row.label, format, max_width));
            let g = match composed {
                Some(g) => g,
                None => {
                    let mut job = egui::text::LayoutJob::simple_singleline(
                        row.label.clone(),
                        format.font_id.clone(),
                        egui::Color32::PLACEHOLDER,
                    );
                    job.wrap = egui::text::TextWrapping::truncate_at_width(max_width);
                    ui.fonts_mut(|f| f.layout_job(job))
                }
            };
            row.galley = Some((max_width, g.clone()));
            g
        }
    };
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let visuals = ui.visuals();
    let painter = ui.painter_at(rect);
    if selected {
        painter.rect_filled(rect, 3.0, visuals.selection.bg_fill);
    } else if response.hovered() {
        painter.rect_filled(rect, 3.0, visuals.widgets.hovered.weak_bg_fill);
    }
    for (i, c) in row.colors[..chips].iter().enumerate() {
        let chip = egui::Rect::from_min_size(
            egui::pos2(
                rect.left() + ROW_MARGIN + CHIP_STEP * i as f32,
                rect.top() + 5.0,
            ),
            egui::vec2(6.0, ROW_HEIGHT - 10.0),
        );
        painter.rect_filled(chip, 2.0, *c);
    }
    let text_color = if selected {
        visuals.selection.stroke.color
    } else {
        visuals.text_color()
    };
    let weak = visuals.weak_text_color();
    if let (Some(g), Some(at)) = (note, places.note_x) {
        painter.galley(
            egui::pos2(rect.left() + at, rect.center().y - g.size().y / 2.0),
            g.clone(),
            weak,
        );
    }
    if let (Some(g), Some((at, w))) = (name, places.name) {
        let at = rect.left() + at;
        painter
            .with_clip_rect(egui::Rect::from_min_max(
                egui::pos2(at, rect.top()),
                egui::pos2(at + w, rect.bottom()),
            ))
            .galley(
                egui::pos2(at, rect.center().y - g.size().y / 2.0),
                g.clone(),
                weak,
            );
    }
    painter.galley(
        egui::pos2(
            rect.left() + places.label_x,
            rect.center().y - g.size().y / 2.0,
        ),
        g,
        text_color,
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_is_unicode_white_space() {
        for c in (0..=0x10_ffff).filter_map(char::from_u32) {
            assert_eq!(white_space(c), c.is_whitespace(), "{:x}", c as u32);
        }
    }

    /// The label as it was made a char at a time (the reference).
    fn label_char_by_char(quote: &str) -> String {
        let mut out = String::from('“');
        let mut n = 0;
        let mut space = false;
        for c in quote.chars() {
            if c.is_whitespace() {
                space = true;
                continue;
            }
            if space && n > 0 {
                out.push(' ');
                n += 1;
            }
            space = false;
            if n >= SNIPPET_CHARS {
                end_cut(&mut out);
                break;
            }
            out.push(c);
            n += 1;
        }
        out.push('”');
        out
    }

    #[test]
    fn row_labels_are_the_labels_made_char_by_char() {
        let seed = include_str!("../../assets/articles/tufts-now-russia-ukraine-interview.txt");
        let mut quotes: Vec<String> = seed.lines().map(str::to_owned).collect();
        // Every start and length around the limit, words ending on it.
        let words = "alpha beta\u{a0}gamma — дельта\n\n  epsilon\tzeta ";
        for k in 0..40 {
            quotes.push(words.repeat(k / 4 + 1)[k % 7..].to_owned());
            quotes.push(format!("{}{}", "x".repeat(70 + k % 15), " tail words here"));
            quotes.push(format!("{} {}", "y".repeat(79), "z".repeat(k)));
        }
        quotes.push(String::new());
        quotes.push("   ".into());
        for q in &quotes {
            assert_eq!(row_label(q), label_char_by_char(q), "{q:?}");
        }
    }

    #[test]
    fn row_labels_collapse_space_and_truncate_by_chars() {
        assert_eq!(row_label("  Putin\n is  here "), "“Putin is here”");
        let long: String = "я".repeat(200);
        let l = row_label(&long);
        assert_eq!(l.chars().count(), SNIPPET_CHARS + 3);
        assert!(l.ends_with("…”"));
        // A long sentence is cut after a whole word.
        let quote = "Putin is invading to show he personally is strong, to amp up pressure on the West to accept the old Soviet formula";
        let l = row_label(quote);
        let kept = l.trim_start_matches('“').trim_end_matches("…”");
        assert!(quote.starts_with(kept), "{l}");
        assert!(quote[kept.len()..].starts_with(' '), "{l}");
        assert!(kept.chars().count() <= SNIPPET_CHARS, "{l}");
        assert!(kept.chars().count() > SNIPPET_CHARS / 2, "{l}");
    }

    /// Draws `list` for the sample project's first document in one frame
    /// of `ctx`, running `also` after it.
    fn frame(
        ctx: &egui::Context,
        list: &mut AnnotationList,
        p: &Project,
        also: impl FnMut(&mut egui::Ui),
    ) {
        frame_selecting(ctx, list, p, None, also);
    }

    /// [`frame`] with `selection` selected in the article.
    fn frame_selecting(
        ctx: &egui::Context,
        list: &mut AnnotationList,
        p: &Project,
        selection: Option<&std::ops::Range<usize>>,
        also: impl FnMut(&mut egui::Ui),
    ) {
        frame_with(ctx, list, p, selection, Vec::new(), also);
    }

    /// [`frame_selecting`] with input `events`.
    fn frame_with(
        ctx: &egui::Context,
        list: &mut AnnotationList,
        p: &Project,
        selection: Option<&std::ops::Range<usize>>,
        events: Vec<egui::Event>,
        mut also: impl FnMut(&mut egui::Ui),
    ) {
        let mut counts = super::super::actions::Counts::default();
        counts.refresh(p, 0);
        let raw = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(500.0, 700.0),
            )),
            events,
            ..Default::default()
        };
        let mut out = ctx.run_ui(raw, |ui| {
            let view = ViewCtx {
                project: p,
                revision: 0,
                doc: p.documents.first().map(|d| &d.id),
                selected: None,
                text_selection: selection,
                counts: &counts,
                links: &Default::default(),
            };
            list.ui(ui, &view, &mut Vec::new());
            also(ui);
        });
        out.textures_delta.clear();
    }

    /// The label and speaker-name galleys of the rows drawn last frame,
    /// by annotation.
    fn drawn_galleys(list: &AnnotationList, p: &Project) -> Vec<(AnnotationId, Arc<egui::Galley>)> {
        let mut out: Vec<(AnnotationId, Arc<egui::Galley>)> = list
            .formatted
            .iter()
            .filter(|(_, r)| r.used == list.frame)
            .flat_map(|(id, r)| {
                let label = r.galley.as_ref().map(|g| g.1.clone());
                let name = r
                    .speaker
                    .and_then(|i| p.speakers.get(i))
                    .and_then(|s| list.marks.names.get(shown_name(s)).cloned());
                [label, name].into_iter().flatten().map(|g| (id.clone(), g))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.size().x.total_cmp(&b.1.size().x)));
        out
    }

    /// The label galleys of the rows drawn last frame, by annotation.
    fn drawn_labels(list: &AnnotationList) -> Vec<(AnnotationId, Arc<egui::Galley>)> {
        let mut out: Vec<_> = list
            .formatted
            .iter()
            .filter(|(_, r)| r.used == list.frame)
            .filter_map(|(id, r)| Some((id.clone(), r.galley.as_ref()?.1.clone())))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The rows the filters show, computed from scratch.
    fn filtered(list: &AnnotationList, p: &Project) -> Vec<usize> {
        let needle = list.filter.trim().to_lowercase();
        (0..list.rows.len())
            .filter(|&k| {
                let a = &p.annotations[list.rows.start + k];
                format!("{} {} {}", a.quote, a.note, speaker_name(p, a))
                    .to_lowercase()
                    .contains(&needle)
            })
            .collect()
    }

    #[test]
    fn typing_in_the_filter_box_shows_what_a_fresh_search_does() {
        use crate::bench::generate::{GenConfig, generate};
        let mut p = generate(&GenConfig {
            seed: 9,
            doc_bytes: 200_000,
            annotations: 2_000,
            vocabulary: Default::default(),
        });
        let (counts, links) = (Default::default(), Default::default());
        let doc = p.documents[0].id.clone();
        let mut list = AnnotationList::default();
        let refresh = |list: &mut AnnotationList, p: &Project, revision: u64| {
            let view = ViewCtx {
                project: p,
                revision,
                doc: Some(&doc),
                selected: None,
                text_selection: None,
                counts: &counts,
                links: &links,
            };
            list.refresh(&view);
        };
        // Typing on narrows; deleting a char and typing another widens.
        for text in ["t", "th", "the", "the ", "the", "tha", "", "Э", "эк"] {
            list.filter = text.into();
            refresh(&mut list, &p, 0);
            let shown = list
                .visible
                .clone()
                .unwrap_or_else(|| (0..list.rows.len()).collect());
            assert_eq!(shown, filtered(&list, &p), "{text:?}");
            assert!(text.is_empty() || shown.len() < list.rows.len(), "{text:?}");
        }
        assert!(!list.search.is_empty(), "texts kept between keys");
        // An edit of one annotation (announced): its new note is found.
        let i = list.rows.start + 500;
        let id = p.annotations[i].id.clone();
        p.annotations[i].note = "Zebra crossing".into();
        list.annotation_changed(id.clone(), 1);
        list.filter = "zebra".into();
        refresh(&mut list, &p, 1);
        assert_eq!(list.visible.as_deref(), Some(&[500][..]));
        assert_eq!(
            list.visible.clone().unwrap_or_default(),
            filtered(&list, &p)
        );
        assert!(!list.search.is_empty(), "one edit keeps the other texts");
        // A new annotation (announced) is found where it lands.
        let text = p.documents[0].text.clone();
        let stamp = crate::model::Timestamp("2026-11-28T00:00:00Z".into());
        let mut a = Annotation::new(doc.clone(), &text, 100..110, vec![], "t", stamp)
            .expect("an annotation");
        a.note = "Yak herding".into();
        let new_id = a.id.clone();
        crate::model::Edit::AddAnnotation(a)
            .apply(&mut p)
            .expect("added");
        list.annotation_changed(new_id.clone(), 2);
        list.filter = "yak".into();
        refresh(&mut list, &p, 2);
        let shown = list.visible.clone().unwrap_or_default();
        assert_eq!(shown, filtered(&list, &p));
        assert_eq!(shown.len(), 1);
        assert_eq!(p.annotations[list.rows.start + shown[0]].id, new_id);
        assert!(!list.search.is_empty());
        // Removed again (announced): gone, and the rows after it still
        // match by their own texts.
        crate::model::Edit::RemoveAnnotation(new_id.clone())
            .apply(&mut p)
            .expect("removed");
        list.annotation_changed(new_id, 3);
        refresh(&mut list, &p, 3);
        assert_eq!(list.visible.as_deref(), Some(&[][..]));
        list.filter = "zebra".into();
        refresh(&mut list, &p, 3);
        assert_eq!(list.visible.as_deref(), Some(&[500][..]));
        for text in ["a", "o", "и"] {
            list.filter = text.into();
            refresh(&mut list, &p, 3);
            assert_eq!(
                list.visible.clone().unwrap_or_default(),
                filtered(&list, &p)
            );
        }
        // Any other change (a speaker renamed) forgets every text.
        let s = p.annotations[list.rows.start]
            .speaker
            .clone()
            .expect("a speaker");
        if let Some(sp) = p.speakers.iter_mut().find(|x| x.id == s) {
            sp.name = "Quokka".into();
            sp.aliases.clear();
        }
        list.filter = "quokka".into();
        refresh(&mut list, &p, 4);
        let shown = list.visible.clone().unwrap_or_default();
        assert!(shown.contains(&0));
        assert_eq!(shown, filtered(&list, &p));
    }

    #[test]
    fn a_selection_makes_ahead_the_rows_a_tag_of_it_would_show() {
        use crate::bench::generate::{GenConfig, generate};
        let p = generate(&GenConfig {
            seed: 5,
            doc_bytes: 300_000,
            annotations: 3_000,
            vocabulary: Default::default(),
        });
        let ctx = egui::Context::default();
        let mut list = AnnotationList::default();
        frame(&ctx, &mut list, &p, |_| {});
        frame(&ctx, &mut list, &p, |_| {});
        let at_top = drawn_labels(&list);
        // Text selected far down the article: while the drag that selects
        // it goes on (the button down), nothing; once it ends, the rows
        // about where an annotation of it would go are made, labels and all.
        let a = &p.annotations[2_000];
        let sel = a.start..a.start + 5;
        let button = |pressed| egui::Event::PointerButton {
            pos: egui::pos2(600.0, 300.0),
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        };
        frame_with(&ctx, &mut list, &p, Some(&sel), vec![button(true)], |_| {});
        assert_eq!(list.labels_ahead, 0, "not during the drag");
        frame_with(&ctx, &mut list, &p, Some(&sel), vec![button(false)], |_| {});
        assert!(list.labels_ahead >= 8, "{} made ahead", list.labels_ahead);
        let ahead: Vec<_> = drawn_labels(&list)
            .into_iter()
            .filter(|(id, _)| !at_top.iter().any(|(t, _)| t == id))
            .collect();
        assert_eq!(ahead.len(), list.labels_ahead as usize);
        let made = list.labels_ahead;
        // The same selection again makes nothing more.
        frame_selecting(&ctx, &mut list, &p, Some(&sel), |_| {});
        assert_eq!(list.labels_ahead, made);

        // Scrolled there (what tagging the selection does), the list draws
        // the labels made ahead, and they are what a list that never saw
        // the selection draws.
        list.scroll_to(&a.id);
        frame(&ctx, &mut list, &p, |_| {});
        let drawn = drawn_labels(&list);
        let mut fresh = AnnotationList::default();
        frame(&ctx, &mut fresh, &p, |_| {});
        fresh.scroll_to(&a.id);
        frame(&ctx, &mut fresh, &p, |_| {});
        let want = drawn_labels(&fresh);
        assert_eq!(drawn.len(), want.len());
        for ((id, g), (want_id, w)) in drawn.iter().zip(&want) {
            assert_eq!(id, want_id);
            assert_eq!(g.text(), w.text());
            assert_eq!(g.size(), w.size(), "{id}");
        }
        let reused = drawn
            .iter()
            .filter(|(id, g)| ahead.iter().any(|(i, old)| i == id && Arc::ptr_eq(g, old)))
            .count();
        assert!(
            reused + 2 >= drawn.len() && reused >= 8,
            "{reused} of {} rows drawn were made ahead",
            drawn.len()
        );
    }

    /// Whether every galley of `after` is a new one (none kept from
    /// `before`), for the same rows.
    fn all_new(
        before: &[(AnnotationId, Arc<egui::Galley>)],
        after: &[(AnnotationId, Arc<egui::Galley>)],
    ) -> bool {
        before.len() == after.len()
            && after
                .iter()
                .all(|(_, g)| !before.iter().any(|(_, old)| Arc::ptr_eq(old, g)))
    }

    /// The sample's list after two frames, and its galleys then (labels
    /// and speaker names both).
    #[allow(clippy::type_complexity)]
    fn sample_list() -> (
        Project,
        egui::Context,
        AnnotationList,
        Vec<(AnnotationId, Arc<egui::Galley>)>,
    ) {
        let p = crate::io::sample::sample_project();
        let ctx = egui::Context::default();
        let mut list = AnnotationList::default();
        frame(&ctx, &mut list, &p, |_| {});
        frame(&ctx, &mut list, &p, |_| {});
        let before = drawn_galleys(&list, &p);
        assert!(before.iter().any(|(_, g)| g.text().starts_with('“')));
        assert!(
            before.iter().any(|(_, g)| !g.text().starts_with('“')),
            "speaker names"
        );
        (p, ctx, list, before)
    }

    #[test]
    fn labels_and_names_are_laid_out_again_in_new_text_sizes() {
        let (p, ctx, mut list, before) = sample_list();
        let size = |g: &egui::Galley| g.job.sections.first().map(|s| s.format.font_id.size);
        ctx.global_style_mut(|s| {
            for style in [egui::TextStyle::Body, egui::TextStyle::Small] {
                if let Some(f) = s.text_styles.get_mut(&style) {
                    f.size += 3.0;
                }
            }
        });
        frame(&ctx, &mut list, &p, |_| {});
        frame(&ctx, &mut list, &p, |_| {});
        let after = drawn_galleys(&list, &p);
        assert!(all_new(&before, &after));
        for ((_, old), (_, new)) in before.iter().zip(&after) {
            assert_eq!(size(new), size(old).map(|s| s + 3.0), "{}", new.text());
        }
    }

    #[test]
    fn labels_are_laid_out_again_when_egui_empties_its_glyph_atlas() {
        let (p, ctx, mut list, before) = sample_list();
        // A steady frame keeps every label.
        frame(&ctx, &mut list, &p, |_| {});
        let same = drawn_galleys(&list, &p);
        assert_eq!(same.len(), before.len());
        assert!(
            same.iter()
                .zip(&before)
                .all(|(a, b)| Arc::ptr_eq(&a.1, &b.1))
        );
        // Fill the atlas past egui's limit; the next pass empties it.
        frame(&ctx, &mut list, &p, |ui| atlas::overfill_atlas(ui));
        frame(&ctx, &mut list, &p, |_| {});
        let after = drawn_galleys(&list, &p);
        assert!(all_new(&before, &after));
    }

    #[test]
    fn a_steady_list_prepares_no_label_again() {
        let (p, ctx, mut list, _) = sample_list();
        let shown = list.shown.clone();
        assert!(
            shown.len() < list.shown_len(),
            "the sample must overflow the list: {shown:?}"
        );
        // Every row `show_rows` handed out has its label, the one just
        // below the view too.
        let drawn: Vec<&Row> = list
            .formatted
            .values()
            .filter(|r| r.used == list.frame)
            .collect();
        assert_eq!(drawn.len(), shown.len());
        assert!(drawn.iter().all(|r| r.galley.is_some()));
        let lookups = list.words.lookups;
        frame(&ctx, &mut list, &p, |_| {});
        frame(&ctx, &mut list, &p, |_| {});
        assert_eq!(list.shown, shown);
        assert_eq!(list.words.lookups, lookups, "labels were prepared again");
    }

    /// A list holding `n` formatted rows `a0`, `a1`, …, row `k` drawn in
    /// frame `stamp(k)`.
    fn list_of_rows(n: usize, stamp: impl Fn(usize) -> u64) -> AnnotationList {
        let p = crate::io::sample::sample_project();
        let a = &p.annotations[0];
        let mut list = AnnotationList::default();
        for k in 0..n {
            let mut row = Row::of(&p, a);
            row.used = stamp(k);
            list.formatted
                .insert(AnnotationId::new(format!("a{k}")), row);
        }
        list
    }

    #[test]
    fn rows_drawn_longest_ago_go_a_few_at_a_time_in_quiet_frames() {
        let has = |list: &AnnotationList, k: usize| {
            list.formatted
                .contains_key(&AnnotationId::new(format!("a{k}")))
        };
        // Row 0 drawn last; 40 rows over the limit.
        let n = MAX_ROWS + 40;
        let mut list = list_of_rows(n, |k| (n - k) as u64);
        // A frame that formatted new rows leaves them all.
        list.trim_rows(true);
        assert_eq!(list.formatted.len(), n);
        // Quiet frames drop the oldest, TRIM_STEP at a time.
        list.trim_rows(false);
        assert_eq!(list.formatted.len(), n - TRIM_STEP);
        assert!(has(&list, 0) && has(&list, n - TRIM_STEP - 1));
        assert!(!has(&list, n - TRIM_STEP) && !has(&list, n - 1));
        list.trim_rows(false);
        assert_eq!(list.formatted.len(), MAX_ROWS);
        assert!(has(&list, MAX_ROWS - 1) && !has(&list, MAX_ROWS));
        list.trim_rows(false);
        assert_eq!(list.formatted.len(), MAX_ROWS);

        // Rows drawn in the same frame: exactly TRIM_STEP go all the same.
        let mut list = list_of_rows(MAX_ROWS + 100, |k| (k / 50) as u64);
        list.trim_rows(false);
        assert_eq!(list.formatted.len(), MAX_ROWS + 100 - TRIM_STEP);
        assert_eq!(
            list.formatted.values().filter(|r| r.used == 0).count(),
            50 - TRIM_STEP
        );

        // Past the hard limit even a busy frame trims, to MAX_ROWS.
        let n = HARD_MAX_ROWS + 1;
        let mut list = list_of_rows(n, |k| (n - k) as u64);
        list.trim_rows(true);
        assert_eq!(list.formatted.len(), MAX_ROWS);
        assert!(has(&list, MAX_ROWS - 1) && !has(&list, MAX_ROWS));
    }
}
