//! Opening, saving, importing and the questions around them: "save your
//! changes first?", "the file changed on disk", and load errors.
//!
//! Every question is an egui [`egui::Modal`]; file choosers go through the
//! app's [`super::dialogs::Dialogs`]. A failed load leaves the open project
//! untouched; a failed save leaves the file on disk untouched.

use super::app::MarginaliaApp;
use crate::io::project_file::{self, SaveError};
use crate::io::text_import::import_text_file;
use crate::model::{Document, Edit, Project};
use std::path::{Path, PathBuf};

/// Something to do once unsaved changes are dealt with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    /// Start an empty project.
    New,
    /// Open a project (`None`: ask for the file).
    Open(Option<PathBuf>),
    /// Close the window.
    Close,
}

/// The modal question or message being shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PendingModal {
    /// "Save changes before …?" — Save / Discard / Cancel.
    Unsaved(Pending),
    /// The file changed on disk since it was loaded — Overwrite / Save As… /
    /// Cancel; then continue with the pending step, if any.
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
        /// What to do after a successful save.
        then: Option<Pending>,
    },
    /// An error message with an OK button.
    Error {
        /// Heading.
        title: String,
        /// The message (for load errors it holds path:line:col).
        message: String,
    },
}

/// What kind of file a path names, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A project (.ron).
    Project,
    /// A text to import (.txt, .md, .markdown).
    Text,
    /// Anything else.
    Other,
}

impl FileKind {
    /// Classifies a path by its extension (case-insensitive).
    pub fn of(path: &Path) -> Self {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "ron" => FileKind::Project,
            "txt" | "md" | "markdown" | "text" => FileKind::Text,
            _ => FileKind::Other,
        }
    }
}

/// A new project holding one imported text, named after the file.
pub fn project_from_text(path: &Path) -> Result<Project, String> {
    let doc = import_text_file(path).map_err(|e| e.to_string())?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| doc.title.clone());
    let mut p = Project::new(name);
    let edit = insert_document_edit(&p, doc);
    edit.apply(&mut p).map_err(|e| e.to_string())?;
    Ok(p)
}

/// Adds `doc` to the project and detects its speaker turns, as one edit (so
/// one undo step takes both away). Detection only reads the speakers, so it
/// runs on a scratch project holding them and the new document.
pub fn insert_document_edit(project: &Project, doc: Document) -> Edit {
    let id = doc.id.clone();
    let title = doc.title.clone();
    let mut scratch = Project::new("");
    scratch.speakers = project.speakers.clone();
    scratch.documents.push(doc.clone());
    let detect = crate::analysis::speakers::detection_edit(&scratch, &id);
    Edit::batch(
        format!("import {title}"),
        vec![
            Edit::InsertDocument {
                index: project.documents.len(),
                document: Box::new(doc),
            },
            detect,
        ],
    )
}

/// A file name to suggest when saving `project` for the first time.
pub fn suggested_file_name(project: &Project) -> String {
    let stem: String = project
        .name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        "project.ron".into()
    } else {
        format!("{stem}.ron")
    }
}

