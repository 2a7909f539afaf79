//! Helpers shared by the exporters and importers: selecting what to export,
//! converting offsets between units without rescanning the text, the quote
//! check, and [`ImportBuilder`], which turns what a file says into one batch
//! [`Edit`] plus an [`ImportReport`].

use super::{ExportOptions, FormatError, ImportReport, OffsetUnit};
use crate::model::text;
use crate::model::{
    Annotation, AnnotationId, Color, DocId, Document, Edit, Project, Relation, RelationId, Speaker,
    SpeakerId, Tag, TagId, Timestamp,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What an export covers: the documents, annotations and relations that pass
/// the filter, in project order.
pub struct Selection<'a> {
    /// Documents that pass the filter, in project order.
    pub documents: Vec<&'a Document>,
    /// Annotations that pass the filter (and belong to a selected document).
    pub annotations: Vec<&'a Annotation>,
    /// Relations whose two ends are both selected.
    pub relations: Vec<&'a Relation>,
}

impl<'a> Selection<'a> {
    /// Selects through `options.filter`.
    pub fn new(project: &'a Project, options: &ExportOptions) -> Self {
        let filter = &options.filter;
        let documents: Vec<&Document> = project
            .documents
            .iter()
            .filter(|d| filter.accepts_doc(&d.id))
            .collect();
        let doc_ids: HashSet<&DocId> = documents.iter().map(|d| &d.id).collect();
        let annotations: Vec<&Annotation> = project
            .annotations
            .iter()
            .filter(|a| doc_ids.contains(&a.doc) && filter.accepts(project, a))
            .map(|a| &**a)
            .collect();
        let ids: HashSet<&AnnotationId> = annotations.iter().map(|a| &a.id).collect();
        let relations = project
            .relations
            .iter()
            .filter(|r| ids.contains(&r.from) && ids.contains(&r.to))
            .filter(|r| filter.annotators.is_empty() || filter.annotators.contains(&r.annotator))
            .collect();
        Self {
            documents,
            annotations,
            relations,
        }
    }

    /// The selected annotations of one document, in position order.
    pub fn annotations_of(&self, doc: &DocId) -> Vec<&'a Annotation> {
        self.annotations
            .iter()
            .filter(|a| &a.doc == doc)
            .copied()
            .collect()
    }

    /// Annotator sets present in the selection, in first-seen order.
    pub fn annotators(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for a in &self.annotations {
            if !out.contains(&a.annotator) {
                out.push(a.annotator.clone());
            }
        }
        out
    }
}

/// Char → byte and char → UTF-16 tables of one text, built in one pass so
/// that converting any number of offsets costs O(1) each.
pub struct OffsetIndex<'t> {
    text: &'t str,
    /// `bytes[ci]` is the byte offset of char `ci`; one entry past the end.
    bytes: Vec<usize>,
    /// `utf16[ci]` is the UTF-16 offset of char `ci`; one entry past the end.
    utf16: Vec<usize>,
}

impl<'t> OffsetIndex<'t> {
    /// Indexes `text`.
    pub fn new(text: &'t str) -> Self {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        let mut utf16 = Vec::with_capacity(text.len() + 1);
        let mut u = 0;
        for (b, c) in text.char_indices() {
            bytes.push(b);
            utf16.push(u);
            u += c.len_utf16();
        }
        bytes.push(text.len());
        utf16.push(u);
        Self { text, bytes, utf16 }
    }

    /// The indexed text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// Number of chars.
    pub fn char_len(&self) -> usize {
        self.bytes.len() - 1
    }

    /// Converts char offset `ci` to `unit`; `None` past the end.
    pub fn to_unit(&self, ci: usize, unit: OffsetUnit) -> Option<usize> {
        match unit {
            OffsetUnit::Chars => (ci <= self.char_len()).then_some(ci),
            OffsetUnit::Bytes => self.bytes.get(ci).copied(),
            OffsetUnit::Utf16 => self.utf16.get(ci).copied(),
        }
    }

