//! Importing plain text and Markdown files as documents.

use crate::model::{DocId, Document};
use std::path::Path;

/// Reads a `.txt` or `.md` file as a new document (BOM removed, CRLF→LF).
pub fn import_text_file(path: &Path) -> Result<Document, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let raw = String::from_utf8(bytes)
        .map_err(|e| format!("{}: not UTF-8 text ({e})", path.display()))?;
    let title = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = path.file_name().map(|s| s.to_string_lossy().into_owned());
    Ok(Document::import(DocId::generate(), title, source, &raw))
}
