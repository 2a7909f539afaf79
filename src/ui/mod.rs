//! The eframe/egui application. Only this layer knows egui: it reads the
//! model and sends [`crate::model::Edit`]s, which the app applies after the
//! frame in one place that records history and marks the project dirty.

pub mod compare_view;
pub mod link_ui;
pub mod text_view;
pub mod turns_ui;
pub mod viewpoints;

use std::path::PathBuf;
use std::process::ExitCode;

/// Opens the main window on `path` (a project or a text), or on the bundled
/// sample project when no path is given.
pub fn run_window(path: Option<PathBuf>) -> ExitCode {
    let _ = path;
    eprintln!("marginalia: the window is not written yet");
    ExitCode::FAILURE
}
