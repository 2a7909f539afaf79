//! Speakers and the turns of a document.
//!
//! A [`Turn`] says who holds the floor over a char range of a document and in
//! what role (narration, question, answer). Turns of one document are sorted,
//! do not overlap, and are produced by speaker detection and corrected by hand.

use super::ids::{DocId, SpeakerId};
use serde::{Deserialize, Serialize};

/// A person whose words appear in the documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// Stable id.
    pub id: SpeakerId,
    /// Full display name.
    pub name: String,
    /// Other forms of the name found in texts ("Toft", "MS. TOFT").
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Role or affiliation, free text.
    #[serde(default)]
    pub role: String,
}

impl Speaker {
    /// A new speaker with a fresh id.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            id: SpeakerId::generate(),
            name: name.into(),
            aliases: Vec::new(),
            role: String::new(),
        }
    }

    /// Whether `label` names this speaker (name or alias, case-insensitive).
    pub fn answers_to(&self, label: &str) -> bool {
        let l = label.trim();
        self.name.eq_ignore_ascii_case(l) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(l))
    }
}

/// What kind of text a turn is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TurnKind {
    /// Headline, introduction, captions, stage directions: nobody's claim.
    Narration,
    /// An interviewer's or reporter's question.
    Question,
    /// A named speaker's words.
    Answer,
}

/// A stretch of a document spoken by one speaker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    /// The document.
    pub doc: DocId,
    /// First char.
    pub start: usize,
    /// One past the last char.
    pub end: usize,
    /// Who speaks; `None` for narration or an unnamed interviewer.
    pub speaker: Option<SpeakerId>,
    /// What kind of turn.
    pub kind: TurnKind,
}