    /// Converts an offset in `unit` back to chars; `None` if it is past the
    /// end or not on a char boundary (inside a UTF-8 sequence or a
    /// surrogate pair).
    pub fn from_unit(&self, off: usize, unit: OffsetUnit) -> Option<usize> {
        let table = match unit {
            OffsetUnit::Chars => return (off <= self.char_len()).then_some(off),
            OffsetUnit::Bytes => &self.bytes,
            OffsetUnit::Utf16 => &self.utf16,
        };
        table.binary_search(&off).ok()
    }

    /// The text of a char range; `None` when out of bounds or reversed.
    pub fn slice(&self, start: usize, end: usize) -> Option<&'t str> {
        if start > end {
            return None;
        }
        let s = *self.bytes.get(start)?;
        let e = *self.bytes.get(end)?;
        self.text.get(s..e)
    }

    /// Finds every char offset where `needle` occurs.
    fn occurrences(&self, needle: &str) -> Vec<usize> {
        if needle.is_empty() {
            return Vec::new();
        }
        self.text
            .match_indices(needle)
            .filter_map(|(b, _)| self.bytes.binary_search(&b).ok())
            .collect()
    }
}

/// Checks that `a.quote` is exactly the text it claims to cover; the export
/// fails with [`FormatError::QuoteMismatch`] otherwise.
pub fn check_quote(index: &OffsetIndex, a: &Annotation) -> Result<(), FormatError> {
    match index.slice(a.start, a.end) {
        Some(q) if q == a.quote => Ok(()),
        Some(q) => Err(FormatError::QuoteMismatch(format!(
            "annotation `{}`: its quote {:?} does not match the text {:?} at {}..{}",
            a.id, a.quote, q, a.start, a.end
        ))),
        None => Err(FormatError::QuoteMismatch(format!(
            "annotation `{}`: range {}..{} is outside its document",
            a.id, a.start, a.end
        ))),
    }
}

/// An annotation's offsets converted to `unit`, after the quote check.
pub fn checked_offsets(
    index: &OffsetIndex,
    a: &Annotation,
    unit: OffsetUnit,
) -> Result<(usize, usize), FormatError> {
    check_quote(index, a)?;
    match (index.to_unit(a.start, unit), index.to_unit(a.end, unit)) {
        (Some(s), Some(e)) => Ok((s, e)),
        _ => Err(FormatError::QuoteMismatch(format!(
            "annotation `{}`: range {}..{} is outside its document",
            a.id, a.start, a.end
        ))),
    }
}

/// Name of an offset unit as written in files (`chars`, `utf16`, `bytes`).
pub fn unit_name(unit: OffsetUnit) -> &'static str {
    match unit {
        OffsetUnit::Chars => "chars",
        OffsetUnit::Utf16 => "utf16",
        OffsetUnit::Bytes => "bytes",
    }
}

/// Parses a unit name written by [`unit_name`].
pub fn parse_unit(s: &str) -> Option<OffsetUnit> {
    match s.trim().to_ascii_lowercase().as_str() {
        "chars" | "char" | "codepoints" => Some(OffsetUnit::Chars),
        "utf16" | "utf-16" => Some(OffsetUnit::Utf16),
        "bytes" | "utf8" | "utf-8" => Some(OffsetUnit::Bytes),
        _ => None,
    }
}

/// Tag names of an annotation, in order.
pub fn tag_names(project: &Project, a: &Annotation) -> Vec<String> {
    a.tags
        .iter()
        .filter_map(|t| project.codebook.get(t))
        .map(|t| t.name.clone())
        .collect()
}

/// The speaker's display name of an annotation, if any.
pub fn speaker_name<'p>(project: &'p Project, a: &Annotation) -> Option<&'p str> {
    a.speaker
        .as_ref()
        .and_then(|s| project.speaker(s))
        .map(|s| s.name.as_str())
}

/// Replaces every char outside `[A-Za-z0-9_-]` by `_`; never empty.
pub fn slug(s: &str, fallback: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() {
        fallback.to_string()
    } else {
        trimmed.to_string()
    }
}

