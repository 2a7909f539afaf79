//! Words put together from glyphs egui laid out one char at a time.
//!
//! egui shapes a word it has not seen (harfrust: the font's substitution
//! and positioning tables, every glyph looked up in the atlas) for about a
//! microsecond and a half, and a fresh page of a book brings dozens of such
//! words. For most words shaping changes nothing a char alone would not
//! show but the kerning between two letters: each glyph is the char's own,
//! and its advance is the char's, adjusted for the next char. So a word can
//! be put together without egui from
//!
//! - each char laid out alone by egui at each of the four sub-pixel offsets
//!   it rasterizes glyphs at (an [`Atom`] each: the glyph and its quad), and
//! - the advance of each pair of chars (the first one's, kerned before the
//!   second), learnt from the words egui did shape,
//!
//! placing each glyph the way egui's layout does: the pen moves by the
//! advances, each glyph goes on the whole pixel and raster offset egui's
//! sub-pixel binning picks for the pen ([`subpixel_bin`]).
//!
//! The Latin ligatures the font has (`fi`, `ff`, `ffi`…) are laid out alone
//! the same way and take part as one unit: the ligature's glyph, then for
//! each further char a glyph without ink or advance (as egui gives them),
//! the longest ligature first where several could start, as the font's
//! substitution picks them.
//!
//! Anything shaping does beyond that shows in a word egui shaped: a
//! ligature not laid out alone or an alternate glyph (a glyph that is not
//! the char's own), a mark placed over a letter, or a glyph moved by the
//! char before it. Every
//! word egui shapes is put together again from its own advances and
//! compared; only a word that comes out the same teaches its pairs, and a
//! pair taught two different advances (its kerning depends on more than
//! the two chars) is never used again. A word with a pair not learnt goes
//! to egui.

use egui::epaint::text::Glyph;
use egui::epaint::{Rect, Vertex};

/// One char's glyph as egui lays it out alone at one of its four sub-pixel
/// raster offsets, the glyph on whole pixel 0.
#[derive(Clone, Debug)]
pub struct Atom {
    /// The glyph, at x = 0 (its `advance_width` is the char's own).
    pub glyph: Glyph,
    /// Its quad: four vertices, as egui's tessellation of the glyph makes
    /// them, relative to the glyph's whole-pixel place.
    pub quad: [Vertex; 4],
    /// Whether it has the quad: a char a ligature's glyph draws (the `i`
    /// of `fi`) is a glyph of its own with nothing to draw.
    pub ink: bool,
}

/// A glyph of a word put together from atoms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    /// Index of its [`Atom`].
    pub atom: u32,
    /// Whole physical pixel the glyph sits on, from the word's pen origin.
    pub x_px: i32,
    /// Its advance in points (kerned before the next char).
    pub advance: f32,
}

/// What a word is put together from: a char, or a ligature (several chars
/// the font draws as one glyph). Chars are their code points; ligatures
/// are numbered past the last code point, so the two never meet.
type Unit = u32;

/// The first [`Unit`] of a ligature.
const FIRST_LIGATURE: Unit = 0x11_0000;

/// Units below this (Latin, Greek, Cyrillic…) are numbered densely
/// through a table, the others through a hash map.
const SMALL: usize = 0x800;

/// Units at most whose pairs the table of [`Atoms`] holds (4 MB); the
/// pairs of units numbered past it go to a map.
const DENSE_PAIRS: usize = 1024;

/// A ligature of the font: its chars, and the atoms of the chars after the
/// first (egui gives each a glyph of its own, with no ink, at the whole
/// pixel nearest to the pen after the ligature).
#[derive(Clone, Debug)]
struct Ligature {
    chars: Box<[char]>,
    text: Box<str>,
    unit: Unit,
    tails: Vec<u32>,
}

