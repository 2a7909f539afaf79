//! CSV: one row per annotation.
//!
//! Columns: `document` (id), `document_title`, `start`, `end`, `quote`,
//! `prefix`, `suffix`, `tags` (names joined by `"; "`), `speaker` (name),
//! `note`, `annotator`, `created`, `modified`, `id` (a tag name that itself
//! contains `;` is split on import). When offsets are not in
//! chars the offset columns are named `start_utf16`/`end_utf16` or
//! `start_bytes`/`end_bytes`, so the file says its own unit.
//!
//! Spreadsheet-safe by default (OWASP): a cell starting with `=`, `+`, `-`,
//! `@`, TAB or CR gets a leading `'`. So that the import can undo it exactly,
//! a cell that itself starts with `'` gets one too. `raw` writes cells as
//! they are; importing a raw file whose text cells start with `'` loses that
//! first `'` except in the quote, which is checked against the text.

use super::common::{
    AnnotationIn, ImportBuilder, OffsetIndex, Selection, SpanIn, checked_offsets, read_text,
    speaker_name, tag_names, unit_name,
};
use super::{ExportOptions, FormatError, ImportReport, OffsetUnit};
use crate::model::{Edit, Project};
use std::collections::HashMap;
use std::path::Path;

/// Column names, in order (offset columns for chars).
pub const COLUMNS: [&str; 14] = [
    "document",
    "document_title",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "tags",
    "speaker",
    "note",
    "annotator",
    "created",
    "modified",
    "id",
];

/// Prefixes a cell that a spreadsheet would run as a formula.
pub fn neutralize(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\'') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Undoes [`neutralize`].
pub fn unneutralize(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// Writes the CSV file.
pub fn export_csv(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let bytes = export_csv_bytes(project, options)?;
    super::common::write_file(out, &bytes)
}

/// The CSV file's bytes.
pub fn export_csv_bytes(
    project: &Project,
    options: &ExportOptions,
) -> Result<Vec<u8>, FormatError> {
    let sel = Selection::new(project, options);
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let err = |e: ::csv::Error| FormatError::Malformed(format!("cannot write CSV: {e}"));
    let mut header: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
    if options.offsets != OffsetUnit::Chars {
        header[2] = format!("start_{}", unit_name(options.offsets));
        header[3] = format!("end_{}", unit_name(options.offsets));
    }
    w.write_record(&header).map_err(err)?;
    let cell = |s: &str| {
        if options.raw {
            s.to_string()
        } else {
            neutralize(s)
        }
    };
    for d in &sel.documents {
        let idx = OffsetIndex::new(&d.text);
        for a in sel.annotations_of(&d.id) {
            let (s, e) = checked_offsets(&idx, a, options.offsets)?;
            let row = [
                cell(a.doc.as_str()),
                cell(&d.title),
                s.to_string(),
                e.to_string(),
                cell(&a.quote),
                cell(&a.prefix),
                cell(&a.suffix),
                cell(&tag_names(project, a).join("; ")),
                cell(speaker_name(project, a).unwrap_or("")),
                cell(&a.note),
                cell(&a.annotator),
                cell(&a.created.0),
                cell(&a.modified.0),
                cell(a.id.as_str()),
            ];
            w.write_record(&row).map_err(err)?;
        }
    }
    w.into_inner()
        .map_err(|e| FormatError::Malformed(format!("cannot write CSV: {e}")))
}

/// Reads a CSV file written by [`export_csv`] (columns found by name, in any
/// order; `document` may hold an id or a title).
pub fn import_csv(
    project: &Project,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    let src = read_text(from)?;
    let mut r = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(src.as_bytes());
    let headers = r
        .headers()
        .map_err(|e| FormatError::Malformed(format!("{}: {e}", from.display())))?
        .clone();
    let col: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_lowercase(), i))
        .collect();
    let mut unit = None;
    let (mut start_col, mut end_col) = (col.get("start"), col.get("end"));
    for u in [OffsetUnit::Utf16, OffsetUnit::Bytes] {
        let n = unit_name(u);
        if let (Some(s), Some(e)) = (col.get(&format!("start_{n}")), col.get(&format!("end_{n}"))) {
            start_col = Some(s);
            end_col = Some(e);
            unit = Some(u);
        }
    }
    if unit.is_none() && start_col.is_some() {
        unit = Some(OffsetUnit::Chars);
    }
    let (Some(&start_col), Some(&end_col)) = (start_col, end_col) else {
        return Err(FormatError::Malformed(format!(
            "{}: no `start`/`end` columns in the header",
            from.display()
        )));
    };
    if !col.contains_key("document") && !col.contains_key("document_title") {
        return Err(FormatError::Malformed(format!(
            "{}: no `document` column in the header",
            from.display()
        )));
    }
    let mut b = ImportBuilder::new(project, annotator, "csv");
    for (n, rec) in r.records().enumerate() {
        let line = n + 2;
        let what = format!("row {line}");
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                b.skip(format!("{what}: unreadable: {e}"));
                continue;
            }
        };
        let get = |name: &str| {
            col.get(name)
                .and_then(|&i| rec.get(i))
                .map(|s| unneutralize(s).to_string())
        };
        let doc_key = get("document");
        let title = get("document_title");
        let doc = b
            .document(doc_key.as_deref(), title.as_deref(), None)
            .or_else(|| b.document(None, doc_key.as_deref(), None));
        let Some(doc) = doc else {
            b.skip(format!(
                "{what}: document {:?} is not in the project",
                doc_key.or(title).unwrap_or_default()
            ));
            continue;
        };
        let num = |i: usize| rec.get(i).and_then(|s| s.trim().parse::<usize>().ok());
        let (Some(start), Some(end)) = (num(start_col), num(end_col)) else {
            b.skip(format!("{what}: start/end are not numbers"));
            continue;
        };
        let raw_quote = col.get("quote").and_then(|&i| rec.get(i));
        // Try the neutralized reading first, then the raw cell.
        let quote = raw_quote.map(|q| {
            let cand = unneutralize(q);
            let fits = b.locate(
                &doc,
                &SpanIn {
                    start: Some(start),
                    end: Some(end),
                    unit,
                    quote: Some(cand),
                    ..Default::default()
                },
            );
            if fits.is_ok() { cand } else { q }
        });
        let span = SpanIn {
            start: Some(start),
            end: Some(end),
            unit,
            quote,
            ..Default::default()
        };
        let fields = AnnotationIn {
            id: get("id"),
            tags: get("tags")
                .map(|t| t.split(';').map(|x| x.trim().to_string()).collect())
                .unwrap_or_default(),
            speaker: get("speaker").filter(|s| !s.trim().is_empty()),
            note: get("note").unwrap_or_default(),
            annotator: get("annotator"),
            created: get("created"),
            modified: get("modified"),
        };
        b.annotation(None, &doc, &span, fields, &what);
    }
    Ok(b.finish("import CSV"))
}
