//! The data model: pure data and the rules over it.
//!
//! Nothing here knows about egui, files or clocks: time stamps are passed in,
//! and every change goes through an [`Edit`]. Offsets are chars, ranges
//! half-open (see [`text`]).

pub mod annotation;
pub mod codebook;
pub mod document;
pub mod edit;
pub mod history;
pub mod id_index;
pub mod ids;
pub mod project;
pub mod speakers;
pub mod text;

pub use annotation::{Annotation, Annotations, Relation, Timestamp};
pub use codebook::{Codebook, Color, Tag};
pub use document::{Document, Normalization};
pub use edit::{Edit, EditError};
pub use history::History;
pub use ids::{AnnotationId, DocId, RelationId, SpeakerId, TagId};
pub use project::{FORMAT_VERSION, Problem, Project};
pub use speakers::{Speaker, Turn, TurnKind};
