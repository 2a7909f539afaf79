//! The inspector: everything about the selected annotation. Tags are
//! checkboxes over the codebook tree, the speaker a combo box, the note a
//! draft committed as one edit when the field loses focus (even if another
//! annotation was selected meanwhile).

use super::actions::{Action, ViewCtx, color32};
use crate::model::{Annotation, AnnotationId, Edit, Project, Timestamp};

/// Chars of a quote the inspector shows before "Show all": some six lines.
/// A quote can be pages long (a whole answer tagged at once), and laying
/// all of it out each time it is inspected would cost a millisecond or more.
pub const QUOTE_PREVIEW_CHARS: usize = 280;

/// State of the inspector.
#[derive(Default)]
pub struct Inspector {
    note: Option<(AnnotationId, String)>,
    focus_note: bool,
    /// The annotation whose long quote is shown whole.
    whole_quote: Option<AnnotationId>,
}

/// The start of `quote` to show while it is collapsed, the ellipsis to
/// follow it: up to [`QUOTE_PREVIEW_CHARS`] chars, cut after a whole word
/// where there is one in the second half; `None` if the quote is short
/// enough to show whole.
pub fn quote_preview(quote: &str) -> Option<&str> {
    let (cut, _) = quote.char_indices().nth(QUOTE_PREVIEW_CHARS)?;
    let head = &quote[..cut];
    let half = quote
        .char_indices()
        .nth(QUOTE_PREVIEW_CHARS / 2)
        .map_or(0, |(b, _)| b);
    let head = match head.rfind(char::is_whitespace) {
        Some(b) if b >= half => &head[..b],
        _ => head,
    };
    Some(head.trim_end())
}

fn update(a: &Annotation, change: impl FnOnce(&mut Annotation)) -> Action {
    let mut b = a.clone();
    change(&mut b);
    b.modified = Timestamp::now();
    Action::edit(Edit::UpdateAnnotation(b))
}

impl Inspector {
    /// Moves keyboard focus to the note field on the next frame.
    pub fn focus_note(&mut self) {
        self.focus_note = true;
    }

    /// Commits a note draft that belongs to an annotation no longer shown.
    fn flush_note(&mut self, p: &Project, shown: Option<&AnnotationId>, actions: &mut Vec<Action>) {
        if let Some((id, text)) = &self.note
            && Some(id) != shown
        {
            if let Some(a) = p.annotation(id)
                && a.note != *text
            {
                let text = text.clone();
                actions.push(update(a, |b| b.note = text));
            }
            self.note = None;
        }
    }

    /// Draws the inspector.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &ViewCtx<'_>, actions: &mut Vec<Action>) {
        let p = view.project;
        self.flush_note(p, view.selected, actions);
        ui.heading("Inspector");
        let Some(a) = view.selected.and_then(|id| p.annotation(id)) else {
            ui.add_space(8.0);
            ui.label(
                egui::RichText::new("Click a highlight or a row in the list to inspect it.").weak(),
            );
            return;
        };
        egui::ScrollArea::vertical()
            .id_salt("inspector_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| self.body(ui, view, a, actions));
    }

