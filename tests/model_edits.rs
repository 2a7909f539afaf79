//! Edits and history on the sample project: every edit's inverse restores the
//! project exactly, refused edits change nothing, and the dirty flag follows
//! undo/redo back to the saved state.

use marginalia::io::sample::{find_quote, sample_project};
use marginalia::model::{
    Annotation, AnnotationId, Color, DocId, Document, Edit, EditError, History, Project, Relation,
    RelationId, Speaker, Tag, TagId, Timestamp, Turn, TurnKind,
};
use proptest::prelude::*;

fn stamp() -> Timestamp {
    Timestamp("2026-11-27T10:00:00Z".into())
}

fn new_annotation(p: &Project, range: std::ops::Range<usize>, tag: &str) -> Annotation {
    let doc = &p.documents[0];
    Annotation::new(
        doc.id.clone(),
        &doc.text,
        range,
        vec![TagId::new(tag)],
        "tester",
        stamp(),
    )
    .expect("range inside the seed")
}

#[test]
fn add_then_undo_redo_restores_exact_states_and_dirty_flag() {
    let mut p = sample_project();
    let original = p.clone();
    let mut h = History::new_saved();
    assert!(!h.is_dirty());
    let r = find_quote(&p.documents[0].text, "Finlandization", 0).unwrap();
    let a = new_annotation(&p, r.clone(), "tag-claim");
    h.apply(&mut p, Edit::AddAnnotation(a.clone())).unwrap();
    assert!(h.is_dirty());
    let after = p.clone();
    assert_eq!(p.annotation(&a.id).unwrap().quote, "Finlandization");
    assert!(h.undo(&mut p).unwrap());
    assert_eq!(p, original);
    assert!(!h.is_dirty(), "undo back to the saved state is clean");
    assert!(h.redo(&mut p).unwrap());
    assert_eq!(p, after);
    assert!(h.is_dirty());
    h.mark_saved();
    assert!(!h.is_dirty());
    assert!(!h.redo(&mut p).unwrap(), "nothing to redo");
}

#[test]
fn annotations_stay_sorted_after_edits() {
    let mut p = sample_project();
    let mut h = History::new_saved();
    let a = new_annotation(&p, 0..5, "tag-claim");
    h.apply(&mut p, Edit::AddAnnotation(a.clone())).unwrap();
    assert_eq!(p.annotations[0].id, a.id);
    let mut moved = a.clone();
    let len = p.documents[0].char_len();
    assert!(moved.set_range(&p.documents[0].text, len - 3..len));
    h.apply(&mut p, Edit::UpdateAnnotation(moved.clone()))
        .unwrap();
    assert_eq!(p.annotations.last().unwrap().id, a.id);
    assert!(p.annotations.windows(2).all(|w| w[0].start <= w[1].start));
}

/// Annotations added to two documents in turn, at scattered places, land
/// where sorting the whole list puts them: by document, then start, end, id.
#[test]
fn annotations_added_to_two_documents_land_in_sorted_order() {
    let mut p = sample_project();
    let second = Document::import(
        DocId::new("doc-second"),
        "Second",
        None,
        "A second text, “quoted” — with a non\u{a0}breaking space and more words to tag.",
    );
    // The second document comes first in the project: its annotations sort
    // before the sample's.
    p.documents.insert(0, second);
    let mut h = History::new_saved();
    for k in 0..40usize {
        let d = k % 2;
        let doc = &p.documents[d];
        let len = doc.char_len();
        let start = (k * 7919) % (len - 6);
        let a = Annotation::new(
            doc.id.clone(),
            &doc.text,
            start..start + 1 + k % 5,
            vec![TagId::new("tag-claim")],
            "tester",
            stamp(),
        )
        .expect("range inside the text");
        h.apply(&mut p, Edit::AddAnnotation(a)).unwrap();
        let mut sorted = p.clone();
        sorted.sort_annotations();
        let ids = |p: &Project| {
            p.annotations
                .iter()
                .map(|a| a.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&p), ids(&sorted), "after {} additions", k + 1);
    }
    assert!(p.annotations[0].doc == DocId::new("doc-second"));
}

