//! Derived views of a project: speaker turns, the compare matrix, statistics.

pub mod compare;
pub mod speakers;
