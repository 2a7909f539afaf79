//! Annotations (tagged spans of a document) and relations between them.
//!
//! An annotation covers the chars `start..end` (end exclusive) of one
//! document and stores the covered `quote` with up to 32 chars of `prefix` and
//! `suffix` — a W3C `TextQuoteSelector` — so every reader can check
//! `text[start..end] == quote` and re-anchor it if the text ever changes.
//! Overlapping annotations and several tags per annotation are normal.

use super::document::Document;
use super::ids::{AnnotationId, DocId, RelationId, SpeakerId, TagId};
use super::text::{self, QuoteContext};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A UTC time stamp, written as RFC 3339 (`2026-11-27T07:30:00Z`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub String);

impl Timestamp {
    /// The current time, to the second.
    pub fn now() -> Self {
        let now = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
        Self(
            now.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into()),
        )
    }

    /// Whether the stamp parses as RFC 3339.
    pub fn is_valid(&self) -> bool {
        time::OffsetDateTime::parse(&self.0, &time::format_description::well_known::Rfc3339).is_ok()
    }
}

/// The annotations of a project, in their sorted order.
///
/// Each one is boxed. An annotation is about 270 bytes, so inserting one in
/// the middle of 50,000 unboxed ones moves megabytes and flushes the CPU
/// caches, and the frame that applies a tag pays for it. Boxed, the move is
/// 8 bytes per later annotation.
#[allow(
    clippy::vec_box,
    reason = "elements are moved on every insertion; see the type's docs"
)]
pub type Annotations = Vec<Box<Annotation>>;

/// A tagged span of a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// Stable id.
    pub id: AnnotationId,
    /// The document it belongs to.
    pub doc: DocId,
    /// First char covered.
    pub start: usize,
    /// One past the last char covered.
    pub end: usize,
    /// The covered text: `text[start..end]`.
    pub quote: String,
    /// Up to 32 chars before `start`.
    pub prefix: String,
    /// Up to 32 chars after `end`.
    pub suffix: String,
    /// Codebook tags, in the order they were applied.
    pub tags: Vec<TagId>,
    /// Who said the annotated words, if known.
    pub speaker: Option<SpeakerId>,
    /// Free-text note.
    pub note: String,
    /// Name of the annotator (the annotation set it belongs to).
    pub annotator: String,
    /// When it was created.
    pub created: Timestamp,
    /// When it was last changed.
    pub modified: Timestamp,
}

impl Annotation {
    /// A new annotation over `range` of `doc_text`, or `None` if the range is
    /// empty or out of bounds.
    pub fn new(
        doc: DocId,
        doc_text: &str,
        range: Range<usize>,
        tags: Vec<TagId>,
        annotator: impl Into<String>,
        now: Timestamp,
    ) -> Option<Self> {
        if range.start >= range.end {
            return None;
        }
        let q = text::quote_context(doc_text, range.clone())?;
        Some(Self::from_context(
            doc,
            range,
            q,
            tags,
            annotator.into(),
            now,
        ))
    }

    fn from_context(
        doc: DocId,
        range: Range<usize>,
        q: QuoteContext,
        tags: Vec<TagId>,
        annotator: String,
        now: Timestamp,
    ) -> Self {
        Self {
            id: AnnotationId::generate(),
            doc,
            start: range.start,
            end: range.end,
            quote: q.quote,
            prefix: q.prefix,
            suffix: q.suffix,
            tags,
            speaker: None,
            note: String::new(),
            annotator,
            created: now.clone(),
            modified: now,
        }
    }

    /// Like [`Annotation::new`], but cuts the quote and context from a
    /// [`Document`] through its char index: no scan from the start of a long
    /// text.
    pub fn in_document(
        doc: &Document,
        range: Range<usize>,
        tags: Vec<TagId>,
        annotator: impl Into<String>,
        now: Timestamp,
    ) -> Option<Self> {
        if range.start >= range.end {
            return None;
        }
        let q = doc.quote_context(range.clone())?;
        Some(Self::from_context(
            doc.id.clone(),
            range,
            q,
            tags,
            annotator.into(),
            now,
        ))
    }

    /// Like [`Annotation::set_range`], through the document's char index.
    pub fn set_range_in(&mut self, doc: &Document, range: Range<usize>) -> bool {
        if range.start >= range.end {
            return false;
        }
        match doc.quote_context(range.clone()) {
            Some(q) => self.place(range, q),
            None => false,
        }
    }

    /// The covered char range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Moves the annotation to a new range, refreshing quote and context.
    /// Returns `false` (and changes nothing) if the range is empty or out of
    /// bounds.
    pub fn set_range(&mut self, doc_text: &str, range: Range<usize>) -> bool {
        if range.start >= range.end {
            return false;
        }
        match text::quote_context(doc_text, range.clone()) {
            Some(q) => self.place(range, q),
            None => false,
        }
    }

    fn place(&mut self, range: Range<usize>, q: QuoteContext) -> bool {
        self.start = range.start;
        self.end = range.end;
        self.quote = q.quote;
        self.prefix = q.prefix;
        self.suffix = q.suffix;
        true
    }

    /// The order annotations are kept in: by document position, then id.
    pub fn sort_key(&self) -> (usize, usize, &str) {
        (self.start, self.end, self.id.as_str())
    }
}

/// The built-in relation kinds; a project may define more.
pub const BUILTIN_RELATION_KINDS: [&str; 3] = ["agrees", "contradicts", "qualifies"];

/// A directed link between two annotations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    /// Stable id.
    pub id: RelationId,
    /// Source annotation.
    pub from: AnnotationId,
    /// Target annotation.
    pub to: AnnotationId,
    /// One of the project's relation kinds (`agrees`, `contradicts`, …).
    pub kind: String,
    /// Who made the link.
    #[serde(default)]
    pub annotator: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_annotation_records_quote_and_context() {
        let t = "Toft: “Putin is invading” — says Миллер";
        let a = Annotation::new(DocId::new("d"), t, 7..12, vec![], "me", Timestamp::now()).unwrap();
        assert_eq!(a.quote, "Putin");
        assert_eq!(a.prefix, "Toft: “");
        assert!(a.suffix.starts_with(" is invading”"));
        assert!(
            Annotation::new(DocId::new("d"), t, 5..5, vec![], "me", Timestamp::now()).is_none()
        );
        assert!(
            Annotation::new(DocId::new("d"), t, 5..500, vec![], "me", Timestamp::now()).is_none()
        );
        assert!(a.created.is_valid());
    }
}