/// The atoms of one font at one scale, and the pair advances learnt.
#[derive(Default)]
pub struct Atoms {
    /// The chars laid out alone, with atoms or not (a char egui cannot lay
    /// out as one plain glyph is not tried again).
    tried: ahash::HashSet<char>,
    atoms: Vec<Atom>,
    /// Each unit with atoms numbered densely: units below [`SMALL`] by
    /// code (`u16::MAX`: none), the others in `big`; a word is put together
    /// by indexing, not hashing.
    small: Vec<u16>,
    big: ahash::HashMap<Unit, u16>,
    /// The first atom of each densely numbered unit (raster offset 0; the
    /// other three follow).
    firsts: Vec<u32>,
    /// Advance in physical pixels of the first unit before the second, by
    /// their dense numbers, `stride` a row: infinite for a pair not learnt,
    /// NaN for a pair that shaping treats otherwise (see the module docs).
    pairs: Vec<f32>,
    stride: usize,
    /// The pairs of units numbered past the table's [`DENSE_PAIRS`] (a
    /// text in a script of thousands of chars would otherwise make it
    /// hundreds of megabytes: it grows as the square of the units).
    more_pairs: ahash::HashMap<(u16, u16), f32>,
    /// The ligatures laid out alone, longest first.
    ligatures: Vec<Ligature>,
    /// The ligatures tried (usable or not).
    ligatures_tried: Vec<Box<str>>,
}

/// The whole pixel and the sub-pixel raster (0–3, quarter pixels) egui's
/// glyph atlas uses for a glyph whose pen is at `pos` physical pixels (the
/// rounding of `SubpixelBin::new` in epaint's glyph atlas).
pub fn subpixel_bin(pos: f32) -> (i32, u32) {
    let trunc = pos as i32;
    let fract = pos - trunc as f32;
    if pos.is_sign_negative() {
        match fract {
            f if f > -0.125 => (trunc, 0),
            f if f > -0.375 => (trunc - 1, 3),
            f if f > -0.625 => (trunc - 1, 2),
            f if f > -0.875 => (trunc - 1, 1),
            _ => (trunc - 1, 0),
        }
    } else {
        match fract {
            f if f < 0.125 => (trunc, 0),
            f if f < 0.375 => (trunc, 1),
            f if f < 0.625 => (trunc, 2),
            f if f < 0.875 => (trunc, 3),
            _ => (trunc + 1, 0),
        }
    }
}

impl Atoms {
    /// Drops every atom and pair.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Whether `c` was laid out alone already (usable or not).
    pub fn knows(&self, c: char) -> bool {
        self.tried.contains(&c)
    }

    /// Whether the ligature `chars` was laid out alone already (usable or
    /// not).
    pub fn knows_ligature(&self, chars: &str) -> bool {
        self.ligatures_tried.iter().any(|l| &**l == chars)
    }

    /// The advance of `c` laid out alone, if it has atoms.
    pub fn advance(&self, c: char) -> Option<f32> {
        let first = self.first(self.dense(c as Unit)?)?;
        Some(self.atoms.get(first as usize)?.glyph.advance_width)
    }

    /// The first atom of the unit numbered `d`.
    fn first(&self, d: u16) -> Option<u32> {
        self.firsts.get(usize::from(d)).copied()
    }

    /// The atom at `i`.
    pub fn get(&self, i: u32) -> Option<&Atom> {
        self.atoms.get(i as usize)
    }

    /// The dense number of unit `u`, if it has atoms.
    fn dense(&self, u: Unit) -> Option<u16> {
        match self.small.get(u as usize) {
            Some(&d) => (d != u16::MAX).then_some(d),
            None if (u as usize) < SMALL => None,
            None => self.big.get(&u).copied(),
        }
    }

