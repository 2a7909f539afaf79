//! File dialogs behind a trait, so tests never open a native window.
//!
//! [`RfdDialogs`] asks the desktop (through rfd's XDG portal); with no portal
//! it returns `None` at once. [`FakeDialogs`] hands out queued paths and
//! records what was asked, for tests. "Save changes?" questions are egui
//! modals in the app, never native message boxes.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::rc::Rc;

/// The file choosers the app needs.
pub trait Dialogs {
    /// Asks for a project file to open.
    fn open_project(&mut self) -> Option<PathBuf>;
    /// Asks where to save the project; `suggested` is a file name.
    fn save_project(&mut self, suggested: &str) -> Option<PathBuf>;
    /// Asks for a text file (.txt, .md) to import.
    fn open_text(&mut self) -> Option<PathBuf>;
    /// Asks where to write an export; `suggested` is a file name and
    /// `extension` the format's (without the dot).
    fn save_export(&mut self, suggested: &str, extension: &str) -> Option<PathBuf>;
    /// Asks for a folder (brat exports and imports).
    fn pick_folder(&mut self) -> Option<PathBuf>;
    /// Asks for a file to import annotations from, offering `extensions`.
    fn open_import(&mut self, extensions: &[&str]) -> Option<PathBuf>;
}

/// Native dialogs through rfd.
#[derive(Clone, Copy, Debug, Default)]
pub struct RfdDialogs;

impl Dialogs for RfdDialogs {
    fn open_project(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Open project")
            .add_filter("Marginalia project", &["ron"])
            .add_filter("All files", &["*"])
            .pick_file()
    }

    fn save_project(&mut self, suggested: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Save project")
            .add_filter("Marginalia project", &["ron"])
            .set_file_name(suggested)
            .save_file()
    }

    fn open_text(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Import text")
            .add_filter("Text", &["txt", "md", "markdown"])
            .add_filter("All files", &["*"])
            .pick_file()
    }

    fn save_export(&mut self, suggested: &str, extension: &str) -> Option<PathBuf> {
        let mut d = rfd::FileDialog::new()
            .set_title("Export")
            .set_file_name(suggested);
        if !extension.is_empty() {
            d = d.add_filter(extension.to_uppercase(), &[extension]);
        }
        d.save_file()
    }

    fn pick_folder(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Choose a folder")
            .pick_folder()
    }

    fn open_import(&mut self, extensions: &[&str]) -> Option<PathBuf> {
        let mut d = rfd::FileDialog::new().set_title("Import annotations");
        if !extensions.is_empty() {
            d = d.add_filter("Annotations", extensions);
        }
        d.add_filter("All files", &["*"]).pick_file()
    }
}

/// What a [`FakeDialogs`] will answer and what it was asked.
#[derive(Debug, Default)]
pub struct FakeQueues {
    /// Answers to [`Dialogs::open_project`], first first.
    pub open_project: VecDeque<PathBuf>,
    /// Answers to [`Dialogs::save_project`].
    pub save_project: VecDeque<PathBuf>,
    /// Answers to [`Dialogs::open_text`].
    pub open_text: VecDeque<PathBuf>,
    /// Answers to [`Dialogs::save_export`].
    pub save_export: VecDeque<PathBuf>,
    /// Answers to [`Dialogs::pick_folder`].
    pub pick_folder: VecDeque<PathBuf>,
    /// Answers to [`Dialogs::open_import`].
    pub open_import: VecDeque<PathBuf>,
    /// Every question asked, by method name (`"open_project"`, …).
    pub asked: Vec<String>,
}

/// Test dialogs: answer from queues (empty queue = the user cancelled).
/// Clones share the queues, so a test keeps one clone to fill them while the
/// app owns another.
#[derive(Clone, Debug, Default)]
pub struct FakeDialogs {
    queues: Rc<RefCell<FakeQueues>>,
}

