//! RON project files: load (with validation and migration) and atomic save.
//!
//! # Loading
//! [`load`] reads at most [`MAX_FILE_BYTES`] (checked from the file's
//! metadata before reading), requires UTF-8 (the error gives the byte
//! position of the first bad byte), then:
//! 1. peeks the `format` field alone; a format newer than [`FORMAT_VERSION`]
//!    is an error that says so, an older one is read by its frozen structs and
//!    upgraded step by step (see [`migrate`]);
//! 2. parses with ron's default recursion limit (deeply nested input is an
//!    error, never a stack overflow);
//! 3. rejects fields this build does not know (see below);
//! 4. runs [`Project::validate`] and reports the first
//!    [`MAX_REPORTED_PROBLEMS`] problems in file order, each located at the
//!    `id: "…"` of the item it is about, with the total count.
//!
//! Every error reads `file:line:col: sentence` (lines and columns 1-based,
//! columns counted in chars, like ron's own errors).
//!
//! **Unknown fields are rejected.** A misspelt optional field
//! (`speker: Some("spk-toft")`) would otherwise be dropped silently, and the
//! next save would erase it from the file; a field added by a newer
//! Marginalia comes with a newer `format` number, so an unknown field in a
//! file of a known format is a mistake worth a clear error.
//!
//! # Saving
//! [`save`] writes the canonical text ([`to_ron_string`]: same project, same
//! bytes) atomically — temp file in the same folder, `fsync`, rename over,
//! `fsync` the folder — after keeping the previous file as `NAME.ron.bak`.
//! Given the [`DiskStamp`] of what was loaded, it refuses to overwrite a file
//! another program changed in the meantime ([`SaveError::ChangedOnDisk`]).
//! Saving does not validate: an in-memory project that breaks an invariant is
//! still written (so no work is lost), and the next load names the problem.

mod atomic;
pub use atomic::leftover_temp_files;
mod fast_strings;
pub mod locate;
pub mod migrate;

use crate::model::{Annotation, DocId, FORMAT_VERSION, Problem, Project, Turn};
use locate::{Key, LineIndex, Seg};
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest project file [`load`] reads: 256 MiB.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// How many validation problems a [`LoadError::Invalid`] lists at most.
pub const MAX_REPORTED_PROBLEMS: usize = 20;

/// The name used in messages for text parsed without a file ([`parse`]).
pub const NO_FILE: &str = "<text>";

/// What was on disk when a project was loaded or saved; used to notice that
/// another program changed the file in between.
///
/// Length and SHA-256 of the content, not the modification time: a time can
/// stay the same over a quick rewrite (coarse clocks, copies that keep
/// times) and change when nothing did (`touch`, sync tools).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskStamp {
    /// File length in bytes.
    pub len: u64,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

impl DiskStamp {
    /// The stamp of bytes as written or read.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(bytes);
        Self {
            len: bytes.len() as u64,
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    /// The stamp of the file at `path` now, or `None` if there is no file
    /// (for polling whether a project changed on disk).
    pub fn read(path: &Path) -> std::io::Result<Option<Self>> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(Some(Self::of_bytes(&bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A project read from disk with the stamp of what was read.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The project.
    pub project: Project,
    /// What was on disk.
    pub stamp: DiskStamp,
}

/// One located message: `path:line:col: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in chars.
    pub col: usize,
    /// A plain sentence.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.col,
            self.message
        )
    }
}

/// Why a project could not be loaded. Every variant names the file; those
/// about its content carry the 1-based line and column.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be opened or read.
    #[error("{}: could not read the file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error(
        "{}: the file is {len} bytes, more than the {limit} bytes a project file may have",
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
    /// The file is not UTF-8 text.
    #[error(
        "{}:{line}:{col}: not UTF-8 text: invalid byte at byte offset {byte}",
        path.display()
    )]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Line of the first invalid byte.
        line: usize,
        /// Column of the first invalid byte.
        col: usize,
        /// Offset of the first invalid byte.
        byte: usize,
    },
    /// Not valid RON, or not the shape of a project (wrong type, missing
    /// field, nesting too deep, …).
    #[error("{}:{line}:{col}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Line.
        line: usize,
        /// Column.
        col: usize,
        /// What ron found wrong.
        message: String,
    },
    /// A field this build does not know (see the module docs).
    #[error(
        "{}:{line}:{col}: unknown field `{field}`; this build of Marginalia does not know it, and saving would drop it",
        path.display()
    )]
    UnknownField {
        /// The file.
        path: PathBuf,
        /// Line.
        line: usize,
        /// Column.
        col: usize,
        /// The field's path, e.g. `annotations[3].speker`.
        field: String,
    },
    /// Written by a newer Marginalia.
    #[error(
        "{}:{line}:{col}: written by a newer Marginalia: format {found}, this build reads up to {supported}",
        path.display()
    )]
    NewerFormat {
        /// The file.
        path: PathBuf,
        /// Line of the `format` field.
        line: usize,
        /// Column of the `format` field.
        col: usize,
        /// The file's format.
        found: u32,
        /// [`FORMAT_VERSION`].
        supported: u32,
    },
    /// A format number that never existed (below the first one).
    #[error(
        "{}:{line}:{col}: format {found} is not a Marginalia project format (formats start at {oldest})",
        path.display()
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// Line of the `format` field.
        line: usize,
        /// Column of the `format` field.
        col: usize,
        /// The file's format.
        found: u32,
        /// [`migrate::OLDEST_FORMAT`].
        oldest: u32,
    },
    /// The file parses but breaks the project's invariants.
    #[error("{}", display_problems(problems, *total))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The first [`MAX_REPORTED_PROBLEMS`] problems in file order, located.
        problems: Vec<Diagnostic>,
        /// How many problems there are in all.
        total: usize,
    },
}

