//! The Exchange windows: File › Export… (format, filters, offsets, the
//! live count of what will be written) and File › Import annotations…
//! (format and annotator set), plus the report an import leaves behind.
//!
//! The component only collects choices: it hands the app an
//! [`ExchangeAction`], and the app asks for a path, runs
//! [`crate::io::formats::export`] / [`crate::io::formats::import`] and applies
//! the import's edit through its history.

use crate::cli::import::IMPORT_FORMATS;
use crate::io::formats::common::Selection;
use crate::io::formats::{DoccanoForm, ExportOptions, Filter, Format, ImportReport, OffsetUnit};
use crate::model::{DocId, Project, SpeakerId, TagId};
use std::collections::HashSet;

/// What the user asked for in an Exchange window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExchangeAction {
    /// Export with these options (the app asks where).
    Export {
        /// The format to write.
        format: Format,
        /// Filters, offsets unit and format switches.
        options: ExportOptions,
    },
    /// Import a file of this format (the app asks which).
    Import {
        /// The format to read.
        format: Format,
        /// The annotator set for every imported annotation; empty: the sets
        /// the file names.
        annotator: String,
    },
}

/// Which Exchange window is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Export,
    Import,
}

/// A format's name in the pickers.
pub fn format_label(format: Format) -> &'static str {
    match format {
        Format::Csv => "CSV",
        Format::Json => "JSON",
        Format::Brat => "brat standoff",
        Format::W3c => "W3C Web Annotation",
        Format::Doccano => "doccano JSONL",
        Format::LabelStudio => "Label Studio",
        Format::Qdc => "REFI-QDA codebook (.qdc)",
        Format::Qdpx => "REFI-QDA project (.qdpx)",
        Format::Html => "HTML report",
        Format::Markdown => "Markdown report",
    }
}

/// One line on what a format holds and which tools read it.
pub fn format_description(format: Format) -> &'static str {
    match format {
        Format::Csv => "One row per annotation: spreadsheets, pandas, R",
        Format::Json => "The whole project as JSON: scripts, and back into Marginalia",
        Format::Brat => "A folder of .txt and .ann files: brat, INCEpTION, spaCy converters",
        Format::W3c => "A JSON-LD AnnotationCollection: Recogito, annotation servers",
        Format::Doccano => "JSONL for sequence labelling in doccano (counts UTF-16 units)",
        Format::LabelStudio => "Tasks JSON with its labelling config: Label Studio",
        Format::Qdc => "The codebook only: MAXQDA, NVivo, ATLAS.ti, QualCoder",
        Format::Qdpx => "Texts, codes and codings: MAXQDA, NVivo, ATLAS.ti, QualCoder",
        Format::Html => "A self-contained page to read, print or send",
        Format::Markdown => "A report for notes, wikis and pandoc",
    }
}

/// The file extension an export is written with (brat writes a folder: "").
pub fn export_extension(format: Format) -> &'static str {
    match format {
        Format::Csv => "csv",
        Format::Json | Format::LabelStudio => "json",
        Format::Brat => "",
        Format::W3c => "jsonld",
        Format::Doccano => "jsonl",
        Format::Qdc => "qdc",
        Format::Qdpx => "qdpx",
        Format::Html => "html",
        Format::Markdown => "md",
    }
}

/// The file extensions the import chooser offers for a format (brat reads
/// a folder: none).
pub fn import_extensions(format: Format) -> &'static [&'static str] {
    match format {
        Format::Csv => &["csv"],
        Format::Json | Format::LabelStudio => &["json"],
        Format::W3c => &["jsonld", "json"],
        Format::Doccano => &["jsonl", "json"],
        Format::Qdc => &["qdc"],
        Format::Qdpx => &["qdpx"],
        Format::Brat | Format::Html | Format::Markdown => &[],
    }
}

/// Whether a format writes offsets in a unit the user can choose.
pub fn takes_offset_unit(format: Format) -> bool {
    matches!(
        format,
        Format::Csv
            | Format::Json
            | Format::W3c
            | Format::Doccano
            | Format::LabelStudio
            | Format::Qdpx
    )
}

