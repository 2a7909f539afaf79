//! Replacing a file so that a crash, a full disk or a pulled plug leaves
//! either the old file or the new one — never a mix.
//!
//! The recipe: write the bytes to a temp file in the same folder (so the
//! rename cannot cross file systems), flush it to the disk (`fsync`), rename
//! it over the target (atomic on POSIX and on NTFS), then `fsync` the folder
//! so the rename itself is durable. If anything fails before the rename the
//! temp file is removed and the target is untouched.

use std::fs::{File, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes the bytes into the open temp file. The production writer is
/// [`write_all`]; tests pass one that fails halfway to simulate a crash.
pub type WriteHook<'a> = &'a mut dyn FnMut(&mut File, &[u8]) -> io::Result<()>;

/// The ordinary writer: all bytes.
pub fn write_all(file: &mut File, bytes: &[u8]) -> io::Result<()> {
    file.write_all(bytes)?;
    file.flush()
}

/// The folder a file lives in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The file a save should replace: the target of a symlink rather than the
/// link itself, so saving through a link keeps the link.
pub fn resolve_target(path: &Path) -> io::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

/// Atomically replaces (or creates) `path` with `bytes`, written by `hook`.
/// `permissions`, when given, are applied to the new file before it becomes
/// visible (to keep the mode of the file it replaces).
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    permissions: Option<Permissions>,
    hook: WriteHook<'_>,
) -> io::Result<()> {
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    let prefix = format!(".{name}.");
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(dir)?;
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p)?;
    }
    // On any error below, dropping `tmp` deletes the temp file.
    hook(tmp.as_file_mut(), bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Makes a rename in `dir` durable. Best effort: some file systems (and
/// Windows) cannot open or sync a folder, and by now the new file is in
/// place, so a failure here is not reported as a failed save.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Names of the temp files a save in `dir` for `path` could leave (for tests
/// and for tidying up after a crash).
pub fn leftover_temp_files(path: &Path) -> io::Result<Vec<PathBuf>> {
    let dir = parent_dir(path);
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(Vec::new());
    };
    let prefix = format!(".{name}.");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let n = entry.file_name().to_string_lossy().into_owned();
        if n.starts_with(&prefix) && n.ends_with(".tmp") {
            out.push(entry.path());
        }
    }
    Ok(out)
}
