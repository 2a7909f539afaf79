//! The bar above the article: tag buttons for the current text selection,
//! or a hint when nothing is selected.

use super::actions::{Action, ViewCtx, color32};

/// Draws the tag bar.
pub fn tag_bar(ui: &mut egui::Ui, view: &ViewCtx<'_>, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        if view.doc.is_none() {
            return;
        }
        if view.text_selection.is_none() {
            let hint = if view.project.codebook.tags.is_empty() {
                "Add tags in the codebook (left), then select text to tag it"
            } else if view.selected.is_some() {
                "Press 1–9 to toggle a tag on the selected annotation, Delete to remove it"
            } else {
                "Select text, then press 1–9 or click a tag"
            };
            ui.label(egui::RichText::new(hint).weak().italics());
            return;
        }
        ui.label(egui::RichText::new("Tag selection:").strong());
        for (tag, _) in view.project.codebook.tree_order() {
            let key = tag.key.map(|k| format!(" {k}")).unwrap_or_default();
            let text = egui::RichText::new(format!("{}{key}", tag.name));
            let button = egui::Button::new(text)
                .fill(color32(tag.color).gamma_multiply(0.35))
                .stroke(egui::Stroke::new(1.0, color32(tag.color)));
            let mut r = ui.add(button);
            if !tag.description.is_empty() {
                r = r.on_hover_text(&tag.description);
            }
            if r.clicked() {
                actions.push(Action::ApplyTag(tag.id.clone()));
            }
        }
    });
    ui.separator();
}
