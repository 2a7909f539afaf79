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
//! nanoseconds a char. The tokens a fresh screen lacks are put together
//! from glyphs egui laid out one char at a time and from the kerning of
//! each pair of letters (see [`super::atoms`]), with no shaping at all;
//! the few that cannot be (a ligature, a mark, a pair not seen yet) go to
//! egui together, as one line with a space between each two, and are cut
//! out of it: egui builds a shaper and compiles its plan for every run of
//! text it shapes, so one line for them all pays that once (see
//! [`WordCache::prepare`]).
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

use super::atlas::{WARM_MAX_FILL, atlas_epoch};
use super::atoms::{Atoms, Placed};
use super::doc_tokens::DocTokens;
use super::store::{Run, Store};
use super::vocabulary::SHAPED_WORDS;
use egui::epaint::text::Glyph;
use egui::epaint::{Galley, Mesh, Vertex};
use egui::text::{LayoutJob, TextFormat};
use egui::{Rect, pos2};
pub use rows::{BuiltBoxes, CharBoxes, Plan, is_built};
use std::sync::Arc;

mod rows;

/// What a line cut short ends with.
const ELLIPSIS: &str = "…";

/// Letter sequences egui's fonts draw as one glyph (shaping's standard
/// ligatures), rasterized ahead with the chars (see [`WordCache::warm`]).
const LIGATURES: [&str; 5] = ["ff", "fi", "fl", "ffi", "ffl"];

/// Words laid out in one egui job by [`WordCache::warm_words`].
const WORDS_PER_JOB: usize = 512;

/// Frequent tokens [`WordCache::warm_numbers_step`] lays out at most.
pub const NUMBERS_PER_STEP: usize = 128;

/// Tokens kept before the cache is emptied (a few tens of MB at most;
/// most tokens are put together from atoms, a dozen bytes a char).
pub const MAX_WORDS: usize = 100_000;

/// What a word cache knows of a numbered token ([`WordCache::by_number`]).
#[derive(Clone, Copy, Debug)]
struct NumberSlot {
    /// Its place in `tokens`, or [`UNKNOWN`] or [`PENDING`].
    id: u32,
    /// Its length in bytes and whether it is a run of spaces
    /// (`len << 1 | space`), once `id` is known.
    piece: u32,
}

impl Default for NumberSlot {
    fn default() -> Self {
        Self {
            id: UNKNOWN,
            piece: 0,
        }
    }
}

/// In [`WordCache::by_number`]: a token whose place is not known yet.
const UNKNOWN: u32 = u32::MAX;

/// In [`WordCache::by_number`]: a token being laid out.
const PENDING: u32 = u32::MAX - 1;

/// A text cut into tokens, with where each token's layout is in the cache
/// (from [`WordCache::prepare`]; valid until the cache is next changed).
pub struct Prepared {
    toks: Vec<Tok>,
    ids: Vec<u32>,
    /// The cache's [`WordCache::generation`] the ids belong to.
    generation: u64,
}

/// One token as cut out of egui's line, starting at x = 0 on a row.
struct Laid {
    /// One glyph per char; `first_vertex` indexes `mesh`.
    glyphs: Vec<Glyph>,
    /// The glyph quads, pixel-aligned for a token placed at a whole pixel.
    mesh: Mesh,
    /// Advance of the whole token.
    width: f32,
    /// Where egui's pen was, exactly, when it placed the first glyph,
    /// relative to that glyph's whole-pixel place (egui puts the rest of the
    /// fraction into which of four sub-pixel rasters it draws).
    pen0: f32,
}

/// One token held by the cache: its glyphs and quad vertices are runs of
/// the cache's stores, one after another in the order the tokens were
/// laid out, so composing a page reads a few long runs of memory (the
/// common words come first) instead of three allocations a token; the
/// quads' indices are not stored at all (see [`quad_indices`]).
struct Token {
    /// Where its glyphs are.
    body: Body,
    /// Its glyphs (one a char).
    n_glyphs: u32,
    /// Its quads' vertices, four a quad.
    n_vertices: u32,
    /// Bounds of those vertices.
    bounds: Rect,
    /// See [`Laid::width`].
    width: f32,
    /// See [`Laid::pen0`].
    pen0: f32,
}

/// Where a token's glyphs are kept.
enum Body {
    /// As egui laid the token out.
    Raw {
        /// Its glyphs in [`WordCache::glyphs`]; their `first_vertex` counts
        /// from the token's first vertex.
        glyphs: Run,
        /// Its quads' vertices in [`WordCache::vertices`].
        vertices: Run,
    },
    /// Put together from atoms (see [`super::atoms`]): its glyphs in
    /// [`WordCache::placed`], a few bytes each instead of a glyph and a
    /// quad, all from one small table of atoms.
    Atoms(Run),
}

/// The indices egui gives the quad whose first vertex is `base`: two
/// triangles, (0, 1, 2) and (2, 1, 3).
fn quad_indices(base: u32) -> [u32; 6] {
    [base, base + 1, base + 2, base + 2, base + 1, base + 3]
}

/// Cuts the tokens of `missing`, laid out by egui as one line with a space
/// between each two, out of that line; `None` unless every char has its
/// glyph and every glyph its quad in order (four vertices, six indices).
///
/// egui places a glyph vertically by the tallest line height in its row, so
/// the cut glyphs sit where a token laid out alone would only if every
/// glyph has the same line height (an explicit one in the format, say);
/// otherwise `None` too.
fn cut_line(missing: &[&str], row: &egui::epaint::text::PlacedRow, ppp: f32) -> Option<Vec<Laid>> {
    let glyphs = &row.glyphs;
    let mesh = &row.visuals.mesh;
    let counts: Vec<usize> = missing.iter().map(|t| t.chars().count()).collect();
    let expected = counts.iter().sum::<usize>() + missing.len().saturating_sub(1);
    if glyphs.len() != expected || mesh.indices.len() * 4 != mesh.vertices.len() * 6 {
        return None;
    }
    let line_h = glyphs.first()?.line_height;
    if glyphs.iter().any(|g| g.line_height != line_h) {
        return None;
    }
    // egui's pen, in physical pixels: the advances so far added one by
    // one, as egui adds them (so it rounds the same way).
    let mut pen_px = 0.0f32;
    let mut out = Vec::with_capacity(missing.len());
    let mut g = 0;
    for n in counts {
        let own = glyphs.get(g..g + n)?;
        let first = own.first()?;
        let v0 = first.first_vertex as usize;
        let v1 = glyphs
            .get(g + n)
            .map_or(mesh.vertices.len(), |sep| sep.first_vertex as usize);
        if v0 > v1 || !v0.is_multiple_of(4) || !v1.is_multiple_of(4) {
            return None;
        }
        // egui puts glyphs (and their quads) on whole physical pixels.
        let x0 = (first.pos.x * ppp).round() / ppp;
        let mut indices = mesh.indices.get(v0 / 4 * 6..v1 / 4 * 6)?.to_vec();
        for ix in &mut indices {
            if !(v0..v1).contains(&(*ix as usize)) {
                return None;
            }
            *ix -= v0 as u32;
        }
        let token_mesh = Mesh {
            vertices: mesh
                .vertices
                .get(v0..v1)?
                .iter()
                .map(|v| Vertex {
                    pos: pos2(v.pos.x - x0, v.pos.y),
                    ..*v
                })
                .collect(),
            indices,
            ..Mesh::default()
        };
        // The pen's advance over the token, as egui moves its own pen
        // (glyph positions are whole pixels, so the last glyph's place plus
        // its advance would be off by up to a pixel, and a row of tokens
        // would drift by the sum).
        let width: f32 = own.iter().map(|gl| gl.advance_width).sum();
        let pen0 = pen_px / ppp - x0;
        for gl in own.iter().chain(glyphs.get(g + n)) {
            pen_px += gl.advance_width * ppp;
        }
        out.push(Laid {
            glyphs: own
                .iter()
                .map(|gl| {
                    let mut gl = *gl;
                    gl.pos.x -= x0;
                    gl.first_vertex -= v0 as u32;
                    gl
                })
                .collect(),
            mesh: token_mesh,
            width,
            pen0,
        });
        g += n + 1;
    }
    Some(out)
}

/// A galley of the cache's format, emptied, and one of its rows, emptied:
/// what a composed galley and its rows are cloned from (their private
/// fields are set by egui), with nothing inside for the clone to copy.
struct Template {
    /// No rows, no text.
    galley: Galley,
    /// No glyphs, no quads.
    row: egui::epaint::text::PlacedRow,
    /// The format's row height.
    line_h: f32,
}

impl Template {
    /// From egui's layout of a single space in the format.
    fn of(space: &Galley) -> Option<Self> {
        let first = space.rows.first()?;
        let mut row = egui::epaint::text::Row::clone(&first.row);
        row.glyphs = Vec::new();
        row.visuals = egui::epaint::text::RowVisuals::default();
        let mut placed = first.clone();
        placed.row = Arc::new(row);
        let mut galley = space.clone();
        galley.rows = Vec::new();
        let mut job = (*galley.job).clone();
        job.text = String::new();
        galley.job = Arc::new(job);
        Some(Self {
            galley,
            row: placed,
            line_h: first.size.y,
        })
    }
}

