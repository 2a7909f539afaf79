//! What panels hand back to the app, and the read-only view they draw from.
//!
//! Panels never change the project: they read a [`ViewCtx`] and push
//! [`Action`]s; the app applies them after the frame, in one place that goes
//! through `History` (so undo, redo and the dirty flag cover everything).

use super::commands::Command;
use crate::model::{Annotation, AnnotationId, DocId, Edit, Project, SpeakerId, TagId};
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

/// Something a panel asks the app to do after the frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Run a named command (menus, buttons).
    Command(Command),
    /// Apply an edit as one undo step.
    Edit(Box<Edit>),
    /// Select an annotation (or none) without scrolling the article.
    Select(Option<AnnotationId>),
    /// Select an annotation and scroll the article to it.
    Reveal(AnnotationId),
    /// Show another document.
    SwitchDoc(DocId),
    /// Apply a tag to the text selection (or toggle it on the selected
    /// annotation when no text is selected).
    ApplyTag(TagId),
    /// Re-anchor an annotation to the current text selection.
    SetRangeToSelection(AnnotationId),
    /// Open a project file (Open Recent).
    OpenPath(PathBuf),
    /// Forget the recent projects list.
    ClearRecent,
    /// Show a message in the status bar.
    Status(String),
    /// Select an annotation, scroll to it and open the link picker for it.
    StartLink(AnnotationId),
    /// Save text rendered by a view (a comparison export) to a file the
    /// user picks.
    SaveText {
        /// Suggested file name, with extension.
        file_name: String,
        /// What to write.
        content: String,
    },
}

impl Action {
    /// An [`Action::Edit`].
    pub fn edit(edit: Edit) -> Self {
        Action::Edit(Box::new(edit))
    }
}

/// The read-only state panels draw from.
#[derive(Clone, Copy)]
pub struct ViewCtx<'a> {
    /// The project.
    pub project: &'a Project,
    /// Grows with every change; caches key on it.
    pub revision: u64,
    /// The document shown.
    pub doc: Option<&'a DocId>,
    /// The selected annotation.
    pub selected: Option<&'a AnnotationId>,
    /// The text selected in the article, in chars.
    pub text_selection: Option<&'a Range<usize>>,
    /// Annotation counts, computed once per revision.
    pub counts: &'a Counts,
    /// The links of each annotation, found once per revision.
    pub links: &'a super::link_index::LinkIndex,
}

/// How many annotations each document, speaker and tag has. Rebuilt only
/// when the project revision changes, so panels never count per frame.
#[derive(Clone, Debug, Default)]
pub struct Counts {
    revision: Option<u64>,
    /// Annotations per document.
    pub per_doc: HashMap<DocId, usize>,
    /// Annotations per speaker.
    pub per_speaker: HashMap<SpeakerId, usize>,
    /// Annotations per tag.
    pub per_tag: HashMap<TagId, usize>,
}

impl Counts {
    /// Recounts if `revision` differs from the last count.
    pub fn refresh(&mut self, project: &Project, revision: u64) {
        if self.revision == Some(revision) {
            return;
        }
        *self = Counts {
            revision: Some(revision),
            ..Counts::default()
        };
        // Count by reference first (no id cloned per annotation), then own
        // the few distinct keys.
        let mut per_doc: HashMap<&DocId, usize> = HashMap::new();
        let mut per_speaker: HashMap<&SpeakerId, usize> = HashMap::new();
        let mut per_tag: HashMap<&TagId, usize> = HashMap::new();
        for a in &project.annotations {
            *per_doc.entry(&a.doc).or_default() += 1;
            if let Some(s) = &a.speaker {
                *per_speaker.entry(s).or_default() += 1;
            }
            for t in &a.tags {
                *per_tag.entry(t).or_default() += 1;
            }
        }
        self.per_doc = per_doc.into_iter().map(|(k, n)| (k.clone(), n)).collect();
        self.per_speaker = per_speaker
            .into_iter()
            .map(|(k, n)| (k.clone(), n))
            .collect();
        self.per_tag = per_tag.into_iter().map(|(k, n)| (k.clone(), n)).collect();
    }

    /// Updates the counts for one annotation changed by the edit that made
    /// `revision`: `before` is gone, `after` is there (either may be none).
    /// Does nothing unless the counts are of the revision just before, so
    /// the next [`Counts::refresh`] recounts from scratch.
    pub fn change(
        &mut self,
        before: Option<&Annotation>,
        after: Option<&Annotation>,
        revision: u64,
    ) {
        if self.revision.is_none() || self.revision != revision.checked_sub(1) {
            return;
        }
        fn bump<K: Clone + Eq + std::hash::Hash>(m: &mut HashMap<K, usize>, k: &K, up: bool) {
            if up {
                *m.entry(k.clone()).or_default() += 1;
            } else if let Some(n) = m.get_mut(k) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    m.remove(k);
                }
            }
        }
        for (a, up) in [(before, false), (after, true)] {
            let Some(a) = a else { continue };
            bump(&mut self.per_doc, &a.doc, up);
            if let Some(s) = &a.speaker {
                bump(&mut self.per_speaker, s, up);
            }
            for t in &a.tags {
                bump(&mut self.per_tag, t, up);
            }
        }
        self.revision = Some(revision);
    }

    /// Annotations in a document.
    pub fn doc(&self, id: &DocId) -> usize {
        self.per_doc.get(id).copied().unwrap_or(0)
    }

    /// Annotations naming a speaker.
    pub fn speaker(&self, id: &SpeakerId) -> usize {
        self.per_speaker.get(id).copied().unwrap_or(0)
    }

    /// Annotations carrying a tag.
    pub fn tag(&self, id: &TagId) -> usize {
        self.per_tag.get(id).copied().unwrap_or(0)
    }
}

/// An egui colour for a model colour.
pub fn color32(c: crate::model::Color) -> egui::Color32 {
    let [r, g, b] = c.0;
    egui::Color32::from_rgb(r, g, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::sample::sample_project;

    fn same(a: &Counts, b: &Counts) {
        assert_eq!(a.per_doc, b.per_doc);
        assert_eq!(a.per_speaker, b.per_speaker);
        assert_eq!(a.per_tag, b.per_tag);
    }

    #[test]
    fn a_change_patches_the_counts_like_a_recount() {
        let mut p = sample_project();
        let mut c = Counts::default();
        c.refresh(&p, 1);
        // Retag and unspeak one annotation.
        let before = p.annotations[0].clone();
        let mut after = before.clone();
        after.tags = vec![p.codebook.tags[1].id.clone(), p.codebook.tags[2].id.clone()];
        after.speaker = None;
        p.annotations[0] = after.clone();
        c.change(Some(&before), Some(&after), 2);
        let mut fresh = Counts::default();
        fresh.refresh(&p, 2);
        same(&c, &fresh);
        c.refresh(&p, 2);
        same(&c, &fresh);
        // Remove one.
        let gone = p.annotations.remove(3);
        c.change(Some(&gone), None, 3);
        fresh.refresh(&p, 3);
        same(&c, &fresh);
        // Out of sequence: left for a recount.
        c.change(None, Some(&gone), 7);
        assert_eq!(c.revision, Some(3));
    }
}
