//! What the app does with an [`ExchangeAction`]: ask for a path, run the
//! exporter or importer, and report. An import becomes one undo step; a
//! failed export or import shows its error and changes nothing.

use super::app::MarginaliaApp;
use super::exchange::{ExchangeAction, export_extension, import_extensions};
use super::file_ops::suggested_file_name;
use crate::io::formats::common::Selection;
use crate::io::formats::{self, ExportOptions, Format};

impl MarginaliaApp {
    /// Draws the Export / Import windows and acts on their buttons.
    pub(super) fn draw_exchange(&mut self, ctx: &egui::Context) {
        let revision = self.history.revision();
        match self.exchange.show(ctx, &self.project, revision) {
            Some(ExchangeAction::Export { format, options }) => self.run_export(format, options),
            Some(ExchangeAction::Import { format, annotator }) => {
                self.run_import(format, &annotator)
            }
            None => {}
        }
    }

    /// Asks where to write (a folder for brat), writes the export and
    /// reports the count in the status bar, or shows the error.
    pub(super) fn run_export(&mut self, format: Format, options: ExportOptions) {
        let path = if format == Format::Brat {
            self.dialogs.pick_folder()
        } else {
            let ext = export_extension(format);
            let project_stem = suggested_file_name(&self.project);
            let stem = project_stem.trim_end_matches(".ron");
            let suggested = match format {
                Format::W3c => format!("{stem}-w3c.{ext}"),
                Format::Doccano => format!("{stem}-doccano.{ext}"),
                Format::LabelStudio => format!("{stem}-labelstudio.{ext}"),
                _ => format!("{stem}.{ext}"),
            };
            self.dialogs.save_export(&suggested, ext).map(|mut p| {
                if p.extension().is_none() {
                    p.set_extension(ext);
                }
                p
            })
        };
        let Some(path) = path else {
            return;
        };
        match formats::export(&self.project, format, &options, &path) {
            Ok(()) => {
                let n = Selection::new(&self.project, &options).annotations.len();
                let noun = if n == 1 { "annotation" } else { "annotations" };
                self.set_status(format!("Exported {n} {noun} to {}", path.display()), false);
                self.exchange.close();
            }
            Err(e) => self.show_error("Could not export", e.to_string()),
        }
    }

    /// Asks for the file (a folder for brat), imports it as one undo step
    /// and shows the report; on any error the project is left as it was.
    pub(super) fn run_import(&mut self, format: Format, annotator: &str) {
        let path = if format == Format::Brat {
            self.dialogs.pick_folder()
        } else {
            self.dialogs.open_import(import_extensions(format))
        };
        let Some(path) = path else {
            return;
        };
        let (edit, report) = match formats::import(&self.project, format, &path, annotator) {
            Ok(r) => r,
            Err(e) => {
                self.show_error("Could not import", e.to_string());
                return;
            }
        };
        // Try it on a copy first: an edit the project would refuse, or one
        // that leaves it invalid, is reported and never applied.
        let mut trial = self.project.clone();
        if let Err(e) = edit.clone().apply(&mut trial) {
            self.show_error(
                "Could not import",
                format!("the import could not be applied: {e}"),
            );
            return;
        }
        if let Some(p) = trial.validate().first() {
            self.show_error(
                "Could not import",
                format!("the imported project would be invalid: {}", p.message),
            );
            return;
        }
        drop(trial);
        let changed = report.annotations
            + report.relations
            + report.documents
            + report.tags
            + report.speakers
            > 0;
        if changed && !self.apply_edit(edit) {
            return;
        }
        let noun = if report.annotations == 1 {
            "annotation"
        } else {
            "annotations"
        };
        self.set_status(
            format!(
                "Imported {} {noun} from {}",
                report.annotations,
                path.display()
            ),
            false,
        );
        self.exchange.close();
        self.exchange
            .show_report(path.display().to_string(), format, report);
    }
}

impl MarginaliaApp {
    /// The Export / Import windows' state (tests read the report from it).
    pub fn exchange(&self) -> &super::exchange::Exchange {
        &self.exchange
    }
}
