//! The article view: a custom widget that shows one document with its
//! highlights and keeps the user's selection as char offsets.
//!
//! PLACEHOLDER: draws each paragraph as a plain label. The real widget
//! (paragraph galleys laid out only when visible, painted highlight rects,
//! char-offset selection across paragraphs) replaces this file; its public
//! API is the one below.

use crate::model::{AnnotationId, DocId, Project};
use std::ops::Range;

/// What the view reads each frame.
pub struct TextViewInput<'a> {
    /// The project.
    pub project: &'a Project,
    /// The document shown.
    pub doc: &'a DocId,
    /// The project revision (from `History::revision`): caches key on it.
    pub revision: u64,
    /// The annotation selected in the panel/inspector, drawn emphasized.
    pub selected: Option<&'a AnnotationId>,
}

/// What happened in the view this frame.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextViewResponse {
    /// A highlight was clicked (without dragging): select this annotation.
    pub clicked_annotation: Option<AnnotationId>,
    /// The text selection changed this frame.
    pub selection_changed: bool,
}

/// State of the article view for one document.
#[derive(Default)]
pub struct TextView {
    selection: Option<Range<usize>>,
    scroll_request: Option<Range<usize>>,
}

impl TextView {
    /// A view with nothing selected.
    pub fn new() -> Self {
        Self::default()
    }

    /// Draws the document and handles pointer input.
    pub fn show(&mut self, ui: &mut egui::Ui, input: &TextViewInput<'_>) -> TextViewResponse {
        let Some(doc) = input.project.document(input.doc) else {
            ui.label("No document");
            return TextViewResponse::default();
        };
        self.scroll_request = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            for line in doc.text.lines() {
                ui.label(line);
            }
        });
        TextViewResponse::default()
    }

    /// The selected char range of the document, if non-empty.
    pub fn selection(&self) -> Option<Range<usize>> {
        self.selection.clone().filter(|r| r.start < r.end)
    }

    /// Sets the selection (keyboard commands, tests).
    pub fn set_selection(&mut self, range: Range<usize>) {
        self.selection = Some(range);
    }

    /// Clears the selection.
    pub fn clear_selection(&mut self) {
        self.selection = None;
    }

    /// Scrolls so `range` is visible (next frame) and flashes it.
    pub fn scroll_to(&mut self, range: Range<usize>) {
        self.scroll_request = Some(range);
    }
}
