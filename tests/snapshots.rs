//! Pixel snapshots of the main window (needs a wgpu renderer; run with
//! `cargo test --features snapshots --test snapshots`, accept new images
//! with `UPDATE_SNAPSHOTS=1`).
#![cfg(feature = "snapshots")]

use egui_kittest::{Harness, SnapshotOptions};
use marginalia::io::sample::sample_project;
use marginalia::model::{AnnotationId, Project};
use marginalia::ui::{FakeDialogs, MarginaliaApp};

fn harness(project: Project) -> Harness<'static, MarginaliaApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        // A jump flashes its target for about a second of repaints.
        .with_max_steps(120)
        .build_eframe(move |_cc| {
            let mut app = MarginaliaApp::new(project, None, Box::new(FakeDialogs::new()));
            app.prefs_mut().annotator = "snapshot".into();
            app
        })
}

fn options() -> SnapshotOptions {
    SnapshotOptions::new().threshold(0.8)
}

/// Scrolls the article so the annotation `id` is in view.
fn scroll_to(h: &mut Harness<'static, MarginaliaApp>, id: &str) {
    let range = h
        .state()
        .project()
        .annotation(&AnnotationId::new(id))
        .map(|a| a.range());
    if let Some(r) = range {
        h.state_mut().text_view_mut().scroll_to(r);
    }
}

#[test]
fn main_window_with_highlights() {
    let mut h = harness(sample_project());
    h.run();
    // Toft's first answer: overlapping highlights and speaker turns.
    scroll_to(&mut h, "ann-toft-01");
    h.run();
    h.snapshot_options("main_window", &options());
}

#[test]
fn compare_window() {
    let mut h = harness(sample_project());
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run();
    h.snapshot_options("compare_window", &options());
}

#[test]
fn inspector_with_selected_annotation() {
    let p = sample_project();
    let doc = p.documents[0].id.clone();
    let id = p
        .annotations_of(&doc)
        .find(|a| !a.note.is_empty() && p.relations_of(&a.id).next().is_some())
        .or_else(|| p.annotations_of(&doc).next())
        .map(|a| a.id.clone());
    let mut h = harness(p);
    h.state_mut().select_annotation(id.clone());
    h.run();
    if let Some(id) = id {
        scroll_to(&mut h, id.as_str());
    }
    h.run();
    h.snapshot_options("inspector_selected", &options());
}

#[test]
fn tag_bar_for_a_text_selection() {
    let p = sample_project();
    let range = marginalia::io::sample::find_quote(
        &p.documents[0].text,
        "Russian armed forces have attacked major cities",
        0,
    );
    let mut h = harness(p);
    if let Some(r) = range {
        h.state_mut().text_view_mut().set_selection(r);
    }
    h.run();
    h.snapshot_options("tag_bar_selection", &options());
}

#[test]
fn delete_tag_modal() {
    use egui_kittest::kittest::Queryable;
    let mut h = harness(sample_project());
    h.run();
    h.get_by_label("Prediction").click();
    h.run();
    h.get_by_label("Delete tag…").click();
    h.run();
    h.snapshot_options("delete_tag_modal", &options());
}