impl FakeDialogs {
    /// Dialogs with empty queues.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues an answer for the next "open project" question.
    pub fn push_open_project(&self, path: impl Into<PathBuf>) {
        self.queues.borrow_mut().open_project.push_back(path.into());
    }

    /// Queues an answer for the next "save project" question.
    pub fn push_save_project(&self, path: impl Into<PathBuf>) {
        self.queues.borrow_mut().save_project.push_back(path.into());
    }

    /// Queues an answer for the next "import text" question.
    pub fn push_open_text(&self, path: impl Into<PathBuf>) {
        self.queues.borrow_mut().open_text.push_back(path.into());
    }

    /// Queues an answer for the next "export to" question.
    pub fn push_save_export(&self, path: impl Into<PathBuf>) {
        self.queues.borrow_mut().save_export.push_back(path.into());
    }

    /// Queues an answer for the next "choose a folder" question.
    pub fn push_pick_folder(&self, path: impl Into<PathBuf>) {
        self.queues.borrow_mut().pick_folder.push_back(path.into());
    }

    /// Queues an answer for the next "import annotations from" question.
    pub fn push_open_import(&self, path: impl Into<PathBuf>) {
        self.queues.borrow_mut().open_import.push_back(path.into());
    }

    /// The questions asked so far.
    pub fn asked(&self) -> Vec<String> {
        self.queues.borrow().asked.clone()
    }
}

impl Dialogs for FakeDialogs {
    fn open_project(&mut self) -> Option<PathBuf> {
        let mut q = self.queues.borrow_mut();
        q.asked.push("open_project".into());
        q.open_project.pop_front()
    }

    fn save_project(&mut self, suggested: &str) -> Option<PathBuf> {
        let mut q = self.queues.borrow_mut();
        q.asked.push(format!("save_project {suggested}"));
        q.save_project.pop_front()
    }

    fn open_text(&mut self) -> Option<PathBuf> {
        let mut q = self.queues.borrow_mut();
        q.asked.push("open_text".into());
        q.open_text.pop_front()
    }

    fn save_export(&mut self, suggested: &str, extension: &str) -> Option<PathBuf> {
        let mut q = self.queues.borrow_mut();
        q.asked.push(format!("save_export {suggested} {extension}"));
        q.save_export.pop_front()
    }

    fn pick_folder(&mut self) -> Option<PathBuf> {
        let mut q = self.queues.borrow_mut();
        q.asked.push("pick_folder".into());
        q.pick_folder.pop_front()
    }

    fn open_import(&mut self, extensions: &[&str]) -> Option<PathBuf> {
        let mut q = self.queues.borrow_mut();
        q.asked
            .push(format!("open_import {}", extensions.join(",")));
        q.open_import.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_dialogs_share_queues_between_clones() {
        let test_side = FakeDialogs::new();
        let mut app_side: Box<dyn Dialogs> = Box::new(test_side.clone());
        test_side.push_save_project("/tmp/a.ron");
        assert_eq!(
            app_side.save_project("x.ron"),
            Some(PathBuf::from("/tmp/a.ron"))
        );
        assert_eq!(app_side.save_project("x.ron"), None);
        assert_eq!(app_side.open_text(), None);
        test_side.push_open_import("/tmp/b.jsonl");
        test_side.push_pick_folder("/tmp/brat");
        assert_eq!(app_side.save_export("x.csv", "csv"), None);
        assert_eq!(
            app_side.open_import(&["jsonl"]),
            Some(PathBuf::from("/tmp/b.jsonl"))
        );
        assert_eq!(app_side.pick_folder(), Some(PathBuf::from("/tmp/brat")));
        assert_eq!(app_side.pick_folder(), None);
        let asked = test_side.asked();
        assert_eq!(asked.len(), 7);
        assert_eq!(asked[3], "save_export x.csv csv");
        assert_eq!(asked[4], "open_import jsonl");
    }
}
