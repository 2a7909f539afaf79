//! The application: the project, its history, what is selected, and the
//! panels. Drawing a frame collects [`Action`]s from the panels; they are
//! applied after the frame in `MarginaliaApp::process`, the one place
//! where the project changes (through [`History::apply`]).

use super::actions::{Action, Counts, ViewCtx};
use super::annotation_list::AnnotationList;
use super::codebook_ui::CodebookPanel;
use super::commands::Command;
use super::dialogs::Dialogs;
use super::documents::DocumentsPanel;
use super::file_ops::{Pending, PendingModal};
use super::inspector::Inspector;
use super::link_index::LinkIndex;
use super::prefs::Prefs;
use super::speakers_ui::SpeakersPanel;
use super::text_view::{TextView, TextViewInput};
use super::viewpoints_ops::ViewpointPanels;
use super::{menus, status_bar, tag_bar};
use crate::io::project_file::DiskStamp;
use crate::model::{Annotation, AnnotationId, DocId, Edit, History, Project, TagId, Timestamp};
use std::path::{Path, PathBuf};

/// A message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusMessage {
    /// The text.
    pub text: String,
    /// Shown in the error colour.
    pub is_error: bool,
}

/// The Marginalia window.
pub struct MarginaliaApp {
    pub(super) project: Project,
    pub(super) history: History,
    pub(super) doc: Option<DocId>,
    pub(super) selected: Option<AnnotationId>,
    pub(super) text_view: TextView,
    pub(super) codebook: CodebookPanel,
    pub(super) documents: DocumentsPanel,
    pub(super) speakers: SpeakersPanel,
    pub(super) list: AnnotationList,
    pub(super) inspector: Inspector,
    pub(super) dialogs: Box<dyn Dialogs>,
    pub(super) path: Option<PathBuf>,
    pub(super) stamp: Option<DiskStamp>,
    pub(super) prefs: Prefs,
    pub(super) modal: Option<PendingModal>,
    pub(super) exchange: super::exchange::Exchange,
    pub(super) status: Option<StatusMessage>,
    pub(super) show_shortcuts: bool,
    pub(super) show_prefs: bool,
    pub(super) show_about: bool,
    pub(super) close_confirmed: bool,
    pub(super) viewpoints: ViewpointPanels,
    counts: Counts,
    links: LinkIndex,
    last_title: String,
}

impl MarginaliaApp {
    /// An app showing `project`, saved at `path` if given (a project loaded
    /// from there: its disk stamp is read so a later save can tell whether
    /// the file changed meanwhile). Needs no eframe context, so tests can
    /// build it directly.
    pub fn new(project: Project, path: Option<PathBuf>, dialogs: Box<dyn Dialogs>) -> Self {
        let stamp = path
            .as_deref()
            .and_then(|p| std::fs::read(p).ok())
            .map(|b| DiskStamp::of_bytes(&b));
        let mut app = Self {
            doc: project.documents.first().map(|d| d.id.clone()),
            project,
            history: History::new_saved(),
            selected: None,
            text_view: TextView::new(),
            codebook: CodebookPanel::default(),
            documents: DocumentsPanel,
            speakers: SpeakersPanel::default(),
            list: AnnotationList::default(),
            inspector: Inspector::default(),
            dialogs,
            path,
            stamp,
            prefs: Prefs::default(),
            modal: None,
            exchange: Default::default(),
            status: None,
            show_shortcuts: false,
            show_prefs: false,
            show_about: false,
            close_confirmed: false,
            viewpoints: ViewpointPanels::default(),
            counts: Counts::default(),
            links: LinkIndex::default(),
            last_title: String::new(),
        };
        if let Some(p) = app.path.clone() {
            app.prefs.add_recent(&p);
        }
        app
    }

    /// Replaces the preferences (loaded from eframe storage at start-up).
    pub fn with_prefs(mut self, prefs: Prefs) -> Self {
        let recent = std::mem::take(&mut self.prefs.recent);
        self.prefs = prefs;
        for p in recent.iter().rev() {
            self.prefs.add_recent(p);
        }
        self
    }

