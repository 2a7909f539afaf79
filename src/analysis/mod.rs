//! Derived views of a project: speaker turns, the compare matrix, statistics.

pub mod compare;
pub mod speaker_ops;
pub mod speakers;
pub mod turn_ops;
