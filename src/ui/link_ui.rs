//! Linking claims: the relations of the selected annotation, for the
//! inspector.
//!
//! [`LinkPanel`] lists the links of one annotation (kind, direction, the
//! other claim's quote and speaker) with a remove button each, and a
//! "Link to…" pick mode: a searchable list of the document's other
//! annotations and a relation-kind box. A small editor adds custom relation
//! kinds. Everything it changes comes back as [`ViewpointAction::Apply`].
//!
//! Derived lists (links, candidates) are cached per (revision, selection,
//! search), not rebuilt per frame.

use super::link_index::LinkIndex;
use super::viewpoints::{ViewpointAction, annotation_speaker, kind_color, snippet, speaker_name};
use crate::model::{AnnotationId, DocId, Edit, Project, Relation, RelationId};
use egui::RichText;

/// Max chars of a quote in the lists.
const QUOTE_CHARS: usize = 90;

/// One link of the selected annotation, ready to draw.
struct LinkRow {
    relation: RelationId,
    kind: String,
    outgoing: bool,
    other: AnnotationId,
    other_doc: DocId,
    text: String,
    tooltip: String,
}

/// An annotation that can be linked to.
struct Candidate {
    id: AnnotationId,
    label: String,
}

#[derive(Clone, PartialEq, Eq)]
struct LinksKey {
    revision: u64,
    selected: AnnotationId,
}

#[derive(Clone, PartialEq, Eq)]
struct CandKey {
    revision: u64,
    selected: AnnotationId,
    search: String,
}

/// State of the link panel for the selected annotation.
#[derive(Default)]
pub struct LinkPanel {
    picking: bool,
    search: String,
    target: Option<AnnotationId>,
    kind: String,
    new_kind: String,
    links: Option<(LinksKey, Vec<LinkRow>)>,
    candidates: Option<(CandKey, Vec<Candidate>)>,
}

impl LinkPanel {
    /// A panel not in pick mode.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the "Link to…" pick mode is open.
    pub fn is_picking(&self) -> bool {
        self.picking
    }

    /// Opens the picker for `selected` (from the Compare view's "Link to
    /// another claim…"), as a click on "Link to…" would.
    pub fn start_picking(&mut self, selected: &AnnotationId) {
        self.picking = true;
        self.target = None;
        self.search.clear();
        // Point the cache at `selected` (with a revision no project has, so
        // it is rebuilt) so the next frame does not see a change of
        // annotation and leave pick mode.
        let key = LinksKey {
            revision: u64::MAX,
            selected: selected.clone(),
        };
        self.links = Some((key, Vec::new()));
    }