/// Laid-out tokens of one font and size (reset with the layout cache).
#[derive(Default)]
pub struct WordCache {
    /// Position in `tokens` of each token's text. Keys of up to 23 bytes
    /// (nearly every word) are held in the table itself: a lookup reads no
    /// memory but its bucket, where a boxed key cost a second cache miss
    /// for most tokens of a fresh page.
    index: ahash::HashMap<smol_str::SmolStr, u32>,
    tokens: Vec<Token>,
    /// The glyphs of all tokens, each token's a run.
    glyphs: Store<Glyph>,
    /// The quad vertices of all tokens, each token's a run.
    vertices: Store<Vertex>,
    /// The glyphs of tokens put together from atoms, each token's a run.
    placed: Store<Placed>,
    /// Chars laid out alone, and the pair advances learnt.
    atoms: Atoms,
    /// Position in `tokens` of each numbered token of a document cut once
    /// ([`DocTokens`]), or [`UNKNOWN`]; valid for `by_number_key`.
    by_number: Vec<NumberSlot>,
    /// The document's tokens ([`DocTokens::serial`]) and the cache's
    /// generation `by_number` is for.
    by_number_key: Option<(u64, u64)>,
    /// The document and generation [`Self::warm_numbers`] looked the
    /// frequent tokens up for.
    numbers_warmed: Option<(u64, u64)>,
    /// Of those, the ones not held then, for [`Self::warm_numbers_step`]
    /// (the next at the end).
    numbers_queue: Vec<u32>,
    /// What every result is cloned from (see [`Template`]).
    template: Option<Template>,
    /// Counts the times the tokens were dropped: a [`Prepared`] from
    /// before is then stale.
    generation: u64,
    /// Tokens looked up, and how many of them were not held.
    pub lookups: u64,
    /// See `lookups`.
    pub misses: u64,
    /// Of the tokens not held, how many egui shaped (the others were put
    /// together from atoms).
    pub shaped: u64,
    /// The [`atlas_epoch`] the tokens were laid out in.
    epoch: Option<u64>,
    /// The characters rasterized ahead for this font (see [`Self::warm`]).
    warmed: Option<Arc<[char]>>,
    /// The words laid out ahead (see [`Self::warm_words`]).
    warm_words: Option<Arc<[Box<str>]>>,
    /// The words past [`SHAPED_WORDS`] laid out ahead (see
    /// [`Self::warm_rare_words`]).
    warm_rare_words: Option<Arc<[Box<str>]>>,
    /// The letter pairs laid out ahead (see [`Self::warm_pairs`]).
    warm_pairs: Option<Arc<[Box<str>]>>,
    /// Times the tokens were dropped because egui emptied its atlas.
    pub atlas_resets: u64,
}

