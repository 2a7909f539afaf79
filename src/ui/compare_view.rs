//! The compare view: what each speaker claims, topic by topic, with their
//! agreements and contradictions, plus a per-speaker summary.
//!
//! The body of a window or panel. It shows a
//! [`CompareTable`]: rows are topics
//! (question turns, or the tags of a group), columns are speakers, cells list
//! claims; a red bar marks rows where speakers contradict each other,
//! and badges under a claim show its links (`<->` symmetric kinds, `->`
//! outgoing, `<-` incoming; green agrees, red contradicts, amber qualifies).
//! Clicking a claim (or a relation badge) returns
//! [`ViewpointAction::Jump`]; the export buttons return
//! [`ViewpointAction::Export`] with the rendered file.
//!
//! The table and everything drawn from it (snippets, chips, badge texts,
//! chart bars) are built once per (revision, documents, options) and kept,
//! never rebuilt per frame.

use super::viewpoints::{
    ExportFormat, ViewpointAction, color32, kind_color, short_name, snippet, text_on,
};
use crate::analysis::compare::{CompareTable, Topics};
use crate::model::{AnnotationId, DocId, Project, TagId};
use egui::{Color32, RichText};

/// Where the rows come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TopicSource {
    /// One row per question.
    #[default]
    Questions,
    /// One row per tag of a group.
    Tags,
}

/// Which tab is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CompareTab {
    /// The topics × speakers table.
    #[default]
    Table,
    /// Per-speaker tag counts and coverage.
    Summary,
}

/// Max chars of a claim's quote shown in a cell.
const CLAIM_CHARS: usize = 140;
/// Text size of relation badges (between `small` and body).
const BADGE_SIZE: f32 = 11.0;
/// Max chars of the other claim's quote in a badge.
const BADGE_CHARS: usize = 48;

#[derive(Clone, Debug, PartialEq)]
struct Key {
    revision: u64,
    docs: Vec<DocId>,
    topics: Topics,
    only_disagreements: bool,
}

struct Badge {
    text: String,
    color: Color32,
    doc: DocId,
    other: AnnotationId,
    tooltip: String,
}

struct ClaimView {
    annotation: AnnotationId,
    doc: DocId,
    label: String,
    quote: String,
    chips: Vec<(String, Color32)>,
    badges: Vec<Badge>,
}

struct RowView {
    label: String,
    disagreement: bool,
    cells: Vec<Vec<ClaimView>>,
}

struct SummaryView {
    name: String,
    coverage: String,
    bars: Vec<(String, f64, Color32)>,
}

struct Prepared {
    key: Key,
    table: CompareTable,
    columns: Vec<String>,
    rows: Vec<RowView>,
    summary: Vec<SummaryView>,
    groups: Vec<(TagId, String)>,
}

/// State of the compare view: options, tab and the cached table.
#[derive(Default)]
pub struct CompareView {
    /// Where the rows come from.
    pub source: TopicSource,
    /// The tag group for [`TopicSource::Tags`]; `None`: top-level tags.
    pub group: Option<TagId>,
    /// Show only rows where speakers contradict each other.
    pub only_disagreements: bool,
    /// The tab shown.
    pub tab: CompareTab,
    cache: Option<Prepared>,
    builds: u64,
}

impl CompareView {
    /// A view showing questions, all rows.
    pub fn new() -> Self {
        Self::default()
    }

    /// The topics the options select.
    pub fn topics(&self) -> Topics {
        match self.source {
            TopicSource::Questions => Topics::Questions,
            TopicSource::Tags => Topics::Tags {
                group: self.group.clone(),
            },
        }
    }

    /// Forgets the cached table (e.g. after opening another project whose
    /// revision numbers start again).
    pub fn invalidate(&mut self) {
        self.cache = None;
    }

    /// The table as last shown (after the disagreement filter), if built.
    pub fn table(&self) -> Option<&CompareTable> {
        self.cache.as_ref().map(|p| &p.table)
    }