    /// The project as it is now.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The undo history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The document shown.
    pub fn current_doc(&self) -> Option<&DocId> {
        self.doc.as_ref()
    }

    /// The selected annotation.
    pub fn selected(&self) -> Option<&AnnotationId> {
        self.selected.as_ref()
    }

    /// Selects an annotation (or none), as a click in the list would, but
    /// without scrolling.
    pub fn select_annotation(&mut self, id: Option<AnnotationId>) {
        self.select(id);
    }

    /// Selects an annotation and scrolls the article and the list to it, as
    /// a click on its row in the list does (switching document if needed).
    pub fn reveal_annotation(&mut self, id: AnnotationId) {
        self.reveal(id);
    }

    /// The file the project is saved in.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The article view (tests set the text selection through it).
    pub fn text_view_mut(&mut self) -> &mut TextView {
        &mut self.text_view
    }

    /// The preferences.
    pub fn prefs(&self) -> &Prefs {
        &self.prefs
    }

    /// Mutable preferences (the annotator name, in tests).
    pub fn prefs_mut(&mut self) -> &mut Prefs {
        &mut self.prefs
    }

    /// The status bar message, if any.
    pub fn status(&self) -> Option<&StatusMessage> {
        self.status.as_ref()
    }

    /// Whether a modal question or error is showing.
    pub fn modal_open(&self) -> bool {
        self.modal.is_some() || self.codebook.modal_open()
    }

    /// The window title for the current state.
    pub fn title(&self) -> String {
        let dirty = if self.history.is_dirty() { " ●" } else { "" };
        format!("Marginalia — {}{dirty}", self.project.name)
    }

    pub(super) fn set_status(&mut self, text: impl Into<String>, is_error: bool) {
        self.status = Some(StatusMessage {
            text: text.into(),
            is_error,
        });
    }

    /// Swaps in another project (after New / Open) with a fresh history and
    /// fresh panel state.
    pub(super) fn replace_project(
        &mut self,
        project: Project,
        path: Option<PathBuf>,
        stamp: Option<DiskStamp>,
    ) {
        self.doc = project.documents.first().map(|d| d.id.clone());
        self.project = project;
        self.history = History::new_saved();
        self.counts = Counts::default();
        self.links = LinkIndex::default();
        self.selected = None;
        self.text_view = TextView::new();
        self.codebook = CodebookPanel::default();
        self.speakers = SpeakersPanel::default();
        self.list = AnnotationList::default();
        self.inspector = Inspector::default();
        if let Some(p) = &path {
            self.prefs.add_recent(p);
        }
        self.path = path;
        self.stamp = stamp;
    }

    /// Applies one edit as an undo step; a refused edit becomes a status
    /// message and changes nothing.
    pub(super) fn apply_edit(&mut self, edit: Edit) -> bool {
        let label = edit.label();
        // One annotation added, removed or changed: the counts and the
        // article's highlights are patched, not rebuilt over 50,000.
        let touched = match &edit {
            Edit::AddAnnotation(a) | Edit::UpdateAnnotation(a) => Some(a.id.clone()),
            Edit::RemoveAnnotation(id) => Some(id.clone()),
            _ => None,
        };
        let before = touched
            .as_ref()
            .and_then(|id| self.project.annotation(id).cloned());
        match self.history.apply(&mut self.project, edit) {
            Ok(()) => {
                if let Some(id) = touched {
                    let rev = self.history.revision();
                    let after = self.project.annotation(&id);
                    self.counts.change(before.as_ref(), after, rev);
                    self.links.keep(rev);
                    self.list.annotation_changed(id.clone(), rev);
                    self.text_view.annotation_changed(id, rev);
                }
                self.after_change();
                true
            }
            Err(e) => {
                self.set_status(format!("Could not {label}: {e}"), true);
                false
            }
        }
    }

