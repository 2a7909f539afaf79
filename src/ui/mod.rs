//! The eframe/egui application. Only this layer knows egui: it reads the
//! model and sends [`crate::model::Edit`]s, which the app applies after the
//! frame in one place that records history and marks the project dirty.
//!
//! One file per concept: [`app`] holds the state and applies actions,
//! [`commands`] names every user action with its shortcut, each panel
//! ([`codebook_ui`], [`documents`], [`speakers_ui`], [`annotation_list`],
//! [`inspector`]) owns its own state and returns [`actions::Action`]s, and
//! [`file_ops`] / [`dialogs`] handle files and the questions around them.

pub mod actions;
pub mod annotation_list;
pub mod app;
pub mod codebook_ui;
pub mod commands;
pub mod compare_view;
pub mod dialogs;
pub mod documents;
pub mod exchange;
mod exchange_ops;
pub mod file_ops;
pub mod inspector;
pub mod link_index;
pub mod link_ui;
mod list_search;
pub mod menus;
pub mod prefs;
pub mod speakers_ui;
pub mod status_bar;
pub mod tag_bar;
pub mod text_view;
pub mod turns_ui;
pub mod viewpoints;
pub mod viewpoints_ops;
mod windows;

pub use app::MarginaliaApp;
pub use dialogs::{Dialogs, FakeDialogs, RfdDialogs};

use crate::io::project_file;
use crate::model::Project;
use file_ops::FileKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where the bundled sample project lives in the source tree.
pub fn sample_project_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/tufts-interview.ron")
}

/// What the window starts with.
pub struct Startup {
    /// The project to show.
    pub project: Project,
    /// Its file, if it is saved in one.
    pub path: Option<PathBuf>,
    /// An error to show at once (the file given could not be opened).
    pub error: Option<String>,
}

/// Works out the starting project: the file given (a project or a text), or
/// the bundled sample (as an unsaved copy, so the shipped file is never
/// overwritten by accident), falling back to the sample built in memory.
pub fn startup(path: Option<PathBuf>) -> Startup {
    match path {
        None => {
            let project = project_file::load(&sample_project_path())
                .map(|l| l.project)
                .unwrap_or_else(|_| crate::io::sample::sample_project());
            Startup {
                project,
                path: None,
                error: None,
            }
        }
        Some(p) => match FileKind::of(&p) {
            FileKind::Text => match file_ops::project_from_text(&p) {
                Ok(project) => Startup {
                    project,
                    path: None,
                    error: None,
                },
                Err(e) => Startup {
                    project: Project::new("Untitled"),
                    path: None,
                    error: Some(e),
                },
            },
            _ => match project_file::load(&p) {
                Ok(l) => Startup {
                    project: l.project,
                    path: Some(p),
                    error: None,
                },
                Err(e) => Startup {
                    project: Project::new("Untitled"),
                    path: None,
                    error: Some(e.to_string()),
                },
            },
        },
    }
}

/// Opens the main window on `path` (a project or a text), or on the bundled
/// sample project when no path is given.
pub fn run_window(path: Option<PathBuf>) -> ExitCode {
    let start = startup(path);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Marginalia")
            .with_app_id("marginalia")
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([760.0, 480.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let result = eframe::run_native(
        "Marginalia",
        options,
        Box::new(move |cc| {
            let prefs = prefs::Prefs::load(cc.storage);
            let mut app = MarginaliaApp::new(start.project, start.path, Box::new(RfdDialogs))
                .with_prefs(prefs);
            if let Some(e) = start.error {
                app.show_error("Could not open the file", e);
            }
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("marginalia: could not open the window: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn startup_opens_texts_projects_and_reports_bad_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let txt = dir.path().join("interview.txt");
        std::fs::write(&txt, "Миллер: “NATO” — yes.\r\n").expect("write");
        let s = startup(Some(txt));
        assert_eq!(s.project.documents.len(), 1);
        assert_eq!(s.project.documents[0].text, "Миллер: “NATO” — yes.\n");
        assert_eq!(s.project.name, "interview");
        assert!(s.path.is_none() && s.error.is_none());

        let bad = dir.path().join("bad.ron");
        std::fs::write(&bad, "not a project").expect("write");
        let s = startup(Some(bad));
        assert!(s.error.is_some());
        assert!(s.path.is_none());
        assert!(s.project.documents.is_empty());

        let s = startup(None);
        assert!(s.path.is_none(), "the sample opens as an unsaved copy");
        assert!(!s.project.annotations.is_empty());
        assert!(s.project.validate().is_empty());
    }
}