fn display_problems(problems: &[Diagnostic], total: usize) -> String {
    let mut s = problems
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    if total > problems.len() {
        s.push_str(&format!("\n… and {} more problems", total - problems.len()));
    }
    s
}

impl LoadError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            LoadError::Io { path, .. }
            | LoadError::TooLarge { path, .. }
            | LoadError::NotUtf8 { path, .. }
            | LoadError::Syntax { path, .. }
            | LoadError::UnknownField { path, .. }
            | LoadError::NewerFormat { path, .. }
            | LoadError::UnknownFormat { path, .. }
            | LoadError::Invalid { path, .. } => path,
        }
    }

    /// The error as one line per problem (`path:line:col: sentence`, or
    /// `path: sentence` when there is no position), for a CLI or a log.
    pub fn lines(&self) -> Vec<String> {
        match self {
            LoadError::Invalid {
                problems, total, ..
            } => {
                let mut out: Vec<String> = problems.iter().map(|d| d.to_string()).collect();
                if *total > problems.len() {
                    out.push(format!(
                        "{}: … and {} more problems",
                        self.path().display(),
                        total - problems.len()
                    ));
                }
                out
            }
            other => vec![other.to_string()],
        }
    }

    /// The (line, col) of the error, if it has one (the first problem's for
    /// [`LoadError::Invalid`]).
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            LoadError::NotUtf8 { line, col, .. }
            | LoadError::Syntax { line, col, .. }
            | LoadError::UnknownField { line, col, .. }
            | LoadError::NewerFormat { line, col, .. }
            | LoadError::UnknownFormat { line, col, .. } => Some((*line, *col)),
            LoadError::Invalid { problems, .. } => problems.first().map(|d| (d.line, d.col)),
            LoadError::Io { .. } | LoadError::TooLarge { .. } => None,
        }
    }
}

/// Why a project could not be saved. In every case the file that was on disk
/// is untouched.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Writing failed; the previous file is untouched.
    #[error("{}: could not save: {}", .0.display(), .1)]
    Io(PathBuf, std::io::Error),
    /// The previous version could not be kept as `NAME.ron.bak`, so the file
    /// was not replaced.
    #[error(
        "{}: could not keep the previous version as a backup, so nothing was saved: {}",
        .0.display(),
        .1
    )]
    Backup(PathBuf, std::io::Error),
    /// Serialization failed.
    #[error("could not serialize the project: {0}")]
    Serialize(String),
    /// The file on disk is not the one loaded; saving would lose its changes.
    #[error("{}: the file changed on disk since it was opened; nothing was overwritten", .0.display())]
    ChangedOnDisk(PathBuf),
}

