//! Paragraphs wrapped into rows of tokens ([`Plan`]), and galleys built
//! from a plan a row at a time.
//!
//! Wrapping a paragraph reads only its tokens' widths; building a row
//! copies a quad for each of its chars, and that is most of the work of
//! laying out a page. The paragraphs at the top and bottom edges of the
//! screen have rows nobody sees (after a jump into a book, a third of the
//! rows laid out), so the view builds a paragraph's rows as they come into
//! view ([`WordCache::build_rows_lean`]). The galley's other rows are empty
//! placeholders of the right height, and the plan says where their chars
//! are ([`Plan::x_at`], [`Plan::col_at`], [`Plan::char_at`]). A row the
//! view builds has no glyph records (76 bytes a char): where each char is
//! comes back beside the galley as [`CharBoxes`] (8 bytes a char).

use super::{Body, Prepared, Template, Tok, Token, WordCache, quad_indices, word_at};
use egui::epaint::text::{PlacedRow, Row};
use egui::epaint::{Galley, Mesh, Vertex};
use egui::{Pos2, Rect, pos2, vec2};
use std::ops::Range;
use std::sync::Arc;

/// Where each char of a row built without glyphs is: its x (row
/// coordinates) and its advance, as its glyph would have them.
pub type CharBoxes = Vec<[f32; 2]>;

/// The boxes of the rows a build made, by row.
pub type BuiltBoxes = Vec<(usize, CharBoxes)>;

/// What a built row records of where its chars are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chars {
    /// A glyph each, as egui's own rows have (egui's cursor functions
    /// then work on the galley).
    Glyphs,
    /// Their boxes only, returned beside the galley ([`CharBoxes`]).
    Boxes,
    /// Nothing: a line that is only painted.
    Nothing,
}

/// A token placed on a row.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Part {
    /// The token's place in [`WordCache::tokens`].
    tok: u32,
    /// Where the pen is at its start, relative to the row (exact: glyphs
    /// are put on whole pixels from it as egui does).
    x: f32,
    /// Its advance.
    w: f32,
    /// Its chars (one glyph each).
    chars: u32,
}

/// A paragraph wrapped into rows of tokens: where each token goes, before
/// any glyph is placed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// The tokens, rows one after another.
    parts: Vec<Part>,
    /// Where each row's tokens start in `parts`, and where the last ends.
    row_parts: Vec<u32>,
    /// Each row's width: to the end of its last token that is not a space.
    widths: Vec<f32>,
    /// The wrap width.
    wrap: f32,
    /// The word cache's generation the token places are of.
    generation: u64,
}

impl Plan {
    /// Rows.
    pub fn rows(&self) -> usize {
        self.widths.len()
    }

