//! Undo and redo.
//!
//! [`History`] applies [`Edit`]s to a project and keeps the inverse of each,
//! so undo applies the inverse and redo re-applies the inverse of that. Each
//! project state gets a number; the dirty flag compares the current state's
//! number with the one last saved, so undoing back to the saved state makes
//! the project clean again. [`History::revision`] grows with every change and
//! keys the caches of derived data (layout, highlight indexes).

use super::edit::{Edit, EditError};
use super::project::Project;

/// Most undo steps kept; older ones are forgotten.
pub const MAX_UNDO: usize = 10_000;

#[derive(Clone, Debug)]
struct Entry {
    /// The edit that returns to the state numbered `state`.
    edit: Edit,
    label: String,
    state: u64,
}

/// Undo and redo stacks plus dirty tracking.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Entry>,
    redo: Vec<Entry>,
    state: u64,
    next_state: u64,
    saved_state: Option<u64>,
    revision: u64,
}

impl History {
    /// A history whose current state counts as saved.
    pub fn new_saved() -> Self {
        Self {
            saved_state: Some(0),
            ..Self::default()
        }
    }

    /// Applies `edit` as one undo step.
    pub fn apply(&mut self, project: &mut Project, edit: Edit) -> Result<(), EditError> {
        let label = edit.label();
        let inverse = edit.apply(project)?;
        self.undo.push(Entry {
            edit: inverse,
            label,
            state: self.state,
        });
        if self.undo.len() > MAX_UNDO {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.next_state += 1;
        self.state = self.next_state;
        self.revision += 1;
        Ok(())
    }

    /// Undoes the last step; `Ok(false)` if there was nothing to undo.
    pub fn undo(&mut self, project: &mut Project) -> Result<bool, EditError> {
        Self::step(
            &mut self.undo,
            &mut self.redo,
            &mut self.state,
            &mut self.revision,
            project,
        )
    }

    /// Redoes the last undone step; `Ok(false)` if there was nothing to redo.
    pub fn redo(&mut self, project: &mut Project) -> Result<bool, EditError> {
        Self::step(
            &mut self.redo,
            &mut self.undo,
            &mut self.state,
            &mut self.revision,
            project,
        )
    }

    fn step(
        from: &mut Vec<Entry>,
        to: &mut Vec<Entry>,
        state: &mut u64,
        revision: &mut u64,
        project: &mut Project,
    ) -> Result<bool, EditError> {
        let Some(entry) = from.pop() else {
            return Ok(false);
        };
        match entry.edit.clone().apply(project) {
            Ok(inverse) => {
                to.push(Entry {
                    edit: inverse,
                    label: entry.label,
                    state: *state,
                });
                *state = entry.state;
                *revision += 1;
                Ok(true)
            }
            Err(e) => {
                from.push(entry);
                Err(e)
            }
        }
    }

    /// What Undo would undo.
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|e| e.label.as_str())
    }

    /// What Redo would redo.
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|e| e.label.as_str())
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Records that the current state is what is on disk.
    pub fn mark_saved(&mut self) {
        self.saved_state = Some(self.state);
    }

    /// Whether the project differs from what was last saved.
    pub fn is_dirty(&self) -> bool {
        self.saved_state != Some(self.state)
    }

    /// Grows with every change to the project (apply, undo, redo).
    pub fn revision(&self) -> u64 {
        self.revision
    }
}