    fn undo(&mut self) {
        match self.history.undo(&mut self.project) {
            Ok(true) => self.after_change(),
            Ok(false) => self.set_status("Nothing to undo", false),
            Err(e) => self.set_status(format!("Could not undo: {e}"), true),
        }
    }

    fn redo(&mut self) {
        match self.history.redo(&mut self.project) {
            Ok(true) => self.after_change(),
            Ok(false) => self.set_status("Nothing to redo", false),
            Err(e) => self.set_status(format!("Could not redo: {e}"), true),
        }
    }

    /// Drops selections that no longer resolve after a change.
    fn after_change(&mut self) {
        if let Some(id) = &self.selected
            && self.project.annotation(id).is_none()
        {
            self.selected = None;
        }
        let doc_ok = self
            .doc
            .as_ref()
            .is_some_and(|d| self.project.document(d).is_some());
        if !doc_ok {
            self.doc = self.project.documents.first().map(|d| d.id.clone());
            self.text_view.clear_selection();
        }
    }

    fn select(&mut self, id: Option<AnnotationId>) {
        self.selected = id;
    }

    /// Selects an annotation, switching document if needed, and scrolls the
    /// article and the list to it.
    fn reveal(&mut self, id: AnnotationId) {
        let Some(a) = self.project.annotation(&id) else {
            return;
        };
        if self.doc.as_ref() != Some(&a.doc) {
            self.doc = Some(a.doc.clone());
            self.text_view.clear_selection();
        }
        self.text_view.scroll_to(a.range());
        self.list.scroll_to(&id);
        self.select(Some(id));
    }

    /// Tags the text selection with `tag` (a new annotation), or toggles
    /// `tag` on the selected annotation when no text is selected.
    fn apply_tag(&mut self, tag: TagId) {
        let Some(doc_id) = self.doc.clone() else {
            self.set_status("No document to annotate", true);
            return;
        };
        if let Some(range) = self.text_view.selection() {
            let Some(doc) = self.project.document(&doc_id) else {
                return;
            };
            let range = doc.snap_to_graphemes(doc.trim_range(range));
            let Some(mut a) = Annotation::in_document(
                doc,
                range.clone(),
                vec![tag],
                self.prefs.annotator.clone(),
                Timestamp::now(),
            ) else {
                self.set_status("The selection is empty or outside the text", true);
                return;
            };
            a.speaker = self
                .project
                .turn_at(&doc_id, range.start)
                .and_then(|t| t.speaker.clone())
                .or_else(|| reported_speaker(doc, range.clone(), &self.project.speakers));
            let id = a.id.clone();
            if self.apply_edit(Edit::AddAnnotation(a)) {
                self.text_view.clear_selection();
                self.list.scroll_to(&id);
                self.select(Some(id));
            }
        } else if let Some(id) = self.selected.clone() {
            let Some(mut a) = self.project.annotation(&id).cloned() else {
                return;
            };
            if let Some(i) = a.tags.iter().position(|t| t == &tag) {
                a.tags.remove(i);
            } else {
                a.tags.push(tag);
            }
            a.modified = Timestamp::now();
            self.apply_edit(Edit::UpdateAnnotation(a));
        } else {
            self.set_status("Select text, then press 1–9 or click a tag", false);
        }
    }

    fn set_range_to_selection(&mut self, id: AnnotationId) {
        let Some(range) = self.text_view.selection() else {
            self.set_status("Select the new text first", false);
            return;
        };
        let Some(mut a) = self.project.annotation(&id).cloned() else {
            return;
        };
        let Some(doc) = self.project.document(&a.doc) else {
            return;
        };
        let range = doc.snap_to_graphemes(doc.trim_range(range));
        if !a.set_range_in(doc, range) {
            self.set_status("The selection is empty or outside the text", true);
            return;
        }
        a.modified = Timestamp::now();
        if self.apply_edit(Edit::UpdateAnnotation(a)) {
            self.text_view.clear_selection();
        }
    }

