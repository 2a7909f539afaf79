//! STAND-IN for the real app, so the frame figures mean something before
//! `crate::ui::app::MarginaliaApp` exists: the three regions of the window
//! (codebook on the left, the article through [`TextView`] in the centre, the
//! annotation list on the right, drawn with `ScrollArea::show_rows` so only
//! visible rows cost), hotkeys 1–9 tagging the selection through
//! [`History`]. Delete this file once the benchmark drives the real app (see
//! `draw_app_frame` in `bench/mod.rs`).

use super::generate::annotation_at;
use crate::model::text::ParagraphIndex;
use crate::model::{AnnotationId, DocId, Edit, History, Project, Timestamp};
use crate::ui::text_view::{TextView, TextViewInput};
use std::ops::Range;

/// A minimal app: project, history, article view, selected annotation.
pub struct StandInApp {
    project: Project,
    history: History,
    view: TextView,
    doc: Option<DocId>,
    paragraphs: ParagraphIndex,
    selected: Option<AnnotationId>,
}

impl StandInApp {
    /// Opens `project` on its first document.
    pub fn new(project: Project) -> Self {
        let doc = project.documents.first().map(|d| d.id.clone());
        let paragraphs = project
            .documents
            .first()
            .map(|d| ParagraphIndex::new(&d.text))
            .unwrap_or_default();
        Self {
            project,
            history: History::new_saved(),
            view: TextView::new(),
            doc,
            paragraphs,
            selected: None,
        }
    }

    /// The project as edited so far.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Scrolls the article to a char range.
    pub fn scroll_to(&mut self, range: Range<usize>) {
        self.view.scroll_to(range);
    }

    /// Selects a char range of the article.
    pub fn select_text(&mut self, range: Range<usize>) {
        self.view.set_selection(range);
    }

    /// Selects an annotation and scrolls the article to it.
    pub fn select_annotation(&mut self, index: usize) {
        if let Some(a) = self.project.annotations.get(index) {
            self.selected = Some(a.id.clone());
            self.view.scroll_to(a.range());
        }
    }

    /// Tags the selection with the tag bound to `key`, as one undo step.
    fn tag_selection(&mut self, key: u8) {
        let (Some(doc_id), Some(range)) = (self.doc.clone(), self.view.selection()) else {
            return;
        };
        let Some(tag) = self.project.codebook.by_key(key).map(|t| t.id.clone()) else {
            return;
        };
        let Some(doc) = self.project.document(&doc_id) else {
            return;
        };
        let byte = |ci: usize| {
            let p = self.paragraphs.paragraph_of(ci);
            let start = self.paragraphs.paragraphs.get(p)?.chars.start;
            self.paragraphs
                .byte_in_paragraph(&doc.text, p, ci.checked_sub(start)?)
                .or_else(|| (ci == self.paragraphs.char_len).then_some(doc.text.len()))
        };
        let (Some(bs), Some(be)) = (byte(range.start), byte(range.end)) else {
            return;
        };
        let Some(a) = annotation_at(
            &doc_id,
            &doc.text,
            range,
            bs..be,
            vec![tag],
            "bench",
            &Timestamp::now(),
        ) else {
            return;
        };
        let id = a.id.clone();
        if self
            .history
            .apply(&mut self.project, Edit::AddAnnotation(a))
            .is_ok()
        {
            self.selected = Some(id);
            self.view.clear_selection();
        }
    }

    /// Draws one frame on the root `Ui`.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        for key in 1..=9u8 {
            let k = [
                egui::Key::Num1,
                egui::Key::Num2,
                egui::Key::Num3,
                egui::Key::Num4,
                egui::Key::Num5,
                egui::Key::Num6,
                egui::Key::Num7,
                egui::Key::Num8,
                egui::Key::Num9,
            ][usize::from(key - 1)];
            if ui.input(|i| i.key_pressed(k)) {
                self.tag_selection(key);
            }
        }
        egui::Panel::left("bench-codebook")
            .default_size(220.0)
            .show(ui, |ui| {
                ui.heading("Codebook");
                for (tag, depth) in self.project.codebook.tree_order() {
                    ui.horizontal(|ui| {
                        ui.add_space(depth as f32 * 12.0);
                        let [r, g, b] = tag.color.0;
                        ui.colored_label(egui::Color32::from_rgb(r, g, b), "■");
                        let key = tag.key.map(|k| format!("{k} ")).unwrap_or_default();
                        ui.label(format!("{key}{}", tag.name));
                    });
                }
                ui.separator();
                ui.heading("Speakers");
                for s in &self.project.speakers {
                    ui.label(&s.name);
                }
            });
        let mut clicked: Option<usize> = None;
        egui::Panel::right("bench-annotations")
            .default_size(360.0)
            .show(ui, |ui| {
                ui.heading(format!("{} annotations", self.project.annotations.len()));
                let row_h = ui.text_style_height(&egui::TextStyle::Body);
                let anns = &self.project.annotations;
                egui::ScrollArea::vertical().show_rows(ui, row_h, anns.len(), |ui, rows| {
                    for i in rows {
                        let Some(a) = anns.get(i) else { continue };
                        let tag = a
                            .tags
                            .first()
                            .and_then(|t| self.project.codebook.get(t))
                            .map(|t| t.name.as_str())
                            .unwrap_or("");
                        let quote: String = a.quote.chars().take(48).collect();
                        let on = self.selected.as_ref() == Some(&a.id);
                        if ui.selectable_label(on, format!("{tag}: {quote}")).clicked() {
                            clicked = Some(i);
                        }
                    }
                });
            });
        if let Some(i) = clicked {
            self.select_annotation(i);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(doc) = &self.doc {
                let input = TextViewInput {
                    project: &self.project,
                    doc,
                    revision: self.history.revision(),
                    selected: self.selected.as_ref(),
                };
                self.view.show(ui, &input);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::frames::{Script, drive};
    use crate::bench::generate::{GenConfig, generate};

    #[test]
    fn scripted_tagging_adds_annotations_with_matching_quotes() {
        let project = generate(&GenConfig {
            seed: 2,
            doc_bytes: 8_000,
            annotations: 30,
        });
        let chars = project.documents[0].char_len();
        let mut app = StandInApp::new(project);
        let script = Script::standard(41, chars, 30);
        let ctx = egui::Context::default();
        drive(&ctx, &script, |ui, step| {
            crate::bench::draw_app_frame(&mut app, ui, step)
        });
        let p = app.project();
        assert_eq!(p.annotations.len(), 32, "one tag per block of 20 frames");
        assert_eq!(p.validate(), vec![]);
        assert!(p.annotations.iter().any(|a| a.annotator == "bench"));
    }
}