    fn body(
        &mut self,
        ui: &mut egui::Ui,
        view: &ViewCtx<'_>,
        a: &Annotation,
        actions: &mut Vec<Action>,
    ) {
        let p = view.project;
        let whole = self.whole_quote.as_ref() == Some(&a.id);
        let preview = quote_preview(&a.quote);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            let shown = match preview {
                Some(head) if !whole => format!("{head}…"),
                _ => a.quote.clone(),
            };
            ui.label(egui::RichText::new(shown).italics());
            if preview.is_some() {
                let (text, tip) = if whole {
                    ("Show less", "Show the start of the quote only")
                } else {
                    ("Show all", "Show the whole quote")
                };
                if ui.small_button(text).on_hover_text(tip).clicked() {
                    self.whole_quote = (!whole).then(|| a.id.clone());
                }
            }
        });
        ui.label(
            egui::RichText::new(format!(
                "chars {}–{} ({} chars)",
                a.start,
                a.end,
                a.end - a.start
            ))
            .small()
            .weak(),
        );
        ui.add_space(6.0);

        ui.label(egui::RichText::new("Tags").strong());
        if p.codebook.tags.is_empty() {
            ui.label(egui::RichText::new("The codebook is empty").weak());
        }
        for (tag, depth) in p.codebook.tree_order() {
            ui.horizontal(|ui| {
                ui.add_space(depth as f32 * 14.0);
                let (r, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                ui.painter().rect_filled(r, 2.0, color32(tag.color));
                let mut on = a.tags.contains(&tag.id);
                let label = match tag.key {
                    Some(k) => format!("{}  ({k})", tag.name),
                    None => tag.name.clone(),
                };
                let mut resp = ui.checkbox(&mut on, label);
                if !tag.description.is_empty() {
                    resp = resp.on_hover_text(&tag.description);
                }
                if resp.changed() {
                    let id = tag.id.clone();
                    actions.push(update(a, |b| {
                        if on {
                            if !b.tags.contains(&id) {
                                b.tags.push(id);
                            }
                        } else {
                            b.tags.retain(|t| t != &id);
                        }
                    }));
                }
            });
        }
        ui.add_space(6.0);

        ui.horizontal(|ui| {
            ui.label(egui::RichText::new("Speaker").strong());
            let current = a
                .speaker
                .as_ref()
                .and_then(|s| p.speaker(s))
                .map(|s| s.name.clone())
                .unwrap_or_else(|| "(none)".into());
            let mut speaker = a.speaker.clone();
            egui::ComboBox::from_id_salt("inspector_speaker")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut speaker, None, "(none)");
                    for s in &p.speakers {
                        ui.selectable_value(&mut speaker, Some(s.id.clone()), &s.name);
                    }
                })
                .response
                .on_hover_text("Who said these words");
            if speaker != a.speaker {
                actions.push(update(a, |b| b.speaker = speaker));
            }
        });
        ui.add_space(6.0);

        let l = ui.label(egui::RichText::new("Note").strong());
        if !matches!(&self.note, Some((id, _)) if id == &a.id) {
            self.note = Some((a.id.clone(), a.note.clone()));
        }
        if let Some((_, text)) = &mut self.note {
            let r = ui
                .add(
                    egui::TextEdit::multiline(text)
                        .hint_text("Why this matters, doubts, follow-ups…")
                        .desired_rows(3)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(l.id);
            if self.focus_note {
                r.request_focus();
                self.focus_note = false;
            }
            if r.lost_focus() && *text != a.note {
                let text = text.clone();
                actions.push(update(a, |b| b.note = text));
            }
        }
        ui.add_space(6.0);

        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    view.text_selection.is_some(),
                    egui::Button::new("Set range to selection"),
                )
                .on_hover_text("Re-anchor this annotation to the selected text")
                .on_disabled_hover_text("Select text in the article first")
                .clicked()
            {
                actions.push(Action::SetRangeToSelection(a.id.clone()));
            }
            if ui
                .button("Delete")
                .on_hover_text("Delete this annotation and its links (Delete)")
                .clicked()
            {
                actions.push(Action::edit(Edit::delete_annotation(p, &a.id)));
            }
        });
        ui.add_space(6.0);

        egui::Grid::new("inspector_meta")
            .num_columns(2)
            .spacing([8.0, 2.0])
            .show(ui, |ui| {
                for (k, v) in [
                    ("Annotator", a.annotator.as_str()),
                    ("Created", a.created.0.as_str()),
                    ("Modified", a.modified.0.as_str()),
                ] {
                    ui.label(egui::RichText::new(k).weak());
                    ui.label(v);
                    ui.end_row();
                }
            });

        let links: Vec<_> = view.links.of(p, &a.id).collect();
        if !links.is_empty() {
            ui.add_space(6.0);
            ui.label(egui::RichText::new("Links").strong());
            for r in links {
                let (arrow, other) = if r.from == a.id {
                    ("»", &r.to)
                } else {
                    ("«", &r.from)
                };
                let quote = p
                    .annotation(other)
                    .map(|o| super::annotation_list::row_label(&o.quote))
                    .unwrap_or_else(|| other.to_string());
                ui.horizontal_wrapped(|ui| {
                    ui.label(egui::RichText::new(format!("{} {arrow}", r.kind)).strong());
                    if ui
                        .link(quote)
                        .on_hover_text("Show the linked annotation")
                        .clicked()
                    {
                        actions.push(Action::Reveal(other.clone()));
                    }
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_quote_is_previewed_to_a_whole_word() {
        let seed = include_str!("../../assets/articles/tufts-now-russia-ukraine-interview.txt");
        let long = seed
            .lines()
            .find(|l| l.chars().count() > QUOTE_PREVIEW_CHARS * 2)
            .expect("a long paragraph");
        let head = quote_preview(long).expect("previewed");
        assert!(long.starts_with(head));
        let n = head.chars().count();
        assert!(
            n <= QUOTE_PREVIEW_CHARS && n > QUOTE_PREVIEW_CHARS / 2,
            "{n}"
        );
        // Cut before a space: the last word shown is whole.
        assert!(
            long[head.len()..].starts_with(char::is_whitespace),
            "{head}"
        );
        // Short quotes are shown whole; one word longer than the preview
        // is cut inside it (curly quotes and no-break spaces are chars).
        assert_eq!(quote_preview("“Short,” he\u{a0}said."), None);
        let exact: String = "я".repeat(QUOTE_PREVIEW_CHARS);
        assert_eq!(quote_preview(&exact), None);
        let word: String = "я".repeat(QUOTE_PREVIEW_CHARS + 1);
        let cut = quote_preview(&word).expect("previewed");
        assert_eq!(cut.chars().count(), QUOTE_PREVIEW_CHARS);
    }
}