    /// Runs one command.
    pub(super) fn run_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::New => self.request(ctx, Pending::New),
            Command::Open => self.request(ctx, Pending::Open(None)),
            Command::Save => self.save(ctx, None),
            Command::SaveAs => self.save_as(ctx, None),
            Command::ImportText => self.import_text_dialog(),
            Command::Export => self.exchange.open_export(),
            Command::ImportAnnotations => self.exchange.open_import(),
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::Undo => self.undo(),
            Command::Redo => self.redo(),
            Command::DeleteAnnotation => {
                if let Some(id) = self.selected.clone() {
                    let edit = Edit::delete_annotation(&self.project, &id);
                    self.apply_edit(edit);
                }
            }
            Command::ApplyTag(n) => match self.project.codebook.by_key(n) {
                Some(t) => {
                    let id = t.id.clone();
                    self.apply_tag(id);
                }
                None => self.set_status(format!("No tag has the hotkey {n}"), false),
            },
            Command::Find => self.list.focus_filter(),
            Command::FocusInspector => {
                if self.selected.is_some() {
                    self.inspector.focus_note();
                }
            }
            Command::ClearSelection => {
                self.text_view.clear_selection();
                self.select(None);
            }
            Command::ShowShortcuts => self.show_shortcuts = true,
            Command::Preferences => self.show_prefs = true,
            Command::ToggleLeft => self.prefs.show_left = !self.prefs.show_left,
            Command::ToggleRight => self.prefs.show_right = !self.prefs.show_right,
            Command::About => self.show_about = true,
            Command::Compare => self.viewpoints.show_compare = true,
        }
    }

    /// Applies the actions collected while drawing.
    pub(super) fn process(&mut self, ctx: &egui::Context, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Command(c) => self.run_command(ctx, c),
                Action::Edit(e) => {
                    self.apply_edit(*e);
                }
                Action::Select(id) => self.select(id),
                Action::Reveal(id) => self.reveal(id),
                Action::SwitchDoc(d) => {
                    if self.project.document(&d).is_some() && self.doc.as_ref() != Some(&d) {
                        self.doc = Some(d);
                        self.text_view.clear_selection();
                        self.select(None);
                    }
                }
                Action::ApplyTag(t) => self.apply_tag(t),
                Action::SetRangeToSelection(id) => self.set_range_to_selection(id),
                Action::OpenPath(p) => self.request(ctx, Pending::Open(Some(p))),
                Action::ClearRecent => self.prefs.recent.clear(),
                Action::Status(s) => self.set_status(s, false),
                Action::SaveText { file_name, content } => self.save_text(&file_name, &content),
                Action::StartLink(id) => {
                    self.viewpoints.links.start_picking(&id);
                    self.prefs.show_right = true;
                    self.reveal(id);
                }
            }
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = self.title();
        if title != self.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.last_title = title;
        }
    }

    fn draw_panels(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let selection = self.text_view.selection();
        self.counts.refresh(&self.project, self.history.revision());
        self.links.refresh(&self.project, self.history.revision());
        let view = ViewCtx {
            counts: &self.counts,
            links: &self.links,
            project: &self.project,
            revision: self.history.revision(),
            doc: self.doc.as_ref(),
            selected: self.selected.as_ref(),
            text_selection: selection.as_ref(),
        };
        egui::Panel::top("menu_bar").show(ui, |ui| {
            menus::menu_bar(ui, &view, &self.history, &self.prefs, actions);
        });
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            status_bar::status_bar(
                ui,
                &view,
                self.history.is_dirty(),
                self.path.as_deref(),
                self.status.as_ref(),
            );
        });
        if self.prefs.show_left {
            egui::Panel::left("left_panel")
                .resizable(true)
                .default_size(250.0)
                .size_range(180.0..=450.0)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("left_scroll")
                        .auto_shrink([false, false])
                        .show(ui, |ui| {
                            self.documents.ui(ui, &view, actions);
                            self.codebook.ui(ui, &view, actions);
                            ui.add_space(8.0);
                            self.speakers.ui(ui, &view, actions);
                            if let Some(doc) = view.doc {
                                ui.add_space(8.0);
                                self.viewpoints.turns_ui(
                                    ui,
                                    view.project,
                                    doc,
                                    selection.clone(),
                                    view.revision,
                                    actions,
                                );
                            }
                        });
                });
        }
        if self.prefs.show_right {
            egui::Panel::right("right_panel")
                .resizable(true)
                .default_size(340.0)
                .size_range(240.0..=600.0)
                .show(ui, |ui| {
                    let h = ui.available_height();
                    let w = ui.available_width();
                    let list_h = (h * 0.42).max(160.0).min(h - 120.0).max(0.0);
                    ui.allocate_ui(egui::vec2(w, list_h), |ui| {
                        ui.set_min_height(list_h);
                        self.list.ui(ui, &view, actions);
                    });
                    ui.separator();
                    egui::ScrollArea::vertical()
                        .id_salt("inspector_scroll")
                        .auto_shrink([false, false])
                        .show(ui, |ui| {
                            self.inspector.ui(ui, &view, actions);
                            if let Some(sel) = view.selected {
                                self.viewpoints.links_ui(
                                    ui,
                                    &view,
                                    sel,
                                    &self.prefs.annotator,
                                    actions,
                                );
                            }
                        });
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            tag_bar::tag_bar(ui, &view, actions);
            match &self.doc {
                Some(doc) => {
                    let input = TextViewInput {
                        project: &self.project,
                        doc,
                        revision: self.history.revision(),
                        selected: self.selected.as_ref(),
                    };
                    let r = self.text_view.show(ui, &input);
                    if let Some(id) = r.clicked_annotation {
                        self.list.scroll_to(&id);
                        actions.push(Action::Select(Some(id)));
                    }
                }
                None => {
                    ui.centered_and_justified(|ui| {
                        ui.label(
                            egui::RichText::new(
                                "No document yet — File › Import text… or drop a .txt/.md file here",
                            )
                            .weak(),
                        );
                    });
                }
            }
        });
    }
}

