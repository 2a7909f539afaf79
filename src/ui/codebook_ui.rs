//! The codebook panel: the tag tree with colour swatch, name, hotkey badge
//! and use count; add, rename (inline), recolour, reorder, nest, hotkey and
//! delete (a modal asks what happens to the annotations using the tag).
//!
//! Every change is one [`Edit`]: fields edit drafts held here and commit on
//! Enter, on focus loss or with a button.

use super::actions::{Action, ViewCtx, color32};
use crate::model::{Color, Edit, Project, Tag, TagId};
use std::collections::HashMap;

/// What to do with the annotations of a tag being deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeleteChoice {
    /// Remove the tag from them; they stay.
    RemoveTag,
    /// Give them another tag instead.
    Reassign,
    /// Delete those annotations.
    DeleteAnnotations,
}

#[derive(Clone, Debug)]
struct DeleteState {
    tag: TagId,
    choice: DeleteChoice,
    reassign: Option<TagId>,
}

/// State of the codebook panel.
#[derive(Default)]
pub struct CodebookPanel {
    selected: Option<TagId>,
    rename: Option<(TagId, String)>,
    rename_focus: bool,
    color_draft: Option<(TagId, [u8; 3])>,
    description: Option<(TagId, String)>,
    delete: Option<DeleteState>,
}

/// The edit for deleting `id`, handling its annotations as `choice` says.
pub fn delete_tag_edit(
    p: &Project,
    id: &TagId,
    choice: DeleteChoice,
    reassign: Option<&TagId>,
) -> Edit {
    match choice {
        DeleteChoice::RemoveTag => Edit::delete_tag(p, id, None, false),
        DeleteChoice::Reassign => Edit::delete_tag(p, id, reassign, false),
        DeleteChoice::DeleteAnnotations => Edit::delete_tag_and_annotations(p, id),
    }
}

