//! What the viewpoint components (compare view, link panel, turns panel)
//! ask the app to do. They never change the project themselves: they read
//! `&Project` and return [`ViewpointAction`]s, which the app applies after the
//! frame (edits through `History`, so undo and dirty tracking cover them).

use crate::model::{AnnotationId, Color, DocId, Edit, Project, SpeakerId, TurnKind};

/// A file format the compare table can be exported to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// A Markdown table plus per-speaker stats.
    Markdown,
    /// One line per claim.
    Csv,
    /// The stable JSON shape of [`crate::analysis::compare`].
    Json,
}

impl ExportFormat {
    /// All formats, in button order.
    pub const ALL: [ExportFormat; 3] = [Self::Markdown, Self::Csv, Self::Json];

    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }

    /// Name shown on buttons.
    pub fn name(self) -> &'static str {
        match self {
            Self::Markdown => "Markdown",
            Self::Csv => "CSV",
            Self::Json => "JSON",
        }
    }
}

/// A request from a viewpoint component to the app.
// A handful of actions per frame at most: boxing the edit would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewpointAction {
    /// Apply this edit (one undo step) through the history.
    Apply(Edit),
    /// Show this annotation: open its document, scroll to it, select it.
    Jump {
        /// The document holding the annotation.
        doc: DocId,
        /// The annotation.
        annotation: AnnotationId,
    },
    /// Show this annotation and start linking it to another claim (the
    /// inspector's "Link to…" picker opens).
    StartLink {
        /// The document holding the annotation.
        doc: DocId,
        /// The annotation the link starts from.
        annotation: AnnotationId,
    },
    /// Save `content` to a file the user picks (the app shows the dialog).
    Export {
        /// The format of `content`.
        format: ExportFormat,
        /// A suggested file name, with extension.
        file_name: String,
        /// The rendered file.
        content: String,
    },
    /// Something failed; show this message to the user.
    Error(String),
}

/// The egui colour of a codebook colour.
pub(crate) fn color32(c: &Color) -> egui::Color32 {
    let [r, g, b] = c.0;
    egui::Color32::from_rgb(r, g, b)
}

/// Black or white, whichever reads better on `bg`.
pub(crate) fn text_on(bg: egui::Color32) -> egui::Color32 {
    let lum = 0.299 * f32::from(bg.r()) + 0.587 * f32::from(bg.g()) + 0.114 * f32::from(bg.b());
    if lum > 140.0 {
        egui::Color32::BLACK
    } else {
        egui::Color32::WHITE
    }
}

/// The first `max` chars of `s` on one line, with "…" when cut.
pub fn snippet(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let mut out: String = flat.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// A speaker's display name, or "(no speaker)".
pub(crate) fn speaker_name(project: &Project, id: Option<&SpeakerId>) -> String {
    id.and_then(|s| project.speaker(s))
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "(no speaker)".into())
}

/// A speaker's short name: the last word of the name ("Miller").
pub(crate) fn short_name(project: &Project, id: Option<&SpeakerId>) -> String {
    let full = speaker_name(project, id);
    full.split_whitespace()
        .last()
        .map(str::to_owned)
        .unwrap_or(full)
}

/// The speaker of an annotation: its own, or that of the turn it starts in.
pub(crate) fn annotation_speaker<'a>(
    project: &'a Project,
    a: &'a crate::model::Annotation,
) -> Option<&'a SpeakerId> {
    a.speaker.as_ref().or_else(|| {
        project
            .turn_at(&a.doc, a.start)
            .and_then(|t| t.speaker.as_ref())
    })
}

/// Display name of a turn kind.
pub fn kind_name(kind: TurnKind) -> &'static str {
    match kind {
        TurnKind::Narration => "Narration",
        TurnKind::Question => "Question",
        TurnKind::Answer => "Answer",
    }
}

/// The colour of a relation kind's badge: green agrees, red contradicts,
/// amber qualifies, grey for custom kinds.
pub(crate) fn kind_color(kind: &str) -> egui::Color32 {
    match kind {
        "agrees" => egui::Color32::from_rgb(0x2e, 0x8b, 0x3a),
        "contradicts" => egui::Color32::from_rgb(0xc6, 0x28, 0x28),
        "qualifies" => egui::Color32::from_rgb(0xc7, 0x8a, 0x00),
        _ => egui::Color32::GRAY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_cuts_on_chars_not_bytes() {
        assert_eq!(snippet("Путин  сказал\nвсё", 100), "Путин сказал всё");
        assert_eq!(snippet("Путин сказал всё", 6), "Путин…");
        assert_eq!(snippet("👍🏽 e\u{301}", 2), "👍…");
    }

    #[test]
    fn text_colour_contrasts() {
        assert_eq!(text_on(egui::Color32::WHITE), egui::Color32::BLACK);
        assert_eq!(
            text_on(egui::Color32::from_rgb(20, 20, 80)),
            egui::Color32::WHITE
        );
    }
}
