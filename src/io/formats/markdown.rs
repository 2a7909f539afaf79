//! Markdown report.

use super::{ExportOptions, FormatError};
use crate::model::Project;
use std::path::Path;

/// Writes the Markdown report.
pub fn export_markdown(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
) -> Result<(), FormatError> {
    let _ = (project, options, out);
    Err(FormatError::Unsupported(
        "Markdown export is not available yet".into(),
    ))
}
