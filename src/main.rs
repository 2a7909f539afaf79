//! The `marginalia` binary: a window, or a headless subcommand.

use clap::Parser;
use marginalia::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => cli::run(command),
        None => marginalia::ui::run_window(args.path),
    }
}
