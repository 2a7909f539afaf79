//! What the HTML and Markdown reports show, gathered once: the documents
//! and annotations the filter accepts (each quote checked against its
//! text), their display numbers, the relations between them, and the
//! compare grid (tags × speakers).

use super::{ExportOptions, FormatError};
use crate::model::{Annotation, AnnotationId, Document, Project, Relation, Speaker, Tag};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `out` through a temporary file in the same folder, so a
/// failed export never leaves half a file where a good one was.
pub(crate) fn write_atomic(out: &Path, bytes: &[u8]) -> Result<(), FormatError> {
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let io = |e: std::io::Error| FormatError::Io(out.to_path_buf(), e);
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(out).map_err(|e| io(e.error))?;
    Ok(())
}

/// Checks `text[start..end] == quote` before an annotation is written.
pub(crate) fn check_quote(doc: &Document, a: &Annotation) -> Result<(), FormatError> {
    match doc.slice(a.range()) {
        Some(q) if q == a.quote => Ok(()),
        found => Err(FormatError::QuoteMismatch(format!(
            "annotation `{}`: the text at {}..{} of `{}` reads {:?}, not its quote {:?}; nothing was written",
            a.id,
            a.start,
            a.end,
            doc.title,
            found.unwrap_or("(outside the text)"),
            a.quote
        ))),
    }
}

/// The report's content.
pub(crate) struct Report<'a> {
    pub project: &'a Project,
    /// Accepted documents with their accepted annotations, in order.
    pub docs: Vec<(&'a Document, Vec<&'a Annotation>)>,
    /// Display number (1-based) of every included annotation.
    pub numbers: HashMap<&'a AnnotationId, usize>,
    /// Relations whose two ends are both included.
    pub relations: Vec<&'a Relation>,
    /// Tags in tree order with depth.
    pub tags: Vec<(&'a Tag, usize)>,
    /// Compare columns: the speakers of included annotations, in project
    /// order, then `None` for annotations with no speaker (if any).
    pub columns: Vec<Option<&'a Speaker>>,
    /// Included annotations by id.
    by_id: HashMap<&'a AnnotationId, &'a Annotation>,
}

impl<'a> Report<'a> {
    /// Gathers the report; fails if any included quote does not match its text.
    pub fn collect(project: &'a Project, options: &ExportOptions) -> Result<Self, FormatError> {
        let mut docs = Vec::new();
        let mut numbers = HashMap::new();
        for d in project
            .documents
            .iter()
            .filter(|d| options.filter.accepts_doc(&d.id))
        {
            let mut anns = Vec::new();
            for a in project
                .annotations_of(&d.id)
                .filter(|a| options.filter.accepts(project, a))
            {
                check_quote(d, a)?;
                numbers.insert(&a.id, numbers.len() + 1);
                anns.push(a);
            }
            docs.push((d, anns));
        }
        let relations = project
            .relations
            .iter()
            .filter(|r| numbers.contains_key(&r.from) && numbers.contains_key(&r.to))
            .collect();
        let all = || docs.iter().flat_map(|(_, a)| a.iter());
        let mut columns: Vec<Option<&Speaker>> = project
            .speakers
            .iter()
            .filter(|s| all().any(|a| a.speaker.as_ref() == Some(&s.id)))
            .map(Some)
            .collect();
        if all().any(|a| {
            a.speaker
                .as_ref()
                .and_then(|s| project.speaker(s))
                .is_none()
        }) {
            columns.push(None);
        }
        let by_id = all().map(|&a| (&a.id, a)).collect();
        Ok(Self {
            project,
            by_id,
            tags: project.codebook.tree_order(),
            docs,
            numbers,
            relations,
            columns,
        })
    }

    /// Every included annotation, in report order.
    pub fn annotations(&self) -> impl Iterator<Item = &'a Annotation> + '_ {
        self.docs.iter().flat_map(|(_, a)| a.iter().copied())
    }

    /// `A12`: an annotation's label in the report.
    pub fn label(&self, id: &AnnotationId) -> String {
        self.numbers
            .get(id)
            .map_or_else(|| "?".into(), |n| format!("A{n}"))
    }

    /// The names of an annotation's tags.
    pub fn tag_names(&self, a: &Annotation) -> Vec<&'a str> {
        a.tags
            .iter()
            .filter_map(|t| self.project.codebook.get(t))
            .map(|t| t.name.as_str())
            .collect()
    }

    /// The speaker's name, or empty.
    pub fn speaker_name(&self, a: &Annotation) -> &'a str {
        a.speaker
            .as_ref()
            .and_then(|s| self.project.speaker(s))
            .map_or("", |s| s.name.as_str())
    }

    /// How many included annotations carry a tag.
    pub fn count(&self, tag: &Tag) -> usize {
        self.annotations()
            .filter(|a| a.tags.contains(&tag.id))
            .count()
    }

    /// The compare cell: included annotations with `tag` said by `column`.
    pub fn cell(&self, tag: &Tag, column: Option<&Speaker>) -> Vec<&'a Annotation> {
        self.annotations()
            .filter(|a| a.tags.contains(&tag.id))
            .filter(|a| {
                let sp = a.speaker.as_ref().and_then(|s| self.project.speaker(s));
                match (column, sp) {
                    (Some(c), Some(s)) => c.id == s.id,
                    (None, None) => true,
                    _ => false,
                }
            })
            .collect()
    }

    /// The annotation a relation end names (included ones by hash, others
    /// by a scan of the project).
    pub fn annotation(&self, id: &AnnotationId) -> Option<&'a Annotation> {
        match self.by_id.get(id) {
            Some(a) => Some(*a),
            None => self.project.annotation(id),
        }
    }
}
