//! How fast the article finds the laid-out words of pages it has not shown:
//! cutting each block and hashing its words, against looking them up by
//! the numbers the document was cut into once (see
//! `ui/text_view/doc_tokens.rs`).

use crate::model::text::ParagraphIndex;
use crate::ui::text_view::compose::WordCache;
use crate::ui::text_view::doc_tokens::DocTokens;
use std::sync::Arc;
use std::time::Instant;

/// Pages looked up.
const PAGES: usize = 300;

/// Blocks a page.
const PAGE_BLOCKS: usize = 8;

/// The figures.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PageWords {
    /// Cutting the whole document into numbered tokens (done once, on a
    /// thread of its own in the app), ms.
    pub cut_ms: f64,
    /// Finding the words of fresh pages by cutting and hashing, ns a char.
    pub by_text_ns: f64,
    /// The same by number, ns a char.
    pub by_number_ns: f64,
}

/// Measures [`PageWords`] on `text`: 300 pages of 8
/// blocks spread over it, each seen once, in two word caches (one a way)
/// of the article's font, in a headless egui context.
pub fn measure(text: &str) -> PageWords {
    let paras = ParagraphIndex::new(text);
    let t = Instant::now();
    let doc = Arc::new(DocTokens::build(text, &paras));
    let cut_ms = t.elapsed().as_secs_f64() * 1000.0;
    let n = paras.paragraphs.len();
    if n <= PAGE_BLOCKS {
        return PageWords {
            cut_ms,
            ..PageWords::default()
        };
    }
    let pages: Vec<Vec<usize>> = (0..PAGES)
        .map(|k| {
            let start = k * 7919 % (n - PAGE_BLOCKS);
            (start..start + PAGE_BLOCKS).collect()
        })
        .collect();
    let mut figures = PageWords {
        cut_ms,
        ..PageWords::default()
    };
    let ctx = egui::Context::default();
    let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
        let mut format = egui::text::TextFormat::simple(
            egui::FontId::proportional(16.0),
            egui::Color32::PLACEHOLDER,
        );
        format.line_height = Some(24.0);
        let (mut by_text, mut by_number) = (WordCache::default(), WordCache::default());
        let (mut text_s, mut number_s, mut chars) = (0.0, 0.0, 0usize);
        for page in &pages {
            let texts: Vec<&str> = page
                .iter()
                .filter_map(|&p| text.get(paras.paragraphs.get(p)?.bytes.clone()))
                .collect();
            chars += texts.iter().map(|t| t.chars().count()).sum::<usize>();
            let t = Instant::now();
            std::hint::black_box(by_text.prepare(ui, &texts, &format));
            text_s += t.elapsed().as_secs_f64();
            let t = Instant::now();
            std::hint::black_box(by_number.prepare_blocks(ui, &doc, page, &format));
            number_s += t.elapsed().as_secs_f64();
        }
        let chars = chars.max(1) as f64;
        figures.by_text_ns = text_s * 1e9 / chars;
        figures.by_number_ns = number_s * 1e9 / chars;
    });
    // No GPU to take the font atlas changes.
    out.textures_delta.clear();
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_are_timed_on_a_generated_text() {
        let p = crate::bench::generate::generate(&crate::bench::generate::GenConfig {
            seed: 3,
            doc_bytes: 60_000,
            annotations: 10,
            vocabulary: Default::default(),
        });
        let w = measure(&p.documents[0].text);
        assert!(w.cut_ms > 0.0);
        assert!(w.by_text_ns > 0.0 && w.by_number_ns > 0.0, "{w:?}");
        assert_eq!(measure("too short").by_text_ns, 0.0);
    }
}