#[test]
fn refused_edits_change_nothing() {
    let mut p = sample_project();
    let before = p.clone();
    let mut h = History::new_saved();
    // Quote that does not match the text.
    let mut a = new_annotation(&p, 10..20, "tag-claim");
    a.quote = "not the text".into();
    assert!(matches!(
        h.apply(&mut p, Edit::AddAnnotation(a)),
        Err(EditError::Invalid(_))
    ));
    // Unknown tag.
    let b = new_annotation(&p, 10..20, "tag-nope");
    assert!(matches!(
        h.apply(&mut p, Edit::AddAnnotation(b)),
        Err(EditError::Missing { .. })
    ));
    // A tag still in use cannot be removed on its own.
    assert!(
        h.apply(&mut p, Edit::RemoveTag(TagId::new("tag-claim")))
            .is_err()
    );
    // A batch that fails half-way is rolled back.
    let ok = new_annotation(&p, 30..40, "tag-claim");
    let bad = Edit::RemoveAnnotation(AnnotationId::new("ann-missing"));
    assert!(
        h.apply(
            &mut p,
            Edit::batch("two", vec![Edit::AddAnnotation(ok), bad])
        )
        .is_err()
    );
    // A hotkey already in use.
    let mut t = Tag::new("Extra", Color::palette(3));
    t.key = Some(1);
    assert!(
        h.apply(&mut p, Edit::InsertTag { index: 0, tag: t })
            .is_err()
    );
    // Nesting a tag under its own child.
    let mut claim = p.codebook.get(&TagId::new("tag-claim")).unwrap().clone();
    claim.parent = Some(TagId::new("tag-cause"));
    assert!(h.apply(&mut p, Edit::UpdateTag(claim)).is_err());
    assert_eq!(p, before);
    assert!(!h.can_undo());
}

#[test]
fn delete_tag_reassigns_or_deletes_as_one_step() {
    let mut p = sample_project();
    let before = p.clone();
    let mut h = History::new_saved();
    let claim = TagId::new("tag-claim");
    let users = p
        .annotations
        .iter()
        .filter(|a| a.tags.contains(&claim))
        .count();
    assert!(users > 0);
    // Reassign to Evidence; children move up to the top level.
    let e = Edit::delete_tag(&p, &claim, Some(&TagId::new("tag-evidence")), false);
    h.apply(&mut p, e).unwrap();
    assert!(p.codebook.get(&claim).is_none());
    assert!(
        p.codebook
            .get(&TagId::new("tag-cause"))
            .unwrap()
            .parent
            .is_none()
    );
    assert_eq!(p.validate(), vec![]);
    assert!(p.annotations.iter().all(|a| !a.tags.contains(&claim)));
    assert_eq!(h.undo_label(), Some("delete tag Claim"));
    h.undo(&mut p).unwrap();
    assert_eq!(p, before);
    // Delete annotations left untagged (and their links).
    let e = Edit::delete_tag(&p, &TagId::new("tag-evaluation"), None, true);
    h.apply(&mut p, e).unwrap();
    assert_eq!(p.validate(), vec![]);
    assert!(p.annotations.len() < before.annotations.len());
    h.undo(&mut p).unwrap();
    assert_eq!(p, before);
}

#[test]
fn deleting_a_tag_deletes_two_linked_annotations_and_their_link_once() {
    let mut p = sample_project();
    let mut h = History::new_saved();
    let tag = Tag::new("Passing", Color::palette(3));
    let (tag_id, parent) = (tag.id.clone(), tag.clone());
    let index = p.codebook.tags.len();
    h.apply(&mut p, Edit::InsertTag { index, tag }).unwrap();
    // A child of the tag moves up when it goes.
    let mut child = Tag::new("Passing detail", Color::palette(4));
    child.parent = Some(parent.id.clone());
    let child_id = child.id.clone();
    let index = p.codebook.tags.len();
    h.apply(&mut p, Edit::InsertTag { index, tag: child })
        .unwrap();
    let a = new_annotation(&p, 10..20, tag_id.as_str());
    let b = new_annotation(&p, 30..40, tag_id.as_str());
    let (a_id, b_id) = (a.id.clone(), b.id.clone());
    h.apply(&mut p, Edit::AddAnnotation(a)).unwrap();
    h.apply(&mut p, Edit::AddAnnotation(b)).unwrap();
    let link = Relation {
        id: RelationId::generate(),
        from: a_id.clone(),
        to: b_id.clone(),
        kind: p.relation_kinds[0].clone(),
        annotator: "tester".into(),
    };
    h.apply(&mut p, Edit::AddRelation(link)).unwrap();
    let before = p.clone();
    for e in [
        Edit::delete_tag(&p, &tag_id, None, true),
        Edit::delete_tag_and_annotations(&p, &tag_id),
    ] {
        h.apply(&mut p, e).expect("the link is removed once");
        assert!(p.annotation(&a_id).is_none() && p.annotation(&b_id).is_none());
        assert_eq!(p.relations_of(&a_id).count(), 0);
        assert!(p.codebook.get(&tag_id).is_none());
        assert_eq!(
            p.codebook.get(&child_id).and_then(|t| t.parent.clone()),
            None
        );
        assert_eq!(p.validate(), vec![]);
        h.undo(&mut p).unwrap();
        assert_eq!(p, before);
    }
}

