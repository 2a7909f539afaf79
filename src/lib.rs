//! Marginalia: annotate texts by hand — claims, tags, speakers, links — and
//! exchange the annotations with other tools.
//!
//! Layers, each depending only on those above it:
//! - [`model`]: pure data and rules; every change is an [`model::Edit`].
//! - [`io`]: project files and interchange formats.
//! - [`analysis`]: derived views (speaker turns, comparisons).
//! - [`ui`]: the eframe/egui application.
//! - [`cli`]: headless subcommands.
//! - [`mod@bench`]: the scale benchmark behind `marginalia bench`.
#![deny(missing_docs)]

pub mod analysis;
pub mod bench;
pub mod cli;
pub mod io;
pub mod model;
pub mod ui;