    /// Rebuilds the cached table if the revision, documents or options changed.
    fn refresh(&mut self, project: &Project, docs: &[DocId], revision: u64) {
        let topics = self.topics();
        let fresh = self.cache.as_ref().is_some_and(|p| {
            p.key.revision == revision
                && p.key.docs == docs
                && p.key.topics == topics
                && p.key.only_disagreements == self.only_disagreements
        });
        if !fresh {
            let key = Key {
                revision,
                docs: docs.to_vec(),
                topics,
                only_disagreements: self.only_disagreements,
            };
            self.cache = Some(prepare(project, key));
            self.builds += 1;
        }
    }

    /// How many times the table has been built (it should change only with
    /// the revision, the documents or the options; for tests and profiling).
    pub fn builds(&self) -> u64 {
        self.builds
    }

    /// Draws the view over `docs` (all documents when empty). `revision` is
    /// the project's (from `History::revision`); the table is rebuilt only
    /// when it or the options change.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        docs: &[DocId],
        revision: u64,
    ) -> Vec<ViewpointAction> {
        let mut actions = Vec::new();
        self.refresh(project, docs, revision);
        let export = self.options_ui(ui);
        // Options may have changed this frame: rebuild before drawing.
        self.refresh(project, docs, revision);
        let Some(prep) = self.cache.as_ref() else {
            return actions;
        };
        if let Some(format) = export {
            actions.push(export_action(&prep.table, format));
        }
        ui.separator();
        match self.tab {
            CompareTab::Table => table_ui(ui, prep, &mut actions),
            CompareTab::Summary => summary_ui(ui, prep),
        }
        actions
    }

    /// The option bar; returns the export format clicked, if any.
    fn options_ui(&mut self, ui: &mut egui::Ui) -> Option<ExportFormat> {
        let mut export = None;
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut self.tab, CompareTab::Table, "Table");
            ui.selectable_value(&mut self.tab, CompareTab::Summary, "Summary");
            ui.separator();
            ui.label("Topics:");
            ui.radio_value(&mut self.source, TopicSource::Questions, "Questions");
            ui.radio_value(&mut self.source, TopicSource::Tags, "Tags");
            if self.source == TopicSource::Tags {
                let groups = self
                    .cache
                    .as_ref()
                    .map(|p| p.groups.as_slice())
                    .unwrap_or(&[]);
                if let Some(g) = &self.group
                    && !groups.iter().any(|(id, _)| id == g)
                {
                    self.group = None;
                }
                let current = self
                    .group
                    .as_ref()
                    .and_then(|g| groups.iter().find(|(id, _)| id == g))
                    .map(|(_, n)| n.as_str())
                    .unwrap_or("Top-level tags");
                egui::ComboBox::from_label("Tag group")
                    .selected_text(current)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.group, None, "Top-level tags");
                        for (id, name) in groups {
                            ui.selectable_value(&mut self.group, Some(id.clone()), name);
                        }
                    });
            }
            ui.separator();
            ui.checkbox(&mut self.only_disagreements, "Only disagreements");
            ui.separator();
            ui.label("Export:");
            for f in ExportFormat::ALL {
                if ui
                    .button(f.name())
                    .on_hover_text(format!("Export the table as {}", f.name()))
                    .clicked()
                {
                    export = Some(f);
                }
            }
        });
        export
    }
}

/// Renders `table` in `format` as an export action (or an error).
fn export_action(table: &CompareTable, format: ExportFormat) -> ViewpointAction {
    let content = match format {
        ExportFormat::Markdown => Ok(table.to_markdown()),
        ExportFormat::Csv => table.to_csv().map_err(|e| e.to_string()),
        ExportFormat::Json => table.to_json().map_err(|e| e.to_string()),
    };
    match content {
        Ok(content) => ViewpointAction::Export {
            format,
            file_name: format!("compare-{}.{}", table.by, format.extension()),
            content,
        },
        Err(e) => ViewpointAction::Error(format!(
            "could not export the compare table as {}: {e}",
            format.name()
        )),
    }
}

