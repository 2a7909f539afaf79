//! File > Export… and File > Import annotations… in the real window, driven
//! through egui_kittest with fake file dialogs.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::io::formats::{self, ExportOptions, Format};
use marginalia::io::sample::sample_project;
use marginalia::model::{Project, TagId};
use marginalia::ui::{FakeDialogs, MarginaliaApp};
use std::path::{Path, PathBuf};

fn harness_with(project: Project, dialogs: &FakeDialogs) -> Harness<'static, MarginaliaApp> {
    let dialogs = dialogs.clone();
    Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(120)
        .build_eframe(move |_cc| {
            let mut app = MarginaliaApp::new(project, None, Box::new(dialogs));
            app.prefs_mut().annotator = "tester".into();
            app
        })
}

fn open_export(h: &mut Harness<'_, MarginaliaApp>) {
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Export…").click();
    h.run();
    assert!(h.state().exchange().export_open());
}

fn open_import(h: &mut Harness<'_, MarginaliaApp>) {
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Import annotations…").click();
    h.run();
    assert!(h.state().exchange().import_open());
}

fn click_checkbox(h: &mut Harness<'_, MarginaliaApp>, label: &str) {
    h.get_by_role_and_label(Role::CheckBox, label).click();
    h.run();
}

/// The records of a CSV file (the header not counted).
fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).expect("the CSV opens");
    r.records().map(|x| x.expect("a well-formed row")).collect()
}

fn tagged_with_any(p: &Project, tags: &[TagId]) -> usize {
    p.annotations
        .iter()
        .filter(|a| a.tags.iter().any(|t| tags.contains(t)))
        .count()
}

#[test]
fn export_csv_writes_one_row_per_annotation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("claims.csv");
    let dialogs = FakeDialogs::new();
    dialogs.push_save_export(&out);
    let p = sample_project();
    let mut h = harness_with(p.clone(), &dialogs);
    h.run();
    open_export(&mut h);
    h.get_by_label("CSV").click();
    h.run();
    let n = p.annotations.len();
    h.get_by_label(&format!("{n} annotations will be exported"));
    h.get_by_label("Spreadsheet-safe CSV");
    h.get_by_role_and_label(Role::Button, "Export…").click();
    h.run();

    assert!(out.exists(), "the export was written");
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.starts_with("doc"), "a header row first: {text:.60}");
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), n);
    for a in &p.annotations {
        assert!(
            rows.iter().any(|r| r.iter().any(|c| c == a.quote)),
            "a row quotes {:?}",
            a.quote
        );
    }
    let status = h.state().status().expect("a status message").clone();
    assert!(!status.is_error);
    assert_eq!(
        status.text,
        format!("Exported {n} annotations to {}", out.display())
    );
    assert!(!h.state().exchange().export_open(), "the window closes");
    assert_eq!(dialogs.asked().len(), 1);
    assert!(dialogs.asked()[0].starts_with("save_export "));
    assert!(dialogs.asked()[0].ends_with(".csv csv"));
    assert!(!h.state().history().is_dirty(), "exporting changes nothing");
}