impl CodebookPanel {
    /// Whether the delete-tag modal is showing.
    pub fn modal_open(&self) -> bool {
        self.delete.is_some()
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &ViewCtx<'_>, actions: &mut Vec<Action>) {
        let p = view.project;
        ui.horizontal(|ui| {
            ui.heading("Codebook");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("+ Add tag").on_hover_text("Add a tag").clicked() {
                    let mut tag = Tag::new(
                        unique_name(p, "New tag"),
                        Color::palette(p.codebook.tags.len()),
                    );
                    tag.key = (1..=9).find(|k| p.codebook.by_key(*k).is_none());
                    self.selected = Some(tag.id.clone());
                    self.rename = Some((tag.id.clone(), tag.name.clone()));
                    self.rename_focus = true;
                    actions.push(Action::edit(Edit::InsertTag {
                        index: p.codebook.tags.len(),
                        tag,
                    }));
                }
            });
        });
        if p.codebook.tags.is_empty() {
            ui.label(egui::RichText::new("No tags yet: add one to start coding").weak());
        }
        let counts = &view.counts.per_tag;
        for (tag, depth) in p.codebook.tree_order() {
            self.tag_row(
                ui,
                p,
                tag,
                depth,
                counts.get(&tag.id).copied().unwrap_or(0),
                actions,
            );
        }
        if let Some(id) = self.selected.clone() {
            // A tag just added appears after this frame; keep it selected.
            if let Some(tag) = p.codebook.get(&id) {
                self.editor(ui, p, tag, actions);
            }
        }
        self.delete_modal(ui.ctx(), p, counts, actions);
    }

    fn tag_row(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        tag: &Tag,
        depth: usize,
        count: usize,
        actions: &mut Vec<Action>,
    ) {
        ui.horizontal(|ui| {
            ui.add_space(depth as f32 * 14.0);
            // Colour: a draft while the picker is being dragged, one edit
            // when the pointer is released.
            let mut rgb = match &self.color_draft {
                Some((id, c)) if id == &tag.id => *c,
                _ => tag.color.0,
            };
            // A small swatch (the spacing set back after it, without a child
            // `Ui` a row).
            let interact = ui.spacing().interact_size;
            ui.spacing_mut().interact_size = egui::vec2(22.0, 14.0);
            let r = ui.color_edit_button_srgb(&mut rgb);
            ui.spacing_mut().interact_size = interact;
            let r = r.on_hover_ui(|ui| {
                ui.label(format!("Colour of {}", tag.name));
            });
            if r.changed() {
                self.color_draft = Some((tag.id.clone(), rgb));
            }
            if let Some((id, c)) = &self.color_draft
                && id == &tag.id
                && !ui.input(|i| i.pointer.any_down())
            {
                if *c != tag.color.0 {
                    let mut t = tag.clone();
                    t.color = Color(*c);
                    actions.push(Action::edit(Edit::UpdateTag(t)));
                }
                self.color_draft = None;
            }

            let renaming = matches!(&self.rename, Some((id, _)) if id == &tag.id);
            if renaming {
                let mut commit = false;
                let mut cancel = false;
                if let Some((_, name)) = &mut self.rename {
                    let r = ui.add(
                        egui::TextEdit::singleline(name)
                            .desired_width(120.0)
                            .hint_text("Tag name"),
                    );
                    let r = r.on_hover_text("Tag name: Enter to keep, Escape to cancel");
                    if self.rename_focus {
                        r.request_focus();
                        self.rename_focus = false;
                    }
                    if r.lost_focus() {
                        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                            cancel = true;
                        } else {
                            commit = true;
                        }
                    }
                }
                if commit && let Some((_, name)) = self.rename.take() {
                    let name = name.trim().to_string();
                    let taken = p
                        .codebook
                        .children(tag.parent.as_ref())
                        .any(|t| t.id != tag.id && t.name.eq_ignore_ascii_case(&name));
                    if taken {
                        actions.push(Action::Status(format!(
                            "A tag at this level is already named “{name}”"
                        )));
                    } else if !name.is_empty() && name != tag.name {
                        let mut t = tag.clone();
                        t.name = name;
                        actions.push(Action::edit(Edit::UpdateTag(t)));
                    }
                }
                if cancel {
                    self.rename = None;
                }
            } else {
                let selected = self.selected.as_ref() == Some(&tag.id);
                let mut r = ui.selectable_label(selected, &tag.name);
                if !tag.description.is_empty() {
                    r = r.on_hover_text(&tag.description);
                }
                if r.double_clicked() {
                    self.rename = Some((tag.id.clone(), tag.name.clone()));
                    self.rename_focus = true;
                } else if r.clicked() {
                    self.selected = if selected { None } else { Some(tag.id.clone()) };
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(egui::RichText::new(count.to_string()).weak())
                    .on_hover_ui(|ui| {
                        ui.label(format!("{count} annotations use {}", tag.name));
                    });
                if let Some(k) = tag.key {
                    key_badge(ui, k);
                }
            });
        });
    }

    fn editor(&mut self, ui: &mut egui::Ui, p: &Project, tag: &Tag, actions: &mut Vec<Action>) {
        ui.add_space(4.0);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(
                    egui::RichText::new(&tag.name)
                        .strong()
                        .color(color32(tag.color)),
                );
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.small_button("Rename").clicked() {
                        self.rename = Some((tag.id.clone(), tag.name.clone()));
                        self.rename_focus = true;
                    }
                });
            });
            // Description.
            let mut desc = match &self.description {
                Some((id, d)) if id == &tag.id => d.clone(),
                _ => tag.description.clone(),
            };
            let l = ui.label("Description");
            let r = ui
                .add(
                    egui::TextEdit::multiline(&mut desc)
                        .desired_rows(2)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(l.id);
            if r.changed() {
                self.description = Some((tag.id.clone(), desc.clone()));
            }
            if r.lost_focus() {
                if desc != tag.description {
                    let mut t = tag.clone();
                    t.description = desc;
                    actions.push(Action::edit(Edit::UpdateTag(t)));
                }
                self.description = None;
            }
            egui::Grid::new("tag_editor").num_columns(2).show(ui, |ui| {
                // Parent: any tag that would not make a cycle.
                ui.label("Parent");
                let parent_name = tag
                    .parent
                    .as_ref()
                    .and_then(|id| p.codebook.get(id))
                    .map(|t| t.name.clone())
                    .unwrap_or_else(|| "(top level)".into());
                let mut new_parent = tag.parent.clone();
                egui::ComboBox::from_id_salt("tag_parent")
                    .selected_text(parent_name)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut new_parent, None, "(top level)");
                        for (t, d) in p.codebook.tree_order() {
                            if p.codebook.would_cycle(&tag.id, &t.id) {
                                continue;
                            }
                            let indent = "  ".repeat(d);
                            ui.selectable_value(
                                &mut new_parent,
                                Some(t.id.clone()),
                                format!("{indent}{}", t.name),
                            );
                        }
                    })
                    .response
                    .on_hover_text("Parent tag");
                if new_parent != tag.parent {
                    let mut t = tag.clone();
                    t.parent = new_parent;
                    actions.push(Action::edit(Edit::UpdateTag(t)));
                }
                ui.end_row();

                ui.label("Hotkey");
                let mut key = tag.key;
                egui::ComboBox::from_id_salt("tag_hotkey")
                    .selected_text(key.map(|k| k.to_string()).unwrap_or_else(|| "none".into()))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut key, None, "none");
                        for k in 1..=9u8 {
                            let used_by = p
                                .codebook
                                .by_key(k)
                                .filter(|t| t.id != tag.id)
                                .map(|t| format!(" (now {})", t.name))
                                .unwrap_or_default();
                            ui.selectable_value(&mut key, Some(k), format!("{k}{used_by}"));
                        }
                    })
                    .response
                    .on_hover_text("Hotkey");
                if key != tag.key {
                    let mut edits = Vec::new();
                    // Taking a key from another tag frees it there first.
                    if let Some(k) = key
                        && let Some(other) = p.codebook.by_key(k).filter(|t| t.id != tag.id)
                    {
                        let mut o = other.clone();
                        o.key = None;
                        edits.push(Edit::UpdateTag(o));
                    }
                    let mut t = tag.clone();
                    t.key = key;
                    edits.push(Edit::UpdateTag(t));
                    actions.push(Action::edit(Edit::batch(
                        format!("set hotkey of {}", tag.name),
                        edits,
                    )));
                }
                ui.end_row();
            });
            ui.horizontal(|ui| {
                let siblings: Vec<usize> = p
                    .codebook
                    .tags
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.parent == tag.parent)
                    .map(|(i, _)| i)
                    .collect();
                let me = p.codebook.index_of(&tag.id);
                let pos = siblings.iter().position(|i| Some(*i) == me);
                let prev = pos
                    .and_then(|k| k.checked_sub(1))
                    .and_then(|k| siblings.get(k));
                let next = pos.and_then(|k| siblings.get(k + 1));
                if ui
                    .add_enabled(prev.is_some(), egui::Button::new("Up"))
                    .on_hover_text("Move up")
                    .clicked()
                    && let Some(&j) = prev
                {
                    actions.push(Action::edit(Edit::MoveTag {
                        id: tag.id.clone(),
                        index: j,
                    }));
                }
                if ui
                    .add_enabled(next.is_some(), egui::Button::new("Down"))
                    .on_hover_text("Move down")
                    .clicked()
                    && let Some(&j) = next
                {
                    actions.push(Action::edit(Edit::MoveTag {
                        id: tag.id.clone(),
                        index: j,
                    }));
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .button("Delete tag…")
                        .on_hover_text("Delete this tag (asks about its annotations)")
                        .clicked()
                    {
                        self.delete = Some(DeleteState {
                            tag: tag.id.clone(),
                            choice: DeleteChoice::RemoveTag,
                            reassign: None,
                        });
                    }
                });
            });
        });
    }

    fn delete_modal(
        &mut self,
        ctx: &egui::Context,
        p: &Project,
        counts: &HashMap<TagId, usize>,
        actions: &mut Vec<Action>,
    ) {
        let Some(state) = &mut self.delete else {
            return;
        };
        let Some(tag) = p.codebook.get(&state.tag) else {
            self.delete = None;
            return;
        };
        let n = counts.get(&tag.id).copied().unwrap_or(0);
        let mut done = None;
        let r = egui::Modal::new(egui::Id::unique("delete_tag_modal")).show(ctx, |ui| {
            ui.set_max_width(380.0);
            ui.heading(format!("Delete tag “{}”?", tag.name));
            ui.add_space(4.0);
            if n == 0 {
                ui.label("No annotation uses this tag.");
            } else {
                ui.label(format!(
                    "{n} annotations use this tag. What should happen to them?"
                ));
                ui.radio_value(
                    &mut state.choice,
                    DeleteChoice::RemoveTag,
                    "Remove the tag from them",
                );
                ui.horizontal(|ui| {
                    ui.radio_value(&mut state.choice, DeleteChoice::Reassign, "Reassign to");
                    let name = state
                        .reassign
                        .as_ref()
                        .and_then(|id| p.codebook.get(id))
                        .map(|t| t.name.clone())
                        .unwrap_or_else(|| "choose a tag".into());
                    egui::ComboBox::from_id_salt("reassign_tag")
                        .selected_text(name)
                        .show_ui(ui, |ui| {
                            for (t, d) in p.codebook.tree_order() {
                                if t.id == tag.id {
                                    continue;
                                }
                                let r = ui.selectable_value(
                                    &mut state.reassign,
                                    Some(t.id.clone()),
                                    format!(
                                        "{}{} ({})",
                                        "  ".repeat(d),
                                        t.name,
                                        counts.get(&t.id).copied().unwrap_or(0)
                                    ),
                                );
                                if r.clicked() {
                                    state.choice = DeleteChoice::Reassign;
                                }
                            }
                        })
                        .response
                        .on_hover_text("Tag to reassign to");
                });
                ui.radio_value(
                    &mut state.choice,
                    DeleteChoice::DeleteAnnotations,
                    "Delete those annotations",
                );
            }
            if p.codebook.children(Some(&tag.id)).next().is_some() {
                ui.label(egui::RichText::new("Its child tags move up one level.").weak());
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let ok = state.choice != DeleteChoice::Reassign || state.reassign.is_some();
                if ui
                    .add_enabled(ok, egui::Button::new("Delete tag"))
                    .clicked()
                {
                    done = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    done = Some(false);
                }
            });
        });
        if r.should_close() && done.is_none() {
            done = Some(false);
        }
        if let Some(confirmed) = done {
            if confirmed {
                actions.push(Action::edit(delete_tag_edit(
                    p,
                    &tag.id,
                    state.choice,
                    state.reassign.as_ref(),
                )));
                self.selected = None;
            }
            self.delete = None;
        }
    }
}

