//! Edits: the one way a project changes.
//!
//! An [`Edit`] is plain data. [`Edit::apply`] checks it against the project,
//! changes the project, and returns the inverse edit computed against the
//! state before — so undo is "apply the inverse" and needs no snapshot of
//! the project. A user gesture that changes several things (delete a tag and
//! strip it from its annotations, import a file) is one [`Edit::Batch`], so
//! it is one undo step. An edit that would break an invariant of
//! [`crate::model::Project`] is refused with an [`EditError`] and changes
//! nothing (a batch that fails half-way is rolled back).

use super::annotation::{Annotation, Relation};
use super::codebook::Tag;
use super::document::Document;
use super::ids::{AnnotationId, DocId, RelationId, SpeakerId, TagId};
use super::project::Project;
use super::speakers::{Speaker, Turn};
use thiserror::Error;

/// Why an edit was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum EditError {
    /// The edit names something that does not exist.
    #[error("{kind} `{id}` does not exist")]
    Missing {
        /// What kind of thing.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// The edit adds something whose id is taken.
    #[error("{kind} `{id}` already exists")]
    Duplicate {
        /// What kind of thing.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// The edit would leave the project inconsistent.
    #[error("{0}")]
    Invalid(String),
}

fn missing(kind: &'static str, id: impl ToString) -> EditError {
    EditError::Missing {
        kind,
        id: id.to_string(),
    }
}

fn duplicate(kind: &'static str, id: impl ToString) -> EditError {
    EditError::Duplicate {
        kind,
        id: id.to_string(),
    }
}

/// A change to a project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Adds an annotation (kept in sorted position).
    AddAnnotation(Annotation),
    /// Removes an annotation; refused while relations still point at it.
    RemoveAnnotation(AnnotationId),
    /// Replaces the annotation with the same id.
    UpdateAnnotation(Annotation),
    /// Inserts a tag at a position of the codebook.
    InsertTag {
        /// Position in display order (clamped).
        index: usize,
        /// The tag.
        tag: Tag,
    },
    /// Removes a tag; refused while annotations or child tags use it.
    RemoveTag(TagId),
    /// Replaces the tag with the same id.
    UpdateTag(Tag),
    /// Moves a tag to another position in display order.
    MoveTag {
        /// The tag.
        id: TagId,
        /// New position (clamped).
        index: usize,
    },
    /// Inserts a speaker.
    InsertSpeaker {
        /// Position (clamped).
        index: usize,
        /// The speaker.
        speaker: Speaker,
    },
    /// Removes a speaker; refused while annotations or turns name it.
    RemoveSpeaker(SpeakerId),
    /// Replaces the speaker with the same id.
    UpdateSpeaker(Speaker),
    /// Inserts a document.
    InsertDocument {
        /// Position (clamped).
        index: usize,
        /// The document.
        document: Box<Document>,
    },
    /// Removes a document; refused while annotations or turns use it.
    RemoveDocument(DocId),
    /// Adds a relation.
    AddRelation(Relation),
    /// Removes a relation.
    RemoveRelation(RelationId),
    /// Replaces all turns of a document.
    SetTurns {
        /// The document.
        doc: DocId,
        /// Its new turns, sorted and disjoint.
        turns: Vec<Turn>,
    },
    /// Replaces the list of relation kinds.
    SetRelationKinds(Vec<String>),
    /// Replaces the list of annotators.
    SetAnnotators(Vec<String>),
    /// Renames the project.
    Rename(String),
    /// Several edits as one undo step.
    Batch {
        /// What the user did, for the Undo menu ("Delete tag Claim").
        label: String,
        /// The edits, applied in order.
        edits: Vec<Edit>,
    },
}

impl Edit {
    /// Wraps edits as one undo step.
    pub fn batch(label: impl Into<String>, edits: Vec<Edit>) -> Self {
        Edit::Batch {
            label: label.into(),
            edits,
        }
    }

