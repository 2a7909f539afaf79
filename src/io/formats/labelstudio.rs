//! labelstudio (in progress).

use super::{ExportOptions, FormatError, ImportReport};
use crate::model::{Edit, Project};
use std::path::Path;

/// Export.
pub fn export_labelstudio(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let _ = (project, options, out);
    Err(FormatError::Unsupported("not yet".into()))
}

/// Import.
pub fn import_labelstudio(
    project: &Project,
    from: &Path,
    annotator: &str,
) -> Result<(Edit, ImportReport), FormatError> {
    let _ = (project, from, annotator);
    Err(FormatError::Unsupported("not yet".into()))
}