/// The export form: format, switches and filters. Filters are kept as what
/// the user unchecked, so tags, sets and speakers added later start checked.
#[derive(Clone, Debug)]
struct ExportForm {
    format: Format,
    offsets: OffsetUnit,
    spreadsheet_safe: bool,
    doccano: DoccanoForm,
    off_annotators: HashSet<String>,
    off_tags: HashSet<TagId>,
    off_speakers: HashSet<SpeakerId>,
    off_docs: HashSet<DocId>,
    /// The count and what it was computed for: (revision, annotations in
    /// the project); `None` after a filter change.
    count: Option<((u64, usize), usize)>,
}

impl Default for ExportForm {
    fn default() -> Self {
        Self {
            format: Format::Csv,
            offsets: OffsetUnit::Chars,
            spreadsheet_safe: true,
            doccano: DoccanoForm::Auto,
            off_annotators: HashSet::new(),
            off_tags: HashSet::new(),
            off_speakers: HashSet::new(),
            off_docs: HashSet::new(),
            count: None,
        }
    }
}

/// Whether a tag has an ancestor that is checked (so it is included with it).
fn ancestor_checked(project: &Project, off: &HashSet<TagId>, tag: &TagId) -> bool {
    let cb = &project.codebook;
    let mut cur = cb.get(tag).and_then(|t| t.parent.clone());
    let mut steps = 0;
    while let Some(p) = cur {
        if cb.get(&p).is_none() || steps > cb.tags.len() {
            return false;
        }
        if !off.contains(&p) {
            return true;
        }
        steps += 1;
        cur = cb.get(&p).and_then(|t| t.parent.clone());
    }
    false
}

impl ExportForm {
    /// The filter the checkboxes describe; `None` when a whole group is
    /// unchecked (nothing can be exported).
    fn filter(&self, project: &Project) -> Option<Filter> {
        fn pick<T: Clone + Eq + std::hash::Hash>(
            all: impl Iterator<Item = T>,
            off: &HashSet<T>,
        ) -> Option<Vec<T>> {
            let all: Vec<T> = all.collect();
            let on: Vec<T> = all.iter().filter(|x| !off.contains(x)).cloned().collect();
            if on.len() == all.len() {
                Some(Vec::new())
            } else if on.is_empty() {
                None
            } else {
                Some(on)
            }
        }
        Some(Filter {
            annotators: pick(project.all_annotators().into_iter(), &self.off_annotators)?,
            tags: pick(
                project.codebook.tags.iter().map(|t| t.id.clone()),
                &self.off_tags,
            )?,
            speakers: pick(
                project.speakers.iter().map(|s| s.id.clone()),
                &self.off_speakers,
            )?,
            documents: pick(
                project.documents.iter().map(|d| d.id.clone()),
                &self.off_docs,
            )?,
        })
    }

    /// The options to export with; `None` when nothing is selected.
    fn options(&self, project: &Project) -> Option<ExportOptions> {
        Some(ExportOptions {
            filter: self.filter(project)?,
            offsets: if takes_offset_unit(self.format) {
                self.offsets
            } else {
                OffsetUnit::Chars
            },
            raw: !self.spreadsheet_safe,
            doccano: self.doccano,
        })
    }

    /// How many annotations the export will hold, recounted only when the
    /// filter or the project changed.
    fn count(&mut self, project: &Project, revision: u64) -> usize {
        let key = (revision, project.annotations.len());
        match self.count {
            Some((k, n)) if k == key => n,
            _ => {
                let n = self
                    .options(project)
                    .map_or(0, |o| Selection::new(project, &o).annotations.len());
                self.count = Some((key, n));
                n
            }
        }
    }