/// Gives each key a unique slug (`name`, `name_2`, …) in the order given.
pub fn unique_slugs<K: Clone + Eq + std::hash::Hash>(
    items: impl IntoIterator<Item = (K, String)>,
    fallback: &str,
) -> HashMap<K, String> {
    let mut used: HashSet<String> = HashSet::new();
    let mut out = HashMap::new();
    for (k, name) in items {
        let base = slug(&name, fallback);
        let mut candidate = base.clone();
        let mut n = 2;
        while used.contains(&candidate.to_ascii_lowercase()) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        used.insert(candidate.to_ascii_lowercase());
        out.insert(k, candidate);
    }
    out
}

/// Reads a file as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, FormatError> {
    let bytes = std::fs::read(path).map_err(|e| FormatError::Io(path.to_path_buf(), e))?;
    String::from_utf8(bytes)
        .map_err(|e| FormatError::Malformed(format!("{}: not UTF-8: {e}", path.display())))
}

/// Writes a file.
pub fn write_file(path: &Path, contents: &[u8]) -> Result<(), FormatError> {
    std::fs::write(path, contents).map_err(|e| FormatError::Io(path.to_path_buf(), e))
}

/// Parses JSON, saying where it is broken.
pub fn parse_json(path: &Path, src: &str) -> Result<serde_json::Value, FormatError> {
    serde_json::from_str(src)
        .map_err(|e| FormatError::Malformed(format!("{}: not valid JSON: {e}", path.display())))
}

/// How an importer locates one span in a document.
#[derive(Clone, Debug, Default)]
pub struct SpanIn<'a> {
    /// Start offset as written in the file.
    pub start: Option<usize>,
    /// End offset as written in the file.
    pub end: Option<usize>,
    /// The unit the file declares; `None`: chars assumed, and when the file
    /// also carries the covered text, UTF-16 and bytes are tried too.
    pub unit: Option<OffsetUnit>,
    /// The covered text, when the format carries it.
    pub quote: Option<&'a str>,
    /// Text before the span (W3C `prefix`), used only to re-anchor.
    pub prefix: Option<&'a str>,
    /// Text after the span (W3C `suffix`), used only to re-anchor.
    pub suffix: Option<&'a str>,
    /// Whether a missing position may be recovered by searching the quote.
    pub reanchor: bool,
}

/// Fields of an annotation being imported, besides its span.
#[derive(Clone, Debug, Default)]
pub struct AnnotationIn {
    /// Id proposed by the file (kept when it is free in the project).
    pub id: Option<String>,
    /// Tag names.
    pub tags: Vec<String>,
    /// Speaker name.
    pub speaker: Option<String>,
    /// Note.
    pub note: String,
    /// Annotator named by the file.
    pub annotator: Option<String>,
    /// Creation time named by the file.
    pub created: Option<String>,
    /// Modification time named by the file.
    pub modified: Option<String>,
}

/// Collects what an importer found and turns it into one batch [`Edit`].
///
/// Documents are matched by their text when the file carries it (same
/// SHA-256 after normalization), else by id, then by title; a document whose
/// text the file carries but the project lacks is added. Tags and speakers are
/// found by name (or alias) or created; new tags get palette colours.
/// Annotation ids from the file are kept when they are free; relations are
/// rewired to the ids actually used. If `annotator` is non-empty every
/// imported annotation goes to that set, else to the set the file names,
/// else to `fallback_annotator`.
pub struct ImportBuilder<'p> {
    project: &'p Project,
    annotator: String,
    fallback_annotator: String,
    report: ImportReport,
    new_docs: Vec<Document>,
    new_tags: Vec<Tag>,
    new_speakers: Vec<Speaker>,
    new_kinds: Vec<String>,
    annotations: Vec<Annotation>,
    /// Position in `annotations` of each added annotation.
    positions: HashMap<AnnotationId, usize>,
    relations: Vec<Relation>,
    used_ann_ids: HashSet<String>,
    used_rel_ids: HashSet<String>,
    /// File-side annotation key → id used.
    ann_keys: HashMap<String, AnnotationId>,
    indexes: HashMap<DocId, OffsetIndex<'p>>,
    now: Timestamp,
}