    /// A short description for the Undo/Redo menu items.
    pub fn label(&self) -> String {
        match self {
            Edit::AddAnnotation(_) => "add annotation".into(),
            Edit::RemoveAnnotation(_) => "delete annotation".into(),
            Edit::UpdateAnnotation(_) => "edit annotation".into(),
            Edit::InsertTag { tag, .. } => format!("add tag {}", tag.name),
            Edit::RemoveTag(_) => "delete tag".into(),
            Edit::UpdateTag(t) => format!("edit tag {}", t.name),
            Edit::MoveTag { .. } => "move tag".into(),
            Edit::InsertSpeaker { speaker, .. } => format!("add speaker {}", speaker.name),
            Edit::RemoveSpeaker(_) => "delete speaker".into(),
            Edit::UpdateSpeaker(s) => format!("edit speaker {}", s.name),
            Edit::InsertDocument { document, .. } => format!("add document {}", document.title),
            Edit::RemoveDocument(_) => "remove document".into(),
            Edit::AddRelation(r) => format!("link ({})", r.kind),
            Edit::RemoveRelation(_) => "remove link".into(),
            Edit::SetTurns { .. } => "change speaker turns".into(),
            Edit::SetRelationKinds(_) => "change relation kinds".into(),
            Edit::SetAnnotators(_) => "change annotators".into(),
            Edit::Rename(_) => "rename project".into(),
            Edit::Batch { label, .. } => label.clone(),
        }
    }

