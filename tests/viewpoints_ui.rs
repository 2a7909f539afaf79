//! The viewpoint components (compare view, link panel, turns panel) hosted
//! in egui_kittest over the bundled sample project: what they show and the
//! actions they return, and that those edits apply, validate and undo.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::analysis::compare::{CompareTable, Topics};
use marginalia::io::sample::sample_project;
use marginalia::model::{AnnotationId, DocId, Edit, Project, SpeakerId, TurnKind};
use marginalia::ui::compare_view::{CompareTab, CompareView};
use marginalia::ui::link_index::LinkIndex;
use marginalia::ui::link_ui::LinkPanel;
use marginalia::ui::turns_ui::TurnsPanel;
use marginalia::ui::viewpoints::{ExportFormat, ViewpointAction, snippet};
use std::ops::Range;

fn doc() -> DocId {
    DocId::new("doc-tufts-interview")
}

/// Applies the single `Apply` edit among `actions`, checks the project stays
/// valid, undoes it and checks the project is back as before. Returns the
/// edit and the project as it was with the edit applied.
fn apply_and_undo(project: &Project, actions: &[ViewpointAction]) -> (Edit, Project) {
    let edits: Vec<&Edit> = actions
        .iter()
        .filter_map(|a| match a {
            ViewpointAction::Apply(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(edits.len(), 1, "{actions:?}");
    let edit = edits[0].clone();
    let mut p = project.clone();
    let inverse = edit.clone().apply(&mut p).expect("edit applies");
    assert!(p.validate().is_empty(), "{:?}", p.validate());
    let after = p.clone();
    inverse.apply(&mut p).expect("inverse applies");
    assert_eq!(&p, project);
    (edit, after)
}

struct CompareState {
    project: Project,
    view: CompareView,
    actions: Vec<ViewpointAction>,
}

fn compare_harness() -> Harness<'static, CompareState> {
    let state = CompareState {
        project: sample_project(),
        view: CompareView::new(),
        actions: Vec::new(),
    };
    Harness::builder()
        .with_size([1600.0, 4000.0])
        .build_ui_state(
            |ui, s: &mut CompareState| {
                let a = s.view.ui(ui, &s.project, &[], 1);
                s.actions.extend(a);
            },
            state,
        )
}

#[test]
fn compare_view_shows_question_rows_and_speaker_columns() {
    let mut h = compare_harness();
    h.run();
    let table = CompareTable::build(&sample_project(), &[], &Topics::Questions);
    assert_eq!(table.rows.len(), 5);
    for row in &table.rows {
        h.get_by_label(&row.label);
    }
    h.get_by_label("Monica Duffy Toft");
    h.get_by_label("Chris Miller");
    assert_eq!(h.state().view.table().map(|t| t.rows.len()), Some(5));
    // A contradiction badge is drawn on the popularity claims.
    assert!(
        !h.query_all_by_label_contains("<-> contradicts")
            .collect::<Vec<_>>()
            .is_empty()
    );
}

#[test]
fn clicking_a_claim_jumps_to_its_annotation() {
    let mut h = compare_harness();
    h.run();
    let table = CompareTable::build(&sample_project(), &[], &Topics::Questions);
    let claim = table
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .flat_map(|c| &c.claims)
        .next()
        .expect("the sample has claims")
        .clone();
    h.get_by_label(&snippet(&claim.quote, 140)).click();
    h.run();
    assert!(
        h.state().actions.contains(&ViewpointAction::Jump {
            doc: claim.doc.clone(),
            annotation: claim.annotation.clone(),
        }),
        "{:?}",
        h.state().actions
    );
}

#[test]
fn only_disagreements_keeps_the_popularity_row() {
    let mut h = compare_harness();
    h.run();
    let full = CompareTable::build(&sample_project(), &[], &Topics::Questions);
    let has = |r: &marginalia::analysis::compare::Row, id: &str| {
        r.cells
            .iter()
            .flat_map(|c| &c.claims)
            .any(|c| c.annotation.as_str() == id)
    };
    let popularity = full
        .rows
        .iter()
        .find(|r| has(r, "ann-toft-12") || has(r, "ann-miller-10"))
        .expect("a row holds the popularity claims")
        .label
        .clone();
    h.get_by_label("Only disagreements").click();
    h.run();
    let shown = h.state().view.table().expect("built").clone();
    assert!(!shown.rows.is_empty());
    assert!(shown.rows.iter().all(|r| r.disagreement));
    assert!(shown.rows.len() < full.rows.len());
    h.get_by_label(&popularity);
    for r in full.rows.iter().filter(|r| !r.disagreement) {
        assert!(
            h.query_by_label(&r.label).is_none(),
            "{} still shown",
            r.label
        );
    }
}

#[test]
fn summary_tab_shows_coverage_and_chart() {
    let mut h = compare_harness();
    h.run();
    h.get_by_label("Summary").click();
    h.run();
    assert_eq!(h.state().view.tab, CompareTab::Summary);
    h.get_by_label_contains("% of Toft’s answer text annotated");
    h.get_by_label_contains("% of Miller’s answer text annotated");
}

#[test]
fn export_returns_the_rendered_table() {
    let mut h = compare_harness();
    h.run();
    h.get_by_label("CSV").click();
    h.run();
    let table = CompareTable::build(&sample_project(), &[], &Topics::Questions);
    let expected = table.to_csv().expect("csv");
    let found = h.state().actions.iter().any(|a| {
        matches!(a, ViewpointAction::Export { format: ExportFormat::Csv, file_name, content }
            if file_name.ends_with(".csv") && *content == expected)
    });
    assert!(found, "{:?}", h.state().actions);
}

#[test]
fn tag_topics_switch_rebuilds_the_table() {
    let mut h = compare_harness();
    h.run();
    h.get_by_label("Tags").click();
    h.run();
    let shown = h.state().view.table().expect("built");
    assert_eq!(shown.by, "tags");
    let expected = CompareTable::build(&sample_project(), &[], &Topics::Tags { group: None });
    assert_eq!(shown.rows.len(), expected.rows.len());
    h.get_by_role_and_label(Role::ComboBox, "Tag group");
}

#[test]
fn compare_table_is_built_once_per_revision_and_options() {
    let mut h = compare_harness();
    h.run();
    h.run_steps(5);
    assert_eq!(h.state().view.builds(), 1);
    h.get_by_label("Only disagreements").click();
    h.run();
    h.run_steps(3);
    assert_eq!(h.state().view.builds(), 2);
    // A new revision (an edit elsewhere) rebuilds once more.
    let mut view = std::mem::take(&mut h.state_mut().view);
    let p = h.state().project.clone();
    let ctx = egui::Context::default();
    for revision in [1, 2, 2, 2] {
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            let _ = view.ui(ui, &p, &[], revision);
        });
        out.textures_delta.clear();
    }
    assert_eq!(view.builds(), 3);
}

