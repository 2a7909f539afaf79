//! Behaviour of the real application window, driven through egui_kittest
//! with fake file dialogs (no GPU, no display).

use egui::{Key, Modifiers, ViewportCommand, ViewportEvent, ViewportId};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};
use marginalia::io::project_file;
use marginalia::io::sample::{find_quote, sample_project};
use marginalia::model::{AnnotationId, Project, TagId};
use marginalia::ui::annotation_list::row_label;
use marginalia::ui::{FakeDialogs, MarginaliaApp};
use std::ops::Range;
use std::path::PathBuf;

fn harness_with(
    project: Project,
    path: Option<PathBuf>,
    dialogs: &FakeDialogs,
) -> Harness<'static, MarginaliaApp> {
    let dialogs = dialogs.clone();
    Harness::builder()
        .with_size([1400.0, 900.0])
        // A jump flashes the target for about a second of repaints.
        .with_max_steps(120)
        .build_eframe(move |_cc| {
            let mut app = MarginaliaApp::new(project, path, Box::new(dialogs));
            app.prefs_mut().annotator = "tester".into();
            app
        })
}

fn harness(project: Project) -> Harness<'static, MarginaliaApp> {
    harness_with(project, None, &FakeDialogs::new())
}

/// The app on a generated project, whose text has emoji no bundled font
/// draws: boxes, not a failed test.
fn book_harness(project: Project) -> Harness<'static, MarginaliaApp> {
    Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(120)
        .allow_missing_glyphs()
        .build_eframe(move |_cc| MarginaliaApp::new(project, None, Box::new(FakeDialogs::new())))
}

/// The char range of `phrase` in the first document.
fn range_of(p: &Project, phrase: &str) -> Range<usize> {
    find_quote(&p.documents[0].text, phrase, 0).expect("phrase is in the seed text")
}

fn tag_with_key(p: &Project, k: u8) -> TagId {
    p.codebook
        .by_key(k)
        .expect("sample tag has hotkey")
        .id
        .clone()
}

fn new_annotation_ids(before: &Project, after: &Project) -> Vec<AnnotationId> {
    after
        .annotations
        .iter()
        .filter(|a| before.annotation(&a.id).is_none())
        .map(|a| a.id.clone())
        .collect()
}

fn commands(h: &Harness<'_, MarginaliaApp>) -> Vec<ViewportCommand> {
    h.output()
        .viewport_output
        .get(&ViewportId::ROOT)
        .map(|v| v.commands.clone())
        .unwrap_or_default()
}

/// A sentence of the sample no annotation covers, with a curly apostrophe.
const UNTAGGED_PHRASE: &str = "What’s behind the moves, and what can be done about them?";

/// Selects a phrase with a curly apostrophe and tags it with key 1.
fn tag_phrase(h: &mut Harness<'_, MarginaliaApp>, phrase: &str) -> AnnotationId {
    let before = h.state().project().clone();
    let range = range_of(&before, phrase);
    h.state_mut().text_view_mut().set_selection(range);
    h.run();
    h.key_press(Key::Num1);
    h.run();
    let new = new_annotation_ids(&before, h.state().project());
    assert_eq!(new.len(), 1, "exactly one annotation is created");
    new[0].clone()
}

#[test]
fn key_1_tags_the_selection_and_undo_redo_work() {
    let p = sample_project();
    let mut h = harness(p.clone());
    h.run();
    let phrase = UNTAGGED_PHRASE;
    let range = range_of(&p, phrase);
    let id = tag_phrase(&mut h, phrase);

    let app = h.state();
    let a = app.project().annotation(&id).expect("created");
    assert_eq!(a.range(), range);
    assert_eq!(a.quote, phrase);
    assert_eq!(a.tags, vec![tag_with_key(&p, 1)]);
    assert_eq!(a.annotator, "tester");
    assert_eq!(app.selected(), Some(&id));
    assert!(app.history().is_dirty());
    assert_eq!(app.project().annotations.len(), p.annotations.len() + 1);
    assert!(app.project().validate().is_empty());
    let created = a.clone();

    // The new annotation shows in the list.
    h.get_by_label(&row_label(phrase));

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.state().project().annotation(&id).is_none());
    assert_eq!(h.state().project(), &p);
    assert!(
        !h.state().history().is_dirty(),
        "undo back to the saved state is clean"
    );

    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(h.state().project().annotation(&id), Some(&created));

    // Ctrl+Y redoes too.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.state().project().annotation(&id).is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(h.state().project().annotation(&id), Some(&created));
}

