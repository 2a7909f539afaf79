//! Paragraph layout from cached words.
//!
//! egui lays out a paragraph by shaping all of it (harfrust), looking every
//! glyph up in the atlas and wrapping the result: about half a microsecond a
//! char, so a jump to a fresh part of a book (a screenful, 2,500–4,000
//! chars) costs one to two milliseconds of layout alone. Text engines avoid
//! that with a word cache (WebKit's is the classic one), and so does this
//! module: a paragraph is split into words and runs of spaces, each distinct
//! token is laid out by egui once (shaped, glyphs in the atlas, its mesh
//! built) and kept, and a paragraph is then a greedy word wrap over token
//! widths plus copies of their glyphs and mesh vertices moved into place.
//! Most tokens of any page are common words, so a fresh page costs tens of
//! nanoseconds a char.
//!
//! The result is an ordinary [`Galley`] (the paragraph's text in its job, one
//! glyph per char, a mesh per row), so painting, egui's cursor functions and
//! [`super::geometry::LaidOut`] work on it unchanged. What differs from
//! egui's own layout: no kerning across a space (shaping runs stop at
//! spaces, which Latin and Cyrillic fonts do not kern across in practice),
//! and wrapping only at spaces (egui also breaks after some dashes),
//! consistently for every paragraph. As in egui, a word goes to the next
//! row unless it fits together with the space after it. A
//! paragraph this cannot handle exactly (a token egui splits into several
//! rows or glyphs that do not match its chars, a word wider than the column)
//! returns `None`, and the caller lays it out with egui as a whole.

use egui::epaint::{Galley, Mesh, Vertex};
use egui::text::{LayoutJob, TextFormat};
use egui::{Pos2, Rect, pos2, vec2};
use std::sync::Arc;

/// Tokens kept before the cache is emptied (a few tens of MB at most).
pub const MAX_WORDS: usize = 30_000;

/// One laid-out token: its row (glyphs and mesh relative to the row).
struct Token {
    row: egui::epaint::text::PlacedRow,
    /// Advance of the whole token.
    width: f32,
}

/// Laid-out tokens of one font and size (reset with the layout cache).
#[derive(Default)]
pub struct WordCache {
    /// Position in `tokens` of each token's text.
    index: ahash::HashMap<Box<str>, u32>,
    tokens: Vec<Token>,
    /// A one-space galley of the cache's format, cloned for every result.
    template: Option<Arc<Galley>>,
    /// Tokens looked up, and how many of them egui had to lay out.
    pub lookups: u64,
    /// See `lookups`.
    pub misses: u64,
}

/// Whether a char is a space a line may break after. No-break spaces
/// (U+00A0, U+2007, U+202F) are not.
fn breaks(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// What a char is for cutting text into tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// A space a line may break after.
    Space,
    /// A letter.
    Letter,
    /// A digit.
    Digit,
    /// A no-break space: its own token, so words it joins stay separate
    /// tokens.
    NoBreak,
    /// Punctuation, symbols, emoji.
    Other,
    /// Combining marks, joiners, variation selectors and emoji modifiers:
    /// they belong to the char before them.
    Glue,
}

fn class(c: char) -> Class {
    // ASCII without the Unicode tables (most chars of most text).
    match c {
        'a'..='z' | 'A'..='Z' => Class::Letter,
        '0'..='9' => Class::Digit,
        ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' => Class::Space,
        c if c.is_ascii() => Class::Other,
        c => unicode_class(c),
    }
}

/// [`class`] from the Unicode properties (right for ASCII too).
fn unicode_class(c: char) -> Class {
    if breaks(c) {
        Class::Space
    } else if matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}') {
        Class::NoBreak
    } else if matches!(c as u32,
        0x0300..=0x036f | 0x1ab0..=0x1aff | 0x1dc0..=0x1dff | 0x20d0..=0x20ff
        | 0xfe20..=0xfe2f | 0x200c | 0x200d | 0xfe00..=0xfe0f | 0x1f3fb..=0x1f3ff
        | 0xe0020..=0xe007f)
    {
        Class::Glue
    } else if c.is_alphabetic() {
        Class::Letter
    } else if c.is_numeric() {
        Class::Digit
    } else {
        Class::Other
    }
}