struct LinkState {
    project: Project,
    links: LinkIndex,
    panel: LinkPanel,
    selected: AnnotationId,
    actions: Vec<ViewpointAction>,
}

fn link_harness(selected: &str) -> Harness<'static, LinkState> {
    let state = LinkState {
        project: sample_project(),
        links: LinkIndex::default(),
        panel: LinkPanel::new(),
        selected: AnnotationId::new(selected),
        actions: Vec::new(),
    };
    Harness::builder()
        .with_size([900.0, 1200.0])
        .build_ui_state(
            |ui, s: &mut LinkState| {
                s.links.refresh(&s.project, 1);
                let a = s
                    .panel
                    .ui(ui, &s.project, &s.links, &s.selected, "tester", 1);
                s.actions.extend(a);
            },
            state,
        )
}

#[test]
fn link_panel_lists_links_and_removes_one() {
    let mut h = link_harness("ann-toft-04");
    h.run();
    h.get_by_label_contains("agrees");
    h.get_by_label("Remove link").click();
    h.run();
    let p = sample_project();
    let (edit, after) = apply_and_undo(&p, &h.state().actions);
    assert!(matches!(&edit, Edit::RemoveRelation(id) if id.as_str() == "rel-sanctions"));
    assert!(
        after
            .relations
            .iter()
            .all(|r| r.id.as_str() != "rel-sanctions")
    );
}