/// Shortcuts are carried out before the panels are drawn: the frame that
/// receives the key already shows what it did, not the frame after.
#[test]
fn a_shortcut_shows_its_effect_in_the_frame_of_the_key_press() {
    let p = sample_project();
    let mut h = harness(p.clone());
    h.run();
    let phrase = UNTAGGED_PHRASE;
    h.state_mut()
        .text_view_mut()
        .set_selection(range_of(&p, phrase));
    h.run();
    assert!(h.query_by_label(&row_label(phrase)).is_none());
    press_in_one_frame(&mut h, Modifiers::NONE, Key::Num1);
    assert_eq!(
        h.state().project().annotations.len(),
        p.annotations.len() + 1
    );
    h.get_by_label(&row_label(phrase));
    // Undo, in one frame too: the row is gone from that frame.
    press_in_one_frame(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().project(), &p);
    assert!(h.query_by_label(&row_label(phrase)).is_none());
}

/// Presses and releases `key` within a single frame, and runs that frame.
fn press_in_one_frame(h: &mut Harness<'_, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    for pressed in [true, false] {
        h.input_mut().events.push(egui::Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers,
        });
    }
    h.step();
}

#[test]
fn digit_toggles_tag_on_selected_annotation_and_delete_removes_it() {
    let p = sample_project();
    let mut h = harness(p.clone());
    h.run();
    let id = tag_phrase(&mut h, "Russian armed forces have attacked major cities");
    let two = tag_with_key(&p, 2);
    h.key_press(Key::Num2);
    h.run();
    let a = h.state().project().annotation(&id).expect("still there");
    assert_eq!(a.tags, vec![tag_with_key(&p, 1), two.clone()]);
    h.key_press(Key::Num2);
    h.run();
    let a = h.state().project().annotation(&id).expect("still there");
    assert_eq!(a.tags, vec![tag_with_key(&p, 1)]);

    h.key_press(Key::Delete);
    h.run();
    assert!(h.state().project().annotation(&id).is_none());
    assert_eq!(h.state().selected(), None);
}

#[test]
fn escape_clears_selection_and_keys_do_not_fire_while_typing() {
    let p = sample_project();
    let mut h = harness(p.clone());
    h.run();
    h.state_mut()
        .text_view_mut()
        .set_selection(range_of(&p, "Russian armed forces"));
    h.run();
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(h.state_mut().text_view_mut().selection(), None);

    // Focus the filter box with Ctrl+F and type a digit: it filters, it does
    // not tag.
    h.state_mut()
        .text_view_mut()
        .set_selection(range_of(&p, "Russian armed forces"));
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.event(egui::Event::Key {
        key: Key::Num1,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::NONE,
    });
    h.event(egui::Event::Text("1".into()));
    h.run();
    assert_eq!(h.state().project(), &p, "no annotation while typing");
    assert!(h.state_mut().text_view_mut().selection().is_some());
}

#[test]
fn clicking_a_row_selects_it_and_the_inspector_shows_the_quote() {
    let p = sample_project();
    let doc = p.documents[0].id.clone();
    let a = p
        .annotations_of(&doc)
        .filter(|a| p.relations_of(&a.id).next().is_none())
        .nth(1)
        .expect("an unlinked annotation")
        .clone();
    let mut h = harness(p);
    h.run();
    assert!(
        h.query_by_label(&a.quote).is_none(),
        "nothing inspected yet"
    );
    h.get_by_label(&row_label(&a.quote)).click();
    h.run();
    assert_eq!(h.state().selected(), Some(&a.id));
    h.get_by_label(&a.quote);
    h.get_by_label("Delete");
}