    /// Applies the edit; returns its inverse. On error the project is unchanged.
    pub fn apply(self, p: &mut Project) -> Result<Edit, EditError> {
        match self {
            Edit::AddAnnotation(a) => {
                if p.annotation_index(&a.id).is_some() {
                    return Err(duplicate("annotation", &a.id));
                }
                check_annotation(p, &a)?;
                let id = a.id.clone();
                let i = p.insertion_index(&a);
                let complete = p.annotation_ids.is_complete_for(&p.annotations);
                p.annotations.insert(i, Box::new(a));
                p.annotation_ids.inserted(&p.annotations, &id, i, complete);
                Ok(Edit::RemoveAnnotation(id))
            }
            Edit::RemoveAnnotation(id) => {
                let i = p
                    .annotation_index(&id)
                    .ok_or_else(|| missing("annotation", &id))?;
                if p.relations_of(&id).next().is_some() {
                    return Err(EditError::Invalid(format!(
                        "annotation `{id}` is still linked; remove its links first"
                    )));
                }
                let complete = p.annotation_ids.is_complete_for(&p.annotations);
                let gone = p.annotations.remove(i);
                p.annotation_ids.removed(&p.annotations, &id, i, complete);
                Ok(Edit::AddAnnotation(*gone))
            }
            Edit::UpdateAnnotation(a) => {
                let i = p
                    .annotation_index(&a.id)
                    .ok_or_else(|| missing("annotation", &a.id))?;
                check_annotation(p, &a)?;
                let complete = p.annotation_ids.is_complete_for(&p.annotations);
                let old = p.annotations.remove(i);
                p.annotation_ids
                    .removed(&p.annotations, &old.id, i, complete);
                let j = p.insertion_index(&a);
                let id = a.id.clone();
                let complete = p.annotation_ids.is_complete_for(&p.annotations);
                p.annotations.insert(j, Box::new(a));
                p.annotation_ids.inserted(&p.annotations, &id, j, complete);
                Ok(Edit::UpdateAnnotation(*old))
            }
            Edit::InsertTag { index, tag } => {
                if p.codebook.get(&tag.id).is_some() {
                    return Err(duplicate("tag", &tag.id));
                }
                check_tag(p, &tag)?;
                let id = tag.id.clone();
                let index = index.min(p.codebook.tags.len());
                p.codebook.tags.insert(index, tag);
                Ok(Edit::RemoveTag(id))
            }
            Edit::RemoveTag(id) => {
                let i = p
                    .codebook
                    .index_of(&id)
                    .ok_or_else(|| missing("tag", &id))?;
                if p.annotations.iter().any(|a| a.tags.contains(&id)) {
                    return Err(EditError::Invalid(format!(
                        "tag `{id}` is still used by annotations"
                    )));
                }
                if p.codebook
                    .tags
                    .iter()
                    .any(|t| t.parent.as_ref() == Some(&id))
                {
                    return Err(EditError::Invalid(format!(
                        "tag `{id}` still has child tags"
                    )));
                }
                let tag = p.codebook.tags.remove(i);
                Ok(Edit::InsertTag { index: i, tag })
            }
            Edit::UpdateTag(tag) => {
                let i = p
                    .codebook
                    .index_of(&tag.id)
                    .ok_or_else(|| missing("tag", &tag.id))?;
                check_tag(p, &tag)?;
                let old = std::mem::replace(&mut p.codebook.tags[i], tag);
                Ok(Edit::UpdateTag(old))
            }
            Edit::MoveTag { id, index } => {
                let i = p
                    .codebook
                    .index_of(&id)
                    .ok_or_else(|| missing("tag", &id))?;
                let tag = p.codebook.tags.remove(i);
                let index = index.min(p.codebook.tags.len());
                p.codebook.tags.insert(index, tag);
                Ok(Edit::MoveTag { id, index: i })
            }
            Edit::InsertSpeaker { index, speaker } => {
                if p.speaker(&speaker.id).is_some() {
                    return Err(duplicate("speaker", &speaker.id));
                }
                let id = speaker.id.clone();
                let index = index.min(p.speakers.len());
                p.speakers.insert(index, speaker);
                Ok(Edit::RemoveSpeaker(id))
            }
            Edit::RemoveSpeaker(id) => {
                let i = p
                    .speakers
                    .iter()
                    .position(|s| s.id == id)
                    .ok_or_else(|| missing("speaker", &id))?;
                if p.annotations
                    .iter()
                    .any(|a| a.speaker.as_ref() == Some(&id))
                    || p.turns.iter().any(|t| t.speaker.as_ref() == Some(&id))
                {
                    return Err(EditError::Invalid(format!(
                        "speaker `{id}` is still named by annotations or turns"
                    )));
                }
                let speaker = p.speakers.remove(i);
                Ok(Edit::InsertSpeaker { index: i, speaker })
            }
            Edit::UpdateSpeaker(s) => {
                let i = p
                    .speakers
                    .iter()
                    .position(|x| x.id == s.id)
                    .ok_or_else(|| missing("speaker", &s.id))?;
                let old = std::mem::replace(&mut p.speakers[i], s);
                Ok(Edit::UpdateSpeaker(old))
            }
            Edit::InsertDocument { index, document } => {
                if p.document(&document.id).is_some() {
                    return Err(duplicate("document", &document.id));
                }
                let id = document.id.clone();
                let index = index.min(p.documents.len());
                p.documents.insert(index, *document);
                p.sort_annotations();
                Ok(Edit::RemoveDocument(id))
            }
            Edit::RemoveDocument(id) => {
                let i = p
                    .document_index(&id)
                    .ok_or_else(|| missing("document", &id))?;
                if p.annotations.iter().any(|a| a.doc == id) || p.turns.iter().any(|t| t.doc == id)
                {
                    return Err(EditError::Invalid(format!(
                        "document `{id}` still has annotations or turns"
                    )));
                }
                let document = Box::new(p.documents.remove(i));
                p.sort_annotations();
                Ok(Edit::InsertDocument { index: i, document })
            }
            Edit::AddRelation(r) => {
                if p.relations.iter().any(|x| x.id == r.id) {
                    return Err(duplicate("relation", &r.id));
                }
                for end in [&r.from, &r.to] {
                    if p.annotation_index(end).is_none() {
                        return Err(missing("annotation", end));
                    }
                }
                if r.from == r.to {
                    return Err(EditError::Invalid(
                        "an annotation cannot be linked to itself".into(),
                    ));
                }
                if !p.relation_kinds.contains(&r.kind) {
                    return Err(EditError::Invalid(format!(
                        "relation kind `{}` is not defined",
                        r.kind
                    )));
                }
                let id = r.id.clone();
                let i = p.relations.partition_point(|x| x.id < r.id);
                p.relations.insert(i, r);
                Ok(Edit::RemoveRelation(id))
            }
            Edit::RemoveRelation(id) => {
                let i = p
                    .relations
                    .iter()
                    .position(|r| r.id == id)
                    .ok_or_else(|| missing("relation", &id))?;
                Ok(Edit::AddRelation(p.relations.remove(i)))
            }
            Edit::SetTurns { doc, mut turns } => {
                let d = p.document(&doc).ok_or_else(|| missing("document", &doc))?;
                let len = d.char_len();
                turns.sort_by_key(|t| t.start);
                let mut prev = 0;
                for t in &turns {
                    if t.doc != doc || t.start >= t.end || t.end > len || t.start < prev {
                        return Err(EditError::Invalid(format!(
                            "turn {}..{} is empty, outside the document or overlapping",
                            t.start, t.end
                        )));
                    }
                    if let Some(s) = &t.speaker
                        && p.speaker(s).is_none()
                    {
                        return Err(missing("speaker", s));
                    }
                    prev = t.end;
                }
                let old: Vec<Turn> = p.turns.iter().filter(|t| t.doc == doc).cloned().collect();
                p.turns.retain(|t| t.doc != doc);
                p.turns.extend(turns);
                p.sort_annotations();
                Ok(Edit::SetTurns { doc, turns: old })
            }
            Edit::SetRelationKinds(kinds) => {
                if let Some(r) = p.relations.iter().find(|r| !kinds.contains(&r.kind)) {
                    return Err(EditError::Invalid(format!(
                        "relation kind `{}` is still in use",
                        r.kind
                    )));
                }
                Ok(Edit::SetRelationKinds(std::mem::replace(
                    &mut p.relation_kinds,
                    kinds,
                )))
            }
            Edit::SetAnnotators(list) => Ok(Edit::SetAnnotators(std::mem::replace(
                &mut p.annotators,
                list,
            ))),
            Edit::Rename(name) => Ok(Edit::Rename(std::mem::replace(&mut p.name, name))),
            Edit::Batch { label, edits } => {
                let mut inverses = Vec::with_capacity(edits.len());
                for e in edits {
                    match e.apply(p) {
                        Ok(inv) => inverses.push(inv),
                        Err(err) => {
                            for inv in inverses.into_iter().rev() {
                                // Inverses of edits that just succeeded cannot fail.
                                let _ = inv.apply(p);
                            }
                            return Err(err);
                        }
                    }
                }
                inverses.reverse();
                Ok(Edit::Batch {
                    label,
                    edits: inverses,
                })
            }
        }
    }

