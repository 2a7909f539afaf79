//! Where chars are in a laid-out paragraph, without egui's O(rows) cursor
//! walks: each cached galley carries the char index at which each row
//! starts, so a char maps to (row, x) by binary search and a range maps to
//! one rectangle per row it touches.

use super::compose::{BuiltBoxes, CharBoxes, Plan, is_built};
use egui::{Galley, Pos2, Rect, pos2};
use std::ops::Range;
use std::sync::Arc;

/// A laid-out paragraph and its row starts.
#[derive(Clone, Debug)]
pub struct LaidOut {
    /// The galley (text colour is a placeholder, filled in when painting).
    pub galley: Arc<Galley>,
    /// Char index (paragraph-local) where each row starts.
    pub row_starts: Vec<usize>,
    /// Chars in the paragraph.
    pub chars: usize,
    /// For a paragraph composed from the word cache, where its tokens go:
    /// its rows are built as they come into view, and a row not built yet
    /// reads its geometry here. `None`: every row is built.
    pub plan: Option<Plan>,
    /// For a row built without glyphs (see
    /// [`super::compose::WordCache::build_rows_lean`]), where its chars
    /// are, by row; empty for a paragraph egui laid out.
    pub boxes: Vec<Option<CharBoxes>>,
}

impl LaidOut {
    /// Wraps a galley of a paragraph (no `\n` inside), every row built.
    pub fn new(galley: Arc<Galley>) -> Self {
        let mut row_starts = Vec::with_capacity(galley.rows.len());
        let mut c = 0;
        for row in &galley.rows {
            row_starts.push(c);
            c += row.char_count_including_newline().0;
        }
        Self {
            galley,
            row_starts,
            chars: c,
            plan: None,
            boxes: Vec::new(),
        }
    }

    /// Wraps a galley of a paragraph built from `plan` (some rows, or none,
    /// built).
    pub fn planned(galley: Arc<Galley>, plan: Plan) -> Self {
        let mut row_starts = Vec::with_capacity(plan.rows());
        let mut c = 0;
        for n in plan.row_chars() {
            row_starts.push(c);
            c += n;
        }
        Self {
            galley,
            row_starts,
            chars: c,
            boxes: vec![None; plan.rows()],
            plan: Some(plan),
        }
    }

    /// Takes the rows of `galley` (of the same plan) and the boxes of the
    /// rows it built.
    pub fn set_built(&mut self, galley: Arc<Galley>, boxes: BuiltBoxes) {
        self.galley = galley;
        for (row, b) in boxes {
            if let Some(slot) = self.boxes.get_mut(row) {
                *slot = Some(b);
            }
        }
    }

    /// The boxes of row `row`'s chars, if it was built without glyphs.
    fn row_boxes(&self, row: usize) -> Option<&CharBoxes> {
        self.boxes.get(row).and_then(Option::as_ref)
    }

    /// Whether row `row` has its glyphs.
    pub fn is_built(&self, row: usize) -> bool {
        match (&self.plan, self.galley.rows.get(row)) {
            (Some(plan), Some(r)) => self.row_boxes(row).is_some() || is_built(r, plan, row),
            _ => true,
        }
    }

    /// Rows with their glyphs.
    pub fn built_rows(&self) -> usize {
        (0..self.galley.rows.len())
            .filter(|&r| self.is_built(r))
            .count()
    }

    /// The rows of `rows` not built yet, from the first to the last.
    pub fn unbuilt(&self, rows: Range<usize>) -> Option<Range<usize>> {
        self.plan.as_ref()?;
        let rows = rows.start..rows.end.min(self.galley.rows.len());
        let first = rows.clone().find(|&r| !self.is_built(r))?;
        let last = rows.rev().find(|&r| !self.is_built(r))?;
        Some(first..last + 1)
    }

    /// The rows whose boxes meet the galley-local y range `ys`.
    pub fn rows_in(&self, ys: Range<f32>) -> Range<usize> {
        let rows = &self.galley.rows;
        let first = rows.partition_point(|r| r.max_y() <= ys.start);
        let end = rows.partition_point(|r| r.min_y() < ys.end);
        first..end.max(first)
    }

    /// Row holding local char gap `c`. At a soft wrap a gap is both the end
    /// of one row and the start of the next: `as_end` picks the former.
    pub fn row_of(&self, c: usize, as_end: bool) -> usize {
        let n = if as_end {
            self.row_starts.partition_point(|&s| s < c)
        } else {
            self.row_starts.partition_point(|&s| s <= c)
        };
        n.saturating_sub(1)
    }

    /// Width of row `row`.
    fn row_width(&self, row: usize) -> f32 {
        match (&self.plan, self.galley.rows.get(row)) {
            (Some(plan), _) => plan.width(row),
            (None, Some(r)) => r.size.x,
            (None, None) => 0.0,
        }
    }

    /// x of gap `c` on row `row` (galley coordinates).
    fn x_at(&self, row: usize, c: usize) -> f32 {
        let Some(r) = self.galley.rows.get(row) else {
            return 0.0;
        };
        let start = self.row_starts.get(row).copied().unwrap_or(0);
        let col = c.saturating_sub(start);
        if let Some(b) = self.row_boxes(row) {
            return r.pos.x + b.get(col).map_or(self.row_width(row), |b| b[0]);
        }
        match &self.plan {
            Some(plan) if !self.is_built(row) => r.pos.x + plan.x_at(row, col),
            _ => r.pos.x + r.x_offset(egui::text::CharIndex(col)),
        }
    }