#[test]
fn link_panel_picks_an_annotation_and_kind() {
    let p = sample_project();
    let from = AnnotationId::new("ann-toft-04");
    // A Miller claim not yet linked to it.
    let target =
        p.annotations
            .iter()
            .find(|a| {
                a.speaker.as_ref().map(SpeakerId::as_str) == Some("spk-miller")
                    && !p.relations.iter().any(|r| {
                        (r.from == from && r.to == a.id) || (r.to == from && r.from == a.id)
                    })
            })
            .expect("a Miller claim")
            .clone();
    let mut h = link_harness("ann-toft-04");
    h.run();
    h.get_by_label("Link to…").click();
    h.run();
    // Narrow the list by a word of the target's quote.
    let word: String = target
        .quote
        .split_whitespace()
        .max_by_key(|w| w.chars().count())
        .unwrap_or("")
        .to_owned();
    h.get_by_role_and_label(Role::TextInput, "Search:").focus();
    h.get_by_role_and_label(Role::TextInput, "Search:")
        .type_text(&word);
    h.run();
    let label = format!("Chris Miller: “{}”", snippet(&target.quote, 90));
    h.get_by_label(&label).click();
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Relation kind")
        .click();
    h.run();
    h.get_by_label("qualifies").click();
    h.run();
    h.get_by_label("Link").click();
    h.run();
    let (edit, after) = apply_and_undo(&p, &h.state().actions);
    let Edit::AddRelation(rel) = edit else {
        panic!("expected AddRelation, got {edit:?}");
    };
    assert_eq!(rel.from, from);
    assert_eq!(rel.to, target.id);
    assert_eq!(rel.kind, "qualifies");
    assert_eq!(rel.annotator, "tester");
    assert!(after.relations.iter().any(|r| r.id == rel.id));
    assert!(!h.state().panel.is_picking());
}

#[test]
fn link_panel_adds_a_relation_kind() {
    let mut h = link_harness("ann-toft-04");
    h.run();
    h.get_by_label("Relation kinds").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "New kind:")
        .focus();
    h.get_by_role_and_label(Role::TextInput, "New kind:")
        .type_text("elaborates");
    h.run();
    h.get_by_label("Add kind").click();
    h.run();
    let p = sample_project();
    let (edit, after) = apply_and_undo(&p, &h.state().actions);
    assert!(matches!(edit, Edit::SetRelationKinds(_)));
    assert!(after.relation_kinds.iter().any(|k| k == "elaborates"));
    assert_eq!(after.relation_kinds.len(), p.relation_kinds.len() + 1);
}

struct TurnsState {
    project: Project,
    panel: TurnsPanel,
    selection: Option<Range<usize>>,
    actions: Vec<ViewpointAction>,
}

fn turns_harness(selection: Option<Range<usize>>) -> Harness<'static, TurnsState> {
    let state = TurnsState {
        project: sample_project(),
        panel: TurnsPanel::new(),
        selection,
        actions: Vec::new(),
    };
    Harness::builder()
        .with_size([1000.0, 1400.0])
        .build_ui_state(
            |ui, s: &mut TurnsState| {
                let a = s.panel.ui(ui, &s.project, &doc(), s.selection.clone(), 1);
                s.actions.extend(a);
            },
            state,
        )
}

/// The first Toft answer turn among the first rows of the list.
fn first_toft_answer(p: &Project) -> (usize, Range<usize>) {
    p.turns_of(&doc())
        .enumerate()
        .find(|(_, t)| {
            t.kind == TurnKind::Answer
                && t.speaker.as_ref().map(SpeakerId::as_str) == Some("spk-toft")
        })
        .map(|(i, t)| (i, t.start..t.end))
        .expect("Toft answers in the sample")
}