/// A quote longer than the inspector's preview shows its start until
/// "Show all" is clicked, and its start again after "Show less".
#[test]
fn a_long_quote_is_shown_whole_on_request() {
    let mut p = sample_project();
    let doc = &p.documents[0];
    let para = doc
        .text
        .lines()
        .find(|l| l.chars().count() > 2 * marginalia::ui::inspector::QUOTE_PREVIEW_CHARS)
        .expect("a long paragraph");
    let at = doc.text.find(para).expect("a line of the text");
    let start = doc.text[..at].chars().count();
    let range = start..start + para.chars().count();
    let a = marginalia::model::Annotation::new(
        doc.id.clone(),
        &doc.text,
        range,
        vec![tag_with_key(&p, 1)],
        "tester",
        marginalia::model::Timestamp("2026-11-27T10:00:00Z".into()),
    )
    .expect("inside the text");
    marginalia::model::Edit::AddAnnotation(a.clone())
        .apply(&mut p)
        .expect("added");
    let head = marginalia::ui::inspector::quote_preview(&a.quote).expect("long");
    let preview = format!("{head}…");
    let mut h = harness(p);
    h.run();
    h.state_mut().reveal_annotation(a.id.clone());
    h.run();
    h.get_by_label(&preview);
    assert!(h.query_by_label(&a.quote).is_none(), "not whole yet");
    h.get_by_label("Show all").click();
    h.run();
    h.get_by_label(&a.quote);
    h.get_by_label("Show less").click();
    h.run();
    h.get_by_label(&preview);
}

#[test]
fn editing_the_note_is_one_edit_that_undo_reverts() {
    let p = sample_project();
    let a = p
        .annotations
        .iter()
        .find(|a| a.note.is_empty())
        .expect("an annotation without a note")
        .clone();
    let mut h = harness(p.clone());
    h.state_mut().select_annotation(Some(a.id.clone()));
    h.run();
    let note = h.get_by_label("Note");
    note.focus();
    h.run();
    h.get_by_label("Note")
        .type_text("Needs a source — Миллер, café");
    h.run();
    // Still a draft while typing.
    assert_eq!(
        h.state()
            .project()
            .annotation(&a.id)
            .map(|x| x.note.as_str()),
        Some("")
    );
    // Leave the field: the note is committed as one edit.
    h.key_press(Key::Escape);
    h.run();
    let after = h
        .state()
        .project()
        .annotation(&a.id)
        .expect("exists")
        .clone();
    assert_eq!(after.note, "Needs a source — Миллер, café");
    assert_eq!(h.state().history().undo_label(), Some("edit annotation"));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().project(), &p);
}

#[test]
fn codebook_add_rename_delete_with_reassign_and_undo() {
    let p = sample_project();
    let mut h = harness(p.clone());
    h.run();
    h.get_by_label("+ Add tag").click();
    h.run();
    let added = h.state().project().codebook.tags.len();
    assert_eq!(added, p.codebook.tags.len() + 1);
    let new_tag = h.state().project().codebook.tags[added - 1].clone();
    assert_eq!(new_tag.name, "New tag");
    // The name field has focus: replace the name and press Enter.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.event(egui::Event::Text("Hedge".into()));
    h.key_press(Key::Enter);
    h.run();
    let renamed = h
        .state()
        .project()
        .codebook
        .get(&new_tag.id)
        .expect("tag")
        .clone();
    assert_eq!(renamed.name, "Hedge");
    assert_eq!(h.state().history().undo_label(), Some("edit tag Hedge"));

    // Delete a used tag, reassigning its annotations.
    let before = h.state().project().clone();
    let victim = before
        .codebook
        .by_name("Prediction")
        .expect("sample tag")
        .clone();
    let target = before
        .codebook
        .by_name("Evidence")
        .expect("sample tag")
        .clone();
    let users: Vec<_> = before
        .annotations
        .iter()
        .filter(|a| a.tags.contains(&victim.id))
        .map(|a| a.id.clone())
        .collect();
    assert!(!users.is_empty());
    h.get_by_label("Prediction").click();
    h.run();
    h.get_by_label("Delete tag…").click();
    h.run();
    assert!(h.state().modal_open());
    h.get_by_label("Reassign to").click();
    h.run();
    h.get_by_label("Tag to reassign to").click();
    h.run();
    h.get_by_label_contains("Evidence (").click();
    h.run();
    h.get_by_label("Delete tag").click();
    h.run();
    let after = h.state().project();
    assert!(after.codebook.get(&victim.id).is_none());
    for id in &users {
        let a = after.annotation(id).expect("annotation kept");
        assert!(a.tags.contains(&target.id));
        assert!(!a.tags.contains(&victim.id));
    }
    assert!(after.validate().is_empty());
    assert!(!h.state().modal_open());

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().project(), &before);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().project(), &p);
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let p = sample_project();
    let mut h = harness(p);
    h.run();
    tag_phrase(&mut h, "Russian armed forces");
    h.input_mut()
        .viewports
        .entry(ViewportId::ROOT)
        .or_default()
        .events
        .push(ViewportEvent::Close);
    h.step();
    assert!(commands(&h).contains(&ViewportCommand::CancelClose));
    h.run();
    assert!(h.state().modal_open());
    h.get_by_label("Unsaved changes");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(!h.state().modal_open());

    h.input_mut()
        .viewports
        .entry(ViewportId::ROOT)
        .or_default()
        .events
        .push(ViewportEvent::Close);
    h.run();
    h.get_by_label("Discard").click();
    h.step();
    assert!(commands(&h).contains(&ViewportCommand::Close));
}