    /// Records that unit `u`'s atoms start at `first`, numbering it.
    fn number(&mut self, u: Unit, first: u32) {
        let Ok(d) = u16::try_from(self.firsts.len()) else {
            return;
        };
        if d == u16::MAX {
            return;
        }
        self.firsts.push(first);
        if (u as usize) < SMALL {
            if self.small.is_empty() {
                self.small = vec![u16::MAX; SMALL];
            }
            if let Some(slot) = self.small.get_mut(u as usize) {
                *slot = d;
            }
        } else {
            self.big.insert(u, d);
        }
        if self.firsts.len() > self.stride && self.stride < DENSE_PAIRS {
            // A wider table: the pairs learnt move to their new places.
            let stride = (self.stride * 2).max(256);
            let mut pairs = vec![f32::INFINITY; stride * stride];
            for a in 0..self.stride {
                let (from, to) = (a * self.stride, a * stride);
                pairs[to..to + self.stride].copy_from_slice(&self.pairs[from..from + self.stride]);
            }
            self.pairs = pairs;
            self.stride = stride;
        }
    }

    /// The advance learnt of dense unit `a` before `b` (infinite: none
    /// yet; NaN: not to be trusted): in the table while both fit in it, in
    /// `more_pairs` past it.
    fn pair(&self, (a, b): (u16, u16)) -> f32 {
        let (ua, ub) = (usize::from(a), usize::from(b));
        let known = if ua < self.stride && ub < self.stride {
            self.pairs.get(ua * self.stride + ub)
        } else {
            self.more_pairs.get(&(a, b))
        };
        known.copied().unwrap_or(f32::INFINITY)
    }

    /// Where [`Self::pair`] keeps the advance of `a` before `b`.
    fn pair_mut(&mut self, (a, b): (u16, u16)) -> &mut f32 {
        let (ua, ub) = (usize::from(a), usize::from(b));
        if ua < self.stride && ub < self.stride && ua * self.stride + ub < self.pairs.len() {
            &mut self.pairs[ua * self.stride + ub]
        } else {
            self.more_pairs.entry((a, b)).or_insert(f32::INFINITY)
        }
    }

    /// The atoms of one glyph at the four raster offsets (`bins`: each the
    /// glyph and its quad's vertices as egui laid it out alone), if each is
    /// one plain glyph of `c` with its quad at whole pixel 0 (not a colour
    /// glyph, which egui puts on whole pixels only, nor a glyph without
    /// ink) and egui rasterizes each offset apart.
    fn four(c: char, bins: [Option<(&Glyph, &[Vertex])>; 4], ppp: f32) -> Option<Vec<Atom>> {
        let mut four = Vec::with_capacity(4);
        for bin in bins {
            let (g, vertices) = bin?;
            let plain = g.chr == c
                && !g.is_color
                && !g.uv_rect.is_nothing()
                && (g.pos.x * ppp).round() == 0.0
                && g.first_vertex == 0
                && vertices.len() == 4;
            if !plain {
                return None;
            }
            let mut glyph = *g;
            glyph.pos.x = 0.0;
            four.push(Atom {
                glyph,
                quad: [vertices[0], vertices[1], vertices[2], vertices[3]],
                ink: true,
            });
        }
        // Four rasters, each its own place in the atlas: egui bins this
        // glyph (it does not bin emoji or CJK).
        let binned =
            (0..4).all(|i| (i + 1..4).all(|j| four[i].glyph.uv_rect != four[j].glyph.uv_rect));
        binned.then_some(four)
    }

    /// Keeps `c`'s glyphs as egui laid it out alone at raster offsets 0, 1,
    /// 2 and 3 (`bins`: each the row's glyphs and mesh vertices), if each
    /// is one plain glyph (see [`Self::four`]); otherwise remembers that `c`
    /// has no atoms.
    pub fn add(&mut self, c: char, bins: [(&[Glyph], &[Vertex]); 4], ppp: f32) {
        let one = bins.map(|(glyphs, vertices)| match glyphs {
            [g] => Some((g, vertices)),
            _ => None,
        });
        let four = Self::four(c, one, ppp);
        self.tried.insert(c);
        if let (Some(four), Ok(first)) = (four, u32::try_from(self.atoms.len())) {
            self.atoms.extend(four);
            self.number(c as Unit, first);
        }
    }

