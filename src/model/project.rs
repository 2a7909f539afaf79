//! The project: everything one `.ron` file holds, and the invariants that
//! hold over it.
//!
//! Invariants (checked by [`Project::validate`] on load and kept by every
//! [`crate::model::Edit`]):
//! - ids are unique within their kind;
//! - every annotation's `doc`, `tags` and `speaker` resolve, its range is
//!   non-empty and inside the text, and `quote == text[start..end]`;
//! - every relation's ends resolve and its kind is one of the project's kinds;
//! - tag parents resolve without cycles, and hotkeys are unique;
//! - turns of a document are in range, sorted and disjoint, and stored
//!   sorted by (document order, start);
//! - annotations are stored sorted by (document order, start, end, id), so a
//!   saved file is deterministic and a `git diff` shows only what changed.

use super::annotation::{Annotation, Annotations, BUILTIN_RELATION_KINDS, Relation};
use super::codebook::Codebook;
use super::document::{Document, sha256_hex};
use super::id_index::AnnotationIdIndex;
use super::ids::{AnnotationId, DocId, SpeakerId};
use super::speakers::{Speaker, Turn};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The current version of the project file format.
pub const FORMAT_VERSION: u32 = 1;

/// A whole project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// File format version; always [`FORMAT_VERSION`] in memory.
    pub format: u32,
    /// Display name.
    pub name: String,
    /// Names of the annotators whose sets the project holds.
    #[serde(default)]
    pub annotators: Vec<String>,
    /// Relation kinds offered for links (the built-ins plus custom ones).
    #[serde(default = "default_relation_kinds")]
    pub relation_kinds: Vec<String>,
    /// The codebook.
    pub codebook: Codebook,
    /// Speakers.
    #[serde(default)]
    pub speakers: Vec<Speaker>,
    /// Documents, text embedded.
    pub documents: Vec<Document>,
    /// Speaker turns of all documents.
    #[serde(default)]
    pub turns: Vec<Turn>,
    /// Annotations, sorted (see module docs).
    #[serde(default)]
    pub annotations: Annotations,
    /// Links between annotations.
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// Finds annotations by id without scanning (not saved).
    #[serde(skip)]
    pub(crate) annotation_ids: AnnotationIdIndex,
}

/// The built-in relation kinds as owned strings.
pub fn default_relation_kinds() -> Vec<String> {
    BUILTIN_RELATION_KINDS
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// One broken invariant: a sentence, and the id of the item it is about so a
/// loader can point at the line that holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The id of the offending item, if the problem is about one.
    pub item: Option<String>,
    /// A plain sentence saying what is wrong.
    pub message: String,
}

impl Problem {
    fn at(item: &str, message: String) -> Self {
        Self {
            item: Some(item.to_string()),
            message,
        }
    }
}

impl Default for Project {
    fn default() -> Self {
        Self::new("Untitled")
    }
}

