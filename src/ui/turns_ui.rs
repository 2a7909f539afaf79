//! Editing who speaks where in one document.
//!
//! [`TurnsPanel`] runs speaker detection, lists the document's turns with a
//! speaker and a kind box each, splits a turn at the text selection, merges
//! a turn with the next, gives the selected range its own turn, and merges
//! two speakers. Every change is one [`Edit`] returned as
//! [`ViewpointAction::Apply`]; the turn lists come from
//! [`crate::analysis::turn_ops`], so they stay sorted and disjoint.

use super::viewpoints::{ViewpointAction, kind_name, snippet, speaker_name};
use crate::analysis::speaker_ops::merge_speakers;
use crate::analysis::speakers::detection_edit;
use crate::analysis::turn_ops;
use crate::model::text::slice_chars;
use crate::model::{DocId, Edit, Project, SpeakerId, Turn, TurnKind};
use std::ops::Range;

/// Max chars of a turn's first words in the list.
const FIRST_WORDS: usize = 60;
/// All turn kinds, in menu order.
const KINDS: [TurnKind; 3] = [TurnKind::Question, TurnKind::Answer, TurnKind::Narration];

#[derive(Clone, PartialEq, Eq)]
struct Key {
    revision: u64,
    doc: DocId,
}

/// A turn and what the list shows of it.
struct TurnRow {
    turn: Turn,
    speaker: String,
    first_words: String,
}

/// State of the turns panel.
pub struct TurnsPanel {
    /// Speaker for "Reassign selection".
    speaker: Option<SpeakerId>,
    /// Kind for "Reassign selection".
    kind: TurnKind,
    cache: Option<(Key, Vec<TurnRow>)>,
}

impl Default for TurnsPanel {
    fn default() -> Self {
        Self {
            speaker: None,
            kind: TurnKind::Answer,
            cache: None,
        }
    }
}

impl TurnsPanel {
    /// A panel with nothing chosen.
    pub fn new() -> Self {
        Self::default()
    }