/// The canonical text of a project file: pretty, `\n` line ends, two-space
/// indent, struct names, annotations and turns in their canonical order (a
/// sorted copy is written if the project is not sorted), so the same project
/// always gives the same bytes.
pub fn to_ron_string(project: &Project) -> Result<String, SaveError> {
    let cfg = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .new_line("\n".to_string())
        .indentor("  ".to_string());
    let sorted;
    let project = if is_canonically_sorted(project) {
        project
    } else {
        let mut p = project.clone();
        p.sort_annotations();
        sorted = p;
        &sorted
    };
    fast_strings::to_string_pretty(project, cfg)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| SaveError::Serialize(e.to_string()))
}

fn is_canonically_sorted(p: &Project) -> bool {
    let doc_pos: HashMap<&DocId, usize> = p
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (&d.id, i))
        .collect();
    let pos = |d: &DocId| doc_pos.get(d).copied().unwrap_or(usize::MAX);
    let ordered = |a: &Annotation, b: &Annotation| {
        (pos(&a.doc), a.start, a.end, &a.id) <= (pos(&b.doc), b.start, b.end, &b.id)
    };
    let turn = |t: &Turn| (pos(&t.doc), t.start);
    p.annotations.windows(2).all(|w| ordered(&w[0], &w[1]))
        && p.turns.windows(2).all(|w| turn(&w[0]) <= turn(&w[1]))
}

/// Parses and validates project text that has no file (errors name
/// [`NO_FILE`]).
pub fn parse(src: &str) -> Result<Project, LoadError> {
    parse_named(src, Path::new(NO_FILE))
}

/// Parses and validates project text read from `path` (used in messages).
pub fn parse_named(src: &str, path: &Path) -> Result<Project, LoadError> {
    // A UTF-8 BOM (some editors add one) becomes a space: still one char, so
    // every line:col stays right.
    let with_space;
    let src = match src.strip_prefix('\u{feff}') {
        Some(rest) => {
            with_space = format!(" {rest}");
            with_space.as_str()
        }
        None => src,
    };
    let ctx = Ctx { src, path };
    let found = match migrate::peek_format(src) {
        Ok(found) => found,
        // The peek skips everything but `format` untyped, so its error on a
        // broken file is vaguer than that of the typed parse ("expected
        // comma" far away instead of "expected string" at the value): prefer
        // the typed parse's error.
        Err(e) => {
            return Err(match migrate::read_and_upgrade(src, FORMAT_VERSION) {
                Err(typed @ migrate::ReadError::Ron(_)) => ctx.read_error(typed),
                _ => ctx.syntax(&e),
            });
        }
    };
    let mut project = migrate::read_and_upgrade(src, found).map_err(|e| ctx.read_error(e))?;
    let problems = project.validate();
    if !problems.is_empty() {
        return Err(ctx.invalid(&problems));
    }
    project.format = FORMAT_VERSION;
    project.sort_annotations();
    Ok(project)
}

/// Reads, parses and validates a project file.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let bytes = read_capped(path, MAX_FILE_BYTES)?;
    let src = std::str::from_utf8(&bytes).map_err(|e| {
        let byte = e.valid_up_to();
        let (line, col) = locate::line_col_in_bytes(&bytes, byte);
        LoadError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            col,
            byte,
        }
    })?;
    Ok(Loaded {
        project: parse_named(src, path)?,
        stamp: DiskStamp::of_bytes(&bytes),
    })
}

/// Reads a file of at most `limit` bytes: the size is checked from the
/// metadata first, and the read itself stops past the limit (a file can grow
/// while it is read).
fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("it is a folder, not a file")));
    }
    let too_large = |len| LoadError::TooLarge {
        path: path.to_path_buf(),
        len,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Saves atomically, keeping the previous file as `NAME.ron.bak`. With
/// `expected` (the stamp returned by [`load`] or the last save), refuses with
/// [`SaveError::ChangedOnDisk`] if the file on disk is no longer that; a file
/// that was deleted meanwhile is simply written again.
pub fn save(
    path: &Path,
    project: &Project,
    expected: Option<&DiskStamp>,
) -> Result<DiskStamp, SaveError> {
    save_with(path, project, expected, &mut atomic::write_all)
}

/// Saves atomically, overwriting whatever is on disk (after the user said so).
pub fn save_over(path: &Path, project: &Project) -> Result<DiskStamp, SaveError> {
    save(path, project, None)
}

/// The path of the backup kept by a save: `NAME.ron.bak` next to the file.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "project.ron".into());
    name.push(".bak");
    path.with_file_name(name)
}

