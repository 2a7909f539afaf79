//! What the view knows about a document's annotations and speaker turns,
//! arranged by paragraph so painting one paragraph touches only its own.
//!
//! Rebuilt only when the project revision or the document changes, never per
//! frame: every annotation of the document is copied into a [`Span`] (range,
//! colours, nesting level), and each paragraph lists the spans that overlap
//! it. Nesting levels come from a greedy interval colouring over the whole
//! document, so an annotation keeps its underline offset while scrolling.

use crate::model::text::ParagraphIndex;
use crate::model::{Annotation, AnnotationId, Color, DocId, Project, TurnKind};
use egui::Color32;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;

/// One annotation as the view draws it.
#[derive(Clone, Debug)]
pub struct Span {
    /// Char range in the document.
    pub range: Range<usize>,
    /// The annotation.
    pub id: AnnotationId,
    /// Colour of each tag, in the annotation's tag order (grey if untagged).
    pub colors: Vec<Color32>,
    /// Nesting level: overlapping spans have different levels.
    pub level: usize,
}

/// One speaker turn as the view draws it.
#[derive(Clone, Debug)]
pub struct TurnSpan {
    /// Char range in the document.
    pub range: Range<usize>,
    /// Kind of turn.
    pub kind: TurnKind,
    /// Margin colour.
    pub color: Color32,
    /// Name shown at the start of the turn (empty for none).
    pub label: String,
}

/// Annotations and turns of one document, by paragraph.
#[derive(Clone, Debug, Default)]
pub struct HighlightIndex {
    /// All spans. After [`Self::build`] they are sorted by (start, longer
    /// first, id); [`Self::patch`] appends new ones and leaves an empty
    /// range where one was removed, so indices never shift.
    pub spans: Vec<Span>,
    /// For each paragraph, indices into `spans` of those overlapping it, in
    /// (start, longer first, id) order: the order they are painted in.
    pub by_paragraph: Vec<Vec<u32>>,
    /// Where each annotation's span is in `spans`.
    slots: ahash::HashMap<AnnotationId, u32>,
    /// Turns sorted by start, disjoint.
    pub turns: Vec<TurnSpan>,
}

/// A colour for speaker number `i`: spread around the hue circle by the
/// golden angle so neighbours differ, deterministic across runs.
pub fn speaker_color(i: usize) -> Color32 {
    let hue = (i as f32 * 0.618_034).fract();
    let hsva = egui::ecolor::Hsva::new(hue, 0.65, 0.8, 1.0);
    Color32::from(hsva)
}

fn to_color32(c: Color) -> Color32 {
    let [r, g, b] = c.0;
    Color32::from_rgb(r, g, b)
}

/// The colour of each of an annotation's tags, in its tag order; grey for
/// an untagged one.
fn span_colors(project: &Project, a: &Annotation) -> Vec<Color32> {
    let mut colors: Vec<Color32> = a
        .tags
        .iter()
        .filter_map(|t| project.codebook.get(t))
        .map(|t| to_color32(t.color))
        .collect();
    if colors.is_empty() {
        colors.push(Color32::GRAY);
    }
    colors
}

