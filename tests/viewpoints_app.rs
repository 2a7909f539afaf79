//! The viewpoint components inside the real application window: the Compare
//! window opened with Ctrl+K jumps to a claim, and a link made from the
//! inspector is one undo step.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::analysis::compare::{CompareTable, Topics};
use marginalia::io::sample::sample_project;
use marginalia::model::AnnotationId;
use marginalia::ui::annotation_list::row_label;
use marginalia::ui::viewpoints::snippet;
use marginalia::ui::{FakeDialogs, MarginaliaApp};

fn harness() -> Harness<'static, MarginaliaApp> {
    let dialogs = FakeDialogs::new();
    Harness::builder()
        .with_size([1600.0, 1400.0])
        .with_max_steps(120)
        .build_eframe(move |_cc| {
            let mut app = MarginaliaApp::new(sample_project(), None, Box::new(dialogs));
            app.prefs_mut().annotator = "tester".into();
            app
        })
}

#[test]
fn ctrl_k_opens_compare_and_a_claim_click_selects_it_in_the_app() {
    let mut h = harness();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::K);
    h.run();
    h.get_by_label("Compare speakers");
    let table = CompareTable::build(&sample_project(), &[], &Topics::Questions);
    assert_eq!(table.rows.len(), 5);
    // A claim under the first question (below the fold of the article).
    let claim = table.rows[0]
        .cells
        .iter()
        .flat_map(|c| &c.claims)
        .next()
        .expect("claims under the first question")
        .clone();
    h.get_by_label(&snippet(&claim.quote, 140)).click();
    h.run();
    assert_eq!(h.state().selected(), Some(&claim.annotation));
    // The article scrolled to it: its rect is inside the viewport.
    let a = h
        .state()
        .project()
        .annotation(&claim.annotation)
        .unwrap()
        .clone();
    let view = h.state_mut().text_view_mut();
    let rect = view
        .char_range_rect(a.range())
        .expect("laid out after the jump");
    assert!(
        view.viewport_rect().intersects(rect),
        "{rect:?} not in view"
    );
}

#[test]
fn linking_from_the_inspector_adds_a_relation_and_undo_removes_it() {
    let mut h = harness();
    h.run();
    let from = AnnotationId::new("ann-toft-05");
    h.state_mut().select_annotation(Some(from.clone()));
    h.run();
    let before = h.state().project().relations.len();
    // The links sit under the inspector, which scrolls.
    h.get_by_label("Link to…").scroll_to_me();
    h.run();
    h.get_by_label("Link to…").click();
    h.run();
    let target = h
        .state()
        .project()
        .annotation(&AnnotationId::new("ann-miller-06"))
        .unwrap()
        .clone();
    let word: String = target
        .quote
        .split_whitespace()
        .max_by_key(|w| w.chars().count())
        .unwrap_or("")
        .to_owned();
    h.get_by_role_and_label(Role::TextInput, "Search:")
        .scroll_to_me();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Search:").focus();
    h.get_by_role_and_label(Role::TextInput, "Search:")
        .type_text(&word);
    h.run();
    h.get_by_label(&format!("Chris Miller: “{}”", snippet(&target.quote, 90)))
        .click();
    h.run();
    h.get_by_label("Link").click();
    h.run();
    let p = h.state().project();
    assert_eq!(p.relations.len(), before + 1);
    assert!(
        p.relations
            .iter()
            .any(|r| r.from == from && r.to == target.id)
    );
    assert!(h.state().history().is_dirty());
    // The inspector lists the new link under "Links".
    let label = row_label(&target.quote);
    assert!(
        h.query_by_role_and_label(Role::Link, &label).is_some(),
        "{label} in the inspector"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().project().relations.len(), before);
    assert!(
        h.query_by_role_and_label(Role::Link, &label).is_none(),
        "{label} still shown"
    );
}

