//! Typed identifiers.
//!
//! Every entity in a project is named by a string id that is generated as a
//! UUIDv7 (time-ordered, random tail), so two annotators working apart never
//! produce the same id and their files merge without renumbering. Each kind of
//! entity has its own newtype so an annotation id can never be passed where a
//! tag id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// A fresh id that cannot collide with ids made elsewhere.
            pub fn generate() -> Self {
                Self(format!(concat!($prefix, "-{}"), uuid::Uuid::now_v7().simple()))
            }

            /// An id from a known string (tests, imports, the sample project).
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// Identifies a [`crate::model::Document`].
    DocId, "doc"
);
id_type!(
    /// Identifies a [`crate::model::Tag`] of the codebook.
    TagId, "tag"
);
id_type!(
    /// Identifies a [`crate::model::Speaker`].
    SpeakerId, "spk"
);
id_type!(
    /// Identifies an [`crate::model::Annotation`].
    AnnotationId, "ann"
);
id_type!(
    /// Identifies a [`crate::model::Relation`] between two annotations.
    RelationId, "rel"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_unique_and_prefixed() {
        let a = AnnotationId::generate();
        let b = AnnotationId::generate();
        assert_ne!(a, b);
        assert!(a.as_str().starts_with("ann-"));
        assert!(TagId::generate().as_str().starts_with("tag-"));
    }
}