    /// The chars of each row, in order.
    pub fn row_chars(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.rows()).map(|r| self.parts(r).iter().map(|p| p.chars as usize).sum())
    }

    fn parts(&self, row: usize) -> &[Part] {
        match (self.row_parts.get(row), self.row_parts.get(row + 1)) {
            (Some(&a), Some(&b)) => self.parts.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Width of row `row`.
    pub fn width(&self, row: usize) -> f32 {
        self.widths.get(row).copied().unwrap_or(0.0)
    }

    /// x of the gap before char `col` of row `row` (the row's width past
    /// its last char). Inside a token its chars count as equally wide:
    /// exact at token edges, within a pixel or two inside a word.
    pub fn x_at(&self, row: usize, col: usize) -> f32 {
        let mut start = 0;
        for p in self.parts(row) {
            let n = p.chars as usize;
            if col < start + n {
                return p.x + p.w * (col - start) as f32 / n as f32;
            }
            start += n;
        }
        self.width(row)
    }

    /// The gap of row `row` nearest to `x` as egui's `Row::char_at` picks
    /// it: before the first char whose middle is right of `x`, else the
    /// row's end.
    pub fn col_at(&self, row: usize, x: f32) -> usize {
        let mut start = 0;
        for p in self.parts(row) {
            let n = p.chars as usize;
            if n > 0 && x < p.x + p.w {
                let cw = p.w / n as f32;
                if let Some(i) = (0..n).find(|&i| x < p.x + cw * (i as f32 + 0.5)) {
                    return start + i;
                }
            }
            start += n;
        }
        start
    }

    /// The char of row `row` whose box holds `x`, if any.
    pub fn char_at(&self, row: usize, x: f32) -> Option<usize> {
        let mut start = 0;
        for p in self.parts(row) {
            let n = p.chars as usize;
            if n > 0 && p.x <= x && x < p.x + p.w {
                let i = ((x - p.x) / (p.w / n as f32)) as usize;
                return Some(start + i.min(n - 1));
            }
            start += n;
        }
        None
    }

    /// One row of `parts` (in order, from x = 0), for a galley of a single
    /// line.
    fn one_row(parts: Vec<Part>, width: f32, generation: u64) -> Self {
        let n = u32::try_from(parts.len()).unwrap_or(u32::MAX);
        Self {
            parts,
            row_parts: vec![0, n],
            widths: vec![width],
            wrap: f32::INFINITY,
            generation,
        }
    }
}

/// Whether row `i` of a galley of `plan` has its glyphs (a row without
/// chars has none to build).
pub fn is_built(row: &PlacedRow, plan: &Plan, i: usize) -> bool {
    !row.glyphs.is_empty() || plan.parts(i).iter().all(|p| p.chars == 0)
}

impl WordCache {
    /// Wraps a paragraph (no `\n`) of [`Prepared`] tokens at `wrap`
    /// points, greedily a word (its tokens up to the next space) at a
    /// time: a word that does not fit starts a new row; spaces stay at the
    /// end of the row they follow. `None` if a word is longer than the
    /// column (egui splits inside words) or the cache dropped its tokens
    /// since they were prepared.
    pub fn plan(&self, prepared: &Prepared, wrap: f32) -> Option<Plan> {
        let toks: &[Tok] = &prepared.toks;
        let laid = self.resolve(prepared)?;
        let mut plan = Plan {
            parts: Vec::with_capacity(laid.len()),
            row_parts: vec![0],
            widths: Vec::new(),
            wrap,
            generation: self.generation,
        };
        // Puts tokens `ks` on the row from `x`; where the pen is after them.
        let put = |plan: &mut Plan, ks: Range<usize>, mut x: f32| -> Option<f32> {
            for k in ks {
                let t = laid.get(k)?;
                plan.parts.push(Part {
                    tok: *prepared.ids.get(k)?,
                    x,
                    w: t.width,
                    chars: t.n_glyphs,
                });
                x += t.width;
            }
            Some(x)
        };
        let mut x = 0.0f32;
        let mut width = 0.0f32;
        let mut k = 0;
        while k < laid.len() {
            if toks[k].space {
                x = put(&mut plan, k..k + 1, x)?;
                k += 1;
                continue;
            }
            let (end, word_w) = word_at(toks, &laid, k);
            // Like egui, a word must fit with the space after it.
            let after = laid.get(end).map_or(0.0, |t| t.width);
            let row_empty =
                plan.row_parts.last().copied().unwrap_or(0) as usize == plan.parts.len();
            if !row_empty && x + word_w + after > wrap {
                plan.row_parts.push(u32::try_from(plan.parts.len()).ok()?);
                plan.widths.push(width);
                x = 0.0;
            }
            if x == 0.0 && word_w > wrap {
                return None;
            }
            x = put(&mut plan, k..end, x)?;
            width = x;
            k = end;
        }
        plan.row_parts.push(u32::try_from(plan.parts.len()).ok()?);
        plan.widths.push(width);
        Some(plan)
    }

    /// The one-row galley of `text` from a [`Self::plan_line`] plan, its
    /// row with quads only, no glyphs: a line that is painted, never asked
    /// where a char is.
    pub(super) fn build_painted_line(
        &self,
        text: &str,
        plan: &Plan,
        ppp: f32,
    ) -> Option<Arc<Galley>> {
        let (galley, _) = self.assemble(text, plan, |_| true, None, Chars::Nothing, ppp)?;
        Some(galley)
    }

    /// A one-row plan of tokens `ids` (from x = 0), for a single line.
    pub(super) fn plan_line(&self, ids: &[u32]) -> Option<Plan> {
        let mut parts = Vec::with_capacity(ids.len());
        let mut x = 0.0f32;
        for &tok in ids {
            let t = self.tokens.get(tok as usize)?;
            parts.push(Part {
                tok,
                x,
                w: t.width,
                chars: t.n_glyphs,
            });
            x += t.width;
        }
        Some(Plan::one_row(parts, x, self.generation))
    }

    /// The galley of `text` (its chars, in order, are the plan's) with the
    /// rows in `want` built and every other row an empty placeholder of
    /// the right height, or as `old` (a galley of the same text and plan)
    /// has it: rows `old` built are kept, not built again. `None` if the
    /// plan is of an older generation of the cache.
    pub fn build_rows(
        &self,
        text: &str,
        plan: &Plan,
        want: Range<usize>,
        old: Option<&Galley>,
        ppp: f32,
    ) -> Option<Arc<Galley>> {
        let old_row = |i: usize| old.and_then(|g| g.rows.get(i));
        let to_build =
            |i: usize| want.contains(&i) && !old_row(i).is_some_and(|r| is_built(r, plan, i));
        let (galley, _) = self.assemble(text, plan, to_build, old, Chars::Glyphs, ppp)?;
        Some(galley)
    }

    /// [`Self::build_rows`] without glyphs: the rows of `want` that
    /// `built` (of `old`'s rows) says are not built yet get their quads,
    /// and where each of their chars is ([`CharBoxes`]) comes back beside
    /// the galley, by row. A glyph is 76 bytes and a char's box 8; a fresh
    /// page of a book builds 2,000–3,000 chars, and the view reads where
    /// chars are from the boxes (see [`super::super::geometry::LaidOut`]).
    pub fn build_rows_lean(
        &self,
        text: &str,
        plan: &Plan,
        want: Range<usize>,
        old: &Galley,
        built: impl Fn(usize) -> bool,
        ppp: f32,
    ) -> Option<(Arc<Galley>, BuiltBoxes)> {
        let to_build = |i: usize| want.contains(&i) && !built(i);
        self.assemble(text, plan, to_build, Some(old), Chars::Boxes, ppp)
    }

    /// The galley of `text` from `plan` with the rows `to_build` says
    /// built (recording their chars as `chars` asks: boxes come back by
    /// row), the others as `old` has them or empty placeholders.
    fn assemble(
        &self,
        text: &str,
        plan: &Plan,
        to_build: impl Fn(usize) -> bool,
        old: Option<&Galley>,
        chars: Chars,
        ppp: f32,
    ) -> Option<(Arc<Galley>, BuiltBoxes)> {
        if plan.generation != self.generation {
            return None;
        }
        let template = self.template.as_ref()?;
        let line_h = template.line_h;
        let n = plan.rows();
        let old_row = |i: usize| old.and_then(|g| g.rows.get(i));
        // The runs of the tokens to build are scattered over megabytes:
        // their loads are started together here, not one after another in
        // the loop below.
        for i in 0..n {
            if to_build(i) {
                for p in plan.parts(i) {
                    if let Some(t) = self.tokens.get(p.tok as usize) {
                        self.prefetch(t);
                    }
                }
            }
        }
        let mut rows = Vec::with_capacity(n);
        let mut boxes: BuiltBoxes = Vec::new();
        let (mut rect, mut mesh_bounds) = (Rect::NOTHING, Rect::NOTHING);
        let (mut num_vertices, mut num_indices) = (0, 0);
        for i in 0..n {
            let pos = pos2(0.0, i as f32 * line_h);
            let placed = if to_build(i) {
                let mut pr = template.row.clone();
                pr.pos = pos;
                let (row, row_boxes) =
                    self.build_row(template, plan.parts(i), plan.width(i), chars, ppp)?;
                pr.row = Arc::new(row);
                if chars == Chars::Boxes {
                    boxes.push((i, row_boxes));
                }
                pr
            } else if let Some(r) = old_row(i) {
                r.clone()
            } else {
                // The template's empty row: shared, nothing to allocate.
                let mut pr = template.row.clone();
                pr.pos = pos;
                pr
            };
            rect |= Rect::from_min_size(pos, vec2(plan.width(i), line_h));
            if !placed.visuals.mesh.is_empty() {
                mesh_bounds |= placed.visuals.mesh_bounds.translate(pos.to_vec2());
            }
            num_vertices += placed.visuals.mesh.vertices.len();
            num_indices += placed.visuals.mesh.indices.len();
            rows.push(placed);
        }
        let mut galley = template.galley.clone();
        galley.job = match old {
            Some(g) => g.job.clone(),
            None => {
                let mut job = (*template.galley.job).clone();
                if let Some(s) = job.sections.first_mut() {
                    s.byte_range = egui::text::ByteIndex(0)..egui::text::ByteIndex(text.len());
                }
                job.text = text.to_owned();
                job.wrap.max_width = plan.wrap;
                Arc::new(job)
            }
        };
        galley.rows = rows;
        galley.rect = Rect::from_min_max(Pos2::ZERO, rect.max.max(Pos2::ZERO));
        galley.mesh_bounds = mesh_bounds;
        galley.num_vertices = num_vertices;
        galley.num_indices = num_indices;
        Some((Arc::new(galley), boxes))
    }

    /// Starts loading where token `t`'s glyphs are (see
    /// [`super::super::store::prefetch`]).
    fn prefetch(&self, t: &Token) {
        match &t.body {
            Body::Raw { glyphs, vertices } => {
                self.glyphs.prefetch(glyphs);
                self.vertices.prefetch(vertices);
            }
            Body::Atoms(run) => self.placed.prefetch(run),
        }
    }

    /// One row of placed tokens: mesh vertices (and glyphs, or boxes, as
    /// `chars` asks) copied from the tokens and moved into place.
    fn build_row(
        &self,
        template: &Template,
        parts: &[Part],
        width: f32,
        chars: Chars,
        ppp: f32,
    ) -> Option<(Row, CharBoxes)> {
        let with_glyphs = chars == Chars::Glyphs;
        let with_boxes = chars == Chars::Boxes;
        let mut tokens = Vec::with_capacity(parts.len());
        let (mut n_glyphs, mut n_vertices) = (0, 0);
        for p in parts {
            let t = self.tokens.get(p.tok as usize)?;
            n_glyphs += t.n_glyphs as usize;
            n_vertices += t.n_vertices as usize;
            tokens.push(t);
        }
        let mut glyphs = Vec::with_capacity(if with_glyphs { n_glyphs } else { 0 });
        let mut boxes: CharBoxes = Vec::with_capacity(if with_boxes { n_glyphs } else { 0 });
        let mut mesh = Mesh::default();
        mesh.vertices.reserve_exact(n_vertices);
        mesh.indices.reserve_exact(n_vertices / 4 * 6);
        let mut bounds = Rect::NOTHING;
        for (p, src) in parts.iter().zip(tokens) {
            let base = mesh.vertices.len() as u32;
            // The whole-pixel shift that starts the token's pen nearest to
            // `p.x`: its glyphs keep the places and sub-pixel rasters egui
            // gave them together, and the token is off by half a pixel at
            // most, however far along the row.
            let dx = ((p.x - src.pen0) * ppp).round() / ppp;
            match &src.body {
                Body::Raw {
                    glyphs: g_run,
                    vertices: v_run,
                } => {
                    let src_glyphs = self.glyphs.get(g_run)?;
                    let src_vertices = self.vertices.get(v_run)?;
                    if with_glyphs {
                        glyphs.extend(src_glyphs.iter().map(|g| {
                            let mut g = *g;
                            g.pos.x += dx;
                            g.first_vertex += base;
                            g
                        }));
                    } else if with_boxes {
                        boxes.extend(src_glyphs.iter().map(|g| [g.pos.x + dx, g.advance_width]));
                    }
                    let shift = vec2(dx, 0.0);
                    mesh.vertices.extend(src_vertices.iter().map(|v| Vertex {
                        pos: v.pos + shift,
                        ..*v
                    }));
                }
                Body::Atoms(run) => {
                    for pl in self.placed.get(run)? {
                        let atom = self.atoms.get(pl.atom)?;
                        let x = pl.x_px as f32 / ppp + dx;
                        if with_glyphs {
                            let mut g = atom.glyph;
                            g.pos.x = x;
                            g.advance_width = pl.advance;
                            g.first_vertex = mesh.vertices.len() as u32;
                            glyphs.push(g);
                        } else if with_boxes {
                            boxes.push([x, pl.advance]);
                        }
                        if atom.ink {
                            mesh.vertices.extend(atom.quad.iter().map(|v| Vertex {
                                pos: pos2(v.pos.x + x, v.pos.y),
                                ..*v
                            }));
                        }
                    }
                }
            }
            for q in (base..base + src.n_vertices).step_by(4) {
                mesh.indices.extend_from_slice(&quad_indices(q));
            }
            if src.n_vertices > 0 {
                bounds |= src.bounds.translate(vec2(dx, 0.0));
            }
        }
        let mut row = Row::clone(&template.row.row);
        row.glyphs = glyphs;
        row.size = vec2(width, template.line_h);
        row.visuals.glyph_index_start = 0;
        row.visuals.glyph_vertex_range = 0..mesh.vertices.len();
        row.visuals.mesh_bounds = bounds;
        row.visuals.mesh = mesh;
        Some((row, boxes))
    }
}
