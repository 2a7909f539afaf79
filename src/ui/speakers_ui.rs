//! Speakers: add, rename, aliases, role, delete. Fields edit a draft of the
//! selected speaker; the draft becomes one edit on Enter or when the field
//! loses focus.

use super::actions::{Action, ViewCtx};
use crate::model::{Edit, Speaker, SpeakerId};

/// The draft of the speaker being edited.
#[derive(Clone, Debug, Default)]
struct Draft {
    id: Option<SpeakerId>,
    name: String,
    aliases: String,
    role: String,
}

/// State of the speakers panel.
#[derive(Clone, Debug, Default)]
pub struct SpeakersPanel {
    selected: Option<SpeakerId>,
    draft: Draft,
}

/// Splits a comma-separated alias list, dropping blanks.
pub fn parse_aliases(s: &str) -> Vec<String> {
    s.split(',')
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect()
}

impl SpeakersPanel {
    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &ViewCtx<'_>, actions: &mut Vec<Action>) {
        let p = view.project;
        ui.horizontal(|ui| {
            ui.heading("Speakers");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("+ Add").on_hover_text("Add a speaker").clicked() {
                    let s = Speaker::new(format!("Speaker {}", p.speakers.len() + 1));
                    self.selected = Some(s.id.clone());
                    self.draft = Draft::default();
                    actions.push(Action::edit(Edit::InsertSpeaker {
                        index: p.speakers.len(),
                        speaker: s,
                    }));
                }
            });
        });
        if p.speakers.is_empty() {
            ui.label(egui::RichText::new("No speakers yet").weak());
        }
        for s in &p.speakers {
            let sel = self.selected.as_ref() == Some(&s.id);
            let count = view.counts.speaker(&s.id);
            let r = ui
                .selectable_label(sel, format!("{}  ({count})", s.name))
                .on_hover_text(if s.role.is_empty() { "—" } else { &s.role });
            if r.clicked() {
                self.selected = if sel { None } else { Some(s.id.clone()) };
            }
        }
        let Some(sp) = self.selected.as_ref().and_then(|id| p.speaker(id)).cloned() else {
            // Not there (yet: a speaker just added appears after this frame).
            return;
        };
        if self.draft.id.as_ref() != Some(&sp.id) {
            self.draft = Draft {
                id: Some(sp.id.clone()),
                name: sp.name.clone(),
                aliases: sp.aliases.join(", "),
                role: sp.role.clone(),
            };
        }
        ui.add_space(4.0);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            let mut commit = false;
            egui::Grid::new("speaker_editor")
                .num_columns(2)
                .show(ui, |ui| {
                    for (label, field) in [
                        ("Name", &mut self.draft.name),
                        ("Aliases", &mut self.draft.aliases),
                        ("Role", &mut self.draft.role),
                    ] {
                        let l = ui.label(label);
                        let r = ui
                            .add(egui::TextEdit::singleline(field).desired_width(140.0))
                            .labelled_by(l.id);
                        if r.lost_focus() {
                            commit = true;
                        }
                        ui.end_row();
                    }
                });
            ui.label(
                egui::RichText::new("Aliases: comma separated")
                    .weak()
                    .small(),
            );
            if commit {
                let mut s = sp.clone();
                s.name = self.draft.name.trim().to_string();
                s.aliases = parse_aliases(&self.draft.aliases);
                s.role = self.draft.role.trim().to_string();
                if s.name.is_empty() {
                    self.draft.name = sp.name.clone();
                    actions.push(Action::Status("A speaker needs a name".into()));
                } else if s != sp {
                    actions.push(Action::edit(Edit::UpdateSpeaker(s)));
                }
            }
            if ui
                .button("Delete speaker")
                .on_hover_text("Removes the speaker from its annotations and turns too")
                .clicked()
            {
                actions.push(Action::edit(Edit::delete_speaker(p, &sp.id)));
                self.selected = None;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_split_and_trimmed() {
        assert_eq!(
            parse_aliases(" Toft, MS. TOFT ,, "),
            vec!["Toft", "MS. TOFT"]
        );
        assert!(parse_aliases("").is_empty());
    }
}
