//! The speaker names the margin shows at turn starts, laid out once and
//! kept.
//!
//! egui keeps a galley only while it is drawn every frame. A jump brings a
//! page with other turns than the last one, and their names were shaped
//! again each time (≈ 5 µs a name, and a fresh page of a book has a few).

use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, FontId, Galley, Painter};
use std::sync::Arc;

/// Names kept at most: a few per speaker and turn kind.
const MAX_LABELS: usize = 64;

/// Laid-out margin labels, for one font, width and glyph atlas.
#[derive(Default)]
pub struct MarginLabels {
    /// What the galleys are for: the atlas epoch (see
    /// [`super::atlas::atlas_epoch`]), and the font size, width and scale
    /// bits.
    key: Option<(u64, u32, u32, u32)>,
    /// (name, colour, galley): a few, searched in order, so a frame's
    /// lookups allocate nothing.
    galleys: Vec<(String, Color32, Arc<Galley>)>,
}

impl MarginLabels {
    /// `label` on one row in `font` and `color`, elided with "…" to
    /// `width`: kept from an earlier frame if it was laid out for the same
    /// font, width, scale and atlas.
    pub fn get(
        &mut self,
        painter: &Painter,
        epoch: u64,
        label: &str,
        font: &FontId,
        color: Color32,
        width: f32,
    ) -> Arc<Galley> {
        let ppp = painter.ctx().pixels_per_point();
        let key = Some((epoch, font.size.to_bits(), width.to_bits(), ppp.to_bits()));
        if self.key != key || self.galleys.len() >= MAX_LABELS {
            self.galleys.clear();
            self.key = key;
        }
        if let Some((_, _, g)) = self
            .galleys
            .iter()
            .find(|(l, c, _)| *c == color && l == label)
        {
            return g.clone();
        }
        let mut job = LayoutJob::simple_singleline(label.to_owned(), font.clone(), color);
        job.wrap = TextWrapping::truncate_at_width(width);
        let g = painter.layout_job(job);
        self.galleys.push((label.to_owned(), color, g.clone()));
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_laid_out_once_for_a_font_width_and_atlas() {
        let ctx = egui::Context::default();
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            let painter = ui.painter();
            let mut labels = MarginLabels::default();
            let font = FontId::proportional(12.0);
            let red = Color32::RED;
            let a = labels.get(painter, 1, "Ирина Петрова", &font, red, 80.0);
            assert_eq!(a.text(), "Ирина Петрова");
            let again = labels.get(painter, 1, "Ирина Петрова", &font, red, 80.0);
            assert!(Arc::ptr_eq(&a, &again), "kept");
            assert_eq!(labels.galleys.len(), 1);
            // Another colour is another label; another width, font or atlas
            // empties the cache (egui's own may still hand the same galley).
            let blue = labels.get(painter, 1, "Ирина Петрова", &font, Color32::BLUE, 80.0);
            assert!(!Arc::ptr_eq(&a, &blue));
            assert_eq!(labels.galleys.len(), 2);
            let narrow = labels.get(painter, 1, "Ирина Петрова", &font, red, 30.0);
            assert!(narrow.size().x <= 30.5 && a.size().x > 40.0, "elided");
            assert_eq!(labels.galleys.len(), 1);
            labels.get(painter, 1, "Q", &font, red, 30.0);
            labels.get(painter, 2, "Ирина Петрова", &font, red, 30.0);
            assert_eq!(labels.galleys.len(), 1, "a new atlas");
            // Never more than a bounded number kept.
            for k in 0..200 {
                labels.get(painter, 2, &format!("Speaker {k}"), &font, red, 80.0);
            }
            assert!(labels.galleys.len() <= MAX_LABELS);
        });
        out.textures_delta.clear();
    }
}