/// One token of a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Tok {
    /// Byte range in the paragraph.
    range: std::ops::Range<usize>,
    /// A run of breaking spaces.
    space: bool,
    /// The first token of a word (what a line may break before).
    word_start: bool,
}

/// The paragraph cut into tokens: runs of breaking spaces, and words cut
/// where letters, digits, no-break spaces and other chars meet (so that
/// `“word,` and `word` share the token `word`, and the cache holds a
/// vocabulary, not every combination of a word with its punctuation).
/// Shaping does not cross a token boundary; kerning between a letter and
/// the punctuation next to it is the only thing lost. Their concatenation
/// is the paragraph.
fn tokens(text: &str) -> Vec<Tok> {
    // About one token in four bytes of prose.
    let mut out: Vec<Tok> = Vec::with_capacity(text.len() / 4 + 1);
    let mut start = 0;
    let mut current: Option<Class> = None;
    let mut after_space = true;
    for (i, c) in text.char_indices() {
        let k = class(c);
        if k == Class::Glue && current.is_some() {
            continue;
        }
        let k = if k == Class::Glue { Class::Other } else { k };
        match current {
            Some(prev) if prev != k || k == Class::NoBreak => {
                let space = prev == Class::Space;
                out.push(Tok {
                    range: start..i,
                    space,
                    word_start: !space && after_space,
                });
                after_space = space;
                start = i;
            }
            _ => {}
        }
        current = Some(k);
    }
    if let Some(prev) = current {
        let space = prev == Class::Space;
        out.push(Tok {
            range: start..text.len(),
            space,
            word_start: !space && after_space,
        });
    }
    out
}

impl WordCache {
    /// Drops every token.
    pub fn clear(&mut self) {
        self.index.clear();
        self.tokens.clear();
        self.template = None;
    }

    /// Tokens held.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Where the laid-out tokens of `pieces` are in `tokens`, laying out (in
    /// one egui job) those not held yet; `None` if one of them cannot be
    /// used (egui made more than one row of it, or a glyph count that does
    /// not match its chars).
    fn ids_of(&mut self, ui: &egui::Ui, pieces: &[&str], format: &TextFormat) -> Option<Vec<u32>> {
        if self.tokens.len() + pieces.len() > MAX_WORDS {
            self.index.clear();
            self.tokens.clear();
        }
        const MISSING: u32 = u32::MAX;
        // One hash per piece when all are held, the usual case.
        let mut ids: Vec<u32> = pieces
            .iter()
            .map(|p| self.index.get(*p).copied().unwrap_or(MISSING))
            .collect();
        self.lookups += pieces.len() as u64;
        if ids.contains(&MISSING) {
            let mut seen = ahash::HashSet::default();
            let missing: Vec<&str> = pieces
                .iter()
                .zip(&ids)
                .filter(|&(p, &id)| id == MISSING && seen.insert(*p))
                .map(|(p, _)| *p)
                .collect();
            self.misses += missing.len() as u64;
            self.lay_out(ui, &missing, format)?;
            for (id, p) in ids.iter_mut().zip(pieces) {
                if *id == MISSING {
                    *id = *self.index.get(*p)?;
                }
            }
        }
        Some(ids)
    }

    /// The tokens at `ids` (from [`Self::ids_of`]).
    fn resolve(&self, ids: &[u32]) -> Vec<&Token> {
        ids.iter().map(|&i| &self.tokens[i as usize]).collect()
    }