#[test]
fn importing_a_transcript_detects_its_speakers_in_the_same_undo_step() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/transcripts/press-briefing.txt");
    let dialogs = FakeDialogs::new();
    dialogs.push_open_text(&src);
    let p = sample_project();
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(120)
        .build_eframe({
            let p = p.clone();
            move |_cc| MarginaliaApp::new(p, None, Box::new(dialogs))
        });
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Import text").click();
    h.run();
    let project = h.state().project();
    assert_eq!(project.documents.len(), 2);
    let doc = project.documents[1].id.clone();
    let turns: Vec<_> = project.turns_of(&doc).collect();
    assert!(turns.len() > 3, "turns detected: {turns:?}");
    assert_eq!(turns.first().map(|t| t.start), Some(0));
    assert_eq!(
        turns.last().map(|t| t.end),
        Some(project.documents[1].char_len())
    );
    let psaki = project
        .speakers
        .iter()
        .find(|s| s.answers_to("Jen Psaki") || s.answers_to("MS. PSAKI"))
        .expect("the press secretary is found");
    assert!(turns.iter().any(|t| t.speaker.as_ref() == Some(&psaki.id)));
    assert_eq!(project.validate(), vec![]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        h.state().project(),
        &p,
        "one undo removes text, turns and speakers"
    );
}

#[test]
fn compare_csv_export_writes_the_table_through_the_save_dialog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("compare.csv");
    let dialogs = FakeDialogs::new();
    dialogs.push_save_export(&out);
    let mut h = Harness::builder()
        .with_size([1600.0, 1400.0])
        .with_max_steps(120)
        .build_eframe(move |_cc| MarginaliaApp::new(sample_project(), None, Box::new(dialogs)));
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::K);
    h.run();
    h.get_by_label("CSV").click();
    h.run();
    let written = std::fs::read_to_string(&out).expect("the export was written");
    let table = CompareTable::build(&sample_project(), &[], &Topics::Questions);
    assert_eq!(written, table.to_csv().expect("csv"));
    assert!(
        h.state()
            .status()
            .is_some_and(|s| s.text.contains("compare.csv"))
    );
}

#[test]
fn a_link_can_start_from_a_claim_in_the_compare_view() {
    let mut h = harness();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::K);
    h.run();
    let table = CompareTable::build(&sample_project(), &[], &Topics::Questions);
    let claim = table.rows[0]
        .cells
        .iter()
        .flat_map(|c| &c.claims)
        .next()
        .expect("claims under the first question")
        .clone();
    h.get_by_label(&snippet(&claim.quote, 140))
        .click_secondary();
    h.run();
    h.get_by_label("Link to another claim…").click();
    h.run();
    assert_eq!(h.state().selected(), Some(&claim.annotation));
    // The inspector's picker is open for that claim.
    h.get_by_role_and_label(Role::TextInput, "Search:");
}

#[test]
fn tagging_reported_speech_in_narration_attributes_it_to_its_speaker() {
    let mut p = sample_project();
    // Start from no annotations so the quote is not already annotated.
    p.relations.clear();
    p.annotations.clear();
    let text = p.documents[0].text.clone();
    let dialogs = FakeDialogs::new();
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(120)
        .build_eframe(move |_cc| MarginaliaApp::new(p, None, Box::new(dialogs)));
    h.run();
    // “Europe is substantially less secure,” says Chris Miller. (standfirst)
    let r = marginalia::io::sample::find_quote(&text, "Europe is substantially less secure", 0)
        .unwrap();
    h.state_mut().text_view_mut().set_selection(r.clone());
    h.run();
    h.key_press(Key::Num1);
    h.run();
    let a = &h.state().project().annotations[0];
    assert_eq!(a.range(), r);
    assert_eq!(a.speaker.as_ref().map(|s| s.as_str()), Some("spk-miller"));
    // Narration that is nobody's words stays without a speaker.
    let r =
        marginalia::io::sample::find_quote(&text, "Russian armed forces have attacked", 0).unwrap();
    h.state_mut().text_view_mut().set_selection(r.clone());
    h.run();
    h.key_press(Key::Num1);
    h.run();
    let b = h
        .state()
        .project()
        .annotations
        .iter()
        .find(|a| a.start == r.start)
        .unwrap();
    assert_eq!(b.speaker, None);
}