    /// Draws the links of `selected`, found through `links` (an index of
    /// `project` at `revision`). New relations are recorded with
    /// `annotator`; `revision` is the project's, for caching.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        links: &LinkIndex,
        selected: &AnnotationId,
        annotator: &str,
        revision: u64,
    ) -> Vec<ViewpointAction> {
        let mut actions = Vec::new();
        let key = LinksKey {
            revision,
            selected: selected.clone(),
        };
        if self.links.as_ref().map(|(k, _)| &k.selected) != Some(selected) {
            // Another annotation: leave pick mode.
            self.picking = false;
            self.target = None;
            self.search.clear();
        }
        if self.links.as_ref().is_none_or(|(k, _)| *k != key) {
            self.links = Some((key, link_rows(project, links, selected)));
        }
        if !project.relation_kinds.contains(&self.kind) {
            self.kind = project.relation_kinds.first().cloned().unwrap_or_default();
        }

        ui.strong("Links");
        let rows = self
            .links
            .as_ref()
            .map(|(_, r)| r.as_slice())
            .unwrap_or(&[]);
        if rows.is_empty() {
            ui.weak("No links yet.");
        }
        for row in rows {
            ui.horizontal_wrapped(|ui| {
                let arrow = if row.outgoing { "->" } else { "<-" };
                ui.label(
                    RichText::new(format!("{arrow} {}", row.kind)).color(kind_color(&row.kind)),
                )
                .on_hover_text(if row.outgoing {
                    "This claim -> the other"
                } else {
                    "The other claim -> this one"
                });
                if ui
                    .add(egui::Button::new(row.text.as_str()).frame(false).wrap())
                    .on_hover_text(&row.tooltip)
                    .clicked()
                {
                    actions.push(ViewpointAction::Jump {
                        doc: row.other_doc.clone(),
                        annotation: row.other.clone(),
                    });
                }
                if ui
                    .small_button("Remove link")
                    .on_hover_text("Delete this link (undoable)")
                    .clicked()
                {
                    actions.push(ViewpointAction::Apply(Edit::RemoveRelation(
                        row.relation.clone(),
                    )));
                }
            });
        }

        ui.add_space(4.0);
        if !self.picking {
            if ui
                .button("Link to…")
                .on_hover_text("Link this claim to another annotation of the document")
                .clicked()
            {
                self.picking = true;
                self.target = None;
            }
        } else {
            self.pick_ui(ui, project, selected, annotator, revision, &mut actions);
        }

        ui.add_space(4.0);
        egui::CollapsingHeader::new("Relation kinds")
            .id_salt("link-kinds")
            .show(ui, |ui| self.kinds_ui(ui, project, &mut actions));
        actions
    }

    fn pick_ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        selected: &AnnotationId,
        annotator: &str,
        revision: u64,
        actions: &mut Vec<ViewpointAction>,
    ) {
        ui.horizontal(|ui| {
            let l = ui.label("Search:");
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .hint_text("quote or speaker")
                    .desired_width(180.0),
            )
            .labelled_by(l.id);
        });
        let key = CandKey {
            revision,
            selected: selected.clone(),
            search: self.search.clone(),
        };
        if self.candidates.as_ref().is_none_or(|(k, _)| *k != key) {
            self.candidates = Some((key, candidates(project, selected, &self.search)));
        }
        let cands = self
            .candidates
            .as_ref()
            .map(|(_, c)| c.as_slice())
            .unwrap_or(&[]);
        if cands.is_empty() {
            ui.weak("No other annotation matches.");
        }
        let row_h = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical()
            .id_salt("link-candidates")
            .max_height(220.0)
            .auto_shrink([false, true])
            .show_rows(ui, row_h, cands.len(), |ui, range| {
                for c in cands.get(range).unwrap_or(&[]) {
                    let on = self.target.as_ref() == Some(&c.id);
                    if ui
                        .add(egui::Button::selectable(on, c.label.as_str()).truncate())
                        .clicked()
                    {
                        self.target = Some(c.id.clone());
                    }
                }
            });
        ui.horizontal(|ui| {
            egui::ComboBox::from_label("Relation kind")
                .selected_text(self.kind.as_str())
                .show_ui(ui, |ui| {
                    for k in &project.relation_kinds {
                        ui.selectable_value(&mut self.kind, k.clone(), k.as_str());
                    }
                });
        });
        let duplicate = self.target.as_ref().is_some_and(|t| {
            self.links.as_ref().is_some_and(|(_, rows)| {
                rows.iter()
                    .any(|r| r.outgoing && &r.other == t && r.kind == self.kind)
            })
        });
        ui.horizontal(|ui| {
            let ready = self.target.is_some() && !self.kind.is_empty() && !duplicate;
            let r = ui.add_enabled(ready, egui::Button::new("Link"));
            let r = if duplicate {
                r.on_disabled_hover_text("These claims already have this link")
            } else {
                r.on_disabled_hover_text("Pick an annotation and a kind")
            };
            if r.clicked()
                && let Some(to) = self.target.take()
            {
                actions.push(ViewpointAction::Apply(Edit::AddRelation(Relation {
                    id: RelationId::generate(),
                    from: selected.clone(),
                    to,
                    kind: self.kind.clone(),
                    annotator: annotator.to_owned(),
                })));
                self.picking = false;
                self.search.clear();
            }
            if ui.button("Cancel").clicked() {
                self.picking = false;
                self.target = None;
            }
        });
    }

    fn kinds_ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        actions: &mut Vec<ViewpointAction>,
    ) {
        ui.horizontal_wrapped(|ui| {
            for k in &project.relation_kinds {
                ui.label(RichText::new(k).color(kind_color(k)));
            }
        });
        ui.horizontal(|ui| {
            let l = ui.label("New kind:");
            ui.add(
                egui::TextEdit::singleline(&mut self.new_kind)
                    .hint_text("e.g. elaborates")
                    .desired_width(140.0),
            )
            .labelled_by(l.id);
            let name = self.new_kind.trim();
            let exists = project
                .relation_kinds
                .iter()
                .any(|k| k.eq_ignore_ascii_case(name));
            let ok = !name.is_empty() && !exists;
            let r = ui
                .add_enabled(ok, egui::Button::new("Add kind"))
                .on_disabled_hover_text(if exists {
                    "This kind exists already"
                } else {
                    "Type a name"
                });
            if r.clicked() {
                let mut kinds = project.relation_kinds.clone();
                kinds.push(name.to_owned());
                actions.push(ViewpointAction::Apply(Edit::SetRelationKinds(kinds)));
                self.new_kind.clear();
            }
        });
    }
}

/// The links of `selected`, in project order.
fn link_rows(project: &Project, links: &LinkIndex, selected: &AnnotationId) -> Vec<LinkRow> {
    links
        .of(project, selected)
        .filter_map(|r| {
            let outgoing = &r.from == selected;
            let other_id = if outgoing { &r.to } else { &r.from };
            let other = project.annotation(other_id)?;
            let who = speaker_name(project, annotation_speaker(project, other));
            Some(LinkRow {
                relation: r.id.clone(),
                kind: r.kind.clone(),
                outgoing,
                other: other.id.clone(),
                other_doc: other.doc.clone(),
                text: format!("{who}: “{}”", snippet(&other.quote, QUOTE_CHARS)),
                tooltip: other.quote.clone(),
            })
        })
        .collect()
}

/// The other annotations of `selected`'s document matching `search`
/// (case-insensitive, in the quote or the speaker's name), in text order.
fn candidates(project: &Project, selected: &AnnotationId, search: &str) -> Vec<Candidate> {
    let Some(sel) = project.annotation(selected) else {
        return Vec::new();
    };
    let needle = search.trim().to_lowercase();
    project
        .annotations_of(&sel.doc)
        .filter(|a| &a.id != selected)
        .filter_map(|a| {
            let who = speaker_name(project, annotation_speaker(project, a));
            if !needle.is_empty()
                && !a.quote.to_lowercase().contains(&needle)
                && !who.to_lowercase().contains(&needle)
            {
                return None;
            }
            Some(Candidate {
                id: a.id.clone(),
                label: format!("{who}: “{}”", snippet(&a.quote, QUOTE_CHARS)),
            })
        })
        .collect()
}
