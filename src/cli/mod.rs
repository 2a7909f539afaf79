//! Headless subcommands. `marginalia [PATH]` with no subcommand opens the
//! window; each subcommand lives in its own file.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

pub mod bench;
pub mod check;
pub mod compare;
pub mod export;
pub mod import;
pub mod speakers;

/// Command line of the `marginalia` binary.
#[derive(Debug, Parser)]
#[command(
    name = "marginalia",
    version,
    about = "Annotate texts by hand: claims, tags, speakers, links"
)]
pub struct Cli {
    /// A project (.ron) or text (.txt, .md) to open in the window.
    pub path: Option<PathBuf>,
    /// A headless subcommand.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The headless subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a project and print a summary, or its problems (exit 1).
    Check(check::CheckArgs),
    /// Detect speaker turns and attributed quotes in a text or project.
    Speakers(speakers::SpeakersArgs),
    /// The compare matrix of a project: topics × speakers.
    Compare(compare::CompareArgs),
    /// Measure open, save, export, frame time and memory on a large generated project.
    Bench(bench::BenchArgs),
    /// Write the project (or a filtered part) in an interchange format.
    Export(export::ExportArgs),
    /// Read annotations from another tool's format into a project.
    Import(import::ImportArgs),
}

/// Runs a subcommand; `None` means "open the window".
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Check(a) => check::run(a),
        Command::Speakers(a) => speakers::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Export(a) => export::run(a),
        Command::Import(a) => import::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("marginalia: {e:#}");
            ExitCode::from(2)
        }
    }
}
