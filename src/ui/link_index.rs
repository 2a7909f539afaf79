//! Which links touch each annotation, so the inspector finds the selected
//! annotation's links without scanning every relation of the project each
//! frame.
//!
//! Built once per project revision that changed the relations. An edit of
//! one annotation (add, change, remove) never does: an annotation that is
//! still linked cannot be removed (see [`Edit::delete_annotation`], which
//! removes the links first in the same step). The app says so with
//! [`LinkIndex::keep`], and tagging text does not rebuild the index.
//!
//! [`Edit::delete_annotation`]: crate::model::Edit::delete_annotation

use crate::model::{AnnotationId, Project, Relation};
use std::collections::HashMap;

/// Positions in `Project::relations` of the links of each annotation.
#[derive(Clone, Debug, Default)]
pub struct LinkIndex {
    revision: Option<u64>,
    by_annotation: HashMap<AnnotationId, Vec<u32>>,
    /// Builds so far (for tests).
    builds: u64,
}

impl LinkIndex {
    /// Rebuilds the index if it is not of `revision`.
    pub fn refresh(&mut self, project: &Project, revision: u64) {
        if self.revision == Some(revision) {
            return;
        }
        self.by_annotation.clear();
        for (i, r) in project.relations.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            self.by_annotation
                .entry(r.from.clone())
                .or_default()
                .push(i);
            if r.to != r.from {
                self.by_annotation.entry(r.to.clone()).or_default().push(i);
            }
        }
        self.revision = Some(revision);
        self.builds += 1;
    }

    /// Announces that the edit which made `revision` left the relations as
    /// they were: an index of the revision before stays valid.
    pub fn keep(&mut self, revision: u64) {
        if self.revision.is_some() && self.revision == revision.checked_sub(1) {
            self.revision = Some(revision);
        }
    }

    /// The links of annotation `id`, in project order. Each answer is
    /// checked against the project, so a stale index can miss links but
    /// never names a wrong one.
    pub fn of<'a>(
        &'a self,
        project: &'a Project,
        id: &'a AnnotationId,
    ) -> impl Iterator<Item = &'a Relation> + 'a {
        self.by_annotation
            .get(id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(|&i| project.relations.get(i as usize))
            .filter(move |r| &r.from == id || &r.to == id)
    }

    /// How many times the index was built.
    pub fn builds(&self) -> u64 {
        self.builds
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::sample::sample_project;

    #[test]
    fn answers_like_a_scan_and_is_kept_across_annotation_edits() {
        let p = sample_project();
        assert!(!p.relations.is_empty(), "the sample has links");
        let mut links = LinkIndex::default();
        links.refresh(&p, 3);
        for a in &p.annotations {
            let scanned: Vec<&Relation> = p.relations_of(&a.id).collect();
            let indexed: Vec<&Relation> = links.of(&p, &a.id).collect();
            assert_eq!(indexed, scanned, "{}", a.id);
        }
        assert_eq!(links.builds(), 1);
        links.refresh(&p, 3);
        assert_eq!(links.builds(), 1);
        // Kept for the next revision only.
        links.keep(4);
        links.refresh(&p, 4);
        assert_eq!(links.builds(), 1);
        links.keep(6);
        links.refresh(&p, 6);
        assert_eq!(links.builds(), 2);
    }

    #[test]
    fn a_stale_index_names_no_wrong_link() {
        let mut p = sample_project();
        let mut links = LinkIndex::default();
        links.refresh(&p, 0);
        let r = p.relations.remove(0);
        // Not refreshed: the positions point one off now.
        for id in [&r.from, &r.to] {
            assert!(links.of(&p, id).all(|x| &x.from == id || &x.to == id));
        }
        links.refresh(&p, 1);
        let from = r.from.clone();
        assert_eq!(links.of(&p, &from).count(), p.relations_of(&from).count());
    }
}