#[test]
fn closing_a_clean_project_does_not_ask() {
    let mut h = harness(sample_project());
    h.run();
    h.input_mut()
        .viewports
        .entry(ViewportId::ROOT)
        .or_default()
        .events
        .push(ViewportEvent::Close);
    h.step();
    assert!(!commands(&h).contains(&ViewportCommand::CancelClose));
    assert!(!h.state().modal_open());
}

#[test]
fn save_through_dialog_round_trips_and_detects_changes_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("saved.ron");
    let dialogs = FakeDialogs::new();
    dialogs.push_save_project(&path);
    let mut h = harness_with(sample_project(), None, &dialogs);
    h.run();
    tag_phrase(&mut h, "Russian armed forces");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert_eq!(dialogs.asked().len(), 1);
    let loaded = project_file::load(&path).expect("saved file loads");
    assert_eq!(&loaded.project, h.state().project());
    assert!(!h.state().history().is_dirty());
    assert_eq!(h.state().path(), Some(path.as_path()));
    assert!(h.state().prefs().recent.contains(&path));
    h.get_by_label("Saved");

    // Saving again goes to the same file without asking.
    h.key_press(Key::Num2);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert_eq!(dialogs.asked().len(), 1);
    assert_eq!(
        &project_file::load(&path).expect("loads").project,
        h.state().project()
    );

    // Another program changes the file: saving asks before overwriting.
    std::fs::write(&path, "changed elsewhere").expect("write");
    h.key_press(Key::Num2);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(h.state().modal_open());
    h.get_by_label("The file changed on disk");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "changed elsewhere"
    );
    h.get_by_label("Overwrite").click();
    h.run();
    assert_eq!(
        &project_file::load(&path).expect("loads").project,
        h.state().project()
    );
    assert!(!h.state().history().is_dirty());
}

#[test]
fn a_broken_file_shows_the_error_and_keeps_the_project() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.ron");
    std::fs::write(
        &path,
        "Project(\n  format: 1,\n  name: \"x\",\n  codebook: oops\n)",
    )
    .expect("write");
    let expected = project_file::load(&path).expect_err("broken").to_string();
    let dialogs = FakeDialogs::new();
    dialogs.push_open_project(&path);
    let p = sample_project();
    let mut h = harness_with(p.clone(), None, &dialogs);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run();
    assert_eq!(dialogs.asked(), vec!["open_project".to_string()]);
    assert!(h.state().modal_open());
    h.get_by_label("Could not open the project");
    h.get_by_label(&expected);
    assert_eq!(h.state().project(), &p);
    h.get_by_label("OK").click();
    h.run();
    assert!(!h.state().modal_open());
    assert_eq!(h.state().project(), &p);
}

#[test]
fn import_text_adds_a_document_as_one_undo_step() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("notes.md");
    std::fs::write(&path, "\u{feff}Второй текст\r\nwith café and ñ\r\n").expect("write");
    let dialogs = FakeDialogs::new();
    dialogs.push_open_text(&path);
    let p = sample_project();
    let mut h = harness_with(p.clone(), None, &dialogs);
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Import text").click();
    h.run();
    let app = h.state();
    assert_eq!(app.project().documents.len(), 2);
    let doc = &app.project().documents[1];
    assert_eq!(doc.text, "Второй текст\nwith café and ñ\n");
    assert_eq!(app.current_doc(), Some(&doc.id));
    // Two documents: the list shows both titles.
    h.get_by_label("notes");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().project(), &p);
    assert_eq!(h.state().current_doc(), Some(&p.documents[0].id));
}