#[test]
fn deleting_a_linked_annotation_removes_its_links_and_undo_restores_them() {
    let mut p = sample_project();
    let before = p.clone();
    let mut h = History::new_saved();
    let id = AnnotationId::new("ann-miller-10");
    assert!(p.relations_of(&id).count() > 0);
    assert!(
        h.apply(&mut p, Edit::RemoveAnnotation(id.clone())).is_err(),
        "links must go first"
    );
    let e = Edit::delete_annotation(&p, &id);
    h.apply(&mut p, e).unwrap();
    assert!(p.annotation(&id).is_none());
    assert_eq!(p.relations_of(&id).count(), 0);
    assert_eq!(p.validate(), vec![]);
    h.undo(&mut p).unwrap();
    assert_eq!(p, before);
}

#[test]
fn delete_speaker_clears_references() {
    let mut p = sample_project();
    let mut h = History::new_saved();
    let toft = p.speakers[0].id.clone();
    let e = Edit::delete_speaker(&p, &toft);
    h.apply(&mut p, e).unwrap();
    assert!(p.speaker(&toft).is_none());
    assert!(
        p.annotations
            .iter()
            .all(|a| a.speaker.as_ref() != Some(&toft))
    );
    assert_eq!(p.validate(), vec![]);
}

#[test]
fn relations_need_known_kinds_and_distinct_ends() {
    let mut p = sample_project();
    let mut h = History::new_saved();
    let rel = |kind: &str, to: &str| Relation {
        id: RelationId::generate(),
        from: AnnotationId::new("ann-toft-01"),
        to: AnnotationId::new(to),
        kind: kind.into(),
        annotator: "tester".into(),
    };
    assert!(
        h.apply(&mut p, Edit::AddRelation(rel("refutes", "ann-toft-02")))
            .is_err()
    );
    assert!(
        h.apply(&mut p, Edit::AddRelation(rel("agrees", "ann-toft-01")))
            .is_err()
    );
    let kinds = ["agrees", "contradicts", "qualifies", "refutes"];
    h.apply(
        &mut p,
        Edit::SetRelationKinds(kinds.iter().map(|k| k.to_string()).collect()),
    )
    .unwrap();
    h.apply(&mut p, Edit::AddRelation(rel("refutes", "ann-toft-02")))
        .unwrap();
    assert!(
        h.apply(&mut p, Edit::SetRelationKinds(vec!["agrees".into()]))
            .is_err(),
        "a kind in use cannot be dropped"
    );
    assert_eq!(p.validate(), vec![]);
}

/// One random user action against the current project.
#[derive(Clone, Debug)]
enum Op {
    Add {
        start: usize,
        len: usize,
        tag: usize,
    },
    Remove(usize),
    Retag {
        which: usize,
        tag: usize,
    },
    Note {
        which: usize,
        text: String,
    },
    AddTag(String),
    MoveTag {
        which: usize,
        to: usize,
    },
    AddSpeaker(String),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..8000, 1usize..200, 0usize..7).prop_map(|(start, len, tag)| Op::Add {
            start,
            len,
            tag
        }),
        (0usize..100).prop_map(Op::Remove),
        (0usize..100, 0usize..7).prop_map(|(which, tag)| Op::Retag { which, tag }),
        (0usize..100, "[a-zа-я😀 \u{a0}]{0,12}").prop_map(|(which, text)| Op::Note { which, text }),
        "[A-Za-zÀ-ÿ]{1,10}".prop_map(Op::AddTag),
        (0usize..20, 0usize..20).prop_map(|(which, to)| Op::MoveTag { which, to }),
        "[A-Za-z ]{1,12}".prop_map(Op::AddSpeaker),
    ]
}

