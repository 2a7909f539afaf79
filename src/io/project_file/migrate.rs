//! Format versions: peeking the `format` field, and upgrading old files.
//!
//! Every project file starts with `format: N`. A file is read in two steps:
//! [`peek_format`] reads that field alone (every other field is skipped), then
//! [`read_and_upgrade`] parses the whole file with the structs of format `N`
//! and upgrades the result one version at a time up to
//! [`FORMAT_VERSION`].
//!
//! Format 1 is the first, so there is nothing to upgrade yet. When a change to
//! the model changes the file (a field renamed, moved or given a new meaning;
//! a new field that must not be dropped by an older build):
//! 1. copy today's serialized structs into `v1.rs` here, frozen (plain serde
//!    structs, no methods beyond what the upgrade needs);
//! 2. write `fn upgrade_v1(v1::Project) -> Project` turning a v1 project into
//!    the new one;
//! 3. bump [`FORMAT_VERSION`] to 2 and add the arm `1 => upgrade_v1(read(src)?)`
//!    in [`read_and_upgrade`] (for format 3 later: `1 => upgrade_v2(upgrade_v1(…))`);
//! 4. keep `tests/fixtures/format-1.ron` and add `format-2.ron`: the fixture
//!    test loads every format from [`OLDEST_FORMAT`] on.

use super::locate::Seg;
use crate::model::{FORMAT_VERSION, Project};
use serde::Deserialize;

/// The first format there ever was.
pub const OLDEST_FORMAT: u32 = 1;

/// The `format` field alone. Files are written with struct names, so this
/// reader carries the same name as the project struct.
#[derive(Deserialize)]
#[serde(rename = "Project")]
struct FormatPeek {
    format: u32,
}

/// Reads just the `format` number (the rest is skipped, still within ron's
/// recursion limit).
pub fn peek_format(src: &str) -> Result<u32, ron::error::SpannedError> {
    if let Some(n) = quick_format(src) {
        return Ok(n);
    }
    ron::Options::default()
        .from_str::<FormatPeek>(src)
        .map(|p| p.format)
}

/// The `format` number when the file opens the way Marginalia writes it,
/// `Project(` then `format: N,` (white space aside): found without tokenizing
/// the rest of a large file. `None` for any other opening (comments, another
/// field first, …): the full peek decides.
fn quick_format(src: &str) -> Option<u32> {
    let rest = src.trim_start();
    let rest = rest.strip_prefix("Project").unwrap_or(rest).trim_start();
    let rest = rest.strip_prefix('(')?.trim_start();
    let rest = rest.strip_prefix("format")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let n = rest.get(..digits)?.parse().ok()?;
    let after = rest.get(digits..)?.trim_start();
    (after.starts_with(',') || after.starts_with(')')).then_some(n)
}

/// Why the whole file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// ron's error (syntax, wrong type, missing field, nesting).
    Ron(ron::error::SpannedError),
    /// A field the structs of this format do not have, by path.
    UnknownField(Vec<Seg>),
    /// A format newer than this build.
    Newer(u32),
    /// A format number below [`OLDEST_FORMAT`].
    Unknown(u32),
}

/// Parses a file of format `found` and upgrades it to [`FORMAT_VERSION`].
pub fn read_and_upgrade(src: &str, found: u32) -> Result<Project, ReadError> {
    match found {
        // The current format: nothing to upgrade.
        FORMAT_VERSION => read::<Project>(src),
        // Older formats go here, oldest last, each upgraded step by step:
        // 1 => read::<v1::Project>(src).map(upgrade_v1),
        v if v > FORMAT_VERSION => Err(ReadError::Newer(v)),
        v => Err(ReadError::Unknown(v)),
    }
}

/// Parses `src` as `T` with ron's default options (recursion limit on),
/// rejecting fields `T` does not have.
fn read<T: serde::de::DeserializeOwned>(src: &str) -> Result<T, ReadError> {
    let mut de = ron::Deserializer::from_str_with_options(src, &ron::Options::default())
        .map_err(ReadError::Ron)?;
    let mut unknown: Vec<Vec<Seg>> = Vec::new();
    let value = serde_ignored::deserialize(&mut de, |path| unknown.push(segments(&path)));
    let value = match value {
        Ok(v) => v,
        // A required field is missing and an unknown one is present: most
        // likely a misspelling, and the unknown field is where to look.
        Err(ron::Error::MissingStructField { .. }) if !unknown.is_empty() => {
            return Err(ReadError::UnknownField(unknown.swap_remove(0)));
        }
        Err(e) => return Err(ReadError::Ron(de.span_error(e))),
    };
    de.end().map_err(|e| ReadError::Ron(de.span_error(e)))?;
    match unknown.into_iter().next() {
        Some(path) => Err(ReadError::UnknownField(path)),
        None => Ok(value),
    }
}

/// A serde_ignored path as struct fields and sequence indices (wrappers like
/// `Some(…)` and newtypes add no step, as in the source scan).
fn segments(path: &serde_ignored::Path<'_>) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut cur = Some(path);
    while let Some(p) = cur {
        cur = match p {
            serde_ignored::Path::Root => None,
            serde_ignored::Path::Seq { parent, index } => {
                out.push(Seg::Index(*index));
                Some(*parent)
            }
            serde_ignored::Path::Map { parent, key } => {
                out.push(Seg::Field(key.clone()));
                Some(*parent)
            }
            serde_ignored::Path::Some { parent }
            | serde_ignored::Path::NewtypeStruct { parent }
            | serde_ignored::Path::NewtypeVariant { parent } => Some(*parent),
        };
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peek_reads_only_the_format() {
        assert_eq!(
            peek_format("Project(format: 7, whatever: [1, (a: \"b\")])").ok(),
            Some(7)
        );
        assert_eq!(peek_format("(format: 1)").ok(), Some(1));
        assert!(peek_format("Project(name: \"x\")").is_err());
        assert!(peek_format("Other(format: 1)").is_err());
    }

    #[test]
    fn quick_peek_takes_only_the_written_opening_and_agrees_with_ron() {
        let cases = [
            "Project(\n  format: 1,\n  name: \"x\",",
            "  Project (format:12)",
            "(format: 3, x: 1)",
        ];
        for src in cases {
            assert!(quick_format(src).is_some(), "{src}");
        }
        assert_eq!(quick_format("Project(\n  format: 1,\n  name: ["), Some(1));
        for src in [
            "Project(name: \"x\", format: 1)",
            "/* c */ Project(format: 1)",
            "Other(format: 1)",
            "ProjectX(format: 1)",
            "Project(format: 1x)",
            "Project(format: -1)",
            "Project(format: 99999999999)",
            "Project(format: )",
        ] {
            assert_eq!(quick_format(src), None, "{src}");
        }
        assert_eq!(
            peek_format("Project(format: 7, whatever: [1, (a: \"b\")])").ok(),
            Some(7)
        );
        assert_eq!(peek_format("/* c */ Project(format: 2)").ok(), Some(2));
    }

    #[test]
    fn versions_outside_the_known_range_are_refused() {
        assert!(matches!(
            read_and_upgrade("Project(format: 2)", FORMAT_VERSION + 1),
            Err(ReadError::Newer(v)) if v == FORMAT_VERSION + 1
        ));
        assert!(matches!(
            read_and_upgrade("Project(format: 0)", 0),
            Err(ReadError::Unknown(0))
        ));
    }
}