#[test]
fn title_shows_the_dirty_marker() {
    let mut h = harness(sample_project());
    h.run();
    assert!(!h.state().title().contains('●'));
    tag_phrase(&mut h, "Russian armed forces");
    assert!(h.state().title().ends_with(" ●"));
    let _ = By::new();
}

#[test]
fn enter_focuses_the_note_of_the_selected_annotation() {
    let p = sample_project();
    let a = p
        .annotations
        .iter()
        .find(|a| a.note.is_empty())
        .expect("an annotation without a note")
        .clone();
    let mut h = harness(p);
    h.state_mut().select_annotation(Some(a.id.clone()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.event(egui::Event::Text("typed after Enter".into()));
    h.run();
    h.key_press(Key::Escape);
    h.run();
    let note = &h.state().project().annotation(&a.id).expect("exists").note;
    assert_eq!(note, "typed after Enter");
}

#[test]
fn fifty_thousand_annotations_draw_only_visible_rows() {
    use marginalia::model::{Annotation, DocId, Document, Timestamp};
    let line = "Миллер says “sanctions — work”; café noir.\n";
    let text: String = line.repeat(300);
    let chars: Vec<char> = text.chars().collect();
    let doc = Document::import(DocId::new("doc-big"), "Big", None, &text);
    let mut p = sample_project();
    p.documents = vec![doc];
    p.turns.clear();
    p.relations.clear();
    let tag = tag_with_key(&p, 1);
    let n = 50_000;
    p.annotations = (0..n)
        .map(|i| {
            let start = (i * 7) % (chars.len() - 30);
            let end = start + 1 + i % 25;
            let now = Timestamp("2026-11-27T09:00:00Z".into());
            Box::new(Annotation {
                id: AnnotationId::new(format!("ann-{i:06}")),
                doc: DocId::new("doc-big"),
                start,
                end,
                quote: chars[start..end].iter().collect(),
                prefix: String::new(),
                suffix: String::new(),
                tags: vec![tag.clone()],
                speaker: None,
                note: String::new(),
                annotator: "bulk".into(),
                created: now.clone(),
                modified: now,
            })
        })
        .collect();
    p.sort_annotations();
    let first = p.annotations[0].clone();
    let mut h = harness(p);
    h.run();
    let rows = h.get_all_by_role(egui::Role::ListBoxOption).count();
    assert!(rows > 5 && rows < 200, "{rows} rows drawn");
    h.get_by_label_contains(&format!("{n} annotations here"));
    h.get_all_by_label(&row_label(&first.quote))
        .next()
        .expect("first row shown")
        .click();
    h.run();
    assert!(h.state().selected().is_some());
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_file(h: &mut Harness<'_, MarginaliaApp>, path: &std::path::Path) {
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path.to_path_buf())));
    h.run();
}

#[test]
fn dropping_a_text_imports_it_and_dropping_a_project_asks_to_save_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = dir.path().join("dropped.txt");
    std::fs::write(&text, "Toft: “Putin is invading” — NBSP\u{a0}here.\n").expect("write");
    let other = dir.path().join("other.ron");
    let mut other_project = Project::new("Other project");
    other_project.documents = sample_project().documents;
    project_file::save_over(&other, &other_project).expect("save");

    let p = sample_project();
    let mut h = harness(p.clone());
    h.run();
    drop_file(&mut h, &text);
    assert_eq!(h.state().project().documents.len(), 2);
    assert_eq!(h.state().project().documents[1].title, "dropped");
    assert!(h.state().history().is_dirty());

    // Dirty: dropping a project asks first; Discard opens it.
    drop_file(&mut h, &other);
    assert!(h.state().modal_open());
    assert_eq!(h.state().project().documents.len(), 2);
    h.get_by_label("Discard").click();
    h.run();
    assert_eq!(h.state().project(), &other_project);
    assert_eq!(h.state().path(), Some(other.as_path()));
    assert!(!h.state().history().is_dirty());
}