fn to_edit(p: &Project, op: &Op) -> Option<Edit> {
    let doc = &p.documents[0];
    let tag_id = |i: usize| {
        p.codebook
            .tags
            .get(i % p.codebook.tags.len().max(1))
            .map(|t| t.id.clone())
    };
    let pick =
        |i: usize| (!p.annotations.is_empty()).then(|| &p.annotations[i % p.annotations.len()]);
    match op {
        Op::Add { start, len, tag } => {
            let n = doc.char_len();
            let s = start % n;
            let e = (s + len).min(n);
            let a = Annotation::new(
                doc.id.clone(),
                &doc.text,
                s..e,
                vec![tag_id(*tag)?],
                "prop",
                stamp(),
            )?;
            Some(Edit::AddAnnotation(a))
        }
        Op::Remove(i) => Some(Edit::delete_annotation(p, &pick(*i)?.id)),
        Op::Retag { which, tag } => {
            let mut a = Annotation::clone(pick(*which)?);
            a.tags = vec![tag_id(*tag)?];
            Some(Edit::UpdateAnnotation(a))
        }
        Op::Note { which, text } => {
            let mut a = Annotation::clone(pick(*which)?);
            a.note = text.clone();
            Some(Edit::UpdateAnnotation(a))
        }
        Op::AddTag(name) => Some(Edit::InsertTag {
            index: 0,
            tag: Tag::new(name.clone(), Color::palette(name.len())),
        }),
        Op::MoveTag { which, to } => Some(Edit::MoveTag {
            id: tag_id(*which)?,
            index: *to,
        }),
        Op::AddSpeaker(name) => Some(Edit::InsertSpeaker {
            index: 0,
            speaker: Speaker::new(name.clone()),
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any sequence of edits keeps the project valid; undoing all of them
    /// gives back the original, and redoing all gives back the final state.
    #[test]
    fn undo_all_restores_original_and_redo_all_restores_final(ops in prop::collection::vec(op(), 1..25)) {
        let mut p = sample_project();
        let original = p.clone();
        let mut h = History::new_saved();
        let mut applied = 0;
        for op in &ops {
            if let Some(e) = to_edit(&p, op)
                && h.apply(&mut p, e).is_ok()
            {
                applied += 1;
            }
            prop_assert_eq!(p.validate(), vec![]);
        }
        let last = p.clone();
        for _ in 0..applied {
            prop_assert!(h.undo(&mut p).unwrap());
        }
        prop_assert_eq!(&p, &original);
        prop_assert!(!h.is_dirty());
        for _ in 0..applied {
            prop_assert!(h.redo(&mut p).unwrap());
        }
        prop_assert_eq!(&p, &last);
        for a in &p.annotations {
            let doc = p.document(&a.doc).unwrap();
            prop_assert_eq!(marginalia::model::text::slice_chars(&doc.text, a.range()), Some(a.quote.as_str()));
        }
    }
}

/// The turn holding a char, found the slow way.
fn turn_by_scan(p: &Project, doc: &DocId, c: usize) -> Option<Turn> {
    p.turns_of(doc).find(|t| t.start <= c && c < t.end).cloned()
}

#[test]
fn turn_at_finds_the_turn_a_scan_finds_in_every_document_after_edits() {
    let mut p = sample_project();
    let mut h = History::new_saved();
    let first = p.documents[0].id.clone();
    assert!(p.turns_of(&first).count() > 10, "the sample has turns");
    // A second document put before the first, then given turns with gaps:
    // its turns are appended by the edit and must still be found.
    let doc = Document::import(
        DocId::new("second"),
        "Second",
        None,
        "Q: Is it so?\n\nA: “Yes — it is,” says Toft.\u{a0}Then nothing.\n",
    );
    let second = doc.id.clone();
    let len = doc.char_len();
    h.apply(
        &mut p,
        Edit::InsertDocument {
            index: 0,
            document: Box::new(doc),
        },
    )
    .unwrap();
    let turns = vec![
        Turn {
            doc: second.clone(),
            start: 0,
            end: 12,
            speaker: None,
            kind: TurnKind::Question,
        },
        Turn {
            doc: second.clone(),
            start: 14,
            end: len - 3,
            speaker: p.speakers.first().map(|s| s.id.clone()),
            kind: TurnKind::Answer,
        },
    ];
    h.apply(
        &mut p,
        Edit::SetTurns {
            doc: second.clone(),
            turns,
        },
    )
    .unwrap();
    for (doc, n) in [(&first, p.documents[1].char_len()), (&second, len)] {
        for c in 0..=n + 1 {
            assert_eq!(
                p.turn_at(doc, c).cloned(),
                turn_by_scan(&p, doc, c),
                "{doc} {c}"
            );
        }
    }
    assert_eq!(p.turn_at(&second, 13), None, "the gap between turns");
    assert_eq!(p.turn_at(&DocId::new("missing"), 0), None);
    // Undoing puts the old turns back; they are still found.
    h.undo(&mut p).unwrap();
    assert_eq!(p.turn_at(&second, 0), None);
    let c = p.turns_of(&first).nth(5).map(|t| t.start).unwrap();
    assert_eq!(p.turn_at(&first, c).cloned(), turn_by_scan(&p, &first, c));
}