    fn ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        revision: u64,
    ) -> Option<ExchangeAction> {
        // The choices scroll; the count and the button stay in view below.
        let body_height = (ui.ctx().content_rect().height() - 220.0).clamp(160.0, 640.0);
        let changed = egui::ScrollArea::vertical()
            .id_salt("export_body")
            .max_height(body_height)
            .auto_shrink([false, true])
            .show(ui, |ui| self.body_ui(ui, project))
            .inner;
        if changed {
            self.count = None;
        }
        ui.separator();
        self.footer_ui(ui, project, revision)
    }

    /// Format, format switches and filters; returns whether the selection
    /// changed.
    fn body_ui(&mut self, ui: &mut egui::Ui, project: &Project) -> bool {
        let mut changed = false;
        ui.label(egui::RichText::new("Format").strong());
        egui::Grid::new("export_formats")
            .num_columns(2)
            .spacing([12.0, 2.0])
            .show(ui, |ui| {
                for f in Format::ALL {
                    if ui
                        .radio_value(&mut self.format, f, format_label(f))
                        .changed()
                    {
                        changed = true;
                    }
                    ui.label(egui::RichText::new(format_description(f)).weak());
                    ui.end_row();
                }
            });
        ui.separator();

        if takes_offset_unit(self.format) {
            ui.horizontal(|ui| {
                ui.label("Offsets in");
                ui.radio_value(&mut self.offsets, OffsetUnit::Chars, "characters");
                ui.radio_value(&mut self.offsets, OffsetUnit::Utf16, "UTF-16 units");
                ui.radio_value(&mut self.offsets, OffsetUnit::Bytes, "UTF-8 bytes");
            });
            let hint = match self.format {
                Format::Doccano => Some(
                    "doccano's editor counts UTF-16 units: choose UTF-16 unless the project uses grapheme mode.",
                ),
                Format::LabelStudio | Format::W3c => Some(
                    "Browser-based tools often count UTF-16 units; characters are the standard.",
                ),
                Format::Qdpx => Some("NVivo counts UTF-16 units; the others count characters."),
                _ => None,
            };
            if let Some(h) = hint {
                let color = if self.format == Format::Doccano && self.offsets != OffsetUnit::Utf16 {
                    ui.visuals().warn_fg_color
                } else {
                    ui.visuals().weak_text_color()
                };
                ui.label(egui::RichText::new(h).color(color));
            }
        } else if self.format == Format::Brat {
            ui.label(
                egui::RichText::new("brat counts characters; its files go into a folder.").weak(),
            );
        }
        if self.format == Format::Csv {
            ui.checkbox(&mut self.spreadsheet_safe, "Spreadsheet-safe CSV")
                .on_hover_text(
                    "Cells starting with = + - @ get a leading apostrophe so a spreadsheet \
                     does not run them as formulas",
                );
        }
        if self.format == Format::Doccano {
            ui.horizontal(|ui| {
                ui.label("doccano form");
                ui.radio_value(&mut self.doccano, DoccanoForm::Auto, "automatic")
                    .on_hover_text("entities and relations when links are exported, else label");
                ui.radio_value(&mut self.doccano, DoccanoForm::Label, "label (spans only)");
                ui.radio_value(
                    &mut self.doccano,
                    DoccanoForm::Entities,
                    "entities and relations",
                );
            });
        }
        ui.separator();

        changed |= self.filters_ui(ui, project);
        changed
    }

    /// The live count and the Export button.
    fn footer_ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        revision: u64,
    ) -> Option<ExchangeAction> {
        let n = self.count(project, revision);
        let options = self.options(project);
        let text = if n == 1 {
            "1 annotation will be exported".to_string()
        } else {
            format!("{n} annotations will be exported")
        };
        ui.label(egui::RichText::new(text).strong());
        if options.is_none() {
            ui.label(
                egui::RichText::new("Check at least one item in each group.")
                    .color(ui.visuals().warn_fg_color),
            );
        }
        let mut action = None;
        ui.horizontal(|ui| {
            let r = ui
                .add_enabled(options.is_some(), egui::Button::new("Export…"))
                .on_hover_text(if self.format == Format::Brat {
                    "Choose a folder and write the files"
                } else {
                    "Choose a file and write it"
                });
            if r.clicked()
                && let Some(options) = options
            {
                action = Some(ExchangeAction::Export {
                    format: self.format,
                    options,
                });
            }
        });
        action
    }

    /// The filter groups; returns whether anything changed.
    fn filters_ui(&mut self, ui: &mut egui::Ui, project: &Project) -> bool {
        let mut changed = false;
        egui::CollapsingHeader::new("Annotator sets")
            .default_open(true)
            .show(ui, |ui| {
                let all = project.all_annotators();
                changed |= all_none(ui, "annotator sets", &mut self.off_annotators, &all);
                for a in &all {
                    changed |= toggle(ui, &mut self.off_annotators, a, a);
                }
            });
        egui::CollapsingHeader::new("Tags")
            .default_open(true)
            .show(ui, |ui| {
                let ids: Vec<TagId> = project.codebook.tags.iter().map(|t| t.id.clone()).collect();
                changed |= all_none(ui, "tags", &mut self.off_tags, &ids);
                for (tag, depth) in project.codebook.tree_order() {
                    let forced = ancestor_checked(project, &self.off_tags, &tag.id);
                    ui.horizontal(|ui| {
                        ui.add_space(depth as f32 * 18.0);
                        if forced {
                            let mut on = true;
                            ui.add_enabled(false, egui::Checkbox::new(&mut on, &tag.name))
                                .on_disabled_hover_text("Included with its parent tag");
                        } else {
                            let was_on = !self.off_tags.contains(&tag.id);
                            if toggle(ui, &mut self.off_tags, &tag.id, &tag.name) {
                                changed = true;
                                // A tag includes its children: they follow it.
                                for d in project.codebook.with_descendants(&tag.id) {
                                    if was_on {
                                        self.off_tags.insert(d);
                                    } else {
                                        self.off_tags.remove(&d);
                                    }
                                }
                            }
                        }
                    });
                }
                if project.codebook.tags.is_empty() {
                    ui.label(egui::RichText::new("No tags").weak());
                }
            });
        egui::CollapsingHeader::new("Speakers")
            .default_open(true)
            .show(ui, |ui| {
                let ids: Vec<SpeakerId> = project.speakers.iter().map(|s| s.id.clone()).collect();
                changed |= all_none(ui, "speakers", &mut self.off_speakers, &ids);
                for s in &project.speakers {
                    changed |= toggle(ui, &mut self.off_speakers, &s.id, &s.name);
                }
                if project.speakers.is_empty() {
                    ui.label(egui::RichText::new("No speakers").weak());
                } else {
                    ui.label(
                        egui::RichText::new(
                            "Once a speaker is unchecked, annotations with no speaker are left out.",
                        )
                        .weak(),
                    );
                }
            });
        egui::CollapsingHeader::new("Documents")
            .default_open(true)
            .show(ui, |ui| {
                let ids: Vec<DocId> = project.documents.iter().map(|d| d.id.clone()).collect();
                changed |= all_none(ui, "documents", &mut self.off_docs, &ids);
                for d in &project.documents {
                    changed |= toggle(ui, &mut self.off_docs, &d.id, &d.title);
                }
            });
        changed
    }
}