#[test]
fn speakers_add_rename_with_aliases_and_delete() {
    let p = sample_project();
    let mut h = harness(p.clone());
    h.run();
    h.get_by_label("+ Add").click();
    h.run();
    let added = h
        .state()
        .project()
        .speakers
        .last()
        .expect("speaker")
        .clone();
    assert_eq!(h.state().project().speakers.len(), p.speakers.len() + 1);
    h.get_by_label("Aliases").focus();
    h.run();
    h.get_by_label("Aliases").type_text("Смирнов,  Dr. S ,");
    h.key_press(Key::Enter);
    h.run();
    let s = h
        .state()
        .project()
        .speaker(&added.id)
        .expect("speaker")
        .clone();
    assert_eq!(s.aliases, vec!["Смирнов".to_string(), "Dr. S".to_string()]);
    h.get_by_label("Delete speaker").click();
    h.run();
    assert!(h.state().project().speaker(&added.id).is_none());
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    }
    h.run();
    assert_eq!(h.state().project(), &p);
}

#[derive(Default)]
struct MemStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.into(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn preferences_and_recent_projects_persist_but_not_the_project() {
    use eframe::App as _;
    use marginalia::ui::prefs::Prefs;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("p.ron");
    project_file::save_over(&path, &sample_project()).expect("save");
    let mut app = MarginaliaApp::new(
        sample_project(),
        Some(path.clone()),
        Box::new(FakeDialogs::new()),
    );
    app.prefs_mut().annotator = "Ада".into();
    let mut storage = MemStorage::default();
    app.save(&mut storage);
    let prefs = Prefs::load(Some(&storage));
    assert_eq!(prefs.annotator, "Ада");
    assert_eq!(prefs.recent, vec![path]);
    assert!(
        storage.0.values().all(|v| !v.contains("Putin")),
        "the project is never stored"
    );
}

#[test]
fn a_selection_inside_a_grapheme_is_widened_to_whole_characters() {
    use marginalia::model::{DocId, Document};
    let mut p = sample_project();
    // "e" + combining acute: selecting only the "e" must take the accent too.
    p.documents = vec![Document::import(
        DocId::new("doc-accents"),
        "Accents",
        None,
        "Cafe\u{301} noir — Миллер.\n",
    )];
    p.annotations.clear();
    p.relations.clear();
    p.turns.clear();
    let mut h = harness(p.clone());
    h.run();
    h.state_mut().text_view_mut().set_selection(0..4);
    h.run();
    h.key_press(Key::Num1);
    h.run();
    let a = &h.state().project().annotations[0];
    assert_eq!(a.range(), 0..5);
    assert_eq!(a.quote, "Cafe\u{301}");
}

#[test]
fn jumping_to_the_last_annotation_of_a_large_project_lands_in_one_frame() {
    use marginalia::bench::generate::{GenConfig, generate};
    let p = generate(&GenConfig {
        seed: 11,
        doc_bytes: 1_000_000,
        annotations: 10_000,
        vocabulary: Default::default(),
    });
    let last = p.annotations.last().expect("annotations").clone();
    let mut h = book_harness(p);
    h.run();
    let before = h.state_mut().text_view_mut().viewport_rect();
    assert!(
        h.state_mut()
            .text_view_mut()
            .char_range_rect(last.range())
            .is_none_or(|r| !before.intersects(r)),
        "the last annotation starts off screen"
    );
    // What a click on its row in the list does, then exactly one frame.
    h.state_mut().reveal_annotation(last.id.clone());
    h.step();
    assert_eq!(h.state().selected(), Some(&last.id));
    let view = h.state_mut().text_view_mut();
    assert_eq!(
        view.debug_stats().jumps_ahead,
        1,
        "the page was laid out on the jump thread while the panels were drawn"
    );
    assert_eq!(view.debug_stats().frame_layouts, 0);
    let viewport = view.viewport_rect();
    let rect = view
        .char_range_rect(last.start..last.start + 1)
        .expect("the target is laid out after one frame");
    // On screen (the last line of the text may touch the bottom edge).
    let shown = viewport.intersect(rect);
    assert!(
        viewport.contains(rect.center()) && shown.height() >= rect.height() * 0.9,
        "{rect:?} not in {viewport:?}"
    );
    // The list scrolled to its row too.
    h.run();
    assert!(
        h.get_all_by_label(&row_label(&last.quote)).next().is_some(),
        "the row of the last annotation is shown"
    );
    let view = h.state_mut().text_view_mut();
    let rect = view
        .char_range_rect(last.start..last.start + 1)
        .expect("still laid out");
    assert!(view.viewport_rect().contains(rect.center()));

    // The text is cut into numbered words on a thread; once they are
    // there, pages are looked up by number, and a jump still lands.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !h.state_mut().text_view_mut().debug_stats().doc_tokens_ready {
        assert!(std::time::Instant::now() < deadline, "never cut");
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    let middle = h.state().project().annotations[5_000].clone();
    h.state_mut().reveal_annotation(middle.id.clone());
    h.step();
    let view = h.state_mut().text_view_mut();
    let rect = view
        .char_range_rect(middle.start..middle.start + 1)
        .expect("laid out by number after one frame");
    assert!(view.viewport_rect().contains(rect.center()));
    h.run();
    assert!(
        h.get_all_by_label(&row_label(&middle.quote))
            .next()
            .is_some(),
        "the row of the middle annotation is shown"
    );
}

#[test]
fn jumps_between_a_book_and_a_short_document_land_in_one_frame() {
    use marginalia::bench::generate::{GenConfig, generate};
    use marginalia::model::{Annotation, DocId, Document, Timestamp};
    let mut p = generate(&GenConfig {
        seed: 12,
        doc_bytes: 600_000,
        annotations: 4_000,
        vocabulary: Default::default(),
    });
    let text = "A short note — one “claim” in it, and\u{a0}nothing more.\n".repeat(40);
    let short = Document::import(DocId::new("short"), "Short", None, &text);
    let target = text.chars().count() - 20;
    let a = Annotation::new(
        short.id.clone(),
        &short.text,
        target..target + 5,
        vec![],
        "test",
        Timestamp("2026-11-28T00:00:00Z".into()),
    )
    .expect("an annotation");
    let (short_id, book_ids) = (
        a.id.clone(),
        [100, 3_900].map(|i| p.annotations[i].id.clone()),
    );
    p.documents.push(short);
    p.annotations.push(Box::new(a));
    p.sort_annotations();
    let mut h = book_harness(p);
    h.run();
    let on_screen = |h: &mut Harness<'_, MarginaliaApp>, id: &AnnotationId| {
        let a = h.state().project().annotation(id).expect("there").clone();
        let view = h.state_mut().text_view_mut();
        let rect = view.char_range_rect(a.start..a.start + 1);
        rect.is_some_and(|r| view.viewport_rect().contains(r.center()))
    };
    let ahead = |h: &mut Harness<'_, MarginaliaApp>| {
        h.state_mut().text_view_mut().debug_stats().jumps_ahead
    };
    // Into the short document from the book: it is opened, not laid out
    // ahead with the book's layouts.
    let before = ahead(&mut h);
    h.state_mut().reveal_annotation(short_id.clone());
    h.step();
    assert!(on_screen(&mut h, &short_id), "landed in the short document");
    assert_eq!(ahead(&mut h), before);
    // Back into the book: opened again, then its next jump goes through the
    // thread; both land in one frame.
    h.state_mut().reveal_annotation(book_ids[0].clone());
    h.step();
    assert!(on_screen(&mut h, &book_ids[0]), "back in the book");
    assert_eq!(ahead(&mut h), before);
    h.run();
    h.state_mut().reveal_annotation(book_ids[1].clone());
    h.step();
    assert!(on_screen(&mut h, &book_ids[1]), "far down the book");
    assert_eq!(ahead(&mut h), before + 1, "laid out on the jump thread");
}