/// [`save`] with the function that writes the temp file passed in, so tests
/// can make the write fail halfway.
fn save_with(
    path: &Path,
    project: &Project,
    expected: Option<&DiskStamp>,
    hook: atomic::WriteHook<'_>,
) -> Result<DiskStamp, SaveError> {
    let io = |e| SaveError::Io(path.to_path_buf(), e);
    let target = atomic::resolve_target(path).map_err(io)?;
    let old = match std::fs::read(&target) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    if let (Some(exp), Some(old)) = (expected, &old)
        && &DiskStamp::of_bytes(old) != exp
    {
        return Err(SaveError::ChangedOnDisk(path.to_path_buf()));
    }
    let text = to_ron_string(project)?;
    let permissions = std::fs::metadata(&target).ok().map(|m| m.permissions());
    if let Some(old) = &old
        && old.as_slice() != text.as_bytes()
    {
        let bak = backup_path(&target);
        atomic::write_atomic(&bak, old, permissions.clone(), &mut atomic::write_all)
            .map_err(|e| SaveError::Backup(path.to_path_buf(), e))?;
    }
    atomic::write_atomic(&target, text.as_bytes(), permissions, hook).map_err(io)?;
    Ok(DiskStamp::of_bytes(text.as_bytes()))
}

/// The source being parsed, to turn errors into located ones.
struct Ctx<'a> {
    src: &'a str,
    path: &'a Path,
}

impl Ctx<'_> {
    fn syntax(&self, e: &ron::error::SpannedError) -> LoadError {
        let mut message = ron_message(&e.code);
        let end = LineIndex::new(self.src).line_col(self.src.len());
        let at_end = (e.span.end.line, e.span.end.col) == end;
        if e.code == ron::Error::ExpectedStringEnd {
            message = "this string is never closed (is the file truncated?)".into();
        } else if e.code != ron::Error::Eof && at_end {
            message.push_str(" (the file ends there: is it truncated?)");
        } else if e.code != ron::Error::Eof {
            let index = LineIndex::new(self.src);
            let byte = index.byte_of(e.span.start.line, e.span.start.col);
            if let Some(field) = locate::field_at(&locate::scan_keys(self.src), byte) {
                message.push_str(&format!(" (in `{field}`)"));
            }
        }
        LoadError::Syntax {
            path: self.path.to_path_buf(),
            line: e.span.start.line,
            col: e.span.start.col,
            message,
        }
    }

    fn read_error(&self, e: migrate::ReadError) -> LoadError {
        match e {
            migrate::ReadError::Ron(e) => self.syntax(&e),
            migrate::ReadError::UnknownField(path) => {
                let keys = locate::scan_keys(self.src);
                let byte = keys
                    .iter()
                    .find(|k| k.path == path)
                    .or_else(|| {
                        let name = match path.last() {
                            Some(Seg::Field(f)) => f.as_str(),
                            _ => "",
                        };
                        keys.iter().find(|k| k.name() == name)
                    })
                    .map_or(0, |k| k.byte);
                let (line, col) = LineIndex::new(self.src).line_col(byte);
                LoadError::UnknownField {
                    path: self.path.to_path_buf(),
                    line,
                    col,
                    field: locate::path_to_string(&path),
                }
            }
            migrate::ReadError::Newer(found) => {
                let (line, col) = self.format_position();
                LoadError::NewerFormat {
                    path: self.path.to_path_buf(),
                    line,
                    col,
                    found,
                    supported: FORMAT_VERSION,
                }
            }
            migrate::ReadError::Unknown(found) => {
                let (line, col) = self.format_position();
                LoadError::UnknownFormat {
                    path: self.path.to_path_buf(),
                    line,
                    col,
                    found,
                    oldest: migrate::OLDEST_FORMAT,
                }
            }
        }
    }

    fn format_position(&self) -> (usize, usize) {
        let keys = locate::scan_keys(self.src);
        let byte = keys
            .iter()
            .find(|k| k.path == [Seg::Field("format".into())])
            .map_or(0, |k| k.byte);
        LineIndex::new(self.src).line_col(byte)
    }

    /// Locates each problem at the `id: "…"` of the item it is about.
    fn invalid(&self, problems: &[Problem]) -> LoadError {
        let keys = locate::scan_keys(self.src);
        let index = LineIndex::new(self.src);
        let mut ids: HashMap<&str, Vec<&Key>> = HashMap::new();
        for k in &keys {
            if k.name() == "id"
                && let Some(v) = &k.string_value
            {
                ids.entry(v.as_str()).or_default().push(k);
            }
        }
        let mut dup_seen: HashMap<&str, usize> = HashMap::new();
        let mut located: Vec<Diagnostic> = problems
            .iter()
            .map(|p| {
                let byte = p
                    .item
                    .as_deref()
                    .and_then(|item| {
                        // A duplicate-id problem is about the second (third…)
                        // item carrying the id.
                        let nth = if p.message.starts_with("duplicate ") {
                            let n = dup_seen.entry(item).or_insert(0);
                            *n += 1;
                            *n
                        } else {
                            0
                        };
                        ids.get(item)
                            .and_then(|v| v.get(nth).or(v.first()))
                            .map(|k| k.byte)
                            // Not an item's own id (a turn's document): the
                            // first place the id is mentioned.
                            .or_else(|| {
                                keys.iter()
                                    .find(|k| k.string_value.as_deref() == Some(item))
                                    .map(|k| k.byte)
                            })
                    })
                    .or_else(|| {
                        // Problems not about an item with an id are about
                        // speaker turns.
                        p.message
                            .starts_with("turn ")
                            .then(|| {
                                keys.iter()
                                    .find(|k| k.path == [Seg::Field("turns".into())])
                                    .map(|k| k.byte)
                            })
                            .flatten()
                    })
                    .unwrap_or(0);
                let (line, col) = index.line_col(byte);
                Diagnostic {
                    path: self.path.to_path_buf(),
                    line,
                    col,
                    message: p.message.clone(),
                }
            })
            .collect();
        // In file order, like a compiler's messages.
        located.sort_by_key(|d| (d.line, d.col));
        located.truncate(MAX_REPORTED_PROBLEMS);
        LoadError::Invalid {
            path: self.path.to_path_buf(),
            problems: located,
            total: problems.len(),
        }
    }
}