    /// Keeps the ligature `chars` (two chars or more) as egui laid it out
    /// alone at the four raster offsets, if each is the ligature's glyph
    /// (see [`Self::four`]) and, for each further char, a glyph without ink
    /// or advance; remembers it was tried either way.
    pub fn add_ligature(&mut self, chars: &str, bins: [(&[Glyph], &[Vertex]); 4], ppp: f32) {
        self.ligatures_tried.push(chars.into());
        let cs: Box<[char]> = chars.chars().collect();
        let (Some(&c0), true) = (cs.first(), cs.len() >= 2) else {
            return;
        };
        let tails_ok =
            |glyphs: &[Glyph]| {
                glyphs.len() == cs.len()
                    && glyphs.iter().zip(cs.iter()).skip(1).all(|(g, &c)| {
                        g.chr == c && g.uv_rect.is_nothing() && g.advance_width == 0.0
                    })
            };
        let first = bins.map(|(glyphs, vertices)| match glyphs.first() {
            Some(g) if tails_ok(glyphs) => Some((g, vertices)),
            _ => None,
        });
        let (Some(four), Ok(at), Ok(k)) = (
            Self::four(c0, first, ppp),
            u32::try_from(self.atoms.len()),
            u32::try_from(self.ligatures.len()),
        ) else {
            return;
        };
        let unit = FIRST_LIGATURE + k;
        // Each further char's atom four times over: every unit's atoms
        // start at a multiple of four (see `learn`).
        let mut tails = Vec::with_capacity(cs.len() - 1);
        let mut tail_atoms = Vec::with_capacity(4 * (cs.len() - 1));
        for (n, g) in (1u32..).zip(bins[0].0.iter().skip(1)) {
            tails.push(at + 4 * n);
            let mut glyph = *g;
            glyph.pos.x = 0.0;
            let tail = Atom {
                glyph,
                quad: [Vertex::default(); 4],
                ink: false,
            };
            tail_atoms.extend(std::iter::repeat_n(tail, 4));
        }
        self.atoms.extend(four);
        self.atoms.extend(tail_atoms);
        self.number(unit, at);
        self.ligatures.push(Ligature {
            text: chars.into(),
            chars: cs,
            unit,
            tails,
        });
        self.ligatures
            .sort_by_key(|l| std::cmp::Reverse(l.chars.len()));
    }

    /// `word` as units: its chars, a ligature the font has (the longest
    /// that fits) as one; each with its count of chars.
    fn units<'a>(&'a self, word: &'a str) -> impl Iterator<Item = (Unit, u8)> + 'a {
        let mut rest = word;
        std::iter::from_fn(move || {
            let c = rest.chars().next()?;
            let lig = self
                .ligatures
                .iter()
                .find(|l| l.chars.first() == Some(&c) && rest.starts_with(&*l.text));
            match lig {
                Some(l) => {
                    rest = &rest[l.text.len()..];
                    Some((l.unit, l.chars.len() as u8))
                }
                None => {
                    rest = &rest[c.len_utf8()..];
                    Some((c as Unit, 1))
                }
            }
        })
    }

    /// Puts `word` together from atoms and pair advances, its pen starting
    /// at `pen_px` physical pixels, into `out` (emptied first); its width in
    /// points, or `None` if a char has no atoms or a pair is not known to
    /// be safe (then `out` is left partly filled).
    pub fn compose(&self, word: &str, pen_px: f32, ppp: f32, out: &mut Vec<Placed>) -> Option<f32> {
        self.place(word, pen_px, ppp, out, |_, pair| {
            Some(self.pair(pair)).filter(|a| a.is_finite())
        })
    }