impl HighlightIndex {
    /// Builds the index for `doc` (O(annotations · log + paragraphs)).
    pub fn build(project: &Project, doc: &DocId, paras: &ParagraphIndex) -> Self {
        let char_len = paras.char_len;
        let mut spans: Vec<Span> = project
            .annotations_of(doc)
            .filter(|a| a.start < a.end && a.start < char_len)
            .map(|a| Span {
                range: a.start..a.end.min(char_len),
                id: a.id.clone(),
                colors: span_colors(project, a),
                level: 0,
            })
            .collect();
        spans.sort_by(|a, b| {
            (a.range.start, Reverse(a.range.end), &a.id).cmp(&(
                b.range.start,
                Reverse(b.range.end),
                &b.id,
            ))
        });

        // Greedy interval colouring: reuse the lowest level whose last span
        // has ended.
        let mut busy: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new(); // (end, level)
        let mut free: BinaryHeap<Reverse<usize>> = BinaryHeap::new();
        let mut levels = 0usize;
        for s in &mut spans {
            while let Some(Reverse((end, level))) = busy.peek().copied() {
                if end <= s.range.start {
                    busy.pop();
                    free.push(Reverse(level));
                } else {
                    break;
                }
            }
            let level = match free.pop() {
                Some(Reverse(l)) => l,
                None => {
                    levels += 1;
                    levels - 1
                }
            };
            s.level = level;
            busy.push(Reverse((s.range.end, level)));
        }

        let slots = spans
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i as u32))
            .collect();
        let mut by_paragraph: Vec<Vec<u32>> = vec![Vec::new(); paras.paragraphs.len()];
        for (i, s) in spans.iter().enumerate() {
            let first = paras.paragraph_of(s.range.start);
            let last = paras.paragraph_of(s.range.end.saturating_sub(1).max(s.range.start));
            for list in by_paragraph.iter_mut().take(last + 1).skip(first) {
                list.push(i as u32);
            }
        }
        // A span starting exactly at a paragraph's `\n` belongs to the next
        // paragraph too; `paragraph_of` already maps `\n` to the paragraph it
        // ends, which is the one that shows nothing for it: harmless.

        let mut turns: Vec<TurnSpan> = project
            .turns_of(doc)
            .filter(|t| t.start < t.end)
            .map(|t| {
                let speaker_pos = t
                    .speaker
                    .as_ref()
                    .and_then(|s| project.speakers.iter().position(|x| &x.id == s));
                let label = t
                    .speaker
                    .as_ref()
                    .and_then(|s| project.speaker(s))
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| match t.kind {
                        TurnKind::Question => "Question".to_string(),
                        _ => String::new(),
                    });
                let color = match (t.kind, speaker_pos) {
                    (TurnKind::Question, None) => Color32::from_gray(140),
                    (_, Some(i)) => speaker_color(i),
                    (_, None) => Color32::from_gray(140),
                };
                TurnSpan {
                    range: t.start..t.end.min(char_len),
                    kind: t.kind,
                    color,
                    label,
                }
            })
            .collect();
        turns.sort_by_key(|t| t.range.start);

        Self {
            spans,
            by_paragraph,
            slots,
            turns,
        }
    }

    /// Brings the index up to date after one annotation of `doc` was added,
    /// removed or changed (the project already holds the new state), without
    /// rebuilding: the old span is emptied where it is and taken out of its
    /// paragraphs' lists, the new one is appended to `spans` and put in
    /// order into its paragraphs' lists, with the lowest level no overlapping
    /// span uses. Costs work in the paragraphs the annotation covers only,
    /// nothing per annotation of the document. Levels of other spans stay
    /// as they were.
    pub fn patch(
        &mut self,
        project: &Project,
        doc: &DocId,
        paras: &ParagraphIndex,
        id: &AnnotationId,
    ) {
        let char_len = paras.char_len;
        let paras_of = |r: &Range<usize>| {
            let first = paras.paragraph_of(r.start);
            let last = paras.paragraph_of(r.end.saturating_sub(1).max(r.start));
            first..last + 1
        };
        if let Some(i) = self.slots.remove(id) {
            let old = self
                .spans
                .get_mut(i as usize)
                .map(|s| std::mem::replace(&mut s.range, 0..0));
            if let Some(old) = old {
                for p in paras_of(&old) {
                    if let Some(list) = self.by_paragraph.get_mut(p) {
                        list.retain(|&k| k != i);
                    }
                }
            }
        }
        let Some(a) = project
            .annotation(id)
            .filter(|a| &a.doc == doc && a.start < a.end && a.start < char_len)
        else {
            return;
        };
        let range = a.start..a.end.min(char_len);
        let colors = span_colors(project, a);
        let mut used: Vec<usize> = paras_of(&range)
            .filter_map(|p| self.by_paragraph.get(p))
            .flatten()
            .filter_map(|&k| self.spans.get(k as usize))
            .filter(|s| s.range.start < range.end && range.start < s.range.end)
            .map(|s| s.level)
            .collect();
        used.sort_unstable();
        used.dedup();
        let level = used
            .iter()
            .enumerate()
            .find(|(want, l)| want != *l)
            .map_or(used.len(), |(want, _)| want);
        let new = self.spans.len() as u32;
        let key = (range.start, Reverse(range.end), &a.id);
        for p in paras_of(&range) {
            if let Some(list) = self.by_paragraph.get_mut(p) {
                let spans = &self.spans;
                let at = list.partition_point(|&k| {
                    spans
                        .get(k as usize)
                        .is_some_and(|s| (s.range.start, Reverse(s.range.end), &s.id) < key)
                });
                list.insert(at, new);
            }
        }
        self.slots.insert(a.id.clone(), new);
        self.spans.push(Span {
            range,
            id: a.id.clone(),
            colors,
            level,
        });
    }

    /// Spans overlapping paragraph `p` (indices into [`Self::spans`]).
    pub fn spans_of(&self, p: usize) -> &[u32] {
        self.by_paragraph.get(p).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Turns overlapping the char range `r`: a binary search, then only the
    /// overlapping ones.
    pub fn turns_in(&self, r: Range<usize>) -> &[TurnSpan] {
        let first = self.turns.partition_point(|t| t.range.end <= r.start);
        let last = self
            .turns
            .partition_point(|t| t.range.start < r.end.max(r.start + 1));
        self.turns.get(first..last.max(first)).unwrap_or(&[])
    }

    /// The innermost (shortest) span of paragraph `p` covering char `ci`.
    pub fn innermost_at(&self, p: usize, ci: usize) -> Option<&Span> {
        self.spans_of(p)
            .iter()
            .filter_map(|&i| self.spans.get(i as usize))
            .filter(|s| s.range.start <= ci && ci < s.range.end)
            .min_by_key(|s| (s.range.end - s.range.start, Reverse(s.range.start)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, Codebook, Document, Tag, TagId, Timestamp};

    fn project(text: &str, ranges: &[Range<usize>]) -> (Project, DocId) {
        let mut p = Project::new("t");
        let doc = Document::import(DocId::new("d"), "d", None, text);
        let mut tag = Tag::new("Claim", Color::palette(0));
        tag.id = TagId::new("t1");
        let mut tag2 = Tag::new("Other", Color::palette(1));
        tag2.id = TagId::new("t2");
        p.codebook = Codebook {
            tags: vec![tag, tag2],
        };
        for (i, r) in ranges.iter().enumerate() {
            let mut a = Annotation::new(
                doc.id.clone(),
                text,
                r.clone(),
                vec![TagId::new("t1"), TagId::new("t2")],
                "me",
                Timestamp::now(),
            )
            .unwrap();
            a.id = AnnotationId::new(format!("a{i}"));
            p.annotations.push(Box::new(a));
        }
        let id = doc.id.clone();
        p.documents.push(doc);
        (p, id)
    }

    #[test]
    fn paragraphs_list_exactly_their_overlapping_spans() {
        let text = "Привет мир\nsecond “line” here\nthird 👋🏽 line\nlast";
        let paras = ParagraphIndex::new(text);
        let ranges = vec![0..6, 3..15, 12..18, 20..40, 41..44];
        let (p, d) = project(text, &ranges);
        let idx = HighlightIndex::build(&p, &d, &paras);
        for (pi, para) in paras.paragraphs.iter().enumerate() {
            let mut got: Vec<String> = idx
                .spans_of(pi)
                .iter()
                .map(|&i| idx.spans[i as usize].id.0.clone())
                .collect();
            got.sort();
            let mut want: Vec<String> = ranges
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.start < para.chars.end.max(para.chars.start + 1) && r.end > para.chars.start
                })
                .map(|(i, _)| format!("a{i}"))
                .collect();
            want.sort();
            assert_eq!(got, want, "paragraph {pi}");
        }
        // Two tag colours carried over, first tag first.
        assert_eq!(idx.spans[0].colors.len(), 2);
        assert_eq!(idx.spans[0].colors[0], to_color32(Color::palette(0)));
    }

    #[test]
    fn overlapping_spans_get_distinct_levels() {
        let text = "a".repeat(100);
        let ranges = vec![0..50, 10..20, 15..30, 40..60, 60..70, 25..26];
        let (p, d) = project(&text, &ranges);
        let paras = ParagraphIndex::new(&text);
        let idx = HighlightIndex::build(&p, &d, &paras);
        for a in &idx.spans {
            for b in &idx.spans {
                if a.id != b.id && a.range.start < b.range.end && b.range.start < a.range.end {
                    assert_ne!(a.level, b.level, "{:?} and {:?}", a.range, b.range);
                }
            }
        }
        let max_level = idx.spans.iter().map(|s| s.level).max().unwrap();
        assert!(max_level >= 2, "three spans overlap at 15..20");
        let inner = idx.innermost_at(0, 25).unwrap();
        assert_eq!(inner.range, 25..26);
        assert_eq!(idx.innermost_at(0, 35).unwrap().range, 0..50);
        assert!(idx.innermost_at(0, 80).is_none());
    }

    #[test]
    fn patching_one_change_gives_the_spans_of_a_rebuild() {
        let text = "Привет мир\nsecond “line” here\nthird 👋🏽 line\nlast one";
        let paras = ParagraphIndex::new(text);
        let ranges = vec![0..6, 3..15, 12..18, 20..40, 41..44, 5..8];
        let (mut p, d) = project(text, &ranges);
        p.sort_annotations();
        let mut idx = HighlightIndex::build(&p, &d, &paras);
        let check = |idx: &HighlightIndex, p: &Project| {
            let fresh = HighlightIndex::build(p, &d, &paras);
            // The live spans (removed ones are left empty in place).
            let live = |x: &HighlightIndex| -> Vec<(usize, usize, String, usize)> {
                let mut v: Vec<_> = x
                    .spans
                    .iter()
                    .filter(|s| !s.range.is_empty())
                    .map(|s| (s.range.start, s.range.end, s.id.0.clone(), s.colors.len()))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(live(idx), live(&fresh));
            // Each paragraph lists the same spans in the same (paint) order.
            let listed = |x: &HighlightIndex, pi: usize| -> Vec<(Range<usize>, String)> {
                x.spans_of(pi)
                    .iter()
                    .map(|&k| {
                        let s = &x.spans[k as usize];
                        (s.range.clone(), s.id.0.clone())
                    })
                    .collect()
            };
            for pi in 0..paras.paragraphs.len() {
                assert_eq!(listed(idx, pi), listed(&fresh, pi), "paragraph {pi}");
            }
            for a in idx.spans.iter().filter(|s| !s.range.is_empty()) {
                for b in idx.spans.iter().filter(|s| !s.range.is_empty()) {
                    if a.id != b.id && a.range.start < b.range.end && b.range.start < a.range.end {
                        assert_ne!(a.level, b.level, "{:?} and {:?}", a.range, b.range);
                    }
                }
            }
        };
        // Add one spanning two paragraphs.
        let mut a = Annotation::new(
            d.clone(),
            text,
            9..25,
            vec![TagId::new("t2")],
            "me",
            Timestamp::now(),
        )
        .unwrap();
        a.id = AnnotationId::new("new");
        let i = p.insertion_index(&a);
        p.annotations.insert(i, Box::new(a.clone()));
        idx.patch(&p, &d, &paras, &a.id);
        check(&idx, &p);
        // Change its range and tags.
        let i = p.annotation_index(&a.id).unwrap();
        let mut b = p.annotations.remove(i);
        assert!(b.set_range(text, 1..4));
        b.tags = vec![];
        let j = p.insertion_index(&b);
        p.annotations.insert(j, b);
        idx.patch(&p, &d, &paras, &a.id);
        check(&idx, &p);
        // Remove another.
        let gone = p.annotations.remove(2).id;
        idx.patch(&p, &d, &paras, &gone);
        check(&idx, &p);
    }

    #[test]
    fn speaker_colours_are_deterministic_and_distinct() {
        assert_eq!(speaker_color(3), speaker_color(3));
        assert_ne!(speaker_color(0), speaker_color(1));
        assert_ne!(speaker_color(1), speaker_color(2));
    }
}