    /// Lays out `missing` (distinct tokens not held) with egui, one line
    /// each, and keeps them.
    fn lay_out(&mut self, ui: &egui::Ui, missing: &[&str], format: &TextFormat) -> Option<()> {
        // One egui job for all of them: egui's cost per job (hashing,
        // shaping set-up, the galley) is paid once, not per word.
        let joined = missing.join("\n");
        let need_template = self.template.is_none();
        let (galley, template) = ui.fonts_mut(|f| {
            let galley = f.layout_job(LayoutJob::single_section(joined, format.clone()));
            let template = need_template
                .then(|| f.layout_job(LayoutJob::single_section(" ".into(), format.clone())));
            (galley, template)
        });
        if let Some(t) = template {
            self.template = Some(t);
        }
        if galley.rows.len() != missing.len() {
            return None;
        }
        for (t, placed) in missing.iter().zip(&galley.rows) {
            if placed.row.glyphs.len() != t.chars().count() {
                return None;
            }
            let mut row = placed.clone();
            row.pos = Pos2::ZERO;
            row.ends_with_newline = false;
            let width = row.row.size.x;
            self.index.insert((*t).into(), self.tokens.len() as u32);
            self.tokens.push(Token { row, width });
        }
        Some(())
    }

    /// Lays out a paragraph (no `\n`) wrapped at `wrap` points, or `None` if
    /// it needs egui's own layout (see the module docs).
    pub fn layout(
        &mut self,
        ui: &egui::Ui,
        text: &str,
        format: &TextFormat,
        wrap: f32,
    ) -> Option<Arc<Galley>> {
        if text.is_empty() || text.contains('\n') {
            return None;
        }
        let toks = tokens(text);
        let pieces: Vec<&str> = toks.iter().map(|t| &text[t.range.clone()]).collect();
        let ppp = ui.ctx().pixels_per_point();
        let round = |x: f32| (x * ppp).round() / ppp;
        let ids = self.ids_of(ui, &pieces, format)?;
        let laid = self.resolve(&ids);

        // Greedy wrap, a word (its tokens up to the next space) at a time:
        // a word that does not fit starts a new row; spaces stay at the end
        // of the row they follow. `parts` holds the rows one after another,
        // `row_ends` where each ends.
        let mut parts: Vec<Part<'_>> = Vec::with_capacity(laid.len());
        let mut row_ends: Vec<usize> = Vec::new();
        let mut x = 0.0f32;
        let mut k = 0;
        while k < laid.len() {
            if toks[k].space {
                parts.push(Part {
                    tok: laid[k],
                    x: round(x),
                    space: true,
                });
                x += laid[k].width;
                k += 1;
                continue;
            }
            let (end, word_w) = word_at(&toks, &laid, k);
            // Like egui, a word must fit with the space after it.
            let after = laid.get(end).map_or(0.0, |t| t.width);
            let row_empty = row_ends.last().copied().unwrap_or(0) == parts.len();
            if !row_empty && x + word_w + after > wrap {
                row_ends.push(parts.len());
                x = 0.0;
            }
            if x == 0.0 && word_w > wrap {
                // Longer than the column: egui splits inside words.
                return None;
            }
            for tok in &laid[k..end] {
                parts.push(Part {
                    tok,
                    x: round(x),
                    space: false,
                });
                x += tok.width;
            }
            k = end;
        }
        row_ends.push(parts.len());
        let template = self.template.as_ref()?;
        build(template, text.to_owned(), &parts, &row_ends, wrap)
    }