    /// [`Self::compose`] with the advance of each unit before the next
    /// from `advance(i, (unit, next))` (physical pixels; `i` is the index
    /// of the unit's first char).
    fn place(
        &self,
        word: &str,
        pen_px: f32,
        ppp: f32,
        out: &mut Vec<Placed>,
        advance: impl Fn(usize, (u16, u16)) -> Option<f32>,
    ) -> Option<f32> {
        out.clear();
        let mut units = self.units(word).peekable();
        let mut pen = pen_px;
        let mut width = 0.0f32;
        let mut i = 0;
        let mut d = self.dense(units.peek()?.0)?;
        while let Some((u, n)) = units.next() {
            let first = self.first(d)?;
            let own = self.atoms.get(first as usize)?;
            let advance_px = match units.peek() {
                Some(&(next, _)) => {
                    let dn = self.dense(next)?;
                    let a = advance(i, (d, dn))?;
                    d = dn;
                    a
                }
                None => own.glyph.advance_width * ppp,
            };
            let (x_px, bin) = subpixel_bin(pen);
            let advance = advance_px / ppp;
            out.push(Placed {
                atom: first + bin,
                x_px,
                advance,
            });
            pen += advance_px;
            width += advance;
            if n > 1 {
                let lig = self.ligatures.iter().find(|l| l.unit == u)?;
                let x_px = pen.round() as i32;
                out.extend(lig.tails.iter().map(|&atom| Placed {
                    atom,
                    x_px,
                    advance: 0.0,
                }));
            }
            i += usize::from(n);
        }
        Some(width)
    }

    /// Learns the pairs of `word` from egui's shaping of it (`glyphs`, one a
    /// char, each at its whole-pixel place relative to the first one's, and
    /// `pen0` points: where egui's pen was for the first glyph relative to
    /// that place), if the word comes out of its atoms with those advances
    /// as egui laid it out: each glyph the char's own (or the ligature's),
    /// in the same place. A pair learnt again with another advance is
    /// marked unusable (its kerning depends on more than the two units).
    /// Returns whether the word came out the same.
    pub fn learn(&mut self, word: &str, glyphs: &[Glyph], pen0: f32, ppp: f32) -> bool {
        let mut placed = Vec::with_capacity(glyphs.len());
        let advance_px = |i: usize| glyphs.get(i).map(|g| g.advance_width * ppp);
        let same = glyphs.len() == word.chars().count()
            && self
                .place(word, pen0 * ppp, ppp, &mut placed, |i, _| advance_px(i))
                .is_some()
            && placed.len() == glyphs.len()
            && placed.iter().zip(glyphs).all(|(p, g)| {
                let Some(atom) = self.get(p.atom) else {
                    return false;
                };
                if !atom.ink {
                    // A char the ligature before it draws: no ink, no
                    // advance, at the pixel egui rounds the pen to.
                    return g.chr == atom.glyph.chr
                        && g.uv_rect.is_nothing()
                        && g.advance_width == 0.0
                        && ((g.pos.x * ppp).round() as i32) == p.x_px;
                }
                // The char's own glyph at one of its offsets, and in the
                // same place to within a third of a pixel (egui's pen ran
                // along a longer line: far from zero, its f32 sums round
                // differently, and a pen on the edge between two offsets
                // may go either way). A ligature the atoms do not know, an
                // alternate or a continuation glyph is none of the char's
                // own.
                let base = p.atom - p.atom % 4;
                let theirs = (0..4).find(|&b| {
                    self.get(base + b)
                        .is_some_and(|a| a.glyph.uv_rect == g.uv_rect && a.glyph.pos.y == g.pos.y)
                });
                let place = |x_px: f32, bin: u32| x_px + bin as f32 * 0.25;
                theirs.is_some_and(|b| {
                    (place(p.x_px as f32, p.atom % 4) - place(g.pos.x * ppp, b)).abs() < 0.3
                })
            });
        if !same {
            return false;
        }
        let units: Vec<(Unit, u8)> = self.units(word).collect();
        let mut i = 0;
        for pair in units.windows(2) {
            let Some(a) = advance_px(i) else { break };
            i += usize::from(pair[0].1);
            let (Some(da), Some(db)) = (self.dense(pair[0].0), self.dense(pair[1].0)) else {
                break;
            };
            let known = self.pair_mut((da, db));
            if known.is_infinite() {
                *known = a;
            } else if *known != a {
                *known = f32::NAN;
            }
        }
        true
    }