#[test]
fn tag_filter_exports_fewer_rows_and_a_tag_brings_its_children() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dialogs = FakeDialogs::new();
    let p = sample_project();
    let mut h = harness_with(p.clone(), &dialogs);
    h.run();
    // Ctrl+E opens the window too.
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    assert!(h.state().exchange().export_open());
    h.get_by_label("CSV").click();
    h.run();

    h.get_by_label("No tags").click();
    h.run();
    h.get_by_label("0 annotations will be exported");
    assert!(
        h.get_by_role_and_label(Role::Button, "Export…")
            .accesskit_node()
            .is_disabled()
    );

    let rec = p
        .codebook
        .by_name("Recommendation")
        .expect("tag")
        .id
        .clone();
    click_checkbox(&mut h, "Recommendation");
    let only_rec = tagged_with_any(&p, std::slice::from_ref(&rec));
    assert!(only_rec > 0 && only_rec < p.annotations.len());
    h.get_by_label(&format!("{only_rec} annotations will be exported"));

    // Checking Claim includes its children (Cause, Prediction, …).
    click_checkbox(&mut h, "Claim");
    let claim = p.codebook.by_name("Claim").expect("tag").id.clone();
    let mut wanted = p.codebook.with_descendants(&claim);
    assert!(wanted.len() > 1, "Claim has children");
    wanted.push(rec.clone());
    let both = tagged_with_any(&p, &wanted);
    assert!(both > only_rec);
    h.get_by_label(&format!("{both} annotations will be exported"));
    assert!(
        h.get_by_role_and_label(Role::CheckBox, "Cause")
            .accesskit_node()
            .is_disabled(),
        "a child follows its checked parent"
    );
    // Unchecking Claim again drops the children too.
    click_checkbox(&mut h, "Claim");
    h.get_by_label(&format!("{only_rec} annotations will be exported"));

    let out = dir.path().join("recommendations.csv");
    dialogs.push_save_export(&out);
    h.get_by_role_and_label(Role::Button, "Export…").click();
    h.run();
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), only_rec);
    assert!(rows.len() < p.annotations.len());
    assert!(
        rows.iter()
            .all(|r| r.iter().any(|c| c.contains("Recommendation")))
    );
}

#[test]
fn export_w3c_writes_an_annotation_collection() {
    let dir = tempfile::tempdir().expect("temp dir");
    // No extension given: the format's is added.
    let out = dir.path().join("web");
    let dialogs = FakeDialogs::new();
    dialogs.push_save_export(&out);
    let p = sample_project();
    let mut h = harness_with(p.clone(), &dialogs);
    h.run();
    open_export(&mut h);
    h.get_by_label("W3C Web Annotation").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Export…").click();
    h.run();
    let written = dir.path().join("web.jsonld");
    let text = std::fs::read_to_string(&written).expect("the export was written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["type"], "AnnotationCollection");
    let items = v["first"]["items"].as_array().expect("a page of items");
    assert_eq!(v["total"].as_u64(), Some(items.len() as u64));
    let tagged = items
        .iter()
        .filter(|i| i["motivation"] != "linking")
        .count();
    assert_eq!(tagged, p.annotations.len());
    assert!(dialogs.asked()[0].ends_with(".jsonld jsonld"));
}

#[test]
fn brat_export_asks_for_a_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("brat");
    let dialogs = FakeDialogs::new();
    dialogs.push_pick_folder(&out);
    let mut h = harness_with(sample_project(), &dialogs);
    h.run();
    open_export(&mut h);
    h.get_by_label("brat standoff").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Export…").click();
    h.run();
    assert_eq!(dialogs.asked(), vec!["pick_folder".to_string()]);
    assert!(out.join("annotation.conf").exists());
    let anns = std::fs::read_dir(&out)
        .expect("folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "ann"))
        .count();
    assert!(anns >= 1);
}

/// The sample with its annotations and links removed.
fn stripped(p: &Project) -> Project {
    let mut s = p.clone();
    s.annotations.clear();
    s.relations.clear();
    s
}

fn import_through_ui(
    format_label: &str,
    file: PathBuf,
    stripped: Project,
) -> (Harness<'static, MarginaliaApp>, FakeDialogs) {
    let dialogs = FakeDialogs::new();
    dialogs.push_open_import(&file);
    let mut h = harness_with(stripped, &dialogs);
    h.run();
    open_import(&mut h);
    h.get_by_label(format_label).click();
    h.run();
    h.get_by_label("Choose file…").click();
    h.run();
    (h, dialogs)
}

#[test]
fn doccano_import_brings_annotations_back_as_one_undo_step() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("sample.jsonl");
    let p = sample_project();
    formats::export(&p, Format::Doccano, &ExportOptions::default(), &file).expect("export");
    let bare = stripped(&p);
    let (mut h, dialogs) = import_through_ui("doccano JSONL", file.clone(), bare.clone());

    assert_eq!(dialogs.asked(), vec!["open_import jsonl,json".to_string()]);
    let n = p.annotations.len();
    let app = h.state();
    assert_eq!(app.project().annotations.len(), n);
    for a in &p.annotations {
        assert!(
            app.project()
                .annotations
                .iter()
                .any(|b| b.doc == a.doc && b.range() == a.range() && b.tags == a.tags),
            "{:?} came back",
            a.quote
        );
    }
    assert!(app.project().validate().is_empty());
    assert_eq!(app.exchange().report().map(|r| r.annotations), Some(n));
    // The report window shows the count and can be read and closed.
    h.get_by_label("Import report");
    h.get_by_label_contains(&format!("{n} annotations imported from"));
    let status = h.state().status().expect("status").clone();
    assert_eq!(
        status.text,
        format!("Imported {n} annotations from {}", file.display())
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        h.state().project(),
        &bare,
        "one undo removes the whole import"
    );
    assert!(!h.state().history().is_dirty());

    h.get_by_label("Close report").click();
    h.run();
    assert!(h.state().exchange().report().is_none());
    assert!(h.query_by_label("Import report").is_none());
}