#[test]
fn typing_in_the_filter_box_lists_the_matching_annotations() {
    let p = sample_project();
    let speaker = |a: &marginalia::model::Annotation| {
        a.speaker
            .as_ref()
            .and_then(|s| p.speaker(s))
            .map(|s| s.aliases.first().unwrap_or(&s.name).clone())
            .unwrap_or_default()
    };
    let matching = |needle: &str| -> Vec<String> {
        let needle = needle.trim().to_lowercase();
        p.annotations
            .iter()
            .filter(|a| {
                format!("{} {} {}", a.quote, a.note, speaker(a))
                    .to_lowercase()
                    .contains(&needle)
            })
            .map(|a| row_label(&a.quote))
            .collect()
    };
    let mut h = harness(p.clone());
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    // Typed a char at a time (each key narrows what the last one found),
    // then a char deleted (which widens it again).
    let mut typed = String::new();
    for c in "russia".chars() {
        typed.push(c);
        h.event(egui::Event::Text(c.to_string()));
        h.run();
        let want = matching(&typed);
        assert!(
            !want.is_empty() && want.len() < p.annotations.len(),
            "{typed}"
        );
        h.get_by_label_contains(&format!("{} of {}", want.len(), p.annotations.len()));
        // The rows drawn (the list draws those on screen) are matches, and
        // when they all fit, every match is drawn.
        let shown: Vec<String> = h
            .get_all_by_role(egui::Role::ListBoxOption)
            .filter_map(|n| n.accesskit_node().label())
            .collect();
        assert!(!shown.is_empty(), "{typed}");
        for label in &shown {
            assert!(want.contains(label), "{typed}: {label} is no match");
        }
        if want.len() <= 10 {
            assert_eq!(shown.len(), want.len(), "{typed}");
        }
    }
    h.key_press(Key::Backspace);
    h.run();
    typed.pop();
    let want = matching(&typed);
    h.get_by_label_contains(&format!("{} of {}", want.len(), p.annotations.len()));
}

