//! REFI-QDA codebook (`.qdc`) and project (`.qdpx`) exchange.

use super::{ExportOptions, FormatError, ImportReport};
use crate::model::{Edit, Project};
use std::path::Path;

/// Writes the codebook as a REFI-QDA `.qdc` file.
pub fn export_qdc(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let _ = (project, options, out);
    Err(FormatError::Unsupported(
        "REFI-QDA export is not available yet".into(),
    ))
}

/// Writes the project as a REFI-QDA `.qdpx` archive.
pub fn export_qdpx(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let _ = (project, options, out);
    Err(FormatError::Unsupported(
        "REFI-QDA export is not available yet".into(),
    ))
}

/// Reads a REFI-QDA `.qdpx` archive.
pub fn import_qdpx(
    project: &Project,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    let _ = (project, from, annotator);
    Err(FormatError::Unsupported(
        "REFI-QDA import is not available yet".into(),
    ))
}

/// Reads a REFI-QDA `.qdc` codebook.
pub fn import_qdc(
    project: &Project,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    let _ = (project, from, annotator);
    Err(FormatError::Unsupported(
        "REFI-QDA import is not available yet".into(),
    ))
}
