//! Non-modal windows: keyboard shortcuts, preferences, about.

use super::actions::Action;
use super::app::MarginaliaApp;
use super::commands::Command;

impl MarginaliaApp {
    /// Draws whichever of the help/preferences/about windows are open.
    pub(super) fn draw_windows(&mut self, ctx: &egui::Context, _actions: &mut Vec<Action>) {
        let mut open = self.show_shortcuts;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts_grid")
                    .num_columns(2)
                    .striped(true)
                    .spacing([16.0, 4.0])
                    .show(ui, |ui| {
                        for c in Command::all() {
                            if matches!(c, Command::ApplyTag(n) if n > 1) {
                                continue;
                            }
                            let keys = match c {
                                Command::ApplyTag(_) => "1 … 9".to_string(),
                                Command::Redo => format!(
                                    "{} / {}",
                                    c.shortcut_text(ctx),
                                    c.alternate_shortcut()
                                        .map(|s| ctx.format_shortcut(&s))
                                        .unwrap_or_default()
                                ),
                                _ => c.shortcut_text(ctx),
                            };
                            if keys.is_empty() {
                                continue;
                            }
                            ui.label(egui::RichText::new(keys).monospace().strong());
                            ui.label(c.description());
                            ui.end_row();
                        }
                    });
                ui.add_space(6.0);
                ui.label(
                    egui::RichText::new(
                        "Keys without Ctrl do nothing while you are typing in a text field.",
                    )
                    .weak(),
                );
            });
        self.show_shortcuts = open;

        let mut open = self.show_prefs;
        egui::Window::new("Preferences")
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let l = ui.label("Annotator name");
                    ui.text_edit_singleline(&mut self.prefs.annotator)
                        .labelled_by(l.id)
                        .on_hover_text("Written into every new annotation");
                });
                if self.prefs.annotator.trim().is_empty() {
                    ui.label(
                        egui::RichText::new("An empty name is saved as “me”.")
                            .color(ui.visuals().warn_fg_color),
                    );
                }
            });
        if !open && self.prefs.annotator.trim().is_empty() {
            self.prefs.annotator = "me".into();
        }
        self.show_prefs = open;

        let mut open = self.show_about;
        egui::Window::new("About Marginalia")
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            .show(ctx, |ui| {
                ui.heading(format!("Marginalia {}", env!("CARGO_PKG_VERSION")));
                ui.label(env!("CARGO_PKG_DESCRIPTION"));
                ui.label(format!("Licence: {}", env!("CARGO_PKG_LICENSE")));
            });
        self.show_about = open;
    }
}