#[test]
fn json_import_keeps_the_files_annotator_sets_or_uses_the_one_given() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("sample.json");
    let p = sample_project();
    formats::export(&p, Format::Json, &ExportOptions::default(), &file).expect("export");
    let bare = stripped(&p);
    let (h, _) = import_through_ui("JSON", file.clone(), bare.clone());
    let got = h.state().project();
    assert_eq!(got.annotations.len(), p.annotations.len());
    assert_eq!(got.relations.len(), p.relations.len());
    let sets = |q: &Project| {
        let mut v: Vec<String> = q.annotations.iter().map(|a| a.annotator.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(sets(got), sets(&p));

    // With a set named, every annotation goes there.
    let dialogs = FakeDialogs::new();
    dialogs.push_open_import(&file);
    let mut h = harness_with(bare, &dialogs);
    h.run();
    open_import(&mut h);
    h.get_by_label("JSON").click();
    h.run();
    h.get_by_label("Keep the annotator sets the file names")
        .click();
    h.run();
    h.get_by_label("Annotator set").focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Annotator set").type_text("team b");
    h.run();
    h.get_by_label("Choose file…").click();
    h.run();
    let got = h.state().project();
    assert_eq!(got.annotations.len(), p.annotations.len());
    assert!(got.annotations.iter().all(|a| a.annotator == "team b"));
}

#[test]
fn a_malformed_file_shows_the_error_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("broken.json");
    std::fs::write(&file, "{\"documents\": [{\"text\": \"Миллер said\", ").expect("write");
    let p = sample_project();
    let (mut h, _) = import_through_ui("JSON", file, p.clone());
    assert_eq!(h.state().project(), &p);
    assert!(!h.state().history().is_dirty());
    assert!(!h.state().history().can_undo());
    assert!(h.state().modal_open(), "the error is shown");
    h.get_by_label("Could not import");
    let status = h.state().status().expect("status").clone();
    assert!(status.is_error);
    assert!(status.text.starts_with("Could not import: "));
    assert!(h.state().exchange().report().is_none());
    h.get_by_label("OK").click();
    h.run();
    assert!(!h.state().modal_open());
    assert_eq!(h.state().project(), &p);
}

#[test]
fn a_file_with_only_bad_lines_reports_them_and_adds_no_undo_step() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("broken.jsonl");
    std::fs::write(&file, "{\"text\": \"Миллер said\", \"label\": [[0, 6, \n").expect("write");
    let p = sample_project();
    let (h, _) = import_through_ui("doccano JSONL", file, p.clone());
    assert_eq!(h.state().project(), &p);
    assert!(!h.state().history().can_undo(), "nothing imported, no step");
    let report = h.state().exchange().report().expect("a report").clone();
    assert_eq!(report.annotations, 0);
    assert_eq!(report.skipped.len(), 1);
    h.get_by_label_contains("0 annotations imported from");
    h.get_by_label(&report.skipped[0]);
}
