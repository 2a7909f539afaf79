//! Self-contained HTML report.

use super::{ExportOptions, FormatError};
use crate::model::Project;
use std::path::Path;

/// Writes the HTML report.
pub fn export_html(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let _ = (project, options, out);
    Err(FormatError::Unsupported(
        "HTML export is not available yet".into(),
    ))
}