    /// Deletes an annotation together with its links, as one step.
    pub fn delete_annotation(p: &Project, id: &AnnotationId) -> Edit {
        Edit::batch("delete annotation", Self::removals(p, [id]))
    }

    /// The edits that delete annotations `ids` and their links, each link
    /// once (a link between two of them too).
    fn removals<'a>(p: &Project, ids: impl IntoIterator<Item = &'a AnnotationId>) -> Vec<Edit> {
        let ids: Vec<&AnnotationId> = ids.into_iter().collect();
        let mut links = std::collections::HashSet::new();
        let mut edits: Vec<Edit> = ids
            .iter()
            .flat_map(|id| p.relations_of(id))
            .filter(|r| links.insert(r.id.clone()))
            .map(|r| Edit::RemoveRelation(r.id.clone()))
            .collect();
        edits.extend(ids.into_iter().map(|id| Edit::RemoveAnnotation(id.clone())));
        edits
    }

    /// The edits that delete tag `id` from the codebook: its children move
    /// up to its parent.
    fn tag_removal(p: &Project, id: &TagId) -> Vec<Edit> {
        let parent = p.codebook.get(id).and_then(|t| t.parent.clone());
        let mut edits: Vec<Edit> = p
            .codebook
            .tags
            .iter()
            .filter(|t| t.parent.as_ref() == Some(id))
            .map(|child| {
                let mut c = child.clone();
                c.parent = parent.clone();
                Edit::UpdateTag(c)
            })
            .collect();
        edits.push(Edit::RemoveTag(id.clone()));
        edits
    }

    /// Deletes a tag and every annotation that uses it (and their links)
    /// as one step. Child tags move up to the tag's parent.
    pub fn delete_tag_and_annotations(p: &Project, id: &TagId) -> Edit {
        let using = p.annotations.iter().filter(|a| a.tags.contains(id));
        let mut edits = Self::removals(p, using.map(|a| &a.id));
        edits.extend(Self::tag_removal(p, id));
        let name = p.codebook.get(id).map(|t| t.name.as_str()).unwrap_or("");
        Edit::batch(format!("delete tag {name} and its annotations"), edits)
    }

    /// Deletes a tag as one step. Child tags move up to the tag's parent.
    /// Annotations using it get `replacement` instead (or lose the tag);
    /// those left with no tag are deleted when `delete_untagged` is set.
    pub fn delete_tag(
        p: &Project,
        id: &TagId,
        replacement: Option<&TagId>,
        delete_untagged: bool,
    ) -> Edit {
        let mut edits = Vec::new();
        let mut untagged = Vec::new();
        for a in p.annotations.iter().filter(|a| a.tags.contains(id)) {
            let mut b = Annotation::clone(a);
            b.tags.retain(|t| t != id);
            if let Some(r) = replacement
                && r != id
                && !b.tags.contains(r)
            {
                b.tags.push(r.clone());
            }
            if b.tags.is_empty() && delete_untagged {
                untagged.push(&a.id);
            } else {
                edits.push(Edit::UpdateAnnotation(b));
            }
        }
        edits.extend(Self::removals(p, untagged));
        edits.extend(Self::tag_removal(p, id));
        let name = p.codebook.get(id).map(|t| t.name.as_str()).unwrap_or("");
        Edit::batch(format!("delete tag {name}"), edits)
    }

    /// Deletes a speaker as one step, clearing it from annotations and turns.
    pub fn delete_speaker(p: &Project, id: &SpeakerId) -> Edit {
        let mut edits = Vec::new();
        for a in p
            .annotations
            .iter()
            .filter(|a| a.speaker.as_ref() == Some(id))
        {
            let mut b = Annotation::clone(a);
            b.speaker = None;
            edits.push(Edit::UpdateAnnotation(b));
        }
        let docs: Vec<DocId> = p
            .turns
            .iter()
            .filter(|t| t.speaker.as_ref() == Some(id))
            .map(|t| t.doc.clone())
            .fold(Vec::new(), |mut v, d| {
                if !v.contains(&d) {
                    v.push(d);
                }
                v
            });
        for doc in docs {
            let turns = p
                .turns_of(&doc)
                .map(|t| {
                    let mut t = t.clone();
                    if t.speaker.as_ref() == Some(id) {
                        t.speaker = None;
                    }
                    t
                })
                .collect();
            edits.push(Edit::SetTurns { doc, turns });
        }
        edits.push(Edit::RemoveSpeaker(id.clone()));
        Edit::batch("delete speaker", edits)
    }
}

