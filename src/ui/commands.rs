//! Every user action that has a name: one enum whose label and shortcut feed
//! the menus, the keyboard handler and the Help → Keyboard shortcuts window.

use egui::{Key, KeyboardShortcut, Modifiers};

/// A named user action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Start a new, empty project.
    New,
    /// Open a project file.
    Open,
    /// Save the project to its file (asks for one if it has none).
    Save,
    /// Save the project to a new file.
    SaveAs,
    /// Import a text file as a new document.
    ImportText,
    /// Open the Export window (other tools' formats, with filters).
    Export,
    /// Open the Import annotations window.
    ImportAnnotations,
    /// Quit the application.
    Quit,
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Delete the selected annotation.
    DeleteAnnotation,
    /// Apply the tag with hotkey `n` (1–9) to the text selection, or toggle
    /// it on the selected annotation.
    ApplyTag(u8),
    /// Focus the annotation filter box.
    Find,
    /// Move keyboard focus to the inspector (the note field).
    FocusInspector,
    /// Clear the text selection and the selected annotation.
    ClearSelection,
    /// Show the keyboard shortcuts window.
    ShowShortcuts,
    /// Show the preferences window.
    Preferences,
    /// Show or hide the left panel.
    ToggleLeft,
    /// Show or hide the right panel.
    ToggleRight,
    /// Show the About window.
    About,
    /// Show the Compare view: speakers side by side, topic by topic.
    Compare,
}

/// Whether a shortcut may fire while a text field has keyboard focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InTextField {
    /// Fires even while typing (Ctrl+S, Ctrl+O…).
    Fires,
    /// Left to the text field (Z, Delete, digits, Enter, Escape).
    Ignored,
}

impl Command {
    /// Every command, in the order the shortcuts window lists them.
    /// Order also matters for matching: Redo (Ctrl+Shift+Z) before Undo
    /// (Ctrl+Z), since egui's matching ignores an extra Shift.
    pub fn all() -> Vec<Command> {
        let mut v = vec![
            Command::New,
            Command::Open,
            Command::Save,
            Command::SaveAs,
            Command::ImportText,
            Command::Export,
            Command::ImportAnnotations,
            Command::Quit,
            Command::Redo,
            Command::Undo,
            Command::DeleteAnnotation,
            Command::Find,
            Command::Compare,
            Command::FocusInspector,
            Command::ClearSelection,
            Command::Preferences,
            Command::ShowShortcuts,
        ];
        v.extend((1..=9).map(Command::ApplyTag));
        v
    }

    /// Menu label.
    pub fn label(self) -> String {
        match self {
            Command::New => "New project".into(),
            Command::Open => "Open…".into(),
            Command::Save => "Save".into(),
            Command::SaveAs => "Save As…".into(),
            Command::ImportText => "Import text…".into(),
            Command::Export => "Export…".into(),
            Command::ImportAnnotations => "Import annotations…".into(),
            Command::Quit => "Quit".into(),
            Command::Undo => "Undo".into(),
            Command::Redo => "Redo".into(),
            Command::DeleteAnnotation => "Delete annotation".into(),
            Command::ApplyTag(n) => format!("Apply tag {n}"),
            Command::Find => "Find annotations".into(),
            Command::FocusInspector => "Edit the selected annotation".into(),
            Command::ClearSelection => "Clear selection".into(),
            Command::ShowShortcuts => "Keyboard shortcuts".into(),
            Command::Preferences => "Preferences…".into(),
            Command::ToggleLeft => "Codebook panel".into(),
            Command::ToggleRight => "Annotations panel".into(),
            Command::About => "About Marginalia".into(),
            Command::Compare => "Compare speakers".into(),
        }
    }