/// A checkbox that is on while `item` is not in `off`; returns whether it
/// was clicked.
fn toggle<T: Clone + Eq + std::hash::Hash>(
    ui: &mut egui::Ui,
    off: &mut HashSet<T>,
    item: &T,
    label: &str,
) -> bool {
    let mut on = !off.contains(item);
    let r = ui.checkbox(&mut on, label);
    if r.changed() {
        if on {
            off.remove(item);
        } else {
            off.insert(item.clone());
        }
        true
    } else {
        false
    }
}

/// "All" / "None" buttons for one group; returns whether one was clicked.
fn all_none<T: Clone + Eq + std::hash::Hash>(
    ui: &mut egui::Ui,
    what: &str,
    off: &mut HashSet<T>,
    all: &[T],
) -> bool {
    if all.len() < 2 {
        return false;
    }
    let mut changed = false;
    ui.horizontal(|ui| {
        if ui
            .small_button(format!("All {what}"))
            .on_hover_text("Check every item")
            .clicked()
        {
            off.clear();
            changed = true;
        }
        if ui
            .small_button(format!("No {what}"))
            .on_hover_text("Uncheck every item")
            .clicked()
        {
            off.extend(all.iter().cloned());
            changed = true;
        }
    });
    changed
}

/// The import form.
#[derive(Clone, Debug)]
struct ImportForm {
    format: Format,
    keep_sets: bool,
    annotator: String,
}

impl Default for ImportForm {
    fn default() -> Self {
        Self {
            format: Format::Doccano,
            keep_sets: true,
            annotator: "imported".into(),
        }
    }
}

