//! Importing plain text and Markdown files as documents.
//!
//! The bytes must be UTF-8 (with or without a BOM) or UTF-16 with a BOM
//! (decoded here); anything else is an error that gives the byte offset of
//! the first bad byte, so the user can find it. The text is then normalized by
//! [`Document::import`] (BOM removed, CRLF and CR → LF, recorded in the
//! document's `normalization`). Files over [`MAX_TEXT_BYTES`] are refused
//! before they are read.
//!
//! The title is the first `# heading` of a Markdown file, else the file name
//! without its extension (the first line of a plain text is as often a photo
//! caption or a speaker's label as a headline).

use crate::model::{DocId, Document};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest text file [`import_text_file`] reads: 64 MiB.
pub const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// Why a text file could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be opened or read.
    #[error("{}: could not read the file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_TEXT_BYTES`].
    #[error(
        "{}: the file is {len} bytes, more than the {limit} bytes a text may have",
        path.display()
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its length.
        len: u64,
        /// The limit.
        limit: u64,
    },
    /// The file holds no text.
    #[error("{}: the file is empty", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Not UTF-8 (nor UTF-16 with a BOM).
    #[error(
        "{}: not UTF-8 text: invalid byte 0x{value:02x} at byte offset {byte} (line {line}); save the file as UTF-8 and import it again",
        path.display()
    )]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Offset of the first invalid byte.
        byte: usize,
        /// Its value.
        value: u8,
        /// 1-based line it is on.
        line: usize,
    },
    /// UTF-16 (as its BOM says) but broken: an odd length or an unpaired
    /// surrogate.
    #[error("{}: broken UTF-16 text at byte offset {byte}", path.display())]
    BadUtf16 {
        /// The file.
        path: PathBuf,
        /// Offset of the first bad code unit.
        byte: usize,
    },
}

/// Reads a `.txt` or `.md` file as a new document (see the module docs).
pub fn import_text_file(path: &Path) -> Result<Document, ImportError> {
    let bytes = read_capped(path)?;
    let raw = decode(path, &bytes)?;
    if raw.trim_start_matches('\u{feff}').is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    let is_markdown = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = guess_title(&raw, is_markdown).unwrap_or(stem);
    let source = path.file_name().map(|s| s.to_string_lossy().into_owned());
    Ok(document_from_text(title, source, &raw))
}

/// A new document (fresh id) from raw text, normalized like a file import;
/// for pasted text and importers that already hold the text.
pub fn document_from_text(title: impl Into<String>, source: Option<String>, raw: &str) -> Document {
    Document::import(DocId::generate(), title, source, raw)
}

/// The title a text suggests: its first Markdown `# heading` (for Markdown),
/// else its first non-empty line when that is short.
pub fn guess_title(raw: &str, markdown: bool) -> Option<String> {
    let lines = || {
        raw.trim_start_matches('\u{feff}')
            .lines()
            .map(|l| l.trim_end_matches('\r'))
    };
    if markdown {
        let heading = lines().find_map(|l| {
            let t = l.trim_start_matches(' ');
            // At most three spaces of indent, then `#` and a space (ATX).
            if l.len() - t.len() > 3 {
                return None;
            }
            let rest = t.strip_prefix('#')?;
            if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
                return None;
            }
            let text = rest.trim().trim_end_matches('#').trim_end();
            (!text.is_empty()).then(|| text.to_string())
        });
        if heading.is_some() {
            return heading;
        }
    }
    None
}

fn read_capped(path: &Path) -> Result<Vec<u8>, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("it is a folder, not a file")));
    }
    let too_large = |len| ImportError::TooLarge {
        path: path.to_path_buf(),
        len,
        limit: MAX_TEXT_BYTES,
    };
    if meta.len() > MAX_TEXT_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// UTF-8, or UTF-16 LE/BE announced by a BOM. The BOM is kept (as U+FEFF)