/// A small rounded badge showing a hotkey: the digit in a thin outline,
/// painted directly (one per tag row, every frame: no frame or child `Ui`).
pub fn key_badge(ui: &mut egui::Ui, key: u8) -> egui::Response {
    let digit = key.to_string();
    let galley = egui::WidgetText::from(egui::RichText::new(digit.as_str()).monospace().small())
        .into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Body,
        );
    let stroke = ui.visuals().widgets.noninteractive.bg_stroke;
    // As tall as a row's widgets, like a key cap.
    let inner = egui::vec2(
        galley.size().x + 8.0,
        galley
            .size()
            .y
            .max(ui.spacing().interact_size.y - 2.0 * stroke.width),
    );
    let (rect, response) = ui.allocate_exact_size(
        inner + egui::Vec2::splat(2.0 * stroke.width),
        egui::Sense::hover(),
    );
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, digit.as_str()));
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        painter.rect_stroke(rect, 3.0, stroke, egui::StrokeKind::Inside);
        let at = rect.center() - galley.size() / 2.0;
        painter.galley(at, galley, ui.visuals().text_color());
    }
    response.on_hover_ui(|ui| {
        ui.label(format!("Hotkey {key}"));
    })
}

fn unique_name(p: &Project, base: &str) -> String {
    if p.codebook.by_name(base).is_none() {
        return base.into();
    }
    (2..)
        .map(|i| format!("{base} {i}"))
        .find(|n| p.codebook.by_name(n).is_none())
        .unwrap_or_else(|| base.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::sample::sample_project;

    #[test]
    fn delete_with_each_choice_is_one_undoable_step() {
        let p0 = sample_project();
        let tag = p0
            .codebook
            .tags
            .iter()
            .find(|t| p0.annotations.iter().any(|a| a.tags.contains(&t.id)))
            .map(|t| t.id.clone())
            .unwrap();
        let other = p0
            .codebook
            .tags
            .iter()
            .find(|t| t.id != tag)
            .map(|t| t.id.clone())
            .unwrap();
        let users = p0
            .annotations
            .iter()
            .filter(|a| a.tags.contains(&tag))
            .count();
        for choice in [
            DeleteChoice::RemoveTag,
            DeleteChoice::Reassign,
            DeleteChoice::DeleteAnnotations,
        ] {
            let mut p = p0.clone();
            let inv = delete_tag_edit(&p0, &tag, choice, Some(&other))
                .apply(&mut p)
                .unwrap();
            assert!(p.codebook.get(&tag).is_none());
            assert!(p.annotations.iter().all(|a| !a.tags.contains(&tag)));
            match choice {
                DeleteChoice::DeleteAnnotations => {
                    assert_eq!(p.annotations.len(), p0.annotations.len() - users)
                }
                _ => assert_eq!(p.annotations.len(), p0.annotations.len()),
            }
            assert!(p.validate().is_empty());
            inv.apply(&mut p).unwrap();
            assert_eq!(p, p0);
        }
    }
}