impl MarginaliaApp {
    /// Does `pending` now, or first asks to save unsaved changes.
    pub(super) fn request(&mut self, ctx: &egui::Context, pending: Pending) {
        if pending == Pending::Close {
            if self.history.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.modal = Some(PendingModal::Unsaved(Pending::Close));
            }
            // Clean: let the close go ahead.
            return;
        }
        if self.history.is_dirty() {
            self.modal = Some(PendingModal::Unsaved(pending));
        } else {
            self.perform(ctx, pending);
        }
    }

    /// Does `pending` without asking.
    fn perform(&mut self, ctx: &egui::Context, pending: Pending) {
        match pending {
            Pending::New => {
                self.replace_project(Project::new("Untitled"), None, None);
                self.set_status("New project", false);
            }
            Pending::Open(path) => {
                let path = match path {
                    Some(p) => Some(p),
                    None => self.dialogs.open_project(),
                };
                if let Some(p) = path {
                    self.open_path(&p);
                }
            }
            Pending::Close => {
                self.close_confirmed = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Opens a project file, or a text as a new project. On failure the
    /// current project stays and the error is shown.
    pub(super) fn open_path(&mut self, path: &Path) {
        match FileKind::of(path) {
            FileKind::Text => match project_from_text(path) {
                Ok(p) => {
                    self.replace_project(p, None, None);
                    self.set_status(format!("Opened text {}", path.display()), false);
                }
                Err(message) => self.show_error("Could not open the text", message),
            },
            _ => match project_file::load(path) {
                Ok(loaded) => {
                    self.replace_project(
                        loaded.project,
                        Some(path.to_path_buf()),
                        Some(loaded.stamp),
                    );
                    self.set_status(format!("Opened {}", path.display()), false);
                }
                Err(e) => self.show_error("Could not open the project", e.to_string()),
            },
        }
    }

    pub(super) fn show_error(&mut self, title: &str, message: String) {
        self.set_status(format!("{title}: {message}"), true);
        self.modal = Some(PendingModal::Error {
            title: title.into(),
            message,
        });
    }

    /// Saves to the project's file (asking for one if it has none), then
    /// does `then`.
    pub(super) fn save(&mut self, ctx: &egui::Context, then: Option<Pending>) {
        let Some(path) = self.path.clone() else {
            self.save_as(ctx, then);
            return;
        };
        match project_file::save(&path, &self.project, self.stamp.as_ref()) {
            Ok(stamp) => self.saved(ctx, path, stamp, then),
            Err(SaveError::ChangedOnDisk(path)) => {
                self.modal = Some(PendingModal::ChangedOnDisk { path, then });
            }
            Err(e) => self.show_error("Could not save", e.to_string()),
        }
    }

    /// Asks for a file and saves there, then does `then`.
    pub(super) fn save_as(&mut self, ctx: &egui::Context, then: Option<Pending>) {
        let suggested = self
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| suggested_file_name(&self.project));
        let Some(mut path) = self.dialogs.save_project(&suggested) else {
            return;
        };
        if path.extension().is_none() {
            path.set_extension("ron");
        }
        match project_file::save_over(&path, &self.project) {
            Ok(stamp) => self.saved(ctx, path, stamp, then),
            Err(e) => self.show_error("Could not save", e.to_string()),
        }
    }

    /// Overwrites the file after the user said so.
    fn save_overwrite(&mut self, ctx: &egui::Context, path: PathBuf, then: Option<Pending>) {
        match project_file::save_over(&path, &self.project) {
            Ok(stamp) => self.saved(ctx, path, stamp, then),
            Err(e) => self.show_error("Could not save", e.to_string()),
        }
    }

    fn saved(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        stamp: project_file::DiskStamp,
        then: Option<Pending>,
    ) {
        self.history.mark_saved();
        self.prefs.add_recent(&path);
        self.set_status(format!("Saved {}", path.display()), false);
        self.path = Some(path);
        self.stamp = Some(stamp);
        if let Some(p) = then {
            self.perform(ctx, p);
        }
    }

    /// Asks for a text file and imports it as a new document.
    pub(super) fn import_text_dialog(&mut self) {
        if let Some(p) = self.dialogs.open_text() {
            self.import_text(&p);
        }
    }

    /// Imports a text file as a new document of the project (one undo step)
    /// and shows it.
    pub(super) fn import_text(&mut self, path: &Path) {
        match import_text_file(path) {
            Ok(doc) => {
                let id = doc.id.clone();
                let edit = insert_document_edit(&self.project, doc);
                if self.apply_edit(edit) {
                    self.doc = Some(id);
                    self.text_view.clear_selection();
                    self.selected = None;
                    self.set_status(format!("Imported {}", path.display()), false);
                }
            }
            Err(message) => self.show_error("Could not import the text", message.to_string()),
        }
    }

    /// Dropped .ron files open (asking to save first); dropped texts become
    /// new documents.
    pub(super) fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        for f in dropped {
            let path = f.path().to_path_buf();
            if path.as_os_str().is_empty() {
                continue;
            }
            match FileKind::of(&path) {
                FileKind::Project => self.request(ctx, Pending::Open(Some(path))),
                FileKind::Text => self.import_text(&path),
                FileKind::Other => self.set_status(
                    format!("{}: drop a .ron project or a .txt/.md text", path.display()),
                    true,
                ),
            }
        }
    }

    /// Draws the modal being shown, if any, and acts on its buttons.
    pub(super) fn draw_modal(&mut self, ctx: &egui::Context) {
        let Some(modal) = self.modal.clone() else {
            return;
        };
        match modal {
            PendingModal::Unsaved(pending) => {
                let doing = match &pending {
                    Pending::New => "starting a new project",
                    Pending::Open(_) => "opening another project",
                    Pending::Close => "closing",
                };
                let body = format!(
                    "“{}” has changes that are not saved. Save them before {doing}?",
                    self.project.name
                );
                let choice = ask(
                    ctx,
                    "unsaved_modal",
                    "Unsaved changes",
                    &body,
                    ["Save", "Discard", "Cancel"],
                );
                match choice {
                    Some(0) => {
                        self.modal = None;
                        self.save(ctx, Some(pending));
                    }
                    Some(1) => {
                        self.modal = None;
                        self.perform(ctx, pending);
                    }
                    Some(_) => self.modal = None,
                    None => {}
                }
            }
            PendingModal::ChangedOnDisk { path, then } => {
                let body = format!(
                    "{} was changed by another program since it was opened. \
                     Overwriting it loses those changes.",
                    path.display()
                );
                let choice = ask(
                    ctx,
                    "changed_on_disk_modal",
                    "The file changed on disk",
                    &body,
                    ["Overwrite", "Save As…", "Cancel"],
                );
                match choice {
                    Some(0) => {
                        self.modal = None;
                        self.save_overwrite(ctx, path, then);
                    }
                    Some(1) => {
                        self.modal = None;
                        self.save_as(ctx, then);
                    }
                    Some(_) => self.modal = None,
                    None => {}
                }
            }
            PendingModal::Error { title, message } => {
                let mut close = false;
                let r = egui::Modal::new(egui::Id::unique("error_modal")).show(ctx, |ui| {
                    ui.set_max_width(460.0);
                    ui.heading(&title);
                    ui.add_space(4.0);
                    ui.label(&message);
                    ui.add_space(8.0);
                    if ui.button("OK").clicked() {
                        close = true;
                    }
                });
                if close || r.should_close() {
                    self.modal = None;
                }
            }
        }
    }
}