/// Builds the table and everything drawn from it.
fn prepare(project: &Project, key: Key) -> Prepared {
    let full = CompareTable::build(project, &key.docs, &key.topics);
    let table = if key.only_disagreements {
        full.only_disagreements()
    } else {
        full
    };
    let chips_of = |id: &AnnotationId| -> Vec<(String, Color32)> {
        project
            .annotation(id)
            .map(|a| {
                a.tags
                    .iter()
                    .filter_map(|t| project.codebook.get(t))
                    .map(|t| (format!(" {} ", t.name), color32(&t.color)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let rows = table
        .rows
        .iter()
        .map(|row| RowView {
            label: row.label.clone(),
            disagreement: row.disagreement,
            cells: row
                .cells
                .iter()
                .map(|cell| {
                    cell.claims
                        .iter()
                        .map(|c| ClaimView {
                            annotation: c.annotation.clone(),
                            doc: c.doc.clone(),
                            label: snippet(&c.quote, CLAIM_CHARS),
                            quote: c.quote.clone(),
                            chips: chips_of(&c.annotation),
                            badges: c
                                .relations
                                .iter()
                                .filter_map(|l| {
                                    let other = project.annotation(&l.other)?;
                                    let who = short_name(project, l.other_speaker.as_ref());
                                    let quote = snippet(&other.quote, BADGE_CHARS);
                                    let symmetric =
                                        matches!(l.kind.as_str(), "agrees" | "contradicts");
                                    let text = if symmetric {
                                        format!("<-> {} {who}: “{quote}”", l.kind)
                                    } else if l.outgoing {
                                        format!("-> {} {who}: “{quote}”", l.kind)
                                    } else {
                                        format!("<- {who} {}: “{quote}”", l.kind)
                                    };
                                    Some(Badge {
                                        text,
                                        color: kind_color(&l.kind),
                                        doc: other.doc.clone(),
                                        other: other.id.clone(),
                                        tooltip: other.quote.clone(),
                                    })
                                })
                                .collect(),
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    let summary = table
        .stats
        .iter()
        .map(|s| {
            let short = s.name.split_whitespace().last().unwrap_or(&s.name);
            SummaryView {
                name: s.name.clone(),
                coverage: format!(
                    "{:.0} % of {short}’s answer text annotated ({} of {} chars)",
                    s.coverage * 100.0,
                    s.covered_chars,
                    s.answer_chars
                ),
                bars: s
                    .tags
                    .iter()
                    .map(|t| {
                        let color = project
                            .codebook
                            .get(&t.tag)
                            .map(|tag| color32(&tag.color))
                            .unwrap_or(Color32::GRAY);
                        (t.name.clone(), t.count as f64, color)
                    })
                    .collect(),
            }
        })
        .collect();
    let groups = project
        .codebook
        .tags
        .iter()
        .filter(|t| project.codebook.children(Some(&t.id)).next().is_some())
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    Prepared {
        key,
        columns: table.columns.iter().map(|c| c.name.clone()).collect(),
        table,
        rows,
        summary,
        groups,
    }
}

/// The topics × speakers grid.
fn table_ui(ui: &mut egui::Ui, prep: &Prepared, actions: &mut Vec<ViewpointAction>) {
    if prep.rows.is_empty() {
        ui.label(if prep.key.only_disagreements {
            "No topic where speakers contradict each other."
        } else {
            "No topics: detect speakers (for questions) or pick a tag group with tags."
        });
        return;
    }
    let topic_w = 260.0;
    let ncols = prep.columns.len().max(1) as f32;
    let col_w = ((ui.available_width() - topic_w - 40.0) / ncols).max(220.0);
    egui::ScrollArea::both()
        .id_salt("compare-table")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("compare-grid")
                .striped(true)
                .spacing([12.0, 8.0])
                .show(ui, |ui| {
                    ui.strong("Topic");
                    for name in &prep.columns {
                        ui.strong(name);
                    }
                    ui.end_row();
                    for row in &prep.rows {
                        ui.vertical(|ui| {
                            ui.set_width(topic_w);
                            ui.horizontal_top(|ui| {
                                disagreement_marker(ui, row.disagreement);
                                ui.add(egui::Label::new(&row.label).wrap());
                            });
                        });
                        for cell in &row.cells {
                            ui.vertical(|ui| {
                                ui.set_width(col_w);
                                for claim in cell {
                                    claim_ui(ui, claim, actions);
                                }
                            });
                        }
                        ui.end_row();
                    }
                });
        });
}

/// A red bar before a row where speakers contradict each other (drawn, so
/// it needs no special glyph); empty space otherwise.
fn disagreement_marker(ui: &mut egui::Ui, disagreement: bool) {
    let (rect, r) = ui.allocate_exact_size(egui::vec2(6.0, 18.0), egui::Sense::hover());
    if disagreement {
        ui.painter()
            .rect_filled(rect, 2.0, kind_color("contradicts"));
        r.on_hover_text("Speakers contradict each other on this topic");
    }
}

/// One claim: clickable quote, tag chips, relation badges.
fn claim_ui(ui: &mut egui::Ui, claim: &ClaimView, actions: &mut Vec<ViewpointAction>) {
    let r = ui
        .add(egui::Button::new(claim.label.as_str()).frame(false).wrap())
        .on_hover_text(&claim.quote);
    if r.clicked() {
        actions.push(ViewpointAction::Jump {
            doc: claim.doc.clone(),
            annotation: claim.annotation.clone(),
        });
    }
    r.context_menu(|ui| {
        if ui.button("Link to another claim…").clicked() {
            actions.push(ViewpointAction::StartLink {
                doc: claim.doc.clone(),
                annotation: claim.annotation.clone(),
            });
            ui.close();
        }
    });
    if !claim.chips.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 4.0;
            for (name, color) in &claim.chips {
                ui.label(
                    RichText::new(name)
                        .small()
                        .background_color(*color)
                        .color(text_on(*color)),
                );
            }
        });
    }
    for b in &claim.badges {
        let r = ui
            .add(
                egui::Button::new(RichText::new(&b.text).size(BADGE_SIZE).color(b.color))
                    .frame(false)
                    .wrap(),
            )
            .on_hover_text(&b.tooltip);
        if r.clicked() {
            actions.push(ViewpointAction::Jump {
                doc: b.doc.clone(),
                annotation: b.other.clone(),
            });
        }
    }
    ui.add_space(4.0);
}

/// Per speaker: tag counts as a bar chart and the coverage share.
fn summary_ui(ui: &mut egui::Ui, prep: &Prepared) {
    if prep.summary.is_empty() {
        ui.label("No speakers with answers or annotations.");
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("compare-summary")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (i, s) in prep.summary.iter().enumerate() {
                ui.heading(&s.name);
                ui.label(&s.coverage);
                if s.bars.is_empty() {
                    ui.label("No annotations.");
                } else {
                    bar_chart(ui, i, s);
                }
                ui.add_space(12.0);
            }
        });
}

/// Horizontal bars, one per tag, in the tag's colour.
fn bar_chart(ui: &mut egui::Ui, i: usize, s: &SummaryView) {
    use egui_plot::{Bar, BarChart, Plot};
    // The first tag on top: bar k sits at y = n - 1 - k.
    let n = s.bars.len();
    let names: Vec<String> = s.bars.iter().rev().map(|(n, _, _)| n.clone()).collect();
    let bars: Vec<Bar> = s
        .bars
        .iter()
        .enumerate()
        .map(|(k, (name, count, color))| {
            Bar::new((n - 1 - k) as f64, *count)
                .fill(*color)
                .name(name)
                .width(0.7)
        })
        .collect();
    let chart = BarChart::new(format!("{} tags", s.name), bars).horizontal();
    let height = 28.0 * s.bars.len() as f32 + 40.0;
    Plot::new(("compare-bars", i))
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_grid([true, false])
        .include_x(0.0)
        .y_axis_min_width(120.0)
        .y_axis_formatter(move |mark, _| {
            let k = mark.value.round();
            if (mark.value - k).abs() > 1e-6 || k < 0.0 {
                return String::new();
            }
            names.get(k as usize).cloned().unwrap_or_default()
        })
        .show(ui, |plot| plot.bar_chart(chart));
}
