//! The menu bar: File, Edit, View, Help. Items come from [`Command`], so
//! labels and shortcuts match the keyboard handler and the help window.

use super::actions::{Action, ViewCtx};
use super::commands::Command;
use super::prefs::Prefs;
use crate::model::History;

fn item(ui: &mut egui::Ui, command: Command, enabled: bool, actions: &mut Vec<Action>) {
    item_labelled(ui, command, command.label(), enabled, actions);
}

fn item_labelled(
    ui: &mut egui::Ui,
    command: Command,
    label: String,
    enabled: bool,
    actions: &mut Vec<Action>,
) {
    let shortcut = command.shortcut_text(ui.ctx());
    let r = ui
        .add_enabled(enabled, egui::Button::new(label).shortcut_text(shortcut))
        .on_hover_text(command.description());
    if r.clicked() {
        actions.push(Action::Command(command));
        ui.close();
    }
}

/// Draws the menu bar.
pub fn menu_bar(
    ui: &mut egui::Ui,
    view: &ViewCtx<'_>,
    history: &History,
    prefs: &Prefs,
    actions: &mut Vec<Action>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            item(ui, Command::New, true, actions);
            item(ui, Command::Open, true, actions);
            ui.menu_button("Open Recent", |ui| {
                if prefs.recent.is_empty() {
                    ui.label(egui::RichText::new("No recent projects").weak());
                }
                for p in &prefs.recent {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| p.display().to_string());
                    if ui
                        .button(name)
                        .on_hover_text(p.display().to_string())
                        .clicked()
                    {
                        actions.push(Action::OpenPath(p.clone()));
                        ui.close();
                    }
                }
                if !prefs.recent.is_empty() {
                    ui.separator();
                    if ui.button("Clear recent").clicked() {
                        actions.push(Action::ClearRecent);
                        ui.close();
                    }
                }
            });
            ui.separator();
            item(ui, Command::Save, true, actions);
            item(ui, Command::SaveAs, true, actions);
            ui.separator();
            item(ui, Command::ImportText, true, actions);
            item(ui, Command::ImportAnnotations, true, actions);
            item(ui, Command::Export, true, actions);
            ui.separator();
            item(ui, Command::Quit, true, actions);
        });
        ui.menu_button("Edit", |ui| {
            let undo = match history.undo_label() {
                Some(l) => format!("Undo {l}"),
                None => "Undo".into(),
            };
            item_labelled(ui, Command::Undo, undo, history.can_undo(), actions);
            let redo = match history.redo_label() {
                Some(l) => format!("Redo {l}"),
                None => "Redo".into(),
            };
            item_labelled(ui, Command::Redo, redo, history.can_redo(), actions);
            ui.separator();
            item(
                ui,
                Command::DeleteAnnotation,
                view.selected.is_some(),
                actions,
            );
            item(ui, Command::ClearSelection, true, actions);
            item(ui, Command::Find, true, actions);
            ui.separator();
            item(ui, Command::Preferences, true, actions);
        });
        ui.menu_button("View", |ui| {
            let mut left = prefs.show_left;
            if ui.checkbox(&mut left, "Codebook panel").changed() {
                actions.push(Action::Command(Command::ToggleLeft));
            }
            let mut right = prefs.show_right;
            if ui.checkbox(&mut right, "Annotations panel").changed() {
                actions.push(Action::Command(Command::ToggleRight));
            }
            ui.separator();
            item(
                ui,
                Command::Compare,
                !view.project.documents.is_empty(),
                actions,
            );
            ui.separator();
            egui::widgets::global_theme_preference_buttons(ui);
        });
        ui.menu_button("Help", |ui| {
            item(ui, Command::ShowShortcuts, true, actions);
            if ui.button("About Marginalia").clicked() {
                actions.push(Action::Command(Command::About));
                ui.close();
            }
        });
    });
}