impl ImportForm {
    fn ui(&mut self, ui: &mut egui::Ui) -> Option<ExchangeAction> {
        ui.label(egui::RichText::new("Format").strong());
        egui::Grid::new("import_formats")
            .num_columns(2)
            .spacing([12.0, 2.0])
            .show(ui, |ui| {
                for f in IMPORT_FORMATS {
                    ui.radio_value(&mut self.format, f, format_label(f));
                    ui.label(egui::RichText::new(format_description(f)).weak());
                    ui.end_row();
                }
            });
        ui.separator();
        ui.checkbox(
            &mut self.keep_sets,
            "Keep the annotator sets the file names",
        )
        .on_hover_text("Files that name no set go into a set named after the format");
        ui.add_enabled_ui(!self.keep_sets, |ui| {
            ui.horizontal(|ui| {
                let l = ui.label("Annotator set");
                ui.add(egui::TextEdit::singleline(&mut self.annotator).hint_text("imported"))
                    .labelled_by(l.id)
                    .on_hover_text("Every imported annotation goes into this set");
            });
        });
        ui.label(
            egui::RichText::new(
                "Documents are matched by their text; new tags and speakers are added. \
                 The whole import is one step: Undo removes it.",
            )
            .weak(),
        );
        ui.separator();
        let (button, hover) = if self.format == Format::Brat {
            ("Choose folder…", "Choose the folder of .txt and .ann files")
        } else {
            ("Choose file…", "Choose the file to import")
        };
        if ui.button(button).on_hover_text(hover).clicked() {
            let annotator = if self.keep_sets {
                String::new()
            } else {
                let a = self.annotator.trim();
                if a.is_empty() { "imported" } else { a }.to_string()
            };
            return Some(ExchangeAction::Import {
                format: self.format,
                annotator,
            });
        }
        None
    }
}

/// An import's report, shown until the user closes it.
#[derive(Clone, Debug)]
struct ShownReport {
    source: String,
    format: Format,
    report: ImportReport,
}

/// The Exchange windows' state: which is open, the choices made (kept
/// between openings), and the last import report.
#[derive(Clone, Debug, Default)]
pub struct Exchange {
    open: Option<Tab>,
    export: ExportForm,
    import: ImportForm,
    report: Option<ShownReport>,
    /// Frames left to repaint after a window opened: egui sizes a new
    /// window over a few frames, and nothing else asks for them.
    settle: u8,
}

impl Exchange {
    /// Opens the Export window (closing the Import one).
    pub fn open_export(&mut self) {
        self.open = Some(Tab::Export);
        self.export.count = None;
        self.settle = 10;
    }

    /// Opens the Import window (closing the Export one).
    pub fn open_import(&mut self) {
        self.open = Some(Tab::Import);
        self.settle = 10;
    }

    /// Closes the Export / Import window.
    pub fn close(&mut self) {
        self.open = None;
    }

    /// Whether the Export window is open.
    pub fn export_open(&self) -> bool {
        self.open == Some(Tab::Export)
    }

    /// Whether the Import window is open.
    pub fn import_open(&self) -> bool {
        self.open == Some(Tab::Import)
    }

    /// Shows an import's report in its own window.
    pub fn show_report(&mut self, source: String, format: Format, report: ImportReport) {
        self.report = Some(ShownReport {
            source,
            format,
            report,
        });
        self.settle = 10;
    }

    /// The report being shown, if any.
    pub fn report(&self) -> Option<&ImportReport> {
        self.report.as_ref().map(|r| &r.report)
    }

