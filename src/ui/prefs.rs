//! UI preferences kept between runs with eframe's storage: the annotator
//! name, recent projects and panel visibility. Never the project itself.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Most recent projects remembered.
pub const MAX_RECENT: usize = 10;

/// Storage key of [`Prefs`].
pub const STORAGE_KEY: &str = "marginalia.prefs.v1";

/// Preferences saved with eframe storage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Name written into new annotations.
    pub annotator: String,
    /// Recently opened or saved projects, newest first.
    pub recent: Vec<PathBuf>,
    /// Show the codebook/documents/speakers panel.
    pub show_left: bool,
    /// Show the annotation list and inspector.
    pub show_right: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            annotator: default_annotator(),
            recent: Vec::new(),
            show_left: true,
            show_right: true,
        }
    }
}

impl Prefs {
    /// Puts `path` first in the recent list (no duplicates, at most
    /// [`MAX_RECENT`]).
    pub fn add_recent(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(MAX_RECENT);
    }

    /// Loads from eframe storage, or defaults.
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Self {
        storage
            .and_then(|s| eframe::get_value::<Prefs>(s, STORAGE_KEY))
            .unwrap_or_default()
    }
}

/// The OS user name ($USER, $USERNAME), else "me".
pub fn default_annotator() -> String {
    ["USER", "USERNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "me".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_list_is_unique_newest_first_and_capped() {
        let mut p = Prefs::default();
        for i in 0..15 {
            p.add_recent(Path::new(&format!("/p/{i}.ron")));
        }
        p.add_recent(Path::new("/p/7.ron"));
        assert_eq!(p.recent.len(), MAX_RECENT);
        assert_eq!(p.recent[0], PathBuf::from("/p/7.ron"));
        assert_eq!(p.recent.iter().filter(|r| r.ends_with("7.ron")).count(), 1);
        assert!(!default_annotator().is_empty());
    }
}