    /// A sentence for tooltips and the shortcuts window.
    pub fn description(self) -> &'static str {
        match self {
            Command::New => "Start a new, empty project",
            Command::Open => "Open a project file (.ron)",
            Command::Save => "Save the project to its file",
            Command::SaveAs => "Save the project to a new file",
            Command::ImportText => "Add a .txt or .md file as a new document",
            Command::Export => {
                "Write the annotations for another tool: CSV, brat, doccano, W3C, REFI-QDA…"
            }
            Command::ImportAnnotations => {
                "Read annotations from brat, doccano, W3C, Label Studio, REFI-QDA, CSV or JSON"
            }
            Command::Quit => "Close the window (asks to save changes)",
            Command::Undo => "Undo the last change",
            Command::Redo => "Redo the last undone change",
            Command::DeleteAnnotation => "Delete the selected annotation",
            Command::ApplyTag(_) => {
                "Tag the selected text with the tag bound to this key, or toggle that tag on the selected annotation"
            }
            Command::Find => "Filter the annotation list",
            Command::FocusInspector => "Jump to the note of the selected annotation",
            Command::ClearSelection => "Clear the text selection and the selected annotation",
            Command::ShowShortcuts => "Show this list",
            Command::Preferences => "Annotator name and other settings",
            Command::ToggleLeft => "Show or hide the codebook, documents and speakers",
            Command::ToggleRight => "Show or hide the annotation list and inspector",
            Command::About => "Version and licence",
            Command::Compare => "Each speaker's claims side by side, per question or tag",
        }
    }

    /// The main keyboard shortcut.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let cmd = Modifiers::COMMAND;
        let cmd_shift = Modifiers::COMMAND | Modifiers::SHIFT;
        let none = Modifiers::NONE;
        Some(match self {
            Command::New => KeyboardShortcut::new(cmd, Key::N),
            Command::Open => KeyboardShortcut::new(cmd, Key::O),
            Command::Save => KeyboardShortcut::new(cmd, Key::S),
            Command::SaveAs => KeyboardShortcut::new(cmd_shift, Key::S),
            Command::Quit => KeyboardShortcut::new(cmd, Key::Q),
            Command::Export => KeyboardShortcut::new(cmd, Key::E),
            Command::Undo => KeyboardShortcut::new(cmd, Key::Z),
            Command::Redo => KeyboardShortcut::new(cmd_shift, Key::Z),
            Command::DeleteAnnotation => KeyboardShortcut::new(none, Key::Delete),
            Command::Find => KeyboardShortcut::new(cmd, Key::F),
            Command::FocusInspector => KeyboardShortcut::new(none, Key::Enter),
            Command::ClearSelection => KeyboardShortcut::new(none, Key::Escape),
            Command::ShowShortcuts => KeyboardShortcut::new(none, Key::F1),
            Command::Compare => KeyboardShortcut::new(cmd, Key::K),
            Command::ApplyTag(n) => KeyboardShortcut::new(none, digit_key(n)?),
            Command::ImportText
            | Command::ImportAnnotations
            | Command::Preferences
            | Command::ToggleLeft
            | Command::ToggleRight
            | Command::About => return None,
        })
    }

    /// Further shortcuts for the same command (Ctrl+Y for Redo).
    pub fn alternate_shortcut(self) -> Option<KeyboardShortcut> {
        match self {
            Command::Redo => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::Y)),
            _ => None,
        }
    }

    /// Whether the shortcut fires while a text field is focused.
    pub fn in_text_field(self) -> InTextField {
        match self {
            Command::New
            | Command::Open
            | Command::Save
            | Command::SaveAs
            | Command::Quit
            | Command::Export
            | Command::Find
            | Command::Compare
            | Command::ShowShortcuts => InTextField::Fires,
            _ => InTextField::Ignored,
        }
    }

    /// The commands whose shortcuts were pressed this frame (consumed so
    /// widgets do not also see them). Nothing that would type into a focused
    /// text field fires while one has focus.
    pub fn pressed(ctx: &egui::Context) -> Vec<Command> {
        let typing = ctx.egui_wants_keyboard_input();
        let mut out = Vec::new();
        for c in Command::all() {
            if typing && c.in_text_field() == InTextField::Ignored {
                continue;
            }
            for s in [c.shortcut(), c.alternate_shortcut()].into_iter().flatten() {
                if ctx.input_mut(|i| i.consume_shortcut(&s)) {
                    out.push(c);
                    break;
                }
            }
        }
        out
    }

    /// The shortcut as the platform writes it ("Ctrl+S").
    pub fn shortcut_text(self, ctx: &egui::Context) -> String {
        self.shortcut()
            .map(|s| ctx.format_shortcut(&s))
            .unwrap_or_default()
    }
}

/// The key for digit `n` (1–9).
pub fn digit_key(n: u8) -> Option<Key> {
    Some(match n {
        1 => Key::Num1,
        2 => Key::Num2,
        3 => Key::Num3,
        4 => Key::Num4,
        5 => Key::Num5,
        6 => Key::Num6,
        7 => Key::Num7,
        8 => Key::Num8,
        9 => Key::Num9,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redo_is_matched_before_undo() {
        let all = Command::all();
        let redo = all.iter().position(|c| *c == Command::Redo);
        let undo = all.iter().position(|c| *c == Command::Undo);
        assert!(redo < undo);
    }

    #[test]
    fn shortcuts_are_unique() {
        let all: Vec<_> = Command::all()
            .into_iter()
            .flat_map(|c| [c.shortcut(), c.alternate_shortcut()])
            .flatten()
            .collect();
        for (i, a) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(a), "{a:?} is bound twice");
        }
        assert_eq!(Command::ApplyTag(0).shortcut(), None);
    }
}