/// so that normalization records its removal.
fn decode(path: &Path, bytes: &[u8]) -> Result<String, ImportError> {
    let utf16 = match bytes {
        [0xff, 0xfe, ..] => Some(u16::from_le_bytes as fn([u8; 2]) -> u16),
        [0xfe, 0xff, ..] => Some(u16::from_be_bytes as fn([u8; 2]) -> u16),
        _ => None,
    };
    if let Some(unit) = utf16 {
        let bad = |byte| ImportError::BadUtf16 {
            path: path.to_path_buf(),
            byte,
        };
        if !bytes.len().is_multiple_of(2) {
            return Err(bad(bytes.len() - 1));
        }
        let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
        let mut out = String::with_capacity(bytes.len() / 2);
        let mut at_unit = 0;
        for c in char::decode_utf16(units) {
            match c {
                Ok(c) => {
                    out.push(c);
                    at_unit += c.len_utf16();
                }
                Err(_) => return Err(bad(at_unit * 2)),
            }
        }
        return Ok(out);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let byte = e.valid_up_to();
            Err(ImportError::NotUtf8 {
                path: path.to_path_buf(),
                byte,
                value: bytes.get(byte).copied().unwrap_or(0),
                line: 1 + bytes[..byte].iter().filter(|&&b| b == b'\n').count(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("{e}"));
        p
    }

    #[test]
    fn markdown_title_is_the_first_heading() {
        let md = "intro line\n\n## Sub\n# Что происходит — «итог»  #\ntext\n";
        assert_eq!(
            guess_title(md, true).as_deref(),
            Some("Что происходит — «итог»")
        );
        assert_eq!(guess_title(md, false), None, "plain text: the file name");
        assert_eq!(guess_title("#hashtag\n", true), None, "not a heading");
        // Indented four spaces: code, not a heading.
        assert_eq!(guess_title("    # code\n", true), None);
        assert_eq!(guess_title("\n \n", true), None);
    }

    #[test]
    fn import_normalizes_and_titles() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = file(
            dir.path(),
            "interview.txt",
            "\u{feff}Toft: “Yes.”\r\nMiller — no\u{a0}way\r\n".as_bytes(),
        );
        let d = import_text_file(&p).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.text, "Toft: “Yes.”\nMiller — no\u{a0}way\n");
        assert_eq!(d.title, "interview");
        assert_eq!(d.source.as_deref(), Some("interview.txt"));
        assert!(d.normalization.bom_removed);
        assert_eq!(d.normalization.crlf_to_lf, 2);

        let long = format!("{}\nmore", "word ".repeat(40));
        let p = file(dir.path(), "long-first-line.txt", long.as_bytes());
        let d = import_text_file(&p).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.title, "long-first-line");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let text = "\u{feff}# Россия 👩‍🔬\r\nbody\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        for (name, bytes) in [("le.md", le), ("be.md", be)] {
            let d = import_text_file(&file(dir.path(), name, &bytes))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(d.text, "# Россия 👩‍🔬\nbody\n", "{name}");
            assert_eq!(d.title, "Россия 👩‍🔬");
            assert!(d.normalization.bom_removed);
        }
        // An unpaired surrogate: units BOM, 'a', 0xD800, 'b'.
        let bad: Vec<u8> = [0xfeff_u16, 0x61, 0xd800, 0x62]
            .iter()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let e = import_text_file(&file(dir.path(), "bad16.txt", &bad)).unwrap_err();
        assert!(matches!(e, ImportError::BadUtf16 { byte: 4, .. }), "{e}");
        let e = import_text_file(&file(dir.path(), "odd16.txt", &[0xff, 0xfe, 0x61])).unwrap_err();
        assert!(matches!(e, ImportError::BadUtf16 { byte: 2, .. }), "{e}");
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let e = import_text_file(&file(dir.path(), "latin1.txt", b"ok\ncaf\xe9\n")).unwrap_err();
        assert!(
            matches!(
                e,
                ImportError::NotUtf8 {
                    byte: 6,
                    value: 0xe9,
                    line: 2,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("byte offset 6"), "{e}");
        let e = import_text_file(&file(dir.path(), "empty.txt", b"")).unwrap_err();
        assert!(matches!(e, ImportError::Empty { .. }), "{e}");
        let e = import_text_file(&dir.path().join("absent.txt")).unwrap_err();
        assert!(matches!(e, ImportError::Io { .. }), "{e}");
        let big = dir.path().join("big.txt");
        std::fs::File::create(&big)
            .and_then(|f| f.set_len(MAX_TEXT_BYTES + 1))
            .unwrap_or_else(|e| panic!("{e}"));
        let e = import_text_file(&big).unwrap_err();
        assert!(matches!(e, ImportError::TooLarge { .. }), "{e}");
    }
}
