//! The document list: shown when the project holds more than one text;
//! click a title to switch.

use super::actions::{Action, ViewCtx};

/// The document list panel (stateless).
#[derive(Clone, Copy, Debug, Default)]
pub struct DocumentsPanel;

impl DocumentsPanel {
    /// Draws the list (nothing when there is only one document).
    pub fn ui(&self, ui: &mut egui::Ui, view: &ViewCtx<'_>, actions: &mut Vec<Action>) {
        let docs = &view.project.documents;
        if docs.len() < 2 {
            return;
        }
        ui.heading("Documents");
        for d in docs {
            let current = view.doc == Some(&d.id);
            let count = view.counts.doc(&d.id);
            let r = ui
                .selectable_label(current, d.title.clone())
                .on_hover_text(format!(
                    "{} chars · {count} annotations{}",
                    d.char_len(),
                    d.source
                        .as_ref()
                        .map(|s| format!(" · from {s}"))
                        .unwrap_or_default()
                ));
            if r.clicked() && !current {
                actions.push(Action::SwitchDoc(d.id.clone()));
            }
        }
        ui.add_space(8.0);
        ui.separator();
    }
}
