//! Interchange formats: one module per format, all behind the same entry
//! points [`export`] and [`import`], dispatched by [`Format`].
//!
//! Every exporter writes char offsets unless [`ExportOptions::offsets`] says
//! otherwise, and checks `text[start..end] == quote` before it writes an
//! annotation: a wrong offset fails the export loudly instead of being
//! written. Every importer reports what it could not carry over
//! ([`ImportReport`]) rather than dropping it silently.

use crate::model::{Annotation, DocId, Edit, Project, SpeakerId, TagId};
use std::fmt;
use std::path::{Path, PathBuf};

pub mod brat;
pub mod common;
pub mod csv;
pub mod doccano;
pub mod html;
pub mod json;
pub mod json_splice;
pub mod labelstudio;
pub mod markdown;
pub mod refi_qda;
mod report;
pub mod w3c;

/// The formats Marginalia reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// One row per annotation.
    Csv,
    /// A JSON mirror of the project model.
    Json,
    /// brat standoff: a folder of `.txt` + `.ann` files with `annotation.conf`.
    Brat,
    /// W3C Web Annotation (JSON-LD) `AnnotationCollection`.
    W3c,
    /// doccano JSONL.
    Doccano,
    /// Label Studio tasks JSON (plus its labelling config).
    LabelStudio,
    /// REFI-QDA codebook (`.qdc`).
    Qdc,
    /// REFI-QDA project (`.qdpx`).
    Qdpx,
    /// Self-contained HTML report.
    Html,
    /// Markdown report.
    Markdown,
}

impl Format {
    /// Every format, in menu order.
    pub const ALL: [Format; 10] = [
        Format::Csv,
        Format::Json,
        Format::Brat,
        Format::W3c,
        Format::Doccano,
        Format::LabelStudio,
        Format::Qdc,
        Format::Qdpx,
        Format::Html,
        Format::Markdown,
    ];

    /// The name used on the command line (`--format NAME`).
    pub fn cli_name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Brat => "brat",
            Format::W3c => "w3c",
            Format::Doccano => "doccano",
            Format::LabelStudio => "labelstudio",
            Format::Qdc => "qdc",
            Format::Qdpx => "qdpx",
            Format::Html => "html",
            Format::Markdown => "md",
        }
    }

    /// Parses a command-line name.
    pub fn from_cli_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.cli_name() == s)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cli_name())
    }
}

/// The unit offsets are written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OffsetUnit {
    /// Unicode scalar values (the model's unit).
    #[default]
    Chars,
    /// UTF-16 code units (JavaScript tools such as doccano's front end).
    Utf16,
    /// UTF-8 bytes.
    Bytes,
}

/// Which annotations an export includes. Empty lists mean "all".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Annotator sets to include.
    pub annotators: Vec<String>,
    /// Tags to include (each with its descendants).
    pub tags: Vec<TagId>,
    /// Speakers to include.
    pub speakers: Vec<SpeakerId>,
    /// Documents to include.
    pub documents: Vec<DocId>,
}

impl Filter {
    /// Whether an annotation passes the filter.
    pub fn accepts(&self, project: &Project, a: &Annotation) -> bool {
        (self.annotators.is_empty() || self.annotators.contains(&a.annotator))
            && (self.documents.is_empty() || self.documents.contains(&a.doc))
            && (self.speakers.is_empty()
                || a.speaker
                    .as_ref()
                    .is_some_and(|s| self.speakers.contains(s)))
            && (self.tags.is_empty()
                || self
                    .tags
                    .iter()
                    .flat_map(|t| project.codebook.with_descendants(t))
                    .any(|t| a.tags.contains(&t)))
    }

    /// Whether a document passes the filter.
    pub fn accepts_doc(&self, doc: &DocId) -> bool {
        self.documents.is_empty() || self.documents.contains(doc)
    }
}

