//! Where the viewpoint components (Compare view, links, speaker turns) meet
//! the app: their state, where they are drawn, and how their actions become
//! the app's [`Action`]s.

use super::actions::{Action, ViewCtx};
use super::app::MarginaliaApp;
use super::compare_view::CompareView;
use super::link_ui::LinkPanel;
use super::turns_ui::TurnsPanel;
use super::viewpoints::ViewpointAction;
use crate::model::{AnnotationId, DocId, Project};
use std::ops::Range;

/// State of the viewpoint components.
#[derive(Default)]
pub struct ViewpointPanels {
    /// The Compare window.
    pub compare: CompareView,
    /// Whether the Compare window is open.
    pub show_compare: bool,
    /// Links of the selected annotation (in the inspector).
    pub links: LinkPanel,
    /// Speaker turns of the current document (left panel).
    pub turns: TurnsPanel,
}

/// Turns component actions into app actions.
pub fn to_actions(vp: Vec<ViewpointAction>, actions: &mut Vec<Action>) {
    for a in vp {
        actions.push(match a {
            ViewpointAction::Apply(edit) => Action::edit(edit),
            ViewpointAction::Jump { annotation, .. } => Action::Reveal(annotation),
            ViewpointAction::StartLink { annotation, .. } => Action::StartLink(annotation),
            ViewpointAction::Export {
                file_name, content, ..
            } => Action::SaveText { file_name, content },
            ViewpointAction::Error(message) => Action::Status(message),
        });
    }
}

impl ViewpointPanels {
    /// The links section under the inspector.
    pub fn links_ui(
        &mut self,
        ui: &mut egui::Ui,
        view: &ViewCtx<'_>,
        selected: &AnnotationId,
        annotator: &str,
        actions: &mut Vec<Action>,
    ) {
        ui.add_space(6.0);
        ui.separator();
        let links = self.links.ui(
            ui,
            view.project,
            view.links,
            selected,
            annotator,
            view.revision,
        );
        to_actions(links, actions);
    }

    /// The speaker-turns section of the left panel.
    pub fn turns_ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        doc: &DocId,
        selection: Option<Range<usize>>,
        revision: u64,
        actions: &mut Vec<Action>,
    ) {
        egui::CollapsingHeader::new("Speaker turns")
            .id_salt("turns_section")
            .default_open(false)
            .show(ui, |ui| {
                to_actions(
                    self.turns.ui(ui, project, doc, selection, revision),
                    actions,
                );
            });
    }
}

impl MarginaliaApp {
    /// Draws the Compare window when it is open.
    pub(super) fn draw_compare_window(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let mut open = self.viewpoints.show_compare;
        let revision = self.history.revision();
        egui::Window::new("Compare speakers")
            .open(&mut open)
            .default_size([900.0, 560.0])
            .default_pos([80.0, 60.0])
            .resizable(true)
            .collapsible(false)
            .show(ctx, |ui| {
                let vp = self.viewpoints.compare.ui(ui, &self.project, &[], revision);
                to_actions(vp, actions);
            });
        self.viewpoints.show_compare = open;
    }

    /// Writes text the user exported from a view to a file they pick.
    pub(super) fn save_text(&mut self, file_name: &str, content: &str) {
        let extension = std::path::Path::new(file_name)
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(path) = self.dialogs.save_export(file_name, &extension) else {
            return;
        };
        match std::fs::write(&path, content) {
            Ok(()) => self.set_status(format!("Exported to {}", path.display()), false),
            Err(e) => self.set_status(format!("Could not write {}: {e}", path.display()), true),
        }
    }
}