#[test]
fn a_list_row_follows_its_annotation_through_edits() {
    let mut h = harness(sample_project());
    h.run();
    let id = tag_phrase(&mut h, "Illustration of the tensions");
    let old = row_label("Illustration of the tensions");
    assert!(h.query_by_label(&old).is_some(), "the new row is listed");
    // Move the annotation to other words through the inspector: one edit of
    // one annotation, whose row must be formatted again.
    h.state_mut().select_annotation(Some(id.clone()));
    let range = range_of(h.state().project(), "Sanctions against Russia");
    h.state_mut().text_view_mut().set_selection(range);
    h.run();
    h.get_by_label("Set range to selection").click();
    h.run();
    let a = h.state().project().annotation(&id).expect("still there");
    assert_eq!(a.quote, "Sanctions against Russia");
    assert!(h.query_by_label(&old).is_none(), "the old label is gone");
    assert!(
        h.query_by_label(&row_label("Sanctions against Russia"))
            .is_some()
    );
    // Undo (not a single announced change): every row is formatted again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(
        h.query_by_label(&old).is_some(),
        "undo brings the old label back"
    );
}

/// Hovering a row of the list shows its hover text: the whole quote, its
/// tags and where it is (built only while the row is hovered).
#[test]
fn hovering_a_list_row_shows_the_quote_its_tags_and_offsets() {
    let p = sample_project();
    let a = p.annotations[0].clone();
    let tag = p.codebook.get(&a.tags[0]).expect("a tag").name.clone();
    let mut h = harness(p);
    h.run();
    let where_ = format!("Chars {}–{}", a.start, a.end);
    assert!(
        h.query_by_label_contains(&where_).is_none(),
        "no hover text before the pointer is on the row"
    );
    h.get_by_label(&row_label(&a.quote)).hover();
    // egui waits a moment with the pointer still before it shows a tooltip.
    for _ in 0..60 {
        h.step();
    }
    let tip = h.get_by_label_contains(&where_);
    // A label's text is its AccessKit value.
    let text = tip.accesskit_node().value().unwrap_or_default();
    assert!(text.starts_with(&a.quote), "{text}");
    assert!(text.contains(&format!("Tags: {tag}")), "{text}");
}

#[test]
fn hovering_a_tags_count_tells_how_many_annotations_use_it() {
    let p = sample_project();
    let tag = p.codebook.tags[0].clone();
    let n = p
        .annotations
        .iter()
        .filter(|a| a.tags.contains(&tag.id))
        .count();
    hovering_in_the_codebook_shows(
        p,
        &n.to_string(),
        &format!("{n} annotations use {}", tag.name),
    );
}

#[test]
fn hovering_a_tags_hotkey_badge_names_the_hotkey() {
    let p = sample_project();
    let key = p.codebook.tags[0]
        .key
        .expect("the sample's first tag has a key");
    hovering_in_the_codebook_shows(p, &key.to_string(), &format!("Hotkey {key}"));
}

/// Hovers the first label `label` in the codebook panel (the first with
/// that text left of x = 260) and checks that the tooltip `says` shows,
/// and did not before.
fn hovering_in_the_codebook_shows(p: Project, label: &str, says: &str) {
    let mut h = harness(p);
    h.run();
    assert!(h.query_by_label(says).is_none());
    let node = h
        .query_all_by_label(label)
        .find(|c| c.rect().max.x < 260.0)
        .unwrap_or_else(|| panic!("{label} in the codebook"));
    node.hover();
    for _ in 0..60 {
        h.step();
    }
    assert!(h.query_by_label(says).is_some(), "{says}");
}