/// Options shared by all exporters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// What to include.
    pub filter: Filter,
    /// The unit offsets are written in.
    pub offsets: OffsetUnit,
    /// CSV only: write cells as they are, without neutralizing formulas.
    pub raw: bool,
    /// doccano only: which JSONL form to write.
    pub doccano: DoccanoForm,
}

/// The two JSONL forms doccano reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DoccanoForm {
    /// `entities`/`relations` when the selection has relations, else `label`.
    #[default]
    Auto,
    /// `{"text", "label": [[start, end, "Tag"], …]}`: no relations.
    Label,
    /// `{"text", "entities": […], "relations": […]}`.
    Entities,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Annotations imported.
    pub annotations: usize,
    /// Relations imported.
    pub relations: usize,
    /// Documents added.
    pub documents: usize,
    /// Tags added to the codebook.
    pub tags: usize,
    /// Speakers added.
    pub speakers: usize,
    /// Items not imported, each with the reason.
    pub skipped: Vec<String>,
    /// Remarks that are not failures (e.g. "predictions imported as set X").
    pub notes: Vec<String>,
}

impl ImportReport {
    /// A multi-line summary: counts, then each skip reason and remark.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "imported {} annotations, {} relations; added {} documents, {} tags, {} speakers; skipped {}",
            self.annotations,
            self.relations,
            self.documents,
            self.tags,
            self.speakers,
            self.skipped.len()
        );
        for r in &self.skipped {
            s.push_str("\n  skipped: ");
            s.push_str(r);
        }
        for r in &self.notes {
            s.push_str("\n  note: ");
            s.push_str(r);
        }
        s
    }
}

/// Why an export or import failed.
#[derive(Debug)]
pub enum FormatError {
    /// Reading or writing a file failed.
    Io(PathBuf, std::io::Error),
    /// The input is malformed; the message says where.
    Malformed(String),
    /// An annotation's offsets do not match its quote; nothing was written.
    QuoteMismatch(String),
    /// The format cannot be exported or imported this way.
    Unsupported(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            FormatError::Malformed(s)
            | FormatError::QuoteMismatch(s)
            | FormatError::Unsupported(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for FormatError {}

/// Exports `project` in `format` to `out` (a folder for brat, a file for the others).
pub fn export(
    project: &Project,
    format: Format,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    match format {
        Format::Csv => csv::export_csv(project, options, out),
        Format::Json => json::export_json(project, options, out),
        Format::Brat => brat::export_brat(project, options, out),
        Format::W3c => w3c::export_w3c(project, options, out),
        Format::Doccano => doccano::export_doccano(project, options, out),
        Format::LabelStudio => labelstudio::export_labelstudio(project, options, out),
        Format::Qdc => refi_qda::export_qdc(project, options, out),
        Format::Qdpx => refi_qda::export_qdpx(project, options, out),
        Format::Html => html::export_html(project, options, out),
        Format::Markdown => markdown::export_markdown(project, options, out),
    }
}

/// Reads annotations from `from` for `project` as annotator set `annotator`
/// (empty: the sets the file names). Returns the change as one [`Edit`] (a
/// batch: one undo step, applied by the caller through its history) and a
/// report of what was imported and skipped. The project is never mutated.
pub fn import(
    project: &Project,
    format: Format,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    match format {
        Format::Csv => csv::import_csv(project, from, annotator),
        Format::Json => json::import_json(project, from, annotator),
        Format::Brat => brat::import_brat(project, from, annotator),
        Format::W3c => w3c::import_w3c(project, from, annotator),
        Format::Doccano => doccano::import_doccano(project, from, annotator),
        Format::LabelStudio => labelstudio::import_labelstudio(project, from, annotator),
        Format::Qdc => refi_qda::import_qdc(project, from, annotator),
        Format::Qdpx => refi_qda::import_qdpx(project, from, annotator),
        Format::Html | Format::Markdown => Err(FormatError::Unsupported(format!(
            "{format} is an export-only report format"
        ))),
    }
}