    /// Draws the panel for `doc`. `selection` is the article view's current
    /// selection in chars (if any); `revision` the project's, for caching.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        doc: &DocId,
        selection: Option<Range<usize>>,
        revision: u64,
    ) -> Vec<ViewpointAction> {
        let mut actions = Vec::new();
        let Some(document) = project.document(doc) else {
            ui.label("No document.");
            return actions;
        };
        let key = Key {
            revision,
            doc: doc.clone(),
        };
        if self.cache.as_ref().is_none_or(|(k, _)| *k != key) {
            self.cache = Some((key, turn_rows(project, doc, &document.text)));
        }
        if let Some(s) = &self.speaker
            && project.speaker(s).is_none()
        {
            self.speaker = None;
        }
        let rows = self
            .cache
            .as_ref()
            .map(|(_, r)| r.as_slice())
            .unwrap_or(&[]);
        let turns = || rows.iter().map(|r| r.turn.clone()).collect::<Vec<Turn>>();
        let set = |turns: Vec<Turn>| {
            ViewpointAction::Apply(Edit::SetTurns {
                doc: doc.clone(),
                turns,
            })
        };

        if ui
            .button("Detect speakers")
            .on_hover_text("Find speaker labels and questions; replaces this document's turns")
            .clicked()
        {
            actions.push(ViewpointAction::Apply(detection_edit(project, doc)));
        }

        // Selection tools.
        let sel = selection.filter(|r| r.start < r.end);
        ui.separator();
        match &sel {
            Some(r) => ui.label(format!("Selection: chars {}–{}", r.start, r.end)),
            None => ui.weak("Select text in the article to split or reassign turns."),
        };
        ui.horizontal_wrapped(|ui| {
            let split = sel.as_ref().and_then(|r| {
                rows.iter()
                    .any(|t| t.turn.start < r.start && r.start < t.turn.end)
                    .then_some(r.start)
            });
            let b = ui
                .add_enabled(split.is_some(), egui::Button::new("Split at selection"))
                .on_hover_text("Split the turn at the start of the selection")
                .on_disabled_hover_text("The selection must start inside a turn");
            if b.clicked()
                && let Some(at) = split
                && let Some(new) = turn_ops::split_at(&turns(), at)
            {
                actions.push(set(new));
            }
        });
        ui.horizontal_wrapped(|ui| {
            speaker_box(ui, project, &mut self.speaker, "Speaker");
            kind_box(ui, &mut self.kind, "Kind");
            let b = ui
                .add_enabled(sel.is_some(), egui::Button::new("Reassign selection"))
                .on_hover_text("Make the selected text its own turn with this speaker and kind");
            if b.clicked()
                && let Some(r) = sel.clone()
            {
                actions.push(set(turn_ops::reassign_range(
                    &turns(),
                    doc,
                    r,
                    self.speaker.clone(),
                    self.kind,
                    document.char_len(),
                )));
            }
        });

        // The turn list.
        ui.separator();
        ui.strong(format!("Turns ({})", rows.len()));
        if rows.is_empty() {
            ui.weak("No turns yet: detect speakers or reassign a selection.");
        }
        let row_h = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
        egui::ScrollArea::vertical()
            .id_salt("turn-list")
            .max_height(320.0)
            .auto_shrink([false, true])
            .show_rows(ui, row_h, rows.len(), |ui, range| {
                for i in range {
                    let Some(row) = rows.get(i) else { continue };
                    ui.horizontal(|ui| {
                        ui.add_sized(
                            egui::vec2(28.0, ui.spacing().interact_size.y),
                            egui::Label::new(format!("{}.", i + 1)),
                        );
                        let mut who = row.turn.speaker.clone();
                        egui::ComboBox::from_id_salt(("turn-speaker", i))
                            .selected_text(row.speaker.as_str())
                            .width(140.0)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut who, None, "(no speaker)");
                                for s in &project.speakers {
                                    ui.selectable_value(&mut who, Some(s.id.clone()), &s.name);
                                }
                            })
                            .response
                            .on_hover_text(format!("Speaker of turn {}", i + 1));
                        let mut kind = row.turn.kind;
                        egui::ComboBox::from_id_salt(("turn-kind", i))
                            .selected_text(kind_name(kind))
                            .width(90.0)
                            .show_ui(ui, |ui| {
                                for k in KINDS {
                                    ui.selectable_value(&mut kind, k, kind_name(k));
                                }
                            })
                            .response
                            .on_hover_text(format!("Kind of turn {}", i + 1));
                        if who != row.turn.speaker || kind != row.turn.kind {
                            let mut new = turns();
                            if let Some(t) = new.get_mut(i) {
                                t.speaker = who;
                                t.kind = kind;
                            }
                            actions.push(set(new));
                        }
                        if i + 1 < rows.len()
                            && ui
                                .small_button("Merge")
                                .on_hover_text(format!("Merge turn {} with the next", i + 1))
                                .clicked()
                            && let Some(new) = turn_ops::merge_with_next(&turns(), i)
                        {
                            actions.push(set(new));
                        }
                        ui.add(egui::Label::new(row.first_words.as_str()).truncate());
                    });
                }
            });

        // Speakers.
        ui.separator();
        egui::CollapsingHeader::new("Speakers")
            .id_salt("turns-speakers")
            .default_open(true)
            .show(ui, |ui| {
                for s in &project.speakers {
                    ui.horizontal(|ui| {
                        let mut l = ui.label(&s.name);
                        if !s.aliases.is_empty() || !s.role.is_empty() {
                            l = l.on_hover_text(format!(
                                "{}\nalso: {}",
                                s.role,
                                s.aliases.join(", ")
                            ));
                        }
                        let _ = l;
                        ui.menu_button("Merge into…", |ui| {
                            for other in project.speakers.iter().filter(|o| o.id != s.id) {
                                if ui.button(&other.name).clicked() {
                                    actions.push(ViewpointAction::Apply(merge_speakers(
                                        project, &other.id, &s.id,
                                    )));
                                    ui.close();
                                }
                            }
                        })
                        .response
                        .on_hover_text(format!(
                            "Merge {} into another speaker (their claims and turns move)",
                            s.name
                        ));
                    });
                }
            });
        actions
    }
}

/// The turns of `doc` with their display strings.
fn turn_rows(project: &Project, doc: &DocId, text: &str) -> Vec<TurnRow> {
    project
        .turns_of(doc)
        .map(|t| TurnRow {
            turn: t.clone(),
            speaker: speaker_name(project, t.speaker.as_ref()),
            first_words: slice_chars(text, t.start..t.end)
                .map(|s| snippet(s, FIRST_WORDS))
                .unwrap_or_default(),
        })
        .collect()
}

/// A labelled speaker box (with "(no speaker)").
fn speaker_box(ui: &mut egui::Ui, project: &Project, value: &mut Option<SpeakerId>, label: &str) {
    let current = speaker_name(project, value.as_ref());
    egui::ComboBox::from_label(label)
        .selected_text(current)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, "(no speaker)");
            for s in &project.speakers {
                ui.selectable_value(value, Some(s.id.clone()), &s.name);
            }
        });
}

/// A labelled turn-kind box.
fn kind_box(ui: &mut egui::Ui, value: &mut TurnKind, label: &str) {
    egui::ComboBox::from_label(label)
        .selected_text(kind_name(*value))
        .show_ui(ui, |ui| {
            for k in KINDS {
                ui.selectable_value(value, k, kind_name(k));
            }
        });
}