/// A modal question with three answers, the last one meaning "cancel"
/// (also chosen by Escape or a click outside). Returns the index of the
/// answer clicked this frame.
fn ask(
    ctx: &egui::Context,
    id: &str,
    heading: &str,
    body: &str,
    answers: [&str; 3],
) -> Option<usize> {
    let mut choice = None;
    let r = egui::Modal::new(egui::Id::unique(id)).show(ctx, |ui| {
        ui.set_max_width(380.0);
        ui.heading(heading);
        ui.add_space(4.0);
        ui.label(body);
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            for (i, answer) in answers.iter().enumerate() {
                if ui.button(*answer).clicked() {
                    choice = Some(i);
                }
            }
        });
    });
    if r.should_close() && choice.is_none() {
        choice = Some(answers.len() - 1);
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_kinds_by_extension() {
        assert_eq!(FileKind::of(Path::new("a/b.RON")), FileKind::Project);
        assert_eq!(FileKind::of(Path::new("notes.md")), FileKind::Text);
        assert_eq!(FileKind::of(Path::new("x.txt")), FileKind::Text);
        assert_eq!(FileKind::of(Path::new("x")), FileKind::Other);
    }

    #[test]
    fn suggested_names_are_plain() {
        let p = Project::new("Tufts Now — Russia & Ukraine");
        assert_eq!(suggested_file_name(&p), "tufts-now-russia-ukraine.ron");
        assert_eq!(suggested_file_name(&Project::new("—")), "project.ron");
    }
}