impl Project {
    /// An empty project.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            format: FORMAT_VERSION,
            name: name.into(),
            annotators: Vec::new(),
            relation_kinds: default_relation_kinds(),
            codebook: Codebook::default(),
            speakers: Vec::new(),
            documents: Vec::new(),
            turns: Vec::new(),
            annotations: Vec::new(),
            relations: Vec::new(),
            annotation_ids: AnnotationIdIndex::default(),
        }
    }

    /// The document with this id.
    pub fn document(&self, id: &DocId) -> Option<&Document> {
        self.documents.iter().find(|d| &d.id == id)
    }

    /// Position of a document.
    pub fn document_index(&self, id: &DocId) -> Option<usize> {
        self.documents.iter().position(|d| &d.id == id)
    }

    /// The speaker with this id.
    pub fn speaker(&self, id: &SpeakerId) -> Option<&Speaker> {
        self.speakers.iter().find(|s| &s.id == id)
    }

    /// The annotation with this id.
    pub fn annotation(&self, id: &AnnotationId) -> Option<&Annotation> {
        self.annotation_index(id).map(|i| &*self.annotations[i])
    }

    /// Position of an annotation in [`Project::annotations`].
    pub fn annotation_index(&self, id: &AnnotationId) -> Option<usize> {
        self.annotation_ids.position(&self.annotations, id)
    }

    /// The annotations of one document, in order.
    pub fn annotations_of<'a>(
        &'a self,
        doc: &'a DocId,
    ) -> impl Iterator<Item = &'a Annotation> + 'a {
        self.annotations
            .iter()
            .map(|a| &**a)
            .filter(move |a| &a.doc == doc)
    }

    /// The turns of one document, in order.
    pub fn turns_of<'a>(&'a self, doc: &'a DocId) -> impl Iterator<Item = &'a Turn> + 'a {
        self.turns.iter().filter(move |t| &t.doc == doc)
    }

    /// The turn of document `doc` that holds char `c`, if any.
    ///
    /// Turns are stored sorted by (document order, start) (see
    /// [`Self::sort_annotations`]), so a document's turns are one run: it
    /// is found past the other documents' turns before it, then searched
    /// by halves, not scanned (a book has thousands of turns, and tagging
    /// looks one up each time).
    pub fn turn_at(&self, doc: &DocId, c: usize) -> Option<&Turn> {
        let first = self.turns.iter().position(|t| &t.doc == doc)?;
        let run = self.turns.get(first..)?;
        let run = run.get(..run.partition_point(|t| &t.doc == doc))?;
        let t = run.get(run.partition_point(|t| t.start <= c).checked_sub(1)?)?;
        (c < t.end).then_some(t)
    }

    /// The relations touching an annotation.
    pub fn relations_of<'a>(
        &'a self,
        id: &'a AnnotationId,
    ) -> impl Iterator<Item = &'a Relation> + 'a {
        self.relations
            .iter()
            .filter(move |r| &r.from == id || &r.to == id)
    }

    /// Where an annotation belongs in the sorted list: a binary search
    /// that looks a document up only for an annotation of another one (the
    /// run of `a`'s own document compares by position alone).
    pub fn insertion_index(&self, a: &Annotation) -> usize {
        let doc = self.document_index(&a.doc).unwrap_or(usize::MAX);
        let key = a.sort_key();
        self.annotations.partition_point(|b| {
            let b_doc = if b.doc == a.doc {
                doc
            } else {
                self.document_index(&b.doc).unwrap_or(usize::MAX)
            };
            (b_doc, b.sort_key()) < (doc, key)
        })
    }

    /// Restores the canonical order of annotations and turns (after a load,
    /// an import or an edit of turns) and maps every annotation id to its
    /// place.
    pub fn sort_annotations(&mut self) {
        let doc_pos: HashMap<DocId, usize> = self
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        self.annotations.sort_by(|a, b| {
            let ka = (
                doc_pos.get(&a.doc).copied().unwrap_or(usize::MAX),
                a.start,
                a.end,
                &a.id,
            );
            let kb = (
                doc_pos.get(&b.doc).copied().unwrap_or(usize::MAX),
                b.start,
                b.end,
                &b.id,
            );
            ka.cmp(&kb)
        });
        self.turns.sort_by(|a, b| {
            let ka = (doc_pos.get(&a.doc).copied().unwrap_or(usize::MAX), a.start);
            let kb = (doc_pos.get(&b.doc).copied().unwrap_or(usize::MAX), b.start);
            ka.cmp(&kb)
        });
        self.annotation_ids.fill(&self.annotations);
    }

    /// Every annotator named in the project, from the list and the sets.
    pub fn all_annotators(&self) -> Vec<String> {
        let mut out = self.annotators.clone();
        for a in &self.annotations {
            if !out.contains(&a.annotator) {
                out.push(a.annotator.clone());
            }
        }
        out
    }

    /// Checks every invariant; returns the problems found (empty if valid).
    pub fn validate(&self) -> Vec<Problem> {
        let mut p = Vec::new();
        let mut seen = HashSet::new();
        let mut dup = |p: &mut Vec<Problem>, kind: &str, id: &str| {
            if !seen.insert(id.to_string()) {
                p.push(Problem::at(id, format!("duplicate {kind} id `{id}`")));
            }
        };
        let mut doc_len: HashMap<&DocId, usize> = HashMap::new();
        for d in &self.documents {
            dup(&mut p, "document", d.id.as_str());
            doc_len.insert(&d.id, d.char_len());
            if sha256_hex(&d.text) != d.sha256 {
                p.push(Problem::at(
                    d.id.as_str(),
                    format!("document `{}`: sha256 does not match its text", d.id),
                ));
            }
            if d.text.contains('\r') {
                p.push(Problem::at(
                    d.id.as_str(),
                    format!(
                        "document `{}`: text holds a carriage return (texts are LF-normalized)",
                        d.id
                    ),
                ));
            }
        }
        let mut keys = HashSet::new();
        for t in &self.codebook.tags {
            dup(&mut p, "tag", t.id.as_str());
            if let Some(k) = t.key {
                if !(1..=9).contains(&k) {
                    p.push(Problem::at(
                        t.id.as_str(),
                        format!("tag `{}`: hotkey {k} is not 1–9", t.name),
                    ));
                } else if !keys.insert(k) {
                    p.push(Problem::at(
                        t.id.as_str(),
                        format!("tag `{}`: hotkey {k} is already used", t.name),
                    ));
                }
            }
            if let Some(parent) = &t.parent {
                if self.codebook.get(parent).is_none() {
                    p.push(Problem::at(
                        t.id.as_str(),
                        format!("tag `{}`: parent `{parent}` does not exist", t.name),
                    ));
                } else if self.codebook.would_cycle(&t.id, parent) {
                    p.push(Problem::at(
                        t.id.as_str(),
                        format!("tag `{}`: parent `{parent}` makes a cycle", t.name),
                    ));
                }
            }
        }
        for s in &self.speakers {
            dup(&mut p, "speaker", s.id.as_str());
        }
        for a in &self.annotations {
            let id = a.id.as_str();
            dup(&mut p, "annotation", id);
            let Some(doc) = self.document(&a.doc) else {
                p.push(Problem::at(
                    id,
                    format!("annotation `{id}`: document `{}` does not exist", a.doc),
                ));
                continue;
            };
            let len = doc_len.get(&a.doc).copied().unwrap_or(0);
            if a.start >= a.end || a.end > len {
                p.push(Problem::at(
                    id,
                    format!(
                        "annotation `{id}`: range {}..{} is empty or outside the document ({len} chars)",
                        a.start, a.end
                    ),
                ));
            } else {
                let actual = doc.slice(a.range()).unwrap_or_default();
                if actual != a.quote {
                    p.push(Problem::at(
                        id,
                        format!(
                            "annotation `{id}`: quote {:?} does not match the text at {}..{}, which reads {:?}",
                            a.quote, a.start, a.end, actual
                        ),
                    ));
                }
            }
            for t in &a.tags {
                if self.codebook.get(t).is_none() {
                    p.push(Problem::at(
                        id,
                        format!("annotation `{id}`: tag `{t}` does not exist"),
                    ));
                }
            }
            if let Some(s) = &a.speaker
                && self.speaker(s).is_none()
            {
                p.push(Problem::at(
                    id,
                    format!("annotation `{id}`: speaker `{s}` does not exist"),
                ));
            }
            if !a.created.is_valid() || !a.modified.is_valid() {
                p.push(Problem::at(
                    id,
                    format!("annotation `{id}`: time stamp is not RFC 3339"),
                ));
            }
        }
        let ann_ids: HashSet<&AnnotationId> = self.annotations.iter().map(|a| &a.id).collect();
        for r in &self.relations {
            let id = r.id.as_str();
            dup(&mut p, "relation", id);
            for end in [&r.from, &r.to] {
                if !ann_ids.contains(end) {
                    p.push(Problem::at(
                        id,
                        format!("relation `{id}`: annotation `{end}` does not exist"),
                    ));
                }
            }
            if !self.relation_kinds.contains(&r.kind) {
                p.push(Problem::at(
                    id,
                    format!(
                        "relation `{id}`: kind `{}` is not one of the project's relation kinds",
                        r.kind
                    ),
                ));
            }
        }
        let mut last_end: HashMap<&DocId, usize> = HashMap::new();
        for t in &self.turns {
            let Some(&len) = doc_len.get(&t.doc) else {
                p.push(Problem {
                    item: Some(t.doc.0.clone()),
                    message: format!(
                        "turn {}..{}: document `{}` does not exist",
                        t.start, t.end, t.doc
                    ),
                });
                continue;
            };
            if t.start >= t.end || t.end > len {
                p.push(Problem {
                    item: None,
                    message: format!(
                        "turn {}..{} of `{}` is empty or outside the document",
                        t.start, t.end, t.doc
                    ),
                });
            }
            let prev = last_end.insert(&t.doc, t.end).unwrap_or(0);
            if t.start < prev {
                p.push(Problem {
                    item: None,
                    message: format!(
                        "turn {}..{} of `{}` overlaps the turn before it",
                        t.start, t.end, t.doc
                    ),
                });
            }
            if let Some(s) = &t.speaker
                && self.speaker(s).is_none()
            {
                p.push(Problem::at(
                    s.as_str(),
                    format!("turn {}..{}: speaker `{s}` does not exist", t.start, t.end),
                ));
            }
        }
        p
    }
}