    /// The export or import form's contents, for whichever is open.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        revision: u64,
    ) -> Option<ExchangeAction> {
        match self.open? {
            Tab::Export => self.export.ui(ui, project, revision),
            Tab::Import => self.import.ui(ui),
        }
    }

    /// Draws the open windows; returns what the user asked for.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        revision: u64,
    ) -> Option<ExchangeAction> {
        let mut action = None;
        if self.settle > 0 {
            self.settle -= 1;
            ctx.request_repaint();
        }
        if let Some(tab) = self.open {
            let title = match tab {
                Tab::Export => "Export",
                Tab::Import => "Import annotations",
            };
            let mut open = true;
            let screen = ctx.content_rect();
            // Height follows the content (the choices scroll inside), so
            // the count and the button are never cut off.
            egui::Window::new(title)
                .id(egui::Id::unique("exchange_window"))
                .open(&mut open)
                .collapsible(false)
                .resizable([true, false])
                .default_width(600.0)
                .default_pos([screen.center().x - 300.0, screen.top() + 40.0])
                .show(ctx, |ui| {
                    action = self.ui(ui, project, revision);
                });
            if !open {
                self.open = None;
            }
        }
        self.report_window(ctx);
        action
    }

    fn report_window(&mut self, ctx: &egui::Context) {
        let Some(shown) = &self.report else {
            return;
        };
        let mut open = true;
        let mut close = false;
        let screen = ctx.content_rect();
        egui::Window::new("Import report")
            .open(&mut open)
            .collapsible(false)
            .resizable([true, false])
            .default_width(480.0)
            .default_pos([screen.center().x - 240.0, screen.top() + 80.0])
            .show(ctx, |ui| {
                let r = &shown.report;
                ui.label(
                    egui::RichText::new(format!(
                        "{} annotations imported from {}",
                        r.annotations, shown.source
                    ))
                    .strong(),
                );
                ui.label(
                    egui::RichText::new(format!("Format: {}", format_label(shown.format))).weak(),
                );
                egui::Grid::new("import_report_counts")
                    .num_columns(2)
                    .spacing([16.0, 2.0])
                    .show(ui, |ui| {
                        for (what, n) in [
                            ("Annotations", r.annotations),
                            ("Links", r.relations),
                            ("Documents added", r.documents),
                            ("Tags added", r.tags),
                            ("Speakers added", r.speakers),
                            ("Items skipped", r.skipped.len()),
                        ] {
                            ui.label(what);
                            ui.label(n.to_string());
                            ui.end_row();
                        }
                    });
                egui::ScrollArea::vertical()
                    .id_salt("import_report_items")
                    .max_height(260.0)
                    .show(ui, |ui| {
                        if !r.skipped.is_empty() {
                            ui.label(egui::RichText::new("Skipped").strong());
                            for s in &r.skipped {
                                ui.label(s);
                            }
                        }
                        if !r.notes.is_empty() {
                            ui.label(egui::RichText::new("Notes").strong());
                            for s in &r.notes {
                                ui.label(s);
                            }
                        }
                    });
                ui.add_space(4.0);
                if ui.button("Close report").clicked() {
                    close = true;
                }
            });
        if !open || close {
            self.report = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::sample::sample_project;

    #[test]
    fn unchecking_narrows_the_filter_and_empty_groups_select_nothing() {
        let p = sample_project();
        let mut f = ExportForm::default();
        assert_eq!(f.filter(&p), Some(Filter::default()));
        assert_eq!(f.count(&p, 0), p.annotations.len());

        let first = p.codebook.tree_order()[0].0.id.clone();
        f.off_tags.insert(first.clone());
        f.count = None;
        let filter = f.filter(&p).expect("some tags remain");
        assert!(!filter.tags.contains(&first));
        assert_eq!(filter.tags.len(), p.codebook.tags.len() - 1);
        let n = f.count(&p, 0);
        assert!(n < p.annotations.len(), "{n} of {}", p.annotations.len());

        f.off_docs.extend(p.documents.iter().map(|d| d.id.clone()));
        f.count = None;
        assert_eq!(f.filter(&p), None);
        assert_eq!(f.count(&p, 0), 0);
    }

    #[test]
    fn count_is_cached_until_the_revision_changes() {
        let p = sample_project();
        let mut f = ExportForm::default();
        assert_eq!(f.count(&p, 3), p.annotations.len());
        // A stale cache answers for the same key…
        f.count = Some(((3, p.annotations.len()), 7));
        assert_eq!(f.count(&p, 3), 7);
        // …and is recomputed for a new revision.
        assert_eq!(f.count(&p, 4), p.annotations.len());
    }

    #[test]
    fn options_drop_the_unit_where_a_format_has_none() {
        let p = sample_project();
        let f = ExportForm {
            format: Format::Brat,
            offsets: OffsetUnit::Utf16,
            spreadsheet_safe: false,
            ..ExportForm::default()
        };
        let o = f.options(&p).expect("all checked");
        assert_eq!(o.offsets, OffsetUnit::Chars);
        assert!(o.raw);
        for format in Format::ALL {
            assert!(!format_label(format).is_empty());
            assert!(!format_description(format).is_empty());
            assert_eq!(export_extension(format).is_empty(), format == Format::Brat);
        }
        for format in IMPORT_FORMATS {
            assert_eq!(import_extensions(format).is_empty(), format == Format::Brat);
        }
    }
}