    /// Lays out one line, cut after the last whole word that fits in
    /// `max_width` together with an ellipsis when the whole line does not
    /// (a list row). `None` if a token cannot be used.
    pub fn layout_line(
        &mut self,
        ui: &egui::Ui,
        text: &str,
        format: &TextFormat,
        max_width: f32,
    ) -> Option<Arc<Galley>> {
        const ELLIPSIS: &str = "…";
        if text.is_empty() || text.contains('\n') {
            return None;
        }
        let toks = tokens(text);
        let mut pieces: Vec<&str> = toks.iter().map(|t| &text[t.range.clone()]).collect();
        pieces.push(ELLIPSIS);
        let ppp = ui.ctx().pixels_per_point();
        let round = |x: f32| (x * ppp).round() / ppp;
        let ids = self.ids_of(ui, &pieces, format)?;
        let mut laid = self.resolve(&ids);
        let ellipsis = laid.pop()?;
        let total: f32 = laid.iter().map(|t| t.width).sum();
        let mut row: Vec<Part<'_>> = Vec::with_capacity(laid.len() + 1);
        let mut shown = String::new();
        let mut x = 0.0f32;
        if total <= max_width {
            for ((tok, t), piece) in laid.iter().zip(&toks).zip(&pieces) {
                row.push(Part {
                    tok,
                    x: round(x),
                    space: t.space,
                });
                x += tok.width;
                shown.push_str(piece);
            }
        } else {
            let room = max_width - ellipsis.width;
            for (k, ((tok, t), piece)) in laid.iter().zip(&toks).zip(&pieces).enumerate() {
                if t.word_start {
                    let (_, word_w) = word_at(&toks, &laid, k);
                    if x + word_w > room {
                        break;
                    }
                }
                row.push(Part {
                    tok,
                    x: round(x),
                    space: t.space,
                });
                x += tok.width;
                shown.push_str(piece);
            }
            // No space before the ellipsis.
            while row.last().is_some_and(|p| p.space) {
                if let Some(p) = row.pop() {
                    x -= p.tok.width;
                    let n = shown.trim_end_matches(|c: char| breaks(c)).len();
                    shown.truncate(n);
                }
            }
            row.push(Part {
                tok: ellipsis,
                x: round(x.max(0.0)),
                space: false,
            });
            shown.push_str(ELLIPSIS);
        }
        let n = row.len();
        build(self.template.as_ref()?, shown, &row, &[n], f32::INFINITY)
    }
}

/// The word starting at token `k`: where it ends (the next space token)
/// and its width.
fn word_at(toks: &[Tok], laid: &[&Token], k: usize) -> (usize, f32) {
    let end = (k + 1..laid.len())
        .find(|&j| toks[j].space)
        .unwrap_or(laid.len());
    (end, laid[k..end].iter().map(|t| t.width).sum())
}

/// A token placed on a row.
#[derive(Clone, Copy)]
struct Part<'a> {
    tok: &'a Token,
    /// Left edge, relative to the row.
    x: f32,
    /// Whether the token is a run of breaking spaces.
    space: bool,
}