impl<'p> ImportBuilder<'p> {
    /// Starts an import into `project`.
    pub fn new(project: &'p Project, annotator: &str, fallback_annotator: &str) -> Self {
        Self {
            project,
            annotator: annotator.trim().to_string(),
            fallback_annotator: fallback_annotator.to_string(),
            report: ImportReport::default(),
            new_docs: Vec::new(),
            new_tags: Vec::new(),
            new_speakers: Vec::new(),
            new_kinds: Vec::new(),
            annotations: Vec::new(),
            positions: HashMap::new(),
            relations: Vec::new(),
            used_ann_ids: project.annotations.iter().map(|a| a.id.0.clone()).collect(),
            used_rel_ids: project.relations.iter().map(|r| r.id.0.clone()).collect(),
            ann_keys: HashMap::new(),
            indexes: HashMap::new(),
            now: Timestamp::now(),
        }
    }

    /// The project imported into.
    pub fn project(&self) -> &'p Project {
        self.project
    }

    /// Records an item that was not imported.
    pub fn skip(&mut self, reason: impl Into<String>) {
        self.report.skipped.push(reason.into());
    }

    /// Records a remark that is not an error.
    pub fn note(&mut self, remark: impl Into<String>) {
        self.report.notes.push(remark.into());
    }

    /// Finds a document; see the type docs for the rules. Returns `None` (and
    /// records nothing) when no document matches and no text is given.
    pub fn document(
        &mut self,
        id: Option<&str>,
        title: Option<&str>,
        text: Option<&str>,
    ) -> Option<DocId> {
        let project = self.project;
        if let Some(raw) = text {
            let (norm, _) = crate::model::document::normalize(raw);
            let sha = crate::model::document::sha256_hex(&norm);
            let same_text = |d: &&Document| d.sha256 == sha;
            let hit = project
                .documents
                .iter()
                .filter(same_text)
                .find(|d| id.is_some_and(|i| d.id.0 == i))
                .or_else(|| project.documents.iter().find(same_text))
                .or_else(|| self.new_docs.iter().find(same_text));
            if let Some(d) = hit {
                return Some(d.id.clone());
            }
            let free = |i: &str| {
                !project.documents.iter().any(|d| d.id.0 == i)
                    && !self.new_docs.iter().any(|d| d.id.0 == i)
            };
            let new_id = match id {
                Some(i) if !i.trim().is_empty() && free(i) => DocId::new(i),
                _ => DocId::generate(),
            };
            let title = title
                .filter(|t| !t.trim().is_empty())
                .unwrap_or("Imported text");
            let doc = Document::import(new_id.clone(), title, None, raw);
            if doc.text != raw {
                self.note(format!(
                    "document `{title}`: line endings or BOM were normalized; offsets counted on the raw text may be shifted"
                ));
            }
            self.new_docs.push(doc);
            self.report.documents += 1;
            return Some(new_id);
        }
        if let Some(i) = id
            && let Some(d) = project.documents.iter().find(|d| d.id.0 == i)
        {
            return Some(d.id.clone());
        }
        let t = title?.trim();
        project
            .documents
            .iter()
            .find(|d| d.title == t)
            .or_else(|| {
                project
                    .documents
                    .iter()
                    .find(|d| d.title.to_lowercase() == t.to_lowercase())
            })
            .map(|d| d.id.clone())
    }

    fn doc_text(&self, doc: &DocId) -> Option<&str> {
        if let Some(d) = self.project.document(doc) {
            return Some(&d.text);
        }
        self.new_docs
            .iter()
            .find(|d| &d.id == doc)
            .map(|d| d.text.as_str())
    }

    /// Locates a span of `doc`: checks the range and, when the file carries
    /// the covered text, that it matches. `Err` holds the skip reason.
    pub fn locate(&mut self, doc: &DocId, span: &SpanIn) -> Result<(usize, usize), String> {
        let (new_docs, indexes, project) = (&self.new_docs, &mut self.indexes, self.project);
        if !indexes.contains_key(doc) {
            // Texts of added documents live in `new_docs`, which only grows
            // until `finish`; index them on demand without borrowing self.
            let Some(text) = project.document(doc).map(|d| d.text.as_str()) else {
                let Some(d) = new_docs.iter().find(|d| &d.id == doc) else {
                    return Err(format!("document `{doc}` is not in the project"));
                };
                return locate_in(&OffsetIndex::new(&d.text), span);
            };
            indexes.insert(doc.clone(), OffsetIndex::new(text));
        }
        match indexes.get(doc) {
            Some(idx) => locate_in(idx, span),
            None => Err(format!("document `{doc}` is not in the project")),
        }
    }

    /// The tag named `name` (case-insensitive), created under `parent` if
    /// missing.
    pub fn tag(&mut self, name: &str, parent: Option<&TagId>) -> TagId {
        let name = name.trim();
        if let Some(t) = self.project.codebook.by_name(name) {
            return t.id.clone();
        }
        if let Some(t) = self
            .new_tags
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
        {
            return t.id.clone();
        }
        let n = self.project.codebook.tags.len() + self.new_tags.len();
        let mut tag = Tag::new(name, Color::palette(n));
        tag.parent = parent.cloned();
        let id = tag.id.clone();
        self.new_tags.push(tag);
        self.report.tags += 1;
        id
    }

    /// Like [`ImportBuilder::tag`] with a colour for a newly created tag.
    pub fn tag_colored(
        &mut self,
        name: &str,
        parent: Option<&TagId>,
        color: Option<Color>,
    ) -> TagId {
        let before = self.new_tags.len();
        let id = self.tag(name, parent);
        if self.new_tags.len() > before
            && let (Some(c), Some(t)) = (color, self.new_tags.last_mut())
        {
            t.color = c;
        }
        id
    }

    /// The speaker answering to `name` (name or alias), created if missing.
    pub fn speaker(&mut self, name: &str) -> Option<SpeakerId> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        if let Some(s) = self.project.speakers.iter().find(|s| s.answers_to(name)) {
            return Some(s.id.clone());
        }
        if let Some(s) = self.new_speakers.iter().find(|s| s.answers_to(name)) {
            return Some(s.id.clone());
        }
        let s = Speaker::new(name);
        let id = s.id.clone();
        self.new_speakers.push(s);
        self.report.speakers += 1;
        Some(id)
    }

    /// Adds an annotation; `key` is what the file calls it (for relations).
    /// Returns the id used, or `None` after recording a skip.
    pub fn annotation(
        &mut self,
        key: Option<&str>,
        doc: &DocId,
        span: &SpanIn,
        fields: AnnotationIn,
        what: &str,
    ) -> Option<AnnotationId> {
        let (start, end) = match self.locate(doc, span) {
            Ok(r) => r,
            Err(reason) => {
                self.skip(format!("{what}: {reason}"));
                return None;
            }
        };
        let mut tags = Vec::new();
        for t in fields.tags.iter().filter(|t| !t.trim().is_empty()) {
            let id = self.tag(t, None);
            if !tags.contains(&id) {
                tags.push(id);
            }
        }
        let speaker = fields.speaker.as_deref().and_then(|s| self.speaker(s));
        let annotator = if !self.annotator.is_empty() {
            self.annotator.clone()
        } else {
            fields
                .annotator
                .filter(|a| !a.trim().is_empty())
                .unwrap_or_else(|| self.fallback_annotator.clone())
        };
        let stamp = |s: Option<String>, now: &Timestamp| {
            s.map(Timestamp)
                .filter(Timestamp::is_valid)
                .unwrap_or_else(|| now.clone())
        };
        let created = stamp(fields.created, &self.now);
        let modified = stamp(fields.modified, &created);
        // Quote and context through the index: no rescan of the text.
        let context = match self.indexes.get(doc) {
            Some(idx) => quote_context_in(idx, start, end),
            None => self
                .doc_text(doc)
                .and_then(|t| quote_context_in(&OffsetIndex::new(t), start, end)),
        };
        let Some((quote, prefix, suffix)) = context.filter(|_| start < end) else {
            self.skip(format!(
                "{what}: range {start}..{end} is empty or outside the document"
            ));
            return None;
        };
        let mut a = Annotation {
            id: AnnotationId::generate(),
            doc: doc.clone(),
            start,
            end,
            quote,
            prefix,
            suffix,
            tags,
            speaker: None,
            note: String::new(),
            annotator,
            created,
            modified,
        };
        a.speaker = speaker;
        a.note = fields.note;
        if let Some(id) = fields.id.filter(|i| !i.trim().is_empty())
            && !self.used_ann_ids.contains(&id)
        {
            a.id = AnnotationId::new(id);
        }
        self.used_ann_ids.insert(a.id.0.clone());
        if let Some(k) = key {
            self.ann_keys.insert(k.to_string(), a.id.clone());
        }
        let id = a.id.clone();
        self.positions.insert(id.clone(), self.annotations.len());
        self.annotations.push(a);
        self.report.annotations += 1;
        Some(id)
    }

    /// The id used for the annotation the file calls `key`.
    pub fn annotation_id(&self, key: &str) -> Option<AnnotationId> {
        self.ann_keys.get(key).cloned()
    }

    /// Makes `key` another file-side name of annotation `id`.
    pub fn alias_key(&mut self, key: &str, id: &AnnotationId) {
        self.ann_keys.insert(key.to_string(), id.clone());
    }

    /// Mutable access to an annotation added in this import.
    pub fn added_mut(&mut self, id: &AnnotationId) -> Option<&mut Annotation> {
        let i = *self.positions.get(id)?;
        self.annotations.get_mut(i)
    }

    /// Adds a relation between two annotations named by their file keys.
    pub fn relation(
        &mut self,
        id: Option<&str>,
        from_key: &str,
        to_key: &str,
        kind: &str,
        annotator: Option<&str>,
        what: &str,
    ) {
        let (Some(from), Some(to)) = (self.annotation_id(from_key), self.annotation_id(to_key))
        else {
            self.skip(format!(
                "{what}: it links `{from_key}` and `{to_key}`, which were not both imported"
            ));
            return;
        };
        if from == to {
            self.skip(format!("{what}: an annotation cannot be linked to itself"));
            return;
        }
        let kind = self.relation_kind(kind);
        let rid = match id.filter(|i| !i.trim().is_empty() && !self.used_rel_ids.contains(*i)) {
            Some(i) => RelationId::new(i),
            None => RelationId::generate(),
        };
        self.used_rel_ids.insert(rid.0.clone());
        let annotator = if !self.annotator.is_empty() {
            self.annotator.clone()
        } else {
            annotator
                .filter(|a| !a.trim().is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| self.fallback_annotator.clone())
        };
        self.relations.push(Relation {
            id: rid,
            from,
            to,
            kind,
            annotator,
        });
        self.report.relations += 1;
    }

    /// The project's relation kind matching `kind` (case and punctuation
    /// insensitive), or `kind` itself, added to the project's kinds.
    fn relation_kind(&mut self, kind: &str) -> String {
        let k = kind.trim();
        let key = slug(k, "link").to_lowercase();
        if let Some(found) = self
            .project
            .relation_kinds
            .iter()
            .chain(self.new_kinds.iter())
            .find(|x| slug(x, "link").to_lowercase() == key)
        {
            return found.clone();
        }
        let k = if k.is_empty() { "link" } else { k };
        self.new_kinds.push(k.to_string());
        k.to_string()
    }

    /// Turns everything collected into one batch edit.
    pub fn finish(self, label: &str) -> (Edit, ImportReport) {
        let mut edits = Vec::new();
        let p = self.project;
        for (i, d) in self.new_docs.into_iter().enumerate() {
            edits.push(Edit::InsertDocument {
                index: p.documents.len() + i,
                document: Box::new(d),
            });
        }
        // Parents first, so a child never names a tag that is not there yet.
        let mut pending = self.new_tags;
        let mut placed: HashSet<TagId> = HashSet::new();
        let mut n = p.codebook.tags.len();
        while !pending.is_empty() {
            let before = pending.len();
            let mut rest = Vec::new();
            for t in pending {
                let ready = t
                    .parent
                    .as_ref()
                    .is_none_or(|par| p.codebook.get(par).is_some() || placed.contains(par));
                if ready {
                    placed.insert(t.id.clone());
                    edits.push(Edit::InsertTag { index: n, tag: t });
                    n += 1;
                } else {
                    rest.push(t);
                }
            }
            if rest.len() == before {
                for mut t in rest {
                    t.parent = None;
                    edits.push(Edit::InsertTag { index: n, tag: t });
                    n += 1;
                }
                break;
            }
            pending = rest;
        }
        for (i, s) in self.new_speakers.into_iter().enumerate() {
            edits.push(Edit::InsertSpeaker {
                index: p.speakers.len() + i,
                speaker: s,
            });
        }
        if !self.new_kinds.is_empty() {
            let mut kinds = p.relation_kinds.clone();
            kinds.extend(self.new_kinds);
            edits.push(Edit::SetRelationKinds(kinds));
        }
        let mut annotators = p.annotators.clone();
        for a in &self.annotations {
            if !annotators.contains(&a.annotator) {
                annotators.push(a.annotator.clone());
            }
        }
        if annotators != p.annotators {
            edits.push(Edit::SetAnnotators(annotators));
        }
        edits.extend(self.annotations.into_iter().map(Edit::AddAnnotation));
        edits.extend(self.relations.into_iter().map(Edit::AddRelation));
        (Edit::batch(label, edits), self.report)
    }
}

