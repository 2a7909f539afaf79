//! Documents: the texts being annotated.
//!
//! A document's text is immutable once imported. Import normalizes it (a
//! leading BOM is removed, CRLF and lone CR become LF) and records what was
//! done in [`Normalization`], so offsets written by other tools against the raw
//! file can be understood. The SHA-256 of the normalized text lets annotations
//! be re-anchored, and any reader can check it still has the same text.

use super::ids::DocId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What import did to the raw bytes to get the stored text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalization {
    /// A leading U+FEFF byte-order mark was removed.
    pub bom_removed: bool,
    /// How many CRLF pairs were turned into LF.
    pub crlf_to_lf: usize,
    /// How many lone CRs were turned into LF.
    pub cr_to_lf: usize,
}

/// A text in the project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Stable id.
    pub id: DocId,
    /// Display title.
    pub title: String,
    /// Where the text came from (a file name or URL), if known.
    pub source: Option<String>,
    /// Hex SHA-256 of `text`.
    pub sha256: String,
    /// What import did to the raw text.
    pub normalization: Normalization,
    /// The normalized text; offsets count its chars.
    pub text: String,
}

impl Document {
    /// Builds a document from raw imported text, normalizing it.
    pub fn import(id: DocId, title: impl Into<String>, source: Option<String>, raw: &str) -> Self {
        let (text, normalization) = normalize(raw);
        Self {
            id,
            title: title.into(),
            source,
            sha256: sha256_hex(&text),
            normalization,
            text,
        }
    }

    /// Number of chars in the text.
    pub fn char_len(&self) -> usize {
        self.text.chars().count()
    }
}

/// Removes a BOM and turns CRLF / CR into LF.
pub fn normalize(raw: &str) -> (String, Normalization) {
    let mut n = Normalization::default();
    let body = match raw.strip_prefix('\u{feff}') {
        Some(rest) => {
            n.bom_removed = true;
            rest
        }
        None => raw,
    };
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
                n.crlf_to_lf += 1;
            } else {
                n.cr_to_lf += 1;
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    (out, n)
}

/// Lower-case hex SHA-256 of a string's UTF-8 bytes.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_strips_bom_and_crlf() {
        let d = Document::import(DocId::new("d"), "t", None, "\u{feff}a\r\nb\rc\n");
        assert_eq!(d.text, "a\nb\nc\n");
        assert!(d.normalization.bom_removed);
        assert_eq!(d.normalization.crlf_to_lf, 1);
        assert_eq!(d.normalization.cr_to_lf, 1);
        assert_eq!(d.sha256, sha256_hex("a\nb\nc\n"));
        assert_eq!(d.sha256.len(), 64);
    }
}