/// Whether a char is a space a line may break after. No-break spaces
/// (U+00A0, U+2007, U+202F) are not.
fn breaks(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// Whether `list` is not the one in `slot`, which it becomes.
fn first_time(slot: &mut Option<Arc<[Box<str>]>>, list: &Arc<[Box<str>]>) -> bool {
    if slot.as_ref().is_some_and(|w| Arc::ptr_eq(w, list)) {
        return false;
    }
    *slot = Some(list.clone());
    true
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
    // ASCII, Latin-1 letters, Cyrillic letters and general punctuation
    // without the Unicode tables (most chars of most text).
    match c {
        'a'..='z' | 'A'..='Z' => Class::Letter,
        '0'..='9' => Class::Digit,
        ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' => Class::Space,
        c if c.is_ascii() => Class::Other,
        'À'..='Ö' | 'Ø'..='ö' | 'ø'..='ÿ' => Class::Letter,
        '\u{400}'..='\u{481}' | '\u{48a}'..='\u{52f}' => Class::Letter,
        // Dashes, curly quotes, the ellipsis, primes: neither letters nor
        // digits nor spaces.
        '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205e}' => Class::Other,
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

/// How often each token (a word, a punctuation mark, a run of spaces)
/// occurs in `lines`: `(token, count, order of first sight)`, in that order.
pub fn word_counts<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(&'a str, u32, usize)> {
    let mut counts: ahash::HashMap<&str, (u32, usize)> = ahash::HashMap::default();
    for line in lines {
        for t in tokens(line) {
            let Some(word) = line.get(t.range) else {
                continue;
            };
            let next = counts.len();
            counts.entry(word).or_insert((0, next)).0 += 1;
        }
    }
    let mut out: Vec<(&str, u32, usize)> =
        counts.into_iter().map(|(w, (n, at))| (w, n, at)).collect();
    out.sort_unstable_by_key(|&(_, _, at)| at);
    out
}

/// The pairs of adjacent chars inside the words (runs of letters) of
/// `line`, in order, repeats included.
pub fn letter_pairs(line: &str) -> impl Iterator<Item = (char, char)> + '_ {
    tokens(line)
        .into_iter()
        .filter_map(move |t| line.get(t.range))
        .filter(|w| w.chars().next().is_some_and(|c| class(c) == Class::Letter))
        .flat_map(|w| {
            let mut next = w.chars();
            next.next();
            w.chars().zip(next)
        })
}

/// The tokens of `text` as [`WordCache`] cuts it: byte range, and whether
/// it is a run of breaking spaces.
pub fn cut_tokens(text: &str) -> impl Iterator<Item = (std::ops::Range<usize>, bool)> {
    tokens(text).into_iter().map(|t| (t.range, t.space))
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
    // The last char of the current token, and how many regional indicators
    // (flag halves) it ends with.
    let mut last = '\0';
    let mut flag_halves = 0;
    for (i, c) in text.char_indices() {
        let k = class(c);
        if k == Class::Glue && current.is_some() {
            last = c;
            continue;
        }
        let k = if k == Class::Glue { Class::Other } else { k };
        let flag_half = matches!(c as u32, 0x1f1e6..=0x1f1ff);
        // Digits, no-break spaces and other chars are a token each:
        // numbers and punctuation would otherwise fill the cache with
        // combinations (digits are tabular, and the widths of a run and of
        // its chars one by one differ by hundredths of a point). Emoji
        // joined by U+200D and the two halves of a flag stay together.
        let own = match k {
            Class::NoBreak | Class::Digit => true,
            Class::Other => last != '\u{200d}' && !(flag_half && flag_halves % 2 == 1),
            _ => false,
        };
        flag_halves = if flag_half { flag_halves + 1 } else { 0 };
        last = c;
        match current {
            Some(prev) if prev != k || own => {
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
        self.drop_tokens();
        self.atoms.clear();
        self.template = None;
        self.warmed = None;
        self.warm_words = None;
        self.warm_rare_words = None;
        self.warm_pairs = None;
    }

    /// Lays `words` (a document's most frequent, see [`super::vocabulary`])
    /// out in `format`, [`WORDS_PER_JOB`] to an egui job, unless they were
    /// since the cache was last emptied.
    pub fn warm_words(
        &mut self,
        ctx: &egui::Context,
        words: &Arc<[Box<str>]>,
        format: &TextFormat,
    ) {
        if first_time(&mut self.warm_words, words) {
            self.prepare_all(ctx, &words[..words.len().min(SHAPED_WORDS)], format);
        }
    }

    /// The rest of `words` past [`SHAPED_WORDS`], put together from their
    /// chars once [`Self::warm_pairs`] taught the pairs (≈ 10 ms for a
    /// book); unless they were since the cache was last emptied.
    pub fn warm_rare_words(
        &mut self,
        ctx: &egui::Context,
        words: &Arc<[Box<str>]>,
        format: &TextFormat,
    ) {
        if first_time(&mut self.warm_rare_words, words) {
            self.prepare_all(ctx, words.get(SHAPED_WORDS..).unwrap_or_default(), format);
        }
    }

    /// Learns how the font kerns each of `pairs` (two-letter strings, see
    /// [`super::vocabulary::distinct_pairs`]) by laying out those it does
    /// not know, unless it did since the cache was last emptied: the rare
    /// words of a page are then put together from their chars instead of
    /// being shaped (see [`super::atoms`]).
    pub fn warm_pairs(
        &mut self,
        ctx: &egui::Context,
        pairs: &Arc<[Box<str>]>,
        format: &TextFormat,
    ) {
        if first_time(&mut self.warm_pairs, pairs) {
            self.prepare_all(ctx, pairs, format);
        }
    }

    /// [`Self::prepare`] of `texts`, [`WORDS_PER_JOB`] at a time.
    fn prepare_all(&mut self, ctx: &egui::Context, texts: &[Box<str>], format: &TextFormat) {
        let texts: Vec<&str> = texts.iter().map(|w| &**w).collect();
        for chunk in texts.chunks(WORDS_PER_JOB) {
            self.prepare(ctx, chunk, format);
        }
    }

    /// Drops every token if egui emptied its glyph atlas since they were
    /// laid out (see [`atlas_epoch`]); returns whether it did, so the caller
    /// drops what it composed from them too. Call once a frame, before
    /// using the cache.
    pub fn sync_atlas(&mut self, ctx: &egui::Context) -> bool {
        let epoch = atlas_epoch(ctx);
        let stale = self.epoch.is_some_and(|e| e != epoch);
        if stale {
            self.clear();
            self.atlas_resets += 1;
        }
        self.epoch = Some(epoch);
        stale
    }

    /// Rasterizes `chars` in `format`'s font at each of egui's four
    /// sub-pixel offsets, most frequent first, until egui's atlas is
    /// [`WARM_MAX_FILL`] full; once per font and set of chars. The words
    /// laid out later then only need shaping (see [`super::atlas`]), or
    /// not even that: the layouts are kept as atoms (see [`super::atoms`]).
    pub fn warm(&mut self, ctx: &egui::Context, chars: &Arc<[char]>, format: &TextFormat) {
        if self.warmed.as_ref().is_some_and(|w| Arc::ptr_eq(w, chars)) {
            return;
        }
        self.warmed = Some(chars.clone());
        // The chars a font has and that stand alone (not combining marks,
        // joiners or modifiers, which only come after another char), then
        // the Latin ligatures (one glyph for several chars) of those present.
        let font = format.font_id.clone();
        let mut pieces: Vec<String> = ctx.fonts_mut(|f| {
            chars
                .iter()
                .filter(|&&c| class(c) != Class::Glue && f.has_glyph(&font, c))
                .map(char::to_string)
                .collect()
        });
        pieces.extend(
            LIGATURES
                .iter()
                .filter(|l| l.chars().all(|c| chars.contains(&c)))
                .map(|l| (*l).to_owned()),
        );
        for chunk in pieces.chunks(32) {
            if ctx.fonts(|f| f.font_atlas_fill_ratio()) > WARM_MAX_FILL {
                break;
            }
            self.lay_out_alone(ctx, chunk, format);
        }
    }

    /// Lays out each of `pieces` alone on a row at each of egui's four
    /// sub-pixel offsets, in one job: egui rasterizes their glyphs, and
    /// each single char's four layouts are kept as its atoms (see
    /// [`super::atoms`]).
    fn lay_out_alone(&mut self, ctx: &egui::Context, pieces: &[String], format: &TextFormat) {
        let ppp = ctx.pixels_per_point();
        // Each piece alone on a row (egui's pen starts each row at zero),
        // pushed right by a quarter pixel per offset.
        let mut job = LayoutJob::default();
        for bin in 0..4u8 {
            for piece in pieces {
                job.append(piece, f32::from(bin) * 0.25 / ppp, format.clone());
                job.append("\n", 0.0, format.clone());
            }
        }
        let galley = ctx.fonts_mut(|f| f.layout_job(job));
        let n = pieces.len();
        for (k, piece) in pieces.iter().enumerate() {
            let row = |bin: usize| {
                galley
                    .rows
                    .get(bin * n + k)
                    .map_or((&[][..], &[][..]), |r| {
                        (&r.row.glyphs[..], &r.row.visuals.mesh.vertices[..])
                    })
            };
            let rows = [row(0), row(1), row(2), row(3)];
            let mut cs = piece.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) if !self.atoms.knows(c) => self.atoms.add(c, rows, ppp),
                (Some(_), Some(_))
                    if LIGATURES.contains(&piece.as_str()) && !self.atoms.knows_ligature(piece) =>
                {
                    self.atoms.add_ligature(piece, rows, ppp);
                }
                _ => {}
            }
        }
    }

    fn drop_tokens(&mut self) {
        self.index.clear();
        self.tokens.clear();
        self.glyphs.clear();
        self.vertices.clear();
        self.placed.clear();
        self.generation += 1;
    }

    /// Tokens held.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Cuts each of `texts` into tokens and finds their layouts, laying
    /// out those not held yet in one egui job for all the texts: egui's cost
    /// per job (a shaper and its plan, the galley) is paid once, not once
    /// per paragraph or list row. `None` for a text with a token that cannot
    /// be used (egui made more than one row of it, or a glyph count that does
    /// not match its chars).
    pub fn prepare(
        &mut self,
        ctx: &egui::Context,
        texts: &[&str],
        format: &TextFormat,
    ) -> Vec<Option<Prepared>> {
        const MISSING: u32 = u32::MAX;
        let toks: Vec<Vec<Tok>> = texts.iter().map(|t| tokens(t)).collect();
        let n_pieces: usize = toks.iter().map(Vec::len).sum();
        if self.tokens.len() + n_pieces > MAX_WORDS {
            self.drop_tokens();
        }
        self.lookups += n_pieces as u64;
        // One hash per piece when all are held, the usual case. A piece not
        // held is laid out with the others after the pass; where it occurs
        // is noted (text, token, which of `missing`) and patched then.
        let mut missing: Vec<&str> = Vec::new();
        let mut seen: ahash::HashMap<&str, usize> = ahash::HashMap::default();
        let mut pending: Vec<(usize, usize, usize)> = Vec::new();
        let mut ids: Vec<Vec<u32>> = Vec::with_capacity(texts.len());
        for (i, (text, toks)) in texts.iter().zip(&toks).enumerate() {
            let mut these = Vec::with_capacity(toks.len());
            for (k, t) in toks.iter().enumerate() {
                let piece = &text[t.range.clone()];
                let id = self.index.get(piece).copied().unwrap_or_else(|| {
                    let m = *seen.entry(piece).or_insert_with(|| {
                        missing.push(piece);
                        missing.len() - 1
                    });
                    pending.push((i, k, m));
                    MISSING
                });
                these.push(id);
            }
            ids.push(these);
        }
        if !missing.is_empty() {
            self.misses += missing.len() as u64;
            let found = self.add_missing(ctx, &missing, format, true);
            for (i, k, m) in pending {
                if let (Some(id), Some(&Some(f))) =
                    (ids.get_mut(i).and_then(|v| v.get_mut(k)), found.get(m))
                {
                    *id = f;
                }
            }
        }
        let generation = self.generation;
        toks.into_iter()
            .zip(ids)
            .map(|(toks, ids)| {
                (!ids.contains(&MISSING)).then_some(Prepared {
                    toks,
                    ids,
                    generation,
                })
            })
            .collect()
    }

    /// [`Self::prepare`] for blocks `blocks` of a document cut once into
    /// numbered tokens: a token's layout is found by its number in an
    /// array, not by cutting the text and hashing each token. `None` for a
    /// block `doc` does not have.
    pub fn prepare_blocks(
        &mut self,
        ctx: &egui::Context,
        doc: &Arc<DocTokens>,
        blocks: &[usize],
        format: &TextFormat,
    ) -> Vec<Option<Prepared>> {
        let numbers: Vec<Option<&[u32]>> = blocks.iter().map(|&p| doc.block(p)).collect();
        let n_pieces: usize = numbers.iter().flatten().map(|b| b.len()).sum();
        if self.tokens.len() + n_pieces > MAX_WORDS {
            self.drop_tokens();
        }
        self.lookups += n_pieces as u64;
        self.number(doc);
        let generation = self.generation;
        // One pass over the tokens: each number's slot gives its layout
        // and its length (one read, not three); a number seen for the first
        // time is looked up by its text, and one not held is laid out with
        // the others after the pass, its places in the blocks patched then.
        let mut missing: Vec<u32> = Vec::new();
        let mut pending: Vec<(usize, usize, u32)> = Vec::new();
        let mut out: Vec<Option<Prepared>> = Vec::with_capacity(numbers.len());
        for (b, numbers) in numbers.into_iter().enumerate() {
            let block = numbers.and_then(|numbers| {
                let mut toks = Vec::with_capacity(numbers.len());
                let mut ids = Vec::with_capacity(numbers.len());
                let (mut at, mut after_space) = (0, true);
                for (k, &n) in numbers.iter().enumerate() {
                    let slot = self.slot(doc, n, &mut missing)?;
                    if slot.id == PENDING {
                        pending.push((b, k, n));
                    }
                    let (len, space) = ((slot.piece >> 1) as usize, slot.piece & 1 == 1);
                    toks.push(Tok {
                        range: at..at + len,
                        space,
                        word_start: !space && after_space,
                    });
                    (at, after_space) = (at + len, space);
                    ids.push(slot.id);
                }
                Some(Prepared {
                    toks,
                    ids,
                    generation,
                })
            });
            out.push(block);
        }
        if !missing.is_empty() {
            self.misses += missing.len() as u64;
            self.add_numbers(ctx, doc, missing, format);
            for (b, k, n) in pending {
                let id = self.by_number.get(n as usize).map_or(UNKNOWN, |s| s.id);
                let Some(block) = out.get_mut(b) else {
                    continue;
                };
                match block.as_mut().and_then(|p| p.ids.get_mut(k)) {
                    Some(slot) if id < PENDING => *slot = id,
                    _ => *block = None,
                }
            }
        }
        out
    }

    /// The slot of `doc`'s token `n`, filled in on its first sight: its
    /// length, and its layout found by its text, or [`PENDING`] with `n`
    /// added to `missing` if the cache does not hold it. `None` for a
    /// number `doc` does not have.
    fn slot(&mut self, doc: &DocTokens, n: u32, missing: &mut Vec<u32>) -> Option<&mut NumberSlot> {
        let slot = self.by_number.get_mut(n as usize)?;
        if slot.id == UNKNOWN {
            let (len, space) = doc.piece(n)?;
            slot.piece = u32::try_from(len).ok()? << 1 | u32::from(space);
            slot.id = match doc.text(n).and_then(|t| self.index.get(t)) {
                Some(&i) => i,
                None => {
                    missing.push(n);
                    PENDING
                }
            };
        }
        Some(slot)
    }

    /// Lays out `doc`'s tokens `missing` (their slots [`PENDING`]) and
    /// fills in their slots; one egui could not take goes back to
    /// [`UNKNOWN`] (and is tried again, as [`Self::prepare`] tries it).
    fn add_numbers(
        &mut self,
        ctx: &egui::Context,
        doc: &DocTokens,
        missing: Vec<u32>,
        format: &TextFormat,
    ) {
        let texts: Vec<&str> = missing.iter().map(|&n| doc.text(n).unwrap_or("")).collect();
        // Found by number from now on: not entered by text too.
        let ids = self.add_missing(ctx, &texts, format, false);
        for (n, found) in missing.into_iter().zip(ids) {
            if let Some(slot) = self.by_number.get_mut(n as usize) {
                slot.id = found.unwrap_or(UNKNOWN);
            }
        }
    }

    /// Readies `by_number` for `doc` and the cache's generation.
    fn number(&mut self, doc: &DocTokens) {
        let key = (doc.serial(), self.generation);
        if self.by_number_key != Some(key) {
            self.by_number.clear();
            self.by_number
                .resize(doc.vocab_len(), NumberSlot::default());
            self.by_number_key = Some(key);
        }
    }

    /// Finds the layouts of `doc`'s most frequent tokens by their numbers,
    /// once per numbering and generation of the cache: most are held by
    /// text already ([`Self::warm_words`], [`Self::warm_rare_words`]), and
    /// a fresh page would otherwise hash each of them on its first sight.
    /// Those not held (the words held by text are counted in a sample of
    /// the text) are queued for [`Self::warm_numbers_step`]. For the
    /// generated book: 25,649 tokens looked up in ≈ 1 ms, 10,364 queued
    /// (putting them together at once took 4–5 ms).
    pub fn warm_numbers(&mut self, doc: &Arc<DocTokens>) {
        let key = (doc.serial(), self.generation);
        if self.numbers_warmed == Some(key) {
            return;
        }
        self.numbers_warmed = Some(key);
        self.numbers_queue.clear();
        if self.tokens.len() + doc.frequent().len() > MAX_WORDS {
            return;
        }
        self.number(doc);
        let mut missing: Vec<u32> = Vec::new();
        for &n in doc.frequent() {
            self.slot(doc, n, &mut missing);
        }
        // Not pending until a step or a page lays them out.
        for &n in &missing {
            if let Some(slot) = self.by_number.get_mut(n as usize) {
                slot.id = UNKNOWN;
            }
        }
        // Most frequent first: popped from the end.
        missing.reverse();
        self.numbers_queue = missing;
    }

    /// Lays out up to [`NUMBERS_PER_STEP`] of the tokens
    /// [`Self::warm_numbers`] queued (≈ 0.05 ms), those a page has not
    /// laid out since; returns whether any are left. For frames that lay
    /// nothing else out.
    pub fn warm_numbers_step(
        &mut self,
        ctx: &egui::Context,
        doc: &Arc<DocTokens>,
        format: &TextFormat,
    ) -> bool {
        let key = (doc.serial(), self.generation);
        if self.numbers_warmed != Some(key) || self.by_number_key != Some(key) {
            return false;
        }
        let take = self.numbers_queue.len().min(NUMBERS_PER_STEP);
        if take == 0 {
            return false;
        }
        if self.tokens.len() + take > MAX_WORDS {
            self.numbers_queue.clear();
            return false;
        }
        let batch = self
            .numbers_queue
            .split_off(self.numbers_queue.len() - take);
        let mut missing: Vec<u32> = Vec::new();
        for n in batch.into_iter().rev() {
            self.slot(doc, n, &mut missing);
        }
        if !missing.is_empty() {
            self.add_numbers(ctx, doc, missing, format);
        }
        !self.numbers_queue.is_empty()
    }

    /// Makes the layouts of `missing` (distinct tokens not held): put
    /// together from atoms where their chars and pairs are known (see
    /// [`super::atoms`]), the others shaped by egui, in one job. Returns
    /// each token's place in `tokens` (`None` for one egui could not take).
    /// Those put together are entered in the map by text only if
    /// `by_text` (a token a document's numbering finds needs no entry).
    fn add_missing(
        &mut self,
        ctx: &egui::Context,
        missing: &[&str],
        format: &TextFormat,
        by_text: bool,
    ) -> Vec<Option<u32>> {
        let ppp = ctx.pixels_per_point();
        // Chars never laid out alone: all of them in one job, once.
        let mut new_chars: Vec<String> = Vec::new();
        let mut seen = ahash::HashSet::default();
        for c in missing.iter().flat_map(|t| t.chars()) {
            if !self.atoms.knows(c) && class(c) != Class::Glue && seen.insert(c) {
                new_chars.push(c.to_string());
            }
        }
        if !new_chars.is_empty() {
            self.lay_out_alone(ctx, &new_chars, format);
        }
        let mut ids = vec![None; missing.len()];
        let mut placed = Vec::new();
        let mut shape = Vec::new();
        for (id, &t) in ids.iter_mut().zip(missing) {
            match self.atoms.compose(t, 0.0, ppp, &mut placed) {
                Some(width) => *id = self.insert_atoms(t, &placed, width, ppp, by_text),
                None => shape.push(t),
            }
        }
        if !shape.is_empty() {
            self.shaped += shape.len() as u64;
            self.lay_out(ctx, &shape, format);
            for (id, &t) in ids.iter_mut().zip(missing) {
                if id.is_none() {
                    *id = self.index.get(t).copied();
                }
            }
        }
        ids
    }

    /// Keeps `placed` (from [`Atoms::compose`], pen origin at 0) as the
    /// layout of token `text`, found by its text later if `by_text`.
    fn insert_atoms(
        &mut self,
        text: &str,
        placed: &[Placed],
        width: f32,
        ppp: f32,
        by_text: bool,
    ) -> Option<u32> {
        let (Some(run), Ok(n)) = (self.placed.push(placed), u32::try_from(placed.len())) else {
            return None;
        };
        let id = u32::try_from(self.tokens.len()).ok()?;
        let inked = u32::try_from(self.atoms.inked(placed)).ok()?;
        if by_text {
            self.index.insert(smol_str::SmolStr::new(text), id);
        }
        self.tokens.push(Token {
            body: Body::Atoms(run),
            n_glyphs: n,
            n_vertices: inked * 4,
            bounds: self.atoms.bounds(placed, ppp),
            width,
            pen0: 0.0,
        });
        Some(id)
    }

    /// Lays out `missing` (distinct tokens not held) with egui and keeps
    /// those that come out with a glyph per char.
    ///
    /// They go to egui as one line, a space between tokens: egui builds a
    /// shaper and compiles its plan for every run of text it shapes, so a
    /// line per token would pay that once per word. Each token's glyphs and
    /// quads are then cut out of the line and moved to start at zero.
    fn lay_out(&mut self, ctx: &egui::Context, missing: &[&str], format: &TextFormat) {
        let joined = missing.join(" ");
        let need_template = self.template.is_none();
        let (galley, template) = ctx.fonts_mut(|f| {
            let galley = f.layout_job(LayoutJob::single_section(joined, format.clone()));
            let template = need_template
                .then(|| f.layout_job(LayoutJob::single_section(" ".into(), format.clone())));
            (galley, template)
        });
        if let Some(t) = template {
            self.template = Template::of(&t);
        }
        let ppp = ctx.pixels_per_point();
        let cut = match galley.rows.as_slice() {
            [row] => cut_line(missing, row, ppp),
            _ => None,
        };
        match cut {
            Some(laid) => {
                for (t, laid) in missing.iter().zip(laid) {
                    self.insert(t, laid, ppp);
                }
            }
            // Which token egui could not take is not known: each goes alone
            // (and that one is left out).
            None if missing.len() > 1 => {
                for t in missing {
                    self.lay_out(ctx, &[t], format);
                }
            }
            None => {}
        }
    }

    /// Keeps `laid` as the layout of token `text`: put together from atoms
    /// if it comes out of them as egui shaped it (the pairs it teaches are
    /// kept for the words to come), else its glyphs and vertices appended
    /// to the stores; left out (so texts with it go to egui whole) unless
    /// its quads are indexed as egui indexes them.
    fn insert(&mut self, text: &str, laid: Laid, ppp: f32) {
        if self.atoms.learn(text, &laid.glyphs, laid.pen0, ppp) {
            let mut placed = Vec::with_capacity(laid.glyphs.len());
            if let Some(width) = self.atoms.compose(text, 0.0, ppp, &mut placed) {
                self.insert_atoms(text, &placed, width, ppp, true);
                return;
            }
        }
        let n = laid.mesh.vertices.len();
        let indexed = n.is_multiple_of(4)
            && laid.mesh.indices.len() == n / 4 * 6
            && (laid.mesh.indices.chunks_exact(6).zip(0u32..))
                .all(|(ix, q)| ix == quad_indices(q * 4));
        if !indexed {
            return;
        }
        let (Some(glyphs), Some(vertices)) = (
            self.glyphs.push(&laid.glyphs),
            self.vertices.push(&laid.mesh.vertices),
        ) else {
            return;
        };
        let (Ok(n_glyphs), Ok(n_vertices)) = (u32::try_from(glyphs.len()), u32::try_from(n)) else {
            return;
        };
        self.index
            .insert(smol_str::SmolStr::new(text), self.tokens.len() as u32);
        self.tokens.push(Token {
            body: Body::Raw { glyphs, vertices },
            n_glyphs,
            n_vertices,
            bounds: laid.mesh.calc_bounds(),
            width: laid.width,
            pen0: laid.pen0,
        });
    }

    /// [`Self::prepare`] for lines to lay out with [`Self::compose_line`]:
    /// their words and the ellipsis in one egui job.
    pub fn prepare_lines(
        &mut self,
        ctx: &egui::Context,
        lines: &[&str],
        format: &TextFormat,
    ) -> Vec<Option<Prepared>> {
        let mut texts = Vec::with_capacity(lines.len() + 1);
        texts.extend_from_slice(lines);
        texts.push(ELLIPSIS);
        let mut prepared = self.prepare(ctx, &texts, format);
        prepared.pop();
        prepared
    }

    /// The tokens at `ids` (from [`Self::prepare`]).
    /// `None` if the cache dropped its tokens since.
    fn resolve(&self, prepared: &Prepared) -> Option<Vec<&Token>> {
        if prepared.generation != self.generation {
            return None;
        }
        // Collected into a vector of the right size (an `Option<Vec>`
        // collect cannot know it, and grows it by doubling).
        let mut out = Vec::with_capacity(prepared.ids.len());
        for &i in &prepared.ids {
            let t = self.tokens.get(i as usize)?;
            super::store::prefetch(t);
            out.push(t);
        }
        Some(out)
    }

    #[cfg(test)]
    /// Lays out a paragraph (no `\n`) wrapped at `wrap` points from its
    /// [`Prepared`] tokens, or `None` if it needs egui's own layout (see the
    /// module docs) or the cache dropped its tokens since it was prepared.
    pub fn compose(
        &self,
        ctx: &egui::Context,
        text: &str,
        prepared: &Prepared,
        wrap: f32,
    ) -> Option<Arc<Galley>> {
        if text.is_empty() || text.contains('\n') {
            return None;
        }
        let plan = self.plan(prepared, wrap)?;
        let ppp = ctx.pixels_per_point();
        self.build_rows(text, &plan, 0..plan.rows(), None, ppp)
    }

    /// [`Self::compose`] with no row built yet, and its [`Plan`]: the rows
    /// are built as they come into view ([`Self::build_rows`]).
    pub fn compose_planned(
        &self,
        ctx: &egui::Context,
        text: &str,
        prepared: &Prepared,
        wrap: f32,
    ) -> Option<(Arc<Galley>, Plan)> {
        if text.is_empty() || text.contains('\n') {
            return None;
        }
        let plan = self.plan(prepared, wrap)?;
        let ppp = ctx.pixels_per_point();
        let galley = self.build_rows(text, &plan, 0..0, None, ppp)?;
        Some((galley, plan))
    }

    /// Lays out one line, cut after the last whole word that fits in
    /// `max_width` together with an ellipsis when the whole line does not
    /// (a list row). `None` if a token cannot be used.
    pub fn layout_line(
        &mut self,
        ctx: &egui::Context,
        text: &str,
        format: &TextFormat,
        max_width: f32,
    ) -> Option<Arc<Galley>> {
        let line = self.prepare_lines(ctx, &[text], format).pop()??;
        self.compose_line(ctx, text, &line, max_width)
    }

    /// The part of `line` worth preparing for a row `max_width` wide: up to
    /// the first space after its chars' own advances pass the width (and a
    /// margin for kerning, which only ever takes a little), or all of it if
    /// it is short or a char has no atoms to tell its advance. A list row
    /// shows some 40 chars of an 80-char label; the rest would be looked up
    /// and laid out for nothing.
    pub fn fitting_prefix<'a>(&self, line: &'a str, max_width: f32) -> &'a str {
        let enough = max_width * 1.03 + 4.0;
        let space = self
            .index
            .get(" ")
            .and_then(|&i| self.tokens.get(i as usize))
            .map(|t| t.width);
        let mut x = 0.0f32;
        for (i, c) in line.char_indices() {
            let advance = if breaks(c) {
                if x > enough {
                    return &line[..i];
                }
                space
            } else if class(c) == Class::Glue {
                Some(0.0)
            } else {
                self.atoms.advance(c)
            };
            match advance {
                Some(a) => x += a,
                None => return line,
            }
        }
        line
    }

    /// [`Self::layout_line`] from the line's [`Prepared`] tokens (from
    /// [`Self::prepare_lines`]), which may be those of a prefix of `text`
    /// (see [`Self::fitting_prefix`]): the line is then cut.
    pub fn compose_line(
        &self,
        ctx: &egui::Context,
        text: &str,
        line: &Prepared,
        max_width: f32,
    ) -> Option<Arc<Galley>> {
        if text.is_empty() || text.contains('\n') {
            return None;
        }
        let toks = &line.toks;
        let ppp = ctx.pixels_per_point();
        let laid = self.resolve(line)?;
        let ellipsis = *self.index.get(ELLIPSIS)?;
        let ellipsis_w = self.tokens.get(ellipsis as usize)?.width;
        // How many tokens are shown: all, or the whole words that fit with
        // the ellipsis, without the space before it.
        let total: f32 = laid.iter().map(|t| t.width).sum();
        let partial = toks.last().map_or(0, |t| t.range.end) < text.len();
        let cut = partial || total > max_width;
        let mut kept = laid.len();
        if cut {
            let room = max_width - ellipsis_w;
            let mut x = 0.0f32;
            kept = 0;
            for (k, tok) in laid.iter().enumerate() {
                if toks[k].word_start && x + word_at(toks, &laid, k).1 > room {
                    break;
                }
                x += tok.width;
                kept = k + 1;
            }
            while kept > 0 && toks[kept - 1].space {
                kept -= 1;
            }
        }
        let mut ids = line.ids.get(..kept)?.to_vec();
        let end = kept.checked_sub(1).map_or(0, |k| toks[k].range.end);
        let mut shown = text[..end].to_owned();
        if cut {
            ids.push(ellipsis);
            shown.push_str(ELLIPSIS);
        }
        let plan = self.plan_line(&ids)?;
        self.build_painted_line(&shown, &plan, ppp)
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

#[cfg(test)]
mod tests {
    use super::super::geometry::LaidOut;
    use super::*;

    /// The seed article, and the article view's format.
    fn seed_and_format() -> (&'static str, TextFormat) {
        let seed = include_str!("../../../assets/articles/tufts-now-russia-ukraine-interview.txt");
        let mut format =
            TextFormat::simple(egui::FontId::proportional(16.0), egui::Color32::PLACEHOLDER);
        format.line_height = Some(24.0);
        (seed, format)
    }

    /// Runs `f` in one frame of a headless egui context (fonts, no GPU).
    fn with_ui(f: impl FnMut(&mut egui::Ui)) {
        let ctx = egui::Context::default();
        let mut out = ctx.run_ui(egui::RawInput::default(), f);
        // No GPU here to take the font atlas changes.
        out.textures_delta.clear();
    }

    #[test]
    fn a_warm_cache_lays_out_no_frequent_word_again() {
        with_ui(|ui| {
            let font = egui::FontId::proportional(15.0);
            let format = TextFormat::simple(font, egui::Color32::PLACEHOLDER);
            let text = "the cat sat on the mat\nthe dog sat on the cat\nmats and dogs";
            let words: Arc<[Box<str>]> = super::super::vocabulary::frequent_words(text, 100).into();
            let mut cache = WordCache::default();
            cache.warm_words(ui, &words, &format);
            let held = cache.len();
            assert!(held >= 9, "{held}");
            let misses = cache.misses;
            let page = ["the mat and the dog sat", "cats on mats"];
            let prepared = cache.prepare(ui, &page, &format);
            assert!(prepared.iter().all(Option::is_some));
            // Only "cats" is new.
            assert_eq!(cache.misses - misses, 1);
            // Warming again with the same list does nothing.
            cache.warm_words(ui, &words, &format);
            assert_eq!(cache.misses - misses, 1);
        });
    }

    /// Past the [`SHAPED_WORDS`] most frequent words, a cache is warmed
    /// with the rest of a document's words after the pairs: put together
    /// from their chars, hardly any shaped, and a page of them then brings
    /// no new word.
    #[test]
    fn the_rare_words_are_put_together_ahead_after_the_pairs() {
        // More distinct words than egui shapes ahead, each twice or more,
        // in Latin and Cyrillic letters; more frequent ones first.
        let letters: Vec<char> = "etaoinsrhldcumfpgwybvkмирдоскан".chars().collect();
        let word = |mut i: usize| {
            let mut w = String::new();
            loop {
                w.push(letters[i % letters.len()]);
                i /= letters.len();
                if i == 0 {
                    break w;
                }
            }
        };
        let n = SHAPED_WORDS + 1500;
        let mut text = String::new();
        for i in 0..n {
            let w = word(i + letters.len());
            for _ in 0..(2 + (n - i) / 1000) {
                text.push_str(&w);
                text.push(' ');
            }
            if i % 12 == 11 {
                text.push('\n');
            }
        }
        let (_, format) = seed_and_format();
        let words: Arc<[Box<str>]> = super::super::vocabulary::frequent_words(&text, n + 10).into();
        let pairs: Arc<[Box<str>]> = super::super::vocabulary::distinct_pairs(&text).into();
        assert!(words.len() > SHAPED_WORDS + 1000, "{}", words.len());
        with_ui(|ui| {
            let mut cache = WordCache::default();
            cache.warm_words(ui, &words, &format);
            let shaped_words = cache.shaped;
            assert!(shaped_words <= SHAPED_WORDS as u64, "{shaped_words}");
            let rare = &words[SHAPED_WORDS..];
            assert!(rare.iter().all(|w| !cache.index.contains_key(&**w)));
            cache.warm_pairs(ui, &pairs, &format);
            let shaped_pairs = cache.shaped;
            cache.warm_rare_words(ui, &words, &format);
            // Every rare word held, nearly all put together from their
            // chars (egui shapes one with a pair whose kerning was seen to
            // depend on more than the pair).
            let shaped_rare = cache.shaped - shaped_pairs;
            assert!(
                shaped_rare * 20 <= rare.len() as u64,
                "{shaped_rare} shaped"
            );
            assert!(rare.iter().all(|w| cache.index.contains_key(&**w)));
            // The last paragraph, of the rarest words: nothing new.
            let page = text.lines().last().expect("a paragraph");
            let misses = cache.misses;
            let prepared = cache.prepare(ui, &[page], &format);
            assert!(prepared[0].is_some());
            assert_eq!(cache.misses, misses);
            // Put together, a word comes out as egui shapes it.
            let w = &*rare[rare.len() - 1];
            let held = cache.prepare(ui, &[w], &format);
            let g = cache.compose(ui, w, held[0].as_ref().expect("held"), 500.0);
            let shaped =
                ui.fonts_mut(|f| f.layout_job(LayoutJob::single_section(w.into(), format.clone())));
            let xs =
                |g: &Galley| -> Vec<f32> { g.rows[0].glyphs.iter().map(|gl| gl.pos.x).collect() };
            let composed = g.expect("composed");
            let (a, b) = (xs(&composed), xs(&shaped));
            assert_eq!(a.len(), b.len());
            assert!(
                a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 0.5),
                "{a:?} {b:?}"
            );
        });
    }

    #[test]
    fn tokens_are_kept_in_the_stores_only_with_egui_quad_indices() {
        let quad = |mesh: &mut Mesh, x: f32| {
            let i = mesh.vertices.len() as u32;
            for (dx, dy) in [(0.0, 0.0), (5.0, 0.0), (0.0, 9.0), (5.0, 9.0)] {
                mesh.vertices.push(Vertex {
                    pos: pos2(x + dx, dy),
                    uv: pos2(0.0, 0.0),
                    color: egui::Color32::WHITE,
                });
            }
            mesh.indices.extend_from_slice(&quad_indices(i));
        };
        let laid = |mesh: Mesh| Laid {
            glyphs: Vec::new(),
            mesh,
            width: 12.0,
            pen0: 0.0,
        };
        let mut cache = WordCache::default();
        let mut two = Mesh::default();
        quad(&mut two, 0.0);
        quad(&mut two, 6.0);
        cache.insert("ab", laid(two.clone()), 1.0);
        let mut swapped = two.clone();
        swapped.indices.swap(0, 1);
        cache.insert("ba", laid(swapped), 1.0);
        let mut loose = two;
        loose.vertices.pop();
        cache.insert("a", laid(loose), 1.0);
        assert_eq!(cache.len(), 1);
        let t = &cache.tokens[cache.index["ab"] as usize];
        assert_eq!(t.n_vertices, 8);
        let Body::Raw { vertices, .. } = &t.body else {
            panic!("not as egui laid it out");
        };
        assert_eq!(cache.vertices.get(vertices).map(<[_]>::len), Some(8));
        // Refused tokens left nothing in the stores.
        assert_eq!(cache.vertices.len(), 8);
        assert_eq!(
            t.bounds,
            Rect::from_min_max(pos2(0.0, 0.0), pos2(11.0, 9.0))
        );
        assert!(!cache.index.contains_key("ba") && !cache.index.contains_key("a"));
    }

    #[test]
    fn the_shortcuts_class_chars_as_the_unicode_tables_do() {
        for c in (0u32..0x2100).filter_map(char::from_u32) {
            assert_eq!(class(c), unicode_class(c), "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn tokens_cover_the_text_and_split_words_from_punctuation_and_digits() {
        let text = "“Curly” — em\u{a0}dash,  1987\ttwo 👩‍🔬 e\u{301}t end 🇺🇦🇺🇦 👍, ";
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
                "1",
                "9",
                "8",
                "7",
                "\t",
                "two",
                " ",
                "👩‍🔬",
                " ",
                "e\u{301}t",
                " ",
                "end",
                " ",
                "🇺🇦",
                "🇺🇦",
                " ",
                "👍",
                ",",
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
            [
                "“",
                "—",
                "em",
                "1",
                "two",
                "👩‍🔬",
                "e\u{301}t",
                "end",
                "🇺🇦",
                "👍"
            ]
        );
        assert!(toks.iter().all(|t| !t.space || !t.word_start));
    }

    /// Lays out every paragraph of the seed interview both ways, in a
    /// headless egui frame, and compares.
    #[test]
    fn composed_paragraphs_hold_every_char_in_order_and_wrap_like_egui() {
        let seed = include_str!("../../../assets/articles/tufts-now-russia-ukraine-interview.txt");
        let mut checked = 0;
        with_ui(|ui| {
            let mut cache = WordCache::default();
            let mut format =
                TextFormat::simple(egui::FontId::proportional(15.0), egui::Color32::PLACEHOLDER);
            format.line_height = Some(22.0);
            let wrap = 420.0;
            let paras: Vec<&str> = seed.split('\n').filter(|p| !p.trim().is_empty()).collect();
            // All paragraphs' words in one batch, as a fresh screen does.
            let prepared = cache.prepare(ui, &paras, &format);
            assert_eq!(prepared.len(), paras.len());
            for (para, prep) in paras.iter().copied().zip(&prepared) {
                let prep = prep.as_ref().expect("every token usable");
                let g = cache.compose(ui, para, prep, wrap).expect("composed");
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
        assert!(checked > 10, "the seed has paragraphs");
    }

    /// A paragraph's rows built a few at a time, as they come into view,
    /// are the rows of the paragraph built at once; before they are built
    /// the plan puts each token where its glyphs go, and a click finds the
    /// same char either way.
    #[test]
    fn rows_built_as_they_come_into_view_match_rows_built_at_once() {
        let (seed, format) = seed_and_format();
        let paras: Vec<&str> = seed.lines().filter(|l| l.chars().count() > 300).collect();
        let wrap = 420.0;
        let mut checked = 0;
        with_ui(|ui| {
            let ppp = ui.ctx().pixels_per_point();
            let mut cache = WordCache::default();
            let prepared = cache.prepare(ui, &paras, &format);
            for (para, prep) in paras.iter().copied().zip(&prepared) {
                let prep = prep.as_ref().expect("every token usable");
                let whole = cache.compose(ui, para, prep, wrap).expect("composed");
                let (bare, plan) = cache
                    .compose_planned(ui, para, prep, wrap)
                    .expect("planned");
                let n = whole.rows.len();
                assert!(n >= 4, "a paragraph of several rows");
                // The same size, rows, row starts and text; no glyph yet.
                assert_eq!(bare.rect, whole.rect);
                assert_eq!(bare.text(), para);
                assert_eq!(plan.rows(), n);
                assert!(bare.rows.iter().all(|r| r.glyphs.is_empty()));
                let full = LaidOut::new(whole.clone());
                let lazy = LaidOut::planned(bare.clone(), plan.clone());
                assert_eq!(lazy.row_starts, full.row_starts);
                assert_eq!(lazy.chars, full.chars);
                assert_eq!(lazy.unbuilt(0..n), Some(0..n));
                // Unbuilt, each word starts and ends where its glyphs will
                // (to the half pixel egui's snapping moves them), and a
                // click on its first char finds it.
                let mut c = 0;
                for t in &prep.toks {
                    let n_chars = para[t.range.clone()].chars().count();
                    if t.space {
                        // A row's last space ends past the row's width:
                        // it has no rectangle worth comparing.
                        c += n_chars;
                        continue;
                    }
                    let mut a = Vec::new();
                    let mut b = Vec::new();
                    full.range_rects(c..c + n_chars, &mut a);
                    lazy.range_rects(c..c + n_chars, &mut b);
                    assert_eq!(a.len(), b.len(), "{:?}", &para[t.range.clone()]);
                    for (ra, rb) in a.iter().zip(&b) {
                        assert!(
                            (ra.left() - rb.left()).abs() <= 0.5 + 1.0 / ppp,
                            "{ra:?} {rb:?}"
                        );
                        assert!(
                            (ra.right() - rb.right()).abs() <= 0.5 + 1.0 / ppp,
                            "{ra:?} {rb:?}"
                        );
                        assert_eq!(ra.y_range(), rb.y_range());
                    }
                    if let Some(r) = a.first() {
                        let probe = egui::pos2(r.left() + 1.0, r.center().y);
                        assert_eq!(lazy.gap_at(probe), full.gap_at(probe));
                        assert_eq!(lazy.char_at(probe), full.char_at(probe));
                    }
                    c += n_chars;
                }
                // Built in three steps, from the middle out, the rows are
                // those of the whole build, and so are the galley's bounds.
                let mid = n / 2;
                let g1 = cache
                    .build_rows(para, &plan, mid..mid + 1, Some(&bare), ppp)
                    .expect("built");
                assert!(!g1.rows[mid].glyphs.is_empty() && g1.rows[0].glyphs.is_empty());
                let g2 = cache
                    .build_rows(para, &plan, mid..n, Some(&g1), ppp)
                    .expect("built");
                // The row built already is kept, not built again.
                assert!(Arc::ptr_eq(&g1.rows[mid].row, &g2.rows[mid].row));
                let g3 = cache
                    .build_rows(para, &plan, 0..n, Some(&g2), ppp)
                    .expect("built");
                for (a, b) in g3.rows.iter().zip(&whole.rows) {
                    assert_eq!(a.pos, b.pos);
                    assert_eq!(a.size, b.size);
                    assert_eq!(a.glyphs, b.glyphs);
                    assert_eq!(a.visuals.mesh.vertices, b.visuals.mesh.vertices);
                    assert_eq!(a.visuals.mesh.indices, b.visuals.mesh.indices);
                }
                assert_eq!(g3.mesh_bounds, whole.mesh_bounds);
                assert_eq!(g3.num_vertices, whole.num_vertices);
                assert_eq!(LaidOut::planned(g3, plan.clone()).unbuilt(0..n), None);
                // Built without glyphs, in two steps, the rows have the same
                // quads, their chars' boxes are where the glyphs are, and
                // every question of geometry gets the same answer.
                let mut lean = lazy;
                for want in [mid..mid + 2, 0..n] {
                    let (g, boxes) = cache
                        .build_rows_lean(para, &plan, want, &lean.galley, |i| lean.is_built(i), ppp)
                        .expect("built");
                    lean.set_built(g, boxes);
                }
                assert_eq!(lean.unbuilt(0..n), None);
                for ((a, w), b) in lean.galley.rows.iter().zip(&whole.rows).zip(&lean.boxes) {
                    assert!(a.glyphs.is_empty());
                    assert_eq!(a.pos, w.pos);
                    assert!(a.visuals.mesh.vertices == w.visuals.mesh.vertices, "{para}");
                    assert_eq!(a.visuals.mesh.indices, w.visuals.mesh.indices);
                    let at: Vec<[f32; 2]> = w
                        .glyphs
                        .iter()
                        .map(|g| [g.pos.x, g.advance_width])
                        .collect();
                    assert_eq!(b.as_ref(), Some(&at), "{para}");
                }
                assert_eq!(lean.galley.mesh_bounds, whole.mesh_bounds);
                for c in 0..full.chars {
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    lean.range_rects(c..c + 1, &mut a);
                    full.range_rects(c..c + 1, &mut b);
                    assert_eq!(a, b, "char {c}");
                }
                for row in &whole.rows {
                    let y = row.rect().center().y;
                    for k in -8..((wrap / 0.75) as i32 + 16) {
                        let p = egui::pos2(k as f32 * 0.75, y);
                        assert_eq!(lean.gap_at(p), full.gap_at(p), "{p:?}");
                        assert_eq!(lean.char_at(p), full.char_at(p), "{p:?}");
                    }
                }
                checked += 1;
            }
            // A plan of tokens the cache has dropped since is not built.
            let prep = prepared[0].as_ref().expect("usable");
            let (bare, plan) = cache
                .compose_planned(ui, paras[0], prep, wrap)
                .expect("planned");
            cache.drop_tokens();
            assert!(cache.template.is_some());
            assert!(
                cache
                    .build_rows(paras[0], &plan, 0..1, Some(&bare), ppp)
                    .is_none()
            );
        });
        assert!(checked >= 3, "the seed has long paragraphs");
    }

    /// Words cut out of one shared egui line match the same words laid
    /// out alone: the same glyphs at the same height and in the same places
    /// (but for kerning next to punctuation), the same advance to within a
    /// pixel, and quads within the pixel or two of their sub-pixel raster.
    #[test]
    fn words_cut_from_a_shared_line_match_words_laid_out_alone() {
        with_ui(|ui| {
            let mut format =
                TextFormat::simple(egui::FontId::proportional(15.0), egui::Color32::PLACEHOLDER);
            format.line_height = Some(22.0);
            let words = [
                "“Finlandization”",
                "Toft",
                "Україна",
                "Napoleon’s",
                "1812",
                "—",
                "AVATAR",
                "e\u{301}t",
            ];
            let mut cache = WordCache::default();
            let prepared = cache.prepare(ui, &words, &format);
            for (w, prep) in words.iter().zip(&prepared) {
                let prep = prep.as_ref().expect("usable");
                let ours = cache.compose(ui, w, prep, 10_000.0).expect("composed");
                let alone = ui.fonts_mut(|f| {
                    f.layout_job(LayoutJob::single_section((*w).to_owned(), format.clone()))
                });
                let (a, b) = (&ours.rows[0], &alone.rows[0]);
                assert_eq!(a.glyphs.len(), b.glyphs.len(), "{w}");
                for (ga, gb) in a.glyphs.iter().zip(&b.glyphs) {
                    assert_eq!(ga.chr, gb.chr);
                    // Exact within a token; a word split from its
                    // punctuation loses their kerning (up to a pixel).
                    assert!((ga.pos.x - gb.pos.x).abs() <= 1.0, "{w}: {ga:?} {gb:?}");
                    assert_eq!(ga.pos.y, gb.pos.y, "{w}");
                }
                assert!((a.size.x - b.size.x).abs() <= 1.0, "{w}");
                assert_eq!(a.size.y, b.size.y);
                // Every quad is there, as tall as egui's, and within a pixel
                // or two of it (the glyph's pixel plus its raster's).
                assert_eq!(a.visuals.mesh.vertices.len(), b.visuals.mesh.vertices.len());
                assert_eq!(a.visuals.mesh.indices.len(), b.visuals.mesh.indices.len());
                for (va, vb) in a.visuals.mesh.vertices.iter().zip(&b.visuals.mesh.vertices) {
                    assert_eq!(va.pos.y, vb.pos.y, "{w}");
                    assert!((va.pos.x - vb.pos.x).abs() <= 2.0, "{w}");
                }
            }
        });
    }

    /// Words egui never shaped, put together from the glyphs of their chars
    /// and the pairs learnt from other words and from the text's letter
    /// pairs, come out as egui lays them out alone: the same glyphs on the
    /// same pixels with the same advances, and the same quads. After the
    /// 300 most frequent, the seed's words are new, and few need egui.
    #[test]
    fn words_put_together_from_atoms_match_egui() {
        with_ui(|ui| atoms_match_egui(ui, true));
    }

    /// At a fractional scale the advances learnt in points and turned back
    /// into pixels may round a pen across the edge of a sub-pixel raster:
    /// a glyph may then take the neighbouring raster, a quarter pixel off,
    /// never a different glyph or a whole pixel.
    #[test]
    fn words_put_together_at_fractional_scales_stay_within_a_raster() {
        for ppp in [1.25, 1.5, 2.0] {
            let ctx = egui::Context::default();
            ctx.set_pixels_per_point(ppp);
            let mut checked = 0;
            for _ in 0..2 {
                let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
                    if ui.ctx().pixels_per_point() == ppp {
                        atoms_match_egui(ui, ppp == 2.0);
                        checked += 1;
                    }
                });
                out.textures_delta.clear();
            }
            assert!(checked > 0, "never ran at {ppp}");
        }
    }

    /// The check of the two tests above, `exact` or to within a raster.
    fn atoms_match_egui(ui: &egui::Ui, exact: bool) {
        let (seed, format) = seed_and_format();
        let chars: Arc<[char]> = super::super::atlas::frequent_chars(seed, 1000).into();
        let ppp = ui.ctx().pixels_per_point();
        let mut cache = WordCache::default();
        cache.warm(ui, &chars, &format);
        // Learn from the 300 most frequent words, then take the text.
        let words: Arc<[Box<str>]> = super::super::vocabulary::frequent_words(seed, 300).into();
        cache.warm_words(ui, &words, &format);
        let pairs: Arc<[Box<str>]> = super::super::vocabulary::distinct_pairs(seed).into();
        cache.warm_pairs(ui, &pairs, &format);
        let paras: Vec<&str> = seed.split('\n').filter(|p| !p.trim().is_empty()).collect();
        let (misses, shaped) = (cache.misses, cache.shaped);
        cache.prepare(ui, &paras, &format);
        let (new, by_egui) = (cache.misses - misses, cache.shaped - shaped);
        assert!(new > 200, "{new} new words at {ppp}");
        assert!(
            by_egui * 10 < new,
            "{by_egui} of {new} new words shaped by egui at {ppp}"
        );
        let (mut compared, mut off_raster) = (0, 0);
        for (word, &i) in &cache.index {
            let Some(Token {
                body: Body::Atoms(run),
                ..
            }) = cache.tokens.get(i as usize)
            else {
                continue;
            };
            let placed = cache.placed.get(run).expect("run");
            let alone = ui.fonts_mut(|f| {
                f.layout_job(LayoutJob::single_section(word.to_string(), format.clone()))
            });
            let row = &alone.rows[0].row;
            assert_eq!(row.glyphs.len(), placed.len(), "{word}");
            for (p, g) in placed.iter().zip(&row.glyphs) {
                let atom = cache.atoms.get(p.atom).expect("atom");
                assert_eq!(atom.glyph.chr, g.chr, "{word}");
                assert_eq!(atom.glyph.pos.y, g.pos.y, "{word}");
                assert!(
                    (p.advance - g.advance_width).abs() < 1e-3,
                    "{word}: {}",
                    g.chr
                );
                let x = p.x_px as f32 / ppp;
                if !atom.ink {
                    // A char a ligature draws: no ink, no advance, where
                    // egui puts the pen after the ligature.
                    assert!(g.uv_rect.is_nothing() && g.advance_width == 0.0, "{word}");
                    assert!((x - g.pos.x).abs() <= 1.0 / ppp, "{word}: {}", g.chr);
                    continue;
                }
                if exact {
                    assert_eq!(atom.glyph.uv_rect, g.uv_rect, "{word}: {}", g.chr);
                    assert_eq!(x, g.pos.x, "{word}: {}", g.chr);
                    let quad = &row.visuals.mesh.vertices[g.first_vertex as usize..][..4];
                    for (a, b) in atom.quad.iter().zip(quad) {
                        assert_eq!(a.pos.x + x, b.pos.x, "{word}");
                        assert_eq!((a.pos.y, a.uv, a.color), (b.pos.y, b.uv, b.color), "{word}");
                    }
                } else if atom.glyph.uv_rect != g.uv_rect || x != g.pos.x {
                    // The char's own glyph in a neighbouring raster: where
                    // it is drawn differs by a quarter pixel at most.
                    let base = p.atom - p.atom % 4;
                    let theirs = (0..4)
                        .find(|&b| {
                            cache
                                .atoms
                                .get(base + b)
                                .is_some_and(|a| a.glyph.uv_rect == g.uv_rect)
                        })
                        .expect("one of the char's rasters");
                    let at = |x_px: f32, bin: u32| x_px + bin as f32 * 0.25;
                    let d = at(p.x_px as f32, p.atom % 4) - at(g.pos.x * ppp, theirs);
                    assert!(d.abs() <= 0.25 + 1e-3, "{word}: {} {d} px", g.chr);
                    off_raster += 1;
                }
            }
            compared += 1;
        }
        assert!(compared > 500, "{compared} words compared at {ppp}");
        assert!(
            off_raster * 100 < compared,
            "{off_raster} glyphs off at {ppp}"
        );
    }

    /// A word egui draws with a ligature ("ff", "fi", "ffi") is put
    /// together from the ligature's atoms like any other word: the
    /// ligature's glyph, then a glyph without ink for each further char,
    /// all where egui puts them. Without the ligature's atoms, such a word
    /// is shaped by egui.
    #[test]
    fn ligature_words_are_put_together_as_egui_shapes_them() {
        let (seed, format) = seed_and_format();
        with_ui(|ui| {
            let same = |ours: &Galley, theirs: &Galley, w: &str| {
                let (a, b) = (&ours.rows[0], &theirs.rows[0]);
                assert_eq!(a.glyphs.len(), b.glyphs.len(), "{w}");
                for (ga, gb) in a.glyphs.iter().zip(&b.glyphs) {
                    assert_eq!(
                        (ga.chr, ga.pos.x, ga.uv_rect),
                        (gb.chr, gb.pos.x, gb.uv_rect),
                        "{w}"
                    );
                    assert!((ga.advance_width - gb.advance_width).abs() < 1e-3, "{w}");
                }
                assert_eq!(a.visuals.mesh.vertices, b.visuals.mesh.vertices, "{w}");
                assert_eq!(a.visuals.mesh.indices, b.visuals.mesh.indices, "{w}");
            };
            let egui_layout = |w: &str| {
                ui.fonts_mut(|f| {
                    f.layout_job(LayoutJob::single_section(w.to_owned(), format.clone()))
                })
            };
            let chars: Arc<[char]> = super::super::atlas::frequent_chars(seed, 1000).into();
            let mut bare = WordCache::default();
            bare.warm_pairs(
                ui,
                &super::super::vocabulary::distinct_pairs(seed).into(),
                &format,
            );
            assert!(!bare.atoms.knows_ligature("fi"));
            let mut cache = WordCache::default();
            cache.warm(ui, &chars, &format);
            assert!(cache.atoms.knows_ligature("fi") && cache.atoms.knows_ligature("ff"));
            cache.warm_pairs(
                ui,
                &super::super::vocabulary::distinct_pairs(seed).into(),
                &format,
            );
            // Words egui shapes teach the pairs around each ligature.
            let teach = [
                "office", "first", "Duffy", "fifty", "affair", "staff", "define",
            ];
            cache.prepare(ui, &teach, &format);
            for w in teach {
                let token = &cache.tokens[cache.index[w] as usize];
                assert!(
                    matches!(token.body, Body::Atoms(_)),
                    "{w} comes out of its atoms"
                );
            }
            // New words of those pairs: put together, not shaped.
            let new = [
                "officer", "firsts", "fifties", "affairs", "staffy", "defines", "Duffys",
            ];
            let shaped = cache.shaped;
            let prepared = cache.prepare(ui, &new, &format);
            assert_eq!(cache.shaped, shaped, "no new word shaped");
            for (w, p) in new.iter().zip(prepared) {
                let p = p.expect("held");
                let token = &cache.tokens[p.ids[0] as usize];
                assert!(matches!(token.body, Body::Atoms(_)), "{w}");
                let ours = cache.compose(ui, w, &p, 1e6).expect("composed");
                let theirs = egui_layout(w);
                assert!(
                    theirs.rows[0].glyphs.iter().any(|g| g.uv_rect.is_nothing()),
                    "{w}: a ligature"
                );
                same(&ours, &theirs, w);
            }
            // Without the ligature's atoms the word is egui's own.
            let shaped = bare.shaped;
            let p = bare
                .prepare(ui, &["firsts"], &format)
                .pop()
                .flatten()
                .expect("held");
            assert_eq!(bare.shaped, shaped + 1);
            let ours = bare.compose(ui, "firsts", &p, 1e6).expect("composed");
            same(&ours, &egui_layout("firsts"), "firsts");
        });
    }

    /// Blocks prepared by their numbered tokens come out as the same
    /// tokens and layouts as their texts cut and looked up, new words
    /// included; a block the numbering does not have is refused.
    #[test]
    fn blocks_prepared_by_number_match_blocks_prepared_by_text() {
        let (seed, format) = seed_and_format();
        let paras = crate::model::text::ParagraphIndex::new(seed);
        let doc = Arc::new(DocTokens::build(seed, &paras));
        with_ui(|ui| {
            let mut by_text = WordCache::default();
            let mut by_number = WordCache::default();
            let blocks: Vec<usize> = (0..paras.paragraphs.len()).collect();
            let texts: Vec<&str> = paras
                .paragraphs
                .iter()
                .map(|p| &seed[p.bytes.clone()])
                .collect();
            // Half first, then all: the second pass finds most tokens held.
            for n in [blocks.len() / 2, blocks.len()] {
                let a = by_text.prepare(ui, &texts[..n], &format);
                let b = by_number.prepare_blocks(ui, &doc, &blocks[..n], &format);
                assert_eq!(a.len(), b.len());
                for ((a, b), text) in a.iter().zip(&b).zip(&texts) {
                    let (Some(a), Some(b)) = (a, b) else {
                        assert_eq!(a.is_some(), b.is_some(), "{text}");
                        continue;
                    };
                    assert_eq!(a.toks, b.toks, "{text}");
                    let words = |c: &WordCache, p: &Prepared| -> Vec<(f32, u32)> {
                        p.ids
                            .iter()
                            .map(|&i| (c.tokens[i as usize].width, c.tokens[i as usize].n_glyphs))
                            .collect()
                    };
                    assert_eq!(words(&by_text, a), words(&by_number, b), "{text}");
                    let ga = by_text.compose(ui, text, a, 500.0).map(|g| g.rows.len());
                    let gb = by_number.compose(ui, text, b, 500.0).map(|g| g.rows.len());
                    assert_eq!(ga, gb, "{text}");
                }
            }
            assert_eq!(by_text.misses, by_number.misses);
            let none = by_number.prepare_blocks(ui, &doc, &[blocks.len()], &format);
            assert!(none[0].is_none());
        });
    }

    /// Warming by number maps each of the document's frequent tokens to
    /// the layout its text has (laid out ahead by text, or in the steps
    /// after, a few at a time); a fresh block of them then needs no lookup
    /// by text and lays out nothing.
    #[test]
    fn frequent_tokens_are_found_by_number_ahead() {
        let (seed, format) = seed_and_format();
        let paras = crate::model::text::ParagraphIndex::new(seed);
        let doc = Arc::new(DocTokens::build(seed, &paras));
        let frequent = doc.frequent().to_vec();
        with_ui(|ui| {
            let mut cache = WordCache::default();
            // Half laid out ahead by text, as `warm_words` does.
            let half: Vec<&str> = frequent[..frequent.len() / 2]
                .iter()
                .filter_map(|&n| doc.text(n))
                .collect();
            cache.prepare(ui, &half, &format);
            let held = cache.len();
            // The lookup lays nothing out: the other half is queued.
            cache.warm_numbers(&doc);
            assert_eq!(cache.len(), held);
            let queued = cache.numbers_queue.len();
            assert!(queued > 0 && queued <= frequent.len() - frequent.len() / 2);
            let first_unheld = frequent
                .iter()
                .position(|&n| cache.by_number[n as usize].id == UNKNOWN)
                .expect("one not held");
            assert_eq!(cache.numbers_queue.last(), Some(&frequent[first_unheld]));
            // A page laying one of them out first: the step skips it.
            let page = [doc.text(frequent[first_unheld]).expect("numbered")];
            cache.prepare(ui, &page, &format);
            let mut steps = 0;
            while cache.warm_numbers_step(ui, &doc, &format) {
                steps += 1;
                assert!(steps <= frequent.len(), "warming ends");
            }
            assert_eq!(steps + 1, queued.div_ceil(NUMBERS_PER_STEP));
            assert!(cache.numbers_queue.is_empty());
            assert!(cache.len() > held, "the other half laid out");
            // A token held by text is found by number as the same layout;
            // one laid out now is held by number only (a word put together
            // from atoms) or by both (one egui shaped).
            for (k, &n) in frequent.iter().enumerate() {
                let text = doc.text(n).expect("numbered");
                let by_number = cache.by_number[n as usize].id;
                assert!((by_number as usize) < cache.len(), "{text:?}");
                match cache.index.get(text) {
                    Some(&by_text) => assert_eq!(by_text, by_number, "{text:?}"),
                    None => assert!(k >= frequent.len() / 2, "{text:?}"),
                }
            }
            // Done: more calls change nothing.
            let before = cache.len();
            cache.warm_numbers(&doc);
            assert!(!cache.warm_numbers_step(ui, &doc, &format));
            assert_eq!(cache.len(), before);
            // A block of only frequent tokens: every one found by number.
            let all: std::collections::HashSet<u32> = frequent.iter().copied().collect();
            let block = (0..doc.blocks())
                .find(|&p| {
                    doc.block(p)
                        .is_some_and(|b| b.len() > 5 && b.iter().all(|n| all.contains(n)))
                })
                .expect("a block of frequent tokens");
            let (misses, len) = (cache.misses, cache.len());
            let prepared = cache.prepare_blocks(ui, &doc, &[block], &format);
            assert!(prepared[0].is_some());
            assert_eq!((cache.misses, cache.len()), (misses, len));
        });
    }

    /// A cache that prepared blocks of one numbering and is then given
    /// another (another document) maps the new numbers afresh: the same
    /// number names different words in the two.
    #[test]
    fn a_new_numbering_is_not_read_with_the_old_map() {
        let (_, format) = seed_and_format();
        let (a, b) = ("alpha beta", "beta gamma");
        let doc = |t: &str| {
            let paras = crate::model::text::ParagraphIndex::new(t);
            Arc::new(DocTokens::build(t, &paras))
        };
        let (doc_a, doc_b) = (doc(a), doc(b));
        assert_ne!(doc_a.serial(), doc_b.serial());
        assert_eq!(doc_a.text(0), Some("alpha"));
        assert_eq!(doc_b.text(0), Some("beta"));
        with_ui(|ui| {
            let mut cache = WordCache::default();
            cache.prepare_blocks(ui, &doc_a, &[0], &format);
            let by_number = cache
                .prepare_blocks(ui, &doc_b, &[0], &format)
                .pop()
                .flatten();
            let by_text = cache.prepare(ui, &[b], &format).pop().flatten();
            let (by_number, by_text) = (by_number.expect("held"), by_text.expect("held"));
            assert_eq!(by_number.ids, by_text.ids);
            assert_eq!(by_number.toks, by_text.toks);
        });
    }

    /// Without an explicit line height an emoji makes its row taller than
    /// a word's; such a batch is laid out a word at a time, and still
    /// composes.
    #[test]
    fn a_batch_with_glyphs_of_several_heights_still_composes() {
        with_ui(|ui| {
            let format =
                TextFormat::simple(egui::FontId::proportional(14.0), egui::Color32::PLACEHOLDER);
            let mut cache = WordCache::default();
            let lines = ["a scientist 👩‍🔬 at work", "plain words"];
            let prepared = cache.prepare_lines(ui, &lines, &format);
            for (line, prep) in lines.iter().zip(&prepared) {
                let prep = prep.as_ref().expect("usable");
                let g = cache
                    .compose_line(ui, line, prep, 10_000.0)
                    .expect("composed");
                assert_eq!(g.text(), *line);
            }
        });
    }

    /// A line prepared before the cache dropped its tokens (it holds at
    /// most `MAX_WORDS`) is refused, not composed from other tokens.
    #[test]
    fn a_line_prepared_before_the_cache_was_emptied_is_refused() {
        with_ui(|ui| {
            let format =
                TextFormat::simple(egui::FontId::proportional(14.0), egui::Color32::PLACEHOLDER);
            let mut cache = WordCache::default();
            let line = "Europe is substantially less secure";
            let prepared = cache.prepare_lines(ui, &[line], &format).pop().flatten();
            let prepared = prepared.expect("usable");
            assert!(cache.compose_line(ui, line, &prepared, 10_000.0).is_some());
            cache.clear();
            // More tokens than the old line had: its ids would all point
            // at tokens, the wrong ones.
            let other = "other words entirely, and then some more of them here";
            cache.prepare_lines(ui, &[other], &format);
            assert!(cache.len() > prepared.ids.len());
            assert!(cache.compose_line(ui, line, &prepared, 10_000.0).is_none());
            // Prepared again, it composes.
            assert!(cache.layout_line(ui, line, &format, 10_000.0).is_some());
        });
    }

    /// Every paragraph of the seed on one long row (up to 3,000 px): glyphs
    /// stay within a few pixels of where egui's own layout puts them, under
    /// half a pixel on average. What is left: a token starts on a whole
    /// pixel, and the kerning between a word and the punctuation beside it
    /// is lost. Token widths taken from whole-pixel glyph places once made
    /// such a row drift by up to 12 pixels (3 on average).
    #[test]
    fn glyphs_stay_where_egui_puts_them_along_a_row() {
        let (seed, format) = seed_and_format();
        with_ui(|ui| {
            let mut cache = WordCache::default();
            let paras: Vec<&str> = seed.split('\n').filter(|p| !p.trim().is_empty()).collect();
            let prepared = cache.prepare(ui, &paras, &format);
            let (mut worst, mut total, mut n) = (0.0f32, 0.0f32, 0);
            for (para, prep) in paras.iter().zip(&prepared) {
                let prep = prep.as_ref().expect("usable");
                let ours = cache.compose(ui, para, prep, 1.0e6).expect("composed");
                let theirs = ui.fonts_mut(|f| {
                    f.layout_job(LayoutJob::single_section(
                        (*para).to_owned(),
                        format.clone(),
                    ))
                });
                assert_eq!(ours.rows.len(), 1);
                assert_eq!(theirs.rows.len(), 1);
                for (a, b) in ours.rows[0].glyphs.iter().zip(&theirs.rows[0].glyphs) {
                    let d = (a.pos.x - b.pos.x).abs();
                    worst = worst.max(d);
                    total += d;
                    n += 1;
                }
            }
            assert!(n > 5_000, "{n} glyphs compared");
            assert!(worst <= 3.0, "a glyph {worst} px from egui's place");
            assert!(
                total / (n as f32) < 0.5,
                "{} px off on average",
                total / n as f32
            );
        });
    }

    #[test]
    fn a_list_line_is_cut_after_a_whole_word_with_an_ellipsis() {
        with_ui(|ui| {
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
            // A line that is only painted: quads, no glyphs.
            assert!(whole.rows[0].glyphs.is_empty());
            assert!(!whole.rows[0].visuals.mesh.is_empty());
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
            assert!(
                cut.rows[0].visuals.mesh.vertices.len() < whole.rows[0].visuals.mesh.vertices.len()
            );
        });
    }

    /// A list row prepares only the start of a long label, and shows the
    /// same words, cut at the same place, as from the whole label; a label
    /// that fits is prepared whole.
    #[test]
    fn a_label_prepared_in_part_shows_what_the_whole_label_shows() {
        let (seed, _) = seed_and_format();
        with_ui(|ui| {
            let mut cache = WordCache::default();
            let format =
                TextFormat::simple(egui::FontId::proportional(14.0), egui::Color32::PLACEHOLDER);
            let chars: Arc<[char]> = {
                let mut cs: Vec<char> = seed.chars().collect();
                cs.sort_unstable();
                cs.dedup();
                cs.into()
            };
            cache.warm(ui, &chars, &format);
            let labels: Vec<String> = seed
                .lines()
                .filter(|l| l.chars().count() > 60)
                .map(crate::ui::annotation_list::row_label)
                .collect();
            assert!(labels.len() > 10);
            let mut shortened = 0;
            for width in [180.0, 260.0] {
                for label in &labels {
                    let part = cache.fitting_prefix(label, width);
                    assert!(label.starts_with(part));
                    let whole = cache.layout_line(ui, label, &format, width).expect("whole");
                    let line = cache.prepare_lines(ui, &[part], &format).pop().flatten();
                    let from_part = cache
                        .compose_line(ui, label, &line.expect("prepared"), width)
                        .expect("composed");
                    assert_eq!(from_part.text(), whole.text(), "{label}");
                    assert!(
                        from_part.rows[0].visuals.mesh.vertices
                            == whole.rows[0].visuals.mesh.vertices,
                        "{label}"
                    );
                    if part.len() < label.len() {
                        shortened += 1;
                    }
                }
            }
            assert!(
                shortened > labels.len(),
                "most long labels are prepared in part"
            );
            let short = "“Yes.”";
            assert_eq!(cache.fitting_prefix(short, 180.0), short);
        });
    }
}