/// Quote, prefix and suffix (up to [`text::CONTEXT_CHARS`] chars each) of a
/// char range, read through the index in O(length).
pub fn quote_context_in(
    idx: &OffsetIndex,
    start: usize,
    end: usize,
) -> Option<(String, String, String)> {
    let quote = idx.slice(start, end)?;
    let prefix = idx.slice(start.saturating_sub(text::CONTEXT_CHARS), start)?;
    let suffix = idx.slice(end, (end + text::CONTEXT_CHARS).min(idx.char_len()))?;
    Some((quote.to_string(), prefix.to_string(), suffix.to_string()))
}

/// Locates a span in an indexed text (see [`SpanIn`]).
pub fn locate_in(idx: &OffsetIndex, span: &SpanIn) -> Result<(usize, usize), String> {
    let units: Vec<OffsetUnit> = match span.unit {
        Some(u) => vec![u],
        None if span.quote.is_some() => {
            vec![OffsetUnit::Chars, OffsetUnit::Utf16, OffsetUnit::Bytes]
        }
        None => vec![OffsetUnit::Chars],
    };
    if let (Some(s), Some(e)) = (span.start, span.end) {
        if s >= e {
            return Err(format!("range {s}..{e} is empty or reversed"));
        }
        let mut first_err = None;
        for unit in units {
            let (Some(cs), Some(ce)) = (idx.from_unit(s, unit), idx.from_unit(e, unit)) else {
                first_err.get_or_insert_with(|| {
                    format!(
                        "range {s}..{e} ({}) is outside the document ({} chars) or splits a character",
                        unit_name(unit),
                        idx.char_len()
                    )
                });
                continue;
            };
            let Some(covered) = idx.slice(cs, ce) else {
                continue;
            };
            match span.quote {
                Some(q) if q != covered => {
                    first_err.get_or_insert_with(|| {
                        format!("quote {q:?} does not match the text {covered:?} at {s}..{e}")
                    });
                }
                _ => return Ok((cs, ce)),
            }
        }
        return Err(first_err.unwrap_or_else(|| format!("range {s}..{e} is not usable")));
    }
    match span.quote {
        Some(q) if span.reanchor && !q.is_empty() => {
            let hits = idx.occurrences(q);
            let len = text::char_len(q);
            let fits = |&&cs: &&usize| {
                let pre_ok = span.prefix.is_none_or(|p| {
                    cs.checked_sub(text::char_len(p))
                        .and_then(|ps| idx.slice(ps, cs))
                        .is_some_and(|x| x == p)
                });
                let suf_ok = span.suffix.is_none_or(|sf| {
                    idx.slice(cs + len, cs + len + text::char_len(sf))
                        .is_some_and(|x| x == sf)
                });
                pre_ok && suf_ok
            };
            let pick = hits.iter().find(fits).or_else(|| hits.first());
            match pick {
                Some(&cs) => Ok((cs, cs + len)),
                None => Err(format!("quote {q:?} is not found in the document")),
            }
        }
        _ => Err("no position given".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_index_converts_all_units() {
        let t = "a😀b\u{a0}Жc";
        let idx = OffsetIndex::new(t);
        assert_eq!(idx.char_len(), 6);
        assert_eq!(idx.to_unit(2, OffsetUnit::Utf16), Some(3));
        assert_eq!(idx.to_unit(2, OffsetUnit::Bytes), Some(5));
        assert_eq!(idx.to_unit(5, OffsetUnit::Bytes), Some(10));
        assert_eq!(idx.from_unit(3, OffsetUnit::Utf16), Some(2));
        assert_eq!(idx.from_unit(2, OffsetUnit::Utf16), None, "inside a pair");
        assert_eq!(idx.from_unit(2, OffsetUnit::Bytes), None, "inside UTF-8");
        assert_eq!(idx.slice(1, 3), Some("😀b"));
        assert_eq!(idx.slice(3, 9), None);
        for ci in 0..=6 {
            for u in [OffsetUnit::Chars, OffsetUnit::Utf16, OffsetUnit::Bytes] {
                let x = idx.to_unit(ci, u).unwrap();
                assert_eq!(idx.from_unit(x, u), Some(ci));
            }
        }
    }

    #[test]
    fn locate_tries_units_only_with_a_quote() {
        let t = "😀 Привет мир";
        let idx = OffsetIndex::new(t);
        let q = SpanIn {
            start: Some(3),
            end: Some(9),
            quote: Some("Привет"),
            ..Default::default()
        };
        assert_eq!(locate_in(&idx, &q), Ok((2, 8)), "utf16 offsets recognized");
        let bad = SpanIn {
            start: Some(2),
            end: Some(8),
            quote: Some("Пока"),
            ..Default::default()
        };
        assert!(
            locate_in(&idx, &bad)
                .unwrap_err()
                .contains("does not match")
        );
        let out = SpanIn {
            start: Some(2),
            end: Some(80),
            ..Default::default()
        };
        assert!(locate_in(&idx, &out).is_err());
        let re = SpanIn {
            quote: Some("мир"),
            reanchor: true,
            ..Default::default()
        };
        assert_eq!(locate_in(&idx, &re), Ok((9, 12)));
    }

    #[test]
    fn indexed_quote_context_matches_the_model() {
        let t =
            "“Europe is substantially less secure,” says Chris\u{a0}Miller — Привет 👋🏽 e\u{301}!";
        let idx = OffsetIndex::new(t);
        let n = idx.char_len();
        for (s, e) in [(0, 1), (1, 7), (40, 50), (n - 3, n), (0, n)] {
            let want = text::quote_context(t, s..e).unwrap();
            let got = quote_context_in(&idx, s, e).unwrap();
            assert_eq!(got, (want.quote, want.prefix, want.suffix), "{s}..{e}");
        }
        assert_eq!(quote_context_in(&idx, 3, n + 1), None);
    }

    #[test]
    fn slugs_are_safe_and_unique() {
        assert_eq!(slug("Claim: causal!", "T"), "Claim__causal");
        assert_eq!(slug("Привет", "T"), "T");
        let m = unique_slugs(
            [(1, "a b".to_string()), (2, "a-b".into()), (3, "a_b".into())],
            "x",
        );
        assert_eq!(m[&1], "a_b");
        assert_eq!(m[&2], "a-b");
        assert_eq!(m[&3], "a_b_2");
    }
}