impl eframe::App for MarginaliaApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let mut actions = Vec::new();

        if ctx.input(|i| i.viewport().close_requested()) && !self.close_confirmed {
            self.request(&ctx, Pending::Close);
        }
        self.handle_dropped_files(&ctx);

        // Shortcuts act before anything is drawn, so the frame of the key
        // press already shows what it did (a tag applied, a deletion).
        if !self.modal_open() {
            let commands = Command::pressed(&ctx).into_iter().map(Action::Command);
            self.process(&ctx, commands.collect());
        }

        // A jump asked for since the last frame is laid out on a thread of
        // its own while the side panels are drawn.
        if let Some(doc) = &self.doc {
            self.text_view.prepare_jump(&ctx, doc);
        }
        self.draw_panels(ui, &mut actions);
        self.text_view.settle();
        self.draw_exchange(&ctx);
        self.draw_windows(&ctx, &mut actions);
        self.draw_compare_window(&ctx, &mut actions);
        self.draw_modal(&ctx);
        self.process(&ctx, actions);
        self.update_title(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, super::prefs::STORAGE_KEY, &self.prefs);
    }
}

/// The speaker of reported speech (`“…,” says Toft.`) around `range`, read
/// from the paragraph holding it only.
fn reported_speaker(
    doc: &crate::model::Document,
    range: std::ops::Range<usize>,
    speakers: &[crate::model::Speaker],
) -> Option<crate::model::SpeakerId> {
    let bytes = doc.byte_range(range.clone())?;
    let start = doc.text[..bytes.start].rfind('\n').map_or(0, |i| i + 1);
    let end = doc.text[bytes.start..]
        .find('\n')
        .map_or(doc.text.len(), |i| bytes.start + i);
    let paragraph = &doc.text[start..end];
    let offset = range.start - doc.text[start..bytes.start].chars().count();
    crate::analysis::speakers::reported_speaker_at(
        paragraph,
        range.start - offset..range.end - offset,
        speakers,
    )
}
