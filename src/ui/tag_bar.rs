//! The bar above the article: one button per tag, always in the same place
//! (so the article never shifts while the user is dragging a selection),
//! enabled when there is a text selection to tag or a selected annotation to
//! toggle tags on.

use super::actions::{Action, ViewCtx, color32};

/// Height of the bar, whatever it shows.
const BAR_HEIGHT: f32 = 26.0;

/// Draws the tag bar.
pub fn tag_bar(ui: &mut egui::Ui, view: &ViewCtx<'_>, actions: &mut Vec<Action>) {
    if view.doc.is_none() {
        return;
    }
    let enabled = view.text_selection.is_some() || view.selected.is_some();
    let lead = if view.text_selection.is_some() {
        "Tag selection:"
    } else if view.selected.is_some() {
        "Toggle tag:"
    } else {
        "Select text, then:"
    };
    egui::ScrollArea::horizontal()
        .id_salt("tag-bar")
        .max_height(BAR_HEIGHT)
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysHidden)
        .show(ui, |ui| {
            ui.set_min_height(BAR_HEIGHT);
            ui.horizontal_centered(|ui| {
                if view.project.codebook.tags.is_empty() {
                    ui.label(
                        egui::RichText::new(
                            "Add tags in the codebook (left), then select text to tag it",
                        )
                        .weak()
                        .italics(),
                    );
                    return;
                }
                let lead = egui::RichText::new(lead);
                ui.label(if enabled {
                    lead.strong()
                } else {
                    lead.weak().italics()
                });
                for (tag, _) in view.project.codebook.tree_order() {
                    let key = tag.key.map(|k| format!(" {k}")).unwrap_or_default();
                    let text = egui::RichText::new(format!("{}{key}", tag.name));
                    let button = egui::Button::new(text)
                        .fill(color32(tag.color).gamma_multiply(0.35))
                        .stroke(egui::Stroke::new(1.0, color32(tag.color)));
                    let mut r = ui.add_enabled(enabled, button);
                    if !tag.description.is_empty() {
                        r = r.on_hover_text(&tag.description);
                    }
                    if r.clicked() {
                        actions.push(Action::ApplyTag(tag.id.clone()));
                    }
                }
            });
        });
    ui.separator();
}