    /// Bounds of the quads of `placed`, from a pen origin at x = 0.
    pub fn bounds(&self, placed: &[Placed], ppp: f32) -> Rect {
        let mut r = Rect::NOTHING;
        for p in placed {
            if let Some(a) = self.get(p.atom).filter(|a| a.ink) {
                let dx = p.x_px as f32 / ppp;
                for v in &a.quad {
                    r.extend_with(egui::pos2(v.pos.x + dx, v.pos.y));
                }
            }
        }
        r
    }

    /// Of `placed`, the glyphs with a quad.
    pub fn inked(&self, placed: &[Placed]) -> usize {
        placed
            .iter()
            .filter(|p| self.get(p.atom).is_some_and(|a| a.ink))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binning_rounds_as_egui_does() {
        assert_eq!(subpixel_bin(0.0), (0, 0));
        assert_eq!(subpixel_bin(0.1), (0, 0));
        assert_eq!(subpixel_bin(0.25), (0, 1));
        assert_eq!(subpixel_bin(0.5), (0, 2));
        assert_eq!(subpixel_bin(0.8), (0, 3));
        assert_eq!(subpixel_bin(0.9), (1, 0));
        assert_eq!(subpixel_bin(12.3), (12, 1));
        assert_eq!(subpixel_bin(-0.1), (0, 0));
        assert_eq!(subpixel_bin(-0.3), (-1, 3));
        assert_eq!(subpixel_bin(-0.6), (-1, 2));
    }

    /// A glyph as egui makes them (some of its fields are egui's own).
    fn template_glyph() -> Glyph {
        let ctx = egui::Context::default();
        let mut glyph = None;
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            let galley = ui.fonts_mut(|f| {
                f.layout_no_wrap(
                    "x".into(),
                    egui::FontId::proportional(14.0),
                    egui::Color32::WHITE,
                )
            });
            glyph = galley.rows[0].glyphs.first().copied();
        });
        out.textures_delta.clear();
        glyph.expect("egui lays out an x")
    }

    /// Atoms of `c` as egui would lay it out alone: one glyph a raster,
    /// each raster its own place in the atlas (`slot`).
    fn add(atoms: &mut Atoms, c: char, slot: u16) {
        add_from(atoms, template_glyph(), c, slot);
    }

    /// [`add`] from egui's glyph `template`.
    fn add_from(atoms: &mut Atoms, template: Glyph, c: char, slot: u16) {
        let glyph = |bin: u16| {
            let mut g = template;
            g.chr = c;
            g.pos = egui::pos2(0.0, 10.0);
            g.advance_width = 6.0;
            g.first_vertex = 0;
            g.uv_rect.offset = egui::vec2(0.0, -8.0);
            g.uv_rect.size = egui::vec2(5.0, 8.0);
            g.uv_rect.min = [slot * 40 + bin * 8, 0];
            g.uv_rect.max = [slot * 40 + bin * 8 + 5, 8];
            g
        };
        let quad = [Vertex::default(); 4];
        let g: [Glyph; 4] = [glyph(0), glyph(1), glyph(2), glyph(3)];
        atoms.add(
            c,
            [
                (&g[0..1], &quad[..]),
                (&g[1..2], &quad[..]),
                (&g[2..3], &quad[..]),
                (&g[3..4], &quad[..]),
            ],
            1.0,
        );
    }

    /// `word`'s glyphs as a shaper placed them: the atoms' own, each
    /// advance from `advances`, from a pen at 0.
    fn shaped(atoms: &Atoms, word: &str, advances: &[f32]) -> Vec<Glyph> {
        let mut pen = 0.0f32;
        word.chars()
            .zip(advances)
            .map(|(c, &a)| {
                let first = atoms
                    .dense(c as Unit)
                    .and_then(|d| atoms.first(d))
                    .expect("atoms");
                let (x, bin) = subpixel_bin(pen);
                let mut g = atoms.atoms[(first + bin) as usize].glyph;
                g.pos.x = x as f32;
                g.advance_width = a;
                pen += a;
                g
            })
            .collect()
    }

    #[test]
    fn pairs_are_learnt_from_words_that_come_out_the_same_and_dropped_when_they_disagree() {
        let mut atoms = Atoms::default();
        add(&mut atoms, 'a', 0);
        add(&mut atoms, 'b', 1);
        let mut out = Vec::new();
        // Nothing learnt: "ab" cannot be put together.
        assert!(atoms.compose("ab", 0.0, 1.0, &mut out).is_none());
        // Learnt from a word that comes out the same, kerned 0.5 closer.
        let ab = shaped(&atoms, "ab", &[5.5, 6.0]);
        assert!(atoms.learn("ab", &ab, 0.0, 1.0));
        assert_eq!(
            atoms.compose("abab", 0.0, 1.0, &mut out),
            None,
            "no (b, a) yet"
        );
        let width = atoms.compose("ab", 0.25, 1.0, &mut out).expect("learnt");
        assert_eq!(width, 11.5);
        assert_eq!(out[1].x_px, 5); // pen at 5.75: whole pixel 5, raster 3
        assert_eq!(out[1].atom % 4, 3);
        // A word whose second glyph is not the char's own (a ligature, an
        // alternate) teaches nothing.
        let mut ba = shaped(&atoms, "ba", &[6.0, 6.0]);
        ba[1].uv_rect.min = [400, 0];
        assert!(!atoms.learn("ba", &ba, 0.0, 1.0));
        assert!(atoms.compose("ba", 0.0, 1.0, &mut out).is_none());
        // The same pair kerned another way elsewhere: never used again.
        let aab = shaped(&atoms, "aab", &[6.0, 6.5, 6.0]);
        assert!(atoms.learn("aab", &aab, 0.0, 1.0));
        assert!(atoms.compose("aa", 0.0, 1.0, &mut out).is_some());
        assert!(
            atoms.compose("ab", 0.0, 1.0, &mut out).is_none(),
            "5.5 then 6.5"
        );
    }

    /// A script of thousands of chars: the pair table stops growing at
    /// [`DENSE_PAIRS`] units, and pairs of the units past it are learnt and
    /// used all the same.
    #[test]
    fn pairs_of_many_units_are_kept_without_a_square_table() {
        let mut atoms = Atoms::default();
        let template = template_glyph();
        let chars: Vec<char> = (0x4e00..0x4e00 + 1500).filter_map(char::from_u32).collect();
        for (k, &c) in chars.iter().enumerate() {
            add_from(&mut atoms, template, c, (k % 1000) as u16);
        }
        assert_eq!(atoms.firsts.len(), chars.len());
        assert_eq!(atoms.stride, DENSE_PAIRS);
        assert_eq!(atoms.pairs.len(), DENSE_PAIRS * DENSE_PAIRS);
        let mut out = Vec::new();
        for word in [
            [chars[3], chars[7]],
            [chars[1400], chars[1499]],
            [chars[5], chars[1200]],
        ] {
            let word: String = word.iter().collect();
            assert!(
                atoms.compose(&word, 0.0, 1.0, &mut out).is_none(),
                "not learnt yet"
            );
            let glyphs = shaped(&atoms, &word, &[5.5, 6.0]);
            assert!(atoms.learn(&word, &glyphs, 0.0, 1.0));
            let width = atoms.compose(&word, 0.0, 1.0, &mut out).expect("learnt");
            assert_eq!(width, 11.5, "{word}");
        }
        assert_eq!(atoms.more_pairs.len(), 2, "two pairs past the table");
    }
}
