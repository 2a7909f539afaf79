//! The status bar: document, text selection, counts, save state, and the
//! last message.

use super::actions::ViewCtx;
use super::app::StatusMessage;
use std::path::Path;

/// Draws the status bar.
pub fn status_bar(
    ui: &mut egui::Ui,
    view: &ViewCtx<'_>,
    dirty: bool,
    path: Option<&Path>,
    status: Option<&StatusMessage>,
) {
    ui.horizontal(|ui| {
        let doc = view.doc.and_then(|d| view.project.document(d));
        match doc {
            Some(d) => ui.label(format!("Document: {}", d.title)),
            None => ui.label("No document"),
        };
        ui.separator();
        match view.text_selection {
            Some(r) => ui.label(format!(
                "Selection: chars {}–{} ({} chars)",
                r.start,
                r.end,
                r.end - r.start
            )),
            None => ui.label(egui::RichText::new("No text selected").weak()),
        };
        ui.separator();
        let in_doc = view.doc.map(|d| view.counts.doc(d)).unwrap_or(0);
        ui.label(format!(
            "{in_doc} annotations here · {} in project · {} tags",
            view.project.annotations.len(),
            view.project.codebook.tags.len()
        ));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let (text, color) = if dirty {
                ("• Unsaved changes", ui.visuals().warn_fg_color)
            } else {
                ("Saved", ui.visuals().weak_text_color())
            };
            let r = ui.label(egui::RichText::new(text).color(color));
            if let Some(p) = path {
                r.on_hover_text(p.display().to_string());
            }
            if let Some(s) = status {
                ui.separator();
                let color = if s.is_error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().text_color()
                };
                ui.add(egui::Label::new(egui::RichText::new(&s.text).color(color)).truncate());
            }
        });
    });
}
