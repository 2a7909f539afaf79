//! Speaker management that spans several items: merging two speakers.

use crate::model::{Annotation, DocId, Edit, Project, SpeakerId};

/// One undoable edit that merges speaker `drop` into `keep`: annotations and
/// turns of `drop` move to `keep`, `drop`'s name and aliases become aliases
/// of `keep` (and its role, if `keep` has none), and `drop` is deleted.
/// Unknown speakers or `keep == drop` give an empty batch (a no-op).
pub fn merge_speakers(project: &Project, keep: &SpeakerId, drop: &SpeakerId) -> Edit {
    let (Some(k), Some(d)) = (project.speaker(keep), project.speaker(drop)) else {
        return Edit::batch("merge speakers", Vec::new());
    };
    let label = format!("merge speaker {} into {}", d.name, k.name);
    if keep == drop {
        return Edit::batch(label, Vec::new());
    }
    let mut edits = Vec::new();
    for a in project
        .annotations
        .iter()
        .filter(|a| a.speaker.as_ref() == Some(drop))
    {
        let mut b = Annotation::clone(a);
        b.speaker = Some(keep.clone());
        edits.push(Edit::UpdateAnnotation(b));
    }
    let mut docs: Vec<&DocId> = Vec::new();
    for t in project
        .turns
        .iter()
        .filter(|t| t.speaker.as_ref() == Some(drop))
    {
        if !docs.contains(&&t.doc) {
            docs.push(&t.doc);
        }
    }
    for doc in docs {
        let turns = project
            .turns_of(doc)
            .map(|t| {
                let mut t = t.clone();
                if t.speaker.as_ref() == Some(drop) {
                    t.speaker = Some(keep.clone());
                }
                t
            })
            .collect();
        edits.push(Edit::SetTurns {
            doc: doc.clone(),
            turns,
        });
    }
    let mut kept = k.clone();
    for name in std::iter::once(&d.name).chain(&d.aliases) {
        if !name.trim().is_empty() && !kept.answers_to(name) {
            kept.aliases.push(name.clone());
        }
    }
    if kept.role.is_empty() {
        kept.role = d.role.clone();
    }
    if &kept != k {
        edits.push(Edit::UpdateSpeaker(kept));
    }
    edits.push(Edit::RemoveSpeaker(drop.clone()));
    Edit::batch(label, edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::sample::sample_project;
    use crate::model::Speaker;

    #[test]
    fn merge_moves_everything_and_undoes() {
        let mut p = sample_project();
        let toft = SpeakerId::new("spk-toft");
        let mut dup = Speaker::new("M. D. Toft");
        dup.aliases.push("MDT".into());
        let dup_id = dup.id.clone();
        Edit::InsertSpeaker {
            index: usize::MAX,
            speaker: dup,
        }
        .apply(&mut p)
        .unwrap();
        // Give the duplicate some of Toft's annotations and turns.
        let anns: Vec<_> = p
            .annotations
            .iter()
            .filter(|a| a.speaker.as_ref() == Some(&toft))
            .take(3)
            .map(|a| a.id.clone())
            .collect();
        assert_eq!(anns.len(), 3);
        for a in &p.annotations.clone() {
            if anns.contains(&a.id) {
                let mut b = a.clone();
                b.speaker = Some(dup_id.clone());
                Edit::UpdateAnnotation(*b).apply(&mut p).unwrap();
            }
        }
        let t = p
            .turns
            .iter_mut()
            .find(|t| t.speaker.as_ref() == Some(&toft))
            .unwrap();
        t.speaker = Some(dup_id.clone());
        assert!(p.validate().is_empty());
        let before = p.clone();

        let inverse = merge_speakers(&p, &toft, &dup_id).apply(&mut p).unwrap();
        assert!(p.validate().is_empty(), "{:?}", p.validate());
        assert!(p.speaker(&dup_id).is_none());
        for a in &anns {
            assert_eq!(p.annotation(a).unwrap().speaker, Some(toft.clone()));
        }
        assert!(p.turns.iter().all(|t| t.speaker.as_ref() != Some(&dup_id)));
        let kept = p.speaker(&toft).unwrap();
        assert!(kept.answers_to("M. D. Toft"));
        assert!(kept.answers_to("mdt"));

        inverse.apply(&mut p).unwrap();
        assert_eq!(p, before);
    }

    #[test]
    fn merge_with_itself_or_unknown_is_a_no_op() {
        let mut p = sample_project();
        let before = p.clone();
        let toft = SpeakerId::new("spk-toft");
        for e in [
            merge_speakers(&p, &toft, &toft),
            merge_speakers(&p, &toft, &SpeakerId::new("nobody")),
        ] {
            assert!(matches!(&e, Edit::Batch { edits, .. } if edits.is_empty()));
            e.apply(&mut p).unwrap();
        }
        assert_eq!(p, before);
    }
}