fn check_annotation(p: &Project, a: &Annotation) -> Result<(), EditError> {
    let doc = p
        .document(&a.doc)
        .ok_or_else(|| missing("document", &a.doc))?;
    if a.start >= a.end {
        return Err(EditError::Invalid(
            "an annotation must cover at least one character".into(),
        ));
    }
    match doc.slice(a.range()) {
        None => {
            return Err(EditError::Invalid(format!(
                "range {}..{} is outside the document",
                a.start, a.end
            )));
        }
        Some(q) if q != a.quote => {
            return Err(EditError::Invalid(format!(
                "quote {:?} does not match the text {:?}",
                a.quote, q
            )));
        }
        Some(_) => {}
    }
    for t in &a.tags {
        if p.codebook.get(t).is_none() {
            return Err(missing("tag", t));
        }
    }
    if let Some(s) = &a.speaker
        && p.speaker(s).is_none()
    {
        return Err(missing("speaker", s));
    }
    Ok(())
}

fn check_tag(p: &Project, tag: &Tag) -> Result<(), EditError> {
    if let Some(k) = tag.key {
        if !(1..=9).contains(&k) {
            return Err(EditError::Invalid(format!("hotkey {k} is not 1–9")));
        }
        if let Some(other) = p
            .codebook
            .tags
            .iter()
            .find(|t| t.key == Some(k) && t.id != tag.id)
        {
            return Err(EditError::Invalid(format!(
                "hotkey {k} is already used by `{}`",
                other.name
            )));
        }
    }
    if let Some(parent) = &tag.parent {
        if p.codebook.get(parent).is_none() {
            return Err(missing("tag", parent));
        }
        if p.codebook.get(&tag.id).is_some() && p.codebook.would_cycle(&tag.id, parent) {
            return Err(EditError::Invalid(
                "a tag cannot be nested under itself or its descendants".into(),
            ));
        }
    }
    Ok(())
}
