//! RON project files: load (with validation and migration) and atomic save.
//!
//! Minimal first version: parse + validate, and a temp-file-and-rename save.
//! (Hardened in its own change: size cap, line:col for semantic problems,
//! migration, fsync, `.bak`, change-on-disk detection.)

use crate::model::Project;
use std::fmt;
use std::path::{Path, PathBuf};

/// What was on disk when a project was loaded or saved; used to notice that
/// another program changed the file in between.
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
}

/// A project read from disk with the stamp of what was read.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The project.
    pub project: Project,
    /// What was on disk.
    pub stamp: DiskStamp,
}

/// Why a project could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read.
    Io(PathBuf, std::io::Error),
    /// The file is not valid RON for a project, or breaks an invariant.
    Invalid(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            LoadError::Invalid(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for LoadError {}

/// Why a project could not be saved.
#[derive(Debug)]
pub enum SaveError {
    /// Writing failed; the previous file is untouched.
    Io(PathBuf, std::io::Error),
    /// Serialization failed.
    Serialize(String),
    /// The file on disk is not the one loaded; saving would lose its changes.
    ChangedOnDisk(PathBuf),
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            SaveError::Serialize(s) => write!(f, "could not serialize the project: {s}"),
            SaveError::ChangedOnDisk(p) => write!(
                f,
                "{}: the file changed on disk since it was opened",
                p.display()
            ),
        }
    }
}

impl std::error::Error for SaveError {}

/// The canonical text of a project file (pretty, deterministic).
pub fn to_ron_string(project: &Project) -> Result<String, SaveError> {
    let cfg = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .indentor("  ".to_string());
    ron::ser::to_string_pretty(project, cfg)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| SaveError::Serialize(e.to_string()))
}

/// Parses and validates project text.
pub fn parse(src: &str) -> Result<Project, LoadError> {
    let mut p: Project = ron::from_str(src).map_err(|e| LoadError::Invalid(e.to_string()))?;
    let problems = p.validate();
    if let Some(first) = problems.first() {
        return Err(LoadError::Invalid(first.message.clone()));
    }
    p.sort_annotations();
    Ok(p)
}

/// Reads, parses and validates a project file.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError::Io(path.to_path_buf(), e))?;
    let src = String::from_utf8(bytes.clone())
        .map_err(|e| LoadError::Invalid(format!("not UTF-8: {e}")))?;
    Ok(Loaded {
        project: parse(&src)?,
        stamp: DiskStamp::of_bytes(&bytes),
    })
}

/// Saves atomically. With `expected`, refuses if the file on disk is no
/// longer what was loaded or last saved.
pub fn save(
    path: &Path,
    project: &Project,
    expected: Option<&DiskStamp>,
) -> Result<DiskStamp, SaveError> {
    if let Some(exp) = expected
        && let Ok(bytes) = std::fs::read(path)
        && &DiskStamp::of_bytes(&bytes) != exp
    {
        return Err(SaveError::ChangedOnDisk(path.to_path_buf()));
    }
    save_over(path, project)
}

/// Saves atomically, overwriting whatever is on disk (after the user said so).
pub fn save_over(path: &Path, project: &Project) -> Result<DiskStamp, SaveError> {
    let text = to_ron_string(project)?;
    let io = |e| SaveError::Io(path.to_path_buf(), e);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(DiskStamp::of_bytes(text.as_bytes()))
}