    /// One rectangle per row covered by the local char range `r`, in galley
    /// coordinates (row rect heights).
    pub fn range_rects(&self, r: Range<usize>, out: &mut Vec<Rect>) {
        let start = r.start.min(self.chars);
        let end = r.end.min(self.chars);
        if start >= end || self.galley.rows.is_empty() {
            return;
        }
        let r0 = self.row_of(start, false);
        let r1 = self.row_of(end, true);
        for row in r0..=r1 {
            let Some(pr) = self.galley.rows.get(row) else {
                break;
            };
            let x0 = if row == r0 {
                self.x_at(row, start)
            } else {
                pr.pos.x
            };
            let x1 = if row == r1 {
                self.x_at(row, end)
            } else {
                pr.pos.x + self.row_width(row)
            };
            if x1 > x0 {
                out.push(Rect::from_min_max(
                    pos2(x0, pr.min_y()),
                    pos2(x1, pr.max_y()),
                ));
            }
        }
    }

    /// Top of the row holding local char `c` (galley coordinates).
    pub fn row_top(&self, c: usize) -> f32 {
        let row = self.row_of(c.min(self.chars), false);
        self.galley.rows.get(row).map_or(0.0, |r| r.min_y())
    }

    /// Nearest gap between chars to `pos` (galley coordinates), as egui's
    /// `Galley::cursor_from_pos` finds it: the row under `pos` (or nearest
    /// it), then the gap before the first char whose middle is right of
    /// `pos`.
    pub fn gap_at(&self, pos: Pos2) -> usize {
        // egui's margin above and below the text that still selects.
        const VMARGIN: f32 = 5.0;
        let rows = &self.galley.rows;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return 0;
        };
        if pos.y < first.min_y() - VMARGIN {
            return 0;
        }
        if last.max_y() + VMARGIN < pos.y {
            return self.chars;
        }
        let row = rows
            .partition_point(|r| r.max_y() < pos.y)
            .min(rows.len() - 1);
        let Some(pr) = rows.get(row) else {
            return 0;
        };
        let x = pos.x - pr.pos.x;
        let col = match (&self.plan, self.row_boxes(row)) {
            // As egui's `Row::char_at`: before the first char whose middle
            // is right of `x`.
            (_, Some(b)) => b
                .iter()
                .position(|b| x < b[0] + b[1] / 2.0)
                .unwrap_or(b.len()),
            (Some(plan), None) if !self.is_built(row) => plan.col_at(row, x),
            _ => pr.char_at(x).0,
        };
        (self.row_starts.get(row).copied().unwrap_or(0) + col).min(self.chars)
    }

    /// The char whose glyph box holds `pos`, if any (galley coordinates).
    pub fn char_at(&self, pos: Pos2) -> Option<usize> {
        let rows = &self.galley.rows;
        let row = rows.partition_point(|r| r.max_y() <= pos.y);
        let pr = rows.get(row).filter(|r| r.min_y() <= pos.y)?;
        let x = pos.x - pr.pos.x;
        let col = match (&self.plan, self.row_boxes(row)) {
            (_, Some(b)) => b.iter().position(|b| b[0] <= x && x < b[0] + b[1])?,
            (Some(plan), None) if !self.is_built(row) => plan.char_at(row, x)?,
            _ => pr
                .row
                .glyphs
                .iter()
                .position(|g| g.pos.x <= x && x < g.pos.x + g.advance_width)?,
        };
        Some(self.row_starts.get(row).copied().unwrap_or(0) + col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::text::{LayoutJob, TextFormat, TextWrapping};
    use egui::{Color32, FontId};

    fn lay_out(text: &str, width: f32) -> LaidOut {
        let ctx = egui::Context::default();
        let mut out = None;
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let mut job = LayoutJob::single_section(
                text.to_owned(),
                TextFormat::simple(FontId::proportional(16.0), Color32::PLACEHOLDER),
            );
            job.wrap = TextWrapping::wrap_at_width(width);
            out = Some(LaidOut::new(ui.fonts_mut(|f| f.layout_job(job))));
        });
        output.textures_delta.clear();
        out.unwrap()
    }

    #[test]
    fn rects_follow_rows_and_chars_round_trip() {
        let text = "“Europe is substantially less secure,” says Chris\u{a0}Miller — Привет 👋🏽 мир, and then a good deal more text so it wraps.";
        let lo = lay_out(text, 160.0);
        let n = text.chars().count();
        assert_eq!(lo.chars, n);
        assert!(lo.galley.rows.len() > 2, "wraps");
        // The whole range gives one rect per row.
        let mut rects = Vec::new();
        lo.range_rects(0..n, &mut rects);
        assert_eq!(rects.len(), lo.galley.rows.len());
        // Each char's own rect contains the glyph centre, and char_at maps
        // that centre back to the char — or, for a modifier drawn inside its
        // base (the skin tone of 👋🏽), to the cluster it belongs to.
        let cluster = |ci: usize| crate::model::text::snap_to_graphemes(text, ci..ci + 1);
        for ci in 0..n {
            let mut one = Vec::new();
            lo.range_rects(ci..ci + 1, &mut one);
            if let Some(r) = one.first() {
                assert_eq!(one.len(), 1);
                let c = r.center();
                let hit = lo.char_at(c).unwrap_or(usize::MAX);
                assert!(cluster(ci).contains(&hit), "char {ci} hit {hit}");
                // The gap nearest to the left edge is the char's start; a
                // zero-width modifier just before it shares that x, so the gap
                // inside the previous cluster is as near.
                let gap = lo.gap_at(pos2(r.left() + 0.5, c.y));
                assert!(
                    gap == ci || gap == cluster(ci).start || cluster(gap).end == ci,
                    "char {ci} gap {gap}"
                );
            }
        }
        assert_eq!(lo.char_at(pos2(-50.0, 5.0)), None);
    }
}