/// ron's message, reworded where ron's text is advice for programmers.
fn ron_message(code: &ron::Error) -> String {
    match code {
        ron::Error::ExceededRecursionLimit => {
            "values are nested too deeply (more than 128 levels); a project file never is".into()
        }
        ron::Error::Eof => "the file ends too early (is it truncated?)".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::sample::sample_project;
    use std::io::Write;

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"))
    }

    #[test]
    fn interrupted_write_leaves_the_old_file_and_no_temp() {
        let dir = temp();
        let path = dir.path().join("p.ron");
        let mut old = sample_project();
        old.name = "old".into();
        save(&path, &old, None).unwrap();
        let before = std::fs::read(&path).unwrap();
        let mut new = sample_project();
        new.name = "new".into();
        let mut fail_halfway = |f: &mut File, bytes: &[u8]| -> std::io::Result<()> {
            f.write_all(&bytes[..bytes.len() / 2])?;
            Err(std::io::Error::other("simulated crash: disk full"))
        };
        let err = save_with(&path, &new, None, &mut fail_halfway).unwrap_err();
        assert!(matches!(err, SaveError::Io(..)), "{err}");
        assert!(err.to_string().contains("disk full"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert_eq!(load(&path).unwrap().project.name, "old");
        assert_eq!(
            atomic::leftover_temp_files(&path).unwrap(),
            Vec::<PathBuf>::new()
        );
    }

    #[test]
    fn a_panicking_writer_leaves_no_temp_either() {
        let dir = temp();
        let path = dir.path().join("p.ron");
        save(&path, &sample_project(), None).unwrap();
        let before = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| {
            let mut boom = |f: &mut File, bytes: &[u8]| -> std::io::Result<()> {
                f.write_all(&bytes[..10])?;
                panic!("power cut");
            };
            let _ = save_with(&path, &Project::new("x"), None, &mut boom);
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(atomic::leftover_temp_files(&path).unwrap().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn save_keeps_the_file_mode_and_follows_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp();
        let real = dir.path().join("real.ron");
        save(&real, &Project::new("a"), None).unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.ron");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        save(&link, &Project::new("b"), None).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(load(&real).unwrap().project.name, "b");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn unsorted_projects_serialize_canonically() {
        let p = sample_project();
        let mut shuffled = p.clone();
        shuffled.annotations.reverse();
        assert_eq!(
            to_ron_string(&shuffled).unwrap(),
            to_ron_string(&p).unwrap()
        );
    }
}