/// The galley of `text` from rows of placed tokens (their chars, in order,
/// are `text`): glyphs and mesh vertices copied from the tokens and moved
/// into place.
fn build(
    template: &Galley,
    text: String,
    parts: &[Part<'_>],
    row_ends: &[usize],
    wrap: f32,
) -> Option<Arc<Galley>> {
    let line_h = template.rows.first()?.size.y;
    let mut placed = Vec::with_capacity(row_ends.len());
    let (mut rect, mut mesh_bounds) = (Rect::NOTHING, Rect::NOTHING);
    let (mut num_vertices, mut num_indices) = (0, 0);
    let mut row_start = 0;
    for (i, &row_end) in row_ends.iter().enumerate() {
        let parts = parts.get(row_start..row_end)?;
        row_start = row_end;
        let (mut n_glyphs, mut n_vertices, mut n_indices) = (0, 0, 0);
        for p in parts {
            let src = &p.tok.row;
            n_glyphs += src.glyphs.len();
            n_vertices += src.visuals.mesh.vertices.len();
            n_indices += src.visuals.mesh.indices.len();
        }
        let mut glyphs = Vec::with_capacity(n_glyphs);
        let mut mesh = Mesh::default();
        mesh.vertices.reserve_exact(n_vertices);
        mesh.indices.reserve_exact(n_indices);
        let mut width = 0.0f32;
        let mut bounds = Rect::NOTHING;
        for p in parts {
            let src = &p.tok.row;
            let base = mesh.vertices.len() as u32;
            let dx = p.x;
            glyphs.extend(src.glyphs.iter().map(|g| {
                let mut g = *g;
                g.pos.x += dx;
                g.first_vertex += base;
                g
            }));
            let shift = vec2(dx, 0.0);
            mesh.vertices
                .extend(src.visuals.mesh.vertices.iter().map(|v| Vertex {
                    pos: v.pos + shift,
                    ..*v
                }));
            mesh.indices
                .extend(src.visuals.mesh.indices.iter().map(|ix| ix + base));
            if !src.visuals.mesh.is_empty() {
                bounds |= src.visuals.mesh_bounds.translate(shift);
            }
            if !p.space {
                width = dx + p.tok.width;
            }
        }
        let mut row = egui::epaint::text::Row::clone(&template.rows[0].row);
        row.glyphs = glyphs;
        row.size = vec2(width, line_h);
        row.visuals.glyph_index_start = 0;
        row.visuals.glyph_vertex_range = 0..mesh.vertices.len();
        row.visuals.mesh_bounds = bounds;
        num_vertices += mesh.vertices.len();
        num_indices += mesh.indices.len();
        row.visuals.mesh = mesh;
        let pos = pos2(0.0, i as f32 * line_h);
        rect |= Rect::from_min_size(pos, row.size);
        mesh_bounds |= bounds.translate(pos.to_vec2());
        let mut pr = template.rows[0].clone();
        pr.pos = pos;
        pr.row = Arc::new(row);
        placed.push(pr);
    }
    let mut galley = template.clone();
    let mut job = (*template.job).clone();
    if let Some(s) = job.sections.first_mut() {
        s.byte_range = egui::text::ByteIndex(0)..egui::text::ByteIndex(text.len());
    }
    job.text = text;
    job.wrap.max_width = wrap;
    galley.job = Arc::new(job);
    galley.rows = placed;
    galley.rect = Rect::from_min_max(Pos2::ZERO, rect.max.max(Pos2::ZERO));
    galley.mesh_bounds = mesh_bounds;
    galley.num_vertices = num_vertices;
    galley.num_indices = num_indices;
    Some(Arc::new(galley))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_shortcut_classes_chars_as_the_unicode_tables_do() {
        for c in (0u8..128).map(char::from) {
            assert_eq!(class(c), unicode_class(c), "{c:?}");
        }
    }

    #[test]
    fn tokens_cover_the_text_and_split_words_from_their_punctuation() {
        let text = "“Curly” — em\u{a0}dash,  1987\ttwo 👩‍🔬 e\u{301}t end ";
        let toks = tokens(text);
        let joined: String = toks.iter().map(|t| &text[t.range.clone()]).collect();
        assert_eq!(joined, text);
        let pieces: Vec<&str> = toks.iter().map(|t| &text[t.range.clone()]).collect();
        assert_eq!(
            pieces,
            [
                "“",
                "Curly",
                "”",
                " ",
                "—",
                " ",
                "em",
                "\u{a0}",
                "dash",
                ",",
                "  ",
                "1987",
                "\t",
                "two",
                " ",
                "👩‍🔬",
                " ",
                "e\u{301}t",
                " ",
                "end",
                " "
            ]
        );
        let starts: Vec<&str> = toks
            .iter()
            .filter(|t| t.word_start)
            .map(|t| &text[t.range.clone()])
            .collect();
        assert_eq!(
            starts,
            ["“", "—", "em", "1987", "two", "👩‍🔬", "e\u{301}t", "end"]
        );
        assert!(toks.iter().all(|t| !t.space || !t.word_start));
    }

    /// Lays out every paragraph of the seed interview both ways, in a
    /// headless egui frame, and compares.
    #[test]
    fn composed_paragraphs_hold_every_char_in_order_and_wrap_like_egui() {
        let seed = include_str!("../../../assets/articles/tufts-now-russia-ukraine-interview.txt");
        let ctx = egui::Context::default();
        let mut checked = 0;
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            let mut cache = WordCache::default();
            let mut format =
                TextFormat::simple(egui::FontId::proportional(15.0), egui::Color32::PLACEHOLDER);
            format.line_height = Some(22.0);
            let wrap = 420.0;
            for para in seed.split('\n').filter(|p| !p.trim().is_empty()) {
                let g = cache.layout(ui, para, &format, wrap).expect("composed");
                let mut job = LayoutJob::single_section(para.to_owned(), format.clone());
                job.wrap = egui::text::TextWrapping::wrap_at_width(wrap);
                let egui_g = ui.fonts_mut(|f| f.layout_job(job));
                // Every char once, in order.
                let chars: String = g
                    .rows
                    .iter()
                    .flat_map(|r| r.glyphs.iter().map(|gl| gl.chr))
                    .collect();
                assert_eq!(chars, para);
                assert_eq!(g.text(), para);
                for r in &g.rows {
                    assert!(r.size.x <= wrap + 0.5, "row wider than the column");
                    // Shaping may pull a glyph back a little (kerning), never
                    // further than that.
                    for w in r.glyphs.windows(2) {
                        assert!(
                            w[0].pos.x <= w[1].pos.x + 2.0,
                            "{:?} at {} before {:?} at {}",
                            w[0].chr,
                            w[0].pos.x,
                            w[1].chr,
                            w[1].pos.x
                        );
                    }
                    assert!(
                        !r.visuals.mesh.is_empty()
                            || r.glyphs.iter().all(|g| g.chr.is_whitespace())
                    );
                    assert_eq!(r.visuals.mesh_bounds, r.visuals.mesh.calc_bounds());
                }
                // Rows at the same height as egui's, and about as many.
                assert_eq!(g.rows[0].size.y, egui_g.rows[0].size.y);
                let (a, b) = (g.rows.len() as i64, egui_g.rows.len() as i64);
                assert!(
                    (a - b).abs() <= 1 + b / 10,
                    "{a} rows composed, {b} from egui"
                );
                // A click in the middle of a char lands on that char.
                for (i, c) in [0, para.chars().count() / 2, para.chars().count() - 1]
                    .into_iter()
                    .enumerate()
                {
                    let pos = g.pos_from_cursor(egui::text::CCursor::new(c));
                    let probe = egui::pos2(pos.min.x + 1.0, pos.center().y);
                    let back = g.cursor_from_pos(probe.to_vec2());
                    assert_eq!(back.index, egui::text::CharIndex(c), "probe {i}");
                }
                checked += 1;
            }
        });
        // No GPU here to take the font atlas changes.
        out.textures_delta.clear();
        assert!(checked > 10, "the seed has paragraphs");
    }

    #[test]
    fn a_list_line_is_cut_after_a_whole_word_with_an_ellipsis() {
        let ctx = egui::Context::default();
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            let mut cache = WordCache::default();
            let format =
                TextFormat::simple(egui::FontId::proportional(14.0), egui::Color32::PLACEHOLDER);
            let text =
                "“Putin’s speech on February\u{a0}21 was an attack on Ukraine’s right to exist”";
            let whole = cache
                .layout_line(ui, text, &format, 10_000.0)
                .expect("composed");
            assert_eq!(whole.text(), text);
            assert_eq!(whole.rows.len(), 1);
            assert_eq!(whole.rows[0].glyphs.len(), text.chars().count());
            let full_w = whole.rows[0].size.x;
            let cut = cache
                .layout_line(ui, text, &format, full_w * 0.5)
                .expect("composed");
            let shown = cut.text();
            assert!(shown.ends_with('…'), "{shown}");
            let kept = shown.trim_end_matches('…');
            assert!(text.starts_with(kept), "{shown}");
            assert!(
                !kept.ends_with(' '),
                "no space before the ellipsis: {shown}"
            );
            // Cut after a whole word: what follows in the text is a space.
            assert!(text[kept.len()..].starts_with(' '), "{shown}");
            assert!(cut.rows[0].size.x <= full_w * 0.5 + 0.5);
            assert_eq!(cut.rows[0].glyphs.len(), shown.chars().count());
        });
        out.textures_delta.clear();
    }
}