#[test]
fn turns_panel_reassigns_a_turn_to_another_speaker() {
    let p = sample_project();
    let (i, range) = first_toft_answer(&p);
    let mut h = turns_harness(None);
    h.run();
    h.get_by_label(&format!("Speaker of turn {}", i + 1))
        .click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Chris Miller")
        .click();
    h.run();
    let (edit, after) = apply_and_undo(&p, &h.state().actions);
    assert!(matches!(edit, Edit::SetTurns { .. }));
    let d = doc();
    let t = after
        .turns_of(&d)
        .find(|t| t.start == range.start)
        .expect("turn kept");
    assert_eq!(t.end, range.end);
    assert_eq!(t.speaker, Some(SpeakerId::new("spk-miller")));
    assert_eq!(after.turns_of(&doc()).count(), p.turns_of(&doc()).count());
}

#[test]
fn turns_panel_reassigns_the_selection() {
    let p = sample_project();
    let (_, range) = first_toft_answer(&p);
    // A paragraph inside the turn: from its start to the first line break.
    let text = &p.document(&doc()).expect("doc").text;
    let para_len = text
        .chars()
        .skip(range.start)
        .take(range.end - range.start)
        .position(|c| c == '\n')
        .unwrap_or(range.end - range.start);
    let para = range.start..range.start + para_len;
    assert!(para.end < range.end, "the turn has more than one paragraph");
    let mut h = turns_harness(Some(para.clone()));
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Speaker").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Chris Miller")
        .click();
    h.run();
    h.get_by_label("Reassign selection").click();
    h.run();
    let (_, after) = apply_and_undo(&p, &h.state().actions);
    let turns: Vec<_> = after.turns_of(&doc()).cloned().collect();
    let t = turns
        .iter()
        .find(|t| t.start == para.start)
        .expect("new turn");
    assert_eq!(t.end, para.end);
    assert_eq!(t.speaker, Some(SpeakerId::new("spk-miller")));
    assert_eq!(t.kind, TurnKind::Answer);
    let rest = turns
        .iter()
        .find(|t| t.start == para.end)
        .expect("remainder");
    assert_eq!(rest.end, range.end);
    assert_eq!(rest.speaker, Some(SpeakerId::new("spk-toft")));
}

#[test]
fn turns_panel_splits_at_the_selection_and_detects() {
    let p = sample_project();
    let (_, range) = first_toft_answer(&p);
    let at = range.start + 5;
    let mut h = turns_harness(Some(at..at + 3));
    h.run();
    h.get_by_label("Split at selection").click();
    h.run();
    let (_, after) = apply_and_undo(&p, &h.state().actions);
    assert_eq!(
        after.turns_of(&doc()).count(),
        p.turns_of(&doc()).count() + 1
    );
    assert!(after.turns_of(&doc()).any(|t| t.start == at));

    h.state_mut().actions.clear();
    h.get_by_label("Detect speakers").click();
    h.run();
    let (edit, after) = apply_and_undo(&p, &h.state().actions);
    assert!(matches!(edit, Edit::Batch { .. }));
    assert!(after.turns_of(&doc()).count() > 0);
}

#[test]
fn turns_panel_merges_speakers() {
    let p = sample_project();
    let mut h = turns_harness(None);
    h.run();
    // The third speaker (the interviewer) merged into Toft, just to exercise it.
    let menus: Vec<_> = h.get_all_by_label("Merge into…").collect();
    assert_eq!(menus.len(), p.speakers.len());
    menus[2].click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Monica Duffy Toft")
        .click();
    h.run();
    let (_, after) = apply_and_undo(&p, &h.state().actions);
    assert!(after.speaker(&SpeakerId::new("spk-tufts-now")).is_none());
    assert!(
        after
            .speaker(&SpeakerId::new("spk-toft"))
            .expect("kept")
            .answers_to("Tufts Now")
    );
}
